//! Byte scans of a module that run before any parse: the names its `async def`s
//! define and the `x as y` renames it makes, for the prefilter's list of project
//! coroutine names. Text in strings and comments is scanned too; a spurious name only
//! lets one more file be parsed, it never hides a finding.

use crate::prefilter::is_identifier_byte;

/// Names a module contributes to the project's coroutine names.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// `fetch` for every `async def fetch(`.
    pub coroutines: Vec<String>,
    /// `(original, alias)` for every `original as alias` (imports re-export
    /// coroutines under new names; `with`/`except` pairs come along harmlessly).
    pub renames: Vec<(String, String)>,
}

/// Scans a module's text for its coroutine definitions and renames.
pub fn names(source: &str) -> Names {
    let bytes = source.as_bytes();
    Names {
        coroutines: memchr::memmem::find_iter(bytes, b"async")
            .filter_map(|at| coroutine_defined_at(bytes, at))
            .map(str::to_string)
            .collect(),
        renames: memchr::memmem::find_iter(bytes, b" as ")
            .filter_map(|at| rename_at(source, at))
            .map(|(from, to)| (from.to_string(), to.to_string()))
            .collect(),
    }
}

/// `async def NAME` starting at `at` (any whitespace between the words).
fn coroutine_defined_at(bytes: &[u8], at: usize) -> Option<&str> {
    if at > 0 && is_identifier_byte(bytes[at - 1]) {
        return None;
    }
    let rest = skip_whitespace(bytes, at + "async".len())?;
    let after_def = rest.checked_add(3)?;
    if bytes.get(rest..after_def)? != b"def" {
        return None;
    }
    let start = skip_whitespace(bytes, after_def)?;
    (start > after_def).then_some(())?;
    identifier_at(bytes, start)
}

/// `original as alias` around the ` as ` found at `at`.
fn rename_at(source: &str, at: usize) -> Option<(&str, &str)> {
    let bytes = source.as_bytes();
    let end = at;
    let start = (0..end)
        .rev()
        .take_while(|&i| is_identifier_byte(bytes[i]))
        .last()?;
    let original = source.get(start..end)?;
    let alias_start = skip_whitespace(bytes, at + 1 + "as".len())?;
    let alias = identifier_at(bytes, alias_start)?;
    let starts_with_letter = |s: &str| s.bytes().next().is_some_and(|b| !b.is_ascii_digit());
    (starts_with_letter(original) && starts_with_letter(alias)).then_some((original, alias))
}

fn skip_whitespace(bytes: &[u8], from: usize) -> Option<usize> {
    let skipped = bytes
        .get(from..)?
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\\' | b'\r' | b'\n'))
        .count();
    Some(from + skipped)
}

fn identifier_at(bytes: &[u8], start: usize) -> Option<&str> {
    let length = bytes
        .get(start..)?
        .iter()
        .take_while(|&&b| is_identifier_byte(b))
        .count();
    (length > 0).then_some(())?;
    std::str::from_utf8(&bytes[start..start + length]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_coroutine_definitions_at_any_depth() {
        let names = names("async def fetch(x):\n    pass\nclass C:\n    async  def get(self): ...\ndef sync(): ...\n");
        assert_eq!(names.coroutines, vec!["fetch", "get"]);
    }

    #[test]
    fn ignores_words_that_only_contain_async() {
        assert!(names("notasync def f(): ...\nasync_def = 1\n")
            .coroutines
            .is_empty());
    }

    #[test]
    fn finds_renames() {
        let names =
            names("from .client import fetch as get, post as send\nimport asyncio as aio\n");
        assert_eq!(
            names.renames,
            vec![
                ("fetch".to_string(), "get".to_string()),
                ("post".to_string(), "send".to_string()),
                ("asyncio".to_string(), "aio".to_string()),
            ]
        );
    }
}
