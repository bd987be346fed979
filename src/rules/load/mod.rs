//! Loading a rule set: read the files, parse them, decode every construct,
//! check every reference and condition, and compile. All problems are
//! collected; a rule set with any error is never returned.
//!
//! The layer goes load -> check every problem -> compile ids to indexes and
//! conditions to typed trees. This file holds the entry points (the embedded
//! default, a path, sources in memory), reading the files, parsing them and
//! running the `Compiler` over them. The compiler's passes:
//!
//! - `compiler.rs`: the `Compiler` state and its shared helpers (duplicate
//!   ids, single and list keys, pending conditions);
//! - `ruleset.rs`: the header (`name`, `version`, `max_rating`...) and the
//!   order of the passes, with the checks on the rule set as a whole;
//! - `levels.rs`, `sections.rs`, `questions.rs`, `options_from.rs`,
//!   `instruments.rs`, `value_maps.rs`, `dimensions.rs`, `placement.rs`,
//!   `flags.rs`: one construct family each;
//! - `conditions/`: resolving the names in a condition against the rule set.

mod checks;
mod codes;
mod compiler;
mod conditions;
mod dimensions;
mod flags;
mod instruments;
mod levels;
mod options_from;
mod placement;
mod questions;
mod ruleset;
mod sections;
mod value_maps;

