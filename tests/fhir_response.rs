//! Intakes as FHIR R4 QuestionnaireResponses: `placement convert` writes
//! them, and `score`, `explain` and `rules diff` read them (a file, a
//! Bundle, one per line on standard input) exactly as native intakes,
//! with errors at their line and column in the response.

mod tools;

use assert_cmd::Command;
use placement::fhir::response::{fast, Layout};
use placement::yaml::Limits;
use serde_json::Value;

const MINI: &str = "tests/fixtures/mini";
const RECORD: &str = "tests/fixtures/record/reassessed.yaml";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("placement").unwrap();
    cmd.args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_string());
    }
    let out = cmd.output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn ok(args: &[&str], stdin: Option<&str>) -> String {
    let r = run(args, stdin);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
    r.stdout
}

fn examples() -> Vec<String> {
    let mut all: Vec<String> = std::fs::read_dir("examples/intakes")
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .collect();
    all.sort();
    assert_eq!(all.len(), 11);
    all
}

/// A score record without its source, for comparing two inputs.
fn record(jsonl: &str) -> Value {
    let mut v: Value = serde_json::from_str(jsonl.trim()).unwrap();
    v.as_object_mut().unwrap().remove("source");
    v
}

#[test]
fn the_response_of_a_small_rule_set_is_exact() {
    let out = ok(&["--rules", MINI, "convert", RECORD, "--to", "fhir"], None);
    insta::assert_snapshot!("response_reassessed", out);
}

#[test]
fn every_example_goes_to_fhir_and_back_unchanged_and_scores_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for file in examples() {
        let fhir = ok(&["convert", &file, "--to", "fhir"], None);
        let response: Value = serde_json::from_str(&fhir).unwrap();
        assert_eq!(response["resourceType"], "QuestionnaireResponse");
        let path = dir.path().join("response.json");
        std::fs::write(&path, &fhir).unwrap();
        let p = path.to_str().unwrap();
        for to in ["yaml", "json"] {
            assert_eq!(
                ok(&["convert", p, "--to", to], None),
                ok(&["convert", &file, "--to", to], None),
                "{file} as {to}"
            );
        }
        assert_eq!(
            record(&ok(&["score", "--format", "jsonl", p], None)),
            record(&ok(&["score", "--format", "jsonl", &file], None)),
            "{file}"
        );
        // explain reads it too, and says the same past its first line.
        let native = ok(&["explain", &file], None);
        let read = ok(&["explain", p], None);
        assert_eq!(
            native.split_once('\n').unwrap().1,
            read.split_once('\n').unwrap().1,
            "{file}"
        );
    }
}

#[test]
fn a_thousand_sample_intakes_go_to_fhir_and_back_unchanged() {
    let sample = ok(&["sample", "--count", "1000", "--seed", "11"], None);
    let fhir = ok(&["convert", "-", "--to", "fhir"], Some(&sample));
    assert_eq!(fhir.lines().count(), 1000);
    assert!(fhir
        .lines()
        .all(|l| l.starts_with("{\"resourceType\":\"QuestionnaireResponse\"")));
    let back = ok(&["convert", "-", "--to", "json"], Some(&fhir));
    let native = ok(&["convert", "-", "--to", "json"], Some(&sample));
    assert_eq!(back, native);
    // And they score the same, line for line.
    let a = ok(&["score", "--format", "jsonl", "-"], Some(&fhir));
    let b = ok(&["score", "--format", "jsonl", "-"], Some(&sample));
    for (x, y) in a.lines().zip(b.lines()) {
        assert_eq!(record(x), record(y));
    }
    assert_eq!(a.lines().count(), 1000);
}

