//! Findings from a program lead's trial of the rule-set commands: one
//! root cause gives one error, errors point at the right place, "did you
//! mean" never suggests what a list already holds, exit codes agree across
//! commands, empty files are never silent, `rules show` shows how
//! instruments score, and `rules diff` warns about an unchanged version.

use assert_cmd::Command;
use serde_json::{json, Value};
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

/// A temp dir holding a copy of the mini rule set (two files) as `set/`.
fn mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    for e in std::fs::read_dir(root().join("tests/fixtures/mini")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, set.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

/// A temp dir holding a copy of the default rule files as `set/`.
fn default_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, set.join(p.file_name().unwrap())).unwrap();
        }
    }
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

/// 1-based line of the only line of a file that is exactly `line`.
fn line_of(p: &Path, line: &str) -> usize {
    let text = std::fs::read_to_string(p).unwrap();
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(found.len(), 1, "`{line}` in {}", p.display());
    found[0]
}

/// `rules check --format json`: exit code and every finding as
/// `{code, severity, message, file, line, column, help}`.
fn check_json(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["rules", "check", "--format", "json"];
    all.extend(args);
    let (code, out, _) = run(dir, &all);
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!({
                "code": f["code"], "severity": f["severity"], "message": f["message"],
                "file": f["file"], "line": f["line"], "column": f["column"], "help": f["help"],
            })
        })
        .collect();
    (code, findings)
}

const NOT_RUN: &str = "analyses: rule-set analyses not proved (not run: the rule set has errors)\n";

// 1. `placement.minimums` split over two files: one `conflict`, nothing else.

