//! The workspace: its folders, its configuration, and the cross-module indexes built
//! from every file in it and kept current as buffers change, so that a call in one
//! open module resolves against the `async def`s of the others as they are now.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{CliOverrides, ConfigError, ConfigSource, Configuration, CONFIG_FILE_NAMES};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, IndexEntry, Indexes};
use crate::settings::Settings;

pub struct Workspace {
    roots: Vec<PathBuf>,
    configuration: Configuration,
    /// Every indexed file's entry: from disk, or from its buffer while it is open.
    entries: HashMap<PathBuf, IndexEntry>,
    indexes: Indexes,
}

/// How linting a document went.
pub enum Linted {
    Findings(Vec<Diagnostic>),
    /// The configuration says not to lint this file.
    Excluded,
    /// The configuration file that governs it is broken.
    ConfigurationError(ConfigError),
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        Workspace {
            roots,
            configuration: discovered_configuration(),
            entries: HashMap::new(),
            indexes: Indexes::default(),
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
    }

    /// Indexes every file of the workspace folders from disk (open buffers are put
    /// back on top by the caller). Returns how many files define something.
    pub fn index_from_disk(&mut self) -> usize {
        self.entries = engine::index_files(&self.roots, &self.configuration)
            .into_iter()
            .collect();
        self.rebuild();
        self.entries.len()
    }

    /// Reads configuration files anew (one was edited).
    pub fn reload_configuration(&mut self) {
        self.configuration = discovered_configuration();
    }

    /// Replaces the entry of one file with the summary of `text` (its buffer, or its
    /// contents on disk; `None` when it is gone). Text that does not parse keeps the
    /// entry it had, so other modules do not lose its `async def`s while it is being
    /// edited. Returns whether the indexes changed, in which case every open document
    /// needs linting again.
    pub fn update(&mut self, path: &Path, text: Option<&str>) -> bool {
        let entry = match text {
            Some(text) if !self.is_excluded(path) => {
                match engine::index_entry(path, self.root_of(path), text) {
                    Some(entry) => entry,
                    None => return false,
                }
            }
            _ => IndexEntry::Nothing,
        };
        let previous = match entry {
            IndexEntry::Nothing => self.entries.remove(path),
            entry => self.entries.insert(path.to_path_buf(), entry),
        };
        let changed = previous.as_ref() != self.entries.get(path);
        if changed {
            self.rebuild();
        }
        changed
    }

    /// Lints a document's current text with the settings its configuration gives it.
    pub fn lint(&self, path: &Path, text: &str) -> Linted {
        if self.is_excluded(path) {
            return Linted::Excluded;
        }
        match self.configuration.settings_for(path) {
            Ok(settings) => Linted::Findings(self.lint_with(path, text, &settings)),
            Err(error) => Linted::ConfigurationError(error),
        }
    }

    fn lint_with(&self, path: &Path, text: &str, settings: &Arc<Settings>) -> Vec<Diagnostic> {
        engine::lint_buffer(path, text, &self.indexes, settings)
    }

    /// Is `path` a configuration file, whose change affects how files are linted?
    pub fn is_configuration_file(path: &Path) -> bool {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| CONFIG_FILE_NAMES.contains(&name))
    }

    /// Whether the configuration excludes the file, or a folder it is in below its
    /// workspace folder (a `check` of the workspace would not have linted it).
    fn is_excluded(&self, path: &Path) -> bool {
        let root = self.root_of(path);
        path.ancestors()
            .take_while(|ancestor| match root {
                Some(root) => ancestor.starts_with(root) && *ancestor != root,
                None => *ancestor == path,
            })
            .any(|ancestor| self.configuration.is_excluded(ancestor))
    }

    /// The innermost workspace folder that contains `path`.
    fn root_of(&self, path: &Path) -> Option<&Path> {
        self.roots
            .iter()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.as_os_str().len())
            .map(PathBuf::as_path)
    }

    fn rebuild(&mut self) {
        let mut entries: Vec<(&PathBuf, &IndexEntry)> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        self.indexes = Indexes::from_entries(entries.into_iter().map(|(_, entry)| entry));
    }
}

/// Each file is linted with its nearest configuration file, as `asynclint check` does
/// without options.
fn discovered_configuration() -> Configuration {
    Configuration::new(
        ConfigSource::Discover,
        Settings::default(),
        CliOverrides::default(),
    )
    .expect("no command-line globs: nothing to fail on")
}
