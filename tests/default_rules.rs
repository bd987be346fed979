//! Tests of the embedded default rule set against `../shared/domain.md`,
//! version 2.
//!
//! Every expected value here comes from the oracle in `tests/common` (the
//! instrument scoring, bands and when each instrument is asked, the policy
//! table, the escalations and the rubric's "Lower bounds, exactly",
//! hard-coded from domain.md), never from the rule files. Level ranks count
//! from the most intensive level (0 = `inpatient`), so "at least as
//! intensive" is "rank at most".
//!
//! 1. instruments: every band edge through `placement score - --format
//!    json`, random item answers against the oracle sums (proptest), the
//!    AUDIT skip, when DAST-10, CIWA-Ar and COWS are asked;
//! 2. the policy table: every cell by constructed intakes, the compiled
//!    minimums and escalations (exhaustively over all rating vectors), each
//!    escalation and its absence by constructed intakes, and `level`
//!    recomputed from the reported ratings for thousands of sampled
//!    intakes;
//! 3. examples: every example scores to the level its comment states;
//!    every level reachable;
//! 4. the rubric's lower bounds at and just below every edge, the one
//!    upper bound, and every safety flag of version 2 with its action;
//! 5. missing answers: removing any one answer of a complete intake;
//! 6. monotonicity: raising any one answer never gives less care;
//! 7. critical flags never lower anything; the under-18 exclusion.

mod common;

use common::fixture::{self, *};
use common::oracle::{self, Answers, Bands};
use placement::cond::{Env, Multi, Operand, Tri, Val};
use placement::engine::{self, Assessment};
use placement::intake::Slot;
use placement::rules::model::QuestionKind;
use placement::sample;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: u64 = 0x00D0_3A1E;

// ---------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------

/// Runs the binary with `stdin` on standard input.
fn run(args: &[&str], stdin: String) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_placement"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run placement");
    let mut pipe = child.stdin.take().expect("stdin");
    // A writer thread, so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || {
        pipe.write_all(stdin.as_bytes()).expect("write stdin");
    });
    let out = child.wait_with_output().expect("placement output");
    writer.join().expect("stdin writer");
    out
}

fn records(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON array: {e}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v.as_array().expect("a JSON array of records").clone()
}

/// `total` spread over `n` items of 0..=`max`, filling the first items
/// first (or the last items first).
fn spread(total: i64, n: usize, max: i64, last_first: bool) -> Vec<i64> {
    assert!(
        total >= 0 && total <= n as i64 * max,
        "{total} does not fit"
    );
    let mut v = vec![0; n];
    let mut left = total;
    for k in 0..n {
        let i = if last_first { n - 1 - k } else { k };
        v[i] = left.min(max);
        left -= v[i];
    }
    v
}

fn items(prefix: &str, values: &[i64]) -> Vec<(String, Value)> {
    values
        .iter()
        .enumerate()
        .map(|(i, x)| (format!("{prefix}{}", i + 1), json!(x)))
        .collect()
}

/// PHQ-9 answers adding up to `total`.
fn phq9(total: i64, last_first: bool) -> Vec<(String, Value)> {
    items("phq9_", &spread(total, 9, 3, last_first))
}

/// PHQ-9 answers adding up to `total` with item 9 = `item9`.
fn phq9_with_item9(total: i64, item9: i64) -> Vec<(String, Value)> {
    let mut v = spread(total - item9, 8, 3, false);
    v.push(item9);
    items("phq9_", &v)
}

fn gad7(total: i64, last_first: bool) -> Vec<(String, Value)> {
    items("gad7_", &spread(total, 7, 3, last_first))
}

/// AUDIT answers adding up to `total` that follow the published skip:
/// items 9 and 10 take only 0, 2 or 4; `last_first` puts as much as it can
/// on items 9 and 10 (then 8, 7, ...). A point is moved onto item 1 (and
/// item 2) when later items need them asked; items the skip leaves out
/// are not answered (`null`).
fn audit(total: i64, last_first: bool) -> Vec<(String, Value)> {
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    for a in [0, 2, 4] {
        for b in [0, 2, 4] {
            pairs.push((a, b));
        }
    }
    pairs.sort_by_key(|(a, b)| a + b);
    if last_first {
        pairs.reverse();
    }
    let (a9, a10) = *pairs
        .iter()
        .find(|(a, b)| (0..=32).contains(&(total - a - b)))
        .unwrap_or_else(|| panic!("AUDIT total {total} cannot be made"));
    let mut v = spread(total - a9 - a10, 8, 4, last_first);
    let take_from = |v: &mut Vec<i64>, from: std::ops::Range<usize>| {
        let k = from.rev().find(|&k| v[k] > 0).expect("a point to move");
        v[k] -= 1;
    };
    if v[0] == 0 && v[1..8].iter().any(|&x| x > 0) {
        take_from(&mut v, 1..8);
        v[0] = 1;
    }
    if v[1] + v[2] == 0 && v[3..8].iter().any(|&x| x > 0) {
        take_from(&mut v, 3..8);
        v[1] = 1;
    }
    let mut out = Vec::new();
    for (i, x) in v.iter().enumerate() {
        let item = i + 1;
        let asked = match item {
            1 => true,
            2 | 3 => v[0] > 0,
            _ => v[0] > 0 && v[1] + v[2] > 0,
        };
        out.push((
            format!("audit_{item}"),
            if asked { json!(x) } else { Value::Null },
        ));
    }
    out.push(("audit_9".into(), json!(a9)));
    out.push(("audit_10".into(), json!(a10)));
    out
}

/// DAST-10 answers adding up to `total`; with `item3_no`, item 3 is
/// answered "no" (which scores 1) and carries one of the points.
fn dast10(total: i64, item3_no: bool) -> Vec<(String, Value)> {
    let mut yes_left = total - item3_no as i64;
    assert!((0..=9).contains(&yes_left), "DAST-10 {total} / {item3_no}");
    let mut out = Vec::new();
    for i in 1..=10 {
        let v = if i == 3 {
            !item3_no
        } else if yes_left > 0 {
            yes_left -= 1;
            true
        } else {
            false
        };
        out.push((format!("dast10_{i}"), json!(v)));
    }
    out
}

fn changes(v: &[(String, Value)]) -> Vec<(&str, Value)> {
    v.iter().map(|(k, x)| (k.as_str(), x.clone())).collect()
}

/// The base intake with the answers `v` and `more`, kept complete.
fn with_owned(v: &[(String, Value)], more: &[(&str, Value)]) -> Map<String, Value> {
    let mut all = changes(v);
    all.extend(more.iter().cloned());
    fixture::with(&all)
}

/// Several change lists joined (later ones win).
fn join(parts: &[&[(&str, Value)]]) -> Vec<(&'static str, Value)> {
    let mut out: Vec<(&'static str, Value)> = Vec::new();
    for p in parts {
        for (k, v) in p.iter() {
            let k: &'static str = rs().questions[q(k)].id.as_str();
            out.retain(|(x, _)| *x != k);
            out.push((k, v.clone()));
        }
    }
    out
}

/// Owned answers (from the item helpers) as a change list.
fn owned(v: Vec<(String, Value)>) -> Vec<(&'static str, Value)> {
    v.into_iter()
        .map(|(k, x)| (rs().questions[q(&k)].id.as_str(), x))
        .collect()
}

/// Sets answers in slots: integers, yes/no, and `null` as not answered.
fn set_slots(s: &mut [Slot], v: &[(String, Value)]) {
    for (k, x) in v {
        if x.is_null() {
            s[q(k)] = Slot::Absent;
            continue;
        }
        let n = x
            .as_i64()
            .or_else(|| x.as_bool().map(|b| b as i64))
            .expect("int or bool");
        set_num(s, k, n);
    }
}

/// The first and last total of every band (each once).
fn edges(bands: Bands) -> Vec<i64> {
    let mut v: Vec<i64> = bands.iter().flat_map(|(_, lo, hi)| [*lo, *hi]).collect();
    v.dedup();
    v
}

fn sampled(n: u64) -> (Vec<Slot>, Assessment) {
    let slots = sample::intake(rs(), SEED, n).slots;
    let a = engine::score_slots(rs(), &slots);
    (slots, a)
}

fn oracle_totals(a: &dyn oracle::Answers) -> Vec<(&'static str, Option<i64>)> {
    oracle::INSTRUMENTS
        .iter()
        .map(|(id, _)| (*id, oracle::total(id, a)))
        .collect()
}

/// Whether the answers say the client is intoxicated now.
fn intoxicated_in(m: &Map<String, Value>) -> bool {
    m.get("intoxicated_now") == Some(&json!(true))
}

/// Lower bounds of the rubric for a scored intake's answers.
fn bounds_of(slots: &[Slot], a: &Assessment) -> oracle::Bounds {
    oracle::lower_bounds(&SlotAnswers {
        slots,
        assessment: a,
    })
}

// ---------------------------------------------------------------------
// 0. The fixture itself
// ---------------------------------------------------------------------

#[test]
fn base_intake_is_complete_benign_and_outpatient() {
    let a = assess(&base());
    assert!(a.complete(), "base intake misses {:?}", qids(&a.missing));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_eq!(ratings(&a), [0; 6]);
    assert_eq!(level_id(a.level), "outpatient");
    assert_eq!(level_id(a.max_level), "outpatient");
    assert!(a.flags.is_empty(), "{:?}", a.flags);
    assert!(a.excluded.is_empty());
    assert!(supports(&a).is_empty(), "{:?}", supports(&a));
    // Every instrument is asked of him, each at its least band.
    for (id, _) in oracle::INSTRUMENTS {
        assert_eq!(
            oracle::applicable(id, &JsonAnswers(&base())),
            Some(true),
            "{id}"
        );
        assert_eq!(
            instrument(&a, id),
            (Some(0), Some(oracle::bands(id)[0].0)),
            "{id}"
        );
    }
    // `with` with no changes is the base intake.
    assert_eq!(fixture::with(&[]), base());
}

// ---------------------------------------------------------------------
// 1. Instruments
// ---------------------------------------------------------------------

struct EdgeCase {
    id: String,
    instrument: &'static str,
    total: i64,
    band: &'static str,
    answers: Map<String, Value>,
}

/// Alcohol (or sedatives) used in the past 30 days, the last time within
/// 72 hours, so that CIWA-Ar is asked of someone who uses it now.
fn recent(substance: &str) -> Vec<(&'static str, Value)> {
    let mut all = vec!["alcohol", "opioids"];
    if !all.contains(&substance) {
        all.push(substance);
    }
    vec![
        ("substances", json!(all)),
        ("substances_30d", json!([substance])),
        ("days_used_30", json!(4)),
        ("last_use", json!("within_72_hours")),
    ]
}

fn edge_cases() -> Vec<EdgeCase> {
    let mut cases = Vec::new();
    let mut push = |instrument: &'static str, total: i64, variant: &str, answers| {
        let band = oracle::band(oracle::bands(instrument), total).1;
        cases.push(EdgeCase {
            id: format!("{instrument}-{total}-{variant}"),
            instrument,
            total,
            band,
            answers,
        });
    };
    for t in edges(oracle::PHQ9_BANDS) {
        for last_first in [false, true] {
            push(
                "phq9",
                t,
                &format!("{last_first}"),
                with_owned(&phq9(t, last_first), &[]),
            );
        }
    }
    for t in edges(oracle::GAD7_BANDS) {
        for last_first in [false, true] {
            push(
                "gad7",
                t,
                &format!("{last_first}"),
                with_owned(&gad7(t, last_first), &[]),
            );
        }
    }
    for t in edges(oracle::AUDIT_BANDS) {
        for last_first in [false, true] {
            push(
                "audit",
                t,
                &format!("{last_first}"),
                with_owned(&audit(t, last_first), &[]),
            );
        }
    }
    for t in edges(oracle::DAST10_BANDS) {
        for item3_no in [false, true] {
            // 0 needs item 3 "yes"; 10 needs item 3 "no".
            if (t == 0 && item3_no) || (t == 10 && !item3_no) {
                continue;
            }
            push(
                "dast10",
                t,
                &format!("item3_no_{item3_no}"),
                with_owned(&dast10(t, item3_no), &[]),
            );
        }
    }
    // CIWA-Ar is asked with alcohol or sedative use, COWS with opioid use.
    for t in edges(oracle::CIWA_AR_BANDS) {
        for subst in ["alcohol", "sedatives"] {
            let mut ch = recent(subst);
            ch.push(("ciwa_ar_total", json!(t)));
            ch.push(("substances", json!([subst])));
            push("ciwa_ar", t, subst, fixture::with(&ch));
        }
    }
    for t in edges(oracle::COWS_BANDS) {
        let mut ch = recent("opioids");
        ch.push(("cows_total", json!(t)));
        push("cows", t, "opioids", fixture::with(&ch));
    }
    cases
}

#[test]
fn cli_reports_every_band_edge_of_every_instrument() {
    let cases = edge_cases();
    // Every band's first and last total is a case, for every instrument.
    for (id, bands) in oracle::INSTRUMENTS {
        for t in edges(bands) {
            assert!(
                cases.iter().any(|c| c.instrument == id && c.total == t),
                "{id} {t}"
            );
        }
    }
    // The version 2 CIWA-Ar edges.
    assert_eq!(edges(oracle::CIWA_AR_BANDS), [0, 9, 10, 15, 16, 67]);
    // Two more lines: PHQ-9 with item 9 declined has no total; someone who
    // uses no drug, answering all ten DAST-10 items "no" anyway, is not
    // scored (DAST-10 does not apply to him).
    let partial = {
        let mut m = with_owned(&phq9(12, false), &[]);
        m.remove("phq9_9");
        m
    };
    let mut no_drugs = fixture::with(&[("substances", json!(["alcohol"]))]);
    for i in 1..=10 {
        no_drugs.insert(format!("dast10_{i}"), json!(false));
    }
    let mut stdin = String::new();
    for c in &cases {
        stdin.push_str(&document(&c.id, &c.answers));
        stdin.push('\n');
    }
    stdin.push_str(
        &json!({"intake": 1, "id": "phq9-declined", "answers": partial, "declined": ["phq9_9"]})
            .to_string(),
    );
    stdin.push('\n');
    stdin.push_str(&document("dast10-not-applicable", &no_drugs));
    stdin.push('\n');

    let out = run(&["score", "-", "--format", "json"], stdin);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), cases.len() + 2);
    for (c, r) in cases.iter().zip(&recs) {
        assert_eq!(r["id"], json!(c.id), "records in input order");
        assert!(r.get("error").is_none(), "{}: {r}", c.id);
        assert_eq!(
            r["complete"],
            json!(true),
            "{}: missing {}",
            c.id,
            r["missing"]
        );
        assert_eq!(
            r["warnings"],
            json!([]),
            "{}: answers must respect skip logic",
            c.id
        );
        let inst = &r["instruments"][c.instrument];
        assert_eq!(
            (&inst["total"], &inst["band"]),
            (&json!(c.total), &json!(c.band)),
            "{}: {} total {} should be band {}",
            c.id,
            c.instrument,
            c.total,
            c.band
        );
        // And every other instrument of the record, by the oracle sums and
        // the oracle's "when each is asked".
        for (id, bands) in oracle::INSTRUMENTS {
            let inst = &r["instruments"][id];
            let ans = JsonAnswers(&c.answers);
            match oracle::total(id, &ans) {
                Some(t) => {
                    assert_eq!(inst["total"], json!(t), "{}: {id}", c.id);
                    assert_eq!(
                        inst["band"],
                        json!(oracle::band(bands, t).1),
                        "{}: {id}",
                        c.id
                    );
                    assert!(inst.get("applicable").is_none(), "{}: {id}", c.id);
                }
                None => {
                    assert_eq!(oracle::applicable(id, &ans), Some(false), "{}: {id}", c.id);
                    assert_eq!(inst["total"], Value::Null, "{}: {id}", c.id);
                    assert_eq!(inst["band"], Value::Null, "{}: {id}", c.id);
                    assert_eq!(inst["applicable"], json!(false), "{}: {id}", c.id);
                }
            }
        }
    }
    let declined = &recs[cases.len()];
    assert_eq!(declined["instruments"]["phq9"]["total"], Value::Null);
    assert_eq!(declined["instruments"]["phq9"]["band"], Value::Null);
    assert_eq!(
        declined["instruments"]["phq9"]["missing"],
        json!(["phq9_9"])
    );
    let r = &recs[cases.len() + 1];
    let dast = &r["instruments"]["dast10"];
    assert_eq!(dast["applicable"], json!(false), "{r}");
    assert_eq!(dast["total"], Value::Null, "{r}");
    assert!(
        dast["band"].is_null() || dast["band"] == "none",
        "not applicable, never `low`: {r}"
    );
    assert_eq!(r["level"], "outpatient", "{r}");
    assert_eq!(r["dimensions"]["relapse"]["rating"], json!(0), "{r}");
}

