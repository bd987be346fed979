//! `placement sample`: synthetic, fictional intakes.

use super::{stdout_error, CmdResult, Failure, Globals};
use crate::fsutil::write_private;
use crate::intake;
use crate::rules::model::CheckSeverity;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleFormat {
    Yaml,
    Json,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// How many intakes.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub count: u64,

    /// Seed: the same seed gives the same intakes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Output format: `jsonl` one intake per line, `json` one array of
    /// intakes, `yaml` one document per intake; `placement score` reads each.
    #[arg(long, value_enum, default_value_t = SampleFormat::Jsonl)]
    pub format: SampleFormat,

    /// Write one file per intake into this folder (created if needed)
    /// instead of standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Share of intakes (0 to 1) drawn with a warning-level contradiction
    /// between answers, for training and for testing reports; 0 writes
    /// none.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = rate)]
    pub contradictions: f64,
}

fn rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a rate from 0 to 1 (e.g. 0.1)")),
    }
}

/// Intakes drawn at once, across threads, before they are written in order.
const CHUNK: u64 = 256;

/// Intakes numbered `ns`, drawn on up to `threads` threads, in order. Each
/// depends only on the seed and its number, so the output is the same
/// whatever the number of threads.
fn draw_batch(
    rs: &crate::rules::RuleSet,
    seed: u64,
    ns: std::ops::RangeInclusive<u64>,
    options: &crate::sample::Options,
    threads: usize,
) -> Vec<intake::Intake> {
    let ns: Vec<u64> = ns.collect();
    let per = ns.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = ns
            .chunks(per)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|&n| crate::sample::intake_with(rs, seed, n, options))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

pub fn run(g: &Globals, args: SampleArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    if let Some(dir) = &args.out {
        crate::fsutil::remove_temporaries_on_signals();
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let options = crate::sample::Options {
        contradictions: args.contradictions,
    };
    let ext = match args.format {
        SampleFormat::Yaml => "yaml",
        _ => "json",
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(16);
    let mut drawn = std::collections::VecDeque::new();
    for n in 1..=args.count {
        if drawn.is_empty() {
            let last = n.saturating_add(CHUNK - 1).min(args.count);
            drawn = draw_batch(rs, args.seed, n..=last, &options, threads).into();
        }
        let Some(it) = drawn.pop_front() else {
            break;
        };
        // Never an intake the rule set excludes, or one an error-level
        // check refuses: `score` would not score it.
        let a = crate::engine::score(rs, &it);
        let refused = a
            .excluded
            .iter()
            .chain(&a.possibly_excluded)
            .map(|&x| format!("exclusion `{}`", rs.exclusions[x].id))
            .chain(
                a.contradictions
                    .iter()
                    .filter(|c| rs.checks[c.check].severity == CheckSeverity::Error)
                    .map(|c| format!("check `{}`", rs.checks[c.check].id)),
            )
            .next();
        if let Some(what) = refused {
            out.flush().map_err(stdout_error)?;
            return Err(Failure::usage(format!(
                "sample: could not draw intake {n} so that it is scored: {} held after every redraw; the rule set's exclusions and checks leave too little room for synthetic intakes",
                crate::diag::text::visible(&what)
            )));
        }
        let value = intake::to_json(rs, &it);
        let text = match args.format {
            SampleFormat::Jsonl => {
                format!("{}\n", serde_json::to_string(&value).unwrap_or_default())
            }
            SampleFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            ),
            SampleFormat::Yaml => {
                let body = serde_saphyr::to_string(&value)
                    .map_err(|e| Failure::usage(format!("cannot write YAML: {e}")))?;
                format!("# Synthetic, fictional intake generated by `placement sample`.\n{body}")
            }
        };
        match &args.out {
            Some(dir) => {
                let path = dir.join(format!("sample-{n:07}.{ext}"));
                // Errors name the file.
                write_private(&path, text.as_bytes()).map_err(|e| Failure::usage(e.to_string()))?;
            }
            None => {
                match args.format {
                    // One document per intake on standard output.
                    SampleFormat::Yaml if n > 1 => out.write_all(b"---\n"),
                    // One JSON array of intakes.
                    SampleFormat::Json => out.write_all(if n == 1 { b"[\n" } else { b",\n" }),
                    _ => Ok(()),
                }
                .map_err(stdout_error)?;
                let text = match args.format {
                    SampleFormat::Json => text.trim_end(),
                    _ => &text,
                };
                out.write_all(text.as_bytes()).map_err(stdout_error)?;
            }
        }
    }
    if args.format == SampleFormat::Json && args.out.is_none() {
        let end: &[u8] = if args.count == 0 { b"[]\n" } else { b"\n]\n" };
        out.write_all(end).map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)?;
    Ok(0)
}
