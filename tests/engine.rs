//! Library-level tests of the engine through the public API, against the
//! mini rule set in `tests/fixtures/mini`: missing-answer semantics
//! (`level`, `max_level`, `could_raise`), skip logic and determinism.
//!
//! Level indexes count from the most intensive level (0), so "at least as
//! intensive" is "index at most".

use placement::cond::Tri;
use placement::engine::{self, Assessment};
use placement::intake::{self, Intake};
use placement::rules::{load_path, RuleSet};
use placement::yaml::Limits;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The words of an assessment's warnings.
fn texts(rs: &RuleSet, a: &engine::Assessment) -> Vec<String> {
    a.warnings.iter().map(|w| w.text(rs)).collect()
}

fn mini() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        load_path(&fixture("mini"), 1 << 20)
            .unwrap_or_else(|e| panic!("the mini rule set must load: {e}"))
            .rules
    })
}

fn parse(text: &str) -> Intake {
    intake::parse(text, mini(), &Limits::INTAKE)
        .unwrap_or_else(|e| panic!("intake must parse: {:?}\n{text}", e.first))
}

fn assess(text: &str) -> Assessment {
    engine::score(mini(), &parse(text))
}

fn assess_file(name: &str) -> Assessment {
    let text = std::fs::read_to_string(fixture("mini-intakes").join(name)).expect("fixture");
    assess(&text)
}

fn level(i: usize) -> &'static str {
    &mini().levels[i].id
}

fn qids(idx: &[usize]) -> Vec<&'static str> {
    idx.iter()
        .map(|&q| mini().questions[q].id.as_str())
        .collect()
}

