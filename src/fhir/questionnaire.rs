//! The rule set as a FHIR R4 `Questionnaire`: sections as groups,
//! instruments as groups inside them, each question an item of the
//! matching type, options as codings, ranges as the standard extensions,
//! help as a display item, skip logic as `enableWhen` (or an SDC
//! `enableWhenExpression` where `enableWhen` cannot say it).

use super::{ext, skip, SHA256_SYSTEM};
use crate::rules::model::{Coding, Question, QuestionKind};
use crate::rules::RuleSet;
use serde_json::{json, Map, Value};

/// One answer a choice item offers, with the number conditions compare it
/// by (an option's position, a scale entry's value).
pub(crate) struct Answer {
    pub value: f64,
    pub system: String,
    pub code: String,
    pub display: String,
    /// The published score of a scale entry (`ordinalValue`).
    pub ordinal: Option<i64>,
    pub exclusive: bool,
}

impl Answer {
    pub fn coding(&self) -> Value {
        json!({"system": self.system, "code": self.code, "display": self.display})
    }
}

/// What a question becomes.
pub(crate) enum Shape<'a> {
    Choice {
        repeats: bool,
        answers: Vec<Answer>,
    },
    Boolean,
    Integer {
        min: i64,
        max: i64,
        allowed: Option<&'a [i64]>,
    },
    Decimal {
        min: f64,
        max: f64,
    },
    Text {
        max_length: usize,
    },
}

/// The export of one rule set: the rule set and the base its own code
/// systems are named from.
pub(crate) struct Export<'a> {
    pub rs: &'a RuleSet,
    pub base: String,
}

/// Text longer than this is a `text` item (several lines), shorter a
/// `string` (one line).
const STRING_MAX: usize = 255;

