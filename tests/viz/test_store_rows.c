// SPDX-License-Identifier: MIT
/*
 * Rows no writer produces, read back by the report and the export (issue
 * 16): a zone with nr_orders 99 or migratetypes that are not JSON is refused
 * with a message naming the store file, the table and the column; samples
 * at the int64 time extremes are refused by name, without overflow (UBSan
 * builds check the arithmetic); so is a negative reclaim/compaction counter. The store is the synthetic one of synth.h, edited with
 * plain SQL as a damaged or hand-made file would be.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "synth.h"
#include "viz.h"

static char dir[] = "/tmp/bs-viz-rows-XXXXXX";

/* A fresh synthetic store at @path, then @sql run on it. */
static void store_with(const char *path, const char *sql)
{
	const struct synth p = { .nr_times = 6, .nr_zones = 1, .nr_orders = 11, .nr_mt = 5,
				 .nr_pageblocks = 16 };
	struct viz_store *s;
	sqlite3 *db;
	int64_t run_id;
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s-wal %s-shm %s/out", path, path, path, dir);
	REQUIRE(system(cmd) == 0);
	s = viz_store_open(path, VIZ_STORE_CREATE, NULL);
	REQUIRE(s);
	REQUIRE(synth_fill(s, &p, 1, &run_id) == 0);
	REQUIRE(viz_store_close(s) == 0);
	REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	REQUIRE(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

/* Report and export of the edited store: 0, or the messages of both refusals. */
static int read_back(const char *path, char *report_err, char *export_err)
{
	struct viz_report_opts ro = { .heatmap_bins = 8 };
	struct bs_error err = { .text = "" };
	struct viz_store *s = viz_store_open(path, 0, NULL);
	char out[300];
	FILE *f = tmpfile();
	int r1, r2;

	REQUIRE(s && f);
	snprintf(out, sizeof(out), "%s/out", dir);
	ro.out_dir = out;
	r1 = viz_report_write(s, &ro, NULL, &err);
	/* the message is in @err or on the handle, as the CLI reads it */
	snprintf(report_err, BS_ERROR_TEXT_LEN, "%s", err.text[0] ? err.text : viz_store_error(s));
	err.text[0] = '\0';
	r2 = viz_export_write(s, 1, VIZ_EXPORT_CSV, f, NULL, &err);
	snprintf(export_err, BS_ERROR_TEXT_LEN, "%s", err.text[0] ? err.text : viz_store_error(s));
	fclose(f);
	viz_store_close(s);
	return r1 ? r1 : r2;
}

static void expect_refused(const char *sql, const char *table_column)
{
	char path[300], rep[BS_ERROR_TEXT_LEN], exp[BS_ERROR_TEXT_LEN];

	snprintf(path, sizeof(path), "%s/runs.db", dir);
	store_with(path, sql);
	CHECK(read_back(path, rep, exp) == -EINVAL);
	CHECK_STR_CONTAINS(rep, path);
	CHECK_STR_CONTAINS(rep, table_column);
	CHECK_STR_CONTAINS(exp, path);
	CHECK_STR_CONTAINS(exp, table_column);
}

int main(void)
{
	char path[300], rep[BS_ERROR_TEXT_LEN], exp[BS_ERROR_TEXT_LEN];

	REQUIRE(mkdtemp(dir));
	expect_refused("UPDATE zones SET nr_orders = 99", "table zones, column nr_orders");
	expect_refused("UPDATE zones SET nr_orders = 0", "table zones, column nr_orders");
	expect_refused("UPDATE zones SET migratetypes = 'not json'",
		       "table zones, column migratetypes");
	expect_refused("UPDATE zones SET migratetypes = '[]'", "table zones, column migratetypes");
	expect_refused("UPDATE zones SET pageblock_order = 99", "table zones, column pageblock_order");
	expect_refused("UPDATE zones SET node = 'x'", "table zones, column node");
	/* the report reads the sample blobs (the export's own decoder names the run) */
	snprintf(path, sizeof(path), "%s/runs.db", dir);
	store_with(path, "UPDATE samples SET free_blocks = x'01'");
	CHECK(read_back(path, rep, exp) == -EINVAL);
	CHECK_STR_CONTAINS(rep, "table samples, column free_blocks");
	store_with(path, "UPDATE pbmaps SET data = x'0102'");
	CHECK(read_back(path, rep, exp) == -EINVAL);
	CHECK_STR_CONTAINS(rep, "table pbmaps, column data");
	/* a reclaim and compaction counter no replay writes (negative): the report names it */
	store_with(path, "INSERT INTO counters VALUES (1, 5, 'model.pages_migrated', -3)");
	CHECK(read_back(path, rep, exp) == -EINVAL);
	CHECK_STR_CONTAINS(rep, path);
	CHECK_STR_CONTAINS(rep, "table counters of run 1, counter model.pages_migrated at t_ns 5");
	/* times at the int64 extremes: refused by name (viz_run_time_range), no overflow */
	store_with(path, "UPDATE samples SET t_ns = -9223372036854775808 WHERE rowid = "
		   "(SELECT min(rowid) FROM samples);"
		   "UPDATE samples SET t_ns = 9223372036854775807 WHERE rowid = "
		   "(SELECT max(rowid) FROM samples);"
		   "UPDATE fidelity SET t_ns = 9223372036854775807;");
	CHECK(read_back(path, rep, exp) == -EINVAL);
	CHECK_STR_CONTAINS(rep, path);
	CHECK_STR_CONTAINS(rep, "t_ns");
	return harness_finish_in(dir);
}
