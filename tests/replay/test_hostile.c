// SPDX-License-Identifier: MIT
/*
 * Hostile traces (issue 16): well-formed .bst files, written here with the
 * tracefmt writer, whose header or records hold values no host produces.
 * The expected outcome of each is fixed by the rule it breaks, not by a run:
 * a header value the host or the model cannot hold is refused with a
 * message naming the file and the JSON field; an impossible record is
 * counted in the summary's records_rejected and skipped, and the run ends
 * (no crash, no hang: ctest's timeout is the hang detector). A stop request
 * (the CLI's SIGINT / SIGTERM flag) ends the run as incomplete in any phase.
 * The reorder window releases records in (timestamp, arrival) order, checked
 * against a stable sort.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <jansson.h>

#include "harness.h"
#include "reorder.h"
#include "replay.h"
#include "tracefmt.h"

#define BASE 1048576ull		/* Normal zone start */
#define ZONE_PAGES 8192ull

static const char base_header[] =
	"{\"format\":\"buddyscope-trace\",\"source\":\"test\","
	"\"host\":{\"hostname\":\"t\",\"kernel_release\":\"6.18.44\",\"cpus\":2,"
	"\"pageblock_order\":9,\"nr_page_orders\":11,\"migratetypes\":"
	"[\"Unmovable\",\"Movable\",\"Reclaimable\",\"HighAtomic\",\"Isolate\"]},"
	"\"sysctl\":{\"min_free_kbytes\":128,\"watermark_scale_factor\":10,"
	"\"watermark_boost_factor\":0,\"percpu_pagelist_high_fraction\":0,"
	"\"lowmem_reserve_ratio\":[256,256,32,0,0]},"
	"\"zones\":[{\"node\":0,\"name\":\"Normal\",\"start_pfn\":1048576,\"spanned\":8192,"
	"\"present\":8192,\"managed\":8192,\"min\":4,\"low\":5,\"high\":6,\"promo\":7,"
	"\"boost\":0,\"protection\":[0,0,0,0,0],"
	"\"pcp\":[{\"cpu\":0,\"count\":0,\"high\":0,\"batch\":1,\"high_min\":0,\"high_max\":0}]}]}";

static char dir[] = "/tmp/bs-hostile-XXXXXX";

/* ---- building traces ------------------------------------------------------- */

/*
 * The base header with one field replaced: @field is "host.cpus",
 * "zones[0].spanned", "zones[0].protection" ...; @value a JSON text.
 */
