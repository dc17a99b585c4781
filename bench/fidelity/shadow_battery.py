#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shadow battery: how closely the model follows the kernel on real workloads.

Captures each workload of the battery (idle, order-0 churn, THP, pipe, fork,
socket, and this project's own build) for a few seconds with
`buddyscope capture`, replays every capture in shadow mode
(`buddyscope replay X.bst --db runs.db --json`) and prints one row per
workload: events, lost events, pfn prediction rate overall / pcp-served /
buddy-served / the "last page freed here" baseline, checkpoint distance first
/ mean / max / last, and contradictions per 100k events (in all, then by
kind). Needs root. A benchmark that prints figures, never a pass/fail test;
bench/fidelity/README.md explains every column.

usage: shadow_battery.py BUDDYSCOPE [--seconds S] [--out DIR] [--only a,b]
                         [--churn PATH] [--keep-traces]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
from lab import NA, dig, fmt_num, per_100k  # noqa: E402

PROG = "shadow_battery"
# Contradiction keys that are sums, not kinds.
CONTRADICTION_SUMS = ("total", "in_uncertain_stretches")


def thp_mode():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            s = f.read()
        return s[s.index("[") + 1:s.index("]")]
    except (OSError, ValueError):
        return "unknown"


def stress_ng(stressor, seconds):
    return ["stress-ng", f"--{stressor}", "1", "--timeout", f"{seconds}s", "--quiet"]


def battery(args, workdir):
    """(name, what it runs, command or None when it cannot run here, why not)."""
    s = str(args.seconds)
    have_stress = shutil.which("stress-ng") is not None
    no_stress = "stress-ng not installed (scripts/install-deps.sh --bench)"
    thp = thp_mode()
    build_dir = os.path.join(workdir, "build-of-clone")
    return [
        ("idle", "sleep", ["sleep", s], None),
        ("order-0 churn", "churn 2 procs x 32 MiB, MADV_NOHUGEPAGE",
         ["timeout", s, args.churn, "2", "32", "1000000"], None),
        ("THP", f"churn --thp 1 x 64 MiB, MADV_HUGEPAGE (THP {thp})",
         ["timeout", s, args.churn, "--thp", "1", "64", "1000000"],
         None if thp in ("always", "madvise") else f"THP is '{thp}'"),
        ("pipe", "stress-ng --pipe 1", stress_ng("pipe", s), None if have_stress else no_stress),
        ("fork", "stress-ng --fork 1", stress_ng("fork", s), None if have_stress else no_stress),
        ("socket", "stress-ng --sock 1", stress_ng("sock", s), None if have_stress else no_stress),
        ("build", "cmake --build (fresh dir) -j2 of the clone",
         ["timeout", s, "cmake", "--build", build_dir, "-j2"], None),
    ]


def configure_build(repo, build_dir):
    """Configure a fresh build directory (not captured); the capture sees the compile."""
    shutil.rmtree(build_dir, ignore_errors=True)
    r = subprocess.run(["cmake", "-S", repo, "-B", build_dir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        raise lab.LabError(f"configuring {build_dir} from {repo} failed: {r.stderr.strip()}")


def contradiction_kinds(summaries):
    """Every contradiction kind any summary reports, in first-seen order."""
    kinds = []
    for d in summaries.values():
        for k in (d.get("contradictions") or {}):
            if k not in CONTRADICTION_SUMS and k not in kinds:
                kinds.append(k)
    return kinds


def main_row(name, d):
    events = d.get("events")
    pp = "pfn_prediction."
    return [name, fmt_num(events), fmt_num(d.get("lost_events")),
            fmt_num(d.get("pfn_prediction_rate"), 4),
            fmt_num(dig(d, pp + "pcp_served.rate"), 4),
            fmt_num(dig(d, pp + "buddy_served.rate"), 4),
            fmt_num(dig(d, pp + "buddy_served.predicted")),
            fmt_num(dig(d, pp + "baseline.rate"), 4),
            fmt_num(d.get("checkpoints")),
            fmt_num(d.get("checkpoints_before_start")),
            fmt_num(d.get("checkpoint_distance_first"), 5),
            fmt_num(d.get("checkpoint_distance_mean"), 5),
            fmt_num(d.get("checkpoint_distance_max"), 5),
            fmt_num(d.get("checkpoint_distance_last"), 5),
            fmt_num(per_100k(dig(d, "contradictions.total"), events), 1)]


MAIN_COLUMNS = ["workload", "events", "lost", "pfn", "pcp", "buddy", "buddy n", "baseline",
                "ckpts", "ckpt<start", "dist first", "dist mean", "dist max", "dist last",
                "contr/100k"]


def print_tables(report, summaries, failed, workloads):
    main = lab.Table(MAIN_COLUMNS)
    for name, *_ in workloads:
        if name in summaries:
            main.add(main_row(name, summaries[name]))
        elif name in failed:
            main.add([name] + [NA] * (len(MAIN_COLUMNS) - 1))
    report.table("Shadow replay fidelity per workload", main, notes=[
        "pfn / pcp / buddy / baseline: share of allocations whose pfn was predicted "
        "(buddy n: how many buddy-served ones); dist: checkpoint distance "
        "(0 = identical free counts); contr/100k: contradictions per 100,000 events."])

    kinds = contradiction_kinds(summaries)
    zero = [k for k in kinds if not any((d.get("contradictions") or {}).get(k)
                                        for d in summaries.values())]
    kinds = [k for k in kinds if k not in zero]
    by_kind = lab.Table(["workload"] + kinds + ["total", "in lost stretches"])
    for name, *_ in workloads:
        d = summaries.get(name)
        if d is None:
            continue
        ev = d.get("events")
        c = d.get("contradictions") or {}
        by_kind.add([name] + [fmt_num(per_100k(c.get(k), ev), 1) for k in kinds] +
                    [fmt_num(per_100k(c.get("total"), ev), 1),
                     fmt_num(per_100k(c.get("in_uncertain_stretches"), ev), 1)])
    report.table("Contradictions per 100k events, by kind", by_kind,
                 notes=[f"zero in every workload: {', '.join(zero)}"] if zero else [])

    report.line()
    report.line("Workloads and the replay's notes:")
    for name, what, _, _ in workloads:
        d = summaries.get(name)
        if d is None:
            report.line(f"- {name} ({what}): {failed.get(name, 'not run')}")
            continue
        notes = d.get("notes")
        text = " ".join(notes) if isinstance(notes, list) and notes else "none"
        meaningful = d.get("pfn_prediction_meaningful")
        if meaningful is False:
            text += " [pfn_prediction_meaningful: false]"
        report.line(f"- {name} ({what}): {text}")


def run_one(args, workdir, name, cmd, db):
    stem = name.replace(" ", "_").replace("-", "_").lower()
    trace = os.path.join(workdir, stem + ".bst")
    if name == "build":
        configure_build(lab.binary_repo(args.buddyscope), cmd[4])
    # timeout ends the churn and the build on purpose: its 124 is their normal end
    secs = lab.run_capture(args.buddyscope, trace, cmd,
                           ok_status=(0, 124) if cmd[0] == "timeout" else (0,))
    t0 = time.monotonic()
    d = lab.replay(args.buddyscope, trace, db, save=os.path.join(args.out, stem + ".json"))
    print(f"# {name}: captured {secs:.1f} s, {d.get('events')} events, replayed in "
          f"{time.monotonic() - t0:.1f} s", flush=True)
    if not args.keep_traces:
        os.unlink(trace)
    if name == "build":
        shutil.rmtree(cmd[4], ignore_errors=True)
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("buddyscope", help="the buddyscope binary to run")
    ap.add_argument("--seconds", type=float, default=3.0, help="capture length per workload")
    ap.add_argument("--out", help="directory for the JSON summaries and tables "
                    "(default: a new one under /tmp)")
    ap.add_argument("--only", help="comma-separated workload names to run")
    ap.add_argument("--churn", help="the churn program (default: next to BUDDYSCOPE's build)")
    ap.add_argument("--keep-traces", action="store_true", help="keep the .bst captures")
    args = ap.parse_args()
    lab.need_root(PROG)
    if args.seconds <= 0:
        sys.exit(f"{PROG}: error: --seconds must be positive")
    if args.seconds == int(args.seconds):
        args.seconds = int(args.seconds)
    args.buddyscope = os.path.abspath(args.buddyscope)
    args.churn = os.path.abspath(args.churn or lab.default_churn(args.buddyscope))
    if not os.access(args.churn, os.X_OK):
        sys.exit(f"{PROG}: error: {args.churn}: no churn program (build the target 'churn' "
                 "or give --churn)")
    args.out = os.path.abspath(args.out or tempfile.mkdtemp(prefix="buddyscope-fidelity-"))
    os.makedirs(args.out, exist_ok=True)
    workdir = args.out
    db = os.path.join(workdir, "runs.db")

    report = lab.Report(args.out)
    report.preamble(lab.preamble(args.buddyscope) +
                    [f"# shadow battery: {args.seconds} s capture per workload; output in "
                     f"{args.out}"])
    workloads = battery(args, workdir)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        unknown = [w for w in wanted if w not in [x[0] for x in workloads]]
        if unknown:
            sys.exit(f"{PROG}: error: --only: unknown workload(s) {', '.join(unknown)}; "
                     f"known: {', '.join(x[0] for x in workloads)}")
        workloads = [w for w in workloads if w[0] in wanted]

    summaries, failed = {}, {}
    t0 = time.monotonic()
    for name, what, cmd, unavailable in workloads:
        if unavailable:
            failed[name] = f"not run: {unavailable}"
            print(f"# {name}: {failed[name]}", flush=True)
            continue
        try:
            summaries[name] = run_one(args, workdir, name, cmd, db)
        except lab.LabError as e:
            failed[name] = f"failed: {e}"
            print(f"# {name}: {failed[name]}", file=sys.stderr, flush=True)
    print_tables(report, summaries, failed, workloads)
    report.line(f"# {PROG}: {time.monotonic() - t0:.0f} s")
    report.save("shadow_battery")
    print(f"# JSON summaries, shadow_battery.md and .txt in {args.out}")
    return 0 if summaries else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(f"{PROG}: interrupted")
