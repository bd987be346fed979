//! `placement assess`: the interactive intake. The interview itself is
//! [`crate::assess::Interview`]; this module picks the file, checks for a
//! terminal, installs the signal handlers and reports how it ended.

use super::{eprintln_safe, CmdResult, Failure, Globals};
use crate::assess::terminal::{signals, Terminal};
use crate::assess::{self, AssessError, Interview, Outcome, Prompter, Store};
use crate::fsutil::write_private;
use crate::intake::{self, Intake};
use crate::rules::load::io_reason;
use crate::rules::RuleSet;
use crate::yaml::Limits;
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Exit code when the assessor stops the interview (Ctrl-C) or the
/// terminal goes away: the shell's code for SIGINT. The file is saved and
/// `--resume` continues it.
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Write the intake to FILE (default: a new file in --dir, named by
    /// --id or by the time, e.g. intake-2026-11-26T140500Z.yaml).
    #[arg(long, short, value_name = "FILE", conflicts_with_all = ["dir", "resume"])]
    pub out: Option<PathBuf>,

    /// Folder for a new intake file (default: the current folder).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub dir: Option<PathBuf>,

    /// Pseudonymous reference for the intake (never a name); recorded in
    /// the file and used in its name.
    #[arg(long, value_name = "ID", conflicts_with = "resume")]
    pub id: Option<String>,

    /// Staff id of the assessor, recorded in the file and with every
    /// acknowledged flag.
    #[arg(long, value_name = "ID", env = "PLACEMENT_ASSESSOR")]
    pub assessor: Option<String>,

    /// Continue the interview saved in FILE, from its first unanswered
    /// question.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub resume: Option<PathBuf>,

    /// Prefill answers from an intake file and ask only the rest. With
    /// nothing left to ask, no terminal is needed.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Overwrite an existing intake file (--out), or reopen a finished one
    /// (--resume).
    #[arg(long)]
    pub force: bool,
}

/// Saves to one file: atomically, readable by the owner alone (0600,
/// whatever the mode of a file replaced with --force; a symbolic link is
/// followed and the file it points to replaced).
struct FileStore {
    path: PathBuf,
}

impl Store for FileStore {
    fn save(&mut self, rs: &RuleSet, intake: &Intake) -> std::io::Result<()> {
        write_private(&self.path, crate::intake::to_yaml(rs, intake).as_bytes())
    }
}