#[test]
fn declined_unknown_not_applicable_notes_and_sources_travel_as_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let native = dir.path().join("n.yaml");
    std::fs::write(
        &native,
        "intake: 1\nid: \"X-1\"\nstatus: in_progress\nanswers: {age: 30}\ndeclined: [housing]\nunknown: [employment]\nnot_applicable: [legal_problems]\nnotes: {age: \"from the ID card\"}\nsources: {age: records}\n",
    )
    .unwrap();
    let n = native.to_str().unwrap();
    let fhir = ok(&["convert", n, "--to", "fhir"], None);
    let mut v: Value = serde_json::from_str(&fhir).unwrap();
    assert_eq!(v["status"], "in-progress");
    assert_eq!(v["identifier"]["value"], "X-1");
    assert_eq!(
        item(&mut v, "age").clone(),
        serde_json::json!({
            "extension": [
                {"url": "urn:placement:extension:note", "valueString": "from the ID card"},
                {"url": "urn:placement:extension:source", "valueCode": "records"}
            ],
            "linkId": "age",
            "answer": [{"valueInteger": 30}]
        })
    );
    for (id, why) in [
        ("housing", "declined"),
        ("employment", "unknown"),
        ("legal_problems", "not_applicable"),
    ] {
        let it = item(&mut v, id);
        assert_eq!(
            it["extension"],
            serde_json::json!([{"url": "urn:placement:extension:no-answer", "valueCode": why}])
        );
        assert!(it.get("answer").is_none());
    }
    let path = dir.path().join("r.json");
    std::fs::write(&path, &fhir).unwrap();
    assert_eq!(
        ok(&["convert", path.to_str().unwrap(), "--to", "yaml"], None),
        ok(&["convert", n, "--to", "yaml"], None)
    );
}

/// A response of the mini rule set, changed by `edit`, written to a file.
fn edited(dir: &std::path::Path, edit: impl Fn(&mut Value)) -> String {
    let fhir = ok(&["--rules", MINI, "convert", RECORD, "--to", "fhir"], None);
    let mut v: Value = serde_json::from_str(&fhir).unwrap();
    edit(&mut v);
    let path = dir.join("edited.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn item<'v>(v: &'v mut Value, id: &str) -> &'v mut Value {
    fn find<'v>(items: &'v mut Value, id: &str) -> Option<&'v mut Value> {
        for it in items.as_array_mut()? {
            if it["linkId"] == id {
                return Some(it);
            }
            if let Some(found) = it.get_mut("item").and_then(|i| find(i, id)) {
                return Some(found);
            }
        }
        None
    }
    find(&mut v["item"], id).unwrap()
}

/// What `explain` says of a response it cannot read (on stderr, exit 1).
fn score_error(file: &str) -> String {
    let r = run(&["--rules", MINI, "explain", file], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{}", r.stderr);
    r.stderr
}

#[test]
fn a_response_to_another_questionnaire_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = edited(dir.path(), |v| {
        v["questionnaire"] = "urn:placement:mini|0.2.0".into()
    });
    let text = std::fs::read_to_string(&f).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("  \"questionnaire\": "))
        .unwrap();
    assert_eq!(
        score_error(&f),
        format!("{f}:{line}:20: error[questionnaire-mismatch]: the response answers the questionnaire `urn:placement:mini|0.2.0`, not this rule set's (urn:placement:mini|0.3.0): score it with the rule set it was made from (--rules)\n")
    );
    let f = edited(dir.path(), |v| {
        v["extension"][0]["valueString"] = "00".into()
    });
    let err = score_error(&f);
    let text = std::fs::read_to_string(&f).unwrap();
    // The extension's object starts on the line before its `url`.
    let line = text
        .lines()
        .position(|l| l.contains("\"urn:placement:extension:rules-sha256\""))
        .unwrap();
    assert!(
        err.starts_with(&format!("{f}:{line}:5: error[questionnaire-mismatch]: the response was made from a questionnaire of another edit of this rule set version (its SHA-256 differs from ")),
        "{err}"
    );
    let f = edited(dir.path(), |v| {
        v.as_object_mut().unwrap().remove("questionnaire");
    });
    assert_eq!(
        score_error(&f),
        format!("{f}:1:1: error[questionnaire-mismatch]: the response does not say which questionnaire it answers (`questionnaire`); this rule set's is urn:placement:mini|0.3.0\n")
    );
}

