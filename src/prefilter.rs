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
use rustc_hash::FxHashSet;

use crate::discover::Language;
use crate::python::bindings::matching_open;
use crate::python::outline::non_code;
use crate::python::reach::{NameCall, Receiver};
use crate::python::rule_words::{Needs, RuleWords};

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
    /// Without them, every Python file with async words is parsed.
    python_rule_words: Option<RuleWords>,
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
                Names::call_sites(python_names),
                python_unawaited_call,
            )),
            rust: Some(Words::new(
                RUST_TRIGGERS,
                Names::anywhere(rust_names),
                |_, _, _| true,
            )),
            python_directives: case_insensitive(PYTHON_DIRECTIVES),
            rust_directives: case_insensitive(RUST_DIRECTIVES),
            python_rule_words: None,
        }
    }

    /// A prefilter that lets every file through (`--no-prefilter`).
    pub fn disabled() -> Prefilter {
        Prefilter {
            python: None,
            rust: None,
            python_directives: case_insensitive(PYTHON_DIRECTIVES),
            rust_directives: case_insensitive(RUST_DIRECTIVES),
            python_rule_words: None,
        }
    }

    /// Parses a Python file with async words only if a rule other than AL101 can fire
    /// in it ([`RuleWords`]) or one of its calls can be an unawaited coroutine.
    pub fn with_rule_words(mut self, rule_words: RuleWords) -> Prefilter {
        self.python_rule_words = Some(rule_words);
        self
    }

    /// Can linting this file report anything? `directives_matter` says whether an
    /// unused suppression comment would be reported for it.
    pub fn verdict<'s>(
        &self,
        language: Language,
        source: &'s str,
        directives_matter: bool,
    ) -> Verdict<'s> {
        let (words, directives) = match language {
            Language::Python => (&self.python, &self.python_directives),
            Language::Rust => (&self.rust, &self.rust_directives),
        };
        let Some(words) = words else {
            return Verdict::Lint;
        };
        let bytes = source.as_bytes();
        if directives_matter && directives.is_match(bytes) {
            return Verdict::Lint;
        }
        if words.triggers.is_match(bytes) {
            return match (language, &self.python_rule_words) {
                (Language::Python, Some(_)) => Verdict::AsyncCode(words.names_in(source)),
                _ => Verdict::Lint,
            };
        }
        let calls = words.names_in(source);
        match (calls.is_empty(), language) {
            (true, _) => Verdict::Skip,
            (false, Language::Python) => Verdict::LintIfReached(calls),
            (false, Language::Rust) => Verdict::Lint,
        }
    }

    /// The package and name of a class of blocking methods
    /// ([`RuleWords::method_classes`]).
    pub fn method_class(&self, class: crate::python::rule_words::ClassId) -> Option<(&str, &str)> {
        self.python_rule_words.as_ref()?.method_classes().nth(class)
    }

    /// What the rule words of a Python file with async code call for (every file
    /// needs parsing when the prefilter has no rule words).
    pub fn rule_words_need(&self, source: &str) -> Needs {
        match &self.python_rule_words {
            Some(rule_words) => rule_words.needs(source, &non_code(source)),
            None => Needs::parse(),
        }
    }
}

/// What the bytes of a file say about linting it.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'s> {
    /// Nothing in the file can be reported: no need to parse it.
    Skip,
    Lint,
    /// The file has no async word, so only calls of these project coroutine names can
    /// be reported: lint it if its imports can reach a coroutine function so named
    /// ([`crate::python::reach`]).
    LintIfReached(Vec<NameCall<'s>>),
    /// Python with async code: lint it if one of these calls can reach a coroutine
    /// (its own or, through its imports, one of the project), or else if
    /// [`Prefilter::rule_words_need`] says so. Reaching is asked first: most files
    /// with async code that get parsed are decided by it, and it reads far fewer
    /// bytes than the rule words.
    AsyncCode(Vec<NameCall<'s>>),
}

/// Says whether the name found at `start..end` sits where a rule could flag it.
type NameCheck = fn(&[u8], usize, usize) -> bool;

/// Trigger words (matched anywhere) and project names (matched as whole identifiers,
/// where the language's check accepts them).
struct Words {
    triggers: AhoCorasick,
    names: Names,
    name_check: NameCheck,
}

/// How a language's project names are found in a file.
enum Names {
    None,
    /// Python: only calls can be flagged, so the identifier before each `(` is looked
    /// up, which is far faster than searching every byte for thousands of names.
    CallSites(FxHashSet<Box<[u8]>>),
    /// Rust: a whole-identifier occurrence anywhere.
    Anywhere(AhoCorasick),
}

impl Names {
    fn call_sites<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
        let names: FxHashSet<Box<[u8]>> = names
            .into_iter()
            .filter(|name| !name.is_empty())
            .map(|name| name.as_bytes().into())
            .collect();
        match names.is_empty() {
            true => Names::None,
            false => Names::CallSites(names),
        }
    }

    fn anywhere<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
        let mut names: Vec<&str> = names.into_iter().filter(|n| !n.is_empty()).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return Names::None;
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("identifiers always build an automaton");
        Names::Anywhere(automaton)
    }

    /// Where the names occur as whole identifiers (for call sites: before a `(`).
    fn find<'b>(&'b self, bytes: &'b [u8]) -> Box<dyn Iterator<Item = (usize, usize)> + 'b> {
        match self {
            Names::None => Box::new(std::iter::empty()),
            Names::CallSites(names) => Box::new(
                memchr::memchr_iter(b'(', bytes)
                    .filter_map(|paren| identifier_before(bytes, paren))
                    .filter(|&(start, end)| names.contains(&bytes[start..end])),
            ),
            Names::Anywhere(automaton) => Box::new(identifiers(automaton, bytes)),
        }
    }
}

