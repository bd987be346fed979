//! Batch scoring: every input accounted for, errors counted, output in
//! input order whatever the number of threads.

use assert_cmd::cargo::CommandCargoExt;
use std::path::Path;
use std::process::Command;

fn placement() -> Command {
    Command::cargo_bin("placement").expect("binary")
}

/// 9,900 synthetic intakes plus 100 broken inputs of five kinds.
fn make_batch(dir: &Path) {
    // One file per intake, written here rather than with `sample --out`,
    // which syncs every file to disk and would make the test slow.
    let out = placement()
        .args([
            "sample", "--count", "9900", "--seed", "3", "--format", "jsonl",
        ])
        .output()
        .expect("sample runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9900);
    for (i, line) in lines.iter().enumerate() {
        std::fs::write(dir.join(format!("sample-{:05}.json", i + 1)), line).unwrap();
    }
    for i in 0..20 {
        std::fs::write(
            dir.join(format!("broken-yaml-{i:02}.yaml")),
            "intake: 1\nanswers: [unclosed\n",
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("broken-type-{i:02}.yaml")),
            "intake: 1\nanswers:\n  age: \"forty\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("broken-question-{i:02}.json")),
            "{\"intake\": 1, \"answers\": {\"agee\": 40}}",
        )
        .unwrap();
        std::fs::write(dir.join(format!("broken-empty-{i:02}.yaml")), "").unwrap();
        // A file that cannot be read: a link to nothing (tests run as root
        // in CI, where permissions do not stop reads).
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.join("does-not-exist"),
            dir.join(format!("broken-link-{i:02}.yaml")),
        )
        .unwrap();
    }
}

#[test]
fn ten_thousand_inputs_give_ten_thousand_records_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("intakes");
    std::fs::create_dir(&dir).unwrap();
    make_batch(&dir);

    let run = |threads: &str| {
        placement()
            .args([
                "score",
                "--format",
                "jsonl",
                "--summary",
                "--threads",
                threads,
            ])
            .arg(&dir)
            .output()
            .expect("score runs")
    };
    let one = run("1");
    assert_eq!(one.status.code(), Some(1), "some inputs failed");
    let stdout = String::from_utf8(one.stdout.clone()).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(records.len(), 10_000);

    // Input order: the folder's files in sorted order.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    names.sort();
    let sources: Vec<&str> = records
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        names.iter().map(String::as_str).collect::<Vec<_>>()
    );

    let errors: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 100);
    let count = |code: &str| errors.iter().filter(|e| e["code"] == code).count();
    assert_eq!(count("intake-syntax"), 20);
    assert_eq!(count("wrong-type"), 20);
    assert_eq!(count("unknown-question"), 20);
    assert_eq!(count("intake-format"), 20);
    assert_eq!(count("io"), 20);
    for e in &errors {
        let src = e["source"].as_str().unwrap();
        if e["code"] == "io" {
            assert_eq!(
                e["error"], "cannot read file: no such file or folder",
                "{e}"
            );
        } else {
            assert!(e["line"].as_u64().is_some(), "{src} has a line: {e}");
            assert!(e["column"].as_u64().is_some(), "{src} has a column: {e}");
        }
    }
    let wrong = errors.iter().find(|e| e["code"] == "wrong-type").unwrap();
    assert_eq!(wrong["line"], 3);
    assert_eq!(wrong["column"], 8);
    assert_eq!(
        wrong["error"],
        "answer to `age` must be a whole number from 0 to 120, not text"
    );

    // The summary on stderr counts the same.
    let stderr = String::from_utf8(one.stderr.clone()).unwrap();
    let row = |label: &str| -> usize {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!(" {label} ")))
            .unwrap_or_else(|| panic!("summary row {label}: {stderr}"));
        line.split('┆')
            .nth(1)
            .unwrap()
            .trim()
            .trim_end_matches('│')
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(row("errors"), 100);
    assert_eq!(row("total"), 10_000);
    let scored = records.len() - errors.len();
    let per_level: usize = ["inpatient", "php", "iop", "sober_living", "outpatient"]
        .iter()
        .map(|l| {
            let n = records.iter().filter(|r| r["level"] == *l).count();
            assert_eq!(row(&format!("level {l}")), n, "level {l}");
            n
        })
        .sum();
    assert_eq!(per_level, scored);
    let incomplete = records.iter().filter(|r| r["complete"] == false).count();
    assert_eq!(row("incomplete"), incomplete);
    assert!(
        stderr.ends_with("100 of 10000 input(s) could not be scored\n"),
        "{stderr}"
    );

    // Same bytes whatever the thread count, and run to run.
    for threads in ["2", "3"] {
        let other = run(threads);
        assert_eq!(other.status.code(), Some(1));
        assert!(
            other.stdout == one.stdout,
            "output differs with {threads} threads"
        );
    }
}

