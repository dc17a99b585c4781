// SPDX-License-Identifier: MIT
/*
 * A report: every figure of the chosen runs (and of one comparison) in PNG
 * and/or SVG, an index.html that shows them with each run's identity,
 * settings, event counts, lost events and summary, and one row in the
 * reports table for every file written. A zone's samples are resampled once
 * and the series shared by its figures, so a report reads each sample row
 * once per run (twice for the two runs of a comparison).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "draw.h"
#include "figures.h"
#include "outfile.h"
#include "report_html.h"

void viz_time_iso(int64_t unix_ms, char *buf, size_t len)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;

	if (!unix_ms || !gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void viz_fmt_seconds(int64_t t_ns, char *buf, size_t len)
{
	snprintf(buf, len, "%.3f", t_ns / 1e9);
}

int viz_file_write(const char *path, const void *data, size_t len)
{
	struct outfile of = OUTFILE_INIT;
	const uint8_t *p = data;
	int ret = outfile_open(&of, path, 0, 0666);

	while (!ret && len) {
		ssize_t n = write(of.fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (ret) {
		outfile_discard(&of);
		return ret;
	}
	return outfile_commit(&of);
}

/*
 * -o DIR given as a symlink someone else planted in a world-writable sticky
 * directory (/tmp) is not followed: the rule of fs.protected_symlinks,
 * applied whatever that sysctl says. The files inside DIR are safe anyway
 * (viz_file_write); this keeps them out of a directory the user never chose.
 */
static int out_dir_check(const char *dir)
{
	struct stat ls, ps;
	char *parent = strdup(dir), *slash;
	int ret = 0;

	if (!parent)
		return -ENOMEM;
	while ((slash = strrchr(parent, '/')) && slash > parent && !slash[1])
		*slash = '\0';
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, strlen(dir) + 1, ".");
	else
		slash[slash == parent] = '\0';
	if (!lstat(dir, &ls) && S_ISLNK(ls.st_mode) && ls.st_uid != geteuid() &&
	    !stat(parent, &ps) && (ps.st_mode & S_ISVTX) && (ps.st_mode & S_IWOTH) &&
	    ls.st_uid != ps.st_uid)
		ret = -ELOOP;
	free(parent);
	return ret;
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	int ret = 0;

	if (!p)
		return -ENOMEM;
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			ret = -errno;
		*q = '/';
	}
	if (!ret && mkdir(p, 0777) && errno != EEXIST)
		ret = -errno;
	free(p);
	return ret;
}

struct report_ctx {
	struct viz_store *s;
	const struct viz_report_opts *o;
	struct bs_error *err;
	struct membuf html;
	struct viz_figure *figs;
	size_t nr_figs;
	size_t nr_files;
};

enum fig_kind_id { FK_HEATMAP, FK_INDICES, FK_MEMMAP, FK_FIDELITY, FK_ATTRIBUTION, FK_DIFF,
		   FK_CMP_INDICES, FK_SWEEP, FK_ACTIVITY, FK_CMP_ACTIVITY };

/* Everything a figure function needs; one struct so emit() can dispatch. */
struct fig_call {
	enum fig_kind_id id;
	const struct fig_zone_data *a;
	const struct fig_zone_data *b;
	const struct viz_zone *zone;
	const struct viz_pbmap *map;
	const struct viz_fidelity_row *fid;
	size_t nr_fid;
	const struct viz_sweep *sweep;
	const struct fig_activity_data *act;	/* [nr_act] */
	size_t nr_act;
	int64_t run_id;
	int64_t base_id;
};

static const char *const kind_names[] = { "heatmap", "indices", "memmap", "fidelity",
					  "attribution", "compare-heatmap", "compare-indices", "sweep",
					  "activity", "compare-activity" };

static int call_fig(struct report_ctx *rc, const struct fig_call *fc, int svg, struct canvas *c,
		    struct viz_figure *fig)
{
	switch (fc->id) {
	case FK_HEATMAP:
		return viz_fig_heatmap(fc->a, svg, c, fig);
	case FK_INDICES:
		return viz_fig_indices(fc->a, svg, c, fig);
	case FK_MEMMAP:
		return viz_fig_memmap(fc->zone, fc->run_id, fc->map, svg, c, fig);
	case FK_FIDELITY:
		return viz_fig_fidelity(fc->run_id, fc->fid, fc->nr_fid, svg, c, fig);
	case FK_ATTRIBUTION:
		return viz_fig_attribution(rc->s, fc->run_id, svg, c, fig);
	case FK_DIFF:
		return viz_fig_diff_heatmap(fc->a, fc->b, svg, c, fig);
	case FK_CMP_INDICES:
		return viz_fig_compare_indices(fc->a, fc->b, svg, c, fig);
	case FK_SWEEP:
		return viz_fig_sweep(fc->sweep, svg, c, fig);
	case FK_ACTIVITY:
	case FK_CMP_ACTIVITY:
		return viz_fig_activity(fc->act, fc->nr_act, svg, c, fig);
	}
	return -EINVAL;
}

/*
 * Draw a figure in each format, write and index its files, and show it in
 * the HTML. (Encoding on a worker thread while the next figure draws was
 * tried: ThreadSanitizer reported races inside libcairo's object pools that
 * could not be ruled out, so files are finished here, one at a time.)
 */
