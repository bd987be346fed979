//! The record around an assessment in `explain` and the Markdown summary:
//! client, assessors, dates, the reassessment link, the placement with its
//! note, acknowledgements, and the history.

use assert_cmd::Command;

const MINI: &str = "tests/fixtures/mini";
const FILE: &str = "tests/fixtures/record/reassessed.yaml";

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn explain_ends_with_the_record() {
    let (out, code) = run(&["--rules", MINI, "explain", FILE]);
    assert_eq!(code, 0);
    let record = &out[out.find("\n== The record ==\n").expect(&out)..];
    assert_eq!(
        record,
        "
== The record ==
Client: C-2077
Assessor(s): staff-17, staff-99
Started: 2026-11-30T10:00:00Z
Recommendation reached: 2026-11-30T10:40:00Z
Last saved: 2026-11-30T10:41:00Z
Reassessment of intake R-1 (recommendation reached 2026-10-30T09:00:00Z; sha256 5f0e); answers changed: housing, sleep_hours
Placement made: Intensive (intensive), an override of Standard
  reason: Client preference
  note: Asked for daily sessions.
Acknowledged flag no_sleep: seen (by staff-99, 2026-11-30T10:30:00Z); note: Duty clinician booked
History:
  2026-11-30T10:00:00Z  staff-17  started the interview
  2026-11-30T10:20:00Z  staff-99  resumed the interview
  2026-11-30T10:25:00Z  staff-99  changed `sleep_hours` from 5 to 2
  2026-11-30T10:30:00Z  staff-99  acknowledged flag `no_sleep` (note: Duty clinician booked)
  2026-11-30T10:40:00Z  staff-99  placed at Intensive; reason: Client preference; note: Asked for daily sessions.
"
    );
}

#[test]
fn the_markdown_summary_has_the_placement_note_acknowledgements_date_and_assessors() {
    let (out, code) = run(&["--rules", MINI, "score", "--format", "markdown", FILE]);
    assert_eq!(code, 0);
    let tail = &out[out.find("**Placement made:**").expect(&out)..];
    assert_eq!(
        tail,
        "**Placement made:** Intensive (override: Client preference)

**Placement note:** Asked for daily sessions.

**Acknowledged** `no\\_sleep`: seen; note: Duty clinician booked (staff-99, 2026-11-30T10:30:00Z)

_Assessed 2026-11-30T10:40:00Z by staff-17, staff-99._

_Rule set mini 0.3.0 (sha256 a39f27be6f25). Decision support: the professional decides._

"
    );
}

#[test]
fn a_file_without_a_record_says_no_placement_is_recorded() {
    let (out, code) = run(&[
        "--rules",
        MINI,
        "explain",
        "tests/fixtures/mini-intakes/02-intensive.json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with("\n== The record ==\nPlacement made: none recorded\n"),
        "{out}"
    );
}

#[test]
fn a_json_record_names_the_client() {
    let (out, code) = run(&["--rules", MINI, "score", "--format", "jsonl", FILE]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "{\"source\":\"tests/fixtures/record/reassessed.yaml\",\"id\":\"R-2\",\"client\":\"C-2077\",\"level\":\"standard\","
        ),
        "{out}"
    );
    // The same intake as JSON, read by the fast path for JSON intakes.
    let rs = placement::rules::load_path(std::path::Path::new(MINI), 1 << 20)
        .unwrap()
        .rules;
    let text = std::fs::read_to_string(FILE).unwrap();
    let intake = placement::intake::parse(&text, &rs, &placement::yaml::Limits::INTAKE).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r2.json");
    std::fs::write(&json, placement::intake::to_json(&rs, &intake).to_string()).unwrap();
    let (out, code) = run(&[
        "--rules",
        MINI,
        "score",
        "--format",
        "jsonl",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains(",\"id\":\"R-2\",\"client\":\"C-2077\",\"level\":\"standard\","),
        "{out}"
    );
}
