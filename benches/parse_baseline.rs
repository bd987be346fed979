//! The parse-only baseline for `benches/batch.sh`: reads the same input as
//! `placement score` and deserializes each intake into `serde_json::Value`
//! maps, on one thread, and nothing else. Usage:
//! `parse_baseline jsonl < intakes.jsonl` or `parse_baseline dir FOLDER`
//! (YAML files, parsed as `serde_json::Value` through serde-saphyr).

#![allow(clippy::print_stderr)]

use std::io::{BufRead, Read};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("jsonl");
    let mut count = 0usize;
    let mut keys = 0usize;
    match mode {
        "jsonl" => {
            let stdin = std::io::stdin();
            let mut reader = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
            let mut line = String::new();
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                if line.trim().is_empty() {
                    continue;
                }
                if let Ok(serde_json::Value::Object(m)) =
                    serde_json::from_str::<serde_json::Value>(&line)
                {
                    keys += m.len();
                }
                count += 1;
            }
        }
        "dir" => {
            let dir = args.get(2).expect("folder");
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .expect("readable folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            paths.sort();
            for p in paths {
                let mut text = String::new();
                if std::fs::File::open(&p)
                    .and_then(|mut f| f.read_to_string(&mut text))
                    .is_err()
                {
                    continue;
                }
                if let Ok(serde_json::Value::Object(m)) =
                    serde_saphyr::from_str::<serde_json::Value>(&text)
                {
                    keys += m.len();
                }
                count += 1;
            }
        }
        other => {
            eprintln!("unknown mode {other}: use `jsonl` or `dir FOLDER`");
            std::process::exit(2);
        }
    }
    eprintln!("parsed {count} intakes ({keys} top-level keys)");
}
