//! Every "proved" of `rules check` is true (issue 14): random small rule
//! sets (a few dimensions, minimums rows in and out of order, rating rules
//! on answers, escalations that mix rating comparisons with answers and a
//! question behind skip logic) are analysed, and every claim the analyses
//! make is checked against brute force over every rating vector and every
//! combination of answers; answer monotonicity against the scorer itself.
//!
//! The model is the one `docs/ci.md` describes: ratings range freely (each
//! over the ratings its rules can give, for the reachability analyses), and
//! the answers are the same on both sides of a comparison of two vectors.
//! The seed of a failing rule set is printed with its text; `PROOF_SEED=N`
//! replays one.

use placement::check::{analyses, CheckReport, Status};
use placement::cond::{Env, Multi, Operand, Tri, Val};
use placement::diag::{SourceFile, Sources};
use placement::rules::load::load_sources;
use placement::rules::RuleSet;

#[path = "common/rng.rs"]
mod rng;

use rng::Rng;

const QUESTIONS: &str = "sections:
  - id: s
    title: S
    questions:
      - {id: y0, text: Y0, type: yes_no}
      - {id: y1, text: Y1, type: yes_no}
      - {id: n0, text: N0, type: integer, min: 0, max: 3}
      - {id: c0, text: C0, type: single_choice, options: [{id: a, label: A}, {id: b, label: B}, {id: c, label: C}]}
      - {id: y2, text: Y2, type: yes_no, ask_when: ASK}
";

/// An answer condition; `tame` ones only turn on as an answer rises.
fn answer_atom(g: &mut Rng, tame: bool) -> String {
    if tame {
        return match g.below(5) {
            0 => "y0".into(),
            1 => "y1".into(),
            2 => format!("n0 >= {}", g.below(4)),
            3 => "c0 in [b, c]".into(),
            _ => "y2".into(),
        };
    }
    match g.below(8) {
        0 => "y0".into(),
        1 => "not y1".into(),
        2 => "y2".into(),
        3 => format!("n0 >= {}", g.below(4)),
        4 => format!("n0 < {}", 1 + g.below(3)),
        5 => "c0 == b".into(),
        6 => "c0 in [a, c]".into(),
        _ => "y1".into(),
    }
}

fn rating_atom(g: &mut Rng, dims: u64, max: u64, tame: bool) -> String {
    let d = g.below(dims);
    let k = g.below(max + 1);
    let op = match g.below(if tame { 6 } else { 10 }) {
        0..=4 => ">=",
        5 => ">",
        6 => "==",
        7 => "<=",
        8 => "<",
        _ => "!=",
    };
    format!("d{d}.rating {op} {k}")
}

fn condition(g: &mut Rng, dims: u64, max: u64, depth: u32, tame: bool) -> String {
    if depth == 0 || g.chance(40) {
        return if g.chance(55) {
            rating_atom(g, dims, max, tame)
        } else {
            answer_atom(g, tame)
        };
    }
    match g.below(if tame { 4 } else { 5 }) {
        0 | 1 => format!(
            "({} and {})",
            condition(g, dims, max, depth - 1, tame),
            condition(g, dims, max, depth - 1, tame)
        ),
        2 | 3 => format!(
            "({} or {})",
            condition(g, dims, max, depth - 1, tame),
            condition(g, dims, max, depth - 1, tame)
        ),
        _ => format!("not ({})", condition(g, dims, max, depth - 1, tame)),
    }
}

/// A random rule set's text.
fn rule_set(g: &mut Rng) -> String {
    // Four in ten sets use only conditions that turn on as answers and
    // ratings rise, so that proofs are common as well as failures.
    let tame = g.chance(40);
    let max = 1 + g.below(3);
    let nl = 2 + g.below(3);
    let dims = 1 + g.below(3);
    let mut y = format!("name: random\nversion: \"1\"\nmax_rating: {max}\nlevels:\n");
    for l in 0..nl {
        y.push_str(&format!("  - {{id: l{l}, name: L{l}}}\n"));
    }
    let ask = ["y0", "not y0", "n0 >= 2", "c0 == a"][g.below(4) as usize];
    y.push_str(&QUESTIONS.replace("ASK", ask));
    y.push_str("dimensions:\n");
    for d in 0..dims {
        y.push_str(&format!("  - id: d{d}\n    name: D{d}\n    rules:\n"));
        for _ in 0..1 + g.below(3) {
            let mut c = answer_atom(g, tame);
            if g.chance(40) {
                c = format!("{c} and {}", answer_atom(g, tame));
            }
            y.push_str(&format!(
                "      - {{rating: {}, when: \"{c}\", why: W.}}\n",
                1 + g.below(max)
            ));
        }
    }
    y.push_str("placement:\n  minimums:\n");
    for d in 0..dims {
        let mut row: Vec<u64> = (0..=max).map(|_| g.below(nl)).collect();
        if tame || g.chance(60) {
            // Most intensive last: level ids count down.
            row.sort_unstable_by(|a, b| b.cmp(a));
        }
        let names: Vec<String> = row.iter().map(|l| format!("l{l}")).collect();
        y.push_str(&format!("    d{d}: [{}]\n", names.join(", ")));
    }
    let ne = g.below(4);
    if ne > 0 {
        y.push_str("  escalations:\n");
    }
    for e in 0..ne {
        y.push_str(&format!(
            "    - id: e{e}\n      when: \"{}\"\n      level: l{}\n      why: W.\n",
            condition(g, dims, max, 2, tame),
            g.below(nl)
        ));
    }
    y
}

