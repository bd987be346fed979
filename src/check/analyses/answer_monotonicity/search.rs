//! The search for a counterexample to answer monotonicity, when structure
//! does not prove it.
//!
//! Otherwise the scorer itself looks for a counterexample: pairs of
//! neighbouring answers on a least-severe intake and on synthetic intakes
//! (`placement sample`), every other answer the same. A counterexample is
//! shrunk to the other answers that matter and reported with the rule or
//! escalation that stops holding. When none is found the question is
//! reported as *not proved*, never as proved.

use super::severity_order;
use super::structure::{Failure, Point};
use crate::check::analyses::residual::{atoms, holds};
use crate::cond::{Cond, Env, Multi, Operand, Tri, Val};
use crate::diag::Span;
use crate::engine::{self, Assessment};
use crate::intake::Slot;
use crate::rules::model::{QuestionKind, RuleSet};
use std::cell::Cell;

/// Synthetic intakes a question is tried on when structure does not prove
/// it (besides the least-severe intake).
pub(super) const SAMPLES: u64 = 60;

/// An answer as it is written in an intake.
pub(super) fn answer_text(rs: &RuleSet, q: usize, s: &Slot) -> String {
    match (s, &rs.questions[q].kind) {
        (Slot::Num(x), QuestionKind::SingleChoice(o)) => o
            .get(*x as usize)
            .map(|o| o.id.clone())
            .unwrap_or_else(|| x.to_string()),
        (Slot::Num(x), QuestionKind::YesNo) => (if *x == 1.0 { "yes" } else { "no" }).into(),
        (Slot::Num(x), _) => x.to_string(),
        (Slot::Multi(m), k) => {
            let names: Vec<&str> = k
                .options()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && m & (1 << i) != 0)
                .map(|(_, o)| o.id.as_str())
                .collect();
            format!("[{}]", names.join(", "))
        }
        (Slot::Text, _) => "(text)".into(),
        (Slot::Absent | Slot::Declined, _) => "(no answer)".into(),
    }
}

/// Every answer at its least severe: the first option, `no`, the lowest
/// number (the reverse for `descending`), nothing ticked, no text.
pub(in crate::check) fn least_severe(rs: &RuleSet) -> Vec<Slot> {
    (0..rs.questions.len())
        .map(|q| match &rs.questions[q].kind {
            QuestionKind::MultiChoice(_) => Slot::Multi(0),
            QuestionKind::Text { .. } => Slot::Absent,
            _ => severity_order(rs, q)
                .first()
                .map(|x| Slot::Num(*x))
                .unwrap_or(Slot::Absent),
        })
        .collect()
}

/// A pair of neighbouring answers where the more severe one gives less
/// care.
pub(super) struct Hit {
    pub(super) slots: Vec<Slot>,
    pub(super) lower: Slot,
    pub(super) higher: Slot,
    pub(super) a: Assessment,
    pub(super) b: Assessment,
}

/// Ticks, in each question others draw their options from, the options
/// those others chose (`options_from`), so that the answers could be
/// saved together.
pub(super) fn draw_options(rs: &RuleSet, slots: &mut [Slot]) {
    for (p, question) in rs.questions.iter().enumerate() {
        let Some(src) = question.options_from else {
            continue;
        };
        let (Some(own), Some(from)) = (question.kind.options(), rs.questions[src].kind.options())
        else {
            continue;
        };
        let chosen: Vec<usize> = match &slots[p] {
            Slot::Num(x) => vec![*x as usize],
            Slot::Multi(m) => (0..own.len().min(64))
                .filter(|i| m & (1 << i) != 0)
                .collect(),
            _ => Vec::new(),
        };
        let mut add = 0u64;
        for i in chosen {
            if let Some(pos) = own
                .get(i)
                .and_then(|o| from.iter().position(|f| f.id == o.id))
                .filter(|pos| *pos < 64)
            {
                add |= 1 << pos;
            }
        }
        if add != 0 {
            slots[src] = match &slots[src] {
                Slot::Multi(m) => Slot::Multi(m | add),
                _ => Slot::Multi(add),
            };
        }
    }
}