pub fn run(g: &Globals, args: AssessArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    // A new intake file is created (empty, exclusively) when its name is
    // chosen; `_reserved` removes it again if nothing is ever saved in it.
    let mut _reserved = None;
    let (path, mut start) = match &args.resume {
        Some(p) => {
            let intake = read_intake(rs, p, &g.intake_limits)?;
            if intake.status.as_deref() == Some("complete") && !args.force {
                return Err(Failure::usage(format!(
                    "{} is a finished intake (status: complete); nothing to resume. To reopen it and change answers, add --force (its recommendation and placement are then recorded again)",
                    p.display()
                )));
            }
            remove_stale_temporaries(p);
            (p.clone(), intake)
        }
        None => {
            let mut intake = match &args.answers {
                Some(p) => {
                    let mut i = read_intake(rs, p, &g.intake_limits)?;
                    // Recomputed at the end; never carried over.
                    i.recommendation = None;
                    i.assessed_at = None;
                    i
                }
                None => Intake::default(),
            };
            if let Some(id) = &args.id {
                intake.id = Some(id.clone());
            }
            let (path, reserved) = new_path(&args, intake.id.as_deref(), &g.intake_limits)?;
            _reserved = reserved;
            (path, intake)
        }
    };
    if let Some(a) = &args.assessor {
        start.assessor = Some(a.clone());
    }
    if let Some(r) = &start.rules {
        if r.sha256.as_deref().is_some_and(|h| h != rs.sha256) {
            eprintln_safe(&format!(
                "warning: these answers were given against rule set `{}` version {} (another sha256); continuing with `{}` version {}",
                r.name.as_deref().unwrap_or("?"),
                r.version.as_deref().unwrap_or("?"),
                rs.name,
                rs.version
            ));
        }
    }

    let started = assess::now_rfc3339();
    if start.assessed_at.is_none() {
        start.assessed_at = Some(started);
    }
    let mut iv = Interview::new(
        rs,
        start,
        FileStore { path: path.clone() },
        assess::now_rfc3339,
    );
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive && iv.has_questions_left() && iv.excluded().is_none() {
        let which = if std::io::stdin().is_terminal() {
            "standard error"
        } else {
            "standard input"
        };
        return Err(Failure::usage(format!(
            "`placement assess` asks questions and needs a terminal, but {which} is not one. \
To score answers saved in a file, use `placement score FILE`; to prefill answers from a file \
and ask only the rest, use `placement assess --answers FILE` (with nothing left to ask it runs without a terminal)"
        )));
    }

    if interactive {
        signals::install();
    }
    let shown = path.display().to_string();
    let mut term = Terminal::new(
        rs,
        shown.clone(),
        interactive,
        g.color_stderr,
        g.color_stdout,
    );
    if interactive {
        term.show(&assess::Notice::Info(format!(
            "Rule set `{}` version {}. Answers are saved to {} after every answer. Ctrl-C stops; --resume continues.",
            rs.name, rs.version, shown
        )));
    }
    if interactive && (args.resume.is_some() || args.answers.is_some()) {
        let given = iv
            .saved_intake()
            .slots
            .iter()
            .filter(|s| **s != crate::intake::Slot::Absent)
            .count();
        let left = match iv.next_question() {
            Some(q) => format!("continuing with `{}`", rs.questions[q].id),
            None => "nothing left to ask; on to the review".to_string(),
        };
        term.show(&assess::Notice::Info(format!(
            "{given} answer(s) already given; {left}."
        )));
    }
    let outcome = iv.run(&mut term, interactive);
    term.restore();
    let resume = resume_hint(g, &path);
    match outcome {
        Ok(Outcome::Complete) => {
            let saved = iv.saved_intake();
            if let Some(p) = &saved.placement {
                let a = iv.assessment();
                let how = if p.level == a.level {
                    "the recommended level".to_string()
                } else {
                    let reason = p.reason.map(|r| rs.override_reasons[r].label.as_str()).unwrap_or("no reason given");
                    format!("override of {}; reason: {reason}", rs.levels[a.level].name)
                };
                term.show(&assess::Notice::Info(format!(
                    "Placement made: {} ({how}).",
                    rs.levels[p.level].name
                )));
            }
            term.show(&assess::Notice::Info(format!(
                "Saved {shown} (status: complete). Score it again with: placement score {}",
                shell_quote(&shown)
            )));
            Ok(0)
        }
        Ok(Outcome::Excluded(x)) => {
            eprintln_safe(&format!(
                "Stopped: {} No level is recommended. The answers so far are in {shown} (status: in_progress); to change an answer: {resume}",
                rs.exclusions[x].message
            ));
            Ok(1)
        }
        Ok(Outcome::Contradiction(c)) => {
            eprintln_safe(&format!(
                "Stopped: answers contradict each other (check `{}`: {}). No level is recommended. The answers so far are in {shown} (status: in_progress); to change an answer: {resume}",
                rs.checks[c].id, rs.checks[c].message
            ));
            Ok(1)
        }
        Err(AssessError::Interrupted) => {
            eprintln_safe(&format!("\nInterrupted. Every answer given so far is saved in {shown}.\nTo continue: {resume}"));
            Ok(EXIT_INTERRUPTED)
        }
        Err(AssessError::Terminal(m)) => {
            eprintln_safe(&format!(
                "\nThe interview stopped: the terminal failed ({m}). Every answer given so far is saved in {shown}.\nTo continue: {resume}"
            ));
            Ok(EXIT_INTERRUPTED)
        }
        Err(AssessError::Save(e)) if !has_content(&path) => Err(Failure::usage(format!(
            "cannot write the intake file {shown}: {}",
            io_reason(&e)
        ))),
        Err(AssessError::Save(e)) => Err(Failure::usage(format!(
            "cannot save the intake to {shown}: {}. The last answer was not saved; the file holds the answers before it. To continue: {resume}",
            io_reason(&e)
        ))),
    }
}

