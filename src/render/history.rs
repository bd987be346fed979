//! One client's course over time (`placement history`): a row per
//! assessment, as a table for a terminal, as JSON and as a printable
//! Markdown page. The command scores each intake once, picks the client's,
//! puts them in date order and works out how each reassessment links to
//! the row before it; this only lays the rows out.

mod page;

pub use page::markdown;

use super::table::Style;
use super::{Failure, Record, Scored};
use crate::diag::text::visible;
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// The course of one client: the rows in date order, and every input that
/// could not be read (never dropped).
#[derive(Debug)]
pub struct Course<'a> {
    /// The client id the rows share; `None` when no intake given has one.
    pub client: Option<&'a str>,
    pub rows: Vec<Row<'a>>,
    pub failures: Vec<&'a Failure>,
}

/// One assessment of the course.
#[derive(Debug)]
pub struct Row<'a> {
    pub scored: &'a Scored,
    /// The date the row is ordered by; `None` when the intake has none.
    pub date: Option<Dated<'a>>,
    pub link: Link,
}

/// The field a row's date comes from: `assessed_at`, else `started_at`,
/// else `updated_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    AssessedAt,
    StartedAt,
    UpdatedAt,
}

impl DateField {
    /// The intake file's key.
    pub fn key(self) -> &'static str {
        match self {
            DateField::AssessedAt => "assessed_at",
            DateField::StartedAt => "started_at",
            DateField::UpdatedAt => "updated_at",
        }
    }
}

/// A row's date as the intake writes it.
#[derive(Debug, Clone, Copy)]
pub struct Dated<'a> {
    pub text: &'a str,
    pub field: DateField,
    /// Whether the text is an RFC 3339 timestamp (only those are put in
    /// order; the others sort last, with the rows that have no date).
    pub valid: bool,
}

impl Dated<'_> {
    /// The calendar date (`2026-10-01`) of a valid timestamp, or the text.
    pub fn day(&self) -> &str {
        match self.text.get(..10) {
            Some(d) if self.valid => d,
            _ => self.text,
        }
    }
}

/// How a row stands to the row before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Not a reassessment.
    None,
    /// A reassessment whose previous assessment is the row before it (same
    /// id). `sha256`: whether that row's file still has the SHA-256 the
    /// reassessment recorded (`None`: not checked, as the link names none
    /// or the row is not a file of its own).
    Prior { sha256: Option<bool> },
    /// A reassessment whose previous assessment is not the row before it
    /// (another id, no id, or no row before it).
    Elsewhere,
}

/// The rows' date range, `2026-10-01 to 2026-12-03` (one date when all
/// share it), from the rows with a valid date; `None` when none has one.
fn date_range(c: &Course) -> Option<String> {
    let mut days = c
        .rows
        .iter()
        .filter_map(|r| r.date.filter(|d| d.valid).map(|d| d.day().to_string()));
    let first = days.next()?;
    let last = days.next_back().unwrap_or_else(|| first.clone());
    Some(if first == last {
        first
    } else {
        format!("{first} to {last}")
    })
}

/// Headers for the rating columns: the shortest prefix of at least three
/// characters that tells every dimension id of the rule set apart.
pub fn short_headers(rs: &RuleSet) -> Vec<String> {
    let ids: Vec<&str> = rs.dimensions.iter().map(|d| d.id.as_str()).collect();
    let longest = ids.iter().map(|i| i.chars().count()).max().unwrap_or(0);
    for n in 3..longest {
        let cut: Vec<String> = ids.iter().map(|i| i.chars().take(n).collect()).collect();
        let mut seen = std::collections::HashSet::new();
        if cut.iter().all(|c| seen.insert(c.as_str())) {
            return cut;
        }
    }
    ids.iter().map(|i| i.to_string()).collect()
}

/// The date cell: the day, and which field it comes from when it is not
/// `assessed_at`; "no date" when there is none.
fn date_cell(d: Option<Dated>) -> String {
    match d {
        None => "no date".to_string(),
        Some(d) if !d.valid => format!("{} (not a date)", visible(d.text)),
        Some(d) => match d.field {
            DateField::AssessedAt => d.day().to_string(),
            DateField::StartedAt => format!("{} (started)", d.day()),
            DateField::UpdatedAt => format!("{} (saved)", d.day()),
        },
    }
}

