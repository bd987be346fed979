//! The prompts themselves: a pick list (one or several), and a line of
//! text. Each draws in a region of lines below the question, redraws it
//! after every key, and when done replaces it with one line that records
//! the answer (`✔ age: 38`), so the scrollback reads as a transcript.
//!
//! Every line drawn is cut to the terminal's width, so that the region's
//! height is known and redrawing never smears.

use super::keys::{Key, Keys, Raw};
use crate::assess::PromptError;
use crossterm::cursor::{Hide, MoveToColumn, MoveUp, Show};
use crossterm::style::Stylize;
use crossterm::terminal::{Clear, ClearType};
use crossterm::{queue, terminal};
use std::io::Write;
use std::time::{Duration, Instant};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The terminal's size (columns, rows), with a usable minimum.
pub fn size() -> (usize, usize) {
    let (w, h) = terminal::size().unwrap_or((80, 24));
    ((w as usize).max(20), (h as usize).max(8))
}

/// `s` cut to `width` columns, with `…` when cut; control characters
/// become spaces.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let room = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if total > width {
        out.push('…');
    }
    out
}

/// Words wrapped into lines of at most `width` columns (a longer word is
/// cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.width() + 1 + word.width() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(fit(&line, width));
    }
    lines
}

/// How a line is painted (when colour is on).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    Plain,
    Dim,
    Bold,
    Cursor,
    Error,
    Good,
}

/// The block of lines a prompt owns, redrawn in place.
#[derive(Debug, Default)]
struct Region {
    /// Lines from the region's first line down to the cursor.
    up: u16,
}

impl Region {
    fn draw(
        &mut self,
        color: bool,
        lines: &[(String, Paint)],
        cursor: Option<(usize, usize)>,
    ) -> Result<(), PromptError> {
        let mut err = std::io::stderr().lock();
        let io = |e: std::io::Error| PromptError::Terminal(e.to_string());
        if self.up > 0 {
            queue!(err, MoveUp(self.up)).map_err(io)?;
        }
        queue!(err, MoveToColumn(0), Clear(ClearType::FromCursorDown)).map_err(io)?;
        for (i, (l, p)) in lines.iter().enumerate() {
            if i > 0 {
                err.write_all(b"\r\n").map_err(io)?;
            }
            let text = if color {
                match p {
                    Paint::Plain => l.clone(),
                    Paint::Dim => l.as_str().dim().to_string(),
                    Paint::Bold => l.as_str().bold().to_string(),
                    Paint::Cursor => l.as_str().cyan().bold().to_string(),
                    Paint::Error => l.as_str().red().to_string(),
                    Paint::Good => l.as_str().green().to_string(),
                }
            } else {
                l.clone()
            };
            err.write_all(text.as_bytes()).map_err(io)?;
        }
        let last = lines.len().saturating_sub(1);
        match cursor {
            Some((row, col)) => {
                let up = last.saturating_sub(row) as u16;
                if up > 0 {
                    queue!(err, MoveUp(up)).map_err(io)?;
                }
                queue!(err, MoveToColumn(col as u16), Show).map_err(io)?;
                self.up = row as u16;
            }
            None => {
                queue!(err, Hide).map_err(io)?;
                self.up = last as u16;
            }
        }
        err.flush().map_err(io)
    }

    /// Replaces the region with `lines` for good and moves below them.
    fn finish(&mut self, color: bool, lines: &[(String, Paint)]) -> Result<(), PromptError> {
        self.draw(color, lines, None)?;
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b"\r\n");
        let _ = queue!(err, Show);
        let _ = err.flush();
        self.up = 0;
        Ok(())
    }
}

/// What the prompt allows besides an answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Escapes {
    pub decline: bool,
    pub help: bool,
    pub moves: bool,
}

/// The footer: the keys that work here, wrapped to the width.
fn footer(parts: &[&str], width: usize) -> Vec<(String, Paint)> {
    wrap(&parts.join(" · "), width)
        .into_iter()
        .map(|l| (l, Paint::Dim))
        .collect()
}

fn escape_keys(e: Escapes, parts: &mut Vec<&'static str>) {
    if e.decline {
        parts.push("- declined/unknown");
    }
    if e.help {
        parts.push("? help");
    }
    if e.moves {
        parts.push("Esc back");
        parts.push("Tab sections");
    }
}

/// A pick list.
pub struct List<'a> {
    /// The line above the items (the question id, or the prompt's text).
    pub title: &'a str,
    /// Key and label of each item.
    pub items: Vec<(String, String)>,
    /// Where the mark starts (the current answer), if anywhere.
    pub cursor: Option<usize>,
    /// `Some` for a tick list: what is ticked, and what is exclusive.
    pub ticks: Option<(Vec<bool>, Vec<bool>)>,
    pub escapes: Escapes,
    /// Lines already on screen above the list (for paging).
    pub above: usize,
    pub color: bool,
}

