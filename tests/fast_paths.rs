//! The fast readers accept exactly what the full reader accepts, and read
//! it the same: whenever the JSON fast path (straight into slots) gives an
//! intake, the full reader gives the same one, and whenever the fast YAML
//! reader gives a tree, the full YAML parser gives the same tree.

use placement::intake::fast as intake_fast;
use placement::intake::{self, Intake};
use placement::rules::{load_default, RuleSet};
use placement::yaml::fast as yaml_fast;
use placement::yaml::tree::{options, parse_tree};
use placement::yaml::Limits;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

fn check(rs: &RuleSet, name: &str, text: &str) -> bool {
    let limits = Limits::INTAKE;
    let full: Option<Intake> = intake::parse(text, rs, &limits).ok();
    let mut accepted = false;
    if let Some(fast) = intake_fast::parse(text, rs, &limits) {
        accepted = true;
        assert_eq!(
            full.as_ref(),
            Some(&fast),
            "{name}: the JSON fast reader disagrees with the full reader"
        );
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(tree) = yaml_fast::tree(text, 0, limits.max_depth, limits.max_nodes) {
        accepted = true;
        let options = options(limits.max_depth, limits.max_nodes, limits.max_aliases);
        assert_eq!(
            parse_tree(text, 0, options).ok().as_ref(),
            Some(&tree),
            "{name}: the fast YAML reader disagrees with the full parser"
        );
    }
    accepted
}

#[test]
fn fast_readers_agree_with_the_full_reader_on_every_shipped_file() {
    let rs = load_default().expect("default rules").rules;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("examples/intakes"), &mut paths);
    files(&root.join("tests/hostile"), &mut paths);
    let mut accepted = 0;
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        if check(&rs, &p.display().to_string(), &text) {
            accepted += 1;
        }
    }
    // Every example is read by a fast reader.
    assert!(accepted >= 10, "only {accepted} files took a fast path");
}

#[test]
fn fast_readers_agree_on_sampled_intakes_in_both_formats() {
    let rs = load_default().expect("default rules").rules;
    for n in 1..=300 {
        let it = placement::sample::intake(&rs, 11, n);
        let value = intake::to_json(&rs, &it);
        let json = serde_json::to_string(&value).unwrap();
        let yaml = serde_saphyr::to_string(&value).unwrap();
        assert!(
            check(&rs, &format!("sample {n} (json)"), &json),
            "sample {n}: JSON fast path"
        );
        assert!(
            check(&rs, &format!("sample {n} (yaml)"), &yaml),
            "sample {n}: YAML fast path"
        );
        // Small changes a fast reader must handle like the full reader.
        for (from, to) in [
            ("\"age\":", "\"agee\":"),
            ("true", "\"yes\""),
            (": 1,", ": 1.0,"),
            // An exclusive option ticked with others (or twice).
            ("\"substances\":[", "\"substances\":[\"none\","),
        ] {
            check(
                &rs,
                &format!("sample {n} edited"),
                &json.replacen(from, to, 1),
            );
        }
        for (from, to) in [
            ("age:", "agee:"),
            (": true", ": yes"),
            ("intake: 1", "intake: 2"),
        ] {
            check(
                &rs,
                &format!("sample {n} edited"),
                &yaml.replacen(from, to, 1),
            );
        }
    }
}

#[test]
fn an_exclusive_option_ticked_with_another_takes_no_fast_path() {
    let rs = load_default().expect("default rules").rules;
    let limits = Limits::INTAKE;
    let json = r#"{"intake": 1, "answers": {"age": 40, "substances": ["alcohol", "none"]}}"#;
    assert_eq!(intake_fast::parse(json, &rs, &limits), None);
    let e = intake::parse(json, &rs, &limits).expect_err("an error");
    assert_eq!(
        (e.first.code, e.first.span.line, e.first.span.col),
        ("exclusive-option", 1, 52)
    );
    assert_eq!(
        e.message(),
        "`substances`: an exclusive option is ticked together with other options"
    );
    let yaml = "intake: 1\nanswers:\n  age: 40\n  substances: [none, alcohol]\n";
    assert!(check(&rs, "yaml", yaml), "the fast YAML reader takes it");
    let e = intake::parse(yaml, &rs, &limits).expect_err("an error");
    assert_eq!(
        (e.first.code, e.first.span.line, e.first.span.col),
        ("exclusive-option", 4, 15)
    );
    // Alone it is an answer, on every path.
    let alone = r#"{"intake": 1, "answers": {"age": 40, "substances": ["none"]}}"#;
    assert!(check(&rs, "alone", alone));
    assert!(intake_fast::parse(alone, &rs, &limits).is_some());
}
