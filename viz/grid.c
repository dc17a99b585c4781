// SPDX-License-Identifier: MIT
/*
 * Grids: the numbers each image is drawn from, computed from store rows and
 * nothing else, so tests check them without looking at pixels. A zone's
 * samples are read once, in time order, through the samples_by_zone_time
 * index and resampled onto equal time bins (see struct viz_series).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

uint32_t viz_time_bin(int64_t t, int64_t t0, int64_t t1, uint32_t nr_bins)
{
	/* differences in uint64: t1 - t0 overflows int64 for extreme stored times */
	uint64_t span = (uint64_t)t1 - (uint64_t)t0 + 1, off = (uint64_t)t - (uint64_t)t0, b;

	if (t < t0)
		return 0;
	if (t > t1)
		return nr_bins - 1;
	if (!span) /* the whole int64 range: 2^64 */
		b = (uint64_t)((long double)off * nr_bins / 18446744073709551616.0L);
	else if (off <= UINT64_MAX / nr_bins)
		b = off * nr_bins / span;
	else
		b = (uint64_t)((long double)off * nr_bins / (long double)span);
	return b >= nr_bins ? nr_bins - 1 : (uint32_t)b;
}

void viz_series_release(struct viz_series *x)
{
	if (!x)
		return;
	free(x->free_blocks);
	free(x->frag_index);
	free(x->unusable_index);
	free(x->failures);
	free(x->nr_free_pages);
	for (int i = 0; i < 4; i++)
		free(x->wmark[i]);
	free(x->fallbacks);
	free(x->pageblock_changes);
	free(x->kswapd_wakes);
	memset(x, 0, sizeof(*x));
}

static double *zero_array(size_t n)
{
	return calloc(n ? n : 1, sizeof(double));
}

/* Add a blob's n unsigned varints to acc[]; -EINVAL when it is short. */
static int blob_add(const uint8_t *p, size_t len, size_t n, double *acc)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		size_t used;

		if (off < len && p[off] < 0x80) {	/* the common one-byte case */
			acc[i] += p[off++];
			continue;
		}
		if (off >= len)
			return -EINVAL;	/* short (an empty blob is NULL from SQLite) */
		used = viz_varint_get(p + off, len - off, &v);
		if (!used)
			return -EINVAL;
		off += used;
		acc[i] += (double)v;
	}
	return 0;
}

static int zone_shape(struct viz_store *s, int64_t run_id, uint32_t zone_idx, uint32_t *nr_orders,
		      uint32_t *nr_mt)
{
	struct viz_zone *zones = NULL;
	size_t n = 0;
	int ret = viz_zones_get(s, run_id, &zones, &n), found = 0;

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		if (zones[i].idx == zone_idx) {
			*nr_orders = zones[i].nr_orders;
			*nr_mt = zones[i].nr_migratetypes;
			found = 1;
		}
	free(zones);
	return found ? 0 : -ENOENT;
}

