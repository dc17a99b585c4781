#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks that whatif_vs_kernel.py puts every sysctl back when it is stopped in
# the middle of a run: starts it on vm.watermark_scale_factor, waits until the
# other setting (B) is in force, then sends SIGINT to its whole process group
# (what Ctrl-C in a terminal does), then the same with SIGTERM to the script
# alone, and compares the three sysctls with their values before. Needs root.
# usage: restore_check.sh BUDDYSCOPE
set -u
[ $# -eq 1 ] || { echo "usage: $0 BUDDYSCOPE" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
buddyscope=$1
vm=/proc/sys/vm
names="percpu_pagelist_high_fraction watermark_scale_factor min_free_kbytes"
snapshot() { for n in $names; do printf '%s=%s ' "$n" "$(cat $vm/$n)"; done; }
before=$(snapshot)
wsf=$(cat $vm/watermark_scale_factor)
out=$(mktemp -d /tmp/buddyscope-restore-check.XXXXXX)
status=0
for how in "INT group" "TERM script"; do
	set -- $how
	setsid python3 "$here/whatif_vs_kernel.py" "$buddyscope" --only watermark_scale_factor \
		--runs 2 --rounds 3 --out "$out/$1" >"$out/$1.log" 2>&1 &
	pid=$!
	# wait (at most 60 s) for the run under B, then stop it 1 s into that run
	i=0
	while [ "$(cat $vm/watermark_scale_factor)" = "$wsf" ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	during=$(cat $vm/watermark_scale_factor)
	sleep 1
	if [ "$2" = group ]; then kill -"$1" -"$pid"; else kill -"$1" "$pid"; fi
	wait "$pid"
	rc=$?
	after=$(snapshot)
	if [ "$during" = "$wsf" ]; then
		echo "restore_check: SIG$1: B never came into force (see $out/$1.log)"
		status=1
	elif [ "$after" != "$before" ]; then
		echo "restore_check: FAIL SIG$1 to the $2 (exit $rc): before: $before after: $after"
		status=1
	else
		echo "restore_check: ok   SIG$1 to the $2 during B (watermark_scale_factor $during)," \
			"exit $rc, sysctls as before: $after"
	fi
done
exit $status
