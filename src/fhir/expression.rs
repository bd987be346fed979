//! A condition as a FHIRPath expression over the QuestionnaireResponse
//! (`%resource`), for skip logic that `enableWhen` cannot say: a mix of
//! `and` and `or`, `at_least`, instrument totals and bands.
//!
//! Each answer is turned into the number conditions compare it by (a
//! choice's position or scale value, yes as 1); a missing answer is the
//! empty collection, so a comparison with it is empty, which an
//! `enableWhenExpression` treats as false.

use super::questionnaire::{Export, Shape};
use crate::cond::{CmpOp, Cond, HasMode, Operand};
use crate::rules::model::ValueMap;

/// A string literal in FHIRPath.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A comparison as FHIRPath and `enableWhen.operator` write it.
pub(super) fn op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        other => other.as_str(),
    }
}

/// The answers to a question.
fn answers(qid: &str) -> String {
    format!(
        "%resource.repeat(item).where(linkId = {}).answer.value",
        lit(qid)
    )
}

/// `iif(match 1, v1, iif(match 2, v2, ...))` over a choice's answers:
/// each coding to a number.
fn by_coding(pairs: &[(String, String, String)]) -> String {
    let mut out = String::from("{}");
    for (system, code, value) in pairs.iter().rev() {
        out = format!(
            "iif(system = {} and code = {}, {value}, {out})",
            lit(system),
            lit(code)
        );
    }
    out
}

/// A question's answer as the number conditions compare.
fn value(x: &Export, q: usize) -> Option<String> {
    let question = &x.rs.questions[q];
    let a = answers(&question.id);
    Some(match x.shape(question) {
        Shape::Integer { .. } | Shape::Decimal { .. } => a,
        Shape::Boolean => format!("{a}.select(iif($this, 1, 0))"),
        Shape::Choice {
            repeats: false,
            answers,
        } => {
            let pairs: Vec<_> = answers
                .iter()
                .map(|c| (c.system.clone(), c.code.clone(), num(c.value)))
                .collect();
            format!("{a}.select({})", by_coding(&pairs))
        }
        Shape::Choice { repeats: true, .. } | Shape::Text { .. } => return None,
    })
}

/// The points an instrument item gives.
fn points(x: &Export, q: usize, map: &ValueMap) -> Option<String> {
    let question = &x.rs.questions[q];
    let a = answers(&question.id);
    Some(match map {
        ValueMap::Identity => value(x, q)?,
        ValueMap::YesNo { no, yes } => format!("{a}.select(iif($this, {yes}, {no}))"),
        ValueMap::Options(p) => {
            let Shape::Choice { answers, .. } = x.shape(question) else {
                return None;
            };
            let pairs: Vec<_> = answers
                .iter()
                .zip(p)
                .map(|(c, p)| (c.system.clone(), c.code.clone(), p.to_string()))
                .collect();
            format!("{a}.select({})", by_coding(&pairs))
        }
        ValueMap::Integers(pairs) => {
            let mut out = String::from("{}");
            for (v, p) in pairs.iter().rev() {
                out = format!("iif($this = {v}, {p}, {out})");
            }
            format!("{}.select({out})", value(x, q)?)
        }
    })
}

fn total(x: &Export, i: usize) -> Option<String> {
    let parts = x.rs.instruments[i]
        .items
        .iter()
        .map(|it| points(x, it.question, &it.values))
        .collect::<Option<Vec<_>>>()?;
    Some(format!("({})", parts.join(" + ")))
}

