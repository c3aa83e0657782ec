//! `asynclint server`: a Language Server over standard input and output. Editors send
//! the text of open buffers; the server lints it (not the file on disk) with the
//! project's configuration and a cross-module index of the workspace, publishes
//! diagnostics, and offers quick fixes.
//!
//! - `transport`: JSON-RPC framing on stdio, surviving malformed messages.
//! - `session`: the main loop: lifecycle, dispatch, messages to the client.
//! - `changes`: documents opened, edited, closed; files and folders changed on disk.
//! - `linting`: when and what to lint; publishing diagnostics.
//! - `documents`: the open buffers and their incremental changes.
//! - `workspace`: configuration, the index of every file, linting one buffer.
//! - `diagnostics`, `code_actions`: findings as LSP diagnostics and quick fixes.
//! - `positions`, `uri`: UTF-16 positions and `file:` URIs.

mod changes;
mod code_actions;
mod diagnostics;
mod documents;
mod linting;
mod positions;
mod session;
mod transport;
mod uri;
mod workspace;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::process::ExitCode;
use std::sync::mpsc;

use lsp_server::Message;

use crate::engine::{self, WORKER_STACK_BYTES};
use transport::Incoming;

/// Runs the server until the client says `exit` or goes away; the exit status is 0
/// after a `shutdown` request and 1 otherwise, as the protocol asks.
pub fn run() -> ExitCode {
    let (incoming, outgoing, writer) = transport::stdio();
    // Deeply nested code recurses deeply in the parsers and checkers: lint on a
    // thread with the stack a `check` run's workers have.
    let main_loop = std::thread::Builder::new()
        .name("lsp-main".to_string())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || session::serve(incoming, outgoing))
        .expect("cannot start the server thread");
    let status = main_loop.join().unwrap_or_else(|_| {
        log("the main loop crashed");
        1
    });
    // Every sender is gone now: the writer sends what is queued and stops.
    let _ = writer.join();
    ExitCode::from(status)
}

/// A whole session run over bytes in memory: the exit status, every message the
/// server sent, and the lines it logged.
#[derive(Debug)]
pub struct Served {
    pub status: u8,
    pub sent: Vec<Message>,
    pub log: Vec<String>,
}

/// Runs a whole session with `input` as the client's side of the connection, as if it
/// came on standard input: the bytes go through the same framing reader and the same
/// main loop as in `run`, on a thread with the same large stack, and the session ends
/// at `exit` or at the end of `input`.
///
/// It exists for the fuzzer (`fuzz/fuzz_targets/lsp_session.rs`) and for tests, which
/// need a session that is quick (no process, no pipes), quiet (the log is collected,
/// not printed) and deterministic: the client sends each message only once the server
/// has nothing left to do (has linted what the previous message made stale), where a
/// real client's messages race the linting.
pub fn serve_bytes(input: &[u8]) -> Served {
    serve_bytes_filtered(input, |_| true)
}

/// `serve_bytes`, with the messages `keep` refuses left out after they are read (a
/// fuzzer keeps a session from adding workspace folders outside its sandbox).
pub fn serve_bytes_filtered(input: &[u8], mut keep: impl FnMut(&Message) -> bool + Send) -> Served {
    engine::on_large_stack(|| {
        CAPTURED_LOG.set(Some(Vec::new()));
        let (sender, receiver) = mpsc::channel();
        transport::read_messages(&mut io::Cursor::new(input), &sender);
        drop(sender);
        let messages = receiver
            .into_iter()
            .filter(|event| match event {
                Incoming::Message(message) => keep(message),
                Incoming::Malformed { .. } | Incoming::Closed => true,
            })
            .collect();
        let (outgoing, sent) = mpsc::channel();
        let status = session::serve(Replay(messages), outgoing);
        Served {
            status,
            sent: sent.into_iter().collect(),
            log: CAPTURED_LOG.take().unwrap_or_default(),
        }
    })
}

/// A recorded client: its messages in order, each one sent when the server waits
/// for the next, never while it has work to do.
struct Replay(VecDeque<Incoming>);

impl session::Inbox for Replay {
    fn waiting(&mut self) -> Option<Incoming> {
        None
    }

    fn wait(&mut self) -> Incoming {
        self.0.pop_front().unwrap_or(Incoming::Closed)
    }
}

