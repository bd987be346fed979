//! `monotonicity`: more risk never yields less care. Raising one rating
//! never gives a less intensive level, whatever the answers
//! (`non-monotone`, `not-proved`); proved from structure where it can be,
//! else by searching the steps structure did not settle.

use super::counterexample::{vector_json, vector_text, Witness};
use super::detail::plural;
use super::rating_space::{
    all_ratings, count, each_vector, Hit, Space, MAX_VECTORS, MAX_WITNESS_ATOMS, SPACE_WORK,
};
use super::residual::{atoms, res_holds, Res};
use super::space_run::Run;
use crate::check::locate;
use crate::check::{Counterexample, Status};
use crate::cond::{CmpOp, Cond, Operand};
use crate::diag::{Diagnostic, Span};
use serde_json::json;
use std::rc::Rc;

/// Whether every rating comparison in `c` can only turn true as the rating
/// rises (`>=`, `>`, or `<`, `<=` under a negation): then the condition
/// keeps holding when any rating rises, whatever the answers.
fn upward(c: &Cond, positive: bool) -> bool {
    match c {
        Cond::And(items) | Cond::Or(items) | Cond::AtLeast(_, items) => {
            items.iter().all(|i| upward(i, positive))
        }
        Cond::Not(inner) => upward(inner, !positive),
        Cond::Cmp {
            operand: Operand::Rating(_),
            op,
            ..
        } => match op {
            CmpOp::Ge | CmpOp::Gt => positive,
            CmpOp::Le | CmpOp::Lt => !positive,
            CmpOp::Eq | CmpOp::Ne => false,
        },
        Cond::In {
            operand: Operand::Rating(_),
            ..
        } => false,
        _ => true,
    }
}

/// A monotonicity violation: raising `dim` at `low` gives a less intensive
/// level, for the answers of `witness`.
#[derive(Debug, Clone)]
struct Violation {
    dim: usize,
    cause: Cause,
    low: Vec<u8>,
    high: Vec<u8>,
    low_level: usize,
    high_level: usize,
    witness: Witness,
}

/// Why a monotonicity violation happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The dimension's own minimums row goes down.
    Cell,
    /// An escalation that held stops holding.
    Escalation(usize),
}

/// Steps where an escalation may stop holding: the ratings it reads, and
/// the position (among those) of the rating that rises.
type BadSteps = rustc_hash::FxHashSet<(Vec<u8>, usize)>;

