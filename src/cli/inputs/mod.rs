//! Turning command-line paths into intake records: files, folders
//! (recursive), and `-` for JSON Lines on stdin. Every input becomes
//! one record, or one per intake for a file (or a standard input) that
//! holds several. This file: an input, and inputs read as a batch;
//! `stream.rs` gives them out in order, `folders.rs` walks folders,
//! `stdin.rs` reads JSON Lines, `scoring.rs` reads and scores one input.

mod folders;
pub mod scoring;
mod stdin;
pub mod stream;

use crate::render::{Failure, Record};
use crate::rules::RuleSet;
use crate::yaml::Limits;
use scoring::{score_input, score_text, Placements, Records};

use std::path::PathBuf;

/// One input to score.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    /// A line of standard input: its number and text.
    Line(usize, String),
    /// All of standard input, when it is not JSON Lines: a JSON array of
    /// intakes, or YAML documents (see `stdin::open`).
    Stdin(Vec<u8>),
    /// An input that failed before it could be read (a folder that cannot
    /// be listed).
    Broken(Failure),
}

/// Inputs read together (`InputStream::next_batch`): lines of standard
/// input share one buffer, so reading them costs one allocation per batch.
pub struct Batch {
    text: Vec<u8>,
    pub items: Vec<Item>,
}

/// One input of a [`Batch`].
pub enum Item {
    Input(Input),
    /// A line of standard input: its number and where it is in the
    /// batch's buffer (without its line break).
    Line(usize, std::ops::Range<usize>),
}

impl Drop for Batch {
    fn drop(&mut self) {
        stdin::give_back(std::mem::take(&mut self.text));
    }
}

impl Batch {
    /// Reads and scores one of the batch's inputs.
    pub fn score(&self, rs: &RuleSet, item: &Item, limits: &Limits) -> Records {
        match item {
            Item::Input(input) => score_input(rs, input, limits),
            Item::Line(n, range) => Records::One(match line_text(*n, &self.text[range.clone()]) {
                Ok(text) => score_text(
                    rs,
                    limits,
                    format!("stdin:{n}"),
                    text,
                    *n as u32 - 1,
                    Placements::Check,
                ),
                Err(f) => Record::Failed(f),
            }),
        }
    }
}

/// A line of standard input as text, or why it is not.
fn line_text(n: usize, bytes: &[u8]) -> Result<&str, Failure> {
    std::str::from_utf8(bytes).map_err(|e| Failure {
        id: None,
        source: format!("stdin:{n}"),
        code: "intake-encoding".into(),
        message: "line is not UTF-8 text".into(),
        line: Some(n as u32),
        column: Some(e.valid_up_to() as u32 + 1),
    })
}
