//! The line of text: typed or pasted (line breaks kept), checked before it
//! is recorded, an empty line keeping the answer given before.

use super::region::{Paint, Region};
use super::text::{fit, one_line, size, wrap};
use super::{escape_keys, footer, Escapes};
use crate::assess::terminal::keys::{Key, Keys, Raw};
use crate::assess::PromptError;
use unicode_width::UnicodeWidthChar;

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
            Typed::Declined => "no answer".into(),
            Typed::Help => "(help)".into(),
            Typed::Back => "(back)".into(),
            Typed::Jump => "(sections)".into(),
        };
        let line = fit(&format!("✔ {}: {answer}", self.title), width);
        region.finish(self.color, &[(line, Paint::Good)])?;
        Ok(how)
    }
}
