#!/bin/sh
# SPDX-License-Identifier: MIT
# Replay speed: end-to-end events/s of shadow and what-if replays of a real
# trace (bench_replay_speed), then an 8-point what-if sweep run with --jobs 1
# and --jobs 2 into a run store, timed, with the speed-up as a ratio.
# usage: replay_speed.sh BUDDYSCOPE BENCH_REPLAY_SPEED SAMPLES_DIR WORK_DIR
# BENCH_TRACE=file.bst replays that trace instead of the imported sample.
set -eu
bin=$1 bench=$2 samples=$3 work=$4
mkdir -p "$work"
trace=${BENCH_TRACE:-}
if [ -z "$trace" ]; then
	trace=$work/ftrace-tracecmd-churn-6.18.bst
	"$bin" import --from ftrace "$samples/ftrace-tracecmd-churn-6.18.txt.zst" -o "$trace" \
		--sysinfo "$samples/ftrace-tracecmd-churn-6.18.sysinfo" >/dev/null
fi
"$bench" "$trace" 3

grid='watermark-scale-factor=10,100,500,1000;max-order=11,12'
now() { date +%s.%N; }
for jobs in 1 2; do
	rm -f "$work/sweep-$jobs.db" "$work/sweep-$jobs.db-wal" "$work/sweep-$jobs.db-shm"
	t0=$(now)
	"$bin" sweep "$trace" --db "$work/sweep-$jobs.db" --grid "$grid" --jobs $jobs \
		>/dev/null 2>&1
	t1=$(now)
	eval "t_$jobs=\$(echo \"\$t1 - \$t0\" | bc -l)"
done
printf 'sweep of 8 points: --jobs 1 %.2f s, --jobs 2 %.2f s, speed-up %.2fx (cores: %s)\n' \
	"$t_1" "$t_2" "$(echo "$t_1 / $t_2" | bc -l)" "$(nproc)"