/// The placement made: its level, and why when it differs from the level
/// recommended now (an override's reason, or that it was the level
/// recommended then, under the rules the intake was placed with). `show`
/// prepares each part for the output; `sep` goes between them.
fn placement_cell(rs: &RuleSet, s: &Scored, sep: &str, show: impl Fn(&str) -> String) -> String {
    let Some(p) = &s.intake.placement else {
        return "-".to_string();
    };
    let level = show(&rs.levels[p.level].id);
    if p.level == s.assessment.level {
        return level;
    }
    if !s.overridden() {
        return format!("{level}{sep}(recommended then)");
    }
    match p.reason {
        Some(r) => format!("{level}{sep}({})", show(&rs.override_reasons[r].id)),
        None => level,
    }
}

/// The critical and warning flags raised, critical first, and after them
/// those that missing answers leave possible: `(id, severity, possible)`.
fn flags<'r>(rs: &'r RuleSet, s: &Scored) -> Vec<(&'r str, FlagSeverity, bool)> {
    let a = &s.assessment;
    let raised = a.flags.iter().map(|&i| (i, false));
    let possible = a.possible_flags.iter().map(|&i| (i, true));
    raised
        .chain(possible)
        .map(|(i, p)| (&rs.flags[i], p))
        .filter(|(f, _)| f.severity != FlagSeverity::Info)
        .map(|(f, p)| (f.id.as_str(), f.severity, p))
        .collect()
}

/// A flag as the table and the Markdown page mark it (never only a
/// colour): `!! id` critical, `! id` warning, `?? id` possible.
fn flag_mark(severity: FlagSeverity, possible: bool) -> &'static str {
    match (possible, severity) {
        (true, FlagSeverity::Critical) => "?? ",
        (true, _) => "? ",
        (false, FlagSeverity::Critical) => "!! ",
        (false, _) => "! ",
    }
}

/// A rating, with what missing answers could make it: `1-3`.
fn rating_cell(s: &Scored, d: usize) -> String {
    let r = &s.assessment.dimensions[d];
    if r.max_rating > r.rating {
        format!("{}-{}", r.rating, r.max_rating)
    } else {
        r.rating.to_string()
    }
}

/// The link cell: `-` for an assessment that is not a reassessment.
fn link_cell(s: &Scored, link: Link) -> String {
    match link {
        Link::None => "-".to_string(),
        Link::Prior {
            sha256: Some(false),
        } => "yes, edited since".to_string(),
        Link::Prior { .. } => "yes".to_string(),
        Link::Elsewhere => {
            let prev = s.intake.reassessment.as_ref();
            match prev.and_then(|x| x.previous.id.as_deref()) {
                Some(id) => format!("no ({})", visible(id)),
                None => "no (no id)".to_string(),
            }
        }
    }
}

fn changed_cell(s: &Scored) -> String {
    match &s.intake.reassessment {
        Some(x) => x.changed.len().to_string(),
        None => "-".to_string(),
    }
}

/// `client C-3001`, or what stands for it when no intake has a client id.
fn who(c: &Course, show: impl Fn(&str) -> String) -> String {
    match c.client {
        Some(id) => format!("client {}", show(id)),
        None => "intakes with no client id".to_string(),
    }
}

fn count(n: usize) -> String {
    format!("{n} assessment{}", if n == 1 { "" } else { "s" })
}

fn title(c: &Course) -> String {
    if c.client.is_none() && c.rows.is_empty() {
        return "Placement history: no assessment could be read".to_string();
    }
    let who = who(c, |t| visible(t).into_owned());
    let what = count(c.rows.len());
    match date_range(c) {
        Some(range) => format!("Placement history of {who}: {what}, {range}"),
        None => format!("Placement history of {who}: {what}"),
    }
}

/// What the rating headers stand for.
fn legend(rs: &RuleSet, headers: &[String]) -> String {
    let names: Vec<String> = headers
        .iter()
        .zip(&rs.dimensions)
        .map(|(h, d)| format!("{h} {}", d.name))
        .collect();
    format!("Ratings (0 to {}): {}", rs.max_rating, names.join("; "))
}