use super::files::{self, Boundary};
use super::model::RuleSet;
use crate::diag::{Diagnostic, Severity, SourceFile, Sources, Span};
use crate::pathname;
use crate::yaml::decode::Decoder;
use crate::yaml::{self, Kind, Limits, Node};
use compiler::Compiler;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Why a rule set could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The files could not be read (not a finding about their content).
    Io(String),
    /// The files were read, and these problems were found (errors first
    /// among them decide; warnings may be present too).
    Invalid {
        sources: Sources,
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(m) => f.write_str(m),
            LoadError::Invalid { diagnostics, .. } => {
                let n = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                write!(f, "the rule set has {n} error(s)")
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// A loaded rule set with the warnings its check found.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rules: RuleSet,
    pub warnings: Vec<Diagnostic>,
}

/// The default rule set's files, embedded at build time.
/// Each entry: file name, text, and the text pre-parsed at build time.
pub const EMBEDDED: &[(&str, &str, Option<&[u8]>)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Loads the embedded default rule set.
pub fn load_default() -> Result<Loaded, LoadError> {
    let files = EMBEDDED
        .iter()
        .map(|(rel, text, _)| SourceFile {
            path: format!("<default>/{rel}"),
            rel_path: rel.to_string(),
            text: text.to_string(),
        })
        .collect();
    // The trees parsed at build time spare start-up the YAML parse; a file
    // without one is parsed now.
    let trees = EMBEDDED
        .iter()
        .map(|(_, _, tree)| tree.and_then(crate::yaml::tree::decode))
        .collect();
    load_parsed(Sources { files }, trees, &Limits::RULES)
}

/// Loads a rule set from a file or a folder of `*.yaml` / `*.yml` files
/// (not its subfolders).
pub fn load_path(path: &Path, max_bytes: usize) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        LoadError::Io(format!(
            "cannot read rule set {}: {}",
            pathname::show(path),
            io_reason(&e)
        ))
    })?;
    let mut found = Vec::new();
    let mut read = |p: &Path, rel: String, boundary: Option<&Boundary>| -> Result<(), LoadError> {
        let text = files::read_text("rule file", p, boundary, max_bytes)
            .map_err(|r| LoadError::Io(r.0))?;
        found.push(SourceFile {
            path: pathname::show(p),
            rel_path: rel,
            text,
        });
        Ok(())
    };
    if meta.is_dir() {
        // The folder is a trust boundary: see `files`.
        let boundary = Boundary::new(path);
        let entries =
            files::yaml_entries("rule folder", path, None).map_err(|r| LoadError::Io(r.0))?;
        if entries.is_empty() {
            return Err(LoadError::Io(format!(
                "rule folder {} has no *.yaml or *.yml files",
                pathname::show(path)
            )));
        }
        for p in entries {
            let rel = p.file_name().map(pathname::show_os).unwrap_or_default();
            read(&p, rel, Some(&boundary))?;
        }
    } else {
        // A file named on the command line is read as named.
        let name = path
            .file_name()
            .map(pathname::show_os)
            .unwrap_or_else(|| pathname::show(path));
        read(path, name, None)?;
    }
    load_sources_limited(
        Sources { files: found },
        &Limits::RULES.with_max_bytes(max_bytes),
    )
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The fingerprint of a set of files: see `docs/rules.md`.
pub fn fingerprint(sources: &Sources) -> String {
    let mut files: Vec<&SourceFile> = sources.files.iter().collect();
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut h = Sha256::new();
    for f in files {
        h.update(f.rel_path.as_bytes());
        h.update([0]);
        h.update(f.text.len().to_string().as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
    }
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses, checks and compiles rule files already in memory.
pub fn load_sources(sources: Sources) -> Result<Loaded, LoadError> {
    load_sources_limited(sources, &Limits::RULES)
}

/// Like [`load_sources`], with other YAML limits (`--max-rules-bytes`).
pub fn load_sources_limited(sources: Sources, limits: &Limits) -> Result<Loaded, LoadError> {
    let trees = vec![None; sources.files.len()];
    load_parsed(sources, trees, limits)
}

/// Like [`load_sources`], with trees already parsed for some files.
fn load_parsed(
    sources: Sources,
    trees: Vec<Option<Node>>,
    limits: &Limits,
) -> Result<Loaded, LoadError> {
    let mut dec = Decoder::default();
    let mut docs = Vec::new();
    let mut unparsed = false;
    let mut empty = Vec::new();
    for ((i, f), tree) in sources.files.iter().enumerate().zip(trees) {
        let parsed = match tree {
            Some(n) => Ok(n),
            None => yaml::parse(&f.text, i as u32, limits),
        };
        match parsed {
            Ok(n) => {
                if n.kind == Kind::Null {
                    empty.push(i);
                }
                docs.push(n)
            }
            Err(d) => {
                unparsed = true;
                dec.push(d)
            }
        }
    }
    // An empty file is not an error (a placeholder is harmless), but never
    // silent: the rules it should hold may be lost. When every file is
    // empty, that is the one problem, not the missing `name`, `version`,
    // levels... that follow from it.
    let all_empty = !unparsed && !docs.is_empty() && empty.len() == docs.len();
    for &i in &empty {
        let f = &sources.files[i];
        let d = if all_empty {
            Diagnostic {
                severity: Severity::Error,
                ..Diagnostic::empty_file(f, i as u32, "the rule set is empty")
            }
        } else {
            Diagnostic::empty_file(f, i as u32, "it adds nothing to the rule set")
        };
        dec.push(d);
    }
    if all_empty {
        return Err(LoadError::Invalid {
            sources,
            diagnostics: dec.diags,
        });
    }
    let compiled = Compiler::new(&sources, &mut dec).compile(&docs);
    let mut diagnostics = dec.diags;
    if unparsed {
        // A file that does not parse leaves the set without its `name`,
        // its levels, the ids others refer to...: report the parse errors
        // alone, not what follows from them.
        diagnostics.retain(|d| d.code.starts_with("yaml-"));
    }
    sort_diagnostics(&sources, &mut diagnostics);
    match compiled {
        Some(mut rs) if !diagnostics.iter().any(|d| d.severity == Severity::Error) => {
            rs.sha256 = fingerprint(&sources);
            rs.sources = sources;
            Ok(Loaded {
                rules: rs,
                warnings: diagnostics,
            })
        }
        _ => {
            if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
                diagnostics.push(Diagnostic::error(
                    "missing-field",
                    Span::UNKNOWN,
                    "the rule set could not be compiled",
                ));
            }
            Err(LoadError::Invalid {
                sources,
                diagnostics,
            })
        }
    }
}

/// Stable order: file, line, column, code.
pub fn sort_diagnostics(sources: &Sources, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let pa = sources.path(&a.span);
        let pb = sources.path(&b.span);
        (pa, a.span.line, a.span.col, a.code).cmp(&(pb, b.span.line, b.span.col, b.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_trees_equal_parsing_the_text() {
        assert!(!EMBEDDED.is_empty());
        for (i, (name, text, tree)) in EMBEDDED.iter().enumerate() {
            let tree = tree.unwrap_or_else(|| panic!("{name} has no pre-parsed tree"));
            let decoded = crate::yaml::tree::decode(tree).expect("decodes");
            let parsed = yaml::parse(text, i as u32, &Limits::RULES).expect("parses");
            assert_eq!(decoded, parsed, "{name}");
        }
    }

    #[test]
    fn decode_rejects_truncated_trees() {
        let (_, _, tree) = EMBEDDED[0];
        let tree = tree.expect("tree");
        for cut in [0, 1, tree.len() / 2, tree.len() - 1] {
            assert_eq!(crate::yaml::tree::decode(&tree[..cut]), None);
        }
    }
}
