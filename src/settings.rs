//! What a lint run is configured to do for one file: the resolved struct the front
//! ends read. Built from the defaults, then the configuration file, then the command
//! line, then the file's `per-file-ignores` (see [`crate::config`]).

use std::collections::HashSet;
use std::sync::Arc;

use crate::catalog::{self, BlockingTable};
use crate::registry::{Rule, RuleSelector};

#[derive(Clone, Debug)]
pub struct Settings {
    enabled: HashSet<Rule>,
    /// AL301: `range(N)` with a literal `N` above this many items is unbounded.
    pub gather_threshold: u64,
    /// AL202: blocking Python callees and their replacements.
    pub blocking_python: Arc<BlockingTable>,
    /// AL202: blocking Rust callees and their replacements.
    pub blocking_rust: Arc<BlockingTable>,
}

/// AL301's default: more than this many tasks started at once is unbounded.
pub const DEFAULT_GATHER_THRESHOLD: u64 = 100;

/// Rules a run reports unless told otherwise: all of them except AL001, which only
/// makes sense when asked for (`--report-unused-suppressions`).
fn enabled_by_default(rule: Rule) -> bool {
    rule != Rule::UnusedSuppression
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: Rule::ALL
                .iter()
                .copied()
                .filter(|rule| enabled_by_default(*rule))
                .collect(),
            gather_threshold: DEFAULT_GATHER_THRESHOLD,
            blocking_python: Arc::new(catalog::python_blocking_calls()),
            blocking_rust: Arc::new(catalog::rust_blocking_calls()),
        }
    }
}

/// One layer of rule selection (a configuration file, or the command line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// Replaces the rules enabled by the layers below, when given.
    pub select: Option<Vec<RuleSelector>>,
    /// Adds to them.
    pub extend_select: Vec<RuleSelector>,
    /// Removes from them.
    pub ignore: Vec<RuleSelector>,
}

impl RuleSelection {
    /// Whether this layer turns `rule` on (`Some(true)`), off (`Some(false)`) or leaves
    /// it as the layers below decided (`None`). The most specific selector naming the
    /// rule wins; on a tie `ignore` wins.
    fn decides(&self, rule: Rule) -> Option<bool> {
        let most_specific = |selectors: &mut dyn Iterator<Item = &RuleSelector>| {
            selectors
                .filter(|selector| selector.matches(rule))
                .map(RuleSelector::specificity)
                .max()
        };
        let enabling = most_specific(
            &mut self
                .select
                .iter()
                .flatten()
                .chain(self.extend_select.iter()),
        );
        let ignoring = most_specific(&mut self.ignore.iter());
        match (enabling, ignoring) {
            (Some(enable), Some(ignore)) => Some(enable > ignore),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) if self.select.is_some() => Some(false),
            (None, None) => None,
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

    /// Applies one layer of `select` / `extend-select` / `ignore` on top of the
    /// current rules. AL000 stays on: a file that cannot be read or parsed is never
    /// silently passed.
    pub fn apply_selection(&mut self, selection: &RuleSelection) {
        for rule in Rule::ALL {
            match selection.decides(*rule) {
                Some(true) => {
                    self.enabled.insert(*rule);
                }
                Some(false) if *rule != Rule::SyntaxError => {
                    self.enabled.remove(rule);
                }
                _ => {}
            }
        }
    }

    /// The enabled rules, in code order.
    pub fn enabled_rules(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| self.is_enabled(*rule))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selectors(texts: &[&str]) -> Vec<RuleSelector> {
        texts
            .iter()
            .map(|text| RuleSelector::parse(text).unwrap())
            .collect()
    }

    fn enabled_after(layers: &[RuleSelection]) -> Vec<&'static str> {
        let mut settings = Settings::default();
        for layer in layers {
            settings.apply_selection(layer);
        }
        settings.enabled_rules().map(Rule::code).collect()
    }

    #[test]
    fn unused_suppression_is_off_by_default() {
        let settings = Settings::default();
        assert!(!settings.is_enabled(Rule::UnusedSuppression));
        assert!(settings.is_enabled(Rule::BlockingSleep));
    }

    #[test]
    fn select_replaces_and_keeps_syntax_errors() {
        let layer = RuleSelection {
            select: Some(selectors(&["AL2"])),
            ..RuleSelection::default()
        };
        assert_eq!(
            enabled_after(&[layer]),
            ["AL000", "AL201", "AL202", "AL203", "AL204"]
        );
    }

    #[test]
    fn more_specific_selector_wins_and_ignore_wins_ties() {
        let layer = RuleSelection {
            select: None,
            extend_select: selectors(&["AL201"]),
            ignore: selectors(&["AL2", "AL3"]),
        };
        let enabled = enabled_after(&[layer]);
        assert!(enabled.contains(&"AL201"));
        assert!(!enabled.contains(&"AL202"));
        assert!(!enabled.contains(&"AL301"));
        let tie = RuleSelection {
            select: Some(selectors(&["AL201"])),
            extend_select: Vec::new(),
            ignore: selectors(&["blocking-sleep"]),
        };
        assert_eq!(enabled_after(&[tie]), ["AL000"]);
    }

    #[test]
    fn a_later_layer_overrides_an_earlier_one() {
        let config = RuleSelection {
            select: Some(selectors(&["AL201"])),
            ..RuleSelection::default()
        };
        let cli = RuleSelection {
            select: None,
            extend_select: selectors(&["AL001"]),
            ignore: selectors(&["AL000"]),
        };
        assert_eq!(enabled_after(&[config, cli]), ["AL000", "AL001", "AL201"]);
    }
}
