//! The rule catalog (`rules/*.toml`) and the blocking-call tables
//! (`rules/blocking-calls/*.toml`), embedded in the binary at build time.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::registry::Rule;

/// One rule's documentation page.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RulePage {
    pub code: String,
    pub name: String,
    pub languages: Vec<String>,
    pub severity: Severity,
    pub summary: String,
    pub why: String,
    pub fix: String,
    pub known_problems: String,
    #[serde(default)]
    pub example: Vec<Example>,
}

/// A rule page as `asynclint rule --format json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct JsonPage<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub languages: &'a [String],
    pub severity: &'static str,
    pub summary: &'a str,
    pub why: &'a str,
    pub fix: &'a str,
    pub known_problems: &'a str,
    pub examples: &'a [Example],
}

impl<'a> From<&'a RulePage> for JsonPage<'a> {
    fn from(page: &'a RulePage) -> Self {
        JsonPage {
            code: &page.code,
            name: &page.name,
            languages: &page.languages,
            severity: page.severity.as_str(),
            summary: &page.summary,
            why: page.why.trim(),
            fix: page.fix.trim(),
            known_problems: page.known_problems.trim(),
            examples: &page.example,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub language: String,
    pub bad: String,
    pub good: String,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! embed_pages {
    ($($code:literal),+ $(,)?) => {
        &[$(($code, include_str!(concat!("../rules/", $code, ".toml")))),+]
    };
}

const PAGE_SOURCES: &[(&str, &str)] = embed_pages!(
    "AL000", "AL001", "AL101", "AL102", "AL201", "AL202", "AL203", "AL204", "AL301", "AL302",
    "AL401", "AL501"
);

const PYTHON_BLOCKING_CALLS: &str = include_str!("../rules/blocking-calls/python.toml");
const RUST_BLOCKING_CALLS: &str = include_str!("../rules/blocking-calls/rust.toml");

/// Every rule page, in code order. The embedded catalog is checked by the tests, so a
/// malformed page is a build defect, not a user error.
pub fn pages() -> &'static [RulePage] {
    static PAGES: OnceLock<Vec<RulePage>> = OnceLock::new();
    PAGES.get_or_init(|| {
        PAGE_SOURCES
            .iter()
            .map(|(code, text)| {
                toml::from_str(text)
                    .unwrap_or_else(|error| panic!("rules/{code}.toml is invalid: {error}"))
            })
            .collect()
    })
}

/// The page of one rule.
pub fn page(rule: Rule) -> &'static RulePage {
    pages()
        .iter()
        .find(|page| page.code == rule.code())
        .unwrap_or_else(|| panic!("rules/{}.toml is missing", rule.code()))
}

pub fn severity(rule: Rule) -> Severity {
    page(rule).severity
}

/// A callee that blocks, and what to use instead.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BlockingCall {
    pub call: String,
    pub use_instead: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockingCallFile {
    call: Vec<BlockingCall>,
}

/// Lookup table of blocking callees: exact names plus `prefix*` patterns, minus the
/// callees a project allows (`allowed-blocking-calls`).
#[derive(Clone, Debug, Default)]
pub struct BlockingTable {
    exact: HashMap<String, BlockingCall>,
    prefixes: Vec<(String, BlockingCall)>,
    allowed: Vec<CallPattern>,
}

/// A callee name, or every callee that starts with a prefix (`requests.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum CallPattern {
    Exact(String),
    Prefix(String),
}

impl CallPattern {
    fn new(pattern: &str) -> Self {
        match pattern.strip_suffix('*') {
            Some(prefix) => CallPattern::Prefix(prefix.to_string()),
            None => CallPattern::Exact(pattern.to_string()),
        }
    }

    fn matches(&self, callee: &str) -> bool {
        match self {
            CallPattern::Exact(name) => name == callee,
            CallPattern::Prefix(prefix) => callee.starts_with(prefix.as_str()),
        }
    }
}

impl BlockingTable {
    pub fn from_entries(entries: impl IntoIterator<Item = BlockingCall>) -> Self {
        let mut table = BlockingTable::default();
        for entry in entries {
            table.insert(entry);
        }
        table
    }

