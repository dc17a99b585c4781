// SPDX-License-Identifier: MIT
/*
 * The replay engine. A first pass over the head of the trace finds the
 * free-list snapshot (or the first checkpoint); the model is built from the
 * header and seeded; the main pass then reads every record through a bounded
 * reorder window and applies it:
 *
 *  - shadow: each allocation is predicted (model dry run) and then the
 *    kernel's real pfn is forced; mm_page_alloc_zone_locked (and 6.18
 *    steals' mm_page_alloc_extfrag) take blocks out of the buddy, onto the
 *    cpu's pcp when the request was a pcp refill; mm_page_free frees once
 *    (mm_page_free_batched is only a hint that the page went to a pcp);
 *    mm_page_pcpu_drain moves the named page to the buddy. Contradictions
 *    are counted and resolved in the kernel's favour. Checkpoints are
 *    compared with the model's free counts.
 *  - what-if: each mm_page_alloc is re-asked of the model, which picks its
 *    own pfn; frees are tied to the allocation that produced the page
 *    through a kernel-pfn -> model-pfn map; pages allocated before the
 *    capture are freed at their own pfns.
 *
 * Samples, pageblock maps, fidelity points, notable events and attribution
 * leave through the sink.
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- run context ------------------------------------------------------ */

struct pending {
	uint64_t pfn;
	uint8_t order;
	int8_t mt;
	bool applied;
	bool via_extfrag;
	bool refill;		/* zone_locked said percpu_refill (or a 6.18 steal pull) */
};

/*
 * Blocks a cpu pulled from the buddy (zone_locked, 6.18 steal extfrag) wait
 * here, unapplied, until the cpu's next allocation: the model predicts that
 * allocation from the state before the pull, so the kernel's answer never
 * reaches the prediction. The list grows with the refill; past PENDING_CAP
 * blocks the oldest is applied and the cpu's next prediction is not scored.
 */
#define PENDING_CAP 65536u

#define RECENT_FREES 8

struct cpu_state {
	struct pending *p;
	unsigned int n, cap;
	bool pending_leaked;	/* a pending block was applied early: skip the next prediction */
	uint32_t extfrag;	/* extfrag events since this cpu's last allocation */
	uint64_t recent_free[RECENT_FREES]; /* pfns this cpu freed since its last allocation */
	unsigned int nr_recent;
	uint64_t last_freed_plus1[REPLAY_MAX_ORDERS]; /* baseline: last pfn freed here + 1, 0 none */
	bool refill_open;	/* trace counters: a refill burst not yet closed by an allocation */
	uint64_t next_decay;	/* what-if 6.18: this cpu's next pcp decay, trace ns */
	uint64_t last_zone_locked_pfn;
};

struct attr_entry {
	uint64_t key;		/* pid << 32 | gfp, UINT64_MAX empty */
	char comm[TRACEFMT_COMM_LEN];
	uint64_t allocs, fails, extfrag;
};

struct comm_entry {
	uint32_t pid;		/* 0 = empty */
	char comm[TRACEFMT_COMM_LEN];
};

#define ATTR_CAP (1u << 16)	/* the tables grow from TABLE_START to these */
#define COMM_CAP (1u << 16)
#define TABLE_START 1024u
#define MAX_NOTABLE 2000

struct pred_count {
	uint64_t n, ok;
};

/* Where a stale pcp entry turned out to be (SUMMARY.md "stale_pcp_entries_found"). */
enum stale_where {
	STALE_IN_BUDDY,		/* a later zone_locked took it: its free went to the buddy */
	STALE_ON_PCP,		/* a later pcp hit or drain: it was on another pcp list */
	STALE_ALLOCATED,	/* a later free: the bulk allocator had handed it out */
	STALE_UNTRACKED,	/* over STALE_MAX: not followed */
	STALE_NR
};

enum ck_kind {
	CK_SCORED,
	CK_BEFORE_START,
	CK_START_STATE,
};

/* The kernel's figures as the trace shows them (SUMMARY.md "trace_counters"). */
struct trace_counters {
	uint64_t allocations, alloc_failures, frees;
	uint64_t pcp_refills, pcp_refill_pages, pcp_drains, pcp_drain_pages;
	uint64_t fallbacks;
};

struct replay_ctx {
	const char *path;
	const struct replay_opts *opts;
	const struct replay_sink *sink;
	void *sink_ctx;
	int sink_ret;
	struct model *m;
	const struct model_config *cfg;
	struct replay_header hdr;
	struct tracefmt_reader *rd;
	enum replay_mode mode;
	bool dry_run;		/* the model offers side-effect-free prediction */
	bool prof_618;

	/* zones reported to the sink */
	unsigned int nr_szones;
	unsigned int szone_model[MODEL_MAX_ZONES];
	unsigned int largest_szone;
	struct model_pageblock_info *pbbuf;
	size_t pbbuf_len;
	uint8_t *pb_mt;
	uint16_t *pb_free;

	/* time */
	bool have_t0;
	uint64_t t0, last_ts, start_ts;
	uint64_t sample_ns, next_sample;
	unsigned int pbmap_done, pbmap_total;

	/* shadow */
	struct cpu_state *cpus;
	unsigned int nr_cpu_states;
	struct pred_count pred, pred_order[REPLAY_MAX_ORDERS], pred_pcp, pred_buddy;
	struct pred_count pred_baseline;	/* last page freed on the cpu at the order */
	uint64_t pred_uncertain;
	uint64_t pred_in_start_window;	/* allocations before the whole start state was read */
	uint64_t pred_pending_overflow;	/* predictions skipped: a pending block reached the pcp early */
	uint64_t inferred_direct_frees;	/* pcp entries the kernel took from the buddy (trylock frees) */
	uint64_t inferred_bulk_allocs;	/* frees of pcp pages: the bulk allocator took them unseen */
	uint64_t pageblock_learned_pcp;	/* types corrected from pcp hits */
	uint64_t pages_added;		/* memory that appeared at runtime */
	uint64_t highatomic_learned;	/* HIGHATOMIC reserves / unreserves seen in drain or zone_locked */
	uint64_t boosts_implied;	/* shadow: watermark boosts the trace's fallbacks imply */
	bool hotplug_seen;
	uint64_t managed_end[MODEL_MAX_ZONES];	/* growable managed prefix's end pfn, 0 = none */
	uint64_t zone_states_applied, wmark_recomputes;
	uint64_t report_at;		/* trace ns of the next free page reporting pass, 0 none */
	uint64_t reporting_passes, pages_reported;
	struct pfn_map stale;		/* stale pcp entries set aside: pfn -> order */
	struct model_counters pmc;	/* shadow: the model's decisions at its predictions */
	bool alloc_of_set_aside;	/* the allocation being applied takes a set-aside page */
	uint64_t stale_found[STALE_NR];
	bool uncertain;
	uint64_t uncertain_until;	/* trace time the lost-event stretch ends */
	uint64_t uncertain_events;

	/* checkpoints */
	bool ck_open;
	enum ck_kind ck_skip;
	uint64_t ck_before_start;	/* read before the start state: not scored */
	uint64_t ck_of_start_state;	/* the snapshot's own or the seeding checkpoint */
	uint32_t ck_seq;
	uint64_t ck_ts;
	double ck_abs, ck_kernel;
	uint64_t ck_count;
	double ck_max, ck_sum, ck_first, ck_last;
	uint64_t ck_unmatched_zones;

	/* what-if */
	struct pfn_map map;
	uint64_t *owned;	/* bitmap of model pfns held by what-if allocations */
	uint64_t *tied;		/* bitmap of kernel pfns allocated during the trace */
	uint64_t owned_base, owned_len;
	uint64_t whatif_unfreed, whatif_untied_frees, whatif_frees_of_failed;
	uint64_t whatif_same_pfn;	/* the model chose the kernel's pfn */
	uint64_t breaches;

	/* counts */
	struct trace_counters tc;
	uint64_t events, records, by_type[TRACEFMT_NR_TYPES];
	uint64_t skipped_before_start;
	uint64_t contra[RC_NR], contra_uncertain;
	uint64_t kfail[REPLAY_MAX_ORDERS];	/* kernel failures (trace) */
	uint64_t wfail[REPLAY_MAX_ORDERS];	/* what-if: the model's failures */
	uint64_t wfail_reason[MODEL_NR_ALLOC_FAIL];
	unsigned int nr_fail_orders;		/* max(model orders, header orders) */
	uint64_t pcp_hint_mismatch, pageblock_hints, lost_events, lost_records;
	uint64_t pageblock_learned;	/* types corrected from drain / zone_locked events */
	uint64_t samples, pbmaps, notable;
	uint64_t paranoid_checks, paranoid_fail;
	char paranoid_first[280];	/* model_check()'s 200 bytes and where */
	uint64_t first_fail_reported[REPLAY_MAX_ORDERS];
	bool first_breach_reported;
	bool first_kswapd_reported;
	double unusable9_sum;
	uint64_t unusable9_n;

	/* attribution */
	struct attr_entry *attr;
	uint64_t attr_n, attr_overflow;
	size_t attr_cap, comm_cap, comm_n;	/* powers of two */
	struct comm_entry *comms;

	/* records no host could produce: counted, skipped (validate.c) */
	struct replay_limits lim;
	uint64_t rejected[RJ_NR];

	struct start_report start;
	struct prescan ps;
	struct reorder ro;
	double t_begin;

	/* the run as a whole (replay_ctx_open / feed / finish) */
	struct model_config *cfg_owned;	/* the config the header gave */
	bool rd_shared;			/* rd belongs to replay_run_many() */
	bool complete;			/* false once stopped early */
	double next_pb_frac, last_progress;
};

static int sink_ok(struct replay_ctx *c, int ret)
{
	if (ret && !c->sink_ret)
		c->sink_ret = ret < 0 ? ret : -EIO;
	return c->sink_ret;
}

