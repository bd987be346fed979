//! The intake record the interview keeps: who assessed (the first assessor
//! kept, later ones in the history), every change of an answer, why an
//! answer is missing, acknowledgements and the placement as events, and a
//! reassessment that offers the previous answers. Scripted answers
//! against the mini rule set (tests/fixtures/mini).

use placement::assess::{
    Interview, MemoryStore, Scripted, Step, KEY_ANSWER_NOTE, KEY_ANSWER_SOURCE, KEY_ASSESSOR,
    KEY_NO_ANSWER, KEY_PLACEMENT, KEY_REVIEW, KEY_REVIEW_QUESTION, KEY_REVIEW_SECTION,
};
use placement::engine::{score, Warning};
use placement::intake::{
    parse, to_yaml, Event, EventKind, Intake, NoAnswer, Previous, Reassessment, Recorded, Slot,
};
use placement::rules::model::RuleSet;
use placement::yaml::Limits;
use std::sync::OnceLock;

fn mini() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        placement::rules::load_path(&dir, 1 << 20)
            .expect("mini rules")
            .rules
    })
}

fn q(id: &str) -> usize {
    mini().question(id).unwrap()
}

fn t(s: &str) -> Step {
    Step::Type(s.into())
}

/// Every question of the mini rules answered, but those in `except`; no
/// worry, so the follow-up questions are not asked. Six hours of sleep: no
/// critical flag.
fn answers_but(s: Scripted, except: &[&str]) -> Scripted {
    let all: [(&str, Step); 9] = [
        ("age", t("40")),
        ("housing", Step::Pick(0)),
        ("stressors", Step::Tick(vec![0])),
        ("has_support", Step::Yes),
        ("sleep_hours", t("6")),
        ("notes", t("Fictional.")),
        ("wq_1", Step::No),
        ("wq_2", Step::No),
        ("wq_3", Step::Yes),
    ];
    all.into_iter()
        .filter(|(id, _)| !except.contains(id))
        .fold(s, |s, (id, step)| s.on(id, [step]))
}

fn answers(s: Scripted) -> Scripted {
    answers_but(s, &[])
}

fn run(iv: &mut Interview<MemoryStore>, p: &mut Scripted) -> Intake {
    let _ = iv.run(p, true);
    let saved = iv.store().saves.last().cloned().expect("saved");
    // What was saved reads back from the file exactly.
    let text = to_yaml(mini(), &saved);
    let back =
        parse(&text, mini(), &Limits::INTAKE).unwrap_or_else(|e| panic!("{}\n{text}", e.message()));
    assert_eq!(back, saved, "{text}");
    saved
}

fn stamps() -> impl Fn() -> String {
    let n = std::cell::Cell::new(0);
    move || {
        n.set(n.get() + 1);
        format!("2026-11-30T10:{:02}:00Z", n.get())
    }
}

/// (event name, by) for each event.
fn who(history: &[Event]) -> Vec<(&'static str, &str)> {
    history
        .iter()
        .map(|e| (e.what.name(), e.by.as_deref().unwrap_or("-")))
        .collect()
}

#[test]
fn a_second_assessor_resuming_is_kept_beside_the_first() {
    // staff-17 starts and stops after two answers (no scripted step left
    // for `stressors` is an interruption).
    let mut p = Scripted::new()
        .on("age", [t("40")])
        .on("housing", [Step::Pick(1)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), stamps())
        .assessor(Some("staff-17".into()));
    let first = run(&mut iv, &mut p);
    assert_eq!(first.assessor.as_deref(), Some("staff-17"));
    assert_eq!(who(&first.history), [("started", "staff-17")]);

    // staff-99 resumes, changes the housing answer in the review, and
    // places the client; a critical flag (two hours of sleep) is
    // acknowledged by staff-99.
    let mut p = answers_but(Scripted::new(), &["age", "housing", "sleep_hours"])
        .on("sleep_hours", [t("2")])
        .on(
            KEY_REVIEW,
            [Step::PickText("About you".into()), Step::Pick(0)],
        )
        .on(
            KEY_REVIEW_QUESTION,
            [Step::PickText("Where do you live".into())],
        )
        .on("housing", [Step::Pick(2)])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), first, MemoryStore::default(), stamps())
        .assessor(Some("staff-99".into()))
        .resumed();
    let done = run(&mut iv, &mut p);
    assert_eq!(done.status.as_deref(), Some("complete"));
    assert_eq!(done.assessor.as_deref(), Some("staff-17"));
    assert_eq!(
        who(&done.history),
        [
            ("started", "staff-17"),
            ("resumed", "staff-99"),
            ("acknowledged", "staff-99"),
            ("changed", "staff-99"),
            ("placed", "staff-99"),
        ]
    );
    assert_eq!(done.acknowledged_flags[0].by.as_deref(), Some("staff-99"));
    let EventKind::Changed { question, from, to } = &done.history[3].what else {
        panic!("{:?}", done.history[3]);
    };
    assert_eq!(*question, q("housing"));
    assert_eq!(*from, Recorded::Answer(Slot::Num(1.0), None));
    assert_eq!(*to, Recorded::Answer(Slot::Num(2.0), None));
    // The history agrees with the answers: no warning.
    let a = score(mini(), &done);
    assert!(
        !a.warnings
            .iter()
            .any(|w| matches!(w, Warning::HistoryMismatch(_))),
        "{:?}",
        a.warnings
    );
}

