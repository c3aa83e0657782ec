//! A module's `async def`s found from its bytes, without a parse, and where each one
//! sits: at module level, in a class body, or inside a function.
//!
//! One forward pass follows just enough of Python's lexical structure to know where
//! statements start: strings (so that an `async def` in a docstring example is not
//! taken for one), comments, brackets (a line inside them continues a statement),
//! backslash continuations, and each block header's indentation. Where the outline
//! could be wrong (an odd f-string, a header it does not know), it errs towards
//! "module level or method", which only lets more files be parsed.

use super::method_owners::{OwnerCollector, OwnerFacts, Place};
use crate::prefilter::is_identifier_byte;

/// The `async def` names of a module, by where they are defined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coroutines {
    /// Defined at module level, including under `if`/`try`/`with` blocks: callable
    /// by name from other modules.
    pub module_level: Vec<String>,
    /// Defined in a class body: callable as methods, wherever an instance goes.
    pub methods: Vec<String>,
    /// Defined inside a function: callable only from that function's module.
    pub nested: Vec<String>,
}

impl Coroutines {
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.module_level
            .iter()
            .chain(&self.methods)
            .chain(&self.nested)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Class,
    Function,
    /// `if`, `try`, `with`, `for`, ...: its body belongs to the enclosing block.
    Other,
}

/// The names a module's top level binds with a sync `def` or a `class` written at
/// column zero, each followed by a line break: one allocation per module, as a
/// large project's modules hold thousands of them until its import graph is built.
/// A statement at column zero is at module level whatever the outline makes of the
/// blocks before it, so a name here is one the module's summary holds as a sync
/// function or a class (a sync and an async `def` of one name are not trusted to
/// be a coroutine function either).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlainDefinitions(Box<str>);

impl PlainDefinitions {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.lines()
    }
}

/// What the pass learns of a module.
#[derive(Debug, Default)]
pub struct Outline {
    pub coroutines: Coroutines,
    pub plain_definitions: PlainDefinitions,
    /// The byte ranges of strings and comments, in order.
    pub non_code: Vec<(usize, usize)>,
    /// Where the `import` and `from` statements that open a line inside a function
    /// or class body start, in order. A module's summary qualifies names through its
    /// module-level imports only.
    pub nested_imports: Vec<usize>,
}

impl Outline {
    /// Does the byte at `offset` lie in a string or a comment?
    pub fn in_non_code(&self, offset: usize) -> bool {
        non_code_around(&self.non_code, offset).is_some()
    }

    /// Does an `import` or `from` statement starting at `offset` sit in a function
    /// or class body?
    pub fn is_nested_import(&self, offset: usize) -> bool {
        self.nested_imports.binary_search(&offset).is_ok()
    }
}

/// The string or comment, of the sorted ranges `non_code`, that contains `at`.
pub fn non_code_around(non_code: &[(usize, usize)], at: usize) -> Option<(usize, usize)> {
    let after = non_code.partition_point(|&(start, _)| start <= at);
    let &(start, end) = non_code.get(after.checked_sub(1)?)?;
    (at < end).then_some((start, end))
}

/// Finds every `async def` of a module outside strings and comments.
pub fn coroutines(source: &str) -> Coroutines {
    if memchr::memmem::find(source.as_bytes(), b"async").is_none() {
        return Coroutines::default();
    }
    outline(source).coroutines
}

/// Outlines a module: its `async def`s and where its strings and comments are.
pub fn outline(source: &str) -> Outline {
    outline_pass(source, None)
}

/// [`outline`], and what the module says of its classes and functions for the
/// owners of methods ([`OwnerFacts`]).
pub fn outline_with_owners(source: &str) -> (Outline, OwnerFacts) {
    let mut owners = OwnerCollector::default();
    let outline = outline_pass(source, Some(&mut owners));
    (outline, owners.finish(source.as_bytes()))
}

