//! `ARCHITECTURE.md` is kept true by these tests: its code map names every
//! module in `src/` and nothing that is not there; no module imports from a
//! layer above its own; no source file grows past 600 lines; only the
//! command line and the terminal interview touch the process's standard
//! streams; and no id of the default rule set is written into `src/`.

use placement::rules::load_default;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LONGEST_FILE: usize = 600;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md")
}

/// The `## title` section of ARCHITECTURE.md, up to the next `## `.
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let head = format!("\n## {title}\n");
    let start = doc
        .find(&head)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no `## {title}` section"))
        + head.len();
    let end = doc[start..].find("\n## ").map_or(doc.len(), |e| start + e);
    &doc[start..end]
}

/// Every `.rs` file under `src/` with its module path (`rules::load` for
/// `src/rules/load/mod.rs`); `lib.rs` and `main.rs` are the crate roots.
fn source_files() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src/") {
            let path = entry.expect("read src/").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        out.push((parts.join("::"), path.clone()));
    }
    out
}

/// The modules a reader of the code map should find: every module but the
/// crate roots and the `tests` modules that hold unit tests.
fn modules() -> BTreeSet<String> {
    source_files()
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| m != "lib" && m != "main" && !m.ends_with("::tests") && m != "tests")
        .collect()
}

/// The module paths the code map names: the first backquoted word of each
/// `### ` heading and of each `- ` entry.
fn named_in_code_map() -> Vec<String> {
    let doc = architecture();
    let map = section(&doc, "Code map");
    let mut out = Vec::new();
    for line in map.lines() {
        let line = line.trim_start();
        let Some(rest) = line
            .strip_prefix("### `")
            .or_else(|| line.strip_prefix("- `"))
        else {
            continue;
        };
        let name = rest.split('`').next().unwrap_or("");
        out.push(name.to_string());
    }
    out
}

#[test]
fn the_code_map_names_every_module_and_only_modules_that_exist() {
    let named = named_in_code_map();
    let have = modules();
    let named_set: BTreeSet<String> = named.iter().cloned().collect();
    let missing: Vec<&String> = have.difference(&named_set).collect();
    let stale: Vec<&String> = named_set.difference(&have).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "ARCHITECTURE.md's code map is out of date.\n\
         Modules in src/ it does not name: {missing:?}\n\
         Names in it that are no module in src/: {stale:?}"
    );
    let mut seen = BTreeSet::new();
    let twice: Vec<&String> = named.iter().filter(|n| !seen.insert(*n)).collect();
    assert!(twice.is_empty(), "named twice in the code map: {twice:?}");
}

/// The layers, lowest first: each numbered line of `## Layers` lists the
/// top-level modules of one layer before its ` — `.
fn layers() -> BTreeMap<String, usize> {
    let doc = architecture();
    let mut out = BTreeMap::new();
    for line in section(&doc, "Layers").lines() {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let Ok(layer) = number.trim().parse::<usize>() else {
            continue;
        };
        let names = rest.split(" — ").next().unwrap_or("");
        for name in names.split('`').skip(1).step_by(2) {
            assert!(
                out.insert(name.to_string(), layer).is_none(),
                "`{name}` is in two layers"
            );
        }
    }
    out
}

#[test]
fn every_top_level_module_is_in_one_layer() {
    let layers = layers();
    let top: BTreeSet<String> = modules()
        .iter()
        .map(|m| m.split("::").next().unwrap().to_string())
        .collect();
    let listed: BTreeSet<String> = layers.keys().cloned().collect();
    assert_eq!(top, listed, "the `## Layers` list of ARCHITECTURE.md");
}

/// The code of a source line without its comment (`//` outside a string
/// is rare enough in this crate's `use` lines and paths to cut at).
fn code_of(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find(" //") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// Every `crate::x` a line of code names.
fn crate_paths(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        // `placement::x` in doc tests and `$crate::` in macros are not ours
        let before = &rest[..i];
        if !before.ends_with('$') && !before.ends_with('_') {
            out.push(&after[..end]);
        }
        rest = &after[end..];
    }
    out
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let layers = layers();
    let mut upward = Vec::new();
    for (module, path) in source_files() {
        let top = module.split("::").next().unwrap();
        let Some(&own) = layers.get(top) else {
            continue; // lib.rs and main.rs sit above every layer
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in crate_paths(code_of(line)) {
                let Some(&theirs) = layers.get(used) else {
                    continue;
                };
                if theirs > own {
                    upward.push(format!(
                        "src/{}:{}: `{top}` (layer {own}) uses `{used}` (layer {theirs})",
                        path.strip_prefix(root().join("src")).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that go up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let long: Vec<String> = source_files()
        .into_iter()
        .filter_map(|(_, path)| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > LONGEST_FILE).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by concept: {long:?}");
}

#[test]
fn only_the_command_line_and_the_terminal_interview_touch_standard_streams() {
    let allowed = |m: &str| {
        m == "main" || m == "cli" || m.starts_with("cli::") || m.starts_with("assess::terminal")
    };
    let streams = [
        "stdout()",
        "stderr()",
        "stdin()",
        "print!(",
        "println!(",
        "eprint!(",
        "eprintln!(",
        "dbg!(",
    ];
    let mut found = Vec::new();
    for (module, path) in source_files() {
        if allowed(&module) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = code_of(line);
            if let Some(s) = streams.iter().find(|s| code.contains(*s)) {
                found.push(format!("{}:{}: {s}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "the library never prints: {found:?}");
}

/// Clinical logic is data: no id of the default rule set (a question, an
/// instrument, a dimension, a level, a flag, a support, an exclusion or an
/// override reason) is written as a string in `src/`, outside unit tests.
#[test]
fn no_id_of_the_default_rules_is_written_in_src() {
    let rs = load_default().expect("default rules").rules;
    let mut ids: BTreeSet<String> = BTreeSet::new();
    ids.extend(rs.questions.iter().map(|q| q.id.clone()));
    ids.extend(rs.instruments.iter().map(|i| i.id.clone()));
    ids.extend(rs.dimensions.iter().map(|d| d.id.clone()));
    ids.extend(rs.levels.iter().map(|l| l.id.clone()));
    ids.extend(rs.flags.iter().map(|f| f.id.clone()));
    ids.extend(rs.exclusions.iter().map(|e| e.id.clone()));
    ids.extend(rs.supports.iter().map(|s| s.id.clone()));
    ids.extend(rs.override_reasons.iter().map(|o| o.id.clone()));
    // Keys of the intake format (docs/intake.md) that the default rules
    // also happen to use as an id: the format's own words, not clinical
    // logic (`not_applicable` lists questions that do not apply to the
    // person; the override reason of that name is another thing).
    ids.remove("not_applicable");
    let mut found = Vec::new();
    for (module, path) in source_files() {
        if module.ends_with("::tests") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // unit tests at the bottom of a file may use the default rules
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            let code = code_of(line);
            for literal in code.split('"').skip(1).step_by(2) {
                if ids.contains(literal) {
                    found.push(format!("{}:{}: \"{literal}\"", path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "ids of the default rules in src/: {found:?}"
    );
    assert!(ids.len() > 100, "read {} ids", ids.len());
}

#[test]
fn the_layers_and_code_map_sections_parse() {
    // A guard for the guards above: an empty parse would pass them all.
    assert!(layers().len() >= 10, "{:?}", layers());
    assert!(named_in_code_map().len() >= 40);
    assert!(Path::new(&root().join("src/lib.rs")).exists());
}
