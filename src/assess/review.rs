//! The review of all answers before finishing, and the placement made.

use super::ask::fmt_num;
use super::{
    AssessError, Interview, Notice, Outcome, Prompt, Prompter, Reply, ReviewRow, ReviewSection,
    Store, KEY_PLACEMENT, KEY_PLACEMENT_LEVEL, KEY_PLACEMENT_NOTE, KEY_PLACEMENT_REASON,
    KEY_REVIEW, KEY_REVIEW_QUESTION, MAX_NOTE_CHARS,
};
use crate::cond::Tri;
use crate::intake::{Placement, Slot};
use crate::rules::model::QuestionKind;

type Res<T> = Result<T, AssessError>;

impl<S: Store> Interview<'_, S> {
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
