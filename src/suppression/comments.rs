//! Finding the real comments of a file: `#` inside a Python string or `//` inside a
//! Rust string literal is not a comment and must never suppress anything.

use std::ops::Range;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::PySourceType;
use ruff_text_size::Ranged;

/// The comments of a file, and where its code starts (the end of the header in which
/// `asynclint: skip-file` takes effect).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comments {
    /// Byte ranges of the comments, including their `#` or `//`, in source order.
    pub ranges: Vec<Range<usize>>,
    /// Byte offset of the first code: after Python's module docstring, after Rust's
    /// inner attributes (`#![...]`); the source length when there is none.
    pub code_start: usize,
}

/// Python comments from the tokens of ruff's lexer (error-tolerant, so a file with a
/// syntax error still yields its comments).
pub fn python(source: &str) -> Comments {
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let mut comments = Comments {
        code_start: source.len(),
        ..Comments::default()
    };
    let mut seen_docstring = false;
    for token in parsed.tokens().iter() {
        let range = token.range();
        match token.kind() {
            TokenKind::Comment => comments
                .ranges
                .push(range.start().into()..range.end().into()),
            TokenKind::NonLogicalNewline
            | TokenKind::Newline
            | TokenKind::Indent
            | TokenKind::Dedent
            | TokenKind::EndOfFile => {}
            // The module docstring may come before `# asynclint: skip-file`.
            TokenKind::String if !seen_docstring && comments.code_start == source.len() => {
                seen_docstring = true;
            }
            _ if comments.code_start == source.len() => {
                comments.code_start = range.start().into();
            }
            _ => {}
        }
    }
    crate::python::nesting::dispose(parsed);
    comments
}

/// Rust `//` and `/* */` comments, skipping string, raw string, byte string and char
/// literals. Lifetimes (`'a`) are told apart from char literals (`'a'`).
pub fn rust(source: &str) -> Comments {
    RustScanner::new(source).run()
}

struct RustScanner<'a> {
    bytes: &'a [u8],
    at: usize,
    comments: Comments,
    /// Open `[` of an inner attribute (`#![...]`) in the header.
    attribute_depth: usize,
}

impl<'a> RustScanner<'a> {
    fn new(source: &'a str) -> Self {
        RustScanner {
            bytes: source.as_bytes(),
            at: 0,
            comments: Comments {
                code_start: source.len(),
                ..Comments::default()
            },
            attribute_depth: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn run(mut self) -> Comments {
        while let Some(byte) = self.peek(0) {
            let start = self.at;
            match (byte, self.peek(1)) {
                (b'/', Some(b'/')) => {
                    self.line_comment();
                    self.comments.ranges.push(start..self.at);
                    continue;
                }
                (b'/', Some(b'*')) => {
                    self.block_comment();
                    self.comments.ranges.push(start..self.at);
                    continue;
                }
                _ if byte.is_ascii_whitespace() => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            if self.note_code(start) {
                continue;
            }
            match byte {
                b'"' => self.quoted(b'"'),
                b'\'' => self.char_or_lifetime(),
                _ if byte == b'_' || byte.is_ascii_alphabetic() => self.word(),
                _ => self.at += 1,
            }
        }
        self.comments
    }

    /// Ends the header at the first code that is not part of an inner attribute
    /// (`#![...]`). Returns whether it consumed the bytes at `start` itself.
    fn note_code(&mut self, start: usize) -> bool {
        if self.comments.code_start != self.bytes.len() {
            return false;
        }
        if self.attribute_depth == 0 {
            if self.bytes[start..].starts_with(b"#![") {
                self.attribute_depth = 1;
                self.at += 3;
                return true;
            }
            self.comments.code_start = start;
            return false;
        }
        match self.bytes[start] {
            b'[' => self.attribute_depth += 1,
            b']' => self.attribute_depth -= 1,
            _ => {}
        }
        false
    }

    fn line_comment(&mut self) {
        while let Some(byte) = self.peek(0) {
            if byte == b'\n' || byte == b'\r' {
                break;
            }
            self.at += 1;
        }
    }

    /// `/* ... */`, nested as Rust nests them.
    fn block_comment(&mut self) {
        self.at += 2;
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return,
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.at += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.at += 2;
                }
                _ => self.at += 1,
            }
        }
    }

