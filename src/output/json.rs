use std::io::{self, Write};

use serde::Serialize;

use crate::catalog;
use crate::engine::RunReport;

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
}

pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<JsonFinding> = report
        .files
        .iter()
        .flat_map(|file| {
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
                }
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}
