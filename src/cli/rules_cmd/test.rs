//! `placement rules test [PATH]`.

use super::{in_github_actions, load_for, write_stdout};
use crate::check::testing;
use crate::cli::{eprintln_safe, CmdResult, Failure, Globals};
use crate::diag::Severity;
use crate::pathname;
use crate::rules::files::{self, Boundary};
use crate::rules::LoadError;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per test, a diff per failure, then coverage.
    Human,
    /// One JSON document.
    Json,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::`).
    Github,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The rule set: a folder (its tests are in `tests/*.yaml` inside it)
    /// or a YAML file (tests in `tests/` beside it). Default: `--rules`.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Test files to run instead: a YAML file or a folder of them.
    #[arg(long, value_name = "PATH")]
    pub tests: Option<PathBuf>,

    /// Run only the tests whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,

    /// Output format (default: `human`, or `github` when GITHUB_ACTIONS=true).
    #[arg(long, value_enum)]
    pub format: Option<TestFormat>,

    /// Fail (exit 1) when coverage of rating rules, escalations and bands
    /// is below this percentage (0 to 100).
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
}

/// The test files at `p` (a file, or a folder's `*.yaml` files) and the
/// folder they may not link out of (`docs/security.md`, "Rule folders"):
/// the rule folder for the tests beside a rule set, the folder itself for
/// `--tests FOLDER`, none for a file named with `--tests`.
fn yaml_files(p: &Path, boundary: Option<Boundary>) -> Result<TestFiles, Failure> {
    let named_file = boundary.is_none() && std::fs::metadata(p).is_ok_and(|m| !m.is_dir());
    if named_file {
        return Ok((vec![p.to_path_buf()], None));
    }
    let boundary = boundary.unwrap_or_else(|| Boundary::new(p));
    let files =
        files::yaml_entries("test folder", p, Some(&boundary)).map_err(|r| Failure::usage(r.0))?;
    Ok((files, Some(boundary)))
}

type TestFiles = (Vec<PathBuf>, Option<Boundary>);

pub fn run(g: &Globals, a: TestArgs) -> CmdResult {
    // --min-coverage is range-checked by clap (parse_percent).
    let filter = match &a.run {
        Some(r) => Some(
            regex::Regex::new(r)
                .map_err(|e| Failure::usage(format!("--run: invalid regular expression: {e}")))?,
        ),
        None => None,
    };
    let rules_path = a.path.clone().or_else(|| g.rules.clone());
    let (tests_path, boundary) = match (&a.tests, &rules_path) {
        (Some(t), _) => (t.clone(), None),
        (None, Some(p)) if p.is_dir() => (p.join("tests"), Some(Boundary::new(p))),
        (None, Some(p)) => {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            (dir.join("tests"), Some(Boundary::new(dir)))
        }
        (None, None) => {
            return Err(Failure::usage(
                "give the rule folder whose tests to run (for the default rule set: `placement rules test rules/`), or --tests",
            ))
        }
    };
    let loaded = match load_for(g, a.path.as_deref()) {
        Ok(l) => l,
        Err(LoadError::Io(m)) => return Err(Failure::usage(m)),
        Err(LoadError::Invalid {
            sources,
            diagnostics,
        }) => {
            // Like every command but `rules check`, an invalid rule set is
            // "could not run" (exit 2): its problems go to stderr, and
            // stdout holds no test report, so CI cannot mistake it for one.
            for d in &diagnostics {
                eprintln_safe(&sources.render(d));
            }
            let n = diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            return Err(Failure::usage(format!(
                "the rule set is invalid ({n} error(s)); no test was run. Run `placement rules check` for details"
            )));
        }
    };
    let rs = &loaded.rules;
    let (files, boundary) = yaml_files(&tests_path, boundary)?;
    if files.is_empty() {
        return Err(Failure::usage(format!(
            "no test files (*.yaml) in {}",
            pathname::show(&tests_path)
        )));
    }
    let mut texts = Vec::new();
    for f in files {
        let text = files::read_text("test file", &f, boundary.as_ref(), g.max_rules_bytes)
            .map_err(|r| Failure::usage(r.0))?;
        texts.push((pathname::show(&f), text));
    }
    let suite = testing::load(rs, texts);
    let outcome = testing::run(rs, &suite, |name| {
        filter.as_ref().is_none_or(|r| r.is_match(name))
    });
    if filter.is_some() && outcome.results.is_empty() && suite.errors() == 0 {
        // Nothing was checked: a typo in the pattern must not pass CI.
        return Err(Failure::usage(format!(
            "no test name matches --run; nothing was run ({} test(s) in the test files)",
            suite.cases.len()
        )));
    }
    let format = a.format.unwrap_or(if in_github_actions() {
        TestFormat::Github
    } else {
        TestFormat::Human
    });
    let text = match format {
        TestFormat::Github => testing::github(&suite, &outcome, a.min_coverage),
        TestFormat::Human => testing::human(&suite, &outcome, a.min_coverage),
        TestFormat::Json => format!(
            "{}\n",
            crate::render::json::pretty(&testing::to_json(&suite, &outcome, a.min_coverage))
        ),
        TestFormat::Junit => testing::junit(&suite, &outcome),
    };
    write_stdout(&text)?;
    let below = a
        .min_coverage
        .is_some_and(|m| outcome.coverage.percent() < m);
    Ok(u8::from(
        outcome.failed() > 0 || suite.errors() > 0 || below,
    ))
}

/// `--min-coverage PCT`: a number from 0 to 100 (not NaN).
fn parse_percent(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("must be a percentage from 0 to 100".into()),
    }
}
