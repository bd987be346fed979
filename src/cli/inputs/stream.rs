//! The inputs of a run as a stream: files, folders and standard input in
//! the order given, read a batch at a time as they are needed.

use super::folders::walk;
use super::stdin::StdinLines;
use super::{line_text, Batch, Input, Item};
use crate::yaml::Limits;

use std::path::PathBuf;

/// The inputs of a run, in order: files as given, folders recursively in
/// sorted order, `-` as the lines of standard input, read as they are
/// needed so that memory does not grow with their number.
pub struct InputStream {
    pending: std::collections::VecDeque<Pending>,
    stdin: Option<StdinLines>,
    has_stdin: bool,
    /// The longest line read from standard input (`Limits::max_bytes`).
    max_line: usize,
    /// Inputs of the last batch not yet given out by the iterator.
    ready: std::collections::VecDeque<Input>,
}

enum Pending {
    Input(Input),
    Stdin,
}

impl InputStream {
    pub fn new(paths: &[PathBuf], limits: &Limits) -> Self {
        let mut pending = std::collections::VecDeque::new();
        let mut has_stdin = false;
        for p in paths {
            if p.as_os_str() == "-" {
                pending.push_back(Pending::Stdin);
                has_stdin = true;
            } else if p.is_dir() {
                let mut found = Vec::new();
                walk(p, &mut found);
                pending.extend(found.into_iter().map(Pending::Input));
            } else {
                pending.push_back(Pending::Input(Input::File(p.clone())));
            }
        }
        InputStream {
            pending,
            stdin: None,
            has_stdin,
            max_line: limits.max_bytes,
            ready: Default::default(),
        }
    }

    /// How many inputs there are, when known in advance (no stdin).
    pub fn known_total(&self) -> Option<usize> {
        (!self.has_stdin).then_some(self.pending.len())
    }

    /// The next inputs, at most `max` of them; `None` at the end.
    pub fn next_batch(&mut self, max: usize) -> Option<Batch> {
        let mut batch = Batch {
            text: Vec::new(),
            items: Vec::new(),
        };
        while batch.items.len() < max {
            if let Some(stdin) = &mut self.stdin {
                if !batch.items.is_empty() {
                    // Lines start a batch of their own.
                    break;
                }
                batch = stdin.read_batch(max, self.max_line);
                if stdin.done {
                    self.stdin = None;
                }
                if batch.items.is_empty() {
                    continue;
                }
                break;
            }
            match self.pending.pop_front() {
                None => break,
                Some(Pending::Input(i)) => batch.items.push(Item::Input(i)),
                Some(Pending::Stdin) => match super::stdin::open(self.max_line) {
                    super::stdin::Opened::Lines(lines) => self.stdin = Some(lines),
                    super::stdin::Opened::Whole(item) => batch.items.push(item),
                },
            }
        }
        (!batch.items.is_empty()).then_some(batch)
    }
}

impl Iterator for InputStream {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some(i) = self.ready.pop_front() {
                return Some(i);
            }
            let mut batch = self.next_batch(1024)?;
            for item in std::mem::take(&mut batch.items) {
                self.ready.push_back(match item {
                    Item::Input(i) => i,
                    Item::Line(n, range) => match line_text(n, &batch.text[range]) {
                        Ok(text) => Input::Line(n, text.to_string()),
                        Err(f) => Input::Broken(f),
                    },
                });
            }
        }
    }
}

/// All inputs at once (for small runs and tests).
pub fn expand(paths: &[PathBuf], limits: &Limits) -> Vec<Input> {
    InputStream::new(paths, limits).collect()
}
