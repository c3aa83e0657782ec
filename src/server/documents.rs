//! The open documents: the text the editor shows (which may not be saved yet), kept
//! current through full or incremental changes.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::positions;
use crate::diagnostic::Diagnostic;
use crate::source::LineIndex;

/// One open document.
pub struct Document {
    pub uri: Uri,
    /// Its local path; `None` for a URI that is not a local file (`untitled:`).
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
    pub lines: LineIndex,
    /// The findings of the last lint of `text`; `None` when the text changed since
    /// (or the index it was linted against did).
    pub findings: Option<Vec<Diagnostic>>,
    /// Whether the workspace index holds this text's summary.
    pub indexed: bool,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String) -> Self {
        Document {
            path: super::uri::to_path(&uri),
            uri,
            version,
            lines: LineIndex::new(&text),
            text,
            findings: None,
            indexed: false,
        }
    }

    /// Applies one change: a whole new text, or a replacement of a range given in
    /// LSP positions.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let start = positions::offset(&self.text, &self.lines, range.start);
                let end = positions::offset(&self.text, &self.lines, range.end).max(start);
                self.text.replace_range(start..end, &change.text);
            }
        }
        self.lines = LineIndex::new(&self.text);
        self.findings = None;
        self.indexed = false;
    }
}

/// The open documents by URI.
#[derive(Default)]
pub struct Documents {
    open: HashMap<String, Document>,
}

impl Documents {
    pub fn open(&mut self, document: Document) {
        self.open
            .insert(document.uri.as_str().to_string(), document);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.open.values_mut()
    }

    /// Forgets every lint result, so every document is linted again (after the
    /// configuration or the index changed).
    pub fn mark_all_stale(&mut self) {
        for document in self.open.values_mut() {
            document.findings = None;
        }
    }

    /// Takes the stale documents as linted with no findings (after linting them
    /// failed), so that the server does not retry until they change.
    pub fn give_up_on_stale(&mut self) {
        for document in self.open.values_mut() {
            document.findings.get_or_insert_with(Vec::new);
        }
    }

    /// The URIs of the documents whose findings are out of date, in a stable order.
    pub fn stale(&self) -> Vec<Uri> {
        let mut stale: Vec<&Document> = self
            .open
            .values()
            .filter(|document| document.findings.is_none())
            .collect();
        stale.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        stale
            .into_iter()
            .map(|document| document.uri.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(range: Option<Range>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_use_utf16_positions() {
        let uri: Uri = "file:///tmp/a.py".parse().unwrap();
        let mut document = Document::new(uri, 1, "s = '🎉'\nx = 1\n".to_string());
        // Replace the `1` on line 1, then insert after the emoji (UTF-16 column 7).
        document.apply(change(
            Some(Range::new(Position::new(1, 4), Position::new(1, 5))),
            "2",
        ));
        document.apply(change(
            Some(Range::new(Position::new(0, 7), Position::new(0, 7))),
            "!",
        ));
        assert_eq!(document.text, "s = '🎉!'\nx = 2\n");
        document.apply(change(None, "whole"));
        assert_eq!(document.text, "whole");
        assert_eq!(document.lines.line_count(), 1);
    }
}
