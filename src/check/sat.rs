//! Satisfiability of conditions: can a condition ever hold?
//!
//! A small, sound, incomplete solver. It walks the condition as a search:
//! `and` adds constraints, `or` and `at_least` branch, `not` is pushed down
//! to the comparisons. Each operand has a domain (the values it can take,
//! and whether it can be *not applicable*, which makes every comparison on
//! it false and every negated one true); a comparison narrows the domain,
//! and an empty domain closes the branch. A condition is reported as
//! unsatisfiable only when every branch closes, so "unsatisfiable" is a
//! proof; "satisfiable" may be wrong when the contradiction spans things
//! this model does not relate (two instrument totals that share items, a
//! total and its own items, a multi-choice hitting-set puzzle). The search
//! is bounded; past the bound a condition counts as satisfiable.

use crate::cond::{CmpOp, Cond, HasMode, Operand};
use crate::rules::model::{QuestionKind, RuleSet, ValueMap};
use std::collections::HashMap;

/// Largest finite domain kept as a set of values; larger ones are intervals.
const MAX_SET: usize = 4096;
/// Branches explored per question before giving up (counted as satisfiable).
const BUDGET: usize = 20_000;

/// What the solver knows about the rule set, computed once.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Per instrument: every total its items can add up to (sorted), when
    /// the range is small enough to list.
    pub totals: Vec<Option<Vec<i64>>>,
    /// Per instrument: for each band, whether some achievable total is in it.
    pub band_reachable: Vec<Vec<bool>>,
    /// Per question: whether skip logic can make it not applicable.
    pub can_skip: Vec<bool>,
}

impl Facts {
    pub fn new(rs: &RuleSet) -> Self {
        let totals: Vec<Option<Vec<i64>>> = (0..rs.instruments.len())
            .map(|i| achievable_totals(rs, i))
            .collect();
        let band_reachable = rs
            .instruments
            .iter()
            .zip(&totals)
            .map(|(inst, t)| {
                inst.bands
                    .iter()
                    .map(|b| match t {
                        Some(t) => t.iter().any(|x| *x >= b.min && *x <= b.max),
                        None => b.max >= inst.min_total && b.min <= inst.max_total,
                    })
                    .collect()
            })
            .collect();
        let can_skip = rs.questions.iter().map(|q| q.ask_when.is_some()).collect();
        Facts {
            totals,
            band_reachable,
            can_skip,
        }
    }
}

/// The points one item can give, as sorted, disjoint runs of consecutive
/// whole numbers (`(first, last)`, both included): an integer question's
/// whole range is one run however wide, a value map's points are grouped.
pub fn item_runs(rs: &RuleSet, inst: usize, item: usize) -> Vec<(i64, i64)> {
    let it = &rs.instruments[inst].items[item];
    let q = &rs.questions[it.question];
    let mut v: Vec<i64> = match (&it.values, &q.kind) {
        (
            ValueMap::Identity,
            QuestionKind::Integer {
                min, max, allowed, ..
            },
        ) => match allowed {
            Some(a) => a.clone(),
            None => return vec![(*min, *max)],
        },
        (ValueMap::YesNo { no, yes }, _) => vec![*no, *yes],
        (ValueMap::Options(p), _) => p.clone(),
        (ValueMap::Integers(pairs), _) => pairs.iter().map(|(_, p)| *p).collect(),
        _ => vec![0],
    };
    v.sort_unstable();
    v.dedup();
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for x in v {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == x => *last = x,
            _ => runs.push((x, x)),
        }
    }
    runs
}

/// The most steps (reachable-total slots times runs, over all items) the
/// listing of one instrument's achievable totals may take; a wider
/// instrument is not listed, and its bands are judged by its range alone.
const TOTALS_WORK: u64 = 50_000_000;

