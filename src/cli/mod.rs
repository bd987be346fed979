//! The command-line interface: argument definitions and one module per
//! command. This is the only part of the crate that prints.

pub mod assess;
pub mod convert;
pub mod explain;
pub mod history;
pub mod inputs;
pub mod report;
pub mod rules_cmd;
pub mod sample;
pub mod score;

use crate::diag::Severity;
use crate::rules::{load_default, load_path, LoadError, Loaded};
use crate::yaml::Limits;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Level-of-care placement: interactive intake, explainable scoring against
/// YAML rule files, and rule-set checks for CI.
///
/// Exit codes: 0 success (also when the reader of standard output goes
/// away, as with `| head`); 1 findings (an intake could not be scored, a
/// rule check found errors, a rule test failed); 2 could not run (bad
/// arguments, unreadable or invalid rule set, I/O error, standard output
/// closed or full).
#[derive(Debug, Parser)]
#[command(name = "placement", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Rule set to use: a YAML file or a folder of them (default: the
    /// embedded default rule set).
    #[arg(long, global = true, value_name = "PATH")]
    pub rules: Option<PathBuf>,

    /// When to use colour (NO_COLOR is honoured under `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Largest rule file accepted, in bytes (1 to 1073741824).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::RULES.max_bytes,
          value_parser = byte_limit())]
    pub max_rules_bytes: usize,

    /// Largest intake file (or line of JSON Lines on stdin) accepted, in
    /// bytes (1 to 1073741824).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::INTAKE.max_bytes,
          value_parser = byte_limit())]
    pub max_intake_bytes: usize,

    #[command(subcommand)]
    pub command: Command,
}

/// The largest value `--max-intake-bytes` and `--max-rules-bytes` take:
/// 1 GiB. A file is read whole (to one byte past the limit), so a larger
/// limit would only let one file take more memory than a run should.
pub const MAX_BYTE_LIMIT: usize = 1 << 30;

fn byte_limit() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_BYTE_LIMIT as u64)
}

/// The most worker threads `--threads` accepts, per available core.
pub const THREADS_PER_CORE: usize = 4;

/// The cores this process may use (1 when that cannot be told).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `--threads N`: from 1 to [`THREADS_PER_CORE`] times the available cores.
pub fn parse_threads(s: &str) -> Result<usize, String> {
    let cores = available_cores();
    let max = cores.saturating_mul(THREADS_PER_CORE);
    let range = || {
        format!(
            "must be a whole number from 1 to {max} ({THREADS_PER_CORE} per core; {cores} core(s) available)"
        )
    };
    match s.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(range()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Interactive intake at a terminal: asks the rule set's questions,
    /// saves after every answer, shows the recommendation and records the
    /// placement made.
    Assess(assess::AssessArgs),
    /// Score saved intake files, folders of them, or `-` (JSON Lines on stdin).
    Score(score::ScoreArgs),
    /// The full reasoning for one intake.
    Explain(explain::ExplainArgs),
    /// One client's course over time: a row per assessment, in date order.
    History(history::HistoryArgs),
    /// A chart-ready summary of one intake: Markdown, or printable HTML.
    Report(report::ReportArgs),
    /// Intakes from one format to another: native YAML or JSON, or a FHIR
    /// QuestionnaireResponse.
    Convert(convert::ConvertArgs),
    /// Rule-set commands: check, test, show, schema, diff, fmt.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Synthetic, fictional intakes for demos, training and load tests.
    Sample(sample::SampleArgs),
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A command's failure, with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// The reader of standard output went away (`| head`): the run ends
    /// quietly with exit 0, nothing printed.
    pub fn broken_pipe() -> Self {
        Failure {
            code: 0,
            message: String::new(),
        }
    }

    /// Whether this ends the run without a message (a broken pipe).
    pub fn is_quiet(&self) -> bool {
        self.message.is_empty()
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::broken_pipe();
        }
        match e.get_ref().and_then(|i| i.downcast_ref::<StdoutError>()) {
            Some(s) => Failure::usage(format!("cannot write to standard output: {}", s.0)),
            None => Failure::usage(format!("I/O error: {e}")),
        }
    }
}

/// An error writing to standard output, kept inside an [`std::io::Error`]
/// of the same kind so that [`Failure`] can say where the write failed.
#[derive(Debug)]
pub struct StdoutError(pub std::io::Error);

impl std::fmt::Display for StdoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StdoutError {}

/// Marks an error as one of writing to standard output (a broken pipe is
/// left as it is: it ends the run quietly).
pub fn stdout_error(e: std::io::Error) -> std::io::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return e;
    }
    std::io::Error::new(e.kind(), StdoutError(e))
}

/// Writes `bytes` to standard output and flushes; a broken pipe becomes
/// [`Failure::broken_pipe`], any other error names standard output.
pub fn write_stdout_bytes(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| Failure::from(stdout_error(e)))
}

