//! Shared helpers for the tests of the embedded default rule set.
//!
//! `oracle` hard-codes the facts of `../shared/domain.md`, version 2
//! (instrument scoring, bands and when each instrument is asked, the
//! placement policy table, the escalations, the rubric's "Lower bounds,
//! exactly"). Nothing in it is read from the rule files: it is what the
//! rule files are tested against.
//!
//! `fixture` builds intakes for the default rule set: a complete, benign
//! base intake (every rating 0, `outpatient`) that tests change a few
//! answers of, as JSON text or as engine slots. `fixture::with` keeps an
//! intake complete: answers of questions the changes make not asked are
//! dropped, questions they make asked get a benign answer.

#![allow(dead_code)]

pub mod removal;

pub mod oracle {
    //! The test oracle, from `domain.md` version 2.

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
    /// placement policy, version 2"): readiness and the living environment
    /// never raise intensity by themselves.
    pub const MINIMUMS: [[&str; 5]; 6] = [
        ["outpatient", "outpatient", "php", "inpatient", "inpatient"],
        ["outpatient", "outpatient", "iop", "inpatient", "inpatient"],
        ["outpatient", "outpatient", "iop", "php", "inpatient"],
        ["outpatient"; 5],
        ["outpatient", "outpatient", "iop", "php", "inpatient"],
        ["outpatient"; 5],
    ];

    /// Ratings in `DIMENSIONS` order.
    pub type Ratings = [u8; 6];

    pub fn rank(level: &str) -> usize {
        LEVELS
            .iter()
            .position(|l| *l == level)
            .unwrap_or_else(|| panic!("unknown level {level}"))
    }

    /// The eight escalations of version 2 and the level each gives
    /// (version 1's "three or more dimensions rated >= 3" is gone).
    pub const ESCALATIONS: [(&str, &str); 8] = [
        ("relapse >= 3 and environment >= 3", "inpatient"),
        ("emotional >= 3 and withdrawal >= 2", "inpatient"),
        ("emotional >= 3 and relapse >= 3", "inpatient"),
        ("emotional >= 3 and intoxicated at intake", "inpatient"),
        ("withdrawal >= 2 and environment >= 2", "inpatient"),
        ("withdrawal >= 2 and biomedical >= 2", "inpatient"),
        ("environment >= 4 and relapse >= 2", "inpatient"),
        ("environment >= 3 and relapse >= 1", "sober_living"),
    ];

