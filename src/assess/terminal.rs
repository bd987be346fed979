//! The [`Prompter`] for a person at a terminal, over dialoguer. This and
//! `crate::cli` are the only places that write to the terminal: prompts,
//! notices and progress go to standard error; the recommendation table to
//! standard output.
//!
//! Ctrl-C while a prompt waits for a key makes console raise SIGINT; with
//! [`signals::install`] in place that only sets a flag, the prompt returns
//! an `Interrupted` error and the interview stops cleanly (the last answer
//! is already saved).

use super::prompt::{Notice, Prompt, PromptError, Prompter, Reply, Validator};
use crate::render::{table, Scored};
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use dialoguer::console::{style, Term};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect, Select};
use std::fmt;
use std::io::Write;

const DECLINE: &str = "(declined / unknown)";
const HELP: &str = "(show help)";

/// Asks at the terminal (`interactive`), or only shows notices and fails
/// any prompt (no terminal; everything was answered beforehand).
pub struct Terminal<'a> {
    term: Term,
    theme: MarkedTheme,
    color: bool,
    color_stdout: bool,
    interactive: bool,
    rs: &'a RuleSet,
    /// Shown as the source in the result table.
    source: String,
}

impl<'a> Terminal<'a> {
    pub fn new(
        rs: &'a RuleSet,
        source: String,
        interactive: bool,
        color_stderr: bool,
        color_stdout: bool,
    ) -> Self {
        dialoguer::console::set_colors_enabled_stderr(color_stderr);
        Terminal {
            term: Term::stderr(),
            theme: MarkedTheme(ColorfulTheme::default()),
            color: color_stderr,
            color_stdout,
            interactive,
            rs,
            source,
        }
    }

    /// Puts the cursor back (a prompt cut short leaves it hidden) and ends
    /// the current line.
    pub fn restore(&self) {
        let _ = self.term.show_cursor();
        let _ = self.term.flush();
    }

    fn line(&self, s: &str) {
        let _ = self.term.write_line(s);
    }

    fn check(&self) -> Result<(), PromptError> {
        if !self.interactive {
            return Err(PromptError::Terminal("no terminal to ask at".into()));
        }
        // dialoguer's lists need a few lines to draw in.
        if self.term.size().0 < 8 {
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
    /// wrapped to the terminal. The prompt line itself then carries only
    /// the question id: a prompt that wraps is not redrawn cleanly.
    fn before(&self, prompt: &Prompt) -> Result<(), PromptError> {
        self.check()?;
        if let Some(p) = prompt.progress {
            self.line("");
            self.line(&style(p).for_stderr().dim().to_string());
            let width = (self.term.size().1 as usize).saturating_sub(2).max(20);
            for l in wrap(prompt.text, width) {
                self.line(&style(l).for_stderr().bold().to_string());
            }
        }
        Ok(())
    }

    /// What the prompt line says (see [`Terminal::before`]).
    fn label<'p>(prompt: &'p Prompt) -> &'p str {
        if prompt.progress.is_some() {
            prompt.key
        } else {
            prompt.text
        }
    }

    /// Maps a dialoguer result, noticing a stop asked for meanwhile.
    fn after<T>(&self, r: dialoguer::Result<T>) -> Result<T, PromptError> {
        let stop = signals::stop_requested();
        match r {
            Err(dialoguer::Error::IO(e)) => {
                self.restore();
                if stop || e.kind() == std::io::ErrorKind::Interrupted {
                    Err(PromptError::Interrupted)
                } else {
                    Err(PromptError::Terminal(e.to_string()))
                }
            }
            Ok(_) if stop => {
                self.restore();
                Err(PromptError::Interrupted)
            }
            Ok(v) => Ok(v),
        }
    }

    /// Items with the escapes the prompt allows appended; returns the
    /// indexes of the escapes.
    fn with_escapes(
        prompt: &Prompt,
        items: &[String],
    ) -> (Vec<String>, Option<usize>, Option<usize>) {
        let mut all = items.to_vec();
        let decline = prompt.can_decline.then(|| {
            all.push(DECLINE.to_string());
            all.len() - 1
        });
        let help = prompt.has_help.then(|| {
            all.push(HELP.to_string());
            all.len() - 1
        });
        (all, decline, help)
    }

    /// Items cut to one line each: a list item that wraps confuses the
    /// redrawing of the list.
    fn fit(&self, items: Vec<String>) -> Vec<String> {
        let width = (self.term.size().1 as usize).saturating_sub(6).max(20);
        items.into_iter().map(|i| super::short(&i, width)).collect()
    }

    fn page(&self) -> usize {
        (self.term.size().0 as usize).saturating_sub(4).max(5)
    }

