//! `placement rules test [PATH]`.

use super::{in_github_actions, load_for, write_stdout};
use crate::check::testing;
use crate::cli::{CmdResult, Failure, Globals};
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

fn yaml_files(p: &Path) -> Result<Vec<PathBuf>, Failure> {
    if p.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let rd = std::fs::read_dir(p).map_err(|e| {
        Failure::usage(format!(
            "cannot read test folder {}: {}",
            p.display(),
            crate::rules::load::io_reason(&e)
        ))
    })?;
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    out.sort();
    Ok(out)
}

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
    let tests_path = match (&a.tests, &rules_path) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) if p.is_dir() => p.join("tests"),
        (None, Some(p)) => p.parent().unwrap_or(Path::new(".")).join("tests"),
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
            let mut s = String::new();
            for d in &diagnostics {
                s.push_str(&sources.render(d));
                s.push('\n');
            }
            s.push_str("the rule set has errors; no test was run (see `placement rules check`)\n");
            write_stdout(&s)?;
            return Ok(1);
        }
    };
    let rs = &loaded.rules;
    let files = yaml_files(&tests_path)?;
    if files.is_empty() {
        return Err(Failure::usage(format!(
            "no test files (*.yaml) in {}",
            tests_path.display()
        )));
    }
    let mut texts = Vec::new();
    for f in files {
        let text = crate::fsutil::read_text_bounded(&f, g.max_rules_bytes).map_err(|e| {
            Failure::usage(format!(
                "cannot read test file {}: {}",
                f.display(),
                crate::rules::load::io_reason(&e)
            ))
        })?;
        texts.push((f.display().to_string(), text));
    }
    let suite = testing::load(rs, texts);
    let outcome = testing::run(rs, &suite, |name| {
        filter.as_ref().is_none_or(|r| r.is_match(name))
    });
    if filter.is_some() && outcome.results.is_empty() && suite.diags.is_empty() {
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
            serde_json::to_string_pretty(&testing::to_json(&suite, &outcome, a.min_coverage))
                .unwrap_or_default()
        ),
        TestFormat::Junit => testing::junit(&suite, &outcome),
    };
    write_stdout(&text)?;
    let below = a
        .min_coverage
        .is_some_and(|m| outcome.coverage.percent() < m);
    Ok(u8::from(
        outcome.failed() > 0 || !suite.diags.is_empty() || below,
    ))
}

/// `--min-coverage PCT`: a number from 0 to 100 (not NaN).
fn parse_percent(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("must be a percentage from 0 to 100".into()),
    }
}
