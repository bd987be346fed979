//! Reporting an outcome: JSON, human text, GitHub annotations and JUnit
//! XML.

use super::{CaseResult, CoverItem, Mismatch, Outcome, Suite};
use crate::diag::text::visible;
use crate::diag::Diagnostic;
use serde_json::{json, Value};

/// The outcome as JSON.
pub fn to_json(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> Value {
    let s = &suite.sources;
    let (rc, rt) = out.coverage.of("rule");
    let (ec, et) = out.coverage.of("escalation");
    let (bc, bt) = out.coverage.of("band");
    json!({
        "passed": out.results.len() - out.failed(),
        "failed": out.failed(),
        "findings": suite.diags.iter().map(|d| crate::check::report::finding_json(s, &crate::check::Finding::plain(d.clone()))).collect::<Vec<_>>(),
        "tests": out.results.iter().map(|r| json!({
            "name": r.name,
            "file": s.path(&r.span),
            "line": r.span.line,
            "column": r.span.col,
            "status": if r.passed() { "passed" } else { "failed" },
            "mismatches": r.mismatches.iter().map(|m| json!({
                "key": m.key, "expected": m.expected, "actual": m.actual, "note": m.note,
                "line": m.span.line, "column": m.span.col,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "coverage": {
            "percent": (out.coverage.percent() * 10.0).round() / 10.0,
            "min_percent": min_coverage,
            "rules": {"covered": rc, "total": rt},
            "escalations": {"covered": ec, "total": et},
            "bands": {"covered": bc, "total": bt},
            "not_exercised": out.coverage.items.iter().filter(|i| !i.covered).map(|i| json!({
                "kind": i.kind, "id": i.id, "file": s.path(&i.span), "line": i.span.line, "column": i.span.col,
            })).collect::<Vec<_>>(),
        },
    })
}

/// One mismatch as a readable expected/actual diff.
pub fn render_mismatch(m: &Mismatch) -> String {
    let note = m
        .note
        .as_ref()
        .map(|n| format!("   ({})", visible(n)))
        .unwrap_or_default();
    format!(
        "    {} (line {}):\n      - expected: {}\n      + actual:   {}{note}\n",
        visible(&m.key),
        m.span.line,
        visible(&m.expected),
        visible(&m.actual)
    )
}

/// Human output.
pub fn human(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> String {
    let s = &suite.sources;
    let mut t = String::new();
    for d in &suite.diags {
        t.push_str(&s.render(d));
        t.push('\n');
    }
    for r in &out.results {
        if r.passed() {
            t.push_str(&format!("ok      {}\n", visible(&r.name)));
        } else {
            t.push_str(&format!(
                "FAILED  {}  ({})\n",
                visible(&r.name),
                s.location(&r.span)
            ));
            for m in &r.mismatches {
                t.push_str(&render_mismatch(m));
            }
        }
    }
    let c = &out.coverage;
    let (rc, rt) = c.of("rule");
    let (ec, et) = c.of("escalation");
    let (bc, bt) = c.of("band");
    t.push_str(&format!(
        "\ncoverage: {:.1}% ({} of {}): rating rules {rc}/{rt}, escalations {ec}/{et}, bands {bc}/{bt}\n",
        c.percent(),
        c.covered(),
        c.items.len()
    ));
    let missing: Vec<&CoverItem> = c.items.iter().filter(|i| !i.covered).collect();
    if !missing.is_empty() {
        t.push_str("not exercised by any test:\n");
        for i in missing {
            t.push_str(&format!(
                "  {} `{}` at {}\n",
                i.kind,
                visible(&i.id),
                s.location(&i.span)
            ));
        }
    }
    if let Some(min) = min_coverage {
        if c.percent() < min {
            t.push_str(&format!(
                "coverage {:.1}% is below the minimum of {min}%\n",
                c.percent()
            ));
        }
    }
    t.push_str(&format!(
        "{} passed, {} failed{}\n",
        out.results.len() - out.failed(),
        out.failed(),
        match (suite.errors(), suite.warnings()) {
            (0, 0) => String::new(),
            (e, 0) => format!("; {e} problem(s) in the test files"),
            (0, w) => format!("; {w} warning(s) in the test files"),
            (e, w) => format!("; {e} problem(s) and {w} warning(s) in the test files"),
        }
    ));
    t
}

/// GitHub Actions workflow commands: problems in test files and failed
/// tests as errors at their place, coverage below the minimum as an error,
/// and the totals as a notice.
pub fn github(suite: &Suite, out: &Outcome, min_coverage: Option<f64>) -> String {
    let s = &suite.sources;
    let mut t = String::new();
    for d in &suite.diags {
        t.push_str(&crate::check::report::github_line(s, d, None));
        t.push('\n');
    }
    for r in out.results.iter().filter(|r| !r.passed()) {
        let what: Vec<String> = r
            .mismatches
            .iter()
            .map(|m| format!("{}: expected {}, actual {}", m.key, m.expected, m.actual))
            .collect();
        let d = Diagnostic::error(
            "test-failed",
            r.span,
            format!("test `{}` failed: {}", r.name, what.join("; ")),
        );
        t.push_str(&crate::check::report::github_line(s, &d, None));
        t.push('\n');
    }
    let c = &out.coverage;
    if let Some(min) = min_coverage {
        if c.percent() < min {
            let missing: Vec<String> = c
                .items
                .iter()
                .filter(|i| !i.covered)
                .map(|i| format!("{} `{}`", i.kind, i.id))
                .collect();
            t.push_str(&format!(
                "::error title=coverage::coverage {:.1}% is below the minimum of {min}%; not exercised: {}\n",
                c.percent(),
                missing.join(", ")
            ));
        }
    }
    t.push_str(&format!(
        "::notice title=rules test::{} passed, {} failed; coverage {:.1}% ({} of {})\n",
        out.results.len() - out.failed(),
        out.failed(),
        c.percent(),
        c.covered(),
        c.items.len()
    ));
    t
}

/// [`xml`] for an attribute value: one line, every control character
/// (line breaks included) shown as a visible escape.
fn xml_attr(s: &str) -> String {
    xml(&visible(s))
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 cannot hold most control characters even as
            // character references; they are written as visible escapes.
            c if c != '\n' && crate::diag::text::needs_escape(c) => {
                o.push_str(&visible(&c.to_string()))
            }
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML: one suite per test file; problems in the test files are
/// `<error>` cases.
pub fn junit(suite: &Suite, out: &Outcome) -> String {
    let s = &suite.sources;
    let mut by_file: Vec<(u32, Vec<&CaseResult>)> = Vec::new();
    for r in &out.results {
        match by_file.iter_mut().find(|(f, _)| *f == r.span.file) {
            Some((_, v)) => v.push(r),
            None => by_file.push((r.span.file, vec![r])),
        }
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"placement rules test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        out.results.len() + suite.diags.len(),
        out.failed(),
        suite.errors()
    ));
    for (file, cases) in &by_file {
        let path = s
            .files
            .get(*file as usize)
            .map(|f| f.path.as_str())
            .unwrap_or("");
        let failures = cases.iter().filter(|c| !c.passed()).count();
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
            xml_attr(path),
            cases.len()
        ));
        for c in cases {
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                xml_attr(&c.name),
                xml_attr(path),
                xml_attr(path),
                c.span.line
            ));
            if c.passed() {
                x.push_str("/>\n");
            } else {
                let first = &c.mismatches[0];
                let body: String = c.mismatches.iter().map(render_mismatch).collect();
                x.push_str(&format!(
                    ">\n      <failure message=\"{}: expected {}, actual {}\" type=\"mismatch\">{}</failure>\n    </testcase>\n",
                    xml_attr(&first.key),
                    xml_attr(&first.expected),
                    xml_attr(&first.actual),
                    xml(&body)
                ));
            }
        }
        x.push_str("  </testsuite>\n");
    }
    if !suite.diags.is_empty() {
        x.push_str(&format!(
            "  <testsuite name=\"test files\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"{}\">\n",
            suite.diags.len(),
            suite.errors(),
            suite.warnings()
        ));
        for d in &suite.diags {
            if d.severity == crate::diag::Severity::Warning {
                // A warning (an empty test file) fails nothing: a skipped
                // case keeps it visible in the CI test report.
                x.push_str(&format!(
                    "    <testcase name=\"{}\" classname=\"test files\">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>\n",
                    xml_attr(&s.location(&d.span)),
                    xml_attr(&format!("warning[{}]: {}", d.code, d.message)),
                    xml(&s.render(d))
                ));
                continue;
            }
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"test files\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                xml_attr(&s.location(&d.span)),
                xml_attr(&d.message),
                d.code,
                xml(&s.render(d))
            ));
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
