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

use std::process::ExitCode;

use crate::engine::WORKER_STACK_BYTES;

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

/// The server's log: standard error, which editors show in their LSP log.
fn log(message: &str) {
    eprintln!("asynclint server: {message}");
}
