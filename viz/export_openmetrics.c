// SPDX-License-Identifier: MIT
/*
 * Runs in the OpenMetrics text exposition format (what Prometheus scrapes
 * and `promtool tsdb create-blocks-from openmetrics` backfills), shaped like
 * node_exporter's buddyinfo: metric families with HELP, TYPE and UNIT,
 * labels run, node, zone, order, migratetype, and "# EOF".
 *
 * Every sample of a run is a point with a timestamp: trace time in seconds
 * since the trace started (a run store does not know the trace's wall
 * clock; add the capture's start_time_unix_ns to backfill). OpenMetrics
 * wants one family's points together and each label set's points together
 * in time order, so the writer reads the samples once per family and label
 * set (one indexed query each) instead of holding them. viz/SCHEMA.md lists
 * the families.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* The label set of one series: which order, migratetype or watermark. */
struct om_series {
	const struct viz_zone *z;
	uint32_t order;
	uint32_t mt;
	uint32_t k;	/* watermark index */
};

enum om_dims {
	OM_ORDER = 1 << 0,
	OM_MT = 1 << 1,
	OM_WMARK = 1 << 2,
};

enum om_value { OM_INT, OM_MILLI };

struct om_family {
	const char *name;	/* without _total */
	const char *type;	/* gauge or counter */
	const char *unit;	/* "" when none; the name ends with _UNIT */
	const char *help;
	unsigned int dims;	/* enum om_dims */
	enum om_value value;
	int64_t (*get)(const struct viz_export_row *r, const struct om_series *ls);
};

static int64_t get_free_blocks(const struct viz_export_row *r, const struct om_series *ls)
{
	return r->fb[ls->order * ls->z->nr_migratetypes + ls->mt];
}

static int64_t get_free_pages(const struct viz_export_row *r, const struct om_series *ls)
{
	(void)ls;
	return r->v[VIZ_ROW_FREE_PAGES];
}

static int64_t get_wmark(const struct viz_export_row *r, const struct om_series *ls)
{
	return r->v[VIZ_ROW_WMARK_MIN + ls->k];
}

static int64_t get_unusable(const struct viz_export_row *r, const struct om_series *ls)
{
	return r->ui[ls->order];
}

static int64_t get_frag(const struct viz_export_row *r, const struct om_series *ls)
{
	return r->fi[ls->order];
}

static int64_t get_failures(const struct viz_export_row *r, const struct om_series *ls)
{
	return r->fl[ls->order];
}

static int64_t get_fallbacks(const struct viz_export_row *r, const struct om_series *ls)
{
	(void)ls;
	return r->v[VIZ_ROW_FALLBACKS];
}

static int64_t get_pb_changes(const struct viz_export_row *r, const struct om_series *ls)
{
	(void)ls;
	return r->v[VIZ_ROW_PB_CHANGES];
}

static int64_t get_kswapd(const struct viz_export_row *r, const struct om_series *ls)
{
	(void)ls;
	return r->v[VIZ_ROW_KSWAPD];
}

static const struct om_family families[] = {
	{ "buddyscope_free_blocks", "gauge", "blocks",
	  "Free blocks on the buddy lists of a zone by order and migratetype, as the replay's "
	  "model holds them (the numbers of /proc/pagetypeinfo).",
	  OM_ORDER | OM_MT, OM_INT, get_free_blocks },
	{ "buddyscope_zone_free_pages", "gauge", "pages", "Free pages of a zone.", 0, OM_INT,
	  get_free_pages },
	{ "buddyscope_zone_watermark_pages", "gauge", "pages",
	  "Watermarks of a zone (min, low, high include boost) and the boost itself.",
	  OM_WMARK, OM_INT, get_wmark },
	{ "buddyscope_unusable_index_ratio", "gauge", "ratio",
	  "Unusable free space index per order, 0..1 (debugfs extfrag/unusable_index).",
	  OM_ORDER, OM_MILLI, get_unusable },
	{ "buddyscope_fragmentation_index", "gauge", "",
	  "Fragmentation index per order, 0..1, or -1 where an allocation of that order "
	  "would succeed (debugfs extfrag/extfrag_index).",
	  OM_ORDER, OM_MILLI, get_frag },
	{ "buddyscope_allocation_failures", "counter", "", "Failed allocations per order.",
	  OM_ORDER, OM_INT, get_failures },
	{ "buddyscope_fallbacks", "counter", "",
	  "Allocations served from another migratetype's lists.", 0, OM_INT, get_fallbacks },
	{ "buddyscope_pageblock_changes", "counter", "", "Pageblock migratetype changes.", 0,
	  OM_INT, get_pb_changes },
	{ "buddyscope_kswapd_wakes", "counter", "", "kswapd wake-ups.", 0, OM_INT, get_kswapd },
};

