//! The interview behind `placement assess`, driven by scripted answers:
//! Back and Jump, exclusive options and options drawn from another answer,
//! what is recorded when a critical flag is acknowledged, the critical
//! flags shown before the placement, the override reasons offered, and a
//! review that shows only what a change changed.

use placement::assess::AssessError;
use placement::assess::{
    Interview, MemoryStore, Notice, Scripted, Step, KEY_ACKNOWLEDGE, KEY_ACK_NOTE,
    KEY_CONTRADICTION, KEY_PLACEMENT, KEY_PLACEMENT_LEVEL, KEY_PLACEMENT_NOTE,
    KEY_PLACEMENT_REASON, KEY_REVIEW, KEY_REVIEW_QUESTION, KEY_SECTIONS,
};
use placement::intake::{Intake, Slot};
use placement::rules::model::{QuestionKind, RuleSet};
use std::sync::OnceLock;

fn rs() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        placement::rules::load_default()
            .expect("default rules")
            .rules
    })
}

const NOW: &str = "2026-11-30T10:00:00Z";

fn t(s: &str) -> Step {
    Step::Type(s.to_string())
}

fn q(id: &str) -> usize {
    rs().question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn option(question: &str, id: &str) -> usize {
    rs().questions[q(question)]
        .kind
        .options()
        .unwrap()
        .iter()
        .position(|o| o.id == id)
        .unwrap()
}

/// A least-severe answer for every question, with `overrides` first for
/// the keys they name; the review confirmed, the recommendation accepted.
fn script(overrides: &[(&str, Vec<Step>)]) -> Scripted {
    let mut s = Scripted::new();
    for (k, steps) in overrides {
        s = s.on(k, steps.clone());
    }
    for question in &rs().questions {
        if overrides.iter().any(|(k, _)| *k == question.id) {
            continue;
        }
        let step = match &question.kind {
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
        s = s.on(&question.id, [step]);
    }
    if !overrides.iter().any(|(k, _)| *k == KEY_REVIEW) {
        s = s.on(KEY_REVIEW, [Step::Pick(0)]);
    }
    if !overrides.iter().any(|(k, _)| *k == KEY_PLACEMENT) {
        s = s.on(KEY_PLACEMENT, [Step::Pick(0)]);
    }
    // The least severe answers can contradict each other (no day of use
    // with alcohol ticked for the past 30 days): keep them.
    keep_contradictions(s)
}

fn keep_contradictions(s: Scripted) -> Scripted {
    s.on(
        KEY_CONTRADICTION,
        vec![Step::PickText("Keep these answers".into()); 20],
    )
}

fn run(p: &mut Scripted, intake: Intake) -> (Result<(), AssessError>, Intake) {
    let mut iv = Interview::new(rs(), intake, MemoryStore::default(), || NOW.to_string())
        .assessor(Some("staff-17".into()));
    let r = iv.run(p, true).map(|_| ());
    let saved = iv.store().saves.last().cloned().expect("saved");
    (r, saved)
}

#[test]
fn back_returns_to_the_previous_question_and_answers_move_on_from_there() {
    let mut p = script(&[
        ("age", vec![Step::Back, t("38"), t("45")]),
        ("sex_at_birth", vec![Step::Back, Step::Pick(1)]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    // Back on the first question stays there, and says so.
    assert!(p
        .shown
        .contains(&Notice::Info("This is the first question.".into())));
    assert_eq!(
        p.asked[..5],
        ["age", "age", "sex_at_birth", "age", "sex_at_birth"].map(String::from)
    );
    // The question after sex_at_birth comes next: the interview goes on.
    assert_eq!(p.asked[5], "pregnancy_status");
    assert_eq!(saved.slots[q("age")], Slot::Num(45.0));
    assert_eq!(
        saved.slots[q("sex_at_birth")],
        Slot::Num(option("sex_at_birth", "female") as f64)
    );
}

#[test]
fn jump_goes_to_a_section_and_walks_forward_to_where_it_stood() {
    let mut p = script(&[
        ("age", vec![t("38"), Step::Keep]),
        ("sex_at_birth", vec![Step::Pick(0), Step::Pick(0)]),
        (
            "referral_source",
            vec![Step::Jump, Step::Jump, Step::Pick(2)],
        ),
        // First "continue where it stood", then the first section.
        (KEY_SECTIONS, vec![Step::Pick(0), Step::Pick(1)]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    assert_eq!(
        p.asked[..8],
        [
            "age",
            "sex_at_birth",
            "referral_source",
            KEY_SECTIONS,
            "referral_source",
            KEY_SECTIONS,
            "age",
            "sex_at_birth",
        ]
        .map(String::from)
    );
    assert_eq!(p.asked[8], "referral_source");
    assert_eq!(saved.slots[q("age")], Slot::Num(38.0));
    assert_eq!(saved.slots[q("referral_source")], Slot::Num(2.0));
}

#[test]
fn an_exclusive_option_with_others_is_refused_and_asked_again() {
    let none = option("substances", "none");
    let alcohol = option("substances", "alcohol");
    let mut p = script(&[
        ("age", vec![t("30")]),
        (
            "substances",
            vec![Step::Tick(vec![none, alcohol]), Step::Tick(vec![alcohol])],
        ),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    assert!(p.shown.contains(&Notice::Refused(
        "“None of these” cannot be ticked together with other answers.".into()
    )));
    assert_eq!(p.asked.iter().filter(|k| *k == "substances").count(), 2);
    assert_eq!(saved.slots[q("substances")], Slot::Multi(1 << alcohol));
}

#[test]
fn the_main_substance_offers_only_the_substances_ticked() {
    let ticked = [
        option("substances", "alcohol"),
        option("substances", "cannabis"),
    ];
    let tick = || ("substances", vec![Step::Tick(ticked.to_vec())]);
    // Opioids were not ticked: not offered.
    let mut p = script(&[
        ("age", vec![t("30")]),
        tick(),
        ("primary_substance", vec![Step::PickText("Opioids".into())]),
    ]);
    let (r, _) = run(&mut p, Intake::default());
    assert!(
        matches!(&r, Err(AssessError::Terminal(m)) if m.contains("no item containing")),
        "{r:?}"
    );
    assert_eq!(
        p.last_items,
        vec!["Alcohol".to_string(), "Cannabis".to_string()]
    );
    // Cannabis is the second item offered, saved as its own option.
    let mut p = script(&[
        ("age", vec![t("30")]),
        tick(),
        ("primary_substance", vec![Step::Pick(1)]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    assert_eq!(
        saved.slots[q("primary_substance")],
        Slot::Num(option("primary_substance", "cannabis") as f64)
    );
}

#[test]
fn a_critical_flag_records_what_was_done_and_is_shown_again_before_the_placement() {
    let other = rs()
        .flag_actions
        .iter()
        .position(|a| a.id == "other")
        .expect("an `other` action");
    assert!(rs().flag_actions[other].note_required);
    let mut p = script(&[
        ("age", vec![t("29")]),
        ("phq9_9", vec![t("1")]),
        (KEY_ACKNOWLEDGE, vec![Step::Pick(other)]),
        (KEY_ACK_NOTE, vec![t("  "), t("Crisis team called back")]),
    ]);
    let (r, saved) = run(
        &mut p,
        Intake {
            assessor: Some("staff-17".into()),
            ..Intake::default()
        },
    );
    r.unwrap();
    assert_eq!(p.rejected, vec!["This action needs a note.".to_string()]);
    let ack = &saved.acknowledged_flags[0];
    assert_eq!(
        (
            ack.id.as_str(),
            ack.by.as_deref(),
            ack.at.as_deref(),
            ack.action.as_deref(),
            ack.note.as_deref()
        ),
        (
            "self_harm_thoughts",
            Some("staff-17"),
            Some(NOW),
            Some("other"),
            Some("Crisis team called back")
        )
    );
    // After the result and right before the placement: every critical
    // flag with what was recorded.
    let n = p.shown.len();
    let result = p
        .shown
        .iter()
        .position(|n| matches!(n, Notice::Result { .. }))
        .unwrap();
    let Notice::CriticalFlags(flags) = &p.shown[n - 1] else {
        panic!("{:?}", p.shown[n - 1]);
    };
    assert!(result < n - 1);
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].id, "self_harm_thoughts");
    assert_eq!(flags[0].acknowledged.as_deref(), Some("Other (staff-17)"));
    assert_eq!(p.asked.last().map(String::as_str), Some(KEY_PLACEMENT));
}

#[test]
fn an_override_is_never_offered_a_reason_that_means_no_override() {
    let mut p = script(&[
        ("age", vec![t("40")]),
        (KEY_PLACEMENT, vec![Step::Pick(1)]),
        (KEY_PLACEMENT_LEVEL, vec![Step::Pick(0)]),
        (
            KEY_PLACEMENT_REASON,
            vec![Step::PickText("Client preference".into())],
        ),
        (KEY_PLACEMENT_NOTE, vec![t("")]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    let offered: Vec<String> = rs()
        .override_reasons
        .iter()
        .filter(|r| !r.no_override)
        .map(|r| r.label.clone())
        .collect();
    assert_eq!(p.last_items, offered);
    assert!(!p.last_items.contains(&"Not applicable".to_string()));
    let placement = saved.placement.unwrap();
    assert_eq!(
        placement
            .reason
            .map(|r| rs().override_reasons[r].id.as_str()),
        Some("client_preference")
    );
    assert_eq!(placement.note, None);
}

#[test]
fn a_change_in_the_review_shows_only_what_changed() {
    let mut p = script(&[
        ("age", vec![t("38"), t("50")]),
        // Change an answer in the first section, then confirm.
        (KEY_REVIEW, vec![Step::Pick(2), Step::Pick(0)]),
        (KEY_REVIEW_QUESTION, vec![Step::Pick(0)]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    r.unwrap();
    assert_eq!(saved.slots[q("age")], Slot::Num(50.0));
    let reviews = p
        .shown
        .iter()
        .filter(|n| matches!(n, Notice::Review(_)))
        .count();
    assert_eq!(reviews, 1);
    let changed = p
        .shown
        .iter()
        .find_map(|n| match n {
            Notice::Changed(c) => Some(c.clone()),
            _ => None,
        })
        .expect("the change shown");
    assert_eq!(changed.len(), 1);
    assert_eq!(
        (changed[0].before.as_str(), changed[0].after.as_str()),
        ("38", "50")
    );
    assert_eq!(changed[0].text, rs().questions[q("age")].text);
}

#[test]
fn interrupting_an_acknowledgement_records_none() {
    let mut p = script(&[
        ("age", vec![t("29")]),
        ("phq9_9", vec![t("2")]),
        (KEY_ACKNOWLEDGE, vec![Step::Interrupt]),
    ]);
    let (r, saved) = run(&mut p, Intake::default());
    assert!(matches!(r, Err(AssessError::Interrupted)), "{r:?}");
    assert!(saved.acknowledged_flags.is_empty());
    assert_eq!(saved.slots[q("phq9_9")], Slot::Num(2.0));
}