/* Trace time since the first event, saturating at INT64_MAX (file timestamps are u64). */
static int64_t rel_t(const struct replay_ctx *c, uint64_t ts)
{
	uint64_t d = c->have_t0 && ts > c->t0 ? ts - c->t0 : 0;

	return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void notable(struct replay_ctx *c, uint64_t ts, const char *kind, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (c->notable >= MAX_NOTABLE || !c->sink || !c->sink->event || c->sink_ret)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	c->notable++;
	sink_ok(c, c->sink->event(c->sink_ctx, rel_t(c, ts), kind, text));
}

static void count_contra(struct replay_ctx *c, enum replay_contra k, uint64_t ts, uint64_t pfn)
{
	if (c->contra[k]++ == 0)
		notable(c, ts, "contradiction", "first %s (pfn %#llx)", replay_contra_names[k],
			(unsigned long long)pfn);
	if (c->uncertain)
		c->contra_uncertain++;
}

static void count_model_contra(struct replay_ctx *c, enum model_contradiction mc, uint64_t ts,
			       uint64_t pfn)
{
	switch (mc) {
	case MODEL_CONTRA_NONE:
		break;
	case MODEL_CONTRA_OUTSIDE:
		count_contra(c, RC_OUTSIDE, ts, pfn);
		break;
	case MODEL_CONTRA_CROSSES_ZONE:
		count_contra(c, RC_CROSSES_ZONE, ts, pfn);
		break;
	case MODEL_CONTRA_MISALIGNED:
		count_contra(c, RC_MISALIGNED, ts, pfn);
		break;
	case MODEL_CONTRA_ALREADY_FREE:
		count_contra(c, RC_FREE_OF_FREE, ts, pfn);
		break;
	case MODEL_CONTRA_NOT_FREE:
		count_contra(c, RC_ALLOC_OF_ALLOCATED, ts, pfn);
		break;
	case MODEL_CONTRA_NOT_ON_PCP:
		count_contra(c, RC_DRAIN_NOT_ON_PCP, ts, pfn);
		break;
	default:
		break;
	}
}

/* ---- attribution ---------------------------------------------------------- */

/*
 * Both tables start small and double at 3/4 load up to their caps, so a
 * short run (a fuzz input, a test) does not fill megabytes it never uses.
 */
static size_t comm_slot(uint32_t pid, size_t cap)
{
	return (pid * 2654435761u) & (cap - 1);
}

static size_t attr_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static const char *comm_of(struct replay_ctx *c, uint32_t pid)
{
	size_t i = comm_slot(pid, c->comm_cap);

	for (size_t n = 0; n < c->comm_cap; n++, i = (i + 1) & (c->comm_cap - 1)) {
		if (c->comms[i].pid == pid)
			return c->comms[i].comm;
		if (!c->comms[i].pid)
			break;
	}
	return "";
}

static void comm_grow(struct replay_ctx *c)
{
	size_t cap = 2 * c->comm_cap;
	struct comm_entry *t = calloc(cap, sizeof(*t));

	if (!t)
		return; /* keep filling the small table */
	for (size_t k = 0; k < c->comm_cap; k++) {
		size_t i;

		if (!c->comms[k].pid)
			continue;
		for (i = comm_slot(c->comms[k].pid, cap); t[i].pid; i = (i + 1) & (cap - 1))
			;
		t[i] = c->comms[k];
	}
	free(c->comms);
	c->comms = t;
	c->comm_cap = cap;
}

static void comm_set(struct replay_ctx *c, uint32_t pid, const char *comm)
{
	size_t i;

	if (!pid)
		return;
	if (c->comm_n * 4 >= c->comm_cap * 3 && c->comm_cap < COMM_CAP)
		comm_grow(c);
	i = comm_slot(pid, c->comm_cap);
	for (size_t n = 0; n < c->comm_cap; n++, i = (i + 1) & (c->comm_cap - 1)) {
		if (c->comms[i].pid == pid || !c->comms[i].pid) {
			c->comm_n += !c->comms[i].pid;
			c->comms[i].pid = pid;
			snprintf(c->comms[i].comm, sizeof(c->comms[i].comm), "%s", comm);
			return;
		}
	}
}

static int attr_grow(struct replay_ctx *c)
{
	size_t cap = 2 * c->attr_cap;
	struct attr_entry *t = malloc(cap * sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < cap; i++)
		t[i].key = UINT64_MAX;
	for (size_t k = 0; k < c->attr_cap; k++) {
		size_t i;

		if (c->attr[k].key == UINT64_MAX)
			continue;
		for (i = attr_slot(c->attr[k].key, cap); t[i].key != UINT64_MAX;
		     i = (i + 1) & (cap - 1))
			;
		t[i] = c->attr[k];
	}
	free(c->attr);
	c->attr = t;
	c->attr_cap = cap;
	return 0;
}

static void attribute(struct replay_ctx *c, uint32_t pid, uint64_t gfp, uint64_t allocs, uint64_t fails,
		      uint64_t extfrag)
{
	uint64_t key = (uint64_t)pid << 32 | (uint32_t)gfp;
	size_t i;

	if (c->attr_n * 4 >= c->attr_cap * 3 && c->attr_cap < ATTR_CAP)
		attr_grow(c);
	i = attr_slot(key, c->attr_cap);
	for (size_t n = 0; n < c->attr_cap; n++, i = (i + 1) & (c->attr_cap - 1)) {
		struct attr_entry *a = &c->attr[i];

		if (a->key == UINT64_MAX) {
			if (c->attr_n * 4 >= c->attr_cap * 3) {
				c->attr_overflow++;
				return;
			}
			a->key = key;
			a->allocs = a->fails = a->extfrag = 0;
			snprintf(a->comm, sizeof(a->comm), "%s", comm_of(c, pid));
			c->attr_n++;
		}
		if (a->key == key) {
			a->allocs += allocs;
			a->fails += fails;
			a->extfrag += extfrag;
			return;
		}
	}
}

/* ---- samples ------------------------------------------------------------ */

static const char *const counter_names[] = {
	"model.pcp_hits", "model.pcp_refills", "model.pcp_refill_pages", "model.pcp_drains",
	"model.pcp_drain_pages", "model.buddy_allocs", "model.fallbacks", "model.claims",
	"model.steals", "model.boosts", "model.kswapd_wakes", "model.watermark_breaches",
	"trace.allocations", "trace.alloc_failures", "trace.frees", "trace.pcp_refills",
	"trace.pcp_refill_pages", "trace.pcp_drains", "trace.pcp_drain_pages", "trace.fallbacks",
};
#define NR_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

/* The summary's model_counters and trace_counters, as they stand at @ts, to the sink. */
static void emit_counters(struct replay_ctx *c, uint64_t ts)
{
	const struct model_counters *k = &c->pmc;
	const struct trace_counters *t = &c->tc;
	struct model_counters mc;
	bool shadow = c->mode == REPLAY_SHADOW;
	int64_t v[NR_COUNTERS];

	if (!c->sink || !c->sink->counters || c->sink_ret)
		return;
	if (!shadow) {
		model_counters_get(c->m, &mc);
		k = &mc;
	}
	v[0] = (int64_t)k->pcp_hits;
	v[1] = (int64_t)k->pcp_refills;
	v[2] = (int64_t)k->pcp_refill_pages;
	v[3] = shadow ? -1 : (int64_t)k->pcp_drains;
	v[4] = shadow ? -1 : (int64_t)k->pcp_drained_pages;
	v[5] = (int64_t)k->buddy_allocs;
	v[6] = (int64_t)k->fallbacks;
	v[7] = (int64_t)k->claims;
	v[8] = (int64_t)k->steals;
	v[9] = (int64_t)k->boosts;
	v[10] = (int64_t)k->kswapd_wakes;
	v[11] = (int64_t)c->breaches;
	v[12] = (int64_t)t->allocations;
	v[13] = (int64_t)t->alloc_failures;
	v[14] = (int64_t)t->frees;
	v[15] = (int64_t)t->pcp_refills;
	v[16] = (int64_t)t->pcp_refill_pages;
	v[17] = (int64_t)t->pcp_drains;
	v[18] = (int64_t)t->pcp_drain_pages;
	v[19] = (int64_t)t->fallbacks;
	sink_ok(c, c->sink->counters(c->sink_ctx, rel_t(c, ts), counter_names, v, NR_COUNTERS));
}

static void emit_samples(struct replay_ctx *c, uint64_t ts)
{
	struct model_counters mc;
	uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];
	uint32_t flat[REPLAY_MAX_ORDERS * REPLAY_MAX_MT];
	int frag[MODEL_MAX_ORDERS], unus[MODEL_MAX_ORDERS];
	int32_t frag32[REPLAY_MAX_ORDERS], unus32[REPLAY_MAX_ORDERS];
	uint64_t fails[REPLAY_MAX_ORDERS] = { 0 };
	unsigned int no = c->cfg->nr_page_orders, nmt = c->cfg->nr_migratetypes;

	if (c->sink_ret)
		return;
	emit_counters(c, ts);
	model_counters_get(c->m, &mc);
	for (unsigned int o = 0; o < no; o++)
		fails[o] = c->mode == REPLAY_SHADOW ? c->kfail[o] : c->wfail[o];
	for (unsigned int z = 0; z < c->nr_szones; z++) {
		struct model_zone_info zi;
		struct replay_sample s;
		unsigned int mz = c->szone_model[z];

		model_zone_free_blocks(c->m, mz, fb);
		model_zone_frag_indices(c->m, mz, frag, unus);
		model_zone_info_get(c->m, mz, &zi);
		for (unsigned int o = 0; o < no; o++) {
			for (unsigned int t = 0; t < nmt; t++)
				flat[o * nmt + t] = (uint32_t)fb[o][t];
			frag32[o] = frag[o];
			unus32[o] = unus[o];
		}
		if (z == c->largest_szone && no > 9) {
			c->unusable9_sum += unus[9];
			c->unusable9_n++;
		}
		memset(&s, 0, sizeof(s));
		s.t_ns = rel_t(c, ts);
		s.zone = z;
		s.free_blocks = flat;
		s.nr_free_pages = zi.nr_free_pages;
		s.wmark_min = zi.wmark_min;
		s.wmark_low = zi.wmark_low;
		s.wmark_high = zi.wmark_high;
		s.wmark_boost = zi.watermark_boost;
		s.frag_index = frag32;
		s.unusable_index = unus32;
		s.failures = fails;
		s.fallbacks = mc.fallbacks;
		s.pageblock_changes = mc.pageblock_changes;
		s.kswapd_wakes = mc.kswapd_wakes;
		c->samples++;
		if (c->sink && c->sink->sample)
			sink_ok(c, c->sink->sample(c->sink_ctx, &s));
	}
}

static void emit_pbmaps(struct replay_ctx *c, uint64_t ts)
{
	if (!c->sink || !c->sink->pbmap || c->sink_ret)
		return;
	for (unsigned int z = 0; z < c->nr_szones; z++) {
		struct replay_pbmap map;
		long n = model_zone_pageblocks(c->m, c->szone_model[z], c->pbbuf, c->pbbuf_len);

		if (n < 0)
			continue;
		if ((size_t)n > c->pbbuf_len)
			n = (long)c->pbbuf_len;
		for (long i = 0; i < n; i++) {
			c->pb_mt[i] = (uint8_t)(c->pbbuf[i].mt < 0 ? 255 : c->pbbuf[i].mt);
			c->pb_free[i] = (uint16_t)(c->pbbuf[i].nr_free_buddy + c->pbbuf[i].nr_free_pcp);
		}
		map.t_ns = rel_t(c, ts);
		map.zone = z;
		map.nr_pageblocks = (uint32_t)n;
		map.pageblock_pages = 1u << c->cfg->pageblock_order;
		map.migratetype = c->pb_mt;
		map.free_pages = c->pb_free;
		c->pbmaps++;
		sink_ok(c, c->sink->pbmap(c->sink_ctx, &map));
	}
}

/* ---- checkpoints ---------------------------------------------------------- */

static void checkpoint_close(struct replay_ctx *c)
{
	double d;

	if (!c->ck_open)
		return;
	c->ck_open = false;
	emit_samples(c, c->ck_ts);
	if (c->mode != REPLAY_SHADOW)
		return;
	if (c->ck_skip != CK_SCORED) {
		if (c->ck_skip == CK_BEFORE_START)
			c->ck_before_start++;
		else
			c->ck_of_start_state++;
		return;
	}
	d = c->ck_kernel > 0 ? c->ck_abs / c->ck_kernel : (c->ck_abs > 0 ? 1.0 : 0.0);
	if (!c->ck_count)
		c->ck_first = d;
	c->ck_count++;
	c->ck_last = d;
	c->ck_sum += d;
	if (d > c->ck_max)
		c->ck_max = d;
	if (c->sink && c->sink->fidelity)
		sink_ok(c, c->sink->fidelity(c->sink_ctx, rel_t(c, c->ck_ts), d,
					     c->pred.n ? (double)c->pred.ok / (double)c->pred.n
						       : NAN));
	/* A checkpoint re-anchors nothing, but it ends a lost-event stretch. */
	c->uncertain = false;
}

/*
 * Only a checkpoint read after the start state was complete measures the
 * model: one taken before it (capture reads checkpoint 0 before the
 * snapshot walk), the snapshot's own counts and the checkpoint a start
 * state was laid out from would compare the model with its own input.
 */
static enum ck_kind checkpoint_kind(const struct replay_ctx *c, const struct tracefmt_event *ev)
{
	if (ev->u.checkpoint.seq == TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ ||
	    (ev->u.checkpoint.flags & TRACEFMT_CKPT_SNAPSHOT))
		return CK_START_STATE;
	if (c->start.kind == START_CHECKPOINT && ev->u.checkpoint.seq == c->ps.ckpt_seq &&
	    ev->ts_ns == c->ps.ckpt_ts)
		return CK_START_STATE;
	if (ev->ts_ns < c->start_ts)
		return CK_BEFORE_START;
	return CK_SCORED;
}

static void checkpoint_add(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];
	int zone;
	unsigned int no, nmt;

	if (c->ck_open && c->ck_seq != ev->u.checkpoint.seq)
		checkpoint_close(c);
	if (!c->ck_open) {
		c->ck_open = true;
		c->ck_seq = ev->u.checkpoint.seq;
		c->ck_ts = ev->ts_ns;
		c->ck_abs = c->ck_kernel = 0;
		c->ck_skip = checkpoint_kind(c, ev);
	}
	zone = replay_zone_by_name(c->m, ev->u.checkpoint.node, ev->u.checkpoint.zone);
	if (zone < 0) {
		c->ck_unmatched_zones++;
		return;
	}
	model_zone_free_blocks(c->m, (unsigned int)zone, fb);
	no = ev->u.checkpoint.nr_orders;
	nmt = ev->u.checkpoint.nr_mt;
	if (no > c->cfg->nr_page_orders)
		no = c->cfg->nr_page_orders;
	if (nmt > c->cfg->nr_migratetypes)
		nmt = c->cfg->nr_migratetypes;
	for (unsigned int o = 0; o < no; o++)
		for (unsigned int t = 0; t < nmt; t++) {
			double k = ev->u.checkpoint.free_blocks[o][t];
			double mv = (double)fb[o][t];

			/* pagetypeinfo stops counting at 100000 */
			if ((ev->u.checkpoint.flags & TRACEFMT_CKPT_CAPPED) && k >= 100000 &&
			    mv > k)
				mv = k;
			c->ck_abs += fabs(mv - k);
			c->ck_kernel += k;
		}
}

/* ---- shadow mode ---------------------------------------------------------- */

/* PAGE_ALLOC_COSTLY_ORDER: orders 0..3 have pcp lists, and the THP order (spec 4.1). */
#define PCP_MAX_SMALL_ORDER 3

static bool pcpable(const struct replay_ctx *c, unsigned int order)
{
	return order <= PCP_MAX_SMALL_ORDER || (c->cfg->thp_order && order == c->cfg->thp_order);
}

static struct cpu_state *cpu_st(struct replay_ctx *c, uint32_t cpu)
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

static unsigned int mcpu(const struct replay_ctx *c, uint32_t cpu)
{
	return cpu % c->cfg->nr_cpus;
}

/*
 * The kernel took @pfn from the buddy (zone_locked, 6.18 steal) while the
 * model holds it on a pcp list or has set it aside: its free went straight
 * to the buddy (pcp trylock failure, spec 3.1 and 12), which no event
 * shows. Put it there before the pull is applied - after the allocation's
 * prediction, which must not learn from the pull.
 */
static void pull_prepare(struct replay_ctx *c, uint64_t pfn, unsigned int order, uint32_t cpu)
{
	struct model_pfn_state st;
	struct model_free_result fr;
	struct pfn_map_entry *me;

	if (c->stale.n && (me = pfn_map_get(&c->stale, pfn))) {
		unsigned int o = me->order;

		pfn_map_del(&c->stale, me);
		c->stale_found[STALE_IN_BUDDY]++;
		model_free_pages(c->m, pfn, o, mcpu(c, cpu), MODEL_FREE_BUDDY, &fr);
		return;
	}
	if (model_pfn_state_get(c->m, pfn, &st) || st.kind != MODEL_PFN_ON_PCP ||
	    st.head_pfn != pfn || st.order != order)
		return;
	model_pcp_unlink_to_buddy(c->m, pfn, order, &fr);
	c->inferred_direct_frees++;
}

/* ---- stale pcp entries: set aside until the trace says where they are ------ */

static bool pending_holds(const struct replay_ctx *c, uint32_t cpu, uint64_t pfn)
{
	const struct cpu_state *s = cpu < c->nr_cpu_states ? &c->cpus[cpu] : NULL;

	for (unsigned int i = 0; s && i < s->n; i++)
		if (s->p[i].pfn == pfn && !s->p[i].applied)
			return true;
	return false;
}

#define STALE_MAX (1u << 20)	/* entries tracked; past it one is simply dropped */

/* Take a stale entry off its pcp list: not free in the model, location unknown. */
static void stale_set_aside(struct replay_ctx *c, uint64_t pfn, unsigned int order, int cpu)
{
	struct model_force_result fr;
	struct pfn_map_entry *me;

	model_force_alloc(c->m, pfn, order, cpu, -1, &fr);
	if (c->stale.n >= STALE_MAX || !(me = pfn_map_put(&c->stale, pfn))) {
		c->stale_found[STALE_UNTRACKED]++;
		return;
	}
	me->val = 0;
	me->order = order;
	me->left = 0;
}

/*
 * The trace names a page that was set aside: its event says where it was.
 * Returns true when the event is fully handled here.
 */
