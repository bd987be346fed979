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

impl Layout {
    /// The layout of a rule set, made once per process and rule set.
    pub fn of(rs: &RuleSet) -> std::sync::Arc<Layout> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock};
        static MADE: OnceLock<Mutex<HashMap<String, Arc<Layout>>>> = OnceLock::new();
        let made = MADE.get_or_init(Default::default);
        let key = format!("{}\u{0}{}", rs.sha256, rs.url.as_deref().unwrap_or(""));
        if let Some(l) = made.lock().expect("not poisoned").get(&key) {
            return l.clone();
        }
        let l = Arc::new(Layout::new(rs));
        made.lock().expect("not poisoned").insert(key, l.clone());
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
        let shapes = rs
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
        Layout {
            items,
            shapes,
            canonical,
            sha256: rs.sha256.clone(),
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
            ItemKind::Boolean => vec![json!({"valueBoolean": a})],
            ItemKind::Integer => vec![json!({"valueInteger": a})],
            ItemKind::Decimal => vec![json!({"valueDecimal": a})],
            ItemKind::Text => vec![json!({"valueString": a})],
        }
    }

    /// The native intake tree of a QuestionnaireResponse tree, every node
    /// at its place in the response.
    pub fn read(&self, rs: &RuleSet, node: &Node) -> Result<Node, IntakeError> {
        Reading { layout: self, rs }.response(node)
    }
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
    let Some(entries) = get(node, "entry") else {
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
        .map(|e| match get(e, "resource") {
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

fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.kind {
        Kind::Map(pairs) => pairs
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
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

fn key(s: &str, span: Span) -> Node {
    text(s, span)
}

/// One response being read into the native tree.
struct Reading<'l> {
    layout: &'l Layout,
    rs: &'l RuleSet,
}

/// What the items of a response give, as native fields.
#[derive(Default)]
struct Items {
    answers: Vec<(Node, Node)>,
    why: Vec<(&'static str, Node)>,
    notes: Vec<(Node, Node)>,
    sources: Vec<(Node, Node)>,
}

impl Reading<'_> {
    fn response(&self, node: &Node) -> Result<Node, IntakeError> {
        let rs = self.rs;
        let Kind::Map(pairs) = &node.kind else {
            return Err(error(
                "intake-format",
                node.span,
                "a QuestionnaireResponse must be a JSON object",
            ));
        };
        let at = node.span;
        let mut out: Vec<(Node, Node)> = vec![(
            key("intake", at),
            Node {
                kind: Kind::Int(crate::intake::FORMAT_VERSION),
                span: at,
            },
        )];
        // Which questionnaire it answers: this rule set's, or refused.
        let questionnaire = get(node, "questionnaire");
        // The SHA-256 a response may name: this rule set's, or that of the
        // other rule set whose questionnaire it answers (`fhir_accepts`).
        let mut sha256 = self.layout.sha256.as_str();
        match questionnaire.map(|n| (n, n.as_str())) {
            Some((_, Some(q))) if q == self.layout.canonical => {}
            Some((_, Some(q))) if rs.fhir_accepts.iter().any(|(c, _)| c == q) => {
                sha256 = &rs.fhir_accepts.iter().find(|(c, _)| c == q).expect("found").1;
            }
            Some((n, Some(q))) => {
                return Err(error(
                    "questionnaire-mismatch",
                    n.span,
                    format!(
                        "the response answers the questionnaire {}, not this rule set's ({}): score it with the rule set it was made from (--rules)",
                        crate::diag::text::visible(&quote_canonical(q)),
                        self.layout.canonical
                    ),
                ))
            }
            Some((n, None)) => {
                return Err(error(
                    "intake-format",
                    n.span,
                    "`questionnaire` must be text: the canonical URL|VERSION of the questionnaire answered",
                ))
            }
            None => {
                return Err(error(
                    "questionnaire-mismatch",
                    at,
                    format!(
                        "the response does not say which questionnaire it answers (`questionnaire`); this rule set's is {}",
                        self.layout.canonical
                    ),
                ))
            }
        }
        let mut record = None;
        for (k, v) in pairs {
            match k.as_str() {
                Some("extension") => {
                    for e in seq(v)? {
                        match get(e, "url").and_then(Node::as_str) {
                            Some(ext::RULES_SHA256) => {
                                let sha = get(e, "valueString").and_then(Node::as_str);
                                if sha != Some(sha256) && sha != Some(self.layout.sha256.as_str()) {
                                    return Err(error(
                                        "questionnaire-mismatch",
                                        e.span,
                                        format!(
                                            "the response was made from a questionnaire of another edit of this rule set version (its SHA-256 differs from {}): score it with the rule set it was made from (--rules)",
                                            sha256
                                        ),
                                    ));
                                }
                            }
                            Some(ext::RECORD) => record = Some(e),
                            // Other extensions (a forms engine's own) say
                            // nothing the intake keeps.
                            _ => {}
                        }
                    }
                }
                Some("identifier") => {
                    if let Some(v) = get(v, "value") {
                        out.push((key("id", v.span), v.clone()));
                    }
                }
                Some("status") => {
                    let status = match v.as_str() {
                        Some("completed") | Some("amended") => "complete",
                        Some("in-progress") => "in_progress",
                        _ => {
                            return Err(error(
                                "intake-format",
                                v.span,
                                "a response's `status` must be `completed`, `amended` or `in-progress` to be scored (`stopped` and `entered-in-error` responses are not intakes)",
                            ))
                        }
                    };
                    out.push((key("status", v.span), text(status, v.span)));
                }
                Some("subject") => {
                    if let Some(c) = get(v, "identifier").and_then(|i| get(i, "value")) {
                        out.push((key("client", c.span), c.clone()));
                    }
                }
                Some("author") => {
                    if let Some(a) = get(v, "identifier").and_then(|i| get(i, "value")) {
                        out.push((key("assessor", a.span), a.clone()));
                    }
                }
                Some("authored") => out.push((key("updated_at", v.span), v.clone())),
                _ => {}
            }
        }
        if let Some(r) = record {
            for field in seq_of(r, "extension")? {
                let (name, value) = from_extension(field)?;
                if CARRIED.contains(&name.as_str().unwrap_or("")) {
                    return Err(error(
                        "intake-format",
                        field.span,
                        "this field of the record extension is carried by the response's own elements, not the extension",
                    ));
                }
                out.push((name, value));
            }
        }
        let mut items = Items::default();
        if let Some(list) = get(node, "item") {
            self.items(list, &mut items)?;
        }
        let map = |pairs: Vec<(Node, Node)>| Node {
            kind: Kind::Map(pairs),
            span: at,
        };
        out.push((key("answers", at), map(items.answers)));
        for why in ["declined", "unknown", "not_applicable"] {
            let ids: Vec<Node> = items
                .why
                .iter()
                .filter(|(w, _)| *w == why)
                .map(|(_, n)| n.clone())
                .collect();
            if !ids.is_empty() {
                out.push((
                    key(why, at),
                    Node {
                        kind: Kind::Seq(ids),
                        span: at,
                    },
                ));
            }
        }
        if !items.notes.is_empty() {
            out.push((key("notes", at), map(items.notes)));
        }
        if !items.sources.is_empty() {
            out.push((key("sources", at), map(items.sources)));
        }
        Ok(map(out))
    }

    /// The items of a list, groups opened, answers gathered.
    fn items(&self, list: &Node, into: &mut Items) -> Result<(), IntakeError> {
        for item in seq(list)? {
            let link = get(item, "linkId")
                .ok_or_else(|| error("intake-format", item.span, "an item has no `linkId`"))?;
            let Some(id) = link.as_str() else {
                return Err(error("intake-format", link.span, "`linkId` must be text"));
            };
            if let Some(children) = get(item, "item") {
                self.items(children, into)?;
            }
            let answer = get(item, "answer");
            let is_question = self.rs.question_index.contains_key(id);
            if !is_question {
                if answer.is_some() {
                    // An answer to no question of this rule set: the native
                    // reader names it (`unknown-question`).
                    into.answers.push((link.clone(), answer.cloned().unwrap()));
                }
                continue;
            }
            for e in get(item, "extension")
                .map(seq)
                .transpose()?
                .into_iter()
                .flatten()
            {
                let url = get(e, "url").and_then(Node::as_str);
                let value = |name: &str| {
                    get(e, name).cloned().ok_or_else(|| {
                        error(
                            "intake-format",
                            e.span,
                            format!("this extension needs a `{name}`"),
                        )
                    })
                };
                match url {
                    Some(ext::NO_ANSWER) => {
                        let v = value("valueCode")?;
                        let why = match v.as_str() {
                            Some("declined") => "declined",
                            Some("unknown") => "unknown",
                            Some("not_applicable") => "not_applicable",
                            _ => {
                                return Err(error(
                                    "intake-format",
                                    v.span,
                                    "why there is no answer must be `declined`, `unknown` or `not_applicable`",
                                ))
                            }
                        };
                        into.why.push((why, text(id, link.span)));
                    }
                    Some(ext::NOTE) => into.notes.push((link.clone(), value("valueString")?)),
                    Some(ext::SOURCE) => into.sources.push((link.clone(), value("valueCode")?)),
                    _ => {}
                }
            }
            if let Some(answer) = answer {
                let q = self.rs.question_index[id];
                into.answers.push((link.clone(), self.answer(q, answer)?));
            }
        }
        Ok(())
    }

    /// The native answer of question `q` from an item's `answer` list.
    fn answer(&self, q: usize, list: &Node) -> Result<Node, IntakeError> {
        let question = &self.rs.questions[q];
        let entries = seq(list)?;
        let shape = &self.layout.shapes[q];
        let mut values = Vec::new();
        for entry in entries {
            let Kind::Map(pairs) = &entry.kind else {
                return Err(error(
                    "intake-format",
                    entry.span,
                    "an answer must be an object with one value[x]",
                ));
            };
            let value = pairs
                .iter()
                .find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("value")));
            let Some((vk, v)) = value else {
                return Err(error(
                    "intake-format",
                    entry.span,
                    format!("the answer to `{}` has no value[x]", question.id),
                ));
            };
            let native = match (&shape, vk.as_str()) {
                (ItemKind::Choice(answers), Some("valueCoding")) => {
                    let system = get(v, "system").and_then(Node::as_str);
                    let code = get(v, "code").and_then(Node::as_str);
                    let found = answers
                        .iter()
                        .position(|a| Some(a.0.as_str()) == system && Some(a.1.as_str()) == code)
                        .ok_or_else(|| {
                            error(
                                "unknown-option",
                                v.span,
                                format!(
                                    "the answer to `{}` is a coding (system and code) that is not one of its answer options in the questionnaire",
                                    question.id
                                ),
                            )
                        })?;
                    match &question.kind {
                        QuestionKind::Integer { .. } => Node {
                            kind: Kind::Int(answers[found].3 as i64),
                            span: v.span,
                        },
                        kind => text(
                            &kind.options().expect("a choice has options")[found].id,
                            v.span,
                        ),
                    }
                }
                (ItemKind::Choice(_), _) => {
                    return Err(error(
                        "intake-format",
                        vk.span,
                        format!(
                            "the answer to `{}` must be a valueCoding (one of its answer options)",
                            question.id
                        ),
                    ))
                }
                (ItemKind::Boolean, Some("valueBoolean"))
                | (ItemKind::Integer, Some("valueInteger"))
                | (ItemKind::Decimal, Some("valueDecimal" | "valueInteger"))
                | (ItemKind::Text, Some("valueString")) => v.clone(),
                (_, _) => {
                    let want = match shape {
                        ItemKind::Boolean => "valueBoolean",
                        ItemKind::Integer => "valueInteger",
                        ItemKind::Decimal => "valueDecimal",
                        _ => "valueString",
                    };
                    return Err(error(
                        "intake-format",
                        vk.span,
                        format!("the answer to `{}` must be a {want}", question.id),
                    ));
                }
            };
            values.push(native);
        }
        Ok(match (&question.kind, values.len()) {
            (QuestionKind::MultiChoice(_), _) => Node {
                kind: Kind::Seq(values),
                span: list.span,
            },
            (_, 1) => values.pop().expect("one value"),
            _ => {
                return Err(error(
                    "intake-format",
                    list.span,
                    format!(
                        "`{}` takes one answer; the response gives {}",
                        question.id,
                        values.len()
                    ),
                ))
            }
        })
    }
}

/// A canonical URL as text in a message.
fn quote_canonical(q: &str) -> String {
    format!("`{q}`")
}

fn seq(node: &Node) -> Result<&[Node], IntakeError> {
    match &node.kind {
        Kind::Seq(items) => Ok(items),
        _ => Err(error(
            "intake-format",
            node.span,
            format!("expected a list, found {}", node.kind_name()),
        )),
    }
}

fn seq_of<'n>(node: &'n Node, key: &str) -> Result<&'n [Node], IntakeError> {
    match get(node, key) {
        Some(n) => seq(n),
        None => Ok(&[]),
    }
}

