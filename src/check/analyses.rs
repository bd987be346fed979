//! Analyses of a loaded rule set as a whole: reachable ratings, conditions
//! that can never hold, bands no total can reach, questions nothing reads,
//! and (in [`super::space`]) totality, monotonicity and reachability over
//! the rating space.

use super::observe::{exact, Observer};
use super::sat::{Facts, Solver};
use super::{Analysis, CheckReport, Counterexample, Finding, Status};
use crate::cond::{Cond, Operand};
use crate::diag::{Diagnostic, Span};
use crate::rules::model::{QuestionKind, RuleSet};
use serde_json::{json, Map, Value};

pub use super::space::{MAX_VECTORS, SPACE_WORK};

/// Runs every analysis.
pub fn analyze(rs: &RuleSet) -> CheckReport {
    let facts = Facts::new(rs);
    let mut a = Analyzer {
        rs,
        facts: &facts,
        findings: Vec::new(),
        analyses: Vec::new(),
    };
    let observed = super::observe::Observer::new(rs);
    let (reach, certain) = a.ratings(&observed);
    a.conditions(&reach);
    a.bands(&observed);
    a.questions();
    a.space(&reach, &certain, &observed);
    let ratings_monotone = a
        .analyses
        .iter()
        .any(|x| x.name == "monotonicity" && x.status == Status::Proved);
    let (findings, analysis) = super::answers::analyze(rs, &facts, ratings_monotone);
    a.findings.extend(findings);
    a.analyses.push(analysis);
    CheckReport {
        findings: a.findings,
        analyses: a.analyses,
        summary: None,
    }
}

struct Analyzer<'a> {
    rs: &'a RuleSet,
    facts: &'a Facts,
    findings: Vec<Finding>,
    analyses: Vec<Analysis>,
}

/// A rating vector as `{dimension: rating}`.
pub(super) fn vector_json(rs: &RuleSet, r: &[u8]) -> Value {
    let mut m = Map::new();
    for (d, dim) in rs.dimensions.iter().enumerate() {
        m.insert(dim.id.clone(), json!(r[d]));
    }
    Value::Object(m)
}

