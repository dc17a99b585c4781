// SPDX-License-Identifier: MIT
/*
 * What-if reclaim and compaction through replay, on small ftrace text
 * traces imported here (tracefmt_import(), traces/textin.c) into one
 * 8192-page Normal zone at BASE that starts all free (no snapshot: the boot
 * state). Every expected count is worked out in the comments from
 * spec/page-allocator.md 5.1/5.2 and model/KERNEL-FACTS.md "Reclaim" and
 * "Compaction"; the text summary must show the effect.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "replay.h"
#include "tracefmt.h"

#define BASE 1048576ull
#define ZONE_PAGES 8192ull

/* Recorded marks 4/5/6, boosting off, pcp high 0 / batch 1 (every refill one block). */
static const char header[] =
	"{\"format\":\"buddyscope-trace\",\"source\":\"test\","
	"\"host\":{\"hostname\":\"t\",\"kernel_release\":\"6.18.44\",\"cpus\":1,"
	"\"pageblock_order\":9,\"nr_page_orders\":11,\"migratetypes\":"
	"[\"Unmovable\",\"Movable\",\"Reclaimable\",\"HighAtomic\",\"Isolate\"]},"
	"\"sysctl\":{\"min_free_kbytes\":128,\"watermark_scale_factor\":10,"
	"\"watermark_boost_factor\":0,\"percpu_pagelist_high_fraction\":0,"
	"\"lowmem_reserve_ratio\":[256,256,32,0,0]},"
	"\"zones\":[{\"node\":0,\"name\":\"Normal\",\"start_pfn\":1048576,\"spanned\":8192,"
	"\"present\":8192,\"managed\":8192,\"nr_free_pages\":8192,\"min\":4,\"low\":5,"
	"\"high\":6,\"promo\":7,\"boost\":0,\"protection\":[0,0,0,0,0],"
	"\"pcp\":[{\"cpu\":0,\"count\":0,\"high\":0,\"batch\":1,\"high_min\":0,"
	"\"high_max\":0}]}]}";

/* A page event of @task ("comm-pid") at @t seconds. */
static void task_line(FILE *f, const char *task, double t, const char *ev, uint64_t pfn,
		      unsigned int order)
{
	fprintf(f, "%16s     [000] .....  %.6f: %s: page=0000000000000000 "
		"pfn=0x%llx order=%u", task, t, ev, (unsigned long long)pfn, order);
	if (!strcmp(ev, "mm_page_alloc"))
		fprintf(f, " migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE");
	fprintf(f, "\n");
}

static void line(FILE *f, double t, const char *ev, uint64_t pfn, unsigned int order)
{
	task_line(f, "stress-100", t, ev, pfn, order);
}

/* Import the text @txt into @bst, with the trace header @hdr (NULL: header). */
static void import_with(const char *txt, const char *bst, const char *hdr)
{
	struct tracefmt_import_stats st;
	struct bs_error err;

	if (!hdr)
		hdr = header;
	if (tracefmt_import(TRACEFMT_IMPORT_FTRACE, txt, bst, hdr, strlen(hdr), NULL, &st,
			    &err)) {
		fprintf(stderr, "import: %s\n", err.text);
		exit(1);
	}
	REQUIRE(st.bad_lines == 0);
}

static void import(const char *txt, const char *bst)
{
	import_with(txt, bst, NULL);
}

/* Open @dir/@name.txt for writing; @txt and @bst get the text and trace paths. */
static FILE *text_open(const char *dir, const char *name, char txt[512], char bst[512])
{
	FILE *f;

	snprintf(txt, 512, "%s/%s.txt", dir, name);
	snprintf(bst, 512, "%s/%s.bst", dir, name);
	f = fopen(txt, "w");
	REQUIRE(f);
	return f;
}

/* The reclaim and compaction counters the sink was given over time (the store's counters rows). */
#define MAX_ROWS 64
struct rows {
	size_t n;
	struct {
		int64_t t_ns;
		char name[40];
		int64_t value;
	} row[MAX_ROWS];
};

