// SPDX-License-Identifier: MIT
/*
 * Replay on small hand-made traces whose outcome is worked out by hand from
 * spec/page-allocator.md: a snapshot of a few free blocks in one 8192-page
 * Normal zone, then events whose effect on the free lists follows from the
 * head-of-list and split rules (2.6), the merge rule (3.6) and the pcp
 * routing of frees (3.1). The traces are written with tracefmt_writer and a
 * header chosen here; a sink written here collects what replay emits.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "outfile.h"
#include "replay.h"
#include "tracefmt.h"

#define BASE 1048576ull /* Normal zone start: the 4 GiB boundary */
#define ZONE_PAGES 8192ull
#define GFP_MOVABLE_KERNEL 0x140cca /* GFP_HIGHUSER_MOVABLE as 6.18 prints it */
#define MT_MOVABLE 1

static const char header_fmt[] =
	"{\"format\":\"buddyscope-trace\",\"source\":\"test\","
	"\"host\":{\"hostname\":\"t\",\"kernel_release\":\"%s\",\"cpus\":1,"
	"\"page_reporting_order\":9,"
	"\"pageblock_order\":9,\"nr_page_orders\":11,\"migratetypes\":"
	"[\"Unmovable\",\"Movable\",\"Reclaimable\",\"HighAtomic\",\"Isolate\"]},"
	"\"sysctl\":{\"min_free_kbytes\":128,\"watermark_scale_factor\":10,"
	"\"watermark_boost_factor\":0,\"percpu_pagelist_high_fraction\":0,"
	"\"lowmem_reserve_ratio\":[256,256,32,0,0]},"
	"\"zones\":[{\"node\":0,\"name\":\"Normal\",\"start_pfn\":%llu,\"spanned\":%llu,"
	"\"present\":%llu,\"managed\":%llu,\"nr_free_pages\":0,\"min\":4,\"low\":5,"
	"\"high\":6,\"promo\":7,\"boost\":0,\"protection\":[0,0,0,0,0],"
	"\"pcp\":[{\"cpu\":0,\"count\":0,\"high\":%d,\"batch\":%d,\"high_min\":%d,"
	"\"high_max\":%d}]}]}";

/* ---- a trace writer ------------------------------------------------------ */

/* The kernel release of the traces: the shadow test runs under both profiles. */
static const char *release = "6.18.44";

/* A trace of one zone whose managed pages are @managed, written with @outfile_flags. */
static struct tracefmt_writer *trace_open_with(const char *path, uint64_t managed,
					       unsigned int outfile_flags)
{
	struct tracefmt_writer_opts wo = { .outfile_flags = outfile_flags };
	char hdr[2048];
	struct bs_error err;
	struct tracefmt_writer *w;

	/*
	 * pcp high 0 < batch 1: every refill pulls one block (spec 2.5
	 * nr_pcp_alloc: "hi < batch: return 1") and every free drains again.
	 */
	snprintf(hdr, sizeof(hdr), header_fmt, release, BASE, ZONE_PAGES, ZONE_PAGES,
		 (unsigned long long)managed, 0, 1, 0, 0);
	w = tracefmt_writer_create(path, hdr, strlen(hdr), &wo, &err);
	REQUIRE(w);
	return w;
}

static struct tracefmt_writer *trace_open_managed(const char *path, uint64_t managed)
{
	return trace_open_with(path, managed, 0);
}

static struct tracefmt_writer *trace_open_flags(const char *path, unsigned int outfile_flags)
{
	return trace_open_with(path, ZONE_PAGES, outfile_flags);
}

static struct tracefmt_writer *trace_open(const char *path)
{
	return trace_open_with(path, ZONE_PAGES, 0);
}

/* The usual trace of a case: @name in the case's folder @dir, its path left in @path. */
static struct tracefmt_writer *trace_in(const char *dir, const char *name, char path[512])
{
	snprintf(path, 512, "%s/%s", dir, name);
	return trace_open(path);
}

static void put(struct tracefmt_writer *w, struct tracefmt_event *ev)
{
	REQUIRE(tracefmt_writer_append(w, ev) == 0);
}

static void ev_init(struct tracefmt_event *ev, unsigned int type, uint64_t ts)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ts_ns = ts;
	ev->pid = 42;
}

static void snap_mark(struct tracefmt_writer *w, uint64_t ts, unsigned int phase, uint64_t n)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_SNAPSHOT_MARK, ts);
	ev.u.snapshot_mark.phase = phase;
	ev.u.snapshot_mark.method = TRACEFMT_SNAP_METHOD_BPF;
	ev.u.snapshot_mark.count = n;
	put(w, &ev);
}

static void snap_block(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn, unsigned int order,
		       uint64_t pos)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_SNAPSHOT_BLOCK, ts);
	ev.u.snapshot_block.pfn = pfn;
	ev.u.snapshot_block.order = order;
	ev.u.snapshot_block.position = pos;
	ev.u.snapshot_block.migratetype = MT_MOVABLE;
	snprintf(ev.u.snapshot_block.zone, sizeof(ev.u.snapshot_block.zone), "Normal");
	put(w, &ev);
}

/* A checkpoint of the Normal zone with MOVABLE counts per order (others 0). */
static void checkpoint(struct tracefmt_writer *w, uint64_t ts, uint32_t seq,
		       const uint32_t movable[11])
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_CHECKPOINT, ts);
	ev.u.checkpoint.seq = seq;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "Normal");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	for (int o = 0; o < 11; o++)
		ev.u.checkpoint.free_blocks[o][MT_MOVABLE] = movable[o];
	put(w, &ev);
}

static void alloc(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn, unsigned int order)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_PAGE_ALLOC, ts);
	ev.u.alloc.pfn = pfn;
	ev.u.alloc.order = order;
	ev.u.alloc.migratetype = MT_MOVABLE;
	ev.u.alloc.gfp_flags = GFP_MOVABLE_KERNEL;
	put(w, &ev);
}

static void zone_locked(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn, unsigned int order)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_PAGE_ALLOC_ZONE_LOCKED, ts);
	ev.u.zone_locked.pfn = pfn;
	ev.u.zone_locked.order = order;
	ev.u.zone_locked.migratetype = MT_MOVABLE;
	ev.u.zone_locked.percpu_refill = order <= 3;
	put(w, &ev);
}

static void free_ev(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn, unsigned int order)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_PAGE_FREE, ts);
	ev.u.free.pfn = pfn;
	ev.u.free.order = order;
	put(w, &ev);
}

static void drain(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_PAGE_PCPU_DRAIN, ts);
	ev.u.pcpu_drain.pfn = pfn;
	ev.u.pcpu_drain.migratetype = MT_MOVABLE;
	put(w, &ev);
}

static void comm(struct tracefmt_writer *w, uint64_t ts, const char *name)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_COMM, ts);
	snprintf(ev.u.comm.comm, sizeof(ev.u.comm.comm), "%s", name);
	put(w, &ev);
}

/*
 * The snapshot shared by the traces, all on MOVABLE lists of zone Normal:
 *   A: BASE + 0,    order 10, list position 0 (the head)
 *   B: BASE + 2048, order 10, position 1
 *   C: BASE + 1024, order 3   (its buddy BASE + 1032 is allocated)
 *   D: BASE + 1041, order 0   (its buddy BASE + 1040 is allocated)
 * Every other page is allocated. Free pages: 2048 + 8 + 1 = 2057.
 */
static void write_snapshot(struct tracefmt_writer *w)
{
	snap_mark(w, 100, TRACEFMT_SNAP_BEGIN, 0);
	snap_block(w, 110, BASE + 0, 10, 0);
	snap_block(w, 111, BASE + 2048, 10, 1);
	snap_block(w, 112, BASE + 1024, 3, 0);
	snap_block(w, 113, BASE + 1041, 0, 0);
	snap_mark(w, 150, TRACEFMT_SNAP_END, 4);
}

/* ---- a collecting sink ------------------------------------------------------ */

struct collect {
	int run_begin, zones, samples, pbmaps, fidelity, events, attributions, run_end;
	bool complete;
	double distances[16];
	uint64_t last_nr_free;
	uint64_t last_boost;
	int64_t last_t;
	uint32_t last_free_blocks[11][5];
	char attr_comm[32];
	uint64_t attr_allocs, attr_fails;
	char *summary;
	char mode[16];
	int counter_calls;
	int64_t refill_pages_sampled;
	char sha[65];		/* trace_sha256() */
	bool sha_before_end;
	size_t nr_act;		/* the trace.* reclaim and compaction rows over time */
	struct {
		int64_t t_ns;
		char name[32];
		int64_t value;
	} act[48];
};

static int c_begin(void *ctx, const struct replay_run_info *i)
{
	struct collect *c = ctx;

	c->run_begin++;
	snprintf(c->mode, sizeof(c->mode), "%s", i->mode);
	return 0;
}

static int c_zone(void *ctx, const struct replay_zone *z)
{
	struct collect *c = ctx;

	c->zones++;
	CHECK(!strcmp(z->name, "Normal"));
	return 0;
}

static int c_sample(void *ctx, const struct replay_sample *s)
{
	struct collect *c = ctx;

	c->samples++;
	c->last_nr_free = s->nr_free_pages;
	c->last_boost = s->wmark_boost;
	c->last_t = s->t_ns;
	for (int o = 0; o < 11; o++)
		for (int m = 0; m < 5; m++)
			c->last_free_blocks[o][m] = s->free_blocks[o * 5 + m];
	return 0;
}

static int c_pbmap(void *ctx, const struct replay_pbmap *m)
{
	struct collect *c = ctx;

	c->pbmaps++;
	CHECK_EQ_U64(m->nr_pageblocks, ZONE_PAGES / 512);
	return 0;
}

static int c_fidelity(void *ctx, int64_t t, double d, double rate)
{
	struct collect *c = ctx;

	(void)t;
	(void)rate;
	if (c->fidelity < 16)
		c->distances[c->fidelity] = d;
	c->fidelity++;
	return 0;
}

static int c_event(void *ctx, int64_t t, const char *kind, const char *text)
{
	struct collect *c = ctx;

	(void)t;
	(void)kind;
	(void)text;
	c->events++;
	return 0;
}

