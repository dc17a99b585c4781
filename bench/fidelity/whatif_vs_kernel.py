#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What-if against the real kernel: does a what-if replay predict what the
kernel really does under another setting?

For each sysctl pair (A = the host's value, B = another value) of
vm.percpu_pagelist_high_fraction (0, 8, 100, 1000), vm.watermark_scale_factor
(10, 100, 1000) and vm.min_free_kbytes (half and twice the host's), runs the
same CPU-pinned order-0 churn under A and under B for real, --runs times each,
interleaved A B A B ..., each run preceded by pcp_empty, which empties the
pinned CPU's order-0 per-cpu lists (there is no user-space
drain_all_pages on 6.18; see README.md), and captured with `buddyscope capture`. Then replays each A capture
in what-if mode with B's setting and each B capture with A's, and prints
predicted / real for pcp refill pages, pcp drain pages and fallbacks
(`model_counters` of the what-if replay against `trace_counters` of the real
capture under that setting), and the watermarks (the replay's `zones` against
/proc/zoneinfo read while the setting was in force). Every sysctl is restored
on any exit (finally, plus SIGINT/SIGTERM/SIGHUP/SIGQUIT handlers). Needs
root. A benchmark that prints figures, never a pass/fail test.

usage: whatif_vs_kernel.py BUDDYSCOPE [--runs N] [--only NAMES] [--cpu N]
                           [--mib M] [--rounds R] [--no-empty] [--out DIR]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
from lab import NA, CAUGHT_SIGNALS, Interrupted, SysctlGuard, dig, fmt_num, on_signal  # noqa: E402

PROG = "whatif_vs_kernel"
# sysctl, replay option, values besides the host's (None: computed from the host's)
SETTINGS = [
    ("percpu_pagelist_high_fraction", "pcp-high-fraction", [0, 8, 100, 1000]),
    ("watermark_scale_factor", "watermark-scale-factor", [10, 100, 1000]),
    ("min_free_kbytes", "min-free-kbytes", None),
]
# (label, model_counters key = predicted, trace_counters key = real)
QUANTITIES = [
    ("refill pages", "pcp_refill_pages", "pcp_refill_pages"),
    ("drain pages", "pcp_drain_pages", "pcp_drain_pages"),
    ("fallbacks", "fallbacks", "fallbacks"),
]
ZONE_NAMES = ["DMA", "DMA32", "Normal", "Movable", "Device"]



def read_zoneinfo():
    """{(node, zone): {managed, min, low, high, boost, pcp: {cpu: {count, high, ...}}}}
    for the zones with managed pages."""
    zones, cur, cpu = {}, None, None
    with open("/proc/zoneinfo") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "Node":
                cur = {"pcp": {}}
                zones[(int(w[1].rstrip(",")), w[3])] = cur
                cpu = None
            elif cur is None:
                continue
            elif w[0] in ("min", "low", "high", "managed", "boost") and len(w) == 2 and cpu is None:
                cur[w[0]] = int(w[1])
            elif w[0] == "cpu:":
                cpu = int(w[1])
                cur["pcp"][cpu] = {}
            elif cpu is not None and w[0].endswith(":") and len(w) == 2:
                cur["pcp"][cpu][w[0][:-1]] = int(w[1])
            elif w[0] == "vm" or w[0] == "node_unreclaimable:":
                cpu = None
    return {k: v for k, v in zones.items() if v.get("managed")}


def pcp_state(zi, cpu):
    """'count/high' of cpu's pcp in the largest zone and any other zone holding pages,
    e.g. 'Normal 512/4316'."""
    parts = []
    for i, ((node, zone), z) in enumerate(sorted(zi.items(), key=lambda kv: -kv[1]["managed"])):
        p = z["pcp"].get(cpu)
        if p and "count" in p and (i == 0 or p["count"]):
            parts.append(f"{zone} {p['count']}/{p.get('high', '?')}")
    return ", ".join(parts)


def model_zone_name(z):
    name = z.get("zone")
    if isinstance(name, int):
        return ZONE_NAMES[name] if 0 <= name < len(ZONE_NAMES) else str(name)
    return name


def pair_values(name, host, listed):
    """The B values of one sysctl: listed ones other than the host's; min_free_kbytes: half, twice."""
    if listed is None:
        return [host // 2, host * 2]
    return [v for v in listed if v != host]


def pcp_pages(zi, cpu):
    """Pages on cpu's per-cpu lists, all zones."""
    return sum(z["pcp"].get(cpu, {}).get("count", 0) for z in zi.values())


def header_pcp_state(buddyscope, trace, cpu):
    """'count/high' per zone of cpu's pcp as the capture's header recorded them at its start."""
    r = subprocess.run([buddyscope, "info", "--json", trace], capture_output=True, text=True)
    try:
        zones = json.loads(r.stdout)["zones"]
    except (ValueError, KeyError, TypeError):
        return NA
    parts = []
    for i, z in enumerate(sorted(zones, key=lambda z: -(z.get("managed") or 0))):
        for p in z.get("pcp") or []:
            if p.get("cpu") == cpu and (i == 0 or p.get("count")):
                parts.append(f"{z.get('name')} {p.get('count')}/{p.get('high')}")
    return ", ".join(parts) or NA


def empty_pinned_pcp(args):
    """Runs pcp_empty: takes page-table pages and then more data pages than the pinned
    cpu's lists hold on that cpu, frees them on another. Returns the data pages taken."""
    pages = min(pcp_pages(read_zoneinfo(), args.cpu) + args.empty_margin,
                args.empty_max_mib * 256)
    helper = [args.pcp_empty, str(args.cpu), args.other_cpus.split(",")[0],
              str(args.empty_table_pages), str(pages)]
    rc, err = lab.run_stoppable(helper)
    if rc:
        raise lab.LabError(f"pcp_empty failed (exit {rc}): {err.strip()}")
    return pages


def snapshot_lists(args, trace):
    """The pinned cpu's lists in the capture's snapshot: pages on order-0 movable,
    order-0 unmovable and all other lists, as 'o0 mov / o0 unmov / other'."""
    r = subprocess.run([args.pcp_lists, trace, str(args.cpu)], capture_output=True, text=True)
    if r.returncode:
        return NA
    mov = unmov = other = 0
    for item in r.stdout.split():
        if "=" not in item:
            continue
        key, pages = item.split("=")
        pages = int(pages)
        if key == "0/1":
            mov += pages
        elif key == "0/0":
            unmov += pages
        else:
            other += pages
    return f"{mov} / {unmov} / {other}"


def one_run(args, guard, name, value, trace, runs_log):
    """Set the sysctl, empty the pinned cpu's order-0 lists, capture the churn (the
    capture itself on the other cpus); returns the zoneinfo read after the capture."""
    guard.set(name, value)
    taken = empty_pinned_pcp(args) if args.empty else 0
    emptied = pcp_state(read_zoneinfo(), args.cpu)
    workload = ["taskset", "-c", str(args.cpu), args.churn, "1", str(args.mib), str(args.rounds)]
    wrap = ["taskset", "-c", args.other_cpus]
    secs = lab.run_capture(args.buddyscope, trace, workload, wrap=wrap)
    after = read_zoneinfo()
    runs_log.append((name, value, os.path.basename(trace), taken, emptied,
                     header_pcp_state(args.buddyscope, trace, args.cpu),
                     snapshot_lists(args, trace), secs))
    return after


def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if len(vals) == len(values) and vals else None


def sign(x):
    return None if x is None else (x > 0) - (x < 0)


def counter(summary, group, key, cpu):
    """summary[group][key] for the whole host, or for one cpu when cpu is not None
    (summary[group + "_by_cpu"]: a list indexed by cpu, or of objects with a "cpu")."""
    if cpu is None:
        return dig(summary, f"{group}.{key}")
    per_cpu = summary.get(group + "_by_cpu")
    if not isinstance(per_cpu, list):
        return None
    for i, c in enumerate(per_cpu):
        if isinstance(c, dict) and c.get("cpu", i) == cpu:
            return c.get(key)
    return None


def has_per_cpu_counters(pairs):
    """True when every summary of every run has both per-cpu counter groups."""
    return all(isinstance(r[which].get(g + "_by_cpu"), list)
               for a, b in pairs for side in (a, b) for r in side["runs"]
               for which in ("own", "other") for g in ("model_counters", "trace_counters"))


def direction_rows(label, src, dst, cpu):
    """Rows of the counter table for one direction src -> dst of a pair, for the whole
    host (cpu None) or one cpu. src/dst: {"value", "runs": [{"own": summary, "other":
    summary}]}: "own" is the capture replayed under its own setting, "other" under the
    other side's."""
    def med(side, which, group, key):
        return median([counter(r[which], group, key, cpu) for r in side["runs"]])
    rows = []
    for qname, model_key, trace_key in QUANTITIES:
        real_src = med(src, "own", "trace_counters", trace_key)
        real_dst = med(dst, "own", "trace_counters", trace_key)
        model_src = med(src, "own", "model_counters", model_key)
        pred_dst = med(src, "other", "model_counters", model_key)
        ratio = pred_dst / real_dst if pred_dst is not None and real_dst else None
        d_pred = pred_dst - model_src if pred_dst is not None and model_src is not None else None
        d_real = real_dst - real_src if real_dst is not None and real_src is not None else None
        if d_pred is None or d_real is None:
            ok = NA
        elif d_pred == 0 and d_real == 0:
            ok = "none"    # nothing changed on either side: no sign to get right
        else:
            ok = "yes" if sign(d_pred) == sign(d_real) else "no"
        rows.append([label, f"{src['value']} -> {dst['value']}", qname,
                     fmt_num(real_src), fmt_num(real_dst), fmt_num(model_src), fmt_num(pred_dst),
                     fmt_num(ratio, 2), signed(d_pred), signed(d_real), ok])
    return rows


def signed(v):
    return NA if v is None else f"{v:+.0f}"


def watermark_rows(label, src, dst):
    """Per zone: the model's min/low/high after replaying src's captures under dst's
    setting, against /proc/zoneinfo (boost taken out) read right after each dst run."""
    rows = []
    zone_keys = sorted({k for r in dst["runs"] for k in r["zoneinfo"]},
                       key=lambda k: (k[0], ZONE_NAMES.index(k[1]) if k[1] in ZONE_NAMES else 9))
    for key in zone_keys:
        exact = compared = other_managed = 0
        first = None
        for r_src, r_dst in zip(src["runs"], dst["runs"]):
            model = [z for z in (r_src["other"].get("zones") or [])
                     if z.get("node", 0) == key[0] and model_zone_name(z) == key[1]]
            real = r_dst["zoneinfo"].get(key)
            if not model or not real:
                continue
            m = model[0]
            boost = real.get("boost", 0)
            pm = tuple(m.get(k) for k in ("min", "low", "high"))
            pr = tuple(real[k] - boost for k in ("min", "low", "high"))
            if m.get("managed") != real["managed"]:
                other_managed += 1   # memory appeared between the two runs: not comparable
            else:
                compared += 1
                exact += pm == pr
            if first is None:
                first = (pm, pr, m.get("managed"), real["managed"])
        if first is None:
            real = next(r["zoneinfo"][key] for r in dst["runs"] if key in r["zoneinfo"])
            rows.append([label, f"{src['value']} -> {dst['value']}", f"{key[0]}/{key[1]}",
                         NA, "/".join(str(real[k] - real.get("boost", 0))
                                      for k in ("min", "low", "high")),
                         NA, str(real["managed"]), NA])
            continue
        pm, pr, mm, rm = first
        rows.append([label, f"{src['value']} -> {dst['value']}", f"{key[0]}/{key[1]}",
                     "/".join(fmt_num(x) for x in pm), "/".join(str(x) for x in pr),
                     fmt_num(mm), str(rm), f"{exact}/{compared}" +
                     (f" (+{other_managed} other managed)" if other_managed else "")])
    return rows


def replay_pair(args, db, name, option, a, b):
    """Replays every capture of the pair under its own and under the other setting."""
    for side, other in ((a, b), (b, a)):
        for r in side["runs"]:
            stem = os.path.splitext(r["trace"])[0]
            r["own"] = lab.replay(args.buddyscope, r["trace"], db, ["--mode", "whatif"],
                                  save=stem + ".own.json")
            r["other"] = lab.replay(args.buddyscope, r["trace"], db,
                                    ["--mode", "whatif", f"--{option}", str(other["value"])],
                                    save=stem + f".as-{other['value']}.json")
            if not args.keep_traces:
                os.unlink(r["trace"])


def run_pair(args, guard, db, name, option, host, value, runs_log):
    a = {"value": host, "runs": []}
    b = {"value": value, "runs": []}
    for i in range(args.runs):
        for side in (a, b):
            trace = os.path.join(args.out, f"{name}-{host}-vs-{value}-at-{side['value']}"
                                 f"-run{i + 1}.bst")
            after = one_run(args, guard, name, side["value"], trace, runs_log)
            side["runs"].append({"trace": trace, "zoneinfo": after})
    guard.set(name, host)
    replay_pair(args, db, name, option, a, b)
    return a, b


def report_counters(report, table, scope):
    report.table("Predicted / real: pcp refill and drain pages and fallbacks per run, "
                 f"{scope} (medians)", table, notes=[
                     "real A/B: trace_counters of the captures under A/B; model A: model_counters "
                     "of A's captures replayed under A (what-if, no change); pred B: of A's "
                     "captures replayed under B; d pred = pred B - model A; d real = real B - "
                     "real A; sign ok: both changes have the same sign ('none': neither changed)."])


COUNTER_COLUMNS = ["sysctl", "A -> B", "quantity", "real A", "real B", "model A", "pred B",
                   "pred/real", "d pred", "d real", "sign ok"]
WATERMARK_COLUMNS = ["sysctl", "A -> B", "zone", "pred min/low/high", "real min/low/high",
                     "pred managed", "real managed", "exact"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("buddyscope", help="the buddyscope binary to run")
    ap.add_argument("--runs", type=int, default=3, help="runs per setting (interleaved)")
    ap.add_argument("--only", help="comma-separated sysctls to test (default: all three)")
    ap.add_argument("--cpu", type=int, default=os.cpu_count() - 1, help="cpu the churn runs on")
    ap.add_argument("--mib", type=int, default=32, help="churn: MiB mapped per round")
    ap.add_argument("--rounds", type=int, default=6, help="churn: rounds per run")
    ap.add_argument("--no-empty", dest="empty", action="store_false",
                    help="do not run pcp_empty before each run")
    ap.add_argument("--empty-margin", type=int, default=4096,
                    help="data pages pcp_empty takes beyond the pinned cpu's pcp count")
    ap.add_argument("--empty-max-mib", type=int, default=512,
                    help="at most this much data memory taken by pcp_empty")
    ap.add_argument("--empty-table-pages", type=int, default=24576,
                    help="page-table pages pcp_empty takes (order-0 unmovable list)")
    ap.add_argument("--churn", help="the churn program (default: next to BUDDYSCOPE's build)")
    ap.add_argument("--out", help="directory for the JSON summaries and tables")
    ap.add_argument("--keep-traces", action="store_true", help="keep the .bst captures")
    args = ap.parse_args()
    lab.need_root(PROG)
    args.buddyscope = os.path.abspath(args.buddyscope)
    args.churn = os.path.abspath(args.churn or lab.default_churn(args.buddyscope))
    build = os.path.dirname(os.path.dirname(args.buddyscope))
    args.pcp_empty = os.path.join(build, "bench", "fidelity", "pcp_empty")
    args.pcp_lists = os.path.join(build, "bench", "fidelity", "pcp_lists")
    for path, target in ((args.churn, "churn"), (args.pcp_empty, "pcp_empty"),
                         (args.pcp_lists, "pcp_lists")):
        if not os.access(path, os.X_OK):
            sys.exit(f"{PROG}: error: {path}: missing (build the target '{target}')")
    if args.runs < 1 or not 0 <= args.cpu < os.cpu_count():
        sys.exit(f"{PROG}: error: --runs must be >= 1 and --cpu a cpu of this host")
    if os.cpu_count() < 2:
        sys.exit(f"{PROG}: error: needs two cpus (one for the workload, one for the rest)")
    args.other_cpus = ",".join(str(c) for c in range(os.cpu_count()) if c != args.cpu)
    settings = SETTINGS
    if args.only:
        wanted = [w.strip().removeprefix("vm.") for w in args.only.split(",")]
        settings = [s for s in SETTINGS if s[0] in wanted or s[1] in wanted]
        if len(settings) != len(wanted):
            sys.exit(f"{PROG}: error: --only: known: {', '.join(s[0] for s in SETTINGS)}")
    args.out = os.path.abspath(args.out or tempfile.mkdtemp(prefix="buddyscope-whatif-"))
    os.makedirs(args.out, exist_ok=True)
    db = os.path.join(args.out, "runs.db")

    guard = SysctlGuard([s[0] for s in SETTINGS])
    for s in CAUGHT_SIGNALS:
        signal.signal(s, on_signal)
    report = lab.Report(args.out)
    report.preamble(lab.preamble(args.buddyscope) + [
        f"# workload: taskset -c {args.cpu} churn 1 {args.mib} {args.rounds} "
        f"(capture on cpus {args.other_cpus}); before each run "
        + (f"pcp_empty takes {args.empty_table_pages} page-table pages and the pinned cpu's "
           f"pcp count + {args.empty_margin} data pages there and frees them elsewhere; "
           if args.empty else "nothing is done to the per-cpu lists; ")
        + f"{args.runs} runs per setting, interleaved; medians",
        "# host sysctls: " + ", ".join(f"vm.{n} = {v}" for n, v in guard.saved.items())])
    watermarks = lab.Table(WATERMARK_COLUMNS)
    runs_log = []
    pairs = []
    status = 0
    t0 = time.monotonic()
    try:
        for name, option, listed in settings:
            host = guard.saved[name]
            for value in pair_values(name, host, listed):
                label = f"{name}"
                print(f"# {name}: {host} vs {value} ...", flush=True)
                try:
                    a, b = run_pair(args, guard, db, name, option, host, value, runs_log)
                except lab.LabError as e:
                    print(f"# {name} {host} vs {value}: failed: {e}", file=sys.stderr)
                    status = 1
                    continue
                finally:
                    for line in guard.restore():
                        print(line, flush=True)
                pairs.append((label, a, b))
    except Interrupted as e:
        signum = e.args[0]
        print(f"\n# {PROG}: stopped by {signal.Signals(signum).name}", file=sys.stderr,
              flush=True)
        status = 128 + signum
    finally:
        for line in guard.restore():
            print(line, flush=True)
    scopes = [(None, "the whole host")]
    if pairs and has_per_cpu_counters([(a, b) for _, a, b in pairs]):
        scopes.insert(0, (args.cpu, f"cpu {args.cpu}, where the churn ran"))
    for cpu, scope in scopes:
        counters = lab.Table(COUNTER_COLUMNS)
        for label, a, b in pairs:
            for src, dst in ((a, b), (b, a)):
                for row in direction_rows(label, src, dst, cpu):
                    counters.add(row)
        report_counters(report, counters, scope)
    for label, a, b in pairs:
        for src, dst in ((a, b), (b, a)):
            for row in watermark_rows(label, src, dst):
                watermarks.add(row)
    report.table("Watermarks: the model's under B (after replaying A's capture) against "
                 "/proc/zoneinfo under B", watermarks, notes=[
                     "real values are /proc/zoneinfo's min/low/high minus the zone's boost, "
                     "read right after each B run; pred: the replay's `zones` (first run); "
                     "exact: runs where all three agree, of those where the model's managed pages "
                     "equal the real ones (memory that appears between A's run and B's changes the "
                     "watermarks legitimately; such runs are counted as 'other managed')."])
    start = lab.Table(["sysctl", "value", "run", "pages taken", "pcp after emptying",
                       "at capture start", "snapshot: o0 mov / o0 unmov / other", "capture s"])
    for name, value, trace, taken, emptied, at_start, lists, secs in runs_log:
        start.add([name, str(value), trace.rsplit("-", 1)[-1].removesuffix(".bst"), str(taken),
                   emptied, at_start, lists, f"{secs:.1f}"])
    report.table(f"Start state of each run: cpu {args.cpu}'s pcp count/high per zone after "
                 "pcp_empty (/proc/zoneinfo) and in the capture's header, and its lists in the "
                 "capture's snapshot (pages)", start)
    report.line(f"# {PROG}: {time.monotonic() - t0:.0f} s")
    report.save("whatif_vs_kernel")
    print(f"# JSON summaries, whatif_vs_kernel.md and .txt in {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
