//! The Python (asyncio) front end: parse with ruff's parser, summarize modules for the
//! project index, and run the rules over one module.

pub mod bindings;
pub mod checker;
pub mod helpers;
pub mod index;
pub mod method_owners;
pub mod names;
pub mod nesting;
pub mod outline;
pub mod reach;
pub mod rule_words;
pub mod rules;
pub mod scan;
pub mod semantic;

use ruff_python_ast::{ModModule, PySourceType, Stmt};
use ruff_python_parser::Parsed;
use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::settings::Settings;
use checker::Checker;
use index::{ModuleSummary, Modules, ProjectIndex};
use semantic::Semantic;

/// Where a module sits in its project: `shop.client`, and whether it is a package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleName {
    pub dotted: String,
    pub is_package: bool,
}

impl ModuleName {
    pub fn new(dotted: &str, is_package: bool) -> Self {
        ModuleName {
            dotted: dotted.to_string(),
            is_package,
        }
    }

    pub fn from_path(path: &std::path::Path) -> Self {
        let (dotted, is_package) = index::module_name(path);
        ModuleName { dotted, is_package }
    }

    /// [`Self::from_path`], with `is_package_directory` saying whether a directory
    /// has an `__init__.py`.
    pub fn from_path_with(
        path: &std::path::Path,
        is_package_directory: &dyn Fn(&std::path::Path) -> bool,
    ) -> Self {
        let (dotted, is_package) = index::module_name_with(path, is_package_directory);
        ModuleName { dotted, is_package }
    }
}

/// Parses a module, or returns the AL000 diagnostic for its first syntax error, or
/// for nesting too deep to check.
pub fn parse(source: &str) -> Result<Parsed<ModModule>, Diagnostic> {
    // ruff's parser grows its own stack, so any nesting parses; what comes after
    // (the checker's walk, dropping the tree) would not survive a deep enough tree.
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    if let Some(range) = nesting::too_deep(parsed.tokens()) {
        nesting::dispose(parsed);
        return Err(too_deep(range));
    }
    match parsed.errors().first() {
        None => Ok(parsed),
        Some(error) => {
            let range = error.location;
            Err(Diagnostic::new(
                Rule::SyntaxError,
                range.start().into(),
                range.end().into(),
                format!("syntax error: {}", error.error),
            )
            .with_help("fix the syntax; asynclint checks a file only once Python can parse it"))
        }
    }
}

fn too_deep(range: TextRange) -> Diagnostic {
    Diagnostic::new(
        Rule::SyntaxError,
        range.start().into(),
        range.end().into(),
        format!(
            "nested more than {} levels deep here (brackets, blocks and operator chains); asynclint does not check a file this deep (CPython stops at 200 nested brackets and 100 indentation levels)",
            nesting::MAX_NESTING
        ),
    )
    .with_help("flatten this expression or block (Python accepts a few hundred levels), or exclude the file")
}

/// The index summary of a module's source, or `None` if it does not parse.
pub fn summarize(source: &str, module: &ModuleName) -> Option<ModuleSummary> {
    let parsed = parse(source).ok()?;
    Some(ModuleSummary::new(
        &module.dotted,
        module.is_package,
        &parsed.syntax().body,
    ))
}

/// Lints one module's source text against the project index.
pub fn lint(
    source: &str,
    module: &ModuleName,
    index: &ProjectIndex,
    settings: &Settings,
) -> Vec<Diagnostic> {
    lint_shared(source, module, index, settings, &[])
}

/// [`lint`] a module that the index registers, under `indexed_as`, with a loader of
/// the same file: the index is handed the summary made here, and need not parse the
/// file again when a lookup first reaches it.
pub fn lint_shared(
    source: &str,
    module: &ModuleName,
    index: &ProjectIndex,
    settings: &Settings,
    indexed_as: &[String],
) -> Vec<Diagnostic> {
    let parsed = match parse(source) {
        Ok(parsed) => parsed,
        Err(diagnostic) => return vec![diagnostic],
    };
    let body = &parsed.syntax().body;
    let summary = match indexed_as {
        [] => ModuleSummary::for_lint(&module.dotted, module.is_package, body),
        names => {
            let summary = ModuleSummary::new(&module.dotted, module.is_package, body);
            for name in names {
                index.share(name, &summary);
            }
            summary
        }
    };
    lint_module(source, &summary, body, index, settings)
}

fn lint_module(
    source: &str,
    summary: &ModuleSummary,
    body: &[Stmt],
    index: &ProjectIndex,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let modules = Modules {
        local: summary,
        index,
    };
    let semantic = Semantic::new(modules, body);
    let mut checker = Checker::new(semantic, source, settings);
    checker.check_module(body);
    let mut diagnostics = checker.into_diagnostics();
    diagnostics.sort_by_key(|d| (d.start, d.rule));
    diagnostics.dedup_by(|a, b| a.start == b.start && a.rule == b.rule);
    diagnostics
}

/// Cheap byte test: can this module contribute to the index? Only modules that
/// define coroutines (`async def`) or re-export names (`__init__.py`) can make a
/// call elsewhere resolve to a coroutine.
pub fn worth_indexing(source: &str, path: &std::path::Path) -> bool {
    memchr::memmem::find(source.as_bytes(), b"async def").is_some()
        || path.file_name().is_some_and(|name| name == "__init__.py")
}