static int c_attr(void *ctx, const char *comm_name, int32_t pid, uint32_t gfp, uint64_t a,
		  uint64_t f, uint64_t x)
{
	struct collect *c = ctx;

	(void)x;
	c->attributions++;
	if (pid == 42 && gfp == GFP_MOVABLE_KERNEL) {
		snprintf(c->attr_comm, sizeof(c->attr_comm), "%s", comm_name);
		c->attr_allocs += a;
		c->attr_fails += f;
	}
	return 0;
}

static int c_end(void *ctx, const char *summary, bool complete)
{
	struct collect *c = ctx;

	c->run_end++;
	c->complete = complete;
	c->summary = strdup(summary);
	return 0;
}

/* Keep the last value of trace.pcp_refill_pages the sink was given. */
static int c_counters(void *ctx, int64_t t, const char *const *names, const int64_t *values,
		      size_t n)
{
	struct collect *c = ctx;

	c->counter_calls++;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "trace.pcp_refill_pages"))
			c->refill_pages_sampled = values[i];
		if ((!strncmp(names[i], "trace.kswapd", 12) || !strcmp(names[i], "trace.pages_reclaimed") ||
		     !strcmp(names[i], "trace.direct_reclaimed") ||
		     !strcmp(names[i], "trace.compaction_runs") ||
		     !strcmp(names[i], "trace.pages_migrated")) &&
		    c->nr_act < sizeof(c->act) / sizeof(c->act[0])) {
			c->act[c->nr_act].t_ns = t;
			snprintf(c->act[c->nr_act].name, sizeof(c->act[0].name), "%s", names[i]);
			c->act[c->nr_act++].value = values[i];
		}
	}
	return 0;
}

/* The value the sink got for counter @name at time @t_ns; -2 when none. */
static int64_t act_at(const struct collect *c, const char *name, int64_t t_ns)
{
	for (size_t i = 0; i < c->nr_act; i++)
		if (c->act[i].t_ns == t_ns && !strcmp(c->act[i].name, name))
			return c->act[i].value;
	return -2;
}

static int c_sha(void *ctx, const char *hex)
{
	struct collect *c = ctx;

	snprintf(c->sha, sizeof(c->sha), "%s", hex);
	c->sha_before_end = !c->run_end;
	return 0;
}

static const struct replay_sink collect_sink = {
	c_begin, c_zone, c_sample, c_pbmap, c_fidelity, c_event, c_attr, c_end, c_counters, c_sha,
};

/* The file's SHA-256 as coreutils computes it (an independent implementation). */
static void sha256sum_of(const char *path, char hex[65])
{
	char cmd[600];
	FILE *p;

	hex[0] = '\0';
	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	REQUIRE(p);
	REQUIRE(fscanf(p, "%64s", hex) == 1);
	pclose(p);
}

static json_t *summary_of(const struct collect *c)
{
	json_t *j = json_loads(c->summary, 0, NULL);

	REQUIRE(j);
	return j;
}

/* Options of a test run: @mode, and model_check() after every event when @paranoid. */
static void opts_for(struct replay_opts *o, enum replay_mode mode, bool paranoid)
{
	replay_opts_init(o);
	o->mode = mode;
	o->paranoid = paranoid;
}

/* Replay @path into a fresh collect sink; its summary (collect_release() frees all). */
static json_t *collect_run(const char *path, const struct replay_opts *o, struct collect *c,
			   struct replay_result *res)
{
	struct bs_error err;

	memset(c, 0, sizeof(*c));
	REQUIRE(replay_run(path, o, &collect_sink, c, res, &err) == 0);
	return summary_of(c);
}

static void collect_release(json_t *j, struct collect *c, struct replay_result *res)
{
	json_decref(j);
	free(c->summary);
	replay_result_release(res);
}

/* A case's replay into the collecting sink: its options, what the sink saw and the result. */
struct case_run {
	struct replay_opts o;
	struct collect c;
	struct replay_result res;
};

/* Replay @path in @mode (model_check() after every event when @paranoid); its summary. */
static json_t *case_replay(struct case_run *r, const char *path, enum replay_mode mode,
			   bool paranoid)
{
	opts_for(&r->o, mode, paranoid);
	return collect_run(path, &r->o, &r->c, &r->res);
}

static void case_release(struct case_run *r, json_t *j)
{
	collect_release(j, &r->c, &r->res);
}

/* Replay @path with no sink (paranoid), and its summary; @res is the caller's to release. */
static json_t *summary_run(const char *path, enum replay_mode mode, struct replay_result *res)
{
	struct replay_opts o;
	struct bs_error err;
	json_t *j;

	opts_for(&o, mode, true);
	REQUIRE(replay_run(path, &o, NULL, NULL, res, &err) == 0);
	j = json_loads(res->summary_json, 0, NULL);
	REQUIRE(j);
	return j;
}

static uint64_t jpath_u(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : UINT64_MAX;
}

/* ---- shadow: contradictions and checkpoint distance, worked by hand --------- */

static void test_shadow(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct case_run r = { 0 };
	json_t *j, *fb;
	/* the snapshot's counts: order 0: D, order 3: C, order 10: A and B */
	const uint32_t ck1[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	/* after step 1 and 2 (see below), as a kernel would report it: order 0 still 1 */
	const uint32_t ck2[11] = { 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 };
	/* the end: A merged again, C, D drained back and BASE + 1536 */
	const uint32_t ck3[11] = { 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };

	w = trace_in(dir, "shadow.bst", path);
	comm(w, 90, "testproc");
	write_snapshot(w);
	checkpoint(w, 200, 1, ck1);
	/*
	 * 1. An order-4 buddy allocation: the head of the smallest non-empty
	 *    MOVABLE list of order >= 4 is A (order 10, position 0); expand()
	 *    keeps the lowest 16 pages and pushes BASE+16 (4), +32 (5), +64 (6),
	 *    +128 (7), +256 (8), +512 (9) to their lists (spec 2.6).
	 */
	zone_locked(w, 1000, BASE, 4);
	alloc(w, 1001, BASE, 4);
	/*
	 * 2. A free of D, which the model holds free: contradiction
	 *    free_of_free_page. Resolved in the kernel's favour, the order-0
	 *    page goes to the cpu's pcp (spec 3.1), so the buddy's order-0
	 *    count drops to 0 while this checkpoint says 1: |0 - 1| over
	 *    1 + 1 + 6 + 1 = 9 pages of counts -> distance 1/9.
	 */
	free_ev(w, 2000, BASE + 1041, 0);
	checkpoint(w, 5000, 2, ck2);
	/*
	 * 3. The order-4 block comes back: not a pcp order (0..3 and 9), so it
	 *    goes to the buddy and merges with +16, +32, ..., +512 back into A.
	 * 4. D is drained from the pcp to the buddy (buddy +1040 allocated: stays order 0).
	 * 5. A drain of BASE + 1536, which is on no pcp: contradiction
	 *    drain_not_on_pcp; the kernel says it is in the buddy now: a free
	 *    order-0 block (its buddy +1537 is allocated).
	 * 6. An allocation of BASE + 1600, allocated in the model: alloc_of_allocated_page.
	 * 7. A failed order-10 allocation: failures_by_order[10] = 1.
	 */
	free_ev(w, 6000, BASE, 4);
	drain(w, 6001, BASE + 1041);
	drain(w, 6002, BASE + 1536);
	alloc(w, 7000, BASE + 1600, 0);
	alloc(w, 7500, TRACEFMT_PFN_NONE, 10);
	checkpoint(w, 9000, 3, ck3);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	opts_for(&r.o, REPLAY_SHADOW, true);
	r.o.hash_trace = true;
	j = collect_run(path, &r.o, &r.c, &r.res);
	{
		/* hashed in the replay's pass (prescan and rewind included): sha256sum's digest */
		char want[65];

		sha256sum_of(path, want);
		CHECK(!strcmp(r.res.trace_sha256, want));
		CHECK(!strcmp(r.c.sha, want));
		CHECK(r.c.sha_before_end);
	}
	CHECK(!strcmp(r.c.mode, "shadow"));
	CHECK_EQ_U64(r.c.run_begin, 1);
	CHECK_EQ_U64(r.c.run_end, 1);
	CHECK(r.c.complete && r.res.complete);
	CHECK_EQ_U64(r.c.zones, 1);
	CHECK_EQ_U64(jpath_u(j, "events", NULL), 8);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "free_of_free_page"), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "drain_not_on_pcp"), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "alloc_of_allocated_page"), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 3);
	CHECK_EQ_U64(r.res.contradictions, 3);
	CHECK_EQ_U64(r.res.checkpoints, 3);
	CHECK_EQ_U64(r.c.fidelity, 3);
	CHECK(fabs(r.c.distances[0] - 0.0) < 1e-12);
	CHECK(fabs(r.c.distances[1] - 1.0 / 9.0) < 1e-12);
	CHECK(fabs(r.c.distances[2] - 0.0) < 1e-12);
	CHECK(fabs(r.res.checkpoint_distance_max - 1.0 / 9.0) < 1e-12);
	CHECK(fabs(r.res.checkpoint_distance_mean - 1.0 / 27.0) < 1e-12);
	fb = json_object_get(j, "failures_by_order");
	CHECK_EQ_U64(json_array_size(fb), 11);
	CHECK_EQ_U64(json_integer_value(json_array_get(fb, 10)), 1);
	CHECK_EQ_U64(json_integer_value(json_array_get(fb, 0)), 0);
	CHECK(!strcmp(json_string_value(json_object_get(j, "start_state")), "snapshot"));
	CHECK(!strcmp(json_string_value(json_object_get(j, "profile")),
		      strncmp(release, "6.1.", 4) ? "6.18" : "6.1"));
	CHECK(json_is_true(json_object_get(j, "pfn_prediction_meaningful")));
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "checks"), 9); /* the start, then 8 events */
	/* the end state: 2 x 1024 + 8 + 1 + 1 free pages, by order as ck3 */
	CHECK_EQ_U64(r.c.last_nr_free, 2058);
	for (int ord = 0; ord < 11; ord++)
		CHECK_EQ_U64(r.c.last_free_blocks[ord][MT_MOVABLE], ck3[ord]);
	/* samples: three checkpoints and the end; maps: start and end */
	CHECK_EQ_U64(r.c.samples, 4);
	CHECK_EQ_U64(r.c.pbmaps, 2);
	/* attribution: two allocations and one failure by pid 42, "testproc" */
	CHECK(!strcmp(r.c.attr_comm, "testproc"));
	CHECK_EQ_U64(r.c.attr_allocs, 2);
	CHECK_EQ_U64(r.c.attr_fails, 1);
	/*
	 * pfn prediction (model dry run before each successful allocation):
	 * step 1 predicts BASE (head of the order-10 list, lowest part kept:
	 * right, buddy-served: a zone_locked preceded it); step 6 predicts the
	 * head of the order-0 list - BASE + 1536, inserted at the head after D
	 * (spec 3.6: neither parent's buddy is free, so both went to the head)
	 * and pulled by a one-block refill - while the kernel said BASE + 1600:
	 * wrong, pcp-served. 1 of 2.
	 */
	CHECK_EQ_U64(r.res.predicted, 2);
	CHECK_EQ_U64(r.res.predicted_ok, 1);
	CHECK(fabs(r.res.pfn_prediction_rate - 0.5) < 1e-12);
	{
		json_t *p = json_object_get(j, "pfn_prediction");
		json_t *o4 = json_array_get(json_object_get(p, "by_order"), 4);
		json_t *o0 = json_array_get(json_object_get(p, "by_order"), 0);

		CHECK_EQ_U64(jpath_u(o4, "predicted", NULL), 1);
		CHECK_EQ_U64(jpath_u(o4, "correct", NULL), 1);
		CHECK_EQ_U64(jpath_u(o0, "predicted", NULL), 1);
		CHECK_EQ_U64(jpath_u(o0, "correct", NULL), 0);
		CHECK_EQ_U64(jpath_u(p, "buddy_served", "correct"), 1);
		CHECK_EQ_U64(jpath_u(p, "buddy_served", "predicted"), 1);
		CHECK_EQ_U64(jpath_u(p, "pcp_served", "predicted"), 1);
		CHECK_EQ_U64(jpath_u(p, "pcp_served", "correct"), 0);
	}
	/* the end sample is at 9000 - 200 ns after the first checkpoint */
	CHECK_EQ_U64(r.c.last_t, 8800);
	case_release(&r, j);
}