    pub fn insert(&mut self, entry: BlockingCall) {
        match entry.call.strip_suffix('*') {
            Some(prefix) => self.prefixes.push((prefix.to_string(), entry)),
            None => {
                self.exact.insert(entry.call.clone(), entry);
            }
        }
    }

    /// Stops reporting the callees `pattern` names: one callee, or with a trailing
    /// `*`, every callee that starts with what precedes it.
    pub fn allow(&mut self, pattern: &str) {
        self.allowed.push(CallPattern::new(pattern));
    }

    /// Whether `pattern` (as given to [`BlockingTable::allow`]) would allow anything
    /// this table reports: a listed callee, a callee a listed prefix matches, or (for a
    /// `prefix*` pattern) any listed entry under that prefix.
    pub fn covers(&self, pattern: &str) -> bool {
        match CallPattern::new(pattern) {
            CallPattern::Exact(callee) => self.lookup_listed(&callee).is_some(),
            CallPattern::Prefix(prefix) => self
                .exact
                .keys()
                .chain(self.prefixes.iter().map(|(listed, _)| listed))
                .any(|listed| listed.starts_with(&prefix) || prefix.starts_with(listed.as_str())),
        }
    }

    /// Every callee the table lists, prefixes with their `*` (allowed ones too: a
    /// superset is all the prefilter needs).
    pub fn callees(&self) -> impl Iterator<Item = &str> {
        self.exact
            .values()
            .chain(self.prefixes.iter().map(|(_, entry)| entry))
            .map(|entry| entry.call.as_str())
    }

    pub fn lookup(&self, callee: &str) -> Option<&BlockingCall> {
        if self.allowed.iter().any(|pattern| pattern.matches(callee)) {
            return None;
        }
        self.lookup_listed(callee)
    }

    fn lookup_listed(&self, callee: &str) -> Option<&BlockingCall> {
        self.exact.get(callee).or_else(|| {
            self.prefixes
                .iter()
                .find(|(prefix, _)| callee.starts_with(prefix.as_str()))
                .map(|(_, entry)| entry)
        })
    }

    pub fn len(&self) -> usize {
        self.exact.len() + self.prefixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn parse_table(name: &str, text: &str) -> BlockingTable {
    let file: BlockingCallFile = toml::from_str(text)
        .unwrap_or_else(|error| panic!("rules/blocking-calls/{name}.toml is invalid: {error}"));
    BlockingTable::from_entries(file.call)
}

/// The built-in table of blocking Python callees.
pub fn python_blocking_calls() -> BlockingTable {
    parse_table("python", PYTHON_BLOCKING_CALLS)
}

/// The built-in table of blocking Rust callees.
pub fn rust_blocking_calls() -> BlockingTable {
    parse_table("rust", RUST_BLOCKING_CALLS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_matching_page() {
        for rule in Rule::ALL {
            let page = page(*rule);
            assert_eq!(page.name, rule.name(), "name of {}", rule.code());
        }
        assert_eq!(pages().len(), Rule::ALL.len());
    }

    #[test]
    fn blocking_tables_parse_and_match_prefixes() {
        let python = python_blocking_calls();
        assert!(python.lookup("requests.get").is_some());
        assert!(python.lookup("os.spawnlp").is_some());
        assert!(python.lookup("os.read").is_none());
        assert!(!rust_blocking_calls().is_empty());
    }

    #[test]
    fn allowed_callees_are_not_reported() {
        let mut python = python_blocking_calls();
        assert!(python.covers("requests.get"));
        assert!(python.covers("os.spawnlp"));
        assert!(python.covers("requests.*"));
        assert!(!python.covers("reqests.get"));
        python.allow("requests.get");
        python.allow("os.spawnl*");
        assert!(python.lookup("requests.get").is_none());
        assert!(python.lookup("requests.post").is_some());
        assert!(python.lookup("os.spawnlp").is_none());
        assert!(python.lookup("os.spawnvp").is_some());
    }
}
