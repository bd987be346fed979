//! `placement assess` run as a person would: the real binary in a
//! pseudo-terminal (expectrl), answering by keystrokes; plus what happens
//! without a terminal.

mod pty;

use assert_cmd::Command as AssertCommand;
use expectrl::process::unix::Signal;
use expectrl::Expect;
use placement::intake::Slot;
use pty::*;
use std::time::Duration;

#[test]
fn a_whole_interview_by_keystrokes_to_a_recommendation() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(
        dir.path(),
        &[
            "age",
            "sex_at_birth",
            "pregnancy_status",
            "reason_for_visit",
            "substances",
            "intoxicated_now",
            "phq9_1",
        ],
    );
    let out = dir.path().join("out.yaml");
    let mut s = spawn(
        dir.path(),
        &[
            "--answers",
            prefilled.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    // A number, with a bad value first: asked again.
    answer(&mut s, &prompt_of("age"), &["250", ENTER]);
    answer(&mut s, "Out of range", &["\x7f\x7f\x7f", "37", ENTER]);
    // A single choice: Female is option 2; pregnancy then applies. Enter
    // alone records nothing: nothing is chosen until the assessor picks.
    answer(&mut s, &prompt_of("sex_at_birth"), &[ENTER]);
    answer(&mut s, "Nothing chosen yet", &["2", ENTER]);
    answer(&mut s, &prompt_of("pregnancy_status"), &[DOWN, ENTER]);
    // Free text with quotes and non-ASCII letters.
    answer(
        &mut s,
        &prompt_of("reason_for_visit"),
        &["Says \"enough\" — ça suffit", ENTER],
    );
    // Several choices: tick tobacco by its number, alcohol with the
    // arrows and Space.
    let alcohol = option("substances", "alcohol");
    let tobacco = option("substances", "tobacco");
    let tobacco_key = (tobacco + 1).to_string();
    let mut keys = vec![tobacco_key.as_str()];
    keys.extend(std::iter::repeat_n(DOWN, alcohol - tobacco));
    keys.extend([" ", ENTER]);
    answer(&mut s, &prompt_of("substances"), &keys);
    // Yes / no: `n`.
    answer(&mut s, &prompt_of("intoxicated_now"), &["n", ENTER]);
    // A labelled scale: the digit of "2 · More than half the days".
    answer(&mut s, &prompt_of("phq9_1"), &["2", ENTER]);
    // The review, then the result and the placement.
    answer(&mut s, "Review the answers", &["1", ENTER]);
    let shown = s
        .expect(expectrl::Regex(r"Recommended level: [^\n]*\((\w+)\)"))
        .unwrap();
    let level = String::from_utf8_lossy(shown.get(1).unwrap()).to_string();
    answer(&mut s, "Placement made", &["1", ENTER]);
    s.expect("Saved").unwrap();
    assert_eq!(exit_code(s), 0);

    let saved = read(&out);
    assert_eq!(saved.status.as_deref(), Some("complete"));
    assert_eq!(saved.slots[q("age")], Slot::Num(37.0));
    assert_eq!(
        saved.slots[q("sex_at_birth")],
        Slot::Num(option("sex_at_birth", "female") as f64)
    );
    assert_eq!(
        saved.slots[q("substances")],
        Slot::Multi((1 << alcohol) | (1 << tobacco))
    );
    assert_eq!(saved.slots[q("intoxicated_now")], Slot::Num(0.0));
    assert_eq!(saved.slots[q("phq9_1")], Slot::Num(2.0));
    assert!(
        saved.texts.contains(&(
            q("reason_for_visit"),
            "Says \"enough\" — ça suffit".to_string()
        )),
        "{:?}",
        saved.texts
    );
    assert_eq!(
        saved.recommendation.as_ref().and_then(|r| r.level.clone()),
        Some(level.clone())
    );
    assert_eq!(
        saved
            .placement
            .as_ref()
            .map(|p| rs().levels[p.level].id.clone()),
        Some(level.clone())
    );
    // The file scores to the level shown at the end.
    assert_eq!(score_level(&out), level);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn a_killed_interview_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(
        dir.path(),
        &["cows_total", "gad7_1", "gad7_2", "gad7_3", "housing"],
    );
    let out = dir.path().join("intake.yaml");
    let out_s = out.to_str().unwrap();
    // gad7 items come after everything else that is left out except housing.
    // `--answers` copies answers only: the id is this intake's own.
    let mut s = spawn(
        dir.path(),
        &[
            "--answers",
            prefilled.to_str().unwrap(),
            "--out",
            out_s,
            "--id",
            "2026-0100",
        ],
    );
    answer(&mut s, &prompt_of("gad7_1"), &["1", ENTER]);
    answer(&mut s, &prompt_of("gad7_2"), &["0", ENTER]);
    // SIGKILL while the third is on screen: the two answers are on disk.
    s.expect(prompt_of("gad7_3").as_str()).unwrap();
    s.get_process_mut().kill(Signal::SIGKILL).unwrap();
    let saved = read(&out);
    assert_eq!(saved.status.as_deref(), Some("in_progress"));
    // Started and saved, but no recommendation reached yet.
    let started = saved.started_at.clone().expect("started_at");
    assert!(saved.updated_at.is_some());
    assert_eq!(saved.assessed_at, None);
    assert_eq!(saved.slots[q("gad7_1")], Slot::Num(1.0));
    assert_eq!(saved.slots[q("gad7_2")], Slot::Num(0.0));
    assert_eq!(saved.slots[q("gad7_3")], Slot::Absent);
    assert!(!dir.path().read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains(".tmp")));

    // Resumed: the first unanswered question comes first. Ctrl-C there
    // stops cleanly and says how to go on.
    let mut s = spawn(dir.path(), &["--resume", out_s]);
    answer(&mut s, &prompt_of("gad7_3"), &["\x03"]);
    s.expect("Interrupted").unwrap();
    s.expect(format!("placement assess --resume {out_s}").as_str())
        .unwrap();
    assert_eq!(exit_code(s), 130);

    // Resumed again: finish it.
    let mut s = spawn(dir.path(), &["--resume", out_s]);
    answer(&mut s, &prompt_of("gad7_3"), &["0", ENTER]);
    answer(&mut s, &prompt_of("housing"), &["1", ENTER]);
    answer(&mut s, "Review the answers", &["1", ENTER]);
    answer(&mut s, "Placement made", &["1", ENTER]);
    assert_eq!(exit_code(s), 0);
    let saved = read(&out);
    assert_eq!(saved.status.as_deref(), Some("complete"));
    assert_eq!(saved.slots[q("gad7_1")], Slot::Num(1.0));
    assert_eq!(saved.slots[q("gad7_3")], Slot::Num(0.0));
    assert_eq!(saved.id.as_deref(), Some("2026-0100"));
    // When it began is kept across resumes; when it was assessed is now.
    assert_eq!(saved.started_at.as_deref(), Some(started.as_str()));
    assert!(saved.assessed_at.is_some());
    assert!(saved.updated_at >= saved.assessed_at);
    // A finished intake is not resumed (or overwritten) without --force.
    let s = spawn(dir.path(), &["--resume", out_s]);
    assert_eq!(exit_code(s), 2);
}

