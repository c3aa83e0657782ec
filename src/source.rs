//! Source text helpers: decoding and byte offset → line/column conversion.

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The byte offsets where each line starts. `\n`, `\r\n` and a lone `\r` all end a line,
/// as they do for Python's tokenizer.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(offset) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + offset;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next);
            i = next;
        }
        LineIndex { line_starts }
    }

    /// The 0-based line that contains `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line.min(self.line_starts.len() - 1)]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Converts a byte offset into a 1-based line and character column. An offset
    /// inside a line's `\r\n` is the end of that line.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let end = start + self.line_text(text, line).len();
        let column = text[start..offset.min(end)].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of 0-based `line` without its line terminator.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Why a file's bytes could not be used as source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    /// Byte offset of the first invalid byte (after any byte-order mark).
    pub offset: usize,
    /// The text with invalid bytes replaced, to show where the problem is; `None` for
    /// binary files, which have nothing worth showing.
    pub lossy: Option<String>,
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file's bytes as UTF-8, dropping a leading byte-order mark.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, DecodeError> {
    if bytes.starts_with(BYTE_ORDER_MARK) {
        bytes.drain(..BYTE_ORDER_MARK.len());
    }
    String::from_utf8(bytes).or_else(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        if let Some(text) = decode_declared(&bytes) {
            return Ok(text);
        }
        let binary = memchr::memchr(0, &bytes).is_some();
        let message = if binary {
            format!("file looks binary (NUL bytes; invalid UTF-8 at byte {offset}); asynclint reads source files as UTF-8 text")
        } else {
            format!("file is not valid UTF-8 (invalid byte at offset {offset}); asynclint reads source files as UTF-8")
        };
        Err(DecodeError {
            message,
            offset,
            lossy: (!binary).then(|| String::from_utf8_lossy(&bytes).into_owned()),
        })
    })
}

/// Decodes a file whose first or second line declares its encoding (PEP 263:
/// `# -*- coding: latin-1 -*-`), as Python itself does.
fn decode_declared(bytes: &[u8]) -> Option<String> {
    let label = coding_declaration(bytes)?;
    let label = match label.as_str() {
        "latin-1" | "latin_1" | "iso-8859-1" | "iso8859-1" | "l1" => "iso-8859-1",
        other => other,
    };
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// The encoding named in a coding comment on one of the first two lines.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            continue;
        }
        let Some(at) = trimmed.find("coding") else {
            continue;
        };
        let rest = &trimmed[at + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name.to_ascii_lowercase());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_all_line_endings() {
        let text = "a\r\nbé = x\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), Position { line: 2, column: 6 });
        let c = text.find('c').unwrap();
        assert_eq!(index.position(text, c), Position { line: 3, column: 1 });
        assert_eq!(index.line_text(text, 1), "bé = x");
    }

    #[test]
    fn an_offset_inside_a_line_ending_is_the_end_of_the_line() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        let end_of_first = Position { line: 1, column: 3 };
        assert_eq!(index.position(text, 2), end_of_first);
        assert_eq!(index.position(text, 3), end_of_first);
        assert_eq!(index.position(text, 4), Position { line: 2, column: 1 });
    }

    #[test]
    fn decode_honours_a_coding_declaration() {
        let latin1 = b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".to_vec();
        assert_eq!(
            decode(latin1).unwrap(),
            "# -*- coding: latin-1 -*-\nname = 'café'\n"
        );
        let undeclared = b"name = 'caf\xe9'\n".to_vec();
        assert!(decode(undeclared).is_err());
    }

    #[test]
    fn decode_strips_bom_and_rejects_invalid_utf8() {
        assert_eq!(decode(b"\xEF\xBB\xBFx = 1".to_vec()).unwrap(), "x = 1");
        let error = decode(b"x = '\xff'".to_vec()).unwrap_err();
        assert_eq!(error.offset, 5);
        assert!(error.message.contains("not valid UTF-8"));
    }
}
