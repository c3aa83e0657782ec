//! The lint pipeline over a set of paths: discover → read → index → lint, in
//! parallel, with every file isolated from every other file's failures.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::config::{ConfigError, Configuration, CONFIG_FILE_NAMES};
use crate::diagnostic::{Diagnostic, Located};
use crate::discover::{discover, Discovered, Language, SourceFile, WalkError};
use crate::paths::absolute;
use crate::prefilter::{Prefilter, Verdict};
use crate::python::index::{ModuleSummary, ProjectIndex};
use crate::python::method_owners::{outside_class_leads, rename, MethodOwners, OwnerFacts};
use crate::python::reach::{IndexedModule, NameCall, ReachGraph};
use crate::python::rule_words::{ClassId, RuleWords};
use crate::python::{self, ModuleName};
use crate::registry::Rule;
use crate::rust::index::{CrateIndex, FileSummary};
use crate::rust::{self, FileLocation};
use crate::settings::Settings;
use crate::source::{decode, LineIndex};
use crate::suppression;

/// The findings of one file, positioned, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    /// The decoded source; empty when the file could not be read or decoded, or
    /// when the run was told not to keep it ([`RunOptions::keep_sources`]).
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

/// How a run goes about its work, and which files it takes beyond the configuration.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Skip parsing files whose bytes show they cannot produce a finding.
    pub prefilter: bool,
    /// Apply the exclusions to files named on the command line too (`--force-exclude`),
    /// as pre-commit names every staged file.
    pub force_exclude: bool,
    /// Keep the text of each file with findings in its report, for an output that
    /// shows it; otherwise [`FileReport::source`] is empty.
    pub keep_sources: bool,
    /// Lint this text instead of reading the paths (`-` on the command line).
    pub stdin: Option<StdinText>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            prefilter: true,
            force_exclude: false,
            keep_sources: true,
            stdin: None,
        }
    }
}

/// A buffer read from standard input, linted as if it were the file `name`: `name`
/// decides its language, configuration and project, and is the path reported.
#[derive(Clone, Debug)]
pub struct StdinText {
    pub name: PathBuf,
    pub bytes: Vec<u8>,
}

/// What the first pass learned from one file's bytes. Sources are not kept between
/// the passes: a large project's text would outweigh everything else the run holds,
/// and reading a file again comes from the page cache.
struct Scanned {
    file: SourceFile,
    scan: Scan,
    /// The settings the file is linted with; `None` for a file of a named file's
    /// project that only feeds the indexes, neither linted nor reported
    /// (`project_context`).
    settings: Option<Arc<Settings>>,
}

/// What the lint pass needs of a scanned file. The rest of the scan fed the indexes
/// and the prefilter's graph, and is dropped before linting starts: a large project's
/// scans and the lint pass's parses and summaries are not held at once.
struct ToLint {
    file: SourceFile,
    settings: Arc<Settings>,
    scanned_as: ScannedAs,
}

enum ScannedAs {
    Unreadable(Box<Unreadable>),
    Python {
        module: ModuleName,
        /// The names under which the index takes this file's summary from its lint
        /// (it alone is registered under them, and another module imports it).
        indexed_as: Vec<String>,
    },
    Rust,
}

impl ToLint {
    /// `None` for a file that only feeds the indexes.
    fn of(scanned: Scanned) -> Option<ToLint> {
        let scanned_as = match scanned.scan {
            Scan::Unreadable(unreadable) => ScannedAs::Unreadable(unreadable),
            Scan::Python {
                module, indexed_as, ..
            } => ScannedAs::Python { module, indexed_as },
            Scan::Rust { .. } => ScannedAs::Rust,
        };
        Some(ToLint {
            file: scanned.file,
            settings: scanned.settings?,
            scanned_as,
        })
    }
}

/// What the scan pass keeps of one file. Most of a Python project's scans are the
/// large variant, so boxing it would only add an allocation per file.
#[allow(clippy::large_enum_variant)]
enum Scan {
    /// The file cannot be linted: its one AL000 finding, and the text to show it in.
    Unreadable(Box<Unreadable>),
    Python {
        module: ModuleName,
        /// The module names under which the file joins the project index, when it
        /// can define something another module's call resolves to.
        indexed_as: Vec<String>,
        /// Its `async def` names.
        coroutines: python::outline::Coroutines,
        /// For an indexed module: the names its top level defines with a sync `def`
        /// or a `class`.
        plain_definitions: python::outline::PlainDefinitions,
        /// Its renames, and for an indexed module what its imports reach in the
        /// prefilter's import graph.
        imports: python::scan::Imports,
        /// For an indexed module: does it mention asyncio?
        mentions_asyncio: bool,
        /// For an indexed module: the classes of blocking methods it can hand out.
        method_classes: Box<[ClassId]>,
        /// For an indexed module: what it says of its classes and functions.
        owners: OwnerFacts,
    },
    Rust {
        summary: Option<FileSummary>,
    },
}

struct Unreadable {
    diagnostic: Diagnostic,
    /// The text with invalid bytes replaced, or nothing for a binary file.
    source: String,
    io_error: Option<String>,
}

