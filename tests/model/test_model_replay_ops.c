/* SPDX-License-Identifier: MIT */
/*
 * Hand-worked tests of the operations shadow and what-if replay call to
 * follow kernel behaviour the kmem tracepoints do not show: free page
 * reporting passes, direct-to-buddy frees, watermark boost steps and
 * re-anchoring, HIGHATOMIC learning, zone state from a checkpoint, memory
 * hotplug recomputation and the LLC-based PCPF_FREE_HIGH_BATCH. Each test
 * cites the fact it checks (model/KERNEL-FACTS.md or spec section); every
 * expected pfn and count is derived in the comment from that fact, never
 * from running the model.
 */
#include <errno.h>

#include "model_test_util.h"


/* @c (set up by the caller) plus one NORMAL zone of @pages at @start_pfn, as a model; every page free if @populate. */
static struct model *normal_zone_model(struct model_config *c, uint64_t start_pfn, uint64_t pages,
				       bool populate)
{
	struct model *m;

	model_config_add_zone(c, 0, MODEL_ZONE_NORMAL, start_pfn, pages);
	m = model_create(c);
	REQUIRE(m);
	if (populate)
		REQUIRE(model_populate(m) == 0);
	return m;
}

/* A NORMAL zone of @pages at NORMAL_START, reporting order @ro, nothing free. */
static struct model *reporting_zone(enum model_profile p, uint64_t pages, unsigned int ro)
{
	struct model_config c;

	base_config(&c, p);
	c.page_reporting_order = ro;
	return normal_zone_model(&c, NORMAL_START, pages, false);
}

static bool reported(const struct model *m, uint64_t pfn)
{
	struct model_pfn_state st;

	REQUIRE(model_pfn_state_get(m, pfn, &st) == 0);
	return st.kind == MODEL_PFN_FREE_BUDDY && st.head_pfn == pfn && st.reported;
}

/*
 * KERNEL-FACTS "Free page reporting" (page_reporting_process_zone /
 * _cycle / _drain, __isolate_free_page): 65536 pages, populated, so 64
 * order-10 MOVABLE blocks B0..B63 (B_i = P + 1024 i) in ascending order
 * (boot frees at the tail). min_free_kbytes 128: MIN 32, LOW 32 + 65 = 97.
 * The zone passes LOW + 32 << 9 = 16481. Order 9 lists are empty. Order
 * 10 MOVABLE: budget ceil(64 / 512) = 1. B0..B31 are isolated into the
 * scatterlist (each leaves free > MIN + 1024); at B32 (already first) the
 * 32 are reported and put back at the tail, last isolated first: B31,
 * B30, .., B0; budget 0. The walk restarts at the head B32: B32..B63 are
 * isolated, B31..B0 skipped as reported, the list ends. The zone's last
 * scatterlist is reported and put back B63 first .. B32. Final list:
 * B31 .. B0, B63 .. B32, all reported, 2 report calls, state IDLE.
 */
