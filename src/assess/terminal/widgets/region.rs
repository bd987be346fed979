//! The block of lines a prompt owns, redrawn in place after every key,
//! and how each of its lines is painted.

use crate::assess::PromptError;
use crossterm::cursor::{Hide, MoveToColumn, MoveUp, Show};
use crossterm::queue;
use crossterm::style::Stylize;
use crossterm::terminal::{Clear, ClearType};
use std::io::Write;

/// How a line is painted (when colour is on).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paint {
    Plain,
    Dim,
    Bold,
    Cursor,
    Error,
    Good,
}

/// The block of lines a prompt owns, redrawn in place.
#[derive(Debug, Default)]
pub(super) struct Region {
    /// Lines from the region's first line down to the cursor.
    up: u16,
}

impl Region {
    pub(super) fn draw(
        &mut self,
        color: bool,
        lines: &[(String, Paint)],
        cursor: Option<(usize, usize)>,
    ) -> Result<(), PromptError> {
        let mut err = std::io::stderr().lock();
        let io = |e: std::io::Error| PromptError::Terminal(e.to_string());
        if self.up > 0 {
            queue!(err, MoveUp(self.up)).map_err(io)?;
        }
        queue!(err, MoveToColumn(0), Clear(ClearType::FromCursorDown)).map_err(io)?;
        for (i, (l, p)) in lines.iter().enumerate() {
            if i > 0 {
                err.write_all(b"\r\n").map_err(io)?;
            }
            let text = if color {
                match p {
                    Paint::Plain => l.clone(),
                    Paint::Dim => l.as_str().dim().to_string(),
                    Paint::Bold => l.as_str().bold().to_string(),
                    Paint::Cursor => l.as_str().cyan().bold().to_string(),
                    Paint::Error => l.as_str().red().to_string(),
                    Paint::Good => l.as_str().green().to_string(),
                }
            } else {
                l.clone()
            };
            err.write_all(text.as_bytes()).map_err(io)?;
        }
        let last = lines.len().saturating_sub(1);
        match cursor {
            Some((row, col)) => {
                let up = last.saturating_sub(row) as u16;
                if up > 0 {
                    queue!(err, MoveUp(up)).map_err(io)?;
                }
                queue!(err, MoveToColumn(col as u16), Show).map_err(io)?;
                self.up = row as u16;
            }
            None => {
                queue!(err, Hide).map_err(io)?;
                self.up = last as u16;
            }
        }
        err.flush().map_err(io)
    }

    /// Replaces the region with `lines` for good and moves below them.
    pub(super) fn finish(
        &mut self,
        color: bool,
        lines: &[(String, Paint)],
    ) -> Result<(), PromptError> {
        self.draw(color, lines, None)?;
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b"\r\n");
        let _ = queue!(err, Show);
        let _ = err.flush();
        self.up = 0;
        Ok(())
    }
}