#[test]
fn fail_fast_stops_at_the_first_error_and_jsonl_on_stdin_counts_lines() {
    let input = "{\"intake\": 1, \"answers\": {\"age\": 30}}\n\n{\"intake\": 1, \"answers\": {\"agee\": 30}}\n{\"intake\": 1, \"answers\": {\"age\": 31}}\n";
    let out = placement()
        .args(["score", "-", "--format", "jsonl"])
        .write_stdin_bytes(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // The blank line 2 is skipped; numbering follows the input's lines.
    assert_eq!(sources, ["stdin:1", "stdin:3", "stdin:4"]);

    let out = placement()
        .args(["score", "-", "--format", "jsonl", "--fail-fast"])
        .write_stdin_bytes(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        2,
        "stops after the failing line 3: {stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .ends_with("1 of 2 input(s) could not be scored (stopped at the first, --fail-fast)\n"),
        "{stderr}"
    );
}

/// JSON Lines read in batches: line numbers, blank lines, Windows line
/// ends, bad UTF-8 and over-long lines come out right wherever they fall
/// against the batch and read boundaries, with 1 or 2 threads.
#[test]
fn stdin_lines_keep_their_numbers_across_batches() {
    let out = placement()
        .args([
            "sample", "--count", "600", "--seed", "5", "--format", "jsonl",
        ])
        .output()
        .unwrap();
    let samples: Vec<Vec<u8>> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(samples.len(), 600);
    // (line content, line end, what the record must be)
    let mut lines: Vec<(Vec<u8>, &[u8], &str)> = Vec::new();
    for (i, s) in samples.into_iter().enumerate() {
        match i {
            100 | 255 | 256 | 257 => lines.push((b"   ".to_vec(), b"\n", "blank")),
            300 => lines.push((
                b"{\"intake\": 1, \"answers\": {\"age\": \"\xff\"}}".to_vec(),
                b"\n",
                "intake-encoding:35",
            )),
            // Longer than the limit, and than one read of standard input.
            400 => lines.push((vec![b' '; 300_000], b"\n", "intake-limit")),
            // Under the limit, and longer than one read: padded with spaces.
            450 => {
                let mut l = b"{".to_vec();
                l.extend(vec![b' '; 280_000]);
                l.extend_from_slice(&s[1..]);
                lines.push((l, b"\r\n", "level"));
                continue;
            }
            _ => {}
        }
        let end: &[u8] = if i % 7 == 0 { b"\r\n" } else { b"\n" };
        lines.push((s, end, "level"));
    }
    let mut input = Vec::new();
    for (i, (l, end, _)) in lines.iter().enumerate() {
        input.extend_from_slice(l);
        if i + 1 < lines.len() {
            input.extend_from_slice(end);
        }
    }
    let path = std::env::temp_dir().join(format!("placement-lines-{}", std::process::id()));
    std::fs::write(&path, &input).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = placement()
            .args([
                "--max-intake-bytes",
                "290000",
                "score",
                "-",
                "--format",
                "jsonl",
                "--threads",
                threads,
            ])
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let records: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let expected: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .filter(|(_, (_, _, what))| *what != "blank")
            .map(|(i, (_, _, what))| (i + 1, *what))
            .collect();
        assert_eq!(records.len(), expected.len());
        for (rec, (line, what)) in records.iter().zip(&expected) {
            assert_eq!(rec["source"], format!("stdin:{line}"), "{rec}");
            match *what {
                "level" => assert!(rec["level"].is_string(), "line {line}: {rec}"),
                "intake-limit" => {
                    assert_eq!(rec["code"], "intake-limit");
                    assert_eq!(
                        rec["error"],
                        "line is 300001 bytes, more than the limit of 290000 bytes (--max-intake-bytes)"
                    );
                }
                _ => {
                    assert_eq!(rec["code"], "intake-encoding");
                    assert_eq!(rec["line"], *line);
                    assert_eq!(rec["column"], 35);
                }
            }
        }
        assert_eq!(expected.len(), 602);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.ends_with("2 of 602 input(s) could not be scored\n"),
            "{stderr}"
        );
        outputs.push(stdout);
    }
    assert_eq!(outputs[0], outputs[1]);
    std::fs::remove_file(&path).unwrap();
}

