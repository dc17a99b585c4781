#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reclaim and compaction over time in a report (test_viz_activity.sh).

traces DIR: write mm.txt and plain.txt. Both are the --compact-at trace of
tests/replay/test_replay_pressure.c (8192 order-0 allocations from 0.1 s
fill the zone at 0x100000, all but 0x100005, 0x100006, 0x100064 and most
of the last pageblock are freed from 0.2 s, the three are freed at 0.45 s;
plain.txt then allocates one page at 0.5 s):
a --compact-at 0.3 replay migrates exactly those 3 pages in one explicit
run (worked out there from model/KERNEL-FACTS.md). mm.txt adds the
kernel's records: kswapd of node 0 wakes at 0.15 s and sleeps at 0.25 s
(awake 0.1 s), one compaction run (0.16-0.18 s) migrates 7 pages, one
direct reclaim ends with nr_reclaimed=32; no vmstat readings, so the
kernel's pages reclaimed are direct reclaim's 32 (viz.h
reclaim_direct_only).

check DIR STORE: run 1 (mm.txt, --compact-at 0.3) must show the section
with those numbers and a figure whose time axis is its heatmap's (the
numbers in the SVG's text layer: range in ns, plot x and width, equal to
the run's first and last sample time in the store), PNG and SVG of the
sizes the reports table says; run 2 (plain.txt, reclaim and compaction off)
must say "no reclaim or compaction in this run" and have no figure; the
comparison's figure spans the union of both runs' times, as its heatmap.

from DIR STORE: run 1's report from 0.2 s (check_from()).
"""
import os
import re
import sqlite3
import struct
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def line(t, ev, rest, comm="stress-100     [000]"):
    return f"          {comm} .....  {t:.6f}: {ev}: {rest}"


def page(t, ev, pfn):
    rest = f"page=0000000000000000 pfn={pfn:#x} order=0"
    if ev == "mm_page_alloc":
        rest += " migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE"
    return (t, line(t, ev, rest))


def write_traces(d):
    base, n = 0x100000, 8192
    ev = [page(0.1 + i * 1e-6, "mm_page_alloc", base + i) for i in range(n)]
    for i in range(n):
        keep = i in (5, 6, 100) or (i >= 7680 and i != 7700 and not 8184 <= i <= 8187)
        if not keep:
            ev.append(page(0.2 + i * 1e-6, "mm_page_free", base + i))
    ev += [page(0.45 + k * 1e-5, "mm_page_free", base + p) for k, p in enumerate((5, 6, 100))]
    k = "kswapd0-88      [001]"
    mm = [(0.15, line(0.15, "mm_vmscan_kswapd_wake", "nid=0 order=3", k)),
          (0.16, line(0.16, "mm_compaction_begin", "zone_start=0x100000 migrate_pfn=0x100000 "
                      "free_pfn=0x101e00 zone_end=0x102000, mode=sync")),
          (0.17, line(0.17, "mm_compaction_migratepages", "nr_migrated=7 nr_failed=0")),
          (0.18, line(0.18, "mm_compaction_end", "zone_start=0x100000 migrate_pfn=0x100200 "
                      "free_pfn=0x101e00 zone_end=0x102000, mode=sync status=complete")),
          (0.19, line(0.19, "mm_vmscan_direct_reclaim_end", "nr_reclaimed=32")),
          (0.25, line(0.25, "mm_vmscan_kswapd_sleep", "nid=0", k))]
    # plain.txt goes on to 0.5 s, so the comparison's axis is wider than run 1's
    later = [page(0.5, "mm_page_alloc", base + 7700)]
    for name, lines in (("plain", ev + later), ("mm", ev + mm)):
        with open(os.path.join(d, name + ".txt"), "w") as f:
            f.write("# tracer: nop\n#\n")
            for _, text in sorted(lines, key=lambda x: x[0]):
                f.write(text + "\n")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    return struct.unpack(">II", head[16:24])


def time_axes(path):
    """Every time axis of an SVG: (t0_ns, t1_ns, x, w) from its text layer."""
    root = ET.parse(path).getroot()
    return {(int(g.get("data-t0-ns")), int(g.get("data-t1-ns")), g.get("data-x"), g.get("data-w"))
            for g in root.iter(SVG + "g") if g.get("class") == "time-axis"}


def figure(d, db, name, t0, t1):
    """The figure @name in PNG and SVG, its time axis [t0, t1] as the heatmap beside it."""
    svg, png = os.path.join(d, name + ".svg"), os.path.join(d, name + ".png")
    check(os.path.exists(svg) and os.path.exists(png), f"{name}: PNG and SVG written")
    if not (os.path.exists(svg) and os.path.exists(png)):
        return
    row = db.execute("SELECT width, height FROM reports WHERE path LIKE ? AND format = 'png'",
                     ("%/" + name + ".png",)).fetchone()
    check(row is not None and png_size(png) == tuple(row), f"{name}.png: size {row}")
    root = ET.parse(svg).getroot()
    check(row is not None and (root.get("width"), root.get("height")) ==
          (f"{row[0]}pt", f"{row[1]}pt") or row is not None and
          (root.get("width"), root.get("height")) == (str(row[0]), str(row[1])),
          f"{name}.svg: size {root.get('width')}x{root.get('height')}")
    axes = time_axes(svg)
    heat = name.replace("-activity", "-heatmap-z0")
    want = time_axes(os.path.join(d, heat + ".svg"))
    check(len(axes) == 1 and axes == want, f"{name}: time axes {axes}, heatmap's {want}")
    check(all(a[0] == t0 and a[1] == t1 for a in axes), f"{name}: time range {axes} != {t0}..{t1}")


def section(page, anchor):
    m = re.search(r'<h3 id="%s">(.*?)(?=<h3 |<details|</section>)' % anchor, page, re.S)
    return m.group(1) if m else ""


def numbers(sec, source):
    m = re.search(r'<li data-source="%s">(.*?)</li>' % source, sec, re.S)
    if not m:
        return None
    return {k: int(v) for k, v in re.findall(r'data-k="([a-z_]+)">(\d+)<', m.group(1))}


def check_from(d, db):
    """run 1 from 0.2 s: the kernel's records all precede the window (its counts there are 0,
    no tick), the model's compaction at 0.35 s (time 0 is 0.1 s in the trace) is in it."""
    t1 = db.execute("SELECT MAX(t_ns) FROM samples WHERE run_id = 1").fetchone()[0]
    sec = section(open(os.path.join(d, "index.html"), encoding="utf-8").read(), "run-1-activity")
    check(numbers(sec, "trace") == {"kswapd_runs": 0, "pages_reclaimed": 0, "compaction_runs": 0,
                                    "pages_migrated": 0}, f"from 0.2 s, kernel: {numbers(sec, 'trace')}")
    check(numbers(sec, "model") == {"kswapd_runs": 0, "pages_reclaimed": 0, "compaction_runs": 1,
                                    "pages_migrated": 3}, f"from 0.2 s, model: {numbers(sec, 'model')}")
    figure(d, db, "run1-activity", 200000000, t1)
    svg = open(os.path.join(d, "run1-activity.svg"), encoding="utf-8").read()
    check("kernel: 1 compaction run" not in svg, "from 0.2 s: a tick for the kernel's earlier run")
    check("model: 1 compaction run by t = " in svg, "from 0.2 s: the model's tick")
    return report()


