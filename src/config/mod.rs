//! Configuration: which file configures each linted path, and the [`Settings`] that
//! result for it.
//!
//! Layers, each over the one before: the defaults; the configuration file (the nearest
//! `.asynclint.toml`, `asynclint.toml` or `pyproject.toml` with `[tool.asynclint]`,
//! walking up from the file's directory, or the one `--config` names); the command
//! line; and last the file's `per-file-ignores`. The nearest file wins outright: files
//! further up are not merged in (as in ruff without `extend`).

mod file;
mod pattern;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use file::ConfigError;
pub use pattern::PathPatterns;

use crate::discover::{Exclude, SourceFile, DEFAULT_EXCLUDES};
use crate::paths::absolute;
use crate::registry::RuleSelector;
use crate::settings::{RuleSelection, Settings};
use file::ConfigFile;

/// Configuration file names, in the order they win when one directory has several.
pub const CONFIG_FILE_NAMES: &[&str] = &[".asynclint.toml", "asynclint.toml", "pyproject.toml"];

/// Where the configuration comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// The nearest configuration file of each linted path.
    Discover,
    /// One file for every path (`--config PATH`). Its path patterns are relative to
    /// the current directory, since it may live anywhere.
    File(PathBuf),
    /// No configuration file at all (`--isolated`).
    Isolated,
}

/// What the command line sets; it overrides every configuration file.
#[derive(Clone, Debug, Default)]
pub struct CliOverrides {
    pub selection: RuleSelection,
    /// `--exclude`: replaces the configured (or default) exclusions.
    pub exclude: Option<Vec<String>>,
    /// `--extend-exclude`: adds to them.
    pub extend_exclude: Vec<String>,
}

/// Resolves the settings of each linted path. Cheap to clone; safe to share between
/// threads. Configuration files are read once per directory.
#[derive(Clone)]
pub struct Configuration {
    inner: Arc<Inner>,
}

struct Inner {
    discover: bool,
    cwd: PathBuf,
    layers: Layers,
    /// What applies where no configuration file does (and everywhere when there is
    /// one fixed configuration).
    fallback: Arc<Resolved>,
    /// The resolution of each directory met so far, or why its configuration file
    /// cannot be used.
    by_directory: Mutex<HashMap<PathBuf, Lookup>>,
}

type Lookup = Result<Arc<Resolved>, ConfigError>;

/// What surrounds a configuration file: the defaults below it, the command line
/// above it.
struct Layers {
    base: Settings,
    default_exclude: PathPatterns,
    cli_selection: RuleSelection,
    cli_exclude: Option<PathPatterns>,
    cli_extend_exclude: PathPatterns,
}

/// One configuration file (or none) combined with the command line.
#[derive(Debug)]
struct Resolved {
    settings: Arc<Settings>,
    exclude: Vec<PathPatterns>,
    per_file_ignores: Vec<(PathPatterns, Vec<RuleSelector>)>,
}

impl Configuration {
    /// Reads `--config` (if given) at once; the files of [`ConfigSource::Discover`]
    /// are read as the paths that need them are reached.
    pub fn new(
        source: ConfigSource,
        base: Settings,
        cli: CliOverrides,
    ) -> Result<Configuration, ConfigError> {
        let cwd = std::env::current_dir()
            .and_then(std::path::absolute)
            .unwrap_or_else(|_| PathBuf::from("."));
        let cli_patterns = |flag: &str, list: &[String]| {
            PathPatterns::new(&cwd, list).map_err(|invalid| ConfigError {
                file: String::new(),
                message: format!(
                    "invalid glob `{}` in `{flag}`: {}",
                    invalid.pattern, invalid.reason
                ),
            })
        };
        let cli_exclude = cli
            .exclude
            .as_deref()
            .map(|list| cli_patterns("--exclude", list))
            .transpose()?;
        let cli_extend_exclude = cli_patterns("--extend-exclude", &cli.extend_exclude)?;
        let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect();
        let default_exclude = PathPatterns::new(&cwd, &defaults).expect("default globs are valid");
        let layers = Layers {
            base,
            default_exclude,
            cli_selection: cli.selection,
            cli_exclude,
            cli_extend_exclude,
        };
        let fallback = match &source {
            ConfigSource::File(path) => layers.resolve(Some(&read_given(path, &cwd)?)),
            ConfigSource::Discover | ConfigSource::Isolated => layers.resolve(None),
        };
        Ok(Configuration {
            inner: Arc::new(Inner {
                discover: source == ConfigSource::Discover,
                cwd,
                layers,
                fallback: Arc::new(fallback),
                by_directory: Mutex::default(),
            }),
        })
    }

