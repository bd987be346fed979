//! No leaks: a recognizable string planted in bad intakes of every kind
//! never appears in any output stream of `score` (every format),
//! `explain`, `rules diff` or `assess --answers`. And `placement` has no
//! networking crate in its dependency tree. See docs/security.md.

use assert_cmd::Command;
use std::path::Path;

const SECRET: &str = "ZZSECRETZZ";

/// Bad intakes, each with the secret where an answer or free text goes.
fn bad_intakes() -> Vec<(&'static str, Vec<u8>)> {
    let s = SECRET;
    let h = "intake: 1\nanswers:\n";
    vec![
        (
            "wrong-type.yaml",
            format!("{h}  age: \"{s}\"\n").into_bytes(),
        ),
        (
            "wrong-type-bool.yaml",
            format!("{h}  dast10_3: {s}\n").into_bytes(),
        ),
        (
            "wrong-type.json",
            format!("{{\"intake\": 1, \"answers\": {{\"age\": \"{s}\"}}}}").into_bytes(),
        ),
        (
            "unknown-option.yaml",
            format!("{h}  housing: {s}\n").into_bytes(),
        ),
        (
            "unknown-option.json",
            format!("{{\"intake\": 1, \"answers\": {{\"housing\": \"{s}\"}}}}").into_bytes(),
        ),
        (
            "unknown-option-multi.yaml",
            format!("{h}  substances: [alcohol, {s}]\n").into_bytes(),
        ),
        (
            "out-of-range.yaml",
            format!("comment: \"{s}\"\n{h}  reason_for_visit: \"{s}\"\n  age: 999\n").into_bytes(),
        ),
        (
            "nan.yaml",
            format!("{h}  reason_for_visit: \"{s}\"\n  days_used_30: .nan\n").into_bytes(),
        ),
        (
            "syntax-in-string.yaml",
            format!("{h}  reason_for_visit: \"{s} and more\n").into_bytes(),
        ),
        (
            "syntax-single-quote.yaml",
            format!("{h}  reason_for_visit: '{s}\n").into_bytes(),
        ),
        (
            "syntax-flow.yaml",
            format!("{h}  substances: [{s}, \n").into_bytes(),
        ),
        (
            "syntax-indent.yaml",
            format!("{h}  reason_for_visit: {s}\n bad: indent\n").into_bytes(),
        ),
        (
            "syntax.json",
            format!("{{\"intake\": 1, \"answers\": {{\"reason_for_visit\": \"{s}\"").into_bytes(),
        ),
        (
            "bad-escape.json",
            format!("{{\"intake\": 1, \"answers\": {{\"reason_for_visit\": \"{s}\\q\"}}}}")
                .into_bytes(),
        ),
        (
            "non-utf8.yaml",
            [
                format!("{h}  reason_for_visit: \"{s}").into_bytes(),
                vec![0xff, b'"', b'\n'],
            ]
            .concat(),
        ),
        (
            "too-long.yaml",
            format!("{h}  reason_for_visit: \"{s}{}\"\n", "x".repeat(1000)).into_bytes(),
        ),
        (
            "comment-too-long.yaml",
            format!("comment: \"{s}{}\"\n{h}  age: 30\n", "x".repeat(10_000)).into_bytes(),
        ),
        (
            "unknown-level.yaml",
            format!("{h}  age: 30\nplacement:\n  level: {s}\n  note: \"{s}\"\n").into_bytes(),
        ),
        (
            "unknown-reason.yaml",
            format!("{h}  age: 30\nplacement:\n  level: inpatient\n  reason: {s}\n").into_bytes(),
        ),
        (
            "unknown-question-key.yaml",
            format!("{h}  {s}: 1\n").into_bytes(),
        ),
        (
            "unknown-field-key.yaml",
            format!("{s}: 1\n{h}  age: 30\n").into_bytes(),
        ),
        (
            "status.yaml",
            format!("status: {s}\n{h}  age: 30\n").into_bytes(),
        ),
        (
            "declined.yaml",
            format!("{h}  age: 30\ndeclined: [{s}]\n").into_bytes(),
        ),
        (
            "version.yaml",
            format!("intake: {s}\nanswers: {{}}\n").into_bytes(),
        ),
        (
            "tab.yaml",
            format!("{h}\treason_for_visit: {s}\n").into_bytes(),
        ),
        (
            // Two intakes, each an error of its own.
            "multi-doc.yaml",
            format!("{h}  {s}: 30\n---\n{s}: 1\n").into_bytes(),
        ),
        ("anchor.yaml", format!("{h}  age: *{s}\n").into_bytes()),
        ("tag.yaml", format!("{h}  age: !{s} 300\n").into_bytes()),
        (
            "excluded.yaml",
            format!("{h}  age: 12\n  reason_for_visit: \"{s}\"\n").into_bytes(),
        ),
    ]
}

