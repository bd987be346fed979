//! The rating space and its searches: residuals of the escalations memoised
//! by the ratings they read, the level at a vector, witnesses over answer
//! conditions, and the enumeration of rating vectors.
//!
//! The model. A rating vector gives each dimension a rating from 0 to
//! `max_rating`. The level at a vector is the most intensive of the
//! dimensions' minimums and of the escalations that hold. An escalation's
//! condition may read answers, totals and bands as well as ratings; with
//! the ratings fixed, what is left of it (its *residual*) is a condition on
//! answers alone. Ratings are treated as independent of each other and of
//! the answers (every combination is considered, even ones no intake
//! gives), so a property proved over this model holds for every intake;
//! the answers, though, are the *same* on both sides of a comparison of
//! two rating vectors, so an answer-reading escalation can never hide a
//! violation by holding on one side and not on the other.
//!
//! How the analyses scale. Totality is read off the minimums table.
//! Monotonicity is first proved from structure: every minimums row is
//! non-decreasing in intensity and every escalation keeps holding when a
//! rating it reads rises (read from its form, or checked on the ratings it
//! reads). Only the steps where that fails are searched, and only over the
//! dimensions escalations read: a dimension no escalation reads is set to
//! its least intensive rating, which is the worst case for a violation, so
//! the search is exact. Reachability and shadowing use the same reduction.
//! Each question about answers goes to the condition solver; when it cannot
//! decide, or a search is larger than its budget, the analysis is reported
//! as not proved with the reason, never as proved.

use super::counterexample::{atom_text, Literal, Witness};
use super::residual::{count_atoms, fix, res_holds, Res};
use crate::check::sat::Solver;
use crate::cond::{Cond, Operand};
use crate::rules::model::RuleSet;
use std::rc::Rc;

/// Largest number of rating vectors (after the reduction) a search visits.
pub const MAX_VECTORS: u64 = 1_000_000;

/// Work budget of the searches that ask the solver about answers: the sum,
/// over solver questions, of the atoms in the question. Past it, what is
/// left is reported as not proved (`analysis-budget`). About a second of
/// work on one core.
pub const SPACE_WORK: u64 = 5_000_000;

/// Most answer conditions a counterexample's witness is searched over
/// (every combination of their truth values is tried).
pub(super) const MAX_WITNESS_ATOMS: usize = 12;

/// What a search over pairs or vectors found.
pub(super) enum Hit<T> {
    None,
    Found(T),
    /// The solver could not rule it out, nor could a witness be found.
    Undecided(String),
}

/// The searches over the rating space, with the residuals of the
/// escalations memoised by the ratings they read.
pub(super) struct Space<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) solver: Solver<'a>,
    pub(super) base: usize,
    /// Per escalation: the dimensions its condition reads.
    pub(super) reads: Vec<Vec<usize>>,
    pub(super) memo: Vec<rustc_hash::FxHashMap<u64, Rc<Res>>>,
    /// Atoms in solver questions so far.
    pub(super) work: u64,
}

impl<'a> Space<'a> {
    pub(super) fn new(rs: &'a RuleSet, solver: Solver<'a>) -> Self {
        let reads = rs
            .escalations
            .iter()
            .map(|e| {
                let mut ds = Vec::new();
                e.when.visit_operands(&mut |o| {
                    if let Operand::Rating(d) = o {
                        ds.push(d as usize)
                    }
                });
                ds.sort_unstable();
                ds.dedup();
                ds
            })
            .collect();
        Space {
            rs,
            solver,
            base: rs.max_rating as usize + 1,
            reads,
            memo: vec![Default::default(); rs.escalations.len()],
            work: 0,
        }
    }

    pub(super) fn over_budget(&self) -> bool {
        self.work > SPACE_WORK
    }

