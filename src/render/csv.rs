//! CSV: one row per input, in a documented, stable column order (see
//! `docs/intake.md`): source, id, level, max_level, complete, one
//! `<dimension>_rating` per dimension, `<instrument>_total` and
//! `<instrument>_band` per instrument, flags, supports, could_raise,
//! contradictions, placement_level, override_reason, overridden, rules_sha256, error_code,
//! error, line, column.

use super::{Record, Scored};
use crate::rules::RuleSet;

pub fn header(rs: &RuleSet) -> Vec<String> {
    let mut h: Vec<String> = ["source", "id", "level", "max_level", "complete"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(rs.dimensions.iter().map(|d| format!("{}_rating", d.id)));
    for i in &rs.instruments {
        h.push(format!("{}_total", i.id));
        h.push(format!("{}_band", i.id));
    }
    h.extend(
        [
            "flags",
            "supports",
            "could_raise",
            "contradictions",
            "placement_level",
            "override_reason",
            "overridden",
            "rules_sha256",
            "error_code",
            "error",
            "line",
            "column",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// One CSV line (with its line ending) for a row of cells.
pub fn line(cells: Vec<String>) -> Vec<u8> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(&cells);
    w.into_inner().unwrap_or_default()
}

/// Escapes a cell a spreadsheet would read as a formula.
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn row(rs: &RuleSet, r: &Record) -> Vec<String> {
    let n = header(rs).len();
    let mut row = Vec::with_capacity(n);
    match r {
        Record::Scored(s) => scored_row(rs, s, &mut row),
        Record::Failed(f) => {
            row.push(f.source.clone());
            row.push(f.id.clone().unwrap_or_default());
            row.resize(n - 4, String::new());
            row.push(f.code.clone());
            row.push(f.message.clone());
            row.push(f.line.map(|l| l.to_string()).unwrap_or_default());
            row.push(f.column.map(|c| c.to_string()).unwrap_or_default());
        }
    }
    row.into_iter().map(|c| safe_cell(&c)).collect()
}

fn scored_row(rs: &RuleSet, s: &Scored, row: &mut Vec<String>) {
    let a = &s.assessment;
    row.push(s.source.clone());
    row.push(s.intake.id.clone().unwrap_or_default());
    row.push(rs.levels[a.level].id.clone());
    row.push(rs.levels[a.max_level].id.clone());
    row.push(a.complete().to_string());
    row.extend(a.dimensions.iter().map(|d| d.rating.to_string()));
    for (inst, ir) in rs.instruments.iter().zip(&a.instruments) {
        row.push(ir.total.map(|t| t.to_string()).unwrap_or_default());
        row.push(
            ir.band
                .map(|b| inst.bands[b].id.clone())
                .unwrap_or_default(),
        );
    }
    row.push(
        a.flags
            .iter()
            .map(|&i| rs.flags[i].id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(
        a.supports
            .iter()
            .map(|&i| rs.supports[i].id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(super::question_ids(rs, &a.could_raise).join(";"));
    row.push(
        a.warnings
            .iter()
            .filter_map(|w| match w {
                crate::engine::Warning::Contradiction(c) => Some(rs.checks[c.check].id.clone()),
                crate::engine::Warning::NotFromSource { question, .. } => {
                    Some(format!("options_from:{}", rs.questions[*question].id))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(";"),
    );
    match &s.intake.placement {
        Some(p) => {
            row.push(rs.levels[p.level].id.clone());
            row.push(
                p.reason
                    .map(|r| rs.override_reasons[r].id.clone())
                    .unwrap_or_default(),
            );
        }
        None => {
            row.push(String::new());
            row.push(String::new());
        }
    }
    row.push(s.overridden().to_string());
    row.push(rs.sha256.clone());
    row.extend([String::new(), String::new(), String::new(), String::new()]);
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn escapes_formulas() {
        assert_eq!(safe_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(safe_cell("-2"), "'-2");
        assert_eq!(safe_cell("iop"), "iop");
    }
}
