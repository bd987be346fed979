//! Shared helpers for the tests of the embedded default rule set.
//!
//! `oracle` hard-codes the facts of `../shared/domain.md` (instrument
//! scoring and bands, the placement policy table, the escalations, the
//! rubric's instrument lower bounds). Nothing in it is read from the rule
//! files: it is what the rule files are tested against.
//!
//! `fixture` builds intakes for the default rule set: a complete, benign
//! base intake (every rating 0, `outpatient`) that tests change a few
//! answers of, as JSON text or as engine slots.

#![allow(dead_code)]

pub mod oracle {
    //! The test oracle, from `domain.md`.

    /// Levels, most intensive first; a level's rank is its index here.
    pub const LEVELS: [&str; 5] = ["inpatient", "php", "iop", "sober_living", "outpatient"];

    pub const WITHDRAWAL: usize = 0;
    pub const BIOMEDICAL: usize = 1;
    pub const EMOTIONAL: usize = 2;
    pub const READINESS: usize = 3;
    pub const RELAPSE: usize = 4;
    pub const ENVIRONMENT: usize = 5;

    pub const DIMENSIONS: [&str; 6] = [
        "withdrawal",
        "biomedical",
        "emotional",
        "readiness",
        "relapse",
        "environment",
    ];

    /// Per-dimension minimum level by rating 0..=4 (domain.md, "Default
    /// placement policy").
    pub const MINIMUMS: [[&str; 5]; 6] = [
        ["outpatient", "outpatient", "php", "inpatient", "inpatient"],
        ["outpatient", "outpatient", "iop", "inpatient", "inpatient"],
        ["outpatient", "outpatient", "iop", "php", "inpatient"],
        ["outpatient", "outpatient", "outpatient", "iop", "iop"],
        ["outpatient", "outpatient", "iop", "php", "inpatient"],
        [
            "outpatient",
            "outpatient",
            "outpatient",
            "sober_living",
            "inpatient",
        ],
    ];

    /// Ratings in `DIMENSIONS` order.
    pub type Ratings = [u8; 6];

    pub fn rank(level: &str) -> usize {
        LEVELS
            .iter()
            .position(|l| *l == level)
            .unwrap_or_else(|| panic!("unknown level {level}"))
    }

    /// The three escalations of domain.md, each yielding `inpatient`.
    pub const ESCALATIONS: [&str; 3] = [
        "relapse >= 3 and environment >= 3",
        "emotional >= 3 and withdrawal >= 2",
        "three or more dimensions rated >= 3",
    ];

    /// Which of `ESCALATIONS` hold for these ratings.
    pub fn escalations(r: &Ratings) -> [bool; 3] {
        [
            r[RELAPSE] >= 3 && r[ENVIRONMENT] >= 3,
            r[EMOTIONAL] >= 3 && r[WITHDRAWAL] >= 2,
            r.iter().filter(|&&x| x >= 3).count() >= 3,
        ]
    }

    /// The most intensive of the per-dimension minimums alone (rank).
    pub fn minimums_level(r: &Ratings) -> usize {
        (0..6)
            .map(|d| rank(MINIMUMS[d][r[d] as usize]))
            .min()
            .expect("six dimensions")
    }

    /// The recommended level (rank): the most intensive of the minimums and
    /// of the escalations that hold.
    pub fn level(r: &Ratings) -> usize {
        let mut l = minimums_level(r);
        if escalations(r).iter().any(|&e| e) {
            l = rank("inpatient");
        }
        l
    }

    /// Whether the result must list `sober_living` as a support.
    pub fn sober_living_support(r: &Ratings, level_rank: usize) -> bool {
        r[ENVIRONMENT] >= 3 && (level_rank == rank("iop") || level_rank == rank("php"))
    }

