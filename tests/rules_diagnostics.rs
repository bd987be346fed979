//! Rule-set diagnostics: the ten planted mistakes of
//! `tests/fixtures/broken/ten-mistakes.yaml` are all reported by
//! `placement rules check`, each with its code and exact place, and a rule
//! set with errors is never used to score anything (exit 2).

use assert_cmd::Command;
use placement::rules::{load_path, LoadError};
use serde_json::Value;
use std::path::Path;

const BROKEN: &str = "tests/fixtures/broken/ten-mistakes.yaml";
const MINI: &str = "tests/fixtures/mini";

fn placement() -> Command {
    let mut c = Command::cargo_bin("placement").expect("the placement binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env("COLUMNS", "100");
    c
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let o = placement().args(args).output().expect("runs");
    Out {
        code: o.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

/// The ten mistakes: code, line, column, message and help, in the stable
/// order of the report (file, line, column, code).
const EXPECTED: [(&str, u32, u32, &str, Option<&str>); 10] = [
    // A whole-rule-set problem points at the first key of the file.
    ("missing-field", 6, 1, "the rule set has no `version`", None),
    (
        "unknown-field",
        18,
        5,
        "unknown field `descripton` in a level",
        Some("did you mean `description`?"),
    ),
    (
        "unknown-reference",
        32,
        14,
        "unknown level `intensve`",
        Some("did you mean `intensive`?"),
    ),
    (
        "unknown-reference",
        59,
        11,
        "unknown question `sleep_hour`",
        Some("did you mean `sleep_hours`?"),
    ),
    (
        "duplicate-id",
        62,
        9,
        "duplicate flag id `money_trouble`",
        Some("first defined at tests/fixtures/broken/ten-mistakes.yaml:48:9"),
    ),
    (
        "condition-type",
        70,
        17,
        "`age` is compared with an id, but it takes a number (it is an integer question)",
        None,
    ),
    (
        "duplicate-key",
        126,
        9,
        "duplicate key `text` in a question",
        Some("`text` is already given on line 124"),
    ),
    (
        "band-gap",
        174,
        14,
        "totals 2..2 of `wq` fall in no band: between `some` (ends at 1) and `many` (starts at 3)",
        None,
    ),
    (
        "band-overlap",
        184,
        14,
        "bands `mid` (4..8) and `high` (8..10) of `pq` overlap at 8..8",
        None,
    ),
    (
        "unknown-reference",
        212,
        26,
        "`homeless` is not an option of `housing`",
        Some("expected one of `stable`, `shared`, `none`"),
    ),
];

fn fixture_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(BROKEN)).expect("fixture")
}

#[test]
fn each_expected_place_is_the_line_after_its_mistake_comment() {
    // Keeps EXPECTED and the fixture in step: mistake n (2..=10) is planted
    // on the line after the comment `# MISTAKE n:`.
    let text = fixture_text();
    let lines: Vec<&str> = text.lines().collect();
    let mut planted = Vec::new();
    for n in 2..=10 {
        let marker = format!("# MISTAKE {n}:");
        let i = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&marker))
            .unwrap_or_else(|| panic!("no {marker}"));
        planted.push(i as u32 + 2);
    }
    // Mistake 5 (the duplicate id) is the line after its comment as well.
    let mut expected_lines: Vec<u32> = EXPECTED[1..].iter().map(|e| e.1).collect();
    expected_lines.sort();
    planted.sort();
    assert_eq!(planted, expected_lines);
    assert!(!text.contains("\nversion:"), "mistake 1: no `version` key");
}