static bool stale_found(struct replay_ctx *c, const struct cev *e)
{
	struct pfn_map_entry *me;
	struct model_free_result fr;
	unsigned int order;

	if (!c->stale.n || !(me = pfn_map_get(&c->stale, e->pfn)))
		return false;
	/* a pull of it (zone_locked, extfrag, or the allocation a pull is pending for) is
	 * placed when the pull is applied, after the prediction: pull_prepare() */
	if (e->type == TRACEFMT_PAGE_ALLOC_ZONE_LOCKED || e->type == TRACEFMT_PAGE_ALLOC_EXTFRAG ||
	    (e->type == TRACEFMT_PAGE_ALLOC && pending_holds(c, e->cpu, e->pfn)))
		return false;
	order = me->order;
	pfn_map_del(&c->stale, me);
	switch (e->type) {
	case TRACEFMT_PAGE_PCPU_DRAIN:
		/* it was on a pcp list the model did not have it on */
		c->stale_found[STALE_ON_PCP]++;
		model_free_pages(c->m, e->pfn, order, mcpu(c, e->cpu), MODEL_FREE_BUDDY, &fr);
		return true;
	case TRACEFMT_PAGE_ALLOC:
		/* a pcp hit from another list (shadow_alloc learns its type); it stays allocated */
		c->stale_found[STALE_ON_PCP]++;
		c->alloc_of_set_aside = true;
		return false;
	case TRACEFMT_PAGE_FREE:
		/* it had been handed out unseen (bulk allocator): this free is ordinary */
		c->stale_found[STALE_ALLOCATED]++;
		return false;
	default:
		return false;
	}
}

/* Take a block the kernel pulled from the buddy; a pcp-able one lands on the cpu's pcp. */
static void pending_apply(struct replay_ctx *c, uint32_t cpu, struct pending *p, int list_mt,
			  uint64_t ts, bool to_pcp)
{
	struct model_force_result fr;

	if (p->applied)
		return;
	p->applied = true;
	pull_prepare(c, p->pfn, p->order, cpu);
	if (to_pcp && pcpable(c, p->order)) {
		/* rmqueue_bulk: the list is the request's migratetype */
		int mt = list_mt >= 0 && list_mt < MODEL_MIGRATE_PCPTYPES ? list_mt
			 : p->mt >= 0 && p->mt < MODEL_MIGRATE_PCPTYPES ? p->mt
									: MODEL_MT_MOVABLE;

		model_force_pcp_refill(c->m, mcpu(c, cpu), p->pfn, p->order, mt, &fr);
	} else {
		model_force_alloc(c->m, p->pfn, p->order, (int)mcpu(c, cpu), p->mt, &fr);
	}
	if (fr.contradiction != MODEL_CONTRA_NONE)
		count_model_contra(c, fr.contradiction, ts, p->pfn);
}

/* Blocks pulled without an allocation that took them (a bulk refill): onto the pcp. */
static void pending_flush(struct replay_ctx *c, uint32_t cpu, uint64_t ts)
{
	struct cpu_state *s = cpu < c->nr_cpu_states ? &c->cpus[cpu] : NULL;

	if (!s || !s->n)
		return;
	for (unsigned int i = 0; i < s->n; i++)
		pending_apply(c, cpu, &s->p[i], -1, ts, true);
	s->n = 0;
}

/* A drain names a block still pending on some cpu: it reached that pcp first. */
static void pending_apply_pfn(struct replay_ctx *c, uint64_t pfn, uint64_t ts)
{
	for (unsigned int cpu = 0; cpu < c->nr_cpu_states; cpu++) {
		struct cpu_state *s = &c->cpus[cpu];

		for (unsigned int i = 0; i < s->n; i++)
			if (s->p[i].pfn == pfn && !s->p[i].applied)
				pending_apply(c, cpu, &s->p[i], -1, ts, true);
	}
}

static int pending_grow(struct cpu_state *s)
{
	unsigned int n = s->cap ? 2 * s->cap : 64;
	struct pending *p;

	if (n > PENDING_CAP)
		n = PENDING_CAP;
	p = realloc(s->p, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->p = p;
	s->cap = n;
	return 0;
}

static void pending_add(struct replay_ctx *c, const struct cev *e, unsigned int order, bool via_extfrag,
			bool refill)
{
	struct cpu_state *s = cpu_st(c, e->cpu);
	struct pending *p;

	if (!s)
		return;
	if (s->n == s->cap && (s->cap == PENDING_CAP || pending_grow(s))) {
		/* no room: the oldest reaches the pcp now, so the next prediction could see it */
		pending_apply(c, e->cpu, &s->p[0], -1, e->ts, true);
		memmove(s->p, s->p + 1, (s->n - 1) * sizeof(*s->p));
		s->n--;
		s->pending_leaked = true;
	}
	p = &s->p[s->n++];
	p->pfn = e->pfn;
	p->order = (uint8_t)order;
	p->mt = e->mt;
	p->applied = false;
	p->via_extfrag = via_extfrag;
	p->refill = refill;
}

/*
 * 6.18 reports the pageblock's current type in mm_page_pcpu_drain and
 * mm_page_alloc_zone_locked (spec 8.3): correct the model's type, which the
 * snapshot only knows for pageblocks holding a free block.
 */
static bool learnable_type(int mt)
{
	return (mt >= 0 && mt < MODEL_MIGRATE_PCPTYPES) || mt == MODEL_MT_HIGHATOMIC;
}

/*
 * A HIGHATOMIC type learned this way is a reserve the kernel made with no
 * event (spec 2.9); model_pageblock_claim() keeps nr_reserved_highatomic
 * one pageblock per HIGHATOMIC block, and undoes it when the block is seen
 * as another type again (an unreserve).
 */
static void pageblock_learn(struct replay_ctx *c, uint64_t pfn, int mt)
{
	struct model_pfn_state st;

	if (!c->prof_618 || !learnable_type(mt))
		return;
	if (model_pfn_state_get(c->m, pfn, &st) || st.pageblock_mt < 0 || st.pageblock_mt == mt ||
	    !learnable_type(st.pageblock_mt))
		return;
	c->pageblock_learned++;
	if (mt == MODEL_MT_HIGHATOMIC || st.pageblock_mt == MODEL_MT_HIGHATOMIC)
		c->highatomic_learned++;
	model_pageblock_claim(c->m, pfn, mt);
}

/*
 * The watermark boost a fallback below pageblock order implies (spec 5.4):
 * 6.1 boosts at every such steal; 6.18 at every claim attempt, which
 * extfrag shows as the final claim, or as a steal after a failed attempt
 * (none for a MOVABLE request below half a pageblock, which never tries).
 */
static void fallback_boost(struct replay_ctx *c, const struct cev *e)
{
	unsigned int pbo = c->cfg->pageblock_order;
	int zone;

	if (e->order2 >= pbo)
		return;
	if (c->prof_618 && !e->flag && e->mt == MODEL_MT_MOVABLE && e->order2 < pbo / 2)
		return;
	zone = model_zone_of_pfn(c->m, e->pfn);
	if (zone >= 0 && model_zone_boost_watermark(c->m, (unsigned int)zone) == 1)
		c->boosts_implied++;
}

/* ---- the baseline predictor ------------------------------------------------ */

/*
 * The obvious guess: the page most recently freed on this cpu at this order
 * (what a LIFO per-cpu cache would hand out). Shown beside the model's rate
 * so the value the model adds is visible.
 */
static void baseline_note_free(struct cpu_state *s, uint64_t pfn, unsigned int order)
{
	if (s && order < REPLAY_MAX_ORDERS)
		s->last_freed_plus1[order] = pfn + 1;
}

static bool baseline_hit(const struct cpu_state *s, uint64_t pfn, unsigned int order)
{
	return s && order < REPLAY_MAX_ORDERS && s->last_freed_plus1[order] == pfn + 1;
}

/* ---- shadow mode ------------------------------------------------------------ */

static void pred_count(struct pred_count *k, bool ok)
{
	k->n++;
	k->ok += ok;
}

/*
 * Shadow mode's model_counters: what the model decided at each allocation
 * it predicted (the state it then follows is the kernel's). Drains are
 * never the model's decision in shadow mode, so they are not counted.
 */
static void predicted_counts(struct model_counters *k, const struct model_alloc_result *r)
{
	k->pcp_hits += !!(r->flags & MODEL_ALLOC_R_PCP_HIT);
	if (r->flags & MODEL_ALLOC_R_PCP_REFILL) {
		k->pcp_refills++;
		k->pcp_refill_pages += r->refill_pages;
	}
	k->buddy_allocs += !!(r->flags & MODEL_ALLOC_R_BUDDY);
	k->fallbacks += r->nr_fallbacks;
	k->claims += !!(r->flags & MODEL_ALLOC_R_CLAIM);
	k->steals += !!(r->flags & MODEL_ALLOC_R_STEAL);
	k->boosts += r->boosts;
	k->kswapd_wakes += !!(r->flags & MODEL_ALLOC_R_KSWAPD_WAKE);
}

/*
 * Ask the model where the allocation @e would land, from the state before
 * anything the kernel pulled for it (its pending blocks) is applied: the
 * answer must never be visible to the prediction. Returns the predicted
 * pfn, MODEL_PFN_NONE when the allocation is not scored.
 */
static uint64_t shadow_predict(struct replay_ctx *c, const struct cev *e, struct cpu_state *s,
			       bool buddy_served, unsigned int *res_flags)
{
	struct model_alloc_req req = {
		.order = e->order,
		.gfp_flags = e->gfp,
		.cpu = mcpu(c, e->cpu),
		.preferred_node = -1,
		.req_flags = MODEL_REQ_DRY_RUN | MODEL_REQ_SLOWPATH | MODEL_REQ_MUST_SUCCEED,
	};
	struct model_alloc_result res;
	bool ok;

	*res_flags = 0;
	if (c->uncertain) {
		c->pred_uncertain++;
		return MODEL_PFN_NONE;
	}
	if (e->ts < c->start_ts) {
		c->pred_in_start_window++;
		return MODEL_PFN_NONE;
	}
	if (s && s->pending_leaked) {
		s->pending_leaked = false;
		c->pred_pending_overflow++;
		return MODEL_PFN_NONE;
	}
	if (model_alloc_pages(c->m, &req, &res))
		return MODEL_PFN_NONE;
	ok = res.pfn == e->pfn;
	*res_flags = res.flags;
	predicted_counts(&c->pmc, &res);
	pred_count(&c->pred, ok);
	pred_count(buddy_served ? &c->pred_buddy : &c->pred_pcp, ok);
	pred_count(&c->pred_baseline, baseline_hit(s, e->pfn, e->order));
	if (e->order < REPLAY_MAX_ORDERS)
		pred_count(&c->pred_order[e->order], ok);
	return res.pfn;
}

static bool freed_since_last_alloc(const struct cpu_state *s, uint64_t pfn)
{
	for (unsigned int i = 0; i < s->nr_recent && i < RECENT_FREES; i++)
		if (s->recent_free[i] == pfn)
			return true;
	return false;
}

/*
 * A pcp hit took the kernel's page from deeper in a list than the model's
 * head (spec 2.5: a hit takes the head). An entry in front of it that this
 * cpu freed after its previous mm_page_alloc may be an interrupt's free
 * traced before this allocation (mm_page_alloc fires after the page is
 * prepared, spec 12): it stays. Any other entry in front was not on the
 * kernel's list there: it was on another list (a pageblock type the model
 * got wrong), in the buddy (a free whose pcp trylock failed, spec 3.1) or
 * handed out by the bulk allocator (no mm_page_alloc, spec 6.5). The trace
 * cannot tell which until the page shows up again, so it is set aside
 * (stale_set_aside) and placed where its next event says (stale_found).
 */
static void pcp_resync(struct replay_ctx *c, const struct cev *e, const struct cpu_state *s)
{
	struct model_pfn_state sk;
	uint64_t front[64];
	long n;

	if (model_pfn_state_get(c->m, e->pfn, &sk) || sk.kind != MODEL_PFN_ON_PCP ||
	    sk.head_pfn != e->pfn || sk.zone < 0 || sk.list_mt != e->mt ||
	    (unsigned int)sk.pcp_cpu != mcpu(c, e->cpu))
		return;
	n = model_pcp_list_get(c->m, (unsigned int)sk.zone, (unsigned int)sk.pcp_cpu,
			       (unsigned int)sk.pcp_pindex, front, 64);
	for (long i = 0; i < n && i < 64 && front[i] != e->pfn; i++) {
		if (s && freed_since_last_alloc(s, front[i]))
			continue;
		stale_set_aside(c, front[i], sk.order, sk.pcp_cpu);
		c->contra[RC_STALE_PCP]++;
	}
}

/*
 * 6.18: a pcp hit names the list its page was on, the request's
 * migratetype, which was the pageblock's type when the page was freed
 * (spec 3.3). Teach the model a type it got wrong.
 */
static void pcp_hit_learn(struct replay_ctx *c, const struct cev *e)
{
	struct model_pfn_state st;

	if (!c->prof_618 || e->mt < 0 || e->mt >= MODEL_MIGRATE_PCPTYPES)
		return;
	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind == MODEL_PFN_OUTSIDE ||
	    st.pageblock_mt < 0 || st.pageblock_mt >= MODEL_MIGRATE_PCPTYPES ||
	    st.pageblock_mt == e->mt)
		return;
	model_pageblock_claim(c->m, e->pfn, e->mt);
	c->pageblock_learned_pcp++;
}

/* The allocation took its pending blocks: the one handed out, the rest to the pcp. */
static bool pending_consume(struct replay_ctx *c, const struct cev *e, struct cpu_state *s)
{
	struct model_force_result fr;
	bool matched = false;

	for (unsigned int i = 0; i < s->n; i++) {
		struct pending *p = &s->p[i];

		if (!matched && p->pfn == e->pfn && p->order == e->order) {
			/* the block handed out: straight from the buddy to the caller */
			matched = true;
			if (!p->applied) {
				p->applied = true;
				pull_prepare(c, p->pfn, p->order, e->cpu);
				model_force_alloc(c->m, p->pfn, p->order, (int)mcpu(c, e->cpu), e->mt,
						  &fr);
				count_model_contra(c, fr.contradiction, e->ts, p->pfn);
			} else if (pcpable(c, p->order)) {
				matched = false; /* it went to the pcp: take it from there */
			}
			continue;
		}
		pending_apply(c, e->cpu, p, e->mt, e->ts, true);
	}
	s->n = 0;
	return matched;
}

static void shadow_alloc(struct replay_ctx *c, const struct cev *e)
{
	struct cpu_state *s = cpu_st(c, e->cpu);
	bool buddy_served = s && s->n > 0, matched = false;
	struct model_force_result fr;
	unsigned int flags = 0;
	uint64_t predicted;

	if (e->pfn == TRACEFMT_PFN_NONE) {
		if (e->order < REPLAY_MAX_ORDERS && c->kfail[e->order]++ == 0)
			notable(c, e->ts, "failure", "first failed allocation of order %u (gfp %#llx)",
				e->order, (unsigned long long)e->gfp);
		attribute(c, e->pid, e->gfp, 0, 1, s ? s->extfrag : 0);
		if (s)
			s->extfrag = 0;
		pending_flush(c, e->cpu, e->ts);
		return;
	}
	/* the fallbacks just before it on this cpu were this request's */
	attribute(c, e->pid, e->gfp, 1, 0, s ? s->extfrag : 0);
	if (s)
		s->extfrag = 0;
	predicted = shadow_predict(c, e, s, buddy_served, &flags);
	if (s)
		matched = pending_consume(c, e, s);
	if (!matched) {
		if (predicted != e->pfn && (flags & MODEL_ALLOC_R_PCP_HIT))
			pcp_resync(c, e, s);
		pcp_hit_learn(c, e);
		if (!c->alloc_of_set_aside) {
			model_force_alloc(c->m, e->pfn, e->order, (int)mcpu(c, e->cpu), e->mt, &fr);
			count_model_contra(c, fr.contradiction, e->ts, e->pfn);
		}
	}
	c->alloc_of_set_aside = false;
	if (s)
		s->nr_recent = 0;
}

