//! `placement history --format markdown`: the course as a printable page.

use super::{
    changed_cell, count, date_cell, date_range, flags, legend, level_changes, link_cell,
    placement_cell, rating_cell, short_headers, who, Course,
};
use crate::render::markdown::md;
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use std::fmt::Write as _;

/// The course as a printable Markdown page: a title with the client and
/// the date range, the table, a line per change of level, the files.
pub fn markdown(rs: &RuleSet, c: &Course) -> String {
    let out = markdown_body(rs, c);
    // Every input's text is escaped where it is put in (`md`); this is a
    // last guard that no control character reaches a terminal or a log.
    crate::diag::text::visible_lines(&out).into_owned()
}

fn markdown_body(rs: &RuleSet, c: &Course) -> String {
    let headers = short_headers(rs);
    let mut out = String::new();
    let n = c.rows.len();
    let range = date_range(c);
    if c.client.is_none() && n == 0 {
        let _ = writeln!(out, "# Placement history\n\nNo assessment could be read.");
    } else {
        let _ = writeln!(
            out,
            "# Placement history: {}{}\n",
            who(c, md),
            range.as_deref().map_or(String::new(), |r| format!(", {r}"))
        );
        let _ = writeln!(
            out,
            "{}. Levels as rule set {} {} recommends them now.\n",
            count(n),
            md(&rs.name),
            md(&rs.version)
        );
    }
    if n > 0 {
        let mut head: Vec<String> = [
            "Date",
            "Intake",
            "Status",
            "Level",
            "Max level",
            "Placement",
        ]
        .map(String::from)
        .to_vec();
        head.extend(headers.iter().map(|h| md(h)));
        head.extend(["Flags", "Follows prior", "Changed"].map(String::from));
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
        for r in &c.rows {
            let s = r.scored;
            let a = &s.assessment;
            let mut cells = vec![
                md(&date_cell(r.date)),
                s.intake.id.as_deref().map_or("-".into(), md),
                s.intake.status.as_deref().map_or("-".into(), md),
                md(&rs.levels[a.level].id),
                if a.max_level != a.level {
                    md(&rs.levels[a.max_level].id)
                } else {
                    String::new()
                },
                placement_cell(rs, s, " ", md),
            ];
            cells.extend((0..rs.dimensions.len()).map(|d| rating_cell(s, d)));
            let f: Vec<String> = flags(rs, s)
                .iter()
                .map(|(id, sev, p)| match (sev, p) {
                    (FlagSeverity::Critical, false) => format!("**{}** (critical)", md(id)),
                    (FlagSeverity::Critical, true) => {
                        format!("**{}** (possible critical)", md(id))
                    }
                    (_, true) => format!("{} (possible)", md(id)),
                    _ => md(id),
                })
                .collect();
            cells.push(f.join(", "));
            cells.push(md(&link_cell(s, r.link)));
            cells.push(changed_cell(s));
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(out, "\n{}\n", md(&legend(rs, &headers)));
        let _ = writeln!(out, "## Changes of level\n");
        let changes = level_changes(rs, c);
        if changes.is_empty() {
            let _ = writeln!(out, "No change of the recommended level.");
        }
        for (from, to, a, b) in changes {
            let _ = writeln!(out, "- {} → {}: {} → {}", md(&from), md(&to), md(a), md(b));
        }
        let _ = writeln!(out, "\n## Files\n");
        for (k, r) in c.rows.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}: {}",
                k + 1,
                md(&date_cell(r.date)),
                md(&r.scored.source)
            );
        }
    }
    if !c.failures.is_empty() {
        let _ = writeln!(out, "\n## Could not be read\n");
        for f in &c.failures {
            let _ = writeln!(out, "- {}", md(crate::render::table::failure(f).trim_end()));
        }
    }
    out
}
