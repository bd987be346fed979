//! Analyses of a loaded rule set as a whole: totality, monotonicity and
//! reachability over the space of rating vectors, conditions that can never
//! hold, bands no total can reach, questions nothing reads.
//!
//! The rating space is every vector of dimension ratings (each 0 to
//! `max_rating`). It is enumerated exhaustively when it has at most
//! [`MAX_VECTORS`] vectors. An escalation's condition may read answers and
//! bands as well as ratings; for a given rating vector those other atoms are
//! treated as *free* (they could be true or false independently of the
//! ratings), so an escalation *must* hold at a vector when its condition
//! holds whatever the answers, and *may* hold when some answers make it hold.
//! Ratings are also treated as independent of each other and of those atoms,
//! which over-approximates what intakes can produce: a reported counterexample
//! is a rating vector, and may need a combination of answers that the rules
//! never produce together.

use super::locate;
use super::sat::{Facts, Solver};
use super::{Analysis, CheckReport, Counterexample, Finding, Status};
use crate::cond::{Cond, Env, Multi, Operand, Tri, Val};
use crate::diag::{Diagnostic, Span};
use crate::rules::model::{QuestionKind, RuleSet};
use serde_json::{json, Map, Value};

/// Largest rating space enumerated.
pub const MAX_VECTORS: u64 = 1_000_000;

/// Work budget of the rating-space analyses for escalations that read
/// answers: each such escalation is solved once per combination of the
/// ratings it reads, at a cost of about the number of atoms in its
/// condition. When the sum (combinations times atoms, over those
/// escalations) is larger, monotonicity, level reachability and escalation
/// reachability are reported as not proved (`analysis-budget`), never as
/// proved. About a second of work on one core.
pub const SPACE_WORK: u64 = 5_000_000;

/// Runs every analysis.
pub fn analyze(rs: &RuleSet) -> CheckReport {
    let facts = Facts::new(rs);
    let mut a = Analyzer {
        rs,
        facts: &facts,
        findings: Vec::new(),
        analyses: Vec::new(),
    };
    let reach = a.ratings();
    a.conditions(&reach);
    a.bands();
    a.questions();
    a.space(&reach);
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
fn vector_json(rs: &RuleSet, r: &[u8]) -> Value {
    let mut m = Map::new();
    for (d, dim) in rs.dimensions.iter().enumerate() {
        m.insert(dim.id.clone(), json!(r[d]));
    }
    Value::Object(m)
}

fn vector_text(rs: &RuleSet, r: &[u8]) -> String {
    let parts: Vec<String> = rs
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| format!("{}={}", dim.id, r[d]))
        .collect();
    format!("[{}]", parts.join(", "))
}

