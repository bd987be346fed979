//! The record around the answers: why an answer is missing (`declined`,
//! `unknown`, `not_applicable`), a note and a source per answer, the
//! history of the interview (`history`), and the link to the assessment a
//! reassessment follows (`reassessment`). Read here, written by
//! [`super::write`], and checked against the answers by
//! [`Intake::history_mismatches`].

use super::answers::value;
use super::decisions::{flag_action, placement_of};
use super::reader::{safe_key, Reader};
use super::write::{answer_json, number, quote, scalar};
use super::{Event, EventKind, Intake, NoAnswer, Previous, Reassessment, Recorded, Slot};
use crate::diag::{did_you_mean, did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::RuleSet;
use crate::yaml::{Kind, Node};
use serde_json::{json, Map, Value};

/// The event names of `history`, as the file writes them.
pub const EVENTS: &[&str] = &["started", "resumed", "changed", "acknowledged", "placed"];

/// The question an id names, or an error naming the field it is in.
fn question(r: &mut Reader, id: &str, span: Span, field: &str, listed: &[&str]) -> Option<usize> {
    let rs = r.rs;
    if let Some(q) = rs.question(id) {
        return Some(q);
    }
    let help = did_you_mean_unlisted(id, rs.questions.iter().map(|q| q.id.as_str()), listed);
    r.diags.push(
        Diagnostic::error(
            "unknown-question",
            span,
            format!(
                "{field} names `{}`, which is not a question of rule set `{}`",
                safe_key(id),
                rs.name
            ),
        )
        .with_help_opt(help),
    );
    None
}

/// One of the lists `declined`, `unknown`, `not_applicable`: questions
/// asked and not answered, for the reason `why`.
pub(super) fn no_answers(r: &mut Reader, intake: &mut Intake, n: &Node, why: NoAnswer) {
    let key = why.key();
    let items = match &n.kind {
        Kind::Seq(items) => items,
        Kind::Null => return,
        _ => {
            r.err(
                "wrong-type",
                n.span,
                format!(
                    "`{key}` must be a list of question ids, not {}",
                    n.kind_name()
                ),
            );
            return;
        }
    };
    let listed = Node::texts(items);
    for it in items {
        let Some(id) = it.as_str() else {
            r.err(
                "wrong-type",
                it.span,
                format!("entries of `{key}` must be question ids"),
            );
            continue;
        };
        let Some(q) = question(r, id, it.span, &format!("`{key}`"), &listed) else {
            continue;
        };
        match intake.slots[q] {
            Slot::Absent => intake.record(q, Recorded::NoAnswer(why)),
            Slot::Declined if intake.why_no_answer(q) == why => r.err(
                "duplicate-key",
                it.span,
                format!("`{id}` is listed twice in `{key}`"),
            ),
            Slot::Declined => r.err(
                "duplicate-key",
                it.span,
                format!(
                    "`{id}` is listed in both `{}` and `{key}`",
                    intake.why_no_answer(q).key()
                ),
            ),
            _ => r.err(
                "declined-and-answered",
                it.span,
                format!("`{id}` is both answered and {}", why.label()),
            ),
        }
    }
}

/// `notes`: question id to a note on its answer.
pub(super) fn notes(r: &mut Reader, intake: &mut Intake, n: &Node) {
    if n.kind == Kind::Null {
        return;
    }
    let entries = r.map(n, "`notes`");
    let keys: Vec<&str> = entries.iter().map(|(k, _, _)| *k).collect();
    for (k, kn, v) in &entries {
        let Some(q) = question(r, k, kn.span, "`notes`", &keys) else {
            continue;
        };
        if let Some(t) = r.text(v, &format!("the note on `{k}`")) {
            intake.notes.push((q, t));
        }
    }
}

/// `sources`: question id to where its answer came from, one of the rule
/// set's `answer_sources`.
pub(super) fn sources(r: &mut Reader, intake: &mut Intake, n: &Node) {
    if n.kind == Kind::Null {
        return;
    }
    let rs = r.rs;
    let entries = r.map(n, "`sources`");
    let keys: Vec<&str> = entries.iter().map(|(k, _, _)| *k).collect();
    for (k, kn, v) in &entries {
        let Some(q) = question(r, k, kn.span, "`sources`", &keys) else {
            continue;
        };
        let Some(id) = r.text(v, &format!("the source of `{k}`")) else {
            continue;
        };
        match rs.answer_sources.iter().position(|s| s.id == id) {
            Some(s) => intake.sources.push((q, s)),
            None => {
                let help = if rs.answer_sources.is_empty() {
                    Some(format!(
                        "rule set `{}` declares no `answer_sources`",
                        rs.name
                    ))
                } else {
                    did_you_mean(&id, rs.answer_sources.iter().map(|s| s.id.as_str())).or_else(
                        || {
                            Some(format!(
                                "sources: {}",
                                rs.answer_sources
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        },
                    )
                };
                r.diags.push(
                    Diagnostic::error(
                        "unknown-source",
                        v.span,
                        format!(
                            "the source of `{k}` is not one of the `answer_sources` of rule set `{}`",
                            rs.name
                        ),
                    )
                    .with_help_opt(help),
                );
            }
        }
    }
}

/// `reassessment`: the assessment this one follows, and what changed.
pub(super) fn reassessment(r: &mut Reader, n: &Node) -> Option<Reassessment> {
    if n.kind == Kind::Null {
        return None;
    }
    let entries = r.map(n, "`reassessment`");
    r.check_keys(&entries, &["previous", "changed"], "`reassessment`");
    let mut out = Reassessment::default();
    for (k, _, v) in &entries {
        match *k {
            "previous" => {
                let prev = r.map(v, "`reassessment.previous`");
                r.check_keys(
                    &prev,
                    &["id", "sha256", "assessed_at"],
                    "`reassessment.previous`",
                );
                let mut p = Previous::default();
                for (pk, _, pv) in &prev {
                    let t = match pv.kind {
                        Kind::Int(i) => Some(i.to_string()),
                        _ => r.text(pv, &format!("`reassessment.previous.{pk}`")),
                    };
                    match *pk {
                        "id" => p.id = t,
                        "sha256" => p.sha256 = t,
                        "assessed_at" => p.assessed_at = t,
                        _ => {}
                    }
                }
                out.previous = p;
            }
            "changed" => match &v.kind {
                Kind::Seq(items) => {
                    let listed = Node::texts(items);
                    for it in items {
                        match it.as_str() {
                            Some(id) => {
                                if let Some(q) =
                                    question(r, id, it.span, "`reassessment.changed`", &listed)
                                {
                                    out.changed.push(q);
                                }
                            }
                            None => r.err(
                                "wrong-type",
                                it.span,
                                "entries of `reassessment.changed` must be question ids",
                            ),
                        }
                    }
                }
                Kind::Null => {}
                _ => r.err(
                    "wrong-type",
                    v.span,
                    "`reassessment.changed` must be a list of question ids",
                ),
            },
            _ => {}
        }
    }
    Some(out)
}

/// `history`: the interview's events, oldest first.
pub(super) fn history(r: &mut Reader, n: &Node) -> Vec<Event> {
    let items = match &n.kind {
        Kind::Seq(items) => items,
        Kind::Null => return Vec::new(),
        _ => {
            r.err("wrong-type", n.span, "`history` must be a list of events");
            return Vec::new();
        }
    };
    items.iter().filter_map(|it| event(r, it)).collect()
}

fn event(r: &mut Reader, n: &Node) -> Option<Event> {
    let entries = r.map(n, "a `history` event");
    let f = |k: &str| entries.iter().find(|(e, _, _)| *e == k).map(|(_, _, v)| *v);
    let at = f("at").and_then(|v| r.text(v, "the `at` of an event"));
    let by = f("by").and_then(|v| r.text(v, "the `by` of an event"));
    let Some(name_node) = f("event") else {
        r.err(
            "missing-field",
            n.span,
            format!("a `history` event needs an `event` ({})", EVENTS.join(", ")),
        );
        return None;
    };
    let name = r.text(name_node, "`event`")?;
    let keys: &[&str] = match name.as_str() {
        "started" | "resumed" => &["event", "at", "by"],
        "changed" => &["event", "at", "by", "question", "from", "to"],
        "acknowledged" => &["event", "at", "by", "flag", "action", "note"],
        "placed" => &["event", "at", "by", "level", "reason", "note"],
        _ => {
            r.diags.push(
                Diagnostic::error(
                    "wrong-type",
                    name_node.span,
                    format!("`event` must be one of {}", EVENTS.join(", ")),
                )
                .with_help_opt(did_you_mean(&name, EVENTS.iter().copied())),
            );
            return None;
        }
    };
    r.check_keys(&entries, keys, &format!("a `{name}` event"));
    let what = match name.as_str() {
        "started" => EventKind::Started,
        "resumed" => EventKind::Resumed,
        "changed" => {
            let Some(qn) = f("question") else {
                r.err(
                    "missing-field",
                    n.span,
                    "a `changed` event needs a `question`",
                );
                return None;
            };
            let id = r.text(qn, "the `question` of an event")?;
            let q = question(r, &id, qn.span, "a `changed` event", &[])?;
            let from = match f("from") {
                Some(v) => recorded(r, q, v)?,
                None => Recorded::Nothing,
            };
            let to = match f("to") {
                Some(v) => recorded(r, q, v)?,
                None => Recorded::Nothing,
            };
            EventKind::Changed {
                question: q,
                from,
                to,
            }
        }
        "acknowledged" => {
            let flag = f("flag").and_then(|v| r.text(v, "the `flag` of an event"));
            let Some(flag) = flag else {
                r.err(
                    "missing-field",
                    n.span,
                    "an `acknowledged` event needs a `flag`",
                );
                return None;
            };
            let action = f("action").and_then(|v| flag_action(r, v, Some(&flag)));
            let note = f("note").and_then(|v| r.text(v, "the `note` of an event"));
            EventKind::Acknowledged { flag, action, note }
        }
        _ => EventKind::Placed(placement_of(r, n, &entries)?),
    };
    Some(Event { at, by, what })
}

/// A value of a `changed` event: an answer to question `q`, or
/// `{no_answer: declined|unknown|not_applicable}`.
fn recorded(r: &mut Reader, q: usize, v: &Node) -> Option<Recorded> {
    if let Kind::Map(_) = &v.kind {
        let entries = r.map(v, "a missing answer");
        r.check_keys(&entries, &["no_answer"], "a missing answer");
        let (_, _, why) = entries.iter().find(|(k, _, _)| *k == "no_answer")?;
        let text = r.text(why, "`no_answer`")?;
        return match NoAnswer::ALL.iter().find(|w| w.key() == text) {
            Some(w) => Some(Recorded::NoAnswer(*w)),
            None => {
                r.err(
                    "wrong-type",
                    why.span,
                    "`no_answer` must be declined, unknown or not_applicable",
                );
                None
            }
        };
    }
    value(r, q, v)
}

// Writing: the JSON values [`super::write`] writes, in JSON or as YAML flow.

/// What a `changed` event records: an answer, or `{no_answer: why}`.
fn recorded_json(rs: &RuleSet, q: usize, r: &Recorded) -> Value {
    match r {
        Recorded::Nothing => Value::Null,
        Recorded::NoAnswer(why) => json!({"no_answer": why.key()}),
        Recorded::Answer(slot, text) => {
            answer_json(rs, q, slot, text.as_deref()).unwrap_or(Value::Null)
        }
    }
}

pub(super) fn event_json(rs: &RuleSet, e: &Event) -> Value {
    let mut m = Map::new();
    m.insert("event".into(), json!(e.what.name()));
    match &e.what {
        EventKind::Started | EventKind::Resumed => {}
        EventKind::Changed { question, from, to } => {
            m.insert("question".into(), json!(rs.questions[*question].id));
            if *from != Recorded::Nothing {
                m.insert("from".into(), recorded_json(rs, *question, from));
            }
            m.insert("to".into(), recorded_json(rs, *question, to));
        }
        EventKind::Acknowledged { flag, action, note } => {
            m.insert("flag".into(), json!(flag));
            if let Some(a) = action {
                m.insert("action".into(), json!(a));
            }
            if let Some(n) = note {
                m.insert("note".into(), json!(n));
            }
        }
        EventKind::Placed(p) => {
            m.insert("level".into(), json!(rs.levels[p.level].id));
            if let Some(r) = p.reason {
                m.insert("reason".into(), json!(rs.override_reasons[r].id));
            }
            if let Some(n) = &p.note {
                m.insert("note".into(), json!(n));
            }
        }
    }
    if let Some(at) = &e.at {
        m.insert("at".into(), json!(at));
    }
    if let Some(by) = &e.by {
        m.insert("by".into(), json!(by));
    }
    Value::Object(m)
}

pub(super) fn reassessment_json(rs: &RuleSet, x: &Reassessment) -> Value {
    let mut p = Map::new();
    for (k, v) in [
        ("id", &x.previous.id),
        ("sha256", &x.previous.sha256),
        ("assessed_at", &x.previous.assessed_at),
    ] {
        if let Some(v) = v {
            p.insert(k.into(), json!(v));
        }
    }
    let changed: Vec<&str> = x
        .changed
        .iter()
        .map(|&q| rs.questions[q].id.as_str())
        .collect();
    json!({"previous": p, "changed": changed})
}

/// The ids of the questions with no answer for the reason `why`.
pub(super) fn no_answer_ids<'r>(rs: &'r RuleSet, intake: &Intake, why: NoAnswer) -> Vec<&'r str> {
    (0..intake.slots.len().min(rs.questions.len()))
        .filter(|&q| intake.slots[q] == Slot::Declined && intake.why_no_answer(q) == why)
        .map(|q| rs.questions[q].id.as_str())
        .collect()
}

/// Notes by question id, in question order.
pub(super) fn notes_by_id<'a>(rs: &'a RuleSet, intake: &'a Intake) -> Vec<(&'a str, &'a str)> {
    let mut v: Vec<(usize, &str)> = intake.notes.iter().map(|(q, n)| (*q, n.as_str())).collect();
    v.sort_by_key(|(q, _)| *q);
    v.into_iter()
        .map(|(q, n)| (rs.questions[q].id.as_str(), n))
        .collect()
}

