//! The search: `and` adds constraints, `or` and `at_least` branch, `not`
//! is pushed down to the comparisons, and a branch closes when a domain
//! empties.

use super::domain::{answered_ok, interval, narrow_cmp, narrow_in, NumDom, Store, Values, MAX_SET};
use super::Facts;
use crate::cond::{Cond, HasMode, Operand};
use crate::rules::model::{QuestionKind, RuleSet};

/// Branches explored per question before giving up (counted as satisfiable).
const BUDGET: usize = 20_000;

/// The question an atom, taken positively (or negatively with `neg`),
/// requires to be asked: a comparison or `has` that holds reads an answer
/// that applies; so do `answered(q)` and `missing(q)`.
fn applies(atom: &Cond, neg: bool) -> Option<u32> {
    if neg {
        return None;
    }
    match atom {
        Cond::Cmp {
            operand: Operand::Answer(q),
            ..
        }
        | Cond::In {
            operand: Operand::Answer(q),
            ..
        }
        | Cond::Has { question: q, .. }
        | Cond::Answered(q)
        | Cond::Missing(q) => Some(*q),
        _ => None,
    }
}

/// The solver for one rule set, with the ratings each dimension may take.
pub struct Solver<'a> {
    rs: &'a RuleSet,
    facts: &'a Facts,
    /// Per dimension: bit r set when rating r is possible.
    pub ratings: Vec<u16>,
    /// Whether an answer that is read must have been asked (its skip
    /// condition held). Off for consistency checks, which read the
    /// answers as recorded.
    pub skip_logic: bool,
    budget: usize,
}

impl<'a> Solver<'a> {
    pub fn new(rs: &'a RuleSet, facts: &'a Facts) -> Self {
        let all = (1u16 << (rs.max_rating as u32 + 1)) - 1;
        Solver {
            rs,
            facts,
            ratings: vec![all; rs.dimensions.len()],
            skip_logic: true,
            budget: 0,
        }
    }

    /// Whether `c` can hold. `false` is a proof that it never does.
    pub fn satisfiable(&mut self, c: &Cond) -> bool {
        self.budget = BUDGET;
        let mut goals = vec![(c, false)];
        self.solve(&mut goals, Store::default())
    }

    /// Whether `c` holds whatever the answers (given the rating domains).
    /// `true` is a proof; `false` may be wrong.
    pub fn valid(&mut self, c: &Cond) -> bool {
        self.budget = BUDGET;
        let mut goals = vec![(c, true)];
        !self.solve(&mut goals, Store::default())
    }

    /// Whether the goals can hold together: each a condition and whether
    /// it must be false. `false` is a proof that they never do.
    pub fn satisfiable_all(&mut self, goals: &[(&Cond, bool)]) -> bool {
        self.budget = BUDGET;
        let mut g = goals.to_vec();
        self.solve(&mut g, Store::default())
    }