/// Removes what a killed save of `path` left behind: the temporary files
/// `fsutil` writes beside it (`.NAME.tmp-PID-N`), when process PID is gone.
/// They hold answers, so they are not left lying around.
fn remove_stale_temporaries(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = crate::fsutil::temp_prefix(name)
        .to_string_lossy()
        .to_string();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Reads an intake file to prefill or resume from.
fn read_intake(rs: &RuleSet, p: &Path, limits: &Limits) -> Result<Intake, Failure> {
    let bytes = crate::fsutil::read_bounded(p, limits.max_bytes)
        .map_err(|e| Failure::usage(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
    if bytes.len() > limits.max_bytes {
        return Err(Failure::usage(format!(
            "{}: error[intake-limit]: file is more than the limit of {} bytes (--max-intake-bytes)",
            p.display(),
            limits.max_bytes
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("{} is not UTF-8 text", p.display())))?;
    intake::parse(&text, rs, limits).map_err(|e| {
        let place = if e.first.span.is_known() {
            format!("{}:{}:{}", p.display(), e.first.span.line, e.first.span.col)
        } else {
            p.display().to_string()
        };
        Failure::usage(format!("{place}: error[{}]: {}", e.first.code, e.message()))
    })
}

/// The file a new interview writes: `--out`, or a new name in `--dir`.
/// An existing file is never replaced without `--force`; a folder, FIFO,
/// socket or device never (it is looked at, not read). A name that does
/// not exist yet is created here, empty and exclusively (`O_EXCL`), so two
/// interviews started together cannot share it: the second is refused.
fn new_path(
    args: &AssessArgs,
    id: Option<&str>,
    limits: &Limits,
) -> Result<(PathBuf, Option<Reserved>), Failure> {
    if let Some(out) = &args.out {
        return claim(out, args.force, limits).map(|r| (out.clone(), r));
    }
    // Without --dir, a bare file name: messages then show it as typed.
    let dir = args.dir.clone().unwrap_or_default();
    if !dir.as_os_str().is_empty() && !dir.is_dir() {
        return Err(Failure::usage(format!("{} is not a folder", dir.display())));
    }
    if let Some(id) = id.filter(|id| safe_file_part(id)) {
        let p = dir.join(format!("intake-{id}.yaml"));
        return claim(&p, args.force, limits).map(|r| (p, r));
    }
    let stamp = assess::file_stamp(assess::now_secs());
    for n in 1..1000 {
        let name = if n == 1 {
            format!("intake-{stamp}.yaml")
        } else {
            format!("intake-{stamp}-{n}.yaml")
        };
        let p = dir.join(name);
        match Reserved::create(&p) {
            Ok(r) => return Ok((p.clone(), Some(r))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot create {}: {}",
                    p.display(),
                    io_reason(&e)
                )))
            }
        }
    }
    Err(Failure::usage(format!(
        "cannot find a free file name in {}",
        dir.display()
    )))
}

/// Ids that may appear in a file name as they are.
fn safe_file_part(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks `p` (see [`new_path`]) and, if it does not exist, creates it
/// exclusively.
fn claim(p: &Path, force: bool, limits: &Limits) -> Result<Option<Reserved>, Failure> {
    if refuse_existing(p, force, limits)? {
        // --force on an existing regular file: it is replaced at the first save.
        return Ok(None);
    }
    match Reserved::create(p) {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Failure::usage(format!(
            "{} was created by another process just now (another interview with the same --id?); it is not shared or overwritten. Start again with another --id or --out",
            p.display()
        ))),
        Err(e) => Err(Failure::usage(format!(
            "cannot create {}: {}",
            p.display(),
            io_reason(&e)
        ))),
    }
}

/// A new intake file this run created empty (mode 0600). Dropped while
/// still empty (nothing was saved: the run stopped before the interview),
/// it is removed.
struct Reserved(PathBuf);

impl Reserved {
    fn create(p: &Path) -> std::io::Result<Reserved> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(p)?;
        Ok(Reserved(p.to_path_buf()))
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.0).is_ok_and(|m| m.is_file() && m.len() == 0) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Whether `p` is a file with something in it.
fn has_content(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.len() > 0)
}

/// Refuses what an intake cannot be saved to, and an existing file without
/// `force`. `Ok(true)`: `p` is an existing regular file (or a link to one)
/// and `force` is given; `Ok(false)`: nothing is there. The type is looked
/// at first, so a FIFO or a device is never opened; a regular file is read
/// (for its status) to at most the intake size limit.
fn refuse_existing(p: &Path, force: bool, limits: &Limits) -> Result<bool, Failure> {
    match std::fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot use {}: {}",
                p.display(),
                io_reason(&e)
            )))
        }
        Ok(_) => {}
    }
    let what = match std::fs::metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some("a symbolic link to a file that does not exist")
        }
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot use {}: {}",
                p.display(),
                io_reason(&e)
            )))
        }
        Ok(m) if m.is_dir() => Some("a folder"),
        Ok(m) if !m.is_file() => Some("not a regular file (a FIFO, socket or device)"),
        Ok(_) => None,
    };
    if let Some(what) = what {
        return Err(Failure::usage(format!(
            "{} is {what}; an intake is saved only to a regular file",
            p.display()
        )));
    }
    if force {
        return Ok(true);
    }
    let status = crate::fsutil::read_bounded(p, limits.max_bytes)
        .ok()
        .and_then(|bytes| {
            String::from_utf8_lossy(&bytes).lines().find_map(|l| {
                l.strip_prefix("status:")
                    .map(|s| s.trim().trim_matches('"').to_string())
            })
        });
    Err(Failure::usage(match status.as_deref() {
        Some("in_progress") => format!(
            "{} already holds an interview in progress; continue it with `placement assess --resume {}`, or add --force to start over and replace it",
            p.display(),
            shell_quote(&p.display().to_string())
        ),
        Some("complete") => format!(
            "{} is a finished intake; it is not overwritten without --force",
            p.display()
        ),
        _ => format!("{} already exists; it is not overwritten without --force", p.display()),
    }))
}