    fn banner(&self, lines: &[String], critical: bool) {
        let width = lines
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .min(100);
        let edge = if critical { "!" } else { "-" }.repeat(width + 4);
        let paint = |s: String| {
            if critical {
                style(s).for_stderr().red().bold().to_string()
            } else {
                style(s).for_stderr().yellow().to_string()
            }
        };
        self.line("");
        self.line(&paint(edge.clone()));
        for l in lines {
            self.line(&paint(format!("  {l}")));
        }
        self.line(&paint(edge));
    }

    fn review_table(&self, sections: &[super::ReviewSection]) {
        let width = self.term.size().1.clamp(60, 160);
        for s in sections {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(width);
            if !self.color {
                t.force_no_tty();
            }
            t.set_header(vec![s.title.as_str(), "Answer"]);
            for r in &s.rows {
                t.add_row(vec![r.text.clone(), super::short(&r.answer, 200)]);
            }
            self.line(&t.to_string());
        }
    }
}

impl Prompter for Terminal<'_> {
    fn select(
        &mut self,
        prompt: &Prompt,
        items: &[String],
        default: Option<usize>,
    ) -> Result<Reply<usize>, PromptError> {
        self.before(prompt)?;
        let (all, decline, help) = Self::with_escapes(prompt, items);
        let all = self.fit(all);
        let r = Select::with_theme(&self.theme)
            .with_prompt(Self::label(prompt))
            .items(&all)
            .default(default.filter(|d| *d < items.len()).unwrap_or(0))
            .max_length(self.page())
            .report(true)
            .interact_on(&self.term);
        let i = self.after(r)?;
        Ok(if Some(i) == decline {
            Reply::Declined
        } else if Some(i) == help {
            Reply::Help
        } else {
            Reply::Value(i)
        })
    }

    fn multi_select(
        &mut self,
        prompt: &Prompt,
        items: &[String],
        checked: &[bool],
    ) -> Result<Reply<Vec<usize>>, PromptError> {
        let mut checked = checked.to_vec();
        loop {
            self.before(prompt)?;
            let (all, decline, help) = Self::with_escapes(prompt, items);
            let all = self.fit(all);
            checked.resize(all.len(), false);
            let r = MultiSelect::with_theme(&self.theme)
                .with_prompt(format!(
                    "{} (Space ticks, Enter confirms)",
                    Self::label(prompt)
                ))
                .items(&all)
                .defaults(&checked)
                .max_length(self.page())
                .report(true)
                .interact_on(&self.term);
            let picked = self.after(r)?;
            let answers: Vec<usize> = picked
                .iter()
                .copied()
                .filter(|&i| i < items.len())
                .collect();
            if help.is_some_and(|h| picked.contains(&h)) {
                return Ok(Reply::Help);
            }
            if decline.is_some_and(|d| picked.contains(&d)) {
                if answers.is_empty() {
                    return Ok(Reply::Declined);
                }
                self.line(
                    &style("Tick answers or \"declined / unknown\", not both.")
                        .for_stderr()
                        .red()
                        .to_string(),
                );
                checked = (0..items.len()).map(|i| answers.contains(&i)).collect();
                continue;
            }
            return Ok(Reply::Value(answers));
        }
    }

    fn yes_no(
        &mut self,
        prompt: &Prompt,
        default: Option<bool>,
    ) -> Result<Reply<bool>, PromptError> {
        let items = vec!["Yes".to_string(), "No".to_string()];
        let default = default.map(|b| if b { 0 } else { 1 });
        Ok(match self.select(prompt, &items, default)? {
            Reply::Value(i) => Reply::Value(i == 0),
            Reply::Declined => Reply::Declined,
            Reply::Help => Reply::Help,
        })
    }

    fn input(
        &mut self,
        prompt: &Prompt,
        hint: &str,
        initial: Option<&str>,
        validate: Validator,
    ) -> Result<Reply<String>, PromptError> {
        self.before(prompt)?;
        let mut escapes = Vec::new();
        if prompt.has_help {
            escapes.push("? help");
        }
        if prompt.can_decline {
            escapes.push("- declined/unknown");
        }
        let text = if escapes.is_empty() {
            format!("{} [{hint}]", Self::label(prompt))
        } else {
            format!("{} [{}; {}]", Self::label(prompt), hint, escapes.join(", "))
        };
        let (can_decline, has_help) = (prompt.can_decline, prompt.has_help);
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(text)
            .allow_empty(true)
            .report(true)
            .validate_with(move |s: &String| -> Result<(), String> {
                match s.trim() {
                    "-" if can_decline => Ok(()),
                    "?" if has_help => Ok(()),
                    _ => validate(s),
                }
            });
        if let Some(i) = initial {
            input = input.with_initial_text(i);
        }
        let s = self.after(input.interact_text_on(&self.term))?;
        Ok(match s.trim() {
            "-" if can_decline => Reply::Declined,
            "?" if has_help => Reply::Help,
            _ => Reply::Value(s),
        })
    }

    fn acknowledge(&mut self, prompt: &Prompt) -> Result<(), PromptError> {
        self.check()?;
        let r = Select::with_theme(&self.theme)
            .with_prompt(prompt.text)
            .items(&["Yes, I have seen it: continue"])
            .default(0)
            .report(false)
            .interact_on(&self.term);
        self.after(r).map(|_| ())
    }

    fn show(&mut self, notice: &Notice) {
        match notice {
            Notice::Section { title, dimension } => {
                self.line("");
                let head = format!("━━ {title} ━━");
                self.line(&style(head).for_stderr().bold().to_string());
                if let Some(d) = dimension {
                    self.line(&format!("   dimension: {d}"));
                }
            }
            Notice::Help(text) => {
                let text = if text.is_empty() {
                    "No help for this question."
                } else {
                    text
                };
                for l in text.lines() {
                    self.line(
                        &style(format!("  help: {l}"))
                            .for_stderr()
                            .cyan()
                            .to_string(),
                    );
                }
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
                self.line(
                    &style(format!(
                        "  ▸ {instrument} total: {total}, band {band}{label}"
                    ))
                    .for_stderr()
                    .bold()
                    .to_string(),
                );
            }
            Notice::Flag {
                id,
                severity,
                message,
            } => match severity {
                FlagSeverity::Critical => self.banner(
                    &["CRITICAL FLAG [".to_string() + id + "]", message.clone()],
                    true,
                ),
                FlagSeverity::Warning => self.line(
                    &style(format!("!  WARNING [{id}]: {message}"))
                        .for_stderr()
                        .yellow()
                        .to_string(),
                ),
                FlagSeverity::Info => self.line(&format!("   INFO [{id}]: {message}")),
            },
            Notice::Excluded { id, message } => {
                self.banner(
                    &[
                        format!("STOP: this rule set does not apply [{id}]"),
                        message.clone(),
                    ],
                    true,
                );
            }
            Notice::Review(sections) => {
                self.line("");
                self.line(&style("━━ Review ━━").for_stderr().bold().to_string());
                self.review_table(sections);
            }
            Notice::Dropped(ids) => {
                self.line(&format!(
                    "These questions no longer apply; their answers will not be saved: {}",
                    ids.join(", ")
                ));
            }
            Notice::Result { intake, assessment } => {
                let scored = Scored {
                    source: self.source.clone(),
                    intake: (**intake).clone(),
                    assessment: (**assessment).clone(),
                };
                let text = table::scored(
                    self.rs,
                    &scored,
                    table::Style {
                        color: self.color_stdout,
                    },
                );
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out);
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            Notice::Info(s) => self.line(s),
        }
    }
}

