/* SPDX-License-Identifier: MIT */
/*
 * What-if reclaim and compaction (model/reclaim.c, model/compaction.c):
 * hand-made model states, one trigger or scanner rule per test, every
 * expected pfn and count worked out by hand in the test's comment from the
 * kernel behaviour model/KERNEL-FACTS.md ("Reclaim", "Compaction") writes
 * down. All tests use one Normal zone of 2048 pages (pageblocks B0..B3 of
 * 512 pages) at S = 2^20 on node 0, watermark boosting off, and order-0
 * movable allocations served outside the pcp lists, so the zone fills in
 * ascending pfn order: allocation i gets S + i (spec 2.6, checked). A
 * second node holds a DMA32 zone of 1024 pages with nothing free, only so
 * that the model has enough pageblocks for mobility grouping (spec 1.4:
 * managed >= 5 x 512); the Normal zone's allocations never fall back to it.
 */
#include <errno.h>

#include "model_test_util.h"

#define S ((uint64_t)NORMAL_START)
#define ZONE_PAGES 2048u

/* What the reclaimed / migrated observers saw, in order. */
struct moves {
	unsigned int nr_reclaimed, nr_migrated;
	uint64_t reclaimed_tag[ZONE_PAGES];
	uint64_t mig_tag[ZONE_PAGES], mig_old[ZONE_PAGES], mig_new[ZONE_PAGES];
};

static void on_reclaimed(void *ctx, uint64_t tag, uint64_t pfn, unsigned int order)
{
	struct moves *mv = ctx;

	(void)pfn, (void)order;
	if (mv->nr_reclaimed < ZONE_PAGES)
		mv->reclaimed_tag[mv->nr_reclaimed++] = tag;
}

static void on_migrated(void *ctx, uint64_t tag, uint64_t old_pfn, uint64_t new_pfn,
			unsigned int order)
{
	struct moves *mv = ctx;

	(void)order;
	if (mv->nr_migrated < ZONE_PAGES) {
		mv->mig_tag[mv->nr_migrated] = tag;
		mv->mig_old[mv->nr_migrated] = old_pfn;
		mv->mig_new[mv->nr_migrated++] = new_pfn;
	}
}

static struct moves moves;

static struct model *pressure_zone_as(enum model_profile profile, bool reclaim, bool compaction,
				      unsigned int proactiveness, uint64_t min, uint64_t low,
				      uint64_t high)
{
	static const struct model_observer obs = {
		.reclaimed = on_reclaimed,
		.migrated = on_migrated,
	};
	struct model_config c;
	struct model *m;

	base_config(&c, profile);
	c.watermark_boost_factor = 0;
	c.reclaim = reclaim;
	c.compaction = compaction;
	c.compaction_proactiveness = proactiveness;
	c.nr_nodes = 2;
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, S, ZONE_PAGES);
	zone_wmarks(&c, 0, min, low, high);
	model_config_add_zone(&c, 1, MODEL_ZONE_DMA32, S / 2, 1024);
	m = model_create(&c);
	REQUIRE(m);
	REQUIRE(model_free_range(m, S, ZONE_PAGES) == 0);
	memset(&moves, 0, sizeof(moves));
	model_observer_set(m, &obs, &moves);
	return m;
}

static struct model *pressure_zone(bool reclaim, bool compaction, unsigned int proactiveness,
				   uint64_t min, uint64_t low, uint64_t high)
{
	return pressure_zone_as(MODEL_PROFILE_6_18, reclaim, compaction, proactiveness, min, low,
				high);
}

/* One allocation of @order outside the pcp, tagged with the pfn it must get. */
static void alloc_order_at(struct model *m, unsigned int order, uint64_t gfp, uint64_t expect)
{
	struct model_alloc_req req = {
		.order = order, .gfp_flags = gfp, .preferred_node = -1,
		.req_flags = MODEL_REQ_NO_PCP | MODEL_REQ_MUST_SUCCEED, .tag = expect,
	};
	struct model_alloc_result res;

	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	REQUIRE(res.pfn == expect);
}

