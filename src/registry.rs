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
}
