//! Rule folders as a trust boundary, folder walks, and exact file names
//! (issue 13; docs/security.md, "Rule folders and file names"):
//!
//! - a symbolic link in a rule folder (or its `tests/`) that leaves the
//!   folder is refused unread: a planted secret appears in no output of
//!   `rules check` (every format), `rules test` (every format), `rules
//!   fmt`, `rules diff` or `score --rules`;
//! - a FIFO in a rule folder (or a link to one) is refused, never opened,
//!   so nothing hangs;
//! - snippets are bounded;
//! - names that are not UTF-8 are read, and shown escaped, never lossily;
//! - `rules fmt` writes through a link, never replaces it with a copy;
//! - folder walks: loops, folders reached twice, wide and deep trees.
#![cfg(unix)]

use assert_cmd::Command;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MARKER: &str = "CI_TOKEN=ghp_zz9SECRETzz9";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

fn run(dir: &Path, args: &[&OsStr]) -> Out {
    let start = Instant::now();
    let o = Command::cargo_bin("placement")
        .expect("binary")
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .env("CI_TOKEN", "ghp_zz9SECRETzz9")
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .expect("runs");
    let elapsed = start.elapsed();
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{args:?} panicked");
    assert_ne!(code, -1, "{args:?} was killed (hung?)");
    assert!(
        elapsed < Duration::from_secs(10),
        "{args:?} took {elapsed:?}"
    );
    Out {
        code,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn runs(dir: &Path, args: &[&str]) -> Out {
    let a: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run(dir, &a)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp folder with `rules/` (the mini rule set, and a `tests/` folder
/// with one passing test), `intake.yaml`, and `secret.txt` outside the
/// rule folder holding the marker.
fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let rules = t.path().join("rules");
    std::fs::create_dir_all(rules.join("tests")).unwrap();
    for f in ["00-set.yaml", "10-questions.yaml"] {
        std::fs::copy(root().join("tests/fixtures/mini").join(f), rules.join(f)).unwrap();
    }
    std::fs::write(
        rules.join("tests/light.yaml"),
        "tests:\n  - name: light client\n    answers: {age: 30, housing: stable, stressors: [], has_support: true, sleep_hours: 7.5, wq_1: false, wq_2: false, wq_3: true}\n    expect:\n      level: light\n",
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/mini-intakes/01-light.yaml"),
        t.path().join("intake.yaml"),
    )
    .unwrap();
    std::fs::write(
        t.path().join("secret.txt"),
        format!("{MARKER}\nAWS_SECRET=zz9 also secret zz9\n"),
    )
    .unwrap();
    t
}

/// Every command that reads the rule folder, in every output format.
fn every_reader(dir: &Path, rules: &str) -> Vec<(String, Out)> {
    let mut v = Vec::new();
    for f in ["human", "json", "sarif", "github"] {
        let args = ["rules", "check", rules, "--format", f];
        v.push((args.join(" "), runs(dir, &args)));
    }
    for f in ["human", "json", "junit", "github"] {
        let args = ["rules", "test", rules, "--format", f];
        v.push((args.join(" "), runs(dir, &args)));
    }
    for args in [
        vec!["score", "--rules", rules, "intake.yaml", "--format", "json"],
        vec!["explain", "--rules", rules, "intake.yaml"],
        vec!["rules", "show", "--rules", rules],
        vec!["rules", "fmt", "--check", rules],
        vec!["rules", "diff", rules, rules, "--intakes", "intake.yaml"],
    ] {
        v.push((args.join(" "), runs(dir, &args)));
    }
    v
}

fn assert_no_secret(outs: &[(String, Out)]) {
    for (cmd, o) in outs {
        let all = o.all();
        assert!(
            !all.contains("ghp_zz9SECRETzz9") && !all.contains("zz9 also secret"),
            "`{cmd}` printed the secret:\n{all}"
        );
    }
}

#[test]
fn the_mini_setup_is_valid() {
    let t = setup();
    let o = runs(t.path(), &["rules", "check", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
    let o = runs(t.path(), &["rules", "test", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
}

#[test]
fn a_link_out_of_the_rule_folder_is_refused_unread() {
    let t = setup();
    let rules = t.path().join("rules");
    symlink(t.path().join("secret.txt"), rules.join("zz-env.yaml")).unwrap();
    let outs = every_reader(t.path(), "rules");
    assert_no_secret(&outs);
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
        assert!(
            o.stderr.contains("rules/zz-env.yaml") && o.stderr.contains("outside the rule folder"),
            "`{cmd}`: {}",
            o.all()
        );
    }
}

#[test]
fn a_link_to_proc_self_environ_is_refused_unread() {
    let t = setup();
    let rules = t.path().join("rules");
    symlink("/proc/self/environ", rules.join("00-env.yaml")).unwrap();
    symlink("/proc/self/environ", rules.join("tests/env.yaml")).unwrap();
    let outs = every_reader(t.path(), "rules");
    assert_no_secret(&outs);
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
    }
}

#[test]
fn a_link_out_of_the_tests_folder_is_refused_unread() {
    let t = setup();
    let rules = t.path().join("rules");
    symlink(
        t.path().join("secret.txt"),
        rules.join("tests/zz-secret.yaml"),
    )
    .unwrap();
    // A link up and back into the folder is inside it, and read.
    symlink("../tests/light.yaml", rules.join("tests/again.yaml")).unwrap();
    let mut outs = Vec::new();
    for f in ["human", "json", "junit", "github"] {
        let args = ["rules", "test", "rules", "--format", f];
        outs.push((args.join(" "), runs(t.path(), &args)));
    }
    let args = ["rules", "fmt", "--check", "rules"];
    outs.push((args.join(" "), runs(t.path(), &args)));
    assert_no_secret(&outs);
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
        assert!(
            o.stderr.contains("rules/tests/zz-secret.yaml")
                && o.stderr.contains("outside the rule folder"),
            "`{cmd}`: {}",
            o.all()
        );
    }
    // Without the link out, the link inside is read like any test file.
    std::fs::remove_file(rules.join("tests/zz-secret.yaml")).unwrap();
    let o = runs(t.path(), &["rules", "test", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
}

#[test]
fn a_tests_folder_that_is_a_link_out_is_refused() {
    let t = setup();
    let rules = t.path().join("rules");
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::copy(t.path().join("secret.txt"), elsewhere.join("s.yaml")).unwrap();
    std::fs::remove_dir_all(rules.join("tests")).unwrap();
    symlink(&elsewhere, rules.join("tests")).unwrap();
    let mut outs = Vec::new();
    for f in ["human", "junit"] {
        let args = ["rules", "test", "rules", "--format", f];
        outs.push((args.join(" "), runs(t.path(), &args)));
    }
    let args = ["rules", "fmt", "--check", "rules"];
    outs.push((args.join(" "), runs(t.path(), &args)));
    assert_no_secret(&outs);
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
        assert!(
            o.stderr.contains("outside the rule folder"),
            "`{cmd}`: {}",
            o.all()
        );
    }
}

#[test]
fn links_inside_the_rule_folder_are_followed() {
    let t = setup();
    let rules = t.path().join("rules");
    std::fs::create_dir(rules.join("shared")).unwrap();
    std::fs::rename(
        rules.join("10-questions.yaml"),
        rules.join("shared/questions.yaml"),
    )
    .unwrap();
    symlink("shared/questions.yaml", rules.join("10-questions.yaml")).unwrap();
    let o = runs(t.path(), &["rules", "check", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
    let o = runs(
        t.path(),
        &[
            "score",
            "--rules",
            "rules",
            "intake.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.all());
    // The rule folder reached through a link of its own is fine too: the
    // boundary is the folder the link resolves to.
    symlink("rules", t.path().join("rules-link")).unwrap();
    let o = runs(t.path(), &["rules", "check", "rules-link"]);
    assert_eq!(o.code, 0, "{}", o.all());
}

#[test]
fn a_file_named_on_the_command_line_is_read_as_named() {
    // The trust boundary is what a folder holds; a path the caller gives is
    // the caller's choice. The secret is not YAML that parses as a rule
    // set: what is shown of it is a bounded snippet of the file named.
    let t = setup();
    symlink(
        t.path().join("rules/00-set.yaml"),
        t.path().join("linked-set.yaml"),
    )
    .unwrap();
    let o = runs(t.path(), &["rules", "check", "linked-set.yaml"]);
    assert_ne!(o.code, 2, "{}", o.all());
    assert!(!o.all().contains("outside the rule folder"), "{}", o.all());
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn fifos_in_a_rule_folder_are_refused_without_hanging() {
    let t = setup();
    let rules = t.path().join("rules");
    mkfifo(&rules.join("pipe.yaml"));
    let outs = every_reader(t.path(), "rules");
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
        assert!(
            o.stderr.contains("rules/pipe.yaml") && o.stderr.contains("not a regular file"),
            "`{cmd}`: {}",
            o.all()
        );
    }
    // A link to a FIFO inside the folder: refused as a special file.
    std::fs::remove_file(rules.join("pipe.yaml")).unwrap();
    mkfifo(&rules.join("tests/pipe"));
    symlink("tests/pipe", rules.join("pipe.yaml")).unwrap();
    let o = runs(t.path(), &["rules", "check", "rules"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(o.stderr.contains("not a regular file"), "{}", o.all());
    // A FIFO in tests/, and a link to a FIFO outside the folder.
    std::fs::remove_file(rules.join("pipe.yaml")).unwrap();
    std::fs::rename(rules.join("tests/pipe"), rules.join("tests/pipe.yaml")).unwrap();
    mkfifo(&t.path().join("outside-pipe"));
    symlink(t.path().join("outside-pipe"), rules.join("zz.yaml")).unwrap();
    for args in [
        ["rules", "test", "rules", "--tests", "rules/tests"],
        ["rules", "check", "rules", "--format", "json"],
    ] {
        let o = runs(t.path(), &args);
        assert_eq!(o.code, 2, "{}", o.all());
    }
    std::fs::remove_file(rules.join("zz.yaml")).unwrap();
    let o = runs(t.path(), &["rules", "test", "rules"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(
        o.stderr.contains("rules/tests/pipe.yaml") && o.stderr.contains("not a regular file"),
        "{}",
        o.all()
    );
}

#[test]
fn non_utf8_rule_files_show_nothing_of_their_text() {
    let t = setup();
    let rules = t.path().join("rules");
    let mut bytes = b"name: x\n# \xff\n".to_vec();
    bytes.extend_from_slice(MARKER.as_bytes());
    std::fs::write(rules.join("zz.yaml"), &bytes).unwrap();
    let outs = every_reader(t.path(), "rules");
    assert_no_secret(&outs);
    for (cmd, o) in &outs {
        assert_eq!(o.code, 2, "`{cmd}`: {}", o.all());
        assert!(o.stderr.contains("not UTF-8"), "`{cmd}`: {}", o.all());
    }
}

/// The longest run of one character in a text.
fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for x in text.chars() {
        cur = if x == c { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

#[test]
fn snippets_are_bounded() {
    let t = setup();
    let rules = t.path().join("rules");
    let long = "q".repeat(5000);
    // An unknown key on a 5,000-character line: a finding with a snippet.
    std::fs::write(
        rules.join("20-extra.yaml"),
        format!("unknown_key_here: \"{long}\"\n"),
    )
    .unwrap();
    // And in a test file.
    std::fs::write(
        rules.join("tests/zz-long.yaml"),
        format!("tests:\n  - name: long\n    answers: {{housing: stable}}\n    zzz: \"{long}\"\n"),
    )
    .unwrap();
    let mut outs = Vec::new();
    for f in ["human", "json", "sarif", "github"] {
        let args = ["rules", "check", "rules", "--format", f];
        outs.push((args.join(" "), runs(t.path(), &args)));
    }
    for (cmd, o) in &outs {
        assert_eq!(o.code, 1, "`{cmd}`: {}", o.all());
        assert!(o.all().contains("unknown_key_here"), "`{cmd}`: {}", o.all());
        let run = longest_run(&o.all(), 'q');
        assert!(run <= 200, "`{cmd}` showed {run} characters of one line");
    }
    std::fs::remove_file(rules.join("20-extra.yaml")).unwrap();
    for f in ["human", "json", "junit", "github"] {
        let o = runs(t.path(), &["rules", "test", "rules", "--format", f]);
        assert_eq!(o.code, 1, "{f}: {}", o.all());
        let run = longest_run(&o.all(), 'q');
        assert!(
            run <= 200,
            "rules test --format {f} showed {run} characters of one line"
        );
    }
}

fn name(dir: &Path, bytes: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(bytes))
}

#[test]
fn non_utf8_rule_file_names_are_read_and_shown_escaped() {
    let t = setup();
    let rules = t.path().join("rules");
    std::fs::rename(
        rules.join("10-questions.yaml"),
        name(&rules, b"10-q\xff.yaml"),
    )
    .unwrap();
    std::fs::rename(
        rules.join("tests/light.yaml"),
        name(&rules.join("tests"), b"l\xe9.yaml"),
    )
    .unwrap();
    let o = runs(t.path(), &["rules", "check", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
    let o = runs(t.path(), &["rules", "test", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
    let o = runs(t.path(), &["rules", "fmt", "--check", "rules"]);
    assert_ne!(o.code, 2, "{}", o.all());
    // A finding in that file names it exactly, escaped.
    let text = std::fs::read_to_string(name(&rules, b"10-q\xff.yaml")).unwrap();
    std::fs::write(
        name(&rules, b"10-q\xff.yaml"),
        format!("{text}\nunknown_key_here: 1\n"),
    )
    .unwrap();
    let o = runs(t.path(), &["rules", "check", "rules", "--format", "json"]);
    assert_eq!(o.code, 1, "{}", o.all());
    assert!(o.stdout.contains("rules/10-q\\\\xff.yaml"), "{}", o.stdout);
    let o = runs(t.path(), &["rules", "check", "rules"]);
    assert!(o.stdout.contains("rules/10-q\\xff.yaml:"), "{}", o.stdout);
    // Named on the command line, too.
    let a = name(&rules, b"10-q\xff.yaml");
    let o = run(
        t.path(),
        &[OsStr::new("rules"), OsStr::new("check"), a.as_os_str()],
    );
    assert_ne!(o.code, 2, "{}", o.all());
    assert!(!o.all().contains("no such file"), "{}", o.all());
}

#[test]
fn non_utf8_intake_names_give_exact_distinct_sources() {
    let t = setup();
    let d = t.path().join("intakes");
    std::fs::create_dir(&d).unwrap();
    let intake = std::fs::read(t.path().join("intake.yaml")).unwrap();
    // Three names a lossy conversion would confuse (the first two both
    // become `a\u{FFFD}.yaml`; the third is the first's escape, spelled).
    let names: [&[u8]; 4] = [b"a\xff.yaml", b"a\xfe.yaml", b"a\\xff.yaml", b"b\xff"];
    for n in names {
        std::fs::write(name(&d, n), &intake).unwrap();
    }
    let mut files = names[..3].to_vec();
    files.push(b"missing-\xff.yaml");
    let mut args: Vec<PathBuf> = files
        .iter()
        .map(|n| name(Path::new("intakes"), n))
        .collect();
    args.push(PathBuf::from("intakes"));
    let mut a: Vec<&OsStr> = vec![
        OsStr::new("score"),
        OsStr::new("--rules"),
        OsStr::new("rules"),
    ];
    a.extend(["--format", "json"].map(OsStr::new));
    a.extend(args.iter().map(|p| p.as_os_str()));
    let o = run(t.path(), &a);
    let v: serde_json::Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|_| panic!("{}", o.all()));
    let sources: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "intakes/a\\xff.yaml",
            "intakes/a\\xfe.yaml",
            "intakes/a\\\\xff.yaml",
            "intakes/missing-\\xff.yaml",
            // The folder, sorted by bytes: `a\` (0x5c) < `a\xfe` < `a\xff`.
            "intakes/a\\\\xff.yaml",
            "intakes/a\\xfe.yaml",
            "intakes/a\\xff.yaml",
        ],
        "{}",
        o.all()
    );
    let records = v.as_array().unwrap();
    for (i, r) in records.iter().enumerate() {
        if i == 3 {
            assert_eq!(r["code"], "io", "{r}");
        } else {
            assert_eq!(r["level"], "light", "{r}");
        }
    }
    // Escapes read back to the exact names.
    for s in &sources[..3] {
        let bytes = placement::pathname::unescape(s).unwrap();
        assert!(
            std::fs::metadata(t.path().join(OsStr::from_bytes(&bytes))).is_ok(),
            "{s}"
        );
    }
}

#[test]
fn fmt_writes_through_a_link_and_keeps_it_a_link() {
    let t = setup();
    let rules = t.path().join("rules");
    std::fs::create_dir(rules.join("shared")).unwrap();
    let target = rules.join("shared/questions.yaml");
    std::fs::rename(rules.join("10-questions.yaml"), &target).unwrap();
    let link = rules.join("10-questions.yaml");
    symlink("shared/questions.yaml", &link).unwrap();
    // Not in canonical layout: extra indentation of a top-level sequence.
    let text = std::fs::read_to_string(&target).unwrap();
    let messy = format!("{text}\n\n\n");
    std::fs::write(&target, &messy).unwrap();
    let o = runs(t.path(), &["rules", "fmt", "--check", "rules"]);
    assert_eq!(o.code, 1, "{}", o.all());
    let o = runs(t.path(), &["rules", "fmt", "rules"]);
    assert_eq!(o.code, 0, "{}", o.all());
    assert!(
        o.stdout.contains("rules/10-questions.yaml: formatted"),
        "{}",
        o.all()
    );
    let lmeta = std::fs::symlink_metadata(&link).unwrap();
    assert!(lmeta.file_type().is_symlink(), "the link was replaced");
    let formatted = std::fs::read_to_string(&target).unwrap();
    assert_ne!(formatted, messy);
    assert_eq!(std::fs::read_to_string(&link).unwrap(), formatted);

    // Named directly, the same.
    std::fs::write(&target, &messy).unwrap();
    let o = runs(t.path(), &["rules", "fmt", "rules/10-questions.yaml"]);
    assert_eq!(o.code, 0, "{}", o.all());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), formatted);

    // A link out of the folder is neither read nor written.
    let outside = t.path().join("outside.yaml");
    std::fs::write(&outside, &messy).unwrap();
    symlink(&outside, rules.join("20-out.yaml")).unwrap();
    let o = runs(t.path(), &["rules", "fmt", "rules"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(o.stderr.contains("outside the rule folder"), "{}", o.all());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), messy);
    assert!(std::fs::symlink_metadata(rules.join("20-out.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
}

fn scored_sources(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut a = vec!["score", "--rules", "rules", "--format", "jsonl"];
    a.extend_from_slice(args);
    let o = runs(dir, &a);
    o.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["source"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn folder_walks_enter_each_folder_once_in_sorted_order() {
    let t = setup();
    let d = t.path().join("w");
    let intake = std::fs::read(t.path().join("intake.yaml")).unwrap();
    // b/ holds a file; a link to b, a link loop to the top, and a link to
    // the link: each folder is entered once, files of a folder in name
    // order, subfolders where their names sort.
    std::fs::create_dir_all(d.join("b/deeper")).unwrap();
    std::fs::write(d.join("b/1.yaml"), &intake).unwrap();
    std::fs::write(d.join("b/deeper/2.yaml"), &intake).unwrap();
    std::fs::write(d.join("a.yaml"), &intake).unwrap();
    std::fs::write(d.join("c.yaml"), &intake).unwrap();
    symlink(&d, d.join("b/deeper/loop")).unwrap();
    symlink("b", d.join("z-link")).unwrap();
    symlink("z-link", d.join("zz-link")).unwrap();
    assert_eq!(
        scored_sources(t.path(), &["w"]),
        ["w/a.yaml", "w/b/1.yaml", "w/b/deeper/2.yaml", "w/c.yaml"]
    );
    // Entered through the link first, the folder is walked there.
    assert_eq!(
        scored_sources(t.path(), &["w/z-link"]),
        [
            "w/z-link/1.yaml",
            "w/z-link/deeper/2.yaml",
            "w/z-link/deeper/loop/a.yaml",
            "w/z-link/deeper/loop/c.yaml"
        ]
    );
}

#[test]
fn wide_and_deep_folders_are_walked_whole() {
    // Correctness only; the timings (40,000 folders, depth 3,000) are in
    // docs/performance.md.
    let t = setup();
    let intake = std::fs::read(t.path().join("intake.yaml")).unwrap();
    let wide = t.path().join("wide");
    for i in 0..2000 {
        std::fs::create_dir_all(wide.join(format!("{i:05}"))).unwrap();
    }
    std::fs::write(wide.join("01999/x.yaml"), &intake).unwrap();
    std::fs::write(wide.join("00000/x.yaml"), &intake).unwrap();
    assert_eq!(
        scored_sources(t.path(), &["wide"]),
        ["wide/00000/x.yaml", "wide/01999/x.yaml"]
    );
    let mut deep = t.path().join("deep");
    for _ in 0..300 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.yaml"), &intake).unwrap();
    let s = scored_sources(t.path(), &["deep"]);
    assert_eq!(s.len(), 1);
    assert!(
        s[0].ends_with("/d/d/x.yaml") && s[0].len() == "deep".len() + 300 * 2 + 7,
        "{s:?}"
    );
}