fn q(id: &str) -> usize {
    mini()
        .question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn instrument(a: &Assessment, id: &str) -> engine::InstrumentResult {
    let i = mini()
        .instruments
        .iter()
        .position(|x| x.id == id)
        .expect("instrument");
    a.instruments[i].clone()
}

fn ratings(a: &Assessment) -> Vec<(&'static str, u8, u8)> {
    mini()
        .dimensions
        .iter()
        .zip(&a.dimensions)
        .map(|(d, r)| (d.id.as_str(), r.rating, r.max_rating))
        .collect()
}

#[test]
fn mini_rule_set_has_the_expected_shape() {
    let rs = mini();
    assert_eq!(rs.name, "mini");
    assert_eq!(rs.version, "0.3.0");
    assert_eq!(rs.max_rating, 2);
    let levels: Vec<&str> = rs.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(levels, ["intensive", "standard", "light"]);
    let questions: Vec<(&str, &str)> = rs
        .questions
        .iter()
        .map(|q| (q.id.as_str(), q.kind.type_name()))
        .collect();
    assert_eq!(
        questions,
        [
            ("age", "integer"),
            ("housing", "single_choice"),
            ("stressors", "multi_choice"),
            ("has_support", "yes_no"),
            ("sleep_hours", "number"),
            ("notes", "text"),
            ("wq_1", "yes_no"),
            ("wq_2", "yes_no"),
            ("wq_3", "yes_no"),
            ("pq_1", "integer"),
            ("pq_2", "integer"),
            ("pq_3", "single_choice"),
        ]
    );
    // `load` reads `worry.rating`, so `worry` must be rated first.
    let order: Vec<&str> = rs
        .dimension_order
        .iter()
        .map(|&d| rs.dimensions[d].id.as_str())
        .collect();
    let pos = |id: &str| {
        order
            .iter()
            .position(|x| *x == id)
            .expect("dimension in order")
    };
    assert!(pos("worry") < pos("load"), "dimension order {order:?}");
    let totals: Vec<(&str, i64, i64)> = rs
        .instruments
        .iter()
        .map(|i| (i.id.as_str(), i.min_total, i.max_total))
        .collect();
    assert_eq!(totals, [("wq", 0, 3), ("pq", 0, 10)]);
}

#[test]
fn complete_intake_has_no_uncertainty() {
    let a = assess_file("02-intensive.json");
    assert_eq!(level(a.level), "intensive");
    assert_eq!(level(a.max_level), "intensive");
    assert!(a.could_raise.is_empty());
    assert!(a.missing.is_empty());
    assert!(a.complete());
    assert_eq!(
        ratings(&a),
        [("load", 2, 2), ("worry", 2, 2), ("context", 2, 2)]
    );
    let flags: Vec<&str> = a
        .flags
        .iter()
        .map(|&i| mini().flags[i].id.as_str())
        .collect();
    assert_eq!(
        flags,
        ["no_sleep", "money_trouble", "notes_given", "intensive_info"]
    );
    let supports: Vec<&str> = a
        .supports
        .iter()
        .map(|&i| mini().supports[i].id.as_str())
        .collect();
    assert_eq!(supports, ["buddy"]);
    assert_eq!(a.escalations, [Tri::True]);
}

#[test]
fn one_missing_answer_that_can_raise_the_level_alone() {
    // housing and sleep_hours are missing. `housing == none` could make the
    // context rating 2 (standard); sleep_hours only feeds an `at_least 2 of`
    // that cannot reach 2 and a critical flag.
    let a = assess_file("04-housing-missing.yaml");
    assert_eq!(level(a.level), "light");
    assert_eq!(level(a.max_level), "standard");
    assert_eq!(qids(&a.could_raise), ["housing"]);
    assert_eq!(qids(&a.missing), ["housing", "sleep_hours"]);
    assert!(!a.complete());
    assert_eq!(
        ratings(&a),
        [("load", 0, 0), ("worry", 0, 0), ("context", 0, 2)]
    );
    let possible: Vec<&str> = a
        .possible_flags
        .iter()
        .map(|&i| mini().flags[i].id.as_str())
        .collect();
    assert_eq!(possible, ["no_sleep"]);
    assert_eq!(
        texts(mini(), &a),
        ["flag `no_sleep` (critical) cannot be ruled out until the missing answers are known"]
    );
}

#[test]
fn two_missing_items_cross_a_band_only_together() {
    // pq_1 = 4 is answered; pq_2 (0..3) and pq_3 (0, 1 or 3 points) are
    // missing, so pq.total is 4..10. `pq.band >= high` needs 8: neither
    // missing item reaches it alone, both together can.
    let a = assess_file("03-two-missing-items.yaml");
    assert_eq!(level(a.level), "standard");
    assert_eq!(level(a.max_level), "intensive");
    assert_eq!(qids(&a.could_raise), ["pq_2", "pq_3"]);
    assert_eq!(qids(&a.missing), ["notes", "pq_2", "pq_3"]);
    let pq = instrument(&a, "pq");
    assert_eq!(pq.total, None);
    assert_eq!(pq.band, None);
    assert_eq!(pq.range, Some((4, 10)));
    assert_eq!(qids(&pq.missing), ["pq_2", "pq_3"]);
    assert!(pq.applicable);
    assert_eq!(
        ratings(&a),
        [("load", 1, 2), ("worry", 1, 1), ("context", 0, 0)]
    );

    // Each of them alone, at its most severe, still leaves the band open...
    let base = std::fs::read_to_string(fixture("mini-intakes/03-two-missing-items.yaml"))
        .expect("fixture");
    let with = |extra: &str| assess(&base.replace("  pq_1: 4\n", &format!("  pq_1: 4\n{extra}")));
    let only_pq2 = with("  pq_2: 3\n");
    assert_eq!(level(only_pq2.level), "standard");
    assert_eq!(level(only_pq2.max_level), "intensive");
    assert_eq!(qids(&only_pq2.could_raise), ["pq_3"]);
    assert_eq!(instrument(&only_pq2, "pq").range, Some((7, 10)));
    let only_pq3 = with("  pq_3: often\n");
    assert_eq!(level(only_pq3.level), "standard");
    assert_eq!(level(only_pq3.max_level), "intensive");
    assert_eq!(qids(&only_pq3.could_raise), ["pq_2"]);
    assert_eq!(instrument(&only_pq3, "pq").range, Some((7, 10)));

    // ...and together they settle it, either way.
    let both_high = with("  pq_2: 3\n  pq_3: sometimes\n");
    assert_eq!(level(both_high.level), "intensive");
    assert_eq!(level(both_high.max_level), "intensive");
    assert!(both_high.could_raise.is_empty());
    assert_eq!(instrument(&both_high, "pq").total, Some(8));
    let both_mid = with("  pq_2: 3\n  pq_3: never\n");
    assert_eq!(level(both_mid.level), "standard");
    assert_eq!(level(both_mid.max_level), "standard");
    assert!(both_mid.could_raise.is_empty());
    assert_eq!(instrument(&both_mid, "pq").total, Some(7));
}

#[test]
fn declined_answers_count_as_missing() {
    let a = assess(
        "intake: 1\nanswers:\n  age: 30\n  stressors: []\n  has_support: true\n  sleep_hours: 8\n  notes: x\n  wq_1: false\n  wq_2: false\n  wq_3: true\ndeclined: [housing]\n",
    );
    assert_eq!(level(a.level), "light");
    assert_eq!(level(a.max_level), "standard");
    assert_eq!(qids(&a.could_raise), ["housing"]);
    assert_eq!(qids(&a.missing), ["housing"]);
}

#[test]
fn a_skipped_question_answer_is_kept_not_used_with_a_warning() {
    // wq.total is 0, so pq_1 (`ask_when: wq.total >= 1`) is not asked; its
    // answer (4, which would otherwise put pq in the `mid` band) is ignored.
    let intake = parse(
        &std::fs::read_to_string(fixture("mini-intakes/05-skipped-answer.yaml")).expect("fixture"),
    );
    assert_eq!(
        intake.slots[q("pq_1")],
        intake::Slot::Num(4.0),
        "the answer is kept"
    );
    let a = engine::score(mini(), &intake);
    assert_eq!(a.questions[q("pq_1")].applicable, Tri::False);
    assert!(!a.questions[q("pq_1")].used);
    assert_eq!(a.questions[q("pq_2")].applicable, Tri::False);
    assert_eq!(
        texts(mini(), &a),
        ["`pq_1` is answered but not asked given the other answers (skip logic); its answer is kept and not used"]
    );
    assert!(a.missing.is_empty(), "skipped questions are not missing");
    assert!(a.complete());
    assert_eq!(level(a.level), "light");
    assert_eq!(level(a.max_level), "light");
    let pq = instrument(&a, "pq");
    assert!(!pq.applicable);
    assert_eq!((pq.total, pq.band), (None, None));
    assert!(pq.missing.is_empty());
    assert_eq!(
        ratings(&a),
        [("load", 0, 0), ("worry", 0, 0), ("context", 0, 0)]
    );
}

#[test]
fn skipped_questions_are_not_missing_and_conditions_on_them_are_false() {
    // With the follow-up skipped and not answered, `pq_3 == often` and
    // `pq.band >= high` are false, not unknown: nothing is missing.
    let a = assess_file("01-light.yaml");
    assert!(a.missing.is_empty());
    assert_eq!(level(a.level), "light");
    assert_eq!(level(a.max_level), "light");
    for d in &a.dimensions {
        assert!(d.rules.iter().all(|t| *t == Tri::False), "{:?}", d.rules);
    }
}

#[test]
fn band_membership_is_certain_when_every_possible_band_is_listed() {
    // wq_1 = yes gives 1 point; wq_2 and wq_3 are missing, so wq.total is
    // 1..3 and wq.band is `some` or `many`. `wq.band in [some, many]` holds
    // whatever the missing answers are, so worry is rated 1 for certain and
    // the level is at least standard (docs/rules.md: "Conditions on a partly
    // answered instrument are still decided when the answered items settle
    // them").
    let a = assess(
        "intake: 1\nanswers:\n  age: 30\n  housing: stable\n  stressors: []\n  has_support: true\n  sleep_hours: 8\n  notes: x\n  wq_1: true\n",
    );
    let worry = mini()
        .dimensions
        .iter()
        .position(|d| d.id == "worry")
        .expect("worry");
    assert_eq!(
        a.dimensions[worry].rules[1],
        Tri::True,
        "worry.r2 (wq.band in [some, many]) holds"
    );
    assert_eq!(a.dimensions[worry].rating, 1);
    assert_eq!(level(a.level), "standard");
}

#[test]
fn an_answer_to_a_question_that_may_not_be_asked_does_not_hold_for_certain() {
    // wq_1 is missing and wq_2/wq_3 give 0 points, so wq.total is 0..1 and
    // whether the follow-up (pq_1 = 0, pq_2 = 0, pq_3 = often) is asked
    // depends on wq_1. If wq_1 is `no`, pq_3 is not asked and
    // `pq_3 == often` is false (skip logic); if `yes`, it holds. So the worry rating is 0 for certain and 1 at most: the level
    // counts only what holds (light), and max_level is standard.
    let a = assess(
        "intake: 1\nanswers:\n  age: 30\n  housing: stable\n  stressors: []\n  has_support: true\n  sleep_hours: 8\n  notes: x\n  wq_2: false\n  wq_3: true\n  pq_1: 0\n  pq_2: 0\n  pq_3: often\n",
    );
    let completed = |wq_1: bool| {
        assess(&format!(
            "intake: 1\nanswers:\n  age: 30\n  housing: stable\n  stressors: []\n  has_support: true\n  sleep_hours: 8\n  notes: x\n  wq_1: {wq_1}\n  wq_2: false\n  wq_3: true\n  pq_1: 0\n  pq_2: 0\n  pq_3: often\n"
        ))
    };
    assert_eq!(level(completed(false).level), "light");
    assert_eq!(level(completed(true).level), "standard");
    assert_eq!(
        level(a.level),
        "light",
        "the level must not count `pq_3 == often` as certain"
    );
    assert_eq!(level(a.max_level), "standard");
    assert_eq!(qids(&a.could_raise), ["wq_1"]);
}

#[test]
fn could_raise_names_every_answer_that_takes_part_when_no_single_one_suffices() {
    // wq_1, pq_1 and pq_2 are missing; pq_3 = often makes worry 1 (standard).
    // Intensive is reachable two ways, each needing two of the missing
    // answers: worry_high (wq_1 = yes and pq.total >= 4) and load_high
    // (pq.total >= 8: pq_1 and pq_2 both high). No single answer reaches it
    // and no single answer rules it out, yet the level could be raised: the
    // three missing answers must be named, never an empty list.
    let a = assess(
        "intake: 1\nanswers:\n  age: 30\n  housing: stable\n  stressors: []\n  has_support: true\n  sleep_hours: 8\n  notes: x\n  wq_2: false\n  wq_3: false\n  pq_3: often\n",
    );
    assert_eq!(level(a.level), "standard");
    assert_eq!(level(a.max_level), "intensive");
    assert_eq!(qids(&a.missing), ["wq_1", "pq_1", "pq_2"]);
    assert_eq!(qids(&a.could_raise), ["wq_1", "pq_1", "pq_2"]);
}

#[test]
fn scoring_is_deterministic() {
    let names = [
        "01-light.yaml",
        "02-intensive.json",
        "03-two-missing-items.yaml",
        "04-housing-missing.yaml",
        "05-skipped-answer.yaml",
        "06-override.yaml",
    ];
    let first: Vec<Assessment> = names.iter().map(|n| assess_file(n)).collect();
    for _ in 0..20 {
        let again: Vec<Assessment> = names.iter().map(|n| assess_file(n)).collect();
        assert_eq!(again, first);
    }
    // A freshly loaded copy of the rule set gives the same fingerprint and
    // the same results, also from other threads.
    let reloaded = load_path(&fixture("mini"), 1 << 20).expect("loads").rules;
    assert_eq!(reloaded.sha256, mini().sha256);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let rs = reloaded.clone();
            std::thread::spawn(move || {
                names
                    .iter()
                    .map(|n| {
                        let text = std::fs::read_to_string(fixture("mini-intakes").join(n))
                            .expect("fixture");
                        let intake = intake::parse(&text, &rs, &Limits::INTAKE).expect("parses");
                        engine::score(&rs, &intake)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), first);
    }
}

// ---- Properties over random intakes -------------------------------------

/// One answer per question of the mini set, as YAML/JSON text.
fn answer_strategy() -> impl Strategy<Value = Vec<String>> {
    let yes_no = || prop_oneof![Just("true".to_string()), Just("false".to_string())];
    (
        (
            prop_oneof![Just(12i64), Just(16), Just(30), Just(120)].prop_map(|x| x.to_string()),
            prop_oneof![Just("stable"), Just("shared"), Just("none")].prop_map(str::to_string),
            proptest::sample::subsequence(vec!["work", "money", "family", "health"], 0..=4)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            yes_no(),
            prop_oneof![
                Just("0"),
                Just("2.5"),
                Just("3"),
                Just("5"),
                Just("5.5"),
                Just("8"),
                Just("24")
            ]
            .prop_map(str::to_string),
            Just("\"some notes\"".to_string()),
        ),
        (
            yes_no(),
            yes_no(),
            yes_no(),
            prop_oneof![Just("0"), Just("2"), Just("4")].prop_map(str::to_string),
            (0..=3i64).prop_map(|x| x.to_string()),
            prop_oneof![Just("never"), Just("sometimes"), Just("often")].prop_map(str::to_string),
        ),
    )
        .prop_map(|((a, b, c, d, e, f), (g, h, i, j, k, l))| {
            vec![a, b, c, d, e, f, g, h, i, j, k, l]
        })
}

/// 0: answered, 1: absent, 2: declined.
fn mask_strategy() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![3 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
        12,
    )
}

fn intake_text(values: &[String], mask: &[u8]) -> String {
    let rs = mini();
    let mut out = String::from("intake: 1\nanswers:\n");
    let mut declined = Vec::new();
    for (i, question) in rs.questions.iter().enumerate() {
        match mask[i] {
            0 => out.push_str(&format!("  {}: {}\n", question.id, values[i])),
            2 => declined.push(question.id.as_str()),
            _ => {}
        }
    }
    if !declined.is_empty() {
        out.push_str(&format!("declined: [{}]\n", declined.join(", ")));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// A missing answer never lowers the level: `max_level` is at least as
    /// intensive as `level`.
    #[test]
    fn max_level_is_never_below_level(values in answer_strategy(), mask in mask_strategy()) {
        let a = assess(&intake_text(&values, &mask));
        prop_assert!(a.max_level <= a.level, "max_level {} below level {}", level(a.max_level), level(a.level));
    }

    /// `could_raise` names only missing questions, and is empty exactly when
    /// nothing can raise the level (max_level == level).
    #[test]
    fn could_raise_is_empty_exactly_when_the_level_cannot_rise(values in answer_strategy(), mask in mask_strategy()) {
        let a = assess(&intake_text(&values, &mask));
        for q in &a.could_raise {
            prop_assert!(a.missing.contains(q), "could_raise names {} which is not missing", mini().questions[*q].id);
        }
        prop_assert_eq!(
            a.could_raise.is_empty(),
            a.max_level == a.level,
            "could_raise {:?}, level {}, max_level {}\n{}",
            qids(&a.could_raise),
            level(a.level),
            level(a.max_level),
            intake_text(&values, &mask)
        );
    }

    /// Whatever the missing answers turn out to be, the completed intake's
    /// level is no more intensive than `max_level`: a missing answer never
    /// silently lowers the recommendation.
    #[test]
    fn completing_missing_answers_never_exceeds_max_level(values in answer_strategy(), mask in mask_strategy()) {
        let partial = assess(&intake_text(&values, &mask));
        let full = assess(&intake_text(&values, &[0; 12]));
        prop_assert!(full.level >= partial.max_level,
            "completed level {} is above max_level {}\n{}", level(full.level), level(partial.max_level), intake_text(&values, &mask));
    }

    /// ...and no less intensive than `level`, which counts only what holds.
    #[test]
    fn completing_missing_answers_never_goes_below_level(values in answer_strategy(), mask in mask_strategy()) {
        let partial = assess(&intake_text(&values, &mask));
        let full = assess(&intake_text(&values, &[0; 12]));
        prop_assert!(full.level <= partial.level,
            "completed level {} is below level {}\n{}", level(full.level), level(partial.level), intake_text(&values, &mask));
    }

    /// A missing question that alone, at some value, raises the level is
    /// listed in `could_raise`.
    #[test]
    fn every_question_that_alone_raises_the_level_is_in_could_raise(values in answer_strategy(), mask in mask_strategy()) {
        let partial = assess(&intake_text(&values, &mask));
        for (i, m) in mask.iter().enumerate() {
            if *m == 0 || !partial.missing.contains(&i) {
                continue;
            }
            let mut one = mask.clone();
            one[i] = 0;
            let filled = assess(&intake_text(&values, &one));
            if filled.level < partial.level {
                prop_assert!(partial.could_raise.contains(&i),
                    "answering {} raises the level to {} but could_raise is {:?}\n{}",
                    mini().questions[i].id, level(filled.level), qids(&partial.could_raise), intake_text(&values, &mask));
            }
        }
    }

    /// Scoring the same intake twice gives the same assessment.
    #[test]
    fn scoring_twice_gives_the_same_result(values in answer_strategy(), mask in mask_strategy()) {
        let text = intake_text(&values, &mask);
        prop_assert_eq!(assess(&text), assess(&text));
    }
}

// ---- Supports and exclusions that missing answers leave undecided -------------

/// A two-level rule set whose supports read `level` (`day_program`) or an
/// answer of their own (`housing_help`), with an exclusion on `age`.
const UNDECIDED_RULES: &str = r#"
name: undecided
version: "1"
max_rating: 1
levels:
  - {id: high, name: High}
  - {id: low, name: Low}
sections:
  - id: all
    title: All
    questions:
      - {id: age, text: Age?, type: integer, min: 0, max: 120}
      - {id: risk, text: Risk?, type: yes_no}
      - id: home
        text: Home?
        type: single_choice
        options:
          - {id: stable, label: Stable}
          - {id: none, label: None}
dimensions:
  - id: danger
    name: Danger
    rules:
      - {rating: 1, when: risk, why: Risk reported.}
placement:
  minimums:
    danger: [low, high]
  supports:
    - {id: day_program, when: level >= high, why: Alongside high care.}
    - {id: housing_help, when: home == none, why: No home.}
    - {id: stable_and_high, when: home == stable and level >= high, why: Both.}
exclusions:
  - {id: minor, when: age < 18, message: Adults only.}
"#;

fn undecided() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("rules.yaml");
        std::fs::write(&path, UNDECIDED_RULES).expect("write");
        load_path(&path, 1 << 20)
            .unwrap_or_else(|e| panic!("the rule set must load: {e}"))
            .rules
    })
}