#[test]
fn an_override_with_a_critical_flag_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(dir.path(), &["phq9_9"]);
    let mut s = spawn(
        dir.path(),
        &[
            "--answers",
            prefilled.to_str().unwrap(),
            "--id",
            "2026-0100",
            "--assessor",
            "staff-9",
        ],
    );
    // Item 9 of the PHQ-9 above 0 raises the critical flag at once.
    answer(&mut s, &prompt_of("phq9_9"), &["1", ENTER]);
    s.expect("CRITICAL FLAG").unwrap();
    answer(&mut s, "Critical flag", &[DOWN, ENTER]);
    acknowledge_note(&mut s);
    answer(&mut s, "Review the answers", &["1", ENTER]);
    s.expect("Recommended level").unwrap();
    // Another level: the first offered is the most intensive; the reason
    // is the last in the list ("Other"), which needs a note.
    answer(&mut s, "Placement made", &["2", ENTER]);
    answer(&mut s, "Level placed at", &["1", ENTER]);
    answer(&mut s, "Reason for the different level", &[END, ENTER]);
    answer(&mut s, "Note (required", &[ENTER]);
    answer(&mut s, "needs a note", &["Waiting list elsewhere", ENTER]);
    s.expect("Placement made: ").unwrap();
    assert_eq!(exit_code(s), 0);

    // Named by the id from the prefilled file.
    let out = dir.path().join("intake-2026-0100.yaml");
    let saved = read(&out);
    let p = saved.placement.clone().unwrap();
    let rec = saved.recommendation.clone().unwrap().level.unwrap();
    assert_ne!(rs().levels[p.level].id, rec);
    assert_eq!(
        p.reason.map(|i| rs().override_reasons[i].id.clone()),
        rs().override_reasons.last().map(|o| o.id.clone())
    );
    assert_eq!(p.note.as_deref(), Some("Waiting list elsewhere"));
    assert_eq!(saved.acknowledged_flags.len(), 1);
    assert_eq!(saved.acknowledged_flags[0].by.as_deref(), Some("staff-9"));
    assert_eq!(score_level(&out), rec);
}

#[test]
fn without_a_terminal_it_refuses_to_ask_and_never_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let out = AssertCommand::new(BIN)
        .arg("assess")
        .current_dir(dir.path())
        .write_stdin("34\n")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not one") && err.contains("terminal"), "{err}");
    assert!(
        err.contains("placement score") && err.contains("--answers FILE"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        dir.path().read_dir().unwrap().count(),
        0,
        "no file is written"
    );
}

#[test]
fn with_every_answer_given_it_runs_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(dir.path(), &[]);
    let out = dir.path().join("done.yaml");
    let run = |force: bool| {
        let mut c = AssertCommand::new(BIN);
        c.args(["assess", "--answers"])
            .arg(&prefilled)
            .arg("--out")
            .arg(&out)
            .current_dir(dir.path());
        if force {
            c.arg("--force");
        }
        c.timeout(Duration::from_secs(20)).output().unwrap()
    };
    let first = run(false);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("Recommended level"));
    let saved = read(&out);
    assert_eq!(saved.status.as_deref(), Some("complete"));
    let level = saved.recommendation.and_then(|r| r.level).unwrap();
    assert_eq!(score_level(&out), level);
    // The finished file is kept unless --force.
    let again = run(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(run(true).status.code(), Some(0));
}

#[test]
fn an_exclusion_without_a_terminal_gives_no_level() {
    let dir = tempfile::tempdir().unwrap();
    let prefilled = prefill(dir.path(), &[]);
    let text = std::fs::read_to_string(&prefilled)
        .unwrap()
        .replace("  age: 44\n", "  age: 16\n");
    std::fs::write(&prefilled, text).unwrap();
    let out = AssertCommand::new(BIN)
        .args(["assess", "--answers"])
        .arg(&prefilled)
        .args(["--out", "x.yaml"])
        .current_dir(dir.path())
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Recommended"));
    let saved = read(&dir.path().join("x.yaml"));
    assert_eq!(saved.status.as_deref(), Some("in_progress"));
    assert!(saved.recommendation.is_none());
}