static void note_recent_free(struct cpu_state *s, uint64_t pfn)
{
	s->recent_free[s->nr_recent % RECENT_FREES] = pfn;
	s->nr_recent++;
}

/*
 * A free of a page the model holds on a pcp list: the bulk allocator
 * (alloc_pages_bulk) hands pages out from the pcp with no mm_page_alloc
 * (spec 6.5), so this page was allocated unseen. Take it off the list first;
 * not a contradiction.
 */
static void bulk_alloc_infer(struct replay_ctx *c, const struct cev *e)
{
	struct model_pfn_state st;
	struct model_force_result fr;

	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind != MODEL_PFN_ON_PCP ||
	    st.head_pfn != e->pfn || st.order != e->order)
		return;
	model_force_alloc(c->m, e->pfn, e->order, st.pcp_cpu, -1, &fr);
	c->inferred_bulk_allocs++;
}

static void shadow_free(struct replay_ctx *c, const struct cev *e)
{
	struct cpu_state *s = cpu_st(c, e->cpu);
	struct model_free_result fr;

	bulk_alloc_infer(c, e);
	model_free_pages(c->m, e->pfn, e->order, mcpu(c, e->cpu), MODEL_FREE_NO_DRAIN, &fr);
	count_model_contra(c, fr.contradiction, e->ts, e->pfn);
	if (s) {
		baseline_note_free(s, e->pfn, e->order);
		note_recent_free(s, e->pfn);
	}
}

static void shadow_drain(struct replay_ctx *c, const struct cev *e)
{
	struct model_free_result fr;

	pending_apply_pfn(c, e->pfn, e->ts);
	pageblock_learn(c, e->pfn, e->mt);
	model_pcpu_drain_page(c->m, e->pfn, e->order, &fr);
	if (fr.contradiction == MODEL_CONTRA_NOT_ON_PCP) {
		struct model_pfn_state st;

		count_contra(c, RC_DRAIN_NOT_ON_PCP, e->ts, e->pfn);
		/* the kernel says the page is in the buddy now */
		if (!model_pfn_state_get(c->m, e->pfn, &st) && st.kind == MODEL_PFN_ALLOCATED)
			model_free_pages(c->m, e->pfn, e->order, mcpu(c, e->cpu),
					 MODEL_FREE_BUDDY, &fr);
	} else {
		count_model_contra(c, fr.contradiction, e->ts, e->pfn);
	}
}

static void shadow_extfrag(struct replay_ctx *c, const struct cev *e)
{
	struct cpu_state *s = cpu_st(c, e->cpu);

	if (s)
		s->extfrag++;
	else
		attribute(c, e->pid, 0, 0, 0, 1);
	fallback_boost(c, e);
	/* change_ownership: the block was claimed for the request's type (spec 6.2) */
	if (e->flag && e->mt >= 0 && e->mt < (int)c->cfg->nr_migratetypes) {
		c->pageblock_hints++;
		model_pageblock_claim(c->m, e->pfn, e->mt);
	}
	if (!c->prof_618 || !s)
		return; /* 6.1: the zone_locked that follows takes the page */
	for (unsigned int i = 0; i < s->n; i++)
		if (s->p[i].pfn == e->pfn)
			return; /* a claim's zone_locked already named it */
	pending_add(c, e, e->order, true, pcpable(c, e->order));
}

static void shadow_free_batched(struct replay_ctx *c, const struct cev *e)
{
	struct model_pfn_state st;

	if (!model_pfn_state_get(c->m, e->pfn, &st) && st.kind != MODEL_PFN_ON_PCP)
		c->pcp_hint_mismatch++;
}

/* ---- what-if mode ---------------------------------------------------------- */

/*
 * Bitmaps over the zones' pfn span, one bit per page: owned (model pfns held
 * by what-if allocations) and tied (kernel pfns of allocations seen in the
 * trace, so an untied free costs no map lookup). Blocks are aligned, so a
 * block of order >= 6 covers whole words.
 */
/* [pfn, pfn + 2^order) inside the bitmaps, computed so that nothing wraps. */
static bool bits_range(const struct replay_ctx *c, uint64_t pfn, unsigned int order, uint64_t *i,
		       uint64_t *n)
{
	if (order >= 64 || pfn < c->owned_base)
		return false;
	*i = pfn - c->owned_base;
	*n = 1ull << order;
	return *i < c->owned_len && *n <= c->owned_len - *i;
}

static void bits_set(const struct replay_ctx *c, uint64_t *map, uint64_t pfn, unsigned int order, bool on)
{
	uint64_t i, n;

	if (!bits_range(c, pfn, order, &i, &n))
		return;
	if (order >= 6) {
		for (uint64_t w = i >> 6; w < (i + n) >> 6; w++)
			map[w] = on ? ~0ull : 0;
		return;
	}
	if (on)
		map[i >> 6] |= ((1ull << n) - 1) << (i & 63);
	else
		map[i >> 6] &= ~(((1ull << n) - 1) << (i & 63));
}

static bool bits_any(const struct replay_ctx *c, const uint64_t *map, uint64_t pfn, unsigned int order)
{
	uint64_t i, n;

	if (!bits_range(c, pfn, order, &i, &n))
		return false;
	if (order >= 6) {
		for (uint64_t w = i >> 6; w < (i + n) >> 6; w++)
			if (map[w])
				return true;
		return false;
	}
	return (map[i >> 6] >> (i & 63)) & ((1ull << n) - 1);
}

static void whatif_alloc(struct replay_ctx *c, const struct cev *e)
{
	bool kernel_ok = e->pfn != TRACEFMT_PFN_NONE;
	struct model_alloc_req req = {
		.order = e->order,
		.gfp_flags = e->gfp,
		.cpu = mcpu(c, e->cpu),
		.preferred_node = -1,
		.req_flags = MODEL_REQ_SLOWPATH | (kernel_ok ? MODEL_REQ_MUST_SUCCEED : 0),
	};
	struct model_alloc_result res;

	if (model_alloc_pages(c->m, &req, &res)) {
		res.pfn = MODEL_PFN_NONE;
		res.fail = MODEL_FAIL_ORDER;
		res.nr_fallbacks = 0;
		res.flags = 0;
	}
	attribute(c, e->pid, e->gfp, res.pfn != MODEL_PFN_NONE, res.pfn == MODEL_PFN_NONE,
		  res.nr_fallbacks);
	if ((res.flags & MODEL_ALLOC_R_KSWAPD_WAKE) && !c->first_kswapd_reported) {
		c->first_kswapd_reported = true;
		notable(c, e->ts, "kswapd", "first kswapd wake-up (order %u request)", e->order);
	}
	if (res.flags & MODEL_ALLOC_R_NO_WATERMARKS) {
		if (!c->first_breach_reported)
			notable(c, e->ts, "watermark",
				"first watermark breach: order %u served below the min mark",
				e->order);
		c->first_breach_reported = true;
		c->breaches++;
	}
	if (res.pfn == MODEL_PFN_NONE) {
		if (e->order < REPLAY_MAX_ORDERS)
			c->wfail[e->order]++;
		if (res.fail < MODEL_NR_ALLOC_FAIL)
			c->wfail_reason[res.fail]++;
	}
	if (res.pfn == MODEL_PFN_NONE && e->order < REPLAY_MAX_ORDERS &&
	    c->first_fail_reported[e->order]++ == 0)
		notable(c, e->ts, "failure", "first failed allocation of order %u (reason %d)",
			e->order, (int)res.fail);
	if (res.pfn != MODEL_PFN_NONE)
		bits_set(c, c->owned, res.pfn, e->order, true);
	if (kernel_ok && res.pfn == e->pfn)
		c->whatif_same_pfn++;
	if (kernel_ok) {
		struct pfn_map_entry *me = pfn_map_put(&c->map, e->pfn);

		bits_set(c, c->tied, e->pfn, e->order, true);

		if (me) {
			me->val = res.pfn;
			me->order = e->order;
			me->left = 1u << e->order;
		}
	} else if (res.pfn != MODEL_PFN_NONE) {
		c->whatif_unfreed++;
	}
}

/* The allocation whose range holds @pfn: the head is at one of the aligned candidates. */
static struct pfn_map_entry *whatif_find(struct replay_ctx *c, uint64_t pfn, unsigned int order)
{
	for (unsigned int o = order; o < c->nr_fail_orders; o++) {
		struct pfn_map_entry *me = pfn_map_get(&c->map, pfn & ~((1ull << o) - 1));

		/* the candidate head is at or below pfn: the difference cannot wrap */
		if (me && me->order >= order && me->order < 64 &&
		    pfn - me->key < (1ull << me->order))
			return me;
	}
	return NULL;
}

static void whatif_free(struct replay_ctx *c, const struct cev *e)
{
	struct pfn_map_entry *me = bits_any(c, c->tied, e->pfn, e->order)
				   ? whatif_find(c, e->pfn, e->order) : NULL;
	struct model_free_result fr;
	uint64_t target;

	if (me) {
		if (me->val == MODEL_PFN_NONE) {
			c->whatif_frees_of_failed++;
		} else {
			target = me->val + (e->pfn - me->key);
			bits_set(c, c->owned, target, e->order, false);
			model_free_pages(c->m, target, e->order, mcpu(c, e->cpu), 0, &fr);
			count_model_contra(c, fr.contradiction, e->ts, target);
		}
		bits_set(c, c->tied, e->pfn, e->order, false);
		if (me->left <= (1u << e->order))
			pfn_map_del(&c->map, me);
		else
			me->left -= 1u << e->order;
		return;
	}
	/* allocated before the capture (or never seen): freed at its own pfn */
	c->whatif_untied_frees++;
	if (bits_any(c, c->owned, e->pfn, e->order)) {
		count_contra(c, RC_WHATIF_FREE_CONFLICT, e->ts, e->pfn);
		return;
	}
	model_free_pages(c->m, e->pfn, e->order, mcpu(c, e->cpu), 0, &fr);
	count_model_contra(c, fr.contradiction, e->ts, e->pfn);
}

/* ---- dispatch ------------------------------------------------------------------ */

static void paranoid_check(struct replay_ctx *c, const struct cev *e)
{
	char buf[200];

	c->paranoid_checks++;
	if (!model_check(c->m, buf, sizeof(buf)))
		return;
	if (!c->paranoid_fail++) {
		snprintf(c->paranoid_first, sizeof(c->paranoid_first), "after %s at t=%lld ns: %s",
			 tracefmt_type_name(e->type), (long long)rel_t(c, e->ts), buf);
		notable(c, e->ts, "model_check", "model_check failed %s", c->paranoid_first);
	}
}

/* The walk span of (zone, cpu), NULL if the trace has none. */
static const struct walk_span *walk_find(const struct prescan *ps, int zone, uint32_t cpu)
{
	for (size_t i = 0; i < ps->nr_walks; i++)
		if (ps->walks[i].zone == zone && ps->walks[i].cpu == cpu)
			return &ps->walks[i];
	return NULL;
}

/*
 * The walk span of the lists @e touches: the cpu's pcp lists for an
 * allocation from the pcp or a free, the zone's buddy lists for what happens
 * under the zone lock (zone_locked, extfrag, drain, a buddy-served allocation).
 */
static const struct walk_span *walk_span_of(const struct replay_ctx *c, int zone, const struct cev *e)
{
	bool pcp_side = (e->type == TRACEFMT_PAGE_ALLOC && !pending_holds(c, e->cpu, e->pfn)) ||
			e->type == TRACEFMT_PAGE_FREE;

	if (pcp_side)
		return walk_find(&c->ps, zone, e->cpu);
	return walk_find(&c->ps, zone, TRACEFMT_WALK_BUDDY_CPU);
}

/*
 * A page event between the snapshot walk's begin and end marks: applied
 * only if the walk had not already seen its effect. With the walk's own
 * times (a SNAPSHOT_WALK record per zone and per cpu's pcp lists) that is
 * "after the walk read its lists"; without them the model's state decides:
 * an allocation of a block the walk saw free, a free of a page it saw
 * allocated, a drain of a page it saw on a pcp list happened after the walk.
 */
static bool window_event_is_new(struct replay_ctx *c, const struct cev *e)
{
	struct model_pfn_state st;
	const struct walk_span *w;

	if (c->start.kind != START_SNAPSHOT || e->ts < c->ps.snap_begin_ts)
		return false;
	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind == MODEL_PFN_OUTSIDE)
		return false;
	w = walk_span_of(c, st.zone, e);
	if (w && e->ts < w->begin)
		return false;
	if (w && e->ts > w->end)
		return true;
	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		return e->pfn != TRACEFMT_PFN_NONE && st.kind != MODEL_PFN_ALLOCATED;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		return st.kind == MODEL_PFN_FREE_BUDDY;
	case TRACEFMT_PAGE_FREE:
		return st.kind == MODEL_PFN_ALLOCATED;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		return st.kind == MODEL_PFN_ON_PCP;
	default:
		return false;
	}
}

/*
 * The kernel's own figures, read from the trace the same way in both modes:
 * a refill is a burst of zone_locked blocks with percpu_refill set (6.18
 * steal-mode pulls show only extfrag, spec 6.3) closed by the cpu's next
 * mm_page_alloc; drains are mm_page_pcpu_drain events.
 */
static void trace_count(struct replay_ctx *c, const struct cev *e)
{
	struct cpu_state *s = cpu_st(c, e->cpu);
	struct trace_counters *t = &c->tc;
	bool pulled = false;

	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		if (e->pfn == TRACEFMT_PFN_NONE)
			t->alloc_failures++;
		else
			t->allocations++;
		if (s)
			s->refill_open = false;
		break;
	case TRACEFMT_PAGE_FREE:
		t->frees++;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		pulled = e->flag && pcpable(c, e->order);
		if (s)
			s->last_zone_locked_pfn = e->pfn;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		t->fallbacks++;
		pulled = c->prof_618 && pcpable(c, e->order) && s && s->last_zone_locked_pfn != e->pfn;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		t->pcp_drains++;
		t->pcp_drain_pages += 1ull << (e->order & 63);
		break;
	default:
		break;
	}
	if (!pulled)
		return;
	t->pcp_refill_pages += 1ull << (e->order & 63);
	if (s && !s->refill_open) {
		s->refill_open = true;
		t->pcp_refills++;
	}
}