fn outline_pass(source: &str, mut owners: Option<&mut OwnerCollector>) -> Outline {
    let bytes = source.as_bytes();
    let mut found = Coroutines::default();
    let mut non_code = Vec::new();
    let mut nested_imports = Vec::new();
    let mut plain_definitions = String::new();
    let mut blocks: Vec<(usize, Block)> = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    let mut statement_start = true;
    while at < bytes.len() {
        if statement_start {
            statement_start = false;
            let (indent, start) = indentation(bytes, at);
            at = start;
            if bytes
                .get(at)
                .is_some_and(|b| !matches!(b, b'\n' | b'\r' | b'#' | b'\\'))
            {
                // Blocks are stacked by increasing indentation: close the deeper ones.
                while blocks
                    .last()
                    .is_some_and(|&(block_indent, _)| block_indent >= indent)
                {
                    blocks.pop();
                }
                // Most statements start with neither word: their first byte says so.
                if matches!(bytes[at], b'i' | b'f')
                    && matches!(word_at(bytes, at), Some(b"import" | b"from"))
                    && enclosing(&blocks).is_some()
                {
                    nested_imports.push(at);
                }
                if let Some(owners) = owners.as_deref_mut() {
                    let place = match enclosing(&blocks) {
                        None => Place::Module,
                        Some(Block::Class) => Place::Class,
                        Some(_) => Place::Function,
                    };
                    owners.statement(bytes, at, indent, place);
                }
                let at_column_zero = (indent == 0).then_some(&mut plain_definitions);
                if let Some(block) = statement_block(bytes, at, &blocks, &mut found, at_column_zero)
                {
                    blocks.push((indent, block));
                }
            }
            continue;
        }
        at = skip_code(bytes, at, &mut depth);
        let Some(&byte) = bytes.get(at) else {
            break;
        };
        match byte {
            b'#' => {
                let end =
                    memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i);
                non_code.push((at, end));
                at = end;
            }
            b'\'' | b'"' => {
                let end = string_end(bytes, at);
                non_code.push((at, end));
                at = end;
            }
            // A backslash continues the line (or escapes nothing outside strings).
            b'\\' => at += 2,
            b'\n' | b'\r' => {
                at += 1;
                statement_start = depth == 0;
            }
            _ => at += 1,
        }
    }
    Outline {
        coroutines: found,
        plain_definitions: PlainDefinitions(plain_definitions.into_boxed_str()),
        non_code,
        nested_imports,
    }
}

/// What a byte does to the bracket depth, or [`STOP`] for a byte the outline's pass
/// looks at: a comment, a string, a backslash or a line break.
const BRACKET_DELTAS: [i8; 256] = {
    let mut deltas = [0; 256];
    let mut i = 0;
    while i < 3 {
        deltas[b"([{"[i] as usize] = 1;
        deltas[b")]}"[i] as usize] = -1;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        deltas[b"#'\"\\\n\r"[i] as usize] = STOP;
        i += 1;
    }
    deltas
};

const STOP: i8 = i8::MAX;

/// Moves from `at` to the next byte the pass looks at (or the end), counting the
/// brackets in between into `depth`; a closing bracket at depth zero leaves it at
/// zero. A byte at a time, without a branch on brackets: code lines are short, and a
/// table lookup per byte costs less there than starting SIMD searches and bracket
/// counts for each line.
fn skip_code(bytes: &[u8], at: usize, depth: &mut usize) -> usize {
    let mut level = *depth as isize;
    let mut at = at;
    while let Some(&byte) = bytes.get(at) {
        let delta = BRACKET_DELTAS[usize::from(byte)];
        if delta == STOP {
            break;
        }
        level = (level + isize::from(delta)).max(0);
        at += 1;
    }
    *depth = level as usize;
    at
}

/// Only where a module's strings and comments are: [`outline`]'s `non_code` without
/// its statement and block tracking, jumping from quote to quote with SIMD searches.
/// (Outside strings, a backslash can only continue a line, so it never hides a quote
/// or a `#` in a module Python accepts.)
pub fn non_code(source: &str) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut ranges = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'#', b'\'', b'"', &bytes[at..]) {
        let start = at + found;
        let end = match bytes[start] {
            b'#' => {
                memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i)
            }
            _ => string_end(bytes, start),
        };
        ranges.push((start, end));
        at = end;
        if at >= bytes.len() {
            break;
        }
    }
    ranges
}

/// The width of the indentation starting at `at` (a tab to the next multiple of 8),
/// and where the text after it starts.
fn indentation(bytes: &[u8], at: usize) -> (usize, usize) {
    let mut width = 0;
    let mut end = at;
    while let Some(&b) = bytes.get(end) {
        match b {
            b' ' => width += 1,
            b'\t' => width = (width / 8 + 1) * 8,
            b'\x0c' => width = 0,
            _ => break,
        }
        end += 1;
    }
    (width, end)
}

