//! The interview behind `placement assess`, driven by scripted answers
//! against the default rule set: skip logic, validation, declined answers,
//! help, running totals, flags, review edits, resume, override, exclusion.

use placement::assess::{
    Interview, MemoryStore, Notice, Outcome, Scripted, Step, KEY_ACKNOWLEDGE, KEY_CONFIRM_NONE,
    KEY_CONTRADICTION, KEY_EXCLUDED, KEY_PLACEMENT, KEY_PLACEMENT_LEVEL, KEY_PLACEMENT_NOTE,
    KEY_PLACEMENT_REASON, KEY_REVIEW, KEY_REVIEW_QUESTION,
};
use placement::engine::score;
use placement::intake::to_yaml;
use placement::intake::{parse, Intake, Slot};
use placement::rules::model::{FlagSeverity, QuestionKind, RuleSet};
use placement::yaml::Limits;
use std::sync::OnceLock;

fn rs() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        placement::rules::load_default()
            .expect("default rules")
            .rules
    })
}

const NOW: &str = "2026-11-26T14:05:00Z";

fn t(s: &str) -> Step {
    Step::Type(s.to_string())
}

/// A least-severe answer for every question, with `overrides` instead for
/// the keys they name; review confirmed, recommendation accepted.
fn script(overrides: &[(&str, Vec<Step>)]) -> Scripted {
    let mut s = Scripted::new();
    for q in &rs().questions {
        if let Some((_, steps)) = overrides.iter().find(|(k, _)| *k == q.id) {
            s = s.on(&q.id, steps.clone());
            continue;
        }
        let step = match &q.kind {
            QuestionKind::SingleChoice(_) => Step::Pick(0),
            QuestionKind::MultiChoice(_) => Step::Tick(vec![0]),
            QuestionKind::YesNo => Step::No,
            QuestionKind::Integer { min, allowed, .. } => t(&allowed
                .as_ref()
                .and_then(|a| a.first().copied())
                .unwrap_or(*min)
                .to_string()),
            QuestionKind::Number { min, .. } => t(&min.to_string()),
            QuestionKind::Text { .. } => t("Fictional answer."),
        };
        s = s.on(&q.id, [step]);
    }
    for (k, steps) in overrides {
        if rs().question(k).is_none() {
            s = s.on(k, steps.clone());
        }
    }
    s
}

/// Review confirmed, recommendation accepted, and contradictions kept
/// (the least severe answers can contradict each other: no day of use
/// with alcohol ticked for the past 30 days).
fn with_defaults(s: Scripted) -> Scripted {
    s.on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(0)])
        .on(
            KEY_CONTRADICTION,
            vec![Step::PickText("Keep these answers".into()); 20],
        )
}

fn interview(intake: Intake) -> Interview<'static, MemoryStore> {
    Interview::new(rs(), intake, MemoryStore::default(), || NOW.to_string())
        .assessor(Some("staff-17".into()))
}

fn last_saved(iv: &Interview<MemoryStore>) -> Intake {
    iv.store()
        .saves
        .last()
        .cloned()
        .expect("saved at least once")
}

/// The saved intake, written and read back as a file.
fn reread(intake: &Intake) -> Intake {
    let text = to_yaml(rs(), intake);
    parse(&text, rs(), &Limits::INTAKE).unwrap_or_else(|e| panic!("{}\n{text}", e.message()))
}

