#!/bin/sh
# SPDX-License-Identifier: MIT
# Record this host's allocator state for the model_formulas tests: the vm
# sysctls that shape watermarks and pcp sizes, CPUs, THP mode, /proc/zoneinfo,
# /proc/pagetypeinfo (root), and buddyinfo together with the kernel's own
# fragmentation indices from debugfs (root; mounted for the read and unmounted
# again if it was not mounted). Usage: record.sh [DATA_DIR]
set -eu
out=${1:-$(dirname "$0")/data}
mkdir -p "$out/proc_sys_vm"
for f in min_free_kbytes watermark_scale_factor watermark_boost_factor \
	 lowmem_reserve_ratio percpu_pagelist_high_fraction; do
	cat /proc/sys/vm/$f > "$out/proc_sys_vm/$f"
done
nproc > "$out/nproc"
cat /sys/devices/system/cpu/online > "$out/cpu_online"
cat /sys/kernel/mm/transparent_hugepage/enabled > "$out/thp_enabled"
cat /proc/zoneinfo > "$out/zoneinfo"
if [ -r /proc/pagetypeinfo ] && cat /proc/pagetypeinfo > "$out/pagetypeinfo.tmp" 2>/dev/null; then
	mv "$out/pagetypeinfo.tmp" "$out/pagetypeinfo"
else
	rm -f "$out/pagetypeinfo.tmp"
	echo "record.sh: /proc/pagetypeinfo not readable (needs root); skipped" >&2
fi

# buddyinfo and the debugfs indices must describe the same free counts: keep
# a sample only when buddyinfo read before and after the indices agrees.
dbg=/sys/kernel/debug
mounted_here=0
if [ ! -d $dbg/extfrag ] && [ "$(id -u)" = 0 ]; then
	mount -t debugfs none $dbg 2>/dev/null && mounted_here=1 || true
fi
if [ -r $dbg/extfrag/extfrag_index ]; then
	ok=0
	for try in $(seq 1 200); do
		b1=$(cat /proc/buddyinfo)
		e=$(cat $dbg/extfrag/extfrag_index)
		u=$(cat $dbg/extfrag/unusable_index)
		b2=$(cat /proc/buddyinfo)
		if [ "$b1" = "$b2" ]; then
			printf '%s\n' "$b1" > "$out/buddyinfo"
			printf '%s\n' "$e" > "$out/extfrag_index"
			printf '%s\n' "$u" > "$out/unusable_index"
			ok=1
			break
		fi
	done
	[ $ok = 1 ] || echo "record.sh: buddyinfo never stable across the debugfs reads" >&2
else
	echo "record.sh: debugfs extfrag not available; indices skipped" >&2
fi
[ $mounted_here = 1 ] && umount $dbg
{
	echo "kernel: $(uname -r)"
	echo "version: $(cat /proc/version)"
	echo "recorded: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "command: tests/model_formulas/record.sh"
} > "$out/RECORDED"
