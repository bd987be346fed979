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
    Change, Choice, CriticalFlag, Notice, Prompt, PromptError, Prompter, Reply, ReviewRow,
    ReviewSection, Scripted, Step,
};
pub use review::{distinctive, short};

/// Prompt keys of the prompts that are not questions.
pub const KEY_REVIEW: &str = "review";
pub const KEY_REVIEW_QUESTION: &str = "review_question";
pub const KEY_CONFIRM_NONE: &str = "confirm_none";
pub const KEY_ACKNOWLEDGE: &str = "acknowledge";
pub const KEY_ACK_NOTE: &str = "acknowledge_note";
pub const KEY_SECTIONS: &str = "sections";
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
            self.show_critical_flags(p)?;
            self.ask_placement(p)?;
        }
        self.finish()?;
        Ok(Outcome::Complete)
    }

    /// Asks every question left, in order, re-evaluating skip logic after
    /// each answer. Back and Jump move through the questions already
    /// answered (see the module notes).
    pub fn ask_pending(&mut self, p: &mut dyn Prompter) -> Res<Option<Outcome>> {
        let mut at = self.next_question();
        while let Some(q) = at {
            let edit = self.intake.slots[q] != Slot::Absent;
            at = match self.ask(p, q, edit, true)? {
                Asked::Stop(o) => return Ok(Some(o)),
                Asked::Answered if edit => self.step_forward(q),
                Asked::Answered => self.next_question(),
                Asked::Back => match self.previous_question(q) {
                    Some(b) => Some(b),
                    None => {
                        p.show(&Notice::Info("This is the first question.".into()));
                        Some(q)
                    }
                },
                Asked::Jump => Some(self.jump(p, q)?),
            };
        }
        Ok(None)
    }

    /// Whether question `q` applies (or may apply) given the answers.
    pub(super) fn applies(&self, q: usize) -> bool {
        self.assessment.questions[q].applicable != Tri::False
    }

    /// The question asked before `q`: the last one before it that applies.
    pub fn previous_question(&self, q: usize) -> Option<usize> {
        (0..q).rev().find(|&i| self.applies(i))
    }

    /// After changing an answered question `q`: the next question that
    /// applies, while it comes before the first unanswered one; then that
    /// one.
    fn step_forward(&self, q: usize) -> Option<usize> {
        let first_open = self.next_question()?;
        match (q + 1..self.rs.questions.len()).find(|&i| self.applies(i)) {
            Some(n) if n < first_open => Some(n),
            _ => Some(first_open),
        }
    }

    /// The section list: where to go from question `q`.
    fn jump(&mut self, p: &mut dyn Prompter, q: usize) -> Res<usize> {
        let rs = self.rs;
        let first_open = self.next_question().unwrap_or(q);
        let mut targets = vec![first_open];
        let mut items = vec![Choice::new(format!(
            "Continue where the interview stands: {}",
            review::short(&rs.questions[first_open].text, 60)
        ))];
        for section in &rs.sections {
            let applies: Vec<usize> = section
                .questions
                .clone()
                .filter(|&i| self.applies(i))
                .collect();
            let Some(&first) = applies.first() else {
                continue;
            };
            let answered = applies
                .iter()
                .filter(|&&i| self.intake.slots[i] != Slot::Absent)
                .count();
            targets.push(first);
            items.push(Choice::new(format!(
                "{} ({answered} of {} answered)",
                section.title,
                applies.len()
            )));
        }
        let prompt = Prompt {
            can_move: true,
            ..Prompt::plain(KEY_SECTIONS, "Go to a section")
        };
        Ok(match p.select(&prompt, &items, None)? {
            Reply::Value(i) if i < targets.len() => targets[i],
            _ => q,
        })
    }

    fn progress(&self, q: usize) -> String {
        let applies: Vec<usize> = (0..self.rs.questions.len())
            .filter(|&i| self.assessment.questions[i].applicable != Tri::False)
            .collect();
        let n = applies.iter().filter(|&&i| i <= q).count().max(1);
        let section = &self.rs.sections[self.rs.questions[q].section];
        format!("{} · question {n} of {}", section.title, applies.len())
    }

    /// Asks question `q` (again, when `edit`: its answer is the current
    /// value), records and saves the answer, then shows totals and flags
    /// and checks exclusions. With `can_move`, Back and Jump may be asked
    /// for instead.
    pub(crate) fn ask(
        &mut self,
        p: &mut dyn Prompter,
        q: usize,
        edit: bool,
        can_move: bool,
    ) -> Res<Asked> {
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
            can_move,
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
                Reply::Back => return Ok(Asked::Back),
                Reply::Jump => return Ok(Asked::Jump),
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
    fn after_answer(&mut self, p: &mut dyn Prompter, q: usize) -> Res<Asked> {
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
            if let Some(o) = self.excluded_stop(p, x)? {
                return Ok(Asked::Stop(o));
            }
        }
        Ok(Asked::Answered)
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
                action: f.action.clone(),
            });
            let acked = self.intake.acknowledged_flags.iter().any(|a| a.id == f.id);
            if ask && f.severity == FlagSeverity::Critical && !acked {
                self.acknowledge(p, i)?;
            }
        }
        Ok(())
    }

    /// Records what was done about critical flag `f`: one of its actions,
    /// picked (never a default, so an Enter meant for another prompt
    /// cannot give it), and a note; with who and when.
    fn acknowledge(&mut self, p: &mut dyn Prompter, f: usize) -> Res<()> {
        let rs = self.rs;
        let flag = &rs.flags[f];
        let actions: Vec<usize> = if flag.actions.is_empty() {
            (0..rs.flag_actions.len()).collect()
        } else {
            flag.actions.clone()
        };
        let (text, items) = if actions.is_empty() {
            (
                format!("Critical flag {}: acknowledge it", flag.id),
                vec![Choice::new("I have seen this flag and will act on it")],
            )
        } else {
            (
                format!("Critical flag {}: what was done about it?", flag.id),
                actions
                    .iter()
                    .map(|&a| Choice::new(rs.flag_actions[a].label.clone()))
                    .collect(),
            )
        };
        let picked = loop {
            if let Reply::Value(i) =
                p.select(&Prompt::plain(KEY_ACKNOWLEDGE, &text), &items, None)?
            {
                if i < items.len() {
                    break i;
                }
            }
        };
        let action = actions.get(picked).map(|&a| &rs.flag_actions[a]);
        let required = action.is_some_and(|a| a.note_required);
        let note = if action.is_some() {
            let required = required.then_some("This action needs a note.");
            self.ask_note(p, KEY_ACK_NOTE, required)?
        } else {
            None
        };
        self.intake.acknowledged_flags.push(AckFlag {
            id: flag.id.clone(),
            at: Some((self.now)()),
            by: self.intake.assessor.clone(),
            action: action.map(|a| a.id.clone()),
            note,
        });
        self.save()
    }

    /// A short note: required (`required` says why, when it is refused
    /// empty), or optional (an empty line gives none).
    pub(crate) fn ask_note(
        &mut self,
        p: &mut dyn Prompter,
        key: &str,
        required: Option<&'static str>,
    ) -> Res<Option<String>> {
        let (text, hint) = if required.is_some() {
            ("Note (required)", "a short note, no names")
        } else {
            (
                "Note (optional; Enter alone for none)",
                "a short note, no names",
            )
        };
        let validate = move |s: &str| {
            if let (Some(why), "") = (required, s.trim()) {
                Err(why.to_string())
            } else if s.chars().count() > MAX_NOTE_CHARS {
                Err(format!("At most {MAX_NOTE_CHARS} characters."))
            } else {
                Ok(())
            }
        };
        Ok(
            match p.input(&Prompt::plain(key, text), hint, None, &validate)? {
                Reply::Value(s) if !s.trim().is_empty() && validate(&s).is_ok() => {
                    Some(s.trim().to_string())
                }
                _ => None,
            },
        )
    }

    /// Every critical flag raised, again, right before the placement; any
    /// not yet acknowledged is acknowledged now.
    fn show_critical_flags(&mut self, p: &mut dyn Prompter) -> Res<()> {
        let rs = self.rs;
        let critical: Vec<usize> = self
            .assessment
            .flags
            .iter()
            .copied()
            .filter(|&f| rs.flags[f].severity == FlagSeverity::Critical)
            .collect();
        if critical.is_empty() {
            return Ok(());
        }
        for &f in &critical {
            if !self
                .intake
                .acknowledged_flags
                .iter()
                .any(|a| a.id == rs.flags[f].id)
            {
                p.show(&Notice::Flag {
                    id: rs.flags[f].id.clone(),
                    severity: FlagSeverity::Critical,
                    message: rs.flags[f].message.clone(),
                    action: rs.flags[f].action.clone(),
                });
                self.acknowledge(p, f)?;
            }
        }
        let list = critical
            .iter()
            .map(|&f| {
                let flag = &rs.flags[f];
                let ack = self
                    .intake
                    .acknowledged_flags
                    .iter()
                    .rev()
                    .find(|a| a.id == flag.id);
                CriticalFlag {
                    id: flag.id.clone(),
                    message: flag.message.clone(),
                    action: flag.action.clone(),
                    acknowledged: ack.map(|a| {
                        let what = a
                            .action
                            .as_deref()
                            .map(|id| {
                                rs.flag_actions
                                    .iter()
                                    .find(|x| x.id == id)
                                    .map(|x| x.label.clone())
                                    .unwrap_or_else(|| id.to_string())
                            })
                            .unwrap_or_else(|| "seen".to_string());
                        match &a.by {
                            Some(by) => format!("{what} ({by})"),
                            None => what,
                        }
                    }),
                }
            })
            .collect();
        p.show(&Notice::CriticalFlags(list));
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
            let mut items = vec![Choice::new("Stop the interview here")];
            if let Some(q) = trigger {
                items.push(Choice::new(format!(
                    "Change the answer to “{}” (it was entered wrongly)",
                    self.rs.questions[q].text
                )));
            }
            let prompt = Prompt::plain(KEY_EXCLUDED, "This rule set does not apply. What now?");
            match (p.select(&prompt, &items, None)?, trigger) {
                (Reply::Value(1), Some(q)) => {
                    if let Asked::Stop(o) = self.ask(p, q, true, false)? {
                        return Ok(Some(o));
                    }
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
