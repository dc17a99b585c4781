#!/bin/sh
# SPDX-License-Identifier: MIT
# Sweep shards as a scheduler runs them, without the scheduler: --shard auto
# from Slurm's and Kubernetes' variables (every refusal names the variable),
# a Slurm array numbered from 1 covers every point, an empty shard writes an
# empty store, the grid index is stored, merging a shard again or a shard
# that ran twice adds nothing, and a merge with a bad input writes nothing.
# usage: test_shards.sh BUDDYSCOPE SAMPLES_DIR WORKDIR
set -u
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
compare="$(dirname "$0")/compare_stores.py"
make_tiny_trace
t="$work/tiny.bst"
grid='watermark-scale-factor=10,20,30,40'
# The variables this test sets, and nothing the calling shell may have set.
clean="env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_COUNT -u SLURM_ARRAY_TASK_MIN
	-u SLURM_ARRAY_TASK_MAX -u SLURM_ARRAY_TASK_STEP -u JOB_COMPLETION_INDEX
	-u BUDDYSCOPE_SHARD_COUNT"
# sweep DB VAR=VALUE...: a shard with --shard auto and these variables only
sweep() { db=$1; shift; $clean "$@" "$bs" sweep "$t" --db "$db" --grid "$grid" --shard auto; }
runs() { python3 -c "import sqlite3, sys; \
print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM runs').fetchone()[0])" "$1"; }

# ---- refusals: usage errors (2) that name the variable ----------------------
x="$work/x.db"
expect 2 "SLURM_ARRAY_TASK_ID=4 gives shard 3 .*outside 0\.\.2 \(SLURM_ARRAY_TASK_COUNT=3\)" \
	sweep "$x" SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1
expect 2 "SLURM_ARRAY_TASK_ID=3 gives shard 3 .*outside 0\.\.2" \
	sweep "$x" SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3
expect 2 "SLURM_ARRAY_TASK_ID='1x' is not a decimal number" \
	sweep "$x" SLURM_ARRAY_TASK_ID=1x SLURM_ARRAY_TASK_COUNT=3
expect 2 "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not" \
	sweep "$x" SLURM_ARRAY_TASK_ID=1
expect 2 "SLURM_ARRAY_TASK_COUNT=0" sweep "$x" SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=0
# --array=1,5,7: three tasks whose ids are no range
expect 2 "ids 1\.\.7 .*not the 3 tasks of SLURM_ARRAY_TASK_COUNT" \
	sweep "$x" SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 \
	SLURM_ARRAY_TASK_MAX=7
expect 2 "SLURM_ARRAY_TASK_ID=3 is not an id of the array" \
	sweep "$x" SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=0 \
	SLURM_ARRAY_TASK_STEP=2
expect 2 "JOB_COMPLETION_INDEX is set but BUDDYSCOPE_SHARD_COUNT is not" \
	sweep "$x" JOB_COMPLETION_INDEX=0
expect 2 "JOB_COMPLETION_INDEX=3 is outside 0\.\.2 \(BUDDYSCOPE_SHARD_COUNT=3\)" \
	sweep "$x" JOB_COMPLETION_INDEX=3 BUDDYSCOPE_SHARD_COUNT=3
expect 2 "neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX" sweep "$x"
expect 2 "--shard '4/4': the index I=4 is outside 0\.\.3" \
	$clean "$bs" sweep "$t" --db "$x" --grid "$grid" --shard 4/4
expect 2 "--shard '1/0': the shard count N must be" \
	$clean "$bs" sweep "$t" --db "$x" --grid "$grid" --shard 1/0
expect 2 "--shard '-1/2': expected I/N" $clean "$bs" sweep "$t" --db "$x" --grid "$grid" --shard -1/2
check "no store is written by a refused shard" [ ! -e "$x" ]

# ---- --array=1-3 over 4 points: shards 0,1,2 run points {0,3} {1} {2} -------
for id in 1 2 3; do
	expect 0 "shard $((id - 1))/3, from SLURM_ARRAY_TASK_ID=$id, SLURM_ARRAY_TASK_MIN=1" \
		sweep "$work/slurm-$id.db" SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=3 \
		SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 SLURM_ARRAY_TASK_STEP=1
