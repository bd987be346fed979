//! Keys from the terminal, in raw mode, with what a person did not type
//! told apart from what they did:
//!
//! - keys typed before a prompt was drawn are discarded
//!   ([`Keys::discard_pending`]), so a bounced key cannot answer a
//!   question nobody has seen yet;
//! - input that arrives in one piece (one read of the terminal) with
//!   other keys is a paste, not typing: an Enter in it is
//!   [`Key::BurstEnter`], never a confirmation; several Enters alone in one
//!   piece (a bounced key) are one Enter;
//! - a bracketed paste is one [`Key::Paste`].
//!
//! The terminal is read directly (poll and read on standard input), which
//! keeps event loops and their networking-capable crates out of the tool.

use super::signals;
use crate::assess::PromptError;
use crossterm::terminal;
use std::collections::VecDeque;
use std::io::Write;

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

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Raw mode and bracketed paste for as long as it lives.
pub struct Raw;

impl Raw {
    pub fn enter() -> Result<Raw, PromptError> {
        terminal::enable_raw_mode().map_err(|e| PromptError::Terminal(e.to_string()))?;
        let mut err = std::io::stderr();
        let _ = err.write_all(b"\x1b[?2004h");
        let _ = err.flush();
        Ok(Raw)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let mut err = std::io::stderr();
        let _ = err.write_all(b"\x1b[?2004l");
        let _ = err.flush();
        let _ = terminal::disable_raw_mode();
    }
}

/// Reads keys (in raw mode: see [`Raw`]).
#[derive(Debug, Default)]
pub struct Keys {
    queue: VecDeque<Key>,
    /// A bracketed paste not finished in the last read.
    paste: Option<Vec<u8>>,
    size: Option<(u16, u16)>,
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
        self.queue.clear();
        self.paste = None;
        self.size = terminal::size().ok();
    }

    /// The next key. Ctrl-C, or a stop signal, is `Interrupted`.
    pub fn next(&mut self) -> Result<Key, PromptError> {
        loop {
            if let Some(k) = self.queue.pop_front() {
                return Ok(k);
            }
            if signals::stop_requested() {
                return Err(PromptError::Interrupted);
            }
            let size = terminal::size().ok();
            if size != self.size {
                self.size = size;
                return Ok(Key::Resize);
            }
            if let Some(chunk) = read_chunk(100)? {
                self.take(&chunk)?;
            }
        }
    }

    /// Turns one read into keys.
    fn take(&mut self, chunk: &[u8]) -> Result<(), PromptError> {
        let mut keys = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() || self.paste.is_some() {
            if let Some(mut buf) = self.paste.take() {
                match find(rest, PASTE_END) {
                    Some(i) => {
                        buf.extend_from_slice(&rest[..i]);
                        keys.push(Key::Paste(String::from_utf8_lossy(&buf).into_owned()));
                        rest = &rest[i + PASTE_END.len()..];
                        continue;
                    }
                    None => {
                        buf.extend_from_slice(rest);
                        self.paste = Some(buf);
                        break;
                    }
                }
            }
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                rest = &rest[PASTE_START.len()..];
                continue;
            }
            let (key, used) = parse(rest)?;
            keys.extend(key);
            rest = &rest[used.max(1)..];
        }
        let only_enters = keys.iter().all(|k| *k == Key::Enter);
        if only_enters {
            // A bounced Enter: one press.
            keys.truncate(1);
        } else {
            for k in &mut keys {
                if *k == Key::Enter {
                    *k = Key::BurstEnter;
                }
            }
        }
        self.queue.extend(keys);
        Ok(())
    }
}