static void alloc_at(struct model *m, uint64_t gfp, uint64_t expect)
{
	alloc_order_at(m, 0, gfp, expect);
}

/* Allocate S .. S + n - 1 as movable pages that neither wake kswapd nor reclaim. */
static void fill(struct model *m, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		alloc_at(m, MODEL_GFP_MOVABLE, S + i);
}

static void free_page(struct model *m, uint64_t pfn)
{
	struct model_free_result fr;

	REQUIRE(model_free_pages(m, pfn, 0, 0, MODEL_FREE_BUDDY, &fr) == 0);
	REQUIRE(fr.contradiction == MODEL_CONTRA_NONE);
}

static enum model_pfn_kind kind_of(const struct model *m, uint64_t pfn)
{
	struct model_pfn_state st;

	REQUIRE(model_pfn_state_get(m, pfn, &st) == 0);
	return st.kind;
}

/*
 * kswapd (Models: mm/vmscan.c wakeup_kswapd(), balance_pgdat(),
 * kswapd_shrink_node(); spec 5.5). MIN 100, LOW 200, HIGH 300. 1848
 * GFP_HIGHUSER_MOVABLE allocations pass the fast path (free > LOW while
 * 2048 - n > 200). The 1849th fails LOW (free 200), wakes kswapd in the
 * slow path (node not balanced: 200 <= HIGH 300) and is served at MIN:
 * S + 1848. When the call ends kswapd reclaims 32 pages at a time, oldest
 * first, until free > HIGH: free 199 + 32k > 300 needs k = 4, so 128
 * pages, S + 0 .. S + 127, in that order; they merge into one order-7
 * block at S. Nothing is woken while the fast path passes. The slow path
 * wakes every node of the zonelist: node 1's kswapd runs too (its DMA32
 * zone has nothing free) and reclaims nothing (one failure).
 */
