//! The interview behind `placement assess`, as pure logic over a
//! [`Prompter`]: what to ask next (skip logic re-evaluated after every
//! answer), how each question type is asked, running instrument totals,
//! flags, exclusions, the review, and the placement made.
//!
//! Nothing here prints or touches a terminal. The intake is handed to a
//! [`Store`] after every answer, so an interview stopped at any point can
//! be resumed from the first unanswered question.
//!
//! Decisions (see also docs/intake.md):
//! - Questions whose skip condition is *unknown* (it reads a declined
//!   answer) are asked: a missing answer must never lower a
//!   recommendation.
//! - When an answer changes in the review, questions that newly apply are
//!   asked at once, and answers to questions that no longer apply are
//!   dropped from the file (they are kept in memory for the rest of the
//!   session, so undoing the change brings them back).
//! - When an exclusion holds (e.g. under 18), the assessor may correct the
//!   answer that triggered it; otherwise the interview stops with the
//!   rule's message. The file is kept with status `in_progress`, with no
//!   recommendation and no placement, and scoring it reports `excluded`.

mod ask;
mod clock;
pub mod prompt;
mod review;
pub mod terminal;
pub mod writer;

use crate::cond::Tri;
use crate::engine::{score_slots, Assessment};
use crate::intake::{AckFlag, Intake, RulesRef, Slot, StoredRecommendation};
use crate::rules::model::{FlagSeverity, RuleSet};
pub use ask::{parse_integer, parse_number};
pub use clock::{file_stamp, now_rfc3339, now_secs, rfc3339};
pub use prompt::{
    Notice, Prompt, PromptError, Prompter, Reply, ReviewRow, ReviewSection, Scripted, Step,
};
pub use review::{distinctive, short};

/// Prompt keys of the prompts that are not questions.
pub const KEY_REVIEW: &str = "review";
pub const KEY_REVIEW_QUESTION: &str = "review_question";
pub const KEY_CONFIRM_NONE: &str = "confirm_none";
pub const KEY_ACKNOWLEDGE: &str = "acknowledge";
pub const KEY_EXCLUDED: &str = "excluded";
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

/// One interview, from a fresh, prefilled or resumed intake to a finished
/// one.
pub struct Interview<'r, S: Store> {
    rs: &'r RuleSet,
    intake: Intake,
    store: S,
    now: Box<dyn Fn() -> String + 'r>,
    assessment: Assessment,
    /// The section whose header was shown last.
    header: Option<usize>,
    /// Flags shown since they were last raised.
    shown_flags: Vec<bool>,
}

impl<'r, S: Store> Interview<'r, S> {
    /// Starts from `intake` (empty for a new interview). Its rules
    /// reference is set to `rs`, its status to `in_progress`.
    pub fn new(
        rs: &'r RuleSet,
        mut intake: Intake,
        store: S,
        now: impl Fn() -> String + 'r,
    ) -> Self {
        intake.slots.resize(rs.questions.len(), Slot::Absent);
        intake.rules = Some(RulesRef {
            name: Some(rs.name.clone()),
            version: Some(rs.version.clone()),
            sha256: Some(rs.sha256.clone()),
        });
        intake.status = Some("in_progress".into());
        let assessment = score_slots(rs, &intake.slots);
        Interview {
            rs,
            intake,
            store,
            now: Box::new(now),
            assessment,
            header: None,
            shown_flags: vec![false; rs.flags.len()],
        }
    }

    /// The intake as it stands in memory (answers that no longer apply
    /// included).
    pub fn intake(&self) -> &Intake {
        &self.intake
    }

    /// The intake as it is saved.
    pub fn saved_intake(&self) -> Intake {
        let mut out = self.intake.clone();
        for (q, st) in self.assessment.questions.iter().enumerate() {
            if st.applicable == Tri::False {
                out.slots[q] = Slot::Absent;
            }
        }
        out.texts.retain(|(q, _)| out.slots[*q] == Slot::Text);
        out
    }

    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    /// The first question that applies (or may apply) and has no answer
    /// and was not declined.
    pub fn next_question(&self) -> Option<usize> {
        (0..self.rs.questions.len()).find(|&q| {
            self.assessment.questions[q].applicable != Tri::False
                && self.intake.slots[q] == Slot::Absent
        })
    }

    /// An exclusion that holds now.
    pub fn excluded(&self) -> Option<usize> {
        self.assessment.excluded.first().copied()
    }

