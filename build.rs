//! Embeds the default rule set (`rules/*.yaml`) into the binary, with each
//! file also pre-parsed into the spanned tree the loader works on (see
//! `src/yaml/tree.rs`), so that start-up does not parse YAML. A file that
//! does not parse gets no tree; the loader then parses it at run time and
//! reports the problem with its place.

#[allow(dead_code)]
#[path = "src/diag/span.rs"]
mod span;
use span::Span;

#[allow(dead_code)]
#[path = "src/yaml/tree.rs"]
mod yaml_tree;

use std::fmt::Write as _;
use std::path::Path;

/// Must match `Limits::RULES` in `src/yaml/mod.rs`.
const RULES_DEPTH: usize = 64;
const RULES_NODES: usize = 100_000;
const RULES_ALIASES: usize = 1_000;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=src/yaml/tree.rs");
    println!("cargo:rerun-if-changed=src/diag/span.rs");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| (n.ends_with(".yaml") || n.ends_with(".yml")) && !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("&[\n");
    for (i, n) in names.iter().enumerate() {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let options = yaml_tree::options(RULES_DEPTH, RULES_NODES, RULES_ALIASES);
        let tree = match yaml_tree::parse_tree(&text, i as u32, options) {
            Ok(node) => {
                let mut bytes = Vec::new();
                yaml_tree::encode(&node, &mut bytes);
                let tree_path = Path::new(&out_dir).join(format!("{n}.tree"));
                std::fs::write(&tree_path, bytes).expect("write tree");
                format!(
                    "Some(include_bytes!({:?}))",
                    tree_path.display().to_string()
                )
            }
            Err(_) => "None".to_string(),
        };
        let _ = writeln!(
            out,
            "    ({n:?}, include_str!({:?}), {tree}),",
            path.display().to_string()
        );
    }
    out.push(']');
    let dest = Path::new(&out_dir).join("embedded_rules.rs");
    std::fs::write(dest, out).expect("write embedded_rules.rs");
}
