//! One intake file ⇄ the answers the engine reads: the intake model
//! (this file), reading a file against a rule set and checking every answer,
//! and writing an intake back.
//!
//! - `read.rs`: text or tree to an [`Intake`], collecting every problem
//! - `reader.rs`: the tree walker that reading uses, and how keys are shown
//! - `answers.rs`: one answer checked against its question, into a [`Slot`]
//! - `decisions.rs`: the recorded decisions (a flag's action, the placement)
//! - `record.rs`: the record around the answers: why an answer is missing,
//!   notes and sources, the history of changes, the link to a previous
//!   assessment; read, written and checked against the answers
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
mod record;
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

/// Why a question has no answer (a [`Slot::Declined`]). The engine treats
/// the three alike (missing); the record keeps the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// The person chose not to answer.
    Declined,
    /// Nobody knows the answer (the person does not remember, no records).
    Unknown,
    /// The question does not apply to this person.
    NotApplicable,
}

impl NoAnswer {
    pub const ALL: [NoAnswer; 3] = [
        NoAnswer::Declined,
        NoAnswer::Unknown,
        NoAnswer::NotApplicable,
    ];

    /// The intake file's key for the list of such questions.
    pub fn key(self) -> &'static str {
        match self {
            NoAnswer::Declined => "declined",
            NoAnswer::Unknown => "unknown",
            NoAnswer::NotApplicable => "not_applicable",
        }
    }

    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            NoAnswer::Declined => "declined",
            NoAnswer::Unknown => "unknown",
            NoAnswer::NotApplicable => "not applicable",
        }
    }
}

/// What was recorded for one question at one time: an answer (with its
/// text, for a text question), a reason for no answer, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    Nothing,
    Answer(Slot, Option<String>),
    NoAnswer(NoAnswer),
}

/// One entry of an intake's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: Option<String>,
    pub by: Option<String>,
    pub what: EventKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// The interview began.
    Started,
    /// The interview was taken up again (`--resume`).
    Resumed,
    /// An answer given before was changed (question index; before, after).
    Changed {
        question: usize,
        from: Recorded,
        to: Recorded,
    },
    /// A critical flag was acknowledged, with the action taken.
    Acknowledged {
        flag: String,
        action: Option<String>,
        note: Option<String>,
    },
    /// The placement was decided.
    Placed(Placement),
}

impl EventKind {
    /// The intake file's name for the event.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::Resumed => "resumed",
            EventKind::Changed { .. } => "changed",
            EventKind::Acknowledged { .. } => "acknowledged",
            EventKind::Placed(_) => "placed",
        }
    }
}

/// The assessment a reassessment follows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Previous {
    pub id: Option<String>,
    /// SHA-256 of the previous intake file, as it was when read.
    pub sha256: Option<String>,
    pub assessed_at: Option<String>,
}

/// A reassessment: the assessment it follows, and the questions whose
/// answer differs from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reassessment {
    pub previous: Previous,
    /// Question indexes, in question order.
    pub changed: Vec<usize>,
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
    /// The first assessor; later ones appear in the history.
    pub assessor: Option<String>,
    /// The program's own reference for the person (never a name): the
    /// same for every assessment of one person.
    pub client: Option<String>,
    pub comment: Option<String>,
    pub rules: Option<RulesRef>,
    /// One per question of the rule set, in its order.
    pub slots: Vec<Slot>,
    /// Text answers, by question index.
    pub texts: Vec<(usize, String)>,
    /// Why a declined slot has no answer, where that is not
    /// [`NoAnswer::Declined`].
    pub no_answer: Vec<(usize, NoAnswer)>,
    /// A note per question, by question index.
    pub notes: Vec<(usize, String)>,
    /// Where an answer came from: question index, index of the rule set's
    /// `answer_sources`.
    pub sources: Vec<(usize, usize)>,
    pub history: Vec<Event>,
    pub reassessment: Option<Reassessment>,
    pub acknowledged_flags: Vec<AckFlag>,
    pub recommendation: Option<StoredRecommendation>,
    pub placement: Option<Placement>,
}

impl Intake {
    /// What the intake records for question `q`.
    pub fn recorded(&self, q: usize) -> Recorded {
        match &self.slots[q] {
            Slot::Absent => Recorded::Nothing,
            Slot::Declined => Recorded::NoAnswer(self.why_no_answer(q)),
            s => Recorded::Answer(
                s.clone(),
                (*s == Slot::Text).then(|| self.text(q).unwrap_or_default().to_string()),
            ),
        }
    }

    /// Records `r` for question `q` (slot, text and reason for no answer).
    pub fn record(&mut self, q: usize, r: Recorded) {
        self.texts.retain(|(i, _)| *i != q);
        self.no_answer.retain(|(i, _)| *i != q);
        self.slots[q] = match r {
            Recorded::Nothing => Slot::Absent,
            Recorded::NoAnswer(why) => {
                if why != NoAnswer::Declined {
                    self.no_answer.push((q, why));
                }
                Slot::Declined
            }
            Recorded::Answer(slot, text) => {
                if let Some(t) = text {
                    self.texts.push((q, t));
                }
                slot
            }
        };
    }

    /// Why question `q` (declined) has no answer.
    pub fn why_no_answer(&self, q: usize) -> NoAnswer {
        self.no_answer
            .iter()
            .find(|(i, _)| *i == q)
            .map_or(NoAnswer::Declined, |(_, w)| *w)
    }

    /// The text answer to question `q`.
    pub fn text(&self, q: usize) -> Option<&str> {
        self.texts
            .iter()
            .rev()
            .find(|(i, _)| *i == q)
            .map(|(_, t)| t.as_str())
    }

    /// The note on question `q`.
    pub fn note(&self, q: usize) -> Option<&str> {
        self.notes
            .iter()
            .find(|(i, _)| *i == q)
            .map(|(_, t)| t.as_str())
    }

    /// Where the answer to question `q` came from (index of the rule
    /// set's `answer_sources`).
    pub fn source(&self, q: usize) -> Option<usize> {
        self.sources.iter().find(|(i, _)| *i == q).map(|(_, s)| *s)
    }
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
