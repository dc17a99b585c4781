#!/bin/sh
# SPDX-License-Identifier: MIT
# The binary importers on files made here and now, each checked against the
# tool that made it (an independent reader):
#  - a trace.dat from `trace-cmd extract` of a tracefs instance with the
#    seven kmem events a capture records enabled (a short dd, and a
#    rewrite of vm.min_free_kbytes with its own value, which recomputes the
#    watermarks, and a write to compact_memory, whose compaction and vmscan
#    events are enabled too): every record equals `trace-cmd report -t -R`
#    (raw fields, ns times); then one from an 8 KiB-per-cpu instance whose ring buffer
#    overflows: the LOST records equal trace-cmd's "[N EVENTS DROPPED]";
#  - a perf.data from `perf record -e kmem:...`: the counts per event and
#    the first records equal `perf script`'s; one recorded with a 1-page
#    buffer: the lost count equals the sum of perf's PERF_RECORD_LOST lines.
# Needs root, tracefs, trace-cmd and perf: skips (77) without them, unless
# BUDDYSCOPE_REQUIRE_CAPTURE=1. `trace-cmd record` does not work on the
# development VM, so the instance is filled by hand and extracted.
#
# Usage: test_import_real.sh BUDDYSCOPE BST_SUMMARY WORKDIR
set -u
bs=$1 summary=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/../cli/lib.sh"

skip() {
	echo "skip: $*"
	[ "${BUDDYSCOPE_REQUIRE_CAPTURE:-0}" = 1 ] && exit 1
	exit 77
}
T=/sys/kernel/tracing
[ "$(id -u)" -eq 0 ] || skip "not root: tracefs instances and perf record -a need it"
[ -d $T/instances ] || mount -t tracefs tracefs $T 2> /dev/null
[ -d $T/instances ] || skip "no tracefs at $T"
command -v trace-cmd > /dev/null || skip "trace-cmd is not installed (scripts/install-deps.sh --tests)"
command -v perf > /dev/null || skip "perf is not installed (scripts/install-deps.sh --tests)"
# trace-cmd 3.1.6's extract reads (and so empties) the top-level buffer too:
# never take events someone else is tracing there.
[ -z "$(cat $T/set_event)" ] ||
	skip "the top-level tracefs buffer is in use ($(head -c 60 $T/set_event | tr '\n' ' ')); extract would consume it"

workload() {
	dd if=/dev/zero of="$work/f" bs=1M count="$1" status=none
	sync
	rm -f "$work/f"
}

# Fill instance $1 (buffer $2 KiB per cpu) with the kmem events while $3 runs.
record_instance() {
	ri=$1
	mkdir "$T/instances/$ri" || return 1
	echo "$2" > "$T/instances/$ri/buffer_size_kb"
	for e in mm_page_alloc mm_page_free mm_page_free_batched mm_page_alloc_zone_locked \
		 mm_page_pcpu_drain mm_page_alloc_extfrag mm_setup_per_zone_wmarks; do
		[ -d "$T/instances/$ri/events/kmem/$e" ] &&
			echo 1 > "$T/instances/$ri/events/kmem/$e/enable"
	done
	# the reclaim and compaction events of format 1.4 (every compaction event; of vmscan's,
	# the five a capture records), where the kernel has them
	for e in compaction/enable vmscan/mm_vmscan_wakeup_kswapd/enable \
		 vmscan/mm_vmscan_kswapd_wake/enable vmscan/mm_vmscan_kswapd_sleep/enable \
		 vmscan/mm_vmscan_direct_reclaim_begin/enable vmscan/mm_vmscan_direct_reclaim_end/enable; do
		[ -e "$T/instances/$ri/events/$e" ] && echo 1 > "$T/instances/$ri/events/$e"
	done
	eval "$3"
	echo 0 > "$T/instances/$ri/events/kmem/enable"
	for sys in compaction vmscan; do
		[ -d "$T/instances/$ri/events/$sys" ] && echo 0 > "$T/instances/$ri/events/$sys/enable"
	done
}

drop_instance() { rmdir "$T/instances/$1" 2> /dev/null || true; }

