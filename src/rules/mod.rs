//! Rule sets: the compiled model and the loader that builds it.

pub mod files;
pub mod load;
pub mod model;

pub use load::{load_default, load_path, LoadError, Loaded};
pub use model::RuleSet;
