//! Missing-answer reasoning on the default rules (issue 15), in two
//! tables for `docs/performance.md`:
//!
//! 1. Scoring time of single incomplete intakes over 100,000 removal
//!    patterns (`tests/common/removal.rs`: 10 %, 30 % and 60 % of answers,
//!    whole sections, screening only, `age` and `substances` with 10 %, 1
//!    to 6 answers). Each intake is scored three times and its fastest run
//!    counts, so that a scheduler pause is not taken for the intake's cost;
//!    the table gives the slowest intake, the 99.9th percentile and the
//!    mean, per pattern. Target: the slowest under 2 ms.
//! 2. How exact `could_raise` is: for the first 10,000 of those intakes,
//!    every question it lists is checked by `exact_could_raise` (a search
//!    over completions); listed questions no completion makes take part are
//!    false positives.
//!
//! `cargo bench --bench missing_answers`
//! (`MISSING_N=…` and `MISSING_EXACT=…` change the counts.)

#![allow(clippy::print_stdout, clippy::print_stderr)] // a report on the terminal

use placement::engine::missing::exact_could_raise;
use placement::engine::score_slots;
use placement::rules::load_default;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../tests/common/removal.rs"]
mod removal;

/// Evaluations the search may spend on one question before it counts the
/// question as undecided.
const EXACT_BUDGET: usize = 10_000;

fn count(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let loaded = load_default().expect("default rules");
    let rs = &loaded.rules;
    let n = count("MISSING_N", 100_000);
    let exact_n = count("MISSING_EXACT", 10_000).min(n);
    eprintln!("sampling {n} incomplete intakes ...");
    let intakes: Vec<(usize, Vec<placement::intake::Slot>)> =
        (0..n).map(|i| removal::intake(rs, 1, i)).collect();

    let k = removal::PATTERNS.len();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); k];
    let mut slowest: Vec<(Duration, u64)> = vec![(Duration::ZERO, 0); k];
    let mut missing = vec![0usize; k];
    for (i, (p, slots)) in intakes.iter().enumerate() {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let a = black_box(score_slots(rs, black_box(slots)));
            best = best.min(t.elapsed());
            missing[*p] = missing[*p].max(a.missing.len());
        }
        times[*p].push(best);
        if best > slowest[*p].0 {
            slowest[*p] = (best, i as u64);
        }
    }
    println!("| pattern | intakes | most missing | mean | 99.9th percentile | slowest |");
    println!("|---|---|---|---|---|---|");
    let mut all: Vec<Duration> = Vec::new();
    for p in 0..k {
        let t = &mut times[p];
        t.sort_unstable();
        all.extend(t.iter().copied());
        let mean = t.iter().sum::<Duration>() / t.len().max(1) as u32;
        println!(
            "| {} | {} | {} | {:.1} µs | {:.1} µs | {:.1} µs (intake {}) |",
            removal::PATTERNS[p],
            t.len(),
            missing[p],
            mean.as_secs_f64() * 1e6,
            t[(t.len() * 999 / 1000).min(t.len() - 1)].as_secs_f64() * 1e6,
            slowest[p].0.as_secs_f64() * 1e6,
            slowest[p].1
        );
    }
    all.sort_unstable();
    let worst = *all.last().unwrap();
    println!(
        "\nAll {n}: mean {:.1} µs, slowest {:.1} µs (target: under 2,000 µs: {}).\n",
        all.iter().sum::<Duration>().as_secs_f64() * 1e6 / n as f64,
        worst.as_secs_f64() * 1e6,
        if worst < Duration::from_millis(2) {
            "met"
        } else {
            "NOT met"
        }
    );

    eprintln!("checking could_raise of {exact_n} intakes by search (2 threads) ...");
    let start = Instant::now();
    let chunk: Vec<&(usize, Vec<placement::intake::Slot>)> =
        intakes.iter().take(exact_n as usize).collect();
    let half = chunk.len().div_ceil(2);
    let rows = std::thread::scope(|scope| {
        let parts: Vec<_> = chunk
            .chunks(half.max(1))
            .map(|part| {
                scope.spawn(move || {
                    let mut rows = vec![[0u64; 6]; k];
                    let mut shown = Vec::new();
                    for (p, slots) in part {
                        let a = score_slots(rs, slots);
                        let e = exact_could_raise(rs, slots, EXACT_BUDGET);
                        let r = &mut rows[*p];
                        r[0] += 1;
                        r[1] += a.could_raise.len() as u64;
                        r[2] += e.proved.len() as u64;
                        r[3] += e.refuted.len() as u64;
                        r[4] += e.undecided.len() as u64;
                        r[5] += u64::from(!e.refuted.is_empty());
                        for &q in &e.refuted {
                            shown.push(format!(
                                "false positive: `{}` ({}; level {}, max_level {})",
                                rs.questions[q].id,
                                removal::PATTERNS[*p],
                                rs.levels[a.level].id,
                                rs.levels[a.max_level].id
                            ));
                        }
                    }
                    (rows, shown)
                })
            })
            .collect();
        let mut rows = vec![[0u64; 6]; k];
        for part in parts {
            let (r, shown) = part.join().expect("search thread");
            for (a, b) in rows.iter_mut().zip(r) {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            if std::env::var_os("MISSING_SHOW").is_some() {
                shown.iter().for_each(|s| eprintln!("{s}"));
            }
        }
        rows
    });
    println!("| pattern | intakes | listed in could_raise | take part (proved) | false positives | undecided | intakes with a false positive |");
    println!("|---|---|---|---|---|---|---|");
    let mut total = [0u64; 6];
    for (p, &r) in rows.iter().enumerate() {
        for (t, x) in total.iter_mut().zip(r) {
            *t += x;
        }
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            removal::PATTERNS[p],
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5]
        );
    }
    println!(
        "| all | {} | {} | {} | {} ({:.2} % of listed) | {} | {} |",
        total[0],
        total[1],
        total[2],
        total[3],
        100.0 * total[3] as f64 / total[1].max(1) as f64,
        total[4],
        total[5]
    );
    eprintln!("search took {:.1} s", start.elapsed().as_secs_f64());
}
