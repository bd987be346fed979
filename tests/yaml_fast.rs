//! The fast YAML reader (`yaml_fast::tree`) against the full parser: for
//! every text it accepts, the tree (values and spans) is the full parser's.
//! It must also accept the files that tools and people usually write.

use placement::rules::load::EMBEDDED;
use placement::yaml::fast as yaml_fast;
use placement::yaml::tree::{options, parse_tree};
use placement::yaml::{Limits, Node};
use proptest::prelude::*;
use std::path::Path;

fn full(text: &str) -> Option<Node> {
    let l = Limits::INTAKE;
    parse_tree(text, 0, options(l.max_depth, l.max_nodes, l.max_aliases)).ok()
}

fn fast(text: &str) -> Option<Node> {
    let l = Limits::INTAKE;
    yaml_fast::tree(text, 0, l.max_depth, l.max_nodes)
}

/// Whatever the fast reader accepts, the full parser reads to the same
/// tree. Returns whether the fast reader accepted it.
fn agree(text: &str) -> bool {
    match fast(text) {
        Some(tree) => {
            assert_eq!(
                Some(&tree),
                full(text).as_ref(),
                "fast and full trees differ for:\n{text}"
            );
            true
        }
        None => false,
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn agrees_on_every_file_in_the_repository() {
    let mut paths = Vec::new();
    for dir in ["examples", "rules", "tests/hostile", "tests/fixtures"] {
        files_under(Path::new(dir), &mut paths);
    }
    let mut accepted = 0;
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        accepted += usize::from(agree(text.strip_prefix('\u{feff}').unwrap_or(&text)));
    }
    assert!(paths.len() > 100, "{} files", paths.len());
    // The example intakes are all plain YAML.
    let examples: Vec<_> = paths
        .iter()
        .filter(|p| p.starts_with("examples/intakes") && p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    assert_eq!(examples.len(), 6);
    for p in examples {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            fast(&text).is_some(),
            "{} is not read by the fast reader",
            p.display()
        );
    }
    assert!(accepted >= 5);
}

#[test]
fn reads_what_placement_writes() {
    let loaded = placement::rules::load::load_default().unwrap();
    let rs = &loaded.rules;
    for n in 1..=200 {
        let intake = placement::sample::intake(rs, 3, n);
        // `placement sample --format yaml` (serde-saphyr's writer).
        let text = serde_saphyr::to_string(&placement::intake::to_json(rs, &intake)).unwrap();
        assert!(
            agree(&text),
            "sample {n} not read by the fast reader:\n{text}"
        );
        // `placement assess` (flow mappings, quoted text).
        let text = placement::intake::to_yaml(rs, &intake);
        assert!(
            agree(&text),
            "assess file {n} not read by the fast reader:\n{text}"
        );
    }
}

#[test]
fn spans_and_values_of_each_construct() {
    let accepted = [
        "a: 1\n",
        "a: 1",
        "# c\n\na: -5 # note\nb: 0\n",
        "a:\nb: ~\nc: null\nd:   \n",
        "a: # nothing yet\nb: 1\nc:   # nor here\n",
        "a: \"2026-0001\"\nb: 'it''s'\nc: \"tab\\there \\\"q\\\" \\u00e9 \\/ \\\\\"\n",
        "a: héllo wörld  \nb: x\n",
        "answers: # c\n  # inner\n  s:\n  -   alcohol\n  -  \"x\"\n  k: 1 # c\n",
        "a:\n- x\n- [w]\n- {z: 1}\n",
        "a:\n    - x\n    - w\nb: 2\n",
        "a: {b: [c, \"d\"], e: {}, f: []}\n",
        "a: [ x , w ]\nb: [ ]\n",
        "r: {name: default, version: \"1.0.0\", sha256: \"0a\"}\nacknowledged_flags:\n  - {id: a, at: \"b\", by: 'c'}\n",
        "a:\n  b:\n    c: true\n  d: false\n",
        "text: Don't stop, it's fine. Really!\n",
        "a: x y z\n",
        "k_1-x: v\n",
        "a: -0x\n",
        "b: [\"é\", 'ü']\n",
        "c: \"\\u2028\"\n",
        "d: \"\\u0085x\"\n",
        "e: '#not a comment'\n",
        "f: \"a # b\"\n",
    ];
    let mut missed = Vec::new();
    for text in accepted {
        if !agree(text) {
            missed.push(text);
        }
    }
    // `-0x` is left to the full reader; everything else is read.
    assert_eq!(missed, ["a: -0x\n"]);
}

#[test]
fn leaves_everything_else_to_the_full_parser() {
    let refused = [
        "",
        "# only a comment\n",
        "  a: 1\n",
        "a: 1\r\n",
        "a:\t1\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: yes\n",
        "a: True\n",
        "a: NULL\n",
        "a: 007\n",
        "a: -0\n",
        "a: 1.5\n",
        "a: .inf\n",
        "a: 1e3\n",
        "a: 0x10\n",
        "a: +5\n",
        "a: 12345678901234567890\n",
        "a: 2026-01-02\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: b: c\n",
        "a: b:c\n",
        "a:b\n",
        "a : 1\n",
        "\"a\": 1\n",
        "? a\n: 1\n",
        "a: x#y\n",
        "a: \"x\"#y\n",
        "a: 'x'y\n",
        "a: \"open\n  close\"\n",
        "a: plain\n  continued\n",
        "a: [x,\n  y]\n",
        "a: [x, ]\n",
        "a: [x y]\n",
        "a: {b:1}\n",
        "a: {b}\n",
        "a: [[[[[[[[x]]]]]]]]\n",
        "a: \"\\x41\"\n",
        "a: \"\\ud800\"\n",
        "a:\n- \n",
        "a:\n- - x\n",
        "a:\n- b: 1\n",
        "a:\n  - x\n  b: 1\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: 1\n  b: 2\n",
        "- a\n- b\n",
        "{a: 1}\n",
        "a: 1\n...\n",
        "a: \u{85}\n",
        "a: x\u{feff}\n",
        "a: \u{7f}\n",
        "on: 1\n",
        "n: 1\n",
        "é: 1\n",
        "a: [x, y]\n",
    ];
    // Keys the full parser refuses for their length (over 1,024
    // characters), and any key near that.
    let long = "k".repeat(1100);
    let near = "k".repeat(200);
    let generated = [
        format!("{long}: 1\n"),
        format!("a: {{{long}: 1}}\n"),
        format!("{near}: 1\n"),
    ];
    let mut taken = Vec::new();
    for text in refused
        .iter()
        .copied()
        .chain(generated.iter().map(String::as_str))
    {
        if fast(text).is_some() {
            taken.push(text.to_string());
        }
    }
    assert!(taken.is_empty(), "the fast reader took: {taken:?}");
}

/// Comment lines are skipped by both readers, however many there are, also
/// where the full parser looks ahead for a key's value (found by fuzzing:
/// with comments kept, it refused more than 32 there).
#[test]
fn many_comments_after_a_key() {
    let comments = "# not now\n\n".repeat(40);
    for text in [
        format!("e:\n{comments}"),
        format!("e:\n{comments}f: 1\n"),
        format!("e:\n{comments}  f: 1\n"),
        format!("e:\n{comments}- f\n"),
    ] {
        assert!(full(&text).is_some(), "{text}");
        assert!(agree(&text), "{text}");
    }
}

#[test]
fn depth_and_size_stay_inside_the_limits() {
    // Nesting near the depth limit goes to the full parser, which reports it.
    let mut text = String::new();
    for d in 0..20 {
        text.push_str(&format!("{}k{d}:\n", "  ".repeat(d)));
    }
    text.push_str(&format!("{}v: 1\n", "  ".repeat(20)));
    assert!(fast(&text).is_none());
    assert!(yaml_fast::tree(&text, 0, 64, 100_000).is_some());
    // As many values as the limit allows, or more: the full parser.
    let many: String = (0..20_000).map(|i| format!("k{i}: {i}\n")).collect();
    assert!(fast(&many).is_none());
    assert!(yaml_fast::tree(&many, 0, 16, 1_000_000).is_some());
}

#[test]
fn the_embedded_rule_files_agree() {
    let mut accepted = 0;
    for (_, text, _) in EMBEDDED {
        let l = Limits::RULES;
        if let Some(tree) = yaml_fast::tree(text, 0, l.max_depth, l.max_nodes) {
            let full = parse_tree(text, 0, options(l.max_depth, l.max_nodes, l.max_aliases)).ok();
            assert_eq!(Some(tree), full);
            accepted += 1;
        }
    }
    // Rule files use block scalars and colons in text: mostly the full parser.
    assert!(accepted <= EMBEDDED.len());
}

/// Pieces of YAML, plain and tricky, for random files.
const KEYS: &[&str] = &[
    "a", "b", "age", "k_1", "y", "on", "No", "x-y", "\"q\"", "é", "a b", "1",
];
const VALUES: &[&str] = &[
    "1",
    "-5",
    "0",
    "-0",
    "007",
    "12345678901234567890",
    "1.5",
    "1e3",
    "0x1f",
    "+3",
    ".inf",
    "true",
    "True",
    "false",
    "null",
    "Null",
    "~",
    "yes",
    "off",
    "a",
    "a b",
    "a  b ",
    "a #c",
    "a#b",
    "x: y",
    "Don't",
    "it's, fine.",
    "\"x\\\"y\"",
    "\"\\u00e9\\n\"",
    "\"\\x41\"",
    "'it''s'",
    "'a'b",
    "\"a\" # c",
    "\"a\"#c",
    "[a, b]",
    "[a,b]",
    "[ a , 1 ]",
    "[]",
    "[a, ]",
    "[a, [b, c]]",
    "{a: 1}",
    "{a:1}",
    "{}",
    "{a: [b]}",
    "{a: 1, b: \"2\"}",
    "|",
    "&x 1",
    "*x",
    "!!str 1",
    "é ü",
    "\"unterminated",
    "-",
    "- a",
    "2026-01-02",
    "1_000",
    "#",
    "a:",
    "[a]x",
    "{a: 1} # c",
    "'#'",
];

/// A random document built from the pieces: mostly well-formed block
/// mappings and lists (so the fast reader takes many of them), with tricky
/// values, odd indentation and comments mixed in.
fn document(seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    fn map(next: &mut impl FnMut(usize) -> usize, indent: usize, depth: usize, out: &mut String) {
        let plain = ["a", "b", "age", "k_1", "x-y", "note", "answers", "phq9_1"];
        for _ in 0..1 + next(4) {
            let pad = " ".repeat(indent);
            let key = if next(10) == 0 {
                KEYS[next(KEYS.len())]
            } else {
                plain[next(plain.len())]
            };
            match next(if depth < 3 { 8 } else { 5 }) {
                0..=3 => {
                    let value = VALUES[next(VALUES.len())];
                    out.push_str(&format!("{pad}{key}: {value}\n"));
                }
                4 => out.push_str(&format!("{pad}{key}:\n")),
                5 => {
                    out.push_str(&format!("{pad}{key}:{}\n", ["", " # c", "  "][next(3)]));
                    let inner = indent + [2, 4, 1][next(3)];
                    map(next, inner, depth + 1, out);
                }
                _ => {
                    out.push_str(&format!("{pad}{key}:\n"));
                    let dash = indent + [0, 2, 4][next(3)];
                    for _ in 0..1 + next(3) {
                        let value = VALUES[next(VALUES.len())];
                        out.push_str(&format!(
                            "{}-{}{value}\n",
                            " ".repeat(dash),
                            " ".repeat(1 + next(2))
                        ));
                    }
                }
            }
            match next(12) {
                0 => out.push_str(&format!("{}# comment\n", " ".repeat(next(5)))),
                1 => out.push('\n'),
                // A long run of comments (the full parser once refused
                // more than 32 after a key with no value).
                2 if next(3) == 0 => out.push_str(&"#\n".repeat(40)),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    if next(8) == 0 {
        out.push_str("# leading comment\n");
    }
    map(&mut next, 0, 0, &mut out);
    if next(4) == 0 {
        out.pop();
    }
    out
}

#[test]
fn random_documents_are_mostly_taken() {
    let taken = (0..2000u64).filter(|&s| agree(&document(s))).count();
    assert!(
        taken > 300,
        "only {taken} of 2000 random documents were read fast"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// Random documents: the readers agree whenever the fast one reads it.
    #[test]
    fn random_documents_agree(seed in any::<u64>()) {
        agree(&document(seed));
    }
}

#[test]
fn a_digest_that_starts_with_a_digit_takes_the_fast_path_as_text() {
    let digest = "2de83eb74fc6d030fcfe3f90e36d4dbf7ff8e938b6a3ef82b6cb353d83e54353";
    let text = format!("intake: 1\nrules:\n  sha256: {digest}\n");
    assert!(agree(&text), "a digest must take the fast path");
    // Digits and `e` alone could read as a number: the full parser decides.
    let numberish = format!("intake: 1\nrules:\n  sha256: 1e{}\n", "5".repeat(62));
    assert!(!agree(&numberish));
    // Not 64 characters: not a digest.
    assert!(!agree("intake: 1\nrules:\n  sha256: 2de83eb7\n"));
}