#[test]
fn rules_check_reports_all_ten_mistakes_with_code_and_place() {
    let out = run(&["rules", "check", BROKEN]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let text = fixture_text();
    let lines: Vec<&str> = text.lines().collect();
    // Every diagnostic block, in order, with its code, place and source line.
    let blocks: Vec<&str> = out
        .stdout
        .split("\n\n")
        .filter(|b| b.contains("error[") || b.contains("warning["))
        .collect();
    assert_eq!(blocks.len(), 10, "exactly ten findings:\n{}", out.stdout);
    for (block, (code, line, col, message, help)) in blocks.iter().zip(EXPECTED) {
        let head = format!("error[{code}]: {message}\n  --> {BROKEN}:{line}:{col}\n");
        assert!(block.starts_with(&head), "expected\n{head}\ngot\n{block}");
        let src = lines[line as usize - 1];
        assert!(
            block.contains(&format!(" {line} | {src}\n"))
                || block.contains(&format!("{line} | {src}\n")),
            "{block}"
        );
        let caret = format!(" | {}^", " ".repeat(col as usize - 1));
        assert!(block.contains(&caret), "caret under column {col}:\n{block}");
        match help {
            Some(h) => assert!(
                block.ends_with(&format!("\n  = help: {h}")),
                "help `{h}`:\n{block}"
            ),
            None => assert!(!block.contains("= help:"), "no help expected:\n{block}"),
        }
    }
    assert!(
        out.stdout.ends_with("10 error(s), 0 warning(s)\n"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("ten_mistakes_human", out.stdout);
}

#[test]
fn rules_check_with_global_rules_flag_gives_the_same_report() {
    let a = run(&["rules", "check", BROKEN]);
    let b = run(&["--rules", BROKEN, "rules", "check"]);
    assert_eq!(b.code, 1);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(b.stderr, "");
}

#[test]
fn rules_check_json_lists_the_ten_findings() {
    let out = run(&["rules", "check", "--format", "json", BROKEN]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "");
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["errors"], 10);
    assert_eq!(v["warnings"], 0);
    let findings = v["findings"].as_array().expect("findings");
    let got: Vec<(String, String, u64, u64, String, Option<String>)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_string(),
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["message"].as_str().expect("message").to_string(),
                f["help"].as_str().map(str::to_string),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64, String, Option<String>)> = EXPECTED
        .iter()
        .map(|(c, l, col, m, h)| {
            (
                c.to_string(),
                BROKEN.to_string(),
                *l as u64,
                *col as u64,
                m.to_string(),
                h.map(str::to_string),
            )
        })
        .collect();
    assert_eq!(got, want);
    for f in findings {
        assert_eq!(f["severity"], "error");
    }
}

#[test]
fn rules_check_github_format_annotates_each_line() {
    let out = run(&["rules", "check", "--format", "github", BROKEN]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(lines.len(), 10, "{}", out.stdout);
    for (l, (code, line, col, message, _)) in lines.iter().zip(EXPECTED) {
        let prefix =
            format!("::error file={BROKEN},line={line},col={col},title={code}::[{code}] {message}");
        assert!(
            l.starts_with(&prefix),
            "expected prefix\n{prefix}\ngot\n{l}"
        );
    }
    // GITHUB_ACTIONS=true picks this format by default.
    let o = placement()
        .args(["rules", "check", BROKEN])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8(o.stdout).expect("UTF-8"), out.stdout);
}

#[test]
fn an_invalid_rule_set_never_scores_anything() {
    let check = run(&["rules", "check", BROKEN]);
    let blocks: Vec<&str> = check
        .stdout
        .split("\n\n")
        .filter(|b| b.contains("error["))
        .collect();
    assert_eq!(blocks.len(), 10);
    let tail = "the rule set is invalid (10 error(s)); nothing was done. Run `placement rules check` for details\n";
    let intake = "tests/fixtures/mini-intakes/01-light.yaml";
    for args in [
        vec!["--rules", BROKEN, "score", "--format", "json", intake],
        vec!["--rules", BROKEN, "score", intake],
        vec!["--rules", BROKEN, "explain", intake],
        vec!["--rules", BROKEN, "rules", "show", "--format", "json"],
    ] {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}: nothing on stdout");
        // Every diagnostic, rendered as `rules check` renders it, on stderr.
        for b in &blocks {
            let b = b.trim_start_matches('\n');
            let body = b
                .strip_prefix("error[")
                .expect("block starts with its header");
            assert!(
                out.stderr.contains(body),
                "{args:?}: stderr lacks\n{b}\n---\n{}",
                out.stderr
            );
        }
        assert!(out.stderr.ends_with(tail), "{args:?}:\n{}", out.stderr);
    }
}

// ---- Each mistake alone --------------------------------------------------------

/// The mini rule set as one file.
fn mini_one_file() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(MINI);
    let mut text = std::fs::read_to_string(root.join("00-set.yaml")).expect("read");
    text.push_str(&std::fs::read_to_string(root.join("10-questions.yaml")).expect("read"));
    text
}

/// Loads `text` as a one-file rule set and returns (code, line, message)
/// of every diagnostic, errors and warnings.
fn diagnostics(text: &str) -> Vec<(&'static str, u32, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, text).expect("write");
    match load_path(&path, 1 << 20) {
        Ok(l) => l
            .warnings
            .iter()
            .map(|d| (d.code, d.span.line, d.message.clone()))
            .collect(),
        Err(LoadError::Invalid { diagnostics, .. }) => diagnostics
            .iter()
            .map(|d| (d.code, d.span.line, d.message.clone()))
            .collect(),
        Err(LoadError::Io(m)) => panic!("I/O: {m}"),
    }
}

/// The line of the last line containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .rposition(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}")) as u32
        + 1
}