    /// Which of `ESCALATIONS` hold for these ratings and the answer
    /// `intoxicated_now`.
    pub fn escalations(r: &Ratings, intoxicated: bool) -> [bool; 8] {
        [
            r[RELAPSE] >= 3 && r[ENVIRONMENT] >= 3,
            r[EMOTIONAL] >= 3 && r[WITHDRAWAL] >= 2,
            r[EMOTIONAL] >= 3 && r[RELAPSE] >= 3,
            r[EMOTIONAL] >= 3 && intoxicated,
            r[WITHDRAWAL] >= 2 && r[ENVIRONMENT] >= 2,
            r[WITHDRAWAL] >= 2 && r[BIOMEDICAL] >= 2,
            r[ENVIRONMENT] >= 4 && r[RELAPSE] >= 2,
            r[ENVIRONMENT] >= 3 && r[RELAPSE] >= 1,
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
    pub fn level(r: &Ratings, intoxicated: bool) -> usize {
        let mut l = minimums_level(r);
        for (i, holds) in escalations(r, intoxicated).iter().enumerate() {
            if *holds {
                l = l.min(rank(ESCALATIONS[i].1));
            }
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
    /// Version 2: 0-9 / 10-15 / 16-67 (version 1 had 10-18 / 19+).
    pub const CIWA_AR_BANDS: Bands = &[("minimal", 0, 9), ("moderate", 10, 15), ("severe", 16, 67)];
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

    /// Answers as the oracle reads them. `None`: not answered (or, for
    /// answers read from the engine, a question not certainly asked).
    pub trait Answers {
        /// An integer, or yes/no as 1/0.
        fn int(&self, id: &str) -> Option<i64>;
        fn yes(&self, id: &str) -> Option<bool> {
            self.int(id).map(|x| x != 0)
        }
        /// The option id of a single choice.
        fn choice(&self, id: &str) -> Option<String>;
        /// The option ids ticked in a multi choice.
        fn ticked(&self, id: &str) -> Option<Vec<String>>;
    }

    /// A "drug" of domain.md: any option of `substances` other than
    /// `alcohol`, `tobacco` and `none`.
    pub fn is_drug(option: &str) -> bool {
        !matches!(option, "alcohol" | "tobacco" | "none")
    }

    fn has_any(a: &dyn Answers, id: &str, f: impl Fn(&str) -> bool) -> Option<bool> {
        a.ticked(id).map(|v| v.iter().any(|o| f(o)))
    }

    /// Whether an instrument is asked (domain.md, "When each is asked"):
    /// PHQ-9, GAD-7 and AUDIT of everyone; DAST-10 with a drug in
    /// `substances`; CIWA-Ar with alcohol or sedatives; COWS with opioids.
    /// `None` when `substances` is not answered.
    pub fn applicable(instrument: &str, a: &dyn Answers) -> Option<bool> {
        match instrument {
            "phq9" | "gad7" | "audit" => Some(true),
            "dast10" => has_any(a, "substances", is_drug),
            "ciwa_ar" => has_any(a, "substances", |o| o == "alcohol" || o == "sedatives"),
            "cows" => has_any(a, "substances", |o| o == "opioids"),
            _ => panic!("unknown instrument {instrument}"),
        }
    }

    /// Whether AUDIT item `i` (1..=10) is asked, by the published skip:
    /// `audit_1` = 0 skips items 2-8; otherwise `audit_2` + `audit_3` = 0
    /// skips items 4-8; items 1, 9 and 10 are always asked. `None` when an
    /// answer it depends on is missing.
    pub fn audit_item_asked(i: usize, a: &dyn Answers) -> Option<bool> {
        match i {
            1 | 9 | 10 => Some(true),
            2 | 3 => Some(a.int("audit_1")? > 0),
            4..=8 => {
                if a.int("audit_1")? == 0 {
                    return Some(false);
                }
                Some(a.int("audit_2")? + a.int("audit_3")? > 0)
            }
            _ => panic!("AUDIT has no item {i}"),
        }
    }

    fn sum_ints(a: &dyn Answers, prefix: &str, n: usize) -> Option<i64> {
        (1..=n).map(|i| a.int(&format!("{prefix}{i}"))).sum()
    }

    /// AUDIT: items 1-8 0..4, items 9-10 0/2/4, summed; an item skipped by
    /// the published skip scores 0 (whatever answer it may carry).
    pub fn audit_total(a: &dyn Answers) -> Option<i64> {
        let mut t = 0;
        for i in 1..=10 {
            if audit_item_asked(i, a)? {
                t += a.int(&format!("audit_{i}"))?;
            }
        }
        Some(t)
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

    /// The oracle total of an instrument: `None` when it is not asked (or
    /// whether it is asked is not known) or an item is missing.
    pub fn total(instrument: &str, a: &dyn Answers) -> Option<i64> {
        if applicable(instrument, a) != Some(true) {
            return None;
        }
        match instrument {
            "phq9" => sum_ints(a, "phq9_", 9),
            "gad7" => sum_ints(a, "gad7_", 7),
            "audit" => audit_total(a),
            "dast10" => dast10_total(a),
            "ciwa_ar" => a.int("ciwa_ar_total"),
            "cows" => a.int("cows_total"),
            _ => panic!("unknown instrument {instrument}"),
        }
    }

    /// The band id of an instrument for these answers, if it has a total.
    pub fn band_of(instrument: &str, a: &dyn Answers) -> Option<&'static str> {
        total(instrument, a).map(|t| band(bands(instrument), t).1)
    }

    /// The rubric's "Lower bounds, exactly" (domain.md, "Rating rubric,
    /// version 2"): the least rating of withdrawal, emotional and relapse
    /// these answers allow.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Bounds {
        pub withdrawal: u8,
        pub emotional: u8,
        pub relapse: u8,
    }

    pub fn lower_bounds(a: &dyn Answers) -> Bounds {
        let is = |x: Option<&str>, ids: &[&str]| x.is_some_and(|x| ids.contains(&x));
        // withdrawal
        let ciwa = band_of("ciwa_ar", a);
        let cows = band_of("cows", a);
        let history = a.yes("past_withdrawal_seizure") == Some(true)
            || a.yes("past_withdrawal_delirium") == Some(true);
        let alc_sed_30 =
            has_any(a, "substances_30d", |o| o == "alcohol" || o == "sedatives") == Some(true);
        let drug_30 = has_any(a, "substances_30d", is_drug) == Some(true);
        let alcohol_30 = has_any(a, "substances_30d", |o| o == "alcohol") == Some(true);
        let days = a.int("days_used_30");
        let last_use = a.choice("last_use");
        let recent = days.is_some_and(|d| d >= 15)
            || is(last_use.as_deref(), &["within_72_hours", "days_3_to_7"]);
        let mut withdrawal = 0;
        if ciwa == Some("moderate") || cows == Some("moderately_severe") {
            withdrawal = 2;
        }
        if ciwa == Some("severe") || cows == Some("severe") || (history && alc_sed_30 && recent) {
            withdrawal = 3;
        }
        if ciwa == Some("severe") && history {
            withdrawal = 4;
        }
        // emotional
        let phq = band_of("phq9", a);
        let gad = band_of("gad7", a);
        let item9 = a.int("phq9_9");
        let risk = |id: &str, ids: &[&str]| is(a.choice(id).as_deref(), ids);
        let mut emotional = 0;
        if phq == Some("mild") || gad == Some("mild") {
            emotional = 1;
        }
        let worse = |x: Option<&str>| matches!(x, Some(s) if s != "minimal" && s != "mild");
        if worse(phq) || worse(gad) || item9.is_some_and(|v| v > 0) {
            emotional = 2;
        }
        if risk("suicide_risk", &["thoughts_no_intent"])
            || risk("homicide_risk", &["thoughts_no_intent"])
            || item9.is_some_and(|v| v >= 2)
            || risk("self_harm_recent", &["past_year", "past_30_days"])
        {
            emotional = 3;
        }
        let intent = ["intent_no_plan", "intent_with_plan"];
        if risk("suicide_risk", &intent) || risk("homicide_risk", &intent) {
            emotional = 4;
        }
        // relapse
        let audit = band_of("audit", a);
        let dast = band_of("dast10", a);
        let mut relapse = 0;
        if is(audit, &["zone_2", "zone_3", "zone_4"])
            || is(dast, &["low", "moderate", "substantial", "severe"])
        {
            relapse = 1;
        }
        if (audit == Some("zone_4") && alcohol_30)
            || (is(dast, &["substantial", "severe"]) && drug_30)
        {
            relapse = 2;
        }
        if dast == Some("severe") && drug_30 && days.is_some_and(|d| d >= 4) {
            relapse = 3;
        }
        Bounds {
            withdrawal,
            emotional,
            relapse,
        }
    }

    /// Alcohol, a sedative or an opioid in the past 7 days (`last_use`):
    /// the withdrawal rubric's row 1 against row 0.
    pub fn used_past_7_days(a: &dyn Answers) -> bool {
        matches!(
            a.choice("last_use").as_deref(),
            Some("within_72_hours" | "days_3_to_7")
        )
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
    use std::collections::BTreeSet;
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

    /// The benign answer to every question of the default set: no symptom,
    /// no risk, nothing that raises a rating or a flag. A new question
    /// must be given one here.
    pub fn benign(id: &str) -> Value {
        match id {
            "age" => json!(40),
            "sex_at_birth" => json!("male"),
            "pregnancy_status" => json!("not_pregnant"),
            "referral_source" => json!("self"),
            "reason_for_visit" => json!("Wants a check-up on past drinking."),
            "substances" => json!(["alcohol", "opioids"]),
            "substances_30d" => json!([]),
            "primary_substance" => json!("alcohol"),
            "days_used_30" => json!(0),
            "last_use" => json!("over_30_days"),
            "daily_sedative_use" => json!("no"),
            "condition_details" => json!("Type 2 diabetes, metformin."),
            "condition_status" => json!("stable"),
            "eating_disorder" => json!("no"),
            "overdose_count_12m" => json!(1),
            // Naloxone at hand is the protective answer.
            "naloxone_at_hand" => json!(true),
            "functioning" => json!("not_difficult"),
            "suicide_risk" | "homicide_risk" | "cravings" => json!("none"),
            "self_harm_recent" => json!("never"),
            "psychosis_course" => json!("stable_treated"),
            "self_care" => json!("able"),
            "psychosis_danger" => json!(["none"]),
            "stage_of_change" => json!("maintenance"),
            "importance_change" => json!(8),
            "treatment_goal" => json!("Stay stopped."),
            "housing" => json!("stable"),
            "recovery_support" => json!("several_people"),
            "life_stress" => json!("low"),
            "employment" => json!("employed"),
            "ciwa_ar_total" | "cows_total" => json!(0),
            // Asked only with medication for opioid use disorder; naltrexone
            // is not an opioid.
            "moud_medication" => json!("naltrexone"),
            // A person with no drug problem answers yes to item 3 only.
            "dast10_3" => json!(true),
            _ if id.starts_with("dast10_") => json!(false),
            _ if id.starts_with("phq9_") || id.starts_with("gad7_") || id.starts_with("audit_") => {
                json!(0)
            }
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
            | "moud_current"
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
            | "mandated_treatment"
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
            | "dependents"
            | "children_in_care"
            | "children_exposed"
            | "transport_barrier" => json!(false),
            _ => panic!("question `{id}` has no benign answer in the fixture"),
        }
    }

    /// The questions the base intake answers: exactly those asked given its
    /// answers.
    const BASE: &[&str] = &[
        "age",
        "sex_at_birth",
        "referral_source",
        "reason_for_visit",
        "substances",
        "substances_30d",
        "primary_substance",
        "days_used_30",
        "intoxicated_now",
        "last_use",
        "daily_sedative_use",
        "prescribed_opioid",
        "past_withdrawal_seizure",
        "past_withdrawal_delirium",
        "ciwa_ar_total",
        "cows_total",
        "moud_current",
        "life_threatening_now",
        "chronic_condition",
        "eating_disorder",
        "wernicke_signs",
        "injection_use",
        "overdose_past_year",
        "naloxone_at_hand",
        "functioning",
        "suicide_risk",
        "homicide_risk",
        "self_harm_recent",
        "psychotic_symptoms",
        "mh_history",
        "cognitive_concerns",
        "stage_of_change",
        "importance_change",
        "mandated_treatment",
        "refuses_treatment",
        "treatment_goal",
        "audit_1",
        "audit_9",
        "audit_10",
        "prior_treatment",
        "released_past_30_days",
        "cravings",
        "housing",
        "household_use",
        "unsafe_relationships",
        "recovery_support",
        "life_stress",
        "employment",
        "legal_problems",
        "dependents",
        "transport_barrier",
    ];

    /// A complete intake of a 40-year-old man who used alcohol and opioids
    /// in the past year but not in the past 30 days (`substances_30d`
    /// empty, `days_used_30` 0), is not on medication for opioid use
    /// disorder and has naloxone: CIWA-Ar, COWS and DAST-10 are asked.
    /// He never drinks now (`audit_1` 0, so AUDIT items 2-8 are skipped)
    /// and answers DAST-10 with no drug problem. No symptoms, no risk,
    /// every rating 0, `outpatient`.
    pub fn base() -> Map<String, Value> {
        let mut m = Map::new();
        for id in BASE {
            m.insert(id.to_string(), benign(id));
        }
        for i in 1..=9 {
            m.insert(format!("phq9_{i}"), json!(0));
        }
        for i in 1..=7 {
            m.insert(format!("gad7_{i}"), json!(0));
        }
        for i in 1..=10 {
            m.insert(format!("dast10_{i}"), benign(&format!("dast10_{i}")));
        }
        m
    }

    /// The base intake with some answers replaced (or added; a `null`
    /// value removes the answer), then kept complete: answers to questions
    /// that are no longer asked are dropped, questions that are now asked
    /// get their benign answer, and an answer drawn from another answer's
    /// options (`options_from`) keeps to them. The changed answers
    /// themselves are left exactly as given.
    pub fn with(changes: &[(&str, Value)]) -> Map<String, Value> {
        let mut m = base();
        apply(&mut m, changes);
        let fixed: BTreeSet<&str> = changes.iter().map(|(k, _)| *k).collect();
        complete(&mut m, &fixed);
        m
    }

    /// Like [`with`], with no normalisation: the answers exactly as given.
    pub fn with_raw(changes: &[(&str, Value)]) -> Map<String, Value> {
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

    /// Makes `m` follow the skip logic, leaving the answers in `fixed`.
    pub fn complete(m: &mut Map<String, Value>, fixed: &BTreeSet<&str>) {
        for _ in 0..8 {
            let mut changed = false;
            // Keep answers drawn from another answer's options to them.
            for q in &rs().questions {
                let Some(src) = q.options_from else { continue };
                if fixed.contains(q.id.as_str()) {
                    continue;
                }
                let ticked: Vec<String> = match m.get(&rs().questions[src].id) {
                    Some(Value::Array(v)) => v
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    _ => continue,
                };
                let offered: Vec<&str> = q
                    .kind
                    .options()
                    .map(|o| o.iter().map(|x| x.id.as_str()).collect())
                    .unwrap_or_default();
                match m.get(&q.id).cloned() {
                    Some(Value::String(s)) if !ticked.contains(&s) => {
                        match offered.iter().find(|o| ticked.iter().any(|t| t == *o)) {
                            Some(o) => m.insert(q.id.clone(), json!(o)),
                            None => m.remove(&q.id),
                        };
                        changed = true;
                    }
                    Some(Value::Array(v)) => {
                        let kept: Vec<Value> = v
                            .iter()
                            .filter(|x| x.as_str().is_some_and(|s| ticked.iter().any(|t| t == s)))
                            .cloned()
                            .collect();
                        if kept.len() != v.len() {
                            m.insert(q.id.clone(), Value::Array(kept));
                            changed = true;
                        }
                    }
                    _ => {}
                }
            }
            // An intake the reader refuses (a test of errors) is left as is.
            let text = document("t", m);
            let Ok(intake) = intake::parse(&text, rs(), &Limits::INTAKE) else {
                return;
            };
            let a = engine::score_slots(rs(), &intake.slots);
            for (i, q) in rs().questions.iter().enumerate() {
                if fixed.contains(q.id.as_str()) {
                    continue;
                }
                match (a.questions[i].applicable, m.contains_key(&q.id)) {
                    (Tri::False, true) => {
                        m.remove(&q.id);
                        changed = true;
                    }
                    (Tri::True, false) => {
                        m.insert(q.id.clone(), benign(&q.id));
                        changed = true;
                    }
                    _ => {}
                }
            }
            if !changed {
                return;
            }
        }
        panic!("the fixture does not settle: {m:?}");
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

    pub fn set_multi(slots: &mut [Slot], id: &str, opts: &[&str]) {
        slots[q(id)] = Slot::Multi(opts.iter().fold(0, |m, o| m | 1u64 << option(id, o)));
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

    /// `intoxicated_now` as answered in `slots` (for certain, and whether
    /// it could be yes once missing answers are known).
    pub fn intoxicated(slots: &[Slot], a: &Assessment) -> (bool, bool) {
        let i = q("intoxicated_now");
        let app = a.questions[i].applicable;
        match slots[i] {
            Slot::Num(x) if app == Tri::True => (x != 0.0, x != 0.0),
            Slot::Num(x) if app == Tri::Unknown => (false, x != 0.0),
            _ if app == Tri::False => (false, false),
            _ => (false, true),
        }
    }

    pub fn instrument(a: &Assessment, id: &str) -> (Option<i64>, Option<&'static str>) {
        let i = instrument_index(id);
        let r = &a.instruments[i];
        (
            r.total,
            r.band.map(|b| rs().instruments[i].bands[b].id.as_str()),
        )
    }

    pub fn instrument_index(id: &str) -> usize {
        rs().instruments
            .iter()
            .position(|x| x.id == id)
            .unwrap_or_else(|| panic!("no instrument {id}"))
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

    fn option_ids(i: usize, mask: u64) -> Vec<String> {
        rs().questions[i]
            .kind
            .options()
            .map(|o| {
                o.iter()
                    .enumerate()
                    .filter(|(k, _)| mask & (1u64 << k) != 0)
                    .map(|(_, x)| x.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Answers from engine slots, for the oracle. Instrument items are read
    /// as answered (the oracle applies the instruments' own skip rules);
    /// every other answer only where the question is certainly asked.
    pub struct SlotAnswers<'a> {
        pub slots: &'a [Slot],
        pub assessment: &'a Assessment,
    }

    impl SlotAnswers<'_> {
        fn slot(&self, id: &str) -> Option<Slot> {
            let i = q(id);
            let item = ["phq9_", "gad7_", "audit_", "dast10_"]
                .iter()
                .any(|p| id.starts_with(p))
                || id == "ciwa_ar_total"
                || id == "cows_total";
            if !item && self.assessment.questions[i].applicable != Tri::True {
                return None;
            }
            Some(self.slots[i].clone()).filter(Slot::is_answer)
        }
    }

    impl oracle::Answers for SlotAnswers<'_> {
        fn int(&self, id: &str) -> Option<i64> {
            match self.slot(id)? {
                Slot::Num(x) => Some(x as i64),
                _ => None,
            }
        }
        fn choice(&self, id: &str) -> Option<String> {
            let i = self.int(id)? as usize;
            Some(rs().questions[q(id)].kind.options()?[i].id.clone())
        }
        fn ticked(&self, id: &str) -> Option<Vec<String>> {
            match self.slot(id)? {
                Slot::Multi(m) => Some(option_ids(q(id), m)),
                _ => None,
            }
        }
    }

    /// Answers from a JSON answers map.
    pub struct JsonAnswers<'a>(pub &'a Map<String, Value>);

    impl oracle::Answers for JsonAnswers<'_> {
        fn int(&self, id: &str) -> Option<i64> {
            let v = self.0.get(id)?;
            v.as_i64().or_else(|| v.as_bool().map(i64::from))
        }
        fn choice(&self, id: &str) -> Option<String> {
            self.0.get(id)?.as_str().map(str::to_string)
        }
        fn ticked(&self, id: &str) -> Option<Vec<String>> {
            Some(
                self.0
                    .get(id)?
                    .as_array()?
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            )
        }
    }
}
