/* SPDX-License-Identifier: MIT */
/*
 * Randomized operation streams against the model: allocations with an
 * order and gfp mix, whole and partial frees (pcp, direct, tail-placed),
 * forced allocations, pcp drains and decay, single-page pcp drains, pcp
 * entries re-routed to the buddy, free page reporting passes, watermark
 * boosts and re-anchoring, HIGHATOMIC learning and reserves, recorded zone
 * state, memory hotplug, and deliberate contradictions,
 * for both profiles on a one-node and a two-node layout. After every
 * operation model_check() must hold, and an independent page balance must
 * add up: pages free in the buddy + pages on pcp lists + pages this test
 * holds = every page of every zone span (model_populate freed them all).
 */
#include "model_test_util.h"

#define OPS 6000
#define MAX_LIVE 20000

struct live {
	uint64_t pfn;
	unsigned int order;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int pick_order(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);

	if (r < 70)
		return 0;
	if (r < 78)
		return 1;
	if (r < 84)
		return 2;
	if (r < 90)
		return 3;
	if (r < 94)
		return 4 + (unsigned int)(rnd() % 5);
	if (r < 98)
		return 9;
	return 10;
}

static const uint64_t gfps[] = {
	MODEL_GFP_KERNEL,
	MODEL_GFP_HIGHUSER_MOVABLE,
	MODEL_GFP_KERNEL | MODEL_GFP_RECLAIMABLE,
	MODEL_GFP_KERNEL | MODEL_GFP_DMA32,
	MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM,	/* GFP_ATOMIC (6.18 value) */
	MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM | MODEL_GFP_ATOMIC_6_1,
	MODEL_GFP_KSWAPD_RECLAIM,			/* GFP_NOWAIT */
	MODEL_GFP_KERNEL | MODEL_GFP_DMA,
	MODEL_GFP_HIGHUSER_MOVABLE | MODEL_GFP_THISNODE,
};

struct run {
	struct model *m;
	struct live live[MAX_LIVE];
	int nr_live;
	uint64_t held_pages, total_pages;
	unsigned int nr_cpus;
	int failures;
	int nr_hotplugs;
};

static void balance_check(struct run *r, int op)
{
	uint64_t pages = r->held_pages;
	char msg[256];

	for (unsigned int z = 0; z < model_zone_count(r->m); z++) {
		struct model_zone_info zi;

		model_zone_info_get(r->m, z, &zi);
		pages += zi.nr_free_pages + zi.nr_pcp_pages;
	}
	if (pages != r->total_pages && r->failures++ < 3)
		fprintf(stderr, "op %d: page balance %" PRIu64 " != %" PRIu64 "\n", op, pages,
			r->total_pages);
	CHECK(pages == r->total_pages);
	if (model_check(r->m, msg, sizeof(msg))) {
		if (r->failures++ < 3)
			fprintf(stderr, "op %d: model_check: %s\n", op, msg);
		CHECK(0);
	}
}

static void push_live(struct run *r, uint64_t pfn, unsigned int order)
{
	if (r->nr_live == MAX_LIVE)
		return;
	r->live[r->nr_live].pfn = pfn;
	r->live[r->nr_live].order = order;
	r->nr_live++;
	r->held_pages += (uint64_t)1 << order;
}

/* FNV-1a over everything the public API shows of the state. */
static uint64_t fingerprint(const struct model *m, unsigned int nr_cpus)
{
	uint64_t h = 1469598103934665603ull;
	uint64_t buf[64];

#define MIX(v)                                                                          \
	do {                                                                            \
		h ^= (uint64_t)(v);                                                     \
		h *= 1099511628211ull;                                                  \
	} while (0)
	for (unsigned int z = 0; z < model_zone_count(m); z++) {
		struct model_zone_info zi;
		uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];

		model_zone_info_get(m, z, &zi);
		MIX(zi.nr_free_pages);
		MIX(zi.watermark_boost);
		MIX(zi.flags);
		MIX(zi.nr_reserved_highatomic);
		model_zone_free_blocks(m, z, fb);
		for (int o = 0; o < MODEL_MAX_ORDERS; o++) {
			for (int mt = 0; mt < 5; mt++) {
				long n = model_free_list_get(m, z, (unsigned int)o, mt, buf, 64);

				MIX(fb[o][mt]);
				for (long i = 0; i < n && i < 64; i++) {
					struct model_pfn_state st;

					model_pfn_state_get(m, buf[i], &st);
					MIX(buf[i]);
					MIX(st.reported);
				}
			}
		}
		for (unsigned int c = 0; c < nr_cpus; c++) {
			struct model_pcp_info pi;

			model_pcp_info_get(m, z, c, &pi);
			MIX(pi.count);
			MIX(pi.high);
			MIX(pi.free_count);
			MIX(pi.alloc_factor);
			MIX(pi.free_factor);
			for (unsigned int p = 0; p < MODEL_NR_PCP_LISTS; p++) {
				long n = model_pcp_list_get(m, z, c, p, buf, 64);

				for (long i = 0; i < n && i < 64; i++)
					MIX(buf[i]);
			}
		}
		{
			uint64_t pbc[MODEL_MAX_MIGRATETYPES];

			model_zone_pageblock_counts(m, z, pbc);
			for (int mt = 0; mt < MODEL_MAX_MIGRATETYPES; mt++)
				MIX(pbc[mt]);
		}
	}
