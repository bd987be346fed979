//! How each [`Notice`] is drawn on standard error (the result table goes
//! to standard output): section headers, help, totals, flags in banners,
//! exclusions, changes and messages.

use super::widgets::{fit, one_line, size, wrap};
use super::{Ink, Terminal};
use crate::assess::prompt::Notice;
use crate::render::{table, Scored};
use crate::rules::model::FlagSeverity;
use std::io::{IsTerminal, Write};

impl Terminal<'_> {
    /// A framed notice: a head line, the message, and what to do about
    /// it (`action`) when there is something to say.
    fn banner(&self, head: &str, message: &str, action: Option<&str>, critical: bool) {
        let width = self.width().saturating_sub(1).min(100);
        let edge = if critical { "!" } else { "-" }.repeat(width);
        let ink = if critical { Ink::Red } else { Ink::Yellow };
        self.line("", Ink::Plain);
        self.line(&edge, ink);
        self.para("  ", head, ink);
        self.para("  ", message, ink);
        if let Some(action) = action {
            self.para("  action: ", action, ink);
        }
        self.line(&edge, ink);
    }

    /// Draws `notice`: what `Prompter::show` does at a terminal.
    pub(super) fn notice(&mut self, notice: &Notice) {
        match notice {
            Notice::Section { title, dimension } => {
                self.line("", Ink::Plain);
                self.para("", &format!("━━ {title} ━━"), Ink::Bold);
                if let Some(d) = dimension {
                    self.para("   ", &format!("dimension: {d}"), Ink::Plain);
                }
            }
            Notice::Help(text) => {
                let text = if text.is_empty() {
                    "No help for this question."
                } else {
                    text
                };
                self.para("  help: ", text, Ink::Cyan);
            }
            Notice::Total {
                instrument,
                total,
                band,
                band_label,
            } => {
                let label = band_label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                self.para(
                    "  ▸ ",
                    &format!("{instrument} total: {total}, band {band}{label}"),
                    Ink::Bold,
                );
            }
            Notice::Flag {
                id,
                severity,
                message,
                action,
            } => match severity {
                FlagSeverity::Critical => self.banner(
                    &format!("CRITICAL FLAG [{id}]"),
                    message,
                    action.as_deref(),
                    true,
                ),
                FlagSeverity::Warning | FlagSeverity::Info => {
                    let (lead, tag, ink) = if *severity == FlagSeverity::Warning {
                        ("!  ", "WARNING", Ink::Yellow)
                    } else {
                        ("   ", "INFO", Ink::Plain)
                    };
                    self.para(lead, &format!("{tag} [{id}]: {message}"), ink);
                    if let Some(action) = action {
                        self.para("   action: ", action, ink);
                    }
                }
            },
            Notice::CriticalFlags(flags) => {
                let width = self.width().saturating_sub(1).min(100);
                let edge = "!".repeat(width);
                // In full while they fit above the placement prompt (about
                // 8 lines for the summary, 7 for the prompt); otherwise one
                // line for each flag's message, its action in full, and one
                // line for what was recorded.
                let full: usize = flags
                    .iter()
                    .map(|f| {
                        wrap(
                            &format!("[{}] {}", f.id, f.message),
                            width.saturating_sub(6),
                        )
                        .len()
                            + f.action
                                .as_deref()
                                .map_or(0, |a| wrap(a, width.saturating_sub(13)).len())
                            + 1
                    })
                    .sum();
                let rows = if self.interactive {
                    size().1
                } else {
                    usize::MAX
                };
                let compact = full + 3 + 15 > rows;
                self.line("", Ink::Plain);
                self.line(&edge, Ink::Red);
                self.para(
                    "  ",
                    &format!(
                        "CRITICAL FLAGS ({}): act on them whatever the placement",
                        flags.len()
                    ),
                    Ink::Red,
                );
                for f in flags {
                    let text = format!("[{}] {}", f.id, f.message);
                    if compact {
                        self.line(&fit(&format!("  !! {text}"), width), Ink::Red);
                    } else {
                        self.para("  !! ", &text, Ink::Red);
                    }
                    // What to do is never cut short, even when the message is.
                    if let Some(action) = &f.action {
                        self.para("     action: ", action, Ink::Red);
                    }
                    let done = match &f.acknowledged {
                        Some(a) => format!("recorded: {a}"),
                        None => "NOT acknowledged".to_string(),
                    };
                    self.line(&fit(&format!("     {done}"), width), Ink::Plain);
                }
                self.line(&edge, Ink::Red);
            }
            Notice::Excluded { id, message } => self.banner(
                &format!("STOP: this rule set does not apply [{id}]"),
                message,
                None,
                true,
            ),
            Notice::Contradiction { id, text, error } => self.banner(
                &format!(
                    "{}: answers contradict each other [{id}]",
                    if *error { "ERROR" } else { "CHECK" }
                ),
                text,
                None,
                *error,
            ),
            Notice::Review(sections) => self.review(sections),
            Notice::Changed(changes) => {
                let width = self.width().saturating_sub(1);
                if changes.is_empty() {
                    self.line("No answer changed.", Ink::Plain);
                }
                for c in changes {
                    self.line(
                        &fit(
                            &format!(
                                "  changed: {}: {} → {}",
                                c.text,
                                one_line(&c.before),
                                one_line(&c.after)
                            ),
                            width,
                        ),
                        Ink::Plain,
                    );
                }
            }
            Notice::Refused(m) => self.para("", m, Ink::Red),
            Notice::Dropped(ids) => self.para(
                "",
                &format!(
                    "These questions no longer apply; their answers will not be saved: {}",
                    ids.join(", ")
                ),
                Ink::Plain,
            ),
            Notice::Result { intake, assessment } => {
                let scored = Scored {
                    source: self.source.clone(),
                    intake: (**intake).clone(),
                    assessment: (**assessment).clone(),
                };
                let stdout_tty = std::io::stdout().is_terminal();
                let width = if stdout_tty && self.interactive {
                    Some(size().0 as u16)
                } else {
                    None
                };
                let text = table::scored(
                    self.rs,
                    &scored,
                    table::Style {
                        color: self.color_stdout,
                        width,
                    },
                );
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out);
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
                drop(out);
                if self.interactive {
                    self.summary(assessment);
                }
            }
            Notice::Info(s) => self.para("", s, Ink::Plain),
        }
    }
}
