/* SPDX-License-Identifier: MIT */
/*
 * Scenario tests of the page-allocator model. Each test cites the spec
 * section (spec/page-allocator.md) it checks; every expected pfn and count
 * was worked out by hand from that section, as the comments show. Each runs
 * for both behavior profiles unless the behavior differs, and model_check()
 * must hold afterwards.
 */
#include <errno.h>

#include "model_test_util.h"


/* One NORMAL zone of 4096 pages (four order-10 blocks) at pfn 2^20, all free. */
static struct model *normal_zone(enum model_profile p, bool populate)
{
	struct model_config c;
	struct model *m;

	base_config(&c, p);
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 4096);
	m = model_create(&c);
	REQUIRE(m);
	if (populate)
		REQUIRE(model_populate(m) == 0);
	return m;
}

/*
 * spec §2.6 (Models: mm/page_alloc.c __rmqueue_smallest(), expand()): an
 * order-0 request served from an order-10 block returns its lowest pfn and
 * leaves one block of each order 0..9, the block of order o at P + 2^o.
 * Boot frees put the four order-10 blocks on the list in ascending order
 * (tail placement), so P is the zone start.
 */
static void test_split_order10(enum model_profile p)
{
	struct model *m = normal_zone(p, true);
	struct recorder r;
	struct model_alloc_result res;

	recorder_attach(m, &r);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, NORMAL_START);
	CHECK(res.flags & MODEL_ALLOC_R_BUDDY);
	for (unsigned int o = 0; o < 10; o++) {
		CHECK_EQ_U64(buddyinfo_at(m, 0, o), 1);
		CHECK_EQ_U64(list_head(m, 0, o, MODEL_MT_MOVABLE), NORMAL_START + (1u << o));
	}
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 3);
	/* spec §6.2: one zone_locked event for the block taken */
	CHECK_EQ_U64(r.nr_locked, 1);
	CHECK_EQ_U64(r.locked[0], NORMAL_START);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §3.6 (Models: mm/page_alloc.c __free_one_page()): a free whose buddy
 * is allocated stays at its order; freeing the buddy merges both and then
 * every free buddy above, back to order 10 at P.
 */
