//! Flags: shown when raised, critical ones acknowledged by what was done
//! about them (with who and when), and all critical ones shown again
//! before the placement.

use super::{
    Choice, CriticalFlag, Interview, Notice, Prompt, Prompter, Reply, Res, Store, KEY_ACKNOWLEDGE,
    KEY_ACK_NOTE,
};
use crate::intake::{AckFlag, EventKind};
use crate::rules::model::FlagSeverity;

impl<S: Store> Interview<'_, S> {
    /// Shows flags raised since they were last shown; critical ones are
    /// acknowledged (once) when `ask` is set.
    pub(super) fn show_flags(&mut self, p: &mut dyn Prompter, ask: bool) -> Res<()> {
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
        let ack = AckFlag {
            id: flag.id.clone(),
            at: Some((self.now)()),
            by: self.by.clone(),
            action: action.map(|a| a.id.clone()),
            note,
        };
        self.record_event(EventKind::Acknowledged {
            flag: ack.id.clone(),
            action: ack.action.clone(),
            note: ack.note.clone(),
        });
        self.intake.acknowledged_flags.push(ack);
        self.save()
    }

    /// Every critical flag raised, again, right before the placement; any
    /// not yet acknowledged is acknowledged now.
    pub(super) fn show_critical_flags(&mut self, p: &mut dyn Prompter) -> Res<()> {
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
}
