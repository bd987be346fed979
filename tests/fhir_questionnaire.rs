//! `placement rules questionnaire`: the rule set as a FHIR R4
//! Questionnaire. The small rule set of `tests/fixtures/fhir/` gives
//! exactly `tests/fixtures/fhir/questionnaire.json`; the default rule set's
//! skip logic refers only to items that exist, with answers of their type;
//! and `tests/fhir/validate.py` validates both with the `fhir.resources`
//! models and evaluates the small one's skip logic (FHIRPath with
//! `fhirpathpy`) on the answers of `tests/fixtures/fhir/enable-cases.json`.
//!
//! After changing the export on purpose, regenerate the expected file with
//! `PLACEMENT_UPDATE_FHIR=1 cargo test --test fhir_questionnaire`.

mod tools;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const FIXTURE: &str = "tests/fixtures/fhir/rules.yaml";
const EXPECTED: &str = "tests/fixtures/fhir/questionnaire.json";
/// Answers to the small rule set's questionnaire and the items they enable.
const CASES: &str = "tests/fixtures/fhir/enable-cases.json";
/// The same for the default rule set.
const DEFAULT_CASES: &str = "tests/fixtures/fhir/default-enable-cases.json";

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
        assert!(!expression || enable_when.is_empty(), "{}", qn.id);
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

#[test]
fn the_questionnaires_validate_with_fhir_resources() {
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default.json");
    std::fs::write(&default, questionnaire(&[])).unwrap();
    let Some(out) = tools::fhir_validate(
        "the_questionnaires_validate_with_fhir_resources",
        [
            root().join(EXPECTED).into_os_string(),
            default.clone().into_os_string(),
            "--cases".into(),
            root().join(EXPECTED).into_os_string(),
            root().join(CASES).into_os_string(),
            "--cases".into(),
            default.clone().into_os_string(),
            root().join(DEFAULT_CASES).into_os_string(),
        ],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
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
            "{q}: skip logic as expected in 11 cases of {c} (fhirpathpy)\n\
             {d}: skip logic as expected in 11 cases of {dc} (fhirpathpy)\n\
             {q}: valid Questionnaire (fhir.resources {version}, R4B)\n\
             {d}: valid Questionnaire (fhir.resources {version}, R4B)\n",
            q = root().join(EXPECTED).display(),
            c = root().join(CASES).display(),
            dc = root().join(DEFAULT_CASES).display(),
            d = default.display()
        )
    );
}

/// (linkId, first code) of every item that has a code, depth first.
fn coded(v: &Value) -> Vec<(String, String)> {
    let mut all = Vec::new();
    items(v, &mut all);
    all.iter()
        .filter_map(|it| {
            let c = it["code"].as_array()?.first()?;
            Some((
                it["linkId"].as_str().unwrap().to_string(),
                format!(
                    "{}|{}",
                    c["system"].as_str().unwrap(),
                    c["code"].as_str().unwrap()
                ),
            ))
        })
        .collect()
}

#[test]
fn the_default_rules_carry_the_loinc_codes_of_docs_instruments() {
    let q: Value = serde_json::from_str(&questionnaire(&[])).unwrap();
    let got = coded(&q);
    let loinc = |l: &str, c: &str| (l.to_string(), format!("http://loinc.org|{c}"));
    let want = vec![
        loinc("instrument-phq9", "44249-1"),
        loinc("phq9_1", "44250-9"),
        loinc("phq9_2", "44255-8"),
        loinc("phq9_3", "44259-0"),
        loinc("phq9_4", "44254-1"),
        loinc("phq9_5", "44251-7"),
        loinc("phq9_6", "44258-2"),
        loinc("phq9_7", "44252-5"),
        loinc("phq9_8", "44253-3"),
        loinc("phq9_9", "44260-8"),
        loinc("instrument-gad7", "69737-5"),
        loinc("gad7_1", "69725-0"),
        loinc("gad7_2", "68509-9"),
        loinc("gad7_3", "69733-4"),
        loinc("gad7_4", "69734-2"),
        loinc("gad7_5", "69735-9"),
        loinc("gad7_6", "69689-8"),
        loinc("gad7_7", "69736-7"),
        loinc("instrument-audit", "72110-0"),
        loinc("audit_1", "68518-0"),
        loinc("audit_2", "68519-8"),
        loinc("audit_3", "68520-6"),
        loinc("audit_4", "97734-8"),
        loinc("audit_5", "97735-5"),
        loinc("audit_6", "97736-3"),
        loinc("audit_7", "97737-1"),
        loinc("audit_8", "97738-9"),
        loinc("audit_9", "97739-7"),
        loinc("audit_10", "97740-5"),
        loinc("instrument-dast10", "82666-9"),
    ];
    assert_eq!(got, want);
    // The answers: LOINC answer codes where docs/instruments.md lists them,
    // the rule set's own codes elsewhere.
    let mut all = Vec::new();
    items(&q, &mut all);
    let answers = |link: &str| -> Vec<String> {
        let it = all.iter().find(|i| i["linkId"] == link).unwrap();
        it["answerOption"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["valueCoding"]["code"].as_str().unwrap().to_string())
            .collect()
    };
    let frequency = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];
    for link in ["phq9_1", "phq9_9", "gad7_1", "gad7_7"] {
        assert_eq!(answers(link), frequency, "{link}");
    }
    assert_eq!(answers("gad7_2"), ["0", "1", "2", "3"]);
    assert_eq!(
        answers("audit_1"),
        [
            "LA6270-8",
            "LA18926-8",
            "LA18927-6",
            "LA18928-4",
            "LA18929-2"
        ]
    );
    assert_eq!(
        answers("audit_2"),
        [
            "LA15694-5",
            "LA15695-2",
            "LA18930-0",
            "LA18931-8",
            "LA18932-6"
        ]
    );
    assert_eq!(
        answers("audit_3"),
        [
            "LA6270-8",
            "LA18933-4",
            "LA18876-5",
            "LA18891-4",
            "LA18934-2"
        ]
    );
    assert_eq!(answers("audit_4"), ["0", "1", "2", "3", "4"]);
    assert_eq!(answers("audit_9"), ["0", "2", "4"]);
}

