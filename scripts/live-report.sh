#!/bin/sh
# SPDX-License-Identifier: MIT
# The same pipeline as quickstart.sh on this host: capture N seconds (default
# 10) of the live page allocator with eBPF (root), replay it in shadow mode
# and with 13 page orders, and write the report to out-live/ (or $OUT).
# Usage: scripts/live-report.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
out=${OUT:-out-live}
scripts/install-deps.sh
scripts/build.sh
bs=build/cli/buddyscope
rm -rf "$out" && mkdir -p "$out"
$bs capture -o "$out/host.bst" --duration "$secs"
$bs info "$out/host.bst"
$bs replay "$out/host.bst" --db "$out/runs.db" --mode shadow --label "shadow"
$bs replay "$out/host.bst" --db "$out/runs.db" --mode whatif --max-order 13 --label "what-if max-order 13"
$bs report --db "$out/runs.db" -o "$out/report" --compare 1:2
echo
echo "Open $(pwd)/$out/report/index.html in a browser."
