#!/usr/bin/env bash
# Runs Node 24 (installed on demand into .tools/node) with the given arguments.
set -euo pipefail
bin="$(bash "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh")"
export PATH="$bin:$PATH"
exec node "$@"
