//! `placement rules fmt [--check] [PATH]`.

use super::write_stdout;
use crate::check::fmt::{first_change, format, FmtError};
use crate::cli::{CmdResult, Failure, Globals};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// A rule file, or a rule folder (its `*.yaml` files and `tests/*.yaml`).
    /// Default: `--rules`.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Change nothing; list the files that are not in canonical layout and
    /// exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

fn yaml_in(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        Failure::usage(format!(
            "cannot read folder {}: {}",
            dir.display(),
            crate::rules::load::io_reason(&e)
        ))
    })?;
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    v.sort();
    Ok(v)
}

pub fn run(g: &Globals, a: FmtArgs) -> CmdResult {
    let Some(path) = a.path.clone().or_else(|| g.rules.clone()) else {
        return Err(Failure::usage(
            "give the rule file or folder to format (the embedded default rule set has no files to write)",
        ));
    };
    let files = if path.is_dir() {
        let mut v = yaml_in(&path)?;
        let tests = path.join("tests");
        if tests.is_dir() {
            v.extend(yaml_in(&tests)?);
        }
        v
    } else {
        vec![path.clone()]
    };
    let mut out = String::new();
    let (mut changed, mut problems) = (0, 0);
    for f in &files {
        let text = crate::fsutil::read_text_bounded(f, g.max_rules_bytes).map_err(|e| {
            Failure::usage(format!(
                "cannot read {}: {}",
                f.display(),
                crate::rules::load::io_reason(&e)
            ))
        })?;
        match format(&text) {
            Ok(new) if new == text => {}
            Ok(new) => {
                changed += 1;
                if a.check {
                    out.push_str(&format!(
                        "{}: not formatted ({})\n",
                        f.display(),
                        first_change(&text, &new)
                    ));
                } else {
                    crate::fsutil::atomic_write(f, new.as_bytes(), 0o644).map_err(|e| {
                        Failure::usage(format!("cannot write {}: {e}", f.display()))
                    })?;
                    out.push_str(&format!("{}: formatted\n", f.display()));
                }
            }
            Err(FmtError::Invalid(m)) => {
                problems += 1;
                out.push_str(&format!(
                    "{}: not valid YAML, left as it is ({m}); see `placement rules check`\n",
                    f.display()
                ));
            }
            Err(FmtError::Unsafe) => {
                problems += 1;
                out.push_str(&format!(
                    "{}: left as it is: the canonical layout would change its meaning (please report this)\n",
                    f.display()
                ));
            }
        }
    }
    let verb = if a.check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    out.push_str(&format!(
        "{} file(s) checked, {changed} {verb}, {problems} left as they are\n",
        files.len()
    ));
    write_stdout(&out)?;
    Ok(u8::from(problems > 0 || (a.check && changed > 0)))
}