static int rows_counters(void *ctx, int64_t t, const char *const *names, const int64_t *values,
			 size_t n)
{
	struct rows *r = ctx;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "model.kswapd_runs") && strcmp(names[i], "model.pages_reclaimed") &&
		    strncmp(names[i], "model.compaction_runs", 21) &&
		    strcmp(names[i], "model.pages_migrated"))
			continue;
		REQUIRE(r->n < MAX_ROWS);
		r->row[r->n].t_ns = t;
		snprintf(r->row[r->n].name, sizeof(r->row[r->n].name), "%s", names[i]);
		r->row[r->n++].value = values[i];
	}
	return 0;
}

static const struct replay_sink rows_sink = { .counters = rows_counters };

/* The value of counter @name at sample time @t_ns; -2 when no row says. */
static int64_t row_at(const struct rows *r, const char *name, int64_t t_ns)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->row[i].t_ns == t_ns && !strcmp(r->row[i].name, name))
			return r->row[i].value;
	return -2;
}

/* Replay @bst in what-if mode with settings @kv; @r (may be NULL) gets the counters over time, a sample every @sample_ns. */
static json_t *run_rows(const char *bst, const char *const *kv, char **text, struct rows *r,
			uint64_t sample_ns)
{
	struct replay_opts o;
	struct replay_result res;
	struct bs_error err;
	json_t *j;

	replay_opts_init(&o);
	o.mode = REPLAY_WHATIF;
	o.paranoid = true;
	o.sample_interval_ns = sample_ns;
	for (; kv && kv[0]; kv += 2)
		REQUIRE(replay_settings_set(&o.settings, kv[0], kv[1], &err) == 0);
	if (r)
		memset(r, 0, sizeof(*r));
	if (replay_run(bst, &o, r ? &rows_sink : NULL, r, &res, &err)) {
		fprintf(stderr, "replay: %s\n", err.text);
		exit(1);
	}
	j = json_loads(res.summary_json, 0, NULL);
	REQUIRE(j);
	*text = replay_summary_text(res.summary_json);
	REQUIRE(*text);
	replay_result_release(&res);
	return j;
}

static json_t *run(const char *bst, const char *const *kv, char **text)
{
	return run_rows(bst, kv, text, NULL, 0);
}

static uint64_t ju(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return (uint64_t)json_integer_value(v);
}

/*
 * kswapd under a raised min_free_kbytes. 193 order-4 GFP_HIGHUSER_MOVABLE
 * allocations (no pcp for order 4; the model places them ascending from
 * BASE, 16 pages each), then all freed.
 * --min-free-kbytes 16384 (spec 5.1/5.2): MIN = 16384/4 = 4096 pages (the
 * only zone), gap = max(4096/4, 8192 x 10/10000) = 1024, LOW 5120, HIGH
 * 6144; THP's recommendation (capped at 5 % of 8192 pages, 1636 kB) is
 * smaller, so it stays. Allocation k + 1 passes LOW while
 * 8192 - 16k - 15 > 5120, i.e. k <= 191: the 193rd fails LOW, wakes kswapd
 * (5120 - 15 <= 6144: not balanced) and is served at MIN. kswapd then
 * reclaims 32 pages (two allocations) a step, oldest first; after the first
 * step (32 >= compact_gap(4) = 32) it balances at order 0: free
 * 8192 - 193 x 16 = 5104, 5104 + 32j > 6144 needs j = 33: 1056 pages, the
 * first 66 allocations, whose 66 frees in the trace are then skipped.
 * kcompactd, woken at order 4 when kswapd sleeps, finds order 4 passing
 * MIN: no compaction. The baseline (recorded marks 4/5/6) never wakes
 * kswapd.
 */