/// Concrete answers, by question position: y0, y1, n0, c0, y2 (None when
/// skipped).
#[derive(Clone, Copy)]
struct Answers([Option<f64>; 5]);

struct Ctx<'a> {
    ratings: &'a [u8],
    answers: &'a Answers,
}

impl Env for Ctx<'_> {
    fn value(&self, operand: Operand) -> Val {
        match operand {
            Operand::Answer(q) => match self.answers.0[q as usize] {
                Some(v) => Val::Range(v, v),
                None => Val::Na,
            },
            Operand::Rating(d) => {
                let r = self.ratings[d as usize] as f64;
                Val::Range(r, r)
            }
            _ => Val::Na,
        }
    }
    fn multi(&self, _: u32) -> Multi {
        Multi::Na
    }
    fn answered(&self, q: u32) -> Tri {
        Tri::from_bool(self.answers.0[q as usize].is_some())
    }
    fn missing(&self, _: u32) -> Tri {
        Tri::False
    }
}

/// Every combination of answers, with y2 not applicable where its skip
/// condition is false.
fn all_answers(rs: &RuleSet) -> Vec<Answers> {
    let ask = rs.questions[4].ask_when.clone().expect("y2 has ask_when");
    let mut out = Vec::new();
    for y0 in 0..2 {
        for y1 in 0..2 {
            for n0 in 0..4 {
                for c0 in 0..3 {
                    let mut a = Answers([
                        Some(y0 as f64),
                        Some(y1 as f64),
                        Some(n0 as f64),
                        Some(c0 as f64),
                        None,
                    ]);
                    let asked = ask.eval(&Ctx {
                        ratings: &[],
                        answers: &a,
                    }) == Tri::True;
                    if asked {
                        for y2 in 0..2 {
                            a.0[4] = Some(y2 as f64);
                            out.push(a);
                        }
                    } else {
                        out.push(a);
                    }
                }
            }
        }
    }
    out
}

/// Level (0 = most intensive) at `r` for answers `a`, and which
/// escalations hold.
fn level(rs: &RuleSet, r: &[u8], a: &Answers, skip: Option<usize>) -> usize {
    let mut l = rs.levels.len() - 1;
    for (d, dim) in rs.dimensions.iter().enumerate() {
        l = l.min(dim.minimums[r[d] as usize]);
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        if Some(e) != skip
            && esc.when.eval(&Ctx {
                ratings: r,
                answers: a,
            }) == Tri::True
        {
            l = l.min(esc.level);
        }
    }
    l
}

fn vectors(values: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    for vs in values {
        let mut next = Vec::new();
        for v in &out {
            for &x in vs {
                let mut w = v.clone();
                w.push(x);
                next.push(w);
            }
        }
        out = next;
    }
    out
}

fn status(report: &CheckReport, name: &str) -> Option<Status> {
    report
        .analyses
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.status)
}

fn has_finding(report: &CheckReport, code: &str, needle: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.diag.code == code && f.diag.message.contains(needle))
}

#[derive(Default)]
struct Tally {
    sets: u64,
    proved: [u64; 4],
    failed_mono: u64,
    proved_answers: u64,
    claims: u64,
}