# trace-cmd extract -B $1 -o $2. trace-cmd reads /proc/kallsyms twice (its
# size, then its bytes) and fails ("error in size of file '/proc/kallsyms'")
# when it changed in between: every BPF program loaded or unloaded anywhere
# on the host changes it, and a loaded CI host running capture tests does so
# faster than five retries 0.2 s apart could outwait. So trace-cmd reads a
# still copy, bound over /proc/kallsyms in a mount namespace of its own
# (nothing outside it sees the bind); kmem events need no symbol from it.
# Without unshare, the retries are all there is.
extract() {
	still=
	cat /proc/kallsyms > "$work/kallsyms" 2> /dev/null &&
		unshare -m --propagation private true 2> /dev/null && still=1
	for try in 1 2 3 4 5; do
		if [ -n "$still" ]; then
			(cd "$work" && unshare -m --propagation private sh -c \
				'mount --bind "$1" /proc/kallsyms && exec trace-cmd extract -B "$2" -o "$3"' \
				sh "$work/kallsyms" "$1" "$2")
		else
			(cd "$work" && trace-cmd extract -B "$1" -o "$2")
		fi > "$work/extract.log" 2>&1 && return 0
		sleep 0.2
	done
	skip "trace-cmd extract failed: $(tail -2 "$work/extract.log" | tr '\n' ' ')"
}

# trace-cmd report -t -R of instance $2 in bst_summary --records' layout:
# "<ts_ns> <cpu> <pid> <event>: <raw fields>", and "<cpu> <count>" for each
# loss (written to $3).
report_records() {
	trace-cmd report -t -R "$1" 2> /dev/null | awk -v inst="$2:" -v lostf="$3" '
	# The event after a loss follows the "[N EVENTS DROPPED]" text on a
	# line of its own, without the instance prefix.
	$1 != inst && !dropped { next }
	{ dropped = 0 }
	/EVENTS DROPPED\]/ {
		match($0, /CPU:[0-9]+/); cpu = substr($0, RSTART + 4, RLENGTH - 4)
		# "[EVENTS DROPPED]": a loss of unknown size, imported as 1
		n = match($0, /\[[0-9]+ EVENTS/) ? substr($0, RSTART + 1, RLENGTH - 8) : 1
		print cpu, n > lostf; dropped = 1; next
	}
	{
		for (i = 2; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) break
		if (i > NF) next
		cpu = substr($i, 2, length($i) - 2) + 0
		pid = $(i - 1); sub(/.*-/, "", pid)
		ts = $(i + 1); sub(/:$/, "", ts); sub(/\./, "", ts); sub(/^0+/, "", ts)
		rest = ""
		for (j = i + 3; j <= NF; j++) rest = rest " " $j
		print ts, cpu, pid, $(i + 2) rest
	}'
}

# make_dat INSTANCE KIB WORKLOAD OUT: record and extract, retried when the
# instance comes back without a kmem event (another tracefs user on a shared
# machine can reset every instance's buffer).
make_dat() {
	for try in 1 2 3; do
		record_instance "$1" "$2" "$3" || skip "cannot make a tracefs instance"
		extract "$1" "$4"
		drop_instance "$1"
		trace-cmd report "$4" 2> /dev/null | grep -q "^$1: .* mm_page_" && return 0
	done
	skip "instance $1 came back empty three times: is another program resetting tracefs?"
}

# ---- trace.dat ----
inst=bs-import-$$
trap 'drop_instance $inst; drop_instance $inst-loss' EXIT
# compact_memory: a compaction of every zone, so the compaction records are there too
compact=
[ -w /proc/sys/vm/compact_memory ] && compact='; echo 1 > /proc/sys/vm/compact_memory'
# The ring overwrites: compaction's many events go before the one watermark
# recompute (written last, so it is never overwritten) and 4 MiB a cpu keep the
# workload's frees (a 1 MiB ring lost the recompute under load).
make_dat $inst 4096 "workload 8$compact; cat /proc/sys/vm/min_free_kbytes > /proc/sys/vm/min_free_kbytes" \
	"$work/t.dat"
expect 0 "trace.dat" "$bs" import --instance $inst "$work/t.dat" -o "$work/t.bst"
"$summary" --records "$work/t.bst" | grep -v '^[0-9]* [0-9]* lost ' > "$work/t.ours"
report_records "$work/t.dat" $inst "$work/t.lost.report" > "$work/t.theirs"
n=$(wc -l < "$work/t.theirs")
check "trace.dat: trace-cmd reports kmem records ($n)" [ "$n" -gt 100 ]
check "trace.dat: every record equals trace-cmd report -t -R's ($n)" \
	cmp -s "$work/t.ours" "$work/t.theirs"
check "trace.dat: watermark recomputes imported" grep -q ' mm_setup_per_zone_wmarks: node_id=' "$work/t.ours"
check "trace.dat: both kinds of free imported" grep -q ' mm_page_free_batched: pfn=' "$work/t.ours"
if [ -n "$compact" ]; then
	check "trace.dat: compaction runs imported" grep -q ' mm_compaction_end: zone_start=' "$work/t.ours"
else
	echo "note: no /proc/sys/vm/compact_memory (a kernel without CONFIG_COMPACTION): no compaction records"
fi
# Without --instance: the buffers holding kmem events, listed in the summary.
expect 0 "buffer +$inst +imported: [0-9]+ records, $n kmem" "$bs" import "$work/t.dat" -o "$work/t2.bst"