/* ---- memory that appears at runtime, watermark recomputes ------------------- */

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* The model's zone as it stands, as a model_zone_state to adjust. */
static int zone_state_now(struct replay_ctx *c, unsigned int zone, struct model_zone_state *st)
{
	struct model_zone_info zi;

	if (model_zone_info_get(c->m, zone, &zi))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->spanned_pages = zi.spanned_pages;
	st->present_pages = zi.present_pages;
	st->managed_pages = zi.managed_pages;
	st->wmark_min = zi.wmark_min;
	st->wmark_low = zi.wmark_low;
	st->wmark_high = zi.wmark_high;
	st->wmark_promo = zi.wmark_promo;
	st->watermark_boost = zi.watermark_boost;
	return 0;
}

/*
 * Shadow: a zone_state record (with every checkpoint reading) re-anchors the
 * zone's sizes, watermarks and boost to what the kernel reported; zoneinfo's
 * watermarks include the boost, the model's do not.
 */
static void zone_state_apply(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(c->m, ev->u.zone_state.node, ev->u.zone_state.zone);
	uint64_t boost = ev->u.zone_state.boost;
	struct model_zone_state st, now;

	if (zone < 0 || zone_state_now(c, (unsigned int)zone, &now) || !ev->u.zone_state.spanned)
		return;
	st = now;
	if (ev->u.zone_state.spanned > now.spanned_pages)
		st.spanned_pages = ev->u.zone_state.spanned;
	if (ev->u.zone_state.present <= st.spanned_pages)
		st.present_pages = ev->u.zone_state.present;
	if (ev->u.zone_state.managed <= st.present_pages)
		st.managed_pages = ev->u.zone_state.managed;
	st.wmark_min = sat_sub(ev->u.zone_state.min, boost);
	st.wmark_low = sat_sub(ev->u.zone_state.low, boost);
	st.wmark_high = sat_sub(ev->u.zone_state.high, boost);
	if (ev->u.zone_state.flags & TRACEFMT_ZS_HAS_PROMO)
		st.wmark_promo = sat_sub(ev->u.zone_state.promo, boost);
	st.watermark_boost = boost;
	if (!memcmp(&st, &now, sizeof(st)))
		return;
	if (st.managed_pages > now.managed_pages && !c->hotplug_seen)
		c->pages_added += st.managed_pages - now.managed_pages;
	c->zone_states_applied++;
	model_zone_state_set(c->m, (unsigned int)zone, &st);
}

/* Shadow: the kernel just recomputed a zone's watermarks (boost is reset to 0 then). */
static void wmark_apply(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(c->m, ev->u.wmark.node, ev->u.wmark.zone);
	struct model_zone_state st;

	if (zone < 0 || zone_state_now(c, (unsigned int)zone, &st))
		return;
	st.wmark_min = ev->u.wmark.min;
	st.wmark_low = ev->u.wmark.low;
	st.wmark_high = ev->u.wmark.high;
	st.wmark_promo = ev->u.wmark.promo;
	st.watermark_boost = 0;
	c->wmark_recomputes++;
	model_zone_state_set(c->m, (unsigned int)zone, &st);
}

/*
 * Memory that appears at runtime (capture/HOTPLUG.md): on this kind of host
 * (deferred struct-page init) a zone's managed pages are the prefix
 * [start_pfn, start_pfn + managed) and grow by frees of never-allocated
 * blocks of pageblock order or more, ascending from its end, which enter the
 * buddy at the list tail (FPI_TO_TAIL, spec 6.6 item 5). Shadow: freed as
 * such, managed grows (the watermarks follow the recorded recompute).
 * What-if: the model adds the pages and recomputes as the kernel does.
 */
static bool hotplug_free(struct replay_ctx *c, const struct cev *e)
{
	const struct model_config *cfg = c->cfg;
	uint64_t n;
	int zone;

	if (e->order < cfg->pageblock_order || e->order >= 63)
		return false;
	zone = model_zone_of_pfn(c->m, e->pfn);
	if (zone < 0 || zone >= MODEL_MAX_ZONES || !c->managed_end[zone] ||
	    e->pfn != c->managed_end[zone])
		return false;
	n = 1ull << e->order;
	c->managed_end[zone] += n;
	c->pages_added += n;
	c->hotplug_seen = true;
	if (c->mode == REPLAY_WHATIF) {
		struct model_zone_state before, after;

		zone_state_now(c, (unsigned int)zone, &before);
		model_zone_add_pages(c->m, (unsigned int)zone, e->pfn, n);
		/* the pages were present already: only managed grows */
		if (!zone_state_now(c, (unsigned int)zone, &after)) {
			after.present_pages = before.present_pages;
			after.spanned_pages = before.spanned_pages;
			model_zone_state_set(c->m, (unsigned int)zone, &after);
		}
	} else {
		struct model_zone_state st;

		model_free_range(c->m, e->pfn, n);
		if (!zone_state_now(c, (unsigned int)zone, &st)) {
			st.managed_pages += n;
			if (st.managed_pages <= st.present_pages)
				model_zone_state_set(c->m, (unsigned int)zone, &st);
		}
	}
	return true;
}

/* Zones whose managed pages are a prefix that can grow (present == spanned). */
static void hotplug_init(struct replay_ctx *c)
{
	for (unsigned int z = 0; z < c->cfg->nr_zones && z < MODEL_MAX_ZONES; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];

		if (zc->present_pages == zc->spanned_pages && zc->managed_pages < zc->present_pages)
			c->managed_end[z] = zc->start_pfn + zc->managed_pages;
	}
}

/*
 * Free page reporting (model/KERNEL-FACTS.md): a free whose merged block
 * reaches the reporting order requests a pass, which the kernel's worker
 * runs 2 s later and again 2 s after a pass that left work; the pass puts
 * reported blocks back at their lists' tails. The model has no clock, so
 * the replay keeps the worker's.
 */
#define PAGE_REPORTING_DELAY_NS 2000000000ull

static void page_reporting_due(struct replay_ctx *c, uint64_t ts)
{
	struct model_report_result r;

	if (!c->cfg->page_reporting_order)
		return;
	if (!c->report_at) {
		if (model_page_reporting_state_get(c->m) == MODEL_PR_REQUESTED)
			c->report_at = ts + PAGE_REPORTING_DELAY_NS;
		return;
	}
	if (ts < c->report_at)
		return;
	c->report_at = 0;
	if (model_page_reporting_run(c->m, -1, &r))
		return;
	c->reporting_passes++;
	c->pages_reported += r.pages_reported;
	if (r.requested || model_page_reporting_state_get(c->m) == MODEL_PR_REQUESTED)
		c->report_at = ts + PAGE_REPORTING_DELAY_NS;
}

/*
 * 6.18 decays each cpu's pcp high from that cpu's vmstat worker, about once
 * a second and deferrable, so an idle cpu skips it (spec 4.3): a cpu's
 * decay runs at its first event a second or more after its last one, the
 * first a second after the start state.
 */
#define PCP_DECAY_NS 1000000000ull

static void pcp_decay_due(struct replay_ctx *c, const struct cev *e)
{
	struct cpu_state *s = cpu_st(c, e->cpu);

	if (!s)
		return;
	if (!s->next_decay)
		s->next_decay = add_sat(e->ts > c->start_ts ? e->ts : c->start_ts, PCP_DECAY_NS);
	if (e->ts < s->next_decay)
		return;
	model_pcp_decay(c->m, (int)mcpu(c, e->cpu));
	s->next_decay = add_sat(e->ts, PCP_DECAY_NS);
}

static void apply(struct replay_ctx *c, const struct cev *e)
{
	bool page = e->type >= TRACEFMT_PAGE_ALLOC && e->type <= TRACEFMT_PAGE_ALLOC_EXTFRAG;

	if (page && e->ts < c->start_ts && !window_event_is_new(c, e)) {
		c->skipped_before_start++;
		return;
	}
	if (!c->have_t0 && (page || e->type == TRACEFMT_CHECKPOINT)) {
		c->have_t0 = true;
		c->t0 = e->ts;
		c->next_sample = add_sat(e->ts, c->sample_ns);
	}
	if (e->ts > c->last_ts)
		c->last_ts = e->ts;
	if (page && c->ck_open)
		checkpoint_close(c);
	if (c->have_t0 && e->ts >= c->next_sample && c->next_sample != UINT64_MAX) {
		uint64_t steps = 1 + (e->ts - c->next_sample) / c->sample_ns;

		emit_samples(c, c->next_sample);
		c->next_sample = steps > (UINT64_MAX - c->next_sample) / c->sample_ns
				 ? UINT64_MAX : c->next_sample + steps * c->sample_ns;
	}
	if (c->mode == REPLAY_WHATIF && c->prof_618 && page)
		pcp_decay_due(c, e);
	if (page) {
		c->events++;
		trace_count(c, e);
		if (c->uncertain && e->ts >= c->uncertain_until)
			c->uncertain = false;
		if (c->uncertain)
			c->uncertain_events++;
	}
	c->by_type[e->type]++;

	if (c->mode == REPLAY_SHADOW && page && stale_found(c, e))
		goto checked;
	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		if (c->mode == REPLAY_SHADOW) {
			shadow_alloc(c, e);
		} else {
			if (e->pfn == TRACEFMT_PFN_NONE && e->order < REPLAY_MAX_ORDERS)
				c->kfail[e->order]++;
			whatif_alloc(c, e);
		}
		break;
	case TRACEFMT_PAGE_FREE:
		if (hotplug_free(c, e))
			break;
		if (c->mode == REPLAY_SHADOW)
			shadow_free(c, e);
		else
			whatif_free(c, e);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		if (c->mode == REPLAY_SHADOW)
			shadow_free_batched(c, e);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		if (c->mode == REPLAY_SHADOW) {
			pageblock_learn(c, e->pfn, e->mt);
			pending_add(c, e, e->order, false, e->flag && pcpable(c, e->order));
		}
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		if (c->mode == REPLAY_SHADOW)
			shadow_drain(c, e);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		if (c->mode == REPLAY_SHADOW)
			shadow_extfrag(c, e);
		break;
	default:
		break;
	}
checked:
	if (page)
		page_reporting_due(c, e->ts);
	if (c->opts->paranoid && page &&
	    (c->opts->paranoid_every <= 1 || !(c->events % c->opts->paranoid_every)))
		paranoid_check(c, e);
}

static void apply_big(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	if (ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
	switch (ev->type) {
	case TRACEFMT_CHECKPOINT:
		if (!c->have_t0) {
			c->have_t0 = true;
			c->t0 = ev->ts_ns;
			c->next_sample = add_sat(ev->ts_ns, c->sample_ns);
		}
		/* the what-if model follows other settings: its free counts are its own */
		checkpoint_add(c, ev);
		break;
	case TRACEFMT_COMM:
		comm_set(c, ev->pid, ev->u.comm.comm);
		break;
	case TRACEFMT_ZONE_STATE:
		if (c->mode == REPLAY_SHADOW)
			zone_state_apply(c, ev);
		break;
	case TRACEFMT_WMARK:
		if (c->mode == REPLAY_SHADOW)
			wmark_apply(c, ev);
		break;
	case TRACEFMT_LOST:
		c->lost_records++;
		c->lost_events += ev->u.lost.count;
		if (ev->ts_ns >= c->start_ts) {
			c->uncertain = true;
			c->uncertain_until = add_sat(ev->ts_ns, REPLAY_UNCERTAIN_NS);
			notable(c, ev->ts_ns, "lost", "%llu events lost on cpu %u: uncertain until the "
				"next checkpoint or for 1 s", (unsigned long long)ev->u.lost.count, ev->cpu);
		}
		break;
	default:
		break;
	}
	c->by_type[ev->type]++;
}

/* Records that travel whole through the reorder window's side ring. */
static bool is_big_record(unsigned int type)
{
	return type == TRACEFMT_CHECKPOINT || type == TRACEFMT_COMM || type == TRACEFMT_LOST ||
	       type == TRACEFMT_ZONE_STATE || type == TRACEFMT_WMARK;
}

static void cev_from(struct cev *e, const struct tracefmt_event *ev)
{
	e->ts = ev->ts_ns;
	e->cpu = ev->cpu;
	e->pid = ev->pid;
	e->type = (uint8_t)ev->type;
	e->gfp = 0;
	e->flag = 0;
	e->mt = -1;
	e->mt2 = -1;
	e->order2 = 0;
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		e->pfn = ev->u.alloc.pfn;
		e->order = (uint8_t)ev->u.alloc.order;
		e->mt = (int8_t)ev->u.alloc.migratetype;
		e->gfp = ev->u.alloc.gfp_flags;
		break;
	case TRACEFMT_PAGE_FREE:
		e->pfn = ev->u.free.pfn;
		e->order = (uint8_t)ev->u.free.order;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		e->pfn = ev->u.free_batched.pfn;
		e->order = (uint8_t)ev->u.free_batched.order;
		e->flag = (uint8_t)ev->u.free_batched.has_order;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		e->pfn = ev->u.zone_locked.pfn;
		e->order = (uint8_t)ev->u.zone_locked.order;
		e->mt = (int8_t)ev->u.zone_locked.migratetype;
		e->flag = (uint8_t)ev->u.zone_locked.percpu_refill;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		e->pfn = ev->u.pcpu_drain.pfn;
		e->order = (uint8_t)ev->u.pcpu_drain.order;
		e->mt = (int8_t)ev->u.pcpu_drain.migratetype;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		e->pfn = ev->u.extfrag.pfn;
		e->order = (uint8_t)ev->u.extfrag.alloc_order;
		e->order2 = (uint8_t)ev->u.extfrag.fallback_order;
		e->mt = (int8_t)ev->u.extfrag.alloc_migratetype;
		e->mt2 = (int8_t)ev->u.extfrag.fallback_migratetype;
		e->flag = (uint8_t)ev->u.extfrag.change_ownership;
		break;
	default:
		e->pfn = 0;
		e->order = 0;
		break;
	}
}

/* ---- validation and stop hooks ----------------------------------------------- */

