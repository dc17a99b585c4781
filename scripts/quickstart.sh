#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command: install what buddyscope needs (Debian 12, as
# root), build it, and run the main job on the bundled sample trace: a shadow
# replay (how faithful is the model?), a what-if replay (the same requests
# with 13 page orders instead of 11) and the report comparing them.
# Results go to out/ (or $OUT); open out/report/index.html.
set -eu
cd "$(dirname "$0")/.."
out=${OUT:-out}
scripts/install-deps.sh
scripts/build.sh
bs=build/cli/buddyscope
trace=traces/samples/capture-churn-6.18.bst
rm -rf "$out/runs.db" "$out/runs.db-wal" "$out/runs.db-shm" "$out/report"
mkdir -p "$out"

echo "== the bundled trace ($trace, see its .note.md)"
$bs info "$trace"
echo "== shadow replay: the model follows the kernel and predicts every pfn"
$bs replay "$trace" --db "$out/runs.db" --mode shadow --label "shadow"
echo "== what-if replay: the same requests with 13 page orders"
$bs replay "$trace" --db "$out/runs.db" --mode whatif --max-order 13 --label "what-if max-order 13"
echo "== report"
$bs report --db "$out/runs.db" -o "$out/report" --compare 1:2
echo
echo "Open $(pwd)/$out/report/index.html in a browser."
