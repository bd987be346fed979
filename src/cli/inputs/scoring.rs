//! Reading and scoring one input into a record: its bytes checked, the
//! intake read (the fast path first for JSON), scored, and its placement
//! checked against the recommendation.

use super::Input;
use crate::engine;
use crate::intake;
use crate::render::{Failure, Record, Scored};
use crate::rules::model::CheckSeverity;
use crate::rules::RuleSet;
use crate::yaml::Limits;

/// Whether a scored intake's placement is checked against the
/// recommendation (an override needs a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placements {
    Check,
    /// Not checked: the intake is scored under a rule set other than the
    /// one its placement was made with (`rules diff`, NEW).
    Ignore,
}

/// The records of one input: one, or one per intake of a file that holds
/// several (a list of intakes, or YAML documents separated by `---`).
#[derive(Debug, Clone)]
pub enum Records {
    One(Record),
    Many(Vec<Record>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::One(_) => 1,
            Records::Many(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl IntoIterator for Records {
    type Item = Record;
    type IntoIter = std::iter::Chain<std::option::IntoIter<Record>, std::vec::IntoIter<Record>>;

    fn into_iter(self) -> Self::IntoIter {
        match self {
            Records::One(r) => Some(r).into_iter().chain(Vec::new()),
            Records::Many(v) => None.into_iter().chain(v),
        }
    }
}

/// Reads and scores one input; `limits` bounds what is read.
pub fn score_input(rs: &RuleSet, input: &Input, limits: &Limits) -> Records {
    score_input_with(rs, input, limits, Placements::Check)
}

/// [`score_input`], saying whether placements are checked.
pub fn score_input_with(
    rs: &RuleSet,
    input: &Input,
    limits: &Limits,
    placements: Placements,
) -> Records {
    match input {
        Input::Broken(f) => Records::One(Record::Failed(f.clone())),
        Input::File(p) => {
            // Exact, escaped where the name is not UTF-8: two files never
            // share a source.
            let source = crate::pathname::show(p);
            let bytes = match crate::fsutil::read_bounded(p, limits.max_bytes) {
                Ok(b) => b,
                Err(e) => {
                    return Records::One(Record::Failed(Failure {
                        id: None,
                        source,
                        code: "io".into(),
                        message: format!("cannot read file: {}", crate::rules::load::io_reason(&e)),
                        line: None,
                        column: None,
                    }))
                }
            };
            score_file(rs, limits, source, &bytes, placements)
        }
        Input::Stdin(bytes) => score_file(rs, limits, "stdin".into(), bytes, placements),
        Input::Line(n, text) => Records::One(score_text(
            rs,
            limits,
            format!("stdin:{n}"),
            text,
            *n as u32 - 1,
            placements,
        )),
    }
}

/// Scores a file's bytes: one intake, or each of several
/// ([`intake::parse_file`]), the `k`-th (from 1) named `SOURCE#k`.
fn score_file(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    bytes: &[u8],
    placements: Placements,
) -> Records {
    let text = match checked_text(limits, &source, bytes, 0) {
        Ok(t) => t,
        Err(r) => return Records::One(r),
    };
    let looks_json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    // JSON object files: the fast path, as for standard input; but a FHIR
    // resource (a QuestionnaireResponse, or a Bundle of several) is read
    // as a file that may hold several intakes.
    if looks_json && !names_a_resource(text) {
        return Records::One(score_text(rs, limits, source, text, 0, placements));
    }
    let at = Place {
        text,
        line_offset: 0,
        limits,
    };
    match intake::parse_file(text, rs, limits) {
        intake::FileIntakes::One(r) => Records::One(record_of(rs, source, *r, placements, &at)),
        intake::FileIntakes::Many(all) => {
            // Each intake's placement is found in its own part of the file
            // only by a reader of the whole list; lines are left out there.
            let none = Place {
                text: "",
                line_offset: 0,
                limits,
            };
            Records::Many(
                all.into_iter()
                    .enumerate()
                    .map(|(k, r)| {
                        record_of(rs, format!("{source}#{}", k + 1), r, placements, &none)
                    })
                    .collect(),
            )
        }
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
    score_bytes_with(rs, limits, source, bytes, line_offset, Placements::Check)
}

fn score_bytes_with(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    bytes: &[u8],
    line_offset: u32,
    placements: Placements,
) -> Record {
    match checked_text(limits, &source, bytes, line_offset) {
        Ok(text) => score_text(rs, limits, source, text, line_offset, placements),
        Err(r) => r,
    }
}

/// The bytes of an input as text, or the error record when they are over
/// the limit or not UTF-8.
fn checked_text<'a>(
    limits: &Limits,
    source: &str,
    bytes: &'a [u8],
    line_offset: u32,
) -> Result<&'a str, Record> {
    let fail = |code: &str, message: String, line: Option<u32>, column: Option<u32>| {
        Err(failed(
            source.to_string(),
            None,
            code,
            message,
            line,
            column,
        ))
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
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t),
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
            fail(
                "intake-encoding",
                "file is not UTF-8 text; save it as UTF-8".into(),
                Some(line + line_offset),
                Some(col),
            )
        }
    }
}

