# SPDX-License-Identifier: MIT
"""Shared pieces of the fidelity lab: the preamble every table starts with,
running `buddyscope capture` and `buddyscope replay --json`, reading keys of
the replay summary (replay/SUMMARY.md) that may not exist yet, and printing
aligned text tables that are also written as markdown.

A summary key that is missing or null prints as "n/a": the lab reads keys
that land in replay at different times, and never guesses a value.
"""
import json
import os
import shlex
import signal
import subprocess
import sys
import time

NA = "n/a"
SYSCTL_DIR = "/proc/sys/vm"
CAUGHT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
HERE = os.path.dirname(os.path.abspath(__file__))


class LabError(Exception):
    """A step of the lab failed; the message names the step and the file."""


def need_root(prog):
    if os.geteuid() != 0:
        sys.exit(f"{prog}: error: needs root (BPF capture and sysctl writes)")


def dig(obj, path):
    """obj["a"]["b"]... for path "a.b"; None when any step is missing or null."""
    for key in path.split("."):
        if not isinstance(obj, dict) or obj.get(key) is None:
            return None
        obj = obj[key]
    return obj


def fmt_num(v, digits=0):
    """A count or a ratio, or n/a."""
    if v is None or isinstance(v, (dict, list)):
        return NA
    if isinstance(v, bool):
        return str(v).lower()
    if digits == 0:
        return f"{int(round(v))}"
    return f"{v:.{digits}f}"


def per_100k(count, events):
    if count is None or not events:
        return None
    return count * 100000.0 / events


def git_describe(repo):
    """'<short sha> <subject>' of repo's HEAD, plus ' (dirty)' with local changes."""
    def git(*args):
        r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None
    sha = git("rev-parse", "--short=12", "HEAD")
    if not sha:
        return "unknown (not a git checkout)"
    subject = git("log", "-1", "--format=%s") or ""
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{sha} {subject}" + (" (dirty)" if dirty else "")


def binary_repo(buddyscope):
    """The checkout a build's binary comes from (CMAKE_HOME_DIRECTORY), else
    the checkout of this script."""
    d = os.path.dirname(os.path.abspath(buddyscope))
    for _ in range(4):
        cache = os.path.join(d, "CMakeCache.txt")
        if os.path.exists(cache):
            with open(cache) as f:
                for line in f:
                    if line.startswith("CMAKE_HOME_DIRECTORY:"):
                        return line.split("=", 1)[1].strip()
        d = os.path.dirname(d)
    return os.path.dirname(os.path.dirname(HERE))


def preamble(buddyscope):
    """Lines saying what ran, on which commit and host, and when."""
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    repo = binary_repo(buddyscope)
    return [
        "# command: " + " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv),
        f"# commit: {git_describe(repo)} (binary {buddyscope}, checkout {repo})",
        f"# host: Linux {os.uname().release}, {os.cpu_count()} cpus, load average {load}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
    ]


def default_churn(buddyscope):
    """The churn program built next to the buddyscope binary (bench/capture_overhead)."""
    build = os.path.dirname(os.path.dirname(os.path.abspath(buddyscope)))
    return os.path.join(build, "bench", "capture_overhead", "churn")


def run_capture(buddyscope, trace, cmd, duration=None, wrap=(), ok_status=(0,)):
    """[wrap...] buddyscope capture -q -o trace [--duration S] -- cmd; returns
    seconds taken. wrap: e.g. taskset, to keep the capture off a cpu. With a
    command, capture exits with the command's status: ok_status lists those
    that are expected (124 for a command under timeout). Raises LabError if the
    capture exits otherwise or writes no trace."""
    argv = [*wrap, buddyscope, "capture", "-q", "-o", trace]
    if duration:
        argv += ["--duration", str(duration)]
    if cmd:
        argv += ["--", *cmd]
    t0 = time.monotonic()
    rc, err = run_stoppable(argv)
    if rc not in ok_status or not os.path.exists(trace):
        raise LabError(f"capture {trace} failed (exit {rc}): {err.strip()}")
    return time.monotonic() - t0