fn q(id: &str) -> usize {
    rs().question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

#[test]
fn full_interview_records_recommendation_and_placement() {
    let mut p = with_defaults(script(&[("age", vec![t("34")])]));
    let mut iv = interview(Intake::default());
    let out = iv.run(&mut p, true).unwrap();
    assert_eq!(out, Outcome::Complete);
    let saved = last_saved(&iv);
    assert_eq!(saved.status.as_deref(), Some("complete"));
    assert_eq!(saved.assessed_at.as_deref(), Some(NOW));
    let back = reread(&saved);
    assert_eq!(back, saved);
    let a = score(rs(), &back);
    assert!(a.complete(), "missing: {:?}", a.missing);
    let level = &rs().levels[a.level].id;
    assert_eq!(
        back.recommendation.as_ref().and_then(|r| r.level.as_ref()),
        Some(level)
    );
    assert_eq!(back.placement.as_ref().map(|p| p.level), Some(a.level));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    // One save per answer, plus the first and the last.
    let answered = back.slots.iter().filter(|s| **s != Slot::Absent).count();
    assert!(
        iv.store().saves.len() > answered,
        "{} saves",
        iv.store().saves.len()
    );
    // The result was shown before the placement was asked.
    let result_at = p
        .shown
        .iter()
        .position(|n| matches!(n, Notice::Result { .. }))
        .unwrap();
    assert!(p.shown[..result_at]
        .iter()
        .any(|n| matches!(n, Notice::Review(_))));
    assert_eq!(p.asked.last().map(String::as_str), Some(KEY_PLACEMENT));
}

#[test]
fn skip_logic_follows_the_answers() {
    // No substances: no questions about the past 30 days' use or the
    // withdrawal scales (the questions on last use and withdrawal history
    // are asked of everyone); a man: no pregnancy question; a retired
    // question never.
    let mut p = with_defaults(script(&[("age", vec![t("40")])]));
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    for id in [
        "pregnancy_status",
        "substances_30d",
        "primary_substance",
        "days_used_30",
        "ciwa_ar_total",
        "cows_total",
        "heavy_alcohol_sedative_use",
    ] {
        assert!(!p.asked.iter().any(|k| k == id), "{id} was asked");
    }
    // Alcohol only, a woman: pregnancy and the alcohol withdrawal questions,
    // not the opioid ones.
    let alcohol = rs().questions[q("substances")]
        .kind
        .options()
        .unwrap()
        .iter()
        .position(|o| o.id == "alcohol")
        .unwrap();
    let mut p = with_defaults(script(&[
        ("age", vec![t("40")]),
        ("sex_at_birth", vec![Step::PickText("Female".into())]),
        ("substances", vec![Step::Tick(vec![alcohol])]),
    ]));
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    for id in [
        "pregnancy_status",
        "substances_30d",
        "primary_substance",
        "days_used_30",
        "last_use",
        "ciwa_ar_total",
    ] {
        assert!(p.asked.iter().any(|k| k == id), "{id} was not asked");
    }
    for id in [
        "cows_total",
        "daily_opioid_use",
        "moud_current",
        "heavy_alcohol_sedative_use",
    ] {
        assert!(!p.asked.iter().any(|k| k == id), "{id} was asked");
    }
    // The progress line counts only questions that apply so far: the total
    // shrinks once skip logic rules questions out.
    let first = &p.progress[0];
    let last = p.progress.last().unwrap();
    assert!(
        first.ends_with(&format!(
            "question 1 of {}",
            rs().questions.iter().filter(|q| !q.retired).count()
        )),
        "{first}"
    );
    let total: usize = last.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(total < rs().questions.len());
    assert!(
        last.ends_with(&format!("question {total} of {total}")),
        "{last}"
    );
    assert!(p.progress[0].starts_with(&rs().sections[0].title));
}

#[test]
fn bad_numbers_are_asked_again() {
    let mut p = with_defaults(script(&[(
        "age",
        vec![t("abc"), t("150"), t("3.5"), t("34")],
    )]));
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    assert_eq!(p.rejected.len(), 3, "{:?}", p.rejected);
    assert!(p.rejected[1].contains("0 to 120"), "{}", p.rejected[1]);
    assert_eq!(last_saved(&iv).slots[q("age")], Slot::Num(34.0));
    // AUDIT item 9 takes only 0, 2 or 4; its labelled scale is a pick list.
    assert!(matches!(
        rs().questions[q("audit_9")].kind,
        QuestionKind::Integer {
            allowed: Some(_),
            ..
        }
    ));
}

#[test]
fn declined_answers_are_recorded_and_help_is_shown() {
    let mut p = with_defaults(script(&[
        ("age", vec![Step::Help, t("52")]),
        ("phq9_4", vec![Step::Decline]),
        ("reason_for_visit", vec![Step::Decline]),
        ("housing", vec![Step::Decline]),
        ("substances", vec![Step::Help, Step::Tick(vec![0])]),
    ]));
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    let saved = reread(&last_saved(&iv));
    for id in ["phq9_4", "reason_for_visit", "housing"] {
        assert_eq!(saved.slots[q(id)], Slot::Declined, "{id}");
    }
    for id in ["age", "substances"] {
        let help = rs().questions[q(id)].help.clone().unwrap();
        assert!(p.shown.contains(&Notice::Help(help)), "{id}");
    }
    // PHQ-9 has a missing item: no total is shown for it.
    assert!(!p
        .shown
        .iter()
        .any(|n| matches!(n, Notice::Total { instrument, .. } if instrument.contains("PHQ"))));
    // A declined answer is missing: the result says so.
    let a = score(rs(), &saved);
    assert!(a.missing.contains(&q("phq9_4")));
}

#[test]
fn instrument_totals_and_critical_flags_show_at_once() {
    let mut p = with_defaults(script(&[
        ("age", vec![t("29")]),
        ("phq9_1", vec![t("3")]),
        ("phq9_2", vec![t("3")]),
        ("phq9_3", vec![t("2")]),
        ("phq9_9", vec![t("1")]),
    ]));
    let mut iv = interview(Intake {
        assessor: Some("staff-17".into()),
        ..Intake::default()
    });
    iv.run(&mut p, true).unwrap();
    let total = p
        .shown
        .iter()
        .find_map(|n| match n {
            Notice::Total {
                instrument,
                total,
                band,
                ..
            } if instrument.contains("PHQ-9") => Some((*total, band.clone())),
            _ => None,
        })
        .expect("PHQ-9 total shown");
    assert_eq!(total, (9, "mild".to_string()));
    // The flag is shown right after the item that raises it, before the
    // next question, and acknowledged.
    let flag_at = p
        .shown
        .iter()
        .position(|n| matches!(n, Notice::Flag { severity: FlagSeverity::Critical, id, .. } if id == "self_harm_thoughts"))
        .expect("flag shown");
    assert!(p.shown[..flag_at]
        .iter()
        .any(|n| matches!(n, Notice::Total { .. })));
    let phq9_9_at = p.asked.iter().position(|k| k == "phq9_9").unwrap();
    assert_eq!(p.asked[phq9_9_at + 1], KEY_ACKNOWLEDGE);
    let saved = last_saved(&iv);
    assert_eq!(saved.acknowledged_flags.len(), 1);
    let ack = &saved.acknowledged_flags[0];
    assert_eq!(
        (ack.id.as_str(), ack.at.as_deref(), ack.by.as_deref()),
        ("self_harm_thoughts", Some(NOW), Some("staff-17"))
    );
}

#[test]
fn review_edits_reevaluate_skip_logic() {
    let options = rs().questions[q("substances")].kind.options().unwrap();
    let idx = |id: &str| options.iter().position(|o| o.id == id).unwrap();
    let basics = rs().sections[rs().questions[q("substances")].section]
        .title
        .clone();
    // The review cuts a long question short: at its end, or, where the
    // next question starts the same way (the past 30 days' substances), at
    // its start. Pick it by its start the first time and by its end after.
    let text = &rs().questions[q("substances")].text;
    let sub_start: String = text.chars().take(40).collect();
    let sub_end: String = text.chars().skip(text.chars().count() - 30).collect();
    let mut p = script(&[
        ("age", vec![t("45")]),
        // First no substances; in the review, opioids; in a second review,
        // none again.
        (
            "substances",
            vec![
                Step::Tick(vec![0]),
                Step::Tick(vec![idx("opioids")]),
                Step::Tick(vec![0]),
            ],
        ),
        ("cows_total", vec![t("14")]),
        ("daily_opioid_use", vec![Step::Yes]),
    ])
    .on(
        KEY_REVIEW,
        [
            Step::PickText(basics.clone()),
            Step::PickText(basics),
            Step::Pick(0),
            Step::Pick(0),
        ],
    )
    .on(
        KEY_REVIEW_QUESTION,
        [Step::PickText(sub_start), Step::PickText(sub_end)],
    )
    .on(KEY_PLACEMENT, [Step::Pick(0)])
    .on(
        KEY_CONTRADICTION,
        vec![Step::PickText("Keep these answers".into()); 20],
    );
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    // After the first edit the opioid questions were asked; after the
    // second they no longer apply and are dropped.
    let cows_at = p
        .asked
        .iter()
        .position(|k| k == "cows_total")
        .expect("cows asked after the edit");
    let second_review = p
        .asked
        .iter()
        .enumerate()
        .filter(|(_, k)| *k == KEY_REVIEW)
        .nth(1)
        .unwrap()
        .0;
    assert!(cows_at < second_review);
    // The first edit drops the lifetime opioid question (opioid users are
    // not asked it); the second drops the opioid questions.
    let dropped: Vec<Vec<String>> = p
        .shown
        .iter()
        .filter_map(|n| match n {
            Notice::Dropped(ids) => Some(ids.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert_eq!(dropped[0], ["lifetime_opioid_use"]);
    assert!(
        dropped[1].contains(&"cows_total".to_string()),
        "{dropped:?}"
    );
    // The result shown is the file's: no answers kept but not used.
    let shown = p
        .shown
        .iter()
        .find_map(|n| match n {
            Notice::Result { assessment, .. } => Some(assessment.clone()),
            _ => None,
        })
        .unwrap();
    assert!(shown.warnings.is_empty(), "{:?}", shown.warnings);
    let saved = reread(&last_saved(&iv));
    assert_eq!(saved.slots[q("cows_total")], Slot::Absent);
    assert_eq!(saved.slots[q("substances")], Slot::Multi(1));
    let a = score(rs(), &saved);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert!(a.complete());
}

#[test]
fn an_interrupted_interview_resumes_at_the_first_unanswered_question() {
    // Stop at PHQ-9 item 3 (no step for it: an interruption).
    let mut p = script(&[("age", vec![t("33")]), ("phq9_3", vec![Step::Interrupt])]);
    let mut iv = interview(Intake {
        id: Some("2026-0042".into()),
        ..Intake::default()
    });
    let err = iv.run(&mut p, true).unwrap_err();
    assert!(matches!(err, placement::assess::AssessError::Interrupted));
    let saved = last_saved(&iv);
    assert_eq!(saved.status.as_deref(), Some("in_progress"));
    assert!(saved.slots[q("phq9_2")].is_answer());
    assert_eq!(saved.slots[q("phq9_3")], Slot::Absent);

    // What a resumed session reads is the file as written.
    let resumed = reread(&saved);
    let mut p2 = with_defaults(script(&[("phq9_3", vec![t("2")])]));
    let mut iv2 = interview(resumed);
    assert_eq!(iv2.next_question(), Some(q("phq9_3")));
    iv2.run(&mut p2, true).unwrap();
    let first_question = p2
        .asked
        .iter()
        .find(|k| rs().question(k).is_some())
        .unwrap();
    assert_eq!(first_question, "phq9_3");
    assert!(!p2.asked.iter().any(|k| k == "age"));
    let done = last_saved(&iv2);
    assert_eq!(done.id.as_deref(), Some("2026-0042"));
    assert_eq!(done.status.as_deref(), Some("complete"));
    assert_eq!(done.slots[q("age")], Slot::Num(33.0));
}

#[test]
fn an_override_records_level_reason_and_required_note() {
    let other = rs()
        .override_reasons
        .iter()
        .find(|r| r.note_required)
        .expect("a reason that needs a note");
    let mut p = script(&[("age", vec![t("38")])])
        .on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(1)])
        .on(
            KEY_PLACEMENT_LEVEL,
            [Step::PickText(rs().levels[0].name.clone())],
        )
        .on(KEY_PLACEMENT_REASON, [Step::PickText(other.label.clone())])
        .on(
            KEY_PLACEMENT_NOTE,
            [t("  "), t("Court letter \"B\"\nsecond line")],
        );
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    assert_eq!(p.rejected, vec!["This reason needs a note.".to_string()]);
    let saved = reread(&last_saved(&iv));
    let a = score(rs(), &saved);
    let placement = saved.placement.clone().unwrap();
    assert_eq!(placement.level, 0);
    assert_ne!(
        placement.level, a.level,
        "the test needs a recommendation other than the most intensive level"
    );
    assert_eq!(
        placement
            .reason
            .map(|r| rs().override_reasons[r].id.clone()),
        Some(other.id.clone())
    );
    assert_eq!(
        placement.note.as_deref(),
        Some("Court letter \"B\"\nsecond line")
    );
    assert_eq!(
        saved.recommendation.and_then(|r| r.level),
        Some(rs().levels[a.level].id.clone())
    );
}

#[test]
fn an_exclusion_stops_without_a_level_or_lets_the_answer_be_corrected() {
    let mut p = script(&[("age", vec![t("16")])]).on(KEY_EXCLUDED, [Step::PickText("Stop".into())]);
    let mut iv = interview(Intake::default());
    let out = iv.run(&mut p, true).unwrap();
    assert!(matches!(out, Outcome::Excluded(_)));
    assert!(p.shown.iter().any(|n| matches!(n, Notice::Excluded { .. })));
    assert_eq!(p.asked, vec!["age".to_string(), KEY_EXCLUDED.to_string()]);
    let saved = reread(&last_saved(&iv));
    assert_eq!(saved.status.as_deref(), Some("in_progress"));
    assert!(saved.recommendation.is_none() && saved.placement.is_none());
    assert!(!score(rs(), &saved).excluded.is_empty());

    // Resumed, the same file offers to correct the age.
    let mut p = with_defaults(
        script(&[("age", vec![t("61")])])
            .on(KEY_EXCLUDED, [Step::PickText("Change the answer".into())]),
    );
    let mut iv = interview(saved);
    assert_eq!(iv.run(&mut p, true).unwrap(), Outcome::Complete);
    assert_eq!(last_saved(&iv).slots[q("age")], Slot::Num(61.0));
}

#[test]
fn ticking_nothing_is_confirmed() {
    let mut p = with_defaults(script(&[
        ("age", vec![t("30")]),
        ("substances", vec![Step::Tick(vec![]), Step::Tick(vec![])]),
    ]))
    .on(KEY_CONFIRM_NONE, [Step::No, Step::Yes]);
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    assert_eq!(p.asked.iter().filter(|k| *k == "substances").count(), 2);
    assert_eq!(last_saved(&iv).slots[q("substances")], Slot::Multi(0));
}

#[test]
fn a_prefilled_intake_runs_without_prompts() {
    // Answer everything once, then run again from the saved answers with
    // no terminal.
    let mut p = with_defaults(script(&[("age", vec![t("47")])]));
    let mut iv = interview(Intake::default());
    iv.run(&mut p, true).unwrap();
    let mut answers = reread(&last_saved(&iv));
    answers.recommendation = None;
    answers.placement = None;
    let mut none = Scripted::new();
    let mut iv = interview(answers);
    assert!(!iv.has_questions_left());
    assert_eq!(iv.run(&mut none, false).unwrap(), Outcome::Complete);
    assert!(none.asked.is_empty());
    let saved = last_saved(&iv);
    assert_eq!(saved.status.as_deref(), Some("complete"));
    assert!(saved.recommendation.is_some());
    assert!(saved.placement.is_none());
}

// ---- A flag's `action` in the interview (mini rule set) -------------------------

fn mini() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        placement::rules::load_path(&dir, 1 << 20)
            .expect("mini rules")
            .rules
    })
}

