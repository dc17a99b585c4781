/* SPDX-License-Identifier: MIT */
/*
 * Which part of a sweep's grid this process runs: `--shard I/N` as given, or
 * `--shard auto` from the variables a scheduler sets in each task of an
 * array. Shard I of N runs grid points I, I+N, I+2N, ... (0 <= I < N); a
 * shard with no point is valid (more shards than points).
 *
 * `auto` reads, first match wins:
 *  - Slurm job arrays: SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT (N),
 *    SLURM_ARRAY_TASK_MIN (default 0) and SLURM_ARRAY_TASK_STEP (default 1).
 *    I = (ID - MIN) / STEP, so `--array=0-2`, `--array=1-3` and
 *    `--array=0-4:2` all map onto shards 0, 1, 2 and none is skipped. The
 *    array must be one range: an id list (`--array=1,5,7`) is refused
 *    (SLURM_ARRAY_TASK_MAX tells), as is an ID that is not in it.
 *  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (I, from 0), with N from
 *    BUDDYSCOPE_SHARD_COUNT, which the Job's manifest sets to its
 *    spec.completions (Kubernetes does not export that count itself).
 * An index outside 0..N-1, a count of 0, or a value that is not a decimal
 * number is refused with a sentence that names the variable.
 */
#ifndef BUDDYSCOPE_CLI_SHARD_H
#define BUDDYSCOPE_CLI_SHARD_H

#include <stddef.h>

struct sweep_shard {
	unsigned long index;	/* I, 0 <= I < count */
	unsigned long count;	/* N >= 1 */
	char source[160];	/* the variables I and N came from ("" for I/N), for the
				   progress line */
};

/**
 * sweep_shard_parse() - the shard of `--shard @arg` ("I/N" or "auto")
 * @arg: the option's value
 * @sh: receives the shard
 * @msg: receives the reason on failure
 * @len: size of @msg
 *
 * Return: 0, or -1 (a usage error: exit 2) with @msg set.
 */
int sweep_shard_parse(const char *arg, struct sweep_shard *sh, char *msg, size_t len);

#endif