int viz_series_load(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t0,
		    int64_t t1, uint32_t nr_bins, struct viz_series *x)
{
	uint32_t no = 0, nm = 0, *count = NULL;
	size_t ncell;
	sqlite3_stmt *st = NULL;
	int64_t vals[VIZ_MAX_ORDERS * VIZ_MAX_MIGRATETYPES];
	int ret, rc;

	memset(x, 0, sizeof(*x));
	s->last.text[0] = '\0';
	if (!nr_bins || t1 < t0)
		return -EINVAL;
	ret = zone_shape(s, run_id, zone_idx, &no, &nm);
	if (ret)
		return ret;
	ncell = (size_t)no * nm;
	x->t0_ns = t0;
	x->t1_ns = t1;
	x->nr_bins = nr_bins;
	x->nr_orders = no;
	x->nr_migratetypes = nm;
	x->free_blocks = zero_array((size_t)nr_bins * ncell);
	x->frag_index = zero_array((size_t)nr_bins * no);
	x->unusable_index = zero_array((size_t)nr_bins * no);
	x->failures = zero_array((size_t)nr_bins * no);
	x->nr_free_pages = zero_array(nr_bins);
	for (int i = 0; i < VIZ_NR_WMARK; i++)
		x->wmark[i] = zero_array(nr_bins);
	x->fallbacks = zero_array(nr_bins);
	x->pageblock_changes = zero_array(nr_bins);
	x->kswapd_wakes = zero_array(nr_bins);
	count = calloc(nr_bins, sizeof(*count));
	if (!x->free_blocks || !x->frag_index || !x->unusable_index || !x->failures ||
	    !x->nr_free_pages || !x->wmark[VIZ_WMARK_MIN] ||
	    !x->wmark[VIZ_WMARK_LOW] || !x->wmark[VIZ_WMARK_HIGH] || !x->wmark[VIZ_WMARK_BOOST] ||
	    !x->fallbacks || !x->pageblock_changes || !x->kswapd_wakes || !count) {
		ret = -ENOMEM;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db,
			       "SELECT t_ns, free_blocks, nr_free_pages, wmark_min, wmark_low,"
			       " wmark_high, wmark_boost, frag_index, unusable_index, failures,"
			       " fallbacks, pageblock_changes, kswapd_wakes FROM samples"
			       " WHERE run_id = ?1 AND zone_idx = ?2 AND t_ns BETWEEN ?3 AND ?4"
			       " ORDER BY t_ns",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)zone_idx);
	sqlite3_bind_int64(st, 3, t0);
	sqlite3_bind_int64(st, 4, t1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(st, 0);
		uint32_t b = viz_time_bin(t, t0, t1, nr_bins);
		if (blob_add(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), ncell,
			     &x->free_blocks[(size_t)b * ncell])) {
			viz_row_error_set(s, "table samples, column free_blocks of run %lld zone %u "
					  "at t_ns %lld: not %zu varints", (long long)run_id,
					  zone_idx, (long long)t, ncell);
			ret = -EINVAL;
			goto out;
		}
		x->nr_free_pages[b] += (double)sqlite3_column_int64(st, 2);
		for (int i = 0; i < VIZ_NR_WMARK; i++)
			x->wmark[i][b] += (double)sqlite3_column_int64(st, 3 + i);
		for (int k = 0; k < 3; k++) {
			double *dst = k == 0 ? x->frag_index : k == 1 ? x->unusable_index :
									x->failures;

			if (viz_blob_decode(sqlite3_column_blob(st, 7 + k),
					    (size_t)sqlite3_column_bytes(st, 7 + k), no, k < 2,
					    vals)) {
				viz_row_error_set(s, "table samples, column %s of run %lld zone %u "
						  "at t_ns %lld: not %u values", k == 0 ? "frag_index"
						  : k == 1 ? "unusable_index" : "failures",
						  (long long)run_id, zone_idx, (long long)t, no);
				ret = -EINVAL;
				goto out;
			}
			for (uint32_t o = 0; o < no; o++) {
				if (k < 2)
					dst[(size_t)b * no + o] += vals[o] / 1000.0;
				else
					dst[(size_t)b * no + o] = (double)vals[o];
			}
		}
		x->fallbacks[b] = (double)sqlite3_column_int64(st, 10);
		x->pageblock_changes[b] = (double)sqlite3_column_int64(st, 11);
		x->kswapd_wakes[b] = (double)sqlite3_column_int64(st, 12);
		count[b]++;
		x->nr_samples++;
	}
	if (rc != SQLITE_DONE) {
		ret = -EIO;
		goto out;
	}
	/* Means of the gauges, then carry state forward through empty bins. */
	for (uint32_t b = 0; b < nr_bins; b++) {
		double *gauges[] = { x->nr_free_pages, x->wmark[VIZ_WMARK_MIN],
				     x->wmark[VIZ_WMARK_LOW], x->wmark[VIZ_WMARK_HIGH],
				     x->wmark[VIZ_WMARK_BOOST] };
		double *counters[] = { x->fallbacks, x->pageblock_changes, x->kswapd_wakes };

		if (count[b]) {
			double c = count[b];

			for (size_t i = 0; i < ncell; i++)
				x->free_blocks[(size_t)b * ncell + i] /= c;
			for (uint32_t o = 0; o < no; o++) {
				x->frag_index[(size_t)b * no + o] /= c;
				x->unusable_index[(size_t)b * no + o] /= c;
			}
			for (size_t g = 0; g < 5; g++)
				gauges[g][b] /= c;
			continue;
		}
		if (!b || isnan(x->nr_free_pages[b - 1])) {
			/* No sample yet: no data, not zero. */
			for (size_t i = 0; i < ncell; i++)
				x->free_blocks[(size_t)b * ncell + i] = NAN;
			for (uint32_t o = 0; o < no; o++) {
				x->frag_index[(size_t)b * no + o] = NAN;
				x->unusable_index[(size_t)b * no + o] = NAN;
				x->failures[(size_t)b * no + o] = NAN;
			}
			for (size_t g = 0; g < 5; g++)
				gauges[g][b] = NAN;
			for (size_t g = 0; g < 3; g++)
				counters[g][b] = NAN;
			continue;
		}
		memcpy(&x->free_blocks[(size_t)b * ncell], &x->free_blocks[(size_t)(b - 1) * ncell],
		       ncell * sizeof(double));
		memcpy(&x->frag_index[(size_t)b * no], &x->frag_index[(size_t)(b - 1) * no],
		       no * sizeof(double));
		memcpy(&x->unusable_index[(size_t)b * no], &x->unusable_index[(size_t)(b - 1) * no],
		       no * sizeof(double));
		memcpy(&x->failures[(size_t)b * no], &x->failures[(size_t)(b - 1) * no],
		       no * sizeof(double));
		for (size_t g = 0; g < 5; g++)
			gauges[g][b] = gauges[g][b - 1];
		for (size_t g = 0; g < 3; g++)
			counters[g][b] = counters[g][b - 1];
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	free(count);
	if (ret)
		viz_series_release(x);
	return ret;
}