static const char *const wmark_names[] = { "min", "low", "high", "boost" };

/* A label value with \, " and newline escaped. */
static void put_label_value(FILE *f, const char *t)
{
	for (; t && *t; t++) {
		if (*t == '\\' || *t == '"')
			fputc('\\', f);
		if (*t == '\n')
			fputs("\\n", f);
		else
			fputc(*t, f);
	}
}

/*
 * A point's timestamp: seconds, written as the trace time in ns with the
 * exponent e-9 ("1171249769.0e-9" is 1.171249769 s), exact to the ns and a
 * real number as OpenMetrics defines it. Not "S.NNNNNNNNN": the parser of
 * python3-prometheus-client 0.16 (Debian 12) compares such timestamps
 * field by field (0.9 s counts as later than 1.0 s) and refuses the series
 * as going backwards; an exponent within the first 9 characters after the
 * point makes it read a float. Prometheus reads every form alike.
 */
static void put_point_time(FILE *f, int64_t t_ns)
{
	fprintf(f, " %" PRId64 ".0e-9\n", t_ns);
}

static void put_series_name(FILE *f, const struct om_family *fam, int64_t run,
			    const struct om_series *ls)
{
	fprintf(f, "%s%s{run=\"%" PRId64 "\",node=\"%d\",zone=\"", fam->name,
		strcmp(fam->type, "counter") ? "" : "_total", run, ls->z->node);
	put_label_value(f, ls->z->name);
	fputc('"', f);
	if (fam->dims & OM_ORDER)
		fprintf(f, ",order=\"%u\"", ls->order);
	if (fam->dims & OM_MT) {
		fputs(",migratetype=\"", f);
		put_label_value(f, ls->z->mt_names[ls->mt]);
		fputc('"', f);
	}
	if (fam->dims & OM_WMARK)
		fprintf(f, ",watermark=\"%s\"", wmark_names[ls->k]);
	fputs("} ", f);
}

/* Every point of one series, in time order. */
static int om_series_points(struct viz_store *s, FILE *f, const struct om_family *fam,
			    int64_t run, const struct om_series *ls, struct viz_export_row *r,
			    uint64_t *points, struct bs_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, viz_export_zone_samples_sql, -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, err);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, ls->z->idx);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (viz_export_row_decode(st, ls->z, r)) {
			viz_err_set(err, "%s: run %" PRId64 " has a damaged sample", s->path, run);
			ret = -EINVAL;
			break;
		}
		put_series_name(f, fam, run, ls);
		if (fam->value == OM_MILLI)
			viz_put_milli(f, fam->get(r, ls));
		else
			fprintf(f, "%" PRId64, fam->get(r, ls));
		put_point_time(f, r->t_ns);
		(*points)++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = viz_sql_fail(s, err);
	sqlite3_finalize(st);
	return ret;
}