pub(super) fn try_pair(
    rs: &RuleSet,
    budget: &Cell<u64>,
    slots: &mut [Slot],
    q: usize,
    lo: f64,
    hi: f64,
) -> Option<Hit> {
    if budget.get() < 2 {
        return None;
    }
    budget.set(budget.get() - 2);
    draw_options(rs, slots);
    slots[q] = Slot::Num(lo);
    let a = engine::score_slots(rs, slots);
    slots[q] = Slot::Num(hi);
    let b = engine::score_slots(rs, slots);
    let asked = a.questions[q].applicable == Tri::True;
    if !asked || !a.excluded.is_empty() || !b.excluded.is_empty() || a.level >= b.level {
        return None;
    }
    Some(Hit {
        slots: slots.to_vec(),
        lower: Slot::Num(lo),
        higher: Slot::Num(hi),
        a,
        b,
    })
}

pub(super) fn search(
    rs: &RuleSet,
    budget: &Cell<u64>,
    q: usize,
    values: &[f64],
    least: &[Slot],
    failure: Option<&Failure>,
) -> Option<Hit> {
    // Complete intakes only: a synthetic intake's declined answers take
    // their least severe value.
    let mut bases: Vec<Vec<Slot>> = vec![least.to_vec()];
    bases.extend((0..SAMPLES).map(|n| {
        let mut slots = crate::sample::draw(rs, 1, n);
        for (s, l) in slots.iter_mut().zip(least) {
            if !s.is_answer() {
                *s = l.clone();
            }
        }
        slots
    }));
    // First the answers that make the step structure could not show
    // happen, on each base; then every step on the bases as they are.
    if let Some(f) = failure {
        for overlay in overlays(rs, q, f) {
            for base in &bases {
                let mut b = base.clone();
                for (p, slot) in &overlay {
                    b[*p] = slot.clone();
                }
                if let Some(hit) =
                    try_pair(rs, budget, &mut b, q, values[f.step], values[f.step + 1])
                {
                    return Some(shrink(rs, budget, q, hit, least));
                }
            }
        }
    }
    for mut base in bases {
        for w in values.windows(2) {
            if let Some(hit) = try_pair(rs, budget, &mut base, q, w[0], w[1]) {
                return Some(shrink(rs, budget, q, hit, least));
            }
        }
    }
    None
}

/// Most answer conditions an overlay is searched over.
pub(super) const MAX_OVERLAY_ATOMS: usize = 12;

