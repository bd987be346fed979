//! Consistency checks: as soon as the answer that completes a
//! contradiction is given, it is shown with the answers involved, and the
//! assessor may change any of them, or keep them (a warning-level check).

use super::{
    Asked, Choice, Interview, Notice, Outcome, Prompt, Prompter, Reply, Res, Store,
    KEY_CONTRADICTION,
};
use crate::engine::{consistency, Contradiction};
use crate::rules::model::CheckSeverity;

impl<S: Store> Interview<'_, S> {
    /// The contradictions in the answers as they would be saved (answers
    /// kept in memory for questions that no longer apply do not count).
    pub fn contradictions(&self) -> Vec<Contradiction> {
        consistency(self.rs, &self.saved_intake().slots).1
    }

    /// Shows each contradiction not shown since it last arose, and offers
    /// to change one of its answers. An error-level one is shown until it
    /// is resolved (or the assessor stops). With `ask` false (nothing can
    /// be asked), they are only shown.
    pub(super) fn check_contradictions(
        &mut self,
        p: &mut dyn Prompter,
        ask: bool,
    ) -> Res<Option<Outcome>> {
        loop {
            let now = self.contradictions();
            for (i, shown) in self.shown_checks.iter_mut().enumerate() {
                if !now.iter().any(|c| c.check == i) {
                    *shown = false;
                }
            }
            let Some(c) = now.into_iter().find(|c| {
                !self.shown_checks[c.check]
                    || (ask && self.rs.checks[c.check].severity == CheckSeverity::Error)
            }) else {
                return Ok(None);
            };
            self.shown_checks[c.check] = true;
            let check = &self.rs.checks[c.check];
            let error = check.severity == CheckSeverity::Error;
            p.show(&Notice::Contradiction {
                id: check.id.clone(),
                text: c.text(self.rs),
                error,
            });
            if !ask {
                if error {
                    return Ok(Some(Outcome::Contradiction(c.check)));
                }
                continue;
            }
            let mut items: Vec<Choice> = c
                .questions
                .iter()
                .map(|&q| {
                    Choice::new(format!(
                        "Change the answer to “{}”",
                        self.rs.questions[q].text
                    ))
                })
                .collect();
            let last = if error {
                "Stop the interview here (the answers are saved; resume to correct them)"
            } else {
                "Keep these answers (the contradiction is noted in the result)"
            };
            items.push(Choice::new(last));
            let text = if error {
                "These answers cannot both be right: change one of them, or stop."
            } else {
                "These answers contradict each other: change one of them?"
            };
            let prompt = Prompt::plain(KEY_CONTRADICTION, text);
            match p.select(&prompt, &items, None)? {
                Reply::Value(k) if k < c.questions.len() => {
                    if let Asked::Stop(o) = self.ask(p, c.questions[k], true, false)? {
                        return Ok(Some(o));
                    }
                }
                _ if error => {
                    self.save()?;
                    return Ok(Some(Outcome::Contradiction(c.check)));
                }
                _ => {}
            }
        }
    }
}
