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
