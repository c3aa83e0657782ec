//! The rule registry: every rule asynclint knows, by code and by name.
//!
//! The user-facing documentation of each rule (summary, why, examples) lives in
//! `rules/<CODE>.toml` and is reached through [`crate::catalog`]; this enum is the
//! typed handle the front ends use when they report a finding.

use serde::Serialize;

macro_rules! rules {
    ($($variant:ident => ($code:literal, $name:literal)),+ $(,)?) => {
        /// One rule of the catalog.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum Rule {
            $($variant),+
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The stable code, e.g. `AL201`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code),+
                }
            }

            /// The kebab-case name, e.g. `blocking-sleep`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name),+
                }
            }
        }
    };
}

rules! {
    SyntaxError => ("AL000", "syntax-error"),
    UnusedSuppression => ("AL001", "unused-suppression"),
    UnawaitedCoroutine => ("AL101", "unawaited-coroutine"),
    DanglingTask => ("AL102", "dangling-task"),
    BlockingSleep => ("AL201", "blocking-sleep"),
    BlockingCall => ("AL202", "blocking-call"),
    SyncLockInAsync => ("AL203", "sync-lock-in-async"),
    NestedEventLoop => ("AL204", "nested-event-loop"),
    UnboundedGather => ("AL301", "unbounded-gather"),
    BusyWait => ("AL302", "busy-wait"),
    SwallowedCancellation => ("AL401", "swallowed-cancellation"),
    DeprecatedLoopApi => ("AL501", "deprecated-loop-api"),
}

impl Rule {
    /// Finds a rule by its code (`AL201`) or its name (`blocking-sleep`).
    pub fn from_code_or_name(text: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.code().eq_ignore_ascii_case(text) || rule.name() == text)
    }
}

/// How a user names rules in `select`, `ignore`, `per-file-ignores`, the CLI and
/// suppression comments: one rule by code (`AL201`) or name (`blocking-sleep`), or every
/// rule whose code starts with a prefix (`AL2`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RuleSelector {
    Rule(Rule),
    /// An upper-case code prefix that matches at least one rule.
    Prefix(String),
}

/// Says what a rule selector may look like, for error messages.
pub const SELECTOR_HELP: &str =
    "a rule code (AL201), a code prefix (AL2) or a rule name (blocking-sleep)";

impl RuleSelector {
    /// Parses a code, a code prefix or a name; `None` if it selects no rule.
    pub fn parse(text: &str) -> Option<RuleSelector> {
        if let Some(rule) = Rule::from_code_or_name(text) {
            return Some(RuleSelector::Rule(rule));
        }
        let prefix = text.to_ascii_uppercase();
        let is_code_prefix =
            prefix.starts_with("AL") && prefix[2..].bytes().all(|b| b.is_ascii_digit());
        let selects_something = Rule::ALL
            .iter()
            .any(|rule| rule.code().starts_with(&prefix));
        (is_code_prefix && selects_something).then_some(RuleSelector::Prefix(prefix))
    }

    pub fn matches(&self, rule: Rule) -> bool {
        match self {
            RuleSelector::Rule(selected) => *selected == rule,
            RuleSelector::Prefix(prefix) => rule.code().starts_with(prefix.as_str()),
        }
    }

    /// The rules this selector names, in code order.
    pub fn rules(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL.iter().copied().filter(|rule| self.matches(*rule))
    }

    /// How narrowly this selector names rules: a longer prefix is more specific, and
    /// a whole code or name is the most specific. When `select` and `ignore` both name
    /// a rule, the more specific one decides (`ignore = ["AL2"]` with
    /// `extend-select = ["AL201"]` keeps AL201).
    pub fn specificity(&self) -> usize {
        match self {
            RuleSelector::Rule(_) => usize::MAX,
            RuleSelector::Prefix(prefix) => prefix.len(),
        }
    }
}

impl std::fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleSelector::Rule(rule) => f.write_str(rule.code()),
            RuleSelector::Prefix(prefix) => f.write_str(prefix),
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_resolvable() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_code_or_name(rule.code()), Some(*rule));
            assert_eq!(Rule::from_code_or_name(rule.name()), Some(*rule));
        }
        assert_eq!(Rule::from_code_or_name("AL999"), None);
    }

    #[test]
    fn selectors_take_codes_names_and_prefixes() {
        let by_prefix = RuleSelector::parse("AL2").unwrap();
        let selected: Vec<Rule> = by_prefix.rules().collect();
        assert!(selected.contains(&Rule::BlockingSleep));
        assert!(selected.contains(&Rule::NestedEventLoop));
        assert!(!selected.contains(&Rule::UnboundedGather));
        assert_eq!(
            RuleSelector::parse("blocking-sleep"),
            Some(RuleSelector::Rule(Rule::BlockingSleep))
        );
        assert_eq!(RuleSelector::parse("al2"), Some(by_prefix.clone()));
        assert!(RuleSelector::parse("AL").unwrap().rules().count() == Rule::ALL.len());
        assert!(by_prefix.specificity() < RuleSelector::parse("AL201").unwrap().specificity());
        assert_eq!(RuleSelector::parse("AL9"), None);
        assert_eq!(RuleSelector::parse("E501"), None);
        assert_eq!(RuleSelector::parse("blocking"), None);
        assert_eq!(RuleSelector::parse(""), None);
    }
}