    /// A `"`-delimited string (or a `'`-delimited char) with backslash escapes, from its
    /// opening quote.
    fn quoted(&mut self, quote: u8) {
        self.at += 1;
        while let Some(byte) = self.peek(0) {
            self.at += if byte == b'\\' { 2 } else { 1 };
            if byte == quote {
                return;
            }
        }
        self.at = self.at.min(self.bytes.len());
    }

    /// `'x'`, `'\n'`, `'\u{1F600}'` are char literals; `'a` in `&'a str` or `'outer:` is
    /// a lifetime or label.
    fn char_or_lifetime(&mut self) {
        if self.peek(1) == Some(b'\\') {
            return self.quoted(b'\'');
        }
        let char_len = self.peek(1).map_or(1, |lead| utf8_len(lead).max(1));
        if self.peek(1 + char_len) == Some(b'\'') {
            self.at += char_len + 2;
        } else {
            self.at += 1;
        }
    }

    /// An identifier or keyword, consumed whole so that `r` starts a raw string only as
    /// a literal prefix (`r"`, `r#"`, `br"`, `cr"`), never inside a name.
    fn word(&mut self) {
        let start = self.at;
        while self
            .peek(0)
            .is_some_and(|byte| byte == b'_' || byte.is_ascii_alphanumeric())
        {
            self.at += 1;
        }
        let is_raw_prefix = matches!(&self.bytes[start..self.at], b"r" | b"br" | b"cr");
        if is_raw_prefix {
            self.raw_string();
        }
    }

    /// After the `r` of a raw string: `#`* `"` ... `"` `#`*. Anything else (`r#ident`)
    /// is left for the main loop.
    fn raw_string(&mut self) {
        let hashes = self.bytes[self.at..]
            .iter()
            .take_while(|&&byte| byte == b'#')
            .count();
        if self.peek(hashes) != Some(b'"') {
            return;
        }
        self.at += hashes + 1;
        while let Some(byte) = self.peek(0) {
            self.at += 1;
            let closes = byte == b'"'
                && self.bytes[self.at..].len() >= hashes
                && self.bytes[self.at..self.at + hashes]
                    .iter()
                    .all(|&b| b == b'#');
            if closes {
                self.at += hashes;
                return;
            }
        }
    }
}

/// The length of a UTF-8 sequence from its first byte.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(source: &'a str, comments: &Comments) -> Vec<&'a str> {
        comments
            .ranges
            .iter()
            .map(|range| &source[range.clone()])
            .collect()
    }

    #[test]
    fn python_hash_inside_strings_is_not_a_comment() {
        let source = "x = '# noqa'  # real\ny = f\"{d['#']}\" \"\"\"\n# no\n\"\"\"\n# last\n";
        let comments = python(source);
        assert_eq!(texts(source, &comments), ["# real", "# last"]);
        assert_eq!(comments.code_start, 0);
    }

    #[test]
    fn python_header_allows_comments_and_a_docstring() {
        let source =
            "#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\n# asynclint: skip-file\n\nimport time\n";
        let comments = python(source);
        assert_eq!(comments.ranges.len(), 2);
        assert_eq!(&source[comments.code_start..], "import time\n");
    }

    #[test]
    fn rust_comment_markers_inside_literals_are_not_comments() {
        let source = concat!(
            "let a = \"// no\"; // one\n",
            "let b = r#\"// \"no\" \"#; /* two /* nested */ */\n",
            "let c = '/'; let d: &'static str = \"\\\"//\"; // three\n",
            "let e = b\"//\"; let r#f = br\"//\"; let g = '\\''; // four\n",
            "fn h<'a>(x: &'a str) -> char { 'é' } // five\n",
        );
        let comments = rust(source);
        assert_eq!(
            texts(source, &comments),
            [
                "// one",
                "/* two /* nested */ */",
                "// three",
                "// four",
                "// five"
            ]
        );
    }

    #[test]
    fn rust_header_skips_comments_and_inner_attributes() {
        let source = "//! Crate docs.\n#![allow(dead_code, reason = \"]\")]\n// asynclint: skip-file\nuse std::thread;\n";
        let comments = rust(source);
        assert_eq!(comments.ranges.len(), 2);
        assert_eq!(&source[comments.code_start..], "use std::thread;\n");
    }

    #[test]
    fn rust_unterminated_literals_do_not_panic() {
        for source in ["\"abc", "r#\"abc", "'", "'\\", "/* open", "b'", "r"] {
            rust(source);
        }
    }
}
