//! `placement rules test`: the default rule set's own tests, coverage,
//! failure diffs, `--run`, the output formats and problems in test files.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// A copy of the default rules and their tests.
fn copy_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("rules"), dir.path());
    dir
}

fn replace_once(p: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(p).unwrap();
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` must occur once in {}",
        p.display()
    );
    std::fs::write(p, text.replace(old, new)).unwrap();
}

fn rules_test(args: &[&str], path: &Path) -> (i32, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .env_remove("GITHUB_ACTIONS")
        .args(["rules", "test"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn default_rules_pass_their_tests_at_full_coverage() {
    let (code, out) = rules_test(&["--min-coverage", "100"], &root().join("rules"));
    assert_eq!(code, 0, "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    assert!(out.contains("\ncoverage: 100.0% ("), "{out}");
    assert!(!out.contains("not exercised"), "{out}");

    let (code, json) = rules_test(&["--format", "json"], &root().join("rules"));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["failed"], 0);
    assert_eq!(v["coverage"]["percent"], 100.0);
    assert_eq!(v["coverage"]["not_exercised"], Value::Array(vec![]));
    assert!(v["passed"].as_u64().unwrap() >= 60);
}

#[test]
fn breaking_one_rule_fails_exactly_the_tests_that_depend_on_it() {
    let dir = copy_rules();
    let d = dir.path();
    // A severe eating disorder no longer rates 3 on its own.
    replace_once(
        &d.join("30-biomedical.yaml"),
        "when: eating_disorder >= severe\n",
        "when: eating_disorder >= severe and chronic_condition\n",
    );
    let (code, out) = rules_test(&[], d);
    assert_eq!(code, 1, "{out}");
    let failed: Vec<&str> = out.lines().filter(|l| l.starts_with("FAILED")).collect();
    let tests = d.join("tests/biomedical.yaml");
    let text = std::fs::read_to_string(&tests).unwrap();
    let name =
        "biomedical 3 - severe eating disorder (BMI under 15 or daily purging with fainting)";
    let line = text[..text.find(name).unwrap()].matches('\n').count() + 1;
    assert_eq!(
        failed,
        vec![format!("FAILED  {name}  ({}:{line}:5)", tests.display())]
    );
    let level_line = line + 3;
    let expected_diff = format!(
        "    level (line {level_line}):\n      - expected: inpatient\n      + actual:   outpatient\n    ratings.biomedical (line {}):\n      - expected: 3\n      + actual:   1   (set by biomedical_eating_disorder)\n",
        level_line + 1
    );
    assert!(out.contains(&expected_diff), "{out}");
    assert!(out.trim_end().ends_with(" passed, 1 failed"), "{out}");
    assert!(
        out.contains("not exercised by any test:\n  rule `biomedical_eating_disorder_severe` at "),
        "{out}"
    );

    // JUnit XML parses and says the same.
    let (code, xml) = rules_test(&["--format", "junit"], d);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("1"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        root.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    let failing: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|x| x.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert_eq!(failing, vec![name]);
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("level: expected inpatient, actual outpatient")
    );
    assert!(failure.text().unwrap().contains("+ actual:   1"));

    // GitHub workflow commands, the default under GitHub Actions.
    let out = Command::cargo_bin("placement")
        .unwrap()
        .env("GITHUB_ACTIONS", "true")
        .args(["rules", "test"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let gh = String::from_utf8(out.stdout).unwrap();
    let errors: Vec<&str> = gh.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(
        errors,
        vec![format!(
            "::error file={},line={line},col=5,title=test-failed::[test-failed] test `{name}` failed: level: expected inpatient, actual outpatient; ratings.biomedical: expected 3, actual 1",
            tests.display().to_string().replace(':', "%3A").replace(',', "%2C")
        )]
    );
    assert!(
        gh.lines()
            .last()
            .unwrap()
            .starts_with("::notice title=rules test::"),
        "{gh}"
    );
}

#[test]
fn run_filters_by_name_and_min_coverage_fails_below() {
    let (code, out) = rules_test(
        &["--run", "^relapse [0-9]", "--min-coverage", "50"],
        &root().join("rules"),
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .filter(|l| l.starts_with("ok"))
            .all(|l| l.starts_with("ok      relapse ")),
        "{out}"
    );
    assert!(out.contains("is below the minimum of 50%"), "{out}");
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");

    let (code, _) = rules_test(&["--run", "(unclosed"], &root().join("rules"));
    assert_eq!(code, 2);
}

#[test]
fn problems_in_test_files_have_file_line_and_column() {
    let dir = copy_rules();
    let d = dir.path();
    std::fs::write(
        d.join("tests/zz-bad.yaml"),
        "tests:\n  - name: typo in a question\n    answers: {housing: stable, phq9_10: 2}\n    expect:\n      level: outpatient\n  - name: bad expectation key\n    answers: {housing: stable}\n    expect:\n      levl: outpatient\n      ratings: {enviroment: 0}\n",
    )
    .unwrap();
    let (code, out) = rules_test(&[], d);
    assert_eq!(code, 1, "{out}");
    let path = d.join("tests/zz-bad.yaml").display().to_string();
    assert!(
        out.contains(&format!(
            "error[test-unknown-reference]: test `typo in a question`: `phq9_10` is not a question of rule set `default`\n  --> {path}:3:32\n"
        )),
        "{out}"
    );
    assert!(out.contains("= help: did you mean `phq9_1`?"), "{out}");
    assert!(
        out.contains(&format!(
            "error[test-unknown-field]: unknown key `levl` in `expect`\n  --> {path}:9:7\n"
        )),
        "{out}"
    );
    assert!(out.contains("= help: did you mean `level`?"), "{out}");
    assert!(
        out.contains(&format!(
            "error[test-unknown-reference]: unknown dimension `enviroment`\n  --> {path}:10:17\n"
        )),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("problem(s) in the test files"),
        "{out}"
    );

    let (_, xml) = rules_test(&["--format", "junit"], d);
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("error"))
            .count(),
        3
    );
}

#[test]
fn missing_tests_or_rules_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let (code, out) = rules_test(&[], dir.path());
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
