//! `placement rules questionnaire`: the rule set as a FHIR R4
//! Questionnaire. The small rule set of `tests/fixtures/fhir/` gives
//! exactly `tests/fixtures/fhir/questionnaire.json`; the default rule set's
//! skip logic refers only to items that exist, with answers of their type;
//! and `tests/fhir/validate.py` validates both with the `fhir.resources`
//! models.
//!
//! After changing the export on purpose, regenerate the expected file with
//! `PLACEMENT_UPDATE_FHIR=1 cargo test --test fhir_questionnaire`.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const FIXTURE: &str = "tests/fixtures/fhir/rules.yaml";
const EXPECTED: &str = "tests/fixtures/fhir/questionnaire.json";

/// (exit code, stdout, stderr) of `placement ARGS`, run in the repository.
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .current_dir(root())
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn questionnaire(args: &[&str]) -> String {
    let mut all = vec!["rules", "questionnaire"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(&all);
    assert_eq!((code, stderr.as_str()), (Some(0), ""), "{args:?}");
    stdout
}

#[test]
fn the_small_rule_set_gives_exactly_the_expected_questionnaire() {
    let got = questionnaire(&[FIXTURE]);
    let path = root().join(EXPECTED);
    if std::env::var_os("PLACEMENT_UPDATE_FHIR").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        got == want,
        "{EXPECTED} differs from the output; if the change is meant, run \
         `PLACEMENT_UPDATE_FHIR=1 cargo test --test fhir_questionnaire`\n{got}"
    );
    // `--rules` and `--format json` name the same thing.
    assert_eq!(
        questionnaire(&["--format", "json", "--rules", FIXTURE][..]),
        got
    );
}

#[test]
fn the_output_is_byte_identical_across_runs() {
    let first = questionnaire(&[]);
    for _ in 0..3 {
        assert!(questionnaire(&[]) == first);
    }
}

#[test]
fn an_invalid_rule_set_is_refused_with_exit_2_and_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(root().join(FIXTURE))
        .unwrap()
        .replace(
            "system: \"https://example.org/cs/questions\", code: \"H-1\"",
            "system: \"questions\", code: \"H-1\"",
        );
    std::fs::write(&bad, text).unwrap();
    let (code, stdout, stderr) = run(&["rules", "questionnaire", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("error[invalid-uri]: the `system` of a code of question `housing` is not an absolute URI"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: the rule set is invalid (1 error(s)); nothing was done. Run `placement rules check` for details\n"),
        "{stderr}"
    );
}

/// Every item, depth first.
fn items(v: &Value, out: &mut Vec<Value>) {
    for it in v["item"].as_array().into_iter().flatten() {
        out.push(it.clone());
        items(it, out);
    }
}

#[test]
fn every_enable_when_of_the_default_rules_names_an_earlier_item_with_an_answer_of_its_type() {
    let q: Value = serde_json::from_str(&questionnaire(&[])).unwrap();
    let mut all = Vec::new();
    items(&q, &mut all);
    let mut by_link: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    for (i, it) in all.iter().enumerate() {
        let link = it["linkId"].as_str().unwrap().to_string();
        assert!(
            by_link.insert(link.clone(), (i, it.clone())).is_none(),
            "{link} twice"
        );
    }
    let rs = placement::rules::load_default().unwrap().rules;
    let mut with_skip = 0;
    for qn in rs.questions.iter().filter(|q| !q.retired) {
        let (_, item) = by_link
            .get(&qn.id)
            .unwrap_or_else(|| panic!("question {} is not in the questionnaire", qn.id));
        let expression = item["extension"].as_array().into_iter().flatten().any(|e| {
            e["url"]
                .as_str()
                .unwrap()
                .ends_with("sdc-questionnaire-enableWhenExpression")
        });
        let enable_when = item["enableWhen"].as_array().cloned().unwrap_or_default();
        // Skip logic is carried one way or the other, never both, never lost.
        assert_eq!(
            qn.ask_when.is_some(),
            expression || !enable_when.is_empty(),
            "{}",
            qn.id
        );
        assert!(!(expression && !enable_when.is_empty()), "{}", qn.id);
        if enable_when.len() > 1 {
            assert!(
                matches!(item["enableBehavior"].as_str(), Some("all" | "any")),
                "{}",
                qn.id
            );
        }
        with_skip += usize::from(!enable_when.is_empty());
        let own = by_link[&qn.id].0;
        for ew in &enable_when {
            let target = ew["question"].as_str().unwrap();
            let (at, t) = by_link
                .get(target)
                .unwrap_or_else(|| panic!("{}: no item {target}", qn.id));
            assert!(*at < own, "{}: {target} comes later", qn.id);
            let answers: Vec<&String> = ew
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| k.starts_with("answer"))
                .collect();
            assert_eq!(answers.len(), 1, "{}: {ew}", qn.id);
            let op = ew["operator"].as_str().unwrap();
            let fits = match (op, t["type"].as_str().unwrap()) {
                ("exists", _) => "answerBoolean",
                (_, "boolean") => "answerBoolean",
                (_, "integer") => "answerInteger",
                (_, "decimal") => "answerDecimal",
                (_, "choice") => "answerCoding",
                (_, other) => panic!("{}: enableWhen on a {other} item", qn.id),
            };
            assert_eq!(answers[0], fits, "{}: {ew}", qn.id);
            if fits == "answerCoding" && op != "exists" {
                assert!(
                    t["answerOption"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|o| o["valueCoding"] == ew["answerCoding"]),
                    "{}: {} is not an answer of {target}",
                    qn.id,
                    ew["answerCoding"]
                );
            }
        }
    }
    // Most skip logic of the default rules is plain enableWhen.
    assert!(with_skip >= 35, "{with_skip}");
}