static void test_merge(enum model_profile p)
{
	struct model *m = normal_zone(p, true);
	struct model_free_result fr;
	uint64_t l10[4];

	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn,
		     NORMAL_START);
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn,
		     NORMAL_START + 1);
	REQUIRE(model_free_pages(m, NORMAL_START + 1, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK(fr.flags & MODEL_FREE_R_BUDDY);
	CHECK_EQ_U64(fr.merged_pfn, NORMAL_START + 1);
	CHECK_EQ_U64(fr.merged_order, 0);
	REQUIRE(model_free_pages(m, NORMAL_START, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_pfn, NORMAL_START);
	CHECK_EQ_U64(fr.merged_order, 10);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);
	/* order 10 is never tail-placed by buddy_merge_likely: back at the head */
	CHECK_EQ_U64(model_free_list_get(m, 0, 10, MODEL_MT_MOVABLE, l10, 4), 4);
	CHECK_EQ_U64(l10[0], NORMAL_START);
	CHECK_EQ_U64(l10[1], NORMAL_START + 1024);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §3.6 buddy_merge_likely: Q+1 cannot merge (Q allocated) but the
 * buddy of its parent Q, namely Q+2 at order 1, is free, so Q+1 goes to the
 * tail. Q+5's parent Q+4 has buddy Q+6, not free, so Q+5 goes to the head.
 */
static void test_placement(enum model_profile p)
{
	struct model *m = normal_zone(p, false);
	const uint64_t q = NORMAL_START, r = NORMAL_START + 64;
	struct model_free_result fr;
	uint64_t l0[4];

	REQUIRE(model_seed_buddy(m, q + 2, 1, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_seed_buddy(m, r, 0, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_free_pages(m, q + 1, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	REQUIRE(model_free_pages(m, q + 5, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(model_free_list_get(m, 0, 0, MODEL_MT_MOVABLE, l0, 4), 3);
	CHECK_EQ_U64(l0[0], q + 5);
	CHECK_EQ_U64(l0[1], r);
	CHECK_EQ_U64(l0[2], q + 1);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §2.8 A vs C: an UNMOVABLE order-0 request, no NOFRAGMENT (preferred
 * zone DMA32). Free: one page at B = 4100 (pageblock 4096) and an order-3
 * block at C = 4672 (pageblock 4608); every other page is held by MOVABLE
 * allocations, so free + alike = 8 + 0 < 256 and no claim succeeds.
 * 6.1 steals largest first: C's pages move to UNMOVABLE lists (block stays
 * MOVABLE) and the retry splits C: 4672, leaving 4673/4674/4676.
 * 6.18 tries claims at order 3 then 0, both fail, then steals the smallest
 * block: B = 4100, C untouched.
 */
static void test_fallback_difference(enum model_profile p)
{
	struct model_config c;
	struct model *m;
	struct model_force_result fo;
	struct model_alloc_result res;
	struct model_pfn_state st;

	base_config(&c, p);
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 4096);
	zone_wmarks(&c, 0, 0, 0, 0);
	m = model_create(&c);
	REQUIRE(m);
	for (uint64_t pb = 4096; pb < 8192; pb += 512)
		REQUIRE(model_force_alloc(m, pb, 9, -1, MODEL_MT_MOVABLE, &fo) == 0);
	REQUIRE(model_seed_buddy(m, 4100, 0, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_seed_buddy(m, 4672, 3, MODEL_MT_MOVABLE, true) == 0);
	res = alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP);
	CHECK(res.flags & MODEL_ALLOC_R_FALLBACK);
	CHECK(res.flags & MODEL_ALLOC_R_STEAL);
	CHECK(!(res.flags & MODEL_ALLOC_R_CLAIM));
	CHECK_EQ_U64(res.fallback_mt, MODEL_MT_MOVABLE);
	CHECK_EQ_U64(res.pageblocks_changed, 0);
	if (p == MODEL_PROFILE_6_1) {
		CHECK_EQ_U64(res.pfn, 4672);
		CHECK_EQ_U64(res.fallback_order, 3);
		CHECK_EQ_U64(list_head(m, 0, 0, MODEL_MT_UNMOVABLE), 4673);
		CHECK_EQ_U64(list_head(m, 0, 1, MODEL_MT_UNMOVABLE), 4674);
		CHECK_EQ_U64(list_head(m, 0, 2, MODEL_MT_UNMOVABLE), 4676);
		CHECK_EQ_U64(list_head(m, 0, 0, MODEL_MT_MOVABLE), 4100);
		model_pfn_state_get(m, 4676, &st);
		CHECK_EQ_U64(st.pageblock_mt, MODEL_MT_MOVABLE);	/* list/type mismatch */
	} else {
		CHECK_EQ_U64(res.pfn, 4100);
		CHECK_EQ_U64(res.fallback_order, 0);
		CHECK_EQ_U64(list_head(m, 0, 3, MODEL_MT_MOVABLE), 4672);
		CHECK_EQ_U64(buddyinfo_at(m, 0, 0), 0);
	}
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §2.3: free must be strictly greater than mark + lowmem_reserve, and
 * a high-order request first subtracts 2^order - 1. DMA32 zone with
 * MIN/LOW/HIGH = 10/20/30 and lowmem_reserve[NORMAL] = 5.
 */
static void test_watermark_boundary(enum model_profile p)
{
	struct model_config c;
	struct model *m;
	struct model_alloc_result res;
	struct model_zone_info zi;

	base_config(&c, p);
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 4096);
	zone_wmarks(&c, 0, 10, 20, 30);
	c.zones[0].lowmem_reserve[MODEL_ZONE_NORMAL] = 5;
	m = model_create(&c);
	REQUIRE(m);
	/* 16 + 4 = 20 free pages: exactly LOW */
	REQUIRE(model_seed_buddy(m, 4096, 4, MODEL_MT_MOVABLE, true) == 0);
	REQUIRE(model_seed_buddy(m, 4160, 2, MODEL_MT_MOVABLE, true) == 0);
	res = alloc_one(m, 0, MODEL_GFP_KERNEL | MODEL_GFP_MOVABLE | MODEL_GFP_DMA32, 0,
			MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, MODEL_PFN_NONE);
	CHECK_EQ_U64(res.fail, MODEL_FAIL_WATERMARK);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_free_pages, 20);	/* a refusal changes nothing */

	/* 21 free: 21 > 20 passes for a DMA32 request ... */
	REQUIRE(model_seed_buddy(m, 4200, 0, MODEL_MT_MOVABLE, true) == 0);
	/* ... but not for a NORMAL request: 21 <= 20 + lowmem_reserve[NORMAL] 5 */
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE & ~(uint64_t)MODEL_GFP_HIGHMEM, 0,
			MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.fail, MODEL_FAIL_WATERMARK);
	/* order 2 subtracts 3: 18 <= 20 although an order-4 block is free */
	res = alloc_one(m, 2, MODEL_GFP_MOVABLE | MODEL_GFP_DMA32 | MODEL_GFP_KERNEL, 0,
			MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.fail, MODEL_FAIL_WATERMARK);
	res = alloc_one(m, 0, MODEL_GFP_MOVABLE | MODEL_GFP_DMA32 | MODEL_GFP_KERNEL, 0,
			MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.fail, MODEL_ALLOC_OK);
	CHECK_EQ_U64(res.pfn, 4200);
	model_zone_info_get(m, 0, &zi);
	if (p == MODEL_PROFILE_6_18)	/* free <= HIGH 30: the HIGH probe marked the zone */
		CHECK(zi.flags & MODEL_ZONE_BELOW_HIGH);
	else
		CHECK(!(zi.flags & MODEL_ZONE_BELOW_HIGH));
	CHECK_MODEL(m);
	model_destroy(m);
}

static struct model *dma32_normal(enum model_profile p, uint64_t normal_high)
{
	struct model_config c;
	struct model *m;

	base_config(&c, p);
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 4096);
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 4096);
	zone_wmarks(&c, 0, 0, 0, 0);
	zone_wmarks(&c, 1, 0, 0, normal_high);
	m = model_create(&c);
	REQUIRE(m);
	/* NORMAL: only an order-3 MOVABLE block at pfn P+8 (pageblock at P) */
	REQUIRE(model_seed_buddy(m, NORMAL_START + 8, 3, MODEL_MT_MOVABLE, true) == 0);
	return m;
}

/*
 * spec §2.2 / §10 item 1: GFP_KERNEL prefers NORMAL, so the fast path sets
 * ALLOC_NOFRAGMENT; NORMAL has no UNMOVABLE pages and no free pageblock, so
 * the first pass spills to DMA32, which has an UNMOVABLE order-1 block at
 * 4098: the request gets 4098. Without it, the second pass fragments
 * NORMAL: the order-3 MOVABLE block's pageblock is claimed (free 8 + alike
 * 504 >= 256) and split, giving P+8.
 */
static void test_nofragment_spill(enum model_profile p)
{
	struct model *m = dma32_normal(p, 0);
	struct model_alloc_result res;
	uint64_t pbc[MODEL_MAX_MIGRATETYPES];

	REQUIRE(model_pageblock_set_migratetype(m, 4096, MODEL_MT_UNMOVABLE) == 0);
	REQUIRE(model_seed_buddy(m, 4098, 1, MODEL_MT_UNMOVABLE, true) == 0);
	res = alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, 4098);
	CHECK_EQ_U64(res.zone, 0);
	CHECK(res.flags & MODEL_ALLOC_R_OTHER_ZONE);
	CHECK(!(res.flags & MODEL_ALLOC_R_NOFRAGMENT_RETRY));
	CHECK_EQ_U64(res.nr_fallbacks, 0);
	CHECK_EQ_U64(list_head(m, 0, 0, MODEL_MT_UNMOVABLE), 4099);
	CHECK_MODEL(m);
	model_destroy(m);

	m = dma32_normal(p, 0);
	res = alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, NORMAL_START + 8);
	CHECK_EQ_U64(res.zone, 1);
	CHECK(res.flags & MODEL_ALLOC_R_NOFRAGMENT_RETRY);
	CHECK(res.flags & MODEL_ALLOC_R_CLAIM);
	CHECK_EQ_U64(res.pageblocks_changed, 1);
	model_zone_pageblock_counts(m, 1, pbc);
	CHECK_EQ_U64(pbc[MODEL_MT_UNMOVABLE], 1);
	CHECK_EQ_U64(pbc[MODEL_MT_MOVABLE], 7);
	CHECK_EQ_U64(list_head(m, 1, 0, MODEL_MT_UNMOVABLE), NORMAL_START + 9);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §5.4: a fallback below pageblock order boosts the zone by one
 * pageblock (512), capped at max(512, HIGH x 15000 / 10000) = 1500 for
 * HIGH 1000; with __GFP_KSWAPD_RECLAIM the zone is flagged, rmqueue clears
 * the flag and wakes kswapd (§2.4 step 3), and the boost stays until kswapd
 * finishes (model_kswapd_sleep).
 */
static void test_boost(enum model_profile p)
{
	struct model *m = dma32_normal(p, 1000);
	struct model_alloc_result res;
	struct model_zone_info zi;

	res = alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, NORMAL_START + 8);
	CHECK(res.flags & MODEL_ALLOC_R_BOOST);
	CHECK(res.flags & MODEL_ALLOC_R_KSWAPD_WAKE);
	CHECK_EQ_U64(res.boosts, 1);
	model_zone_info_get(m, 1, &zi);
	CHECK_EQ_U64(zi.watermark_boost, 512);
	CHECK(!(zi.flags & MODEL_ZONE_BOOSTED_WATERMARK));
	REQUIRE(model_kswapd_sleep(m, 0) == 0);
	model_zone_info_get(m, 1, &zi);
	CHECK_EQ_U64(zi.watermark_boost, 0);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §2.5 / §3.4: an order-0 pcp miss refills batch (8) blocks taken by
 * __rmqueue_smallest from one order-10 block, P..P+7 in ascending order,
 * appended at the tail; the request gets the head P. A full drain takes
 * from the tail: P+7 first, down to P+1, and everything merges back.
 */
static void test_pcp_refill_drain(enum model_profile p)
{
	struct model *m = normal_zone(p, true);
	struct recorder r;
	struct model_alloc_result res;
	struct model_pcp_info pi;
	uint64_t l[8];

	recorder_attach(m, &r);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0);
	CHECK_EQ_U64(res.pfn, NORMAL_START);
	CHECK(res.flags & MODEL_ALLOC_R_PCP_REFILL);
	CHECK_EQ_U64(res.refill_blocks, 8);
	CHECK_EQ_U64(r.nr_locked, 8);
	for (int i = 0; i < 8; i++)
		CHECK_EQ_U64(r.locked[i], NORMAL_START + i);
	CHECK_EQ_U64(model_pcp_list_get(m, 0, 0, 1, l, 8), 7);
	for (int i = 0; i < 7; i++)
		CHECK_EQ_U64(l[i], NORMAL_START + 1 + i);
	model_pcp_info_get(m, 0, 0, &pi);
	CHECK_EQ_U64(pi.count, 7);
	/* the next request is a pcp hit */
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0);
	CHECK_EQ_U64(res.pfn, NORMAL_START + 1);
	CHECK(res.flags & MODEL_ALLOC_R_PCP_HIT);
	CHECK_MODEL(m);

	CHECK_EQ_U64(model_drain_pcp(m, 0), 6);
	CHECK_EQ_U64(r.nr_drain, 6);
	for (int i = 0; i < 6; i++)
		CHECK_EQ_U64(r.drain[i], NORMAL_START + 7 - i);
	/* P and P+1 are allocated: one free block of each order 1..9, 3 of order 10 */
	CHECK_EQ_U64(buddyinfo_at(m, 0, 0), 0);
	for (unsigned int o = 1; o < 10; o++)
		CHECK_EQ_U64(buddyinfo_at(m, 0, o), 1);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 3);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §3.3 free-side thresholds, 48 order-0 MOVABLE pages P..P+47 freed in
 * that order to cpu 0 (batch 8).
 * 6.1: high = max(LOW 40 / 1 cpu, 4 x batch) = 40. The 40th free reaches
 * count 40 >= high: drain clamp(8 << 0, 8, 32) = 8 oldest (P..P+7),
 * free_factor becomes 1. Eight frees later count is 40 again: drain
 * clamp(8 << 1, 8, 32) = 16 (P+8..P+23), leaving 24.
 * 6.18: high_min 40, high_max 4096 / 8 = 512, high starts at 0 (clamped to
 * 40). At the 40th free free_count = 40, so high rises to 40 + 8 = 48, the
 * old 40 still drains clamp(40, 8, 32) = 32 (P..P+31), leaving 8; eight
 * more frees reach 16 < 48.
 */
