//! Walking a folder for intake files: depth first, in sorted order, each
//! folder entered once, with a record for whatever cannot be read.

use super::Input;
use crate::render::Failure;

use std::path::{Path, PathBuf};

fn is_intake_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Walks a folder depth first, in sorted order, into `out`: every intake
/// file (a regular file, or a record saying why it is not read) and a
/// record for each folder that cannot be listed. Links are followed; each
/// folder is entered once, known by its device and inode (a set, so the
/// walk is linear in the number of folders however deep or wide, and a
/// link loop ends).
pub(super) fn walk(root: &Path, out: &mut Vec<Input>) {
    let mut visited = std::collections::HashSet::new();
    if let Ok(m) = std::fs::metadata(root) {
        visited.insert(folder_key(root, &m));
    }
    let mut stack: Vec<std::vec::IntoIter<Entry>> = Vec::new();
    if let Some(entries) = list_folder(root, out) {
        stack.push(entries.into_iter());
    }
    while let Some(top) = stack.last_mut() {
        let Some(e) = top.next() else {
            stack.pop();
            continue;
        };
        let broken = |p: &Path, message: String| {
            Input::Broken(Failure {
                id: None,
                source: crate::pathname::show(p),
                code: "io".into(),
                message,
                line: None,
                column: None,
            })
        };
        // The entry's own type needs no system call; a link is followed.
        let meta = match e.kind {
            Some(t) if t.is_dir() => e.dir_meta.map_err(|_| ()),
            Some(t) if t.is_file() => {
                if is_intake_file(&e.path) {
                    out.push(Input::File(e.path));
                }
                continue;
            }
            _ => std::fs::metadata(&e.path).map_err(|err| {
                if is_intake_file(&e.path) {
                    out.push(broken(
                        &e.path,
                        format!("cannot read file: {}", crate::rules::load::io_reason(&err)),
                    ));
                }
            }),
        };
        let Ok(meta) = meta else { continue };
        if meta.is_dir() {
            if visited.insert(folder_key(&e.path, &meta)) {
                if let Some(entries) = list_folder(&e.path, out) {
                    stack.push(entries.into_iter());
                }
            }
        } else if is_intake_file(&e.path) {
            // Every matching name is accounted for. Regular files only are
            // read: a FIFO or device would block the run.
            if meta.is_file() {
                out.push(Input::File(e.path));
            } else {
                out.push(broken(
                    &e.path,
                    "not a regular file (a pipe, socket or device); not read".into(),
                ));
            }
        }
    }
}

/// An entry of a folder being walked.
struct Entry {
    path: PathBuf,
    /// Its type as the folder listing gives it (a link is a link).
    kind: Option<std::fs::FileType>,
    /// For a folder: its metadata, read relative to the open folder.
    dir_meta: std::io::Result<std::fs::Metadata>,
}

/// A folder's entries sorted by name, or `None` (and a record) when it
/// cannot be listed.
fn list_folder(dir: &Path, out: &mut Vec<Input>) -> Option<Vec<Entry>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Input::Broken(Failure {
                id: None,
                source: crate::pathname::show(dir),
                code: "io".into(),
                message: format!("cannot read folder: {}", crate::rules::load::io_reason(&e)),
                line: None,
                column: None,
            }));
            return None;
        }
    };
    let mut entries: Vec<Entry> = rd
        .filter_map(|e| e.ok())
        .map(|e| {
            let kind = e.file_type().ok();
            let dir_meta = match kind {
                Some(t) if t.is_dir() => e.metadata(),
                _ => Err(std::io::ErrorKind::Other.into()),
            };
            Entry {
                path: e.path(),
                kind,
                dir_meta,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Some(entries)
}

/// What identifies a folder however it is reached: device and inode.
#[cfg(unix)]
fn folder_key(_: &Path, m: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn folder_key(p: &Path, _: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    (
        0,
        0,
        std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()),
    )
}
