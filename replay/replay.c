// SPDX-License-Identifier: MIT
/*
 * The run as a few named phases: open (header, model, prescan, start state,
 * announce to the sink), feed (dispatch.c: one record at a time through the
 * reorder window to its concern), finish (drain, last samples, summary,
 * run_end); and the helpers every concern uses (sink errors, notable
 * events, contradictions).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reorder.h"
#include "replay_internal.h"

const char *const replay_contra_names[RC_NR] = {
	[RC_FREE_OF_FREE] = "free_of_free_page",
	[RC_ALLOC_OF_ALLOCATED] = "alloc_of_allocated_page",
	[RC_DRAIN_NOT_ON_PCP] = "drain_not_on_pcp",
	[RC_OUTSIDE] = "pfn_outside_zones",
	[RC_CROSSES_ZONE] = "block_crosses_zone",
	[RC_MISALIGNED] = "misaligned_pfn",
	[RC_WHATIF_FREE_CONFLICT] = "whatif_free_conflict",
	[RC_STALE_PCP] = "stale_pcp_entries",
};

int replay_sink_ok(struct replay_ctx *c, int ret)
{
	if (ret && !c->sink_ret)
		c->sink_ret = ret < 0 ? ret : -EIO;
	return c->sink_ret;
}

/* Trace time since the first event, saturating at INT64_MAX (file timestamps are u64). */
int64_t replay_rel_ns(const struct replay_ctx *c, uint64_t ts)
{
	uint64_t d = c->clock.have_t0 && ts > c->clock.t0 ? ts - c->clock.t0 : 0;

	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

void replay_notable(struct replay_ctx *c, uint64_t ts, const char *kind, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (c->out.notable >= MAX_NOTABLE || !c->sink || !c->sink->event || c->sink_ret)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	c->out.notable++;
	replay_sink_ok(c, c->sink->event(c->sink_ctx, replay_rel_ns(c, ts), kind, text));
}

void replay_count_contra(struct replay_ctx *c, enum replay_contra k, uint64_t ts, uint64_t pfn)
{
	/* inside a compaction window the buddy changes unseen: counted apart (reclaim.c) */
	if (c->mode == REPLAY_SHADOW && replay_mm_expected(c)) {
		c->mm.contra_expected[k]++;
		return;
	}
	if (c->count.contra[k]++ == 0)
		replay_notable(c, ts, "contradiction", "first %s (pfn %#llx)", replay_contra_names[k],
			(unsigned long long)pfn);
	if (c->count.uncertain)
		c->count.contra_uncertain++;
}

void replay_count_model_contra_seen(struct replay_ctx *c, enum model_contradiction mc,
				    uint64_t ts, uint64_t pfn)
{
	/* The replay's counter of each contradiction the model reports, plus one: 0 counts none. */
	static const unsigned char counter_of[] = {
		[MODEL_CONTRA_OUTSIDE] = RC_OUTSIDE + 1,
		[MODEL_CONTRA_CROSSES_ZONE] = RC_CROSSES_ZONE + 1,
		[MODEL_CONTRA_MISALIGNED] = RC_MISALIGNED + 1,
		[MODEL_CONTRA_ALREADY_FREE] = RC_FREE_OF_FREE + 1,
		[MODEL_CONTRA_NOT_FREE] = RC_ALLOC_OF_ALLOCATED + 1,
		[MODEL_CONTRA_NOT_ON_PCP] = RC_DRAIN_NOT_ON_PCP + 1,
	};

	if ((unsigned int)mc < sizeof(counter_of) && counter_of[mc])
		replay_count_contra(c, (enum replay_contra)(counter_of[mc] - 1), ts, pfn);
}

struct cpu_state *replay_cpu_state_grow(struct replay_ctx *c, uint32_t cpu)
{
	if (cpu >= c->nr_cpu_states) {
		unsigned int n = cpu + 1 > 2 * c->nr_cpu_states ? cpu + 1 : 2 * c->nr_cpu_states;
		struct cpu_state *p = realloc(c->cpus, n * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + c->nr_cpu_states, 0, (n - c->nr_cpu_states) * sizeof(*p));
		c->cpus = p;
		c->nr_cpu_states = n;
	}
	return &c->cpus[cpu];
}

void replay_opts_init(struct replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = REPLAY_SHADOW;
	replay_settings_init(&o->settings);
}

void replay_result_release(struct replay_result *res)
{
	if (!res)
		return;
	free(res->summary_json);
	res->summary_json = NULL;
}

static bool settings_changed(const struct replay_settings *s)
{
	char *j = replay_settings_json(s);
	bool changed = j && strcmp(j, "{}");

	free(j);
	return changed;
}

/* Frees @c and everything it holds; safe on a half-opened context. */
static void ctx_destroy(struct replay_ctx *c)
{
	if (!c)
		return;
	if (!c->rd_shared)
		tracefmt_reader_close(c->rd);
	model_destroy(c->m);
	replay_header_release(&c->hdr);
	replay_reorder_release(&c->ro);
	replay_prescan_release(&c->ps);
	replay_shadow_release(c);
	replay_whatif_release(c);
	replay_attribution_release(c);
	replay_samples_release(c);
	free(c->cfg_owned);
	free(c);
}

/* Why model_create() said no, naming the field when the config checks name one. */
static void model_refusal_explain(const char *trace_path, const struct model_config *cfg, int ret,
				  struct bs_error *err)
{
	struct model_config_fault f;

	if (ret == -EINVAL && model_config_check(cfg, &f) && f.field) {
		char zone[48] = "";

		if (f.zone >= 0)
			snprintf(zone, sizeof(zone), "zone %d (%s) ", f.zone, cfg->zones[f.zone].name);
		replay_err_set(err, "%s: the model cannot hold this configuration: %s%s is out of "
			       "range (%u orders, pageblock order %u, %u cpus, %u zones)",
			       trace_path, zone, f.field, cfg->nr_page_orders, cfg->pageblock_order,
			       cfg->nr_cpus, cfg->nr_zones);
		return;
	}
	replay_err_set(err, "%s: the model refused this configuration (%u orders, pageblock order "
		       "%u, %u cpus, %u zones, min_free_kbytes %llu, watermark_scale_factor %u): %s",
		       trace_path, cfg->nr_page_orders, cfg->pageblock_order, cfg->nr_cpus,
		       cfg->nr_zones, (unsigned long long)cfg->min_free_kbytes,
		       (unsigned)cfg->watermark_scale_factor, strerror(-ret));
}

/*
 * The model takes about 11 bytes per page frame of the zones' spans
 * (model.h), allocated at once by model_create(), which nothing can
 * interrupt: a header declaring more than half of this machine's memory in
 * model state is refused before it, with the figure.
 */
#define MODEL_BYTES_PER_FRAME 12ull

static int model_fits_memory(const char *path, const struct model_config *cfg,
			     struct bs_error *err)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t frames = 0, need, have;

	for (unsigned int z = 0; z < cfg->nr_zones; z++)
		frames += cfg->zones[z].spanned_pages;
	if (pages <= 0 || psize <= 0)
		return 0;
	need = frames * (MODEL_BYTES_PER_FRAME +
			 (cfg->reclaim || cfg->compaction ? MODEL_PRESSURE_BYTES_PER_FRAME : 0));
	have = (uint64_t)pages * (uint64_t)psize;
	if (need <= have / 2)
		return 0;
	replay_err_set(err, "%s: the header's zones span %llu pages (field zones[].spanned): the "
		       "model would need about %.1f GiB, more than half of this machine's %.1f GiB",
		       path, (unsigned long long)frames, (double)need / (1 << 30),
		       (double)have / (1 << 30));
	return -ENOMEM;
}

