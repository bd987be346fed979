//! `escalation reachability`: escalations that can never hold
//! (`unreachable-escalation`) and escalations that never change the level
//! (`shadowed-escalation`).

use super::counterexample::{vector_json, vector_text};
use super::detail::{plural, unconfirmed_detail};
use super::rating_space::{count, each_vector, MAX_VECTORS, SPACE_WORK};
use super::residual::Res;
use super::space_run::Run;
use crate::check::observe::exact;
use crate::check::{Counterexample, Status};
use crate::cond::Cond;
use crate::diag::Diagnostic;
use serde_json::json;
use std::rc::Rc;

impl Run<'_> {
    /// Escalations that can never hold, and escalations that never change
    /// the level.
    pub(super) fn escalations(&mut self, real: &[Vec<u8>], never: &[bool]) {
        let rs = self.rs;
        let ne = rs.escalations.len();
        let free = self.escalation_dims();
        let least = self.least(real);
        let values: Vec<Vec<u8>> = free.iter().map(|&d| real[d].clone()).collect();
        let size = count(&values);
        let lv = |e: usize| rs.escalations[e].level;
        // Per escalation: a vector where it can hold, whether it ever
        // changes the level, and what covers it wherever it can hold.
        let mut example: Vec<Option<Vec<u8>>> = vec![None; ne];
        let mut changes = vec![false; ne];
        // It changes the level for certain (exact conditions), or an
        // intake showed it.
        let mut certain = vec![false; ne];
        let observer = self.observed;
        let seen = |e: usize| observer.get().changes[e];
        let mut cover: Vec<Vec<bool>> = vec![vec![true; ne]; ne];
        let mut min_cover = vec![true; ne];
        let mut stopped = false;
        let mut visited = 0u64;
        // Stops once every escalation is known to change the level
        // somewhere (nothing is left to report), at the budget, or at
        // MAX_VECTORS.
        each_vector(&least, &free, &values, |r| {
            visited += 1;
            let m = self.space.minimums_level(r);
            let res: Vec<Rc<Res>> = (0..ne).map(|e| self.space.res(e, r)).collect();
            for e in 0..ne {
                let may = match &*res[e] {
                    Res::False => false,
                    Res::True => true,
                    Res::Cond(c) => {
                        never[e] || example[e].is_some() || self.space.sat(&[(c, false)])
                    }
                };
                if !may || never[e] {
                    continue;
                }
                example[e].get_or_insert_with(|| r.to_vec());
                for o in 0..ne {
                    if o != e && !(*res[o] == Res::True && lv(o) <= lv(e)) {
                        cover[e][o] = false;
                    }
                }
                if m > lv(e) {
                    min_cover[e] = false;
                }
                if certain[e] || (changes[e] && seen(e)) || m <= lv(e) {
                    continue;
                }
                // Does it hold while nothing else gives as much?
                if (0..ne).any(|o| o != e && lv(o) <= lv(e) && *res[o] == Res::True) {
                    continue;
                }
                let mut goals: Vec<(&Cond, bool)> = (0..ne)
                    .filter(|&o| o != e && lv(o) <= lv(e))
                    .filter_map(|o| match &*res[o] {
                        Res::Cond(c) => Some((c, true)),
                        _ => None,
                    })
                    .collect();
                if let Res::Cond(c) = &*res[e] {
                    goals.push((c, false));
                }
                if goals.is_empty() || self.space.sat(&goals) {
                    changes[e] = true;
                    let sure = self.certain_ratings(r);
                    certain[e] |= sure && goals.iter().all(|(c, _)| exact(rs, c, true));
                }
            }
            if self.space.over_budget() {
                stopped = true;
                return false;
            }
            let settled = (0..ne).all(|e| never[e] || certain[e] || (changes[e] && seen(e)));
            !settled && visited < MAX_VECTORS
        });
        let settled = (0..ne).all(|e| never[e] || certain[e] || (changes[e] && seen(e)));
        if !settled && !stopped && visited < size {
            self.too_large("the escalation reachability search", size, "");
            self.analysis(
                "escalation reachability",
                Status::NotProved,
                format!("rating space too large: {visited} of {size} vectors searched"),
            );
            self.unreachable_escalations(never);
            return;
        }
        if stopped {
            self.budget_warning("escalation reachability");
            self.analysis(
                "escalation reachability",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
            self.unreachable_escalations(never);
            return;
        }
        let unreachable: Vec<bool> = (0..ne).map(|e| never[e] || example[e].is_none()).collect();
        self.unreachable_escalations(&unreachable);
        let mut ok = !unreachable.iter().any(|x| *x);
        for e in 0..ne {
            if unreachable[e] || changes[e] {
                continue;
            }
            ok = false;
            let Some(r) = example[e].clone() else {
                continue;
            };
            let covered_by = if min_cover[e] {
                None
            } else {
                (0..ne).find(|&o| o != e && cover[e][o])
            };
            self.shadowed(e, &r, covered_by, min_cover[e]);
        }
        let unconfirmed: Vec<String> = (0..ne)
            .filter(|&e| !unreachable[e] && changes[e] && !certain[e] && !seen(e))
            .map(|e| format!("`{}`", rs.escalations[e].id))
            .collect();
        self.analysis(
            "escalation reachability",
            if !ok {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            unconfirmed_detail(
                rs,
                format!(
                    "{}, whatever the answers",
                    plural(ne, "escalation", "escalations")
                ),
                "escalations that change the level",
                &unconfirmed,
            ),
        );
    }

    fn unreachable_escalations(&mut self, unreachable: &[bool]) {
        let rs = self.rs;
        for (e, bad) in unreachable.iter().enumerate() {
            if !bad {
                continue;
            }
            let esc = &rs.escalations[e];
            self.push(
                Diagnostic::warning(
                    "unreachable-escalation",
                    esc.span,
                    format!(
                        "escalation `{}` can never hold: its condition `{}` is false for every rating each dimension can be given",
                        esc.id,
                        esc.when_text.trim()
                    ),
                )
                .with_help("check the ratings it compares against the ratings the dimensions' rules can give"),
                None,
            );
        }
    }

    fn shadowed(&mut self, e: usize, r: &[u8], covered_by: Option<usize>, minimums_cover: bool) {
        let rs = self.rs;
        let esc = &rs.escalations[e];
        let by = match covered_by {
            Some(o) => format!("escalation `{}`", rs.escalations[o].id),
            None if minimums_cover => "the dimensions' minimums".to_string(),
            None => "the minimums and other escalations".to_string(),
        };
        let without = self.must_level(r, Some(e));
        self.push(
            Diagnostic::warning(
                "shadowed-escalation",
                esc.span,
                format!(
                    "escalation `{}` never changes the result: whenever it can hold, the level is already `{}` or more through {by}",
                    esc.id, rs.levels[esc.level].id
                ),
            )
            .with_help("remove it, or narrow what shadows it"),
            Some(Counterexample {
                text: format!(
                    "ratings {} make it hold, and without it the level is already `{}`",
                    vector_text(rs, r),
                    rs.levels[without].id
                ),
                data: json!({
                    "ratings": vector_json(rs, r),
                    "level_without": rs.levels[without].id,
                    "shadowed_by": covered_by.map(|o| rs.escalations[o].id.clone()),
                }),
            }),
        );
    }
}
