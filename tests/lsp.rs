//! End-to-end tests of `asynclint server`: the real binary, spoken to in LSP JSON-RPC
//! (`Content-Length` framing) over its standard input and output, as an editor does.
//! Every wait has a timeout, so a server that hangs fails the test instead of CI.

mod common;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;

use common::write;

/// How long any one answer may take before the server counts as hung.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `asynclint server` and the client end of its pipes.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one.
    pending: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asynclint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the asynclint binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().unwrap();
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = child_stderr.read_to_string(&mut text);
            log.lock().unwrap().push_str(&text);
        });
        Server {
            stdin: child.stdin.take(),
            child,
            messages,
            pending: VecDeque::new(),
            stderr,
            next_id: 0,
        }
    }

    /// Starts a server on `dir` and completes the `initialize` handshake.
    fn initialized(dir: &Path) -> Server {
        let mut server = Server::start(dir);
        let result = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(dir),
                "workspaceFolders": [{"uri": file_uri(dir), "name": "project"}],
                "capabilities": {},
            }),
        );
        let capabilities = &result["result"]["capabilities"];
        assert_eq!(capabilities["textDocumentSync"]["change"], 2, "{result}");
        assert!(capabilities["codeActionProvider"].is_object(), "{result}");
        assert_eq!(result["result"]["serverInfo"]["name"], "asynclint");
        server.notify("initialized", json!({}));
        server
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        self.wait_for(&format!("the response to request {id}"), |message| {
            message.get("method").is_none() && message["id"] == id
        })
    }

    /// The next `publishDiagnostics` for `uri` whose diagnostics satisfy `accept`
    /// (earlier ones for it are skipped: the server may publish again as the
    /// workspace index changes).
    fn diagnostics(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri}"), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && accept(message["params"]["diagnostics"].as_array().unwrap())
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The first message (pending or new) that satisfies `wanted`; the others are
    /// kept for later waits, except superseded diagnostics.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.pending.push_back(message),
                Err(_) => panic!(
                    "waited {TIMEOUT:?} for {what}; got instead: {:#?}\n--- server log ---\n{}",
                    self.pending,
                    self.log()
                ),
            }
        }
    }

    /// Asserts that nothing but diagnostics arrives within `quiet` (no stray
    /// responses to notifications).
    fn assert_no_response(&mut self, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        while let Ok(message) = self
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            assert!(
                message.get("method").is_some(),
                "unexpected response: {message}"
            );
            self.pending.push_back(message);
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id(uri), "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Closes stdin after `shutdown`/`exit` (or without) and waits for the exit status.
    fn wait_exit(mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit\n--- server log ---\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one `Content-Length` framed message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().expect("a numeric Content-Length"));
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server sends JSON"))
}

fn file_uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file://");
    for byte in path.to_str().unwrap().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

fn language_id(uri: &str) -> &'static str {
    if uri.ends_with(".rs") {
        "rust"
    } else {
        "python"
    }
}

/// `CODE@line:character` of each diagnostic (0-based, UTF-16), sorted.
fn codes_at(diagnostics: &[Value]) -> Vec<String> {
    let mut found: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}@{}:{}",
                d["code"].as_str().unwrap_or("-"),
                d["range"]["start"]["line"],
                d["range"]["start"]["character"]
            )
        })
        .collect();
    found.sort();
    found
}

fn has_code(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |diagnostics| diagnostics.iter().any(|d| d["code"] == code)
}

fn lacks_code(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |diagnostics| diagnostics.iter().all(|d| d["code"] != code)
}

/// A workspace with a configuration and two modules: `client` defines the coroutine
/// `fetch`, `app` imports it.
fn project() -> TempDir {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.asynclint]\nignore = [\"AL501\"]\nextend-exclude = [\"generated\"]\n\n[tool.asynclint.per-file-ignores]\n\"legacy.py\" = [\"blocking-sleep\"]\n",
    );
    write(
        dir.path(),
        "client.py",
        "async def fetch(url):\n    return url\n",
    );
    // On disk `app` is clean: the server must lint the buffer, not this.
    write(dir.path(), "app.py", "import client\n");
    dir
}

/// The buffer of `app.py`: accented text and an emoji before a blocking sleep, a
/// call to `client.fetch` that is never awaited, a call to `client.ping` (not a
/// coroutine yet), and an AL501 finding the configuration ignores.
const APP: &str = "import asyncio\nimport time\nfrom client import fetch, ping\n\nasync def main():\n    s = \"é🎉\"; time.sleep(1)\n    fetch(\"x\")\n    ping()\n    asyncio.get_event_loop()\n";

