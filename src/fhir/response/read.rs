//! Reading a response: its tree into the native intake's tree, every
//! value at its place in the response.

use super::{choice_value, error, ext, text, ItemKind, Layout, CARRIED, LIST_ITEM};
use crate::intake::IntakeError;
use crate::rules::model::QuestionKind;
use crate::rules::RuleSet;
use crate::yaml::{Kind, Node};

/// One response being read into the native tree.
pub(super) struct Reading<'l> {
    pub(super) layout: &'l Layout,
    pub(super) rs: &'l RuleSet,
}

/// What the items of a response give, as native fields.
#[derive(Default)]
pub(super) struct Items {
    answers: Vec<(Node, Node)>,
    why: Vec<(&'static str, Node)>,
    notes: Vec<(Node, Node)>,
    sources: Vec<(Node, Node)>,
    /// The fields of the record extension, already native (the fast way
    /// in reads them so); the response's record extension then has none.
    pub(super) record: Option<Vec<(Node, Node)>>,
}

impl Reading<'_> {
    pub(super) fn response(&self, node: &Node) -> Result<Node, IntakeError> {
        // A key twice in one object is refused, wherever it is: which of
        // the two a JSON reader keeps is not agreed, and an answer must
        // not depend on it.
        if let Some((key, first, second)) = key_twice(node) {
            return Err(IntakeError::single(
                crate::diag::Diagnostic::error(
                    "duplicate-key",
                    second,
                    format!(
                        "duplicate key `{}` in a QuestionnaireResponse",
                        crate::diag::text::visible(key)
                    ),
                )
                .with_help(format!(
                    "`{}` is already given at line {}, column {}",
                    crate::diag::text::visible(key),
                    first.line,
                    first.col
                )),
            ));
        }
        self.response_with(node, None)
    }

    /// [`Reading::response`], with the items already read (by the fast
    /// way in) when `read` is given; `node` then has no `item`.
    pub(super) fn response_with(
        &self,
        node: &Node,
        read: Option<Items>,
    ) -> Result<Node, IntakeError> {
        let rs = self.rs;
        let Kind::Map(pairs) = &node.kind else {
            return Err(error(
                "intake-format",
                node.span,
                "a QuestionnaireResponse must be a JSON object",
            ));
        };
        let at = node.span;
        // (Room for the fields a record usually has.)
        let mut out: Vec<(Node, Node)> = Vec::with_capacity(16);
        out.push((
            text("intake", at),
            Node {
                kind: Kind::Int(crate::intake::FORMAT_VERSION),
                span: at,
            },
        ));
        // Which questionnaire it answers: this rule set's, or refused.
        let questionnaire = node.get("questionnaire");
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
                        match e.get("url").and_then(Node::as_str) {
                            Some(ext::RULES_SHA256) => {
                                let sha = e.get("valueString").and_then(Node::as_str);
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
                    if let Some(v) = v.get("value") {
                        out.push((text("id", v.span), v.clone()));
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
                    out.push((text("status", v.span), text(status, v.span)));
                }
                Some("subject") => {
                    if let Some(c) = v.get("identifier").and_then(|i| i.get("value")) {
                        out.push((text("client", c.span), c.clone()));
                    }
                }
                Some("author") => {
                    if let Some(a) = v.get("identifier").and_then(|i| i.get("value")) {
                        out.push((text("assessor", a.span), a.clone()));
                    }
                }
                Some("authored") => out.push((text("updated_at", v.span), v.clone())),
                _ => {}
            }
        }
        let (read, read_record) = match read {
            Some(mut items) => {
                let record = items.record.take();
                (Some(items), record)
            }
            None => (None, None),
        };
        // A field of the record (at `span`), unless the response's own
        // elements carry it.
        let mut field = |name: Node, value: Node, span| {
            if CARRIED.contains(&name.as_str().unwrap_or("")) {
                return Err(error(
                    "intake-format",
                    span,
                    "this field of the record extension is carried by the response's own elements, not the extension",
                ));
            }
            out.push((name, value));
            Ok(())
        };
        if let Some(fields) = read_record {
            for (name, value) in fields {
                let span = name.span;
                field(name, value, span)?;
            }
        } else if let Some(r) = record {
            for e in seq_of(r, "extension")? {
                let (name, value) = from_extension(e)?;
                field(name, value, e.span)?;
            }
        }
        let items = match read {
            Some(items) => items,
            None => {
                let mut items = Items::default();
                if let Some(list) = node.get("item") {
                    self.items(list, &mut items)?;
                }
                items
            }
        };
        let map = |pairs: Vec<(Node, Node)>| Node {
            kind: Kind::Map(pairs),
            span: at,
        };
        out.push((text("answers", at), map(items.answers)));
        for why in ["declined", "unknown", "not_applicable"] {
            let ids: Vec<Node> = items
                .why
                .iter()
                .filter(|(w, _)| *w == why)
                .map(|(_, n)| n.clone())
                .collect();
            if !ids.is_empty() {
                out.push((
                    text(why, at),
                    Node {
                        kind: Kind::Seq(ids),
                        span: at,
                    },
                ));
            }
        }
        if !items.notes.is_empty() {
            out.push((text("notes", at), map(items.notes)));
        }
        if !items.sources.is_empty() {
            out.push((text("sources", at), map(items.sources)));
        }
        Ok(map(out))
    }

