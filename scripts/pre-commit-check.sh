#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit from PyPI: in a
# temporary git repository with good and bad Python files, `pre-commit try-repo`
# installs this repository's hook at its committed HEAD (`language: rust`, so cargo
# builds asynclint) and runs it. Fails loudly on any unexpected result.
#
# The hook's cargo builds go to target/pre-commit-check/, kept between runs so that
# only asynclint itself is compiled again. (Not target/: a build of the committed HEAD
# there could pass for a fresh build of the working tree.)
set -euo pipefail

PRE_COMMIT_VERSION=4.7.0
repo="$(cd "$(dirname "$0")/.." && pwd)"
head="$(git -C "$repo" rev-parse HEAD)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "pre-commit-check: note: testing the committed HEAD $head; uncommitted changes are not part of it" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$repo/target/pre-commit-check"
export PRE_COMMIT_HOME="$work/pre-commit-home"

fail() {
    echo "pre-commit-check: FAILED: $*" >&2
    exit 1
}

echo "== installing pre-commit $PRE_COMMIT_VERSION"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version

echo "== a project to check"
project="$work/project"
mkdir -p "$project/generated"
cat > "$project/pyproject.toml" <<'TOML'
[project]
name = "shop"

[tool.asynclint]
extend-exclude = ["generated"]
TOML
# Line 5 blocks the event loop (AL201).
printf 'import time\n\n\nasync def pause():\n    time.sleep(1)\n' > "$project/bad.py"
printf 'import asyncio\n\n\nasync def pause():\n    await asyncio.sleep(1)\n' > "$project/good.py"
# client.fetch is async; app.py, line 5, drops its coroutine (AL101). Only app.py is
# named below: the hook must still know client.py.
printf 'async def fetch(url):\n    return url\n' > "$project/client.py"
printf 'from client import fetch\n\n\nasync def main():\n    fetch("https://example.com")\n' > "$project/app.py"
# Excluded by the configuration: pre-commit names it, --force-exclude skips it.
cp "$project/bad.py" "$project/generated/stub.py"
git -C "$project" init --quiet
git -C "$project" add .
git -C "$project" -c user.name=ci -c user.email=ci@localhost commit --quiet -m "project"

# Runs the hook on the named files; sets `status` and `output`.
try_hook() {
    set +e
    output="$(cd "$project" && "$pre_commit" try-repo "$repo" asynclint --ref "$head" --files "$@" 2>&1)"
    status=$?
    set -e
    echo "$output"
}

echo "== the good file passes"
try_hook good.py generated/stub.py
[ "$status" -eq 0 ] || fail "hook on good.py and an excluded file exited $status, expected 0"
grep -Eq '^asynclint\.+Passed$' <<<"$output" || fail "no 'asynclint...Passed' line for good.py"

echo "== the bad files fail with their findings"
try_hook bad.py good.py app.py
[ "$status" -eq 1 ] || fail "hook on bad.py exited $status, expected 1"
grep -Eq '^asynclint\.+Failed$' <<<"$output" || fail "no 'asynclint...Failed' line"
grep -q 'AL201 blocking-sleep' <<<"$output" || fail "AL201 not reported"
grep -q 'bad.py:5:5' <<<"$output" || fail "AL201 not at bad.py:5:5"
grep -q 'AL101 unawaited-coroutine' <<<"$output" || fail "AL101 across modules not reported"
grep -q 'app.py:5:5' <<<"$output" || fail "AL101 not at app.py:5:5"
grep -q 'Found 2 problems in 2 files (3 files scanned)' <<<"$output" \
    || fail "expected exactly 2 problems in the 3 named files"
if grep -q 'good.py:' <<<"$output"; then fail "good.py was reported"; fi

echo "pre-commit-check: passed"
