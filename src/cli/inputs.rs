//! Turning command-line paths into intake records: files, folders
//! (recursive), and `-` for JSON Lines on stdin. Every input becomes
//! exactly one record.

use crate::engine;
use crate::intake::{self, IntakeError};
use crate::render::{Failure, Record, Scored};
use crate::rules::RuleSet;
use crate::yaml::Limits;

use std::path::{Path, PathBuf};

/// One input to score.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    /// A line of standard input: its number and text.
    Line(usize, String),
    /// An input that failed before it could be read (a folder that cannot
    /// be listed).
    Broken(Failure),
}

fn is_intake_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Inputs read together ([`InputStream::next_batch`]): lines of standard
/// input share one buffer, so reading them costs one allocation per batch.
pub struct Batch {
    text: Vec<u8>,
    pub items: Vec<Item>,
}

/// One input of a [`Batch`].
pub enum Item {
    Input(Input),
    /// A line of standard input: its number and where it is in the
    /// batch's buffer (without its line break).
    Line(usize, std::ops::Range<usize>),
}

impl Batch {
    /// Reads and scores one of the batch's inputs.
    pub fn score(&self, rs: &RuleSet, item: &Item, limits: &Limits) -> Record {
        match item {
            Item::Input(input) => score_input(rs, input, limits),
            Item::Line(n, range) => match line_text(*n, &self.text[range.clone()]) {
                Ok(text) => score_text(
                    rs,
                    limits,
                    format!("stdin:{n}"),
                    text,
                    *n as u32 - 1,
                    Placements::Check,
                ),
                Err(f) => Record::Failed(f),
            },
        }
    }
}

/// A line of standard input as text, or why it is not.
fn line_text(n: usize, bytes: &[u8]) -> Result<&str, Failure> {
    std::str::from_utf8(bytes).map_err(|e| Failure {
        source: format!("stdin:{n}"),
        code: "intake-encoding".into(),
        message: "line is not UTF-8 text".into(),
        line: Some(n as u32),
        column: Some(e.valid_up_to() as u32 + 1),
    })
}

/// The inputs of a run, in order: files as given, folders recursively in
/// sorted order, `-` as the lines of standard input, read as they are
/// needed so that memory does not grow with their number.
pub struct InputStream {
    pending: std::collections::VecDeque<Pending>,
    stdin: Option<StdinLines>,
    has_stdin: bool,
    /// The longest line read from standard input (`Limits::max_bytes`).
    max_line: usize,
    /// Inputs of the last batch not yet given out by the iterator.
    ready: std::collections::VecDeque<Input>,
}

enum Pending {
    Input(Input),
    Stdin,
}

/// Standard input being read as JSON Lines.
struct StdinLines {
    /// The start of a line that the last batch did not finish.
    carry: Vec<u8>,
    /// Lines read so far.
    line_no: usize,
    done: bool,
}

/// A batch of standard input holds at most this many bytes (unless one
/// line is longer), read this many at a time.
const BATCH_BYTES: usize = 1 << 20;
const READ_BYTES: usize = 1 << 18;

impl InputStream {
    pub fn new(paths: &[PathBuf], limits: &Limits) -> Self {
        let mut pending = std::collections::VecDeque::new();
        let mut has_stdin = false;
        for p in paths {
            if p.as_os_str() == "-" {
                pending.push_back(Pending::Stdin);
                has_stdin = true;
            } else if p.is_dir() {
                let mut found = Vec::new();
                walk(p, &mut found);
                pending.extend(found.into_iter().map(Pending::Input));
            } else {
                pending.push_back(Pending::Input(Input::File(p.clone())));
            }
        }
        InputStream {
            pending,
            stdin: None,
            has_stdin,
            max_line: limits.max_bytes,
            ready: Default::default(),
        }
    }

    /// How many inputs there are, when known in advance (no stdin).
    pub fn known_total(&self) -> Option<usize> {
        (!self.has_stdin).then_some(self.pending.len())
    }

