//! `rating reachability`: the ratings each dimension can be given
//! (`unreachable-rating`), and rating rules whose condition can never hold
//! (`unsatisfiable-condition`).

use super::detail::unconfirmed_detail;
use super::Analyzer;
use crate::check::observe::{exact, Observer};
use crate::check::sat::Solver;
use crate::check::{Analysis, Counterexample, Status};
use crate::diag::Diagnostic;
use serde_json::json;

impl Analyzer<'_> {
    /// Which ratings each dimension can be given: 0, and the rating of every
    /// rule whose condition can hold. Reports unreachable ratings and rules
    /// whose condition never holds.
    /// Returns, per dimension, the ratings it can be given, and those of
    /// them that are certain (an exact condition, or seen in an intake).
    pub(super) fn ratings(&mut self, observed: &Observer) -> (Vec<u16>, Vec<u16>) {
        let rs = self.rs;
        let mut solver = Solver::new(rs, self.facts);
        let mut unreachable_rules = 0;
        let mut unconfirmed: Vec<String> = Vec::new();
        let mut certain_all = vec![1u16; rs.dimensions.len()];
        for &d in &rs.dimension_order {
            let dim = &rs.dimensions[d];
            let mut mask = 1u16;
            // Ratings some rule gives for certain: its condition is one
            // the solver decides exactly, or an intake showed it.
            let mut certain = 1u16;
            for rule in &dim.rules {
                if solver.satisfiable(&rule.when) {
                    mask |= 1 << rule.rating;
                    if exact(rs, &rule.when, false)
                        || observed.get().ratings[d].get(rule.rating as usize) == Some(&true)
                    {
                        certain |= 1 << rule.rating;
                    }
                } else {
                    unreachable_rules += 1;
                    self.push(
                        Diagnostic::warning(
                            "unsatisfiable-condition",
                            rule.span,
                            format!(
                                "rule `{}` can never hold: its condition `{}` is contradictory",
                                rule.id,
                                rule.when_text.trim()
                            ),
                        )
                        .with_help(
                            "no answers make it true, so it never rates anyone; fix or remove it",
                        ),
                        None,
                    );
                }
            }
            solver.ratings[d] = mask;
            certain_all[d] = certain;
            for r in 1..=rs.max_rating {
                if mask & !certain & (1 << r) != 0 {
                    unconfirmed.push(format!("`{}` {r}", dim.id));
                }
            }
            for r in 1..=rs.max_rating {
                if mask & (1 << r) != 0 {
                    continue;
                }
                let given_by: Vec<&str> = dim
                    .rules
                    .iter()
                    .filter(|x| x.rating == r)
                    .map(|x| x.id.as_str())
                    .collect();
                let why = if given_by.is_empty() {
                    format!("no rule of `{}` gives rating {r}", dim.id)
                } else {
                    format!(
                        "the conditions of {} can never hold",
                        given_by
                            .iter()
                            .map(|x| format!("`{x}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                self.push(
                    Diagnostic::warning(
                        "unreachable-rating",
                        dim.span,
                        format!("rating {r} of `{}` can never be given: {why}", dim.id),
                    )
                    .with_help(format!(
                        "its minimum level (`{}`) never applies; add a rule with `rating: {r}` or accept that the scale skips it",
                        rs.levels[dim.minimums.get(r as usize).copied().unwrap_or(0)].id
                    )),
                    Some(Counterexample {
                        text: format!("ratings `{}` can reach: {}", dim.id, ratings_list(mask, rs.max_rating)),
                        data: json!({"dimension": dim.id, "rating": r, "reachable": ratings_vec(mask, rs.max_rating)}),
                    }),
                );
            }
        }
        self.analyses.push(Analysis {
            name: "rating reachability",
            status: if self
                .findings
                .iter()
                .any(|f| f.diag.code == "unreachable-rating")
                || unreachable_rules > 0
            {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            detail: unconfirmed_detail(
                rs,
                format!(
                    "{} rating rules checked",
                    rs.dimensions.iter().map(|d| d.rules.len()).sum::<usize>()
                ),
                "ratings",
                &unconfirmed,
            ),
        });
        (solver.ratings, certain_all)
    }
}

fn ratings_vec(mask: u16, max: u8) -> Vec<u8> {
    (0..=max).filter(|r| mask & (1 << r) != 0).collect()
}

fn ratings_list(mask: u16, max: u8) -> String {
    ratings_vec(mask, max)
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
