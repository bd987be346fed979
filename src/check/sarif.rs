//! SARIF 2.1.0 output for `rules check`, for code-scanning dashboards.

use super::report::describe;
use super::CheckReport;
use crate::diag::{Severity, Sources};
use serde_json::{json, Value};

/// Percent-encodes what may not stand in a URI reference.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else if c == '\\' {
            out.push('/');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF log for one run of `rules check`.
pub fn sarif(sources: &Sources, report: &CheckReport, tool_version: &str) -> Value {
    let mut codes: Vec<&str> = report.findings.iter().map(|f| f.diag.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c,
                "name": c,
                "shortDescription": {"text": describe(c)},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diag;
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!(" Help: {h}"));
            }
            if let Some(cx) = &f.counterexample {
                message.push_str(&format!(" Counterexample: {}", cx.text));
            }
            let mut physical = json!({
                "artifactLocation": {"uri": uri(sources.path(&d.span))},
            });
            if d.span.is_known() {
                let mut region = json!({"startLine": d.span.line, "startColumn": d.span.col.max(1)});
                if let Some(line) = sources.line_text(&d.span) {
                    region["snippet"] = json!({"text": line});
                }
                physical["region"] = region;
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": message},
                "locations": [{"physicalLocation": physical}],
            });
            if let Some(cx) = &f.counterexample {
                result["properties"] = json!({"counterexample": cx.data, "counterexampleText": cx.text});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "placement",
                "version": tool_version,
                "rules": rules,
            }},
            "results": results,
            "properties": {
                "analyses": report.analyses.iter().map(|a| json!({"name": a.name, "status": a.status.as_str(), "detail": a.detail})).collect::<Vec<_>>(),
                "summary": report.summary,
            },
        }],
    })
}
