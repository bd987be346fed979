//! Writes that cannot corrupt: the writer is killed (SIGKILL) at random
//! points, many times, and the target is always either its old content or
//! the complete new content, never part of it; a temporary file left by a
//! killed writer is never taken for output or for an intake. See
//! docs/security.md.
#![cfg(unix)]
#![allow(clippy::print_stderr)] // the seed, to replay a failure

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_placement");

/// A small random-number generator (xorshift), seeded from the clock; the
/// seed is printed so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::env::var("KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("KILL_SEED={seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn placement(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Runs `cmd` and kills it after `delay` (if it is still running).
/// Returns whether it finished on its own.
fn run_and_kill(mut cmd: Command, stdin: Option<&Path>, delay: Duration) -> bool {
    if let Some(p) = stdin {
        cmd.stdin(std::fs::File::open(p).unwrap());
    }
    let mut child = cmd.spawn().expect("spawns");
    let start = Instant::now();
    while start.elapsed() < delay {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "the writer failed: {st}");
            return true;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill(); // SIGKILL
    let st = child.wait().unwrap();
    assert_ne!(st.code(), Some(101));
    false
}

/// How long a command takes when left alone, to spread kill times over it.
fn duration_of(mut cmd: Command, stdin: Option<&Path>) -> Duration {
    if let Some(p) = stdin {
        cmd.stdin(std::fs::File::open(p).unwrap());
    }
    let start = Instant::now();
    assert!(cmd.status().unwrap().success());
    start.elapsed()
}

/// Files in `dir` that are neither `keep` nor a writer's temporary file
/// (`.NAME.tmp-PID-N`).
fn strays(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .filter(|n| !(n.starts_with('.') && n.contains(".tmp-")))
        .collect()
}

#[test]
fn score_output_is_old_or_new_never_partial() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Two inputs with different results, so that each run replaces the
    // file with other content.
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    for (p, seed) in [(&a, "1"), (&b, "2")] {
        let out = Command::new(BIN)
            .args(["sample", "-n", "3000", "--seed", seed])
            .output()
            .unwrap();
        std::fs::write(p, out.stdout).unwrap();
    }
    let score = |out: &str| {
        let mut c = placement(dir);
        c.args([
            "score",
            "--no-summary",
            "--format",
            "jsonl",
            "--output",
            out,
            "-",
        ]);
        c
    };
    // The complete results, written once without interruption.
    for (p, name) in [(&a, "ref-a.jsonl"), (&b, "ref-b.jsonl")] {
        duration_of(score(name), Some(p));
    }
    let ref_a = std::fs::read(dir.join("ref-a.jsonl")).unwrap();
    let ref_b = std::fs::read(dir.join("ref-b.jsonl")).unwrap();
    assert_ne!(ref_a, ref_b);
    assert!(ref_a.len() > 1_000_000);
    let full = duration_of(score("timing.jsonl"), Some(&a));

    let target = dir.join("out.jsonl");
    std::fs::write(&target, b"old content\n").unwrap();
    let mut current: Vec<u8> = b"old content\n".to_vec();
    let mut rng = Rng::new();
    let (mut killed, mut finished) = (0, 0);
    for i in 0..40 {
        let (input, new) = if i % 2 == 0 {
            (&a, &ref_a)
        } else {
            (&b, &ref_b)
        };
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10));
        let done = run_and_kill(score("out.jsonl"), Some(input), delay);
        let now = std::fs::read(&target).unwrap();
        assert!(
            now == current || now == *new,
            "iteration {i}: out.jsonl is neither the old nor the new content ({} bytes)",
            now.len()
        );
        if done {
            assert_eq!(now, *new);
            finished += 1;
        } else {
            killed += 1;
        }
        current = now;
    }
    eprintln!("score --output: {killed} killed, {finished} finished");
    assert!(killed > 0);
    // Temporary files of killed writers are never output: not named like
    // it, and not read as intakes (no .yaml/.json/.yml extension).
    let keep = [
        "a.jsonl",
        "b.jsonl",
        "ref-a.jsonl",
        "ref-b.jsonl",
        "timing.jsonl",
        "out.jsonl",
    ];
    assert!(strays(dir, &keep).is_empty(), "{:?}", strays(dir, &keep));
    for e in std::fs::read_dir(dir).unwrap() {
        let p: PathBuf = e.unwrap().path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        assert!(!matches!(ext, "yaml" | "yml" | "json"), "{}", p.display());
    }
}

#[test]
fn sample_files_are_complete_or_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let sample = |out: &str| {
        let mut c = placement(dir);
        c.args(["sample", "-n", "60", "--format", "json", "--out", out]);
        c
    };
    let full = duration_of(sample("ref"), None);
    let mut rng = Rng::new();
    for i in 0..8 {
        let out = format!("run{i}");
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64));
        run_and_kill(sample(&out), None, delay);
        let out_dir = dir.join(&out);
        if !out_dir.exists() {
            continue;
        }
        for e in std::fs::read_dir(&out_dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                // A killed writer's temporary file: never an intake.
                assert!(name.contains(".tmp-"), "{name}");
                continue;
            }
            let got = std::fs::read(out_dir.join(&name)).unwrap();
            let want = std::fs::read(dir.join("ref").join(&name)).unwrap();
            assert!(
                got == want,
                "run {i}: {name} is partial ({} bytes)",
                got.len()
            );
            // Intake files are readable by the owner alone.
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out_dir.join(&name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        // Scoring the folder reads only the complete files.
        let st = placement(dir)
            .args(["score", "--no-summary", &out])
            .status()
            .unwrap();
        assert_ne!(st.code(), Some(101));
    }
}

#[test]
fn rules_fmt_leaves_old_or_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A large YAML file in a non-canonical layout (extra spaces).
    let old: String = std::iter::once("# many items\nitems:   \n".to_string())
        .chain((0..10_000).map(|i| format!("  - id:   q{i}   \n    text:   some text {i}   \n")))
        .collect();
    let file = dir.join("r.yaml");
    std::fs::write(&file, &old).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let fmt = || {
        let mut c = placement(dir);
        c.args(["rules", "fmt", "r.yaml"]);
        c
    };
    let full = duration_of(fmt(), None);
    let new = std::fs::read_to_string(&file).unwrap();
    assert_ne!(new, old, "the layout was not changed");
    let mut rng = Rng::new();
    for i in 0..15 {
        std::fs::write(&file, &old).unwrap();
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10));
        run_and_kill(fmt(), None, delay);
        let now = std::fs::read_to_string(&file).unwrap();
        assert!(now == old || now == new, "iteration {i}: r.yaml is partial");
        // The mode is kept.
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    assert!(strays(dir, &["r.yaml"]).is_empty());
}