static void test_min_free_kbytes_reclaim(const char *dir)
{
	static const char *const raise[] = { "min-free-kbytes", "16384", NULL };
	char txt[512], bst[512], *text;
	json_t *j, *r, *z;
	FILE *f;

	f = text_open(dir, "reclaim", txt, bst);
	for (unsigned int i = 0; i < 193; i++)
		line(f, 0.1 + i * 1e-5, "mm_page_alloc", BASE + 16ull * i, 4);
	for (unsigned int i = 0; i < 193; i++)
		line(f, 0.2 + i * 1e-5, "mm_page_free", BASE + 16ull * i, 4);
	fclose(f);
	import(txt, bst);

	j = run(bst, NULL, &text);
	r = json_object_get(j, "reclaim_compaction");
	CHECK(json_is_true(json_object_get(r, "reclaim")));
	CHECK_EQ_U64(ju(r, "kswapd_runs", NULL), 0);
	CHECK_EQ_U64(ju(r, "kswapd_reclaimed_pages", NULL), 0);
	CHECK_STR_CONTAINS(text, "reclaim: kswapd runs 0 (pages reclaimed 0)");
	json_decref(j);
	free(text);

	j = run(bst, raise, &text);
	z = json_array_get(json_object_get(j, "zones"), 0);
	CHECK_EQ_U64(ju(z, "min", NULL), 4096);
	CHECK_EQ_U64(ju(z, "low", NULL), 5120);
	CHECK_EQ_U64(ju(z, "high", NULL), 6144);
	r = json_object_get(j, "reclaim_compaction");
	CHECK_EQ_U64(ju(r, "kswapd_runs", NULL), 1);
	CHECK_EQ_U64(ju(r, "kswapd_reclaimed_pages", NULL), 1056);
	CHECK_EQ_U64(ju(r, "direct_reclaimed_pages", NULL), 0);
	CHECK_EQ_U64(ju(r, "allocations_would_fail", NULL), 0);
	CHECK_EQ_U64(ju(r, "frees_of_reclaimed_pages", NULL), 66);
	CHECK_EQ_U64(ju(r, "pages_migrated", NULL), 0);
	CHECK_EQ_U64(ju(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(ju(j, "model_check", "failures"), 0);
	CHECK_STR_CONTAINS(text, "reclaim: kswapd runs 1 (pages reclaimed 1056)");
	CHECK_STR_CONTAINS(text, "trace frees of reclaimed pages skipped: 66");
	json_decref(j);
	free(text);

	/*
	 * Over time, a sample every 1 ms from the first event (time 0): a
	 * sample at time S is taken when the first event at or after S
	 * arrives, before it is applied. Allocation k (from 0) is at
	 * k x 10 us, so the 1 ms sample sees allocations 0..99 (no kswapd:
	 * the 193rd, at 1.92 ms, is the first to fail LOW); the 2 ms sample,
	 * taken at the first free (100 ms), sees the whole kswapd run.
	 */
	{
		struct rows *rw = calloc(1, sizeof(*rw));

		REQUIRE(rw);
		j = run_rows(bst, raise, &text, rw, 1000000);
		CHECK_EQ_U64(row_at(rw, "model.kswapd_runs", 1000000), 0);
		CHECK_EQ_U64(row_at(rw, "model.pages_reclaimed", 1000000), 0);
		CHECK_EQ_U64(row_at(rw, "model.kswapd_runs", 2000000), 1);
		CHECK_EQ_U64(row_at(rw, "model.pages_reclaimed", 2000000), 1056);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs", 2000000), 0);
		json_decref(j);
		free(text);
		free(rw);
	}
}

/*
 * --compact-at: compaction of all memory at a chosen trace time (Models:
 * mm/compaction.c compact_node(); the scanner rules of KERNEL-FACTS.md).
 * 8192 order-0 allocations fill the zone (pcp batch 1: ascending, so the
 * model's pfn is the kernel's, BASE + i); reclaim is off so the last ones
 * are merely served below MIN. Then everything is freed but BASE+5,
 * BASE+6, BASE+100 (pageblock B0) and all of B15 (BASE+7680..) except
 * BASE+7700 and the order-2 block BASE+8184..8187. Free blocks then:
 * B1 order 9, BASE+1024 .. BASE+7167 six order-10 blocks, B14 order 9:
 * 6 x 2 + 2 = 14 pageblocks' worth. At 0.3 s after the first event the
 * migrate scanner takes S+5, S+6, S+100 from B0; the free scanner starts
 * in B15 and takes BASE+7700, then the order-2 block (5 >= 3), handing
 * them out highest first: S+100 -> BASE+8187, S+6 -> BASE+8186, S+5 ->
 * BASE+8185; BASE+8184 and BASE+7700 go back. B0 is then free and merges
 * with B1: 7 order-10 blocks and B14: 15 pageblocks' worth. The three
 * pages' frees afterwards follow them to their new pfns: no contradiction.
 * Pageblock-order free blocks: 16 at boot, none while the zone is full,
 * 15 at the end.
 */
static void test_compact_at(const char *dir)
{
	static const char *const kv[] = { "compact-at", "0.3", "reclaim", "0", NULL };
	char txt[512], bst[512], *text;
	json_t *j, *r, *hb;
	FILE *f;

	f = text_open(dir, "compact", txt, bst);
	for (uint64_t i = 0; i < ZONE_PAGES; i++)
		line(f, 0.1 + (double)i * 1e-6, "mm_page_alloc", BASE + i, 0);
	for (uint64_t i = 0; i < ZONE_PAGES; i++) {
		bool keep = i == 5 || i == 6 || i == 100 ||
			    (i >= 7680 && i != 7700 && (i < 8184 || i > 8187));

		if (!keep)
			line(f, 0.2 + (double)i * 1e-6, "mm_page_free", BASE + i, 0);
	}
	line(f, 0.45, "mm_page_free", BASE + 5, 0);
	line(f, 0.45001, "mm_page_free", BASE + 6, 0);
	line(f, 0.45002, "mm_page_free", BASE + 100, 0);
	fclose(f);
	import(txt, bst);

	j = run(bst, kv, &text);
	r = json_object_get(j, "reclaim_compaction");
	CHECK(json_is_true(json_object_get(json_object_get(r, "compact_at"), "done")));
	CHECK_EQ_U64(ju(r, "compact_at", "pages_migrated"), 3);
	CHECK_EQ_U64(ju(r, "compaction_runs", "explicit"), 1);
	CHECK_EQ_U64(ju(r, "pages_migrated", NULL), 3);
	CHECK_EQ_U64(ju(r, "migrations_remapped", NULL), 3);
	hb = json_object_get(r, "free_pageblock_blocks");
	CHECK_EQ_U64(ju(hb, "order", NULL), 9);
	CHECK_EQ_U64(ju(hb, "start", NULL), 16);	/* boot: 8 order-10 blocks */
	CHECK_EQ_U64(ju(hb, "min", NULL), 0);	/* the zone full, at the 0.2 s sample */
	CHECK_EQ_U64(ju(hb, "end", NULL), 15);	/* the three frees refill B15's order-2 block */
	CHECK_EQ_U64(ju(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(ju(j, "model_check", "failures"), 0);
	CHECK_STR_CONTAINS(text, "compact_memory at 0.300 s: 3 pages migrated");
	json_decref(j);
	free(text);

	/*
	 * Over time, a sample every 100 ms from the first event (0.1 s in the
	 * trace: time 0). The 100 ms sample is taken at the first free (0.2 s),
	 * the 200 ms one at the free at 0.45 s (time 350 ms; the samples it
	 * skipped are not repeated), before the compaction that free's time
	 * triggers; the last sample, at the last event (time 350.02 ms), shows
	 * the one explicit run and its 3 pages.
	 */
	{
		struct rows *rw = calloc(1, sizeof(*rw));

		REQUIRE(rw);
		j = run_rows(bst, kv, &text, rw, 100000000);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs", 100000000), 0);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs", 200000000), 0);
		CHECK_EQ_U64(row_at(rw, "model.pages_migrated", 200000000), 0);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs", 350020000), 1);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs_explicit", 350020000), 1);
		CHECK_EQ_U64(row_at(rw, "model.compaction_runs_direct", 350020000), 0);
		CHECK_EQ_U64(row_at(rw, "model.pages_migrated", 350020000), 3);
		CHECK_EQ_U64(row_at(rw, "model.pages_migrated", 300000000), -2); /* no sample then */
		json_decref(j);
		free(text);
		free(rw);
	}
}

