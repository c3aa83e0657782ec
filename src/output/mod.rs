//! Rendering a run's findings. Each format writes to any `io::Write`; the summary line
//! is separate so the CLI can send it to stderr.

mod concise;
mod json;
mod text;

use std::io::{self, Write};

use crate::engine::RunReport;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A human report with the source snippet and a help line.
    Text,
    /// One line per finding: `path:line:col: CODE [name] message`.
    Concise,
    /// A JSON array of findings.
    Json,
}

pub fn write(
    format: Format,
    report: &RunReport,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, color, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
    }
}

/// `Found 3 problems in 2 files (40 files scanned)`.
pub fn summary(report: &RunReport) -> String {
    let problems = report.finding_count();
    let files = report.files.len();
    format!(
        "Found {problems} {} in {files} {} ({} {} scanned)",
        plural(problems, "problem", "problems"),
        plural(files, "file", "files"),
        report.files_scanned,
        plural(report.files_scanned, "file", "files"),
    )
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
