//! `placement assess`: the interactive intake. The interview itself is
//! [`crate::assess::Interview`]; this module picks the file, checks for a
//! terminal, installs the signal handlers and reports how it ended.

mod files;

use super::{eprintln_safe, CmdResult, Failure, Globals};
use crate::assess::terminal::{signals, Terminal};
use crate::assess::{self, AssessError, Interview, Outcome, Prompter, Store};
use crate::fsutil::write_private;
use crate::intake::{Intake, Previous, Reassessment};
use crate::rules::load::io_reason;
use crate::rules::RuleSet;
use clap::Args;
use files::{has_content, keep_superseded, new_path, read_intake, remove_stale_temporaries};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Exit code when the assessor stops the interview (Ctrl-C) or the
/// terminal goes away: the shell's code for SIGINT. The file is saved and
/// `--resume` continues it.
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Write the intake to FILE (default: a new file in --dir, named by
    /// --id or by the time, e.g. intake-2026-11-26T140500Z.yaml).
    #[arg(long, short, value_name = "FILE", conflicts_with_all = ["dir", "resume"])]
    pub out: Option<PathBuf>,

    /// Folder for a new intake file (default: the current folder).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub dir: Option<PathBuf>,

    /// Pseudonymous reference for the intake (never a name); recorded in
    /// the file and used in its name.
    #[arg(long, value_name = "ID", conflicts_with = "resume")]
    pub id: Option<String>,

    /// Staff id of the assessor in this session, recorded with every
    /// change, acknowledgement and placement (the file's `assessor` stays
    /// the first one; later ones are in its history). Without it, the
    /// interview asks.
    #[arg(long, value_name = "ID", env = "PLACEMENT_ASSESSOR")]
    pub assessor: Option<String>,

    /// The program's own reference for the client (never a name), the
    /// same in every assessment of one person (`placement history`).
    #[arg(long, value_name = "ID", conflicts_with = "resume")]
    pub client: Option<String>,

    /// Reassess: a new intake for the person assessed in PREVIOUS, linked
    /// to it by id and SHA-256, with its answers offered as the current
    /// ones, each confirmed or changed. The new file lists what changed.
    #[arg(long, value_name = "PREVIOUS", conflicts_with_all = ["resume", "answers"])]
    pub reassess: Option<PathBuf>,

    /// Continue the interview saved in FILE, from its first unanswered
    /// question.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub resume: Option<PathBuf>,

    /// Prefill answers from an intake file and ask only the rest (its
    /// answers only: not its id, assessor, acknowledgements or placement).
    /// With nothing left to ask, no terminal is needed.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Overwrite an existing intake file (--out), or reopen a finished one
    /// (--resume); what the file held is first kept beside it as
    /// NAME.superseded-STAMP.yaml.
    #[arg(long)]
    pub force: bool,
}

/// Saves to one file: atomically, readable by the owner alone (0600,
/// whatever the mode of a file replaced with --force; a symbolic link is
/// followed and the file it points to replaced).
struct FileStore {
    path: PathBuf,
}

impl Store for FileStore {
    fn save(&mut self, rs: &RuleSet, intake: &Intake) -> std::io::Result<()> {
        write_private(&self.path, crate::intake::to_yaml(rs, intake).as_bytes())
    }
}