/* header with min_free_kbytes 4096 and its marks (spec 5.1/5.2): MIN 1024, gap max(256, 8), LOW 1280, HIGH 1536. */
static char *header_min_free_4096(void)
{
	static const char *const from[] = { "\"min_free_kbytes\":128", "\"min\":4,\"low\":5,",
					    "\"high\":6," };
	static const char *const to[] = { "\"min_free_kbytes\":4096", "\"min\":1024,\"low\":1280,",
					  "\"high\":1536," };
	char *h = malloc(sizeof(header) + 64), *p;

	REQUIRE(h);
	strcpy(h, header);
	for (unsigned int i = 0; i < 3; i++) {
		size_t nf = strlen(from[i]), nt = strlen(to[i]);

		p = strstr(h, from[i]);
		REQUIRE(p);
		memmove(p + nt, p + nf, strlen(p + nf) + 1);
		memcpy(p, to[i], nt);
	}
	return h;
}

/*
 * The what-if of test_trace_kswapd_credit()'s trace: @runs model kswapd
 * runs reclaiming @model_pages, @held of them at the window's end with its
 * 320 pages as credit, the trace's 320 kswapd pages, @skipped frees of
 * reclaimed allocations, no contradiction.
 */
static void check_trace_reclaim(json_t *j, uint64_t runs, uint64_t model_pages, uint64_t held,
				uint64_t credited, uint64_t skipped)
{
	json_t *r = json_object_get(j, "reclaim_compaction"), *t = json_object_get(r, "trace_reclaim");

	CHECK_EQ_U64(ju(r, "kswapd_runs", NULL), runs);
	CHECK_EQ_U64(ju(r, "kswapd_reclaimed_pages", NULL), model_pages);
	CHECK_EQ_U64(ju(t, "kswapd_windows", NULL), 1);
	CHECK_EQ_U64(ju(t, "kswapd_freed_pages", NULL), 320);
	CHECK_EQ_U64(ju(t, "kswapd_held_runs", NULL), held);
	CHECK_EQ_U64(ju(t, "kswapd_credited_pages", NULL), credited);
	CHECK_EQ_U64(ju(t, "reclaimed_pages_total", NULL), 320 + model_pages);
	CHECK_EQ_U64(ju(r, "frees_of_reclaimed_pages", NULL), skipped);
	CHECK_EQ_U64(ju(j, "contradictions", "total"), 0);
	CHECK_EQ_U64(ju(j, "model_check", "failures"), 0);
}

