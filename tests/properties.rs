//! Properties over arbitrary input (issue 7; see docs/security.md):
//!
//! - loading a rule set from arbitrary bytes, or reading and scoring an
//!   intake from arbitrary bytes, never panics (library calls, and a few
//!   runs of the binary);
//! - the JSON fast path never accepts what the full reader refuses, and
//!   agrees with it on every answer; the fast YAML reader gives the full
//!   YAML parser's tree whenever it gives one;
//! - scoring is deterministic.
//!
//! The third property of the issue, "raising the severity of any answer
//! never lowers the level under the default rules", is
//! `raising_one_answer_never_gives_less_care` (and its companions) in
//! `tests/default_rules.rs`; it is not repeated here.

use placement::cli::inputs::scoring::score_bytes;
use placement::diag::{SourceFile, Sources};
use placement::render::Record;
use placement::rules::{load::load_sources, load_default, RuleSet};
use placement::yaml::Limits;
use proptest::prelude::*;
use std::sync::OnceLock;

fn rs() -> &'static RuleSet {
    static RS: OnceLock<RuleSet> = OnceLock::new();
    RS.get_or_init(|| load_default().expect("default rules").rules)
}

/// Text that looks like an intake, with random changes: YAML/JSON
/// punctuation, question ids and option ids of the default rule set,
/// numbers at the edges, and arbitrary characters.
fn intakeish() -> impl Strategy<Value = String> {
    let ids: Vec<String> = rs().questions.iter().map(|q| q.id.clone()).collect();
    let token = prop_oneof![
        proptest::sample::select(ids),
        proptest::sample::select(vec![
            "intake",
            "answers",
            "declined",
            "placement",
            "level",
            "reason",
            "note",
            "comment",
            "acknowledged_flags",
            "id",
            "stable",
            "alcohol",
            "true",
            "false",
            "null",
            "yes",
            ".nan",
            "-.inf",
            "-0",
            "1e999",
            "99999999999999999999",
            "3",
            "0",
            "-1",
            "4.5",
            "\"3\"",
        ])
        .prop_map(str::to_string),
        proptest::sample::select(vec![
            ": ", "\n", "\n  ", "- ", "[", "]", "{", "}", ", ", "\"", "'", "&a ", "*a", "---\n",
            "#", "\t", "\r\n", "!!str ", "? ", "|\n  ", "\u{feff}", "\u{7f}", "\0",
        ])
        .prop_map(str::to_string),
        "\\PC{0,8}",
    ];
    (
        proptest::sample::select(vec![
            "intake: 1\nanswers:\n",
            "{\"intake\": 1, \"answers\": {",
            "",
        ]),
        proptest::collection::vec(token, 0..40),
    )
        .prop_map(|(head, toks)| format!("{head}{}", toks.concat()))
}

fn render(r: &Record) -> String {
    format!("{r:?}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scoring_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = score_bytes(rs(), &Limits::INTAKE, "x".into(), &bytes, 0);
    }

    #[test]
    fn reading_intake_like_text_never_panics_and_the_readers_agree(text in intakeish()) {
        let full = placement::intake::parse(&text, rs(), &Limits::INTAKE);
        if let Some(fast) = placement::intake::fast::parse(&text, rs(), &Limits::INTAKE) {
            let full = full.as_ref().map_err(|e| e.message());
            prop_assert!(full.is_ok(), "fast path accepted, full reader refused: {:?}", full);
            let full = full.unwrap();
            prop_assert_eq!(&fast.slots, &full.slots);
        }
        let l = Limits::INTAKE;
        if let Some(tree) = placement::yaml::fast::tree(&text, 0, l.max_depth, l.max_nodes) {
            let options = placement::yaml::tree::options(l.max_depth, l.max_nodes, l.max_aliases);
            let full = placement::yaml::tree::parse_tree(&text, 0, options);
            prop_assert_eq!(full.ok(), Some(tree), "the fast YAML reader disagrees with the full parser");
        }
        let _ = score_bytes(rs(), &Limits::INTAKE, "x".into(), text.as_bytes(), 0);
    }

    #[test]
    fn scoring_is_deterministic(text in intakeish()) {
        let a = score_bytes(rs(), &Limits::INTAKE, "x".into(), text.as_bytes(), 0);
        let b = score_bytes(rs(), &Limits::INTAKE, "x".into(), text.as_bytes(), 0);
        prop_assert_eq!(render(&a), render(&b));
    }

    #[test]
    fn loading_arbitrary_rule_text_never_panics(texts in proptest::collection::vec("\\PC{0,300}", 1..3)) {
        let files = texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| SourceFile { path: format!("r{i}.yaml"), rel_path: format!("r{i}.yaml"), text })
            .collect();
        if let Err(placement::rules::LoadError::Invalid { sources, diagnostics }) = load_sources(Sources { files }) {
            for d in &diagnostics {
                let _ = sources.render(d);
            }
        }
    }
}