    fn solve<'c>(&mut self, goals: &mut Vec<(&'c Cond, bool)>, mut store: Store) -> bool
    where
        'a: 'c,
    {
        while let Some((c, neg)) = goals.pop() {
            match (c, neg) {
                (Cond::Not(inner), n) => goals.push((inner, !n)),
                (Cond::And(items), false) | (Cond::Or(items), true) => {
                    goals.extend(items.iter().map(|i| (i, neg)));
                }
                (Cond::And(items), true) | (Cond::Or(items), false) => {
                    return items
                        .iter()
                        .any(|i| self.branch(goals, &store, &[(i, neg)]));
                }
                (Cond::AtLeast(n, items), neg) => {
                    // At least n hold; negated: at least len-n+1 fail.
                    let (k, pol) = if neg {
                        ((items.len() + 1).saturating_sub(*n as usize), true)
                    } else {
                        (*n as usize, false)
                    };
                    if k == 0 {
                        continue;
                    }
                    if k > items.len() {
                        return false;
                    }
                    return self.combinations(goals, &store, items, k, pol);
                }
                (atom, neg) => {
                    if !self.apply(&mut store, atom, neg) {
                        return false;
                    }
                    // An answer that is used was asked: its skip condition
                    // held.
                    if let Some(q) = applies(atom, neg).filter(|_| self.skip_logic) {
                        if let Some(c) = &self.rs.questions[q as usize].ask_when {
                            if store.gated.insert(q) {
                                goals.push((c, false));
                            }
                        }
                    }
                }
            }
        }
        true
    }

    fn branch<'c>(
        &mut self,
        goals: &[(&'c Cond, bool)],
        store: &Store,
        extra: &[(&'c Cond, bool)],
    ) -> bool {
        if self.budget == 0 {
            return true;
        }
        self.budget -= 1;
        let mut g = goals.to_vec();
        g.extend_from_slice(extra);
        self.solve(&mut g, store.clone())
    }

    fn combinations<'c>(
        &mut self,
        goals: &[(&'c Cond, bool)],
        store: &Store,
        items: &'c [Cond],
        k: usize,
        neg: bool,
    ) -> bool {
        let n = items.len();
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            let extra: Vec<(&Cond, bool)> = idx.iter().map(|&i| (&items[i], neg)).collect();
            if self.branch(goals, store, &extra) {
                return true;
            }
            // Next combination in lexicographic order.
            let Some(i) = (0..k).rev().find(|&i| idx[i] < n - k + i) else {
                return false;
            };
            idx[i] += 1;
            for j in i + 1..k {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }

    /// Applies one comparison (or its negation); false when the store
    /// becomes contradictory.
    fn apply(&self, store: &mut Store, atom: &Cond, neg: bool) -> bool {
        match atom {
            Cond::Cmp { operand, op, value } => {
                let op = if neg { op.negated() } else { *op };
                let dom = store
                    .num
                    .entry(*operand)
                    .or_insert_with(|| self.base(*operand));
                narrow_cmp(dom, op, *value, neg);
                if !neg {
                    if let Operand::Answer(q) = operand {
                        store.answered.entry(*q).or_default().0 = true;
                    }
                }
                self.consistent(store, *operand)
            }
            Cond::In {
                operand, values, ..
            } => {
                let dom = store
                    .num
                    .entry(*operand)
                    .or_insert_with(|| self.base(*operand));
                narrow_in(dom, values, neg);
                if !neg {
                    if let Operand::Answer(q) = operand {
                        store.answered.entry(*q).or_default().0 = true;
                    }
                }
                self.consistent(store, *operand)
            }
            Cond::Has {
                question,
                mode,
                mask,
            } => {
                let m = store.multi.entry(*question).or_default();
                match (mode, neg) {
                    (HasMode::One | HasMode::All, false) => m.must |= mask,
                    (HasMode::Any, false) => m.any_of.push(*mask),
                    (HasMode::One | HasMode::Any, true) => m.must_not |= mask,
                    (HasMode::All, true) => m.not_all.push(*mask),
                }
                if !neg {
                    m.positive = true;
                    store.answered.entry(*question).or_default().0 = true;
                }
                // Only negated constraints: satisfied when it is not asked.
                let skip = !m.positive
                    && self
                        .facts
                        .can_skip
                        .get(*question as usize)
                        .copied()
                        .unwrap_or(true);
                let exclusive = self.rs.questions[*question as usize].kind.exclusive_mask();
                (skip || !m.contradictory(exclusive)) && answered_ok(store, *question)
            }
            Cond::Answered(q) => {
                let e = store.answered.entry(*q).or_default();
                if neg {
                    e.1 = true;
                } else {
                    e.0 = true;
                }
                answered_ok(store, *q)
            }
            Cond::Missing(q) => {
                if !neg {
                    store.answered.entry(*q).or_default().1 = true;
                }
                answered_ok(store, *q)
            }
            _ => true,
        }
    }

    fn consistent(&self, store: &Store, operand: Operand) -> bool {
        let ok = store.num.get(&operand).is_none_or(|d| !d.empty());
        match operand {
            Operand::Answer(q) => ok && answered_ok(store, q),
            _ => ok,
        }
    }

    /// The domain of an operand before any constraint.
    fn base(&self, operand: Operand) -> NumDom {
        let rs = self.rs;
        let range = |lo: usize, n: usize| Values::Set((lo..lo + n).map(|x| x as f64).collect());
        match operand {
            Operand::Answer(q) => {
                let question = &rs.questions[q as usize];
                let na = self.facts.can_skip[q as usize];
                let values = match &question.kind {
                    QuestionKind::YesNo => range(0, 2),
                    QuestionKind::SingleChoice(o) => range(0, o.len()),
                    QuestionKind::Integer {
                        min, max, allowed, ..
                    } => match allowed {
                        Some(a) => Values::Set(a.iter().map(|x| *x as f64).collect()),
                        None if max - min < MAX_SET as i64 => {
                            Values::Set((*min..=*max).map(|x| x as f64).collect())
                        }
                        None => interval(*min as f64, *max as f64),
                    },
                    QuestionKind::Number { min, max } => interval(*min, *max),
                    _ => interval(f64::NEG_INFINITY, f64::INFINITY),
                };
                NumDom { values, na }
            }
            Operand::Total(i) | Operand::Band(i) => {
                let inst = &rs.instruments[i as usize];
                let na = inst.items.iter().all(|it| self.facts.can_skip[it.question]);
                let values = if matches!(operand, Operand::Band(_)) {
                    Values::Set(
                        self.facts.band_reachable[i as usize]
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| **r)
                            .map(|(b, _)| b as f64)
                            .collect(),
                    )
                } else {
                    match &self.facts.totals[i as usize] {
                        Some(t) => Values::Set(t.iter().map(|x| *x as f64).collect()),
                        None => interval(inst.min_total as f64, inst.max_total as f64),
                    }
                };
                NumDom { values, na }
            }
            Operand::Rating(d) => {
                let mask = self.ratings.get(d as usize).copied().unwrap_or(0);
                NumDom {
                    values: Values::Set(
                        (0..=rs.max_rating as u32)
                            .filter(|r| mask & (1 << r) != 0)
                            .map(|r| r as f64)
                            .collect(),
                    ),
                    na: false,
                }
            }
            Operand::Level => NumDom {
                values: range(0, rs.levels.len()),
                na: false,
            },
        }
    }
}

/// The rating bits a list of ratings allows.
pub fn mask_of(ratings: &[u8]) -> u16 {
    ratings.iter().fold(0, |m, r| m | (1 << r))
}
