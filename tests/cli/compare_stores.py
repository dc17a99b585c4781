#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare the runs of two run stores as a sweep's results, not as files.

usage: compare_stores.py EXPECTED.db GOT.db [--runs N]

Each run is keyed by (trace_sha256, mode, settings). Both stores must hold
the same keys, each once, and per key the same grid and grid index, status,
outcome figures of the summary, and the same sample rows (free blocks,
indices, failures per zone and time). Timestamps, uuids, ids and wall-clock
figures (wall_seconds, events_per_second) are not compared: they differ
between any two runs. With --runs N, each store must hold N runs.
"""
import hashlib
import json
import sqlite3
import sys

OUTCOMES = ("failures_by_order", "failures_by_reason", "fallbacks", "steals",
            "watermark_breaches", "kswapd_wakes", "pageblock_changes",
            "unusable_index_order9_mean", "events", "samples", "claims", "boosts",
            "complete")


def runs(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    for rid, sha, mode, settings, status, summary, gi, grid in db.execute(
            "SELECT id, trace_sha256, mode, settings, status, summary, grid_index, grid"
            " FROM runs"):
        key = (sha, mode, settings)
        if key in out:
            sys.exit(f"{path}: run {rid} repeats {key}")
        s = json.loads(summary) if summary else {}
        h = hashlib.sha256()
        for row in db.execute(
                "SELECT zone_idx, t_ns, hex(free_blocks), nr_free_pages, hex(frag_index),"
                " hex(unusable_index), hex(failures), fallbacks FROM samples"
                " WHERE run_id = ? ORDER BY zone_idx, t_ns", (rid,)):
            h.update(repr(row).encode())
        out[key] = {"status": status, "grid_index": gi, "grid": grid,
                    "outcomes": {k: s.get(k) for k in OUTCOMES},
                    "samples_sha256": h.hexdigest()}
    db.close()
    return out


def main():
    want, got = runs(sys.argv[1]), runs(sys.argv[2])
    if "--runs" in sys.argv:
        n = int(sys.argv[sys.argv.index("--runs") + 1])
        for path, r in ((sys.argv[1], want), (sys.argv[2], got)):
            if len(r) != n:
                sys.exit(f"{path}: {len(r)} runs, wanted {n}")
    if set(want) != set(got):
        sys.exit(f"different runs: only in {sys.argv[1]}: {set(want) - set(got)}; "
                 f"only in {sys.argv[2]}: {set(got) - set(want)}")
    for key in want:
        if want[key] != got[key]:
            sys.exit(f"run {key} differs:\n  {want[key]}\n  {got[key]}")
    for key, r in want.items():
        if r["status"] != "complete" or r["grid_index"] is None:
            sys.exit(f"run {key}: status {r['status']}, grid index {r['grid_index']}")
    print(f"{len(want)} runs agree")


main()