static void test_reporting_pass(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 65536, 9);
	struct model_report_result rr;
	uint64_t l[64];
	int k = 0;

	REQUIRE(model_populate(m) == 0);
	/* boot frees of order 10 >= 9 request reporting (page_reporting_notify_free) */
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_REQUESTED);
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.zones_processed, 1);
	CHECK_EQ_U64(rr.nr_reports, 2);
	CHECK_EQ_U64(rr.blocks_reported, 64);
	CHECK_EQ_U64(rr.pages_reported, 64 * 1024);
	CHECK_EQ_U64(rr.isolate_failed, 0);
	CHECK(!rr.budget_exhausted);
	CHECK(!rr.requested);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_IDLE);
	REQUIRE(model_free_list_get(m, 0, 10, MODEL_MT_MOVABLE, l, 64) == 64);
	for (int i = 31; i >= 0; i--)
		CHECK_EQ_U64(l[k++], P + (uint64_t)i * 1024);
	for (int i = 63; i >= 32; i--)
		CHECK_EQ_U64(l[k++], P + (uint64_t)i * 1024);
	CHECK(reported(m, P) && reported(m, P + 63 * 1024));
	CHECK_MODEL(m);

	/* a second pass finds nothing unreported: no report call, the list unchanged */
	REQUIRE(model_page_reporting_run(m, 0, &rr) == 0);
	CHECK_EQ_U64(rr.blocks_reported, 0);
	CHECK_EQ_U64(rr.nr_reports, 0);
	REQUIRE(model_free_list_get(m, 0, 10, MODEL_MT_MOVABLE, l, 64) == 64);
	CHECK_EQ_U64(l[0], P + 31 * 1024);
	CHECK_EQ_U64(l[63], P + 32 * 1024);

	/*
	 * Allocation takes the head B31 and clears its mark
	 * (__del_page_from_free_list); freeing it back (order 10, not merging
	 * beyond the top order, head placement) requests a pass again, and the
	 * block is not reported.
	 */
	{
		struct model_alloc_result res = alloc_one(m, 10, MODEL_GFP_HIGHUSER_MOVABLE, 0,
							  MODEL_REQ_NO_PCP);
		struct model_free_result fr;

		CHECK_EQ_U64(res.pfn, P + 31 * 1024);
		CHECK(model_page_reporting_state_get(m) == MODEL_PR_IDLE);
		CHECK_MODEL(m);
		REQUIRE(model_free_pages(m, P + 31 * 1024, 10, 0, 0, &fr) == 0);
		CHECK(model_page_reporting_state_get(m) == MODEL_PR_REQUESTED);
		CHECK_EQ_U64(list_head(m, 0, 10, MODEL_MT_MOVABLE), P + 31 * 1024);
		CHECK(!reported(m, P + 31 * 1024));
	}
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "Free page reporting", __isolate_free_page: a block of at
 * least half a pageblock turns its mergeable pageblock MOVABLE, and the
 * putback files it under the new type. Layout (32768 pages): pageblock 1
 * UNMOVABLE with P+512 free (order 9), pageblock 2 RECLAIMABLE with P+1024
 * free, pageblocks 0 and 3..7 allocated, 28 order-10 MOVABLE blocks from
 * P+4096. MIN 32, LOW 32 + 32 = 64: the zone (29184 free) passes 64 +
 * 16384. Order 9, type 0 then 2: P+512 and P+1024 are isolated (slots 31,
 * 30). Order 10 MOVABLE: block k is isolated while 28672 - 1024 k > 32 +
 * 1024, k <= 26; the 28th (P+31744) fails. The leftover (slots 3..31) is
 * put back from slot 3: P+4096+26*1024 down to P+4096, then P+1024, then
 * P+512, each at the tail of a MOVABLE list; none merges (their order-9
 * buddies P and P+1536 are allocated).
 */