/* ---- no snapshot: a start laid out from the first checkpoint -------------------- */

static void test_checkpoint_start(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct case_run r = { 0 };
	json_t *j;

	w = trace_in(dir, "nosnap.bst", path);
	/* MOVABLE: 2 x order 10, 3 x order 3, 2 x order 0; UNMOVABLE: 1 x order 2, 1 x order 0 */
	ev_init(&ev, TRACEFMT_CHECKPOINT, 200);
	ev.u.checkpoint.seq = 1;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "Normal");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	ev.u.checkpoint.free_blocks[10][1] = 2;
	ev.u.checkpoint.free_blocks[3][1] = 3;
	ev.u.checkpoint.free_blocks[0][1] = 2;
	ev.u.checkpoint.free_blocks[2][0] = 1;
	ev.u.checkpoint.free_blocks[0][0] = 1;
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, true);
	CHECK(!strcmp(json_string_value(json_object_get(j, "start_state")), "checkpoint"));
	CHECK(json_is_false(json_object_get(j, "pfn_prediction_meaningful")));
	CHECK_EQ_U64(jpath_u(j, "start", "blocks_unplaced"), 0);
	CHECK_EQ_U64(jpath_u(j, "start", "blocks_seeded"), 9);
	/* the checkpoint the layout came from is the start state, not a fidelity sample */
	CHECK_EQ_U64(r.res.checkpoints, 0);
	CHECK_EQ_U64(jpath_u(j, "checkpoints_of_start_state", NULL), 1);
	/* the layout reproduces the counts exactly: no merge undid them */
	CHECK_EQ_U64(r.c.last_free_blocks[10][1], 2);
	CHECK_EQ_U64(r.c.last_free_blocks[3][1], 3);
	CHECK_EQ_U64(r.c.last_free_blocks[0][1], 2);
	CHECK_EQ_U64(r.c.last_free_blocks[2][0], 1);
	CHECK_EQ_U64(r.c.last_free_blocks[0][0], 1);
	CHECK_EQ_U64(r.c.last_nr_free, 2048 + 24 + 2 + 4 + 1);
	CHECK_EQ_U64(jpath_u(j, "model_check", "checks"), 1);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	case_release(&r, j);
}

/* ---- reclaim and compaction in shadow mode (format 1.4, spec 5.7 option 2) ---------- */

static void mm_record(struct tracefmt_writer *w, unsigned int type, uint64_t ts, const uint64_t *args,
		      unsigned int n)
{
	struct tracefmt_event ev;

	ev_init(&ev, type, ts);
	REQUIRE(tracefmt_mm_set_args(&ev, args, n) >= 0);
	put(w, &ev);
}

/* zone_start, migrate_pfn, free_pfn, zone_end, sync (FORMAT.md type 21), status */
static const uint64_t compaction_run[6] = { BASE, BASE, BASE + ZONE_PAGES - 512, BASE + ZONE_PAGES, 1, 5 };

/*
 * A compaction trace on the shared snapshot: its checkpoint (order 10: 2,
 * order 3: 1, order 0: 1), a sync run's begin and one isolate_freepages
 * record @iso (start, end, scanned, taken). The caller adds the run's
 * page events and ends it with compaction_trace_end().
 */
static struct tracefmt_writer *compaction_trace_begin(const char *path, const uint64_t iso[4])
{
	const uint32_t ck1[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	struct tracefmt_writer *w = trace_open(path);

	write_snapshot(w);
	checkpoint(w, 200, 1, ck1);
	mm_record(w, TRACEFMT_COMPACTION_BEGIN, 1000, compaction_run, 5);
	mm_record(w, TRACEFMT_COMPACTION_ISOLATE_FREE, 1100, iso, 4);
	return w;
}

/* The run's end, then checkpoint 2 with @ck2 (as checkpoint() reads it), and the file closed. */
static void compaction_trace_end(struct tracefmt_writer *w, const uint32_t ck2[11])
{
	mm_record(w, TRACEFMT_COMPACTION_END, 1400, compaction_run, 6);
	checkpoint(w, 2000, 2, ck2);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
}

/*
 * The replay of a compaction trace isolated @pages, as the kernel did, with
 * @mismatch records no stride reproduced, and ends on the kernel's counts
 * (distance 0); @j and @res are released.
 */
static void compaction_check_release(json_t *j, struct replay_result *res, uint64_t pages,
				     uint64_t mismatch)
{
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "pages_isolated_kernel"), pages);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "pages_isolated_model"), pages);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "isolate_freepages_mismatch"), mismatch);
	CHECK_EQ_U64(res->checkpoints, 2);
	CHECK(res->checkpoint_distance_max == 0.0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	json_decref(j);
	replay_result_release(res);
}

/*
 * A compaction run on the shared snapshot (write_snapshot()): the free
 * scanner isolates [BASE + 1024, BASE + 1536) and takes 9 pages, C (order
 * 3 at +1024) and D (order 0 at +1041): the only free blocks whose heads
 * lie there (mm/compaction.c isolate_freepages_block(): every PageBuddy
 * head met is isolated whole). Then the page migrated out of +1032 (order
 * 3) is freed and the unused target D is released. With C and D isolated
 * nothing merges: the end checkpoint has order 10: 2, order 3: 1 (+1032),
 * order 0: 1 (D), which the model must show (distance 0), with no
 * contradiction. Without the isolation the free of +1032 would merge with
 * C into an order-4 block and D's release would be a free of a free page.
 */
static void test_shadow_compaction(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct replay_result res;
	json_t *j;
	/* after: D (released) and +1032 (migrated out) where C and D were */
	const uint32_t ck2[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	const uint64_t iso[4] = { BASE + 1024, BASE + 1536, 512, 9 };

	snprintf(path, sizeof(path), "%s/compaction.bst", dir);
	w = compaction_trace_begin(path, iso);
	free_ev(w, 1200, BASE + 1032, 3);
	{
		struct tracefmt_event ev; /* the order-3 free goes through the pcp list */

		ev_init(&ev, TRACEFMT_PAGE_PCPU_DRAIN, 1201);
		ev.u.pcpu_drain.pfn = BASE + 1032;
		ev.u.pcpu_drain.order = 3;
		ev.u.pcpu_drain.migratetype = MT_MOVABLE;
		put(w, &ev);
	}
	free_ev(w, 1300, BASE + 1041, 0);
	drain(w, 1301, BASE + 1041);
	compaction_trace_end(w, ck2);

	j = summary_run(path, REPLAY_SHADOW, &res);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(json_object_get(j, "reclaim_compaction"), "contradictions_expected",
			     "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "compaction_runs"), 1);
	compaction_check_release(j, &res, 9, 0);
}

/*
 * A free scan no stride reproduces: the kernel took 1 page of [BASE + 1024,
 * BASE + 1536), where the model's free heads are C (order 3 at +1024) and
 * D (order 0 at +1041). isolate_freepages_block() isolates a PageBuddy
 * block whole, so C (8 pages) cannot be among what the kernel took: the
 * one page is D, and the end checkpoint still has C (order 3: 1, order 0:
 * 0, order 10: 2). A model taking the closest stride's 8 pages (C) would
 * leave D free and C allocated to the end of the trace.
 */
static void test_shadow_compaction_takes_no_more(const char *dir)
{
	char path[512];
	struct replay_result res;
	json_t *j;
	const uint32_t ck2[11] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	const uint64_t iso[4] = { BASE + 1024, BASE + 1536, 19, 1 };

	snprintf(path, sizeof(path), "%s/compaction-capped.bst", dir);
	compaction_trace_end(compaction_trace_begin(path, iso), ck2);

	j = summary_run(path, REPLAY_SHADOW, &res);
	compaction_check_release(j, &res, 1, 1);
}

/* A zone state of the Normal zone of the test traces with @boost (zoneinfo marks include it). */
static void zone_state_boost(struct tracefmt_writer *w, uint64_t ts, uint32_t seq, uint64_t boost)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_ZONE_STATE, ts);
	ev.u.zone_state.seq = seq;
	snprintf(ev.u.zone_state.zone, sizeof(ev.u.zone_state.zone), "Normal");
	ev.u.zone_state.flags = TRACEFMT_ZS_HAS_START_PFN;
	ev.u.zone_state.start_pfn = BASE;
	ev.u.zone_state.spanned = ev.u.zone_state.present = ev.u.zone_state.managed = ZONE_PAGES;
	ev.u.zone_state.min = 4 + boost;
	ev.u.zone_state.low = 5 + boost;
	ev.u.zone_state.high = 6 + boost;
	ev.u.zone_state.promo = 7 + boost;
	ev.u.zone_state.boost = boost;
	put(w, &ev);
}

