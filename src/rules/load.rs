//! Loading a rule set: read the files, parse them, decode every construct,
//! check every reference and condition, and compile. All problems are
//! collected; a rule set with any error is never returned.

use super::files::{self, Boundary};
use super::model::*;
use crate::cond::parse as cparse;
use crate::cond::{Cond, Operand};
use crate::diag::{
    did_you_mean, did_you_mean_unlisted, Diagnostic, Severity, SourceFile, Sources, Span,
};
use crate::pathname;
use crate::rules::resolve::{resolve, Context, TextSpan};
use crate::yaml::decode::{Decoder, Fields};
use crate::yaml::{self, Kind, Limits, Node};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Why a rule set could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The files could not be read (not a finding about their content).
    Io(String),
    /// The files were read, and these problems were found (errors first
    /// among them decide; warnings may be present too).
    Invalid {
        sources: Sources,
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(m) => f.write_str(m),
            LoadError::Invalid { diagnostics, .. } => {
                let n = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                write!(f, "the rule set has {n} error(s)")
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// A loaded rule set with the warnings its check found.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rules: RuleSet,
    pub warnings: Vec<Diagnostic>,
}

/// The default rule set's files, embedded at build time.
/// Each entry: file name, text, and the text pre-parsed at build time.
pub const EMBEDDED: &[(&str, &str, Option<&[u8]>)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Loads the embedded default rule set.
pub fn load_default() -> Result<Loaded, LoadError> {
    let files = EMBEDDED
        .iter()
        .map(|(rel, text, _)| SourceFile {
            path: format!("<default>/{rel}"),
            rel_path: rel.to_string(),
            text: text.to_string(),
        })
        .collect();
    // The trees parsed at build time spare start-up the YAML parse; a file
    // without one is parsed now.
    let trees = EMBEDDED
        .iter()
        .map(|(_, _, tree)| tree.and_then(crate::yaml::tree::decode))
        .collect();
    load_parsed(Sources { files }, trees, &Limits::RULES)
}

/// Loads a rule set from a file or a folder of `*.yaml` / `*.yml` files
/// (not its subfolders).
pub fn load_path(path: &Path, max_bytes: usize) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        LoadError::Io(format!(
            "cannot read rule set {}: {}",
            pathname::show(path),
            io_reason(&e)
        ))
    })?;
    let mut found = Vec::new();
    let mut read = |p: &Path, rel: String, boundary: Option<&Boundary>| -> Result<(), LoadError> {
        let text = files::read_text("rule file", p, boundary, max_bytes)
            .map_err(|r| LoadError::Io(r.0))?;
        found.push(SourceFile {
            path: pathname::show(p),
            rel_path: rel,
            text,
        });
        Ok(())
    };
    if meta.is_dir() {
        // The folder is a trust boundary: see `files`.
        let boundary = Boundary::new(path);
        let entries =
            files::yaml_entries("rule folder", path, None).map_err(|r| LoadError::Io(r.0))?;
        if entries.is_empty() {
            return Err(LoadError::Io(format!(
                "rule folder {} has no *.yaml or *.yml files",
                pathname::show(path)
            )));
        }
        for p in entries {
            let rel = p.file_name().map(pathname::show_os).unwrap_or_default();
            read(&p, rel, Some(&boundary))?;
        }
    } else {
        // A file named on the command line is read as named.
        let name = path
            .file_name()
            .map(pathname::show_os)
            .unwrap_or_else(|| pathname::show(path));
        read(path, name, None)?;
    }
    load_sources_limited(
        Sources { files: found },
        &Limits::RULES.with_max_bytes(max_bytes),
    )
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The fingerprint of a set of files: see `docs/rules.md`.
pub fn fingerprint(sources: &Sources) -> String {
    let mut files: Vec<&SourceFile> = sources.files.iter().collect();
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut h = Sha256::new();
    for f in files {
        h.update(f.rel_path.as_bytes());
        h.update([0]);
        h.update(f.text.len().to_string().as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
    }
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses, checks and compiles rule files already in memory.
pub fn load_sources(sources: Sources) -> Result<Loaded, LoadError> {
    load_sources_limited(sources, &Limits::RULES)
}

/// Like [`load_sources`], with other YAML limits (`--max-rules-bytes`).
pub fn load_sources_limited(sources: Sources, limits: &Limits) -> Result<Loaded, LoadError> {
    let trees = vec![None; sources.files.len()];
    load_parsed(sources, trees, limits)
}

/// Like [`load_sources`], with trees already parsed for some files.
fn load_parsed(
    sources: Sources,
    trees: Vec<Option<Node>>,
    limits: &Limits,
) -> Result<Loaded, LoadError> {
    let mut dec = Decoder::default();
    let mut docs = Vec::new();
    let mut unparsed = false;
    let mut empty = Vec::new();
    for ((i, f), tree) in sources.files.iter().enumerate().zip(trees) {
        let parsed = match tree {
            Some(n) => Ok(n),
            None => yaml::parse(&f.text, i as u32, limits),
        };
        match parsed {
            Ok(n) => {
                if n.kind == Kind::Null {
                    empty.push(i);
                }
                docs.push(n)
            }
            Err(d) => {
                unparsed = true;
                dec.push(d)
            }
        }
    }
    // An empty file is not an error (a placeholder is harmless), but never
    // silent: the rules it should hold may be lost. When every file is
    // empty, that is the one problem, not the missing `name`, `version`,
    // levels... that follow from it.
    let all_empty = !unparsed && !docs.is_empty() && empty.len() == docs.len();
    for &i in &empty {
        let f = &sources.files[i];
        let d = if all_empty {
            Diagnostic {
                severity: Severity::Error,
                ..Diagnostic::empty_file(f, i as u32, "the rule set is empty")
            }
        } else {
            Diagnostic::empty_file(f, i as u32, "it adds nothing to the rule set")
        };
        dec.push(d);
    }
    if all_empty {
        return Err(LoadError::Invalid {
            sources,
            diagnostics: dec.diags,
        });
    }
    let compiled = Compiler::new(&sources, &mut dec).compile(&docs);
    let mut diagnostics = dec.diags;
    if unparsed {
        // A file that does not parse leaves the set without its `name`,
        // its levels, the ids others refer to...: report the parse errors
        // alone, not what follows from them.
        diagnostics.retain(|d| d.code.starts_with("yaml-"));
    }
    sort_diagnostics(&sources, &mut diagnostics);
    match compiled {
        Some(mut rs) if !diagnostics.iter().any(|d| d.severity == Severity::Error) => {
            rs.sha256 = fingerprint(&sources);
            rs.sources = sources;
            Ok(Loaded {
                rules: rs,
                warnings: diagnostics,
            })
        }
        _ => {
            if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
                diagnostics.push(Diagnostic::error(
                    "missing-field",
                    Span::UNKNOWN,
                    "the rule set could not be compiled",
                ));
            }
            Err(LoadError::Invalid {
                sources,
                diagnostics,
            })
        }
    }
}

/// Stable order: file, line, column, code.
pub fn sort_diagnostics(sources: &Sources, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let pa = sources.path(&a.span);
        let pb = sources.path(&b.span);
        (pa, a.span.line, a.span.col, a.code).cmp(&(pb, b.span.line, b.span.col, b.code))
    });
}

