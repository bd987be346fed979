//! An intake as a FHIR R4 `QuestionnaireResponse`, both ways
//! (`docs/fhir.md`).
//!
//! Writing starts from the intake's native JSON ([`crate::intake::to_json`])
//! and lays its answers out in the questionnaire's items
//! ([`super::questionnaire`]). Reading turns a response's tree into the
//! native tree, keeping every node's place in the file, and hands it to the
//! one intake reader ([`crate::intake::from_node_limited`]): a response is
//! checked exactly as a native intake is, and its errors name the line and
//! column in the response.

use super::questionnaire::{Export, Shape};
use crate::diag::{Diagnostic, Span};
use crate::intake::{Intake, IntakeError};
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use crate::yaml::{Kind, Node};
use serde_json::{json, Map, Value};

mod fast;
mod read;
mod scan;

pub use fast::fast;
use read::Reading;

/// The extensions and identifier systems a response uses for what FHIR
/// has no element of its own for.
pub mod ext {
    /// On an item with no answer: why (`declined`, `unknown`,
    /// `not_applicable`), `valueCode`.
    pub const NO_ANSWER: &str = "urn:placement:extension:no-answer";
    /// On an item: the assessor's note on the answer, `valueString`.
    pub const NOTE: &str = "urn:placement:extension:note";
    /// On an item: where the answer came from (an answer source id of the
    /// rule set), `valueCode`.
    pub const SOURCE: &str = "urn:placement:extension:source";
    /// On the response: the SHA-256 of the rule set whose questionnaire it
    /// answers, `valueString`.
    pub const RULES_SHA256: &str = "urn:placement:extension:rules-sha256";
    /// On the response: the rest of the intake record (timestamps but the
    /// last save, the rule set it was answered under, the reassessment
    /// link, acknowledgements, recommendation, placement, history), one
    /// nested extension per field.
    pub const RECORD: &str = "urn:placement:extension:record";
    /// `QuestionnaireResponse.identifier.system`: the intake's `id`.
    pub const INTAKE_ID: &str = "urn:placement:intake-id";
    /// `subject.identifier.system`: the intake's `client`.
    pub const CLIENT: &str = "urn:placement:client";
    /// `author.identifier.system`: the intake's `assessor`.
    pub const STAFF: &str = "urn:placement:staff";
}

/// The fields of the native intake a response carries in elements of its
/// own (or in items); every other field goes in the record extension.
const CARRIED: &[&str] = &[
    "intake",
    "id",
    "status",
    "updated_at",
    "assessor",
    "client",
    "answers",
    "declined",
    "unknown",
    "not_applicable",
    "notes",
    "sources",
];

/// How many items of the questionnaire's order, from the one after the
/// last item read, a reader tries before looking a linkId up: a response
/// leaves out the questions not answered.
const LOOK_AHEAD: usize = 4;

/// The nested extension of one entry of a list in the record extension.
const LIST_ITEM: &str = "item";

/// The questionnaire's shape, made once per rule set ([`Layout::of`]): its
/// items as a tree, and how each question's answers are coded.
pub struct Layout {
    /// Top-level items of the questionnaire.
    items: Vec<Slot>,
    /// Per question, what its item is.
    shapes: Vec<ItemKind>,
    canonical: String,
    sha256: String,
    /// Every item's linkId in the questionnaire's order, and the question
    /// it is (none for a group): a response's items usually come in this
    /// order, so the reader tries the next one first.
    order: Vec<(String, Option<usize>)>,
    /// Where each linkId is in `order`.
    position: rustc_hash::FxHashMap<String, usize>,
    /// Per item of `order`, the start of it up to its `linkId`, as the
    /// writer writes it, where JSON writes the linkId with no escape: the
    /// fast reader looks for it in place.
    starts: Vec<Option<scan::Literal>>,
    /// Per question, the text its item is usually written with.
    in_place: Vec<InPlace>,
    /// An item's `text` key, which may come between its `linkId` and its
    /// answer.
    item_text: scan::Literal,
}