/// Deep ASTs (10,000 nested brackets) recurse deeply in the parser and the checker;
/// worker threads get a stack that such files cannot exhaust.
pub const WORKER_STACK_BYTES: usize = 512 * 1024 * 1024;

/// A rayon pool whose threads have the deep-recursion stack.
fn worker_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .expect("cannot start worker threads")
}

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
    run_with_options(paths, configuration, RunOptions::default())
}

pub fn run_with_options(
    paths: &[PathBuf],
    configuration: &Configuration,
    options: RunOptions,
) -> RunReport {
    worker_pool().install(|| run_in_pool(paths, configuration, options))
}

fn run_in_pool(paths: &[PathBuf], configuration: &Configuration, options: RunOptions) -> RunReport {
    let mut discovered = discover_input(paths, configuration, &options);
    let context = project_context(&mut discovered.files, configuration);
    let sources = Sources::new(options.stdin);
    let packages = PackageDirectories::default();
    let settings = match configuration.settings_for_files(&discovered.files) {
        Ok(settings) => settings,
        Err(config_errors) => {
            return RunReport {
                config_errors,
                ..RunReport::default()
            }
        }
    };
    let files_scanned = discovered.files.len();
    let rule_words = python_rule_words(settings.iter());
    let linted = (discovered.files.into_par_iter())
        .zip(settings)
        .map(|(file, settings)| (file, Some(settings)));
    let indexed = context.into_par_iter().map(|file| (file, None));
    let named: Vec<Named> = linted
        .chain(indexed)
        .map(|(file, settings)| Named::new(file, settings, &packages))
        .collect();
    let targets = GraphTargets::new(&named, &rule_words);
    let mut scanned: Vec<Scanned> = named
        .into_par_iter()
        .map(|named| scan(named, &sources, &targets))
        .collect();
    drop(targets);
    let rust_index = build_crate_index(&mut scanned);
    let coroutine_names = Arc::new(python_coroutine_names(&scanned));
    // The graph takes the scans' import lists; the Python index, which copies each
    // indexed module's path and name, is built after they are gone.
    let blocking_classes: Vec<&str> = rule_words
        .method_classes()
        .map(|(_, class)| class)
        .collect();
    let reach = python_reach_graph(
        &mut scanned,
        &coroutine_names,
        &blocking_classes,
        options.prefilter,
    );
    let skipping = match options.prefilter {
        true => Skipping {
            prefilter: Prefilter::new(
                coroutine_names.iter().map(String::as_str),
                rust_index.future_fn_names(),
            )
            .with_rule_words(rule_words),
            reach,
        },
        false => Skipping {
            prefilter: Prefilter::disabled(),
            reach,
        },
    };
    let mut index = Indexes {
        python: build_python_index(&mut scanned, &sources, &|name| {
            skipping.reach.is_imported(name)
        }),
        rust: rust_index,
    };
    index.python.set_coroutine_names(coroutine_names);
    let mut to_lint: Vec<ToLint> = scanned.into_iter().filter_map(ToLint::of).collect();
    // The collect reuses the buffer of the larger scans.
    to_lint.shrink_to_fit();
    // Most files have nothing to report: the outcomes of the others only are kept.
    let outcomes: Vec<Linted> = to_lint
        .into_par_iter()
        .map(|file| lint_file(file, &index, &skipping, &sources, options.keep_sources))
        .filter(Linted::is_worth_keeping)
        .collect();
    let mut report = RunReport {
        files_scanned,
        io_errors: discovered.errors,
        ..RunReport::default()
    };
    for outcome in outcomes {
        if let Some(error) = outcome.io_error {
            report.io_errors.push(error);
        }
        if let Some(file) = outcome.report.filter(|file| !file.diagnostics.is_empty()) {
            report.files.push(file);
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report
}

/// Where a run's texts come from: the files on disk, except the one buffer read from
/// standard input, which stands in for the file it names in every pass.
#[derive(Clone, Default)]
struct Sources {
    stdin: Option<Arc<StdinText>>,
}

impl Sources {
    fn new(stdin: Option<StdinText>) -> Sources {
        Sources {
            stdin: stdin.map(Arc::new),
        }
    }

    /// Reads a file, as text or as the reason it cannot be linted.
    fn read(&self, path: &Path) -> Result<String, Box<Unreadable>> {
        match &self.stdin {
            Some(stdin) if stdin.name == path => decoded(stdin.bytes.clone()),
            _ => read(path),
        }
    }
}

/// Reads a file from disk, as text or as the reason it cannot be linted.
fn read(path: &Path) -> Result<String, Box<Unreadable>> {
    let bytes = std::fs::read(path).map_err(|error| {
        let message = format!("cannot read file: {error}");
        Box::new(Unreadable {
            diagnostic: Diagnostic::new(Rule::SyntaxError, 0, 0, message.clone()),
            source: String::new(),
            io_error: Some(message),
        })
    })?;
    decoded(bytes)
}

/// A file's bytes as text, or the AL000 that says why they are not.
fn decoded(bytes: Vec<u8>) -> Result<String, Box<Unreadable>> {
    decode(bytes).map_err(|error| {
        let at = if error.lossy.is_some() {
            error.offset
        } else {
            0
        };
        Box::new(Unreadable {
            diagnostic: Diagnostic::new(Rule::SyntaxError, at, at, error.message)
                .with_help("save the file as UTF-8, or exclude it from linting"),
            source: error.lossy.unwrap_or_default(),
            io_error: None,
        })
    })
}

/// A file of the run, with the names it is known by, before its text is read.
struct Named {
    file: SourceFile,
    settings: Option<Arc<Settings>>,
    /// A Python file's names; `None` for a Rust file.
    python: Option<PythonNames>,
}

struct PythonNames {
    module: ModuleName,
    /// Every name the module can be imported by (`python_module_names`).
    importable_as: Vec<String>,
}

impl Named {
    fn new(
        file: SourceFile,
        settings: Option<Arc<Settings>>,
        packages: &PackageDirectories,
    ) -> Named {
        let python = (file.language == Language::Python).then(|| {
            let module = python_module(&file, packages);
            PythonNames {
                importable_as: python_module_names(&file, &module),
                module,
            }
        });
        Named {
            file,
            settings,
            python,
        }
    }
}

/// The only import targets the prefilter's graph can use.
struct GraphTargets {
    /// Every name a Python module of the run can be imported by, and every package
    /// above one: the only targets that can be nodes of the graph (whose nodes are
    /// those of the indexed modules among them).
    importable: FxHashSet<String>,
    /// The packages of blocking methods (`requests`): a file's imports are followed
    /// to the modules that import them ([`ReachGraph::class_may_reach`]).
    method_packages: FxHashSet<String>,
    /// The classes of blocking methods, by [`ClassId`]: package and name.
    method_classes: Vec<(String, String)>,
}

impl GraphTargets {
    fn new(named: &[Named], rule_words: &RuleWords) -> GraphTargets {
        let mut importable = FxHashSet::default();
        let names = named
            .iter()
            .filter_map(|file| file.python.as_ref())
            .flat_map(|python| &python.importable_as);
        for name in names {
            let mut prefix: &str = name;
            while importable.insert(prefix.to_string()) {
                match prefix.rfind('.') {
                    Some(dot) => prefix = &prefix[..dot],
                    None => break,
                }
            }
        }
        let method_classes: Vec<(String, String)> = rule_words
            .method_classes()
            .map(|(package, name)| (package.to_string(), name.to_string()))
            .collect();
        GraphTargets {
            importable,
            method_packages: method_classes
                .iter()
                .map(|(package, _)| package.clone())
                .collect(),
            method_classes,
        }
    }

    /// The classes of blocking methods whose instances a module can hand out to
    /// another through its summary: it is in the class's package, or it imports the
    /// package and writes the class's name where its imports can qualify it
    /// (`rule_words::may_qualify_member`: not `asyncio.Semaphore` for
    /// `threading.Semaphore`), which the qualified name of an attribute's or a
    /// return's type needs, outside the package. `names` are the
    /// module's names in the index, under which its relative imports are resolved.
    fn method_classes_made(
        &self,
        source: &str,
        names: &[String],
        reaches: &[python::scan::Reach],
    ) -> Box<[ClassId]> {
        let in_package = |package: &str| names.iter().any(|name| top_package(name) == package);
        let imports_package = |package: &str| {
            reaches
                .iter()
                .any(|reach| top_package(reach.target()) == package)
        };
        (self.method_classes.iter().enumerate())
            .filter(|(_, (package, name))| {
                in_package(package)
                    || (imports_package(package)
                        && python::rule_words::may_qualify_member(source, package, name))
            })
            .map(|(class, _)| class)
            .collect()
    }

    fn keeps(&self, target: &str) -> bool {
        self.importable.contains(target) || self.method_packages.contains(top_package(target))
    }
}

/// The top-level package of a dotted name: `requests` of `requests.sessions`.
fn top_package(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// The first pass over one file: what it adds to the indexes and to the prefilter's
/// names. Only a Rust file that can define a future-returning fn is parsed here.
fn scan(named: Named, sources: &Sources, targets: &GraphTargets) -> Scanned {
    let Named {
        file,
        settings,
        python,
    } = named;
    let source = match sources.read(&file.path) {
        Ok(source) => source,
        Err(unreadable) => {
            return Scanned {
                file,
                scan: Scan::Unreadable(unreadable),
                settings,
            }
        }
    };
    let scan = match python {
        Some(names) => scan_python(&source, &file.path, names, targets),
        None => Scan::Rust {
            summary: rust::worth_indexing(&source)
                .then(|| summarize_rust(&source, &FileLocation::from_path(&absolute(&file.path))))
                .flatten(),
        },
    };
    Scanned {
        file,
        scan,
        settings,
    }
}

fn scan_python(source: &str, path: &Path, names: PythonNames, targets: &GraphTargets) -> Scan {
    let PythonNames {
        module,
        importable_as,
    } = names;
    if !python::worth_indexing(source, path) {
        // Only its renames matter: they name coroutines in its own calls.
        let renames_only = python::scan::Wanted {
            reach: &|_| false,
            plain_names: false,
            modules: false,
            nested_reaches: false,
        };
        let mut imports = python::scan::imports_wanted(source, &module, None, renames_only);
        imports.names.shrink_to_fit();
        return Scan::Python {
            module,
            owners: OwnerFacts::default(),
            mentions_asyncio: false,
            method_classes: Box::new([]),
            indexed_as: Vec::new(),
            coroutines: python::outline::coroutines(source),
            plain_definitions: Default::default(),
            imports: python::scan::Imports {
                names: imports.names,
                ..Default::default()
            },
        };
    }
    let (outline, owners) = python::outline::outline_with_owners(source);
    // The graph needs what the imports reach (modules of the run, and the packages
    // of blocking methods) and the renames. A whole project's worth of import lists
    // is the scan's largest allocation, and most of it reaches no module (`from
    // .const import DOMAIN` reaches `<package>.const.DOMAIN`).
    // Only module-level imports lead another module's lookups on: the summary
    // qualifies names through them alone.
    let wanted = python::scan::Wanted {
        reach: &|target| targets.keeps(target),
        plain_names: false,
        modules: false,
        nested_reaches: false,
    };
    let found = python::scan::imports_wanted(source, &module, Some(&outline), wanted);
    let mut reaches = found.reaches;
    reaches.sort_unstable();
    reaches.dedup();
    reaches.shrink_to_fit();
    let mut names = found.names;
    names.shrink_to_fit();
    Scan::Python {
        owners,
        mentions_asyncio: memchr::memmem::find(source.as_bytes(), b"asyncio").is_some(),
        method_classes: targets.method_classes_made(source, &importable_as, &reaches),
        indexed_as: importable_as,
        imports: python::scan::Imports {
            reaches,
            names,
            // What `import m` binds only matters in the file's own calls.
            modules: Vec::new(),
        },
        module,
        coroutines: outline.coroutines,
        plain_definitions: outline.plain_definitions,
    }
}

/// The names a Python file is known by in the index: its dotted module name, and
/// the names relative to the directory it was found under.
fn python_module_names(file: &SourceFile, module: &ModuleName) -> Vec<String> {
    let mut names: Vec<String> = root_relative_modules(file)
        .into_iter()
        .filter(|alias| *alias != module.dotted)
        .collect();
    names.push(module.dotted.clone());
    names
}

fn summarize_rust(source: &str, location: &FileLocation) -> Option<FileSummary> {
    std::panic::catch_unwind(AssertUnwindSafe(|| rust::summarize(source, location)))
        .ok()
        .flatten()
}

/// The Python project index: every module that can define something a call elsewhere
/// resolves to, registered by name and summarized only when a lookup reaches it.
///
/// Each scan's `indexed_as` keeps the names its lint hands the summary it makes to:
/// those the file alone is registered under, and which `may_be_looked_up`.
fn build_python_index(
    scanned: &mut [Scanned],
    sources: &Sources,
    may_be_looked_up: &dyn Fn(&str) -> bool,
) -> ProjectIndex {
    let mut files = IndexedFiles::default();
    let mut files_by_name: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for file in scanned.iter() {
        if let Scan::Python {
            indexed_as, module, ..
        } = &file.scan
        {
            if indexed_as.is_empty() {
                continue;
            }
            let id = files.add(&file.file.path, module);
            for name in indexed_as {
                files_by_name.entry(name).or_default().push(id);
            }
        }
    }
    // A name several files share is summarized by merging them all: no one file's
    // lint can stand in for its loader.
    let merged: rustc_hash::FxHashSet<String> = (files_by_name.iter())
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(name, _)| name.to_string())
        .collect();
    let files = Arc::new(files);
    let mut index = ProjectIndex::default();
    for (name, ids) in files_by_name {
        let files = Arc::clone(&files);
        let sources = sources.clone();
        index.register(
            name.to_string(),
            Box::new(move |name| files.summarize(name, &ids, &sources)),
        );
    }
    for file in scanned {
        if let Scan::Python { indexed_as, .. } = &mut file.scan {
            indexed_as.retain(|name| !merged.contains(name) && may_be_looked_up(name));
        }
    }
    index
}

/// The path and module of every indexed Python file, held once: a file is registered
/// under each name it can be imported by (`homeassistant.core`, `core`), and a large
/// project's thousands of loaders would otherwise each hold copies.
#[derive(Default)]
struct IndexedFiles {
    files: Vec<(PathBuf, ModuleName)>,
}

impl IndexedFiles {
    fn add(&mut self, path: &Path, module: &ModuleName) -> u32 {
        self.files.push((path.to_path_buf(), module.clone()));
        (self.files.len() - 1) as u32
    }

    /// One index entry from the files that share a module name, merged in discovery
    /// order.
    fn summarize(&self, name: &str, ids: &[u32], sources: &Sources) -> Option<ModuleSummary> {
        let summaries = ids.iter().filter_map(|&id| {
            let (path, module) = &self.files[id as usize];
            let source = sources.read(path).ok()?;
            let mut summary =
                std::panic::catch_unwind(AssertUnwindSafe(|| python::summarize(&source, module)))
                    .ok()
                    .flatten()?;
            summary.rename(name);
            Some(summary)
        });
        summaries.reduce(|mut merged, summary| {
            merged.merge(summary);
            merged
        })
    }
}

/// The Rust crate index: the functions of every crate, for calls across files.
fn build_crate_index(scanned: &mut [Scanned]) -> CrateIndex {
    let mut index = CrateIndex::default();
    for file in scanned {
        if let Scan::Rust { summary } = &mut file.scan {
            if let Some(summary) = summary.take() {
                index.insert(summary);
            }
        }
    }
    index
}

/// The module a Python file is, named from its place among packages.
fn python_module(file: &SourceFile, packages: &PackageDirectories) -> ModuleName {
    ModuleName::from_path_with(&absolute(&file.path), &|directory| {
        packages.contains(directory)
    })
}

/// Which directories of a run are packages (have an `__init__.py`): asked once per
/// directory, where naming each module would ask once per file and level.
#[derive(Default)]
struct PackageDirectories {
    known: std::sync::RwLock<rustc_hash::FxHashMap<PathBuf, bool>>,
}

impl PackageDirectories {
    fn contains(&self, directory: &Path) -> bool {
        let known = self
            .known
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&is_package) = known.get(directory) {
            return is_package;
        }
        drop(known);
        let is_package = directory.join("__init__.py").is_file();
        self.known
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(directory.to_path_buf(), is_package);
        is_package
    }
}

/// Every name a coroutine function of the project can be called by: its `async def`
/// names, asyncio's coroutine functions, and the names they are imported as
/// (`from .client import fetch as get`), followed through chains of renames.
fn python_coroutine_names(scanned: &[Scanned]) -> rustc_hash::FxHashSet<String> {
    let mut coroutines: HashSet<&str> = python::rules::ASYNCIO_COROUTINE_FUNCTIONS
        .iter()
        .filter_map(|qualified| qualified.rsplit('.').next())
        .collect();
    let mut renames: Vec<(&str, &str)> = Vec::new();
    for file in scanned {
        if let Scan::Python {
            coroutines: defined,
            imports,
            ..
        } = &file.scan
        {
            coroutines.extend(defined.all().map(String::as_str));
            renames.extend(imports.renames());
        }
    }
    loop {
        let before = coroutines.len();
        for (original, alias) in &renames {
            if coroutines.contains(original) {
                coroutines.insert(alias);
            }
        }
        if coroutines.len() == before {
            break;
        }
    }
    coroutines.into_iter().map(str::to_string).collect()
}

/// The import graph of the indexed Python modules, for files whose only possible
/// findings are calls of project coroutines; an empty graph when the prefilter is
/// off. Either way the scans' imports and `async def` names are taken from them:
/// nothing after the graph and the coroutine names needs them.
fn python_reach_graph(
    scanned: &mut [Scanned],
    coroutine_names: &Arc<rustc_hash::FxHashSet<String>>,
    blocking_classes: &[&str],
    prefilter: bool,
) -> ReachGraph {
    let method_owners = prefilter.then(|| python_method_owners(scanned, blocking_classes));
    let modules: Vec<IndexedModule> = scanned
        .iter_mut()
        .filter_map(|file| match &mut file.scan {
            Scan::Python {
                indexed_as,
                coroutines,
                plain_definitions,
                imports,
                mentions_asyncio,
                method_classes,
                ..
            } => {
                let coroutines = std::mem::take(coroutines);
                let plain_definitions = std::mem::take(plain_definitions);
                let imports = std::mem::take(imports);
                let method_classes = std::mem::take(method_classes);
                let names: &Vec<String> = indexed_as;
                (prefilter && !names.is_empty()).then(|| IndexedModule {
                    names: names.iter().map(String::as_str).collect(),
                    coroutines,
                    plain_definitions,
                    imports,
                    mentions_asyncio: *mentions_asyncio,
                    method_classes,
                })
            }
            _ => None,
        })
        .collect();
    if !prefilter {
        return ReachGraph::default();
    }
    let asyncio_names = python::rules::ASYNCIO_COROUTINE_FUNCTIONS
        .iter()
        .filter_map(|qualified| qualified.rsplit('.').next())
        .collect();
    let graph = ReachGraph::new(modules, Arc::clone(coroutine_names), asyncio_names);
    match method_owners {
        Some(owners) => graph.with_method_owners(owners),
        None => graph,
    }
}

/// The owners of the methods of the indexed modules' classes and of the classes of
/// blocking methods, from the facts their scans took (which are dropped here) and
/// the renames of every import.
fn python_method_owners(scanned: &mut [Scanned], blocking_classes: &[&str]) -> MethodOwners {
    let mut facts = Vec::new();
    let mut renames = Vec::new();
    let mut outside_leads = Vec::new();
    for file in scanned {
        if let Scan::Python {
            owners,
            imports,
            method_classes,
            ..
        } = &mut file.scan
        {
            let first_rename = renames.len();
            renames.extend((imports.renames()).map(|(original, alias)| rename(original, alias)));
            for &class in method_classes.iter() {
                let module_renames = &renames[first_rename..];
                let leads = outside_class_leads(owners, blocking_classes[class], module_renames);
                outside_leads.extend(leads);
            }
            if !owners.is_empty() {
                facts.push(std::mem::take(owners));
            }
        }
    }
    MethodOwners::new(facts, renames, outside_leads)
}

/// How the lint pass decides, from a file's bytes, not to parse it.
struct Skipping {
    prefilter: Prefilter,
    reach: ReachGraph,
}

impl Skipping {
    fn may_report(&self, place: &Place, source: &str, settings: &Settings) -> bool {
        let directives_matter = settings.is_enabled(Rule::UnusedSuppression);
        let Place::Python(module) = place else {
            let verdict = self
                .prefilter
                .verdict(Language::Rust, source, directives_matter);
            return verdict != Verdict::Skip;
        };
        match self
            .prefilter
            .verdict(Language::Python, source, directives_matter)
        {
            Verdict::Skip => false,
            Verdict::Lint => true,
            Verdict::LintIfReached(calls) => {
                let imports = self.imports(source, module);
                self.reach.may_reach_any(source, &imports, &calls)
            }
            Verdict::AsyncCode(calls) => self.async_code_may_report(source, module, &calls),
        }
    }

    /// A module's imports, with only the reaches the graph knows: the others lead
    /// nowhere.
    fn imports(&self, source: &str, module: &ModuleName) -> python::scan::Imports {
        let wanted = python::scan::Wanted {
            reach: &|target| self.reach.knows(target),
            ..python::scan::Wanted::ALL
        };
        python::scan::imports_wanted(source, module, None, wanted)
    }

    /// For Python with async words: can one of its `calls` reach a coroutine, or
    /// else, can a rule other than AL101 fire in it?
    fn async_code_may_report(&self, source: &str, module: &ModuleName, calls: &[NameCall]) -> bool {
        let mut names: Vec<&str> = calls.iter().map(|call| call.name).collect();
        names.sort_unstable();
        names.dedup();
        // A coroutine of the file itself needs no import to be called.
        if names
            .iter()
            .any(|name| python::reach::defines_coroutine(source, name))
        {
            return true;
        }
        let imports = self.imports(source, module);
        if self.reach.may_reach_any(source, &imports, calls) {
            return true;
        }
        let needs = self.prefilter.rule_words_need(source);
        if needs.parse {
            return true;
        }
        // A class reached through the graph must also be one the file can name:
        // it writes one of the class's owners.
        let mut reached: Vec<&str> = Vec::new();
        for &class in &needs.reached_classes {
            if self.in_package_of(module, class) {
                return true;
            }
            if self.reach.class_may_reach(&imports, class) {
                match self.prefilter.method_class(class) {
                    Some((_, name)) => reached.push(name),
                    None => return true,
                }
            }
        }
        // `threading.Lock` and `multiprocessing.Lock` have the same owners.
        reached.sort_unstable();
        reached.dedup();
        !reached.is_empty() && self.reach.any_class_may_resolve(source, &reached)
    }

    /// Is the module in the package of a class of blocking methods? Relative imports
    /// there qualify names the module does not write (`from . import Session` in
    /// `requests/__init__.py`).
    fn in_package_of(&self, module: &ModuleName, class: ClassId) -> bool {
        let package = self
            .prefilter
            .method_class(class)
            .map(|(package, _)| package);
        package.is_none_or(|package| top_package(&module.dotted) == package)
    }
}

/// The prefilter's rule words for every blocking-call table the run's files use.
fn python_rule_words<'a>(settings: impl Iterator<Item = &'a Arc<Settings>>) -> RuleWords {
    let mut tables: Vec<&Arc<crate::catalog::BlockingTable>> = Vec::new();
    for settings in settings {
        if !tables
            .iter()
            .any(|table| Arc::ptr_eq(table, &settings.blocking_python))
        {
            tables.push(&settings.blocking_python);
        }
    }
    RuleWords::new(tables.into_iter().map(|table| &**table))
}

