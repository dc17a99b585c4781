// SPDX-License-Identifier: MIT
/*
 * replay's sink implemented with the run store: each callback of struct
 * replay_sink becomes the matching viz_* call, so replay never links SQLite.
 * Also what `replay` and `sweep` share: one run into a store, the summary
 * printout and the progress line on stderr.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "replay_sink_viz.h"

/* --help: where a setting's range and help start */
#define SETTING_HELP_COL 31
#define SETTING_HELP_INDENT "                               "

#if defined(BUDDYSCOPE_HAVE_VIZ)
#include "viz.h"
#endif

int replay_cli_setting(const char *cmd, struct replay_settings *s, const char *name,
		       const char *value)
{
	const struct replay_setting_info *si;
	struct bs_error err;

	for (size_t i = 0; (si = replay_setting_at(i)); i++) {
		if (strcmp(name, si->name))
			continue;
		if (replay_settings_set(s, name, value, &err)) {
			cli_error(cmd, "--%s", err.text);
			return -1;
		}
		return 1;
	}
	return 0;
}

size_t replay_cli_setting_options(struct option *out, size_t room, int first_val)
{
	const struct replay_setting_info *si;
	size_t n = 0;

	for (; n < room && (si = replay_setting_at(n)); n++)
		out[n] = (struct option){ si->name, required_argument, NULL, first_val + (int)n };
	return n;
}

void replay_cli_settings_help(FILE *f)
{
	const struct replay_setting_info *si;

	for (size_t i = 0; (si = replay_setting_at(i)); i++) {
		const char *help = si->help;
		int len = fprintf(f, "  --%s %s", si->name, si->arg);

		/* a range only for plain numbers: "0|1" and SECONDS say their own */
		bool range = !strcmp(si->arg, "N") || strchr(si->arg, ',');

		fprintf(f, "%*s", len < SETTING_HELP_COL ? SETTING_HELP_COL - len : 1, "");
		if (range)
			fprintf(f, "%lld..%lld", si->min, si->max);
		/* each line of the help under the first */
		for (const char *nl; *help; help = nl ? nl + 1 : help + strlen(help)) {
			nl = strchr(help, '\n');
			fprintf(f, "%s%.*s", help != si->help ? "\n" SETTING_HELP_INDENT : range ? "; " : "",
				nl ? (int)(nl - help) : (int)strlen(help), help);
		}
		fputc('\n', f);
	}
}

#if defined(BUDDYSCOPE_HAVE_VIZ)

struct viz_sink {
	struct viz_store *s;
	int64_t run_id;
	const char *trace;
	const char *grid;	/* a sweep point's grid, or NULL */
	int64_t grid_index;
	uint32_t zone_idx[64];
	uint32_t nr_zones;
	int64_t last_sample_t[64];
	int64_t last_pbmap_t[64];
};

static int64_t now_unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int vs_run_begin(void *ctx, const struct replay_run_info *info)
{
	struct viz_sink *v = ctx;
	struct viz_run_info ri = {
		.trace_path = info->trace_path,
		.trace_sha256 = NULL, /* known at the end: vs_trace_sha256() */
		.mode = info->mode,
		.label = info->label,
		.settings_json = info->settings_json,
		.kernel_release = info->kernel_release,
		.host = info->host,
		.started_unix_ms = info->started_unix_ms,
		.grid = v->grid,
		.grid_index = v->grid_index,
	};

	return viz_run_begin(v->s, &ri, &v->run_id, NULL);
}

