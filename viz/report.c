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
	struct viz_error *err;
	struct membuf html;
	struct viz_figure *figs;
	size_t nr_figs;
	size_t nr_files;
};

enum fig_kind_id { FK_HEATMAP, FK_INDICES, FK_MEMMAP, FK_FIDELITY, FK_ATTRIBUTION, FK_DIFF,
		   FK_CMP_INDICES };

/* Everything a figure function needs; one struct so emit() can dispatch. */
struct fig_call {
	enum fig_kind_id id;
	const struct fig_zone_data *a;
	const struct fig_zone_data *b;
	const struct viz_zone *zone;
	const struct viz_pbmap *map;
	const struct viz_fidelity_row *fid;
	size_t nr_fid;
	int64_t run_id;
	int64_t base_id;
};

static const char *const kind_names[] = { "heatmap", "indices", "memmap", "fidelity",
					  "attribution", "compare-heatmap", "compare-indices" };

static int call_fig(struct report_ctx *rc, const struct fig_call *fc, int svg, struct canvas *c,
		    struct viz_figure *fig)
{
	switch (fc->id) {
	case FK_HEATMAP:
		return fig_heatmap(fc->a, svg, c, fig);
	case FK_INDICES:
		return fig_indices(fc->a, svg, c, fig);
	case FK_MEMMAP:
		return fig_memmap(fc->zone, fc->run_id, fc->map, svg, c, fig);
	case FK_FIDELITY:
		return fig_fidelity(fc->run_id, fc->fid, fc->nr_fid, svg, c, fig);
	case FK_ATTRIBUTION:
		return fig_attribution(rc->s, fc->run_id, svg, c, fig);
	case FK_DIFF:
		return fig_diff_heatmap(fc->a, fc->b, svg, c, fig);
	case FK_CMP_INDICES:
		return fig_compare_indices(fc->a, fc->b, svg, c, fig);
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
		if (!path)
			return -ENOMEM;
		snprintf(path, len, "%s/%s.%s", rc->o->out_dir, name, svg ? "svg" : "png");
		ret = call_fig(rc, fc, svg, &c, &fig);
		if (!ret)
			ret = canvas_finish(&c, path, sha);
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

		if (!nf)
			return -ENOMEM;
		rc->figs = nf;
		rc->figs[rc->nr_figs++] = fig;
	}
	if (!ret) {
		const char *ext = rc->o->formats & VIZ_FORMAT_PNG ? "png" : "svg";

		membuf_printf(&rc->html, "<figure><img src=\"");
		membuf_escape(&rc->html, name);
		membuf_printf(&rc->html, ".%s\" width=\"%d\" height=\"%d\" alt=\"", ext, fig.width,
			      fig.height);
		membuf_escape(&rc->html, caption);
		membuf_printf(&rc->html, "\"><figcaption>");
		membuf_escape(&rc->html, caption);
		for (int svg = 0; svg < 2; svg++) {
			if (!have[svg])
				continue;
			membuf_printf(&rc->html, " <a href=\"");
			membuf_escape(&rc->html, name);
			membuf_printf(&rc->html, ".%s\">%s</a>", svg ? "svg" : "png",
				      svg ? "SVG" : "PNG");
		}
		membuf_printf(&rc->html, "</figcaption></figure>\n");
	}
	return ret;
}

