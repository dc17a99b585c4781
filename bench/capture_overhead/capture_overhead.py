#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Overhead of `buddyscope capture` against no recorder and `perf record`.

Runs the same page-churn workload (churn PROCS MIB ROUNDS: order-0 faults),
the same churn with two CPU-bound processes competing for the cpus
("loaded": the no-loss case of issue 12), a transparent-huge-page variant
(churn --thp: order-9 faults) and a realistic workload (a build of this
project: `cmake --build` of a clean build dir, -j2; --build-src to enable)
three ways: bare, under `buddyscope capture -- ...` and under
`perf record -e kmem:mm_page_alloc -e kmem:mm_page_free -- ...`. For each
it measures
  - whole-system CPU seconds from /proc/stat deltas (workload + recorder +
    anything else running on the host), and the CPU seconds of the command
    tree alone (wait4 rusage: recorder + workload, immune to other load);
  - wall time;
and reports them as ratios to bare (median of --reps runs, interleaved so
drifting background load hits every mode alike), plus events, bytes per
event and lost events of each recorder (buddyscope's split into ring space
and the kernel's nesting misses), and the drain's figures (longest gap
between two drains, fullest ring). A second table gives the start-up CPU:
`capture -- true` with each --snapshot method beside `perf record -- true`,
and the capture's own split by step (BPF load and verification,
calibration, header, first checkpoint, snapshot). Needs root. Prints
tables; it is a benchmark, not a pass/fail test.

usage: capture_overhead.py BUDDYSCOPE CHURN [--reps N] [--rounds R] [--thp-rounds R]
                           [--build-src DIR] [--workdir DIR]
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
    """(events, lost for ring space, lost to nesting misses, file size) of a trace."""
    out = subprocess.run([buddyscope, "info", "--json", trace], check=True,
                         capture_output=True, text=True).stdout
    info = json.loads(out)
    by_cpu = info["lost_by_cpu"]
    nested = by_cpu.get("unknown", 0)
    return info["events"], info["lost_events"] - nested, nested, info["file_size"]


def drain_figures(stderr_text):
    """Longest drain gap (ms) and fullest ring (%) from the capture's summary."""
    m = re.search(r"drain: .*?([\d.]+) ms longest gap.*?rings at most ([\d.]+) %", stderr_text)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


class Hogs:
    """Two CPU-bound processes (busy loops) for the loaded case, outside the measured tree."""

    def __init__(self, n):
        self.n = n
        self.procs = []

    def __enter__(self):
        self.procs = [subprocess.Popen(["sh", "-c", "while :; do :; done"])
                      for _ in range(self.n)]
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


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


def one_run(mode, workload, args, workdir, hogs=0, prepare=None):
    """Measure one run of @workload under @mode (with @hogs busy loops beside it); a dict."""
    r = {"events": 0, "lost": 0, "nested": 0, "bytes": 0, "gap_ms": 0.0, "fill": 0.0}
    errf = os.path.join(workdir, "stderr.txt")
    if mode == "bare":
        argv = workload
    elif mode == "buddyscope":
        trace = os.path.join(workdir, "bench.bst")
        argv = [args.buddyscope, "capture", "-o", trace, "--force", "--"] + workload
    else:
        data = os.path.join(workdir, "perf.data")
        argv = ["perf", "record", "-q", "-e", "kmem:mm_page_alloc", "-e", "kmem:mm_page_free",
                "-o", data, "--"] + workload
    if prepare:
        prepare()
    with Hogs(hogs), open(errf, "w") as err:
        wall, cpu, tree, rc = run_measured(argv, stderr=err)
    if rc != 0:
        sys.exit(f"capture_overhead: error: {' '.join(argv)} exited with {rc}: "
                 f"{open(errf).read()[-500:]}")
    if mode == "buddyscope":
        r["events"], r["lost"], r["nested"], r["bytes"] = buddyscope_counts(args.buddyscope,
                                                                            trace)
        r["gap_ms"], r["fill"] = drain_figures(open(errf).read())
        os.unlink(trace)
    elif mode == "perf":
        r["events"], r["lost"], r["bytes"] = perf_counts(data)
        os.unlink(data)
    r.update(wall=wall, cpu=cpu, tree=tree)
    return r


