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
}

enum Pending {
    Input(Input),
    Stdin,
}

impl InputStream {
    pub fn new(paths: &[PathBuf]) -> Self {
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
                let mut buf = Vec::new();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => self.stdin = None,
                    Ok(_) => {
                        *line_no += 1;
                        let n = *line_no;
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

/// All inputs at once (for small runs and tests).
pub fn expand(paths: &[PathBuf]) -> Vec<Input> {
    InputStream::new(paths).collect()
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
            out.push(Input::File(p));
        }
    }
}

/// Reads and scores one input.
pub fn score_input(rs: &RuleSet, input: &Input) -> Record {
    match input {
        Input::Broken(f) => Record::Failed(f.clone()),
        Input::File(p) => {
            let source = p.display().to_string();
            let bytes = match std::fs::read(p) {
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
            score_bytes(rs, source, &bytes, 0)
        }
        Input::Line(n, text) => {
            score_bytes(rs, format!("stdin:{n}"), text.as_bytes(), *n as u32 - 1)
        }
    }
}

/// Scores the bytes of one intake; `line_offset` is added to reported lines
/// (for stdin).
pub fn score_bytes(rs: &RuleSet, source: String, bytes: &[u8], line_offset: u32) -> Record {
    let fail = |code: &str, message: String, line: Option<u32>, column: Option<u32>| {
        Record::Failed(Failure {
            source: source.clone(),
            code: code.into(),
            message,
            line,
            column,
        })
    };
    if bytes.len() > Limits::INTAKE.max_bytes {
        return fail(
            "intake-limit",
            format!(
                "file is {} bytes, more than the limit of {} bytes",
                bytes.len(),
                Limits::INTAKE.max_bytes
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
                "file is not UTF-8 text".into(),
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
        if let Some(intake) = crate::intake_fast::parse(text, rs) {
            return scored(rs, source, intake);
        }
    }
    match intake::parse(text, rs, &Limits::INTAKE) {
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
