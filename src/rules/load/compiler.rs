//! The `Compiler`: what every pass shares (the sources, the decoder that
//! collects problems), duplicate-id checks, the top-level keys given once or
//! as lists, and conditions kept as text until every id is known.

use super::conditions::{resolve, Context, TextSpan};
use crate::cond::parse as cparse;
use crate::cond::Cond;
use crate::diag::{Diagnostic, Sources, Span};
use crate::rules::model::RuleSet;
use crate::yaml::decode::{Decoder, Fields};
use crate::yaml::{Kind, Node};
use std::collections::HashMap;

/// A condition waiting to be resolved once every id is known.
pub(super) struct Pending<'a> {
    pub(super) node: &'a Node,
    pub(super) text: String,
}

/// The largest `max_rating` a rule set may give.
pub(super) const MAX_RATING: u8 = 9;

pub(super) struct Compiler<'s, 'd> {
    pub(super) sources: &'s Sources,
    pub(super) dec: &'d mut Decoder,
    /// `max_rating` was given but is not usable (0, 10, text...): it has
    /// been reported, and nothing that depends on the number of ratings
    /// (rule ratings, condition ratings, the length of `minimums`) is
    /// checked against a guess. It is taken as [`MAX_RATING`] meanwhile.
    pub(super) max_rating_unknown: bool,
}

/// First definition of each id of one kind, for duplicate checks.
#[derive(Default)]
pub(super) struct Ids {
    pub(super) seen: HashMap<String, Span>,
}

impl Ids {
    pub(super) fn add(
        &mut self,
        dec: &mut Decoder,
        id: &str,
        span: Span,
        what: &str,
        sources: &Sources,
    ) -> bool {
        if let Some(first) = self.seen.get(id) {
            dec.push(
                Diagnostic::error("duplicate-id", span, format!("duplicate {what} id `{id}`"))
                    .with_help(format!("first defined at {}", sources.location(first))),
            );
            false
        } else {
            self.seen.insert(id.to_string(), span);
            true
        }
    }
}

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn new(sources: &'s Sources, dec: &'d mut Decoder) -> Self {
        Compiler {
            sources,
            dec,
            max_rating_unknown: false,
        }
    }

    pub(super) fn single<'a>(&mut self, tops: &[Fields<'a>], key: &str) -> Option<&'a Node> {
        let mut found: Option<&'a Node> = None;
        let mut first_span = Span::UNKNOWN;
        for f in tops {
            if let Some(n) = f.get(key) {
                if found.is_some() {
                    let ks = f.key_span(key).unwrap_or(n.span);
                    let first = self.sources.location(&first_span);
                    self.dec.push(
                        Diagnostic::error(
                            "conflict",
                            ks,
                            format!("`{key}` is given in more than one rule file"),
                        )
                        .with_help(format!("first given at {first}")),
                    );
                } else {
                    found = Some(n);
                    first_span = f.key_span(key).unwrap_or(n.span);
                }
            }
        }
        found
    }

    pub(super) fn lists<'a>(
        &mut self,
        tops: &[Fields<'a>],
        key: &str,
        what: &str,
    ) -> Vec<&'a Node> {
        let mut out = Vec::new();
        for f in tops {
            if let Some(n) = f.get(key) {
                if let Some(items) = self.dec.seq(n, what) {
                    out.extend(items.iter());
                }
            }
        }
        out
    }

    pub(super) fn condition(&mut self, p: &Pending, rs: &RuleSet, ctx: Context) -> Option<Cond> {
        let file_text = &self.sources.files[p.node.span.file as usize].text;
        let at = TextSpan::new(p.node.span, &p.text, file_text);
        match cparse::parse(&p.text) {
            Ok(expr) => resolve(&expr, rs, ctx, &at, &mut self.dec.diags),
            Err(e) => {
                let span = at.map(e.pos);
                self.dec.error("condition-syntax", span, e.message);
                None
            }
        }
    }

    pub(super) fn pending<'a>(
        &mut self,
        node: Option<&'a Node>,
        what: &str,
    ) -> Option<Pending<'a>> {
        let node = node?;
        let text = match &node.kind {
            Kind::Str(s) => s.clone(),
            Kind::Bool(_) => {
                self.dec.error(
                    "wrong-type",
                    node.span,
                    format!("{what} must be a condition such as `x >= 2`, not true/false"),
                );
                return None;
            }
            _ => {
                self.dec.error(
                    "wrong-type",
                    node.span,
                    format!(
                        "{what} must be a condition (text), not {}",
                        node.kind_name()
                    ),
                );
                return None;
            }
        };
        Some(Pending { node, text })
    }
}
