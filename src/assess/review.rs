//! The review of all answers before finishing, and the placement made.

use super::ask::fmt_num;
use super::{
    Asked, AssessError, Change, Choice, Interview, Notice, Outcome, Prompt, Prompter, Reply,
    ReviewRow, ReviewSection, Store, KEY_PLACEMENT, KEY_PLACEMENT_LEVEL, KEY_PLACEMENT_NOTE,
    KEY_PLACEMENT_REASON, KEY_REVIEW, KEY_REVIEW_QUESTION,
};
use crate::cond::Tri;
use crate::intake::{EventKind, Placement, Recorded, Slot};
use crate::rules::model::QuestionKind;

type Res<T> = Result<T, AssessError>;

impl<S: Store> Interview<'_, S> {
    /// The answer to `q` for people.
    pub fn answer_text(&self, q: usize) -> String {
        self.recorded_text(q, &self.intake.recorded(q))
    }

    /// What `r`, recorded for question `q`, says to people.
    pub(super) fn recorded_text(&self, q: usize, r: &Recorded) -> String {
        let question = &self.rs.questions[q];
        let (slot, text) = match r {
            Recorded::Nothing => return "(not answered)".into(),
            Recorded::NoAnswer(why) => return format!("({})", why.label()),
            Recorded::Answer(slot, text) => (slot, text),
        };
        match (slot, &question.kind) {
            (Slot::Absent | Slot::Declined, _) => String::new(),
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
            (Slot::Text, _) => text.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// One answer of section `s`, picked from a list that shows each
    /// answer (`None`: back to the review).
    pub(super) fn pick_question(&mut self, p: &mut dyn Prompter, s: usize) -> Res<Option<usize>> {
        let questions = self.applicable_in(s);
        let mut items: Vec<Choice> = questions
            .iter()
            .map(|&q| {
                let texts = questions
                    .iter()
                    .map(|&o| self.rs.questions[o].text.as_str());
                let text = distinctive(&self.rs.questions[q].text, texts);
                Choice::new(format!(
                    "{} — {}",
                    short(&text, 60),
                    short(&self.answer_text(q), 30)
                ))
            })
            .collect();
        items.push(Choice::new("Back to the review"));
        let prompt = Prompt::plain(KEY_REVIEW_QUESTION, "Which answer?");
        Ok(match p.select(&prompt, &items, None)? {
            Reply::Value(i) if i < questions.len() => Some(questions[i]),
            _ => None,
        })
    }

    fn applicable_in(&self, section: usize) -> Vec<usize> {
        self.rs.sections[section]
            .questions
            .clone()
            .filter(|&q| self.applies(q))
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

    /// The review: shows every answer once; the assessor confirms or picks
    /// one to change. Changes re-evaluate skip logic: questions that now
    /// apply are asked, answers that no longer apply are dropped. After a
    /// change only what changed is shown again.
    pub fn review(&mut self, p: &mut dyn Prompter) -> Res<Option<Outcome>> {
        p.show(&Notice::Review(self.review_sections()));
        loop {
            let sections: Vec<usize> = (0..self.rs.sections.len())
                .filter(|&s| !self.applicable_in(s).is_empty())
                .collect();
            let mut items =
                Choice::list(["Confirm: the answers are correct", "Show all answers again"]);
            items.extend(sections.iter().map(|&s| {
                Choice::new(format!(
                    "Change an answer in: {}",
                    self.rs.sections[s].title
                ))
            }));
            items.push(Choice::new(if self.rs.answer_sources.is_empty() {
                "Add a note to an answer"
            } else {
                "Add a note to an answer, or where it came from"
            }));
            let s = match p.select(
                &Prompt::plain(KEY_REVIEW, "Review the answers"),
                &items,
                None,
            )? {
                Reply::Value(0) => return Ok(None),
                Reply::Value(1) => {
                    p.show(&Notice::Review(self.review_sections()));
                    continue;
                }
                Reply::Value(i) if i >= 2 && i - 2 < sections.len() => sections[i - 2],
                Reply::Value(i) if i == 2 + sections.len() => {
                    self.annotate(p, &sections)?;
                    continue;
                }
                _ => continue,
            };
            let Some(q) = self.pick_question(p, s)? else {
                continue;
            };
            let before: Vec<(Tri, String)> = (0..self.rs.questions.len())
                .map(|i| (self.assessment.questions[i].applicable, self.answer_text(i)))
                .collect();
            if let Asked::Stop(o) = self.ask(p, q, true, false)? {
                return Ok(Some(o));
            }
            if let Some(o) = self.ask_pending(p)? {
                return Ok(Some(o));
            }
            let dropped: Vec<String> = (0..before.len())
                .filter(|&i| {
                    before[i].0 != Tri::False
                        && self.assessment.questions[i].applicable == Tri::False
                        && self.intake.slots[i] != Slot::Absent
                })
                .map(|i| self.rs.questions[i].id.clone())
                .collect();
            let changed: Vec<Change> = (0..before.len())
                .filter(|&i| self.applies(i))
                .filter(|&i| before[i].0 == Tri::False || before[i].1 != self.answer_text(i))
                .map(|i| Change {
                    text: self.rs.questions[i].text.clone(),
                    before: if before[i].0 == Tri::False {
                        "(did not apply)".into()
                    } else {
                        before[i].1.clone()
                    },
                    after: self.answer_text(i),
                })
                .collect();
            p.show(&Notice::Changed(changed));
            if !dropped.is_empty() {
                p.show(&Notice::Dropped(dropped));
            }
        }
    }

    /// "Placement made": accept the recommendation, or choose another level
    /// with an override reason (and a note where the reason needs one).
    /// Reasons that mean "no override" are not offered for another level.
    pub fn ask_placement(&mut self, p: &mut dyn Prompter) -> Res<()> {
        let placement = self.choose_placement(p)?;
        self.record_event(EventKind::Placed(placement.clone()));
        self.intake.placement = Some(placement);
        Ok(())
    }

    fn choose_placement(&mut self, p: &mut dyn Prompter) -> Res<Placement> {
        let rs = self.rs;
        let rec = self.assessment.level;
        let items = vec![
            Choice::new(format!(
                "Accept the recommendation: {}",
                rs.levels[rec].name
            )),
            Choice::new("Place the client at another level"),
        ];
        let choice = loop {
            if let Reply::Value(i) = p.select(
                &Prompt::plain(KEY_PLACEMENT, "Placement made"),
                &items,
                None,
            )? {
                break i;
            }
        };
        if choice != 1 {
            return Ok(Placement {
                level: rec,
                reason: None,
                note: None,
            });
        }
        let others: Vec<usize> = (0..rs.levels.len()).filter(|&l| l != rec).collect();
        let items: Vec<Choice> = others
            .iter()
            .map(|&l| {
                let dir = if l < rec {
                    "more intensive"
                } else {
                    "less intensive"
                };
                Choice::new(format!("{} ({dir})", rs.levels[l].name))
            })
            .collect();
        let level = loop {
            if let Reply::Value(i) = p.select(
                &Prompt::plain(KEY_PLACEMENT_LEVEL, "Level placed at"),
                &items,
                None,
            )? {
                if i < others.len() {
                    break others[i];
                }
            }
        };
        let reasons: Vec<usize> = (0..rs.override_reasons.len())
            .filter(|&r| !rs.override_reasons[r].no_override)
            .collect();
        let reason = if reasons.is_empty() {
            None
        } else {
            let items: Vec<Choice> = reasons
                .iter()
                .map(|&r| Choice::new(rs.override_reasons[r].label.clone()))
                .collect();
            loop {
                if let Reply::Value(i) = p.select(
                    &Prompt::plain(KEY_PLACEMENT_REASON, "Reason for the different level"),
                    &items,
                    None,
                )? {
                    if i < reasons.len() {
                        break Some(reasons[i]);
                    }
                }
            }
        };
        let required = reason
            .is_some_and(|r| rs.override_reasons[r].note_required)
            .then_some("This reason needs a note.");
        let note = self.ask_note(p, KEY_PLACEMENT_NOTE, required)?;
        Ok(Placement {
            level,
            reason,
            note,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