def report():
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"check_activity: {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


def main():
    if sys.argv[1] == "traces":
        write_traces(sys.argv[2])
        return 0
    d, db = sys.argv[2], sqlite3.connect(sys.argv[3])
    if sys.argv[1] == "from":
        return check_from(d, db)
    rng = {r: db.execute("SELECT MIN(t_ns), MAX(t_ns) FROM samples WHERE run_id = ?",
                         (r,)).fetchone() for r in (1, 2)}
    page = open(os.path.join(d, "index.html"), encoding="utf-8").read()

    # run 1: the model's one explicit run moving 3 pages; the kernel's records as the docstring says
    sec = section(page, "run-1-activity")
    check(sec != "", "run 1: no reclaim and compaction section")
    check(numbers(sec, "model") == {"kswapd_runs": 0, "pages_reclaimed": 0, "compaction_runs": 1,
                                    "pages_migrated": 3}, f"run 1 model: {numbers(sec, 'model')}")
    check(numbers(sec, "trace") == {"kswapd_runs": 1, "pages_reclaimed": 32, "compaction_runs": 1,
                                    "pages_migrated": 7}, f"run 1 kernel: {numbers(sec, 'trace')}")
    check("(awake 0.100 s)" in sec, "run 1: kswapd awake 0.1 s")
    check("no reclaim or compaction" not in sec, "run 1 says there was none")
    figure(d, db, "run1-activity", *rng[1])
    svg = open(os.path.join(d, "run1-activity.svg"), encoding="utf-8").read()
    check("model: 1 compaction run by t = " in svg, "run 1: the model's compaction tick's hover")
    check("kernel: 1 compaction run by t = " in svg, "run 1: the kernel's compaction tick's hover")

    # run 2: nothing, in words, and no figure
    sec = section(page, "run-2-activity")
    check("There was no reclaim or compaction in this run." in sec, f"run 2: {sec[:200]!r}")
    check(not os.path.exists(os.path.join(d, "run2-activity.png")), "run 2: a figure of nothing")

    # the comparison: both runs on the union of their times
    check(section(page, "compare-activity") != "", "comparison: no section")
    check(rng[2][1] > rng[1][1], f"run 2 ends after run 1: {rng}")
    figure(d, db, "compare-1-2-activity", min(rng[1][0], rng[2][0]), max(rng[1][1], rng[2][1]))
    return report()


if __name__ == "__main__":
    sys.exit(main())
