#!/usr/bin/env bash
# End-to-end check of `asynclint server` with a real editor: headless Neovim opens a
# Python file with mistakes in a small two-module project, attaches the server, and
# prints the diagnostics it received. Exits non-zero if the expected ones (including
# an AL101 that needs the other module) do not arrive.
#
#   scripts/nvim-lsp-check.sh [path/to/asynclint]   (default: target/release/asynclint)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../target/release/asynclint}")"
if [ ! -x "$binary" ]; then
    echo "nvim-lsp-check: no asynclint binary at $binary (build it with cargo build --release)" >&2
    exit 2
fi
if ! command -v nvim >/dev/null; then
    echo "nvim-lsp-check: nvim is not installed (apt-get install neovim)" >&2
    exit 2
fi

project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
cat >"$project/pyproject.toml" <<'TOML'
[tool.asynclint]
ignore = ["AL501"]
TOML
cat >"$project/client.py" <<'PY'
async def fetch(url):
    return url
PY
cat >"$project/app.py" <<'PY'
import asyncio
import time

from client import fetch


async def main():
    greeting = "héllo 🎉"; time.sleep(1)
    fetch("https://example.invalid")
    asyncio.get_event_loop()
PY

cd "$project"
status=0
ASYNCLINT_BIN="$binary" \
ASYNCLINT_EXPECT="AL101,AL201" \
ASYNCLINT_EXPECT_AT="AL201=time.sleep;AL101=fetch(" \
    timeout 60 nvim --headless --clean -n -u NONE -i NONE \
        -c "luafile $here/nvim-lsp-check.lua" app.py || status=$?
if [ "$status" -ne 0 ]; then
    echo "nvim-lsp-check: FAILED (status $status)" >&2
    exit 1
fi
echo "nvim-lsp-check: diagnostics and code actions arrived in Neovim ($(nvim --version | sed -n 1p))"