#[test]
fn flags_are_shown_with_their_action_and_again_before_the_placement() {
    // Under three hours of sleep (critical `no_sleep`) and money worries
    // (warning `money_trouble`), both with an `action` in the mini rules.
    let mut p = Scripted::new()
        .on("age", [t("40")])
        .on("housing", [Step::Pick(0)])
        .on("stressors", [Step::Tick(vec![1])])
        .on("has_support", [Step::Yes])
        .on("sleep_hours", [t("2.5")])
        .on("notes", [t("Fictional.")])
        .on("wq_1", [Step::No])
        .on("wq_2", [Step::No])
        .on("wq_3", [Step::Yes])
        .on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), || {
        NOW.to_string()
    })
    .assessor(Some("staff-17".into()));
    assert_eq!(iv.run(&mut p, true).unwrap(), Outcome::Complete);
    let flags: Vec<(&str, FlagSeverity, Option<&str>)> = p
        .shown
        .iter()
        .filter_map(|n| match n {
            Notice::Flag {
                id,
                severity,
                action,
                ..
            } => Some((id.as_str(), *severity, action.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        flags,
        [
            // Raised before the first answer, while `age` is missing.
            ("age_unknown", FlagSeverity::Warning, None),
            (
                "money_trouble",
                FlagSeverity::Warning,
                Some("Give the advice line's number before the client leaves.")
            ),
            (
                "no_sleep",
                FlagSeverity::Critical,
                Some("Book a same-day check with the duty clinician before the client leaves.")
            ),
            ("notes_given", FlagSeverity::Info, None),
        ]
    );
    // The critical flag was acknowledged once (the mini rules have no
    // flag actions: "seen").
    assert_eq!(
        p.asked
            .iter()
            .filter(|k| k.as_str() == KEY_ACKNOWLEDGE)
            .count(),
        1
    );
    // Right before the placement: the critical flag again, with its action.
    let Some(Notice::CriticalFlags(list)) = p.shown.last() else {
        panic!("{:?}", p.shown.last());
    };
    assert_eq!(
        list.iter()
            .map(|f| (
                f.id.as_str(),
                f.action.as_deref(),
                f.acknowledged.as_deref()
            ))
            .collect::<Vec<_>>(),
        // Acknowledged by the assessor of the session.
        [(
            "no_sleep",
            Some("Book a same-day check with the duty clinician before the client leaves."),
            Some("seen (staff-17)")
        )]
    );
    assert_eq!(p.asked.last().map(String::as_str), Some(KEY_PLACEMENT));
}

/// The mini rule set with one error-level consistency check: an age of
/// 100 or more with nobody to call on (fictional).
fn mini_with_error_check() -> RuleSet {
    let dir = tempfile::tempdir().unwrap();
    let mini = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for f in ["00-set.yaml", "10-questions.yaml"] {
        std::fs::copy(mini.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("20-checks.yaml"),
        "checks:\n  - id: old_alone\n    when: age >= 100 and has_support == false\n    message: an age of 100 or more with nobody to call on\n    severity: error\n",
    )
    .unwrap();
    placement::rules::load_path(dir.path(), 1 << 20)
        .expect("mini with a check")
        .rules
}

#[test]
fn an_error_contradiction_is_changed_or_stops_the_interview() {
    let mini = mini_with_error_check();
    let age = mini.question("age").unwrap();
    let has_support = mini.question("has_support").unwrap();
    let steps = |choice: Step| {
        Scripted::new()
            .on("age", [t("100")])
            .on("housing", [Step::Pick(0)])
            .on("stressors", [Step::Tick(vec![0])])
            .on("has_support", [Step::No])
            .on(KEY_CONTRADICTION, [choice])
    };
    // Stop: no level, the file stays in progress with both answers.
    let mut p = steps(Step::PickText("Stop the interview here".into()));
    let mut iv = Interview::new(&mini, Intake::default(), MemoryStore::default(), || {
        NOW.to_string()
    })
    .assessor(Some("staff-17".into()));
    assert_eq!(iv.run(&mut p, true).unwrap(), Outcome::Contradiction(0));
    let saved = last_saved(&iv);
    assert_eq!(saved.status.as_deref(), Some("in_progress"));
    assert_eq!(saved.slots[age], Slot::Num(100.0));
    assert_eq!(saved.slots[has_support], Slot::Num(0.0));
    assert!(saved.recommendation.is_none());
    // Shown at once, naming both answers; no way to keep them.
    assert!(
        p.shown.iter().any(|n| matches!(n, Notice::Contradiction { id, text, error: true }
            if id == "old_alone" && text == "contradiction `old_alone` between `age` and `has_support`: an age of 100 or more with nobody to call on")),
        "{:?}",
        p.shown
    );
    assert_eq!(
        p.last_items,
        [
            "Change the answer to “How old are you?”",
            "Change the answer to “Is there someone you can call on?”",
            "Stop the interview here (the answers are saved; resume to correct them)",
        ]
    );
    // Resumed: it is shown again before anything else; the age is changed
    // and the interview goes on.
    let mut p = Scripted::new()
        .on(KEY_CONTRADICTION, [Step::Pick(0)])
        .on("age", [t("45")])
        .on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(&mini, saved, MemoryStore::default(), || NOW.to_string())
        .assessor(Some("staff-17".into()));
    let outcome = iv.run(&mut p, true);
    assert_eq!(p.asked.first().map(String::as_str), Some(KEY_CONTRADICTION));
    assert!(
        p.asked.iter().any(|k| k == "age"),
        "{:?} {outcome:?}",
        p.asked
    );
    assert_eq!(last_saved(&iv).slots[age], Slot::Num(45.0));
    assert!(iv.contradictions().is_empty());
}
