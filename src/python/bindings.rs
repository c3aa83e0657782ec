//! Where a module binds a name, read from its bytes: what the prefilter's import
//! graph needs to follow a method call on a local value (`f = open(p); f.read()`)
//! without parsing the module.
//!
//! The semantic model gives a value an origin only through a few kinds of binding
//! ([`super::semantic`]): `name = <expr>` and `with <expr> as name` (the origin of the
//! expression), a parameter (its annotation, or the class of a method's first
//! parameter), a `def` or `class`. Loop and exception targets, tuple elements,
//! augmented assignments and unannotated later parameters carry none. So each
//! occurrence of the name is sorted into: a use; a binding without origin; a binding
//! to what a call `callee(...)` makes, or to the class a later parameter's
//! annotation names (one of the dotted names written in it); or a binding whose
//! origin the bytes cannot tell. Every doubt is the last kind, which only costs a
//! parse.

use rustc_hash::FxHashMap;

use super::outline::non_code_around;
use crate::prefilter::{is_identifier_byte, whole_words};

/// How a module binds one name, outside its import statements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bindings<'s> {
    /// The callee paths of `name = callee(...)` and `with callee(...) as name`
    /// (`["subprocess", "Popen"]`), and the dotted names in the annotation of a
    /// parameter `name: api.Client` after the first (`["api", "Client"]`): what
    /// made the value, or its class.
    pub calls: Vec<Vec<&'s str>>,
    /// Some binding may give the name an origin the bytes do not tell.
    pub opaque: bool,
}

impl Bindings<'_> {
    /// Is the name bound at all, other than by an import or without an origin?
    pub fn binds_values(&self) -> bool {
        self.opaque || !self.calls.is_empty()
    }
}

/// The bindings of each of `names` in `source`, whose strings and comments are
/// `non_code` (sorted byte ranges).
pub fn bindings<'s>(
    source: &'s str,
    non_code: &[(usize, usize)],
    names: &[&str],
) -> FxHashMap<String, Bindings<'s>> {
    let text = Text { source, non_code };
    let mut brackets = BracketScan::default();
    let mut found: FxHashMap<String, Bindings<'s>> = names
        .iter()
        .map(|name| (name.to_string(), Bindings::default()))
        .collect();
    for (start, end) in text.occurrences(names) {
        let Some(bindings) = found.get_mut(&source[start..end]) else {
            continue;
        };
        // Once opaque, nothing more can be learnt about the name.
        if bindings.opaque {
            continue;
        }
        match text.occurrence(start, end, &mut brackets) {
            Occurrence::Use | Occurrence::WithoutOrigin => {}
            Occurrence::Call(callee) => bindings.calls.push(callee),
            Occurrence::Annotated(classes) => bindings.calls.extend(classes),
            Occurrence::Opaque => bindings.opaque = true,
        }
    }
    found
}

/// Brackets, for the pass that finds which one encloses each occurrence.
const BRACKETS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 6 {
        table[b"()[]{}"[i] as usize] = true;
        i += 1;
    }
    table
};

/// Which bracket is open at a point of the text, found by one pass over the code
/// that moves forward only as far as asked.
#[derive(Default)]
struct BracketScan {
    at: usize,
    open: Vec<usize>,
    next_non_code: usize,
}

impl BracketScan {
    /// The innermost bracket open at `start`, which is never before an earlier ask.
    fn enclosing(&mut self, text: &Text, start: usize) -> Option<usize> {
        let bytes = text.bytes();
        let non_code = text.non_code;
        while self.at < start {
            while self.next_non_code < non_code.len() && non_code[self.next_non_code].1 <= self.at {
                self.next_non_code += 1;
            }
            // The code up to the next string or comment, or to `start`.
            let code_end = match non_code.get(self.next_non_code) {
                Some(&(non_code_start, non_code_end)) if non_code_start <= self.at => {
                    self.at = non_code_end;
                    continue;
                }
                Some(&(non_code_start, _)) => non_code_start.min(start),
                None => start,
            };
            for (offset, &byte) in bytes[self.at..code_end].iter().enumerate() {
                if BRACKETS[byte as usize] {
                    match byte {
                        b'(' | b'[' | b'{' => self.open.push(self.at + offset),
                        _ => {
                            self.open.pop();
                        }
                    }
                }
            }
            self.at = code_end;
        }
        self.open.last().copied()
    }
}

