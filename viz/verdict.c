// SPDX-License-Identifier: MIT
/*
 * The numbers a report's verdict states (viz.h, struct viz_verdict): one pass
 * over each zone's raw samples, in time order, so the start, end and worst
 * values are the samples' own and not bin means. Also the attribution queries
 * (by key, by command with its pids merged, one command's keys), for "who did
 * it", through one loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

/* Free pages in blocks of order >= @high: sum of blocks << order. */
static uint64_t high_free_pages(const int64_t *fb, uint32_t no, uint32_t nm, uint32_t high)
{
	uint64_t pages = 0;

	for (uint32_t o = high; o < no; o++)
		for (uint32_t mt = 0; mt < nm; mt++)
			pages += (uint64_t)fb[o * nm + mt] << o;
	return pages;
}

/* The row's counters, decoded: failures summed over orders. */
struct verdict_row {
	int64_t t;
	uint64_t high_free;
	uint64_t free_pages;
	double unusable;
	uint64_t failures;
	uint64_t fallbacks;
	uint64_t pageblock_changes;
};

static int verdict_row_read(struct viz_store *s, sqlite3_stmt *st, int64_t run_id,
			    const struct viz_zone *z, uint32_t high, struct verdict_row *r)
{
	int64_t fb[VIZ_MAX_ORDERS * VIZ_MAX_MIGRATETYPES], v[VIZ_MAX_ORDERS];
	uint32_t no = z->nr_orders, nm = z->nr_migratetypes;
	static const char *const col[] = { "free_blocks", "unusable_index", "failures" };
	int bad = -1;

	r->t = sqlite3_column_int64(st, 0);
	r->free_pages = (uint64_t)sqlite3_column_int64(st, 2);
	if (viz_blob_decode(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
			    (size_t)no * nm, 0, fb))
		bad = 0;
	else if (viz_blob_decode(sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
				 no, 1, v))
		bad = 1;
	if (bad < 0) {
		r->high_free = high_free_pages(fb, no, nm, high);
		r->unusable = v[high] / 1000.0;
		if (viz_blob_decode(sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4),
				    no, 0, v))
			bad = 2;
	}
	r->failures = 0;
	for (uint32_t o = 0; bad < 0 && o < no; o++)
		r->failures += (uint64_t)v[o];
	r->fallbacks = (uint64_t)sqlite3_column_int64(st, 5);
	r->pageblock_changes = (uint64_t)sqlite3_column_int64(st, 6);
	if (bad >= 0) {
		viz_row_error_set(s, "table samples, column %s of run %lld zone %u at t_ns %lld: "
				  "too few values", col[bad], (long long)run_id, z->idx,
				  (long long)r->t);
		return -EINVAL;
	}
	return 0;
}

/* Fold one in-window row into the zone's verdict; @prev is the row before. */
static void verdict_fold(struct viz_zone_verdict *zv, const struct verdict_row *r,
			 const struct verdict_row *prev, const struct verdict_row *base)
{
	if (!zv->nr_samples++) {
		zv->t_first_ns = r->t;
		zv->high_free_start = zv->high_free_min = r->high_free;
		zv->high_free_min_t_ns = r->t;
		zv->free_pages_start = zv->free_pages_min = zv->free_pages_max = r->free_pages;
		zv->unusable_start = zv->unusable_worst = r->unusable;
		zv->unusable_worst_t_ns = r->t;
	}
	zv->t_last_ns = r->t;
	zv->high_free_end = r->high_free;
	zv->free_pages_end = r->free_pages;
	zv->unusable_end = r->unusable;
	if (r->high_free < zv->high_free_min) {
		zv->high_free_min = r->high_free;
		zv->high_free_min_t_ns = r->t;
	}
	if (r->free_pages < zv->free_pages_min)
		zv->free_pages_min = r->free_pages;
	if (r->free_pages > zv->free_pages_max)
		zv->free_pages_max = r->free_pages;
	if (r->unusable > zv->unusable_worst) {
		zv->unusable_worst = r->unusable;
		zv->unusable_worst_t_ns = r->t;
	}
	if (r->failures > base->failures && zv->first_failure_t_ns < 0)
		zv->first_failure_t_ns = r->t;
	if (r->fallbacks > prev->fallbacks && r->fallbacks - prev->fallbacks > zv->fallback_burst) {
		zv->fallback_burst = r->fallbacks - prev->fallbacks;
		zv->fallback_burst_t_ns = r->t;
	}
	/* cumulative counters never go down; a store that says so counts 0 */
	zv->failures = r->failures > base->failures ? r->failures - base->failures : 0;
	zv->fallbacks = r->fallbacks > base->fallbacks ? r->fallbacks - base->fallbacks : 0;
	zv->pageblock_changes = r->pageblock_changes > base->pageblock_changes ?
					r->pageblock_changes - base->pageblock_changes : 0;
}