/* Every series of a family in one zone: the label sets its dimensions span. */
static int om_zone(struct viz_store *s, FILE *f, const struct om_family *fam, int64_t run,
		   const struct viz_zone *z, struct viz_export_row *r, uint64_t *points,
		   struct bs_error *err)
{
	uint32_t no = fam->dims & OM_ORDER ? z->nr_orders : 1;
	uint32_t nm = fam->dims & OM_MT ? z->nr_migratetypes : 1;
	uint32_t nk = fam->dims & OM_WMARK ? 4 : 1;
	int ret = 0;

	for (uint32_t o = 0; o < no && !ret; o++)
		for (uint32_t m = 0; m < nm && !ret; m++)
			for (uint32_t k = 0; k < nk && !ret; k++) {
				struct om_series ls = { z, o, m, k };

				ret = om_series_points(s, f, fam, run, &ls, r, points, err);
			}
	return ret;
}

static int om_family(struct viz_store *s, FILE *f, const struct om_family *fam,
		     const int64_t *ids, size_t n, struct viz_export_row *r, uint64_t *points,
		     struct bs_error *err)
{
	int ret = 0;

	fprintf(f, "# TYPE %s %s\n", fam->name, fam->type);
	if (fam->unit[0])
		fprintf(f, "# UNIT %s %s\n", fam->name, fam->unit);
	fprintf(f, "# HELP %s %s\n", fam->name, fam->help);
	for (size_t i = 0; i < n && !ret; i++) {
		struct viz_zone *zones = NULL;
		size_t nz = 0;

		ret = viz_zones_get(s, ids[i], &zones, &nz);
		if (ret) {
			viz_read_err(err, s, ret, "cannot read the zones of run %" PRId64, ids[i]);
			break;
		}
		for (size_t zi = 0; zi < nz && !ret; zi++)
			ret = om_zone(s, f, fam, ids[i], &zones[zi], r, points, err);
		free(zones);
	}
	return ret;
}

/* The counters table: one counter family, label counter="model.pcp_refills", .... */
static int om_replay_counters(struct viz_store *s, FILE *f, const int64_t *ids, size_t n,
			      uint64_t *points, struct bs_error *err)
{
	int ret = 0;

	fputs("# TYPE buddyscope_replay counter\n"
	      "# HELP buddyscope_replay Cumulative counters of a replay: model.* what the model "
	      "did, trace.* what the trace shows (replay/SUMMARY.md).\n", f);
	for (size_t i = 0; i < n && !ret; i++) {
		sqlite3_stmt *st = NULL;
		int rc;

		if (sqlite3_prepare_v2(s->db, "SELECT name, t_ns, value FROM counters WHERE"
				       " run_id = ? AND value IS NOT NULL AND t_ns >= 0"
				       " ORDER BY name, t_ns", -1, &st, NULL) != SQLITE_OK)
			return viz_sql_fail(s, err);
		sqlite3_bind_int64(st, 1, ids[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t v = (int64_t)sqlite3_column_int64(st, 2);

			if (v < 0)
				continue; /* a counter must not be negative */
			fprintf(f, "buddyscope_replay_total{run=\"%" PRId64 "\",counter=\"", ids[i]);
			put_label_value(f, (const char *)sqlite3_column_text(st, 0));
			fprintf(f, "\"} %" PRId64, v);
			put_point_time(f, (int64_t)sqlite3_column_int64(st, 1));
			(*points)++;
		}
		if (rc != SQLITE_DONE)
			ret = viz_sql_fail(s, err);
		sqlite3_finalize(st);
	}
	return ret;
}

int viz_export_openmetrics(struct viz_store *s, const int64_t *ids, size_t n, FILE *f,
			   uint64_t *samples, struct bs_error *err)
{
	struct viz_export_row *r = malloc(sizeof(*r));
	int ret = 0;

	if (!r)
		return -ENOMEM;
	*samples = 0;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]) && !ret; i++)
		ret = om_family(s, f, &families[i], ids, n, r, samples, err);
	if (!ret)
		ret = om_replay_counters(s, f, ids, n, samples, err);
	fputs("# EOF\n", f);
	free(r);
	return ret;
}
