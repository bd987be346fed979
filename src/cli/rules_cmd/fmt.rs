//! `placement rules fmt [--check] [PATH]`.

use super::write_stdout;
use crate::check::fmt::{first_change, format, FmtError};
use crate::cli::{CmdResult, Failure, Globals};
use crate::pathname;
use crate::rules::files::{self, Boundary};
use clap::Args;
use std::path::PathBuf;

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

pub fn run(g: &Globals, a: FmtArgs) -> CmdResult {
    let Some(path) = a.path.clone().or_else(|| g.rules.clone()) else {
        return Err(Failure::usage(
            "give the rule file or folder to format (the embedded default rule set has no files to write)",
        ));
    };
    // A rule folder is a trust boundary (docs/security.md): a link in it
    // that leaves it is refused, unread and unwritten.
    let boundary = path.is_dir().then(|| Boundary::new(&path));
    let files = match &boundary {
        Some(b) => {
            let mut v =
                files::yaml_entries("rule folder", &path, None).map_err(|r| Failure::usage(r.0))?;
            let tests = path.join("tests");
            if tests.is_dir() {
                v.extend(
                    files::yaml_entries("test folder", &tests, Some(b))
                        .map_err(|r| Failure::usage(r.0))?,
                );
            }
            v
        }
        None => vec![path.clone()],
    };
    let mut out = String::new();
    let (mut changed, mut problems) = (0, 0);
    for f in &files {
        let text = files::read_text("rule file", f, boundary.as_ref(), g.max_rules_bytes)
            .map_err(|r| Failure::usage(r.0))?;
        let shown = pathname::show(f);
        match format(&text) {
            Ok(new) if new == text => {}
            Ok(new) => {
                changed += 1;
                if a.check {
                    out.push_str(&format!(
                        "{shown}: not formatted ({})\n",
                        first_change(&text, &new)
                    ));
                } else {
                    // A link is written through: its target is replaced
                    // (atomically), the link stays a link. The target is
                    // inside the rule folder (checked when it was read), or
                    // the file was named on the command line.
                    let target = std::fs::canonicalize(f).map_err(|e| {
                        Failure::usage(format!(
                            "cannot write {shown}: {}",
                            crate::rules::load::io_reason(&e)
                        ))
                    })?;
                    crate::fsutil::atomic_write(&target, new.as_bytes(), 0o644)
                        .map_err(|e| Failure::usage(format!("cannot write {shown}: {e}")))?;
                    out.push_str(&format!("{shown}: formatted\n"));
                }
            }
            Err(FmtError::Invalid(m)) => {
                problems += 1;
                out.push_str(&format!(
                    "{shown}: not valid YAML, left as it is ({m}); see `placement rules check`\n"
                ));
            }
            Err(FmtError::Unsafe) => {
                problems += 1;
                out.push_str(&format!(
                    "{shown}: left as it is: the canonical layout would change its meaning (please report this)\n"
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