/// Answers that make `failure` happen: the part that holds for the less
/// severe answer, and the skip logic of the question and of every question
/// it reads. Each overlay gives some questions an answer; at most eight.
pub(super) fn overlays(rs: &RuleSet, q: usize, f: &Failure) -> Vec<Vec<(usize, Slot)>> {
    // What holds; what should cover it is left to the bases (on the
    // least-severe intake, most of it is false anyway).
    let mut parts: Vec<Cond> = Vec::new();
    if let Some(c) = &f.holds {
        parts.push(c.clone());
    }
    // Skip logic, two questions deep.
    let mut asked: Vec<usize> = vec![q];
    for _ in 0..2 {
        let mut ats = Vec::new();
        for c in &parts {
            atoms(c, &mut ats);
        }
        for a in &ats {
            if let Some(p) = answer_of(a) {
                if !asked.contains(&p) {
                    asked.push(p);
                }
            }
        }
        for &p in &asked {
            if let Some(c) = &rs.questions[p].ask_when {
                if !parts.contains(c) {
                    parts.push(c.clone());
                }
            }
        }
    }
    let all = Cond::And(parts);
    let mut ats = Vec::new();
    atoms(&all, &mut ats);
    if ats.len() > MAX_OVERLAY_ATOMS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for bits in 0..(1u32 << ats.len()) {
        if out.len() >= 8 {
            break;
        }
        if !holds(&all, &ats, bits) {
            continue;
        }
        let lits: Vec<(&Cond, bool)> = ats
            .iter()
            .enumerate()
            .map(|(i, a)| (a, bits & (1 << i) != 0))
            .collect();
        if let Some(o) = realize(rs, q, &lits) {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    out
}

pub(super) fn answer_of(atom: &Cond) -> Option<usize> {
    match atom {
        Cond::Cmp {
            operand: Operand::Answer(p),
            ..
        }
        | Cond::In {
            operand: Operand::Answer(p),
            ..
        }
        | Cond::Has { question: p, .. } => Some(*p as usize),
        _ => None,
    }
}

/// A multi-choice answer for [`realize`].
pub(super) struct Ticked(u32, u64);

impl Env for Ticked {
    fn value(&self, _: Operand) -> Val {
        Val::Na
    }
    fn multi(&self, q: u32) -> Multi {
        if q == self.0 {
            Multi::Set(self.1)
        } else {
            Multi::Na
        }
    }
    fn answered(&self, _: u32) -> Tri {
        Tri::True
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::False
    }
}

/// An answer for each question the literals read (other than `q`) that
/// makes every literal on it true or false as asked; `None` when some
/// question has none. Literals on totals, bands and ratings are left to
/// the scorer to confirm.
pub(super) fn realize(
    rs: &RuleSet,
    q: usize,
    lits: &[(&Cond, bool)],
) -> Option<Vec<(usize, Slot)>> {
    let mut questions: Vec<usize> = lits.iter().filter_map(|(a, _)| answer_of(a)).collect();
    questions.sort_unstable();
    questions.dedup();
    let mut out = Vec::new();
    for p in questions.into_iter().filter(|&p| p != q) {
        let mine: Vec<&(&Cond, bool)> = lits
            .iter()
            .filter(|(a, _)| answer_of(a) == Some(p))
            .collect();
        let fits = |slot: &Slot| {
            mine.iter().all(|(a, want)| {
                let t = match slot {
                    Slot::Num(v) => a.eval(&Point(Operand::Answer(p as u32), *v)),
                    Slot::Multi(m) => a.eval(&Ticked(p as u32, *m)),
                    _ => Tri::False,
                };
                (t == Tri::True) == *want
            })
        };
        let found = match &rs.questions[p].kind {
            QuestionKind::MultiChoice(_) => {
                // The options every literal asks for, then single options.
                let mut want = 0u64;
                for (a, pos) in &mine {
                    if let (Cond::Has { mask, .. }, true) = (a, pos) {
                        want |= mask;
                    }
                }
                let mut tries = vec![Slot::Multi(want)];
                tries.extend(engine::candidates(rs, p));
                tries.into_iter().find(|s| fits(s))
            }
            QuestionKind::Text { .. } => None,
            _ => severity_order(rs, p)
                .into_iter()
                .map(Slot::Num)
                .find(|s| fits(s)),
        };
        out.push((p, found?));
    }
    Some(out)
}

/// Sets every other answer that does not matter to its least severe.
pub(super) fn shrink(rs: &RuleSet, budget: &Cell<u64>, q: usize, hit: Hit, least: &[Slot]) -> Hit {
    let (lo, hi) = match (&hit.lower, &hit.higher) {
        (Slot::Num(a), Slot::Num(b)) => (*a, *b),
        _ => return hit,
    };
    let mut best = hit;
    for p in 0..rs.questions.len() {
        if p == q || best.slots[p] == least[p] {
            continue;
        }
        let mut s = best.slots.clone();
        s[p] = least[p].clone();
        if let Some(h) = try_pair(rs, budget, &mut s, q, lo, hi) {
            best = h;
        }
    }
    best
}

/// The rule or escalation that holds for the less severe answer and not
/// for the more severe one, at the level it gives.
pub(super) fn responsible(rs: &RuleSet, h: &Hit) -> (String, Span) {
    // A rating that goes down is the cause; an escalation that stops
    // holding because of it only passes it on.
    for (d, dim) in rs.dimensions.iter().enumerate() {
        let (ra, rb) = (&h.a.dimensions[d], &h.b.dimensions[d]);
        if ra.rating <= rb.rating {
            continue;
        }
        if let Some(i) = ra.deciding(dim).find(|&i| rb.rules[i] != Tri::True) {
            let rule = &dim.rules[i];
            return (
                format!(
                    "rule `{}` of `{}` (rating {})",
                    rule.id, dim.id, rule.rating
                ),
                rule.span,
            );
        }
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        if esc.level == h.a.level
            && h.a.escalations[e] == Tri::True
            && h.b.escalations[e] != Tri::True
        {
            return (format!("escalation `{}`", esc.id), esc.span);
        }
    }
    (String::new(), Span::UNKNOWN)
}
