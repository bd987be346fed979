//! Rule sets: load the files, check every problem, compile ids to indexes
//! and conditions to typed trees. `files.rs` reads rule files safely,
//! `load/` checks and compiles them (see its `mod.rs` for its files),
//! `model.rs` is the compiled `RuleSet` the engine reads.

pub mod files;
pub mod load;
pub mod model;

pub use load::{load_default, load_path, LoadError, Loaded};
pub use model::RuleSet;