fn plural(n: usize, one: &str, many: &str) -> String {
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
    fn ratings(&mut self) -> Vec<u16> {
        let rs = self.rs;
        let mut solver = Solver::new(rs, self.facts);
        let mut unreachable_rules = 0;
        for &d in &rs.dimension_order {
            let dim = &rs.dimensions[d];
            let mut mask = 1u16;
            for rule in &dim.rules {
                if solver.satisfiable(&rule.when) {
                    mask |= 1 << rule.rating;
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
            } else {
                Status::Proved
            },
            detail: format!(
                "{} rating rules checked",
                rs.dimensions.iter().map(|d| d.rules.len()).sum::<usize>()
            ),
        });
        solver.ratings
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
    fn bands(&mut self) {
        let rs = self.rs;
        let mut checked = 0;
        let mut failed = false;
        for (i, inst) in rs.instruments.iter().enumerate() {
            let Some(totals) = &self.facts.totals[i] else {
                continue;
            };
            checked += 1;
            for (b, band) in inst.bands.iter().enumerate() {
                if self.facts.band_reachable[i][b] {
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
            } else {
                Status::Proved
            },
            detail: format!(
                "achievable totals listed for {checked} of {} instruments",
                rs.instruments.len()
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
    fn space(&mut self, reach: &[u16]) {
        let rs = self.rs;
        let dims = rs.dimensions.len();
        let base = rs.max_rating as u64 + 1;
        let n = (0..dims).try_fold(1u64, |acc, _| {
            acc.checked_mul(base).filter(|x| *x <= MAX_VECTORS)
        });
        let mut solver = Solver::new(rs, self.facts);
        solver.ratings = reach.to_vec();
        // Escalations whose condition can never hold, whatever the ratings.
        let never: Vec<bool> = rs
            .escalations
            .iter()
            .map(|e| !solver.satisfiable(&e.when))
            .collect();
        let Some(n) = n else {
            let span = rs
                .dimensions
                .first()
                .map(|d| d.span)
                .unwrap_or(Span::UNKNOWN);
            let size = (base as f64).powi(dims as i32);
            self.push(
                Diagnostic::warning(
                    "space-too-large",
                    span,
                    format!(
                        "the rating space has {base}^{dims} = {size:.3e} vectors, more than {MAX_VECTORS}: totality, monotonicity, level reachability and escalation shadowing are not proved"
                    ),
                )
                .with_help("fewer dimensions or a lower `max_rating` make the space small enough to check exhaustively"),
                None,
            );
            for name in [
                "totality",
                "monotonicity",
                "level reachability",
                "escalation reachability",
            ] {
                self.analyses.push(Analysis {
                    name,
                    status: Status::NotProved,
                    detail: format!("rating space too large ({size:.3e} vectors)"),
                });
            }
            self.unreachable_escalations(&never);
            return;
        };
        let mut space = Space::new(rs, n as usize, base as usize, solver);
        let work = space.work();
        let t = space.totality();
        let total = t.is_empty();
        for (d, r) in t.into_iter().take(1) {
            let dim = &rs.dimensions[d];
            self.push(
                Diagnostic::error(
                    "not-total",
                    dim.minimums_span,
                    format!("`{}` has no minimum level for rating {}", dim.id, r[d]),
                ),
                Some(Counterexample {
                    text: format!("ratings {} give no level", vector_text(rs, &r)),
                    data: json!({"ratings": vector_json(rs, &r)}),
                }),
            );
        }
        self.analyses.push(Analysis {
            name: "totality",
            status: if total {
                Status::Proved
            } else {
                Status::Failed
            },
            detail: format!("{n} rating vectors"),
        });
        if !total {
            return;
        }
        if work > SPACE_WORK {
            let span = rs
                .escalations
                .first()
                .map(|e| e.span)
                .unwrap_or(Span::UNKNOWN);
            self.push(
                Diagnostic::warning(
                    "analysis-budget",
                    span,
                    format!(
                        "the escalations that read answers need about {work} solver steps over the rating space, more than the budget of {SPACE_WORK}: monotonicity, level reachability and escalation reachability are not proved"
                    ),
                )
                .with_help("escalations that read fewer dimensions' ratings, or shorter conditions, fit the budget; scoring is not affected"),
                None,
            );
            for name in [
                "monotonicity",
                "level reachability",
                "escalation reachability",
            ] {
                self.analyses.push(Analysis {
                    name,
                    status: Status::NotProved,
                    detail: format!(
                        "work budget exceeded ({work} solver steps, budget {SPACE_WORK})"
                    ),
                });
            }
            self.unreachable_escalations(&never);
            return;
        }
        let violations = space.monotonicity();
        let mono = violations.is_empty();
        for v in violations {
            self.monotonicity_finding(&v);
        }
        self.analyses.push(Analysis {
            name: "monotonicity",
            status: if mono { Status::Proved } else { Status::Failed },
            detail: format!("{n} rating vectors, each rating raised by one"),
        });
        let reachable = space.levels(reach);
        let mut all_levels = true;
        for (l, ok) in reachable.iter().enumerate() {
            if !ok {
                all_levels = false;
                self.unreachable_level(&mut space, reach, l);
            }
        }
        let realizable: u64 = reach.iter().map(|m| m.count_ones() as u64).product();
        self.analyses.push(Analysis {
            name: "level reachability",
            status: if all_levels {
                Status::Proved
            } else {
                Status::Failed
            },
            detail: format!("{realizable} rating vectors whose every rating can be given"),
        });
        let esc = space.escalations(reach);
        let reach_any: Vec<bool> = esc.iter().map(|e| e.example.is_some()).collect();
        let unreachable: Vec<bool> = never
            .iter()
            .zip(&reach_any)
            .map(|(nv, r)| *nv || !*r)
            .collect();
        self.unreachable_escalations(&unreachable);
        let mut esc_ok = !unreachable.iter().any(|x| *x);
        for (e, info) in esc.iter().enumerate() {
            if unreachable[e] || info.changes {
                continue;
            }
            esc_ok = false;
            self.shadowed(&mut space, e, info);
        }
        self.analyses.push(Analysis {
            name: "escalation reachability",
            status: if esc_ok {
                Status::Proved
            } else {
                Status::Failed
            },
            detail: format!(
                "{}; answer-based parts of conditions treated as free",
                plural(rs.escalations.len(), "escalation", "escalations")
            ),
        });
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

    fn monotonicity_finding(&mut self, v: &Violation) {
        let rs = self.rs;
        let dim = &rs.dimensions[v.dim];
        let from = v.low[v.dim];
        let to = from + 1;
        let lvl = |l: usize| rs.levels[l].id.as_str();
        let (span, msg, help) = match v.cause {
            Cause::Cell => {
                let span = locate::minimums_cell(rs, v.dim, to as usize);
                (
                    span,
                    format!(
                        "not monotone: raising `{}` from {from} to {to} lowers its minimum level from `{}` to `{}`",
                        dim.id,
                        lvl(dim.minimums[from as usize]),
                        lvl(dim.minimums[to as usize])
                    ),
                    "a higher rating must never give a less intensive level; list each dimension's minimums from the least to the most intensive".to_string(),
                )
            }
            Cause::Escalation(e) => {
                let Some(esc) = rs.escalations.get(e) else {
                    return;
                };
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
            "ratings {} give `{}`; raising `{}` to {to}, ratings {} give at most `{}`",
            vector_text(rs, &v.low),
            lvl(v.low_level),
            dim.id,
            vector_text(rs, &v.high),
            lvl(v.high_level)
        );
        self.push(
            Diagnostic::error("non-monotone", span, msg).with_help(help),
            Some(Counterexample {
                text,
                data: json!({
                    "dimension": dim.id,
                    "lower": {"ratings": vector_json(rs, &v.low), "level": lvl(v.low_level)},
                    "higher": {"ratings": vector_json(rs, &v.high), "level": lvl(v.high_level)},
                }),
            }),
        );
    }

    fn unreachable_level(&mut self, space: &mut Space, reach: &[u16], l: usize) {
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
        } else if let Some(&(d, k)) = cells.iter().find(|(d, k)| reach[*d] & (1 << k) != 0) {
            let mut r = vec![0u8; rs.dimensions.len()];
            r[d] = k as u8;
            let got = space.must_level(&r);
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

    fn shadowed(&mut self, space: &mut Space, e: usize, info: &EscInfo) {
        let rs = self.rs;
        let esc = &rs.escalations[e];
        let Some(r) = &info.example else { return };
        let by = match info.covered_by {
            Some(o) => format!("escalation `{}`", rs.escalations[o].id),
            None if info.minimums_cover => "the dimensions' minimums".to_string(),
            None => "the minimums and other escalations".to_string(),
        };
        let without = space.level_without(r, e);
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
                    "shadowed_by": info.covered_by.map(|o| rs.escalations[o].id.clone()),
                }),
            }),
        );
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

/// Why a monotonicity violation happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The dimension's own minimums row goes down.
    Cell,
    /// An escalation that held stops holding.
    Escalation(usize),
}

#[derive(Debug, Clone)]
struct Violation {
    dim: usize,
    cause: Cause,
    low: Vec<u8>,
    high: Vec<u8>,
    low_level: usize,
    high_level: usize,
}

#[derive(Debug, Clone, Default)]
struct EscInfo {
    /// First realizable vector where it may hold.
    example: Option<Vec<u8>>,
    /// It lifts the level at some realizable vector.
    changes: bool,
    /// One other escalation that covers it wherever it may hold.
    covered_by: Option<usize>,
    /// The minimums alone cover it wherever it may hold.
    minimums_cover: bool,
}

/// Ratings only: evaluates a condition that reads nothing else.
struct RatingEnv<'a>(&'a [u8]);

impl Env for RatingEnv<'_> {
    fn value(&self, operand: Operand) -> Val {
        match operand {
            Operand::Rating(d) => {
                let r = self.0.get(d as usize).copied().unwrap_or(0) as f64;
                Val::Range(r, r)
            }
            _ => Val::Na,
        }
    }
    fn multi(&self, _: u32) -> Multi {
        Multi::Unknown
    }
    fn answered(&self, _: u32) -> Tri {
        Tri::Unknown
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::Unknown
    }
}

/// The rating space and each escalation's status on it, memoised on the
/// ratings it reads.
struct Space<'a> {
    rs: &'a RuleSet,
    n: usize,
    base: usize,
    solver: Solver<'a>,
    /// Per escalation: dimensions it reads, only-ratings flag, memo of
    /// (may, must) by the read ratings.
    reads: Vec<(Vec<usize>, bool)>,
    memo: Vec<Vec<Option<(bool, bool)>>>,
}

impl<'a> Space<'a> {
    fn new(rs: &'a RuleSet, n: usize, base: usize, solver: Solver<'a>) -> Self {
        let mut reads = Vec::new();
        let mut memo = Vec::new();
        for e in &rs.escalations {
            let mut ds = Vec::new();
            let mut only = true;
            e.when.visit_operands(&mut |o| match o {
                Operand::Rating(d) => ds.push(d as usize),
                _ => only = false,
            });
            ds.sort_unstable();
            ds.dedup();
            memo.push(vec![None; base.pow(ds.len() as u32)]);
            reads.push((ds, only));
        }
        Space {
            rs,
            n,
            base,
            solver,
            reads,
            memo,
        }
    }

    /// Estimated solver steps for the escalations that read answers: per
    /// escalation, the combinations of the ratings it reads times the atoms
    /// of its condition.
    fn work(&self) -> u64 {
        self.rs
            .escalations
            .iter()
            .zip(&self.reads)
            .zip(&self.memo)
            .filter(|((_, (_, only)), _)| !*only)
            .map(|((e, _), memo)| {
                let mut atoms = 0u64;
                e.when.visit_operands(&mut |_| atoms += 1);
                memo.len() as u64 * atoms.max(1)
            })
            .fold(0u64, u64::saturating_add)
    }

    fn decode(&self, mut i: usize, r: &mut [u8]) {
        for x in r.iter_mut() {
            *x = (i % self.base) as u8;
            i /= self.base;
        }
    }

    /// (may hold, must hold) for escalation `e` at ratings `r`.
    fn status(&mut self, e: usize, r: &[u8]) -> (bool, bool) {
        let (ds, only) = &self.reads[e];
        let key = ds
            .iter()
            .rev()
            .fold(0usize, |k, &d| k * self.base + r[d] as usize);
        if let Some(s) = self.memo[e][key] {
            return s;
        }
        let cond = &self.rs.escalations[e].when;
        let s = if *only {
            let t = cond.eval(&RatingEnv(r)) == Tri::True;
            (t, t)
        } else {
            let saved = std::mem::take(&mut self.solver.ratings);
            self.solver.ratings = r.iter().map(|x| 1u16 << x).collect();
            let may = self.solver.satisfiable(cond);
            let must = may && self.solver.valid(cond);
            self.solver.ratings = saved;
            (may, must)
        };
        self.memo[e][key] = Some(s);
        s
    }

    fn minimums_level(&self, r: &[u8]) -> Option<usize> {
        let mut l = self.rs.levels.len().checked_sub(1)?;
        for (d, dim) in self.rs.dimensions.iter().enumerate() {
            l = l.min(*dim.minimums.get(r[d] as usize)?);
        }
        Some(l)
    }

    /// Level when only what must hold counts.
    fn must_level(&mut self, r: &[u8]) -> usize {
        let mut l = self.minimums_level(r).unwrap_or(0);
        for e in 0..self.rs.escalations.len() {
            if self.status(e, r).1 {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    /// Most intensive level that answers could give at `r`.
    fn may_level(&mut self, r: &[u8]) -> usize {
        let mut l = self.minimums_level(r).unwrap_or(0);
        for e in 0..self.rs.escalations.len() {
            if self.status(e, r).0 {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    fn level_without(&mut self, r: &[u8], skip: usize) -> usize {
        let mut l = self.minimums_level(r).unwrap_or(0);
        for e in 0..self.rs.escalations.len() {
            if e != skip && self.status(e, r).1 {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }

    /// Vectors that give no level (one per dimension at most).
    fn totality(&self) -> Vec<(usize, Vec<u8>)> {
        let dims = self.rs.dimensions.len();
        let mut out = Vec::new();
        for (d, dim) in self.rs.dimensions.iter().enumerate() {
            if dim.minimums.len() < self.base {
                let mut r = vec![0u8; dims];
                r[d] = dim.minimums.len() as u8;
                out.push((d, r));
            }
        }
        if self.rs.levels.is_empty() {
            out.push((0, vec![0u8; dims]));
        }
        out
    }

    /// The first violation per cause and dimension.
    #[allow(clippy::needless_range_loop)]
    fn monotonicity(&mut self) -> Vec<Violation> {
        let dims = self.rs.dimensions.len();
        let max = self.base as u8 - 1;
        let mut must = vec![0u16; self.n];
        let mut may = vec![0u16; self.n];
        let mut r = vec![0u8; dims];
        for i in 0..self.n {
            self.decode(i, &mut r);
            must[i] = self.must_level(&r) as u16;
            may[i] = self.may_level(&r) as u16;
        }
        let mut out: Vec<Violation> = Vec::new();
        let mut stride = 1usize;
        let mut strides = Vec::with_capacity(dims);
        for _ in 0..dims {
            strides.push(stride);
            stride *= self.base;
        }
        for i in 0..self.n {
            self.decode(i, &mut r);
            for d in 0..dims {
                if r[d] == max {
                    continue;
                }
                let j = i + strides[d];
                if must[i] >= may[j] {
                    continue;
                }
                let x = must[i] as usize;
                let dim = &self.rs.dimensions[d];
                let cause = if dim.minimums[r[d] as usize] == x {
                    Cause::Cell
                } else {
                    let e = (0..self.rs.escalations.len())
                        .find(|&e| self.rs.escalations[e].level == x && self.status(e, &r).1)
                        .unwrap_or(0);
                    Cause::Escalation(e)
                };
                let seen = out.iter().any(|v| {
                    v.dim == d && v.cause == cause && (cause != Cause::Cell || v.low[d] == r[d])
                });
                if seen || out.len() >= 50 {
                    continue;
                }
                let mut high = r.clone();
                high[d] += 1;
                out.push(Violation {
                    dim: d,
                    cause,
                    low: r.clone(),
                    high,
                    low_level: x,
                    high_level: may[j] as usize,
                });
            }
        }
        out
    }

    fn realizable(&self, r: &[u8], reach: &[u16]) -> bool {
        r.iter().zip(reach).all(|(x, m)| m & (1 << x) != 0)
    }

    /// Which levels some realizable vector can give.
    fn levels(&mut self, reach: &[u16]) -> Vec<bool> {
        let dims = self.rs.dimensions.len();
        let mut out = vec![false; self.rs.levels.len()];
        let mut r = vec![0u8; dims];
        for i in 0..self.n {
            self.decode(i, &mut r);
            if !self.realizable(&r, reach) {
                continue;
            }
            let must = self.must_level(&r);
            out[must] = true;
            for e in 0..self.rs.escalations.len() {
                let (may, m) = self.status(e, &r);
                let l = self.rs.escalations[e].level;
                if may && !m && l < must {
                    out[l] = true;
                }
            }
        }
        out
    }

    /// Per escalation: whether it can hold, and whether it ever changes
    /// the level, over realizable vectors.
    fn escalations(&mut self, reach: &[u16]) -> Vec<EscInfo> {
        let dims = self.rs.dimensions.len();
        let ne = self.rs.escalations.len();
        let mut info = vec![EscInfo::default(); ne];
        let mut cover: Vec<Vec<bool>> = vec![vec![true; ne]; ne];
        let mut min_cover = vec![true; ne];
        let mut r = vec![0u8; dims];
        for i in 0..self.n {
            self.decode(i, &mut r);
            if !self.realizable(&r, reach) {
                continue;
            }
            let mins = self.minimums_level(&r).unwrap_or(0);
            let st: Vec<(bool, bool)> = (0..ne).map(|e| self.status(e, &r)).collect();
            for e in 0..ne {
                if !st[e].0 {
                    continue;
                }
                let lvl = self.rs.escalations[e].level;
                if info[e].example.is_none() {
                    info[e].example = Some(r.clone());
                }
                let mut without = mins;
                for (o, s) in st.iter().enumerate() {
                    if o != e && s.1 {
                        without = without.min(self.rs.escalations[o].level);
                    }
                    if o != e && !(s.1 && self.rs.escalations[o].level <= lvl) {
                        cover[e][o] = false;
                    }
                }
                if mins > lvl {
                    min_cover[e] = false;
                }
                if lvl < without {
                    info[e].changes = true;
                }
            }
        }
        for e in 0..ne {
            info[e].minimums_cover = min_cover[e];
            info[e].covered_by = if min_cover[e] {
                None
            } else {
                (0..ne).find(|&o| o != e && cover[e][o])
            };
        }
        info
    }
}
