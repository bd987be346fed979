//! Consistency checks (`checks` in the rule language): answers that
//! contradict each other are named, with both answers, in `score` and
//! `explain`; an error-level check refuses the intake; `rules check` and
//! `rules test` cover checks; bad checks are load errors.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `placement ARGS` in `dir`; returns exit code, stdout and stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The first example intake (a 34-year-old man, alcohol, outpatient) with
/// `edits` applied to its answers: each `(old line, new lines)`.
fn example_with(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text =
        std::fs::read_to_string(root().join("examples/intakes/01-outpatient-alcohol.yaml"))
            .unwrap();
    for (old, new) in edits {
        assert!(text.contains(old), "{old}");
        text = text.replacen(old, new, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn warnings(stdout: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// Each contradiction of the issue: (edits, the one warning it gives).
const CASES: &[(&[(&str, &str)], &str)] = &[
    (
        &[
            ("  days_used_30: 8", "  days_used_30: 0"),
            ("  substances_30d: [alcohol]", "  substances_30d: []"),
            ("  last_use: days_3_to_7", "  last_use: within_72_hours"),
        ],
        "contradiction `no_use_days_but_recent_use` between `days_used_30`, `last_use`, `daily_sedative_use` and `prescribed_opioid`: no day of use in the past 30 days, yet the last alcohol, sedative or opioid use was in the past 72 hours with none of them taken as prescribed",
    ),
    (
        &[("  audit_1: 3", "  audit_1: 0")],
        "contradiction `audit_never_drinks_but_scored` between `audit_1` and `audit_2`: AUDIT item 1 says the client never drinks, yet a later item about drinking (2 to 8) scores above 0",
    ),
    (
        &[(
            "  age: 34\n  sex_at_birth: male",
            "  age: 70\n  sex_at_birth: female\n  pregnancy_status: pregnant",
        )],
        "contradiction `pregnancy_at_55_or_over` between `age` and `pregnancy_status`: pregnancy is recorded as possible or certain for a client aged 55 or over",
    ),
    (
        &[("  sex_at_birth: male", "  sex_at_birth: male\n  pregnancy_status: pregnant")],
        "contradiction `pregnancy_assigned_male` between `sex_at_birth` and `pregnancy_status`: pregnancy is recorded as possible or certain for a client assigned male at birth",
    ),
    (
        &[("  primary_substance: alcohol", "  primary_substance: opioids")],
        "`primary_substance`: the answer is not among the options ticked in `substances` (`options_from`); the two answers contradict each other",
    ),
];

#[test]
fn each_contradiction_is_one_warning_naming_both_answers_in_score_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    // The example itself contradicts nothing.
    let (code, out, err) = run(
        dir.path(),
        &[
            "score",
            "--format",
            "json",
            root()
                .join("examples/intakes/01-outpatient-alcohol.yaml")
                .to_str()
                .unwrap(),
        ],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(warnings(&out), Vec::<String>::new());
    for (i, (edits, want)) in CASES.iter().enumerate() {
        let path = example_with(dir.path(), &format!("c{i}.yaml"), edits);
        let p = path.to_str().unwrap();
        let (code, out, err) = run(dir.path(), &["score", "--format", "json", p]);
        assert_eq!((code, err.as_str()), (0, ""), "{want}");
        let got = warnings(&out);
        // The pregnancy answer of a man is also not asked (skip logic).
        let got: Vec<&String> = got.iter().filter(|w| !w.contains("not asked")).collect();
        assert_eq!(got, [want], "case {i}");
        let (code, out, _) = run(dir.path(), &["explain", p]);
        assert_eq!(code, 0);
        assert!(out.contains(&format!("warning: {want}\n")), "{out}");
        if want.starts_with("contradiction") {
            // The section lists the check as holding, with the same line.
            let id = want.split('`').nth(1).unwrap();
            let section = out
                .split("== Consistency checks ==\n")
                .nth(1)
                .unwrap()
                .split("\n== ")
                .next()
                .unwrap();
            let row = section
                .lines()
                .position(|l| l.starts_with(&format!("  [{id}] (warning) when ")))
                .unwrap_or_else(|| panic!("{section}"));
            let lines: Vec<&str> = section.lines().collect();
            assert!(lines[row].ends_with(": holds"), "{}", lines[row]);
            assert_eq!(lines[row + 1], format!("       {want}"));
            assert_eq!(
                section.matches(": holds\n").count(),
                1,
                "one check holds: {section}"
            );
        }
    }
}

#[test]
fn an_exclusive_option_ticked_with_another_is_an_error_naming_the_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = example_with(
        dir.path(),
        "none.yaml",
        &[("  substances: [alcohol]", "  substances: [none, alcohol]")],
    );
    let (code, out, _) = run(
        dir.path(),
        &["score", "--format", "json", path.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["code"], "exclusive-option");
    assert!(
        v[0]["error"].as_str().unwrap().contains("`substances`"),
        "{}",
        v[0]
    );
}

/// A copy of the mini rule set as `set/`, with `extra` as one more file.
fn mini_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    for e in std::fs::read_dir(root().join("tests/fixtures/mini")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, set.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(set.join("30-checks.yaml"), extra).unwrap();
    dir
}

const ERROR_CHECK: &str = "checks:
  - id: old_alone
    when: age >= 100 and has_support == false
    message: an age of 100 or more with nobody to call on
    severity: error
  - id: sleepless_support
    when: sleep_hours == 0 and has_support
    message: no sleep at all although someone can be called on
";

#[test]
fn an_error_check_refuses_the_intake_at_its_first_answer() {
    let dir = mini_with(ERROR_CHECK);
    std::fs::write(
        dir.path().join("a.yaml"),
        "intake: 1\nid: m-1\nanswers:\n  age: 101\n  housing: stable\n  has_support: false\n",
    )
    .unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["--rules", "set", "score", "--format", "json", "a.yaml"],
    );
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "a.yaml:4:3: error[contradiction]: contradiction `old_alone` between `age` and `has_support`: an age of 100 or more with nobody to call on\n1 of 1 input(s) could not be scored\n"
        )
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{
            "source": "a.yaml",
            "id": "m-1",
            "error": "contradiction `old_alone` between `age` and `has_support`: an age of 100 or more with nobody to call on",
            "code": "contradiction",
            "line": 4,
            "column": 3,
        }])
    );
    // A warning-level check of the same set is a warning.
    std::fs::write(
        dir.path().join("b.yaml"),
        "intake: 1\nid: m-2\nanswers:\n  age: 40\n  sleep_hours: 0\n  has_support: true\n",
    )
    .unwrap();
    let (code, out, _) = run(
        dir.path(),
        &["--rules", "set", "score", "--format", "json", "b.yaml"],
    );
    assert_eq!(code, 0);
    assert!(warnings(&out).contains(&"contradiction `sleepless_support` between `has_support` and `sleep_hours`: no sleep at all although someone can be called on".to_string()), "{out}");
}