/// `Command::write_stdin` for plain std commands.
trait WriteStdin {
    fn write_stdin_bytes(&mut self, input: &str) -> &mut Self;
}

impl WriteStdin for Command {
    fn write_stdin_bytes(&mut self, input: &str) -> &mut Self {
        let path = std::env::temp_dir().join(format!(
            "placement-stdin-{}-{}",
            std::process::id(),
            input.len()
        ));
        std::fs::write(&path, input).unwrap();
        self.stdin(std::fs::File::open(&path).unwrap())
    }
}

/// A record that could not be scored names the intake's `id` whenever the
/// file could be read far enough to find it, so that a batch can be
/// matched by id and not only by order; a file with no readable id gives a
/// record without one.
#[test]
fn error_and_excluded_records_carry_the_intake_id() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "a-wrong-type.yaml",
            "intake: 1\nid: \"T-1\"\nanswers:\n  age: 30.5\n",
        ),
        (
            "b-excluded.yaml",
            "intake: 1\nid: \"T-2\"\nanswers:\n  age: 16\n",
        ),
        ("c-no-version.yaml", "id: \"T-3\"\nanswers:\n  age: 30\n"),
        (
            "d-id-unreadable.yaml",
            "intake: 1\nid: [1]\nanswers:\n  age: 30.5\n",
        ),
        (
            "e-syntax.yaml",
            "intake: 1\nid: \"T-5\"\nanswers: [unclosed\n",
        ),
        (
            "f-override-without-reason.yaml",
            "intake: 1\nid: 77\nanswers:\n  age: 30\nplacement:\n  level: inpatient\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = placement()
        .args([
            "score",
            "--format",
            "jsonl",
            "--no-summary",
            "--threads",
            "1",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let field = |r: &serde_json::Value, k: &str| r.get(k).cloned();
    let got: Vec<(Option<serde_json::Value>, Option<serde_json::Value>)> = records
        .iter()
        .map(|r| (field(r, "id"), field(r, "code")))
        .collect();
    let s = |v: &str| Some(serde_json::Value::from(v));
    assert_eq!(
        got,
        vec![
            (s("T-1"), s("wrong-type")),
            (s("T-2"), s("excluded")),
            (s("T-3"), s("intake-format")),
            (None, s("wrong-type")),
            (None, s("intake-syntax")),
            (s("77"), s("override-without-reason")),
        ],
        "{text}"
    );
    // the key order of product.md: source, id, error, code, line, column
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{{\"source\":{},\"id\":\"T-1\",\"error\":",
            serde_json::Value::from(dir.path().join("a-wrong-type.yaml").display().to_string())
        )),
        "{first}"
    );

    let csv = placement()
        .args(["score", "--format", "csv", "--no-summary", "--threads", "1"])
        .arg(dir.path().join("b-excluded.yaml"))
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let row = csv.lines().nth(1).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[1], "T-2", "{row}");
}

