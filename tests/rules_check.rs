//! `placement rules check`: loader findings and whole-rule-set analyses on
//! copies of the default rules with one problem planted each, in all four
//! output formats.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the default rules (top-level files only) in a temp dir.
fn copy_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Replaces `old` (which must occur once) in a file of the copy.
fn plant(dir: &Path, file: &str, old: &str, new: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` must occur once in {file}"
    );
    std::fs::write(&p, text.replace(old, new)).unwrap();
}

/// 1-based line and column of the first occurrence of `needle` (plus
/// `offset` characters) in a file.
fn line_col(dir: &Path, file: &str, needle: &str, offset: usize) -> (usize, usize) {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {file}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1 + offset;
    (line, col)
}

fn check(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .env_remove("GITHUB_ACTIONS")
        .args(["rules", "check", "--format", format])
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// What one planted problem must produce.
struct Expect<'a> {
    code: &'a str,
    severity: &'a str,
    file: &'a str,
    line: usize,
    col: usize,
    /// A piece of the counterexample (or, for loader findings, the message).
    evidence: &'a str,
}

/// Runs `rules check` in every format and checks the finding is reported
/// with its place and evidence; returns the exit code.
fn assert_reported(dir: &Path, e: &Expect) -> i32 {
    let path = dir.join(e.file).display().to_string();
    // human
    let (code, human) = check(dir, "human");
    let header = format!("{}[{}]", e.severity, e.code);
    let at = format!("  --> {path}:{}:{}", e.line, e.col);
    let block = human
        .split("\n\n")
        .find(|b| b.starts_with(&header) && b.contains(&at))
        .unwrap_or_else(|| panic!("no {header} at {at} in:\n{human}"));
    assert!(
        block.contains(e.evidence),
        "human block lacks `{}`:\n{block}",
        e.evidence
    );
    // json
    let (code_json, json) = check(dir, "json");
    assert_eq!(code, code_json);
    let v: Value = serde_json::from_str(&json).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == e.code && f["line"] == e.line && f["column"] == e.col)
        .unwrap_or_else(|| panic!("no {} finding in JSON:\n{json}", e.code));
    assert_eq!(f["file"], path.as_str());
    assert_eq!(f["severity"], e.severity);
    assert!(f["snippet"].is_string());
    let text = format!("{} {}", f["message"], f["counterexample"]["text"]);
    assert!(
        text.contains(e.evidence),
        "JSON finding lacks `{}`: {f}",
        e.evidence
    );
    // github
    let (_, gh) = check(dir, "github");
    let prefix = format!(
        "::{} file={},line={},col={},title={}::",
        e.severity,
        path.replace(':', "%3A").replace(',', "%2C"),
        e.line,
        e.col,
        e.code
    );
    let line = gh
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in:\n{gh}"));
    assert!(
        line.contains(e.evidence),
        "GitHub line lacks `{}`: {line}",
        e.evidence
    );
    // sarif
    let (_, sarif) = check(dir, "sarif");
    let v: Value = serde_json::from_str(&sarif).unwrap();
    validate_sarif(&v);
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["ruleId"] == e.code
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == e.line
                && r["locations"][0]["physicalLocation"]["region"]["startColumn"] == e.col
        })
        .unwrap_or_else(|| panic!("no {} result in SARIF:\n{sarif}", e.code));
    assert!(r["message"]["text"].as_str().unwrap().contains(e.evidence));
    code
}

fn validate_sarif(v: &Value) {
    // The published schema has one ECMAScript pattern with an unescaped `]`
    // (a literal there) that Rust's regex engine rejects; escape it, same
    // meaning.
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif-2.1.0-rtm.5.json"))
        .unwrap()
        .replace("-[a-zA-Z]{2}]?$", "-[a-zA-Z]{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
}

#[test]
fn default_rules_have_no_errors_and_prove_every_analysis() {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .env_remove("GITHUB_ACTIONS")
        .args(["rules", "check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    for a in v["analyses"].as_array().unwrap() {
        assert_eq!(a["status"], "proved", "{a}");
    }
    let sarif = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "check", "--format", "sarif"])
        .output()
        .unwrap();
    validate_sarif(&serde_json::from_slice(&sarif.stdout).unwrap());
}

#[test]
fn level_no_rating_can_reach() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "00-ruleset.yaml",
        "      level: sober_living\n",
        "      level: php\n",
    );
    let (line, col) = line_col(d, "00-ruleset.yaml", "- id: sober_living", 6);
    let code = assert_reported(
        d,
        &Expect {
            code: "unreachable-level",
            severity: "warning",
            file: "00-ruleset.yaml",
            line,
            col,
            evidence: "no dimension's minimums and no escalation name `sober_living`",
        },
    );
    assert_eq!(code, 0, "warnings alone exit 0");
    let strict = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "check", "--strict"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1), "--strict fails on warnings");
}

#[test]
fn non_monotone_cell_in_the_policy_table() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "00-ruleset.yaml",
        "emotional:   [outpatient, outpatient, iop, php, inpatient]",
        "emotional:   [outpatient, iop, outpatient, php, inpatient]",
    );
    let (line, col) = line_col(
        d,
        "00-ruleset.yaml",
        "emotional:   [outpatient, iop, outpatient",
        31,
    );
    let code = assert_reported(
        d,
        &Expect {
            code: "non-monotone",
            severity: "error",
            file: "00-ruleset.yaml",
            line,
            col,
            evidence: "emotional=1, readiness=0, relapse=0, environment=0] give `iop`; raising `emotional` to 2, ratings [withdrawal=0, biomedical=0, emotional=2, readiness=0, relapse=0, environment=0] give `outpatient`",
        },
    );
    assert_eq!(code, 1);
}

#[test]
fn non_monotone_escalation() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "00-ruleset.yaml",
        "when: withdrawal.rating >= 2 and environment.rating >= 2",
        "when: withdrawal.rating >= 2 and environment.rating == 2",
    );
    let (line, col) = line_col(d, "00-ruleset.yaml", "- id: withdrawal_and_environment", 6);
    let code = assert_reported(
        d,
        &Expect {
            code: "non-monotone",
            severity: "error",
            file: "00-ruleset.yaml",
            line,
            col,
            evidence: "give `inpatient`; raising `environment` to 3",
        },
    );
    assert_eq!(code, 1);
}

#[test]
fn gap_in_a_band() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "40-emotional.yaml",
        "{id: moderate, min: 10, max: 14, label: \"Moderate depression\"}",
        "{id: moderate, min: 11, max: 14, label: \"Moderate depression\"}",
    );
    let (line, col) = line_col(d, "40-emotional.yaml", "{id: moderate, min: 11", 5);
    let code = assert_reported(
        d,
        &Expect {
            code: "band-gap",
            severity: "error",
            file: "40-emotional.yaml",
            line,
            col,
            evidence: "totals 10..10 of `phq9` fall in no band",
        },
    );
    assert_eq!(code, 1);
}

#[test]
fn escalation_shadowed_by_another() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "00-ruleset.yaml",
        "  supports:\n",
        "    - id: also_withdrawal\n      when: relapse.rating >= 3 and environment.rating >= 3 and withdrawal.rating >= 1\n      level: inpatient\n      why: Planted for the test.\n\n  supports:\n",
    );
    let (line, col) = line_col(d, "00-ruleset.yaml", "- id: also_withdrawal", 6);
    let code = assert_reported(
        d,
        &Expect {
            code: "shadowed-escalation",
            severity: "warning",
            file: "00-ruleset.yaml",
            line,
            col,
            evidence: "relapse=3, environment=3] make it hold, and without it the level is already `inpatient`",
        },
    );
    assert_eq!(code, 0);
    let (_, human) = check(d, "human");
    assert!(
        human.contains("through escalation `relapse_and_environment`"),
        "{human}"
    );
}

#[test]
fn question_no_rule_reads() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "70-environment.yaml",
        "      - id: transport_barrier\n",
        "      - id: has_pets\n        text: Does the client have pets?\n        type: yes_no\n\n      - id: transport_barrier\n",
    );
    let (line, col) = line_col(d, "70-environment.yaml", "- id: has_pets", 6);
    let code = assert_reported(
        d,
        &Expect {
            code: "unused-question",
            severity: "warning",
            file: "70-environment.yaml",
            line,
            col,
            evidence: "question `has_pets` is never read",
        },
    );
    assert_eq!(code, 0);
}

#[test]
fn rating_no_rule_gives_and_contradictory_rule() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "50-readiness.yaml",
        "        when: stage_of_change >= preparation\n",
        "        when: stage_of_change >= preparation and stage_of_change < action\n",
    );
    let (line, _) = line_col(
        d,
        "50-readiness.yaml",
        "stage_of_change >= preparation and",
        0,
    );
    let (_, json) = check(d, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    let codes: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The finding points at the rule (its first key), just above `when`.
    assert!(
        codes
            .iter()
            .any(|(c, l)| c == "unsatisfiable-condition"
                && (line as u64 - 3..line as u64).contains(l)),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|(c, _)| c == "unreachable-rating"),
        "{codes:?}"
    );
}

#[test]
fn never_asked_question() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "30-biomedical.yaml",
        "injection site now?\n        type: yes_no\n        ask_when: injection_use\n",
        "injection site now?\n        type: yes_no\n        ask_when: injection_use and not injection_use\n",
    );
    let (line, col) = line_col(d, "30-biomedical.yaml", "- id: injection_site_infection", 6);
    assert_reported(
        d,
        &Expect {
            code: "never-asked",
            severity: "warning",
            file: "30-biomedical.yaml",
            line,
            col,
            evidence: "is never asked",
        },
    );
}

#[test]
fn unreadable_rule_set_exits_2_and_default_format_follows_github_actions() {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "check", "/nonexistent/rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());

    let dir = copy_rules();
    plant(
        dir.path(),
        "00-ruleset.yaml",
        "emotional:   [outpatient, outpatient, iop, php, inpatient]",
        "emotional:   [outpatient, iop, outpatient, php, inpatient]",
    );
    let out = Command::cargo_bin("placement")
        .unwrap()
        .env("GITHUB_ACTIONS", "true")
        .args(["rules", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
    assert!(text.contains("::error file="), "{text}");
}

#[test]
fn every_finding_code_is_documented_with_an_example() {
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for (code, _) in placement::check::report::CODES {
        let row = docs
            .lines()
            .find(|l| l.starts_with(&format!("| `{code}` |")))
            .unwrap_or_else(|| panic!("docs/ci.md has no row for `{code}`"));
        assert!(
            row.len() > code.len() + 20,
            "no example for `{code}`: {row}"
        );
    }
}

#[test]
fn too_large_a_rating_space_is_said_plainly() {
    // Seven dimensions rated 0..9: 10^7 rating vectors.
    let big = |escalation: &str| {
        let mut y = String::from(
            "name: big\nversion: \"1\"\nmax_rating: 9\nlevels:\n  - {id: high, name: High}\n  - {id: low, name: Low}\nsections:\n  - id: s\n    title: S\n    questions:\n      - {id: q, text: Q, type: integer, min: 0, max: 9}\ndimensions:\n",
        );
        for i in 0..7 {
            y.push_str(&format!("  - id: d{i}\n    name: D{i}\n    rules:\n      - {{rating: 9, when: q >= {i}, why: W.}}\n"));
        }
        y.push_str("placement:\n  minimums:\n");
        for i in 0..7 {
            y.push_str(&format!(
                "    d{i}: [low, low, low, low, low, low, low, low, low, high]\n"
            ));
        }
        y.push_str(escalation);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.yaml"), y).unwrap();
        let out = Command::cargo_bin("placement")
            .unwrap()
            .args(["rules", "check", "--format", "json"])
            .arg(dir.path().join("big.yaml"))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    let status = |v: &Value, name: &str| analysis(&v.to_string(), name)["status"].clone();
    // No escalation: everything is proved from the structure, without
    // visiting the 10^7 vectors.
    let (code, v) = big("");
    assert_eq!(code, Some(0), "{v}");
    for name in [
        "totality",
        "monotonicity",
        "level reachability",
        "escalation reachability",
    ] {
        assert_eq!(status(&v, name), "proved", "{name}: {v}");
    }
    // An escalation that reads every dimension with `==` makes structure
    // fail, and the search would visit every vector: said plainly.
    let all_nine: Vec<String> = (0..7).map(|i| format!("d{i}.rating == 9")).collect();
    let (code, v) = big(&format!(
        "  escalations:\n    - id: all\n      when: {}\n      level: high\n      why: W.\n",
        all_nine.join(" and ")
    ));
    assert_eq!(code, Some(0), "a warning, not an error: {v}");
    let f: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "space-too-large")
        .collect();
    assert_eq!(
        f[0]["message"],
        "the monotonicity search would visit 70000000 rating vectors (the steps of 7 dimensions), more than 1000000: it is not proved"
    );
    assert_eq!(status(&v, "monotonicity"), "not proved");
    assert_eq!(status(&v, "totality"), "proved");
}

/// One loader finding planted in a copy of the default rules: the exact
/// diagnostic (code, severity, place, message and help) `rules check
/// --format json` must give, and its exit code.
struct Planted<'a> {
    file: &'a str,
    old: &'a str,
    new: &'a str,
    code: &'a str,
    severity: &'a str,
    /// Where the finding points: the first occurrence of this text after
    /// planting, plus this many characters.
    at: (&'a str, usize),
    message: &'a str,
    /// `{dir}` stands for the folder of the copy.
    help: Option<&'a str>,
    exit: i32,
}

