//! One intake file ⇄ the answers the engine reads: the intake model
//! (this file), reading a file against a rule set and checking every answer,
//! and writing an intake back.
//!
//! - `read.rs`: text or tree to an [`Intake`], collecting every problem
//! - `reader.rs`: the tree walker that reading uses, and how keys are shown
//! - `answers.rs`: one answer checked against its question, into a [`Slot`]
//! - `decisions.rs`: the recorded decisions (a flag's action, the placement)
//! - `write.rs`: an [`Intake`] back to the intake format
//! - `fast.rs`: the fast path for JSON intakes
//!
//! Error messages name the field, line and column but never repeat an
//! answer's value: intake files hold health information.

mod answers;
mod decisions;
pub mod fast;
mod read;
mod reader;
mod write;

pub use answers::exclusive_violated;
pub use read::{from_node, from_node_limited, parse, parse_file, FileIntakes, NUMBER_SPELLING};
pub use write::{to_json, to_yaml};

use crate::diag::Diagnostic;

/// The only intake format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// An answer in the form the engine evaluates.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// No answer given.
    Absent,
    /// Asked; declined or unknown.
    Declined,
    /// integer, number, yes/no (1/0) or single choice (option position).
    Num(f64),
    /// Multi choice: bit i set for option i.
    Multi(u64),
    /// Text; the engine only needs to know there is one.
    Text,
}

impl Slot {
    pub fn is_answer(&self) -> bool {
        !matches!(self, Slot::Absent | Slot::Declined)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RulesRef {
    pub name: Option<String>,
    pub version: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AckFlag {
    pub id: String,
    pub at: Option<String>,
    pub by: Option<String>,
    /// The flag action id (`RuleSet::flag_actions`) recorded as done.
    pub action: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredRecommendation {
    pub level: Option<String>,
    pub supports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Level index in the rule set.
    pub level: usize,
    /// Override reason index in the rule set.
    pub reason: Option<usize>,
    pub note: Option<String>,
}

/// A parsed, checked intake.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Intake {
    pub id: Option<String>,
    pub status: Option<String>,
    /// When the interview began (`assess`).
    pub started_at: Option<String>,
    /// When the recommendation was reached: set when the interview is
    /// finished, never before.
    pub assessed_at: Option<String>,
    /// When the file was last saved (`assess` saves after every answer).
    pub updated_at: Option<String>,
    pub assessor: Option<String>,
    pub comment: Option<String>,
    pub rules: Option<RulesRef>,
    /// One per question of the rule set, in its order.
    pub slots: Vec<Slot>,
    /// Text answers, by question index.
    pub texts: Vec<(usize, String)>,
    pub acknowledged_flags: Vec<AckFlag>,
    pub recommendation: Option<StoredRecommendation>,
    pub placement: Option<Placement>,
}

/// Why an intake could not be read: the first problem, and how many there
/// were in all.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeError {
    pub first: Diagnostic,
    pub count: usize,
    /// The intake's `id`, when the file could be read far enough to
    /// find it, so that an error record can still be matched by id.
    pub id: Option<String>,
}

impl IntakeError {
    fn from(mut diags: Vec<Diagnostic>) -> Self {
        diags.sort_by_key(|d| (d.span.line, d.span.col));
        let count = diags.len();
        IntakeError {
            first: diags.into_iter().next().expect("at least one problem"),
            count,
            id: None,
        }
    }

    pub fn single(d: Diagnostic) -> Self {
        IntakeError {
            first: d,
            count: 1,
            id: None,
        }
    }

    /// The message with its hint ("did you mean ..."), and a note when
    /// there were more problems.
    pub fn message(&self) -> String {
        let mut m = self.first.message.clone();
        if let Some(h) = &self.first.help {
            m.push_str("; ");
            m.push_str(h);
        }
        if self.count > 1 {
            m.push_str(&format!(" (and {} more problem(s))", self.count - 1));
        }
        m
    }
}