static int zone_verdict(struct viz_store *s, int64_t run_id, const struct viz_zone *z,
			int64_t t0, int64_t t1, struct viz_zone_verdict *zv)
{
	struct verdict_row r, prev, base;
	sqlite3_stmt *st = NULL;
	uint32_t high = VIZ_VERDICT_ORDER < z->nr_orders ? VIZ_VERDICT_ORDER : z->nr_orders - 1;
	int ret = 0, rc;

	memset(zv, 0, sizeof(*zv));
	memset(&base, 0, sizeof(base));
	prev = base;
	zv->zone_idx = z->idx;
	zv->high_order = high;
	zv->first_failure_t_ns = -1;
	zv->fallback_burst_t_ns = -1;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT t_ns, free_blocks, nr_free_pages, unusable_index, failures,"
			       " fallbacks, pageblock_changes FROM samples WHERE run_id = ?1 AND"
			       " zone_idx = ?2 AND t_ns <= ?3 ORDER BY t_ns",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)z->idx);
	sqlite3_bind_int64(st, 3, t1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = verdict_row_read(s, st, run_id, z, high, &r);
		if (ret)
			break;
		if (r.t < t0) {
			base = r;	/* counters before the window */
		} else {
			verdict_fold(zv, &r, zv->nr_samples ? &prev : &base, &base);
			prev = r;
		}
	}
	if (!ret && rc != SQLITE_DONE)
		ret = viz_sql_fail(s, NULL);
	sqlite3_finalize(st);
	return ret;
}

int viz_verdict_get(struct viz_store *s, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
		    struct viz_verdict *v)
{
	struct viz_zone *zones = NULL;
	size_t n = 0;
	int ret;

	memset(v, 0, sizeof(*v));
	v->run_id = run_id;
	v->t0_ns = t0_ns;
	v->t1_ns = t1_ns;
	ret = viz_zones_get(s, run_id, &zones, &n);
	if (ret)
		return ret;
	v->zones = calloc(n ? n : 1, sizeof(*v->zones));
	if (!v->zones) {
		free(zones);
		return -ENOMEM;
	}
	v->nr_zones = n;
	for (size_t i = 0; i < n && !ret; i++) {
		struct viz_zone_verdict *zv = &v->zones[i];

		ret = zone_verdict(s, run_id, &zones[i], t0_ns, t1_ns, zv);
		v->failures += zv->failures;
		v->fallbacks += zv->fallbacks;
		v->pageblock_changes += zv->pageblock_changes;
		v->high_free_end += zv->high_free_end;
	}
	free(zones);
	if (ret)
		viz_verdict_release(v);
	return ret;
}

void viz_verdict_release(struct viz_verdict *v)
{
	if (!v)
		return;
	free(v->zones);
	memset(v, 0, sizeof(*v));
}

/*
 * The attribution queries' one loop: @sql takes the run as its first
 * parameter and the limit as its last, with @comm between them when not NULL;
 * @fill reads the current row into the @row_size bytes at @row. @rows is the
 * address of the caller's typed row pointer, hence void * and memcpy (a
 * struct pointer is not written through void **); it gets an array calloc'd
 * for at least one row, so an empty answer is not NULL, and is left as it was
 * on failure.
 */
