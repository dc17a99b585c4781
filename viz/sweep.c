// SPDX-License-Identifier: MIT
/*
 * Sweeps found among stored runs (viz_sweeps_find()): runs of one trace that
 * differ by settings, with the grid read back from each run's settings JSON
 * and each point's outcomes from its verdict, for the report's sweep figure
 * and table.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "viz_internal.h"

struct sweep_run {
	int64_t id;
	char sha[65];
	char path[256];
	json_t *settings;
	json_t *host;		/* the summary's host_settings: what an unset key meant */
};

/* Add every key of @settings not yet in @keys (at most VIZ_SWEEP_MAX_KEYS). */
static void keys_add(struct viz_sweep *sw, json_t *settings)
{
	const char *key;
	json_t *v;

	json_object_foreach(settings, key, v) {
		uint32_t k = 0;

		while (k < sw->nr_keys && strcmp(sw->keys[k], key))
			k++;
		if (k == sw->nr_keys && k < VIZ_SWEEP_MAX_KEYS)
			snprintf(sw->keys[sw->nr_keys++], sizeof(sw->keys[0]), "%s", key);
	}
}

static void value_text(const struct sweep_run *r, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(r->settings, key);

	if (!v)
		v = json_object_get(r->host, key);
	char *t = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	snprintf(buf, len, "%s", t ? t : "host");
	free(t);
}

/* Numbers sort by value, anything else as text. */
static int value_cmp(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (!*ea && !*eb && ea != a && eb != b)
		return x < y ? -1 : x > y;
	return strcmp(a, b);
}

