#!/bin/sh
# SPDX-License-Identifier: MIT
# `buddyscope import` end to end: every sample of traces/samples imports into
# a .bst that, read back with the tracefmt reader (bst_summary), holds as many
# records of each kind, with the same sum of orders, per-cpu counts, failures
# and lost events, as awk counts in the text itself; plain, gzip, zstd and
# stdin inputs give the same trace; bad inputs exit 1 (2 for usage) with the
# file, the line and the reason.
#
# Usage: test_import_cli.sh BUDDYSCOPE BST_SUMMARY SAMPLES_DIR WORKDIR
set -u
bs=$1 summary=$2 samples=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok; else fail "$d"; fi
}

# awk's view of a text trace, in bst_summary's output format: for each kmem
# page event "<name> <lines> <sum of order=, or alloc_order= for extfrag>",
# then "cpu N lines", "failed N" (mm_page_alloc with pfn=0x0 or pfn=0) and
# "lost_events N" (ftrace [LOST N EVENTS], perf PERF_RECORD_LOST lost N).
text_summary() {
	awk '
	BEGIN {
		n = split("mm_page_alloc mm_page_free mm_page_free_batched " \
			  "mm_page_alloc_zone_locked mm_page_pcpu_drain mm_page_alloc_extfrag", names, " ")
	}
	/\[LOST [0-9]+ EVENTS\]/ {
		match($0, /\[LOST [0-9]+/); lost += substr($0, RSTART + 6, RLENGTH - 6); next
	}
	/PERF_RECORD_LOST/ { match($0, /lost [0-9]+/); lost += substr($0, RSTART + 5, RLENGTH - 5); next }
	{
		ev = ""
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(kmem:)?mm_page_[a-z_]+:$/) { ev = $i; break }
		if (ev == "") next
		sub(/^kmem:/, "", ev); sub(/:$/, "", ev)
		cnt[ev]++
		if (match($0, / (alloc_)?order=[0-9]+/)) {
			s = substr($0, RSTART, RLENGTH); sub(/.*=/, "", s); ord[ev] += s
		}
		if (match($0, /\[[0-9]+\]/)) cpu[substr($0, RSTART + 1, RLENGTH - 2) + 0]++
		if (ev == "mm_page_alloc" && $0 ~ / pfn=(0x0|0) /) fail++
	}
	END {
		for (i = 1; i <= n; i++) printf "%s %d %d\n", names[i], cnt[names[i]], ord[names[i]]
		for (c = 0; c < 64; c++) if (cpu[c]) printf "cpu %d %d\n", c, cpu[c]
		printf "failed %d\nlost_events %d\n", fail, lost
	}'
}

# awk's view of the tasks: "commrec PID NAME" each time a pid shows up with
# a name (cut to 15 bytes) other than the last one it had, in line order, then
# "events_without_comm N" (event lines of pids never named so far: ftrace
# prints "<...>" for a task not in its comm cache, perf ":TID"). $1 is
# ftrace or perf-script.
text_comms() {
	awk -v fmt="$1" '
	{
		ev = 0
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(kmem:)?mm_page_[a-z_]+:$/) { ev = i; break }
		if (!ev) next
		line = $0
		if (fmt == "ftrace" && line ~ /^[^ ]+: /)
			sub(/^[^ ]+: +/, "", line)	# trace-cmd INSTANCE: prefix
		if (match(line, / \[[0-9]+\] /))
			pre = substr(line, 1, RSTART - 1)
		else if (fmt == "perf-script" && match(line, / [0-9.]+: /))
			pre = substr(line, 1, RSTART - 1)
		sub(/ +$/, "", pre)
		if (fmt == "ftrace") {
			sub(/ *\( *[0-9]+\)$/, "", pre)
			match(pre, /-[0-9]+$/)
			pid = substr(pre, RSTART + 1); comm = substr(pre, 1, RSTART - 1)
		} else {
			match(pre, /[0-9]+$/)
			pid = substr(pre, RSTART); comm = substr(pre, 1, RSTART - 1)
			sub(/[0-9]+\/$/, "", comm)
		}
		sub(/^ +/, "", comm); sub(/ +$/, "", comm)
		comm = substr(comm, 1, 15)
		if (comm == "" || comm == "<...>" || comm ~ /^:[0-9]+$/) {
			if (!(pid in name)) without++
			next
		}
		if (!(pid in name) || name[pid] != comm) {
			print "commrec", pid + 0, comm
			name[pid] = comm
		}
	}
	END { print "events_without_comm", without + 0 }'
}