impl Space<'_> {
    /// Whether some answers make the level at `hi` less intensive than at
    /// `lo`.
    fn pair(&mut self, lo: &[u8], hi: &[u8], d: usize) -> Hit<Violation> {
        let ne = self.rs.escalations.len();
        let (m, m2) = (self.minimums_level(lo), self.minimums_level(hi));
        let rl: Vec<Rc<Res>> = (0..ne).map(|e| self.res(e, lo)).collect();
        let rh: Vec<Rc<Res>> = (0..ne).map(|e| self.res(e, hi)).collect();
        // Is there a level L with level(lo) <= L < level(hi)?
        let mut possible = false;
        for l in 0..m2 {
            let upto: Vec<usize> = (0..ne)
                .filter(|&e| self.rs.escalations[e].level <= l)
                .collect();
            if upto.iter().any(|&e| *rh[e] == Res::True) {
                break;
            }
            let mut goals: Vec<(&Cond, bool)> = upto
                .iter()
                .filter_map(|&e| match &*rh[e] {
                    Res::Cond(c) => Some((c, true)),
                    _ => None,
                })
                .collect();
            let either;
            if m > l {
                if upto.iter().any(|&e| *rl[e] == Res::True) {
                    // Holds at `lo` whatever the answers.
                } else {
                    let cs: Vec<Cond> = upto
                        .iter()
                        .filter_map(|&e| match &*rl[e] {
                            Res::Cond(c) => Some(c.clone()),
                            _ => None,
                        })
                        .collect();
                    if cs.is_empty() {
                        continue;
                    }
                    either = Cond::Or(cs);
                    goals.push((&either, false));
                }
            }
            if goals.is_empty() || self.sat(&goals) {
                possible = true;
                break;
            }
        }
        if !possible {
            return Hit::None;
        }
        let mut ats = Vec::new();
        for x in rl.iter().chain(&rh) {
            if let Res::Cond(c) = &**x {
                atoms(c, &mut ats);
            }
        }
        let found = {
            let (rl2, rh2) = (rl.clone(), rh.clone());
            let atoms_ref = ats.clone();
            let this = &*self;
            let lv = |bits: u32| {
                (
                    this.level_under(m, &rl2, &atoms_ref, bits),
                    this.level_under(m2, &rh2, &atoms_ref, bits),
                )
            };
            let pairs: Vec<(usize, usize)> = (0..(1u32 << ats.len().min(MAX_WITNESS_ATOMS)))
                .map(lv)
                .collect();
            self.witness(&ats, |bits| {
                let (a, b) = pairs[bits as usize];
                a < b
            })
        };
        match found {
            Hit::Found((bits, witness)) => {
                let low_level = self.level_under(m, &rl, &ats, bits);
                let high_level = self.level_under(m2, &rh, &ats, bits);
                let row = &self.rs.dimensions[d].minimums;
                let cause = if row[lo[d] as usize] == low_level
                    && row[hi[d] as usize] > row[lo[d] as usize]
                {
                    Cause::Cell
                } else {
                    let e = (0..ne)
                        .find(|&e| {
                            self.rs.escalations[e].level == low_level
                                && res_holds(&rl[e], &ats, bits)
                                && !res_holds(&rh[e], &ats, bits)
                        })
                        .or_else(|| {
                            (0..ne).find(|&e| {
                                self.rs.escalations[e].level == low_level
                                    && res_holds(&rl[e], &ats, bits)
                            })
                        });
                    match e {
                        Some(e) => Cause::Escalation(e),
                        None => Cause::Cell,
                    }
                };
                Hit::Found(Violation {
                    dim: d,
                    cause,
                    low: lo.to_vec(),
                    high: hi.to_vec(),
                    low_level,
                    high_level,
                    witness,
                })
            }
            Hit::None => Hit::Undecided(format!(
                "at ratings {} and {} the solver could not rule out a lower level, and no answers that give one were found",
                vector_text(self.rs, lo),
                vector_text(self.rs, hi)
            )),
            Hit::Undecided(why) => Hit::Undecided(format!(
                "at ratings {} and {} the solver could not rule out a lower level: {why}",
                vector_text(self.rs, lo),
                vector_text(self.rs, hi)
            )),
        }
    }
}