static int point_cmp(const void *pa, const void *pb)
{
	const struct viz_sweep_point *a = pa, *b = pb;

	for (uint32_t k = 0; k < VIZ_SWEEP_MAX_KEYS; k++) {
		int c = value_cmp(a->values[k], b->values[k]);

		if (c)
			return c;
	}
	return a->run_id < b->run_id ? -1 : a->run_id > b->run_id;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Keep only the keys whose value differs between points. */
static void keys_varying(struct viz_sweep *sw, struct sweep_run **runs, size_t n)
{
	uint32_t kept = 0;

	for (uint32_t k = 0; k < sw->nr_keys; k++) {
		char first[48], other[48];
		int varies = 0;

		value_text(runs[0], sw->keys[k], first, sizeof(first));
		for (size_t i = 1; i < n && !varies; i++) {
			value_text(runs[i], sw->keys[k], other, sizeof(other));
			varies = strcmp(first, other) != 0;
		}
		if (varies)
			memmove(sw->keys[kept++], sw->keys[k], sizeof(sw->keys[0]));
	}
	sw->nr_keys = kept;
	qsort(sw->keys, kept, sizeof(sw->keys[0]), key_cmp);
}

static int point_fill(struct viz_store *s, struct viz_sweep *sw, const struct sweep_run *r,
		      int64_t t0, int64_t t1, struct viz_sweep_point *p)
{
	struct viz_verdict v;
	int ret = viz_verdict_get(s, r->id, t0, t1, &v);

	if (ret)
		return ret;
	memset(p, 0, sizeof(*p));
	p->run_id = r->id;
	for (uint32_t k = 0; k < sw->nr_keys; k++)
		value_text(r, sw->keys[k], p->values[k], sizeof(p->values[0]));
	p->high_free_end = v.high_free_end;
	p->failures = v.failures;
	p->fallbacks = v.fallbacks;
	for (size_t z = 0; z < v.nr_zones; z++)
		if (v.zones[z].nr_samples && v.zones[z].unusable_worst > p->unusable_worst)
			p->unusable_worst = v.zones[z].unusable_worst;
	viz_verdict_release(&v);
	return 0;
}

/* The sweep of the runs sharing runs[first]'s trace; marks them used. */
static int sweep_build(struct viz_store *s, struct sweep_run *runs, size_t nr, size_t first,
		       char *used, int64_t t0, int64_t t1, struct viz_sweep *sw)
{
	struct sweep_run **members = calloc(nr, sizeof(*members));
	size_t n = 0;
	int ret = 0;

	if (!members)
		return -ENOMEM;
	memset(sw, 0, sizeof(*sw));
	snprintf(sw->trace_sha256, sizeof(sw->trace_sha256), "%s", runs[first].sha);
	snprintf(sw->trace_path, sizeof(sw->trace_path), "%s", runs[first].path);
	for (size_t i = first; i < nr; i++) {
		if (used[i] || strcmp(runs[i].sha, runs[first].sha))
			continue;
		used[i] = 1;
		members[n++] = &runs[i];
		keys_add(sw, runs[i].settings);
	}
	keys_varying(sw, members, n);
	if (n >= 2 && sw->nr_keys) {
		sw->points = calloc(n, sizeof(*sw->points));
		if (!sw->points)
			ret = -ENOMEM;
		for (size_t i = 0; i < n && !ret; i++)
			ret = point_fill(s, sw, members[i], t0, t1, &sw->points[i]);
		if (!ret) {
			sw->nr_points = n;
			qsort(sw->points, n, sizeof(*sw->points), point_cmp);
		}
	}
	free(members);
	return ret;
}

/* The summary's "host_settings" object (a new reference), or NULL. */
static json_t *summary_host_settings(const char *summary_json)
{
	json_t *sum = summary_json ? json_loads(summary_json, 0, NULL) : NULL;
	json_t *host = json_object_get(sum, "host_settings");

	json_incref(host);
	json_decref(sum);
	return json_is_object(host) ? host : (json_decref(host), NULL);
}

int viz_sweeps_find(struct viz_store *s, const int64_t *run_ids, size_t nr_runs, int64_t t0_ns,
		    int64_t t1_ns, struct viz_sweep **sweeps, size_t *n)
{
	struct sweep_run *runs = calloc(nr_runs ? nr_runs : 1, sizeof(*runs));
	char *used = calloc(nr_runs ? nr_runs : 1, 1);
	struct viz_sweep *out = calloc(nr_runs ? nr_runs : 1, sizeof(*out));
	size_t nr = 0, nout = 0;
	int ret = 0;

	*sweeps = NULL;
	*n = 0;
	if (!runs || !used || !out)
		ret = -ENOMEM;
	for (size_t i = 0; i < nr_runs && !ret; i++) {
		struct viz_run r;

		if (viz_run_get(s, run_ids[i], &r))
			continue;
		if (r.trace_sha256 && strcmp(r.mode, "shadow")) {
			runs[nr].id = r.id;
			snprintf(runs[nr].sha, sizeof(runs[nr].sha), "%s", r.trace_sha256);
			snprintf(runs[nr].path, sizeof(runs[nr].path), "%s", r.trace_path);
			runs[nr].settings = json_loads(r.settings_json ? r.settings_json : "{}", 0,
						       NULL);
			if (!json_is_object(runs[nr].settings)) {
				json_decref(runs[nr].settings);
				runs[nr].settings = json_object();
			}
			runs[nr].host = summary_host_settings(r.summary_json);
			nr++;
		}
		viz_run_release(&r);
	}
	for (size_t i = 0; i < nr && !ret; i++) {
		if (used[i])
			continue;
		ret = sweep_build(s, runs, nr, i, used, t0_ns, t1_ns, &out[nout]);
		if (!ret && out[nout].nr_points)
			nout++;
	}
	for (size_t i = 0; i < nr; i++) {
		json_decref(runs[i].settings);
		json_decref(runs[i].host);
	}
	free(runs);
	free(used);
	if (ret) {
		viz_sweeps_release(out, nout + 1);
		return ret;
	}
	*sweeps = out;
	*n = nout;
	return 0;
}

void viz_sweeps_release(struct viz_sweep *sweeps, size_t n)
{
	for (size_t i = 0; sweeps && i < n; i++)
		free(sweeps[i].points);
	free(sweeps);
}