/// The changes of recommended level from one row to the next:
/// `(from date, to date, from level, to level)`.
fn level_changes<'c>(rs: &'c RuleSet, c: &Course<'c>) -> Vec<(String, String, &'c str, &'c str)> {
    c.rows
        .windows(2)
        .filter(|w| w[0].scored.assessment.level != w[1].scored.assessment.level)
        .map(|w| {
            let day = |r: &Row| {
                r.date
                    .map_or("no date".to_string(), |d| d.day().to_string())
            };
            (
                day(&w[0]),
                day(&w[1]),
                rs.levels[w[0].scored.assessment.level].id.as_str(),
                rs.levels[w[1].scored.assessment.level].id.as_str(),
            )
        })
        .collect()
}

/// The course as a table for a terminal, with the inputs that could not be
/// read after it. On a terminal too narrow for the table (`style.width`),
/// each assessment is a block of lines instead, wrapped to the width.
pub fn table(rs: &RuleSet, c: &Course, style: Style) -> String {
    let headers = short_headers(rs);
    // Measured without colour: escape sequences take no columns.
    let plain = Style {
        color: false,
        ..style
    };
    let fits = |w: u16| {
        let t = grid(rs, c, &headers, plain).to_string();
        t.lines().all(|l| l.chars().count() <= usize::from(w))
    };
    // Text lines are wrapped to a terminal's width; the table is laid out
    // whole or not at all.
    let fit = |text: String| match style.width {
        Some(w) => super::table::fit_lines(&text, usize::from(w)),
        None => text,
    };
    let mut out = fit(format!("{}\n", title(c)));
    if !c.rows.is_empty() {
        match style.width {
            Some(w) if !fits(w) => {
                let mut b = String::new();
                blocks(rs, c, &headers, &mut b);
                out.push_str(&fit(b));
            }
            _ => {
                let _ = writeln!(out, "{}", grid(rs, c, &headers, style));
            }
        }
        out.push_str(&fit(format!(
            "{}\nFlags: !! critical, ! warning, ?? and ? possible until the missing answers are known. Levels as rule set {} {} recommends them now.\n",
            visible(&legend(rs, &headers)),
            visible(&rs.name),
            visible(&rs.version)
        )));
    }
    if !c.failures.is_empty() {
        let mut f = format!("Could not be read ({}):\n", c.failures.len());
        for x in &c.failures {
            let _ = write!(f, "  {}", super::table::failure(x));
        }
        out.push_str(&fit(f));
    }
    out
}

/// The flags of a row as the table marks them, one string each.
fn flag_texts(rs: &RuleSet, s: &Scored) -> Vec<String> {
    flags(rs, s)
        .iter()
        .map(|(id, sev, p)| format!("{}{}", flag_mark(*sev, *p), visible(id)))
        .collect()
}

/// The table itself, each column as wide as its content.
fn grid(rs: &RuleSet, c: &Course, headers: &[String], style: Style) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if !style.color {
        t.force_no_tty();
    }
    let mut head: Vec<String> = ["Date", "Intake", "Status", "Level", "Max", "Placement"]
        .map(String::from)
        .to_vec();
    head.extend(headers.iter().map(|h| visible(h).into_owned()));
    head.extend(["Flags", "Follows prior", "Changed"].map(String::from));
    t.set_header(head);
    for r in &c.rows {
        let s = r.scored;
        let a = &s.assessment;
        let mut cells = vec![
            Cell::new(date_cell(r.date)),
            Cell::new(s.intake.id.as_deref().map_or("-".into(), visible)),
            Cell::new(s.intake.status.as_deref().map_or("-".into(), visible)),
            Cell::new(visible(&rs.levels[a.level].id)),
            Cell::new(if a.max_level != a.level {
                visible(&rs.levels[a.max_level].id).into_owned()
            } else {
                String::new()
            }),
            Cell::new(placement_cell(rs, s, "\n", |t| visible(t).into_owned())),
        ];
        cells.extend((0..rs.dimensions.len()).map(|d| Cell::new(rating_cell(s, d))));
        let flag_cell = Cell::new(flag_texts(rs, s).join("\n"));
        cells.push(if style.color && critical(rs, s) {
            flag_cell.fg(Color::Red)
        } else {
            flag_cell
        });
        cells.push(Cell::new(link_cell(s, r.link)));
        cells.push(Cell::new(changed_cell(s)));
        t.add_row(cells);
    }
    t
}