pub fn run(g: &Globals, args: AssessArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    // A new intake file is created (empty, exclusively) when its name is
    // chosen; `_reserved` removes it again if nothing is ever saved in it.
    let mut _reserved = None;
    let mut resumed_finished = false;
    let mut previous = None;
    let (path, mut start) = match &args.resume {
        Some(p) => {
            let (intake, _) = read_intake(rs, p, &g.intake_limits)?;
            resumed_finished = intake.status.as_deref() == Some("complete");
            if intake.status.as_deref() == Some("complete") && !args.force {
                return Err(Failure::usage(format!(
                    "{} is a finished intake (status: complete); nothing to resume. To reopen it and change answers, add --force (its recommendation and placement are then recorded again)",
                    p.display()
                )));
            }
            remove_stale_temporaries(p);
            (p.clone(), intake)
        }
        None => {
            let mut intake = match &args.answers {
                Some(p) => {
                    // Answers only: the other file's id, assessor,
                    // acknowledgements, recommendation and placement belong
                    // to that intake, not to this one. Its rule-set
                    // reference is kept for the warning below.
                    let (from, _) = read_intake(rs, p, &g.intake_limits)?;
                    Intake {
                        rules: from.rules,
                        slots: from.slots,
                        texts: from.texts,
                        no_answer: from.no_answer,
                        ..Intake::default()
                    }
                }
                None => Intake::default(),
            };
            if let Some(p) = &args.reassess {
                let (prev, sha256) = read_intake(rs, p, &g.intake_limits)?;
                if prev.status.as_deref() != Some("complete") {
                    eprintln_safe(&format!(
                        "warning: {} is not a finished intake (status: {}); its answers are offered all the same",
                        p.display(),
                        prev.status.as_deref().unwrap_or("not given")
                    ));
                }
                if let (Some(a), Some(b)) = (&args.client, &prev.client) {
                    if a != b {
                        return Err(Failure::usage(format!(
                            "--client {a} differs from the client of the previous assessment in {}; a reassessment is of the same person",
                            p.display()
                        )));
                    }
                }
                intake.client.clone_from(&prev.client);
                intake.reassessment = Some(Reassessment {
                    previous: Previous {
                        id: prev.id.clone(),
                        sha256: Some(sha256),
                        assessed_at: prev.assessed_at.clone(),
                    },
                    changed: Vec::new(),
                });
                previous = Some(prev);
            }
            if let Some(c) = &args.client {
                intake.client = Some(c.clone());
            }
            if let Some(id) = &args.id {
                intake.id = Some(id.clone());
            }
            let (path, reserved) = new_path(&args, intake.id.as_deref(), &g.intake_limits)?;
            _reserved = reserved;
            (path, intake)
        }
    };
    if let Some(r) = &start.rules {
        if r.sha256.as_deref().is_some_and(|h| h != rs.sha256) {
            eprintln_safe(&format!(
                "warning: these answers were given against rule set `{}` version {} (another sha256); continuing with `{}` version {}",
                r.name.as_deref().unwrap_or("?"),
                r.version.as_deref().unwrap_or("?"),
                rs.name,
                rs.version
            ));
        }
    }

    // `started_at` is when the interview began; `assessed_at` is set when
    // the recommendation is reached. (Files saved in progress before
    // `started_at` existed kept the start in `assessed_at`.)
    if start.status.as_deref() == Some("in_progress") && start.started_at.is_none() {
        start.started_at = start.assessed_at.take();
    }
    if start.started_at.is_none() && args.resume.is_none() {
        start.started_at = Some(assess::now_rfc3339());
    }
    // A finished intake reopened with --force is in progress again: its
    // recommendation and when it was reached are those of the superseded
    // copy, until the interview is finished again.
    if resumed_finished {
        start.assessed_at = None;
        start.recommendation = None;
    }
    let mut iv = Interview::new(
        rs,
        start,
        FileStore { path: path.clone() },
        assess::now_rfc3339,
    )
    .assessor(args.assessor.clone().filter(|a| !a.trim().is_empty()));
    if args.resume.is_some() {
        iv = iv.resumed();
    }
    if let Some(prev) = &previous {
        iv = iv.reassessing(prev);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive && iv.has_questions_left() && iv.excluded().is_none() {
        let which = if std::io::stdin().is_terminal() {
            "standard error"
        } else {
            "standard input"
        };
        return Err(Failure::usage(format!(
            "`placement assess` asks questions and needs a terminal, but {which} is not one. \
To score answers saved in a file, use `placement score FILE`; to prefill answers from a file \
and ask only the rest, use `placement assess --answers FILE` (with nothing left to ask it runs without a terminal)"
        )));
    }

    // --force replaces a file or reopens a finished intake: what it held is
    // kept beside it before anything is saved.
    if args.force && has_content(&path) && (args.resume.is_none() || resumed_finished) {
        keep_superseded(&path)?;
    }
    if interactive {
        signals::install();
    }
    let shown = path.display().to_string();
    let mut term = Terminal::new(
        rs,
        shown.clone(),
        interactive,
        g.color_stderr,
        g.color_stdout,
    );
    if interactive {
        term.show(&assess::Notice::Info(format!(
            "Rule set `{}` version {}. Answers are saved to {} after every answer. Ctrl-C stops; --resume continues.",
            rs.name, rs.version, shown
        )));
    }
    if let (true, Some(p)) = (interactive, &args.reassess) {
        term.show(&assess::Notice::Info(format!(
            "Reassessment of {}: each of its answers is offered as the current one; Enter keeps it, or give the answer as it is now.",
            p.display()
        )));
    }
    if interactive && (args.resume.is_some() || args.answers.is_some()) {
        let given = iv
            .saved_intake()
            .slots
            .iter()
            .filter(|s| **s != crate::intake::Slot::Absent)
            .count();
        let left = match iv.next_question() {
            Some(q) => format!("continuing with `{}`", rs.questions[q].id),
            None => "nothing left to ask; on to the review".to_string(),
        };
        term.show(&assess::Notice::Info(format!(
            "{given} answer(s) already given; {left}."
        )));
    }
    let outcome = iv.run(&mut term, interactive);
    term.restore();
    let resume = resume_hint(g, &path);
    match outcome {
        Ok(Outcome::Complete) => {
            let saved = iv.saved_intake();
            if let Some(p) = &saved.placement {
                let a = iv.assessment();
                let how = if p.level == a.level {
                    "the recommended level".to_string()
                } else {
                    let reason = p.reason.map(|r| rs.override_reasons[r].label.as_str()).unwrap_or("no reason given");
                    format!("override of {}; reason: {reason}", rs.levels[a.level].name)
                };
                term.show(&assess::Notice::Info(format!(
                    "Placement made: {} ({how}).",
                    rs.levels[p.level].name
                )));
            }
            term.show(&assess::Notice::Info(format!(
                "Saved {shown} (status: complete). Score it again with: placement score {}",
                shell_quote(&shown)
            )));
            Ok(0)
        }
        Ok(Outcome::Excluded(x)) => {
            eprintln_safe(&format!(
                "Stopped: {} No level is recommended. The answers so far are in {shown} (status: in_progress); to change an answer: {resume}",
                rs.exclusions[x].message
            ));
            Ok(1)
        }
        Ok(Outcome::Contradiction(c)) => {
            eprintln_safe(&format!(
                "Stopped: answers contradict each other (check `{}`: {}). No level is recommended. The answers so far are in {shown} (status: in_progress); to change an answer: {resume}",
                rs.checks[c].id, rs.checks[c].message
            ));
            Ok(1)
        }
        Err(AssessError::Interrupted) => {
            eprintln_safe(&format!("\nInterrupted. Every answer given so far is saved in {shown}.\nTo continue: {resume}"));
            Ok(EXIT_INTERRUPTED)
        }
        Err(AssessError::Terminal(m)) => {
            eprintln_safe(&format!(
                "\nThe interview stopped: the terminal failed ({m}). Every answer given so far is saved in {shown}.\nTo continue: {resume}"
            ));
            Ok(EXIT_INTERRUPTED)
        }
        Err(AssessError::Save(e)) if !has_content(&path) => Err(Failure::usage(format!(
            "cannot write the intake file {shown}: {}",
            io_reason(&e)
        ))),
        Err(AssessError::Save(e)) => Err(Failure::usage(format!(
            "cannot save the intake to {shown}: {}. The last answer was not saved; the file holds the answers before it. To continue: {resume}",
            io_reason(&e)
        ))),
    }
}

fn resume_hint(g: &Globals, path: &Path) -> String {
    let rules = g
        .rules
        .as_ref()
        .map(|r| format!(" --rules {}", shell_quote(&r.display().to_string())))
        .unwrap_or_default();
    format!(
        "placement assess --resume {}{rules}",
        shell_quote(&path.display().to_string())
    )
}

/// A path as a shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+@%,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::files::safe_file_part;
    use super::*;

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("a/b-1.yaml"), "a/b-1.yaml");
        assert_eq!(shell_quote("my file's.yaml"), "'my file'\\''s.yaml'");
    }

    #[test]
    fn removes_temporaries_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("intake-1.yaml");
        std::fs::write(&target, "intake: 1\n").unwrap();
        let mine = dir
            .path()
            .join(format!(".intake-1.yaml.tmp-{}-0", std::process::id()));
        let dead = dir.path().join(".intake-1.yaml.tmp-999999999-0");
        let other = dir.path().join(".other.yaml.tmp-999999999-0");
        for p in [&mine, &dead, &other] {
            std::fs::write(p, "x").unwrap();
        }
        remove_stale_temporaries(&target);
        assert!(mine.exists() && other.exists() && target.exists());
        assert!(!dead.exists());
    }

    #[test]
    fn only_plain_ids_name_files() {
        assert!(safe_file_part("2026-0042"));
        assert!(!safe_file_part("../x"));
        assert!(!safe_file_part("Jane Doe"));
        assert!(!safe_file_part(".hidden"));
    }
}
