// SPDX-License-Identifier: MIT
/*
 * Test helper: write a store of synthetic runs for the command-line tests.
 * usage: viz_fill OUT.db TIMES ZONES ORDERS MIGRATETYPES [--newer]
 *                 [--whatif-orders N] [--extras] [--activity]
 * Run 1 is a complete baseline, run 2 a complete what-if, run 3 a what-if
 * left incomplete. --newer then stamps the store with a future schema.
 * --whatif-orders gives run 2 N orders (a max-order what-if). --extras adds,
 * to runs 1 and 2, a second stress-ng pid, a command whose name is HTML, and
 * a pageblock map of zone 0 at the middle time identical to the one at t = 0
 * (which a report must not show twice). --activity adds reclaim and
 * compaction counters over time (the kernel's to runs 1 and 2, the model's to
 * run 2).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define HOSTILE_COMM "<img src=x onerror=alert(1)>&\""

static int add_extras(struct viz_store *s, const struct synth *p, int64_t run)
{
	struct viz_attribution a[] = {
		{ "stress-ng", 4243, 0xcc0, 250, 1, 7 },
		{ HOSTILE_COMM, 66, 0x2800, 5, 0, 1 },
	};
	uint8_t mt[4096];
	uint16_t fp[4096];
	struct viz_pbmap m = { .t_ns = synth_t(p->nr_times / 2), .zone_idx = 0,
			       .nr_pageblocks = p->nr_pageblocks, .pageblock_pages = 512,
			       .migratetype = mt, .free_pages = fp };
	int ret = 0;

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]) && !ret; i++)
		ret = viz_attribution_add(s, run, &a[i]);
	for (uint32_t i = 0; i < p->nr_pageblocks && i < 4096; i++) {
		mt[i] = synth_pb_mt(p, 0, i);	/* map k = 0: the one at t = 0 */
		fp[i] = synth_pb_free(0, i);
	}
	if (!ret && p->nr_times > 2)
		ret = viz_pbmap_add(s, run, &m);
	return ret;
}

/* Reclaim and compaction over time: the kernel's (trace.*) in runs 1 and 2, the model's too in run 2. */
static int add_activity(struct viz_store *s, const struct synth *p, int64_t run, int model)
{
	static const char *const names[] = { "trace.kswapd_runs", "trace.kswapd_awake_ns",
					     "trace.pages_reclaimed", "trace.compaction_runs",
					     "trace.pages_migrated", "model.kswapd_runs",
					     "model.pages_reclaimed", "model.compaction_runs",
					     "model.pages_migrated" };
	int ret = 0;

	for (uint32_t i = 0; i < p->nr_times && !ret; i++) {
		int64_t v[9] = { i / 3, (synth_t(i) - synth_t(0)) / 2, 32 * i, i / 5, 7 * i,
				 i / 4, 64 * i, i / 6, 3 * i };

		ret = viz_counters_add(s, run, synth_t(i), names, v, model ? 9 : 5);
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct synth p = { .nr_pageblocks = 64 };
	struct bs_error err = { .text = "" };
	struct viz_store *s;
	uint32_t whatif_orders = 0;
	int64_t run;
	int newer = 0, extras = 0, activity = 0;

	if (argc < 6) {
		fprintf(stderr, "usage: viz_fill OUT.db TIMES ZONES ORDERS MIGRATETYPES [--newer]"
				" [--whatif-orders N] [--extras] [--activity]\n");
		return 2;
	}
	p.nr_times = (uint32_t)atoi(argv[2]);
	p.nr_zones = (uint32_t)atoi(argv[3]);
	p.nr_orders = (uint32_t)atoi(argv[4]);
	p.nr_mt = (uint32_t)atoi(argv[5]);
	for (int i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "--newer"))
			newer = 1;
		else if (!strcmp(argv[i], "--extras"))
			extras = 1;
		else if (!strcmp(argv[i], "--activity"))
			activity = 1;
		else if (!strcmp(argv[i], "--whatif-orders") && i + 1 < argc)
			whatif_orders = (uint32_t)atoi(argv[++i]);
		else
			return 2;
	}
	if (!p.nr_times || !p.nr_zones || p.nr_zones > 3 || p.nr_mt > 6 ||
	    whatif_orders > VIZ_MAX_ORDERS) {
		fprintf(stderr, "viz_fill: bad sizes\n");
		return 2;
	}
	s = viz_store_open(argv[1], VIZ_STORE_CREATE, &err);
	if (!s) {
		fprintf(stderr, "viz_fill: %s\n", err.text);
		return 1;
	}
	for (uint32_t v = 0; v < 3; v++) {
		struct synth q = p;

		q.variant = v;
		if (v == 1 && whatif_orders)
			q.nr_orders = whatif_orders;
		if (synth_fill(s, &q, v < 2 ? 1 : 0, &run) ||
		    (extras && v < 2 && add_extras(s, &q, run)) ||
		    (activity && v < 2 && add_activity(s, &q, run, v == 1))) {
			fprintf(stderr, "viz_fill: cannot write run %u\n", v + 1);
			return 1;
		}
	}
	if (viz_store_close(s))
		return 1;
	if (newer) {
		sqlite3 *db;

		if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		sqlite3_close(db);
	}
	return 0;
}
