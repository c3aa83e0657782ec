//! SARIF 2.1.0, the format of GitHub code scanning and other result viewers: one run
//! whose driver lists every rule with its documentation, one result per finding.
//!
//! - Paths are URIs relative to the current directory, with the `%SRCROOT%` base
//!   (defined in `originalUriBaseIds`), forward slashes and percent-encoding; a file
//!   outside the current directory gets an absolute `file://` URI.
//! - Lines and columns are 1-based; columns count Unicode code points, as in every
//!   other format (`columnKind: unicodeCodePoints`). `endColumn` is the column just
//!   after the last character of the finding, as SARIF defines it.
//! - Paths that could not be read and configuration errors are tool notifications,
//!   and make `executionSuccessful` false.

use std::io::{self, Write};
use std::path::{Component, Path};

use serde_json::{json, Value};

use crate::catalog::{self, RulePage, Severity};
use crate::diagnostic::Located;
use crate::engine::RunReport;
use crate::registry::Rule;

/// The schema the log declares: the OASIS SARIF 2.1.0 schema (with its errata).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base the relative artifact URIs are resolved against: the directory asynclint
/// ran in, which is the repository root in CI.
const SOURCE_ROOT: &str = "%SRCROOT%";

pub fn write(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let cwd = std::env::current_dir().and_then(std::path::absolute)?;
    serde_json::to_writer_pretty(&mut *out, &log(report, &cwd))?;
    writeln!(out)
}

/// The whole SARIF log of a run, with URIs relative to `cwd`.
pub fn log(report: &RunReport, cwd: &Path) -> Value {
    let results: Vec<Value> = report
        .files
        .iter()
        .flat_map(|file| {
            file.diagnostics
                .iter()
                .map(move |located| result(located, &file.path, cwd))
        })
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver() },
            "originalUriBaseIds": {
                SOURCE_ROOT: { "uri": directory_uri(cwd) }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation(report, cwd)],
            "results": results,
        }]
    })
}

/// asynclint itself and every rule it has, so a viewer can show a rule's
/// documentation even for rules without results.
fn driver() -> Value {
    let mut driver = json!({
        "name": "asynclint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": Rule::ALL.iter().map(|rule| rule_descriptor(catalog::page(*rule))).collect::<Vec<_>>(),
    });
    // Only a real address belongs here: Cargo.toml's `repository`, when it has one.
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver["informationUri"] = json!(repository);
    }
    driver
}

fn rule_descriptor(page: &RulePage) -> Value {
    json!({
        "id": page.code,
        "name": page.name,
        "shortDescription": { "text": page.summary },
        "fullDescription": { "text": page.why.trim() },
        "help": {
            "text": rule_help(page, HelpStyle::Text),
            "markdown": rule_help(page, HelpStyle::Markdown),
        },
        "defaultConfiguration": { "level": level(page.severity) },
        "properties": { "tags": page.languages },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum HelpStyle {
    Text,
    Markdown,
}

/// A rule's page (`asynclint rule CODE`) as help: what, why, how to fix, known
/// problems and the examples.
fn rule_help(page: &RulePage, style: HelpStyle) -> String {
    let heading = |title: &str| match style {
        HelpStyle::Text => format!("{title}\n"),
        HelpStyle::Markdown => format!("## {title}\n\n"),
    };
    let code = |language: &str, text: &str| match style {
        HelpStyle::Text => text
            .trim_end()
            .lines()
            .map(|line| match line.is_empty() {
                true => "\n".to_string(),
                false => format!("    {line}\n"),
            })
            .collect::<String>(),
        HelpStyle::Markdown => format!("```{language}\n{}\n```\n", text.trim_end()),
    };
    let mut help = format!("{}\n\n", page.summary);
    for (title, body) in [
        ("Why this matters", &page.why),
        ("How to fix", &page.fix),
        ("Known problems", &page.known_problems),
    ] {
        help.push_str(&heading(title));
        help.push_str(body.trim());
        help.push_str("\n\n");
    }
    for example in &page.example {
        help.push_str(&heading(&format!("Example ({})", example.language)));
        help.push_str("Flagged:\n\n");
        help.push_str(&code(&example.language, &example.bad));
        help.push_str("\nInstead:\n\n");
        help.push_str(&code(&example.language, &example.good));
        help.push('\n');
    }
    help.trim_end().to_string()
}

fn result(located: &Located, path: &Path, cwd: &Path) -> Value {
    let diagnostic = &located.diagnostic;
    let rule_index = Rule::ALL
        .iter()
        .position(|rule| *rule == diagnostic.rule)
        .expect("every rule is in Rule::ALL");
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    json!({
        "ruleId": diagnostic.rule.code(),
        "ruleIndex": rule_index,
        "level": level(catalog::severity(diagnostic.rule)),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(path, cwd),
                "region": {
                    "startLine": located.start.line,
                    "startColumn": located.start.column,
                    "endLine": located.end.line,
                    "endColumn": located.end.column,
                }
            }
        }]
    })
}

