//! The intake file of `placement assess`: which file a new interview
//! writes (never one that exists, without `--force`), what `--force` keeps
//! (a superseded copy), reading the file to prefill or resume from, and
//! cleaning up what a killed save left behind.

use super::{shell_quote, AssessArgs};
use crate::assess;
use crate::cli::{eprintln_safe, Failure};
use crate::intake::{self, Intake};
use crate::rules::load::io_reason;
use crate::rules::RuleSet;
use crate::yaml::Limits;
use std::path::{Path, PathBuf};

/// Removes what a killed save of `path` left behind: the temporary files
/// `fsutil` writes beside it (`.NAME.tmp-PID-N`), when process PID is gone.
/// They hold answers, so they are not left lying around.
pub(super) fn remove_stale_temporaries(path: &Path) {
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
/// Reads an intake file; with it, the SHA-256 of its bytes (hex).
pub(super) fn read_intake(
    rs: &RuleSet,
    p: &Path,
    limits: &Limits,
) -> Result<(Intake, String), Failure> {
    let bytes = crate::fsutil::read_bounded(p, limits.max_bytes)
        .map_err(|e| Failure::usage(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
    if bytes.len() > limits.max_bytes {
        return Err(Failure::usage(format!(
            "{}: error[intake-limit]: file is more than the limit of {} bytes (--max-intake-bytes)",
            p.display(),
            limits.max_bytes
        )));
    }
    use sha2::Digest as _;
    let hash = format!("{:x}", sha2::Sha256::digest(&bytes));
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("{} is not UTF-8 text", p.display())))?;
    let intake = intake::parse(&text, rs, limits).map_err(|e| {
        let place = if e.first.span.is_known() {
            format!("{}:{}:{}", p.display(), e.first.span.line, e.first.span.col)
        } else {
            p.display().to_string()
        };
        Failure::usage(format!("{place}: error[{}]: {}", e.first.code, e.message()))
    })?;
    Ok((intake, hash))
}

/// The file a new interview writes: `--out`, or a new name in `--dir`.
/// An existing file is never replaced without `--force`; a folder, FIFO,
/// socket or device never (it is looked at, not read). A name that does
/// not exist yet is created here, empty and exclusively (`O_EXCL`), so two
/// interviews started together cannot share it: the second is refused.
pub(super) fn new_path(
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
pub(super) fn safe_file_part(id: &str) -> bool {
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
        // --force on an existing regular file: it is replaced at the first
        // save (what it held is kept beside it first, in `run`).
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

/// Keeps a copy of the intake file `p`, which --force is about to replace
/// or reopen, beside it as `NAME.superseded-STAMP.EXT` (mode 0600, never
/// over another file), and says so on standard error.
pub(super) fn keep_superseded(p: &Path) -> Result<PathBuf, Failure> {
    let bytes = std::fs::read(p)
        .map_err(|e| Failure::usage(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = p
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let stamp = assess::file_stamp(assess::now_secs());
    for n in 1..1000 {
        let name = match n {
            1 => format!("{stem}.superseded-{stamp}{ext}"),
            _ => format!("{stem}.superseded-{stamp}-{n}{ext}"),
        };
        let copy = p.with_file_name(name);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&copy) {
            Ok(mut f) => {
                use std::io::Write as _;
                f.write_all(&bytes)
                    .and_then(|_| f.sync_all())
                    .map_err(|e| {
                        Failure::usage(format!(
                            "cannot keep a copy of {} as {}: {}; nothing was changed",
                            p.display(),
                            copy.display(),
                            io_reason(&e)
                        ))
                    })?;
                eprintln_safe(&format!(
                    "note: --force: {} is written anew; what it held is kept as {}",
                    p.display(),
                    copy.display()
                ));
                return Ok(copy);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot keep a copy of {} as {}: {}; nothing was changed",
                    p.display(),
                    copy.display(),
                    io_reason(&e)
                )))
            }
        }
    }
    Err(Failure::usage(format!(
        "cannot find a free name to keep a copy of {}; nothing was changed",
        p.display()
    )))
}

/// A new intake file this run created empty (mode 0600). Dropped while
/// still empty (nothing was saved: the run stopped before the interview),
/// it is removed.
pub(super) struct Reserved(PathBuf);

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
pub(super) fn has_content(p: &Path) -> bool {
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