static int emit(struct report_ctx *rc, const struct fig_call *fc, const char *name,
		const char *caption)
{
	struct viz_figure fig;
	struct membuf areas = { 0 };
	int ret = 0, have[2] = { 0, 0 };

	memset(&fig, 0, sizeof(fig));
	snprintf(fig.kind, sizeof(fig.kind), "%s", kind_names[fc->id]);
	snprintf(fig.name, sizeof(fig.name), "%s", name);
	for (int svg = 0; svg < 2 && !ret; svg++) {
		size_t len = strlen(rc->o->out_dir) + strlen(name) + 8;
		struct canvas c;
		char sha[65], *path;

		if (!(rc->o->formats & (svg ? VIZ_FORMAT_SVG : VIZ_FORMAT_PNG)))
			continue;
		path = malloc(len);
		if (!path) {
			viz_membuf_release(&areas);
			return -ENOMEM;
		}
		snprintf(path, len, "%s/%s.%s", rc->o->out_dir, name, svg ? "svg" : "png");
		ret = call_fig(rc, fc, svg, &c, &fig);
		if (!ret && !areas.len) {
			areas = c.areas;	/* the same cells in either format */
			memset(&c.areas, 0, sizeof(c.areas));
		}
		if (!ret)
			ret = viz_canvas_finish(&c, path, sha);
		if (ret) {
			viz_err_set(rc->err, "%s: cannot render: %s", path, strerror(-ret));
		} else {
			ret = viz_report_index(rc->s, fc->run_id, fc->base_id, fig.kind,
					       svg ? "svg" : "png", path, fig.width, fig.height, sha);
			if (ret)
				viz_err_set(rc->err, "%s: cannot index %s in the reports table",
					    rc->s->path, path);
		}
		free(path);
		rc->nr_files += !ret;
		have[svg] = !ret;
	}
	if (!ret) {
		struct viz_figure *nf = realloc(rc->figs, (rc->nr_figs + 1) * sizeof(*nf));

		if (!nf) {
			viz_membuf_release(&areas);
			return -ENOMEM;
		}
		rc->figs = nf;
		rc->figs[rc->nr_figs++] = fig;
	}
	if (!ret) {
		const char *ext = rc->o->formats & VIZ_FORMAT_PNG ? "png" : "svg";

		viz_membuf_printf(&rc->html, "<figure id=\"");
		viz_membuf_escape(&rc->html, name);
		viz_membuf_printf(&rc->html, "\"><img src=\"");
		viz_membuf_escape(&rc->html, name);
		viz_membuf_printf(&rc->html, ".%s\" width=\"%d\" height=\"%d\" alt=\"", ext, fig.width,
			      fig.height);
		viz_membuf_escape(&rc->html, caption);
		if (areas.len) {
			/* hover values: the image map of the cells viz_canvas_hover() drew */
			viz_membuf_printf(&rc->html, "\" usemap=\"#map-");
			viz_membuf_escape(&rc->html, name);
			viz_membuf_printf(&rc->html, "\"><map name=\"map-");
			viz_membuf_escape(&rc->html, name);
			viz_membuf_printf(&rc->html, "\">\n");
			viz_membuf_add(&rc->html, areas.data, areas.len);
			viz_membuf_printf(&rc->html, "</map><figcaption>");
		} else {
			viz_membuf_printf(&rc->html, "\"><figcaption>");
		}
		viz_membuf_escape(&rc->html, caption);
		for (int svg = 0; svg < 2; svg++) {
			if (!have[svg])
				continue;
			viz_membuf_printf(&rc->html, " <a href=\"");
			viz_membuf_escape(&rc->html, name);
			viz_membuf_printf(&rc->html, ".%s\">%s</a>", svg ? "svg" : "png",
				      svg ? "SVG" : "PNG");
		}
		viz_membuf_printf(&rc->html, "</figcaption></figure>\n");
	}
	viz_membuf_release(&areas);
	return ret;
}

static void html_row(struct membuf *h, const char *key, const char *value, int pre)
{
	viz_membuf_printf(h, "<tr><th>");
	viz_membuf_escape(h, key);
	viz_membuf_printf(h, "</th><td>%s", pre ? "<pre>" : "");
	viz_membuf_escape(h, value ? value : "");
	viz_membuf_printf(h, "%s</td></tr>\n", pre ? "</pre>" : "");
}

/* Flatten a JSON object into key/value rows; nested keys join with '.'. */
static void html_json_rows(struct membuf *h, const char *prefix, json_t *j, int *lost_seen)
{
	const char *key;
	json_t *v;

	json_object_foreach(j, key, v) {
		char full[256], *text = NULL;

		snprintf(full, sizeof(full), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (json_is_object(v)) {
			html_json_rows(h, full, v, lost_seen);
			continue;
		}
		if (strstr(full, "lost"))
			*lost_seen = 1;
		text = json_is_string(v) ? strdup(json_string_value(v)) :
					   json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		html_row(h, full, text, 0);
		free(text);
	}
}

/* Count the keys a JSON object flattens to (the raw summary's row count). */
static size_t json_leaf_count(json_t *j)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach(j, key, v)
		n += json_is_object(v) ? json_leaf_count(v) : 1;
	return n;
}

/*
 * A run's identity, settings, notable replay events and raw summary: folded
 * in a <details>, since the verdict above says what they add up to.
 */