int viz_grid_heatmap(const struct viz_series *x, uint32_t mt, struct viz_grid *g)
{
	size_t ncell = (size_t)x->nr_orders * x->nr_migratetypes;

	memset(g, 0, sizeof(*g));
	if (mt >= x->nr_migratetypes)
		return -EINVAL;
	g->nx = x->nr_bins;
	g->ny = x->nr_orders;
	g->v = malloc((size_t)g->nx * g->ny * sizeof(double) + 1);
	if (!g->v)
		return -ENOMEM;
	for (uint32_t b = 0; b < g->nx; b++)
		for (uint32_t o = 0; o < g->ny; o++)
			g->v[(size_t)o * g->nx + b] =
				x->free_blocks[(size_t)b * ncell + (size_t)o * x->nr_migratetypes + mt];
	return 0;
}

int viz_grid_diff(const struct viz_grid *a, const struct viz_grid *b, struct viz_grid *g)
{
	size_t n;

	memset(g, 0, sizeof(*g));
	if (a->nx != b->nx || a->ny != b->ny)
		return -EINVAL;
	n = (size_t)a->nx * a->ny;
	g->nx = a->nx;
	g->ny = a->ny;
	g->v = malloc(n * sizeof(double) + 1);
	if (!g->v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		g->v[i] = b->v[i] - a->v[i];	/* NaN propagates */
	return 0;
}

void viz_grid_release(struct viz_grid *g)
{
	if (!g)
		return;
	free(g->v);
	memset(g, 0, sizeof(*g));
}

int viz_pbgrid_layout(const struct viz_pbmap *m, uint32_t cols, struct viz_pbgrid *g)
{
	size_t cells;

	memset(g, 0, sizeof(*g));
	if (!cols) {
		cols = (uint32_t)ceil(sqrt(2.0 * m->nr_pageblocks));
		if (!cols)
			cols = 1;
	}
	g->cols = cols;
	g->rows = (m->nr_pageblocks + cols - 1) / cols;
	if (!g->rows)
		g->rows = 1;
	cells = (size_t)g->rows * cols;
	g->mt = malloc(cells);
	g->free_frac = malloc(cells * sizeof(double));
	if (!g->mt || !g->free_frac) {
		viz_pbgrid_release(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cells; i++) {
		if (i < m->nr_pageblocks) {
			g->mt[i] = m->migratetype[i];
			g->free_frac[i] = m->pageblock_pages ?
						  (double)m->free_pages[i] / m->pageblock_pages :
						  0;
			if (g->free_frac[i] > 1)
				g->free_frac[i] = 1;
		} else {
			g->mt[i] = 255;
			g->free_frac[i] = NAN;
		}
	}
	return 0;
}

void viz_pbgrid_release(struct viz_pbgrid *g)
{
	if (!g)
		return;
	free(g->mt);
	free(g->free_frac);
	g->mt = NULL;
	g->free_frac = NULL;
}
