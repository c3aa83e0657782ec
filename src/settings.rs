//! What a lint run is configured to do. Built with defaults for now; the
//! configuration file layer fills the same struct.

use std::collections::HashSet;

use crate::catalog::{self, BlockingTable};
use crate::registry::Rule;

#[derive(Clone, Debug)]
pub struct Settings {
    enabled: HashSet<Rule>,
    /// AL301: `range(N)` with a literal `N` above this many items is unbounded.
    pub gather_threshold: u64,
    /// AL202: blocking Python callees and their replacements.
    pub blocking_python: BlockingTable,
    /// AL202: blocking Rust callees and their replacements.
    pub blocking_rust: BlockingTable,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: Rule::ALL.iter().copied().collect(),
            gather_threshold: 100,
            blocking_python: catalog::python_blocking_calls(),
            blocking_rust: catalog::rust_blocking_calls(),
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled.contains(&rule)
    }

    /// Restricts the run to `rules` (plus AL000, which is always reported).
    pub fn select(&mut self, rules: &[Rule]) {
        self.enabled = rules.iter().copied().collect();
        self.enabled.insert(Rule::SyntaxError);
    }

    pub fn ignore(&mut self, rules: &[Rule]) {
        for rule in rules {
            if *rule != Rule::SyntaxError {
                self.enabled.remove(rule);
            }
        }
    }
}