fn assert_planted(p: &Planted) {
    let dir = copy_rules();
    let d = dir.path();
    plant(d, p.file, p.old, p.new);
    let (line, col) = line_col(d, p.file, p.at.0, p.at.1);
    let (exit, json) = check(d, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let f = findings
        .iter()
        .find(|f| f["code"] == p.code && f["line"] == line && f["column"] == col)
        .unwrap_or_else(|| panic!("no {} at {line}:{col} in:\n{json}", p.code));
    assert_eq!(f["file"], d.join(p.file).display().to_string().as_str());
    assert_eq!(f["severity"], p.severity, "{f}");
    assert_eq!(f["message"], p.message, "{f}");
    let help = p.help.map(|h| h.replace("{dir}", &d.display().to_string()));
    assert_eq!(f["help"], serde_json::json!(help), "{f}");
    // The planted mistake is the only finding of its severity.
    let same = findings
        .iter()
        .filter(|f| f["severity"] == p.severity)
        .count();
    assert_eq!(same, 1, "{json}");
    assert_eq!(exit, p.exit, "{json}");
}

#[test]
fn exclusive_on_a_single_choice_option_is_an_error() {
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "- {id: male, label: \"Male\"}",
        new: "- {id: male, label: \"Male\", exclusive: true}",
        code: "exclusive-single-choice",
        severity: "error",
        at: ("\"Male\", exclusive", 8),
        message: "option `male` of `sex_at_birth` is `exclusive`, but `sex_at_birth` is a single_choice question: only a multi_choice question's options can be exclusive",
        help: Some("remove `exclusive`: a single choice never has two options ticked"),
        exit: 1,
    });
    // Every output format reports it in the same place.
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "10-intake.yaml",
        "- {id: male, label: \"Male\"}",
        "- {id: male, label: \"Male\", exclusive: true}",
    );
    let (line, col) = line_col(d, "10-intake.yaml", "\"Male\", exclusive", 8);
    let code = assert_reported(
        d,
        &Expect {
            code: "exclusive-single-choice",
            severity: "error",
            file: "10-intake.yaml",
            line,
            col,
            evidence: "option `male` of `sex_at_birth` is `exclusive`",
        },
    );
    assert_eq!(code, 1);
}

