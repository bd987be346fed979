//! Values worth trying for a missing answer, for the analyses of
//! `rules check` and the exact search of [`super::missing`]: a small
//! domain whole, a wide one cut at every constant a condition compares it
//! with.

use crate::cond::Operand;
use crate::intake::Slot;
use crate::rules::model::{QuestionKind, RuleSet};

/// Values worth trying for a missing answer: every value where the domain
/// is small, otherwise its ends and the values around every constant a
/// condition compares it with.
pub fn candidates(rs: &RuleSet, q: usize) -> Vec<Slot> {
    match &rs.questions[q].kind {
        QuestionKind::YesNo => vec![Slot::Num(0.0), Slot::Num(1.0)],
        QuestionKind::SingleChoice(o) => (0..o.len()).map(|i| Slot::Num(i as f64)).collect(),
        QuestionKind::MultiChoice(o) => {
            // Every option that can be ticked with others (an exclusive
            // option is only ever ticked alone).
            let all = if o.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << o.len()) - 1
            };
            let full = all & !rs.questions[q].kind.exclusive_mask();
            let mut v = vec![Slot::Multi(0), Slot::Multi(full)];
            v.extend((0..o.len().min(64)).map(|i| Slot::Multi(1 << i)));
            v
        }
        QuestionKind::Integer {
            min, max, allowed, ..
        } => match allowed {
            Some(a) => a.iter().map(|x| Slot::Num(*x as f64)).collect(),
            None if max - min <= 200 => (*min..=*max).map(|x| Slot::Num(x as f64)).collect(),
            None => {
                let mut xs = vec![*min as f64, *max as f64];
                for c in constants(rs, q) {
                    for d in [-1.0, 0.0, 1.0] {
                        let x = c.round() + d;
                        if x >= *min as f64 && x <= *max as f64 {
                            xs.push(x);
                        }
                    }
                }
                xs.sort_by(f64::total_cmp);
                xs.dedup();
                xs.into_iter().map(Slot::Num).collect()
            }
        },
        QuestionKind::Number { min, max } => {
            let mut xs = vec![*min, *max];
            for c in constants(rs, q) {
                let eps = (c.abs() * 1e-9).max(1e-9);
                for x in [c - eps, c, c + eps] {
                    if x >= *min && x <= *max {
                        xs.push(x);
                    }
                }
            }
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            xs.into_iter().map(Slot::Num).collect()
        }
        QuestionKind::Text { .. } => vec![Slot::Text],
    }
}

/// Every constant a condition compares question `q`'s answer with.
fn constants(rs: &RuleSet, q: usize) -> Vec<f64> {
    use crate::cond::Cond;
    fn walk(c: &Cond, q: u32, out: &mut Vec<f64>) {
        match c {
            Cond::And(v) | Cond::Or(v) | Cond::AtLeast(_, v) => {
                v.iter().for_each(|c| walk(c, q, out))
            }
            Cond::Not(c) => walk(c, q, out),
            Cond::Cmp {
                operand: Operand::Answer(x),
                value,
                ..
            } if *x == q => out.push(*value),
            Cond::In {
                operand: Operand::Answer(x),
                values,
                ..
            } if *x == q => out.extend(values),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for_each_condition(rs, |c| walk(c, q as u32, &mut out));
    out
}

/// Calls `f` with every condition of the rule set.
pub fn for_each_condition(rs: &RuleSet, mut f: impl FnMut(&crate::cond::Cond)) {
    for q in &rs.questions {
        if let Some(c) = &q.ask_when {
            f(c);
        }
    }
    for d in &rs.dimensions {
        for r in &d.rules {
            f(&r.when);
        }
    }
    for e in &rs.escalations {
        f(&e.when);
    }
    for s in &rs.supports {
        f(&s.when);
    }
    for fl in &rs.flags {
        f(&fl.when);
    }
    for e in &rs.exclusions {
        f(&e.when);
    }
}
