//! Turning command-line paths into intake records: files, folders
//! (recursive), and `-` for JSON Lines on stdin. Every input becomes
//! exactly one record.

use crate::engine;
use crate::intake::{self, IntakeError};
use crate::render::{Failure, Record, Scored};
use crate::rules::RuleSet;
use crate::yaml::Limits;
use std::io::BufRead;

use std::path::{Path, PathBuf};

/// One input to score.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    /// A line of standard input: its number and text.
    Line(usize, String),
    /// An input that failed before it could be read (a folder that cannot
    /// be listed).
    Broken(Failure),
}

fn is_intake_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// The inputs of a run, in order: files as given, folders recursively in
/// sorted order, `-` as the lines of standard input, read as they are
/// needed so that memory does not grow with their number.
pub struct InputStream {
    pending: std::collections::VecDeque<Pending>,
    stdin: Option<(std::io::BufReader<std::io::Stdin>, usize)>,
    has_stdin: bool,
    /// The longest line read from standard input (`Limits::max_bytes`).
    max_line: usize,
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
                walk(p, &mut found, &mut Vec::new());
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
        }
    }

    /// How many inputs there are, when known in advance (no stdin).
    pub fn known_total(&self) -> Option<usize> {
        (!self.has_stdin).then_some(self.pending.len())
    }
}

impl Iterator for InputStream {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some((reader, line_no)) = &mut self.stdin {
                // Sized for a typical intake line, to spare regrowing it.
                let mut buf = Vec::with_capacity(4096);
                // At most one byte past the limit is kept; the rest of an
                // over-long line is skipped.
                let limit = self.max_line as u64 + 1;
                match read_line_bounded(reader, &mut buf, limit) {
                    Ok(0) => self.stdin = None,
                    Ok(len) => {
                        *line_no += 1;
                        let n = *line_no;
                        if buf.len() as u64 >= limit {
                            return Some(Input::Broken(Failure {
                                source: format!("stdin:{n}"),
                                code: "intake-limit".into(),
                                message: format!(
                                    "line is {len} bytes, more than the limit of {} bytes (--max-intake-bytes)",
                                    self.max_line
                                ),
                                line: Some(n as u32),
                                column: None,
                            }));
                        }
                        if buf.last() == Some(&b'\n') {
                            buf.pop();
                            if buf.last() == Some(&b'\r') {
                                buf.pop();
                            }
                        }
                        if buf.iter().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        return Some(match String::from_utf8(buf) {
                            Ok(text) => Input::Line(n, text),
                            Err(e) => {
                                let col = e.utf8_error().valid_up_to() as u32 + 1;
                                Input::Broken(Failure {
                                    source: format!("stdin:{n}"),
                                    code: "intake-encoding".into(),
                                    message: "line is not UTF-8 text".into(),
                                    line: Some(n as u32),
                                    column: Some(col),
                                })
                            }
                        });
                    }
                    Err(e) => {
                        self.stdin = None;
                        return Some(Input::Broken(Failure {
                            source: "stdin".into(),
                            code: "io".into(),
                            message: format!(
                                "cannot read standard input: {}",
                                crate::rules::load::io_reason(&e)
                            ),
                            line: None,
                            column: None,
                        }));
                    }
                }
                continue;
            }
            match self.pending.pop_front()? {
                Pending::Input(i) => return Some(i),
                Pending::Stdin => {
                    self.stdin = Some((
                        std::io::BufReader::with_capacity(1 << 16, std::io::stdin()),
                        0,
                    ))
                }
            }
        }
    }
}