/// How a list ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    One(usize),
    Ticked(Vec<usize>),
    Declined,
    Help,
    Back,
    Jump,
}

impl List<'_> {
    pub fn run(mut self, keys: &mut Keys) -> Result<Picked, PromptError> {
        let _raw = Raw::enter()?;
        let mut region = Region::default();
        let mut message: Option<(String, Paint)> = None;
        let mut top = 0usize;
        let mut typed = String::new();
        let mut typed_at = Instant::now();
        keys.discard_pending();
        loop {
            let (width, height) = size();
            let lines = self.lines(width, height, &mut top, message.as_ref());
            region.draw(self.color, &lines, None)?;
            let key = keys.next()?;
            message = None;
            if !matches!(key, Key::Char(_) | Key::Enter) {
                typed.clear();
            }
            match key {
                Key::Up => self.move_by(-1),
                Key::Down => self.move_by(1),
                Key::PageUp => self.move_by(-5),
                Key::PageDown => self.move_by(5),
                Key::Home => self.cursor = Some(0),
                Key::End => self.cursor = Some(self.items.len().saturating_sub(1)),
                Key::Esc if self.escapes.moves => return self.done(&mut region, Picked::Back),
                Key::Tab if self.escapes.moves => return self.done(&mut region, Picked::Jump),
                Key::Char('?') if self.escapes.help => return self.done(&mut region, Picked::Help),
                Key::Char('-') if self.escapes.decline => {
                    if self.ticks.as_ref().is_some_and(|(t, _)| t.contains(&true)) {
                        message = Some((
                            "Untick the answers first to record declined / unknown.".into(),
                            Paint::Error,
                        ));
                    } else {
                        self.cursor = None;
                        message = Some((
                            "Declined / unknown: press Enter to record it.".into(),
                            Paint::Plain,
                        ));
                        typed = "-".into();
                    }
                }
                Key::Char(' ') if self.ticks.is_some() => match self.cursor {
                    Some(i) => message = self.toggle(i),
                    None => {
                        message = Some((
                            "Move to an answer first (↑↓ or its number).".into(),
                            Paint::Error,
                        ))
                    }
                },
                Key::Char(c) if !c.is_whitespace() => {
                    if typed_at.elapsed() > Duration::from_millis(1200) || typed == "-" {
                        typed.clear();
                    }
                    typed_at = Instant::now();
                    typed.push(c.to_ascii_lowercase());
                    let mut hit = self.find(&typed);
                    if hit.is_none() {
                        typed = c.to_ascii_lowercase().to_string();
                        hit = self.find(&typed);
                    }
                    match hit {
                        Some(i) => {
                            self.cursor = Some(i);
                            // A key that begins a longer one (1 of 10)
                            // waits for the next digit or Space.
                            let longer = self.items.iter().any(|(k, _)| {
                                k.len() > typed.len() && k.starts_with(typed.as_str())
                            });
                            if self.ticks.is_some() && !longer {
                                message = self.toggle(i);
                            } else if self.ticks.is_some() {
                                message = Some((
                                    "Space ticks it, or type the next digit.".into(),
                                    Paint::Plain,
                                ));
                            }
                        }
                        None => {
                            typed.clear();
                            message = Some((
                                format!("No answer has the key “{}”.", fit(&c.to_string(), 4)),
                                Paint::Error,
                            ));
                        }
                    }
                }
                Key::Enter => {
                    if typed == "-" && self.escapes.decline {
                        return self.done(&mut region, Picked::Declined);
                    }
                    if let Some((ticks, _)) = &self.ticks {
                        let picked: Vec<usize> = (0..ticks.len()).filter(|&i| ticks[i]).collect();
                        return self.done(&mut region, Picked::Ticked(picked));
                    }
                    match self.cursor {
                        Some(i) => return self.done(&mut region, Picked::One(i)),
                        None => {
                            message = Some((
                                "Nothing chosen yet: pick an answer, then press Enter.".into(),
                                Paint::Error,
                            ))
                        }
                    }
                }
                Key::BurstEnter | Key::Paste(_) => {
                    message = Some((
                        "Input arrived faster than typing (a paste?) and was ignored.".into(),
                        Paint::Error,
                    ))
                }
                _ => {}
            }
        }
    }

    fn find(&self, typed: &str) -> Option<usize> {
        self.items
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(typed))
    }

    fn move_by(&mut self, d: isize) {
        let n = self.items.len() as isize;
        if n == 0 {
            return;
        }
        self.cursor = Some(match self.cursor {
            None if d > 0 => 0,
            None => (n - 1) as usize,
            Some(c) => (c as isize + d).clamp(0, n - 1) as usize,
        });
    }

    /// Ticks or unticks item `i`; refuses an exclusive item together with
    /// others.
    fn toggle(&mut self, i: usize) -> Option<(String, Paint)> {
        let (ticks, exclusive) = self.ticks.as_mut()?;
        if ticks[i] {
            ticks[i] = false;
            return None;
        }
        let others = (0..ticks.len()).any(|j| j != i && ticks[j]);
        if others && (exclusive[i] || (0..ticks.len()).any(|j| ticks[j] && exclusive[j])) {
            let ex = if exclusive[i] {
                i
            } else {
                (0..ticks.len()).find(|&j| ticks[j] && exclusive[j])?
            };
            return Some((
                format!(
                    "“{}” cannot be ticked together with other answers.",
                    self.items[ex].1
                ),
                Paint::Error,
            ));
        }
        ticks[i] = true;
        None
    }

    fn lines(
        &self,
        width: usize,
        height: usize,
        top: &mut usize,
        message: Option<&(String, Paint)>,
    ) -> Vec<(String, Paint)> {
        let multi = self.ticks.is_some();
        let mut keys_help = vec!["↑↓ move"];
        if multi {
            keys_help.push("Space or key ticks");
            keys_help.push("Enter records the ticks");
        } else {
            keys_help.push("key or ↑↓ then Enter");
        }
        escape_keys(self.escapes, &mut keys_help);
        let foot = footer(&keys_help, width);
        let mut out: Vec<(String, Paint)> = wrap(&format!("? {}", self.title), width)
            .into_iter()
            .map(|l| (l, Paint::Bold))
            .collect();
        let title_lines = out.len();
        // Room for items: what is left under the lines above, the title,
        // the message and the footer.
        let room = height
            .saturating_sub(self.above + title_lines + 2 + foot.len())
            .max(3);
        let n = self.items.len();
        let shown = n.min(room);
        let c = self.cursor.unwrap_or(0);
        if c < *top {
            *top = c;
        } else if c >= *top + shown {
            *top = c + 1 - shown;
        }
        let keyw = self.items.iter().map(|(k, _)| k.width()).max().unwrap_or(1);
        for i in *top..(*top + shown).min(n) {
            let (k, label) = &self.items[i];
            let here = self.cursor == Some(i);
            let mark = if here { "›" } else { " " };
            let tick = match &self.ticks {
                Some((t, _)) if t[i] => "[x] ",
                Some(_) => "[ ] ",
                None => "",
            };
            let more = if i == *top && *top > 0 {
                " ↑"
            } else if i + 1 == *top + shown && *top + shown < n {
                " ↓"
            } else {
                ""
            };
            let line = format!("{mark} {k:>keyw$}  {tick}{label}{more}");
            out.push((
                fit(&line, width),
                if here { Paint::Cursor } else { Paint::Plain },
            ));
        }
        let msg = match message {
            Some(m) => (fit(&m.0, width), m.1),
            None if n > shown => (
                fit(&format!("{} of {} shown; ↑↓ for the rest", shown, n), width),
                Paint::Dim,
            ),
            None => (String::new(), Paint::Plain),
        };
        out.push(msg);
        out.extend(foot);
        out
    }

    fn done(&self, region: &mut Region, how: Picked) -> Result<Picked, PromptError> {
        let (width, _) = size();
        let answer = match &how {
            Picked::One(i) => self.items[*i].1.clone(),
            Picked::Ticked(v) if v.is_empty() => "(nothing ticked)".into(),
            Picked::Ticked(v) => v
                .iter()
                .map(|&i| self.items[i].1.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Picked::Declined => "declined / unknown".into(),
            Picked::Help => "(help)".into(),
            Picked::Back => "(back)".into(),
            Picked::Jump => "(sections)".into(),
        };
        let line = fit(&format!("✔ {}: {answer}", self.title), width);
        region.finish(self.color, &[(line, Paint::Good)])?;
        Ok(how)
    }
}