done
check "shard 0 of an array numbered from 1 ran points 0 and 3" \
	[ "$(runs "$work/slurm-1.db")" -eq 2 ]
expect 0 "" $clean "$bs" sweep "$t" --db "$work/local.db" --grid "$grid"
expect 0 "runs copied into" "$bs" merge "$work/merged.db" "$work"/slurm-[123].db
check "the merged shards equal the local sweep" \
	python3 "$compare" "$work/local.db" "$work/merged.db" --runs 4
gi=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
'SELECT group_concat(grid_index) FROM (SELECT grid_index FROM runs WHERE grid = ?1'
' ORDER BY grid_index)', (sys.argv[2],)).fetchone()[0])" "$work/merged.db" "$grid")
check "every point's grid index is stored with the grid ($gi)" [ "$gi" = "0,1,2,3" ]

# ---- Kubernetes: shard 1 of 2 is points 1 and 3 ------------------------------
expect 0 "shard 1/2, from JOB_COMPLETION_INDEX=1, BUDDYSCOPE_SHARD_COUNT=2" \
	sweep "$work/k8s-1.db" JOB_COMPLETION_INDEX=1 BUDDYSCOPE_SHARD_COUNT=2
check "the indexed job's shard ran 2 points" [ "$(runs "$work/k8s-1.db")" -eq 2 ]

# ---- an empty shard: a valid store with no run, exit 0 -----------------------
expect 0 "shard 5 has no point \(the grid has 4\)" \
	sweep "$work/empty.db" JOB_COMPLETION_INDEX=5 BUDDYSCOPE_SHARD_COUNT=6
check "the empty shard's store opens and holds no run" [ "$(runs "$work/empty.db")" -eq 0 ]
expect 0 "empty.db: 0 runs" "$bs" merge "$work/merged.db" "$work/empty.db"

# ---- merging again, and a shard that ran again (new uuids), adds nothing -----
expect 0 "0 new runs copied into" "$bs" merge "$work/merged.db" "$work/slurm-2.db"
expect 0 "" sweep "$work/slurm-2-requeued.db" SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 \
	SLURM_ARRAY_TASK_MIN=1
expect 0 "0 new runs copied into .*merged.db \(1 already there\)" \
	"$bs" merge "$work/merged.db" "$work/slurm-2-requeued.db"
expect 0 "point 1 \(watermark-scale-factor=20\): done, already in the store" \
	sweep "$work/slurm-2-requeued.db" SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 \
	SLURM_ARRAY_TASK_MIN=1
check "a re-run task adds nothing to its own store" \
	[ "$(runs "$work/slurm-2-requeued.db")" -eq 1 ]
expect 0 "slurm-2-requeued.db: 0 runs" \
	"$bs" merge "$work/twice.db" "$work/slurm-2.db" "$work/slurm-2-requeued.db"
check "one merge of a shard and its re-run copies the shard once" \
	grep -q "1 new run copied into .*twice.db (0 already there)" "$work/err"
check "the merged store still holds 4 runs" [ "$(runs "$work/merged.db")" -eq 4 ]

# ---- a bad input, last: nothing written, new or existing OUT -----------------
printf 'not a store: text long enough for the hundred bytes SQLite reads first........\n' \
	>"$work/junk.db"
expect 1 "nothing was written to" \
	"$bs" merge "$work/never.db" "$work/slurm-1.db" "$work/junk.db"
check "the refused input is named" grep -q "junk.db" "$work/err"
check "a merge that failed created no store" [ ! -e "$work/never.db" ]
before=$(md5sum <"$work/merged.db")
expect 1 "missing.db" "$bs" merge "$work/merged.db" "$work/local.db" "$work/missing.db"
check "a merge that failed left the existing store as it was" \
	[ "$(md5sum <"$work/merged.db")" = "$before" ]
check "no staging store left" [ -z "$(ls -A "$work" | grep '\.tmp$')" ]
finish