static void test_reporting_retype(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 32768, 9);
	struct model_report_result rr;
	struct model_pfn_state st;
	uint64_t l[32];

	REQUIRE(model_pageblock_set_migratetype(m, P + 512, MODEL_MT_UNMOVABLE) == 0);
	REQUIRE(model_pageblock_set_migratetype(m, P + 1024, MODEL_MT_RECLAIMABLE) == 0);
	REQUIRE(model_seed_buddy(m, P + 512, 9, MODEL_MT_UNMOVABLE, true) == 0);
	REQUIRE(model_seed_buddy(m, P + 1024, 9, MODEL_MT_RECLAIMABLE, true) == 0);
	for (uint64_t b = P + 4096; b < P + 32768; b += 1024)
		REQUIRE(model_seed_buddy(m, b, 10, MODEL_MT_MOVABLE, true) == 0);
	CHECK_MODEL(m);
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.nr_reports, 1);
	CHECK_EQ_U64(rr.blocks_reported, 29);
	CHECK_EQ_U64(rr.isolate_failed, 1);
	REQUIRE(model_free_list_get(m, 0, 9, MODEL_MT_MOVABLE, l, 32) == 2);
	CHECK_EQ_U64(l[0], P + 1024);
	CHECK_EQ_U64(l[1], P + 512);
	CHECK_EQ_U64(model_free_list_get(m, 0, 9, MODEL_MT_UNMOVABLE, NULL, 0), 0);
	REQUIRE(model_pfn_state_get(m, P + 512, &st) == 0);
	CHECK_EQ_U64(st.pageblock_mt, MODEL_MT_MOVABLE);
	REQUIRE(model_pfn_state_get(m, P + 1024, &st) == 0);
	CHECK_EQ_U64(st.pageblock_mt, MODEL_MT_MOVABLE);
	CHECK(reported(m, P + 512) && reported(m, P + 1024));
	REQUIRE(model_free_list_get(m, 0, 10, MODEL_MT_MOVABLE, l, 32) == 28);
	CHECK_EQ_U64(l[0], P + 31744);
	CHECK(!reported(m, P + 31744));
	for (int i = 1; i < 28; i++)
		CHECK_EQ_U64(l[i], P + 4096 + (uint64_t)(27 - i) * 1024);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "Free page reporting", __isolate_free_page with reporting
 * order 8 (half a pageblock): pageblock 1 is UNMOVABLE with P+512 free at
 * order 8 and P+768 free at order 7, the rest of it allocated; nine
 * order-10 MOVABLE blocks from P+4096 (16384 pages: LOW 32 + 16 = 48, the
 * zone's 9600 free pages pass 48 + 32 << 8 = 8240). Isolating P+512 turns
 * pageblock 1 MOVABLE; 6.18 also moves its other free page, P+768, to the
 * MOVABLE order-7 list (move_freepages_block), 6.1 leaves it on the
 * UNMOVABLE list. P+512 comes back on the MOVABLE order-8 list, reported;
 * P+768 (below the reporting order) is never reported.
 */
static void test_reporting_half_block(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 16384, 8);
	struct model_report_result rr;
	struct model_pfn_state st;
	int keep = p == MODEL_PROFILE_6_18 ? MODEL_MT_MOVABLE : MODEL_MT_UNMOVABLE;

	REQUIRE(model_pageblock_set_migratetype(m, P + 512, MODEL_MT_UNMOVABLE) == 0);
	REQUIRE(model_seed_buddy(m, P + 512, 8, MODEL_MT_UNMOVABLE, true) == 0);
	REQUIRE(model_seed_buddy(m, P + 768, 7, MODEL_MT_UNMOVABLE, true) == 0);
	for (uint64_t b = P + 4096; b < P + 4096 + 9 * 1024; b += 1024)
		REQUIRE(model_seed_buddy(m, b, 10, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.blocks_reported, 10);
	CHECK_EQ_U64(rr.isolate_failed, 0);
	CHECK_EQ_U64(list_head(m, 0, 8, MODEL_MT_MOVABLE), P + 512);
	CHECK(reported(m, P + 512));
	CHECK_EQ_U64(list_head(m, 0, 7, keep), P + 768);
	REQUIRE(model_pfn_state_get(m, P + 768, &st) == 0);
	CHECK_EQ_U64(st.pageblock_mt, MODEL_MT_MOVABLE);
	CHECK(!st.reported);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "Free page reporting", the budget: 262144 pages, the 256
 * even pageblocks free as order-9 MOVABLE blocks A_i = P + 1024 i (odd
 * ones allocated, so nothing merges), seeded in ascending order. Budget
 * ceil(256 / 512) = 1: A0..A31 isolated, reported at A32 (budget 0) and
 * put back A31..A0; A32..A63 isolated, reported at A64 (budget -1) and
 * put back A63..A32; at A64 the budget is spent: reporting is requested
 * again, the list starts at A64. List: A64..A255, A31..A0, A63..A32.
 */
static void test_reporting_budget(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 262144, 9);
	struct model_report_result rr;
	static uint64_t l[256];
	int k = 0;

	for (uint64_t i = 0; i < 256; i++)
		REQUIRE(model_seed_buddy(m, P + 1024 * i, 9, MODEL_MT_MOVABLE, true) == 0);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_IDLE);	/* seeding is not a free */
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.nr_reports, 2);
	CHECK_EQ_U64(rr.blocks_reported, 64);
	CHECK(rr.budget_exhausted);
	CHECK(rr.requested);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_REQUESTED);
	REQUIRE(model_free_list_get(m, 0, 9, MODEL_MT_MOVABLE, l, 256) == 256);
	for (uint64_t i = 64; i < 256; i++)
		CHECK_EQ_U64(l[k++], P + 1024 * i);
	for (int i = 31; i >= 0; i--)
		CHECK_EQ_U64(l[k++], P + 1024 * (uint64_t)i);
	for (int i = 63; i >= 32; i--)
		CHECK_EQ_U64(l[k++], P + 1024 * (uint64_t)i);
	CHECK_MODEL(m);
	/* the next pass goes on at A64: A64..A95 then A96..A127 are reported */
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.blocks_reported, 64);
	CHECK(rr.requested);
	CHECK_EQ_U64(list_head(m, 0, 9, MODEL_MT_MOVABLE), P + 1024 * 128);
	CHECK(reported(m, P + 1024 * 64) && reported(m, P + 1024 * 127));
	CHECK(!reported(m, P + 1024 * 128));
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "Free page reporting": only a free whose merged block
 * reaches the reporting order requests a pass; a zone below LOW + 32 <<
 * order is left alone; reporting off makes the call -EOPNOTSUPP.
 */
