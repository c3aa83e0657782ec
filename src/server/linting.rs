//! Linting open documents: the stale ones once no message is waiting, one on demand
//! for a request that needs its findings, with the workspace index brought up to
//! date with the buffers first.

use lsp_types::{CodeActionParams, Uri};

use super::code_actions;
use super::diagnostics;
use super::session::Session;
use super::workspace::Linted;

impl Session {
    /// Lints every stale document and publishes its diagnostics. Returns whether
    /// there was anything to do.
    pub(super) fn lint_stale(&mut self) -> bool {
        if self.documents.stale().is_empty() {
            return false;
        }
        self.ensure_indexed();
        self.refresh_index();
        for uri in self.documents.stale() {
            self.lint(&uri);
        }
        true
    }

    /// Puts the current text of every changed buffer into the index; if that changed
    /// what other modules can resolve, every document is linted again.
    pub(super) fn refresh_index(&mut self) {
        let mut changed = false;
        for document in self.documents.iter_mut() {
            if document.indexed {
                continue;
            }
            document.indexed = true;
            if let Some(path) = &document.path {
                changed |= self.workspace.update(path, Some(&document.text));
            }
        }
        if changed {
            self.documents.mark_all_stale();
        }
    }

    /// Lints one open document and publishes its diagnostics.
    pub(super) fn lint(&mut self, uri: &Uri) {
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        let (findings, published) = match &document.path {
            None => (Vec::new(), Vec::new()),
            Some(path) => match self.workspace.lint(path, &document.text) {
                Linted::Findings(findings) => {
                    let published = findings
                        .iter()
                        .map(|finding| {
                            diagnostics::to_lsp(finding, &document.text, &document.lines)
                        })
                        .collect();
                    (findings, published)
                }
                Linted::Excluded => (Vec::new(), Vec::new()),
                Linted::ConfigurationError(error) => {
                    (Vec::new(), vec![diagnostics::configuration_error(&error)])
                }
            },
        };
        document.findings = Some(findings);
        let version = Some(document.version);
        self.publish(uri.clone(), version, published);
    }

    pub(super) fn code_actions(
        &mut self,
        params: &CodeActionParams,
    ) -> Vec<lsp_types::CodeActionOrCommand> {
        let only = params.context.only.as_deref();
        if !code_actions::wants_quick_fixes(only) {
            return Vec::new();
        }
        let uri = &params.text_document.uri;
        let stale = self
            .documents
            .get(uri)
            .is_some_and(|document| document.findings.is_none());
        if stale {
            self.ensure_indexed();
            self.refresh_index();
            self.lint(uri);
        }
        match self.documents.get(uri) {
            Some(document) => code_actions::quick_fixes(document, params.range),
            None => Vec::new(),
        }
    }
}
