//! Quick fixes for the findings under the cursor: the rule's own fix where it has one,
//! and "Ignore <CODE> on this line", which writes the suppression comment.

use std::collections::{HashMap, HashSet};

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::diagnostics;
use super::documents::Document;
use super::positions;
use crate::diagnostic::{Diagnostic, Fix};
use crate::discover::Language;
use crate::suppression;

/// Whether a client that asked only for the kinds in `only` wants quick fixes.
pub fn wants_quick_fixes(only: Option<&[CodeActionKind]>) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|kind| {
            let kind = kind.as_str();
            kind.is_empty() || CodeActionKind::QUICKFIX.as_str().starts_with(kind)
        })
    })
}

/// The quick fixes for the findings of `document` that touch `requested`.
pub fn quick_fixes(document: &Document, requested: Range) -> Vec<CodeActionOrCommand> {
    let (Some(findings), Some(path)) = (&document.findings, &document.path) else {
        return Vec::new();
    };
    let Some(language) = Language::of(path) else {
        return Vec::new();
    };
    let start = positions::offset(&document.text, &document.lines, requested.start);
    let end = positions::offset(&document.text, &document.lines, requested.end);
    let mut actions = Vec::new();
    let mut ignored = HashSet::new();
    for finding in findings
        .iter()
        .filter(|finding| finding.start <= end && start <= finding.end)
    {
        if let Some(fix) = &finding.fix {
            actions.push(action(document, finding, fix, true));
        }
        let line = document.lines.line_of(finding.start);
        if ignored.insert((finding.rule, line)) {
            let ignore =
                suppression::ignore_fix(language, &document.text, finding.start, finding.rule);
            if let Some(ignore) = ignore {
                actions.push(action(document, finding, &ignore, false));
            }
        }
    }
    actions
}

fn action(
    document: &Document,
    finding: &Diagnostic,
    fix: &Fix,
    preferred: bool,
) -> CodeActionOrCommand {
    let edits = fix
        .edits
        .iter()
        .map(|edit| TextEdit {
            range: positions::range(&document.text, &document.lines, edit.start, edit.end),
            new_text: edit.content.clone(),
        })
        .collect();
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostics::to_lsp(
            finding,
            &document.text,
            &document.lines,
        )]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(document.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}
