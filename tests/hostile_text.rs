//! Nothing raw reaches a terminal or a log (issue 13): text that comes
//! from an input (an intake's id and answers, a file's name, a rule set's
//! ids and messages) is shown with its control characters escaped in every
//! human output (table, Markdown, explain, stderr, GitHub workflow
//! commands), and JSON escapes them too; a critical flag of one intake
//! cannot be hidden by another intake's text. And one spelling of numbers
//! in intake files: plain decimal, as JSON writes numbers.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let o = Command::cargo_bin("placement")
        .expect("binary")
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{args:?} panicked");
    Out {
        code,
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

/// Escape sequences that move the cursor, erase, retitle the terminal,
/// hide text, reorder it, or forge a line: CSI, OSC, a C1 CSI, carriage
/// return, backspaces, a right-to-left override, a line break with a
/// forged GitHub annotation.
const HOSTILE: &str = "\u{1b}[999A\u{1b}[J\u{1b}[2K\u{1b}]0;pwned\u{7}\u{1b}[8m\u{1b}[30;40m\r\u{8}\u{8}\u{9b}2J\u{202e}gnp.exe\u{7f}\n::error::forged";

/// The characters no output may hold raw: C0 controls other than the line
/// break, DEL, C1 controls, bidirectional overrides and isolates.
fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fn assert_clean(what: &str, s: &str) {
    if let Some(c) = raw_control(s) {
        panic!("{what}: a raw {c:?} in:\n{s}");
    }
    assert!(
        !s.lines().any(|l| l.starts_with("::error::forged")),
        "{what}: a forged annotation line:\n{s}"
    );
}

/// With colour, the only escape sequences are the tool's own colours
/// (`ESC [ digits ; m`), never one from an input.
fn assert_only_colours(what: &str, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('\u{1b}') {
        let after = &rest[i + 1..];
        let body: String = after
            .chars()
            .skip(1)
            .take_while(|c| c.is_ascii_digit() || *c == ';')
            .collect();
        let ok = after.starts_with('[') && after[1 + body.len()..].starts_with('m');
        assert!(
            ok,
            "{what}: an escape that is not a colour: {:?}",
            &after[..after.len().min(20)]
        );
        // Not the input's own "hide" (8) or black-on-black (30;40).
        assert!(
            body != "8" && body != "30;40",
            "{what}: the input's own SGR {body:?} was written"
        );
        rest = &after[1 + body.len() + 1..];
    }
    let stripped: String = {
        let mut t = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\u{1b}' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                t.push(c);
            }
        }
        t
    };
    assert_clean(what, &stripped);
}

/// A folder with the example intake that raises critical flags and a
/// hostile intake beside it, named and filled with escape sequences.
struct Batch {
    dir: tempfile::TempDir,
    critical: String,
    hostile: String,
}

fn batch() -> Batch {
    let dir = tempfile::tempdir().unwrap();
    let critical = "a-critical.yaml".to_string();
    std::fs::copy(
        root().join("examples/intakes/06-php-depression-critical-flag.yaml"),
        dir.path().join(&critical),
    )
    .unwrap();
    // A file name may hold anything but `/` and NUL.
    let hostile = format!("b-{}.json", HOSTILE.replace('/', "_"));
    let intake = serde_json::json!({
        "intake": 1,
        "id": HOSTILE,
        "assessor": HOSTILE,
        "comment": HOSTILE,
        "answers": {"age": 34, "reason_for_visit": HOSTILE},
    });
    // Every character that is not printable ASCII as a JSON escape: an
    // intake may not hold DEL or C1 controls raw (YAML does not allow
    // them), escaped they are text like any other.
    std::fs::write(dir.path().join(&hostile), ascii_json(&intake.to_string())).unwrap();
    Batch {
        dir,
        critical,
        hostile,
    }
}

/// The critical flag lines (and their actions) of the critical intake
/// scored alone.
fn critical_lines(b: &Batch, format: &str) -> Vec<String> {
    let alone = run(b.dir.path(), &["score", "--format", format, &b.critical]);
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let lines: Vec<String> = alone
        .stdout
        .lines()
        .filter(|l| l.contains("CRITICAL") || l.to_lowercase().contains("action"))
        .map(str::to_string)
        .collect();
    assert!(!lines.is_empty(), "no critical flag in:\n{}", alone.stdout);
    lines
}