static void test_reporting_notify(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 4096, 9);
	struct model_report_result rr;
	struct model_free_result fr;

	REQUIRE(model_populate(m) == 0);
	REQUIRE(model_page_reporting_state_set(m, MODEL_PR_IDLE) == 0);
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P);
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P + 1);
	REQUIRE(model_free_pages(m, P + 1, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_order, 0);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_IDLE);
	REQUIRE(model_free_pages(m, P, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_order, 10);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_REQUESTED);
	/* 4096 free pages < LOW + 16384: the pass skips the zone */
	REQUIRE(model_page_reporting_run(m, -1, &rr) == 0);
	CHECK_EQ_U64(rr.zones_skipped, 1);
	CHECK_EQ_U64(rr.blocks_reported, 0);
	CHECK(model_page_reporting_state_get(m) == MODEL_PR_IDLE);
	CHECK(model_page_reporting_state_set(m, MODEL_PR_ACTIVE) == -EINVAL);
	model_destroy(m);

	m = reporting_zone(p, 4096, 0);
	CHECK(model_page_reporting_run(m, -1, &rr) == -EOPNOTSUPP);
	CHECK(model_page_reported_set(m, P, true) == -EOPNOTSUPP);
	model_destroy(m);
}

/*
 * A snapshot's PageReported marks seeded on B0 and B2 of four order-10
 * blocks (4096 pages; here the zone threshold is met with reporting order
 * 5: LOW 40 + 32 << 5 = 1064 < 4096): the pass skips them and reports B1
 * and B3 in one call, putting them back B3 then B1 at the tail: B0, B2,
 * B3, B1. A mark needs a free block of at least the reporting order.
 */
