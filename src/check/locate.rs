//! Finding the exact place of things the compiled rule set does not keep a
//! span for (a single cell of a minimums row), by reading the file again.

use crate::diag::Span;
use crate::rules::RuleSet;
use crate::yaml::{self, Kind, Limits};

/// The span of rating `k` in dimension `d`'s minimums row; the row's key
/// when the cell cannot be found.
pub fn minimums_cell(rs: &RuleSet, d: usize, k: usize) -> Span {
    let dim = &rs.dimensions[d];
    let fallback = dim.minimums_span;
    let Some(file) = rs.sources.files.get(fallback.file as usize) else {
        return fallback;
    };
    let Ok(doc) = yaml::parse(&file.text, fallback.file, &Limits::RULES) else {
        return fallback;
    };
    let cell = doc
        .get("placement")
        .and_then(|p| p.get("minimums"))
        .and_then(|m| m.get(&dim.id))
        .and_then(|row| match &row.kind {
            Kind::Seq(items) => items.get(k).map(|n| n.span),
            _ => None,
        });
    cell.unwrap_or(fallback)
}