static char *header_with(const char *field, const char *value)
{
	json_t *root = json_loads(base_header, 0, NULL), *obj = root;
	char key[64], *dot, *p = key;
	char *text;

	REQUIRE(root);
	snprintf(key, sizeof(key), "%s", field ? field : "");
	while (field && (dot = strchr(p, '.'))) {
		char *br;

		*dot = '\0';
		br = strchr(p, '[');
		if (br) {
			*br = '\0';
			obj = json_array_get(json_object_get(obj, p), (size_t)atoi(br + 1));
		} else {
			obj = json_object_get(obj, p);
		}
		REQUIRE(obj);
		p = dot + 1;
	}
	if (field)
		REQUIRE(!json_object_set_new(obj, p, json_loads(value, JSON_DECODE_ANY, NULL)));
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

static struct tracefmt_writer *trace_create(const char *name, const char *field, const char *value,
					    char *path, size_t len)
{
	struct bs_error err;
	struct tracefmt_writer *w;
	char *hdr = header_with(field, value);

	snprintf(path, len, "%s/%s.bst", dir, name);
	w = tracefmt_writer_create(path, hdr, strlen(hdr), NULL, &err);
	free(hdr);
	REQUIRE(w);
	return w;
}

static void put(struct tracefmt_writer *w, const struct tracefmt_event *ev)
{
	REQUIRE(tracefmt_writer_append(w, ev) == 0);
}

static struct tracefmt_event page_ev(unsigned int type, uint64_t ts, uint32_t cpu, uint64_t pfn,
				     uint32_t order)
{
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ts_ns = ts;
	ev.cpu = cpu;
	ev.pid = 7;
	switch (type) {
	case TRACEFMT_PAGE_ALLOC:
		ev.u.alloc.pfn = pfn;
		ev.u.alloc.order = order;
		ev.u.alloc.migratetype = 1;
		ev.u.alloc.gfp_flags = 0x140cca;
		break;
	case TRACEFMT_PAGE_FREE:
		ev.u.free.pfn = pfn;
		ev.u.free.order = order;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		ev.u.extfrag.pfn = pfn;
		ev.u.extfrag.alloc_order = order;
		ev.u.extfrag.fallback_order = order;
		break;
	default:
		ev.u.pcpu_drain.pfn = pfn;
		ev.u.pcpu_drain.order = order;
		break;
	}
	return ev;
}

static void snapshot_begin(struct tracefmt_writer *w)
{
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_SNAPSHOT_MARK;
	ev.ts_ns = 100;
	ev.u.snapshot_mark.phase = TRACEFMT_SNAP_BEGIN;
	put(w, &ev);
}

static void snapshot(struct tracefmt_writer *w, const uint64_t *pfn, const uint32_t *order, int n)
{
	struct tracefmt_event ev;

	snapshot_begin(w);
	for (int i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = TRACEFMT_SNAPSHOT_BLOCK;
		ev.ts_ns = 101;
		ev.u.snapshot_block.pfn = pfn[i];
		ev.u.snapshot_block.order = order[i];
		ev.u.snapshot_block.migratetype = 1;
		snprintf(ev.u.snapshot_block.zone, sizeof(ev.u.snapshot_block.zone), "Normal");
		put(w, &ev);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_SNAPSHOT_MARK;
	ev.ts_ns = 150;
	ev.u.snapshot_mark.phase = TRACEFMT_SNAP_END;
	ev.u.snapshot_mark.count = (uint64_t)n;
	put(w, &ev);
}

/* ---- running ----------------------------------------------------------------- */

struct outcome {
	int ret;
	int run_end;
	bool complete;
	json_t *summary;
	char err[BS_ERROR_TEXT_LEN];
	int64_t min_t, max_t;
};

static int o_sample(void *ctx, const struct replay_sample *s)
{
	struct outcome *o = ctx;

	if (s->t_ns < o->min_t)
		o->min_t = s->t_ns;
	if (s->t_ns > o->max_t)
		o->max_t = s->t_ns;
	return 0;
}

static int o_end(void *ctx, const char *summary, bool complete)
{
	struct outcome *o = ctx;

	o->run_end++;
	o->complete = complete;
	o->summary = json_loads(summary, 0, NULL);
	return 0;
}

static const struct replay_sink outcome_sink = {
	.sample = o_sample,
	.run_end = o_end,
};

static struct outcome run(const char *path, enum replay_mode mode, const char *setting,
			  const char *value, volatile int *stop)
{
	struct replay_opts opts;
	struct replay_result res;
	struct bs_error err = { .text = "" };
	struct outcome o = { .min_t = INT64_MAX, .max_t = INT64_MIN };

	replay_opts_init(&opts);
	opts.mode = mode;
	opts.paranoid = true;
	opts.stop = stop;
	if (setting)
		REQUIRE(replay_settings_set(&opts.settings, setting, value, NULL) == 0);
	o.ret = replay_run(path, &opts, &outcome_sink, &o, &res, &err);
	snprintf(o.err, sizeof(o.err), "%s", err.text);
	if (o.ret && getenv("HOSTILE_VERBOSE"))
		fprintf(stderr, "%s: %s\n", path, o.err);
	if (!o.ret)
		CHECK_EQ_U64(res.model_check_failures, 0);
	replay_result_release(&res);
	return o;
}

static uint64_t rejected(const struct outcome *o, const char *kind)
{
	json_t *k = json_object_get(json_object_get(o->summary, "records_rejected"), kind);

	return json_is_integer(k) ? (uint64_t)json_integer_value(k) : UINT64_MAX;
}

/* ---- 1. header fields ------------------------------------------------------------ */

static void expect_refused(const char *field, const char *value, const char *named)
{
	char path[512];
	struct tracefmt_writer *w = trace_create("hdr", field, value, path, sizeof(path));
	struct outcome o;

	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	o = run(path, REPLAY_SHADOW, NULL, NULL, NULL);
	CHECK(o.ret == -EINVAL);
	CHECK_STR_CONTAINS(o.err, path);
	CHECK_STR_CONTAINS(o.err, named);
	CHECK_EQ_U64(o.run_end, 0);
	/* what-if with --max-order changes the model's orders, not what the header says */
	o = run(path, REPLAY_WHATIF, "max-order", "11", NULL);
	CHECK(o.ret == -EINVAL);
	CHECK_STR_CONTAINS(o.err, named);
}

static void test_header(void)
{
	/* orders: the trace format holds 16; 2^32 + 11 must not become 11 */
	expect_refused("host.nr_page_orders", "0", "host.nr_page_orders");
	expect_refused("host.nr_page_orders", "-1", "host.nr_page_orders");
	expect_refused("host.nr_page_orders", "4294967307", "host.nr_page_orders");
	expect_refused("host.nr_page_orders", "\"11\"", "host.nr_page_orders");
	expect_refused("host.pageblock_order", "11", "host.pageblock_order");
	expect_refused("host.pageblock_order", "-1", "host.pageblock_order");
	/* cpus: no host has 0; x86-64 NR_CPUS is at most 8192 */
	expect_refused("host.cpus", "0", "host.cpus");
	expect_refused("host.cpus", "100000", "host.cpus");
	expect_refused("host.cpus", "-3", "host.cpus");
	/* zone spans: below 2^52 pfns, fewer than 2^31 pages, present <= spanned, managed <= present */
	expect_refused("zones[0].spanned", "-1", "zones[0].spanned");
	expect_refused("zones[0].spanned", "2147483648", "zones[0].spanned");
	expect_refused("zones[0].start_pfn", "4503599627370496", "zones[0].start_pfn");
	expect_refused("zones[0].start_pfn", "4503599627370000", "zones[0].spanned");
	expect_refused("zones[0].start_pfn", "-1", "zones[0].start_pfn");
	expect_refused("zones[0].present", "8193", "zones[0].present");
	expect_refused("zones[0].managed", "8193", "zones[0].managed");
	expect_refused("zones[0].node", "-1", "zones[0].node");
	/* watermarks and protection: pages, never negative, bounded by what zones hold */
	expect_refused("zones[0].min", "-1", "zones[0].min");
	expect_refused("zones[0].high", "9223372036854775807", "zones[0].high");
	expect_refused("zones[0].boost", "-5", "zones[0].boost");
	/* a zone holds fewer than 2^31 pages: a watermark of 2^33 is no host's */
	expect_refused("zones[0].low", "8589934592", "zones[0].low");
	expect_refused("zones[0].protection", "[0, 0, 137438953473]", "zones[0].protection[2]");
	expect_refused("zones[0].protection", "[0, 9223372036854775807]", "zones[0].protection[1]");
	expect_refused("zones[0].protection", "[-1]", "zones[0].protection[0]");
	expect_refused("sysctl.watermark_scale_factor", "-1", "sysctl.watermark_scale_factor");
	expect_refused("sysctl.watermark_scale_factor", "3001", "sysctl.watermark_scale_factor");
	expect_refused("sysctl.percpu_pagelist_high_fraction", "3",
		       "sysctl.percpu_pagelist_high_fraction");
	expect_refused("sysctl.min_free_kbytes", "-1", "sysctl.min_free_kbytes");
}

/* A host with more cpus than the model's 1024: accepted, folded, and said. */
static void test_many_cpus(void)
{
	char path[512];
	struct tracefmt_writer *w = trace_create("cpus", "host.cpus", "4096", path, sizeof(path));
	struct tracefmt_event ev = page_ev(TRACEFMT_PAGE_FREE, 1000, 4095, BASE + 5, 0);
	struct outcome o;
	char *notes;

	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	o = run(path, REPLAY_SHADOW, NULL, NULL, NULL);
	REQUIRE(o.ret == 0 && o.summary);
	CHECK_EQ_U64(rejected(&o, "cpu"), 0);
	CHECK_EQ_U64(json_integer_value(json_object_get(json_object_get(o.summary, "model"),
							"nr_cpus")), 1024);
	notes = json_dumps(json_object_get(o.summary, "notes"), 0);
	CHECK_STR_CONTAINS(notes, "4096 cpus");
	free(notes);
	json_decref(o.summary);
}

/* ---- 2. records --------------------------------------------------------------------- */

/*
 * The reader refuses what no record may hold (cpu >= 8192, a free of "no
 * page", order >= 16, a pfn above 2^52 - 1: the block is skipped whole);
 * replay refuses what this host could not produce (orders the header's 11
 * does not have, a block running past pfn 2^52, snapshot blocks outside the
 * zones). Each kind of refusal is checked here; the reader's in a block of
 * its own.
 */
static void test_records(enum replay_mode mode)
{
	char path[512];
	struct tracefmt_writer *w = trace_create("records", NULL, NULL, path, sizeof(path));
	const uint64_t snap_pfn[] = { BASE, 5, BASE + 1024, BASE + 8191 };
	const uint32_t snap_order[] = { 10, 0, 12, 1 };
	struct tracefmt_event ev;
	struct outcome o;

	/* one good block of four: pfn 5 is in no zone, order 12 the host lacks, and an
	 * order-1 block at the zone's last page runs past its end */
	snapshot(w, snap_pfn, snap_order, 4);
	/* orders 11..15 fit a record, not this host */
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 1003, 0, BASE, 12);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_FREE, 1004, 1, BASE, 15);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_ALLOC_EXTFRAG, 1006, 0, BASE, 0);
	ev.u.extfrag.fallback_order = 13;
	put(w, &ev);
	/* pfn: the block reaches past 2^52 */
	ev = page_ev(TRACEFMT_PAGE_PCPU_DRAIN, 1009, 0, (1ull << 52) - 1, 1);
	put(w, &ev);
	/*
	 * accepted: cpus 2 and 8191 (the header's 2 counts online cpus, whose
	 * ids may be sparse), a failed allocation, an allocation outside the
	 * zones (a contradiction)
	 */
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 1010, 2, BASE + 32, 0);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_FREE, 1010, 8191, BASE + 32, 0);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 1010, 1, TRACEFMT_PFN_NONE, 10);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 1011, 0, 5, 0);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 1012, 0, BASE, 0);
	put(w, &ev);
	REQUIRE(tracefmt_writer_flush(w) == 0);
	/* the reader's refusals: this block is skipped whole and said */
	ev = page_ev(TRACEFMT_PAGE_ALLOC, 2000, 0xffffffffu, BASE, 0);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_FREE, 2001, 0, TRACEFMT_PFN_NONE, 0);
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_FREE, 2002, 0, BASE, 99);
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	o = run(path, mode, NULL, NULL, NULL);
	CHECK(o.ret == 0);
	REQUIRE(o.summary);
	CHECK(o.complete);
	CHECK_EQ_U64(rejected(&o, "cpu"), 0);
	CHECK_EQ_U64(rejected(&o, "order"), 3);
	CHECK_EQ_U64(rejected(&o, "pfn"), 1);
	CHECK_EQ_U64(rejected(&o, "snapshot_block"), 3);
	CHECK_EQ_U64(json_integer_value(json_object_get(o.summary, "events")), 5);
	CHECK(json_integer_value(json_object_get(o.summary, "blocks_corrupt")) >= 1);
	CHECK_EQ_U64(json_integer_value(json_object_get(json_object_get(o.summary, "start"),
							"blocks_seeded")), 1);
	json_decref(o.summary);
}

