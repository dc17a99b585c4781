// SPDX-License-Identifier: MIT
/*
 * Unit tests of the viz library: the store (schema, indexes, versions,
 * interrupted runs, merge), the grids behind every image (checked against
 * values computed here by a different method, or worked by hand), export
 * row counts, palettes and checksums against published values, and rendered
 * PNGs checked by size and a few probe pixels.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "harness.h"
#include "synth.h"
#include "tracefmt_gfp.h"
#include "viz.h"

static char tmpdir[256];

static void path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static struct viz_store *fresh_store(const char *name)
{
	char path[512], wal[560];
	struct viz_store *s;

	path_in_tmp(path, sizeof(path), name);
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	s = viz_store_open(path, VIZ_STORE_CREATE, NULL);
	REQUIRE(s);
	return s;
}

static int near(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= 1e-9 * (1 + fabs(b));
}

static void test_sha256(void)
{
	char hex[65];
	char *big = malloc(1000000);

	viz_sha256_hex("", 0, hex);
	CHECK(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	viz_sha256_hex("abc", 3, hex);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	viz_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	REQUIRE(big);
	memset(big, 'a', 1000000);
	viz_sha256_hex(big, 1000000, hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	free(big);
}

static int rgb_is(const double rgb[3], unsigned hex)
{
	return fabs(rgb[0] * 255 - ((hex >> 16) & 0xff)) < 0.5 &&
	       fabs(rgb[1] * 255 - ((hex >> 8) & 0xff)) < 0.5 && fabs(rgb[2] * 255 - (hex & 0xff)) < 0.5;
}

static void test_palette(void)
{
	double rgb[3];

	/* Published endpoints and midpoints of the maps. */
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0, rgb);
	CHECK(rgb_is(rgb, 0x440154));
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 1, rgb);
	CHECK(rgb_is(rgb, 0xfde725));
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0.5, rgb);
	CHECK(rgb_is(rgb, 0x21908c));
	viz_palette_rgb(VIZ_PALETTE_CIVIDIS, 0, rgb);
	CHECK(rgb_is(rgb, 0x00204d));
	viz_palette_rgb(VIZ_PALETTE_CIVIDIS, 1, rgb);
	CHECK(rgb_is(rgb, 0xffea46));
	viz_palette_rgb(VIZ_PALETTE_PUOR, 0.5, rgb);
	CHECK(rgb_is(rgb, 0xf7f7f7));
	/* Halfway between viridis anchors 0 (#440154) and 1 (#482576). */
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0.05, rgb);
	CHECK(fabs(rgb[0] * 255 - 70) < 1e-9 && fabs(rgb[1] * 255 - 19) < 1e-9 &&
	      fabs(rgb[2] * 255 - 101) < 1e-9);
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, NAN, rgb);
	CHECK(rgb_is(rgb, 0x440154));
	viz_migratetype_rgb(1, rgb);
	CHECK(rgb_is(rgb, 0x0072b2));
	/* log10(1 + 9) / log10(1 + 99) = 1 / 2 */
	CHECK(near(viz_heat_position(9, 99), 0.5));
	CHECK(near(viz_heat_position(0, 99), 0));
	CHECK(near(viz_heat_position(99, 99), 1));
	CHECK(near(viz_heat_position(5, 0), 0));
}

/* Hand-worked: 3 samples, 4 bins of 25 ns over [0, 99]. */
static void test_series_by_hand(void)
{
	struct viz_store *s = fresh_store("hand.db");
	static const char *const mts[] = { "Unmovable", "Movable" };
	struct viz_run_info info = { .trace_path = "t.bst", .mode = "shadow" };
	struct viz_zone_info zi = { .node = 0, .name = "Normal", .pageblock_order = 9,
				    .nr_orders = 2, .nr_migratetypes = 2,
				    .migratetype_names = mts };
	const int64_t times[] = { 0, 10, 60 };
	const uint32_t vals[] = { 10, 20, 7 };
	int32_t idx[2] = { -1000, 500 };
	uint64_t fails[2] = { 0, 0 };
	struct viz_series x;
	struct viz_grid g, g2, d;
	int64_t run;
	uint32_t z;

	REQUIRE(!viz_run_begin(s, &info, &run, NULL));
	REQUIRE(!viz_zone_add(s, run, &zi, &z, NULL));
	{
		int64_t a, b;

		CHECK(viz_run_time_range(s, run, &a, &b, NULL) == -ENODATA);
		CHECK(viz_run_time_range(s, run, &a, &b, &(uint64_t){ 0 }) == -ENODATA);
	}
	for (int i = 0; i < 3; i++) {
		uint32_t fb[4] = { 0, vals[i], 1, 1 };	/* order 0 Movable = vals[i] */
		struct viz_sample x1 = { .t_ns = times[i], .zone_idx = z, .free_blocks = fb,
					 .nr_free_pages = 100 * (i + 1), .frag_index = idx,
					 .unusable_index = idx, .failures = fails,
					 .fallbacks = (uint64_t)i + 1 };

		fails[1] = (uint64_t)i * 4;
		CHECK_EQ_U64(viz_sample_add(s, run, &x1), 0);
	}
	REQUIRE(!viz_run_finish(s, run, VIZ_RUN_COMPLETE, NULL, 1));
	REQUIRE(!viz_series_load(s, run, z, 0, 99, 4, &x));
	CHECK_EQ_U64(x.nr_samples, 3);
	REQUIRE(!viz_grid_heatmap(&x, 1, &g));
	CHECK_EQ_U64(g.nx, 4);
	CHECK_EQ_U64(g.ny, 2);
	/* bin 0: mean(10, 20) = 15; bin 1 empty: carried; bins 2, 3: 7. */
	CHECK(near(g.v[0], 15) && near(g.v[1], 15) && near(g.v[2], 7) && near(g.v[3], 7));
	CHECK(near(g.v[4], 1) && near(g.v[7], 1));	/* order 1 row */
	/* Gauges average, counters keep the last value of the bin. */
	CHECK(near(x.nr_free_pages[0], 150) && near(x.nr_free_pages[1], 150));
	CHECK(near(x.fallbacks[0], 2) && near(x.fallbacks[3], 3));
	CHECK(near(x.failures[0 * 2 + 1], 4) && near(x.failures[2 * 2 + 1], 8));
	CHECK(near(x.frag_index[0], -1) && near(x.frag_index[1], 0.5));
	viz_series_release(&x);

	/* A window that starts before the first sample: leading bins are NaN. */
	REQUIRE(!viz_series_load(s, run, z, -100, 99, 8, &x));
	REQUIRE(!viz_grid_heatmap(&x, 1, &g2));
	CHECK(isnan(g2.v[0]) && isnan(g2.v[3]) && near(g2.v[4], 15) && near(g2.v[7], 7));
	CHECK(viz_grid_heatmap(&x, 2, &d) == -EINVAL);
	viz_series_release(&x);

	/* Differences: other - base, NaN where either is NaN. */
	g2.nx = 4;
	for (int i = 0; i < 4; i++)
		g2.v[i] = i == 2 ? NAN : 100;
	g2.ny = 1;
	g.ny = 1;
	REQUIRE(!viz_grid_diff(&g, &g2, &d));
	CHECK(near(d.v[0], 85) && near(d.v[1], 85) && isnan(d.v[2]) && near(d.v[3], 93));
	viz_grid_release(&d);
	viz_grid_release(&g);
	viz_grid_release(&g2);
	viz_store_close(s);
}