static void test_kswapd_reclaims_to_high(void)
{
	struct model *m = pressure_zone(true, false, 20, 100, 200, 300);
	struct model_counters ctr;

	for (unsigned int i = 0; i < 1848; i++)
		alloc_at(m, MODEL_GFP_HIGHUSER_MOVABLE, S + i);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.kswapd_runs, 0);
	alloc_at(m, MODEL_GFP_HIGHUSER_MOVABLE, S + 1848);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.kswapd_wakes, 2);
	CHECK_EQ_U64(ctr.kswapd_runs, 2);
	CHECK_EQ_U64(ctr.kswapd_reclaimed, 128);
	CHECK_EQ_U64(ctr.direct_reclaimed, 0);
	CHECK_EQ_U64(moves.nr_reclaimed, 128);
	CHECK_EQ_U64(moves.reclaimed_tag[0], S);
	CHECK_EQ_U64(moves.reclaimed_tag[127], S + 127);
	CHECK_EQ_U64(list_head(m, 0, 7, MODEL_MT_MOVABLE), S);
	CHECK(kind_of(m, S + 128) == MODEL_PFN_ALLOCATED);
	CHECK_EQ_U64(model_reclaimable_pages(m, 0), 1849 - 128);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * Direct reclaim (Models: mm/page_alloc.c __alloc_pages_direct_reclaim(),
 * mm/vmscan.c try_to_free_pages(); spec 2.10, 5.7). MIN 100, LOW 200,
 * HIGH 300. 1948 allocations that may neither wake kswapd nor reclaim
 * bring free to 100 (they pass MIN while free > 100). A GFP_HIGHUSER_MOVABLE
 * order-0 request then fails LOW, wakes kswapd (pending), fails MIN
 * (100 is not > 100) and reclaims SWAP_CLUSTER_MAX = 32 pages, S .. S + 31
 * (one stall at order 0); the retry at MIN (free 132) takes the smallest
 * free block: the untouched tail of the zone is S + 1948 (order 2),
 * S + 1952 (order 5), S + 1984 (order 6), the reclaimed block S (order 5),
 * so S + 1948. Then kswapd runs: free 131 + 32k > 300 needs k = 6, 192
 * pages, S + 32 .. S + 223 (node 1's kswapd runs too, reclaiming nothing).
 */
static void test_direct_reclaim_stall(void)
{
	struct model *m = pressure_zone(true, false, 20, 100, 200, 300);
	struct model_counters ctr;

	fill(m, 1948);
	alloc_at(m, MODEL_GFP_HIGHUSER_MOVABLE, S + 1948);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.direct_stalls[0], 1);
	CHECK_EQ_U64(ctr.direct_reclaimed, 32);
	CHECK_EQ_U64(ctr.kswapd_runs, 2);
	CHECK_EQ_U64(ctr.kswapd_reclaimed, 192);
	CHECK_EQ_U64(ctr.alloc_would_fail, 0);
	CHECK_EQ_U64(moves.nr_reclaimed, 224);
	CHECK_EQ_U64(moves.reclaimed_tag[31], S + 31);
	CHECK_EQ_U64(moves.reclaimed_tag[223], S + 223);
	CHECK(kind_of(m, S + 224) == MODEL_PFN_ALLOCATED);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * Nothing to reclaim (spec 5.5 "hopeless", 2.10): with every page taken by
 * UNMOVABLE allocations (not on the LRU) a GFP_KERNEL request below MIN
 * reclaims nothing; it counts one stall and one would-fail, and the
 * forced allocation (MUST_SUCCEED) proceeds as before.
 */
static void test_nothing_to_reclaim(void)
{
	struct model *m = pressure_zone(true, false, 20, 100, 200, 300);
	struct model_counters ctr;

	for (unsigned int i = 0; i < 1948; i++)
		alloc_at(m, 0, S + i);
	CHECK_EQ_U64(model_reclaimable_pages(m, 0), 0);
	alloc_at(m, MODEL_GFP_KERNEL, S + 1948);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.direct_stalls[0], 1);
	CHECK_EQ_U64(ctr.direct_reclaimed, 0);
	CHECK_EQ_U64(ctr.alloc_would_fail, 1);
	CHECK_EQ_U64(ctr.kswapd_reclaimed, 0);
	CHECK_MODEL(m);
	model_destroy(m);
}

/*
 * Explicit compaction, /proc/sys/vm/compact_memory (Models: mm/compaction.c
 * compact_node(), compact_zone(), isolate_migratepages_block(),
 * isolate_freepages(), compaction_alloc()). Allocated: B0 only S+5, S+6,
 * S+100; B1, B2 all free; B3 all but S+1600 and S+2040..2043. The migrate
 * scanner starts at S, the free scanner at B3 (S+1536). Round 1: B0 yields
 * S+5, S+6, S+100 (3 < 32, scanned to the block end). The free scanner
 * walks B3 upward: S+1600 (1 page), then the order-2 block S+2040 makes
 * 5 >= 3 and stops at S+2044. The sources go last isolated first. Before
 * 6.9 (profile 6.1) split_map_pages() splits the blocks and reverses the
 * list: S+2043, S+2042, S+2041, S+2040, S+1600, so S+100 -> S+2043,
 * S+6 -> S+2042, S+5 -> S+2041, and S+2040, S+1600 go back. 6.9+ keeps one
 * list per order ([0]: S+1600, [2]: S+2040) and takes the lowest order
 * that fits: S+100 -> S+1600; S+6 splits S+2040 (S+2042 to the order-1
 * list, S+2041 to the order-0 list) and takes S+2040; S+5 -> S+2041; the
 * order-1 block S+2042 goes back. Either way B0 is then free and merges
 * with B1 into an order-10 block at S. Round 2: B1 holds only tails of that
 * block (not buddy heads): nothing, skip hint set. Round 3: B2 is one
 * order-9 block: nothing. Then the migrate scanner (S+1536) meets the free
 * scanner's block: COMPLETE. Scanned: 3 x 512 migrate, 2044 - 1536 = 508
 * free. The other node's DMA32 zone is compacted too: its migrate scanner
 * scans its first pageblock (512 pages, nothing movable) and meets the
 * free scanner.
 */
