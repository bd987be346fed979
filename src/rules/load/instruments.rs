//! Instruments (`instruments`): their items, value maps, totals and bands.

use super::compiler::{Compiler, Ids};
use crate::diag::{did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::*;
use crate::yaml::decode::Fields;
use crate::yaml::{Kind, Node};
use std::collections::HashMap;

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn instruments(
        &mut self,
        tops: &[Fields],
        questions: &[Question],
        qindex: &rustc_hash::FxHashMap<String, usize>,
        shared: &mut Ids,
    ) -> Vec<Instrument> {
        let mut out = Vec::new();
        for n in self.lists(tops, "instruments", "`instruments`") {
            let Some(f) = self.dec.fields(
                n,
                "an instrument",
                &["id", "name", "items", "values", "bands", "codes"],
                &["id", "items", "bands"],
            ) else {
                continue;
            };
            let Some(id_node) = f.get("id") else { continue };
            let Some(id) = self.dec.id(id_node, "instrument id") else {
                continue;
            };
            let dup = !shared.add(
                self.dec,
                &id,
                id_node.span,
                "question, instrument or dimension",
                self.sources,
            );
            let name = f
                .get("name")
                .and_then(|n| self.dec.text(n, "instrument `name`"))
                .unwrap_or_else(|| id.clone());
            let codes = self.codes(f.get("codes"), &format!("instrument `{id}`"));
            // Items.
            let mut items: Vec<(usize, Span)> = Vec::new();
            let mut ok = true;
            if let Some(list) = f.get("items").and_then(|n| self.dec.seq(n, "`items`")) {
                let listed = Node::texts(list);
                for it in list {
                    let Some(qid) = self.dec.id(it, "item") else {
                        ok = false;
                        continue;
                    };
                    match qindex.get(&qid) {
                        Some(&q) => {
                            if items.iter().any(|(x, _)| *x == q) {
                                self.dec.error(
                                    "duplicate-id",
                                    it.span,
                                    format!("item `{qid}` is listed twice in `{id}`"),
                                );
                                ok = false;
                            }
                            items.push((q, it.span));
                        }
                        None => {
                            let help = did_you_mean_unlisted(
                                &qid,
                                questions.iter().map(|q| q.id.as_str()),
                                &listed,
                            );
                            self.dec.push(
                                Diagnostic::error(
                                    "unknown-reference",
                                    it.span,
                                    format!("unknown question `{qid}` in the items of `{id}`"),
                                )
                                .with_help_opt(help),
                            );
                            ok = false;
                        }
                    }
                }
            } else {
                ok = false;
            }
            if items.is_empty() && ok {
                self.dec.error(
                    "missing-field",
                    f.span,
                    format!("instrument `{id}` has no items"),
                );
                ok = false;
            }
            // Value maps.
            let mut maps: HashMap<String, &Node> = HashMap::new();
            if let Some(vn) = f.get("values") {
                match &vn.kind {
                    Kind::Map(pairs) => {
                        // Keys are `default` or item ids.
                        for (k, v) in pairs {
                            let Some(key) = k.as_str() else {
                                self.dec.error(
                                    "value-map",
                                    k.span,
                                    "keys in `values` must be `default` or item ids",
                                );
                                ok = false;
                                continue;
                            };
                            if maps.contains_key(key) {
                                self.dec.error(
                                    "duplicate-key",
                                    k.span,
                                    format!("duplicate key `{key}` in `values`"),
                                );
                                ok = false;
                                continue;
                            }
                            if key != "default"
                                && !items.iter().any(|(q, _)| questions[*q].id == key)
                            {
                                let listed = Node::text_keys(pairs);
                                let help = did_you_mean_unlisted(
                                    key,
                                    items
                                        .iter()
                                        .map(|(q, _)| questions[*q].id.as_str())
                                        .chain(["default"]),
                                    &listed,
                                );
                                self.dec.push(
                                    Diagnostic::error("value-map", k.span, format!("`{key}` is not an item of `{id}`; value maps are keyed by `default` or an item id"))
                                        .with_help_opt(help),
                                );
                                ok = false;
                                continue;
                            }
                            maps.insert(key.to_string(), v);
                        }
                    }
                    _ => {
                        self.dec.error(
                            "wrong-type",
                            vn.span,
                            format!("`values` must be a mapping, not {}", vn.kind_name()),
                        );
                        ok = false;
                    }
                }
            }
            let mut compiled_items = Vec::new();
            let (mut min_total, mut max_total) = (0i64, 0i64);
            for (q, span) in &items {
                let question = &questions[*q];
                let map_node = maps
                    .get(question.id.as_str())
                    .or(maps.get("default"))
                    .copied();
                match self.value_map(question, map_node, *span, &id) {
                    Some((vm, lo, hi)) => {
                        min_total += lo;
                        max_total += hi;
                        compiled_items.push(Item {
                            question: *q,
                            values: vm,
                            points: (lo, hi),
                        });
                    }
                    None => ok = false,
                }
            }
            // Bands.
            let mut bands = Vec::new();
            let mut band_ids = Ids::default();
            if let Some(list) = f.get("bands").and_then(|n| self.dec.seq(n, "`bands`")) {
                for b in list {
                    let Some(bf) = self.dec.fields(
                        b,
                        "a band",
                        &["id", "min", "max", "label"],
                        &["id", "min", "max"],
                    ) else {
                        ok = false;
                        continue;
                    };
                    let bid = bf.get("id").and_then(|n| self.dec.id(n, "band id"));
                    let bmin = bf.get("min").and_then(|n| self.dec.int(n, "band `min`"));
                    let bmax = bf.get("max").and_then(|n| self.dec.int(n, "band `max`"));
                    let label = bf
                        .get("label")
                        .and_then(|n| self.dec.text(n, "band `label`"));
                    match (bid, bmin, bmax) {
                        (Some(bid), Some(bmin), Some(bmax)) => {
                            let span = bf.get("id").map(|n| n.span).unwrap_or(bf.span);
                            band_ids.add(
                                self.dec,
                                &bid,
                                span,
                                &format!("band (of `{id}`)"),
                                self.sources,
                            );
                            bands.push(Band {
                                id: bid,
                                label,
                                min: bmin,
                                max: bmax,
                                span,
                            });
                        }
                        _ => ok = false,
                    }
                }
            }
            if ok {
                self.check_bands(&id, &bands, min_total, max_total, f.span);
            }
            if !dup {
                out.push(Instrument {
                    id,
                    name,
                    items: compiled_items,
                    bands,
                    min_total,
                    max_total,
                    codes: codes.into_iter().map(|(c, _)| c).collect(),
                    span: id_node.span,
                });
            }
        }
        out
    }
}