/*
 * Expected heatmap of a synthetic zone, computed by walking bin boundaries
 * (bin b starts at t0 + ceil(b * span / n)) rather than dividing each time.
 */
static double *expected_heatmap(const struct synth *p, uint32_t z, uint32_t mt, uint32_t nb)
{
	int64_t t0 = synth_t(0), t1 = synth_t(p->nr_times - 1), span = t1 - t0 + 1;
	double *v = calloc((size_t)nb * p->nr_orders, sizeof(double));
	uint32_t i = 0;

	for (uint32_t b = 0; b < nb; b++) {
		int64_t end = t0 + ((int64_t)(b + 1) * span + nb - 1) / nb;
		uint32_t first = i;

		while (i < p->nr_times && synth_t(i) < end)
			i++;
		for (uint32_t o = 0; o < p->nr_orders; o++) {
			double sum = 0;

			if (i == first) {
				v[(size_t)o * nb + b] = v[(size_t)o * nb + b - 1];
				continue;
			}
			for (uint32_t k = first; k < i; k++)
				sum += synth_fb(p, k, z, o, mt);
			v[(size_t)o * nb + b] = sum / (i - first);
		}
	}
	return v;
}

static void test_series_synthetic(void)
{
	struct synth p = { .nr_times = 50, .nr_zones = 2, .nr_orders = 11, .nr_mt = 4 };
	struct viz_store *s = fresh_store("synth.db");
	int64_t run, t0, t1;
	uint64_t n;
	const uint32_t nbs[] = { 7, 50, 770 };

	REQUIRE(!synth_fill(s, &p, 1, &run));
	REQUIRE(!viz_run_time_range(s, run, &t0, &t1, &n));
	CHECK_EQ_U64(n, 100);
	CHECK_EQ_U64(t0, synth_t(0));
	CHECK_EQ_U64(t1, synth_t(49));
	{
		int64_t u0 = -1, u1 = -1;	/* the index-probe path, without a count */

		REQUIRE(!viz_run_time_range(s, run, &u0, &u1, NULL));
		CHECK(u0 == t0 && u1 == t1);
	}
	for (size_t k = 0; k < 3; k++) {
		for (uint32_t z = 0; z < 2; z++) {
			struct viz_series x;
			int bad = 0;

			REQUIRE(!viz_series_load(s, run, z, t0, t1, nbs[k], &x));
			for (uint32_t mt = 0; mt < 4; mt++) {
				struct viz_grid g;
				double *e = expected_heatmap(&p, z, mt, nbs[k]);

				REQUIRE(!viz_grid_heatmap(&x, mt, &g));
				for (size_t c = 0; c < (size_t)g.nx * g.ny; c++)
					bad += !near(g.v[c], e[c]);
				free(e);
				viz_grid_release(&g);
			}
			CHECK_EQ_U64(bad, 0);
			viz_series_release(&x);
		}
	}
	viz_store_close(s);
}

static void test_pbgrid(void)
{
	uint8_t mt[10] = { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1 };
	uint16_t fp[10] = { 0, 512, 256, 0, 0, 0, 0, 0, 0, 128 };
	struct viz_pbmap m = { .nr_pageblocks = 10, .pageblock_pages = 512, .migratetype = mt,
			       .free_pages = fp };
	struct viz_pbgrid g;

	/* ceil(sqrt(2 * 10)) = 5 columns, 2 rows. */
	REQUIRE(!viz_pbgrid_layout(&m, 0, &g));
	CHECK_EQ_U64(g.cols, 5);
	CHECK_EQ_U64(g.rows, 2);
	CHECK(g.mt[6] == 2 && near(g.free_frac[1], 1) && near(g.free_frac[2], 0.5) &&
	      near(g.free_frac[9], 0.25));
	viz_pbgrid_release(&g);
	REQUIRE(!viz_pbgrid_layout(&m, 4, &g));
	CHECK_EQ_U64(g.rows, 3);
	CHECK(g.mt[10] == 255 && isnan(g.free_frac[11]) && g.mt[9] == 1);
	viz_pbgrid_release(&g);
}

static void test_attribution_fidelity(void)
{
	struct synth p = { .nr_times = 25, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3,
			   .nr_pageblocks = 30 };
	struct viz_store *s = fresh_store("attr.db");
	struct viz_attr_row *rows;
	struct viz_fidelity_row *fid;
	struct viz_pbmap m;
	int64_t run, *times;
	size_t n;

	REQUIRE(!synth_fill(s, &p, 1, &run));
	REQUIRE(!viz_attribution_top(s, run, VIZ_ATTR_BY_ALLOCATIONS, 2, &rows, &n));
	CHECK_EQ_U64(n, 2);
	/* stress-ng's two additions sum: 9000 + 1000 allocations, 17 + 3 failures. */
	CHECK(!strcmp(rows[0].comm, "stress-ng") && rows[0].allocations == 10000 &&
	      rows[0].failures == 20 && rows[0].pid == 4242 && rows[0].gfp_flags == 0x140dca);
	CHECK(!strcmp(rows[1].comm, "cc1"));
	free(rows);
	REQUIRE(!viz_attribution_top(s, run, VIZ_ATTR_BY_FAILURES, 10, &rows, &n));
	CHECK_EQ_U64(n, 2);	/* kworker had no failures: left out */
	free(rows);
	REQUIRE(!viz_attribution_top(s, run, VIZ_ATTR_BY_EXTFRAG, 10, &rows, &n));
	CHECK(n == 3 && rows[0].extfrag == 120 && rows[2].extfrag == 3);
	free(rows);
	/* An unknown rate (NaN) is kept as unknown, not as a number. */
	REQUIRE(!viz_fidelity_add(s, run, synth_t(24) + 1, 0.5, NAN));
	REQUIRE(!viz_fidelity_get(s, run, &fid, &n));
	CHECK_EQ_U64(n, 4);	/* times 0, 10, 20, and the one above */
	CHECK(fid[1].t_ns == synth_t(10) && near(fid[1].distance, 0.03));
	CHECK(near(fid[3].distance, 0.5) && isnan(fid[3].pfn_rate));
	free(fid);
	REQUIRE(!viz_pbmap_times(s, run, 0, &times, &n));
	CHECK(n == 2 && times[0] == 0 && times[1] == synth_t(24));
	REQUIRE(!viz_pbmap_get(s, run, 0, times[1], &m));
	CHECK(m.nr_pageblocks == 30 && m.migratetype[7] == synth_pb_mt(&p, 1, 7) &&
	      m.free_pages[7] == synth_pb_free(1, 7) && m.free_pages[15] == 512);
	viz_pbmap_release(&m);
	free(times);
	viz_store_close(s);
}

