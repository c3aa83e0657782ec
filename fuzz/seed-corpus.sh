#!/usr/bin/env bash
# Seeds the fuzzers' corpora with the project's own code samples: the fixtures, the
# demo projects and the bad / good examples of every rule page. The corpora live in
# fuzz/corpus/<target>/ (ignored by git) and grow as the fuzzers run.
#
# Usage: fuzz/seed-corpus.sh
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ")"

seed() { # target extension
  local target="$1" extension="$2" dir="$FUZZ/corpus/$1"
  mkdir -p "$dir"
  # Named by content, so re-seeding adds nothing twice.
  find "$ROOT/fixtures" "$ROOT/demo" -name "*.$extension" -type f -print0 |
    while IFS= read -r -d '' file; do
      cp "$file" "$dir/seed-$(sha1sum "$file" | cut -c1-16)"
    done
  python3 - "$ROOT/rules" "$dir" "$target" <<'PY'
import hashlib, pathlib, sys, tomllib
rules, out, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
language = {"lint_python": "python", "lint_rust": "rust"}[target]
for page in sorted(rules.glob("AL*.toml")):
    for example in tomllib.loads(page.read_text()).get("example", []):
        if example.get("language") != language:
            continue
        for code in (example["bad"], example["good"]):
            name = "seed-" + hashlib.sha1(code.encode()).hexdigest()[:16]
            (out / name).write_text(code)
PY
  echo "$target: $(find "$dir" -type f | wc -l) files in $dir"
}

seed lint_python py
seed lint_rust rs

# lsp_session: recorded editor sessions in the target's chunked format (message bodies
# separated by 0xFF; a chunk starting with 0xFE goes in without framing). The target
# itself sends `initialize` / `initialized` first and `shutdown` / `exit` last.
mkdir -p "$FUZZ/corpus/lsp_session"
python3 - "$ROOT" "$FUZZ/corpus/lsp_session" <<'PY'
import hashlib, json, pathlib, sys, tomllib
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
SANDBOX = "file:///tmp/asynclint-fuzz-lsp"  # as in fuzz_targets/lsp_session.rs
ids = iter(range(1, 1_000_000))

def body(message):
    return json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False,
                      separators=(",", ":")).encode()

def note(method, params=None):
    return body({"method": method, **({} if params is None else {"params": params})})

def request(method, params=None):
    return body({"id": next(ids), "method": method,
                 **({} if params is None else {"params": params})})

def raw(data):
    return b"\xfe" + data

def position(line, character):
    return {"line": line, "character": character}

def span(a, b, c, d):
    return {"start": position(a, b), "end": position(c, d)}

def open_(uri, text, language="python", version=1):
    return note("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": language, "version": version, "text": text}})

def change(uri, version, *changes):
    return note("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [
            {"text": text} if at is None else {"range": at, "text": text}
            for at, text in changes]})

def code_action(uri, at, only=None):
    context = {"diagnostics": []}
    if only is not None:
        context["only"] = only
    return request("textDocument/codeAction",
                   {"textDocument": {"uri": uri}, "range": at, "context": context})

def save(uri):
    return note("textDocument/didSave", {"textDocument": {"uri": uri}})

def close(uri):
    return note("textDocument/didClose", {"textDocument": {"uri": uri}})

def write(chunks):
    data = b"\xff".join(chunks)
    (out / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)

app = SANDBOX + "/app.py"
app_text = ("import time\nfrom pkg.net import fetch\n\nasync def main():\n"
            "    fetch(\"x\")\n    time.sleep(1)  # noqa: AL202\n")
write([
    open_(app, app_text),
    change(app, 2, (span(4, 4, 4, 14), "await fetch(\"y\")")),
    code_action(app, span(5, 0, 5, 20), ["quickfix"]),
    change(app, 3, (span(0, 0, 0, 0), "import asyncio\n"), (span(6, 4, 6, 8), "asyncio")),
    save(app),
    code_action(app, span(0, 0, 99, 0)),
    change(app, 4, (None, "async def f():\n    g()\n")),
    code_action(app, span(1, 4, 1, 4), [""]),
    close(app),
])

