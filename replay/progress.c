// SPDX-License-Identifier: MIT
/*
 * Progress of a run: the wall clock, the fraction of the file read, and the
 * work done every 4096th record (the pageblock maps spread over the file,
 * the caller's progress callback).
 */
#include <math.h>
#include <time.h>

#include "reorder.h"
#include "replay_internal.h"

double replay_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The fraction of the file read, for the pageblock maps and progress. */
static double read_fraction(const struct replay_ctx *c)
{
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(c->rd);

	return st->file_size ? (double)st->intact_end / (double)st->file_size : 0;
}

/* Every 4096th record: the pageblock maps at their fractions of the file, progress. */
void replay_progress_every_4096(struct replay_ctx *c, double frac)
{
	const struct replay_opts *opts = c->opts;

	if (isnan(frac))
		frac = read_fraction(c);

	if (c->out.pbmap_done < c->out.pbmap_total && frac >= c->out.next_pb_frac) {
		replay_emit_pbmaps(c, c->clock.last_ts);
		c->out.pbmap_done++;
		c->out.next_pb_frac = (double)(c->out.pbmap_done + 1) / (c->out.pbmap_total + 1);
	}
	if (opts->progress) {
		double t = replay_now_s() - c->out.t_begin;

		/* by time, so that slow (--paranoid) runs report too */
		if (t - c->out.last_progress >= 0.25) {
			c->out.last_progress = t;
			opts->progress(opts->progress_ctx, frac, c->count.events, t);
		}
	}
}