#[test]
fn options_from_must_name_an_earlier_multi_choice_question() {
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "options_from: substances\n        options:",
        new: "options_from: substance\n        options:",
        code: "unknown-reference",
        severity: "error",
        at: ("options_from: substance\n", 14),
        message: "unknown question `substance` in the `options_from` of `primary_substance`",
        help: Some("did you mean `substances`?"),
        exit: 1,
    });
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "options_from: substances\n        options:",
        new: "options_from: days_used_30\n        options:",
        code: "options-from",
        severity: "error",
        at: ("options_from: days_used_30", 14),
        message: "`primary_substance` draws its options from `days_used_30`, which is asked after it: `options_from` must name an earlier question",
        help: None,
        exit: 1,
    });
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "options_from: substances\n        options:",
        new: "options_from: primary_substance\n        options:",
        code: "options-from",
        severity: "error",
        at: ("options_from: primary_substance", 14),
        message: "`primary_substance` draws its options from itself (`options_from`)",
        help: None,
        exit: 1,
    });
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "options_from: substances\n        options:",
        new: "options_from: referral_source\n        options:",
        code: "options-from",
        severity: "error",
        at: ("options_from: referral_source", 14),
        message: "`primary_substance` draws its options from `referral_source`, a single_choice question: `options_from` must name a multi_choice question",
        help: None,
        exit: 1,
    });
}

#[test]
fn options_from_with_an_option_the_source_does_not_offer() {
    // An option the source does not have, named with "did you mean".
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "- {id: hallucinogens, label: \"Hallucinogens\"}",
        new: "- {id: halucinogens, label: \"Hallucinogens\"}",
        code: "options-from",
        severity: "error",
        at: ("{id: halucinogens", 5),
        message: "option `halucinogens` of `primary_substance` is not an option of `substances`, which `primary_substance` draws its options from",
        help: Some("did you mean `hallucinogens`?"),
        exit: 1,
    });
    // An exclusive option of the source is never offered.
    assert_planted(&Planted {
        file: "10-intake.yaml",
        old: "- {id: inhalants, label: \"Inhalants\"}",
        new: "- {id: none, label: \"None\"}",
        code: "options-from",
        severity: "error",
        at: ("{id: none, label: \"None\"}", 5),
        message: "option `none` of `primary_substance` is an exclusive option of `substances`, which is never offered in a question that draws its options from it",
        help: None,
        exit: 1,
    });
}