#[test]
fn diagnostics_follow_the_buffer_the_index_and_the_configuration() {
    let dir = project();
    let mut server = Server::initialized(dir.path());
    let app = file_uri(&dir.path().join("app.py"));
    let client = file_uri(&dir.path().join("client.py"));

    server.open(&app, APP);
    let diagnostics = server.diagnostics(&app, |_| true);
    // `    s = "é🎉"; ` is 14 characters but 15 UTF-16 units; AL501 is ignored by the
    // configuration; `fetch` is a coroutine of another module.
    assert_eq!(codes_at(&diagnostics), ["AL101@6:4", "AL201@5:15"]);
    let sleep = diagnostics.iter().find(|d| d["code"] == "AL201").unwrap();
    assert_eq!(sleep["range"]["end"], json!({"line": 5, "character": 28}));
    assert_eq!(sleep["source"], "asynclint");
    assert_eq!(sleep["severity"], 1);
    assert!(
        sleep["message"]
            .as_str()
            .unwrap()
            .ends_with("while it sleeps\nhelp: use `await asyncio.sleep(1)`"),
        "{sleep}"
    );

    // Incremental change: delete `time.sleep(1)` (UTF-16 columns 15 to 28).
    server.change(
        &app,
        2,
        json!([{"range": {"start": {"line": 5, "character": 15}, "end": {"line": 5, "character": 28}}, "text": "pass"}]),
    );
    let diagnostics = server.diagnostics(&app, lacks_code("AL201"));
    assert_eq!(codes_at(&diagnostics), ["AL101@6:4"]);

    // `ping` becomes a coroutine in the (unsaved) buffer of `client`: `app` is linted
    // again against the new index and its `ping()` is now unawaited too.
    server.open(&client, "async def fetch(url):\n    return url\n");
    server.change(
        &client,
        2,
        json!([{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "text": "\nasync def ping():\n    pass\n"}]),
    );
    let diagnostics = server.diagnostics(&app, |d| codes_at(d).len() == 2);
    assert_eq!(codes_at(&diagnostics), ["AL101@6:4", "AL101@7:4"]);

    // While `client` does not parse, the index keeps what it last defined.
    server.change(&client, 3, json!([{"text": "async def fetch(url:\n"}]));
    server.diagnostics(&client, has_code("AL000"));
    server.change(
        &app,
        3,
        json!([{"range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 0}}, "text": "    pass\n"}]),
    );
    let diagnostics = server.diagnostics(&app, |_| true);
    assert_eq!(codes_at(&diagnostics), ["AL101@6:4", "AL101@7:4"]);

    // `fetch` stops being a coroutine: its call is fine.
    server.change(
        &client,
        4,
        json!([{"text": "def fetch(url):\n    return url\n\nasync def ping():\n    pass\n"}]),
    );
    let diagnostics = server.diagnostics(&app, |d| codes_at(d).len() == 1);
    assert_eq!(codes_at(&diagnostics), ["AL101@7:4"]);

    // Closing `client` puts the file on disk back into the index: no `ping` there.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": client}}),
    );
    assert_eq!(server.diagnostics(&client, |_| true), Vec::<Value>::new());
    let diagnostics = server.diagnostics(&app, |d| codes_at(d) == ["AL101@6:4"]);
    assert_eq!(codes_at(&diagnostics), ["AL101@6:4"]);

    // Closing `app` clears its diagnostics.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": app}}),
    );
    assert_eq!(server.diagnostics(&app, |_| true), Vec::<Value>::new());

    let shutdown = server.request("shutdown", json!(null));
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    server.notify("exit", json!(null));
    assert_eq!(server.wait_exit().code(), Some(0));
}

#[test]
fn per_file_ignores_exclusions_and_broken_configurations_apply() {
    let dir = project();
    write(dir.path(), "broken/asynclint.toml", "selct = [\"AL2\"]\n");
    let mut server = Server::initialized(dir.path());
    let sleepy = "import time\n\nasync def main():\n    time.sleep(1)\n";

    let legacy = file_uri(&dir.path().join("legacy.py"));
    server.open(&legacy, sleepy);
    assert_eq!(server.diagnostics(&legacy, |_| true), Vec::<Value>::new());

    let generated = file_uri(&dir.path().join("generated/models.py"));
    server.open(&generated, sleepy);
    assert_eq!(
        server.diagnostics(&generated, |_| true),
        Vec::<Value>::new()
    );

    let governed = file_uri(&dir.path().join("broken/job.py"));
    server.open(&governed, sleepy);
    let diagnostics = server.diagnostics(&governed, |_| true);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("asynclint configuration error: ")
            && message.contains("unknown key `selct`"),
        "{message}"
    );

    let plain = file_uri(&dir.path().join("plain.py"));
    server.open(&plain, sleepy);
    assert_eq!(
        codes_at(&server.diagnostics(&plain, |_| true)),
        ["AL201@3:4"]
    );
}