static void test_pcp_free_threshold(enum model_profile p)
{
	struct model *m = normal_zone(p, true);
	struct recorder r;
	struct model_pcp_info pi;
	struct model_free_result fr;

	model_pcp_info_get(m, 0, 0, &pi);
	CHECK_EQ_U64(pi.batch, 8);
	CHECK_EQ_U64(pi.high_min, 40);
	CHECK_EQ_U64(pi.high_max, p == MODEL_PROFILE_6_1 ? 40 : 512);
	for (int i = 0; i < 48; i++)
		CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn,
			     NORMAL_START + i);
	recorder_attach(m, &r);
	for (int i = 0; i < 48; i++) {
		REQUIRE(model_free_pages(m, NORMAL_START + i, 0, 0, 0, &fr) == 0);
		CHECK(fr.flags & MODEL_FREE_R_PCP);
		if (i == 39)
			CHECK(fr.flags & MODEL_FREE_R_DRAIN);
	}
	model_pcp_info_get(m, 0, 0, &pi);
	if (p == MODEL_PROFILE_6_1) {
		CHECK_EQ_U64(r.nr_drain, 24);
		for (int i = 0; i < 24; i++)
			CHECK_EQ_U64(r.drain[i], NORMAL_START + i);
		CHECK_EQ_U64(pi.count, 24);
		CHECK_EQ_U64(pi.free_factor, 2);
	} else {
		CHECK_EQ_U64(r.nr_drain, 32);
		for (int i = 0; i < 32; i++)
			CHECK_EQ_U64(r.drain[i], NORMAL_START + i);
		CHECK_EQ_U64(pi.count, 16);
		CHECK_EQ_U64(pi.high, 48);
	}
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §3.3 free_high. After 48 NO_PCP allocations of order 0 (P..P+47)
 * and one of order 1 twice (P+48, P+50), free 30 order-0 pages (count 30,
 * free_count 30, below the threshold 40), then the two order-1 blocks.
 * 6.18: the first order-1 free only sets PREV_FREE_HIGH_ORDER; at the second
 * free_count 32 >= batch 8 + high_min 40 / 2 and the flag is set, so the
 * threshold is 0 and min(count 34, batch x 32) = 34 pages drain: all.
 * 6.1: free_factor is 0 (no drain happened yet), so free_high is false and
 * count 34 < high 40: nothing drains.
 */