const TOP_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "max_rating",
    "levels",
    "sections",
    "instruments",
    "dimensions",
    "placement",
    "flags",
    "exclusions",
    "override_reasons",
    "flag_actions",
];

/// A condition waiting to be resolved once every id is known.
struct Pending<'a> {
    node: &'a Node,
    text: String,
}

/// A question's `options_from`, resolved once every question is known.
struct OptionsFrom {
    /// The source question's id, and where it is written.
    source: String,
    span: Span,
    /// Where each of the question's own option ids is written, when it
    /// lists its own `options`; `None` when they are to be copied.
    own: Option<Vec<Span>>,
}

struct RawRule<'a> {
    id: Option<String>,
    rating: u8,
    when: Pending<'a>,
    why: String,
    span: Span,
}

/// The largest `max_rating` a rule set may give.
const MAX_RATING: u8 = 9;

struct Compiler<'s, 'd> {
    sources: &'s Sources,
    dec: &'d mut Decoder,
    /// `max_rating` was given but is not usable (0, 10, text...): it has
    /// been reported, and nothing that depends on the number of ratings
    /// (rule ratings, condition ratings, the length of `minimums`) is
    /// checked against a guess. It is taken as [`MAX_RATING`] meanwhile.
    max_rating_unknown: bool,
}

/// First definition of each id of one kind, for duplicate checks.
#[derive(Default)]
struct Ids {
    seen: HashMap<String, Span>,
}

