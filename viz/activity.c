// SPDX-License-Identifier: MIT
/*
 * Reclaim and compaction over time: the counters table's "model.*" and
 * "trace.*" activity counters of a run put on the time bins of its
 * heatmaps (struct viz_activity, viz/SCHEMA.md "counters").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

/* The counters one source stores, and where each goes. */
enum act_counter { AC_KSWAPD_RUNS, AC_AWAKE_NS, AC_RECLAIMED, AC_DIRECT, AC_COMPACT, AC_MIGRATED,
		   AC_NR };

static const char *const act_names[VIZ_NR_ACTIVITY_SOURCES][AC_NR] = {
	[VIZ_ACTIVITY_MODEL] = { "model.kswapd_runs", NULL, "model.pages_reclaimed", NULL,
				 "model.compaction_runs", "model.pages_migrated" },
	[VIZ_ACTIVITY_TRACE] = { "trace.kswapd_runs", "trace.kswapd_awake_ns",
				 "trace.pages_reclaimed", "trace.direct_reclaimed",
				 "trace.compaction_runs", "trace.pages_migrated" },
};

struct act_rows {
	int64_t *t;
	double *v;
	size_t n, cap;
};

static int rows_push(struct act_rows *r, int64_t t, double v)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		int64_t *nt = realloc(r->t, cap * sizeof(*nt));
		double *nv;

		if (!nt)
			return -ENOMEM;
		r->t = nt;
		nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
	r->t[r->n] = t;
	r->v[r->n++] = v;
	return 0;
}

static void rows_release(struct act_rows *r)
{
	free(r->t);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* The known (non-NULL) rows of counter @name of a run, in time order. */
static int rows_load(struct viz_store *s, int64_t run_id, const char *name, struct act_rows *r)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT t_ns, value FROM counters WHERE run_id = ? AND "
			       "name = ? ORDER BY t_ns", -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(st, 0), v = sqlite3_column_int64(st, 1);

		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		if (t < 0 || t > VIZ_MAX_T_NS || v < 0) {
			viz_row_error_set(s, "table counters of run %lld, counter %s at t_ns %lld: "
					  "%s out of range", (long long)run_id, name, (long long)t,
					  v < 0 ? "value" : "t_ns");
			ret = -EINVAL;
			break;
		}
		ret = rows_push(r, t, (double)v);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = viz_sql_fail(s, NULL);
	sqlite3_finalize(st);
	return ret;
}

/* A cumulative counter's last value before @t0 (0 when none). */
static double value_before(const struct act_rows *r, int64_t t0)
{
	double before = 0;

	for (size_t i = 0; i < r->n && r->t[i] < t0; i++)
		before = r->v[i];
	return before;
}

/*
 * A cumulative counter on the bins: last value per bin, carried forward
 * from the value before the window; 0 before its first row (replay sends the trace's counters from the first
 * sample after the trace's first such record: they were 0 until then).
 */
static void cumulative_bins(const struct act_rows *r, const struct viz_activity *a, double *out)
{
	for (uint32_t b = 0; b < a->nr_bins; b++)
		out[b] = NAN;
	out[0] = value_before(r, a->t0_ns); /* 0, unless the window starts after some rows */
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i] >= a->t0_ns && r->t[i] <= a->t1_ns)
			out[viz_time_bin(r->t[i], a->t0_ns, a->t1_ns, a->nr_bins)] = r->v[i];
	for (uint32_t b = 1; b < a->nr_bins; b++)
		if (isnan(out[b]))
			out[b] = out[b - 1];
}

/* The growth of a cumulative counter over the window (a drop counts 0). */
static uint64_t window_total(const struct act_rows *r, int64_t t0, int64_t t1)
{
	double before = value_before(r, t0), last = before;

	for (size_t i = 0; i < r->n && r->t[i] <= t1; i++)
		last = r->v[i];
	return last > before ? (uint64_t)(last - before) : 0;
}

/*
 * kswapd's awake share on the bins. Between two rows (tp, t] it is the
 * growth of the awake time over t - tp (trace), or 1 when the run count
 * grew (model: its runs take no trace time); the first row's interval
 * starts at @first_tp, the run's sample before it (the counters were 0
 * then). The bin of tp itself belongs to the interval before. Each bin keeps the largest share of the
 * intervals that cover it.
 */
static void awake_bins(const struct act_rows *r, int from_runs, const struct viz_activity *a,
		       int64_t first_tp, double *out)
{
	int64_t tp = first_tp;
	double vp = 0;

	for (uint32_t b = 0; b < a->nr_bins; b++)
		out[b] = 0;
	for (size_t i = 0; i < r->n; tp = r->t[i], vp = r->v[i], i++) {
		int64_t lo = tp + 1 > a->t0_ns ? tp + 1 : a->t0_ns, hi = r->t[i] < a->t1_ns ? r->t[i] : a->t1_ns;
		double f;

		if (r->t[i] <= tp || r->v[i] <= vp || lo > hi)
			continue;
		f = from_runs ? 1 : (r->v[i] - vp) / (double)(r->t[i] - tp);
		f = f > 1 ? 1 : f;
		for (uint32_t b = viz_time_bin(lo, a->t0_ns, a->t1_ns, a->nr_bins);
		     b <= viz_time_bin(hi, a->t0_ns, a->t1_ns, a->nr_bins); b++)
			out[b] = out[b] > f ? out[b] : f;
	}
}

