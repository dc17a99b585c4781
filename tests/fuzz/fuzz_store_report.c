// SPDX-License-Identifier: MIT
/*
 * Structure-aware fuzz target for the report's store reader: a small valid
 * run store (tests/viz/synth.h: one zone, a few samples, two pageblock maps)
 * whose rows the fuzzer's bytes then overwrite column by column with values
 * a writer never produces (nr_orders 99, migratetypes that are not JSON,
 * t_ns at the int64 extremes, blobs of any length). The report and the CSV
 * export must then render or refuse with a message that is not empty; no
 * crash, no hang, no sanitizer report.
 *
 * Input: a sequence of 10-byte edits { table/column selector, value kind, 8
 * value bytes }.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../viz/synth.h"
#include "fuzz_tmpdir.h"
#include "viz.h"

static const char *const edits[] = {
	"UPDATE zones SET nr_orders = ?1",
	"UPDATE zones SET pageblock_order = ?1",
	"UPDATE zones SET migratetypes = ?1",
	"UPDATE zones SET spanned_pages = ?1",
	"UPDATE zones SET idx = ?1",
	"UPDATE zones SET name = ?1",
	"UPDATE samples SET t_ns = ?1 WHERE rowid = (SELECT min(rowid) FROM samples)",
	"UPDATE samples SET t_ns = ?1 WHERE rowid = (SELECT max(rowid) FROM samples)",
	"UPDATE samples SET free_blocks = ?1",
	"UPDATE samples SET frag_index = ?1",
	"UPDATE samples SET failures = ?1",
	"UPDATE samples SET zone_idx = ?1",
	"UPDATE pbmaps SET nr_pageblocks = ?1",
	"UPDATE pbmaps SET data = ?1",
	"UPDATE pbmaps SET t_ns = ?1",
	"UPDATE fidelity SET t_ns = ?1",
	"UPDATE fidelity SET distance = ?1",
	"UPDATE runs SET settings = ?1",
	"UPDATE runs SET summary = ?1",
	"UPDATE runs SET status = 'interrupted', finished_ms = ?1",
};

static const int64_t extremes[] = { INT64_MIN, INT64_MAX, -1, 0, 1, 99, 255, 4294967296LL,
				    INT64_MAX - 1, INT64_MIN + 1 };
static const char *const texts[] = { "not json", "[]", "[1,2]", "{}", "[\"a\"]", "",
				     ("[\"Unmovable\",\"Movable\",\"Reclaimable\",\"HighAtomic\","
				      "\"CMA\",\"Isolate\",\"x\",\"y\",\"z\"]"),
				     "null" };

static void bind_value(sqlite3_stmt *st, uint8_t kind, const uint8_t *v)
{
	int64_t x;

	memcpy(&x, v, sizeof(x));
	switch (kind % 5) {
	case 0:
		sqlite3_bind_int64(st, 1, extremes[v[0] % (sizeof(extremes) / sizeof(extremes[0]))]);
		break;
	case 1:
		sqlite3_bind_int64(st, 1, x);
		break;
	case 2:
		sqlite3_bind_text(st, 1, texts[v[0] % (sizeof(texts) / sizeof(texts[0]))], -1,
				  SQLITE_STATIC);
		break;
	case 3:
		sqlite3_bind_blob(st, 1, v, v[0] % 9, SQLITE_TRANSIENT);
		break;
	default:
		sqlite3_bind_null(st, 1);
		break;
	}
}

static void apply_edits(const char *path, const uint8_t *data, size_t size)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	for (size_t off = 0; off + 10 <= size && off < 200; off += 10) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(db, edits[data[off] % (sizeof(edits) / sizeof(edits[0]))],
				       -1, &st, NULL) != SQLITE_OK)
			continue;
		bind_value(st, data[off + 1], data + off + 2);
		sqlite3_step(st); /* a constraint may refuse it: then the row stays */
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_tmpdir();
	const struct synth p = { .nr_times = 4, .nr_zones = 1, .nr_orders = 11, .nr_mt = 5,
				 .nr_pageblocks = 16 };
	char path[256], out[256], csv[256], cmd[600];
	struct viz_report_opts ro = { .heatmap_bins = 8 };
	struct viz_error err;
	struct viz_store *s;
	int64_t run_id;
	FILE *f;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/runs.db", dir);
	snprintf(out, sizeof(out), "%s/report", dir);
	snprintf(csv, sizeof(csv), "%s/samples.csv", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/runs.db %s/runs.db-wal %s/runs.db-shm %s", dir,
		 dir, dir, out);
	if (system(cmd))
		return 0;
	s = viz_store_open(path, VIZ_STORE_CREATE, &err);
	if (!s)
		abort(); /* a fresh store in a temporary directory must open */
	if (synth_fill(s, &p, 1, &run_id) || viz_store_close(s))
		abort();
	apply_edits(path, data, size);

	s = viz_store_open(path, 0, &err);
	if (!s) {
		if (!err.text[0])
			abort();
		return 0;
	}
	ro.out_dir = out;
	err.text[0] = '\0';
	/* a refusal must say why, in @err or on the handle (what the CLI prints) */
	if (viz_report_write(s, &ro, NULL, &err) && !err.text[0] && !viz_store_error(s)[0])
		abort();
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "report: %s\n", err.text[0] ? err.text : viz_store_error(s));
	for (int fmt = VIZ_EXPORT_CSV; fmt <= VIZ_EXPORT_OPENMETRICS; fmt++) {
		uint64_t rows = 0;

		f = fopen(csv, "w");
		if (!f)
			break;
		err.text[0] = '\0';
		if (viz_export_write(s, run_id, (enum viz_export_format)fmt, f, &rows, &err) &&
		    !err.text[0] && !viz_store_error(s)[0])
			abort();
		fclose(f);
	}
	viz_store_close(s);
	return 0;
}
