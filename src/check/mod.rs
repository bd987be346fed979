//! Rule-set tooling for CI: whole-rule-set analyses (`rules check`), test
//! cases with coverage (`rules test`), JSON Schemas (`rules schema`),
//! re-scoring saved intakes under two rule sets (`rules diff`) and the
//! canonical layout of rule files (`rules fmt`).
//!
//! Everything here returns data or text; only `cli` prints.
//!
//! The layer owns the finding model (this file: [`Finding`], [`Analysis`],
//! [`CheckReport`]) and:
//!
//! - [`analyses`]: every analysis of `rules check`, one file each, in the
//!   order they run: `rating reachability` (`rating_reachability.rs`),
//!   conditions that never hold (`unsatisfiable_conditions.rs`), `band
//!   reachability` (`band_reachability.rs`), questions nothing reads
//!   (`unused_questions.rs`), `totality` (`totality.rs`), `monotonicity`
//!   (`monotonicity.rs`), `level reachability` (`level_reachability.rs`),
//!   `escalation reachability` (`escalation_reachability.rs`) and `answer
//!   monotonicity` (`answer_monotonicity/`); the rating space they search
//!   in `rating_space.rs`, `space_run.rs` and `residual.rs`.
//! - [`sat`]: the condition solver (facts, domains, search).
//! - [`observe`]: what synthetic intakes show, to confirm what the solver
//!   cannot decide exactly.
//! - [`report`], [`sarif`], [`locate`]: the outputs of `rules check`.
//! - [`testing`]: `rules test` (reading, running, reporting).
//! - [`schema`], [`diff`], [`fmt`]: `rules schema`, `rules diff`,
//!   `rules fmt`.

pub mod analyses;
pub mod diff;
pub mod fmt;
pub mod locate;
pub mod observe;
pub mod report;
pub mod sarif;
pub mod sat;
pub mod schema;
pub mod testing;

use crate::diag::{Diagnostic, Severity, Sources};
use serde_json::Value;

/// A finding: a diagnostic, and where it applies, a concrete case that
/// shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub diag: Diagnostic,
    pub counterexample: Option<Counterexample>,
}

impl Finding {
    pub fn plain(diag: Diagnostic) -> Self {
        Finding {
            diag,
            counterexample: None,
        }
    }
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Self {
        Finding::plain(d)
    }
}

/// A concrete case: one line for people and the same as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Counterexample {
    pub text: String,
    pub data: Value,
}

/// Whether an analysis proved its property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Checked on every case: holds.
    Proved,
    /// Checked: does not hold (see the findings).
    Failed,
    /// Not checked exhaustively (the space is too large).
    NotProved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proved => "proved",
            Status::Failed => "failed",
            Status::NotProved => "not proved",
        }
    }
}

/// One analysis and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

/// Everything `rules check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub analyses: Vec<Analysis>,
    /// A one-line description of the rule set, when it loaded.
    pub summary: Option<String>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diag.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

/// Sorts findings in the stable order: file, line, column, code.
pub fn sort_findings(sources: &Sources, findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let (x, y) = (&a.diag, &b.diag);
        (
            sources.path(&x.span),
            x.span.line,
            x.span.col,
            x.code,
            &x.message,
        )
            .cmp(&(
                sources.path(&y.span),
                y.span.line,
                y.span.col,
                y.code,
                &y.message,
            ))
    });
}

/// Loads nothing: runs the loader's findings and, when the rule set
/// loaded, every analysis, into one report.
pub fn check_loaded(
    loaded: Result<crate::rules::Loaded, crate::rules::LoadError>,
) -> Result<(Sources, CheckReport), String> {
    use crate::rules::LoadError;
    match loaded {
        Ok(l) => {
            let rs = &l.rules;
            let mut report = analyses::analyze(rs);
            report
                .findings
                .extend(l.warnings.into_iter().map(Finding::plain));
            report.summary = Some(format!(
                "rule set `{}` {}: {} questions, {} instruments, {} dimensions, {} levels",
                rs.name,
                rs.version,
                rs.questions.len(),
                rs.instruments.len(),
                rs.dimensions.len(),
                rs.levels.len()
            ));
            sort_findings(&rs.sources, &mut report.findings);
            Ok((rs.sources.clone(), report))
        }
        Err(LoadError::Io(m)) => Err(m),
        Err(LoadError::Invalid {
            sources,
            diagnostics,
        }) => {
            let mut findings: Vec<Finding> = diagnostics.into_iter().map(Finding::plain).collect();
            sort_findings(&sources, &mut findings);
            Ok((
                sources,
                CheckReport {
                    findings,
                    analyses: vec![Analysis {
                        name: "rule-set analyses",
                        status: Status::NotProved,
                        detail: "not run: the rule set has errors".into(),
                    }],
                    summary: None,
                },
            ))
        }
    }
}