static void test_free_high(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = normal_zone(p, true);
	struct model_free_result fr;
	struct model_pcp_info pi;

	for (int i = 0; i < 48; i++)
		alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(alloc_one(m, 1, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P + 48);
	CHECK_EQ_U64(alloc_one(m, 1, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P + 50);
	for (int i = 0; i < 30; i++) {
		REQUIRE(model_free_pages(m, P + i, 0, 0, 0, &fr) == 0);
		CHECK(!(fr.flags & MODEL_FREE_R_DRAIN));
	}
	REQUIRE(model_free_pages(m, P + 48, 1, 0, 0, &fr) == 0);
	CHECK(!(fr.flags & MODEL_FREE_R_DRAIN));
	REQUIRE(model_free_pages(m, P + 50, 1, 0, 0, &fr) == 0);
	model_pcp_info_get(m, 0, 0, &pi);
	if (p == MODEL_PROFILE_6_18) {
		CHECK(fr.flags & MODEL_FREE_R_DRAIN);
		CHECK_EQ_U64(fr.drained_pages, 34);
		CHECK_EQ_U64(pi.count, 0);
	} else {
		CHECK(!(fr.flags & MODEL_FREE_R_DRAIN));
		CHECK_EQ_U64(pi.count, 34);
	}
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §4.3 decay (6.18): high 200 above high_min 40 with 100 pages on the
 * list decays by high/8 per step: 175, 154, 135, 119, 105 (no drain, count
 * 100 is below), then 92 < 100, so min(8, batch 8) pages drain from
 * pindex 0. 6.1 has no decay.
 */
static void test_decay(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = normal_zone(p, true);
	struct model_free_result fr;
	struct model_pcp_info pi;
	struct model_pcp_tuning t = { .high = 200 };
	static const long drained[6] = { 0, 0, 0, 0, 0, 8 };
	static const uint32_t highs[6] = { 175, 154, 135, 119, 105, 92 };

	for (int i = 0; i < 100; i++)
		alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP);
	for (int i = 0; i < 100; i++)
		REQUIRE(model_free_pages(m, P + i, 0, 0, MODEL_FREE_NO_DRAIN, &fr) == 0);
	REQUIRE(model_pcp_tuning_set(m, 0, 0, &t) == 0);
	for (int step = 0; step < 6; step++) {
		long n = model_pcp_decay(m, 0);

		model_pcp_info_get(m, 0, 0, &pi);
		if (p == MODEL_PROFILE_6_1) {
			CHECK_EQ_U64(n, 0);
			CHECK_EQ_U64(pi.high, 200);
			continue;
		}
		CHECK_EQ_U64(n, drained[step]);
		CHECK_EQ_U64(pi.high, highs[step]);
	}
	CHECK_EQ_U64(pi.count, p == MODEL_PROFILE_6_18 ? 92 : 100);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §2.9: an order-1 GFP_ATOMIC allocation in the slow path
 * (ALLOC_HIGHATOMIC) reserves its pageblock. 65536 managed pages: 6.18
 * limit roundup(655, 512) = 1024, 6.1 limit 655 + 512; both reserve. Order
 * 1 is pcp-able, so the request refills max(8 >> 1, 2) = 4 order-1 blocks:
 * the first claims the order-10 block at P (both pageblocks become
 * UNMOVABLE), then P+2, P+4 (split from order 2) and P+6; it gets P. Then
 * P's pageblock becomes HIGHATOMIC with its free blocks P+8 (3) .. P+256
 * (8) = 504 pages, and P+512 (9) stays UNMOVABLE (other pageblock).
 */
static void test_highatomic_reserve(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model_config c;
	struct model *m;
	struct model_alloc_req req = { 0 };
	struct model_alloc_result res;
	struct model_zone_info zi;
	uint64_t pbc[MODEL_MAX_MIGRATETYPES];

	base_config(&c, p);
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, P, 65536);
	m = model_create(&c);
	REQUIRE(m);
	REQUIRE(model_populate(m) == 0);
	req.order = 1;
	req.gfp_flags = MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM;
	req.preferred_node = -1;
	req.req_flags = MODEL_REQ_ALLOC_FLAGS;
	req.alloc_flags = MODEL_ALLOC_WMARK_MIN | MODEL_ALLOC_MIN_RESERVE | MODEL_ALLOC_NON_BLOCK |
			  MODEL_ALLOC_HIGHATOMIC | MODEL_ALLOC_KSWAPD;
	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	CHECK_EQ_U64(res.pfn, P);
	CHECK(res.flags & MODEL_ALLOC_R_HIGHATOMIC_RESERVE);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 512);
	CHECK_EQ_U64(zi.nr_free_highatomic, 504);
	CHECK_EQ_U64(res.refill_blocks, 4);
	{
		uint64_t l[4];

		CHECK_EQ_U64(model_pcp_list_get(m, 0, 0, 3, l, 4), 3);
		for (int i = 0; i < 3; i++)
			CHECK_EQ_U64(l[i], P + 2 + 2 * i);
	}
	for (unsigned int o = 3; o < 9; o++)
		CHECK_EQ_U64(list_head(m, 0, o, MODEL_MT_HIGHATOMIC), P + (1u << o));
	CHECK_EQ_U64(list_head(m, 0, 9, MODEL_MT_UNMOVABLE), P + 512);
	model_zone_pageblock_counts(m, 0, pbc);
	CHECK_EQ_U64(pbc[MODEL_MT_HIGHATOMIC], 1);
	CHECK_EQ_U64(pbc[MODEL_MT_UNMOVABLE], 1);
	CHECK_EQ_U64(pbc[MODEL_MT_MOVABLE], 126);
	CHECK_MODEL(m);

	/*
	 * Unreserve (spec §2.9) for a failing GFP_KERNEL request: not forced, the
	 * zone's only reserved block is kept; forced, the lowest-order HIGHATOMIC
	 * head (P+8, order 3) releases P's pageblock to UNMOVABLE, its free
	 * blocks move to the UNMOVABLE tails, and the reserve drops to 0.
	 */
	req.gfp_flags = MODEL_GFP_KERNEL;
	CHECK_EQ_U64(model_unreserve_highatomic(m, &req, false), 0);
	CHECK_EQ_U64(model_unreserve_highatomic(m, &req, true), 1);
	model_zone_info_get(m, 0, &zi);
	CHECK_EQ_U64(zi.nr_reserved_highatomic, 0);
	CHECK_EQ_U64(zi.nr_free_highatomic, 0);
	CHECK_EQ_U64(list_head(m, 0, 3, MODEL_MT_UNMOVABLE), P + 8);
	model_zone_pageblock_counts(m, 0, pbc);
	CHECK_EQ_U64(pbc[MODEL_MT_HIGHATOMIC], 0);
	CHECK_EQ_U64(pbc[MODEL_MT_UNMOVABLE], 2);
	CHECK_EQ_U64(model_unreserve_highatomic(m, &req, true), 0);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §1.6 / §2.2: cpu 0 sits on node 0, whose only zone (NORMAL at 2^20)
 * has nothing free; node 1's NORMAL zone (at 2^21) is all free. The
 * zonelist of node 0 is node 0 NORMAL, then node 1 NORMAL, so the request
 * is served by node 1's first block, 2^21. With __GFP_THISNODE the
 * zonelist stops at node 0 and the request fails its watermark.
 */
static void test_two_nodes(enum model_profile p)
{
	struct model_config c;
	struct model *m;
	struct model_alloc_result res;

	base_config(&c, p);
	c.nr_nodes = 2;
	c.nr_cpus = 2;
	c.cpu_node[1] = 1;
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 4096);
	model_config_add_zone(&c, 1, MODEL_ZONE_NORMAL, 2 * NORMAL_START, 4096);
	m = model_create(&c);
	REQUIRE(m);
	REQUIRE(model_free_range(m, 2 * NORMAL_START, 4096) == 0);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0);
	CHECK_EQ_U64(res.pfn, 2 * NORMAL_START);
	CHECK_EQ_U64(res.zone, 1);
	CHECK(res.flags & MODEL_ALLOC_R_OTHER_NODE);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE | MODEL_GFP_THISNODE, 0, 0);
	CHECK_EQ_U64(res.fail, MODEL_FAIL_WATERMARK);
	/* cpu 1 is local to node 1: its own pcp refills from the same block */
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE | MODEL_GFP_THISNODE, 1, 0);
	CHECK_EQ_U64(res.pfn, 2 * NORMAL_START + 8);
	CHECK(!(res.flags & MODEL_ALLOC_R_OTHER_NODE));
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §10 item 8 (shadow replay): force-allocating P+5 out of the order-10
 * block at P breaks it down towards P+5, leaving P (order 2), P+4 (0),
 * P+6 (1), P+8 (3), P+16 (4) ... P+512 (9). Contradictions are reported and
 * resolved in the kernel's favour.
 */