/// Every total an instrument can reach (sums of one value per item), or
/// `None` when its range is too wide to list within [`TOTALS_WORK`].
///
/// Each item adds its runs of points to the set reached so far; a run of
/// consecutive points is added in one pass with prefix counts, so an item
/// whose answers are a plain range costs one pass however wide it is.
pub fn achievable_totals(rs: &RuleSet, inst: usize) -> Option<Vec<i64>> {
    let i = &rs.instruments[inst];
    let (lo, hi) = (i.min_total, i.max_total);
    let width = hi.checked_sub(lo)?;
    if !(0..=100_000).contains(&width) {
        return None;
    }
    let items: Vec<Vec<(i64, i64)>> = (0..i.items.len())
        .map(|item| item_runs(rs, inst, item))
        .collect();
    let work: u64 = items
        .iter()
        .map(|r| r.len() as u64 * (width as u64 + 1))
        .sum();
    if work > TOTALS_WORK {
        return None;
    }
    let n = width as usize + 1;
    let mut reach = vec![false; n];
    // Offsets from the sum of every item's least points.
    reach[0] = true;
    let mut prefix = vec![0u32; n + 1];
    for runs in &items {
        let base = runs.first()?.0;
        for (o, ok) in reach.iter().enumerate() {
            prefix[o + 1] = prefix[o] + u32::from(*ok);
        }
        let mut next = vec![false; n];
        for &(a, b) in runs {
            let (da, db) = (a - base, b - base);
            for (o, slot) in next.iter_mut().enumerate() {
                // Some reached r with o - db <= r <= o - da.
                let top = o as i64 - da;
                if top < 0 {
                    continue;
                }
                let bottom = (o as i64 - db).max(0) as usize;
                let top = (top as usize).min(n - 1);
                if bottom <= top && prefix[top + 1] > prefix[bottom] {
                    *slot = true;
                }
            }
        }
        reach = next;
    }
    Some(
        reach
            .iter()
            .enumerate()
            .filter(|(_, ok)| **ok)
            .map(|(o, _)| lo + o as i64)
            .collect(),
    )
}

