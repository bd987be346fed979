//! Dimensions (`dimensions`) with their rating rules, and the order in which
//! dimensions are rated (those whose ratings a rule reads come first).

use super::compiler::{Compiler, Ids, Pending};
use crate::cond::Operand;
use crate::diag::Span;
use crate::rules::model::*;
use crate::yaml::decode::Fields;
use std::collections::HashSet;

pub(super) struct RawRule<'a> {
    pub(super) id: Option<String>,
    pub(super) rating: u8,
    pub(super) when: Pending<'a>,
    pub(super) why: String,
    pub(super) span: Span,
}

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn dimensions<'a>(
        &mut self,
        tops: &[Fields<'a>],
        max_rating: u8,
        shared: &mut Ids,
    ) -> (Vec<Dimension>, Vec<Vec<RawRule<'a>>>) {
        let mut dims = Vec::new();
        let mut rules = Vec::new();
        for n in self.lists(tops, "dimensions", "`dimensions`") {
            let Some(f) = self.dec.fields(
                n,
                "a dimension",
                &["id", "name", "rules"],
                &["id", "name", "rules"],
            ) else {
                continue;
            };
            let Some(id_node) = f.get("id") else { continue };
            let Some(id) = self.dec.id(id_node, "dimension id") else {
                continue;
            };
            if !shared.add(
                self.dec,
                &id,
                id_node.span,
                "question, instrument or dimension",
                self.sources,
            ) {
                continue;
            }
            let name = f
                .get("name")
                .and_then(|n| self.dec.text(n, "dimension `name`"))
                .unwrap_or_else(|| id.clone());
            let mut raw = Vec::new();
            if let Some(list) = f.get("rules").and_then(|n| self.dec.seq(n, "`rules`")) {
                for r in list {
                    let Some(rf) = self.dec.fields(
                        r,
                        "a rating rule",
                        &["id", "rating", "when", "why"],
                        &["rating", "when", "why"],
                    ) else {
                        continue;
                    };
                    let rid = rf.get("id").and_then(|n| self.dec.id(n, "rule id"));
                    let rating = rf.get("rating").and_then(|n| {
                        let v = self.dec.int(n, "`rating`")?;
                        if v < 0 || v > max_rating as i64 {
                            self.dec.error(
                                "rating-out-of-range",
                                n.span,
                                format!("rating {v} is outside 0..{max_rating}"),
                            );
                            None
                        } else {
                            Some(v as u8)
                        }
                    });
                    let when = self.pending(rf.get("when"), "`when`");
                    let why = rf.get("why").and_then(|n| self.dec.text(n, "`why`"));
                    if let (Some(rating), Some(when), Some(why)) = (rating, when, why) {
                        raw.push(RawRule {
                            id: rid,
                            rating,
                            when,
                            why,
                            span: rf.span,
                        });
                    }
                }
            }
            dims.push(Dimension {
                id,
                name,
                rules: Vec::new(),
                minimums: Vec::new(),
                minimums_span: Span::UNKNOWN,
                span: id_node.span,
            });
            rules.push(raw);
        }
        (dims, rules)
    }

    /// Orders dimensions so that each comes after those whose ratings it
    /// reads; reports cycles.
    pub(super) fn dimension_order(&mut self, rs: &RuleSet) -> Vec<usize> {
        let n = rs.dimensions.len();
        let mut deps: Vec<HashSet<usize>> = vec![HashSet::new(); n];
        for (i, d) in rs.dimensions.iter().enumerate() {
            for r in &d.rules {
                r.when.visit_operands(&mut |o| {
                    if let Operand::Rating(j) = o {
                        deps[i].insert(j as usize);
                    }
                });
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        fn visit(
            i: usize,
            deps: &[HashSet<usize>],
            state: &mut [u8],
            order: &mut Vec<usize>,
            cycle: &mut Option<usize>,
        ) {
            if state[i] == 2 {
                return;
            }
            if state[i] == 1 {
                cycle.get_or_insert(i);
                return;
            }
            state[i] = 1;
            let mut ds: Vec<usize> = deps[i].iter().copied().collect();
            ds.sort();
            for d in ds {
                visit(d, deps, state, order, cycle);
            }
            state[i] = 2;
            order.push(i);
        }
        let mut cycle = None;
        for i in 0..n {
            visit(i, &deps, &mut state, &mut order, &mut cycle);
        }
        if let Some(c) = cycle {
            let d = &rs.dimensions[c];
            let span = d
                .rules
                .iter()
                .find(|r| {
                    let mut reads = false;
                    r.when
                        .visit_operands(&mut |o| reads |= matches!(o, Operand::Rating(_)));
                    reads
                })
                .map(|r| r.span)
                .unwrap_or(d.span);
            self.dec.error(
                "rating-cycle",
                span,
                format!("the rating of `{}` depends on itself through rules that read dimension ratings", d.id),
            );
        }
        order
    }
}
