//! The interview itself: [`Interview`] and the steps of its flow, from a
//! fresh, prefilled or resumed intake to a finished one; what is asked
//! next and how each answer is recorded, saved and followed up.

use super::{Asked, AssessError, Notice, Outcome, Prompt, Prompter, Reply, Res, Store};
use crate::cond::Tri;
use crate::engine::{score_slots, Assessment};
use crate::intake::{Intake, RulesRef, Slot, StoredRecommendation};
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

    pub(super) fn rescore(&mut self) {
        self.assessment = score_slots(self.rs, &self.intake.slots);
    }

    pub fn save(&mut self) -> Res<()> {
        self.intake.updated_at = Some((self.now)());
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
