//! Standard input read as JSON Lines: lines in batches sharing one
//! buffer, blank lines skipped, an over-long line an error record.

use super::{Batch, Input, Item};
use crate::render::Failure;

/// Standard input being read as JSON Lines.
pub(super) struct StdinLines {
    /// The start of a line that the last batch did not finish.
    pub(super) carry: Vec<u8>,
    /// Lines read so far.
    pub(super) line_no: usize,
    pub(super) done: bool,
}

/// How standard input is read: as JSON Lines, the start already read; or
/// whole, as one file of intakes (an item: the text, or why it could not
/// be read).
pub(super) enum Opened {
    Lines(StdinLines),
    Whole(Item),
}

/// Opens standard input. It is JSON Lines unless its first character
/// (after white space) is `[`, one JSON array of intakes, or it starts with
/// `---` or a `#` comment, YAML documents: such input is read whole, up to
/// `max_bytes`, and scored as a file of several intakes (`stdin#k`).
pub(super) fn open(max_bytes: usize) -> Opened {
    let mut stdin = std::io::stdin().lock();
    let mut text = Vec::new();
    let mut chunk = vec![0u8; READ_BYTES];
    let mut done = false;
    // Enough to see the first character that is not white space.
    while !done && text.iter().all(u8::is_ascii_whitespace) {
        match read_some(&mut stdin, &mut chunk) {
            Ok(0) => done = true,
            Ok(n) => text.extend_from_slice(&chunk[..n]),
            Err(e) => return Opened::Whole(Item::Input(stdin_error(&e))),
        }
    }
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let first = &text[start.unwrap_or(text.len())..];
    let whole = first.starts_with(b"[") || first.starts_with(b"---") || first.starts_with(b"#");
    if !whole {
        return Opened::Lines(StdinLines {
            carry: text,
            line_no: 0,
            done,
        });
    }
    while !done && text.len() <= max_bytes {
        match read_some(&mut stdin, &mut chunk) {
            Ok(0) => done = true,
            Ok(n) => text.extend_from_slice(&chunk[..n]),
            Err(e) => return Opened::Whole(Item::Input(stdin_error(&e))),
        }
    }
    if text.len() > max_bytes {
        return Opened::Whole(Item::Input(Input::Broken(Failure {
            id: None,
            source: "stdin".into(),
            code: "intake-limit".into(),
            message: format!(
                "standard input (a list of intakes or YAML documents, read whole) is more than the limit of {max_bytes} bytes (--max-intake-bytes)"
            ),
            line: None,
            column: None,
        })));
    }
    Opened::Whole(Item::Input(Input::Stdin(text)))
}

/// Buffers of batches already scored, for the next batches to fill: a
/// fresh buffer of a megabyte costs a page fault per page. At most
/// [`SPARE_BUFFERS`] are kept.
static SPARE: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
const SPARE_BUFFERS: usize = 4;

fn spare_buffer() -> Vec<u8> {
    SPARE
        .lock()
        .map(|mut s| s.pop().unwrap_or_default())
        .unwrap_or_default()
}

/// Keeps the buffer of a scored batch for the next batch of lines (its
/// bytes as they are: the next batch writes over them).
pub(super) fn give_back(buffer: Vec<u8>) {
    if buffer.len() < BATCH_BYTES {
        return;
    }
    if let Ok(mut spare) = SPARE.lock() {
        if spare.len() < SPARE_BUFFERS {
            spare.push(buffer);
        }
    }
}

/// A batch of standard input holds at most this many bytes (unless one
/// line is longer), read this many at a time.
const BATCH_BYTES: usize = 1 << 20;
const READ_BYTES: usize = 1 << 18;

