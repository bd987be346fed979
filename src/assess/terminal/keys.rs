//! Keys from the terminal, one at a time, in raw mode, with what a person
//! did not type told apart from what they did:
//!
//! - keys typed before a prompt was drawn are discarded
//!   ([`Keys::discard_pending`]), so a bounced key cannot answer a
//!   question nobody has seen yet;
//! - an Enter that arrives together with other input (several lines pasted
//!   at once, without bracketed paste) is [`Key::BurstEnter`], never a
//!   confirmation; a bracketed paste is one [`Key::Paste`].

use super::signals;
use crate::assess::PromptError;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use std::io::Write;
use std::time::{Duration, Instant};

/// A key press, as the prompts see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Char(char),
    /// Enter, pressed on its own.
    Enter,
    /// Enter that came in one piece with other input: part of a paste.
    BurstEnter,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Backspace,
    Delete,
    Esc,
    Tab,
    /// Ctrl-U: clear the line.
    ClearLine,
    /// A bracketed paste.
    Paste(String),
    /// The terminal changed size: draw again.
    Resize,
}

/// Input that was already waiting, this soon after the previous key, came
/// with it (a paste), not from a person's next keystroke.
const BURST: Duration = Duration::from_millis(30);

/// Raw mode and bracketed paste for as long as it lives.
pub struct Raw;

impl Raw {
    pub fn enter() -> Result<Raw, PromptError> {
        terminal::enable_raw_mode().map_err(|e| PromptError::Terminal(e.to_string()))?;
        let mut err = std::io::stderr();
        let _ = crossterm::execute!(err, event::EnableBracketedPaste);
        Ok(Raw)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let mut err = std::io::stderr();
        let _ = crossterm::execute!(err, event::DisableBracketedPaste);
        let _ = terminal::disable_raw_mode();
        let _ = err.flush();
    }
}

/// Reads keys (in raw mode: see [`Raw`]).
#[derive(Debug, Default)]
pub struct Keys {
    last: Option<Instant>,
}

impl Keys {
    /// Throws away everything typed so far and not yet read: called each
    /// time a prompt is drawn.
    pub fn discard_pending(&mut self) {
        #[cfg(unix)]
        // SAFETY: tcflush on standard input only drops queued input bytes;
        // it fails harmlessly when standard input is not a terminal.
        unsafe {
            libc::tcflush(libc::STDIN_FILENO, libc::TCIFLUSH);
        }
        // What the event reader has already read and parsed.
        while event::poll(Duration::ZERO).unwrap_or(false) {
            if event::read().is_err() {
                break;
            }
        }
        self.last = None;
    }

    /// The next key. Ctrl-C, or a stop signal, is `Interrupted`.
    pub fn next(&mut self) -> Result<Key, PromptError> {
        let term = |e: std::io::Error| PromptError::Terminal(e.to_string());
        loop {
            if signals::stop_requested() {
                return Err(PromptError::Interrupted);
            }
            let waiting = event::poll(Duration::ZERO).map_err(term)?;
            if !waiting && !event::poll(Duration::from_millis(100)).map_err(term)? {
                continue;
            }
            let ev = event::read().map_err(term)?;
            let now = Instant::now();
            let burst = waiting && self.last.is_some_and(|t| now.duration_since(t) < BURST);
            self.last = Some(now);
            let key = match ev {
                Event::Key(k) if k.kind != KeyEventKind::Release => match map(k, burst) {
                    Some(Ok(key)) => key,
                    Some(Err(e)) => return Err(e),
                    None => continue,
                },
                Event::Paste(s) => Key::Paste(s),
                Event::Resize(..) => Key::Resize,
                _ => continue,
            };
            return Ok(key);
        }
    }
}

fn map(k: KeyEvent, burst: bool) -> Option<Result<Key, PromptError>> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(Ok(match k.code {
        KeyCode::Char('c') | KeyCode::Char('C') if ctrl => {
            return Some(Err(PromptError::Interrupted))
        }
        KeyCode::Char('u') if ctrl => Key::ClearLine,
        KeyCode::Char('j') | KeyCode::Char('m') if ctrl => enter(burst),
        KeyCode::Char(_) if ctrl || k.modifiers.contains(KeyModifiers::ALT) => return None,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => enter(burst),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        _ => return None,
    }))
}

fn enter(burst: bool) -> Key {
    if burst {
        Key::BurstEnter
    } else {
        Key::Enter
    }
}
