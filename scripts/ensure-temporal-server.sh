#!/usr/bin/env bash
# Builds the pinned Temporal server and its sql tool (go.temporal.io/server) once, into a cache outside
# the clone that later runs and CI on the same machine reuse, with the server's PostgreSQL schemas
# beside them. Prints the cache folder: bin/temporal-server, bin/temporal-sql-tool,
# schema/postgresql/v12/{temporal,visibility}/versioned. Needs Go and the Go module proxy; the first
# build takes 5–11 minutes on 2 cores.
set -euo pipefail
version=${TEMPORAL_SERVER_VERSION:-v1.32.1}
cache=${ONEWINDOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/onewindow}/temporal-server-$version

ready() { [[ -x $cache/bin/temporal-server && -x $cache/bin/temporal-sql-tool && -d $cache/schema/postgresql/v12 ]]; }
if ready; then echo "$cache"; exit 0; fi

[[ -x /usr/local/go/bin/go ]] && ! command -v go >/dev/null && export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "Go is needed to build the Temporal server (apt-get install golang, or https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$cache"
# Two runs at once (CI and a developer, say) build once: the second waits for the first.
exec 9>"$cache/.lock"
flock 9
if ready; then echo "$cache"; exit 0; fi

echo "building Temporal server $version and its sql tool into $cache (once; 5-11 minutes on 2 cores)" >&2
partial="$cache/bin.partial"
rm -rf "$partial"
started=$SECONDS
GOBIN="$partial" GOFLAGS=-mod=mod go install "go.temporal.io/server/cmd/server@$version" "go.temporal.io/server/cmd/tools/sql@$version" >&2
mv "$partial/server" "$partial/temporal-server"
mv "$partial/sql" "$partial/temporal-sql-tool"
module=$(GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$version" | sed -nE 's/^\s*"Dir": "([^"]+)".*/\1/p')
rm -rf "$cache/schema"
mkdir -p "$cache/schema"
cp -r "$module/schema/postgresql" "$cache/schema/"
chmod -R u+w "$cache/schema"
rm -rf "$cache/bin"
mv "$partial" "$cache/bin"
echo "built in $((SECONDS - started)) s: $("$cache/bin/temporal-server" --version 2>&1 | head -1)" >&2
echo "$cache"
