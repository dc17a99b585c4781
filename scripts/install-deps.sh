#!/bin/sh
# Install what buddyscope needs to build, run and test, from Debian's packages.
# Usage: scripts/install-deps.sh [--tests|--bench]
#   --tests adds what only the test suite needs (the libFuzzer runtime,
#   Chromium for the HTML report test, valgrind, trace-cmd and perf, which
#   make the trace.dat and perf.data the import tests read, a single-node Slurm
#   and munge for the job array example, PyYAML for the Kubernetes manifest's
#   test); --bench adds the peers the
#   benchmarks compare against (perf, trace-cmd) and the fidelity lab's
#   workloads (stress-ng). Tests never install anything themselves: run this
#   first (scripts/test.sh does).
set -eu
# fonts-dejavu-core: the reports draw their text in DejaVu Sans (viz/draw.c).
# help2man: the man pages are made from the --help texts at build time.
pkgs="build-essential cmake pkg-config clang llvm libbpf-dev bpftool
      libcairo2-dev libsqlite3-dev sqlite3 libjansson-dev libzstd-dev zlib1g-dev zstd gzip
      libtracecmd-dev libtracefs-dev libtraceevent-dev
      fonts-dejavu-core python3 ca-certificates help2man"
case "${1:-}" in
# python3-prometheus-client: its OpenMetrics parser checks `export --format openmetrics`.
# slurm-wlm, munge: the single-node Slurm of the cluster_slurm test; python3-yaml: the k8s manifest test.
# trace-cmd, linux-perf: the import test makes a real trace.dat and perf.data; jq: the live capture tests.
--tests) pkgs="$pkgs libclang-rt-14-dev chromium valgrind python3-prometheus-client slurm-wlm munge python3-yaml trace-cmd linux-perf jq" ;;
--bench) pkgs="$pkgs linux-perf trace-cmd hyperfine stress-ng" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
