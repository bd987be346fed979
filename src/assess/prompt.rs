//! The interview's view of a person: a [`Prompter`] asks and shows; the
//! interview decides what to ask. One implementation drives a terminal
//! ([`crate::assess::terminal`]); [`Scripted`] answers from a script, for
//! tests.

use crate::rules::model::FlagSeverity;
use std::collections::{HashMap, VecDeque};

/// What is being asked.
#[derive(Debug, Clone)]
pub struct Prompt<'a> {
    /// A stable key: the question id for questions, otherwise one of the
    /// `KEY_*` constants of [`crate::assess`].
    pub key: &'a str,
    /// The prompt as the assessor reads it.
    pub text: &'a str,
    /// Where the interview stands (`Withdrawal · question 4 of 62`).
    pub progress: Option<&'a str>,
    /// Help text exists and may be asked for.
    pub has_help: bool,
    /// No answer (declined, unknown, not applicable) may be given instead.
    pub can_decline: bool,
    /// Back (to the previous question) and Jump (to a section) may be
    /// asked for instead of an answer.
    pub can_move: bool,
}

impl<'a> Prompt<'a> {
    /// A prompt that is not a question: no help, no decline, no moving.
    pub fn plain(key: &'a str, text: &'a str) -> Self {
        Prompt {
            key,
            text,
            progress: None,
            has_help: false,
            can_decline: false,
            can_move: false,
        }
    }
}

/// One item of a pick list.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The key that picks it (a scale value, `y`, `n`); `None` numbers
    /// the item by its place in the list (1, 2, ...).
    pub key: Option<String>,
    pub label: String,
}

impl Choice {
    pub fn new(label: impl Into<String>) -> Self {
        Choice {
            key: None,
            label: label.into(),
        }
    }

    pub fn keyed(key: impl Into<String>, label: impl Into<String>) -> Self {
        Choice {
            key: Some(key.into()),
            label: label.into(),
        }
    }

    /// Plain items, numbered.
    pub fn list<S: Into<String>>(labels: impl IntoIterator<Item = S>) -> Vec<Choice> {
        labels.into_iter().map(Choice::new).collect()
    }
}

/// An answer, or one of the two ways out of giving one.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<T> {
    Value(T),
    /// The client declined, or the answer is unknown.
    Declined,
    /// The assessor asked for the help text; the question is asked again.
    Help,
    /// Go back to the previous question (only when `prompt.can_move`).
    Back,
    /// Open the list of sections to jump to (only when `prompt.can_move`).
    Jump,
}

/// Why a prompt could not be answered.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptError {
    /// Ctrl-C, or a signal to stop.
    Interrupted,
    /// The terminal went away or failed.
    Terminal(String),
}

