#!/bin/sh
# SPDX-License-Identifier: MIT
# export --format perfetto and --format openmetrics on a synthetic store and on
# a store replayed from the bundled capture: the files parse (python3 json, the
# OpenMetrics parser of python3-prometheus-client) and hold the store's numbers,
# decoded independently by check_exports.py.
# usage: test_export_formats.sh BUDDYSCOPE VIZ_FILL SRCDIR SAMPLES WORKDIR
set -u
bs=$1 fill=$2 src=$3 samples=$4 work=$5
rm -rf "$work" && mkdir -p "$work" || exit 1
# The Debian module lives in the system python; a pyenv python3 may not see it.
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { echo "skip: python3-prometheus-client is not installed"; exit 77; }
fail=0
check_store() { # check_store DB NAME
	"$bs" export --db "$1" --format perfetto -o "$work/$2.perfetto.json" 2>"$work/err" &&
		"$bs" export --db "$1" --format openmetrics --output "$work/$2.om.txt" 2>>"$work/err" ||
		{ cat "$work/err" >&2; echo "FAIL: export of $2" >&2; fail=1; return; }
	"$py" "$src/check_exports.py" "$1" "$work/$2.perfetto.json" "$work/$2.om.txt" ||
		{ echo "FAIL: $2: check_exports.py" >&2; fail=1; }
}
"$fill" "$work/synth.db" 9 2 11 4 || exit 1
check_store "$work/synth.db" synth
"$bs" replay "$samples/capture-churn-6.18.bst" --db "$work/replay.db" >/dev/null 2>&1 ||
	{ echo "FAIL: replay of the bundled capture" >&2; exit 1; }
check_store "$work/replay.db" replay
# One run: only its process in the trace.
"$bs" export --db "$work/synth.db" --run 2 --format perfetto >"$work/one.json" &&
	"$py" -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert {e["pid"] for e in d["traceEvents"]} == {2}' "$work/one.json" ||
	{ echo "FAIL: --run 2 --format perfetto" >&2; fail=1; }
"$bs" export --db "$work/synth.db" --format nonsense >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "perfetto or openmetrics" "$work/err" ||
	{ echo "FAIL: --format nonsense" >&2; fail=1; }
[ $fail -eq 0 ] && echo "ok"
exit $fail