/// A field of the record extension back as a native key and value.
fn from_extension(e: &Node) -> Result<(Node, Node), IntakeError> {
    let url =
        get(e, "url").ok_or_else(|| error("intake-format", e.span, "an extension has no `url`"))?;
    let Some(name) = url.as_str() else {
        return Err(error("intake-format", url.span, "`url` must be text"));
    };
    let value = from_extension_value(e, name == LIST_ITEM)?;
    Ok((text(name, url.span), value))
}

fn from_extension_value(e: &Node, _in_list: bool) -> Result<Node, IntakeError> {
    if let Some(children) = get(e, "extension") {
        let children = seq(children)?;
        let is_list = !children.is_empty()
            && children
                .iter()
                .all(|c| get(c, "url").and_then(Node::as_str) == Some(LIST_ITEM));
        if is_list {
            let items = children
                .iter()
                .map(|c| from_extension_value(c, true))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Node {
                kind: Kind::Seq(items),
                span: e.span,
            });
        }
        let pairs = children
            .iter()
            .map(from_extension)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Node {
            kind: Kind::Map(pairs),
            span: e.span,
        });
    }
    for v in [
        "valueString",
        "valueInteger",
        "valueDecimal",
        "valueBoolean",
    ] {
        if let Some(n) = get(e, v) {
            return Ok(n.clone());
        }
    }
    Err(error(
        "intake-format",
        e.span,
        "an extension of the record needs nested extensions or a valueString, valueInteger, valueDecimal or valueBoolean",
    ))
}

