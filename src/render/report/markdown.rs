//! The report as Markdown: headings, short tables and lists, every piece
//! of text escaped ([`md`]).

use super::{Report, DECISION_SUPPORT, POSSIBLE};
use crate::render::markdown::md;
use crate::render::rating_bar;
use std::fmt::Write as _;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Placement report: {}\n", md(&r.title));
    let mut facts: Vec<String> = r
        .identifiers
        .iter()
        .chain(&r.dates)
        .map(|(k, v)| format!("**{k}:** {}", md(v)))
        .collect();
    facts.push(format!(
        "**Assessor(s):** {}",
        if r.assessors.is_empty() {
            "not recorded".to_string()
        } else {
            r.assessors
                .iter()
                .map(|a| md(a))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    facts.push(format!(
        "**Rule set:** {} {} (sha256 {})",
        md(&r.rules.0),
        md(&r.rules.1),
        md(&r.rules.2)
    ));
    if let Some(u) = &r.answered_under {
        facts.push(format!("**Answered under:** {}", md(u)));
    }
    let _ = writeln!(out, "{}\n", facts.join("  \n"));
    if let Some(x) = &r.reassessment {
        let _ = writeln!(out, "{}\n", md(x));
    }

    for f in &r.flags {
        let _ = writeln!(
            out,
            "> **{}** ({}): {}",
            f.severity,
            md(&f.id),
            md(&f.message)
        );
        if let Some(a) = &f.action {
            let _ = writeln!(out, ">\n> **Action:** {}", md(a));
        }
        if let Some(t) = &f.taken {
            let _ = writeln!(out, ">\n> **Taken:** {}", md(t));
        }
        out.push('\n');
    }

    if r.flags.iter().any(|f| f.possible) {
        let _ = writeln!(out, "_{}_\n", md(POSSIBLE));
    }

    let rec = &r.recommendation;
    let _ = writeln!(out, "## Recommendation\n");
    let _ = writeln!(
        out,
        "**Recommended level:** {} (`{}`)\n",
        md(&rec.level.0),
        rec.level.1
    );
    if let Some((most, raise)) = &rec.could_be {
        let _ = writeln!(
            out,
            "**Incomplete:** could be as high as {} with the missing answers ({}).\n",
            md(most),
            md(&raise.join(", "))
        );
    }
    for e in &rec.eligibility {
        let _ = writeln!(out, "**Eligibility not established:** {}\n", md(e));
    }
    if !rec.supports.is_empty() {
        let _ = writeln!(out, "**Supports:** {}\n", md(&rec.supports.join(", ")));
    }
    if !rec.possible_supports.is_empty() {
        let _ = writeln!(
            out,
            "**Possible supports** (undecided until the missing answers are known): {}\n",
            md(&rec.possible_supports.join(", "))
        );
    }
    let _ = writeln!(
        out,
        "| Dimension | Rating | Minimum level | Reason |\n|---|---|---|---|"
    );
    for d in &r.dimensions {
        let _ = writeln!(
            out,
            "| {} | {}{} | {} | {} |",
            md(&d.name),
            rating_bar(d.rating, d.max_rating),
            d.up_to.map(|u| format!(" (up to {u})")).unwrap_or_default(),
            md(&d.min_level),
            md(&d.reason)
        );
    }
    out.push('\n');

    let _ = writeln!(out, "## Instruments\n");
    let _ = writeln!(out, "| Instrument | Total | Band |\n|---|---|---|");
    for x in &r.instruments {
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} |",
            md(&x.name),
            md(&x.id),
            md(&x.total),
            md(&x.band)
        );
    }
    out.push('\n');

    let _ = writeln!(out, "## Placement made\n");
    match &r.placement {
        Some(p) => {
            let _ = writeln!(
                out,
                "**{}** (`{}`), {}.\n",
                md(&p.level.0),
                p.level.1,
                md(&p.how)
            );
            if let Some(x) = &p.reason {
                let _ = writeln!(out, "**Reason:** {}\n", md(x));
            }
            if let Some(x) = &p.note {
                let _ = writeln!(out, "**Note:** {}\n", md(x));
            }
        }
        None => {
            let _ = writeln!(out, "None recorded.\n");
        }
    }

    if !r.warnings.is_empty() {
        let _ = writeln!(out, "## Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(out, "- {}", md(w));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Answers\n");
    for sec in &r.sections {
        let _ = writeln!(out, "### {}\n", md(&sec.title));
        for a in &sec.answers {
            let mut line = format!(
                "- **{}**: {}",
                md(&a.id),
                if a.missing {
                    format!("_{}_", md(&a.value))
                } else {
                    md(&a.value)
                }
            );
            if let Some(st) = a.status {
                let _ = write!(line, " ({st})");
            }
            if let Some(x) = &a.source {
                let _ = write!(line, "; source: {}", md(x));
            }
            if let Some(x) = &a.note {
                let _ = write!(line, "; note: {}", md(x));
            }
            let _ = writeln!(out, "{line}");
        }
        if !sec.no_answer.is_empty() {
            let _ = writeln!(out, "- No answer: {}", md(&sec.no_answer.join(", ")));
        }
        if !sec.not_asked.is_empty() {
            let _ = writeln!(
                out,
                "- Not asked (skip logic): {}",
                md(&sec.not_asked.join(", "))
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## History\n");
    if r.history.is_empty() {
        let _ = writeln!(out, "No events recorded.\n");
    } else {
        let _ = writeln!(out, "| When | Who | What |\n|---|---|---|");
        for (at, by, what) in &r.history {
            let _ = writeln!(out, "| {} | {} | {} |", md(at), md(by), md(what));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "_{DECISION_SUPPORT}_");
    // Every piece of text is escaped where it is put in; this is a last
    // guard that no control character reaches a terminal or a log.
    crate::diag::text::visible_lines(&out).into_owned()
}
