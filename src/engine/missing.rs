//! Missing-answer reasoning: which missing answers could raise the level
//! (`could_raise`), and which leave an exclusion undecided. (`max_level`,
//! possible flags and possible supports need no reasoning of their own:
//! the evaluation in `mod.rs` gives them, in three-valued logic.)
//!
//! A *completion* of an intake gives every missing question (one that
//! applies, or may apply, and has no answer) a value of its domain. A
//! missing question belongs in `could_raise` when, in some completion, the
//! level is more intensive than `level` and changing that question's answer
//! alone changes the level (directly, through an instrument's total, or
//! through the skip logic of a question a rule reads). `docs/intake.md`
//! gives the definition to users.
//!
//! `could_raise` finds a superset of those questions in time linear in
//! the rule set, with no search. The level is the most intensive of its
//! *terms*: each dimension's minimum for its rating, and each escalation
//! that holds. When changing one answer changes a level that is above
//! `level`, some term changes and takes a value above `level` on one side.
//! So a question can only take part when it is read by a term that is still
//! undecided and can still go above `level`:
//!
//! - a dimension whose ratings between its certain rating and its highest
//!   possible one include one (`s`) whose minimum is above `level`, through
//!   an undecided rule of rating `s` or more (the rating changes only when a
//!   rule above the other side's rating turns on or off, and one side of the
//!   change must reach `s`);
//! - an undecided escalation to a level above `level`;
//!
//! where "read" follows instruments to their items, a rating to the
//! undecided rules that could lift it, and a question whose skip logic is
//! not settled to the questions its `ask_when` reads. What the superset
//! may hold beyond the definition (a term whose change is always masked by
//! a more intensive one, answers that can only go above `level` together
//! in a combination a rule set makes impossible) is measured by
//! [`exact_could_raise`], which searches every completion within a budget.

use super::{candidates, pass, Pass};
use crate::cond::{Cond, Operand, Tri};
use crate::intake::Slot;
use crate::rules::model::{QuestionKind, Reads, RuleSet};

/// Missing questions (among `missing`) that may take part in raising the
/// level above `p.level`, in question order; empty when nothing can raise
/// it. `p` must come from a pass with its trace.
pub(super) fn could_raise(rs: &RuleSet, p: &Pass, missing: &[usize]) -> Vec<usize> {
    if p.max_level >= p.level || missing.is_empty() {
        return Vec::new();
    }
    let read = relevant(rs, p, p.level.min(p.least_level));
    missing.iter().copied().filter(|&q| read[q]).collect()
}

/// Per question: read by a term that is undecided and can still go above
/// `level` (see the module comment).
fn relevant(rs: &RuleSet, p: &Pass, level: usize) -> Vec<bool> {
    let mut r = Walk {
        rs,
        p,
        read: vec![false; rs.questions.len()],
        dims: vec![u8::MAX; rs.dimensions.len()],
        todo: Vec::new(),
    };
    for (d, dim) in rs.dimensions.iter().enumerate() {
        let (def, max) = p.ratings[d];
        let Some(s) = (def..=max).find(|&x| dim.minimums[x as usize] < level) else {
            continue;
        };
        for (i, rule) in dim.rules.iter().enumerate() {
            if rule.rating > def && rule.rating >= s && p.rule_results[d][i] == Tri::Unknown {
                r.walk(&rs.reads.rules[d][i]);
            }
        }
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        if esc.level < level && p.escalations[e] == Tri::Unknown {
            r.walk(&rs.reads.escalations[e]);
        }
    }
    r.read
}

/// What undecided conditions read, followed through ratings and skip logic
/// (instruments are already followed to their items in [`Reads`]).
struct Walk<'a> {
    rs: &'a RuleSet,
    p: &'a Pass,
    read: Vec<bool>,
    /// Per dimension: the least rating from which its rules are followed
    /// already (`u8::MAX`: none).
    dims: Vec<u8>,
    todo: Vec<&'a Reads>,
}

impl<'a> Walk<'a> {
    fn walk(&mut self, r: &'a Reads) {
        self.todo.push(r);
        while let Some(r) = self.todo.pop() {
            for &q in r.questions.iter() {
                self.question(q as usize);
            }
            for &(d, from) in r.ratings.iter() {
                self.rating(d as usize, from);
            }
        }
    }

    /// A rating compared by conditions that can only change from rating
    /// `from` up.
    fn rating(&mut self, d: usize, from: u8) {
        let done = self.dims[d];
        self.dims[d] = done.min(from);
        if from >= done {
            return;
        }
        // Only a rule above the certain rating can change the rating, and
        // the comparison changes only where the higher of the two ratings
        // is `from` or more: the rating of a rule that turns on or off.
        let def = self.p.ratings[d].0;
        for (i, rule) in self.rs.dimensions[d].rules.iter().enumerate() {
            if rule.rating > def
                && rule.rating >= from
                && rule.rating < done
                && self.p.rule_results[d][i] == Tri::Unknown
            {
                self.todo.push(&self.rs.reads.rules[d][i]);
            }
        }
    }