/* Phase 1 of open: an empty context for @opts, with the tables every run fills. */
static struct replay_ctx *ctx_create(const char *trace_path, const struct replay_opts *opts,
				     const struct replay_sink *sink, void *sink_ctx)
{
	struct replay_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg_owned = malloc(sizeof(*c->cfg_owned));
	if (!c->cfg_owned || replay_reorder_init(&c->ro, REPLAY_REORDER_WINDOW) ||
	    replay_attribution_init(c)) {
		ctx_destroy(c);
		return NULL;
	}
	c->path = trace_path;
	c->opts = opts;
	c->sink = sink;
	c->sink_ctx = sink_ctx;
	c->mode = opts->mode;
	c->complete = true;
	c->out.t_begin = replay_now_s();
	c->out.sample_ns = opts->sample_interval_ns ? opts->sample_interval_ns : REPLAY_DEFAULT_SAMPLE_NS;
	c->out.pbmap_total = opts->pbmaps_between ? opts->pbmaps_between : 3;
	return c;
}

/* Phase 2 of open: the trace's header -> the model's config -> the model. */
static int model_open(struct replay_ctx *c, bool shared, struct bs_error *err)
{
	const struct replay_opts *opts = c->opts;
	struct bs_error terr;
	const char *blob;
	size_t blob_len;
	int ret;

	c->rd = tracefmt_reader_open(c->path, &terr);
	if (!c->rd) {
		ret = -errno ? -errno : -EIO;
		replay_err_set(err, "%s", terr.text);
		return ret;
	}
	/* a shared reader hashes for every run (replay_run_many()) */
	if (opts->hash_trace && !shared)
		tracefmt_reader_hash_file(c->rd);
	blob = tracefmt_reader_header(c->rd, &blob_len);
	ret = replay_header_parse(c->path, blob, &c->hdr, c->cfg_owned, &opts->settings, opts->mode,
				  err);
	if (ret)
		return ret;
	if (opts->mode == REPLAY_SHADOW && settings_changed(&c->hdr.settings)) {
		replay_err_set(err, "shadow mode follows the kernel's own settings; use --mode whatif to "
			"change them");
		return -EINVAL;
	}
	ret = model_fits_memory(c->path, c->cfg_owned, err);
	if (ret)
		return ret;
	c->m = model_create(c->cfg_owned);
	if (!c->m) {
		ret = -errno ? -errno : -EINVAL;
		model_refusal_explain(c->path, c->cfg_owned, ret, err);
		return ret;
	}
	c->cfg = model_config_get(c->m);
	return 0;
}

