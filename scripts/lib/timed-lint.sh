# Shared by the corpus scripts: one timed `asynclint check --format json` run.
#
#   timed_lint BIN OUT ERR PATHS...
#
# Writes the findings to OUT and stderr to ERR, sets `start` and `end` (seconds since
# the epoch, with nanoseconds) around the single run, and exits the calling script
# with an error if asynclint failed.
timed_lint() {
  local bin="$1" out="$2" err="$3"
  shift 3
  local rc
  start=$(date +%s.%N)
  set +e
  "$bin" check --format json --exit-zero "$@" >"$out" 2>"$err"
  rc=$?
  set -e
  end=$(date +%s.%N)
  if [[ $rc -ne 0 ]]; then
    echo "error: asynclint exited with $rc; stderr:" >&2
    head -n 40 "$err" >&2
    exit 1
  fi
}
