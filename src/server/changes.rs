//! What changes the server's picture of the code: documents opened, edited, saved
//! and closed in the editor, and files, configurations and workspace folders changed
//! on disk. Handlers only record the change and mark documents stale; linting
//! follows once no message is waiting (see `linting`).

use std::io::Read;
use std::path::{Path, PathBuf};

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
            let on_disk = read_on_disk(&path);
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
            let on_disk = read_on_disk(&path);
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

/// The text of a file the client named, as it is on disk: `None` when it is gone, is
/// not UTF-8, or is not a regular file. A client may name any path, and reading a
/// pipe would block the server (its `open` waits for a writer) and reading a device
/// such as `/dev/zero` would never end. At most the size the file has is read, so a
/// pseudo-file of size 0 (`/proc/kmsg`) is not read from either.
fn read_on_disk(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(metadata.len())
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}
