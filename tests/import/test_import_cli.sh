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

# The part of bst_summary that text_summary also computes.
bst_counts() {
	"$summary" "$1" | grep -v -e '^header ' -e '^lost ' -e '^checkpoint ' -e '^snapshot_' \
		-e '^comm '
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
			echo "note: --sysinfo not tested: built without capture/sysinfo" >&2
		elif [ $rc -eq 0 ]; then
			"$summary" "$work/si.bst" | grep '^header ' > "$work/header"
			check "$base sysinfo zones" grep -q '"zones":\[{' "$work/header"
			check "$base sysinfo Normal zone" grep -q '"Normal"' "$work/header"
			check "$base sysinfo osrelease" grep -q "\"$(cat "$si/proc/sys/kernel/osrelease")\"" \
				"$work/header"
			check "$base sysinfo source" grep -q "\"source\":\"import-$from\"" "$work/header"
		else
			fail "$base --sysinfo exit $rc"; cat "$work/stderr" >&2
		fi
	fi
done
check "at least one ftrace and one perf sample" [ $n_samples -ge 2 ]

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
expect_fail 2 "--from is required" "$bs" import "$f" -o "$work/x.bst"
expect_fail 2 "-o OUT.bst is required" "$bs" import --from ftrace "$f"
expect_fail 2 "--from wants ftrace or perf-script" "$bs" import --from systemtap "$f" -o x.bst
expect_fail 2 "expected exactly one input" "$bs" import --from ftrace a b -o "$work/x.bst"
expect_fail 2 "--max-bad wants a count" "$bs" import --from ftrace "$f" -o x.bst --max-bad -1
expect_fail 2 "-o wants a file" "$bs" import --from ftrace "$f" -o -
cp "$work/plain.txt" "$work/same.txt"
expect_fail 1 "the output is the input file" \
	"$bs" import --from ftrace "$work/same.txt" -o "$work/./same.txt"
check "the input is left alone" cmp -s "$work/plain.txt" "$work/same.txt"
# An output that cannot be created.
expect_fail 1 "no/such/dir/x.bst" \
	"$bs" import --from ftrace "$f" -o "$work/no/such/dir/x.bst"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