static void check_compact_memory_scanners(enum model_profile profile, const uint64_t new_pfn[3],
					  uint64_t back_free, uint64_t kept)
{
	struct model *m = pressure_zone_as(profile, false, true, 20, 8, 10, 12);
	struct model_counters ctr;

	fill(m, ZONE_PAGES);
	for (uint64_t p = S; p < S + 1536; p++)
		if (p != S + 5 && p != S + 6 && p != S + 100)
			free_page(m, p);
	free_page(m, S + 1600);
	for (uint64_t p = S + 2040; p < S + 2044; p++)
		free_page(m, p);
	CHECK_EQ_U64(model_compact_memory(m), 3);
	CHECK_EQ_U64(moves.nr_migrated, 3);
	CHECK_EQ_U64(moves.mig_old[0], S + 100);
	CHECK_EQ_U64(moves.mig_new[0], new_pfn[0]);
	CHECK_EQ_U64(moves.mig_tag[0], S + 100);
	CHECK_EQ_U64(moves.mig_old[1], S + 6);
	CHECK_EQ_U64(moves.mig_new[1], new_pfn[1]);
	CHECK_EQ_U64(moves.mig_old[2], S + 5);
	CHECK_EQ_U64(moves.mig_new[2], new_pfn[2]);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 1);
	CHECK_EQ_U64(list_head(m, 0, 10, MODEL_MT_MOVABLE), S);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 9), 1);
	CHECK(kind_of(m, back_free) == MODEL_PFN_FREE_BUDDY);
	CHECK(kind_of(m, kept) == MODEL_PFN_ALLOCATED);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.compact_runs[MODEL_COMPACT_EXPLICIT], 2);
	CHECK_EQ_U64(ctr.compact_migrated, 3);
	CHECK_EQ_U64(ctr.compact_migrate_scanned, 1536 + 512);
	CHECK_EQ_U64(ctr.compact_free_scanned, 508);
	CHECK_MODEL(m);
	/* A free of a moved page arrives at its new pfn (the caller maps it). */
	free_page(m, new_pfn[2]);
	CHECK_EQ_U64(model_reclaimable_pages(m, 0), 2048 - 1533 - 5 - 1);
	CHECK_MODEL(m);
	model_destroy(m);
}

static void test_compact_memory_scanners(void)
{
	check_compact_memory_scanners(MODEL_PROFILE_6_1,
				      (const uint64_t[3]){ S + 2043, S + 2042, S + 2041 },
				      S + 2040, S + 2041);
	check_compact_memory_scanners(MODEL_PROFILE_6_18,
				      (const uint64_t[3]){ S + 1600, S + 2040, S + 2041 },
				      S + 2042, S + 1600);
}

/*
 * A large folio under explicit compaction (6.9+; Models: mm/compaction.c
 * skip_isolation_on_order(), isolate_migratepages_block(), compaction_alloc(),
 * compact_zone()'s -ENOMEM case). B0 holds only the order-2 movable
 * allocation at S+4 (allocated after S..S+3, it gets the order-2 buddy at
 * S+4); B1 and B2 are free; B3 is full but for @holes. Order -1 isolates
 * the folio whole (4 pages < 32: B0 scanned to its end).
 * (a) Holes S+1600 and the order-2 block S+2040: the free scanner takes
 *     S+1600 (1 < 4) and S+2040 (5 >= 4); the folio needs order 2: the
 *     order-2 list gives S+2040. B0 is free: one order-10 block at S with
 *     B1. S+1600 goes back. 4 pages migrated.
 * (b) Holes S+1600, S+1602, S+1604, S+1606 (single pages): the scanner
 *     takes all four (4 >= 4, stops at S+1607); no list of order >= 2 has a
 *     block, so the free scanner runs once more: the isolated pages already
 *     cover the pages to migrate, so it stops after the rest of B3 without
 *     taking any; compaction_alloc() fails, migrate_pages() returns -ENOMEM
 *     before the scanners met: the run ends CONTENDED (the kernel's
 *     compact_memory stops so at the first folio it cannot place). Nothing
 *     moves; the four pages go back.
 * Before 6.9 (profile 6.1) the folio is a compound page the scanner steps
 * over: nothing moves in either case.
 */
