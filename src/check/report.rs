//! Rendering `rules check` findings: human, JSON and GitHub workflow
//! commands. SARIF is in [`super::sarif`].

use super::{CheckReport, Finding};
use crate::diag::{Diagnostic, Severity, Sources};
use serde_json::{json, Value};

/// Every finding code `rules check` and `rules test` can report, with a
/// one-line description (used for SARIF rule metadata and the docs).
pub const CODES: &[(&str, &str)] = &[
    ("yaml-syntax", "The file is not valid YAML."),
    ("yaml-limit", "The file exceeds a size, depth, alias or node limit."),
    ("duplicate-key", "The same key twice in one mapping."),
    ("unknown-field", "A key this construct does not have."),
    ("missing-field", "A required key is absent."),
    ("wrong-type", "A value of the wrong kind."),
    ("invalid-id", "An id that is not lower-case letters, digits and `_`."),
    ("duplicate-id", "Two things of one kind with the same id."),
    ("unknown-reference", "A reference to something that does not exist."),
    ("condition-syntax", "A condition that does not parse."),
    ("condition-type", "A condition that compares things of different types."),
    ("condition-context", "`level` or `.rating` read where it is not available."),
    ("ask-when-order", "An `ask_when` that reads a question asked later."),
    ("rating-cycle", "Dimension rules that read each other's ratings in a cycle."),
    ("rating-out-of-range", "A rating outside 0..max_rating."),
    ("band-gap", "Totals in the possible range that no band covers."),
    ("band-overlap", "Totals that two bands cover."),
    ("band-out-of-range", "A band outside the possible range, or min > max."),
    ("value-map", "A value map that does not fit its item."),
    ("minimums", "A dimension without minimums, or with the wrong number of levels."),
    ("conflict", "A single key given in more than one file."),
    ("value-out-of-range", "A comparison with a number outside the question's range."),
    ("exclusive-single-choice", "An option of a single-choice question marked `exclusive`."),
    ("options-from", "An `options_from` that does not name an earlier multi-choice question, or options that are not among its options."),
    ("no-override-note-required", "An override reason that is both `no_override` and `note_required`."),
    ("flag-actions-not-critical", "`actions` on a flag that is not critical, where they are never offered."),
    ("action-text", "A flag's `action` that is empty or more than one line."),
    ("message-text", "A check's `message` that is empty or more than one line."),
    ("sample-weight", "An option's or scale entry's `weight` that is not a number of 0 or more."),
    ("empty-file", "A rule file or test file that is empty or holds only comments."),
    ("invalid-order", "An `order` that is not ascending, descending or none, or one on a question without an order of severity."),
    ("not-total", "Some rating vector yields no level."),
    ("non-monotone", "Raising one dimension's rating can give a less intensive level, for some answers."),
    ("answer-non-monotone", "A more severe answer to one question, every other answer the same, gives a less intensive level."),
    ("unreachable-level", "A level no rating vector or escalation can give."),
    ("unreachable-rating", "A rating of a dimension that no rule can give."),
    ("unreachable-band", "A band that no achievable total falls in."),
    ("unreachable-escalation", "An escalation whose condition never holds."),
    ("shadowed-escalation", "An escalation that never changes the result."),
    ("unsatisfiable-condition", "A rule, support, flag, exclusion or consistency check whose condition never holds."),
    ("never-asked", "A question whose skip condition never holds."),
    ("unused-question", "A question no condition reads."),
    ("space-too-large", "A search over the rating space would visit more than 1,000,000 vectors; what it would show is not proved."),
    ("analysis-budget", "The rating-space analyses exceeded their solver budget; what was left is not proved."),
    ("not-proved", "An analysis could neither prove nor refute a property; the message names what is undecided."),
    ("test-syntax", "A test file that is not valid YAML or not a list of tests."),
    ("test-unknown-field", "A key a test case or expectation does not have."),
    ("test-unknown-reference", "A test names a question, level, dimension, instrument, band, flag or support that does not exist."),
    ("test-answer", "A test answer of the wrong type or out of range."),
    ("test-failed", "A test case whose expectations do not hold (GitHub format only; elsewhere a diff)."),
];

pub fn describe(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, d)| *d)
        .unwrap_or("A finding.")
}

/// Human output: rustc-style snippets, counterexamples, then a summary.
pub fn human(sources: &Sources, report: &CheckReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s.push_str(&render_finding(sources, f));
        s.push('\n');
    }
    if !report.analyses.is_empty() {
        let parts: Vec<String> = report
            .analyses
            .iter()
            .map(|a| format!("{} {} ({})", a.name, a.status.as_str(), a.detail))
            .collect();
        s.push_str(&format!("analyses: {}\n", parts.join("; ")));
    }
    s.push_str(&format!(
        "{} error(s), {} warning(s)",
        report.errors(),
        report.warnings()
    ));
    if let Some(sum) = &report.summary {
        s.push_str(&format!("; {sum}"));
    }
    s.push('\n');
    s
}

/// One finding with its snippet and counterexample.
pub fn render_finding(sources: &Sources, f: &Finding) -> String {
    let mut s = sources.render(&f.diag);
    if let Some(cx) = &f.counterexample {
        s.push_str(&format!("  = counterexample: {}\n", cx.text));
    }
    s
}

pub fn finding_json(sources: &Sources, f: &Finding) -> Value {
    let d = &f.diag;
    json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": sources.path(&d.span),
        "line": d.span.line,
        "column": d.span.col,
        "snippet": sources.line_text(&d.span),
        "help": d.help,
        "counterexample": f.counterexample.as_ref().map(|c| json!({"text": c.text, "data": c.data})),
    })
}

pub fn json(sources: &Sources, report: &CheckReport) -> Value {
    json!({
        "errors": report.errors(),
        "warnings": report.warnings(),
        "summary": report.summary,
        "analyses": report.analyses.iter().map(|a| json!({"name": a.name, "status": a.status.as_str(), "detail": a.detail})).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(|f| finding_json(sources, f)).collect::<Vec<_>>(),
    })
}

/// A workflow command's data: `%`, carriage returns and line breaks
/// escaped as GitHub wants (so no line of the text can start a command of
/// its own), any other control character shown visibly
/// ([`crate::diag::text::visible`]: no escape sequence reaches the log).
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::diag::text::needs_escape(c) => {
                let mut buf = [0u8; 4];
                out.push_str(&crate::diag::text::visible(c.encode_utf8(&mut buf)));
            }
            c => out.push(c),
        }
    }
    out
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command for a diagnostic.
pub fn github_line(sources: &Sources, d: &Diagnostic, extra: Option<&str>) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = format!("file={}", escape_property(sources.path(&d.span)));
    if d.span.is_known() {
        props.push_str(&format!(",line={},col={}", d.span.line, d.span.col));
    }
    props.push_str(&format!(",title={}", escape_property(d.code)));
    let mut msg = format!("[{}] {}", d.code, d.message);
    if let Some(h) = &d.help {
        msg.push_str(&format!(" (help: {h})"));
    }
    if let Some(x) = extra {
        msg.push_str(&format!(" Counterexample: {x}"));
    }
    format!("::{kind} {props}::{}", escape_data(&msg))
}

pub fn github(sources: &Sources, report: &CheckReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s.push_str(&github_line(
            sources,
            &f.diag,
            f.counterexample.as_ref().map(|c| c.text.as_str()),
        ));
        s.push('\n');
    }
    s
}
