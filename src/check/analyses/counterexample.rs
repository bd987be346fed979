//! Counterexample text and data: rating vectors, the answers of a witness,
//! and conditions on answers, as people read them and as JSON.

use crate::cond::{CmpOp, Cond, Operand};
use crate::rules::model::{QuestionKind, RuleSet};
use serde_json::{json, Map, Value};

/// A rating vector as `{dimension: rating}`.
pub(super) fn vector_json(rs: &RuleSet, r: &[u8]) -> Value {
    let mut m = Map::new();
    for (d, dim) in rs.dimensions.iter().enumerate() {
        m.insert(dim.id.clone(), json!(r[d]));
    }
    Value::Object(m)
}

pub(super) fn vector_text(rs: &RuleSet, r: &[u8]) -> String {
    let parts: Vec<String> = rs
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| format!("{}={}", dim.id, r[d]))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// One answer condition of a witness, and whether it holds.
#[derive(Debug, Clone)]
pub(super) struct Literal {
    pub(super) text: String,
    pub(super) holds: bool,
}

/// Answers (as conditions on them) under which something happens.
#[derive(Debug, Clone, Default)]
pub(super) struct Witness {
    pub(super) literals: Vec<Literal>,
}

impl Witness {
    pub(super) fn text(&self) -> String {
        if self.literals.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .literals
            .iter()
            .map(|l| {
                if l.holds {
                    format!("`{}`", l.text)
                } else {
                    format!("not `{}`", l.text)
                }
            })
            .collect();
        format!(" (answers: {})", parts.join(", "))
    }
    pub(super) fn json(&self) -> Value {
        Value::Array(
            self.literals
                .iter()
                .map(|l| json!({"condition": l.text, "holds": l.holds}))
                .collect(),
        )
    }
}

/// A condition on answers as text, for counterexamples: the operand by
/// its id, the operator, and the value (an option or band by its id).
pub fn atom_text(rs: &RuleSet, c: &Cond) -> String {
    let operand_name = |o: &Operand| match o {
        Operand::Answer(q) => rs.questions[*q as usize].id.clone(),
        Operand::Total(i) => format!("{}.total", rs.instruments[*i as usize].id),
        Operand::Band(i) => format!("{}.band", rs.instruments[*i as usize].id),
        Operand::Rating(d) => format!("{}.rating", rs.dimensions[*d as usize].id),
        Operand::Level => "level".to_string(),
    };
    let value_name = |o: &Operand, v: f64| -> String {
        match o {
            Operand::Answer(q) => match &rs.questions[*q as usize].kind {
                QuestionKind::SingleChoice(opts) => opts
                    .get(v as usize)
                    .map(|x| x.id.clone())
                    .unwrap_or_else(|| v.to_string()),
                QuestionKind::YesNo => (if v == 1.0 { "yes" } else { "no" }).to_string(),
                _ => v.to_string(),
            },
            Operand::Band(i) => rs.instruments[*i as usize]
                .bands
                .get(v as usize)
                .map(|b| b.id.clone())
                .unwrap_or_else(|| v.to_string()),
            Operand::Level => rs
                .levels
                .len()
                .checked_sub(1 + v as usize)
                .and_then(|i| rs.levels.get(i))
                .map(|l| l.id.clone())
                .unwrap_or_else(|| v.to_string()),
            _ => v.to_string(),
        }
    };
    let options = |q: u32, mask: u64| -> String {
        let opts = rs.questions[q as usize].kind.options().unwrap_or(&[]);
        let names: Vec<&str> = opts
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
            .map(|(_, o)| o.id.as_str())
            .collect();
        names.join(", ")
    };
    match c {
        Cond::Cmp { operand, op, value } => {
            if let Operand::Answer(q) = operand {
                if matches!(rs.questions[*q as usize].kind, QuestionKind::YesNo) && *op == CmpOp::Eq
                {
                    let id = &rs.questions[*q as usize].id;
                    return if *value == 1.0 {
                        id.clone()
                    } else {
                        format!("{id} == no")
                    };
                }
            }
            format!(
                "{} {} {}",
                operand_name(operand),
                op.as_str(),
                value_name(operand, *value)
            )
        }
        Cond::In {
            operand, values, ..
        } => format!(
            "{} in [{}]",
            operand_name(operand),
            values
                .iter()
                .map(|v| value_name(operand, *v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Cond::Has {
            question,
            mode,
            mask,
        } => {
            let id = &rs.questions[*question as usize].id;
            let m = match mode {
                crate::cond::HasMode::One => "has",
                crate::cond::HasMode::Any => "has_any",
                crate::cond::HasMode::All => "has_all",
            };
            format!("{id} {m} [{}]", options(*question, *mask))
        }
        Cond::Answered(q) => format!("answered({})", rs.questions[*q as usize].id),
        Cond::Missing(q) => format!("missing({})", rs.questions[*q as usize].id),
        _ => "(condition)".to_string(),
    }
}