static int vs_zone(void *ctx, const struct replay_zone *z)
{
	struct viz_sink *v = ctx;
	static const char *const dflt[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic",
					    "CMA", "Isolate" };
	const char *names5[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate" };
	struct viz_zone_info zi = {
		.node = z->node,
		.name = z->name,
		.start_pfn = z->start_pfn,
		.spanned_pages = z->spanned_pages,
		.managed_pages = z->managed_pages,
		.pageblock_order = z->pageblock_order,
		.nr_orders = z->nr_orders,
		.nr_migratetypes = z->nr_migratetypes,
		.migratetype_names = z->migratetype_names ? z->migratetype_names
				     : z->nr_migratetypes == 6 ? dflt : names5,
	};

	if (v->nr_zones == 64)
		return -ENOSPC;
	v->last_sample_t[v->nr_zones] = -1;
	v->last_pbmap_t[v->nr_zones] = -1;
	return viz_zone_add(v->s, v->run_id, &zi, &v->zone_idx[v->nr_zones++], NULL);
}

static int vs_sample(void *ctx, const struct replay_sample *s)
{
	struct viz_sink *v = ctx;
	struct viz_sample vs = {
		.t_ns = s->t_ns,
		.zone_idx = v->zone_idx[s->zone],
		.free_blocks = s->free_blocks,
		.nr_free_pages = s->nr_free_pages,
		.wmark_min = s->wmark_min,
		.wmark_low = s->wmark_low,
		.wmark_high = s->wmark_high,
		.wmark_boost = s->wmark_boost,
		.frag_index = s->frag_index,
		.unusable_index = s->unusable_index,
		.failures = s->failures,
		.fallbacks = s->fallbacks,
		.pageblock_changes = s->pageblock_changes,
		.kswapd_wakes = s->kswapd_wakes,
	};

	/* (run, zone, t) is the store's key: never send a time twice */
	if (vs.t_ns <= v->last_sample_t[s->zone]) {
		if (v->last_sample_t[s->zone] == INT64_MAX)
			return 0; /* no later time to give it */
		vs.t_ns = v->last_sample_t[s->zone] + 1;
	}
	v->last_sample_t[s->zone] = vs.t_ns;
	return viz_sample_add(v->s, v->run_id, &vs);
}

static int vs_pbmap(void *ctx, const struct replay_pbmap *m)
{
	struct viz_sink *v = ctx;
	struct viz_pbmap pm = {
		.t_ns = m->t_ns,
		.zone_idx = v->zone_idx[m->zone],
		.nr_pageblocks = m->nr_pageblocks,
		.pageblock_pages = m->pageblock_pages,
		.migratetype = (uint8_t *)m->migratetype,
		.free_pages = (uint16_t *)m->free_pages,
	};

	if (pm.t_ns <= v->last_pbmap_t[m->zone])
		pm.t_ns = v->last_pbmap_t[m->zone] + 1;
	v->last_pbmap_t[m->zone] = pm.t_ns;
	return viz_pbmap_add(v->s, v->run_id, &pm);
}

static int vs_fidelity(void *ctx, int64_t t_ns, double distance, double pfn_rate)
{
	struct viz_sink *v = ctx;

	/* NaN (nothing predicted) is stored as NULL */
	return viz_fidelity_add(v->s, v->run_id, t_ns, distance, pfn_rate);
}

static int vs_event(void *ctx, int64_t t_ns, const char *kind, const char *text)
{
	struct viz_sink *v = ctx;

	return viz_event_add(v->s, v->run_id, t_ns, kind, text);
}

static int vs_attribution(void *ctx, const char *comm, int32_t pid, uint32_t gfp, uint64_t allocs,
			  uint64_t fails, uint64_t extfrag)
{
	struct viz_sink *v = ctx;
	struct viz_attribution a = {
		.comm = comm,
		.pid = pid,
		.gfp_flags = gfp,
		.allocations = allocs,
		.failures = fails,
		.extfrag = extfrag,
	};

	return viz_attribution_add(v->s, v->run_id, &a);
}

static int vs_counters(void *ctx, int64_t t_ns, const char *const *names, const int64_t *values,
		       size_t n)
{
	struct viz_sink *v = ctx;

	return viz_counters_add(v->s, v->run_id, t_ns, names, values, n);
}

/* The replay hashed the trace while reading it: the digest comes at the end. */
static int vs_trace_sha256(void *ctx, const char *sha256_hex)
{
	struct viz_sink *v = ctx;

	return viz_run_set_trace_sha256(v->s, v->run_id, sha256_hex);
}

static int vs_run_end(void *ctx, const char *summary, bool complete)
{
	struct viz_sink *v = ctx;

	return viz_run_finish(v->s, v->run_id, complete ? VIZ_RUN_COMPLETE : VIZ_RUN_INTERRUPTED,
			      summary, now_unix_ms());
}

static const struct replay_sink viz_sink_ops = {
	.run_begin = vs_run_begin,
	.zone = vs_zone,
	.sample = vs_sample,
	.pbmap = vs_pbmap,
	.fidelity = vs_fidelity,
	.counters = vs_counters,
	.event = vs_event,
	.attribution = vs_attribution,
	.run_end = vs_run_end,
	.trace_sha256 = vs_trace_sha256,
};
#endif /* BUDDYSCOPE_HAVE_VIZ */

struct progress {
	const char *cmd;
	bool tty;
	bool shown;
	double last;
};

static void progress_cb(void *ctx, double frac, uint64_t events, double elapsed)
{
	struct progress *p = ctx;
	double rate = elapsed > 0 ? (double)events / elapsed : 0;
	double eta = frac > 0.001 ? elapsed * (1 - frac) / frac : 0;

	if (elapsed < 1.0 || elapsed - p->last < (p->tty ? 0.25 : 2.0))
		return;
	p->last = elapsed;
	p->shown = true;
	fprintf(stderr, "%sbuddyscope %s: %5.1f%%  %.*f %s events/s  ETA %.0f s%s",
		p->tty ? "\r" : "", p->cmd, frac * 100, rate >= 1e6 ? 2 : 1,
		rate >= 1e6 ? rate / 1e6 : rate / 1e3, rate >= 1e6 ? "M" : "k", eta,
		p->tty ? "  " : "\n");
}

/*
 * The summary JSON with "run_id" (the id --run, --compare and export --run
 * take; null when no store was written) after "version".
 */
static void print_json(const char *summary, int64_t run_id)
{
	json_t *in = json_loads(summary, 0, NULL), *out = json_object(), *v;
	const char *key;
	char *text = NULL;

	if (in && out && json_is_object(in)) {
		json_object_foreach(in, key, v) {
			json_object_set(out, key, v);
			if (!strcmp(key, "version"))
				json_object_set_new(out, "run_id",
						    run_id ? json_integer(run_id) : json_null());
		}
		text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	}
	printf("%s\n", text ? text : summary);
	free(text);
	json_decref(in);
	json_decref(out);
}

static void print_text(const struct replay_cli_run *r, const struct replay_result *res,
		       int64_t run_id)
{
	char *text = res->summary_json ? replay_summary_text(res->summary_json) : NULL;

	if (text)
		fputs(text, stdout);
	free(text);
	if (r->opts.paranoid)
		printf("  model_check failures: %llu\n",
		       (unsigned long long)res->model_check_failures);
	if (r->db && run_id)
		printf("  run %lld stored in %s (--run %lld)\n", (long long)run_id, r->db,
		       (long long)run_id);
	else if (r->db)
		printf("  run stored in %s\n", r->db);
}

/* A run's store and sink. */
struct cli_store {
#if defined(BUDDYSCOPE_HAVE_VIZ)
	struct viz_sink vs;
#endif
	const struct replay_sink *sink;
	void *sink_ctx;
};

/* Open @r's store (if --db); 0, or 1 after printing why not. */
static int cli_store_open(const struct replay_cli_run *r, struct cli_store *cs)
{
	memset(cs, 0, sizeof(*cs));
#if defined(BUDDYSCOPE_HAVE_VIZ)
	struct bs_error verr = { .text = "" };

	if (!r->db)
		return 0;
	cs->vs.trace = r->trace;
	cs->vs.grid = r->grid;
	cs->vs.grid_index = r->grid_index;
	if (access(r->trace, R_OK)) {
		return cli_error(r->cmd, "%s: %s", r->trace, strerror(errno));
	}
	cs->vs.s = viz_store_open(r->db, VIZ_STORE_CREATE, &verr);
	if (!cs->vs.s) {
		cli_fail(r->cmd, r->db, errno, verr.text);
		return 1;
	}
	cs->sink = &viz_sink_ops;
	cs->sink_ctx = &cs->vs;
#else
	if (r->db)
		return cli_built_without(r->cmd, "the run store (viz): --db cannot be written");
#endif
	return 0;
}

/* Report replay's outcome @ret for @r, close its store: the exit status. */
static int cli_store_close(struct replay_cli_run *r, struct cli_store *cs, int ret,
			   const struct bs_error *err, const struct replay_result *res)
{
	int status = 0;

	if (ret) {
		const char *text = err->text;
#if defined(BUDDYSCOPE_HAVE_VIZ)
		/* A store that refused a write says which file and why, better than replay can. */
		if (cs->vs.s && viz_store_error(cs->vs.s)[0])
			text = viz_store_error(cs->vs.s);
#endif
		cli_fail(r->cmd, r->trace, ret, text);
		status = 1;
	} else {
		if (res->trace_truncated)
			fprintf(stderr, "buddyscope %s: warning: %s\n", r->cmd, res->trace_problem);
		int64_t run_id = 0;
#if defined(BUDDYSCOPE_HAVE_VIZ)
		run_id = cs->vs.s ? cs->vs.run_id : 0;
#endif
		if (r->json && res->summary_json)
			print_json(res->summary_json, run_id);
		else if (!r->quiet)
			print_text(r, res, run_id);
	}
#if defined(BUDDYSCOPE_HAVE_VIZ)
	if (cs->vs.s) {
		ret = viz_store_close(cs->vs.s);
		if (ret && !status) {
			cli_error(r->cmd, "%s: the final commit failed: %s", r->db, strerror(-ret));
			status = 1;
		}
	}
#endif
	return status;
}

int replay_cli_run_one(struct replay_cli_run *r, struct replay_result *res)
{
	struct bs_error err = { .text = "" };
	struct progress prog = { .cmd = r->cmd, .tty = isatty(2) };
	struct cli_store cs;
	int ret;

	/* the store's run row gets the trace's SHA-256, hashed while the replay reads it */
	r->opts.hash_trace = r->db != NULL;
	if (cli_store_open(r, &cs)) {
		memset(res, 0, sizeof(*res));
		return 1;
	}
	if (!r->quiet) {
		r->opts.progress = progress_cb;
		r->opts.progress_ctx = &prog;
	}
	ret = replay_run(r->trace, &r->opts, cs.sink, cs.sink_ctx, res, &err);
	if (prog.shown && prog.tty)
		fprintf(stderr, "\n");
	return cli_store_close(r, &cs, ret, &err, res);
}

int replay_cli_run_many(struct replay_cli_run *runs, size_t n, unsigned int threads,
			struct replay_result *res, int *status)
{
	struct replay_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	struct cli_store *cs = calloc(n ? n : 1, sizeof(*cs));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	struct bs_error err = { .text = "" };
	size_t k = 0;
	int ret = 0;

	if (!jobs || !cs || !idx) {
		ret = -ENOMEM;
		goto out;
	}
	/* a run whose store does not open is left out */
	for (size_t i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		runs[i].opts.hash_trace = runs[i].db != NULL; /* hashed once, by the shared reader */
		status[i] = cli_store_open(&runs[i], &cs[i]);
		if (status[i])
			continue;
		jobs[k].opts = &runs[i].opts;
		jobs[k].sink = cs[i].sink;
		jobs[k].sink_ctx = cs[i].sink_ctx;
		idx[k++] = i;
	}
	if (k)
		ret = replay_run_many(runs[0].trace, jobs, k, threads, &err);
	for (size_t u = 0; u < k; u++) {
		size_t i = idx[u];

		res[i] = jobs[u].res;
		status[i] = cli_store_close(&runs[i], &cs[i], ret ? ret : jobs[u].ret,
					    ret ? &err : &jobs[u].err, &res[i]);
	}
out:
	free(idx);
	free(jobs);
	free(cs);
	return ret;
}