    fn question(&mut self, q: usize) {
        if std::mem::replace(&mut self.read[q], true) {
            return;
        }
        if self.p.applicable[q] != Tri::True && self.rs.questions[q].ask_when.is_some() {
            self.todo.push(&self.rs.reads.ask_when[q]);
        }
    }
}

/// The result of [`exact_could_raise`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exact {
    /// Questions for which a completion was found that proves they take
    /// part, in question order.
    pub proved: Vec<usize>,
    /// Questions `could_raise` lists for which the search showed no
    /// completion makes them take part: its false positives.
    pub refuted: Vec<usize>,
    /// Questions the search could not decide within its budget, or whose
    /// domain it cannot enumerate exactly (a wide number or integer read
    /// through an instrument, a choice of more than 12 options).
    pub undecided: Vec<usize>,
}

/// The exact `could_raise` of an intake, by search over completions, for
/// measuring `could_raise`: every question it lists is checked, with at
/// most `budget` evaluations in all. Not used when scoring.
///
/// The search assigns missing answers one at a time, only those that a term
/// able to go above `level` still reads once the answers so far are known
/// (the reasoning of `could_raise`, applied at every step): a question no
/// such term reads any more cannot take part below that point, and once
/// every other question such terms read is assigned, trying each value of
/// the question decides. Exponential in the worst case.
pub fn exact_could_raise(rs: &RuleSet, slots: &[Slot], budget_per_question: usize) -> Exact {
    let p = pass(rs, slots, true);
    let missing: Vec<usize> = (0..rs.questions.len())
        .filter(|&q| p.applicable[q] != Tri::False && !slots[q].is_answer())
        .collect();
    let listed = could_raise(rs, &p, &missing);
    let mut out = Exact {
        proved: Vec::new(),
        refuted: Vec::new(),
        undecided: Vec::new(),
    };
    for &q in &listed {
        let mut left = budget_per_question;
        let mut search = Search {
            rs,
            level: p.level,
            q,
            exact: true,
            left: &mut left,
        };
        let mut t = slots.to_vec();
        let found = search.trials(&mut t, &listed, q as u64 + 1);
        match found.or_else(|| search.node(&mut t)) {
            Some(true) => out.proved.push(q),
            Some(false) if search.exact => out.refuted.push(q),
            _ => out.undecided.push(q),
        }
    }
    out
}

/// Every value of a question's domain, when it can be enumerated exactly
/// and its values are few.
fn domain(rs: &RuleSet, q: usize) -> Option<Vec<Slot>> {
    match &rs.questions[q].kind {
        QuestionKind::MultiChoice(o) if o.len() <= 12 => {
            let exclusive = rs.questions[q].kind.exclusive_mask();
            Some(
                (0u64..1 << o.len())
                    .filter(|m| m & exclusive == 0 || m.count_ones() == 1)
                    .map(Slot::Multi)
                    .collect(),
            )
        }
        QuestionKind::MultiChoice(_) => None,
        QuestionKind::Integer { min, max, .. } if max - min > 200 => {
            // Every comparison is with a constant, so the values around
            // them stand for all; not so for an instrument's item.
            let item = rs
                .instruments
                .iter()
                .any(|i| i.items.iter().any(|it| it.question == q));
            (!item).then(|| candidates(rs, q))
        }
        QuestionKind::Number { .. } => {
            let item = rs
                .instruments
                .iter()
                .any(|i| i.items.iter().any(|it| it.question == q));
            (!item).then(|| candidates(rs, q))
        }
        _ => Some(candidates(rs, q)),
    }
}

/// A depth-first search for a completion in which question `q` takes part.
struct Search<'a, 'b> {
    rs: &'a RuleSet,
    /// The intake's level: "above" means above this one.
    level: usize,
    q: usize,
    /// No domain was cut short: a search that finds nothing refutes.
    exact: bool,
    left: &'b mut usize,
}

