//! `placement score`: score saved intakes, from one file to millions of
//! JSON Lines. Inputs are read and scored in parallel batches; results are
//! written in input order as they come, so memory does not grow with the
//! number of intakes.

use super::inputs::{stream::InputStream, Batch};
use super::{CmdResult, Failure, Globals};
use crate::engine::Warning;
use crate::fsutil::Output;
use crate::render::{self, table::Style, Record};
use crate::rules::model::FlagSeverity;
use crate::rules::RuleSet;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Intake files, folders of them (searched recursively for *.yaml,
    /// *.yml, *.json), or `-` for JSON Lines on standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format (default: `table` on a terminal, `jsonl` otherwise).
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,

    /// Write results to FILE (atomically, readable by the owner only)
    /// instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Stop at the first input that cannot be scored.
    #[arg(long)]
    pub fail_fast: bool,

    /// Print a summary table on stderr (default: when stderr is a terminal).
    #[arg(long, overrides_with = "no_summary")]
    pub summary: bool,

    /// Never print the summary.
    #[arg(long)]
    pub no_summary: bool,

    /// Worker threads, from 1 to 4 per core (default: one per core).
    #[arg(long, value_name = "N", value_parser = super::parse_threads)]
    pub threads: Option<usize>,
}

/// What the summary counts about one record.
#[derive(Debug, Clone, Default)]
struct Tally {
    level: Option<usize>,
    incomplete: bool,
    critical: bool,
    /// Answers that contradict each other (a warning-level check, or an
    /// answer outside its `options_from` source).
    contradiction: bool,
    /// An error record because an exclusion holds.
    excluded: bool,
    /// The reason of an override (a scored override always has one).
    override_reason: Option<usize>,
    error: bool,
}

fn tally(rs: &RuleSet, rec: &Record) -> Tally {
    match rec {
        Record::Failed(f) => Tally {
            error: true,
            excluded: f.code == "excluded",
            ..Tally::default()
        },
        Record::Scored(s) => {
            Tally {
                level: Some(s.assessment.level),
                incomplete: !s.assessment.complete(),
                critical: s
                    .assessment
                    .flags
                    .iter()
                    .any(|&i| rs.flags[i].severity == FlagSeverity::Critical),
                contradiction: s.assessment.warnings.iter().any(|w| {
                    matches!(w, Warning::Contradiction(_) | Warning::NotFromSource { .. })
                }),
                excluded: false,
                override_reason: if s.overridden() {
                    s.intake.placement.as_ref().and_then(|p| p.reason)
                } else {
                    None
                },
                error: false,
            }
        }
    }
}

/// Renders one record in the chosen format.
fn render_one(
    rs: &RuleSet,
    cache: &render::json::Cache,
    rec: &Record,
    format: Format,
    style: Style,
    out: &mut Vec<u8>,
) {
    match format {
        Format::Table => {
            out.extend_from_slice(render::table::record(rs, rec, style).as_bytes());
            out.push(b'\n');
        }
        Format::Jsonl | Format::Json => render::json::write_record(rs, cache, rec, out),
        Format::Markdown => out.extend_from_slice(render::markdown::record(rs, rec).as_bytes()),
        Format::Csv => out.extend_from_slice(&render::csv::line(render::csv::row(rs, rec))),
    }
}

/// Inputs per batch: enough to keep a worker busy for a few milliseconds,
/// few enough that small runs still spread over the workers.
const BATCH: usize = 256;

/// What the main thread hears: a batch read, a batch scored, the end of
/// the input.
enum Event {
    Read(Batch),
    Scored(usize, Scored),
    End,
}

/// One batch rendered: the bytes of its records, one after another, and
/// for each record where it ends, its tally and its error line.
struct Scored {
    bytes: Vec<u8>,
    records: Vec<(usize, Tally, Option<String>)>,
}

