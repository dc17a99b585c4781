#!/bin/sh
# SPDX-License-Identifier: MIT
# Processes: a sweep killed with SIGKILL leaves nothing running, and the
# points it finished are merged by the next sweep into the same
# store (a point cut short is removed and run again).
# usage: test_processes.sh BUDDYSCOPE SAMPLES_DIR WORKDIR
set -u
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
make_tiny_trace
db="$work/sweep.db"
runs() { "$bs" export --db "$1" --format json 2>/dev/null | grep -o '"uuid"' | wc -l; }
# wait_for SECONDS command...: poll (not a timing assertion: the bound only ends a hang)
wait_for() {
	n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
workers_of() { cat /proc/"$1"/task/*/children 2>/dev/null; }

# ---- kill -9 of a sweep: nothing of it runs on -------------------------------
# The points run as threads of the sweep (one decoding pass feeds them all), so
# they end with it. Each point replays the whole sample (seconds): it is running
# when its store appears.
"$bs" sweep "$samples/capture-churn-6.18.bst" --db "$db" --jobs 2 \
	--grid 'watermark-scale-factor=10,20,30,40' >/dev/null 2>"$work/sweep-err" &
sweep=$!
wait_for 60 sh -c "ls '$db'.sweep-$sweep-*.tmp >/dev/null 2>&1" || bad "the sweep started no point"
check "the sweep runs no child process" [ -z "$(workers_of $sweep)" ]
kill -9 $sweep
wait $sweep 2>/dev/null
check "the killed sweep is gone" wait_for 30 sh -c "! kill -0 $sweep 2>/dev/null"

# ---- a stranded point is merged by the next sweep ---------------------------
# Made deterministically: a finished point's store, and one cut short, under
# the names a dead sweep (a pid that cannot exist) would have left.
rm -f "$db"* "$work"/*.tmp
"$bs" replay "$work/tiny.bst" --db "$db.sweep-2147483646-0.tmp" --mode whatif \
	>/dev/null 2>&1 || bad "replay into a stranded point's store"
"$bs" replay "$work/tiny.bst" --db "$db.sweep-2147483646-1.tmp" --mode whatif \
	>/dev/null 2>&1 || bad "replay into a cut-short point's store"
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
c.execute(\"UPDATE runs SET status = 'incomplete'\"); c.commit()" "$db.sweep-2147483646-1.tmp" ||
	bad "cannot mark the cut-short point incomplete"
# (points other than the replays' default settings: merge skips a run it has already)
expect 0 "merged 1 run that an earlier sweep \(pid 2147483646\) finished" \
	"$bs" sweep "$work/tiny.bst" --db "$db" --grid 'watermark-scale-factor=20,30'
check "the cut-short point was removed, and said so" grep -q "removed .*sweep-2147483646-1.tmp" \
	"$work/err"
check "no stranded point left" [ -z "$(ls "$work" | grep 'sweep-.*\.tmp')" ]
n=$(runs "$db")
check "the store holds the stranded run and the two new points ($n)" [ "$n" -eq 3 ]
finish
