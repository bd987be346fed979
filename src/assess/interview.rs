//! The interview itself: [`Interview`] and the steps of its flow, from a
//! fresh, prefilled or resumed intake to a finished one; what is asked
//! next and how each answer is recorded, saved and followed up.

use super::{
    Asked, AssessError, Choice, Notice, Outcome, Prompt, Prompter, Reply, Res, Store, KEY_ASSESSOR,
    KEY_NO_ANSWER,
};
use crate::cond::Tri;
use crate::engine::{score_slots, Assessment};
use crate::intake::{
    Event, EventKind, Intake, NoAnswer, Recorded, RulesRef, Slot, StoredRecommendation,
};
use crate::rules::model::RuleSet;

/// One interview, from a fresh, prefilled or resumed intake to a finished
/// one.
pub struct Interview<'r, S: Store> {
    pub(super) rs: &'r RuleSet,
    pub(super) intake: Intake,
    pub(super) store: S,
    pub(super) now: Box<dyn Fn() -> String + 'r>,
    pub(super) assessment: Assessment,
    /// The section whose header was shown last.
    pub(super) header: Option<usize>,
    /// Flags shown since they were last raised.
    pub(super) shown_flags: Vec<bool>,
    /// Consistency checks shown since they last arose.
    pub(super) shown_checks: Vec<bool>,
    /// Who is assessing now (the intake's `assessor` is the first one).
    pub(super) by: Option<String>,
    /// How this session opens the history: started, or resumed.
    opening: EventKind,
    /// A reassessment: what the previous assessment recorded, per
    /// question, offered as the current answers.
    previous: Option<Vec<Recorded>>,
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
            shown_checks: vec![false; rs.checks.len()],
            by: None,
            opening: EventKind::Started,
            previous: None,
        }
    }

    /// Who assesses in this session. Without one, [`Interview::run`] asks
    /// at a terminal. The intake's `assessor` stays the first assessor.
    pub fn assessor(mut self, by: Option<String>) -> Self {
        self.by = by;
        self
    }

    /// This session continues an interview saved before (`--resume`): the
    /// history records it as resumed.
    pub fn resumed(mut self) -> Self {
        self.opening = EventKind::Resumed;
        self
    }

    /// A reassessment: `previous` (an intake of the same person) offers its
    /// answers as the current ones, each confirmed or changed; the record
    /// lists the questions whose answer differs (`reassessment.changed`).
    pub fn reassessing(mut self, previous: &Intake) -> Self {
        let recorded = (0..self.rs.questions.len())
            .map(|q| match previous.slots.get(q) {
                Some(_) => previous.recorded(q),
                None => Recorded::Nothing,
            })
            .collect();
        self.previous = Some(recorded);
        self
    }

    /// The previous assessment's text answer to `q` (a reassessment).
    pub(super) fn previous_text(&self, q: usize) -> Option<&str> {
        match self.previous.as_ref()?.get(q)? {
            Recorded::Answer(Slot::Text, t) => t.as_deref(),
            _ => None,
        }
    }

    /// Appends an event to the history, by the current assessor, now.
    pub(super) fn record_event(&mut self, what: EventKind) {
        self.intake.history.push(Event {
            at: Some((self.now)()),
            by: self.by.clone(),
            what,
        });
    }

    /// Asks who is assessing when nobody said; opens the session in the
    /// history.
    fn open(&mut self, p: &mut dyn Prompter, interactive: bool) -> Res<()> {
        if self.by.is_none() && interactive {
            let valid = |s: &str| {
                let s = s.trim();
                if s.is_empty() {
                    Err("A staff id is needed: it is recorded with every change and acknowledgement.".to_string())
                } else if s.chars().count() > 64 || s.chars().any(char::is_control) {
                    Err("A staff id is one line of at most 64 characters.".to_string())
                } else {
                    Ok(())
                }
            };
            let prompt = Prompt::plain(KEY_ASSESSOR, "Your staff id");
            let hint = "recorded with every change, acknowledgement and placement";
            loop {
                if let Reply::Value(s) = p.input(&prompt, hint, None, &valid)? {
                    self.by = Some(s.trim().to_string());
                    break;
                }
            }
        }
        if self.intake.assessor.is_none() {
            self.intake.assessor.clone_from(&self.by);
        }
        let opening = self.opening.clone();
        self.record_event(opening);
        Ok(())
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

    pub(super) fn rescore(&mut self) {
        self.assessment = score_slots(self.rs, &self.intake.slots);
    }

    pub fn save(&mut self) -> Res<()> {
        self.intake.updated_at = Some((self.now)());
        let mut saved = self.saved_intake();
        // A reassessment lists the answers, as saved, that differ from the
        // previous assessment's.
        if let Some(prev) = &self.previous {
            let changed: Vec<usize> = (0..prev.len())
                .filter(|&q| saved.recorded(q) != prev[q])
                .collect();
            for r in [&mut saved.reassessment, &mut self.intake.reassessment]
                .into_iter()
                .flatten()
            {
                r.changed.clone_from(&changed);
            }
        }
        self.store.save(self.rs, &saved).map_err(AssessError::Save)
    }

    /// Runs the whole interview. With `interactive` false nothing is asked:
    /// every question must already be answered (see
    /// [`Interview::has_questions_left`]); the review and the placement
    /// prompt are skipped and a prefilled placement is kept.
    pub fn run(&mut self, p: &mut dyn Prompter, interactive: bool) -> Res<Outcome> {
        self.open(p, interactive)?;
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
            if let Some(o) = self.check_contradictions(p, false)? {
                return Ok(o);
            }
        } else {
            self.show_flags(p, true)?;
            if let Some(o) = self.check_contradictions(p, true)? {
                return Ok(o);
            }
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
        // A reassessment offers the previous answer as the current one,
        // and says what it was (also when there was none).
        let offered = match (&self.previous, edit) {
            (Some(prev), false) => {
                let was = &prev[q];
                p.show(&Notice::Info(match was {
                    Recorded::Answer(..) => format!(
                        "Previous assessment: {}. Enter keeps it, or give the answer as it is now.",
                        self.recorded_text(q, was)
                    ),
                    _ => format!("Previous assessment: {}.", self.recorded_text(q, was)),
                }));
                match was {
                    Recorded::Answer(slot, _) => slot.clone(),
                    _ => Slot::Absent,
                }
            }
            _ => Slot::Absent,
        };
        let current = if edit {
            self.intake.slots[q].clone()
        } else {
            offered
        };
        let new = loop {
            match self.ask_once(p, &prompt, q, &current)? {
                Reply::Help => p.show(&Notice::Help(question.help.clone().unwrap_or_default())),
                Reply::Declined => break Recorded::NoAnswer(self.why_no_answer(p)?),
                Reply::Value((slot, text)) => break Recorded::Answer(slot, text),
                Reply::Back => return Ok(Asked::Back),
                Reply::Jump => return Ok(Asked::Jump),
            }
        };
        let old = self.intake.recorded(q);
        if old != Recorded::Nothing && old != new {
            self.record_event(EventKind::Changed {
                question: q,
                from: old,
                to: new.clone(),
            });
        }
        self.intake.record(q, new);
        self.rescore();
        self.save()?;
        self.after_answer(p, q)
    }

    /// Why a question has no answer: declined, unknown or not applicable.
    fn why_no_answer(&mut self, p: &mut dyn Prompter) -> Res<NoAnswer> {
        let items: Vec<Choice> = [
            "Declined: the client chose not to answer",
            "Unknown: nobody knows the answer",
            "Not applicable to this client",
        ]
        .into_iter()
        .map(Choice::new)
        .collect();
        let prompt = Prompt::plain(KEY_NO_ANSWER, "Why is there no answer?");
        loop {
            if let Reply::Value(i) = p.select(&prompt, &items, None)? {
                if let Some(w) = NoAnswer::ALL.get(i) {
                    return Ok(*w);
                }
            }
        }
    }

    /// After an answer to `q`: instrument totals it completes, flags it
    /// raises, contradictions it completes, exclusions it triggers.
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
        if let Some(o) = self.check_contradictions(p, true)? {
            return Ok(Asked::Stop(o));
        }
        if let Some(x) = self.excluded() {
            if let Some(o) = self.excluded_stop(p, x)? {
                return Ok(Asked::Stop(o));
            }
        }
        Ok(Asked::Answered)
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
