#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the numbers behind a report against the store, recomputed here from
the raw rows (sqlite3 and the varint layout of viz/SCHEMA.md), not by the
code under test:
 - every verdict table cell (free pages in blocks of order >= 9, unusable
   index start/end/worst, failures, fallbacks, pageblock changes);
 - the comparison heatmap's hover values for the orders only the what-if has
   (the union of orders), from the documented binning;
 - memory maps: labelled with a stored map's own time, never two identical;
 - HTML escaping of a command name from the trace, gfp flags by name, pids
   merged per command.
usage: check_numbers.py DIR STORE.db BASE OTHER [FROM_S TO_S]"""
import html
import math
import os
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET

from store_blob import varints

SVG = "{http://www.w3.org/2000/svg}"
failures = []
ORDER = 9        # the order a verdict watches (viz.h VIZ_VERDICT_ORDER)
NBINS = 740      # heatmap bins: one per pixel column of the 740 px plot
HOVER_COLS = 8   # hover cells across a heatmap panel


def check(cond, what):
    if not cond:
        failures.append(what)




def samples(db, run, zone, no, nm, upto):
    rows = db.execute("SELECT t_ns, free_blocks, nr_free_pages, unusable_index, failures,"
                      " fallbacks, pageblock_changes FROM samples WHERE run_id = ? AND"
                      " zone_idx = ? AND t_ns <= ? ORDER BY t_ns", (run, zone, upto))
    for t, fb, nfp, ui, fl, fall, pbc in rows:
        yield (t, varints(fb, no * nm), nfp, varints(ui, no, True), sum(varints(fl, no)),
               fall, pbc)


def zone_shape(db, run, zone):
    no, mts = db.execute("SELECT nr_orders, migratetypes FROM zones WHERE run_id = ? AND"
                         " idx = ?", (run, zone)).fetchone()
    return no, len(eval(mts))


def expected_verdict(db, run, zone, t0, t1):
    no, nm = zone_shape(db, run, zone)
    h = min(ORDER, no - 1)
    base = {"fail": 0, "fall": 0, "pbc": 0}
    rows = []
    for t, fb, nfp, ui, fl, fall, pbc in samples(db, run, zone, no, nm, t1):
        high = sum(fb[o * nm + m] << o for o in range(h, no) for m in range(nm))
        if t < t0:
            base = {"fail": fl, "fall": fall, "pbc": pbc}
        else:
            rows.append((high, ui[h] / 1000, fl, fall, pbc))
    if not rows:
        return None
    return {
        "high_free_start": rows[0][0], "high_free_end": rows[-1][0],
        "high_free_min": min(r[0] for r in rows),
        "unusable_start": rows[0][1], "unusable_end": rows[-1][1],
        "unusable_worst": max(r[1] for r in rows),
        "failures": rows[-1][2] - base["fail"], "fallbacks": rows[-1][3] - base["fall"],
        "pageblock_changes": rows[-1][4] - base["pbc"],
    }


def run_window(db, run, frm, to):
    t0, t1 = db.execute("SELECT min(t_ns), max(t_ns) FROM samples WHERE run_id = ?",
                        (run,)).fetchone()
    if frm is not None:
        t0, t1 = max(t0, frm), min(t1, to)
    return t0, t1


def check_verdicts(page, db, frm, to):
    tables = re.findall(r'<table class="verdict" data-run="(\d+)">(.*?)</table>', page, re.S)
    check(tables, "no verdict table")
    for run, body in tables:
        run = int(run)
        t0, t1 = run_window(db, run, frm, to)
        for zone, cells in re.findall(r'<tr data-zone="(\d+)">(.*?)</tr>', body, re.S):
            exp = expected_verdict(db, run, int(zone), t0, t1)
            got = dict(re.findall(r'<td data-k="([a-z_]+)">([^<]*)</td>', cells))
            for key, want in exp.items():
                val = got.get(key)
                if isinstance(want, float):
                    ok = val is not None and abs(float(val) - want) < 0.0006
                else:
                    ok = val is not None and int(val) == want
                check(ok, f"run {run} zone {zone} verdict {key}: page {val}, store {want}")
        print(f"verdict of run {run}: {len(re.findall('data-zone', body))} zones checked")


def binned(db, run, zone, t0, t1):
    """Free blocks [bin][order][mt] as SCHEMA.md says: mean per bin, carried forward."""
    no, nm = zone_shape(db, run, zone)
    acc = [None] * NBINS
    cnt = [0] * NBINS
    for t, fb, *_ in samples(db, run, zone, no, nm, t1):
        if t < t0:
            continue
        b = min((t - t0) * NBINS // (t1 - t0 + 1), NBINS - 1)
        acc[b] = [a + v for a, v in zip(acc[b], fb)] if acc[b] else list(fb)
        cnt[b] += 1
    prev = None
    for b in range(NBINS):
        if cnt[b]:
            acc[b] = [v / cnt[b] for v in acc[b]]
            prev = acc[b]
        else:
            acc[b] = prev
    return acc, no, nm


def check_union(rep, db, base, other, frm, to):
    """Orders the what-if has and the base lacks: hover value = other's mean - 0."""
    zones = [z for (z,) in db.execute("SELECT idx FROM zones WHERE run_id = ?", (base,))]
    a0, a1 = run_window(db, base, frm, to)
    b0, b1 = run_window(db, other, frm, to)
    t0, t1 = min(a0, b0), max(a1, b1)
    checked = 0
    for z in zones:
        path = f"{rep}/compare-{base}-{other}-heatmap-z{z}.svg"
        if not os.path.exists(path):
            continue
        ga, noa, nm = binned(db, base, z, t0, t1)
        gb, nob, _ = binned(db, other, z, t0, t1)
        mts = eval(db.execute("SELECT migratetypes FROM zones WHERE run_id = ? AND idx = ?",
                              (base, z)).fetchone()[0])
        titles = [t.text for t in ET.parse(path).getroot().iter(SVG + "title")]
        for o in range(min(noa, nob), max(noa, nob)):
            for mt in range(nm):
                for k in range(HOVER_COLS):
                    lo, hi = k * NBINS // HOVER_COLS, (k + 1) * NBINS // HOVER_COLS
                    vals = []
                    for b in range(lo, hi):
                        if ga[b] is None or gb[b] is None:
                            continue
                        va = ga[b][o * nm + mt] if o < noa else 0
                        vb = gb[b][o * nm + mt] if o < nob else 0
                        vals.append(vb - va)
                    want = sum(vals) / len(vals)
                    pre = f"{mts[mt]}, order {o}, t "
                    got = [t for t in titles if t.startswith(pre)]
                    check(len(got) == HOVER_COLS, f"z{z} {mts[mt]} order {o}: {len(got)} cells")
                    if len(got) != HOVER_COLS:
                        continue
                    m = re.search(r": ([+-]?[0-9.]+) free blocks", got[k])
                    check(m and abs(float(m.group(1)) - want) < 0.051,
                          f"z{z} {mts[mt]} order {o} column {k}: SVG {got[k]!r}, store {want:.2f}")
                    check("absent in base" in got[k] or o < noa,
                          f"z{z} order {o}: not said to be absent in the base")
                    checked += 1
    print(f"comparison: {checked} hover values of orders beyond the base checked")
    return checked


