#!/bin/sh
# SPDX-License-Identifier: MIT
# capture and the processes around it: `capture -- CMD` exits with CMD's
# status; SIGHUP ends a capture like SIGTERM (the end block is written); the
# command dies with capture (SIGKILL of capture), and the complete blocks
# stay in OUT.partial while OUT never appears half-written. Needs root and
# BPF: skips (77) without them, unless BUDDYSCOPE_REQUIRE_CAPTURE=1.
# usage: test_capture_faults.sh BUDDYSCOPE WORKDIR
set -u
bs=$1 work=$2
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
if ! "$bs" capture -o "$work/probe.bst" --duration 0.2 --no-snapshot -q 2>"$work/err"; then
	echo "capture is not possible here: $(cat "$work/err")"
	[ "${BUDDYSCOPE_REQUIRE_CAPTURE:-0}" = 1 ] && exit 1
	exit 77
fi
wait_for() {
	n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
complete() { "$bs" info "$1" 2>/dev/null | grep -q complete; }

expect 1 "" "$bs" capture -o "$work/false.bst" --no-snapshot -q -- false
check "capture -- false wrote its trace all the same" complete "$work/false.bst"
expect 3 "" "$bs" capture -o "$work/three.bst" --no-snapshot -q -- sh -c 'exit 3'
expect 0 "" "$bs" capture -o "$work/true.bst" --no-snapshot -q -- true
# The recorder drains at nice -10; the command keeps the caller's nice.
expect 0 "" "$bs" capture -o "$work/nice.bst" --snapshot none -q -- nice
check "COMMAND runs at the caller's nice ($(cat "$work/out"), not the recorder's)" \
	[ "$(cat "$work/out")" = "$(nice)" ]
expect 2 "--snapshot 'walk' is not one of bpf, kpageflags, none" \
	"$bs" capture -o "$work/x.bst" --snapshot walk -- true
expect 2 "--nice '-21' is not a number from -20 to 19" "$bs" capture -o "$work/x.bst" --nice -21
expect 2 "--realtime '0' is not a SCHED_FIFO priority" "$bs" capture -o "$work/x.bst" --realtime 0

# SIGHUP: the capture ends as with SIGTERM, trace complete, command stopped.
"$bs" capture -o "$work/hup.bst" --no-snapshot -q -- sleep 1000 2>"$work/hup-err" &
cap=$!
wait_for 60 sh -c "[ -n \"\$(cat /proc/$cap/task/*/children 2>/dev/null)\" ]" ||
	bad "capture started no command"
child=$(cat /proc/$cap/task/*/children 2>/dev/null)
kill -HUP $cap
wait $cap
check "capture ended by SIGHUP exits 0 ($?)" [ $? -eq 0 ]
check "a capture ended by SIGHUP is complete" complete "$work/hup.bst"
check "no .partial left after a clean end" [ ! -e "$work/hup.bst.partial" ]
check "the command ended with the capture" wait_for 30 sh -c "! kill -0 $child 2>/dev/null"

# SIGKILL: the command dies too; OUT.partial keeps the blocks, OUT never appears.
"$bs" capture -o "$work/killed.bst" --no-snapshot -q -- sleep 1000 2>"$work/kill-err" &
cap=$!
wait_for 60 sh -c "[ -n \"\$(cat /proc/$cap/task/*/children 2>/dev/null)\" ]" ||
	bad "capture started no command"
child=$(cat /proc/$cap/task/*/children 2>/dev/null)
kill -STOP $child 2>/dev/null # it cannot end on its own: only its death signal ends it
kill -9 $cap
wait $cap 2>/dev/null
check "the command ($child) dies with capture" wait_for 30 sh -c "! { kill -0 $child && ! grep -q '^State:.*Z' /proc/$child/status; } 2>/dev/null"
kill -9 $child 2>/dev/null
check "a killed capture leaves no OUT" [ ! -e "$work/killed.bst" ]
check "a killed capture leaves OUT.partial" [ -s "$work/killed.bst.partial" ]
"$bs" info "$work/killed.bst.partial" >"$work/out" 2>&1
check "info reads the partial trace and says it is cut short" grep -q -i "truncated\|intact" "$work/out"
finish
