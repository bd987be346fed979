//! Black-box tests of the `placement` binary against the mini rule set in
//! `tests/fixtures/mini` and the intakes in `tests/fixtures/mini-intakes`:
//! full stdout, stderr and exit codes.

use assert_cmd::Command;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

const MINI: &str = "tests/fixtures/mini";
const INTAKES: &str = "tests/fixtures/mini-intakes";
const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The binary, run from the package root with a clean environment for
/// colour and CI detection.
fn placement() -> Command {
    let mut c = Command::cargo_bin("placement").expect("the placement binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100");
    c
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    run_stdin(args, "")
}

fn run_stdin(args: &[&str], stdin: &str) -> Out {
    let o = placement()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs");
    Out {
        code: o.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

fn intake(name: &str) -> String {
    format!("{INTAKES}/{name}")
}

/// The rule set fingerprint exactly as docs/rules.md describes it (the
/// Python recipe there, in Rust): files in sorted relative-path order, each
/// as path, NUL, decimal length, NUL, bytes. One file: its name.
fn fingerprint(root: &Path) -> String {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("readable folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                let rel = p.strip_prefix(root).expect("under root");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, std::fs::read(&p).expect("readable file")));
            }
        }
    }
    let mut files = Vec::new();
    if root.is_dir() {
        walk(root, root, &mut files);
    } else {
        let name = root
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .to_string();
        files.push((name, std::fs::read(root).expect("readable file")));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (rel, data) in &files {
        h.update(rel.as_bytes());
        h.update([0u8]);
        h.update(data.len().to_string().as_bytes());
        h.update([0u8]);
        h.update(data);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn mini_sha() -> String {
    fingerprint(&Path::new(env!("CARGO_MANIFEST_DIR")).join(MINI))
}

// ---- Expected records ------------------------------------------------------

fn dim(rating: u8, max_rating: u8, min_level: &str, rule: Option<(&str, &str)>) -> Value {
    let (reasons, rules): (Vec<&str>, Vec<&str>) = match rule {
        Some((id, why)) => (vec![why], vec![id]),
        None => (vec![], vec![]),
    };
    json!({"rating": rating, "max_rating": max_rating, "min_level": min_level, "reasons": reasons, "rules": rules})
}

/// A flag as the record gives it: `action` is `null` when the rule set
/// gives the flag none.
fn flag(id: &str) -> Value {
    let (severity, message, action) = match id {
        "no_sleep" => (
            "critical",
            "Under three hours of sleep. Same-day check needed.",
            // A folded scalar in the rule file: one line, its final line
            // break dropped.
            Some("Book a same-day check with the duty clinician before the client leaves."),
        ),
        "money_trouble" => (
            "warning",
            "Money worries reported; offer the advice line.",
            Some("Give the advice line's number before the client leaves."),
        ),
        "age_unknown" => ("warning", "Age not recorded.", None),
        "notes_given" => ("info", "Free-text notes were recorded.", None),
        "intensive_info" => (
            "info",
            "Daily sessions recommended; check the timetable.",
            None,
        ),
        _ => panic!("unknown flag {id}"),
    };
    json!({"id": id, "severity": severity, "message": message, "action": action})
}

const LOAD_HIGH: (&str, &str) = ("load_high", "High pressure, or high worry that stops work.");
const LOAD_R2: (&str, &str) = (
    "load.r2",
    "Moderate pressure, or two everyday strains at once.",
);
const WORRY_HIGH: (&str, &str) = (
    "worry_high",
    "Many worries with at least moderate pressure.",
);
const WORRY_R2: (&str, &str) = ("worry.r2", "Some worries, or frequent avoidance.");
const CONTEXT_R1: (&str, &str) = (
    "context.r1",
    "No fixed place, or an insecure place with money and family strain.",
);
const CONTEXT_R2: (&str, &str) = (
    "context.r2",
    "An insecure place, or family or health strain.",
);

fn pq_not_applicable() -> Value {
    json!({"total": null, "band": null, "missing": [], "applicable": false})
}

/// The full JSON record of each valid mini intake, key order included.
fn record(name: &str) -> Value {
    let rules = json!({"name": "mini", "version": "0.3.0", "sha256": mini_sha()});
    let tool = json!({"name": "placement", "version": TOOL_VERSION});
    let source = intake(name);
    match name {
        "01-light.yaml" => json!({
            "source": source, "id": "mini-001", "level": "light", "max_level": "light",
            "could_raise": [], "supports": ["leaflet"], "possible_supports": [],
            "dimensions": {
                "load": dim(0, 0, "light", None),
                "worry": dim(0, 0, "light", None),
                "context": dim(0, 0, "light", None),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 0, "band": "none", "missing": []}, "pq": pq_not_applicable()},
            "flags": [flag("notes_given")], "possible_flags": [], "possibly_excluded": [],
            "complete": true, "missing": [], "warnings": [],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        "02-intensive.json" => json!({
            "source": source, "id": "mini-002", "level": "intensive", "max_level": "intensive",
            "could_raise": [], "supports": ["buddy"], "possible_supports": [],
            "dimensions": {
                "load": dim(2, 2, "intensive", Some(LOAD_HIGH)),
                "worry": dim(2, 2, "intensive", Some(WORRY_HIGH)),
                "context": dim(2, 2, "standard", Some(CONTEXT_R1)),
            },
            "escalations": [{"id": "worry_and_context", "level": "intensive", "why": "Worry together with a hard context needs daily sessions."}],
            "instruments": {"wq": {"total": 3, "band": "many", "missing": []}, "pq": {"total": 10, "band": "high", "missing": []}},
            // Critical first, then warning, then info; file order within a severity.
            "flags": [flag("no_sleep"), flag("money_trouble"), flag("notes_given"), flag("intensive_info")],
            "possible_flags": [], "possibly_excluded": [],
            "complete": true, "missing": [], "warnings": [],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        "03-two-missing-items.yaml" => json!({
            "source": source, "id": "mini-003", "level": "standard", "max_level": "intensive",
            "could_raise": ["pq_2", "pq_3"], "supports": [], "possible_supports": [],
            "dimensions": {
                "load": dim(1, 2, "standard", Some(LOAD_R2)),
                "worry": dim(1, 1, "standard", Some(WORRY_R2)),
                "context": dim(0, 0, "light", None),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 1, "band": "some", "missing": []}, "pq": {"total": null, "band": null, "missing": ["pq_2", "pq_3"]}},
            "flags": [], "possible_flags": [flag("intensive_info")], "possibly_excluded": [],
            "complete": false, "missing": ["notes", "pq_2", "pq_3"], "warnings": [],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        "04-housing-missing.yaml" => json!({
            "source": source, "id": "mini-004", "level": "light", "max_level": "standard",
            // `leaflet` reads `level in [light]`: light now, standard
            // if `housing` is answered the most severe way.
            "could_raise": ["housing"], "supports": [], "possible_supports": ["leaflet"],
            "dimensions": {
                "load": dim(0, 0, "light", None),
                "worry": dim(0, 0, "light", None),
                "context": dim(0, 2, "light", None),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 0, "band": "none", "missing": []}, "pq": pq_not_applicable()},
            "flags": [flag("notes_given")], "possible_flags": [flag("no_sleep")], "possibly_excluded": [],
            "complete": false, "missing": ["housing", "sleep_hours"],
            "warnings": ["flag `no_sleep` (critical) cannot be ruled out until the missing answers are known"],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        "05-skipped-answer.yaml" => json!({
            "source": source, "id": "mini-005", "level": "light", "max_level": "light",
            "could_raise": [], "supports": ["leaflet"], "possible_supports": [],
            "dimensions": {
                "load": dim(0, 0, "light", None),
                "worry": dim(0, 0, "light", None),
                "context": dim(0, 0, "light", None),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 0, "band": "none", "missing": []}, "pq": pq_not_applicable()},
            "flags": [flag("notes_given")], "possible_flags": [], "possibly_excluded": [],
            "complete": true, "missing": [],
            "warnings": ["`pq_1` is answered but not asked given the other answers (skip logic); its answer is kept and not used"],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        "06-override.yaml" => json!({
            "source": source, "id": "=1+2", "level": "standard", "max_level": "standard",
            "could_raise": [], "supports": ["buddy"], "possible_supports": [],
            "dimensions": {
                "load": dim(1, 1, "standard", Some(LOAD_R2)),
                "worry": dim(1, 1, "standard", Some(WORRY_R2)),
                "context": dim(1, 1, "light", Some(CONTEXT_R2)),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 1, "band": "some", "missing": []}, "pq": {"total": 4, "band": "mid", "missing": []}},
            "flags": [flag("notes_given")], "possible_flags": [], "possibly_excluded": [],
            "complete": true, "missing": [], "warnings": [],
            "rules": rules, "tool": tool,
            "placement": {"level": "intensive", "reason": "preference", "note": "Asked for daily sessions."},
            "overridden": true, "recommendation_changed": true,
        }),
        "07-age-missing.yaml" => json!({
            "source": source, "id": "mini-007", "level": "light", "max_level": "standard",
            "could_raise": ["housing"], "supports": [], "possible_supports": ["leaflet"],
            "dimensions": {
                "load": dim(0, 0, "light", None),
                "worry": dim(0, 0, "light", None),
                "context": dim(0, 2, "light", None),
            },
            "escalations": [],
            "instruments": {"wq": {"total": 0, "band": "none", "missing": []}, "pq": pq_not_applicable()},
            "flags": [flag("age_unknown"), flag("notes_given")], "possible_flags": [flag("no_sleep")],
            // Eligibility not established: `too_young` reads the missing `age`.
            "possibly_excluded": ["too_young"],
            "complete": false, "missing": ["age", "housing", "sleep_hours"],
            "warnings": [
                "flag `no_sleep` (critical) cannot be ruled out until the missing answers are known",
                "exclusion `too_young` cannot be ruled out until the missing answers are known",
            ],
            "rules": rules, "tool": tool, "placement": null, "overridden": false,
        }),
        _ => panic!("no expected record for {name}"),
    }
}

const VALID: [&str; 7] = [
    "01-light.yaml",
    "02-intensive.json",
    "03-two-missing-items.yaml",
    "04-housing-missing.yaml",
    "05-skipped-answer.yaml",
    "06-override.yaml",
    "07-age-missing.yaml",
];

fn score_args<'a>(format: &'a str, files: &'a [String]) -> Vec<&'a str> {
    let mut args = vec![
        "--rules", MINI, "--color", "never", "score", "--format", format,
    ];
    args.extend(files.iter().map(String::as_str));
    args
}

fn valid_files() -> Vec<String> {
    VALID.iter().map(|n| intake(n)).collect()
}

// ---- score: formats --------------------------------------------------------

#[test]
fn score_json_gives_one_exact_record_per_intake_in_order() {
    let files = valid_files();
    let out = run(&score_args("json", &files));
    let records: Vec<String> = VALID
        .iter()
        .map(|n| serde_json::to_string(&record(n)).expect("json"))
        .collect();
    assert_eq!(out.stdout, format!("[\n{}\n]\n", records.join(",\n")));
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn score_jsonl_gives_one_line_per_intake() {
    let files = valid_files();
    let out = run(&score_args("jsonl", &files));
    let mut expected = String::new();
    for n in VALID {
        expected.push_str(&serde_json::to_string(&record(n)).expect("json"));
        expected.push('\n');
    }
    assert_eq!(out.stdout, expected);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
}

#[test]
fn score_defaults_to_jsonl_when_stdout_is_not_a_terminal() {
    let out = run(&["--rules", MINI, "score", &intake("01-light.yaml")]);
    assert_eq!(
        out.stdout,
        format!(
            "{}\n",
            serde_json::to_string(&record("01-light.yaml")).expect("json")
        )
    );
    assert_eq!(out.code, 0);
}

#[test]
fn score_reads_json_lines_on_stdin() {
    let stdin = concat!(
        r#"{"intake":1,"id":"mini-001","answers":{"age":30,"housing":"stable","stressors":[],"has_support":true,"sleep_hours":7.5,"notes":"Likes gardening.","wq_1":false,"wq_2":false,"wq_3":true}}"#,
        "\n\n",
        r#"{"intake":1,"answers":{"age":"SECRET-STDIN-5150"}}"#,
        "\n"
    );
    let out = run_stdin(&["--rules", MINI, "score", "--format", "jsonl", "-"], stdin);
    let mut first = record("01-light.yaml");
    first["source"] = json!("stdin:1");
    assert_eq!(
        out.stdout,
        format!(
            "{}\n{}\n",
            serde_json::to_string(&first).expect("json"),
            r#"{"source":"stdin:3","error":"answer to `age` must be a whole number from 0 to 120, not text","code":"wrong-type","line":3,"column":30}"#
        )
    );
    assert_eq!(
        out.stderr,
        "stdin:3:30: error[wrong-type]: answer to `age` must be a whole number from 0 to 120, not text\n1 of 2 input(s) could not be scored\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn score_csv_has_a_stable_header_and_escapes_formulas() {
    let files = vec![
        intake("02-intensive.json"),
        intake("03-two-missing-items.yaml"),
        intake("06-override.yaml"),
        intake("invalid/wrong-type.yaml"),
    ];
    let out = run(&score_args("csv", &files));
    let sha = mini_sha();
    let expected = format!(
        "source,id,level,max_level,complete,load_rating,worry_rating,context_rating,wq_total,wq_band,pq_total,pq_band,flags,supports,could_raise,contradictions,placement_level,override_reason,overridden,rules_sha256,error_code,error,line,column\n\
         tests/fixtures/mini-intakes/02-intensive.json,mini-002,intensive,intensive,true,2,2,2,3,many,10,high,no_sleep;money_trouble;notes_given;intensive_info,buddy,,,,,false,{sha},,,,\n\
         tests/fixtures/mini-intakes/03-two-missing-items.yaml,mini-003,standard,intensive,false,1,1,0,1,some,,,,,pq_2;pq_3,,,,false,{sha},,,,\n\
         tests/fixtures/mini-intakes/06-override.yaml,'=1+2,standard,standard,true,1,1,1,1,some,4,mid,notes_given,buddy,,,intensive,preference,true,{sha},,,,\n\
         tests/fixtures/mini-intakes/invalid/wrong-type.yaml,bad-001,,,,,,,,,,,,,,,,,,,wrong-type,\"answer to `has_support` must be true or false, not text\",5,16\n"
    );
    assert_eq!(out.stdout, expected);
    assert_eq!(
        out.stderr,
        "tests/fixtures/mini-intakes/invalid/wrong-type.yaml:5:16: error[wrong-type]: answer to `has_support` must be true or false, not text\n1 of 4 input(s) could not be scored\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn score_markdown_is_a_printable_summary() {
    let files = vec![
        intake("02-intensive.json"),
        intake("03-two-missing-items.yaml"),
        intake("06-override.yaml"),
        intake("invalid/wrong-type.yaml"),
    ];
    let out = run(&score_args("markdown", &files));
    let short = &mini_sha()[..12];
    let expected = format!(
        "## Placement summary: mini-002\n\
\n\
> **CRITICAL** (no_sleep): Under three hours of sleep. Same-day check needed.\n\
>\n\
> **Action:** Book a same-day check with the duty clinician before the client leaves.\n\
\n\
> **WARNING** (money_trouble): Money worries reported; offer the advice line.\n\
>\n\
> **Action:** Give the advice line's number before the client leaves.\n\
\n\
> **INFO** (notes_given): Free-text notes were recorded.\n\
\n\
> **INFO** (intensive_info): Daily sessions recommended; check the timetable.\n\
\n\
**Recommended level:** Intensive (`intensive`)\n\
\n\
| Dimension | Rating | Minimum level | Reason |\n\
|---|---|---|---|\n\
| Everyday load | ■■ 2 | Intensive | High pressure, or high worry that stops work. |\n\
| Worry | ■■ 2 | Intensive | Many worries with at least moderate pressure. |\n\
| Living context | ■■ 2 | Standard | No fixed place, or an insecure place with money and family strain. |\n\
\n\
**Supports:** Buddy scheme\n\
\n\
_Rule set mini 0.3.0 (sha256 {short}). Decision support: the professional decides._\n\
\n\
## Placement summary: mini-003\n\
\n\
**Recommended level:** Standard (`standard`)\n\
\n\
**Incomplete:** could be as high as Intensive with the missing answers (`pq_2`, `pq_3`).\n\
\n\
| Dimension | Rating | Minimum level | Reason |\n\
|---|---|---|---|\n\
| Everyday load | ■□ 1 | Standard | Moderate pressure, or two everyday strains at once. |\n\
| Worry | ■□ 1 | Standard | Some worries, or frequent avoidance. |\n\
| Living context | □□ 0 | Light | No rule holds. |\n\
\n\
_Rule set mini 0.3.0 (sha256 {short}). Decision support: the professional decides._\n\
\n\
## Placement summary: =1+2\n\
\n\
> **INFO** (notes_given): Free-text notes were recorded.\n\
\n\
**Recommended level:** Standard (`standard`)\n\
\n\
| Dimension | Rating | Minimum level | Reason |\n\
|---|---|---|---|\n\
| Everyday load | ■□ 1 | Standard | Moderate pressure, or two everyday strains at once. |\n\
| Worry | ■□ 1 | Standard | Some worries, or frequent avoidance. |\n\
| Living context | ■□ 1 | Light | An insecure place, or family or health strain. |\n\
\n\
**Supports:** Buddy scheme\n\
\n\
**Placement made:** Intensive (override: Client preference)\n\
\n\
**Placement note:** Asked for daily sessions.\n\
\n\
_Rule set mini 0.3.0 (sha256 {short}). Decision support: the professional decides._\n\
\n\
## tests/fixtures/mini-intakes/invalid/wrong-type.yaml (intake bad-001)\n\
\n\
**Could not be scored** (`wrong-type`): answer to \\`has\\_support\\` must be true or false, not text\n\
\n"
    );
    assert_eq!(out.stdout, expected);
    assert_eq!(
        out.stderr,
        "tests/fixtures/mini-intakes/invalid/wrong-type.yaml:5:16: error[wrong-type]: answer to `has_support` must be true or false, not text\n1 of 4 input(s) could not be scored\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn score_markdown_says_eligibility_is_not_established_before_the_level() {
    let out = run(&score_args("markdown", &[intake("07-age-missing.yaml")]));
    let short = &mini_sha()[..12];
    let expected = format!(
        "## Placement summary: mini-007\n\
\n\
> **WARNING** (age_unknown): Age not recorded.\n\
\n\
> **INFO** (notes_given): Free-text notes were recorded.\n\
\n\
> **POSSIBLE CRITICAL** (no_sleep): Under three hours of sleep. Same-day check needed. (cannot be ruled out until the missing answers are known)\n\
>\n\
> **Action:** Book a same-day check with the duty clinician before the client leaves.\n\
\n\
**Eligibility not established:** `age` is missing, so exclusion `too_young` cannot be ruled out (This fictional rule set is for people aged 16 and over.).\n\
\n\
**Recommended level:** Light (`light`)\n\
\n\
**Incomplete:** could be as high as Standard with the missing answers (`housing`).\n\
\n\
| Dimension | Rating | Minimum level | Reason |\n\
|---|---|---|---|\n\
| Everyday load | □□ 0 | Light | No rule holds. |\n\
| Worry | □□ 0 | Light | No rule holds. |\n\
| Living context | □□ 0 | Light | No rule holds. |\n\
\n\
**Possible supports** (undecided until the missing answers are known): leaflet\n\
\n\
_Rule set mini 0.3.0 (sha256 {short}). Decision support: the professional decides._\n\
\n"
    );
    assert_eq!(out.stdout, expected);
    assert_eq!(out.stderr, "");
    // Scored, like any other record with missing answers.
    assert_eq!(out.code, 0);
}

#[test]
fn assess_shows_each_flag_with_its_action() {
    // Everything answered, the critical flag acknowledged and the placement
    // made: `assess --answers` needs no terminal, and shows the flags on
    // standard error as it would during an interview.
    let dir = tempfile::tempdir().expect("temp dir");
    let answers = dir.path().join("answers.yaml");
    let mut text = std::fs::read_to_string(intake("02-intensive.json")).expect("fixture");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let mut v = v.as_object().expect("object").clone();
    v.insert(
        "acknowledged_flags".into(),
        json!([{"id": "no_sleep", "at": "2026-11-26T14:12:00Z", "by": "staff-1"}]),
    );
    v.insert("placement".into(), json!({"level": "intensive"}));
    text = serde_json::to_string(&v).expect("JSON");
    std::fs::write(&answers, text).expect("write");
    let out_file = dir.path().join("out.yaml");
    let out = run(&[
        "--rules",
        MINI,
        "--color",
        "never",
        "assess",
        "--answers",
        &answers.display().to_string(),
        "--out",
        &out_file.display().to_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let edge = "!".repeat(100);
    let banner = format!(
        "{edge}\n  CRITICAL FLAG [no_sleep]\n  Under three hours of sleep. Same-day check needed.\n  action: Book a same-day check with the duty clinician before the client leaves.\n{edge}\n\
         !  WARNING [money_trouble]: Money worries reported; offer the advice line.\n   action: Give the advice line's number before the client leaves.\n   INFO [notes_given]: Free-text notes were recorded.\n"
    );
    assert!(out.stderr.contains(&banner), "{}", out.stderr);
    // The result table on standard output: each flag, then its action.
    assert!(
        out.stdout.contains(
            "!! CRITICAL [no_sleep]: Under three hours of sleep. Same-day check needed.\n   action: Book a same-day check with the duty clinician before the client leaves.\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn score_table_without_colour() {
    let mut files = valid_files();
    files.push(intake("invalid/wrong-type.yaml"));
    let out = run(&score_args("table", &files));
    assert!(
        !out.stdout.contains('\x1b'),
        "no escape codes with --color never"
    );
    insta::assert_snapshot!("score_table_mini", out.stdout);
    assert_eq!(out.stderr, "1 of 8 input(s) could not be scored\n");
    assert_eq!(out.code, 1);
}

#[test]
fn score_table_puts_critical_flags_first_and_in_words() {
    let out = run(&score_args("table", &[intake("02-intensive.json")]));
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[..7],
        [
            "tests/fixtures/mini-intakes/02-intensive.json (intake mini-002)",
            "!! CRITICAL [no_sleep]: Under three hours of sleep. Same-day check needed.",
            "   action: Book a same-day check with the duty clinician before the client leaves.",
            "!  WARNING [money_trouble]: Money worries reported; offer the advice line.",
            "   action: Give the advice line's number before the client leaves.",
            "   INFO [notes_given]: Free-text notes were recorded.",
            "   INFO [intensive_info]: Daily sessions recommended; check the timetable.",
        ]
    );
    assert_eq!(out.code, 0);
}

#[test]
fn score_a_folder_scores_every_intake_in_sorted_order() {
    let out = run(&["--rules", MINI, "score", "--format", "jsonl", INTAKES]);
    let sources: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json line")["source"]
                .as_str()
                .expect("source")
                .to_string()
        })
        .collect();
    assert_eq!(
        sources,
        [
            "tests/fixtures/mini-intakes/01-light.yaml",
            "tests/fixtures/mini-intakes/02-intensive.json",
            "tests/fixtures/mini-intakes/03-two-missing-items.yaml",
            "tests/fixtures/mini-intakes/04-housing-missing.yaml",
            "tests/fixtures/mini-intakes/05-skipped-answer.yaml",
            "tests/fixtures/mini-intakes/06-override.yaml",
            "tests/fixtures/mini-intakes/07-age-missing.yaml",
            "tests/fixtures/mini-intakes/invalid/empty.yaml",
            "tests/fixtures/mini-intakes/invalid/excluded.yaml",
            "tests/fixtures/mini-intakes/invalid/no-format-version.yaml",
            "tests/fixtures/mini-intakes/invalid/not-allowed.yaml",
            "tests/fixtures/mini-intakes/invalid/out-of-range.yaml",
            "tests/fixtures/mini-intakes/invalid/unknown-option.yaml",
            "tests/fixtures/mini-intakes/invalid/unknown-question.yaml",
            "tests/fixtures/mini-intakes/invalid/wrong-type.json",
            "tests/fixtures/mini-intakes/invalid/wrong-type.yaml",
        ]
    );
    assert!(
        out.stderr
            .ends_with("9 of 16 input(s) could not be scored\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1);
}

// ---- score: intakes that cannot be scored ---------------------------------

/// Scores one bad intake as JSON and checks the error record, the stderr
/// line and exit code 1.
fn assert_intake_error(name: &str, code: &str, message: &str, place: Option<(u32, u32)>) {
    let path = intake(name);
    let out = run(&["--rules", MINI, "score", "--format", "json", &path]);
    // The intake's id, when the fixture has one: error records carry it.
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .map(|v| v.trim_matches('"').to_string());
    let mut rec = json!({"source": path});
    if let Some(id) = id {
        rec["id"] = json!(id);
    }
    rec["error"] = json!(message);
    rec["code"] = json!(code);
    let loc = match place {
        Some((line, column)) => {
            rec["line"] = json!(line);
            rec["column"] = json!(column);
            format!("{path}:{line}:{column}")
        }
        None => path.clone(),
    };
    assert_eq!(
        out.stdout,
        format!("[\n{}\n]\n", serde_json::to_string(&rec).expect("json"))
    );
    assert_eq!(
        out.stderr,
        format!("{loc}: error[{code}]: {message}\n1 of 1 input(s) could not be scored\n")
    );
    assert_eq!(out.code, 1);
}

#[test]
fn wrong_typed_answer_is_an_error_with_file_line_and_column() {
    assert_intake_error(
        "invalid/wrong-type.yaml",
        "wrong-type",
        "answer to `has_support` must be true or false, not text",
        Some((5, 16)),
    );
    assert_intake_error(
        "invalid/wrong-type.json",
        "wrong-type",
        "answer to `sleep_hours` must be a number, not text",
        Some((5, 20)),
    );
}

#[test]
fn wrong_typed_answer_value_never_appears_in_any_output() {
    for name in [
        "invalid/wrong-type.yaml",
        "invalid/wrong-type.json",
        "invalid/unknown-option.yaml",
    ] {
        let path = intake(name);
        for format in ["json", "jsonl", "csv", "markdown", "table"] {
            let out = run(&[
                "--rules", MINI, "--color", "never", "score", "--format", format, &path,
            ]);
            assert_eq!(out.code, 1, "{name} as {format}");
            for text in [&out.stdout, &out.stderr] {
                assert!(
                    !text.contains("SECRET"),
                    "{name} as {format} leaks the answer:\n{text}"
                );
            }
        }
        let out = run(&["--rules", MINI, "explain", &path]);
        assert_eq!(out.code, 1);
        assert_eq!(out.stdout, "");
        assert!(
            !out.stderr.contains("SECRET"),
            "explain leaks the answer:\n{}",
            out.stderr
        );
    }
}

#[test]
fn unknown_question_is_an_error_with_did_you_mean() {
    let path = intake("invalid/unknown-question.yaml");
    let out = run(&["--rules", MINI, "score", "--format", "json", &path]);
    let stdout: Value = serde_json::from_str(&out.stdout).expect("a JSON array");
    let rec = &stdout[0];
    assert_eq!(rec["code"], "unknown-question");
    assert_eq!(
        (rec["line"].clone(), rec["column"].clone()),
        (json!(4), json!(3))
    );
    let error = rec["error"].as_str().expect("error text");
    assert!(
        error.starts_with("`housng` is not a question of rule set `mini`"),
        "{error}"
    );
    assert!(
        error.contains("did you mean `housing`?"),
        "the error record should suggest `housing`: {error}"
    );
    assert!(
        out.stderr.starts_with(&format!(
            "{path}:4:3: error[unknown-question]: `housng` is not a question of rule set `mini`"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `housing`?"),
        "stderr should suggest `housing`:\n{}",
        out.stderr
    );
    assert_eq!(out.code, 1);
}

#[test]
fn out_of_range_answers_are_errors() {
    assert_intake_error(
        "invalid/out-of-range.yaml",
        "out-of-range",
        "answer to `pq_2` is out of range: it must be from 0 to 3",
        Some((4, 9)),
    );
    assert_intake_error(
        "invalid/not-allowed.yaml",
        "out-of-range",
        "answer to `pq_1` is out of range: it must be one of 0, 2, 4",
        Some((4, 9)),
    );
}

#[test]
fn option_not_in_the_list_is_an_error() {
    assert_intake_error(
        "invalid/unknown-option.yaml",
        "unknown-option",
        "answer to `housing` is not one of its options; options: stable, shared, none",
        Some((3, 12)),
    );
}

#[test]
fn missing_format_version_and_empty_file_are_errors() {
    assert_intake_error(
        "invalid/no-format-version.yaml",
        "intake-format",
        "not an intake file: the field `intake: 1` (the format version) is missing",
        Some((1, 1)),
    );
    assert_intake_error(
        "invalid/empty.yaml",
        "intake-format",
        "the file is empty; an intake needs at least `intake: 1` and `answers`",
        Some((1, 1)),
    );
}

#[test]
fn an_exclusion_gives_an_error_record_and_never_a_level() {
    assert_intake_error(
        "invalid/excluded.yaml",
        "excluded",
        "This fictional rule set is for people aged 16 and over.",
        None,
    );
}

#[test]
fn unreadable_inputs_and_rule_sets() {
    let out = run(&[
        "--rules",
        MINI,
        "score",
        "--format",
        "json",
        "tests/fixtures/mini-intakes/no-such-file.yaml",
    ]);
    assert_eq!(
        out.stdout,
        "[\n{\"source\":\"tests/fixtures/mini-intakes/no-such-file.yaml\",\"error\":\"cannot read file: no such file or folder\",\"code\":\"io\"}\n]\n"
    );
    assert_eq!(
        out.stderr,
        "tests/fixtures/mini-intakes/no-such-file.yaml: error[io]: cannot read file: no such file or folder\n1 of 1 input(s) could not be scored\n"
    );
    assert_eq!(out.code, 1);

    let out = run(&[
        "--rules",
        "tests/fixtures/no-such-rules",
        "score",
        &intake("01-light.yaml"),
    ]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: cannot read rule set tests/fixtures/no-such-rules: no such file or folder\n"
    );
    assert_eq!(out.code, 2);

    let out = run(&["--rules", MINI, "score", "tests/fixtures/broken"]);
    assert_eq!(
        out.code, 1,
        "a YAML file that is not an intake is a finding: {}",
        out.stderr
    );

    let out = run(&[
        "--rules",
        MINI,
        "score",
        "--format",
        "yaml",
        &intake("01-light.yaml"),
    ]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: invalid value 'yaml' for '--format <FORMAT>'\n  [possible values: table, json, jsonl, csv, markdown]\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(out.code, 2);
}

// ---- explain -----------------------------------------------------------------

#[test]
fn explain_names_the_rule_and_rationale_that_set_every_rating() {
    for name in VALID {
        let path = intake(name);
        let out = run(&["--rules", MINI, "explain", &path]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(out.stderr, "");
        let expected = record(name);
        let names = [
            ("load", "Everyday load"),
            ("worry", "Worry"),
            ("context", "Living context"),
        ];
        for (i, (id, title)) in names.iter().enumerate() {
            // The block of this dimension: from its header to the next one.
            let header = format!("{title} ({id}): rating ");
            let start = out
                .stdout
                .find(&header)
                .unwrap_or_else(|| panic!("{name}: no block for {id}\n{}", out.stdout));
            let end = names
                .get(i + 1)
                .map(|(nid, ntitle)| {
                    out.stdout
                        .find(&format!("{ntitle} ({nid}): rating "))
                        .expect("next block")
                })
                .unwrap_or_else(|| out.stdout.find("\n== Escalations ==").expect("escalations"));
            let block = &out.stdout[start..end];
            let d = &expected["dimensions"][id];
            let rating = d["rating"].as_u64().expect("rating");
            assert!(
                block.starts_with(&format!("{header}{rating}")),
                "{name}/{id}:\n{block}"
            );
            match (d["rules"][0].as_str(), d["reasons"][0].as_str()) {
                (Some(rule), Some(why)) => {
                    assert!(
                        block.contains(&format!("  => [{rule}] rating {rating} when ")),
                        "{name}/{id}: the deciding rule is marked\n{block}"
                    );
                    assert!(
                        block.ends_with(&format!("  rating set by {rule}: {why}\n")),
                        "{name}/{id}:\n{block}"
                    );
                }
                _ => {
                    assert_eq!(rating, 0);
                    assert!(
                        block.ends_with("  => no rule holds: rating 0\n"),
                        "{name}/{id}:\n{block}"
                    );
                }
            }
        }
    }
}

#[test]
fn explain_full_trace_snapshots() {
    for (snap, name) in [
        ("explain_intensive", "02-intensive.json"),
        ("explain_two_missing", "03-two-missing-items.yaml"),
        ("explain_age_missing", "07-age-missing.yaml"),
    ] {
        let out = run(&["--rules", MINI, "explain", &intake(name)]);
        assert_eq!(out.code, 0);
        assert_eq!(out.stderr, "");
        let text = out.stdout.replace(&mini_sha(), "<sha256>");
        insta::assert_snapshot!(snap, text);
    }
}

#[test]
fn explain_of_an_invalid_intake_is_an_error() {
    let path = intake("invalid/out-of-range.yaml");
    let out = run(&["--rules", MINI, "explain", &path]);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, format!("{path}:4:9: error[out-of-range]: answer to `pq_2` is out of range: it must be from 0 to 3\n"));
    assert_eq!(out.code, 1);
}

// ---- rules check / show ------------------------------------------------------

#[test]
fn rules_check_accepts_the_mini_rule_set() {
    for args in [
        vec!["rules", "check", MINI],
        vec!["--rules", MINI, "rules", "check"],
    ] {
        let out = run(&args);
        assert_eq!(out.stderr, "");
        assert!(
            out.stdout.ends_with("0 error(s), 0 warning(s); rule set `mini` 0.3.0: 12 questions, 2 instruments, 3 dimensions, 3 levels\n"),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains("error["), "{}", out.stdout);
        assert!(!out.stdout.contains("warning["), "{}", out.stdout);
        assert_eq!(out.code, 0);
    }
}

#[test]
fn rules_check_accepts_the_default_rule_set() {
    let out = run(&["rules", "check"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("0 error(s), "), "{}", out.stdout);
}

#[test]
fn rules_show_json_describes_the_compiled_rule_set() {
    let out = run(&["--rules", MINI, "rules", "show", "--format", "json"]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["name"], "mini");
    assert_eq!(v["version"], "0.3.0");
    assert_eq!(v["sha256"], json!(mini_sha()));
    assert_eq!(v["max_rating"], 2);
    assert_eq!(v["levels"], json!(["intensive", "standard", "light"]));
    assert_eq!(v["dimensions"], json!(["load", "worry", "context"]));
    let instruments: Vec<Value> = v["instruments"]
        .as_array()
        .expect("instruments")
        .iter()
        .map(|i| {
            let bands: Vec<Value> = i["bands"]
                .as_array()
                .expect("bands")
                .iter()
                .map(|b| json!({"id": b["id"], "min": b["min"], "max": b["max"]}))
                .collect();
            json!({"id": i["id"], "items": i["items"], "bands": bands})
        })
        .collect();
    assert_eq!(
        instruments,
        [
            json!({"id": "wq", "items": ["wq_1", "wq_2", "wq_3"], "bands": [
                {"id": "none", "min": 0, "max": 0}, {"id": "some", "min": 1, "max": 1}, {"id": "many", "min": 2, "max": 3}]}),
            json!({"id": "pq", "items": ["pq_1", "pq_2", "pq_3"], "bands": [
                {"id": "low", "min": 0, "max": 3}, {"id": "mid", "min": 4, "max": 7}, {"id": "high", "min": 8, "max": 10}]}),
        ]
    );
    let keys = ["id", "type", "options", "min", "max", "allowed"];
    let questions: Vec<Value> = v["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            let mut m = serde_json::Map::new();
            for k in keys {
                if let Some(x) = q.get(k) {
                    m.insert(k.to_string(), x.clone());
                }
            }
            Value::Object(m)
        })
        .collect();
    assert_eq!(
        questions,
        [
            json!({"id": "age", "type": "integer", "min": 0, "max": 120}),
            json!({"id": "housing", "type": "single_choice", "options": ["stable", "shared", "none"]}),
            json!({"id": "stressors", "type": "multi_choice", "options": ["work", "money", "family", "health"]}),
            json!({"id": "has_support", "type": "yes_no"}),
            json!({"id": "sleep_hours", "type": "number", "min": 0.0, "max": 24.0}),
            json!({"id": "notes", "type": "text"}),
            json!({"id": "wq_1", "type": "yes_no"}),
            json!({"id": "wq_2", "type": "yes_no"}),
            json!({"id": "wq_3", "type": "yes_no"}),
            json!({"id": "pq_1", "type": "integer", "min": 0, "max": 4, "allowed": [0, 2, 4]}),
            json!({"id": "pq_2", "type": "integer", "min": 0, "max": 3}),
            json!({"id": "pq_3", "type": "single_choice", "options": ["never", "sometimes", "often"]}),
        ]
    );
    // Each flag with its one-line `action` (`null` without one), apart
    // from `actions`, the acknowledgement choices (none: the mini rule set
    // has no flag actions).
    let flags: Vec<Value> = v["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| json!({"id": f["id"], "severity": f["severity"], "action": f["action"], "actions": f["actions"]}))
        .collect();
    assert_eq!(
        flags,
        [
            json!({"id": "notes_given", "severity": "info", "action": null, "actions": []}),
            json!({"id": "money_trouble", "severity": "warning", "action": "Give the advice line's number before the client leaves.", "actions": []}),
            json!({"id": "intensive_info", "severity": "info", "action": null, "actions": []}),
            json!({"id": "no_sleep", "severity": "critical", "action": "Book a same-day check with the duty clinician before the client leaves.", "actions": []}),
            json!({"id": "age_unknown", "severity": "warning", "action": null, "actions": []}),
        ]
    );
}

#[test]
fn sha256_matches_the_documented_algorithm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sha_of = |rules: &str| {
        let out = run(&["--rules", rules, "rules", "show", "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str::<Value>(&out.stdout).expect("JSON")["sha256"]
            .as_str()
            .expect("sha256")
            .to_string()
    };
    // A folder of two files.
    let folder = sha_of(MINI);
    assert_eq!(folder, fingerprint(&root.join(MINI)));
    assert_eq!(folder.len(), 64);
    assert!(folder
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

    // The same rules as one file: the relative path is the file's name.
    let dir = tempfile::tempdir().expect("temp dir");
    let one = dir.path().join("mini-one.yaml");
    let mut text = std::fs::read_to_string(root.join(MINI).join("00-set.yaml")).expect("read");
    text.push_str(
        &std::fs::read_to_string(root.join(MINI).join("10-questions.yaml")).expect("read"),
    );
    std::fs::write(&one, &text).expect("write");
    let single = sha_of(one.to_str().expect("UTF-8 path"));
    assert_eq!(single, fingerprint(&one));
    assert_ne!(single, folder);

    // And the score record carries the same fingerprint.
    let out = run(&[
        "--rules",
        MINI,
        "score",
        "--format",
        "jsonl",
        &intake("01-light.yaml"),
    ]);
    let rec: Value = serde_json::from_str(out.stdout.trim_end()).expect("JSON");
    assert_eq!(rec["rules"]["sha256"], json!(folder));
}

// ---- the command line itself -------------------------------------------------

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    placement::cli::Cli::command().debug_assert();
}

#[test]
fn help_works() {
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.starts_with("Level-of-care placement"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("help", out.stdout);

    let out = run(&["score", "--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("Usage: placement score [OPTIONS] <PATH>..."),
        "{}",
        out.stdout
    );

    let out = run(&["--version"]);
    assert_eq!(out.stdout, format!("placement {TOOL_VERSION}\n"));
    assert_eq!(out.code, 0);
}

#[test]
fn bad_arguments_exit_2() {
    let out = run(&["score"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: the following required arguments were not provided:\n  <PATH>...\n\nUsage: placement score <PATH>...\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(out.code, 2);

    let out = run(&["frobnicate"]);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("error: unrecognized subcommand 'frobnicate'\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 2);
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_placement()"),
        ("zsh", "#compdef placement"),
        ("fish", "complete -c placement"),
    ] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}");
        assert_eq!(out.stderr, "", "{shell}");
        assert!(out.stdout.contains(marker), "{shell}: {}", out.stdout);
        assert!(
            out.stdout.contains("score"),
            "{shell}: lists the subcommands"
        );
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid value 'tcsh'"),
        "{}",
        out.stderr
    );
}

#[test]
fn empty_folder_has_nothing_to_score() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(&[
        "--rules",
        MINI,
        "score",
        dir.path().to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: no intake files found in the given paths (looked for *.yaml, *.yml, *.json)\n"
    );
    assert_eq!(out.code, 2);
}

// ---- Default rules: eligibility not established -------------------------------

/// Escapes text as the Markdown summary does.
fn md_escaped(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

#[test]
fn default_rules_without_age_say_eligibility_is_not_established() {
    // A sampled intake of an adult with every answer, scored complete, then
    // the same without `age`: the `under_18` exclusion can be neither ruled
    // in nor out. Built from whatever the default rules are now, so the
    // test follows their questions.
    let sampled = run(&[
        "sample", "--count", "40", "--seed", "3", "--format", "jsonl",
    ]);
    assert_eq!(sampled.code, 0, "{}", sampled.stderr);
    let mut full = None;
    for line in sampled.stdout.lines() {
        let mut v: Value = serde_json::from_str(line).expect("JSON line");
        let obj = v.as_object_mut().expect("object");
        // Only the answers: no stored recommendation or placement to judge.
        obj.remove("recommendation");
        obj.remove("placement");
        if obj["answers"]["age"].as_i64().is_none_or(|a| a < 18) {
            continue;
        }
        let scored = run_stdin(
            &["score", "--format", "jsonl", "-"],
            &format!("{}\n", serde_json::to_string(&v).unwrap()),
        );
        let r: Value = serde_json::from_str(&scored.stdout).expect("record");
        if scored.code == 0 && r["complete"] == json!(true) {
            full = Some(v);
            break;
        }
    }
    let full = full.expect("a sampled adult with every answer");
    let mut no_age = full.clone();
    no_age["answers"]
        .as_object_mut()
        .expect("answers")
        .remove("age");

    let dir = tempfile::tempdir().expect("temp dir");
    let with_path = dir.path().join("with-age.json");
    let without_path = dir.path().join("without-age.json");
    std::fs::write(&with_path, serde_json::to_string(&full).unwrap()).unwrap();
    std::fs::write(&without_path, serde_json::to_string(&no_age).unwrap()).unwrap();
    let with_path = with_path.display().to_string();
    let without_path = without_path.display().to_string();

    let show = run(&["rules", "show", "--format", "json"]);
    let rules: Value = serde_json::from_str(&show.stdout).expect("rules show");
    let under_18 = rules["exclusions"]
        .as_array()
        .expect("exclusions")
        .iter()
        .find(|e| e["id"] == "under_18")
        .expect("an under_18 exclusion")
        .clone();
    assert_eq!(under_18["when"], "age < 18");
    let message = under_18["message"].as_str().expect("message").trim();

    // JSON: scored, not complete, the exclusion named.
    let with = run(&["score", "--format", "json", &with_path]);
    let without = run(&["score", "--format", "json", &without_path]);
    let w: Value = serde_json::from_str(&with.stdout).expect("JSON");
    let wo: Value = serde_json::from_str(&without.stdout).expect("JSON");
    assert_eq!(w[0]["possibly_excluded"], json!([]));
    assert_eq!(w[0]["complete"], json!(true));
    assert_eq!(wo[0]["possibly_excluded"], json!(["under_18"]));
    assert_eq!(wo[0]["complete"], json!(false));
    assert!(
        wo[0]["missing"]
            .as_array()
            .expect("missing")
            .contains(&json!("age")),
        "{}",
        wo[0]
    );
    assert!(wo[0].get("error").is_none(), "{}", wo[0]);
    assert!(
        wo[0]["warnings"]
            .as_array()
            .expect("warnings")
            .contains(&json!(
                "exclusion `under_18` cannot be ruled out until the missing answers are known"
            )),
        "{}",
        wo[0]
    );
    // Exit code as for any scored record.
    assert_eq!((with.code, without.code), (0, 0), "{}", without.stderr);
    assert_eq!(without.stderr, "");

    let headline = format!(
        "Eligibility not established: `age` is missing, so exclusion `under_18` cannot be ruled out ({message})."
    );
    // The table: the headline before the dimensions and the level.
    let table = run(&[
        "--color",
        "never",
        "score",
        "--format",
        "table",
        &without_path,
    ]);
    assert_eq!(table.code, 0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    let at = |p: &dyn Fn(&str) -> bool| lines.iter().position(|l| p(l));
    let head = at(&|l| l == headline).unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(head < at(&|l| l.starts_with('┌')).expect("the table"));
    assert!(head < at(&|l| l.starts_with("Recommended level: ")).expect("the level"));
    let with_table = run(&["--color", "never", "score", "--format", "table", &with_path]);
    assert!(
        !with_table.stdout.contains("Eligibility"),
        "{}",
        with_table.stdout
    );

    // The Markdown summary: the same, before the level.
    let markdown = run(&["score", "--format", "markdown", &without_path]);
    assert_eq!(markdown.code, 0);
    let md_headline = format!(
        "**Eligibility not established:** `age` is missing, so exclusion `under_18` cannot be ruled out ({}).",
        md_escaped(message)
    );
    let lines: Vec<&str> = markdown.stdout.lines().collect();
    let head = lines
        .iter()
        .position(|l| *l == md_headline)
        .unwrap_or_else(|| panic!("{}", markdown.stdout));
    let level = lines
        .iter()
        .position(|l| l.starts_with("**Recommended level:**"))
        .expect("the level");
    assert!(head < level);

    // explain: the headline first, and the exclusion in the trace.
    let explain = run(&["explain", &without_path]);
    assert_eq!(explain.code, 0);
    let lines: Vec<&str> = explain.stdout.lines().collect();
    let head = lines
        .iter()
        .position(|l| *l == headline)
        .unwrap_or_else(|| panic!("{}", explain.stdout));
    assert!(head < lines.iter().position(|l| *l == "== Answers ==").unwrap());
    let trace = lines
        .iter()
        .position(|l| *l == "  [under_18] when age < 18: unknown (missing answers)")
        .unwrap_or_else(|| panic!("{}", explain.stdout));
    assert_eq!(lines[trace + 1], format!("       message: {message}"));
}

/// `sample` never writes an intake its rule set excludes: a rule set whose
/// exclusion holds for every answer gets a clear error (exit 2), naming
/// the exclusion, instead of intakes marked complete that `score` refuses.
#[test]
fn sample_refuses_to_write_an_intake_the_rule_set_excludes() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["00-set.yaml", "10-questions.yaml"] {
        let text = std::fs::read_to_string(Path::new(MINI).join(f)).unwrap();
        let text = text.replace("when: age < 16", "when: age >= 0");
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    let rules = dir.path().to_str().unwrap();
    let out = run(&[
        "--rules", rules, "sample", "--count", "3", "--format", "jsonl",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: sample: could not draw intake 1 so that it is scored: exclusion `too_young` held after every redraw; the rule set's exclusions and checks leave too little room for synthetic intakes\n"
    );
    // The mini rule set as it is: every sampled intake scores.
    let sampled = run(&["--rules", MINI, "sample", "--count", "200", "--seed", "4"]);
    assert_eq!(sampled.code, 0, "{}", sampled.stderr);
    let scored = run_stdin(
        &[
            "--rules",
            MINI,
            "score",
            "--format",
            "jsonl",
            "--no-summary",
            "-",
        ],
        &sampled.stdout,
    );
    assert_eq!(scored.code, 0, "{}", scored.stderr);
    assert_eq!(scored.stdout.lines().count(), 200);
}
