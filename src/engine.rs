//! The lint pipeline over a set of paths: discover → read → index → lint, in
//! parallel, with every file isolated from every other file's failures.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{ConfigError, Configuration};
use crate::diagnostic::{Diagnostic, Located};
use crate::discover::{discover, Language, SourceFile, WalkError};
use crate::python::{self, index::ProjectIndex, ModuleName};
use crate::registry::Rule;
use crate::rust::{self, index::CrateIndex, FileLocation};
use crate::settings::Settings;
use crate::source::{decode, LineIndex};
use crate::suppression;

/// The findings of one file, positioned, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    /// The decoded source; empty when the file could not be read or decoded.
    pub source: String,
    pub diagnostics: Vec<Located>,
}

#[derive(Debug, Default)]
pub struct RunReport {
    /// Files with at least one finding, sorted by path.
    pub files: Vec<FileReport>,
    pub files_scanned: usize,
    /// Paths that could not be read or walked: these make the run exit with 2.
    pub io_errors: Vec<WalkError>,
    /// Configuration problems: nothing was linted, the run exits with 2.
    pub config_errors: Vec<ConfigError>,
}

impl RunReport {
    pub fn finding_count(&self) -> usize {
        self.files.iter().map(|file| file.diagnostics.len()).sum()
    }
}

/// A file's place in its project: the Python module, or the Rust crate and module.
enum Place {
    Python(ModuleName),
    Rust(FileLocation),
}

impl Place {
    fn of(file: &SourceFile) -> Place {
        let path = absolute(&file.path);
        match file.language {
            Language::Python => Place::Python(ModuleName::from_path(&path)),
            Language::Rust => Place::Rust(FileLocation::from_path(&path)),
        }
    }
}

/// What the first pass learned about the whole run, per language.
#[derive(Debug, Default)]
pub struct Indexes {
    pub python: ProjectIndex,
    pub rust: CrateIndex,
}

/// A file read from disk: its text, or why it cannot be linted.
struct Loaded {
    file: SourceFile,
    /// Where the file sits in its project, found once (it stats the tree upwards).
    place: Place,
    /// The decoded text (for an undecodable file, the text with invalid bytes
    /// replaced, or nothing for a binary file).
    source: String,
    /// Set when the file cannot be linted: its one AL000 finding.
    unreadable: Option<Diagnostic>,
    io_error: Option<String>,
}

/// Deep ASTs (10,000 nested brackets) recurse deeply in the parser and the checker;
/// worker threads get a stack that such files cannot exhaust.
const WORKER_STACK_BYTES: usize = 512 * 1024 * 1024;

/// Runs `work` on a thread with a worker's large stack: linting recurses as deep as
/// the file nests, so callers outside a run (the editor server, a fuzzer) lint there.
/// A panic in `work` is resumed in the caller.
pub fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, work)
            .expect("cannot start a thread for linting")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Lints `paths` with the same settings for every file and no configuration file.
pub fn run(paths: &[PathBuf], settings: &Settings) -> RunReport {
    run_configured(paths, &Configuration::fixed(settings.clone()))
}

/// Lints `paths`, each file with the settings its configuration gives it.
pub fn run_configured(paths: &[PathBuf], configuration: &Configuration) -> RunReport {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .expect("cannot start worker threads");
    pool.install(|| run_in_pool(paths, configuration))
}

fn run_in_pool(paths: &[PathBuf], configuration: &Configuration) -> RunReport {
    let discovered = discover(paths, configuration.exclusion());
    let settings = match configuration.settings_for_files(&discovered.files) {
        Ok(settings) => settings,
        Err(config_errors) => {
            return RunReport {
                config_errors,
                ..RunReport::default()
            }
        }
    };
    let loaded: Vec<Loaded> = discovered.files.into_par_iter().map(load).collect();
    let index = Indexes {
        python: build_index(&loaded),
        rust: build_crate_index(&loaded),
    };
    let mut report = RunReport {
        files_scanned: loaded.len(),
        io_errors: discovered.errors,
        ..RunReport::default()
    };
    for file in &loaded {
        if let Some(message) = &file.io_error {
            report.io_errors.push(WalkError {
                path: file.file.path.clone(),
                message: message.clone(),
            });
        }
    }
    report.files = loaded
        .into_par_iter()
        .map(|file| {
            let settings = Arc::clone(&settings[&file.file.path]);
            lint_loaded(file, &index, &settings)
        })
        .filter(|file| !file.diagnostics.is_empty())
        .collect();
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report
}

fn load(file: SourceFile) -> Loaded {
    let place = Place::of(&file);
    match std::fs::read(&file.path) {
        Ok(bytes) => match decode(bytes) {
            Ok(source) => Loaded {
                file,
                place,
                source,
                unreadable: None,
                io_error: None,
            },
            Err(error) => {
                let at = if error.lossy.is_some() {
                    error.offset
                } else {
                    0
                };
                let diagnostic = Diagnostic::new(Rule::SyntaxError, at, at, error.message)
                    .with_help("save the file as UTF-8, or exclude it from linting");
                Loaded {
                    file,
                    place,
                    source: error.lossy.unwrap_or_default(),
                    unreadable: Some(diagnostic),
                    io_error: None,
                }
            }
        },
        Err(error) => {
            let message = format!("cannot read file: {error}");
            Loaded {
                file,
                place,
                source: String::new(),
                unreadable: Some(Diagnostic::new(Rule::SyntaxError, 0, 0, message.clone())),
                io_error: Some(message),
            }
        }
    }
}

