//! The recommendation table for a terminal.

use super::{rating_bar, support_names, Failure, Scored};
use crate::diag::text::visible;
use crate::render::Record;
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement,
    Table, Width,
};
use std::fmt::Write as _;

/// Options for terminal output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// Columns to fit the table in (the terminal's width); 100 when not
    /// given.
    pub width: Option<u16>,
}

pub fn record(rs: &RuleSet, r: &Record, style: Style) -> String {
    match r {
        Record::Scored(s) => scored(rs, s, style),
        Record::Failed(f) => failure(f),
    }
}

pub fn failure(f: &Failure) -> String {
    let place = match (f.line, f.column) {
        // A line of standard input is its own line number: `stdin:12:5`.
        (Some(l), Some(c)) if f.source == format!("stdin:{l}") => format!("{}:{c}", f.source),
        (Some(l), Some(c)) => format!("{}:{l}:{c}", visible(&f.source)),
        (Some(l), None) if f.source != format!("stdin:{l}") => {
            format!("{}:{l}", visible(&f.source))
        }
        _ => visible(&f.source).into_owned(),
    };
    // One line, whatever the file's name or the message hold.
    format!(
        "{place}: error[{}]: {}\n",
        visible(&f.code),
        visible(&f.message)
    )
}

pub fn scored(rs: &RuleSet, s: &Scored, style: Style) -> String {
    let text = scored_lines(rs, s, style);
    match style.width {
        Some(w) => fit_lines(&text, w as usize),
        None => text,
    }
}

/// Lines of text longer than `width` wrapped at spaces (continuations
/// indented), so nothing relies on the terminal's own wrapping; the table
/// itself is already laid out to the width. A line painted whole keeps
/// its paint on every piece.
pub(super) fn fit_lines(text: &str, width: usize) -> String {
    const PAINT_END: &str = "\x1b[0m";
    let mut out = String::new();
    for line in text.lines() {
        let (paint, body) = match line.strip_suffix(PAINT_END) {
            Some(b) if b.starts_with("\x1b[") => match b.find('m') {
                Some(i) => (&b[..=i], &b[i + 1..]),
                None => ("", line),
            },
            _ => ("", line),
        };
        if body.chars().count() <= width || width < 20 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // The line's own indent is kept; its continuation lines are
        // indented four more.
        let rest = body.trim_start_matches(' ');
        let indent = &body[..body.len() - rest.len()];
        let mut piece = indent.to_string();
        for word in rest.split(' ') {
            let len = piece.chars().count();
            if len > indent.len() && len + 1 + word.chars().count() > width {
                push_painted(&mut out, paint, &piece);
                piece = format!("{indent}    ");
            } else if len > indent.len() {
                piece.push(' ');
            }
            piece.push_str(word);
        }
        push_painted(&mut out, paint, &piece);
    }
    out
}

/// One line, painted whole when `paint` is given.
fn painted(out: &mut String, paint: Option<&str>, line: &str) {
    match paint {
        Some(p) => {
            let _ = writeln!(out, "{p}{line}\x1b[0m");
        }
        None => {
            let _ = writeln!(out, "{line}");
        }
    }
}

fn push_painted(out: &mut String, paint: &str, piece: &str) {
    if paint.is_empty() {
        let _ = writeln!(out, "{piece}");
    } else {
        let _ = writeln!(out, "{paint}{piece}\x1b[0m");
    }
}

