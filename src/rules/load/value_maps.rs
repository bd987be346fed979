//! An instrument item's value map, with the least and most points it gives,
//! and the checks on an instrument's bands against that range.

use super::compiler::Compiler;
use crate::diag::{did_you_mean_unlisted, Diagnostic, Span};
use crate::rules::model::*;
use crate::yaml::decode::Decoder;
use crate::yaml::{Kind, Node};

impl<'s, 'd> Compiler<'s, 'd> {
    /// The value map of one item, with the least and most points it gives.
    pub(super) fn value_map(
        &mut self,
        q: &Question,
        map: Option<&Node>,
        span: Span,
        inst: &str,
    ) -> Option<(ValueMap, i64, i64)> {
        let minmax = |pts: &[i64]| {
            (
                pts.iter().copied().min().unwrap_or(0),
                pts.iter().copied().max().unwrap_or(0),
            )
        };
        let Some(map) = map else {
            return match &q.kind {
                QuestionKind::Integer {
                    min, max, allowed, ..
                } => {
                    let (lo, hi) = match allowed {
                        Some(a) => minmax(a),
                        None => (*min, *max),
                    };
                    Some((ValueMap::Identity, lo, hi))
                }
                _ => {
                    self.dec.error(
                        "value-map",
                        span,
                        format!(
                            "item `{}` of `{inst}` is {} and needs a value map in `values`",
                            q.id,
                            q.kind.type_name()
                        ),
                    );
                    None
                }
            };
        };
        let Kind::Map(pairs) = &map.kind else {
            self.dec.error(
                "value-map",
                map.span,
                format!(
                    "the value map for `{}` must be a mapping of answers to points",
                    q.id
                ),
            );
            return None;
        };
        let points = |dec: &mut Decoder, n: &Node| dec.int(n, "points");
        match &q.kind {
            QuestionKind::YesNo => {
                let (mut yes, mut no) = (None, None);
                for (k, v) in pairs {
                    match k.kind {
                        Kind::Bool(true) => yes = points(self.dec, v),
                        Kind::Bool(false) => no = points(self.dec, v),
                        _ => self.dec.error(
                            "value-map",
                            k.span,
                            format!(
                                "`{}` is yes/no; its value map takes the keys `true` and `false`",
                                q.id
                            ),
                        ),
                    }
                }
                match (yes, no) {
                    (Some(yes), Some(no)) => {
                        Some((ValueMap::YesNo { no, yes }, no.min(yes), no.max(yes)))
                    }
                    _ => {
                        self.dec.error(
                            "value-map",
                            map.span,
                            format!("the value map for `{}` needs both `true` and `false`", q.id),
                        );
                        None
                    }
                }
            }
            QuestionKind::SingleChoice(options) => {
                let mut pts = vec![None; options.len()];
                for (k, v) in pairs {
                    let key = k.as_str().unwrap_or("");
                    match options.iter().position(|o| o.id == key) {
                        Some(i) => pts[i] = points(self.dec, v),
                        None => {
                            let listed = Node::text_keys(pairs);
                            let help = did_you_mean_unlisted(
                                key,
                                options.iter().map(|o| o.id.as_str()),
                                &listed,
                            );
                            self.dec.push(
                                Diagnostic::error(
                                    "value-map",
                                    k.span,
                                    format!("`{key}` is not an option of `{}`", q.id),
                                )
                                .with_help_opt(help),
                            );
                        }
                    }
                }
                if let Some(i) = pts.iter().position(Option::is_none) {
                    self.dec.error(
                        "value-map",
                        map.span,
                        format!(
                            "the value map for `{}` gives no points for option `{}`",
                            q.id, options[i].id
                        ),
                    );
                    return None;
                }
                let pts: Vec<i64> = pts.into_iter().map(|p| p.unwrap_or(0)).collect();
                let (lo, hi) = minmax(&pts);
                Some((ValueMap::Options(pts), lo, hi))
            }
            QuestionKind::Integer {
                min, max, allowed, ..
            } => {
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let Kind::Int(a) = k.kind else {
                        self.dec.error(
                            "value-map",
                            k.span,
                            format!(
                                "`{}` is an integer question; its value map is keyed by answers",
                                q.id
                            ),
                        );
                        continue;
                    };
                    if let Some(p) = points(self.dec, v) {
                        out.push((a, p));
                    }
                }
                let expected: Vec<i64> = match allowed {
                    Some(a) => a.clone(),
                    None if max - min <= 1000 => (*min..=*max).collect(),
                    None => {
                        self.dec.error(
                            "value-map",
                            map.span,
                            format!("`{}` has too wide a range for a value map", q.id),
                        );
                        return None;
                    }
                };
                if let Some(m) = expected.iter().find(|e| !out.iter().any(|(a, _)| a == *e)) {
                    self.dec.error(
                        "value-map",
                        map.span,
                        format!(
                            "the value map for `{}` gives no points for answer {m}",
                            q.id
                        ),
                    );
                    return None;
                }
                let pts: Vec<i64> = out.iter().map(|(_, p)| *p).collect();
                let (lo, hi) = minmax(&pts);
                Some((ValueMap::Integers(out), lo, hi))
            }
            _ => {
                self.dec.error("value-map", span, format!("item `{}` is {}; instrument items must be integer, yes/no or single-choice questions", q.id, q.kind.type_name()));
                None
            }
        }
    }

    pub(super) fn check_bands(&mut self, id: &str, bands: &[Band], lo: i64, hi: i64, span: Span) {
        if bands.is_empty() {
            self.dec.error(
                "missing-field",
                span,
                format!("instrument `{id}` has no bands"),
            );
            return;
        }
        for b in bands {
            if b.min > b.max {
                self.dec.error(
                    "band-out-of-range",
                    b.span,
                    format!(
                        "band `{}` of `{id}` has `min` {} greater than `max` {}",
                        b.id, b.min, b.max
                    ),
                );
                return;
            }
            if b.max < lo || b.min > hi {
                self.dec.error(
                    "band-out-of-range",
                    b.span,
                    format!(
                        "band `{}` of `{id}` ({}..{}) lies outside the possible totals {lo}..{hi}",
                        b.id, b.min, b.max
                    ),
                );
            }
        }
        let first = &bands[0];
        if first.min > lo {
            self.dec.error(
                "band-gap",
                first.span,
                format!(
                    "totals {lo}..{} of `{id}` fall in no band: the first band `{}` starts at {}",
                    first.min - 1,
                    first.id,
                    first.min
                ),
            );
        } else if first.min < lo {
            self.dec.error(
                "band-out-of-range",
                first.span,
                format!(
                    "band `{}` of `{id}` starts at {}, below the lowest possible total {lo}",
                    first.id, first.min
                ),
            );
        }
        for w in bands.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if b.min <= a.max {
                self.dec.error(
                    "band-overlap",
                    b.span,
                    format!(
                        "bands `{}` ({}..{}) and `{}` ({}..{}) of `{id}` overlap at {}..{}",
                        a.id,
                        a.min,
                        a.max,
                        b.id,
                        b.min,
                        b.max,
                        b.min,
                        a.max.min(b.max)
                    ),
                );
            } else if b.min > a.max + 1 {
                self.dec.error(
                    "band-gap",
                    b.span,
                    format!("totals {}..{} of `{id}` fall in no band: between `{}` (ends at {}) and `{}` (starts at {})", a.max + 1, b.min - 1, a.id, a.max, b.id, b.min),
                );
            }
        }
        let last = bands.last().expect("non-empty");
        if last.max < hi {
            self.dec.error(
                "band-gap",
                last.span,
                format!(
                    "totals {}..{hi} of `{id}` fall in no band: the last band `{}` ends at {}",
                    last.max + 1,
                    last.id,
                    last.max
                ),
            );
        } else if last.max > hi {
            self.dec.error(
                "band-out-of-range",
                last.span,
                format!(
                    "band `{}` of `{id}` ends at {}, above the highest possible total {hi}",
                    last.id, last.max
                ),
            );
        }
    }
}
