//! `placement history`: one client's assessments over time. Every intake
//! given is read and scored once (as `score` reads it, through
//! `cli::inputs`); the client's are put in date order, each reassessment is
//! matched against the row before it, and `render::history` lays them out.

use super::inputs::scoring::{score_input, Records};
use super::inputs::{stream::InputStream, Input};
use super::{CmdResult, Failure, Globals};
use crate::render::history::{Course, DateField, Dated, Link, Row};
use crate::render::{self, table::Style, Record, Scored};
use clap::{Args, ValueEnum};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Intake files, folders of them (searched recursively for *.yaml,
    /// *.yml, *.json), or `-` for standard input, read as `score` reads
    /// them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The client whose course to show: the intakes' `client` (a
    /// program's own reference, never a name). Needed when the intakes
    /// given belong to more than one client.
    #[arg(long, value_name = "ID")]
    pub client: Option<String>,

    /// Output format (default: `table` on a terminal, `json` otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
}

/// An intake kept for the course: its place among the inputs, the record,
/// and the file it is the only intake of (for the SHA-256 a later
/// reassessment may have recorded of it).
type Kept = (usize, Box<Scored>, Option<PathBuf>);

pub fn run(g: &Globals, args: HistoryArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let to_terminal = std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    // Every input is read and scored once. Only intakes that can be in the
    // course are kept (the client asked for; without --client, the first
    // client met and those with no client id), so memory follows one
    // client's intakes, not the folder's; the others are counted.
    let mut failures: Vec<render::Failure> = Vec::new();
    let mut kept: Vec<Kept> = Vec::new();
    let mut clients: BTreeMap<String, usize> = BTreeMap::new();
    let (mut total, mut without) = (0usize, 0usize);
    for input in InputStream::new(&args.paths, &g.intake_limits) {
        let records = score_input(rs, &input, &g.intake_limits);
        let file = match (&input, &records) {
            (Input::File(p), Records::One(_)) => Some(p.clone()),
            _ => None,
        };
        for record in records {
            total += 1;
            let s = match record {
                Record::Failed(f) => {
                    failures.push(f);
                    continue;
                }
                Record::Scored(s) => s,
            };
            let keep = match (&args.client, &s.intake.client) {
                (Some(want), Some(c)) => want == c,
                (Some(_), None) => false,
                (None, None) => true,
                (None, Some(c)) => clients.is_empty() || clients.contains_key(c),
            };
            match &s.intake.client {
                Some(c) => *clients.entry(c.clone()).or_default() += 1,
                None => without += 1,
            }
            if keep {
                kept.push((total - 1, s, file.clone()));
            }
        }
    }
    if total == 0 {
        return Err(Failure::usage(
            "no intake files found in the given paths (looked for *.yaml, *.yml, *.json)",
        ));
    }
    let scored = total - failures.len();
    let client: Option<&str> = match (&args.client, clients.len()) {
        (Some(c), _) => Some(c.as_str()),
        (None, 0) => None,
        (None, 1) => clients.keys().next().map(String::as_str),
        (None, n) => {
            for f in &failures {
                super::eprintln_safe(render::table::failure(f).trim_end());
            }
            let no_id = match without {
                0 => String::new(),
                1 => " (and 1 intake has no client id)".to_string(),
                w => format!(" (and {w} intakes have no client id)"),
            };
            return Err(Failure::usage(format!(
                "the intakes given belong to {n} clients: {}{no_id}; pass --client ID to show the history of one",
                client_list(&clients)
            )));
        }
    };
    // Errors also go to stderr, so they are seen when stdout is piped (the
    // table shows them itself).
    if format != Format::Table {
        for f in &failures {
            super::eprintln_safe(render::table::failure(f).trim_end());
        }
    }
    let picked: Vec<(usize, &Scored, Option<&PathBuf>)> = kept
        .iter()
        .filter(|(_, s, _)| s.intake.client.as_deref() == client)
        .map(|(k, s, f)| (*k, &**s, f.as_ref()))
        .collect();
    if client.is_none() && !picked.is_empty() {
        super::eprintln_safe(&format!(
            "note: none of the {} intake(s) has a client id; they are shown as one course, so check that they are of the same person",
            picked.len()
        ));
    }
    let others = scored - without - picked.len() * usize::from(client.is_some());
    if client.is_some() && !picked.is_empty() && (others > 0 || without > 0) {
        let mut left = Vec::new();
        if others > 0 {
            left.push(format!("{others} of other clients"));
        }
        if without > 0 {
            left.push(format!("{without} with no client id"));
        }
        super::eprintln_safe(&format!(
            "note: {} intake(s) left out: {}",
            others + without,
            left.join(", ")
        ));
    }
    if picked.is_empty() && scored > 0 {
        let who = client.map_or(String::new(), |c| format!(" of client `{c}`"));
        let found = if clients.is_empty() {
            String::new()
        } else {
            format!("; clients found: {}", client_list(&clients))
        };
        let msg = format!("no intake{who} among the {scored} intake(s) read{found}");
        if failures.is_empty() {
            return Err(Failure::usage(msg));
        }
        super::eprintln_safe(&format!("error: {}", crate::diag::text::visible(&msg)));
    }

    let rows = course(picked, g.intake_limits.max_bytes);
    let course = Course {
        client,
        rows,
        failures: failures.iter().collect(),
    };
    let text = match format {
        Format::Table => {
            let style = Style {
                color: g.color_stdout,
                width: to_terminal
                    .then(|| crossterm::terminal::size().ok().map(|s| s.0))
                    .flatten(),
            };
            render::history::table(rs, &course, style)
        }
        Format::Json => render::history::json(rs, &course),
        Format::Markdown => render::history::markdown(rs, &course),
    };
    super::write_stdout_bytes(text.as_bytes())?;
    if failures.is_empty() {
        Ok(0)
    } else {
        super::eprintln_safe(&format!(
            "{} of {} input(s) could not be read",
            failures.len(),
            total
        ));
        Ok(1)
    }
}