/// Lines for `score -`: bad JSON of several kinds.
fn bad_lines() -> Vec<u8> {
    let s = SECRET;
    [
        format!("{{\"intake\": 1, \"answers\": {{\"housing\": \"{s}\"}}}}\n"),
        format!("{{\"intake\": 1, \"answers\": {{\"reason_for_visit\": \"{s}\"\n"),
        format!("{{\"intake\": 1, \"answers\": {{\"age\": \"{s}\"}}}}\n"),
        format!("{s}\n"),
        format!("[\"{s}\"]\n"),
        format!("{{\"intake\": 1, \"answers\": {{}}, \"comment\": \"{s}\"}} trailing {s}\n"),
    ]
    .concat()
    .into_bytes()
}

struct Out {
    code: i32,
    all: String,
}

fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Out {
    let o = Command::cargo_bin("placement")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .write_stdin(stdin.to_vec())
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{args:?} panicked");
    Out {
        code,
        all: format!(
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

fn assert_no_secret(what: &str, out: &Out) {
    assert!(
        !out.all.contains(SECRET) && !out.all.to_lowercase().contains(&SECRET.to_lowercase()),
        "{what} leaked the planted value:\n{}",
        out.all
    );
}

#[test]
fn planted_values_appear_in_no_output_stream() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("intakes");
    std::fs::create_dir(&dir).unwrap();
    let intakes = bad_intakes();
    for (name, bytes) in &intakes {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let rules = rules.to_str().unwrap();
    for format in ["table", "json", "jsonl", "csv", "markdown"] {
        let out = run(
            tmp.path(),
            &["score", "--summary", "--format", format, "intakes"],
            b"",
        );
        assert_eq!(out.code, 1, "{format}: {}", out.all);
        assert_no_secret(&format!("score --format {format}"), &out);
        let out = run(
            tmp.path(),
            &["score", "--format", format, "-"],
            &bad_lines(),
        );
        assert_eq!(out.code, 1, "{format}: {}", out.all);
        assert_no_secret(&format!("score - --format {format}"), &out);
    }
    // Every file was an error, and each one's record says so (the file of
    // two YAML documents gives two records).
    let out = run(tmp.path(), &["score", "--format", "jsonl", "intakes"], b"");
    assert_eq!(
        out.all.matches("\"error\":").count(),
        intakes.len() + 1,
        "{}",
        out.all
    );
    for (name, _) in &intakes {
        let path = format!("intakes/{name}");
        let out = run(tmp.path(), &["explain", &path], b"");
        // 2: `explain` explains one intake, and the file holds two.
        let code = if *name == "multi-doc.yaml" { 2 } else { 1 };
        assert_eq!(out.code, code, "{name}: {}", out.all);
        assert_no_secret(&format!("explain {name}"), &out);
        let out = run(
            tmp.path(),
            &["assess", "--answers", &path, "--out", "new.yaml"],
            b"",
        );
        // 2: the file cannot be read; 1: an exclusion holds (stopped).
        assert!(matches!(out.code, 1 | 2), "{name}: {}", out.all);
        assert_no_secret(&format!("assess --answers {name}"), &out);
    }
    for format in ["human", "json"] {
        let out = run(
            tmp.path(),
            &[
                "rules",
                "diff",
                rules,
                rules,
                "--intakes",
                "intakes",
                "--format",
                format,
            ],
            b"",
        );
        assert_eq!(out.code, 0, "{}", out.all);
        assert_no_secret(&format!("rules diff --format {format}"), &out);
    }
}

/// `placement` makes no network access: no crate that speaks a network
/// protocol is in its dependency tree (Cargo.lock holds every crate of
/// the build, dev-dependencies included).
#[test]
fn no_networking_crate_in_the_dependency_tree() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(names.contains(&"placement"));
    const NETWORK: &[&str] = &[
        "reqwest",
        "hyper",
        "ureq",
        "tokio",
        "async-std",
        "curl",
        "curl-sys",
        "isahc",
        "surf",
        "attohttpc",
        "h2",
        "quinn",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "mio",
        "socket2",
        "tungstenite",
        "lettre",
        "trust-dns-resolver",
        "hickory-resolver",
        "smol",
        "async-io",
        "tonic",
        "axum",
        "actix-web",
        "warp",
    ];
    let found: Vec<&&str> = names.iter().filter(|n| NETWORK.contains(n)).collect();
    assert!(
        found.is_empty(),
        "networking crates in Cargo.lock: {found:?}"
    );
}