/// What one occurrence of a name does.
#[derive(Debug, PartialEq, Eq)]
enum Occurrence<'s> {
    Use,
    /// A binding that gives the name no origin: a loop or `except` target, a tuple
    /// element, an augmented assignment, a later parameter without annotation.
    WithoutOrigin,
    /// `name = callee(...)` or `with callee(...) as name`.
    Call(Vec<&'s str>),
    /// `name: Optional[api.Client]` after a function's first parameter: one of the
    /// dotted names of the annotation (`Optional`, `api.Client`) is its class.
    Annotated(Vec<Vec<&'s str>>),
    Opaque,
}

/// Python keywords that can stand right before a `(` that opens no call.
const KEYWORDS: &[&[u8]] = &[
    b"return",
    b"yield",
    b"assert",
    b"if",
    b"elif",
    b"while",
    b"raise",
    b"del",
    b"global",
    b"nonlocal",
    b"await",
    b"not",
    b"in",
    b"and",
    b"or",
    b"is",
    b"for",
    b"with",
    b"as",
    b"else",
    b"lambda",
    b"from",
    b"import",
    b"except",
    b"case",
    b"match",
];

struct Text<'s, 'n> {
    source: &'s str,
    non_code: &'n [(usize, usize)],
}

impl<'s> Text<'s, '_> {
    fn bytes(&self) -> &'s [u8] {
        self.source.as_bytes()
    }

    /// Where the names occur as whole identifiers in code, in order.
    fn occurrences(&self, names: &[&str]) -> Vec<(usize, usize)> {
        let bytes = self.bytes();
        let mut found: Vec<(usize, usize)> = names
            .iter()
            .filter(|name| !name.is_empty())
            .flat_map(|name| {
                whole_words(bytes, name.as_bytes()).map(|start| (start, start + name.len()))
            })
            .filter(|&(start, _)| self.non_code_end(start).is_none())
            .collect();
        found.sort_unstable();
        found
    }

    /// Sorts the occurrence of a name at `start..end`; `brackets` tells which bracket
    /// encloses it.
    fn occurrence(&self, start: usize, end: usize, brackets: &mut BracketScan) -> Occurrence<'s> {
        let bytes = self.bytes();
        let before = skip_blanks_back(bytes, start);
        let previous = before.checked_sub(1).map(|i| bytes[i]);
        let word_before = word_ending_at(bytes, before);
        let after = skip_blanks_forth(bytes, end);
        let next = bytes.get(after).copied();
        let second = bytes.get(after + 1).copied();
        match (word_before, next) {
            (b"def" | b"class", _) => return Occurrence::Opaque,
            // `name.attr`, `name(...)`, `name[...]`, `x.name` use the name.
            (_, Some(b'.' | b'(' | b'[')) => return Occurrence::Use,
            _ if previous == Some(b'.') || in_import_statement(bytes, start) => {
                return Occurrence::Use
            }
            (b"global" | b"nonlocal" | b"del", _) => return Occurrence::Use,
            // Lambda parameters have no annotation.
            (b"for" | b"lambda", _) => return Occurrence::WithoutOrigin,
            (b"as", _) => return self.as_target(start),
            _ => {}
        }
        match (next, second) {
            (Some(b'='), Some(b'=')) => Occurrence::Use,
            (Some(b'='), _) => {
                let enclosing = brackets.enclosing(self, start);
                self.assigned(start, before, after + 1, enclosing)
            }
            // `name := value`: the semantic model binds no walrus target.
            (Some(b':'), Some(b'=')) => Occurrence::Use,
            // An annotation, an annotated parameter, a `case` capture.
            (Some(b':'), _) => match brackets.enclosing(self, start) {
                Some(open) if matches!(bytes[open], b'[' | b'{') => Occurrence::Use,
                // A method's first parameter takes its class, not its annotation.
                Some(open) if self.is_def_parameters(open) && !first_in(bytes, open, start) => {
                    self.annotation_names(after + 1)
                }
                _ => Occurrence::Opaque,
            },
            // An argument, or a tuple element (bound without origin: `a, name = pair`).
            (Some(b','), _) => match brackets.enclosing(self, start) {
                Some(open) if self.is_def_parameters(open) => self.parameter(open, start),
                _ => Occurrence::Use,
            },
            (Some(b')'), _) => match brackets.enclosing(self, start) {
                Some(open) if self.is_def_parameters(open) => self.parameter(open, start),
                // `(name) = value` binds the name itself.
                Some(open)
                    if bytes[open] == b'('
                        && !self.is_call(open)
                        && first_in(bytes, open, start) =>
                {
                    Occurrence::Opaque
                }
                _ => Occurrence::Use,
            },
            // A line continuation hides what follows.
            (Some(b'\\'), _) => Occurrence::Opaque,
            _ => Occurrence::Use,
        }
    }

    /// `name = ...` (the `=` ends at `value_start`): an assignment, a keyword
    /// argument or a parameter default.
    fn assigned(
        &self,
        start: usize,
        before: usize,
        value_start: usize,
        enclosing: Option<usize>,
    ) -> Occurrence<'s> {
        let bytes = self.bytes();
        match enclosing {
            Some(open) if self.is_def_parameters(open) => self.parameter(open, start),
            Some(open) if bytes[open] == b'(' && self.is_call(open) => Occurrence::Use,
            Some(_) => Occurrence::Opaque,
            None if starts_statement(bytes, before) => self.assigned_value(value_start),
            // `a, name = pair`
            None if before > 0 && bytes[before - 1] == b',' => Occurrence::WithoutOrigin,
            // `a = name = value` and anything else.
            None => Occurrence::Opaque,
        }
    }

    /// What `name = <value>` gives the name, for the value starting at `at`.
    fn assigned_value(&self, at: usize) -> Occurrence<'s> {
        let bytes = self.bytes();
        let at = skip_blanks_forth(bytes, at);
        if let Some((callee, after)) = self.call_at(at) {
            let end = skip_blanks_forth(bytes, after);
            if ends_statement(bytes, end) {
                return Occurrence::Call(callee);
            }
        }
        // A value rooted in a literal has no origin, whatever is called on it, as long
        // as no conditional expression can hand over another value.
        if starts_literal(bytes, at) && !self.conditional_before_statement_end(at) {
            return Occurrence::WithoutOrigin;
        }
        Occurrence::Opaque
    }

    /// `callee.path(...)` starting at `at`: its path and the index after `)`.
    fn call_at(&self, at: usize) -> Option<(Vec<&'s str>, usize)> {
        let bytes = self.bytes();
        let mut path = Vec::new();
        let mut at = at;
        loop {
            let start = at;
            while at < bytes.len() && is_identifier_byte(bytes[at]) {
                at += 1;
            }
            if start == at || bytes[start].is_ascii_digit() {
                return None;
            }
            path.push(&self.source[start..at]);
            at = skip_blanks_forth(bytes, at);
            match bytes.get(at) {
                Some(b'.') => at = skip_blanks_forth(bytes, at + 1),
                Some(b'(') => break,
                _ => return None,
            }
        }
        let close = self.matching_close(at)?;
        Some((path, close + 1))
    }

    /// The `)` that closes the bracket opened at `open`, strings and comments skipped.
    fn matching_close(&self, open: usize) -> Option<usize> {
        let bytes = self.bytes();
        let mut depth = 0usize;
        let mut at = open;
        while at < bytes.len() {
            if let Some(end) = self.non_code_end(at) {
                at = end;
                continue;
            }
            match bytes[at] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at);
                    }
                }
                _ => {}
            }
            at += 1;
        }
        None
    }

    /// Is there an `if` outside brackets between `at` and the end of its statement?
    /// (`x = [] if a else Client()` takes its origin from the call.)
    fn conditional_before_statement_end(&self, at: usize) -> bool {
        let bytes = self.bytes();
        let mut depth = 0usize;
        let mut at = at;
        while at < bytes.len() {
            if let Some(end) = self.non_code_end(at) {
                at = end;
                continue;
            }
            match bytes[at] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                b'\\' => at += 1,
                b'\n' | b'\r' | b';' if depth == 0 => return false,
                byte if is_identifier_byte(byte) => {
                    let start = at;
                    while at < bytes.len() && is_identifier_byte(bytes[at]) {
                        at += 1;
                    }
                    if depth == 0 && &bytes[start..at] == b"if" {
                        return true;
                    }
                    continue;
                }
                _ => {}
            }
            at += 1;
        }
        false
    }

    /// Where the string or comment containing `at` ends, if `at` is in one.
    fn non_code_end(&self, at: usize) -> Option<usize> {
        non_code_around(self.non_code, at).map(|(_, end)| end)
    }

    /// `... as name`: an `except` clause binds no origin; a `with` item that is a call
    /// binds what the call makes.
    fn as_target(&self, start: usize) -> Occurrence<'s> {
        let bytes = self.bytes();
        let line = line_start(bytes, start);
        let statement = bytes[line..start].trim_ascii_start();
        if statement.starts_with(b"except")
            && !statement.get(6).is_some_and(|&b| is_identifier_byte(b))
        {
            return Occurrence::WithoutOrigin;
        }
        // The item ends right before `as`: `with connect(url) as name`.
        let as_start = skip_blanks_back(bytes, start) - 2;
        let item_end = skip_blanks_back(bytes, as_start);
        if item_end == 0 || bytes[item_end - 1] != b')' {
            return Occurrence::Opaque;
        }
        let Some(open) = self.matching_open(item_end - 1) else {
            return Occurrence::Opaque;
        };
        let Some(path_start) = dotted_path_start(bytes, open) else {
            return Occurrence::Opaque;
        };
        let before_item = skip_blanks_back(bytes, path_start);
        let begins_item = word_ending_at(bytes, before_item) == b"with"
            || matches!(
                before_item.checked_sub(1).map(|i| bytes[i]),
                Some(b',' | b'(')
            );
        match (begins_item, self.call_at(path_start)) {
            (true, Some((callee, after))) if after == item_end => Occurrence::Call(callee),
            _ => Occurrence::Opaque,
        }
    }

    fn matching_open(&self, close: usize) -> Option<usize> {
        matching_open(self.bytes(), self.non_code, close)
    }

    /// Is the `(` at `open` a call's argument list: right after a name, `)` or `]`?
    fn is_call(&self, open: usize) -> bool {
        let bytes = self.bytes();
        let before = skip_blanks_back(bytes, open);
        match before.checked_sub(1).map(|i| bytes[i]) {
            Some(b')' | b']') => true,
            Some(byte) if is_identifier_byte(byte) => {
                let word = word_ending_at(bytes, before);
                !is_keyword(word)
            }
            _ => false,
        }
    }

    /// Is the `(` at `open` the parameter list of a `def`?
    fn is_def_parameters(&self, open: usize) -> bool {
        let bytes = self.bytes();
        let mut before = skip_blanks_back(bytes, open);
        // `def f[T](...)`: skip the type parameters.
        if before > 0 && bytes[before - 1] == b']' {
            match self.matching_open(before - 1) {
                Some(bracket) => before = skip_blanks_back(bytes, bracket),
                None => return true,
            }
        }
        let name = word_ending_at(bytes, before);
        if name.is_empty() {
            return false;
        }
        let keyword_end = skip_blanks_back(bytes, before - name.len());
        word_ending_at(bytes, keyword_end) == b"def"
    }

    /// The dotted names of the parameter annotation starting at `at`, which ends at a
    /// `,`, `)` or `=` outside brackets and strings. Names in strings count (`"Client"`
    /// names a class too). Opaque if the annotation runs past its line.
    fn annotation_names(&self, at: usize) -> Occurrence<'s> {
        let bytes = self.bytes();
        let mut depth = 0usize;
        let mut end = at;
        while let Some(&byte) = bytes.get(end) {
            if let Some(string_end) = self.non_code_end(end) {
                end = string_end;
                continue;
            }
            match byte {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b')' | b']' | b'}' | b',' | b'=' if depth == 0 => break,
                b'\n' | b'\r' | b'\\' => return Occurrence::Opaque,
                _ => {}
            }
            end += 1;
        }
        let names = dotted_names(&self.source[at..end]);
        match names.is_empty() {
            true => Occurrence::Opaque,
            false => Occurrence::Annotated(names),
        }
    }

    /// A parameter without annotation: the first one can be a method's `self` (the
    /// class is its origin); the others have none.
    fn parameter(&self, open: usize, start: usize) -> Occurrence<'s> {
        match first_in(self.bytes(), open, start) {
            true => Occurrence::Opaque,
            false => Occurrence::WithoutOrigin,
        }
    }
}

