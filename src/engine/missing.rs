//! Missing-answer reasoning: which missing answers could raise the level.
//!
//! A *completion* of an intake gives every missing question (one that
//! applies, or may apply, and has no answer) a value of its domain. A
//! missing question belongs in `could_raise` when, in some completion, the
//! level is more intensive than `level` and changing that question's answer
//! alone changes the level (directly, through an instrument's total, or
//! through the skip logic of a question a rule reads). `docs/intake.md`
//! gives the definition to users.
//!
//! [`could_raise`] finds a superset of those questions in time linear in
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
use crate::cond::Tri;
use crate::intake::Slot;
use crate::rules::model::{QuestionKind, Reads, RuleSet};

/// Missing questions (among `missing`) that may take part in raising the
/// level above `p.level`, in question order; empty when nothing can raise
/// it. `p` must come from a pass with its trace.
pub(super) fn could_raise(rs: &RuleSet, p: &Pass, missing: &[usize]) -> Vec<usize> {
    if p.max_level >= p.level || missing.is_empty() {
        return Vec::new();
    }
    let read = relevant(rs, p);
    missing.iter().copied().filter(|&q| read[q]).collect()
}

/// Per question: read by a term that is undecided and can still go above
/// the level (see the module comment).
fn relevant(rs: &RuleSet, p: &Pass) -> Vec<bool> {
    let mut r = Walk {
        rs,
        p,
        read: vec![false; rs.questions.len()],
        dims: vec![false; rs.dimensions.len()],
        todo: Vec::new(),
    };
    for (d, dim) in rs.dimensions.iter().enumerate() {
        let (def, max) = p.ratings[d];
        let Some(s) = (def..=max).find(|&x| dim.minimums[x as usize] < p.level) else {
            continue;
        };
        for (i, rule) in dim.rules.iter().enumerate() {
            if rule.rating > def && rule.rating >= s && p.rule_results[d][i] == Tri::Unknown {
                r.walk(&rs.reads.rules[d][i]);
            }
        }
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        if esc.level < p.level && p.escalations[e] == Tri::Unknown {
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
    dims: Vec<bool>,
    todo: Vec<&'a Reads>,
}

impl<'a> Walk<'a> {
    fn walk(&mut self, r: &'a Reads) {
        self.todo.push(r);
        while let Some(r) = self.todo.pop() {
            for &q in r.questions.iter() {
                self.question(q as usize);
            }
            for &d in r.ratings.iter() {
                self.rating(d as usize);
            }
        }
    }

    fn rating(&mut self, d: usize) {
        if std::mem::replace(&mut self.dims[d], true) {
            return;
        }
        // Only a rule above the certain rating can change it.
        let def = self.p.ratings[d].0;
        for (i, rule) in self.rs.dimensions[d].rules.iter().enumerate() {
            if rule.rating > def && self.p.rule_results[d][i] == Tri::Unknown {
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
    /// Questions [`could_raise`] lists for which the search showed no
    /// completion makes them take part: its false positives.
    pub refuted: Vec<usize>,
    /// Questions the search could not decide within its budget, or whose
    /// domain it cannot enumerate exactly (a wide number or integer read
    /// through an instrument, a choice of more than 12 options).
    pub undecided: Vec<usize>,
}

/// The exact `could_raise` of an intake, by search over completions with
/// pruning in three-valued logic, for measuring [`could_raise`]: every
/// question it lists is checked, at most `budget` evaluations in all.
/// Exponential in the number of missing answers in the worst case; not used
/// when scoring.
pub fn exact_could_raise(rs: &RuleSet, slots: &[Slot], budget: usize) -> Exact {
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
    let domains: Vec<Option<Vec<Slot>>> = listed.iter().map(|&q| domain(rs, q)).collect();
    let mut left = budget;
    let monotone = rs
        .dimensions
        .iter()
        .all(|d| d.minimums.windows(2).all(|w| w[1] <= w[0]));
    for (k, &q) in listed.iter().enumerate() {
        let others: Vec<(usize, Vec<Slot>)> = listed
            .iter()
            .zip(&domains)
            .filter(|(&o, _)| o != q)
            .filter_map(|(&o, d)| d.clone().map(|d| (o, d)))
            .collect();
        let exact = domains[k].is_some() && others.len() + 1 == listed.len();
        let Some(values) = domains[k].clone().or_else(|| Some(candidates(rs, q))) else {
            continue;
        };
        let mut search = Search {
            rs,
            monotone,
            level: p.level,
            q,
            values,
            others,
            exact,
            left: &mut left,
        };
        let mut t = slots.to_vec();
        match search.node(&mut t, 0) {
            Some(true) => out.proved.push(q),
            Some(false) if exact => out.refuted.push(q),
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
    /// Every minimums row gives more care to a higher rating, so the
    /// certain level of a pass holds in every completion below it.
    monotone: bool,
    level: usize,
    q: usize,
    values: Vec<Slot>,
    others: Vec<(usize, Vec<Slot>)>,
    /// Every domain is enumerated exactly: a leaf decides.
    exact: bool,
    left: &'b mut usize,
}

impl Search<'_, '_> {
    /// `Some(true)`: found; `Some(false)`: none below this node; `None`:
    /// out of budget.
    fn node(&mut self, t: &mut Vec<Slot>, depth: usize) -> Option<bool> {
        // Per value of `q`: the (certain, most intensive possible) level.
        let mut sides = Vec::with_capacity(self.values.len());
        for v in &self.values {
            if *self.left == 0 {
                return None;
            }
            *self.left -= 1;
            t[self.q] = v.clone();
            let p = pass(self.rs, t, false);
            sides.push((p.level, p.max_level));
        }
        if sides.iter().all(|&(_, max)| max >= self.level) {
            return Some(false);
        }
        if self.monotone {
            let decided = |s: &(usize, usize)| s.0 == s.1;
            if sides.iter().all(decided) && sides.iter().all(|s| s.0 == sides[0].0) {
                return Some(false);
            }
            // A value that raises the level for certain, and another whose
            // every completion gives a less intensive level.
            for a in sides.iter().filter(|s| decided(s) && s.0 < self.level) {
                if sides.iter().any(|b| b.1 > a.0) {
                    return Some(true);
                }
            }
        }
        if depth == self.others.len() {
            if !self.exact {
                return Some(false);
            }
            // Everything `could_raise` lists is set, so every term that can
            // go above the level is decided: a certain level above it is
            // exact, and one that is not means no completion goes above.
            let raised = sides.iter().filter(|s| s.0 < self.level);
            return Some(raised.clone().any(|a| sides.iter().any(|b| b.0 != a.0)));
        }
        let (o, values) = (self.others[depth].0, self.others[depth].1.clone());
        let saved = t[o].clone();
        let mut result = Some(false);
        for v in values {
            t[o] = v;
            match self.node(t, depth + 1) {
                Some(true) => {
                    result = Some(true);
                    break;
                }
                Some(false) => {}
                None => {
                    result = None;
                    break;
                }
            }
        }
        t[o] = saved;
        result
    }
}
