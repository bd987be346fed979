//! The command-line interface: argument definitions and one module per
//! command. This is the only part of the crate that prints.

pub mod assess;
pub mod explain;
pub mod inputs;
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
/// Exit codes: 0 success; 1 findings (an intake could not be scored, a rule
/// check found errors, a rule test failed); 2 could not run (bad arguments,
/// unreadable or invalid rule set, I/O error before any work).
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

    /// Largest rule file accepted, in bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::RULES.max_bytes)]
    pub max_rules_bytes: usize,

    /// Largest intake file (or line of JSON Lines on stdin) accepted, in bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::INTAKE.max_bytes)]
    pub max_intake_bytes: usize,

    #[command(subcommand)]
    pub command: Command,
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
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::usage(format!("I/O error: {e}"))
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
        let loaded = match &self.rules {
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
        Command::Rules(cmd) => rules_cmd::run(&g, cmd),
        Command::Sample(args) => sample::run(&g, args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "placement", &mut std::io::stdout());
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln_safe(&format!("error: {}", f.message));
            f.code
        }
    }
}

/// Writes to stderr, ignoring a closed pipe.
#[allow(clippy::print_stderr)]
pub fn eprintln_safe(s: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{s}");
}
