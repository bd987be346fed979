//! Skip logic (`ask_when`) as `enableWhen`: a condition that is one
//! comparison, or comparisons all joined by `and` or all by `or` (after
//! `not` is pushed inwards), becomes a list of `enableWhen` with
//! `enableBehavior`; anything else becomes an SDC `enableWhenExpression`
//! in FHIRPath ([`super::expression`]).

use super::expression;
use super::questionnaire::{Export, Shape};
use crate::cond::{CmpOp, Cond, HasMode, Operand};
use serde_json::{json, Value};

pub(crate) enum Skip {
    EnableWhen {
        items: Vec<Value>,
        behavior: Option<&'static str>,
    },
    Expression(String),
}

/// How a list of `enableWhen` combines: one item, any of them, all of them.
#[derive(Clone, Copy, PartialEq)]
enum Join {
    One,
    Any,
    All,
}

/// The skip logic of one question, or `None` when neither form can say it
/// (a condition no rule set can give today: skip logic reads only answers,
/// which always have an expression); the item is then always shown, as a
/// form that asks too much is safer than one that hides a question.
pub(crate) fn skip(x: &Export, c: &Cond) -> Option<Skip> {
    match flat(x, c, false) {
        Some((items, join)) if !items.is_empty() => Some(Skip::EnableWhen {
            behavior: match join {
                _ if items.len() == 1 => None,
                Join::All => Some("all"),
                Join::Any | Join::One => Some("any"),
            },
            items,
        }),
        // An expression that reads a missing answer is empty; forms
        // engines want a boolean, and empty means not asked.
        _ => {
            expression::expression(x, c).map(|e| Skip::Expression(format!("iif({e}, true, false)")))
        }
    }
}

/// `c` (negated when `neg`) as `enableWhen` items joined one way.
fn flat(x: &Export, c: &Cond, neg: bool) -> Option<(Vec<Value>, Join)> {
    match c {
        Cond::Not(inner) => flat(x, inner, !neg),
        Cond::And(v) | Cond::Or(v) => {
            let join = if matches!(c, Cond::And(_)) != neg {
                Join::All
            } else {
                Join::Any
            };
            let mut items = Vec::new();
            for c in v {
                let (mut i, j) = flat(x, c, neg)?;
                if (j != join && i.len() > 1) || (i.is_empty() && join == Join::All) {
                    return None;
                }
                items.append(&mut i);
            }
            Some((items, join))
        }
        _ => atom(x, c, neg),
    }
}

fn item(qid: &str, op: &str, answer: (&str, Value)) -> Value {
    json!({"question": qid, "operator": op, answer.0: answer.1})
}

fn fhir_op(op: CmpOp, neg: bool) -> &'static str {
    super::expression::op(if neg { op.negated() } else { op })
}

/// One comparison on one answer.
fn atom(x: &Export, c: &Cond, neg: bool) -> Option<(Vec<Value>, Join)> {
    let rs = x.rs;
    let one = |v: Value| Some((vec![v], Join::One));
    match c {
        Cond::Answered(q) | Cond::Missing(q) => {
            let exists = matches!(c, Cond::Answered(_)) != neg;
            one(item(
                &rs.questions[*q as usize].id,
                "exists",
                ("answerBoolean", json!(exists)),
            ))
        }
        Cond::Has {
            question,
            mode,
            mask,
        } if !neg => {
            let q = &rs.questions[*question as usize];
            let Shape::Choice { answers, .. } = x.shape(q) else {
                return None;
            };
            let items: Vec<Value> = answers
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
                .map(|(_, a)| item(&q.id, "=", ("answerCoding", a.coding())))
                .collect();
            let join = match mode {
                HasMode::All => Join::All,
                HasMode::One | HasMode::Any => Join::Any,
            };
            Some((items, join))
        }
        Cond::Cmp {
            operand: Operand::Answer(q),
            ..
        }
        | Cond::In {
            operand: Operand::Answer(q),
            ..
        } => {
            let q = &rs.questions[*q as usize];
            let test = |v: f64| -> bool {
                let r = match c {
                    Cond::Cmp { op, value, .. } => op.holds(v, *value),
                    Cond::In { values, .. } => values.contains(&v),
                    _ => false,
                };
                r != neg
            };
            match x.shape(q) {
                Shape::Boolean => {
                    let values: Vec<bool> = [false, true]
                        .into_iter()
                        .filter(|b| test(if *b { 1.0 } else { 0.0 }))
                        .collect();
                    match values.as_slice() {
                        [b] => one(item(&q.id, "=", ("answerBoolean", json!(b)))),
                        _ => None,
                    }
                }
                Shape::Choice { answers, .. } => {
                    let items: Vec<Value> = answers
                        .iter()
                        .filter(|a| test(a.value))
                        .map(|a| item(&q.id, "=", ("answerCoding", a.coding())))
                        .collect();
                    Some((items, Join::Any))
                }
                Shape::Integer { .. } | Shape::Decimal { .. } => {
                    let integer = matches!(x.shape(q), Shape::Integer { .. });
                    let answer = |v: f64| -> Option<(&'static str, Value)> {
                        if !integer {
                            Some(("answerDecimal", json!(v)))
                        } else if v.fract() == 0.0 && v.abs() < 9e15 {
                            Some(("answerInteger", json!(v as i64)))
                        } else {
                            None
                        }
                    };
                    match c {
                        Cond::Cmp { op, value, .. } => {
                            one(item(&q.id, fhir_op(*op, neg), answer(*value)?))
                        }
                        Cond::In { values, .. } if !neg => {
                            let items = values
                                .iter()
                                .map(|v| Some(item(&q.id, "=", answer(*v)?)))
                                .collect::<Option<Vec<_>>>()?;
                            Some((items, Join::Any))
                        }
                        _ => None,
                    }
                }
                Shape::Text { .. } => None,
            }
        }
        _ => None,
    }
}