/// The bracket that opens the one closing at `close`, skipping the strings and
/// comments at `non_code` (sorted byte ranges; none for a plain bracket count).
pub(crate) fn matching_open(
    bytes: &[u8],
    non_code: &[(usize, usize)],
    close: usize,
) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = close + 1;
    while at > 0 {
        at -= 1;
        if let Some((start, _)) = non_code_around(non_code, at) {
            at = start;
            continue;
        }
        match bytes[at] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Is no name written between the bracket at `open` and `start`? (`def f(*, name)`:
/// `name` is still the first parameter.)
fn first_in(bytes: &[u8], open: usize, start: usize) -> bool {
    !bytes[open + 1..start]
        .iter()
        .any(|&b| is_identifier_byte(b))
}

/// Every dotted name in `text` (`a.b.C` → `["a", "b", "C"]`), strings' insides
/// included.
fn dotted_names(text: &str) -> Vec<Vec<&str>> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !is_identifier_byte(bytes[at]) || bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let mut path = Vec::new();
        loop {
            let start = at;
            while at < bytes.len() && is_identifier_byte(bytes[at]) {
                at += 1;
            }
            path.push(&text[start..at]);
            let continues = bytes.get(at) == Some(&b'.')
                && bytes.get(at + 1).is_some_and(|&b| is_identifier_byte(b));
            if !continues {
                break;
            }
            at += 1;
        }
        names.push(path);
    }
    names
}