/// The first pass: summarize every Python module for cross-module resolution.
fn build_index(loaded: &[Loaded]) -> ProjectIndex {
    let summaries: Vec<_> = loaded
        .par_iter()
        .filter(|file| {
            file.unreadable.is_none() && python::worth_indexing(&file.source, &file.file.path)
        })
        .filter_map(|file| {
            let Place::Python(module) = &file.place else {
                return None;
            };
            let text = &file.source;
            let summary =
                std::panic::catch_unwind(AssertUnwindSafe(|| python::summarize(text, module)))
                    .ok()
                    .flatten()?;
            Some((summary, root_relative_modules(&file.file)))
        })
        .collect();
    let mut index = ProjectIndex::default();
    for (summary, aliases) in summaries {
        for alias in aliases {
            if alias != summary.name {
                let mut aliased = summary.clone();
                aliased.name = alias;
                index.insert(aliased);
            }
        }
        index.insert(summary);
    }
    index
}

/// The first pass for Rust: the functions of every crate, for calls across files.
fn build_crate_index(loaded: &[Loaded]) -> CrateIndex {
    let summaries: Vec<_> = loaded
        .par_iter()
        .filter(|file| file.unreadable.is_none() && rust::worth_indexing(&file.source))
        .filter_map(|file| {
            let Place::Rust(location) = &file.place else {
                return None;
            };
            let text = &file.source;
            std::panic::catch_unwind(AssertUnwindSafe(|| rust::summarize(text, location)))
                .ok()
                .flatten()
        })
        .collect();
    let mut index = CrateIndex::default();
    for summary in summaries {
        index.insert(summary);
    }
    index
}

/// Module names of a file relative to the directory it was found under, for folders
/// without `__init__.py` (namespace packages, `src/` layouts):
/// `proj/src/shop/client.py` under `proj` → `shop.client`; under `proj/src/shop` →
/// `client` and `shop.client`.
fn root_relative_modules(file: &SourceFile) -> Vec<String> {
    let Some(relative) = root_relative_module(file) else {
        return Vec::new();
    };
    let root_name = file
        .root
        .as_deref()
        .and_then(|root| {
            absolute(root)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .filter(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_') && name != "src");
    match root_name {
        Some(root_name) => vec![format!("{root_name}.{relative}"), relative],
        None => vec![relative],
    }
}

fn root_relative_module(file: &SourceFile) -> Option<String> {
    let root = file.root.as_ref()?;
    let relative = match file.path.strip_prefix(root) {
        Ok(relative) => relative,
        // Paths under `.` are stored without their `./` prefix.
        Err(_) if root == Path::new(".") => file.path.as_path(),
        Err(_) => return None,
    };
    let relative = relative.strip_prefix("src").unwrap_or(relative);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last
        .strip_suffix(".pyi")
        .or_else(|| last.strip_suffix(".py"))?;
    if stem != "__init__" {
        parts.push(stem.to_string());
    }
    let all_identifiers = parts
        .iter()
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'));
    (all_identifiers && !parts.is_empty()).then(|| parts.join("."))
}

fn lint_loaded(file: Loaded, index: &Indexes, settings: &Settings) -> FileReport {
    let Loaded {
        file,
        place,
        source,
        unreadable,
        ..
    } = file;
    let diagnostics = match unreadable {
        None => suppression::apply(file.language, &source, settings, || {
            lint_source(&place, &source, index, settings)
        }),
        Some(diagnostic) => vec![diagnostic],
    };
    let lines = LineIndex::new(&source);
    let diagnostics = diagnostics
        .into_iter()
        .map(|diagnostic| Located::new(diagnostic, &lines, &source))
        .collect();
    FileReport {
        path: file.path,
        source,
        diagnostics,
    }
}

/// Lints one file's text on its own (no project index, no configuration file) with its
/// suppression comments applied, as a file of a run would be: for the catalog's
/// examples and other single-snippet callers. It runs on a large stack of its own.
pub fn lint_text(language: Language, source: &str, settings: &Settings) -> Vec<Diagnostic> {
    on_large_stack(|| lint_text_here(language, source, settings))
}

fn lint_text_here(language: Language, source: &str, settings: &Settings) -> Vec<Diagnostic> {
    let place = match language {
        Language::Python => Place::Python(ModuleName {
            dotted: "example".to_string(),
            is_package: false,
        }),
        Language::Rust => Place::Rust(FileLocation {
            crate_key: PathBuf::from("example.rs"),
            ..FileLocation::default()
        }),
    };
    let index = Indexes::default();
    suppression::apply(language, source, settings, || {
        lint_source(&place, source, &index, settings)
    })
}

/// Lints one file, turning a panic in the linter into a finding for that file.
fn lint_source(
    place: &Place,
    source: &str,
    index: &Indexes,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| match place {
        Place::Python(module) => python::lint(source, module, &index.python, settings),
        Place::Rust(location) => rust::lint(source, location, &index.rust, settings),
    }));
    outcome.unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        vec![Diagnostic::new(
            Rule::SyntaxError,
            0,
            0,
            format!("internal error while linting this file ({reason}); other files were linted normally"),
        )
        .with_help("please report this file to the asynclint maintainers")]
    })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