#[test]
fn options_from_without_options_takes_the_sources_options_that_are_not_exclusive() {
    let dir = copy_rules();
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("10-intake.yaml")).unwrap();
    // `primary_substance` lists its own options after `options_from`.
    let own = text.find("- id: primary_substance").unwrap();
    let start = own
        + text[own..]
            .find("        options_from: substances\n")
            .unwrap()
        + "        options_from: substances\n".len();
    let end = start + text[start..].find("\n\n").unwrap() + 1;
    assert!(text[start..end].starts_with("        options:\n"));
    std::fs::write(
        d.join("10-intake.yaml"),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    let out = Command::cargo_bin("placement")
        .unwrap()
        .arg("--rules")
        .arg(d)
        .args(["rules", "show", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let q = |id: &str| {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    let source = q("substances");
    assert_eq!(source["exclusive_options"], serde_json::json!(["none"]));
    let drawn = q("primary_substance");
    assert_eq!(drawn["options_from"], "substances");
    assert_eq!(
        drawn["options"],
        serde_json::json!([
            "tobacco",
            "cannabis",
            "hallucinogens",
            "stimulants",
            "inhalants",
            "alcohol",
            "sedatives",
            "opioids",
            "other"
        ])
    );
    assert_eq!(drawn["option_labels"][0], "Tobacco or nicotine");
    assert!(drawn.get("exclusive_options").is_none());
}

#[test]
fn a_no_override_reason_cannot_need_a_note() {
    assert_planted(&Planted {
        file: "00-ruleset.yaml",
        old: "no_override: true}",
        new: "no_override: true, note_required: true}",
        code: "no-override-note-required",
        severity: "error",
        at: ("no_override: true, note_required", 19),
        message: "override reason `not_applicable` is `no_override`, so it cannot also be `note_required`",
        help: Some("a reason that means \"no override\" is recorded with a placement at the recommended level, which needs no note; remove `note_required`"),
        exit: 1,
    });
}

/// Where the default rules define the flag action `safety_plan`.
static FIRST_SAFETY_PLAN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/00-ruleset.yaml"),
    )
    .unwrap();
    // The finding points at the id's value.
    let at = text.find("{id: safety_plan").unwrap() + "{id: ".len();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("first defined at {{dir}}/00-ruleset.yaml:{line}:{col}")
});

#[test]
fn flag_actions_ids_are_unique_and_a_flags_actions_must_exist() {
    assert_planted(&Planted {
        file: "00-ruleset.yaml",
        old: "  - {id: emergency_services,",
        new: "  - {id: safety_plan, label: \"Again\"}\n  - {id: emergency_services,",
        code: "duplicate-id",
        severity: "error",
        at: ("{id: safety_plan, label: \"Again\"}", 5),
        message: "duplicate flag action id `safety_plan`",
        help: Some(FIRST_SAFETY_PLAN.as_str()),
        exit: 1,
    });
    assert_planted(&Planted {
        file: "20-withdrawal.yaml",
        old: "  - id: severe_withdrawal_risk\n    severity: critical\n",
        new: "  - id: severe_withdrawal_risk\n    severity: critical\n    actions: [clinician_informed, medical_referal]\n",
        code: "unknown-reference",
        severity: "error",
        at: ("medical_referal]", 0),
        message: "unknown flag action `medical_referal` in the `actions` of flag `severe_withdrawal_risk`",
        help: Some("did you mean `medical_referral`?"),
        exit: 1,
    });
    assert_planted(&Planted {
        file: "20-withdrawal.yaml",
        old: "  - id: severe_withdrawal_risk\n    severity: critical\n",
        new: "  - id: severe_withdrawal_risk\n    severity: critical\n    actions: []\n",
        code: "missing-field",
        severity: "error",
        at: ("actions: []", 9),
        message: "`actions` of flag `severe_withdrawal_risk` names no action: leave it out to offer every flag action",
        help: None,
        exit: 1,
    });
    // On a flag that is not critical: a warning (exit 0 without --strict).
    assert_planted(&Planted {
        file: "20-withdrawal.yaml",
        old: "  - id: intoxicated_at_intake\n    severity: warning\n",
        new: "  - id: intoxicated_at_intake\n    severity: warning\n    actions: [safety_plan]\n",
        code: "flag-actions-not-critical",
        severity: "warning",
        at: ("actions: [safety_plan]", 0),
        message: "flag `intoxicated_at_intake` is warning, not critical: its `actions` are never offered, because only critical flags are acknowledged",
        help: Some("remove `actions`, or make the flag critical"),
        exit: 0,
    });
}

#[test]
fn critical_flags_without_flag_actions_are_valid() {
    let dir = copy_rules();
    let d = dir.path();
    let p = d.join("00-ruleset.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let at = text.find("\n# What an assessor may record").unwrap();
    std::fs::write(&p, format!("{}\n", &text[..at])).unwrap();
    let (code, json) = check(d, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["errors"], 0, "{json}");
    assert_eq!(v["warnings"], 0, "{json}");
    assert_eq!(code, 0);
    let out = Command::cargo_bin("placement")
        .unwrap()
        .arg("--rules")
        .arg(d)
        .args(["rules", "show", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["flag_actions"], serde_json::json!([]));
    let critical = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "critical")
        .unwrap();
    assert_eq!(critical["actions"], serde_json::json!([]));
}

#[test]
fn an_exclusive_option_ticked_with_another_is_a_contradiction() {
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "60-relapse.yaml",
        "\n    when: released_past_30_days and (substances has opioids or lifetime_opioid_use)",
        "\n    when: released_past_30_days and substances has none and substances has_any [alcohol, opioids]",
    );
    let (line, col) = line_col(d, "60-relapse.yaml", "- id: tolerance_lost", 6);
    let code = assert_reported(
        d,
        &Expect {
            code: "unsatisfiable-condition",
            severity: "warning",
            file: "60-relapse.yaml",
            line,
            col,
            evidence: "flag `tolerance_lost` can never hold",
        },
    );
    assert_eq!(code, 0);
    // Without the exclusive option it can hold.
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "60-relapse.yaml",
        "\n    when: released_past_30_days and (substances has opioids or lifetime_opioid_use)",
        "\n    when: released_past_30_days and substances has tobacco and substances has_any [alcohol, opioids]",
    );
    let (_, json) = check(d, "json");
    assert!(!json.contains("unsatisfiable-condition"), "{json}");
}