def startup_table(args, workdir):
    """CPU of `capture -- true` per --snapshot method and of `perf record -- true`."""
    print()
    print("# start-up: CPU of the whole command tree (rusage) for `-- true`, median of "
          f"{args.reps}; capture's split from its own start-up line (ms of process CPU)")
    hdr = (f"{'recorder':<26} {'treeCPU s':>9} {'wall s':>7}  split (ms)")
    print(hdr)
    print("-" * 100)
    trace = os.path.join(workdir, "startup.bst")
    cmds = [(f"buddyscope --snapshot {m}",
             [args.buddyscope, "capture", "-o", trace, "--force", "--snapshot", m, "--", "true"])
            for m in ("none", "kpageflags", "bpf")]
    if shutil.which("perf"):
        cmds.append(("perf record (2 tracepoints)",
                     ["perf", "record", "-q", "-e", "kmem:mm_page_alloc", "-e",
                      "kmem:mm_page_free", "-o", os.path.join(workdir, "perf.data"), "--",
                      "true"]))
    errf = os.path.join(workdir, "stderr.txt")
    for name, argv in cmds:
        runs = []
        split = ""
        for _ in range(args.reps):
            with open(errf, "w") as err:
                wall, _, tree, rc = run_measured(argv, stderr=err)
            if rc != 0:
                sys.exit(f"capture_overhead: error: {' '.join(argv)} exited with {rc}")
            runs.append((tree, wall))
            m = re.search(r"start-up CPU (.*)", open(errf).read())
            split = m.group(1) if m else split
        tree = statistics.median(t for t, _ in runs)
        wall = statistics.median(w for _, w in runs)
        print(f"{name:<26} {tree:9.3f} {wall:7.2f}  {split}")
    print("# treeCPU includes the end (final checkpoint, detach, close): the split's "
          "'snapshot+its checkpoint' is the --snapshot cost; the rest up to it is the cost "
          "before the first event is recorded")


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
    ap.add_argument("--hogs", type=int, default=2, help="CPU-bound processes of the loaded case")
    ap.add_argument("--build-src", default=None,
                    help="this project's source: adds the build workload (cmake --build -j2 "
                         "of a clean build dir; configured once, cleaned before every run)")
    ap.add_argument("--build-reps", type=int, default=1)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("capture_overhead: error: needs root (BPF and perf tracepoints)")
    workdir = args.workdir or tempfile.mkdtemp(prefix="buddyscope-bench-")
    os.makedirs(workdir, exist_ok=True)

    churn = [args.churn, str(args.procs), str(args.mib), str(args.rounds)]
    variants = [
        ("order-0 churn", churn, 0, None, args.reps),
        (f"loaded +{args.hogs} hogs", churn, args.hogs, None, args.reps),
        ("THP order-9", [args.churn, "--thp", str(args.procs), str(args.mib),
                         str(args.thp_rounds)], 0, None, args.reps),
    ]
    if args.build_src:
        bdir = os.path.join(workdir, "build")
        subprocess.run(["cmake", "-S", args.build_src, "-B", bdir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"],
                       check=True, stdout=subprocess.DEVNULL)
        clean = lambda: subprocess.run(["cmake", "--build", bdir, "--target", "clean"],
                                       check=True, stdout=subprocess.DEVNULL)
        variants.append(("build -j2", ["cmake", "--build", bdir, "-j2"], 0, clean,
                         args.build_reps))
    modes = ["bare", "buddyscope", "perf"]
    if not shutil.which("perf"):
        print("# perf not found (Debian package linux-perf): its rows are left out")
        modes.remove("perf")
    with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
        thp = f.read().strip()
    print(f"# host: {os.uname().release}, {os.cpu_count()} cpus, THP {thp}, load average "
          f"{os.getloadavg()[0]:.1f} at the start; {args.reps} interleaved runs per cell, medians")
    print(f"# workload: churn {args.procs} procs x {args.mib} MiB x {args.rounds} rounds "
          f"(THP: {args.thp_rounds} rounds); loaded: the same beside {args.hogs} busy loops")
    hdr = (f"{'workload':<16} {'recorder':<11} {'wall s':>7} {'wall x':>7} {'sysCPU s':>8} "
           f"{'sysCPU x':>8} {'treeCPU s':>9} {'treeCPU x':>9} {'events':>10} {'Mev/s':>6} "
           f"{'B/event':>8} {'lost':>6} {'nested':>6} {'gap ms':>6} {'fill %':>6}")
    print(hdr)
    print("-" * len(hdr))
    for name, workload, hogs, prepare, reps in variants:
        runs = {m: [] for m in modes}
        for _ in range(reps):
            for m in modes:
                runs[m].append(one_run(m, workload, args, workdir, hogs, prepare))
        med = {m: {k: statistics.median(r[k] for r in runs[m]) for k in runs[m][0]}
               for m in modes}
        base = med["bare"]
        for m in modes:
            x = med[m]
            ev = x["events"]
            worst = lambda k: int(max(r[k] for r in runs[m])) if m != "bare" else "-"
            print(f"{name:<16} {m:<11} {x['wall']:7.2f} {x['wall'] / base['wall']:7.3f} "
                  f"{x['cpu']:8.2f} {x['cpu'] / base['cpu']:8.3f} {x['tree']:9.2f} "
                  f"{x['tree'] / base['tree']:9.3f} "
                  f"{int(ev) if m != 'bare' else '-':>10} "
                  f"{(ev / x['wall'] / 1e6) if ev else 0:6.2f} "
                  f"{(x['bytes'] / ev) if ev else 0:8.2f} "
                  f"{worst('lost'):>6} {worst('nested') if m == 'buddyscope' else '-':>6} "
                  f"{max(r['gap_ms'] for r in runs[m]) if m == 'buddyscope' else 0:6.0f} "
                  f"{max(r['fill'] for r in runs[m]) if m == 'buddyscope' else 0:6.1f}")
    print("# x = ratio to bare; sysCPU = /proc/stat busy time of the whole host; treeCPU = "
          "rusage of the command tree (the hogs are outside it); lost = worst run, for want of "
          "ring space (perf: LOST records); nested = hits the kernel skipped because a BPF "
          "program was running on that cpu; gap = longest time between two drains, fill = "
          "fullest ring at a drain (worst run). buddyscope records all six kmem page "
          "tracepoints of the whole host, perf only mm_page_alloc and mm_page_free of the "
          "command.")
    startup_table(args, workdir)


if __name__ == "__main__":
    main()
