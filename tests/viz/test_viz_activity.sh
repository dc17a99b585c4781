#!/bin/sh
# SPDX-License-Identifier: MIT
# Reclaim and compaction over time in the report (check_activity.py): a
# hand-made text trace with the kernel's kswapd, direct reclaim and
# compaction records, replayed in what-if mode with --compact-at 0.3 (the
# model compacts once), and the same trace without those records replayed
# with reclaim and compaction off (nothing to show); each run's report and
# their comparison.
# usage: test_viz_activity.sh BUDDYSCOPE SRCDIR WORKDIR
set -u
bs=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
python3 "$src/check_activity.py" traces "$work" || exit 1
for t in mm plain; do
	"$bs" import "$work/$t.txt" -o "$work/$t.bst" -q >"$work/import-$t.log" 2>&1 || {
		cat "$work/import-$t.log"
		exit 1
	}
done
"$bs" replay "$work/mm.bst" --db "$work/runs.db" --mode whatif --compact-at 0.3 --no-reclaim \
	--sample-interval-ms 10 >/dev/null || exit 1
"$bs" replay "$work/plain.bst" --db "$work/runs.db" --mode whatif --no-reclaim --no-compaction \
	--sample-interval-ms 10 >/dev/null || exit 1
"$bs" report --db "$work/runs.db" -o "$work/rep" --format png,svg --compare 1:2 >/dev/null || exit 1
python3 "$src/check_activity.py" check "$work/rep" "$work/runs.db" || exit 1
# a window from 0.2 s: the kernel's activity (0.05-0.15 s after time 0) lies before it
"$bs" report --db "$work/runs.db" -o "$work/rep-from" --format png,svg --run 1 --from 0.2 \
	>/dev/null || exit 1
python3 "$src/check_activity.py" from "$work/rep-from" "$work/runs.db"