/// The second pass over one file: its findings, and the read error that makes the
/// run exit with 2.
struct Linted {
    report: Option<FileReport>,
    io_error: Option<WalkError>,
}

impl Linted {
    fn is_worth_keeping(&self) -> bool {
        let has_findings = |report: &FileReport| !report.diagnostics.is_empty();
        self.io_error.is_some() || self.report.as_ref().is_some_and(has_findings)
    }
}

fn lint_file(
    to_lint: ToLint,
    index: &Indexes,
    skipping: &Skipping,
    sources: &Sources,
    keep_source: bool,
) -> Linted {
    let ToLint {
        file,
        settings,
        scanned_as,
    } = to_lint;
    let settings = &*settings;
    let (place, indexed_as, read_result) = match scanned_as {
        ScannedAs::Unreadable(unreadable) => (None, Vec::new(), Err(unreadable)),
        ScannedAs::Python { module, indexed_as } => (
            Some(Place::Python(module)),
            indexed_as,
            sources.read(&file.path),
        ),
        ScannedAs::Rust => (None, Vec::new(), sources.read(&file.path)),
    };
    let source = match read_result {
        Ok(source) => source,
        Err(unreadable) => {
            let io_error = unreadable.io_error.map(|message| WalkError {
                path: file.path.clone(),
                message,
            });
            let diagnostics = vec![unreadable.diagnostic];
            let report = located_report(file.path, unreadable.source, diagnostics, keep_source);
            return Linted {
                report: Some(report),
                io_error,
            };
        }
    };
    let place = place.unwrap_or_else(|| Place::of(&file));
    if !skipping.may_report(&place, &source, settings) {
        return Linted {
            report: None,
            io_error: None,
        };
    }
    let diagnostics = suppression::apply(file.language, &source, settings, || {
        lint_source(&place, &source, index, settings, &indexed_as)
    });
    Linted {
        report: Some(located_report(file.path, source, diagnostics, keep_source)),
        io_error: None,
    }
}