/// The identifier that ends right before `at`, blanks aside: `fetch` of `fetch (`.
fn identifier_before(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let end = skip_back_or_forth(bytes, at, Direction::Back);
    let start = (0..end)
        .rev()
        .take_while(|&i| is_identifier_byte(bytes[i]))
        .last()?;
    (!bytes[start].is_ascii_digit()).then_some((start, end))
}

impl Words {
    fn new(triggers: &[&str], names: Names, name_check: NameCheck) -> Words {
        Words {
            triggers: substrings(triggers),
            names,
            name_check,
        }
    }

    /// The distinct project names the text uses where the language's check accepts
    /// them, and how each is called.
    fn names_in<'s>(&self, source: &'s str) -> Vec<NameCall<'s>> {
        let bytes = source.as_bytes();
        let mut found: Vec<NameCall> = self
            .names
            .find(bytes)
            .filter(|&(start, end)| (self.name_check)(bytes, start, end))
            .filter_map(|(start, end)| {
                Some(NameCall {
                    name: source.get(start..end)?,
                    receiver: receiver(source, start),
                })
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
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

/// Where one of the names occurs as a whole identifier (not inside a longer one).
/// Names are identifiers, so a match that is not a whole
/// identifier can only overlap another match inside the same identifier, which is not
/// whole either; and of the names starting at one place, only the longest can be
/// whole. Leftmost-longest matching therefore misses no whole identifier.
fn identifiers<'b>(
    names: &'b AhoCorasick,
    bytes: &'b [u8],
) -> impl Iterator<Item = (usize, usize)> + 'b {
    names
        .find_iter(bytes)
        .filter(move |found| {
            let before = found.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(found.end()).copied();
            !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte)
        })
        .map(|found| (found.start(), found.end()))
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
    // `(fetch())` as a statement is still the call, and so is one that starts the
    // line after an opening bracket: `x = (` or `if (`, but `run(` passes it on.
    loop {
        while at > 0 && matches!(bytes[at - 1], b'(' | b' ' | b'\t') {
            at -= 1;
        }
        match bracket_ending_line_before(bytes, at) {
            Some(bracket) => at = bracket,
            None => break,
        }
    }
    flaggable_after(&bytes[..at])
}

/// Where the line before the one starting at `line_start` ends in `(` (blanks
/// aside), just past that bracket. A `#` anywhere on that line may start a comment
/// that holds the bracket, so such a line never counts. A bracket at the end of a
/// line cannot sit in a one-line string (it would not end), and one in a
/// triple-quoted string puts the next line in that string too, so it holds no call.
fn bracket_ending_line_before(bytes: &[u8], line_start: usize) -> Option<usize> {
    let line_break = match bytes[..line_start] {
        [.., b'\r', b'\n'] => 2,
        [.., b'\n' | b'\r'] => 1,
        _ => return None,
    };
    let before_break = &bytes[..line_start - line_break];
    let end = before_break
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t'))?
        + 1;
    if before_break[end - 1] != b'(' {
        return None;
    }
    let previous_line_start =
        memchr::memrchr2(b'\n', b'\r', &before_break[..end]).map_or(0, |i| i + 1);
    match memchr::memchr(b'#', &before_break[previous_line_start..end]) {
        Some(_) => None,
        None => Some(end),
    }
}

/// The receiver of the name starting at `start`: none, a dotted path
/// (`os.path` of `os.path.join`), or something else (`get()[0]` of `get()[0].fetch`).
pub(crate) fn receiver(source: &str, start: usize) -> Receiver<'_> {
    let bytes = source.as_bytes();
    let Some(chain_start) = receiver_chain_start(bytes, start) else {
        return Receiver::Unknown;
    };
    if chain_start == start {
        return Receiver::None;
    }
    let chain = &source[chain_start..start];
    let path: Vec<&str> = chain
        .split('.')
        .map(|part| part.trim_matches(|c: char| c.is_whitespace() || c == '\\'))
        .filter(|part| !part.is_empty())
        .collect();
    let plain = !path.is_empty() && path.iter().all(|part| part.bytes().all(is_identifier_byte));
    match plain {
        true => Receiver::Path(path),
        false => Receiver::Unknown,
    }
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
            part_end = matching_open(bytes, &[], part_end - 1)?;
        }
        let part_start = (0..part_end)
            .rev()
            .take_while(|&i| is_identifier_byte(bytes[i]))
            .last()
            .unwrap_or(part_end);
        at = part_start;
    }
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