static void test_reported_seed(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = reporting_zone(p, 4096, 5);
	struct model_report_result rr;
	uint64_t l[4];

	for (int i = 0; i < 4; i++)
		REQUIRE(model_seed_buddy(m, P + 1024 * (uint64_t)i, 10, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_page_reported_set(m, P, true) == 0);
	REQUIRE(model_page_reported_set(m, P + 2048, true) == 0);
	CHECK(model_page_reported_set(m, P + 1, true) == -EINVAL);
	CHECK_MODEL(m);
	REQUIRE(model_page_reporting_run(m, 0, &rr) == 0);
	CHECK_EQ_U64(rr.nr_reports, 1);
	CHECK_EQ_U64(rr.blocks_reported, 2);
	REQUIRE(model_free_list_get(m, 0, 10, MODEL_MT_MOVABLE, l, 4) == 4);
	CHECK_EQ_U64(l[0], P);
	CHECK_EQ_U64(l[1], P + 2048);
	CHECK_EQ_U64(l[2], P + 3072);
	CHECK_EQ_U64(l[3], P + 1024);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec 12 / KERNEL-FACTS "Direct-to-buddy frees": alloc_pages_exact frees
 * its unused tail pages with __free_pages_ok(page, 0, FPI_TO_TAIL): to the
 * buddy, at the list tail. Two order-2 blocks at P and P+4 (split from
 * order 10); their last pages P+3 and P+7 freed so: their order-0 buddies
 * are allocated, so they stay order 0, in free order: P+3, P+7. A plain
 * direct free would have put P+7 at the head (buddy_merge_likely: P+4,
 * the buddy of its parent, is not free).
 */
static void test_exact_tail_frees(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model_config c;
	struct model *m;
	struct model_free_result fr;
	struct model_pcp_info pi;
	uint64_t l[4];

	base_config(&c, p);
	m = normal_zone_model(&c, P, 4096, true);
	CHECK_EQ_U64(alloc_one(m, 2, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P);
	CHECK_EQ_U64(alloc_one(m, 2, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P + 4);
	REQUIRE(model_free_pages(m, P + 3, 0, 0, MODEL_FREE_TO_TAIL, &fr) == 0);
	CHECK(fr.flags & MODEL_FREE_R_BUDDY);
	CHECK_EQ_U64(fr.merged_order, 0);
	REQUIRE(model_free_pages(m, P + 7, 0, 0, MODEL_FREE_TO_TAIL, &fr) == 0);
	REQUIRE(model_free_list_get(m, 0, 0, MODEL_MT_MOVABLE, l, 4) == 2);
	CHECK_EQ_U64(l[0], P + 3);
	CHECK_EQ_U64(l[1], P + 7);
	REQUIRE(model_pcp_info_get(m, 0, 0, &pi) == 0);
	CHECK_EQ_U64(pi.count, 0);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec 3.1 / 12 (free_frozen_pages trylock failure): a page the model put
 * on cpu 1's pcp list whose free really went to the buddy. P+3 (allocated
 * as above) is freed to the pcp; model_pcp_unlink_to_buddy() takes it off
 * (count back to 0) and frees it directly: order 0 (P+2 is allocated),
 * head of the MOVABLE order-0 list, no pcpu_drain event, counted as a
 * direct free. A second call finds no pcp entry and changes nothing.
 * (Drain threshold: high_min max(LOW 40 / 2, 4 x batch 8) = 32 > 1.)
 */
static void test_unlink_to_buddy(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model_config c;
	struct model *m;
	struct model_free_result fr;
	struct model_pcp_info pi;
	struct model_counters ctr;
	struct recorder r;
	uint64_t frees_buddy;

	base_config(&c, p);
	c.nr_cpus = 2;
	m = normal_zone_model(&c, P, 4096, true);
	CHECK_EQ_U64(alloc_one(m, 2, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P);
	recorder_attach(m, &r);
	model_counters_get(m, &ctr);
	frees_buddy = ctr.frees_buddy;
	REQUIRE(model_free_pages(m, P + 3, 0, 1, 0, &fr) == 0);
	CHECK(fr.flags & MODEL_FREE_R_PCP);
	REQUIRE(model_pcp_unlink_to_buddy(m, P + 3, 0, &fr) == 0);
	CHECK(fr.contradiction == MODEL_CONTRA_NONE);
	CHECK(fr.flags & MODEL_FREE_R_BUDDY);
	CHECK_EQ_U64(fr.merged_pfn, P + 3);
	CHECK_EQ_U64(fr.merged_order, 0);
	CHECK_EQ_U64(list_head(m, 0, 0, MODEL_MT_MOVABLE), P + 3);
	REQUIRE(model_pcp_info_get(m, 0, 1, &pi) == 0);
	CHECK_EQ_U64(pi.count, 0);
	CHECK_EQ_U64(r.nr_drain, 0);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.frees_pcp, 0);
	CHECK_EQ_U64(ctr.frees_buddy, frees_buddy + 1);
	CHECK_EQ_U64(ctr.pcp_drains, 0);
	REQUIRE(model_pcp_unlink_to_buddy(m, P + 3, 0, &fr) == 0);
	CHECK(fr.contradiction == MODEL_CONTRA_NOT_ON_PCP);
	CHECK_EQ_U64(list_head(m, 0, 0, MODEL_MT_MOVABLE), P + 3);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec 5.4 (boost_watermark): 65536 pages, min_free_kbytes 4096: MIN 1024,
 * gap max(1024/4, 65) = 256, HIGH 1536; cap max(512, 1536 x 15000 /
 * 10000 = 2304) = 2304. Steps: 512, 1024, 1536, 2048, 2304, 2304. Factor
 * 0, or managed below 4 pageblocks (2047 pages), never boosts.
 */
static void test_boost_ops(enum model_profile p)
{
	static const uint64_t steps[] = { 512, 1024, 1536, 2048, 2304, 2304 };
	struct model_config c;
	struct model *m;
	struct model_zone_info zi;

	base_config(&c, p);
	c.min_free_kbytes = 4096;
	m = normal_zone_model(&c, NORMAL_START, 65536, false);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.wmark_high, 1536);
	for (unsigned int i = 0; i < 6; i++) {
		CHECK(model_zone_boost_watermark(m, 0) == 1);
		model_zone_info_get(m, 0, &zi);
		CHECK_EQ_U64(zi.watermark_boost, steps[i]);
	}
	REQUIRE(model_zone_boost_set(m, 0, 700) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.watermark_boost, 700);
	REQUIRE(model_zone_boost_set(m, 0, 0) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.watermark_boost, 0);
	CHECK(model_zone_boost_watermark(m, 1) == -EINVAL);
	model_destroy(m);

	c.watermark_boost_factor = 0;
	m = model_create(&c);
	REQUIRE(m);
	CHECK(model_zone_boost_watermark(m, 0) == 0);
	model_destroy(m);

	c.watermark_boost_factor = 15000;
	c.zones[0].spanned_pages = c.zones[0].present_pages = c.zones[0].managed_pages = 2047;
	m = model_create(&c);
	REQUIRE(m);
	CHECK(model_zone_boost_watermark(m, 0) == 0);
	model_destroy(m);
}

/*
 * spec 2.9 (reserve_highatomic_pageblock): 65536 managed pages; order-1
 * pages taken at the first pfn of pageblocks 0..3 (each block keeps 510
 * free pages). 6.18: the limit is managed/100 = 655 rounded up to 1024, so
 * two blocks are reserved and the third refused; 6.1: limit 655 + 512 =
 * 1167, three reserved (0, 512, 1024 < 1167), the fourth refused. Each
 * reserve adds a pageblock to nr_reserved_highatomic and moves the block's
 * 510 free pages to HIGHATOMIC lists. Learning a block with
 * model_pageblock_claim(HIGHATOMIC), releasing one, and seeding the type
 * keep the count a pageblock per HIGHATOMIC block.
 */
static void test_highatomic_ops(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model_config c;
	struct model *m;
	struct model_zone_info zi;
	struct model_force_result fo;
	unsigned int allowed = p == MODEL_PROFILE_6_18 ? 2 : 3;

	base_config(&c, p);
	m = normal_zone_model(&c, P, 65536, true);
	for (unsigned int i = 0; i < 5; i++)
		REQUIRE(model_force_alloc(m, P + 512 * i, 1, 0, MODEL_MT_UNMOVABLE, &fo) == 0);
	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ_U64(model_pageblock_reserve_highatomic(m, P + 512 * i, 1), i < allowed);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 512 * allowed);
	CHECK_EQ_U64(zi.nr_free_highatomic, 510 * allowed);
	CHECK_MODEL(m);
	/* learned from a trace: block 4, past the limit */
	REQUIRE(model_pageblock_claim(m, P + 2048, MODEL_MT_HIGHATOMIC) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 512 * (allowed + 1));
	CHECK_EQ_U64(zi.nr_free_highatomic, 510 * (allowed + 1));
	CHECK_MODEL(m);
	REQUIRE(model_pageblock_claim(m, P, MODEL_MT_MOVABLE) == 0);
	REQUIRE(model_pageblock_set_migratetype(m, P + 16384, MODEL_MT_HIGHATOMIC) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 512 * (allowed + 1));
	/* seeding the type only: the free block stays on its MOVABLE list (6.18 checks lists) */
	REQUIRE(model_pageblock_set_migratetype(m, P + 16384, MODEL_MT_MOVABLE) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 512 * allowed);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec 4.2 / 12 (zone_set_pageset_high_and_batch keeps pcp->high): two
 * cpus, 65536 pages, derived batch. Recorded: managed 60000, LOW 5000.
 * batch = zone_batchsize(60000): 58/4 = 14, + 7 = 21, power of two 16,
 * minus 1: 15. 6.18: high_min = 5000/2 = 2500, high_max = 60000/8/2 =
 * 3750; cpu 0's high 5000 and cpu 1's high 100 are kept, and the first
 * free on cpu 1 clamps 100 into the range: 2500. 6.1: high = 2500 on both.
 */
static void test_zone_state_set(enum model_profile p)
{
	struct model_config c;
	struct model *m;
	struct model_zone_state st = { 0 };
	struct model_pcp_tuning t = { 0 };
	struct model_pcp_info pi;
	struct model_zone_info zi;
	struct model_free_result fr;
	uint64_t pfn;

	base_config(&c, p);
	c.pcp_batch = 0;
	c.nr_cpus = 2;
	m = normal_zone_model(&c, NORMAL_START, 65536, true);
	t.high = 5000;
	REQUIRE(model_pcp_tuning_set(m, 0, 0, &t) == 0);
	t.high = 100;
	REQUIRE(model_pcp_tuning_set(m, 0, 1, &t) == 0);
	st.spanned_pages = st.present_pages = 65536;
	st.managed_pages = 60000;
	st.wmark_min = 4000;
	st.wmark_low = 5000;
	st.wmark_high = 6000;
	st.wmark_promo = 7000;
	st.watermark_boost = 300;
	REQUIRE(model_zone_state_set(m, 0, &st) == 0);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.managed_pages, 60000);
	CHECK_EQ_U64(zi.wmark_low, 5000);
	CHECK_EQ_U64(zi.watermark_boost, 300);
	CHECK_EQ_U64(zi.pcp_batch, 15);
	CHECK_EQ_U64(zi.pcp_high_min, 2500);
	CHECK_EQ_U64(zi.pcp_high_max, p == MODEL_PROFILE_6_18 ? 3750 : 2500);
	REQUIRE(model_pcp_info_get(m, 0, 0, &pi) == 0);
	CHECK_EQ_U64(pi.high, p == MODEL_PROFILE_6_18 ? 5000 : 2500);
	CHECK_EQ_U64(pi.batch, 15);
	REQUIRE(model_pcp_info_get(m, 0, 1, &pi) == 0);
	CHECK_EQ_U64(pi.high, p == MODEL_PROFILE_6_18 ? 100 : 2500);
	pfn = alloc_one(m, 0, MODEL_GFP_KERNEL, 1, MODEL_REQ_NO_PCP).pfn;
	REQUIRE(model_free_pages(m, pfn, 0, 1, 0, &fr) == 0);
	REQUIRE(model_pcp_info_get(m, 0, 1, &pi) == 0);
	CHECK_EQ_U64(pi.high, 2500);
	/* a span may not shrink, present may not exceed it */
	st.spanned_pages = 4096;
	CHECK(model_zone_state_set(m, 0, &st) == -EINVAL);
	st.spanned_pages = 65536;
	st.present_pages = 70000;
	CHECK(model_zone_state_set(m, 0, &st) == -EINVAL);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "Memory that appears at runtime" (init_per_zone_wmark_min
 * after online_pages), with this host's zones (tests/model_formulas/data:
 * DMA 3840, DMA32 772915, Normal 360448 managed pages, 2 cpus,
 * min_free_kbytes 67584 from khugepaged, recorded marks as has_wmarks).
 * Normal grows by 65536 pages to 425984. The default is computed from the
 * current HIGH marks 85, 17223, 8031: lowmem (3755 + 755692 + 417953) x 4
 * kB = 4709600, int_sqrt(16 x that) = 8680, which replaces min_free_kbytes
 * (no user value); khugepaged's recommendation 512 x 3 x 11 pages = 67584
 * kB is larger and wins. pages_min 16896 over lowmem 1202739:
 *   DMA    16896 x 3840   / 1202739 = 53,    gap max(13, 3)     -> 53 66 79
 *   DMA32  16896 x 772915 / 1202739 = 10857, gap max(2714, 772) -> 10857 13571 16285
 *   Normal 16896 x 425984 / 1202739 = 5984,  gap max(1496, 425) -> 5984 7480 8976
 * lowmem reserve: DMA 772915/256 = 3019, (772915 + 425984)/256 = 4683;
 * DMA32 425984/256 = 1664. Normal pcp: batch 63, high_min 7480/2 = 3740,
 * high_max 425984/8/2 = 26624; each cpu keeps its high (3346, 3661). The
 * boost set on DMA32 is reset to 0.
 * Without THP and no user value the default stands: pages_min 2170 gives
 * DMA32 1394 2166 2938. With a user value of 67584 >= 8680 the value stays.
 */
static struct model *host_layout(enum model_profile p, bool thp, uint64_t user_kb)
{
	static const uint64_t rec[3][4] = {
		{ 57, 71, 85, 99 }, { 11483, 14353, 17223, 20093 }, { 5355, 6693, 8031, 9369 }
	};
	struct model_config c;
	struct model *m;
	struct model_pcp_tuning t = { 0 };

	model_config_init(&c, p);
	c.nr_cpus = 2;
	c.min_free_kbytes = 67584;
	c.user_min_free_kbytes = user_kb;
	c.thp_enabled = thp;
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA, 1, 4095);
	c.zones[0].present_pages = 3998;
	c.zones[0].managed_pages = 3840;
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 1044480);
	c.zones[1].present_pages = 782336;
	c.zones[1].managed_pages = 772915;
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 360448);
	for (int z = 0; z < 3; z++) {
		c.zones[z].has_wmarks = true;
		c.zones[z].wmark_min = rec[z][0];
		c.zones[z].wmark_low = rec[z][1];
		c.zones[z].wmark_high = rec[z][2];
		c.zones[z].wmark_promo = rec[z][3];
	}
	m = model_create(&c);
	REQUIRE(m);
	t.high = 3346;
	REQUIRE(model_pcp_tuning_set(m, 2, 0, &t) == 0);
	t.high = 3661;
	REQUIRE(model_pcp_tuning_set(m, 2, 1, &t) == 0);
	return m;
}

