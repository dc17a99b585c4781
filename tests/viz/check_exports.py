#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check `export --format perfetto` and `--format openmetrics` against the
store read here with sqlite3 and a varint decoder of its own (viz/SCHEMA.md),
so the expected numbers do not come from the code under test.

usage: check_exports.py RUNS.db PERFETTO.json OPENMETRICS.txt
The OpenMetrics text must pass python3-prometheus-client's OpenMetrics parser;
without that module the script exits 77 (skip)."""
import collections
import json
import sqlite3
import sys

import store_blob

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("skip: python3-prometheus-client is not installed for", sys.executable)
    sys.exit(77)


def varints(blob, n, signed):
    return store_blob.varints(blob, n, signed, exact=False)


def load_store(path):
    db = sqlite3.connect(path)
    zones = {}
    for run, idx, node, name, no, mts in db.execute(
            "SELECT run_id, idx, node, name, nr_orders, migratetypes FROM zones"):
        zones[run, idx] = dict(node=node, name=name, no=no, mts=json.loads(mts))
    samples = collections.defaultdict(list)  # (run, zone idx) -> rows in time order
    for row in db.execute(
            "SELECT run_id, zone_idx, t_ns, free_blocks, nr_free_pages, wmark_min, wmark_low,"
            " wmark_high, wmark_boost, unusable_index, failures, fallbacks, frag_index"
            " FROM samples ORDER BY run_id, zone_idx, t_ns"):
        run, zi, t = row[0], row[1], row[2]
        z = zones[run, zi]
        no, nm = z["no"], len(z["mts"])
        samples[run, zi].append(dict(
            t=t, fb=varints(row[3], no * nm, False), free=row[4],
            wm=dict(min=row[5], low=row[6], high=row[7], boost=row[8]),
            ui=varints(row[9], no, True), fl=varints(row[10], no, False), fallbacks=row[11],
            fi=varints(row[12], no, True)))
    events = db.execute("SELECT run_id, t_ns, kind, text FROM events").fetchall()
    runs = [r for (r,) in db.execute("SELECT id FROM runs ORDER BY id")]
    return zones, samples, events, runs


def check_perfetto(path, zones, samples, events, runs):
    d = json.load(open(path))
    ev = d["traceEvents"]
    names = {(e["pid"], e.get("tid")): e["args"]["name"] for e in ev if e["ph"] == "M"}
    for run in runs:
        assert names[run, None].startswith("run %d " % run), names[run, None]
    counters = {}
    for e in ev:
        if e["ph"] == "C":
            counters[e["pid"], e["name"], round(e["ts"] * 1000)] = e["args"]
    checked = 0
    for (run, zi), rows in samples.items():
        z = zones[run, zi]
        assert names[run, zi + 1] == "node %d %s" % (z["node"], z["name"])
        prefix = "node %d %s " % (z["node"], z["name"])
        nm = len(z["mts"])
        for r in rows:
            fb = counters[run, prefix + "free blocks", r["t"]]
            want = {"order %d" % o: sum(r["fb"][o * nm:(o + 1) * nm]) for o in range(z["no"])}
            assert fb == want, (run, zi, r["t"], fb, want)
            fp = counters[run, prefix + "free pages", r["t"]]
            assert fp == dict(free=r["free"], **r["wm"]), (fp, r)
            ui = counters[run, prefix + "unusable index", r["t"]]
            assert all(abs(ui["order %d" % o] - r["ui"][o] / 1000) < 1e-9
                       for o in range(z["no"])), (ui, r["ui"])
            assert all(0 <= v <= 1 for v in ui.values()), ui
            checked += 1
        # instants: the growth of cumulative failures and fallbacks, summed, is the last value
        fails = sum(e["args"]["failures"] for e in ev if e["ph"] == "i" and e["pid"] == run
                    and e.get("tid") == zi + 1 and e["name"] == "allocation failure")
        falls = sum(e["args"]["fallbacks"] for e in ev if e["ph"] == "i" and e["pid"] == run
                    and e.get("tid") == zi + 1 and e["name"] == "fallback")
        assert fails == sum(rows[-1]["fl"]), (run, zi, fails, rows[-1]["fl"])
        assert falls == rows[-1]["fallbacks"], (run, zi, falls, rows[-1]["fallbacks"])
    inst = sorted((e["pid"], round(e["ts"] * 1000), e["name"], e["args"]["text"])
                  for e in ev if e["ph"] == "i" and e.get("s") == "p")
    assert inst == sorted(events), (inst, events)
    assert checked == sum(len(v) for v in samples.values()) and checked > 0
    return checked


def check_openmetrics(path, zones, samples, runs):
    text = open(path).read()
    assert text.endswith("# EOF\n")
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    for name, typ, unit in (("buddyscope_free_blocks", "gauge", "blocks"),
                            ("buddyscope_zone_free_pages", "gauge", "pages"),
                            ("buddyscope_zone_watermark_pages", "gauge", "pages"),
                            ("buddyscope_unusable_index_ratio", "gauge", "ratio"),
                            ("buddyscope_fragmentation_index", "gauge", ""),
                            ("buddyscope_allocation_failures", "counter", ""),
                            ("buddyscope_fallbacks", "counter", "")):
        f = fams[name]
        assert f.type == typ and f.unit == unit and f.documentation, (name, f.type, f.unit)
    got = {}
    for s in fams["buddyscope_free_blocks"].samples:
        l = s.labels
        got[int(l["run"]), l["node"], l["zone"], int(l["order"]), l["migratetype"],
            round(s.timestamp * 1e9)] = s.value
    want = {}
    for (run, zi), rows in samples.items():
        z = zones[run, zi]
        nm = len(z["mts"])
        for r in rows:
            for o in range(z["no"]):
                for m, mt in enumerate(z["mts"]):
                    want[run, str(z["node"]), z["name"], o, mt, r["t"]] = r["fb"][o * nm + m]
    assert got == want, (len(got), len(want))
    ui = {(int(s.labels["run"]), s.labels["zone"], int(s.labels["order"]),
           round(s.timestamp * 1e9)): s.value
          for s in fams["buddyscope_unusable_index_ratio"].samples}
    for (run, zi), rows in samples.items():
        z = zones[run, zi]
        for r in rows:
            for o in range(z["no"]):
                assert abs(ui[run, z["name"], o, r["t"]] - r["ui"][o] / 1000) < 1e-9
    fl = [s for s in fams["buddyscope_allocation_failures"].samples]
    assert all(s.name == "buddyscope_allocation_failures_total" for s in fl)
    return len(got)


zones, samples, events, runs = load_store(sys.argv[1])
n = check_perfetto(sys.argv[2], zones, samples, events, runs)
m = check_openmetrics(sys.argv[3], zones, samples, runs)
print("perfetto: %d zone samples checked; openmetrics: %d free-block points checked" % (n, m))
