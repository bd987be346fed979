//! Unit tests of the solver and of the listing of achievable totals.

use super::*;
use crate::diag::{SourceFile, Sources};
use crate::rules::load::load_sources;

const RULES: &str = r#"
name: t
version: "1"
levels:
  - {id: high, name: High}
  - {id: low, name: Low}
sections:
  - id: s
    title: S
    questions:
      - {id: n, text: N, type: integer, min: 0, max: 10}
      - {id: yes, text: Y, type: yes_no}
      - {id: skipped, text: S, type: integer, min: 0, max: 3, ask_when: yes}
      - {id: pick, text: P, type: multi_choice, options: [{id: a, label: A}, {id: b, label: B}]}
      - {id: odd, text: O, type: integer, min: 0, max: 4, allowed: [0, 2, 4]}
instruments:
  - {id: inst, items: [odd], bands: [{id: lo, min: 0, max: 1}, {id: mid, min: 2, max: 3}, {id: hi, min: 4, max: 4}]}
dimensions:
  - id: d
    name: D
    rules:
      - {rating: 1, when: n > 100 or n < 0 or (n > 3 and n < 2), why: W.}
      - {rating: 2, when: "not (skipped > 1) and not (skipped <= 1)", why: W.}
      - {rating: 3, when: "at_least 2 of (n > 5, n < 3, yes)", why: W.}
      - {rating: 4, when: "at_least 2 of (n > 5, n < 3)", why: W.}
placement:
  minimums:
    d: [low, low, low, high, high]
  escalations:
    - {id: e1, when: "pick has a and not pick has_any [a, b]", level: high, why: W.}
    - {id: e2, when: inst.band == lo and odd == 2, level: high, why: W.}
    - {id: e3, when: inst.band == mid, level: high, why: W.}
"#;

fn solve_all() -> Vec<bool> {
    let loaded = load_sources(Sources {
        files: vec![SourceFile {
            path: "t.yaml".into(),
            rel_path: "t.yaml".into(),
            text: RULES.into(),
        }],
    })
    .expect("test rules load");
    let rs = &loaded.rules;
    let facts = Facts::new(rs);
    let mut s = Solver::new(rs, &facts);
    let mut out: Vec<bool> = rs.dimensions[0]
        .rules
        .iter()
        .map(|r| s.satisfiable(&r.when))
        .collect();
    out.extend(rs.escalations.iter().map(|e| s.satisfiable(&e.when)));
    out
}

#[test]
fn proves_contradictions_and_keeps_what_can_hold() {
    assert_eq!(
        solve_all(),
        vec![
            false, // out of range, and an empty interval
            true,  // both negations hold when the question is not asked
            true,  // n > 5 and yes
            false, // n > 5 and n < 3 cannot both hold
            false, // has a, yet has neither a nor b
            true, // total 2 is in band mid, not lo: totals and their items are not related (a documented limit)
            true, // total 2 is in band mid
        ]
    );
}

#[test]
fn subset_sums_find_unreachable_totals() {
    let loaded = load_sources(Sources {
        files: vec![SourceFile {
            path: "t.yaml".into(),
            rel_path: "t.yaml".into(),
            text: RULES.into(),
        }],
    })
    .expect("test rules load");
    let facts = Facts::new(&loaded.rules);
    assert_eq!(facts.totals[0], Some(vec![0, 2, 4]));
    assert_eq!(facts.band_reachable[0], vec![true, true, true]);
}

/// Loads a one-instrument rule set whose items are `items` (question
/// definitions) and returns its achievable totals.
fn totals_of(questions: &str, items: &str, top: i64) -> Option<Vec<i64>> {
    let text = format!(
        "name: t\nversion: \"1\"\nmax_rating: 1\nlevels:\n  - {{id: high, name: High}}\n  - {{id: low, name: Low}}\nsections:\n  - id: s\n    title: S\n    questions:\n{questions}instruments:\n  - {{id: inst, items: [{items}], bands: [{{id: all, min: 0, max: {top}}}]}}\ndimensions:\n  - id: d\n    name: D\n    rules:\n      - {{rating: 1, when: inst.total > 0, why: W.}}\nplacement:\n  minimums:\n    d: [low, high]\n"
    );
    let loaded = load_sources(Sources {
        files: vec![SourceFile {
            path: "t.yaml".into(),
            rel_path: "t.yaml".into(),
            text,
        }],
    })
    .expect("test rules load");
    achievable_totals(&loaded.rules, 0)
}

#[test]
fn a_wide_item_reaches_every_total_between_its_ends() {
    // An item answered 0 to 10,000 with one answered 0 or 1: every total
    // from 0 to 10,001, not only the sums of the two ends.
    let got = totals_of(
        "      - {id: wide, text: W, type: integer, min: 0, max: 10000}\n      - {id: flag, text: F, type: integer, min: 0, max: 1}\n",
        "wide, flag",
        10001,
    );
    assert_eq!(got, Some((0..=10_001).collect()));
}

#[test]
fn gaps_between_allowed_values_stay_gaps() {
    let got = totals_of(
        "      - {id: a, text: A, type: integer, min: 0, max: 4, allowed: [0, 4]}\n      - {id: b, text: B, type: integer, min: 0, max: 4, allowed: [0, 2, 4]}\n",
        "a, b",
        8,
    );
    assert_eq!(got, Some(vec![0, 2, 4, 6, 8]));
}

#[test]
fn twenty_four_items_of_0_to_4096_are_listed_quickly() {
    let questions: String = (0..24)
        .map(|i| format!("      - {{id: q{i}, text: Q, type: integer, min: 0, max: 4096}}\n"))
        .collect();
    let items: Vec<String> = (0..24).map(|i| format!("q{i}")).collect();
    let got = totals_of(&questions, &items.join(", "), 24 * 4096).expect("listed");
    assert_eq!(got.len(), 24 * 4096 + 1);
}