    /// Whether anything is left to ask.
    pub fn has_questions_left(&self) -> bool {
        self.next_question().is_some()
    }

    fn rescore(&mut self) {
        self.assessment = score_slots(self.rs, &self.intake.slots);
    }

    pub fn save(&mut self) -> Res<()> {
        let saved = self.saved_intake();
        self.store.save(self.rs, &saved).map_err(AssessError::Save)
    }

    /// Runs the whole interview. With `interactive` false nothing is asked:
    /// every question must already be answered (see
    /// [`Interview::has_questions_left`]); the review and the placement
    /// prompt are skipped and a prefilled placement is kept.
    pub fn run(&mut self, p: &mut dyn Prompter, interactive: bool) -> Res<Outcome> {
        self.save()?;
        if !interactive {
            if let Some(x) = self.excluded() {
                p.show(&Notice::Excluded {
                    id: self.rs.exclusions[x].id.clone(),
                    message: self.rs.exclusions[x].message.clone(),
                });
                return Ok(Outcome::Excluded(x));
            }
            if self.has_questions_left() {
                return Err(AssessError::Terminal(
                    "answers are missing and there is no terminal to ask them".into(),
                ));
            }
            self.show_flags(p, false)?;
        } else {
            self.show_flags(p, true)?;
            if let Some(x) = self.excluded() {
                if let Some(o) = self.excluded_stop(p, x)? {
                    return Ok(o);
                }
            }
            if let Some(o) = self.ask_pending(p)? {
                return Ok(o);
            }
            if let Some(o) = self.review(p)? {
                return Ok(o);
            }
        }
        // From here on the answers are what the file holds: answers kept
        // in memory for questions that no longer apply are let go.
        self.intake = self.saved_intake();
        self.rescore();
        p.show(&Notice::Result {
            intake: Box::new(self.saved_intake()),
            assessment: Box::new(self.assessment.clone()),
        });
        if interactive {
            self.ask_placement(p)?;
        }
        self.finish()?;
        Ok(Outcome::Complete)
    }

    /// Asks every question left, in order, re-evaluating skip logic after
    /// each answer.
    pub fn ask_pending(&mut self, p: &mut dyn Prompter) -> Res<Option<Outcome>> {
        while let Some(q) = self.next_question() {
            if let Some(o) = self.ask(p, q, false)? {
                return Ok(Some(o));
            }
        }
        Ok(None)
    }

    fn progress(&self, q: usize) -> String {
        let applies: Vec<usize> = (0..self.rs.questions.len())
            .filter(|&i| self.assessment.questions[i].applicable != Tri::False)
            .collect();
        let n = applies.iter().filter(|&&i| i <= q).count().max(1);
        let section = &self.rs.sections[self.rs.questions[q].section];
        format!("{} · question {n} of {}", section.title, applies.len())
    }

    /// Asks question `q` (again, when `edit`), records and saves the
    /// answer, then shows totals and flags and checks exclusions.
    fn ask(&mut self, p: &mut dyn Prompter, q: usize, edit: bool) -> Res<Option<Outcome>> {
        let rs = self.rs;
        let question = &rs.questions[q];
        if self.header != Some(question.section) {
            let s = &rs.sections[question.section];
            p.show(&Notice::Section {
                title: s.title.clone(),
                dimension: s.dimension.map(|d| rs.dimensions[d].name.clone()),
            });
            self.header = Some(question.section);
        }
        let progress = self.progress(q);
        let prompt = Prompt {
            key: &question.id,
            text: &question.text,
            progress: Some(&progress),
            has_help: question.help.is_some(),
            can_decline: true,
        };
        let current = if edit {
            self.intake.slots[q].clone()
        } else {
            Slot::Absent
        };
        let (slot, text) = loop {
            match self.ask_once(p, &prompt, q, &current)? {
                Reply::Help => p.show(&Notice::Help(question.help.clone().unwrap_or_default())),
                Reply::Declined => break (Slot::Declined, None),
                Reply::Value(v) => break v,
            }
        };
        self.intake.texts.retain(|(i, _)| *i != q);
        if let Some(t) = text {
            self.intake.texts.push((q, t));
        }
        self.intake.slots[q] = slot;
        self.rescore();
        self.save()?;
        self.after_answer(p, q)
    }

