//! JSON Schemas (draft-07) for rule files, intake files and rule test
//! files, so editors with yaml-language-server complete and validate them.
//!
//! The loader is hand-written (it collects every problem with its place),
//! so the schemas are written by hand here too, to match `docs/rules.md`
//! and `docs/intake.md`: every object the loader checks for unknown keys
//! has `additionalProperties: false`. The intake and test schemas are made
//! for one rule set: its question ids, types, ranges and options.

use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use serde_json::{json, Map, Value};

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";
const ID: &str = "^[a-z][a-z0-9_]*$";

fn id() -> Value {
    json!({"type": "string", "pattern": ID})
}

fn text() -> Value {
    json!({"type": "string"})
}

fn condition(what: &str) -> Value {
    json!({"type": "string", "minLength": 1, "description": format!("{what}: a condition, e.g. `phq9.band >= moderate or phq9_9 > 0` (see docs/rules.md, Conditions)")})
}

/// `codes`: codes from outside code systems (docs/rules.md, Codes).
fn codes(on: &str) -> Value {
    json!({
        "type": "array",
        "description": format!("Codes for {on} from outside code systems (LOINC, SNOMED CT, ...), carried into the FHIR export; the engine never reads them. No system and code twice."),
        "items": object(json!({
            "system": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$", "description": "The code system, an absolute URI (`http://loinc.org`)."},
            "code": {"type": "string", "pattern": "^[^\\s]+( [^\\s]+)*$", "description": "The code, as the code system writes it (`44250-9`)."},
            "display": {"type": "string", "minLength": 1, "description": "The code system's name for it, one line."},
        }), &["system", "code"]),
    })
}