/// An interview by staff-17 whose age answer, 40, is changed to 41 in the
/// review.
fn age_changed_in_review() -> Intake {
    let mut p = answers_but(Scripted::new(), &["age"])
        .on(
            KEY_REVIEW,
            [Step::PickText("About you".into()), Step::Pick(0)],
        )
        .on(KEY_REVIEW_QUESTION, [Step::PickText("How old".into())])
        .on("age", [t("40"), t("41")])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), stamps())
        .assessor(Some("staff-17".into()));
    run(&mut iv, &mut p)
}

#[test]
fn an_edit_in_the_review_is_in_the_history_with_who_and_when() {
    let done = age_changed_in_review();
    let changes: Vec<&Event> = done
        .history
        .iter()
        .filter(|e| e.what.name() == "changed")
        .collect();
    assert_eq!(changes.len(), 1, "{:?}", done.history);
    assert_eq!(
        changes[0].what,
        EventKind::Changed {
            question: q("age"),
            from: Recorded::Answer(Slot::Num(40.0), None),
            to: Recorded::Answer(Slot::Num(41.0), None),
        }
    );
    assert_eq!(changes[0].by.as_deref(), Some("staff-17"));
    assert!(changes[0].at.is_some());
    let text = to_yaml(mini(), &done);
    assert!(
        text.contains("  - {event: changed, question: age, from: 40, to: 41, at: \"2026-11-30T10:"),
        "{text}"
    );
    assert!(text.contains("  - {event: placed, level: "), "{text}");
}

#[test]
fn without_an_assessor_the_interview_asks_for_one_first() {
    let mut p = answers(Scripted::new())
        .on(KEY_ASSESSOR, [t(""), t("   "), t(" staff-5 ")])
        .on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), stamps());
    let done = run(&mut iv, &mut p);
    assert_eq!(p.asked[0], KEY_ASSESSOR);
    assert_eq!(
        p.rejected,
        [
            "A staff id is needed: it is recorded with every change and acknowledgement.",
            "A staff id is needed: it is recorded with every change and acknowledgement."
        ]
    );
    assert_eq!(done.assessor.as_deref(), Some("staff-5"));
    assert_eq!(
        who(&done.history),
        [("started", "staff-5"), ("placed", "staff-5")]
    );
}

#[test]
fn a_missing_answer_records_whether_declined_unknown_or_not_applicable() {
    let mut p = answers_but(Scripted::new(), &["age", "housing", "has_support"])
        .on("housing", [Step::Decline])
        .on("has_support", [Step::Decline])
        .on(KEY_NO_ANSWER, [Step::Pick(1), Step::Pick(2), Step::Pick(0)])
        .on(
            KEY_REVIEW,
            [Step::PickText("About you".into()), Step::Pick(0)],
        )
        .on(KEY_REVIEW_QUESTION, [Step::PickText("How old".into())])
        .on("age", [Step::Decline, t("52")])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), stamps())
        .assessor(Some("staff-17".into()));
    let done = run(&mut iv, &mut p);
    assert_eq!(done.why_no_answer(q("housing")), NoAnswer::NotApplicable);
    assert_eq!(done.why_no_answer(q("has_support")), NoAnswer::Declined);
    assert_eq!(done.slots[q("age")], Slot::Num(52.0));
    let text = to_yaml(mini(), &done);
    assert!(text.contains("\ndeclined: [has_support]\n"), "{text}");
    assert!(text.contains("\nnot_applicable: [housing]\n"), "{text}");
    assert!(!text.contains("\nunknown:"), "{text}");
    assert!(
        text.contains("{event: changed, question: age, from: {no_answer: unknown}, to: 52,"),
        "{text}"
    );
}

#[test]
fn a_hand_edited_answer_that_contradicts_the_history_is_a_warning() {
    let done = age_changed_in_review();
    let text = to_yaml(mini(), &done).replace("\n  age: 41\n", "\n  age: 45\n");
    let edited = parse(&text, mini(), &Limits::INTAKE).unwrap();
    let a = score(mini(), &edited);
    let mismatches: Vec<String> = a
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::HistoryMismatch(_)))
        .map(|w| w.text(mini()))
        .collect();
    assert_eq!(
        mismatches,
        ["`age`: the answer differs from the last change the history records for it; the file was changed outside `placement assess`"]
    );
    // Written back unchanged: no warning.
    assert!(!score(mini(), &done)
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::HistoryMismatch(_))));
}