/// AUDIT items 9 and 10 take only 0, 2 or 4; other values are refused, not
/// scored.
#[test]
fn audit_items_9_and_10_take_only_0_2_or_4() {
    for item in ["audit_9", "audit_10"] {
        for v in 0..=4 {
            let text = document("t", &fixture::with_raw(&[(item, json!(v))]));
            let r = placement::intake::parse(&text, rs(), &placement::yaml::Limits::INTAKE);
            if [0, 2, 4].contains(&v) {
                assert!(r.is_ok(), "{item} = {v}");
            } else {
                let e = r.expect_err("refused");
                assert_eq!(
                    e.first.code,
                    "out-of-range",
                    "{item} = {v}: {}",
                    e.message()
                );
            }
        }
    }
}

/// The published AUDIT skip, for every answer of items 1-3: `audit_1` = 0
/// leaves items 2-8 out, `audit_2` + `audit_3` = 0 leaves items 4-8 out,
/// items 9 and 10 are always asked; a left-out item scores 0, even when it
/// carries an answer (which is then a skip-logic warning), and an intake
/// without answers to left-out items is complete.
#[test]
fn audit_skip_leaves_out_items_2_to_8_or_4_to_8_and_scores_them_0() {
    for a1 in 0..=4i64 {
        for a2 in 0..=4i64 {
            for a3 in 0..=4i64 {
                let (a9, a10) = ((a1 + a2) % 3 * 2, a3 % 3 * 2);
                for answer_skipped in [false, true] {
                    let mut ch: Vec<(String, Value)> = vec![
                        ("audit_1".into(), json!(a1)),
                        ("audit_9".into(), json!(a9)),
                        ("audit_10".into(), json!(a10)),
                    ];
                    let items_2_3_asked = a1 > 0;
                    let items_4_8_asked = a1 > 0 && a2 + a3 > 0;
                    if items_2_3_asked || answer_skipped {
                        ch.push(("audit_2".into(), json!(a2)));
                        ch.push(("audit_3".into(), json!(a3)));
                    }
                    for i in 4..=8 {
                        if items_4_8_asked || answer_skipped {
                            ch.push((format!("audit_{i}"), json!((i - 4) % 4 + 1)));
                        }
                    }
                    let m = fixture::with_raw(&changes(&ch));
                    let a = assess(&m);
                    let what = format!(
                        "AUDIT 1-3 = {a1} {a2} {a3}, answered when skipped {answer_skipped}"
                    );
                    let ans = JsonAnswers(&m);
                    for i in 1..=10 {
                        let want = oracle::audit_item_asked(i, &ans).expect("known");
                        assert_eq!(
                            want,
                            match i {
                                1 | 9 | 10 => true,
                                2 | 3 => items_2_3_asked,
                                _ => items_4_8_asked,
                            },
                            "{what}: the oracle"
                        );
                        assert_eq!(
                            a.questions[q(&format!("audit_{i}"))].applicable,
                            Tri::from_bool(want),
                            "{what}: audit_{i} asked"
                        );
                    }
                    let want_total = a1
                        + a9
                        + a10
                        + if items_2_3_asked { a2 + a3 } else { 0 }
                        + if items_4_8_asked {
                            1 + 2 + 3 + 4 + 1
                        } else {
                            0
                        };
                    assert_eq!(oracle::audit_total(&ans), Some(want_total), "{what}");
                    assert_eq!(
                        instrument(&a, "audit"),
                        (
                            Some(want_total),
                            Some(oracle::band(oracle::AUDIT_BANDS, want_total).1)
                        ),
                        "{what}"
                    );
                    assert!(a.complete(), "{what}: missing {:?}", qids(&a.missing));
                    // Answers to left-out items: a warning each, not used.
                    let skipped: Vec<String> = (2..=8)
                        .filter(|&i| !oracle::audit_item_asked(i, &ans).expect("known"))
                        .map(|i| format!("audit_{i}"))
                        .filter(|id| m.contains_key(id))
                        .collect();
                    // Item 1 "never" with a later drinking item above 0 is
                    // also a contradiction (a consistency check).
                    // (Items 4 to 8, when answered, are always above 0 here.)
                    let contradicts = a1 == 0 && answer_skipped;
                    let contradictions: Vec<String> = a
                        .warnings
                        .iter()
                        .map(|w| w.text(rs()))
                        .filter(|w| w.starts_with("contradiction"))
                        .collect();
                    assert_eq!(
                        contradictions.len(),
                        usize::from(contradicts),
                        "{what}: {contradictions:?}"
                    );
                    assert_eq!(
                        a.warnings.len(),
                        skipped.len() + usize::from(contradicts),
                        "{what}: {:?}",
                        a.warnings
                    );
                    for id in &skipped {
                        assert!(
                            a.warnings
                                .iter()
                                .any(|w| w.text(rs()).starts_with(&format!("`{id}`"))),
                            "{what}: {id} {:?}",
                            a.warnings
                        );
                        assert!(!a.questions[q(id)].used, "{what}: {id}");
                    }
                }
            }
        }
    }
}

/// When DAST-10, CIWA-Ar, COWS, `days_used_30` and `substances_30d` are
/// asked, for one-substance and mixed answers to `substances`, and that
/// the fixed questions of domain.md (PHQ-9, GAD-7 and AUDIT items 1, 9 and
/// 10 among them) are asked of everyone. DAST-10 not asked is not
/// applicable: no total, no band (never "low"), relapse 0.
#[test]
fn dast10_ciwa_ar_and_cows_are_asked_only_when_domain_md_says() {
    let sets: &[&[&str]] = &[
        &["none"],
        &["tobacco"],
        &["alcohol"],
        &["tobacco", "alcohol"],
        &["cannabis"],
        &["hallucinogens"],
        &["stimulants"],
        &["inhalants"],
        &["sedatives"],
        &["opioids"],
        &["other"],
        &["tobacco", "cannabis"],
        &["alcohol", "stimulants"],
        &["alcohol", "sedatives"],
        &["alcohol", "opioids"],
    ];
    let mut always: Vec<String> = [
        "age",
        "substances",
        "last_use",
        "intoxicated_now",
        "past_withdrawal_seizure",
        "past_withdrawal_delirium",
        "suicide_risk",
        "homicide_risk",
        "self_harm_recent",
        "housing",
        "audit_1",
        "audit_9",
        "audit_10",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    always.extend((1..=9).map(|i| format!("phq9_{i}")));
    always.extend((1..=7).map(|i| format!("gad7_{i}")));
    for set in sets {
        let m = fixture::with(&[("substances", json!(set))]);
        let a = assess(&m);
        let what = format!("substances {set:?}");
        assert!(
            a.complete() && a.warnings.is_empty(),
            "{what}: {:?} {:?}",
            qids(&a.missing),
            a.warnings
        );
        let ans = JsonAnswers(&m);
        let drug = set.iter().any(|s| oracle::is_drug(s));
        assert_eq!(oracle::applicable("dast10", &ans), Some(drug), "{what}");
        for (id, items) in [
            (
                "dast10",
                (1..=10).map(|i| format!("dast10_{i}")).collect::<Vec<_>>(),
            ),
            ("ciwa_ar", vec!["ciwa_ar_total".to_string()]),
            ("cows", vec!["cows_total".to_string()]),
        ] {
            let want = oracle::applicable(id, &ans).expect("answered");
            for item in &items {
                assert_eq!(
                    a.questions[q(item)].applicable,
                    Tri::from_bool(want),
                    "{what}: {item} asked"
                );
            }
            let r = &a.instruments[instrument_index(id)];
            assert_eq!(r.applicable, want, "{what}: {id} applicable");
            if !want {
                assert_eq!(instrument(&a, id), (None, None), "{what}: {id}");
            }
        }
        let any_use = set.iter().any(|s| *s != "none" && *s != "tobacco");
        for id in ["days_used_30", "substances_30d"] {
            assert_eq!(
                a.questions[q(id)].applicable,
                Tri::from_bool(any_use),
                "{what}: {id} asked"
            );
        }
        for id in &always {
            assert_eq!(a.questions[q(id)].applicable, Tri::True, "{what}: {id}");
        }
        assert_eq!(ratings(&a), [0; 6], "{what}");
        assert_eq!(level_id(a.level), "outpatient", "{what}");

        // No drug: DAST-10 answers given anyway (all "no", which would
        // score 1 by item 3) are not used, and nothing is scored.
        if !drug {
            let mut m = m.clone();
            for i in 1..=10 {
                m.insert(format!("dast10_{i}"), json!(false));
            }
            let a = assess(&m);
            let (total, band) = instrument(&a, "dast10");
            assert!(
                !a.instruments[instrument_index("dast10")].applicable,
                "{what}"
            );
            assert_ne!(total, Some(1), "{what}: a non-user is never scored 1");
            assert!(
                band.is_none() || band == Some("none"),
                "{what}: band {band:?}"
            );
            assert_eq!(ratings(&a), [0; 6], "{what}");
            assert_eq!(level_id(a.level), "outpatient", "{what}");
            assert_eq!(a.warnings.len(), 10, "{what}: {:?}", a.warnings);
        }
    }
    // With a drug, all ten "no" is the published score 1 (item 3 reverse
    // scored): DAST-10 low, relapse at least 1.
    let mut m = fixture::with(&[("substances", json!(["cannabis"]))]);
    for i in 1..=10 {
        m.insert(format!("dast10_{i}"), json!(false));
    }
    let a = assess(&m);
    assert_eq!(instrument(&a, "dast10"), (Some(1), Some("low")));
    assert!(ratings(&a)[oracle::RELAPSE] >= 1);
}

/// Item answers for the six instruments and the other answers the
/// rubric's lower bounds read.
#[derive(Debug, Clone)]
struct Items {
    phq9: Vec<i64>,
    gad7: Vec<i64>,
    audit: Vec<i64>,
    /// Whether AUDIT items the skip leaves out keep a (random) answer.
    audit_answer_skipped: bool,
    dast10: Vec<bool>,
    ciwa: i64,
    cows: i64,
    /// Bits over `RANDOM_30D`.
    used_30d: u8,
    days_used_30: i64,
    last_use: usize,
    seizure: bool,
    delirium: bool,
    suicide: usize,
    homicide: usize,
    self_harm: usize,
    functioning: usize,
}

const RANDOM_30D: [&str; 4] = ["alcohol", "sedatives", "opioids", "cannabis"];

fn items_strategy() -> impl Strategy<Value = Items> {
    (
        (
            prop::collection::vec(0i64..=3, 9),
            prop::collection::vec(0i64..=3, 7),
            prop::collection::vec(0i64..=4, 8),
            prop::collection::vec(prop::sample::select(vec![0i64, 2, 4]), 2),
            any::<bool>(),
            prop::collection::vec(any::<bool>(), 10),
            0i64..=67,
            0i64..=48,
        ),
        (
            0u8..16,
            0i64..=30,
            0usize..4,
            any::<bool>(),
            any::<bool>(),
            0usize..4,
            0usize..4,
            0usize..4,
            0usize..4,
        ),
    )
        .prop_map(
            |(
                (phq9, gad7, mut audit, a910, audit_answer_skipped, dast10, ciwa, cows),
                (
                    used_30d,
                    days_used_30,
                    last_use,
                    seizure,
                    delirium,
                    suicide,
                    homicide,
                    self_harm,
                    functioning,
                ),
            )| {
                audit.extend(a910);
                Items {
                    phq9,
                    gad7,
                    audit,
                    audit_answer_skipped,
                    dast10,
                    ciwa,
                    cows,
                    used_30d,
                    days_used_30,
                    last_use,
                    seizure,
                    delirium,
                    suicide,
                    homicide,
                    self_harm,
                    functioning,
                }
            },
        )
}

/// A complete intake of someone who used alcohol, sedatives, opioids and
/// cannabis in the past year (every instrument asked), every follow-up
/// question answered benignly whether or not it ends up asked.
fn random_base() -> &'static [Slot] {
    static S: std::sync::OnceLock<Vec<Slot>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let m = fixture::with(&[(
            "substances",
            json!(["alcohol", "sedatives", "opioids", "cannabis"]),
        )]);
        let mut s = parse(&m).slots;
        for id in [
            "heavy_drinking_daily",
            "daily_opioid_use",
            "daily_fentanyl_xylazine",
            "withdrawal_complications_now",
            "lethal_means_access",
            "identifiable_person",
            "self_harm_serious",
        ] {
            set_num(&mut s, id, 0);
        }
        s
    })
}

fn items_slots(it: &Items) -> Vec<Slot> {
    let mut s = random_base().to_vec();
    for (i, x) in it.phq9.iter().enumerate() {
        set_num(&mut s, &format!("phq9_{}", i + 1), *x);
    }
    for (i, x) in it.gad7.iter().enumerate() {
        set_num(&mut s, &format!("gad7_{}", i + 1), *x);
    }
    let a = &it.audit;
    for (i, x) in a.iter().enumerate() {
        let item = i + 1;
        let asked = match item {
            1 | 9 | 10 => true,
            2 | 3 => a[0] > 0,
            _ => a[0] > 0 && a[1] + a[2] > 0,
        };
        if asked || it.audit_answer_skipped {
            set_num(&mut s, &format!("audit_{item}"), *x);
        } else {
            s[q(&format!("audit_{item}"))] = Slot::Absent;
        }
    }
    for (i, x) in it.dast10.iter().enumerate() {
        set_num(&mut s, &format!("dast10_{}", i + 1), *x as i64);
    }
    set_num(&mut s, "ciwa_ar_total", it.ciwa);
    set_num(&mut s, "cows_total", it.cows);
    let used: Vec<&str> = (0..4)
        .filter(|b| it.used_30d & (1 << b) != 0)
        .map(|b| RANDOM_30D[b])
        .collect();
    set_multi(&mut s, "substances_30d", &used);
    set_num(&mut s, "days_used_30", it.days_used_30);
    let pick = |id: &str, i: usize| {
        rs().questions[q(id)].kind.options().expect("options")[i]
            .id
            .clone()
    };
    set_choice(&mut s, "last_use", &pick("last_use", it.last_use));
    set_num(&mut s, "past_withdrawal_seizure", it.seizure as i64);
    set_num(&mut s, "past_withdrawal_delirium", it.delirium as i64);
    set_choice(&mut s, "suicide_risk", &pick("suicide_risk", it.suicide));
    set_choice(&mut s, "homicide_risk", &pick("homicide_risk", it.homicide));
    set_choice(
        &mut s,
        "self_harm_recent",
        &pick("self_harm_recent", it.self_harm),
    );
    set_choice(&mut s, "functioning", &pick("functioning", it.functioning));
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random item answers: totals and bands are the published scoring
    /// (summed independently here, with the AUDIT skip; DAST-10 item 3
    /// reverse scored), and with random recent use, withdrawal history and
    /// safety answers the ratings honour every lower bound of the rubric;
    /// with no use in the past 30 days the screens alone never rate relapse
    /// above 1.
    #[test]
    fn random_item_answers_total_band_and_honour_the_rubric_bounds(it in items_strategy()) {
        let a9 = it.audit[0] == 0;
        let skip48 = a9 || it.audit[1] + it.audit[2] == 0;
        let audit: i64 = it.audit.iter().enumerate().map(|(i, x)| match i {
            1 | 2 if a9 => 0,
            3..=7 if skip48 => 0,
            _ => *x,
        }).sum();
        let phq9: i64 = it.phq9.iter().sum();
        let gad7: i64 = it.gad7.iter().sum();
        let dast10: i64 = it
            .dast10
            .iter()
            .enumerate()
            .map(|(i, &yes)| if i == 2 { !yes as i64 } else { yes as i64 })
            .sum();
        let slots = items_slots(&it);
        let a = engine::score_slots(rs(), &slots);
        for (id, t) in [
            ("phq9", phq9),
            ("gad7", gad7),
            ("audit", audit),
            ("dast10", dast10),
            ("ciwa_ar", it.ciwa),
            ("cows", it.cows),
        ] {
            let band = oracle::band(oracle::bands(id), t).1;
            prop_assert_eq!(instrument(&a, id), (Some(t), Some(band)), "{}", id);
        }
        let ans = SlotAnswers { slots: &slots, assessment: &a };
        prop_assert_eq!(oracle::audit_total(&ans), Some(audit));
        let b = oracle::lower_bounds(&ans);
        let r = ratings(&a);
        prop_assert!(r[oracle::WITHDRAWAL] >= b.withdrawal, "withdrawal {:?} {:?}", r, b);
        prop_assert!(r[oracle::EMOTIONAL] >= b.emotional, "emotional {:?} {:?}", r, b);
        prop_assert!(r[oracle::RELAPSE] >= b.relapse, "relapse {:?} {:?}", r, b);
        if it.used_30d == 0 && it.days_used_30 == 0 {
            prop_assert!(r[oracle::RELAPSE] <= 1, "screens alone: relapse {:?}", r);
        }
        prop_assert_eq!(oracle::LEVELS[oracle::level(&r, false)], level_id(a.level));
        if it.phq9[8] > 0 {
            prop_assert!(!critical_flags(&a).is_empty(), "phq9_9 > 0 raises a critical flag");
        }
    }
}

