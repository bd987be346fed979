//! The rule set as a whole: its header (`name`, `version`, `description`,
//! `max_rating`), the order in which the passes run, and the checks on the
//! whole set (no levels, no dimensions, no questions).

use super::compiler::{Compiler, Ids, MAX_RATING};
use super::conditions::Context;
use crate::diag::{did_you_mean, Diagnostic, Sources, Span};
use crate::rules::model::*;
use crate::yaml::{Kind, Node};

const TOP_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "url",
    "max_rating",
    "levels",
    "sections",
    "instruments",
    "dimensions",
    "placement",
    "flags",
    "exclusions",
    "checks",
    "override_reasons",
    "flag_actions",
    "answer_sources",
];

impl<'s, 'd> Compiler<'s, 'd> {
    pub(super) fn compile(mut self, docs: &[Node]) -> Option<RuleSet> {
        let mut tops = Vec::new();
        for d in docs {
            if d.kind == Kind::Null {
                continue;
            }
            if let Some(f) = self.dec.fields(d, "a rule file", TOP_KEYS, &[]) {
                tops.push(f);
            }
        }
        // Whole-rule-set problems (no `name`, ...) point at the first key
        // of the first file.
        let first_span = docs
            .iter()
            .find(|d| d.span.is_known())
            .map(|d| match &d.kind {
                Kind::Map(pairs) if !pairs.is_empty() => pairs[0].0.span,
                _ => d.span,
            })
            .unwrap_or(Span::UNKNOWN);

        let name = match self.single(&tops, "name") {
            Some(n) => self.dec.text(n, "`name`"),
            None => {
                self.dec
                    .error("missing-field", first_span, "the rule set has no `name`");
                None
            }
        };
        let version = match self.single(&tops, "version") {
            Some(n) => self.dec.text(n, "`version`"),
            None => {
                self.dec
                    .error("missing-field", first_span, "the rule set has no `version`");
                None
            }
        };
        let description = self
            .single(&tops, "description")
            .and_then(|n| self.dec.text(n, "`description`"));
        let url = self.single(&tops, "url").and_then(|n| {
            let u = self.dec.text(n, "`url`")?;
            if super::codes::is_absolute_uri(&u) {
                Some(u)
            } else {
                self.dec.push(
                    Diagnostic::error("invalid-uri", n.span, "the rule set's `url` is not an absolute URI")
                        .with_help("a canonical URL such as `https://example.org/placement/rules/default`, or a URN such as `urn:example:placement:default`, with no spaces"),
                );
                None
            }
        });
        let max_rating = match self.single(&tops, "max_rating") {
            Some(n) => match self.dec.int(n, "`max_rating`") {
                Some(m) if (1..=MAX_RATING as i64).contains(&m) => m as u8,
                Some(m) => {
                    let why = if m < 1 {
                        "ratings run from 0 to `max_rating`, so a dimension needs at least the ratings 0 and 1".to_string()
                    } else {
                        format!(
                            "a dimension has at most {} ratings, 0 to {MAX_RATING}",
                            MAX_RATING + 1
                        )
                    };
                    self.dec.error(
                        "rating-out-of-range",
                        n.span,
                        format!("`max_rating` must be from 1 to {MAX_RATING}, not {m}: {why}"),
                    );
                    self.max_rating_unknown = true;
                    MAX_RATING
                }
                None => {
                    self.max_rating_unknown = true;
                    MAX_RATING
                }
            },
            None => 4,
        };

        let levels = self.levels(&tops);
        let (sections, mut questions, ask_whens, froms) = self.questions(&tops);
        self.options_from(&mut questions, froms);
        let mut shared_ids = Ids::default();
        for q in &questions {
            shared_ids.seen.entry(q.id.clone()).or_insert(q.span);
        }
        let question_index: rustc_hash::FxHashMap<String, usize> = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        let instruments = self.instruments(&tops, &questions, &question_index, &mut shared_ids);
        let (mut dimensions, raw_rules) = self.dimensions(&tops, max_rating, &mut shared_ids);

        // Resolve section dimensions now that dimensions are known.
        let mut sections = sections;
        for (s, dim_node) in sections.iter_mut() {
            if let Some((dim, span)) = dim_node.take_dim() {
                match dimensions.iter().position(|d| d.id == dim) {
                    Some(i) => s.dimension = Some(i),
                    None => {
                        let help = did_you_mean(&dim, dimensions.iter().map(|d| d.id.as_str()));
                        self.dec.push(
                            Diagnostic::error(
                                "unknown-reference",
                                span,
                                format!("unknown dimension `{dim}`"),
                            )
                            .with_help_opt(help),
                        );
                    }
                }
            }
        }

        let mut rs = RuleSet {
            name: name.clone().unwrap_or_default(),
            version: version.clone().unwrap_or_default(),
            description,
            url,
            sha256: String::new(),
            max_rating,
            levels,
            sections: sections.into_iter().map(|(s, _)| s).collect(),
            questions,
            instruments,
            dimensions: Vec::new(),
            dimension_order: Vec::new(),
            escalations: Vec::new(),
            supports: Vec::new(),
            flags: Vec::new(),
            exclusions: Vec::new(),
            checks: Vec::new(),
            override_reasons: Vec::new(),
            flag_actions: Vec::new(),
            answer_sources: Vec::new(),
            sources: Sources::default(),
            question_index,
            reads: Default::default(),
        };
        // Dimensions without their rules yet, so conditions can name them.
        rs.dimensions = dimensions.clone();

        // Skip logic.
        for (qi, pending) in ask_whens.into_iter().enumerate() {
            if let Some(p) = pending {
                let ctx = Context {
                    ratings: false,
                    level: false,
                    questions_before: Some(qi),
                };
                rs.questions[qi].ask_when = self.condition(&p, &rs, ctx);
                rs.questions[qi].ask_when_text = Some(p.text);
            }
        }

        // Rating rules.
        let rule_ctx = Context {
            ratings: true,
            level: false,
            questions_before: None,
        };
        for (di, rules) in raw_rules.into_iter().enumerate() {
            let mut seen_rule_ids = Ids::default();
            for (ri, r) in rules.into_iter().enumerate() {
                let id =
                    r.id.clone()
                        .unwrap_or_else(|| format!("{}.r{}", dimensions[di].id, ri + 1));
                seen_rule_ids.add(self.dec, &id, r.span, "rule", self.sources);
                if let Some(when) = self.condition(&r.when, &rs, rule_ctx) {
                    dimensions[di].rules.push(RatingRule {
                        id,
                        rating: r.rating,
                        when,
                        when_text: r.when.text,
                        why: r.why,
                        span: r.span,
                    });
                }
            }
        }

        self.placement(&tops, &mut rs, &mut dimensions);
        rs.dimensions = dimensions;
        rs.dimension_order = self.dimension_order(&rs);
        rs.reads = crate::rules::model::ReadIndex::new(&rs);
        rs.flag_actions = self.flag_actions(&tops);
        rs.flags = self.flags(&tops, &rs);
        rs.exclusions = self.exclusions(&tops, &rs);
        rs.checks = self.checks(&tops, &rs);
        rs.override_reasons = self.override_reasons(&tops);
        rs.answer_sources = self.answer_sources(&tops);

        if rs.levels.is_empty() {
            self.dec
                .error("missing-field", first_span, "the rule set has no `levels`");
        }
        if rs.dimensions.is_empty() {
            self.dec.error(
                "missing-field",
                first_span,
                "the rule set has no `dimensions`",
            );
        }
        if rs.questions.is_empty() {
            self.dec.error(
                "missing-field",
                first_span,
                "the rule set has no questions (`sections`)",
            );
        }
        (name.is_some() && version.is_some()).then_some(rs)
    }
}