#[test]
fn minimums_in_two_files_is_one_conflict_and_nothing_else() {
    let dir = mini();
    let set = dir.path().join("set");
    replace_once(
        &set.join("00-set.yaml"),
        "    context: [light, light, standard]\n",
        "",
    );
    let questions = set.join("10-questions.yaml");
    let mut text = std::fs::read_to_string(&questions).unwrap();
    text.push_str("\nplacement:\n  minimums:\n    context: [light, light, standard]\n");
    std::fs::write(&questions, text).unwrap();
    let second = line_of(&questions, "  minimums:");
    let first = line_of(&set.join("00-set.yaml"), "  minimums:");

    let (code, out, err) = run(dir.path(), &["rules", "check", "set"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(err, "");
    let pad = " ".repeat(second.to_string().len());
    assert_eq!(
        out,
        format!(
            "error[conflict]: `minimums` is given in more than one rule file\n  --> set/10-questions.yaml:{second}:3\n{pad} |\n{second} |   minimums:\n{pad} |   ^^^^^^^^\n  = help: first given at set/00-set.yaml:{first}:3\n\n{NOT_RUN}1 error(s), 0 warning(s)\n"
        )
    );
    // Before the fix, four `minimums` errors ("dimension `load` has no
    // minimums", ...) came with it.
    let (_, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "conflict");
}

#[test]
fn a_dimension_really_missing_from_minimums_is_still_reported() {
    let dir = mini();
    let set = dir.path().join("set");
    replace_once(
        &set.join("00-set.yaml"),
        "    context: [light, light, standard]\n",
        "",
    );
    let (code, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(code, 1);
    let line = line_of(&set.join("00-set.yaml"), "  minimums:") + 1;
    assert_eq!(
        findings,
        vec![json!({
            "code": "minimums", "severity": "error",
            "message": "dimension `context` has no minimums",
            "file": "set/00-set.yaml", "line": line, "column": 5, "help": null,
        })]
    );
}

// 2. `max_rating: 0` (or any unusable value): one error, no cascade.

#[test]
fn max_rating_zero_is_one_error_on_max_rating() {
    let dir = mini();
    let set = dir.path().join("set");
    replace_once(
        &set.join("00-set.yaml"),
        "max_rating: 2\n",
        "max_rating: 0\n",
    );
    let line = line_of(&set.join("00-set.yaml"), "max_rating: 0");
    let (code, out, _) = run(dir.path(), &["rules", "check", "set"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "error[rating-out-of-range]: `max_rating` must be from 1 to 9, not 0: ratings run from 0 to `max_rating`, so a dimension needs at least the ratings 0 and 1\n  --> set/00-set.yaml:{line}:13\n  |\n{line} | max_rating: 0\n  |             ^\n\n{NOT_RUN}1 error(s), 0 warning(s)\n"
        )
    );

    // Minimums written for one rating, and a condition reading a rating
    // above 0: still only the one error (it used to add one `minimums`
    // error per dimension, "needs one level per rating 0..4").
    for (old, new) in [
        ("load:    [light, standard, intensive]", "load:    [light]"),
        ("worry:   [light, standard, intensive]", "worry:   [light]"),
        ("context: [light, light, standard]", "context: [light]"),
    ] {
        replace_once(&set.join("00-set.yaml"), old, new);
    }
    let (code, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![json!({
            "code": "rating-out-of-range", "severity": "error",
            "message": "`max_rating` must be from 1 to 9, not 0: ratings run from 0 to `max_rating`, so a dimension needs at least the ratings 0 and 1",
            "file": "set/00-set.yaml", "line": line, "column": 13, "help": null,
        })]
    );
}

#[test]
fn max_rating_too_large_or_not_a_number_is_one_error() {
    for (value, code, message) in [
        (
            "10",
            "rating-out-of-range",
            "`max_rating` must be from 1 to 9, not 10: a dimension has at most 10 ratings, 0 to 9",
        ),
        (
            "\"2\"",
            "wrong-type",
            "`max_rating` must be a whole number, not text",
        ),
    ] {
        let dir = mini();
        let set = dir.path().join("set");
        replace_once(
            &set.join("00-set.yaml"),
            "max_rating: 2\n",
            &format!("max_rating: {value}\n"),
        );
        let line = line_of(&set.join("00-set.yaml"), &format!("max_rating: {value}"));
        let (exit, findings) = check_json(dir.path(), &["set"]);
        assert_eq!(exit, 1);
        assert_eq!(
            findings,
            vec![json!({
                "code": code, "severity": "error", "message": message,
                "file": "set/00-set.yaml", "line": line, "column": 13, "help": null,
            })],
            "max_rating: {value}"
        );
    }
}

// 3. A tab in the indentation is reported at the tab.

#[test]
fn a_tab_in_the_indentation_is_reported_at_the_tab() {
    let dir = mini();
    let set = dir.path().join("set");
    replace_once(
        &set.join("00-set.yaml"),
        "    name: Intensive\n",
        "\tname: Intensive\n",
    );
    let line = line_of(&set.join("00-set.yaml"), "\tname: Intensive");
    let (code, out, _) = run(dir.path(), &["rules", "check", "set"]);
    assert_eq!(code, 1);
    // The parser meets the tab while reading `intensive` on the line
    // before; that line used to be reported.
    assert_eq!(
        out,
        format!(
            "error[yaml-syntax]: a tab in the indentation of this line; YAML indents with spaces only: replace the tab with spaces\n  --> set/00-set.yaml:{line}:1\n   |\n{line} | \\tname: Intensive\n   | ^^\n\n{NOT_RUN}1 error(s), 0 warning(s)\n"
        )
    );

    // After spaces: the tab's own column.
    let file = dir.path().join("one.yaml");
    std::fs::write(
        &file,
        "name: x\nlevels:\n  - id: a\n    name: A\n  \t- id: b\n",
    )
    .unwrap();
    let (code, findings) = check_json(dir.path(), &["one.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![json!({
            "code": "yaml-syntax", "severity": "error",
            "message": "a tab in the indentation of this line; YAML indents with spaces only: replace the tab with spaces",
            "file": "one.yaml", "line": 5, "column": 3, "help": null,
        })]
    );
}

// 4. "Did you mean" never suggests an id the list already holds.

const LISTS: &str = r#"name: lists
version: "1"
levels:
  - {id: high, name: High}
  - {id: low, name: Low}
sections:
  - id: s
    title: S
    questions:
      - {id: auditc_1, text: One, type: integer, min: 0, max: 4}
      - {id: auditc_2, text: Two, type: integer, min: 0, max: 4}
      - {id: auditc_3, text: Three, type: integer, min: 0, max: 4}
      - id: pick
        text: Pick
        type: single_choice
        options:
          - {id: opt_1, label: One}
          - {id: opt_2, label: Two}
          - {id: opt_3, label: Three}
      - id: many
        text: Many
        type: multi_choice
        options:
          - {id: opt_1, label: One}
          - {id: opt_2, label: Two}
          - {id: opt_3, label: Three}
      - id: main
        text: Main
        type: single_choice
        options_from: many
        options:
          - {id: opt_1, label: One}
          - {id: opt_2, label: Two}
          - {id: opt_4, label: Four}
instruments:
  - id: auditc
    name: AUDIT-C
    items: [auditc_1, auditc_2, auditc_4]
    bands:
      - {id: low, min: 0, max: 12}
  - id: choice
    items: [pick]
    values:
      pick: {opt_1: 0, opt_2: 1, opt_4: 2}
    bands:
      - {id: low, min: 0, max: 2}
dimensions:
  - id: d
    name: D
    rules:
      - {rating: 1, when: "pick in [opt_1, opt_2, opt_4]", why: W.}
      - {rating: 2, when: "many has_any [opt_1, opt_2, opt_4]", why: W.}
placement:
  minimums:
    d: [low, low, high, high, high]
flag_actions:
  - {id: act_1, label: One}
  - {id: act_2, label: Two}
  - {id: act_3, label: Three}
flags:
  - id: f
    severity: critical
    when: pick == opt_3
    message: M.
    actions: [act_1, act_2, act_4]
"#;

#[test]
fn did_you_mean_skips_ids_already_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lists.yaml"), LISTS).unwrap();
    let (code, findings) = check_json(dir.path(), &["lists.yaml"]);
    assert_eq!(code, 1);
    let f = |code: &str, line: usize, column: usize, message: &str, help: Value| {
        json!({
            "code": code, "severity": "error", "message": message,
            "file": "lists.yaml", "line": line, "column": column, "help": help,
        })
    };
    // Each used to suggest the first id of its list (`auditc_1`, `opt_1`,
    // `act_1`), which is already there.
    assert_eq!(
        findings,
        vec![
            f(
                "options-from",
                34,
                18,
                "option `opt_4` of `main` is not an option of `many`, which `main` draws its options from",
                json!("did you mean `opt_3`?"),
            ),
            f(
                "unknown-reference",
                38,
                33,
                "unknown question `auditc_4` in the items of `auditc`",
                json!("did you mean `auditc_3`?"),
            ),
            f(
                "value-map",
                44,
                13,
                "the value map for `pick` gives no points for option `opt_3`",
                Value::Null,
            ),
            f(
                "value-map",
                44,
                34,
                "`opt_4` is not an option of `pick`",
                json!("did you mean `opt_3`?"),
            ),
            f(
                "unknown-reference",
                51,
                51,
                "`opt_4` is not an option of `pick`",
                json!("did you mean `opt_3`?"),
            ),
            f(
                "unknown-reference",
                52,
                56,
                "`opt_4` is not an option of `many`",
                json!("did you mean `opt_3`?"),
            ),
            f(
                "unknown-reference",
                65,
                29,
                "unknown flag action `act_4` in the `actions` of flag `f`",
                json!("did you mean `act_3`?"),
            ),
        ]
    );
}

