#!/bin/sh
# SPDX-License-Identifier: MIT
# replay and sweep on the command line: usage errors exit 2, unreadable input
# exits 1 naming the file, a trace cut short is replayed as far as it reads
# (exit 0 with a warning), and runs land in the store.
# usage: cli_replay.sh BUDDYSCOPE SAMPLES_DIR WORK_DIR
set -u
bin=$1 samples=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect STATUS CMD...
	want=$1; shift
	"$@" >"$work/out" 2>"$work/err"
	got=$?
	[ $got -eq $want ] || { cat "$work/err"; fail "'$*' exited $got, expected $want"; }
}
mkdir -p "$work"
rm -f "$work"/*.db*
trace=$work/t.bst
"$bin" import --from ftrace "$samples/ftrace-churn-6.18.txt.zst" -o "$trace" \
	--sysinfo "$samples/ftrace-churn-6.18.sysinfo" >/dev/null 2>&1 || fail "import"

expect 2 "$bin" replay
expect 2 "$bin" replay "$trace"
expect 2 "$bin" replay "$trace" --db "$work/r.db" --bogus
expect 2 "$bin" replay "$trace" --db "$work/r.db" --mode sideways
expect 2 "$bin" replay "$trace" --db "$work/r.db" --max-order twelve
expect 2 "$bin" replay "$trace" --db "$work/r.db" --max-order 12
grep -q whatif "$work/err" || fail "shadow with settings does not say to use whatif"
expect 2 "$bin" replay "$trace" "$trace" --db "$work/r.db"
expect 2 "$bin" replay "$trace" --db "$work/r.db" --config "$work/missing.json"
expect 1 "$bin" replay "$work/missing.bst" --db "$work/r.db"
grep -q "missing.bst" "$work/err" || fail "no file name in: $(cat "$work/err")"
echo "not a trace" >"$work/junk.bst"
expect 1 "$bin" replay "$work/junk.bst" --db "$work/r.db"
grep -q "junk.bst" "$work/err" || fail "no file name in: $(cat "$work/err")"
expect 0 "$bin" replay --help

expect 0 "$bin" replay "$trace" --db "$work/r.db" --json
grep -q '"mode": "shadow"' "$work/out" || fail "no shadow summary"
expect 0 "$bin" replay "$trace" --db "$work/r.db" --mode whatif --max-order 12 \
	--watermark-scale-factor 100 --json
grep -q '"max-order": 12' "$work/out" || fail "what-if settings not in the summary"
# a config file, with a flag on top of it: the flag wins, the rest of the file stays
echo '{"max-order": 12, "watermark-scale-factor": 50}' >"$work/cfg.json"
expect 0 "$bin" replay "$trace" --db "$work/r.db" --mode whatif --config "$work/cfg.json" \
	--max-order 13 --json
grep -q '"max-order": 13' "$work/out" || fail "--max-order did not override the config"
grep -q '"watermark-scale-factor": 50' "$work/out" || fail "the config's setting was lost"
echo '{"max-order": "x"}' >"$work/bad.json"
expect 2 "$bin" replay "$trace" --db "$work/r.db" --mode whatif --config "$work/bad.json"
grep -q "bad.json" "$work/err" || fail "no file name in: $(cat "$work/err")"
# a trace cut in the middle: replay what reads, say so, exit 0
size=$(wc -c <"$trace")
head -c $((size / 2)) "$trace" >"$work/cut.bst"
expect 0 "$bin" replay "$work/cut.bst" --db "$work/r.db"
grep -q "warning" "$work/err" || fail "no warning for a cut trace"
grep -q '"trace_truncated": true' "$work/out" && fail "text mode printed json"
# the store's trace checksum, hashed while replaying (a cut trace too), is sha256sum's
stored_sha() { # stored_sha DB TRACE: the distinct trace_sha256 of TRACE's runs in DB
	python3 -c 'import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT DISTINCT trace_sha256 FROM runs WHERE trace_path = ?", (sys.argv[2],)).fetchall()
print(" ".join(str(r[0]) for r in rows))' "$1" "$2"
}
if command -v python3 >/dev/null 2>&1; then
	for t in "$trace" "$work/cut.bst"; do
		want=$(sha256sum "$t" | cut -d' ' -f1)
		got=$(stored_sha "$work/r.db" "$t")
		[ "$got" = "$want" ] || fail "$t: trace_sha256 in the store is '$got', sha256sum says $want"
	done
fi

expect 2 "$bin" sweep "$trace" --db "$work/s.db"
expect 2 "$bin" sweep "$trace" --db "$work/s.db" --grid 'bogus=1'
expect 2 "$bin" sweep "$trace" --db "$work/s.db" --grid 'max-order=11' --shard 2/2
expect 2 "$bin" sweep "$trace" --db "$work/s.db" --grid 'max-order=11' --jobs 0
expect 1 "$bin" sweep "$work/missing.bst" --db "$work/s.db" --grid 'max-order=11'
# shards 0/2 and 1/2 of a 4-point grid: 2 points each, 4 runs after merging
expect 0 "$bin" sweep "$trace" --db "$work/s0.db" --grid 'max-order=10,11;pcp-batch=31,63' \
	--shard 0/2 --jobs 2 --json
[ "$(grep -c '"point"' "$work/out")" = 2 ] || fail "shard 0/2 did not run 2 points"
grep -q '"point": "max-order=10;pcp-batch=31"' "$work/out" || fail "shard 0/2 lacks point 0"
grep -q '"point": "max-order=11;pcp-batch=31"' "$work/out" || fail "shard 0/2 lacks point 2"
expect 0 "$bin" sweep "$trace" --db "$work/s1.db" --grid 'max-order=10,11;pcp-batch=31,63' \
	--shard 1/2
# a sweep hashes the trace once, in its shared decoding pass: every point's run has the digest
if command -v python3 >/dev/null 2>&1; then
	want=$(sha256sum "$trace" | cut -d' ' -f1)
	got=$(stored_sha "$work/s1.db" "$trace")
	[ "$got" = "$want" ] || fail "sweep: trace_sha256 in the store is '$got', sha256sum says $want"
fi
if "$bin" merge --help >/dev/null 2>&1; then
	expect 0 "$bin" merge "$work/all.db" "$work/s0.db" "$work/s1.db"
fi
ls "$work"/*.tmp "$work"/*.json 2>/dev/null | grep -q sweep && fail "sweep left temporary files"
echo "ok"