static int html_run_details(struct report_ctx *rc, const struct viz_run *r, uint64_t nr_samples,
			    size_t nr_zones)
{
	struct membuf *h = &rc->html;
	sqlite3_stmt *st = NULL;
	char buf[64], *pretty = NULL;
	json_t *settings, *summary = NULL;
	int lost_seen = 0;
	uint64_t lost_events = 0;

	if (r->summary_json)
		summary = json_loads(r->summary_json, 0, NULL);
	viz_membuf_printf(h, "<details class=\"raw\" id=\"run-%lld-details\"><summary>Run identity, "
			 "settings, notable replay events and the raw summary (%zu keys)"
			 "</summary>\n<table class=\"meta\">\n",
		      (long long)r->id, json_is_object(summary) ? json_leaf_count(summary) : 0);
	html_row(h, "trace", r->trace_path, 0);
	html_row(h, "trace sha256", r->trace_sha256, 0);
	html_row(h, "mode", r->mode, 0);
	html_row(h, "kernel", r->kernel_release, 0);
	html_row(h, "host", r->host, 0);
	viz_time_iso(r->started_unix_ms, buf, sizeof(buf));
	html_row(h, "started", buf, 0);
	viz_time_iso(r->finished_unix_ms, buf, sizeof(buf));
	html_row(h, "finished", buf[0] ? buf : "(not finished)", 0);
	snprintf(buf, sizeof(buf), "%llu samples over %zu zones", (unsigned long long)nr_samples,
		 nr_zones);
	html_row(h, "samples", buf, 0);
	html_row(h, "run uuid", r->uuid, 0);
	settings = json_loads(r->settings_json ? r->settings_json : "{}", 0, NULL);
	if (settings)
		pretty = json_dumps(settings, JSON_INDENT(2) | JSON_SORT_KEYS);
	html_row(h, "settings", pretty ? pretty : r->settings_json, 1);
	free(pretty);
	json_decref(settings);
	viz_membuf_printf(h, "</table>\n");

	/* Notable replay events by kind (contradictions, failures, ...); the trace's own
	 * event counts by tracepoint and lost events are in the summary table below. */
	viz_membuf_printf(h, "<h4>Notable replay events by kind</h4>\n<table class=\"counts\"><tr><th>kind</th>"
			 "<th>events</th></tr>\n");
	if (sqlite3_prepare_v2(rc->s->db,
			       "SELECT kind, count(*) FROM events WHERE run_id = ? GROUP BY kind"
			       " ORDER BY kind",
			       -1, &st, NULL) != SQLITE_OK) {
		json_decref(summary);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);

		if (!strcmp(kind, "lost"))
			lost_events += (uint64_t)sqlite3_column_int64(st, 1);
		snprintf(buf, sizeof(buf), "%lld", (long long)sqlite3_column_int64(st, 1));
		html_row(h, kind, buf, 0);
	}
	sqlite3_finalize(st);
	viz_membuf_printf(h, "</table>\n");

	viz_membuf_printf(h, "<h4>Summary</h4>\n<table class=\"summary\">\n");
	if (json_is_object(summary))
		html_json_rows(h, "", summary, &lost_seen);
	else
		html_row(h, "summary", "(none recorded: the run did not finish)", 0);
	json_decref(summary);
	if (!lost_seen) {
		snprintf(buf, sizeof(buf), "%llu lost-event records in the events table",
			 (unsigned long long)lost_events);
		html_row(h, "lost events", lost_events ? buf : "none reported", 0);
	}
	viz_membuf_printf(h, "</table>\n</details>\n");
	return 0;
}

static int load_zone(struct report_ctx *rc, int64_t run_id, const struct viz_zone *z,
		     int64_t t0, int64_t t1, struct viz_series *x)
{
	uint32_t bins = rc->o->heatmap_bins ? rc->o->heatmap_bins : viz_fig_heatmap_bins();
	int ret = viz_series_load(rc->s, run_id, z->idx, t0, t1, bins, x);

	if (ret)
		viz_read_err(rc->err, rc->s, ret, "cannot read samples of run %lld zone %u",
			     (long long)run_id, z->idx);
	return ret;
}

/*
 * The run's sample time range cut to the report's window (--from/--to).
 * Return: 0, -ENODATA when no sample falls in it, or a read error.
 */
static int run_window(struct report_ctx *rc, int64_t run_id, int64_t *t0, int64_t *t1)
{
	int ret = viz_run_time_range(rc->s, run_id, t0, t1, NULL);

	if (ret)
		return ret;
	if (rc->o->from_ns > *t0)
		*t0 = rc->o->from_ns;
	if (rc->o->to_ns > 0 && rc->o->to_ns < *t1)
		*t1 = rc->o->to_ns;
	return *t0 <= *t1 ? 0 : -ENODATA;
}

#define MAX_MOMENTS 24

/* Moments worth a memory map: --at times, then notable events of the run. */
struct run_moments {
	struct viz_moment m[MAX_MOMENTS];
	char why[MAX_MOMENTS][64];
	size_t n;
};

static void moment_add(struct run_moments *rm, int64_t t_ns, const char *why)
{
	if (rm->n == MAX_MOMENTS || t_ns < 0)
		return;
	snprintf(rm->why[rm->n], sizeof(rm->why[0]), "%s", why);
	rm->m[rm->n].t_ns = t_ns;
	rm->m[rm->n].why = rm->why[rm->n];
	rm->n++;
}

static void run_moments_find(struct report_ctx *rc, int64_t run_id, const struct viz_verdict *v,
			     int64_t t0, int64_t t1, struct run_moments *rm)
{
	const struct viz_zone_verdict *burst = NULL;
	int64_t first_fail = -1;
	sqlite3_stmt *st = NULL;

	rm->n = 0;
	for (size_t i = 0; i < rc->o->nr_at; i++)
		moment_add(rm, rc->o->at_ns[i], "requested");
	for (size_t i = 0; i < v->nr_zones; i++) {
		const struct viz_zone_verdict *zv = &v->zones[i];

		if (zv->first_failure_t_ns >= 0 &&
		    (first_fail < 0 || zv->first_failure_t_ns < first_fail))
			first_fail = zv->first_failure_t_ns;
		if (zv->fallback_burst && (!burst || zv->fallback_burst > burst->fallback_burst))
			burst = zv;
	}
	moment_add(rm, first_fail, "first failure");
	if (burst)
		moment_add(rm, burst->fallback_burst_t_ns, "biggest fallback burst");
	for (size_t i = 0; i < v->nr_zones; i++)
		if (v->zones[i].nr_samples && v->zones[i].unusable_worst > v->zones[i].unusable_start)
			moment_add(rm, v->zones[i].unusable_worst_t_ns, "worst unusable index");
	if (sqlite3_prepare_v2(rc->s->db,
			       "SELECT kind, min(t_ns) FROM events WHERE run_id = ? AND t_ns"
			       " BETWEEN ? AND ? GROUP BY kind ORDER BY min(t_ns)",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, t0);
	sqlite3_bind_int64(st, 3, t1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char why[64];

		snprintf(why, sizeof(why), "first %.40s event", sqlite3_column_text(st, 0));
		moment_add(rm, sqlite3_column_int64(st, 1), why);
	}
	sqlite3_finalize(st);
}

/* The memory maps of a zone: the picks, each labelled with its true time and reasons. */
static int zone_memmaps(struct report_ctx *rc, int64_t run_id, const struct viz_zone *z,
			int64_t t0, int64_t t1, const struct run_moments *rm)
{
	struct viz_map_pick *picks = NULL;
	size_t n = 0;
	char name[160], cap[512], tbuf[32];
	int ret = viz_memmap_pick(rc->s, run_id, z->idx, t0, t1, rm->m, rm->n, &picks, &n);

	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the pageblock maps of run %lld "
			     "zone %u", (long long)run_id, z->idx);
		return ret;
	}
	for (size_t k = 0; k < n && !ret; k++) {
		struct fig_call fc = { .id = FK_MEMMAP, .run_id = run_id, .zone = z };
		struct viz_pbmap m;

		ret = viz_pbmap_get(rc->s, run_id, z->idx, picks[k].t_ns, &m);
		if (ret) {
			viz_read_err(rc->err, rc->s, ret, "cannot read the pageblock map of "
				     "run %lld zone %u", (long long)run_id, z->idx);
			break;
		}
		fc.map = &m;
		viz_fmt_seconds(picks[k].t_ns, tbuf, sizeof(tbuf));
		snprintf(name, sizeof(name), "run%lld-memmap-z%u-%zu", (long long)run_id, z->idx, k);
		snprintf(cap, sizeof(cap), "Run %lld, %s: pageblocks at t = %s s (shown for: %s)",
			 (long long)run_id, z->name, tbuf, picks[k].why);
		ret = emit(rc, &fc, name, cap);
		viz_pbmap_release(&m);
	}
	free(picks);
	return ret;
}