impl<'a> Export<'a> {
    pub fn new(rs: &'a RuleSet) -> Self {
        let base = match &rs.url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("urn:placement:{}", urn_part(&rs.name)),
        };
        Export { rs, base }
    }

    /// The code system of a question's own option ids (and scale values).
    pub fn option_system(&self, qid: &str) -> String {
        format!("{}/options/{qid}", self.base)
    }

    /// The coding an answer is offered and recorded as: its first code
    /// from the rule files when it has one, else its id (or scale value)
    /// under the question's own system.
    fn coding_of(&self, qid: &str, codes: &[Coding], own: String) -> (String, String) {
        match codes.first() {
            Some(c) => (c.system.clone(), c.code.clone()),
            None => (self.option_system(qid), own),
        }
    }

    pub fn shape(&self, q: &'a Question) -> Shape<'a> {
        match &q.kind {
            QuestionKind::SingleChoice(o) | QuestionKind::MultiChoice(o) => Shape::Choice {
                repeats: matches!(q.kind, QuestionKind::MultiChoice(_)),
                answers: o
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let (system, code) = self.coding_of(&q.id, &o.codes, o.id.clone());
                        Answer {
                            value: i as f64,
                            system,
                            code,
                            display: o.label.clone(),
                            ordinal: None,
                            exclusive: o.exclusive,
                        }
                    })
                    .collect(),
            },
            QuestionKind::YesNo => Shape::Boolean,
            QuestionKind::Integer {
                min,
                max,
                allowed,
                scale,
            } if scale_covers(*min, *max, allowed.as_deref(), scale) => Shape::Choice {
                repeats: false,
                answers: scale
                    .iter()
                    .enumerate()
                    .map(|(i, (v, label))| {
                        let codes = q.scale_codes.get(i).map(Vec::as_slice).unwrap_or(&[]);
                        let (system, code) = self.coding_of(&q.id, codes, v.to_string());
                        Answer {
                            value: *v as f64,
                            system,
                            code,
                            display: label.clone(),
                            ordinal: Some(*v),
                            exclusive: false,
                        }
                    })
                    .collect(),
            },
            QuestionKind::Integer {
                min, max, allowed, ..
            } => Shape::Integer {
                min: *min,
                max: *max,
                allowed: allowed.as_deref(),
            },
            QuestionKind::Number { min, max } => Shape::Decimal {
                min: *min,
                max: *max,
            },
            QuestionKind::Text { max_length } => Shape::Text {
                max_length: *max_length,
            },
        }
    }

    /// The questions the questionnaire holds: all but the retired ones,
    /// which are never asked.
    pub fn included(&self, q: usize) -> bool {
        !self.rs.questions[q].retired
    }

    fn item(&self, qi: usize) -> Value {
        let q = &self.rs.questions[qi];
        let mut m = Map::new();
        let shape = self.shape(q);
        let mut extensions = Vec::new();
        match &shape {
            Shape::Integer { min, max, .. } => {
                extensions.push(json!({"url": ext::MIN_VALUE, "valueInteger": min}));
                extensions.push(json!({"url": ext::MAX_VALUE, "valueInteger": max}));
            }
            Shape::Decimal { min, max } => {
                extensions.push(json!({"url": ext::MIN_VALUE, "valueDecimal": min}));
                extensions.push(json!({"url": ext::MAX_VALUE, "valueDecimal": max}));
            }
            _ => {}
        }
        let skip = q.ask_when.as_ref().and_then(|c| skip::skip(self, c));
        if let Some(skip::Skip::Expression(e)) = &skip {
            extensions.push(json!({
                "url": ext::ENABLE_WHEN_EXPRESSION,
                "valueExpression": {"language": "text/fhirpath", "expression": e},
            }));
        }
        if !extensions.is_empty() {
            m.insert("extension".into(), Value::Array(extensions));
        }
        m.insert("linkId".into(), json!(q.id));
        if !q.codes.is_empty() {
            m.insert("code".into(), codings(&q.codes));
        }
        m.insert("text".into(), json!(q.text));
        let ty = match &shape {
            Shape::Choice { .. } => "choice",
            Shape::Boolean => "boolean",
            Shape::Integer { .. } => "integer",
            Shape::Decimal { .. } => "decimal",
            Shape::Text { max_length } if *max_length > STRING_MAX => "text",
            Shape::Text { .. } => "string",
        };
        m.insert("type".into(), json!(ty));
        if let Some(skip::Skip::EnableWhen { items, behavior }) = skip {
            m.insert("enableWhen".into(), Value::Array(items));
            if let Some(b) = behavior {
                m.insert("enableBehavior".into(), json!(b));
            }
        }
        match &shape {
            Shape::Choice { repeats, answers } => {
                if *repeats {
                    m.insert("repeats".into(), json!(true));
                }
                let options: Vec<Value> = answers
                    .iter()
                    .map(|a| {
                        let mut o = Map::new();
                        let mut e = Vec::new();
                        if let Some(v) = a.ordinal {
                            e.push(json!({"url": ext::ORDINAL_VALUE, "valueDecimal": v}));
                        }
                        if a.exclusive {
                            e.push(json!({"url": ext::OPTION_EXCLUSIVE, "valueBoolean": true}));
                        }
                        if !e.is_empty() {
                            o.insert("extension".into(), Value::Array(e));
                        }
                        o.insert("valueCoding".into(), a.coding());
                        Value::Object(o)
                    })
                    .collect();
                m.insert("answerOption".into(), Value::Array(options));
            }
            Shape::Integer {
                allowed: Some(allowed),
                ..
            } => {
                let options: Vec<Value> =
                    allowed.iter().map(|v| json!({"valueInteger": v})).collect();
                m.insert("answerOption".into(), Value::Array(options));
            }
            Shape::Text { max_length } => {
                m.insert("maxLength".into(), json!(max_length));
            }
            _ => {}
        }
        if let Some(help) = &q.help {
            m.insert(
                "item".into(),
                json!([{
                    "extension": [{
                        "url": ext::ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [{"system": ext::ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}],
                            "text": "Help-Button",
                        },
                    }],
                    "linkId": format!("help-{}", q.id),
                    "text": help,
                    "type": "display",
                }]),
            );
        }
        Value::Object(m)
    }

    /// A section's items: its questions, with the questions of an
    /// instrument whose items stand together in it, in its order, in a
    /// group of their own.
    fn section_items(&self, range: std::ops::Range<usize>) -> Vec<Value> {
        let mut out = Vec::new();
        let mut qi = range.start;
        while qi < range.end {
            let group = self.rs.instruments.iter().find(|i| {
                let n = i.items.len();
                qi + n <= range.end
                    && i.items
                        .iter()
                        .enumerate()
                        .all(|(k, it)| it.question == qi + k)
            });
            match group {
                Some(inst) => {
                    let items: Vec<Value> = (qi..qi + inst.items.len())
                        .filter(|&q| self.included(q))
                        .map(|q| self.item(q))
                        .collect();
                    let mut g = Map::new();
                    g.insert("linkId".into(), json!(format!("instrument-{}", inst.id)));
                    if !inst.codes.is_empty() {
                        g.insert("code".into(), codings(&inst.codes));
                    }
                    g.insert("text".into(), json!(inst.name));
                    g.insert("type".into(), json!("group"));
                    g.insert("item".into(), Value::Array(items));
                    out.push(Value::Object(g));
                    qi += inst.items.len();
                }
                None => {
                    if self.included(qi) {
                        out.push(self.item(qi));
                    }
                    qi += 1;
                }
            }
        }
        out
    }

    fn questionnaire(&self) -> Value {
        let rs = self.rs;
        let sections: Vec<Value> = rs
            .sections
            .iter()
            .map(|s| (s, self.section_items(s.questions.clone())))
            .filter(|(_, items)| !items.is_empty())
            .map(|(s, items)| {
                json!({
                    "linkId": format!("section-{}", s.id),
                    "text": s.title,
                    "type": "group",
                    "item": items,
                })
            })
            .collect();
        let mut m = Map::new();
        m.insert("resourceType".into(), json!("Questionnaire"));
        m.insert("url".into(), json!(self.base));
        m.insert(
            "identifier".into(),
            json!([{"system": SHA256_SYSTEM, "value": rs.sha256}]),
        );
        m.insert("version".into(), json!(rs.version));
        m.insert("name".into(), json!(computable_name(&rs.name)));
        m.insert("title".into(), json!(rs.name));
        m.insert("status".into(), json!("active"));
        m.insert("subjectType".into(), json!(["Patient"]));
        if let Some(d) = &rs.description {
            m.insert("description".into(), json!(d));
        }
        m.insert("item".into(), Value::Array(sections));
        Value::Object(m)
    }
}

