//! What the solver knows about a rule set before any question: the totals
//! each instrument can reach, which bands they fall in, and which questions
//! skip logic can leave unasked.

use crate::rules::model::{QuestionKind, RuleSet, ValueMap};

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
/// `None` when its range is too wide to list within `TOTALS_WORK`.
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