fn resume_hint(g: &Globals, path: &Path) -> String {
    let rules = g
        .rules
        .as_ref()
        .map(|r| format!(" --rules {}", shell_quote(&r.display().to_string())))
        .unwrap_or_default();
    format!(
        "placement assess --resume {}{rules}",
        shell_quote(&path.display().to_string())
    )
}

/// A path as a shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+@%,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("a/b-1.yaml"), "a/b-1.yaml");
        assert_eq!(shell_quote("my file's.yaml"), "'my file'\\''s.yaml'");
    }

    #[test]
    fn removes_temporaries_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("intake-1.yaml");
        std::fs::write(&target, "intake: 1\n").unwrap();
        let mine = dir
            .path()
            .join(format!(".intake-1.yaml.tmp-{}-0", std::process::id()));
        let dead = dir.path().join(".intake-1.yaml.tmp-999999999-0");
        let other = dir.path().join(".other.yaml.tmp-999999999-0");
        for p in [&mine, &dead, &other] {
            std::fs::write(p, "x").unwrap();
        }
        remove_stale_temporaries(&target);
        assert!(mine.exists() && other.exists() && target.exists());
        assert!(!dead.exists());
    }

    #[test]
    fn only_plain_ids_name_files() {
        assert!(safe_file_part("2026-0042"));
        assert!(!safe_file_part("../x"));
        assert!(!safe_file_part("Jane Doe"));
        assert!(!safe_file_part(".hidden"));
    }
}