static void test_force_alloc(enum model_profile p)
{
	struct model *m = normal_zone(p, true);
	struct model_force_result fo;
	struct model_free_result fr;
	struct model_pfn_state st;
	struct model_counters ctr;
	const uint64_t P = NORMAL_START;
	static const struct {
		uint64_t pfn;
		unsigned int order;
	} rest[] = { { P, 2 }, { P + 4, 0 }, { P + 6, 1 }, { P + 8, 3 }, { P + 16, 4 },
		     { P + 32, 5 }, { P + 64, 6 }, { P + 128, 7 }, { P + 256, 8 }, { P + 512, 9 } };

	REQUIRE(model_force_alloc(m, P + 5, 0, -1, MODEL_MT_MOVABLE, &fo) == 0);
	CHECK_EQ_U64(fo.source, MODEL_FORCE_FROM_BUDDY);
	CHECK_EQ_U64(fo.split_from_order, 10);
	CHECK_EQ_U64(fo.split_from_pfn, P);
	CHECK_EQ_U64(fo.contradiction, MODEL_CONTRA_NONE);
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
		model_pfn_state_get(m, rest[i].pfn, &st);
		CHECK_EQ_U64(st.kind, MODEL_PFN_FREE_BUDDY);
		CHECK_EQ_U64(st.head_pfn, rest[i].pfn);
		CHECK_EQ_U64(st.order, rest[i].order);
	}
	model_pfn_state_get(m, P + 5, &st);
	CHECK_EQ_U64(st.kind, MODEL_PFN_ALLOCATED);
	CHECK_MODEL(m);

	REQUIRE(model_force_alloc(m, P + 5, 0, -1, MODEL_MT_MOVABLE, &fo) == 0);
	CHECK_EQ_U64(fo.contradiction, MODEL_CONTRA_NOT_FREE);
	CHECK_EQ_U64(fo.nr_not_free, 1);
	REQUIRE(model_free_pages(m, P + 5, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_order, 10);
	/* freeing it again contradicts the state: resolved, state unchanged */
	REQUIRE(model_free_pages(m, P + 5, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.contradiction, MODEL_CONTRA_ALREADY_FREE);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);
	REQUIRE(model_free_pages(m, 5, 0, 0, 0, &fr) == 0);
	CHECK_EQ_U64(fr.contradiction, MODEL_CONTRA_OUTSIDE);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.contradictions[MODEL_CONTRA_ALREADY_FREE], 1);
	CHECK_EQ_U64(ctr.contradictions[MODEL_CONTRA_OUTSIDE], 1);
	CHECK_MODEL(m);

	/* from a pcp list: refill P..P+7, hand out P, then take P+3 out of the list */
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0).pfn, P);
	REQUIRE(model_force_alloc(m, P + 3, 0, 0, MODEL_MT_MOVABLE, &fo) == 0);
	CHECK_EQ_U64(fo.source, MODEL_FORCE_FROM_PCP);
	CHECK_EQ_U64(fo.pcp_cpu, 0);
	{
		uint64_t l[8];
		static const uint64_t want[] = { P + 1, P + 2, P + 4, P + 5, P + 6, P + 7 };

		CHECK_EQ_U64(model_pcp_list_get(m, 0, 0, 1, l, 8), 6);
		for (int i = 0; i < 6; i++)
			CHECK_EQ_U64(l[i], want[i]);
	}
	CHECK_MODEL(m);

	/*
	 * spec §3.4: mm_page_pcpu_drain of P+6 moves exactly that page to the
	 * buddy; its buddy P+7 is still on the pcp, so it stays at order 0.
	 */
	REQUIRE(model_pcpu_drain_page(m, P + 6, 0, &fr) == 0);
	CHECK_EQ_U64(fr.contradiction, MODEL_CONTRA_NONE);
	CHECK_EQ_U64(fr.merged_order, 0);
	model_pfn_state_get(m, P + 6, &st);
	CHECK_EQ_U64(st.kind, MODEL_PFN_FREE_BUDDY);
	{
		struct model_pcp_info pi;

		model_pcp_info_get(m, 0, 0, &pi);
		CHECK_EQ_U64(pi.count, 5);
	}
	REQUIRE(model_pcpu_drain_page(m, P + 6, 0, &fr) == 0);
	CHECK_EQ_U64(fr.contradiction, MODEL_CONTRA_NOT_ON_PCP);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §2.5 / §6.3 shadow replay: a prediction leaves the model untouched
 * (the refill of P..P+7 is undone, four order-10 blocks stay), and a
 * zone_locked refill event of P+4 puts exactly that page on cpu 0's MOVABLE
 * order-0 list, so the next request there is a pcp hit on P+4.
 */