/* Checkpoint counts of 2^31 and 2^32 - 1 lay out what fits and count the rest. */
static void test_checkpoint_counts(void)
{
	char path[512];
	struct tracefmt_writer *w = trace_create("ckpt", NULL, NULL, path, sizeof(path));
	struct tracefmt_event ev;
	struct outcome o;
	uint64_t seeded, unplaced;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_CHECKPOINT;
	ev.ts_ns = 100;
	ev.u.checkpoint.seq = 1;
	snprintf(ev.u.checkpoint.zone, sizeof(ev.u.checkpoint.zone), "Normal");
	ev.u.checkpoint.nr_orders = 11;
	ev.u.checkpoint.nr_mt = 5;
	ev.u.checkpoint.free_blocks[0][1] = 0x80000000u;
	ev.u.checkpoint.free_blocks[3][1] = 0xffffffffu;
	ev.u.checkpoint.free_blocks[10][1] = 0xffffffffu;
	put(w, &ev);
	ev = page_ev(TRACEFMT_PAGE_FREE, 1000, 0, BASE, 0);
	put(w, &ev);
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);

	o = run(path, REPLAY_SHADOW, NULL, NULL, NULL);
	CHECK(o.ret == 0);
	REQUIRE(o.summary);
	seeded = (uint64_t)json_integer_value(json_object_get(json_object_get(o.summary, "start"),
							      "blocks_seeded"));
	unplaced = (uint64_t)json_integer_value(json_object_get(json_object_get(o.summary, "start"),
								"blocks_unplaced"));
	/* 8192 pages: every block is placed or counted unplaced, none twice */
	CHECK_EQ_U64(seeded + unplaced, 0x80000000ull + 0xffffffffull + 0xffffffffull);
	/* the zone holds 8 order-10 blocks: all of it goes to them */
	CHECK_EQ_U64(seeded, 8);
	json_decref(o.summary);
}