/*
 * kswapd's run ends by taking back the boost its zones had when it began
 * (spec 5.4: balance_pgdat() snapshots zone->watermark_boost at the start
 * and subtracts it at the end): boost 512 at the wake, raised to 1024
 * during the run, leaves 512 after the sleep; a second run, woken with
 * those 512, clears them.
 */
static void test_shadow_kswapd_boost(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct bs_error err;
	struct case_run r = { 0 };
	json_t *j;
	const uint64_t wake[3] = { 0, 2, 0 }, sleep_nid[1] = { 0 };

	w = trace_in(dir, "kswapd.bst", path);
	write_snapshot(w);
	zone_state_boost(w, 160, 1, 512);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_WAKE, 1000, wake, 3);
	zone_state_boost(w, 1100, 2, 1024);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_SLEEP, 1200, sleep_nid, 1);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	replay_opts_init(&r.o);
	REQUIRE(replay_run(path, &r.o, &collect_sink, &r.c, &r.res, &err) == 0);
	CHECK_EQ_U64(r.c.last_boost, 512);
	j = summary_of(&r.c);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "kswapd_runs"), 1);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "boost_pages_cleared"), 512);
	json_decref(j);
	free(r.c.summary);
	replay_result_release(&r.res);

	/* a second run begun with 512 takes them all */
	w = trace_in(dir, "kswapd2.bst", path);
	write_snapshot(w);
	zone_state_boost(w, 160, 1, 512);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_WAKE, 1000, wake, 3);
	zone_state_boost(w, 1100, 2, 1024);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_WAKE, 1200, wake, 3);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_SLEEP, 1300, sleep_nid, 1);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	memset(&r.c, 0, sizeof(r.c));
	REQUIRE(replay_run(path, &r.o, &collect_sink, &r.c, &r.res, &err) == 0);
	CHECK_EQ_U64(r.c.last_boost, 0);
	j = summary_of(&r.c);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "kswapd_runs"), 2);
	CHECK_EQ_U64(jpath_u(j, "reclaim_compaction", "boost_pages_cleared"), 1024);
	json_decref(j);
	free(r.c.summary);
	replay_result_release(&r.res);
}

/* ---- the kernel's reclaim and compaction over time (activity.c) ------------ */

static void vmstat(struct tracefmt_writer *w, uint64_t ts, uint32_t seq, const char *name,
		   uint64_t value)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_VMSTAT, ts);
	ev.u.vmstat.seq = seq;
	ev.u.vmstat.value = value;
	snprintf(ev.u.vmstat.name, sizeof(ev.u.vmstat.name), "%s", name);
	put(w, &ev);
}

/*
 * The trace.* counters at each sample, in both modes. Time 0 is the first
 * page event (T0); a sample every 1 ms, taken when the first record at or
 * after its time arrives, before that record is applied. kswapd of node 0
 * wakes at 0.5 ms and sleeps at 1.5 ms (FORMAT.md: awake between
 * kswapd_wake and kswapd_sleep): the 1 ms sample (taken at the sleep)
 * sees it awake for 0.5 ms, the 2 ms one for 1 ms. Direct reclaim ends with
 * nr_reclaimed 32 at 0.7 ms; a compaction run (begin 0.8 ms) migrates 30
 * pages (0.85 ms). vmstat readings: pgsteal_anon 1000 + pgsteal_file 500
 * at 0.1 ms, 1100 + 532 at 1.6 ms: 132 pages reclaimed in between
 * (pgsteal_kswapd, a subtotal of the same pages, is not added).
 */
static void test_activity_over_time(const char *dir)
{
	const uint64_t T0 = 1000000, MS = 1000000;
	const uint64_t wake[3] = { 0, 2, 0 }, nid0[1] = { 0 }, reclaimed[1] = { 32 };
	const uint64_t run[5] = { BASE, BASE, BASE + ZONE_PAGES, BASE + ZONE_PAGES, 0 };
	const uint64_t run_end[6] = { BASE, BASE + 512, BASE + 512, BASE + ZONE_PAGES, 0, 6 };
	const uint64_t migrated[2] = { 30, 0 };
	char path[512];
	struct tracefmt_writer *w;

	snprintf(path, sizeof(path), "%s/activity.bst", dir);
	w = trace_open(path);
	write_snapshot(w);
	alloc(w, T0, BASE + 0, 0);
	vmstat(w, T0 + MS / 10, 1, "pgsteal_kswapd", 1400);
	vmstat(w, T0 + MS / 10, 1, "pgsteal_anon", 1000);
	vmstat(w, T0 + MS / 10, 1, "pgsteal_file", 500);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_WAKE, T0 + MS / 2, wake, 3);
	mm_record(w, TRACEFMT_VMSCAN_DIRECT_END, T0 + 7 * MS / 10, reclaimed, 1);
	mm_record(w, TRACEFMT_COMPACTION_BEGIN, T0 + 8 * MS / 10, run, 5);
	mm_record(w, TRACEFMT_COMPACTION_MIGRATEPAGES, T0 + 85 * MS / 100, migrated, 2);
	mm_record(w, TRACEFMT_COMPACTION_END, T0 + 9 * MS / 10, run_end, 6);
	mm_record(w, TRACEFMT_VMSCAN_KSWAPD_SLEEP, T0 + 15 * MS / 10, nid0, 1);
	vmstat(w, T0 + 16 * MS / 10, 2, "pgsteal_kswapd", 1500);
	vmstat(w, T0 + 16 * MS / 10, 2, "pgsteal_anon", 1100);
	vmstat(w, T0 + 16 * MS / 10, 2, "pgsteal_file", 532);
	free_ev(w, T0 + 25 * MS / 10, BASE + 0, 0);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	for (int mode = 0; mode < 2; mode++) {
		struct replay_opts o;
		struct replay_result res;
		struct collect *c = calloc(1, sizeof(*c));
		json_t *j;

		REQUIRE(c);
		opts_for(&o, mode ? REPLAY_WHATIF : REPLAY_SHADOW, false);
		o.sample_interval_ns = MS;
		j = collect_run(path, &o, c, &res);
		CHECK_EQ_U64(act_at(c, "trace.kswapd_runs", MS), 1);
		CHECK_EQ_U64(act_at(c, "trace.kswapd_awake_ns", MS), MS / 2);
		CHECK_EQ_U64(act_at(c, "trace.pages_reclaimed", MS), 0);
		CHECK_EQ_U64(act_at(c, "trace.direct_reclaimed", MS), 32);
		CHECK_EQ_U64(act_at(c, "trace.compaction_runs", MS), 1);
		CHECK_EQ_U64(act_at(c, "trace.pages_migrated", MS), 30);
		CHECK_EQ_U64(act_at(c, "trace.kswapd_awake_ns", 2 * MS), MS);
		CHECK_EQ_U64(act_at(c, "trace.pages_reclaimed", 2 * MS), 132);
		CHECK_EQ_U64(act_at(c, "trace.compaction_runs", 2 * MS), 1);
		/* the last sample, at the free (2.5 ms): kswapd asleep since 1.5 ms */
		CHECK_EQ_U64(act_at(c, "trace.kswapd_awake_ns", 25 * MS / 10), MS);
		CHECK_EQ_U64(act_at(c, "trace.kswapd_runs", 25 * MS / 10), 1);
		/* the summary's totals, and the text summary's line */
		{
			json_t *t = json_object_get(j, "trace_reclaim_compaction");
			char *text = replay_summary_text(c->summary);

			CHECK_EQ_U64(jpath_u(t, "kswapd_runs", NULL), 1);
			CHECK(json_real_value(json_object_get(t, "kswapd_awake_seconds")) == 0.001);
			CHECK_EQ_U64(jpath_u(t, "pages_reclaimed", NULL), 132);
			CHECK_EQ_U64(jpath_u(t, "direct_reclaimed_pages", NULL), 32);
			CHECK_EQ_U64(jpath_u(t, "compaction_runs", NULL), 1);
			CHECK_EQ_U64(jpath_u(t, "pages_migrated", NULL), 30);
			CHECK_STR_CONTAINS(text, "kernel (trace): kswapd runs 1 (awake 0.001 s), pages "
					   "reclaimed 132, by direct reclaim 32; compaction runs 1, pages "
					   "migrated 30");
			free(text);
		}
		collect_release(j, c, &res);
		free(c);
	}
}

/* ---- records out of time order across cpus ------------------------------------------ */

static void test_reorder(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct case_run r = { 0 };
	json_t *j;

	w = trace_in(dir, "reorder.bst", path);
	write_snapshot(w);
	/*
	 * cpu 1 allocates BASE at order 4 (zone_locked t = 990, alloc t =
	 * 1000) and cpu 0 frees its upper half, BASE + 8 at order 3 (t = 2000),
	 * but the free is written first. In file order it would free pages of
	 * A that are still free (a contradiction); in time order it frees half
	 * of the allocated block: none.
	 */
	free_ev(w, 2000, BASE + 8, 3);
	ev_init(&ev, TRACEFMT_PAGE_ALLOC_ZONE_LOCKED, 990);
	ev.cpu = 1;
	ev.u.zone_locked.pfn = BASE;
	ev.u.zone_locked.order = 4;
	ev.u.zone_locked.migratetype = MT_MOVABLE;
	put(w, &ev);
	ev_init(&ev, TRACEFMT_PAGE_ALLOC, 1000);
	ev.cpu = 1;
	ev.u.alloc.pfn = BASE;
	ev.u.alloc.order = 4;
	ev.u.alloc.migratetype = MT_MOVABLE;
	ev.u.alloc.gfp_flags = GFP_MOVABLE_KERNEL;
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, true);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	/* predicted right: the allocation came first in time */
	CHECK_EQ_U64(r.res.predicted, 1);
	CHECK_EQ_U64(r.res.predicted_ok, 1);
	case_release(&r, j);
}

