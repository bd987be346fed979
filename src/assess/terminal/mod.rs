//! The [`Prompter`] for a person at a terminal. This and `crate::cli` are
//! the only places that write to the terminal: prompts, notices and
//! progress go to standard error; the recommendation table to standard
//! output (and a short summary of it to standard error, so the assessor
//! sees it even when standard output goes to a file).
//!
//! The prompts ([`widgets`]) read keys in raw mode ([`keys`]): input typed
//! before a prompt is drawn is discarded, nothing is ever chosen for the
//! assessor, pasted lines stay in the prompt they were pasted into, and
//! Ctrl-C ends the prompt with `Interrupted` (the last answer is already
//! saved). Outside a prompt, SIGINT, SIGTERM and SIGHUP only set a flag
//! ([`signals::install`]) that the next prompt notices.

mod keys;
pub mod widgets;

use super::prompt::{Choice, Notice, Prompt, PromptError, Prompter, Reply, Validator};
use crate::engine::Assessment;
use crate::render::{support_names, table, Scored};
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use crossterm::style::Stylize;
use keys::Keys;
use std::io::{IsTerminal, Write};
use widgets::{fit, one_line, size, wrap, Escapes, Line, List, Picked, Typed};

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

    fn review(&self, sections: &[super::ReviewSection]) {
        let width = self.width().saturating_sub(1);
        self.line("", Ink::Plain);
        self.line("━━ Review ━━", Ink::Bold);
        for s in sections {
            self.line(&fit(&s.title, width), Ink::Bold);
            let texts: Vec<&str> = s.rows.iter().map(|r| r.text.as_str()).collect();
            // One column of answers per section, at most half the width.
            let aw = s
                .rows
                .iter()
                .map(|r| one_line(&r.answer).chars().count())
                .max()
                .unwrap_or(0)
                .clamp(8, width / 2);
            let shown: Vec<String> = s
                .rows
                .iter()
                .map(|r| super::distinctive(&r.text, texts.iter().copied()))
                .collect();
            let longest = shown.iter().map(|t| t.chars().count()).max().unwrap_or(0);
            let tw = width.saturating_sub(aw + 4).min(longest).max(8);
            for (r, text) in s.rows.iter().zip(&shown) {
                let answer = fit(&one_line(&r.answer), aw);
                self.line(&format!("  {:<tw$}  {answer}", fit(text, tw)), Ink::Plain);
            }
        }
    }

    /// The recommendation, flags and what could change it, in a few lines
    /// on standard error: it stays on screen with the placement prompt.
    fn summary(&self, a: &Assessment) {
        let rs = self.rs;
        let level = &rs.levels[a.level];
        self.line("", Ink::Plain);
        self.line("━━ Recommendation ━━", Ink::Bold);
        self.para(
            "",
            &format!("Recommended level: {} ({})", level.name, level.id),
            Ink::Bold,
        );
        let ratings: Vec<String> = rs
            .dimensions
            .iter()
            .zip(&a.dimensions)
            .map(|(d, r)| {
                if r.max_rating > r.rating {
                    format!("{} {} (up to {})", d.id, r.rating, r.max_rating)
                } else {
                    format!("{} {}", d.id, r.rating)
                }
            })
            .collect();
        self.para("", &format!("Ratings: {}", ratings.join(" · ")), Ink::Plain);
        if a.max_level != a.level {
            let could = crate::render::question_ids(rs, &a.could_raise);
            self.para(
                "",
                &format!(
                    "Could be as high as {} once missing answers are known ({}).",
                    rs.levels[a.max_level].name,
                    could.join(", ")
                ),
                Ink::Yellow,
            );
        }
        for why in crate::render::eligibility_not_established(rs, a, str::to_string) {
            self.para(
                "",
                &format!("Eligibility not established: {why}"),
                Ink::Yellow,
            );
        }
        if !a.supports.is_empty() {
            let names = support_names(rs, &a.supports);
            self.para("", &format!("Supports: {names}"), Ink::Plain);
        }
        if !a.possible_supports.is_empty() {
            let names = support_names(rs, &a.possible_supports);
            self.para(
                "",
                &format!(
                    "Possible supports (undecided until the missing answers are known): {names}"
                ),
                Ink::Plain,
            );
        }
        let others: Vec<&str> = a
            .flags
            .iter()
            .filter(|&&f| rs.flags[f].severity != FlagSeverity::Critical)
            .map(|&f| rs.flags[f].id.as_str())
            .collect();
        if !others.is_empty() {
            self.para(
                "",
                &format!("Other flags: {}", others.join(", ")),
                Ink::Yellow,
            );
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

/// SIGINT, SIGTERM and SIGHUP become a request to stop at the next prompt
/// instead of killing the process; the answers are saved after each one
/// anyway, so nothing but the current prompt is lost either way.
pub mod signals {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);

    pub fn stop_requested() -> bool {
        STOP.load(Ordering::SeqCst)
    }

    #[cfg(unix)]
    extern "C" fn on_signal(_sig: libc::c_int) {
        STOP.store(true, Ordering::SeqCst);
    }

    /// Installs the handlers (once per process).
    #[cfg(unix)]
    pub fn install() {
        // SAFETY: the handler only stores to an atomic, which is
        // async-signal-safe; `sigaction` is given a zeroed, then filled,
        // struct and a null old-action pointer.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = 0;
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    }

    #[cfg(not(unix))]
    pub fn install() {}
}