/// The analyses' cost stays bounded (issue 13): ten instruments over 24
/// questions answered 0 to 4096 have their totals listed; 200 escalations
/// that read every dimension's rating and answers exceed the work budget
/// and are reported as not proved, never as proved. Timings are in
/// docs/performance.md (a benchmark, not a timed test).
#[test]
fn wide_instruments_are_listed_and_costly_escalations_are_not_proved() {
    let (code, json) = check(&root().join("tests/fixtures/cost"), "json");
    assert_eq!(code, 0, "{json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let band = v["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "band reachability")
        .unwrap();
    assert_eq!(band["status"], "proved");
    assert_eq!(
        band["detail"],
        "achievable totals listed for 10 of 10 instruments"
    );

    let dir = copy_rules();
    let d = dir.path();
    let dims = [
        "withdrawal",
        "biomedical",
        "emotional",
        "readiness",
        "relapse",
        "environment",
    ];
    let mut extra = String::new();
    for k in 0..200 {
        let parts: Vec<String> = (0..30)
            .map(|j| {
                format!(
                    "({}.rating >= {} and phq9_1 > {})",
                    dims[(k + j) % 6],
                    1 + (k * 7 + j) % 4,
                    (k + j) % 3
                )
            })
            .collect();
        extra.push_str(&format!(
            "    - id: extra_{k}\n      when: {}\n      level: php\n      why: Extra {k}.\n",
            parts.join(" or ")
        ));
    }
    plant(
        d,
        "00-ruleset.yaml",
        "\n  supports:\n",
        &format!("\n{extra}\n  supports:\n"),
    );
    let (code, json) = check(d, "json");
    assert_eq!(code, 0, "warnings alone exit 0: {json}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let mono = analysis(&json, "monotonicity");
    assert_eq!(mono["status"], "proved", "from structure: {mono}");
    // Every level is found before the budget runs out; whether each of the
    // 200 escalations ever changes the level is not worked out.
    let levels = analysis(&json, "level reachability");
    assert_eq!(levels["status"], "proved", "{levels}");
    let a = analysis(&json, "escalation reachability");
    assert_eq!(a["status"], "not proved", "{a}");
    assert!(
        a["detail"]
            .as_str()
            .unwrap()
            .starts_with("work budget exceeded ("),
        "{a}"
    );
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["analysis-budget"]);
}

/// The small rule set of `docs/ci.md` ("How the analyses work"): two
/// dimensions rated 0..2, three levels, a `home` row that goes down, and
/// an escalation that reads only an answer.
const HOME_ROW: &str = "name: example
version: \"1\"
max_rating: 2
levels:
  - {id: inpatient, name: Inpatient}
  - {id: iop, name: IOP}
  - {id: outpatient, name: Outpatient}
sections:
  - id: s
    title: S
    questions:
      - {id: drinks, text: Drinks a day, type: integer, min: 0, max: 30}
      - id: housing
        text: Housing
        type: single_choice
        options:
          - {id: stable, label: Stable}
          - {id: couch_surfing, label: Couch}
          - {id: unsheltered, label: Unsheltered}
      - {id: shaky, text: Shaky, type: yes_no}
dimensions:
  - id: use
    name: Use
    rules:
      - {rating: 1, when: drinks >= 3, why: Some.}
      - {rating: 2, when: drinks >= 8, why: Many.}
  - id: home
    name: Home
    rules:
      - {rating: 1, when: housing == couch_surfing, why: Couch.}
      - {rating: 2, when: housing == unsheltered, why: Street.}
placement:
  minimums:
    use:  [outpatient, iop, inpatient]
    home: [outpatient, iop, outpatient]
  escalations:
    - id: shaking
      when: shaky
      level: inpatient
      why: Shaky.
";

fn analysis(json: &str, name: &str) -> Value {
    let v: Value = serde_json::from_str(json).unwrap();
    v["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no `{name}` in {json}"))
        .clone()
}

#[test]
fn an_escalation_that_reads_only_an_answer_hides_no_violation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yaml"), HOME_ROW).unwrap();
    let code = assert_reported(
        dir.path(),
        &Expect {
            code: "non-monotone",
            severity: "error",
            file: "rules.yaml",
            line: 35,
            col: 29,
            evidence: "ratings [use=0, home=1] give `iop`; raising `home` to 2, ratings [use=0, home=2] give `outpatient` (answers: not `shaky`)",
        },
    );
    assert_eq!(code, 1);
    let (_, json) = check(dir.path(), "json");
    assert_eq!(analysis(&json, "monotonicity")["status"], "failed");
    let v: Value = serde_json::from_str(&json).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "non-monotone")
        .unwrap();
    assert_eq!(
        f["counterexample"]["data"],
        serde_json::json!({
            "dimension": "home",
            "lower": {"ratings": {"use": 0, "home": 1}, "level": "iop"},
            "higher": {"ratings": {"use": 0, "home": 2}, "level": "outpatient"},
            "answers": [{"condition": "shaky", "holds": false}],
        })
    );
    // An escalation that covers the step makes it monotone: proved.
    std::fs::write(
        dir.path().join("rules.yaml"),
        HOME_ROW.replace(
            "      when: shaky\n      level: inpatient",
            "      when: home.rating >= 1\n      level: iop",
        ),
    )
    .unwrap();
    let (code, json) = check(dir.path(), "json");
    assert_eq!(code, 0, "{json}");
    let mono = analysis(&json, "monotonicity");
    assert_eq!(mono["status"], "proved", "{mono}");
    assert_eq!(
        mono["detail"],
        "3^2 rating vectors: 1 step that structure did not settle searched, whatever the answers"
    );
}