#[test]
fn table_markdown_and_stderr_escape_every_input_and_keep_the_critical_flags() {
    let b = batch();
    for format in ["table", "markdown"] {
        let flags = critical_lines(&b, format);
        // The hostile intake after the critical one, and before it.
        for order in [[&b.critical, &b.hostile], [&b.hostile, &b.critical]] {
            let o = run(
                b.dir.path(),
                &[
                    "score", "--format", format, "--color", "never", order[0], order[1],
                ],
            );
            assert_eq!(o.code, 0, "{format}: {}", o.stderr);
            assert_clean(&format!("{format} stdout"), &o.stdout);
            assert_clean(&format!("{format} stderr"), &o.stderr);
            // The id is there, visibly escaped (in Markdown, with its
            // brackets and backslashes escaped for Markdown).
            let shown = if format == "markdown" {
                "\\\\e\\[999A\\\\e\\[J"
            } else {
                "\\e[999A\\e[J"
            };
            assert!(
                o.stdout.contains(shown),
                "{format}: the id is not shown escaped:\n{}",
                o.stdout
            );
            for l in &flags {
                assert!(
                    o.stdout.lines().any(|x| x == l),
                    "{format}: critical line {l:?} is not intact in:\n{}",
                    o.stdout
                );
            }
        }
    }
}

