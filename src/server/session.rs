//! The main loop: the LSP lifecycle (`initialize`, then requests and notifications,
//! then `shutdown` and `exit`), document changes, and linting.
//!
//! Changes only mark documents stale; stale documents are linted and their
//! diagnostics published once no message is waiting, so a burst of keystrokes costs
//! one lint. A request that needs findings (a code action) lints first.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, InitializeParams, InitializeResult, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};

use super::code_actions;
use super::diagnostics;
use super::documents::{Document, Documents};
use super::transport::Incoming;
use super::uri;
use super::workspace::{Linted, Workspace};

/// Exit statuses the protocol asks for: 0 after `shutdown`, 1 without it.
const EXIT_AFTER_SHUTDOWN: u8 = 0;
const EXIT_WITHOUT_SHUTDOWN: u8 = 1;

/// Files whose changes on disk matter: sources for the index, configurations.
const WATCHED_GLOBS: &[&str] = &[
    "**/*.py",
    "**/*.pyi",
    "**/*.rs",
    "**/pyproject.toml",
    "**/asynclint.toml",
    "**/.asynclint.toml",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Waiting for `initialize`.
    Uninitialized,
    Running,
    /// `shutdown` was answered: only `exit` is left to do.
    ShuttingDown,
}

struct Session {
    outgoing: Sender<Message>,
    state: State,
    documents: Documents,
    workspace: Workspace,
    /// Whether the workspace folders were read from disk yet.
    indexed: bool,
    /// The client can be asked to report changes to files on disk.
    can_watch_files: bool,
    next_request_id: i32,
}

/// Serves one client until `exit` (or the end of its input); returns the exit status.
pub fn serve(incoming: Receiver<Incoming>, outgoing: Sender<Message>) -> u8 {
    let mut session = Session {
        outgoing,
        state: State::Uninitialized,
        documents: Documents::default(),
        workspace: Workspace::new(Vec::new()),
        indexed: false,
        can_watch_files: false,
        next_request_id: 0,
    };
    loop {
        match session.next_event(&incoming) {
            Incoming::Message(Message::Notification(notification))
                if notification.method == "exit" =>
            {
                return session.exit_status();
            }
            Incoming::Closed => {
                if session.state != State::ShuttingDown {
                    super::log("the client closed the connection without `shutdown` and `exit`");
                }
                return session.exit_status();
            }
            Incoming::Message(message) => session.handle_guarded(message),
            Incoming::Malformed { id, error } => session.malformed(id, &error),
        }
    }
}

impl Session {
    fn exit_status(&self) -> u8 {
        match self.state {
            State::ShuttingDown => EXIT_AFTER_SHUTDOWN,
            State::Uninitialized | State::Running => EXIT_WITHOUT_SHUTDOWN,
        }
    }

    /// The next message; while none is waiting, the stale documents are linted.
    fn next_event(&mut self, incoming: &Receiver<Incoming>) -> Incoming {
        loop {
            match incoming.try_recv() {
                Ok(event) => return event,
                Err(TryRecvError::Disconnected) => return Incoming::Closed,
                Err(TryRecvError::Empty) => {
                    if !self.lint_stale() {
                        return incoming.recv().unwrap_or(Incoming::Closed);
                    }
                }
            }
        }
    }