fn located_report(
    path: PathBuf,
    source: String,
    diagnostics: Vec<Diagnostic>,
    keep_source: bool,
) -> FileReport {
    if diagnostics.is_empty() {
        return FileReport {
            path,
            source: String::new(),
            diagnostics: Vec::new(),
        };
    }
    let lines = LineIndex::new(&source);
    let diagnostics = diagnostics
        .into_iter()
        .map(|diagnostic| Located::new(diagnostic, &lines, &source))
        .collect();
    FileReport {
        path,
        source: if keep_source { source } else { String::new() },
        diagnostics,
    }
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
    let root: &Path = file.root.as_deref()?;
    let relative = match file.path.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        // Paths under `.` are stored without their `./` prefix.
        Err(_) if root == Path::new(".") => file.path.clone(),
        // A named file's project root is absolute, the file as the user typed it.
        Err(_) => absolute(&file.path)
            .strip_prefix(absolute(root))
            .ok()?
            .to_path_buf(),
    };
    let relative = relative.strip_prefix("src").unwrap_or(&relative);
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
        lint_source(&place, source, &index, settings, &[])
    })
}

/// Lints one file, turning a panic in the linter into a finding for that file.
/// `indexed_as`: the names under which the Python index takes the file's summary.
fn lint_source(
    place: &Place,
    source: &str,
    index: &Indexes,
    settings: &Settings,
    indexed_as: &[String],
) -> Vec<Diagnostic> {
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| match place {
        Place::Python(module) => {
            python::lint_shared(source, module, &index.python, settings, indexed_as)
        }
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

// ---------------------------------------------------------------------------------------
// Named files: standard input, `--force-exclude`, and the rest of their project
// ---------------------------------------------------------------------------------------

/// The files to lint: the paths walked and named, or the one standard-input buffer;
/// with `--force-exclude`, named files that an exclusion matches are dropped too.
fn discover_input(
    paths: &[PathBuf],
    configuration: &Configuration,
    options: &RunOptions,
) -> Discovered {
    let mut discovered = match &options.stdin {
        Some(stdin) => Discovered {
            files: vec![SourceFile::named(stdin.name.clone())],
            errors: Vec::new(),
        },
        None => discover(paths, configuration.exclusion()),
    };
    if options.force_exclude {
        discovered
            .files
            .retain(|file| file.root.is_some() || !named_file_excluded(&file.path, configuration));
    }
    discovered
}

/// Whether an exclusion matches a named file or a directory it is in, counting only
/// the directories below the current one (a project checked out under `venv/` is
/// not excluded as a whole; ruff's `--force-exclude` reads the same way).
fn named_file_excluded(path: &Path, configuration: &Configuration) -> bool {
    let path = absolute(path);
    let below = std::env::current_dir().ok().and_then(|cwd| {
        path.strip_prefix(absolute(&cwd))
            .ok()
            .map(Path::to_path_buf)
    });
    match below {
        Some(relative) => relative
            .ancestors()
            .filter(|part| !part.as_os_str().is_empty())
            .any(|part| configuration.is_excluded(&absolute(part))),
        None => configuration.is_excluded(&path),
    }
}

/// What marks the top of a project: a repository, an asynclint configuration, or a
/// Python or Rust package manifest.
const PROJECT_MARKERS: &[&str] = &[".git", "Cargo.toml"];

/// The rest of the projects of the files named on the command line, to be indexed
/// but not reported: a run on a few files (what pre-commit does) resolves calls into
/// modules it was not given, as a run on the whole project would. Each named file's
/// project root (its nearest directory with a configuration file, a manifest or
/// `.git`) becomes its `root`, so its module names match a whole-project run. Files
/// without such a directory are linted alone, as before.
fn project_context(files: &mut [SourceFile], configuration: &Configuration) -> Vec<SourceFile> {
    let mut roots = BTreeSet::new();
    let mut root_of_directory = HashMap::new();
    for file in files.iter_mut().filter(|file| file.root.is_none()) {
        let path = absolute(&file.path);
        let Some(directory) = path.parent() else {
            continue;
        };
        let root = root_of_directory
            .entry(directory.to_path_buf())
            .or_insert_with(|| project_root(directory))
            .clone();
        if let Some(root) = root {
            file.root = Some(Arc::from(root.as_path()));
            roots.insert(root);
        }
    }
    if roots.is_empty() {
        return Vec::new();
    }
    let linted: HashSet<PathBuf> = files
        .iter()
        .map(|file| absolute(&file.path).into_owned())
        .collect();
    let roots: Vec<PathBuf> = roots.into_iter().collect();
    discover(&roots, configuration.exclusion())
        .files
        .into_iter()
        .filter(|file| !linted.contains(&file.path))
        .collect()
}

/// The nearest directory, from `directory` upwards, that marks a project.
fn project_root(directory: &Path) -> Option<PathBuf> {
    directory
        .ancestors()
        .find(|dir| {
            CONFIG_FILE_NAMES
                .iter()
                .chain(PROJECT_MARKERS)
                .any(|marker| dir.join(marker).exists())
        })
        .map(Path::to_path_buf)
}

// ----- One file at a time, for callers that keep the indexes current themselves
// ----- (the language server, whose buffers change one by one).

/// What one file contributes to the cross-module indexes: the summaries of a Python
/// module (under each name it can be imported by), or of a Rust file's functions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IndexEntry {
    /// The file defines nothing another file could resolve a call to.
    #[default]
    Nothing,
    Python(Vec<ModuleSummary>),
    Rust(FileSummary),
}

/// The index entry of one file's text. `root` is the folder the file was found under
/// (a workspace folder), which names modules in folders without `__init__.py`.
/// `None` when the text does not parse: a buffer in the middle of an edit, whose
/// last good entry is worth keeping.
pub fn index_entry(path: &Path, root: Option<&Path>, source: &str) -> Option<IndexEntry> {
    let Some(language) = Language::of(path) else {
        return Some(IndexEntry::Nothing);
    };
    let file = SourceFile {
        path: path.to_path_buf(),
        language,
        root: root.map(Arc::from),
    };
    let summarize = || match Place::of(&file) {
        Place::Python(module) if python::worth_indexing(source, path) => {
            let summary = python::summarize(source, &module)?;
            let names = python_module_names(&file, &module)
                .into_iter()
                .map(|name| {
                    let mut named = summary.clone();
                    named.rename(&name);
                    named
                })
                .collect();
            Some(IndexEntry::Python(names))
        }
        Place::Rust(location) if rust::worth_indexing(source) => {
            rust::summarize(source, &location).map(IndexEntry::Rust)
        }
        Place::Python(_) | Place::Rust(_) => Some(IndexEntry::Nothing),
    };
    std::panic::catch_unwind(AssertUnwindSafe(summarize))
        .ok()
        .flatten()
}

/// Reads every file under `roots` that a run would lint (the configuration's
/// exclusions apply) and returns the index entries of those that define something,
/// by path, in parallel. Unreadable files are left out.
pub fn index_files(roots: &[PathBuf], configuration: &Configuration) -> Vec<(PathBuf, IndexEntry)> {
    let files = discover(roots, configuration.exclusion()).files;
    worker_pool().install(|| {
        files
            .into_par_iter()
            .filter_map(|file| {
                let source = read(&file.path).ok()?;
                let path = absolute(&file.path).into_owned();
                let root = file.root.as_deref().map(absolute);
                match index_entry(&path, root.as_deref(), &source)? {
                    IndexEntry::Nothing => None,
                    entry => Some((path, entry)),
                }
            })
            .collect()
    })
}

impl Indexes {
    /// The indexes of a set of files' entries, in the order given (sort them by path
    /// for a result that does not depend on the order files were seen in).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a IndexEntry>) -> Indexes {
        let mut indexes = Indexes::default();
        for entry in entries {
            match entry {
                IndexEntry::Nothing => {}
                IndexEntry::Python(summaries) => {
                    for summary in summaries {
                        indexes.python.insert(summary.clone());
                    }
                }
                IndexEntry::Rust(summary) => indexes.rust.insert(summary.clone()),
            }
        }
        indexes
    }
}