    /// The next inputs, at most `max` of them; `None` at the end.
    pub fn next_batch(&mut self, max: usize) -> Option<Batch> {
        let mut batch = Batch {
            text: Vec::new(),
            items: Vec::new(),
        };
        while batch.items.len() < max {
            if let Some(stdin) = &mut self.stdin {
                if !batch.items.is_empty() {
                    // Lines start a batch of their own.
                    break;
                }
                batch = stdin.read_batch(max, self.max_line);
                if stdin.done {
                    self.stdin = None;
                }
                if batch.items.is_empty() {
                    continue;
                }
                break;
            }
            match self.pending.pop_front() {
                None => break,
                Some(Pending::Input(i)) => batch.items.push(Item::Input(i)),
                Some(Pending::Stdin) => {
                    self.stdin = Some(StdinLines {
                        carry: Vec::new(),
                        line_no: 0,
                        done: false,
                    })
                }
            }
        }
        (!batch.items.is_empty()).then_some(batch)
    }
}

impl StdinLines {
    /// Reads up to `max` non-blank lines. A line longer than `max_line`
    /// bytes is an error record, and only what is needed to find its end
    /// is kept in memory.
    fn read_batch(&mut self, max: usize, max_line: usize) -> Batch {
        let mut text = std::mem::take(&mut self.carry);
        let mut items = Vec::new();
        let mut start = 0;
        let mut scanned = 0;
        let mut stdin = std::io::stdin().lock();
        loop {
            // Every whole line in the buffer.
            while items.len() < max {
                let Some(i) = memchr::memchr(b'\n', &text[start + scanned..]) else {
                    scanned = text.len() - start;
                    break;
                };
                let end = start + scanned + i;
                self.line(&text, start, end, true, max_line, &mut items);
                start = end + 1;
                scanned = 0;
            }
            if items.len() >= max || (text.len() >= BATCH_BYTES && !items.is_empty()) {
                break;
            }
            if self.done {
                if start < text.len() {
                    self.line(&text, start, text.len(), false, max_line, &mut items);
                    start = text.len();
                }
                break;
            }
            if text.len() - start > max_line {
                // Too long: skip to its end, keeping nothing of it.
                let mut len = text.len() - start;
                text.truncate(start);
                self.line_no += 1;
                let mut chunk = vec![0u8; READ_BYTES];
                let mut error = None;
                loop {
                    match read_some(&mut stdin, &mut chunk) {
                        Ok(0) => {
                            self.done = true;
                            break;
                        }
                        Ok(n) => match memchr::memchr(b'\n', &chunk[..n]) {
                            Some(i) => {
                                len += i + 1;
                                text.extend_from_slice(&chunk[i + 1..n]);
                                break;
                            }
                            None => len += n,
                        },
                        Err(e) => {
                            error = Some(stdin_error(&e));
                            self.done = true;
                            break;
                        }
                    }
                }
                items.push(too_long(self.line_no, len, max_line));
                items.extend(error.map(Item::Input));
                scanned = 0;
                continue;
            }
            if items.is_empty() && start > 0 {
                // Only blank lines so far: drop them.
                text.drain(..start);
                start = 0;
            }
            // Read more.
            let filled = text.len();
            text.resize(filled + READ_BYTES, 0);
            match read_some(&mut stdin, &mut text[filled..]) {
                Ok(n) => {
                    text.truncate(filled + n);
                    self.done = n == 0;
                }
                Err(e) => {
                    text.truncate(filled);
                    items.push(Item::Input(stdin_error(&e)));
                    self.done = true;
                }
            }
        }
        self.carry = text[start..].to_vec();
        text.truncate(start);
        Batch { text, items }
    }

