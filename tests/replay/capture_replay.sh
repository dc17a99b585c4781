#!/bin/sh
# SPDX-License-Identifier: MIT
# Privileged: capture a few seconds of this machine's page allocator with
# `buddyscope capture`, replay it in shadow mode, and report the model's
# pfn prediction rate and checkpoint distance. Skips (77) where capture or
# BPF is not available, unless BUDDYSCOPE_REQUIRE_CAPTURE=1.
# usage: capture_replay.sh BUDDYSCOPE WORK_DIR
set -u
bin=$1 work=$2
skip() {
	echo "skip: $*"
	if [ "${BUDDYSCOPE_REQUIRE_CAPTURE:-0}" = 1 ]; then
		echo "FAIL: BUDDYSCOPE_REQUIRE_CAPTURE=1 and the capture could not run"
		exit 1
	fi
	exit 77
}
fail() { echo "FAIL: $*"; exit 1; }

"$bin" capture --help >/dev/null 2>&1 || skip "this build has no capture command"
[ "$(id -u)" = 0 ] || skip "capture needs root"
mkdir -p "$work"
rm -f "$work/cap.bst" "$work/cap.db" "$work/cap.db-wal" "$work/cap.db-shm"
# The capture ends with its command: about 3 s of file churn, and at least
# 10 rounds of it however slow a loaded machine makes them.
"$bin" capture -o "$work/cap.bst" -q -- sh -c '
	end=$(($(date +%s) + 3)) i=0
	while [ $i -lt 10 ] || [ "$(date +%s)" -lt $end ]; do
		dd if=/dev/zero of="$0/churn" bs=1M count=16 2>/dev/null
		cat "$0/churn" > /dev/null; rm -f "$0/churn"; sleep 0.05
		i=$((i + 1))
	done' "$work" >"$work/capture.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	cat "$work/capture.log"
	grep -qiE 'not permitted|denied|refused|EPERM|built without' "$work/capture.log" &&
		skip "BPF is not permitted here"
	fail "capture exited with $rc"
fi
"$bin" replay "$work/cap.bst" --db "$work/cap.db" --json >"$work/summary.json" 2>"$work/replay.log"
rc=$?
[ $rc -eq 0 ] || { cat "$work/replay.log"; fail "replay exited with $rc"; }
field() { sed -n "s/^  \"$1\": \\(.*\\),\$/\\1/p" "$work/summary.json" | head -1; }
events=$(field events)
rate=$(field pfn_prediction_rate)
ckpts=$(field checkpoints)
dmean=$(field checkpoint_distance_mean)
dmax=$(field checkpoint_distance_max)
start=$(field start_state)
echo "captured and replayed: $events events, start state $start"
echo "pfn prediction rate: $rate"
echo "checkpoints: $ckpts, distance mean $dmean, max $dmax"
[ -n "$events" ] && [ "$events" -gt 0 ] || fail "no events replayed"
[ -n "$ckpts" ] && [ "$ckpts" -ge 1 ] || fail "no checkpoint compared"
case "$rate" in null|"") fail "no pfn prediction rate" ;; esac
case "$dmean" in null|"") fail "no checkpoint distance" ;; esac
exit 0
