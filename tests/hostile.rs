//! The hostile-input corpus (`tests/hostile/`): every file gives its
//! asserted error (code, file, line and column) and exit code, never exit
//! 101, and within a second or so. `tests/hostile/expected.tsv` is the
//! table for the files on disk; the cases that need to be made at test
//! time (very large or deep inputs, symlink loops, unreadable files,
//! FIFOs) are in the functions below. See docs/security.md.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const HOSTILE: &str = "tests/hostile";
/// A guard against hangs, generous for debug builds on a busy machine; the
/// true figures are in docs/security.md.
const MAX_ELAPSED: Duration = Duration::from_secs(3);

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Out {
    let start = Instant::now();
    let o = Command::cargo_bin("placement")
        .expect("binary")
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin(stdin.to_vec())
        .timeout(Duration::from_secs(20))
        .output()
        .expect("runs");
    let elapsed = start.elapsed();
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{args:?} panicked");
    assert_ne!(code, -1, "{args:?} was killed (hung?)");
    assert!(elapsed < MAX_ELAPSED, "{args:?} took {elapsed:?}");
    Out {
        code,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(HOSTILE)
}

/// One row of `expected.tsv`.
#[derive(Debug)]
struct Case {
    path: String,
    how: String,
    exit: i32,
    code: String,
    file: String,
    line: Option<u64>,
    column: Option<u64>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(hostile_dir().join("expected.tsv")).expect("expected.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "bad row: {l}");
            let num = |s: &str| (s != "-").then(|| s.parse().expect("a number"));
            Case {
                path: f[0].into(),
                how: f[1].into(),
                exit: f[2].parse().expect("exit code"),
                code: f[3].into(),
                file: if f[4] == "-" {
                    f[0].into()
                } else {
                    f[4].into()
                },
                line: num(f[5]),
                column: num(f[6]),
            }
        })
        .collect()
}

/// The record a case names: the one line of output, or, for a file of several intakes (a list, or YAML documents), the
/// record the case names (`FILE#k`), after checking there is one record
/// per intake, numbered from 1.
fn case_record(c: &Case, out: &Out) -> Value {
    let lines: Vec<&str> = out.stdout.lines().collect();
    let Some((path, _)) = c.file.split_once('#') else {
        return record(out);
    };
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect();
    for (k, r) in records.iter().enumerate() {
        assert_eq!(r["source"], format!("{path}#{}", k + 1), "{}", out.stdout);
    }
    records
        .into_iter()
        .find(|r| r["source"] == c.file.as_str())
        .unwrap_or_else(|| panic!("no record {}: {}", c.file, out.stdout))
}

/// A scored record from `score --format jsonl`: the one line of output.
fn record(out: &Out) -> Value {
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one record: {}", out.stdout);
    serde_json::from_str(lines[0]).expect("a JSON record")
}

fn check_score(c: &Case, out: &Out) {
    let r = case_record(c, out);
    assert_eq!(r["source"], c.file.as_str(), "{c:?}");
    if c.code == "-" {
        assert!(r.get("error").is_none(), "{c:?} should score: {r}");
        assert!(r["level"].is_string(), "{c:?}: {r}");
        return;
    }
    assert_eq!(r["code"], c.code.as_str(), "{c:?}: {r}");
    assert_eq!(r["line"].as_u64(), c.line, "{c:?}: {r}");
    assert_eq!(r["column"].as_u64(), c.column, "{c:?}: {r}");
    // Errors are on stderr too, with the file and place.
    let place = match (c.line, c.column) {
        (Some(l), Some(col)) => format!("{}:{l}:{col}: error[{}]", c.file, c.code),
        _ => format!("{}: error[{}]", c.file, c.code),
    };
    assert!(out.stderr.contains(&place), "{c:?}: {}", out.stderr);
}