pub fn run(g: &Globals, args: ScoreArgs) -> CmdResult {
    let start = Instant::now();
    // The output is looked at (and a folder or socket refused) before any
    // work; a FIFO is opened here, which waits for its reader.
    let output = super::open_output(args.output.as_deref())?;
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Jsonl
    });
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let style = Style {
        color: g.color_stdout && args.output.is_none(),
        // A table on a terminal fits its width.
        width: to_terminal
            .then(|| crossterm::terminal::size().ok().map(|s| s.0))
            .flatten(),
    };
    let show_summary = !args.no_summary && (args.summary || std::io::stderr().is_terminal());

    // `--threads` is range-checked by clap (1 to 4 per core).
    let workers = args.threads.unwrap_or_else(super::available_cores);

    let mut sink = match output {
        Some(o) => Sink::File(o),
        None => Sink::Stdout(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        )),
    };
    let mut stream = InputStream::new(&args.paths, &g.intake_limits);
    let progress = Progress::new(stream.known_total());

    let mut header = Vec::new();
    match format {
        Format::Csv => header.extend_from_slice(&render::csv::line(render::csv::header(rs))),
        Format::Json => header.extend_from_slice(b"["),
        _ => {}
    }
    sink.write_all(&header)?;

    let cache = render::json::Cache::new(rs);
    let limits = g.intake_limits;
    // Output buffers the writer is done with, for the next batches: a
    // fresh one each time would be paged in again (batches of records
    // with many possible flags are megabytes).
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let process = |batch: Batch| -> Scored {
        let bytes = spare.lock().ok().and_then(|mut s| s.pop());
        let mut out = Scored {
            bytes: bytes.unwrap_or_else(|| Vec::with_capacity(batch.items.len() * 4096)),
            records: Vec::with_capacity(batch.items.len()),
        };
        for rec in batch
            .items
            .iter()
            .flat_map(|item| batch.score(rs, item, &limits))
        {
            render_one(rs, &cache, &rec, format, style, &mut out.bytes);
            if format == Format::Jsonl {
                // One line per record: the writer writes a batch at once.
                out.bytes.push(b'\n');
            }
            let err = match &rec {
                Record::Failed(f) if format != Format::Table => {
                    Some(render::table::failure(f).trim_end().to_string())
                }
                _ => None,
            };
            out.records.push((out.bytes.len(), tally(rs, &rec), err));
            if out.records.len() == 1 {
                // Room for the batch at the first record's size, so the
                // buffer is not copied as it grows.
                out.bytes.reserve(out.bytes.len() * batch.items.len());
            }
        }
        out
    };

    // A reader thread reads batches ahead, worker threads score them, and
    // this thread writes the results in input order. At most `ahead`
    // batches are read and not yet written, so memory stays flat. Threads
    // that wait block (no spinning), so the reader always gets a core. The
    // reader is not joined: if the run stops early (--fail-fast) it may be
    // waiting on standard input, and it ends with the process.
    let ahead = 2 * workers + 2;
    let (events, inbox) = mpsc::channel::<Event>();
    let (room, wait_for_room) = mpsc::sync_channel::<()>(ahead);
    for _ in 0..ahead {
        let _ = room.send(());
    }
    let reader_events = events.clone();
    std::thread::spawn(move || {
        while wait_for_room.recv().is_ok() {
            let event = match stream.next_batch(BATCH) {
                Some(batch) => Event::Read(batch),
                None => Event::End,
            };
            let end = matches!(event, Event::End);
            if reader_events.send(event).is_err() || end {
                return;
            }
        }
    });

    let mut counts = Counts::new(rs);
    let mut total = 0usize;
    let mut stopped = false;
    let (jobs, queue) = mpsc::channel::<(usize, Batch)>();
    let queue = Mutex::new(queue);
    let stop = AtomicBool::new(false);
    let outcome = std::thread::scope(|scope| -> std::io::Result<()> {
        for _ in 0..workers {
            let (events, queue, process, stop) = (events.clone(), &queue, &process, &stop);
            scope.spawn(move || {
                while let Some((seq, batch)) = queue.lock().ok().and_then(|q| q.recv().ok()) {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if events.send(Event::Scored(seq, process(batch))).is_err() {
                        return;
                    }
                }
            });
        }
        let mut write = || -> std::io::Result<()> {
            let (mut read, mut written, mut ended) = (0usize, 0usize, false);
            let mut done: std::collections::BTreeMap<usize, Scored> = Default::default();
            while !(ended && written == read) {
                match inbox.recv() {
                    Ok(Event::Read(batch)) => {
                        let _ = jobs.send((read, batch));
                        read += 1;
                    }
                    Ok(Event::End) | Err(_) => ended = true,
                    Ok(Event::Scored(seq, scored)) => {
                        done.insert(seq, scored);
                        while let Some(scored) = done.remove(&written) {
                            written += 1;
                            let _ = room.send(());
                            // JSON Lines records end in their newline, so a
                            // batch goes out in one write, up to the first
                            // error with --fail-fast.
                            let mut from = 0;
                            let mut cut = 0;
                            for (end, t, err) in scored.records {
                                if format == Format::Json {
                                    sink.write_all(if total == 0 { b"\n" } else { b",\n" })?;
                                }
                                if format != Format::Jsonl {
                                    sink.write_all(&scored.bytes[from..end])?;
                                }
                                from = end;
                                cut = end;
                                total += 1;
                                if let Some(e) = err {
                                    // Errors also go to stderr so they are seen when stdout is piped.
                                    progress.println(&e);
                                }
                                counts.add(&t);
                                if t.error && args.fail_fast {
                                    stopped = true;
                                    break;
                                }
                            }
                            if format == Format::Jsonl {
                                sink.write_all(&scored.bytes[..cut])?;
                            }
                            if stopped {
                                return Ok(());
                            }
                            progress.set(total);
                            let mut bytes = scored.bytes;
                            bytes.clear();
                            if let Ok(mut s) = spare.lock() {
                                s.push(bytes);
                            }
                        }
                    }
                }
            }
            Ok(())
        };
        let result = write();
        // The workers finish the batch they hold and stop.
        stop.store(true, Ordering::Relaxed);
        drop(jobs);
        result
    });
    outcome?;
    if format == Format::Json {
        sink.write_all(if total == 0 { b"]\n" } else { b"\n]\n" })?;
    }
    // A run that scored nothing leaves an existing --output file as it was.
    sink.finish(total > 0)?;
    progress.finish();
    if total == 0 {
        return Err(Failure::usage(
            "no intake files found in the given paths (looked for *.yaml, *.yml, *.json)",
        ));
    }
    if show_summary {
        super::eprintln_safe(&counts.table(rs, start.elapsed()));
    }
    if counts.errors > 0 {
        let what = if stopped {
            " (stopped at the first, --fail-fast)"
        } else {
            ""
        };
        super::eprintln_safe(&format!(
            "{} of {} input(s) could not be scored{what}",
            counts.errors, total
        ));
        Ok(1)
    } else {
        Ok(0)
    }
}