    /// Takes the line `text[start..end]` (ended by a line break when
    /// `newline`): blank lines are skipped, over-long ones are errors.
    fn line(
        &mut self,
        text: &[u8],
        start: usize,
        mut end: usize,
        newline: bool,
        max_line: usize,
        items: &mut Vec<Item>,
    ) {
        self.line_no += 1;
        let n = self.line_no;
        if end - start > max_line {
            items.push(too_long(n, end - start + usize::from(newline), max_line));
            return;
        }
        if newline && end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        if !text[start..end].iter().all(|b| b.is_ascii_whitespace()) {
            items.push(Item::Line(n, start..end));
        }
    }
}

/// The record for line `n` of standard input, `len` bytes long with its
/// line break, over the limit.
fn too_long(n: usize, len: usize, max_line: usize) -> Item {
    Item::Input(Input::Broken(Failure {
        source: format!("stdin:{n}"),
        code: "intake-limit".into(),
        message: format!(
            "line is {len} bytes, more than the limit of {max_line} bytes (--max-intake-bytes)"
        ),
        line: Some(n as u32),
        column: None,
    }))
}

fn read_some(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn stdin_error(e: &std::io::Error) -> Input {
    Input::Broken(Failure {
        source: "stdin".into(),
        code: "io".into(),
        message: format!(
            "cannot read standard input: {}",
            crate::rules::load::io_reason(e)
        ),
        line: None,
        column: None,
    })
}

impl Iterator for InputStream {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some(i) = self.ready.pop_front() {
                return Some(i);
            }
            let batch = self.next_batch(1024)?;
            for item in batch.items {
                self.ready.push_back(match item {
                    Item::Input(i) => i,
                    Item::Line(n, range) => match line_text(n, &batch.text[range]) {
                        Ok(text) => Input::Line(n, text.to_string()),
                        Err(f) => Input::Broken(f),
                    },
                });
            }
        }
    }
}

/// All inputs at once (for small runs and tests).
pub fn expand(paths: &[PathBuf], limits: &Limits) -> Vec<Input> {
    InputStream::new(paths, limits).collect()
}

/// Walks a folder depth first, in sorted order, into `out`: every intake
/// file (a regular file, or a record saying why it is not read) and a
/// record for each folder that cannot be listed. Links are followed; each
/// folder is entered once, known by its device and inode (a set, so the
/// walk is linear in the number of folders however deep or wide, and a
/// link loop ends).
fn walk(root: &Path, out: &mut Vec<Input>) {
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

/// Whether a scored intake's placement is checked against the
/// recommendation (an override needs a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placements {
    Check,
    /// Not checked: the intake is scored under a rule set other than the
    /// one its placement was made with (`rules diff`, NEW).
    Ignore,
}

/// Reads and scores one input; `limits` bounds what is read.
pub fn score_input(rs: &RuleSet, input: &Input, limits: &Limits) -> Record {
    score_input_with(rs, input, limits, Placements::Check)
}

/// [`score_input`], saying whether placements are checked.
pub fn score_input_with(
    rs: &RuleSet,
    input: &Input,
    limits: &Limits,
    placements: Placements,
) -> Record {
    match input {
        Input::Broken(f) => Record::Failed(f.clone()),
        Input::File(p) => {
            // Exact, escaped where the name is not UTF-8: two files never
            // share a source.
            let source = crate::pathname::show(p);
            let bytes = match crate::fsutil::read_bounded(p, limits.max_bytes) {
                Ok(b) => b,
                Err(e) => {
                    return Record::Failed(Failure {
                        source,
                        code: "io".into(),
                        message: format!("cannot read file: {}", crate::rules::load::io_reason(&e)),
                        line: None,
                        column: None,
                    })
                }
            };
            score_bytes_with(rs, limits, source, &bytes, 0, placements)
        }
        Input::Line(n, text) => score_text(
            rs,
            limits,
            format!("stdin:{n}"),
            text,
            *n as u32 - 1,
            placements,
        ),
    }
}

/// Scores the bytes of one intake; `line_offset` is added to reported lines
/// (for stdin).
pub fn score_bytes(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    bytes: &[u8],
    line_offset: u32,
) -> Record {
    score_bytes_with(rs, limits, source, bytes, line_offset, Placements::Check)
}

