// SPDX-License-Identifier: MIT
/*
 * Merging run stores: sweep shards each write their own store, and
 * `buddyscope merge` joins them. The source is checked like any store it
 * opens (buddyscope schema, not newer than this build), attached to the
 * destination, and each run not already present (by uuid) is copied with a
 * new id together with every row that hangs off it, in one transaction.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

/* Child tables and the columns copied after run_id, in table order. */
static const char *const child_tables[][2] = {
	{ "zones", "idx, node, name, start_pfn, spanned_pages, managed_pages, pageblock_order,"
		   " nr_orders, migratetypes" },
	{ "samples", "zone_idx, t_ns, free_blocks, nr_free_pages, wmark_min, wmark_low,"
		     " wmark_high, wmark_boost, frag_index, unusable_index, failures, fallbacks,"
		     " pageblock_changes, kswapd_wakes" },
	{ "pbmaps", "zone_idx, t_ns, nr_pageblocks, pageblock_pages, data" },
	{ "fidelity", "t_ns, distance, pfn_rate" },
	{ "events", "t_ns, kind, text" },
	{ "attribution", "comm, pid, gfp_flags, allocations, failures, extfrag" },
	{ "counters", "t_ns, name, value" }, /* schema 2: a version-1 source has none */
};

static bool src_has_table(struct viz_store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool has;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM src.sqlite_schema WHERE type = 'table'"
			       " AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

static int copy_run(struct viz_store *s, int64_t old_id, int *copied, struct viz_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t new_id;
	char sql[640];
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO main.runs (uuid, trace_path, trace_sha256, mode, label,"
			       " settings, kernel, host, started_ms, finished_ms, status, summary)"
			       " SELECT uuid, trace_path, trace_sha256, mode, label, settings,"
			       " kernel, host, started_ms, finished_ms, status, summary"
			       " FROM src.runs WHERE id = ?1 AND uuid NOT IN"
			       " (SELECT uuid FROM main.runs)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, old_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		*copied = 0;
		return 0;
	}
	new_id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < sizeof(child_tables) / sizeof(child_tables[0]); i++) {
		if (!src_has_table(s, child_tables[i][0]))
			continue;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO main.%s (run_id, %s) SELECT ?1, %s FROM src.%s"
			 " WHERE run_id = ?2",
			 child_tables[i][0], child_tables[i][1], child_tables[i][1],
			 child_tables[i][0]);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(st, 1, new_id);
		sqlite3_bind_int64(st, 2, old_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		st = NULL;
		if (rc != SQLITE_DONE)
			goto fail;
	}
	*copied = 1;
	return 0;
fail:
	viz_err_set(err, "%s: cannot copy run %lld: %s", s->path, (long long)old_id,
		    sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return -EIO;
}

int viz_store_merge(struct viz_store *s, const char *src_path, size_t *nr_copied,
		    struct viz_error *err)
{
	struct viz_store *src;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t nr_ids = 0, copied = 0;
	int ret;

	if (s->readonly)
		return -EROFS;
	/* Validates the source: SQLite, buddyscope schema, version. */
	src = viz_store_open(src_path, VIZ_STORE_READONLY, err);
	if (!src)
		return -errno;
	ret = viz_run_ids(src, &ids, &nr_ids);
	viz_store_close(src);
	if (ret) {
		viz_err_set(err, "%s: cannot list runs", src_path);
		return ret;
	}
	ret = viz_tx_commit(s);
	if (ret)
		goto out;
	if (sqlite3_prepare_v2(s->db, "ATTACH ?1 AS src", -1, &st, NULL) != SQLITE_OK) {
		ret = -EIO;
		goto out;
	}
	sqlite3_bind_text(st, 1, src_path, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		viz_err_set(err, "%s: cannot attach: %s", src_path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		ret = -EIO;
		goto out;
	}
	sqlite3_finalize(st);
	ret = viz_exec(s, "BEGIN IMMEDIATE", err);
	for (size_t i = 0; !ret && i < nr_ids; i++) {
		int one = 0;

		ret = copy_run(s, ids[i], &one, err);
		copied += (size_t)one;
	}
	if (!ret)
		ret = viz_exec(s, "COMMIT", err);
	else
		viz_exec(s, "ROLLBACK", NULL);
	viz_exec(s, "DETACH src", NULL);
out:
	free(ids);
	if (nr_copied)
		*nr_copied = ret ? 0 : copied;
	return ret;
}