/* Phase 3 of open: what each mode and the record checks derive from the model and header. */
static int modes_init(struct replay_ctx *c)
{
	replay_pcp_high_seed(c->m, &c->hdr);
	replay_hotplug_init(c);
	c->count.nr_fail_orders = c->cfg->nr_page_orders > c->hdr.header_orders
			    ? c->cfg->nr_page_orders : c->hdr.header_orders;
	if (c->count.nr_fail_orders > REPLAY_MAX_ORDERS)
		c->count.nr_fail_orders = REPLAY_MAX_ORDERS;
	c->prof_618 = c->cfg->profile == MODEL_PROFILE_6_18;
	replay_limits_init(&c->lim, &c->hdr, c->cfg);
	if (c->mode == REPLAY_WHATIF)
		return replay_whatif_init(c);
	return replay_pfn_map_init(&c->shadow.stale, 1024);
}

/* model_check() of the start state under --paranoid. */
static void start_state_check(struct replay_ctx *c)
{
	char buf[160];

	c->count.paranoid_checks++;
	if (model_check(c->m, buf, sizeof(buf))) {
		c->count.paranoid_fail++;
		snprintf(c->count.paranoid_first, sizeof(c->count.paranoid_first), "after the start state: %s",
			 buf);
	}
}

/* Phase 4 of open: the prescan and the start state it gives. */
static int start_state_build(struct replay_ctx *c, struct bs_error *err)
{
	bool exact;
	int ret = replay_prescan_run(c);

	if (ret && ret != -EINTR) {
		replay_err_set(err, "%s: reading the trace's start failed: %s", c->path,
			       strerror(-ret));
		return ret;
	}
	exact = c->cfg->nr_page_orders == c->hdr.header_orders &&
		c->cfg->pageblock_order == c->hdr.header_pb_order;
	c->ps.stop = c->opts->stop;
	if (!replay_stop_requested(c))
		replay_start_build(c->m, &c->ps, exact, c->hdr.header_orders, &c->start);
	/* stopped in start-up: the run is stored, empty and interrupted */
	if (replay_stop_requested(c))
		c->complete = false;
	if (c->opts->paranoid)
		start_state_check(c);
	c->clock.start_ts = c->ps.snapshot ? c->ps.snap_end_ts : c->ps.have_ckpt ? c->ps.ckpt_ts : 0;
	return 0;
}

