// SPDX-License-Identifier: MIT
/*
 * buddyscope merge: join the run stores written by sweep shards (or any
 * stores) into one. Runs already present in OUT (same uuid) are skipped, so
 * merging a shard twice is harmless.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifdef BUDDYSCOPE_HAVE_VIZ
#include "viz.h"

static void merge_usage(FILE *f)
{
	fprintf(f, "usage: buddyscope merge OUT.db IN.db...\n"
		   "  copies every run of each IN store into OUT (created if missing)\n");
}

int cmd_merge(int argc, char **argv)
{
	struct viz_error err = { "" };
	struct viz_store *s = NULL;
	size_t total = 0;
	int ret = 1, close_rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		merge_usage(stdout);
		return 0;
	}
	if (argc < 3 || argv[1][0] == '-') {
		merge_usage(stderr);
		return 2;
	}
	s = viz_store_open(argv[1], VIZ_STORE_CREATE, &err);
	if (!s)
		return cli_fail("merge", argv[1], errno, err.text);
	for (int i = 2; i < argc; i++) {
		size_t n = 0;

		int rc = viz_store_merge(s, argv[i], &n, &err);

		if (rc) {
			cli_fail("merge", argv[i], rc, err.text[0] ? err.text : viz_store_error(s));
			goto cleanup;
		}
		fprintf(stderr, "buddyscope merge: %s: %zu runs copied\n", argv[i], n);
		total += n;
	}
	fprintf(stderr, "buddyscope merge: %zu runs copied into %s\n", total, argv[1]);
	ret = 0;
cleanup:
	close_rc = viz_store_close(s);
	if (close_rc && !ret)
		ret = cli_fail("merge", argv[1], close_rc, NULL);
	return ret;
}
#else
int cmd_merge(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "buddyscope merge: built without viz support (cairo, sqlite3)\n");
	return 2;
}
#endif