/// The values a numeric operand may take.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    Set(Vec<f64>),
    /// `lo..hi`, each end open or closed.
    Interval {
        lo: f64,
        lo_open: bool,
        hi: f64,
        hi_open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct NumDom {
    values: Values,
    /// It may be not applicable.
    na: bool,
}

impl NumDom {
    fn empty(&self) -> bool {
        !self.na
            && match &self.values {
                Values::Set(v) => v.is_empty(),
                Values::Interval {
                    lo,
                    lo_open,
                    hi,
                    hi_open,
                } => lo > hi || (lo == hi && (*lo_open || *hi_open)),
            }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct MultiDom {
    must: u64,
    must_not: u64,
    /// Each: at least one of these options.
    any_of: Vec<u64>,
    /// Each: not all of these options.
    not_all: Vec<u64>,
    positive: bool,
}

impl MultiDom {
    /// No answer satisfies every constraint; `exclusive` are the options
    /// that can only be ticked alone.
    fn contradictory(&self, exclusive: u64) -> bool {
        if self.must & self.must_not != 0
            || self.any_of.iter().any(|m| m & !self.must_not == 0)
            || self.not_all.iter().any(|m| m & !self.must == 0)
        {
            return true;
        }
        if self.must & exclusive != 0 {
            // The answer is that exclusive option alone.
            return self.must.count_ones() > 1 || self.any_of.iter().any(|m| m & self.must == 0);
        }
        if self.must != 0 {
            // Some option is ticked, so no exclusive option can be.
            let can = !self.must_not & !exclusive;
            return self.any_of.iter().any(|m| m & can == 0);
        }
        false
    }
}

#[derive(Debug, Clone, Default)]
struct Store {
    num: HashMap<Operand, NumDom>,
    multi: HashMap<u32, MultiDom>,
    /// Per question: must be answered (and applicable) / must not be.
    answered: HashMap<u32, (bool, bool)>,
    /// Questions whose skip condition is already a goal.
    gated: std::collections::HashSet<u32>,
}

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
    budget: usize,
}

impl<'a> Solver<'a> {
    pub fn new(rs: &'a RuleSet, facts: &'a Facts) -> Self {
        let all = (1u16 << (rs.max_rating as u32 + 1)) - 1;
        Solver {
            rs,
            facts,
            ratings: vec![all; rs.dimensions.len()],
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
                    if let Some(q) = applies(atom, neg) {
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
                let op = if neg { negate(*op) } else { *op };
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

fn answered_ok(store: &Store, q: u32) -> bool {
    store
        .answered
        .get(&q)
        .is_none_or(|(yes, no)| !(*yes && *no))
}

fn interval(lo: f64, hi: f64) -> Values {
    Values::Interval {
        lo,
        lo_open: false,
        hi,
        hi_open: false,
    }
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
    }
}

fn holds(x: f64, op: CmpOp, v: f64) -> bool {
    match op {
        CmpOp::Eq => x == v,
        CmpOp::Ne => x != v,
        CmpOp::Lt => x < v,
        CmpOp::Le => x <= v,
        CmpOp::Gt => x > v,
        CmpOp::Ge => x >= v,
    }
}

/// Narrows by `x op v`. `negated` means the comparison came from a `not`,
/// so a not-applicable operand still satisfies it.
fn narrow_cmp(dom: &mut NumDom, op: CmpOp, v: f64, negated: bool) {
    if !negated {
        dom.na = false;
    }
    match &mut dom.values {
        Values::Set(vals) => vals.retain(|x| holds(*x, op, v)),
        Values::Interval {
            lo,
            lo_open,
            hi,
            hi_open,
        } => match op {
            CmpOp::Eq => {
                let inside =
                    (v > *lo || (v == *lo && !*lo_open)) && (v < *hi || (v == *hi && !*hi_open));
                dom.values = if inside {
                    interval(v, v)
                } else {
                    Values::Set(Vec::new())
                };
            }
            CmpOp::Ne => {
                if *lo == *hi && *lo == v {
                    dom.values = Values::Set(Vec::new());
                }
            }
            CmpOp::Lt | CmpOp::Le => {
                if v < *hi || (v == *hi && op == CmpOp::Lt) {
                    *hi = v;
                    *hi_open = op == CmpOp::Lt;
                }
            }
            CmpOp::Gt | CmpOp::Ge => {
                if v > *lo || (v == *lo && op == CmpOp::Gt) {
                    *lo = v;
                    *lo_open = op == CmpOp::Gt;
                }
            }
        },
    }
}

fn narrow_in(dom: &mut NumDom, values: &[f64], negated: bool) {
    if !negated {
        dom.na = false;
    }
    match &mut dom.values {
        Values::Set(vals) => vals.retain(|x| values.contains(x) != negated),
        Values::Interval {
            lo,
            lo_open,
            hi,
            hi_open,
        } => {
            if !negated {
                let inside: Vec<f64> = values
                    .iter()
                    .copied()
                    .filter(|v| {
                        (*v > *lo || (*v == *lo && !*lo_open))
                            && (*v < *hi || (*v == *hi && !*hi_open))
                    })
                    .collect();
                dom.values = Values::Set(inside);
            } else if *lo == *hi && values.contains(lo) {
                dom.values = Values::Set(Vec::new());
            }
        }
    }
}

/// The rating bits a list of ratings allows.
pub fn mask_of(ratings: &[u8]) -> u16 {
    ratings.iter().fold(0, |m, r| m | (1 << r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{SourceFile, Sources};
    use crate::rules::load::load_sources;

    const RULES: &str = r#"
name: t
version: "1"
levels:
  - {id: high, name: High}
  - {id: low, name: Low}
sections:
  - id: s
    title: S
    questions:
      - {id: n, text: N, type: integer, min: 0, max: 10}
      - {id: yes, text: Y, type: yes_no}
      - {id: skipped, text: S, type: integer, min: 0, max: 3, ask_when: yes}
      - {id: pick, text: P, type: multi_choice, options: [{id: a, label: A}, {id: b, label: B}]}
      - {id: odd, text: O, type: integer, min: 0, max: 4, allowed: [0, 2, 4]}
instruments:
  - {id: inst, items: [odd], bands: [{id: lo, min: 0, max: 1}, {id: mid, min: 2, max: 3}, {id: hi, min: 4, max: 4}]}
dimensions:
  - id: d
    name: D
    rules:
      - {rating: 1, when: n > 100 or n < 0 or (n > 3 and n < 2), why: W.}
      - {rating: 2, when: "not (skipped > 1) and not (skipped <= 1)", why: W.}
      - {rating: 3, when: "at_least 2 of (n > 5, n < 3, yes)", why: W.}
      - {rating: 4, when: "at_least 2 of (n > 5, n < 3)", why: W.}
placement:
  minimums:
    d: [low, low, low, high, high]
  escalations:
    - {id: e1, when: "pick has a and not pick has_any [a, b]", level: high, why: W.}
    - {id: e2, when: inst.band == lo and odd == 2, level: high, why: W.}
    - {id: e3, when: inst.band == mid, level: high, why: W.}
"#;

    fn solve_all() -> Vec<bool> {
        let loaded = load_sources(Sources {
            files: vec![SourceFile {
                path: "t.yaml".into(),
                rel_path: "t.yaml".into(),
                text: RULES.into(),
            }],
        })
        .expect("test rules load");
        let rs = &loaded.rules;
        let facts = Facts::new(rs);
        let mut s = Solver::new(rs, &facts);
        let mut out: Vec<bool> = rs.dimensions[0]
            .rules
            .iter()
            .map(|r| s.satisfiable(&r.when))
            .collect();
        out.extend(rs.escalations.iter().map(|e| s.satisfiable(&e.when)));
        out
    }

    #[test]
    fn proves_contradictions_and_keeps_what_can_hold() {
        assert_eq!(
            solve_all(),
            vec![
                false, // out of range, and an empty interval
                true,  // both negations hold when the question is not asked
                true,  // n > 5 and yes
                false, // n > 5 and n < 3 cannot both hold
                false, // has a, yet has neither a nor b
                true, // total 2 is in band mid, not lo: totals and their items are not related (a documented limit)
                true, // total 2 is in band mid
            ]
        );
    }

    #[test]
    fn subset_sums_find_unreachable_totals() {
        let loaded = load_sources(Sources {
            files: vec![SourceFile {
                path: "t.yaml".into(),
                rel_path: "t.yaml".into(),
                text: RULES.into(),
            }],
        })
        .expect("test rules load");
        let facts = Facts::new(&loaded.rules);
        assert_eq!(facts.totals[0], Some(vec![0, 2, 4]));
        assert_eq!(facts.band_reachable[0], vec![true, true, true]);
    }

    /// Loads a one-instrument rule set whose items are `items` (question
    /// definitions) and returns its achievable totals.
    fn totals_of(questions: &str, items: &str, top: i64) -> Option<Vec<i64>> {
        let text = format!(
            "name: t\nversion: \"1\"\nmax_rating: 1\nlevels:\n  - {{id: high, name: High}}\n  - {{id: low, name: Low}}\nsections:\n  - id: s\n    title: S\n    questions:\n{questions}instruments:\n  - {{id: inst, items: [{items}], bands: [{{id: all, min: 0, max: {top}}}]}}\ndimensions:\n  - id: d\n    name: D\n    rules:\n      - {{rating: 1, when: inst.total > 0, why: W.}}\nplacement:\n  minimums:\n    d: [low, high]\n"
        );
        let loaded = load_sources(Sources {
            files: vec![SourceFile {
                path: "t.yaml".into(),
                rel_path: "t.yaml".into(),
                text,
            }],
        })
        .expect("test rules load");
        achievable_totals(&loaded.rules, 0)
    }

    #[test]
    fn a_wide_item_reaches_every_total_between_its_ends() {
        // An item answered 0 to 10,000 with one answered 0 or 1: every total
        // from 0 to 10,001, not only the sums of the two ends.
        let got = totals_of(
            "      - {id: wide, text: W, type: integer, min: 0, max: 10000}\n      - {id: flag, text: F, type: integer, min: 0, max: 1}\n",
            "wide, flag",
            10001,
        );
        assert_eq!(got, Some((0..=10_001).collect()));
    }

    #[test]
    fn gaps_between_allowed_values_stay_gaps() {
        let got = totals_of(
            "      - {id: a, text: A, type: integer, min: 0, max: 4, allowed: [0, 4]}\n      - {id: b, text: B, type: integer, min: 0, max: 4, allowed: [0, 2, 4]}\n",
            "a, b",
            8,
        );
        assert_eq!(got, Some(vec![0, 2, 4, 6, 8]));
    }

    #[test]
    fn twenty_four_items_of_0_to_4096_are_listed_quickly() {
        let questions: String = (0..24)
            .map(|i| format!("      - {{id: q{i}, text: Q, type: integer, min: 0, max: 4096}}\n"))
            .collect();
        let items: Vec<String> = (0..24).map(|i| format!("q{i}")).collect();
        let got = totals_of(&questions, &items.join(", "), 24 * 4096).expect("listed");
        assert_eq!(got.len(), 24 * 4096 + 1);
    }
}