static void check_marks(const struct model *m, unsigned int zone, uint64_t min, uint64_t low,
			uint64_t high)
{
	struct model_zone_info zi;

	model_zone_info_get(m, zone, &zi);
	CHECK_EQ_U64(zi.wmark_min, min);
	CHECK_EQ_U64(zi.wmark_low, low);
	CHECK_EQ_U64(zi.wmark_high, high);
}

static void test_hotplug_recompute(enum model_profile p)
{
	struct model *m = host_layout(p, true, 0);
	struct model_zone_info zi;
	struct model_pcp_info pi;

	check_marks(m, 1, 11483, 14353, 17223);
	REQUIRE(model_zone_boost_set(m, 1, 512) == 0);
	REQUIRE(model_zone_add_pages(m, 2, NORMAL_START + 360448, 65536) == 0);
	CHECK_EQ_U64(model_min_free_kbytes_get(m), 67584);
	check_marks(m, 0, 53, 66, 79);
	check_marks(m, 1, 10857, 13571, 16285);
	check_marks(m, 2, 5984, 7480, 8976);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.lowmem_reserve[MODEL_ZONE_DMA32], 3019);
	CHECK_EQ_U64(zi.lowmem_reserve[MODEL_ZONE_NORMAL], 4683);
	model_zone_info_get(m, 1, &zi);
	CHECK_EQ_U64(zi.lowmem_reserve[MODEL_ZONE_NORMAL], 1664);
	CHECK_EQ_U64(zi.watermark_boost, 0);
	model_zone_info_get(m, 2, &zi);
	CHECK_EQ_U64(zi.managed_pages, 425984);
	CHECK_EQ_U64(zi.nr_free_pages, 65536);
	CHECK_EQ_U64(zi.pcp_batch, 63);
	if (p == MODEL_PROFILE_6_18) {
		CHECK_EQ_U64(zi.pcp_high_min, 3740);
		CHECK_EQ_U64(zi.pcp_high_max, 26624);
		REQUIRE(model_pcp_info_get(m, 2, 0, &pi) == 0);
		CHECK_EQ_U64(pi.high, 3346);
		REQUIRE(model_pcp_info_get(m, 2, 1, &pi) == 0);
		CHECK_EQ_U64(pi.high, 3661);
	}
	CHECK_MODEL(m);
	model_destroy(m);

	m = host_layout(p, false, 0);
	REQUIRE(model_zone_add_pages(m, 2, NORMAL_START + 360448, 65536) == 0);
	CHECK_EQ_U64(model_min_free_kbytes_get(m), 8680);
	check_marks(m, 1, 1394, 2166, 2938);
	model_destroy(m);

	m = host_layout(p, false, 67584);
	REQUIRE(model_zone_add_pages(m, 2, NORMAL_START + 360448, 65536) == 0);
	CHECK_EQ_U64(model_min_free_kbytes_get(m), 67584);
	check_marks(m, 1, 10857, 13571, 16285);
	model_destroy(m);
}

