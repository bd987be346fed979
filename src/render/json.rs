//! The JSON record of `product.md`, written byte by byte: every string that
//! comes from the rule set (ids, rationales, flag messages) is escaped once
//! per run in a [`Cache`], so batch output costs little more than copying.
//! [`record`] gives the same record as a `serde_json::Value`.

use super::{Failure, Record, Scored};
use crate::cond::Tri;
use crate::rules::RuleSet;
use serde_json::Value;

pub const TOOL_NAME: &str = "placement";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Rule-set strings, already in JSON form (quoted and escaped).
pub struct Cache {
    levels: Vec<Vec<u8>>,
    questions: Vec<Vec<u8>>,
    supports: Vec<Vec<u8>>,
    exclusions: Vec<Vec<u8>>,
    reasons: Vec<Vec<u8>>,
    /// Per dimension: `"id":` and per rule its id and rationale.
    dimension_keys: Vec<Vec<u8>>,
    rule_ids: Vec<Vec<Vec<u8>>>,
    rule_whys: Vec<Vec<Vec<u8>>>,
    instrument_keys: Vec<Vec<u8>>,
    bands: Vec<Vec<Vec<u8>>>,
    /// Whole objects.
    flags: Vec<Vec<u8>>,
    /// The quoted warning that a flag cannot be ruled out, per flag.
    flag_warnings: Vec<Vec<u8>>,
    escalations: Vec<Vec<u8>>,
    /// `"rules":{...},"tool":{...}`.
    rules_and_tool: Vec<u8>,
}