/* One zone of a run: its figures, folded when nothing happened in it. */
static int report_zone(struct report_ctx *rc, int64_t run_id, const struct viz_zone *z,
		       const struct viz_zone_verdict *zv, int64_t t0, int64_t t1,
		       const struct run_moments *rm, uint64_t *nr_samples)
{
	int quiet = zv->nr_samples && viz_html_zone_quiet(z, zv), ret = 0;
	struct viz_series x;
	struct fig_zone_data d = { run_id, z, &x };
	struct fig_call fc = { .a = &d, .run_id = run_id, .zone = z };
	char name[160], cap[256];

	viz_membuf_printf(&rc->html, "<details class=\"zone\" id=\"run-%lld-z%u\"%s><summary>"
				 "Node %d, zone ", (long long)run_id, z->idx, quiet ? "" : " open",
		      z->node);
	viz_membuf_escape(&rc->html, z->name);
	viz_membuf_printf(&rc->html, " (pfn %#llx, %llu pages spanned, %llu managed)%s</summary>\n",
		      (unsigned long long)z->start_pfn, (unsigned long long)z->spanned_pages,
		      (unsigned long long)z->managed_pages,
		      quiet ? ": nothing happened (free pages steady, no failure, fallback or "
			      "pageblock change): folded" : "");
	if (zv->nr_samples) {
		ret = load_zone(rc, run_id, z, t0, t1, &x);
		if (ret)
			return ret;
		*nr_samples += x.nr_samples;
		fc.id = FK_HEATMAP;
		snprintf(name, sizeof(name), "run%lld-heatmap-z%u", (long long)run_id, z->idx);
		snprintf(cap, sizeof(cap), "Run %lld, %s: free blocks by order over time (hover "
			 "a cell for its value)", (long long)run_id, z->name);
		ret = emit(rc, &fc, name, cap);
		if (!ret) {
			fc.id = FK_INDICES;
			snprintf(name, sizeof(name), "run%lld-indices-z%u", (long long)run_id, z->idx);
			snprintf(cap, sizeof(cap),
				 "Run %lld, %s: fragmentation and unusable free space indices, "
				 "watermarks, cumulative events. The fragmentation index is -1 "
				 "where a request of that order would succeed: no line is drawn "
				 "there.", (long long)run_id, z->name);
			ret = emit(rc, &fc, name, cap);
		}
		viz_series_release(&x);
	}
	/* maps of the whole window asked for: the start state precedes the first sample */
	if (!ret)
		ret = zone_memmaps(rc, run_id, z, rc->o->from_ns > 0 ? rc->o->from_ns : INT64_MIN,
				   rc->o->to_ns > 0 ? rc->o->to_ns : INT64_MAX, rm);
	viz_membuf_printf(&rc->html, "</details>\n");
	return ret;
}

/* One run's reclaim and compaction totals in words (escaped), for the activity section. */
static void activity_words(struct membuf *h, int64_t run_id, const struct viz_activity *a)
{
	static const char *const who[VIZ_NR_ACTIVITY_SOURCES] = { "the model", "the traced kernel" };
	char buf[320];

	for (int k = 0; k < VIZ_NR_ACTIVITY_SOURCES; k++) {
		const struct viz_activity_series *x = &a->src[k];

		if (!x->present)
			continue;
		snprintf(buf, sizeof(buf), "Run %lld, %s: kswapd ran ", (long long)run_id, who[k]);
		viz_membuf_printf(h, "<li data-source=\"%s\">", k == VIZ_ACTIVITY_TRACE ? "trace" : "model");
		viz_membuf_escape(h, buf);
		viz_membuf_printf(h, "<span data-k=\"kswapd_runs\">%llu</span> time%s",
				  (unsigned long long)x->kswapd_runs, x->kswapd_runs == 1 ? "" : "s");
		if (k == VIZ_ACTIVITY_TRACE)
			viz_membuf_printf(h, " (awake %.3f s)", x->kswapd_awake_ns / 1e9);
		viz_membuf_printf(h, ", <span data-k=\"pages_reclaimed\">%llu</span> pages reclaimed%s, "
				  "<span data-k=\"compaction_runs\">%llu</span> compaction run%s, "
				  "<span data-k=\"pages_migrated\">%llu</span> pages migrated.</li>\n",
				  (unsigned long long)x->pages_reclaimed,
				  x->reclaim_direct_only ? " by direct reclaim (the trace has no "
				  "pgsteal readings)" : "",
				  (unsigned long long)x->compaction_runs_total,
				  x->compaction_runs_total == 1 ? "" : "s",
				  (unsigned long long)x->pages_migrated);
	}
}

/*
 * Reclaim and compaction over time of one run or a comparison's two, on the
 * heatmaps' time axis ([t0, t1], the heatmaps' bins); in words when there
 * was none.
 */
