#!/bin/sh
# SPDX-License-Identifier: MIT
# The flight recorder and bounded files on the live kernel (capture/RECORDER.md):
#  1. a ring capture triggered by a real allocation failure (failalloc: a
#     memory-cgroup charge failure, no memory pressure) writes one dump that
#     holds the trigger record, replays (exit 0) from a snapshot start state
#     and is complete;
#  2. --switch-output gives several files, each complete and replaying from
#     its own snapshot; --keep deletes the oldest;
#  3. 'free-order9<N' with an N no zone reaches fires at the first reading;
#  4. --max-size stops a capture cleanly below the bound;
#  5. a dump asked for with capture --dump PIDFILE holds a request trigger.
# Skips (77) without root or BPF, unless BUDDYSCOPE_REQUIRE_CAPTURE=1.
# usage: test_recorder_live.sh BUDDYSCOPE FAILALLOC WORKDIR
set -u
bs=$1 failalloc=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/live_checks.sh"
[ "$(id -u)" = 0 ] || skip "not root"
command -v jq >/dev/null || skip "jq is not installed"
# A one-second capture says whether BPF works here at all.
if ! "$bs" capture -o "$work/probe.bst" -d 0.2 -q --no-snapshot 2>"$work/err"; then
	skip "capture does not run here: $(head -c 300 "$work/err")"
fi
info() { "$bs" info --json "$1" 2>/dev/null; }
# replays FILE: exit 0, start state a snapshot, trace complete
replays_from_snapshot() {
	"$bs" replay "$1" --db "$work/runs.db" --json --sample-interval-ms 0 >"$work/replay.json" \
		2>"$work/replay.err" || { sed 's/^/    /' "$work/replay.err" >&2; return 1; }
	[ "$(jq -r .start_state "$work/replay.json")" = snapshot ] &&
		[ "$(jq -r .trace_complete "$work/replay.json")" = true ]
}
one_file() { set -- $1; [ $# -eq 1 ] && [ -f "$1" ]; }
# A command for capture that waits (POLL_S at most: a bound for a hang, not a
# time anything needs) until a file matching the glob $1 exists, then runs $2.
# The captures below end on such handshakes, never on a sleep: a starved
# recorder switches files and drains events late, but in the same order.
POLL_S=120
wait_for_file() {
	printf 'i=0; until ls %s >/dev/null 2>&1; do [ $i -lt %d ] || { echo "no %s after %d s" >&2; exit 1; }; sleep 0.1; i=$((i + 1)); done; %s' \
		"$1" $((POLL_S * 10)) "$1" "$POLL_S" "${2:-:}"
}

# 1. ring + alloc-fail: segments of 1 s, so the dump joins several: the
# allocation fails once the ring holds two finished segments (the third
# started), and the command ends once the dump is written (a starved drain
# sees the failure late; a capture ended before it would dump nothing).
"$failalloc" 2>"$work/failalloc.err"
case $? in
0) have_failalloc=1 ;;
77) have_failalloc=0; echo "note: no memory cgroup here, the alloc-fail part is left out: $(cat "$work/failalloc.err")" ;;
*) bad "failalloc did not make an allocation fail: $(cat "$work/failalloc.err")"; have_failalloc=0 ;;
esac
if [ $have_failalloc = 1 ]; then
	after_dump=$(wait_for_file "'$work/ring.0001.'*.bst")
	ring_cmd=$(wait_for_file "'$work/ring.ring/segment.0003.'*" "'$failalloc' && { $after_dump; }")
	"$bs" capture -o "$work/ring.bst" --ring 16M --snapshot-interval 1 --trigger alloc-fail \
		--post 0.5 -q -- sh -c "$ring_cmd" 2>"$work/ring.err"
	check "ring capture exit 0 ($(tail -c 300 "$work/ring.err"))" [ $? -eq 0 ]
	dump=$(ls "$work"/ring.0001.*.bst 2>/dev/null)
	check "one dump written: '$dump'" one_file "$dump"
	check "the ring directory is gone at the end" [ ! -e "$work/ring.ring" ]
	if [ -n "$dump" ]; then
		info "$dump" >"$work/ring.json"
		check "dump complete" [ "$(jq -r .complete "$work/ring.json")" = true ]
		check "dump holds an alloc-fail trigger of order 3" \
			[ "$(jq -r '[.triggers[] | select(.kind == "alloc-fail" and .order == 3)] | length' "$work/ring.json")" -ge 1 ]
		check "dump holds the failed allocation" \
			[ "$(jq -r .failed_allocations "$work/ring.json")" -ge 1 ]
		check "dump replays from a snapshot" replays_from_snapshot "$dump"
	fi
fi

# 2. switch-output every 1 s until the fourth file is begun (however long a
# loaded host makes a second: here the first file once took 3.4 s, and "-d 4"
# made only two): 4 files made, --keep 2 leaves 2.
sw_cmd=$(wait_for_file "'$work/sw.0004.'*")
"$bs" capture -o "$work/sw.bst" --switch-output 1s --keep 2 -q -- sh -c "$sw_cmd" 2>"$work/sw.err"
check "switch-output exit 0 ($(tail -c 300 "$work/sw.err"))" [ $? -eq 0 ]
n=$(ls "$work"/sw.*.bst 2>/dev/null | wc -l)
check "--keep 2 kept 2 files (found $n)" [ "$n" -eq 2 ]
check "the first file was deleted" [ -z "$(ls "$work"/sw.0001.*.bst 2>/dev/null)" ]
for f in "$work"/sw.*.bst; do
	check "$f complete" [ "$(info "$f" | jq -r .complete)" = true ]
	check "$f replays from a snapshot" replays_from_snapshot "$f"