#[test]
fn coded_answers_of_the_default_rules_map_back_to_one_answer() {
    let q: Value = serde_json::from_str(&questionnaire(&[])).unwrap();
    let mut all = Vec::new();
    items(&q, &mut all);
    for it in &all {
        let mut seen = std::collections::BTreeSet::new();
        for o in it["answerOption"].as_array().into_iter().flatten() {
            if let Some(c) = o.get("valueCoding") {
                let key = (c["system"].to_string(), c["code"].to_string());
                assert!(seen.insert(key), "{}: {c} twice", it["linkId"]);
            }
        }
    }
}

/// The Python that has `fhir.resources`: `PLACEMENT_FHIR_PYTHON` (set by
/// `.ci/run` to the virtual environment it makes), else `python3`.
fn python() -> String {
    std::env::var("PLACEMENT_FHIR_PYTHON").unwrap_or_else(|_| {
        let venv = root().join("target/fhir-venv/bin/python");
        if venv.exists() {
            venv.to_string_lossy().into_owned()
        } else {
            "python3".into()
        }
    })
}

#[test]
fn the_questionnaires_validate_with_fhir_resources() {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default.json");
    std::fs::write(&default, questionnaire(&[])).unwrap();
    let out = std::process::Command::new(python())
        .arg(root().join("tests/fhir/validate.py"))
        .arg(root().join(EXPECTED))
        .arg(&default)
        .output();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            assert!(!ci, "CI=true but {} could not run: {e}", python());
            eprintln!("SKIPPED the_questionnaires_validate_with_fhir_resources: {} could not run ({e}); `.ci/run` installs what it needs", python());
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        assert!(!ci, "CI=true but fhir.resources is missing: {stderr}");
        eprintln!(
            "SKIPPED the_questionnaires_validate_with_fhir_resources: {stderr}install it with \
             `pip install -r tests/fhir/requirements.txt` or run `.ci/run`"
        );
        return;
    }
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    // The version pinned in tests/fhir/requirements.txt.
    let pinned = std::fs::read_to_string(root().join("tests/fhir/requirements.txt")).unwrap();
    let version = pinned
        .lines()
        .find_map(|l| l.strip_prefix("fhir.resources=="))
        .unwrap();
    assert_eq!(
        stdout,
        format!(
            "{}: valid Questionnaire (fhir.resources {version}, R4B)\n{}: valid Questionnaire (fhir.resources {version}, R4B)\n",
            root().join(EXPECTED).display(),
            default.display()
        )
    );
}