# "<ts_ns> <ts_ns>": times of the first and the last record made from a
# line (an ftrace lost line has the time of the event before it).
text_first_last() {
	awk '
	function ns(t,   a) { sub(/:$/, "", t); split(t, a, ".")
		a[2] = substr(a[2] "000000000", 1, 9); t = a[1] a[2]; sub(/^0+/, "", t)
		return t == "" ? "0" : t }
	/\[LOST [0-9]+ EVENTS\]/ { if (first == "") first = cur + 0; last = cur + 0; next }
	{
		for (i = 1; i <= NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/ && i < NF &&
			    $(i + 1) ~ /^((kmem:)?mm_page_[a-z_]+:|PERF_RECORD_LOST)$/) {
				cur = ns($i)
				if (first == "") first = cur
				last = cur
				break
			}
	}
	END { print first, last }'
}

# "ckpt INDEX SEQ TS NODE ZONE NR_FREE FREE_BLOCKS PAGEBLOCKS FLAGS" for the
# zones of DIR/proc/pagetypeinfo ("pages free" from DIR/proc/zoneinfo),
# as bst_summary --detail prints checkpoint records. Args: DIR SEQ TS
# FIRST_INDEX. Flags 12: pageblocks and nr_free_pages present.
dir_ckpts() {
	awk -v seq="$2" -v ts="$3" -v idx="$4" '
	FILENAME ~ /zoneinfo$/ && /^Node/ { z = $2 " " $4; sub(/,/, "", z) }
	FILENAME ~ /zoneinfo$/ && $1 == "pages" && $2 == "free" { free[z] = $3 }
	FILENAME ~ /pagetypeinfo$/ && /^Node .*, type / {
		z = $2 " " $4; sub(/,/, "", z); sub(/,$/, "", z)
		if (!(z in seen)) { seen[z] = 1; order[++n] = z }
		for (i = 7; i <= NF; i++) blocks[z] += $i
	}
	FILENAME ~ /pagetypeinfo$/ && /^Node [0-9]+, zone / && !/type/ {
		z = $2 " " $4; sub(/,/, "", z)
		for (i = 5; i <= NF; i++) pb[z] += $i
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], a, " ")
			print "ckpt", idx + i - 1, seq, ts, a[1], a[2], free[order[i]], \
				blocks[order[i]] + 0, pb[order[i]] + 0, 12
		}
	}' "$1/proc/zoneinfo" "$1/proc/pagetypeinfo"
}

# The part of bst_summary that text_summary also computes.
bst_counts() {
	"$summary" "$1" | grep -v -e '^header ' -e '^lost ' -e '^checkpoint ' -e '^snapshot_' \
		-e '^comm ' -e '^zone_state ' -e '^mm_setup_per_zone_wmarks ' -e '^trigger ' \
		-e '^mm_vmscan_' -e '^mm_compaction_' -e '^vmstat '
}

