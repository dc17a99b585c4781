// SPDX-License-Identifier: MIT
/*
 * `sweep --shard I/N | auto`: the shard this process runs, from the option
 * or from a scheduler's array variables (cli/shard.h has the rules). Every
 * refusal names the option or variable it came from, since a job array that
 * silently runs the wrong points is worse than one that stops.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"

/* A scheduler that starts more tasks than this is not starting sweep shards. */
#define SHARD_COUNT_MAX 1000000ul

static int say(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* A plain decimal number: digits only, no sign, no overflow. */
static int parse_decimal(const char *s, unsigned long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end || errno ? -1 : 0;
}

/*
 * Variable @name into @v: 1 when it is not set (and @dflt taken), 0 when
 * read, -1 (with @msg) when it is set but not a number.
 */
static int env_number(const char *name, unsigned long dflt, unsigned long *v, char *msg,
		      size_t len)
{
	const char *s = getenv(name);

	if (!s) {
		*v = dflt;
		return 1;
	}
	if (parse_decimal(s, v))
		return say(msg, len, "--shard auto: %s='%s' is not a decimal number", name, s);
	return 0;
}

/* The shard count from @name, which must be set when @index_name is: 1..SHARD_COUNT_MAX. */
static int env_count(const char *name, const char *index_name, const char *hint,
		     unsigned long *count, char *msg, size_t len)
{
	int r = env_number(name, 0, count, msg, len);

	if (r < 0)
		return -1;
	if (r > 0)
		return say(msg, len, "--shard auto: %s is set but %s is not%s", index_name, name,
			   hint);
	if (!*count || *count > SHARD_COUNT_MAX)
		return say(msg, len, "--shard auto: %s=%lu: the shard count must be 1..%lu",
			   name, *count, SHARD_COUNT_MAX);
	return 0;
}

/* Slurm: I = (SLURM_ARRAY_TASK_ID - MIN) / STEP over a one-range array. */
static int shard_from_slurm(struct sweep_shard *sh, char *msg, size_t len)
{
	unsigned long id, count, min, step, max;
	int r;

	if (env_number("SLURM_ARRAY_TASK_ID", 0, &id, msg, len) < 0 ||
	    env_number("SLURM_ARRAY_TASK_MIN", 0, &min, msg, len) < 0 ||
	    env_number("SLURM_ARRAY_TASK_STEP", 1, &step, msg, len) < 0)
		return -1;
	if (env_count("SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_ID", "; give --shard I/N",
		      &count, msg, len))
		return -1;
	if (!step)
		step = 1;
	r = env_number("SLURM_ARRAY_TASK_MAX", 0, &max, msg, len);
	if (r < 0)
		return -1;
	if (!r && (max < min || (max - min) % step || (max - min) / step + 1 != count))
		return say(msg, len, "--shard auto: the array ids %lu..%lu (SLURM_ARRAY_TASK_MIN.."
				     "SLURM_ARRAY_TASK_MAX, step %lu) are not the %lu tasks of "
				     "SLURM_ARRAY_TASK_COUNT: submit one range (--array=0-%lu or "
				     "--array=1-%lu), or give --shard I/N",
			   min, max, step, count, count - 1, count);
	if (id < min || (id - min) % step)
		return say(msg, len, "--shard auto: SLURM_ARRAY_TASK_ID=%lu is not an id of the "
				     "array (SLURM_ARRAY_TASK_MIN=%lu, step %lu)", id, min, step);
	sh->index = (id - min) / step;
	sh->count = count;
	if (sh->index >= count)
		return say(msg, len, "--shard auto: SLURM_ARRAY_TASK_ID=%lu gives shard %lu "
				     "(counted from SLURM_ARRAY_TASK_MIN=%lu), outside 0..%lu "
				     "(SLURM_ARRAY_TASK_COUNT=%lu)",
			   id, sh->index, min, count - 1, count);
	snprintf(sh->source, sizeof(sh->source),
		 "SLURM_ARRAY_TASK_ID=%lu, SLURM_ARRAY_TASK_MIN=%lu, SLURM_ARRAY_TASK_COUNT=%lu", id,
		 min, count);
	return 0;
}

/* Kubernetes Indexed Job: I = JOB_COMPLETION_INDEX, N = BUDDYSCOPE_SHARD_COUNT. */
static int shard_from_k8s(struct sweep_shard *sh, char *msg, size_t len)
{
	unsigned long index, count;

	if (env_number("JOB_COMPLETION_INDEX", 0, &index, msg, len) < 0)
		return -1;
	if (env_count("BUDDYSCOPE_SHARD_COUNT", "JOB_COMPLETION_INDEX",
		      ": set it in the Job's manifest to the Job's spec.completions", &count, msg,
		      len))
		return -1;
	if (index >= count)
		return say(msg, len, "--shard auto: JOB_COMPLETION_INDEX=%lu is outside 0..%lu "
				     "(BUDDYSCOPE_SHARD_COUNT=%lu)", index, count - 1, count);
	sh->index = index;
	sh->count = count;
	snprintf(sh->source, sizeof(sh->source),
		 "JOB_COMPLETION_INDEX=%lu, BUDDYSCOPE_SHARD_COUNT=%lu", index, count);
	return 0;
}

/* "I/N" as typed. */
static int shard_from_text(const char *arg, struct sweep_shard *sh, char *msg, size_t len)
{
	const char *slash = strchr(arg, '/');
	char first[32];

	if (!slash || (size_t)(slash - arg) >= sizeof(first))
		return say(msg, len, "--shard '%s': expected I/N (0 <= I < N) or auto", arg);
	memcpy(first, arg, (size_t)(slash - arg));
	first[slash - arg] = '\0';
	if (parse_decimal(first, &sh->index) || parse_decimal(slash + 1, &sh->count))
		return say(msg, len, "--shard '%s': expected I/N (0 <= I < N) or auto", arg);
	if (!sh->count || sh->count > SHARD_COUNT_MAX)
		return say(msg, len, "--shard '%s': the shard count N must be 1..%lu", arg,
			   SHARD_COUNT_MAX);
	if (sh->index >= sh->count)
		return say(msg, len, "--shard '%s': the index I=%lu is outside 0..%lu", arg,
			   sh->index, sh->count - 1);
	return 0;
}

int sweep_shard_parse(const char *arg, struct sweep_shard *sh, char *msg, size_t len)
{
	memset(sh, 0, sizeof(*sh));
	if (strcmp(arg, "auto"))
		return shard_from_text(arg, sh, msg, len);
	if (getenv("SLURM_ARRAY_TASK_ID"))
		return shard_from_slurm(sh, msg, len);
	if (getenv("JOB_COMPLETION_INDEX"))
		return shard_from_k8s(sh, msg, len);
	return say(msg, len, "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor "
			     "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give "
			     "--shard I/N");
}
