// SPDX-License-Identifier: MIT
/*
 * Merging run stores: sweep shards each write their own store, and
 * `buddyscope merge` joins them. The source is checked like any store it
 * opens (buddyscope schema, not newer than this build), attached to the
 * destination, and each run not already present (copy_run() says when a run
 * is) is copied with a new id together with every row that hangs off it, in
 * one transaction. Merging several stores goes through a staging store so the
 * destination receives all of them in one transaction or nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

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

static bool src_runs_have_grid(struct viz_store *s)
{
	sqlite3_stmt *st = NULL;
	bool has;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info('runs', 'src')"
			       " WHERE name = 'grid'", -1, &st, NULL) != SQLITE_OK)
		return false;
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

/*
 * Run one copying statement with @id1 as ?1 and, when it has a ?2, @id2 as
 * ?2; true when it ran to the end. The error stays on the connection for
 * sqlite3_errmsg().
 */
static bool copy_step(struct viz_store *s, const char *sql, int64_t id1, int64_t id2)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, id1);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, id2);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

/*
 * Copy source run @old_id unless the destination has it already: the same
 * uuid, or a complete run of the same trace (SHA-256), mode and settings. A
 * shard that ran twice (a re-queued job writes new uuids) so adds nothing,
 * and an unfinished attempt is not kept beside a finished one.
 */
static int copy_run(struct viz_store *s, int64_t old_id, int *copied, struct bs_error *err)
{
	int64_t new_id;
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.runs (uuid, trace_path, trace_sha256, mode, label,"
		 " settings, kernel, host, started_ms, finished_ms, status, summary,"
		 " grid_index, grid)"
		 " SELECT uuid, trace_path, trace_sha256, mode, label, settings,"
		 " kernel, host, started_ms, finished_ms, status, summary, %s"
		 " FROM src.runs r WHERE id = ?1 AND uuid NOT IN (SELECT uuid FROM main.runs)"
		 " AND NOT EXISTS (SELECT 1 FROM main.runs m WHERE m.status = 'complete'"
		 " AND m.trace_sha256 = r.trace_sha256 AND m.mode = r.mode"
		 " AND m.settings = r.settings)",
		 src_runs_have_grid(s) ? "grid_index, grid" : "NULL, NULL");
	if (!copy_step(s, sql, old_id, 0))
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
		if (!copy_step(s, sql, new_id, old_id))
			goto fail;
	}
	*copied = 1;
	return 0;
fail:
	viz_err_set(err, "%s: cannot copy run %lld: %s", s->path, (long long)old_id,
		    sqlite3_errmsg(s->db));
	return -EIO;
}

int viz_store_merge(struct viz_store *s, const char *src_path, size_t *nr_copied,
		    struct bs_error *err)
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

/* Each source opens as a store and lists its runs: checked before anything is written. */
static int merge_sources_check(const char *const *src_paths, size_t nr_src,
			       struct bs_error *err)
{
	for (size_t i = 0; i < nr_src; i++) {
		struct viz_store *src = viz_store_open(src_paths[i], VIZ_STORE_READONLY, err);
		int64_t *ids = NULL;
		size_t n = 0;
		int ret;

		if (!src)
			return errno ? -errno : -EINVAL;
		ret = viz_run_ids(src, &ids, &n);
		if (ret)
			viz_err_set(err, "%s: cannot list its runs: %s", src_paths[i],
				    viz_store_error(src));
		free(ids);
		viz_store_close(src);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every source into the (new, empty) staging store @stage_path. */
static int merge_into_stage(const char *stage_path, const char *const *src_paths,
			    size_t nr_src, size_t *nr_staged, size_t *total, struct bs_error *err)
{
	struct viz_store *stage = viz_store_open(stage_path, VIZ_STORE_CREATE, err);
	int ret = 0, close_ret;

	if (!stage)
		return errno ? -errno : -EIO;
	for (size_t i = 0; !ret && i < nr_src; i++) {
		size_t n = 0;

		ret = viz_store_merge(stage, src_paths[i], &n, err);
		if (ret && !err->text[0])
			viz_err_set(err, "%s: %s", src_paths[i], viz_store_error(stage));
		if (nr_staged)
			nr_staged[i] = n;
		*total += n;
	}
	close_ret = viz_store_close(stage);
	return ret ? ret : close_ret;
}

int viz_store_merge_files(const char *out_path, const char *const *src_paths, size_t nr_src,
			  size_t *nr_staged, size_t *nr_copied, struct bs_error *err)
{
	struct bs_error local = { .text = "" };
	struct outfile of = OUTFILE_INIT;
	struct viz_store *out = NULL;
	struct stat st;
	bool out_exists = !stat(out_path, &st);
	size_t copied = 0;
	int ret;

	if (!err)
		err = &local;
	err->text[0] = '\0';
	ret = merge_sources_check(src_paths, nr_src, err);
	if (ret)
		return ret;
	if (out_exists) {
		/* Refused (not a store, newer, not writable) before any work. */
		out = viz_store_open(out_path, 0, err);
		if (!out)
			return errno ? -errno : -EIO;
	}
	ret = outfile_open(&of, out_path, out_exists ? 0 : OUTFILE_NO_REPLACE, 0666);
	if (ret) {
		viz_err_set(err, "%s: cannot create: %s", outfile_name(&of), strerror(-ret));
		goto out;
	}
	ret = merge_into_stage(outfile_name(&of), src_paths, nr_src, nr_staged, &copied, err);
	if (ret)
		goto out;
	if (out_exists) {
		ret = viz_store_merge(out, outfile_name(&of), &copied, err);
		if (ret && !err->text[0])
			viz_err_set(err, "%s: %s", out_path, viz_store_error(out));
		goto out;
	}
	ret = outfile_commit(&of);
	if (ret == -EEXIST)
		viz_err_set(err, "%s: created by another process during the merge; merge again "
				 "(runs already there are skipped)", out_path);
	else if (ret)
		viz_err_set(err, "%s: cannot create: %s", out_path, strerror(-ret));
out:
	outfile_discard(&of);
	if (out) {
		int close_ret = viz_store_close(out);

		if (!ret && close_ret) {
			ret = close_ret;
			viz_err_set(err, "%s: the final commit failed: %s", out_path,
				    strerror(-ret));
		}
	}
	if (nr_copied)
		*nr_copied = ret ? 0 : copied;
	return ret;
}