/// A sample intake's answers as the case file of `tests/fhir/validate.py`
/// writes them: booleans, numbers, and codings as `system|code`, taken
/// from the Questionnaire's own answer options.
fn case_answers(
    rs: &placement::rules::RuleSet,
    by_link: &BTreeMap<String, Value>,
    intake: &placement::intake::Intake,
    asked: &[placement::cond::Tri],
) -> serde_json::Map<String, Value> {
    use placement::intake::Slot;
    use placement::rules::model::QuestionKind;
    let mut out = serde_json::Map::new();
    for (qi, q) in rs.questions.iter().enumerate() {
        // A form holds answers to enabled items only.
        if q.retired || asked[qi] != placement::cond::Tri::True {
            continue;
        }
        let item = &by_link[&q.id];
        let options = item["answerOption"].as_array().cloned().unwrap_or_default();
        let coding = |o: &Value| {
            Value::String(format!(
                "{}|{}",
                o["valueCoding"]["system"].as_str().unwrap(),
                o["valueCoding"]["code"].as_str().unwrap()
            ))
        };
        let values: Vec<Value> = match (&intake.slots[qi], &q.kind) {
            (Slot::Num(v), QuestionKind::YesNo) => vec![Value::Bool(*v != 0.0)],
            (Slot::Num(v), QuestionKind::SingleChoice(_)) => vec![coding(&options[*v as usize])],
            (Slot::Num(v), QuestionKind::Integer { .. }) if item["type"] == "choice" => {
                let o = options
                    .iter()
                    .find(|o| o["extension"][0]["valueDecimal"].as_f64() == Some(*v))
                    .unwrap();
                vec![coding(o)]
            }
            (Slot::Num(v), QuestionKind::Integer { .. }) => vec![Value::from(*v as i64)],
            (Slot::Num(v), _) => vec![Value::from(*v)],
            (Slot::Multi(mask), _) => (0..options.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| coding(&options[i]))
                .collect(),
            (Slot::Text, _) => vec![Value::String("text".into())],
            _ => continue,
        };
        out.insert(q.id.clone(), Value::Array(values));
    }
    out
}

/// How many sample intakes the form is compared with the interview on.
const SAMPLES: usize = 100;

/// For sample intakes (`placement sample`), every item with skip logic
/// that the answers decide is enabled in the form, by its `enableWhen`
/// or by fhirpathpy on its FHIRPath, exactly when the interview asks it.
#[test]
fn on_sample_intakes_the_form_enables_what_the_interview_asks() {
    let rs = placement::rules::load_default().unwrap().rules;
    let text = questionnaire(&[]);
    let q: Value = serde_json::from_str(&text).unwrap();
    let mut all = Vec::new();
    items(&q, &mut all);
    let by_link: BTreeMap<String, Value> = all
        .into_iter()
        .map(|it| (it["linkId"].as_str().unwrap().to_string(), it))
        .collect();
    let mut cases = Vec::new();
    let (mut decided, mut disabled) = (0, 0);
    for n in 0..SAMPLES {
        let intake = placement::sample::intake(&rs, 19, n as u64);
        let assessment = placement::engine::score(&rs, &intake);
        let asked: Vec<_> = assessment.questions.iter().map(|s| s.applicable).collect();
        let mut enabled = serde_json::Map::new();
        for (qi, question) in rs.questions.iter().enumerate() {
            if question.ask_when.is_none() || question.retired {
                continue;
            }
            match asked[qi] {
                placement::cond::Tri::True => {
                    enabled.insert(question.id.clone(), Value::Bool(true))
                }
                placement::cond::Tri::False => {
                    disabled += 1;
                    enabled.insert(question.id.clone(), Value::Bool(false))
                }
                placement::cond::Tri::Unknown => continue,
            };
            decided += 1;
        }
        cases.push(serde_json::json!({
            "answers": case_answers(&rs, &by_link, &intake, &asked),
            "enabled": enabled,
        }));
    }
    // Both ways, many times over.
    assert!(
        decided > SAMPLES * 40 && disabled > SAMPLES * 10 && decided - disabled > SAMPLES * 5,
        "{decided} {disabled}"
    );
    let dir = tempfile::tempdir().unwrap();
    let qpath = dir.path().join("default.json");
    let cpath = dir.path().join("cases.json");
    std::fs::write(&qpath, &text).unwrap();
    std::fs::write(
        &cpath,
        serde_json::to_string(&serde_json::json!({"cases": cases})).unwrap(),
    )
    .unwrap();
    let Some(out) = tools::fhir_validate(
        "on_sample_intakes_the_form_enables_what_the_interview_asks",
        [
            std::ffi::OsString::from("--cases"),
            qpath.clone().into_os_string(),
            cpath.clone().into_os_string(),
        ],
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        (out.status.code(), stdout.as_ref()),
        (
            Some(0),
            format!(
                "{}: skip logic as expected in {SAMPLES} cases of {} (fhirpathpy)\n",
                qpath.display(),
                cpath.display()
            )
            .as_str()
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