/// A change made to a response, for a test.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn a_wrong_answer_in_a_response_is_an_error_at_its_place_without_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| {
                item(v, "housing")["answer"][0]["valueCoding"]["code"] = "castle".into()
            }),
            "error[unknown-option]: the answer to `housing` is a coding (system and code) that is not one of its answer options in the questionnaire",
        ),
        (
            Box::new(|v| item(v, "age")["answer"] = serde_json::json!([{"valueString": "forty"}])),
            "error[intake-format]: the answer to `age` must be a valueInteger",
        ),
        (
            Box::new(|v| item(v, "age")["answer"] = serde_json::json!([{"valueInteger": 4000}])),
            "error[out-of-range]: answer to `age` is out of range: it must be from 0 to 120",
        ),
        (
            Box::new(|v| {
                item(v, "age")["answer"] =
                    serde_json::json!([{"valueInteger": 40}, {"valueInteger": 41}])
            }),
            "error[intake-format]: `age` takes one answer; the response gives 2",
        ),
        (
            Box::new(|v| v["status"] = "entered-in-error".into()),
            "error[intake-format]: a response's `status` must be `completed`, `amended` or `in-progress` to be scored (`stopped` and `entered-in-error` responses are not intakes)",
        ),
    ];
    for (edit, want) in cases {
        let f = edited(dir.path(), edit);
        let err = score_error(&f);
        let first = err.lines().next().unwrap();
        let (place, message) = first.split_once(": ").unwrap();
        assert_eq!(message, want);
        // FILE:LINE:COLUMN, the line and column of the value in the file.
        let mut parts = place.rsplitn(3, ':');
        let col: usize = parts.next().unwrap().parse().unwrap();
        let line: usize = parts.next().unwrap().parse().unwrap();
        assert_eq!(parts.next().unwrap(), f);
        let text = std::fs::read_to_string(&f).unwrap();
        let at = &text.lines().nth(line - 1).unwrap()[col - 1..];
        assert!(
            at.starts_with('"')
                || at.starts_with('{')
                || at.starts_with('[')
                || at.starts_with(char::is_numeric),
            "{first}: {at}"
        );
        assert!(!err.contains("castle") && !err.contains("forty"));
    }
}

