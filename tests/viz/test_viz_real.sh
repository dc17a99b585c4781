#!/bin/sh
# SPDX-License-Identifier: MIT
# The quick start's report on the bundled capture, its numbers recomputed from
# the store (check_numbers.py): the verdicts of a shadow replay and a 13-order
# what-if, and the comparison's orders 11-12, which only the what-if has.
# usage: test_viz_real.sh BUDDYSCOPE SRCDIR TRACE WORKDIR
set -u
bs=$1 src=$2 trace=$3 work=$4
rm -rf "$work" && mkdir -p "$work" || exit 1
"$bs" replay "$trace" --db "$work/runs.db" --mode shadow --label shadow >/dev/null || exit 1
"$bs" replay "$trace" --db "$work/runs.db" --mode whatif --max-order 13 \
	--label "what-if max-order 13" >/dev/null || exit 1
"$bs" report --db "$work/runs.db" -o "$work/rep" --format svg --compare 1:2 || exit 1
python3 "$src/check_numbers.py" "$work/rep" "$work/runs.db" 1 2 || exit 1
# the what-if's order 11-12 blocks are said to exist in it only
grep -q "Orders 11-12 exist in run 2 only" "$work/rep/index.html" || {
	echo "FAIL: the comparison does not say which orders only run 2 has" >&2
	exit 1
}
# replay --maps N stores N pageblock maps between the start and the end of
# every zone: N + 2 distinct times, and report --at picks among them
"$bs" replay "$trace" --db "$work/maps.db" --maps 10 >/dev/null || exit 1
times=$(sqlite3 "$work/maps.db" "SELECT COUNT(DISTINCT t_ns) FROM pbmaps WHERE zone_idx = 0")
[ "$times" = 12 ] || {
	echo "FAIL: replay --maps 10 stored maps at $times times, not 12" >&2
	exit 1
}
"$bs" report --db "$work/maps.db" -o "$work/maps" --format svg --at 0.5,1,1.5 >/dev/null || exit 1
exit 0