#[test]
fn a_more_severe_answer_rated_lower_is_reported_with_its_answers() {
    // `temporary` (couch-surfing) rated 3 by a rule that no longer covers
    // `homeless`, which is left at 2.
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "70-environment.yaml",
        "        when: housing >= homeless\n",
        "        when: housing == temporary\n",
    );
    let (line, col) = line_col(d, "70-environment.yaml", "- id: environment_homeless", 2);
    let code = assert_reported(
        d,
        &Expect {
            code: "answer-non-monotone",
            severity: "error",
            file: "70-environment.yaml",
            line,
            col,
            evidence: "`housing` = temporary gives `sober_living`; `housing` = homeless gives `outpatient` (with ",
        },
    );
    assert_eq!(code, 1);
    let (_, json) = check(d, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "answer-non-monotone")
        .unwrap();
    assert_eq!(
        f["message"],
        "not monotone in `housing`: the more severe answer `homeless` gives `outpatient`, less care than `temporary` (`sober_living`): rule `environment_homeless` of `environment` (rating 3) holds for `temporary` but not for `homeless`"
    );
    let data = &f["counterexample"]["data"];
    assert_eq!(data["question"], "housing");
    assert_eq!(
        data["lower"],
        serde_json::json!({"answer": "temporary", "level": "sober_living"})
    );
    assert_eq!(
        data["higher"],
        serde_json::json!({"answer": "homeless", "level": "outpatient"})
    );
    // The other answers that matter are given, and with them the scorer
    // itself gives the two levels.
    let mut answers = serde_json::Map::new();
    for (k, v) in data["answers"].as_object().unwrap() {
        let s = v.as_str().unwrap();
        let value = if let Ok(n) = s.parse::<i64>() {
            serde_json::json!(n)
        } else if s == "yes" || s == "no" {
            serde_json::json!(s == "yes")
        } else if let Some(list) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            serde_json::json!(list.split(", ").collect::<Vec<_>>())
        } else {
            serde_json::json!(s)
        };
        answers.insert(k.clone(), value);
    }
    for (housing, level) in [("temporary", "sober_living"), ("homeless", "outpatient")] {
        let mut a = answers.clone();
        a.insert("housing".into(), serde_json::json!(housing));
        let intake = serde_json::json!({"intake": 1, "id": "x", "answers": a});
        let out = Command::cargo_bin("placement")
            .unwrap()
            .args(["score", "--format", "jsonl", "--rules"])
            .arg(d)
            .arg("-")
            .write_stdin(format!("{intake}\n"))
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["level"], level, "{housing}: {r}");
    }
    assert_eq!(analysis(&json, "answer monotonicity")["status"], "failed");
}

/// A rule set of `dims` dimensions rated 0..4, one escalation reading two
/// of them, and every minimums row in order unless `bad` names a
/// dimension whose row goes down from rating 2 to 3.
fn wide(dims: usize, bad: Option<usize>) -> String {
    let mut y = String::from(
        "name: wide\nversion: \"1\"\nmax_rating: 4\nlevels:\n  - {id: high, name: High}\n  - {id: mid, name: Mid}\n  - {id: low, name: Low}\nsections:\n  - id: s\n    title: S\n    questions:\n      - {id: score, text: Score, type: integer, min: 0, max: 40}\n      - {id: shaky, text: Shaky, type: yes_no}\ndimensions:\n",
    );
    for i in 0..dims {
        y.push_str(&format!("  - id: d{i}\n    name: D{i}\n    rules:\n"));
        for r in 1..=4 {
            y.push_str(&format!(
                "      - {{rating: {r}, when: score >= {}, why: W.}}\n",
                i + r * 4
            ));
        }
    }
    y.push_str("placement:\n  minimums:\n");
    for i in 0..dims {
        let row = if Some(i) == bad {
            "[low, low, mid, low, high]"
        } else {
            "[low, low, mid, mid, high]"
        };
        y.push_str(&format!("    d{i}: {row}\n"));
    }
    y.push_str("  escalations:\n    - id: both\n      when: d0.rating >= 3 and d1.rating >= 2 and shaky\n      level: high\n      why: W.\n");
    y
}

#[test]
fn a_non_monotone_cell_in_nine_dimensions_is_found() {
    // 5^9 = 1,953,125 rating vectors: more than were ever enumerated.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yaml"), wide(9, Some(7))).unwrap();
    let text = wide(9, Some(7));
    let line = text.lines().position(|l| l.starts_with("    d7:")).unwrap() + 1;
    let code = assert_reported(
        dir.path(),
        &Expect {
            code: "non-monotone",
            severity: "error",
            file: "rules.yaml",
            line,
            col: 25,
            evidence: "ratings [d0=0, d1=0, d2=0, d3=0, d4=0, d5=0, d6=0, d7=2, d8=0] give `mid`; raising `d7` to 3, ratings [d0=0, d1=0, d2=0, d3=0, d4=0, d5=0, d6=0, d7=3, d8=0] give `low`",
        },
    );
    assert_eq!(code, 1);
    // The escalation cannot hold there, so no answers are named.
    let (_, human) = check(dir.path(), "human");
    assert!(human.contains("d8=0] give `low`\n"), "{human}");
    // In order, the same set is proved without visiting the vectors.
    std::fs::write(dir.path().join("rules.yaml"), wide(9, None)).unwrap();
    let (code, json) = check(dir.path(), "json");
    assert_eq!(code, 0, "{json}");
    for name in [
        "totality",
        "monotonicity",
        "level reachability",
        "escalation reachability",
    ] {
        assert_eq!(analysis(&json, name)["status"], "proved", "{name}");
    }
    assert_eq!(
        analysis(&json, "monotonicity")["detail"],
        "5^9 rating vectors, from structure: every minimums row is non-decreasing, and every escalation keeps holding when a rating it reads rises, whatever the answers"
    );
}

