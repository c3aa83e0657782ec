#!/usr/bin/env bash
# Side-by-side speed benchmark of asynclint against ruff's async rules and the `rg`
# floor, on the CPython 3.11 standard library and on Home Assistant; plus the Rust
# crates, memory, and scaling with 1x/2x/4x copies of a corpus. Not part of CI.
#
# Usage: bench/run.sh [--quick] [--with-clippy] [CACHE_DIR]
#   --quick        3 runs per command instead of 10, no scaling series
#   --with-clippy  also time a cold `cargo clippy` of the Rust corpus project
#                  (minutes: it compiles tokio, hyper, axum, ...)
#   CACHE_DIR      where corpora, the pinned ruff and results go
#                  (default: ${ASYNCLINT_BENCH_CACHE:-$HOME/.cache/asynclint-bench})
# Environment:
#   ASYNCLINT  the binary to measure (default: <repo>/target/release/asynclint, built
#              here with `cargo build --release` if missing)
#
# Needs hyperfine and ripgrep (Debian packages; installed with apt-get if missing),
# pip (for the pinned ruff and the homeassistant wheel) and, for the Rust part,
# scripts/rust-corpus.sh's `cargo fetch`. Prints a Markdown table of mean times and
# ratios; the raw hyperfine JSON is left in CACHE_DIR/results/.
set -euo pipefail

RUFF_VERSION=0.17.5
HOMEASSISTANT_VERSION=2026.2.3
RUNS=10
SCALING=1
WITH_CLIPPY=0
CACHE_ARG=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) RUNS=3; SCALING=0 ;;
    --with-clippy) WITH_CLIPPY=1 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1" >&2; exit 2 ;;
    *) CACHE_ARG="$1" ;;
  esac
  shift
