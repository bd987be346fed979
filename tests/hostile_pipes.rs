//! Issue 13, "Pipes, threads, limits" and the small "nothing was done"
//! items, on the built binary: a reader that goes away, a full disk on
//! standard output, a closed standard output, range-checked numeric flags,
//! byte limits that cannot overflow, commands that checked nothing, and no
//! cursor escape on a standard error that is not a terminal.
//! `docs/security.md` ("Pipes, closed streams and numeric flags") lists
//! each case with its test here.

#![cfg(unix)]

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const INTAKE: &str = "examples/intakes/01-outpatient-alcohol.yaml";
const EXPLAINED: &str = "examples/intakes/06-php-depression-critical-flag.yaml";
const FULL: &str =
    "error: cannot write to standard output: No space left on device (os error 28)\n";
const CLOSED: &str = "error: standard output is closed, so the results have nowhere to go; redirect it (`> FILE`, `> /dev/null`) instead of closing it\n";

fn placement() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_placement"));
    c.current_dir(ROOT)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    c
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}", o.status))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The write end of a pipe whose read end is already closed: every write
/// to it fails with EPIPE, as after `| head` has exited.
fn reader_gone() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe fills two new descriptors, which are owned below.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: fds[0] and fds[1] are open and owned by nothing else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    Stdio::from(write)
}

/// Runs with standard output going to a reader that has gone away.
fn into_closed_pipe(args: &[&str]) -> Output {
    into_closed_pipe_from(args, Stdio::null())
}

fn into_closed_pipe_from(args: &[&str], stdin: Stdio) -> Output {
    placement()
        .args(args)
        .stdin(stdin)
        .stdout(reader_gone())
        .stderr(Stdio::piped())
        .output()
        .expect("run placement")
}

/// Runs with standard output on `/dev/full` (every write: ENOSPC).
#[allow(clippy::print_stderr)]
fn into_dev_full(args: &[&str]) -> Option<Output> {
    let full = match File::options().write(true).open("/dev/full") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("skipped: no /dev/full ({e})");
            return None;
        }
    };
    Some(
        placement()
            .args(args)
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .expect("run placement"),
    )
}

/// Runs with descriptor 1 closed in the child (`>&-`), not /dev/null.
fn with_stdout_closed(args: &[&str]) -> Output {
    let mut c = placement();
    c.args(args).stderr(Stdio::piped());
    // SAFETY: only close(2), which is async-signal-safe, between fork and exec.
    unsafe {
        c.pre_exec(|| {
            libc::close(1);
            Ok(())
        });
    }
    c.output().expect("run placement")
}

fn quiet_zero(what: &str, o: &Output) {
    assert_eq!(
        (code(o), stderr(o).as_str()),
        (0, ""),
        "{what}: a reader that went away ends the run quietly with 0"
    );
}

/// A file of `n` synthetic intakes as JSON Lines.
fn samples(dir: &Path, n: u32) -> PathBuf {
    let o = placement()
        .args(["sample", "--count", &n.to_string()])
        .output()
        .expect("run placement");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let p = dir.join("samples.jsonl");
    std::fs::write(&p, &o.stdout).unwrap();
    p
}

// ---- a reader that goes away --------------------------------------------

#[test]
fn sample_into_head_ends_quietly() {
    // `placement sample --count 100000 | head -1`
    let mut child = placement()
        .args(["sample", "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn placement");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"intake\":1"), "{first}");
    // The reader (dropped above) is gone; the rest of the 100,000 fail.
    let o = child.wait_with_output().unwrap();
    quiet_zero("sample | head -1", &o);
}

#[test]
fn every_command_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let many = samples(dir.path(), 300);
    let cases: &[&[&str]] = &[
        &["sample", "--count", "1000"],
        &["sample", "--count", "3", "--format", "yaml"],
        &["score", INTAKE],
        &["score", INTAKE, "--format", "table"],
        &["explain", EXPLAINED],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["rules", "show", "--format", "json"],
        &["rules", "schema"],
        &["rules", "check"],
        &["rules", "test", "rules/"],
    ];
    for args in cases {
        quiet_zero(&args.join(" "), &into_closed_pipe(args));
    }
    // Many results (JSON Lines on stdin), more than a pipe holds.
    let from_stdin: &[&[&str]] = &[
        &["score", "-", "--format", "json"],
        &["score", "-", "--format", "csv", "--threads", "1"],
        &["score", "-", "--format", "markdown"],
    ];
    for args in from_stdin {
        let stdin = Stdio::from(File::open(&many).unwrap());
        quiet_zero(&args.join(" "), &into_closed_pipe_from(args, stdin));
    }
}

