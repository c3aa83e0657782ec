//! GitHub Actions workflow commands: one `::error` or `::warning` line per finding,
//! which the runner turns into an annotation on the file and line of a pull request.
//!
//! `::error file=app.py,line=7,col=5,endLine=7,endColumn=18,title=AL201 blocking-sleep::…`
//!
//! Paths are relative to the repository root, `GITHUB_WORKSPACE` (the current
//! directory when that is not set), with forward slashes, as the runner needs to place
//! them on the diff even when asynclint runs in a subdirectory. Lines and columns are
//! 1-based, columns count characters and `endColumn` is the column after the
//! finding's last character, as in SARIF.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::catalog::{self, Severity};
use crate::engine::RunReport;

pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let cwd = std::env::current_dir().and_then(std::path::absolute)?;
    let workspace = std::env::var_os("GITHUB_WORKSPACE")
        .map(PathBuf::from)
        .filter(|workspace| workspace.is_absolute())
        .unwrap_or_else(|| cwd.clone());
    let repository_path = |path: &Path| repository_path(path, &cwd, &workspace);
    for file in &report.files {
        let path = repository_path(&file.path);
        for located in &file.diagnostics {
            let diagnostic = &located.diagnostic;
            let command = match catalog::severity(diagnostic.rule) {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let title = format!("{} {}", diagnostic.rule.code(), diagnostic.rule.name());
            let message = match &diagnostic.help {
                Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
                None => diagnostic.message.clone(),
            };
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&path),
                located.start.line,
                located.start.column,
                located.end.line,
                located.end.column,
                escape_property(&title),
                escape_data(&message)
            )?;
        }
    }
    // Unreadable paths and broken configuration are annotations too, so they show on
    // the pull request and not only in the job's log.
    for error in &report.io_errors {
        writeln!(
            out,
            "::error file={},title=asynclint::{}",
            escape_property(&repository_path(&error.path)),
            escape_data(&error.message)
        )?;
    }
    for error in &report.config_errors {
        writeln!(
            out,
            "::error title=asynclint configuration::{}",
            escape_data(&error.to_string())
        )?;
    }
    Ok(())
}

/// `path` (relative to `cwd`) relative to `workspace` with `/` separators, or
/// absolute when it is outside.
fn repository_path(path: &Path, cwd: &Path, workspace: &Path) -> String {
    let absolute = super::normalize(&cwd.join(path));
    match absolute.strip_prefix(workspace) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => absolute.display().to_string(),
    }
}

/// The message after `::`: `%`, CR and LF are encoded so a multi-line message stays
/// one command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`): also `:` and `,`, which end a value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("50% done\r\nnext: a, b"),
            "50%25 done%0D%0Anext: a, b"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn paths_are_relative_with_forward_slashes() {
        let cwd = Path::new("/work/repo");
        let path = |path: &str| repository_path(Path::new(path), cwd, cwd);
        assert_eq!(path("./pkg/./app.py"), "pkg/app.py");
        assert_eq!(path("/work/repo/a.py"), "a.py");
        assert_eq!(path("../x.py"), "/work/x.py");
    }

    #[test]
    fn paths_in_a_subdirectory_are_relative_to_the_workspace() {
        let cwd = Path::new("/work/repo/service");
        let workspace = Path::new("/work/repo");
        let path = |path: &str| repository_path(Path::new(path), cwd, workspace);
        assert_eq!(path("app.py"), "service/app.py");
        assert_eq!(path("../lib/x.py"), "lib/x.py");
    }
}