/*
 * The trace's own kswapd reclaim in a what-if (replay/reclaim.c "What-if").
 * Host: min_free_kbytes 4096, marks 1024/1280/1536. 433 order-4 movable
 * allocations (no pcp at order 4: the model's pfns are the kernel's,
 * BASE + 16i, and its free counts the kernel's). Allocation i passes LOW
 * while 8192 - 16i - 15 > 1280, i.e. i <= 431: the 433rd (i = 432) fails
 * LOW and wakes kswapd; the trace shows mm_vmscan_wakeup_kswapd before it,
 * then kswapd0 (pid 88) waking, freeing allocations 400..419 (not the
 * oldest: the kernel's LRU is not the model's; 320 pages) and sleeping.
 * Then every other allocation is freed.
 * - Host settings: the model's wake at i = 432 waits for the trace's
 *   kswapd; at its sleep the run counts the 320 pages as reclaimed:
 *   compact_gap(4) = 32 <= 320 drops the order to 0, and 8192 - 433 x 16
 *   + 320 = 1584 > HIGH 1536: balanced, nothing more. One run, 0 pages
 *   reclaimed by the model, 320 in all - what the trace did (a model that
 *   reclaimed at the wake would take 9 steps of 32 (1264 + 288 > 1536)
 *   and reclaim 608 in all with the trace's 320).
 * - --min-free-kbytes 6144: MIN 1536, gap 384, LOW 1920, HIGH 2304. The
 *   LOW check fails first at i = 392 (8192 - 6272 - 15 = 1905 <= 1920),
 *   with no trace window open: the model's kswapd runs at once, 13 steps
 *   of 32 (1904 + 416 > 2304), the 26 oldest allocations. Free 2320:
 *   i = 393..417 pass (2320 - 16m - 15 > 1920 for m <= 24), i = 418 fails
 *   (1920 - 15) and the same run takes allocations 26..51: 832 pages in 2
 *   runs. The trace's window (i = 432 passes LOW at 2112 - 15) records no
 *   wake: its 320 pages are not credited. In all 832 + 320 = 1152, more
 *   than the host's 320; the 52 reclaimed allocations' frees are skipped.
 */