/// Answer sources by question id, in question order.
pub(super) fn sources_by_id<'a>(rs: &'a RuleSet, intake: &Intake) -> Vec<(&'a str, &'a str)> {
    let mut v = intake.sources.clone();
    v.sort_by_key(|(q, _)| *q);
    v.into_iter()
        .map(|(q, s)| {
            (
                rs.questions[q].id.as_str(),
                rs.answer_sources[s].id.as_str(),
            )
        })
        .collect()
}

/// Keys whose values are ids (of events, questions, flags, actions,
/// levels, reasons), written plain where YAML allows.
const ID_KEYS: &[&str] = &[
    "event",
    "question",
    "flag",
    "action",
    "level",
    "reason",
    "no_answer",
    "changed",
];

/// A JSON value as YAML flow text, keys plain where YAML allows: strings
/// likewise when they are `ids`, otherwise double-quoted with escapes (they
/// may be free text).
pub(super) fn flow(v: &Value, ids: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => number(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) if ids => scalar(s),
        Value::String(s) => quote(s),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| flow(v, ids))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    scalar(k),
                    flow(v, ids || ID_KEYS.contains(&k.as_str()))
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Intake {
    /// The questions whose answer differs from the last change the
    /// history records for them (a hand edit, or a file put together from
    /// two). An answer dropped because its question no longer applies
    /// (`applies` false) is not a difference.
    pub fn history_mismatches(&self, applies: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut last: Vec<(usize, &Recorded)> = Vec::new();
        for e in &self.history {
            if let EventKind::Changed { question, to, .. } = &e.what {
                last.retain(|(q, _)| q != question);
                last.push((*question, to));
            }
        }
        let mut out: Vec<usize> = last
            .into_iter()
            .filter(|(q, to)| {
                let now = self.recorded(*q);
                // Different, and not only dropped by skip logic.
                now != **to && (now != Recorded::Nothing || applies(*q))
            })
            .map(|(q, _)| q)
            .collect();
        out.sort_unstable();
        out
    }
}