    pub(super) fn res(&mut self, e: usize, r: &[u8]) -> Rc<Res> {
        let key = self.reads[e]
            .iter()
            .fold(0u64, |k, &d| k * self.base as u64 + r[d] as u64);
        if let Some(x) = self.memo[e].get(&key) {
            return x.clone();
        }
        let x = Rc::new(fix(&self.rs.escalations[e].when, r));
        if let Res::Cond(c) = &*x {
            self.work += count_atoms(c);
        }
        self.memo[e].insert(key, x.clone());
        x
    }

    pub(super) fn minimums_level(&self, r: &[u8]) -> usize {
        let mut l = self.rs.levels.len().saturating_sub(1);
        for (d, dim) in self.rs.dimensions.iter().enumerate() {
            if let Some(m) = dim.minimums.get(r[d] as usize) {
                l = l.min(*m);
            }
        }
        l
    }

    /// Whether the goals (each a condition and whether it must be false)
    /// can hold together.
    pub(super) fn sat(&mut self, goals: &[(&Cond, bool)]) -> bool {
        self.work += goals.iter().map(|(c, _)| count_atoms(c)).sum::<u64>();
        self.solver.satisfiable_all(goals)
    }

    /// The level at `r` under the atoms' truth values.
    pub(super) fn level_under(
        &self,
        m: usize,
        res: &[Rc<Res>],
        atoms: &[Cond],
        bits: u32,
    ) -> usize {
        let mut l = m;
        for (e, x) in res.iter().enumerate() {
            if res_holds(x, atoms, bits) {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    /// A consistent truth assignment of `atoms` for which `want` holds.
    pub(super) fn witness(
        &mut self,
        atoms: &[Cond],
        want: impl Fn(u32) -> bool,
    ) -> Hit<(u32, Witness)> {
        if atoms.len() > MAX_WITNESS_ATOMS {
            return Hit::Undecided(format!(
                "{} answer conditions are involved, more than the {MAX_WITNESS_ATOMS} a witness is searched over",
                atoms.len()
            ));
        }
        for bits in 0..(1u32 << atoms.len()) {
            if !want(bits) {
                continue;
            }
            let goals: Vec<(&Cond, bool)> = atoms
                .iter()
                .enumerate()
                .map(|(i, a)| (a, bits & (1 << i) == 0))
                .collect();
            if self.sat(&goals) {
                let literals = atoms
                    .iter()
                    .enumerate()
                    .map(|(i, a)| Literal {
                        text: atom_text(self.rs, a),
                        holds: bits & (1 << i) != 0,
                    })
                    .collect();
                return Hit::Found((bits, Witness { literals }));
            }
        }
        Hit::None
    }
}

/// Every rating vector that gives the dimensions of `free` each of their
/// `values` and every other dimension its rating in `fixed`, in order;
/// `f` returns false to stop. Returns false when stopped.
pub(super) fn each_vector(
    fixed: &[u8],
    free: &[usize],
    values: &[Vec<u8>],
    mut f: impl FnMut(&[u8]) -> bool,
) -> bool {
    if values.iter().any(|v| v.is_empty()) {
        return true;
    }
    let mut r = fixed.to_vec();
    for (i, &d) in free.iter().enumerate() {
        r[d] = values[i][0];
    }
    let mut idx = vec![0usize; free.len()];
    loop {
        if !f(&r) {
            return false;
        }
        let mut i = 0;
        loop {
            if i == free.len() {
                return true;
            }
            idx[i] += 1;
            if idx[i] < values[i].len() {
                r[free[i]] = values[i][idx[i]];
                break;
            }
            idx[i] = 0;
            r[free[i]] = values[i][0];
            i += 1;
        }
    }
}

/// How many vectors [`each_vector`] visits.
pub(super) fn count(values: &[Vec<u8>]) -> u64 {
    values
        .iter()
        .try_fold(1u64, |a, v| a.checked_mul(v.len() as u64))
        .unwrap_or(u64::MAX)
}

pub(super) fn all_ratings(max: u8) -> Vec<u8> {
    (0..=max).collect()
}
