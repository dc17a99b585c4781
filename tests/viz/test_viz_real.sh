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