    /// The same settings for every file, no configuration file, default exclusions.
    pub fn fixed(settings: Settings) -> Configuration {
        Configuration::new(ConfigSource::Isolated, settings, CliOverrides::default())
            .expect("no configuration file, no command-line globs: nothing can fail")
    }

    /// The filter discovery uses to skip excluded files and directories.
    pub fn exclusion(&self) -> Exclude {
        let configuration = self.clone();
        Arc::new(move |path: &Path| configuration.is_excluded(path))
    }

    /// Whether a file or directory found while walking is excluded by the
    /// configuration of the directory it is in. A broken configuration excludes
    /// nothing here: it is reported for the files it governs.
    pub fn is_excluded(&self, path: &Path) -> bool {
        let path = absolute(path);
        let Some(parent) = path.parent() else {
            return false;
        };
        let resolved = self
            .inner
            .resolved_for(parent)
            .unwrap_or_else(|_| Arc::clone(&self.inner.fallback));
        resolved
            .exclude
            .iter()
            .any(|patterns| patterns.matches_entry(&path))
    }

    /// The settings of one file: its configuration, the command line, then its
    /// `per-file-ignores`; or why its configuration file cannot be used.
    pub fn settings_for(&self, path: &Path) -> Result<Arc<Settings>, ConfigError> {
        let path = absolute(path);
        let directory = path.parent().unwrap_or(Path::new("/"));
        let resolved = self.inner.resolved_for(directory)?;
        let ignored: Vec<RuleSelector> = resolved
            .per_file_ignores
            .iter()
            .filter(|(patterns, _)| patterns.matches_within(&path))
            .flat_map(|(_, rules)| rules.iter().cloned())
            .collect();
        if ignored.is_empty() {
            return Ok(Arc::clone(&resolved.settings));
        }
        let mut settings = Settings::clone(&resolved.settings);
        settings.apply_selection(&RuleSelection {
            ignore: ignored,
            ..RuleSelection::default()
        });
        Ok(Arc::new(settings))
    }

    /// The settings of every file, in the order of `files`, or the problems of the
    /// configuration files that govern them (each once, sorted by file).
    pub fn settings_for_files(
        &self,
        files: &[SourceFile],
    ) -> Result<Vec<Arc<Settings>>, Vec<ConfigError>> {
        let mut settings = Vec::with_capacity(files.len());
        let mut errors = BTreeSet::new();
        for file in files {
            match self.settings_for(&file.path) {
                Ok(found) => settings.push(found),
                Err(error) => {
                    errors.insert(error);
                }
            }
        }
        match errors.is_empty() {
            true => Ok(settings),
            false => Err(errors.into_iter().collect()),
        }
    }
}

/// The file of `--config`: it must configure asynclint. Its globs are relative to
/// the current directory.
fn read_given(path: &Path, cwd: &Path) -> Result<ConfigFile, ConfigError> {
    let shown = path.display().to_string();
    match file::read(path, &shown, cwd)? {
        Some(file) => Ok(file),
        None => Err(ConfigError {
            file: shown,
            message: "has no [tool.asynclint] table to configure asynclint with".to_string(),
        }),
    }
}

