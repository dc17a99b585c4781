/* SPDX-License-Identifier: MIT */
/*
 * What the export formats of viz share (export.c: CSV and JSON;
 * export_perfetto.c; export_openmetrics.c): a sample row decoded from the
 * store, and the writers' small helpers.
 */
#ifndef BUDDYSCOPE_VIZ_EXPORT_INTERNAL_H
#define BUDDYSCOPE_VIZ_EXPORT_INTERNAL_H

#include "viz_internal.h"

/* Every column of a run's samples, a zone's rows in time order; bind 1 = run id. */
extern const char viz_export_samples_sql[];
/* The same for one zone; bind 1 = run id, 2 = zone index. */
extern const char viz_export_zone_samples_sql[];

/* One decoded sample row. Index values are the kernel's x1000 integers. */
struct viz_export_row {
	int64_t t_ns;
	uint32_t zone;
	int64_t fb[VIZ_MAX_ORDERS * VIZ_MAX_MIGRATETYPES]; /* [order * nr_mt + mt] */
	int64_t fi[VIZ_MAX_ORDERS], ui[VIZ_MAX_ORDERS], fl[VIZ_MAX_ORDERS];
	int64_t v[10];	/* nr_free_pages, wmarks x4, fallbacks, pb changes, kswapd */
};

/* Indices of struct viz_export_row v[]. */
enum viz_export_value {
	VIZ_ROW_FREE_PAGES, VIZ_ROW_WMARK_MIN, VIZ_ROW_WMARK_LOW, VIZ_ROW_WMARK_HIGH,
	VIZ_ROW_WMARK_BOOST, VIZ_ROW_FALLBACKS, VIZ_ROW_PB_CHANGES, VIZ_ROW_KSWAPD,
};

/* Decode the current row of a statement of viz_export_samples_sql; -EINVAL when damaged. */
int viz_export_row_decode(sqlite3_stmt *st, const struct viz_zone *z, struct viz_export_row *r);

/* The zone of index @idx among @n, or NULL. */
const struct viz_zone *viz_export_zone_of(const struct viz_zone *zones, size_t n, uint32_t idx);

/* A kernel x1000 integer as the kernel prints it: 0.361, -1.000. */
void viz_put_milli(FILE *f, int64_t v);

/* Trace time in ns as microseconds with three decimals (the trace event format's ts). */
void viz_put_us(FILE *f, int64_t t_ns);

int viz_export_perfetto(struct viz_store *s, const int64_t *ids, size_t n, FILE *f,
			uint64_t *events, struct bs_error *err);
int viz_export_openmetrics(struct viz_store *s, const int64_t *ids, size_t n, FILE *f,
			   uint64_t *samples, struct bs_error *err);

#endif
