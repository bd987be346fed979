//! Moving through the questions: the order they are asked in, Back to the
//! previous one, Jump to a section, and the progress line.

use super::{
    review, Asked, Choice, Interview, Notice, Outcome, Prompt, Prompter, Reply, Res, Store,
    KEY_SECTIONS,
};
use crate::cond::Tri;
use crate::intake::Slot;

impl<S: Store> Interview<'_, S> {
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

    pub(super) fn progress(&self, q: usize) -> String {
        let applies: Vec<usize> = (0..self.rs.questions.len())
            .filter(|&i| self.assessment.questions[i].applicable != Tri::False)
            .collect();
        let n = applies.iter().filter(|&&i| i <= q).count().max(1);
        let section = &self.rs.sections[self.rs.questions[q].section];
        format!("{} · question {n} of {}", section.title, applies.len())
    }
}