static int report_activity(struct report_ctx *rc, const int64_t *ids, size_t n, int64_t t0,
			   int64_t t1, const char *anchor)
{
	uint32_t bins = rc->o->heatmap_bins ? rc->o->heatmap_bins : viz_fig_heatmap_bins();
	struct viz_activity act[2];
	struct fig_activity_data d[2];
	int ret = 0, seen = 0;
	char name[96], cap[256];

	memset(act, 0, sizeof(act));
	for (size_t i = 0; i < n && !ret; i++) {
		ret = viz_activity_load(rc->s, ids[i], t0, t1, bins, &act[i]);
		if (ret)
			viz_read_err(rc->err, rc->s, ret, "cannot read the reclaim and compaction "
				     "counters of run %lld", (long long)ids[i]);
		d[i] = (struct fig_activity_data){ ids[i], n > 1 && !i, &act[i] };
		seen |= !ret && viz_activity_seen(&act[i]);
	}
	if (ret)
		goto out;
	viz_membuf_printf(&rc->html, "<h3 id=\"%s\">Reclaim and compaction</h3>\n", anchor);
	if (!seen) {
		if (n == 1)
			viz_membuf_printf(&rc->html, "<p class=\"activity-none\">There was no reclaim or "
					  "compaction in this run%s.</p>\n",
					  act[0].src[0].present || act[0].src[1].present ? "" :
					  " that it recorded (a what-if without reclaim and compaction "
					  "models none; a trace without vmscan and compaction records "
					  "shows none)");
		else
			viz_membuf_printf(&rc->html, "<p class=\"activity-none\">There was no reclaim or "
					  "compaction in run %lld or run %lld.</p>\n",
					  (long long)ids[0], (long long)ids[1]);
		goto out;
	}
	viz_membuf_printf(&rc->html, "<ul class=\"activity\">\n");
	for (size_t i = 0; i < n; i++)
		activity_words(&rc->html, ids[i], &act[i]);
	viz_membuf_printf(&rc->html, "</ul>\n");
	{
		struct fig_call fc = { .id = n > 1 ? FK_CMP_ACTIVITY : FK_ACTIVITY, .act = d,
				       .nr_act = n, .run_id = ids[n - 1],
				       .base_id = n > 1 ? ids[0] : 0 };

		if (n > 1)
			snprintf(name, sizeof(name), "compare-%lld-%lld-activity", (long long)ids[0],
				 (long long)ids[1]);
		else
			snprintf(name, sizeof(name), "run%lld-activity", (long long)ids[0]);
		snprintf(cap, sizeof(cap), "Reclaim and compaction over time, on the heatmaps' time "
			 "axis: kswapd awake shaded, pages reclaimed and migrated (the model's solid, the "
			 "traced kernel's dashed), compaction runs as ticks (hover one for its count)");
		ret = emit(rc, &fc, name, cap);
	}
out:
	for (size_t i = 0; i < n; i++)
		viz_activity_release(&act[i]);
	return ret;
}

static int report_fidelity(struct report_ctx *rc, int64_t run_id, int64_t t0, int64_t t1)
{
	struct viz_fidelity_row *fid = NULL;
	size_t nr_fid = 0, first = 0, n = 0;
	char name[160], cap[256];
	int ret = viz_fidelity_get(rc->s, run_id, &fid, &nr_fid);

	while (!ret && first < nr_fid && fid[first].t_ns < t0)
		first++;
	while (!ret && first + n < nr_fid && fid[first + n].t_ns <= t1)
		n++;
	if (!ret && n) {
		struct fig_call fc = { .id = FK_FIDELITY, .run_id = run_id, .fid = fid + first,
				       .nr_fid = n };

		viz_membuf_printf(&rc->html, "<h3 id=\"run-%lld-fidelity\">Fidelity</h3>\n",
			      (long long)run_id);
		snprintf(name, sizeof(name), "run%lld-fidelity", (long long)run_id);
		snprintf(cap, sizeof(cap), "Run %lld: shadow-mode fidelity over time",
			 (long long)run_id);
		ret = emit(rc, &fc, name, cap);
	}
	free(fid);
	return ret;
}

static int report_attribution(struct report_ctx *rc, int64_t run_id)
{
	struct viz_attr_row *rows = NULL;
	size_t n = 0;
	char name[160], cap[256];
	int ret = viz_attribution_top(rc->s, run_id, VIZ_ATTR_BY_ALLOCATIONS, 1, &rows, &n);

	free(rows);
	if (ret || !n)
		return ret;
	{
		struct fig_call fc = { .id = FK_ATTRIBUTION, .run_id = run_id };

		viz_membuf_printf(&rc->html, "<h3 id=\"run-%lld-attribution\">Who allocates and who "
					 "fragments</h3>\n", (long long)run_id);
		snprintf(name, sizeof(name), "run%lld-attribution", (long long)run_id);
		snprintf(cap, sizeof(cap),
			 "Run %lld: allocations, failures and fallback/steal events by command "
			 "(pids merged; the whole run)", (long long)run_id);
		ret = emit(rc, &fc, name, cap);
	}
	if (!ret)
		ret = viz_html_attribution(&rc->html, rc->s, run_id);
	return ret;
}