/// Waits up to `ms` milliseconds for input and reads what has arrived.
fn read_chunk(ms: i32) -> Result<Option<Vec<u8>>, PromptError> {
    let term = |e: std::io::Error| PromptError::Terminal(e.to_string());
    let mut fds = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the duration of the call.
    let n = unsafe { libc::poll(&mut fds, 1, ms) };
    if n < 0 {
        let e = std::io::Error::last_os_error();
        return match e.kind() {
            std::io::ErrorKind::Interrupted => Ok(None),
            _ => Err(term(e)),
        };
    }
    if n == 0 {
        return Ok(None);
    }
    if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
        && fds.revents & libc::POLLIN == 0
    {
        return Err(PromptError::Terminal("the terminal closed".into()));
    }
    let mut buf = [0u8; 4096];
    // SAFETY: reads into a buffer of the length given.
    let r = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
    match r {
        0 => Err(PromptError::Terminal("the terminal closed".into())),
        r if r < 0 => {
            let e = std::io::Error::last_os_error();
            match e.kind() {
                std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock => Ok(None),
                _ => Err(term(e)),
            }
        }
        r => Ok(Some(buf[..r as usize].to_vec())),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The first key in `b` (or none, for what is ignored) and the bytes it
/// took.
fn parse(b: &[u8]) -> Result<(Option<Key>, usize), PromptError> {
    Ok(match b[0] {
        0x03 => return Err(PromptError::Interrupted),
        b'\r' | b'\n' => (Some(Key::Enter), 1),
        0x7f | 0x08 => (Some(Key::Backspace), 1),
        b'\t' => (Some(Key::Tab), 1),
        0x15 => (Some(Key::ClearLine), 1),
        0x1b => escape(b),
        c if c < 0x20 => (None, 1),
        _ => {
            // One character, UTF-8.
            let len = match b[0] {
                c if c < 0x80 => 1,
                c if c >> 5 == 0b110 => 2,
                c if c >> 4 == 0b1110 => 3,
                c if c >> 3 == 0b11110 => 4,
                _ => return Ok((None, 1)),
            };
            match b.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
                Some(s) => (s.chars().next().map(Key::Char), len),
                None => (None, 1),
            }
        }
    })
}

/// An escape sequence: arrows, Home, End, Page Up and Down, Delete; Esc
/// alone is the Esc key; anything else is skipped whole.
fn escape(b: &[u8]) -> (Option<Key>, usize) {
    match b.get(1) {
        None => (Some(Key::Esc), 1),
        Some(b'O') => match b.get(2) {
            Some(c) => (arrow(*c), 3),
            None => (None, 2),
        },
        Some(b'[') => {
            // Parameters and intermediates, then one final byte.
            let mut i = 2;
            while i < b.len() && (0x20..0x40).contains(&b[i]) {
                i += 1;
            }
            let Some(&last) = b.get(i) else {
                return (None, b.len());
            };
            let params = std::str::from_utf8(&b[2..i]).unwrap_or("");
            let key = match last {
                b'~' => match params.split(';').next().unwrap_or("") {
                    "1" | "7" => Some(Key::Home),
                    "4" | "8" => Some(Key::End),
                    "3" => Some(Key::Delete),
                    "5" => Some(Key::PageUp),
                    "6" => Some(Key::PageDown),
                    _ => None,
                },
                c => arrow(c),
            };
            (key, i + 1)
        }
        // Alt with a key, or an escape sequence not understood.
        Some(_) => (None, 2),
    }
}

fn arrow(c: u8) -> Option<Key> {
    match c {
        b'A' => Some(Key::Up),
        b'B' => Some(Key::Down),
        b'C' => Some(Key::Right),
        b'D' => Some(Key::Left),
        b'H' => Some(Key::Home),
        b'F' => Some(Key::End),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(chunks: &[&[u8]]) -> Vec<Key> {
        let mut k = Keys::default();
        for c in chunks {
            k.take(c).unwrap();
        }
        k.queue.into_iter().collect()
    }

    #[test]
    fn typed_keys_and_sequences() {
        assert_eq!(keys(&[b"7", b"\r"]), vec![Key::Char('7'), Key::Enter]);
        assert_eq!(
            keys(&[b"\x1b[A", b"\x1bOB", b"\x1b[3~", b"\x1b"]),
            vec![Key::Up, Key::Down, Key::Delete, Key::Esc]
        );
        assert_eq!(keys(&["é".as_bytes()]), vec![Key::Char('é')]);
        assert_eq!(
            Keys::default().take(b"a\x03"),
            Err(PromptError::Interrupted)
        );
    }

    #[test]
    fn input_in_one_piece_is_a_paste_and_a_bounced_enter_is_one() {
        assert_eq!(
            keys(&[b"ab\ncd\r"]),
            vec![
                Key::Char('a'),
                Key::Char('b'),
                Key::BurstEnter,
                Key::Char('c'),
                Key::Char('d'),
                Key::BurstEnter
            ]
        );
        assert_eq!(keys(&[b"\r\r"]), vec![Key::Enter]);
        assert_eq!(
            keys(&[b"\x1b[200~one\r", b"two\x1b[201~"]),
            vec![Key::Paste("one\rtwo".into())]
        );
    }
}