static int series_alloc(struct viz_activity_series *x, uint32_t nr_bins)
{
	double **arrays[] = { &x->kswapd_awake, &x->reclaimed, &x->migrated, &x->compaction_runs };

	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		*arrays[i] = calloc(nr_bins, sizeof(double));
		if (!*arrays[i])
			return -ENOMEM;
	}
	return 0;
}

/* The run's last sample time before @t_ns (any zone), 0 when none. */
/* *@t: the run's last sample time before @t_ns (0 when none). Return: 0 or a read error. */
static int sample_before(struct viz_store *s, int64_t run_id, int64_t t_ns, int64_t *t)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*t = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT MAX(t_ns) FROM samples WHERE run_id = ? AND t_ns < ?",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, t_ns);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : viz_sql_fail(s, NULL);
}

/* One source: its rows, bins and totals. */
static int source_load(struct viz_store *s, int64_t run_id, enum viz_activity_source src,
		       struct viz_activity *a)
{
	struct viz_activity_series *x = &a->src[src];
	struct act_rows rows[AC_NR];
	int ret = 0;

	memset(rows, 0, sizeof(rows));
	for (int k = 0; k < AC_NR && !ret; k++) {
		if (act_names[src][k])
			ret = rows_load(s, run_id, act_names[src][k], &rows[k]);
		x->present |= rows[k].n > 0;
	}
	if (!ret && x->present)
		ret = series_alloc(x, a->nr_bins);
	if (!ret && x->present) {
		const struct act_rows *rec = &rows[AC_RECLAIMED];

		if (!rec->n && rows[AC_DIRECT].n) {
			rec = &rows[AC_DIRECT];
			x->reclaim_direct_only = 1;
		}
		const struct act_rows *aw = rows[AC_AWAKE_NS].n ? &rows[AC_AWAKE_NS]
								 : &rows[AC_KSWAPD_RUNS];

		int64_t before = 0;

		if (aw->n && !(ret = sample_before(s, run_id, aw->t[0], &before)))
			awake_bins(aw, aw == &rows[AC_KSWAPD_RUNS], a, before, x->kswapd_awake);
		cumulative_bins(rec, a, x->reclaimed);
		cumulative_bins(&rows[AC_MIGRATED], a, x->migrated);
		cumulative_bins(&rows[AC_COMPACT], a, x->compaction_runs);
		x->kswapd_runs = window_total(&rows[AC_KSWAPD_RUNS], a->t0_ns, a->t1_ns);
		x->kswapd_awake_ns = window_total(&rows[AC_AWAKE_NS], a->t0_ns, a->t1_ns);
		x->pages_reclaimed = window_total(rec, a->t0_ns, a->t1_ns);
		x->compaction_runs_total = window_total(&rows[AC_COMPACT], a->t0_ns, a->t1_ns);
		x->compaction_runs_before = (uint64_t)value_before(&rows[AC_COMPACT], a->t0_ns);
		x->pages_migrated = window_total(&rows[AC_MIGRATED], a->t0_ns, a->t1_ns);
	}
	for (int k = 0; k < AC_NR; k++)
		rows_release(&rows[k]);
	return ret;
}

int viz_activity_load(struct viz_store *s, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
		      uint32_t nr_bins, struct viz_activity *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!s || !nr_bins || t1_ns < t0_ns)
		return -EINVAL;
	out->t0_ns = t0_ns;
	out->t1_ns = t1_ns;
	out->nr_bins = nr_bins;
	if (s->version < 2)
		return 0; /* no counters table before schema 2 */
	for (int src = 0; src < VIZ_NR_ACTIVITY_SOURCES && !ret; src++)
		ret = source_load(s, run_id, (enum viz_activity_source)src, out);
	if (ret)
		viz_activity_release(out);
	return ret;
}

void viz_activity_release(struct viz_activity *a)
{
	if (!a)
		return;
	for (int i = 0; i < VIZ_NR_ACTIVITY_SOURCES; i++) {
		free(a->src[i].kswapd_awake);
		free(a->src[i].reclaimed);
		free(a->src[i].migrated);
		free(a->src[i].compaction_runs);
	}
	memset(a->src, 0, sizeof(a->src));
}

int viz_activity_seen(const struct viz_activity *a)
{
	for (int i = 0; i < VIZ_NR_ACTIVITY_SOURCES; i++) {
		const struct viz_activity_series *x = &a->src[i];

		if (x->present && (x->kswapd_runs || x->kswapd_awake_ns || x->pages_reclaimed ||
				   x->compaction_runs_total || x->pages_migrated))
			return 1;
	}
	return 0;
}