static struct model *folio_zone(enum model_profile profile, const uint64_t *holes,
				unsigned int nr_holes)
{
	struct model *m = pressure_zone_as(profile, false, true, 20, 8, 10, 12);

	for (unsigned int i = 0; i < 4; i++)
		alloc_at(m, MODEL_GFP_MOVABLE, S + i);
	alloc_order_at(m, 2, MODEL_GFP_MOVABLE, S + 4);
	for (unsigned int i = 8; i < ZONE_PAGES; i++)
		alloc_at(m, MODEL_GFP_MOVABLE, S + i);
	for (uint64_t p = S; p < S + 1536; p++)
		if (p < S + 4 || p >= S + 8)
			free_page(m, p);
	for (unsigned int i = 0; i < nr_holes; i++)
		free_page(m, holes[i]);
	return m;
}

static void test_compact_memory_large_folio(void)
{
	static const uint64_t a[] = { S + 1600, S + 2040, S + 2041, S + 2042, S + 2043 };
	static const uint64_t b[] = { S + 1600, S + 1602, S + 1604, S + 1606 };
	struct model_counters ctr;
	struct model *m = folio_zone(MODEL_PROFILE_6_18, a, 5);

	CHECK_EQ_U64(model_compact_memory(m), 4);
	CHECK_EQ_U64(moves.nr_migrated, 1);
	CHECK_EQ_U64(moves.mig_old[0], S + 4);
	CHECK_EQ_U64(moves.mig_new[0], S + 2040);
	CHECK_EQ_U64(moves.mig_tag[0], S + 4);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 1);
	CHECK(kind_of(m, S + 1600) == MODEL_PFN_FREE_BUDDY);
	CHECK(kind_of(m, S + 2043) == MODEL_PFN_ALLOCATED);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.compact_migrated, 4);
	CHECK_MODEL(m);
	model_destroy(m);

	m = folio_zone(MODEL_PROFILE_6_18, b, 4);
	CHECK_EQ_U64(model_compact_memory(m), 0);
	CHECK_EQ_U64(moves.nr_migrated, 0);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 10), 0);
	CHECK(kind_of(m, S + 4) == MODEL_PFN_ALLOCATED);
	for (unsigned int i = 0; i < 4; i++)
		CHECK(kind_of(m, b[i]) == MODEL_PFN_FREE_BUDDY);
	CHECK_MODEL(m);
	model_destroy(m);

	m = folio_zone(MODEL_PROFILE_6_1, a, 5);
	CHECK_EQ_U64(model_compact_memory(m), 0);
	CHECK_EQ_U64(moves.nr_migrated, 0);
	CHECK(kind_of(m, S + 4) == MODEL_PFN_ALLOCATED);
	CHECK_MODEL(m);
	model_destroy(m);
}

/* B0's odd pages and B3's even pages allocated, the rest of B0/B3 free, B1 and B2 full. */
static struct model *checkerboard_as(enum model_profile profile, unsigned int proactiveness)
{
	struct model *m = pressure_zone_as(profile, false, true, proactiveness, 8, 10, 12);

