//! The [`Prompter`] a [`Terminal`] is: each prompt shown below where the
//! interview stands and run as a widget, its outcome turned into a
//! [`Reply`]; notices are drawn by `notices.rs`.

use super::widgets::{fit, wrap, Escapes, Line, List, Picked, Typed};
use super::{Ink, Terminal};
use crate::assess::prompt::{Choice, Notice, Prompt, PromptError, Prompter, Reply, Validator};
use crate::assess::terminal::signals;

impl Terminal<'_> {
    fn check(&self) -> Result<(), PromptError> {
        if !self.interactive {
            return Err(PromptError::Terminal("no terminal to ask at".into()));
        }
        if crossterm::terminal::size().map(|s| s.1).unwrap_or(24) < 8 {
            return Err(PromptError::Terminal(
                "the terminal is too small: it needs at least 8 lines".into(),
            ));
        }
        if signals::stop_requested() {
            return Err(PromptError::Interrupted);
        }
        Ok(())
    }

    /// Shows where the interview stands and, for a question, its text,
    /// wrapped to the terminal. The prompt itself then carries only the
    /// question id.
    fn before(&mut self, prompt: &Prompt) -> Result<(), PromptError> {
        self.check()?;
        self.above = 0;
        if let Some(p) = prompt.progress {
            let width = self.width();
            self.line("", Ink::Plain);
            self.line(&fit(p, width), Ink::Dim);
            let text = wrap(prompt.text, width.saturating_sub(1));
            for l in &text {
                self.line(l, Ink::Bold);
            }
            self.above = 2 + text.len();
        }
        Ok(())
    }

    /// What the prompt's first line says (see [`Terminal::before`]).
    fn label<'p>(prompt: &'p Prompt) -> &'p str {
        if prompt.progress.is_some() {
            prompt.key
        } else {
            prompt.text
        }
    }

    fn escapes(prompt: &Prompt) -> Escapes {
        Escapes {
            decline: prompt.can_decline,
            help: prompt.has_help,
            moves: prompt.can_move,
        }
    }

    /// A list of `items` with everything but its title.
    fn list_parts(
        &self,
        items: &[Choice],
        cursor: Option<usize>,
        escapes: Escapes,
    ) -> List<'static> {
        List {
            title: "",
            items: items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let key = c.key.clone().unwrap_or_else(|| (i + 1).to_string());
                    (key, c.label.clone())
                })
                .collect(),
            cursor: cursor.filter(|&c| c < items.len()),
            ticks: None,
            escapes,
            above: self.above,
            color: self.color,
        }
    }
}

impl Prompter for Terminal<'_> {
    fn select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        current: Option<usize>,
    ) -> Result<Reply<usize>, PromptError> {
        self.before(prompt)?;
        let picked = List {
            title: Self::label(prompt),
            ..self.list_parts(items, current, Self::escapes(prompt))
        }
        .run(&mut self.keys)?;
        Ok(match picked {
            Picked::One(i) => Reply::Value(i),
            // A pick list never ends with ticks; nothing is made up.
            Picked::Ticked(_) => {
                return Err(PromptError::Terminal("a pick list gave ticks".into()))
            }
            Picked::Declined => Reply::Declined,
            Picked::Help => Reply::Help,
            Picked::Back => Reply::Back,
            Picked::Jump => Reply::Jump,
        })
    }

    fn multi_select(
        &mut self,
        prompt: &Prompt,
        items: &[Choice],
        exclusive: &[bool],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, PromptError> {
        self.before(prompt)?;
        let mut ticks = checked.to_vec();
        ticks.resize(items.len(), false);
        let mut exclusive = exclusive.to_vec();
        exclusive.resize(items.len(), false);
        let picked = List {
            title: Self::label(prompt),
            ticks: Some((ticks, exclusive)),
            ..self.list_parts(items, None, Self::escapes(prompt))
        }
        .run(&mut self.keys)?;
        Ok(match picked {
            Picked::Ticked(v) => Reply::Value(v),
            Picked::One(_) => {
                return Err(PromptError::Terminal("a tick list gave one pick".into()))
            }
            Picked::Declined => Reply::Declined,
            Picked::Help => Reply::Help,
            Picked::Back => Reply::Back,
            Picked::Jump => Reply::Jump,
        })
    }

    fn yes_no(
        &mut self,
        prompt: &Prompt,
        current: Option<bool>,
    ) -> Result<Reply<bool>, PromptError> {
        let items = [Choice::keyed("y", "Yes"), Choice::keyed("n", "No")];
        let current = current.map(|b| if b { 0 } else { 1 });
        Ok(match self.select(prompt, &items, current)? {
            Reply::Value(i) => Reply::Value(i == 0),
            Reply::Declined => Reply::Declined,
            Reply::Help => Reply::Help,
            Reply::Back => Reply::Back,
            Reply::Jump => Reply::Jump,
        })
    }

    fn input(
        &mut self,
        prompt: &Prompt,
        hint: &str,
        current: Option<&str>,
        validate: Validator,
    ) -> Result<Reply<String>, PromptError> {
        self.before(prompt)?;
        let typed = Line {
            title: Self::label(prompt),
            hint,
            current,
            escapes: Self::escapes(prompt),
            color: self.color,
        }
        .run(&mut self.keys, validate)?;
        Ok(match typed {
            Typed::Text(s) => Reply::Value(s),
            Typed::Declined => Reply::Declined,
            Typed::Help => Reply::Help,
            Typed::Back => Reply::Back,
            Typed::Jump => Reply::Jump,
        })
    }

    fn show(&mut self, notice: &Notice) {
        self.notice(notice)
    }
}