/* Phase 5 of open: run_begin, the zones and the first pageblock maps to the sink. */
static int run_announce(struct replay_ctx *c)
{
	const struct replay_sink *sink = c->sink;
	int ret;

	if (sink && sink->run_begin) {
		char *sj = replay_settings_json(&c->hdr.settings);
		struct replay_run_info info = {
			.trace_path = c->path,
			.mode = c->mode == REPLAY_SHADOW ? "shadow" : "whatif",
			.label = c->opts->label,
			.settings_json = sj ? sj : "{}",
			.kernel_release = c->hdr.kernel_release,
			.host = c->hdr.host,
		};
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		info.started_unix_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		replay_sink_ok(c, sink->run_begin(c->sink_ctx, &info));
		free(sj);
	}
	ret = replay_sink_zones(c);
	if (ret)
		return ret;
	replay_emit_pbmaps(c, 0);
	c->out.next_pb_frac = 1.0 / (c->out.pbmap_total + 1);
	return 0;
}

static void result_init(struct replay_result *res)
{
	memset(res, 0, sizeof(*res));
	res->pfn_prediction_rate = NAN;
	res->checkpoint_distance_max = res->checkpoint_distance_mean = NAN;
	res->unusable_order9_mean = NAN;
}

/*
 * Everything before the main pass: the header, the model, the prescan and the
 * start state, run_begin and the first pageblock maps. @shared: the reader of
 * the main pass when several runs share one (replay_run_many()); the prescan
 * then reads the trace's head through a reader of its own.
 */
int replay_ctx_open(struct replay_ctx **out, const char *trace_path,
		    const struct replay_opts *opts, const struct replay_sink *sink, void *sink_ctx,
		    struct replay_result *res, struct bs_error *err,
		    struct tracefmt_reader *shared)
{
	struct replay_ctx *c;
	int ret;

	*out = NULL;
	result_init(res);
	c = ctx_create(trace_path, opts, sink, sink_ctx);
	if (!c)
		return -ENOMEM;
	ret = model_open(c, shared, err);
	if (!ret)
		ret = modes_init(c);
	if (!ret)
		ret = start_state_build(c, err);
	if (!ret)
		ret = run_announce(c);
	if (ret) {
		ctx_destroy(c);
		return ret;
	}
	if (shared) {
		tracefmt_reader_close(c->rd);
		c->rd = shared;
		c->rd_shared = true;
	}
	*out = c;
	return 0;
}

void replay_ctx_stop(struct replay_ctx *c)
{
	c->complete = false;
}

