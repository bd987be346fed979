//! The prompts themselves: a pick list (one or several), and a line of
//! text. Each draws in a region of lines below the question, redraws it
//! after every key, and when done replaces it with one line that records
//! the answer (`✔ age: 38`), so the scrollback reads as a transcript.
//!
//! Every line drawn is cut to the terminal's width, so that the region's
//! height is known and redrawing never smears.
//!
//! - `text.rs`: text measured in terminal columns (fit, wrap, one line);
//! - `region.rs`: the block of lines a prompt redraws, and its paint;
//! - `list.rs`: the pick list (one answer, or ticks for several);
//! - `line.rs`: the line of text.

mod line;
mod list;
mod region;
mod text;

pub use line::{Line, Typed};
pub use list::{List, Picked};
pub use region::Paint;
pub use text::{fit, one_line, size, wrap};

/// What the prompt allows besides an answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Escapes {
    pub decline: bool,
    pub help: bool,
    pub moves: bool,
}

/// The footer: the keys that work here, wrapped to the width.
fn footer(parts: &[&str], width: usize) -> Vec<(String, Paint)> {
    wrap(&parts.join(" · "), width)
        .into_iter()
        .map(|l| (l, Paint::Dim))
        .collect()
}

fn escape_keys(e: Escapes, parts: &mut Vec<&'static str>) {
    if e.decline {
        parts.push("- no answer");
    }
    if e.help {
        parts.push("? help");
    }
    if e.moves {
        parts.push("Esc back");
        parts.push("Tab sections");
    }
}
