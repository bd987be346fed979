//! The report as one self-contained HTML page: inline styles with print
//! rules for A4 and Letter, no scripts, no external resources (a Content
//! Security Policy says so to the browser), every piece of text escaped
//! ([`esc`]).

use super::{Report, DECISION_SUPPORT, POSSIBLE};
use crate::render::rating_bar;
use std::fmt::Write as _;

/// The page's styles. Sized so that a full default-rules intake fits two
/// Letter pages (the shorter of Letter and A4) and A4's width (the
/// narrower).
const STYLE: &str = r#"
@page { margin: 10mm 11mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 8.4pt/1.28 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; color: #111; margin: 0 auto; max-width: 190mm; padding: 4mm 0; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 13pt; margin: 0 0 1.5mm; }
h2 { break-after: avoid; font-size: 9.6pt; margin: 2.6mm 0 1mm; padding-bottom: 0.4mm; border-bottom: 0.3mm solid #555; text-transform: uppercase; letter-spacing: 0.04em; }
h3 { font-size: 8.4pt; margin: 1.4mm 0 0.4mm; break-after: avoid; }
p { margin: 0.8mm 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.35mm 1.4mm; border-bottom: 0.2mm solid #ccc; }
th { font-weight: 600; background: #eee; }
tr { break-inside: avoid; }
.facts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.3mm 4mm; margin-bottom: 1mm; }
.facts div { overflow-wrap: anywhere; }
.k { color: #444; }
.hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7pt; overflow-wrap: anywhere; }
.flags { margin: 1mm 0; }
.flags td { border-bottom: 0.2mm solid #fff; padding: 0.5mm 1.6mm; }
.flags .sev { font-weight: 700; white-space: nowrap; width: 1%; }
.flags .critical td { background: #fbe3e6; }
.flags .critical .sev { color: #a0001c; }
.flags .lesser td { background: #fdf5dc; }
.dims td:first-child { width: 28%; }
.dims td:nth-child(3) { width: 17%; }
.legend { font-size: 7.4pt; color: #444; margin-top: 0; }
.two { display: grid; grid-template-columns: 3fr 2fr; gap: 0 5mm; }
.facts .wide { grid-column: 1 / -1; }
.level { font-size: 11pt; font-weight: 700; }
.bar { white-space: nowrap; letter-spacing: -0.05em; }
.answers { column-count: 3; column-gap: 5mm; font-size: 7.5pt; line-height: 1.22; }
.answers h3 { break-after: avoid-column; }
.qa { margin: 0; padding: 0.1mm 0; break-inside: avoid; overflow-wrap: anywhere; }
.qa .id { color: #333; font-weight: 600; }
.qa .missing { font-style: italic; color: #555; }
.qa .value, .note { white-space: pre-line; }
.qa .extra { color: #444; }
.skipped { color: #555; font-size: 7.2pt; overflow-wrap: anywhere; }
.history td { font-size: 7.6pt; overflow-wrap: anywhere; }
.history td:first-child, .history td:nth-child(2) { white-space: nowrap; overflow-wrap: normal; }
.nw { white-space: nowrap; }
footer { margin-top: 2mm; font-style: italic; color: #444; }
"#;

pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Placement report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&r.title)
    );
    let _ = writeln!(out, "<h1>Placement report: {}</h1>", esc(&r.title));
    out.push_str("<div class=\"facts\">\n");
    for (k, v) in &r.identifiers {
        let _ = writeln!(out, "<div><span class=\"k\">{k}:</span> {}</div>", esc(v));
    }
    for (k, v) in &r.dates {
        let _ = writeln!(
            out,
            "<div><span class=\"k\">{k}:</span> <span class=\"nw\">{}</span></div>",
            esc(v)
        );
    }
    let _ = writeln!(
        out,
        "<div><span class=\"k\">Assessor(s):</span> {}</div>",
        if r.assessors.is_empty() {
            "not recorded".to_string()
        } else {
            esc(&r.assessors.join(", "))
        }
    );
    let _ = writeln!(
        out,
        "<div><span class=\"k\">Rule set:</span> {} {}</div>",
        esc(&r.rules.0),
        esc(&r.rules.1)
    );
    let _ = writeln!(
        out,
        "<div class=\"wide\"><span class=\"k\">Rule set sha256:</span> <span class=\"hash\">{}</span></div>",
        esc(&r.rules.2)
    );
    if let Some(u) = &r.answered_under {
        let _ = writeln!(
            out,
            "<div class=\"wide\"><span class=\"k\">Answered under:</span> <span class=\"hash\">{}</span></div>",
            esc(u)
        );
    }
    out.push_str("</div>\n");
    if let Some(x) = &r.reassessment {
        let _ = writeln!(out, "<p>{}</p>", esc(x));
    }

    if !r.flags.is_empty() {
        out.push_str("<table class=\"flags\">\n");
        for f in &r.flags {
            let _ = write!(
                out,
                "<tr class=\"{}\"><td class=\"sev\">{}</td><td><b>{}</b>: {}",
                if f.critical { "critical" } else { "lesser" },
                esc(&f.severity),
                esc(&f.id),
                esc(&f.message)
            );
            if let Some(a) = &f.action {
                let _ = write!(out, " <b>Action:</b> {}", esc(a));
            }
            if let Some(t) = &f.taken {
                let _ = write!(out, " <b>Taken:</b> {}", esc(t));
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</table>\n");
        if r.flags.iter().any(|f| f.possible) {
            let _ = writeln!(out, "<p class=\"legend\">{}</p>", esc(POSSIBLE));
        }
    }

    let rec = &r.recommendation;
    out.push_str("<h2>Recommendation</h2>\n");
    let _ = writeln!(
        out,
        "<p><span class=\"level\">{}</span> ({})</p>",
        esc(&rec.level.0),
        esc(&rec.level.1)
    );
    if let Some((most, raise)) = &rec.could_be {
        let _ = writeln!(
            out,
            "<p><b>Incomplete:</b> could be as high as {} with the missing answers ({}).</p>",
            esc(most),
            esc(&raise.join(", "))
        );
    }
    for e in &rec.eligibility {
        let _ = writeln!(out, "<p><b>Eligibility not established:</b> {}</p>", esc(e));
    }
    if !rec.supports.is_empty() {
        let _ = writeln!(
            out,
            "<p><b>Supports:</b> {}</p>",
            esc(&rec.supports.join(", "))
        );
    }
    if !rec.possible_supports.is_empty() {
        let _ = writeln!(
            out,
            "<p><b>Possible supports</b> (undecided until the missing answers are known): {}</p>",
            esc(&rec.possible_supports.join(", "))
        );
    }
    out.push_str("<table class=\"dims\">\n<thead><tr><th>Dimension</th><th>Rating</th><th>Minimum level</th><th>Reason</th></tr></thead>\n");
    for d in &r.dimensions {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"bar\">{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.name),
            rating_bar(d.rating, d.max_rating),
            d.up_to.map(|u| format!(" (up to {u})")).unwrap_or_default(),
            esc(&d.min_level),
            esc(&d.reason)
        );
    }
    out.push_str("</table>\n");

    out.push_str("<div class=\"two\">\n<div>\n<h2>Instruments</h2>\n<table>\n<thead><tr><th>Instrument</th><th>Total</th><th>Band</th></tr></thead>\n");
    for x in &r.instruments {
        let _ = writeln!(
            out,
            "<tr><td>{} <span class=\"k\">{}</span></td><td>{}</td><td>{}</td></tr>",
            esc(&x.name),
            esc(&x.id),
            esc(&x.total),
            esc(&x.band)
        );
    }
    out.push_str("</table>\n</div>\n");

    out.push_str("<div>\n<h2>Placement made</h2>\n");
    match &r.placement {
        Some(p) => {
            let _ = write!(
                out,
                "<p><b>{}</b> ({}), {}.",
                esc(&p.level.0),
                esc(&p.level.1),
                esc(&p.how)
            );
            if let Some(x) = &p.reason {
                let _ = write!(out, " <b>Reason:</b> {}.", esc(x));
            }
            if let Some(x) = &p.note {
                let _ = write!(out, " <b>Note:</b> <span class=\"note\">{}</span>", esc(x));
            }
            out.push_str("</p>\n");
        }
        None => out.push_str("<p>None recorded.</p>\n"),
    }
    out.push_str("</div>\n</div>\n");

    if !r.warnings.is_empty() {
        out.push_str("<h2>Warnings</h2>\n<ul>\n");
        for w in &r.warnings {
            let _ = writeln!(out, "<li>{}</li>", esc(w));
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Answers</h2>\n<div class=\"answers\">\n");
    for sec in &r.sections {
        let _ = writeln!(out, "<section>\n<h3>{}</h3>", esc(&sec.title));
        for a in &sec.answers {
            let _ = write!(
                out,
                "<p class=\"qa\"><span class=\"id\" title=\"{}\">{}</span>: <span class=\"{}\">{}</span>",
                esc(&a.text),
                esc(&a.id),
                if a.missing { "value missing" } else { "value" },
                esc(&a.value)
            );
            if let Some(st) = a.status {
                let _ = write!(out, " <span class=\"extra\">({st})</span>");
            }
            if let Some(x) = &a.source {
                let _ = write!(out, "<span class=\"extra\">; source: {}</span>", esc(x));
            }
            if let Some(x) = &a.note {
                let _ = write!(
                    out,
                    "<span class=\"extra\">; note: <span class=\"note\">{}</span></span>",
                    esc(x)
                );
            }
            out.push_str("</p>\n");
        }
        if !sec.no_answer.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"skipped\">No answer: {}</p>",
                esc(&sec.no_answer.join(", "))
            );
        }
        if !sec.not_asked.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"skipped\">Not asked (skip logic): {}</p>",
                esc(&sec.not_asked.join(", "))
            );
        }
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");

    out.push_str("<h2>History</h2>\n");
    if r.history.is_empty() {
        out.push_str("<p>No events recorded.</p>\n");
    } else {
        out.push_str(
            "<table class=\"history\">\n<thead><tr><th>When</th><th>Who</th><th>What</th></tr></thead>\n",
        );
        for (at, by, what) in &r.history {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(at),
                esc(by),
                esc(what)
            );
        }
        out.push_str("</table>\n");
    }
    let _ = writeln!(out, "<footer>{DECISION_SUPPORT}</footer>\n</body>\n</html>");
    out
}

/// Escapes text for HTML content and attribute values: `& < > " '`, and
/// control and invisible characters shown as escapes
/// ([`crate::diag::text::visible`]); line breaks are kept (free text keeps
/// its lines where the page shows it with `white-space: pre-line`).
pub fn esc(s: &str) -> String {
    let shown = crate::diag::text::visible_lines(s);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