static void html_row(struct membuf *h, const char *key, const char *value, int pre)
{
	membuf_printf(h, "<tr><th>");
	membuf_escape(h, key);
	membuf_printf(h, "</th><td>%s", pre ? "<pre>" : "");
	membuf_escape(h, value ? value : "");
	membuf_printf(h, "%s</td></tr>\n", pre ? "</pre>" : "");
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

static int html_run_header(struct report_ctx *rc, const struct viz_run *r, uint64_t nr_samples,
			   size_t nr_zones)
{
	struct membuf *h = &rc->html;
	sqlite3_stmt *st = NULL;
	char buf[64], *pretty = NULL;
	json_t *settings, *summary = NULL;
	int lost_seen = 0;
	uint64_t lost_events = 0;

	membuf_printf(h, "<section id=\"run-%lld\">\n<h2>Run %lld: %s", (long long)r->id,
		      (long long)r->id, r->mode);
	if (r->label) {
		membuf_printf(h, " &mdash; ");
		membuf_escape(h, r->label);
	}
	membuf_printf(h, " <span class=\"status %s\">%s</span></h2>\n",
		      viz_run_status_name(r->status), viz_run_status_name(r->status));
	if (r->status != VIZ_RUN_COMPLETE)
		membuf_printf(h, "<p class=\"warn\">This run did not finish normally (%s): its "
				 "figures show only what was recorded before it stopped.</p>\n",
			      viz_run_status_name(r->status));
	membuf_printf(h, "<table class=\"meta\">\n");
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
	membuf_printf(h, "</table>\n");

	/* Notable replay events by kind (contradictions, failures, ...); the trace's own
	 * event counts by tracepoint and lost events are in the summary table below. */
	membuf_printf(h, "<h3>Notable replay events by kind</h3>\n<table class=\"counts\"><tr><th>kind</th>"
			 "<th>events</th></tr>\n");
	if (sqlite3_prepare_v2(rc->s->db,
			       "SELECT kind, count(*) FROM events WHERE run_id = ? GROUP BY kind"
			       " ORDER BY kind",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);

		if (!strcmp(kind, "lost"))
			lost_events += (uint64_t)sqlite3_column_int64(st, 1);
		snprintf(buf, sizeof(buf), "%lld", (long long)sqlite3_column_int64(st, 1));
		html_row(h, kind, buf, 0);
	}
	sqlite3_finalize(st);
	membuf_printf(h, "</table>\n");

	membuf_printf(h, "<h3>Summary</h3>\n<table class=\"summary\">\n");
	if (r->summary_json)
		summary = json_loads(r->summary_json, 0, NULL);
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
	membuf_printf(h, "</table>\n");
	return 0;
}

static int load_zone(struct report_ctx *rc, int64_t run_id, const struct viz_zone *z,
		     int64_t t0, int64_t t1, struct viz_series *x)
{
	uint32_t bins = rc->o->heatmap_bins ? rc->o->heatmap_bins : fig_heatmap_bins();
	int ret = viz_series_load(rc->s, run_id, z->idx, t0, t1, bins, x);

	if (ret)
		viz_read_err(rc->err, rc->s, ret, "cannot read samples of run %lld zone %u",
			     (long long)run_id, z->idx);
	return ret;
}

static int report_run(struct report_ctx *rc, int64_t run_id)
{
	struct viz_run run;
	struct viz_zone *zones = NULL;
	struct viz_fidelity_row *fid = NULL;
	size_t nr_zones = 0, nr_fid = 0;
	int64_t t0 = 0, t1 = 0;
	uint64_t nr_samples = 0;
	struct membuf outer, body;
	char name[160], cap[256];
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
	ret = viz_run_time_range(rc->s, run_id, &t0, &t1, NULL);
	have_samples = !ret;
	if (ret == -ENODATA)
		ret = 0;
	if (ret)
		goto out;
	/*
	 * The zones' HTML goes to a buffer of its own: the header above it
	 * counts the samples, which are known once the zones are read.
	 */
	outer = rc->html;
	memset(&rc->html, 0, sizeof(rc->html));
	if (!have_samples)
		membuf_printf(&rc->html, "<p class=\"warn\">No samples were recorded.</p>\n");
	for (size_t i = 0; i < nr_zones && !ret; i++) {
		const struct viz_zone *z = &zones[i];
		struct viz_series x;
		struct fig_zone_data d = { run_id, z, &x };
		struct fig_call fc = { .a = &d, .run_id = run_id, .zone = z };
		int64_t *times = NULL;
		size_t nr_times = 0;

		membuf_printf(&rc->html, "<h3>Node %d, zone ", z->node);
		membuf_escape(&rc->html, z->name);
		membuf_printf(&rc->html, " (pfn %#llx, %llu pages spanned, %llu managed)</h3>\n",
			      (unsigned long long)z->start_pfn,
			      (unsigned long long)z->spanned_pages,
			      (unsigned long long)z->managed_pages);
		if (have_samples) {
			ret = load_zone(rc, run_id, z, t0, t1, &x);
			if (ret)
				break;
			nr_samples += x.nr_samples;
			fc.id = FK_HEATMAP;
			snprintf(name, sizeof(name), "run%lld-heatmap-z%u", (long long)run_id, z->idx);
			snprintf(cap, sizeof(cap), "Run %lld, %s: free blocks by order over time",
				 (long long)run_id, z->name);
			ret = emit(rc, &fc, name, cap);
			if (!ret) {
				fc.id = FK_INDICES;
				snprintf(name, sizeof(name), "run%lld-indices-z%u", (long long)run_id,
					 z->idx);
				snprintf(cap, sizeof(cap),
					 "Run %lld, %s: fragmentation and unusable free space "
					 "indices, watermarks, cumulative events",
					 (long long)run_id, z->name);
				ret = emit(rc, &fc, name, cap);
			}
			viz_series_release(&x);
		}
		if (!ret)
			ret = viz_pbmap_times(rc->s, run_id, z->idx, &times, &nr_times);
		for (size_t k = 0; k < nr_times && !ret; k++) {
			struct viz_pbmap m;
			char tbuf[32];

			ret = viz_pbmap_get(rc->s, run_id, z->idx, times[k], &m);
			if (ret) {
				viz_read_err(rc->err, rc->s, ret, "cannot read the pageblock map of "
					     "run %lld zone %u", (long long)run_id, z->idx);
				break;
			}
			fc.id = FK_MEMMAP;
			fc.map = &m;
			viz_fmt_seconds(times[k], tbuf, sizeof(tbuf));
			snprintf(name, sizeof(name), "run%lld-memmap-z%u-%zu", (long long)run_id,
				 z->idx, k);
			snprintf(cap, sizeof(cap), "Run %lld, %s: pageblocks at t = %s s",
				 (long long)run_id, z->name, tbuf);
			ret = emit(rc, &fc, name, cap);
			viz_pbmap_release(&m);
		}
		free(times);
	}
	if (!ret)
		ret = viz_fidelity_get(rc->s, run_id, &fid, &nr_fid);
	if (!ret && nr_fid) {
		struct fig_call fc = { .id = FK_FIDELITY, .run_id = run_id, .fid = fid,
				       .nr_fid = nr_fid };

		membuf_printf(&rc->html, "<h3>Fidelity</h3>\n");
		snprintf(name, sizeof(name), "run%lld-fidelity", (long long)run_id);
		snprintf(cap, sizeof(cap), "Run %lld: shadow-mode fidelity over time",
			 (long long)run_id);
		ret = emit(rc, &fc, name, cap);
	}
	if (!ret) {
		struct viz_attr_row *rows = NULL;
		size_t n = 0;

		ret = viz_attribution_top(rc->s, run_id, VIZ_ATTR_BY_ALLOCATIONS, 1, &rows, &n);
		free(rows);
		if (!ret && n) {
			struct fig_call fc = { .id = FK_ATTRIBUTION, .run_id = run_id };

			membuf_printf(&rc->html, "<h3>Attribution</h3>\n");
			snprintf(name, sizeof(name), "run%lld-attribution", (long long)run_id);
			snprintf(cap, sizeof(cap),
				 "Run %lld: allocations, failures and fallback/steal events by "
				 "command, pid and gfp flags",
				 (long long)run_id);
			ret = emit(rc, &fc, name, cap);
		}
	}
	membuf_printf(&rc->html, "</section>\n");
	body = rc->html;
	rc->html = outer;
	if (!ret)
		ret = html_run_header(rc, &run, nr_samples, nr_zones);
	membuf_add(&rc->html, body.data ? body.data : (unsigned char *)"", body.len);
	membuf_release(&body);
out:
	free(fid);
	free(zones);
	viz_run_release(&run);
	return ret;
}

static int report_compare(struct report_ctx *rc, int64_t base, int64_t other)
{
	struct viz_zone *za = NULL, *zb = NULL;
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
	if (viz_run_time_range(rc->s, base, &a0, &a1, NULL) ||
	    viz_run_time_range(rc->s, other, &b0, &b1, NULL)) {
		viz_err_set(rc->err, "%s: cannot compare runs %lld and %lld: one has no samples",
			    rc->s->path, (long long)base, (long long)other);
		ret = -ENODATA;
		goto out;
	}
	/* One time axis for both runs, so bins line up cell by cell. */
	t0 = a0 < b0 ? a0 : b0;
	t1 = a1 > b1 ? a1 : b1;
	membuf_printf(&rc->html, "<section id=\"compare\">\n<h2>Comparison: run %lld (base) and "
				 "run %lld</h2>\n",
		      (long long)base, (long long)other);
	for (size_t i = 0; i < na && !ret; i++) {
		const struct viz_zone *zo = NULL;
		struct viz_series xa, xb;
		char name[160], cap[256];

		for (size_t j = 0; j < nb; j++)
			if (zb[j].node == za[i].node && !strcmp(zb[j].name, za[i].name))
				zo = &zb[j];
		if (!zo) {
			membuf_printf(&rc->html, "<p class=\"warn\">Zone ");
			membuf_escape(&rc->html, za[i].name);
			membuf_printf(&rc->html, " of node %d has no match in run %lld.</p>\n",
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

			snprintf(name, sizeof(name), "compare-%lld-%lld-heatmap-z%u",
				 (long long)base, (long long)other, za[i].idx);
			snprintf(cap, sizeof(cap),
				 "%s: free blocks of run %lld minus run %lld (purple: more in run "
				 "%lld; orange: fewer)",
				 za[i].name, (long long)other, (long long)base, (long long)other);
			ret = emit(rc, &fc, name, cap);
			if (!ret) {
				fc.id = FK_CMP_INDICES;
				snprintf(name, sizeof(name), "compare-%lld-%lld-indices-z%u",
					 (long long)base, (long long)other, za[i].idx);
				snprintf(cap, sizeof(cap),
					 "%s: fragmentation and unusable free space indices, run "
					 "%lld (base) beside run %lld",
					 za[i].name, (long long)base, (long long)other);
				ret = emit(rc, &fc, name, cap);
			}
		}
		viz_series_release(&xa);
		viz_series_release(&xb);
	}
	membuf_printf(&rc->html, "</section>\n");
out:
	free(za);
	free(zb);
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
	"</style>\n</head>\n<body>\n<h1>buddyscope report</h1>\n";

int viz_report_write(struct viz_store *s, const struct viz_report_opts *o,
		     struct viz_report_result *res, struct viz_error *err)
{
	struct viz_report_opts opts = *o;
	struct report_ctx rc = { .s = s, .o = &opts, .err = err };
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
	membuf_add(&rc.html, html_head, sizeof(html_head) - 1);
	viz_time_iso((int64_t)time(NULL) * 1000, gen, sizeof(gen));
	membuf_printf(&rc.html, "<p>Store <code>");
	membuf_escape(&rc.html, s->path);
	membuf_printf(&rc.html, "</code>, rendered %s. Heatmaps use viridis on a log scale, "
				"differences PuOr, memory maps the Okabe&ndash;Ito colours: all "
				"readable with common colour-vision deficiencies.</p>\n",
		      gen);
	if (!opts.nr_runs)
		membuf_printf(&rc.html, "<p class=\"warn\">The store holds no runs.</p>\n");
	/* Contents: one line per run, then the comparison. */
	membuf_printf(&rc.html, "<nav><ul>\n");
	for (size_t i = 0; i < opts.nr_runs; i++) {
		struct viz_run r;

		if (viz_run_get(s, opts.run_ids[i], &r))
			continue;
		membuf_printf(&rc.html, "<li><a href=\"#run-%lld\">Run %lld</a>: %s, ",
			      (long long)r.id, (long long)r.id, r.mode);
		membuf_escape(&rc.html, r.label ? r.label : r.trace_path);
		membuf_printf(&rc.html, " (%s)</li>\n", viz_run_status_name(r.status));
		viz_run_release(&r);
	}
	if (opts.compare_base)
		membuf_printf(&rc.html, "<li><a href=\"#compare\">Comparison of run %lld (base) "
					"and run %lld</a></li>\n",
			      (long long)opts.compare_base, (long long)opts.compare_other);
	membuf_printf(&rc.html, "</ul></nav>\n");
	for (size_t i = 0; i < opts.nr_runs && !ret; i++)
		ret = report_run(&rc, opts.run_ids[i]);
	if (!ret && opts.compare_base)
		ret = report_compare(&rc, opts.compare_base, opts.compare_other);
	membuf_printf(&rc.html, "</body>\n</html>\n");
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
	membuf_release(&rc.html);
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