#[test]
fn with_every_close_id_listed_there_is_no_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let text = LISTS.replace(
        "items: [auditc_1, auditc_2, auditc_4]",
        "items: [auditc_1, auditc_2, auditc_3, auditc_4]",
    );
    std::fs::write(dir.path().join("lists.yaml"), text).unwrap();
    let (_, findings) = check_json(dir.path(), &["lists.yaml"]);
    let item = findings
        .iter()
        .find(|f| f["message"] == "unknown question `auditc_4` in the items of `auditc`")
        .unwrap();
    assert_eq!(item["help"], Value::Null, "{item}");
}

// 5. `rules test` refuses an invalid rule set with exit 2.

#[test]
fn rules_test_on_an_invalid_rule_set_is_exit_2_like_every_other_command() {
    let dir = mini();
    let set = dir.path().join("set");
    std::fs::create_dir(set.join("tests")).unwrap();
    std::fs::write(
        set.join("tests/t.yaml"),
        "tests:\n  - name: t\n    answers: {age: 30}\n    expect: {level: light}\n",
    )
    .unwrap();
    replace_once(
        &set.join("00-set.yaml"),
        "max_rating: 2\n",
        "max_rating: 0\n",
    );
    let line = line_of(&set.join("00-set.yaml"), "max_rating: 0");
    let error = format!(
        "error[rating-out-of-range]: `max_rating` must be from 1 to 9, not 0: ratings run from 0 to `max_rating`, so a dimension needs at least the ratings 0 and 1\n  --> set/00-set.yaml:{line}:13\n  |\n{line} | max_rating: 0\n  |             ^\n\n"
    );
    for format in ["human", "json", "junit", "github"] {
        let (code, out, err) = run(dir.path(), &["rules", "test", "--format", format, "set"]);
        assert_eq!(code, 2, "--format {format}");
        // No report on stdout that CI could take for a test run.
        assert_eq!(out, "", "--format {format}");
        assert_eq!(
            err,
            format!("{error}error: the rule set is invalid (1 error(s)); no test was run. Run `placement rules check` for details\n"),
            "--format {format}"
        );
    }
    // `score` and `rules show` agree.
    let intake = root().join("tests/fixtures/mini-intakes/01-light.yaml");
    let intake = intake.to_str().unwrap();
    for args in [
        &["--rules", "set", "rules", "show"][..],
        &["--rules", "set", "score", "--format", "json", intake][..],
    ] {
        let (code, out, _) = run(dir.path(), args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
    }
}

// 6. Empty and comment-only files are never silent.

#[test]
fn an_empty_rule_file_is_a_warning_naming_it() {
    let dir = mini();
    let set = dir.path().join("set");
    std::fs::write(set.join("20-later.yaml"), "# exclusions go here\n\n").unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "check", "set"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with(
            "warning[empty-file]: `20-later.yaml` is empty or holds only comments: it adds nothing to the rule set\n  --> set/20-later.yaml:1:1\n  |\n1 | # exclusions go here\n  | ^\n\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("0 error(s), 1 warning(s); rule set `mini` 0.3.0: 12 questions, 2 instruments, 3 dimensions, 3 levels\n"),
        "{out}"
    );
    let (code, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(code, 0);
    assert_eq!(
        findings,
        vec![json!({
            "code": "empty-file", "severity": "warning",
            "message": "`20-later.yaml` is empty or holds only comments: it adds nothing to the rule set",
            "file": "set/20-later.yaml", "line": 1, "column": 1, "help": null,
        })]
    );
    let (code, _) = check_json(dir.path(), &["--strict", "set"]);
    assert_eq!(code, 1, "a warning fails --strict");

    // A file of zero bytes too.
    std::fs::write(set.join("20-later.yaml"), "").unwrap();
    let (code, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(code, 0);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "empty-file");
}

#[test]
fn a_rule_set_of_empty_files_is_one_error_per_file_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("only.yaml"), "# to do\n").unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "check", "only.yaml"]);
    assert_eq!(code, 1);
    // Not also "the rule set has no `name`", `version`, levels, ...
    assert_eq!(
        out,
        format!(
            "error[empty-file]: `only.yaml` is empty or holds only comments: the rule set is empty\n  --> only.yaml:1:1\n  |\n1 | # to do\n  | ^\n\n{NOT_RUN}1 error(s), 0 warning(s)\n"
        )
    );
    // A folder of them: one error per file. Other commands refuse it (2).
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    std::fs::write(set.join("a.yaml"), "").unwrap();
    std::fs::write(set.join("b.yml"), "\n# b\n").unwrap();
    let (code, findings) = check_json(dir.path(), &["set"]);
    assert_eq!(code, 1);
    let f = |file: &str, message: &str| {
        json!({
            "code": "empty-file", "severity": "error", "message": message,
            "file": file, "line": 1, "column": 1, "help": null,
        })
    };
    assert_eq!(
        findings,
        vec![
            f(
                "set/a.yaml",
                "`a.yaml` is empty or holds only comments: the rule set is empty"
            ),
            f(
                "set/b.yml",
                "`b.yml` is empty or holds only comments: the rule set is empty"
            ),
        ]
    );
    let (code, out, err) = run(dir.path(), &["--rules", "set", "rules", "show"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.ends_with("error: the rule set is invalid (2 error(s)); nothing was done. Run `placement rules check` for details\n"),
        "{err}"
    );
}

