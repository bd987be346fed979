//! Running the cases: scoring each one's answers, comparing the result
//! with its expectations, and the coverage of rules, escalations and bands.

use super::{CaseResult, CoverItem, Coverage, Expectation, Mismatch, Outcome, Suite, TestCase};
use crate::diag::Span;
use crate::engine::{self, Assessment};
use crate::rules::RuleSet;

fn names(ids: &[usize], f: impl Fn(usize) -> String) -> String {
    if ids.is_empty() {
        "[]".into()
    } else {
        format!(
            "[{}]",
            ids.iter().map(|&i| f(i)).collect::<Vec<_>>().join(", ")
        )
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "null".into())
}

/// Runs one case and compares.
pub fn run_case(rs: &RuleSet, case: &TestCase) -> (CaseResult, Assessment) {
    let a = engine::score_slots(rs, &case.slots);
    let lvl = |l: usize| rs.levels[l].id.clone();
    let mut mismatches = Vec::new();
    let mut miss =
        |key: String, expected: String, actual: String, note: Option<String>, span: Span| {
            if expected != actual {
                mismatches.push(Mismatch {
                    key,
                    expected,
                    actual,
                    note,
                    span,
                });
            }
        };
    for (e, span) in &case.expect {
        let span = *span;
        match e {
            Expectation::Level(l) => miss("level".into(), lvl(*l), lvl(a.level), None, span),
            Expectation::MaxLevel(l) => {
                miss("max_level".into(), lvl(*l), lvl(a.max_level), None, span)
            }
            Expectation::Rating(d, r) => {
                let dim = &rs.dimensions[*d];
                let res = &a.dimensions[*d];
                let deciding: Vec<String> = res
                    .deciding_rules(dim)
                    .iter()
                    .map(|&i| dim.rules[i].id.clone())
                    .collect();
                let note = if deciding.is_empty() {
                    "no rule holds".to_string()
                } else {
                    format!("set by {}", deciding.join(", "))
                };
                miss(
                    format!("ratings.{}", dim.id),
                    r.to_string(),
                    res.rating.to_string(),
                    Some(note),
                    span,
                )
            }
            Expectation::Total(i, t) => miss(
                format!("totals.{}", rs.instruments[*i].id),
                opt(*t),
                opt(a.instruments[*i].total),
                None,
                span,
            ),
            Expectation::Band(i, b) => {
                let inst = &rs.instruments[*i];
                let name = |b: Option<usize>| opt(b.map(|b| inst.bands[b].id.clone()));
                let note = a.instruments[*i].total.map(|t| format!("total {t}"));
                miss(
                    format!("bands.{}", inst.id),
                    name(*b),
                    name(a.instruments[*i].band),
                    note,
                    span,
                )
            }
            Expectation::Flags(f) => {
                let mut got = a.flags.clone();
                got.sort_unstable();
                miss(
                    "flags".into(),
                    names(f, |i| rs.flags[i].id.clone()),
                    names(&got, |i| rs.flags[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::Supports(s) => {
                let mut got = a.supports.clone();
                got.sort_unstable();
                miss(
                    "supports".into(),
                    names(s, |i| rs.supports[i].id.clone()),
                    names(&got, |i| rs.supports[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::CouldRaise(q) => {
                let mut got = a.could_raise.clone();
                got.sort_unstable();
                miss(
                    "could_raise".into(),
                    names(q, |i| rs.questions[i].id.clone()),
                    names(&got, |i| rs.questions[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::Excluded(x) => {
                let mut got = a.excluded.clone();
                got.sort_unstable();
                miss(
                    "excluded".into(),
                    names(x, |i| rs.exclusions[i].id.clone()),
                    names(&got, |i| rs.exclusions[i].id.clone()),
                    None,
                    span,
                )
            }
            Expectation::Contradictions(c) => {
                let mut got: Vec<usize> = a.contradictions.iter().map(|x| x.check).collect();
                got.sort_unstable();
                miss(
                    "contradictions".into(),
                    names(c, |i| rs.checks[i].id.clone()),
                    names(&got, |i| rs.checks[i].id.clone()),
                    None,
                    span,
                )
            }
        }
    }
    (
        CaseResult {
            name: case.name.clone(),
            span: case.span,
            mismatches,
        },
        a,
    )
}

/// Runs the cases `select` keeps and measures coverage over them.
pub fn run(rs: &RuleSet, suite: &Suite, select: impl Fn(&str) -> bool) -> Outcome {
    let mut items = Vec::new();
    for d in &rs.dimensions {
        for r in &d.rules {
            items.push(CoverItem {
                kind: "rule",
                id: r.id.clone(),
                span: r.span,
                covered: false,
            });
        }
    }
    let esc_base = items.len();
    for e in &rs.escalations {
        items.push(CoverItem {
            kind: "escalation",
            id: e.id.clone(),
            span: e.span,
            covered: false,
        });
    }
    let band_base = items.len();
    let mut band_index = Vec::new();
    for inst in &rs.instruments {
        band_index.push(items.len() - band_base);
        for b in &inst.bands {
            items.push(CoverItem {
                kind: "band",
                id: format!("{}.{}", inst.id, b.id),
                span: b.span,
                covered: false,
            });
        }
    }
    let mut rule_base = Vec::new();
    let mut n = 0;
    for d in &rs.dimensions {
        rule_base.push(n);
        n += d.rules.len();
    }
    let mut results = Vec::new();
    for case in suite.cases.iter().filter(|c| select(&c.name)) {
        let (res, a) = run_case(rs, case);
        for (d, dim) in rs.dimensions.iter().enumerate() {
            for r in a.dimensions[d].deciding_rules(dim) {
                items[rule_base[d] + r].covered = true;
            }
        }
        for (e, t) in a.escalations.iter().enumerate() {
            if *t == crate::cond::Tri::True {
                items[esc_base + e].covered = true;
            }
        }
        for (i, ir) in a.instruments.iter().enumerate() {
            if let Some(b) = ir.band {
                items[band_base + band_index[i] + b].covered = true;
            }
        }
        results.push(res);
    }
    Outcome {
        results,
        coverage: Coverage { items },
    }
}