    /// Handles one message; a panic is logged (and answered, for a request) instead
    /// of ending the server.
    fn handle_guarded(&mut self, message: Message) {
        let request_id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| self.handle(message)));
        if let Err(payload) = outcome {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            super::log(&format!("internal error: {reason}"));
            if let Some(id) = request_id {
                self.reply_error(
                    id,
                    ErrorCode::InternalError,
                    format!("internal error: {reason}"),
                );
            }
        }
    }

    fn handle(&mut self, message: Message) {
        match (self.state, message) {
            (_, Message::Response(response)) => {
                if let Err(error) = response.response_result {
                    super::log(&format!(
                        "the client refused request {}: {}",
                        response.id, error.message
                    ));
                }
            }
            (State::Uninitialized, Message::Request(request)) if request.method == "initialize" => {
                self.initialize(request)
            }
            (State::Uninitialized, Message::Request(request)) => self.reply_error(
                request.id,
                ErrorCode::ServerNotInitialized,
                format!("`{}` before `initialize`", request.method),
            ),
            (State::Uninitialized, Message::Notification(_)) => {}
            (State::Running, Message::Request(request)) => self.request(request),
            (State::Running, Message::Notification(notification)) => {
                self.notification(notification)
            }
            (State::ShuttingDown, Message::Request(request)) => self.reply_error(
                request.id,
                ErrorCode::InvalidRequest,
                format!(
                    "`{}` after `shutdown`: only `exit` is accepted now",
                    request.method
                ),
            ),
            (State::ShuttingDown, Message::Notification(_)) => {}
        }
    }

    fn malformed(&mut self, id: Option<RequestId>, error: &str) {
        super::log(&format!("ignored a malformed message: {error}"));
        if let Some(id) = id {
            self.reply_error(id, ErrorCode::InvalidRequest, error.to_string());
        }
    }

    // ----- lifecycle -----

    fn initialize(&mut self, request: Request) {
        let id = request.id.clone();
        let params = match request.extract::<InitializeParams>("initialize") {
            Ok((_, params)) => params,
            Err(error) => {
                let message = format!("invalid `initialize` parameters: {error}");
                super::log(&message);
                return self.reply_error(id, ErrorCode::InvalidParams, message);
            }
        };
        self.workspace.set_roots(workspace_roots(&params));
        self.can_watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        let result = InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "asynclint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        self.state = State::Running;
        self.send(Response::new_ok(id, result));
    }

    fn request(&mut self, request: Request) {
        match request.method.as_str() {
            "shutdown" => {
                self.state = State::ShuttingDown;
                self.send(Response::new_ok(request.id, ()));
            }
            CodeActionRequest::METHOD => {
                let id = request.id.clone();
                match request.extract::<CodeActionParams>(CodeActionRequest::METHOD) {
                    Ok((_, params)) => {
                        let actions = self.code_actions(&params);
                        self.send(Response::new_ok(id, actions));
                    }
                    Err(error) => self.reply_error(
                        id,
                        ErrorCode::InvalidParams,
                        format!("invalid code action parameters: {error}"),
                    ),
                }
            }
            method => {
                let message = format!("asynclint does not handle `{method}`");
                self.reply_error(request.id, ErrorCode::MethodNotFound, message);
            }
        }
    }

    fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let handled = match method.as_str() {
            "initialized" => {
                self.ensure_indexed();
                self.watch_files();
                Ok(())
            }
            DidOpenTextDocument::METHOD => notification
                .extract::<DidOpenTextDocumentParams>(&method)
                .map(|params| self.did_open(params)),
            DidChangeTextDocument::METHOD => notification
                .extract::<DidChangeTextDocumentParams>(&method)
                .map(|params| self.did_change(params)),
            DidSaveTextDocument::METHOD => notification
                .extract::<DidSaveTextDocumentParams>(&method)
                .map(|params| self.did_save(params)),
            DidCloseTextDocument::METHOD => notification
                .extract::<DidCloseTextDocumentParams>(&method)
                .map(|params| self.did_close(params)),
            DidChangeWatchedFiles::METHOD => notification
                .extract::<DidChangeWatchedFilesParams>(&method)
                .map(|params| self.did_change_watched_files(params)),
            DidChangeWorkspaceFolders::METHOD => notification
                .extract::<DidChangeWorkspaceFoldersParams>(&method)
                .map(|params| self.did_change_workspace_folders(params)),
            // Notifications the server has no use for (`$/cancelRequest`,
            // `$/setTrace`, settings changes, unknown ones) are ignored, as the
            // protocol asks.
            _ => Ok(()),
        };
        if let Err(error) = handled {
            super::log(&format!(
                "ignored `{method}` with invalid parameters: {error}"
            ));
        }
    }

    // ----- documents -----

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.documents
            .open(Document::new(document.uri, document.version, document.text));
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
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

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        let is_configuration =
            uri::to_path(&uri).is_some_and(|path| Workspace::is_configuration_file(&path));
        if is_configuration {
            self.configuration_changed();
        } else if let Some(document) = self.documents.get_mut(&uri) {
            document.findings = None;
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
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

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
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

    fn did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
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
    fn configuration_changed(&mut self) {
        self.workspace.reload_configuration();
        self.reindex();
    }

    fn reindex(&mut self) {
        self.indexed = false;
        self.ensure_indexed();
    }

    fn is_open(&mut self, path: &std::path::Path) -> bool {
        self.documents
            .iter_mut()
            .any(|document| document.path.as_deref() == Some(path))
    }

    /// Reads the workspace folders from disk once, then puts the open buffers on top.
    fn ensure_indexed(&mut self) {
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

    // ----- linting -----

    /// Lints every stale document and publishes its diagnostics. Returns whether
    /// there was anything to do.
    fn lint_stale(&mut self) -> bool {
        let stale = self.documents.stale();
        if stale.is_empty() {
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
    fn refresh_index(&mut self) {
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
    fn lint(&mut self, uri: &Uri) {
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

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
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

    // ----- messages to the client -----

    /// Asks the client to report changes to sources and configurations on disk, so
    /// the index follows edits made outside the editor (a `git checkout`).
    fn watch_files(&mut self) {
        if !self.can_watch_files {
            return;
        }
        let watchers = WATCHED_GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "asynclint-watched-files".to_string(),
            method: DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.next_request_id += 1;
        let request = Request::new(
            RequestId::from(format!("asynclint-{}", self.next_request_id)),
            RegisterCapability::METHOD.to_string(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(request);
    }

    fn publish(&mut self, uri: Uri, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        ));
    }

    fn reply_error(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn send(&mut self, message: impl Into<Message>) {
        // The writer is gone only when the client is: the loop ends at the next read.
        let _ = self.outgoing.send(message.into());
    }
}

/// The workspace folders, or the older `rootUri` / `rootPath` of clients that send
/// only those.
#[allow(deprecated)]
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|folder| uri::to_path(&folder.uri))
            .collect();
    }
    params
        .root_uri
        .as_ref()
        .and_then(uri::to_path)
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
        .into_iter()
        .collect()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp_types::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