impl Run<'_> {
    pub(super) fn monotonicity(&mut self) {
        let rs = self.rs;
        let dims = rs.dimensions.len();
        let max = rs.max_rating;
        let size = format!("{}^{dims}", max as usize + 1);
        // Steps where a minimums row goes down.
        let row_bad: Vec<Vec<bool>> = rs
            .dimensions
            .iter()
            .map(|dim| {
                (0..max as usize)
                    .map(|k| dim.minimums[k + 1] > dim.minimums[k])
                    .collect()
            })
            .collect();
        // Steps where an escalation may stop holding: per escalation, the
        // (ratings it reads, position of the rising dimension) pairs, or
        // `None` when that was not worked out.
        let mut esc_bad: Vec<Option<BadSteps>> = Vec::new();
        for e in 0..rs.escalations.len() {
            let reads = self.space.reads[e].clone();
            let mut bad = rustc_hash::FxHashSet::default();
            if reads.is_empty() || upward(&rs.escalations[e].when, true) {
                esc_bad.push(Some(bad));
                continue;
            }
            let values = vec![all_ratings(max); reads.len()];
            if count(&values).saturating_mul(reads.len() as u64) > MAX_VECTORS {
                esc_bad.push(None);
                continue;
            }
            let space = &mut self.space;
            let done = each_vector(&vec![0u8; dims], &reads, &values, |r| {
                for (j, &d) in reads.iter().enumerate() {
                    if r[d] == max {
                        continue;
                    }
                    let lo = space.res(e, r);
                    let mut up = r.to_vec();
                    up[d] += 1;
                    let hi = space.res(e, &up);
                    let stops = match (&*lo, &*hi) {
                        (Res::False, _) | (_, Res::True) => false,
                        (Res::True, Res::False) => true,
                        (Res::True, Res::Cond(h)) => space.sat(&[(h, true)]),
                        (Res::Cond(l), Res::False) => space.sat(&[(l, false)]),
                        (Res::Cond(l), Res::Cond(h)) => space.sat(&[(l, false), (h, true)]),
                    };
                    if stops {
                        let key: Vec<u8> = reads.iter().map(|&x| r[x]).collect();
                        bad.insert((key, j));
                    }
                }
                !space.over_budget()
            });
            esc_bad.push(if done { Some(bad) } else { None });
        }
        let structural = row_bad.iter().flatten().all(|b| !b)
            && esc_bad
                .iter()
                .all(|b| b.as_ref().is_some_and(|s| s.is_empty()));
        if structural {
            self.analysis(
                "monotonicity",
                Status::Proved,
                format!("{size} rating vectors, from structure: every minimums row is non-decreasing, and every escalation keeps holding when a rating it reads rises, whatever the answers"),
            );
            return;
        }
        // Search the steps structure did not settle.
        let esc_dims = self.escalation_dims();
        let least = self.least(&vec![all_ratings(max); dims]);
        let suspect = |d: usize| {
            row_bad[d].iter().any(|b| *b)
                || esc_bad.iter().enumerate().any(|(e, b)| {
                    self.space.reads[e].contains(&d) && b.as_ref().is_none_or(|s| !s.is_empty())
                })
        };
        let searched: Vec<usize> = (0..dims).filter(|&d| suspect(d)).collect();
        let mut plan = Vec::new();
        let mut total = 0u64;
        for &d in &searched {
            let mut free = esc_dims.clone();
            if !free.contains(&d) {
                free.push(d);
                free.sort_unstable();
            }
            let values = vec![all_ratings(max); free.len()];
            total = total.saturating_add(count(&values));
            plan.push((d, free, values));
        }
        if total > MAX_VECTORS {
            // Too many to search: try the likeliest places first, each
            // minimums step that goes down with every other dimension at
            // 0 or at its least intensive rating. A violation found there
            // is real; none found proves nothing.
            let mut found: Vec<Violation> = Vec::new();
            for d in 0..dims {
                for k in 0..max {
                    if !row_bad[d][k as usize] || found.iter().any(|v| v.dim == d) {
                        continue;
                    }
                    for start in [vec![0u8; dims], least.clone()] {
                        let mut lo = start;
                        lo[d] = k;
                        let mut hi = lo.clone();
                        hi[d] += 1;
                        if let Hit::Found(v) = self.space.pair(&lo, &hi, d) {
                            found.push(v);
                            break;
                        }
                    }
                }
            }
            if !found.is_empty() {
                for v in &found {
                    self.monotonicity_finding(v);
                }
                self.analysis(
                    "monotonicity",
                    Status::Failed,
                    format!("{size} rating vectors; the likeliest steps searched"),
                );
                return;
            }
            let note = format!(
                " (the steps of {})",
                plural(searched.len(), "dimension", "dimensions")
            );
            self.too_large("the monotonicity search", total, &note);
            self.analysis(
                "monotonicity",
                Status::NotProved,
                format!("rating space too large: the search would visit {total} vectors"),
            );
            return;
        }
        let mut found: Vec<Violation> = Vec::new();
        let mut undecided: Option<String> = None;
        let mut pairs = 0u64;
        for (d, free, values) in &plan {
            let d = *d;
            let reads = &self.space.reads;
            let step_bad = |r: &[u8]| -> bool {
                if row_bad[d][r[d] as usize] {
                    return true;
                }
                esc_bad.iter().enumerate().any(|(e, b)| {
                    let Some(j) = reads[e].iter().position(|&x| x == d) else {
                        return false;
                    };
                    match b {
                        None => true,
                        Some(s) => {
                            let key: Vec<u8> = reads[e].iter().map(|&x| r[x]).collect();
                            s.contains(&(key, j))
                        }
                    }
                })
            };
            let mut todo: Vec<Vec<u8>> = Vec::new();
            each_vector(&least, free, values, |r| {
                if r[d] < max && step_bad(r) {
                    todo.push(r.to_vec());
                }
                true
            });
            for lo in todo {
                pairs += 1;
                let mut hi = lo.clone();
                hi[d] += 1;
                match self.space.pair(&lo, &hi, d) {
                    Hit::None => {}
                    Hit::Found(v) => {
                        let seen = found.iter().any(|x| {
                            x.dim == v.dim
                                && x.cause == v.cause
                                && (v.cause != Cause::Cell || x.low[d] == v.low[d])
                        });
                        if !seen && found.len() < 50 {
                            found.push(v);
                        }
                    }
                    Hit::Undecided(why) => {
                        undecided.get_or_insert(why);
                    }
                }
                if self.space.over_budget() {
                    break;
                }
            }
            if self.space.over_budget() {
                break;
            }
        }
        let over = self.space.over_budget();
        for v in &found {
            self.monotonicity_finding(v);
        }
        if !found.is_empty() {
            self.analysis(
                "monotonicity",
                Status::Failed,
                format!(
                    "{size} rating vectors; {} searched",
                    plural(pairs as usize, "step", "steps")
                ),
            );
        } else if over {
            self.budget_warning("the monotonicity search");
            self.analysis(
                "monotonicity",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
        } else if let Some(why) = undecided {
            self.push(
                Diagnostic::warning(
                    "not-proved",
                    rs.escalations
                        .first()
                        .map(|e| e.span)
                        .unwrap_or(Span::UNKNOWN),
                    format!("monotonicity is not proved: {why}"),
                )
                .with_help("simpler answer conditions in the escalations let the checker decide"),
                None,
            );
            self.analysis("monotonicity", Status::NotProved, why);
        } else {
            self.analysis(
                "monotonicity",
                Status::Proved,
                format!("{size} rating vectors: {} that structure did not settle searched, whatever the answers", plural(pairs as usize, "step", "steps")),
            );
        }
    }

    fn monotonicity_finding(&mut self, v: &Violation) {
        let rs = self.rs;
        let dim = &rs.dimensions[v.dim];
        let from = v.low[v.dim];
        let to = from + 1;
        let lvl = |l: usize| rs.levels[l].id.as_str();
        let (span, msg, help) = match v.cause {
            Cause::Cell => (
                locate::minimums_cell(rs, v.dim, to as usize),
                format!(
                    "not monotone: raising `{}` from {from} to {to} lowers its minimum level from `{}` to `{}`",
                    dim.id,
                    lvl(dim.minimums[from as usize]),
                    lvl(dim.minimums[to as usize])
                ),
                "a higher rating must never give a less intensive level; list each dimension's minimums from the least to the most intensive".to_string(),
            ),
            Cause::Escalation(e) => {
                let esc = &rs.escalations[e];
                (
                    esc.span,
                    format!(
                        "not monotone: escalation `{}` stops holding when `{}` rises from {from} to {to}, which lowers the level",
                        esc.id, dim.id
                    ),
                    "compare ratings with `>=` (not `==`, `<` or `<=`) so that a higher rating keeps the escalation".to_string(),
                )
            }
        };
        let text = format!(
            "ratings {} give `{}`; raising `{}` to {to}, ratings {} give `{}`{}",
            vector_text(rs, &v.low),
            lvl(v.low_level),
            dim.id,
            vector_text(rs, &v.high),
            lvl(v.high_level),
            v.witness.text()
        );
        self.push(
            Diagnostic::error("non-monotone", span, msg).with_help(help),
            Some(Counterexample {
                text,
                data: json!({
                    "dimension": dim.id,
                    "lower": {"ratings": vector_json(rs, &v.low), "level": lvl(v.low_level)},
                    "higher": {"ratings": vector_json(rs, &v.high), "level": lvl(v.high_level)},
                    "answers": v.witness.json(),
                }),
            }),
        );
    }
}