const ONE_TEST: &str = "tests:\n  - name: light\n    answers: {age: 30, housing: stable, stressors: [], has_support: true, sleep_hours: 7, wq_1: false, wq_2: false, wq_3: true}\n    expect: {level: light}\n";

#[test]
fn an_empty_test_file_is_a_warning_naming_it() {
    let dir = mini();
    let tests = dir.path().join("set/tests");
    std::fs::create_dir(&tests).unwrap();
    std::fs::write(tests.join("a-later.yaml"), "# cases to come\n").unwrap();
    std::fs::write(tests.join("b.yaml"), ONE_TEST).unwrap();
    let warning = "`a-later.yaml` is empty or holds only comments: it holds no tests";

    let (code, out, _) = run(dir.path(), &["rules", "test", "set"]);
    assert_eq!(code, 0, "a warning fails nothing: {out}");
    assert!(
        out.starts_with(&format!(
            "warning[empty-file]: {warning}\n  --> set/tests/a-later.yaml:1:1\n  |\n1 | # cases to come\n  | ^\n\nok      light\n"
        )),
        "{out}"
    );
    assert!(
        out.ends_with("\n1 passed, 0 failed; 1 warning(s) in the test files\n"),
        "{out}"
    );

    let (code, out, _) = run(dir.path(), &["rules", "test", "--format", "json", "set"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v}");
    let f = &v["findings"][0];
    assert_eq!(
        (
            &f["code"],
            &f["severity"],
            &f["message"],
            &f["file"],
            &f["line"]
        ),
        (
            &json!("empty-file"),
            &json!("warning"),
            &json!(warning),
            &json!("set/tests/a-later.yaml"),
            &json!(1)
        )
    );

    let (code, out, _) = run(dir.path(), &["rules", "test", "--format", "github", "set"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("::warning file=set/tests/a-later.yaml,line=1,col=1,title=empty-file::[empty-file] {warning}\n::notice title=rules test::1 passed, 0 failed; coverage 7.7% (1 of 13)\n")
    );

    let (code, out, _) = run(dir.path(), &["rules", "test", "--format", "junit", "set"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "  <testsuite name=\"test files\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n    <testcase name=\"set/tests/a-later.yaml:1:1\" classname=\"test files\">\n      <skipped message=\"warning[empty-file]: {warning}\">"
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "<testsuites name=\"placement rules test\" tests=\"2\" failures=\"0\" errors=\"0\">"
        ),
        "{out}"
    );

    // With a real problem beside it, both are counted, and the problem
    // still fails the run.
    std::fs::write(tests.join("c.yaml"), "tests: {}\n").unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "test", "set"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.ends_with("\n1 passed, 0 failed; 1 problem(s) and 1 warning(s) in the test files\n"),
        "{out}"
    );
}

#[test]
fn the_empty_file_code_is_documented() {
    let codes: Vec<&str> = placement::check::report::CODES
        .iter()
        .map(|(c, _)| *c)
        .collect();
    assert!(codes.contains(&"empty-file"));
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(ci
        .lines()
        .any(|l| l.starts_with("| `empty-file` | warning | a rule file")));
    let rules = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(rules.lines().any(|l| l.starts_with("| `empty-file` |")));
}

// 7. `rules show --format json` shows how each instrument scores.

#[test]
fn rules_show_json_has_value_maps_scales_and_informational() {
    let (code, out, _) = run(
        &root(),
        &[
            "--rules",
            "tests/fixtures/mini",
            "rules",
            "show",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let inst = |id: &str| {
        v["instruments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    // Yes/no items, one reverse scored.
    assert_eq!(
        inst("wq")["scoring"],
        json!([
            {"item": "wq_1", "values": {"true": 1, "false": 0}, "min_points": 0, "max_points": 1},
            {"item": "wq_2", "values": {"true": 1, "false": 0}, "min_points": 0, "max_points": 1},
            {"item": "wq_3", "values": {"true": 0, "false": 1}, "min_points": 0, "max_points": 1},
        ])
    );
    // Integer items score their answer (`null`); a choice item by option,
    // in the question's order.
    assert_eq!(
        inst("pq")["scoring"],
        json!([
            {"item": "pq_1", "values": null, "min_points": 0, "max_points": 4},
            {"item": "pq_2", "values": null, "min_points": 0, "max_points": 3},
            {"item": "pq_3", "values": {"never": 0, "sometimes": 1, "often": 3}, "min_points": 0, "max_points": 3},
        ])
    );
    assert_eq!(
        serde_json::to_string(&inst("pq")["scoring"][2]["values"]).unwrap(),
        r#"{"never":0,"sometimes":1,"often":3}"#
    );
    let q = |id: &str| {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        q("pq_2")["scale"],
        json!([
            {"value": 0, "label": "Not at all"},
            {"value": 1, "label": "A little"},
            {"value": 2, "label": "Quite a lot"},
            {"value": 3, "label": "Completely"},
        ])
    );
    assert_eq!(q("pq_1").get("scale"), None, "no scale, no key");
    assert_eq!(
        q("housing")["option_labels"],
        json!([
            "A stable home",
            "A shared or temporary place",
            "No fixed place"
        ])
    );
    for id in ["age", "housing", "notes", "pq_1"] {
        assert_eq!(q(id)["informational"], false, "{id}");
        assert_eq!(q(id)["retired"], false, "{id}");
    }
    // Which way severity runs, as `rules check` reads it.
    for (id, order) in [
        ("housing", "ascending"),
        ("has_support", "descending"),
        ("sleep_hours", "descending"),
        ("notes", "none"),
        ("stressors", "none"),
    ] {
        assert_eq!(q(id)["order"], order, "{id}");
    }
}

#[test]
fn rules_show_json_gives_integer_value_maps_by_answer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("int.yaml"),
        r#"name: int
version: "1"
levels:
  - {id: high, name: High}
  - {id: low, name: Low}
sections:
  - id: s
    title: S
    questions:
      - {id: q1, text: One, type: integer, min: 0, max: 4, allowed: [0, 2, 4]}
      - {id: q2, text: Two, type: integer, min: 0, max: 2}
      - {id: note, text: Note, type: text, informational: true}
instruments:
  - id: i
    items: [q1, q2]
    values:
      q1: {0: 0, 2: 1, 4: 3}
    bands:
      - {id: all, min: 0, max: 5}
dimensions:
  - id: d
    name: D
    rules:
      - {rating: 1, when: i.total >= 3, why: W.}
placement:
  minimums:
    d: [low, high, high, high, high]
"#,
    )
    .unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["--rules", "int.yaml", "rules", "show", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["instruments"][0]["scoring"],
        json!([
            {"item": "q1", "values": {"0": 0, "2": 1, "4": 3}, "min_points": 0, "max_points": 3},
            {"item": "q2", "values": null, "min_points": 0, "max_points": 2},
        ])
    );
    assert_eq!(v["questions"][2]["id"], "note");
    assert_eq!(v["questions"][2]["informational"], true);
    assert_eq!(v["questions"][2]["retired"], false);
}

// 8. `rules diff`: same name and version, different files; ratings as numbers.

/// A copy of the default rules whose AUDIT zone IV starts at 10: two
/// example intakes move from `outpatient` to `iop`, through `relapse`.
fn moved_audit_zones() -> tempfile::TempDir {
    let dir = default_copy();
    let f = dir.path().join("set/60-relapse.yaml");
    replace_once(
        &f,
        "{id: zone_2, min: 8, max: 15,",
        "{id: zone_2, min: 8, max: 8,",
    );
    replace_once(
        &f,
        "{id: zone_3, min: 16, max: 19,",
        "{id: zone_3, min: 9, max: 9,",
    );
    replace_once(
        &f,
        "{id: zone_4, min: 20, max: 40,",
        "{id: zone_4, min: 10, max: 40,",
    );
    dir
}

fn sha(dir: &Path, rules: &str) -> String {
    let (_, out, _) = run(
        dir,
        &["--rules", rules, "rules", "show", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    v["sha256"].as_str().unwrap().to_string()
}

#[test]
fn diff_warns_when_name_and_version_match_but_files_differ() {
    let dir = moved_audit_zones();
    let new = dir.path().join("set");
    let new = new.to_str().unwrap();
    let old_sha = sha(&root(), "rules");
    let new_sha = sha(&root(), new);
    assert_ne!(old_sha, new_sha);
    let message = format!(
        "OLD and NEW are both rule set `default` version 2.0.0, but their files differ (sha256 {} and {}): give NEW a new `version`, so that results scored under each can be told apart",
        &old_sha[..12],
        &new_sha[..12]
    );
    let args = [
        "rules",
        "diff",
        "rules",
        new,
        "--intakes",
        "examples/intakes",
    ];
    let (code, out, err) = run(&root(), &args);
    assert_eq!(code, 0, "a warning does not change the exit code");
    assert_eq!(err, format!("warning: {message}\n"));
    assert!(out.contains("2 changed level"), "{out}");

    let (code, out, err) = run(&root(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0);
    assert_eq!(err, format!("warning: {message}\n"));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["warnings"],
        json!([{"code": "same-version", "message": message}])
    );
    // With --exit-code, the changes (not the warning) give 1.
    let (code, _, _) = run(&root(), &[&args[..], &["--exit-code"]].concat());
    assert_eq!(code, 1);
}

#[test]
fn diff_gives_ratings_as_numbers() {
    let dir = moved_audit_zones();
    let new = dir.path().join("set");
    let (_, out, _) = run(
        &root(),
        &[
            "rules",
            "diff",
            "rules",
            new.to_str().unwrap(),
            "--intakes",
            "examples/intakes",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let changed: Vec<(&str, &Value)> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["source"].as_str().unwrap(), &c["first_difference"]))
        .collect();
    let first = json!({"kind": "rating", "id": "relapse", "from": 1, "to": 2});
    assert_eq!(
        changed,
        vec![
            ("examples/intakes/01-outpatient-alcohol.yaml", &first),
            ("examples/intakes/07-incomplete-in-progress.yaml", &first),
        ]
    );
    // Numbers, not the strings "1" and "2".
    assert!(v["changed"][0]["first_difference"]["from"].is_u64());
}

#[test]
fn diff_of_identical_or_renamed_rule_sets_does_not_warn() {
    // The same files: nothing to warn about.
    let (code, out, err) = run(
        &root(),
        &[
            "rules",
            "diff",
            "rules",
            "rules",
            "--intakes",
            "examples/intakes",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(err, "");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["warnings"], json!([]));

    // Changed files with a new version: no warning either.
    let dir = moved_audit_zones();
    let set = dir.path().join("set");
    replace_once(
        &set.join("00-ruleset.yaml"),
        "version: \"2.0.0\"",
        "version: \"2.1.0\"",
    );
    let (code, out, err) = run(
        &root(),
        &[
            "rules",
            "diff",
            "rules",
            set.to_str().unwrap(),
            "--intakes",
            "examples/intakes",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(err, "");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["warnings"], json!([]));
    assert_eq!(v["new"]["version"], "2.1.0");
}

#[test]
fn an_empty_tests_list_is_a_warning_at_the_list() {
    let dir = mini();
    let tests = dir.path().join("set/tests");
    std::fs::create_dir(&tests).unwrap();
    std::fs::write(tests.join("a.yaml"), "tests: []\n").unwrap();
    std::fs::write(tests.join("b.yaml"), ONE_TEST).unwrap();
    let (code, out, _) = run(dir.path(), &["rules", "test", "set"]);
    assert_eq!(code, 0, "a warning fails nothing: {out}");
    assert!(
        out.starts_with(
            "warning[empty-file]: `tests` is an empty list: this file holds no tests\n  --> set/tests/a.yaml:1:8\n  |\n1 | tests: []\n  |        ^\n\nok      light\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("\n1 passed, 0 failed; 1 warning(s) in the test files\n"),
        "{out}"
    );
}
