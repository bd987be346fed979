//! What the interview records is what the assessor meant: each way an
//! interview could once save an answer nobody gave, reproduced by
//! keystrokes in a pseudo-terminal with the real binary, and shown gone.

mod pty;

use expectrl::Expect;
use placement::intake::Slot;
use pty::*;
use std::path::Path;
use std::time::Duration;

const CTRL_C: &str = "\x03";

/// Stops the interview (Ctrl-C) at `prompt` and checks it ended as
/// interrupted.
fn stop_at(mut s: expectrl::session::OsSession, prompt: &str) {
    answer(&mut s, prompt, &[CTRL_C]);
    assert_eq!(exit_code(s), 130);
}

/// Types `keys` at the prompt on screen.
fn press(s: &mut expectrl::session::OsSession, keys: &[&str]) {
    for k in keys {
        std::thread::sleep(Duration::from_millis(80));
        s.send(k).unwrap();
    }
}

/// Stops the interview (Ctrl-C) at the prompt on screen.
fn interrupt(mut s: expectrl::session::OsSession) {
    press(&mut s, &[CTRL_C]);
    assert_eq!(exit_code(s), 130);
}

/// The key that picks `option` of `question` in a numbered list.
fn key_of(question: &str, id: &str) -> String {
    (option(question, id) + 1).to_string()
}

/// Everything the program wrote, as lines: escape sequences (cursor
/// moves, colours) end a line too, so each piece is one drawn line.
fn drawn_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let re = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]|\r\n|\n|\r").unwrap();
    re.split(&text).map(str::to_string).collect()
}

#[test]
fn an_edited_number_starts_empty_and_is_not_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = spawn(dir.path(), &["--out", out.to_str().unwrap()]);
    // 17 stops the adult rule set; the assessor corrects a typing error.
    answer(&mut s, &prompt_of("age"), &["1", "7", ENTER]);
    answer(&mut s, "What now?", &["2", ENTER]);
    // The old value is shown, not put in the line: 71 is 71, not 1771.
    answer(
        &mut s,
        "now 17; Enter on an empty line keeps it",
        &["7", "1", ENTER],
    );
    stop_at(s, &prompt_of("sex_at_birth"));
    assert_eq!(read(&out).slots[q("age")], Slot::Num(71.0));
}

#[test]
fn back_returns_to_the_previous_question_with_its_value_and_tab_jumps() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = spawn(dir.path(), &["--out", out.to_str().unwrap()]);
    answer(&mut s, &prompt_of("age"), &["3", "8", ENTER]);
    // Esc goes back to the age, with 38 as the value Enter keeps.
    answer(&mut s, &prompt_of("sex_at_birth"), &[ESC]);
    answer(
        &mut s,
        "now 38; Enter on an empty line keeps it",
        &["4", "5", ENTER],
    );
    answer(&mut s, &prompt_of("sex_at_birth"), &["2", ENTER]);
    // Back from the next question: the list starts on the answer given.
    answer(&mut s, &prompt_of("pregnancy_status"), &[ESC]);
    answer(&mut s, &prompt_of("sex_at_birth"), &[]);
    s.expect("› 2  Female").unwrap();
    std::thread::sleep(Duration::from_millis(80));
    s.send(ENTER).unwrap();
    // Tab opens the sections; the first item continues where it stood.
    answer(&mut s, &prompt_of("pregnancy_status"), &[TAB]);
    answer(&mut s, "Go to a section", &["1", ENTER]);
    stop_at(s, &prompt_of("pregnancy_status"));
    let saved = read(&out);
    assert_eq!(saved.slots[q("age")], Slot::Num(45.0));
    assert_eq!(
        saved.slots[q("sex_at_birth")],
        Slot::Num(option("sex_at_birth", "female") as f64)
    );
    assert_eq!(saved.slots[q("pregnancy_status")], Slot::Absent);
}

#[test]
fn a_pasted_block_is_one_answer_and_answers_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = from_answers(dir.path(), &["reason_for_visit", "substances"], (120, 40));
    // Three lines arrive at once, as a paste without bracketed paste.
    answer(
        &mut s,
        &prompt_of("reason_for_visit"),
        &["Wants help\nNot sure where\nto start\n"],
    );
    s.expect("to start").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let reason = |saved: &placement::intake::Intake| {
        saved
            .texts
            .iter()
            .find(|(i, _)| *i == q("reason_for_visit"))
            .map(|(_, t)| t.clone())
    };
    let saved = read(&out);
    assert_eq!(reason(&saved), None);
    assert_eq!(saved.slots[q("substances")], Slot::Absent);
    // The assessor's own Enter records the block, line breaks kept.
    std::thread::sleep(Duration::from_millis(80));
    s.send(ENTER).unwrap();
    s.expect(prompt_of("substances").as_str()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let saved = read(&out);
    assert_eq!(
        reason(&saved).as_deref(),
        Some("Wants help\nNot sure where\nto start")
    );
    assert_eq!(saved.slots[q("substances")], Slot::Absent);
    interrupt(s);
}

