#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Overhead of `buddyscope capture` against no recorder and `perf record`.

Runs the same page-churn workload (churn PROCS MIB ROUNDS: order-0 faults)
and a transparent-huge-page variant (churn --thp: order-9 faults) three
ways: bare, under `buddyscope capture -- ...` and under
`perf record -e kmem:mm_page_alloc -e kmem:mm_page_free -- ...`. For each
it measures
  - whole-system CPU seconds from /proc/stat deltas (workload + recorder +
    anything else running on the host), and the CPU seconds of the command
    tree alone (wait4 rusage: recorder + workload, immune to other load);
  - wall time;
and reports them as ratios to bare (median of --reps runs, interleaved so
drifting background load hits every mode alike), plus events, bytes per
event and lost events of each recorder. Needs root. Prints a table; it is a
benchmark, not a pass/fail test.

usage: capture_overhead.py BUDDYSCOPE CHURN [--reps N] [--rounds R] [--thp-rounds R]
                           [--workdir DIR]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def busy_jiffies():
    """Busy time of all cpus: user nice system irq softirq steal (no idle/iowait)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    assert fields[0] == "cpu"
    v = [int(x) for x in fields[1:9]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


HZ = os.sysconf("SC_CLK_TCK")


def run_measured(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
    """Run argv; return (wall_s, system_cpu_s, tree_cpu_s, exit status)."""
    j0 = busy_jiffies()
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    j1 = busy_jiffies()
    p.returncode = os.waitstatus_to_exitcode(status)
    return t1 - t0, (j1 - j0) / HZ, ru.ru_utime + ru.ru_stime, p.returncode


def buddyscope_counts(buddyscope, trace):
    out = subprocess.run([buddyscope, "info", "--json", trace], check=True,
                         capture_output=True, text=True).stdout
    info = json.loads(out)
    return info["events"], info["lost_events"], info["file_size"]


def perf_counts(data):
    out = subprocess.run(["perf", "report", "--stats", "-i", data], capture_output=True,
                         text=True).stdout
    m = re.search(r"^\s*SAMPLE events:\s*(\d+)", out, re.M)
    samples = int(m.group(1)) if m else 0
    lost = 0
    for m in re.finditer(r"^\s*LOST events:\s*(\d+)", out, re.M):
        lost = max(lost, int(m.group(1)))
    m = re.search(r"^\s*LOST_SAMPLES events:\s*(\d+)", out, re.M)
    lost_samples = int(m.group(1)) if m else 0
    return samples, lost + lost_samples, os.path.getsize(data)


def one_run(mode, workload, args, workdir):
    """Measure one run of @workload under @mode; returns a dict."""
    r = {"events": 0, "lost": 0, "bytes": 0}
    if mode == "bare":
        argv = workload
    elif mode == "buddyscope":
        trace = os.path.join(workdir, "bench.bst")
        argv = [args.buddyscope, "capture", "-o", trace, "-q", "--"] + workload
    else:
        data = os.path.join(workdir, "perf.data")
        argv = ["perf", "record", "-q", "-e", "kmem:mm_page_alloc", "-e", "kmem:mm_page_free",
                "-o", data, "--"] + workload
    wall, cpu, tree, rc = run_measured(argv)
    if rc != 0:
        sys.exit(f"capture_overhead: error: {' '.join(argv)} exited with {rc}")
    if mode == "buddyscope":
        r["events"], r["lost"], r["bytes"] = buddyscope_counts(args.buddyscope, trace)
        os.unlink(trace)
    elif mode == "perf":
        r["events"], r["lost"], r["bytes"] = perf_counts(data)
        os.unlink(data)
    r.update(wall=wall, cpu=cpu, tree=tree)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("buddyscope")
    ap.add_argument("churn")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=80)
    ap.add_argument("--thp-rounds", type=int, default=400)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("capture_overhead: error: needs root (BPF and perf tracepoints)")
    workdir = args.workdir or tempfile.mkdtemp(prefix="buddyscope-bench-")

    variants = [
        ("order-0 churn", [args.churn, str(args.procs), str(args.mib), str(args.rounds)]),
        ("THP order-9", [args.churn, "--thp", str(args.procs), str(args.mib),
                         str(args.thp_rounds)]),
    ]
    modes = ["bare", "buddyscope", "perf"]
    if not shutil.which("perf"):
        print("# perf not found (Debian package linux-perf): its rows are left out")
        modes.remove("perf")
    with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
        thp = f.read().strip()
    print(f"# host: {os.uname().release}, {os.cpu_count()} cpus, THP {thp}; "
          f"{args.reps} interleaved runs per cell, medians")
    print(f"# workload: churn {args.procs} procs x {args.mib} MiB x {args.rounds} rounds "
          f"(THP: {args.thp_rounds} rounds)")
    hdr = (f"{'workload':<14} {'recorder':<11} {'wall s':>7} {'wall x':>7} {'sysCPU s':>8} "
           f"{'sysCPU x':>8} {'treeCPU s':>9} {'treeCPU x':>9} {'events':>10} {'Mev/s':>6} "
           f"{'B/event':>8} {'lost':>6}")
    print(hdr)
    print("-" * len(hdr))
    for name, workload in variants:
        runs = {m: [] for m in modes}
        for _ in range(args.reps):
            for m in modes:
                runs[m].append(one_run(m, workload, args, workdir))
        med = {m: {k: statistics.median(r[k] for r in runs[m]) for k in runs[m][0]}
               for m in modes}
        base = med["bare"]
        for m in modes:
            x = med[m]
            ev = x["events"]
            print(f"{name:<14} {m:<11} {x['wall']:7.2f} {x['wall'] / base['wall']:7.3f} "
                  f"{x['cpu']:8.2f} {x['cpu'] / base['cpu']:8.3f} {x['tree']:9.2f} "
                  f"{x['tree'] / base['tree']:9.3f} "
                  f"{int(ev) if m != 'bare' else '-':>10} "
                  f"{(ev / x['wall'] / 1e6) if ev else 0:6.2f} "
                  f"{(x['bytes'] / ev) if ev else 0:8.2f} "
                  f"{int(max(r['lost'] for r in runs[m])) if m != 'bare' else '-':>6}")
    print("# x = ratio to bare; sysCPU = /proc/stat busy time of the whole host; treeCPU = "
          "rusage of the command tree; lost = worst run. buddyscope records all six kmem "
          "page tracepoints, perf only mm_page_alloc and mm_page_free.")


if __name__ == "__main__":
    main()
