//! Skip logic of each shape, as `enableWhen` or as FHIRPath.

use crate::diag::{SourceFile, Sources};
use crate::rules::load::load_sources;
use serde_json::Value;

const RULES: &str = r#"
name: shapes
version: "1"
url: urn:example:shapes
levels: [{id: high, name: High}, {id: low, name: Low}]
sections:
  - id: s
    title: S
    questions:
      - {id: yes, text: Y, type: yes_no}
      - {id: pick, text: P, type: single_choice, options: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}]}
      - {id: many, text: M, type: multi_choice, options: [{id: x, label: X}, {id: y, label: Y}]}
      - {id: n, text: N, type: integer, min: 0, max: 10}
      - {id: r, text: R, type: number, min: 0, max: 1}
      - {id: q1, text: Q, type: yes_no, ask_when: pick == b, informational: true}
      - {id: q2, text: Q, type: yes_no, ask_when: n > 3 and r <= 0.5 and yes, informational: true}
      - {id: q3, text: Q, type: yes_no, ask_when: not (n > 3), informational: true}
      - {id: q4, text: Q, type: yes_no, ask_when: "n in [1, 2] or missing(r)", informational: true}
      - {id: q5, text: Q, type: yes_no, ask_when: "many has_all [x, y]", informational: true}
      - {id: q6, text: Q, type: yes_no, ask_when: "not (pick == a or yes)", informational: true}
      - {id: q7, text: Q, type: yes_no, ask_when: "at_least 2 of (yes, n > 3, many has x)", informational: true}
      - {id: q8, text: Q, type: yes_no, ask_when: "pick < c and n < 2.5", informational: true}
dimensions:
  - id: d
    name: D
    rules:
      - {rating: 1, when: "yes or pick == c or many has y or n > 5 or r > 0.5", why: W.}
placement:
  minimums:
    d: [low, high, high, high, high]
"#;

fn items() -> Vec<Value> {
    let loaded = load_sources(Sources {
        files: vec![SourceFile {
            path: "t.yaml".into(),
            rel_path: "t.yaml".into(),
            text: RULES.into(),
        }],
    })
    .expect("test rules load");
    let q = super::questionnaire(&loaded.rules);
    q["item"][0]["item"].as_array().unwrap().clone()
}

/// An item's skip logic: its enableWhen and enableBehavior as compact
/// JSON, or `expr: ` and its FHIRPath inside the `iif` that makes it a
/// boolean.
fn skip_of(items: &[Value], link: &str) -> String {
    let it = items.iter().find(|i| i["linkId"] == link).unwrap();
    if let Some(e) = it["extension"].as_array() {
        // Every expression is `iif(..., true, false)`: always a boolean.
        let expr = e[0]["valueExpression"]["expression"].as_str().unwrap();
        let inner = expr
            .strip_prefix("iif(")
            .and_then(|x| x.strip_suffix(", true, false)"))
            .unwrap_or_else(|| panic!("{link}: not a boolean: {expr}"));
        return format!("expr: {inner}");
    }
    format!("{} {}", it["enableWhen"], it["enableBehavior"])
}

const A: &str = "%resource.repeat(item).where(linkId = ";

#[test]
fn each_shape_of_skip_logic() {
    let items = items();
    let coding = |q: &str, c: &str| {
        format!(
            r#"{{"system":"urn:example:shapes/options/{q}","code":"{c}","display":"{}"}}"#,
            c.to_uppercase()
        )
    };
    assert_eq!(
        skip_of(&items, "q1"),
        format!(
            r#"[{{"question":"pick","operator":"=","answerCoding":{}}}] null"#,
            coding("pick", "b")
        )
    );
    assert_eq!(
        skip_of(&items, "q2"),
        r#"[{"question":"n","operator":">","answerInteger":3},{"question":"r","operator":"<=","answerDecimal":0.5},{"question":"yes","operator":"=","answerBoolean":true}] "all""#
    );
    assert_eq!(
        skip_of(&items, "q3"),
        r#"[{"question":"n","operator":"<=","answerInteger":3}] null"#
    );
    assert_eq!(
        skip_of(&items, "q4"),
        r#"[{"question":"n","operator":"=","answerInteger":1},{"question":"n","operator":"=","answerInteger":2},{"question":"r","operator":"exists","answerBoolean":false}] "any""#
    );
    assert_eq!(
        skip_of(&items, "q5"),
        format!(
            r#"[{{"question":"many","operator":"=","answerCoding":{}}},{{"question":"many","operator":"=","answerCoding":{}}}] "all""#,
            coding("many", "x"),
            coding("many", "y")
        )
    );
    // not (a or b) is (not a) and (not b); `not pick == a` is a choice of
    // two answers, which an all-joined list cannot hold.
    assert_eq!(
        skip_of(&items, "q6"),
        format!(
            "expr: (({A}'pick').answer.value.where((system = 'urn:example:shapes/options/pick' and code = 'a')).exists() or ({A}'yes').answer.value = true))).not()"
        )
    );
    assert_eq!(
        skip_of(&items, "q7"),
        format!(
            "expr: ((iif(({A}'yes').answer.value = true), 1, 0) + iif(({A}'n').answer.value > 3), 1, 0) + iif(({A}'many').answer.value.where(system = 'urn:example:shapes/options/many' and code = 'x').exists()), 1, 0)) >= 2)"
        )
    );
    // `n < 2.5` has no integer to compare with.
    assert_eq!(
        skip_of(&items, "q8"),
        format!(
            "expr: ({A}'pick').answer.value.where((system = 'urn:example:shapes/options/pick' and code = 'a') or (system = 'urn:example:shapes/options/pick' and code = 'b')).exists() and ({A}'n').answer.value < 2.5))"
        )
    );
}