fn scored_lines(rs: &RuleSet, s: &Scored, style: Style) -> String {
    let a = &s.assessment;
    let mut out = String::new();
    let title = match &s.intake.id {
        Some(id) => format!("{} (intake {})", visible(&s.source), visible(id)),
        None => visible(&s.source).into_owned(),
    };
    let _ = writeln!(out, "{title}");
    // Critical flags first, and never only a colour.
    for &i in &a.flags {
        let f = &rs.flags[i];
        let tag = match f.severity {
            FlagSeverity::Critical => "!! CRITICAL",
            FlagSeverity::Warning => "!  WARNING",
            FlagSeverity::Info => "   INFO",
        };
        let paint = (style.color && f.severity == FlagSeverity::Critical).then_some("\x1b[1;31m");
        painted(
            &mut out,
            paint,
            &format!("{tag} [{}]: {}", visible(&f.id), visible(&f.message)),
        );
        if let Some(action) = &f.action {
            painted(&mut out, paint, &format!("   action: {}", visible(action)));
        }
    }
    for &i in &a.possible_flags {
        let f = &rs.flags[i];
        if f.severity == FlagSeverity::Critical {
            let paint = style.color.then_some("\x1b[1;33m");
            painted(
                &mut out,
                paint,
                &format!(
                    "?? POSSIBLE CRITICAL [{}]: {} (cannot be ruled out until the missing answers are known)",
                    visible(&f.id),
                    visible(&f.message)
                ),
            );
            if let Some(action) = &f.action {
                painted(&mut out, paint, &format!("   action: {}", visible(action)));
            }
        }
    }
    // Before the level: the person may not be eligible for this rule set.
    for why in super::eligibility_not_established(rs, a, |m| visible(m).into_owned()) {
        painted(
            &mut out,
            style.color.then_some("\x1b[1;33m"),
            &format!("Eligibility not established: {why}"),
        );
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(style.width.unwrap_or(100).max(40));
    if !style.color {
        t.force_no_tty();
    }
    t.set_header(vec!["Dimension", "Rating", "Minimum level", "Reason"]);
    for (d, dr) in rs.dimensions.iter().zip(&a.dimensions) {
        let reason = dr
            .deciding_rules(d)
            .first()
            .map(|&i| visible(&d.rules[i].why).into_owned())
            .unwrap_or_else(|| {
                if dr.max_rating > dr.rating {
                    format!(
                        "No rule holds yet; missing answers could make it {}",
                        dr.max_rating
                    )
                } else {
                    "No rule holds.".to_string()
                }
            });
        let mut rating = rating_bar(dr.rating, rs.max_rating);
        if dr.max_rating > dr.rating {
            let _ = write!(rating, " (up to {})", dr.max_rating);
        }
        let level_cell = Cell::new(visible(&rs.levels[dr.min_level].name));
        let level_cell = if style.color && dr.min_level == a.level && a.level + 1 < rs.levels.len()
        {
            level_cell.fg(Color::Yellow)
        } else {
            level_cell
        };
        t.add_row(vec![
            Cell::new(visible(&d.name)),
            Cell::new(rating),
            level_cell,
            Cell::new(reason),
        ]);
    }
    if let Some(col) = t.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Left);
    }
    // A narrow table breaks lines between words of a level's name, never
    // inside one ("Partial hospit / alization").
    let longest_word = rs
        .levels
        .iter()
        .flat_map(|l| l.name.split_whitespace())
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    if let Some(col) = t.column_mut(2) {
        col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
            (longest_word + 2) as u16,
        )));
    }
    let _ = writeln!(out, "{t}");
    let level = &rs.levels[a.level];
    let _ = writeln!(
        out,
        "Recommended level: {} ({})",
        visible(&level.name),
        visible(&level.id)
    );
    for (e, r) in rs.escalations.iter().zip(&a.escalations) {
        if *r == crate::cond::Tri::True {
            let _ = writeln!(
                out,
                "  escalation {}: {} -> {}",
                visible(&e.id),
                visible(&e.why),
                visible(&rs.levels[e.level].name)
            );
        }
    }
    if a.max_level != a.level {
        let could: Vec<&str> = super::question_ids(rs, &a.could_raise);
        let _ = writeln!(
            out,
            "Incomplete: with the missing answers it could be as high as {} ({}). Could raise it: {}",
            visible(&rs.levels[a.max_level].name),
            visible(&rs.levels[a.max_level].id),
            if could.is_empty() { "-".to_string() } else { visible(&could.join(", ")).into_owned() }
        );
    } else if !a.complete() {
        let _ = writeln!(
            out,
            "Incomplete: {} missing answer(s), none of which can raise the level.",
            a.missing.len()
        );
    }
    if !a.supports.is_empty() {
        let _ = writeln!(
            out,
            "Supports: {}",
            visible(&support_names(rs, &a.supports))
        );
    }
    if !a.possible_supports.is_empty() {
        let _ = writeln!(
            out,
            "Possible supports (undecided until the missing answers are known): {}",
            visible(&support_names(rs, &a.possible_supports))
        );
    }
    let instruments: Vec<String> = rs
        .instruments
        .iter()
        .zip(&a.instruments)
        .filter(|(_, r)| r.applicable)
        .map(|(i, r)| match (r.total, r.band) {
            (Some(t), Some(b)) => format!("{} {t} ({})", visible(&i.name), visible(&i.bands[b].id)),
            _ => format!(
                "{} incomplete ({} missing)",
                visible(&i.name),
                r.missing.len()
            ),
        })
        .collect();
    if !instruments.is_empty() {
        let _ = writeln!(out, "Instruments: {}", instruments.join("; "));
    }
    if let Some(p) = &s.intake.placement {
        let reason = p
            .reason
            .map(|r| format!(", reason: {}", visible(&rs.override_reasons[r].label)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Placement made: {}{}{}",
            visible(&rs.levels[p.level].name),
            if s.overridden() { " (override)" } else { "" },
            reason
        );
    }
    for w in &a.warnings {
        let _ = writeln!(out, "warning: {}", visible(&w.text(rs)));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lines_wrap_to_the_width_and_keep_their_paint() {
        let text =
            "short\n\x1b[1;31m!! CRITICAL [x]: one two three four\x1b[0m\nalpha beta gamma delta\n";
        assert_eq!(
            super::fit_lines(text, 22),
            "short\n\x1b[1;31m!! CRITICAL [x]: one\x1b[0m\n\x1b[1;31m    two three four\x1b[0m\nalpha beta gamma delta\n"
        );
    }

    #[test]
    fn an_indented_line_keeps_its_indent_when_it_wraps() {
        assert_eq!(
            super::fit_lines(
                "   action: plan withdrawal management today
",
                24
            ),
            "   action: plan\n       withdrawal\n       management today\n"
        );
    }
}