#[test]
fn forced_colour_writes_only_the_tools_own_colours() {
    let b = batch();
    let o = run(
        b.dir.path(),
        &[
            "score",
            "--format",
            "table",
            "--color",
            "always",
            &b.critical,
            &b.hostile,
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("\u{1b}[1;31m!! CRITICAL"), "{}", o.stdout);
    assert_only_colours("table stdout", &o.stdout);
    assert_only_colours("table stderr", &o.stderr);
}

#[test]
fn explain_escapes_the_id_and_the_file_name() {
    let b = batch();
    let o = run(b.dir.path(), &["explain", &b.hostile]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_clean("explain stdout", &o.stdout);
    assert_clean("explain stderr", &o.stderr);
    assert!(
        o.stdout.contains("Intake id: \\e[999A\\e[J"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("\\u{202e}gnp.exe"), "{}", o.stdout);
}

#[test]
fn json_lines_hold_the_exact_text_with_nothing_raw() {
    let b = batch();
    let o = run(
        b.dir.path(),
        &["score", "--format", "jsonl", &b.critical, &b.hostile],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_clean("jsonl stdout", &o.stdout);
    assert_clean("jsonl stderr", &o.stderr);
    let records: Vec<Value> = o
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    // JSON escapes, and the value is exact.
    assert_eq!(records[1]["id"], HOSTILE);
    assert_eq!(records[1]["source"], b.hostile.as_str());
}

#[test]
fn an_error_on_stderr_is_one_escaped_line() {
    let b = batch();
    // A hostile file name on an intake that cannot be read.
    let bad = format!("c-{}.yaml", HOSTILE);
    std::fs::write(b.dir.path().join(&bad), "intake: 1\nanswers: [\n").unwrap();
    for format in ["table", "jsonl", "markdown"] {
        let o = run(
            b.dir.path(),
            &["score", "--format", format, &b.critical, &bad],
        );
        assert_eq!(o.code, 1, "{format}: {}", o.stderr);
        assert_clean(&format!("{format} stdout"), &o.stdout);
        assert_clean(&format!("{format} stderr"), &o.stderr);
        // Wherever the error line is written (stdout for the table,
        // stderr beside JSON Lines), it is one line, escaped.
        let errors: Vec<&str> = o
            .stdout
            .lines()
            .chain(o.stderr.lines())
            .filter(|l| l.contains("error[intake-syntax]"))
            .collect();
        assert!(!errors.is_empty(), "{format}: {}\n{}", o.stdout, o.stderr);
        for e in errors {
            assert!(e.starts_with("c-\\e[999A"), "{format}: {e}");
            assert!(e.contains("\\n::error::forged.yaml:2:"), "{format}: {e}");
        }
    }
}

/// JSON text with every character outside printable ASCII escaped.
fn ascii_json(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
    }
    out
}

/// A copy of the default rules (top-level files only).
fn copy_rules(dir: &Path) {
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn plant(file: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(text.matches(old).count(), 1, "`{old}` in {file:?}");
    std::fs::write(file, text.replace(old, new)).unwrap();
}

/// YAML's double-quoted form of `s`, every control character (which
/// YAML does not allow raw) written as an escape.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || ('\u{2000}'..='\u{206f}').contains(&c) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// [`HOSTILE`] without its line break (a flag's action is one line).
fn one_line() -> String {
    HOSTILE.replace(['\n', '\r'], " ")
}

#[test]
fn rules_check_github_and_human_escape_ids_messages_and_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    copy_rules(&rules);
    // An id that is not an id (its text is quoted in the finding), in a
    // file whose name holds the escapes and a forged annotation.
    let named = rules.join(format!("35-{}.yaml", HOSTILE.replace('/', "_")));
    std::fs::rename(rules.join("30-biomedical.yaml"), &named).unwrap();
    plant(
        &named,
        "- id: medical_emergency",
        &format!("- id: {}", yaml_quoted(HOSTILE)),
    );
    for format in ["github", "human"] {
        let o = run(dir.path(), &["rules", "check", "--format", format, "rules"]);
        assert_eq!(o.code, 1, "{format}: {}\n{}", o.stdout, o.stderr);
        assert_clean(&format!("{format} stdout"), &o.stdout);
        assert_clean(&format!("{format} stderr"), &o.stderr);
        assert!(o.stdout.contains("invalid-id"), "{format}: {}", o.stdout);
        assert!(o.stdout.contains("\\e[999A"), "{format}: {}", o.stdout);
    }
    let o = run(
        dir.path(),
        &["rules", "check", "--format", "github", "rules"],
    );
    for l in o.stdout.lines() {
        assert!(
            l.starts_with("::error ") || l.starts_with("::warning "),
            "a line that is not one workflow command: {l:?}"
        );
    }
}

#[test]
fn rule_set_messages_are_escaped_in_every_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    copy_rules(&rules);
    plant(
        &rules.join("30-biomedical.yaml"),
        "message: Signs of a medical emergency now.",
        &format!("message: {}", yaml_quoted(&one_line())),
    );
    plant(
        &rules.join("30-biomedical.yaml"),
        "action: Arrange emergency medical care before continuing the intake.",
        &format!("action: {}", yaml_quoted(&one_line())),
    );
    let intake = dir.path().join("x.yaml");
    std::fs::write(
        &intake,
        "intake: 1\nid: x\nanswers:\n  age: 40\n  life_threatening_now: true\n",
    )
    .unwrap();
    for format in ["table", "markdown", "jsonl"] {
        let o = run(
            dir.path(),
            &["score", "--rules", "rules", "--format", format, "x.yaml"],
        );
        assert_eq!(o.code, 0, "{format}: {}", o.stderr);
        assert_clean(&format!("{format} stdout"), &o.stdout);
        assert!(
            o.stdout.contains("medical_emergency"),
            "{format}: {}",
            o.stdout
        );
    }
    let o = run(dir.path(), &["explain", "--rules", "rules", "x.yaml"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_clean("explain", &o.stdout);
    assert!(o.stdout.contains("\\e[999A"), "{}", o.stdout);
}

/// The error record of one intake file.
fn error_of(dir: &Path, name: &str, text: &str) -> Value {
    std::fs::write(dir.join(name), text).unwrap();
    let o = run(dir, &["score", "--format", "jsonl", name]);
    assert_eq!(o.code, 1, "{name} {text:?}: {}", o.stdout);
    serde_json::from_str(o.stdout.trim()).unwrap()
}

#[test]
fn numbers_have_one_spelling_plain_decimal() {
    let dir = tempfile::tempdir().unwrap();
    for spelled in ["0x10", "0b11", "0o20", "1_000", "+34", "034", ".5"] {
        for (name, text, col) in [
            (
                "x.yaml",
                format!("intake: 1\nanswers:\n  age: {spelled}\n"),
                8,
            ),
            (
                "x.json",
                format!("{{\"intake\": 1,\n \"answers\": {{\"age\": {spelled}}}}}\n"),
                21,
            ),
        ] {
            let r = error_of(dir.path(), name, &text);
            assert_eq!(r["source"], name, "{spelled}");
            assert_eq!(r["code"], "intake-syntax", "{spelled} in {name}: {r}");
            assert_eq!(
                (r["line"].as_u64(), r["column"].as_u64()),
                (Some(2 + u64::from(name == "x.yaml")), Some(col)),
                "{spelled} in {name}: {r}"
            );
            let m = r["error"].as_str().unwrap();
            assert!(
                m.starts_with("only plain decimal numbers are accepted"),
                "{spelled} in {name}: {m}"
            );
            // Never read as a number: not excluded as 16, not out of range.
            assert_ne!(r["code"], "excluded");
        }
    }
    // Elsewhere in the file too, and through an alias (reported once,
    // where it is written).
    let r = error_of(dir.path(), "x.yaml", "intake: 0x1\nanswers:\n  age: 34\n");
    assert_eq!(
        (r["line"].as_u64(), r["column"].as_u64()),
        (Some(1), Some(9))
    );
    let r = error_of(
        dir.path(),
        "x.yaml",
        "intake: 1\nx: &n 0x22\nanswers:\n  age: *n\n",
    );
    assert_eq!(
        (r["line"].as_u64(), r["column"].as_u64()),
        (Some(2), Some(7))
    );
    assert!(
        !r["error"].as_str().unwrap().contains("more problem"),
        "{r}"
    );
    // Plain decimal is read, in both forms.
    for (name, text) in [
        ("ok.yaml", "intake: 1\nanswers:\n  age: 34\n"),
        ("ok.json", "{\"intake\": 1, \"answers\": {\"age\": 34}}"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let o = run(dir.path(), &["score", "--format", "jsonl", name]);
        assert_eq!(o.code, 0, "{name}: {}", o.stdout);
    }
}

#[test]
fn two_merge_keys_in_one_mapping_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = error_of(
        dir.path(),
        "m.yaml",
        "intake: 1\nx: &x {age: 34}\ny: &y {age: 70}\nanswers:\n  <<: *x\n  <<: *y\n",
    );
    assert_eq!(r["code"], "duplicate-key", "{r}");
    assert_eq!(
        (r["line"].as_u64(), r["column"].as_u64()),
        (Some(6), Some(3))
    );
    assert!(r["error"].as_str().unwrap().contains("merge key"), "{r}");
    // One merge key, of one or several mappings, is still read.
    std::fs::write(
        dir.path().join("one.yaml"),
        "intake: 1\nx: &x {age: 34}\nanswers:\n  <<: *x\n",
    )
    .unwrap();
    let o = run(dir.path(), &["score", "--format", "jsonl", "one.yaml"]);
    assert!(!o.stdout.contains("duplicate-key"), "{}", o.stdout);
}

#[test]
fn rules_test_escapes_test_names_and_values_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    copy_rules(&rules);
    // One test that passes and one that fails, both named with the
    // escapes; the failing one expects a level named with them too.
    let name = yaml_quoted(HOSTILE);
    std::fs::write(
        rules.join("tests/hostile.yaml"),
        format!(
            "tests:\n  - name: {name}\n    answers: {{age: 30}}\n    expect: {{level: outpatient}}\n  \
             - name: {name}\n    answers: {{age: 30}}\n    expect: {{ratings: {{biomedical: 3}}}}\n"
        ),
    )
    .unwrap();
    for format in ["human", "github", "junit", "json"] {
        let o = run(dir.path(), &["rules", "test", "--format", format, "rules"]);
        assert_eq!(o.code, 1, "{format}: {}\n{}", o.stdout, o.stderr);
        assert_clean(&format!("{format} stdout"), &o.stdout);
        assert_clean(&format!("{format} stderr"), &o.stderr);
        if format != "json" {
            assert!(o.stdout.contains("\\e[999A"), "{format}: {}", o.stdout);
        }
    }
    let o = run(dir.path(), &["rules", "test", "--format", "human", "rules"]);
    assert!(
        o.stdout
            .contains("ok      \\e[999A\\e[J\\e[2K\\e]0;pwned\\u{0007}"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("FAILED  \\e[999A"), "{}", o.stdout);
    // JUnit stays well-formed XML 1.0: no control character, even as a
    // character reference.
    let o = run(dir.path(), &["rules", "test", "--format", "junit", "rules"]);
    assert!(!o.stdout.contains("&#x"), "{}", o.stdout);
}

#[test]
fn the_last_error_line_is_escaped() {
    // A folder name with escapes given as a rule folder that does not hold
    // rules: the error names it, escaped.
    let dir = tempfile::tempdir().unwrap();
    let name = HOSTILE.replace('/', "_");
    std::fs::create_dir(dir.path().join(&name)).unwrap();
    let o = run(dir.path(), &["rules", "check", &name]);
    assert_eq!(o.code, 2, "{}\n{}", o.stdout, o.stderr);
    assert_clean("stderr", &o.stderr);
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    assert!(o.stderr.contains("\\e[999A"), "{}", o.stderr);
}