/// Something to show without asking.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A new section begins.
    Section {
        title: String,
        dimension: Option<String>,
    },
    /// A question's help text.
    Help(String),
    /// An instrument's items are all answered.
    Total {
        instrument: String,
        total: i64,
        band: String,
        band_label: Option<String>,
    },
    /// A flag was raised. Critical flags are then acknowledged.
    Flag {
        id: String,
        severity: FlagSeverity,
        message: String,
        /// What the clinician should do (the flag's `action`), if the rule
        /// set says.
        action: Option<String>,
    },
    /// Every critical flag raised, shown again right before the placement
    /// is asked, with what was recorded about each.
    CriticalFlags(Vec<CriticalFlag>),
    /// The rule set does not apply to this person.
    Excluded { id: String, message: String },
    /// Answers contradict each other (a consistency check holds): the
    /// check's id and the whole line naming the answers and the message.
    Contradiction {
        id: String,
        text: String,
        error: bool,
    },
    /// All answers, by section, before confirming.
    Review(Vec<ReviewSection>),
    /// Answers to questions that no longer apply after a change; they are
    /// not saved.
    Dropped(Vec<String>),
    /// The answers a change in the review changed, instead of the whole
    /// review again.
    Changed(Vec<Change>),
    /// An answer was refused (and the question is asked again).
    Refused(String),
    /// The interview is complete: show the recommendation (the intake as
    /// saved, and its assessment).
    Result {
        intake: Box<crate::intake::Intake>,
        assessment: Box<crate::engine::Assessment>,
    },
    /// Anything else worth a line.
    Info(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSection {
    pub title: String,
    pub rows: Vec<ReviewRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub id: String,
    pub text: String,
    /// The answer for people: option labels, `Yes`/`No`, numbers with
    /// their scale label, text as typed, or `declined / unknown`.
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriticalFlag {
    pub id: String,
    pub message: String,
    /// What the clinician should do (the flag's `action`), if the rule set
    /// says.
    pub action: Option<String>,
    /// What was recorded: the action's label and who recorded it, or
    /// `None` when the flag was not acknowledged in this interview.
    pub acknowledged: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub text: String,
    pub before: String,
    pub after: String,
}

/// Validates typed text; `Err` holds the message shown before re-asking.
pub type Validator<'v> = &'v dyn Fn(&str) -> Result<(), String>;

/// Asks one thing at a time. Every method that asks may return
/// [`Reply::Declined`] only when `prompt.can_decline`, [`Reply::Help`] only
/// when `prompt.has_help`, and [`Reply::Back`] or [`Reply::Jump`] only when
/// `prompt.can_move`.
///
/// Nothing is ever chosen for the assessor: a pick list starts on the
/// current answer when there is one (the assessor went back to it), and on
/// nothing otherwise.
pub trait Prompter {
    /// One of `items`; `current` is the answer given before, if any.
    fn select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        current: Option<usize>,
    ) -> Result<Reply<usize>, PromptError>;
    /// Any number of `items` (indexes, ascending); `checked` is the
    /// starting state. An item marked in `exclusive` is never returned
    /// together with another.
    fn multi_select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        exclusive: &[bool],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, PromptError>;
    /// Yes or no; `current` is the answer given before, if any.
    fn yes_no(
        &mut self,
        prompt: &Prompt,
        current: Option<bool>,
    ) -> Result<Reply<bool>, PromptError>;
    /// A line of text that `validate` accepts; asks again, showing the
    /// message, until it does. `hint` says what is expected. The line
    /// starts empty; with a `current` answer, an empty line keeps it (the
    /// reply is then `current`).
    fn input(
        &mut self,
        prompt: &Prompt,
        hint: &str,
        current: Option<&str>,
        validate: Validator,
    ) -> Result<Reply<String>, PromptError>;
    /// Shows something.
    fn show(&mut self, notice: &Notice);
}

/// One scripted reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Pick the item at this index (select), or answer yes (1) / no (0).
    Pick(usize),
    /// Pick the first item whose text contains this (select).
    PickText(String),
    /// Tick these (multi select).
    Tick(Vec<usize>),
    /// Type this (input); a rejected line is recorded and the next step
    /// for the same key is taken. In a select, picks the item that is this
    /// text or starts with it and ` · ` (a labelled scale value).
    Type(String),
    Yes,
    No,
    Decline,
    Help,
    Back,
    Jump,
    /// Enter on the current answer: an empty line (input), the item the
    /// list starts on (select), the ticks as they are (multi select).
    Keep,
    /// Ctrl-C.
    Interrupt,
}

/// A prompter that answers from a script, keyed by [`Prompt::key`], and
/// records everything it was shown and asked. A prompt with no step left
/// for its key is an interruption (so a test can stop anywhere), except
/// critical-flag acknowledgements, which pick the first action and add no
/// note.
#[derive(Debug, Default)]
pub struct Scripted {
    steps: HashMap<String, VecDeque<Step>>,
    /// Every prompt key asked, in order.
    pub asked: Vec<String>,
    /// Every progress line, in order.
    pub progress: Vec<String>,
    /// Everything shown, in order.
    pub shown: Vec<Notice>,
    /// Validation messages for rejected typed lines.
    pub rejected: Vec<String>,
    /// Items offered by the last select or multi select.
    pub last_items: Vec<String>,
}

impl Scripted {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds steps for one key (appended after any already there).
    pub fn on(mut self, key: &str, steps: impl IntoIterator<Item = Step>) -> Self {
        self.steps.entry(key.to_string()).or_default().extend(steps);
        self
    }

    /// Adds steps for one key, in place.
    pub fn push(&mut self, key: &str, step: Step) {
        self.steps
            .entry(key.to_string())
            .or_default()
            .push_back(step);
    }