/* Timestamps up to INT64_MAX: sample times stay in int64 and never go backwards. */
static void test_timestamps(enum replay_mode mode)
{
	char path[512];
	struct tracefmt_writer *w = trace_create("ts", NULL, NULL, path, sizeof(path));
	/* the reader refuses times above INT64_MAX */
	const uint64_t ts[] = { 1000, 1ull << 62, (1ull << 63) - 2, (1ull << 63) - 1 };
	struct outcome o;

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		struct tracefmt_event ev = page_ev(i & 1 ? TRACEFMT_PAGE_FREE : TRACEFMT_PAGE_ALLOC,
						   ts[i], 0, BASE + 16 * i, 0);

		put(w, &ev);
	}
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
	o = run(path, mode, NULL, NULL, NULL);
	CHECK(o.ret == 0);
	CHECK(o.complete);
	CHECK(o.min_t >= 0);
	CHECK(o.max_t == INT64_MAX - 1000); /* the last event is 2^63 - 1001 ns after the first */
	json_decref(o.summary);
}

/* ---- 3. stop requests ---------------------------------------------------------------- */

/* A snapshot walk that never ends: the prescan reads the whole file. */
static void write_long_trace(char *path, size_t len, uint64_t n)
{
	struct tracefmt_writer *w = trace_create("long", NULL, NULL, path, len);
	struct tracefmt_event ev;

	snapshot_begin(w);
	for (uint64_t i = 0; i < n; i++) {
		ev = page_ev(i & 1 ? TRACEFMT_PAGE_FREE : TRACEFMT_PAGE_ALLOC, 1000 + i, 0,
			     BASE + (i / 2) % ZONE_PAGES, 0);
		put(w, &ev);
	}
	REQUIRE(tracefmt_writer_close(w, NULL) == 0);
}