#[test]
fn code_actions_offer_the_fix_and_the_suppression() {
    let dir = project();
    let mut server = Server::initialized(dir.path());
    let app = file_uri(&dir.path().join("app.py"));
    server.open(&app, APP);
    server.diagnostics(&app, has_code("AL201"));

    let response = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": app},
            "range": {"start": {"line": 5, "character": 20}, "end": {"line": 5, "character": 20}},
            "context": {"diagnostics": []},
        }),
    );
    let actions = response["result"].as_array().expect("a list of actions");
    let titles: Vec<&str> = actions
        .iter()
        .map(|action| action["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace with `await asyncio.sleep(...)`",
            "Ignore AL201 on this line"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "AL201");
    assert_eq!(
        fix["edit"]["changes"][&app],
        json!([{"range": {"start": {"line": 5, "character": 15}, "end": {"line": 5, "character": 25}}, "newText": "await asyncio.sleep"}])
    );
    // The suppression goes at the end of the line, after the emoji (UTF-16 column 28).
    assert_eq!(
        actions[1]["edit"]["changes"][&app],
        json!([{"range": {"start": {"line": 5, "character": 28}, "end": {"line": 5, "character": 28}}, "newText": "  # noqa: AL201"}])
    );

    // On the unawaited call: `await` goes in front of it.
    let response = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": app},
            "range": {"start": {"line": 6, "character": 4}, "end": {"line": 6, "character": 14}},
            "context": {"diagnostics": [], "only": ["quickfix"]},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    assert_eq!(actions[0]["title"], "Add `await`");
    assert_eq!(actions[0]["edit"]["changes"][&app][0]["newText"], "await ");

    // A client asking only for refactorings gets none.
    let response = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": app},
            "range": {"start": {"line": 5, "character": 20}, "end": {"line": 5, "character": 20}},
            "context": {"diagnostics": [], "only": ["refactor"]},
        }),
    );
    assert_eq!(response["result"], json!([]));
}

#[test]
fn rust_documents_get_diagnostics_and_the_tokio_sleep_fix() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let source = "use std::time::Duration;\n\n#[tokio::main]\nasync fn main() {\n    std::thread::sleep(Duration::from_millis(5));\n}\n";
    write(dir.path(), "src/main.rs", source);
    let mut server = Server::initialized(dir.path());
    let main = file_uri(&dir.path().join("src/main.rs"));
    server.open(&main, source);
    let diagnostics = server.diagnostics(&main, |_| true);
    assert_eq!(codes_at(&diagnostics), ["AL201@4:4"]);
    let response = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main},
            "range": diagnostics[0]["range"],
            "context": {"diagnostics": diagnostics},
        }),
    );
    let actions = response["result"].as_array().unwrap();
    assert_eq!(
        actions[0]["title"],
        "Replace with `tokio::time::sleep(...).await`"
    );
    assert_eq!(actions[1]["title"], "Ignore AL201 on this line");
    assert_eq!(
        actions[1]["edit"]["changes"][&main][0]["newText"],
        "    // asynclint: allow(AL201)\n"
    );
}