/// Checks every claim of the report for one rule set; the error says
/// which claim is false.
fn check_one(rs: &RuleSet, report: &CheckReport, tally: &mut Tally) -> Result<(), String> {
    let answers = all_answers(rs);
    let dims = rs.dimensions.len();
    let max = rs.max_rating;
    let full = vectors(&vec![(0..=max).collect(); dims]);
    // Ratings each dimension can be given (0, and any rule that can hold).
    let real: Vec<Vec<u8>> = rs
        .dimensions
        .iter()
        .map(|dim| {
            let mut v: Vec<u8> = vec![0];
            for rule in &dim.rules {
                let can = answers.iter().any(|a| {
                    rule.when.eval(&Ctx {
                        ratings: &[],
                        answers: a,
                    }) == Tri::True
                });
                if can && !v.contains(&rule.rating) {
                    v.push(rule.rating);
                }
            }
            v.sort_unstable();
            v
        })
        .collect();
    let realizable = vectors(&real);

    if status(report, "monotonicity") == Some(Status::Proved) {
        tally.proved[0] += 1;
        for r in &full {
            for d in 0..dims {
                if r[d] == max {
                    continue;
                }
                let mut hi = r.clone();
                hi[d] += 1;
                for a in &answers {
                    let (l, h) = (level(rs, r, a, None), level(rs, &hi, a, None));
                    if h > l {
                        return Err(format!(
                            "monotonicity proved, but ratings {r:?} give l{l} and {hi:?} give l{h} for answers {:?}",
                            a.0
                        ));
                    }
                }
            }
        }
    }
    if status(report, "monotonicity") == Some(Status::Failed) {
        tally.failed_mono += 1;
        // Each counterexample is real: the two vectors, for some answers.
        for f in report
            .findings
            .iter()
            .filter(|f| f.diag.code == "non-monotone")
        {
            let cx = f.counterexample.as_ref().ok_or("no counterexample")?;
            let vec_of = |side: &str| -> Vec<u8> {
                rs.dimensions
                    .iter()
                    .map(|dim| cx.data[side]["ratings"][&dim.id].as_u64().unwrap_or(0) as u8)
                    .collect()
            };
            let (lo, hi) = (vec_of("lower"), vec_of("higher"));
            let real_violation = answers
                .iter()
                .any(|a| level(rs, &hi, a, None) > level(rs, &lo, a, None));
            if !real_violation {
                return Err(format!(
                    "non-monotone reported at {lo:?} -> {hi:?}, but no answers give a lower level: {}",
                    cx.text
                ));
            }
            tally.claims += 1;
        }
    }
    let reached: Vec<bool> = (0..rs.levels.len())
        .map(|l| {
            realizable
                .iter()
                .any(|r| answers.iter().any(|a| level(rs, r, a, None) == l))
        })
        .collect();
    if status(report, "level reachability") == Some(Status::Proved) {
        tally.proved[1] += 1;
        if let Some(l) = reached.iter().position(|x| !x) {
            return Err(format!(
                "level reachability proved, but l{l} is never given"
            ));
        }
    }
    for (l, lv) in rs.levels.iter().enumerate() {
        if has_finding(report, "unreachable-level", &format!("level `{}` ", lv.id)) {
            tally.claims += 1;
            if reached[l] {
                return Err(format!("unreachable-level for l{l}, but it is given"));
            }
        }
    }
    for (e, esc) in rs.escalations.iter().enumerate() {
        let holds = realizable.iter().any(|r| {
            answers.iter().any(|a| {
                esc.when.eval(&Ctx {
                    ratings: r,
                    answers: a,
                }) == Tri::True
            })
        });
        let changes = realizable.iter().any(|r| {
            answers
                .iter()
                .any(|a| level(rs, r, a, None) != level(rs, r, a, Some(e)))
        });
        let name = format!("escalation `{}` ", esc.id);
        if has_finding(report, "unreachable-escalation", &name) {
            tally.claims += 1;
            if holds {
                return Err(format!("unreachable-escalation for e{e}, but it holds"));
            }
        }
        if has_finding(report, "shadowed-escalation", &name) {
            tally.claims += 1;
            if changes {
                return Err(format!(
                    "shadowed-escalation for e{e}, but it changes the level"
                ));
            }
        }
        if status(report, "escalation reachability") == Some(Status::Proved) && !(holds && changes)
        {
            return Err(format!(
                "escalation reachability proved, but e{e} holds: {holds}, changes the level: {changes}"
            ));
        }
    }
    if status(report, "escalation reachability") == Some(Status::Proved) {
        tally.proved[2] += 1;
    }
    if status(report, "rating reachability") == Some(Status::Proved) {
        tally.proved[3] += 1;
        for (d, dim) in rs.dimensions.iter().enumerate() {
            for k in 1..=max {
                if !real[d].contains(&k) {
                    return Err(format!(
                        "rating reachability proved, but {} never gets {k}",
                        dim.id
                    ));
                }
            }
        }
    }
    check_answers(rs, report, tally)?;
    tally.sets += 1;
    Ok(())
}