fn quoted(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

impl Cache {
    pub fn new(rs: &RuleSet) -> Self {
        let key = |s: &str| {
            let mut k = quoted(s);
            k.push(b':');
            k
        };
        Cache {
            levels: rs.levels.iter().map(|l| quoted(&l.id)).collect(),
            questions: rs.questions.iter().map(|q| quoted(&q.id)).collect(),
            supports: rs.supports.iter().map(|s| quoted(&s.id)).collect(),
            exclusions: rs.exclusions.iter().map(|e| quoted(&e.id)).collect(),
            reasons: rs.override_reasons.iter().map(|r| quoted(&r.id)).collect(),
            dimension_keys: rs.dimensions.iter().map(|d| key(&d.id)).collect(),
            rule_ids: rs.dimensions.iter().map(|d| d.rules.iter().map(|r| quoted(&r.id)).collect()).collect(),
            rule_whys: rs.dimensions.iter().map(|d| d.rules.iter().map(|r| quoted(&r.why)).collect()).collect(),
            instrument_keys: rs.instruments.iter().map(|i| key(&i.id)).collect(),
            bands: rs.instruments.iter().map(|i| i.bands.iter().map(|b| quoted(&b.id)).collect()).collect(),
            flag_warnings: (0..rs.flags.len())
                .map(|i| quoted(&crate::engine::Warning::FlagUndecided(i).text(rs)))
                .collect(),
            flags: rs
                .flags
                .iter()
                .map(|f| {
                    serde_json::to_vec(&serde_json::json!({"id": f.id, "severity": f.severity.as_str(), "message": f.message, "action": f.action}))
                        .unwrap_or_default()
                })
                .collect(),
            escalations: rs
                .escalations
                .iter()
                .map(|e| {
                    serde_json::to_vec(&serde_json::json!({"id": e.id, "level": rs.levels[e.level].id, "why": e.why}))
                        .unwrap_or_default()
                })
                .collect(),
            rules_and_tool: {
                let mut v = b"\"rules\":".to_vec();
                v.extend(
                    serde_json::to_vec(&serde_json::json!({"name": rs.name, "version": rs.version, "sha256": rs.sha256}))
                        .unwrap_or_default(),
                );
                v.extend_from_slice(b",\"tool\":");
                v.extend(serde_json::to_vec(&serde_json::json!({"name": TOOL_NAME, "version": TOOL_VERSION})).unwrap_or_default());
                v
            },
        }
    }
}

/// The record as a JSON value.
pub fn record(rs: &RuleSet, r: &Record) -> Value {
    let mut out = Vec::new();
    write_record(rs, &Cache::new(rs), r, &mut out);
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

/// Appends one record as compact JSON to `out`.
pub fn write_record(rs: &RuleSet, cache: &Cache, r: &Record, out: &mut Vec<u8>) {
    let start = out.len();
    match r {
        Record::Failed(f) => failure(f, out),
        Record::Scored(s) => scored(rs, cache, s, out),
    }
    escape_invisible(out, start);
}

/// `v` as pretty JSON with nothing invisible (see `escape_invisible`):
/// for every JSON document the commands write.
pub fn pretty(v: &impl serde::Serialize) -> String {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    escape_invisible(&mut out, 0);
    String::from_utf8(out).unwrap_or_default()
}

/// JSON escapes the C0 controls (ESC too) itself, but writes DEL, C1
/// controls and bidirectional formatting characters as they are; in a
/// terminal or a log they can act as escape sequences or reorder a line.
/// Those (everything [`crate::diag::text::needs_escape`] names) become `\uXXXX`
/// escapes in `out[start..]`: the same JSON value, nothing invisible. They
/// can only be inside strings, as the rest of JSON is printable ASCII.
fn escape_invisible(out: &mut Vec<u8>, start: usize) {
    let tail = &out[start..];
    // The lead bytes of every such character: DEL, U+0080..U+009F,
    // U+061C, U+200B..U+206F, U+FEFF and U+FFF9..U+FFFB.
    if memchr::memchr3(0x7f, 0xc2, 0xe2, tail).is_none()
        && memchr::memchr2(0xd8, 0xef, tail).is_none()
    {
        return;
    }
    let Ok(text) = std::str::from_utf8(tail) else {
        return;
    };
    if !text.chars().any(crate::diag::text::needs_escape) {
        return;
    }
    let mut fixed = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if crate::diag::text::needs_escape(c) {
            use std::fmt::Write as _;
            let _ = write!(fixed, "\\u{:04x}", c as u32);
        } else {
            fixed.push(c);
        }
    }
    out.truncate(start);
    out.extend_from_slice(fixed.as_bytes());
}

fn string(out: &mut Vec<u8>, s: &str) {
    // Writing to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn number(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// `[a,b,c]` from pre-quoted items.
fn list<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a [u8]>) {
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
}

/// The quoted ids of some questions.
fn question_ids<'a>(c: &'a Cache, idx: &'a [usize]) -> impl Iterator<Item = &'a [u8]> + 'a {
    idx.iter().map(move |&q| c.questions[q].as_slice())
}

fn failure(f: &Failure, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"source\":");
    string(out, &f.source);
    if let Some(id) = &f.id {
        out.extend_from_slice(b",\"id\":");
        string(out, id);
    }
    out.extend_from_slice(b",\"error\":");
    string(out, &f.message);
    out.extend_from_slice(b",\"code\":");
    string(out, &f.code);
    if let Some(l) = f.line {
        out.extend_from_slice(b",\"line\":");
        number(out, l);
    }
    if let Some(c) = f.column {
        out.extend_from_slice(b",\"column\":");
        number(out, c);
    }
    out.push(b'}');
}