impl Search<'_, '_> {
    /// `Some(true)`: found; `Some(false)`: none below this node; `None`:
    /// out of budget.
    fn node(&mut self, t: &mut Vec<Slot>) -> Option<bool> {
        let (rs, q) = (self.rs, self.q);
        *self.left = self.left.checked_sub(1)?;
        let p = pass(rs, t, true);
        if p.max_level >= self.level {
            return Some(false);
        }
        // Every completion below is at least as intensive as `bound`: a
        // term that cannot go above it cannot change the level.
        let bound = self.level.min(p.least_level);
        let read = relevant(rs, &p, bound);
        if !read[q] {
            return Some(false);
        }
        let next = (0..rs.questions.len())
            .find(|&o| o != q && read[o] && !t[o].is_answer() && p.applicable[o] != Tri::False);
        let Some(o) = next else {
            return self.leaf(t, bound);
        };
        let values = self.values(o);
        let saved = t[o].clone();
        let mut result = Some(false);
        for v in values.into_iter().rev() {
            t[o] = v;
            match self.node(t) {
                Some(false) => {}
                r => {
                    result = r;
                    break;
                }
            }
        }
        t[o] = saved;
        result
    }

    /// Every question read by a term that can go above `bound` is set but
    /// `q`: such terms are decided for each value of `q`, the others give
    /// `bound` or less care, and every completion gives `bound` or more. So
    /// the level of each value is the most intensive of the decided terms
    /// and `bound`, which is the least intensive level the pass allows,
    /// capped at `bound`.
    fn leaf(&mut self, t: &mut [Slot], bound: usize) -> Option<bool> {
        let q = self.q;
        let saved = t[q].clone();
        let mut levels = Vec::new();
        for v in self.values(q) {
            *self.left = self.left.checked_sub(1)?;
            t[q] = v;
            levels.push(pass(self.rs, t, false).least_level.min(bound));
        }
        t[q] = saved;
        let found = levels
            .iter()
            .any(|&a| a < self.level && levels.iter().any(|&b| b != a));
        Some(found)
    }

    /// Random completions of every listed question but `q`, each answer
    /// the least severe value with a chance that varies from trial to trial:
    /// a quick way to a completion where `q` takes part, when there is one.
    /// `Some(true)` when found; `None` otherwise (nothing is refuted).
    fn trials(&mut self, t: &mut [Slot], listed: &[usize], seed: u64) -> Option<bool> {
        const TRIALS: u64 = 48;
        let q = self.q;
        let domains: Vec<(usize, Vec<Slot>)> = listed
            .iter()
            .filter(|&&o| o != q)
            .map(|&o| (o, self.values(o)))
            .collect();
        let saved: Vec<Slot> = t.to_vec();
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n.max(1) as u64) as usize
        };
        let mut found = None;
        for k in 0..TRIALS {
            let least = (k * 100 / TRIALS) as usize;
            for (o, d) in &domains {
                t[*o] = if next(100) < least {
                    d[0].clone()
                } else {
                    d[next(d.len())].clone()
                };
            }
            if *self.left < 2 {
                break;
            }
            *self.left -= 1;
            let p = pass(self.rs, t, true);
            if p.max_level >= self.level {
                continue;
            }
            let bound = self.level.min(p.least_level);
            let read = relevant(self.rs, &p, bound);
            let settled = (0..t.len()).all(|o| {
                o == self.q || !read[o] || t[o].is_answer() || p.applicable[o] == Tri::False
            });
            if read[self.q] && settled && self.leaf(t, bound) == Some(true) {
                found = Some(true);
                break;
            }
        }
        t.clone_from_slice(&saved);
        found
    }

    fn values(&mut self, q: usize) -> Vec<Slot> {
        domain(self.rs, q).unwrap_or_else(|| {
            self.exact = false;
            candidates(self.rs, q)
        })
    }
}

/// The missing questions (among `missing`) that condition `c` reads:
/// directly, through an instrument's items, or through the skip logic of a
/// question it reads whose applicability is not settled, in question order.
pub(super) fn undecided_by(
    rs: &RuleSet,
    c: &Cond,
    applicable: &[Tri],
    missing: &[usize],
) -> Vec<usize> {
    let mut read = vec![false; rs.questions.len()];
    let mut todo = Vec::new();
    let mark = |o: Operand, read: &mut Vec<bool>, todo: &mut Vec<usize>| {
        let mut one = |q: usize| {
            if !read[q] {
                read[q] = true;
                todo.push(q);
            }
        };
        match o {
            Operand::Answer(q) => one(q as usize),
            Operand::Total(i) | Operand::Band(i) => {
                rs.instruments[i as usize]
                    .items
                    .iter()
                    .for_each(|it| one(it.question));
            }
            Operand::Rating(_) | Operand::Level => {}
        }
    };
    c.visit_operands(&mut |o| mark(o, &mut read, &mut todo));
    while let Some(q) = todo.pop() {
        if applicable.get(q).copied() == Some(Tri::True) {
            continue;
        }
        if let Some(ask) = &rs.questions[q].ask_when {
            ask.visit_operands(&mut |o| mark(o, &mut read, &mut todo));
        }
    }
    missing.iter().copied().filter(|&q| read[q]).collect()
}
