#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a report directory: every SVG parses as XML and has the panels,
axis labels and legends its kind must have (read from the SVG's text layer,
and checked to be drawn: Cairo draws each label's glyphs); every PNG has the
size its SVG twin declares; index.html shows every image and every file is
in the store's reports table with its real checksum and size.
usage: check_report.py DIR STORE.db NR_ZONES NR_MIGRATETYPES"""
import hashlib
import html.parser
import os
import re
import sqlite3
import struct
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
MT_NAMES = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def texts(elem, cls=None):
    return [t.text or "" for t in elem.iter(SVG + "text")
            if cls is None or t.get("class") == cls]


def check_svg(path, kind, nr_mt):
    root = ET.parse(path).getroot()
    name = os.path.basename(path)
    check(root.tag == SVG + "svg", f"{name}: root is {root.tag}")
    w = float(re.sub("[a-z]+$", "", root.get("width")))
    h = float(re.sub("[a-z]+$", "", root.get("height")))
    layer = [g for g in root.iter(SVG + "g") if g.get("id") == "buddyscope-text"]
    check(len(layer) == 1, f"{name}: no text layer")
    if not layer:
        return w, h
    layer = layer[0]
    title = root.find(SVG + "title")
    check(title is not None and title.text, f"{name}: no <title>")
    check(len(texts(layer, "title")) == 1, f"{name}: no figure title")
    panels = [g for g in layer.iter(SVG + "g") if g.get("class") == "panel"]
    ids = [p.get("id") for p in panels]
    for p in panels:
        pw, ph = float(p.get("data-w")), float(p.get("data-h"))
        px, py = float(p.get("data-x")), float(p.get("data-y"))
        check(0 <= px and px + pw <= w and 0 <= py and py + ph <= h and pw > 0 and ph > 0,
              f"{name}: panel {p.get('id')} outside the figure")
    # The labels are drawn, not only listed: one glyph <use> per visible char.
    chars = sum(len(t.replace(" ", "")) for t in texts(layer))
    uses = sum(1 for u in root.iter(SVG + "use")
               if (u.get(XLINK + "href") or "").startswith("#glyph"))
    check(uses >= chars, f"{name}: {uses} glyphs drawn for {chars} label characters")
    all_text = texts(layer)

    def panel_texts(p, cls):
        return texts(p, cls)

    if kind in ("heatmap", "compare-heatmap"):
        prefix = "heatmap-" if kind == "heatmap" else "diff-"
        check(ids == [prefix + m for m in MT_NAMES[:nr_mt]], f"{name}: panels {ids}")
        for p, mt in zip(panels, MT_NAMES):
            check(any(mt in t for t in panel_texts(p, "panel-title")), f"{name}: {mt} title")
            check(panel_texts(p, "xlabel") == ["time since trace start (s)"], f"{name}: x label")
            check(panel_texts(p, "ylabel") == ["order (2^order pages)"], f"{name}: y label")
            legend = "free blocks (log scale)" if kind == "heatmap" else "change in free blocks"
            check(legend in panel_texts(p, "legend"), f"{name}: colour bar label")
            ticks = panel_texts(p, "tick")
            check("0" in ticks and "10" in ticks, f"{name}: order/colour ticks {ticks}")
        check(sum(1 for _ in root.iter(SVG + "image")) == nr_mt, f"{name}: heatmap rasters")
    elif kind == "memmap":
        check(ids == ["memmap"], f"{name}: panels {ids}")
        legend = texts(layer, "legend")
        check(all(m in legend for m in MT_NAMES[:nr_mt]), f"{name}: migratetype legend {legend}")
        check("0% free" in legend and "100% free" in legend, f"{name}: free-space legend")
        check(texts(layer, "ylabel") == ["pfn at row start"], f"{name}: y label")
        check(any("pageblock in row" in t for t in texts(layer, "xlabel")), f"{name}: x label")
        check("0x1000" in texts(layer, "tick"), f"{name}: first row pfn")
    elif kind == "indices":
        check(ids == ["frag-index", "unusable-index", "watermarks", "counters"],
              f"{name}: panels {ids}")
        legend = texts(layer, "legend")
        check("order 0" in legend and "order 10" in legend, f"{name}: order legend")
        check("min watermark" in legend and "kswapd wakes" in legend, f"{name}: legends")
        check("fragmentation index" in texts(layer, "ylabel"), f"{name}: y label")
        check(texts(layer, "xlabel").count("time since trace start (s)") == 4, f"{name}: x labels")
    elif kind == "compare-indices":
        check(len(ids) == 4 and ids[0] == "frag-run1" and ids[1] == "frag-run2",
              f"{name}: panels {ids}")
    elif kind == "fidelity":
        check(ids == ["distance", "pfn-rate"], f"{name}: panels {ids}")
        check("fraction predicted" in texts(layer, "ylabel"), f"{name}: y label")
    elif kind == "attribution":
        check(ids == ["allocations", "failures", "extfrag"], f"{name}: panels {ids}")
        # synth.h: stress-ng 4242 allocates 9000 + 1000; viz_fill --extras adds pid 4243 (250)
        two = "stress-ng (2 pids)" in all_text
        check(two or "stress-ng (1 pid)" in all_text, f"{name}: bar label (pids merged)")
        check(("10250" if two else "10000") in texts(layer, "value"), f"{name}: bar value")
    elif kind == "sweep":
        # viz/figures.c viz_fig_sweep: one panel per outcome, in this order
        check(ids == ["high-free", "failures", "fallbacks", "unusable"], f"{name}: panels {ids}")
        check(any(t.startswith("Sweep of ") for t in texts(layer, "title")), f"{name}: title")
    elif kind in ("activity", "compare-activity"):
        # viz/figures.c viz_fig_activity: one panel per run, base first
        check(len(ids) == (2 if kind == "compare-activity" else 1) and
              all(i.startswith("activity-run") for i in ids), f"{name}: panels {ids}")
        check("pages" in texts(layer, "ylabel"), f"{name}: y label")
    else:
        check(False, f"{name}: unknown kind {kind}")
    return w, h


class Imgs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.links, self.external, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a)
        if tag == "a":
            self.links.append(a.get("href"))
        for k in ("src", "href"):
            if a.get(k, "").startswith(("http:", "https:", "//")):
                self.external.append(a[k])
        if tag in ("script", "link"):
            self.external.append(tag)


def main():
    d, db, nr_zones, nr_mt = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    files = sorted(os.listdir(d))
    kinds = {}
    for f in files:
        m = re.match(r"(run\d+|compare-\d+-\d+)-([a-z]+)(-z\d+)?(-\d+)?\.(png|svg)$", f)
        if f == "index.html":
            continue
        if re.match(r"sweep-\d+-outcomes\.(png|svg)$", f):
            kinds[f] = "sweep"  # runs of one trace that differ by settings (viz/sweep.c)
            continue
        check(m is not None, f"unexpected file {f}")
        if m:
            kind = m.group(2)
            if m.group(1).startswith("compare"):
                kind = "compare-" + kind
            kinds[f] = kind
    svgs = [f for f in files if f.endswith(".svg")]
    check(len(svgs) == len(files) // 2, "one SVG per PNG")
    check(sum(1 for f in svgs if kinds.get(f) == "heatmap") == 3 * nr_zones, "heatmaps")
    check(sum(1 for f in svgs if kinds.get(f) == "compare-heatmap") == nr_zones, "diffs")
    for f in svgs:
        w, h = check_svg(os.path.join(d, f), kinds.get(f), nr_mt)
        png = os.path.join(d, f[:-4] + ".png")
        check(os.path.exists(png), f"{png} missing")
        if os.path.exists(png):
            check(png_size(png) == (int(w), int(h)), f"{png}: size {png_size(png)} != {w}x{h}")

    page = Imgs()
    page.feed(open(os.path.join(d, "index.html"), encoding="utf-8").read())
    srcs = [i["src"] for i in page.imgs]
    check(not page.external, f"index.html loads external resources: {page.external}")
    check(sorted(srcs) == sorted(f for f in files if f.endswith(".png")),
          "index.html shows every PNG once")
    check(all(l in files for l in page.links if not l.startswith("#")),
          "every link points at a file")
    anchors = [l[1:] for l in page.links if l.startswith("#")]
    check(anchors and all(a in page.ids for a in anchors), f"contents links {anchors}")
    check("compare" in anchors and "run-3" in anchors, "contents lists runs and comparison")
    idx = open(os.path.join(d, "index.html"), encoding="utf-8").read()
    for needed in ("6.1.0-synthetic", "testhost", "min_free_kbytes", "lost_events",
                   "traces/samples/synthetic.bst", "watermark", "incomplete"):
        check(needed in idx, f"index.html lacks {needed}")

    con = sqlite3.connect(db)
    rows = con.execute("SELECT path, kind, format, width, height, sha256 FROM reports").fetchall()
    by_name = {os.path.basename(r[0]): r for r in rows if os.path.dirname(r[0]) == d.rstrip("/")}
    check(sorted(by_name) == files, f"reports table lists {len(by_name)} of {len(files)} files")
    for f, (path, kind, fmt, width, height, sha) in by_name.items():
        data = open(path, "rb").read()
        check(hashlib.sha256(data).hexdigest() == sha, f"{f}: checksum in the reports table")
        check(fmt == f.rsplit(".", 1)[1], f"{f}: format {fmt}")
        if fmt == "png":
            check(png_size(path) == (width, height), f"{f}: size in the reports table")
            check(kind == kinds[f], f"{f}: kind {kind} != {kinds[f]}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"check_report: {len(svgs)} SVGs, {len(srcs)} images in index.html, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
