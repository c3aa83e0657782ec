//! Findings as LSP diagnostics: UTF-16 ranges, the rule's default severity, its code,
//! `source: "asynclint"`, and the help line after the message.

use lsp_types::{DiagnosticSeverity, DiagnosticTag, NumberOrString};

use super::positions;
use crate::catalog::{self, Severity};
use crate::config::ConfigError;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::source::LineIndex;

pub const SOURCE: &str = "asynclint";

pub fn to_lsp(diagnostic: &Diagnostic, text: &str, lines: &LineIndex) -> lsp_types::Diagnostic {
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    lsp_types::Diagnostic {
        range: positions::range(text, lines, diagnostic.start, diagnostic.end),
        severity: Some(severity(diagnostic.rule)),
        code: Some(NumberOrString::String(diagnostic.rule.code().to_string())),
        source: Some(SOURCE.to_string()),
        message,
        tags: tags(diagnostic.rule),
        ..lsp_types::Diagnostic::default()
    }
}

fn severity(rule: Rule) -> DiagnosticSeverity {
    match catalog::severity(rule) {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    }
}

/// Editors fade unnecessary code and strike deprecated code through.
fn tags(rule: Rule) -> Option<Vec<DiagnosticTag>> {
    match rule {
        Rule::UnusedSuppression => Some(vec![DiagnosticTag::UNNECESSARY]),
        Rule::DeprecatedLoopApi => Some(vec![DiagnosticTag::DEPRECATED]),
        _ => None,
    }
}

/// A broken configuration file stops linting of the files it governs (as it stops a
/// `check` run): one error at the top of the document says why.
pub fn configuration_error(error: &ConfigError) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message: format!(
            "asynclint configuration error: {error}\nhelp: nothing in this file is linted until the configuration is fixed"
        ),
        ..lsp_types::Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_carry_code_source_severity_and_utf16_range() {
        let text = "s = 'é🎉'; time.sleep(1)\n";
        let lines = LineIndex::new(text);
        let start = text.find("time").unwrap();
        let finding = Diagnostic::new(Rule::BlockingSleep, start, start + 13, "blocks")
            .with_help("use asyncio.sleep");
        let lsp = to_lsp(&finding, text, &lines);
        // `s = 'é🎉'; ` is 10 characters but 11 UTF-16 units.
        assert_eq!(lsp.range.start, lsp_types::Position::new(0, 11));
        assert_eq!(lsp.range.end, lsp_types::Position::new(0, 24));
        assert_eq!(lsp.code, Some(NumberOrString::String("AL201".into())));
        assert_eq!(lsp.source.as_deref(), Some("asynclint"));
        assert_eq!(lsp.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(lsp.message, "blocks\nhelp: use asyncio.sleep");
        let warning = Diagnostic::new(Rule::UnboundedGather, 0, 1, "many");
        assert_eq!(
            to_lsp(&warning, text, &lines).severity,
            Some(DiagnosticSeverity::WARNING)
        );
    }
}