fn is_keyword(word: &[u8]) -> bool {
    KEYWORDS.contains(&word)
}

/// The index after the last non-blank byte (space or tab) before `at`.
fn skip_blanks_back(bytes: &[u8], at: usize) -> usize {
    let mut at = at;
    while at > 0 && matches!(bytes[at - 1], b' ' | b'\t') {
        at -= 1;
    }
    at
}

/// The first byte from `at` that is not a space or a tab.
fn skip_blanks_forth(bytes: &[u8], at: usize) -> usize {
    let mut at = at;
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
        at += 1;
    }
    at
}

/// The identifier that ends at `end` (empty if none).
pub(crate) fn word_ending_at(bytes: &[u8], end: usize) -> &[u8] {
    let start = (0..end)
        .rev()
        .take_while(|&i| is_identifier_byte(bytes[i]))
        .last()
        .unwrap_or(end);
    &bytes[start..end]
}

/// Where the dotted name ending right before `end` (blanks aside) starts.
fn dotted_path_start(bytes: &[u8], end: usize) -> Option<usize> {
    let mut at = skip_blanks_back(bytes, end);
    loop {
        let word = word_ending_at(bytes, at);
        if word.is_empty() {
            return None;
        }
        let start = at - word.len();
        let before = skip_blanks_back(bytes, start);
        if before > 0 && bytes[before - 1] == b'.' {
            at = skip_blanks_back(bytes, before - 1);
        } else {
            return Some(start);
        }
    }
}

