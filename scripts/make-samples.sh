#!/bin/sh
# SPDX-License-Identifier: MIT
# Capture the text sample traces of traces/samples/ on this host, as root:
# one through tracefs (ftrace text from trace_pipe) and one through perf
# (perf record + perf script), each while the same page-churning workload
# runs, each compressed, each with a note (host, kernel, workload, the
# commands below) and a sysinfo directory: copies of the /proc and /sys files
# `buddyscope import --sysinfo DIR` reads, taken just before the workload
# (sysinfo/) and just after it (sysinfo-end/).
#
# Two lossy ones follow (buffers too small: real lost-event lines), and a
# `trace-cmd report` one when trace-cmd is installed (apt-get install
# trace-cmd).
#
# Usage: scripts/make-samples.sh [OUTDIR]   (default traces/samples)
# BUDDYSCOPE: the binary whose `sysinfo save` writes the directories
# (default build/cli/buddyscope).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/traces/samples}
bs=${BUDDYSCOPE:-$here/build/cli/buddyscope}
kver=$(uname -r | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
tracefs=/sys/kernel/tracing
events="mm_page_alloc mm_page_free mm_page_free_batched mm_page_alloc_zone_locked
	mm_page_pcpu_drain mm_page_alloc_extfrag"

if [ "$(id -u)" -ne 0 ]; then
	echo "make-samples: needs root (tracefs and perf record -a)" >&2
	exit 1
fi
[ -x "$bs" ] || { echo "make-samples: $bs not found: build first, or set BUDDYSCOPE" >&2; exit 1; }
for tool in cc perf zstd gzip; do
	command -v $tool >/dev/null || { echo "make-samples: $tool not found" >&2; exit 1; }
done
[ -e $tracefs/events ] || mount -t tracefs tracefs $tracefs

work=$(mktemp -d /tmp/bs-samples.XXXXXX)
inst=$tracefs/instances/bs-samples-$$
cleanup() {
	[ -d "$inst" ] && { echo 0 > "$inst/tracing_on" 2>/dev/null || :; rmdir "$inst" || :; }
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The workload: anonymous order-0 churn (touch, then free every other page,
# then the rest), THP faults (order 9 via MADV_HUGEPAGE), a file written,
# copied and read back, and a drop of the page cache (a burst of frees).
cat > "$work/churn.c" <<'EOF'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MB (1ul << 20)

static void churn_small(size_t bytes, int rounds)
{
	long page = sysconf(_SC_PAGESIZE);
	for (int r = 0; r < rounds; r++) {
		char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) { perror("mmap"); exit(1); }
		madvise(p, bytes, MADV_NOHUGEPAGE);
		for (size_t i = 0; i < bytes; i += page)
			p[i] = (char)i;
		for (size_t i = 0; i < bytes; i += 2 * page)
			madvise(p + i, page, MADV_DONTNEED);
		munmap(p, bytes);
	}
}

static void churn_thp(size_t bytes, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		char *raw = mmap(NULL, bytes + 2 * MB, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
		char *p = (char *)(((unsigned long)raw + 2 * MB - 1) & ~(2 * MB - 1));
		madvise(p, bytes, MADV_HUGEPAGE);
		for (size_t i = 0; i < bytes; i += 4096)
			p[i] = 1;
		munmap(raw, bytes + 2 * MB);
	}
}

int main(int argc, char **argv)
{
	size_t small_mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 12;
	churn_small(small_mb * MB, 2);
	churn_thp(32 * MB, 2);
	return 0;
}
EOF
cc -O2 -o "$work/bs-sample-churn" "$work/churn.c"

cat > "$work/workload.sh" <<EOF
set -e
"$work/bs-sample-churn" 16
dd if=/dev/urandom of="$work/file" bs=1M count=8 status=none
cp "$work/file" "$work/file2"
sync
cat "$work/file2" > /dev/null
dd if="$work/file" iflag=nocache count=0 status=none
dd if="$work/file2" iflag=nocache count=0 status=none
rm -f "$work/file" "$work/file2"
"$work/bs-sample-churn" 8
EOF

# The host description `buddyscope sysinfo save` writes (its list is in
# hostinfo/HEADER.md), with the host name replaced.
save_sysinfo() {
	"$bs" sysinfo save "$1" > /dev/null
	echo buddyscope-sample-host > "$1/proc/sys/kernel/hostname"
}

# The busiest tasks of a text trace: "N lines  comm" (ftrace TASK-PID, after
# trace-cmd's "instance:" column if any, or perf COMM PID).
# A tracefs instance $1 with a buffer of $2 KiB per cpu and the kmem events
# on, then the host as the sample $name starts (its .sysinfo).
instance_start() {
	mkdir -p "$1"
	echo "$2" > "$1/buffer_size_kb"
	for e in $events; do echo 1 > "$1/events/kmem/$e/enable"; done
	save_sysinfo "$out/$name.sysinfo"
}

top_tasks() {
	case $2 in
	ftrace) zstd -dc "$1" | grep ': mm_page_' |
		awk '{ i = ($1 ~ /:$/) ? 2 : 1; t = $i; sub(/-[0-9]+$/, "", t); print t }' ;;
	perf) gzip -dc "$1" | grep 'kmem:mm_page_' | awk '{print $1}' ;;
	esac | sort | uniq -c | sort -rn | head -6 | awk '{printf "  %8d  %s\n", $1, $2}'
}