lib = SANDBOX + "/src/lib.rs"
lib_text = ("pub async fn load() -> u32 {\n    1\n}\n\npub async fn run() {\n"
            "    load();\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n")
write([
    open_(lib, lib_text, "rust"),
    code_action(lib, span(5, 0, 7, 0)),
    change(lib, 2, (span(5, 4, 5, 11), "load().await;")),
    change(lib, 3, (span(1, 0, 1, 0), "    tokio::spawn(async {});\n")),
    code_action(lib, span(0, 0, 9, 0), ["quickfix", "source"]),
    close(lib),
])

net = SANDBOX + "/pkg/net.py"
write([
    open_(app, app_text),
    open_(net, "import asyncio\n\nasync def fetch(url):\n    return url\n"),
    change(net, 2, (span(2, 0, 2, 6), "")),  # fetch is no longer async: app changes
    note("workspace/didChangeWatchedFiles", {"changes": [
        {"uri": net, "type": 2}, {"uri": SANDBOX + "/pkg/gone.py", "type": 3}]}),
    note("workspace/didChangeWatchedFiles", {"changes": [
        {"uri": SANDBOX + "/asynclint.toml", "type": 2}]}),
    note("workspace/didChangeWorkspaceFolders", {"event": {
        "added": [{"uri": SANDBOX + "/pkg", "name": "pkg"}],
        "removed": [{"uri": SANDBOX, "name": "sandbox"}]}}),
    save(SANDBOX + "/asynclint.toml"),
    close(net),
    code_action(app, span(4, 0, 4, 99)),
    note("$/cancelRequest", {"id": 1}),
    request("textDocument/hover", {"textDocument": {"uri": app}, "position": position(0, 0)}),
    body({"id": "asynclint-1", "result": None}),
    body({"id": "asynclint-2", "error": {"code": -32601, "message": "no"}}),
    b'{"jsonrpc":"2.0","id":77,"method":',
    raw(b"Content-Length: x\r\n\r\n{}"),
    raw(b"content-length:  44\n\n" + note("textDocument/didClose",
                                          {"textDocument": {"uri": app}})[:44]),
    open_("untitled:Untitled-1", "async def f():\n    time.sleep(1)\n"),
    request("initialize", {"capabilities": {}}),
    request("shutdown"),
    request("textDocument/codeAction"),
    note("exit"),
])

emoji = SANDBOX + "/emoji.py"
write([
    open_(emoji, "s = '🎉é'\r\nasync def f():\n    time.sleep(1)\n"),
    change(emoji, 2, (span(0, 6, 0, 7), "x")),  # inside the surrogate pair
    change(emoji, 3, (span(0, 99, 9, 0), "\n")),  # past the line, past the text
    change(emoji, 4, (span(2, 4, 1, 0), "🎉")),  # backwards
    change(emoji, 5, (span(1, 14, 1, 15), "\r")),
    code_action(emoji, span(2, 2, 0, 0)),
    close(emoji),
    close(emoji),
])

# Every fixture, demo file and rule example as a buffer: opened, fixed, edited.
texts = []
for path in sorted(list((root / "fixtures").rglob("*")) + list((root / "demo").rglob("*"))):
    if path.suffix in (".py", ".rs") and path.is_file() and path.stat().st_size < 12000:
        texts.append((path.name, path.read_text()))
for page in sorted((root / "rules").glob("AL*.toml")):
    for n, example in enumerate(tomllib.loads(page.read_text()).get("example", [])):
        extension = {"python": "py", "rust": "rs"}[example["language"]]
        texts.append((f"{page.stem}_{n}.{extension}", example["bad"]))
for name, text in texts:
    uri = f"{SANDBOX}/{name}"
    language = "rust" if name.endswith(".rs") else "python"
    write([
        open_(uri, text, language),
        code_action(uri, span(0, 0, 9999, 0)),
        change(uri, 2, (span(1, 0, 1, 0), "\n")),
        close(uri),
    ])
PY
echo "lsp_session: $(find "$FUZZ/corpus/lsp_session" -type f | wc -l) files in $FUZZ/corpus/lsp_session"