/* ---- shadow: a stale pcp head is re-synchronised ------------------------------ */

static void snap_pcp(struct tracefmt_writer *w, uint64_t ts, uint64_t pfn, uint64_t pos)
{
	struct tracefmt_event ev;

	ev_init(&ev, TRACEFMT_SNAPSHOT_BLOCK, ts);
	ev.cpu = 0;
	ev.u.snapshot_block.pfn = pfn;
	ev.u.snapshot_block.position = pos;
	ev.u.snapshot_block.migratetype = MT_MOVABLE;
	ev.u.snapshot_block.flags = TRACEFMT_SNAP_PCP;
	snprintf(ev.u.snapshot_block.zone, sizeof(ev.u.snapshot_block.zone), "Normal");
	put(w, &ev);
}

static void test_shadow_pcp(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct case_run r = { 0 };
	json_t *j;

	w = trace_in(dir, "pcp.bst", path);
	/* cpu 0's order-0 MOVABLE pcp list, head to tail: X, Y, Z */
	snap_mark(w, 100, TRACEFMT_SNAP_BEGIN, 0);
	snap_block(w, 110, BASE + 0, 10, 0);
	snap_pcp(w, 111, BASE + 1100, 0);
	snap_pcp(w, 112, BASE + 1102, 1);
	snap_pcp(w, 113, BASE + 1104, 2);
	snap_mark(w, 150, TRACEFMT_SNAP_END, 4);
	/*
	 * 1. The kernel's pcp hit (no zone_locked before it) returns Y: the
	 *    model predicts its head X - wrong. X, in front of Y on the same
	 *    list and not freed by this cpu since its last allocation, was not
	 *    on the kernel's list there; where it was, the trace says later: it
	 *    is set aside (not free, not on a list). Nothing is counted as
	 *    allocated.
	 * 2. The next hit returns Z, the model's new head: right.
	 * 3. The kernel refills one block, X, from the buddy and hands it out:
	 *    X's free had gone straight to the buddy (pcp trylock failure, spec
	 *    3.1 and 12). The prediction comes first, from a model that does not
	 *    know that yet: its refill splits A and returns BASE - wrong,
	 *    buddy-served. Then X is placed in the buddy and taken.
	 * 4. G is freed (head of the pcp list), then F: list F, G. The kernel
	 *    hands out G: its allocation took G before an interrupt freed F,
	 *    whose mm_page_free is traced first (mm_page_alloc fires after the
	 *    page is prepared, spec 12). The model predicts F - wrong - and F,
	 *    freed since this cpu's last allocation, stays.
	 * 5. The kernel hands out F: the model's head, right.
	 * Predictions 2 of 5 (pcp-served 2 of 4, buddy-served 0 of 1); the
	 * baseline (last page freed on the cpu at the order) is right only for
	 * step 5.
	 */
	alloc(w, 1000, BASE + 1102, 0);
	alloc(w, 1100, BASE + 1104, 0);
	zone_locked(w, 1200, BASE + 1100, 0);
	alloc(w, 1201, BASE + 1100, 0);
	free_ev(w, 1290, BASE + 1108, 0);
	free_ev(w, 1300, BASE + 1106, 0);
	alloc(w, 1301, BASE + 1108, 0);
	alloc(w, 1400, BASE + 1106, 0);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, true);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "stale_pcp_entries"), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "free_of_free_page"), 0);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "alloc_of_allocated_page"), 0);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 1);
	CHECK_EQ_U64(jpath_u(j, "stale_pcp_entries_found", "in_buddy"), 1);
	CHECK_EQ_U64(jpath_u(j, "stale_pcp_entries_found", "not_seen_again"), 0);
	CHECK_EQ_U64(jpath_u(j, "start", "pcp_seeded"), 3);
	CHECK_EQ_U64(r.res.predicted, 5);
	CHECK_EQ_U64(r.res.predicted_ok, 2);
	{
		json_t *p = json_object_get(j, "pfn_prediction");

		CHECK_EQ_U64(jpath_u(p, "pcp_served", "predicted"), 4);
		CHECK_EQ_U64(jpath_u(p, "pcp_served", "correct"), 2);
		CHECK_EQ_U64(jpath_u(p, "buddy_served", "predicted"), 1);
		CHECK_EQ_U64(jpath_u(p, "buddy_served", "correct"), 0);
		CHECK_EQ_U64(jpath_u(p, "baseline", "predicted"), 5);
		CHECK_EQ_U64(jpath_u(p, "baseline", "correct"), 1);
	}
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	case_release(&r, j);
}

/*
 * A pageblock holding only pcp pages: the snapshot's pcp list says its type
 * (UNMOVABLE, spec 3.3). A page of the same block freed on cpu 0 then goes
 * to the UNMOVABLE list's head, and an UNMOVABLE pcp hit takes it. Were
 * the block left MOVABLE, the free would land on the MOVABLE list and the
 * model would predict the snapshot's entry instead.
 */
static void test_pcp_only_block_type(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct case_run r = { 0 };
	json_t *j;

	w = trace_in(dir, "pcptype.bst", path);
	snap_mark(w, 100, TRACEFMT_SNAP_BEGIN, 0);
	snap_block(w, 110, BASE + 0, 10, 0);
	ev_init(&ev, TRACEFMT_SNAPSHOT_BLOCK, 111);
	ev.u.snapshot_block.pfn = BASE + 4200;
	ev.u.snapshot_block.migratetype = 0;
	ev.u.snapshot_block.flags = TRACEFMT_SNAP_PCP;
	snprintf(ev.u.snapshot_block.zone, sizeof(ev.u.snapshot_block.zone), "Normal");
	put(w, &ev);
	snap_mark(w, 150, TRACEFMT_SNAP_END, 2);
	free_ev(w, 1000, BASE + 4300, 0);
	ev_init(&ev, TRACEFMT_PAGE_ALLOC, 1100);
	ev.u.alloc.pfn = BASE + 4300;
	ev.u.alloc.migratetype = 0;
	ev.u.alloc.gfp_flags = 0xcc0; /* GFP_KERNEL: UNMOVABLE */
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, true);
	CHECK_EQ_U64(r.res.predicted, 1);
	CHECK_EQ_U64(r.res.predicted_ok, 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	case_release(&r, j);
}

/*
 * The DMA zone starts at pfn 1, inside its first pageblock (0..511). The
 * snapshot's order-8 UNMOVABLE block at 256 types that pageblock through a
 * pfn of the zone and is seeded on the UNMOVABLE list; the checkpoint that
 * follows says so (distance 0), with no type conflict at seeding.
 */
static void test_first_pageblock(const char *dir)
{
	static const char hdr[] =
		"{\"host\":{\"kernel_release\":\"6.18.44\",\"cpus\":1,\"pageblock_order\":9,"
		"\"nr_page_orders\":11,\"migratetypes\":[\"Unmovable\",\"Movable\",\"Reclaimable\","
		"\"HighAtomic\",\"Isolate\"]},\"sysctl\":{\"min_free_kbytes\":128},"
		"\"zones\":[{\"node\":0,\"name\":\"DMA\",\"start_pfn\":1,\"spanned\":4095,"
		"\"present\":3998,\"managed\":3840,\"min\":1,\"low\":2,\"high\":3,"
		"\"protection\":[0,0,0,0,0],\"pcp\":[{\"cpu\":0,\"high\":0,\"batch\":1}]}]}";
	char path[512];
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct bs_error terr;
	struct replay_result res;
	json_t *j;

	snprintf(path, sizeof(path), "%s/dma.bst", dir);
	w = tracefmt_writer_create(path, hdr, strlen(hdr), NULL, &terr);
	REQUIRE(w);
	snap_mark(w, 100, TRACEFMT_SNAP_BEGIN, 0);
	ev_init(&ev, TRACEFMT_SNAPSHOT_BLOCK, 110);
	ev.u.snapshot_block.pfn = 256;
	ev.u.snapshot_block.order = 8;
	ev.u.snapshot_block.migratetype = 0;
	snprintf(ev.u.snapshot_block.zone, sizeof(ev.u.snapshot_block.zone), "DMA");
	put(w, &ev);
	snap_mark(w, 150, TRACEFMT_SNAP_END, 1);
	ev_init(&ev, TRACEFMT_CHECKPOINT, 200);
	ev.u.checkpoint.seq = 1;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "DMA");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	ev.u.checkpoint.free_blocks[8][0] = 1;
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = summary_run(path, REPLAY_SHADOW, &res);
	CHECK_EQ_U64(jpath_u(j, "start", "snapshot_type_conflicts"), 0);
	CHECK_EQ_U64(jpath_u(j, "start", "blocks_seeded"), 1);
	CHECK_EQ_U64(res.checkpoints, 1);
	CHECK(fabs(res.checkpoint_distance_max) < 1e-12);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	json_decref(j);
	replay_result_release(&res);
}

/*
 * Page events between the walk's begin and end marks: applied when the
 * walk had not seen their effect. The walk saw B free, so the kernel's
 * allocation of B (ts 120-121) came after it; it saw BASE + 1600 allocated,
 * so the free of it (130) came after it too (to the pcp, spec 3.1); it saw
 * BASE + 1700 allocated, so that allocation (125) is already in the
 * snapshot: skipped, no contradiction. The checkpoint after the walk then
 * matches exactly: order 10: A; order 3: C; order 0: D (the pcp page is not
 * counted, spec 7.6).
 */
static void test_walk_window(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct case_run r = { 0 };
	const uint32_t after[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1 };
	json_t *j;

	w = trace_in(dir, "window.bst", path);
	write_snapshot(w);
	zone_locked(w, 120, BASE + 2048, 10);
	alloc(w, 121, BASE + 2048, 10);
	alloc(w, 125, BASE + 1700, 0);
	free_ev(w, 130, BASE + 1600, 0);
	checkpoint(w, 200, 1, after);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, true);
	CHECK_EQ_U64(r.res.checkpoints, 1);
	CHECK(fabs(r.res.checkpoint_distance_max) < 1e-12);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "skipped_before_start", NULL), 1);
	CHECK_EQ_U64(jpath_u(j, "pfn_prediction", "excluded_start_window"), 1);
	CHECK_EQ_U64(r.res.predicted, 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	case_release(&r, j);
}