/// Whether a JSON text is a FHIR resource: it names its type, which a
/// native intake never does.
fn names_a_resource(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"\"resourceType\"").is_some()
}

/// Scores the text of one intake (see [`score_bytes`]).
pub(super) fn score_text(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    text: &str,
    line_offset: u32,
    placements: Placements,
) -> Record {
    let record = |intake| {
        let at = Place {
            text,
            line_offset,
            limits,
        };
        scored(rs, source.clone(), intake, placements, &at)
    };
    let looks_json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if looks_json {
        let fast = if names_a_resource(text) {
            crate::fhir::response::fast(text, rs, limits)
        } else {
            crate::intake::fast::parse(text, rs, limits)
        };
        if let Some(intake) = fast {
            return record(intake);
        }
    }
    let at = Place {
        text,
        line_offset,
        limits,
    };
    record_of(rs, source, intake::parse(text, rs, limits), placements, &at)
}

/// The record of one intake as read: scored, or the error.
fn record_of(
    rs: &RuleSet,
    source: String,
    read: Result<intake::Intake, intake::IntakeError>,
    placements: Placements,
    at: &Place,
) -> Record {
    match read {
        Err(e) => {
            let known = e.first.span.is_known();
            failed(
                source,
                e.id.clone(),
                e.first.code,
                e.message(),
                known.then_some(e.first.span.line + at.line_offset),
                known.then_some(e.first.span.col),
            )
        }
        Ok(intake) => scored(rs, source, intake, placements, at),
    }
}

/// The text an intake was read from, to find where its fields are.
struct Place<'a> {
    text: &'a str,
    line_offset: u32,
    limits: &'a Limits,
}

impl Place<'_> {
    /// The line and column of the answer to question `id`.
    fn answer(&self, id: &str) -> (Option<u32>, Option<u32>) {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(self.text);
        let Ok(root) = crate::yaml::parse(text, 0, self.limits) else {
            return (None, None);
        };
        fn get<'n>(
            n: &'n crate::yaml::Node,
            key: &str,
        ) -> Option<&'n (crate::yaml::Node, crate::yaml::Node)> {
            match &n.kind {
                crate::yaml::Kind::Map(pairs) => {
                    pairs.iter().find(|(k, _)| k.as_str() == Some(key))
                }
                _ => None,
            }
        }
        let span = get(&root, "answers").and_then(|(_, answers)| get(answers, id));
        match span.map(|(k, _)| k.span).filter(|s| s.is_known()) {
            Some(s) => (Some(s.line + self.line_offset), Some(s.col)),
            None => (None, None),
        }
    }

    /// The line and column of the intake's `placement` key, or of the
    /// value of its `reason`.
    fn placement(&self, reason: bool) -> (Option<u32>, Option<u32>) {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(self.text);
        let Ok(root) = crate::yaml::parse(text, 0, self.limits) else {
            return (None, None);
        };
        let get = |n: &crate::yaml::Node, key: &str| match &n.kind {
            crate::yaml::Kind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v.span),
            _ => None,
        };
        let found = match &root.kind {
            crate::yaml::Kind::Map(pairs) => {
                pairs.iter().find(|(k, _)| k.as_str() == Some("placement"))
            }
            _ => None,
        };
        let span = found.map(|(k, v)| match reason {
            true => get(v, "reason").unwrap_or(k.span),
            false => k.span,
        });
        match span.filter(|s| s.is_known()) {
            Some(s) => (Some(s.line + self.line_offset), Some(s.col)),
            None => (None, None),
        }
    }
}

fn failed(
    source: String,
    id: Option<String>,
    code: &str,
    message: String,
    line: Option<u32>,
    column: Option<u32>,
) -> Record {
    Record::Failed(Failure {
        source,
        id,
        code: code.into(),
        message,
        line,
        column,
    })
}

fn scored(
    rs: &RuleSet,
    source: String,
    intake: intake::Intake,
    placements: Placements,
    at: &Place,
) -> Record {
    let assessment = engine::score(rs, &intake);
    if let Some(&x) = assessment.excluded.first() {
        return Record::Failed(Failure {
            source,
            id: intake.id.clone(),
            code: "excluded".into(),
            message: rs.exclusions[x].message.clone(),
            line: None,
            column: None,
        });
    }
    if let Some(c) = assessment
        .contradictions
        .iter()
        .find(|c| rs.checks[c.check].severity == CheckSeverity::Error)
    {
        let (line, column) = c
            .questions
            .first()
            .map(|&q| at.answer(&rs.questions[q].id))
            .unwrap_or((None, None));
        return failed(
            source,
            intake.id.clone(),
            "contradiction",
            c.text(rs),
            line,
            column,
        );
    }
    let s = Scored {
        source,
        intake,
        assessment,
    };
    if placements == Placements::Check {
        if let Some((code, message, reason)) = s.placement_problem(rs) {
            let (line, column) = at.placement(reason);
            return failed(s.source, s.intake.id, code, message, line, column);
        }
    }
    Record::Scored(Box::new(s))
}