fn object(props: Value, required: &[&str]) -> Value {
    let mut o = json!({"type": "object", "properties": props, "additionalProperties": false});
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

/// The schema of rule files (any one file of a rule-set folder).
pub fn rule_file() -> Value {
    let question = {
        let mut q = object(
            json!({
                "id": id(),
                "text": {"type": "string", "description": "The prompt, as the assessor reads it."},
                "help": text(),
                "type": {"enum": ["single_choice", "multi_choice", "yes_no", "integer", "number", "text"]},
                "options": {
                    "type": "array", "minItems": 1,
                    "description": "For choice types: least severe first. With `options_from`, each must be an option of that question (leave out to take all of its options that are not exclusive).",
                    "items": object(json!({
                        "id": id(), "label": text(),
                        "exclusive": {"type": "boolean", "description": "multi_choice only: this option (e.g. `none`) cannot be ticked together with any other."},
                        "weight": {"type": "number", "minimum": 0, "description": "How likely `placement sample` is to pick this option, relative to the others (default: least severe options more likely)."},
                        "codes": codes("this answer"),
                    }), &["id", "label"]),
                },
                "options_from": {"type": "string", "pattern": ID, "description": "For choice types: an earlier multi_choice question; only the options ticked there are offered."},
                "min": {"type": "number"},
                "max": {"type": "number"},
                "allowed": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
                "scale": {"type": "array", "items": object(json!({"value": {"type": "integer"}, "label": text(), "weight": {"type": "number", "minimum": 0, "description": "How likely `placement sample` is to pick this value, relative to the others."}, "codes": codes("this answer")}), &["value", "label"])},
                "ask_when": condition("Skip logic: asked only when this holds; reads only earlier questions"),
                "max_length": {"type": "integer", "minimum": 1},
                "informational": {"type": "boolean", "description": "Collected for the record; no rule reads it by design."},
                "retired": {"type": "boolean", "description": "Kept so that intakes saved under an earlier version still read; never asked, never read by a condition (implies informational)."},
                "codes": codes("the question"),
                "order": {"enum": ["ascending", "descending", "none"], "description": "Which way severity runs through the answers: ascending (options as listed, no before yes, numbers upwards; the default), descending (protective answers), or none (no order; always for multi_choice and text). rules check proves that a more severe answer never gives less care."},
            }),
            &["id", "text", "type"],
        );
        q["allOf"] = json!([
            {"if": {"properties": {"type": {"enum": ["single_choice", "multi_choice"]}}},
             "then": {"anyOf": [{"required": ["options"]}, {"required": ["options_from"]}], "properties": {"min": false, "max": false, "allowed": false, "scale": false, "max_length": false}}},
            {"if": {"properties": {"type": {"const": "single_choice"}}},
             "then": {"properties": {"options": {"items": {"properties": {"exclusive": {"const": false}}}}}}},
            {"if": {"properties": {"type": {"const": "integer"}}},
             "then": {"required": ["min", "max"], "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}, "options": false, "options_from": false, "max_length": false}}},
            {"if": {"properties": {"type": {"const": "number"}}},
             "then": {"required": ["min", "max"], "properties": {"options": false, "options_from": false, "allowed": false, "scale": false, "max_length": false}}},
            {"if": {"properties": {"type": {"const": "yes_no"}}},
             "then": {"properties": {"options": false, "options_from": false, "min": false, "max": false, "allowed": false, "scale": false, "max_length": false}}},
            {"if": {"properties": {"type": {"const": "text"}}},
             "then": {"properties": {"options": false, "options_from": false, "min": false, "max": false, "allowed": false, "scale": false}}},
        ]);
        q
    };
    let value_map = json!({
        "type": "object",
        "description": "Answer (true/false, an option id, or an integer) to points.",
        "additionalProperties": {"type": "integer"},
    });
    json!({
        "$schema": DRAFT,
        "title": "placement rule file",
        "description": "One file of a placement rule set (docs/rules.md). In a folder, each file may hold any of these keys; `name` and `version` must be given exactly once across the files, and `levels`, `sections` and `dimensions` somewhere.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "description": "The rule set's name, recorded in every result."},
            "version": {"type": "string", "description": "Its version, a string (quote numbers: \"1.0.0\")."},
            "description": text(),
            "url": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$", "description": "The rule set's canonical URL, an absolute URI; the FHIR Questionnaire's `url` and the base of the code systems of its own option ids."},
            "max_rating": {"type": "integer", "minimum": 1, "maximum": 9, "default": 4},
            "levels": {
                "type": "array", "description": "Levels of care, most intensive first.",
                "items": object(json!({"id": id(), "name": text(), "description": text()}), &["id", "name"]),
            },
            "sections": {
                "type": "array", "description": "The questionnaire, in interview order.",
                "items": object(json!({
                    "id": id(), "title": text(), "dimension": id(),
                    "questions": {"type": "array", "items": question},
                }), &["id", "title", "questions"]),
            },
            "instruments": {
                "type": "array",
                "items": object(json!({
                    "id": id(), "name": text(),
                    "codes": codes("the instrument (its panel)"),
                    "items": {"type": "array", "items": id(), "minItems": 1},
                    "values": {"type": "object", "description": "`default` for every item, or one map per item id.", "propertyNames": {"pattern": ID}, "additionalProperties": value_map},
                    "bands": {
                        "type": "array", "minItems": 1, "description": "Lowest totals first; together they cover every possible total.",
                        "items": object(json!({"id": id(), "min": {"type": "integer"}, "max": {"type": "integer"}, "label": text()}), &["id", "min", "max"]),
                    },
                }), &["id", "items", "bands"]),
            },
            "dimensions": {
                "type": "array",
                "items": object(json!({
                    "id": id(), "name": text(),
                    "rules": {
                        "type": "array",
                        "description": "The rating is the highest rating whose condition holds, 0 when none does.",
                        "items": object(json!({
                            "id": id(),
                            "rating": {"type": "integer", "minimum": 0, "maximum": 9},
                            "when": condition("When the rule holds"),
                            "why": {"type": "string", "description": "One-line rationale shown in results."},
                        }), &["rating", "when", "why"]),
                    },
                }), &["id", "name", "rules"]),
            },
            "placement": object(json!({
                "minimums": {
                    "type": "object",
                    "description": "Per dimension id: the minimum level for rating 0, 1, 2, ... max_rating.",
                    "propertyNames": {"pattern": ID},
                    "additionalProperties": {"type": "array", "items": id(), "minItems": 2},
                },
                "escalations": {"type": "array", "items": object(json!({"id": id(), "when": condition("When it holds"), "level": id(), "why": text()}), &["id", "when", "level", "why"])},
                "supports": {"type": "array", "items": object(json!({"id": id(), "label": text(), "when": condition("When it holds; may read `level`"), "why": text()}), &["id", "when", "why"])},
            }), &[]),
            "flags": {"type": "array", "items": object(json!({
                "id": id(), "severity": {"enum": ["critical", "warning", "info"]},
                "when": condition("When it is raised; may read `level`"), "message": text(),
                "action": {"type": "string", "pattern": "^\\s*\\S[^\\n\\r]*\\s*$", "description": "One line: what the clinician should do about the flag, shown with it in every output (not the acknowledgement choices: those are `actions`)."},
                "actions": {"type": "array", "items": id(), "minItems": 1, "uniqueItems": true, "description": "Critical flags: the ids of `flag_actions` offered when it is acknowledged (default: all of them)."},
            }), &["id", "severity", "when", "message"])},
            "exclusions": {"type": "array", "items": object(json!({"id": id(), "when": condition("When the rule set does not apply"), "message": text()}), &["id", "when", "message"])},
            "checks": {"type": "array", "items": object(json!({
                "id": id(),
                "when": condition("When the answers contradict each other; reads answers as recorded, skip logic or not"),
                "message": {"type": "string", "pattern": "^\\s*\\S[^\\n\\r]*\\s*$", "description": "One line naming the answers that contradict each other."},
                "severity": {"enum": ["warning", "error"], "description": "`warning` (the default) notes the contradiction; `error` refuses the intake."},
            }), &["id", "when", "message"])},
            "override_reasons": {"type": "array", "items": {
                "allOf": [object(json!({
                    "id": id(), "label": text(), "note_required": {"type": "boolean"},
                    "no_override": {"type": "boolean", "description": "This reason means \"no override\" (e.g. `not_applicable`): never a reason for a placement at another level. Cannot be `note_required`."},
                }), &["id", "label"])],
                "not": {"required": ["no_override", "note_required"], "properties": {"no_override": {"const": true}, "note_required": {"const": true}}},
            }},
            "flag_actions": {"type": "array", "description": "What an assessor may record as done about a critical flag when acknowledging it.", "items": object(json!({"id": id(), "label": text(), "note_required": {"type": "boolean"}}), &["id", "label"])},
            "answer_sources": {"type": "array", "description": "Where an answer may come from (the client, family, records ...), recorded per answer in an intake's `sources`.", "items": object(json!({"id": id(), "label": text()}), &["id", "label"])},
        },
    })
}

/// The schema of one answer to a question (null: missing).
fn answer(kind: &QuestionKind) -> Value {
    let mut v = match kind {
        QuestionKind::YesNo => json!({"type": "boolean"}),
        QuestionKind::SingleChoice(o) => {
            json!({"enum": o.iter().map(|o| o.id.clone()).collect::<Vec<_>>()})
        }
        QuestionKind::MultiChoice(o) => {
            let mut v = json!({
                "type": "array", "uniqueItems": true,
                "items": {"enum": o.iter().map(|o| o.id.clone()).collect::<Vec<_>>()},
            });
            let exclusive: Vec<&str> = o
                .iter()
                .filter(|o| o.exclusive)
                .map(|o| o.id.as_str())
                .collect();
            if !exclusive.is_empty() {
                // An exclusive option is ticked alone.
                v["not"] = json!({"contains": {"enum": exclusive}, "minItems": 2});
            }
            v
        }
        QuestionKind::Integer {
            min, max, allowed, ..
        } => match allowed {
            Some(a) => json!({"type": "integer", "enum": a}),
            None => json!({"type": "integer", "minimum": min, "maximum": max}),
        },
        QuestionKind::Number { min, max } => {
            json!({"type": "number", "minimum": min, "maximum": max})
        }
        QuestionKind::Text { max_length } => json!({"type": "string", "maxLength": max_length}),
    };
    // `null` is a missing answer; enums need it listed.
    let any = json!({"anyOf": [v.take(), {"type": "null"}]});
    any
}

fn with_description(mut v: Value, d: &str) -> Value {
    v["description"] = json!(d);
    v
}

/// `answers` and `declined` for a rule set.
fn answers(rs: &RuleSet) -> (Value, Value) {
    let mut props = Map::new();
    for q in &rs.questions {
        let mut a = answer(&q.kind);
        a["description"] = json!(q.text);
        props.insert(q.id.clone(), a);
    }
    let ids: Vec<&str> = rs.questions.iter().map(|q| q.id.as_str()).collect();
    (
        json!({"type": ["object", "null"], "description": "Question id to answer.", "properties": props, "additionalProperties": false}),
        json!({"type": ["array", "null"], "description": "Questions asked but not answered.", "uniqueItems": true, "items": {"enum": ids}}),
    )
}

/// The schema of intake files answered against `rs`.
pub fn intake(rs: &RuleSet) -> Value {
    let (answers, _) = answers(rs);
    let levels: Vec<&str> = rs.levels.iter().map(|l| l.id.as_str()).collect();
    let reasons: Vec<&str> = rs.override_reasons.iter().map(|o| o.id.as_str()).collect();
    let actions: Vec<&str> = rs.flag_actions.iter().map(|a| a.id.as_str()).collect();
    let question_ids: Vec<&str> = rs.questions.iter().map(|q| q.id.as_str()).collect();
    let question = json!({"$ref": "#/definitions/question"});
    let no_answer = json!({"type": ["array", "null"], "uniqueItems": true, "items": question});
    let sources: Vec<&str> = rs.answer_sources.iter().map(|s| s.id.as_str()).collect();
    let event = |name: &str, props: Value, required: &[&str]| {
        let mut p = json!({"event": {"const": name}, "at": text(), "by": text()});
        for (k, v) in props.as_object().into_iter().flatten() {
            p[k] = v.clone();
        }
        let mut req = vec!["event"];
        req.extend_from_slice(required);
        object(p, &req)
    };
    let value =
        json!({"description": "An answer, or `{no_answer: declined|unknown|not_applicable}`."});
    let history = json!([
        event("started", json!({}), &[]),
        event("resumed", json!({}), &[]),
        event(
            "changed",
            json!({"question": question, "from": value, "to": value}),
            &["question"]
        ),
        event(
            "acknowledged",
            json!({"flag": text(), "action": {"enum": actions}, "note": text()}),
            &["flag"]
        ),
        event(
            "placed",
            json!({"level": {"enum": levels}, "reason": {"enum": reasons}, "note": text()}),
            &["level"]
        ),
    ]);
    let action = if actions.is_empty() {
        json!({"type": "null", "description": "The rule set has no flag actions."})
    } else {
        json!({"anyOf": [{"enum": actions}, {"type": "null"}], "description": "What was done: one of the rule set's flag actions."})
    };
    json!({
        "$schema": DRAFT,
        "title": format!("placement intake file (rule set `{}` {})", rs.name, rs.version),
        "description": "One person's answers (docs/intake.md). Only `intake` and `answers` are required.",
        "type": "object",
        "additionalProperties": false,
        "required": ["intake", "answers"],
        "definitions": {"question": {"enum": question_ids, "description": "A question id of the rule set."}},
        "properties": {
            "intake": {"const": crate::intake::FORMAT_VERSION, "description": "The format version."},
            "id": {"type": ["string", "integer"], "description": "A pseudonymous reference; never a name."},
            "status": {"enum": ["complete", "in_progress"]},
            "started_at": {"type": "string", "description": "When the interview began."},
            "assessed_at": {"type": "string", "description": "When the recommendation was reached (absent while the interview is in progress)."},
            "updated_at": {"type": "string", "description": "When the file was last saved."},
            "assessor": {"type": "string", "description": "The first assessor; later ones appear in `history`."},
            "client": {"type": ["string", "integer"], "description": "The program's own reference for the person, the same in every assessment of them; never a name."},
            "comment": text(),
            "rules": object(json!({"name": text(), "version": text(), "sha256": text()}), &[]),
            "reassessment": object(json!({
                "previous": object(json!({"id": {"type": ["string", "integer"]}, "sha256": text(), "assessed_at": text()}), &[]),
                "changed": {"type": ["array", "null"], "description": "Questions whose answer differs from the previous assessment.", "uniqueItems": true, "items": question},
            }), &[]),
            "answers": answers,
            "declined": with_description(no_answer.clone(), "Questions asked that the person chose not to answer."),
            "unknown": with_description(no_answer.clone(), "Questions asked whose answer nobody knows."),
            "not_applicable": with_description(no_answer, "Questions asked that do not apply to the person."),
            "notes": {"type": ["object", "null"], "description": "Question id to a note on its answer.", "propertyNames": question, "additionalProperties": text()},
            "sources": {"type": ["object", "null"], "description": "Question id to where its answer came from: one of the rule set's `answer_sources`.", "propertyNames": question, "additionalProperties": {"enum": sources}},
            "history": {"type": ["array", "null"], "description": "What happened in the interview, oldest first (append-only).", "items": {"oneOf": history}},
            "acknowledged_flags": {"type": ["array", "null"], "items": object(json!({"id": text(), "at": text(), "by": text(), "action": action, "note": {"type": ["string", "null"]}}), &["id"])},
            "recommendation": object(json!({"level": text(), "max_level": text(), "supports": {"type": "array", "items": text()}}), &[]),
            "placement": {"anyOf": [
                {"type": "null"},
                object(json!({
                    "level": {"enum": levels},
                    "reason": {"anyOf": [{"enum": reasons}, {"type": "null"}]},
                    "note": {"type": ["string", "null"]},
                }), &["level"]),
            ]},
        },
    })
}

/// The schema of `rules test` files for `rs`.
pub fn tests(rs: &RuleSet) -> Value {
    let (answers, declined) = answers(rs);
    let ids = |v: Vec<&str>| json!({"enum": v});
    let levels = ids(rs.levels.iter().map(|l| l.id.as_str()).collect());
    let mut ratings = Map::new();
    for d in &rs.dimensions {
        ratings.insert(
            d.id.clone(),
            json!({"type": "integer", "minimum": 0, "maximum": rs.max_rating}),
        );
    }
    let mut totals = Map::new();
    let mut bands = Map::new();
    for i in &rs.instruments {
        totals.insert(i.id.clone(), json!({"type": ["integer", "null"]}));
        let b: Vec<Value> = i
            .bands
            .iter()
            .map(|b| json!(b.id))
            .chain([Value::Null])
            .collect();
        bands.insert(i.id.clone(), json!({"enum": b}));
    }
    let list = |v: Vec<&str>| json!({"type": "array", "uniqueItems": true, "items": {"enum": v}});
    json!({
        "$schema": DRAFT,
        "title": format!("placement rule tests (rule set `{}` {})", rs.name, rs.version),
        "description": "Test cases for `placement rules test` (docs/ci.md).",
        "type": "object",
        "additionalProperties": false,
        "required": ["tests"],
        "properties": {
            "tests": {"type": "array", "items": object(json!({
                "name": {"type": "string", "minLength": 1},
                "answers": answers,
                "declined": declined,
                "expect": object(json!({
                    "level": levels.clone(),
                    "max_level": levels,
                    "ratings": {"type": "object", "properties": ratings, "additionalProperties": false},
                    "totals": {"type": "object", "properties": totals, "additionalProperties": false},
                    "bands": {"type": "object", "properties": bands, "additionalProperties": false},
                    "flags": list(rs.flags.iter().map(|f| f.id.as_str()).collect()),
                    "supports": list(rs.supports.iter().map(|s| s.id.as_str()).collect()),
                    "could_raise": list(rs.questions.iter().map(|q| q.id.as_str()).collect()),
                    "excluded": list(rs.exclusions.iter().map(|e| e.id.as_str()).collect()),
                    "contradictions": list(rs.checks.iter().map(|c| c.id.as_str()).collect()),
                }), &[]),
            }), &["name", "answers", "expect"])},
        },
    })
}