# "N lines, M events lost" from ftrace [LOST M EVENTS] and perf PERF_RECORD_LOST.
lost_summary() {
	zstd -dcf "$1" | awk '
		/\[LOST [0-9]+ EVENTS\]/ { match($0, /\[LOST [0-9]+/); n++; m += substr($0, RSTART + 6, RLENGTH - 6) }
		/PERF_RECORD_LOST/ { match($0, /lost [0-9]+/); n++; m += substr($0, RSTART + 5, RLENGTH - 5) }
		END { printf "%d lines, %d events lost\n", n, m }'
}

note() {
	# $1 note file, $2 what, $3 commands, $4 trace, $5 format
	cat > "$1" <<EOF
# $2

- host: a $(nproc)-CPU x86-64 VM with $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB,
  the project's development machine (hostname replaced in sysinfo/ by
  buddyscope-sample-host)
- kernel: \`uname -r\` = $(uname -r); \`uname -v\` = $(uname -v)
- THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled); trace clock: $(sed 's/.*\[\(.*\)\].*/\1/' $tracefs/trace_clock)
- captured: $(date -u +%Y-%m-%dT%H:%MZ) by scripts/make-samples.sh
- workload (the whole machine is traced, so other tasks appear too):
  bs-sample-churn 16 (two rounds of: mmap 16 MiB anonymous with MADV_NOHUGEPAGE, touch
  each page, MADV_DONTNEED every other page, munmap; then two rounds of a
  32 MiB MADV_HUGEPAGE region touched page by page: order-9 THP faults);
  dd 8 MiB from /dev/urandom to a file, cp it, sync, read the copy, drop
  both from the page cache (dd iflag=nocache count=0), rm both; bs-sample-churn 8.
  The C source of bs-sample-churn and workload.sh are in scripts/make-samples.sh
- lines: $(zstd -dcf "$4" 2>/dev/null | wc -l) ($(stat -c %s "$4") bytes compressed); kmem page
  events by task (the busiest six; other developers' builds and benchmarks ran
  on the machine at the same time and are part of the trace):

\`\`\`
$(top_tasks "$4" "$5")
\`\`\`
- lost-event lines: $(lost_summary "$4")
- sysinfo/: /proc and /sys files copied just before the workload,
  sysinfo-end/: just after; laid out as on the host, for
  \`buddyscope import --sysinfo DIR\`
- commands:

\`\`\`
$3
\`\`\`
EOF
}

# 1. ftrace: a private tracefs instance, trace_pipe drained while it runs.
name=ftrace-churn-$kver
rm -rf "$out/$name.sysinfo" "$out/$name.sysinfo-end"
mkdir -p "$inst"
echo 8192 > "$inst/buffer_size_kb"
for e in $events; do echo 1 > "$inst/events/kmem/$e/enable"; done
save_sysinfo "$out/$name.sysinfo"
cat "$inst/trace_pipe" > "$work/ftrace.txt" &
reader=$!
echo 1 > "$inst/tracing_on"
sh "$work/workload.sh"
sleep 1
echo 0 > "$inst/tracing_on"
sleep 1
# 6.18 ends a trace_pipe read once tracing is off and the buffer is empty.
kill $reader 2>/dev/null || :
wait $reader 2>/dev/null || :
save_sysinfo "$out/$name.sysinfo-end"
zstd -q -19 -f "$work/ftrace.txt" -o "$out/$name.txt.zst"
note "$out/$name.note.md" "ftrace text sample: $name.txt.zst" \
"mount -t tracefs tracefs /sys/kernel/tracing      # if not mounted
mkdir /sys/kernel/tracing/instances/bs-samples-PID
echo 8192 > .../instances/bs-samples-PID/buffer_size_kb
echo 1 > .../instances/bs-samples-PID/events/kmem/{$(echo $events | tr ' ' ',')}/enable
cat .../instances/bs-samples-PID/trace_pipe > ftrace.txt &
echo 1 > .../instances/bs-samples-PID/tracing_on; sh workload.sh; sleep 1
echo 0 > .../instances/bs-samples-PID/tracing_on; sleep 1; kill %1
zstd -19 ftrace.txt -o $name.txt.zst" "$out/$name.txt.zst" ftrace
rmdir "$inst"

# perf record -a around the workload, then perf script. On this VM a
# recording sometimes holds no sample at all (perf report --stats: forks and
# mmaps, no tracepoint sample); such a run is repeated, at most 3 times.
# $1 sample name, $2 ring buffer pages per cpu, $3 perf.data path
perf_capture() {
	for try in 1 2 3; do
		save_sysinfo "$out/$1.sysinfo"
		perf record -q -m "$2" -e "$ev" -a -o "$3" -- sh "$work/workload.sh" \
			>/dev/null 2>"$work/perf.err" || { cat "$work/perf.err" >&2; exit 1; }
		save_sysinfo "$out/$1.sysinfo-end"
		perf script --show-lost-events -i "$3" 2>"$work/script.err" |
			gzip -9 > "$out/$1.txt.gz"
		[ "$(gzip -dc "$out/$1.txt.gz" | head -c 1 | wc -c)" -eq 0 ] || return 0
		echo "make-samples: $1: perf recorded no sample (try $try)" >&2
	done
	cat "$work/perf.err" "$work/script.err" >&2
	exit 1
}

# 2. perf: perf record -a over the same workload, perf script text.
name=perf-churn-$kver
rm -rf "$out/$name.sysinfo" "$out/$name.sysinfo-end"
ev=$(for e in $events; do printf 'kmem:%s,' $e; done | sed 's/,$//')
perf_capture "$name" 1024 "$work/perf.data"
note "$out/$name.note.md" "perf-script text sample: $name.txt.gz ($(perf --version))" \
"perf record -m 1024 -e $ev -a -o perf.data -- sh workload.sh
perf script --show-lost-events -i perf.data | gzip -9 > $name.txt.gz" "$out/$name.txt.gz" perf

# 2b. Lossy captures: the same workload with buffers too small for it, so
# the texts carry real lost-event lines. ftrace: a 64 KiB buffer per cpu
# read 64 KiB at a time every 50 ms; perf: a 2-page ring buffer.
name=ftrace-lossy-churn-$kver
rm -rf "$out/$name.sysinfo" "$out/$name.sysinfo-end"
inst=$tracefs/instances/bs-lossy-$$
instance_start "$inst" 64
rm -f "$work/stop"
(while [ ! -e "$work/stop" ]; do dd bs=65536 count=1 status=none; sleep 0.05; done) \
	< "$inst/trace_pipe" > "$work/lossy.txt" &
reader=$!
echo 1 > "$inst/tracing_on"
sh "$work/workload.sh"
sleep 1
echo 0 > "$inst/tracing_on"
touch "$work/stop"
sleep 1
kill $reader 2>/dev/null || :
wait $reader 2>/dev/null || :
rmdir "$inst"
save_sysinfo "$out/$name.sysinfo-end"
zstd -q -19 -f "$work/lossy.txt" -o "$out/$name.txt.zst"
note "$out/$name.note.md" "lossy ftrace text sample: $name.txt.zst" \
"mkdir /sys/kernel/tracing/instances/bs-lossy-PID
echo 64 > .../instances/bs-lossy-PID/buffer_size_kb
echo 1 > .../instances/bs-lossy-PID/events/kmem/{$(echo $events | tr ' ' ',')}/enable
(while [ ! -e stop ]; do dd bs=65536 count=1 status=none; sleep 0.05; done) \\
	< .../instances/bs-lossy-PID/trace_pipe > lossy.txt &
echo 1 > .../instances/bs-lossy-PID/tracing_on; sh workload.sh; sleep 1
echo 0 > .../instances/bs-lossy-PID/tracing_on; touch stop
zstd -19 lossy.txt -o $name.txt.zst" "$out/$name.txt.zst" ftrace

name=perf-lossy-churn-$kver
rm -rf "$out/$name.sysinfo" "$out/$name.sysinfo-end"
perf_capture "$name" 2 "$work/lossy.data"
note "$out/$name.note.md" "lossy perf-script text sample: $name.txt.gz ($(perf --version))" \
"perf record -m 2 -e $ev -a -o perf.data -- sh workload.sh
perf script --show-lost-events -i perf.data | gzip -9 > $name.txt.gz" "$out/$name.txt.gz" perf

# 3. trace-cmd report (when trace-cmd is installed): the same workload into
# a tracefs instance big enough to hold it, extracted and reported.
if command -v trace-cmd >/dev/null; then
	name=ftrace-tracecmd-churn-$kver
	rm -rf "$out/$name.sysinfo" "$out/$name.sysinfo-end"
	inst=$tracefs/instances/bs-tc-$$
	instance_start "$inst" 32768
	echo 1 > "$inst/tracing_on"
	sh "$work/workload.sh"
	echo 0 > "$inst/tracing_on"
	save_sysinfo "$out/$name.sysinfo-end"
	trace-cmd extract -B "bs-tc-$$" -o "$work/tc.dat" >/dev/null 2>"$work/tc.err" || {
		cat "$work/tc.err" >&2; exit 1; }
	[ -d "$inst" ] && rmdir "$inst"
	trace-cmd report -i "$work/tc.dat" 2>/dev/null | zstd -q -19 > "$out/$name.txt.zst"
	note "$out/$name.note.md" "trace-cmd report sample: $name.txt.zst ($(trace-cmd --version 2>&1 | head -1))" \
"mkdir /sys/kernel/tracing/instances/bs-tc-PID
echo 32768 > .../instances/bs-tc-PID/buffer_size_kb
echo 1 > .../instances/bs-tc-PID/events/kmem/{$(echo $events | tr ' ' ',')}/enable
echo 1 > .../instances/bs-tc-PID/tracing_on; sh workload.sh
echo 0 > .../instances/bs-tc-PID/tracing_on
trace-cmd extract -B bs-tc-PID -o tc.dat     # trace-cmd record cannot write
                                            # ftrace_enabled on this VM
trace-cmd report -i tc.dat | zstd -19 > $name.txt.zst" "$out/$name.txt.zst" ftrace
fi

# Keep them small enough for git; a busy host (other tasks churning) may
# need a second try.
for f in "$out"/ftrace-*churn-$kver.txt.zst "$out"/perf-*churn-$kver.txt.gz; do
	if [ "$(stat -c %s "$f")" -gt 3500000 ]; then
		echo "make-samples: $f is over 3.5 MB: the host was busy; run again" >&2
		exit 1
	fi
done
ls -l "$out"
