//! The analyses of `rules check`, one file per analysis, named after it,
//! run in a fixed order by [`analyze`]; the machinery they share (the
//! rating space, residual conditions, counterexample text) in files named
//! for what it is.
//!
//! The analyses, in the order they run and report:
//!
//! - `rating reachability` (`rating_reachability`): which ratings each
//!   dimension can be given (`unreachable-rating`, and
//!   `unsatisfiable-condition` for a rating rule that can never hold).
//! - conditions that can never hold (`unsatisfiable_conditions`):
//!   `never-asked` skip conditions, and `unsatisfiable-condition` for
//!   supports, flags and exclusions.
//! - `band reachability` (`band_reachability`): `unreachable-band`.
//! - questions nothing reads (`unused_questions`): `unused-question`,
//!   `retired-question`.
//! - over the rating space (`rating_space`, run by `space_run`):
//!   `totality` (`totality`, `not-total`), `monotonicity`
//!   (`monotonicity`, `non-monotone`, `not-proved`), `level reachability`
//!   (`level_reachability`, `unreachable-level`) and `escalation
//!   reachability` (`escalation_reachability`, `unreachable-escalation`,
//!   `shadowed-escalation`); a search past its budget or size reports
//!   `analysis-budget` or `space-too-large`.
//! - `answer monotonicity` (`answer_monotonicity`): a more severe answer
//!   never gives less care, for questions whose answers have an order of
//!   severity (`answer-non-monotone`, `not-proved`, `analysis-budget`).

mod band_reachability;
mod counterexample;
mod detail;
mod escalation_reachability;
mod level_reachability;
mod monotonicity;
mod rating_reachability;
mod rating_space;
mod residual;
mod space_run;
mod totality;
mod unsatisfiable_conditions;
mod unused_questions;

pub(super) mod answer_monotonicity;

pub use counterexample::atom_text;
pub use rating_space::{MAX_VECTORS, SPACE_WORK};

use super::observe::Observer;
use super::sat::{Facts, Solver};
use super::{Analysis, CheckReport, Counterexample, Finding, Status};
use crate::diag::Diagnostic;
use crate::rules::model::RuleSet;

/// Runs every analysis.
pub fn analyze(rs: &RuleSet) -> CheckReport {
    let facts = Facts::new(rs);
    let mut a = Analyzer {
        rs,
        facts: &facts,
        findings: Vec::new(),
        analyses: Vec::new(),
    };
    let observed = Observer::new(rs);
    let (reach, certain) = a.ratings(&observed);
    a.conditions(&reach);
    a.bands(&observed);
    a.questions();
    a.space(&reach, &certain, &observed);
    let ratings_monotone = a
        .analyses
        .iter()
        .any(|x| x.name == "monotonicity" && x.status == Status::Proved);
    let (findings, analysis) = answer_monotonicity::analyze(rs, &facts, ratings_monotone);
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

impl Analyzer<'_> {
    fn push(&mut self, d: Diagnostic, cx: Option<Counterexample>) {
        self.findings.push(Finding {
            diag: d,
            counterexample: cx,
        });
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
        let mut run = space_run::Run::new(rs, solver, observed, certain);
        run.all(reach, &never);
        self.findings.extend(run.findings);
        self.analyses.extend(run.analyses);
    }
}
