//! What `assess` records and keeps, without a terminal (every answer
//! given): `--answers` copies answers only, and `--force` never destroys
//! what a file held: it is kept beside it as `NAME.superseded-STAMP.EXT`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example intake placed by override: id 2026-0008, assessor
/// staff-117, a placement with a reason (fictional).
fn example() -> PathBuf {
    root().join("examples/intakes/08-override-iop-to-outpatient.json")
}

fn assess(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .current_dir(dir)
        .env_remove("PLACEMENT_ASSESSOR")
        .arg("assess")
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn superseded(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".superseded-"))
        .collect();
    v.sort();
    v
}

#[test]
fn answers_copies_the_answers_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let (code, err) = assess(
        dir.path(),
        &["--answers", ex.to_str().unwrap(), "--out", "new.yaml"],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("new.yaml")).unwrap();
    // Not the other intake's id, assessor, placement or acknowledgements.
    for key in [
        "id:",
        "assessor:",
        "placement:",
        "acknowledged_flags:",
        "comment:",
    ] {
        assert!(
            !text.lines().any(|l| l.starts_with(key)),
            "{key} copied:\n{text}"
        );
    }
    assert!(text.contains("status: complete"), "{text}");
    // The answers are the same.
    let rules = placement::rules::load_default().unwrap().rules;
    let limits = placement::yaml::Limits::INTAKE;
    let new = placement::intake::parse(&text, &rules, &limits).unwrap();
    let old =
        placement::intake::parse(&std::fs::read_to_string(&ex).unwrap(), &rules, &limits).unwrap();
    assert_eq!(new.slots, old.slots);
    assert_eq!(new.texts, old.texts);
    // With --id and --assessor, those are this intake's.
    let (code, err) = assess(
        dir.path(),
        &[
            "--answers",
            ex.to_str().unwrap(),
            "--id",
            "2026-0100",
            "--assessor",
            "staff-5",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("intake-2026-0100.yaml")).unwrap();
    assert!(text.contains("id: \"2026-0100\"\n"), "{text}");
    assert!(text.contains("assessor: \"staff-5\"\n"), "{text}");
}

#[test]
fn force_keeps_what_the_file_held_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    let (code, err) = assess(
        dir.path(),
        &["--answers", ex, "--out", "a.yaml", "--assessor", "staff-17"],
    );
    assert_eq!(
        (code, err.as_str()),
        (
            0,
            "Saved a.yaml (status: complete). Score it again with: placement score a.yaml\n"
        )
    );
    let first = std::fs::read(dir.path().join("a.yaml")).unwrap();
    assert!(superseded(dir.path()).is_empty());
    // Without --force: refused, nothing changes.
    let (code, err) = assess(dir.path(), &["--answers", ex, "--out", "a.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: a.yaml is a finished intake; it is not overwritten without --force\n"
    );
    assert!(superseded(dir.path()).is_empty());
    // With --force: the old file is kept, byte for byte, and said so.
    let (code, err) = assess(
        dir.path(),
        &[
            "--answers",
            ex,
            "--out",
            "a.yaml",
            "--force",
            "--assessor",
            "staff-99",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let kept = superseded(dir.path());
    assert_eq!(kept.len(), 1);
    let name = kept[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        regex::Regex::new(r"^a\.superseded-\d{4}-\d\d-\d\dT\d{6}Z(-\d+)?\.yaml$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
    assert_eq!(
        err,
        format!("note: --force: a.yaml is written anew; what it held is kept as {name}\nSaved a.yaml (status: complete). Score it again with: placement score a.yaml\n")
    );
    assert_eq!(std::fs::read(&kept[0]).unwrap(), first);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let now = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    assert!(now.contains("assessor: \"staff-99\""), "{now}");
    // Reopening the finished intake with --resume --force keeps it too;
    // a second copy gets a name of its own.
    let (code, err) = assess(dir.path(), &["--resume", "a.yaml", "--force"]);
    assert_eq!(code, 0, "{err}");
    let kept = superseded(dir.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept
        .iter()
        .any(|k| std::fs::read_to_string(k).unwrap() == now));
}