#[test]
fn ten_dimensions_are_proved_or_refuted() {
    // The benchmark fixture (`cargo bench --bench analyses`): 5^10 rating
    // vectors, escalations over eight of the ten dimensions and answers.
    let wide = root().join("tests/fixtures/wide");
    let (code, json) = check(&wide, "json");
    assert_eq!(code, 0, "{json}");
    for name in [
        "totality",
        "monotonicity",
        "level reachability",
        "escalation reachability",
        "answer monotonicity",
    ] {
        assert_eq!(analysis(&json, name)["status"], "proved", "{name}: {json}");
    }
    assert_eq!(
        analysis(&json, "level reachability")["detail"],
        "9765625 rating vectors whose every rating can be given"
    );
    // One row that goes down, in a dimension no escalation reads.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(wide.join("10-dimensions.yaml")).unwrap();
    let old = "    work: [outpatient, outpatient, outpatient, iop, iop]";
    assert!(text.contains(old));
    std::fs::write(
        dir.path().join("rules.yaml"),
        text.replace(
            old,
            "    work: [outpatient, outpatient, iop, outpatient, iop]",
        ),
    )
    .unwrap();
    let line = text.lines().position(|l| l == old).unwrap() + 1;
    let code = assert_reported(
        dir.path(),
        &Expect {
            code: "non-monotone",
            severity: "error",
            file: "rules.yaml",
            line,
            col: 41,
            evidence: "ratings [withdrawal=0, medical=0, mood=0, thinking=0, readiness=0, use=0, relapse=0, home=0, work=2, legal=0] give `iop`; raising `work` to 3, ratings [withdrawal=0, medical=0, mood=0, thinking=0, readiness=0, use=0, relapse=0, home=0, work=3, legal=0] give `outpatient`",
        },
    );
    assert_eq!(code, 1);
}

#[test]
fn an_order_that_is_not_one_of_the_three_is_an_error() {
    assert_planted(&Planted {
        file: "70-environment.yaml",
        old: "      - id: housing\n        text: Which best describes where the client is living now?\n        type: single_choice\n",
        new: "      - id: housing\n        text: Which best describes where the client is living now?\n        type: single_choice\n        order: worst_last\n",
        code: "invalid-order",
        severity: "error",
        at: ("worst_last", 0),
        message: "`order` of `housing` is `worst_last`; it is `ascending`, `descending` or `none`",
        help: Some("`ascending`: the options as listed, no before yes, numbers upwards, each more severe than the last; `descending`: the reverse; `none`: no order of severity"),
        exit: 1,
    });
}

#[test]
fn a_protective_answer_marked_ascending_is_a_counterexample() {
    // Without `order: descending`, "yes" to current MOUD is taken as the
    // more severe answer, and it gives less care.
    let dir = copy_rules();
    let d = dir.path();
    plant(
        d,
        "20-withdrawal.yaml",
        "        order: descending  # receiving medication is the less severe answer\n",
        "",
    );
    let (line, col) = line_col(
        d,
        "30-biomedical.yaml",
        "- id: biomedical_pregnancy_opioids_no_moud",
        2,
    );
    let code = assert_reported(
        d,
        &Expect {
            code: "answer-non-monotone",
            severity: "error",
            file: "30-biomedical.yaml",
            line,
            col,
            evidence:
                "`moud_current` = no gives `inpatient`; `moud_current` = yes gives `iop` (with ",
        },
    );
    assert_eq!(code, 1);
    let (_, json) = check(d, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "answer-non-monotone")
        .unwrap();
    assert_eq!(f["message"], "not monotone in `moud_current`: the more severe answer `yes` gives `iop`, less care than `no` (`inpatient`): rule `biomedical_pregnancy_opioids_no_moud` of `biomedical` (rating 3) holds for `no` but not for `yes`");
    assert_eq!(f["help"], "a more severe answer must never give less care: rate `yes` at least as high as `no`, or give `moud_current` `order: none` if its answers have no order of severity (`descending` if a higher answer is less severe)");
    // The answers that matter make the rule hold: pregnant, daily opioid
    // use, opioids among the substances used in the past 30 days.
    let answers = &f["counterexample"]["data"]["answers"];
    assert_eq!(answers["pregnancy_status"], "pregnant", "{answers}");
    assert_eq!(answers["daily_opioid_use"], "yes", "{answers}");
    assert_eq!(answers["substances_30d"], "[opioids]", "{answers}");
}

#[test]
fn an_answer_order_structure_cannot_settle_is_not_proved() {
    // `stopped_recently` after `without_prescription`: a rule rates the
    // two before it and not it, and no intake shows less care.
    assert_planted(&Planted {
        file: "20-withdrawal.yaml",
        old: "        order: none        # stopping recently is a different risk, not more use\n",
        new: "",
        code: "not-proved",
        severity: "warning",
        at: ("- id: daily_sedative_use", 6),
        message: "answer monotonicity of `daily_sedative_use` is not proved: rule `biomedical_pregnancy_sedatives` of `biomedical` (`pregnancy_status >= pregnant and daily_sedative_use in [above_prescribed_dose, without_prescription]`) may stop holding for a more severe answer, and no counterexample was found",
        help: Some("give the question `order: none` if its answers have no order of severity, or `order: descending` if a higher answer is less severe; otherwise compare it so that a more severe answer keeps each rule (`>=`, or a list of every answer from some point up)"),
        exit: 0,
    });
}

