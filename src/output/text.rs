//! The human report, rendered with ariadne: location, snippet, underline, help.

use std::io::{self, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

use crate::catalog::{self, Severity};
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
            let diagnostic = &located.diagnostic;
            let (kind, tint) = match catalog::severity(diagnostic.rule) {
                Severity::Error => (ReportKind::Error, Color::Red),
                Severity::Warning => (ReportKind::Warning, Color::Yellow),
            };
            let end = diagnostic
                .end
                .max(diagnostic.start + 1)
                .min(file.source.len());
            let start = diagnostic.start.min(end);
            let span = (path.clone(), start..end);
            let mut builder = Report::build(kind, span.clone())
                .with_config(config)
                .with_code(format!(
                    "{} {}",
                    diagnostic.rule.code(),
                    diagnostic.rule.name()
                ))
                .with_message(&diagnostic.message);
            if !file.source.is_empty() {
                builder = builder.with_label(
                    Label::new(span)
                        .with_message(catalog::page(diagnostic.rule).summary.as_str())
                        .with_color(tint),
                );
            } else {
                builder = builder.with_note(format!("in {path}"));
            }
            if let Some(help) = &diagnostic.help {
                builder = builder.with_help(help);
            }
            builder.finish().write(&mut cache, &mut *out)?;
        }
    }
    Ok(())
}