#[test]
fn rules_check_reports_a_check_that_can_never_hold_and_not_one_skip_logic_hides() {
    let dir = mini_with(
        "checks:
  - id: impossible
    when: age > 50 and age < 40
    message: cannot happen
  - id: skipped_but_answered
    when: wq_1 == false and wq_2
    message: an answer recorded although it is not asked
",
    );
    let (code, out, _) = run(
        dir.path(),
        &["--rules", "set", "rules", "check", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let unsat: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unsatisfiable-condition")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        unsat,
        ["check `impossible` can never hold: its condition `age > 50 and age < 40` is contradictory"],
        "{out}"
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn bad_checks_are_load_errors_at_their_place() {
    let dir = mini_with(
        "checks:
  - id: a
    when: age > 200
    message: |
      two
      lines
  - id: b
    when: context.rating >= 1
    message: reads a rating
  - id: c
    when: age > 1
    message: bad severity
    severity: critical
",
    );
    let (code, out, _) = run(
        dir.path(),
        &["--rules", "set", "rules", "check", "--format", "json"],
    );
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "message-text".to_string(),
                "`message` of check `a` is more than one line".to_string(),
                5
            ),
            (
                "condition-context".to_string(),
                "dimension ratings cannot be read in skip logic, exclusions or consistency checks"
                    .to_string(),
                8
            ),
            (
                "wrong-type".to_string(),
                "unknown check severity `critical`: use warning or error".to_string(),
                13
            ),
        ],
        "{out}"
    );
}

#[test]
fn rules_test_asserts_the_checks_that_hold() {
    let dir = mini_with(ERROR_CHECK);
    std::fs::write(
        dir.path().join("t.yaml"),
        "tests:
  - name: old and alone
    answers: {age: 100, has_support: false}
    expect:
      contradictions: [old_alone]
  - name: wrongly expects none
    answers: {age: 40, sleep_hours: 0, has_support: true}
    expect:
      contradictions: []
",
    )
    .unwrap();
    let (code, out, _) = run(
        dir.path(),
        &[
            "--rules", "set", "rules", "test", "set", "--tests", "t.yaml",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ok      old and alone"), "{out}");
    assert!(
        out.contains(
            "FAILED  wrongly expects none  (t.yaml:6:5)
    contradictions (line 9):
      - expected: []
      + actual:   [sleepless_support]
"
        ),
        "{out}"
    );
}

#[test]
fn the_third_party_fixture_is_clean_and_its_tests_pass() {
    let dir = root();
    let (code, out, _) = run(
        &dir,
        &["--rules", "tests/fixtures/third-party", "rules", "check"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("0 error(s), 0 warning(s); rule set `third-party` 1.0.0: 37 questions, 2 instruments, 5 dimensions, 5 levels\n"),
        "{out}"
    );
    let (code, out, _) = run(
        &dir,
        &[
            "--rules",
            "tests/fixtures/third-party",
            "rules",
            "test",
            "tests/fixtures/third-party",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("11 passed, 0 failed\n"), "{out}");
}

#[test]
fn markdown_and_csv_list_the_contradictions() {
    let dir = tempfile::tempdir().unwrap();
    let path = example_with(
        dir.path(),
        "p.yaml",
        &[
            (
                "  age: 34\n  sex_at_birth: male",
                "  age: 70\n  sex_at_birth: female\n  pregnancy_status: pregnant",
            ),
            (
                "  primary_substance: alcohol",
                "  primary_substance: opioids",
            ),
        ],
    );
    let p = path.to_str().unwrap();
    let (code, out, _) = run(dir.path(), &["score", "--format", "markdown", p]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "**Answers that contradict each other** (to check with the client):\n\n- `primary_substance`: the answer is not among the options ticked in `substances`\n- `pregnancy_at_55_or_over` (`age`, `pregnancy_status`): pregnancy is recorded as possible or certain for a client aged 55 or over\n\n"
        ),
        "{out}"
    );
    let (code, out, _) = run(dir.path(), &["score", "--format", "csv", p]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "contradictions").unwrap();
    assert_eq!(header[at - 1], "could_raise");
    assert_eq!(
        row[at],
        "options_from:primary_substance;pregnancy_at_55_or_over"
    );
}