/// Whether a critical flag is raised (not only possible).
fn critical(rs: &RuleSet, s: &Scored) -> bool {
    flags(rs, s)
        .iter()
        .any(|(_, sev, p)| !p && *sev == FlagSeverity::Critical)
}

/// The rows as blocks of lines, for a terminal too narrow for the table.
fn blocks(rs: &RuleSet, c: &Course, headers: &[String], out: &mut String) {
    for r in &c.rows {
        let s = r.scored;
        let a = &s.assessment;
        let _ = writeln!(
            out,
            "\n{} · intake {} · {}",
            date_cell(r.date),
            s.intake.id.as_deref().map_or("-".into(), visible),
            s.intake.status.as_deref().map_or("-".into(), visible)
        );
        let max = if a.max_level != a.level {
            format!(
                " (up to {} with the missing answers)",
                visible(&rs.levels[a.max_level].id)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  level {}{max}; placement {}",
            visible(&rs.levels[a.level].id),
            placement_cell(rs, s, " ", |t| visible(t).into_owned())
        );
        let ratings: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(d, h)| format!("{h} {}", rating_cell(s, d)))
            .collect();
        let _ = writeln!(out, "  ratings: {}", ratings.join(", "));
        // A flag a line, so that none is broken between its mark and id.
        for (k, f) in flag_texts(rs, s).iter().enumerate() {
            let _ = writeln!(out, "  {}{f}", if k == 0 { "flags: " } else { "       " });
        }
        if r.link != Link::None {
            let _ = writeln!(
                out,
                "  follows prior: {}; changed: {}",
                link_cell(s, r.link),
                changed_cell(s)
            );
        }
    }
    out.push('\n');
}

/// The course as JSON: one array, a row per assessment in date order,
/// then an error record (as `score` writes it) per input that could not
/// be read.
pub fn json(rs: &RuleSet, c: &Course) -> String {
    let mut all: Vec<Value> = c.rows.iter().map(|r| row_json(rs, r)).collect();
    all.extend(
        c.failures
            .iter()
            .map(|f| super::json::record(rs, &Record::Failed((*f).clone()))),
    );
    let mut out = super::json::pretty(&all);
    out.push('\n');
    out
}

fn row_json(rs: &RuleSet, r: &Row) -> Value {
    let s = r.scored;
    let a = &s.assessment;
    let ratings: Map<String, Value> = rs
        .dimensions
        .iter()
        .zip(&a.dimensions)
        .map(|(d, dr)| (d.id.clone(), json!(dr.rating)))
        .collect();
    let max_ratings: Map<String, Value> = rs
        .dimensions
        .iter()
        .zip(&a.dimensions)
        .map(|(d, dr)| (d.id.clone(), json!(dr.max_rating)))
        .collect();
    let f = flags(rs, s);
    let placement = s.intake.placement.as_ref().map(|p| {
        json!({
            "level": rs.levels[p.level].id,
            "reason": p.reason.map(|x| &rs.override_reasons[x].id),
            "overridden": s.overridden(),
        })
    });
    let previous = s.intake.reassessment.as_ref().map(|x| {
        json!({
            "id": x.previous.id,
            "sha256": x.previous.sha256,
            "assessed_at": x.previous.assessed_at,
            "follows_prior_row": matches!(r.link, Link::Prior { .. }),
            "sha256_matches": match r.link {
                Link::Prior { sha256 } => sha256,
                _ => None,
            },
        })
    });
    let changed: Vec<&str> = s
        .intake
        .reassessment
        .as_ref()
        .map(|x| super::question_ids(rs, &x.changed))
        .unwrap_or_default();
    json!({
        "date": r.date.map(|d| d.text),
        "date_from": r.date.map(|d| d.field.key()),
        "id": s.intake.id,
        "client": s.intake.client,
        "status": s.intake.status,
        "level": rs.levels[a.level].id,
        "max_level": rs.levels[a.max_level].id,
        "complete": a.complete(),
        "placement": placement,
        "ratings": ratings,
        "max_ratings": max_ratings,
        "flags": f.iter().filter(|x| !x.2).map(|x| x.0).collect::<Vec<_>>(),
        "possible_flags": f.iter().filter(|x| x.2).map(|x| x.0).collect::<Vec<_>>(),
        "previous": previous,
        "changed": changed,
        "source": s.source,
    })
}