def check_maps(page, db):
    shown = {}
    for run, zone, t in re.findall(r'<figure id="run(\d+)-memmap-z(\d+)-\d+"><img [^>]*alt="'
                                   r'Run \d+, [^:]*: pageblocks at t = ([0-9.]+) s', page):
        shown.setdefault((int(run), int(zone)), []).append(float(t))
    for (run, zone), times in shown.items():
        maps = db.execute("SELECT t_ns, data FROM pbmaps WHERE run_id = ? AND zone_idx = ?"
                          " ORDER BY t_ns", (run, zone)).fetchall()
        blobs = []
        for t in times:
            near = [d for (tn, d) in maps if abs(tn / 1e9 - t) < 0.0005]
            check(near, f"run {run} zone {zone}: map labelled t = {t} is no stored map's time")
            if near:
                blobs.append(near[0])
        check(len(set(blobs)) == len(blobs), f"run {run} zone {zone}: two identical maps shown")
        check(len(set(times)) == len(times), f"run {run} zone {zone}: two maps at one time")
    print(f"memory maps: {sum(len(v) for v in shown.values())} shown, none identical")


def check_names(page):
    check("onerror=alert(1)>" not in page and "<img src=x" not in page,
          "a command name from the trace reached the HTML unescaped")
    check(html.escape('<img src=x onerror=alert(1)>&"') in page,
          "the command name is missing (escaped) from the page")
    # gfp flags by the kernel's names (include/linux/gfp_types.h): 0x140dca is
    # GFP_HIGHUSER_MOVABLE (0x100cca) | __GFP_ZERO (0x100) | __GFP_COMP (0x40000)
    check('title="0x140dca">GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP<' in page,
          "gfp 0x140dca not named")
    check('title="0xcc0">GFP_KERNEL<' in page, "gfp 0xcc0 not named")
    m = re.search(r"<summary><strong>stress-ng</strong>: (\d+) allocations[^<]*; (\d+) pids"
                  r"</summary>(.*?)</details>", page, re.S)
    check(m and m.group(2) == "2" and "<td>4242</td>" in m.group(3) and
          "<td>4243</td>" in m.group(3), "stress-ng's two pids not merged with a drill-down")


def main():
    rep, store, base, other = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    frm = to = None
    args = [a for a in sys.argv if a != "--names"]
    if len(args) > 6:
        frm, to = round(float(args[5]) * 1e9), round(float(args[6]) * 1e9)
    db = sqlite3.connect(store)
    page = open(rep + "/index.html", encoding="utf-8").read()
    check_verdicts(page, db, frm, to)
    if check_union(rep, db, base, other, frm, to) == 0:
        failures.append("no order beyond the base's was checked")
    check_maps(page, db)
    if "--names" in sys.argv:
        check_names(page)
    for f in failures:
        print("FAIL:", f)
    print(f"check_numbers: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
