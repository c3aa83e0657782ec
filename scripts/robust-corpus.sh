#!/usr/bin/env bash
# Robustness run over large real code: asynclint must finish every corpus with no
# panic, no crash and no AL000 on a file its language accepts. See ROBUSTNESS.md.
#
# Usage: scripts/robust-corpus.sh [CACHE_DIR]
#   CACHE_DIR  where everything is downloaded, unpacked and reported
#              (default: ${ASYNCLINT_ROBUST_CORPUS:-$HOME/.cache/asynclint-robust})
# Environment:
#   ASYNCLINT  the linter binary (default: <repo>/target/release/asynclint; this
#              script never builds it)
#   STDLIB     the CPython standard library to lint (default: the one of `python3`)
#
# Corpora: the CPython standard library (the local interpreter's: Python 3.11 here),
# homeassistant (the newest wheel, which uses Python 3.14 syntax, and 2026.2.3), the
# async Python packages of scripts/real-corpus.sh, and the Rust crates of
# scripts/rust-corpus.sh (tokio, axum, hyper, reqwest, tonic, sqlx and their
# siblings). Each corpus is linted by one `asynclint check --isolated --select AL000`
# run. Every Python file with an AL000 is then checked by the local CPython
# (`compile()`) and by ruff 0.17.5 with `--target-version py314` (installed into
# CACHE_DIR/venv); every Rust file with an AL000 by rustfmt, which parses with
# rustc's own parser. Outputs left in CACHE_DIR: report.txt (the summary printed at
# the end), al000.tsv (each AL000 with the verdicts), <corpus>.concise / .stderr.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${1:-${ASYNCLINT_ROBUST_CORPUS:-$HOME/.cache/asynclint-robust}}"
CACHE="$(realpath -m -- "$CACHE")"
case "$CACHE/" in
  "$(realpath -- "$REPO_ROOT")"/*)
    echo "error: cache dir $CACHE is inside the repository $REPO_ROOT; pick another" >&2
    exit 2 ;;
esac
mkdir -p "$CACHE/src" "$CACHE/downloads"

BIN="${ASYNCLINT:-$REPO_ROOT/target/release/asynclint}"
if [[ ! -x "$BIN" ]]; then
  echo "error: asynclint binary not found or not executable: $BIN" >&2
  echo "       (build it with \`cargo build --release\`, or set ASYNCLINT)" >&2
  exit 1
fi
BIN="$(realpath -- "$BIN")"

# Each corpus: NAME <TAB> directory to lint.
CORPORA=()

# ------------------------------------------------------------ CPython stdlib ----
STDLIB="${STDLIB:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}"
PY_VERSION="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
CORPORA+=("cpython-$PY_VERSION-stdlib"$'\t'"$STDLIB")

# ------------------------------------------------------------ homeassistant ----
# Wheels only, for the Python version each release is built for, whatever runs here.
fetch_wheel() { # SPEC PYTHON_VERSION
  local spec="$1" python="$2" dl="$CACHE/downloads/${1//[^A-Za-z0-9.=]/_}"
  if [[ ! -d "$dl" ]] || ! ls "$dl"/*.whl >/dev/null 2>&1; then
    mkdir -p "$dl"
    echo "fetching $spec (wheel for Python $python)" >&2
    pip download --quiet --no-deps --only-binary=:all: --python-version "$python" \
      "$spec" -d "$dl" >&2
  fi
  local wheel
  wheel="$(ls "$dl"/*.whl | sed -n 1p)"
  local name
  name="$(basename "$wheel" | cut -d- -f1-2)"
  if [[ ! -f "$CACHE/src/$name/.unpacked" ]]; then
    rm -rf "$CACHE/src/$name"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$wheel" "$CACHE/src/$name"
    touch "$CACHE/src/$name/.unpacked"
  fi
  CORPORA+=("$name"$'\t'"$CACHE/src/$name")
}
fetch_wheel homeassistant 3.14.2
fetch_wheel homeassistant==2026.2.3 3.13.2

# ------------------------------------------------- async Python packages ----
# scripts/real-corpus.sh fetches and unpacks its pinned packages (and prints its
# own findings table, kept in the log).
echo "fetching the async Python packages (scripts/real-corpus.sh)" >&2
ASYNCLINT="$BIN" bash "$REPO_ROOT/scripts/real-corpus.sh" "$CACHE/python-packages" \
  >"$CACHE/real-corpus.log" 2>&1 || {
  echo "error: scripts/real-corpus.sh failed; see $CACHE/real-corpus.log" >&2
  exit 1
}
CORPORA+=("async-python-packages"$'\t'"$CACHE/python-packages/src")

# ------------------------------------------------------------- Rust crates ----
echo "fetching the Rust crates (scripts/rust-corpus.sh)" >&2
ASYNCLINT="$BIN" bash "$REPO_ROOT/scripts/rust-corpus.sh" "$CACHE/rust-crates" \
  >"$CACHE/rust-corpus.log" 2>&1 || {
  echo "error: scripts/rust-corpus.sh failed; see $CACHE/rust-corpus.log" >&2
  exit 1
}
# The crates' source directories, from the metadata rust-corpus.sh left behind.
while IFS=$'\t' read -r label dir; do
  CORPORA+=("$label"$'\t'"$dir")
done < <(python3 - "$CACHE/rust-crates/metadata.json" <<'PY'
import json, os, sys
meta = json.load(open(sys.argv[1]))
packages = {p["id"]: p for p in meta["packages"]}
root = next(n for n in meta["resolve"]["nodes"] if n["id"] == meta["resolve"]["root"])
for dep in root["deps"]:
    package = packages[dep["pkg"]]
    print(f"{package['name']}-{package['version']}\t{os.path.dirname(package['manifest_path'])}")
PY
)

# ------------------------------------------------------------------- lint ----
SUMMARY="$CACHE/summary.tsv"
: >"$SUMMARY"
for corpus in "${CORPORA[@]}"; do
  IFS=$'\t' read -r name dir <<<"$corpus"
  echo "linting $name ($dir)" >&2
  start=$(date +%s.%N)
  set +e
  (cd "$(dirname "$dir")" && "$BIN" check --isolated --select AL000 --format concise \
    "$(basename "$dir")" >"$CACHE/$name.concise" 2>"$CACHE/$name.stderr")
  rc=$?
  set -e
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%s\n' "$name" "$dir" "$rc" "$(awk "BEGIN { print $end - $start }")" >>"$SUMMARY"
done

# --------------------------------------------------------- check the AL000s ----
VENV="$CACHE/venv"
if [[ ! -x "$VENV/bin/ruff" ]]; then
  echo "installing ruff 0.17.5 into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet ruff==0.17.5 >&2
fi

python3 - "$CACHE" "$SUMMARY" "$VENV/bin/ruff" <<'PY' | tee "$CACHE/report.txt"
import json, os, re, subprocess, sys
from collections import Counter

cache, summary, ruff = sys.argv[1:4]
corpora = [line.rstrip("\n").split("\t") for line in open(summary) if line.strip()]
line_re = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?P<col>\d+): AL000 \[syntax-error\] (?P<message>.*)$")

def kind(message):
    if message.startswith("internal error"):
        return "panic"
    if message.startswith("nested more than"):
        return "too deep"
    if message.startswith("syntax error"):
        return "syntax"
    if message.startswith("cannot read"):
        return "unreadable"
    return "encoding"

def cpython_verdict(path):
    """What the local CPython says: None when it compiles, else its error."""
    try:
        with open(path, "rb") as f:
            compile(f.read(), path, "exec", dont_inherit=True)
        return None
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        return f"{type(error).__name__}: {error}".replace("\t", " ").replace("\n", " ")[:160]
    except RecursionError:
        return "RecursionError (too deep for CPython)"
    except MemoryError:
        return "MemoryError"

def ruff_verdicts(paths):
    """Files ruff 0.17.5 (target py314) finds syntax errors in: path -> first error."""
    errors = {}
    for start in range(0, len(paths), 200):
        chunk = paths[start:start + 200]
        run = subprocess.run(
            [ruff, "check", "--isolated", "--no-cache", "--target-version", "py314",
             "--select", "E9", "--output-format", "json", "--exit-zero", *chunk],
            capture_output=True, text=True)
        for item in json.loads(run.stdout or "[]"):
            if item.get("code") in (None, "E999", "invalid-syntax") or "SyntaxError" in item.get("message", ""):
                errors.setdefault(os.path.abspath(item["filename"]), item["message"][:160])
    return errors

def rustfmt_verdict(path):
    """None when rustfmt (rustc's parser) parses the file in some edition, else its error."""
    last = ""
    source = open(path, "rb").read()
    for edition in ("2021", "2024", "2018", "2015"):
        # From stdin: the file alone, without the `mod` files it names.
        run = subprocess.run(["rustfmt", "--edition", edition], input=source,
                             capture_output=True)
        run.stderr = run.stderr.decode(errors="replace")
        if "error" not in run.stderr:
            return None
        last = next((l for l in run.stderr.splitlines() if l.startswith("error")), run.stderr[:160])
    return last[:160]

rows, al000s = [], []
for name, directory, rc, seconds in corpora:
    base = os.path.dirname(directory)
    stderr = open(os.path.join(cache, name + ".stderr"), errors="replace").read()
    scanned = re.search(r"\((\d+) files? scanned\)", stderr)
    crashed = (rc not in ("0", "1", "2")) or "panicked" in stderr or "overflow" in stderr
    kinds = Counter()
    for line in open(os.path.join(cache, name + ".concise"), errors="replace"):
        match = line_re.match(line.rstrip("\n"))
        if not match:
            continue
        k = kind(match["message"])
        kinds[k] += 1
        al000s.append((name, os.path.join(base, match["path"]), match["line"], k, match["message"]))
    io_errors = sum(1 for l in stderr.splitlines() if l.startswith("error: "))
    rows.append((name, scanned.group(1) if scanned else "?", rc, float(seconds), kinds, io_errors, crashed))

python_files = sorted({path for _, path, _, _, _ in al000s if path.endswith((".py", ".pyi"))})
ruff_errors = ruff_verdicts(python_files) if python_files else {}

verdicts = Counter()
with open(os.path.join(cache, "al000.tsv"), "w") as out:
    out.write("corpus\tpath\tline\tkind\tmessage\tverdict\tdetail\n")
    for name, path, line, k, message in al000s:
        if path.endswith((".py", ".pyi")):
            cpython = cpython_verdict(path)
            ruff_error = ruff_errors.get(os.path.abspath(path))
            if cpython is None:
                verdict, detail = "FALSE: CPython compiles it", ""
            elif k == "encoding" and ("unicode error" in cpython or "Unicode" in cpython):
                # ruff does not read undecodable files at all: CPython decides.
                verdict, detail = "correct: CPython cannot decode it either", cpython
            elif ruff_error is None:
                verdict, detail = "UNSURE: CPython rejects, ruff py314 accepts", cpython
            else:
                verdict, detail = "correct: CPython and ruff py314 reject", f"{cpython} | ruff: {ruff_error}"
        else:
            rustfmt = rustfmt_verdict(path)
            verdict, detail = (("FALSE: rustfmt parses it", "") if rustfmt is None
                               else ("correct: rustfmt rejects", rustfmt))
        verdicts[verdict] += 1
        out.write("\t".join([name, path, line, k, message[:160], verdict, detail]) + "\n")

print(f"{'corpus':<34}{'files':>8}{'exit':>6}{'seconds':>9}{'AL000':>7}{'panic':>7}{'deep':>6}{'enc':>5}{'io err':>8}  crash")
for name, scanned, rc, seconds, kinds, io_errors, crashed in rows:
    print(f"{name:<34}{scanned:>8}{rc:>6}{seconds:>9.2f}{sum(kinds.values()):>7}{kinds['panic']:>7}"
          f"{kinds['too deep']:>6}{kinds['encoding']:>5}{io_errors:>8}  {'CRASH' if crashed else 'no'}")
print()
print("AL000 verdicts:")
for verdict, count in sorted(verdicts.items()):
    print(f"  {count:>5}  {verdict}")
print(f"details: {os.path.join(cache, 'al000.tsv')}")
PY
