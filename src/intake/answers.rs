//! Checking one answer against its question (type, range, options,
//! exclusive options, length) and turning it into the [`Slot`] the engine
//! evaluates.

use super::reader::{safe_key, Reader};
use super::{Intake, Recorded, Slot};
use crate::diag::{did_you_mean, Diagnostic};
use crate::rules::model::QuestionKind;
use crate::yaml::decode::is_id;
use crate::yaml::{Kind, Node};

pub(super) fn answer(r: &mut Reader, intake: &mut Intake, key: &str, kn: &Node, v: &Node) {
    let rs = r.rs;
    let Some(q) = rs.question(key) else {
        let help = if is_id(key) {
            did_you_mean(key, rs.questions.iter().map(|q| q.id.as_str()))
        } else {
            None
        };
        r.diags.push(
            Diagnostic::error(
                "unknown-question",
                kn.span,
                format!(
                    "`{}` is not a question of rule set `{}`",
                    safe_key(key),
                    rs.name
                ),
            )
            .with_help_opt(help),
        );
        return;
    };
    if let Some(Recorded::Answer(slot, text)) = value(r, q, v) {
        if let Some(t) = text {
            intake.texts.push((q, t));
        }
        intake.slots[q] = slot;
    }
}

/// One answer to question `q`, checked: [`Recorded::Nothing`] for null,
/// `None` (with the problem in `r`) when it does not fit the question.
pub(super) fn value(r: &mut Reader, q: usize, v: &Node) -> Option<Recorded> {
    if v.kind == Kind::Null {
        return Some(Recorded::Nothing);
    }
    let rs = r.rs;
    let question = &rs.questions[q];
    let id = &question.id;
    let wrong = |r: &mut Reader, expected: &str| {
        r.err(
            "wrong-type",
            v.span,
            format!("answer to `{id}` must be {expected}, not {}", v.kind_name()),
        );
    };
    let slot = match &question.kind {
        QuestionKind::YesNo => match v.kind {
            Kind::Bool(b) => Slot::Num(if b { 1.0 } else { 0.0 }),
            _ => {
                wrong(r, "true or false");
                return None;
            }
        },
        QuestionKind::Integer {
            min, max, allowed, ..
        } => match v.kind {
            Kind::Int(i) => {
                let ok = match allowed {
                    Some(a) => a.contains(&i),
                    None => i >= *min && i <= *max,
                };
                if !ok {
                    let range = match allowed {
                        Some(a) => format!(
                            "one of {}",
                            a.iter()
                                .map(|x| x.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => format!("from {min} to {max}"),
                    };
                    r.err(
                        "out-of-range",
                        v.span,
                        format!("answer to `{id}` is out of range: it must be {range}"),
                    );
                    return None;
                }
                Slot::Num(i as f64)
            }
            Kind::Float(x) if x.abs() >= 9.2e18 => {
                // Too large for a whole number (e.g. 20 digits).
                r.err(
                    "out-of-range",
                    v.span,
                    format!("answer to `{id}` is out of range: it must be from {min} to {max}"),
                );
                return None;
            }
            Kind::Float(_) => {
                r.err(
                    "wrong-type",
                    v.span,
                    format!(
                        "answer to `{id}` must be a whole number from {min} to {max}, not a decimal number"
                    ),
                );
                return None;
            }
            _ => {
                wrong(r, &format!("a whole number from {min} to {max}"));
                return None;
            }
        },
        QuestionKind::Number { min, max } => {
            let x = match v.kind {
                Kind::Int(i) => i as f64,
                Kind::Float(f) => f,
                _ => {
                    wrong(r, "a number");
                    return None;
                }
            };
            if !(x >= *min && x <= *max) {
                r.err(
                    "out-of-range",
                    v.span,
                    format!("answer to `{id}` is out of range: it must be from {min} to {max}"),
                );
                return None;
            }
            Slot::Num(if x == 0.0 { 0.0 } else { x })
        }
        QuestionKind::SingleChoice(options) => match &v.kind {
            Kind::Str(s) => match options.iter().position(|o| &o.id == s) {
                Some(i) => Slot::Num(i as f64),
                None => {
                    r.diags.push(
                        Diagnostic::error(
                            "unknown-option",
                            v.span,
                            format!("answer to `{id}` is not one of its options"),
                        )
                        .with_help(format!(
                            "options: {}",
                            options
                                .iter()
                                .map(|o| o.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    return None;
                }
            },
            _ => {
                wrong(r, "one of its option ids");
                return None;
            }
        },
        QuestionKind::MultiChoice(options) => match &v.kind {
            Kind::Seq(items) => {
                let mut mask = 0u64;
                for it in items {
                    match it
                        .as_str()
                        .and_then(|s| options.iter().position(|o| o.id == s))
                    {
                        Some(i) if mask & (1 << i) != 0 => {
                            r.err(
                                "duplicate-key",
                                it.span,
                                format!("an option is listed twice in the answer to `{id}`"),
                            );
                            return None;
                        }
                        Some(i) => mask |= 1 << i,
                        None => {
                            r.diags.push(
                                Diagnostic::error("unknown-option", it.span, format!("an entry in the answer to `{id}` is not one of its options"))
                                    .with_help(format!("options: {}", options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "))),
                            );
                            return None;
                        }
                    }
                }
                if exclusive_violated(mask, question.kind.exclusive_mask()) {
                    r.err(
                        "exclusive-option",
                        v.span,
                        format!(
                            "`{id}`: an exclusive option is ticked together with other options"
                        ),
                    );
                    return None;
                }
                Slot::Multi(mask)
            }
            _ => {
                wrong(r, "a list of option ids");
                return None;
            }
        },
        QuestionKind::Text { max_length } => match &v.kind {
            Kind::Str(s) => {
                if s.chars().count() > *max_length {
                    r.err(
                        "intake-limit",
                        v.span,
                        format!("answer to `{id}` is longer than {max_length} characters"),
                    );
                    return None;
                }
                return Some(Recorded::Answer(Slot::Text, Some(s.clone())));
            }
            _ => {
                wrong(r, "text");
                return None;
            }
        },
    };
    Some(Recorded::Answer(slot, None))
}

/// Whether a multi-choice answer (`mask`) ticks an exclusive option (one of
/// `exclusive`) together with any other option.
pub fn exclusive_violated(mask: u64, exclusive: u64) -> bool {
    mask & exclusive != 0 && mask.count_ones() > 1
}
