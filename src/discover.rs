//! Finding the files to lint: walk directories (honouring `.gitignore` and skipping
//! virtualenvs, caches and build output), keep explicitly named files as they are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Says whether a file or directory found while walking is left out (it is not
/// consulted for paths named on the command line).
pub type Exclude = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Names never descended into, unless the configuration's `exclude` replaces this
/// list (an explicitly named directory is still walked).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "target",
    ".eggs",
    "site-packages",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Language {
    Python,
    Rust,
}

impl Language {
    /// The language of a file by its extension.
    pub fn of(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "py" | "pyi" => Some(Language::Python),
            "rs" => Some(Language::Rust),
            _ => None,
        }
    }
}

/// A file to lint, with the path as it was reached from the command line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub path: PathBuf,
    pub language: Language,
    /// The directory named on the command line that this file was found under; for a
    /// file named itself, its project's root once the engine has found it. Shared:
    /// a large tree's files would otherwise hold thousands of copies of it.
    pub root: Option<Arc<Path>>,
}

impl SourceFile {
    /// A file named on the command line (or standard input's name): linted whatever
    /// its extension, as Python unless it is a `.rs` file.
    pub fn named(path: PathBuf) -> SourceFile {
        SourceFile {
            language: Language::of(&path).unwrap_or(Language::Python),
            path,
            root: None,
        }
    }
}

/// A path that could not be walked: missing, unreadable directory, broken link, loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
    pub errors: Vec<WalkError>,
}

/// Expands the command-line paths into the files to lint, sorted and deduplicated,
/// leaving out what `exclude` says in walked directories (a file or directory named
/// on the command line is always linted).
pub fn discover(paths: &[PathBuf], exclude: Exclude) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                found.errors.push(WalkError {
                    path: path.clone(),
                    message: describe_io_error(path, &error),
                });
                continue;
            }
        };
        if metadata.is_dir() {
            walk_directory(path, &exclude, &mut found);
        } else {
            // A file named on the command line is always linted (pre-commit passes
            // file names, even inside otherwise ignored directories).
            found.files.push(SourceFile::named(path.clone()));
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

/// Walks a directory tree on all cores (directory reads and the `stat`s of symbolic
/// links dominate on large trees), then puts what was found in path order.
fn walk_directory(root: &Path, exclude: &Exclude, found: &mut Discovered) {
    let exclude = Arc::clone(exclude);
    let shared_root: Arc<Path> = Arc::from(root);
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |entry| entry.depth() == 0 || !exclude(entry.path()))
        .build_parallel();
    let walked = std::sync::Mutex::new(Discovered::default());
    walker.run(|| {
        let walked = &walked;
        let shared_root = &shared_root;
        Box::new(move |entry| {
            let mut walked = walked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                    if let (true, Some(language)) = (is_file, Language::of(entry.path())) {
                        walked.files.push(SourceFile {
                            path: clean(entry.path()),
                            language,
                            root: Some(Arc::clone(shared_root)),
                        });
                    }
                }
                Err(error) => walked.errors.push(walk_error(root, error)),
            }
            ignore::WalkState::Continue
        })
    });
    let mut walked = walked
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    walked
        .errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    found.files.append(&mut walked.files);
    found.errors.append(&mut walked.errors);
}

/// `./pkg/mod.py` → `pkg/mod.py`: paths under the default `.` read as users type them.
fn clean(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

fn walk_error(root: &Path, error: ignore::Error) -> WalkError {
    let path = clean(&error_path(&error).unwrap_or_else(|| root.to_path_buf()));
    let message = match (loop_ancestor(&error), error.io_error()) {
        (Some(ancestor), _) => format!(
            "symbolic link loop back to {}; not followed",
            clean(ancestor).display()
        ),
        (None, Some(io_error)) => describe_io_error(&path, io_error),
        (None, None) => error.to_string(),
    };
    WalkError { path, message }
}

/// The directory a symbolic link loops back to, however the walker wrapped the error.
fn loop_ancestor(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::Loop { ancestor, .. } => Some(ancestor),
        ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithPath { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => loop_ancestor(err),
        _ => None,
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe_io_error(path: &Path, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound if path.is_symlink() => {
            "broken symbolic link: its target does not exist".to_string()
        }
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        // The walker wraps the system's error in its own ("IO error for operation
        // on PATH: ..."); the path is printed already, the system's reason is enough.
        _ => innermost(error).to_string(),
    }
}

fn innermost<'e>(
    error: &'e (dyn std::error::Error + 'static),
) -> &'e (dyn std::error::Error + 'static) {
    match error.source() {
        Some(source) => innermost(source),
        None => error,
    }
}
