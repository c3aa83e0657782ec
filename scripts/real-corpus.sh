#!/usr/bin/env bash
# Run asynclint over a corpus of real async Python packages and report
# findings per rule per package, plus the wall time of the single run.
#
# Usage: scripts/real-corpus.sh [CACHE_DIR]
#   CACHE_DIR  where packages are downloaded and unpacked
#              (default: ${ASYNCLINT_CORPUS:-$HOME/.cache/asynclint-corpus})
# Environment:
#   ASYNCLINT  the linter binary (default: <repo>/target/release/asynclint;
#              if that is missing it is built with `cargo build --release`
#              into CACHE_DIR/target, so nothing is ever written in the repo)
#
# Outputs left in CACHE_DIR: src/<pkg>-<version>/ (unpacked packages),
# findings.json (the raw linter output of the last run).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/timed-lint.sh
source "$REPO_ROOT/scripts/lib/timed-lint.sh"
CACHE="${1:-${ASYNCLINT_CORPUS:-$HOME/.cache/asynclint-corpus}}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

case "$CACHE/" in
  "$REPO_ROOT"/*)
    echo "error: cache dir $CACHE is inside the repository $REPO_ROOT; pick another" >&2
    exit 2 ;;
esac

# Pinned so that runs are comparable over time (versions current as of writing).
PINS=(
  aiohttp==3.14.5
  httpx==0.28.1
  starlette==1.10.0
  fastapi==0.165.0
  uvicorn==0.54.0
  websockets==17.4
  anyio==4.16.0
  redis==8.1.0
  aiokafka==0.14.0
  asyncpg==0.32.0
  sanic==25.12.1
  aiofiles==25.1.0
  motor==3.7.1
  aiobotocore==3.10.0
  python-telegram-bot==22.8
  discord.py==2.7.1
  aiogram==3.31.0
  tortoise-orm==1.1.9
  aiormq==7.2.4
  aio-pika==10.2.1
)

SRC="$CACHE/src"
DL="$CACHE/downloads"
mkdir -p "$SRC" "$DL"

# Unpack one archive (wheel or sdist) into a directory.
unpack() {
  local archive="$1" dest="$2"
  mkdir -p "$dest"
  case "$archive" in
    *.whl|*.zip)
      python3 - "$archive" "$dest" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
      ;;
    *.tar.gz|*.tgz|*.tar.bz2|*.tar.xz|*.tar)
      tar -xf "$archive" -C "$dest" ;;
    *)
      echo "  unknown archive type: $archive" >&2; return 1 ;;
  esac
}

PKG_DIRS=()
for pin in "${PINS[@]}"; do
  name="${pin%%==*}"
  version="${pin##*==}"
  dir="$SRC/$name-$version"
  if [[ -f "$dir/.unpacked" ]]; then
    PKG_DIRS+=("$name-$version")
    continue
  fi
  echo "fetching $pin" >&2
  tmp="$DL/$name-$version"
  rm -rf "$tmp" "$dir"
  mkdir -p "$tmp"
  if ! pip download --quiet --no-deps --prefer-binary "$pin" -d "$tmp" >&2; then
    echo "  warning: could not download $pin; skipped" >&2
    rm -rf "$tmp"
    continue
  fi
  archive="$(find "$tmp" -maxdepth 1 -type f | sed -n 1p)"
  if [[ -z "$archive" ]] || ! unpack "$archive" "$dir"; then
    echo "  warning: could not unpack $pin; skipped" >&2
    rm -rf "$tmp" "$dir"
    continue
  fi
  touch "$dir/.unpacked"
  PKG_DIRS+=("$name-$version")
done

if [[ ${#PKG_DIRS[@]} -eq 0 ]]; then
  echo "error: no package could be fetched" >&2
  exit 1
fi

BIN="${ASYNCLINT:-}"
if [[ -z "$BIN" ]]; then
  BIN="$REPO_ROOT/target/release/asynclint"
  if [[ ! -x "$BIN" ]]; then
    echo "building asynclint (target dir: $CACHE/target)" >&2
    CARGO_TARGET_DIR="$CACHE/target" cargo build --release \
      --manifest-path "$REPO_ROOT/Cargo.toml" >&2
    BIN="$CACHE/target/release/asynclint"
  fi
fi
if [[ ! -x "$BIN" ]]; then
  echo "error: asynclint binary not found or not executable: $BIN" >&2
  exit 1
fi

OUT="$CACHE/findings.json"
cd "$SRC"
timed_lint "$BIN" "$OUT" "$CACHE/stderr.txt" "${PKG_DIRS[@]}"

python3 - "$OUT" "$start" "$end" "$SRC" "${PKG_DIRS[@]}" <<'PY'
import json, os, sys
from collections import Counter, defaultdict

out, start, end, src = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
pkgs = sys.argv[5:]
with open(out) as f:
    findings = json.load(f)

counts = defaultdict(Counter)
rules = set()
for d in findings:
    path = d["path"]
    if os.path.isabs(path):
        path = os.path.relpath(path, src)
    pkg = path.split(os.sep, 1)[0]
    counts[pkg][d["code"]] += 1
    rules.add(d["code"])

py_files = {}
for p in pkgs:
    n = 0
    for _root, _dirs, files in os.walk(os.path.join(src, p)):
        n += sum(1 for fn in files if fn.endswith(".py"))
    py_files[p] = n

ALL = ["AL101","AL102","AL201","AL202","AL203","AL204","AL301","AL302","AL401","AL501"]
rules = ALL + sorted(rules - set(ALL))
w = max([len("package")] + [len(p) for p in pkgs]) + 1
header = f"{'package':<{w}}{'.py':>6}" + "".join(f"{r:>6}" for r in rules) + f"{'total':>7}"
print(header)
print("-" * len(header))
tot = Counter()
for p in pkgs:
    row = f"{p:<{w}}{py_files[p]:>6}"
    for r in rules:
        row += f"{counts[p][r]:>6}"
        tot[r] += counts[p][r]
    row += f"{sum(counts[p].values()):>7}"
    print(row)
print("-" * len(header))
print(f"{'TOTAL':<{w}}{sum(py_files.values()):>6}" + "".join(f"{tot[r]:>6}" for r in rules)
      + f"{sum(tot.values()):>7}")
print()
print(f"packages: {len(pkgs)}   python files: {sum(py_files.values())}   findings: {len(findings)}")
print(f"wall time (one asynclint run): {end - start:.3f} s")
print(f"raw findings: {out}")
PY