    /// The items of a list, groups opened, answers gathered.
    fn items(&self, list: &Node, into: &mut Items) -> Result<(), IntakeError> {
        for item in seq(list)? {
            let link = item
                .get("linkId")
                .ok_or_else(|| error("intake-format", item.span, "an item has no `linkId`"))?;
            let Some(id) = link.as_str() else {
                return Err(error("intake-format", link.span, "`linkId` must be text"));
            };
            if let Some(children) = item.get("item") {
                self.items(children, into)?;
            }
            let answer = item.get("answer");
            let is_question = self.rs.question_index.contains_key(id);
            if !is_question {
                if answer.is_some() {
                    // An answer to no question of this rule set: the native
                    // reader names it (`unknown-question`).
                    into.answers.push((link.clone(), answer.cloned().unwrap()));
                }
                continue;
            }
            let native = match answer {
                Some(answer) => Some(self.answer(self.rs.question_index[id], answer)?),
                None => None,
            };
            self.own(link, item.get("extension"), native, into)?;
        }
        Ok(())
    }

    /// What one question's item gives: its extensions (why there is no
    /// answer, the note, the source) and its answer, already native.
    pub(super) fn own(
        &self,
        link: &Node,
        extension: Option<&Node>,
        native: Option<Node>,
        into: &mut Items,
    ) -> Result<(), IntakeError> {
        let id = link.as_str().unwrap_or_default();
        for e in extension.map(seq).transpose()?.into_iter().flatten() {
            let url = e.get("url").and_then(Node::as_str);
            let value = |name: &str| {
                e.get(name).cloned().ok_or_else(|| {
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
        if let Some(native) = native {
            into.answers.push((link.clone(), native));
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
                    let system = v.get("system").and_then(Node::as_str);
                    let code = v.get("code").and_then(Node::as_str);
                    let kind = choice_value(self.rs, q, answers, system, code).ok_or_else(|| {
                        error(
                            "unknown-option",
                            v.span,
                            format!(
                                "the answer to `{}` is a coding (system and code) that is not one of its answer options in the questionnaire",
                                question.id
                            ),
                        )
                    })?;
                    Node { kind, span: v.span }
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
                    let want = shape.value_key();
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

/// The first key given twice in one object of a tree, with the places of
/// both.
fn key_twice(node: &Node) -> Option<(&str, crate::diag::Span, crate::diag::Span)> {
    match &node.kind {
        Kind::Map(pairs) => {
            for (i, (k, _)) in pairs.iter().enumerate() {
                if let Some(key) = k.as_str() {
                    if let Some((first, _)) =
                        pairs[..i].iter().find(|(p, _)| p.as_str() == Some(key))
                    {
                        return Some((key, first.span, k.span));
                    }
                }
            }
            pairs.iter().find_map(|(_, v)| key_twice(v))
        }
        Kind::Seq(items) => items.iter().find_map(key_twice),
        _ => None,
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
    match node.get(key) {
        Some(n) => seq(n),
        None => Ok(&[]),
    }
}

/// A field of the record extension back as a native key and value.
fn from_extension(e: &Node) -> Result<(Node, Node), IntakeError> {
    let url = e
        .get("url")
        .ok_or_else(|| error("intake-format", e.span, "an extension has no `url`"))?;
    let Some(name) = url.as_str() else {
        return Err(error("intake-format", url.span, "`url` must be text"));
    };
    let value = from_extension_value(e)?;
    Ok((text(name, url.span), value))
}

fn from_extension_value(e: &Node) -> Result<Node, IntakeError> {
    if let Some(children) = e.get("extension") {
        let children = seq(children)?;
        let is_list = !children.is_empty()
            && children
                .iter()
                .all(|c| c.get("url").and_then(Node::as_str) == Some(LIST_ITEM));
        if is_list {
            let items = children
                .iter()
                .map(from_extension_value)
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
        if let Some(n) = e.get(v) {
            return Ok(n.clone());
        }
    }
    Err(error(
        "intake-format",
        e.span,
        "an extension of the record needs nested extensions or a valueString, valueInteger, valueDecimal or valueBoolean",
    ))
}
