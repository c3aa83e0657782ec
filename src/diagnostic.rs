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
    /// A safe rewrite that resolves the finding, where the rule knows one.
    pub fix: Option<Fix>,
}

/// A rewrite of the source that resolves a finding: what an editor offers as a quick
/// fix, and what `--format json` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as a command: "Replace with `await asyncio.sleep(...)`".
    pub title: String,
    /// Non-overlapping edits, in source order.
    pub edits: Vec<Edit>,
}

/// Replaces the byte range `[start, end)` of the source with `content` (an insertion
/// when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

impl Edit {
    pub fn replace(start: usize, end: usize, content: impl Into<String>) -> Self {
        Edit {
            start,
            end,
            content: content.into(),
        }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Edit::replace(at, at, content)
    }
}

impl Fix {
    /// A fix from edits in any order; they are sorted by position.
    pub fn new(title: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|edit| (edit.start, edit.end));
        Fix {
            title: title.into(),
            edits,
        }
    }

    /// The source with the fix applied (for tests and for callers that rewrite files).
    pub fn apply(&self, source: &str) -> String {
        let mut fixed = String::with_capacity(source.len());
        let mut copied = 0;
        for edit in &self.edits {
            fixed.push_str(&source[copied..edit.start]);
            fixed.push_str(&edit.content);
            copied = edit.end;
        }
        fixed.push_str(&source[copied..]);
        fixed
    }
}

impl Diagnostic {
    pub fn new(rule: Rule, start: usize, end: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            help: None,
            start,
            end,
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
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
