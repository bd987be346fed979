//! The short free-text note recorded with a flag acknowledgement or a
//! placement, and the note and source recorded with an answer (from the
//! review).

use super::{
    Choice, Interview, Prompt, Prompter, Reply, Res, Store, KEY_ANSWER_NOTE, KEY_ANSWER_SOURCE,
    KEY_REVIEW_SECTION, MAX_NOTE_CHARS,
};

impl<S: Store> Interview<'_, S> {
    /// A short note: required (`required` says why, when it is refused
    /// empty), or optional (an empty line gives none).
    pub(crate) fn ask_note(
        &mut self,
        p: &mut dyn Prompter,
        key: &str,
        required: Option<&'static str>,
    ) -> Res<Option<String>> {
        let (text, hint) = if required.is_some() {
            ("Note (required)", "a short note, no names")
        } else {
            (
                "Note (optional; Enter alone for none)",
                "a short note, no names",
            )
        };
        let validate = move |s: &str| {
            if let (Some(why), "") = (required, s.trim()) {
                Err(why.to_string())
            } else if s.chars().count() > MAX_NOTE_CHARS {
                Err(format!("At most {MAX_NOTE_CHARS} characters."))
            } else {
                Ok(())
            }
        };
        Ok(
            match p.input(&Prompt::plain(key, text), hint, None, &validate)? {
                Reply::Value(s) if !s.trim().is_empty() && validate(&s).is_ok() => {
                    Some(s.trim().to_string())
                }
                _ => None,
            },
        )
    }

    /// From the review: a note on an answer, and where it came from (the
    /// rule set's `answer_sources`), for a question of one of `sections`.
    pub(super) fn annotate(&mut self, p: &mut dyn Prompter, sections: &[usize]) -> Res<()> {
        let rs = self.rs;
        let mut items: Vec<Choice> = sections
            .iter()
            .map(|&s| Choice::new(rs.sections[s].title.clone()))
            .collect();
        items.push(Choice::new("Back to the review"));
        let prompt = Prompt::plain(KEY_REVIEW_SECTION, "In which section?");
        let s = match p.select(&prompt, &items, None)? {
            Reply::Value(i) if i < sections.len() => sections[i],
            _ => return Ok(()),
        };
        let Some(q) = self.pick_question(p, s)? else {
            return Ok(());
        };
        let validate = |s: &str| {
            if s.chars().count() > MAX_NOTE_CHARS {
                Err(format!("At most {MAX_NOTE_CHARS} characters."))
            } else {
                Ok(())
            }
        };
        let current = self.intake.note(q).map(str::to_string);
        let text = format!("Note on `{}` (Enter alone for none)", rs.questions[q].id);
        let hint = "a short note, no names";
        if let Reply::Value(s) = p.input(
            &Prompt::plain(KEY_ANSWER_NOTE, &text),
            hint,
            current.as_deref(),
            &validate,
        )? {
            self.intake.notes.retain(|(i, _)| *i != q);
            if !s.trim().is_empty() {
                self.intake.notes.push((q, s.trim().to_string()));
            }
        }
        if !rs.answer_sources.is_empty() {
            let mut items: Vec<Choice> = rs
                .answer_sources
                .iter()
                .map(|s| Choice::new(s.label.clone()))
                .collect();
            items.push(Choice::new("Not recorded"));
            let prompt = Prompt::plain(KEY_ANSWER_SOURCE, "Where did the answer come from?");
            if let Reply::Value(i) = p.select(&prompt, &items, self.intake.source(q))? {
                self.intake.sources.retain(|(j, _)| *j != q);
                if i < rs.answer_sources.len() {
                    self.intake.sources.push((q, i));
                }
            }
        }
        self.save()
    }
}