/* The plan SQLite picks for a query mentions the index we expect. */
static int plan_uses(sqlite3 *db, const char *sql, const char *index)
{
	char q[600];
	sqlite3_stmt *st;
	int found = 0;

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3), index))
			found = 1;
	sqlite3_finalize(st);
	return found;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Text long enough for SQLite to read a 100-byte header of, and refuse. */
static void write_not_a_database(const char *path)
{
	FILE *f = fopen(path, "w");

	REQUIRE(f);
	fputs("this is not a database, just some text that is long enough to have a "
	      "header of one hundred bytes, which SQLite reads first...........",
	      f);
	fclose(f);
}

static void test_schema(void)
{
	struct synth p = { .nr_times = 5, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3 };
	struct viz_store *s = fresh_store("schema.db");
	char path[512];
	sqlite3 *db;
	int64_t run;
	sqlite3_stmt *st;
	struct viz_error err;
	const char *tables[] = { "runs", "zones", "samples", "pbmaps", "fidelity", "events",
				 "attribution", "reports", "meta" };

	REQUIRE(!synth_fill(s, &p, 1, &run));
	viz_store_close(s);
	path_in_tmp(path, sizeof(path), "schema.db");
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char q[200];

		snprintf(q, sizeof(q), "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
				       " AND name = '%s'", tables[i]);
		CHECK_EQ_U64(query_int(db, q), 1);
	}
	CHECK_EQ_U64(query_int(db, "PRAGMA user_version"), VIZ_SCHEMA_VERSION);
	REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK(!strcmp((const char *)sqlite3_column_text(st, 0), "wal"));
	sqlite3_finalize(st);
	/* The queries users run, each served by an index. */
	CHECK(plan_uses(db, "SELECT t_ns, free_blocks FROM samples WHERE run_id = 1 AND"
			    " zone_idx = 0 ORDER BY t_ns", "samples_by_zone_time"));
	/* ... in time order as stored: no sorting step. */
	CHECK(!plan_uses(db, "SELECT t_ns, free_blocks FROM samples WHERE run_id = 1 AND"
			     " zone_idx = 0 ORDER BY t_ns", "TEMP B-TREE"));
	CHECK(plan_uses(db, "SELECT id FROM runs WHERE trace_sha256 = 'x' ORDER BY started_ms",
			"runs_by_trace"));
	CHECK(plan_uses(db, "SELECT a.t_ns, a.free_blocks, b.free_blocks FROM samples a JOIN"
			    " samples b ON b.run_id = 2 AND b.zone_idx = a.zone_idx AND"
			    " b.t_ns = a.t_ns WHERE a.run_id = 1 AND a.zone_idx = 0",
			"samples_by_zone_time (run_id=? AND zone_idx=? AND t_ns=?)"));
	CHECK(plan_uses(db, "SELECT kind, count(*) FROM events WHERE run_id = 1 GROUP BY kind",
			"events_by_kind"));
	CHECK(plan_uses(db, "SELECT * FROM reports WHERE run_id = 1 AND kind = 'heatmap'",
			"reports_by_run"));
	CHECK_EQ_U64(query_int(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 1);

	/* A store from a newer buddyscope is refused with a clear error. */
	REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	memset(&err, 0, sizeof(err));
	errno = 0;
	CHECK(!viz_store_open(path, 0, &err));
	CHECK(errno == EPROTONOSUPPORT);
	CHECK_STR_CONTAINS(err.text, "newer buddyscope");
	CHECK_STR_CONTAINS(err.text, "schema.db");

	/* An SQLite file of some other program, and a file that is not SQLite. */
	path_in_tmp(path, sizeof(path), "foreign.db");
	unlink(path);
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK(!viz_store_open(path, VIZ_STORE_CREATE, &err));
	CHECK_STR_CONTAINS(err.text, "not a buddyscope run store");
	path_in_tmp(path, sizeof(path), "garbage.db");
	write_not_a_database(path);
	CHECK(!viz_store_open(path, 0, &err));
	CHECK_STR_CONTAINS(err.text, "garbage.db");
}

/* A writer killed mid-run: the store stays valid and the run says so. */
static void test_interrupted(void)
{
	char path[512];
	struct viz_store *s = fresh_store("killed.db");
	struct viz_run r;
	pid_t pid;
	int status;
	sqlite3 *db;
	sqlite3_stmt *st;

	viz_store_close(s);
	path_in_tmp(path, sizeof(path), "killed.db");
	pid = fork();
	REQUIRE(pid >= 0);
	if (!pid) {
		struct synth p = { .nr_times = 5000, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3 };
		uint32_t fb[33] = { 0 };
		int32_t idx[11] = { 0 };
		uint64_t fl[11] = { 0 };
		int64_t run;

		s = viz_store_open(path, 0, NULL);
		if (!s || synth_fill(s, &p, 0, &run) || viz_store_flush(s))
			_exit(3);
		/* 100 more samples in an open transaction, then die hard. */
		for (int i = 0; i < 100; i++) {
			struct viz_sample x = { .t_ns = 1000000000000LL + i, .free_blocks = fb,
						.frag_index = idx, .unusable_index = idx,
						.failures = fl };

			if (viz_sample_add(s, run, &x))
				_exit(4);
		}
		raise(SIGKILL);
		_exit(5);
	}
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK);
	REQUIRE(sqlite3_step(st) == SQLITE_ROW);
	CHECK(!strcmp((const char *)sqlite3_column_text(st, 0), "ok"));
	sqlite3_finalize(st);
	/* Exactly the flushed samples survive; the unflushed 100 do not. */
	CHECK_EQ_U64(query_int(db, "SELECT count(*) FROM samples"), 5000);
	CHECK_EQ_U64(query_int(db, "SELECT count(*) FROM runs WHERE status = 'incomplete'"), 1);
	sqlite3_close(db);
	s = viz_store_open(path, 0, NULL);
	REQUIRE(s);
	REQUIRE(!viz_run_get(s, 1, &r));
	CHECK(r.status == VIZ_RUN_INCOMPLETE && !r.summary_json && !r.finished_unix_ms);
	viz_run_release(&r);
	viz_store_close(s);
}

