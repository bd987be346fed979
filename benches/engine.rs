//! Criterion benchmarks of the stages one intake goes through in
//! `placement score`, on 64 fictional intakes from `placement sample`:
//! reading (JSON fast path, fast YAML reader, the full YAML parser for
//! comparison, and the parse-only baseline of `benches/batch.sh`), scoring,
//! rendering, and all of it from bytes to a record. Whole runs, with the
//! speed targets, are timed by `benches/batch.sh`.
//!
//! `cargo bench --bench engine`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use placement::cli::inputs::scoring::score_bytes;
use placement::intake::fast as intake_fast;
use placement::intake::{self, Intake};
use placement::render::{json::Cache, Record};
use placement::rules::load_default;
use placement::yaml::tree::{options, parse_tree};
use placement::yaml::Limits;
use std::hint::black_box;

const N: usize = 64;

fn benches(c: &mut Criterion) {
    let loaded = load_default().expect("default rules");
    let rs = &loaded.rules;
    let limits = Limits::INTAKE;
    let values: Vec<serde_json::Value> = (1..=N as u64)
        .map(|n| intake::to_json(rs, &placement::sample::intake(rs, 7, n)))
        .collect();
    let json: Vec<String> = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap())
        .collect();
    let yaml: Vec<String> = values
        .iter()
        .map(|v| serde_saphyr::to_string(v).unwrap())
        .collect();
    let intakes: Vec<Intake> = json
        .iter()
        .map(|t| intake_fast::parse(t, rs, &limits).expect("fast path"))
        .collect();

    c.bench_function("load the default rule set", |b| {
        b.iter(|| load_default().expect("default rules"))
    });

    let mut g = c.benchmark_group("per intake");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: JSON into serde_json::Value", |b| {
        b.iter(|| {
            for t in &json {
                black_box(serde_json::from_str::<serde_json::Value>(t).unwrap());
            }
        })
    });
    g.bench_function("read JSON (fast path)", |b| {
        b.iter(|| {
            for t in &json {
                black_box(intake_fast::parse(t, rs, &limits).unwrap());
            }
        })
    });
    g.bench_function("read YAML (fast reader)", |b| {
        b.iter(|| {
            for t in &yaml {
                black_box(intake::parse(t, rs, &limits).unwrap());
            }
        })
    });
    g.bench_function("parse YAML (full parser, tree only)", |b| {
        let o = || options(limits.max_depth, limits.max_nodes, limits.max_aliases);
        b.iter(|| {
            for t in &yaml {
                black_box(parse_tree(t, 0, o()).unwrap());
            }
        })
    });
    g.bench_function("score", |b| {
        b.iter(|| {
            for it in &intakes {
                black_box(placement::engine::score(rs, it));
            }
        })
    });
    let cache = Cache::new(rs);
    let records: Vec<Record> = json
        .iter()
        .map(|t| score_bytes(rs, &limits, "bench".into(), t.as_bytes(), 0))
        .collect();
    g.bench_function("render a JSON record", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(N * 4096),
            |out: &mut Vec<u8>| {
                for r in &records {
                    placement::render::json::write_record(rs, &cache, r, out);
                }
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("JSON bytes to a scored record", |b| {
        b.iter(|| {
            for t in &json {
                black_box(score_bytes(rs, &limits, "bench".into(), t.as_bytes(), 0));
            }
        })
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