#[test]
fn rust_futures_of_other_files_follow_their_buffers() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "src/client.rs",
        "pub async fn fetch() -> u32 {\n    1\n}\n",
    );
    let lib_source = "mod client;\n\nasync fn run() {\n    client::fetch();\n}\n";
    write(dir.path(), "src/lib.rs", lib_source);
    let mut server = Server::initialized(dir.path());
    let lib = file_uri(&dir.path().join("src/lib.rs"));
    let client = file_uri(&dir.path().join("src/client.rs"));
    server.open(&lib, lib_source);
    assert_eq!(codes_at(&server.diagnostics(&lib, |_| true)), ["AL101@3:4"]);
    // `fetch` stops being async in its (unsaved) buffer: the call is fine.
    server.open(&client, "pub async fn fetch() -> u32 {\n    1\n}\n");
    server.change(
        &client,
        2,
        json!([{"text": "pub fn fetch() -> u32 {\n    1\n}\n"}]),
    );
    assert_eq!(
        server.diagnostics(&lib, |d| d.is_empty()),
        Vec::<Value>::new()
    );
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = project();
    let mut server = Server::initialized(dir.path());

    // A body that is not JSON, a frame without a length, a request that is not a
    // valid message: logged (the last answered), then reading goes on.
    server.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    server.send_raw(b"X-Nonsense: 1\r\n\r\n");
    server.send(json!({"jsonrpc": "2.0", "id": 900, "method": 42}));
    let invalid = server.response(json!(900));
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");

    // An unknown request gets MethodNotFound; an unknown notification nothing.
    let unknown = server.request("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    server.notify("custom/somethingElse", json!({"x": 1}));
    // A change to a document that is not open is ignored.
    server.change(
        &file_uri(&dir.path().join("nowhere.py")),
        2,
        json!([{"text": "x = 1\n"}]),
    );
    server.assert_no_response(Duration::from_millis(300));

    // A module that does not parse gets AL000; another still gets its findings.
    let broken = file_uri(&dir.path().join("broken.py"));
    server.open(&broken, "async def main(:\n    pass\n");
    let diagnostics = server.diagnostics(&broken, |_| true);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "AL000");
    let app = file_uri(&dir.path().join("app.py"));
    server.open(&app, APP);
    assert_eq!(
        codes_at(&server.diagnostics(&app, |_| true)),
        ["AL101@6:4", "AL201@5:15"]
    );

    assert!(server.log().is_empty() || !server.log().contains("panicked"));
    // `exit` without `shutdown`: status 1, as the protocol asks.
    server.notify("exit", json!(null));
    assert_eq!(server.wait_exit().code(), Some(1));
}

#[test]
fn lifecycle_errors_before_initialize_and_after_shutdown() {
    let dir = project();
    let mut server = Server::start(dir.path());
    let early = server.request("textDocument/codeAction", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": file_uri(dir.path()), "capabilities": {}}),
    );
    server.notify("initialized", json!({}));
    server.request("shutdown", json!(null));
    let late = server.request("textDocument/codeAction", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    // The client goes away after `shutdown` without `exit`: still a clean stop.
    assert_eq!(server.wait_exit().code(), Some(0));

    // Without `shutdown`, the end of input is an unclean stop.
    let server = Server::start(dir.path());
    assert_eq!(server.wait_exit().code(), Some(1));
}

/// A 5,000-line module: classes with async methods, imports, and a few findings.
fn large_module() -> String {
    let mut text = String::from("import asyncio\nimport time\n\n");
    let mut block = 0;
    while text.lines().count() < 5_000 {
        text.push_str(&format!(
            "class Service{block}:\n    def __init__(self):\n        self.items = []\n\n    async def load(self, key):\n        await asyncio.sleep(0)\n        for item in self.items:\n            if item == key:\n                return item\n        return None\n\n    async def run(self):\n        value = await self.load({block})\n        time.sleep(0.1)\n        return value\n\n"
        ));
        block += 1;
    }
    text
}

#[test]
fn linting_a_5000_line_file_after_a_change_is_fast() {
    let dir = project();
    let mut server = Server::initialized(dir.path());
    let big = file_uri(&dir.path().join("big.py"));
    let text = large_module();
    let lines = text.lines().count();
    assert!(lines >= 5_000);
    server.open(&big, &text);
    let first = server.diagnostics(&big, |_| true);
    let sleeps = first.iter().filter(|d| d["code"] == "AL201").count();
    assert!(sleeps > 250, "one AL201 per class: {sleeps}");

    let mut timings = Vec::new();
    for version in 2..=8 {
        // Type a space at the end of the file's last `return value` line.
        let all: Vec<&str> = text.lines().collect();
        let line = all
            .iter()
            .rposition(|l| *l == "        return value")
            .unwrap();
        let started = Instant::now();
        server.change(
            &big,
            version,
            json!([{"range": {"start": {"line": line, "character": 20}, "end": {"line": line, "character": 20}}, "text": " "}]),
        );
        server.diagnostics(&big, |_| true);
        timings.push(started.elapsed());
    }
    timings.sort();
    let median = timings[timings.len() / 2];
    eprintln!(
        "lint after a change of a {lines}-line file, change to published diagnostics: median {median:?}, min {:?}, max {:?} ({} build)",
        timings[0],
        timings[timings.len() - 1],
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    // The goal is well under 50 ms for an optimized build; unoptimized test builds
    // are several times slower, so they only guard against something going quadratic.
    let bound = if cfg!(debug_assertions) {
        Duration::from_millis(1_500)
    } else {
        Duration::from_millis(50)
    };
    assert!(median < bound, "median {median:?} is over {bound:?}");
}
