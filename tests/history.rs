//! `placement history` against the fixtures in `tests/fixtures/history/`:
//! three assessments of the fictional client C-3001 (php, a reassessment a
//! month later stepping down to iop, a third at outpatient), one intake of
//! client C-3002 and one without a client id (two YAML documents in
//! `others.yaml`). Full stdout, stderr and exit codes.

use assert_cmd::Command;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

const DIR: &str = "tests/fixtures/history";
const FIRST: &str = "tests/fixtures/history/c3001-first.yaml";
const STEP_DOWN: &str = "tests/fixtures/history/c3001-step-down.json";
const OUTPATIENT: &str = "tests/fixtures/history/c3001-outpatient.yaml";
const OTHERS: &str = "tests/fixtures/history/others.yaml";
const BROKEN: &str = "tests/fixtures/history-broken";

fn placement() -> Command {
    let mut c = Command::cargo_bin("placement").expect("the placement binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100");
    c
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let o = placement().args(args).output().expect("runs");
    Out {
        code: o.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable fixture");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The rows of a JSON history.
fn rows(out: &Out) -> Vec<Value> {
    match serde_json::from_str(&out.stdout).expect("stdout is JSON") {
        Value::Array(rows) => rows,
        other => panic!("not an array: {other}"),
    }
}

/// The table of the three assessments of C-3001, in date order.
const C3001_TABLE: &str = "\
Placement history of client C-3001: 3 assessments, 2026-10-01 to 2026-12-03
┌────────────┬───────────┬──────────┬────────────┬─────┬────────────┬─────┬─────┬─────┬─────┬─────┬─────┬────────────────────────┬───────────────┬─────────┐
│ Date       ┆ Intake    ┆ Status   ┆ Level      ┆ Max ┆ Placement  ┆ wit ┆ bio ┆ emo ┆ rea ┆ rel ┆ env ┆ Flags                  ┆ Follows prior ┆ Changed │
╞════════════╪═══════════╪══════════╪════════════╪═════╪════════════╪═════╪═════╪═════╪═════╪═════╪═════╪════════════════════════╪═══════════════╪═════════╡
│ 2026-10-01 ┆ 2026-0101 ┆ complete ┆ php        ┆     ┆ php        ┆ 1   ┆ 1   ┆ 3   ┆ 1   ┆ 1   ┆ 1   ┆ !! self_harm_thoughts  ┆ -             ┆ -       │
│            ┆           ┆          ┆            ┆     ┆            ┆     ┆     ┆     ┆     ┆     ┆     ┆ !! harm_thoughts       ┆               ┆         │
│            ┆           ┆          ┆            ┆     ┆            ┆     ┆     ┆     ┆     ┆     ┆     ┆ ! combined_depressants ┆               ┆         │
│ 2026-11-02 ┆ 2026-0142 ┆ complete ┆ iop        ┆     ┆ iop        ┆ 0   ┆ 1   ┆ 2   ┆ 0   ┆ 1   ┆ 1   ┆ ! combined_depressants ┆ yes           ┆ 23      │
│ 2026-12-03 ┆ 2026-0187 ┆ complete ┆ outpatient ┆     ┆ outpatient ┆ 0   ┆ 1   ┆ 1   ┆ 0   ┆ 1   ┆ 0   ┆                        ┆ yes           ┆ 15      │
└────────────┴───────────┴──────────┴────────────┴─────┴────────────┴─────┴─────┴─────┴─────┴─────┴─────┴────────────────────────┴───────────────┴─────────┘
Ratings (0 to 4): wit Intoxication and withdrawal potential; bio Physical health conditions and complications; emo Emotional, behavioral or cognitive conditions; rea Readiness to change; rel Relapse and continued-use potential; env Recovery and living environment
Flags: !! critical, ! warning, ?? and ? possible until the missing answers are known. Levels as rule set default 2.0.0 recommends them now.
";

#[test]
fn the_table_shows_the_course_in_date_order_whatever_the_order_given() {
    let out = run(&["history", OUTPATIENT, FIRST, STEP_DOWN, "--format", "table"]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, C3001_TABLE);
    assert_eq!(out.code, 0);
}

#[test]
fn a_folder_with_client_keeps_that_clients_intakes_and_counts_the_others() {
    let out = run(&["history", DIR, "--client", "C-3001", "--format", "table"]);
    assert_eq!(out.stdout, C3001_TABLE);
    assert_eq!(
        out.stderr,
        "note: 2 intake(s) left out: 1 of other clients, 1 with no client id\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn without_client_intakes_of_two_clients_are_refused() {
    let out = run(&["history", DIR, "--format", "table"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: the intakes given belong to 2 clients: C-3001 (3 intakes), C-3002 (1 intake) \
         (and 1 intake has no client id); pass --client ID to show the history of one\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn an_unknown_client_is_an_error_naming_the_clients_found() {
    let out = run(&["history", DIR, "--client", "C-9999"]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: no intake of client `C-9999` among the 5 intake(s) read; \
         clients found: C-3001 (3 intakes), C-3002 (1 intake)\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn json_gives_one_object_per_assessment_with_stable_fields() {
    let out = run(&[
        "history", STEP_DOWN, OTHERS, OUTPATIENT, FIRST, "--client", "C-3001", "-f", "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "note: 2 intake(s) left out: 1 of other clients, 1 with no client id\n"
    );
    let rows = rows(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0],
        json!({
            "date": "2026-10-01T09:41:00Z",
            "date_from": "assessed_at",
            "id": "2026-0101",
            "client": "C-3001",
            "status": "complete",
            "level": "php",
            "max_level": "php",
            "complete": true,
            "placement": {"level": "php", "reason": "not_applicable", "overridden": false},
            "ratings": {"withdrawal": 1, "biomedical": 1, "emotional": 3, "readiness": 1, "relapse": 1, "environment": 1},
            "max_ratings": {"withdrawal": 1, "biomedical": 1, "emotional": 3, "readiness": 1, "relapse": 1, "environment": 1},
            "flags": ["self_harm_thoughts", "harm_thoughts", "combined_depressants"],
            "possible_flags": [],
            "previous": null,
            "changed": [],
            "source": FIRST,
        })
    );
    assert_eq!(
        rows[1],
        json!({
            "date": "2026-11-02T13:52:00Z",
            "date_from": "assessed_at",
            "id": "2026-0142",
            "client": "C-3001",
            "status": "complete",
            "level": "iop",
            "max_level": "iop",
            "complete": true,
            "placement": {"level": "iop", "reason": "not_applicable", "overridden": false},
            "ratings": {"withdrawal": 0, "biomedical": 1, "emotional": 2, "readiness": 0, "relapse": 1, "environment": 1},
            "max_ratings": {"withdrawal": 0, "biomedical": 1, "emotional": 2, "readiness": 0, "relapse": 1, "environment": 1},
            "flags": ["combined_depressants"],
            "possible_flags": [],
            "previous": {
                "id": "2026-0101",
                "sha256": sha256(Path::new(FIRST)),
                "assessed_at": "2026-10-01T09:41:00Z",
                "follows_prior_row": true,
                "sha256_matches": true,
            },
            "changed": [
                "reason_for_visit", "days_used_30", "last_use", "ciwa_ar_total",
                "phq9_1", "phq9_2", "phq9_5", "phq9_6", "phq9_7", "phq9_9", "functioning",
                "gad7_1", "gad7_2", "gad7_3", "suicide_risk", "lethal_means_access",
                "stage_of_change", "importance_change", "treatment_goal", "prior_treatment",
                "relapse_after_treatment", "cravings", "life_stress",
            ],
            "source": STEP_DOWN,
        })
    );
    assert_eq!(
        rows[2],
        json!({
            "date": "2026-12-03T15:48:00Z",
            "date_from": "assessed_at",
            "id": "2026-0187",
            "client": "C-3001",
            "status": "complete",
            "level": "outpatient",
            "max_level": "outpatient",
            "complete": true,
            "placement": {"level": "outpatient", "reason": "not_applicable", "overridden": false},
            "ratings": {"withdrawal": 0, "biomedical": 1, "emotional": 1, "readiness": 0, "relapse": 1, "environment": 0},
            "max_ratings": {"withdrawal": 0, "biomedical": 1, "emotional": 1, "readiness": 0, "relapse": 1, "environment": 0},
            "flags": [],
            "possible_flags": [],
            "previous": {
                "id": "2026-0142",
                "sha256": sha256(Path::new(STEP_DOWN)),
                "assessed_at": "2026-11-02T13:52:00Z",
                "follows_prior_row": true,
                "sha256_matches": true,
            },
            "changed": [
                "reason_for_visit", "substances_30d", "primary_substance", "days_used_30",
                "ciwa_ar_total", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_8",
                "gad7_5", "gad7_7", "stage_of_change", "cravings", "life_stress",
            ],
            "source": OUTPATIENT,
        })
    );
}

#[test]
fn json_is_the_default_when_stdout_is_not_a_terminal() {
    let out = run(&["history", DIR, "--client", "C-3002"]);
    assert_eq!(out.code, 0);
    let rows = rows(&out);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2026-0120"]);
}

#[test]
fn an_override_and_missing_answers_show_in_the_row() {
    let out = run(&["history", OTHERS, "--client", "C-3002", "-f", "json"]);
    assert_eq!(out.code, 0);
    let row = &rows(&out)[0];
    assert_eq!(row["level"], "iop");
    assert_eq!(row["max_level"], "inpatient");
    assert_eq!(row["complete"], false);
    assert_eq!(
        row["placement"],
        json!({"level": "outpatient", "reason": "transportation", "overridden": true})
    );
    assert_eq!(row["ratings"]["emotional"], 2);
    assert_eq!(row["max_ratings"]["emotional"], 4);
    assert_eq!(row["flags"], json!([]));
    assert_eq!(row["possible_flags"], json!(["recent_self_harm"]));
    assert_eq!(row["source"], format!("{OTHERS}#1"));

    let out = run(&["history", OTHERS, "--client", "C-3002", "-f", "table"]);
    assert_eq!(out.code, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Placement history of client C-3002: 1 assessment, 2026-10-20"
    );
    assert_eq!(
        lines[4],
        "│ 2026-10-20 ┆ 2026-0120 ┆ complete ┆ iop   ┆ inpatient ┆ outpatient       ┆ 0   ┆ 0   ┆ 2-4 ┆ 2   ┆ 1   ┆ 1   ┆ ?? recent_self_harm ┆ -             ┆ -       │"
    );
    assert_eq!(
        lines[5],
        "│            ┆           ┆          ┆       ┆           ┆ (transportation) ┆     ┆     ┆     ┆     ┆     ┆     ┆                     ┆               ┆         │"
    );
}

#[test]
fn markdown_is_a_printable_page_with_the_changes_of_level() {
    let out = run(&["history", OUTPATIENT, STEP_DOWN, FIRST, "-f", "markdown"]);
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "\
# Placement history: client C-3001, 2026-10-01 to 2026-12-03

3 assessments. Levels as rule set default 2.0.0 recommends them now.

| Date | Intake | Status | Level | Max level | Placement | wit | bio | emo | rea | rel | env | Flags | Follows prior | Changed |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 2026-10-01 | 2026-0101 | complete | php |  | php | 1 | 1 | 3 | 1 | 1 | 1 | **self\\_harm\\_thoughts** (critical), **harm\\_thoughts** (critical), combined\\_depressants | - | - |
| 2026-11-02 | 2026-0142 | complete | iop |  | iop | 0 | 1 | 2 | 0 | 1 | 1 | combined\\_depressants | yes | 23 |
| 2026-12-03 | 2026-0187 | complete | outpatient |  | outpatient | 0 | 1 | 1 | 0 | 1 | 0 |  | yes | 15 |

Ratings (0 to 4): wit Intoxication and withdrawal potential; bio Physical health conditions and complications; emo Emotional, behavioral or cognitive conditions; rea Readiness to change; rel Relapse and continued-use potential; env Recovery and living environment

## Changes of level

- 2026-10-01 → 2026-11-02: php → iop
- 2026-11-02 → 2026-12-03: iop → outpatient

## Files

1. 2026-10-01: tests/fixtures/history/c3001-first.yaml
2. 2026-11-02: tests/fixtures/history/c3001-step-down.json
3. 2026-12-03: tests/fixtures/history/c3001-outpatient.yaml
"
    );
}

#[test]
fn a_broken_file_is_an_error_record_and_exit_1_never_dropped() {
    let place = "tests/fixtures/history-broken/c3001-typo.yaml:90:12";
    let message = "answer to `housing` is not one of its options; options: stable, at_risk, temporary, homeless, no_safe_place";

    let out = run(&["history", DIR, BROKEN, "--client", "C-3001", "-f", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!(
            "{place}: error[unknown-option]: {message}\n\
             note: 2 intake(s) left out: 1 of other clients, 1 with no client id\n\
             1 of 6 input(s) could not be read\n"
        )
    );
    let rows = rows(&out);
    let ids: Vec<&Value> = rows.iter().map(|r| &r["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("2026-0101"),
            &json!("2026-0142"),
            &json!("2026-0187"),
            &json!("2026-0163")
        ]
    );
    assert_eq!(
        rows[3],
        json!({
            "source": "tests/fixtures/history-broken/c3001-typo.yaml",
            "id": "2026-0163",
            "error": message,
            "code": "unknown-option",
            "line": 90,
            "column": 12,
        })
    );

    let out = run(&["history", DIR, BROKEN, "--client", "C-3001", "-f", "table"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        format!(
            "{C3001_TABLE}Could not be read (1):\n  {place}: error[unknown-option]: {message}\n"
        )
    );
    assert_eq!(
        out.stderr,
        "note: 2 intake(s) left out: 1 of other clients, 1 with no client id\n\
         1 of 6 input(s) could not be read\n"
    );

    let out = run(&[
        "history", DIR, BROKEN, "--client", "C-3001", "-f", "markdown",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.ends_with(
            "## Could not be read\n\n- tests/fixtures/history-broken/c3001-typo.yaml:90:12: error\\[unknown-option\\]: answer to \\`housing\\` is not one of its options; options: stable, at\\_risk, temporary, homeless, no\\_safe\\_place\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_missing_file_is_an_error_even_when_nothing_else_could_be_read() {
    let out = run(&[
        "history",
        "tests/fixtures/history/no-such-file.yaml",
        "-f",
        "table",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "Placement history: no assessment could be read\nCould not be read (1):\n  tests/fixtures/history/no-such-file.yaml: error[io]: cannot read file: no such file or folder\n"
    );
    assert_eq!(out.stderr, "1 of 1 input(s) could not be read\n");
}

/// Writes `text` to `dir/name` and returns the path as text.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write a temporary intake");
    p.to_str().expect("UTF-8 temporary path").to_string()
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(path).expect("readable fixture")
}

#[test]
fn a_gap_in_the_course_and_an_edited_previous_file_show_in_the_link_column() {
    // Without the step-down assessment, the third follows one not shown.
    let out = run(&["history", FIRST, OUTPATIENT, "-f", "table"]);
    assert_eq!(out.code, 0);
    let link_cells: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("│ 2026"))
        .map(|l| l.split('┆').nth(13).unwrap().trim())
        .collect();
    assert_eq!(link_cells, ["-", "no (2026-0142)"]);

    // The step-down assessment recorded the SHA-256 of the first file; a
    // copy edited since still links by id, and says the file changed.
    let tmp = tempfile::tempdir().unwrap();
    let edited = write(
        tmp.path(),
        "first.yaml",
        &format!("{}# corrected after the reassessment\n", fixture(FIRST)),
    );
    let out = run(&["history", &edited, STEP_DOWN, "-f", "json"]);
    assert_eq!(out.code, 0);
    let rows = rows(&out);
    assert_eq!(rows[1]["previous"]["follows_prior_row"], true);
    assert_eq!(rows[1]["previous"]["sha256_matches"], false);
    let out = run(&["history", &edited, STEP_DOWN, "-f", "table"]);
    assert!(
        out.stdout.contains("┆ yes, edited since ┆ 23      │"),
        "{}",
        out.stdout
    );
}

#[test]
fn dates_fall_back_to_started_at_then_updated_at_and_undated_rows_go_last() {
    let tmp = tempfile::tempdir().unwrap();
    let first = fixture(FIRST);
    // The first assessment with no `assessed_at`: dated by `started_at`.
    let started = write(
        tmp.path(),
        "started.yaml",
        &first.replace("assessed_at: \"2026-10-01T09:41:00Z\"\n", ""),
    );
    // The third with no date at all: last, whatever the order given.
    let undated = fixture(OUTPATIENT)
        .lines()
        .filter(|l| {
            !l.starts_with("started_at")
                && !l.starts_with("assessed_at")
                && !l.starts_with("updated_at")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let undated = write(tmp.path(), "undated.yaml", &undated);
    // A copy of the step-down with only `updated_at`, written with an
    // offset: compared as a timestamp, 14:30+02:00 (12:30Z) is before the
    // step-down's 13:52Z, although its text sorts after it.
    let step_down: Value = serde_json::from_str(&fixture(STEP_DOWN)).unwrap();
    let mut saved = step_down.clone();
    let m = saved.as_object_mut().unwrap();
    m.remove("started_at");
    m.remove("assessed_at");
    m.insert("id".into(), json!("2026-0140"));
    m.insert("updated_at".into(), json!("2026-11-02T14:30:00+02:00"));
    let saved = write(tmp.path(), "saved.json", &saved.to_string());

    let out = run(&[
        "history", &undated, STEP_DOWN, &saved, &started, "-f", "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = rows(&out);
    let got: Vec<(Value, Value, Value)> = rows
        .iter()
        .map(|r| (r["id"].clone(), r["date"].clone(), r["date_from"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                json!("2026-0101"),
                json!("2026-10-01T09:02:00Z"),
                json!("started_at")
            ),
            (
                json!("2026-0140"),
                json!("2026-11-02T14:30:00+02:00"),
                json!("updated_at")
            ),
            (
                json!("2026-0142"),
                json!("2026-11-02T13:52:00Z"),
                json!("assessed_at")
            ),
            (json!("2026-0187"), Value::Null, Value::Null),
        ]
    );

    let out = run(&[
        "history", &undated, STEP_DOWN, &saved, &started, "-f", "table",
    ]);
    let dates: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("│ ") && !l.starts_with("│ Date") && !l.starts_with("│  "))
        .map(|l| l.trim_start_matches("│ ").split('┆').next().unwrap().trim())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-10-01 (started)",
            "2026-11-02 (saved)",
            "2026-11-02",
            "no date"
        ]
    );
    assert!(out.stdout.starts_with(
        "Placement history of client C-3001: 4 assessments, 2026-10-01 to 2026-11-02\n"
    ));
}

#[test]
fn intakes_without_a_client_id_are_shown_when_they_are_all_there_is() {
    let tmp = tempfile::tempdir().unwrap();
    let others = fixture(OTHERS);
    let no_client = others.split("\n---\n").nth(1).unwrap();
    let a = write(tmp.path(), "a.yaml", no_client);
    let b = write(
        tmp.path(),
        "b.yaml",
        &no_client
            .replace("id: \"2026-0133\"", "id: \"2026-0199\"")
            .replace("2026-10-27T16:30:00Z", "2026-09-15T08:00:00Z"),
    );
    let out = run(&["history", &a, &b, "-f", "json"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "note: none of the 2 intake(s) has a client id; they are shown as one course, so check that they are of the same person\n"
    );
    let rows = rows(&out);
    let ids: Vec<&Value> = rows.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&json!("2026-0199"), &json!("2026-0133")]);
    assert_eq!(rows[0]["client"], Value::Null);
}

/// The renderer on its own, for a terminal too narrow for the table: one
/// block of lines per assessment, wrapped to the width.
#[test]
fn a_narrow_terminal_gets_a_block_per_assessment() {
    use placement::render::history::{table, Course, DateField, Dated, Link, Row};
    use placement::render::{table::Style, Scored};

    let rs = placement::rules::load_default()
        .expect("default rules")
        .rules;
    let limits = placement::yaml::Limits::INTAKE;
    let scored: Vec<Scored> = [FIRST, STEP_DOWN]
        .iter()
        .map(|path| {
            let intake = placement::intake::parse(&fixture(path), &rs, &limits).expect("reads");
            Scored {
                source: path.to_string(),
                assessment: placement::engine::score(&rs, &intake),
                intake,
            }
        })
        .collect();
    fn dated(s: &Scored) -> Option<Dated<'_>> {
        Some(Dated {
            text: s.intake.assessed_at.as_deref().unwrap(),
            field: DateField::AssessedAt,
            valid: true,
        })
    }
    let course = Course {
        client: Some("C-3001"),
        rows: vec![
            Row {
                scored: &scored[0],
                date: dated(&scored[0]),
                link: Link::None,
            },
            Row {
                scored: &scored[1],
                date: dated(&scored[1]),
                link: Link::Prior { sha256: Some(true) },
            },
        ],
        failures: Vec::new(),
    };
    let style = Style {
        color: false,
        width: Some(60),
    };
    assert_eq!(
        table(&rs, &course, style),
        "\
Placement history of client C-3001: 2 assessments,
    2026-10-01 to 2026-11-02

2026-10-01 · intake 2026-0101 · complete
  level php; placement php
  ratings: wit 1, bio 1, emo 3, rea 1, rel 1, env 1
  flags: !! self_harm_thoughts
         !! harm_thoughts
         ! combined_depressants

2026-11-02 · intake 2026-0142 · complete
  level iop; placement iop
  ratings: wit 0, bio 1, emo 2, rea 0, rel 1, env 1
  flags: ! combined_depressants
  follows prior: yes; changed: 23

Ratings (0 to 4): wit Intoxication and withdrawal potential;
    bio Physical health conditions and complications; emo
    Emotional, behavioral or cognitive conditions; rea
    Readiness to change; rel Relapse and continued-use
    potential; env Recovery and living environment
Flags: !! critical, ! warning, ?? and ? possible until the
    missing answers are known. Levels as rule set default
    2.0.0 recommends them now.
"
    );
    // Wide enough, the same rows are the table.
    let wide = table(
        &rs,
        &course,
        Style {
            color: false,
            width: Some(200),
        },
    );
    assert!(
        wide.lines().nth(1).unwrap().starts_with("┌────────────┬"),
        "{wide}"
    );
}
