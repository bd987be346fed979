//! `placement rules fmt`: canonical layout that keeps comments.

use assert_cmd::Command;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fmt(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(["rules", "fmt"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn default_rules_are_in_canonical_layout() {
    let (code, out) = fmt(&["--check", root().join("rules").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(" 0 would be reformatted, 0 left as they are\n"),
        "{out}"
    );
}

#[test]
fn formats_keeping_comments_and_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("rules/00-ruleset.yaml");
    let original = std::fs::read_to_string(&src).unwrap();
    // Trailing spaces (outside block text, where they are content), CRLF,
    // a tight comment and extra blank lines.
    let structural = |l: &str| {
        let t = l.trim_start();
        t.starts_with('#')
            || t.starts_with("- ")
            || t.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
    };
    let messy = original
        .lines()
        .map(|l| {
            if structural(l) {
                format!("{l}  \r\n")
            } else {
                format!("{l}\r\n")
            }
        })
        .collect::<String>()
        .replacen("# Reasons", "#Reasons", 1)
        .replacen("\r\n\r\n", "\r\n\r\n\r\n\r\n", 1)
        + "\r\n\r\n\r\n";
    let file = dir.path().join("00-ruleset.yaml");
    std::fs::write(&file, &messy).unwrap();
    let path = file.to_str().unwrap();

    let (code, out) = fmt(&["--check", path]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with(&format!("{path}: not formatted (line 1: ")),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        messy,
        "--check changes nothing"
    );

    let (code, out) = fmt(&[path]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        format!("{path}: formatted\n1 file(s) checked, 1 reformatted, 0 left as they are\n")
    );
    let formatted = std::fs::read_to_string(&file).unwrap();
    assert_eq!(formatted, original);
    let comments = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
    };
    assert_eq!(comments(&formatted), comments(&original));

    let (code, _) = fmt(&["--check", path]);
    assert_eq!(code, 0);
}

#[test]
fn invalid_yaml_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, "levels: [a, b\n").unwrap();
    let (code, out) = fmt(&[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("not valid YAML, left as it is"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "levels: [a, b\n");
    let (code, _) = fmt(&[]);
    assert_eq!(code, 2, "no PATH and no --rules");
}
