//! Criterion benchmarks of `rules check`'s analyses (everything after
//! loading): the default rules, the ten-dimension fixture
//! (`tests/fixtures/wide`, 5^10 rating vectors) as it is (every analysis
//! proved) and with one minimums row that goes down (refuted), and the
//! costly fixture of issue 13 (`tests/fixtures/cost`). The figures are in
//! `docs/performance.md`.
//!
//! `cargo bench --bench analyses`

use criterion::{criterion_group, criterion_main, Criterion};
use placement::check::analyses::analyze;
use placement::diag::{SourceFile, Sources};
use placement::rules::load::load_sources;
use placement::rules::{load_default, load_path, RuleSet};
use std::hint::black_box;
use std::path::Path;

fn from_text(name: &str, text: String) -> RuleSet {
    let files = vec![SourceFile {
        path: name.into(),
        rel_path: name.into(),
        text,
    }];
    load_sources(Sources { files })
        .unwrap_or_else(|_| panic!("{name} loads"))
        .rules
}

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = load_default().expect("default rules").rules;
    let wide_text =
        std::fs::read_to_string(root.join("tests/fixtures/wide/10-dimensions.yaml")).unwrap();
    let wide = from_text("wide.yaml", wide_text.clone());
    let bad_row = "    work: [outpatient, outpatient, iop, outpatient, iop]";
    let wide_bad = from_text(
        "wide-bad.yaml",
        wide_text.replace(
            "    work: [outpatient, outpatient, outpatient, iop, iop]",
            bad_row,
        ),
    );
    let cost = load_path(&root.join("tests/fixtures/cost"), 1 << 20)
        .expect("cost fixture")
        .rules;

    let mut g = c.benchmark_group("rules check analyses");
    g.sample_size(20);
    g.bench_function("default rules", |b| b.iter(|| black_box(analyze(&default))));
    g.bench_function("10 dimensions, proved", |b| {
        b.iter(|| black_box(analyze(&wide)))
    });
    g.bench_function("10 dimensions, one row goes down", |b| {
        b.iter(|| black_box(analyze(&wide_bad)))
    });
    g.bench_function("wide instruments (issue 13)", |b| {
        b.iter(|| black_box(analyze(&cost)))
    });
    g.finish();
}

criterion_group!(analyses, benches);
criterion_main!(analyses);
