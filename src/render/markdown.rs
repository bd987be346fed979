//! A printable placement summary in Markdown.

use super::{rating_bar, Record};
use crate::rules::model::{Flag, FlagSeverity};
use crate::rules::RuleSet;
use std::fmt::Write as _;

pub fn record(rs: &RuleSet, r: &Record) -> String {
    let out = body(rs, r);
    // Every input's text is escaped where it is put in (`md`); this is a
    // last guard that no control character reaches a terminal or a log.
    match crate::diag::text::visible_lines(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(o) => o,
    }
}

fn body(rs: &RuleSet, r: &Record) -> String {
    let mut out = String::new();
    match r {
        Record::Failed(f) => {
            let _ = writeln!(
                out,
                "## {}\n\n**Could not be scored** (`{}`): {}\n",
                md(&match &f.id {
                    Some(id) => format!("{} (intake {id})", f.source),
                    None => f.source.clone(),
                }),
                f.code,
                md(&f.message)
            );
        }
        Record::Scored(s) => {
            let a = &s.assessment;
            let _ = writeln!(
                out,
                "## Placement summary: {}\n",
                md(s.intake.id.as_deref().unwrap_or(&s.source))
            );
            for &i in &a.flags {
                let f = &rs.flags[i];
                let _ = writeln!(
                    out,
                    "> **{}** ({}): {}",
                    f.severity.as_str().to_uppercase(),
                    f.id,
                    md(&f.message)
                );
                flag_action(&mut out, f);
            }
            for &i in &a.possible_flags {
                let f = &rs.flags[i];
                if f.severity == FlagSeverity::Critical {
                    let _ = writeln!(
                        out,
                        "> **POSSIBLE CRITICAL** ({}): {} (cannot be ruled out until the missing answers are known)",
                        f.id,
                        md(&f.message)
                    );
                    flag_action(&mut out, f);
                }
            }
            for why in super::eligibility_not_established(rs, a, md) {
                let _ = writeln!(out, "**Eligibility not established:** {why}\n");
            }
            let level = &rs.levels[a.level];
            let _ = writeln!(
                out,
                "**Recommended level:** {} (`{}`)\n",
                md(&level.name),
                level.id
            );
            if a.max_level != a.level {
                let _ = writeln!(
                    out,
                    "**Incomplete:** could be as high as {} with the missing answers ({}).\n",
                    md(&rs.levels[a.max_level].name),
                    a.could_raise
                        .iter()
                        .map(|&q| format!("`{}`", rs.questions[q].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let _ = writeln!(
                out,
                "| Dimension | Rating | Minimum level | Reason |\n|---|---|---|---|"
            );
            for (d, dr) in rs.dimensions.iter().zip(&a.dimensions) {
                let reason = dr
                    .deciding_rules(d)
                    .first()
                    .map(|&i| d.rules[i].why.clone())
                    .unwrap_or_else(|| "No rule holds.".into());
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md(&d.name),
                    rating_bar(dr.rating, rs.max_rating),
                    md(&rs.levels[dr.min_level].name),
                    md(&reason)
                );
            }
            out.push('\n');
            if !a.supports.is_empty() {
                let _ = writeln!(
                    out,
                    "**Supports:** {}\n",
                    a.supports
                        .iter()
                        .map(|&i| md(rs.supports[i].name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !a.possible_supports.is_empty() {
                let _ = writeln!(
                    out,
                    "**Possible supports** (undecided until the missing answers are known): {}\n",
                    a.possible_supports
                        .iter()
                        .map(|&i| md(rs.supports[i].name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            // Ids are letters, digits and `_`: safe in a code span.
            let code = |q: usize| format!("`{}`", rs.questions[q].id);
            let contradictions: Vec<String> = a
                .warnings
                .iter()
                .filter_map(|w| match w {
                    crate::engine::Warning::Contradiction(c) => Some(format!(
                        "- `{}` ({}): {}",
                        rs.checks[c.check].id,
                        c.questions
                            .iter()
                            .map(|&q| code(q))
                            .collect::<Vec<_>>()
                            .join(", "),
                        md(&rs.checks[c.check].message)
                    )),
                    crate::engine::Warning::NotFromSource { question, source } => Some(format!(
                        "- {}: the answer is not among the options ticked in {}",
                        code(*question),
                        code(*source)
                    )),
                    _ => None,
                })
                .collect();
            if !contradictions.is_empty() {
                let _ = writeln!(
                    out,
                    "**Answers that contradict each other** (to check with the client):\n\n{}\n",
                    contradictions.join("\n")
                );
            }
            if let Some(p) = &s.intake.placement {
                let _ = writeln!(
                    out,
                    "**Placement made:** {}{}\n",
                    md(&rs.levels[p.level].name),
                    match p.reason.map(|r| &rs.override_reasons[r]) {
                        Some(r) if s.overridden() => format!(" (override: {})", md(&r.label)),
                        // A reason that means no override says nothing more.
                        Some(r) if !r.no_override => format!(" (reason: {})", md(&r.label)),
                        _ => String::new(),
                    }
                );
                if let Some(n) = &p.note {
                    let _ = writeln!(out, "**Placement note:** {}\n", md(n));
                }
            }
            for f in &s.intake.acknowledged_flags {
                let action = f
                    .action
                    .as_deref()
                    .map(|a| super::record::action_label(rs, a));
                let _ = writeln!(
                    out,
                    "**Acknowledged** `{}`: {}{} ({}, {})\n",
                    md(&f.id),
                    md(action.unwrap_or("seen")),
                    f.note
                        .as_ref()
                        .map(|n| format!("; note: {}", md(n)))
                        .unwrap_or_default(),
                    md(f.by.as_deref().unwrap_or("by nobody recorded")),
                    md(f.at.as_deref().unwrap_or("time not recorded"))
                );
            }
            let who = super::record::assessors(&s.intake);
            if !who.is_empty() || s.intake.assessed_at.is_some() {
                let _ = writeln!(
                    out,
                    "_Assessed{}{}._\n",
                    s.intake
                        .assessed_at
                        .as_ref()
                        .map(|t| format!(" {}", md(t)))
                        .unwrap_or_default(),
                    if who.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " by {}",
                            who.iter().map(|w| md(w)).collect::<Vec<_>>().join(", ")
                        )
                    }
                );
            }
            let _ = writeln!(
                out,
                "_Rule set {} {} (sha256 {}). Decision support: the professional decides._\n",
                md(&rs.name),
                md(&rs.version),
                &rs.sha256[..12.min(rs.sha256.len())]
            );
        }
    }
    out
}

/// Ends a flag's quote: its action, when it has one, as a paragraph of the
/// same quote.
fn flag_action(out: &mut String, f: &Flag) {
    if let Some(action) = &f.action {
        let _ = writeln!(out, ">\n> **Action:** {}", md(action));
    }
    out.push('\n');
}

/// Escapes Markdown table and emphasis characters; a line break becomes a
/// space, and any other control character (and what else
/// [`super::visible`] escapes) is shown as an escape, its backslash
/// escaped for Markdown (`\\e` shows as `\e`).
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\n' {
            out.push(' ');
            continue;
        }
        if crate::diag::text::needs_escape(c) {
            let mut buf = [0u8; 4];
            for e in crate::diag::text::visible(c.encode_utf8(&mut buf)).chars() {
                if e == '\\' {
                    out.push('\\');
                }
                out.push(e);
            }
            continue;
        }
        if matches!(c, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
