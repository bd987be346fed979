//! Placement (`placement`): minimums per level, escalations and supports.

use super::compiler::{Compiler, Ids};
use super::conditions::Context;
use crate::diag::{did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::*;
use crate::yaml::decode::Fields;
use crate::yaml::{Kind, Node};

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn placement(&mut self, tops: &[Fields], rs: &mut RuleSet, dims: &mut [Dimension]) {
        let mut placements = Vec::new();
        for t in tops {
            if let Some(n) = t.get("placement") {
                if let Some(f) = self.dec.fields(
                    n,
                    "`placement`",
                    &["minimums", "escalations", "supports"],
                    &[],
                ) {
                    placements.push(f);
                }
            }
        }
        // `minimums` in two files is one mistake, reported once as a
        // `conflict`: the dimensions the first map leaves out are most
        // likely in the second, so they are not reported as missing.
        let conflict = placements
            .iter()
            .filter(|p| p.get("minimums").is_some())
            .count()
            > 1;
        let minimums = self.single(&placements, "minimums");
        match minimums {
            Some(mn) => {
                if let Kind::Map(pairs) = &mn.kind {
                    let mut seen = Ids::default();
                    for (k, v) in pairs {
                        let Some(dim) = k.as_str() else {
                            self.dec.error(
                                "wrong-type",
                                k.span,
                                "keys in `minimums` must be dimension ids",
                            );
                            continue;
                        };
                        if !seen.add(self.dec, dim, k.span, "minimums entry", self.sources) {
                            continue;
                        }
                        let Some(di) = dims.iter().position(|d| d.id == dim) else {
                            let listed = Node::text_keys(pairs);
                            let help = did_you_mean_unlisted(
                                dim,
                                dims.iter().map(|d| d.id.as_str()),
                                &listed,
                            );
                            self.dec.push(
                                Diagnostic::error(
                                    "unknown-reference",
                                    k.span,
                                    format!("unknown dimension `{dim}` in `minimums`"),
                                )
                                .with_help_opt(help),
                            );
                            continue;
                        };
                        let Some(items) = self.dec.seq(v, "minimums") else {
                            continue;
                        };
                        if self.max_rating_unknown {
                            // The number of levels cannot be checked
                            // against a `max_rating` that was reported.
                            for it in items {
                                self.level_ref(it, rs);
                            }
                            continue;
                        }
                        if items.len() != rs.max_rating as usize + 1 {
                            self.dec.error(
                                "minimums",
                                v.span,
                                format!(
                                    "`{dim}` needs one level per rating 0..{}: {} levels, not {}",
                                    rs.max_rating,
                                    rs.max_rating as usize + 1,
                                    items.len()
                                ),
                            );
                            continue;
                        }
                        let mut levels = Vec::new();
                        for it in items {
                            if let Some(l) = self.level_ref(it, rs) {
                                levels.push(l);
                            }
                        }
                        if levels.len() == items.len() {
                            dims[di].minimums = levels;
                            dims[di].minimums_span = k.span;
                        }
                    }
                } else {
                    self.dec.error(
                        "wrong-type",
                        mn.span,
                        "`minimums` must map each dimension id to a list of levels",
                    );
                }
                // Dimensions whose entry had a problem were reported already.
                let mentioned: Vec<&str> = match &mn.kind {
                    Kind::Map(pairs) => Node::text_keys(pairs),
                    _ => Vec::new(),
                };
                for d in dims.iter() {
                    if !conflict && !mentioned.contains(&d.id.as_str()) {
                        self.dec.error(
                            "minimums",
                            mn.span,
                            format!("dimension `{}` has no minimums", d.id),
                        );
                    }
                }
            }
            None => {
                if !dims.is_empty() {
                    self.dec.error("minimums", Span { line: 1, col: 1, ..dims[0].span }, "`placement.minimums` is missing: every dimension needs a minimum level per rating");
                }
            }
        }
        rs.dimensions = dims.to_vec();
        let esc_ctx = Context {
            ratings: true,
            level: false,
            questions_before: None,
        };
        let mut esc_ids = Ids::default();
        for p in &placements {
            let Some(list) = p
                .get("escalations")
                .and_then(|n| self.dec.seq(n, "`escalations`"))
            else {
                continue;
            };
            for n in list {
                let Some(f) = self.dec.fields(
                    n,
                    "an escalation",
                    &["id", "when", "level", "why"],
                    &["id", "when", "level", "why"],
                ) else {
                    continue;
                };
                let id = f.get("id").and_then(|n| self.dec.id(n, "escalation id"));
                let level = f.get("level").and_then(|n| self.level_ref(n, rs));
                let why = f.get("why").and_then(|n| self.dec.text(n, "`why`"));
                let when = self
                    .pending(f.get("when"), "`when`")
                    .and_then(|p| self.condition(&p, rs, esc_ctx).map(|c| (c, p.text)));
                if let (Some(id), Some(level), Some(why), Some((when, when_text))) =
                    (id, level, why, when)
                {
                    let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                    if esc_ids.add(self.dec, &id, span, "escalation", self.sources) {
                        rs.escalations.push(Escalation {
                            id,
                            when,
                            when_text,
                            level,
                            why,
                            span,
                        });
                    }
                }
            }
        }
        let sup_ctx = Context {
            ratings: true,
            level: true,
            questions_before: None,
        };
        let mut sup_ids = Ids::default();
        for p in &placements {
            let Some(list) = p
                .get("supports")
                .and_then(|n| self.dec.seq(n, "`supports`"))
            else {
                continue;
            };
            for n in list {
                let Some(f) = self.dec.fields(
                    n,
                    "a support",
                    &["id", "label", "when", "why"],
                    &["id", "when", "why"],
                ) else {
                    continue;
                };
                let id = f.get("id").and_then(|n| self.dec.id(n, "support id"));
                let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
                let why = f.get("why").and_then(|n| self.dec.text(n, "`why`"));
                let when = self
                    .pending(f.get("when"), "`when`")
                    .and_then(|p| self.condition(&p, rs, sup_ctx).map(|c| (c, p.text)));
                if let (Some(id), Some(why), Some((when, when_text))) = (id, why, when) {
                    let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                    if sup_ids.add(self.dec, &id, span, "support", self.sources) {
                        rs.supports.push(Support {
                            id,
                            label,
                            when,
                            when_text,
                            why,
                            span,
                        });
                    }
                }
            }
        }
    }
}