// ---------------------------------------------------------------------
// 2. The policy table and the escalations
// ---------------------------------------------------------------------

#[test]
fn compiled_levels_minimums_and_ratings_match_the_policy_table() {
    let rs = rs();
    let levels: Vec<&str> = rs.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(levels, oracle::LEVELS);
    assert_eq!(rs.max_rating, 4);
    let dims: Vec<&str> = rs.dimensions.iter().map(|d| d.id.as_str()).collect();
    let mut sorted_dims = dims.clone();
    sorted_dims.sort();
    let mut want = oracle::DIMENSIONS.to_vec();
    want.sort();
    assert_eq!(sorted_dims, want, "the six dimensions");
    for (d, id) in oracle::DIMENSIONS.iter().enumerate() {
        let got: Vec<&str> = rs.dimensions[dim(id)]
            .minimums
            .iter()
            .map(|&l| rs.levels[l].id.as_str())
            .collect();
        assert_eq!(got, oracle::MINIMUMS[d], "minimums of {id}");
    }
    // Readiness and the environment never raise intensity by themselves.
    for id in ["readiness", "environment"] {
        assert!(oracle::MINIMUMS[oracle::DIMENSIONS
            .iter()
            .position(|d| *d == id)
            .expect("dim")]
        .iter()
        .all(|l| *l == "outpatient"));
    }
    let mut instruments: Vec<&str> = rs.instruments.iter().map(|i| i.id.as_str()).collect();
    instruments.sort();
    let mut want: Vec<&str> = oracle::INSTRUMENTS.iter().map(|(id, _)| *id).collect();
    want.sort();
    assert_eq!(instruments, want);
}

/// Evaluates conditions that read only dimension ratings and the answer
/// `intoxicated_now`.
struct RatingsEnv([u8; 6], bool);

impl Env for RatingsEnv {
    fn value(&self, operand: Operand) -> Val {
        match operand {
            Operand::Rating(d) => {
                let id = &rs().dimensions[d as usize].id;
                let i = oracle::DIMENSIONS
                    .iter()
                    .position(|x| x == id)
                    .expect("dimension");
                Val::Range(self.0[i] as f64, self.0[i] as f64)
            }
            Operand::Answer(x) if x as usize == q("intoxicated_now") => {
                let v = self.1 as u8 as f64;
                Val::Range(v, v)
            }
            other => {
                panic!("an escalation reads {other:?}, not only ratings and `intoxicated_now`")
            }
        }
    }
    fn multi(&self, _: u32) -> Multi {
        panic!("an escalation reads a multiple choice")
    }
    fn answered(&self, _: u32) -> Tri {
        panic!("an escalation asks whether a question is answered")
    }
    fn missing(&self, _: u32) -> Tri {
        panic!("an escalation asks whether a question is missing")
    }
}

fn all_rating_vectors() -> impl Iterator<Item = oracle::Ratings> {
    (0..5u32.pow(6)).map(|mut n| {
        let mut r = [0u8; 6];
        for x in &mut r {
            *x = (n % 5) as u8;
            n /= 5;
        }
        r
    })
}

/// For each compiled escalation, the escalation of domain.md it agrees
/// with on every rating vector and answer to `intoxicated_now` (`None`
/// when there is none).
fn escalation_map() -> &'static [Option<usize>] {
    static M: std::sync::OnceLock<Vec<Option<usize>>> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        let n = oracle::ESCALATIONS.len();
        let mut agrees = vec![vec![true; n]; rs().escalations.len()];
        for r in all_rating_vectors() {
            for intox in [false, true] {
                let want = oracle::escalations(&r, intox);
                for (i, e) in rs().escalations.iter().enumerate() {
                    let got = e.when.eval(&RatingsEnv(r, intox));
                    assert_ne!(got, Tri::Unknown, "{} on known ratings", e.id);
                    for (j, w) in want.iter().enumerate() {
                        if (got == Tri::True) != *w {
                            agrees[i][j] = false;
                        }
                    }
                }
            }
        }
        agrees.iter().map(|a| a.iter().position(|&x| x)).collect()
    })
}

/// The compiled escalations, over all 5^6 rating vectors and both answers
/// to `intoxicated_now`: exactly the eight of domain.md version 2, one
/// each, each with its level (v1's "three dimensions rated >= 3" is not
/// among them).
#[test]
fn compiled_escalations_match_domain_exhaustively() {
    let rs = rs();
    let map = escalation_map();
    for (i, e) in rs.escalations.iter().enumerate() {
        let j = map[i].unwrap_or_else(|| {
            panic!(
                "compiled escalation `{}` ({}) is none of domain.md's",
                e.id, e.when_text
            )
        });
        assert_eq!(
            rs.levels[e.level].id,
            oracle::ESCALATIONS[j].1,
            "escalation {} ({})",
            e.id,
            oracle::ESCALATIONS[j].0
        );
    }
    for (j, (what, _)) in oracle::ESCALATIONS.iter().enumerate() {
        let n = map.iter().filter(|m| **m == Some(j)).count();
        assert_eq!(n, 1, "domain escalation `{what}` is compiled {n} times");
    }
    assert_eq!(rs.escalations.len(), oracle::ESCALATIONS.len());
    // The level of every rating vector, by the compiled minimums and
    // escalations, is the oracle's.
    for r in all_rating_vectors() {
        for intox in [false, true] {
            let mut level = (0..6)
                .map(|d| rs.dimensions[dim(oracle::DIMENSIONS[d])].minimums[r[d] as usize])
                .min()
                .expect("six");
            for e in &rs.escalations {
                if e.when.eval(&RatingsEnv(r, intox)) == Tri::True {
                    level = level.min(e.level);
                }
            }
            assert_eq!(
                level_id(level),
                oracle::LEVELS[oracle::level(&r, intox)],
                "{r:?}, intoxicated {intox}"
            );
        }
    }
    // Three dimensions at 3 alone (v1's escalation) no longer mean
    // inpatient.
    assert_eq!(
        oracle::LEVELS[oracle::level(&[0, 0, 3, 3, 0, 3], false)],
        "php"
    );
}

struct Cell {
    dim: usize,
    rating: u8,
    what: &'static str,
    answers: Map<String, Value>,
    /// Other ratings the answers must give (the rest are 0).
    others: Vec<(usize, u8)>,
}

fn cell(dim: usize, rating: u8, what: &'static str, ch: &[(&str, Value)]) -> Cell {
    Cell {
        dim,
        rating,
        what,
        answers: fixture::with(ch),
        others: Vec::new(),
    }
}

fn cell_with(
    dim: usize,
    rating: u8,
    what: &'static str,
    ch: &[(&str, Value)],
    others: &[(usize, u8)],
) -> Cell {
    Cell {
        others: others.to_vec(),
        ..cell(dim, rating, what, ch)
    }
}

/// Use in the past 30 days of `substances_30d` (added to `substances`),
/// on `days` days, the last alcohol, sedative or opioid use `last_use`.
fn used(substances_30d: &[&str], days: i64, last_use: &str) -> Vec<(&'static str, Value)> {
    let mut all = vec!["alcohol", "opioids"];
    for s in substances_30d {
        if !all.contains(s) {
            all.push(s);
        }
    }
    vec![
        ("substances", json!(all)),
        ("substances_30d", json!(substances_30d)),
        ("days_used_30", json!(days)),
        ("last_use", json!(last_use)),
    ]
}

/// A drug (cannabis) added to the past year's substances, so that a
/// DAST-10 score can go with drug use in the past 30 days.
fn cannabis(days: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("substances", json!(["alcohol", "opioids", "cannabis"])),
        (
            "substances_30d",
            json!(if days > 0 {
                json!(["cannabis"])
            } else {
                json!([])
            }),
        ),
        ("days_used_30", json!(days)),
    ]
}

fn chronic(status: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("chronic_condition", json!(true)),
        ("condition_details", json!("Type 2 diabetes, metformin.")),
        ("condition_status", json!(status)),
    ]
}

fn pregnant() -> Vec<(&'static str, Value)> {
    vec![
        ("sex_at_birth", json!("female")),
        ("pregnancy_status", json!("pregnant")),
    ]
}

fn psychosis(course: &str, self_care: &str, danger: &[&str]) -> Vec<(&'static str, Value)> {
    vec![
        ("psychotic_symptoms", json!(true)),
        ("psychosis_course", json!(course)),
        ("self_care", json!(self_care)),
        ("psychosis_danger", json!(danger)),
    ]
}

/// Released in the past 30 days after a stay, with opioid use disorder
/// in the year before it.
fn released() -> Vec<(&'static str, Value)> {
    vec![
        ("released_past_30_days", json!(true)),
        ("opioid_use_before_stay", json!(true)),
    ]
}

fn overdoses(count: i64, past_30_days: bool) -> Vec<(&'static str, Value)> {
    vec![
        ("overdose_past_year", json!(true)),
        ("overdose_count_12m", json!(count)),
        ("overdose_past_30_days", json!(past_30_days)),
    ]
}