done

# 3. free-order9 below a count no zone has: fires at the first reading.
"$bs" capture -o "$work/fo.bst" --ring 16M --trigger 'free-order9<100000000' --post 0 -d 3 -c 200 \
	-q 2>"$work/fo.err"
check "free-order capture exit 0" [ $? -eq 0 ]
dump=$(ls "$work"/fo.0001.*.bst 2>/dev/null)
check "free-order dump written" one_file "$dump"
[ -n "$dump" ] && check "free-order trigger recorded with its limit" \
	[ "$(info "$dump" | jq -r '[.triggers[] | select(.kind == "free-order" and .order == 9 and .limit == 100000000 and .value < 100000000)] | length')" -ge 1 ]

# 4. --max-size: the churn runs until the capture stops itself below 4 MiB, complete.
churn=$(dirname "$failalloc")/../../bench/capture_overhead/churn
# churn rounds until capture ends it: how many events a round leaves in the
# file depends on how many a starved drain lost, so no fixed count of rounds
# is sure to fill a bound. churn's workers outlive the SIGTERM its parent
# gets: short rounds, and not on our stdout. -d bounds a hang only.
churn_on="while :; do '$churn' 2 64 4 || exit 1; done"
if [ -x "$churn" ]; then
	"$bs" capture -o "$work/max.bst" --max-size 4M -d $POLL_S --no-snapshot -q -- sh -c "$churn_on" \
		>/dev/null 2>"$work/max.err"
	check "max-size capture exit 0 ($(tail -c 300 "$work/max.err"))" [ $? -eq 0 ]
	check "max-size said why it stopped" grep -q -- "--max-size 4.0 MiB reached" "$work/max.err"
	size=$(stat -c %s "$work/max.bst" 2>/dev/null || echo 0)
	check "max-size file below 4 MiB ($size bytes)" [ "$size" -gt 0 -a "$size" -lt 4194304 ]
	check "max-size file complete" [ "$(info "$work/max.bst" | jq -r .complete)" = true ]
else
	echo "note: no churn at $churn: the --max-size part is left out"
fi

# 5. capture --dump PIDFILE while a ring records.
"$bs" capture -o "$work/req.bst" --ring 16M --pidfile "$work/pid" -d $POLL_S -q 2>"$work/req.err" &
rec=$!
i=0
while [ ! -s "$work/pid" ] && [ $i -lt $((POLL_S * 10)) ]; do sleep 0.1; i=$((i + 1)); done
"$bs" capture --dump "$work/pid" 2>>"$work/req.err"
check "capture --dump exit 0" [ $? -eq 0 ]
i=0
while [ -z "$(ls "$work"/req.0001.*.bst 2>/dev/null)" ] && [ $i -lt $((POLL_S * 10)) ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $rec; wait $rec
check "recorder exit 0 after SIGINT ($(tail -c 300 "$work/req.err"))" [ $? -eq 0 ]
check "pidfile removed" [ ! -e "$work/pid" ]
dump=$(ls "$work"/req.0001.*.bst 2>/dev/null)
check "requested dump written" one_file "$dump"
[ -n "$dump" ] && check "requested dump holds a request trigger" \
	[ "$(info "$dump" | jq -r '[.triggers[] | select(.kind == "request")] | length')" -eq 1 ]

# 6. A full disk while switching files (enough churn to fill 3 MiB whatever the compression: field-major
# blocks take ~3 bytes an event): exit 1, the message names the .partial being written,
# which keeps its complete blocks; the files finished before it are complete.
mkdir -p "$work/mnt"
if [ -x "$churn" ] && mount -t tmpfs -o size=3m,mode=0755 buddyscope-rec "$work/mnt" 2>/dev/null; then
	"$bs" capture -o "$work/mnt/full.bst" --switch-output 1M --no-snapshot -q -d $POLL_S -- \
		sh -c "$churn_on" >/dev/null 2>"$work/full.err"
	check "full disk: exit 1" [ $? -eq 1 ]
	check "full disk: the message names the .partial ($(tail -c 300 "$work/full.err"))" \
		grep -q -E "full\.[0-9]{4}\.[0-9T]{15}\.bst\.partial.*No space left on device" "$work/full.err"
	partial=$(ls "$work"/mnt/full.*.bst.partial 2>/dev/null | head -n 1)
	check "full disk: the .partial is readable ($partial)" sh -c "'$bs' info '$partial' >/dev/null 2>&1"
	for f in "$work"/mnt/full.*.bst; do
		[ -e "$f" ] && check "full disk: $f complete" [ "$(info "$f" | jq -r .complete)" = true ]
	done
	umount "$work/mnt"
else
	echo "note: no tmpfs mount or no churn here: the full-disk part is left out"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
