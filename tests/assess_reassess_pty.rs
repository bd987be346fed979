//! `placement assess --reassess PREVIOUS` at a terminal: the new intake is
//! linked to the previous one by id and the SHA-256 of its file, has the
//! same client, offers every previous answer (Enter keeps it), and lists
//! the questions whose answer changed. Mini rule set (tests/fixtures/mini).

mod pty;

use placement::intake::{parse, Slot};
use placement::yaml::Limits;
use pty::*;
use sha2::Digest as _;

const PREVIOUS: &str = r#"intake: 1
id: "R-1"
client: "C-2077"
status: complete
assessed_at: "2026-10-30T09:00:00Z"
assessor: "staff-17"
answers:
  age: 40
  housing: shared
  stressors: [work]
  has_support: true
  sleep_hours: 6
  notes: "Fictional client, first assessment."
  wq_1: false
  wq_2: false
  wq_3: true
placement: {level: standard}
"#;

fn mini() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

#[test]
fn a_reassessment_links_its_predecessor_and_lists_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r1.yaml"), PREVIOUS).unwrap();
    let rules = mini();
    let mut s = spawn_with(
        dir.path(),
        &[
            "--rules",
            rules.to_str().unwrap(),
            "--reassess",
            "r1.yaml",
            "--id",
            "R-2",
            "--out",
            "r2.yaml",
        ],
        100,
        40,
        Some("staff-21"),
    );
    answer(&mut s, "Previous assessment: 40. Enter keeps it", &[]);
    answer(&mut s, "? age", &[ENTER]);
    // Housing is now "no fixed place".
    answer(
        &mut s,
        "Previous assessment: A shared or temporary place. Enter keeps it",
        &[],
    );
    answer(&mut s, "? housing", &["3", ENTER]);
    for id in [
        "stressors",
        "has_support",
        "sleep_hours",
        "notes",
        "wq_1",
        "wq_2",
        "wq_3",
    ] {
        answer(&mut s, &format!("? {id}"), &[ENTER]);
    }
    answer(&mut s, "Review the answers", &["1", ENTER]);
    answer(&mut s, "Placement made", &["1", ENTER]);
    assert_eq!(exit_code(s), 0);

    let text = std::fs::read_to_string(dir.path().join("r2.yaml")).unwrap();
    let rs = placement::rules::load_path(&rules, 1 << 20).unwrap().rules;
    let new = parse(&text, &rs, &Limits::INTAKE).unwrap();
    let sha = format!("{:x}", sha2::Sha256::digest(PREVIOUS.as_bytes()));
    let r = new.reassessment.as_ref().expect("a reassessment");
    assert_eq!(r.previous.id.as_deref(), Some("R-1"));
    assert_eq!(r.previous.sha256.as_deref(), Some(sha.as_str()));
    assert_eq!(
        r.previous.assessed_at.as_deref(),
        Some("2026-10-30T09:00:00Z")
    );
    assert_eq!(r.changed, [rs.question("housing").unwrap()]);
    assert_eq!(new.client.as_deref(), Some("C-2077"));
    assert_eq!(new.id.as_deref(), Some("R-2"));
    assert_eq!(new.assessor.as_deref(), Some("staff-21"));
    assert_eq!(new.slots[rs.question("age").unwrap()], Slot::Num(40.0));
    assert_eq!(
        new.text(rs.question("notes").unwrap()),
        Some("Fictional client, first assessment.")
    );
    assert!(
        text.contains(&format!(
            "reassessment: {{previous: {{id: \"R-1\", sha256: \"{sha}\", assessed_at: \"2026-10-30T09:00:00Z\"}}, changed: [housing]}}\n"
        )),
        "{text}"
    );
    // The previous file is untouched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r1.yaml")).unwrap(),
        PREVIOUS
    );
}

#[test]
fn a_reassessment_of_another_client_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r1.yaml"), PREVIOUS).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["assess", "--rules"])
        .arg(mini())
        .args([
            "--reassess",
            "r1.yaml",
            "--client",
            "C-9",
            "--out",
            "x.yaml",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --client C-9 differs from the client of the previous assessment in r1.yaml; a reassessment is of the same person\n"
    );
    assert!(!dir.path().join("x.yaml").exists());
}
