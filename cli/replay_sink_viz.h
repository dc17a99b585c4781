/* SPDX-License-Identifier: MIT */
/*
 * The bridge between replay's sink (replay/replay.h) and the run store
 * (viz/viz.h), and the parts of `replay` and `sweep` they share: running one
 * replay into a store, printing its summary, and the progress line.
 */
#ifndef BUDDYSCOPE_CLI_REPLAY_SINK_VIZ_H
#define BUDDYSCOPE_CLI_REPLAY_SINK_VIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>

#include "replay.h"

/* Options of one replay run as the commands give them. */
struct replay_cli_run {
	const char *cmd;	/* "replay" or "sweep": prefix of messages */
	const char *trace;
	const char *db;		/* run store; NULL: no store is written */
	bool json;		/* print the summary JSON on stdout */
	bool quiet;		/* no summary text, no progress */
	const char *grid;	/* a sweep point: the sweep's --grid, stored with the run */
	size_t grid_index;	/* with @grid: the point's index in the whole grid */
	struct replay_opts opts;
};

/**
 * replay_cli_run_one() - replay into the store and print the result.
 * @r: what to run.
 * @res: receives the result (release with replay_result_release()).
 *
 * Return: the exit status: 0, 1 (trace unreadable, store failure).
 */
int replay_cli_run_one(struct replay_cli_run *r, struct replay_result *res);

/*
 * replay_cli_run_many() - @n runs of the same trace (runs[i].trace) from one
 * decoding pass (replay_run_many()) on @threads worker threads; each run into
 * its own store (--db) as replay_cli_run_one() would, its result in res[i]
 * (release each) and its exit status in status[i]. Return 0, or -errno when
 * the trace could not be read at all (every status is then 1).
 */
int replay_cli_run_many(struct replay_cli_run *runs, size_t n, unsigned int threads,
			struct replay_result *res, int *status);

/* Parse a settings option (--max-order ... --cpus) if @name is one; 1 = consumed, 0 = not
 * a setting, -1 = bad value (message printed). */
int replay_cli_setting(const char *cmd, struct replay_settings *s, const char *name,
		       const char *value);

/*
 * The settings of replay's table (replay_setting_at()) as getopt_long
 * options with values @first_val, @first_val + 1, ... in table order; at
 * most @room are written. Returns how many were.
 */
size_t replay_cli_setting_options(struct option *out, size_t room, int first_val);

/* One --help line per setting of replay's table: "--NAME ARG  MIN..MAX; help". */
void replay_cli_settings_help(FILE *f);

#endif