static int attr_query(struct viz_store *s, const char *sql, int64_t run_id, const char *comm,
		      size_t limit, size_t row_size, void (*fill)(sqlite3_stmt *st, void *row),
		      void *rows, size_t *n)
{
	sqlite3_stmt *st = NULL;
	unsigned char *v = calloc(limit ? limit : 1, row_size);
	size_t len = 0;
	int i = 1;

	if (!v)
		return -ENOMEM;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(v);
		return viz_sql_fail(s, NULL);
	}
	sqlite3_bind_int64(st, i++, run_id);
	if (comm)
		sqlite3_bind_text(st, i++, comm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, i, (sqlite3_int64)limit);
	while (len < limit && sqlite3_step(st) == SQLITE_ROW)
		fill(st, v + row_size * len++);
	sqlite3_finalize(st);
	memcpy(rows, &v, sizeof(v));
	*n = len;
	return 0;
}

/* A row of SELECT comm, pid, gfp_flags, allocations, failures, extfrag. */
static void fill_attr_row(sqlite3_stmt *st, void *row)
{
	struct viz_attr_row *r = row;

	snprintf(r->comm, sizeof(r->comm), "%s", sqlite3_column_text(st, 0));
	r->pid = sqlite3_column_int(st, 1);
	r->gfp_flags = (uint32_t)sqlite3_column_int64(st, 2);
	r->allocations = (uint64_t)sqlite3_column_int64(st, 3);
	r->failures = (uint64_t)sqlite3_column_int64(st, 4);
	r->extfrag = (uint64_t)sqlite3_column_int64(st, 5);
}

int viz_attribution_top(struct viz_store *s, int64_t run_id, enum viz_attr_order by, size_t limit,
			struct viz_attr_row **rows, size_t *n)
{
	static const char *const col[] = { "allocations", "failures", "extfrag" };
	char sql[320];

	if ((unsigned)by > VIZ_ATTR_BY_EXTFRAG)
		return -EINVAL;
	snprintf(sql, sizeof(sql),
		 "SELECT comm, pid, gfp_flags, allocations, failures, extfrag FROM attribution"
		 " WHERE run_id = ? AND %s > 0 ORDER BY %s DESC, comm, pid, gfp_flags LIMIT ?",
		 col[by], col[by]);
	return attr_query(s, sql, run_id, NULL, limit, sizeof(**rows), fill_attr_row, rows, n);
}

static void fill_comm_row(sqlite3_stmt *st, void *row)
{
	struct viz_comm_row *r = row;
	const unsigned char *comm = sqlite3_column_text(st, 0);

	snprintf(r->comm, sizeof(r->comm), "%s", comm ? (const char *)comm : "");
	r->allocations = (uint64_t)sqlite3_column_int64(st, 1);
	r->failures = (uint64_t)sqlite3_column_int64(st, 2);
	r->extfrag = (uint64_t)sqlite3_column_int64(st, 3);
	r->nr_pids = (uint32_t)sqlite3_column_int64(st, 4);
	r->nr_keys = (uint32_t)sqlite3_column_int64(st, 5);
}

int viz_attribution_by_comm(struct viz_store *s, int64_t run_id, enum viz_attr_order by,
			    size_t limit, struct viz_comm_row **rows, size_t *n)
{
	static const char *const order[] = {
		"a DESC, e DESC, f DESC", "f DESC, e DESC, a DESC", "e DESC, f DESC, a DESC"
	};
	static const char *const col[] = { "a", "f", "e" };
	char sql[400];

	if ((unsigned)by > VIZ_ATTR_BY_EXTFRAG)
		return -EINVAL;
	snprintf(sql, sizeof(sql),
		 "SELECT comm, sum(allocations) AS a, sum(failures) AS f, sum(extfrag) AS e,"
		 " count(DISTINCT pid), count(*) FROM attribution WHERE run_id = ?"
		 " GROUP BY comm HAVING %s > 0 ORDER BY %s, comm LIMIT ?", col[by], order[by]);
	return attr_query(s, sql, run_id, NULL, limit, sizeof(**rows), fill_comm_row, rows, n);
}

int viz_attribution_of_comm(struct viz_store *s, int64_t run_id, const char *comm, size_t limit,
			    struct viz_attr_row **rows, size_t *n)
{
	/* The comm column is selected back rather than copied from @comm: the row is its own. */
	return attr_query(s,
			  "SELECT comm, pid, gfp_flags, allocations, failures, extfrag FROM"
			  " attribution WHERE run_id = ? AND comm = ? ORDER BY pid,"
			  " allocations DESC, gfp_flags LIMIT ?",
			  run_id, comm, limit, sizeof(**rows), fill_attr_row, rows, n);
}
