//! What changes the server's picture of the code: documents opened, edited, saved
//! and closed in the editor, and files, configurations and workspace folders changed
//! on disk. Handlers only record the change and mark documents stale; linting
//! follows once no message is waiting (see `linting`).

use std::path::PathBuf;

use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
};

use super::documents::Document;
use super::session::Session;
use super::uri;
use super::workspace::Workspace;

impl Session {
    pub(super) fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.documents
            .open(Document::new(document.uri, document.version, document.text));
    }

    pub(super) fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            super::log(&format!(
                "ignored a change to {}, which is not open",
                uri.as_str()
            ));
            return;
        };
        for change in params.content_changes {
            document.apply(change);
        }
        document.version = params.text_document.version;
    }

    pub(super) fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        let is_configuration =
            uri::to_path(&uri).is_some_and(|path| Workspace::is_configuration_file(&path));
        if is_configuration {
            self.configuration_changed();
        } else if let Some(document) = self.documents.get_mut(&uri) {
            document.findings = None;
        }
    }

    pub(super) fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.close(&uri) else {
            return;
        };
        self.publish(uri, None, Vec::new());
        // Other modules now see the file as it is on disk.
        if let Some(path) = document.path {
            let on_disk = std::fs::read_to_string(&path).ok();
            if self.workspace.update(&path, on_disk.as_deref()) {
                self.documents.mark_all_stale();
            }
        }
    }

    pub(super) fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| uri::to_path(&change.uri))
            .collect();
        if paths
            .iter()
            .any(|path| Workspace::is_configuration_file(path))
        {
            self.configuration_changed();
            return;
        }
        let mut index_changed = false;
        for path in paths {
            if self.is_open(&path) {
                continue; // the buffer, not the disk, is what the index holds
            }
            let on_disk = std::fs::read_to_string(&path).ok();
            index_changed |= self.workspace.update(&path, on_disk.as_deref());
        }
        if index_changed {
            self.documents.mark_all_stale();
        }
    }

    pub(super) fn did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|folder| uri::to_path(&folder.uri))
            .collect();
        let mut roots: Vec<PathBuf> = self
            .workspace
            .roots()
            .iter()
            .filter(|root| !removed.contains(root))
            .cloned()
            .collect();
        roots.extend(
            params
                .event
                .added
                .iter()
                .filter_map(|folder| uri::to_path(&folder.uri)),
        );
        self.workspace.set_roots(roots);
        self.reindex();
    }

    /// A configuration file changed: selection, exclusions and the files indexed may
    /// all differ now.
    pub(super) fn configuration_changed(&mut self) {
        self.workspace.reload_configuration();
        self.reindex();
    }

    pub(super) fn reindex(&mut self) {
        self.indexed = false;
        self.ensure_indexed();
    }

    pub(super) fn is_open(&self, path: &std::path::Path) -> bool {
        self.documents
            .iter()
            .any(|document| document.path.as_deref() == Some(path))
    }

    /// Reads the workspace folders from disk once, then puts the open buffers on top.
    pub(super) fn ensure_indexed(&mut self) {
        if self.indexed {
            return;
        }
        self.indexed = true;
        let started = std::time::Instant::now();
        let files = self.workspace.index_from_disk();
        for document in self.documents.iter_mut() {
            document.indexed = false;
        }
        self.documents.mark_all_stale();
        super::log(&format!(
            "indexed {files} files of {} workspace folders in {} ms",
            self.workspace.roots().len(),
            started.elapsed().as_millis()
        ));
    }
}