fn assess_undecided(answers: &str) -> Assessment {
    let text = format!("intake: 1\nanswers: {answers}\n");
    let rs = undecided();
    let intake = intake::parse(&text, rs, &Limits::INTAKE)
        .unwrap_or_else(|e| panic!("intake must parse: {:?}\n{text}", e.first));
    engine::score(rs, &intake)
}

fn support_ids(idx: &[usize]) -> Vec<&'static str> {
    idx.iter()
        .map(|&i| undecided().supports[i].id.as_str())
        .collect()
}

#[test]
fn a_support_that_reads_a_level_missing_answers_could_raise_is_possible() {
    // `risk` is missing: the level is low, and high if `risk` is yes.
    let a = assess_undecided("{age: 40, home: stable}");
    let rs = undecided();
    assert_eq!(
        (
            rs.levels[a.level].id.as_str(),
            rs.levels[a.max_level].id.as_str()
        ),
        ("low", "high")
    );
    assert_eq!(support_ids(&a.supports), Vec::<&str>::new());
    assert_eq!(
        support_ids(&a.possible_supports),
        ["day_program", "stable_and_high"]
    );
    // Answered, the supports are decided either way.
    let a = assess_undecided("{age: 40, home: stable, risk: true}");
    assert_eq!(support_ids(&a.supports), ["day_program", "stable_and_high"]);
    assert_eq!(support_ids(&a.possible_supports), Vec::<&str>::new());
    let a = assess_undecided("{age: 40, home: stable, risk: false}");
    assert_eq!(support_ids(&a.supports), Vec::<&str>::new());
    assert_eq!(support_ids(&a.possible_supports), Vec::<&str>::new());
}