/// Whether the analysis ran to the end, and what kept it from reading some paths or
/// from using its configuration.
fn invocation(report: &RunReport, cwd: &Path) -> Value {
    let unread: Vec<Value> = report
        .io_errors
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", error.path.display(), error.message) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": artifact_location(&error.path, cwd) }
                }]
            })
        })
        .collect();
    let configuration: Vec<Value> = report
        .config_errors
        .iter()
        .map(|error| json!({ "level": "error", "message": { "text": error.to_string() } }))
        .collect();
    json!({
        "executionSuccessful": unread.is_empty() && configuration.is_empty(),
        "toolExecutionNotifications": unread,
        "toolConfigurationNotifications": configuration,
    })
}

/// A path relative to `cwd` against `%SRCROOT%`, or an absolute `file://` URI for a
/// path outside it.
fn artifact_location(path: &Path, cwd: &Path) -> Value {
    let absolute = super::normalize(&cwd.join(path));
    match absolute.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => json!({
            "uri": relative_uri(relative),
            "uriBaseId": SOURCE_ROOT,
        }),
        _ => json!({ "uri": file_uri(&absolute) }),
    }
}

fn relative_uri(path: &Path) -> String {
    path.components()
        .map(|component| percent_encode(&component.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/")
}

fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for component in path.components() {
        match component {
            // `C:` stays as it is in `file:///C:/...`.
            Component::Prefix(prefix) => {
                uri.push('/');
                uri.push_str(&prefix.as_os_str().to_string_lossy());
            }
            Component::RootDir => {}
            other => {
                uri.push('/');
                uri.push_str(&percent_encode(&other.as_os_str().to_string_lossy()));
            }
        }
    }
    if uri == "file://" {
        uri.push('/');
    }
    uri
}

/// The URI of a directory, with the trailing `/` that makes it a base for relative
/// references.
fn directory_uri(directory: &Path) -> String {
    let mut uri = file_uri(directory);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes everything in one path segment but the unreserved characters of
/// RFC 3986, so spaces, `#`, `%`, `:` and non-ASCII names stay one valid segment.
fn percent_encode(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_become_encoded_uris_under_the_source_root() {
        let cwd = Path::new("/work/repo");
        let location = artifact_location(Path::new("./src/my app/ü#1.py"), cwd);
        assert_eq!(location["uri"], "src/my%20app/%C3%BC%231.py");
        assert_eq!(location["uriBaseId"], SOURCE_ROOT);
    }

    #[test]
    fn paths_outside_the_current_directory_become_file_uris() {
        let cwd = Path::new("/work/repo");
        let location = artifact_location(Path::new("../other/a.py"), cwd);
        assert_eq!(location["uri"], "file:///work/other/a.py");
        assert!(location.get("uriBaseId").is_none());
        let absolute = artifact_location(Path::new("/work/repo/pkg/b.py"), cwd);
        assert_eq!(absolute["uri"], "pkg/b.py");
    }

    #[test]
    fn the_source_root_is_a_directory_uri() {
        assert_eq!(directory_uri(Path::new("/work/repo")), "file:///work/repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn help_has_every_section_and_example_in_both_styles() {
        let page = catalog::page(Rule::BlockingSleep);
        let markdown = rule_help(page, HelpStyle::Markdown);
        assert!(markdown.starts_with(&page.summary));
        assert!(markdown.contains("## How to fix\n\n"));
        assert!(markdown.contains("```python\nimport time\n"));
        assert!(markdown.contains("```rust\n"));
        let text = rule_help(page, HelpStyle::Text);
        assert!(text.contains("Known problems\n"));
        assert!(text.contains("    import time\n"));
        assert!(!text.contains("```"));
    }
}
