// SPDX-License-Identifier: MIT
/*
 * Sample rows as every export format reads them (export_internal.h).
 */
#include <errno.h>
#include <inttypes.h>

#include "export_internal.h"

#define SAMPLE_COLUMNS                                                                    \
	"SELECT t_ns, zone_idx, free_blocks, nr_free_pages, wmark_min, wmark_low, wmark_high," \
	" wmark_boost, frag_index, unusable_index, failures, fallbacks, pageblock_changes,"   \
	" kswapd_wakes FROM samples WHERE run_id = ?"

const char viz_export_samples_sql[] = SAMPLE_COLUMNS " ORDER BY zone_idx, t_ns";
const char viz_export_zone_samples_sql[] = SAMPLE_COLUMNS " AND zone_idx = ? ORDER BY t_ns";

int viz_export_row_decode(sqlite3_stmt *st, const struct viz_zone *z, struct viz_export_row *r)
{
	size_t ncell = (size_t)z->nr_orders * z->nr_migratetypes;

	r->t_ns = sqlite3_column_int64(st, 0);
	if (r->t_ns < 0 || r->t_ns > VIZ_MAX_T_NS)
		return -EINVAL;
	r->zone = (uint32_t)sqlite3_column_int(st, 1);
	for (int i = 0; i < 5; i++)
		r->v[i] = sqlite3_column_int64(st, 3 + i);
	for (int i = 0; i < 3; i++)
		r->v[5 + i] = sqlite3_column_int64(st, 11 + i);
	if (viz_blob_decode(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), ncell,
			    0, r->fb) ||
	    viz_blob_decode(sqlite3_column_blob(st, 8), (size_t)sqlite3_column_bytes(st, 8),
			    z->nr_orders, 1, r->fi) ||
	    viz_blob_decode(sqlite3_column_blob(st, 9), (size_t)sqlite3_column_bytes(st, 9),
			    z->nr_orders, 1, r->ui) ||
	    viz_blob_decode(sqlite3_column_blob(st, 10), (size_t)sqlite3_column_bytes(st, 10),
			    z->nr_orders, 0, r->fl))
		return -EINVAL;
	return 0;
}

const struct viz_zone *viz_export_zone_of(const struct viz_zone *zones, size_t n, uint32_t idx)
{
	for (size_t i = 0; i < n; i++)
		if (zones[i].idx == idx)
			return &zones[i];
	return NULL;
}

void viz_put_milli(FILE *f, int64_t v)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;

	fprintf(f, "%s%" PRIu64 ".%03" PRIu64, v < 0 ? "-" : "", a / 1000, a % 1000);
}

void viz_put_us(FILE *f, int64_t t_ns)
{
	fprintf(f, "%" PRId64 ".%03" PRId64, t_ns / 1000, t_ns % 1000);
}
