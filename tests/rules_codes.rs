//! Codes in the rule language (`codes`, and the rule set's `url`): each
//! mistake is reported with its code, file, line and column, all of them
//! in one pass, and a valid `codes` list is compiled into the rule model.

use assert_cmd::Command;
use placement::rules::model::{Coding, QuestionKind};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/fhir/rules.yaml")).unwrap()
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// The fixture with one mistake of each kind about codes.
fn with_mistakes() -> String {
    let mut s = fixture();
    s = replace(
        &s,
        "url: https://example.org/placement/tiny/",
        "url: example.org/placement/tiny",
    );
    s = replace(
        &s,
        "{system: \"https://example.org/cs/questions\", code: \"H-1\", display: Housing}",
        "{system: \"https://example.org/cs/questions\", code: \"H-1\", display: Housing}\n          - {system: \"https://example.org/cs/questions\", code: \"H-1\"}\n          - {system: \"loinc\", code: \"H-2\"}\n          - {system: \"https://example.org/cs/questions\", code: \" H-3\"}\n          - {system: \"https://example.org/cs/questions\", code: \"H-4\", display: \"\"}",
    );
    s = replace(
        &s,
        "- {id: shared, label: A shared place}",
        "- {id: shared, label: A shared place, codes: [{system: \"https://example.org/cs/answers\", code: \"A-1\"}]}",
    );
    s = replace(
        &s,
        "code: \"F-2\", display: Often}",
        "code: \"F-1\", display: Often}",
    );
    s = replace(
        &s,
        "{system: \"https://example.org/cs/panels\", code: \"P-1\", display: Mood pair}",
        "{system: \"https://example.org/cs/panels\", code: \"P-1\", display: Mood pair, version: \"2\"}",
    );
    s
}

const EXPECTED: &str = r#"error[invalid-uri]: the rule set's `url` is not an absolute URI
  --> rules.yaml:9:6
  |
9 | url: example.org/placement/tiny
  |      ^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: a canonical URL such as `https://example.org/placement/rules/default`, or a URN such as `urn:example:placement:default`, with no spaces

error[duplicate-code]: code `H-1` of `https://example.org/cs/questions` is given twice on question `housing`
  --> rules.yaml:25:64
   |
25 |           - {system: "https://example.org/cs/questions", code: "H-1"}
   |                                                                ^^^^^
  = help: first given at rules.yaml:24:64

error[invalid-uri]: the `system` of a code of question `housing` is not an absolute URI
  --> rules.yaml:26:22
   |
26 |           - {system: "loinc", code: "H-2"}
   |                      ^^^^^^^
  = help: a code system is named by an absolute URI with no spaces, such as `http://loinc.org` or `http://snomed.info/sct`

error[invalid-code]: a `code` of question `housing` is empty or has spaces at either end or more than one space in a row
  --> rules.yaml:27:64
   |
27 |           - {system: "https://example.org/cs/questions", code: " H-3"}
   |                                                                ^^^^^^
  = help: write the code as its code system does, such as `44250-9`

error[invalid-code]: the `display` of a code of question `housing` is empty or more than one line
  --> rules.yaml:28:80
   |
28 |           - {system: "https://example.org/cs/questions", code: "H-4", display: ""}
   |                                                                                ^^

error[duplicate-code]: code `A-1` of `https://example.org/cs/answers` is given to both option `stable` and option `shared` of `housing`, so an answer coded with it would not map back to one answer
  --> rules.yaml:31:106
   |
31 |           - {id: shared, label: A shared place, codes: [{system: "https://example.org/cs/answers", code: "A-1"}]}
   |                                                                                                          ^^^^^
  = help: first given at rules.yaml:30:105

error[duplicate-code]: code `F-1` of `https://example.org/cs/answers` is given to both scale value 1 and scale value 2 of `mood_1`, so an answer coded with it would not map back to one answer
  --> rules.yaml:83:95
   |
83 |           - {value: 2, label: Often, codes: [{system: "https://example.org/cs/answers", code: "F-1", display: Often}]}
   |                                                                                               ^^^^^
  = help: first given at rules.yaml:82:99

error[unknown-field]: unknown field `version` in a code
  --> rules.yaml:103:84
    |
103 |       - {system: "https://example.org/cs/panels", code: "P-1", display: Mood pair, version: "2"}
    |                                                                                    ^^^^^^^
  = help: a code takes `system`, `code`, `display`

analyses: rule-set analyses not proved (not run: the rule set has errors)
8 error(s), 0 warning(s)
"#;

#[test]
fn every_mistake_in_codes_is_reported_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.yaml"), with_mistakes()).unwrap();
    let out = Command::cargo_bin("placement")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(["rules", "check", "rules.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), EXPECTED);
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[test]
fn codes_are_compiled_into_the_rule_model() {
    let rs = placement::rules::load_path(&root().join("tests/fixtures/fhir/rules.yaml"), 1 << 20)
        .unwrap()
        .rules;
    assert_eq!(
        rs.url.as_deref(),
        Some("https://example.org/placement/tiny/")
    );
    let coding = |system: &str, code: &str, display: Option<&str>| Coding {
        system: system.into(),
        code: code.into(),
        display: display.map(Into::into),
    };
    let housing = &rs.questions[rs.question("housing").unwrap()];
    assert_eq!(
        housing.codes,
        [coding(
            "https://example.org/cs/questions",
            "H-1",
            Some("Housing")
        )]
    );
    let QuestionKind::SingleChoice(options) = &housing.kind else {
        panic!("housing is a single choice");
    };
    assert_eq!(
        options[0].codes,
        [coding("https://example.org/cs/answers", "A-1", None)]
    );
    assert_eq!(options[1].codes, []);
    let mood_1 = &rs.questions[rs.question("mood_1").unwrap()];
    assert_eq!(
        mood_1.scale_codes,
        [
            vec![coding(
                "https://example.org/cs/answers",
                "F-0",
                Some("Never")
            )],
            vec![coding(
                "https://example.org/cs/answers",
                "F-1",
                Some("Sometimes")
            )],
            vec![coding(
                "https://example.org/cs/answers",
                "F-2",
                Some("Often")
            )],
        ]
    );
    let mood_2 = &rs.questions[rs.question("mood_2").unwrap()];
    assert_eq!(mood_2.scale_codes, [vec![], vec![], vec![]]);
    assert_eq!(
        rs.instruments[0].codes,
        [coding(
            "https://example.org/cs/panels",
            "P-1",
            Some("Mood pair")
        )]
    );
}