#[test]
fn a_support_whose_own_question_is_missing_is_possible() {
    let a = assess_undecided("{age: 40, risk: false}");
    assert_eq!(support_ids(&a.supports), Vec::<&str>::new());
    // `stable_and_high` cannot hold at the low level whatever `home` is.
    assert_eq!(support_ids(&a.possible_supports), ["housing_help"]);
    let a = assess_undecided("{age: 40, risk: true}");
    assert_eq!(support_ids(&a.supports), ["day_program"]);
    assert_eq!(
        support_ids(&a.possible_supports),
        ["housing_help", "stable_and_high"]
    );
    // Declined is missing too.
    let text = "intake: 1\nanswers: {age: 40, risk: false}\ndeclined: [home]\n";
    let intake = intake::parse(text, undecided(), &Limits::INTAKE).expect("parses");
    let a = engine::score(undecided(), &intake);
    assert_eq!(support_ids(&a.possible_supports), ["housing_help"]);
}

#[test]
fn an_exclusion_that_missing_answers_leave_undecided_is_not_eligibility() {
    let a = assess_undecided("{risk: false, home: stable}");
    let rs = undecided();
    assert_eq!(a.excluded, Vec::<usize>::new());
    assert_eq!(a.possibly_excluded, [0]);
    assert_eq!(rs.exclusions[0].id, "minor");
    assert_eq!(a.exclusion_missing, [vec![rs.question("age").unwrap()]]);
    assert!(!a.eligibility_established());
    assert!(!a.complete());
    assert_eq!(
        texts(rs, &a),
        ["exclusion `minor` cannot be ruled out until the missing answers are known"]
    );
    let a = assess_undecided("{age: 40, risk: false, home: stable}");
    assert_eq!(a.possibly_excluded, Vec::<usize>::new());
    assert_eq!(a.exclusion_missing, Vec::<Vec<usize>>::new());
    assert!(a.eligibility_established());
    assert!(a.complete());
}
