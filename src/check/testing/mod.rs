//! `rules test`: test cases for a rule set, in YAML beside the rules
//! (`tests/*.yaml`), after promtool's unit tests. Each case gives answers
//! (the shape of an intake's `answers`, plus `declined`) and what the result
//! must be. Coverage counts the rating rules, escalations and bands the cases
//! exercise.
//!
//! ```yaml
//! tests:
//!   - name: severe opioid withdrawal needs inpatient care
//!     answers: {substances: [opioids], cows_total: 40}
//!     expect:
//!       level: inpatient
//!       ratings: {withdrawal: 4}
//!       bands: {cows: severe}
//!       flags: [severe_withdrawal_risk]
//! ```
//!
//! Reading the test files is in `read`, running the cases and measuring
//! coverage in `run`, and the human, JSON, GitHub and JUnit
//! reports in `report`; this file holds the model they share.

mod read;
mod report;
mod run;

pub use read::load;
pub use report::{github, human, junit, render_mismatch, to_json};
pub use run::{run, run_case};

use crate::diag::{Diagnostic, Sources, Span};
use crate::intake::Slot;

/// One expectation, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    Level(usize),
    MaxLevel(usize),
    Rating(usize, u8),
    Total(usize, Option<i64>),
    Band(usize, Option<usize>),
    Flags(Vec<usize>),
    Supports(Vec<usize>),
    CouldRaise(Vec<usize>),
    Excluded(Vec<usize>),
    /// The consistency checks that hold, as a set.
    Contradictions(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// The case's `- name:` entry.
    pub span: Span,
    pub slots: Vec<Slot>,
    pub expect: Vec<(Expectation, Span)>,
}

/// The test files of a rule set, parsed and checked against it.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The rule set's files followed by the test files: every span of the
    /// report points into these.
    pub sources: Sources,
    pub cases: Vec<TestCase>,
    /// Problems in the test files.
    pub diags: Vec<Diagnostic>,
}

/// A difference between what a case expects and what the rules give.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// `level`, `ratings.withdrawal`, `bands.phq9`, ...
    pub key: String,
    pub expected: String,
    pub actual: String,
    /// Why the actual value came out so (the deciding rules).
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub span: Span,
    pub mismatches: Vec<Mismatch>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Something coverage counts.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverItem {
    /// `rule`, `escalation` or `band`.
    pub kind: &'static str,
    pub id: String,
    pub span: Span,
    pub covered: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub items: Vec<CoverItem>,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.items.iter().filter(|i| i.covered).count()
    }

    /// Percentage covered (100 when there is nothing to cover).
    pub fn percent(&self) -> f64 {
        if self.items.is_empty() {
            100.0
        } else {
            self.covered() as f64 * 100.0 / self.items.len() as f64
        }
    }

    /// (covered, total) for one kind.
    pub fn of(&self, kind: &str) -> (usize, usize) {
        let items = self.items.iter().filter(|i| i.kind == kind);
        let total = items.clone().count();
        (items.filter(|i| i.covered).count(), total)
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub results: Vec<CaseResult>,
    pub coverage: Coverage,
}

impl Outcome {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed()).count()
    }
}

impl Suite {
    /// Problems in the test files that keep the suite from passing
    /// (warnings, such as an empty test file, do not).
    pub fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }
}