pub(crate) enum Direction {
    Back,
    Forth,
}

/// Skips spaces, tabs and line breaks from `at`, backwards (returning the index after
/// the last non-blank byte before `at`) or forwards.
pub(crate) fn skip_back_or_forth(bytes: &[u8], at: usize, direction: Direction) -> usize {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\x0c' | b'\n' | b'\r' | b'\\');
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

/// Where `word` occurs in `bytes` as a whole identifier (not inside a longer one).
pub(crate) fn whole_words<'b>(bytes: &'b [u8], word: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    memchr::memmem::find_iter(bytes, word).filter(move |&start| {
        let glued_before = start > 0 && is_identifier_byte(bytes[start - 1]);
        let glued_after = (bytes.get(start + word.len())).is_some_and(|&b| is_identifier_byte(b));
        !(glued_before || glued_after)
    })
}

/// ASCII letters, digits and `_`, and every byte of a multi-byte UTF-8 character
/// (non-ASCII identifiers are rare; counting their bytes as identifier bytes only
/// ever makes a match fail, never succeed wrongly).
pub const fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// [`is_identifier_byte`] as a table, for the scans of every byte of a module.
pub static IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_identifier_byte(byte as u8);
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn python(names: &[&str], source: &str) -> bool {
        Prefilter::new(names.iter().copied(), []).verdict(Language::Python, source, false)
            != Verdict::Skip
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
            // The line before ends in a bracket that is not a call's.
            "x = (\n    fetch()\n)\n",
            "if (\r\n    not fetch()\r\n):\n    pass\n",
            "x = (  \n  (\n fetch()))\n",
            "while(\rfetch()): pass\n",
            // A comment or a comma may end the line before: any `#` counts as one.
            "run(x)  # see f(\nfetch()\n",
            "x = '#' + f(\nfetch()\n",
            "x = 1,\nfetch()\n",
            "f(\n\n    fetch())\n",
        ] {
            assert!(python(&["fetch"], flaggable), "{flaggable:?}");
        }
        for passed_on in [
            "run(fetch())\n",
            "run(\n    fetch())\n",
            "hass.add_job(  \r\n    client.fetch(1)\r\n)\n",
            "run(x)(\n    (\n        fetch()))\n",
            "return (\n    fetch())\n",
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
    fn a_file_without_async_words_is_linted_only_for_its_project_names() {
        let filter = Prefilter::new(["fetch", "get"], []);
        assert_eq!(
            filter.verdict(Language::Python, "get()\nfetch()\nx = c.get()\n", false),
            Verdict::LintIfReached(vec![
                NameCall {
                    name: "fetch",
                    receiver: Receiver::None
                },
                NameCall {
                    name: "get",
                    receiver: Receiver::None
                },
                NameCall {
                    name: "get",
                    receiver: Receiver::Path(vec!["c"])
                },
            ])
        );
        assert_eq!(
            filter.verdict(Language::Python, "async def f():\n    get()\n", false),
            Verdict::Lint
        );
        // With rule words, async code is decided by its calls, then by the words.
        let table = crate::catalog::python_blocking_calls();
        let filter = Prefilter::new(["fetch", "get"], []).with_rule_words(RuleWords::new([&table]));
        assert_eq!(
            filter.verdict(Language::Python, "async def f():\n    get()\n", false),
            Verdict::AsyncCode(vec![NameCall {
                name: "get",
                receiver: Receiver::None
            }])
        );
        assert!(!filter.rule_words_need("async def f():\n    get()\n").parse);
        assert!(
            filter
                .rule_words_need("async def f():\n    time.sleep(1)\n")
                .parse
        );
        assert_eq!(
            filter.verdict(Language::Rust, "async fn f() {}\n", false),
            Verdict::Lint
        );
    }

    #[test]
    fn directives_count_only_when_unused_ones_are_reported() {
        let filter = Prefilter::new([], []);
        let source = "x = 1  # noqa: AL201\n";
        assert_eq!(
            filter.verdict(Language::Python, source, false),
            Verdict::Skip
        );
        assert_eq!(
            filter.verdict(Language::Python, source, true),
            Verdict::Lint
        );
    }

    #[test]
    fn disabled_lets_everything_through() {
        assert_eq!(
            Prefilter::disabled().verdict(Language::Rust, "fn main() {}", false),
            Verdict::Lint
        );
    }
}