/// What `sample` writes in each format, `score` reads back: `--format
/// json` is one JSON array, `--format yaml` one YAML document per intake,
/// and a file of either kind gives one record per intake, named
/// `FILE#k`, each scored (or refused) on its own with lines and columns in
/// the whole file.
#[test]
fn every_format_sample_writes_is_one_score_reads() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = Vec::new();
    for format in ["json", "yaml", "jsonl"] {
        let out = placement()
            .args(["sample", "--count", "5", "--seed", "8", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        if format == "json" {
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("one JSON document");
            assert_eq!(v.as_array().map(Vec::len), Some(5));
        }
        let path = dir.path().join(format!("five.{format}"));
        std::fs::write(&path, &out.stdout).unwrap();
        if format == "jsonl" {
            continue; // JSON Lines are read on standard input
        }
        let scored = placement()
            .args(["score", "--format", "jsonl", "--no-summary"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            scored.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&scored.stdout)
        );
        let text = String::from_utf8(scored.stdout).unwrap();
        let records: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records.len(), 5);
        for (k, r) in records.iter().enumerate() {
            assert_eq!(r["source"], format!("{}#{}", path.display(), k + 1));
            assert_eq!(r["id"], format!("sample-{:07}", k + 1));
            assert!(r.get("level").is_some(), "{r}");
        }
        sources.push(records);
    }
    // The same five intakes, whatever the format.
    let levels =
        |rs: &Vec<serde_json::Value>| rs.iter().map(|r| r["level"].clone()).collect::<Vec<_>>();
    assert_eq!(levels(&sources[0]), levels(&sources[1]));

    // One bad intake in a list: its own error record, placed in the file;
    // the others score.
    let list = "[\n{\"intake\": 1, \"id\": \"a\", \"answers\": {\"age\": 40}},\n{\"intake\": 1, \"id\": \"b\", \"answers\": {\"age\": \"forty\"}},\n{\"intake\": 1, \"id\": \"c\", \"answers\": {\"age\": 0x10}}\n]\n";
    let docs =
        "intake: 1\nid: d\nanswers:\n  age: 40\n---\nintake: 1\nid: e\nanswers:\n  age: 12\n";
    std::fs::write(dir.path().join("list.json"), list).unwrap();
    std::fs::write(dir.path().join("docs.yaml"), docs).unwrap();
    let out = placement()
        .args([
            "score",
            "--format",
            "jsonl",
            "--no-summary",
            "--threads",
            "1",
        ])
        .arg(dir.path().join("docs.yaml"))
        .arg(dir.path().join("list.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    type Row = (String, Option<String>, Option<u64>, Option<u64>);
    let got: Vec<Row> = text
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            let src = r["source"].as_str().unwrap();
            let name = src.rsplit('/').next().unwrap().to_string();
            (
                name,
                r["code"].as_str().map(str::to_string),
                r["line"].as_u64(),
                r["column"].as_u64(),
            )
        })
        .collect();
    let e = |n: &str, c: Option<&str>, l: Option<u64>, col: Option<u64>| {
        (n.to_string(), c.map(str::to_string), l, col)
    };
    assert_eq!(
        got,
        vec![
            e("docs.yaml#1", None, None, None),
            e("docs.yaml#2", Some("excluded"), None, None),
            e("list.json#1", None, None, None),
            e("list.json#2", Some("wrong-type"), Some(3), Some(45)),
            e("list.json#3", Some("intake-syntax"), Some(4), Some(45)),
        ],
        "{text}"
    );

    // `explain` explains one intake, and says so.
    let out = placement()
        .arg("explain")
        .arg(dir.path().join("docs.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.ends_with("docs.yaml holds 2 intakes (a list, or documents separated by ---); `explain` explains one: score the file, or explain each intake from a file of its own\n"),
        "{err}"
    );
}

/// `placement sample --format F | placement score -` scores every intake
/// for each format: JSON Lines line by line (`stdin:N`), a JSON array or
/// YAML documents read whole (`stdin#k`).
#[test]
fn sample_piped_into_score_scores_every_intake_in_every_format() {
    for (format, source) in [("jsonl", "stdin:"), ("json", "stdin#"), ("yaml", "stdin#")] {
        let sampled = placement()
            .args(["sample", "--count", "5", "--seed", "2", "--format", format])
            .output()
            .unwrap();
        let mut cmd = assert_cmd::Command::cargo_bin("placement").unwrap();
        let out = cmd
            .args(["score", "--format", "jsonl", "--no-summary", "-"])
            .write_stdin(sampled.stdout)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        let sources: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
            .collect();
        let want: Vec<String> = (1..=5).map(|k| format!("\"{source}{k}\"")).collect();
        assert_eq!(sources, want, "{format}");
    }
}

/// `sample --count 2000 --seed SEED` scored: per level, the share of
/// intakes (in %); the number that are errors; that carry a contradiction;
/// that carry a critical flag.
fn sample_spread(rules: &[&str], seed: &str) -> (Vec<(String, f64)>, usize, usize, usize) {
    let mut args: Vec<&str> = rules.to_vec();
    args.extend(["sample", "--count", "2000", "--seed", seed]);
    let sample = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(sample.status.code(), Some(0));
    let mut args: Vec<&str> = rules.to_vec();
    args.extend(["score", "--format", "jsonl", "--summary", "-"]);
    let scored = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args(&args)
        .write_stdin(sample.stdout)
        .output()
        .unwrap();
    // The summary says the same as the records (checked below).
    let summary = String::from_utf8(scored.stderr.clone()).unwrap();
    let row = |label: &str| -> String {
        let line = summary
            .lines()
            .find(|l| l.starts_with(&format!("│ {label} ")))
            .unwrap_or_else(|| panic!("summary row {label}: {summary}"));
        line.split('┆')
            .nth(1)
            .unwrap()
            .trim()
            .trim_end_matches('│')
            .trim()
            .to_string()
    };
    for (label, want) in [
        ("with contradictions", "0"),
        ("excluded (errors)", "0"),
        ("errors", "0"),
        ("total", "2000"),
    ] {
        assert_eq!(row(label), want, "{label}\n{summary}");
    }
    let mut levels: Vec<(String, f64)> = Vec::new();
    let (mut errors, mut contradictory, mut critical) = (0, 0, 0);
    let text = String::from_utf8(scored.stdout).unwrap();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2000);
    for r in &records {
        if r.get("error").is_some() {
            errors += 1;
            continue;
        }
        let level = r["level"].as_str().unwrap().to_string();
        match levels.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) => *n += 1.0,
            None => levels.push((level, 1.0)),
        }
        if r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("contradict"))
        {
            contradictory += 1;
        }
        if r["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "critical")
        {
            critical += 1;
        }
    }
    for (_, n) in &mut levels {
        *n = *n * 100.0 / 2000.0;
    }
    levels.sort_by(|a, b| a.0.cmp(&b.0));
    (levels, errors, contradictory, critical)
}

