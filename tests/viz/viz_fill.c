// SPDX-License-Identifier: MIT
/*
 * Test helper: write a store of synthetic runs for the command-line tests.
 * usage: viz_fill OUT.db TIMES ZONES ORDERS MIGRATETYPES [--newer]
 * Run 1 is a complete baseline, run 2 a complete what-if, run 3 a what-if
 * left incomplete. --newer then stamps the store with a future schema.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

int main(int argc, char **argv)
{
	struct synth p = { .nr_pageblocks = 64 };
	struct viz_error err = { "" };
	struct viz_store *s;
	int64_t run;

	if (argc < 6) {
		fprintf(stderr, "usage: viz_fill OUT.db TIMES ZONES ORDERS MIGRATETYPES [--newer]\n");
		return 2;
	}
	p.nr_times = (uint32_t)atoi(argv[2]);
	p.nr_zones = (uint32_t)atoi(argv[3]);
	p.nr_orders = (uint32_t)atoi(argv[4]);
	p.nr_mt = (uint32_t)atoi(argv[5]);
	if (!p.nr_times || !p.nr_zones || p.nr_zones > 3 || p.nr_mt > 6) {
		fprintf(stderr, "viz_fill: bad sizes\n");
		return 2;
	}
	s = viz_store_open(argv[1], VIZ_STORE_CREATE, &err);
	if (!s) {
		fprintf(stderr, "viz_fill: %s\n", err.text);
		return 1;
	}
	for (uint32_t v = 0; v < 3; v++) {
		p.variant = v;
		if (synth_fill(s, &p, v < 2 ? 1 : 0, &run)) {
			fprintf(stderr, "viz_fill: cannot write run %u\n", v + 1);
			return 1;
		}
	}
	if (viz_store_close(s))
		return 1;
	if (argc > 6 && !strcmp(argv[6], "--newer")) {
		sqlite3 *db;

		if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		sqlite3_close(db);
	}
	return 0;
}