	fill(m, ZONE_PAGES);
	for (uint64_t k = 0; k < 512; k += 2) {
		free_page(m, S + k);
		free_page(m, S + 1536 + k + 1);
	}
	return m;
}

static struct model *checkerboard(unsigned int proactiveness)
{
	return checkerboard_as(MODEL_PROFILE_6_18, proactiveness);
}

/*
 * Proactive compaction (Models: mm/compaction.c kcompactd() proactive
 * branch, fragmentation_score_node(), __compact_finished(); spec 7.4).
 * Free: 512 order-0 pages (B0 evens, B3 odds): extfrag at order 9 is 100,
 * the node score 100 x 2048 / 2049 = 99. Proactiveness 20 (6.18): low 80,
 * high min(80 + min(10, 40), 100) = 90; 99 > 90 compacts. Round 1 takes
 * 32 sources S+1, S+3 .. S+63 (migrated last first: S+63 .. S+1); the free
 * scanner takes B3's S+1537 .. S+1599 (32 pages). Round 2 finishes B0
 * (finish_pageblock: same block as the last migration): 224 sources
 * S+65 .. S+511; the free scanner continues at S+1600 and takes S+1601 ..
 * S+2047 (224). Before 6.9 the split list hands out the highest first
 * (S+63 -> S+1599 .. S+1 -> S+1537; S+511 -> S+2047 .. S+65 -> S+1601); 6.9+
 * keeps the order-0 list in isolation order and hands out the lowest first
 * (S+63 -> S+1537 .. S+1 -> S+1599; S+511 -> S+1601 .. S+65 -> S+2047).
 * B0 is one free order-9 block, the score 0 <= 80: SUCCESS. With
 * proactiveness 10 the high mark is min(90 + 10, 100) = 100 and nothing
 * happens; with 0 never.
 */
static void check_proactive_moves(enum model_profile profile, const uint64_t new_pfn[4])
{
	struct model *m = checkerboard_as(profile, 20);
	struct model_counters ctr;

	CHECK_EQ_U64(model_compact_proactive(m), 1);
	CHECK_EQ_U64(moves.nr_migrated, 256);
	CHECK_EQ_U64(moves.mig_old[0], S + 63);
	CHECK_EQ_U64(moves.mig_new[0], new_pfn[0]);
	CHECK_EQ_U64(moves.mig_old[31], S + 1);
	CHECK_EQ_U64(moves.mig_new[31], new_pfn[1]);
	CHECK_EQ_U64(moves.mig_old[32], S + 511);
	CHECK_EQ_U64(moves.mig_new[32], new_pfn[2]);
	CHECK_EQ_U64(moves.mig_old[255], S + 65);
	CHECK_EQ_U64(moves.mig_new[255], new_pfn[3]);
	CHECK_EQ_U64(buddyinfo_at(m, 0, 9), 1);
	CHECK_EQ_U64(list_head(m, 0, 9, MODEL_MT_MOVABLE), S);
	CHECK_EQ_U64(model_fragmentation_score(m, 0), 0);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.compact_runs[MODEL_COMPACT_PROACTIVE], 1);
	CHECK_MODEL(m);
	model_destroy(m);
}

static void test_proactive_compaction(void)
{
	struct model *m = checkerboard(10);

	CHECK_EQ_U64(model_fragmentation_score(m, 0), 99);
	CHECK_EQ_U64(model_compact_proactive(m), 0);
	CHECK_EQ_U64(moves.nr_migrated, 0);
	model_destroy(m);

	m = checkerboard(0);
	CHECK_EQ_U64(model_compact_proactive(m), 0);
	model_destroy(m);

	check_proactive_moves(MODEL_PROFILE_6_1,
			      (const uint64_t[4]){ S + 1599, S + 1537, S + 2047, S + 1601 });
	check_proactive_moves(MODEL_PROFILE_6_18,
			      (const uint64_t[4]){ S + 1537, S + 1599, S + 1601, S + 2047 });
}

