//! The record around an assessment, as people read it: who assessed, when,
//! the placement made with its reason and note, the acknowledgements, and
//! the history of the interview. Plain text; each renderer escapes it.

use crate::intake::{Event, EventKind, Intake, Recorded, Slot};
use crate::rules::model::{QuestionKind, RuleSet};

/// The assessors: the intake's `assessor` first, then everyone else the
/// history names, in order, each once.
pub fn assessors(intake: &Intake) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let named = intake
        .assessor
        .iter()
        .chain(intake.history.iter().filter_map(|e| e.by.as_ref()))
        .chain(
            intake
                .acknowledged_flags
                .iter()
                .filter_map(|f| f.by.as_ref()),
        );
    for by in named {
        if !out.contains(&by.as_str()) {
            out.push(by);
        }
    }
    out
}

/// The label of flag action `id` (the id itself when the rule set has no
/// such action).
pub fn action_label<'a>(rs: &'a RuleSet, id: &'a str) -> &'a str {
    rs.flag_actions
        .iter()
        .find(|x| x.id == id)
        .map_or(id, |x| x.label.as_str())
}

/// A recorded value in a few words: option ids, numbers, yes/no;
/// `(text)` for free text (shown in full only where the answers are).
pub fn value_text(rs: &RuleSet, q: usize, r: &Recorded) -> String {
    let question = &rs.questions[q];
    match r {
        Recorded::Nothing => "(nothing)".into(),
        Recorded::NoAnswer(why) => format!("({})", why.label()),
        Recorded::Answer(slot, _) => match (slot, &question.kind) {
            (Slot::Num(x), QuestionKind::YesNo) => if *x != 0.0 { "yes" } else { "no" }.into(),
            (Slot::Num(x), QuestionKind::SingleChoice(o)) => {
                o.get(*x as usize).map(|o| o.id.clone()).unwrap_or_default()
            }
            (Slot::Num(x), QuestionKind::Integer { .. }) => format!("{}", *x as i64),
            (Slot::Num(x), _) => format!("{x}"),
            (Slot::Multi(m), kind) => {
                let ids: Vec<&str> = kind
                    .options()
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 64 && m & (1u64 << i) != 0)
                    .map(|(_, o)| o.id.as_str())
                    .collect();
                format!("[{}]", ids.join(", "))
            }
            (Slot::Text, _) => "(text)".into(),
            _ => String::new(),
        },
    }
}

/// What one event says, without its time and author.
pub fn event_text(rs: &RuleSet, e: &Event) -> String {
    match &e.what {
        EventKind::Started => "started the interview".into(),
        EventKind::Resumed => "resumed the interview".into(),
        EventKind::Changed { question, from, to } => format!(
            "changed `{}` from {} to {}",
            rs.questions[*question].id,
            value_text(rs, *question, from),
            value_text(rs, *question, to)
        ),
        EventKind::Acknowledged { flag, action, note } => {
            let mut s = format!("acknowledged flag `{flag}`");
            if let Some(a) = action {
                s.push_str(&format!(": {}", action_label(rs, a)));
            }
            if let Some(n) = note {
                s.push_str(&format!(" (note: {n})"));
            }
            s
        }
        EventKind::Placed(p) => {
            let mut s = format!("placed at {}", rs.levels[p.level].name);
            if let Some(r) = p.reason {
                s.push_str(&format!("; reason: {}", rs.override_reasons[r].label));
            }
            if let Some(n) = &p.note {
                s.push_str(&format!("; note: {n}"));
            }
            s
        }
    }
}
