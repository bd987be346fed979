//! Tests of the embedded default rule set against `../shared/domain.md`.
//!
//! Every expected value here comes from the oracle in `tests/common` (the
//! instrument scoring and bands, the policy table, the escalations and the
//! rubric's instrument lower bounds, hard-coded from domain.md), never from
//! the rule files. Level ranks count from the most intensive level (0 =
//! `inpatient`), so "at least as intensive" is "rank at most".
//!
//! 1. instruments: every band edge through `placement score - --format
//!    json`, random item answers against the oracle sums (proptest);
//! 2. the policy table: every cell by constructed intakes, the compiled
//!    minimums and escalations (escalations exhaustively over all rating
//!    vectors), and `level` recomputed from the reported ratings for
//!    thousands of sampled intakes;
//! 3. examples: every example scores to the level its comment states;
//!    every level reachable;
//! 4. the rubric's instrument lower bounds and critical flags, exactly;
//! 5. missing answers: removing any one answer of a complete intake;
//! 6. monotonicity: raising any one answer never gives less care;
//! 7. critical flags never lower anything; the under-18 exclusion.

mod common;

use common::fixture::{self, *};
use common::oracle::{self, Bands};
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

/// AUDIT answers adding up to `total`: items 9 and 10 take only 0, 2 or 4;
/// `last_first` puts as much as it can on items 9 and 10.
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
    v.push(a9);
    v.push(a10);
    items("audit_", &v)
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

fn with_owned(v: &[(String, Value)], more: &[(&str, Value)]) -> Map<String, Value> {
    let mut m = fixture::with(&changes(v));
    fixture::apply(&mut m, more);
    m
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
    assert!(critical_flags(&a).is_empty(), "{:?}", critical_flags(&a));
    assert!(a.excluded.is_empty());
    for (id, _) in oracle::INSTRUMENTS {
        assert_eq!(instrument(&a, id), (Some(0), Some(oracle::bands(id)[0].0)));
    }
}

// ---------------------------------------------------------------------
// 1. Instruments: band edges through the CLI, random totals
// ---------------------------------------------------------------------

struct EdgeCase {
    id: String,
    instrument: &'static str,
    total: i64,
    band: &'static str,
    answers: Map<String, Value>,
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
    // CIWA-Ar is asked with alcohol or sedative use, COWS with opioid use
    // (the base intake has alcohol and opioids); recent use as well.
    for t in edges(oracle::CIWA_AR_BANDS) {
        for subst in [json!(["alcohol"]), json!(["sedatives"])] {
            let mut m = fixture::with(&[
                ("ciwa_ar_total", json!(t)),
                ("last_use", json!("within_72_hours")),
                ("substances", subst.clone()),
                ("primary_substance", json!(subst[0])),
                ("cows_total", Value::Null),
                ("moud_current", Value::Null),
                ("daily_opioid_use", Value::Null),
            ]);
            // `injection_use` is asked with sedatives, not with alcohol alone.
            if subst[0] == "alcohol" {
                m.remove("injection_use");
            }
            push("ciwa_ar", t, subst[0].as_str().expect("id"), m);
        }
    }
    for t in edges(oracle::COWS_BANDS) {
        push(
            "cows",
            t,
            "opioids",
            fixture::with(&[
                ("cows_total", json!(t)),
                ("last_use", json!("within_72_hours")),
            ]),
        );
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
    // One more line: PHQ-9 with item 9 declined has no total.
    let mut partial = fixture::with(
        &phq9(12, false)
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect::<Vec<_>>(),
    );
    partial.remove("phq9_9");
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

    let out = run(&["score", "-", "--format", "json"], stdin);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), cases.len() + 1);
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
        // And every other instrument of the record, by the oracle sums.
        for (id, bands) in oracle::INSTRUMENTS {
            let inst = &r["instruments"][id];
            match oracle::total(id, &JsonAnswers(&c.answers)) {
                Some(t) => {
                    assert_eq!(inst["total"], json!(t), "{}: {id}", c.id);
                    assert_eq!(
                        inst["band"],
                        json!(oracle::band(bands, t).1),
                        "{}: {id}",
                        c.id
                    );
                }
                // Not asked (skip logic): no total.
                None => assert_eq!(inst["total"], Value::Null, "{}: {id}", c.id),
            }
        }
    }
    let last = recs.last().expect("record");
    assert_eq!(last["instruments"]["phq9"]["total"], Value::Null);
    assert_eq!(last["instruments"]["phq9"]["band"], Value::Null);
    assert_eq!(last["instruments"]["phq9"]["missing"], json!(["phq9_9"]));
}

