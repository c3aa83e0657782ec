//! The one type every front end produces and every output format consumes.

use crate::registry::Rule;
use crate::source::{LineIndex, Position};

/// A finding in one file, positioned by byte offsets into that file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    /// What is wrong here, naming the concrete callee or construct.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// Byte range `[start, end)` in the source text.
    pub start: usize,
    pub end: usize,
}

impl Diagnostic {
    pub fn new(rule: Rule, start: usize, end: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            help: None,
            start,
            end,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A diagnostic resolved to 1-based line/column positions, ready for output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub diagnostic: Diagnostic,
    pub start: Position,
    pub end: Position,
}

impl Located {
    pub fn new(diagnostic: Diagnostic, index: &LineIndex, text: &str) -> Self {
        let start = index.position(text, diagnostic.start);
        let end = index.position(text, diagnostic.end.max(diagnostic.start));
        Located {
            diagnostic,
            start,
            end,
        }
    }
}