/// Answer monotonicity against the scorer itself: every combination of
/// the five answers (y2 given even where its skip logic leaves it out, so
/// that raising y0 can bring it in), each ordered answer raised one step.
fn check_answers(rs: &RuleSet, report: &CheckReport, tally: &mut Tally) -> Result<(), String> {
    use placement::engine::score_slots;
    use placement::intake::Slot;
    let ranges = [2u8, 2, 4, 3, 2];
    let mut violated = [false; 5];
    let mut combo = [0u8; 5];
    loop {
        let slots: Vec<Slot> = combo.iter().map(|v| Slot::Num(*v as f64)).collect();
        let base = score_slots(rs, &slots).level;
        for q in 0..5 {
            if combo[q] + 1 < ranges[q] {
                let mut up = slots.clone();
                up[q] = Slot::Num((combo[q] + 1) as f64);
                if score_slots(rs, &up).level > base {
                    violated[q] = true;
                }
            }
        }
        let mut i = 0;
        while i < 5 {
            combo[i] += 1;
            if combo[i] < ranges[i] {
                break;
            }
            combo[i] = 0;
            i += 1;
        }
        if i == 5 {
            break;
        }
    }
    match status(report, "answer monotonicity") {
        Some(Status::Proved) => {
            tally.proved_answers += 1;
            if let Some(q) = violated.iter().position(|v| *v) {
                return Err(format!(
                    "answer monotonicity proved, but raising `{}` gives less care",
                    rs.questions[q].id
                ));
            }
        }
        Some(Status::Failed) => {
            for f in report
                .findings
                .iter()
                .filter(|f| f.diag.code == "answer-non-monotone")
            {
                tally.claims += 1;
                let id = f
                    .counterexample
                    .as_ref()
                    .map(|c| c.data["question"].clone());
                let q = rs
                    .questions
                    .iter()
                    .position(|x| Some(serde_json::json!(x.id)) == id)
                    .ok_or("counterexample without a question")?;
                if !violated[q] {
                    return Err(format!(
                        "answer-non-monotone for `{}`, but no raise of it gives less care",
                        rs.questions[q].id
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[test]
#[allow(clippy::print_stderr)]
fn every_proof_holds_on_ten_thousand_random_rule_sets() {
    let seeds: Vec<u64> = match std::env::var("PROOF_SEED") {
        Ok(s) => vec![s.parse().expect("PROOF_SEED is a number")],
        Err(_) => (1..=10_000).collect(),
    };
    let mut tally = Tally::default();
    for seed in seeds {
        let mut g = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let text = rule_set(&mut g);
        let files = vec![SourceFile {
            path: "random.yaml".into(),
            rel_path: "random.yaml".into(),
            text: text.clone(),
        }];
        let rs = match load_sources(Sources { files }) {
            Ok(l) => l.rules,
            Err(e) => {
                let mut why = String::new();
                if let placement::rules::LoadError::Invalid {
                    sources,
                    diagnostics,
                } = &e
                {
                    for d in diagnostics {
                        why.push_str(&sources.render(d));
                    }
                }
                panic!("seed {seed}: the loader refused the rule set:\n{why}\n{text}");
            }
        };
        let report = analyses::analyze(&rs);
        if let Err(e) = check_one(&rs, &report, &mut tally) {
            panic!("seed {seed}: {e}\n{text}");
        }
    }
    eprintln!(
        "{} rule sets; proved: monotonicity {}, level reachability {}, escalation reachability {}, rating reachability {}, answer monotonicity {}; monotonicity failed {}; {} findings checked",
        tally.sets, tally.proved[0], tally.proved[1], tally.proved[2], tally.proved[3], tally.proved_answers, tally.failed_mono, tally.claims
    );
    // Both outcomes of each analysis occur often enough to mean something.
    if tally.sets >= 10_000 {
        assert!(
            tally.proved[0] > 5_000,
            "monotonicity proved {}",
            tally.proved[0]
        );
        assert!(
            tally.failed_mono > 1_000,
            "monotonicity failed {}",
            tally.failed_mono
        );
        assert!(tally.proved[1] > 1_000, "levels proved {}", tally.proved[1]);
        assert!(
            tally.proved[2] > 500,
            "escalations proved {}",
            tally.proved[2]
        );
        assert!(tally.claims > 2_000, "claims {}", tally.claims);
        assert!(
            tally.proved_answers > 1_000,
            "answers proved {}",
            tally.proved_answers
        );
    }
}