static int report_run(struct report_ctx *rc, int64_t run_id)
{
	struct viz_run run;
	struct viz_zone *zones = NULL;
	struct viz_verdict v = { 0 };
	struct run_moments rm = { .n = 0 };
	size_t nr_zones = 0;
	int64_t t0 = 0, t1 = 0;
	uint64_t nr_samples = 0;
	int ret, have_samples;

	ret = viz_run_get(rc->s, run_id, &run);
	if (ret) {
		viz_err_set(rc->err, "%s: no run %lld in the store", rc->s->path,
			    (long long)run_id);
		return ret;
	}
	ret = viz_zones_get(rc->s, run_id, &zones, &nr_zones);
	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the zones of run %lld",
			     (long long)run_id);
		goto out;
	}
	ret = run_window(rc, run_id, &t0, &t1);
	have_samples = !ret;
	if (ret == -ENODATA) {
		/* maps and checkpoints may still be there: show those of the window */
		t0 = rc->o->from_ns;
		t1 = rc->o->to_ns > 0 ? rc->o->to_ns : INT64_MAX;
		ret = 0;
	}
	if (!ret && have_samples)
		ret = viz_verdict_get(rc->s, run_id, t0, t1, &v);
	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the samples of run %lld",
			     (long long)run_id);
		goto out;
	}
	viz_membuf_printf(&rc->html, "<section id=\"run-%lld\">\n<h2>Run %lld: %s", (long long)run.id,
		      (long long)run.id, run.mode);
	if (run.label) {
		viz_membuf_printf(&rc->html, " &mdash; ");
		viz_membuf_escape(&rc->html, run.label);
	}
	viz_membuf_printf(&rc->html, " <span class=\"status %s\">%s</span></h2>\n",
		      viz_run_status_name(run.status), viz_run_status_name(run.status));
	if (run.status != VIZ_RUN_COMPLETE)
		viz_membuf_printf(&rc->html, "<p class=\"warn\">This run did not finish normally (%s): "
					 "its figures show only what was recorded before it "
					 "stopped.</p>\n", viz_run_status_name(run.status));
	if (have_samples) {
		viz_membuf_printf(&rc->html, "<p class=\"window\">Window: t = %.3f s to %.3f s.</p>\n",
			      t0 / 1e9, t1 / 1e9);
		ret = viz_html_verdict_run(&rc->html, rc->s, &run, zones, &v);
		run_moments_find(rc, run_id, &v, t0, t1, &rm);
	} else {
		viz_membuf_printf(&rc->html, "<p class=\"warn\">No samples were recorded%s.</p>\n",
			      rc->o->from_ns || rc->o->to_ns ? " in the window" : "");
	}
	for (size_t i = 0; i < nr_zones && !ret; i++) {
		static const struct viz_zone_verdict none = { .nr_samples = 0 };

		ret = report_zone(rc, run_id, &zones[i], have_samples ? &v.zones[i] : &none, t0, t1,
				  &rm, &nr_samples);
	}
	if (!ret && have_samples) {
		char anchor[48];

		snprintf(anchor, sizeof(anchor), "run-%lld-activity", (long long)run_id);
		ret = report_activity(rc, &run_id, 1, t0, t1, anchor);
	}
	if (!ret)
		ret = report_fidelity(rc, run_id, t0, t1);
	if (!ret)
		ret = report_attribution(rc, run_id);
	if (!ret)
		ret = html_run_details(rc, &run, nr_samples, nr_zones);
	viz_membuf_printf(&rc->html, "</section>\n");
out:
	viz_verdict_release(&v);
	free(zones);
	viz_run_release(&run);
	return ret;
}

static int report_compare(struct report_ctx *rc, int64_t base, int64_t other)
{
	struct viz_zone *za = NULL, *zb = NULL;
	struct viz_verdict va = { 0 }, vb = { 0 };
	size_t na = 0, nb = 0;
	int64_t a0, a1, b0, b1, t0, t1;
	int ret;

	ret = viz_zones_get(rc->s, base, &za, &na);
	if (!ret)
		ret = viz_zones_get(rc->s, other, &zb, &nb);
	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the zones of runs %lld and %lld",
			     (long long)base, (long long)other);
		goto out;
	}
	if (run_window(rc, base, &a0, &a1) || run_window(rc, other, &b0, &b1)) {
		viz_err_set(rc->err, "%s: cannot compare runs %lld and %lld: one has no samples%s",
			    rc->s->path, (long long)base, (long long)other,
			    rc->o->from_ns || rc->o->to_ns ? " in the window" : "");
		ret = -ENODATA;
		goto out;
	}
	/* One time axis for both runs, so bins line up cell by cell. */
	t0 = a0 < b0 ? a0 : b0;
	t1 = a1 > b1 ? a1 : b1;
	ret = viz_verdict_get(rc->s, base, t0, t1, &va);
	if (!ret)
		ret = viz_verdict_get(rc->s, other, t0, t1, &vb);
	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the samples of runs %lld and %lld",
			     (long long)base, (long long)other);
		goto out;
	}
	viz_membuf_printf(&rc->html, "<section id=\"compare\">\n<h2>Comparison: run %lld (base) and "
				 "run %lld</h2>\n<p class=\"window\">Window: t = %.3f s to %.3f s."
				 "</p>\n",
		      (long long)base, (long long)other, t0 / 1e9, t1 / 1e9);
	viz_html_verdict_compare(&rc->html, za, &va, zb, &vb);
	for (size_t i = 0; i < na && !ret; i++) {
		const struct viz_zone *zo = NULL;
		struct viz_series xa, xb;
		char name[160], cap[400];

		for (size_t j = 0; j < nb; j++)
			if (zb[j].node == za[i].node && !strcmp(zb[j].name, za[i].name))
				zo = &zb[j];
		if (!zo) {
			viz_membuf_printf(&rc->html, "<p class=\"warn\">Zone ");
			viz_membuf_escape(&rc->html, za[i].name);
			viz_membuf_printf(&rc->html, " of node %d has no match in run %lld.</p>\n",
				      za[i].node, (long long)other);
			continue;
		}
		ret = load_zone(rc, base, &za[i], t0, t1, &xa);
		if (ret)
			break;
		ret = load_zone(rc, other, zo, t0, t1, &xb);
		if (ret) {
			viz_series_release(&xa);
			break;
		}
		{
			struct fig_zone_data da = { base, &za[i], &xa }, db = { other, zo, &xb };
			struct fig_call fc = { .id = FK_DIFF, .a = &da, .b = &db, .run_id = other,
					       .base_id = base };
			int quiet = viz_html_zone_quiet(&za[i], &va.zones[i]) &&
				    viz_html_zone_quiet(zo, &vb.zones[zo - zb]);
			char extra[160] = "";

			if (za[i].nr_orders != zo->nr_orders)
				snprintf(extra, sizeof(extra), " Orders %u-%u exist in run %lld only: "
					 "the other counts 0 free blocks there.",
					 za[i].nr_orders < zo->nr_orders ? za[i].nr_orders : zo->nr_orders,
					 (za[i].nr_orders > zo->nr_orders ? za[i].nr_orders : zo->nr_orders) - 1,
					 (long long)(za[i].nr_orders > zo->nr_orders ? base : other));
			viz_membuf_printf(&rc->html, "<details class=\"zone\" id=\"compare-z%u\"%s>"
						 "<summary>Node %d, zone ", za[i].idx,
				      quiet ? "" : " open", za[i].node);
			viz_membuf_escape(&rc->html, za[i].name);
			viz_membuf_printf(&rc->html, "%s</summary>\n", quiet ? ": nothing happened in "
					     "either run: folded" : "");
			snprintf(name, sizeof(name), "compare-%lld-%lld-heatmap-z%u",
				 (long long)base, (long long)other, za[i].idx);
			snprintf(cap, sizeof(cap),
				 "%s: free blocks of run %lld minus run %lld over the orders of "
				 "both runs (purple: more in run %lld; orange: fewer).%s",
				 za[i].name, (long long)other, (long long)base, (long long)other,
				 extra);
			ret = emit(rc, &fc, name, cap);
			if (!ret) {
				fc.id = FK_CMP_INDICES;
				snprintf(name, sizeof(name), "compare-%lld-%lld-indices-z%u",
					 (long long)base, (long long)other, za[i].idx);
				snprintf(cap, sizeof(cap),
					 "%s: fragmentation and unusable free space indices, run "
					 "%lld (base) beside run %lld; one colour per order in both. "
					 "No fragmentation-index line where it is -1 (the request "
					 "would succeed).",
					 za[i].name, (long long)base, (long long)other);
				ret = emit(rc, &fc, name, cap);
			}
			viz_membuf_printf(&rc->html, "</details>\n");
		}
		viz_series_release(&xa);
		viz_series_release(&xb);
	}
	if (!ret) {
		const int64_t ids[2] = { base, other };

		ret = report_activity(rc, ids, 2, t0, t1, "compare-activity");
	}
	viz_membuf_printf(&rc->html, "</section>\n");