thread_local! {
    /// Where `log` writes on this thread instead of standard error, while
    /// `serve_bytes` runs a session on it.
    static CAPTURED_LOG: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// The server's log: standard error, which editors show in their LSP log.
fn log(message: &str) {
    let captured = CAPTURED_LOG.with_borrow_mut(|captured| match captured {
        Some(lines) => {
            lines.push(message.to_string());
            true
        }
        None => false,
    });
    if !captured {
        eprintln!("asynclint server: {message}");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn frame(message: Value) -> Vec<u8> {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn notification(method: &str, params: Value) -> Vec<u8> {
        frame(json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
        frame(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
    }

    /// The codes of the diagnostics last published for `uri`.
    fn published_codes(served: &Served, uri: &str) -> Option<Vec<String>> {
        let params = served.sent.iter().rev().find_map(|message| match message {
            Message::Notification(notification)
                if notification.method == "textDocument/publishDiagnostics"
                    && notification.params["uri"] == uri =>
            {
                Some(&notification.params)
            }
            _ => None,
        })?;
        let codes = params["diagnostics"].as_array()?.iter();
        Some(
            codes
                .map(|diagnostic| diagnostic["code"].as_str().unwrap_or("").to_string())
                .collect(),
        )
    }

    #[test]
    fn a_recorded_session_publishes_findings_and_ends_with_status_0() {
        let dir = tempfile::tempdir().unwrap();
        let root = format!("file://{}", dir.path().display());
        let uri = format!("{root}/app.py");
        let text = "import time\n\nasync def main():\n    time.sleep(1)\n";
        let input = [
            request(
                1,
                "initialize",
                json!({"processId": null, "rootUri": root, "capabilities": {}}),
            ),
            notification("initialized", json!({})),
            notification(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
            ),
            request(2, "shutdown", Value::Null),
            notification("exit", Value::Null),
        ]
        .concat();
        let served = serve_bytes(&input);
        assert_eq!(served.status, 0, "{served:#?}");
        assert_eq!(
            published_codes(&served, &uri),
            Some(vec!["AL201".to_string()]),
            "{served:#?}"
        );
        let shutdown = served.sent.iter().find_map(|message| match message {
            Message::Response(response) if response.id == 2.into() => Some(response),
            _ => None,
        });
        assert!(
            shutdown.is_some_and(|response| response.response_result.is_ok()),
            "{served:#?}"
        );
    }

    /// A client may name any path as changed on disk, or open and close a buffer for
    /// any path: the server reads only what a regular file held, never from a pipe
    /// (whose `open` blocks until someone writes) or a device (`/dev/zero` never
    /// ends).
    #[cfg(unix)]
    #[test]
    fn files_that_are_not_regular_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.py");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let fifo_uri = format!("file://{}", fifo.display());
        // The pipe first: without the fix the session blocks on it (and the test
        // fails at its timeout) before it could start reading `/dev/zero`.
        let input = [
            request(1, "initialize", json!({"capabilities": {}})),
            notification("initialized", json!({})),
            notification(
                "workspace/didChangeWatchedFiles",
                json!({"changes": [{"uri": fifo_uri, "type": 2}, {"uri": "file:///dev/zero", "type": 2}]}),
            ),
            notification(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": fifo_uri, "languageId": "python", "version": 1, "text": "x = 1\n"}}),
            ),
            notification("textDocument/didClose", json!({"textDocument": {"uri": fifo_uri}})),
            request(2, "shutdown", Value::Null),
            notification("exit", Value::Null),
        ]
        .concat();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || sender.send(serve_bytes(&input)));
        let served = receiver
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the session ends");
        assert_eq!(served.status, 0, "{served:#?}");
    }

    #[test]
    fn the_end_of_the_input_ends_the_session_with_status_1() {
        let input = [
            request(1, "initialize", json!({"capabilities": {}})),
            b"Content-Length: 500\r\n\r\n{\"jsonrpc\"".to_vec(),
        ]
        .concat();
        let served = serve_bytes(&input);
        assert_eq!(served.status, 1, "{served:#?}");
        assert!(
            matches!(&served.sent[..], [Message::Response(response)] if response.id == 1.into()),
            "{served:#?}"
        );
        assert!(
            served
                .log
                .iter()
                .any(|line| line.contains("without `shutdown`")),
            "{served:#?}"
        );
    }
}
