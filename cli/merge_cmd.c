// SPDX-License-Identifier: MIT
/*
 * buddyscope merge: join the run stores written by sweep shards (or any
 * stores) into one, all of them or none (viz_store_merge_files()). A run
 * already in OUT (the same uuid, or a complete run of the same trace, mode and
 * settings) is skipped, so merging a shard twice, or a shard that ran twice,
 * adds nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#ifdef BUDDYSCOPE_HAVE_VIZ
#include "viz.h"

static void merge_usage(FILE *f)
{
	fprintf(f, "usage: buddyscope merge OUT.db IN.db...\n"
		   "  copies every run of each IN store into OUT (created if missing), all\n"
		   "  of them or nothing; a run OUT has already (the same trace, mode and\n"
		   "  settings, complete) is skipped, so merging a shard again adds nothing\n");
}

int cmd_merge(int argc, char **argv)
{
	struct bs_error err = { .text = "" };
	const char *const *srcs = (const char *const *)argv + 2;
	size_t nr_src, *staged = NULL, total = 0, nr_read = 0;
	int ret;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		merge_usage(stdout);
		return 0;
	}
	if (argc < 3 || argv[1][0] == '-') {
		merge_usage(stderr);
		return 2;
	}
	nr_src = (size_t)argc - 2;
	staged = calloc(nr_src, sizeof(*staged));
	if (!staged)
		return cli_fail("merge", argv[1], ENOMEM, NULL);
	ret = viz_store_merge_files(argv[1], srcs, nr_src, staged, &total, &err);
	if (ret) {
		/* The message names the file at fault; OUT is as it was. */
		cli_error("merge", "%s", err.text[0] ? err.text : strerror(-ret));
		fprintf(stderr, "buddyscope merge: nothing was written to %s\n", argv[1]);
		free(staged);
		return 1;
	}
	/* Per input: its runs that no earlier input had; then what OUT lacked of them. */
	for (size_t i = 0; i < nr_src; i++) {
		fprintf(stderr, "buddyscope merge: %s: %zu run%s\n", srcs[i], staged[i],
			staged[i] == 1 ? "" : "s");
		nr_read += staged[i];
	}
	fprintf(stderr, "buddyscope merge: %zu new run%s copied into %s (%zu already there)\n",
		total, total == 1 ? "" : "s", argv[1], nr_read - total);
	free(staged);
	return 0;
}
#else
CLI_COMMAND_BUILT_WITHOUT(merge, "viz support (cairo, sqlite3)")
#endif
