//! Files the tool writes: always through a temporary file in the same
//! folder, fsync, then rename, so a reader (or a crash) sees either the old
//! content or the new, never a mix.
//!
//! Outputs named on the command line (`score --output`, `assess --out`,
//! `sample --out`) go through [`Output`], which looks at what the path is
//! first: a regular file or a new name is replaced atomically and made
//! private (0600); a symbolic link is followed and the file it points to is
//! replaced; a FIFO, a character or block device, or `/dev/stdout` and its
//! kin are written directly, never renamed over; a folder is refused. See
//! `docs/security.md` ("Output paths").

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Writes `bytes` to `path` atomically. A new file gets `new_mode` (e.g.
/// 0o600 for intake data); an existing file keeps its mode. For files the
/// tool writes on its own account (`rules fmt`); outputs holding intake
/// data use [`write_private`].
pub fn atomic_write(path: &Path, bytes: &[u8], new_mode: u32) -> io::Result<()> {
    let mut w = AtomicFile::create(path, new_mode)?;
    w.write_all(bytes)?;
    w.commit()
}

/// Writes `bytes` holding intake data to `path` as [`Output`] does: a
/// regular file is replaced atomically with mode 0600, a device or FIFO is
/// written directly. Errors name the path.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut w = Output::create(path)?;
    w.write_all(bytes)?;
    w.commit()
}

/// The longest part of the target's name kept in a temporary file's name.
/// `.NAME.tmp-PID-N` must itself be a legal name: file systems allow 255
/// bytes (some fewer), so a long target name is cut.
const TEMP_NAME_PART: usize = 64;

/// The start of the name of every temporary file written for a target
/// named `name`: `.` and at most the first 64 bytes of the name, then
/// `.tmp-`; the process id and a counter follow (`.NAME.tmp-PID-N`).
pub fn temp_prefix(name: &std::ffi::OsStr) -> OsString {
    let mut s = OsString::from(".");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let b = name.as_bytes();
        s.push(std::ffi::OsStr::from_bytes(
            &b[..b.len().min(TEMP_NAME_PART)],
        ));
    }
    #[cfg(not(unix))]
    {
        let part: String = name
            .to_string_lossy()
            .chars()
            .take(TEMP_NAME_PART)
            .collect();
        s.push(part);
    }
    s.push(".tmp-");
    s
}

/// Temporary files being written by this process, removed by the signal
/// handler (see [`remove_temporaries_on_signals`]).
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(p: &Path) {
    if let Ok(mut v) = TEMPORARIES.lock() {
        v.push(p.to_path_buf());
    }
}

fn unregister(p: &Path) {
    if let Ok(mut v) = TEMPORARIES.lock() {
        if let Some(i) = v.iter().rposition(|q| q == p) {
            v.swap_remove(i);
        }
    }
}

/// From now on SIGINT, SIGTERM and SIGHUP first remove every temporary
/// file this process is writing, then end the process as the signal would
/// have (same exit status). A signal the process was started ignoring
/// (`nohup`) stays ignored. Installed once; commands that write outputs
/// call it (`score --output`, `sample --out`), not the interview, which
/// handles those signals itself.
#[cfg(unix)]
pub fn remove_temporaries_on_signals() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
            .into_iter()
            .filter(|s| !ignored(*s))
            .collect();
        let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    // The lock is held to the end: no new temporary file
                    // can be started while the process goes.
                    let v = TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
                    for p in v.iter() {
                        let _ = fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    // Not reached for these signals; in case it is.
                    std::process::exit(128 + sig);
                }
            });
    });
}

#[cfg(not(unix))]
pub fn remove_temporaries_on_signals() {}

/// Whether `sig` is set to be ignored (as `nohup` does for SIGHUP).
#[cfg(unix)]
fn ignored(sig: i32) -> bool {
    // SAFETY: a null new action only reads the current one into `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// An error that names the path: `cannot write PATH: REASON`.
fn named(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("cannot write {}: {}", path.display(), reason(&e)),
    )
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => match e.raw_os_error() {
            // Without "(os error N)": the message is for people.
            Some(_) => {
                let s = e.to_string();
                s.split(" (os error").next().unwrap_or(&s).to_string()
            }
            None => e.to_string(),
        },
    }
}

/// An output named on the command line, looked at before anything is
/// written (see the module comment). Write to it, then
/// [`Output::commit`]; dropped without commit, a temporary file is removed
/// and a replaced file is left as it was.
pub struct Output {
    path: PathBuf,
    kind: OutSink,
}

enum OutSink {
    Atomic(AtomicFile),
    Direct(io::BufWriter<File>),
}

/// What an output path is, from `lstat` then `stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// No such file: created (atomically, 0600).
    New,
    /// A regular file, or a symlink to one (then the resolved path):
    /// replaced atomically, 0600.
    Regular(PathBuf),
    /// A FIFO, a character or block device, or a file descriptor
    /// (`/dev/stdout`, `/dev/fd/N`): written directly.
    Direct,
    /// Refused, with the reason (a folder, a socket, a dangling link).
    Refused(String),
}