/// How the writer writes a question's item, for the fast reader to look
/// for in place: after the item's `linkId`, the text up to the answer's
/// value (`prefix`; for a coding, up to its `code`, only where JSON writes
/// the system that all the answers share with no escape); for a coding,
/// the text after its code up to its display's value; and after the
/// value (for a coding, its display's), the text to the item's end.
struct InPlace {
    prefix: Option<scan::Literal>,
    display: Option<scan::Literal>,
    /// For a coding, each answer's display and the item's end, as the
    /// writer writes them, where JSON writes the display with no escape
    /// (another display is read as it is).
    tails: Vec<Option<scan::Literal>>,
    end: scan::Literal,
}

impl InPlace {
    fn of(kind: &ItemKind) -> Self {
        use scan::Literal;
        match kind {
            ItemKind::Choice(answers) => {
                let system = answers
                    .first()
                    .filter(|first| answers.iter().all(|a| a.0 == first.0))
                    .filter(|first| scan::plain(&first.0));
                InPlace {
                    prefix: system.map(|(system, ..)| {
                        Literal::new(
                            format!(r#","answer":[{{"valueCoding":{{"system":"{system}","code":"#),
                            8,
                            3,
                            0,
                        )
                    }),
                    display: Some(Literal::new(r#","display":"#.into(), 1, 0, 0)),
                    tails: answers
                        .iter()
                        .map(|a| {
                            scan::plain(&a.2).then(|| {
                                Literal::new(format!(r#","display":"{}"}}}}]}}"#, a.2), 2, 0, 4)
                            })
                        })
                        .collect(),
                    // The coding, the answer entry, the answer list and the
                    // item end.
                    end: Literal::new("}}]}".into(), 0, 0, 4),
                }
            }
            other => {
                let key = other.value_key();
                InPlace {
                    prefix: Some(Literal::new(format!(r#","answer":[{{"{key}":"#), 4, 2, 0)),
                    display: None,
                    tails: Vec::new(),
                    // The answer entry, the answer list and the item end.
                    end: Literal::new("}]}".into(), 0, 0, 3),
                }
            }
        }
    }
}

/// An item of the questionnaire: a group of items, or a question.
enum Slot {
    Group(String, Vec<Slot>),
    Question(usize),
}

/// What a question's item is, and for a choice, each answer's coding and
/// the number it stands for (an option's position, a scale value).
enum ItemKind {
    Choice(Vec<(String, String, String, f64)>),
    Boolean,
    Integer,
    Decimal,
    Text,
}

impl ItemKind {
    /// The `value[x]` an answer to such an item is written with (a
    /// decimal question takes a `valueInteger` too).
    fn value_key(&self) -> &'static str {
        match self {
            ItemKind::Choice(_) => "valueCoding",
            ItemKind::Boolean => "valueBoolean",
            ItemKind::Integer => "valueInteger",
            ItemKind::Decimal => "valueDecimal",
            ItemKind::Text => "valueString",
        }
    }
}

impl Layout {
    /// The layout of a rule set, made once per process and rule set.
    pub fn of(rs: &RuleSet) -> std::sync::Arc<Layout> {
        use std::sync::{Arc, Mutex, OnceLock};
        // A rule set is known by its SHA-256, which covers its `url` and
        // `version` too; a process meets one or two.
        static MADE: OnceLock<Mutex<Vec<Arc<Layout>>>> = OnceLock::new();
        let mut made = MADE
            .get_or_init(Default::default)
            .lock()
            .expect("not poisoned");
        if let Some(l) = made.iter().find(|l| l.sha256 == rs.sha256) {
            return l.clone();
        }
        let l = Arc::new(Layout::new(rs));
        made.push(l.clone());
        l
    }

    fn new(rs: &RuleSet) -> Self {
        let export = Export::new(rs);
        let q = super::questionnaire(rs);
        fn walk(rs: &RuleSet, items: &Value) -> Vec<Slot> {
            items
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|it| {
                            let link = it["linkId"].as_str()?;
                            if it["type"] == "group" {
                                Some(Slot::Group(link.to_string(), walk(rs, &it["item"])))
                            } else {
                                rs.question_index.get(link).map(|&q| Slot::Question(q))
                            }
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        let items = walk(rs, &q["item"]);
        let shapes: Vec<ItemKind> = rs
            .questions
            .iter()
            .map(|question| match export.shape(question) {
                Shape::Choice { answers, .. } => ItemKind::Choice(
                    answers
                        .into_iter()
                        .map(|a| (a.system, a.code, a.display, a.value))
                        .collect(),
                ),
                Shape::Boolean => ItemKind::Boolean,
                Shape::Integer { .. } => ItemKind::Integer,
                Shape::Decimal { .. } => ItemKind::Decimal,
                Shape::Text { .. } => ItemKind::Text,
            })
            .collect();
        let canonical = format!("{}|{}", export.base, rs.version);
        fn flatten(items: &[Slot], rs: &RuleSet, order: &mut Vec<(String, Option<usize>)>) {
            for item in items {
                match item {
                    Slot::Group(link, children) => {
                        order.push((link.clone(), None));
                        flatten(children, rs, order);
                    }
                    Slot::Question(q) => order.push((rs.questions[*q].id.to_string(), Some(*q))),
                }
            }
        }
        let mut order = Vec::new();
        flatten(&items, rs, &mut order);
        let position = order
            .iter()
            .enumerate()
            .map(|(i, (link, _))| (link.clone(), i))
            .collect();
        let starts = order
            .iter()
            .map(|(link, _)| {
                scan::plain(link)
                    .then(|| scan::Literal::new(format!(r#"{{"linkId":"{link}""#), 3, 1, 0))
            })
            .collect();
        Layout {
            items,
            starts,
            in_place: shapes.iter().map(InPlace::of).collect(),
            item_text: scan::Literal::new(r#","text":"#.into(), 1, 0, 0),
            shapes,
            canonical,
            sha256: rs.sha256.clone(),
            order,
            position,
        }
    }

    /// The question an item's `linkId` names, if any; `cursor` is where
    /// the last item read was in the questionnaire's order, and is moved
    /// past this one.
    fn question_at(&self, rs: &RuleSet, link: &str, cursor: &mut usize) -> Option<usize> {
        // The next few (questions skipped are left out), then any.
        let at = match self
            .order
            .get(*cursor..)
            .unwrap_or_default()
            .iter()
            .take(LOOK_AHEAD)
            .position(|(l, _)| l == link)
        {
            Some(k) => Some(*cursor + k),
            None => self.position.get(link).copied(),
        };
        match at {
            Some(at) => {
                *cursor = at + 1;
                self.order[at].1
            }
            None => rs.question(link),
        }
    }

    /// `URL|VERSION`: the questionnaire a response of this rule set answers.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The intake as a QuestionnaireResponse.
    pub fn write(&self, rs: &RuleSet, intake: &Intake) -> Value {
        let native = crate::intake::to_json(rs, intake);
        let native = native.as_object().expect("an intake is an object");
        let answers = native.get("answers").and_then(Value::as_object);
        let mut why: Vec<(&str, &str)> = Vec::new();
        for key in ["declined", "unknown", "not_applicable"] {
            for q in native
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(q) = q.as_str() {
                    why.push((q, key));
                }
            }
        }
        let text_of = |key: &str, q: &str| -> Option<String> {
            native
                .get(key)
                .and_then(|m| m.get(q))
                .and_then(Value::as_str)
                .map(String::from)
        };
        let item_of = |q: usize| -> Option<Value> {
            let id = rs.questions[q].id.as_str();
            let answer = answers.and_then(|a| a.get(id));
            let reason = why.iter().find(|(k, _)| *k == id).map(|(_, r)| *r);
            let note = text_of("notes", id);
            let source = text_of("sources", id);
            if answer.is_none() && reason.is_none() && note.is_none() && source.is_none() {
                return None;
            }
            let mut m = Map::new();
            let mut extensions = Vec::new();
            if let Some(r) = reason {
                extensions.push(json!({"url": ext::NO_ANSWER, "valueCode": r}));
            }
            if let Some(n) = note {
                extensions.push(json!({"url": ext::NOTE, "valueString": n}));
            }
            if let Some(s) = source {
                extensions.push(json!({"url": ext::SOURCE, "valueCode": s}));
            }
            if !extensions.is_empty() {
                m.insert("extension".into(), Value::Array(extensions));
            }
            m.insert("linkId".into(), json!(id));
            if let Some(a) = answer {
                m.insert("answer".into(), Value::Array(self.answers(rs, q, a)));
            }
            Some(Value::Object(m))
        };
        fn lay(slots: &[Slot], item_of: &dyn Fn(usize) -> Option<Value>) -> Vec<Value> {
            slots
                .iter()
                .filter_map(|s| match s {
                    Slot::Question(q) => item_of(*q),
                    Slot::Group(link, children) => {
                        let items = lay(children, item_of);
                        (!items.is_empty()).then(|| json!({"linkId": link, "item": items}))
                    }
                })
                .collect()
        }
        let mut items = lay(&self.items, &item_of);
        // Answers to retired questions (not in the questionnaire) follow,
        // at the top level, so that nothing recorded is lost.
        items.extend(
            (0..rs.questions.len())
                .filter(|&q| rs.questions[q].retired)
                .filter_map(item_of),
        );

        let mut m = Map::new();
        m.insert("resourceType".into(), json!("QuestionnaireResponse"));
        let mut extensions = vec![json!({"url": ext::RULES_SHA256, "valueString": rs.sha256})];
        let record: Vec<Value> = native
            .iter()
            .filter(|(k, _)| !CARRIED.contains(&k.as_str()))
            .filter_map(|(k, v)| record_extension(k, v))
            .collect();
        if !record.is_empty() {
            extensions.push(json!({"url": ext::RECORD, "extension": record}));
        }
        m.insert("extension".into(), Value::Array(extensions));
        if let Some(id) = &intake.id {
            m.insert(
                "identifier".into(),
                json!({"system": ext::INTAKE_ID, "value": id}),
            );
        }
        m.insert("questionnaire".into(), json!(self.canonical));
        m.insert(
            "status".into(),
            json!(match intake.status.as_deref() {
                Some("in_progress") => "in-progress",
                _ => "completed",
            }),
        );
        if let Some(c) = &intake.client {
            m.insert(
                "subject".into(),
                json!({"identifier": {"system": ext::CLIENT, "value": c}}),
            );
        }
        if let Some(t) = &intake.updated_at {
            m.insert("authored".into(), json!(t));
        }
        if let Some(a) = &intake.assessor {
            m.insert(
                "author".into(),
                json!({"identifier": {"system": ext::STAFF, "value": a}}),
            );
        }
        m.insert("item".into(), Value::Array(items));
        Value::Object(m)
    }

    /// The `answer` entries of question `q` for its native answer `a`.
    fn answers(&self, rs: &RuleSet, q: usize, a: &Value) -> Vec<Value> {
        let question = &rs.questions[q];
        match &self.shapes[q] {
            ItemKind::Choice(answers) => {
                let picked: Vec<&Value> = match a {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                picked
                    .into_iter()
                    .filter_map(|v| {
                        let position = match (&question.kind, v) {
                            (QuestionKind::Integer { .. }, Value::Number(n)) => {
                                let n = n.as_f64()?;
                                answers.iter().position(|x| x.3 == n)
                            }
                            (_, Value::String(s)) => question
                                .kind
                                .options()
                                .and_then(|o| o.iter().position(|o| o.id == *s)),
                            _ => None,
                        }?;
                        let (system, code, display, _) = &answers[position];
                        Some(json!({"valueCoding": {"system": system, "code": code, "display": display}}))
                    })
                    .collect()
            }
            other => vec![json!({ other.value_key(): a })],
        }
    }

    /// The native intake tree of a QuestionnaireResponse tree, every node
    /// at its place in the response.
    pub fn read(&self, rs: &RuleSet, node: &Node) -> Result<Node, IntakeError> {
        Reading { layout: self, rs }.response(node)
    }
}

/// The native value of a coding answered to question `q`, whose item
/// offers `answers`: the option's id, or for an integer offered as a
/// choice, its scale value. `None` when the coding (`system` and `code`)
/// is not one of them.
fn choice_value(
    rs: &RuleSet,
    q: usize,
    answers: &[(String, String, String, f64)],
    system: Option<&str>,
    code: Option<&str>,
) -> Option<Kind> {
    let found = choice_index(answers, system, code)?;
    Some(match &rs.questions[q].kind {
        QuestionKind::Integer { .. } => Kind::Int(answers[found].3 as i64),
        kind => Kind::Str(
            kind.options().expect("a choice has options")[found]
                .id
                .clone(),
        ),
    })
}

/// Which of a choice's answers a coding (its system and code) is.
fn choice_index(
    answers: &[(String, String, String, f64)],
    system: Option<&str>,
    code: Option<&str>,
) -> Option<usize> {
    // The code first: a question's answers often share one system.
    let (system, code) = (system?, code?);
    answers.iter().position(|a| a.1 == code && a.0 == system)
}

/// A field of the native intake as a nested extension: a mapping as
/// extensions of its keys, a list as `item` extensions, text, numbers
/// and true/false as values. Empty lists and mappings are left out.
fn record_extension(key: &str, v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(json!({"url": key, "valueBoolean": b})),
        Value::Number(n) if n.is_i64() && i32::try_from(n.as_i64()?).is_ok() => {
            Some(json!({"url": key, "valueInteger": n}))
        }
        Value::Number(n) => Some(json!({"url": key, "valueDecimal": n})),
        Value::String(s) => Some(json!({"url": key, "valueString": s})),
        Value::Array(items) => {
            let inner: Vec<Value> = items
                .iter()
                .filter_map(|v| record_extension(LIST_ITEM, v))
                .collect();
            (!inner.is_empty()).then(|| json!({"url": key, "extension": inner}))
        }
        Value::Object(m) => {
            let inner: Vec<Value> = m
                .iter()
                .filter_map(|(k, v)| record_extension(k, v))
                .collect();
            (!inner.is_empty()).then(|| json!({"url": key, "extension": inner}))
        }
    }
}

/// Whether a tree is a FHIR resource (a mapping with `resourceType`), and
/// which.
pub fn resource_type(node: &Node) -> Option<&str> {
    match &node.kind {
        Kind::Map(pairs) => pairs
            .iter()
            .find(|(k, _)| k.as_str() == Some("resourceType"))
            .and_then(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// The responses of a FHIR `Bundle` tree (`entry[].resource`), in order;
/// an entry that is not a QuestionnaireResponse is an error of its own.
pub fn bundle_entries(node: &Node) -> Vec<Result<&Node, IntakeError>> {
    let Some(entries) = node.get("entry") else {
        return Vec::new();
    };
    let Kind::Seq(entries) = &entries.kind else {
        return vec![Err(error(
            "intake-format",
            entries.span,
            "a Bundle's `entry` must be a list",
        ))];
    };
    entries
        .iter()
        .map(|e| match e.get("resource") {
            Some(r) if resource_type(r) == Some("QuestionnaireResponse") => Ok(r),
            Some(r) => Err(error(
                "intake-format",
                r.span,
                "this Bundle entry is not a QuestionnaireResponse; a Bundle given to `placement` holds QuestionnaireResponses only",
            )),
            None => Err(error(
                "intake-format",
                e.span,
                "this Bundle entry has no `resource`",
            )),
        })
        .collect()
}

fn error(code: &'static str, span: Span, message: impl Into<String>) -> IntakeError {
    IntakeError::single(Diagnostic::error(code, span, message))
}

fn text(s: &str, span: Span) -> Node {
    Node {
        kind: Kind::Str(s.to_string()),
        span,
    }
}
