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

pub mod prompt;
pub mod terminal;
pub mod writer;

use crate::cond::Tri;
use crate::engine::{score_slots, Assessment};
use crate::intake::{AckFlag, Intake, Placement, RulesRef, Slot, StoredRecommendation};
use crate::rules::model::{FlagSeverity, QuestionKind, RuleSet};
pub use prompt::{
    Notice, Prompt, PromptError, Prompter, Reply, ReviewRow, ReviewSection, Scripted, Step,
};

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

    fn ask_once(
        &self,
        p: &mut dyn Prompter,
        prompt: &Prompt,
        q: usize,
        current: &Slot,
    ) -> Res<Reply<(Slot, Option<String>)>> {
        let question = &self.rs.questions[q];
        let num = |r: Reply<f64>| map_reply(r, |x| (Slot::Num(x), None));
        Ok(match &question.kind {
            QuestionKind::SingleChoice(options) => {
                let items: Vec<String> = options.iter().map(|o| o.label.clone()).collect();
                let default = match current {
                    Slot::Num(x) => Some(*x as usize),
                    _ => None,
                };
                num(map_reply(p.select(prompt, &items, default)?, |i| i as f64))
            }
            QuestionKind::MultiChoice(options) => {
                let items: Vec<String> = options.iter().map(|o| o.label.clone()).collect();
                let checked: Vec<bool> = (0..options.len())
                    .map(|i| matches!(current, Slot::Multi(m) if i < 64 && m & (1u64 << i) != 0))
                    .collect();
                match p.multi_select(prompt, &items, &checked)? {
                    Reply::Value(v) if v.is_empty() => {
                        let confirm = Prompt {
                            key: KEY_CONFIRM_NONE,
                            text: "Nothing is ticked. Record that none of these apply?",
                            progress: None,
                            has_help: false,
                            can_decline: false,
                        };
                        match p.yes_no(&confirm, Some(false))? {
                            Reply::Value(true) => Reply::Value((Slot::Multi(0), None)),
                            _ => return self.ask_once(p, prompt, q, current),
                        }
                    }
                    r => map_reply(r, |v| {
                        let mask = v
                            .iter()
                            .filter(|&&i| i < 64)
                            .fold(0u64, |m, &i| m | (1u64 << i));
                        (Slot::Multi(mask), None)
                    }),
                }
            }
            QuestionKind::YesNo => {
                let default = match current {
                    Slot::Num(x) => Some(*x != 0.0),
                    _ => None,
                };
                num(map_reply(p.yes_no(prompt, default)?, |b| {
                    if b {
                        1.0
                    } else {
                        0.0
                    }
                }))
            }
            QuestionKind::Integer {
                min,
                max,
                allowed,
                scale,
            } => {
                let values = valid_integers(*min, *max, allowed.as_deref());
                let labelled = !scale.is_empty()
                    && values
                        .as_ref()
                        .is_some_and(|v| v.iter().all(|x| scale.iter().any(|(s, _)| s == x)));
                if labelled {
                    let values = values.unwrap_or_default();
                    let items: Vec<String> = values
                        .iter()
                        .map(|x| {
                            let label = scale
                                .iter()
                                .find(|(s, _)| s == x)
                                .map(|(_, l)| l.as_str())
                                .unwrap_or("");
                            format!("{x} · {label}")
                        })
                        .collect();
                    let default = match current {
                        Slot::Num(x) => values.iter().position(|v| *v as f64 == *x),
                        _ => None,
                    };
                    num(map_reply(p.select(prompt, &items, default)?, |i| {
                        values[i] as f64
                    }))
                } else {
                    let hint = match allowed {
                        Some(_) => integer_hint(*min, *max, allowed.as_deref()),
                        None => format!("{min} to {max}"),
                    };
                    let initial = match current {
                        Slot::Num(x) => Some(format!("{}", *x as i64)),
                        _ => None,
                    };
                    let (min, max, allowed) = (*min, *max, allowed.as_deref());
                    let validate = move |s: &str| parse_integer(s, min, max, allowed).map(|_| ());
                    let r = p.input(prompt, &hint, initial.as_deref(), &validate)?;
                    num(match r {
                        Reply::Value(s) => match parse_integer(&s, min, max, allowed) {
                            Ok(x) => Reply::Value(x as f64),
                            Err(_) => return self.ask_once(p, prompt, q, current),
                        },
                        Reply::Declined => Reply::Declined,
                        Reply::Help => Reply::Help,
                    })
                }
            }
            QuestionKind::Number { min, max } => {
                let hint = format!("{} to {}", fmt_num(*min), fmt_num(*max));
                let initial = match current {
                    Slot::Num(x) => Some(fmt_num(*x)),
                    _ => None,
                };
                let (min, max) = (*min, *max);
                let validate = move |s: &str| parse_number(s, min, max).map(|_| ());
                num(
                    match p.input(prompt, &hint, initial.as_deref(), &validate)? {
                        Reply::Value(s) => match parse_number(&s, min, max) {
                            Ok(x) => Reply::Value(x),
                            Err(_) => return self.ask_once(p, prompt, q, current),
                        },
                        Reply::Declined => Reply::Declined,
                        Reply::Help => Reply::Help,
                    },
                )
            }
            QuestionKind::Text { max_length } => {
                let hint = "free text".to_string();
                let initial = match current {
                    Slot::Text => self
                        .intake
                        .texts
                        .iter()
                        .rev()
                        .find(|(i, _)| *i == q)
                        .map(|(_, t)| t.clone()),
                    _ => None,
                };
                let max = *max_length;
                let validate = move |s: &str| check_text(s, max);
                match p.input(prompt, &hint, initial.as_deref(), &validate)? {
                    Reply::Value(s) => match check_text(&s, max) {
                        Ok(()) => Reply::Value((Slot::Text, Some(s.trim().to_string()))),
                        Err(_) => return self.ask_once(p, prompt, q, current),
                    },
                    Reply::Declined => Reply::Declined,
                    Reply::Help => Reply::Help,
                }
            }
        })
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

    /// The answer to `q` for people.
    pub fn answer_text(&self, q: usize) -> String {
        let question = &self.rs.questions[q];
        match (&self.intake.slots[q], &question.kind) {
            (Slot::Absent, _) => "(not answered)".into(),
            (Slot::Declined, _) => "declined / unknown".into(),
            (Slot::Num(x), QuestionKind::YesNo) => if *x != 0.0 { "Yes" } else { "No" }.into(),
            (Slot::Num(x), QuestionKind::SingleChoice(o)) => o
                .get(*x as usize)
                .map(|o| o.label.clone())
                .unwrap_or_default(),
            (Slot::Num(x), QuestionKind::Integer { scale, .. }) => {
                let v = *x as i64;
                match scale.iter().find(|(s, _)| *s == v) {
                    Some((_, l)) => format!("{v} · {l}"),
                    None => v.to_string(),
                }
            }
            (Slot::Num(x), _) => fmt_num(*x),
            (Slot::Multi(m), QuestionKind::MultiChoice(o)) => {
                let labels: Vec<&str> = o
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 64 && m & (1u64 << i) != 0)
                    .map(|(_, o)| o.label.as_str())
                    .collect();
                if labels.is_empty() {
                    "(none of these)".into()
                } else {
                    labels.join(", ")
                }
            }
            (Slot::Text, _) => self
                .intake
                .texts
                .iter()
                .rev()
                .find(|(i, _)| *i == q)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn applicable_in(&self, section: usize) -> Vec<usize> {
        self.rs.sections[section]
            .questions
            .clone()
            .filter(|&q| self.assessment.questions[q].applicable != Tri::False)
            .collect()
    }

    /// Every answer that applies, by section.
    pub fn review_sections(&self) -> Vec<ReviewSection> {
        (0..self.rs.sections.len())
            .filter_map(|s| {
                let rows: Vec<ReviewRow> = self
                    .applicable_in(s)
                    .into_iter()
                    .map(|q| ReviewRow {
                        id: self.rs.questions[q].id.clone(),
                        text: self.rs.questions[q].text.clone(),
                        answer: self.answer_text(q),
                    })
                    .collect();
                (!rows.is_empty()).then(|| ReviewSection {
                    title: self.rs.sections[s].title.clone(),
                    rows,
                })
            })
            .collect()
    }

    /// The review: shows every answer; the assessor confirms or picks one
    /// to change. Changes re-evaluate skip logic: questions that now apply
    /// are asked, answers that no longer apply are dropped.
    pub fn review(&mut self, p: &mut dyn Prompter) -> Res<Option<Outcome>> {
        loop {
            p.show(&Notice::Review(self.review_sections()));
            let sections: Vec<usize> = (0..self.rs.sections.len())
                .filter(|&s| !self.applicable_in(s).is_empty())
                .collect();
            let mut items = vec!["Confirm: the answers are correct".to_string()];
            items.extend(
                sections
                    .iter()
                    .map(|&s| format!("Change an answer in: {}", self.rs.sections[s].title)),
            );
            let prompt = Prompt {
                key: KEY_REVIEW,
                text: "Review the answers",
                progress: None,
                has_help: false,
                can_decline: false,
            };
            let s = match p.select(&prompt, &items, Some(0))? {
                Reply::Value(i) if i > 0 && i <= sections.len() => sections[i - 1],
                _ => return Ok(None),
            };
            let questions = self.applicable_in(s);
            let mut items: Vec<String> = questions
                .iter()
                .map(|&q| {
                    let texts = questions
                        .iter()
                        .map(|&o| self.rs.questions[o].text.as_str());
                    let text = distinctive(&self.rs.questions[q].text, texts);
                    format!("{} — {}", short(&text, 60), short(&self.answer_text(q), 30))
                })
                .collect();
            items.push("Back to the review".into());
            let prompt = Prompt {
                key: KEY_REVIEW_QUESTION,
                text: "Which answer?",
                progress: None,
                has_help: false,
                can_decline: false,
            };
            let q = match p.select(&prompt, &items, Some(0))? {
                Reply::Value(i) if i < questions.len() => questions[i],
                _ => continue,
            };
            let before: Vec<Tri> = self
                .assessment
                .questions
                .iter()
                .map(|s| s.applicable)
                .collect();
            if let Some(o) = self.ask(p, q, true)? {
                return Ok(Some(o));
            }
            if let Some(o) = self.ask_pending(p)? {
                return Ok(Some(o));
            }
            let dropped: Vec<String> = (0..before.len())
                .filter(|&i| {
                    before[i] != Tri::False
                        && self.assessment.questions[i].applicable == Tri::False
                        && self.intake.slots[i] != Slot::Absent
                })
                .map(|i| self.rs.questions[i].id.clone())
                .collect();
            if !dropped.is_empty() {
                p.show(&Notice::Dropped(dropped));
            }
        }
    }

    /// "Placement made": accept the recommendation, or choose another level
    /// with an override reason (and a note where the reason needs one).
    pub fn ask_placement(&mut self, p: &mut dyn Prompter) -> Res<()> {
        let rs = self.rs;
        let rec = self.assessment.level;
        let items = vec![
            format!("Accept the recommendation: {}", rs.levels[rec].name),
            "Place the client at another level".to_string(),
        ];
        let prompt = Prompt {
            key: KEY_PLACEMENT,
            text: "Placement made",
            progress: None,
            has_help: false,
            can_decline: false,
        };
        let no_escape = |key: &'static str, text: &'static str| Prompt {
            key,
            text,
            progress: None,
            has_help: false,
            can_decline: false,
        };
        if p.select(&prompt, &items, Some(0))? != Reply::Value(1) {
            self.intake.placement = Some(Placement {
                level: rec,
                reason: None,
                note: None,
            });
            return Ok(());
        }
        let others: Vec<usize> = (0..rs.levels.len()).filter(|&l| l != rec).collect();
        let items: Vec<String> = others
            .iter()
            .map(|&l| {
                let dir = if l < rec {
                    "more intensive"
                } else {
                    "less intensive"
                };
                format!("{} ({dir})", rs.levels[l].name)
            })
            .collect();
        let level = match p.select(
            &no_escape(KEY_PLACEMENT_LEVEL, "Level placed at"),
            &items,
            Some(0),
        )? {
            Reply::Value(i) if i < others.len() => others[i],
            _ => rec,
        };
        let reason = if rs.override_reasons.is_empty() {
            None
        } else {
            let items: Vec<String> = rs
                .override_reasons
                .iter()
                .map(|r| r.label.clone())
                .collect();
            match p.select(
                &no_escape(KEY_PLACEMENT_REASON, "Reason for the different level"),
                &items,
                Some(0),
            )? {
                Reply::Value(i) if i < items.len() => Some(i),
                _ => None,
            }
        };
        let required = reason.is_some_and(|r| rs.override_reasons[r].note_required);
        let (text, hint) = if required {
            ("Note (required for this reason)", "a short note, no names")
        } else {
            (
                "Note (optional; Enter to skip)",
                "a short note, no names; empty for none",
            )
        };
        let validate = move |s: &str| {
            if required && s.trim().is_empty() {
                Err("This reason needs a note.".to_string())
            } else if s.chars().count() > MAX_NOTE_CHARS {
                Err(format!("At most {MAX_NOTE_CHARS} characters."))
            } else {
                Ok(())
            }
        };
        let note = match p.input(&no_escape(KEY_PLACEMENT_NOTE, text), hint, None, &validate)? {
            Reply::Value(s) if !s.trim().is_empty() && validate(&s).is_ok() => {
                Some(s.trim().to_string())
            }
            _ => None,
        };
        self.intake.placement = Some(Placement {
            level,
            reason,
            note,
        });
        Ok(())
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

fn map_reply<T, U>(r: Reply<T>, f: impl FnOnce(T) -> U) -> Reply<U> {
    match r {
        Reply::Value(v) => Reply::Value(f(v)),
        Reply::Declined => Reply::Declined,
        Reply::Help => Reply::Help,
    }
}

/// Every valid answer of an integer question, when there are few enough
/// to pick from.
fn valid_integers(min: i64, max: i64, allowed: Option<&[i64]>) -> Option<Vec<i64>> {
    match allowed {
        Some(a) => Some(a.to_vec()),
        None if max >= min && max - min <= 20 => Some((min..=max).collect()),
        None => None,
    }
}

fn integer_hint(min: i64, max: i64, allowed: Option<&[i64]>) -> String {
    match allowed {
        Some(a) => format!(
            "one of {}",
            a.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("a whole number from {min} to {max}"),
    }
}

/// A typed whole number, checked against the question's range.
pub fn parse_integer(s: &str, min: i64, max: i64, allowed: Option<&[i64]>) -> Result<i64, String> {
    let hint = integer_hint(min, max, allowed);
    let x: i64 = s.trim().parse().map_err(|_| format!("Type {hint}."))?;
    let ok = match allowed {
        Some(a) => a.contains(&x),
        None => x >= min && x <= max,
    };
    if ok {
        Ok(x)
    } else {
        Err(format!("Out of range: type {hint}."))
    }
}

/// A typed number, checked against the question's range.
pub fn parse_number(s: &str, min: f64, max: f64) -> Result<f64, String> {
    let hint = format!("a number from {} to {}", fmt_num(min), fmt_num(max));
    let x: f64 = s.trim().parse().map_err(|_| format!("Type {hint}."))?;
    if x.is_finite() && x >= min && x <= max {
        Ok(if x == 0.0 { 0.0 } else { x })
    } else {
        Err(format!("Out of range: type {hint}."))
    }
}

fn check_text(s: &str, max: usize) -> Result<(), String> {
    let t = s.trim();
    if t.is_empty() {
        Err("Type an answer, or give declined / unknown.".into())
    } else if t.chars().count() > max {
        Err(format!("Too long: at most {max} characters."))
    } else {
        Ok(())
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A question's text without the opening words it shares with other
/// questions of its section ("In the past two weeks, how often ..."), so
/// that short lists show what tells the questions apart.
pub fn distinctive<'t>(text: &str, others: impl Iterator<Item = &'t str>) -> String {
    let mut cut = 0;
    for o in others.filter(|o| *o != text) {
        let common = text
            .char_indices()
            .zip(o.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map(|((i, c), _)| i + c.len_utf8())
            .unwrap_or(0);
        // Back to the last word boundary within the common part.
        let at = text[..common].rfind(' ').map(|i| i + 1).unwrap_or(0);
        cut = cut.max(at);
    }
    if cut >= 20 {
        format!("…{}", &text[cut..])
    } else {
        text.to_string()
    }
}

/// At most `n` characters, with an ellipsis when cut; on one line.
pub fn short(s: &str, n: usize) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= n {
        one_line
    } else {
        let mut t: String = one_line.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Seconds since 1970 as `2026-11-26T14:05:00Z`.
pub fn rfc3339(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Seconds since 1970 as `2026-11-26T140500Z`, for file names.
pub fn file_stamp(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// The current time as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(now_secs())
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// UTC calendar date and time (proleptic Gregorian) of a Unix time.
fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_701_900), "2026-11-26T14:05:00Z");
        assert_eq!(file_stamp(1_795_701_900), "2026-11-26T140500Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn keeps_what_tells_questions_apart() {
        let a = "In the past two weeks, how often has the client been bothered by feeling down?";
        let b =
            "In the past two weeks, how often has the client been bothered by trouble sleeping?";
        assert_eq!(distinctive(a, [a, b].into_iter()), "…feeling down?");
        assert_eq!(
            distinctive(
                "How old is the client?",
                [a, "How old is the client?"].into_iter()
            ),
            "How old is the client?"
        );
        assert_eq!(short("a\nb", 10), "a b");
        assert_eq!(short("abcdef", 4), "abc…");
    }

    #[test]
    fn parses_numbers_strictly() {
        assert_eq!(parse_integer(" 42 ", 0, 120, None), Ok(42));
        assert!(parse_integer("4.0", 0, 120, None).is_err());
        assert!(parse_integer("121", 0, 120, None)
            .unwrap_err()
            .starts_with("Out of range"));
        assert_eq!(parse_integer("2", 0, 4, Some(&[0, 2, 4])), Ok(2));
        assert!(parse_integer("3", 0, 4, Some(&[0, 2, 4])).is_err());
        assert_eq!(parse_number("2.5", 0.0, 10.0), Ok(2.5));
        assert!(parse_number("NaN", 0.0, 10.0).is_err());
        assert!(parse_number("inf", 0.0, 1e300).is_err());
    }
}
