//! "A client talks to `asynclint server`": the bytes become a whole session, run by
//! `asynclint::server::serve_bytes_filtered` through the real framing reader and the
//! real main loop.
//!
//! The input is a list of chunks separated by 0xFF (a byte that valid UTF-8, and so
//! JSON text, never holds). A chunk is one message body, which the target frames
//! with a correct `Content-Length` header, so that mutations reach the JSON handling
//! and the document logic; a chunk that starts with 0xFE goes in as it is (without
//! that byte), so that the framing itself is fuzzed too. Before the chunks comes a
//! valid `initialize` (workspace: a small sandbox folder) and `initialized`; after
//! them `shutdown` and `exit`.
//!
//! A crash is any panic (libFuzzer's hook aborts even on one the server would catch
//! and answer with an "internal error"), a session that does not end (`-timeout`), a
//! request left without a response, a range that ends before it starts, or an exit
//! status other than 0 after `shutdown` was answered.
#![no_main]

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;
use std::sync::OnceLock;

use asynclint::server::{self, Served};
use libfuzzer_sys::fuzz_target;
use lsp_server::{Message, RequestId};
use lsp_types::{
    CodeActionOrCommand, DidChangeWorkspaceFoldersParams, PublishDiagnosticsParams, Range,
};
use serde_json::json;

const SEPARATOR: u8 = 0xFF;
const RAW: u8 = 0xFE;

/// The session's only workspace folder (seed-corpus.sh names its files too). The
/// sandbox is small, so that indexing it is quick.
const SANDBOX: &str = "/tmp/asynclint-fuzz-lsp";