out:
	viz_verdict_release(&va);
	viz_verdict_release(&vb);
	free(za);
	free(zb);
	return ret;
}

/* The contents entry of a run: its verdict, zones, attribution and raw details. */
static void nav_run_parts(struct report_ctx *rc, int64_t run_id)
{
	struct viz_zone *zones = NULL;
	int64_t t0, t1;
	size_t n = 0;

	viz_membuf_printf(&rc->html, "<ul><li><a href=\"#run-%lld-verdict\">verdict</a></li>",
		      (long long)run_id);
	if (!viz_zones_get(rc->s, run_id, &zones, &n)) {
		for (size_t i = 0; i < n; i++) {
			viz_membuf_printf(&rc->html, "<li><a href=\"#run-%lld-z%u\">zone ",
				      (long long)run_id, zones[i].idx);
			viz_membuf_escape(&rc->html, zones[i].name);
			viz_membuf_printf(&rc->html, "</a></li>");
		}
	}
	free(zones);
	if (!run_window(rc, run_id, &t0, &t1))	/* the section is written only with samples */
		viz_membuf_printf(&rc->html,
				  "<li><a href=\"#run-%lld-activity\">reclaim and compaction</a></li>",
				  (long long)run_id);
	viz_membuf_printf(&rc->html, "<li><a href=\"#run-%lld-attribution\">who allocates</a></li>"
				 "<li><a href=\"#run-%lld-details\">settings and raw summary</a>"
				 "</li></ul>", (long long)run_id, (long long)run_id);
}