#[test]
fn two_enters_answer_one_question_and_enter_alone_answers_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = spawn(dir.path(), &["--out", out.to_str().unwrap()]);
    answer(&mut s, &prompt_of("age"), &["4", "0", ENTER]);
    // A bounced Enter: two arrive together.
    answer(&mut s, &prompt_of("sex_at_birth"), &["2", "\r\r"]);
    // The next question starts on nothing, so an Enter records nothing.
    answer(&mut s, &prompt_of("pregnancy_status"), &[ENTER]);
    s.expect("Nothing chosen yet").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let saved = read(&out);
    assert_eq!(
        saved.slots[q("sex_at_birth")],
        Slot::Num(option("sex_at_birth", "female") as f64)
    );
    assert_eq!(saved.slots[q("pregnancy_status")], Slot::Absent);
    interrupt(s);
}

#[test]
fn none_of_these_is_never_ticked_with_a_substance() {
    let none = option("substances", "none");
    assert!(
        rs().questions[q("substances")].kind.options().unwrap()[none].exclusive,
        "`none` is exclusive in the default rules"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = from_answers(dir.path(), &["substances", "primary_substance"], (120, 40));
    let alcohol = key_of("substances", "alcohol");
    let cannabis = key_of("substances", "cannabis");
    assert_eq!(none, 0, "the test ticks `none` as the first item");
    // "None of these" ticked with Space, then alcohol by its key: refused.
    answer(&mut s, &prompt_of("substances"), &[DOWN, " ", &alcohol]);
    s.expect("cannot be ticked together with other answers")
        .unwrap();
    // Untick it, tick alcohol and cannabis: "None of these" is refused now.
    press(&mut s, &[HOME, " ", &alcohol, &cannabis, HOME, " "]);
    s.expect("cannot be ticked together with other answers")
        .unwrap();
    std::thread::sleep(Duration::from_millis(80));
    s.send(ENTER).unwrap();
    // The main substance offers only what was ticked.
    s.expect(prompt_of("primary_substance").as_str()).unwrap();
    let shown = s.expect("↑↓ move").unwrap();
    let list = String::from_utf8_lossy(shown.before()).to_string();
    assert!(
        list.contains("Alcohol") && list.contains("Cannabis"),
        "{list}"
    );
    assert!(
        !list.contains("Opioids") && !list.contains("Stimulants"),
        "{list}"
    );
    std::thread::sleep(Duration::from_millis(300));
    let saved = read(&out);
    assert_eq!(
        saved.slots[q("substances")],
        Slot::Multi(
            (1 << option("substances", "alcohol")) | (1 << option("substances", "cannabis"))
        )
    );
    interrupt(s);
}

/// `placement assess --answers` by assessor staff-9 into `x.yaml`, with
/// every answer given but those in `leave_out`, in a terminal of `size`.
fn from_answers(dir: &Path, leave_out: &[&str], size: (u16, u16)) -> expectrl::session::OsSession {
    let prefilled = prefill(dir, leave_out);
    spawn_sized(
        dir,
        &[
            "--answers",
            prefilled.to_str().unwrap(),
            "--assessor",
            "staff-9",
            "--out",
            "x.yaml",
        ],
        size.0,
        size.1,
    )
}

/// Runs an interview from answers with `leave_out` missing, answering them
/// with `keys`, to the placement prompt.
fn to_placement(
    dir: &Path,
    leave_out: &[&str],
    keys: &[(&str, &[&str])],
    size: (u16, u16),
) -> expectrl::session::OsSession {
    let mut s = from_answers(dir, leave_out, size);
    for (wait, k) in keys {
        answer(&mut s, wait, k);
    }
    answer(&mut s, "Review the answers", &["1", ENTER]);
    s
}

#[test]
fn an_override_needs_a_real_reason() {
    let dir = tempfile::tempdir().unwrap();
    let housing = prompt_of("housing");
    let mut s = to_placement(
        dir.path(),
        &["housing"],
        &[(&housing, &["1", ENTER])],
        (120, 40),
    );
    answer(&mut s, "Placement made", &["2", ENTER]);
    answer(&mut s, "Level placed at", &["1", ENTER]);
    s.expect("Reason for the different level").unwrap();
    let shown = s.expect("↑↓ move").unwrap();
    let list = String::from_utf8_lossy(shown.before()).to_string();
    assert!(list.contains("Client preference"), "{list}");
    assert!(!list.contains("Not applicable"), "{list}");
    let offered: Vec<&str> = rs()
        .override_reasons
        .iter()
        .filter(|r| !r.no_override)
        .map(|r| r.id.as_str())
        .collect();
    let key = (offered
        .iter()
        .position(|r| *r == "client_preference")
        .unwrap()
        + 1)
    .to_string();
    std::thread::sleep(Duration::from_millis(80));
    for k in [key.as_str(), ENTER] {
        s.send(k).unwrap();
        std::thread::sleep(Duration::from_millis(80));
    }
    answer(&mut s, "? Note (optional", &[ENTER]);
    s.expect("Saved").unwrap();
    assert_eq!(exit_code(s), 0);
    let saved = read(&dir.path().join("x.yaml"));
    let p = saved.placement.unwrap();
    assert_eq!(rs().levels[p.level].id, "inpatient");
    assert_eq!(
        p.reason.map(|r| rs().override_reasons[r].id.as_str()),
        Some("client_preference")
    );
}

#[test]
fn an_enter_cannot_acknowledge_a_critical_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = from_answers(dir.path(), &["phq9_9"], (120, 40));
    answer(&mut s, &prompt_of("phq9_9"), &["1", ENTER]);
    s.expect("CRITICAL FLAG").unwrap();
    // An Enter meant for something else is not an acknowledgement.
    answer(&mut s, "? Critical flag", &[ENTER]);
    s.expect("Nothing chosen yet").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(read(&dir.path().join("x.yaml"))
        .acknowledged_flags
        .is_empty());
    std::thread::sleep(Duration::from_millis(80));
    s.send("1").unwrap();
    std::thread::sleep(Duration::from_millis(80));
    s.send(ENTER).unwrap();
    acknowledge_note(&mut s);
    answer(&mut s, "Review the answers", &["1", ENTER]);
    // Shown again, with what was recorded, right before the placement.
    s.expect("CRITICAL FLAGS (").unwrap();
    s.expect("recorded: ").unwrap();
    answer(&mut s, "Placement made", &["1", ENTER]);
    assert_eq!(exit_code(s), 0);
    let saved = read(&dir.path().join("x.yaml"));
    assert_eq!(saved.acknowledged_flags.len(), 1);
    let ack = &saved.acknowledged_flags[0];
    assert_eq!(ack.by.as_deref(), Some("staff-9"));
    assert_eq!(
        ack.action.as_deref(),
        rs().flag_actions.first().map(|a| a.id.as_str())
    );
    assert!(ack.at.is_some());
}

