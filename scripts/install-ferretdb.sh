#!/usr/bin/env bash
# Builds FerretDB into the machine's Go bin folder when it is missing or of another version. Idempotent;
# Go's build cache makes later builds fast, so a clean clone finds the binary already there.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds but the binary panics at start:
# its version package requires build/version/version.txt, which the release process generates and the
# module zip lacks. So we build the same module, fetched through the Go module proxy, with that one file
# written, exactly as its own `task gen-version` would.
set -euo pipefail
want="v1.24.2"
command -v go >/dev/null 2>&1 || { echo "qinqing: Go is needed to build FerretDB (https://go.dev/doc/install)" >&2; exit 1; }
bin="$(go env GOPATH)/bin/ferretdb"
# Capture first: with pipefail, `grep -q` quitting early would SIGPIPE the binary and fail a good check.
installed_version() { [ -x "$bin" ] && "$bin" --version 2>/dev/null | sed -n 's/^version: //p' || true; }
if [ "$(installed_version)" = "$want" ]; then exit 0; fi

echo "qinqing: building FerretDB $want into $bin (the first build takes a few minutes)..." >&2
started=$(date +%s)
src=$(go mod download -json "github.com/FerretDB/FerretDB@$want" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] && [ -d "$src" ] || { echo "qinqing: go mod download did not give FerretDB's source" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
echo "$want" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
# -v names each package as it is compiled: one dot each, so a long first build visibly progresses.
(cd "$work" && go build -v -trimpath -o "$bin.tmp" ./cmd/ferretdb 2>&1 | while read -r _; do printf '.' >&2; done)
mv "$bin.tmp" "$bin"
echo >&2
[ "$(installed_version)" = "$want" ] || { echo "qinqing: the built FerretDB does not report $want" >&2; exit 1; }
echo "qinqing: FerretDB $want built in $(( $(date +%s) - started ))s" >&2