/// Rule files with random damage: a line of the default rule set cut,
/// doubled or garbled. Every diagnostic renders.
#[test]
fn damaged_default_rule_files_never_panic() {
    use placement::rules::load::EMBEDDED;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = (0..EMBEDDED.len(), any::<usize>(), 0u8..4, "\\PC{0,6}");
    runner
        .run(&strategy, |(f, at, how, junk)| {
            let files: Vec<SourceFile> = EMBEDDED
                .iter()
                .enumerate()
                .map(|(i, (rel, text, _))| {
                    let mut text = text.to_string();
                    if i == f {
                        let mut at = at % (text.len() + 1);
                        while !text.is_char_boundary(at) {
                            at -= 1;
                        }
                        match how {
                            0 => text.truncate(at),
                            1 => text.insert_str(at, &junk),
                            2 => {
                                let dup = text[at..].lines().next().unwrap_or("").to_string();
                                text.insert_str(at, &format!("{dup}\n"));
                            }
                            _ => {
                                let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
                                text.replace_range(at..end, &junk);
                            }
                        }
                    }
                    SourceFile {
                        path: rel.to_string(),
                        rel_path: rel.to_string(),
                        text,
                    }
                })
                .collect();
            if let Err(placement::rules::LoadError::Invalid {
                sources,
                diagnostics,
            }) = load_sources(Sources { files })
            {
                for d in &diagnostics {
                    let _ = sources.render(d);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A few runs of the binary on random lines: never 101, the same output
/// twice, one record per line (or, for input read whole, at least one).
#[test]
fn the_binary_on_random_lines() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let lines = proptest::collection::vec(
        intakeish().prop_map(|s| s.replace(['\n', '\r'], " ")),
        1..30,
    );
    runner
        .run(&lines, |lines| {
            let input = lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| format!("{l}\n"))
                .collect::<String>();
            let n = input.lines().count();
            let run = || {
                assert_cmd::Command::cargo_bin("placement")
                    .unwrap()
                    .args(["score", "--format", "jsonl", "-"])
                    .write_stdin(input.clone())
                    .timeout(std::time::Duration::from_secs(20))
                    .output()
                    .unwrap()
            };
            let a = run();
            let b = run();
            prop_assert!(a.status.code() != Some(101));
            prop_assert!(matches!(a.status.code(), Some(0 | 1) | None) || n == 0);
            prop_assert_eq!(&a.stdout, &b.stdout);
            let records = String::from_utf8_lossy(&a.stdout).lines().count();
            // Input that starts with `[`, `---` or a `#` comment is read
            // whole, as one file of intakes (docs/score.md): at least one
            // record. Anything else is JSON Lines: one record per line.
            let first = input.trim_start();
            if ["[", "---", "#"].iter().any(|p| first.starts_with(p)) {
                prop_assert!(records >= 1, "no record for input read whole");
            } else {
                prop_assert_eq!(records, n);
            }
            Ok(())
        })
        .unwrap();
}