fn mutate(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn the_mini_rule_set_as_one_file_is_clean() {
    assert_eq!(diagnostics(&mini_one_file()), []);
}

#[test]
fn each_mistake_alone_gives_exactly_one_finding() {
    let clean = mini_one_file();
    let cases: [(&str, &str, &str, &str, &str); 10] = [
        (
            "missing version",
            "version: \"0.3.0\"\n",
            "",
            "missing-field",
            "name: mini",
        ),
        (
            "typo'd key",
            "    description: Weekly sessions (fictional).",
            "    descripton: Weekly sessions (fictional).",
            "unknown-field",
            "descripton:",
        ),
        (
            "duplicate id",
            "  - id: age_unknown\n",
            "  - id: money_trouble\n",
            "duplicate-id",
            "- id: money_trouble",
        ),
        (
            "unknown question",
            "when: sleep_hours < 3",
            "when: sleep_hour < 3",
            "unknown-reference",
            "sleep_hour <",
        ),
        (
            "option not in the list",
            "housing == none or",
            "housing == homeless or",
            "unknown-reference",
            "homeless",
        ),
        (
            "overlapping bands",
            "{id: mid, min: 4, max: 7}",
            "{id: mid, min: 4, max: 8}",
            "band-overlap",
            "{id: high,",
        ),
        (
            "gap in bands",
            "{id: many, min: 2, max: 3",
            "{id: many, min: 3, max: 3",
            "band-gap",
            "{id: many,",
        ),
        (
            "text compared with a number",
            "when: age < 16",
            "when: age < young",
            "condition-type",
            "age < young",
        ),
        (
            "unknown level",
            "      level: intensive\n",
            "      level: intensve\n",
            "unknown-reference",
            "level: intensve",
        ),
        (
            "duplicate key",
            "        text: Does worry keep you awake?\n",
            "        text: Does worry keep you awake?\n        text: Does worry keep you up?\n",
            "duplicate-key",
            "keep you up?",
        ),
    ];
    for (what, from, to, code, at) in cases {
        let text = mutate(&clean, from, to);
        let got = diagnostics(&text);
        let codes: Vec<(&str, u32)> = got.iter().map(|(c, l, _)| (*c, *l)).collect();
        let line = if code == "missing-field" {
            // The first key of the file.
            text.lines()
                .position(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .expect("a key") as u32
                + 1
        } else {
            line_of(&text, at)
        };
        assert_eq!(codes, [(code, line)], "{what}: {got:?}");
    }
}

#[test]
fn unknown_level_in_minimums_is_reported_once() {
    // A misspelled level in `minimums` is one mistake: it must give one
    // `unknown-reference` on its line, not also a `minimums` error claiming
    // the dimension has no minimums (at the line of another dimension).
    let clean = mini_one_file();
    let text = mutate(
        &clean,
        "    context: [light, light, standard]",
        "    context: [light, light, standrd]",
    );
    let got = diagnostics(&text);
    let line = line_of(&text, "standrd");
    assert_eq!(
        got,
        [(
            "unknown-reference",
            line,
            "unknown level `standrd`".to_string()
        )],
        "one finding for one mistake"
    );
}

// ---- Retired questions ----------------------------------------------------------

/// The mini rule set with `old_sleep`, a retired yes/no question, after
/// `notes`; `extra` is added under the question's `type`.
fn with_retired(extra: &str) -> String {
    mutate(
        &mini_one_file(),
        "        max_length: 200\n",
        &format!(
            "        max_length: 200\n      - id: old_sleep\n        text: Do you sleep badly?\n        type: yes_no\n        retired: true\n{extra}"
        ),
    )
}

#[test]
fn a_retired_question_loads_clean_and_is_shown_as_retired() {
    let text = with_retired("");
    assert_eq!(diagnostics(&text), []);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, &text).expect("write");
    let out = run(&[
        "rules",
        "show",
        "--format",
        "json",
        "--rules",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let q = v["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == "old_sleep")
        .expect("old_sleep is listed");
    assert_eq!(q["retired"], true);
    assert_eq!(q["informational"], true);
    assert_eq!(q.get("ask_when"), None);
}

#[test]
fn a_retired_question_with_ask_when_is_an_error_on_its_line() {
    let text = with_retired("        ask_when: has_support\n");
    assert_eq!(
        diagnostics(&text),
        [(
            "retired-question",
            line_of(&text, "ask_when: has_support"),
            "retired question `old_sleep` has an `ask_when`, but a retired question is never asked"
                .to_string()
        )]
    );
}

#[test]
fn rules_check_reports_a_condition_that_reads_a_retired_question() {
    let text = mutate(
        &with_retired(""),
        "when: sleep_hours < 3",
        "when: old_sleep or sleep_hours < 3",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, &text).expect("write");
    let out = run(&["rules", "check", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let found: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "retired-question")
        .collect();
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(found[0]["line"], line_of(&text, "- id: old_sleep"));
    assert_eq!(
        found[0]["message"],
        "retired question `old_sleep` is read by a condition, but a retired question is never asked, so the condition never sees an answer"
    );
}

#[test]
fn an_answer_to_a_retired_question_is_kept_unused_and_noted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, with_retired("")).expect("write");
    let rules = path.to_str().unwrap();
    let intake = r#"{"intake": 1, "id": "r-1", "answers": {"old_sleep": true}}"#;
    let o = placement()
        .args(["score", "-", "--format", "json", "--rules", rules])
        .write_stdin(intake)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let warnings = v[0]["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w
            == "`old_sleep` is answered, but the rule set no longer asks it (retired); its answer is kept and not used"),
        "{warnings:?}"
    );
    assert!(
        !v[0]["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .any(|m| m == "old_sleep"),
        "a retired question is never missing"
    );
    let file = dir.path().join("intake.json");
    std::fs::write(&file, intake).expect("write");
    let o = placement()
        .args(["explain", file.to_str().unwrap(), "--rules", rules])
        .output()
        .expect("runs");
    let text = String::from_utf8(o.stdout).expect("UTF-8");
    assert!(
        text.lines().any(|l| {
            l
            == "  old_sleep                yes  (retired: kept from an earlier version, not asked)"
        }),
        "{text}"
    );
}

// ---- A flag's one-line `action` -------------------------------------------------

#[test]
fn a_flags_action_must_be_one_line_of_text() {
    let clean = mini_one_file();
    let advice = "    action: Give the advice line's number before the client leaves.\n";
    let check = "    action: >\n      Book a same-day check with the duty clinician\n      before the client leaves.\n";
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        (
            "empty",
            advice,
            "    action: \"\"\n",
            "action-text",
            "`action` of flag `money_trouble` is empty",
        ),
        (
            "only spaces",
            advice,
            "    action: \"   \"\n",
            "action-text",
            "`action` of flag `money_trouble` is empty",
        ),
        (
            "two lines",
            check,
            "    action: |\n      Book a same-day check.\n      Do not let the client leave before it.\n",
            "action-text",
            "`action` of flag `no_sleep` is more than one line",
        ),
        (
            "a line break in a quoted string",
            advice,
            "    action: \"Give the number.\\nThen call back.\"\n",
            "action-text",
            "`action` of flag `money_trouble` is more than one line",
        ),
        (
            "a list",
            advice,
            "    action: [call, write]\n",
            "wrong-type",
            "`action` must be text, not a list",
        ),
    ];
    for (what, from, to, code, message) in cases {
        let text = mutate(&clean, from, to);
        let line = line_of(&text, to.lines().next().expect("a line").trim_start())
            + u32::from(to.starts_with("    action: |"));
        assert_eq!(
            diagnostics(&text),
            [(code, line, message.to_string())],
            "{what}"
        );
    }
    // The full report: place, the value underlined, help; exit 1 for
    // `rules check`, 2 for anything that would use the rule set.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, mutate(&clean, advice, "    action: \"  \"\n")).expect("write");
    let p = path.display().to_string();
    let out = run(&["--color", "never", "rules", "check", &p]);
    let line = line_of(
        &std::fs::read_to_string(&path).expect("read"),
        "action: \"  \"",
    );
    assert_eq!(
        out.stdout,
        format!(
            "error[action-text]: `action` of flag `money_trouble` is empty\n  --> {p}:{line}:13\n   |\n{line} |     action: \"  \"\n   |             ^^^^\n  = help: say in one line what the clinician should do, or leave `action` out\n\nanalyses: rule-set analyses not proved (not run: the rule set has errors)\n1 error(s), 0 warning(s)\n"
        )
    );
    assert_eq!(out.code, 1);
    let out = run(&[
        "--rules",
        &p,
        "score",
        "tests/fixtures/mini-intakes/01-light.yaml",
    ]);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("error[action-text]"), "{}", out.stderr);
    assert_eq!(out.code, 2);
}

#[test]
fn a_flags_action_folded_over_lines_is_one_line() {
    // The mini rule set writes `no_sleep`'s action as a folded scalar over
    // two lines; it loads as one line without its final line break.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rules.yaml");
    std::fs::write(&path, mini_one_file()).expect("write");
    let rs = load_path(&path, 1 << 20).expect("loads").rules;
    let actions: Vec<(&str, Option<&str>)> = rs
        .flags
        .iter()
        .map(|f| (f.id.as_str(), f.action.as_deref()))
        .collect();
    assert_eq!(
        actions,
        [
            ("notes_given", None),
            (
                "money_trouble",
                Some("Give the advice line's number before the client leaves.")
            ),
            ("intensive_info", None),
            (
                "no_sleep",
                Some("Book a same-day check with the duty clinician before the client leaves.")
            ),
            ("age_unknown", None),
        ]
    );
}