/*
 * KERNEL-FACTS "PCPF_FREE_HIGH_BATCH" (zone_pcp_update_cacheinfo):
 * flag = (LLC bytes / cpus sharing) >> PAGE_SHIFT > 3 x batch. Batch 63:
 * 189 pages. cpu 0: 32 MiB / 2 = 4096 pages: set. cpu 1: 778239 bytes =
 * 189 pages (floor): not set. cpu 2: 778240 bytes = 190 pages: set. cpu 3:
 * no LLC recorded: the config's global flag (off).
 */
static void test_llc_flag(enum model_profile p)
{
	static const bool want[4] = { true, false, true, false };
	struct model_config c;
	struct model *m;
	struct model_pcp_info pi;

	base_config(&c, p);
	c.pcp_batch = 63;
	c.nr_cpus = 4;
	c.cpu_llc_bytes[0] = 32u << 20;
	c.cpu_llc_shared[0] = 2;
	c.cpu_llc_bytes[1] = 778239;
	c.cpu_llc_shared[1] = 1;
	c.cpu_llc_bytes[2] = 778240;
	c.cpu_llc_shared[2] = 1;
	m = normal_zone_model(&c, NORMAL_START, 65536, false);
	for (unsigned int cpu = 0; cpu < 4; cpu++) {
		REQUIRE(model_pcp_info_get(m, 0, cpu, &pi) == 0);
		CHECK_EQ_U64(pi.free_high_batch, want[cpu]);
	}
	model_destroy(m);
}

