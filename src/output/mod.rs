//! Rendering a run's findings. Each format writes to any `io::Write`; the summary line
//! is separate so the CLI can send it to stderr.

mod concise;
mod github;
mod json;
pub mod sarif;
mod text;

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use std::collections::BTreeMap;

use crate::engine::RunReport;
use crate::registry::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A human report with the source snippet and a help line.
    Text,
    /// One line per finding: `path:line:col: CODE [name] message`.
    Concise,
    /// A JSON array of findings.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning and other viewers).
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
}

impl Format {
    /// Does the report show or edit the files' text (snippets, fixes)? The others
    /// need only the positions, and a run for them drops each text once its
    /// findings are placed.
    pub fn shows_source(self) -> bool {
        matches!(self, Format::Text | Format::Json)
    }
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
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system (the path may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// Findings per rule, most frequent first: `    3  AL201  blocking-sleep` per line, or
/// a JSON array of `{code, name, count}`.
pub fn write_statistics(format: Format, report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: BTreeMap<Rule, usize> = BTreeMap::new();
    for file in &report.files {
        for located in &file.diagnostics {
            *counts.entry(located.diagnostic.rule).or_default() += 1;
        }
    }
    let mut rows: Vec<(Rule, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match format {
        Format::Json => {
            let rows: Vec<_> = rows
                .iter()
                .map(|(rule, count)| {
                    serde_json::json!({ "code": rule.code(), "name": rule.name(), "count": count })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        // The CLI refuses `--statistics` with the SARIF and GitHub formats, which have
        // no place for counts; should they reach here, they get the plain rows.
        Format::Text | Format::Concise | Format::Sarif | Format::Github => {
            for (rule, count) in rows {
                writeln!(out, "{count:>5}  {}  {}", rule.code(), rule.name())?;
            }
            Ok(())
        }
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