#[test]
fn answer_searches_have_a_budget() {
    // 400 questions, each read by a rule with `==` that structure cannot
    // settle and whose effect needs three more answers at their top: each
    // is searched for a counterexample until the budget is used up.
    let mut y = String::from("name: many\nversion: \"1\"\nmax_rating: 1\nlevels:\n  - {id: high, name: High}\n  - {id: low, name: Low}\nsections:\n  - id: s\n    title: S\n    questions:\n");
    for i in 0..400 {
        y.push_str(&format!(
            "      - {{id: q{i}, text: Q{i}, type: integer, min: 0, max: 3}}\n"
        ));
    }
    for a in 0..3 {
        y.push_str(&format!(
            "      - {{id: a{a}, text: A{a}, type: integer, min: 0, max: 9}}\n"
        ));
    }
    y.push_str("dimensions:\n  - id: d\n    name: D\n    rules:\n");
    for i in 0..400 {
        y.push_str(&format!(
            "      - {{rating: 1, when: q{i} == 2, why: W.}}\n"
        ));
    }
    y.push_str("placement:\n  minimums:\n    d: [low, low]\n  escalations:\n    - id: e\n      when: d.rating >= 1 and a0 == 9 and a1 == 9 and a2 == 9\n      level: high\n      why: W.\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("many.yaml"), y).unwrap();
    let (code, json) = check(dir.path(), "json");
    assert_eq!(code, 0, "warnings only");
    let v: Value = serde_json::from_str(&json).unwrap();
    let budget: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "analysis-budget")
        .collect();
    assert_eq!(budget.len(), 1, "{json}");
    let msg = budget[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the answer-monotonicity search used up its budget of 24813 scorings: ")
            && msg.ends_with(" questions are not proved"),
        "{msg}"
    );
    let a = analysis(&json, "answer monotonicity");
    assert_eq!(a["status"], "not proved", "{a}");
    assert!(a["detail"].as_str().unwrap().starts_with("403 questions with an order of severity: 3 proved, 0 with a counterexample, 400 not proved"), "{a}");
}

/// Three levels and a small questionnaire, for the reachability cases.
const TOTALS_HEAD: &str = "name: t\nversion: \"1\"\nmax_rating: 2\nlevels:\n  - {id: hi, name: Hi}\n  - {id: mid, name: Mid}\n  - {id: lo, name: Lo}\n";

#[test]
fn reachability_through_a_total_and_its_own_item_is_not_proved() {
    // `ins.total >= 1` means `a`, so `e1` can never hold and `hi` is never
    // given; the solver does not relate a total to its items, so it cannot
    // tell, and no intake shows either.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("er.yaml"),
        format!(
            "{TOTALS_HEAD}sections:\n  - id: s\n    title: S\n    questions:\n      - {{id: a, text: A, type: yes_no}}\n      - {{id: k, text: K, type: integer, min: 0, max: 2}}\ninstruments:\n  - id: ins\n    name: I\n    items: [a]\n    values:\n      a: {{false: 0, true: 1}}\n    bands:\n      - {{id: l, min: 0, max: 0}}\n      - {{id: h, min: 1, max: 1}}\ndimensions:\n  - id: d1\n    name: D1\n    rules:\n      - {{rating: 1, when: k >= 1, why: w}}\n      - {{rating: 2, when: k >= 2, why: w}}\nplacement:\n  minimums:\n    d1: [lo, mid, mid]\n  escalations:\n    - {{id: e1, when: \"ins.total >= 1 and not a\", level: hi, why: w}}\n"
        ),
    )
    .unwrap();
    let (code, json) = check(dir.path(), "json");
    assert_eq!(code, 0, "{json}");
    let levels = analysis(&json, "level reachability");
    assert_eq!(levels["status"], "not proved", "{levels}");
    assert_eq!(levels["detail"], "3 rating vectors whose every rating can be given; levels possible as far as the solver can tell, but not shown by an exact condition or by 2000 synthetic intakes: `hi`");
    let esc = analysis(&json, "escalation reachability");
    assert_eq!(esc["status"], "not proved", "{esc}");
    assert_eq!(esc["detail"], "1 escalation, whatever the answers; escalations that change the level possible as far as the solver can tell, but not shown by an exact condition or by 2000 synthetic intakes: `e1`");
}

#[test]
fn a_band_that_skip_logic_rules_out_is_not_proved() {
    // A total of 2 needs `a` and `c`, but `c` is asked only without `a`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("br.yaml"),
        format!(
            "{TOTALS_HEAD}sections:\n  - id: s\n    title: S\n    questions:\n      - {{id: a, text: A, type: yes_no}}\n      - {{id: c, text: C, type: yes_no, ask_when: not a}}\ninstruments:\n  - id: ins2\n    name: I2\n    items: [a, c]\n    values:\n      default: {{false: 0, true: 1}}\n    bands:\n      - {{id: l, min: 0, max: 0}}\n      - {{id: m, min: 1, max: 1}}\n      - {{id: h, min: 2, max: 2}}\ndimensions:\n  - id: d1\n    name: D1\n    rules:\n      - {{rating: 2, when: ins2.band >= h, why: w}}\n      - {{rating: 1, when: ins2.band >= m, why: w}}\nplacement:\n  minimums:\n    d1: [lo, mid, hi]\n"
        ),
    )
    .unwrap();
    let (code, json) = check(dir.path(), "json");
    assert_eq!(code, 0, "{json}");
    let bands = analysis(&json, "band reachability");
    assert_eq!(bands["status"], "not proved");
    assert_eq!(bands["detail"], "achievable totals listed for 1 of 1 instruments; bands possible as far as the solver can tell, but not shown by an exact condition or by 2000 synthetic intakes: `h` of `ins2`");
    let ratings = analysis(&json, "rating reachability");
    assert_eq!(ratings["status"], "not proved");
    assert_eq!(ratings["detail"], "2 rating rules checked; ratings possible as far as the solver can tell, but not shown by an exact condition or by 2000 synthetic intakes: `d1` 2");
    assert_eq!(
        analysis(&json, "level reachability")["status"],
        "not proved"
    );
}