#[test]
fn sample_spreads_every_level_without_exclusions_or_contradictions() {
    let third_party =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/third-party");
    let third_party = third_party.to_str().unwrap();
    for (rules, seed, want) in [
        (
            vec![],
            "9",
            ["inpatient", "iop", "outpatient", "php", "sober_living"],
        ),
        (
            vec![],
            "2026",
            ["inpatient", "iop", "outpatient", "php", "sober_living"],
        ),
        (
            vec!["--rules", third_party],
            "9",
            [
                "day_treatment",
                "intensive_outpatient",
                "recovery_residence",
                "residential",
                "standard_outpatient",
            ],
        ),
    ] {
        let (levels, errors, contradictory, critical) = sample_spread(&rules, seed);
        let what = format!("{rules:?} seed {seed}: {levels:?}");
        assert_eq!(
            levels.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            want,
            "{what}"
        );
        for (level, share) in &levels {
            assert!((3.0..=60.0).contains(share), "{what}: {level} {share}%");
        }
        assert_eq!((errors, contradictory), (0, 0), "{what}");
        assert!(critical <= 2000 / 3, "{what}: {critical} critical");
    }
}

#[test]
fn sample_writes_contradictions_only_when_asked_and_in_the_share_asked() {
    let sample = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args([
            "sample",
            "--count",
            "400",
            "--seed",
            "5",
            "--contradictions",
            "0.25",
        ])
        .output()
        .unwrap();
    let scored = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args(["score", "--format", "jsonl", "-"])
        .write_stdin(sample.stdout)
        .output()
        .unwrap();
    let text = String::from_utf8(scored.stdout).unwrap();
    let contradictory = text
        .lines()
        .filter(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            r["warnings"]
                .as_array()
                .is_some_and(|w| w.iter().any(|w| w.as_str().unwrap().contains("contradict")))
        })
        .count();
    assert!(
        (70..=130).contains(&contradictory),
        "{contradictory} of 400"
    );
    let out = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args(["sample", "--contradictions", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`1.5` is not a rate from 0 to 1 (e.g. 0.1)")
    );
}

#[test]
fn sample_follows_the_weights_a_rule_set_gives() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    for e in std::fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini"),
    )
    .unwrap()
    {
        let p = e.unwrap().path();
        std::fs::copy(&p, set.join(p.file_name().unwrap())).unwrap();
    }
    // Housing: never `stable`; `none` drawn three times as often as
    // `shared` (before levels are sought).
    let q = set.join("10-questions.yaml");
    let text = std::fs::read_to_string(&q).unwrap();
    let text = text
        .replacen(
            "{id: stable, label: A stable home}",
            "{id: stable, label: A stable home, weight: 0}",
            1,
        )
        .replacen(
            "{id: shared, label: A shared or temporary place}",
            "{id: shared, label: A shared or temporary place, weight: 1}",
            1,
        )
        .replacen(
            "{id: none, label: No fixed place}",
            "{id: none, label: No fixed place, weight: 3}",
            1,
        );
    std::fs::write(&q, text).unwrap();
    let out = assert_cmd::Command::cargo_bin("placement")
        .unwrap()
        .args(["--rules", set.to_str().unwrap(), "sample", "--count", "400"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let count = |v: &str| {
        text.lines()
            .filter(|l| l.contains(&format!("\"housing\":\"{v}\"")))
            .count()
    };
    // A weight of 0 is never drawn, even when a less intensive level is
    // sought; the others are.
    assert_eq!(count("stable"), 0, "{text}");
    assert!(count("none") >= 40, "{}", count("none"));
    assert!(count("shared") >= 40, "{}", count("shared"));
}