/*
 * Memory that appears at runtime (capture/HOTPLUG.md): the zone's managed
 * pages are the prefix [BASE, BASE + 7168) of its 8192 present pages; the
 * kernel frees the next 1024 (order 10 at BASE + 7168, never allocated) as
 * they are initialised. Shadow: they join the buddy at the tail (FPI_TO_TAIL)
 * and managed grows to 8192: the checkpoint after counts three order-10
 * blocks (A, B and the new one), distance 0, no contradiction, 1024 pages
 * added. What-if: the model adds them and recomputes (managed 8192 too).
 */
static void test_hotplug(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct replay_result res;
	const uint32_t after[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3 };
	json_t *j;

	snprintf(path, sizeof(path), "%s/hotplug.bst", dir);
	w = trace_open_managed(path, ZONE_PAGES - 1024);
	write_snapshot(w);
	free_ev(w, 1000, BASE + 7168, 10);
	checkpoint(w, 2000, 1, after);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	for (int mode = 0; mode < 2; mode++) {
		j = summary_run(path, mode ? REPLAY_WHATIF : REPLAY_SHADOW, &res);
		CHECK_EQ_U64(jpath_u(j, "memory", "pages_added"), 1024);
		CHECK_EQ_U64(jpath_u(json_array_get(json_object_get(j, "zones"), 0), "managed", NULL),
			     ZONE_PAGES);
		CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
		CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
		if (!mode) {
			CHECK_EQ_U64(res.checkpoints, 1);
			CHECK(fabs(res.checkpoint_distance_max) < 1e-12);
		}
		json_decref(j);
		replay_result_release(&res);
	}
}

/*
 * Free page reporting (page_reporting_order 9 in the header). The halves of
 * the order-9 block at BASE + 4096 (allocated in the snapshot) are freed as
 * order 8; the second free merges them to order 9, which requests a pass
 * (mm/page_reporting.c page_reporting_notify_free); the worker runs it 2 s
 * later: at the first event 2 s or more after the request, not at the one
 * 1 s after. The 8192-page zone is below LOW + 32 << 9 free pages, so the
 * pass reports nothing.
 */
static void test_page_reporting_schedule(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct replay_result res;
	json_t *j;

	w = trace_in(dir, "reporting.bst", path);
	write_snapshot(w);
	free_ev(w, 1000, BASE + 4096, 8);
	free_ev(w, 1100, BASE + 4352, 8);
	alloc(w, 1000001100ull, BASE + 1041, 0);	/* 1 s later: no pass yet */
	free_ev(w, 2000001200ull, BASE + 1041, 0);	/* 2 s after the request: the pass */
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = summary_run(path, REPLAY_SHADOW, &res);
	CHECK_EQ_U64(jpath_u(j, "page_reporting", "order"), 9);
	CHECK_EQ_U64(jpath_u(j, "page_reporting", "passes"), 1);
	CHECK_EQ_U64(jpath_u(j, "page_reporting", "pages_reported"), 0);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	json_decref(j);
	replay_result_release(&res);
}

/*
 * What the trace implies without showing it (6.18):
 * 1. A free of X, which the snapshot has on cpu 0's pcp list: the bulk
 *    allocator had handed X out with no mm_page_alloc (spec 6.5). Not a
 *    contradiction; X goes back to the pcp.
 * 2. A drain of Y naming migratetype 3: Y's pageblock is HIGHATOMIC now (a
 *    reserve, no event, spec 2.9); Y reaches the buddy on that list. The
 *    checkpoint after counts it there: distance 0.
 * 3. A claim from an order-2 fallback (extfrag, change_ownership 1): below
 *    pageblock order it boosts the zone's watermark by one pageblock,
 *    512 pages (watermark_boost_factor 15000: the cap is max(512,
 *    HIGH x 1.5) = 512, spec 5.4).
 */
static void test_shadow_inferences(const char *dir)
{
	char path[512], hdr[2048], *p;
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct bs_error terr;
	struct replay_result res;
	json_t *j;
	const uint32_t movable[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };

	snprintf(hdr, sizeof(hdr), header_fmt, release, BASE, ZONE_PAGES, ZONE_PAGES, ZONE_PAGES,
		 0, 1, 0, 0);
	p = strstr(hdr, "\"watermark_boost_factor\":0");
	REQUIRE(p);
	memmove(p + strlen("\"watermark_boost_factor\":15000"), p + strlen("\"watermark_boost_factor\":0"),
		strlen(p + strlen("\"watermark_boost_factor\":0")) + 1);
	memcpy(p, "\"watermark_boost_factor\":15000", strlen("\"watermark_boost_factor\":15000"));
	snprintf(path, sizeof(path), "%s/infer.bst", dir);
	w = tracefmt_writer_create(path, hdr, strlen(hdr), NULL, &terr);
	REQUIRE(w);
	snap_mark(w, 100, TRACEFMT_SNAP_BEGIN, 0);
	snap_block(w, 110, BASE + 0, 10, 0);
	snap_block(w, 111, BASE + 2048, 10, 1);
	snap_block(w, 112, BASE + 1024, 3, 0);
	snap_block(w, 113, BASE + 1041, 0, 0);
	snap_pcp(w, 114, BASE + 1100, 0);
	snap_pcp(w, 115, BASE + 4200, 1);
	snap_mark(w, 150, TRACEFMT_SNAP_END, 6);
	free_ev(w, 1000, BASE + 1100, 0);
	ev_init(&ev, TRACEFMT_PAGE_PCPU_DRAIN, 2000);
	ev.u.pcpu_drain.pfn = BASE + 4200;
	ev.u.pcpu_drain.migratetype = 3;
	put(w, &ev);
	ev_init(&ev, TRACEFMT_CHECKPOINT, 3000);
	ev.u.checkpoint.seq = 1;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "Normal");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	for (int o2 = 0; o2 < 11; o2++)
		ev.u.checkpoint.free_blocks[o2][MT_MOVABLE] = movable[o2];
	ev.u.checkpoint.free_blocks[0][3] = 1;
	put(w, &ev);
	ev_init(&ev, TRACEFMT_PAGE_ALLOC_EXTFRAG, 4000);
	ev.u.extfrag.pfn = BASE + 1024;
	ev.u.extfrag.alloc_order = 0;
	ev.u.extfrag.fallback_order = 2;
	ev.u.extfrag.alloc_migratetype = 0;
	ev.u.extfrag.fallback_migratetype = 1;
	ev.u.extfrag.change_ownership = 1;
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = summary_run(path, REPLAY_SHADOW, &res);
	CHECK_EQ_U64(jpath_u(j, "inferred_bulk_allocations", NULL), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "highatomic_types_learned", NULL), 1);
	CHECK_EQ_U64(res.checkpoints, 1);
	CHECK(fabs(res.checkpoint_distance_max) < 1e-12);
	CHECK_EQ_U64(jpath_u(j, "boosts_implied", NULL), 1);
	CHECK_EQ_U64(jpath_u(json_array_get(json_object_get(j, "zones"), 0), "boost", NULL), 512);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	json_decref(j);
	replay_result_release(&res);
}

/*
 * A prediction must never see its answer. The kernel refills N blocks
 * from the top of B (BASE + 3071 down), then hands out the first. The
 * model's own refill would split the head of its smallest list, A, and
 * return BASE (spec 2.6): wrong, whatever N. Had any of the kernel's
 * blocks reached the model's pcp list before the prediction, the dry run
 * would hit it and count a right answer it was shown.
 */
static void test_refill_leak(const char *dir, unsigned int n)
{
	char path[512];
	struct tracefmt_writer *w;
	struct case_run r = { 0 };
	json_t *j, *p;

	snprintf(path, sizeof(path), "%s/refill-%u.bst", dir, n);
	w = trace_open(path);
	write_snapshot(w);
	for (unsigned int i = 0; i < n; i++)
		zone_locked(w, 1000 + i, BASE + 3071 - i, 0);
	alloc(w, 5000, BASE + 3071, 0);
	/* the rest reached the pcp tail in pull order: the next hit takes the second */
	alloc(w, 6000, BASE + 3070, 0);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, false);
	p = json_object_get(j, "pfn_prediction");
	CHECK_EQ_U64(jpath_u(p, "buddy_served", "predicted"), 1);
	CHECK_EQ_U64(jpath_u(p, "buddy_served", "correct"), 0);
	CHECK_EQ_U64(jpath_u(p, "pcp_served", "predicted"), 1);
	CHECK_EQ_U64(jpath_u(p, "pcp_served", "correct"), 1);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "trace_counters", "pcp_refills"), 1);
	CHECK_EQ_U64(jpath_u(j, "trace_counters", "pcp_refill_pages"), n);
	/* the same counter reaches the sink with the samples (the end sample sees them all) */
	CHECK(r.c.counter_calls > 0);
	CHECK_EQ_U64((uint64_t)r.c.refill_pages_sampled, n);
	case_release(&r, j);
}

/*
 * Only checkpoints read after the start state measure the model. Seq 0 is
 * read before the snapshot walk (as capture did) and disagrees with it;
 * the snapshot's own counts (seq UINT32_MAX) agree by construction; seq 1,
 * after the walk, is scored: distance 0.
 */