#[test]
fn a_reassessment_offers_each_previous_answer_and_lists_what_changed() {
    let mut p = answers(Scripted::new())
        .on(KEY_REVIEW, [Step::Pick(0)])
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(mini(), Intake::default(), MemoryStore::default(), stamps())
        .assessor(Some("staff-17".into()));
    let previous = run(&mut iv, &mut p);

    // A month on: every answer kept (Enter on the offered answer) except
    // housing, now no fixed place, and the notes rewritten.
    let keep = |s: Scripted, ids: &[&str]| ids.iter().fold(s, |s, id| s.on(id, [Step::Keep]));
    let mut p = keep(
        Scripted::new(),
        &[
            "age",
            "stressors",
            "has_support",
            "sleep_hours",
            "wq_1",
            "wq_2",
            "wq_3",
        ],
    )
    .on("housing", [Step::Pick(2)])
    .on("notes", [t("Moved out last week.")])
    .on(KEY_REVIEW, [Step::Pick(0)])
    .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let start = Intake {
        reassessment: Some(Reassessment {
            previous: Previous {
                id: Some("R-1".into()),
                sha256: Some("0f".repeat(32)),
                assessed_at: previous.assessed_at.clone(),
            },
            changed: Vec::new(),
        }),
        ..Intake::default()
    };
    let mut iv = Interview::new(mini(), start, MemoryStore::default(), stamps())
        .assessor(Some("staff-21".into()))
        .reassessing(&previous);
    let done = run(&mut iv, &mut p);
    assert_eq!(done.status.as_deref(), Some("complete"));
    for id in ["age", "stressors", "has_support", "sleep_hours", "wq_1"] {
        assert_eq!(done.slots[q(id)], previous.slots[q(id)], "{id}");
    }
    assert_eq!(done.slots[q("housing")], Slot::Num(2.0));
    let r = done.reassessment.as_ref().unwrap();
    assert_eq!(r.changed, [q("housing"), q("notes")]);
    assert_eq!(r.previous.id.as_deref(), Some("R-1"));
    // Confirming the offered answers is answering, not changing: the
    // history of the new record has no `changed` event.
    assert_eq!(
        who(&done.history),
        [("started", "staff-21"), ("placed", "staff-21")]
    );
    let text = to_yaml(mini(), &done);
    assert!(
        text.contains("reassessment: {previous: {id: \"R-1\", sha256: \"0f0f"),
        "{text}"
    );
    assert!(text.contains("changed: [housing, notes]}"), "{text}");
}

/// The mini rules with answer sources declared.
fn mini_with_sources() -> RuleSet {
    let dir = tempfile::tempdir().unwrap();
    let mini = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for e in std::fs::read_dir(&mini).unwrap() {
        let path = e.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.path().join("90-sources.yaml"),
        "answer_sources:\n  - {id: client, label: The client}\n  - {id: records, label: Records}\n",
    )
    .unwrap();
    placement::rules::load_path(dir.path(), 1 << 20)
        .expect("mini rules with sources")
        .rules
}

#[test]
fn a_note_and_a_source_are_added_to_an_answer_in_the_review() {
    let rs = mini_with_sources();
    let mut p = answers(Scripted::new())
        .on(
            KEY_REVIEW,
            [
                Step::PickText("Add a note to an answer, or where it came from".into()),
                Step::PickText("Add a note to an answer, or where it came from".into()),
                Step::Pick(0),
            ],
        )
        .on(
            KEY_REVIEW_SECTION,
            [
                Step::PickText("About you".into()),
                Step::PickText("About you".into()),
            ],
        )
        .on(
            KEY_REVIEW_QUESTION,
            [
                Step::PickText("How old".into()),
                Step::PickText("Where do you live".into()),
            ],
        )
        .on(KEY_ANSWER_NOTE, [t("Age from the ID card."), t("")])
        .on(
            KEY_ANSWER_SOURCE,
            [
                Step::PickText("Records".into()),
                Step::PickText("Not recorded".into()),
            ],
        )
        .on(KEY_PLACEMENT, [Step::Pick(0)]);
    let mut iv = Interview::new(&rs, Intake::default(), MemoryStore::default(), stamps())
        .assessor(Some("staff-17".into()));
    let out = iv.run(&mut p, true);
    assert!(out.is_ok(), "{out:?}: asked {:?}", p.asked);
    let done = iv.store().saves.last().cloned().unwrap();
    let age = rs.question("age").unwrap();
    let housing = rs.question("housing").unwrap();
    assert_eq!(done.note(age), Some("Age from the ID card."));
    assert_eq!(done.source(age), Some(1));
    assert_eq!(done.note(housing), None);
    assert_eq!(done.source(housing), None);
    let text = to_yaml(&rs, &done);
    assert!(
        text.contains("\nnotes:\n  age: \"Age from the ID card.\"\nsources:\n  age: records\n"),
        "{text}"
    );
    assert_eq!(parse(&text, &rs, &Limits::INTAKE).unwrap(), done);
}