#[test]
fn a_key_twice_in_a_response_is_refused_at_the_second() {
    // Which of two values a JSON reader keeps is not agreed: the response
    // is refused, by the full reader and by the fast way in (JSON Lines).
    let fhir = ok(&["--rules", MINI, "convert", RECORD, "--to", "fhir"], None);
    let pretty = fhir.replacen(
        "\"valueInteger\": 40",
        "\"valueInteger\": 40,\n              \"valueInteger\": 7",
        1,
    );
    assert!(pretty != fhir, "the response has an integer answer of 40");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("twice.json");
    std::fs::write(&f, &pretty).unwrap();
    let f = f.to_str().unwrap();
    let line = 1 + pretty
        .lines()
        .position(|l| l.trim() == "\"valueInteger\": 7")
        .unwrap();
    assert_eq!(
        score_error(f),
        format!("{f}:{line}:15: error[duplicate-key]: duplicate key `valueInteger` in a QuestionnaireResponse; `valueInteger` is already given at line {}, column 15\n", line - 1)
    );
    let compact = serde_json::to_string(&serde_json::from_str::<Value>(&fhir).unwrap())
        .unwrap()
        .replacen(
            "\"valueInteger\":40",
            "\"valueInteger\":40,\"valueInteger\":7",
            1,
        );
    let r = run(
        &["--rules", MINI, "score", "-", "--format", "jsonl"],
        Some(&compact),
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let rec: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(rec["code"], "duplicate-key");
    let second = compact.find("\"valueInteger\":7").unwrap() + 1;
    assert_eq!(
        rec["error"],
        format!(
            "duplicate key `valueInteger` in a QuestionnaireResponse; `valueInteger` is already given at line 1, column {}",
            second - 18
        )
    );
    assert_eq!(rec["column"], second);
}

/// `score` of one response, given as a line of JSON Lines and as a file:
/// both refuse it (exit 1) with the record's `code` and `error`.
fn refused_on_a_line_and_in_a_file(line: &str, code: &str, error: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("response.json");
    std::fs::write(&f, line).unwrap();
    for (input, stdin) in [("-", Some(line)), (f.to_str().unwrap(), None)] {
        let r = run(
            &["--rules", MINI, "score", input, "--format", "jsonl"],
            stdin,
        );
        assert_eq!(
            r.code,
            1,
            "{error}: {} {}",
            &r.stdout[..r.stdout.len().min(200)],
            r.stderr
        );
        let rec: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        assert_eq!(
            (rec["code"].as_str(), rec["error"].as_str()),
            (Some(code), Some(error))
        );
    }
}

#[test]
fn a_response_over_the_budgets_is_refused_alike_on_a_line_and_in_a_file() {
    // The fast way in (a line of JSON Lines) counts values and depth as
    // the YAML parser does; text it skips unread (`display`) counts too.
    let fhir = ok(&["--rules", MINI, "convert", RECORD, "--to", "fhir"], None);
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| {
                let many: Vec<Value> = (0..4500)
                    .map(|_| serde_json::json!({"url": "urn:other", "display": "d"}))
                    .collect();
                v["item"][0]["item"][0]["extension"] = Value::from(many);
            }),
            "the file has more than the limit of 20000 YAML values",
        ),
        (
            Box::new(|v| {
                let mut deep = Value::from(1);
                for _ in 0..16 {
                    deep = Value::from(vec![deep]);
                }
                v["item"][0]["item"][0]["extension"] =
                    serde_json::json!([{"url": "urn:other", "valueString": "x", "deep": deep}]);
            }),
            "the file nests deeper than the limit of 16 levels",
        ),
    ];
    for (edit, want) in cases {
        let mut v: Value = serde_json::from_str(&fhir).unwrap();
        edit(&mut v);
        refused_on_a_line_and_in_a_file(&serde_json::to_string(&v).unwrap(), "intake-limit", want);
    }
}

#[test]
fn items_nested_deeper_than_any_stack_are_refused_not_a_crash() {
    // 40,000 groups one inside the next: read on a line (the fast way in,
    // which recurses) and as a file, the depth limit refuses it.
    let n = 40_000;
    let line = format!(
        "{{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"urn:placement:mini|0.3.0\",\"status\":\"completed\",\"item\":[{}{}]}}",
        "{\"linkId\":\"g\",\"item\":[".repeat(n),
        "]}".repeat(n)
    );
    refused_on_a_line_and_in_a_file(
        &line,
        "intake-limit",
        "the file nests deeper than the limit of 16 levels",
    );
}

#[test]
fn a_bundle_is_read_entry_by_entry() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = ok(
        &[
            "--rules",
            MINI,
            "convert",
            RECORD,
            RECORD,
            "--to",
            "fhir-bundle",
        ],
        None,
    );
    let mut v: Value = serde_json::from_str(&bundle).unwrap();
    assert_eq!(v["type"], "collection");
    assert_eq!(v["entry"].as_array().unwrap().len(), 2);
    v["entry"].as_array_mut().unwrap().insert(
        1,
        serde_json::json!({"resource": {"resourceType": "Patient"}}),
    );
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let p = path.to_str().unwrap();
    let r = run(&["--rules", MINI, "score", "--format", "jsonl", p], None);
    assert_eq!(r.code, 1);
    let records: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["source"], format!("{p}#1"));
    assert_eq!(records[0]["level"], "standard");
    assert_eq!(records[1]["source"], format!("{p}#2"));
    assert_eq!(records[1]["code"], "intake-format");
    assert_eq!(
        records[1]["error"],
        "this Bundle entry is not a QuestionnaireResponse; a Bundle given to `placement` holds QuestionnaireResponses only"
    );
    assert_eq!(records[2]["level"], "standard");
    // A Bundle on one line of JSON Lines is not one intake.
    let line = serde_json::to_string(&v).unwrap();
    let r = run(
        &["--rules", MINI, "score", "--format", "jsonl", "-"],
        Some(&line),
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains(
        "a FHIR Bundle holds several QuestionnaireResponses: give it as a file of its own"
    ));
}

