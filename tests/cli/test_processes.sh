#!/bin/sh
# SPDX-License-Identifier: MIT
# Processes: a sweep killed with SIGKILL leaves no worker running, and the
# points its workers finished are merged by the next sweep into the same
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
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
none_alive() { for p in $workers; do alive "$p" && return 1; done; return 0; }
workers_of() { cat /proc/"$1"/task/*/children 2>/dev/null; }

# ---- kill -9 of a sweep: its workers die with it -----------------------------
# Each point replays the whole sample (seconds), so the workers are running when killed.
"$bs" sweep "$samples/capture-churn-6.18.bst" --db "$db" --jobs 2 \
	--grid 'watermark-scale-factor=10,20,30,40' >/dev/null 2>"$work/sweep-err" &
sweep=$!
wait_for 60 sh -c "[ -n \"\$(cat /proc/$sweep/task/*/children 2>/dev/null)\" ]" ||
	bad "the sweep started no worker"
workers=$(workers_of $sweep)
check "the sweep's workers are known" [ -n "$workers" ]
# Stopped, a worker cannot finish on its own: only its death signal ends it.
for p in $workers; do kill -STOP "$p"; done
kill -9 $sweep
wait $sweep 2>/dev/null
check "workers ($workers) end when the sweep is killed" wait_for 30 none_alive
for p in $workers; do kill -9 "$p" 2>/dev/null; done

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