static volatile int stop_flag;

static void *set_stop(void *arg)
{
	(void)arg;
	stop_flag = 1;
	return NULL;
}

/* run_begin comes after the prescan and the start state: another thread stops the run there */
static int stop_at_begin(void *ctx, const struct replay_run_info *info)
{
	pthread_t th;

	(void)ctx;
	(void)info;
	REQUIRE(pthread_create(&th, NULL, set_stop, NULL) == 0);
	pthread_join(th, NULL);
	return 0;
}

static void test_stop(void)
{
	char path[512];
	struct replay_sink sink = outcome_sink;
	struct replay_opts opts;
	struct replay_result res;
	struct outcome o = { .min_t = INT64_MAX, .max_t = INT64_MIN };

	write_long_trace(path, sizeof(path), 100000);
	/* a stop before the first record: the run is stored, empty and interrupted */
	stop_flag = 1;
	o = run(path, REPLAY_SHADOW, NULL, NULL, &stop_flag);
	CHECK(o.ret == 0);
	CHECK_EQ_U64(o.run_end, 1);
	CHECK(!o.complete);
	CHECK(o.summary && json_is_false(json_object_get(o.summary, "complete")));
	CHECK_EQ_U64(json_integer_value(json_object_get(o.summary, "events")), 0);
	json_decref(o.summary);
	/* a stop from another thread once the run has started: the next record ends it */
	stop_flag = 0;
	memset(&o, 0, sizeof(o));
	sink.run_begin = stop_at_begin;
	replay_opts_init(&opts);
	opts.mode = REPLAY_WHATIF;
	opts.stop = &stop_flag;
	CHECK(replay_run(path, &opts, &sink, &o, &res, NULL) == 0);
	CHECK_EQ_U64(o.run_end, 1);
	CHECK(!o.complete && !res.complete);
	CHECK_EQ_U64(res.events, 0);
	replay_result_release(&res);
	json_decref(o.summary);
}