/* A stop request (SIGINT, SIGTERM) is read on every record: one load. */
static bool stop_requested(const struct replay_ctx *c)
{
	return c->opts->stop && *c->opts->stop;
}

/* A record no host could produce is counted and never reaches the engine. */
static bool record_rejected(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int k = replay_record_check(&c->lim, ev);

	if (k < 0)
		return false;
	if (!c->rejected[k]++)
		notable(c, ev->ts_ns, "rejected", "first record with an impossible %s skipped "
			"(%s on cpu %u)", replay_reject_names[k], tracefmt_type_name(ev->type),
			ev->cpu);
	return true;
}

/* ---- first pass: snapshot and first checkpoint ------------------------------ */

#define PRESCAN_EVENTS_NO_SNAPSHOT 200000u

static int prescan_add_snap(struct prescan *ps, struct model *m, const struct tracefmt_event *ev)
{
	struct snap_rec *r;

	if (ps->nr_snap == ps->cap_snap) {
		size_t n = ps->cap_snap ? 2 * ps->cap_snap : 4096;
		struct snap_rec *p = realloc(ps->snap, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ps->snap = p;
		ps->cap_snap = n;
	}
	r = &ps->snap[ps->nr_snap++];
	r->pfn = ev->u.snapshot_block.pfn;
	r->position = ev->u.snapshot_block.position;
	r->order = ev->u.snapshot_block.order;
	r->mt = (ev->u.snapshot_block.flags & TRACEFMT_SNAP_MT_UNKNOWN)
			? -1 : ev->u.snapshot_block.migratetype;
	r->cpu = ev->cpu;
	r->flags = ev->u.snapshot_block.flags;
	r->zone = replay_zone_by_name(m, ev->u.snapshot_block.node, ev->u.snapshot_block.zone);
	if (r->flags & TRACEFMT_SNAP_UNCERTAIN)
		ps->snap_uncertain++;
	return 0;
}

static int prescan_add_walk(struct prescan *ps, struct model *m, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(m, ev->u.snapshot_walk.node, ev->u.snapshot_walk.zone);
	struct walk_span *w;

	if (zone < 0 || ev->u.snapshot_walk.end_ns < ev->ts_ns)
		return 0;
	if (ps->nr_walks == ps->cap_walks) {
		size_t n = ps->cap_walks ? 2 * ps->cap_walks : 16;

		w = realloc(ps->walks, n * sizeof(*w));
		if (!w)
			return -ENOMEM;
		ps->walks = w;
		ps->cap_walks = n;
	}
	w = &ps->walks[ps->nr_walks++];
	w->zone = zone;
	w->cpu = ev->cpu;
	w->begin = ev->ts_ns;
	w->end = ev->u.snapshot_walk.end_ns;
	return 0;
}

static int prescan_run(struct replay_ctx *c)
{
	struct prescan *ps = &c->ps;
	struct tracefmt_event ev;
	uint64_t page_events = 0;
	bool ckpt_closed = false;
	int r;

	ps->first_ts = UINT64_MAX;
	while ((r = tracefmt_reader_next(c->rd, &ev)) > 0) {
		if (stop_requested(c))
			return -EINTR;
		if (replay_record_check(&c->lim, &ev) >= 0)
			continue; /* counted by the main pass */
		if (ev.type >= TRACEFMT_PAGE_ALLOC && ev.type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) {
			page_events++;
			if (ev.ts_ns < ps->first_ts)
				ps->first_ts = ev.ts_ns;
			if (ps->have_ckpt)
				ckpt_closed = true;
		}
		switch (ev.type) {
		case TRACEFMT_SNAPSHOT_MARK:
			if (ev.u.snapshot_mark.phase == TRACEFMT_SNAP_BEGIN) {
				ps->snapshot_begun = true;
				ps->snap_begin_ts = ev.ts_ns;
				ps->snapshot_method = ev.u.snapshot_mark.method;
				ps->nr_snap = 0;
			} else if (ev.u.snapshot_mark.phase == TRACEFMT_SNAP_END &&
				   ps->snapshot_begun) {
				ps->snapshot = true;
				ps->snap_end_ts = ev.ts_ns;
			}
			break;
		case TRACEFMT_SNAPSHOT_BLOCK:
			if (!ps->snapshot_begun || ps->snapshot)
				break;
			if (!replay_snapshot_block_fits(c->cfg, c->hdr.header_orders, &ev))
				c->rejected[RJ_SNAPSHOT_BLOCK]++;
			else if (prescan_add_snap(ps, c->m, &ev))
				return -ENOMEM;
			break;
		case TRACEFMT_SNAPSHOT_WALK:
			if (ps->snapshot_begun && !ps->snapshot && prescan_add_walk(ps, c->m, &ev))
				return -ENOMEM;
			break;
		case TRACEFMT_CHECKPOINT:
			if (!ps->have_ckpt) {
				ps->have_ckpt = true;
				ps->ckpt_seq = ev.u.checkpoint.seq;
				ps->ckpt_ts = ev.ts_ns;
			} else if (ev.u.checkpoint.seq != ps->ckpt_seq) {
				ckpt_closed = true;
			}
			if (!ckpt_closed && ev.u.checkpoint.seq == ps->ckpt_seq) {
				struct tracefmt_event *p =
					realloc(ps->ckpt, (ps->nr_ckpt + 1) * sizeof(*p));

				if (!p)
					return -ENOMEM;
				ps->ckpt = p;
				ps->ckpt[ps->nr_ckpt++] = ev;
			}
			break;
		default:
			break;
		}
		if (ps->snapshot)
			break;
		if (!ps->snapshot_begun && page_events > PRESCAN_EVENTS_NO_SNAPSHOT)
			break;
	}
	if (r < 0)
		return r;
	return tracefmt_reader_rewind(c->rd);
}

/* ---- summary ------------------------------------------------------------------ */

static json_t *jrate(uint64_t ok, uint64_t n)
{
	return n ? json_real((double)ok / (double)n) : json_null();
}

static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *pred_json(const struct pred_count *p)
{
	return json_pack("{sI sI so}", "predicted", (json_int_t)p->n, "correct", (json_int_t)p->ok,
			 "rate", jrate(p->ok, p->n));
}

static const char *const fail_reason_names[MODEL_NR_ALLOC_FAIL] = {
	[MODEL_ALLOC_OK] = "ok",
	[MODEL_FAIL_ORDER] = "order_too_large",
	[MODEL_FAIL_GFP] = "invalid_gfp",
	[MODEL_FAIL_NO_ZONE] = "no_zone",
	[MODEL_FAIL_WATERMARK] = "watermark",
	[MODEL_FAIL_NO_BLOCK] = "no_free_block",
};

static json_t *model_counters_json(const struct replay_ctx *c, const struct model_counters *mc)
{
	bool shadow = c->mode == REPLAY_SHADOW;

	if (shadow)
		mc = &c->pmc;
	return json_pack("{sI sI sI so so sI sI sI sI sI sI sI}",
		"pcp_hits", (json_int_t)mc->pcp_hits, "pcp_refills", (json_int_t)mc->pcp_refills,
		"pcp_refill_pages", (json_int_t)mc->pcp_refill_pages,
		"pcp_drains", shadow ? json_null() : json_integer((json_int_t)mc->pcp_drains),
		"pcp_drain_pages", shadow ? json_null()
					  : json_integer((json_int_t)mc->pcp_drained_pages),
		"buddy_allocs", (json_int_t)mc->buddy_allocs, "fallbacks", (json_int_t)mc->fallbacks,
		"claims", (json_int_t)mc->claims, "steals", (json_int_t)mc->steals,
		"boosts", (json_int_t)mc->boosts, "kswapd_wakes", (json_int_t)mc->kswapd_wakes,
		"watermark_breaches", (json_int_t)c->breaches);
}

static json_t *trace_counters_json(const struct trace_counters *t)
{
	return json_pack("{sI sI sI sI sI sI sI sI}",
		"allocations", (json_int_t)t->allocations,
		"alloc_failures", (json_int_t)t->alloc_failures, "frees", (json_int_t)t->frees,
		"pcp_refills", (json_int_t)t->pcp_refills,
		"pcp_refill_pages", (json_int_t)t->pcp_refill_pages,
		"pcp_drains", (json_int_t)t->pcp_drains,
		"pcp_drain_pages", (json_int_t)t->pcp_drain_pages,
		"fallbacks", (json_int_t)t->fallbacks);
}

/* The model's zones at the end of the run: sizes and watermarks. */
static json_t *zones_json(const struct replay_ctx *c)
{
	json_t *a = json_array();

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];
		struct model_zone_info zi;

		if (model_zone_info_get(c->m, z, &zi))
			continue;
		json_array_append_new(a, json_pack("{sI ss sI sI sI sI sI sI}",
			"node", (json_int_t)zc->node, "zone", zc->name,
			"managed", (json_int_t)zi.managed_pages, "min", (json_int_t)zi.wmark_min,
			"low", (json_int_t)zi.wmark_low, "high", (json_int_t)zi.wmark_high,
			"boost", (json_int_t)zi.watermark_boost,
			"nr_free_pages", (json_int_t)zi.nr_free_pages));
	}
	return a;
}

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(json_t *notes, const char *fmt, ...)
{
	char text[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(notes, json_string(text));
}

/* Limits under which a shadow figure is called poor, and said so in words. */
#define POOR_PFN_RATE 0.95
#define POOR_CHECKPOINT_DISTANCE 0.01

/*
 * Say in words when fidelity is poor and the likely cause, so nobody
 * changes a setting on the strength of a figure the replay cannot vouch for.
 */
static void fidelity_notes(const struct replay_ctx *c, json_t *notes)
{
	uint64_t contra = 0;
	double rate = c->pred.n ? (double)c->pred.ok / (double)c->pred.n : NAN;

	for (int i = 0; i < RC_NR; i++)
		contra += c->contra[i];
	if (c->pred.n && rate < POOR_PFN_RATE)
		note(notes, "poor fidelity: the model predicted %.1f %% of the kernel's pfns (below %.0f %%; "
		     "the last-freed-page baseline got %.1f %%); likely cause: %s", 100 * rate,
		     100 * POOR_PFN_RATE, c->pred_baseline.n ? 100.0 * (double)c->pred_baseline.ok /
		     (double)c->pred_baseline.n : 0.0,
		     c->lost_events ? "events were lost, so the model's lists drifted from the kernel's"
		     : c->start.kind != START_SNAPSHOT ? "the start state is not a free-list snapshot"
		     : contra * 100 > c->events ? "the model's state contradicted the trace often "
		       "(see contradictions): operations without kmem events (compaction, isolation, "
		       "free page reporting, hotplug) changed the free lists"
		     : "list order the trace does not show (free page reporting, events the kernel "
		       "does not trace)");
	if (c->ck_count && c->ck_max > POOR_CHECKPOINT_DISTANCE && c->ck_last <= POOR_CHECKPOINT_DISTANCE / 2)
		note(notes, "a checkpoint's free counts differ from the model's by %.2f %% (above %.0f %%) "
		     "but a later one matches again (last %.2f %%): the difference did not persist in the "
		     "model, so the likely cause is the reading itself - /proc/pagetypeinfo counts each "
		     "order and migratetype list under its own hold of the zone lock and may reschedule "
		     "in between while allocations go on, so a reading on a busy host is not one instant", 100 * c->ck_max,
		     100 * POOR_CHECKPOINT_DISTANCE, 100 * c->ck_last);
	else if (c->ck_count && c->ck_max > POOR_CHECKPOINT_DISTANCE)
		note(notes, "poor fidelity: a checkpoint's free counts differ from the model's by %.2f %% "
		     "(above %.0f %%); likely cause: %s", 100 * c->ck_max, 100 * POOR_CHECKPOINT_DISTANCE,
		     c->lost_events ? "lost events" : c->pages_added ? "memory that appeared at runtime"
		     : "buddy changes with no kmem event (compaction, isolation, hotplug)");
	if (!c->ck_count && c->ck_before_start)
		note(notes, "no checkpoint was read after the start state: the checkpoint distance "
		     "measures nothing here (%llu read before it)", (unsigned long long)c->ck_before_start);
	if (c->lost_events)
		note(notes, "%llu events were lost: allocations inside the %llu uncertain stretches "
		     "were not scored", (unsigned long long)c->lost_events,
		     (unsigned long long)c->lost_records);
	if (c->pages_added)
		note(notes, "%llu pages appeared at runtime (memory hotplug): the model added them; "
		     "figures around that moment are less certain", (unsigned long long)c->pages_added);
}

static char *summary_build(struct replay_ctx *c, struct replay_result *res, bool complete)
{
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(c->rd);
	struct model_counters mc;
	json_t *o = json_object(), *a, *k;
	char *settings = replay_settings_json(&c->hdr.settings), *text;
	unsigned int no = c->cfg->nr_page_orders;
	uint64_t total = 0;
	static const char *const start_names[] = { "snapshot", "checkpoint", "boot" };

	model_counters_get(c->m, &mc);
	json_object_set_new(o, "format", json_string("buddyscope-replay-summary"));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "mode", json_string(c->mode == REPLAY_SHADOW ? "shadow" : "whatif"));
	json_object_set_new(o, "trace", json_string(c->path));
	json_object_set_new(o, "label", c->opts->label ? json_string(c->opts->label) : json_null());
	json_object_set_new(o, "kernel_release", c->hdr.kernel_release
				 ? json_string(c->hdr.kernel_release) : json_null());
	json_object_set_new(o, "profile", json_string(c->cfg->profile == MODEL_PROFILE_6_1
						      ? "6.1" : "6.18"));
	json_object_set_new(o, "profile_guessed", json_boolean(c->hdr.profile_guessed));
	json_object_set_new(o, "settings", settings ? json_loads(settings, 0, NULL) : json_object());
	json_object_set_new(o, "host_settings", replay_host_settings_json(&c->hdr));
	free(settings);
	json_object_set_new(o, "model", json_pack("{sI sI sI sI sI sI}",
		"nr_page_orders", (json_int_t)no, "pageblock_order",
		(json_int_t)c->cfg->pageblock_order, "nr_cpus", (json_int_t)c->cfg->nr_cpus,
		"nr_migratetypes", (json_int_t)c->cfg->nr_migratetypes, "zones",
		(json_int_t)c->cfg->nr_zones, "memory_bytes",
		(json_int_t)model_memory_bytes(c->m)));
	json_object_set_new(o, "start_state", json_string(start_names[c->start.kind]));
	snprintf(res->start_state, sizeof(res->start_state), "%s", start_names[c->start.kind]);
	/* a kpageflags snapshot knows neither list positions nor list types */
	res->pfn_prediction_meaningful = c->start.kind == START_SNAPSHOT &&
					 c->ps.snapshot_method != TRACEFMT_SNAP_METHOD_KPAGEFLAGS;
	json_object_set_new(o, "start", json_pack("{sI sI sI sI sb sI sI}",
		"blocks_seeded", (json_int_t)c->start.blocks_seeded, "blocks_rejected",
		(json_int_t)c->start.blocks_rejected, "pcp_seeded", (json_int_t)c->start.pcp_seeded,
		"blocks_unplaced", (json_int_t)c->start.layout_unplaced, "exact",
		c->start.exact, "snapshot_uncertain_blocks", (json_int_t)c->ps.snap_uncertain,
		"snapshot_type_conflicts", (json_int_t)c->start.type_conflicts));
	json_object_set_new(o, "pfn_prediction_meaningful",
			    json_boolean(res->pfn_prediction_meaningful));
	a = json_array();
	if (c->start.kind == START_SNAPSHOT && !res->pfn_prediction_meaningful)
		json_array_append_new(a, json_string(
			"the snapshot comes from /proc/kpageflags: free blocks are known, their lists' "
			"order and type are not, so pfn prediction is not meaningful"));
	if (c->start.kind != START_SNAPSHOT)
		json_array_append_new(a, json_string(
			"the trace has no free-list snapshot: the start state only matches the "
			"first checkpoint's counts, so pfn prediction is not meaningful"));
	if (c->ps.snapshot_begun && !c->ps.snapshot)
		json_array_append_new(a, json_string("the snapshot walk never ended: not used"));
	if (c->hdr.profile_guessed)
		json_array_append_new(a, json_string(
			"the kernel release is neither 6.1.y nor 6.18.y: nearest profile used"));
	if (c->mode == REPLAY_SHADOW && !c->dry_run)
		json_array_append_new(a, json_string(
			"this model offers no side-effect-free prediction: pfn prediction unavailable"));
	if (res->trace_truncated)
		json_array_append_new(a, json_string(res->trace_problem));
	if (c->mode == REPLAY_SHADOW)
		fidelity_notes(c, a);
	json_object_set_new(o, "notes", a);

	json_object_set_new(o, "events", json_integer((json_int_t)c->events));
	json_object_set_new(o, "records", json_integer((json_int_t)c->records));
	k = json_object();
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		json_object_set_new(k, tracefmt_type_name(t), json_integer((json_int_t)c->by_type[t]));
	json_object_set_new(o, "events_by_kind", k);
	json_object_set_new(o, "skipped_before_start",
			    json_integer((json_int_t)c->skipped_before_start));
	json_object_set_new(o, "wall_seconds", json_real(res->wall_seconds));
	json_object_set_new(o, "events_per_second", json_real(res->events_per_second));
	json_object_set_new(o, "trace_seconds", json_real(c->have_t0 && c->last_ts > c->t0
						 ? (double)(c->last_ts - c->t0) * 1e-9 : 0.0));
	json_object_set_new(o, "complete", json_boolean(complete));
	json_object_set_new(o, "trace_complete", json_boolean(st->complete));
	json_object_set_new(o, "trace_truncated", json_boolean(res->trace_truncated));
	json_object_set_new(o, "blocks_corrupt", json_integer((json_int_t)st->blocks_corrupt));
	json_object_set_new(o, "trace_problem", json_string(res->trace_problem));
	json_object_set_new(o, "reorder", json_pack("{sI sI}", "window",
		(json_int_t)REPLAY_REORDER_WINDOW, "late_records", (json_int_t)c->ro.late));
	json_object_set_new(o, "lost_events", json_integer((json_int_t)c->lost_events));
	json_object_set_new(o, "lost_records", json_integer((json_int_t)c->lost_records));
	json_object_set_new(o, "uncertain_events", json_integer((json_int_t)c->uncertain_events));

	k = json_object();
	for (int i = 0; i < RC_NR; i++) {
		json_object_set_new(k, replay_contra_names[i], json_integer((json_int_t)c->contra[i]));
		total += c->contra[i];
	}
	json_object_set_new(k, "total", json_integer((json_int_t)total));
	json_object_set_new(k, "in_uncertain_stretches",
			    json_integer((json_int_t)c->contra_uncertain));
	json_object_set_new(o, "contradictions", k);
	res->contradictions = total;
	res->contradictions_uncertain = c->contra_uncertain;

	a = json_array();
	for (unsigned int i = 0; i < c->nr_fail_orders; i++) {
		uint64_t f = c->mode == REPLAY_SHADOW ? c->kfail[i] : c->wfail[i];

		json_array_append_new(a, json_integer((json_int_t)f));
		res->failures_by_order[i] = f;
	}
	res->nr_orders = c->nr_fail_orders;
	json_object_set_new(o, "failures_by_order", a);
	a = json_array();
	for (unsigned int i = 0; i < c->nr_fail_orders; i++)
		json_array_append_new(a, json_integer((json_int_t)c->kfail[i]));
	json_object_set_new(o, "kernel_failures_by_order", a);
	k = json_object();
	for (int i = 1; i < MODEL_NR_ALLOC_FAIL; i++)
		json_object_set_new(k, fail_reason_names[i],
				    json_integer((json_int_t)c->wfail_reason[i]));
	json_object_set_new(o, "failures_by_reason", k);
	json_object_set_new(o, "fallbacks", json_integer((json_int_t)mc.fallbacks));
	json_object_set_new(o, "steals", json_integer((json_int_t)mc.steals));
	json_object_set_new(o, "claims", json_integer((json_int_t)mc.claims));
	json_object_set_new(o, "pageblock_changes", json_integer((json_int_t)mc.pageblock_changes));
	json_object_set_new(o, "watermark_breaches", json_integer((json_int_t)c->breaches));
	json_object_set_new(o, "kswapd_wakes", json_integer((json_int_t)mc.kswapd_wakes));
	json_object_set_new(o, "boosts", json_integer((json_int_t)mc.boosts));
	json_object_set_new(o, "pcp_hint_mismatch", json_integer((json_int_t)c->pcp_hint_mismatch));
	json_object_set_new(o, "pageblock_hints", json_integer((json_int_t)c->pageblock_hints));
	json_object_set_new(o, "pageblock_types_learned",
			    json_integer((json_int_t)c->pageblock_learned));
	json_object_set_new(o, "highatomic_types_learned",
			    json_integer((json_int_t)c->highatomic_learned));
	json_object_set_new(o, "boosts_implied", json_integer((json_int_t)c->boosts_implied));
	json_object_set_new(o, "pageblock_types_learned_from_pcp_hits",
			    json_integer((json_int_t)c->pageblock_learned_pcp));
	json_object_set_new(o, "inferred_direct_buddy_frees",
			    json_integer((json_int_t)c->inferred_direct_frees));
	json_object_set_new(o, "memory", json_pack("{sI sI sI}", "pages_added",
		(json_int_t)c->pages_added, "zone_states_applied", (json_int_t)c->zone_states_applied,
		"watermark_recomputes_applied", (json_int_t)c->wmark_recomputes));
	json_object_set_new(o, "page_reporting", json_pack("{sI sI sI}", "order",
		(json_int_t)c->cfg->page_reporting_order, "passes", (json_int_t)c->reporting_passes,
		"pages_reported", (json_int_t)c->pages_reported));
	json_object_set_new(o, "inferred_bulk_allocations",
			    json_integer((json_int_t)c->inferred_bulk_allocs));
	json_object_set_new(o, "stale_pcp_entries_found", json_pack("{sI sI sI sI sI}",
		"in_buddy", (json_int_t)c->stale_found[STALE_IN_BUDDY],
		"on_another_pcp_list", (json_int_t)c->stale_found[STALE_ON_PCP],
		"allocated_unseen", (json_int_t)c->stale_found[STALE_ALLOCATED],
		"not_seen_again", (json_int_t)c->stale.n,
		"untracked", (json_int_t)c->stale_found[STALE_UNTRACKED]));
	json_object_set_new(o, "model_counters", model_counters_json(c, &mc));
	json_object_set_new(o, "trace_counters", trace_counters_json(&c->tc));
	json_object_set_new(o, "zones", zones_json(c));
	json_object_set_new(o, "samples", json_integer((json_int_t)c->samples));
	json_object_set_new(o, "pageblock_maps", json_integer((json_int_t)c->pbmaps));
	/* the kernel's x1000 integers back to the 0..1 fraction debugfs prints */
	res->unusable_order9_mean =
		c->unusable9_n ? c->unusable9_sum / (double)c->unusable9_n / 1000.0 : NAN;
	json_object_set_new(o, "unusable_index_order9_mean", jreal(res->unusable_order9_mean));
	json_object_set_new(o, "attribution_keys", json_integer((json_int_t)c->attr_n));

	if (c->mode == REPLAY_SHADOW) {
		res->predicted = c->pred.n;
		res->predicted_ok = c->pred.ok;
		res->pfn_prediction_rate = c->pred.n ? (double)c->pred.ok / (double)c->pred.n : NAN;
		json_object_set_new(o, "pfn_prediction_rate", jrate(c->pred.ok, c->pred.n));
		a = json_array();
		for (unsigned int i = 0; i < no && i < REPLAY_MAX_ORDERS; i++) {
			json_t *p = pred_json(&c->pred_order[i]);

			json_object_set_new(p, "order", json_integer(i));
			json_array_append_new(a, p);
		}
		json_object_set_new(o, "pfn_prediction", json_pack("{sb sI sI so sI sI sI so so so so}",
			"available", c->dry_run, "predicted", (json_int_t)c->pred.n, "correct",
			(json_int_t)c->pred.ok, "rate", jrate(c->pred.ok, c->pred.n),
			"excluded_uncertain", (json_int_t)c->pred_uncertain,
			"excluded_start_window", (json_int_t)c->pred_in_start_window,
			"excluded_pending_overflow", (json_int_t)c->pred_pending_overflow,
			"by_order", a, "pcp_served", pred_json(&c->pred_pcp), "buddy_served",
			pred_json(&c->pred_buddy), "baseline", pred_json(&c->pred_baseline)));
		res->checkpoints = c->ck_count;
		res->checkpoint_distance_max = c->ck_count ? c->ck_max : NAN;
		res->checkpoint_distance_mean = c->ck_count ? c->ck_sum / (double)c->ck_count : NAN;
		json_object_set_new(o, "checkpoints", json_integer((json_int_t)c->ck_count));
		json_object_set_new(o, "checkpoints_before_start",
				    json_integer((json_int_t)c->ck_before_start));
		json_object_set_new(o, "checkpoints_of_start_state",
				    json_integer((json_int_t)c->ck_of_start_state));
		json_object_set_new(o, "checkpoint_distance_max", jreal(res->checkpoint_distance_max));
		json_object_set_new(o, "checkpoint_distance_mean",
				    jreal(res->checkpoint_distance_mean));
		json_object_set_new(o, "checkpoint_distance_first",
				    c->ck_count ? jreal(c->ck_first) : json_null());
		json_object_set_new(o, "checkpoint_distance_last",
				    c->ck_count ? jreal(c->ck_last) : json_null());
		json_object_set_new(o, "checkpoint_zones_unmatched",
				    json_integer((json_int_t)c->ck_unmatched_zones));
	} else {
		json_object_set_new(o, "whatif", json_pack("{sI sI sI sI sI}",
			"untied_frees", (json_int_t)c->whatif_untied_frees, "frees_of_failed",
			(json_int_t)c->whatif_frees_of_failed, "unfreed_model_allocations",
			(json_int_t)c->whatif_unfreed, "live_tied_allocations",
			(json_int_t)c->map.n, "same_pfn_as_kernel", (json_int_t)c->whatif_same_pfn));
	}
	json_object_set_new(o, "model_check", json_pack("{sb sI sI ss}",
		"enabled", c->opts->paranoid, "checks", (json_int_t)c->paranoid_checks,
		"failures", (json_int_t)c->paranoid_fail, "first_failure", c->paranoid_first));
	res->model_check_failures = c->paranoid_fail;
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

/* ---- main pass ------------------------------------------------------------------ */

/*
 * Shadow mode: records this far behind the head of the window have their
 * page state prefetched (model_prefetch()): the model's per-page arrays are
 * too large for the cache, and each event would otherwise wait for several
 * misses (shadow 476 -> 344 ns per event on a 7.3 M-event capture). What-if
 * mode touches the pfns the model chooses, not the trace's: a free's slot of
 * the kernel-pfn map and its word of the tied bitmap are prefetched instead.
 */
#define PREFETCH_AHEAD 12u

static void prefetch_record(const struct replay_ctx *c, const struct cev *e)
{
	uint64_t i;

	if (c->mode == REPLAY_SHADOW) {
		model_prefetch(c->m, e->pfn);
		return;
	}
	if (e->type != TRACEFMT_PAGE_FREE || e->pfn < c->owned_base)
		return;
	i = e->pfn - c->owned_base;
	if (i < c->owned_len)
		__builtin_prefetch(&c->tied[i >> 6]);
	pfn_map_prefetch(&c->map, e->pfn);
}

static void pop_apply(struct replay_ctx *c)
{
	struct reorder *r = &c->ro;
	struct cev e;

	if (r->fifo_len > PREFETCH_AHEAD)
		prefetch_record(c, &r->fifo[(r->fifo_head + PREFETCH_AHEAD) & r->fifo_mask]);
	if (reorder_pop(r, &e))
		return;
	if (e.ts > r->last_out_ts)
		r->last_out_ts = e.ts;
	if (is_big_record(e.type)) {
		apply_big(c, &r->side[e.side]);
		r->side_free[r->nr_side_free++] = e.side;
	} else {
		apply(c, &e);
	}
}

static void push_record(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	struct reorder *r = &c->ro;
	struct cev e;

	cev_from(&e, ev);
	if (is_big_record(ev->type)) {
		while (!r->nr_side_free)
			pop_apply(c);
		e.side = r->side_free[--r->nr_side_free];
		r->side[e.side] = *ev;
	}
	if (e.ts < r->last_out_ts)
		r->late++; /* older than a record already applied: applied late */
	reorder_push(r, &e);
	while (reorder_len(r) > r->window)
		pop_apply(c);
}

static void sink_zones(struct replay_ctx *c)
{
	uint64_t best = 0;
	size_t maxpb = 0;

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];
		struct replay_zone rz;
		long npb;

		if (!zc->managed_pages || !zc->present_pages)
			continue;
		c->szone_model[c->nr_szones] = z;
		if (zc->managed_pages > best) {
			best = zc->managed_pages;
			c->largest_szone = c->nr_szones;
		}
		npb = model_zone_pageblocks(c->m, z, NULL, 0);
		if (npb > 0 && (size_t)npb > maxpb)
			maxpb = (size_t)npb;
		rz.node = (int32_t)zc->node;
		rz.name = zc->name;
		rz.start_pfn = zc->start_pfn;
		rz.spanned_pages = zc->spanned_pages;
		rz.managed_pages = zc->managed_pages;
		rz.pageblock_order = c->cfg->pageblock_order;
		rz.nr_orders = c->cfg->nr_page_orders;
		rz.nr_migratetypes = c->cfg->nr_migratetypes;
		rz.migratetype_names = c->hdr.nr_mt_names >= c->cfg->nr_migratetypes
				       ? c->hdr.mt_names : NULL;
		c->nr_szones++;
		if (c->sink && c->sink->zone)
			sink_ok(c, c->sink->zone(c->sink_ctx, &rz));
	}
	c->pbbuf_len = maxpb;
	c->pbbuf = calloc(maxpb ? maxpb : 1, sizeof(*c->pbbuf));
	c->pb_mt = calloc(maxpb ? maxpb : 1, 1);
	c->pb_free = calloc(maxpb ? maxpb : 1, sizeof(*c->pb_free));
}