#undef MIX
	return h;
}

static void op_alloc(struct run *r)
{
	struct model_alloc_result pred;
	uint64_t before;
	struct model_alloc_req req = { 0 };
	struct model_alloc_result res;
	unsigned int rf = (unsigned int)(rnd() % 8);

	if (r->nr_live == MAX_LIVE)
		return;
	req.order = pick_order();
	req.gfp_flags = gfps[rnd() % (sizeof(gfps) / sizeof(gfps[0]))];
	req.cpu = (unsigned int)(rnd() % r->nr_cpus);
	req.preferred_node = -1;
	req.req_flags = (rf == 0 ? MODEL_REQ_NO_PCP : 0) | (rf == 1 ? MODEL_REQ_SLOWPATH : 0) |
			(rf == 2 ? MODEL_REQ_MUST_SUCCEED : 0);
	/* a prediction changes nothing and equals what the allocation then does */
	before = fingerprint(r->m, r->nr_cpus);
	REQUIRE(model_alloc_predict(r->m, &req, &pred) == 0);
	CHECK(fingerprint(r->m, r->nr_cpus) == before);
	REQUIRE(model_alloc_pages(r->m, &req, &res) == 0);
	CHECK(pred.pfn == res.pfn);
	CHECK(pred.flags == res.flags);
	CHECK(pred.refill_blocks == res.refill_blocks);
	CHECK(pred.pageblocks_changed == res.pageblocks_changed);
	if (res.pfn != MODEL_PFN_NONE) {
		CHECK(res.fail == MODEL_ALLOC_OK);
		CHECK((res.pfn & ((1u << req.order) - 1)) == 0);
		push_live(r, res.pfn, req.order);
	} else {
		CHECK(res.fail != MODEL_ALLOC_OK);
	}
}

static void op_free(struct run *r)
{
	struct model_free_result fr;
	static const unsigned int flag_mix[] = { 0, 0, 0, MODEL_FREE_BUDDY, MODEL_FREE_NO_DRAIN,
						 MODEL_FREE_TO_TAIL };
	int i;
	struct live l;
	unsigned int flags = flag_mix[rnd() % 6], cpu = (unsigned int)(rnd() % r->nr_cpus);

	if (!r->nr_live)
		return;
	i = (int)(rnd() % (uint64_t)r->nr_live);
	l = r->live[i];
	r->live[i] = r->live[--r->nr_live];
	r->held_pages -= (uint64_t)1 << l.order;
	if (l.order && rnd() % 4 == 0) {
		/* spec §3.1: a non-compound block freed as its upper halves, then the rest */
		for (int o = (int)l.order - 1; o >= 0; o--) {
			REQUIRE(model_free_pages(r->m, l.pfn + ((uint64_t)1 << o), (unsigned int)o, cpu,
						 flags, &fr) == 0);
			CHECK(fr.contradiction == MODEL_CONTRA_NONE);
		}
		REQUIRE(model_free_pages(r->m, l.pfn, 0, cpu, flags, &fr) == 0);
	} else {
		REQUIRE(model_free_pages(r->m, l.pfn, l.order, cpu, flags, &fr) == 0);
	}
	CHECK(fr.contradiction == MODEL_CONTRA_NONE);
}

/* A random aligned block inside some zone. */
static bool random_block(struct run *r, unsigned int order, uint64_t *pfn)
{
	unsigned int z = (unsigned int)(rnd() % model_zone_count(r->m));
	struct model_zone_info zi;
	uint64_t p;

	model_zone_info_get(r->m, z, &zi);
	if (!zi.spanned_pages)
		return false;
	p = (zi.start_pfn + rnd() % zi.spanned_pages) & ~(((uint64_t)1 << order) - 1);
	if (p < zi.start_pfn || p + ((uint64_t)1 << order) > zi.start_pfn + zi.spanned_pages)
		return false;
	*pfn = p;
	return true;
}