static void test_predict_and_refill(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = normal_zone(p, true);
	struct model_alloc_req req = { 0 };
	struct model_alloc_result pred, res;
	struct model_force_result fo;
	struct model_pfn_state st;
	struct model_pcp_info pi;
	struct model_counters ctr;
	struct recorder r;

	recorder_attach(m, &r);
	req.gfp_flags = MODEL_GFP_HIGHUSER_MOVABLE;
	req.preferred_node = -1;
	REQUIRE(model_alloc_predict(m, &req, &pred) == 0);
	CHECK_EQ_U64(pred.pfn, P);
	CHECK(pred.flags & MODEL_ALLOC_R_PCP_REFILL);
	CHECK_EQ_U64(pred.refill_blocks, 8);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);
	model_pcp_info_get(m, 0, 0, &pi);
	CHECK_EQ_U64(pi.count, 0);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.allocs, 0);
	CHECK_EQ_U64(r.nr_locked, 0);
	CHECK_MODEL(m);
	req.req_flags = MODEL_REQ_DRY_RUN;	/* the same through the request flag */
	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	CHECK_EQ_U64(res.pfn, P);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);
	req.req_flags = 0;
	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	CHECK_EQ_U64(res.pfn, pred.pfn);
	CHECK_EQ_U64(res.flags, pred.flags);
	CHECK_EQ_U64(r.nr_locked, 8);
	CHECK_EQ_U64(model_drain_pcp(m, -1), 7);
	REQUIRE(model_free_pages(m, P, 0, 0, MODEL_FREE_BUDDY, &(struct model_free_result){ 0 }) == 0);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 4);

	REQUIRE(model_force_pcp_refill(m, 0, P + 4, 0, MODEL_MT_MOVABLE, &fo) == 0);
	CHECK_EQ_U64(fo.source, MODEL_FORCE_FROM_BUDDY);
	CHECK_EQ_U64(fo.contradiction, MODEL_CONTRA_NONE);
	model_pfn_state_get(m, P + 4, &st);
	CHECK_EQ_U64(st.kind, MODEL_PFN_ON_PCP);
	CHECK_EQ_U64(st.pcp_cpu, 0);
	CHECK_EQ_U64(st.pcp_pindex, 1);
	CHECK_MODEL(m);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0);
	CHECK_EQ_U64(res.pfn, P + 4);
	CHECK(res.flags & MODEL_ALLOC_R_PCP_HIT);
	CHECK_MODEL(m);
	model_destroy(m);
}

/* Event sequence recorder: 'L' zone_locked, 'X' extfrag (owned in the flag), 'D' drain. */
struct seq {
	char kind[16];
	uint64_t pfn[16];
	bool owned[16];
	int n;
};

static void seq_add(struct seq *q, char kind, uint64_t pfn, bool owned)
{
	if (q->n < 16) {
		q->kind[q->n] = kind;
		q->pfn[q->n] = pfn;
		q->owned[q->n] = owned;
		q->n++;
	}
}

static void seq_locked(void *ctx, uint64_t pfn, unsigned int order, int mt, bool refill)
{
	(void)order, (void)mt, (void)refill;
	seq_add(ctx, 'L', pfn, false);
}

static void seq_extfrag(void *ctx, uint64_t pfn, unsigned int ao, unsigned int fo, int amt, int fmt,
			bool owned)
{
	(void)ao, (void)fo, (void)amt, (void)fmt;
	seq_add(ctx, 'X', pfn, owned);
}

/*
 * spec §6.3 canonical sequences of a fallback, as the observer reports them.
 * A claim of an order-10 block: 6.18 emits only extfrag (no zone_locked for
 * claims at order >= 9); 6.1 emits extfrag then the retry's zone_locked.
 * A claim below pageblock order (the NORMAL order-3 block at P+8): 6.18
 * emits zone_locked then extfrag with change_ownership; 6.1 extfrag first.
 */
