//! Hostile output paths (issue 13, "Outputs"): `score --output`,
//! `assess --out` and `sample --out` look at what the path is before
//! writing. A regular file (or a new name) is replaced atomically and made
//! private (0600); a symbolic link is followed and its target replaced; a
//! FIFO, a device or `/dev/stdout` is written directly, never replaced; a
//! folder, a socket or a dangling link is refused up front, naming the
//! path; a run that scores nothing commits nothing; temporary files are
//! removed on SIGINT, SIGTERM and SIGHUP. `assess --out` never reads a
//! FIFO or a device, and creates a new intake file exclusively. See
//! docs/security.md ("Output paths").
#![cfg(unix)]
#![allow(clippy::print_stderr)] // the skip message when not run as root

use assert_cmd::Command;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_placement");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn intake() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/intakes/01-outpatient-alcohol.yaml")
}

fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = Command::cargo_bin("placement")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PLACEMENT_ASSESSOR")
        .args(args)
        .write_stdin(Vec::new())
        .timeout(Duration::from_secs(30))
        .output()
        .expect("runs");
    let code = o.status.code().unwrap_or(-1);
    assert_ne!(code, 101, "{args:?} panicked");
    assert_ne!(code, -1, "{args:?} was killed (hung?)");
    Out {
        code,
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `score INTAKE --output OUT` in `dir`.
fn score_to(dir: &Path, out: &Path) -> Out {
    let i = intake();
    run_in(
        dir,
        &[
            "score",
            i.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    )
}

fn c_path(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

fn mkfifo(p: &Path) {
    let c = c_path(p);
    // SAFETY: a valid C string; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Names in `dir` that look like the tool's temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.contains(".tmp-"))
        .collect()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A private copy of the character device MAJOR:MINOR (as root only).
fn mknod_char(p: &Path, major: u32, minor: u32) -> bool {
    let c = c_path(p);
    // SAFETY: a valid C string; mknod only creates a device node.
    let r = unsafe {
        libc::mknod(
            c.as_ptr(),
            libc::S_IFCHR | 0o666,
            libc::makedev(major, minor),
        )
    };
    r == 0
}

#[test]
fn fifo_output_is_written_not_replaced() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("results.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = score_to(t.path(), &fifo);
    // Unblocks the reader if the run never opened the FIFO (a failure).
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let got = reader.join().unwrap();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(got.contains("\"id\":\"2026-0001\""), "{got}");
    let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(ft.is_fifo(), "the FIFO was replaced");
    assert!(temporaries(t.path()).is_empty());
}

#[test]
fn symlink_output_replaces_its_target_and_makes_it_private() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("real.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = t.path().join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
    let o = score_to(t.path(), Path::new("link.jsonl"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("\"id\":\"2026-0001\""), "{text}");
    assert_eq!(mode(&target), 0o600);
    assert!(temporaries(t.path()).is_empty());
}

#[test]
fn dangling_symlink_and_socket_outputs_are_refused() {
    let t = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("missing.jsonl", t.path().join("dangling")).unwrap();
    let o = score_to(t.path(), Path::new("dangling"));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("cannot write dangling:"), "{}", o.stderr);
    assert!(o.stderr.contains("does not exist"), "{}", o.stderr);
    assert!(!t.path().join("missing.jsonl").exists());

    let _sock = std::os::unix::net::UnixListener::bind(t.path().join("sock")).unwrap();
    let o = score_to(t.path(), Path::new("sock"));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("cannot write sock:"), "{}", o.stderr);
    assert!(o.stderr.contains("socket"), "{}", o.stderr);
    assert!(temporaries(t.path()).is_empty());
}

#[test]
fn folder_output_is_refused_before_any_work() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("results");
    std::fs::create_dir(&dir).unwrap();
    // A rule set that does not exist: the output is looked at first.
    let i = intake();
    let o = run_in(
        t.path(),
        &[
            "score",
            "--rules",
            "no-such-rules",
            i.to_str().unwrap(),
            "--output",
            "results",
        ],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("cannot write results: it is a folder"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("no-such-rules"), "{}", o.stderr);
    assert!(temporaries(t.path()).is_empty());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn a_run_that_scores_nothing_leaves_the_old_output_untouched() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("empty")).unwrap();
    let out = t.path().join("results.json");
    std::fs::write(&out, "previous results\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::metadata(&out).unwrap();
    for format in ["jsonl", "json", "csv"] {
        let o = run_in(
            t.path(),
            &[
                "score",
                "empty",
                "--format",
                format,
                "--output",
                "results.json",
            ],
        );
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(o.stderr.contains("no intake files found"), "{}", o.stderr);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results\n");
        let after = std::fs::metadata(&out).unwrap();
        assert_eq!(after.ino(), before.ino(), "the file was replaced");
        assert_eq!(mode(&out), 0o640);
        assert!(temporaries(t.path()).is_empty());
    }
}

#[test]
fn a_246_character_output_name_works() {
    let t = tempfile::tempdir().unwrap();
    let name = format!("{}.jsonl", "r".repeat(240));
    assert_eq!(name.len(), 246);
    let o = score_to(t.path(), Path::new(&name));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(t.path().join(&name)).unwrap();
    assert!(text.contains("2026-0001"));
    assert!(temporaries(t.path()).is_empty());
    // Also where the tool writes intake files.
    let i = intake();
    let name = format!("{}.yaml", "i".repeat(241));
    let o = run_in(
        t.path(),
        &["assess", "--answers", i.to_str().unwrap(), "--out", &name],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(mode(&t.path().join(&name)), 0o600);
    assert!(temporaries(t.path()).is_empty());
}

#[test]
fn a_replaced_file_is_private_whatever_its_old_mode() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("results.jsonl");
    std::fs::write(&out, "old\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = score_to(t.path(), Path::new("results.jsonl"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(mode(&out), 0o600);

    // The same for an intake replaced with assess --out --force.
    let saved = t.path().join("intake.yaml");
    std::fs::write(&saved, "old\n").unwrap();
    std::fs::set_permissions(&saved, std::fs::Permissions::from_mode(0o644)).unwrap();
    let i = intake();
    let o = run_in(
        t.path(),
        &[
            "assess",
            "--answers",
            i.to_str().unwrap(),
            "--out",
            "intake.yaml",
            "--force",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(mode(&saved), 0o600);

    // And a sample file replaced by sample --out.
    let samples = t.path().join("samples");
    std::fs::create_dir(&samples).unwrap();
    let one = samples.join("sample-0000001.json");
    std::fs::write(&one, "old\n").unwrap();
    std::fs::set_permissions(&one, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run_in(
        t.path(),
        &[
            "sample", "--count", "2", "--format", "json", "--out", "samples",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(mode(&one), 0o600);
    assert_eq!(mode(&samples.join("sample-0000002.json")), 0o600);
    assert!(temporaries(&samples).is_empty());
}

#[test]
fn dev_stdout_is_written_directly() {
    let t = tempfile::tempdir().unwrap();
    let o = score_to(t.path(), Path::new("/dev/stdout"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("\"id\":\"2026-0001\""), "{}", o.stdout);
}

/// Writes to a device never replace it: a private copy of /dev/null (as
/// root, where the old code renamed a file over it) stays a character
/// device, and a copy of /dev/full gives a clear error.
#[test]
fn devices_are_written_directly_never_replaced() {
    let t = tempfile::tempdir().unwrap();
    if !is_root() {
        eprintln!(
            "skipped: the /dev/null device-node case needs root (mknod); /dev/full is checked as it is"
        );
        let o = score_to(t.path(), Path::new("/dev/full"));
        assert_eq!(o.code, 2);
        assert!(
            o.stderr
                .contains("cannot write /dev/full: No space left on device"),
            "{}",
            o.stderr
        );
        return;
    }
    let null = t.path().join("null");
    let full = t.path().join("full");
    if !(mknod_char(&null, 1, 3) && mknod_char(&full, 1, 7)) {
        eprintln!("skipped: mknod is not permitted here (a container without CAP_MKNOD?)");
        return;
    }
    let rdev = std::fs::metadata(&null).unwrap().rdev();
    let o = score_to(t.path(), &null);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let m = std::fs::symlink_metadata(&null).unwrap();
    assert!(m.file_type().is_char_device(), "the device was replaced");
    assert_eq!(m.rdev(), rdev);

    let o = score_to(t.path(), &full);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "cannot write {}: No space left on device",
            full.display()
        )),
        "{}",
        o.stderr
    );
    assert!(std::fs::symlink_metadata(&full)
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(temporaries(t.path()).is_empty());
}

/// SIGINT, SIGTERM and SIGHUP during `score --output` end the run as the
/// signal does, and the temporary file of results is removed.
#[test]
fn signals_remove_the_temporary_output_file() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("many.jsonl");
    let o = std::process::Command::new(BIN)
        .args(["sample", "--count", "10000"])
        .stdout(std::fs::File::create(&input).unwrap())
        .status()
        .unwrap();
    assert!(o.success());
    for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let mut cmd = std::process::Command::new(BIN);
        cmd.current_dir(t.path())
            .args(["score", "-", "--output", "results.jsonl"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: signal() is async-signal-safe; the child starts with the
        // default dispositions even if this test runner ignores a signal
        // (a background job ignores SIGINT).
        unsafe {
            cmd.pre_exec(|| {
                for s in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
                    libc::signal(s, libc::SIG_DFL);
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().unwrap();
        // The input stays open until after the signal, so the run is still
        // going however fast it scores.
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&std::fs::read(&input).unwrap()).unwrap();
        let start = Instant::now();
        while temporaries(t.path()).is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no temporary file appeared"
            );
            assert!(child.try_wait().unwrap().is_none(), "ended too early");
            std::thread::sleep(Duration::from_millis(5));
        }
        // Some results written first.
        std::thread::sleep(Duration::from_millis(200));
        // SAFETY: sends a signal to our own child.
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.signal(), Some(sig), "signal {sig}: {status:?}");
        assert!(
            temporaries(t.path()).is_empty(),
            "signal {sig} left {:?}",
            temporaries(t.path())
        );
        assert!(!t.path().join("results.jsonl").exists());
    }
}

/// `assess --out` looks at the path before reading it: a FIFO or a device
/// is refused at once, with or without --force.
#[test]
fn assess_out_on_a_fifo_or_device_is_refused_without_reading() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("pipe.yaml");
    mkfifo(&fifo);
    let i = intake();
    for (out, force) in [
        ("pipe.yaml", false),
        ("pipe.yaml", true),
        ("/dev/zero", true),
        ("/dev/null", false),
    ] {
        let mut args = vec!["assess", "--answers", i.to_str().unwrap(), "--out", out];
        if force {
            args.push("--force");
        }
        let start = Instant::now();
        let o = run_in(t.path(), &args);
        assert!(start.elapsed() < Duration::from_secs(5), "{args:?}");
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(&format!(
                "{out} is not a regular file (a FIFO, socket or device)"
            )),
            "{}",
            o.stderr
        );
    }
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(std::fs::symlink_metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    // A folder too, naming it.
    std::fs::create_dir(t.path().join("folder")).unwrap();
    let o = run_in(
        t.path(),
        &[
            "assess",
            "--answers",
            i.to_str().unwrap(),
            "--out",
            "folder",
        ],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("folder is a folder"), "{}", o.stderr);
}

/// Several `assess --id X` started together: the file is created
/// exclusively, so exactly one interview gets it; the others are refused
/// with a clear error and write nothing.
#[test]
fn interviews_started_together_cannot_share_a_file() {
    let t = tempfile::tempdir().unwrap();
    let i = intake();
    for round in 0..3 {
        let id = format!("X{round}");
        let children: Vec<_> = (0..6)
            .map(|_| {
                std::process::Command::new(BIN)
                    .current_dir(t.path())
                    .env("NO_COLOR", "1")
                    .args(["assess", "--answers", i.to_str().unwrap(), "--id", &id])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let won = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(won, 1, "round {round}: {won} interviews shared the file");
        for o in outs.iter().filter(|o| !o.status.success()) {
            let e = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{e}");
            let file = format!("intake-{id}.yaml");
            assert!(
                e.contains(&format!("{file} was created by another process just now"))
                    || e.contains(&format!("{file} is a finished intake"))
                    || e.contains(&format!("{file} already")),
                "{e}"
            );
        }
        let text = std::fs::read_to_string(t.path().join(format!("intake-{id}.yaml"))).unwrap();
        assert!(text.contains("status: complete"), "{text}");
    }
    assert!(temporaries(t.path()).is_empty());
}

/// A new intake file that is never saved into (the run stops before the
/// interview: no terminal) is not left behind.
#[test]
fn a_refused_interview_leaves_no_file() {
    let t = tempfile::tempdir().unwrap();
    let o = run_in(t.path(), &["assess", "--id", "Y"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("needs a terminal"), "{}", o.stderr);
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 0);
}
