//! The human report, rendered with ariadne: location, snippet, underline, help.

use std::borrow::Cow;
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
        let mut cache = (
            path.clone(),
            Source::from(with_line_breaks_only(&file.source)),
        );
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

/// The text with the characters ariadne takes for line breaks but Python and Rust do
/// not (vertical tab, form feed, U+0085, U+2028, U+2029) replaced by spaces of the
/// same UTF-8 length, so ariadne's line and column agree with the other formats.
fn with_line_breaks_only(text: &str) -> Cow<'_, str> {
    let stand_in = |c: char| match c {
        '\x0B' | '\x0C' => Some(" "),
        '\u{85}' => Some("\u{A0}"),
        '\u{2028}' | '\u{2029}' => Some("\u{2002}"),
        _ => None,
    };
    if !text.chars().any(|c| stand_in(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut replaced = String::with_capacity(text.len());
    for c in text.chars() {
        match stand_in(c) {
            Some(space) => replaced.push_str(space),
            None => replaced.push(c),
        }
    }
    Cow::Owned(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_line_breaks_stay_and_byte_offsets_do_not_move() {
        let text = "a\x0Cb\x0Bc\u{85}d\u{2028}e\u{2029}f\r\ng\rh\n";
        let replaced = with_line_breaks_only(text);
        assert_eq!(replaced.len(), text.len());
        assert_eq!(replaced.chars().count(), text.chars().count());
        // ariadne now sees the lines Python and Rust see: "a…f", "g", "h".
        assert_eq!(Source::from(replaced.as_ref()).lines().count(), 3);
        assert_eq!(Source::from(text).lines().count(), 8);
        assert!(matches!(with_line_breaks_only("a\nb"), Cow::Borrowed(_)));
    }
}
