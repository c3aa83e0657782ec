//! The byte prefilter: decides from a file's bytes alone whether parsing it can produce
//! a finding, so that most files of a project are read but never parsed.
//!
//! A file is parsed when it contains one of its language's trigger words (every rule
//! needs one of them: `async`, `await`, `asyncio`, `create_task`, `tokio`, `spawn`, ...),
//! the name of a coroutine function or future-returning function of the project (an
//! unawaited call can sit in sync code that names nothing else async), or a suppression
//! comment when unused suppressions are reported. `check --no-prefilter` parses every
//! file; `tests/prefilter.rs` checks that both give the same findings.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::discover::Language;

/// Words without which no Python rule can fire. `async` also covers `asyncio` and
/// `async_create_task`; the others are the sync-code triggers (a hand-made loop's
/// `run_until_complete`, `loop.create_task` and `ensure_future` on a loop object,
/// `get_event_loop`, an `except CancelledError` imported from `concurrent.futures`).
const PYTHON_TRIGGERS: &[&str] = &[
    "async",
    "await",
    "create_task",
    "ensure_future",
    "run_until_complete",
    "get_event_loop",
    "CancelledError",
];

/// Words without which no Rust rule can fire: async code, tokio and futures paths,
/// spawns (handles, `JoinSet`, `join_all`), runtimes driven with `block_on`, and
/// functions written as `-> impl Future`.
const RUST_TRIGGERS: &[&str] = &[
    "async", "await", "tokio", "futures", "spawn", "block_on", "join", "Join", "Future", "future",
];

/// What the suppression rules need to see (AL001 reports unused suppressions even in
/// a file with nothing else to report).
const PYTHON_DIRECTIVES: &[&str] = &["asynclint:", "noqa"];
const RUST_DIRECTIVES: &[&str] = &["asynclint:"];

/// The prefilter of one run: the fixed trigger words plus the names of the project.
pub struct Prefilter {
    python: Option<Words>,
    rust: Option<Words>,
    python_directives: AhoCorasick,
    rust_directives: AhoCorasick,
}

impl Prefilter {
    /// `python_names` and `rust_names` are the project's coroutine functions and
    /// future-returning functions (any string; only identifiers ever match).
    pub fn new<'a>(
        python_names: impl IntoIterator<Item = &'a str>,
        rust_names: impl IntoIterator<Item = &'a str>,
    ) -> Prefilter {
        Prefilter {
            python: Some(Words::new(
                PYTHON_TRIGGERS,
                python_names,
                python_unawaited_call,
            )),
            rust: Some(Words::new(RUST_TRIGGERS, rust_names, |_, _, _| true)),
            python_directives: case_insensitive(PYTHON_DIRECTIVES),
            rust_directives: case_insensitive(RUST_DIRECTIVES),
        }
    }

    /// A prefilter that lets every file through (`--no-prefilter`).
    pub fn disabled() -> Prefilter {
        Prefilter {
            python: None,
            rust: None,
            python_directives: case_insensitive(PYTHON_DIRECTIVES),
            rust_directives: case_insensitive(RUST_DIRECTIVES),
        }
    }

    /// Can linting this file report anything? `directives_matter` says whether an
    /// unused suppression comment would be reported for it.
    pub fn may_report(&self, language: Language, source: &str, directives_matter: bool) -> bool {
        let (words, directives) = match language {
            Language::Python => (&self.python, &self.python_directives),
            Language::Rust => (&self.rust, &self.rust_directives),
        };
        let Some(words) = words else {
            return true;
        };
        words.found_in(source.as_bytes())
            || (directives_matter && directives.is_match(source.as_bytes()))
    }
}

/// Says whether the name found at `start..end` sits where a rule could flag it.
type NameCheck = fn(&[u8], usize, usize) -> bool;

/// Trigger words (matched anywhere) and project names (matched as whole identifiers,
/// where the language's check accepts them).
struct Words {
    triggers: AhoCorasick,
    names: Option<AhoCorasick>,
    name_check: NameCheck,
}

impl Words {
    fn new<'a>(
        triggers: &[&str],
        names: impl IntoIterator<Item = &'a str>,
        name_check: NameCheck,
    ) -> Words {
        let mut names: Vec<&str> = names.into_iter().filter(|n| !n.is_empty()).collect();
        names.sort_unstable();
        names.dedup();
        let names = (!names.is_empty()).then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&names)
                .expect("identifiers always build an automaton")
        });
        Words {
            triggers: substrings(triggers),
            names,
            name_check,
        }
    }

    fn found_in(&self, bytes: &[u8]) -> bool {
        self.triggers.is_match(bytes)
            || self
                .names
                .as_ref()
                .is_some_and(|names| contains_identifier(names, bytes, self.name_check))
    }
}

/// Suppression comments are matched like the suppression pass reads them: `# NOQA`
/// counts.
fn case_insensitive(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .expect("a handful of literal words always builds an automaton")
}

fn substrings(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(words)
        .expect("a handful of literal words always builds an automaton")
}

/// Does one of the names occur as a whole identifier (not inside a longer one) where
/// `check` accepts it? Overlapping matches are needed: `fetch` inside `prefetch` must
/// not hide a later whole `fetch`.
fn contains_identifier(names: &AhoCorasick, bytes: &[u8], check: NameCheck) -> bool {
    names.find_overlapping_iter(bytes).any(|found| {
        let before = found.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(found.end()).copied();
        !before.is_some_and(is_identifier_byte)
            && !after.is_some_and(is_identifier_byte)
            && check(bytes, found.start(), found.end())
    })
}