impl Ids {
    fn add(
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
    fn new(sources: &'s Sources, dec: &'d mut Decoder) -> Self {
        Compiler {
            sources,
            dec,
            max_rating_unknown: false,
        }
    }

    fn single<'a>(&mut self, tops: &[Fields<'a>], key: &str) -> Option<&'a Node> {
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

    fn lists<'a>(&mut self, tops: &[Fields<'a>], key: &str, what: &str) -> Vec<&'a Node> {
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

    fn compile(mut self, docs: &[Node]) -> Option<RuleSet> {
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
            override_reasons: Vec::new(),
            flag_actions: Vec::new(),
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
        rs.override_reasons = self.override_reasons(&tops);

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

    fn condition(&mut self, p: &Pending, rs: &RuleSet, ctx: Context) -> Option<Cond> {
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

    fn pending<'a>(&mut self, node: Option<&'a Node>, what: &str) -> Option<Pending<'a>> {
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

    fn levels(&mut self, tops: &[Fields]) -> Vec<Level> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "levels", "`levels`") {
            let Some(f) = self.dec.fields(
                n,
                "a level",
                &["id", "name", "description"],
                &["id", "name"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "level id"));
            let name = f.get("name").and_then(|n| self.dec.text(n, "level `name`"));
            let description = f
                .get("description")
                .and_then(|n| self.dec.text(n, "level `description`"));
            if let (Some(id), Some(name)) = (id, name) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "level", self.sources) {
                    out.push(Level {
                        id,
                        name,
                        description,
                        span,
                    });
                }
            }
        }
        out
    }

    #[allow(clippy::type_complexity)]
    fn questions<'a>(
        &mut self,
        tops: &[Fields<'a>],
    ) -> (
        Vec<(Section, DimRef)>,
        Vec<Question>,
        Vec<Option<Pending<'a>>>,
        Vec<Option<OptionsFrom>>,
    ) {
        let mut sections = Vec::new();
        let mut questions = Vec::new();
        let mut ask = Vec::new();
        let mut froms = Vec::new();
        let mut section_ids = Ids::default();
        let mut question_ids = Ids::default();
        for sn in self.lists(tops, "sections", "`sections`") {
            let Some(f) = self.dec.fields(
                sn,
                "a section",
                &["id", "title", "dimension", "questions"],
                &["id", "title", "questions"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "section id"));
            let title = f
                .get("title")
                .and_then(|n| self.dec.text(n, "section `title`"));
            let dim = f
                .get("dimension")
                .and_then(|n| self.dec.id(n, "section `dimension`").map(|d| (d, n.span)));
            if let Some(id) = &id {
                section_ids.add(
                    self.dec,
                    id,
                    f.get("id").map(|n| n.span).unwrap_or(f.span),
                    "section",
                    self.sources,
                );
            }
            let section_index = sections.len();
            let start = questions.len();
            if let Some(qs) = f
                .get("questions")
                .and_then(|n| self.dec.seq(n, "`questions`"))
            {
                for qn in qs {
                    if let Some((q, pending, from)) =
                        self.question(qn, section_index, &mut question_ids)
                    {
                        questions.push(q);
                        ask.push(pending);
                        froms.push(from);
                    }
                }
            }
            sections.push((
                Section {
                    id: id.unwrap_or_default(),
                    title: title.unwrap_or_default(),
                    dimension: None,
                    questions: start..questions.len(),
                },
                DimRef(dim),
            ));
        }
        (sections, questions, ask, froms)
    }

    /// Resolves `options_from`: the source must be an earlier multi-choice
    /// question; a question's own options must be among the source's
    /// options that are not exclusive, and a question without its own
    /// gets those.
    fn options_from(&mut self, questions: &mut [Question], froms: Vec<Option<OptionsFrom>>) {
        for (qi, from) in froms.into_iter().enumerate() {
            let Some(from) = from else { continue };
            let qid = questions[qi].id.clone();
            let Some(si) = questions.iter().position(|q| q.id == from.source) else {
                let help = did_you_mean(&from.source, questions.iter().map(|q| q.id.as_str()));
                self.dec.push(
                    Diagnostic::error(
                        "unknown-reference",
                        from.span,
                        format!(
                            "unknown question `{}` in the `options_from` of `{qid}`",
                            from.source
                        ),
                    )
                    .with_help_opt(help),
                );
                continue;
            };
            if si >= qi {
                let msg = if si == qi {
                    format!("`{qid}` draws its options from itself (`options_from`)")
                } else {
                    format!(
                        "`{qid}` draws its options from `{}`, which is asked after it: `options_from` must name an earlier question",
                        from.source
                    )
                };
                self.dec.error("options-from", from.span, msg);
                continue;
            }
            let QuestionKind::MultiChoice(source_options) = &questions[si].kind else {
                self.dec.error(
                    "options-from",
                    from.span,
                    format!(
                        "`{qid}` draws its options from `{}`, a {} question: `options_from` must name a multi_choice question",
                        from.source,
                        questions[si].kind.type_name()
                    ),
                );
                continue;
            };
            let offered: Vec<ChoiceOption> = source_options
                .iter()
                .filter(|o| !o.exclusive)
                .map(|o| ChoiceOption {
                    id: o.id.clone(),
                    label: o.label.clone(),
                    exclusive: false,
                })
                .collect();
            match &from.own {
                Some(spans) => {
                    let own = questions[qi].kind.options().unwrap_or(&[]);
                    for (o, span) in own.iter().zip(spans) {
                        if offered.iter().any(|x| x.id == o.id) {
                            continue;
                        }
                        let msg = if source_options.iter().any(|x| x.id == o.id) {
                            format!(
                                "option `{}` of `{qid}` is an exclusive option of `{}`, which is never offered in a question that draws its options from it",
                                o.id, from.source
                            )
                        } else {
                            format!(
                                "option `{}` of `{qid}` is not an option of `{}`, which `{qid}` draws its options from",
                                o.id, from.source
                            )
                        };
                        let listed: Vec<&str> = own.iter().map(|x| x.id.as_str()).collect();
                        let help = did_you_mean_unlisted(
                            &o.id,
                            offered.iter().map(|x| x.id.as_str()),
                            &listed,
                        );
                        self.dec.push(
                            Diagnostic::error("options-from", *span, msg).with_help_opt(help),
                        );
                    }
                }
                None if offered.is_empty() => {
                    self.dec.error(
                        "options-from",
                        from.span,
                        format!(
                            "`{qid}` draws its options from `{}`, which has no options that are not exclusive",
                            from.source
                        ),
                    );
                    continue;
                }
                None => match &mut questions[qi].kind {
                    QuestionKind::SingleChoice(o) | QuestionKind::MultiChoice(o) => *o = offered,
                    _ => {}
                },
            }
            questions[qi].options_from = Some(si);
        }
    }

    #[allow(clippy::type_complexity)]
    fn question<'a>(
        &mut self,
        qn: &'a Node,
        section: usize,
        ids: &mut Ids,
    ) -> Option<(Question, Option<Pending<'a>>, Option<OptionsFrom>)> {
        let f = self.dec.fields(
            qn,
            "a question",
            &[
                "id",
                "text",
                "help",
                "type",
                "options",
                "options_from",
                "min",
                "max",
                "allowed",
                "scale",
                "ask_when",
                "max_length",
                "informational",
                "retired",
                "order",
            ],
            &["id", "text", "type"],
        )?;
        let id_node = f.get("id")?;
        let id = self.dec.id(id_node, "question id")?;
        let text = f
            .get("text")
            .and_then(|n| self.dec.text(n, "question `text`"));
        let help = f
            .get("help")
            .and_then(|n| self.dec.text(n, "question `help`"));
        let ty_node = f.get("type")?;
        let ty = self.dec.text(ty_node, "question `type`")?;
        const TYPES: &[&str] = &[
            "single_choice",
            "multi_choice",
            "yes_no",
            "integer",
            "number",
            "text",
        ];
        let allowed_keys: &[&str] = match ty.as_str() {
            "single_choice" | "multi_choice" => &["options", "options_from"],
            "integer" => &["min", "max", "allowed", "scale"],
            "number" => &["min", "max"],
            "text" => &["max_length"],
            "yes_no" => &[],
            _ => {
                let help = did_you_mean(&ty, TYPES.iter().copied())
                    .unwrap_or_else(|| format!("the types are {}", TYPES.join(", ")));
                self.dec.push(
                    Diagnostic::error(
                        "wrong-type",
                        ty_node.span,
                        format!("unknown question type `{ty}`"),
                    )
                    .with_help(help),
                );
                return None;
            }
        };
        for key in [
            "options",
            "options_from",
            "min",
            "max",
            "allowed",
            "scale",
            "max_length",
        ] {
            if let (Some(n), false) = (f.key_span(key), allowed_keys.contains(&key)) {
                self.dec.error(
                    "unknown-field",
                    n,
                    format!("a {ty} question has no `{key}`"),
                );
            }
        }
        let mut from = None;
        let kind = match ty.as_str() {
            "single_choice" | "multi_choice" => {
                let source = match f.get("options_from") {
                    Some(n) => Some((self.dec.id(n, "`options_from`")?, n.span)),
                    None => None,
                };
                let multi = ty == "multi_choice";
                let options = match (f.get("options"), source) {
                    (None, Some((source, span))) => {
                        from = Some(OptionsFrom {
                            source,
                            span,
                            own: None,
                        });
                        Vec::new()
                    }
                    (node, source) => {
                        let (options, spans) = self.options(node, &id, f.span, multi)?;
                        from = source.map(|(source, span)| OptionsFrom {
                            source,
                            span,
                            own: Some(spans),
                        });
                        options
                    }
                };
                if ty == "multi_choice" && options.len() > 64 {
                    self.dec.error(
                        "wrong-type",
                        f.span,
                        "a multi-choice question can have at most 64 options",
                    );
                    return None;
                }
                if ty == "single_choice" {
                    QuestionKind::SingleChoice(options)
                } else {
                    QuestionKind::MultiChoice(options)
                }
            }
            "yes_no" => QuestionKind::YesNo,
            "integer" => {
                let (min, max) = match (f.get("min"), f.get("max")) {
                    (Some(a), Some(b)) => (self.dec.int(a, "`min`")?, self.dec.int(b, "`max`")?),
                    _ => {
                        self.dec.error(
                            "missing-field",
                            f.span,
                            format!("integer question `{id}` needs `min` and `max`"),
                        );
                        return None;
                    }
                };
                if min > max {
                    self.dec.error(
                        "wrong-type",
                        f.get("min").map(|n| n.span).unwrap_or(f.span),
                        format!("`min` ({min}) is greater than `max` ({max})"),
                    );
                    return None;
                }
                let allowed = match f.get("allowed") {
                    Some(n) => {
                        let items = self.dec.seq(n, "`allowed`")?;
                        let mut v = Vec::new();
                        for it in items {
                            let x = self.dec.int(it, "an allowed value")?;
                            if x < min || x > max {
                                self.dec.error(
                                    "value-out-of-range",
                                    it.span,
                                    format!("allowed value {x} is outside {min}..{max}"),
                                );
                            }
                            v.push(x);
                        }
                        Some(v)
                    }
                    None => None,
                };
                let mut scale = Vec::new();
                if let Some(n) = f.get("scale") {
                    for it in self.dec.seq(n, "`scale`")? {
                        let Some(sf) = self.dec.fields(
                            it,
                            "a scale entry",
                            &["value", "label"],
                            &["value", "label"],
                        ) else {
                            continue;
                        };
                        let v = sf
                            .get("value")
                            .and_then(|n| self.dec.int(n, "scale `value`"));
                        let l = sf
                            .get("label")
                            .and_then(|n| self.dec.text(n, "scale `label`"));
                        if let (Some(v), Some(l)) = (v, l) {
                            if v < min || v > max {
                                self.dec.error(
                                    "value-out-of-range",
                                    sf.span,
                                    format!("scale value {v} is outside {min}..{max}"),
                                );
                            }
                            scale.push((v, l));
                        }
                    }
                }
                QuestionKind::Integer {
                    min,
                    max,
                    allowed,
                    scale,
                }
            }
            "number" => {
                let (min, max) = match (f.get("min"), f.get("max")) {
                    (Some(a), Some(b)) => {
                        (self.dec.number(a, "`min`")?, self.dec.number(b, "`max`")?)
                    }
                    _ => {
                        self.dec.error(
                            "missing-field",
                            f.span,
                            format!("number question `{id}` needs `min` and `max`"),
                        );
                        return None;
                    }
                };
                if min > max {
                    self.dec.error(
                        "wrong-type",
                        f.span,
                        format!("`min` ({min}) is greater than `max` ({max})"),
                    );
                    return None;
                }
                QuestionKind::Number { min, max }
            }
            _ => {
                let max_length = match f.get("max_length") {
                    Some(n) => self.dec.int(n, "`max_length`")?.clamp(1, 100_000) as usize,
                    None => 2000,
                };
                QuestionKind::Text { max_length }
            }
        };
        let ask_when = self.pending(f.get("ask_when"), "`ask_when`");
        let ordered_type = !matches!(
            kind,
            QuestionKind::MultiChoice(_) | QuestionKind::Text { .. }
        );
        let order = match f.get("order") {
            None if ordered_type => Order::Ascending,
            None => Order::None,
            Some(n) => {
                let given = self.dec.text(n, "`order`");
                let order = match given.as_deref() {
                    Some("ascending") => Order::Ascending,
                    Some("descending") => Order::Descending,
                    Some("none") => Order::None,
                    Some(other) => {
                        self.dec.push(
                            Diagnostic::error(
                                "invalid-order",
                                n.span,
                                format!("`order` of `{id}` is `{other}`; it is `ascending`, `descending` or `none`"),
                            )
                            .with_help("`ascending`: the options as listed, no before yes, numbers upwards, each more severe than the last; `descending`: the reverse; `none`: no order of severity"),
                        );
                        Order::None
                    }
                    None => Order::None,
                };
                if !ordered_type && order != Order::None {
                    self.dec.push(
                        Diagnostic::error(
                            "invalid-order",
                            n.span,
                            format!(
                                "`order` of `{id}` is `{}`, but a {} question has no order of severity",
                                order.as_str(),
                                kind.type_name()
                            ),
                        )
                        .with_help("leave out `order` (or give `none`); only yes_no, single_choice, integer and number questions are ordered"),
                    );
                }
                if ordered_type {
                    order
                } else {
                    Order::None
                }
            }
        };
        let retired = f
            .get("retired")
            .and_then(|n| self.dec.boolean(n, "`retired`"))
            .unwrap_or(false);
        let informational = retired
            || f.get("informational")
                .and_then(|n| self.dec.boolean(n, "`informational`"))
                .unwrap_or(false);
        if retired {
            if let Some(n) = f.get("ask_when") {
                self.dec.push(
                    Diagnostic::error(
                        "retired-question",
                        n.span,
                        format!("retired question `{id}` has an `ask_when`, but a retired question is never asked"),
                    )
                    .with_help("leave out `ask_when`, or `retired` if the question is still asked"),
                );
            }
        }
        if !ids.add(self.dec, &id, id_node.span, "question", self.sources) {
            return None;
        }
        Some((
            Question {
                id,
                text: text.unwrap_or_default(),
                help,
                kind,
                section,
                // A retired question is never asked: its skip condition is
                // the empty `or`, which never holds.
                ask_when: retired.then(|| Cond::Or(Vec::new())),
                ask_when_text: None,
                informational,
                retired,
                options_from: None,
                order,
                span: id_node.span,
            },
            ask_when,
            from,
        ))
    }

    /// A question's options, with where each option id is written.
    fn options(
        &mut self,
        node: Option<&Node>,
        qid: &str,
        span: Span,
        multi: bool,
    ) -> Option<(Vec<ChoiceOption>, Vec<Span>)> {
        let Some(node) = node else {
            self.dec.error(
                "missing-field",
                span,
                format!("choice question `{qid}` needs `options`"),
            );
            return None;
        };
        let items = self.dec.seq(node, "`options`")?;
        if items.is_empty() {
            self.dec.error(
                "missing-field",
                node.span,
                format!("choice question `{qid}` has no options"),
            );
            return None;
        }
        let mut ids = Ids::default();
        let mut out = Vec::new();
        let mut spans = Vec::new();
        for it in items {
            let Some(f) = self.dec.fields(
                it,
                "an option",
                &["id", "label", "exclusive"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "option id"));
            let label = f
                .get("label")
                .and_then(|n| self.dec.text(n, "option `label`"));
            let exclusive = f
                .get("exclusive")
                .and_then(|n| self.dec.boolean(n, "`exclusive`"))
                .unwrap_or(false);
            if let (Some(id), Some(label)) = (id, label) {
                if exclusive && !multi {
                    self.dec.push(
                        Diagnostic::error(
                            "exclusive-single-choice",
                            f.key_span("exclusive").unwrap_or(f.span),
                            format!(
                                "option `{id}` of `{qid}` is `exclusive`, but `{qid}` is a single_choice question: only a multi_choice question's options can be exclusive"
                            ),
                        )
                        .with_help("remove `exclusive`: a single choice never has two options ticked"),
                    );
                }
                let s = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(
                    self.dec,
                    &id,
                    s,
                    &format!("option (of `{qid}`)"),
                    self.sources,
                ) {
                    out.push(ChoiceOption {
                        id,
                        label,
                        exclusive,
                    });
                    spans.push(s);
                }
            }
        }
        Some((out, spans))
    }

    fn instruments(
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
                &["id", "name", "items", "values", "bands"],
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
                    span: id_node.span,
                });
            }
        }
        out
    }

    /// The value map of one item, with the least and most points it gives.
    fn value_map(
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

    fn check_bands(&mut self, id: &str, bands: &[Band], lo: i64, hi: i64, span: Span) {
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

    fn dimensions<'a>(
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

    fn level_ref(&mut self, node: &Node, rs: &RuleSet) -> Option<usize> {
        let id = self.dec.id(node, "level")?;
        match rs.level_index(&id) {
            Some(i) => Some(i),
            None => {
                let help = did_you_mean(&id, rs.levels.iter().map(|l| l.id.as_str()));
                self.dec.push(
                    Diagnostic::error(
                        "unknown-reference",
                        node.span,
                        format!("unknown level `{id}`"),
                    )
                    .with_help_opt(help),
                );
                None
            }
        }
    }

    fn placement(&mut self, tops: &[Fields], rs: &mut RuleSet, dims: &mut [Dimension]) {
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

    /// Orders dimensions so that each comes after those whose ratings it
    /// reads; reports cycles.
    fn dimension_order(&mut self, rs: &RuleSet) -> Vec<usize> {
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

    fn flags(&mut self, tops: &[Fields], rs: &RuleSet) -> Vec<Flag> {
        let ctx = Context {
            ratings: true,
            level: true,
            questions_before: None,
        };
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "flags", "`flags`") {
            let Some(f) = self.dec.fields(
                n,
                "a flag",
                &["id", "severity", "when", "message", "action", "actions"],
                &["id", "severity", "when", "message"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "flag id"));
            let severity = f.get("severity").and_then(|n| {
                let s = self.dec.text(n, "`severity`")?;
                match s.as_str() {
                    "critical" => Some(FlagSeverity::Critical),
                    "warning" => Some(FlagSeverity::Warning),
                    "info" => Some(FlagSeverity::Info),
                    _ => {
                        let help = did_you_mean(&s, ["critical", "warning", "info"]);
                        self.dec.push(
                            Diagnostic::error(
                                "wrong-type",
                                n.span,
                                format!("unknown severity `{s}`: use critical, warning or info"),
                            )
                            .with_help_opt(help),
                        );
                        None
                    }
                }
            });
            let message = f.get("message").and_then(|n| self.dec.text(n, "`message`"));
            let action = match (f.get("action"), &id) {
                (Some(n), Some(id)) => self.one_line_action(n, id),
                _ => None,
            };
            let when = self
                .pending(f.get("when"), "`when`")
                .and_then(|p| self.condition(&p, rs, ctx).map(|c| (c, p.text)));
            let actions = match (f.get("actions"), &id) {
                (Some(n), Some(id)) => self.flag_action_refs(n, id, rs),
                _ => Vec::new(),
            };
            if let (Some(n), Some(id), Some(severity)) = (f.get("actions"), &id, severity) {
                if severity != FlagSeverity::Critical {
                    self.dec.push(
                        Diagnostic::warning(
                            "flag-actions-not-critical",
                            f.key_span("actions").unwrap_or(n.span),
                            format!(
                                "flag `{id}` is {}, not critical: its `actions` are never offered, because only critical flags are acknowledged",
                                severity.as_str()
                            ),
                        )
                        .with_help("remove `actions`, or make the flag critical"),
                    );
                }
            }
            if let (Some(id), Some(severity), Some(message), Some((when, when_text))) =
                (id, severity, message, when)
            {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "flag", self.sources) {
                    out.push(Flag {
                        id,
                        severity,
                        when,
                        when_text,
                        message,
                        action,
                        actions,
                        span,
                    });
                }
            }
        }
        out
    }

    fn exclusions(&mut self, tops: &[Fields], rs: &RuleSet) -> Vec<Exclusion> {
        let ctx = Context {
            ratings: false,
            level: false,
            questions_before: None,
        };
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "exclusions", "`exclusions`") {
            let Some(f) = self.dec.fields(
                n,
                "an exclusion",
                &["id", "when", "message"],
                &["id", "when", "message"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "exclusion id"));
            let message = f.get("message").and_then(|n| self.dec.text(n, "`message`"));
            let when = self
                .pending(f.get("when"), "`when`")
                .and_then(|p| self.condition(&p, rs, ctx).map(|c| (c, p.text)));
            if let (Some(id), Some(message), Some((when, when_text))) = (id, message, when) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "exclusion", self.sources) {
                    out.push(Exclusion {
                        id,
                        when,
                        when_text,
                        message,
                        span,
                    });
                }
            }
        }
        out
    }

    /// A flag's `action`: one line of text saying what to do. Surrounding
    /// white space is dropped (a folded `>` scalar ends in a line break);
    /// an empty value or one with a line break inside is `action-text`.
    fn one_line_action(&mut self, n: &Node, flag: &str) -> Option<String> {
        let s = self.dec.text(n, "`action`")?;
        let line = s.trim();
        if line.is_empty() {
            self.dec.push(
                Diagnostic::error(
                    "action-text",
                    n.span,
                    format!("`action` of flag `{flag}` is empty"),
                )
                .with_help("say in one line what the clinician should do, or leave `action` out"),
            );
            None
        } else if line.contains(LINE_BREAKS) {
            self.dec.push(
                Diagnostic::error(
                    "action-text",
                    n.span,
                    format!("`action` of flag `{flag}` is more than one line"),
                )
                .with_help("an action is shown on one line with the flag: write it as one line (a folded `>-` scalar joins lines with spaces)"),
            );
            None
        } else {
            Some(line.to_string())
        }
    }

    /// A flag's `actions`: ids of the rule set's flag actions, each once.
    fn flag_action_refs(&mut self, n: &Node, flag: &str, rs: &RuleSet) -> Vec<usize> {
        let Some(items) = self.dec.seq(n, "`actions`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.dec.error(
                "missing-field",
                n.span,
                format!("`actions` of flag `{flag}` names no action: leave it out to offer every flag action"),
            );
        }
        let mut out = Vec::new();
        for it in items {
            let Some(a) = self.dec.id(it, "flag action") else {
                continue;
            };
            match rs.flag_actions.iter().position(|x| x.id == a) {
                Some(i) if out.contains(&i) => self.dec.error(
                    "duplicate-id",
                    it.span,
                    format!("flag action `{a}` is listed twice in the `actions` of flag `{flag}`"),
                ),
                Some(i) => out.push(i),
                None => {
                    let help = if rs.flag_actions.is_empty() {
                        Some("the rule set has no `flag_actions`".to_string())
                    } else {
                        let listed = Node::texts(items);
                        did_you_mean_unlisted(
                            &a,
                            rs.flag_actions.iter().map(|x| x.id.as_str()),
                            &listed,
                        )
                    };
                    self.dec.push(
                        Diagnostic::error(
                            "unknown-reference",
                            it.span,
                            format!("unknown flag action `{a}` in the `actions` of flag `{flag}`"),
                        )
                        .with_help_opt(help),
                    );
                }
            }
        }
        out
    }

    fn override_reasons(&mut self, tops: &[Fields]) -> Vec<OverrideReason> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "override_reasons", "`override_reasons`") {
            let Some(f) = self.dec.fields(
                n,
                "an override reason",
                &["id", "label", "note_required", "no_override"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f
                .get("id")
                .and_then(|n| self.dec.id(n, "override reason id"));
            let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
            let note_required = f
                .get("note_required")
                .and_then(|n| self.dec.boolean(n, "`note_required`"))
                .unwrap_or(false);
            let no_override = f
                .get("no_override")
                .and_then(|n| self.dec.boolean(n, "`no_override`"))
                .unwrap_or(false);
            if let (Some(id), Some(label)) = (id, label) {
                if no_override && note_required {
                    self.dec.push(
                        Diagnostic::error(
                            "no-override-note-required",
                            f.key_span("note_required").unwrap_or(f.span),
                            format!("override reason `{id}` is `no_override`, so it cannot also be `note_required`"),
                        )
                        .with_help("a reason that means \"no override\" is recorded with a placement at the recommended level, which needs no note; remove `note_required`"),
                    );
                }
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "override reason", self.sources) {
                    out.push(OverrideReason {
                        id,
                        label,
                        note_required,
                        no_override,
                    });
                }
            }
        }
        out
    }

    fn flag_actions(&mut self, tops: &[Fields]) -> Vec<FlagAction> {
        let mut ids = Ids::default();
        let mut out = Vec::new();
        for n in self.lists(tops, "flag_actions", "`flag_actions`") {
            let Some(f) = self.dec.fields(
                n,
                "a flag action",
                &["id", "label", "note_required"],
                &["id", "label"],
            ) else {
                continue;
            };
            let id = f.get("id").and_then(|n| self.dec.id(n, "flag action id"));
            let label = f.get("label").and_then(|n| self.dec.text(n, "`label`"));
            let note_required = f
                .get("note_required")
                .and_then(|n| self.dec.boolean(n, "`note_required`"))
                .unwrap_or(false);
            if let (Some(id), Some(label)) = (id, label) {
                let span = f.get("id").map(|n| n.span).unwrap_or(f.span);
                if ids.add(self.dec, &id, span, "flag action", self.sources) {
                    out.push(FlagAction {
                        id,
                        label,
                        note_required,
                    });
                }
            }
        }
        out
    }
}

/// Characters that break a line, in YAML or on a terminal.
const LINE_BREAKS: [char; 7] = [
    '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// A section's `dimension`, resolved once dimensions are known.
struct DimRef(Option<(String, Span)>);

impl DimRef {
    fn take_dim(&mut self) -> Option<(String, Span)> {
        self.0.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_trees_equal_parsing_the_text() {
        assert!(!EMBEDDED.is_empty());
        for (i, (name, text, tree)) in EMBEDDED.iter().enumerate() {
            let tree = tree.unwrap_or_else(|| panic!("{name} has no pre-parsed tree"));
            let decoded = crate::yaml::tree::decode(tree).expect("decodes");
            let parsed = yaml::parse(text, i as u32, &Limits::RULES).expect("parses");
            assert_eq!(decoded, parsed, "{name}");
        }
    }

    #[test]
    fn decode_rejects_truncated_trees() {
        let (_, _, tree) = EMBEDDED[0];
        let tree = tree.expect("tree");
        for cut in [0, 1, tree.len() / 2, tree.len() - 1] {
            assert_eq!(crate::yaml::tree::decode(&tree[..cut]), None);
        }
    }
}
