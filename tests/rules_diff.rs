//! `placement rules diff`: re-scoring the example intakes under the default
//! rules and a copy with one change.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
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

fn placement(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Level of every example intake under a rule set, by `placement score`.
fn levels(rules: &str) -> BTreeMap<String, String> {
    let (_, out) = placement(&[
        "score",
        "--rules",
        rules,
        "--format",
        "json",
        "examples/intakes",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            Some((
                r["source"].as_str()?.to_string(),
                r["level"].as_str()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn moving_one_threshold_lists_exactly_the_intakes_whose_level_moves() {
    let dir = copy_rules();
    let new = dir.path().to_str().unwrap().to_string();
    // AUDIT zone IV (possible dependence) now starts at 10 instead of 20.
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_2, min: 8, max: 15,",
        "{id: zone_2, min: 8, max: 8,",
    );
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_3, min: 16, max: 19,",
        "{id: zone_3, min: 9, max: 9,",
    );
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_4, min: 20, max: 40,",
        "{id: zone_4, min: 10, max: 40,",
    );
    let before = levels("rules");
    let after = levels(&new);
    let expected: Vec<(String, String, String)> = before
        .iter()
        .filter(|(s, l)| after[*s] != **l)
        .map(|(s, l)| (s.clone(), l.clone(), after[s].clone()))
        .collect();
    assert!(
        !expected.is_empty(),
        "the moved threshold must move some example"
    );

    let (code, json) = placement(&[
        "rules",
        "diff",
        "rules",
        &new,
        "--intakes",
        "examples/intakes",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "without --exit-code");
    let v: Value = serde_json::from_str(&json).unwrap();
    let changed: Vec<(String, String, String)> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["source"].as_str().unwrap().to_string(),
                c["from"].as_str().unwrap().to_string(),
                c["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(changed, expected);
    assert_eq!(v["total"], before.len());
    assert_eq!(v["unchanged"], before.len() - expected.len());
    assert_eq!(v["uninterpretable"], Value::Array(vec![]));
    for c in v["changed"].as_array().unwrap() {
        assert_eq!(c["first_difference"]["kind"], "rating", "{c}");
        assert_eq!(c["first_difference"]["id"], "relapse", "{c}");
    }
    // The matrix counts every intake once.
    let total: u64 = v["matrix"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|row| {
            row.as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
        })
        .sum();
    assert_eq!(total, before.len() as u64);

    let (code, human) = placement(&[
        "rules",
        "diff",
        "rules",
        &new,
        "--intakes",
        "examples/intakes",
        "--exit-code",
    ]);
    assert_eq!(code, 1);
    assert!(
        human.contains(&format!("{} changed level,", expected.len())),
        "{human}"
    );
    assert!(human.contains("│ OLD \\ NEW"), "{human}");
    for (s, from, to) in &expected {
        assert!(
            human.contains(&format!(
                "  {s}: {from} -> {to} (first difference: rating of `relapse`"
            )),
            "{human}"
        );
    }
}

#[test]
fn identical_rule_sets_change_nothing() {
    let dir = copy_rules();
    let (code, out) = placement(&[
        "rules",
        "diff",
        "rules",
        dir.path().to_str().unwrap(),
        "--intakes",
        "examples/intakes",
        "--exit-code",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n0 changed level, "), "{out}");
    assert!(!out.contains("changed:\n"), "{out}");
}

#[test]
fn intakes_one_rule_set_cannot_interpret_are_reported_separately() {
    let dir = copy_rules();
    replace_once(
        &dir.path().join("70-environment.yaml"),
        "{id: stable, label:",
        "{id: stable_home, label:",
    );
    let (code, json) = placement(&[
        "rules",
        "diff",
        "rules",
        dir.path().to_str().unwrap(),
        "--intakes",
        "examples/intakes",
        "--format",
        "json",
        "--exit-code",
    ]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let failed = v["uninterpretable"].as_array().unwrap();
    assert!(!failed.is_empty());
    for f in failed {
        assert_eq!(f["old"], Value::Null);
        assert_eq!(f["new"]["code"], "unknown-option", "{f}");
        assert!(f["new"]["line"].is_u64());
        let src = f["source"].as_str().unwrap();
        assert!(!v["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["source"] == src));
    }
    assert_eq!(code, 1, "becoming uninterpretable is a change");

    let (code, _) = placement(&[
        "rules",
        "diff",
        "rules",
        "/nonexistent",
        "--intakes",
        "examples/intakes",
    ]);
    assert_eq!(code, 2);
}

/// A placement made at the level OLD recommended, with no reason: under
/// NEW, which recommends another level, its level changes; it is not an
/// override without a reason (placements are checked under OLD only).
/// `score` under NEW judges it by the stored recommendation when there is
/// one.
#[test]
fn placements_made_under_old_are_not_overrides_under_new() {
    let dir = copy_rules();
    let new = dir.path().to_str().unwrap().to_string();
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_2, min: 8, max: 15,",
        "{id: zone_2, min: 8, max: 8,",
    );
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_3, min: 16, max: 19,",
        "{id: zone_3, min: 9, max: 9,",
    );
    replace_once(
        &dir.path().join("60-relapse.yaml"),
        "{id: zone_4, min: 20, max: 40,",
        "{id: zone_4, min: 10, max: 40,",
    );
    let intakes = tempfile::tempdir().unwrap();
    let example =
        std::fs::read_to_string(root().join("examples/intakes/01-outpatient-alcohol.yaml"))
            .unwrap();
    let placed = intakes.path().join("placed.yaml");
    std::fs::write(
        &placed,
        format!("{example}placement:\n  level: outpatient\n"),
    )
    .unwrap();
    let placed = placed.to_str().unwrap().to_string();

    let (code, json) = placement(&[
        "rules",
        "diff",
        "rules",
        &new,
        "--intakes",
        &placed,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["uninterpretable"], serde_json::json!([]), "{json}");
    assert_eq!(v["changed"][0]["source"], placed.as_str(), "{json}");
    assert_eq!(v["changed"][0]["from"], "outpatient");
    assert_eq!(v["changed"][0]["to"], "iop");

    // Scored under NEW alone, with nothing stored to show what the
    // assessor saw: an override without a reason.
    let (code, out) = placement(&["score", "--rules", &new, "--format", "jsonl", &placed]);
    assert_eq!(code, 1);
    let rec: Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(rec["code"], "override-without-reason", "{rec}");

    // With the recommendation it was placed at stored: no override.
    let stored = intakes.path().join("stored.yaml");
    std::fs::write(
        &stored,
        format!("{example}recommendation: {{level: outpatient, supports: []}}\nplacement:\n  level: outpatient\n"),
    )
    .unwrap();
    let (code, out) = placement(&[
        "score",
        "--rules",
        &new,
        "--format",
        "jsonl",
        stored.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let rec: Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(rec["level"], "iop");
    assert_eq!(rec["overridden"], false);
    assert_eq!(rec["recommendation_changed"], true);
}
