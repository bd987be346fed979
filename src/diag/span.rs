//! [`Span`]: a place in a source file. The build script includes this
//! file too, for the spanned YAML tree; it must not use anything from the
//! crate.

/// A place in a source file. `line` and `col` count from 1; `col` counts
/// characters. `offset` and `len` are bytes into the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub file: u32,
    pub offset: u32,
    pub len: u32,
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub const UNKNOWN: Span = Span {
        file: 0,
        offset: 0,
        len: 0,
        line: 0,
        col: 0,
    };

    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}