static void test_event_sequences(enum model_profile p)
{
	static const struct model_observer obs = {
		.zone_locked = seq_locked,
		.extfrag = seq_extfrag,
	};
	struct model *m = normal_zone(p, true);
	struct seq q = { 0 };

	model_observer_set(m, &obs, &q);
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP).pfn, NORMAL_START);
	if (p == MODEL_PROFILE_6_18) {
		CHECK_EQ_U64(q.n, 1);
		CHECK(q.kind[0] == 'X' && q.pfn[0] == NORMAL_START && q.owned[0]);
	} else {
		CHECK_EQ_U64(q.n, 2);
		CHECK(q.kind[0] == 'X' && q.pfn[0] == NORMAL_START && q.owned[0]);
		CHECK(q.kind[1] == 'L' && q.pfn[1] == NORMAL_START);
	}
	model_destroy(m);

	m = dma32_normal(p, 0);
	memset(&q, 0, sizeof(q));
	model_observer_set(m, &obs, &q);
	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_KERNEL, 0, MODEL_REQ_NO_PCP).pfn, NORMAL_START + 8);
	CHECK_EQ_U64(q.n, 2);
	if (p == MODEL_PROFILE_6_18) {
		CHECK(q.kind[0] == 'L' && q.pfn[0] == NORMAL_START + 8);
		CHECK(q.kind[1] == 'X' && q.pfn[1] == NORMAL_START + 8 && q.owned[1]);
	} else {
		CHECK(q.kind[0] == 'X' && q.pfn[0] == NORMAL_START + 8 && q.owned[0]);
		CHECK(q.kind[1] == 'L' && q.pfn[1] == NORMAL_START + 8);
	}
	model_destroy(m);
}

/*
 * spec §2.8 claims as replay applies them: converting the pageblock of P+1
 * after P was taken from an order-10 block moves the pageblock's free
 * blocks P+1 (0), P+2 (1) ... P+256 (8) to the UNMOVABLE lists and leaves
 * P+512 (the other pageblock) alone; a pageblock inside a free order-10
 * block converts the whole block (both pageblocks).
 */
static void test_pageblock_claim(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = normal_zone(p, true);
	uint64_t pbc[MODEL_MAX_MIGRATETYPES];

	CHECK_EQ_U64(alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP).pfn, P);
	REQUIRE(model_pageblock_claim(m, P + 1, MODEL_MT_UNMOVABLE) == 0);
	for (unsigned int o = 0; o < 9; o++) {
		CHECK_EQ_U64(list_head(m, 0, o, MODEL_MT_UNMOVABLE), P + (1u << o));
		CHECK_EQ_U64(list_head(m, 0, o, MODEL_MT_MOVABLE), MODEL_PFN_NONE);
	}
	CHECK_EQ_U64(list_head(m, 0, 9, MODEL_MT_MOVABLE), P + 512);
	REQUIRE(model_pageblock_claim(m, P + 2048 + 600, MODEL_MT_RECLAIMABLE) == 0);
	CHECK_EQ_U64(list_head(m, 0, 10, MODEL_MT_RECLAIMABLE), P + 2048);
	model_zone_pageblock_counts(m, 0, pbc);
	CHECK_EQ_U64(pbc[MODEL_MT_UNMOVABLE], 1);
	CHECK_EQ_U64(pbc[MODEL_MT_RECLAIMABLE], 2);
	CHECK_EQ_U64(pbc[MODEL_MT_MOVABLE], 5);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §1.2 what-if "MAX_ORDER 8": 9 orders, pageblock order 8. Boot frees
 * the 4096 pages as sixteen order-8 blocks; an order-0 request splits the
 * first into one block of each order 0..7; order 9 is refused.
 */
static void test_nine_orders(enum model_profile p)
{
	struct model_config c;
	struct model *m;
	struct model_alloc_result res;

	base_config(&c, p);
	c.nr_page_orders = 9;
	c.pageblock_order = 8;
	c.thp_order = 8;
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 4096);
	m = model_create(&c);
	REQUIRE(m);
	REQUIRE(model_populate(m) == 0);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 8), 16);
	res = alloc_one(m, 0, MODEL_GFP_HIGHUSER_MOVABLE, 0, MODEL_REQ_NO_PCP);
	CHECK_EQ_U64(res.pfn, NORMAL_START);
	for (unsigned int o = 0; o < 8; o++)
		CHECK_EQ_U64(buddyinfo_at(m, 0, o), 1);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 8), 15);
	res = alloc_one(m, 9, MODEL_GFP_HIGHUSER_MOVABLE, 0, 0);
	CHECK_EQ_U64(res.fail, MODEL_FAIL_ORDER);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §3.6: at pageblock order, a HIGHATOMIC block never merges with a
 * buddy of another type; two different mergeable types do merge, and 6.18
 * retypes the buddy's pageblock while 6.1 leaves it.
 */
static void test_merge_types(enum model_profile p)
{
	const uint64_t P = NORMAL_START;
	struct model *m = normal_zone(p, false);
	struct model_free_result fr;
	uint64_t pbc[MODEL_MAX_MIGRATETYPES];

	REQUIRE(model_pageblock_set_migratetype(m, P, MODEL_MT_HIGHATOMIC) == 0);
	REQUIRE(model_seed_buddy(m, P, 9, MODEL_MT_HIGHATOMIC, true) == 0);
	REQUIRE(model_free_pages(m, P + 512, 9, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_order, 9);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 9), 2);
	CHECK_MODEL(m);
	model_destroy(m);

	m = normal_zone(p, false);
	REQUIRE(model_pageblock_set_migratetype(m, P, MODEL_MT_UNMOVABLE) == 0);
	REQUIRE(model_seed_buddy(m, P, 9, MODEL_MT_UNMOVABLE, true) == 0);
	REQUIRE(model_free_pages(m, P + 512, 9, 0, MODEL_FREE_BUDDY, &fr) == 0);
	CHECK_EQ_U64(fr.merged_pfn, P);
	CHECK_EQ_U64(fr.merged_order, 10);
	CHECK_EQ_U64(list_head(m, 0, 10, MODEL_MT_MOVABLE), P);
	model_zone_pageblock_counts(m, 0, pbc);
	CHECK_EQ_U64(pbc[MODEL_MT_UNMOVABLE], p == MODEL_PROFILE_6_1 ? 1 : 0);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * spec §4.2 / §5.2 / §5.3 LIVE check (6.18.44, 2 CPUs, min_free_kbytes
 * 67584): the derived numbers equal the host's /proc/zoneinfo.
 */
