//! Path patterns of `exclude`, `extend-exclude` and `per-file-ignores`, relative to the
//! directory of the configuration file that wrote them (the current directory for the
//! command line and `--config`).
//!
//! - A pattern without `/` matches a file or directory name anywhere below that
//!   directory: `migrations`, `test_*.py`, `conftest.py`.
//! - A pattern with `/` matches a path relative to that directory: `src/gen/*.py`,
//!   `tests/**/fixtures`. `*` stays within one path segment, `**` spans any number.
//! - A pattern that matches a directory covers everything inside it (for
//!   `per-file-ignores`; `exclude` never descends into it).

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

#[derive(Clone, Debug)]
pub struct PathPatterns {
    /// Absolute directory the anchored patterns are relative to.
    base: PathBuf,
    /// Patterns with a `/`, matched against the path relative to `base`.
    anchored: GlobSet,
    /// Patterns without a `/`, matched against each name.
    names: GlobSet,
}

/// A pattern that is not a valid glob, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPattern {
    pub pattern: String,
    pub reason: String,
}

impl PathPatterns {
    pub fn new(base: &Path, patterns: &[String]) -> Result<Self, InvalidPattern> {
        let mut anchored = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for pattern in patterns {
            let normalized = normalize(pattern);
            let glob = compile(&normalized).map_err(|error| InvalidPattern {
                pattern: pattern.clone(),
                reason: error.kind().to_string(),
            })?;
            if normalized.contains('/') {
                anchored.add(glob);
            } else {
                names.add(glob);
            }
        }
        let build = |builder: GlobSetBuilder| builder.build().expect("each glob compiled");
        Ok(PathPatterns {
            base: base.to_path_buf(),
            anchored: build(anchored),
            names: build(names),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.anchored.is_empty() && self.names.is_empty()
    }

    /// Whether `path` (absolute) itself matches: by its name, or by its path relative
    /// to the base directory. Used while walking, where excluded directories are not
    /// entered, so ancestors need no check.
    pub fn matches_entry(&self, path: &Path) -> bool {
        let by_name = path
            .file_name()
            .is_some_and(|name| self.names.is_match(Path::new(name)));
        by_name
            || self
                .relative(path)
                .is_some_and(|rel| self.anchored.is_match(rel))
    }

    /// Whether `path` (absolute) or any directory it is in (below the base directory)
    /// matches.
    pub fn matches_within(&self, path: &Path) -> bool {
        if self.is_empty() {
            return false;
        }
        let Some(relative) = self.relative(path) else {
            return path
                .file_name()
                .is_some_and(|name| self.names.is_match(Path::new(name)));
        };
        let mut prefix = PathBuf::new();
        for component in relative.components() {
            prefix.push(component);
            let name = Path::new(component.as_os_str());
            if self.names.is_match(name) || self.anchored.is_match(&prefix) {
                return true;
            }
        }
        false
    }

    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        let relative = path.strip_prefix(&self.base).ok()?;
        let normal = relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
        (normal && !relative.as_os_str().is_empty()).then_some(relative)
    }
}

/// `./src/gen/` → `src/gen`: the leading `./` and a trailing `/` carry no meaning.
fn normalize(pattern: &str) -> String {
    let mut text = pattern.trim();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    let text = text.trim_end_matches('/');
    if text.is_empty() {
        pattern.to_string()
    } else {
        text.to_string()
    }
}

fn compile(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> PathPatterns {
        let owned: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        PathPatterns::new(Path::new("/proj"), &owned).unwrap()
    }

    #[test]
    fn names_match_anywhere_and_anchored_paths_from_the_base() {
        let set = patterns(&["migrations", "test_*.py", "src/gen/*.py", "./docs/"]);
        assert!(set.matches_within(Path::new("/proj/app/migrations/0001.py")));
        assert!(set.matches_within(Path::new("/proj/tests/test_api.py")));
        assert!(set.matches_within(Path::new("/proj/src/gen/models.py")));
        assert!(set.matches_within(Path::new("/proj/docs/conf.py")));
        assert!(!set.matches_within(Path::new("/proj/app/gen/models.py")));
        assert!(!set.matches_within(Path::new("/proj/src/gen/deep/models.py")));
        assert!(!set.matches_within(Path::new("/proj/app/api.py")));
        assert!(!set.matches_within(Path::new("/other/src/gen/models.py")));
    }

    #[test]
    fn star_stays_in_one_segment_and_double_star_spans_many() {
        let set = patterns(&["tests/*.py", "lib/**/vendor"]);
        assert!(set.matches_within(Path::new("/proj/tests/test_a.py")));
        assert!(!set.matches_within(Path::new("/proj/tests/unit/test_a.py")));
        assert!(set.matches_within(Path::new("/proj/lib/a/b/vendor/x.py")));
        assert!(set.matches_within(Path::new("/proj/lib/vendor/x.py")));
    }

    #[test]
    fn entries_match_by_name_or_relative_path() {
        let set = patterns(&[".venv", "build/out"]);
        assert!(set.matches_entry(Path::new("/proj/sub/.venv")));
        assert!(set.matches_entry(Path::new("/proj/build/out")));
        assert!(!set.matches_entry(Path::new("/proj/sub/build/out")));
    }

    #[test]
    fn invalid_globs_name_the_pattern() {
        let error = PathPatterns::new(Path::new("/proj"), &["src/[ab".to_string()]).unwrap_err();
        assert_eq!(error.pattern, "src/[ab");
        assert!(error.reason.contains("unclosed"), "{}", error.reason);
    }
}