/// The rule set as a FHIR R4 Questionnaire (`docs/fhir.md`).
pub fn questionnaire(rs: &RuleSet) -> Value {
    Export::new(rs).questionnaire()
}

fn codings(codes: &[Coding]) -> Value {
    Value::Array(
        codes
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("system".into(), json!(c.system));
                m.insert("code".into(), json!(c.code));
                if let Some(d) = &c.display {
                    m.insert("display".into(), json!(d));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

/// Whether an integer question's scale names every answer it accepts, and
/// only those, once each: then it is offered as a choice of them.
fn scale_covers(min: i64, max: i64, allowed: Option<&[i64]>, scale: &[(i64, String)]) -> bool {
    if scale.is_empty() {
        return false;
    }
    let mut values: Vec<i64> = scale.iter().map(|(v, _)| *v).collect();
    values.sort_unstable();
    values.dedup();
    if values.len() != scale.len() {
        return false;
    }
    match allowed {
        Some(a) => {
            let mut a = a.to_vec();
            a.sort_unstable();
            a.dedup();
            a == values
        }
        None => {
            max.checked_sub(min)
                .and_then(|d| d.checked_add(1))
                .is_some_and(|n| n == values.len() as i64)
                && values.first() == Some(&min)
                && values.last() == Some(&max)
        }
    }
}

/// A rule set's name as the part of a URN: letters, digits, `.`, `_` and
/// `-` as they are, any other byte as `%XX`.
fn urn_part(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push_str("rules");
    }
    out
}

/// A name a machine can use (`Questionnaire.name`): an upper-case letter
/// first, then letters, digits and `_`.
fn computable_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => {
            out.replace_range(..1, &c.to_ascii_uppercase().to_string());
            out
        }
        _ => format!("Placement_{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(urn_part("default"), "default");
        assert_eq!(urn_part("our rules/2"), "our%20rules%2F2");
        assert_eq!(urn_part(""), "rules");
        assert_eq!(computable_name("default"), "Default");
        assert_eq!(computable_name("our rules-2"), "Our_rules_2");
        assert_eq!(computable_name("2x"), "Placement_2x");
    }

    #[test]
    fn scales() {
        let s = |v: &[i64]| v.iter().map(|v| (*v, String::new())).collect::<Vec<_>>();
        assert!(scale_covers(0, 3, None, &s(&[0, 1, 2, 3])));
        assert!(!scale_covers(0, 3, None, &s(&[0, 1, 3])));
        assert!(!scale_covers(0, 3, None, &s(&[0, 1, 1, 3])));
        assert!(scale_covers(0, 4, Some(&[0, 2, 4]), &s(&[0, 2, 4])));
        assert!(!scale_covers(0, 4, Some(&[0, 2, 4]), &s(&[0, 1, 2, 3, 4])));
        assert!(!scale_covers(0, 3, None, &[]));
    }
}
