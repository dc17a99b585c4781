#!/bin/sh
# SPDX-License-Identifier: MIT
# The report, export and merge commands on synthetic stores: exit codes,
# SVG structure (check_report.py), the reports table against the files on
# disk, export row counts, merging shards, and the errors users meet.
# usage: test_viz_cli.sh BUDDYSCOPE VIZ_FILL SRCDIR WORKDIR
set -u
bs=$1 fill=$2 src=$3 work=$4
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*" >&2; fail=1; }
expect() { # expect STATUS DESCRIPTION command...
	want=$1 what=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
		bad "$what: exit $got, wanted $want"; cat "$work/err" >&2; fi
}

rm -rf "$work" && mkdir -p "$work" || exit 1
T=23 Z=2 O=11 M=4
"$fill" "$work/runs.db" $T $Z $O $M || { echo "viz_fill failed" >&2; exit 1; }

expect 0 "report png+svg with a comparison" \
	"$bs" report --db "$work/runs.db" -o "$work/rep" --format png,svg --compare 1:2
grep -q "index.html" "$work/err" || bad "report does not say where to open the report"
python3 "$src/check_report.py" "$work/rep" "$work/runs.db" $Z $M || bad "check_report.py"

# The numbers behind the figures, recomputed from the store (check_numbers.py):
# a 13-order what-if against an 11-order base, a map at 4 s identical to the
# one at 0 s, a command name that is HTML, a command with two pids.
"$fill" "$work/x.db" $T $Z $O $M --whatif-orders 13 --extras || bad "viz_fill --extras"
expect 0 "report of a 13-order what-if with --at" \
	"$bs" report --db "$work/x.db" -o "$work/xrep" --format png,svg --compare 1:2 --at 4
python3 "$src/check_numbers.py" "$work/xrep" "$work/x.db" 1 2 --names || bad "check_numbers.py"
python3 "$src/check_report.py" "$work/xrep" "$work/x.db" $Z $M || bad "check_report.py (13 orders)"
grep -q "unchanged at t = 3.668 s (requested at t = 4.000 s)" "$work/xrep/index.html" ||
	bad "the map identical to t = 0 is not named as unchanged"
expect 0 "report with a window" \
	"$bs" report --db "$work/x.db" -o "$work/wrep" --format svg --compare 1:2 --from 1 --to 5
python3 "$src/check_numbers.py" "$work/wrep" "$work/x.db" 1 2 1 5 || bad "check_numbers.py --from 1 --to 5"
grep -q "Window: t = 1.000 s to 5.000 s" "$work/wrep/index.html" || bad "the window is not stated"
expect 2 "report --to before --from" "$bs" report --db "$work/x.db" -o "$work/wrep" --from 3 --to 2
expect 2 "report --at with a word" "$bs" report --db "$work/x.db" -o "$work/wrep" --at 1,soon
grep -q "at.*soon" "$work/err" || bad "--at error does not quote the value"

expect 0 "report of one run, svg only" \
	"$bs" report --db "$work/runs.db" -o "$work/rep3" --run 3 --format svg
[ -f "$work/rep3/run3-heatmap-z0.svg" ] && [ ! -e "$work/rep3/run3-heatmap-z0.png" ] &&
	[ ! -e "$work/rep3/run1-heatmap-z0.svg" ] || bad "--run 3 --format svg wrote the wrong files"
grep -q "did not finish normally" "$work/rep3/index.html" || bad "incomplete run 3 not flagged"

# Export: one CSV row per time x zone x order x migratetype, plus a header.
expect 0 "export csv" "$bs" export --db "$work/runs.db" --run 1 --format csv -o "$work/r1.csv"
rows=$(wc -l <"$work/r1.csv")
[ "$rows" -eq $((T * Z * O * M + 1)) ] && ok "csv has $rows lines" ||
	bad "csv has $rows lines, wanted $((T * Z * O * M + 1))"