/// In a Python file with no trigger word, a project coroutine can only be flagged
/// (AL101) where it is called and the call is the whole statement, the value of an
/// assignment, or a truth test: `fetch()`, `x = client.fetch()`, `if not ready():`.
/// Calls passed on (`run(fetch())`) or returned are left to the code that receives
/// them. Any doubt counts as a possible finding.
fn python_unawaited_call(bytes: &[u8], start: usize, end: usize) -> bool {
    let after = skip_back_or_forth(bytes, end, Direction::Forth);
    if bytes.get(after) != Some(&b'(') {
        return false;
    }
    let Some(chain_start) = receiver_chain_start(bytes, start) else {
        return true;
    };
    let mut at = chain_start;
    // `(fetch())` as a statement is still the call.
    while at > 0 && matches!(bytes[at - 1], b'(' | b' ' | b'\t') {
        at -= 1;
    }
    flaggable_after(&bytes[..at])
}

/// Where the receiver of `name` starts: `self.client.` of `self.client.fetch`, with
/// bracketed parts (`get()[0].fetch`) skipped. `None` when brackets do not balance.
fn receiver_chain_start(bytes: &[u8], name_start: usize) -> Option<usize> {
    let mut at = name_start;
    loop {
        let before_dot = skip_back_or_forth(bytes, at, Direction::Back);
        if before_dot == 0 || bytes[before_dot - 1] != b'.' {
            return Some(at);
        }
        let mut part_end = skip_back_or_forth(bytes, before_dot - 1, Direction::Back);
        while part_end > 0 && matches!(bytes[part_end - 1], b')' | b']') {
            part_end = matching_open(bytes, part_end - 1)?;
        }
        let part_start = (0..part_end)
            .rev()
            .take_while(|&i| is_identifier_byte(bytes[i]))
            .last()
            .unwrap_or(part_end);
        at = part_start;
    }
}

/// The index of the bracket that opens the one closing at `close`.
fn matching_open(bytes: &[u8], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..=close).rev() {
        match bytes[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Does the text before a call's expression leave it in a flaggable place?
fn flaggable_after(before: &[u8]) -> bool {
    let end = before
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t'))
        .map_or(0, |i| i + 1);
    let Some(&last) = end.checked_sub(1).map(|i| &before[i]) else {
        return true;
    };
    match last {
        b'\n' | b'\r' | b';' | b':' | b'\\' => true,
        b'=' => !(end >= 2 && matches!(before[end - 2], b'=' | b'!' | b'<' | b'>')),
        _ => {
            let word_start = (0..end)
                .rev()
                .take_while(|&i| is_identifier_byte(before[i]))
                .last()
                .unwrap_or(end);
            let word = &before[word_start..end];
            matches!(
                word,
                b"if" | b"elif" | b"while" | b"assert" | b"not" | b"and" | b"or"
            ) && !(word_start > 0 && before[word_start - 1] == b'.')
        }
    }
}

enum Direction {
    Back,
    Forth,
}

/// Skips spaces, tabs and line breaks from `at`, backwards (returning the index after
/// the last non-blank byte before `at`) or forwards.
fn skip_back_or_forth(bytes: &[u8], at: usize, direction: Direction) -> usize {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\\');
    match direction {
        Direction::Back => (0..at)
            .rev()
            .find(|&i| !blank(bytes[i]))
            .map_or(0, |i| i + 1),
        Direction::Forth => (at..bytes.len())
            .find(|&i| !blank(bytes[i]))
            .unwrap_or(bytes.len()),
    }
}

/// ASCII letters, digits and `_`, and every byte of a multi-byte UTF-8 character
/// (non-ASCII identifiers are rare; counting their bytes as identifier bytes only
/// ever makes a match fail, never succeed wrongly).
pub fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(names: &[&str], source: &str) -> bool {
        Prefilter::new(names.iter().copied(), []).may_report(Language::Python, source, false)
    }

    #[test]
    fn trigger_words_let_a_file_through() {
        assert!(python(&[], "import asyncio\n"));
        assert!(python(&[], "loop.run_until_complete(main())\n"));
        assert!(!python(&[], "import os\nprint(os.getcwd())\n"));
    }

    #[test]
    fn project_names_match_whole_identifiers_only() {
        assert!(python(&["fetch"], "def main():\n    fetch()\n"));
        assert!(!python(
            &["fetch"],
            "def main():\n    prefetch()\n    fetched = 1\n"
        ));
        assert!(python(&["fetch"], "prefetch(); fetch()\n"));
    }

    #[test]
    fn project_names_count_only_where_an_unawaited_call_can_be_flagged() {
        for flaggable in [
            "fetch()\n",
            "def f():\n    client.fetch(1)\n",
            "x = self.pool.get()[0].fetch()\n",
            "if not fetch():\n    pass\n",
            "while ready() and fetch(): pass\n",
            "(fetch())\n",
            "x = (\n    client\n    .fetch()\n)\n",
            "if x: fetch()\n",
            "a = 1; fetch()\n",
        ] {
            assert!(python(&["fetch"], flaggable), "{flaggable:?}");
        }
        for passed_on in [
            "run(fetch())\n",
            "return fetch()\n",
            "x = [fetch() for _ in y]\n",
            "x == fetch()\n",
            "fetch = 1\n",
            "def fetch(): pass\n",
        ] {
            assert!(!python(&["fetch"], passed_on), "{passed_on:?}");
        }
    }

    #[test]
    fn directives_count_only_when_unused_ones_are_reported() {
        let filter = Prefilter::new([], []);
        let source = "x = 1  # noqa: AL201\n";
        assert!(!filter.may_report(Language::Python, source, false));
        assert!(filter.may_report(Language::Python, source, true));
    }

    #[test]
    fn disabled_lets_everything_through() {
        assert!(Prefilter::disabled().may_report(Language::Rust, "fn main() {}", false));
    }
}
