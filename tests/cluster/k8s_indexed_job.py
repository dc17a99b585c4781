#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Kubernetes example without a cluster: deploy/k8s/sweep-job.yaml is an
Indexed Job whose BUDDYSCOPE_SHARD_COUNT equals its completions, and running
each pod's own command here (JOB_COMPLETION_INDEX = 0..completions-1, the
manifest's environment, /data mapped to a work directory, a small trace),
then merge-job.yaml's command, gives the store a local sweep gives.

usage: k8s_indexed_job.py BUDDYSCOPE SOURCE_DIR WORKDIR
Skips (77) when PyYAML is missing.
"""
import os
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed", file=sys.stderr)
    sys.exit(77)

bs, src, work = sys.argv[1:4]
GRID = "watermark-scale-factor=10,20,30"


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def container(path):
    with open(path) as f:
        job = yaml.safe_load(f)
    if job.get("kind") != "Job" or job.get("apiVersion") != "batch/v1":
        fail(f"{path}: not a batch/v1 Job")
    c = job["spec"]["template"]["spec"]["containers"][0]
    return job, c


def run_pod(c, data, env_extra):
    """The container's command as the pod would run it, /data being @data."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLURM_", "JOB_COMPLETION", "BUDDYSCOPE_SHARD"))}
    for e in c.get("env", []):
        env[e["name"]] = str(e["value"])
    env.update(env_extra)
    env["PATH"] = os.path.dirname(os.path.abspath(bs)) + ":" + env["PATH"]
    argv = [a.replace("/data", data) for a in c["command"] + c.get("args", [])]
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    if r.returncode:
        fail(f"{argv} exited {r.returncode}: {r.stderr}")
    return r.stderr


def main():
    shutil.rmtree(work, ignore_errors=True)
    data = os.path.join(work, "data")
    os.makedirs(data)
    job, c = container(os.path.join(src, "deploy/k8s/sweep-job.yaml"))
    spec = job["spec"]
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    n = spec["completions"]
    if spec.get("completionMode") != "Indexed":
        fail("sweep-job.yaml: completionMode is not Indexed")
    if str(n) != env.get("BUDDYSCOPE_SHARD_COUNT"):
        fail(f"sweep-job.yaml: BUDDYSCOPE_SHARD_COUNT {env.get('BUDDYSCOPE_SHARD_COUNT')}"
             f" is not spec.completions {n}")
    if "--shard auto" not in " ".join(c["args"]):
        fail("sweep-job.yaml: the pods do not run --shard auto")

    # A small trace: the ftrace sample's first lines, as tests/cli/lib.sh makes it.
    samples = os.path.join(src, "traces/samples")
    txt = os.path.join(work, "tiny.txt")
    with open(txt, "w") as f:
        z = subprocess.run(["zstd", "-dc", os.path.join(samples, "ftrace-churn-6.18.txt.zst")],
                           capture_output=True, check=True, text=True)
        f.write("".join(z.stdout.splitlines(keepends=True)[:3000]))
    trace = os.path.join(data, "tiny.bst")
    subprocess.run([bs, "import", "--from", "ftrace", txt, "-o", trace, "-q", "--sysinfo",
                    os.path.join(samples, "ftrace-churn-6.18.sysinfo")], check=True)

    # 3 grid points over 4 pods: pod 3 has none and still writes its store.
    for i in range(n):
        log = run_pod(c, data, {"JOB_COMPLETION_INDEX": str(i), "TRACE": trace, "GRID": GRID})
        if f"shard {i}/{n}, from JOB_COMPLETION_INDEX={i}" not in log:
            fail(f"pod {i} ran another shard: {log}")
    _, m = container(os.path.join(src, "deploy/k8s/merge-job.yaml"))
    run_pod(m, data, {})
    local = os.path.join(work, "local.db")
    subprocess.run([bs, "sweep", trace, "--db", local, "--grid", GRID], check=True,
                   capture_output=True)
    subprocess.run([sys.executable, os.path.join(src, "tests/cli/compare_stores.py"), local,
                    os.path.join(data, "sweep/sweep.db"), "--runs", "3"], check=True)
    print(f"ok: {n} indexed pods and the merge job equal the local sweep")


main()