fn score_bytes_with(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    bytes: &[u8],
    line_offset: u32,
    placements: Placements,
) -> Record {
    let fail = |code: &str, message: String, line: Option<u32>, column: Option<u32>| {
        failed(source.clone(), code, message, line, column)
    };
    if bytes.len() > limits.max_bytes {
        return fail(
            "intake-limit",
            format!(
                "file is more than the limit of {} bytes (--max-intake-bytes)",
                limits.max_bytes
            ),
            None,
            None,
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = (valid.len()
                - valid
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map(|i| i + 1)
                    .unwrap_or(0)) as u32
                + 1;
            return fail(
                "intake-encoding",
                "file is not UTF-8 text; save it as UTF-8".into(),
                Some(line + line_offset),
                Some(col),
            );
        }
    };
    score_text(rs, limits, source, text, line_offset, placements)
}

/// Scores the text of one intake (see [`score_bytes`]).
fn score_text(
    rs: &RuleSet,
    limits: &Limits,
    source: String,
    text: &str,
    line_offset: u32,
    placements: Placements,
) -> Record {
    let record = |intake| {
        let at = Place {
            text,
            line_offset,
            limits,
        };
        scored(rs, source.clone(), intake, placements, &at)
    };
    let looks_json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if looks_json {
        if let Some(intake) = crate::intake::fast::parse(text, rs, limits) {
            return record(intake);
        }
    }
    match intake::parse(text, rs, limits) {
        Err(IntakeError { first, count }) => {
            let e = IntakeError { first, count };
            let known = e.first.span.is_known();
            failed(
                source,
                e.first.code,
                e.message(),
                known.then_some(e.first.span.line + line_offset),
                known.then_some(e.first.span.col),
            )
        }
        Ok(intake) => record(intake),
    }
}

/// The text an intake was read from, to find where its fields are.
struct Place<'a> {
    text: &'a str,
    line_offset: u32,
    limits: &'a Limits,
}

impl Place<'_> {
    /// The line and column of the intake's `placement` key, or of the
    /// value of its `reason`.
    fn placement(&self, reason: bool) -> (Option<u32>, Option<u32>) {
        let text = self.text.strip_prefix('\u{feff}').unwrap_or(self.text);
        let Ok(root) = crate::yaml::parse(text, 0, self.limits) else {
            return (None, None);
        };
        let get = |n: &crate::yaml::Node, key: &str| match &n.kind {
            crate::yaml::Kind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v.span),
            _ => None,
        };
        let found = match &root.kind {
            crate::yaml::Kind::Map(pairs) => {
                pairs.iter().find(|(k, _)| k.as_str() == Some("placement"))
            }
            _ => None,
        };
        let span = found.map(|(k, v)| match reason {
            true => get(v, "reason").unwrap_or(k.span),
            false => k.span,
        });
        match span.filter(|s| s.is_known()) {
            Some(s) => (Some(s.line + self.line_offset), Some(s.col)),
            None => (None, None),
        }
    }
}

fn failed(
    source: String,
    code: &str,
    message: String,
    line: Option<u32>,
    column: Option<u32>,
) -> Record {
    Record::Failed(Failure {
        source,
        code: code.into(),
        message,
        line,
        column,
    })
}

fn scored(
    rs: &RuleSet,
    source: String,
    intake: intake::Intake,
    placements: Placements,
    at: &Place,
) -> Record {
    let assessment = engine::score(rs, &intake);
    if let Some(&x) = assessment.excluded.first() {
        return Record::Failed(Failure {
            source,
            code: "excluded".into(),
            message: rs.exclusions[x].message.clone(),
            line: None,
            column: None,
        });
    }
    let s = Scored {
        source,
        intake,
        assessment,
    };
    if placements == Placements::Check {
        if let Some((code, message, reason)) = s.placement_problem(rs) {
            let (line, column) = at.placement(reason);
            return failed(s.source, code, message, line, column);
        }
    }
    Record::Scored(Box::new(s))
}