#[test]
fn completions_into_a_closed_pipe_do_not_panic() {
    // It panicked with exit 101: clap_complete writes straight to stdout.
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        quiet_zero(shell, &into_closed_pipe(&["completions", shell]));
    }
}

// ---- a full disk on standard output -------------------------------------

#[test]
fn dev_full_is_an_error_not_a_panic() {
    let cases: &[&[&str]] = &[
        &["completions", "bash"],
        &["sample", "--count", "3"],
        &["score", INTAKE],
        &["explain", EXPLAINED],
        &["rules", "show"],
    ];
    for args in cases {
        let Some(o) = into_dev_full(args) else { return };
        assert_eq!(
            (code(&o), stderr(&o).as_str()),
            (2, FULL),
            "{}",
            args.join(" ")
        );
    }
}

// ---- no standard output at all ------------------------------------------

#[test]
fn closed_stdout_is_exit_2() {
    let cases: &[&[&str]] = &[
        &["score", INTAKE],
        &["explain", EXPLAINED],
        &["sample", "--count", "1"],
        &["completions", "bash"],
        &["rules", "show"],
        &["rules", "check"],
    ];
    for args in cases {
        let o = with_stdout_closed(args);
        assert_eq!(
            (code(&o), stderr(&o).as_str()),
            (2, CLOSED),
            "{}",
            args.join(" ")
        );
    }
}

#[test]
fn closed_stdout_through_the_shell_is_exit_2() {
    // The reproduction as written in the issue: `placement score x.yaml >&-`.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "\"{}\" score {INTAKE} >&-",
            env!("CARGO_BIN_EXE_placement")
        ))
        .current_dir(ROOT)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!((code(&o), stderr(&o).as_str()), (2, CLOSED));
}

#[test]
fn closed_stdout_is_fine_when_results_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.jsonl");
    let o = with_stdout_closed(&["score", INTAKE, "--output", out.to_str().unwrap()]);
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("{\"source\":"), "{text}");
    let samples = dir.path().join("samples");
    let o = with_stdout_closed(&["sample", "-n", "2", "--out", samples.to_str().unwrap()]);
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
    assert_eq!(std::fs::read_dir(&samples).unwrap().count(), 2);
}

#[test]
fn dev_null_is_not_a_closed_stdout() {
    let o = placement()
        .args(["score", INTAKE])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
}

// ---- --threads ------------------------------------------------------------

fn threads_message(value: &str) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "error: invalid value '{value}' for '--threads <N>': must be a whole number from 1 to {} (4 per core; {cores} core(s) available)\n\nFor more information, try '--help'.\n",
        4 * cores
    )
}

