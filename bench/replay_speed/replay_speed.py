#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Replay speed, in one run on the same traces: the reader alone (with and
without the SHA-256 of the file in the same pass), the model alone
(bench_model_ops), shadow and what-if replays end to end through the CLI
(`buddyscope replay TRACE --db ... --json`: the summary's events_per_second,
and the process's CPU time and max RSS from wait4), and what-if sweeps of 1,
4 and 16 points (`--jobs 1`: CPU seconds per point, max RSS). With several
traces it ends with how the cost per event grows with the trace's length.

Figures only; never pass/fail. CPU time is the figure that means "one core"
on a shared machine; wall time is printed beside it.

usage: replay_speed.py --buddyscope BIN --bench BENCH_REPLAY_SPEED
                       [--model-ops BENCH_MODEL_OPS] [--work DIR]
                       [--sweep-trace TRACE] [--no-sweep] TRACE [TRACE ...]
The sweeps run on --sweep-trace (default: the first TRACE).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

SWEEPS = [
    (1, "watermark-scale-factor=10"),
    (4, "watermark-scale-factor=10,100;pcp-batch=31,63"),
    (16, "watermark-scale-factor=10,100,500,1000;pcp-batch=15,31,63,127"),
]


def run_measured(cmd):
    """Run @cmd with wait4; return (stdout, CPU s (user+sys, children included), max RSS MiB, wall s)."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        text, etext = out.read(), err.read()
    if p.returncode:
        sys.exit(f"replay_speed: {' '.join(cmd)} exited {p.returncode}: {etext.strip()[:400]}")
    return text, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, wall


def reader_alone(bench, trace):
    text, cpu, rss, wall = run_measured([bench, "--reader-only", trace, "2"])
    rates = {}
    for line in text.splitlines():
        m = re.match(r"(read\+decode(?:\+sha256| only))\s+(\d+) events\s+([\d.]+) M events/s", line)
        if m:
            rates[m.group(1)] = (int(m.group(2)), float(m.group(3)))
    return rates, rss


def model_alone(model_ops):
    text, _, _, _ = run_measured([model_ops, "5000000", "24g"])
    found = re.findall(r"([\d.]+) M ops/s per CPU second \(([\d.]+) ns/op CPU", text)
    return [(float(a), float(b)) for a, b in found]


def replay_cli(bin_, trace, mode, work):
    db = os.path.join(work, f"replay-{mode}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    cmd = [bin_, "replay", trace, "--db", db, "--json"]
    if mode == "whatif":
        cmd += ["--mode", "whatif"]
    text, cpu, rss, wall = run_measured(cmd)
    summary = json.loads(text)
    return summary["events"], summary["events_per_second"], cpu, rss, wall


def sweep_cli(bin_, trace, points, grid, work):
    db = os.path.join(work, f"sweep-{points}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    _, cpu, rss, wall = run_measured([bin_, "sweep", trace, "--db", db, "--grid", grid,
                                      "--jobs", "1"])
    return cpu, rss, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--buddyscope", required=True)
    ap.add_argument("--bench", required=True, help="bench_replay_speed")
    ap.add_argument("--model-ops", help="bench_model_ops")
    ap.add_argument("--work", default=None)
    ap.add_argument("--sweep-trace", default=None)
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("traces", nargs="+")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="replay-speed-")
    os.makedirs(work, exist_ok=True)
    print(f"# replay_speed: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")
    if a.model_ops:
        for (rate, ns), prof in zip(model_alone(a.model_ops), ("6.1", "6.18")):
            print(f"model alone ({prof}, bench_model_ops 24g): {rate:.1f} M alloc+free ops/s "
                  f"per CPU s ({ns:.1f} ns/op)")
    per_event = []
    for trace in a.traces:
        size = os.path.getsize(trace)
        print(f"\n## {trace} ({size / 1e6:.1f} MB)")
        rates, rss = reader_alone(a.bench, trace)
        for what, (events, rate) in rates.items():
            print(f"  reader alone, {what:<18}: {rate:7.1f} M events/s per CPU s "
                  f"({events} page events; max RSS {rss:.0f} MiB)")
        row = {"trace": trace}
        for mode in ("shadow", "whatif"):
            events, eps, cpu, rss, wall = replay_cli(a.buddyscope, trace, mode, work)
            row[mode] = cpu / events * 1e9
            row["events"] = events
            print(f"  {mode:<7} replay --db --json: events_per_second {eps / 1e6:6.2f} M "
                  f"(wall), {events / cpu / 1e6:6.2f} M events per CPU s "
                  f"({cpu:.2f} CPU s, {wall:.1f} s wall), max RSS {rss:.0f} MiB")
        per_event.append(row)
    if not a.no_sweep:
        trace = a.sweep_trace or a.traces[0]
        print(f"\n## sweeps of {trace} (--jobs 1)")
        for points, grid in SWEEPS:
            cpu, rss, wall = sweep_cli(a.buddyscope, trace, points, grid, work)
            print(f"  {points:2d} points: {cpu / points:6.2f} CPU s per point ({cpu:.1f} CPU s, "
                  f"{wall:.1f} s wall), max RSS {rss:.0f} MiB  --grid '{grid}'")
    if len(per_event) > 1:
        print("\n## cost per event against trace length (CPU ns per event)")
        for r in per_event:
            print(f"  {r['events']:>10} events: shadow {r['shadow']:6.1f} ns, "
                  f"what-if {r['whatif']:6.1f} ns  ({r['trace']})")


if __name__ == "__main__":
    main()