static uint64_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	uint64_t n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void test_export_merge(void)
{
	struct synth pa = { .nr_times = 13, .nr_zones = 2, .nr_orders = 11, .nr_mt = 4 };
	struct synth pb = { .nr_times = 7, .nr_zones = 1, .nr_orders = 10, .nr_mt = 3,
			    .variant = 1, .nr_pageblocks = 20 };
	struct viz_store *a = fresh_store("shard-a.db"), *b = fresh_store("shard-b.db"), *m;
	char path[512], pa_path[512], pb_path[512], line[512];
	int64_t ra, rb, rb2, *ids;
	uint64_t rows;
	size_t n, copied;
	FILE *f;

	REQUIRE(!synth_fill(a, &pa, 1, &ra));
	REQUIRE(!synth_fill(b, &pb, 1, &rb));
	/* another variant: an interrupted run of the same settings would be a duplicate */
	REQUIRE(!synth_fill(b, &(struct synth){ .nr_times = 7, .nr_zones = 1, .nr_orders = 10,
						.nr_mt = 3, .variant = 2, .nr_pageblocks = 20 },
			    2, &rb2));

	path_in_tmp(path, sizeof(path), "export.csv");
	f = fopen(path, "w");
	REQUIRE(f);
	CHECK(!viz_export_write(a, ra, VIZ_EXPORT_CSV, f, &rows, NULL));
	fclose(f);
	/* times x zones x orders x migratetypes, plus the header line. */
	CHECK_EQ_U64(rows, 13 * 2 * 11 * 4);
	CHECK_EQ_U64(count_lines(path), 13 * 2 * 11 * 4 + 1);
	f = fopen(path, "r");
	REQUIRE(f && fgets(line, sizeof(line), f));
	CHECK_STR_CONTAINS(line, "run_id,t_ns,node,zone,order,migratetype,free_blocks");
	/* Row 2 + (order 2 * 4 + mt 1): zone 0 (DMA32), time 0, order 2, Movable. */
	for (int i = 0; i < 2 * 4 + 1 + 1; i++)
		REQUIRE(fgets(line, sizeof(line), f));
	fclose(f);
	{
		char want[128];

		snprintf(want, sizeof(want), "1,0,0,DMA32,2,Movable,%u,200000,1000,1250,1500,0,%s",
			 synth_fb(&pa, 0, 0, 2, 1), "0.074,0.180,0,0,0,0");
		CHECK_STR_CONTAINS(line, want);
	}
	path_in_tmp(path, sizeof(path), "export.json");
	f = fopen(path, "w");
	REQUIRE(f);
	CHECK(!viz_export_write(b, 0, VIZ_EXPORT_JSON, f, &rows, NULL));
	fclose(f);
	CHECK_EQ_U64(rows, 2 * 7);
	CHECK(viz_export_write(b, 42, VIZ_EXPORT_CSV, stderr, &rows, NULL) == -ENOENT);

	viz_store_close(a);
	viz_store_close(b);
	path_in_tmp(pa_path, sizeof(pa_path), "shard-a.db");
	path_in_tmp(pb_path, sizeof(pb_path), "shard-b.db");
	m = fresh_store("merged.db");
	CHECK(!viz_store_merge(m, pa_path, &copied, NULL));
	CHECK_EQ_U64(copied, 1);
	CHECK(!viz_store_merge(m, pb_path, &copied, NULL));
	CHECK_EQ_U64(copied, 2);
	CHECK(!viz_store_merge(m, pb_path, &copied, NULL));	/* again: nothing new */
	CHECK_EQ_U64(copied, 0);
	REQUIRE(!viz_run_ids(m, &ids, &n));
	CHECK_EQ_U64(n, 3);
	if (n == 3) {
		struct viz_run r;
		struct viz_zone *zones;
		size_t nz;
		int64_t t0, t1;
		uint64_t ns;

		CHECK(!viz_run_get(m, ids[2], &r));
		CHECK(r.status == VIZ_RUN_INTERRUPTED && !strcmp(r.mode, "whatif"));
		viz_run_release(&r);
		CHECK(!viz_zones_get(m, ids[1], &zones, &nz));
		CHECK(nz == 1 && zones[0].nr_orders == 10 && zones[0].nr_migratetypes == 3 &&
		      !strcmp(zones[0].mt_names[2], "Reclaimable"));
		free(zones);
		CHECK(!viz_run_time_range(m, ids[0], &t0, &t1, &ns));
		CHECK_EQ_U64(ns, 13 * 2);
		CHECK(!viz_run_time_range(m, ids[2], &t0, &t1, &ns));
		CHECK_EQ_U64(ns, 7);
	}
	free(ids);
	path_in_tmp(path, sizeof(path), "garbage.db");
	write_not_a_database(path);
	CHECK(viz_store_merge(m, path, &copied, NULL) < 0);
	viz_store_close(m);
}

/* The number of runs in the store file @path (0 when it cannot be read). */
static int64_t runs_in(const char *path)
{
	sqlite3 *db;
	int64_t n = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		n = query_int(db, "SELECT count(*) FROM runs");
	sqlite3_close(db);
	return n;
}

/* A sweep point's run: complete, with its grid index. */
static void sweep_point_store(const char *name, const char *settings, int64_t index)
{
	struct viz_store *s = fresh_store(name);
	struct viz_run_info info = {
		.trace_path = "t.bst", .mode = "whatif", .settings_json = settings,
		.trace_sha256 = "ab", .grid = "max-order=10,11", .grid_index = index,
	};
	int64_t run;

	REQUIRE(!viz_run_begin(s, &info, &run, NULL));
	REQUIRE(!viz_run_finish(s, run, VIZ_RUN_COMPLETE, "{}", 1764000000000LL));
	viz_store_close(s);
}

/*
 * Merging shards: a shard that ran twice (new uuids, same trace, mode and
 * settings) adds nothing; the grid index survives; a bad source or an
 * existing destination that is not a store leaves the destination as it was.
 */