impl StdinLines {
    /// Reads up to `max` non-blank lines. A line longer than `max_line`
    /// bytes is an error record, and only what is needed to find its end
    /// is kept in memory.
    pub(super) fn read_batch(&mut self, max: usize, max_line: usize) -> Batch {
        // Room for a whole batch at once (no copying as it fills), in the
        // buffer of a batch already scored when there is one: its bytes
        // are written once when it is made, and then only read into. The
        // batch's text is `text[..filled]`; the rest is room.
        let mut text = spare_buffer();
        let room = BATCH_BYTES + READ_BYTES + self.carry.len().max(READ_BYTES);
        if text.len() < room {
            text.resize(room, 0);
        }
        let mut filled = self.carry.len();
        text[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut items = Vec::new();
        let mut start = 0;
        let mut scanned = 0;
        let mut stdin = std::io::stdin().lock();
        loop {
            // Every whole line in the buffer.
            while items.len() < max {
                let Some(i) = memchr::memchr(b'\n', &text[start + scanned..filled]) else {
                    scanned = filled - start;
                    break;
                };
                let end = start + scanned + i;
                self.line(&text, start, end, true, max_line, &mut items);
                start = end + 1;
                scanned = 0;
            }
            if items.len() >= max || (filled >= BATCH_BYTES && !items.is_empty()) {
                break;
            }
            if self.done {
                if start < filled {
                    self.line(&text, start, filled, false, max_line, &mut items);
                    start = filled;
                }
                break;
            }
            if filled - start > max_line {
                // Too long: skip to its end, keeping nothing of it.
                let mut len = filled - start;
                filled = start;
                self.line_no += 1;
                let mut chunk = vec![0u8; READ_BYTES];
                let mut error = None;
                loop {
                    match read_some(&mut stdin, &mut chunk) {
                        Ok(0) => {
                            self.done = true;
                            break;
                        }
                        Ok(n) => match memchr::memchr(b'\n', &chunk[..n]) {
                            Some(i) => {
                                len += i + 1;
                                let rest = &chunk[i + 1..n];
                                if text.len() < filled + rest.len() {
                                    text.resize(filled + rest.len(), 0);
                                }
                                text[filled..filled + rest.len()].copy_from_slice(rest);
                                filled += rest.len();
                                break;
                            }
                            None => len += n,
                        },
                        Err(e) => {
                            error = Some(stdin_error(&e));
                            self.done = true;
                            break;
                        }
                    }
                }
                items.push(too_long(self.line_no, len, max_line));
                items.extend(error.map(Item::Input));
                scanned = 0;
                continue;
            }
            if items.is_empty() && start > 0 {
                // Only blank lines so far: drop them.
                text.copy_within(start..filled, 0);
                filled -= start;
                start = 0;
            }
            // Read more.
            if text.len() < filled + READ_BYTES {
                text.resize(filled + READ_BYTES, 0);
            }
            match read_some(&mut stdin, &mut text[filled..filled + READ_BYTES]) {
                Ok(n) => {
                    filled += n;
                    self.done = n == 0;
                }
                Err(e) => {
                    items.push(Item::Input(stdin_error(&e)));
                    self.done = true;
                }
            }
        }
        self.carry = text[start..filled].to_vec();
        Batch { text, items }
    }

    /// Takes the line `text[start..end]` (ended by a line break when
    /// `newline`): blank lines are skipped, over-long ones are errors.
    fn line(
        &mut self,
        text: &[u8],
        start: usize,
        mut end: usize,
        newline: bool,
        max_line: usize,
        items: &mut Vec<Item>,
    ) {
        self.line_no += 1;
        let n = self.line_no;
        if end - start > max_line {
            items.push(too_long(n, end - start + usize::from(newline), max_line));
            return;
        }
        if newline && end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        if !text[start..end].iter().all(|b| b.is_ascii_whitespace()) {
            items.push(Item::Line(n, start..end));
        }
    }
}

/// The record for line `n` of standard input, `len` bytes long with its
/// line break, over the limit.
fn too_long(n: usize, len: usize, max_line: usize) -> Item {
    Item::Input(Input::Broken(Failure {
        id: None,
        source: format!("stdin:{n}"),
        code: "intake-limit".into(),
        message: format!(
            "line is {len} bytes, more than the limit of {max_line} bytes (--max-intake-bytes)"
        ),
        line: Some(n as u32),
        column: None,
    }))
}

fn read_some(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn stdin_error(e: &std::io::Error) -> Input {
    Input::Broken(Failure {
        id: None,
        source: "stdin".into(),
        code: "io".into(),
        message: format!(
            "cannot read standard input: {}",
            crate::rules::load::io_reason(e)
        ),
        line: None,
        column: None,
    })
}
