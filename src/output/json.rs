use std::io::{self, Write};

use serde::Serialize;

use crate::catalog;
use crate::diagnostic::Fix;
use crate::engine::RunReport;
use crate::source::LineIndex;

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
    /// The rewrite that resolves the finding, or `null`.
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// Replace the text from `line:column` up to (not including) `end_line:end_column`
/// with `content`; positions are 1-based, columns count characters, as for findings.
#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    content: &'a str,
}

pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<JsonFinding> = report
        .files
        .iter()
        .flat_map(|file| {
            let lines = LineIndex::new(&file.source);
            file.diagnostics.iter().map(move |located| {
                let diagnostic = &located.diagnostic;
                JsonFinding {
                    code: diagnostic.rule.code(),
                    name: diagnostic.rule.name(),
                    severity: catalog::severity(diagnostic.rule).as_str(),
                    message: &diagnostic.message,
                    path: file.path.display().to_string(),
                    line: located.start.line,
                    column: located.start.column,
                    end_line: located.end.line,
                    end_column: located.end.column,
                    help: diagnostic.help.as_deref(),
                    fix: diagnostic
                        .fix
                        .as_ref()
                        .map(|fix| json_fix(fix, &lines, &file.source)),
                }
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

fn json_fix<'a>(fix: &'a Fix, lines: &LineIndex, source: &str) -> JsonFix<'a> {
    let edits = fix
        .edits
        .iter()
        .map(|edit| {
            let start = lines.position(source, edit.start);
            let end = lines.position(source, edit.end);
            JsonEdit {
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                content: &edit.content,
            }
        })
        .collect();
    JsonFix {
        title: &fix.title,
        edits,
    }
}
