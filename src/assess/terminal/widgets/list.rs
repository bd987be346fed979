//! The pick list: one answer picked, or several ticked (with exclusive
//! answers refused together with others), keys typed to jump to an answer.

use super::region::{Paint, Region};
use super::text::{fit, size, wrap};
use super::{escape_keys, footer, Escapes};
use crate::assess::terminal::keys::{Key, Keys, Raw};
use crate::assess::PromptError;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

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
                            "Untick the answers first to record that there is no answer.".into(),
                            Paint::Error,
                        ));
                    } else {
                        self.cursor = None;
                        message =
                            Some(("No answer: press Enter, then say why.".into(), Paint::Plain));
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
            Picked::Declined => "no answer".into(),
            Picked::Help => "(help)".into(),
            Picked::Back => "(back)".into(),
            Picked::Jump => "(sections)".into(),
        };
        let line = fit(&format!("✔ {}: {answer}", self.title), width);
        region.finish(self.color, &[(line, Paint::Good)])?;
        Ok(how)
    }
}