/// `C-3001 (3 intakes), C-3002 (1 intake)`, the first ten.
fn client_list(clients: &BTreeMap<String, usize>) -> String {
    let mut list: Vec<String> = clients
        .iter()
        .take(10)
        .map(|(c, n)| format!("{c} ({n} intake{})", if *n == 1 { "" } else { "s" }))
        .collect();
    if clients.len() > 10 {
        list.push(format!("and {} more", clients.len() - 10));
    }
    list.join(", ")
}

/// The rows in date order (rows without a valid date last, in input order
/// among themselves), each reassessment matched against the row before it.
fn course<'a>(
    picked: Vec<(usize, &'a Scored, Option<&'a PathBuf>)>,
    max_bytes: usize,
) -> Vec<Row<'a>> {
    let mut keyed: Vec<_> = picked
        .into_iter()
        .map(|(k, s, file)| {
            let date = date_of(s);
            let at = date.and_then(|d| instant(d.text));
            ((at.is_none(), at, k), s, date, file)
        })
        .collect();
    keyed.sort_by_key(|(key, ..)| *key);
    let mut rows: Vec<Row> = Vec::with_capacity(keyed.len());
    let mut prior: Option<(&Scored, Option<&PathBuf>)> = None;
    for (_, s, date, file) in keyed {
        let link = link(s, prior, max_bytes);
        rows.push(Row {
            scored: s,
            date,
            link,
        });
        prior = Some((s, file));
    }
    rows
}

/// The date a row is ordered by: `assessed_at`, else `started_at`, else
/// `updated_at`.
fn date_of(s: &Scored) -> Option<Dated<'_>> {
    let i = &s.intake;
    [
        (&i.assessed_at, DateField::AssessedAt),
        (&i.started_at, DateField::StartedAt),
        (&i.updated_at, DateField::UpdatedAt),
    ]
    .into_iter()
    .find_map(|(t, field)| {
        t.as_deref().map(|text| Dated {
            text,
            field,
            valid: instant(text).is_some(),
        })
    })
}

/// How a reassessment stands to the row before it: it follows that row
/// when it names that row's id; then the SHA-256 it recorded is checked
/// against that row's file, when the row is a file of its own (read
/// again, within `--max-intake-bytes`).
fn link(s: &Scored, prior: Option<(&Scored, Option<&PathBuf>)>, max_bytes: usize) -> Link {
    let Some(x) = &s.intake.reassessment else {
        return Link::None;
    };
    let Some((p, file)) = prior else {
        return Link::Elsewhere;
    };
    if x.previous.id.is_none() || x.previous.id != p.intake.id {
        return Link::Elsewhere;
    }
    let sha256 = match (&x.previous.sha256, file) {
        (Some(want), Some(file)) => crate::fsutil::read_bounded(file, max_bytes)
            .ok()
            .map(|bytes| sha256_hex(&bytes).eq_ignore_ascii_case(want.trim())),
        _ => None,
    };
    Link::Prior { sha256 }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An RFC 3339 timestamp (`2026-11-26T14:05:00Z`, `...T14:05:00.5+01:00`)
/// as seconds and nanoseconds since 1970 (UTC), or `None` when the text
/// is not one.
pub fn instant(text: &str) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 {
        return None;
    }
    // 60: a leap second.
    if sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        for k in 0..9 {
            let digit = b.get(start + k).filter(|_| start + k < i);
            nanos = nanos * 10 + digit.map_or(0, |c| u32::from(c - b'0'));
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
    Some((secs, nanos))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days-from-civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::instant;

    #[test]
    fn timestamps_are_read_as_instants() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(instant("2026-11-26T14:05:00Z"), Some((1_795_701_900, 0)));
        assert_eq!(instant("2000-02-29T00:00:00Z"), Some((951_782_400, 0)));
        assert_eq!(
            instant("2026-11-26T15:05:00.25+01:00"),
            Some((1_795_701_900, 250_000_000))
        );
        assert_eq!(
            instant("2026-11-26T09:05:00-05:00"),
            Some((1_795_701_900, 0))
        );
        assert_eq!(instant("1969-12-31T23:59:59Z"), Some((-1, 0)));
    }

    #[test]
    fn other_text_is_not_a_timestamp() {
        for t in [
            "",
            "2026-11-26",
            "2026-11-26T14:05:00",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T14:05:00.Z",
            "2026-11-26T14:05:00+0100",
            "26/11/2026 14:05",
            "2026-11-26T14:05:00Zjunk",
            "２０２６-11-26T14:05:00Z",
        ] {
            assert_eq!(instant(t), None, "{t}");
        }
    }
}