/// Where results go: standard output, or `--output` (a file written
/// atomically, or a device or FIFO written directly).
enum Sink<'a> {
    Stdout(std::io::BufWriter<std::io::StdoutLock<'a>>),
    File(Output),
}

impl Sink<'_> {
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(b).map_err(super::stdout_error),
            Sink::File(f) => f.write_all(b),
        }
    }

    /// Flushes; an output file is committed only if `commit` (dropped
    /// uncommitted, its temporary file is removed).
    fn finish(self, commit: bool) -> std::io::Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(super::stdout_error),
            Sink::File(f) if commit || f.is_direct() => f.commit(),
            Sink::File(_) => Ok(()),
        }
    }
}

/// Running counts for the summary.
struct Counts {
    levels: Vec<usize>,
    incomplete: usize,
    critical: usize,
    contradictions: usize,
    excluded: usize,
    overrides: Vec<usize>,
    errors: usize,
    total: usize,
}

impl Counts {
    fn new(rs: &RuleSet) -> Self {
        Counts {
            levels: vec![0; rs.levels.len()],
            incomplete: 0,
            critical: 0,
            contradictions: 0,
            excluded: 0,
            overrides: vec![0; rs.override_reasons.len()],
            errors: 0,
            total: 0,
        }
    }

    fn add(&mut self, t: &Tally) {
        self.total += 1;
        if t.error {
            self.errors += 1;
        }
        if let Some(l) = t.level {
            self.levels[l] += 1;
        }
        self.incomplete += usize::from(t.incomplete);
        self.critical += usize::from(t.critical);
        self.contradictions += usize::from(t.contradiction);
        self.excluded += usize::from(t.excluded);
        if let Some(r) = t.override_reason {
            self.overrides[r] += 1;
        }
    }

    fn table(&self, rs: &RuleSet, elapsed: Duration) -> String {
        use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED).force_no_tty();
        t.set_header(vec!["Summary", "Count"]);
        for (l, n) in rs.levels.iter().zip(&self.levels) {
            t.add_row(vec![format!("level {}", l.id), n.to_string()]);
        }
        t.add_row(vec!["incomplete".to_string(), self.incomplete.to_string()]);
        t.add_row(vec![
            "with critical flags".to_string(),
            self.critical.to_string(),
        ]);
        t.add_row(vec![
            "with contradictions".to_string(),
            self.contradictions.to_string(),
        ]);
        for (r, n) in rs.override_reasons.iter().zip(&self.overrides) {
            if *n > 0 {
                t.add_row(vec![format!("override: {}", r.id), n.to_string()]);
            }
        }
        t.add_row(vec![
            "excluded (errors)".to_string(),
            self.excluded.to_string(),
        ]);
        t.add_row(vec!["errors".to_string(), self.errors.to_string()]);
        t.add_row(vec!["total".to_string(), self.total.to_string()]);
        let secs = elapsed.as_secs_f64();
        t.add_row(vec!["elapsed".to_string(), format!("{secs:.2} s")]);
        let rate = if secs > 0.0 {
            self.total as f64 / secs
        } else {
            0.0
        };
        t.add_row(vec!["intakes per second".to_string(), format!("{rate:.0}")]);
        t.to_string()
    }
}

/// A progress bar on stderr when it is a terminal and the run takes more
/// than a moment; nothing at all otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
}

impl Progress {
    fn new(total: Option<usize>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = match total {
                Some(n) => indicatif::ProgressBar::with_draw_target(
                    Some(n as u64),
                    indicatif::ProgressDrawTarget::hidden(),
                ),
                None => indicatif::ProgressBar::with_draw_target(
                    None,
                    indicatif::ProgressDrawTarget::hidden(),
                ),
            };
            let style = if total.is_some() {
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} intakes ({per_sec}, {eta} left)",
                )
            } else {
                indicatif::ProgressStyle::with_template("{spinner} {pos} intakes ({per_sec})")
            };
            if let Ok(s) = style {
                bar.set_style(s);
            }
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
        }
    }

    fn set(&self, n: usize) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && self.start.elapsed() > Duration::from_millis(500) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_position(n as u64);
        }
    }

    fn println(&self, s: &str) {
        match &self.bar {
            Some(bar) if !bar.is_hidden() => bar.println(s),
            _ => super::eprintln_safe(s),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
