//! The short free-text note recorded with a flag acknowledgement or a
//! placement.

use super::{Interview, Prompt, Prompter, Reply, Res, Store, MAX_NOTE_CHARS};

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
}