fn check_rules(c: &Case, out: &Out) {
    if c.exit == 2 {
        // Could not be read as text: a message naming the file and place.
        let place = match (c.line, c.column) {
            (Some(l), Some(col)) => format!("{}:{l}:{col}", c.file),
            _ => c.file.clone(),
        };
        assert!(
            out.stderr.starts_with("error: ") && out.stderr.contains(&place),
            "{c:?}: {}",
            out.stderr
        );
        return;
    }
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    if c.code == "-" {
        assert_eq!(report["errors"], 0, "{c:?}: {report}");
        return;
    }
    let hit = findings.iter().any(|f| {
        f["code"] == c.code.as_str()
            && f["severity"] == "error"
            && f["file"] == c.file.as_str()
            && f["line"].as_u64() == c.line
            && f["column"].as_u64() == c.column
    });
    assert!(hit, "{c:?}: {report:#}");
}

#[test]
fn every_corpus_file_gives_its_error() {
    let dir = hostile_dir();
    let cases = cases();
    let mut listed: Vec<String> = cases.iter().map(|c| c.path.clone()).collect();
    for c in &cases {
        let out = match c.how.as_str() {
            "score" => run_in(&dir, &["score", "--format", "jsonl", &c.path], b""),
            "check" => run_in(&dir, &["rules", "check", &c.path, "--format", "json"], b""),
            other => panic!("unknown how {other}"),
        };
        assert_eq!(out.code, c.exit, "{c:?}\n{}\n{}", out.stdout, out.stderr);
        match c.how.as_str() {
            "score" => check_score(c, &out),
            _ => check_rules(c, &out),
        }
    }
    // Every file of the corpus is in the table.
    listed.sort();
    let mut on_disk = Vec::new();
    for sub in ["intake", "rules"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            on_disk.push(format!("{sub}/{name}"));
        }
    }
    on_disk.sort();
    assert_eq!(on_disk, listed, "files and expected.tsv differ");
    let files = walk_count(&dir);
    assert!(files >= 60, "the corpus has {files} files");
}

fn walk_count(p: &Path) -> usize {
    std::fs::read_dir(p)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk_count(&p)
            } else {
                1
            }
        })
        .sum()
}

/// One-line JSON intakes give the same error code on standard input as in
/// a file (the JSON fast path and the full reader agree).
#[test]
fn json_files_on_stdin_give_the_same_code() {
    let dir = hostile_dir();
    for c in cases() {
        if c.how != "score" || !c.path.ends_with(".json") {
            continue;
        }
        let bytes = std::fs::read(dir.join(&c.path)).unwrap();
        let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        if body.contains(&b'\n') {
            continue;
        }
        let out = run_in(&dir, &["score", "--format", "jsonl", "-"], &bytes);
        assert_eq!(out.code, c.exit, "{c:?}: {}", out.stdout);
        let r = record(&out);
        assert_eq!(r["source"], "stdin:1");
        if c.code == "-" {
            assert!(r["level"].is_string(), "{c:?}: {r}");
        } else {
            assert_eq!(r["code"], c.code.as_str(), "{c:?}: {r}");
            assert_eq!(r["line"].as_u64(), c.line, "{c:?}: {r}");
        }
    }
}

/// Scores one generated intake file; returns its record and the output.
fn score_generated(name: &str, bytes: &[u8], extra: &[&str]) -> (Value, Out) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), bytes).unwrap();
    let mut args = extra.to_vec();
    args.extend(["score", "--format", "jsonl", name]);
    let out = run_in(tmp.path(), &args, b"");
    (record(&out), out)
}

fn assert_error(r: &Value, code: &str, line: Option<u64>, column: Option<u64>) {
    assert_eq!(r["code"], code, "{r}");
    assert_eq!(r["line"].as_u64(), line, "{r}");
    assert_eq!(r["column"].as_u64(), column, "{r}");
}