/// Reads one line (through its `\n`) keeping at most `keep` bytes of it
/// in `buf`; returns the line's full length.
fn read_line_bounded(r: &mut impl BufRead, buf: &mut Vec<u8>, keep: u64) -> std::io::Result<usize> {
    let mut total = 0usize;
    loop {
        let (done, used) = {
            let avail = match r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(total);
            }
            let (done, used) = match memchr::memchr(b'\n', avail) {
                Some(i) => (true, i + 1),
                None => (false, avail.len()),
            };
            let room = (keep as usize).saturating_sub(buf.len());
            buf.extend_from_slice(&avail[..used.min(room)]);
            (done, used)
        };
        r.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

/// All inputs at once (for small runs and tests).
pub fn expand(paths: &[PathBuf], limits: &Limits) -> Vec<Input> {
    InputStream::new(paths, limits).collect()
}

fn walk(dir: &Path, out: &mut Vec<Input>, visited: &mut Vec<PathBuf>) {
    // Guard against symlink loops.
    if let Ok(canon) = std::fs::canonicalize(dir) {
        if visited.contains(&canon) {
            return;
        }
        visited.push(canon);
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Input::Broken(Failure {
                source: dir.display().to_string(),
                code: "io".into(),
                message: format!("cannot read folder: {}", crate::rules::load::io_reason(&e)),
                line: None,
                column: None,
            }));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, visited);
        } else if is_intake_file(&p) {
            // Every matching name is accounted for. Regular files only are
            // read: a FIFO or device would block the run.
            let broken = |message: String| {
                Input::Broken(Failure {
                    source: p.display().to_string(),
                    code: "io".into(),
                    message,
                    line: None,
                    column: None,
                })
            };
            match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => out.push(Input::File(p)),
                Ok(_) => out.push(broken(
                    "not a regular file (a pipe, socket or device); not read".into(),
                )),
                Err(e) => out.push(broken(format!(
                    "cannot read file: {}",
                    crate::rules::load::io_reason(&e)
                ))),
            }
        }
    }
}

/// Reads and scores one input; `limits` bounds what is read.
pub fn score_input(rs: &RuleSet, input: &Input, limits: &Limits) -> Record {
    match input {
        Input::Broken(f) => Record::Failed(f.clone()),
        Input::File(p) => {
            let source = p.display().to_string();
            let bytes = match crate::fsutil::read_bounded(p, limits.max_bytes) {
                Ok(b) => b,
                Err(e) => {
                    return Record::Failed(Failure {
                        source,
                        code: "io".into(),
                        message: format!("cannot read file: {}", crate::rules::load::io_reason(&e)),
                        line: None,
                        column: None,
                    })
                }
            };
            score_bytes(rs, limits, source, &bytes, 0)
        }
        Input::Line(n, text) => score_bytes(
            rs,
            limits,
            format!("stdin:{n}"),
            text.as_bytes(),
            *n as u32 - 1,
        ),
    }
}

/// Scores the bytes of one intake; `line_offset` is added to reported lines
/// (for stdin).
pub fn score_bytes(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    bytes: &[u8],
    line_offset: u32,
) -> Record {
    let fail = |code: &str, message: String, line: Option<u32>, column: Option<u32>| {
        Record::Failed(Failure {
            source: source.clone(),
            code: code.into(),
            message,
            line,
            column,
        })
    };
    if bytes.len() > limits.max_bytes {
        return fail(
            "intake-limit",
            format!(
                "file is more than the limit of {} bytes (--max-intake-bytes)",
                limits.max_bytes
            ),
            None,
            None,
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (valid.len()
                - valid
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map(|i| i + 1)
                    .unwrap_or(0)) as u32
                + 1;
            return fail(
                "intake-encoding",
                "file is not UTF-8 text; save it as UTF-8".into(),
                Some(line + line_offset),
                Some(col),
            );
        }
    };
    let looks_json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if looks_json {
        if let Some(intake) = crate::intake_fast::parse(text, rs, limits) {
            return scored(rs, source, intake);
        }
    }
    match intake::parse(text, rs, limits) {
        Err(IntakeError { first, count }) => {
            let e = IntakeError { first, count };
            let known = e.first.span.is_known();
            fail(
                e.first.code,
                e.message(),
                known.then_some(e.first.span.line + line_offset),
                known.then_some(e.first.span.col),
            )
        }
        Ok(intake) => scored(rs, source, intake),
    }
}

fn scored(rs: &RuleSet, source: String, intake: intake::Intake) -> Record {
    let assessment = engine::score(rs, &intake);
    if let Some(&x) = assessment.excluded.first() {
        return Record::Failed(Failure {
            source,
            code: "excluded".into(),
            message: rs.exclusions[x].message.clone(),
            line: None,
            column: None,
        });
    }
    Record::Scored(Box::new(Scored {
        source,
        intake,
        assessment,
    }))
}
