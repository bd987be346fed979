//! `placement rules schema`: the committed schemas match the generated ones,
//! and the shipped rule files, example intakes and rule tests validate.
//!
//! After changing the default rule set's questions, regenerate with
//! `PLACEMENT_UPDATE_SCHEMAS=1 cargo test --test rules_schema`.

use assert_cmd::Command;
use placement::yaml::{self, Kind, Limits, Node};
use serde_json::{Map, Value};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated(args: &[&str]) -> String {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "schema"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn committed_schemas_match_the_generated_ones() {
    let update = std::env::var_os("PLACEMENT_UPDATE_SCHEMAS").is_some();
    for (file, args) in [
        ("docs/rule-file.schema.json", &[][..]),
        ("docs/intake.schema.json", &["--intake"][..]),
        ("docs/rule-tests.schema.json", &["--tests"][..]),
    ] {
        let path = root().join(file);
        let want = generated(args);
        if update {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{file} is out of date: run `PLACEMENT_UPDATE_SCHEMAS=1 cargo test --test rules_schema` \
             (or `placement rules schema {}> {file}`)",
            args.iter().map(|a| format!("{a} ")).collect::<String>()
        );
    }
}

/// YAML as the JSON an editor's validator sees (keys as text).
fn to_json(n: &Node) -> Value {
    match &n.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Int(i) => Value::from(*i),
        Kind::Float(f) => Value::from(*f),
        Kind::Str(s) => Value::String(s.clone()),
        Kind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let key = match &k.kind {
                    Kind::Str(s) => s.clone(),
                    Kind::Bool(b) => b.to_string(),
                    Kind::Int(i) => i.to_string(),
                    _ => format!("{:?}", k.kind),
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
    }
}

fn validate_files(schema_file: &str, files: Vec<PathBuf>) {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(schema_file)).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let node = yaml::parse(&text, 0, &Limits::RULES).unwrap();
        let doc = to_json(&node);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not validate against {schema_file}: {errors:#?}",
            f.display()
        );
    }
}

fn files_in(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)))
        .collect();
    v.sort();
    v
}

#[test]
fn default_rule_files_validate() {
    validate_files(
        "docs/rule-file.schema.json",
        files_in("rules", &["yaml", "yml"]),
    );
}

#[test]
fn example_intakes_validate() {
    validate_files(
        "docs/intake.schema.json",
        files_in("examples/intakes", &["yaml", "json"]),
    );
}

#[test]
fn default_rule_tests_validate() {
    validate_files(
        "docs/rule-tests.schema.json",
        files_in("rules/tests", &["yaml"]),
    );
}

#[test]
fn schema_rejects_unknown_keys_and_wrong_answers() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/rule-file.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(!v.is_valid(&serde_json::json!({"name": "x", "levles": []})));
    assert!(!v.is_valid(&serde_json::json!({"levels": [{"id": "Bad Id", "name": "x"}]})));
    assert!(v.is_valid(&serde_json::json!({"name": "x", "version": "1"})));

    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/intake.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(v.is_valid(
        &serde_json::json!({"intake": 1, "answers": {"phq9_1": 2, "housing": "stable"}})
    ));
    assert!(!v.is_valid(&serde_json::json!({"intake": 1, "answers": {"phq9_1": 7}})));
    assert!(!v.is_valid(&serde_json::json!({"intake": 1, "answers": {"housing": "castle"}})));
    assert!(!v.is_valid(&serde_json::json!({"intake": 1, "answers": {"phq9_10": 1}})));
    assert!(!v.is_valid(&serde_json::json!({"answers": {}})));
    // An exclusive option is ticked alone.
    assert!(v.is_valid(&serde_json::json!({"intake": 1, "answers": {"substances": ["none"]}})));
    assert!(v.is_valid(
        &serde_json::json!({"intake": 1, "answers": {"substances": ["alcohol", "opioids"]}})
    ));
    assert!(!v.is_valid(
        &serde_json::json!({"intake": 1, "answers": {"substances": ["none", "alcohol"]}})
    ));
    // Acknowledged flags record one of the flag actions.
    let ack = |a: Value| serde_json::json!({"intake": 1, "answers": {}, "acknowledged_flags": [a]});
    assert!(v.is_valid(&ack(
        serde_json::json!({"id": "self_harm_thoughts", "action": "safety_plan", "note": "x"})
    )));
    assert!(!v.is_valid(&ack(
        serde_json::json!({"id": "self_harm_thoughts", "action": "safty_plan"})
    )));
}

#[test]
fn rule_file_schema_knows_the_option_and_reason_keys() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/rule-file.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let question =
        |q: Value| serde_json::json!({"sections": [{"id": "s", "title": "S", "questions": [q]}]});
    let option = serde_json::json!({"id": "none", "label": "None", "exclusive": true});
    assert!(v.is_valid(&question(
        serde_json::json!({"id": "q", "text": "Q", "type": "multi_choice", "options": [option]})
    )));
    assert!(!v.is_valid(&question(
        serde_json::json!({"id": "q", "text": "Q", "type": "single_choice", "options": [option]})
    )));
    assert!(v.is_valid(&question(
        serde_json::json!({"id": "q", "text": "Q", "type": "single_choice", "options_from": "p"})
    )));
    assert!(!v.is_valid(&question(
        serde_json::json!({"id": "q", "text": "Q", "type": "integer", "min": 0, "max": 1, "options_from": "p"})
    )));
    assert!(!v.is_valid(&question(
        serde_json::json!({"id": "q", "text": "Q", "type": "single_choice"})
    )));
    let reason = |r: Value| serde_json::json!({"override_reasons": [r]});
    assert!(v.is_valid(&reason(
        serde_json::json!({"id": "not_applicable", "label": "N/A", "no_override": true})
    )));
    assert!(!v.is_valid(&reason(
        serde_json::json!({"id": "not_applicable", "label": "N/A", "no_override": true, "note_required": true})
    )));
    assert!(v.is_valid(&reason(
        serde_json::json!({"id": "other", "label": "Other", "no_override": false, "note_required": true})
    )));
    assert!(v.is_valid(&serde_json::json!({
        "flag_actions": [{"id": "safety_plan", "label": "Safety plan", "note_required": false}],
        "flags": [{"id": "f", "severity": "critical", "when": "x", "message": "m", "actions": ["safety_plan"]}],
    })));
    assert!(!v.is_valid(&serde_json::json!({
        "flags": [{"id": "f", "severity": "critical", "when": "x", "message": "m", "actions": []}],
    })));
    assert!(!v.is_valid(&serde_json::json!({"flag_actions": [{"id": "x"}]})));
}
