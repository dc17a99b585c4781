#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compaction and reclaim against the real kernel (issue 11, item 5): does a
what-if replay compact and reclaim as the kernel does?

(a) Compaction at a chosen moment. `fragment` faults MIB MiB of order-0
    movable pages (with unmovable pipe buffers among them), gives back all but
    one page in KEEP_EVERY, then writes /proc/sys/vm/compact_memory, all under
    `buddyscope capture`. The capture is replayed in what-if mode with the
    host's own settings and `--compact-at` the moment of that write; the
    model's free blocks of order >= 9 at the first checkpoint after the
    kernel's compaction ended are set against the kernel's (the checkpoint's
    /proc/pagetypeinfo), and the model's pages migrated against /proc/vmstat's
    pgmigrate_success delta. The baseline beside it: the same replay without
    --compact-at (what the model says with no compaction), and the real
    checkpoint before the write.
(b) Proactive compaction. The same fragmenting workload without the explicit
    write, held PROACTIVE_S seconds under vm.compaction_proactiveness 0, 20 and
    90 (RUNS runs each, interleaved); every capture is replayed under each of
    the three settings, and the prediction for setting Y from a capture under
    X is set against the real runs under Y: order-9 availability (mean free
    blocks of order >= 9 over the checkpoints after the workload settled) and
    pages migrated, predicted / real, and whether the sign of the change from
    X to Y is right.