/// Opens `--output FILE` before any work is done: a folder or a socket is
/// refused, a FIFO is opened here (which waits for its reader), and a
/// program stopped by a signal leaves no temporary file behind. `None`:
/// standard output.
pub fn open_output(
    path: Option<&std::path::Path>,
) -> Result<Option<crate::fsutil::Output>, Failure> {
    match path {
        Some(p) => {
            crate::fsutil::remove_temporaries_on_signals();
            crate::fsutil::Output::create(p)
                .map(Some)
                .map_err(|e| Failure::usage(e.to_string()))
        }
        None => Ok(None),
    }
}

/// Writes a whole text to the output opened by [`open_output`] and commits
/// it, or to standard output.
pub fn write_text(output: Option<crate::fsutil::Output>, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match output {
        Some(mut o) => o
            .write_all(text.as_bytes())
            .and_then(|()| o.commit())
            .map_err(|e| Failure::usage(e.to_string())),
        None => write_stdout_bytes(text.as_bytes()),
    }
}

pub type CmdResult = Result<u8, Failure>;

/// Settings every command shares.
pub struct Globals {
    pub rules: Option<PathBuf>,
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub max_rules_bytes: usize,
    /// Limits for intake files: [`Limits::INTAKE`] with `--max-intake-bytes`.
    pub intake_limits: Limits,
}

impl Globals {
    fn new(cli: &Cli) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let pick = |tty: bool| match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Globals {
            rules: cli.rules.clone(),
            color_stdout: pick(std::io::stdout().is_terminal()),
            color_stderr: pick(std::io::stderr().is_terminal()),
            max_rules_bytes: cli.max_rules_bytes,
            intake_limits: Limits::INTAKE.with_max_bytes(cli.max_intake_bytes),
        }
    }

    /// Loads the rule set for a command that needs a valid one: any error
    /// is printed and becomes exit 2. Warnings are printed and ignored.
    pub fn load_rules(&self) -> Result<Loaded, Failure> {
        self.load_rules_at(None)
    }

    /// Loads the rule set at `path` (a `rules` subcommand's PATH), else the
    /// one of `--rules`, else the embedded default; an invalid one is
    /// "could not run", its problems on stderr.
    pub fn load_rules_at(&self, path: Option<&std::path::Path>) -> Result<Loaded, Failure> {
        let loaded = match path.or(self.rules.as_deref()) {
            Some(p) => load_path(p, self.max_rules_bytes),
            None => load_default(),
        };
        match loaded {
            Ok(l) => Ok(l),
            Err(LoadError::Io(m)) => Err(Failure::usage(m)),
            Err(LoadError::Invalid {
                sources,
                diagnostics,
            }) => {
                for d in &diagnostics {
                    eprintln_safe(&sources.render(d));
                }
                let n = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let msg = format!(
                    "the rule set is invalid ({n} error(s)); nothing was done. Run `placement rules check` for details"
                );
                Err(Failure::usage(msg))
            }
        }
    }
}

/// Runs the command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let g = Globals::new(&cli);
    let result = match cli.command {
        Command::Assess(args) => assess::run(&g, args),
        Command::Score(args) => score::run(&g, args),
        Command::Explain(args) => explain::run(&g, args),
        Command::History(args) => history::run(&g, args),
        Command::Report(args) => report::run(&g, args),
        Command::Convert(args) => convert::run(&g, args),
        Command::Rules(cmd) => rules_cmd::run(&g, cmd),
        Command::Sample(args) => sample::run(&g, args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // Generated into memory first: clap_complete panics when its
            // writer fails (a closed pipe, a full disk).
            let mut cmd = Cli::command();
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cmd, "placement", &mut text);
            write_stdout_bytes(&text).map(|()| 0)
        }
    };
    match result {
        Ok(code) => code,
        Err(f) if f.is_quiet() => f.code,
        Err(f) => {
            // One line, whatever a file name or an input put into the
            // message: control characters and line breaks are escaped.
            eprintln_safe(&format!(
                "error: {}",
                crate::diag::text::visible(&f.message)
            ));
            f.code
        }
    }
}

impl Cli {
    /// Whether this command line writes its results to standard output
    /// (not to `score --output FILE` or `sample --out DIR`).
    pub fn needs_stdout(&self) -> bool {
        match &self.command {
            Command::Score(a) => a.output.is_none(),
            Command::Sample(a) => a.out.is_none(),
            _ => true,
        }
    }
}

/// The message when standard output is closed (`>&-`) and the command has
/// results to write there.
pub const STDOUT_CLOSED: &str =
    "error: standard output is closed, so the results have nowhere to go; redirect it (`> FILE`, `> /dev/null`) instead of closing it";

/// Writes to stderr, ignoring a closed pipe.
#[allow(clippy::print_stderr)]
pub fn eprintln_safe(s: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{s}");
}
