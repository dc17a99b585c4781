#!/bin/sh
# SPDX-License-Identifier: MIT
# `buddyscope import` without --from: the samples are recognised by their
# content (and give the same trace as with --from); inputs import does not
# read are refused with what they look like and the command that would
# work; perf text without lost-event lines is flagged (stderr, header
# import_notes, replay notes); a trace without zones replays on an inferred
# layout with a note; `sysinfo save` / `sysinfo check` and the validation
# of --sysinfo name the missing or malformed file.
#
# Usage: test_import_detect.sh BUDDYSCOPE BST_SUMMARY SAMPLES_DIR WORKDIR
set -u
bs=$1 summary=$2 samples=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
# ok, bad, check, expect (grep -E on stderr), finish
. "$(dirname "$0")/../cli/lib.sh"

# 1. The samples, detected: same records as with --from.
for f in "$samples"/ftrace-churn-6.18.txt.zst "$samples"/perf-lossy-churn-6.18.txt.gz; do
	case $f in
	*ftrace*) from=ftrace what="ftrace text, zstd" ;;
	*) from=perf-script what="perf-script text, gzip" ;;
	esac
	expect 0 "$what" "$bs" import "$f" -o "$work/auto.bst"
	"$bs" import -q --from $from "$f" -o "$work/given.bst" 2> /dev/null
	"$summary" "$work/auto.bst" > "$work/auto.sum"
	"$summary" "$work/given.bst" > "$work/given.sum"
	check "$f: detected import = --from $from import" cmp -s "$work/auto.sum" "$work/given.sum"
done

# 2. Refused inputs: what they look like, and what to run.
plain=$work/plain.txt
zstd -dc "$samples"/ftrace-lossy-churn-6.18.txt.zst > "$plain"
xz -c "$plain" > "$work/t.txt.xz"
expect 1 "looks like xz-compressed data.*xz -dk $work/t.txt.xz" \
	"$bs" import "$work/t.txt.xz" -o "$work/x.bst"
bzip2 -c "$plain" > "$work/t.txt.bz2"
expect 1 "looks like bzip2-compressed data.*bunzip2 -k" "$bs" import "$work/t.txt.bz2" -o "$work/x.bst"
expect 1 "a buddyscope trace \\(.bst\\) already.*buddyscope info" \
	"$bs" import "$samples"/capture-churn-6.18.bst -o "$work/x.bst"
head -c 4096 /dev/urandom | tr -d '\n' > "$work/random.bin"
expect 1 "looks like binary data of a kind import does not know" \
	"$bs" import "$work/random.bin" -o "$work/x.bst"
printf 'hello\nworld\n' > "$work/words.txt"
expect 1 "looks like text without a kmem event.*perf record -e 'kmem:mm_page_\*'" \
	"$bs" import "$work/words.txt" -o "$work/x.bst"
: > "$work/empty"
expect 1 "looks like empty" "$bs" import "$work/empty" -o "$work/x.bst"
printf '\027\010Dtracing6\000junk' > "$work/fake.dat"
gzip -c "$work/fake.dat" > "$work/fake.dat.gz"
expect 1 "looks like a compressed trace.dat.*gunzip -k $work/fake.dat.gz" \
	"$bs" import "$work/fake.dat.gz" -o "$work/x.bst"
expect 1 "libtracecmd cannot open it as a trace.dat" "$bs" import "$work/fake.dat" -o "$work/x.bst"
printf 'PERFILE2junk' > "$work/fake.data"
expect 1 "run \`perf script --show-lost-events --ns -i $work/fake.data > $work/fake.data.txt\` where perf is" \
	env PATH=/nonexistent "$bs" import "$work/fake.data" -o "$work/x.bst"
expect 1 "fake.data: perf.data needs perf, which is not installed here" \
	env PATH=/nonexistent "$bs" import "$work/fake.data" -o "$work/x.bst"
check "no output after refusals" [ ! -e "$work/x.bst" ]
# --from that does not fit: the detection's view in the error.
expect 1 "looks like perf-script text: try --from perf-script" \
	"$bs" import --from ftrace "$samples"/perf-lossy-churn-6.18.txt.gz -o "$work/x.bst"
expect 2 "--instance is for trace.dat input" \
	"$bs" import --instance x "$samples"/perf-lossy-churn-6.18.txt.gz -o "$work/x.bst"

# 3. perf text: loss unknown without PERF_RECORD_LOST lines (warned, noted).
perf_plain=$work/perf.txt
gzip -dc "$samples"/perf-churn-6.18.txt.gz | head -20000 > "$perf_plain"
check "perf-churn sample has no lost lines" [ "$(grep -c PERF_RECORD_LOST "$perf_plain")" -eq 0 ]
expect 0 "warning: .*its loss cannot be known" "$bs" import "$perf_plain" -o "$work/perf.bst"
check "header import_notes" sh -c "'$summary' '$work/perf.bst' | grep -q '\"import_notes\":\[\"perf script text without PERF_RECORD_LOST'"
"$bs" info "$work/perf.bst" > "$work/info.txt"
check "info shows the import note" grep -q '^note: *perf script text without PERF_RECORD_LOST' "$work/info.txt"
check "info says the zones are not recorded" grep -q '^zones: *none recorded: replay infers them' "$work/info.txt"
"$bs" import -q "$samples"/perf-lossy-churn-6.18.txt.gz -o "$work/lossy.bst" 2> "$work/err"
check "no loss warning when lost lines are there" sh -c "! grep -q 'loss cannot be known' '$work/err'"
check "no import_notes when lost lines are there" sh -c "! '$summary' '$work/lossy.bst' | grep -q import_notes"