    /// Steps not yet used.
    pub fn unused(&self) -> Vec<(String, Step)> {
        let mut v: Vec<(String, Step)> = self
            .steps
            .iter()
            .flat_map(|(k, s)| s.iter().map(move |s| (k.clone(), s.clone())))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn next(&mut self, prompt: &Prompt) -> Result<Step, PromptError> {
        self.asked.push(prompt.key.to_string());
        if let Some(p) = prompt.progress {
            self.progress.push(p.to_string());
        }
        match self.steps.get_mut(prompt.key).and_then(|q| q.pop_front()) {
            Some(Step::Interrupt) => Err(PromptError::Interrupted),
            None if prompt.key == crate::assess::KEY_ACKNOWLEDGE => Ok(Step::Pick(0)),
            None if prompt.key == crate::assess::KEY_ACK_NOTE => Ok(Step::Type(String::new())),
            // A decline is "declined" unless the script says otherwise.
            None if prompt.key == crate::assess::KEY_NO_ANSWER => Ok(Step::Pick(0)),
            None => Err(PromptError::Interrupted),
            Some(s) => Ok(s),
        }
    }

    fn unexpected<T>(prompt: &Prompt, step: &Step) -> Result<T, PromptError> {
        Err(PromptError::Terminal(format!(
            "script: step {step:?} does not fit prompt `{}`",
            prompt.key
        )))
    }

    fn escape<T>(prompt: &Prompt, step: &Step) -> Option<Result<Reply<T>, PromptError>> {
        match step {
            Step::Decline if prompt.can_decline => Some(Ok(Reply::Declined)),
            Step::Help if prompt.has_help => Some(Ok(Reply::Help)),
            Step::Back if prompt.can_move => Some(Ok(Reply::Back)),
            Step::Jump if prompt.can_move => Some(Ok(Reply::Jump)),
            Step::Decline | Step::Help | Step::Back | Step::Jump => {
                Some(Self::unexpected(prompt, step))
            }
            _ => None,
        }
    }
}

impl Prompter for Scripted {
    fn select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        current: Option<usize>,
    ) -> Result<Reply<usize>, PromptError> {
        self.last_items = items.iter().map(|c| c.label.clone()).collect();
        let step = self.next(prompt)?;
        if let Some(r) = Self::escape(prompt, &step) {
            return r;
        }
        match &step {
            Step::Pick(i) if *i < items.len() => Ok(Reply::Value(*i)),
            Step::Keep if current.is_some() => Ok(Reply::Value(current.unwrap_or_default())),
            Step::Type(t) => match items
                .iter()
                .position(|i| i.key.as_deref() == Some(t.as_str()) || i.label == *t)
            {
                Some(i) => Ok(Reply::Value(i)),
                None => Err(PromptError::Terminal(format!(
                    "script: no item {t:?} for `{}` in {items:?}",
                    prompt.key
                ))),
            },
            Step::PickText(t) => match items.iter().position(|i| i.label.contains(t.as_str())) {
                Some(i) => Ok(Reply::Value(i)),
                None => Err(PromptError::Terminal(format!(
                    "script: no item containing {t:?} for `{}` in {items:?}",
                    prompt.key
                ))),
            },
            _ => Self::unexpected(prompt, &step),
        }
    }

    fn multi_select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        _exclusive: &[bool],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, PromptError> {
        self.last_items = items.iter().map(|c| c.label.clone()).collect();
        let step = self.next(prompt)?;
        if let Some(r) = Self::escape(prompt, &step) {
            return r;
        }
        match &step {
            Step::Tick(v) if v.iter().all(|i| *i < items.len()) => {
                let mut v = v.clone();
                v.sort_unstable();
                v.dedup();
                Ok(Reply::Value(v))
            }
            Step::Keep => Ok(Reply::Value(
                (0..checked.len()).filter(|&i| checked[i]).collect(),
            )),
            _ => Self::unexpected(prompt, &step),
        }
    }

    fn yes_no(
        &mut self,
        prompt: &Prompt,
        current: Option<bool>,
    ) -> Result<Reply<bool>, PromptError> {
        let step = self.next(prompt)?;
        if let Some(r) = Self::escape(prompt, &step) {
            return r;
        }
        match step {
            Step::Keep if current.is_some() => Ok(Reply::Value(current == Some(true))),
            Step::Yes | Step::Pick(1) => Ok(Reply::Value(true)),
            Step::No | Step::Pick(0) => Ok(Reply::Value(false)),
            _ => Self::unexpected(prompt, &step),
        }
    }

    fn input(
        &mut self,
        prompt: &Prompt,
        _hint: &str,
        current: Option<&str>,
        validate: Validator,
    ) -> Result<Reply<String>, PromptError> {
        loop {
            let step = self.next(prompt)?;
            if let Some(r) = Self::escape(prompt, &step) {
                return r;
            }
            match step {
                Step::Keep => match current {
                    Some(c) => return Ok(Reply::Value(c.to_string())),
                    None => self.rejected.push("nothing to keep".into()),
                },
                Step::Type(s) => match validate(&s) {
                    Ok(()) => return Ok(Reply::Value(s)),
                    Err(m) => self.rejected.push(m),
                },
                _ => return Self::unexpected(prompt, &step),
            }
        }
    }

    fn show(&mut self, notice: &Notice) {
        self.shown.push(notice.clone());
    }
}