#[test]
fn rules_diff_reads_responses_made_from_old_rules() {
    let dir = tempfile::tempdir().unwrap();
    let intakes = dir.path().join("intakes");
    std::fs::create_dir(&intakes).unwrap();
    let fhir = ok(
        &[
            "convert",
            "examples/intakes/06-php-depression-critical-flag.yaml",
            "--to",
            "fhir",
        ],
        None,
    );
    std::fs::write(intakes.join("06.json"), fhir).unwrap();
    // NEW: the same rules under the next version number.
    let new = dir.path().join("new");
    std::fs::create_dir(&new).unwrap();
    for e in std::fs::read_dir("rules").unwrap() {
        let p = e.unwrap().path();
        if !p.is_file() {
            continue;
        }
        let mut text = std::fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap() == "00-ruleset.yaml" {
            text = text.replacen("version: \"2.0.0\"", "version: \"2.0.1\"", 1);
        }
        std::fs::write(new.join(p.file_name().unwrap()), text).unwrap();
    }
    let r = run(
        &[
            "rules",
            "diff",
            "rules",
            new.to_str().unwrap(),
            "--intakes",
            intakes.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["new"]["version"], "2.0.1");
    assert_eq!(
        (&v["total"], &v["unchanged"]),
        (&1.into(), &1.into()),
        "{}",
        r.stdout
    );
    assert_eq!(v["uninterpretable"], serde_json::json!([]));
    // score with NEW alone refuses it: it answers another questionnaire.
    let r = run(
        &[
            "--rules",
            new.to_str().unwrap(),
            "score",
            intakes.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("questionnaire-mismatch"), "{}", r.stdout);
}

#[test]
fn the_responses_validate_with_fhir_resources_against_the_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("questionnaire.json");
    std::fs::write(&q, ok(&["rules", "questionnaire"], None)).unwrap();
    let mut files = Vec::new();
    for (n, file) in examples().iter().enumerate() {
        let path = dir.path().join(format!("example-{n}.json"));
        std::fs::write(&path, ok(&["convert", file, "--to", "fhir"], None)).unwrap();
        files.push(path);
    }
    // Sampled intakes, with contradictions and every kind of answer.
    let sample = ok(
        &[
            "sample",
            "--count",
            "40",
            "--seed",
            "5",
            "--contradictions",
            "0.2",
        ],
        None,
    );
    let fhir = ok(&["convert", "-", "--to", "fhir"], Some(&sample));
    for (n, line) in fhir.lines().enumerate() {
        let path = dir.path().join(format!("sample-{n}.json"));
        std::fs::write(&path, line).unwrap();
        files.push(path);
    }
    let mut args = vec![
        std::ffi::OsString::from("--questionnaire"),
        q.into_os_string(),
    ];
    args.extend(files.into_iter().map(|f| f.into_os_string()));
    let Some(out) = tools::fhir_validate(
        "the_responses_validate_with_fhir_resources_against_the_questionnaire",
        args,
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.ends_with("valid QuestionnaireResponse (fhir.resources 8.3.0, R4B)"))
            .count(),
        51,
        "{stdout}"
    );
}

