//! Exclusions: when one holds, the answer that triggered it may be
//! corrected; otherwise the interview stops.

use super::{
    Asked, Choice, Interview, Notice, Outcome, Prompt, Prompter, Reply, Res, Store, KEY_EXCLUDED,
};
use crate::engine::score_slots;
use crate::intake::Slot;

impl<S: Store> Interview<'_, S> {
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
    pub(super) fn excluded_stop(
        &mut self,
        p: &mut dyn Prompter,
        mut x: usize,
    ) -> Res<Option<Outcome>> {
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
}