(c) min_free_kbytes and watermark_scale_factor under pressure. This host has
    no swap, so the only pressure it allows is page cache: a file larger than
    the memory available (made once, outside the captures) is read through
    with dd under `buddyscope capture`, after the page cache was dropped, RUNS
    times under each of the two values of a knob, interleaved (the other knob
    at the host's value; medians): min_free_kbytes host vs 4 x host, watermark_scale_factor 10 vs
    200. Each capture is replayed in what-if mode under the other value, and
    the prediction is set against the real run under that value: kswapd
    wake-ups (mm_vmscan_kswapd_wake events; predicted: the trace's kswapd
    windows, which the what-if keeps, plus the model's own runs outside them),
    pages kswapd reclaimed (the trace's /proc/vmstat pgsteal_kswapd growth;
    predicted: the model's
    kswapd_reclaimed_pages plus the trace's own kswapd frees, which the
    what-if replay applies and credits to its kswapd), and the free-memory floor
    (the fewest free pages of the Normal zone at any checkpoint). Beside each
    prediction, the baseline "nothing changes": the capture's own real value.

Every sysctl is restored on any exit. Needs root. A benchmark that prints
figures, never a pass/fail test.

usage: compaction_vs_kernel.py BUDDYSCOPE --fragment PATH [--parts a,b,c]
       [--mib M] [--keep-every K] [--pipes N] [--hold S] [--runs N]
       [--proactive-s S] [--pressure-file PATH] [--out DIR]
"""
import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
from lab import CAUGHT_SIGNALS, Interrupted, SysctlGuard, fmt_num, on_signal  # noqa: E402

PROG = "compaction_vs_kernel"
HIGH_ORDER = 9  # the order the targets are about (pageblock order on x86-64)
PROACTIVENESS = [0, 20, 90]
SNAPSHOT_CHECKPOINT_SEQ = 0xFFFFFFFF  # traces/tracefmt.h TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ


def fragment_cmd(args, compact, hold, out):
    return [args.fragment, str(args.mib), str(args.keep_every), str(args.pipes), str(hold),
            "1" if compact else "0", out]


def read_fragment_out(path):
    """The fragment program's OUT file: compact_ns, compact_end_ns, vmstat before/after."""
    got = {"before": {}, "after": {}}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] in got:
                got[parts[0]][parts[1]] = int(parts[2])
            elif len(parts) == 2:
                got[parts[0]] = int(parts[1])
    return got


def vmstat_delta(out, name):
    b, a = out["before"].get(name), out["after"].get(name)
    return None if a is None or b is None else a - b


def real_checkpoints(buddyscope, trace):
    """{ts_ns: {zone: free blocks of order >= HIGH_ORDER}} from the trace's checkpoints."""
    r = subprocess.run([buddyscope, "dump", trace, "--type", "checkpoint", "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise lab.LabError(f"dump of {trace} failed: {r.stderr.strip()}")
    cks = {}
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("seq") == SNAPSHOT_CHECKPOINT_SEQ:
            continue  # the snapshot's own pageblock counts, not a /proc reading
        blocks = rec["free_blocks"]
        high = sum(sum(per_mt) for order, per_mt in enumerate(blocks) if order >= HIGH_ORDER)
        cks.setdefault(rec["ts_ns"], {})[rec["zone"]] = high
    return cks


def replay_t0(buddyscope, trace):
    """The replay's time 0, which --compact-at counts from (replay/dispatch.c
    run_clock_start: the first page event or checkpoint): the first such
    record in trace order, read from the head of `dump`."""
    kinds = "checkpoint,mm_page_alloc,mm_page_free,mm_page_free_batched," \
            "mm_page_alloc_zone_locked,mm_page_pcpu_drain,mm_page_alloc_extfrag"
    p = subprocess.Popen([buddyscope, "dump", trace, "--type", kinds, "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = p.stdout.readline()
    p.kill()
    p.wait()
    if not first:
        raise lab.LabError(f"dump of {trace}: no page event or checkpoint")
    return json.loads(first)["ts_ns"]


def varints(blob):
    """The unsigned LEB128 varints of a samples BLOB (viz/store.c encode_u32)."""
    vals, v, shift = [], 0, 0
    for b in blob:
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            vals.append(v)
            v, shift = 0, 0
    return vals


def model_samples(db, run_id, t0):
    """{t_ns: {zone: free blocks of order >= HIGH_ORDER}} from the run's samples, on the
    trace's clock (the store keeps times from the run's time 0, @t0)."""
    con = sqlite3.connect(db)
    zones = {idx: (name, nr_orders, len(json.loads(mts)))
             for idx, name, nr_orders, mts in con.execute(
                 "SELECT idx, name, nr_orders, migratetypes FROM zones WHERE run_id = ?",
                 (run_id,))}
    out = {}
    for zidx, t_ns, blob in con.execute(
            "SELECT zone_idx, t_ns, free_blocks FROM samples WHERE run_id = ?", (run_id,)):
        name, nr_orders, nr_mt = zones[zidx]
        v = varints(blob)
        high = sum(v[o * nr_mt + m] for o in range(HIGH_ORDER, nr_orders) for m in range(nr_mt))
        out.setdefault(t_ns + t0, {})[name] = high
    con.close()
    return out




def summary_counter(summary, *names):
    """The first of the model_counters / whatif keys named that the summary has."""
    for group in ("model_counters", "whatif", "reclaim_compaction", "compaction", "reclaim"):
        g = summary.get(group)
        if isinstance(g, dict):
            for n in names:
                if isinstance(g.get(n), (int, float)):
                    return g[n]
    return None


def replay_whatif(args, trace, db, extra):
    s = lab.replay(args.buddyscope, trace, db, extra=["--mode", "whatif", *extra])
    return s, s.get("run_id")


def at_or_after(series, t_ns):
    later = sorted(t for t in series if t >= t_ns)
    return later[0] if later else None


def before(series, t_ns):
    earlier = sorted(t for t in series if t < t_ns)
    return earlier[-1] if earlier else None


def total(d):
    return sum(d.values()) if d else None


def ratio(p, r):
    if p is None or r is None or r == 0:
        return None
    return p / r


def part_a(args, rep, work):
    trace = os.path.join(work, "a.bst")
    out = os.path.join(work, "a.out")
    lab.run_capture(args.buddyscope, trace, fragment_cmd(args, True, args.hold, out))
    f = read_fragment_out(out)
    first = replay_t0(args.buddyscope, trace)
    real = real_checkpoints(args.buddyscope, trace)
    t_after = at_or_after(real, f["compact_end_ns"])
    t_before = before(real, f["compact_ns"])
    at_s = (f["compact_ns"] - first) / 1e9
    db = os.path.join(work, "a.db")
    s_model, run_model = replay_whatif(args, trace, db, ["--compact-at", f"{at_s:.6f}"])
    s_base, run_base = replay_whatif(args, trace, db, ["--no-compaction"])
    model = model_samples(db, run_model, first)
    base = model_samples(db, run_base, first)
    t_model = at_or_after(model, t_after) if t_after else None
    real_after, real_before = total(real.get(t_after)), total(real.get(t_before))
    model_after = total(model.get(t_model)) if t_model else None
    base_after = total(base.get(at_or_after(base, t_after))) if t_after else None
    migrated_real = vmstat_delta(f, "pgmigrate_success")
    migrated_model = summary_counter(s_model, "compaction_pages_migrated", "pages_migrated",
                                     "compact_migrated")
    t = lab.Table(["quantity", "real (kernel)", "model --compact-at", "model, no compaction",
                   "model / real", "real before the write"])
    err = ratio(model_after, real_after)
    t.add([f"free blocks of order >= {HIGH_ORDER}", fmt_num(real_after), fmt_num(model_after),
           fmt_num(base_after), fmt_num(err, 3), fmt_num(real_before)])
    migrated_base = summary_counter(s_base, "compaction_pages_migrated", "pages_migrated",
                                    "compact_migrated")
    t.add(["pages migrated", fmt_num(migrated_real), fmt_num(migrated_model), fmt_num(migrated_base),
           fmt_num(ratio(migrated_model, migrated_real), 3), ""])
    notes = [f"trace {trace}: compact_memory written at {at_s:.3f} s, the kernel took "
             f"{(f['compact_end_ns'] - f['compact_ns']) / 1e9:.2f} s; compared at the checkpoint "
             f"{(t_after - first) / 1e9 if t_after else float('nan'):.3f} s",
             f"target: the model's free blocks of order >= {HIGH_ORDER} within 10 % of the "
             f"kernel's: {'MET' if err is not None and abs(err - 1) <= 0.10 else 'NOT MET'}"]
    rep.table("(a) compaction at a chosen moment", t, notes)


def settle_mean(series, from_ns):
    vals = [total(v) for t, v in series.items() if t >= from_ns]
    return statistics.mean(vals) if vals else None


def kcompactd_activity(buddyscope, trace):
    """(pages kcompactd's compaction migrated, compaction runs by other tasks) in the
    trace: Σ mm_compaction_migratepages nr_migrated of the tasks named kcompactd*,
    as the model's proactive and kcompactd runs count; a run begun by another task
    (a direct compaction, or a write to compact_memory by another tenant of the
    host) disturbs the comparison."""
    r = subprocess.run([buddyscope, "dump", trace, "--type",
                        "comm,mm_compaction_begin,mm_compaction_migratepages", "--json"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise lab.LabError(f"dump of {trace} failed: {r.stderr.strip()}")
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    kcompactd = {rec["pid"] for rec in recs
                 if rec["type"] == "comm" and rec.get("comm", "").startswith("kcompactd")}
    migrated = sum(rec.get("nr_migrated", 0) for rec in recs
                   if rec["type"] == "mm_compaction_migratepages" and rec.get("pid") in kcompactd)
    others = sum(1 for rec in recs
                 if rec["type"] == "mm_compaction_begin" and rec.get("pid") not in kcompactd)
    return migrated, others


def proactive_run(args, guard, value, i, work):
    trace = os.path.join(work, f"b-{value}-{i}.bst")
    if not (args.reuse and os.path.exists(trace)):
        guard.set("compaction_proactiveness", value)
        lab.run_capture(args.buddyscope, trace,
                        fragment_cmd(args, False, args.proactive_s, trace + ".out"))
    real = real_checkpoints(args.buddyscope, trace)
    t0 = replay_t0(args.buddyscope, trace)
    start = min(real) if real else 0
    settle = start + (max(real) - start) // 2 if real else 0
    migrated, others = kcompactd_activity(args.buddyscope, trace)
    return {"trace": trace, "value": value, "settle_ns": settle, "t0": t0,
            "avail": settle_mean(real, settle), "migrated": migrated, "disturbed": others}


def part_b(args, guard, rep, work):
    runs = {v: [] for v in PROACTIVENESS}
    for i in range(args.runs):
        for v in PROACTIVENESS:
            runs[v].append(proactive_run(args, guard, v, i, work))
    guard.restore()
    every = {v: list(rs) for v, rs in runs.items()}
    runs = {v: [r for r in rs if not r["disturbed"]] for v, rs in runs.items()}
    missing = [v for v, rs in runs.items() if not rs]
    if missing:
        rep.line()
        rep.line("## (b) proactive compaction: NOT COMPARED")
        rep.line(f"# every run under proactiveness {', '.join(map(str, missing))} had compaction "
                 "begun by other tasks (direct compaction, or compact_memory written by another "
                 "tenant): " + ", ".join(f"{r['trace']}: {r['disturbed']} runs"
                                          for v in missing for r in every[v]))
        return
    db = os.path.join(work, "b.db")
    t = lab.Table(["from -> to", f"order>={HIGH_ORDER} avail: real from", "predicted", "real to",
                   "pred/real", "migrated: real from", "predicted", "real to", "pred/real",
                   "sign avail", "sign migrated"])
    real_avail = {v: statistics.mean([r["avail"] for r in runs[v] if r["avail"] is not None] or [0])
                  for v in PROACTIVENESS}
    real_mig = {v: statistics.mean([r["migrated"] or 0 for r in runs[v]]) for v in PROACTIVENESS}
    for x in PROACTIVENESS:
        for y in PROACTIVENESS:
            if x == y:
                continue
            pa, pm = [], []
            for r in runs[x]:
                s, run_id = replay_whatif(args, r["trace"], db,
                                          ["--compaction-proactiveness", str(y)])
                pa.append(settle_mean(model_samples(db, run_id, r["t0"]), r["settle_ns"]) or 0)
                pm.append(summary_counter(s, "pages_migrated", "compaction_pages_migrated") or 0)
            pred_a, pred_m = statistics.mean(pa), statistics.mean(pm)
            sa = sign_right(pred_a - real_avail[x], real_avail[y] - real_avail[x])
            sm = sign_right(pred_m - real_mig[x], real_mig[y] - real_mig[x])
            t.add([f"{x} -> {y}", fmt_num(real_avail[x]), fmt_num(pred_a), fmt_num(real_avail[y]),
                   fmt_num(ratio(pred_a, real_avail[y]), 2), fmt_num(real_mig[x]), fmt_num(pred_m),
                   fmt_num(real_mig[y]), fmt_num(ratio(pred_m, real_mig[y]), 2), sa, sm])
    spread = ", ".join(
        f"{v}: avail {'/'.join(fmt_num(r['avail']) for r in runs[v])}, migrated "
        f"{'/'.join(fmt_num(r['migrated']) for r in runs[v])}" for v in PROACTIVENESS)
    dropped = [f"{os.path.basename(r['trace'])} ({r['disturbed']} runs by other tasks)"
               for v in PROACTIVENESS for r in every[v] if r["disturbed"]]
    notes = [f"{args.runs} runs per setting, {args.proactive_s} s each; availability = mean free "
             f"blocks of order >= {HIGH_ORDER} over the second half of each capture's checkpoints; "
             "migrated = pages kcompactd's compaction migrated in the capture (its "
             "mm_compaction_migratepages records), the model's pages_migrated",
             "the real runs one by one: " + spread,
             "left out, compaction begun by other tasks in the capture: " + (", ".join(dropped)
                                                                             or "none"),
             "'real from' is the baseline: the prediction that the setting changes nothing",
             "targets: sign right in every pair; availability and pages migrated within 1.5x"]
    rep.table("(b) proactive compaction: predicted / real", t, notes)


def sign_right(pred, real):
    if real == 0:
        return "flat" if pred == 0 else "n/a (real flat)"
    return "right" if (pred > 0) == (real > 0) and pred != 0 else "WRONG"


PRESSURE_KNOBS = [
    # (sysctl, replay option, value B from the host's value A)
    ("min_free_kbytes", "--min-free-kbytes", lambda host: 4 * host),
    ("watermark_scale_factor", "--watermark-scale-factor", lambda host: 200 if host != 200 else 10),
]


def drop_page_cache():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")


def pressure_file(path):
    """A file of MemAvailable + 2 GiB; an existing one that is large enough is used as it is.
    Returns whether it was made here (part_c then removes it)."""
    with open("/proc/meminfo") as f:
        info = {line.split(":")[0]: int(line.split()[1]) for line in f}
    mib = info["MemAvailable"] // 1024 + 2048
    if os.path.exists(path) and os.path.getsize(path) >= mib << 20:
        return False
    r = subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", f"count={mib}",
                        "conv=fsync", "status=none"], capture_output=True, text=True)
    if r.returncode != 0:
        if os.path.exists(path):
            os.unlink(path)
        raise lab.LabError(f"cannot write the pressure file {path}: {r.stderr.strip()}")
    return True


def count_records(buddyscope, trace, kind):
    r = subprocess.run([buddyscope, "dump", trace, "--type", kind], capture_output=True, text=True)
    if r.returncode != 0:
        raise lab.LabError(f"dump of {trace} failed: {r.stderr.strip()}")
    return len(r.stdout.splitlines())


def free_pages(free_blocks):
    return sum(sum(per_mt) << order for order, per_mt in enumerate(free_blocks))


def real_free_floor(buddyscope, trace, zone="Normal"):
    r = subprocess.run([buddyscope, "dump", trace, "--type", "checkpoint", "--json"],
                       capture_output=True, text=True)
    vals = [free_pages(rec["free_blocks"]) for rec in map(json.loads, r.stdout.splitlines())
            if rec.get("zone") == zone and rec.get("seq") != SNAPSHOT_CHECKPOINT_SEQ]
    return min(vals) if vals else None


def model_free_floor(db, run_id, zone="Normal"):
    con = sqlite3.connect(db)
    row = con.execute("SELECT idx, nr_orders, migratetypes FROM zones WHERE run_id = ? AND name = ?",
                      (run_id, zone)).fetchone()
    if not row:
        return None
    zidx, nr_orders, nr_mt = row[0], row[1], len(json.loads(row[2]))
    vals = []
    for (blob,) in con.execute("SELECT free_blocks FROM samples WHERE run_id = ? AND zone_idx = ?",
                               (run_id, zidx)):
        v = varints(blob)
        vals.append(sum(v[o * nr_mt + m] << o for o in range(nr_orders) for m in range(nr_mt)))
    con.close()
    return min(vals) if vals else None


def trace_vmstat_delta(buddyscope, trace, name):
    """A /proc/vmstat counter's growth over the trace's readings (info --json)."""
    r = subprocess.run([buddyscope, "info", trace, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise lab.LabError(f"info of {trace} failed: {r.stderr.strip()}")
    return ((json.loads(r.stdout).get("vmstat") or {}).get("delta") or {}).get(name)


def pressure_run(args, guard, knob, value, i, path, work):
    trace = os.path.join(work, f"c-{knob}-{value}-{i}.bst")
    if not (args.reuse and os.path.exists(trace)):
        guard.set(knob, value)
        drop_page_cache()
        lab.run_capture(args.buddyscope, trace, ["dd", f"if={path}", "of=/dev/null", "bs=1M",
                                                 "status=none"])
    return {"trace": trace, "value": value,
            "wakes": count_records(args.buddyscope, trace, "mm_vmscan_kswapd_wake"),
            "reclaimed": trace_vmstat_delta(args.buddyscope, trace, "pgsteal_kswapd"),
            "floor": real_free_floor(args.buddyscope, trace)}


def predict(args, run, option, value, db):
    s, run_id = replay_whatif(args, run["trace"], db, [option, str(value)])
    rc = s.get("reclaim_compaction") or {}
    trace_reclaim = rc.get("trace_reclaim") or {}
    # The what-if keeps the trace's kswapd windows (their frees are applied and
    # credited, replay/README.md): its wake-ups are those windows plus the model's
    # own runs outside them.
    own = (rc.get("kswapd_runs") or 0) - (trace_reclaim.get("kswapd_held_runs") or 0)
    return {"wakes": (trace_reclaim.get("kswapd_windows") or 0) + own,
            "reclaimed": (rc.get("kswapd_reclaimed_pages") or 0) +
                         (trace_reclaim.get("kswapd_freed_pages") or 0),
            "floor": model_free_floor(db, run_id)}


def median_of(rows, q):
    vals = [r[q] for r in rows if r[q] is not None]
    return statistics.median(vals) if vals else None


PRESSURE_QUANTITIES = (("wakes", "kswapd wake-ups"), ("reclaimed", "pages kswapd reclaimed"),
                       ("floor", "free-page floor (Normal)"))


def part_c(args, guard, rep, work):
    path = args.pressure_file
    made = pressure_file(path)
    try:
        pressure_table(args, guard, rep, work, path)
    finally:
        if made:
            os.unlink(path)


def pressure_table(args, guard, rep, work, path):
    if not args.reuse:
        drop_page_cache()
        subprocess.run(["dd", f"if={path}", "of=/dev/null", "bs=1M", "status=none"])  # warm-up
    db = os.path.join(work, "c.db")
    t = lab.Table(["knob: capture -> predicted", "quantity", "baseline (capture's own)",
                   "predicted", "real", "predicted / real", "baseline / real"])
    spread = []
    for knob, option, other in PRESSURE_KNOBS:
        host = int(guard.saved[knob])
        values = [host, other(host)]
        runs = {v: [] for v in values}
        for i in range(args.runs):
            for v in values:
                runs[v].append(pressure_run(args, guard, knob, v, i, path, work))
        guard.restore()
        for v in values:
            spread.append(f"{knob} {v}: " + "; ".join(
                f"{name} " + "/".join(fmt_num(r[q]) for r in runs[v])
                for q, name in PRESSURE_QUANTITIES))
        for a, b in ((values[0], values[1]), (values[1], values[0])):
            preds = [predict(args, r, option, b, db) for r in runs[a]]
            for q, name in PRESSURE_QUANTITIES:
                base, real, pred = median_of(runs[a], q), median_of(runs[b], q), median_of(preds, q)
                t.add([f"{knob}: {a} -> {b}", name, fmt_num(base), fmt_num(pred), fmt_num(real),
                       fmt_num(ratio(pred, real), 2), fmt_num(ratio(base, real), 2)])
    notes = [f"pressure: dd of {os.path.getsize(path) >> 20} MiB ({path}) after dropping the page "
             f"cache, {args.runs} captures per value, interleaved, medians; page-cache reclaim only "
             "(no swap on this host)",
             "the real runs one by one: " + " | ".join(spread),
             "the model reclaims only allocations it saw made in the trace (page cache read during "
             "the capture), oldest first; the kernel's LRU also holds older pages"]
    rep.table("(c) min_free_kbytes / watermark_scale_factor under page-cache pressure", t, notes)


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    ap.add_argument("buddyscope")
    ap.add_argument("--fragment", required=True, help="the bench/fidelity fragment program")
    ap.add_argument("--parts", default="a,b,c")
    ap.add_argument("--mib", type=int, default=6144)
    ap.add_argument("--keep-every", type=int, default=64)
    ap.add_argument("--pipes", type=int, default=1000)
    ap.add_argument("--hold", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--proactive-s", type=int, default=20)
    ap.add_argument("--pressure-file", default="/var/tmp/buddyscope-pressure.dat",
                    help="part (c)'s file, larger than the memory available (made and removed "
                         "again if missing)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--reuse", action="store_true",
                    help="parts (b), (c): use the captures already in --out instead of capturing again")
    args = ap.parse_args()
    lab.need_root(PROG)
    work = args.out or tempfile.mkdtemp(prefix="compaction-lab-")
    os.makedirs(work, exist_ok=True)
    rep = lab.Report(work)
    rep.preamble(lab.preamble(args.buddyscope))
    guard = SysctlGuard(["compaction_proactiveness", "min_free_kbytes", "watermark_scale_factor"])
    for s in CAUGHT_SIGNALS:
        signal.signal(s, on_signal)
    parts = set(args.parts.split(","))
    try:
        if "a" in parts:
            part_a(args, rep, work)
        if "b" in parts:
            part_b(args, guard, rep, work)
        if "c" in parts:
            part_c(args, guard, rep, work)
    except Interrupted as e:
        print(f"\n# {PROG}: stopped by {signal.Signals(e.args[0]).name}", file=sys.stderr)
        return 1
    except lab.LabError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    finally:
        for line in guard.restore():
            print(line)
        rep.save("compaction")
    print(f"# tables saved in {work}/compaction.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