#[test]
fn the_result_fits_sixty_columns_and_twenty_rows() {
    let dir = tempfile::tempdir().unwrap();
    let phq9_9 = prompt_of("phq9_9");
    let mut s = to_placement(
        dir.path(),
        &["phq9_9"],
        &[
            (&phq9_9, &["2", ENTER]),
            ("? Critical flag", &["1", ENTER]),
            ("? Note (optional", &[ENTER]),
        ],
        (60, 20),
    );
    let shown = s.expect("? Placement made").unwrap();
    let before = shown.before().to_vec();
    for l in drawn_lines(&before) {
        assert!(l.chars().count() <= 60, "wider than 60 columns: {l:?}");
    }
    // From the recommendation to the placement prompt: one screen.
    let text = String::from_utf8_lossy(&before);
    let from = text.rfind("━━ Recommendation ━━").expect("the summary");
    let lines = text[from..].matches('\n').count();
    // The prompt's own lines: its title, two choices, a message line and
    // a footer of two lines at this width.
    assert!(lines + 6 <= 20, "{lines} lines before the placement prompt");
    stop_at(s, "↑↓ move");
}

#[test]
fn with_standard_output_redirected_the_assessor_still_sees_the_recommendation() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(dir.path(), &["housing"]);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "exec {BIN} assess --answers {} --out x.yaml > table.txt",
            prefilled.display()
        ))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm-256color")
        .env_remove("PLACEMENT_ASSESSOR");
    let mut s = expectrl::session::OsSession::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    // No --assessor and no PLACEMENT_ASSESSOR: asked first; an empty line
    // is refused.
    answer(&mut s, "Your staff id", &[ENTER]);
    answer(
        &mut s,
        "A staff id is needed",
        &["s", "t", "a", "f", "f", "-", "8", ENTER],
    );
    answer(&mut s, &prompt_of("housing"), &["1", ENTER]);
    answer(&mut s, "Review the answers", &["1", ENTER]);
    s.expect("Recommended level: ").unwrap();
    answer(&mut s, "Placement made", &["1", ENTER]);
    assert_eq!(exit_code(s), 0);
    let table = std::fs::read_to_string(dir.path().join("table.txt")).unwrap();
    assert!(table.contains("Recommended level: "), "{table}");
    let saved = std::fs::read_to_string(dir.path().join("x.yaml")).unwrap();
    assert!(saved.contains("\nassessor: \"staff-8\"\n"), "{saved}");
    assert!(
        saved.contains("\n  - {event: started, at: \"") && saved.contains("\", by: \"staff-8\"}\n"),
        "{saved}"
    );
}

