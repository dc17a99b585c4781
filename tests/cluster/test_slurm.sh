#!/bin/sh
# SPDX-License-Identifier: MIT
# The Slurm example on a real Slurm: munged, slurmctld and slurmd from
# Debian's packages on localhost, configured in a temporary directory of our
# own (SLURM_CONF points there; ports picked free; /etc/slurm and /etc/munge
# are not touched). Submits deploy/slurm/sweep.sbatch as --array=1-3 over a
# 4-point grid and deploy/slurm/merge.sbatch after it, then checks the merged
# store equals a local sweep's (compare_stores.py: settings, grid index,
# outcome figures, sample rows; not timestamps). Every daemon started here is
# stopped on any exit. Skips (77) with the reason where Slurm cannot start,
# unless BUDDYSCOPE_REQUIRE_SLURM=1, which makes that a failure.
# usage: test_slurm.sh BUDDYSCOPE SOURCE_DIR WORKDIR
set -u
bs=$(realpath "$1") src=$(realpath "$2") work=$3
samples="$src/traces/samples"
compare="$src/tests/cli/compare_stores.py"
grid='watermark-scale-factor=10,20,30,40'

skip() {
	echo "SKIP: $*" >&2
	[ "${BUDDYSCOPE_REQUIRE_SLURM:-0}" = 1 ] && { echo "FAIL: BUDDYSCOPE_REQUIRE_SLURM=1" >&2; exit 1; }
	exit 77
}
die() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs jobs as their user; munged as root)"
for p in munged slurmctld slurmd sbatch squeue scontrol sinfo python3; do
	command -v "$p" >/dev/null 2>&1 || skip "$p is not installed (scripts/install-deps.sh --tests)"
done

rm -rf "$work" && mkdir -p "$work" && work=$(realpath "$work") || exit 1
. "$src/tests/cli/lib.sh"
# Daemon state in a short path: a unix socket path must fit in 108 bytes.
run=$(mktemp -d /tmp/bs-slurm.XXXXXX) || exit 1
chmod 755 "$run"
export SLURM_CONF="$run/slurm.conf"

# Stop what this script started, by the pids the daemons wrote, and only those.
stop_daemons() {
	timeout 10 scontrol shutdown >/dev/null 2>&1
	for f in slurmd.pid slurmctld.pid munge/munged.pid; do
		pid=$(cat "$run/$f" 2>/dev/null) || continue
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null
		n=50
		while [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	done
}
logs() { for f in "$run"/*.log "$run"/munge/*.log; do echo "== $f"; tail -n 15 "$f"; done 2>/dev/null >&2; }
cleanup() { stop_daemons; rm -rf "$run"; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# poll SECONDS command...: the bound only ends a hang, nothing is timed.
poll() {
	n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}

# ---- munge: a key of our own, a socket in $run ------------------------------
mkdir -m 700 "$run/munge" &&
	dd if=/dev/urandom of="$run/munge/munge.key" bs=1024 count=1 2>/dev/null &&
	chmod 400 "$run/munge/munge.key" || die "cannot make a munge key"
munged --force --key-file="$run/munge/munge.key" --socket="$run/munge/munge.sock" \
	--pid-file="$run/munge/munged.pid" --log-file="$run/munge/munged.log" \
	--seed-file="$run/munge/munged.seed" 2>"$run/munged.err" ||
	{ cat "$run/munged.err" >&2; skip "munged does not start"; }
poll 10 test -S "$run/munge/munge.sock" || { logs; skip "munged made no socket"; }

# ---- slurm.conf: this host as controller and the one node --------------------
host=$(hostname -s)
ctld_port=$(free_port) && slurmd_port=$(free_port) || skip "no free port"
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$(free_port)
mkdir -p "$run/state" "$run/spool" && : >"$run/plugstack.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=buddyscope-test
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$run/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$run/state
SlurmdSpoolDir=$run/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$run/slurmctld.log
SlurmdLogFile=$run/slurmd.log
PlugStackConfig=$run/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
# A merge whose shards failed is cancelled at once, not left pending forever.
SchedulerParameters=kill_invalid_depend
MpiDefault=none
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -i 2>"$run/slurmctld.err" || { cat "$run/slurmctld.err" >&2; logs; skip "slurmctld does not start"; }
slurmd -N "$host" 2>"$run/slurmd.err" || { cat "$run/slurmd.err" >&2; logs; skip "slurmd does not start"; }
node_idle() { sinfo -h -N -o %T | grep -q '^idle'; }
poll 30 node_idle || { sinfo >&2; logs; skip "the node did not become idle"; }

# ---- the example: an array numbered from 1, then the merge after it ----------
make_tiny_trace
out="$work/sweep"
export BUDDYSCOPE="$bs"
jid=$(sbatch --parsable --array=1-3 --chdir="$work" "$src/deploy/slurm/sweep.sbatch" \
	"$work/tiny.bst" "$out" "$grid") || { logs; die "sbatch of sweep.sbatch failed"; }
mid=$(sbatch --parsable --dependency=afterok:"$jid" --chdir="$work" \
	"$src/deploy/slurm/merge.sbatch" "$out") || { logs; die "sbatch of merge.sbatch failed"; }
# The merge's end state (kept by slurmctld for MinJobAge, 300 s). Polled, as
# sbatch --wait sleeps up to 10 s between looks.
merge_state() { scontrol -o show job "$mid" 2>/dev/null | grep -o 'JobState=[A-Z_]*'; }
merge_ended() { merge_state | grep -q -E 'COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_M'; }
poll 120 merge_ended || { squeue >&2; logs; die "the merge job did not end within 120 s"; }
merge_state | grep -q COMPLETED ||
	{ merge_state >&2; cat "$work"/buddyscope-*.out >&2; logs; die "the merge job failed"; }
for id in 1 2 3; do
	grep -q "shard $((id - 1))/3, from SLURM_ARRAY_TASK_ID=$id, SLURM_ARRAY_TASK_MIN=1" \
		"$work/buddyscope-sweep-${jid}_$id.out" ||
		{ cat "$work/buddyscope-sweep-${jid}_$id.out" >&2; die "task $id ran the wrong shard"; }
done
"$bs" sweep "$work/tiny.bst" --db "$work/local.db" --grid "$grid" --jobs 2 >/dev/null 2>&1 ||
	die "the local sweep failed"
python3 "$compare" "$work/local.db" "$out/sweep.db" --runs 4 ||
	die "the store merged by Slurm differs from the local sweep's"
echo "ok: Slurm job array --array=1-3 of a 4-point grid, merged, equals the local sweep"
