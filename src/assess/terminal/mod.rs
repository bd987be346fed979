//! The [`Prompter`](super::Prompter) for a person at a terminal. This and
//! `crate::cli` are the only places that write to the terminal: prompts,
//! notices and progress go to standard error; the recommendation table to
//! standard output (and a short summary of it to standard error, so the
//! assessor sees it even when standard output goes to a file).
//!
//! The prompts ([`widgets`]) read keys in raw mode (`keys`): input typed
//! before a prompt is drawn is discarded, nothing is ever chosen for the
//! assessor, pasted lines stay in the prompt they were pasted into, and
//! Ctrl-C ends the prompt with `Interrupted` (the last answer is already
//! saved). Outside a prompt, SIGINT, SIGTERM and SIGHUP only set a flag
//! ([`signals::install`]) that the next prompt notices.
//!
//! This file holds [`Terminal`] and its way of writing lines; the rest is in
//! `prompter.rs` (the `Prompter` it is: asking), `notices.rs` (how each
//! notice is drawn), `summary.rs` (the review and the recommendation's
//! summary), `signals.rs`, `keys.rs` and `widgets/` (the prompts).

mod keys;
mod notices;
mod prompter;
pub mod signals;
mod summary;
pub mod widgets;

use crate::rules::RuleSet;
use crossterm::style::Stylize;
use keys::Keys;
use std::io::{IsTerminal, Write};
use widgets::{size, wrap};

/// Asks at the terminal (`interactive`), or only shows notices and fails
/// any prompt (no terminal; everything was answered beforehand).
pub struct Terminal<'a> {
    keys: Keys,
    color: bool,
    color_stdout: bool,
    interactive: bool,
    rs: &'a RuleSet,
    /// Shown as the source in the result table.
    source: String,
    /// Lines the coming prompt has above it (progress, question text).
    above: usize,
}

/// Paint for notices on standard error.
#[derive(Clone, Copy)]
enum Ink {
    Plain,
    Bold,
    Dim,
    Cyan,
    Red,
    Yellow,
}

impl<'a> Terminal<'a> {
    pub fn new(
        rs: &'a RuleSet,
        source: String,
        interactive: bool,
        color_stderr: bool,
        color_stdout: bool,
    ) -> Self {
        Terminal {
            keys: Keys::default(),
            color: color_stderr,
            color_stdout,
            interactive,
            rs,
            source,
            above: 0,
        }
    }

    /// Puts the cursor back (a prompt cut short leaves it hidden). Only at
    /// a terminal: standard error redirected to a file or a log gets no
    /// escape sequence.
    pub fn restore(&self) {
        if !self.interactive || !std::io::stderr().is_terminal() {
            return;
        }
        let mut err = std::io::stderr();
        let _ = crossterm::execute!(err, crossterm::cursor::Show);
        let _ = err.flush();
    }

    /// The terminal's width; without a terminal, lines are not wrapped.
    fn width(&self) -> usize {
        if self.interactive {
            size().0
        } else {
            usize::MAX / 4
        }
    }

    fn line(&self, s: &str, ink: Ink) {
        let s = if self.color {
            match ink {
                Ink::Plain => s.to_string(),
                Ink::Bold => s.bold().to_string(),
                Ink::Dim => s.dim().to_string(),
                Ink::Cyan => s.cyan().to_string(),
                Ink::Red => s.red().bold().to_string(),
                Ink::Yellow => s.yellow().to_string(),
            }
        } else {
            s.to_string()
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{s}");
    }

    /// `text` wrapped to the terminal, `lead` in front of the first line
    /// and as much space in front of the others.
    fn para(&self, lead: &str, text: &str, ink: Ink) {
        let indent = lead.chars().count();
        let width = self.width().saturating_sub(indent + 1).max(10);
        for (i, l) in wrap(text, width).iter().enumerate() {
            if i == 0 {
                self.line(&format!("{lead}{l}"), ink);
            } else {
                self.line(&format!("{:indent$}{l}", ""), ink);
            }
        }
    }
}