make_dat $inst-loss 8 'workload 32' "$work/l.dat"
expect 0 "" "$bs" import -q --instance $inst-loss "$work/l.dat" -o "$work/l.bst"
"$summary" --records "$work/l.bst" > "$work/l.all"
grep -v '^[0-9]* [0-9]* lost ' "$work/l.all" > "$work/l.ours"
report_records "$work/l.dat" $inst-loss "$work/l.lost.report" > "$work/l.theirs"
check "lossy trace.dat: every record equals trace-cmd's" cmp -s "$work/l.ours" "$work/l.theirs"
awk '$3 == "lost" { print $2, $4 }' "$work/l.all" | sort > "$work/l.lost.ours"
sort "$work/l.lost.report" 2> /dev/null > "$work/l.lost.theirs"
check "lossy trace.dat: LOST records = trace-cmd's EVENTS DROPPED (cpu, count)" \
	cmp -s "$work/l.lost.ours" "$work/l.lost.theirs"
[ -s "$work/l.lost.theirs" ] || echo "note: the 8 KiB instance lost nothing this time"

# ---- perf.data ----
# check_perf_lost LABEL DATA BST: the import's lost count is the sum of perf's
# PERF_RECORD_LOST lines. Any recording can lose samples on a loaded host (one
# loaded run lost 43 %), not only the 1-page one: every recording's loss must be
# accounted for, none may be assumed away.
check_perf_lost() {
	theirs=$(perf script -i "$2" --show-lost-events 2> /dev/null |
		awk '/PERF_RECORD_LOST/ { for (i = 1; i < NF; i++) if ($i == "lost") s += $(i + 1) } END { print s + 0 }')
	ours=$("$summary" "$3" | awk '$1 == "lost_events" { print $2 }')
	check "$1: lost events = perf's PERF_RECORD_LOST sum ($ours, $theirs)" [ "$ours" = "$theirs" ]
}
perf record -q -e kmem:mm_page_alloc -e kmem:mm_page_free -a -o "$work/p.data" \
	-- sh -c "dd if=/dev/zero of=$work/f bs=1M count=8 status=none; rm -f $work/f" \
	> "$work/perf.log" 2>&1 || skip "perf record failed: $(tail -1 "$work/perf.log")"
expect 0 "perf.data" "$bs" import "$work/p.data" -o "$work/p.bst"
perf script -i "$work/p.data" --show-lost-events --ns 2> /dev/null > "$work/p.txt"
for ev in mm_page_alloc mm_page_free; do
	theirs=$(grep -c "kmem:$ev:" "$work/p.txt")
	ours=$("$summary" "$work/p.bst" | awk -v e=$ev '$1 == e { print $2 }')
	check "perf.data: $ev records = perf script's ($ours, $theirs)" [ "$ours" = "$theirs" ]
done
# The first 500 events, field by field (failed allocations aside: perf prints pfn 0).
awk '/ kmem:mm_page_/ && !/pfn=0x0 / {
	for (i = 1; i <= NF; i++) if ($i ~ /^kmem:/) break
	ts = $(i - 1); sub(/:$/, "", ts); sub(/\./, "", ts); sub(/^0+/, "", ts)
	ev = $i; sub(/^kmem:/, "", ev)
	pfn = ""; ord = ""
	for (j = i; j <= NF; j++) { if ($j ~ /^pfn=/) pfn = $j; if ($j ~ /^order=/) ord = $j }
	print ts, ev, pfn, ord
}' "$work/p.txt" | head -500 > "$work/p.theirs"
"$summary" --records "$work/p.bst" | awk '$4 ~ /^mm_page_/ && $5 != "pfn=0xffffffffffffffff" {
	print $1, $4, $5, $6 }' | head -500 > "$work/p.ours"
check "perf.data: the first 500 events equal perf script's (time, event, pfn, order)" \
	cmp -s "$work/p.ours" "$work/p.theirs"
check_perf_lost "perf.data" "$work/p.data" "$work/p.bst"

perf record -q -m 1 -e kmem:mm_page_alloc -e kmem:mm_page_free -a -o "$work/pl.data" \
	-- sh -c "dd if=/dev/zero of=$work/f bs=1M count=64 status=none; rm -f $work/f" \
	> "$work/perf.log" 2>&1 || skip "perf record failed: $(tail -1 "$work/perf.log")"
expect 0 "" "$bs" import -q "$work/pl.data" -o "$work/pl.bst"
check_perf_lost "lossy perf.data" "$work/pl.data" "$work/pl.bst"
[ "$theirs" -gt 0 ] || echo "note: the 1-page perf buffer lost nothing this time"
finish