# 4. No zones (no --sysinfo): the replay infers them and says so.
"$bs" replay "$work/perf.bst" --db "$work/runs.db" --json --sample-interval-ms 0 \
	> "$work/replay.json" 2> "$work/replay.err"
check "replay without zones exits 0" [ $? -eq 0 ]
check "replay note: layout inferred" grep -q "the trace header has no zones: the layout is inferred from the trace's pfns" "$work/replay.json"
check "replay note: what it cannot know" grep -q "watermarks come from those inferred managed pages" "$work/replay.json"
check "replay note: import note carried" grep -q '"import: perf script text without PERF_RECORD_LOST' "$work/replay.json"

# 5. sysinfo save / check, and --sysinfo validation.
hostdir=$work/host
check "sysinfo save" "$bs" sysinfo save "$hostdir"
check "saved zoneinfo" [ -s "$hostdir/proc/zoneinfo" ]
check "saved page size = getconf PAGESIZE" [ "$(cat "$hostdir/page_size")" = "$(getconf PAGESIZE)" ]
check "saved kernel release = uname -r" [ "$(cat "$hostdir/proc/sys/kernel/osrelease")" = "$(uname -r)" ]
check "saved min_free_kbytes is a number" grep -qx "[0-9][0-9]*" "$hostdir/proc/sys/vm/min_free_kbytes"
check "sysinfo check" "$bs" sysinfo check "$hostdir"
expect 2 "usage" "$bs" sysinfo
expect 2 "usage" "$bs" sysinfo load "$hostdir"
check "import --sysinfo saved" "$bs" import -q --sysinfo "$hostdir" "$plain" -o "$work/withhost.bst"
check "header has the saved zones" sh -c "'$summary' '$work/withhost.bst' | grep -q '\"zones\":\[{'"
check "info: pageblock order and orders from the saved files" \
	sh -c "'$bs' info '$work/withhost.bst' | grep -q 'pageblock order [0-9][0-9]*, [0-9][0-9]* orders'"

mkdir -p "$work/only/proc"
cp /proc/zoneinfo "$work/only/proc/"
expect 1 "$work/only/proc/pagetypeinfo: missing \\(pageblock order, orders\\), and no proc/buddyinfo with sys/kernel/mm/transparent_hugepage/hpage_pmd_size instead" \
	"$bs" import --sysinfo "$work/only" "$plain" -o "$work/x.bst"
expect 1 "sysinfo save DIR\` on the traced host writes a complete directory" \
	"$bs" import --sysinfo "$work/only" "$plain" -o "$work/x.bst"
expect 1 "only/proc/pagetypeinfo: missing" "$bs" sysinfo check "$work/only"
# buddyinfo and hpage_pmd_size stand in for pagetypeinfo.
cp -r "$hostdir" "$work/nopti"
rm "$work/nopti/proc/pagetypeinfo"
check "buddyinfo + hpage_pmd_size stand in" "$bs" sysinfo check "$work/nopti"
rm "$work/nopti/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
expect 1 "nopti/proc/pagetypeinfo: missing .* and no proc/buddyinfo with" "$bs" sysinfo check "$work/nopti"
# One file missing or malformed at a time: the message names it.
for case in "proc/zoneinfo:rm:broken/proc/zoneinfo: missing" \
	    "proc/zoneinfo:junk:broken/proc/zoneinfo: not /proc/zoneinfo text" \
	    "proc/pagetypeinfo:junk:proc/pagetypeinfo: not /proc/pagetypeinfo text" \
	    "proc/sys/kernel/osrelease:rm:osrelease: missing" \
	    "proc/sys/kernel/osrelease:junk:osrelease: not a kernel release" \
	    "sys/devices/system/cpu/online:rm:cpu/online: missing" \
	    "sys/devices/system/cpu/online:junk:broken/sys/devices/system/cpu/online: not a cpu list" \
	    "proc/sys/vm/min_free_kbytes:junk:min_free_kbytes: not an integer" \
	    "page_size:junk:broken/page_size: not a page size"; do
	file=${case%%:*} rest=${case#*:}
	how=${rest%%:*} msg=${rest#*:}
	rm -rf "$work/broken"
	cp -r "$hostdir" "$work/broken"
	if [ "$how" = rm ]; then rm "$work/broken/$file"; else echo "some words" > "$work/broken/$file"; fi
	expect 1 "$msg" "$bs" import --sysinfo "$work/broken" "$plain" -o "$work/x.bst"
done
check "no output after a bad --sysinfo" [ ! -e "$work/x.bst" ]

finish