    /// After an answer to `q`: instrument totals it completes, flags it
    /// raises, exclusions it triggers.
    fn after_answer(&mut self, p: &mut dyn Prompter, q: usize) -> Res<Option<Outcome>> {
        let rs = self.rs;
        for (i, inst) in rs.instruments.iter().enumerate() {
            if !inst.items.iter().any(|it| it.question == q) {
                continue;
            }
            let r = &self.assessment.instruments[i];
            if let (Some(total), Some(band)) = (r.total, r.band) {
                p.show(&Notice::Total {
                    instrument: inst.name.clone(),
                    total,
                    band: inst.bands[band].id.clone(),
                    band_label: inst.bands[band].label.clone(),
                });
            }
        }
        self.show_flags(p, true)?;
        if let Some(x) = self.excluded() {
            return self.excluded_stop(p, x);
        }
        Ok(None)
    }

    /// Shows flags raised since they were last shown; critical ones are
    /// acknowledged (once) when `ask` is set.
    fn show_flags(&mut self, p: &mut dyn Prompter, ask: bool) -> Res<()> {
        let rs = self.rs;
        let raised = self.assessment.flags.clone();
        for (i, shown) in self.shown_flags.iter_mut().enumerate() {
            if !raised.contains(&i) {
                *shown = false;
            }
        }
        for i in raised {
            if self.shown_flags[i] {
                continue;
            }
            self.shown_flags[i] = true;
            let f = &rs.flags[i];
            p.show(&Notice::Flag {
                id: f.id.clone(),
                severity: f.severity,
                message: f.message.clone(),
            });
            let acked = self.intake.acknowledged_flags.iter().any(|a| a.id == f.id);
            if ask && f.severity == FlagSeverity::Critical && !acked {
                p.acknowledge(&Prompt {
                    key: KEY_ACKNOWLEDGE,
                    text: "I have seen this flag",
                    progress: None,
                    has_help: false,
                    can_decline: false,
                })?;
                self.intake.acknowledged_flags.push(AckFlag {
                    id: f.id.clone(),
                    at: Some((self.now)()),
                    by: self.intake.assessor.clone(),
                    action: None,
                    note: None,
                });
                self.save()?;
            }
        }
        Ok(())
    }

    /// The question whose answer makes exclusion `x` hold: the first one
    /// such that the answers up to it already make it hold.
    fn exclusion_trigger(&self, x: usize) -> Option<usize> {
        let mut slots = vec![Slot::Absent; self.intake.slots.len()];
        for q in 0..slots.len() {
            slots[q] = self.intake.slots[q].clone();
            if !slots[q].is_answer() {
                continue;
            }
            if score_slots(self.rs, &slots).excluded.contains(&x) {
                return Some(q);
            }
        }
        None
    }

    /// An exclusion holds: offer to correct the answer that triggered it,
    /// or stop.
    fn excluded_stop(&mut self, p: &mut dyn Prompter, mut x: usize) -> Res<Option<Outcome>> {
        loop {
            let e = &self.rs.exclusions[x];
            p.show(&Notice::Excluded {
                id: e.id.clone(),
                message: e.message.clone(),
            });
            let trigger = self.exclusion_trigger(x);
            let mut items = vec!["Stop the interview here".to_string()];
            if let Some(q) = trigger {
                items.push(format!(
                    "Change the answer to “{}” (it was entered wrongly)",
                    self.rs.questions[q].text
                ));
            }
            let prompt = Prompt {
                key: KEY_EXCLUDED,
                text: "This rule set does not apply. What now?",
                progress: None,
                has_help: false,
                can_decline: false,
            };
            match (p.select(&prompt, &items, Some(0))?, trigger) {
                (Reply::Value(1), Some(q)) => {
                    self.ask(p, q, true)?;
                    match self.excluded() {
                        Some(again) => x = again,
                        None => return Ok(None),
                    }
                }
                _ => {
                    self.save()?;
                    return Ok(Some(Outcome::Excluded(x)));
                }
            }
        }
    }

    /// Records the recommendation; the intake is complete.
    pub fn finish(&mut self) -> Res<()> {
        let rs = self.rs;
        self.intake.recommendation = Some(StoredRecommendation {
            level: Some(rs.levels[self.assessment.level].id.clone()),
            supports: self
                .assessment
                .supports
                .iter()
                .map(|&i| rs.supports[i].id.clone())
                .collect(),
        });
        self.intake.status = Some("complete".into());
        self.intake.assessed_at = Some((self.now)());
        self.save()
    }
}