static void test_merge_dedup(void)
{
	char p0[512], p1[512], again[512], bad[512], out[512], fresh[512];
	const char *srcs[3];
	size_t staged[3], copied = 99;
	struct viz_error err = { "" };
	struct viz_store *m;
	struct viz_run r;
	int64_t *ids = NULL;
	size_t n = 0;

	sweep_point_store("point0.db", "{\"max_order\": 10}", 0);
	sweep_point_store("point1.db", "{\"max_order\": 11}", 1);
	sweep_point_store("point1-again.db", "{\"max_order\": 11}", 1);
	path_in_tmp(p0, sizeof(p0), "point0.db");
	path_in_tmp(p1, sizeof(p1), "point1.db");
	path_in_tmp(again, sizeof(again), "point1-again.db");
	path_in_tmp(bad, sizeof(bad), "garbage.db");
	write_not_a_database(bad);
	path_in_tmp(out, sizeof(out), "dedup-out.db");
	unlink(out);

	srcs[0] = p0, srcs[1] = p1, srcs[2] = again;
	CHECK(!viz_store_merge_files(out, srcs, 3, staged, &copied, &err));
	CHECK_EQ_U64(copied, 2);
	CHECK(staged[0] == 1 && staged[1] == 1 && staged[2] == 0);
	srcs[0] = again;
	CHECK(!viz_store_merge_files(out, srcs, 1, staged, &copied, &err));
	CHECK_EQ_U64(copied, 0);
	CHECK_EQ_U64(runs_in(out), 2);
	m = viz_store_open(out, VIZ_STORE_READONLY, NULL);
	REQUIRE(m);
	REQUIRE(!viz_run_ids(m, &ids, &n) && n == 2);
	CHECK(!viz_run_get(m, ids[1], &r));
	CHECK(r.grid_index == 1 && r.grid && !strcmp(r.grid, "max-order=10,11"));
	viz_run_release(&r);
	free(ids);
	viz_store_close(m);

	/* A bad source, last: nothing is written, to a new or an existing store. */
	path_in_tmp(fresh, sizeof(fresh), "never-made.db");
	unlink(fresh);
	srcs[0] = p0, srcs[1] = bad;
	CHECK(viz_store_merge_files(fresh, srcs, 2, NULL, NULL, &err) < 0);
	CHECK_STR_CONTAINS(err.text, "garbage.db");
	CHECK(access(fresh, F_OK) && errno == ENOENT);
	sweep_point_store("point2.db", "{\"max_order\": 12}", 2);
	path_in_tmp(p0, sizeof(p0), "point2.db");
	srcs[0] = p0;
	CHECK(viz_store_merge_files(out, srcs, 2, NULL, NULL, &err) < 0);
	CHECK_EQ_U64(runs_in(out), 2);
	/* ... and an existing destination that is not a store is refused as it is. */
	srcs[0] = p0;
	CHECK(viz_store_merge_files(bad, srcs, 1, NULL, NULL, &err) < 0);
	CHECK_STR_CONTAINS(err.text, "garbage.db");
	{
		DIR *d = opendir(tmpdir);
		struct dirent *e;
		int stray = 0;

		REQUIRE(d);
		while ((e = readdir(d)))
			stray += strstr(e->d_name, ".tmp") != NULL;
		closedir(d);
		CHECK(stray == 0);	/* no staging store left behind */
	}
}

/* A schema-2 store (no grid columns) is read as it is and upgraded by a writer. */
static void test_schema2_store(void)
{
	struct synth p = { .nr_times = 3, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3 };
	struct viz_store *s = fresh_store("v2.db");
	char path[512], merged[512];
	const char *srcs[1];
	struct viz_run r;
	sqlite3 *db;
	int64_t run;
	size_t copied = 0;

	REQUIRE(!synth_fill(s, &p, 1, &run));
	viz_store_close(s);
	path_in_tmp(path, sizeof(path), "v2.db");
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	REQUIRE(sqlite3_exec(db, "ALTER TABLE runs DROP COLUMN grid; ALTER TABLE runs DROP COLUMN"
				 " grid_index; PRAGMA user_version = 2;",
			     NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);

	s = viz_store_open(path, VIZ_STORE_READONLY, NULL);
	REQUIRE(s);
	CHECK(!viz_run_get(s, run, &r));
	CHECK(!r.grid && r.grid_index == -1 && r.status == VIZ_RUN_COMPLETE);
	viz_run_release(&r);
	viz_store_close(s);

	path_in_tmp(merged, sizeof(merged), "from-v2.db");
	unlink(merged);
	srcs[0] = path;
	CHECK(!viz_store_merge_files(merged, srcs, 1, NULL, &copied, NULL));
	CHECK_EQ_U64(copied, 1);

	s = viz_store_open(path, 0, NULL);	/* a writer upgrades it */
	REQUIRE(s);
	viz_store_close(s);
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK_EQ_U64(query_int(db, "PRAGMA user_version"), VIZ_SCHEMA_VERSION);
	CHECK_EQ_U64(query_int(db, "SELECT count(*) FROM pragma_table_info('runs')"
				   " WHERE name IN ('grid', 'grid_index')"), 2);
	sqlite3_close(db);
}

/* Pixel (x, y) of a PNG as 0xRRGGBB. */
static unsigned png_pixel(cairo_surface_t *img, int x, int y)
{
	unsigned char *d = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img);

	return *(uint32_t *)(void *)(d + (size_t)y * stride + (size_t)x * 4) & 0xffffff;
}

static int close_to(unsigned got, unsigned want)
{
	for (int sh = 0; sh <= 16; sh += 8)
		if (abs((int)((got >> sh) & 0xff) - (int)((want >> sh) & 0xff)) > 2)
			return 0;
	return 1;
}

static const struct viz_figure *find_fig(const struct viz_report_result *res, const char *name)
{
	for (size_t i = 0; i < res->nr_figures; i++)
		if (!strcmp(res->figures[i].name, name))
			return &res->figures[i];
	return NULL;
}