done

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$(realpath -m -- "${CACHE_ARG:-${ASYNCLINT_BENCH_CACHE:-$HOME/.cache/asynclint-bench}}")"
case "$CACHE/" in
  "$REPO_ROOT"/*) echo "error: cache dir $CACHE is inside the repository" >&2; exit 2 ;;
esac
mkdir -p "$CACHE/results"

need_apt() {
  command -v "$1" >/dev/null && return
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null \
    || { $sudo apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$2" >/dev/null; }
}
need_apt hyperfine hyperfine
need_apt rg ripgrep

ASYNCLINT="${ASYNCLINT:-$REPO_ROOT/target/release/asynclint}"
if [[ ! -x "$ASYNCLINT" ]]; then
  (cd "$REPO_ROOT" && cargo build --release --locked)
fi

# The pinned ruff, in its own virtualenv.
RUFF="$CACHE/ruff-$RUFF_VERSION/bin/ruff"
if [[ ! -x "$RUFF" ]]; then
  python3 -m venv "$CACHE/ruff-$RUFF_VERSION"
  "$CACHE/ruff-$RUFF_VERSION/bin/pip" install -q "ruff==$RUFF_VERSION"
fi

# Corpora. The stdlib is the machine's CPython 3.11 (site-packages is skipped by both
# tools' default excludes); Home Assistant is the pinned wheel, unpacked.
STDLIB="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
HA="$CACHE/homeassistant-$HOMEASSISTANT_VERSION"
if [[ ! -d "$HA/homeassistant" ]]; then
  pip download -q --no-deps --only-binary=:all: --python-version 3.13.2 \
    "homeassistant==$HOMEASSISTANT_VERSION" -d "$CACHE/wheels"
  mkdir -p "$HA"
  python3 -m zipfile -e "$CACHE/wheels/homeassistant-$HOMEASSISTANT_VERSION-py3-none-any.whl" "$HA"
  rm -rf "$HA"/homeassistant-*.dist-info
fi

RUFF_ARGS="check --isolated --no-cache --select ASYNC,RUF006 --exit-zero --quiet"
ASYNCLINT_ARGS="check --isolated --exit-zero --format concise"

# Mean seconds of a hyperfine JSON result.
mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}")' "$1" "$2"; }
peak_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

files_in() { find "$1" -name "$2" -not -path '*/site-packages/*' | wc -l; }

echo "| corpus | files | asynclint | ruff cold | ruff warm | rg floor | ruff cold / asynclint | ruff warm / asynclint | asynclint / rg | peak RSS asynclint / ruff |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for corpus in stdlib:"$STDLIB" homeassistant:"$HA"; do
  name="${corpus%%:*}"; dir="${corpus#*:}"
  json="$CACHE/results/$name.json"
  warm_cache="$CACHE/ruff-warm-cache-$name"
  rm -rf "$warm_cache"
  # shellcheck disable=SC2086
  "$RUFF" check --isolated --select ASYNC,RUF006 --exit-zero --quiet --cache-dir "$warm_cache" "$dir" >/dev/null
  hyperfine -N -w 1 -r "$RUNS" --export-json "$json" \
    -n asynclint "$ASYNCLINT $ASYNCLINT_ARGS $dir" \
    -n ruff-cold "$RUFF $RUFF_ARGS $dir" \
    -n ruff-warm "$RUFF check --isolated --select ASYNC,RUF006 --exit-zero --quiet --cache-dir $warm_cache $dir" \
    -n rg "rg -c --no-messages -t py -g !site-packages async|await $dir" >/dev/null
  a=$(mean "$json" 0); rc=$(mean "$json" 1); rw=$(mean "$json" 2); g=$(mean "$json" 3)
  # shellcheck disable=SC2086
  mem_a=$(peak_kb "$ASYNCLINT" $ASYNCLINT_ARGS "$dir"); mem_r=$(peak_kb "$RUFF" $RUFF_ARGS "$dir")
  printf '| %s | %s | %.3f s | %.3f s | %.3f s | %.3f s | %s | %s | %s | %s / %s MB |\n' \
    "$name" "$(files_in "$dir" '*.py')" "$a" "$rc" "$rw" "$g" \
    "$(ratio "$rc" "$a")" "$(ratio "$rw" "$a")" "$(ratio "$a" "$g")" \
    "$((mem_a / 1024))" "$((mem_r / 1024))"
done

# Rust: the five crates the issue names, from scripts/rust-corpus.sh's fetch.
"$REPO_ROOT/scripts/rust-corpus.sh" "$CACHE/rust" >/dev/null
REGISTRY="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | sed -n 1p)"
RUST_DIRS=()
for crate in tokio-1.54.1 axum-0.8.9 hyper-1.12.0 reqwest-0.13.5 tonic-0.14.9; do
  RUST_DIRS+=("$REGISTRY$crate")
done
json="$CACHE/results/rust.json"
hyperfine -N -w 1 -r "$RUNS" --export-json "$json" \
  -n asynclint "$ASYNCLINT $ASYNCLINT_ARGS ${RUST_DIRS[*]}" >/dev/null
echo
echo "Rust (tokio, axum, hyper, reqwest, tonic; $(find "${RUST_DIRS[@]}" -name '*.rs' | wc -l) files): asynclint $(mean "$json" 0) s"
if [[ $WITH_CLIPPY -eq 1 ]]; then
  (cd "$CACHE/rust/fetch" && cargo clean -q && start=$(date +%s.%N) \
    && cargo clippy -q --offline >/dev/null 2>&1; end=$(date +%s.%N); \
    echo "cold cargo clippy of the project using them: $(python3 -c "print(f'{$end-$start:.1f}')") s")
fi

# Scaling: the stdlib copied 1x, 2x, 4x side by side.
if [[ $SCALING -eq 1 ]]; then
  echo
  echo "| copies | files | asynclint | ruff cold |"
  echo "|---|---|---|---|"
  for n in 1 2 4; do
    dir="$CACHE/scaling/$n"
    if [[ ! -d "$dir" ]]; then
      for i in $(seq 1 "$n"); do
        mkdir -p "$dir"
        cp -a "$STDLIB" "$dir/copy$i"
        rm -rf "$dir/copy$i/site-packages"
      done
    fi
    json="$CACHE/results/scaling-$n.json"
    hyperfine -N -w 1 -r "$RUNS" --export-json "$json" \
      -n asynclint "$ASYNCLINT $ASYNCLINT_ARGS $dir" \
      -n ruff-cold "$RUFF $RUFF_ARGS $dir" >/dev/null
    printf '| %s | %s | %.3f s | %.3f s |\n' "$n" "$(files_in "$dir" '*.py')" "$(mean "$json" 0)" "$(mean "$json" 1)"
  done
fi