pub(super) fn vector_text(rs: &RuleSet, r: &[u8]) -> String {
    let parts: Vec<String> = rs
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| format!("{}={}", dim.id, r[d]))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// An analysis's detail, with what the solver finds possible but neither
/// it decides exactly nor an intake showed (`observe`), when there is any.
pub(super) fn unconfirmed_detail(
    rs: &RuleSet,
    detail: String,
    what: &str,
    unconfirmed: &[String],
) -> String {
    if unconfirmed.is_empty() {
        return detail;
    }
    let shown: Vec<&str> = unconfirmed.iter().take(8).map(|s| s.as_str()).collect();
    format!(
        "{detail}; {what} possible as far as the solver can tell, but not shown by an exact condition or by {} synthetic intakes: {}{}",
        super::observe::intakes(rs),
        shown.join(", "),
        if unconfirmed.len() > 8 { ", ..." } else { "" }
    )
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Analyzer<'_> {
    fn push(&mut self, d: Diagnostic, cx: Option<Counterexample>) {
        self.findings.push(Finding {
            diag: d,
            counterexample: cx,
        });
    }

    /// Which ratings each dimension can be given: 0, and the rating of every
    /// rule whose condition can hold. Reports unreachable ratings and rules
    /// whose condition never holds.
    /// Returns, per dimension, the ratings it can be given, and those of
    /// them that are certain (an exact condition, or seen in an intake).
    fn ratings(&mut self, observed: &Observer) -> (Vec<u16>, Vec<u16>) {
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

    /// Skip conditions, supports, flags and exclusions that can never hold.
    fn conditions(&mut self, reach: &[u16]) {
        let rs = self.rs;
        let mut solver = Solver::new(rs, self.facts);
        solver.ratings = reach.to_vec();
        for q in &rs.questions {
            if let (Some(c), Some(text)) = (&q.ask_when, &q.ask_when_text) {
                if !solver.satisfiable(c) {
                    self.push(
                        Diagnostic::warning(
                            "never-asked",
                            q.span,
                            format!("question `{}` is never asked: its `ask_when` (`{}`) can never hold", q.id, text.trim()),
                        )
                        .with_help("no earlier answers make the skip condition true; fix the condition or remove the question"),
                        None,
                    );
                }
            }
        }
        let mut others: Vec<(&str, &str, &Cond, &str, Span)> = Vec::new();
        for s in &rs.supports {
            others.push(("support", &s.id, &s.when, &s.when_text, s.span));
        }
        for f in &rs.flags {
            others.push(("flag", &f.id, &f.when, &f.when_text, f.span));
        }
        for e in &rs.exclusions {
            others.push(("exclusion", &e.id, &e.when, &e.when_text, e.span));
        }
        for (what, id, c, text, span) in others {
            if !solver.satisfiable(c) {
                self.push(
                    Diagnostic::warning(
                        "unsatisfiable-condition",
                        span,
                        format!(
                            "{what} `{id}` can never hold: its condition `{}` is contradictory",
                            text.trim()
                        ),
                    )
                    .with_help("no answers make it true; fix or remove it"),
                    None,
                );
            }
        }
    }

    /// Bands no achievable total falls in.
    fn bands(&mut self, observed: &Observer) {
        let rs = self.rs;
        let mut checked = 0;
        let mut failed = false;
        let mut unconfirmed: Vec<String> = Vec::new();
        for (i, inst) in rs.instruments.iter().enumerate() {
            let Some(totals) = &self.facts.totals[i] else {
                continue;
            };
            checked += 1;
            // The listing takes each item's points freely; skip logic can
            // rule some combinations out, so with a skipped item a band
            // counts as reachable once an intake showed it.
            let gated = inst
                .items
                .iter()
                .any(|it| rs.questions[it.question].ask_when.is_some());
            for (b, band) in inst.bands.iter().enumerate() {
                if self.facts.band_reachable[i][b] {
                    if gated && !observed.get().bands[i][b] {
                        unconfirmed.push(format!("`{}` of `{}`", band.id, inst.id));
                    }
                    continue;
                }
                failed = true;
                let below = totals.iter().rev().find(|t| **t < band.min).copied();
                let above = totals.iter().find(|t| **t > band.max).copied();
                let near = match (below, above) {
                    (Some(a), Some(b)) => format!("the nearest possible totals are {a} and {b}"),
                    (Some(a), None) | (None, Some(a)) => {
                        format!("the nearest possible total is {a}")
                    }
                    (None, None) => "no total is possible".into(),
                };
                self.push(
                    Diagnostic::warning(
                        "unreachable-band",
                        band.span,
                        format!(
                            "band `{}` of `{}` ({}..{}) can never apply: no combination of item answers adds up to a total in it",
                            band.id, inst.id, band.min, band.max
                        ),
                    )
                    .with_help("widen the band or check the items' allowed values and value maps"),
                    Some(Counterexample {
                        text: near,
                        data: json!({"instrument": inst.id, "band": band.id, "nearest_below": below, "nearest_above": above}),
                    }),
                );
            }
        }
        self.analyses.push(Analysis {
            name: "band reachability",
            status: if failed {
                Status::Failed
            } else if !unconfirmed.is_empty() {
                Status::NotProved
            } else {
                Status::Proved
            },
            detail: unconfirmed_detail(
                rs,
                format!(
                    "achievable totals listed for {checked} of {} instruments",
                    rs.instruments.len()
                ),
                "bands",
                &unconfirmed,
            ),
        });
    }

    /// Questions that no condition reads, directly or through an instrument.
    fn questions(&mut self) {
        let rs = self.rs;
        let mut read = vec![false; rs.questions.len()];
        let mut inst_read = vec![false; rs.instruments.len()];
        crate::engine::for_each_condition(rs, |c| {
            c.visit_operands(&mut |o| match o {
                Operand::Answer(q) => read[q as usize] = true,
                Operand::Total(i) | Operand::Band(i) => inst_read[i as usize] = true,
                _ => {}
            })
        });
        // A question others draw their options from shapes the interview.
        for question in &rs.questions {
            if let Some(source) = question.options_from {
                read[source] = true;
            }
        }
        let mut item_of: Vec<Option<usize>> = vec![None; rs.questions.len()];
        for (i, inst) in rs.instruments.iter().enumerate() {
            for it in &inst.items {
                if inst_read[i] {
                    read[it.question] = true;
                }
                item_of[it.question].get_or_insert(i);
            }
        }
        for (q, question) in rs.questions.iter().enumerate() {
            if read[q] && question.retired {
                self.push(
                    Diagnostic::error(
                        "retired-question",
                        question.span,
                        format!(
                            "retired question `{}` is read by a condition, but a retired question is never asked, so the condition never sees an answer",
                            question.id
                        ),
                    )
                    .with_help("read the question that replaced it, or remove `retired` if the question is still asked"),
                    None,
                );
                continue;
            }
            if read[q]
                || question.informational
                || matches!(question.kind, QuestionKind::Text { .. })
            {
                continue;
            }
            let msg = match item_of[q] {
                Some(i) => format!(
                    "question `{}` is never read: it is an item of `{}`, whose total and band no condition reads",
                    question.id, rs.instruments[i].id
                ),
                None => format!(
                    "question `{}` is never read by any rule, escalation, support, flag, exclusion or skip condition",
                    question.id
                ),
            };
            self.push(
                Diagnostic::warning("unused-question", question.span, msg)
                    .with_help("its answer never changes a result; use it in a condition or remove it (text questions are exempt: they are kept for the record)"),
                None,
            );
        }
    }

    /// Totality, monotonicity, level reachability and escalations over the
    /// rating space.
    fn space(&mut self, reach: &[u16], certain: &[u16], observed: &Observer) {
        let rs = self.rs;
        let mut solver = Solver::new(rs, self.facts);
        solver.ratings = reach.to_vec();
        // Escalations whose condition can never hold, whatever the ratings.
        let never: Vec<bool> = rs
            .escalations
            .iter()
            .map(|e| !solver.satisfiable(&e.when))
            .collect();
        let mut run = super::space::Run::new(rs, solver, observed, certain);
        run.all(reach, &never);
        self.findings.extend(run.findings);
        self.analyses.extend(run.analyses);
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
