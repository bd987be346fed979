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

/// Expands the paths into inputs, in order: files as given, folders
/// recursively in sorted order, `-` as the lines of stdin.
pub fn expand(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let stdin = std::io::stdin();
            for (i, line) in stdin.lock().lines().enumerate() {
                match line {
                    Ok(l) if l.trim().is_empty() => {}
                    Ok(l) => out.push(Input::Line(i + 1, l)),
                    Err(_) => out.push(Input::Broken(Failure {
                        source: format!("stdin:{}", i + 1),
                        code: "intake-encoding".into(),
                        message: "line is not UTF-8 text".into(),
                        line: Some(i as u32 + 1),
                        column: None,
                    })),
                }
            }
        } else if p.is_dir() {
            let mut visited = Vec::new();
            walk(p, &mut out, &mut visited);
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    out
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
        Input::Line(n, text) => score_bytes(rs, format!("stdin:{n}"), text.as_bytes(), *n as u32 - 1),
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
            format!("file is {} bytes, more than the limit of {} bytes", bytes.len(), Limits::INTAKE.max_bytes),
            None,
            None,
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (valid.len() - valid.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(0)) as u32 + 1;
            return fail("intake-encoding", "file is not UTF-8 text".into(), Some(line + line_offset), Some(col));
        }
    };
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
        Ok(intake) => {
            let assessment = engine::score(rs, &intake);
            if let Some(&x) = assessment.excluded.first() {
                return fail("excluded", rs.exclusions[x].message.clone(), None, None);
            }
            Record::Scored(Box::new(Scored {
                source,
                intake,
                assessment,
            }))
        }
    }
}