/// Responses changed in the ways a forms engine, an EHR or a damaged file
/// may change them. `None` when this response has nothing to change so.
fn changed(response: &Value, change: u8, k: usize) -> Option<(Value, bool)> {
    let mut r = response.clone();
    // Items with an answer, as paths of indexes from the top.
    fn answered(items: &Value, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        for (i, item) in items.as_array().into_iter().flatten().enumerate() {
            path.push(i);
            if item.get("answer").is_some() {
                out.push(path.clone());
            }
            if let Some(children) = item.get("item") {
                answered(children, path, out);
            }
            path.pop();
        }
    }
    let mut paths = Vec::new();
    answered(&r["item"], &mut Vec::new(), &mut paths);
    let path = paths.get(k % paths.len().max(1))?.clone();
    let (last, parents) = path.split_last().unwrap();
    let mut list = &mut r["item"];
    for &p in parents {
        list = &mut list[p]["item"];
    }
    let item = list[*last].as_object_mut().unwrap();
    // `true`: the response is still one the fast way should take.
    let usual = match change {
        // Keys in another order: the answer before its linkId.
        0 => {
            let link = item.shift_remove("linkId")?;
            item.insert("linkId".into(), link);
            false
        }
        // Text for people on the item and its answers.
        1 => {
            item.insert("text".into(), Value::from("Question \"text\" \u{e9}"));
            true
        }
        // The same item twice.
        2 => {
            let copy = Value::Object(item.clone());
            list.as_array_mut().unwrap().push(copy);
            false
        }
        // Answered, and declined too.
        3 => {
            item.insert(
                "extension".into(),
                serde_json::json!([{"url": "urn:placement:extension:no-answer", "valueCode": "declined"}]),
            );
            false
        }
        // Its first answer twice.
        4 => {
            let answers = item["answer"].as_array_mut().unwrap();
            let first = answers.first()?.clone();
            answers.push(first);
            false
        }
        // Another of its answer options, when it has codings.
        5 => {
            let coding = item["answer"].get_mut(0)?.get_mut("valueCoding")?;
            let code = coding["code"].as_str().unwrap().to_string();
            coding["code"] = Value::from(if code == "0" { "1" } else { "0" });
            false
        }
        // A number far out of range.
        6 => {
            let v = item["answer"].get_mut(0)?.get_mut("valueInteger")?;
            *v = Value::from(v.as_i64().unwrap() + 1000);
            false
        }
        // Children after the answer.
        7 => {
            item.insert(
                "item".into(),
                serde_json::json!([{"linkId": "nothing-asked"}]),
            );
            false
        }
        // No linkId; a linkId of no question.
        8 => {
            item.shift_remove("linkId");
            false
        }
        9 => {
            item.insert("linkId".into(), Value::from("no_such_question"));
            false
        }
        // A second value[x] after the first (the first is the answer).
        10 => {
            let entry = item["answer"].get_mut(0)?.as_object_mut().unwrap();
            entry.insert("valueString".into(), Value::from("second"));
            true
        }
        // No answers in the list.
        11 => {
            item.insert("answer".into(), serde_json::json!([]));
            false
        }
        // An answer of another type.
        12 => {
            *item["answer"].get_mut(0)? = serde_json::json!({"valueString": "7"});
            false
        }
        // Another questionnaire.
        13 => {
            r["questionnaire"] = Value::from("urn:placement:default|1.9.0");
            false
        }
        // The record extension: its url after its fields; twice; a field
        // with both a value and nested fields; a field with no url.
        14..=17 => {
            let record = r["extension"]
                .as_array_mut()?
                .iter_mut()
                .position(|e| e["url"] == "urn:placement:extension:record")?;
            let list = r["extension"].as_array_mut().unwrap();
            match change {
                14 => {
                    let e = list[record].as_object_mut().unwrap();
                    let url = e.shift_remove("url").unwrap();
                    e.insert("url".into(), url);
                    true
                }
                15 => {
                    let copy = list[record].clone();
                    list.push(copy);
                    false
                }
                16 => {
                    let fields = list[record]["extension"].as_array_mut()?;
                    let last = fields.len().checked_sub(1)?;
                    let f = fields[last].as_object_mut().unwrap();
                    f.insert("valueString".into(), Value::from("both"));
                    f.insert(
                        "extension".into(),
                        serde_json::json!([{"url": "item", "valueString": "x"}]),
                    );
                    false
                }
                _ => {
                    let fields = list[record]["extension"].as_array_mut()?;
                    fields
                        .first_mut()?
                        .as_object_mut()
                        .unwrap()
                        .shift_remove("url");
                    false
                }
            }
        }
        // A coding shown with other text; with none; with a number.
        18 | 22 | 23 => {
            let coding = item["answer"].get_mut(0)?.get_mut("valueCoding")?;
            match change {
                18 => coding["display"] = Value::from("Shown otherwise"),
                22 => {
                    coding.as_object_mut().unwrap().shift_remove("display");
                }
                _ => coding["display"] = Value::from(7),
            }
            true
        }
        // Text for people before the item's linkId; right after it (where
        // FHIR puts it).
        19 | 24 => {
            let mut with_text = serde_json::Map::new();
            for (k, v) in std::mem::take(item) {
                if k == "linkId" && change == 24 {
                    with_text.insert(k, v);
                    with_text.insert("text".into(), Value::from("Asked next"));
                    continue;
                }
                if with_text.is_empty() && change == 19 {
                    with_text.insert("text".into(), Value::from("Asked first"));
                }
                with_text.insert(k, v);
            }
            *item = with_text;
            true
        }
        // A coding of another system, with the same code.
        20 => {
            let coding = item["answer"].get_mut(0)?.get_mut("valueCoding")?;
            coding["system"] = Value::from("urn:another:system");
            false
        }
        // A true/false answer written as text.
        21 => {
            let v = item["answer"].get_mut(0)?.get_mut("valueBoolean")?;
            *v = Value::from(v.to_string());
            false
        }
        _ => return None,
    };
    Some((r, usual))
}

