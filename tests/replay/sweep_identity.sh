#!/bin/sh
# SPDX-License-Identifier: MIT
# A sweep decodes the trace once and feeds every point's model from it: its
# runs must be those of the same points replayed one by one. A 4-point sweep
# (2 worker threads, so points share threads and batches) of the tracecmd
# sample against four `replay --mode whatif` runs; the stores are compared
# run by run on the settings, the summary (less its timing) and every row of
# samples, pageblock maps, events, counters and attribution.
# usage: sweep_identity.sh BUDDYSCOPE SAMPLES_DIR WORK_DIR
set -u
bin=$1 samples=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the stores"; exit 77; }
rm -rf "$work" && mkdir -p "$work" || exit 1
trace=$work/tracecmd.bst
"$bin" import --from ftrace "$samples/ftrace-tracecmd-churn-6.18.txt.zst" -o "$trace" \
	--sysinfo "$samples/ftrace-tracecmd-churn-6.18.sysinfo" >/dev/null 2>&1 ||
	fail "import of the tracecmd sample"
"$bin" sweep "$trace" --db "$work/sweep.db" --jobs 2 \
	--grid 'watermark-scale-factor=10,400;max-order=11,12' >/dev/null 2>"$work/err" ||
	{ cat "$work/err"; fail "sweep exited $?"; }
for wsf in 10 400; do
	for mo in 11 12; do
		"$bin" replay "$trace" --db "$work/one.db" --mode whatif --watermark-scale-factor $wsf \
			--max-order $mo --label "watermark-scale-factor=$wsf;max-order=$mo" \
			>/dev/null 2>"$work/err" || { cat "$work/err"; fail "replay $wsf $mo"; }
	done
done
python3 - "$work/sweep.db" "$work/one.db" <<'PY' || fail "the sweep's runs differ from the replays'"
import json, sqlite3, sys

def runs(path):
    c = sqlite3.connect(path)
    out = {}
    for rid, settings, status, summary, sha in c.execute(
            "SELECT id, settings, status, summary, trace_sha256 FROM runs"):
        s = json.loads(summary)
        for k in ("wall_seconds", "events_per_second"):
            s.pop(k, None)
        rows = {}
        for t in ("zones", "samples", "pbmaps", "events", "counters", "fidelity", "attribution"):
            cols = [r[1] for r in c.execute("PRAGMA table_info(%s)" % t) if r[1] != "run_id"]
            rows[t] = sorted(map(repr, c.execute(
                "SELECT %s FROM %s WHERE run_id = ?" % (",".join(cols), t), (rid,))))
        key = json.dumps(json.loads(settings), sort_keys=True)
        out[key] = (status, sha, json.dumps(s, sort_keys=True), rows)
    return out

a, b = runs(sys.argv[1]), runs(sys.argv[2])
if len(a) != 4 or sorted(a) != sorted(b):
    sys.exit("settings differ: sweep %s, replays %s" % (sorted(a), sorted(b)))
bad = 0
for k in a:
    for name, x, y in zip(("status", "trace_sha256", "summary", "rows"), a[k], b[k]):
        if x != y:
            bad += 1
            print("point %s: %s differs" % (k, name))
            if name == "rows":
                for t in x:
                    if x[t] != y[t]:
                        print("  table %s: %d rows vs %d" % (t, len(x[t]), len(y[t])))
for k in a:
    if a[k][0] != "complete":
        bad += 1
        print("point %s: status %s" % (k, a[k][0]))
sys.exit(1 if bad else 0)
PY
echo "ok: 4 sweep points equal their separate replays"