static void op_force(struct run *r)
{
	unsigned int order = (unsigned int)(rnd() % 4);
	struct model_pfn_state st;
	struct model_force_result fo;
	uint64_t pfn;

	if (!random_block(r, order, &pfn))
		return;
	model_pfn_state_get(r->m, pfn, &st);
	if (st.kind != MODEL_PFN_FREE_BUDDY && st.kind != MODEL_PFN_ON_PCP)
		return;
	if (st.head_pfn + ((uint64_t)1 << st.order) < pfn + ((uint64_t)1 << order))
		return;	/* the block is smaller than the range: part is not free */
	REQUIRE(model_force_alloc(r->m, pfn, order, -1, MODEL_MT_MOVABLE, &fo) == 0);
	CHECK(fo.contradiction == MODEL_CONTRA_NONE);
	push_live(r, pfn, order);
}

/* A random page (a block of order 0) and its state; false when there is none. */
static bool random_page(struct run *r, uint64_t *pfn, struct model_pfn_state *st)
{
	if (!random_block(r, 0, pfn))
		return false;
	model_pfn_state_get(r->m, *pfn, st);
	return true;
}

/*
 * A random pcp entry moves to the buddy: drained (mm_page_pcpu_drain), or
 * re-routed because its free "really" went direct (pcp trylock failure).
 */
static void op_pcp_to_buddy(struct run *r, bool drain)
{
	struct model_pfn_state st;
	struct model_free_result fr;
	uint64_t pfn;

	if (!random_page(r, &pfn, &st) || st.kind != MODEL_PFN_ON_PCP)
		return;
	if (drain)
		REQUIRE(model_pcpu_drain_page(r->m, st.head_pfn, st.order, &fr) == 0);
	else
		REQUIRE(model_pcp_unlink_to_buddy(r->m, st.head_pfn, st.order, &fr) == 0);
	CHECK(fr.contradiction == MODEL_CONTRA_NONE);
}

static void op_contradiction(struct run *r)
{
	struct model_pfn_state st;
	struct model_free_result fr;
	uint64_t pfn;

	if (!random_page(r, &pfn, &st) ||
	    (st.kind != MODEL_PFN_FREE_BUDDY && st.kind != MODEL_PFN_ON_PCP))
		return;
	REQUIRE(model_free_pages(r->m, pfn, 0, 0, 0, &fr) == 0);
	CHECK(fr.contradiction == MODEL_CONTRA_ALREADY_FREE);
}

static void op_reporting(struct run *r)
{
	struct model_report_result rr;
	int zone = rnd() % 2 ? -1 : (int)(rnd() % model_zone_count(r->m));

	REQUIRE(model_page_reporting_run(r->m, zone, &rr) == 0);
	CHECK(rr.blocks_reported + rr.blocks_merged <= 32 * rr.nr_reports);
}

/* Boost steps, a recorded boost, or the zone's own state taken back as recorded. */
static void op_zone_state(struct run *r)
{
	unsigned int z = (unsigned int)(rnd() % model_zone_count(r->m));
	struct model_zone_info zi;
	struct model_zone_state st = { 0 };

	switch (rnd() % 3) {
	case 0:
		CHECK(model_zone_boost_watermark(r->m, z) >= 0);
		break;
	case 1:
		REQUIRE(model_zone_boost_set(r->m, z, rnd() % 2048) == 0);
		break;
	default:
		model_zone_info_get(r->m, z, &zi);
		st.spanned_pages = zi.spanned_pages;
		st.present_pages = zi.present_pages;
		st.managed_pages = zi.managed_pages;
		st.wmark_min = zi.wmark_min + rnd() % 8;
		st.wmark_low = st.wmark_min + zi.wmark_low - zi.wmark_min;
		st.wmark_high = st.wmark_low + zi.wmark_high - zi.wmark_low;
		st.wmark_promo = st.wmark_high + zi.wmark_promo - zi.wmark_high;
		st.watermark_boost = zi.watermark_boost;
		REQUIRE(model_zone_state_set(r->m, z, &st) == 0);
	}
}

/* HIGHATOMIC learnt from a trace (claim), released, or reserved for an allocation. */
static void op_highatomic(struct run *r)
{
	uint64_t pfn;

	if (!random_block(r, 0, &pfn))
		return;
	switch (rnd() % 3) {
	case 0:
		REQUIRE(model_pageblock_claim(r->m, pfn, MODEL_MT_HIGHATOMIC) == 0);
		break;
	case 1:
		REQUIRE(model_pageblock_claim(r->m, pfn, (int)(rnd() % 3)) == 0);
		break;
	default:
		CHECK(model_pageblock_reserve_highatomic(r->m, pfn, (unsigned int)(rnd() % 4)) >= 0);
	}
}

/* Memory appearing at the end of the last zone, a few times per run. */
static void op_hotplug(struct run *r)
{
	unsigned int last = model_zone_count(r->m) - 1;
	struct model_zone_info zi;

	if (r->nr_hotplugs >= 4)
		return;
	model_zone_info_get(r->m, last, &zi);
	REQUIRE(model_zone_add_pages(r->m, last, zi.start_pfn + zi.spanned_pages, 2048) == 0);
	r->total_pages += 2048;
	r->nr_hotplugs++;
}