/// Answers that rate one dimension at each rating 0..=4 (by the rubric of
/// domain.md version 2), every other dimension 0 unless stated.
fn cells() -> Vec<Cell> {
    use oracle::*;
    let j = |parts: &[&[(&str, Value)]]| join(parts);
    let mut v = Vec::new();
    for d in 0..6 {
        v.push(cell(d, 0, "base intake", &[]));
    }
    // withdrawal
    let alc72 = used(&["alcohol"], 4, "within_72_hours");
    let opi72 = used(&["opioids"], 30, "within_72_hours");
    let sed72 = used(&["sedatives"], 30, "within_72_hours");
    v.push(cell(
        WITHDRAWAL,
        1,
        "alcohol and opioids in the past 72 hours, CIWA-Ar 9, COWS 24",
        &j(&[
            &used(&["alcohol", "opioids"], 10, "within_72_hours"),
            &[("ciwa_ar_total", json!(9)), ("cows_total", json!(24))],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        1,
        "alcohol 3-7 days ago, no withdrawal signs",
        &used(&["alcohol"], 2, "days_3_to_7"),
    ));
    for t in [10, 15] {
        v.push(cell(
            WITHDRAWAL,
            2,
            if t == 10 {
                "CIWA-Ar moderate (10)"
            } else {
                "CIWA-Ar moderate (15)"
            },
            &j(&[&alc72, &[("ciwa_ar_total", json!(t))]]),
        ));
    }
    for t in [25, 36] {
        v.push(cell(
            WITHDRAWAL,
            2,
            if t == 25 {
                "COWS moderately severe (25)"
            } else {
                "COWS moderately severe (36)"
            },
            &j(&[&opi72, &[("cows_total", json!(t))]]),
        ));
    }
    v.push(cell(
        WITHDRAWAL,
        2,
        "daily heavy drinking, last drink in the past 72 hours",
        &j(&[
            &used(&["alcohol"], 30, "within_72_hours"),
            &[("heavy_drinking_daily", json!(true))],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        2,
        "daily fentanyl with xylazine likely",
        &j(&[
            &opi72,
            &[
                ("daily_opioid_use", json!(true)),
                ("daily_fentanyl_xylazine", json!(true)),
            ],
        ]),
    ));
    for t in [16, 67] {
        v.push(cell(
            WITHDRAWAL,
            3,
            if t == 16 {
                "CIWA-Ar severe (16)"
            } else {
                "CIWA-Ar severe (67)"
            },
            &j(&[&alc72, &[("ciwa_ar_total", json!(t))]]),
        ));
    }
    for t in [37, 48] {
        v.push(cell(
            WITHDRAWAL,
            3,
            if t == 37 {
                "COWS severe (37)"
            } else {
                "COWS severe (48)"
            },
            &j(&[&opi72, &[("cows_total", json!(t))]]),
        ));
    }
    v.push(cell(
        WITHDRAWAL,
        3,
        "past withdrawal seizure, alcohol on 15 of the past 30 days, not in the past 7",
        &j(&[
            &used(&["alcohol"], 15, "days_8_to_30"),
            &[("past_withdrawal_seizure", json!(true))],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "past withdrawal delirium, a sedative 3-7 days ago",
        &j(&[
            &used(&["sedatives"], 2, "days_3_to_7"),
            &[("past_withdrawal_delirium", json!(true))],
        ]),
    ));
    for opt in ["above_prescribed_dose", "without_prescription"] {
        v.push(cell(
            WITHDRAWAL,
            3,
            "daily sedative above the prescribed dose or without a prescription",
            &j(&[&sed72, &[("daily_sedative_use", json!(opt))]]),
        ));
    }
    v.push(cell(
        WITHDRAWAL,
        3,
        "a daily sedative stopped in the past 14 days",
        &j(&[
            &used(&["sedatives"], 20, "days_8_to_30"),
            &[("daily_sedative_use", json!("stopped_recently"))],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "withdrawal expected at 65",
        &j(&[
            &used(&["alcohol"], 30, "within_72_hours"),
            &[("heavy_drinking_daily", json!(true)), ("age", json!(65))],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "withdrawal expected with cognitive impairment",
        &j(&[
            &opi72,
            &[
                ("daily_opioid_use", json!(true)),
                ("daily_fentanyl_xylazine", json!(true)),
                ("cognitive_concerns", json!(true)),
            ],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "CIWA-Ar severe (16) with a past seizure",
        &j(&[
            &alc72,
            &[
                ("ciwa_ar_total", json!(16)),
                ("past_withdrawal_seizure", json!(true)),
            ],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "CIWA-Ar severe (67) with past delirium",
        &j(&[
            &alc72,
            &[
                ("ciwa_ar_total", json!(67)),
                ("past_withdrawal_delirium", json!(true)),
            ],
        ]),
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "seizure, delirium or hallucinations in withdrawal now",
        &j(&[&alc72, &[("withdrawal_complications_now", json!(true))]]),
    ));
    // biomedical
    v.push(cell(
        BIOMEDICAL,
        1,
        "stable chronic condition",
        &chronic("stable"),
    ));
    v.push(cell(
        BIOMEDICAL,
        1,
        "eating disorder, not severe",
        &[("eating_disorder", json!("yes_not_severe"))],
    ));
    v.push(cell(
        BIOMEDICAL,
        2,
        "condition needing monitoring",
        &chronic("needs_monitoring"),
    ));
    v.push(cell(
        BIOMEDICAL,
        2,
        "pregnancy with alcohol use in the past 30 days",
        &j(&[&pregnant(), &used(&["alcohol"], 4, "days_8_to_30")]),
    ));
    v.push(cell(
        BIOMEDICAL,
        2,
        "injection-site infection",
        &[
            ("injection_use", json!(true)),
            ("injection_site_infection", json!(true)),
        ],
    ));
    v.push(cell(
        BIOMEDICAL,
        3,
        "unstable condition",
        &chronic("unstable"),
    ));
    v.push(cell(
        BIOMEDICAL,
        3,
        "injection use with a fever or spreading wound",
        &[
            ("injection_use", json!(true)),
            ("injection_fever_or_spreading", json!(true)),
        ],
    ));
    v.push(cell(
        BIOMEDICAL,
        3,
        "severe eating disorder",
        &[("eating_disorder", json!("severe"))],
    ));
    v.push(cell_with(
        BIOMEDICAL,
        3,
        "pregnancy with daily opioid use and no medication for it",
        &j(&[&pregnant(), &opi72, &[("daily_opioid_use", json!(true))]]),
        &[(WITHDRAWAL, 1)],
    ));
    v.push(cell_with(
        BIOMEDICAL,
        3,
        "pregnancy with daily heavy drinking",
        &j(&[
            &pregnant(),
            &used(&["alcohol"], 30, "days_3_to_7"),
            &[("heavy_drinking_daily", json!(true))],
        ]),
        &[(WITHDRAWAL, 1)],
    ));
    v.push(cell_with(
        BIOMEDICAL,
        3,
        "pregnancy with a daily sedative without a prescription",
        &j(&[
            &pregnant(),
            &sed72,
            &[("daily_sedative_use", json!("without_prescription"))],
        ]),
        &[(WITHDRAWAL, 3)],
    ));
    v.push(cell(
        BIOMEDICAL,
        4,
        "life-threatening condition now",
        &[("life_threatening_now", json!(true))],
    ));
    v.push(cell_with(
        BIOMEDICAL,
        4,
        "possible Wernicke's encephalopathy with daily heavy drinking",
        &j(&[
            &used(&["alcohol"], 30, "days_3_to_7"),
            &[
                ("heavy_drinking_daily", json!(true)),
                ("wernicke_signs", json!(true)),
            ],
        ]),
        &[(WITHDRAWAL, 1)],
    ));
    // emotional
    for (t, what) in [(5, "PHQ-9 mild (5)"), (9, "PHQ-9 mild (9)")] {
        v.push(cell(EMOTIONAL, 1, what, &owned(phq9(t, false))));
    }
    for (t, what) in [(5, "GAD-7 mild (5)"), (9, "GAD-7 mild (9)")] {
        v.push(cell(EMOTIONAL, 1, what, &owned(gad7(t, true))));
    }
    v.push(cell(
        EMOTIONAL,
        2,
        "PHQ-9 moderate (10)",
        &owned(phq9(10, false)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "PHQ-9 moderate (14)",
        &owned(phq9(14, false)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "GAD-7 moderate (10)",
        &owned(gad7(10, false)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "GAD-7 severe (21)",
        &owned(gad7(21, false)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "PHQ-9 item 9 = 1, PHQ-9 minimal",
        &owned(phq9_with_item9(1, 1)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "PHQ-9 moderately severe without impaired functioning",
        &owned(phq9_with_item9(15, 0)),
    ));
    v.push(cell(
        EMOTIONAL,
        2,
        "stable, treated psychotic illness with residual symptoms",
        &psychosis("stable_treated", "able", &["none"]),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "suicidal thoughts without intent",
        &[("suicide_risk", json!("thoughts_no_intent"))],
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "homicidal thoughts without intent",
        &[("homicide_risk", json!("thoughts_no_intent"))],
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "PHQ-9 item 9 = 2",
        &owned(phq9_with_item9(2, 2)),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "PHQ-9 item 9 = 3",
        &owned(phq9_with_item9(3, 3)),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "self-harm in the past 12 months",
        &[("self_harm_recent", json!("past_year"))],
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "self-harm in the past 30 days, no medical treatment",
        &[("self_harm_recent", json!("past_30_days"))],
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "new psychotic symptoms, able to care for self",
        &psychosis("new_or_worsening", "able", &["none"]),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "worsening psychotic symptoms, self-care with prompting",
        &psychosis("new_or_worsening", "needs_prompting", &["none"]),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "PHQ-9 moderately severe (15), very difficult",
        &j(&[
            &owned(phq9_with_item9(15, 0)),
            &[("functioning", json!("very_difficult"))],
        ]),
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "PHQ-9 severe (24), extremely difficult",
        &j(&[
            &owned(phq9_with_item9(24, 0)),
            &[("functioning", json!("extremely_difficult"))],
        ]),
    ));
    for who in ["suicide_risk", "homicide_risk"] {
        for intent in ["intent_no_plan", "intent_with_plan"] {
            v.push(cell(
                EMOTIONAL,
                4,
                "suicidal or homicidal intent, with or without a plan",
                &[(who, json!(intent))],
            ));
        }
    }
    v.push(cell(
        EMOTIONAL,
        4,
        "a suicide attempt or self-harm needing treatment in the past 30 days",
        &[
            ("self_harm_recent", json!("past_30_days")),
            ("self_harm_serious", json!(true)),
        ],
    ));
    v.push(cell(
        EMOTIONAL,
        4,
        "psychotic symptoms, unable to care for self",
        &psychosis("stable_treated", "unable", &["none"]),
    ));
    for danger in [
        "agitation",
        "command_hallucinations",
        "persecutory_identifiable",
        "violence_or_threats",
        "weapon",
    ] {
        v.push(cell(
            EMOTIONAL,
            4,
            "psychotic symptoms with agitation, commands, a named person, violence or a weapon",
            &psychosis("stable_treated", "able", &[danger]),
        ));
    }
    // readiness
    for (r, stage) in [
        (0, "maintenance"),
        (0, "action"),
        (1, "preparation"),
        (2, "contemplation"),
        (3, "precontemplation"),
    ] {
        v.push(cell(
            READINESS,
            r,
            "stage of change",
            &[("stage_of_change", json!(stage))],
        ));
    }
    v.push(cell(
        READINESS,
        3,
        "refuses all treatment while not in danger",
        &[("refuses_treatment", json!(true))],
    ));
    v.push(cell_with(
        READINESS,
        4,
        "refuses all treatment with a medical emergency",
        &[
            ("refuses_treatment", json!(true)),
            ("life_threatening_now", json!(true)),
        ],
        &[(BIOMEDICAL, 4)],
    ));
    v.push(cell_with(
        READINESS,
        4,
        "refuses all treatment with suicidal intent",
        &[
            ("refuses_treatment", json!(true)),
            ("suicide_risk", json!("intent_no_plan")),
        ],
        &[(EMOTIONAL, 4)],
    ));
    // relapse: screens without use in the past 30 days count at most 1
    for (r, t) in [(0, 7), (1, 8), (1, 15), (1, 16), (1, 19), (1, 20), (1, 40)] {
        for last_first in [false, true] {
            v.push(cell(
                RELAPSE,
                r,
                "AUDIT band edge, no alcohol in the past 30 days",
                &owned(audit(t, last_first)),
            ));
        }
    }
    for t in [1, 2, 3, 5, 6, 8, 9, 10] {
        v.push(cell(
            RELAPSE,
            1,
            "DAST-10 band edge, no drug in the past 30 days",
            &owned(dast10(t, true)),
        ));
    }
    v.push(cell(
        RELAPSE,
        1,
        "weekly cravings",
        &[("cravings", json!("weekly"))],
    ));
    v.push(cell(
        RELAPSE,
        1,
        "returned to use after treatment",
        &[
            ("prior_treatment", json!(true)),
            ("relapse_after_treatment", json!(true)),
        ],
    ));
    v.push(cell(
        RELAPSE,
        2,
        "AUDIT zone 4 (20) with alcohol in the past 30 days",
        &j(&[
            &owned(audit(20, false)),
            &used(&["alcohol"], 3, "days_8_to_30"),
        ]),
    ));
    v.push(cell(
        RELAPSE,
        2,
        "DAST-10 substantial (6) with a drug in the past 30 days",
        &j(&[&owned(dast10(6, false)), &cannabis(3)]),
    ));
    v.push(cell(
        RELAPSE,
        2,
        "DAST-10 severe (9) with drug use on 3 of the past 30 days",
        &j(&[&owned(dast10(9, true)), &cannabis(3)]),
    ));
    v.push(cell(
        RELAPSE,
        2,
        "released after a stay, opioid use disorder before it",
        &released(),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "DAST-10 severe (9) with drug use on 4 of the past 30 days",
        &j(&[&owned(dast10(9, true)), &cannabis(4)]),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "DAST-10 severe (10) with daily drug use",
        &j(&[&owned(dast10(10, true)), &cannabis(30)]),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "AUDIT zone 4 with daily heavy drinking",
        &j(&[
            &owned(audit(20, true)),
            &used(&["alcohol"], 25, "days_8_to_30"),
            &[("heavy_drinking_daily", json!(true))],
        ]),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "returned to use after treatment, daily cravings",
        &[
            ("prior_treatment", json!(true)),
            ("relapse_after_treatment", json!(true)),
            ("cravings", json!("daily")),
        ],
    ));
    v.push(cell(
        RELAPSE,
        3,
        "an overdose in the past 30 days",
        &overdoses(1, true),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "released, with cravings since",
        &j(&[&released(), &[("cravings", json!("less_than_weekly"))]]),
    ));
    v.push(cell(
        RELAPSE,
        3,
        "released, with use since",
        &j(&[&released(), &[("use_since_release", json!(true))]]),
    ));
    v.push(cell(
        RELAPSE,
        4,
        "two overdoses in 12 months, alcohol in the past 30 days",
        &j(&[&overdoses(2, false), &used(&["alcohol"], 1, "days_8_to_30")]),
    ));
    // environment
    v.push(cell(
        ENVIRONMENT,
        1,
        "some stress, support present",
        &[("life_stress", json!("moderate"))],
    ));
    v.push(cell(
        ENVIRONMENT,
        1,
        "probation",
        &[("legal_problems", json!(true))],
    ));
    for (r, housing) in [
        (2, "at_risk"),
        (2, "temporary"),
        (3, "homeless"),
        (4, "no_safe_place"),
    ] {
        v.push(cell(
            ENVIRONMENT,
            r,
            "housing",
            &[("housing", json!(housing))],
        ));
    }
    v.push(cell(
        ENVIRONMENT,
        2,
        "no support",
        &[("recovery_support", json!("no_one"))],
    ));
    v.push(cell(
        ENVIRONMENT,
        3,
        "lives with people who use",
        &[("household_use", json!(true))],
    ));
    v.push(cell(
        ENVIRONMENT,
        4,
        "violence or exploitation",
        &[("unsafe_relationships", json!(true))],
    ));
    v
}

#[test]
fn every_cell_of_the_policy_table() {
    let cells = cells();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for c in &cells {
        let a = assess(&c.answers);
        let dname = oracle::DIMENSIONS[c.dim];
        let what = format!("{dname} {} ({})", c.rating, c.what);
        assert!(a.complete(), "{what}: missing {:?}", qids(&a.missing));
        assert!(a.warnings.is_empty(), "{what}: {:?}", a.warnings);
        let mut want = [0u8; 6];
        want[c.dim] = c.rating;
        for (d, r) in &c.others {
            want[*d] = *r;
        }
        let got = ratings(&a);
        if got != want {
            failures.push(format!("{what}: ratings {got:?}, want {want:?}"));
            continue;
        }
        covered.insert((c.dim, c.rating));
        let min_level = level_id(a.dimensions[dim(dname)].min_level);
        assert_eq!(
            min_level,
            oracle::MINIMUMS[c.dim][c.rating as usize],
            "{what}"
        );
        let intox = intoxicated_in(&c.answers);
        assert_eq!(
            level_id(a.level),
            oracle::LEVELS[oracle::level(&want, intox)],
            "{what}"
        );
        if c.others.is_empty() {
            assert_eq!(
                level_id(a.level),
                oracle::MINIMUMS[c.dim][c.rating as usize],
                "{what}"
            );
        }
        assert_eq!(a.max_level, a.level, "{what}: complete intake");
        assert!(a.could_raise.is_empty(), "{what}");
    }
    assert!(
        failures.is_empty(),
        "rubric mismatches:\n{}",
        failures.join("\n")
    );
    for d in 0..6 {
        for r in 0..=4 {
            assert!(
                covered.contains(&(d, r)),
                "cell {} {r} not covered",
                oracle::DIMENSIONS[d]
            );
        }
    }
}

/// (what, answers, ratings, level, sober living support).
type EscalationCase = (
    String,
    Map<String, Value>,
    oracle::Ratings,
    &'static str,
    bool,
);

#[test]
fn every_escalation_and_its_absence() {
    let j = |parts: &[&[(&str, Value)]]| fixture::with(&join(parts));
    // Answers that give one dimension one rating, nothing else.
    let w1 = used(&["alcohol"], 4, "within_72_hours");
    let w2 = join(&[&w1, &[("ciwa_ar_total", json!(10))]]);
    let b1 = chronic("stable");
    let b2 = chronic("needs_monitoring");
    let e2 = owned(phq9(10, false));
    let e3 = psychosis("new_or_worsening", "able", &["none"]);
    let r1 = vec![("cravings", json!("weekly"))];
    let r2 = released();
    let r3 = vec![
        ("prior_treatment", json!(true)),
        ("relapse_after_treatment", json!(true)),
        ("cravings", json!("daily")),
    ];
    let n1 = vec![("life_stress", json!("moderate"))];
    let n2 = vec![("housing", json!("temporary"))];
    let n3 = vec![("housing", json!("homeless"))];
    let n4 = vec![("housing", json!("no_safe_place"))];
    let intox = vec![("intoxicated_now", json!(true))];
    let readiness3 = vec![("stage_of_change", json!("precontemplation"))];
    let case = |what: &str,
                m: Map<String, Value>,
                r: oracle::Ratings,
                level: &'static str,
                sober: bool|
     -> EscalationCase { (what.to_string(), m, r, level, sober) };
    let cases: Vec<EscalationCase> = vec![
        // relapse >= 3 and environment >= 3
        case(
            "relapse 3 + environment 3",
            j(&[&r3, &n3]),
            [0, 0, 0, 0, 3, 3],
            "inpatient",
            false,
        ),
        case(
            "relapse 3 + environment 2",
            j(&[&r3, &n2]),
            [0, 0, 0, 0, 3, 2],
            "php",
            false,
        ),
        case(
            "relapse 2 + environment 3",
            j(&[&r2, &n3]),
            [0, 0, 0, 0, 2, 3],
            "iop",
            true,
        ),
        // emotional >= 3 and withdrawal >= 2
        case(
            "emotional 3 + withdrawal 2",
            j(&[&e3, &w2]),
            [2, 0, 3, 0, 0, 0],
            "inpatient",
            false,
        ),
        case(
            "emotional 3 + withdrawal 1",
            j(&[&e3, &w1]),
            [1, 0, 3, 0, 0, 0],
            "php",
            false,
        ),
        case(
            "emotional 2 + withdrawal 2",
            j(&[&e2, &w2]),
            [2, 0, 2, 0, 0, 0],
            "php",
            false,
        ),
        // emotional >= 3 and relapse >= 3
        case(
            "emotional 3 + relapse 3",
            j(&[&e3, &r3]),
            [0, 0, 3, 0, 3, 0],
            "inpatient",
            false,
        ),
        case(
            "emotional 3 + relapse 2",
            j(&[&e3, &r2]),
            [0, 0, 3, 0, 2, 0],
            "php",
            false,
        ),
        case(
            "emotional 2 + relapse 3",
            j(&[&e2, &r3]),
            [0, 0, 2, 0, 3, 0],
            "php",
            false,
        ),
        // emotional >= 3 and intoxicated at intake (withdrawal 1)
        case(
            "emotional 3 + intoxicated",
            j(&[&e3, &intox]),
            [1, 0, 3, 0, 0, 0],
            "inpatient",
            false,
        ),
        case(
            "emotional 2 + intoxicated",
            j(&[&e2, &intox]),
            [1, 0, 2, 0, 0, 0],
            "iop",
            false,
        ),
        case(
            "emotional 3, not intoxicated",
            j(&[&e3]),
            [0, 0, 3, 0, 0, 0],
            "php",
            false,
        ),
        // withdrawal >= 2 and environment >= 2
        case(
            "withdrawal 2 + environment 2",
            j(&[&w2, &n2]),
            [2, 0, 0, 0, 0, 2],
            "inpatient",
            false,
        ),
        case(
            "withdrawal 1 + environment 2",
            j(&[&w1, &n2]),
            [1, 0, 0, 0, 0, 2],
            "outpatient",
            false,
        ),
        case(
            "withdrawal 2 + environment 1",
            j(&[&w2, &n1]),
            [2, 0, 0, 0, 0, 1],
            "php",
            false,
        ),
        // withdrawal >= 2 and biomedical >= 2
        case(
            "withdrawal 2 + biomedical 2",
            j(&[&w2, &b2]),
            [2, 2, 0, 0, 0, 0],
            "inpatient",
            false,
        ),
        case(
            "withdrawal 2 + biomedical 1",
            j(&[&w2, &b1]),
            [2, 1, 0, 0, 0, 0],
            "php",
            false,
        ),
        case(
            "withdrawal 1 + biomedical 2",
            j(&[&w1, &b2]),
            [1, 2, 0, 0, 0, 0],
            "iop",
            false,
        ),
        // environment >= 4 and relapse >= 2
        case(
            "environment 4 + relapse 2",
            j(&[&n4, &r2]),
            [0, 0, 0, 0, 2, 4],
            "inpatient",
            false,
        ),
        case(
            "environment 4 + relapse 1",
            j(&[&n4, &r1]),
            [0, 0, 0, 0, 1, 4],
            "sober_living",
            false,
        ),
        // environment >= 3 and relapse >= 1: sober living
        case(
            "environment 3 + relapse 1",
            j(&[&n3, &r1]),
            [0, 0, 0, 0, 1, 3],
            "sober_living",
            false,
        ),
        case(
            "environment 3 + relapse 0",
            j(&[&n3]),
            [0, 0, 0, 0, 0, 3],
            "outpatient",
            false,
        ),
        case(
            "environment 2 + relapse 1",
            j(&[&n2, &r1]),
            [0, 0, 0, 0, 1, 2],
            "outpatient",
            false,
        ),
        case(
            "environment 4 + relapse 0",
            j(&[&n4]),
            [0, 0, 0, 0, 0, 4],
            "outpatient",
            false,
        ),
        // v1's "three dimensions rated 3 or more" is gone.
        case(
            "emotional, readiness and environment 3",
            j(&[&e3, &readiness3, &n3]),
            [0, 0, 3, 3, 0, 3],
            "php",
            true,
        ),
        case(
            "readiness 3 alone",
            j(&[&readiness3]),
            [0, 0, 0, 3, 0, 0],
            "outpatient",
            false,
        ),
    ];
    let map = escalation_map();
    let mut seen = [[false; 2]; 8];
    for (what, answers, want_r, want_level, want_sober) in cases {
        let a = assess(&answers);
        assert!(
            a.complete() && a.warnings.is_empty(),
            "{what}: {:?} {:?}",
            qids(&a.missing),
            a.warnings
        );
        assert_eq!(ratings(&a), want_r, "{what}");
        let intox = intoxicated_in(&answers);
        let want_e = oracle::escalations(&want_r, intox);
        assert_eq!(
            oracle::LEVELS[oracle::level(&want_r, intox)],
            want_level,
            "{what}: the oracle"
        );
        assert_eq!(level_id(a.level), want_level, "{what}");
        // The compiled escalations that hold are those of the oracle.
        let got: Vec<usize> = a
            .escalations
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == Tri::True)
            .filter_map(|(i, _)| map[i])
            .collect();
        let want: Vec<usize> = (0..8).filter(|&i| want_e[i]).collect();
        assert_eq!(got, want, "{what}: {:?}", escalations_holding(&a));
        for (i, holds) in want_e.iter().enumerate() {
            seen[i][*holds as usize] = true;
        }
        if want_e.iter().any(|&e| e) && want_level == "inpatient" {
            assert_ne!(
                oracle::LEVELS[oracle::minimums_level(&want_r)],
                "inpatient",
                "{what}: needs the escalation"
            );
        }
        assert_eq!(
            supports(&a).contains(&"sober_living"),
            want_sober,
            "{what}: supports {:?}",
            supports(&a)
        );
        assert_eq!(
            oracle::sober_living_support(&want_r, oracle::rank(want_level)),
            want_sober,
            "{what}: the oracle"
        );
    }
    for (i, s) in seen.iter().enumerate() {
        assert!(
            s[0] && s[1],
            "escalation `{}` held and absent",
            oracle::ESCALATIONS[i].0
        );
    }
}

/// For thousands of sampled intakes: `level` is the most intensive of the
/// table's minimums for the reported ratings and of the escalations that
/// hold (and `max_level` the same for the reported `max_rating`s); each
/// dimension's `min_level` is the table's; the sober-living support,
/// totals, when instruments are asked, the rubric's lower bounds and the
/// phq9_9 critical flag as domain.md says; every level is reached.
#[test]
fn sampled_intakes_level_is_the_most_intensive_minimum_or_escalation() {
    let mut seen = [0usize; 5];
    let mut incomplete = 0;
    let mut not_applicable = 0;
    for n in 0..3000 {
        let (slots, a) = sampled(n);
        let r = ratings(&a);
        let (intox, maybe_intox) = intoxicated(&slots, &a);
        let ctx = || format!("sample {n}: ratings {r:?}, level {}", level_id(a.level));
        assert_eq!(
            oracle::LEVELS[rank_of(a.level)],
            oracle::LEVELS[oracle::level(&r, intox)],
            "{}",
            ctx()
        );
        let mr = max_ratings(&a);
        assert_eq!(
            oracle::LEVELS[rank_of(a.max_level)],
            oracle::LEVELS[oracle::level(&mr, maybe_intox)],
            "{}: max {mr:?}",
            ctx()
        );
        for (d, id) in oracle::DIMENSIONS.iter().enumerate() {
            assert_eq!(
                level_id(a.dimensions[dim(id)].min_level),
                oracle::MINIMUMS[d][r[d] as usize],
                "{}",
                ctx()
            );
        }
        if a.complete() {
            assert_eq!(
                supports(&a).contains(&"sober_living"),
                oracle::sober_living_support(&r, rank_of(a.level)),
                "{}",
                ctx()
            );
        }
        // Totals and bands by the oracle, where every item is answered;
        // no total where the instrument is not asked.
        let ans = SlotAnswers {
            slots: &slots,
            assessment: &a,
        };
        for (id, t) in oracle_totals(&ans) {
            let i = instrument_index(id);
            match (t, oracle::applicable(id, &ans)) {
                (Some(t), _) => assert_eq!(
                    instrument(&a, id),
                    (Some(t), Some(oracle::band(oracle::bands(id), t).1)),
                    "{}: {id}",
                    ctx()
                ),
                (None, Some(false)) => {
                    not_applicable += 1;
                    assert_eq!(instrument(&a, id), (None, None), "{}: {id}", ctx());
                    assert!(!a.instruments[i].applicable, "{}: {id}", ctx());
                }
                _ => assert_eq!(instrument(&a, id).0, None, "{}: {id}", ctx()),
            }
        }
        let b = oracle::lower_bounds(&ans);
        for (d, bound) in [
            (oracle::WITHDRAWAL, b.withdrawal),
            (oracle::EMOTIONAL, b.emotional),
            (oracle::RELAPSE, b.relapse),
        ] {
            assert!(
                r[d] >= bound,
                "{}: {} bound {bound}",
                ctx(),
                oracle::DIMENSIONS[d]
            );
        }
        if ans.int("phq9_9").is_some_and(|x| x > 0) {
            assert!(
                !critical_flags(&a).is_empty(),
                "{}: phq9_9 > 0 without a critical flag",
                ctx()
            );
        }
        if a.complete() {
            assert_eq!(a.max_level, a.level, "{}", ctx());
            assert!(a.could_raise.is_empty(), "{}", ctx());
        } else {
            incomplete += 1;
        }
        seen[rank_of(a.level)] += 1;
    }
    for (i, l) in oracle::LEVELS.iter().enumerate() {
        assert!(seen[i] > 0, "no sampled intake reaches {l}: {seen:?}");
    }
    assert!(incomplete > 0, "some samples have declined answers");
    assert!(
        not_applicable > 0,
        "some samples have an instrument not asked"
    );
}
// ---------------------------------------------------------------------
// 3. Examples
// ---------------------------------------------------------------------

fn expected_level(comment: &str) -> String {
    let i = comment
        .rfind("Expected:")
        .unwrap_or_else(|| panic!("no `Expected: <level>` in {comment:?}"));
    comment[i + "Expected:".len()..]
        .trim()
        .trim_end_matches('.')
        .to_string()
}

#[test]
fn every_example_scores_to_the_level_its_comment_states() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intakes");
    let mut expected = Vec::new();
    for e in std::fs::read_dir(&dir).expect("examples/intakes") {
        let path = e.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("example");
        let comment = match path.extension().and_then(|x| x.to_str()) {
            Some("json") => {
                let v: Value = serde_json::from_str(&text).expect("example JSON");
                v["comment"]
                    .as_str()
                    .expect("a JSON example has a `comment`")
                    .to_string()
            }
            Some("yaml") | Some("yml") => {
                let first = text.lines().next().unwrap_or_default();
                assert!(
                    first.starts_with('#'),
                    "{}: first line is a comment",
                    path.display()
                );
                first.to_string()
            }
            _ => continue,
        };
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        expected.push((name, expected_level(&comment)));
    }
    expected.sort();
    assert!(expected.len() >= 8, "at least eight examples: {expected:?}");
    let levels: BTreeSet<&str> = expected.iter().map(|(_, l)| l.as_str()).collect();
    for l in oracle::LEVELS {
        assert!(levels.contains(l), "no example expects {l}");
    }

    let out = run(
        &["score", "examples/intakes", "--format", "json"],
        String::new(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), expected.len());
    let (mut incomplete, mut critical, mut overridden) = (0, 0, 0);
    for (name, level) in &expected {
        let r = recs
            .iter()
            .find(|r| {
                r["source"]
                    .as_str()
                    .is_some_and(|s| s.ends_with(name.as_str()))
            })
            .unwrap_or_else(|| panic!("no record for {name}"));
        assert_eq!(r["level"], json!(level), "{name}");
        if r["complete"] == json!(false) {
            incomplete += 1;
            // It says what the missing answers could do.
            assert_ne!(r["max_level"], r["level"], "{name}");
            assert!(
                !r["could_raise"].as_array().expect("list").is_empty(),
                "{name}"
            );
        }
        if r["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .any(|f| f["severity"] == "critical")
        {
            critical += 1;
        }
        if r["overridden"] == json!(true) {
            overridden += 1;
            assert_ne!(r["placement"]["level"], r["level"], "{name}");
        }
    }
    assert!(incomplete >= 1, "an incomplete example");
    assert!(critical >= 1, "an example with a critical flag");
    assert!(overridden >= 1, "an example with an override");
}

// ---------------------------------------------------------------------
// 4. Rubric lower bounds, the upper bound, and the safety flags
// ---------------------------------------------------------------------

fn rate(slots: &[Slot]) -> (oracle::Ratings, Assessment) {
    let a = engine::score_slots(rs(), slots);
    (ratings(&a), a)
}

/// Withdrawal for every CIWA-Ar and COWS total, with and without a past
/// seizure or delirium, alcohol, sedatives or opioids in the past 30 days
/// on 14 or 15 days, and each `last_use`: at least the rubric's lower
/// bound, and (nothing else answered) at most the bound or 1 (use in the
/// past 7 days, or signs); so each bound holds exactly at its edge and not
/// just below it. A critical flag is raised exactly when the bound is 3 or
/// more (severe withdrawal risk).
#[test]
fn withdrawal_lower_bounds_for_every_ciwa_ar_and_cows_total() {
    use oracle::WITHDRAWAL;
    let mut checked = [0usize; 5];
    for history in [
        "none",
        "past_withdrawal_seizure",
        "past_withdrawal_delirium",
    ] {
        for (used_30d, days) in [
            (&[][..], 0),
            (&["alcohol"][..], 14),
            (&["alcohol"][..], 15),
            (&["sedatives"][..], 15),
            (&["opioids"][..], 15),
            (&["alcohol", "opioids"][..], 14),
        ] {
            for last_use in [
                "over_30_days",
                "days_8_to_30",
                "days_3_to_7",
                "within_72_hours",
            ] {
                let mut ch = used(used_30d, days, last_use);
                ch[0] = ("substances", json!(["alcohol", "opioids", "sedatives"]));
                if history != "none" {
                    ch.push((history, json!(true)));
                }
                let m = fixture::with(&ch);
                let base = parse(&m).slots;
                for (item, max) in [("ciwa_ar_total", 67), ("cows_total", 48)] {
                    for t in 0..=max {
                        let mut s = base.clone();
                        set_num(&mut s, item, t);
                        let (r, a) = rate(&s);
                        let ans = SlotAnswers {
                            slots: &s,
                            assessment: &a,
                        };
                        let lb = oracle::lower_bounds(&ans).withdrawal;
                        let use7 = oracle::used_past_7_days(&ans) as u8;
                        let what = format!(
                            "{item} {t}, {history}, 30 days {used_30d:?} on {days}, last use {last_use}: withdrawal {}, bound {lb}",
                            r[WITHDRAWAL]
                        );
                        assert!(r[WITHDRAWAL] >= lb.max(use7), "{what}: below the bound");
                        assert!(r[WITHDRAWAL] <= lb.max(1), "{what}: above the rubric");
                        assert_eq!(
                            !critical_flags(&a).is_empty(),
                            lb >= 3,
                            "{what}: critical flags {:?}",
                            critical_flags(&a)
                        );
                        checked[lb as usize] += 1;
                    }
                }
            }
        }
    }
    // Withdrawal has no bound of 1.
    assert!(
        [0, 2, 3, 4].iter().all(|&b| checked[b] > 0),
        "every bound reached: {checked:?}"
    );
}

/// Emotional for every PHQ-9 total with each item 9 and functioning, every
/// GAD-7 total, and every combination of the suicide, homicide and
/// self-harm answers with PHQ-9 item 9 at 0, 1 and 2: exactly the rubric
/// (the lower bounds, and 3 for PHQ-9 15 or more with very or extremely
/// difficult functioning). A critical flag exactly for item 9 above 0,
/// suicidal or homicidal thoughts or intent, or self-harm in the past 30
/// days.
#[test]
fn emotional_lower_bounds_for_every_phq9_gad7_and_safety_answer() {
    use oracle::EMOTIONAL;
    let mut base = base_slots().to_vec();
    set_num(&mut base, "lethal_means_access", 0);
    for functioning in [
        "not_difficult",
        "somewhat_difficult",
        "very_difficult",
        "extremely_difficult",
    ] {
        for item9 in 0..=3 {
            for t in item9..=(24 + item9) {
                let mut s = base.clone();
                set_choice(&mut s, "functioning", functioning);
                set_slots(&mut s, &phq9_with_item9(t, item9));
                let (r, a) = rate(&s);
                assert_eq!(instrument(&a, "phq9").0, Some(t));
                let lb = bounds_of(&s, &a).emotional;
                let impairing =
                    t >= 15 && matches!(functioning, "very_difficult" | "extremely_difficult");
                let want = lb.max(if impairing { 3 } else { 0 });
                assert_eq!(
                    r[EMOTIONAL], want,
                    "PHQ-9 {t}, item 9 = {item9}, {functioning}: bound {lb}"
                );
                assert_eq!(
                    !critical_flags(&a).is_empty(),
                    item9 > 0,
                    "PHQ-9 {t}, item 9 = {item9}: {:?}",
                    critical_flags(&a)
                );
            }
        }
    }
    for t in 0..=21 {
        for last_first in [false, true] {
            let mut s = base_slots().to_vec();
            set_slots(&mut s, &gad7(t, last_first));
            let (r, a) = rate(&s);
            let band = oracle::band(oracle::GAD7_BANDS, t).1;
            let want = match band {
                "minimal" => 0,
                "mild" => 1,
                _ => 2,
            };
            assert_eq!(bounds_of(&s, &a).emotional, want, "GAD-7 {t}: the oracle");
            assert_eq!(r[EMOTIONAL], want, "GAD-7 {t} ({band})");
        }
    }
    let risks = [
        "none",
        "thoughts_no_intent",
        "intent_no_plan",
        "intent_with_plan",
    ];
    let self_harm = ["never", "over_a_year_ago", "past_year", "past_30_days"];
    for suicide in risks {
        for homicide in risks {
            for harm in self_harm {
                for item9 in 0..=2 {
                    let mut ch = owned(phq9_with_item9(item9, item9));
                    ch.push(("suicide_risk", json!(suicide)));
                    ch.push(("homicide_risk", json!(homicide)));
                    ch.push(("self_harm_recent", json!(harm)));
                    let m = fixture::with(&ch);
                    let a = assess(&m);
                    let what = format!(
                        "suicide {suicide}, homicide {homicide}, self-harm {harm}, item 9 = {item9}"
                    );
                    assert!(a.complete() && a.warnings.is_empty(), "{what}");
                    let lb = oracle::lower_bounds(&JsonAnswers(&m)).emotional;
                    assert_eq!(ratings(&a)[EMOTIONAL], lb, "{what}");
                    let critical = item9 > 0
                        || suicide != "none"
                        || homicide != "none"
                        || harm == "past_30_days";
                    assert_eq!(
                        !critical_flags(&a).is_empty(),
                        critical,
                        "{what}: {:?}",
                        critical_flags(&a)
                    );
                    let mut want = [0u8; 6];
                    want[EMOTIONAL] = lb;
                    assert_eq!(ratings(&a), want, "{what}");
                    assert_eq!(
                        level_id(a.level),
                        oracle::LEVELS[oracle::level(&want, false)],
                        "{what}"
                    );
                }
            }
        }
    }
}

/// Relapse for every AUDIT total with the edges of DAST-10 and every
/// DAST-10 total with the edges of AUDIT, with no use in the past 30 days
/// (the one upper bound: at most 1), alcohol or a drug in the past 30 days
/// on 3 or 4 days, or both daily: exactly the rubric's lower bounds
/// (nothing else in these intakes raises relapse).
#[test]
fn relapse_lower_bounds_and_upper_bound_for_every_audit_and_dast10_total() {
    use oracle::RELAPSE;
    let mut checked = [0usize; 4];
    for (used_30d, days) in [
        (&[][..], 0),
        (&["alcohol"][..], 3),
        (&["cannabis"][..], 3),
        (&["cannabis"][..], 4),
        (&["alcohol", "cannabis"][..], 30),
    ] {
        let mut ch = used(used_30d, days, "days_8_to_30");
        ch[0] = ("substances", json!(["alcohol", "opioids", "cannabis"]));
        if used_30d.is_empty() {
            ch[3] = ("last_use", json!("over_30_days"));
        }
        let m = fixture::with(&ch);
        let base = parse(&m).slots;
        for ta in 0..=40 {
            for tb in 0..=10 {
                for variant in [false, true] {
                    if (tb == 0 && variant) || (tb == 10 && !variant) {
                        continue;
                    }
                    let a_edge = edges(oracle::AUDIT_BANDS).contains(&ta);
                    let d_edge = edges(oracle::DAST10_BANDS).contains(&tb);
                    if !(a_edge || d_edge) {
                        continue;
                    }
                    let mut s = base.clone();
                    set_slots(&mut s, &audit(ta, variant));
                    set_slots(&mut s, &dast10(tb, variant));
                    let (r, a) = rate(&s);
                    assert_eq!(instrument(&a, "audit").0, Some(ta));
                    assert_eq!(instrument(&a, "dast10").0, Some(tb));
                    let lb = bounds_of(&s, &a).relapse;
                    let what = format!(
                        "AUDIT {ta}, DAST-10 {tb} ({variant}), 30 days {used_30d:?} on {days}: relapse {}, bound {lb}",
                        r[RELAPSE]
                    );
                    assert_eq!(r[RELAPSE], lb, "{what}");
                    if used_30d.is_empty() {
                        assert!(r[RELAPSE] <= 1, "{what}: screens alone");
                    }
                    checked[lb as usize] += 1;
                }
            }
        }
    }
    assert!(
        checked.iter().all(|&n| n > 0),
        "every bound reached: {checked:?}"
    );
}

/// (what, severity, trigger answers, control answers, least number of new
/// flags of that severity).
type FlagCase = (
    &'static str,
    &'static str,
    Map<String, Value>,
    Map<String, Value>,
    usize,
);

/// Every safety flag of domain.md version 2, critical and warning, by an
/// intake that raises it against a control intake that differs only in
/// the answer that matters: the trigger raises a new flag of that
/// severity. Through `placement score - --format json`: every flag of
/// every record carries its `action`, one non-empty line.
#[test]
fn every_safety_flag_of_version_2_with_its_severity_and_action() {
    let w = |parts: &[&[(&str, Value)]]| fixture::with(&join(parts));
    let alc72 = used(&["alcohol"], 4, "within_72_hours");
    let opi72 = used(&["opioids"], 30, "within_72_hours");
    let sed72 = used(&["sedatives"], 30, "within_72_hours");
    let heavy = vec![("heavy_drinking_daily", json!(true))];
    let item9 = owned(phq9_with_item9(1, 1));
    let thoughts = vec![("suicide_risk", json!("thoughts_no_intent"))];
    let homicide_thoughts = vec![("homicide_risk", json!("thoughts_no_intent"))];
    let stable_psychosis = psychosis("stable_treated", "able", &["none"]);
    let children = vec![
        ("dependents", json!(true)),
        ("children_in_care", json!(true)),
    ];
    let c = "critical";
    let mut cases: Vec<FlagCase> = vec![
        ("PHQ-9 item 9 above 0", c, w(&[&item9]), w(&[]), 1),
        ("suicidal thoughts", c, w(&[&thoughts]), w(&[]), 1),
        ("homicidal thoughts", c, w(&[&homicide_thoughts]), w(&[]), 1),
    ];
    for who in ["suicide_risk", "homicide_risk"] {
        for intent in ["intent_no_plan", "intent_with_plan"] {
            cases.push((
                "suicidal or homicidal intent, with or without a plan",
                c,
                w(&[&[(who, json!(intent))]]),
                w(&[]),
                1,
            ));
        }
    }
    cases.extend([
        (
            "self-harm in the past 30 days",
            c,
            w(&[&[("self_harm_recent", json!("past_30_days"))]]),
            w(&[&[("self_harm_recent", json!("past_year"))]]),
            1,
        ),
        (
            "severe withdrawal risk: past seizure, alcohol on 15 of the past 30 days",
            c,
            w(&[
                &used(&["alcohol"], 15, "days_8_to_30"),
                &[("past_withdrawal_seizure", json!(true))],
            ]),
            w(&[
                &used(&["alcohol"], 14, "days_8_to_30"),
                &[("past_withdrawal_seizure", json!(true))],
            ]),
            1,
        ),
        (
            "severe withdrawal risk: past delirium, a sedative in the past 7 days",
            c,
            w(&[
                &used(&["sedatives"], 2, "days_3_to_7"),
                &[("past_withdrawal_delirium", json!(true))],
            ]),
            w(&[
                &used(&["sedatives"], 2, "days_8_to_30"),
                &[("past_withdrawal_delirium", json!(true))],
            ]),
            1,
        ),
        (
            "severe withdrawal risk: a daily sedative above the prescribed dose",
            c,
            w(&[
                &sed72,
                &[("daily_sedative_use", json!("above_prescribed_dose"))],
            ]),
            w(&[&sed72, &[("daily_sedative_use", json!("as_prescribed"))]]),
            1,
        ),
        (
            "severe withdrawal risk: a daily sedative without a prescription",
            c,
            w(&[
                &sed72,
                &[("daily_sedative_use", json!("without_prescription"))],
            ]),
            w(&[&sed72, &[("daily_sedative_use", json!("as_prescribed"))]]),
            1,
        ),
        (
            "severe withdrawal risk: a daily sedative stopped in the past 14 days",
            c,
            w(&[
                &used(&["sedatives"], 20, "days_8_to_30"),
                &[("daily_sedative_use", json!("stopped_recently"))],
            ]),
            w(&[&used(&["sedatives"], 20, "days_8_to_30")]),
            1,
        ),
        (
            "severe withdrawal risk: CIWA-Ar severe (16)",
            c,
            w(&[&alc72, &[("ciwa_ar_total", json!(16))]]),
            w(&[&alc72, &[("ciwa_ar_total", json!(15))]]),
            1,
        ),
        (
            "severe withdrawal risk: COWS severe (37)",
            c,
            w(&[&opi72, &[("cows_total", json!(37))]]),
            w(&[&opi72, &[("cows_total", json!(36))]]),
            1,
        ),
        (
            "severe withdrawal risk: seizure, delirium or hallucinations in withdrawal now",
            c,
            w(&[&alc72, &[("withdrawal_complications_now", json!(true))]]),
            w(&[&alc72]),
            1,
        ),
        (
            "hospital-level care: withdrawal 4 (CIWA-Ar severe with past delirium)",
            c,
            w(&[
                &used(&["alcohol"], 10, "days_8_to_30"),
                &[
                    ("ciwa_ar_total", json!(16)),
                    ("past_withdrawal_delirium", json!(true)),
                ],
            ]),
            w(&[
                &used(&["alcohol"], 10, "days_8_to_30"),
                &[("ciwa_ar_total", json!(16))],
            ]),
            1,
        ),
        (
            "a medical emergency now, and hospital-level care (biomedical 4)",
            c,
            w(&[&[("life_threatening_now", json!(true))]]),
            w(&[]),
            2,
        ),
        (
            "possible Wernicke's encephalopathy, and hospital-level care (biomedical 4)",
            c,
            w(&[
                &used(&["alcohol"], 30, "days_3_to_7"),
                &heavy,
                &[("wernicke_signs", json!(true))],
            ]),
            w(&[&used(&["alcohol"], 30, "days_3_to_7"), &heavy]),
            2,
        ),
        (
            "refusing all treatment while in danger",
            c,
            w(&[&[
                ("suicide_risk", json!("intent_with_plan")),
                ("refuses_treatment", json!(true)),
            ]]),
            w(&[&[("suicide_risk", json!("intent_with_plan"))]]),
            1,
        ),
        (
            "an overdose in the past 30 days",
            c,
            w(&[&overdoses(1, true)]),
            w(&[&overdoses(1, false)]),
            1,
        ),
        (
            "release from a controlled environment, opioids in the past year",
            c,
            w(&[&[("released_past_30_days", json!(true))]]),
            w(&[]),
            1,
        ),
        (
            "release from a controlled environment, opioids earlier in life",
            c,
            w(&[&[
                ("substances", json!(["alcohol"])),
                ("lifetime_opioid_use", json!(true)),
                ("released_past_30_days", json!(true)),
            ]]),
            w(&[&[
                ("substances", json!(["alcohol"])),
                ("lifetime_opioid_use", json!(true)),
            ]]),
            1,
        ),
        (
            "pregnancy with opioid use and no medication for it",
            c,
            w(&[&pregnant(), &opi72]),
            w(&[&pregnant(), &opi72, &[("moud_current", json!(true))]]),
            1,
        ),
        (
            "pregnancy with expected alcohol withdrawal",
            c,
            w(&[
                &pregnant(),
                &used(&["alcohol"], 30, "within_72_hours"),
                &heavy,
            ]),
            w(&[&pregnant(), &used(&["alcohol"], 30, "days_3_to_7"), &heavy]),
            1,
        ),
        (
            "pregnancy with expected sedative withdrawal (and severe withdrawal risk)",
            c,
            w(&[
                &pregnant(),
                &used(&["sedatives"], 20, "days_8_to_30"),
                &[("daily_sedative_use", json!("stopped_recently"))],
            ]),
            w(&[&pregnant(), &used(&["sedatives"], 20, "days_8_to_30")]),
            2,
        ),
        (
            "psychosis with inability to care for self",
            c,
            w(&[&psychosis("stable_treated", "unable", &["none"])]),
            w(&[&stable_psychosis]),
            1,
        ),
    ]);
    for danger in [
        "agitation",
        "violence_or_threats",
        "weapon",
        "persecutory_identifiable",
    ] {
        cases.push((
            "psychosis with agitation, violence or threats, a weapon, or a named person",
            c,
            w(&[&psychosis("stable_treated", "able", &[danger])]),
            w(&[&stable_psychosis]),
            1,
        ));
    }
    cases.extend([
        (
            "lethal means with suicidal thoughts",
            c,
            w(&[&thoughts, &[("lethal_means_access", json!(true))]]),
            w(&[&thoughts]),
            1,
        ),
        (
            "lethal means with PHQ-9 item 9 above 0",
            c,
            w(&[&item9, &[("lethal_means_access", json!(true))]]),
            w(&[&item9]),
            1,
        ),
        (
            "homicidal thoughts about an identifiable person",
            c,
            w(&[&homicide_thoughts, &[("identifiable_person", json!(true))]]),
            w(&[&homicide_thoughts]),
            1,
        ),
        (
            "no safe place tonight",
            c,
            w(&[&[("housing", json!("no_safe_place"))]]),
            w(&[&[("housing", json!("homeless"))]]),
            1,
        ),
        (
            "violence with strangulation, threats to kill or a weapon",
            c,
            w(&[&[
                ("unsafe_relationships", json!(true)),
                ("violence_high_risk", json!(true)),
            ]]),
            w(&[&[("unsafe_relationships", json!(true))]]),
            1,
        ),
        (
            "a child in the care of a client intoxicated now",
            c,
            w(&[&children, &[("intoxicated_now", json!(true))]]),
            w(&[&[
                ("dependents", json!(true)),
                ("intoxicated_now", json!(true)),
            ]]),
            1,
        ),
        (
            "injection use with a fever or a spreading wound",
            c,
            w(&[&[
                ("injection_use", json!(true)),
                ("injection_fever_or_spreading", json!(true)),
            ]]),
            w(&[&[("injection_use", json!(true))]]),
            1,
        ),
    ]);
    let wn = "warning";
    cases.extend([
        (
            "alcohol and opioids used together",
            wn,
            w(&[&used(&["alcohol", "opioids"], 10, "days_8_to_30")]),
            w(&[&used(&["alcohol"], 10, "days_8_to_30")]),
            1,
        ),
        (
            "alcohol with methadone for opioid use disorder (against naltrexone)",
            wn,
            w(&[
                &used(&["alcohol"], 10, "days_8_to_30"),
                &[
                    ("moud_current", json!(true)),
                    ("moud_medication", json!("methadone")),
                ],
            ]),
            w(&[
                &used(&["alcohol"], 10, "days_8_to_30"),
                &[
                    ("moud_current", json!(true)),
                    ("moud_medication", json!("naltrexone")),
                ],
            ]),
            1,
        ),
        (
            "alcohol with an opioid painkiller taken as prescribed",
            wn,
            w(&[
                &used(&["alcohol"], 10, "days_8_to_30"),
                &[("prescribed_opioid", json!(true))],
            ]),
            w(&[&used(&["alcohol"], 10, "days_8_to_30")]),
            1,
        ),
        (
            "alcohol with a prescribed daily sedative",
            wn,
            w(&[&alc72, &[("daily_sedative_use", json!("as_prescribed"))]]),
            w(&[&alc72]),
            1,
        ),
        (
            "withdrawal expected: daily heavy drinking, last drink in 72 hours",
            wn,
            w(&[&used(&["alcohol"], 30, "within_72_hours"), &heavy]),
            w(&[&used(&["alcohol"], 30, "days_3_to_7"), &heavy]),
            1,
        ),
        (
            "withdrawal expected: daily fentanyl with xylazine",
            wn,
            w(&[&opi72, &[("daily_fentanyl_xylazine", json!(true))]]),
            w(&[&opi72]),
            1,
        ),
        (
            "an overdose in the past 12 months",
            wn,
            w(&[&overdoses(1, false)]),
            w(&[]),
            1,
        ),
        (
            "injection use",
            wn,
            w(&[&[("injection_use", json!(true))]]),
            w(&[]),
            1,
        ),
        ("psychotic symptoms", wn, w(&[&stable_psychosis]), w(&[]), 1),
        (
            "violence, threats or exploitation against the client",
            wn,
            w(&[&[("unsafe_relationships", json!(true))]]),
            w(&[]),
            1,
        ),
        (
            "children in the home exposed to use or violence",
            wn,
            w(&[&children, &[("children_exposed", json!(true))]]),
            w(&[&children]),
            1,
        ),
        (
            "PHQ-9 item 9 above 0 without stated suicidal thoughts",
            wn,
            w(&[&item9]),
            w(&[&item9, &thoughts]),
            1,
        ),
        (
            "intoxicated at intake",
            wn,
            w(&[&[("intoxicated_now", json!(true))]]),
            w(&[]),
            1,
        ),
    ]);
    let mut stdin = String::new();
    for (i, (_, _, trigger, control, _)) in cases.iter().enumerate() {
        stdin.push_str(&document(&format!("t{i}"), trigger));
        stdin.push('\n');
        stdin.push_str(&document(&format!("c{i}"), control));
        stdin.push('\n');
    }
    let out = run(&["score", "-", "--format", "json"], stdin);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 2 * cases.len());
    let mut failures = Vec::new();
    for (i, (what, severity, _, _, least)) in cases.iter().enumerate() {
        let (t, c) = (&recs[2 * i], &recs[2 * i + 1]);
        for r in [t, c] {
            assert!(r.get("error").is_none(), "{what}: {r}");
            assert_eq!(r["complete"], json!(true), "{what}: {}", r["missing"]);
            assert_eq!(r["warnings"], json!([]), "{what}: {}", r["id"]);
            for f in r["flags"].as_array().expect("flags") {
                let action = f["action"].as_str().unwrap_or_default();
                assert!(
                    !action.trim().is_empty() && !action.contains('\n'),
                    "{what}: flag {} has no one-line action: {f}",
                    f["id"]
                );
                assert!(
                    ["critical", "warning", "info"].contains(&f["severity"].as_str().unwrap_or("")),
                    "{f}"
                );
            }
        }
        let ids = |r: &Value| -> Vec<Value> {
            r["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .map(|f| f["id"].clone())
                .collect()
        };
        let before = ids(c);
        let new: Vec<&Value> = t["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter(|f| !before.contains(&f["id"]))
            .collect();
        let n = new.iter().filter(|f| f["severity"] == *severity).count();
        if n < *least {
            failures.push(format!(
                "{what}: {n} new {severity} flag(s), want at least {least}; new flags {new:?}, control's {before:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "safety flags missing or of the wrong severity:\n{}",
        failures.join("\n")
    );
}
// ---------------------------------------------------------------------
// 5. Missing answers
// ---------------------------------------------------------------------

/// For complete sampled intakes, each answer removed in turn (absent or
/// declined, alternately). With L the complete intake's level:
/// - the partial `max_level` is at least as intensive as L;
/// - the partial `level` is at most as intensive as L (it counts only what
///   holds for certain);
/// - when L is more intensive than the partial `level`, the removed
///   question is in `could_raise`;
/// - `could_raise` is non-empty exactly when `max_level` is more intensive
///   than `level`, and lists only missing questions.
#[test]
fn a_missing_answer_never_lowers_the_level() {
    let mut checked = 0;
    let mut raised = 0;
    let mut n = 0;
    let mut intakes = 0;
    while intakes < 120 {
        let (slots, full) = sampled(10_000 + n);
        n += 1;
        if !full.complete() {
            continue;
        }
        intakes += 1;
        let l = rank_of(full.level);
        for q in 0..slots.len() {
            if !full.questions[q].used {
                continue;
            }
            let mut s = slots.clone();
            s[q] = if q % 2 == 0 {
                Slot::Declined
            } else {
                Slot::Absent
            };
            let p = engine::score_slots(rs(), &s);
            let qid = &rs().questions[q].id;
            let ctx = format!(
                "sample {} without `{qid}`: complete {}, partial level {} max {} could_raise {:?}",
                10_000 + n - 1,
                level_id(full.level),
                level_id(p.level),
                level_id(p.max_level),
                qids(&p.could_raise)
            );
            assert!(p.missing.contains(&q), "{ctx}: not reported missing");
            assert!(
                rank_of(p.max_level) <= l,
                "{ctx}: max_level below the complete level"
            );
            assert!(
                rank_of(p.level) >= l,
                "{ctx}: level above the complete level"
            );
            if rank_of(p.level) > l {
                raised += 1;
                assert!(
                    p.could_raise.contains(&q),
                    "{ctx}: the removed answer is not in could_raise"
                );
            }
            assert_eq!(p.could_raise.is_empty(), p.max_level == p.level, "{ctx}");
            assert!(p.could_raise.iter().all(|x| p.missing.contains(x)), "{ctx}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
    assert!(raised > 0, "some removal lowers the certain level");
}

#[test]
fn a_declined_deciding_answer_is_named_in_could_raise() {
    // Relapse 3 (back to use after treatment, daily cravings: php) with
    // housing declined: homeless would add the relapse + environment
    // escalation, no safe place the dangerous environment + relapse one:
    // inpatient either way.
    let mut m = fixture::with(&[
        ("prior_treatment", json!(true)),
        ("relapse_after_treatment", json!(true)),
        ("cravings", json!("daily")),
    ]);
    m.remove("housing");
    let doc = json!({"intake": 1, "id": "declined-housing", "answers": m, "declined": ["housing"]})
        .to_string();
    let out = run(&["score", "-", "--format", "json"], doc + "\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = &records(&out)[0];
    assert_eq!(r["level"], "php");
    assert_eq!(r["max_level"], "inpatient");
    assert_eq!(r["could_raise"], json!(["housing"]));
    assert_eq!(r["complete"], json!(false));
    assert_eq!(r["missing"], json!(["housing"]));
}

/// A dimension whose section is left unanswered is rated 0 for certain,
/// and `max_rating` / `max_level` show the most it could be: 4, except
/// readiness (its 4 needs danger in another dimension, here all 0) and
/// relapse (its 4 needs overdoses, asked in the physical health section):
/// 3. `max_level` is the oracle's level for those ratings (readiness and
/// the environment alone never raise it).
#[test]
fn a_section_left_unanswered_shows_what_it_could_do() {
    let max_possible: oracle::Ratings = [4, 4, 4, 3, 3, 4];
    for (d, id) in oracle::DIMENSIONS.iter().enumerate() {
        let mut s = base_slots().to_vec();
        let mut removed = Vec::new();
        for (qi, question) in rs().questions.iter().enumerate() {
            if rs().sections[question.section].dimension == Some(dim(id)) {
                s[qi] = Slot::Absent;
                removed.push(qi);
            }
        }
        assert!(!removed.is_empty(), "{id} has a section");
        let a = engine::score_slots(rs(), &s);
        let r = &a.dimensions[dim(id)];
        assert_eq!(r.rating, 0, "{id}");
        assert_eq!(r.max_rating, max_possible[d], "{id}");
        assert_eq!(level_id(a.level), "outpatient", "{id}");
        let mut mr = [0u8; 6];
        mr[d] = max_possible[d];
        let (_, maybe_intox) = intoxicated(&s, &a);
        assert_eq!(
            level_id(a.max_level),
            oracle::LEVELS[oracle::level(&mr, maybe_intox)],
            "{id}"
        );
        if a.max_level != a.level {
            assert!(!a.could_raise.is_empty(), "{id}");
        }
        assert!(
            a.could_raise.iter().all(|x| removed.contains(x)),
            "{id}: {:?}",
            qids(&a.could_raise)
        );
    }
}

// ---------------------------------------------------------------------
// 6. Monotonicity
// ---------------------------------------------------------------------

/// How to make one answer more severe.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// Integer +1 (next allowed value), single choice: next option.
    Up,
    /// Integer -1 (a higher value is the less severe answer).
    Down,
    /// yes/no: no -> yes.
    Yes,
    /// yes/no: yes -> no (the "no" answer is the severe one).
    No,
    /// Multi choice: add an option (other than `none`; for options drawn
    /// from another answer, one ticked there).
    Add,
    /// Single choice with a partial severity order: (from, to) pairs.
    Order(&'static [(&'static str, &'static str)]),
    /// No severity order (who referred, sex, main activity, free text...).
    Skip,
}

/// Every question of the default set, by meaning (a new question must be
/// classified here).
fn step(id: &str) -> Step {
    use Step::*;
    match id {
        // No severity order.
        "age" | "sex_at_birth" | "referral_source" | "primary_substance" | "employment"
        | "dependents" | "mandated_treatment" => Skip,
        // Which medication for opioid use disorder: kinds, not degrees.
        "moud_medication" => Skip,
        "reason_for_visit" | "condition_details" | "treatment_goal" => Skip,
        // Options listed least severe first; integers where more is worse.
        "pregnancy_status" | "days_used_30" | "last_use" | "ciwa_ar_total" | "cows_total"
        | "condition_status" | "eating_disorder" | "overdose_count_12m" | "functioning"
        | "suicide_risk" | "homicide_risk" | "self_harm_recent" | "psychosis_course"
        | "self_care" | "stage_of_change" | "cravings" | "housing" | "recovery_support"
        | "life_stress" => Up,
        _ if id.starts_with("phq9_") || id.starts_with("gad7_") || id.starts_with("audit_") => Up,
        // A daily sedative at the prescribed dose is worse than none; above
        // the dose, without a prescription, or stopped after weeks of daily
        // use (withdrawal) are each worse than at the prescribed dose, but
        // not ordered among themselves.
        "daily_sedative_use" => Order(&[
            ("no", "as_prescribed"),
            ("as_prescribed", "above_prescribed_dose"),
            ("as_prescribed", "without_prescription"),
            ("as_prescribed", "stopped_recently"),
        ]),
        // 10 = change is most important: lower is less ready.
        "importance_change" => Down,
        // Receiving medication for opioid use disorder, and having
        // naloxone at hand, are protective: "no" is the severe answer.
        "moud_current" | "naloxone_at_hand" => No,
        // DAST-10 item 3 is reverse scored: "no" is the severe answer.
        "dast10_3" => No,
        _ if id.starts_with("dast10_") => Yes,
        "lifetime_opioid_use"
        | "intoxicated_now"
        | "heavy_drinking_daily"
        | "heavy_alcohol_sedative_use"
        | "prescribed_opioid"
        | "daily_opioid_use"
        | "daily_fentanyl_xylazine"
        | "past_withdrawal_seizure"
        | "past_withdrawal_delirium"
        | "withdrawal_complications_now"
        | "life_threatening_now"
        | "chronic_condition"
        | "wernicke_signs"
        | "injection_use"
        | "injection_site_infection"
        | "injection_fever_or_spreading"
        | "overdose_past_year"
        | "overdose_past_30_days"
        | "lethal_means_access"
        | "identifiable_person"
        | "self_harm_serious"
        | "psychotic_symptoms"
        | "mh_history"
        | "cognitive_concerns"
        | "refuses_treatment"
        | "prior_treatment"
        | "relapse_after_treatment"
        | "released_past_30_days"
        | "opioid_use_before_stay"
        | "use_since_release"
        | "household_use"
        | "unsafe_relationships"
        | "violence_high_risk"
        | "legal_problems"
        | "children_in_care"
        | "children_exposed"
        | "transport_barrier" => Yes,
        "substances" | "substances_30d" | "psychosis_danger" => Add,
        _ => panic!("question `{id}` is not classified for the monotonicity test"),
    }
}

#[test]
fn every_question_is_classified_for_monotonicity() {
    for q in &rs().questions {
        let s = step(&q.id);
        let ok = match (&q.kind, s) {
            (_, Step::Skip)
            | (QuestionKind::YesNo, Step::Yes | Step::No)
            | (QuestionKind::Integer { .. }, Step::Up | Step::Down)
            | (QuestionKind::SingleChoice(_), Step::Up)
            | (QuestionKind::MultiChoice(_), Step::Add) => true,
            (QuestionKind::SingleChoice(o), Step::Order(pairs)) => pairs
                .iter()
                .all(|(a, b)| o.iter().any(|x| x.id == *a) && o.iter().any(|x| x.id == *b)),
            _ => false,
        };
        assert!(
            ok,
            "`{}` ({}) cannot take step {s:?}",
            q.id,
            q.kind.type_name()
        );
    }
}

/// The more severe versions of one answer.
fn raised(q: usize, slots: &[Slot]) -> Vec<Slot> {
    let question = &rs().questions[q];
    let slot = &slots[q];
    match (step(&question.id), &question.kind, slot) {
        (Step::Yes, _, Slot::Num(x)) if *x == 0.0 => vec![Slot::Num(1.0)],
        (Step::No, _, Slot::Num(x)) if *x == 1.0 => vec![Slot::Num(0.0)],
        (Step::Up, QuestionKind::SingleChoice(o), Slot::Num(x)) if (*x as usize) + 1 < o.len() => {
            vec![Slot::Num(x + 1.0)]
        }
        (Step::Order(pairs), QuestionKind::SingleChoice(o), Slot::Num(x)) => pairs
            .iter()
            .filter(|(from, _)| o[*x as usize].id == *from)
            .map(|(_, to)| Slot::Num(option(&question.id, to) as f64))
            .collect(),
        (Step::Up, QuestionKind::Integer { max, allowed, .. }, Slot::Num(x)) => match allowed {
            Some(a) => a
                .iter()
                .filter(|&&v| v as f64 > *x)
                .min()
                .map(|&v| vec![Slot::Num(v as f64)])
                .unwrap_or_default(),
            None if (*x as i64) < *max => vec![Slot::Num(x + 1.0)],
            None => vec![],
        },
        (Step::Down, QuestionKind::Integer { min, .. }, Slot::Num(x)) if (*x as i64) > *min => {
            vec![Slot::Num(x - 1.0)]
        }
        (Step::Add, QuestionKind::MultiChoice(o), Slot::Multi(m)) => {
            let none = o
                .iter()
                .position(|x| x.id == "none")
                .map_or(0, |i| 1u64 << i);
            // Options drawn from another answer: only those ticked there.
            let offered = |i: usize| match question.options_from {
                None => true,
                Some(src) => match (&slots[src], rs().questions[src].kind.options()) {
                    (Slot::Multi(sm), Some(so)) => so
                        .iter()
                        .position(|x| x.id == o[i].id)
                        .is_some_and(|j| sm & (1u64 << j) != 0),
                    _ => false,
                },
            };
            (0..o.len())
                .filter(|&i| offered(i))
                .map(|i| 1u64 << i)
                .filter(|b| *b != none && m & b == 0)
                .map(|b| Slot::Multi((m | b) & !none))
                .collect()
        }
        _ => vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    /// Raising the severity of any single answer of a sampled intake never
    /// gives a less intensive `level` (nor `max_level`), and never lowers a
    /// dimension's rating.
    #[test]
    fn raising_one_answer_never_gives_less_care(n in 0u64..1_000_000) {
        let slots = sample::intake(rs(), SEED, n).slots;
        if let Err(e) = check_raises(&slots, &format!("sample {n}")) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// Every single-answer raise of an intake: `level` and `max_level` never
/// less intensive, no rating lower.
fn check_raises(slots: &[Slot], what: &str) -> Result<(), String> {
    let before = engine::score_slots(rs(), slots);
    for q in 0..slots.len() {
        if !before.questions[q].used {
            continue;
        }
        for v in raised(q, slots) {
            let mut s = slots.to_vec();
            s[q] = v.clone();
            let after = engine::score_slots(rs(), &s);
            let (rb, ra) = (ratings(&before), ratings(&after));
            let ctx = || {
                format!(
                    "{what}: `{}` {:?} -> {v:?}: level {} -> {}, max_level {} -> {}, ratings {rb:?} -> {ra:?}",
                    rs().questions[q].id,
                    slots[q],
                    level_id(before.level),
                    level_id(after.level),
                    level_id(before.max_level),
                    level_id(after.max_level),
                )
            };
            if rank_of(after.level) > rank_of(before.level) {
                return Err(format!("less intensive level: {}", ctx()));
            }
            if rank_of(after.max_level) > rank_of(before.max_level) {
                return Err(format!("less intensive max_level: {}", ctx()));
            }
            if (0..6).any(|d| ra[d] < rb[d]) {
                return Err(format!("a lower rating: {}", ctx()));
            }
        }
    }
    Ok(())
}

/// The same for the constructed intakes of the policy-table cells (every
/// rating of every dimension, near each threshold).
#[test]
fn raising_one_answer_of_the_cell_intakes_never_gives_less_care() {
    let mut failures = Vec::new();
    for c in cells() {
        let slots = fixture::parse(&c.answers).slots;
        let what = format!("{} {} ({})", oracle::DIMENSIONS[c.dim], c.rating, c.what);
        if let Err(e) = check_raises(&slots, &what) {
            failures.push(e);
        }
    }
    // Answers that contradict each other (days of use in the past 30 with
    // no substance ticked for them), which domain.md says the rules read
    // the more severe way: ticking a substance never gives less care.
    for (what, screen) in [
        ("AUDIT 20", owned(audit(20, false))),
        ("DAST-10 6", owned(dast10(6, false))),
        ("DAST-10 9", owned(dast10(9, true))),
    ] {
        for days in [1, 4] {
            let m = fixture::with(&join(&[
                &screen,
                &cannabis(0),
                &[("days_used_30", json!(days))],
            ]));
            let slots = fixture::parse(&m).slots;
            let what = format!("{what}, days of use {days}, no substance ticked for them");
            if let Err(e) = check_raises(&slots, &what) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------
// 7. Critical flags never lower anything; the under-18 exclusion
// ---------------------------------------------------------------------

/// Answers that raise a critical flag whenever they are asked, applied to
/// sampled intakes where the question is asked: no rating, `level` or
/// `max_level` goes down, and a critical flag is raised.
#[test]
fn a_critical_flag_never_lowers_anything() {
    let choice = |id: &str, opt: &str| Slot::Num(option(id, opt) as f64);
    let triggers: Vec<(&str, Slot)> = vec![
        ("phq9_9", Slot::Num(1.0)),
        ("phq9_9", Slot::Num(3.0)),
        ("suicide_risk", choice("suicide_risk", "thoughts_no_intent")),
        ("suicide_risk", choice("suicide_risk", "intent_with_plan")),
        (
            "homicide_risk",
            choice("homicide_risk", "thoughts_no_intent"),
        ),
        ("homicide_risk", choice("homicide_risk", "intent_no_plan")),
        (
            "self_harm_recent",
            choice("self_harm_recent", "past_30_days"),
        ),
        (
            "daily_sedative_use",
            choice("daily_sedative_use", "above_prescribed_dose"),
        ),
        ("withdrawal_complications_now", Slot::Num(1.0)),
        ("ciwa_ar_total", Slot::Num(16.0)),
        ("ciwa_ar_total", Slot::Num(67.0)),
        ("cows_total", Slot::Num(37.0)),
        ("life_threatening_now", Slot::Num(1.0)),
        ("overdose_past_30_days", Slot::Num(1.0)),
        ("housing", choice("housing", "no_safe_place")),
    ];
    let mut applied = 0;
    for n in 0..250 {
        let (slots, before) = sampled(20_000 + n);
        for (id, v) in &triggers {
            let qi = q(id);
            if before.questions[qi].applicable != Tri::True {
                continue;
            }
            // Only where the trigger is at least as severe as the answer.
            if let (Slot::Num(old), Slot::Num(new)) = (&slots[qi], v) {
                if old >= new {
                    continue;
                }
            }
            let mut s = slots.clone();
            s[qi] = v.clone();
            let after = engine::score_slots(rs(), &s);
            let ctx = format!("sample {}: `{id}` {:?} -> {v:?}", 20_000 + n, slots[qi]);
            assert!(
                !critical_flags(&after).is_empty(),
                "{ctx}: no critical flag"
            );
            assert!(
                rank_of(after.level) <= rank_of(before.level),
                "{ctx}: level lowered"
            );
            // A declined answer could have been the most severe; once it is
            // given, what it could have raised may no longer be possible.
            if slots[qi].is_answer() {
                assert!(
                    rank_of(after.max_level) <= rank_of(before.max_level),
                    "{ctx}: max_level lowered"
                );
            }
            let (rb, ra) = (ratings(&before), ratings(&after));
            assert!(
                (0..6).all(|d| ra[d] >= rb[d]),
                "{ctx}: ratings {rb:?} -> {ra:?}"
            );
            applied += 1;
        }
    }
    assert!(applied > 500, "{applied}");
}
#[test]
fn under_18_is_excluded_with_an_error_record_and_exit_1() {
    let line = |age: i64| {
        document(
            &format!("age-{age}"),
            &fixture::with(&[("age", json!(age))]),
        ) + "\n"
    };
    // Alone: exit 1 and the `excluded` record, never a level.
    let out = run(&["score", "-", "--format", "json"], line(17));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["code"], "excluded");
    assert!(recs[0]["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(recs[0].get("level").is_none(), "{}", recs[0]);

    // The edge: 17 and 0 excluded, 18 scored; still exit 1 for the batch.
    let out = run(
        &["score", "-", "--format", "json"],
        line(0) + &line(17) + &line(18) + &line(120),
    );
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[0]["code"], "excluded");
    assert_eq!(recs[1]["code"], "excluded");
    assert_eq!(recs[2]["level"], "outpatient");
    assert!(recs[2].get("error").is_none());
    assert_eq!(recs[3]["level"], "outpatient");

    // Library: the exclusion holds whatever the other answers.
    let a = assess(&fixture::with(&[
        ("age", json!(17)),
        ("suicide_risk", json!("intent_with_plan")),
    ]));
    assert_eq!(a.excluded.len(), 1);
    let a = assess(&fixture::with(&[("age", json!(18))]));
    assert!(a.excluded.is_empty() && a.possibly_excluded.is_empty());
}

// ---------------------------------------------------------------------
// Exclusive options, options drawn from another answer, overrides and
// flag actions
// ---------------------------------------------------------------------

const EXCLUSIVE: &str = "`substances`: an exclusive option is ticked together with other options";

/// Writes `text` as `name` in a new temporary folder.
fn temp_intake(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write intake");
    let path = path.to_str().expect("UTF-8 path").to_string();
    (dir, path)
}

#[test]
fn an_exclusive_option_ticked_with_another_is_an_error_in_score_explain_and_diff() {
    // A YAML file: the error record points at the answer.
    let (_dir, path) = temp_intake(
        "exclusive.yaml",
        "intake: 1\nid: \"x-1\"\nanswers:\n  age: 40\n  substances: [none, alcohol]\n",
    );
    let out = run(&["score", "--format", "json", &path], String::new());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        records(&out),
        vec![
            json!({"source": path, "id": "x-1", "error": EXCLUSIVE, "code": "exclusive-option", "line": 5, "column": 15})
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{path}:5:15: error[exclusive-option]: {EXCLUSIVE}"
        )),
        "{stderr}"
    );
    // The message never holds an answer value.
    assert!(
        !stderr.contains("alcohol") && !stderr.contains("none,"),
        "{stderr}"
    );

    // `none` alone, and other options without it, are fine.
    let (_dir2, alone) = temp_intake(
        "none.yaml",
        "intake: 1\nanswers:\n  age: 40\n  substances: [none]\n",
    );
    let out = run(&["score", "--format", "json", &alone], String::new());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(records(&out)[0]["level"], "outpatient");

    // `explain` refuses it the same way.
    let out = run(&["explain", &path], String::new());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!("{path}:5:15: error[exclusive-option]: {EXCLUSIVE}")
    );

    // `rules diff` lists it among the intakes neither rule set can read.
    let out = run(
        &[
            "rules",
            "diff",
            "rules",
            "rules",
            "--intakes",
            &path,
            "--format",
            "json",
        ],
        String::new(),
    );
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let error = json!({"code": "exclusive-option", "error": EXCLUSIVE, "line": 5, "column": 15});
    assert_eq!(
        v["uninterpretable"],
        json!([{"source": path, "old": error, "new": error}])
    );
}

#[test]
fn an_exclusive_option_on_standard_input_is_an_error_record_with_its_place() {
    // The JSON fast path gives up on it; the full reader gives the place.
    let good = document("ok", &base()) + "\n";
    let bad = document(
        "exclusive",
        &fixture::with(&[("substances", json!(["alcohol", "none"]))]),
    );
    let column = bad.find("\"substances\":").expect("substances") + "\"substances\":".len() + 1;
    let out = run(&["score", "-", "--format", "json"], good + &bad + "\n");
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["level"], "outpatient");
    assert_eq!(
        recs[1],
        json!({"source": "stdin:2", "id": "exclusive", "error": EXCLUSIVE, "code": "exclusive-option", "line": 2, "column": column})
    );
}

#[test]
fn an_answer_outside_the_options_ticked_in_its_source_is_a_warning() {
    let warning = "`primary_substance`: the answer is not among the options ticked in `substances` (`options_from`); the two answers contradict each other";
    // `substances` is [alcohol, opioids] in the base intake.
    let out = run(
        &["score", "-", "--format", "json"],
        document("ok", &base())
            + "\n"
            + &document(
                "contradiction",
                &fixture::with(&[("primary_substance", json!("stimulants"))]),
            )
            + "\n"
            + &document(
                "source-declined",
                &fixture::with(&[
                    ("primary_substance", json!("stimulants")),
                    ("substances", Value::Null),
                ]),
            )
            + "\n",
    );
    assert_eq!(out.status.code(), Some(0), "a warning, not an error");
    let recs = records(&out);
    let has = |r: &Value| {
        r["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w == warning)
    };
    assert!(!has(&recs[0]), "{}", recs[0]);
    assert!(has(&recs[1]), "{}", recs[1]);
    assert_eq!(recs[1]["level"], recs[0]["level"]);
    assert!(!has(&recs[2]), "no source answer, no contradiction");
}

#[test]
fn an_override_needs_a_reason_that_is_not_no_override() {
    // The base intake is recommended `outpatient`.
    let file = |placement: &str| {
        let mut text = String::from("intake: 1\nanswers:\n");
        for (k, v) in base() {
            text.push_str(&format!("  {k}: {v}\n"));
        }
        let line = text.lines().count() as u32 + 1;
        text.push_str(placement);
        (text, line)
    };
    let score = |text: &str| {
        let (_dir, path) = temp_intake("intake.yaml", text);
        let out = run(&["score", "--format", "json", &path], String::new());
        let rec = records(&out).remove(0);
        (out.status.code(), rec)
    };

    // No reason.
    let (text, line) = file("placement:\n  level: iop\n");
    let (code, rec) = score(&text);
    assert_eq!(code, Some(1));
    assert_eq!(rec["code"], "override-without-reason");
    assert_eq!(
        rec["error"],
        "`placement.level` differs from the recommended level, and the placement has no `reason`: an override needs one of the rule set's override reasons"
    );
    assert_eq!(
        (rec["line"].clone(), rec["column"].clone()),
        (json!(line), json!(1))
    );

    // `not_applicable` means no override: an error at the reason.
    let (text, line) = file("placement:\n  level: iop\n  reason: not_applicable\n");
    let (code, rec) = score(&text);
    assert_eq!(code, Some(1));
    assert_eq!(rec["code"], "override-without-reason");
    assert_eq!(
        rec["error"],
        "`placement.level` differs from the recommended level, but `placement.reason` is `not_applicable`, which means no override: give the reason for the override"
    );
    assert_eq!(
        (rec["line"].clone(), rec["column"].clone()),
        (json!(line + 2), json!(11))
    );

    // A reason: scored, an override with its reason.
    let (text, _) = file("placement:\n  level: iop\n  reason: client_preference\n");
    let (code, rec) = score(&text);
    assert_eq!(code, Some(0));
    assert_eq!(rec["overridden"], true);
    assert_eq!(rec["placement"]["reason"], "client_preference");

    // At the recommended level, `not_applicable` (or no reason) is fine.
    for p in [
        "placement:\n  level: outpatient\n  reason: not_applicable\n",
        "placement:\n  level: outpatient\n",
    ] {
        let (text, _) = file(p);
        let (code, rec) = score(&text);
        assert_eq!(code, Some(0), "{p}");
        assert_eq!(rec["overridden"], false, "{p}");
    }
    // The printable summary calls only an override an override.
    let (text, _) = file("placement:\n  level: outpatient\n  reason: not_applicable\n");
    let (_dir, path) = temp_intake("intake.yaml", &text);
    let out = run(&["score", "--format", "markdown", &path], String::new());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("**Placement made:** Outpatient\n"), "{md}");
    let (text, _) = file("placement:\n  level: iop\n  reason: client_preference\n");
    let (_dir, path) = temp_intake("intake.yaml", &text);
    let out = run(&["score", "--format", "markdown", &path], String::new());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("**Placement made:** Intensive outpatient (override: Client preference)\n"),
        "{md}"
    );

    // Placed at the level the tool recommended then (stored), which the
    // rules now rate differently: no override, no reason needed.
    let (text, _) = file("recommendation: {level: iop, supports: []}\nplacement:\n  level: iop\n");
    let (code, rec) = score(&text);
    assert_eq!(code, Some(0), "{rec}");
    assert_eq!(rec["level"], "outpatient");
    assert_eq!(rec["overridden"], false);
    assert_eq!(rec["recommendation_changed"], true);
    // ... but a third level is an override of both.
    let (text, _) = file("recommendation: {level: iop, supports: []}\nplacement:\n  level: php\n");
    let (code, rec) = score(&text);
    assert_eq!(code, Some(1));
    assert_eq!(rec["code"], "override-without-reason");

    // JSON Lines: the place of `placement` on its line.
    let line =
        json!({"intake": 1, "answers": base(), "placement": {"level": "inpatient"}}).to_string();
    let column = line.find("\"placement\"").expect("placement") as u64 + 1;
    let out = run(&["score", "-", "--format", "json"], line + "\n");
    assert_eq!(out.status.code(), Some(1));
    let rec = records(&out).remove(0);
    assert_eq!(rec["code"], "override-without-reason");
    assert_eq!(
        (rec["line"].clone(), rec["column"].clone()),
        (json!(1), json!(column))
    );

    // The batch summary counts overrides by reason only.
    let out = run(
        &["score", "-", "--format", "jsonl", "--summary"],
        json!({"intake": 1, "answers": base(), "placement": {"level": "iop", "reason": "client_preference"}}).to_string() + "\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("override: client_preference"), "{summary}");
    assert!(!summary.contains("no reason"), "{summary}");
}

#[test]
fn acknowledged_flag_actions_and_notes_round_trip_through_the_writer() {
    use placement::intake::{self, AckFlag};
    use placement::yaml::Limits;
    let text = json!({
        "intake": 1,
        "answers": base(),
        "acknowledged_flags": [
            {"id": "self_harm_thoughts", "at": "2026-11-26T14:12:00Z", "by": "staff-17", "action": "safety_plan", "note": "Plan agreed with the client."},
            {"id": "severe_withdrawal_risk", "action": "other", "note": "Nurse on site."},
            {"id": "medical_emergency", "by": "staff-17"},
        ],
    })
    .to_string();
    let read =
        intake::parse(&text, rs(), &Limits::INTAKE).unwrap_or_else(|e| panic!("{}", e.message()));
    assert_eq!(
        read.acknowledged_flags,
        vec![
            AckFlag {
                id: "self_harm_thoughts".into(),
                at: Some("2026-11-26T14:12:00Z".into()),
                by: Some("staff-17".into()),
                action: Some("safety_plan".into()),
                note: Some("Plan agreed with the client.".into()),
            },
            AckFlag {
                id: "severe_withdrawal_risk".into(),
                at: None,
                by: None,
                action: Some("other".into()),
                note: Some("Nurse on site.".into()),
            },
            AckFlag {
                id: "medical_emergency".into(),
                at: None,
                by: Some("staff-17".into()),
                action: None,
                note: None,
            },
        ]
    );
    // Written back: action then note, after by; read again, the same.
    let written = intake::to_json(rs(), &read);
    let first = written["acknowledged_flags"][0]
        .as_object()
        .expect("an object");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["id", "at", "by", "action", "note"]
    );
    for text in [
        serde_json::to_string(&written).expect("JSON"),
        serde_saphyr::to_string(&written).expect("YAML"),
    ] {
        let back = intake::parse(&text, rs(), &Limits::INTAKE)
            .unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
        assert_eq!(back, read, "{text}");
    }
}

#[test]
fn an_unknown_flag_action_or_a_missing_note_is_an_error() {
    let ack = |entry: &str| {
        let mut text = String::from("intake: 1\nanswers:\n");
        for (k, v) in base() {
            text.push_str(&format!("  {k}: {v}\n"));
        }
        let line = text.lines().count() as u32 + 2;
        text.push_str("acknowledged_flags:\n");
        text.push_str(entry);
        let (_dir, path) = temp_intake("ack.yaml", &text);
        let out = run(&["score", "--format", "json", &path], String::new());
        (out.status.code(), records(&out).remove(0), line)
    };
    let entry = "  - {id: self_harm_thoughts, action: safty_plan}\n";
    let column = entry.find("safty_plan").expect("action") + 1;
    let (code, rec, line) = ack(entry);
    assert_eq!(code, Some(1));
    assert_eq!(
        rec,
        json!({
            "source": rec["source"],
            "error": "the `action` of an acknowledged flag is not a flag action of rule set `default`; did you mean `safety_plan`?",
            "code": "unknown-action",
            "line": line,
            "column": column,
        })
    );
    // A free-text action is never repeated, nor guessed at.
    let (code, rec, _) = ack("  - {id: self_harm_thoughts, action: \"Called Mr Smith\"}\n");
    assert_eq!(code, Some(1));
    assert_eq!(
        rec["error"],
        "the `action` of an acknowledged flag is not a flag action of rule set `default`"
    );
    // `other` needs a note.
    let (code, rec, line) = ack("  - {id: self_harm_thoughts, action: other}\n");
    assert_eq!(code, Some(1));
    assert_eq!(rec["code"], "missing-field");
    assert_eq!(rec["error"], "flag action `other` needs a `note`");
    assert_eq!(
        (rec["line"].clone(), rec["column"].clone()),
        (json!(line), json!(5))
    );
    let (code, rec, _) =
        ack("  - {id: self_harm_thoughts, action: other, note: \"Nurse on site.\"}\n");
    assert_eq!(code, Some(0), "{rec}");
}

#[test]
fn sampled_intakes_respect_exclusive_options_options_from_and_override_reasons() {
    let none = 1u64 << option("substances", "none");
    let (mut overrides, mut drawn) = (0, 0);
    for n in 0..3000 {
        let it = sample::intake(rs(), SEED, n);
        if let Slot::Multi(m) = it.slots[q("substances")] {
            assert!(m & none == 0 || m == none, "sample {n}: {m:b}");
        }
        let a = engine::score(rs(), &it);
        assert!(
            !a.warnings
                .iter()
                .any(|w| w.text(rs()).contains("options_from")),
            "sample {n}: {:?}",
            a.warnings
        );
        drawn += usize::from(it.slots[q("primary_substance")].is_answer());
        if let Some(p) = &it.placement {
            if p.level != a.level {
                overrides += 1;
                let r = p.reason.expect("an override has a reason");
                assert!(!rs().override_reasons[r].no_override, "sample {n}");
            }
        }
    }
    assert!(overrides > 50 && drawn > 500, "{overrides} {drawn}");
}

#[test]
fn rules_show_lists_exclusive_options_options_from_no_override_and_flag_actions() {
    let out = run(&["rules", "show", "--format", "json"], String::new());
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let question = |id: &str| {
        v["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .find(|q| q["id"] == id)
            .cloned()
            .expect("question")
    };
    assert_eq!(question("substances")["exclusive_options"], json!(["none"]));
    assert_eq!(question("primary_substance")["options_from"], "substances");
    assert!(question("housing").get("options_from").is_none());
    let reasons = v["override_reasons"].as_array().expect("reasons");
    assert_eq!(
        reasons[0],
        json!({"id": "not_applicable", "label": "Not applicable", "note_required": false, "no_override": true})
    );
    assert_eq!(
        reasons.iter().filter(|r| r["no_override"] == true).count(),
        1
    );
    let actions: Vec<(String, bool)> = v["flag_actions"]
        .as_array()
        .expect("flag actions")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().expect("id").to_string(),
                a["note_required"].as_bool().expect("bool"),
            )
        })
        .collect();
    let ids: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        ids,
        [
            "safety_plan",
            "clinician_informed",
            "emergency_services",
            "medical_referral",
            "already_in_place",
            "other"
        ]
    );
    let with_note: Vec<&str> = actions
        .iter()
        .filter(|(_, n)| *n)
        .map(|(a, _)| a.as_str())
        .collect();
    assert_eq!(with_note, ["already_in_place", "other"]);
    for f in v["flags"].as_array().expect("flags") {
        let expected = if f["severity"] == "critical" {
            json!(ids)
        } else {
            json!([])
        };
        assert_eq!(f["actions"], expected, "{f}");
    }
}