impl Inner {
    /// What applies in `directory`: its nearest configuration file, or the fallback.
    fn resolved_for(&self, directory: &Path) -> Lookup {
        if !self.discover {
            return Ok(Arc::clone(&self.fallback));
        }
        if let Some(found) = self.cached(directory) {
            return found;
        }
        let lookup = match self.config_in(directory) {
            Ok(Some(file)) => Ok(Arc::new(self.layers.resolve(Some(&file)))),
            Ok(None) => match directory.parent() {
                Some(parent) => self.resolved_for(parent),
                None => Ok(Arc::clone(&self.fallback)),
            },
            Err(error) => Err(error),
        };
        self.by_directory
            .lock()
            .expect("no panic while holding the lock")
            .insert(directory.to_path_buf(), lookup.clone());
        lookup
    }

    fn cached(&self, directory: &Path) -> Option<Lookup> {
        let cache = self
            .by_directory
            .lock()
            .expect("no panic while holding the lock");
        cache.get(directory).cloned()
    }

    /// The configuration file of `directory` itself, if it has one. Two in one
    /// directory is an error rather than a silent choice.
    fn config_in(&self, directory: &Path) -> Result<Option<ConfigFile>, ConfigError> {
        let mut found: Vec<ConfigFile> = Vec::new();
        for name in CONFIG_FILE_NAMES {
            let path = directory.join(name);
            if !path.is_file() {
                continue;
            }
            let shown = file::shown_path(&path, &self.cwd);
            if let Some(config) = file::read(&path, &shown, directory)? {
                found.push(config);
            }
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => Err(ConfigError {
                file: found[0].shown.clone(),
                message: format!(
                    "{} in the same directory also configures asynclint; keep only one of them",
                    found[1].shown
                ),
            }),
        }
    }
}

impl Layers {
    /// The settings, exclusions and per-file ignores for `config` (or for no file):
    /// the defaults, then the file, then the command line.
    fn resolve(&self, config: Option<&ConfigFile>) -> Resolved {
        let options = config.map(|config| &config.options);
        let mut settings = self.base.clone();
        if let Some(options) = options {
            settings.apply_selection(&options.selection);
            apply_blocking_calls(&mut settings, options);
            if let Some(threshold) = options.gather_threshold {
                settings.gather_threshold = threshold;
            }
        }
        settings.apply_selection(&self.cli_selection);
        let replaced = self
            .cli_exclude
            .clone()
            .or_else(|| options.and_then(|options| options.exclude.clone()))
            .unwrap_or_else(|| self.default_exclude.clone());
        let mut exclude = vec![replaced];
        exclude.extend(options.map(|options| options.extend_exclude.clone()));
        exclude.push(self.cli_extend_exclude.clone());
        exclude.retain(|patterns| !patterns.is_empty());
        Resolved {
            settings: Arc::new(settings),
            exclude,
            per_file_ignores: options
                .map(|options| options.per_file_ignores.clone())
                .unwrap_or_default(),
        }
    }
}

/// Adds the configured blocking calls to the tables, then removes the allowed ones.
fn apply_blocking_calls(settings: &mut Settings, options: &file::Options) {
    let unchanged = options.blocking_python.is_empty()
        && options.blocking_rust.is_empty()
        && options.allowed_blocking_calls.is_empty();
    if unchanged {
        return;
    }
    let python = Arc::make_mut(&mut settings.blocking_python);
    for call in &options.blocking_python {
        python.insert(call.clone());
    }
    let rust = Arc::make_mut(&mut settings.blocking_rust);
    for call in &options.blocking_rust {
        rust.insert(call.clone());
    }
    for allowed in &options.allowed_blocking_calls {
        Arc::make_mut(&mut settings.blocking_python).allow(allowed);
        Arc::make_mut(&mut settings.blocking_rust).allow(allowed);
    }
}
