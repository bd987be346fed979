//! The clinical cases in `examples/cases/`: fictional intakes, each with the
//! level and flags a clinician applying `../shared/domain.md` (version 2)
//! expects, scored with the default rules embedded in the binary.
//!
//! Every case file starts with a comment describing the person and ends
//! that comment with one line
//!
//! ```text
//! # Expected: LEVEL; critical flags: a, b; warnings: c
//! ```
//!
//! (`none` for an empty list). The expectation is the clinician's, written
//! from domain.md, never copied from the tool's output: when the two differ
//! this test fails and names the case, and the rules are what to look at.
//! Info-level flags (transport, childcare, pregnancy test) are not part of
//! the expectation.

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const CASES: &str = "examples/cases";
const MIN_CASES: usize = 24;
const LEVELS: [&str; 5] = ["inpatient", "php", "iop", "sober_living", "outpatient"];

/// What a case file says a clinician expects.
#[derive(Debug)]
struct Expected {
    level: String,
    critical: BTreeSet<String>,
    warnings: BTreeSet<String>,
    /// The file's `declined` list: the questions asked and not answered.
    declined: BTreeSet<String>,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The case files, by file name, sorted.
fn case_files() -> Vec<(String, PathBuf)> {
    let dir = manifest_dir().join(CASES);
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml") | Some("yml")
            )
        })
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, p)
        })
        .collect();
    files.sort();
    files
}

/// A comma-separated list of ids, or `none`.
fn id_list(name: &str, what: &str, text: &str) -> BTreeSet<String> {
    let text = text.trim().trim_end_matches('.');
    if text == "none" {
        return BTreeSet::new();
    }
    text.split(',')
        .map(|s| {
            let id = s.trim();
            assert!(
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}: `{what}` in its `# Expected:` line lists {id:?}, not a flag id"
            );
            id.to_string()
        })
        .collect()
}