/// A JSON text as a tree with no places (every span unknown), read by
/// `serde_json`: the fast way in for responses, whose errors are then
/// reported by reading the text again with places.
struct Plain(Node);

impl<'de> serde::Deserialize<'de> for Plain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn node(kind: Kind) -> Node {
            Node {
                kind,
                span: Span::default(),
            }
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Bool(v))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Int(v))))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Plain, E> {
                i64::try_from(v)
                    .map(|v| Plain(node(Kind::Int(v))))
                    .map_err(|_| E::custom("too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Float(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Str(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Str(v))))
            }
            fn visit_unit<E>(self) -> Result<Plain, E> {
                Ok(Plain(node(Kind::Null)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut items = Vec::new();
                while let Some(Plain(n)) = a.next_element()? {
                    items.push(n);
                }
                Ok(Plain(node(Kind::Seq(items))))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Plain, A::Error> {
                let mut pairs = Vec::new();
                while let Some(k) = a.next_key::<std::borrow::Cow<'de, str>>()? {
                    // Text for people, never read: skipped unread.
                    if k == "text" || k == "display" {
                        a.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    let Plain(v) = a.next_value()?;
                    pairs.push((node(Kind::Str(k.into_owned())), v));
                }
                Ok(Plain(node(Kind::Map(pairs))))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a QuestionnaireResponse JSON text the fast way, or `None` when it
/// is not one or anything about it needs the full reader (which then says
/// what, with its line and column). Accepts exactly what the full reader
/// accepts: the same conversion and the same intake reader, on a tree
/// built by `serde_json`; near the full reader's budgets, it gives up.
pub fn fast(text: &str, rs: &RuleSet, limits: &crate::yaml::Limits) -> Option<Intake> {
    if text.len() > limits.max_bytes || !text.contains("QuestionnaireResponse") {
        return None;
    }
    let Plain(node) = serde_json::from_str(text).ok()?;
    if resource_type(&node) != Some("QuestionnaireResponse") {
        return None;
    }
    // Counted here with every scalar a level and every key a node, at
    // least as much as the YAML parser counts; at a budget, give up.
    let (nodes, depth) = size(&node);
    if depth + 1 > limits.max_depth || nodes > limits.max_nodes {
        return None;
    }
    let native = Layout::of(rs).read(rs, &node).ok()?;
    crate::intake::from_node_limited(&native, rs, limits).ok()
}

/// How many nodes a tree has, and how deep it is.
fn size(n: &Node) -> (usize, usize) {
    match &n.kind {
        Kind::Seq(items) => items
            .iter()
            .map(size)
            .fold((1, 1), |(c, d), (c2, d2)| (c + c2, d.max(d2 + 1))),
        Kind::Map(pairs) => pairs
            .iter()
            .map(|(_, v)| size(v))
            .fold((1, 1), |(c, d), (c2, d2)| (c + c2 + 1, d.max(d2 + 1))),
        _ => (1, 1),
    }
}