/// A line of text.
pub struct Line<'a> {
    pub title: &'a str,
    pub hint: &'a str,
    /// The answer given before: an empty line keeps it.
    pub current: Option<&'a str>,
    pub escapes: Escapes,
    pub color: bool,
}

/// How a line of text ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Text(String),
    Declined,
    Help,
    Back,
    Jump,
}

impl Line<'_> {
    pub fn run(
        self,
        keys: &mut Keys,
        validate: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<Typed, PromptError> {
        let _raw = Raw::enter()?;
        let mut region = Region::default();
        let mut buf: Vec<char> = Vec::new();
        let mut at = 0usize;
        let mut message: Option<(String, Paint)> = None;
        keys.discard_pending();
        loop {
            let (width, _) = size();
            let (lines, cursor) = self.lines(width, &buf, at, message.as_ref());
            region.draw(self.color, &lines, Some(cursor))?;
            let key = keys.next()?;
            message = None;
            match key {
                Key::Char(c) => {
                    buf.insert(at, c);
                    at += 1;
                }
                Key::Paste(s) => {
                    let s = s.replace("\r\n", "\n").replace('\r', "\n");
                    for c in s.trim_end_matches('\n').chars() {
                        buf.insert(at, c);
                        at += 1;
                    }
                }
                // Part of a paste: the line break is kept in the answer.
                Key::BurstEnter => {
                    buf.insert(at, '\n');
                    at += 1;
                }
                Key::Backspace if at > 0 => {
                    at -= 1;
                    buf.remove(at);
                }
                Key::Delete if at < buf.len() => {
                    buf.remove(at);
                }
                Key::Left => at = at.saturating_sub(1),
                Key::Right => at = (at + 1).min(buf.len()),
                Key::Home => at = 0,
                Key::End => at = buf.len(),
                Key::ClearLine => {
                    buf.clear();
                    at = 0;
                }
                Key::Esc if self.escapes.moves => return self.done(&mut region, Typed::Back),
                Key::Tab if self.escapes.moves => return self.done(&mut region, Typed::Jump),
                Key::Enter => {
                    let text: String = buf.iter().collect();
                    let trimmed = text.trim_end_matches('\n');
                    match trimmed.trim() {
                        "-" if self.escapes.decline => {
                            return self.done(&mut region, Typed::Declined)
                        }
                        "?" if self.escapes.help => return self.done(&mut region, Typed::Help),
                        "" if self.current.is_some() => {
                            let keep = self.current.unwrap_or_default().to_string();
                            return self.done(&mut region, Typed::Text(keep));
                        }
                        _ => {}
                    }
                    match validate(trimmed) {
                        Ok(()) => return self.done(&mut region, Typed::Text(trimmed.to_string())),
                        Err(m) => message = Some((m, Paint::Error)),
                    }
                }
                _ => {}
            }
        }
    }

    fn lines(
        &self,
        width: usize,
        buf: &[char],
        at: usize,
        message: Option<&(String, Paint)>,
    ) -> (Vec<(String, Paint)>, (usize, usize)) {
        let mut out: Vec<(String, Paint)> =
            wrap(&format!("? {} [{}]", self.title, self.hint), width)
                .into_iter()
                .map(|l| (l, Paint::Bold))
                .collect();
        let row = out.len();
        // The line being typed, scrolled so the cursor shows; a line break
        // from a paste shows as ⏎.
        let shown: Vec<char> = buf
            .iter()
            .map(|&c| if c == '\n' { '⏎' } else { c })
            .collect();
        let room = width.saturating_sub(4).max(4);
        let w = |cs: &[char]| cs.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>();
        let mut start = 0;
        while w(&shown[start..at]) > room.saturating_sub(1) {
            start += 1;
        }
        let mut end = at;
        while end < shown.len() && w(&shown[start..=end]) <= room {
            end += 1;
        }
        let lead = if start > 0 { "…" } else { " " };
        let visible: String = shown[start..end]
            .iter()
            .map(|&c| if c.is_control() { ' ' } else { c })
            .collect();
        out.push((format!("›{lead}{visible}"), Paint::Cursor));
        let col = 2 + w(&shown[start..at]);
        let msg = match (message, self.current) {
            (Some(m), _) => (fit(&m.0, width), m.1),
            (None, Some(c)) => (
                fit(
                    &format!("now {}; Enter on an empty line keeps it", one_line(c)),
                    width,
                ),
                Paint::Dim,
            ),
            (None, None) => (String::new(), Paint::Plain),
        };
        out.push(msg);
        let mut parts = vec!["Enter records"];
        escape_keys(self.escapes, &mut parts);
        out.extend(footer(&parts, width));
        (out, (row, col))
    }

    fn done(&self, region: &mut Region, how: Typed) -> Result<Typed, PromptError> {
        let (width, _) = size();
        let answer = match &how {
            Typed::Text(t) if t.is_empty() => "(none)".to_string(),
            Typed::Text(t) => one_line(t),
            Typed::Declined => "declined / unknown".into(),
            Typed::Help => "(help)".into(),
            Typed::Back => "(back)".into(),
            Typed::Jump => "(sections)".into(),
        };
        let line = fit(&format!("✔ {}: {answer}", self.title), width);
        region.finish(self.color, &[(line, Paint::Good)])?;
        Ok(how)
    }
}

/// Text on one line, line breaks shown as ⏎.
pub fn one_line(s: &str) -> String {
    s.replace('\n', "⏎")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_and_wraps_by_columns() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abcd", 4), "abcd");
        assert_eq!(fit("a\tb", 4), "a b");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("a\nb", 9), vec!["a", "b"]);
    }
}
