//! `level reachability`: every level is given by some rating vector whose
//! every rating can be given, and some answers (`unreachable-level`).

use super::counterexample::{vector_json, vector_text};
use super::detail::unconfirmed_detail;
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
    /// Whether some answers give exactly level `l` at `r`.
    /// Whether some answers give exactly level `l` at `r`, and whether
    /// that is certain: decided from ratings and conditions the solver
    /// decides exactly (`observe::exact`).
    fn gives(&mut self, r: &[u8], l: usize) -> (bool, bool) {
        let ne = self.rs.escalations.len();
        let m = self.space.minimums_level(r);
        if m < l {
            return (false, true);
        }
        let res: Vec<Rc<Res>> = (0..ne).map(|e| self.space.res(e, r)).collect();
        let lv = |e: usize| self.rs.escalations[e].level;
        if (0..ne).any(|e| lv(e) < l && *res[e] == Res::True) {
            return (false, true);
        }
        let mut goals: Vec<(&Cond, bool)> = (0..ne)
            .filter(|&e| lv(e) < l)
            .filter_map(|e| match &*res[e] {
                Res::Cond(c) => Some((c, true)),
                _ => None,
            })
            .collect();
        let either;
        if m != l && !(0..ne).any(|e| lv(e) == l && *res[e] == Res::True) {
            let cs: Vec<Cond> = (0..ne)
                .filter(|&e| lv(e) == l)
                .filter_map(|e| match &*res[e] {
                    Res::Cond(c) => Some(c.clone()),
                    _ => None,
                })
                .collect();
            if cs.is_empty() {
                return (false, true);
            }
            either = Cond::Or(cs);
            goals.push((&either, false));
        }
        if goals.is_empty() {
            return (true, true);
        }
        let certain = goals.iter().all(|(c, _)| exact(self.rs, c, true));
        (self.space.sat(&goals), certain)
    }

    /// Which levels some realizable rating vector and some answers give.
    pub(super) fn levels(&mut self, real: &[Vec<u8>]) {
        let rs = self.rs;
        let dims = rs.dimensions.len();
        let free = self.escalation_dims();
        let least = self.least(real);
        let values: Vec<Vec<u8>> = free.iter().map(|&d| real[d].clone()).collect();
        // Dimensions no escalation reads: each at its least intensive
        // rating, or one of them at any other rating it can be given.
        let mut configs = vec![least.clone()];
        for d in (0..dims).filter(|d| !free.contains(d)) {
            for &k in &real[d] {
                if k != least[d] {
                    let mut c = least.clone();
                    c[d] = k;
                    configs.push(c);
                }
            }
        }
        let size = count(&values).saturating_mul(configs.len() as u64);
        let realizable: u64 = real
            .iter()
            .map(|v| v.len() as u64)
            .fold(1u64, u64::saturating_mul);
        // Every level is usually found within the first vectors; the
        // search stops there, or at MAX_VECTORS. A level is settled when a
        // witness is certain, or possible and seen in a synthetic intake.
        let nl = rs.levels.len();
        let mut found = vec![false; nl];
        let mut certain = vec![false; nl];
        let observer = self.observed;
        let seen = |l: usize| observer.get().levels[l];
        let settled =
            |found: &[bool], certain: &[bool]| (0..nl).all(|l| certain[l] || (found[l] && seen(l)));
        let mut visited = 0u64;
        for c in &configs {
            each_vector(c, &free, &values, |r| {
                visited += 1;
                for l in 0..nl {
                    if certain[l] || (found[l] && seen(l)) {
                        continue;
                    }
                    let (f, exact) = self.gives(r, l);
                    let sure = self.certain_ratings(r);
                    found[l] |= f;
                    certain[l] |= f && exact && sure;
                }
                !(settled(&found, &certain) || self.space.over_budget() || visited >= MAX_VECTORS)
            });
            if settled(&found, &certain) || self.space.over_budget() || visited >= MAX_VECTORS {
                break;
            }
        }
        if !found.iter().all(|f| *f) && visited >= MAX_VECTORS && size > visited {
            self.too_large("the level reachability search", size, "");
            self.analysis(
                "level reachability",
                Status::NotProved,
                format!("rating space too large: {visited} of {size} vectors searched"),
            );
            return;
        }
        if !found.iter().all(|f| *f) && self.space.over_budget() {
            self.budget_warning("level reachability");
            self.analysis(
                "level reachability",
                Status::NotProved,
                format!(
                    "work budget exceeded ({} solver steps, budget {SPACE_WORK})",
                    self.space.work
                ),
            );
            return;
        }
        for (l, f) in found.iter().enumerate() {
            if !f {
                self.unreachable_level(real, l);
            }
        }
        let unconfirmed: Vec<String> = (0..nl)
            .filter(|&l| found[l] && !certain[l] && !seen(l))
            .map(|l| format!("`{}`", rs.levels[l].id))
            .collect();
        self.analysis(
            "level reachability",
            if !found.iter().all(|f| *f) {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            unconfirmed_detail(
                rs,
                format!("{realizable} rating vectors whose every rating can be given"),
                "levels",
                &unconfirmed,
            ),
        );
    }

    fn unreachable_level(&mut self, real: &[Vec<u8>], l: usize) {
        let rs = self.rs;
        let level = &rs.levels[l];
        let mut cells = Vec::new();
        for (d, dim) in rs.dimensions.iter().enumerate() {
            for (k, &m) in dim.minimums.iter().enumerate() {
                if m == l {
                    cells.push((d, k));
                }
            }
        }
        let escs: Vec<&str> = rs
            .escalations
            .iter()
            .filter(|e| e.level == l)
            .map(|e| e.id.as_str())
            .collect();
        let (text, data) = if cells.is_empty() && escs.is_empty() {
            (
                format!(
                    "no dimension's minimums and no escalation name `{}`",
                    level.id
                ),
                json!({"level": level.id, "named_by": []}),
            )
        } else if let Some(&(d, k)) = cells.iter().find(|(d, k)| real[*d].contains(&(*k as u8))) {
            let mut r = vec![0u8; rs.dimensions.len()];
            r[d] = k as u8;
            let got = self.must_level(&r, None);
            (
                format!(
                    "ratings {} put `{}` at {k} (minimum `{}`), yet the level is `{}`",
                    vector_text(rs, &r),
                    rs.dimensions[d].id,
                    level.id,
                    rs.levels[got].id
                ),
                json!({"level": level.id, "ratings": vector_json(rs, &r), "gives": rs.levels[got].id}),
            )
        } else if !cells.is_empty() {
            let named: Vec<String> = cells
                .iter()
                .map(|(d, k)| format!("`{}` rating {k}", rs.dimensions[*d].id))
                .collect();
            (
                format!(
                    "named only at ratings no rule can give: {}",
                    named.join(", ")
                ),
                json!({"level": level.id, "named_by": named}),
            )
        } else {
            (
                format!(
                    "named only by escalations that never hold: {}",
                    escs.join(", ")
                ),
                json!({"level": level.id, "named_by": escs}),
            )
        };
        self.push(
            Diagnostic::warning(
                "unreachable-level",
                level.span,
                format!("level `{}` is never recommended: no rating vector and no escalation gives it", level.id),
            )
            .with_help("name it in a dimension's minimums at a rating that can be given, or remove it (an assessor can still place someone there with an override)"),
            Some(Counterexample { text, data }),
        );
    }
}