/* The file's own problems (cut short, corrupt blocks, no end block) into @res. */
static void trace_problem_note(struct replay_ctx *c, struct replay_result *res)
{
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(c->rd);
	int n;

	if (!st->truncated && !st->blocks_corrupt && st->complete)
		return;
	res->trace_truncated = true;
	n = snprintf(res->trace_problem, sizeof(res->trace_problem),
		     "%s: %s; replayed the %llu readable records%s%s%s", c->path,
		     st->blocks_corrupt ? "corrupt blocks were skipped"
		     : st->truncated ? "the trace is cut short"
		     : !st->end_seen ? "the trace has no end block"
				     : "the trace is not complete",
		     (unsigned long long)c->count.records, st->stop_reason[0] ? " (" : "",
		     st->stop_reason, st->stop_reason[0] ? ")" : "");
	/* a long path leaves no room for all of it: show that it was cut */
	if (n >= (int)sizeof(res->trace_problem))
		strcpy(res->trace_problem + sizeof(res->trace_problem) - 4, "...");
	replay_notable(c, c->clock.last_ts, "trace", "%s", res->trace_problem);
}

/* The summary, the trace's hash and run_end to the sink. */
static void run_report(struct replay_ctx *c, struct replay_result *res, bool complete)
{
	const struct replay_sink *sink = c->sink;

	res->events = c->count.events;
	res->wall_seconds = replay_now_s() - c->out.t_begin;
	res->events_per_second = res->wall_seconds > 0 ? (double)c->count.events / res->wall_seconds : 0;
	res->complete = complete;
	replay_result_fill(c, res);
	res->summary_json = replay_summary_build(c, res, complete);
	replay_summary_add_validation(&res->summary_json, c->count.rejected, &c->hdr, c->cfg);
	if (c->opts->hash_trace && !tracefmt_reader_file_sha256(c->rd, res->trace_sha256) && sink &&
	    sink->trace_sha256)
		replay_sink_ok(c, sink->trace_sha256(c->sink_ctx, res->trace_sha256));
	if (sink && sink->run_end) {
		int sr = sink->run_end(c->sink_ctx, res->summary_json ? res->summary_json : "{}",
				       complete);

		if (sr && !c->sink_ret)
			c->sink_ret = sr < 0 ? sr : -EIO;
	}
}

/*
 * After the main pass (@r: the reader's last return): drain the window, the
 * end samples and maps, the summary, run_end. Frees @c.
 */
int replay_ctx_finish(struct replay_ctx *c, int r, struct replay_result *res,
		      struct bs_error *err)
{
	bool complete = c->complete;
	int ret = 0;

	if (r < 0 && complete) {
		snprintf(res->trace_problem, sizeof(res->trace_problem),
			 "%s: read error after %llu records: %s", c->path,
			 (unsigned long long)c->count.records, strerror(-r));
		res->trace_truncated = true;
	}
	while (replay_reorder_len(&c->ro))
		replay_window_pop(c);
	replay_checkpoint_close(c);
	if (c->mode == REPLAY_WHATIF)
		replay_mm_whatif_end(c);
	for (unsigned int cpu = 0; cpu < c->nr_cpu_states; cpu++)
		replay_pending_flush(c, cpu, c->clock.last_ts);
	if (c->sink_ret || replay_stop_requested(c))
		complete = false;
	/* a run stopped on request has not reached the end: that says nothing of the file */
	if (complete && !c->sink_ret && !res->trace_truncated)
		trace_problem_note(c, res);
	replay_emit_samples(c, c->clock.last_ts);
	replay_emit_pbmaps(c, c->clock.last_ts);
	replay_attribution_emit(c);
	run_report(c, res, complete);
	if (c->sink_ret) {
		ret = c->sink_ret;
		replay_err_set(err, "the run store refused a write: %s", strerror(-ret));
	}
	ctx_destroy(c);
	return ret;
}

int replay_run(const char *trace_path, const struct replay_opts *opts,
	       const struct replay_sink *sink, void *sink_ctx, struct replay_result *res,
	       struct bs_error *err)
{
	struct replay_ctx *c;
	struct tracefmt_event ev;
	int ret, r = 0;

	ret = replay_ctx_open(&c, trace_path, opts, sink, sink_ctx, res, err, NULL);
	if (ret)
		return ret;
	while ((r = tracefmt_reader_next(c->rd, &ev)) > 0 && replay_ctx_feed(c, &ev, NAN))
		;
	return replay_ctx_finish(c, r, res, err);
}