/// Lints one file's current text (an editor buffer, which may differ from the file on
/// disk) as a file of its project: against `indexes`, with `settings`, suppression
/// comments applied, a panic turned into an AL000 finding. A path that is neither
/// Python nor Rust has no findings.
pub fn lint_buffer(
    path: &Path,
    source: &str,
    indexes: &Indexes,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let Some(language) = Language::of(path) else {
        return Vec::new();
    };
    let place = Place::of(&SourceFile {
        path: path.to_path_buf(),
        language,
        root: None,
    });
    suppression::apply(language, source, settings, || {
        lint_source(&place, source, indexes, settings, &[])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of_blocking_sleep(keep_sources: bool) -> RunReport {
        let dir = tempfile::tempdir().unwrap();
        let source = "import time\n\nasync def main():\n    time.sleep(1)\n";
        std::fs::write(dir.path().join("app.py"), source).unwrap();
        let options = RunOptions {
            keep_sources,
            ..RunOptions::default()
        };
        let configuration = Configuration::fixed(Settings::default());
        run_with_options(&[dir.path().to_path_buf()], &configuration, options)
    }

    #[test]
    fn a_report_keeps_its_files_text_only_when_told_to() {
        let kept = report_of_blocking_sleep(true);
        let dropped = report_of_blocking_sleep(false);
        assert_eq!(kept.files.len(), 1);
        assert_eq!(dropped.files.len(), 1);
        assert!(kept.files[0].source.contains("time.sleep(1)"));
        assert!(dropped.files[0].source.is_empty());
        let positions = |report: &RunReport| -> Vec<_> {
            report.files[0]
                .diagnostics
                .iter()
                .map(|located| (located.start, located.end))
                .collect()
        };
        assert_eq!(positions(&kept), positions(&dropped));
        assert!(!positions(&dropped).is_empty());
    }
}
