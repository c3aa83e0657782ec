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

use super::documents::Documents;
use super::transport::Incoming;
use super::uri;
use super::workspace::Workspace;

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

pub(super) struct Session {
    pub(super) outgoing: Sender<Message>,
    state: State,
    pub(super) documents: Documents,
    pub(super) workspace: Workspace,
    /// Whether the workspace folders were read from disk yet.
    pub(super) indexed: bool,
    /// The client can be asked to report changes to files on disk.
    pub(super) can_watch_files: bool,
    pub(super) next_request_id: i32,
}

/// Where the main loop's messages come from: the reader thread's channel, or a
/// recorded session (`super::serve_bytes`).
pub trait Inbox {
    /// The next message if one is waiting already; `None` if the client is quiet for
    /// now (the server lints what is stale meanwhile).
    fn waiting(&mut self) -> Option<Incoming>;
    /// The next message, once there is one.
    fn wait(&mut self) -> Incoming;
}

impl Inbox for Receiver<Incoming> {
    fn waiting(&mut self) -> Option<Incoming> {
        match self.try_recv() {
            Ok(event) => Some(event),
            Err(TryRecvError::Disconnected) => Some(Incoming::Closed),
            Err(TryRecvError::Empty) => None,
        }
    }

    fn wait(&mut self) -> Incoming {
        self.recv().unwrap_or(Incoming::Closed)
    }
}

/// Serves one client until `exit` (or the end of its input); returns the exit status.
pub fn serve(mut incoming: impl Inbox, outgoing: Sender<Message>) -> u8 {
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
        match session.next_event(&mut incoming) {
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
    fn next_event(&mut self, incoming: &mut impl Inbox) -> Incoming {
        loop {
            if let Some(event) = incoming.waiting() {
                return event;
            }
            match self.guarded(Self::lint_stale) {
                Ok(true) => {}
                Ok(false) => return incoming.wait(),
                // Not again and again: the documents wait for their next change.
                Err(_) => self.documents.give_up_on_stale(),
            }
        }
    }

    /// Handles one message; a panic is answered with an error, for a request.
    fn handle_guarded(&mut self, message: Message) {
        let request_id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        if let (Err(reason), Some(id)) =
            (self.guarded(|session| session.handle(message)), request_id)
        {
            self.reply_error(
                id,
                ErrorCode::InternalError,
                format!("internal error: {reason}"),
            );
        }
    }

    /// Runs `work`, turning a panic into a logged error instead of the end of the
    /// server. (Linting one file already catches its own panics; this is for bugs in
    /// the server itself.)
    fn guarded<T>(&mut self, work: impl FnOnce(&mut Self) -> T) -> Result<T, String> {
        std::panic::catch_unwind(AssertUnwindSafe(|| work(self))).map_err(|payload| {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            super::log(&format!("internal error: {reason}"));
            reason
        })
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
            "initialize" => self.reply_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is already initialized".to_string(),
            ),
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

    pub(super) fn publish(
        &mut self,
        uri: Uri,
        version: Option<i32>,
        diagnostics: Vec<lsp_types::Diagnostic>,
    ) {
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

    pub(super) fn reply_error(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    pub(super) fn send(&mut self, message: impl Into<Message>) {
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
