//! The interview behind `placement assess`, as pure logic over a
//! [`Prompter`]: what to ask next (skip logic re-evaluated after every
//! answer), how each question type is asked, running instrument totals,
//! flags, exclusions, the review, and the placement made.
//!
//! Nothing here prints or touches a terminal, except [`terminal`], the one
//! [`Prompter`] for a person. The intake is handed to a [`Store`] after
//! every answer, so an interview stopped at any point can be resumed from
//! the first unanswered question.
//!
//! This file holds the layer's shared types (prompt keys, [`Store`],
//! [`Outcome`], [`AssessError`]); the rest is in:
//! - `interview.rs`: [`Interview`], its state and flow (`run`, asking one
//!   question and what follows an answer, `finish`);
//! - `navigate.rs`: the order of questions, Back, Jump to a section, the
//!   progress line;
//! - `ask.rs`: how each type of question is asked and typed answers checked;
//! - `flags.rs`: flags shown, critical ones acknowledged and shown again;
//! - `exclusion.rs`: an exclusion that holds: correct the answer or stop;
//! - `contradictions.rs`: answers that contradict each other (the rule
//!   set's `checks`), shown as soon as they arise: change one or keep them;
//! - `note.rs`: the note taken with an acknowledgement or a placement;
//! - `review.rs`: the review of all answers, and the placement made;
//! - `prompt.rs`: the [`Prompter`] interface and [`Scripted`] (tests);
//! - `clock.rs`: UTC timestamps;
//! - `terminal/`: the [`Prompter`] at a terminal (prompts, keys, notices).
//!
//! The intake file itself is written by [`crate::intake::to_yaml`].
//!
//! Decisions (see also docs/intake.md):
//! - Questions whose skip condition is *unknown* (it reads a declined
//!   answer) are asked: a missing answer must never lower a
//!   recommendation.
//! - When an answer changes in the review, questions that newly apply are
//!   asked at once, and answers to questions that no longer apply are
//!   dropped from the file (they are kept in memory for the rest of the
//!   session, so undoing the change brings them back).
//! - Back returns to the previous question that applies, showing its
//!   answer; from there each answer moves on to the next question, until
//!   the first unanswered one. Jump does the same from a section's first
//!   question.
//! - A critical flag is acknowledged by picking what was done about it
//!   (the rule set's `flag_actions`), never by a default; every critical
//!   flag is shown again right before the placement is asked.
//! - When an exclusion holds (e.g. under 18), the assessor may correct the
//!   answer that triggered it; otherwise the interview stops with the
//!   rule's message. The file is kept with status `in_progress`, with no
//!   recommendation and no placement, and scoring it reports `excluded`.
//! - A consistency check is shown right after the answer that makes it
//!   hold, on the answers as they will be saved; the assessor may change
//!   any answer it names, or keep them when it is a warning. An error-level
//!   check is shown until one is changed; stopping leaves the file
//!   `in_progress`.

mod ask;
mod clock;
mod contradictions;
mod exclusion;
mod flags;
mod interview;
mod navigate;
mod note;
pub mod prompt;
mod review;
pub mod terminal;

use crate::intake::Intake;
use crate::rules::model::RuleSet;
pub use ask::{parse_integer, parse_number};
pub use clock::{file_stamp, now_rfc3339, now_secs, rfc3339};
pub use interview::Interview;
pub use prompt::{
    Change, Choice, CriticalFlag, Notice, Prompt, PromptError, Prompter, Reply, ReviewRow,
    ReviewSection, Scripted, Step,
};
pub use review::{distinctive, short};

/// Prompt keys of the prompts that are not questions.
pub const KEY_REVIEW: &str = "review";
pub const KEY_ASSESSOR: &str = "assessor";
pub const KEY_NO_ANSWER: &str = "no_answer";
pub const KEY_REVIEW_SECTION: &str = "review_section";
pub const KEY_ANSWER_NOTE: &str = "answer_note";
pub const KEY_ANSWER_SOURCE: &str = "answer_source";
pub const KEY_REVIEW_QUESTION: &str = "review_question";
pub const KEY_CONFIRM_NONE: &str = "confirm_none";
pub const KEY_ACKNOWLEDGE: &str = "acknowledge";
pub const KEY_ACK_NOTE: &str = "acknowledge_note";
pub const KEY_SECTIONS: &str = "sections";
pub const KEY_EXCLUDED: &str = "excluded";
pub const KEY_CONTRADICTION: &str = "contradiction";
pub const KEY_PLACEMENT: &str = "placement";
pub const KEY_PLACEMENT_LEVEL: &str = "placement_level";
pub const KEY_PLACEMENT_REASON: &str = "placement_reason";
pub const KEY_PLACEMENT_NOTE: &str = "placement_note";

/// The longest note accepted with a placement.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Where the intake goes after every answer.
pub trait Store {
    fn save(&mut self, rs: &RuleSet, intake: &Intake) -> std::io::Result<()>;
}

/// Keeps every saved state in memory (tests).
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub saves: Vec<Intake>,
}

impl Store for MemoryStore {
    fn save(&mut self, _rs: &RuleSet, intake: &Intake) -> std::io::Result<()> {
        self.saves.push(intake.clone());
        Ok(())
    }
}

/// How an interview ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Recommendation (and, at a terminal, the placement made) recorded.
    Complete,
    /// An exclusion of the rule set holds (its index); no level.
    Excluded(usize),
    /// An error-level consistency check holds (its index) and the
    /// assessor stopped instead of changing an answer; no level.
    Contradiction(usize),
}

#[derive(Debug)]
pub enum AssessError {
    /// Stopped by the assessor (Ctrl-C) or a signal; the last answer is saved.
    Interrupted,
    /// The terminal failed or went away; the last answer is saved.
    Terminal(String),
    /// The intake could not be saved.
    Save(std::io::Error),
}

impl From<PromptError> for AssessError {
    fn from(e: PromptError) -> Self {
        match e {
            PromptError::Interrupted => AssessError::Interrupted,
            PromptError::Terminal(m) => AssessError::Terminal(m),
        }
    }
}

type Res<T> = Result<T, AssessError>;

/// How asking one question ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Asked {
    /// An answer (or declined) was recorded.
    Answered,
    Back,
    Jump,
    /// The interview ends here (an exclusion holds and the assessor
    /// stopped).
    Stop(Outcome),
}
