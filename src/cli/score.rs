//! `placement score`: score saved intakes.

use super::inputs::{expand, score_input};
use super::{CmdResult, Failure, Globals};
use crate::render::{self, table::Style, Record};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

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

    /// Stop at the first input that cannot be scored.
    #[arg(long)]
    pub fail_fast: bool,
}

pub fn run(g: &Globals, args: ScoreArgs) -> CmdResult {
    let loaded = g.load_rules()?;
    let rs = &loaded.rules;
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    });
    let inputs = expand(&args.paths);
    if inputs.is_empty() {
        return Err(Failure::usage("no intake files found in the given paths (looked for *.yaml, *.yml, *.json)"));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let style = Style { color: g.color_stdout };
    let mut failed = 0usize;
    let mut json_items = Vec::new();
    if format == Format::Csv {
        out.write_all(&render::csv::line(render::csv::header(rs)))?;
    }
    for input in &inputs {
        let rec = score_input(rs, input);
        if let Record::Failed(f) = &rec {
            failed += 1;
            if format != Format::Table {
                // Errors also go to stderr so they are seen when stdout is piped.
                super::eprintln_safe(&render::table::failure(f).trim_end().to_string());
            }
        }
        match format {
            Format::Table => out.write_all(render::table::record(rs, &rec, style).as_bytes())?,
            Format::Jsonl => {
                serde_json::to_writer(&mut out, &render::json::record(rs, &rec)).map_err(|e| Failure::usage(e.to_string()))?;
                out.write_all(b"\n")?;
            }
            Format::Json => json_items.push(render::json::record(rs, &rec)),
            Format::Markdown => out.write_all(render::markdown::record(rs, &rec).as_bytes())?,
            Format::Csv => out.write_all(&render::csv::line(render::csv::row(rs, &rec)))?,
        }
        if format == Format::Table && inputs.len() > 1 {
            out.write_all(b"\n")?;
        }
        if failed > 0 && args.fail_fast {
            break;
        }
    }
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &json_items).map_err(|e| Failure::usage(e.to_string()))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if failed > 0 {
        super::eprintln_safe(&format!("{failed} of {} input(s) could not be scored", inputs.len()));
        Ok(1)
    } else {
        Ok(0)
    }
}