static int whatif_init(struct replay_ctx *c)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];

		if (zc->start_pfn < lo)
			lo = zc->start_pfn;
		if (zc->start_pfn + zc->spanned_pages > hi)
			hi = zc->start_pfn + zc->spanned_pages;
	}
	/* aligned so that aligned blocks sit on whole words of the bitmaps */
	c->owned_base = lo & ~((1ull << 14) - 1);
	c->owned_len = hi > c->owned_base ? hi - c->owned_base : 0;
	c->owned = calloc(c->owned_len / 64 + 1, sizeof(uint64_t));
	c->tied = calloc(c->owned_len / 64 + 1, sizeof(uint64_t));
	if (!c->owned || !c->tied)
		return -ENOMEM;
	return pfn_map_init(&c->map, 1u << 12); /* it grows */
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

static void ctx_release(struct replay_ctx *c)
{
	if (!c->rd_shared)
		tracefmt_reader_close(c->rd);
	model_destroy(c->m);
	replay_header_release(&c->hdr);
	reorder_release(&c->ro);
	free(c->ps.snap);
	free(c->ps.ckpt);
	free(c->ps.walks);
	for (unsigned int i = 0; i < c->nr_cpu_states; i++)
		free(c->cpus[i].p);
	free(c->cpus);
	free(c->attr);
	free(c->comms);
	free(c->pbbuf);
	free(c->pb_mt);
	free(c->pb_free);
	free(c->owned);
	free(c->tied);
	pfn_map_release(&c->map);
	pfn_map_release(&c->stale);
}

