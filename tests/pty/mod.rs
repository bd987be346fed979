//! Driving `placement assess` in a pseudo-terminal (expectrl) as a person
//! would, for the tests that need a real terminal.

#![allow(dead_code)]

use assert_cmd::Command as AssertCommand;
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{Eof, Expect};
use placement::intake::to_yaml;
use placement::intake::{parse, Intake, Slot};
use placement::rules::model::{QuestionKind, RuleSet};
use placement::yaml::Limits;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_placement");
pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ENTER: &str = "\r";
pub const END: &str = "\x1b[F";
pub const HOME: &str = "\x1b[H";
pub const ESC: &str = "\x1b";
pub const TAB: &str = "\t";

/// After an action is picked for a critical flag: no note, when the rule
/// set asks for one.
pub fn acknowledge_note(s: &mut Session) {
    if rs().flag_actions.is_empty() {
        return;
    }
    answer(s, "? Note (optional", &[ENTER]);
}

pub fn rs() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| {
        placement::rules::load_default()
            .expect("default rules")
            .rules
    })
}

pub fn q(id: &str) -> usize {
    rs().question(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

pub fn option(question: &str, id: &str) -> usize {
    rs().questions[q(question)]
        .kind
        .options()
        .unwrap()
        .iter()
        .position(|o| o.id == id)
        .unwrap()
}

/// An intake answering every question with its least severe answer (an
/// adult who drinks alcohol), except the questions in `leave_out`.
pub fn prefill(dir: &Path, leave_out: &[&str]) -> std::path::PathBuf {
    let mut slots = vec![Slot::Absent; rs().questions.len()];
    let mut texts = Vec::new();
    for (i, question) in rs().questions.iter().enumerate() {
        if question.retired {
            continue;
        }
        slots[i] = match &question.kind {
            QuestionKind::SingleChoice(_) => Slot::Num(0.0),
            QuestionKind::MultiChoice(_) => Slot::Multi(0),
            QuestionKind::YesNo => Slot::Num(0.0),
            QuestionKind::Integer { min, allowed, .. } => Slot::Num(
                allowed
                    .as_ref()
                    .and_then(|a| a.first().copied())
                    .unwrap_or(*min) as f64,
            ),
            QuestionKind::Number { min, .. } => Slot::Num(*min),
            QuestionKind::Text { .. } => {
                texts.push((i, "Fictional.".to_string()));
                Slot::Text
            }
        };
    }
    slots[q("age")] = Slot::Num(44.0);
    slots[q("substances")] = Slot::Multi(1 << option("substances", "alcohol"));
    for id in leave_out {
        slots[q(id)] = Slot::Absent;
        texts.retain(|(i, _)| *i != q(id));
    }
    let intake = Intake {
        id: Some("2026-0100".into()),
        slots,
        texts,
        ..Intake::default()
    };
    let path = dir.join("prefill.yaml");
    std::fs::write(&path, to_yaml(rs(), &intake)).unwrap();
    path
}

pub fn spawn(dir: &Path, args: &[&str]) -> Session {
    spawn_sized(dir, args, 120, 40)
}

/// `placement assess ARGS` in a terminal of `cols` × `rows`.
pub fn spawn_sized(dir: &Path, args: &[&str], cols: u16, rows: u16) -> Session {
    spawn_with(dir, args, cols, rows, Some("staff-pty"))
}

/// `placement assess ARGS` in a terminal of `cols` × `rows`, with
/// `PLACEMENT_ASSESSOR` set to `assessor` (or unset: the interview asks).
pub fn spawn_with(
    dir: &Path,
    args: &[&str],
    cols: u16,
    rows: u16,
    assessor: Option<&str>,
) -> Session {
    let mut cmd = Command::new(BIN);
    cmd.arg("assess").args(args).current_dir(dir);
    cmd.env("NO_COLOR", "1").env("TERM", "xterm-256color");
    match assessor {
        Some(a) => cmd.env("PLACEMENT_ASSESSOR", a),
        None => cmd.env_remove("PLACEMENT_ASSESSOR"),
    };
    let mut s = Session::spawn(cmd).expect("spawn in a pty");
    s.get_process_mut()
        .set_window_size(cols, rows)
        .expect("window size");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Waits for `text` on the screen, then types `keys`, each a separate
/// keystroke with a person's pause before it (input that arrives faster
/// than typing counts as a paste).
pub fn answer(s: &mut Session, text: &str, keys: &[&str]) {
    if let Err(e) = s.expect(text) {
        panic!("waiting for {text:?}: {e}");
    }
    for k in keys {
        std::thread::sleep(Duration::from_millis(80));
        s.send(k).unwrap();
    }
}

pub fn exit_code(mut s: Session) -> i32 {
    s.expect(Eof).expect("the program ends");
    match s.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("ended by {other:?}"),
    }
}

pub fn read(path: &Path) -> Intake {
    let text = std::fs::read_to_string(path).unwrap();
    parse(&text, rs(), &Limits::INTAKE).unwrap_or_else(|e| panic!("{}\n{text}", e.message()))
}

pub fn score_level(path: &Path) -> String {
    let out = AssertCommand::new(BIN)
        .args(["score", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    v[0]["level"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}

/// A question's prompt line: its text is shown above it, wrapped; the
/// prompt line names the question (`? age [0 to 120]`, `? housing`).
pub fn prompt_of(id: &str) -> String {
    assert!(rs().question(id).is_some(), "no question {id}");
    format!("? {id}")
}