/// AUDIT items 9 and 10 take only 0, 2 or 4; other values are refused, not
/// scored.
#[test]
fn audit_items_9_and_10_take_only_0_2_or_4() {
    for item in ["audit_9", "audit_10"] {
        for v in 0..=4 {
            let text = document("t", &fixture::with(&[(item, json!(v))]));
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

/// Item answers for all six instruments.
#[derive(Debug, Clone)]
struct Items {
    phq9: Vec<i64>,
    gad7: Vec<i64>,
    audit: Vec<i64>,
    dast10: Vec<bool>,
    ciwa: i64,
    cows: i64,
}

fn items_strategy() -> impl Strategy<Value = Items> {
    (
        prop::collection::vec(0i64..=3, 9),
        prop::collection::vec(0i64..=3, 7),
        prop::collection::vec(0i64..=4, 8),
        prop::collection::vec(prop::sample::select(vec![0i64, 2, 4]), 2),
        prop::collection::vec(any::<bool>(), 10),
        0i64..=67,
        0i64..=48,
    )
        .prop_map(|(phq9, gad7, mut audit, a910, dast10, ciwa, cows)| {
            audit.extend(a910);
            Items {
                phq9,
                gad7,
                audit,
                dast10,
                ciwa,
                cows,
            }
        })
}

fn items_slots(it: &Items) -> Vec<Slot> {
    let mut s = base_slots().to_vec();
    for (i, x) in it.phq9.iter().enumerate() {
        set_num(&mut s, &format!("phq9_{}", i + 1), *x);
    }
    for (i, x) in it.gad7.iter().enumerate() {
        set_num(&mut s, &format!("gad7_{}", i + 1), *x);
    }
    for (i, x) in it.audit.iter().enumerate() {
        set_num(&mut s, &format!("audit_{}", i + 1), *x);
    }
    for (i, x) in it.dast10.iter().enumerate() {
        set_num(&mut s, &format!("dast10_{}", i + 1), *x as i64);
    }
    set_num(&mut s, "ciwa_ar_total", it.ciwa);
    set_num(&mut s, "cows_total", it.cows);
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random item answers: totals and bands are the published scoring
    /// (summed independently here; DAST-10 item 3 reverse scored), and the
    /// ratings honour the rubric's instrument lower bounds.
    #[test]
    fn random_item_answers_total_and_band_like_the_published_scoring(it in items_strategy()) {
        let phq9: i64 = it.phq9.iter().sum();
        let gad7: i64 = it.gad7.iter().sum();
        let audit: i64 = it.audit.iter().sum();
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
        let b = oracle::lower_bounds(
            Some(phq9), Some(gad7), Some(audit), Some(dast10), Some(it.ciwa), Some(it.cows),
            Some(it.phq9[8]),
        );
        let r = ratings(&a);
        prop_assert!(r[oracle::WITHDRAWAL] >= b.withdrawal, "withdrawal {:?}", r);
        prop_assert!(r[oracle::EMOTIONAL] >= b.emotional, "emotional {:?}", r);
        prop_assert!(r[oracle::RELAPSE] >= b.relapse, "relapse {:?}", r);
        prop_assert_eq!(oracle::level(&r), rank_of(a.level));
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
    let mut instruments: Vec<&str> = rs.instruments.iter().map(|i| i.id.as_str()).collect();
    instruments.sort();
    let mut want: Vec<&str> = oracle::INSTRUMENTS.iter().map(|(id, _)| *id).collect();
    want.sort();
    assert_eq!(instruments, want);
}

/// Evaluates conditions that read only dimension ratings.
struct RatingsEnv([u8; 6]);

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
            other => panic!("an escalation reads {other:?}, not only ratings"),
        }
    }
    fn multi(&self, _: u32) -> Multi {
        panic!("an escalation reads an answer")
    }
    fn answered(&self, _: u32) -> Tri {
        panic!("an escalation reads an answer")
    }
    fn missing(&self, _: u32) -> Tri {
        panic!("an escalation reads an answer")
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

/// The compiled escalations, over all 5^6 rating vectors: exactly the three
/// of domain.md, one each, all `inpatient`.
#[test]
fn compiled_escalations_match_domain_exhaustively() {
    let rs = rs();
    assert_eq!(rs.escalations.len(), oracle::ESCALATIONS.len());
    for e in &rs.escalations {
        assert_eq!(rs.levels[e.level].id, "inpatient", "escalation {}", e.id);
    }
    // For each compiled escalation, the domain escalations it agrees with
    // on every rating vector.
    let mut agrees = vec![[true; 3]; rs.escalations.len()];
    for r in all_rating_vectors() {
        let want = oracle::escalations(&r);
        for (i, e) in rs.escalations.iter().enumerate() {
            let got = e.when.eval(&RatingsEnv(r));
            assert_ne!(got, Tri::Unknown, "{} on known ratings", e.id);
            for (j, w) in want.iter().enumerate() {
                if (got == Tri::True) != *w {
                    agrees[i][j] = false;
                }
            }
        }
    }
    for j in 0..3 {
        let n = agrees.iter().filter(|a| a[j]).count();
        assert_eq!(
            n,
            1,
            "domain escalation `{}` is compiled {n} times",
            oracle::ESCALATIONS[j]
        );
    }
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

fn cell_owned(
    dim: usize,
    rating: u8,
    what: &'static str,
    v: &[(String, Value)],
    more: &[(&str, Value)],
) -> Cell {
    Cell {
        dim,
        rating,
        what,
        answers: with_owned(v, more),
        others: Vec::new(),
    }
}

/// Answers that rate one dimension at each rating 0..=4 (by the rubric of
/// domain.md), every other dimension 0 unless stated.
fn cells() -> Vec<Cell> {
    use oracle::*;
    let recent = ("last_use", json!("within_72_hours"));
    let mut v = Vec::new();
    for d in 0..6 {
        v.push(cell(d, 0, "base intake", &[]));
    }
    // withdrawal
    v.push(cell(
        WITHDRAWAL,
        1,
        "recent use, CIWA-Ar minimal, COWS mild",
        &[
            recent.clone(),
            ("ciwa_ar_total", json!(9)),
            ("cows_total", json!(12)),
        ],
    ));
    v.push(cell(
        WITHDRAWAL,
        1,
        "use 3-7 days ago, no withdrawal signs",
        &[("last_use", json!("days_3_to_7"))],
    ));
    v.push(cell(
        WITHDRAWAL,
        2,
        "CIWA-Ar moderate (10)",
        &[recent.clone(), ("ciwa_ar_total", json!(10))],
    ));
    v.push(cell(
        WITHDRAWAL,
        2,
        "CIWA-Ar moderate (18)",
        &[recent.clone(), ("ciwa_ar_total", json!(18))],
    ));
    v.push(cell(
        WITHDRAWAL,
        2,
        "COWS moderate (13)",
        &[recent.clone(), ("cows_total", json!(13))],
    ));
    v.push(cell(
        WITHDRAWAL,
        2,
        "COWS moderate (24)",
        &[recent.clone(), ("cows_total", json!(24))],
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "CIWA-Ar severe (19)",
        &[recent.clone(), ("ciwa_ar_total", json!(19))],
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "COWS moderately severe (25)",
        &[recent.clone(), ("cows_total", json!(25))],
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "COWS moderately severe (36)",
        &[recent.clone(), ("cows_total", json!(36))],
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "past seizure with heavy use",
        &[
            recent.clone(),
            ("heavy_alcohol_sedative_use", json!(true)),
            ("past_withdrawal_seizure", json!(true)),
        ],
    ));
    v.push(cell(
        WITHDRAWAL,
        3,
        "past delirium with heavy use",
        &[
            recent.clone(),
            ("heavy_alcohol_sedative_use", json!(true)),
            ("past_withdrawal_delirium", json!(true)),
        ],
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "COWS severe (37)",
        &[recent.clone(), ("cows_total", json!(37))],
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "COWS severe (48)",
        &[recent.clone(), ("cows_total", json!(48))],
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "CIWA-Ar severe with past seizure",
        &[
            recent.clone(),
            ("ciwa_ar_total", json!(19)),
            ("past_withdrawal_seizure", json!(true)),
        ],
    ));
    v.push(cell(
        WITHDRAWAL,
        4,
        "CIWA-Ar severe with past delirium",
        &[
            recent.clone(),
            ("ciwa_ar_total", json!(67)),
            ("past_withdrawal_delirium", json!(true)),
        ],
    ));
    // biomedical
    let chronic = |status: &str| {
        vec![
            ("chronic_condition", json!(true)),
            ("condition_details", json!("Type 2 diabetes, metformin.")),
            ("condition_status", json!(status)),
        ]
    };
    v.push(cell(
        BIOMEDICAL,
        1,
        "stable chronic condition",
        &chronic("stable"),
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
        "pregnancy with current use",
        &[
            ("sex_at_birth", json!("female")),
            ("pregnancy_status", json!("pregnant")),
            ("days_used_30", json!(4)),
            ("last_use", json!("days_8_to_30")),
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
        4,
        "life-threatening condition now",
        &[("life_threatening_now", json!(true))],
    ));
    // emotional
    v.push(cell_owned(
        EMOTIONAL,
        1,
        "PHQ-9 mild (5)",
        &phq9(5, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        1,
        "PHQ-9 mild (9)",
        &phq9(9, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        1,
        "GAD-7 mild (5)",
        &gad7(5, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        1,
        "GAD-7 mild (9)",
        &gad7(9, true),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        2,
        "PHQ-9 moderate (10)",
        &phq9(10, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        2,
        "GAD-7 moderate (10)",
        &gad7(10, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        2,
        "GAD-7 severe (21)",
        &gad7(21, false),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        2,
        "PHQ-9 item 9 = 1, PHQ-9 minimal",
        &phq9_with_item9(1, 1),
        &[],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        2,
        "PHQ-9 moderately severe without impaired functioning",
        &phq9_with_item9(15, 0),
        &[],
    ));
    v.push(cell(
        EMOTIONAL,
        3,
        "psychotic symptoms",
        &[("psychotic_symptoms", json!(true))],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        3,
        "PHQ-9 moderately severe (15), very difficult",
        &phq9_with_item9(15, 0),
        &[("functioning", json!("very_difficult"))],
    ));
    v.push(cell_owned(
        EMOTIONAL,
        3,
        "PHQ-9 severe (24), extremely difficult",
        &phq9_with_item9(24, 0),
        &[("functioning", json!("extremely_difficult"))],
    ));
    v.push(cell(
        EMOTIONAL,
        4,
        "suicidal intent with a plan",
        &[("suicide_risk", json!("intent_with_plan"))],
    ));
    v.push(cell(
        EMOTIONAL,
        4,
        "homicidal intent with a plan",
        &[("homicide_risk", json!("intent_with_plan"))],
    ));
    v.push(cell(
        EMOTIONAL,
        4,
        "self-harm in the past 30 days",
        &[("self_harm_recent", json!("past_30_days"))],
    ));
    // readiness
    v.push(cell(
        READINESS,
        0,
        "action",
        &[("stage_of_change", json!("action"))],
    ));
    v.push(cell(
        READINESS,
        1,
        "preparation",
        &[("stage_of_change", json!("preparation"))],
    ));
    v.push(cell(
        READINESS,
        2,
        "contemplation",
        &[("stage_of_change", json!("contemplation"))],
    ));
    v.push(cell(
        READINESS,
        3,
        "precontemplation",
        &[("stage_of_change", json!("precontemplation"))],
    ));
    let mut c = cell(
        READINESS,
        4,
        "refuses all treatment with a medical emergency",
        &[
            ("refuses_treatment", json!(true)),
            ("life_threatening_now", json!(true)),
        ],
    );
    c.others = vec![(BIOMEDICAL, 4)];
    v.push(c);
    let mut c = cell(
        READINESS,
        4,
        "refuses all treatment with suicidal intent and a plan",
        &[
            ("refuses_treatment", json!(true)),
            ("suicide_risk", json!("intent_with_plan")),
        ],
    );
    c.others = vec![(EMOTIONAL, 4)];
    v.push(c);
    // relapse
    for (r, t) in [(0, 7), (1, 8), (1, 15), (2, 16), (2, 19), (3, 20), (3, 40)] {
        for last_first in [false, true] {
            v.push(cell_owned(
                RELAPSE,
                r,
                "AUDIT band edge",
                &audit(t, last_first),
                &[],
            ));
        }
    }
    for (r, t) in [
        (1, 1),
        (1, 2),
        (2, 3),
        (2, 5),
        (3, 6),
        (3, 8),
        (4, 9),
        (4, 10),
    ] {
        v.push(cell_owned(
            RELAPSE,
            r,
            "DAST-10 band edge",
            &dast10(t, true),
            &[],
        ));
    }
    v.push(cell(
        RELAPSE,
        3,
        "relapse after prior treatment with daily cravings",
        &[
            ("prior_treatment", json!(true)),
            ("relapse_after_treatment", json!(true)),
            ("cravings", json!("daily")),
        ],
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
        2,
        "housing at risk",
        &[("housing", json!("at_risk"))],
    ));
    v.push(cell(
        ENVIRONMENT,
        2,
        "temporary housing",
        &[("housing", json!("temporary"))],
    ));
    v.push(cell(
        ENVIRONMENT,
        2,
        "no support",
        &[("recovery_support", json!("no_one"))],
    ));
    v.push(cell(
        ENVIRONMENT,
        3,
        "homeless",
        &[("housing", json!("homeless"))],
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
        "no safe place",
        &[("housing", json!("no_safe_place"))],
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
        assert!(a.complete(), "{}: missing {:?}", c.what, qids(&a.missing));
        assert!(a.warnings.is_empty(), "{}: {:?}", c.what, a.warnings);
        let mut want = [0u8; 6];
        want[c.dim] = c.rating;
        for (d, r) in &c.others {
            want[*d] = *r;
        }
        let got = ratings(&a);
        let dname = oracle::DIMENSIONS[c.dim];
        if got != want {
            failures.push(format!(
                "{dname} {} ({}): ratings {got:?}, want {want:?}",
                c.rating, c.what
            ));
            continue;
        }
        covered.insert((c.dim, c.rating));
        let min_level = level_id(a.dimensions[dim(dname)].min_level);
        assert_eq!(
            min_level,
            oracle::MINIMUMS[c.dim][c.rating as usize],
            "{dname} {}",
            c.rating
        );
        assert_eq!(
            oracle::LEVELS[rank_of(a.level)],
            oracle::LEVELS[oracle::level(&want)],
            "{}",
            c.what
        );
        if c.others.is_empty() {
            assert_eq!(
                level_id(a.level),
                oracle::MINIMUMS[c.dim][c.rating as usize],
                "{}",
                c.what
            );
        }
        assert_eq!(a.max_level, a.level, "{}: complete intake", c.what);
        assert!(a.could_raise.is_empty(), "{}", c.what);
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

/// (what, answers, ratings, escalations of domain.md that hold, level,
/// sober living support).
type EscalationCase = (
    &'static str,
    Map<String, Value>,
    oracle::Ratings,
    [bool; 3],
    &'static str,
    bool,
);

#[test]
fn every_escalation_and_its_absence() {
    use oracle::*;
    let recent = ("last_use", json!("within_72_hours"));
    let cases: Vec<EscalationCase> = vec![
        (
            "relapse 3 (AUDIT 20) + environment 3 (homeless)",
            with_owned(&audit(20, false), &[("housing", json!("homeless"))]),
            [0, 0, 0, 0, 3, 3],
            [true, false, false],
            "inpatient",
            false,
        ),
        (
            "relapse 3 (DAST-10 6) + environment 3 (lives with people who use)",
            with_owned(&dast10(6, false), &[("household_use", json!(true))]),
            [0, 0, 0, 0, 3, 3],
            [true, false, false],
            "inpatient",
            false,
        ),
        (
            "emotional 3 (psychosis) + withdrawal 2 (CIWA-Ar 10)",
            fixture::with(&[
                recent.clone(),
                ("psychotic_symptoms", json!(true)),
                ("ciwa_ar_total", json!(10)),
            ]),
            [2, 0, 3, 0, 0, 0],
            [false, true, false],
            "inpatient",
            false,
        ),
        (
            "emotional 3 (depression, very difficult) + withdrawal 2 (COWS 13)",
            with_owned(
                &phq9_with_item9(16, 0),
                &[
                    recent.clone(),
                    ("functioning", json!("very_difficult")),
                    ("cows_total", json!(13)),
                ],
            ),
            [2, 0, 3, 0, 0, 0],
            [false, true, false],
            "inpatient",
            false,
        ),
        (
            "three dimensions at 3: emotional, readiness, environment",
            fixture::with(&[
                ("psychotic_symptoms", json!(true)),
                ("stage_of_change", json!("precontemplation")),
                ("household_use", json!(true)),
            ]),
            [0, 0, 3, 3, 0, 3],
            [false, false, true],
            "inpatient",
            false,
        ),
        (
            "three dimensions at 3: emotional, readiness, relapse",
            with_owned(
                &audit(20, true),
                &[
                    ("psychotic_symptoms", json!(true)),
                    ("stage_of_change", json!("precontemplation")),
                ],
            ),
            [0, 0, 3, 3, 3, 0],
            [false, false, true],
            "inpatient",
            false,
        ),
        (
            "all three at once",
            with_owned(
                &audit(20, true),
                &[
                    recent.clone(),
                    ("psychotic_symptoms", json!(true)),
                    ("ciwa_ar_total", json!(12)),
                    ("housing", json!("homeless")),
                ],
            ),
            [2, 0, 3, 0, 3, 3],
            [true, true, true],
            "inpatient",
            false,
        ),
        // Just below each escalation.
        (
            "relapse 3 + environment 2: no escalation",
            with_owned(&audit(20, false), &[("housing", json!("temporary"))]),
            [0, 0, 0, 0, 3, 2],
            [false; 3],
            "php",
            false,
        ),
        (
            "relapse 2 + environment 3: no escalation, sober living",
            with_owned(&audit(16, false), &[("housing", json!("homeless"))]),
            [0, 0, 0, 0, 2, 3],
            [false; 3],
            "iop",
            true,
        ),
        (
            "emotional 3 + withdrawal 1: no escalation",
            fixture::with(&[recent.clone(), ("psychotic_symptoms", json!(true))]),
            [1, 0, 3, 0, 0, 0],
            [false; 3],
            "php",
            false,
        ),
        (
            "emotional 2 + withdrawal 2: no escalation",
            with_owned(
                &phq9(10, false),
                &[recent.clone(), ("ciwa_ar_total", json!(10))],
            ),
            [2, 0, 2, 0, 0, 0],
            [false; 3],
            "php",
            false,
        ),
        (
            "two dimensions at 3 (readiness, environment): no escalation, sober living",
            fixture::with(&[
                ("stage_of_change", json!("precontemplation")),
                ("household_use", json!(true)),
            ]),
            [0, 0, 0, 3, 0, 3],
            [false; 3],
            "iop",
            true,
        ),
        (
            "emotional 3 + environment 3: php with sober living",
            fixture::with(&[
                ("psychotic_symptoms", json!(true)),
                ("housing", json!("homeless")),
            ]),
            [0, 0, 3, 0, 0, 3],
            [false; 3],
            "php",
            true,
        ),
        (
            "environment 3 alone: sober living level, no support",
            fixture::with(&[("housing", json!("homeless"))]),
            [0, 0, 0, 0, 0, 3],
            [false; 3],
            "sober_living",
            false,
        ),
    ];
    for (what, answers, want_r, want_e, want_level, want_sober) in cases {
        let a = assess(&answers);
        assert!(
            a.complete() && a.warnings.is_empty(),
            "{what}: {:?} {:?}",
            qids(&a.missing),
            a.warnings
        );
        assert_eq!(ratings(&a), want_r, "{what}");
        assert_eq!(escalations(&want_r), want_e, "{what}: the oracle");
        assert_eq!(level_id(a.level), want_level, "{what}");
        assert_eq!(
            LEVELS[oracle::level(&want_r)],
            want_level,
            "{what}: the oracle"
        );
        let any = want_e.iter().any(|&e| e);
        assert_eq!(
            !escalations_holding(&a).is_empty(),
            any,
            "{what}: {:?}",
            escalations_holding(&a)
        );
        if any {
            assert_ne!(
                LEVELS[minimums_level(&want_r)],
                "inpatient",
                "{what}: needs the escalation"
            );
            assert_eq!(
                escalations_holding(&a).len(),
                want_e.iter().filter(|&&e| e).count(),
                "{what}"
            );
        }
        assert_eq!(
            supports(&a).contains(&"sober_living"),
            want_sober,
            "{what}: supports {:?}",
            supports(&a)
        );
    }
}

/// For thousands of sampled intakes: `level` is the most intensive of the
/// table's minimums for the reported ratings and of the escalations that
/// hold (and `max_level` the same for the reported `max_rating`s); each
/// dimension's `min_level` is the table's; supports, totals, rubric lower
/// bounds and the phq9_9 critical flag as domain.md says; every level is
/// reached.
#[test]
fn sampled_intakes_level_is_the_most_intensive_minimum_or_escalation() {
    let mut seen = [0usize; 5];
    let mut incomplete = 0;
    for n in 0..3000 {
        let (slots, a) = sampled(n);
        let r = ratings(&a);
        let ctx = || format!("sample {n}: ratings {r:?}, level {}", level_id(a.level));
        assert_eq!(
            oracle::LEVELS[rank_of(a.level)],
            oracle::LEVELS[oracle::level(&r)],
            "{}",
            ctx()
        );
        let mr = max_ratings(&a);
        assert_eq!(
            oracle::LEVELS[rank_of(a.max_level)],
            oracle::LEVELS[oracle::level(&mr)],
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
        assert_eq!(
            supports(&a).contains(&"sober_living"),
            oracle::sober_living_support(&r, rank_of(a.level)),
            "{}",
            ctx()
        );
        // Totals and bands by the oracle, where every item is answered.
        let ans = SlotAnswers {
            slots: &slots,
            assessment: &a,
        };
        let totals = oracle_totals(&ans);
        for (id, t) in &totals {
            if let Some(t) = t {
                assert_eq!(
                    instrument(&a, id),
                    (Some(*t), Some(oracle::band(oracle::bands(id), *t).1)),
                    "{}: {id}",
                    ctx()
                );
            } else {
                assert_eq!(instrument(&a, id).0, None, "{}: {id}", ctx());
            }
        }
        let t = |id: &str| totals.iter().find(|(x, _)| *x == id).expect("instrument").1;
        let phq9_9 = oracle::Answers::int(&ans, "phq9_9");
        let b = oracle::lower_bounds(
            t("phq9"),
            t("gad7"),
            t("audit"),
            t("dast10"),
            t("ciwa_ar"),
            t("cows"),
            phq9_9,
        );
        assert!(
            r[oracle::WITHDRAWAL] >= b.withdrawal,
            "{}: withdrawal bound {}",
            ctx(),
            b.withdrawal
        );
        assert!(
            r[oracle::EMOTIONAL] >= b.emotional,
            "{}: emotional bound {}",
            ctx(),
            b.emotional
        );
        assert!(
            r[oracle::RELAPSE] >= b.relapse,
            "{}: relapse bound {}",
            ctx(),
            b.relapse
        );
        if phq9_9.is_some_and(|x| x > 0) {
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
// 4. Rubric lower bounds and critical flags, exactly
// ---------------------------------------------------------------------

fn rate(slots: &[Slot]) -> (oracle::Ratings, Assessment) {
    let a = engine::score_slots(rs(), slots);
    (ratings(&a), a)
}

#[test]
fn withdrawal_ratings_for_every_ciwa_ar_and_cows_total() {
    use oracle::WITHDRAWAL;
    for recent in [false, true] {
        let mut s = base_slots().to_vec();
        set_choice(
            &mut s,
            "last_use",
            if recent {
                "within_72_hours"
            } else {
                "over_30_days"
            },
        );
        let use_rating = recent as u8;
        for history in [
            "none",
            "past_withdrawal_seizure",
            "past_withdrawal_delirium",
        ] {
            let mut s = s.clone();
            if history != "none" {
                set_num(&mut s, history, 1);
            }
            for t in 0..=67 {
                set_num(&mut s, "ciwa_ar_total", t);
                let (r, a) = rate(&s);
                let band = oracle::band(oracle::CIWA_AR_BANDS, t).1;
                let want = match (band, history) {
                    ("minimal", _) => use_rating,
                    ("moderate", _) => 2,
                    ("severe", "none") => 3,
                    ("severe", _) => 4,
                    _ => unreachable!(),
                };
                assert_eq!(
                    r[WITHDRAWAL], want,
                    "CIWA-Ar {t} ({band}), recent use {recent}, history {history}"
                );
                if band == "severe" || history != "none" {
                    assert!(
                        !critical_flags(&a).is_empty(),
                        "CIWA-Ar {t}, {history}: severe withdrawal risk flag"
                    );
                }
            }
        }
        for t in 0..=48 {
            set_num(&mut s, "cows_total", t);
            let (r, a) = rate(&s);
            let band = oracle::band(oracle::COWS_BANDS, t).1;
            let want = match band {
                "none" | "mild" => use_rating,
                "moderate" => 2,
                "moderately_severe" => 3,
                "severe" => 4,
                _ => unreachable!(),
            };
            assert_eq!(
                r[WITHDRAWAL], want,
                "COWS {t} ({band}), recent use {recent}"
            );
            assert_eq!(
                level_id(a.level),
                oracle::MINIMUMS[WITHDRAWAL][want as usize],
                "COWS {t}"
            );
            if band == "severe" {
                assert!(
                    !critical_flags(&a).is_empty(),
                    "COWS {t}: severe withdrawal risk flag"
                );
            } else if !recent {
                assert!(
                    critical_flags(&a).is_empty(),
                    "COWS {t}: {:?}",
                    critical_flags(&a)
                );
            }
        }
    }
}

#[test]
fn emotional_ratings_for_every_phq9_and_gad7_total() {
    use oracle::EMOTIONAL;
    for functioning in ["not_difficult", "very_difficult", "extremely_difficult"] {
        for item9 in 0..=3 {
            for t in item9..=(24 + item9) {
                let mut s = base_slots().to_vec();
                set_choice(&mut s, "functioning", functioning);
                for (k, v) in phq9_with_item9(t, item9) {
                    set_num(&mut s, &k, v.as_i64().expect("int"));
                }
                let (r, a) = rate(&s);
                assert_eq!(instrument(&a, "phq9").0, Some(t));
                let band = oracle::band(oracle::PHQ9_BANDS, t).1;
                let mut want = match band {
                    "minimal" => 0,
                    "mild" => 1,
                    "moderate" => 2,
                    _ if functioning == "not_difficult" => 2,
                    _ => 3,
                };
                if item9 > 0 {
                    want = want.max(2);
                    assert!(
                        !critical_flags(&a).is_empty(),
                        "phq9_9 = {item9}: critical flag"
                    );
                } else {
                    assert!(
                        critical_flags(&a).is_empty(),
                        "PHQ-9 {t}: {:?}",
                        critical_flags(&a)
                    );
                }
                assert_eq!(
                    r[EMOTIONAL], want,
                    "PHQ-9 {t} ({band}), item 9 = {item9}, {functioning}"
                );
            }
        }
    }
    for t in 0..=21 {
        for last_first in [false, true] {
            let mut s = base_slots().to_vec();
            for (k, v) in gad7(t, last_first) {
                set_num(&mut s, &k, v.as_i64().expect("int"));
            }
            let (r, _) = rate(&s);
            let band = oracle::band(oracle::GAD7_BANDS, t).1;
            let want = match band {
                "minimal" => 0,
                "mild" => 1,
                _ => 2,
            };
            assert_eq!(r[EMOTIONAL], want, "GAD-7 {t} ({band})");
        }
    }
}

#[test]
fn relapse_ratings_for_every_audit_and_dast10_total() {
    use oracle::RELAPSE;
    let audit_rating = |band: &str| match band {
        "zone_1" => 0,
        "zone_2" => 1,
        "zone_3" => 2,
        _ => 3,
    };
    let dast_rating = |band: &str| match band {
        "none" => 0,
        "low" => 1,
        "moderate" => 2,
        "substantial" => 3,
        _ => 4,
    };
    let set = |s: &mut Vec<Slot>, v: &[(String, Value)]| {
        for (k, x) in v {
            let n = x
                .as_i64()
                .or_else(|| x.as_bool().map(|b| b as i64))
                .expect("int or bool");
            set_num(s, k, n);
        }
    };
    for ta in 0..=40 {
        for tb in 0..=10 {
            for variant in [false, true] {
                if (tb == 0 && variant) || (tb == 10 && !variant) {
                    continue;
                }
                // Every AUDIT total with edges of DAST-10, every DAST-10
                // total with edges of AUDIT.
                let a_edge = edges(oracle::AUDIT_BANDS).contains(&ta);
                let d_edge = edges(oracle::DAST10_BANDS).contains(&tb);
                if !(a_edge || d_edge) {
                    continue;
                }
                let mut s = base_slots().to_vec();
                set(&mut s, &audit(ta, variant));
                set(&mut s, &dast10(tb, variant));
                let (r, a) = rate(&s);
                assert_eq!(instrument(&a, "audit").0, Some(ta));
                assert_eq!(instrument(&a, "dast10").0, Some(tb));
                let want = audit_rating(oracle::band(oracle::AUDIT_BANDS, ta).1)
                    .max(dast_rating(oracle::band(oracle::DAST10_BANDS, tb).1));
                assert_eq!(r[RELAPSE], want, "AUDIT {ta}, DAST-10 {tb} ({variant})");
            }
        }
    }
}

type FlagCase = (&'static str, Map<String, Value>, Option<(usize, u8)>);

#[test]
fn critical_flags_for_intent_self_harm_and_withdrawal_risk() {
    use oracle::*;
    // (what, answers, the dimension and rating the rubric gives)
    let cases: Vec<FlagCase> = vec![
        (
            "phq9_9 = 1",
            with_owned(&phq9_with_item9(1, 1), &[]),
            Some((EMOTIONAL, 2)),
        ),
        (
            "phq9_9 = 3",
            with_owned(&phq9_with_item9(3, 3), &[]),
            Some((EMOTIONAL, 2)),
        ),
        (
            "suicidal intent with a plan",
            fixture::with(&[("suicide_risk", json!("intent_with_plan"))]),
            Some((EMOTIONAL, 4)),
        ),
        (
            "homicidal intent with a plan",
            fixture::with(&[("homicide_risk", json!("intent_with_plan"))]),
            Some((EMOTIONAL, 4)),
        ),
        (
            "self-harm in the past 30 days",
            fixture::with(&[("self_harm_recent", json!("past_30_days"))]),
            Some((EMOTIONAL, 4)),
        ),
        (
            "past withdrawal seizure",
            fixture::with(&[("past_withdrawal_seizure", json!(true))]),
            None,
        ),
        (
            "past withdrawal delirium",
            fixture::with(&[("past_withdrawal_delirium", json!(true))]),
            None,
        ),
        (
            "CIWA-Ar severe",
            fixture::with(&[
                ("last_use", json!("within_72_hours")),
                ("ciwa_ar_total", json!(19)),
            ]),
            Some((WITHDRAWAL, 3)),
        ),
        (
            "COWS severe",
            fixture::with(&[
                ("last_use", json!("within_72_hours")),
                ("cows_total", json!(37)),
            ]),
            Some((WITHDRAWAL, 4)),
        ),
    ];
    for (what, answers, rating) in cases {
        let a = assess(&answers);
        assert!(a.complete() && a.warnings.is_empty(), "{what}");
        assert!(!critical_flags(&a).is_empty(), "{what}: a critical flag");
        if let Some((d, r)) = rating {
            assert_eq!(ratings(&a)[d], r, "{what}: {} rating", DIMENSIONS[d]);
            let mut want = [0u8; 6];
            want[d] = r;
            assert_eq!(level_id(a.level), LEVELS[oracle::level(&want)], "{what}");
        }
    }
    // Intent with a plan is never a flag alone: emotional 4, inpatient.
    for who in ["suicide_risk", "homicide_risk"] {
        let a = assess(&fixture::with(&[(who, json!("intent_with_plan"))]));
        assert_eq!(level_id(a.level), "inpatient", "{who}");
    }
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
    // AUDIT zone 4 (relapse 3, php) with housing declined: homeless would
    // add the relapse + environment escalation, no safe place environment
    // 4: inpatient either way.
    let mut m = with_owned(&audit(20, false), &[]);
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

/// A dimension whose deciding answers are all missing is rated 0 for
/// certain, and `max_rating` / `max_level` show the most it could be: 4
/// (readiness 3, since its 4 needs danger in another dimension, here all 0).
#[test]
fn a_section_left_unanswered_shows_what_it_could_do() {
    let max_possible: oracle::Ratings = [4, 4, 4, 3, 4, 4];
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
        assert_eq!(
            level_id(a.max_level),
            oracle::MINIMUMS[d][max_possible[d] as usize],
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
    /// Multi choice: add an option (other than `none`).
    Add,
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
        "reason_for_visit" | "condition_details" | "treatment_goal" => Skip,
        // Options listed least severe first; integers where more is worse.
        "pregnancy_status" | "days_used_30" | "last_use" | "ciwa_ar_total" | "cows_total"
        | "condition_status" | "functioning" | "suicide_risk" | "homicide_risk"
        | "self_harm_recent" | "stage_of_change" | "cravings" | "housing" | "recovery_support"
        | "life_stress" => Up,
        _ if id.starts_with("phq9_") || id.starts_with("gad7_") || id.starts_with("audit_") => Up,
        // 10 = change is most important: lower is less ready.
        "importance_change" => Down,
        // Receiving medication for opioid use disorder is protective.
        "moud_current" => No,
        // DAST-10 item 3 is reverse scored: "no" is the severe answer.
        "dast10_3" => No,
        _ if id.starts_with("dast10_") => Yes,
        "intoxicated_now"
        | "heavy_alcohol_sedative_use"
        | "daily_opioid_use"
        | "past_withdrawal_seizure"
        | "past_withdrawal_delirium"
        | "life_threatening_now"
        | "chronic_condition"
        | "injection_use"
        | "injection_site_infection"
        | "overdose_past_year"
        | "psychotic_symptoms"
        | "mh_history"
        | "cognitive_concerns"
        | "refuses_treatment"
        | "prior_treatment"
        | "relapse_after_treatment"
        | "household_use"
        | "unsafe_relationships"
        | "legal_problems"
        | "transport_barrier" => Yes,
        "substances" => Add,
        _ => panic!("question `{id}` is not classified for the monotonicity test"),
    }
}

#[test]
fn every_question_is_classified_for_monotonicity() {
    for q in &rs().questions {
        let s = step(&q.id);
        let ok = matches!(
            (&q.kind, s),
            (_, Step::Skip)
                | (QuestionKind::YesNo, Step::Yes | Step::No)
                | (QuestionKind::Integer { .. }, Step::Up | Step::Down)
                | (QuestionKind::SingleChoice(_), Step::Up)
                | (QuestionKind::MultiChoice(_), Step::Add)
        );
        assert!(
            ok,
            "`{}` ({}) cannot take step {s:?}",
            q.id,
            q.kind.type_name()
        );
    }
}

/// The more severe versions of one answer.
fn raised(q: usize, slot: &Slot) -> Vec<Slot> {
    let question = &rs().questions[q];
    match (step(&question.id), &question.kind, slot) {
        (Step::Yes, _, Slot::Num(x)) if *x == 0.0 => vec![Slot::Num(1.0)],
        (Step::No, _, Slot::Num(x)) if *x == 1.0 => vec![Slot::Num(0.0)],
        (Step::Up, QuestionKind::SingleChoice(o), Slot::Num(x)) if (*x as usize) + 1 < o.len() => {
            vec![Slot::Num(x + 1.0)]
        }
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
            (0..o.len())
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
        for v in raised(q, &slots[q]) {
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
    for c in cells() {
        let slots = fixture::parse(&c.answers).slots;
        let what = format!("{} {} ({})", oracle::DIMENSIONS[c.dim], c.rating, c.what);
        if let Err(e) = check_raises(&slots, &what) {
            panic!("{e}");
        }
    }
}

// ---------------------------------------------------------------------
// 7. Critical flags never lower anything; the under-18 exclusion
// ---------------------------------------------------------------------

/// Answers that raise a critical flag, applied to sampled intakes where the
/// question is asked: no rating, `level` or `max_level` goes down, and a
/// critical flag is raised.
#[test]
fn a_critical_flag_never_lowers_anything() {
    let triggers: Vec<(&str, Slot)> = vec![
        ("phq9_9", Slot::Num(1.0)),
        ("phq9_9", Slot::Num(3.0)),
        (
            "suicide_risk",
            Slot::Num(option("suicide_risk", "thoughts_no_intent") as f64),
        ),
        (
            "suicide_risk",
            Slot::Num(option("suicide_risk", "intent_with_plan") as f64),
        ),
        (
            "homicide_risk",
            Slot::Num(option("homicide_risk", "intent_with_plan") as f64),
        ),
        (
            "self_harm_recent",
            Slot::Num(option("self_harm_recent", "past_30_days") as f64),
        ),
        ("past_withdrawal_seizure", Slot::Num(1.0)),
        ("past_withdrawal_delirium", Slot::Num(1.0)),
        ("ciwa_ar_total", Slot::Num(19.0)),
        ("ciwa_ar_total", Slot::Num(67.0)),
        ("cows_total", Slot::Num(37.0)),
        ("life_threatening_now", Slot::Num(1.0)),
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
            assert!(
                rank_of(after.max_level) <= rank_of(before.max_level),
                "{ctx}: max_level lowered"
            );
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
            json!({"source": path, "error": EXCLUSIVE, "code": "exclusive-option", "line": 5, "column": 15})
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
        json!({"source": "stdin:2", "error": EXCLUSIVE, "code": "exclusive-option", "line": 2, "column": column})
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
            !a.warnings.iter().any(|w| w.contains("options_from")),
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