/// The block a statement starting at `at` opens, if any; an `async def` is recorded
/// in `found` by where it sits, and the name of a `def` or `class` written at column
/// zero in `plain_definitions` when given.
fn statement_block(
    bytes: &[u8],
    at: usize,
    blocks: &[(usize, Block)],
    found: &mut Coroutines,
    plain_definitions: Option<&mut String>,
) -> Option<Block> {
    let first = word_at(bytes, at)?;
    match first {
        b"class" | b"def" => {
            if let Some(names) = plain_definitions {
                if let Some(name) = defined_name(bytes, at + first.len()) {
                    names.push_str(name);
                    names.push('\n');
                }
            }
            match first {
                b"class" => Some(Block::Class),
                _ => Some(Block::Function),
            }
        }
        b"async" => {
            let second_start = skip_blanks(bytes, at + first.len());
            match word_at(bytes, second_start)? {
                b"def" => {
                    let name = defined_name(bytes, second_start + 3)?.to_string();
                    match enclosing(blocks) {
                        None => found.module_level.push(name),
                        Some(Block::Class) => found.methods.push(name),
                        Some(_) => found.nested.push(name),
                    }
                    Some(Block::Function)
                }
                _ => Some(Block::Other),
            }
        }
        b"if" | b"elif" | b"else" | b"try" | b"except" | b"finally" | b"with" | b"for"
        | b"while" | b"match" | b"case" => Some(Block::Other),
        _ => None,
    }
}

/// The name a `def` or `class` keyword ending at `keyword_end` defines.
fn defined_name(bytes: &[u8], keyword_end: usize) -> Option<&str> {
    let name = word_at(bytes, skip_blanks(bytes, keyword_end))?;
    // An identifier's bytes are whole UTF-8 characters: a word ends at ASCII.
    std::str::from_utf8(name).ok()
}

/// The class or function whose body a statement is in; `None` at module level.
fn enclosing(blocks: &[(usize, Block)]) -> Option<Block> {
    blocks
        .iter()
        .rev()
        .map(|&(_, block)| block)
        .find(|&block| block != Block::Other)
}

/// The identifier starting at `at`, if one does.
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let length = bytes
        .get(at..)?
        .iter()
        .take_while(|&&b| is_identifier_byte(b))
        .count();
    (length > 0).then(|| &bytes[at..at + length])
}

fn skip_blanks(bytes: &[u8], from: usize) -> usize {
    from + bytes.get(from..).map_or(0, |rest| {
        rest.iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t' | b'\x0c'))
            .count()
    })
}