#[test]
fn threads_out_of_range_are_refused_by_clap() {
    // 50000 and u64::MAX aborted (134); 40000 panicked under a memory limit.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let too_many = (4 * cores + 1).to_string();
    for value in [
        "0",
        "50000",
        "40000",
        "18446744073709551615",
        "-1",
        "many",
        too_many.as_str(),
    ] {
        let o = placement()
            .args(["score", INTAKE, &format!("--threads={value}")])
            .output()
            .unwrap();
        assert_eq!(
            (code(&o), stderr(&o)),
            (2, threads_message(value)),
            "--threads {value}"
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn threads_in_range_are_accepted() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for n in [1, 4 * cores] {
        let o = placement()
            .args(["score", INTAKE, "--threads", &n.to_string()])
            .output()
            .unwrap();
        assert_eq!((code(&o), stderr(&o).as_str()), (0, ""), "--threads {n}");
        assert!(o.stdout.starts_with(b"{\"source\":"));
    }
}

// ---- byte limits ----------------------------------------------------------

#[test]
fn byte_limits_are_range_checked() {
    for flag in ["--max-intake-bytes", "--max-rules-bytes"] {
        for value in ["18446744073709551615", "1073741825", "0"] {
            let o = placement()
                .args(["score", INTAKE, flag, value])
                .output()
                .unwrap();
            assert_eq!(
                (code(&o), stderr(&o)),
                (2, format!("error: invalid value '{value}' for '{flag} <BYTES>': {value} is not in 1..=1073741824\n\nFor more information, try '--help'.\n")),
                "{flag} {value}"
            );
        }
    }
}

#[test]
fn the_largest_byte_limits_still_read_files() {
    // `max + 1` wrapped: with u64::MAX every file read as empty.
    let o = placement()
        .args([
            "score",
            INTAKE,
            "--max-intake-bytes",
            "1073741824",
            "--max-rules-bytes",
            "1073741824",
            "--rules",
            "rules",
        ])
        .output()
        .unwrap();
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("\"level\":\"outpatient\""), "{out}");
}

#[test]
fn read_bounded_does_not_overflow() {
    let p = Path::new(ROOT).join(INTAKE);
    let whole = std::fs::read(&p).unwrap();
    for max in [usize::MAX, usize::MAX - 1, 1 << 30] {
        assert_eq!(placement::fsutil::read_bounded(&p, max).unwrap(), whole);
    }
    // One byte past the limit, never more.
    assert_eq!(placement::fsutil::read_bounded(&p, 9).unwrap().len(), 10);
}

#[test]
fn min_coverage_is_range_checked() {
    for value in ["101", "-1", "NaN", "inf", "half"] {
        let o = placement()
            .args([
                "rules",
                "test",
                "rules/",
                &format!("--min-coverage={value}"),
            ])
            .output()
            .unwrap();
        assert_eq!(
            (code(&o), stderr(&o)),
            (2, format!("error: invalid value '{value}' for '--min-coverage <PCT>': must be a percentage from 0 to 100\n\nFor more information, try '--help'.\n")),
            "--min-coverage {value}"
        );
    }
}

// ---- commands that checked nothing ----------------------------------------

#[test]
fn rules_test_run_matching_no_test_is_exit_2() {
    let all = placement()
        .args(["rules", "test", "rules/", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    let report: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let n = report["tests"].as_array().unwrap().len();
    for format in ["human", "json", "junit", "github"] {
        let o = placement()
            .args([
                "rules",
                "test",
                "rules/",
                "--run",
                "^no such test$",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(
            (code(&o), stderr(&o)),
            (2, format!("error: no test name matches --run; nothing was run ({n} test(s) in the test files)\n")),
            "--format {format}"
        );
        assert!(o.stdout.is_empty(), "--format {format}");
    }
    // A pattern that matches still runs what it matches.
    let o = placement()
        .args([
            "rules",
            "test",
            "rules/",
            "--run",
            "^biomedical 0 - no physical condition$",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

#[test]
fn rules_diff_missing_intakes_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let missing = missing.to_str().unwrap();
    for extra in [&[][..], &["--exit-code"][..]] {
        let o = placement()
            .args(["rules", "diff", "rules", "rules", "--intakes", missing])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            (code(&o), stderr(&o)),
            (
                2,
                format!("error: --intakes {missing}: no such file or folder\n")
            ),
            "{extra:?}"
        );
        assert!(o.stdout.is_empty());
    }
    // One missing path among good ones is still a mistake in the command.
    let o = placement()
        .args([
            "rules",
            "diff",
            "rules",
            "rules",
            "--exit-code",
            "--intakes",
            "examples/intakes",
            missing,
        ])
        .output()
        .unwrap();
    assert_eq!(
        (code(&o), stderr(&o)),
        (
            2,
            format!("error: --intakes {missing}: no such file or folder\n")
        )
    );
    // A folder with no intake file in it compares nothing.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = placement()
        .args([
            "rules",
            "diff",
            "rules",
            "rules",
            "--exit-code",
            "--intakes",
        ])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(
        (code(&o), stderr(&o).as_str()),
        (2, "error: no intake files found in the --intakes paths (looked for *.yaml, *.yml, *.json); nothing was compared\n")
    );
    // The same intakes under the same rules: compared, no change, 0.
    let o = placement()
        .args([
            "rules",
            "diff",
            "rules",
            "rules",
            "--exit-code",
            "--intakes",
            "examples/intakes",
        ])
        .output()
        .unwrap();
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""));
}

// ---- no cursor escape on a standard error that is not a terminal ----------

#[test]
fn no_escape_sequence_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.yaml");
    let o = placement()
        .args(["assess", "--answers", INTAKE, "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.exists());
    assert!(!o.stderr.is_empty(), "assess says where it saved");
    for (name, bytes) in [("stderr", &o.stderr), ("stdout", &o.stdout)] {
        assert!(
            !bytes.contains(&0x1b),
            "an escape sequence on {name}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}