static void test_live_zoneinfo(enum model_profile p)
{
	static const struct {
		uint64_t min, low, high, batch, high_min, high_max;
		uint64_t lowmem[MODEL_NR_ZONE_TYPES];
	} want[] = {
		{ 42, 52, 62, 1, 26, 240, { 0, 3018, 5962, 5962, 5962 } },
		{ 8532, 10665, 12798, 63, 5332, 48300, { 0, 0, 2944, 2944, 2944 } },
		{ 8321, 10401, 12481, 63, 5200, 47104, { 0, 0, 0, 0, 0 } },
		{ 32, 32, 32, 0, 0, 0, { 0, 0, 0, 0, 0 } },
	};
	struct model_config c;
	struct model *m;

	for (int derive_mfk = 0; derive_mfk < 2; derive_mfk++) {
		model_config_init(&c, p);
		c.nr_cpus = 2;
		c.min_free_kbytes = derive_mfk ? 0 : 67584;
		model_config_add_zone(&c, 0, MODEL_ZONE_DMA, 1, 4095);
		c.zones[0].managed_pages = 3840;
		model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 1044480);
		c.zones[1].managed_pages = 772808;
		model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 786432);
		c.zones[2].managed_pages = 753664;
		model_config_add_zone(&c, 0, MODEL_ZONE_MOVABLE, 0, 0);
		m = model_create(&c);
		REQUIRE(m);
		for (unsigned int i = 0; i < 4; i++) {
			struct model_zone_info zi;

			model_zone_info_get(m, i, &zi);
			if (i == 3 && p == MODEL_PROFILE_6_1) {
				/* 6.1 gives MOVABLE a proportional share: 0 when empty (§9) */
				CHECK_EQ_U64(zi.wmark_min, 0);
				CHECK_EQ_U64(zi.wmark_high, 0);
				continue;
			}
			CHECK_EQ_U64(zi.wmark_min, want[i].min);
			CHECK_EQ_U64(zi.wmark_low, want[i].low);
			CHECK_EQ_U64(zi.wmark_high, want[i].high);
			for (int t = 0; t < MODEL_NR_ZONE_TYPES; t++)
				CHECK_EQ_U64(zi.lowmem_reserve[t], want[i].lowmem[t]);
			if (i == 3)
				continue;
			CHECK_EQ_U64(zi.pcp_batch, want[i].batch);
			CHECK_EQ_U64(zi.pcp_high_min, want[i].high_min);
			CHECK_EQ_U64(zi.pcp_high_max,
				     p == MODEL_PROFILE_6_18 ? want[i].high_max : want[i].high_min);
		}
		model_destroy(m);
	}
}

static void test_profiles(void)
{
	enum model_profile p;

	CHECK_EQ_U64(model_profile_from_release("6.1.0-37-amd64", &p), 0);
	CHECK_EQ_U64(p, MODEL_PROFILE_6_1);
	CHECK_EQ_U64(model_profile_from_release("6.18.44", &p), 0);
	CHECK_EQ_U64(p, MODEL_PROFILE_6_18);
	CHECK_EQ_U64(model_profile_from_release("6.12.1-amd64", &p), 1);
	CHECK_EQ_U64(p, MODEL_PROFILE_6_1);
	CHECK_EQ_U64(model_profile_from_release("6.15", &p), 1);
	CHECK_EQ_U64(p, MODEL_PROFILE_6_18);
	CHECK(model_profile_from_release("5.10.0", &p) == -EINVAL);
	CHECK(model_profile_from_release("linux", &p) == -EINVAL);
}

/* Bad configs are refused with EINVAL, never crash. */
static void test_bad_config(void)
{
	struct model_config c;

	model_config_init(&c, MODEL_PROFILE_6_18);
	errno = 0;
	CHECK(model_create(&c) == NULL && errno == EINVAL);	/* no zones */
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 4096);
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, NORMAL_START + 100, 4096);
	CHECK(model_create(&c) == NULL && errno == EINVAL);	/* overlap */
	c.nr_zones = 1;
	c.nr_page_orders = 20;
	CHECK(model_create(&c) == NULL && errno == EINVAL);
	c.nr_page_orders = 11;
	c.percpu_pagelist_high_fraction = 3;
	CHECK(model_create(&c) == NULL && errno == EINVAL);
}

DEFINE_PROFILE_CASE(test_split_order10)
DEFINE_PROFILE_CASE(test_merge)
DEFINE_PROFILE_CASE(test_placement)
DEFINE_PROFILE_CASE(test_fallback_difference)
DEFINE_PROFILE_CASE(test_watermark_boundary)
DEFINE_PROFILE_CASE(test_nofragment_spill)
DEFINE_PROFILE_CASE(test_boost)
DEFINE_PROFILE_CASE(test_pcp_refill_drain)
DEFINE_PROFILE_CASE(test_pcp_free_threshold)
DEFINE_PROFILE_CASE(test_two_nodes)
DEFINE_PROFILE_CASE(test_free_high)
DEFINE_PROFILE_CASE(test_decay)
DEFINE_PROFILE_CASE(test_highatomic_reserve)
DEFINE_PROFILE_CASE(test_force_alloc)
DEFINE_PROFILE_CASE(test_merge_types)
DEFINE_PROFILE_CASE(test_predict_and_refill)
DEFINE_PROFILE_CASE(test_pageblock_claim)
DEFINE_PROFILE_CASE(test_event_sequences)
DEFINE_PROFILE_CASE(test_nine_orders)
DEFINE_PROFILE_CASE(test_live_zoneinfo)

static const struct harness_case cases[] = {
	PROFILE_CASE(test_split_order10),
	PROFILE_CASE(test_merge),
	PROFILE_CASE(test_placement),
	PROFILE_CASE(test_fallback_difference),
	PROFILE_CASE(test_watermark_boundary),
	PROFILE_CASE(test_nofragment_spill),
	PROFILE_CASE(test_boost),
	PROFILE_CASE(test_pcp_refill_drain),
	PROFILE_CASE(test_pcp_free_threshold),
	PROFILE_CASE(test_two_nodes),
	PROFILE_CASE(test_free_high),
	PROFILE_CASE(test_decay),
	PROFILE_CASE(test_highatomic_reserve),
	PROFILE_CASE(test_force_alloc),
	PROFILE_CASE(test_merge_types),
	PROFILE_CASE(test_predict_and_refill),
	PROFILE_CASE(test_pageblock_claim),
	PROFILE_CASE(test_event_sequences),
	PROFILE_CASE(test_nine_orders),
	PROFILE_CASE(test_live_zoneinfo),
	HARNESS_CASE(test_profiles),
	HARNESS_CASE(test_bad_config),
};

HARNESS_MAIN(cases)
