//! `rules diff`: the same saved intakes scored under two rule sets, and
//! what changes: a from/to matrix of levels, each intake whose level moves
//! with the first rating, minimum or escalation that differs, and the
//! intakes that one of the rule sets cannot interpret.

use crate::cond::Tri;
use crate::engine::Assessment;
use crate::render::{Failure, Record};
use crate::rules::RuleSet;
use serde_json::{json, Map, Value};

/// The first thing that differs between the two results of one intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// `rating`, `minimum` or `escalation`.
    pub kind: &'static str,
    /// The dimension or escalation id.
    pub id: String,
    pub from: Side,
    pub to: Side,
}

/// One side of a [`Difference`]: a rating (a number in JSON), or a level
/// id or whether an escalation holds (text).
#[derive(Debug, Clone, PartialEq)]
pub enum Side {
    Rating(u8),
    Text(String),
}

impl Side {
    fn json(&self) -> Value {
        match self {
            Side::Rating(r) => json!(r),
            Side::Text(t) => json!(t),
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Side::Rating(r) => write!(f, "{r}"),
            Side::Text(t) => f.write_str(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    pub source: String,
    pub id: Option<String>,
    pub from: String,
    pub to: String,
    pub first: Option<Difference>,
}

/// An intake that one or both rule sets cannot interpret.
#[derive(Debug, Clone, PartialEq)]
pub struct Uninterpretable {
    pub source: String,
    pub old: Option<Failure>,
    pub new: Option<Failure>,
}

#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub total: usize,
    /// (from level id, to level id, count), in the old and new level orders.
    pub matrix: Vec<(String, String, usize)>,
    pub changed: Vec<Changed>,
    pub failed: Vec<Uninterpretable>,
    pub old_levels: Vec<String>,
    pub new_levels: Vec<String>,
}

impl DiffReport {
    /// Anything changed: a level moved, or an intake became (un)interpretable.
    pub fn any_change(&self) -> bool {
        !self.changed.is_empty()
            || self
                .failed
                .iter()
                .any(|f| f.old.is_some() != f.new.is_some())
    }
}

fn first_difference(
    old_rs: &RuleSet,
    new_rs: &RuleSet,
    a: &Assessment,
    b: &Assessment,
) -> Option<Difference> {
    for &d in &new_rs.dimension_order {
        let dim = &new_rs.dimensions[d];
        let Some(od) = old_rs.dimensions.iter().position(|x| x.id == dim.id) else {
            continue;
        };
        let (ra, rb) = (a.dimensions[od].rating, b.dimensions[d].rating);
        if ra != rb {
            return Some(Difference {
                kind: "rating",
                id: dim.id.clone(),
                from: Side::Rating(ra),
                to: Side::Rating(rb),
            });
        }
    }
    for (d, dim) in new_rs.dimensions.iter().enumerate() {
        let Some(od) = old_rs.dimensions.iter().position(|x| x.id == dim.id) else {
            continue;
        };
        let la = &old_rs.levels[a.dimensions[od].min_level].id;
        let lb = &new_rs.levels[b.dimensions[d].min_level].id;
        if la != lb {
            return Some(Difference {
                kind: "minimum",
                id: dim.id.clone(),
                from: Side::Text(la.clone()),
                to: Side::Text(lb.clone()),
            });
        }
    }
    let holds = |t: Option<&Tri>| t == Some(&Tri::True);
    let mut ids: Vec<&str> = old_rs.escalations.iter().map(|e| e.id.as_str()).collect();
    for e in &new_rs.escalations {
        if !ids.contains(&e.id.as_str()) {
            ids.push(&e.id);
        }
    }
    for id in ids {
        let ha = holds(
            old_rs
                .escalations
                .iter()
                .position(|e| e.id == id)
                .and_then(|i| a.escalations.get(i)),
        );
        let hb = holds(
            new_rs
                .escalations
                .iter()
                .position(|e| e.id == id)
                .and_then(|i| b.escalations.get(i)),
        );
        if ha != hb {
            let word = |h: bool| if h { "holds" } else { "does not hold" }.to_string();
            return Some(Difference {
                kind: "escalation",
                id: id.to_string(),
                from: Side::Text(word(ha)),
                to: Side::Text(word(hb)),
            });
        }
    }
    None
}

/// Compares the records of each intake under the old and the new rule set
/// (`pairs` in input order).
pub fn compare(old_rs: &RuleSet, new_rs: &RuleSet, pairs: Vec<(Record, Record)>) -> DiffReport {
    let mut counts: Vec<Vec<usize>> = vec![vec![0; new_rs.levels.len()]; old_rs.levels.len()];
    let mut r = DiffReport {
        total: pairs.len(),
        old_levels: old_rs.levels.iter().map(|l| l.id.clone()).collect(),
        new_levels: new_rs.levels.iter().map(|l| l.id.clone()).collect(),
        ..DiffReport::default()
    };
    for (a, b) in pairs {
        match (a, b) {
            (Record::Scored(a), Record::Scored(b)) => {
                let (la, lb) = (a.assessment.level, b.assessment.level);
                counts[la][lb] += 1;
                let (from, to) = (old_rs.levels[la].id.clone(), new_rs.levels[lb].id.clone());
                if from != to {
                    r.changed.push(Changed {
                        source: b.source.clone(),
                        id: b.intake.id.clone(),
                        from,
                        to,
                        first: first_difference(old_rs, new_rs, &a.assessment, &b.assessment),
                    });
                }
            }
            (a, b) => {
                let source = b.source().to_string();
                let fail = |x: Record| match x {
                    Record::Failed(f) => Some(f),
                    Record::Scored(_) => None,
                };
                r.failed.push(Uninterpretable {
                    source,
                    old: fail(a),
                    new: fail(b),
                });
            }
        }
    }
    for (i, row) in counts.iter().enumerate() {
        for (j, n) in row.iter().enumerate() {
            if *n > 0 {
                r.matrix
                    .push((r.old_levels[i].clone(), r.new_levels[j].clone(), *n));
            }
        }
    }
    r
}

fn failure_json(f: &Option<Failure>) -> Value {
    match f {
        None => Value::Null,
        Some(f) => json!({"code": f.code, "error": f.message, "line": f.line, "column": f.column}),
    }
}

/// `same-version`: OLD and NEW have the same name and version but not
/// the same files. Every scoring result records only the name, version
/// and sha256 of its rule set, so a changed rule set that keeps its
/// version makes results that can only be told apart by the hash.
pub fn same_version(old_rs: &RuleSet, new_rs: &RuleSet) -> Option<String> {
    (old_rs.name == new_rs.name
        && old_rs.version == new_rs.version
        && old_rs.sha256 != new_rs.sha256)
        .then(|| {
            let short = |s: &str| s.chars().take(12).collect::<String>();
            format!(
                "OLD and NEW are both rule set `{}` version {}, but their files differ (sha256 {} and {}): give NEW a new `version`, so that results scored under each can be told apart",
                new_rs.name,
                new_rs.version,
                short(&old_rs.sha256),
                short(&new_rs.sha256)
            )
        })
}

fn rules_json(rs: &RuleSet) -> Value {
    json!({"name": rs.name, "version": rs.version, "sha256": rs.sha256})
}

pub fn to_json(old_rs: &RuleSet, new_rs: &RuleSet, r: &DiffReport) -> Value {
    let mut matrix = Map::new();
    for (from, to, n) in &r.matrix {
        let row = matrix.entry(from.clone()).or_insert_with(|| json!({}));
        row[to] = json!(n);
    }
    json!({
        "old": rules_json(old_rs),
        "new": rules_json(new_rs),
        "total": r.total,
        "unchanged": r.total - r.changed.len() - r.failed.len(),
        "matrix": matrix,
        "changed": r.changed.iter().map(|c| json!({
            "source": c.source,
            "id": c.id,
            "from": c.from,
            "to": c.to,
            "first_difference": c.first.as_ref().map(|d| json!({"kind": d.kind, "id": d.id, "from": d.from.json(), "to": d.to.json()})),
        })).collect::<Vec<_>>(),
        "uninterpretable": r.failed.iter().map(|f| json!({
            "source": f.source, "old": failure_json(&f.old), "new": failure_json(&f.new),
        })).collect::<Vec<_>>(),
        "warnings": same_version(old_rs, new_rs)
            .map(|m| json!({"code": "same-version", "message": m}))
            .into_iter()
            .collect::<Vec<_>>(),
    })
}

fn describe(d: &Difference) -> String {
    match d.kind {
        "rating" => format!("rating of `{}` {} -> {}", d.id, d.from, d.to),
        "minimum" => format!("minimum level of `{}` {} -> {}", d.id, d.from, d.to),
        _ => format!("escalation `{}` {} -> {}", d.id, d.from, d.to),
    }
}

fn failure_text(f: &Option<Failure>) -> String {
    match f {
        None => "ok".into(),
        Some(f) => {
            let at = match (f.line, f.column) {
                (Some(l), Some(c)) => format!(" at {l}:{c}"),
                (Some(l), None) => format!(" at line {l}"),
                _ => String::new(),
            };
            format!("{} ({}){at}", f.message, f.code)
        }
    }
}

pub fn human(old_rs: &RuleSet, new_rs: &RuleSet, r: &DiffReport) -> String {
    use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Table};
    let short = |s: &str| s.chars().take(12).collect::<String>();
    let mut out = format!(
        "{} intake(s) scored under OLD `{}` {} ({}) and NEW `{}` {} ({})\n",
        r.total,
        old_rs.name,
        old_rs.version,
        short(&old_rs.sha256),
        new_rs.name,
        new_rs.version,
        short(&new_rs.sha256)
    );
    out.push_str(&format!(
        "{} changed level, {} unchanged, {} could not be interpreted\n",
        r.changed.len(),
        r.total - r.changed.len() - r.failed.len(),
        r.failed.len()
    ));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
    let mut header = vec![Cell::new("OLD \\ NEW")];
    header.extend(r.new_levels.iter().map(Cell::new));
    t.set_header(header);
    for from in &r.old_levels {
        let mut row = vec![Cell::new(from)];
        for to in &r.new_levels {
            let n = r
                .matrix
                .iter()
                .find(|(f, tt, _)| f == from && tt == to)
                .map(|x| x.2)
                .unwrap_or(0);
            row.push(Cell::new(if n == 0 {
                ".".to_string()
            } else {
                n.to_string()
            }));
        }
        t.add_row(row);
    }
    out.push_str(&format!("\n{t}\n"));
    if !r.changed.is_empty() {
        out.push_str("\nchanged:\n");
        for c in &r.changed {
            let first = c
                .first
                .as_ref()
                .map(|d| format!(" (first difference: {})", describe(d)))
                .unwrap_or_default();
            out.push_str(&format!("  {}: {} -> {}{first}\n", c.source, c.from, c.to));
        }
    }
    if !r.failed.is_empty() {
        out.push_str("\ncould not be interpreted:\n");
        for f in &r.failed {
            out.push_str(&format!(
                "  {}: OLD {}; NEW {}\n",
                f.source,
                failure_text(&f.old),
                failure_text(&f.new)
            ));
        }
    }
    out
}