/// The fast way in (batch scoring) takes only what the full reader takes,
/// and reads it exactly the same; and it does not give up on a usual
/// response. Checked on sampled intakes' responses, changed.
#[test]
fn the_fast_way_in_takes_only_what_the_full_reader_takes() {
    use proptest::prelude::*;
    let (rs, layout) = default_layout();
    let limits = Limits::INTAKE;
    let mut config = ProptestConfig::with_cases(200);
    config.failure_persistence = None;
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = (
        0u64..5000,
        proptest::collection::vec((0u8..25, 0usize..100), 0..3),
        any::<bool>(),
        0usize..40,
    );
    runner
        .run(&strategy, |(n, changes, pretty, escape)| {
            let intake = placement::sample::intake(&rs, 5, n);
            let mut response = layout.write(&rs, &intake);
            let mut usual = true;
            for (change, k) in changes {
                if let Some((r, u)) = changed(&response, change, k) {
                    response = r;
                    usual &= u;
                }
            }
            let mut text = if pretty {
                serde_json::to_string_pretty(&response).unwrap()
            } else {
                serde_json::to_string(&response).unwrap()
            };
            if escape < 4 {
                // A key written with an escape: the same key to JSON.
                let key = ["\"linkId\"", "\"code\"", "\"answer\"", "\"system\""][escape];
                text = text.replacen(key, &key.replace('i', "\\u0069").replace('e', "\\u0065"), 1);
            } else if escape < 9 && !pretty {
                // A key twice in one object (which JSON parsers differ on,
                // and the full reader refuses).
                let key = [
                    "\"linkId\"",
                    "\"code\"",
                    "\"valueInteger\"",
                    "\"system\"",
                    "\"status\"",
                ][escape - 4];
                let key = format!("{key}:");
                let at = text.find(&key).map(|i| i + key.len());
                if let Some(at) = at {
                    let end = at + text[at..].find([',', '}']).unwrap();
                    let twice = format!("{key}{},", &text[at..end]);
                    text.insert_str(at - key.len(), &twice);
                }
            }
            let full = placement::intake::parse(&text, &rs, &limits);
            let quick = fast(&text, &rs, &limits);
            if let Some(q) = &quick {
                prop_assert_eq!(
                    Some(q),
                    full.as_ref().ok(),
                    "the fast way took what the full reader reads otherwise"
                );
            }
            if usual && escape >= 9 {
                prop_assert!(quick.is_some(), "the fast way gave up on a usual response");
            }
            Ok(())
        })
        .unwrap();
}

// The fast way in, beside the full reader, in-process.

/// The default rule set and its questionnaire's layout.
fn default_layout() -> (placement::rules::RuleSet, std::sync::Arc<Layout>) {
    let rs = placement::rules::load_default()
        .expect("default rules")
        .rules;
    let layout = Layout::of(&rs);
    (rs, layout)
}