/// On a short terminal the critical flags before the placement are cut to
/// one line of message each, but what to do (`action`) is never cut.
#[test]
fn on_a_short_terminal_each_critical_action_is_shown_whole() {
    let dir = tempfile::tempdir().unwrap();
    let phq9_9 = prompt_of("phq9_9");
    let suicide = prompt_of("suicide_risk");
    let mut s = to_placement(
        dir.path(),
        &["phq9_9", "suicide_risk", "lethal_means_access"],
        &[
            (&phq9_9, &["2", ENTER]),
            ("? Critical flag", &["1", ENTER]),
            ("? Note (optional", &[ENTER]),
            (&suicide, &["2", ENTER]),
            ("? Critical flag", &["1", ENTER]),
            ("? Note (optional", &[ENTER]),
            (&prompt_of("lethal_means_access"), &["y", ENTER]),
            ("? Critical flag", &["1", ENTER]),
            ("? Note (optional", &[ENTER]),
        ],
        (70, 24),
    );
    let shown = s.expect("? Placement made").unwrap();
    let text = String::from_utf8_lossy(shown.before()).to_string();
    let from = text
        .rfind("CRITICAL FLAGS (3)")
        .expect("the flags before the placement");
    // The drawn lines joined back into words.
    let flat = text[from..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for id in ["self_harm_thoughts", "harm_thoughts", "lethal_means"] {
        let f = rs().flags.iter().find(|f| f.id == id).unwrap();
        let action = f.action.as_deref().unwrap();
        assert!(
            flat.contains(&format!("action: {action}")),
            "{id}: {action:?} not shown whole in {flat}"
        );
    }
    stop_at(s, "↑↓ move");
}

#[test]
fn a_contradiction_is_caught_right_after_the_second_answer_and_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = spawn(dir.path(), &["--out", out.to_str().unwrap()]);
    answer(&mut s, &prompt_of("age"), &["7", "0", ENTER]);
    answer(
        &mut s,
        &prompt_of("sex_at_birth"),
        &[&key_of("sex_at_birth", "female"), ENTER],
    );
    // The pregnancy answer completes the contradiction: it is shown at
    // once, naming both answers, before the next question.
    answer(
        &mut s,
        &prompt_of("pregnancy_status"),
        &[&key_of("pregnancy_status", "pregnant"), ENTER],
    );
    s.expect("CHECK: answers contradict each other [pregnancy_at_55_or_over]")
        .unwrap();
    s.expect("between `age` and `pregnancy_status`").unwrap();
    answer(
        &mut s,
        "These answers contradict each other: change one of them?",
        &["1", ENTER],
    );
    answer(
        &mut s,
        "now 70; Enter on an empty line keeps it",
        &["3", "0", ENTER],
    );
    // Corrected: the interview goes on with the next question, and the
    // file holds the new age.
    stop_at(s, &prompt_of("referral_source"));
    let saved = read(&out);
    assert_eq!(saved.slots[q("age")], Slot::Num(30.0));
    assert_eq!(
        saved.slots[q("pregnancy_status")],
        Slot::Num(option("pregnancy_status", "pregnant") as f64)
    );
}

#[test]
fn a_contradiction_kept_is_not_asked_again_and_is_in_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.yaml");
    let mut s = spawn(dir.path(), &["--out", out.to_str().unwrap()]);
    answer(&mut s, &prompt_of("age"), &["6", "1", ENTER]);
    answer(
        &mut s,
        &prompt_of("sex_at_birth"),
        &[&key_of("sex_at_birth", "intersex"), ENTER],
    );
    answer(
        &mut s,
        &prompt_of("pregnancy_status"),
        &[&key_of("pregnancy_status", "unsure"), ENTER],
    );
    answer(
        &mut s,
        "These answers contradict each other: change one of them?",
        &["3", ENTER],
    );
    stop_at(s, &prompt_of("referral_source"));
    let saved = read(&out);
    assert_eq!(saved.slots[q("age")], Slot::Num(61.0));
    let scored = placement::engine::score(rs(), &saved);
    assert_eq!(
        scored
            .warnings
            .iter()
            .map(|w| w.text(rs()))
            .filter(|w| w.starts_with("contradiction"))
            .collect::<Vec<_>>(),
        ["contradiction `pregnancy_at_55_or_over` between `age` and `pregnancy_status`: pregnancy is recorded as possible or certain for a client aged 55 or over"]
    );
}
