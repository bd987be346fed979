//! YAML (and JSON, which is YAML) into a tree of nodes that each know where
//! they came from.
//!
//! Rule files and intake files are both read into [`Node`]s first and then
//! decoded by hand, so that every problem in a file can be collected and
//! reported with its line and column instead of stopping at the first one.
//!
//! - [`tree`]: the spanned tree itself ([`Node`], [`Kind`]), the
//!   serde-saphyr visitor that builds it, and its binary encoding (the
//!   build script includes this file to pre-parse the default rules).
//! - [`parse`](mod@parse): the full parser, with size, depth and alias budgets
//!   ([`Limits`]) and located syntax errors.
//! - [`fast`]: a reader for the plain subset that batch intakes use,
//!   which gives the same tree as the full parser or gives up.
//! - [`decode`]: helpers to decode a tree by hand while collecting every
//!   problem: mappings with known keys, typed scalars.
//!
//! This layer knows nothing of rules or intakes.

pub mod decode;
pub mod fast;
pub mod parse;
pub mod tree;

/// The span type of the tree ([`tree`] finds it here as `super::Span`).
use crate::diag::Span;

pub use parse::{is_several_documents, parse, parse_documents, parse_spelled, Limits};
pub use tree::{Kind, Node};