/*
 * Direct compaction for a costly order, async then sync (Models:
 * mm/page_alloc.c __alloc_pages_slowpath(), mm/compaction.c
 * try_to_compact_pages(), compaction_suitable(), isolate_migratepages_block()
 * skip_on_failure, isolate_freepages() stride, the skip hints). The
 * checkerboard, MIN 8, LOW 10, reclaim off: an order-4 GFP_HIGHUSER_MOVABLE
 * request finds no free block of order >= 4. compaction_suitable: free
 * 512 > LOW 10 + 2 x 16; fragmentation index at order 4 = 1000 -
 * (1000 + 512 x 1000 / 16) / 512 = 936 > 500. Async run: B0 is MOVABLE (a
 * movable request's source); isolation works in 16-page blocks, so
 * S+1 .. S+15 (8 pages) are isolated and the scan stops at S+16 (B0's skip
 * hint is set at the first isolation). The free scanner steps 32 pfns in
 * async mode: S+1536, S+1568 .. are all even, allocated pages, so B3, B2,
 * B1 yield nothing (hints set) and it ends at S: no target, the scanners
 * have met, the rescan finds nothing before the free scanner: COMPLETE, no
 * page moved. The sync run after the (absent) reclaim starts again at S
 * but every pageblock carries a skip hint: COMPLETE at once, and the zone's
 * compaction is deferred. Two direct runs, both failures at order 4, and
 * the request fails: would_fail 1.
 */
static void test_direct_compaction_async_stride(void)
{
	struct model *m = checkerboard(20);
	struct model_alloc_req req = {
		.order = 4, .gfp_flags = MODEL_GFP_HIGHUSER_MOVABLE, .preferred_node = -1,
		.req_flags = MODEL_REQ_NO_PCP | MODEL_REQ_SLOWPATH,
	};
	struct model_alloc_result res;
	struct model_counters ctr;
	uint64_t would_fail;

	model_counters_get(m, &ctr);
	would_fail = ctr.alloc_would_fail;	/* the fill's last 8 pages, below MIN */
	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	model_counters_get(m, &ctr);
	CHECK_EQ_U64(ctr.compact_runs[MODEL_COMPACT_DIRECT], 2);
	CHECK_EQ_U64(ctr.compact_fail[4], 2);
	CHECK_EQ_U64(ctr.compact_success[4], 0);
	CHECK_EQ_U64(ctr.compact_migrate_scanned, 16);
	CHECK_EQ_U64(moves.nr_migrated, 0);
	CHECK_EQ_U64(res.pfn, MODEL_PFN_NONE);
	CHECK_EQ_U64(ctr.alloc_would_fail, would_fail + 1);
	CHECK_MODEL(m);
	model_destroy(m);
}

/* Reclaim and compaction off: the new calls refuse, the config keeps its defaults. */
static void test_off_by_default(void)
{
	struct model_config c;
	struct model *m;

	base_config(&c, MODEL_PROFILE_6_18);
	CHECK_EQ_U64(c.compaction_proactiveness, 20);
	CHECK_EQ_U64(c.extfrag_threshold, 500);
	CHECK(!c.reclaim && !c.compaction);
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, S, ZONE_PAGES);
	m = model_create(&c);
	REQUIRE(m);
	CHECK(model_compact_memory(m) == -EOPNOTSUPP);
	CHECK(model_compact_proactive(m) == -EOPNOTSUPP);
	CHECK_EQ_U64(model_reclaimable_pages(m, 0), 0);
	model_destroy(m);
	c.compaction_proactiveness = 101;
	CHECK(model_create(&c) == NULL);
}

int main(void)
{
	test_kswapd_reclaims_to_high();
	test_direct_reclaim_stall();
	test_nothing_to_reclaim();
	test_compact_memory_scanners();
	test_compact_memory_large_folio();
	test_proactive_compaction();
	test_direct_compaction_async_stride();
	test_off_by_default();
	return TEST_REPORT();
}