static void test_trace_kswapd_credit(const char *dir)
{
	static const char *const raise[] = { "min-free-kbytes", "6144", NULL };
	char txt[512], bst[512], *text, *hdr = header_min_free_4096();
	json_t *j;
	FILE *f;

	f = text_open(dir, "kswapd-credit", txt, bst);
	for (unsigned int i = 0; i < 432; i++)
		line(f, 0.1 + i * 1e-5, "mm_page_alloc", BASE + 16ull * i, 4);
	fprintf(f, "      stress-100     [000] .....  0.110000: mm_vmscan_wakeup_kswapd: nid=0 "
		"order=4 gfp_flags=GFP_HIGHUSER_MOVABLE\n");
	line(f, 0.110001, "mm_page_alloc", BASE + 16ull * 432, 4);
	fprintf(f, "       kswapd0-88      [000] .....  0.110002: mm_vmscan_kswapd_wake: nid=0 "
		"order=4\n");
	for (unsigned int i = 400; i < 420; i++)
		task_line(f, "kswapd0-88", 0.111 + i * 1e-6, "mm_page_free", BASE + 16ull * i, 4);
	fprintf(f, "       kswapd0-88      [000] .....  0.112000: mm_vmscan_kswapd_sleep: nid=0\n");
	for (unsigned int i = 0; i < 433; i++)
		if (i < 400 || i >= 420)
			line(f, 0.2 + i * 1e-5, "mm_page_free", BASE + 16ull * i, 4);
	fclose(f);
	import_with(txt, bst, hdr);
	free(hdr);

	j = run(bst, NULL, &text);
	check_trace_reclaim(j, 1, 0, 1, 320, 0);
	CHECK_STR_CONTAINS(text, "reclaim in the trace (applied as its frees): kswapd 320 pages in 1 "
			   "windows");
	CHECK_STR_CONTAINS(text, "reclaimed in all (trace + model) 320 pages");
	json_decref(j);
	free(text);

	j = run(bst, raise, &text);
	check_trace_reclaim(j, 2, 832, 0, 0, 52);
	CHECK_STR_CONTAINS(text, "reclaim: kswapd runs 2 (pages reclaimed 832)");
	json_decref(j);
	free(text);
}

int main(void)
{
	char dir[] = "/tmp/bs-replay-pressure-XXXXXX";

	REQUIRE(mkdtemp(dir));
	test_min_free_kbytes_reclaim(dir);
	test_compact_at(dir);
	test_trace_kswapd_credit(dir);
	return harness_finish_in(dir);
}