/// Is the text at `at` part of an import statement: on a line that starts with
/// `import ` or `from `, or inside the parentheses of `from m import (...)`?
/// (`import sys, os` binds `os` by import, which the caller already follows.)
fn in_import_statement(bytes: &[u8], at: usize) -> bool {
    let starts_import = |line: usize| {
        let text = bytes[line..].trim_ascii_start();
        text.starts_with(b"import ") || text.starts_with(b"from ")
    };
    // `import sys; os = 1` binds `os` after the import statement.
    let same_statement = |from: usize| !bytes[from..at].contains(&b';');
    let line = line_start(bytes, at);
    if starts_import(line) {
        return same_statement(line);
    }
    // Inside `from m import (` ... `)`: the nearest unclosed `(` before, on a
    // `from` line, with no `)` between.
    let Some(open) = bytes[..at].iter().rposition(|&b| b == b'(' || b == b')') else {
        return false;
    };
    bytes[open] == b'(' && {
        let open_line = line_start(bytes, open);
        starts_import(open_line)
            && bytes[open_line..open].trim_ascii_end().ends_with(b"import")
            && same_statement(open)
    }
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// Does a statement start right after `before` (the line's start, `;` or a block's
/// `:`)?
fn starts_statement(bytes: &[u8], before: usize) -> bool {
    before == 0 || matches!(bytes[before - 1], b'\n' | b'\r' | b';' | b':')
}

/// Does the statement end at `at` (a line break, `;`, a comment or the end)?
fn ends_statement(bytes: &[u8], at: usize) -> bool {
    matches!(bytes.get(at), None | Some(b'\n' | b'\r' | b';' | b'#'))
}

/// Does a literal start at `at`: a string (with or without prefix), a number, a
/// list, dict or set display, `None`, `True` or `False`?
fn starts_literal(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(b'"' | b'\'' | b'[' | b'{') => true,
        Some(byte) if byte.is_ascii_digit() => true,
        Some(byte) if is_identifier_byte(*byte) => {
            let end = (at..bytes.len())
                .find(|&i| !is_identifier_byte(bytes[i]))
                .unwrap_or(bytes.len());
            let word = &bytes[at..end];
            let string_prefix = word.len() <= 2
                && word
                    .iter()
                    .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't'))
                && matches!(bytes.get(end), Some(b'"' | b'\''));
            string_prefix || matches!(word, b"None" | b"True" | b"False")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::outline::outline;

    fn of<'s>(source: &'s str, name: &str) -> Bindings<'s> {
        let outline = outline(source);
        bindings(source, &outline.non_code, &[name])
            .remove(name)
            .unwrap()
    }

    fn calls(source: &str, name: &str) -> Vec<String> {
        let found = of(source, name);
        assert!(!found.opaque, "{source:?}: opaque");
        found.calls.iter().map(|path| path.join(".")).collect()
    }

    #[test]
    fn a_later_parameter_is_bound_to_the_names_of_its_annotation() {
        for (source, expected) in [
            ("def f(self, c: api.Client): ...", &["api.Client"][..]),
            (
                "def f(a, c: Optional[Client] = None): ...",
                &["Optional", "Client"],
            ),
            (
                "def f(a, c: \"api.Client | None\", d=1): ...",
                &["api.Client", "None"],
            ),
            ("def f(a, c: dict[str, Any]): ...", &["dict", "str", "Any"]),
            ("def f(a, /, *, c: Client): ...", &["Client"]),
            ("async def f(a, *c: Client): ...", &["Client"]),
        ] {
            assert_eq!(calls(source, "c"), expected, "{source:?}");
        }
        // The first parameter may be a method's `self`, whose origin is its class; an
        // annotation the bytes cannot end on its line stays opaque, as does an
        // annotated assignment.
        for source in [
            "def f(c: Client): ...",
            "def f(*, c: Client): ...",
            "def f(a, c: Optional[\n    Client\n]): ...",
            "c: Client = make()",
        ] {
            assert!(of(source, "c").opaque, "{source:?}");
        }
    }

    #[test]
    fn uses_bind_nothing() {
        for source in [
            "f.read()\n",
            "print(f)\n",
            "g(1, f, key=f)\n",
            "x = f\n",
            "return f\n",
            "if f == 1: pass\n",
            "a[f] = 1\n",
            "f.x = 1\n",
            "f[0] = 1\n",
            "s = 'f = Client()'  # f = Client()\n",
            "import f\nimport a, f\nfrom m import (\n    f,\n)\n",
            "global f\ndel f\n",
            "    import f, sys\n",
            "from m import a, f as f\n",
            "g(f=1)\n",
            "d = {f: 1}\n",
            "class A(B, metaclass=f): pass\n",
            "while (f := next()): pass\n",
        ] {
            assert_eq!(of(source, "f"), Bindings::default(), "{source:?}");
        }
    }

    #[test]
    fn bindings_without_origin_are_told_apart() {
        for source in [
            "for f in files: pass\n",
            "for a, f in pairs: pass\n",
            "try:\n    pass\nexcept OSError as f:\n    pass\n",
            "a, f = pair\n",
            "f, a = pair\n",
            "f += 1\n",
            "def g(a, f): pass\n",
            "def g(a, f=None): pass\n",
            "key = lambda f: f.name\n",
            "f = []\n",
            "f = 'text'.join(parts)\n",
            "f = None\n",
            "f = b'data'\n",
            "f = {}.get(k)\n",
            "[f] = make()\n",
            "(a, f) = pair\n",
            "with connect() as (a, f):\n",
        ] {
            let found = of(source, "f");
            assert!(!found.binds_values(), "{source:?}: {found:?}");
        }
    }

    #[test]
    fn calls_are_followed() {
        assert_eq!(calls("f = open(p)\n", "f"), ["open"]);
        assert_eq!(calls("f = io.open(\n    p,\n)  # why\n", "f"), ["io.open"]);
        assert_eq!(calls("if x: f = a.b.C(1)\n", "f"), ["a.b.C"]);
        assert_eq!(calls("with open(p) as f:\n    pass\n", "f"), ["open"]);
        assert_eq!(
            calls("with lock, tempfile.TemporaryFile() as f:\n", "f"),
            ["tempfile.TemporaryFile"]
        );
        assert_eq!(calls("f = open(a)\nf = Popen(b)\n", "f"), ["open", "Popen"]);
    }

    #[test]
    fn anything_else_is_opaque() {
        for source in [
            "f = client\n",
            "f = self.client\n",
            "f = make().client\n",
            "f = open(p).read()\n",
            "f = open(p) or Client()\n",
            "f = [] if a else Client()\n",
            "f: Client = make()\n",
            "f: Client\n",
            "a = f = Client()\n",
            "def f(): pass\n",
            "class f: pass\n",
            "def g(f): pass\n",
            "class A:\n    def g(*, f): pass\n",
            "def g[T](f): pass\n",
            "with self.lock as f:\n",
            "f \\\n    = Client()\n",
            "(f) = Client()\n",
            "if (f): pass\n",
        ] {
            assert!(of(source, "f").opaque, "{source:?}");
        }
    }
}
