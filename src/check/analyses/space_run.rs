//! The run of the rating-space analyses: their findings and analyses, the
//! warnings of a search past its size or budget, and the order the
//! analyses run in ([`Run::all`]).

use super::rating_space::{Space, MAX_VECTORS, SPACE_WORK};
use super::residual::Res;
use crate::check::observe::Observer;
use crate::check::sat::Solver;
use crate::check::{Analysis, Counterexample, Finding, Status};
use crate::diag::{Diagnostic, Span};
use crate::rules::model::RuleSet;

/// Findings and analyses of the rating space.
pub(super) struct Run<'a> {
    pub(super) rs: &'a RuleSet,
    pub(super) space: Space<'a>,
    pub(super) observed: &'a Observer<'a>,
    /// Per dimension, the ratings it is certainly given.
    pub(super) certain: &'a [u16],
    pub findings: Vec<Finding>,
    pub analyses: Vec<Analysis>,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        rs: &'a RuleSet,
        solver: Solver<'a>,
        observed: &'a Observer<'a>,
        certain: &'a [u16],
    ) -> Self {
        Run {
            rs,
            space: Space::new(rs, solver),
            observed,
            certain,
            findings: Vec::new(),
            analyses: Vec::new(),
        }
    }

    /// Every rating of `r` is one its dimension is certainly given.
    pub(super) fn certain_ratings(&self, r: &[u8]) -> bool {
        r.iter().zip(self.certain).all(|(k, m)| m & (1 << k) != 0)
    }

    pub(super) fn push(&mut self, d: Diagnostic, cx: Option<Counterexample>) {
        self.findings.push(Finding {
            diag: d,
            counterexample: cx,
        });
    }

    pub(super) fn analysis(&mut self, name: &'static str, status: Status, detail: String) {
        self.analyses.push(Analysis {
            name,
            status,
            detail,
        });
    }

    pub(super) fn budget_warning(&mut self, what: &str) {
        if self
            .findings
            .iter()
            .any(|f| f.diag.code == "analysis-budget")
        {
            return;
        }
        let span = self
            .rs
            .escalations
            .first()
            .map(|e| e.span)
            .unwrap_or(Span::UNKNOWN);
        let work = self.space.work;
        self.push(
            Diagnostic::warning(
                "analysis-budget",
                span,
                format!(
                    "the escalations that read answers need more than the budget of {SPACE_WORK} solver steps ({work} used when {what} stopped): what was left is not proved"
                ),
            )
            .with_help("escalations that read fewer dimensions' ratings, or shorter conditions, fit the budget; scoring is not affected"),
            None,
        );
    }

    pub(super) fn too_large(&mut self, what: &str, size: u64, note: &str) {
        let span = self
            .rs
            .dimensions
            .first()
            .map(|d| d.span)
            .unwrap_or(Span::UNKNOWN);
        self.push(
            Diagnostic::warning(
                "space-too-large",
                span,
                format!(
                    "{what} would visit {size} rating vectors{note}, more than {MAX_VECTORS}: it is not proved"
                ),
            )
            .with_help("escalations that read fewer dimensions' ratings make the search smaller; dimensions no escalation reads cost nothing"),
            None,
        );
    }

    /// The dimensions any escalation reads.
    pub(super) fn escalation_dims(&self) -> Vec<usize> {
        let mut r: Vec<usize> = self.space.reads.iter().flatten().copied().collect();
        r.sort_unstable();
        r.dedup();
        r
    }

    /// Per dimension, among `allowed` ratings, the one with the least
    /// intensive minimum (the lowest such rating).
    pub(super) fn least(&self, allowed: &[Vec<u8>]) -> Vec<u8> {
        self.rs
            .dimensions
            .iter()
            .zip(allowed)
            .map(|(dim, vals)| {
                let mut best = vals.first().copied().unwrap_or(0);
                for &k in vals {
                    if dim.minimums.get(k as usize) > dim.minimums.get(best as usize) {
                        best = k;
                    }
                }
                best
            })
            .collect()
    }

    /// Every analysis of the rating space, given the ratings each
    /// dimension can be given (`reach`) and the escalations that can never
    /// hold (`never`).
    pub(super) fn all(&mut self, reach: &[u16], never: &[bool]) {
        if !self.totality() {
            return;
        }
        self.monotonicity();
        let real: Vec<Vec<u8>> = reach
            .iter()
            .map(|m| {
                (0..=self.rs.max_rating)
                    .filter(|r| m & (1 << r) != 0)
                    .collect()
            })
            .collect();
        self.levels(&real);
        self.escalations(&real, never);
    }

    /// The level at `r` counting only what holds whatever the answers.
    pub(super) fn must_level(&mut self, r: &[u8], skip: Option<usize>) -> usize {
        let mut l = self.space.minimums_level(r);
        for e in 0..self.rs.escalations.len() {
            if Some(e) != skip && *self.space.res(e, r) == Res::True {
                l = l.min(self.rs.escalations[e].level);
            }
        }
        l
    }
}