/// The index just past the string literal whose opening quote is at `at`. A
/// single-quoted string also ends at the end of its line, so that a quote the pass
/// misreads (inside an f-string's braces) cannot swallow the rest of the file.
fn string_end(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let triple = bytes.get(at..at + 3) == Some(&[quote, quote, quote][..]);
    let mut i = at + if triple { 3 } else { 1 };
    loop {
        // Only the quote, a backslash and (for one-line strings) line breaks matter.
        let rest = bytes.get(i..).unwrap_or_default();
        let found = match triple {
            true => memchr::memchr2(quote, b'\\', rest),
            false => memchr::memchr3(quote, b'\\', b'\n', rest)
                .map(|found| match memchr::memchr(b'\r', &rest[..found]) {
                    Some(cr) => cr,
                    None => found,
                })
                .or_else(|| memchr::memchr(b'\r', rest)),
        };
        let Some(found) = found else {
            return bytes.len();
        };
        i += found;
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' | b'\r' => return i,
            _ if !triple => return i + 1,
            _ if bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) => return i + 3,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(names: &[String]) -> Vec<&str> {
        names.iter().map(String::as_str).collect()
    }

    #[test]
    fn imports_in_function_and_class_bodies_are_told_apart() {
        let source = "import a\n\
                      if x:\n    from b import c\n\
                      def f():\n    import d\n    if y:\n        from e import g\n\
                      class K:\n    import h\n\
                      try:\n    import i\nexcept ImportError:\n    pass\n\
                      def one_line(): import j\n";
        let outline = outline(source);
        let nested: Vec<&str> = outline
            .nested_imports
            .iter()
            .map(|&at| source[at..].lines().next().unwrap())
            .collect();
        assert_eq!(nested, ["import d", "from e import g", "import h"]);
        assert!(outline.is_nested_import(source.find("import d").unwrap()));
        assert!(!outline.is_nested_import(source.find("import i").unwrap()));
    }

    #[test]
    fn sorts_coroutines_by_where_they_are_defined() {
        let found = coroutines(
            "async def top(): ...\n\
             if sys.version_info > (3,):\n    async def guarded(): ...\n\
             class C(Base):\n    x = (\n1)\n    @decorated\n    async  def method(self):\n        async def inner(): ...\n\
             \n    if debug:\n        async def debug_method(self): ...\n\
             def sync():\n    async def nested(): ...\n\
             async def after(): ...\n",
        );
        assert_eq!(strings(&found.module_level), ["top", "guarded", "after"]);
        assert_eq!(strings(&found.methods), ["method", "debug_method"]);
        assert_eq!(strings(&found.nested), ["inner", "nested"]);
    }

    #[test]
    fn skips_strings_and_comments() {
        let found = coroutines(
            "def run(main):\n    \"\"\"Example:\n\n        async def main():\n            ...\n\"\"\"\n\
             # async def commented(): ...\n\
             x = 'async def quoted(): ...'\n\
             class C:\n    doc = '''\ntext\n'''\n    async def close(self): ...\n",
        );
        assert!(found.module_level.is_empty(), "{found:?}");
        assert_eq!(strings(&found.methods), ["close"]);
    }

    #[test]
    fn knows_where_strings_and_comments_are() {
        let source = "x = 'a'  # c\ny = \"\"\"\nimport os\n\"\"\"\nimport sys\n";
        let found = outline(source);
        let at = |text: &str| source.find(text).unwrap();
        assert!(found.in_non_code(at("'a'")));
        assert!(found.in_non_code(at("# c")));
        assert!(found.in_non_code(at("import os")));
        assert!(!found.in_non_code(at("import sys")));
        assert!(!found.in_non_code(at("y =")));
    }

    #[test]
    fn code_is_skipped_to_the_next_byte_that_matters_counting_brackets() {
        let depth_after = |depth: usize, text: &[u8]| {
            let mut depth = depth;
            assert_eq!(skip_code(text, 0, &mut depth), text.len());
            depth
        };
        assert_eq!(depth_after(0, &[b'('; 1000]), 1000);
        assert_eq!(depth_after(1000, &[b']'; 600]), 400);
        assert_eq!(depth_after(0, &b"f(a[1], {2: (3)})".repeat(40)), 0);
        // A closing bracket at depth zero is ignored, not carried as a debt.
        assert_eq!(depth_after(2, b")))("), 1);
        assert_eq!(depth_after(0, b"x = 1"), 0);
        for stop in ["#", "'", "\"", "\\", "\n", "\r"] {
            let text = format!("f(x[0]) {stop} (");
            let mut depth = 0;
            assert_eq!(skip_code(text.as_bytes(), 0, &mut depth), 8, "{stop:?}");
            assert_eq!(depth, 0);
        }
    }

    #[test]
    fn plain_definitions_are_the_sync_defs_and_classes_at_column_zero() {
        let found = outline(
            "def get(hass): ...\n\
             @callback\ndef  remove(x):\n    def inner(): ...\n\
             class Registry(Base):\n    def method(self): ...\n    class Inner: ...\n\
             async def fetch(): ...\n\
             if TYPE_CHECKING:\n    def guarded(): ...\n\
             x = '''\ndef quoted(): ...\n'''\n\
             y = (\ndef_ := 1)\n\
             # def commented(): ...\n\
             definition = 1\nclassic()\n\
             \x0cdef after_form_feed(): ...\n",
        );
        let names: Vec<&str> = found.plain_definitions.names().collect();
        assert_eq!(names, ["get", "remove", "Registry", "after_form_feed"]);
    }

    #[test]
    fn continuation_lines_are_not_statements() {
        let found = coroutines("x = [\n1,\n]\ny = 1 + \\\n    2\nasync def f(): ...\n");
        assert_eq!(strings(&found.module_level), ["f"]);
    }
}