/// The fast way in accepts exactly what the full reader accepts, and
/// reads it the same: on every example's response, and on responses
/// changed in the ways that only the full reader may judge.
#[test]
fn the_fast_way_in_agrees_with_the_full_reader() {
    let (rs, layout) = default_layout();
    let limits = Limits::INTAKE;
    let mut dir: Vec<_> = std::fs::read_dir("examples/intakes")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dir.sort();
    let mut fast_taken = 0;
    for path in dir {
        let text = std::fs::read_to_string(&path).unwrap();
        let intake = placement::intake::parse(&text, &rs, &limits).unwrap();
        let response = serde_json::to_string_pretty(&layout.write(&rs, &intake)).unwrap();
        let changed = [
            response.clone(),
            // A key twice (the full reader refuses it).
            response.replacen("{\n", "{\n  \"status\": \"completed\",\n", 1),
            // `text` twice, which the fast way skips.
            response.replacen("{\n", "{\n  \"text\": 1,\n  \"text\": 2,\n", 1),
            // A character YAML does not allow.
            response.replacen("\"resourceType\"", "\"resourceType\u{7f}\"", 1),
            // A number out of range, and one of another type.
            response.replacen("\"valueInteger\": ", "\"valueInteger\": 9", 1),
            response.replacen("\"valueBoolean\": true", "\"valueBoolean\": \"yes\"", 1),
            // Another questionnaire.
            response.replacen("|2.0.0\"", "|1.0.0\"", 1),
        ];
        for (k, t) in changed.iter().enumerate() {
            let full = placement::intake::parse(t, &rs, &limits).ok();
            let fast = fast(t, &rs, &limits);
            if let Some(f) = &fast {
                fast_taken += 1;
                assert_eq!(Some(f), full.as_ref(), "{} change {k}", path.display());
            }
            if k == 0 {
                assert!(fast.is_some(), "{}: the fast way gave up", path.display());
                assert_eq!(full.as_ref(), Some(&intake), "{}", path.display());
            }
        }
    }
    assert!(fast_taken >= 11);
}

/// Sets one budget of the limits.
type Budget = fn(&mut Limits, usize);

/// Compact responses (items read in place) are counted against the
/// budgets of values and depth exactly as the YAML parser counts them:
/// at the smallest budget the full reader takes, the fast way gives up
/// (it gives up at a budget), and one more it takes.
#[test]
fn items_read_in_place_are_counted_as_the_yaml_parser_counts_them() {
    let (rs, layout) = default_layout();
    for n in [1, 7, 42] {
        let intake = placement::sample::intake(&rs, 5, n);
        let compact = serde_json::to_string(&layout.write(&rs, &intake)).unwrap();
        // And with text for people between each linkId and answer.
        let with_text = compact.replace(r#"","answer":["#, r#"","text":"Asked","answer":["#);
        assert_ne!(with_text, compact);
        for text in [compact, with_text] {
            let takes = |budget: Budget, k: usize| {
                let mut limits = Limits::INTAKE;
                budget(&mut limits, k);
                (
                    placement::intake::parse(&text, &rs, &limits).is_ok(),
                    fast(&text, &rs, &limits).is_some(),
                )
            };
            let budgets: [(Budget, usize); 2] = [
                (|l, k| l.max_nodes = k, Limits::INTAKE.max_nodes),
                (|l, k| l.max_depth = k, Limits::INTAKE.max_depth),
            ];
            for (budget, most) in budgets {
                // The smallest budget the full reader takes.
                let (mut low, mut high) = (1, most);
                while low < high {
                    let mid = (low + high) / 2;
                    if takes(budget, mid).0 {
                        high = mid;
                    } else {
                        low = mid + 1;
                    }
                }
                let least = high;
                assert_eq!(takes(budget, least), (true, false), "sample {n}");
                assert_eq!(takes(budget, least + 1), (true, true), "sample {n}");
            }
        }
    }
}
