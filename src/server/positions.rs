//! LSP positions: a 0-based line and a character offset counted in UTF-16 code units,
//! the encoding every client supports (and the default one). The linter works in byte
//! offsets; these convert between the two against a document's line index.

use lsp_types::{Position, Range};

use crate::source::LineIndex;

/// The LSP position of byte `offset` of `text` (clamped to the text, and to the start
/// of the character it falls in).
pub fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = lines.line_of(offset);
    let line_start = lines.line_start(line);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    Position::new(to_u32(line), to_u32(character))
}

pub fn range(text: &str, lines: &LineIndex, start: usize, end: usize) -> Range {
    Range::new(
        position(text, lines, start),
        position(text, lines, end.max(start)),
    )
}

/// The byte offset of an LSP position. As the protocol asks, a line past the end
/// means the end of the text, and a character past the end of its line means the end
/// of that line; a position inside a surrogate pair goes to the start of its character.
pub fn offset(text: &str, lines: &LineIndex, position: Position) -> usize {
    let line = position.line as usize;
    if line >= lines.line_count() {
        return text.len();
    }
    let line_start = lines.line_start(line);
    let line_text = lines.line_text(text, line);
    let mut units = 0;
    for (at, c) in line_text.char_indices() {
        units += c.len_utf16();
        if units > position.character as usize {
            return line_start + at;
        }
    }
    line_start + line_text.len()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_of_accents_and_emoji() {
        // `é` is 2 bytes and 1 UTF-16 unit; `🎉` is 4 bytes and 2 UTF-16 units.
        let text = "x = 1\ns = 'é🎉'; time.sleep(1)\r\nend";
        let lines = LineIndex::new(text);
        // `s = 'é🎉'; ` is 10 characters, 11 UTF-16 units and 14 bytes.
        let at = text.find("time").unwrap();
        assert_eq!(at - text.find('s').unwrap(), 14);
        assert_eq!(position(text, &lines, at), Position::new(1, 11));
        assert_eq!(offset(text, &lines, Position::new(1, 11)), at);
        let end = text.find("end").unwrap();
        assert_eq!(position(text, &lines, end), Position::new(2, 0));
    }

    #[test]
    fn offsets_clamp_past_the_line_the_text_and_inside_a_surrogate_pair() {
        let text = "a🎉b\nxy";
        let lines = LineIndex::new(text);
        assert_eq!(offset(text, &lines, Position::new(0, 99)), "a🎉b".len());
        assert_eq!(offset(text, &lines, Position::new(7, 0)), text.len());
        // Character 2 is the second half of the emoji: its start is byte 1.
        assert_eq!(offset(text, &lines, Position::new(0, 2)), 1);
        assert_eq!(offset(text, &lines, Position::new(0, 3)), "a🎉".len());
        assert_eq!(offset(text, &lines, Position::new(1, 1)), text.len() - 1);
    }
}
