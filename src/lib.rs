//! `placement`: level-of-care placement from intake answers and YAML rule
//! files.
//!
//! Data flows one way: [`rules`] loads, checks and compiles a rule set;
//! [`intake`] reads an intake file against it; [`engine`] evaluates it into
//! an [`engine::Assessment`] that carries its whole trace; [`render`] turns
//! assessments into tables, JSON, CSV and Markdown. The library never prints.

pub mod assess;
pub mod check;
pub mod cli;
pub mod cond;
pub mod diag;
pub mod engine;
pub mod fsutil;
pub mod intake;
pub mod pathname;
pub mod render;
pub mod rules;
pub mod sample;
pub mod yaml;