fn scored(rs: &RuleSet, c: &Cache, s: &Scored, out: &mut Vec<u8>) {
    let a = &s.assessment;
    out.extend_from_slice(b"{\"source\":");
    string(out, &s.source);
    out.extend_from_slice(b",\"id\":");
    match &s.intake.id {
        Some(id) => string(out, id),
        None => out.extend_from_slice(b"null"),
    }
    // The client a reassessment series shares, when the intake names one.
    if let Some(client) = &s.intake.client {
        out.extend_from_slice(b",\"client\":");
        string(out, client);
    }
    out.extend_from_slice(b",\"level\":");
    out.extend_from_slice(&c.levels[a.level]);
    out.extend_from_slice(b",\"max_level\":");
    out.extend_from_slice(&c.levels[a.max_level]);
    out.extend_from_slice(b",\"could_raise\":");
    list(out, question_ids(c, &a.could_raise));
    out.extend_from_slice(b",\"supports\":");
    list(out, a.supports.iter().map(|&i| c.supports[i].as_slice()));
    out.extend_from_slice(b",\"possible_supports\":");
    list(
        out,
        a.possible_supports
            .iter()
            .map(|&i| c.supports[i].as_slice()),
    );

    out.extend_from_slice(b",\"dimensions\":{");
    for (d, (dim, dr)) in rs.dimensions.iter().zip(&a.dimensions).enumerate() {
        if d > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&c.dimension_keys[d]);
        out.extend_from_slice(b"{\"rating\":");
        number(out, dr.rating);
        out.extend_from_slice(b",\"max_rating\":");
        number(out, dr.max_rating);
        out.extend_from_slice(b",\"min_level\":");
        out.extend_from_slice(&c.levels[dr.min_level]);
        let deciding = dr.deciding(dim);
        out.extend_from_slice(b",\"reasons\":");
        list(out, deciding.clone().map(|r| c.rule_whys[d][r].as_slice()));
        out.extend_from_slice(b",\"rules\":");
        list(out, deciding.map(|r| c.rule_ids[d][r].as_slice()));
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"escalations\":");
    list(
        out,
        a.escalations
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == Tri::True)
            .map(|(i, _)| c.escalations[i].as_slice()),
    );

    out.extend_from_slice(b",\"instruments\":{");
    for (i, (inst, ir)) in rs.instruments.iter().zip(&a.instruments).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&c.instrument_keys[i]);
        out.extend_from_slice(b"{\"total\":");
        match ir.total {
            Some(t) => number(out, t),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"band\":");
        match ir.band {
            Some(b) => out.extend_from_slice(&c.bands[i][b]),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"missing\":");
        list(out, question_ids(c, &ir.missing));
        if !ir.applicable {
            out.extend_from_slice(b",\"applicable\":false");
        }
        out.push(b'}');
        let _ = inst;
    }
    out.extend_from_slice(b"},\"flags\":");
    list(out, a.flags.iter().map(|&f| c.flags[f].as_slice()));
    out.extend_from_slice(b",\"possible_flags\":");
    list(out, a.possible_flags.iter().map(|&f| c.flags[f].as_slice()));
    out.extend_from_slice(b",\"possibly_excluded\":");
    list(
        out,
        a.possibly_excluded
            .iter()
            .map(|&i| c.exclusions[i].as_slice()),
    );
    out.extend_from_slice(b",\"complete\":");
    out.extend_from_slice(if a.complete() { b"true" } else { b"false" });
    out.extend_from_slice(b",\"missing\":");
    list(out, question_ids(c, &a.missing));
    out.extend_from_slice(b",\"warnings\":[");
    for (i, w) in a.warnings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match w {
            crate::engine::Warning::FlagUndecided(f) => out.extend_from_slice(&c.flag_warnings[*f]),
            w => string(out, &w.text(rs)),
        }
    }
    out.extend_from_slice(b"],");
    out.extend_from_slice(&c.rules_and_tool);
    out.extend_from_slice(b",\"placement\":");
    match &s.intake.placement {
        Some(p) => {
            out.extend_from_slice(b"{\"level\":");
            out.extend_from_slice(&c.levels[p.level]);
            out.extend_from_slice(b",\"reason\":");
            match p.reason {
                Some(r) => out.extend_from_slice(&c.reasons[r]),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"note\":");
            match &p.note {
                Some(n) => string(out, n),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"overridden\":");
    out.extend_from_slice(if s.overridden() { b"true" } else { b"false" });
    if let Some(changed) = s.recommendation_changed(rs) {
        out.extend_from_slice(b",\"recommendation_changed\":");
        out.extend_from_slice(if changed { b"true" } else { b"false" });
    }
    out.push(b'}');
}