static void test_checkpoint_scoring(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct tracefmt_event ev;
	struct case_run r = { 0 };
	const uint32_t before[11] = { 9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0 };
	const uint32_t snap_counts[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	json_t *j;

	w = trace_in(dir, "ckscore.bst", path);
	checkpoint(w, 50, 0, before);
	write_snapshot(w);
	ev_init(&ev, TRACEFMT_CHECKPOINT, 149);
	ev.u.checkpoint.seq = TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ;
	ev.u.checkpoint.flags = TRACEFMT_CKPT_SNAPSHOT;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "Normal");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	for (int o2 = 0; o2 < 11; o2++)
		ev.u.checkpoint.free_blocks[o2][MT_MOVABLE] = snap_counts[o2];
	put(w, &ev);
	checkpoint(w, 200, 1, snap_counts);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	j = case_replay(&r, path, REPLAY_SHADOW, false);
	CHECK_EQ_U64(r.res.checkpoints, 1);
	CHECK_EQ_U64(jpath_u(j, "checkpoints_before_start", NULL), 1);
	CHECK_EQ_U64(jpath_u(j, "checkpoints_of_start_state", NULL), 1);
	CHECK(fabs(r.res.checkpoint_distance_max) < 1e-12);
	CHECK(fabs(json_real_value(json_object_get(j, "checkpoint_distance_first"))) < 1e-12);
	case_release(&r, j);
}

/* ---- what-if: fewer orders, tied frees, untied frees ---------------------- */

static void write_whatif_trace(const char *path)
{
	struct tracefmt_writer *w = trace_open(path);
	const uint32_t ck1[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };

	write_snapshot(w);
	checkpoint(w, 200, 1, ck1);
	/* the kernel served an order-10 request with A, and an order-0 one with D */
	zone_locked(w, 1000, BASE, 10);
	alloc(w, 1001, BASE, 10);
	alloc(w, 1100, BASE + 1041, 0);
	/* a page allocated before the capture, freed during it: freed at its own pfn */
	free_ev(w, 1200, BASE + 1536, 0);
	/* both allocations are freed again */
	free_ev(w, 2000, BASE, 10);
	free_ev(w, 2100, BASE + 1041, 0);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
}