expect 0 "export all runs as csv to stdout" "$bs" export --db "$work/runs.db" --format csv
rows=$(wc -l <"$work/out")
[ "$rows" -eq $((3 * T * Z * O * M + 1)) ] || bad "csv of 3 runs has $rows lines"
expect 0 "export json" "$bs" export --db "$work/runs.db" --run 2 --format json -o "$work/r2.json"
python3 - "$work/r2.json" $T $Z $O $M <<'PY' || bad "json export content"
import json, sys
d = json.load(open(sys.argv[1]))
T, Z, O, M = map(int, sys.argv[2:])
r = d["runs"][0]
assert d["schema_version"] == 3 and len(d["runs"]) == 1, d.keys()
assert r["id"] == 2 and r["mode"] == "whatif" and r["status"] == "complete"
assert r["settings"]["min_free_kbytes"] == 65536 and r["summary"]["lost_events"] == 12
assert len(r["samples"]) == T * Z, len(r["samples"])
s = r["samples"][0]
assert len(s["free_blocks"]) == O and len(s["free_blocks"][0]) == M
assert len(r["pageblock_maps"]) == 2 and len(r["pageblock_maps"][0]["migratetype"]) == 64
assert len(r["fidelity"]) == (T + 9) // 10 and len(r["events"]) == 2
assert r["attribution"][0]["allocations"] == 10000
PY

# Errors: usage is 2; a bad or newer store, a missing run, is 1 with a message.
expect 2 "report without --db" "$bs" report -o "$work/x"
expect 2 "report --format gif" "$bs" report --db "$work/runs.db" -o "$work/x" --format gif
expect 2 "report --compare 1-2" "$bs" report --db "$work/runs.db" -o "$work/x" --compare 1-2
expect 2 "export without --format" "$bs" export --db "$work/runs.db"
expect 1 "report of a missing store" "$bs" report --db "$work/none.db" -o "$work/x"
grep -q "none.db" "$work/err" || bad "missing store: message does not name the file"
expect 1 "report --run 99" "$bs" report --db "$work/runs.db" -o "$work/x" --run 99
grep -q "no run 99" "$work/err" || bad "--run 99: message"
"$fill" "$work/newer.db" 3 1 11 3 --newer || bad "viz_fill --newer"
expect 1 "report of a store from a newer version" "$bs" report --db "$work/newer.db" -o "$work/x"
grep -q "newer buddyscope" "$work/err" || bad "newer store: message"
expect 1 "export of a store from a newer version" \
	"$bs" export --db "$work/newer.db" --format csv
printf 'not a database at all, only text; SQLite reads a hundred byte header first......\n' \
	>"$work/junk.db"
expect 1 "report of a text file" "$bs" report --db "$work/junk.db" -o "$work/x"
grep -q "junk.db" "$work/err" || bad "text file: message does not name the file"

# Merge two shards (3 runs each) into a new store, then once more: idempotent.
"$fill" "$work/shard1.db" 5 1 11 3 && "$fill" "$work/shard2.db" 7 2 11 3 || bad "fill shards"
expect 0 "merge two shards" "$bs" merge "$work/merged.db" "$work/shard1.db" "$work/shard2.db"
expect 0 "merge a shard again" "$bs" merge "$work/merged.db" "$work/shard2.db"
python3 - "$work/merged.db" <<'PY' || bad "merged store content"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda s: db.execute(s).fetchone()[0]
assert q("SELECT count(*) FROM runs") == 6, q("SELECT count(*) FROM runs")
assert q("SELECT count(*) FROM samples") == 3 * 5 * 1 + 3 * 7 * 2
assert q("SELECT count(DISTINCT uuid) FROM runs") == 6
assert q("SELECT count(*) FROM runs WHERE status = 'incomplete'") == 2
assert q("SELECT count(*) FROM zones") == 3 * 1 + 3 * 2
assert q("SELECT count(*) FROM pbmaps") == 12 and q("SELECT count(*) FROM attribution") == 18
assert q("PRAGMA integrity_check") == "ok"
PY
expect 0 "report of the merged store" "$bs" report --db "$work/merged.db" -o "$work/mrep"
expect 1 "merge a text file" "$bs" merge "$work/merged2.db" "$work/junk.db"
expect 2 "merge with one argument" "$bs" merge "$work/merged.db"
exit $fail