decompress() {
	case $1 in
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

n_samples=0
for f in "$samples"/*.txt.zst "$samples"/*.txt.gz; do
	[ -e "$f" ] || continue
	base=$(basename "$f")
	case $base in
	ftrace-*) from=ftrace ;;
	perf-*) from=perf-script ;;
	*) continue ;;
	esac
	n_samples=$((n_samples + 1))
	out=$work/${base%%.txt.*}.bst
	decompress "$f" > "$work/plain.txt"
	if "$bs" import --from $from "$f" -o "$out" 2> "$work/stderr"; then
		ok
	else
		fail "import of $base"; cat "$work/stderr" >&2; continue
	fi
	text_summary < "$work/plain.txt" > "$work/expect"
	bst_counts "$out" > "$work/got"
	"$summary" "$out" > "$work/got.all"
	if cmp -s "$work/expect" "$work/got"; then ok; else
		fail "$base: records differ from the text's event lines"
		diff "$work/expect" "$work/got" >&2
	fi
	# Issue 2's check: `info --json` counts match the event lines too.
	if "$bs" info --help > /dev/null 2>&1; then
		"$bs" info --json "$out" | awk '
			/"events_by_kind"/ { on = 1; next }
			on && /}/ { on = 0 }
			on { gsub(/[",:]/, ""); print $1, $2 }
			/"lost_events"/ { gsub(/[",:]/, ""); print $1, $2 }' > "$work/info.got"
		awk '/^mm_page_|^lost_events/ { print $1, $2 }' "$work/expect" > "$work/info.want"
		if cmp -s "$work/info.want" "$work/info.got"; then ok; else
			fail "$base: info --json counts differ from the text's event lines"
			diff "$work/info.want" "$work/info.got" >&2
		fi
	fi
	# pid -> name records: where awk sees a new pid or a new name, in order.
	text_comms $from < "$work/plain.txt" > "$work/comm.want"
	"$summary" --detail "$out" | grep -e '^commrec ' -e '^events_without_comm ' \
		> "$work/comm.got"
	if cmp -s "$work/comm.want" "$work/comm.got"; then ok; else
		fail "$base: COMM records differ from the task columns"
		diff "$work/comm.want" "$work/comm.got" | head -20 >&2
	fi
	check "$base names some tasks" grep -q '^commrec ' "$work/comm.want"
	# records = page events + lost records + comm records (summary line).
	n_rec=$(awk '/^mm_page_|^lost / { s += $2 } END { print s }' "$work/got.all")
	n_comm=$(grep -c '^commrec ' "$work/comm.want")
	check "$base summary records = events + lost + comm" \
		grep -q "^  records  $((n_rec + n_comm))\$" "$work/stderr"
	# The counts are not all zero (the sample is not empty).
	check "$base has page events" grep -q '^mm_page_alloc [1-9]' "$work/expect"
	"$summary" "$out" | grep '^header ' > "$work/header"
	check "$base header source" grep -q "\"source\":\"import-$from\"" "$work/header"
	check "$base header clock" grep -q '"clock":"text"' "$work/header"
	check "$base header input" grep -q "\"input\":\"$f\"" "$work/header"
	# The summary on stderr names each kind with its count.
	check "$base summary lines" grep -q "$(wc -l < "$work/plain.txt" | tr -d ' ') lines" \
		"$work/stderr"

	# Same trace from plain text, gzip, zstd and stdin.
	gzip -c "$work/plain.txt" > "$work/in.gz"
	zstd -q -c "$work/plain.txt" > "$work/in.zst"
	for variant in plain.txt in.gz in.zst; do
		"$bs" import --from $from "$work/$variant" -o "$work/v.bst" 2>/dev/null &&
			bst_counts "$work/v.bst" > "$work/v.got" && cmp -s "$work/got" "$work/v.got" &&
			ok || fail "$base as $variant"
	done
	"$bs" import --from $from - -o "$work/v.bst" < "$work/in.zst" 2>/dev/null &&
		bst_counts "$work/v.bst" > "$work/v.got" && cmp -s "$work/got" "$work/v.got" &&
		ok || fail "$base from stdin (zstd)"

	# --sysinfo: the header gains the host and the zones of the saved files.
	si=$samples/${base%%.txt.*}.sysinfo
	if [ -d "$si" ]; then
		"$bs" import --from $from "$f" -o "$work/si.bst" --sysinfo "$si" 2> "$work/stderr"
		rc=$?
		if [ $rc -eq 2 ] && grep -q 'built without the sysinfo' "$work/stderr"; then
			echo "note: --sysinfo not tested: built without hostinfo/" >&2
		elif [ $rc -eq 0 ]; then
			"$summary" "$work/si.bst" | grep '^header ' > "$work/header"
			check "$base sysinfo zones" grep -q '"zones":\[{' "$work/header"
			check "$base sysinfo Normal zone" grep -q '"Normal"' "$work/header"
			check "$base sysinfo osrelease" grep -q "\"$(cat "$si/proc/sys/kernel/osrelease")\"" \
				"$work/header"
			check "$base sysinfo source" grep -q "\"source\":\"import-$from\"" "$work/header"
			check "$base no end dir guessed" grep -q '"sysinfo_end_dir":null' "$work/header"
			check "$base hint at the end dir" grep -q "note: $si-end exists" "$work/stderr"
		else
			fail "$base --sysinfo exit $rc"; cat "$work/stderr" >&2
		fi
	fi
done
check "at least one ftrace and one perf sample" [ $n_samples -ge 2 ]

# Checkpoints from the saved start and end files: one per zone of
# pagetypeinfo, first in the file at the first record's time and last at the
# last record's, with the counts awk reads from the files.
n_ckpt=0
for f in "$samples"/*.txt.zst "$samples"/*.txt.gz; do
	base=$(basename "$f")
	si=$samples/${base%%.txt.*}.sysinfo
	[ -d "$si" ] && [ -d "$si-end" ] || continue
	case $base in ftrace-*) from=ftrace ;; *) from=perf-script ;; esac
	"$bs" import --from $from "$f" -o "$work/ck.bst" --sysinfo "$si" --sysinfo-end "$si-end" \
		2> "$work/stderr"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'built without the sysinfo' "$work/stderr"; then
		echo "note: checkpoints not tested: built without hostinfo/" >&2
		break
	fi
	check "$base import with --sysinfo-end" [ $rc -eq 0 ]
	n_ckpt=$((n_ckpt + 1))
	decompress "$f" | text_first_last > "$work/fl"
	read t_first t_last < "$work/fl"
	"$summary" --detail "$work/ck.bst" > "$work/detail"
	n_all=$(awk '/^records / { print $2 }' "$work/detail")
	nz=$(grep -c ', type  *Unmovable' "$si/proc/pagetypeinfo")
	nz_end=$(grep -c ', type  *Unmovable' "$si-end/proc/pagetypeinfo")
	{ dir_ckpts "$si" 0 "$t_first" 0
	  dir_ckpts "$si-end" 1 "$t_last" $((n_all - nz_end)); } > "$work/ck.want"
	grep '^ckpt ' "$work/detail" > "$work/ck.got"
	if cmp -s "$work/ck.want" "$work/ck.got"; then ok; else
		fail "$base: checkpoint records differ from the sysinfo files"
		diff "$work/ck.want" "$work/ck.got" >&2
	fi
	check "$base $nz start zones" [ "$nz" -ge 1 ]
	"$summary" "$work/ck.bst" | grep '^header ' > "$work/header"
	check "$base header sysinfo_end_dir" grep -q "\"sysinfo_end_dir\":\"$si-end\"" "$work/header"
	check "$base summary checkpoints" grep -q "checkpoint  *$((nz + nz_end))\$" "$work/stderr"
	# info counts two readings and the same page events as without them.
	"$bs" info --json "$work/ck.bst" > "$work/ck.json" 2>/dev/null
	check "$base info: 2 checkpoint readings" grep -q '"checkpoints": 2' "$work/ck.json"
done
check "checkpoints tested on at least 2 samples" [ $n_ckpt -ge 2 ]

# Progress: an import held past a second by a slow producer (three chunks
# of 70000 lines, 1.3 s apart) prints progress lines, at most one a second,
# each with lines, lines/s and records; --quiet prints none; the final
# summary stays; a fast import prints none.
big=$(ls "$samples"/ftrace-tracecmd-*.txt.zst 2>/dev/null | head -1)
if [ -n "$big" ]; then
	decompress "$big" > "$work/big.txt"
	slow_feed() {
		sed -n 1,70000p "$work/big.txt"; sleep 1.3
		sed -n 70001,140000p "$work/big.txt"; sleep 1.3
		sed -n 140001,210000p "$work/big.txt"
	}
	for q in "" -q; do
		t0=$(date +%s.%N)
		slow_feed | "$bs" import --from ftrace - -o "$work/p.bst" $q 2> "$work/p.err"
		rc=$?
		t1=$(date +%s.%N)
		check "slow import$q exit 0" [ $rc -eq 0 ]
		grep ' lines, [0-9]* lines/s, [0-9]* records$' "$work/p.err" > "$work/p.lines"
		n=$(wc -l < "$work/p.lines")
		check "slow import$q summary stays" grep -q '^buddyscope import: -: 210000 lines in' \
			"$work/p.err"
		if [ -z "$q" ]; then
			check "progress lines printed ($n)" [ "$n" -ge 1 ]
			secs=$(echo "$t0 $t1" | awk '{ printf "%d", $2 - $1 }')
			check "at most one progress line a second ($n in $secs s)" [ "$n" -le "$secs" ]
			check "progress line names the input" grep -q '^buddyscope import: -: [0-9]* lines, ' \
				"$work/p.lines"
			awk '{ for (i = 1; i <= NF; i++) if ($(i + 1) == "lines,") print $i }' \
				"$work/p.lines" > "$work/p.n"
			check "progress counts within the input" awk '$1 < 1 || $1 > 210000 { exit 1 }' \
				"$work/p.n"
		else
			check "--quiet: no progress lines ($n)" [ "$n" -eq 0 ]
		fi
	done
	# Fewer lines than one progress interval (65536): never a progress line.
	head -n 60000 "$work/big.txt" > "$work/small.txt"
	"$bs" import --from ftrace "$work/small.txt" -o "$work/p.bst" 2> "$work/p.err"
	check "fast import: no progress line" sh -c "! grep -q ' lines, ' '$work/p.err'"
fi

# expect_fail STATUS PATTERN COMMAND...: exit status and a stderr pattern.
expect_fail() {
	want=$1 pat=$2; shift 2
	"$@" > /dev/null 2> "$work/err"
	rc=$?
	if [ $rc -eq "$want" ] && grep -q -- "$pat" "$work/err"; then ok; else
		fail "'$*': exit $rc (want $want), stderr:"; cat "$work/err" >&2
	fi
}

f=$(ls "$samples"/ftrace-*.txt.zst | head -1)
decompress "$f" > "$work/plain.txt"
expect_fail 1 "missing.txt: cannot open: No such file" \
	"$bs" import --from ftrace "$work/missing.txt" -o "$work/x.bst"
expect_fail 1 ": cannot read: Is a directory" \
	"$bs" import --from ftrace "$work" -o "$work/x.bst"
head -c 100000 /dev/urandom > "$work/garbage.bin"
expect_fail 1 "garbage.bin: no kmem page event" \
	"$bs" import --from ftrace "$work/garbage.bin" -o "$work/x.bst"
check "no output left after garbage" [ ! -e "$work/x.bst" ]
printf 'hello\nworld\n' > "$work/words.txt"
expect_fail 1 "no kmem page event or lost-event line read from 2 lines" \
	"$bs" import --from perf-script "$work/words.txt" -o "$work/x.bst"
: > "$work/empty.txt"
expect_fail 1 "read from 0 lines" "$bs" import --from ftrace "$work/empty.txt" -o "$work/x.bst"
# Cut compressed streams.
size=$(stat -c %s "$f")
head -c $((size / 2)) "$f" > "$work/cut.zst"
expect_fail 1 "cut.zst: zstd stream is truncated" \
	"$bs" import --from ftrace "$work/cut.zst" -o "$work/x.bst"
check "no output left after a cut stream" [ ! -e "$work/x.bst" ]
gzip -c "$work/plain.txt" > "$work/full.gz"
head -c $(($(stat -c %s "$work/full.gz") - 100)) "$work/full.gz" > "$work/cut.gz"
expect_fail 1 "cut.gz: gzip stream is truncated" \
	"$bs" import --from ftrace "$work/cut.gz" -o "$work/x.bst"
# A malformed kmem line at a known line: counted, reported, exit 1 ...
awk 'NR == 7 { print "  bash-1 [000] ..... 1.0: mm_page_free: pfn=0x12 order=x"; next }
     NR == 9 { print "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x12 order=0 " \
		      "migratetype=0 gfp_flags=__GFP_NOSUCH"; next } { print }' \
	"$work/plain.txt" > "$work/bad.txt"
expect_fail 1 "bad.txt:7: bad kmem page line: mm_page_free: bad value order=x" \
	"$bs" import --from ftrace "$work/bad.txt" -o "$work/x.bst"
check "bad line 9 reported" grep -q "bad.txt:9: bad kmem page line: unknown gfp flag name '__GFP_NOSUCH'" \
	"$work/err"
check "bad lines in the summary" grep -q "bad      2 kmem page lines (first at line 7, 9)" "$work/err"
# ... with the other records written; --max-bad 2 accepts it.
"$bs" import --from ftrace "$work/bad.txt" -o "$work/x.bst" --max-bad 2 2>/dev/null &&
	ok || fail "--max-bad 2"
total=$(grep -c ': mm_page_' "$work/plain.txt")
got=$("$summary" "$work/x.bst" | awk '/^mm_page_/ { s += $2 } END { print s }')
check "records of a file with 2 bad lines" [ "$got" -eq $((total - 2)) ]
# Usage errors.
expect_fail 2 "unrecognized option" "$bs" import --from ftrace --bogus "$f" -o "$work/x.bst"
expect_fail 2 "stdin cannot be looked at before it is read: give --from" \
	"$bs" import - -o "$work/x.bst" < "$f"
expect_fail 2 "-o OUT.bst is required" "$bs" import --from ftrace "$f"
expect_fail 2 "--from wants ftrace, perf-script, perf.data or trace.dat" \
	"$bs" import --from systemtap "$f" -o x.bst
expect_fail 2 "expected exactly one input" "$bs" import --from ftrace a b -o "$work/x.bst"
expect_fail 2 "--max-bad wants a count" "$bs" import --from ftrace "$f" -o x.bst --max-bad -1
expect_fail 2 "-o wants a file" "$bs" import --from ftrace "$f" -o -
expect_fail 2 "--sysinfo-end needs --sysinfo" \
	"$bs" import --from ftrace "$f" -o "$work/x.bst" --sysinfo-end "$work"
# A sysinfo directory without zoneinfo: no checkpoints to read, exit 1.
mkdir -p "$work/empty-si/proc"
expect_fail 1 "zoneinfo" \
	"$bs" import --from ftrace "$f" -o "$work/x.bst" --sysinfo "$work/empty-si"
si=$(ls -d "$samples"/*.sysinfo | head -1)
expect_fail 1 "empty-si.*zoneinfo" \
	"$bs" import --from ftrace "$f" -o "$work/x.bst" --sysinfo "$si" --sysinfo-end "$work/empty-si"
cp "$work/plain.txt" "$work/same.txt"
expect_fail 1 "the output is the input file" \
	"$bs" import --from ftrace "$work/same.txt" -o "$work/./same.txt"
check "the input is left alone" cmp -s "$work/plain.txt" "$work/same.txt"
# An output that cannot be created.
expect_fail 1 "no/such/dir/x.bst" \
	"$bs" import --from ftrace "$f" -o "$work/no/such/dir/x.bst"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