/// Reads the `# Expected:` line of the file's leading comment, and its
/// `declined` list.
fn expected(name: &str, path: &Path) -> Expected {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{name}: cannot read the case file: {e}"));
    let comment: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        comment.len() >= 2,
        "{name}: the file must start with a comment describing the case, ending with an `# Expected:` line"
    );
    let line = comment.last().expect("a comment line");
    let rest = line
        .strip_prefix("# Expected:")
        .unwrap_or_else(|| {
            panic!("{name}: the leading comment must end with `# Expected: LEVEL; critical flags: ...; warnings: ...`, not {line:?}")
        })
        .trim();
    let parts: Vec<&str> = rest.split(';').map(str::trim).collect();
    assert!(
        parts.len() == 3,
        "{name}: `# Expected:` needs three parts separated by `;` (level, critical flags, warnings): {line:?}"
    );
    let level = parts[0].to_string();
    assert!(
        LEVELS.contains(&level.as_str()),
        "{name}: expected level {level:?} is not one of {LEVELS:?}"
    );
    let critical = parts[1].strip_prefix("critical flags:").unwrap_or_else(|| {
        panic!("{name}: the second part of `# Expected:` starts with `critical flags:`: {line:?}")
    });
    let warnings = parts[2].strip_prefix("warnings:").unwrap_or_else(|| {
        panic!("{name}: the third part of `# Expected:` starts with `warnings:`: {line:?}")
    });
    let declined = text
        .lines()
        .find_map(|l| l.strip_prefix("declined:"))
        .map(|l| {
            l.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Expected {
        level,
        critical: id_list(name, "critical flags", critical),
        warnings: id_list(name, "warnings", warnings),
        declined,
    }
}

/// `placement score examples/cases --format json` with the embedded default
/// rules: one record per file name.
fn score_cases() -> BTreeMap<String, Value> {
    let out = Command::cargo_bin("placement")
        .expect("the placement binary")
        .args(["score", CASES, "--format", "json"])
        .current_dir(manifest_dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("placement score runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "placement score {CASES} could not run (exit {:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "placement score did not print a JSON array: {e}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut by_name = BTreeMap::new();
    for r in records.as_array().expect("a JSON array of records") {
        let source = r["source"].as_str().expect("every record has a source");
        let name = Path::new(source)
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        assert!(
            by_name.insert(name.clone(), r.clone()).is_none(),
            "two records for {name}"
        );
    }
    by_name
}

fn flag_ids(record: &Value, severity: &str) -> BTreeSet<String> {
    record["flags"]
        .as_array()
        .expect("a scored record has flags")
        .iter()
        .filter(|f| f["severity"] == severity)
        .map(|f| f["id"].as_str().expect("flag id").to_string())
        .collect()
}

fn show(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".to_string()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// What differs between two sets, as "missing: ..., unexpected: ...".
fn difference(expected: &BTreeSet<String>, actual: &BTreeSet<String>) -> String {
    let missing: BTreeSet<String> = expected.difference(actual).cloned().collect();
    let extra: BTreeSet<String> = actual.difference(expected).cloned().collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("not raised: {}", show(&missing)));
    }
    if !extra.is_empty() {
        parts.push(format!("not expected: {}", show(&extra)));
    }
    parts.join("; ")
}

#[test]
fn every_case_scores_to_the_level_and_flags_its_comment_states() {
    let files = case_files();
    assert!(
        files.len() >= MIN_CASES,
        "{CASES} holds {} case files; at least {MIN_CASES} are required",
        files.len()
    );
    let expectations: Vec<(String, Expected)> = files
        .iter()
        .map(|(name, path)| (name.clone(), expected(name, path)))
        .collect();
    let records = score_cases();

    let mut failures = Vec::new();
    for (name, exp) in &expectations {
        let Some(r) = records.get(name) else {
            failures.push(format!("{CASES}/{name}: no scoring record"));
            continue;
        };
        if let Some(error) = r.get("error") {
            failures.push(format!(
                "{CASES}/{name}: could not be scored ({}): {}",
                r["code"].as_str().unwrap_or("?"),
                error.as_str().unwrap_or("?")
            ));
            continue;
        }
        let level = r["level"].as_str().unwrap_or("?");
        let critical = flag_ids(r, "critical");
        let warnings = flag_ids(r, "warning");
        let mut what = Vec::new();
        if level != exp.level {
            what.push(format!("level: expected {}, got {level}", exp.level));
        }
        if critical != exp.critical {
            what.push(format!(
                "critical flags: expected {}, got {} ({})",
                show(&exp.critical),
                show(&critical),
                difference(&exp.critical, &critical)
            ));
        }
        if warnings != exp.warnings {
            what.push(format!(
                "warnings: expected {}, got {} ({})",
                show(&exp.warnings),
                show(&warnings),
                difference(&exp.warnings, &warnings)
            ));
        }
        if !what.is_empty() {
            failures.push(format!("{CASES}/{name}:\n    {}", what.join("\n    ")));
        }
    }
    for name in records.keys() {
        if !expectations.iter().any(|(n, _)| n == name) {
            failures.push(format!(
                "{CASES}/{name}: a record for a file that is not a case"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from what the clinician expects \
         (the expectation comes from domain.md; check the rules before the case):\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_answers_each_question_it_is_asked_unless_declined() {
    let files = case_files();
    let records = score_cases();
    let mut failures = Vec::new();
    for (name, path) in &files {
        let exp = expected(name, path);
        let Some(r) = records.get(name) else {
            failures.push(format!("{CASES}/{name}: no scoring record"));
            continue;
        };
        if r.get("error").is_some() {
            // Reported by the test above.
            continue;
        }
        let missing: BTreeSet<String> = r["missing"]
            .as_array()
            .expect("a scored record lists its missing answers")
            .iter()
            .map(|m| m.as_str().expect("question id").to_string())
            .collect();
        if missing != exp.declined {
            failures.push(format!(
                "{CASES}/{name}: questions left without an answer: {}; declined in the file: {}",
                show(&missing),
                show(&exp.declined)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