def run_stoppable(argv):
    """Run argv to its end; (exit status, stderr). If this process is
    interrupted meanwhile (KeyboardInterrupt or a handler's exception), the
    child gets SIGINT (buddyscope capture then closes its trace and stops its
    command), up to 10 s to exit, then SIGKILL; the exception goes on."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, err = p.communicate()
    except BaseException:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        raise
    return p.returncode, err


def replay(buddyscope, trace, db, extra=(), save=None):
    """buddyscope replay trace --db db --json --sample-interval-ms 0 [extra]; the
    parsed summary. Samples only at checkpoints: the lab reads the summary, not the
    series, and a store of ~100 runs stays small. save: path to write the JSON to."""
    argv = [buddyscope, "replay", trace, "--db", db, "--json", "--sample-interval-ms", "0",
            *extra]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise LabError(f"replay of {trace} {' '.join(extra)} failed (exit {r.returncode}): "
                       f"{r.stderr.strip()}")
    try:
        summary = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        raise LabError(f"replay of {trace}: summary is not JSON: {e}")
    if save:
        with open(save, "w") as f:
            f.write(r.stdout)
    return summary


class Table:
    """Rows of strings under titled columns; text (aligned) and markdown output.
    Numbers are right-aligned, the first column left-aligned."""

    def __init__(self, columns):
        self.columns = list(columns)
        self.rows = []

    def add(self, row):
        assert len(row) == len(self.columns), (row, self.columns)
        self.rows.append([str(c) for c in row])

    def text(self):
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) if self.rows else len(c)
                  for i, c in enumerate(self.columns)]

        def line(cells):
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
        out = [line(self.columns), "-" * len(line(self.columns))]
        out += [line(r) for r in self.rows]
        return "\n".join(out)

    def markdown(self):
        out = ["| " + " | ".join(self.columns) + " |",
               "|" + "|".join(["---"] + ["---:"] * (len(self.columns) - 1)) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(out)


class Report:
    """What a lab script prints, also kept for report.md and report.txt."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.text_parts = []
        self.md_parts = []

    def line(self, s=""):
        print(s, flush=True)
        self.text_parts.append(s)
        self.md_parts.append(s)

    def preamble(self, lines):
        """The '# command / commit / host' lines: comments in text, a code block in markdown."""
        for s in lines:
            print(s, flush=True)
        self.text_parts += lines
        self.md_parts += ["```text", *lines, "```"]

    def table(self, title, table, notes=()):
        self.line()
        print(f"## {title}")
        print(table.text())
        for n in notes:
            print(f"# {n}")
        sys.stdout.flush()
        self.text_parts += [f"## {title}", table.text(), *(f"# {n}" for n in notes)]
        self.md_parts += [f"### {title}", "", table.markdown(), "", *notes]

    def save(self, stem):
        with open(os.path.join(self.outdir, stem + ".txt"), "w") as f:
            f.write("\n".join(self.text_parts) + "\n")
        with open(os.path.join(self.outdir, stem + ".md"), "w") as f:
            f.write("\n".join(self.md_parts) + "\n")


class Interrupted(Exception):
    """A signal asked the lab to stop; sysctls are restored on the way out."""


def on_signal(signum, frame):
    raise Interrupted(signum)


def sysctl_read(name):
    with open(os.path.join(SYSCTL_DIR, name)) as f:
        return int(f.read().split()[0])


def sysctl_write(name, value):
    with open(os.path.join(SYSCTL_DIR, name), "w") as f:
        f.write(f"{value}\n")


class SysctlGuard:
    """Saves the sysctls it is given and writes every one back on restore()."""

    def __init__(self, names):
        self.saved = {n: sysctl_read(n) for n in names}

    def set(self, name, value):
        if sysctl_read(name) != value:
            sysctl_write(name, value)

    def restore(self):
        """Writes back each saved value that differs; signals are held off meanwhile.
        Returns the lines to print."""
        old = {s: signal.signal(s, signal.SIG_IGN) for s in CAUGHT_SIGNALS}
        lines = []
        try:
            for name, value in self.saved.items():
                try:
                    now = sysctl_read(name)
                    if now != value:
                        sysctl_write(name, value)
                        lines.append(f"# restored vm.{name}: {now} -> {value}")
                except OSError as e:
                    lines.append(f"# ERROR: could not restore vm.{name} to {value}: {e}")
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return lines