static void run_attribution(struct replay_ctx *c)
{
	if (!c->sink || !c->sink->attribution)
		return;
	for (size_t i = 0; i < c->attr_cap && !c->sink_ret; i++) {
		const struct attr_entry *a = &c->attr[i];

		if (a->key == UINT64_MAX)
			continue;
		sink_ok(c, c->sink->attribution(c->sink_ctx, a->comm, (int32_t)(a->key >> 32),
						(uint32_t)a->key, a->allocs, a->fails,
						a->extfrag));
	}
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
	need = frames * MODEL_BYTES_PER_FRAME;
	have = (uint64_t)pages * (uint64_t)psize;
	if (need <= have / 2)
		return 0;
	replay_err_set(err, "%s: the header's zones span %llu pages (field zones[].spanned): the "
		       "model would need about %.1f GiB, more than half of this machine's %.1f GiB",
		       path, (unsigned long long)frames, (double)need / (1 << 30),
		       (double)have / (1 << 30));
	return -ENOMEM;
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
	struct replay_ctx *c = calloc(1, sizeof(*c));
	struct model_config *cfg = malloc(sizeof(*cfg));
	struct bs_error terr;
	const char *blob;
	size_t blob_len;
	bool exact;
	int ret = 0;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	res->pfn_prediction_rate = NAN;
	res->checkpoint_distance_max = res->checkpoint_distance_mean = NAN;
	res->unusable_order9_mean = NAN;
	if (!c || !cfg || reorder_init(&c->ro, REPLAY_REORDER_WINDOW)) {
		ret = -ENOMEM;
		goto out;
	}
	c->path = trace_path;
	c->opts = opts;
	c->sink = sink;
	c->sink_ctx = sink_ctx;
	c->mode = opts->mode;
	c->cfg_owned = cfg;
	c->complete = true;
	c->t_begin = now_s();
	c->sample_ns = opts->sample_interval_ns ? opts->sample_interval_ns : REPLAY_DEFAULT_SAMPLE_NS;
	c->pbmap_total = opts->pbmaps_between ? opts->pbmaps_between : 3;
	c->attr_cap = c->comm_cap = TABLE_START;
	c->attr = malloc(c->attr_cap * sizeof(*c->attr));
	c->comms = calloc(c->comm_cap, sizeof(*c->comms));
	if (!c->attr || !c->comms) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->attr_cap; i++)
		c->attr[i].key = UINT64_MAX;

	c->rd = tracefmt_reader_open(trace_path, &terr);
	if (!c->rd) {
		ret = -errno ? -errno : -EIO;
		replay_err_set(err, "%s", terr.text);
		goto out;
	}
	/* a shared reader hashes for every run (replay_run_many()) */
	if (opts->hash_trace && !shared)
		tracefmt_reader_hash_file(c->rd);
	blob = tracefmt_reader_header(c->rd, &blob_len);
	ret = replay_header_parse(trace_path, blob, &c->hdr, cfg, &opts->settings, opts->mode,
				  err);
	if (ret)
		goto out;
	if (opts->mode == REPLAY_SHADOW && settings_changed(&c->hdr.settings)) {
		replay_err_set(err, "shadow mode follows the kernel's own settings; use --mode whatif to "
			"change them");
		ret = -EINVAL;
		goto out;
	}
	ret = model_fits_memory(trace_path, cfg, err);
	if (ret)
		goto out;
	c->m = model_create(cfg);
	if (!c->m) {
		ret = -errno ? -errno : -EINVAL;
		model_refusal_explain(trace_path, cfg, ret, err);
		goto out;
	}
	c->cfg = model_config_get(c->m);
	replay_pcp_high_seed(c->m, &c->hdr);
	hotplug_init(c);
	c->nr_fail_orders = c->cfg->nr_page_orders > c->hdr.header_orders
			    ? c->cfg->nr_page_orders : c->hdr.header_orders;
	if (c->nr_fail_orders > REPLAY_MAX_ORDERS)
		c->nr_fail_orders = REPLAY_MAX_ORDERS;
	c->prof_618 = c->cfg->profile == MODEL_PROFILE_6_18;
	replay_limits_init(&c->lim, &c->hdr, c->cfg);
#ifdef MODEL_HAVE_REQ_DRY_RUN
	c->dry_run = true;
#endif
	if (opts->mode == REPLAY_WHATIF && (ret = whatif_init(c)))
		goto out;
	if (opts->mode == REPLAY_SHADOW && (ret = pfn_map_init(&c->stale, 1024)))
		goto out;

	ret = prescan_run(c);
	if (ret && ret != -EINTR) {
		replay_err_set(err, "%s: reading the trace's start failed: %s", trace_path, strerror(-ret));
		goto out;
	}
	ret = 0;
	exact = c->cfg->nr_page_orders == c->hdr.header_orders &&
		c->cfg->pageblock_order == c->hdr.header_pb_order;
	c->ps.stop = opts->stop;
	if (!stop_requested(c))
		replay_start_build(c->m, &c->ps, exact, c->hdr.header_orders, &c->start);
	/* stopped in start-up: the run is stored, empty and interrupted */
	if (stop_requested(c))
		c->complete = false;
	if (opts->paranoid) {
		char buf[160];

		c->paranoid_checks++;
		if (model_check(c->m, buf, sizeof(buf))) {
			c->paranoid_fail++;
			snprintf(c->paranoid_first, sizeof(c->paranoid_first),
				 "after the start state: %s", buf);
		}
	}
	c->start_ts = c->ps.snapshot ? c->ps.snap_end_ts : c->ps.have_ckpt ? c->ps.ckpt_ts : 0;

	if (sink && sink->run_begin) {
		char *sj = replay_settings_json(&c->hdr.settings);
		struct replay_run_info info = {
			.trace_path = trace_path,
			.mode = opts->mode == REPLAY_SHADOW ? "shadow" : "whatif",
			.label = opts->label,
			.settings_json = sj ? sj : "{}",
			.kernel_release = c->hdr.kernel_release,
			.host = c->hdr.host,
		};
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		info.started_unix_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		sink_ok(c, sink->run_begin(sink_ctx, &info));
		free(sj);
	}
	sink_zones(c);
	if (!c->pbbuf || !c->pb_mt || !c->pb_free) {
		ret = -ENOMEM;
		goto out;
	}
	emit_pbmaps(c, 0);
	c->next_pb_frac = 1.0 / (c->pbmap_total + 1);
	if (shared) {
		tracefmt_reader_close(c->rd);
		c->rd = shared;
		c->rd_shared = true;
	}
	*out = c;
	return 0;
out:
	res->summary_json = NULL;
	if (c)
		ctx_release(c);
	free(c);
	free(cfg);
	return ret;
}

/* The fraction of the file read, for the pageblock maps and progress. */
static double read_fraction(const struct replay_ctx *c)
{
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(c->rd);

	return st->file_size ? (double)st->intact_end / (double)st->file_size : 0;
}

/* Every 4096th record: the pageblock maps at their fractions of the file, progress. */
static void every_4096(struct replay_ctx *c, double frac)
{
	const struct replay_opts *opts = c->opts;

	if (c->pbmap_done < c->pbmap_total && frac >= c->next_pb_frac) {
		emit_pbmaps(c, c->last_ts);
		c->pbmap_done++;
		c->next_pb_frac = (double)(c->pbmap_done + 1) / (c->pbmap_total + 1);
	}
	if (opts->progress) {
		double t = now_s() - c->t_begin;

		/* by time, so that slow (--paranoid) runs report too */
		if (t - c->last_progress >= 0.25) {
			c->last_progress = t;
			opts->progress(opts->progress_ctx, frac, c->events, t);
		}
	}
}

/*
 * One record of the main pass. @frac: the fraction of the file read when the
 * record was, needed on every 4096th record only; NAN asks the context's own
 * reader. Returns false once the run stops (a stop request, a sink's error).
 */
bool replay_ctx_feed(struct replay_ctx *c, const struct tracefmt_event *ev, double frac)
{
	if (!c->complete || c->sink_ret)
		return false;
	if (stop_requested(c)) {
		c->complete = false;
		return false;
	}
	c->records++;
	if (ev->type == TRACEFMT_SNAPSHOT_BLOCK || ev->type == TRACEFMT_SNAPSHOT_MARK ||
	    ev->type >= TRACEFMT_NR_TYPES || ev->type == 0)
		return true;
	if (record_rejected(c, ev))
		return true;
	push_record(c, ev);
	if (!(c->records & 0xfff))
		every_4096(c, isnan(frac) ? read_fraction(c) : frac);
	return !c->sink_ret;
}

void replay_ctx_stop(struct replay_ctx *c)
{
	c->complete = false;
}

/*
 * After the main pass (@r: the reader's last return): drain the window, the
 * end samples and maps, the summary, run_end. Frees @c.
 */
int replay_ctx_finish(struct replay_ctx *c, int r, struct replay_result *res,
		      struct bs_error *err)
{
	const struct tracefmt_reader_stats *st;
	const char *trace_path = c->path;
	const struct replay_sink *sink = c->sink;
	void *sink_ctx = c->sink_ctx;
	bool complete = c->complete;
	int ret = 0;

	if (r < 0 && complete) {
		snprintf(res->trace_problem, sizeof(res->trace_problem),
			 "%s: read error after %llu records: %s", trace_path,
			 (unsigned long long)c->records, strerror(-r));
		res->trace_truncated = true;
	}
	while (reorder_len(&c->ro))
		pop_apply(c);
	checkpoint_close(c);
	for (unsigned int cpu = 0; cpu < c->nr_cpu_states; cpu++)
		pending_flush(c, cpu, c->last_ts);
	if (c->sink_ret || stop_requested(c))
		complete = false;

	st = tracefmt_reader_stats(c->rd);
	/* a run stopped on request has not reached the end: that says nothing of the file */
	if (complete && !c->sink_ret && !res->trace_truncated &&
	    (st->truncated || st->blocks_corrupt || !st->complete)) {
		res->trace_truncated = true;
		int n = snprintf(res->trace_problem, sizeof(res->trace_problem),
				 "%s: %s; replayed the %llu readable records%s%s%s", trace_path,
				 st->blocks_corrupt ? "corrupt blocks were skipped"
				 : st->truncated ? "the trace is cut short"
				 : !st->end_seen ? "the trace has no end block"
						 : "the trace is not complete",
				 (unsigned long long)c->records, st->stop_reason[0] ? " (" : "",
				 st->stop_reason, st->stop_reason[0] ? ")" : "");

		/* a long path leaves no room for all of it: show that it was cut */
		if (n >= (int)sizeof(res->trace_problem))
			strcpy(res->trace_problem + sizeof(res->trace_problem) - 4, "...");
		notable(c, c->last_ts, "trace", "%s", res->trace_problem);
	}
	emit_samples(c, c->last_ts);
	emit_pbmaps(c, c->last_ts);
	run_attribution(c);

	res->events = c->events;
	res->wall_seconds = now_s() - c->t_begin;
	res->events_per_second = res->wall_seconds > 0 ? (double)c->events / res->wall_seconds : 0;
	res->complete = complete;
	res->summary_json = summary_build(c, res, complete);
	replay_summary_add_validation(&res->summary_json, c->rejected, &c->hdr, c->cfg);
	if (c->opts->hash_trace && !tracefmt_reader_file_sha256(c->rd, res->trace_sha256) && sink &&
	    sink->trace_sha256)
		sink_ok(c, sink->trace_sha256(sink_ctx, res->trace_sha256));
	if (sink && sink->run_end) {
		int sr = sink->run_end(sink_ctx, res->summary_json ? res->summary_json : "{}",
				       complete);

		if (sr && !c->sink_ret)
			c->sink_ret = sr < 0 ? sr : -EIO;
	}
	if (c->sink_ret) {
		ret = c->sink_ret;
		replay_err_set(err, "the run store refused a write: %s", strerror(-ret));
	}
	free(c->cfg_owned);
	ctx_release(c);
	free(c);
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
