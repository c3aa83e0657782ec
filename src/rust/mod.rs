//! The Rust (tokio / futures) front end: parse with syn, summarize files for the
//! crate index, and run the rules over one file.

pub mod checker;
pub mod index;
pub mod location;
pub mod macros;
pub mod nesting;
pub mod paths;
pub mod rules;
pub mod scope;
pub mod values;

use std::str::FromStr;

use proc_macro2::{Span, TokenStream};

use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::settings::Settings;
use checker::Checker;
use index::{CrateIndex, FileSummary};
pub use location::FileLocation;

/// A parsed file, with the byte offset its spans are relative to (a leading `#!`
/// line is cut off before parsing, so spans start after it).
pub struct ParsedFile {
    pub file: syn::File,
    base: usize,
}

impl ParsedFile {
    /// The byte range `[start, end)` of a span in the original source text.
    pub fn range(&self, span: Span) -> (usize, usize) {
        offsets(self.base, span)
    }
}

fn offsets(base: usize, span: Span) -> (usize, usize) {
    let range = span.byte_range();
    (base + range.start, base + range.end)
}

/// Parses a file, or returns the AL000 diagnostic for the first error syn reports,
/// or for nesting too deep to parse.
pub fn parse(source: &str) -> Result<ParsedFile, Diagnostic> {
    let base = shebang_length(source);
    match parse_tokens(&source[base..]) {
        Ok(file) => Ok(ParsedFile { file, base }),
        Err(Unparsed::Syntax(error)) => {
            // syn gives the errors it meets at the end of the input ("unexpected end
            // of input") no location at all: they belong at the end of the file.
            let (start, end) = match error.span().byte_range().is_empty() {
                true if error.span().byte_range().start == 0 => (source.len(), source.len()),
                _ => offsets(base, error.span()),
            };
            Err(Diagnostic::new(
                Rule::SyntaxError,
                start,
                end.max(start),
                format!("syntax error: {error}"),
            )
            .with_help("fix the syntax; asynclint checks a file only once it parses as Rust"))
        }
        Err(Unparsed::TooDeep(span)) => {
            let (start, end) = offsets(base, span);
            Err(Diagnostic::new(
                Rule::SyntaxError,
                start,
                end.max(start),
                format!(
                    "nested more than {} levels deep here (groups, blocks and operator chains); asynclint does not check a file this deep",
                    nesting::MAX_NESTING
                ),
            )
            .with_help("flatten this expression or block, or exclude the file"))
        }
    }
}

/// Why a file's text is not a syntax tree.
enum Unparsed {
    Syntax(syn::Error),
    /// The token at which nesting passes [`nesting::MAX_NESTING`].
    TooDeep(Span),
}

/// What `syn::parse_str` does, with the depth checked between lexing (which does
/// not recurse) and parsing (which does).
fn parse_tokens(text: &str) -> Result<syn::File, Unparsed> {
    let tokens = TokenStream::from_str(text).map_err(|error| Unparsed::Syntax(error.into()))?;
    if let Some(span) = nesting::too_deep(&tokens) {
        return Err(Unparsed::TooDeep(span));
    }
    syn::parse2(tokens).map_err(Unparsed::Syntax)
}

/// The length of a leading `#!/usr/bin/env ...` line (not an inner attribute `#![`).
fn shebang_length(source: &str) -> usize {
    if !source.starts_with("#!") || source[2..].trim_start().starts_with('[') {
        return 0;
    }
    source.find('\n').unwrap_or(source.len())
}

/// Runs `work` and then frees the spans proc-macro2 keeps for every parsed text of
/// this thread; no span may outlive the call.
fn with_fresh_spans<T>(work: impl FnOnce() -> T) -> T {
    let result = work();
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// Spellings without which a file cannot define a future-returning function.
const FUTURE_RETURNING: &[&str] = &[
    "async fn",
    "impl Future",
    "impl std::future::Future",
    "impl core::future::Future",
    "BoxFuture",
    "dyn Future",
];

/// Cheap byte test: can this file define a future-returning function? (About half
/// the files of tokio's repository cannot, and skip the index pass.)
pub fn worth_indexing(source: &str) -> bool {
    FUTURE_RETURNING
        .iter()
        .any(|needle| memchr::memmem::find(source.as_bytes(), needle.as_bytes()).is_some())
}

/// The index summary of a file, or `None` if it does not parse.
pub fn summarize(source: &str, location: &FileLocation) -> Option<FileSummary> {
    with_fresh_spans(|| {
        let parsed = parse(source).ok()?;
        Some(FileSummary::new(location, &parsed.file))
    })
}

/// Lints one Rust file's source text against the crate index.
pub fn lint(
    source: &str,
    location: &FileLocation,
    index: &CrateIndex,
    settings: &Settings,
) -> Vec<Diagnostic> {
    with_fresh_spans(|| {
        let parsed = match parse(source) {
            Ok(parsed) => parsed,
            Err(diagnostic) => return vec![diagnostic],
        };
        let local = FileSummary::new(location, &parsed.file);
        let mut checker = Checker::new(&parsed, source, location, &local, index, settings);
        checker.check_file(&parsed.file);
        let mut diagnostics = checker.into_diagnostics();
        diagnostics.sort_by_key(|d| (d.start, d.rule));
        diagnostics.dedup_by(|a, b| a.start == b.start && a.rule == b.rule);
        diagnostics
    })
}