/// The files of the sandbox: a configuration, a Python package whose `async def`
/// another module calls, and a Rust crate.
const SANDBOX_FILES: &[(&str, &str)] = &[
    ("asynclint.toml", "extend-select = [\"AL001\"]\n"),
    ("pkg/__init__.py", ""),
    (
        "pkg/net.py",
        "import asyncio\n\nasync def fetch(url):\n    await asyncio.sleep(0)\n    return url\n",
    ),
    (
        "app.py",
        "import time\nfrom pkg.net import fetch\n\nasync def main():\n    fetch(\"x\")\n    time.sleep(1)\n",
    ),
    (
        "Cargo.toml",
        "[package]\nname = \"sandbox\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    ),
    (
        "src/lib.rs",
        "pub async fn load() -> u32 {\n    1\n}\n\npub async fn run() {\n    load();\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n",
    ),
];

/// The folders a session may add to its workspace: the sandbox and folders in it.
/// Any other (`file:///`, the home directory) would have the server index it.
const ALLOWED_FOLDERS: &[&str] = &[
    "file:///tmp/asynclint-fuzz-lsp",
    "file:///tmp/asynclint-fuzz-lsp/",
    "file:///tmp/asynclint-fuzz-lsp/pkg",
    "file:///tmp/asynclint-fuzz-lsp/src",
];

const SHUTDOWN_ID: &str = "asynclint-fuzz-shutdown";

fn sandbox() {
    static CREATED: OnceLock<()> = OnceLock::new();
    CREATED.get_or_init(|| {
        for (name, text) in SANDBOX_FILES {
            let path = Path::new(SANDBOX).join(name);
            std::fs::create_dir_all(path.parent().expect("a file in a folder"))
                .expect("cannot create the sandbox");
            std::fs::write(&path, text).expect("cannot write the sandbox");
        }
    });
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// The whole client side of the session for one input.
fn session(data: &[u8]) -> Vec<u8> {
    let initialize = json!({
        "jsonrpc": "2.0",
        "id": "asynclint-fuzz-initialize",
        "method": "initialize",
        "params": {
            "processId": null,
            "rootUri": ALLOWED_FOLDERS[0],
            "workspaceFolders": [{"uri": ALLOWED_FOLDERS[0], "name": "sandbox"}],
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        },
    });
    let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
    let shutdown = json!({"jsonrpc": "2.0", "id": SHUTDOWN_ID, "method": "shutdown"});
    let exit = json!({"jsonrpc": "2.0", "method": "exit"});
    let mut input = Vec::with_capacity(data.len() * 2 + 512);
    input.extend(frame(initialize.to_string().as_bytes()));
    input.extend(frame(initialized.to_string().as_bytes()));
    for chunk in data.split(|&byte| byte == SEPARATOR) {
        match chunk.split_first() {
            Some((&RAW, raw)) => input.extend_from_slice(raw),
            _ => input.extend(frame(chunk)),
        }
    }
    input.extend(frame(shutdown.to_string().as_bytes()));
    input.extend(frame(exit.to_string().as_bytes()));
    input
}

/// Whether the session may see `message`: not a workspace folder outside the sandbox.
fn keep(message: &Message) -> bool {
    let Message::Notification(notification) = message else {
        return true;
    };
    if notification.method != "workspace/didChangeWorkspaceFolders" {
        return true;
    }
    // Parsed as the server parses it; parameters it cannot parse change nothing.
    match serde_json::from_value::<DidChangeWorkspaceFoldersParams>(notification.params.clone()) {
        Ok(params) => params
            .event
            .added
            .iter()
            .all(|folder| ALLOWED_FOLDERS.contains(&folder.uri.as_str())),
        Err(_) => true,
    }
}

fn assert_ordered(range: &Range, served: &Served) {
    let start = (range.start.line, range.start.character);
    let end = (range.end.line, range.end.character);
    assert!(start <= end, "{range:?} ends before it starts: {served:#?}");
}

/// What must hold of every session.
fn check(served: &Served, requests: &HashMap<RequestId, usize>, shutdowns: &HashSet<RequestId>) {
    assert!(served.status <= 1, "exit status {}", served.status);
    let mut responses: HashMap<&RequestId, usize> = HashMap::new();
    for message in &served.sent {
        message
            .clone()
            .write(&mut io::sink())
            .expect("every message serializes");
        match message {
            Message::Response(response) => {
                *responses.entry(&response.id).or_default() += 1;
                let only_shutdowns =
                    shutdowns.contains(&response.id) && requests.get(&response.id) == Some(&1);
                if only_shutdowns && response.response_result.is_ok() {
                    assert_eq!(served.status, 0, "`shutdown` was answered: {served:#?}");
                }
                if let Ok(result) = &response.response_result {
                    if let Ok(actions) =
                        serde_json::from_value::<Vec<CodeActionOrCommand>>(result.clone())
                    {
                        for action in actions {
                            let CodeActionOrCommand::CodeAction(action) = action else {
                                continue;
                            };
                            let edits = action.edit.and_then(|edit| edit.changes);
                            for edit in edits.iter().flat_map(|changes| changes.values()).flatten()
                            {
                                assert_ordered(&edit.range, served);
                            }
                        }
                    }
                }
            }
            Message::Notification(notification)
                if notification.method == "textDocument/publishDiagnostics" =>
            {
                let params: PublishDiagnosticsParams =
                    serde_json::from_value(notification.params.clone())
                        .expect("diagnostics are published in the protocol's shape");
                for diagnostic in &params.diagnostics {
                    assert_ordered(&diagnostic.range, served);
                }
            }
            Message::Notification(_) | Message::Request(_) => {}
        }
    }
    for (id, sent) in requests {
        let answered = responses.get(id).copied().unwrap_or(0);
        assert!(
            answered >= *sent,
            "request {id} sent {sent} times, answered {answered} times: {served:#?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    sandbox();
    let input = session(data);
    let mut requests: HashMap<RequestId, usize> = HashMap::new();
    let mut shutdowns: HashSet<RequestId> = HashSet::new();
    let served = server::serve_bytes_filtered(&input, |message| {
        if let Message::Request(request) = message {
            *requests.entry(request.id.clone()).or_default() += 1;
            if request.method == "shutdown" {
                shutdowns.insert(request.id.clone());
            }
        }
        keep(message)
    });
    if std::env::var_os("LSP_SESSION_PRINT").is_some() {
        // For a look at what one input does: `LSP_SESSION_PRINT=1 cargo fuzz run
        // --sanitizer none lsp_session <file>`.
        eprintln!("{served:#?}");
    }
    check(&served, &requests, &shutdowns);
});