/*
 * A real SIGTERM, from another process: a child replays with a handler that
 * sets the stop flag (as the CLI's does); its run_begin tells the parent it
 * runs and waits for a byte the parent writes only after kill() returned,
 * so the signal is pending before the child goes on. The child exits 0 when
 * its run ended stored as interrupted.
 */
static volatile int term_flag;
static int ready_fd, go_fd;

static void on_term(int sig)
{
	(void)sig;
	term_flag = 1;
}

static int wait_for_parent(void *ctx, const struct replay_run_info *info)
{
	char c = 'r';

	(void)ctx;
	(void)info;
	if (write(ready_fd, &c, 1) != 1)
		return -EIO;
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	return 0;
}

static void test_sigterm(void)
{
	char path[512], c;
	int up[2], down[2], status = -1;
	pid_t pid;

	write_long_trace(path, sizeof(path), 100000);
	REQUIRE(pipe(up) == 0 && pipe(down) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (!pid) {
		struct sigaction sa;
		struct replay_sink sink = outcome_sink;
		struct replay_opts opts;
		struct replay_result res;
		struct outcome o = { 0 };

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		ready_fd = up[1];
		go_fd = down[0];
		sink.run_begin = wait_for_parent;
		replay_opts_init(&opts);
		opts.stop = &term_flag;
		if (replay_run(path, &opts, &sink, &o, &res, NULL))
			_exit(2);
		_exit(o.run_end == 1 && !o.complete && !res.complete && res.events == 0 ? 0 : 1);
	}
	REQUIRE(read(up[0], &c, 1) == 1);
	REQUIRE(kill(pid, SIGTERM) == 0);
	REQUIRE(write(down[1], "g", 1) == 1);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

/* ---- 4. the reorder window --------------------------------------------------------------- */

struct keyed {
	uint64_t ts, idx;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * With a window as long as the input, the output is the input stably sorted
 * by timestamp (qsort on (ts, arrival index) is the independent reference).
 * Inputs: in order, ten concatenated copies, random with many equal times.
 */
static void test_reorder_order(void)
{
	enum { N = 5000 };
	static struct keyed ref[N];
	struct reorder r;
	uint32_t rng = 99;

	for (int kind = 0; kind < 3; kind++) {
		uint64_t i, bad = 0;

		REQUIRE(replay_reorder_init(&r, N) == 0);
		for (i = 0; i < N; i++) {
			struct reorder_event e;

			memset(&e, 0, sizeof(e));
			rng = rng * 1103515245u + 12345u;
			e.ts = kind == 0 ? i : kind == 1 ? i % (N / 10) : (rng >> 16) % 97;
			e.pfn = i;
			ref[i].ts = e.ts;
			ref[i].idx = i;
			replay_reorder_push(&r, &e);
		}
		qsort(ref, N, sizeof(ref[0]), keyed_cmp);
		for (i = 0; i < N; i++) {
			struct reorder_event e;

			REQUIRE(replay_reorder_pop(&r, &e) == 0);
			bad += e.pfn != ref[i].idx;
		}
		CHECK_EQ_U64(bad, 0);
		CHECK(replay_reorder_pop(&r, &(struct reorder_event){ 0 }) == -ENOENT);
		replay_reorder_release(&r);
	}
}

static void test_records_shadow(void)
{
	test_records(REPLAY_SHADOW);
}

static void test_records_whatif(void)
{
	test_records(REPLAY_WHATIF);
}

static void test_timestamps_shadow(void)
{
	test_timestamps(REPLAY_SHADOW);
}

static void test_timestamps_whatif(void)
{
	test_timestamps(REPLAY_WHATIF);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_header),
	HARNESS_CASE(test_many_cpus),
	HARNESS_CASE(test_records_shadow),
	HARNESS_CASE(test_records_whatif),
	HARNESS_CASE(test_checkpoint_counts),
	HARNESS_CASE(test_timestamps_shadow),
	HARNESS_CASE(test_timestamps_whatif),
	HARNESS_CASE(test_stop),
	HARNESS_CASE(test_sigterm),
	HARNESS_CASE(test_reorder_order),
};

HARNESS_MAIN_TMPDIR(cases, dir)