/// dialoguer's colourful theme, with the cursor of a multiple-choice list
/// marked by a character too: that theme marks it by colour alone, which
/// is invisible without colour.
struct MarkedTheme(ColorfulTheme);

impl dialoguer::theme::Theme for MarkedTheme {
    fn format_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.0.format_prompt(f, prompt)
    }
    fn format_error(&self, f: &mut dyn fmt::Write, err: &str) -> fmt::Result {
        self.0.format_error(f, err)
    }
    fn format_input_prompt(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> fmt::Result {
        self.0.format_input_prompt(f, prompt, default)
    }
    fn format_input_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.0.format_input_prompt_selection(f, prompt, sel)
    }
    fn format_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.0.format_select_prompt(f, prompt)
    }
    fn format_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> fmt::Result {
        self.0.format_select_prompt_selection(f, prompt, sel)
    }
    fn format_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        active: bool,
    ) -> fmt::Result {
        self.0.format_select_prompt_item(f, text, active)
    }
    fn format_multi_select_prompt(&self, f: &mut dyn fmt::Write, prompt: &str) -> fmt::Result {
        self.0.format_multi_select_prompt(f, prompt)
    }
    fn format_multi_select_prompt_selection(
        &self,
        f: &mut dyn fmt::Write,
        prompt: &str,
        sel: &[&str],
    ) -> fmt::Result {
        self.0.format_multi_select_prompt_selection(f, prompt, sel)
    }
    fn format_multi_select_prompt_item(
        &self,
        f: &mut dyn fmt::Write,
        text: &str,
        checked: bool,
        active: bool,
    ) -> fmt::Result {
        let mark = if active {
            &self.0.active_item_prefix
        } else {
            &self.0.inactive_item_prefix
        };
        write!(f, "{mark} ")?;
        self.0
            .format_multi_select_prompt_item(f, text, checked, active)
    }
}

/// Words wrapped into lines of at most `width` characters (a longer word
/// gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_words() {
        assert_eq!(
            super::wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(super::wrap("a\nb", 9), vec!["a", "b"]);
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