    /// Bands as (id, first total, last total), least severe first.
    pub type Bands = &'static [(&'static str, i64, i64)];

    pub const PHQ9_BANDS: Bands = &[
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("moderately_severe", 15, 19),
        ("severe", 20, 27),
    ];
    pub const GAD7_BANDS: Bands = &[
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("severe", 15, 21),
    ];
    pub const AUDIT_BANDS: Bands = &[
        ("zone_1", 0, 7),
        ("zone_2", 8, 15),
        ("zone_3", 16, 19),
        ("zone_4", 20, 40),
    ];
    pub const DAST10_BANDS: Bands = &[
        ("none", 0, 0),
        ("low", 1, 2),
        ("moderate", 3, 5),
        ("substantial", 6, 8),
        ("severe", 9, 10),
    ];
    pub const CIWA_AR_BANDS: Bands = &[("minimal", 0, 9), ("moderate", 10, 18), ("severe", 19, 67)];
    pub const COWS_BANDS: Bands = &[
        ("none", 0, 4),
        ("mild", 5, 12),
        ("moderate", 13, 24),
        ("moderately_severe", 25, 36),
        ("severe", 37, 48),
    ];

    /// The six instruments: (id, bands).
    pub const INSTRUMENTS: [(&str, Bands); 6] = [
        ("phq9", PHQ9_BANDS),
        ("gad7", GAD7_BANDS),
        ("audit", AUDIT_BANDS),
        ("dast10", DAST10_BANDS),
        ("ciwa_ar", CIWA_AR_BANDS),
        ("cows", COWS_BANDS),
    ];

    pub fn bands(instrument: &str) -> Bands {
        INSTRUMENTS
            .iter()
            .find(|(id, _)| *id == instrument)
            .unwrap_or_else(|| panic!("unknown instrument {instrument}"))
            .1
    }

    /// The band a total falls in, and its position (0 = least severe).
    pub fn band(bands: Bands, total: i64) -> (usize, &'static str) {
        let i = bands
            .iter()
            .position(|(_, lo, hi)| total >= *lo && total <= *hi)
            .unwrap_or_else(|| panic!("total {total} outside every band"));
        (i, bands[i].0)
    }

    /// Item answers as the oracle reads them: integers, and yes/no as bool.
    pub trait Answers {
        fn int(&self, id: &str) -> Option<i64>;
        fn yes(&self, id: &str) -> Option<bool>;
    }

    fn sum_ints(a: &dyn Answers, prefix: &str, n: usize) -> Option<i64> {
        (1..=n).map(|i| a.int(&format!("{prefix}{i}"))).sum()
    }

    /// PHQ-9: items 0..3 summed.
    pub fn phq9_total(a: &dyn Answers) -> Option<i64> {
        sum_ints(a, "phq9_", 9)
    }

    /// GAD-7: items 0..3 summed.
    pub fn gad7_total(a: &dyn Answers) -> Option<i64> {
        sum_ints(a, "gad7_", 7)
    }

    /// AUDIT: items 1-8 0..4, items 9-10 0/2/4, summed.
    pub fn audit_total(a: &dyn Answers) -> Option<i64> {
        sum_ints(a, "audit_", 10)
    }

    /// DAST-10: yes scores 1, except item 3 where no scores 1.
    pub fn dast10_total(a: &dyn Answers) -> Option<i64> {
        (1..=10)
            .map(|i| {
                let yes = a.yes(&format!("dast10_{i}"))?;
                Some(if i == 3 { !yes as i64 } else { yes as i64 })
            })
            .sum()
    }

    /// The oracle total of an instrument, `None` when an item is missing.
    pub fn total(instrument: &str, a: &dyn Answers) -> Option<i64> {
        match instrument {
            "phq9" => phq9_total(a),
            "gad7" => gad7_total(a),
            "audit" => audit_total(a),
            "dast10" => dast10_total(a),
            "ciwa_ar" => a.int("ciwa_ar_total"),
            "cows" => a.int("cows_total"),
            _ => panic!("unknown instrument {instrument}"),
        }
    }

    /// The rubric's instrument lower bounds (domain.md, "Rating rubric"),
    /// from instrument totals (`None`: not known or not applicable) and
    /// `phq9_9`: the least rating of withdrawal, emotional and relapse.
    pub struct Bounds {
        pub withdrawal: u8,
        pub emotional: u8,
        pub relapse: u8,
    }

    pub fn lower_bounds(
        phq9: Option<i64>,
        gad7: Option<i64>,
        audit: Option<i64>,
        dast10: Option<i64>,
        ciwa_ar: Option<i64>,
        cows: Option<i64>,
        phq9_9: Option<i64>,
    ) -> Bounds {
        let b = |bands: Bands, t: Option<i64>| t.map(|t| band(bands, t).1);
        let ciwa = b(CIWA_AR_BANDS, ciwa_ar);
        let cows = b(COWS_BANDS, cows);
        let mut withdrawal = 0;
        if ciwa == Some("moderate") || cows == Some("moderate") {
            withdrawal = 2;
        }
        if ciwa == Some("severe") || cows == Some("moderately_severe") {
            withdrawal = 3;
        }
        if cows == Some("severe") {
            withdrawal = 4;
        }
        let phq = b(PHQ9_BANDS, phq9);
        let gad = b(GAD7_BANDS, gad7);
        let mut emotional = 0;
        if phq == Some("mild") || gad == Some("mild") {
            emotional = 1;
        }
        let worse = |x: Option<&str>| matches!(x, Some(s) if s != "minimal" && s != "mild");
        if worse(phq) || worse(gad) || phq9_9.is_some_and(|v| v > 0) {
            emotional = 2;
        }
        let relapse = match (b(AUDIT_BANDS, audit), b(DAST10_BANDS, dast10)) {
            (_, Some("severe")) => 4,
            (Some("zone_4"), _) | (_, Some("substantial")) => 3,
            (Some("zone_3"), _) | (_, Some("moderate")) => 2,
            (Some("zone_2"), _) | (_, Some("low")) => 1,
            _ => 0,
        };
        Bounds {
            withdrawal,
            emotional,
            relapse,
        }
    }
}