static void test_report_png(void)
{
	struct synth p = { .nr_times = 60, .nr_zones = 2, .nr_orders = 11, .nr_mt = 4,
			   .nr_pageblocks = 100 };
	struct synth q = p;
	struct viz_store *s = fresh_store("report.db");
	struct viz_report_result res;
	struct viz_error err = { "" };
	struct viz_report_opts o = { 0 };
	char dir[512], path[600];
	const struct viz_figure *f;
	int64_t ra, rb;

	q.variant = 1;
	REQUIRE(!synth_fill(s, &p, 1, &ra));
	REQUIRE(!synth_fill(s, &q, 1, &rb));
	path_in_tmp(dir, sizeof(dir), "report");
	o.out_dir = dir;
	o.formats = VIZ_FORMAT_PNG | VIZ_FORMAT_SVG;
	o.compare_base = ra;
	o.compare_other = rb;
	if (viz_report_write(s, &o, &res, &err))
		fprintf(stderr, "report: %s\n", err.text);
	REQUIRE(res.nr_figures);
	/* Per run: 2 zones x (heatmap + indices) + 2 memory maps + fidelity +
	 * attribution = 8; comparison: 2 zones x 2; all in 2 formats + index. */
	CHECK_EQ_U64(res.nr_figures, 2 * 8 + 4);
	CHECK_EQ_U64(res.nr_files, (2 * 8 + 4) * 2 + 1);

	/* Heatmap of run 1, zone 0: probe the cells with the panel's max and a 0. */
	f = find_fig(&res, "run1-heatmap-z0");
	REQUIRE(f);
	CHECK_EQ_U64(f->nr_panels, 4);
	snprintf(path, sizeof(path), "%s/run1-heatmap-z0.png", dir);
	{
		cairo_surface_t *img = cairo_image_surface_create_from_png(path);
		uint32_t nb = (uint32_t)f->plot[1].w;
		double *e = expected_heatmap(&p, 0, 1, nb), vmax = 0;
		size_t imax = 0, izero = SIZE_MAX;

		REQUIRE(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
		CHECK_EQ_U64(cairo_image_surface_get_width(img), f->width);
		CHECK_EQ_U64(cairo_image_surface_get_height(img), f->height);
		for (size_t c = 0; c < (size_t)nb * 11; c++) {
			if (e[c] > vmax)
				vmax = e[c], imax = c;
			if (e[c] == 0 && izero == SIZE_MAX)
				izero = c;
		}
		REQUIRE(izero != SIZE_MAX);
		for (int k = 0; k < 2; k++) {
			size_t c = k ? izero : imax;
			uint32_t o = (uint32_t)(c / nb), b = (uint32_t)(c % nb);
			double ch = f->plot[1].h / 11;
			int x = (int)(f->plot[1].x + b), y = (int)(f->plot[1].y + (10 - o) * ch + ch / 2);
			unsigned px = png_pixel(img, x, y);

			/* max -> top of viridis, 0 -> bottom */
			if (!close_to(px, k ? 0x440154 : 0xfde725))
				fprintf(stderr, "probe %d at %d,%d: %06x\n", k, x, y, px);
			CHECK(close_to(px, k ? 0x440154 : 0xfde725));
		}
		/* Margin stays white. */
		CHECK_EQ_U64(png_pixel(img, 3, f->height - 3), 0xffffff);
		free(e);
		cairo_surface_destroy(img);
	}

	/* Memory map at the end: full Movable blocks in pure Okabe-Ito blue,
	 * completely free ones shaded 85% towards white. */
	f = find_fig(&res, "run1-memmap-z0-1");
	REQUIRE(f);
	snprintf(path, sizeof(path), "%s/run1-memmap-z0-1.png", dir);
	{
		cairo_surface_t *img = cairo_image_surface_create_from_png(path);
		/* 100 pageblocks: ceil(sqrt(200)) = 15 per row */
		double cs = f->plot[0].w / 15;
		unsigned pale = (unsigned)lround(0x00 + (255 - 0x00) * 0.85) << 16 |
				(unsigned)lround(0x72 + (255 - 0x72) * 0.85) << 8 |
				(unsigned)lround(0xb2 + (255 - 0xb2) * 0.85);
		int k;

		REQUIRE(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
		CHECK(fabs(f->plot[0].h - 7 * cs) < 1e-6);
		/* pageblock 20: row 1, col 5, mt 1, no free page */
		k = 20;
		CHECK(close_to(png_pixel(img, (int)(f->plot[0].x + (k % 15) * cs + cs / 2 - 0.5),
					 (int)(f->plot[0].y + (k / 15) * cs + cs / 2 - 0.5)),
			       0x0072b2));
		/* pageblock 25: all 512 pages free; migratetype (25 + 1) % 4 = 2 */
		{
			unsigned green = 0x009e73;
			unsigned want = 0;

			for (int sh = 16; sh >= 0; sh -= 8) {
				unsigned ch = (green >> sh) & 0xff;

				want |= (unsigned)lround(ch + (255 - ch) * 0.85) << sh;
			}
			k = 25;
			CHECK(close_to(png_pixel(img, (int)(f->plot[0].x + (k % 15) * cs + cs / 2),
						 (int)(f->plot[0].y + (k / 15) * cs + cs / 2)),
				       want));
		}
		(void)pale;
		cairo_surface_destroy(img);
	}

	/* The reports table indexes every file with its real size and checksum. */
	{
		char db[512];
		sqlite3 *h;
		sqlite3_stmt *st;
		int rows = 0, good = 0;

		viz_store_flush(s);
		path_in_tmp(db, sizeof(db), "report.db");
		REQUIRE(sqlite3_open(db, &h) == SQLITE_OK);
		REQUIRE(sqlite3_prepare_v2(h, "SELECT path, format, width, height, sha256, kind"
					      " FROM reports", -1, &st, NULL) == SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *fp = (const char *)sqlite3_column_text(st, 0);
			FILE *fh = fopen(fp, "rb");
			char hex[65];
			char *buf;
			long len;

			rows++;
			if (!fh)
				continue;
			fseek(fh, 0, SEEK_END);
			len = ftell(fh);
			fseek(fh, 0, SEEK_SET);
			buf = malloc((size_t)len + 1);
			if (buf && fread(buf, 1, (size_t)len, fh) == (size_t)len) {
				viz_sha256_hex(buf, (size_t)len, hex);
				good += !strcmp(hex, (const char *)sqlite3_column_text(st, 4));
			}
			free(buf);
			fclose(fh);
		}
		sqlite3_finalize(st);
		CHECK_EQ_U64(rows, res.nr_files);
		CHECK_EQ_U64(good, res.nr_files);
		CHECK_EQ_U64(query_int(h, "SELECT count(*) FROM reports WHERE kind = 'compare-heatmap'"
					  " AND base_run_id = 1 AND run_id = 2"), 4);
		sqlite3_close(h);
	}
	viz_report_result_release(&res);

	/* Rendering again replaces rows instead of piling them up. */
	o.compare_base = o.compare_other = 0;
	o.formats = VIZ_FORMAT_PNG;
	CHECK(!viz_report_write(s, &o, &res, NULL));
	viz_report_result_release(&res);
	{
		char db[512];
		sqlite3 *h;

		viz_store_flush(s);
		path_in_tmp(db, sizeof(db), "report.db");
		REQUIRE(sqlite3_open(db, &h) == SQLITE_OK);
		CHECK_EQ_U64(query_int(h, "SELECT count(*) FROM reports"), (2 * 8 + 4) * 2 + 1);
		sqlite3_close(h);
	}
	o.run_ids = (int64_t[]){ 99 };
	o.nr_runs = 1;
	CHECK(viz_report_write(s, &o, &res, &err) == -ENOENT);
	CHECK_STR_CONTAINS(err.text, "no run 99");
	viz_store_close(s);
}

/* A damaged store is reported, not read past its end or drawn as garbage. */
static void test_damaged(void)
{
	struct synth p = { .nr_times = 4, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3,
			   .nr_pageblocks = 10 };
	struct viz_store *s = fresh_store("damaged.db");
	struct viz_report_opts o = { .formats = VIZ_FORMAT_PNG };
	struct viz_error err = { "" };
	struct viz_series x;
	struct viz_pbmap m;
	char path[512], dir[512];
	uint64_t rows;
	sqlite3 *db;
	int64_t run;
	FILE *f;

	REQUIRE(!synth_fill(s, &p, 1, &run));
	viz_store_close(s);
	path_in_tmp(path, sizeof(path), "damaged.db");
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	/* One sample's free blocks cut to 3 bytes; one map's blob cut short. */
	REQUIRE(sqlite3_exec(db, "UPDATE samples SET free_blocks = x'818181' WHERE t_ns = "
				 "(SELECT max(t_ns) FROM samples);"
				 "UPDATE pbmaps SET data = substr(data, 1, 7) WHERE t_ns = 0",
			     NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	s = viz_store_open(path, 0, NULL);
	REQUIRE(s);
	CHECK(viz_series_load(s, run, 0, 0, synth_t(3), 4, &x) == -EINVAL);
	CHECK(viz_pbmap_get(s, run, 0, 0, &m) == -EINVAL);
	path_in_tmp(dir, sizeof(dir), "damaged-report");
	o.out_dir = dir;
	CHECK(viz_report_write(s, &o, NULL, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "damaged.db");
	/* every export format refuses the damaged sample and names it */
	for (int fmt = VIZ_EXPORT_CSV; fmt <= VIZ_EXPORT_OPENMETRICS; fmt++) {
		path_in_tmp(dir, sizeof(dir), "damaged.export");
		f = fopen(dir, "w");
		REQUIRE(f);
		err.text[0] = '\0';
		CHECK(viz_export_write(s, run, (enum viz_export_format)fmt, f, &rows, &err) ==
		      -EINVAL);
		CHECK_STR_CONTAINS(err.text, "damaged sample");
		fclose(f);
	}
	viz_store_close(s);
}

/*
 * The smallest runs: one sample (t0 == t1) and zones of a few pageblocks.
 * Axes with fewer units than ticks once looped forever here.
 */
static void test_report_tiny(void)
{
	struct viz_store *s = fresh_store("tiny.db");
	struct viz_report_opts o = { .formats = VIZ_FORMAT_PNG | VIZ_FORMAT_SVG };
	struct viz_report_result res;
	struct viz_error err = { "" };
	char dir[512];
	int64_t run;

	for (uint32_t pbs = 1; pbs <= 8; pbs *= 2) {
		struct synth p = { .nr_times = 1, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3,
				   .nr_pageblocks = pbs };

		REQUIRE(!synth_fill(s, &p, 1, &run));
	}
	path_in_tmp(dir, sizeof(dir), "tiny-report");
	o.out_dir = dir;
	o.compare_base = 1;
	o.compare_other = 4;
	/* Run 5 has one order fewer (a what-if of max-order): still comparable. */
	{
		struct synth p = { .nr_times = 3, .nr_zones = 1, .nr_orders = 10, .nr_mt = 3,
				   .variant = 1 };

		REQUIRE(!synth_fill(s, &p, 1, &run));
	}
	o.run_ids = (int64_t[]){ 1, 2, 3, 4 };
	o.nr_runs = 4;
	CHECK(!viz_report_write(s, &o, &res, &err));
	/* 4 runs x (heatmap, indices, 1 map (start and end are the same time:
	 * the second replaced the first), fidelity, attribution) + 2 compared */
	CHECK_EQ_U64(res.nr_figures, 4 * 5 + 2);
	viz_report_result_release(&res);
	o.run_ids = (int64_t[]){ 5 };
	o.nr_runs = 1;
	o.compare_other = 5;
	CHECK(!viz_report_write(s, &o, &res, &err));
	/* run 5 has no pageblock maps: heatmap, indices, fidelity, attribution */
	CHECK_EQ_U64(res.nr_figures, 4 + 2);
	if (res.nr_figures == 6) {
		/* the difference covers the union of the orders (11 x 12 px, not the
		 * 10 run 5 has), one panel per migratetype */
		CHECK(!strcmp(res.figures[4].kind, "compare-heatmap"));
		CHECK_EQ_U64(res.figures[4].nr_panels, 3);
		CHECK(fabs(res.figures[4].plot[0].h - 11 * 12) < 1e-9);
	}
	viz_report_result_release(&res);
	viz_store_close(s);
}

/*
 * gfp names as the kernel's show_gfp_flags() prints them; the bits are
 * include/linux/gfp_types.h's (x86-64): GFP_KERNEL = __GFP_RECLAIM (0xc00) |
 * __GFP_IO (0x40) | __GFP_FS (0x80); GFP_HIGHUSER_MOVABLE = GFP_USER |
 * __GFP_HIGHMEM | __GFP_MOVABLE = 0x100cca; 6.18's GFP_ATOMIC = __GFP_HIGH |
 * __GFP_KSWAPD_RECLAIM = 0x820.
 */
static void test_gfp_names(void)
{
	char buf[128];
	uint64_t bits;

	tracefmt_gfp_format(0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "none"));
	tracefmt_gfp_format(0xcc0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "GFP_KERNEL"));
	tracefmt_gfp_format(0x140dca, buf, sizeof(buf));
	CHECK(!strcmp(buf, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP"));
	tracefmt_gfp_format(0x820, buf, sizeof(buf));
	CHECK(!strcmp(buf, "GFP_ATOMIC"));
	/* a bit no name covers prints in hex, as the kernel's trace does */
	tracefmt_gfp_format(0x4000cc0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "GFP_KERNEL|0x4000000"));
	/* a short buffer is cut and terminated; the full length is returned */
	CHECK_EQ_U64(tracefmt_gfp_format(0xcc0, buf, 5), strlen("GFP_KERNEL"));
	CHECK(!strcmp(buf, "GFP_"));
	CHECK(!tracefmt_gfp_lookup("__GFP_COMP", 10, &bits) && bits == 0x40000);
	CHECK(tracefmt_gfp_lookup("GFP_BOGUS", 9, &bits) == -ENOENT);
}

/* Free pages in blocks of order >= 9 of synth's zone z at time i (closed form). */
static uint64_t synth_high_free(const struct synth *p, uint32_t i, uint32_t z)
{
	uint64_t pages = 0;

	for (uint32_t o = 9; o < p->nr_orders; o++)
		for (uint32_t mt = 0; mt < p->nr_mt; mt++)
			pages += (uint64_t)synth_fb(p, i, z, o, mt) << o;
	return pages;
}

static uint64_t synth_fail_all(const struct synth *p, uint32_t i)
{
	uint64_t n = 0;

	for (uint32_t o = 0; o < p->nr_orders; o++)
		n += synth_fail(p, i, o);
	return n;
}

/* The verdict's numbers against synth.h's closed forms, whole run and a window. */
static void test_verdict(void)
{
	struct synth p = { .nr_times = 10, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3,
			   .variant = 1, .nr_pageblocks = 8 };
	struct viz_store *s = fresh_store("verdict.db");
	struct viz_verdict v;
	const struct viz_zone_verdict *zv;
	uint64_t lo = UINT64_MAX;
	double worst = 0;
	int64_t run;

	REQUIRE(!synth_fill(s, &p, 1, &run));
	REQUIRE(!viz_verdict_get(s, run, INT64_MIN, INT64_MAX, &v));
	REQUIRE(v.nr_zones == 1);
	zv = &v.zones[0];
	CHECK_EQ_U64(zv->nr_samples, 10);
	CHECK_EQ_U64(zv->high_order, 9);
	CHECK_EQ_U64(zv->high_free_start, synth_high_free(&p, 0, 0));
	CHECK_EQ_U64(zv->high_free_end, synth_high_free(&p, 9, 0));
	for (uint32_t i = 0; i < 10; i++) {
		lo = synth_high_free(&p, i, 0) < lo ? synth_high_free(&p, i, 0) : lo;
		worst = synth_unusable(i, 9) / 1000.0 > worst ? synth_unusable(i, 9) / 1000.0 : worst;
	}
	CHECK_EQ_U64(zv->high_free_min, lo);
	CHECK(near(zv->unusable_start, synth_unusable(0, 9) / 1000.0));
	CHECK(near(zv->unusable_end, synth_unusable(9, 9) / 1000.0));
	CHECK(near(zv->unusable_worst, worst));
	/* counters are cumulative from 0 at the run's start */
	CHECK_EQ_U64(zv->failures, synth_fail_all(&p, 9));
	CHECK_EQ_U64(zv->fallbacks, 9 * 2 + 1);
	CHECK_EQ_U64(zv->pageblock_changes, 9 / 2);
	/* fallbacks go 1, 3, 5, ...: the first sample's 1 (from 0) is no burst over 2 */
	CHECK_EQ_U64(zv->fallback_burst, 2);
	CHECK(zv->fallback_burst_t_ns == synth_t(1));
	CHECK(zv->first_failure_t_ns == synth_t(1));	/* variant 1 fails i per sample */
	viz_verdict_release(&v);

	/* a window counts from the last sample before it */
	REQUIRE(!viz_verdict_get(s, run, synth_t(3), synth_t(6), &v));
	zv = &v.zones[0];
	CHECK_EQ_U64(zv->nr_samples, 4);
	CHECK_EQ_U64(zv->failures, synth_fail_all(&p, 6) - synth_fail_all(&p, 2));
	CHECK_EQ_U64(zv->fallbacks, (6 * 2 + 1) - (2 * 2 + 1));
	CHECK_EQ_U64(zv->high_free_start, synth_high_free(&p, 3, 0));
	CHECK(zv->first_failure_t_ns == synth_t(3));
	viz_verdict_release(&v);
	viz_store_close(s);
}

/*
 * Memory maps: each moment gets the latest map at or before it, and a map
 * equal to one already picked is left out with its reason moved over.
 */
static void test_memmap_pick(void)
{
	struct synth p = { .nr_times = 10, .nr_zones = 1, .nr_orders = 11, .nr_mt = 3,
			   .nr_pageblocks = 8 };
	struct viz_store *s = fresh_store("pick.db");
	uint8_t mt[8];
	uint16_t fp[8];
	struct viz_pbmap same = { .t_ns = synth_t(5), .zone_idx = 0, .nr_pageblocks = 8,
				  .pageblock_pages = 512, .migratetype = mt, .free_pages = fp };
	struct viz_moment m[] = { { synth_t(6), "requested" }, { synth_t(2), "first failure" } };
	struct viz_map_pick *picks;
	size_t n;
	int64_t run;

	REQUIRE(!synth_fill(s, &p, 1, &run));	/* maps at 0 and synth_t(9), different */
	for (uint32_t i = 0; i < 8; i++) {
		mt[i] = synth_pb_mt(&p, 0, i);
		fp[i] = synth_pb_free(0, i);
	}
	REQUIRE(!viz_pbmap_add(s, run, &same));	/* the picture of t = 0 again */
	/* synth_t(): 2 -> 0.669 s, 5 -> 1.667 s, 6 -> 2.001 s */
	REQUIRE(!viz_memmap_pick(s, run, 0, INT64_MIN, INT64_MAX, m, 2, &picks, &n));
	CHECK_EQ_U64(n, 2);
	if (n == 2) {
		CHECK(picks[0].t_ns == 0 && picks[1].t_ns == synth_t(9));
		CHECK(strstr(picks[0].why, "first failure at t = 0.669 s") != NULL);
		CHECK(strstr(picks[0].why, "unchanged at t = 1.667 s (requested at t = 2.001 s)")
		      != NULL);
		CHECK(strstr(picks[1].why, "last map in the window") != NULL);
	}
	free(picks);
	/* a window holding only the duplicate shows it once, as its own time */
	REQUIRE(!viz_memmap_pick(s, run, 0, synth_t(4), synth_t(8), m, 2, &picks, &n));
	CHECK(n == 1 && picks[0].t_ns == synth_t(5));
	free(picks);
	viz_store_close(s);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_sha256),
	HARNESS_CASE(test_palette),
	HARNESS_CASE(test_gfp_names),
	HARNESS_CASE(test_verdict),
	HARNESS_CASE(test_memmap_pick),
	HARNESS_CASE(test_series_by_hand),
	HARNESS_CASE(test_series_synthetic),
	HARNESS_CASE(test_pbgrid),
	HARNESS_CASE(test_attribution_fidelity),
	HARNESS_CASE(test_schema),
	HARNESS_CASE(test_interrupted),
	HARNESS_CASE(test_export_merge),
	HARNESS_CASE(test_merge_dedup),
	HARNESS_CASE(test_schema2_store),
	HARNESS_CASE(test_report_png),
	HARNESS_CASE(test_report_tiny),
	HARNESS_CASE(test_damaged),
};

int main(int argc, char **argv)
{
	const char *base = getenv("VIZ_TEST_TMP");

	harness_start(&argc, &argv, cases, HARNESS_NR(cases));
	snprintf(tmpdir, sizeof(tmpdir), "%s/viz-unit-XXXXXX", base ? base : "/tmp");
	REQUIRE(mkdtemp(tmpdir));
	harness_run(cases, HARNESS_NR(cases));
	return TEST_REPORT();
}