#[test]
fn nesting_ten_thousand_deep() {
    let deep = format!(
        "intake: 1\nanswers: {{}}\ncomment: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (r, _) = score_generated("deep.yaml", deep.as_bytes(), &[]);
    // Reported where the parser's recursion guard stopped it.
    assert_error(&r, "intake-limit", Some(3), Some(265));
    assert_eq!(
        r["error"],
        "the file nests deeper than the limit of 16 levels"
    );

    let json = format!(
        "{{\"intake\": 1, \"answers\": {{}}, \"comment\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (r, _) = score_generated("deep.json", json.as_bytes(), &[]);
    assert_error(&r, "intake-limit", Some(1), Some(295));

    let block: String = (0..10_000)
        .map(|i| format!("{}a:\n", " ".repeat(i % 200)))
        .collect();
    let (r, _) = score_generated("deep-block.yaml", block.as_bytes(), &[]);
    assert_eq!(r["code"], "intake-limit", "{r}");

    // A rule file.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("deep.yaml"),
        format!("name: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .unwrap();
    let out = run_in(tmp.path(), &["rules", "check", "deep.yaml"], b"");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.lines().next().unwrap(),
        "error[yaml-limit]: the file nests deeper than the limit of 64 levels"
    );
    assert!(out.stdout.contains("--> deep.yaml:1:"), "{}", out.stdout);
}

#[test]
fn very_long_lines_and_the_size_limit() {
    // A 900 kB line: under the file limit, over the text-field limit.
    let long = format!(
        "intake: 1\nanswers: {{}}\ncomment: \"{}\"\n",
        "x".repeat(900_000)
    );
    let (r, _) = score_generated("long.yaml", long.as_bytes(), &[]);
    assert_error(&r, "intake-limit", Some(3), Some(10));
    assert_eq!(
        r["error"],
        "`comment` is longer than the limit of 10000 bytes"
    );

    // Over the file limit: named, with the flag that changes it.
    let big = format!(
        "intake: 1\nanswers: {{}}\ncomment: \"{}\"\n",
        "x".repeat(1 << 20)
    );
    let (r, out) = score_generated("big.yaml", big.as_bytes(), &[]);
    assert_error(&r, "intake-limit", None, None);
    assert_eq!(
        r["error"],
        "file is more than the limit of 1048576 bytes (--max-intake-bytes)"
    );
    assert!(out.stderr.contains("big.yaml: error[intake-limit]"));
    // The flag raises it; then the next limit speaks.
    let (r, _) = score_generated(
        "big.yaml",
        big.as_bytes(),
        &["--max-intake-bytes", "2000000"],
    );
    assert_error(&r, "intake-limit", Some(3), Some(10));
    // ... or lowers it.
    let (r, _) = score_generated(
        "small.yaml",
        b"intake: 1\nanswers: {age: 30}\n",
        &["--max-intake-bytes", "10"],
    );
    assert_eq!(
        r["error"],
        "file is more than the limit of 10 bytes (--max-intake-bytes)"
    );

    // The same on standard input, per line.
    let dir = tempfile::tempdir().unwrap();
    let mut lines = b"{\"intake\": 1, \"answers\": {\"age\": 30}}\n".to_vec();
    lines.extend(format!("{{\"intake\": 1, \"comment\": \"{}\"}}\n", "x".repeat(3000)).as_bytes());
    lines.extend(b"{\"intake\": 1, \"answers\": {\"age\": 31}}\n");
    let out = run_in(
        dir.path(),
        &[
            "--max-intake-bytes",
            "1000",
            "score",
            "--format",
            "jsonl",
            "-",
        ],
        &lines,
    );
    assert_eq!(out.code, 1);
    let recs: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 3);
    assert!(recs[0]["level"].is_string());
    assert_eq!(recs[1]["source"], "stdin:2");
    assert_eq!(recs[1]["code"], "intake-limit");
    assert_eq!(
        recs[1]["error"],
        "line is 3029 bytes, more than the limit of 1000 bytes (--max-intake-bytes)"
    );
    assert_eq!(recs[2]["source"], "stdin:3");
    assert!(recs[2]["level"].is_string());

    // A rule file over --max-rules-bytes: exit 2, file and flag named.
    let out = run_in(
        &hostile_dir(),
        &[
            "--max-rules-bytes",
            "100",
            "rules",
            "check",
            "rules/conflict",
        ],
        b"",
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim(),
        "error: rule file rules/conflict/00-set.yaml is more than the limit of 100 bytes (--max-rules-bytes)"
    );
}

#[test]
fn too_many_answers_and_too_many_values() {
    let mut yaml = String::from("intake: 1\nanswers:\n");
    for i in 0..1001 {
        yaml.push_str(&format!("  q{i}: 1\n"));
    }
    let (r, _) = score_generated("many.yaml", yaml.as_bytes(), &[]);
    assert_error(&r, "intake-limit", Some(3), Some(3));
    assert_eq!(
        r["error"],
        "`answers` has 1001 entries, more than the limit of 1000"
    );

    // JSON with many values outside `answers`: the fast path must not
    // accept what the full reader refuses.
    let flags = vec!["{\"id\": \"a\"}"; 30_000].join(",");
    let json = format!("{{\"intake\": 1, \"answers\": {{}}, \"acknowledged_flags\": [{flags}]}}");
    let (r, _) = score_generated("flags.json", json.as_bytes(), &[]);
    assert_eq!(r["code"], "intake-limit", "{r}");
    assert_eq!(
        r["error"],
        "the file has more than the limit of 20000 YAML values"
    );
}

#[test]
fn bad_lines_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = b"{\"intake\": 1, \"answers\": {\"age\": 30}}\r\n".to_vec();
    input.extend(b"{\"intake\": 1, \"answers\": {\"age\": 30}\n");
    input.extend(b"\n   \n");
    input.extend(b"{\"intake\": 1, \"answers\": {\"housing\": \"\xff\"}}\n");
    input.extend(b"\x00\x01\x02\n");
    let out = run_in(dir.path(), &["score", "--format", "jsonl", "-"], &input);
    assert_eq!(out.code, 1);
    let recs: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 4, "{}", out.stdout);
    assert!(recs[0]["level"].is_string());
    assert_eq!(recs[1]["source"], "stdin:2");
    assert_error(&recs[1], "intake-syntax", Some(2), Some(1));
    assert_eq!(recs[2]["source"], "stdin:5");
    assert_error(&recs[2], "intake-encoding", Some(5), Some(39));
    assert_eq!(recs[3]["source"], "stdin:6");
    assert_error(&recs[3], "intake-syntax", Some(6), Some(1));
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_input_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("intakes");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/a.yaml"), "intake: 1\nanswers: {age: 30}\n").unwrap();
    std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self")).unwrap();
    std::os::unix::fs::symlink("missing.yaml", d.join("dangling.yaml")).unwrap();
    let out = run_in(tmp.path(), &["score", "--format", "jsonl", "intakes"], b"");
    // The file once, through no loop; the dangling link is reported.
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let recs: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2, "{}", out.stdout);
    assert_eq!(recs[0]["source"], "intakes/dangling.yaml");
    assert_error(&recs[0], "io", None, None);
    assert_eq!(recs[1]["source"], "intakes/sub/a.yaml");
    assert!(recs[1]["level"].is_string());
    // Named directly, the dangling link is an error that says so.
    let out = run_in(
        tmp.path(),
        &["score", "--format", "jsonl", "intakes/dangling.yaml"],
        b"",
    );
    assert_eq!(out.code, 1);
    assert_error(&record(&out), "io", None, None);
    assert_eq!(
        record(&out)["error"],
        "cannot read file: no such file or folder"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_fifos_and_folders() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("locked.yaml");
    std::fs::write(&p, "intake: 1\nanswers: {age: 30}\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root (as in CI containers) mode 000 does not stop reading: then
    // the file is scored, which is the honest behaviour to assert.
    let privileged = std::fs::File::open(&p).is_ok();
    let out = run_in(
        tmp.path(),
        &["score", "--format", "jsonl", "locked.yaml"],
        b"",
    );
    let r = record(&out);
    if privileged {
        assert_eq!(out.code, 0);
        assert!(r["level"].is_string());
    } else {
        assert_eq!(out.code, 1);
        assert_error(&r, "io", None, None);
        assert_eq!(r["error"], "cannot read file: permission denied");
    }
    // A rule file that cannot be read: exit 2 either way for a folder
    // given as a file.
    let out = run_in(tmp.path(), &["explain", "."], b"");
    assert_eq!(out.code, 1);
    assert!(out
        .stderr
        .contains(".: error[io]: cannot read file: it is a folder, not a file"));

    // A FIFO: never opened (it would block), in a folder or by name.
    let fifo = tmp.path().join("pipe.yaml");
    let c = std::ffi::CString::new(fifo.as_os_str().to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run_in(tmp.path(), &["score", "--format", "jsonl", "."], b"");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2);
    assert!(out.stderr.contains(
        "./pipe.yaml: error[io]: not a regular file (a pipe, socket or device); not read"
    ));
    let out = run_in(
        tmp.path(),
        &["score", "--format", "jsonl", "pipe.yaml"],
        b"",
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        record(&out)["error"],
        "cannot read file: not a regular file"
    );
    let out = run_in(tmp.path(), &["--rules", "pipe.yaml", "rules", "check"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pipe.yaml"), "{}", out.stderr);
}

/// A rule set that does not load is exit 2 for every command but
/// `rules check` / `rules test`.
#[test]
fn invalid_rule_sets_refuse_to_score() {
    let dir = hostile_dir();
    for rules in [
        "rules/rating-cycle",
        "rules/conflict",
        "rules/alias-bomb.yaml",
    ] {
        let out = run_in(
            &dir,
            &[
                "--rules",
                rules,
                "score",
                "--format",
                "jsonl",
                "intake/bom.yaml",
            ],
            b"",
        );
        assert_eq!(out.code, 2, "{rules}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.contains("the rule set is invalid"),
            "{}",
            out.stderr
        );
    }
}

/// Mistakes people make when they write an intake by hand: each error
/// names the file and the place and says what to fix.
#[test]
fn hand_written_mistakes_say_what_to_fix() {
    let cases: &[(&str, &str, u64, u64, &str)] = &[
        (
            "intake: 1\nanswers:\n  age: 34\n   phq9_1: 2\n",
            "intake-syntax",
            4,
            10,
            "mapping values are not allowed in this context (check the indentation of this line, or put a value that contains a colon in quotes)",
        ),
        (
            "intake: 1\nanswers:\n  age 34\n",
            "wrong-type",
            3,
            3,
            "`answers` must be a mapping, not text; write each entry as `key: value`, with a colon after the key",
        ),
        (
            "intake: 1\nanswers:\n\tage: 34\n",
            "intake-syntax",
            3,
            1,
            "a tab in the indentation of this line; YAML indents with spaces only: replace the tab with spaces",
        ),
        (
            "intake: 1\nanswers:\n  age: 34\n  housing: homless\n",
            "unknown-option",
            4,
            12,
            "answer to `housing` is not one of its options; options: stable, at_risk, temporary, homeless, no_safe_place",
        ),
        (
            "intake: 1\nanswers: {age: 34\n",
            "intake-syntax",
            2,
            10,
            "unclosed bracket '{'",
        ),
        (
            "intake: 1\nanswers:\n  - age: 34\n",
            "wrong-type",
            3,
            3,
            "`answers` must be a mapping, not a list",
        ),
    ];
    for (text, code, line, column, message) in cases {
        let (r, out) = score_generated("by-hand.yaml", text.as_bytes(), &[]);
        assert_eq!(out.code, 1);
        assert_error(&r, code, Some(*line), Some(*column));
        assert_eq!(r["error"], *message, "{text}");
        assert!(
            out.stderr.starts_with(&format!(
                "by-hand.yaml:{line}:{column}: error[{code}]: {message}\n"
            )),
            "{}",
            out.stderr
        );
    }
}
