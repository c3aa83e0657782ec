//! The human report, rendered with ariadne: location, snippet, underline, help.

use std::io::{self, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

use crate::catalog::{self, Severity};
use crate::diagnostic::Located;
use crate::engine::RunReport;

pub fn write(report: &RunReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(color);
    for file in &report.files {
        let path = file.path.display().to_string();
        // One source cache per file: ariadne splits the text into lines once.
        let mut cache = (path.clone(), Source::from(file.source.as_str()));
        for located in &file.diagnostics {
            if file.source.is_empty() {
                write_without_source(&path, located, out)?;
                continue;
            }
            let diagnostic = &located.diagnostic;
            let (kind, tint) = match catalog::severity(diagnostic.rule) {
                Severity::Error => (ReportKind::Error, Color::Red),
                Severity::Warning => (ReportKind::Warning, Color::Yellow),
            };
            let span = (
                path.clone(),
                char_span(&file.source, diagnostic.start, diagnostic.end),
            );
            let mut builder = Report::build(kind, span.clone())
                .with_config(config)
                .with_code(format!(
                    "{} {}",
                    diagnostic.rule.code(),
                    diagnostic.rule.name()
                ))
                .with_message(&diagnostic.message)
                .with_label(
                    Label::new(span)
                        .with_message(catalog::page(diagnostic.rule).summary.as_str())
                        .with_color(tint),
                );
            if let Some(help) = &diagnostic.help {
                builder = builder.with_help(help);
            }
            builder.finish().write(&mut cache, &mut *out)?;
        }
    }
    Ok(())
}

/// A finding in a file whose text cannot be shown (unreadable or binary): ariadne
/// needs a snippet to anchor notes to, so this one is written plainly.
fn write_without_source(path: &str, located: &Located, out: &mut dyn Write) -> io::Result<()> {
    let diagnostic = &located.diagnostic;
    writeln!(
        out,
        "[{} {}] {}: {}",
        diagnostic.rule.code(),
        diagnostic.rule.name(),
        match catalog::severity(diagnostic.rule) {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        },
        diagnostic.message
    )?;
    writeln!(out, "    ╭─[ {path} ]")?;
    if let Some(help) = &diagnostic.help {
        writeln!(out, "    │ Help: {help}")?;
    }
    writeln!(out, "────╯")
}

/// A byte span on character boundaries, at least one character wide where the text
/// allows, as ariadne requires.
fn char_span(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(start);
    let mut end = floor(end).max(start);
    if end == start {
        end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    start..end
}
