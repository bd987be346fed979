//! `placement`: level-of-care placement from intake answers and YAML rule
//! files.
//!
//! Data flows one way: [`rules`] loads, checks and compiles a rule set
//! (from [`yaml`] trees, with conditions in the language of [`cond`]);
//! [`intake`] reads an intake file against it, and [`fhir`] writes the
//! rule set as a FHIR Questionnaire; [`engine`] evaluates it into
//! an [`engine::Assessment`] that carries its whole trace; [`render`] turns
//! assessments into tables, JSON, CSV and Markdown. [`check`] analyses and
//! tests rule sets for CI, [`sample`] draws fictional intakes, [`assess`]
//! runs the interview, and [`cli`] holds one thin module per command.
//!
//! The modules below are layers, lowest first ([`diag`], [`pathname`] and
//! [`fsutil`] at the bottom): each uses only its own layer and those below
//! it. The library never prints; only `cli` and `assess::terminal` touch
//! the standard streams. `ARCHITECTURE.md` at the top of the repository
//! has the code map, and `tests/architecture.rs` keeps it true.

pub mod diag;
pub mod fsutil;
pub mod pathname;

pub mod yaml;

pub mod cond;

pub mod rules;

pub mod fhir;
pub mod intake;

pub mod engine;

pub mod sample;

pub mod render;

pub mod check;

pub mod assess;

pub mod cli;