DEFINE_PROFILE_CASE(test_reporting_pass)
DEFINE_PROFILE_CASE(test_reporting_retype)
DEFINE_PROFILE_CASE(test_reporting_half_block)
DEFINE_PROFILE_CASE(test_reporting_budget)
DEFINE_PROFILE_CASE(test_reporting_notify)
DEFINE_PROFILE_CASE(test_reported_seed)
DEFINE_PROFILE_CASE(test_exact_tail_frees)
DEFINE_PROFILE_CASE(test_unlink_to_buddy)
DEFINE_PROFILE_CASE(test_boost_ops)
DEFINE_PROFILE_CASE(test_highatomic_ops)
DEFINE_PROFILE_CASE(test_zone_state_set)
DEFINE_PROFILE_CASE(test_hotplug_recompute)
DEFINE_PROFILE_CASE(test_llc_flag)

static const struct harness_case cases[] = {
	PROFILE_CASE(test_reporting_pass),
	PROFILE_CASE(test_reporting_retype),
	PROFILE_CASE(test_reporting_half_block),
	PROFILE_CASE(test_reporting_budget),
	PROFILE_CASE(test_reporting_notify),
	PROFILE_CASE(test_reported_seed),
	PROFILE_CASE(test_exact_tail_frees),
	PROFILE_CASE(test_unlink_to_buddy),
	PROFILE_CASE(test_boost_ops),
	PROFILE_CASE(test_highatomic_ops),
	PROFILE_CASE(test_zone_state_set),
	PROFILE_CASE(test_hotplug_recompute),
	PROFILE_CASE(test_llc_flag),
};

HARNESS_MAIN(cases)
