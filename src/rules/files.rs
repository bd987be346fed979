//! Reading rule files and rule test files: a rule folder is a trust
//! boundary (`docs/security.md`, "Rule folders").
//!
//! - A symbolic link inside a rule folder (or its `tests/`) is followed
//!   only when its target lies inside the rule folder; a link that leaves
//!   the folder is refused without its target being opened.
//! - Only regular files are opened: a FIFO, socket or device (directly or
//!   through a link) is refused from its metadata, never opened, so it
//!   cannot block a run. The file is opened non-blocking and checked again
//!   after opening.
//! - A file is read up to one byte past the size limit, and must be UTF-8.
//!
//! Names are kept as OS strings, so a name that is not UTF-8 is read like
//! any other, and shown escaped ([`crate::pathname`]).

use crate::pathname;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The folder whose contents are not trusted to point elsewhere: entries
/// inside it may be links only to files inside it.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// The folder as given (for messages).
    shown: PathBuf,
    /// The folder with every link resolved (`None` if that failed; then
    /// no link inside it is followed).
    canon: Option<PathBuf>,
}

impl Boundary {
    pub fn new(folder: &Path) -> Self {
        Boundary {
            shown: folder.to_path_buf(),
            canon: fs::canonicalize(folder).ok(),
        }
    }

    /// Whether `path` (an entry below the folder, perhaps a link, or a
    /// path through linked folders) resolves to a place inside it.
    /// Resolving reads links only, never the target's content.
    fn contains(&self, path: &Path) -> bool {
        match (&self.canon, fs::canonicalize(path)) {
            (Some(root), Ok(real)) => real.starts_with(root),
            _ => false,
        }
    }
}

/// Why a file was not read. The message names the file as it was given
/// (escaped), never the content of what it points to.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `*.yaml` and `*.yml` entries of a folder (`what`: "rule folder",
/// "test folder", as messages name it) (not hidden ones, not
/// folders), sorted by name: regular files, links and special files alike,
/// for [`read_text`] to accept or refuse. With a boundary, a folder that is
/// itself a link leaving it is refused.
pub fn yaml_entries(
    what: &str,
    dir: &Path,
    boundary: Option<&Boundary>,
) -> Result<Vec<PathBuf>, Refused> {
    if let Err(e) = fs::metadata(dir) {
        return Err(Refused(format!(
            "cannot read {what} {}: {}",
            pathname::show(dir),
            super::load::io_reason(&e)
        )));
    }
    if let Some(b) = boundary {
        if !b.contains(dir) {
            return Err(Refused(format!(
                "{what} {} is a symbolic link (or is reached through one) that leads outside the rule folder {}; not read (see docs/security.md)",
                pathname::show(dir),
                pathname::show(&b.shown)
            )));
        }
    }
    let rd = fs::read_dir(dir).map_err(|e| {
        Refused(format!(
            "cannot read {what} {}: {}",
            pathname::show(dir),
            super::load::io_reason(&e)
        ))
    })?;
    let mut names: Vec<OsString> = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| {
            Refused(format!(
                "cannot read {what} {}: {}",
                pathname::show(dir),
                super::load::io_reason(&e)
            ))
        })?;
        let name = entry.file_name();
        if !is_yaml_name(&name) {
            continue;
        }
        // Folders are skipped (a link to a folder too); everything else is
        // listed, to be read or refused with a reason.
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()),
            Ok(t) => t.is_dir(),
            Err(_) => false,
        };
        if !is_dir {
            names.push(name);
        }
    }
    names.sort();
    Ok(names.into_iter().map(|n| dir.join(n)).collect())
}

/// A visible `*.yaml` or `*.yml` name (compared on bytes: any name counts,
/// UTF-8 or not).
pub fn is_yaml_name(name: &std::ffi::OsStr) -> bool {
    let b = name.as_encoded_bytes();
    !b.starts_with(b".") && (b.ends_with(b".yaml") || b.ends_with(b".yml"))
}

/// The text of a rule file or rule test file (`what`: "rule file", "test
/// file", as messages name it), with the checks of the module. `boundary`: the rule folder the file was found in (`None` for a
/// file named on the command line, which is read as named).
pub fn read_text(
    what: &str,
    p: &Path,
    boundary: Option<&Boundary>,
    max: usize,
) -> Result<String, Refused> {
    let shown = format!("{what} {}", pathname::show(p));
    let lmeta = fs::symlink_metadata(p).map_err(|e| {
        Refused(format!(
            "cannot read {shown}: {}",
            super::load::io_reason(&e)
        ))
    })?;
    let link = lmeta.file_type().is_symlink();
    if let Some(b) = boundary {
        if !b.contains(p) {
            let folder = pathname::show(&b.shown);
            let how = if link {
                format!(
                    "is a symbolic link that leads outside the rule folder {folder} (or nowhere)"
                )
            } else {
                format!("is reached through a symbolic link that leads outside the rule folder {folder}")
            };
            return Err(Refused(format!(
                "{shown} {how}; not read: a rule folder may link only to files inside it (see docs/security.md)"
            )));
        }
    }
    let meta = if link {
        fs::metadata(p).map_err(|e| {
            Refused(format!(
                "cannot read {shown}: {}",
                super::load::io_reason(&e)
            ))
        })?
    } else {
        lmeta
    };
    if meta.is_dir() {
        return Err(Refused(format!("{shown} is a folder, not a file")));
    }
    if !meta.is_file() {
        return Err(Refused(format!(
            "{shown} is not a regular file (a pipe, socket or device); not read"
        )));
    }
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking: were the file swapped for a FIFO after the check,
        // opening it does not wait for a writer. Not following a link the
        // check did not see.
        let nofollow = if link { 0 } else { libc::O_NOFOLLOW };
        opts.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let f = opts.open(p).map_err(|e| {
        Refused(format!(
            "cannot read {shown}: {}",
            super::load::io_reason(&e)
        ))
    })?;
    let is_file = f.metadata().is_ok_and(|m| m.is_file());
    if !is_file {
        return Err(Refused(format!(
            "{shown} is not a regular file (a pipe, socket or device); not read"
        )));
    }
    let mut bytes = Vec::new();
    f.take((max as u64).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e: io::Error| {
            Refused(format!(
                "cannot read {shown}: {}",
                super::load::io_reason(&e)
            ))
        })?;
    if bytes.len() > max {
        return Err(Refused(format!(
            "{shown} is more than the limit of {max} bytes (--max-rules-bytes)"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let col = valid.len() - valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
        Refused(format!(
            "{shown}:{line}:{col} is not UTF-8 text (an invalid byte there); save it as UTF-8"
        ))
    })
}