/// Looks at `path` without opening it.
pub fn output_kind(path: &Path) -> io::Result<OutputKind> {
    if fd_number(path).is_some() {
        return Ok(OutputKind::Direct);
    }
    let link = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OutputKind::New),
        Err(e) => return Err(e),
    };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(OutputKind::Refused(
                "it is a symbolic link to a file that does not exist".into(),
            ))
        }
        Err(e) => return Err(e),
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return Ok(OutputKind::Refused(
            "it is a folder; give the name of a file".into(),
        ));
    }
    if ft.is_file() {
        let target = if link.file_type().is_symlink() {
            fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        return Ok(OutputKind::Regular(target));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_socket() {
            return Ok(OutputKind::Refused(
                "it is a socket, which cannot be opened as a file".into(),
            ));
        }
    }
    Ok(OutputKind::Direct)
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/stdin`, `/dev/fd/N` and
/// `/proc/self/fd/N`: the file descriptor they stand for.
fn fd_number(path: &Path) -> Option<i32> {
    let s = path.to_str()?;
    match s {
        "/dev/stdin" => return Some(0),
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let n = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"))?;
    n.parse::<i32>().ok().filter(|n| *n >= 0)
}

impl Output {
    /// Opens `path` for writing intake data: see [`OutputKind`]. A FIFO
    /// is opened here, which waits for a reader. Errors name the path.
    pub fn create(path: &Path) -> io::Result<Output> {
        let named_here = |e| named(path, e);
        let kind = match output_kind(path).map_err(named_here)? {
            OutputKind::New => {
                OutSink::Atomic(AtomicFile::with_mode(path, 0o600).map_err(named_here)?)
            }
            OutputKind::Regular(target) => {
                OutSink::Atomic(AtomicFile::with_mode(&target, 0o600).map_err(named_here)?)
            }
            OutputKind::Direct => OutSink::Direct(io::BufWriter::with_capacity(
                1 << 16,
                open_direct(path).map_err(named_here)?,
            )),
            OutputKind::Refused(why) => {
                return Err(io::Error::other(format!(
                    "cannot write {}: {why}",
                    path.display()
                )))
            }
        };
        Ok(Output {
            path: path.to_path_buf(),
            kind,
        })
    }

    /// Whether the output is written directly (a device, FIFO or file
    /// descriptor), so what is written is not held back until commit.
    pub fn is_direct(&self) -> bool {
        matches!(self.kind, OutSink::Direct(_))
    }

    /// Makes the output final: renames the temporary file over the target,
    /// or flushes a direct output. Errors name the path.
    pub fn commit(self) -> io::Result<()> {
        let path = self.path;
        match self.kind {
            OutSink::Atomic(f) => f.commit(),
            OutSink::Direct(mut w) => w.flush(),
        }
        .map_err(|e| named(&path, e))
    }
}

fn open_direct(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    if let Some(fd) = fd_number(path) {
        use std::os::unix::io::FromRawFd;
        // The descriptor itself, duplicated: its offset and append mode
        // are the shell's (`>>` appends), which opening the path again
        // would not keep.
        // SAFETY: dup returns a new descriptor we own, or -1.
        let d = unsafe { libc::dup(fd) };
        if d < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `d` is a fresh descriptor owned by nobody else.
        return Ok(unsafe { File::from_raw_fd(d) });
    }
    // Never created, truncated or renamed: written as it is.
    OpenOptions::new().write(true).open(path)
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            OutSink::Atomic(f) => f.write(buf),
            OutSink::Direct(w) => w.write(buf),
        }
        .map_err(|e| named(&self.path, e))
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            OutSink::Atomic(f) => f.flush(),
            OutSink::Direct(w) => w.flush(),
        }
        .map_err(|e| named(&self.path, e))
    }
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
    /// A new file gets `new_mode`; an existing one keeps its mode.
    pub fn create(path: &Path, new_mode: u32) -> io::Result<Self> {
        let mode = existing_mode(path).unwrap_or(new_mode);
        Self::with_mode(path, mode)
    }

    /// The file gets `mode`, whatever the mode of the file it replaces.
    pub fn with_mode(path: &Path, mode: u32) -> io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let prefix = temp_prefix(path.file_name().unwrap_or("output".as_ref()));
        let mut n = 0u32;
        loop {
            let mut name = prefix.clone();
            name.push(format!("{}-{n}", std::process::id()));
            let tmp = dir.join(name);
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(mode);
            }
            // Registered before it exists, so a signal cannot come between.
            register(&tmp);
            match opts.open(&tmp) {
                Ok(f) => {
                    let file = AtomicFile {
                        target: path.to_path_buf(),
                        tmp,
                        file: Some(io::BufWriter::with_capacity(1 << 16, f)),
                    };
                    #[cfg(unix)]
                    {
                        // The umask may have narrowed the mode; set it exactly.
                        use std::os::unix::fs::PermissionsExt;
                        if let Some(w) = &file.file {
                            w.get_ref()
                                .set_permissions(fs::Permissions::from_mode(mode))?;
                        }
                    }
                    return Ok(file);
                }
                Err(e) => {
                    unregister(&tmp);
                    match e.kind() {
                        io::ErrorKind::AlreadyExists if n < 1000 => n += 1,
                        _ => return Err(e),
                    }
                }
            }
        }
    }

    /// Flushes, fsyncs and renames over the target, then fsyncs the folder.
    pub fn commit(mut self) -> io::Result<()> {
        let w = self.file.take().expect("not committed twice");
        let result = (|| {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            drop(f);
            fs::rename(&self.tmp, &self.target)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        unregister(&self.tmp);
        result?;
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
            unregister(&self.tmp);
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
    fn temporary_names_stay_short() {
        let long = "x".repeat(250);
        let p = temp_prefix(std::ffi::OsStr::new(&long));
        assert_eq!(p.len(), 1 + TEMP_NAME_PART + ".tmp-".len());
        assert_eq!(
            temp_prefix(std::ffi::OsStr::new("a.yaml")),
            std::ffi::OsStr::new(".a.yaml.tmp-")
        );
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(&long[..246]);
        write_private(&target, b"data").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"data");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_is_refused_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = Output::create(dir.path()).err().expect("refused");
        assert!(e.to_string().contains(&dir.path().display().to_string()));
        assert!(e.to_string().contains("it is a folder"));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
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
