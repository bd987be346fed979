//! Files the tool writes: always through a temporary file in the same
//! folder, fsync, then rename, so a reader (or a crash) sees either the old
//! content or the new, never a mix.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. A new file gets `new_mode` (e.g.
/// 0o600 for intake data); an existing file keeps its mode.
pub fn atomic_write(path: &Path, bytes: &[u8], new_mode: u32) -> io::Result<()> {
    let mut w = AtomicFile::create(path, new_mode)?;
    w.write_all(bytes)?;
    w.commit()
}

/// A file being written atomically: write to it, then [`AtomicFile::commit`].
/// Dropped without commit, the temporary file is removed and the target is
/// untouched.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<io::BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(path: &Path, new_mode: u32) -> io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "output".into());
        let mode = existing_mode(path).unwrap_or(new_mode);
        let mut n = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(mode);
            }
            match opts.open(&tmp) {
                Ok(f) => {
                    #[cfg(unix)]
                    {
                        // The umask may have narrowed the mode; set it exactly.
                        use std::os::unix::fs::PermissionsExt;
                        f.set_permissions(fs::Permissions::from_mode(mode))?;
                    }
                    return Ok(AtomicFile {
                        target: path.to_path_buf(),
                        tmp,
                        file: Some(io::BufWriter::new(f)),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Flushes, fsyncs and renames over the target, then fsyncs the folder.
    pub fn commit(mut self) -> io::Result<()> {
        let w = self.file.take().expect("not committed twice");
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&self.tmp, &self.target)?;
        if let Some(dir) = self.target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("open").write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            self.file = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A file's bytes, at most one past `max` (enough to tell it is too big
/// without reading a huge file). Only regular files: a FIFO or a device
/// given by name would block or never end.
pub fn read_bounded(p: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // Checked before opening: opening a FIFO blocks until it has a writer.
    let meta = std::fs::metadata(p)?;
    if meta.is_dir() {
        return Err(std::io::Error::other("it is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let f = std::fs::File::open(p)?;
    let mut bytes = Vec::new();
    // Saturating: a limit of u64::MAX must not wrap to a read of nothing.
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    f.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A text file of at most `max` bytes (rule and test files); the errors
/// say which limit or what is wrong.
pub fn read_text_bounded(p: &Path, max: usize) -> std::io::Result<String> {
    let bytes = read_bounded(p, max)?;
    if bytes.len() > max {
        return Err(io::Error::other(format!(
            "the file is more than the limit of {max} bytes (--max-rules-bytes)"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("line {line} is not UTF-8 text; save the file as UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_file_with_mode_and_keeps_existing_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        atomic_write(&p, b"one", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
            atomic_write(&p, b"two", 0o600).unwrap();
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o640
            );
        }
        assert_eq!(fs::read(&p).unwrap(), b"two");
        // No temporary files left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_without_commit_leaves_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        atomic_write(&p, b"old", 0o600).unwrap();
        {
            let mut w = AtomicFile::create(&p, 0o600).unwrap();
            w.write_all(b"new").unwrap();
        }
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