pub mod fixture {
    //! Intakes for the default rule set.

    use placement::cond::Tri;
    use placement::engine::{self, Assessment};
    use placement::intake::{self, Intake, Slot};
    use placement::rules::{load_default, RuleSet};
    use placement::yaml::Limits;
    use serde_json::{json, Map, Value};
    use std::sync::OnceLock;

    use super::oracle;

    pub fn rs() -> &'static RuleSet {
        static RS: OnceLock<RuleSet> = OnceLock::new();
        RS.get_or_init(|| {
            load_default()
                .unwrap_or_else(|e| panic!("the default rule set must load: {e}"))
                .rules
        })
    }

    /// A complete intake of a 40-year-old man who used alcohol and opioids
    /// in the past year but not in the past 30 days, so that CIWA-Ar and
    /// COWS are both asked: no symptoms, no risk, every rating 0.
    pub fn base() -> Map<String, Value> {
        let mut m = Map::new();
        let mut set = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        set("age", json!(40));
        set("sex_at_birth", json!("male"));
        set("referral_source", json!("self"));
        set(
            "reason_for_visit",
            json!("Wants a check-up on past drinking."),
        );
        set("substances", json!(["alcohol", "opioids"]));
        set("primary_substance", json!("alcohol"));
        set("days_used_30", json!(0));
        set("intoxicated_now", json!(false));
        set("last_use", json!("over_30_days"));
        set("heavy_alcohol_sedative_use", json!(false));
        set("daily_opioid_use", json!(false));
        set("past_withdrawal_seizure", json!(false));
        set("past_withdrawal_delirium", json!(false));
        set("ciwa_ar_total", json!(0));
        set("cows_total", json!(0));
        set("moud_current", json!(true));
        set("life_threatening_now", json!(false));
        set("chronic_condition", json!(false));
        set("injection_use", json!(false));
        set("overdose_past_year", json!(false));
        for i in 1..=9 {
            set(&format!("phq9_{i}"), json!(0));
        }
        set("functioning", json!("not_difficult"));
        for i in 1..=7 {
            set(&format!("gad7_{i}"), json!(0));
        }
        set("suicide_risk", json!("none"));
        set("homicide_risk", json!("none"));
        set("self_harm_recent", json!("never"));
        set("psychotic_symptoms", json!(false));
        set("mh_history", json!(false));
        set("cognitive_concerns", json!(false));
        set("stage_of_change", json!("maintenance"));
        set("importance_change", json!(8));
        set("mandated_treatment", json!(false));
        set("refuses_treatment", json!(false));
        set("treatment_goal", json!("Stay stopped."));
        for i in 1..=10 {
            set(&format!("audit_{i}"), json!(0));
        }
        for i in 1..=10 {
            // A person who uses no drugs answers yes to item 3 only.
            set(&format!("dast10_{i}"), json!(i == 3));
        }
        set("prior_treatment", json!(false));
        set("cravings", json!("none"));
        set("housing", json!("stable"));
        set("household_use", json!(false));
        set("unsafe_relationships", json!(false));
        set("recovery_support", json!("several_people"));
        set("life_stress", json!("low"));
        set("employment", json!("employed"));
        set("legal_problems", json!(false));
        set("dependents", json!(false));
        set("transport_barrier", json!(false));
        m
    }

    /// The base intake with some answers replaced (or added); a `null`
    /// value removes the answer.
    pub fn with(changes: &[(&str, Value)]) -> Map<String, Value> {
        let mut m = base();
        apply(&mut m, changes);
        m
    }

    pub fn apply(m: &mut Map<String, Value>, changes: &[(&str, Value)]) {
        for (k, v) in changes {
            if v.is_null() {
                m.remove(*k);
            } else {
                m.insert(k.to_string(), v.clone());
            }
        }
    }

    /// One intake document (a single JSON line).
    pub fn document(id: &str, answers: &Map<String, Value>) -> String {
        json!({"intake": 1, "id": id, "answers": answers}).to_string()
    }

    pub fn parse(answers: &Map<String, Value>) -> Intake {
        let text = document("t", answers);
        intake::parse(&text, rs(), &Limits::INTAKE)
            .unwrap_or_else(|e| panic!("intake must parse: {}\n{text}", e.message()))
    }

    pub fn assess(answers: &Map<String, Value>) -> Assessment {
        engine::score(rs(), &parse(answers))
    }

    /// The base intake's slots, parsed once.
    pub fn base_slots() -> &'static [Slot] {
        static S: OnceLock<Vec<Slot>> = OnceLock::new();
        S.get_or_init(|| parse(&base()).slots)
    }

    pub fn q(id: &str) -> usize {
        rs().question(id)
            .unwrap_or_else(|| panic!("the default rule set has no question `{id}`"))
    }

    pub fn option(question: &str, option: &str) -> usize {
        rs().questions[q(question)]
            .kind
            .options()
            .and_then(|o| o.iter().position(|x| x.id == option))
            .unwrap_or_else(|| panic!("`{question}` has no option `{option}`"))
    }

    /// Sets an integer or yes/no answer (1 yes, 0 no) in slots.
    pub fn set_num(slots: &mut [Slot], id: &str, x: i64) {
        slots[q(id)] = Slot::Num(x as f64);
    }

    pub fn set_choice(slots: &mut [Slot], id: &str, opt: &str) {
        slots[q(id)] = Slot::Num(option(id, opt) as f64);
    }

    pub fn dim(id: &str) -> usize {
        rs().dimensions
            .iter()
            .position(|d| d.id == id)
            .unwrap_or_else(|| panic!("no dimension {id}"))
    }

    /// Reported ratings in the oracle's dimension order.
    pub fn ratings(a: &Assessment) -> oracle::Ratings {
        let mut r = [0u8; 6];
        for (i, id) in oracle::DIMENSIONS.iter().enumerate() {
            r[i] = a.dimensions[dim(id)].rating;
        }
        r
    }

    pub fn max_ratings(a: &Assessment) -> oracle::Ratings {
        let mut r = [0u8; 6];
        for (i, id) in oracle::DIMENSIONS.iter().enumerate() {
            r[i] = a.dimensions[dim(id)].max_rating;
        }
        r
    }

    /// The oracle rank of a level index of the rule set.
    pub fn rank_of(level: usize) -> usize {
        oracle::rank(&rs().levels[level].id)
    }

    pub fn level_id(level: usize) -> &'static str {
        &rs().levels[level].id
    }

    pub fn instrument(a: &Assessment, id: &str) -> (Option<i64>, Option<&'static str>) {
        let i = rs()
            .instruments
            .iter()
            .position(|x| x.id == id)
            .unwrap_or_else(|| panic!("no instrument {id}"));
        let r = &a.instruments[i];
        (
            r.total,
            r.band.map(|b| rs().instruments[i].bands[b].id.as_str()),
        )
    }

    pub fn critical_flags(a: &Assessment) -> Vec<&'static str> {
        a.flags
            .iter()
            .filter(|&&f| rs().flags[f].severity == placement::rules::model::FlagSeverity::Critical)
            .map(|&f| rs().flags[f].id.as_str())
            .collect()
    }

    pub fn escalations_holding(a: &Assessment) -> Vec<&'static str> {
        a.escalations
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == Tri::True)
            .map(|(i, _)| rs().escalations[i].id.as_str())
            .collect()
    }

    pub fn supports(a: &Assessment) -> Vec<&'static str> {
        a.supports
            .iter()
            .map(|&s| rs().supports[s].id.as_str())
            .collect()
    }

    pub fn qids(idx: &[usize]) -> Vec<&'static str> {
        idx.iter().map(|&i| rs().questions[i].id.as_str()).collect()
    }

    /// Answers from engine slots, for the oracle: only answers that are
    /// used (answered, and the question is asked or possibly asked).
    pub struct SlotAnswers<'a> {
        pub slots: &'a [Slot],
        pub assessment: &'a Assessment,
    }

    impl oracle::Answers for SlotAnswers<'_> {
        fn int(&self, id: &str) -> Option<i64> {
            let i = q(id);
            match self.slots[i] {
                Slot::Num(x) if self.assessment.questions[i].used => Some(x as i64),
                _ => None,
            }
        }
        fn yes(&self, id: &str) -> Option<bool> {
            self.int(id).map(|x| x != 0)
        }
    }

    /// Answers from a JSON answers map.
    pub struct JsonAnswers<'a>(pub &'a Map<String, Value>);

    impl oracle::Answers for JsonAnswers<'_> {
        fn int(&self, id: &str) -> Option<i64> {
            self.0.get(id).and_then(Value::as_i64)
        }
        fn yes(&self, id: &str) -> Option<bool> {
            self.0.get(id).and_then(Value::as_bool)
        }
    }
}