static void run_one(struct model_config *c, uint64_t seed, unsigned int alloc_pct)
{
	static struct run r;
	struct model_counters ctr;

	memset(&r, 0, sizeof(r));
	rng_state = seed;
	r.m = model_create(c);
	REQUIRE(r.m);
	r.nr_cpus = c->nr_cpus;
	for (unsigned int z = 0; z < c->nr_zones; z++)
		r.total_pages += c->zones[z].spanned_pages;
	REQUIRE(model_populate(r.m) == 0);
	balance_check(&r, -1);
	for (int op = 0; op < OPS; op++) {
		unsigned int k = (unsigned int)(rnd() % 100);

		if (k < alloc_pct)
			op_alloc(&r);
		else if (k < 83)
			op_free(&r);
		else if (k < 87)
			op_force(&r);
		else if (k < 88)
			model_drain_pcp(r.m, rnd() % 2 ? -1 : (int)(rnd() % r.nr_cpus));
		else if (k < 89)
			model_pcp_decay(r.m, -1);
		else if (k < 91)
			op_pcp_to_buddy(&r, true);
		else if (k < 92)
			model_kswapd_sleep(r.m, -1);
		else if (k == 92) {
			struct model_alloc_req req = { 0 };

			req.gfp_flags = gfps[rnd() % (sizeof(gfps) / sizeof(gfps[0]))];
			req.preferred_node = -1;
			model_unreserve_highatomic(r.m, &req, rnd() % 2);
		} else if (k < 95)
			op_pcp_to_buddy(&r, false);
		else if (k == 95)
			op_reporting(&r);
		else if (k == 96)
			op_zone_state(&r);
		else if (k == 97)
			op_highatomic(&r);
		else if (k == 98 && rnd() % 8 == 0)
			op_hotplug(&r);
		else
			op_contradiction(&r);
		balance_check(&r, op);
	}
	/* give everything back: the zones must end fully merged and free */
	while (r.nr_live)
		op_free(&r);
	model_drain_pcp(r.m, -1);
	balance_check(&r, OPS);
	model_counters_get(r.m, &ctr);
	CHECK(ctr.alloc_success > 1000);
	CHECK(ctr.fallbacks > 0);
	if (alloc_pct > 55)	/* memory kept near exhaustion: single-page steals must occur */
		CHECK(ctr.steals > 0);
	fprintf(stderr, "  %" PRIu64 " allocs (%" PRIu64 " ok), %" PRIu64 " fallbacks, %" PRIu64
		" claims, %" PRIu64 " steals, %" PRIu64 " pcp drains, %" PRIu64 " highatomic reserves, %"
		PRIu64 " reporting passes, %" PRIu64 " blocks reported, %d hotplugs\n",
		ctr.allocs, ctr.alloc_success, ctr.fallbacks, ctr.claims, ctr.steals, ctr.pcp_drains,
		ctr.highatomic_reserves, ctr.reporting_passes, ctr.reported_blocks, r.nr_hotplugs);
	model_destroy(r.m);
}

int main(void)
{
	for (int p = MODEL_PROFILE_6_1; p <= MODEL_PROFILE_6_18; p++) {
		struct model_config c;

		model_config_init(&c, (enum model_profile)p);
		c.nr_cpus = 4;
		c.pcp_batch = 8;
		model_config_add_zone(&c, 0, MODEL_ZONE_DMA, 1, 4095);
		model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 16384);
		model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 32768);
		c.page_reporting_order = 9;
		fprintf(stderr, "profile %d, one node\n", p);
		run_one(&c, 0x9e3779b97f4a7c15ull + (uint64_t)p, 55);
		run_one(&c, 0x51ed270b1ee5c4a1ull + (uint64_t)p, 75);

		model_config_init(&c, (enum model_profile)p);
		c.nr_cpus = 4;
		c.nr_nodes = 2;
		c.cpu_node[2] = c.cpu_node[3] = 1;
		c.min_free_kbytes = 512;
		model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 8192);
		model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, NORMAL_START, 16384);
		model_config_add_zone(&c, 1, MODEL_ZONE_NORMAL, 2 * NORMAL_START, 16384);
		c.page_reporting_order = 5;
		c.cpu_llc_bytes[0] = c.cpu_llc_bytes[1] = 1u << 20;
		c.cpu_llc_shared[0] = c.cpu_llc_shared[1] = 2;
		fprintf(stderr, "profile %d, two nodes\n", p);
		run_one(&c, 0x1234567887654321ull + (uint64_t)p, 55);
	}
	return TEST_REPORT();
}