/// A number compared with `holds`: a band by the totals it covers.
fn compare(x: &Export, operand: Operand, holds: &dyn Fn(f64) -> bool) -> Option<String> {
    match operand {
        Operand::Answer(q) => {
            let question = &x.rs.questions[q as usize];
            let a = answers(&question.id);
            Some(match x.shape(question) {
                // A finite set of answers: those for which it holds.
                Shape::Boolean => match (holds(0.0), holds(1.0)) {
                    (true, true) => format!("{a}.exists()"),
                    (false, true) => format!("({a} = true)"),
                    (true, false) => format!("({a} = false)"),
                    (false, false) => "false".into(),
                },
                Shape::Choice { answers: opts, .. } => {
                    let picked: Vec<String> = opts
                        .iter()
                        .filter(|o| holds(o.value))
                        .map(|o| {
                            format!("(system = {} and code = {})", lit(&o.system), lit(&o.code))
                        })
                        .collect();
                    if picked.is_empty() {
                        "false".into()
                    } else {
                        format!("{a}.where({}).exists()", picked.join(" or "))
                    }
                }
                _ => return None,
            })
        }
        Operand::Band(i) => {
            let inst = &x.rs.instruments[i as usize];
            let t = total(x, i as usize)?;
            let ranges: Vec<String> = inst
                .bands
                .iter()
                .enumerate()
                .filter(|(k, _)| holds(*k as f64))
                .map(|(_, b)| format!("({t} >= {} and {t} <= {})", b.min, b.max))
                .collect();
            Some(if ranges.is_empty() {
                "false".into()
            } else {
                format!("({})", ranges.join(" or "))
            })
        }
        Operand::Total(_) | Operand::Rating(_) | Operand::Level => None,
    }
}

pub(crate) fn expression(x: &Export, c: &Cond) -> Option<String> {
    let rs = x.rs;
    Some(match c {
        Cond::And(v) | Cond::Or(v) if v.is_empty() => (if matches!(c, Cond::And(_)) {
            "true"
        } else {
            "false"
        })
        .into(),
        Cond::And(v) | Cond::Or(v) => {
            let word = if matches!(c, Cond::And(_)) {
                " and "
            } else {
                " or "
            };
            let parts = v
                .iter()
                .map(|c| expression(x, c))
                .collect::<Option<Vec<_>>>()?;
            format!("({})", parts.join(word))
        }
        Cond::Not(c) => format!("({}).not()", expression(x, c)?),
        Cond::AtLeast(n, v) => {
            let parts = v
                .iter()
                .map(|c| Some(format!("iif({}, 1, 0)", expression(x, c)?)))
                .collect::<Option<Vec<_>>>()?;
            format!("(({}) >= {n})", parts.join(" + "))
        }
        Cond::Answered(q) => format!("{}.exists()", answers(&rs.questions[*q as usize].id)),
        Cond::Missing(q) => format!("{}.empty()", answers(&rs.questions[*q as usize].id)),
        Cond::Has {
            question,
            mode,
            mask,
        } => {
            let q = &rs.questions[*question as usize];
            let Shape::Choice { answers: opts, .. } = x.shape(q) else {
                return None;
            };
            let a = answers(&q.id);
            let picked: Vec<String> = opts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
                .map(|(_, o)| {
                    format!(
                        "{a}.where(system = {} and code = {}).exists()",
                        lit(&o.system),
                        lit(&o.code)
                    )
                })
                .collect();
            let word = match mode {
                HasMode::All => " and ",
                HasMode::One | HasMode::Any => " or ",
            };
            format!("({})", picked.join(word))
        }
        Cond::Cmp {
            operand,
            op: o,
            value,
        } => match operand {
            Operand::Answer(q)
                if !matches!(
                    x.shape(&rs.questions[*q as usize]),
                    Shape::Boolean | Shape::Choice { .. }
                ) =>
            {
                format!(
                    "({} {} {})",
                    self::value(x, *q as usize)?,
                    op(*o),
                    num(*value)
                )
            }
            Operand::Total(i) => format!("({} {} {})", total(x, *i as usize)?, op(*o), num(*value)),
            _ => compare(x, *operand, &|v| o.holds(v, *value))?,
        },
        Cond::In {
            operand, values, ..
        } => match operand {
            Operand::Answer(q)
                if !matches!(
                    x.shape(&rs.questions[*q as usize]),
                    Shape::Boolean | Shape::Choice { .. }
                ) =>
            {
                let list: Vec<String> = values.iter().map(|v| num(*v)).collect();
                format!(
                    "({} in ({}))",
                    self::value(x, *q as usize)?,
                    list.join(" | ")
                )
            }
            Operand::Total(i) => {
                let list: Vec<String> = values.iter().map(|v| num(*v)).collect();
                format!("({} in ({}))", total(x, *i as usize)?, list.join(" | "))
            }
            _ => compare(x, *operand, &|v| values.contains(&v))?,
        },
    })
}
