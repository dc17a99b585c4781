#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command: install what buddyscope needs (Debian 12, as
# root), build it, and run the main job on the bundled sample trace.
# Results go to out/ (or $OUT).
set -eu
cd "$(dirname "$0")/.."
out=${OUT:-out}
scripts/install-deps.sh
scripts/build.sh
bs=build/cli/buddyscope
sample=traces/samples/ftrace-churn-6.18
mkdir -p "$out"

echo "== import the bundled ftrace sample ($sample.txt.zst)"
$bs import --from ftrace "$sample.txt.zst" --sysinfo "$sample.sysinfo" -o "$out/sample.bst"
echo "== info"
$bs info "$out/sample.bst"