static void test_whatif(const char *dir)
{
	char path[512];
	struct bs_error err;
	struct case_run r = { 0 };
	json_t *j, *fb;

	snprintf(path, sizeof(path), "%s/whatif.bst", dir);
	write_whatif_trace(path);

	/*
	 * Same settings: the order-10 request is served (A and B are free),
	 * every free is tied to its allocation, nothing is contradicted.
	 */
	j = case_replay(&r, path, REPLAY_WHATIF, true);
	CHECK(!strcmp(r.c.mode, "whatif"));
	fb = json_object_get(j, "failures_by_order");
	CHECK_EQ_U64(json_array_size(fb), 11);
	CHECK_EQ_U64(json_integer_value(json_array_get(fb, 10)), 0);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "whatif", "untied_frees"), 1);
	CHECK_EQ_U64(jpath_u(j, "whatif", "frees_of_failed"), 0);
	CHECK_EQ_U64(jpath_u(j, "whatif", "live_tied_allocations"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	/* A came back whole: its order-10 buddy (BASE + 1024) is not free */
	CHECK_EQ_U64(r.c.last_free_blocks[10][MT_MOVABLE], 2);
	case_release(&r, j);

	/*
	 * --max-order 10: orders 0..9 only. The order-10 request fails as
	 * "order too large" (spec 1.2: the largest block is 2^(orders-1)), and
	 * its free is tied to a failed allocation, so it frees nothing.
	 */
	opts_for(&r.o, REPLAY_WHATIF, true);
	REQUIRE(replay_settings_set(&r.o.settings, "max-order", "10", &err) == 0);
	j = collect_run(path, &r.o, &r.c, &r.res);
	fb = json_object_get(j, "failures_by_order");
	CHECK_EQ_U64(json_array_size(fb), 11);
	CHECK_EQ_U64(json_integer_value(json_array_get(fb, 10)), 1);
	CHECK_EQ_U64(r.res.failures_by_order[10], 1);
	CHECK_EQ_U64(jpath_u(j, "failures_by_reason", "order_too_large"), 1);
	CHECK_EQ_U64(jpath_u(j, "whatif", "frees_of_failed"), 1);
	CHECK_EQ_U64(jpath_u(j, "model", "nr_page_orders"), 10);
	CHECK_EQ_U64(jpath_u(j, "model", "pageblock_order"), 9);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(jpath_u(j, "model_check", "failures"), 0);
	/*
	 * A and B were re-freed as order-9 halves; the order-0 request's
	 * one-block refill took D (the smallest order first), so no half was
	 * split: 4 order-9 blocks at the end.
	 */
	CHECK_EQ_U64(r.c.last_free_blocks[9][MT_MOVABLE], 4);
	case_release(&r, j);

	/*
	 * --min-free-kbytes 65536: the min watermark alone (16384 pages x
	 * this zone's share, all of lowmem) exceeds the whole 8192-page zone,
	 * so both requests the kernel served can only be served below it:
	 * two watermark breaches, no failure.
	 */
	opts_for(&r.o, REPLAY_WHATIF, false);
	REQUIRE(replay_settings_set(&r.o.settings, "min-free-kbytes", "65536", &err) == 0);
	j = collect_run(path, &r.o, &r.c, &r.res);
	CHECK_EQ_U64(jpath_u(j, "watermark_breaches", NULL), 2);
	CHECK_EQ_U64(json_integer_value(json_array_get(json_object_get(j, "failures_by_order"), 10)), 0);
	CHECK_EQ_U64(jpath_u(j, "contradictions", "total"), 0);
	case_release(&r, j);

	/* shadow mode refuses settings */
	replay_opts_init(&r.o);
	replay_settings_set(&r.o.settings, "max-order", "12", &err);
	CHECK(replay_run(path, &r.o, NULL, NULL, &r.res, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "whatif");
	replay_result_release(&r.res);
}

/*
 * A setting equal to the traced host's value is no change: the what-if run
 * with the header's own values gives exactly the summary of one with none
 * (but for the clock), and lists no settings.
 */
static json_t *whatif_summary(const char *path, const char *const *kv)
{
	struct replay_opts o;
	struct replay_result res;
	struct bs_error err;
	json_t *j;

	opts_for(&o, REPLAY_WHATIF, false);
	for (; kv && kv[0]; kv += 2)
		REQUIRE(replay_settings_set(&o.settings, kv[0], kv[1], &err) == 0);
	REQUIRE(replay_run(path, &o, NULL, NULL, &res, &err) == 0);
	j = json_loads(res.summary_json, 0, NULL);
	REQUIRE(j);
	json_object_del(j, "wall_seconds");
	json_object_del(j, "events_per_second");
	replay_result_release(&res);
	return j;
}

static void test_host_settings(const char *dir)
{
	static const char *const host[] = {
		"max-order", "11", "pageblock-order", "9", "min-free-kbytes", "128",
		"watermark-scale-factor", "10", "watermark-boost-factor", "0",
		"pcp-high-fraction", "0", "pcp-batch", "1", "cpus", "1",
		"lowmem-reserve-ratio", "256,256,32", NULL,
	};
	static const char *const other[] = { "watermark-scale-factor", "100", NULL };
	char path[512];
	json_t *none, *same, *diff;

	snprintf(path, sizeof(path), "%s/whatif.bst", dir);
	write_whatif_trace(path);
	none = whatif_summary(path, NULL);
	same = whatif_summary(path, host);
	diff = whatif_summary(path, other);
	CHECK(json_equal(none, same));
	CHECK_EQ_U64(json_object_size(json_object_get(same, "settings")), 0);
	CHECK_EQ_U64(json_object_size(json_object_get(diff, "settings")), 1);
	CHECK(!json_equal(none, diff));
	json_decref(none);
	json_decref(same);
	json_decref(diff);
}

/*
 * A header whose zones the model cannot hold in this machine's memory is
 * refused before the model allocates anything (model_create cannot be
 * interrupted): a 2^31 - 1 page zone needs ~24 GiB of model state.
 */
static void test_model_too_big(const char *dir)
{
	static const char hdr[] =
		"{\"host\":{\"kernel_release\":\"6.18.44\",\"cpus\":1,\"pageblock_order\":9,"
		"\"nr_page_orders\":11},\"zones\":[{\"node\":0,\"name\":\"Normal\","
		"\"start_pfn\":1048576,\"spanned\":2147483647,\"present\":2147483647,"
		"\"managed\":2147483647}]}";
	char path[512];
	struct tracefmt_writer *w;
	struct bs_error terr;
	struct replay_opts o;
	struct replay_result res;
	struct bs_error err = { .text = "" };
	double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);

	if (phys > 40.0 * (1 << 30)) {
		printf("skip test_model_too_big: this machine has over 40 GiB\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/huge.bst", dir);
	w = tracefmt_writer_create(path, hdr, strlen(hdr), NULL, &terr);
	REQUIRE(w);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	replay_opts_init(&o);
	CHECK(replay_run(path, &o, NULL, NULL, &res, &err) == -ENOMEM);
	CHECK_STR_CONTAINS(err.text, "huge.bst");
	CHECK_STR_CONTAINS(err.text, "zones[].spanned");
	replay_result_release(&res);
}

/* ---- a trace cut short, and a trace that is no trace ------------------------ */

static void test_bad_input(const char *dir)
{
	char path[512];
	struct tracefmt_writer *w;
	struct replay_opts o;
	struct replay_result res;
	struct bs_error err;
	const uint32_t ck1[11] = { 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2 };
	FILE *f;

	/* A trace cut short is what a killed capture leaves: PATH.partial. */
	snprintf(path, sizeof(path), "%s/cut.bst", dir);
	w = trace_open_flags(path, OUTFILE_PARTIAL | OUTFILE_REPLACE);
	write_snapshot(w);
	checkpoint(w, 200, 1, ck1);
	zone_locked(w, 1000, BASE, 4);
	alloc(w, 1001, BASE, 4);
	REQUIRE(tracefmt_writer_flush(w) == 0);
	free_ev(w, 2000, BASE, 4);
	tracefmt_writer_abandon(w); /* the second block never reaches the file */
	strcat(path, ".partial");

	replay_opts_init(&o);
	REQUIRE(replay_run(path, &o, NULL, NULL, &res, &err) == 0);
	CHECK(res.trace_truncated);
	CHECK_EQ_U64(res.events, 2);
	CHECK_STR_CONTAINS(res.trace_problem, path);
	replay_result_release(&res);

	/* a corrupt block in the middle: skipped, the rest replayed, and said */
	{
		uint64_t end_of_second;
		FILE *fc;

		snprintf(path, sizeof(path), "%s/corrupt.bst", dir);
		w = trace_open(path);
		write_snapshot(w);
		checkpoint(w, 200, 1, ck1);
		REQUIRE(tracefmt_writer_flush(w) == 0);
		zone_locked(w, 1000, BASE, 4);
		alloc(w, 1001, BASE, 4);
		REQUIRE(tracefmt_writer_flush(w) == 0);
		end_of_second = tracefmt_writer_bytes(w);
		free_ev(w, 2000, BASE + 1536, 0);
		REQUIRE(tracefmt_writer_close(w, NULL) == 0);
		fc = fopen(path, "r+b");
		REQUIRE(fc);
		REQUIRE(fseek(fc, (long)end_of_second - 3, SEEK_SET) == 0);
		{
			int byte = fgetc(fc);

			REQUIRE(byte != EOF);
			REQUIRE(fseek(fc, (long)end_of_second - 3, SEEK_SET) == 0);
			fputc(byte ^ 0xff, fc); /* a payload byte of the second block */
		}
		fclose(fc);
		REQUIRE(replay_run(path, &o, NULL, NULL, &res, &err) == 0);
		CHECK(res.trace_truncated);
		CHECK_STR_CONTAINS(res.trace_problem, "corrupt");
		CHECK_EQ_U64(res.events, 1); /* the free of the third block */
		CHECK_EQ_U64(res.contradictions, 0);
		replay_result_release(&res);
	}

	snprintf(path, sizeof(path), "%s/not-a-trace.bst", dir);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("hello\n", f);
	fclose(f);
	CHECK(replay_run(path, &o, NULL, NULL, &res, &err) < 0);
	CHECK_STR_CONTAINS(err.text, "not-a-trace");
	replay_result_release(&res);
}

/* ---- every cut and many flipped bytes of a trace: no crash, bounded figures ---------- */

static void test_damage(const char *dir)
{
	char src[512], dst[512];
	unsigned char *buf;
	long size;
	FILE *f;
	uint32_t rng = 12345;
	int ok = 0, refused = 0;

	snprintf(src, sizeof(src), "%s/shadow.bst", dir);
	snprintf(dst, sizeof(dst), "%s/damaged.bst", dir);
	f = fopen(src, "rb");
	REQUIRE(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	REQUIRE(buf && fread(buf, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	for (int round = 0; round < 2 * size; round++) {
		struct replay_opts o;
		struct replay_result res;
		struct bs_error err;
		long len = size, at = -1;
		int ret;

		rng = rng * 1103515245u + 12345u;
		if (round < size)
			len = round; /* every cut */
		else
			at = (long)(rng >> 8) % size; /* a flipped byte */
		f = fopen(dst, "wb");
		REQUIRE(f);
		if (at >= 0)
			buf[at] ^= 0x5a;
		fwrite(buf, 1, (size_t)len, f);
		if (at >= 0)
			buf[at] ^= 0x5a;
		fclose(f);
		replay_opts_init(&o);
		o.paranoid = true;
		ret = replay_run(dst, &o, NULL, NULL, &res, &err);
		if (ret == 0) {
			ok++;
			CHECK(res.events <= 8);
			CHECK_EQ_U64(res.model_check_failures, 0);
		} else {
			refused++;
			CHECK(err.text[0] != '\0');
		}
		replay_result_release(&res);
	}
	printf("damaged traces: %d replayed, %d refused with a message\n", ok, refused);
	free(buf);
}

/* ---- settings, config files and grids ------------------------------------------------ */

static void test_settings(const char *dir)
{
	struct replay_settings s;
	struct bs_error err;
	char **pts = NULL, path[512], *j;
	size_t n = 0;
	FILE *f;

	replay_settings_init(&s);
	CHECK(replay_settings_set(&s, "watermark-scale-factor", "100", &err) == 0);
	CHECK_EQ_U64(s.watermark_scale_factor, 100);
	CHECK(replay_settings_set(&s, "watermark-scale-factor", "0", &err) == -EINVAL);
	CHECK(replay_settings_set(&s, "pcp-high-fraction", "4", &err) == -EINVAL);
	CHECK(replay_settings_set(&s, "no-such", "1", &err) == -ENOENT);
	CHECK(replay_settings_set(&s, "lowmem-reserve-ratio", "256,256,32", &err) == 0);
	CHECK_EQ_U64(s.nr_lowmem_reserve_ratio, 3);
	CHECK_EQ_U64(s.lowmem_reserve_ratio[2], 32);
	j = replay_settings_json(&s);
	CHECK(j && !strcmp(j, "{\"lowmem-reserve-ratio\":[256,256,32],"
			      "\"watermark-scale-factor\":100}"));
	free(j);

	CHECK(replay_grid_parse("max-order=11,12,13;watermark-scale-factor=10,100,1000", &pts, &n,
				&err) == 0);
	CHECK_EQ_U64(n, 9);
	if (n == 9) {
		CHECK(!strcmp(pts[0], "max-order=11;watermark-scale-factor=10"));
		CHECK(!strcmp(pts[1], "max-order=11;watermark-scale-factor=100"));
		CHECK(!strcmp(pts[8], "max-order=13;watermark-scale-factor=1000"));
	}
	for (size_t i = 0; i < n; i++)
		free(pts[i]);
	free(pts);
	CHECK(replay_grid_parse("max-order=11;bogus=1", &pts, &n, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "bogus");
	CHECK(replay_grid_parse("max-order", &pts, &n, &err) == -EINVAL);
	CHECK(replay_grid_parse("max-order=99", &pts, &n, &err) == -EINVAL);

	replay_settings_init(&s);
	CHECK(replay_point_apply(&s, "max-order=12;lowmem-reserve-ratio=1/2/3", &err) == 0);
	CHECK_EQ_U64(s.nr_page_orders, 12);
	CHECK_EQ_U64(s.lowmem_reserve_ratio[1], 2);

	snprintf(path, sizeof(path), "%s/cfg.json", dir);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("{\"max_order\": 12, \"lowmem-reserve-ratio\": [1, 2], \"cpus\": 4}", f);
	fclose(f);
	replay_settings_init(&s);
	CHECK(replay_settings_load_json(&s, path, &err) == 0);
	CHECK_EQ_U64(s.nr_page_orders, 12);
	CHECK_EQ_U64(s.nr_cpus, 4);
	CHECK_EQ_U64(s.nr_lowmem_reserve_ratio, 2);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("{\"max-order\": \"twelve\"}", f);
	fclose(f);
	CHECK(replay_settings_load_json(&s, path, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "max-order");
}

/* The cases take the scratch directory main() made. */
static char tmp_dir[] = "/tmp/bs-replay-test-XXXXXX";

#define IN_TMP_CASE(fn) { #fn, fn##_in_tmp }
#define DEFINE_IN_TMP_CASE(fn)                                                         \
	static void fn##_in_tmp(void)                                                   \
	{                                                                               \
		fn(tmp_dir);                                                            \
	}
DEFINE_IN_TMP_CASE(test_settings)
DEFINE_IN_TMP_CASE(test_shadow)
DEFINE_IN_TMP_CASE(test_shadow_pcp)
DEFINE_IN_TMP_CASE(test_checkpoint_start)
DEFINE_IN_TMP_CASE(test_checkpoint_scoring)
DEFINE_IN_TMP_CASE(test_shadow_inferences)
DEFINE_IN_TMP_CASE(test_page_reporting_schedule)
DEFINE_IN_TMP_CASE(test_hotplug)
DEFINE_IN_TMP_CASE(test_walk_window)
DEFINE_IN_TMP_CASE(test_pcp_only_block_type)
DEFINE_IN_TMP_CASE(test_first_pageblock)
DEFINE_IN_TMP_CASE(test_reorder)
DEFINE_IN_TMP_CASE(test_shadow_compaction)
DEFINE_IN_TMP_CASE(test_shadow_compaction_takes_no_more)
DEFINE_IN_TMP_CASE(test_shadow_kswapd_boost)
DEFINE_IN_TMP_CASE(test_activity_over_time)
DEFINE_IN_TMP_CASE(test_whatif)
DEFINE_IN_TMP_CASE(test_host_settings)
DEFINE_IN_TMP_CASE(test_bad_input)
DEFINE_IN_TMP_CASE(test_model_too_big)

/* Damages the trace the shadow case writes: that case runs first. */
static void test_damage_after_shadow(void)
{
	test_shadow(tmp_dir);
	test_damage(tmp_dir);
}

static void test_refill_leaks(void)
{
	test_refill_leak(tmp_dir, 65);
	test_refill_leak(tmp_dir, 200);
	test_refill_leak(tmp_dir, 1000);
}

/*
 * The same events give the same figures under 6.1 (Debian 12): split,
 * merge, placement and the one-block refill (batch 1) do not differ.
 */
static void test_shadow_6_1(void)
{
	release = "6.1.0-37-amd64";
	test_shadow(tmp_dir);
	test_shadow_pcp(tmp_dir);
	release = "6.18.44";
}

static const struct harness_case cases[] = {
	IN_TMP_CASE(test_settings),
	IN_TMP_CASE(test_shadow),
	IN_TMP_CASE(test_shadow_pcp),
	IN_TMP_CASE(test_checkpoint_start),
	IN_TMP_CASE(test_checkpoint_scoring),
	IN_TMP_CASE(test_shadow_inferences),
	IN_TMP_CASE(test_page_reporting_schedule),
	IN_TMP_CASE(test_hotplug),
	IN_TMP_CASE(test_walk_window),
	IN_TMP_CASE(test_pcp_only_block_type),
	IN_TMP_CASE(test_first_pageblock),
	HARNESS_CASE(test_refill_leaks),
	IN_TMP_CASE(test_reorder),
	IN_TMP_CASE(test_shadow_compaction),
	IN_TMP_CASE(test_shadow_compaction_takes_no_more),
	IN_TMP_CASE(test_shadow_kswapd_boost),
	IN_TMP_CASE(test_activity_over_time),
	HARNESS_CASE(test_shadow_6_1),
	IN_TMP_CASE(test_whatif),
	IN_TMP_CASE(test_host_settings),
	IN_TMP_CASE(test_bad_input),
	IN_TMP_CASE(test_model_too_big),
	{ "damage", test_damage_after_shadow },
};

HARNESS_MAIN_TMPDIR(cases, tmp_dir)