/* Every sweep among the chosen runs: its figure and table. */
static int report_sweeps(struct report_ctx *rc, const int64_t *ids, size_t nr, size_t *nr_sweeps)
{
	struct viz_sweep *sw = NULL;
	size_t n = 0;
	int ret = viz_sweeps_find(rc->s, ids, nr, rc->o->from_ns,
				  rc->o->to_ns > 0 ? rc->o->to_ns : INT64_MAX, &sw, &n);

	if (ret) {
		viz_read_err(rc->err, rc->s, ret, "cannot read the runs' settings for sweeps");
		return ret;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		struct fig_call fc = { .id = FK_SWEEP, .sweep = &sw[i] };
		char name[64], cap[400];

		viz_membuf_printf(&rc->html, "<section id=\"sweep-%zu\">\n<h2>Sweep of ", i + 1);
		viz_membuf_escape(&rc->html, sw[i].trace_path);
		viz_membuf_printf(&rc->html, " (%zu runs)</h2>\n", sw[i].nr_points);
		viz_html_sweep_table(&rc->html, &sw[i]);
		snprintf(name, sizeof(name), "sweep-%zu-outcomes", i + 1);
		snprintf(cap, sizeof(cap), "Sweep %zu: each outcome against the settings that "
			 "vary between its %zu runs (hover a point for its run)", i + 1,
			 sw[i].nr_points);
		ret = emit(rc, &fc, name, cap);
		viz_membuf_printf(&rc->html, "</section>\n");
	}
	viz_sweeps_release(sw, n);
	*nr_sweeps = n;
	return ret;
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>buddyscope report</title>\n<style>\n"
	"body{font-family:'DejaVu Sans',sans-serif;margin:1.5em;color:#1a1a1a;max-width:1060px}\n"
	"table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;"
	"padding:.2em .6em;text-align:left;vertical-align:top}th{background:#f0f0f0}\n"
	"pre{margin:0;font-size:90%}figure{margin:1em 0}img{max-width:100%;height:auto;"
	"border:1px solid #ddd}figcaption{font-size:90%;color:#333}\n"
	".status{font-size:70%;padding:.1em .4em;border-radius:3px;background:#009e73;color:#fff}\n"
	".status.incomplete,.status.interrupted{background:#d55e00}.warn{color:#a03c00}\n"
	"section{border-top:2px solid #0072b2;margin-top:2em}\n"
	"details.zone,details.raw,details.comm{margin:.6em 0}details>summary{cursor:pointer;"
	"font-weight:bold}details.comm>summary{font-weight:normal}\n"
	".verdict{background:#f6f9fc;border-left:4px solid #0072b2;padding:.3em 1em}\n"
	".headline{font-size:105%}.note{font-size:85%;color:#444}td.better{color:#00734f}"
	"td.worse{color:#a03c00}\nnav ul ul{font-size:90%}\n"
	"</style>\n</head>\n<body>\n<h1>buddyscope report</h1>\n";

int viz_report_write(struct viz_store *s, const struct viz_report_opts *o,
		     struct viz_report_result *res, struct bs_error *err)
{
	struct viz_report_opts opts = *o;
	struct report_ctx rc = { .s = s, .o = &opts, .err = err };
	struct membuf sweeps_html = { 0 };
	size_t nr_sweeps = 0;
	int64_t *all = NULL;
	size_t nr_all = 0;
	char *index_path = NULL, sha[65], gen[64];
	int ret;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!opts.out_dir) {
		viz_err_set(err, "%s: a report needs an output directory", s->path);
		return -EINVAL;
	}
	if (!opts.formats)
		opts.formats = VIZ_FORMAT_PNG;
	ret = out_dir_check(opts.out_dir);
	if (ret) {
		viz_err_set(err, "%s: a symlink another user made in a world-writable directory: "
			    "not followed", opts.out_dir);
		return ret;
	}
	ret = mkdir_p(opts.out_dir);
	if (ret) {
		viz_err_set(err, "%s: cannot create directory: %s", opts.out_dir, strerror(-ret));
		return ret;
	}
	if (!opts.run_ids) {
		ret = viz_run_ids(s, &all, &nr_all);
		if (ret)
			return ret;
		opts.run_ids = all;
		opts.nr_runs = nr_all;
	}
	if (opts.compare_base || opts.compare_other) {
		struct viz_run r;

		for (int k = 0; k < 2; k++) {
			int64_t id = k ? opts.compare_other : opts.compare_base;

			if (viz_run_get(s, id, &r)) {
				viz_err_set(err, "%s: no run %lld to compare", s->path, (long long)id);
				free(all);
				return -ENOENT;
			}
			viz_run_release(&r);
		}
	}
	ret = viz_tx_commit(s);
	if (!ret)
		ret = viz_tx_begin(s);
	if (ret) {
		free(all);
		return ret;
	}
	viz_membuf_add(&rc.html, html_head, sizeof(html_head) - 1);
	viz_time_iso((int64_t)time(NULL) * 1000, gen, sizeof(gen));
	viz_membuf_printf(&rc.html, "<p>Store <code>");
	viz_membuf_escape(&rc.html, s->path);
	viz_membuf_printf(&rc.html, "</code>, rendered %s. Heatmaps use viridis on a log scale, "
				"differences PuOr, memory maps the Okabe&ndash;Ito colours: all "
				"readable with common colour-vision deficiencies.</p>\n",
		      gen);
	if (!opts.nr_runs)
		viz_membuf_printf(&rc.html, "<p class=\"warn\">The store holds no runs.</p>\n");
	/*
	 * Sweeps come first (the grid's answer before its runs' details); they
	 * are drawn into a buffer of their own so the contents can list them.
	 */
	sweeps_html = rc.html;
	memset(&rc.html, 0, sizeof(rc.html));
	ret = report_sweeps(&rc, opts.run_ids, opts.nr_runs, &nr_sweeps);
	{
		struct membuf t = sweeps_html;

		sweeps_html = rc.html;
		rc.html = t;
	}
	/* Contents: the sweeps, one line per run, then the comparison. */
	viz_membuf_printf(&rc.html, "<nav><ul>\n");
	for (size_t i = 0; i < nr_sweeps; i++)
		viz_membuf_printf(&rc.html, "<li><a href=\"#sweep-%zu\">Sweep %zu</a>: settings "
					"against outcomes</li>\n", i + 1, i + 1);
	for (size_t i = 0; i < opts.nr_runs; i++) {
		struct viz_run r;

		if (viz_run_get(s, opts.run_ids[i], &r))
			continue;
		viz_membuf_printf(&rc.html, "<li><a href=\"#run-%lld\">Run %lld</a>: %s, ",
			      (long long)r.id, (long long)r.id, r.mode);
		viz_membuf_escape(&rc.html, r.label ? r.label : r.trace_path);
		viz_membuf_printf(&rc.html, " (%s)", viz_run_status_name(r.status));
		nav_run_parts(&rc, r.id);
		viz_membuf_printf(&rc.html, "</li>\n");
		viz_run_release(&r);
	}
	if (opts.compare_base)
		viz_membuf_printf(&rc.html, "<li><a href=\"#compare\">Comparison of run %lld (base) "
					"and run %lld</a>: <a href=\"#compare-verdict\">would it "
					"help?</a></li>\n",
			      (long long)opts.compare_base, (long long)opts.compare_other);
	viz_membuf_printf(&rc.html, "</ul></nav>\n");
	viz_membuf_add(&rc.html, sweeps_html.data ? sweeps_html.data : (unsigned char *)"",
		   sweeps_html.len);
	viz_membuf_release(&sweeps_html);
	for (size_t i = 0; i < opts.nr_runs && !ret; i++)
		ret = report_run(&rc, opts.run_ids[i]);
	if (!ret && opts.compare_base)
		ret = report_compare(&rc, opts.compare_base, opts.compare_other);

	viz_membuf_printf(&rc.html, "</body>\n</html>\n");
	if (!ret && rc.html.failed)
		ret = -ENOMEM;
	if (!ret) {
		size_t len = strlen(opts.out_dir) + 16;

		index_path = malloc(len);
		if (!index_path) {
			ret = -ENOMEM;
		} else {
			snprintf(index_path, len, "%s/index.html", opts.out_dir);
			viz_sha256_hex(rc.html.data, rc.html.len, sha);
			ret = viz_file_write(index_path, rc.html.data, rc.html.len);
			if (ret)
				viz_err_set(err, "%s: cannot write: %s", index_path,
					    strerror(-ret));
			else
				ret = viz_report_index(s, opts.nr_runs == 1 ? opts.run_ids[0] : 0,
						       0, "index", "html", index_path, 0, 0, sha);
			rc.nr_files += !ret;
		}
	}
	if (!ret)
		ret = viz_tx_commit(s);
	else
		viz_tx_commit(s);
	if (res && !ret) {
		res->nr_files = rc.nr_files;
		res->figures = rc.figs;
		res->nr_figures = rc.nr_figs;
		rc.figs = NULL;
	}
	free(rc.figs);
	free(index_path);
	viz_membuf_release(&rc.html);
	free(all);
	return ret;
}

void viz_report_result_release(struct viz_report_result *res)
{
	if (!res)
		return;
	free(res->figures);
	memset(res, 0, sizeof(*res));
}
