// SPDX-License-Identifier: MIT
/*
 * What-if mode: each mm_page_alloc is re-asked of the model, which picks its
 * own pfn; frees are tied to the allocation that produced the page through
 * a kernel-pfn -> model-pfn map (map.c); pages allocated before the capture
 * are freed at their own pfns. The model reclaims and compacts by itself
 * (cfg.reclaim, cfg.compaction): a reclaimed allocation's later frees are
 * skipped and counted, a migrated one's map entry follows it to its new
 * pfn; kcompactd's proactive check runs every 500 ms of trace time and
 * --compact-at compacts all memory once at the time asked.
 */
#include <errno.h>
#include <stdlib.h>

#include "reorder.h"
#include "replay_internal.h"

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
	if (order >= 64 || pfn < c->whatif.owned_base)
		return false;
	*i = pfn - c->whatif.owned_base;
	*n = 1ull << order;
	return *i < c->whatif.owned_len && *n <= c->whatif.owned_len - *i;
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

/* A map entry whose allocation the model reclaimed: its frees are skipped. */
#define PFN_RECLAIMED (MODEL_PFN_NONE - 1)
#define PROACTIVE_NS 500000000ull	/* HPAGE_FRAG_CHECK_INTERVAL_MSEC */

/* The tied allocation @tag (its kernel pfn) if the model holds it at @pfn. */
static struct pfn_map_entry *tied_at(struct replay_ctx *c, uint64_t tag, uint64_t pfn)
{
	struct pfn_map_entry *me;

	if (tag == MODEL_PFN_NONE || !(me = replay_pfn_map_get(&c->whatif.map, tag)) || me->val != pfn)
		return NULL;
	return me;
}

static void on_reclaimed(void *ctx, uint64_t tag, uint64_t pfn, unsigned int order)
{
	struct replay_ctx *c = ctx;
	struct pfn_map_entry *me = tied_at(c, tag, pfn);

	bits_set(c, c->whatif.owned, pfn, order, false);
	if (me)
		me->val = PFN_RECLAIMED;
	else
		c->whatif.reclaimed_untied++;
}

static void on_migrated(void *ctx, uint64_t tag, uint64_t old_pfn, uint64_t new_pfn,
			unsigned int order)
{
	struct replay_ctx *c = ctx;
	struct pfn_map_entry *me = tied_at(c, tag, old_pfn);

	bits_set(c, c->whatif.owned, old_pfn, order, false);
	bits_set(c, c->whatif.owned, new_pfn, order, true);
	if (me) {
		me->val = new_pfn;
		c->whatif.migrations_remapped++;
	}
}

/* Free blocks of pageblock order, counted in pageblocks, over the reported zones. */
uint64_t replay_whatif_hi_blocks(const struct replay_ctx *c)
{
	unsigned int pb = c->cfg->pageblock_order;
	uint64_t n = 0;

	for (unsigned int z = 0; z < model_zone_count(c->m); z++) {
		uint64_t bi[MODEL_MAX_ORDERS];

		if (model_zone_buddyinfo(c->m, z, bi))
			continue;
		for (unsigned int o = pb; o < c->cfg->nr_page_orders; o++)
			n += bi[o] << (o - pb);
	}
	return n;
}

/* Keep the start, lowest and last count of pageblock-order free blocks (at sample times). */
void replay_whatif_hi_blocks_note(struct replay_ctx *c)
{
	uint64_t n = replay_whatif_hi_blocks(c);

	if (!c->whatif.hi_blocks_seen) {
		c->whatif.hi_blocks_seen = true;
		c->whatif.hi_blocks_start = c->whatif.hi_blocks_min = n;
	}
	if (n < c->whatif.hi_blocks_min)
		c->whatif.hi_blocks_min = n;
	c->whatif.hi_blocks_end = n;
}

/*
 * Time-driven work before the event at @ts: kcompactd's proactive checks
 * every 500 ms (at most 64 at once after a long quiet stretch: that many
 * cover its longest deferral) and the one --compact-at compaction.
 */
void replay_whatif_time(struct replay_ctx *c, uint64_t ts)
{
	const struct model_config *cfg = c->cfg;
	int64_t at = c->opts->settings.compact_at_ns;

	if (!c->whatif.hi_blocks_seen)
		replay_whatif_hi_blocks_note(c);	/* the start state's count */

	if (cfg->compaction && cfg->compaction_proactiveness) {
		if (!c->whatif.next_proactive)
			c->whatif.next_proactive = replay_add_sat(ts, PROACTIVE_NS);
		for (unsigned int n = 0; ts >= c->whatif.next_proactive && n < 64; n++) {
			model_compact_proactive(c->m);
			c->whatif.next_proactive = replay_add_sat(c->whatif.next_proactive, PROACTIVE_NS);
		}
		if (ts >= c->whatif.next_proactive)
			c->whatif.next_proactive = replay_add_sat(ts, PROACTIVE_NS);
	}
	/* replay_rel_ns(): an event older than time 0 (a checkpoint set it) is at 0, not wrapped. */
	if (at >= 0 && !c->whatif.compact_at_done && c->clock.have_t0 && replay_rel_ns(c, ts) >= at) {
		c->whatif.compact_at_done = true;
		c->whatif.compact_at_migrated = model_compact_memory(c->m);
		replay_notable(c, ts, "compaction",
			       "compact_memory at %.3f s: %lld pages migrated, %llu free blocks of "
			       "pageblock order after", (double)replay_rel_ns(c, ts) / 1e9,
			       (long long)c->whatif.compact_at_migrated,
			       (unsigned long long)replay_whatif_hi_blocks(c));
	}
}

void replay_whatif_alloc(struct replay_ctx *c, const struct reorder_event *e)
{
	bool kernel_ok = e->pfn != TRACEFMT_PFN_NONE;
	struct model_alloc_req req = {
		.order = e->order,
		.gfp_flags = e->gfp,
		.cpu = replay_model_cpu(c, e->cpu),
		.preferred_node = -1,
		.req_flags = MODEL_REQ_SLOWPATH | (kernel_ok ? MODEL_REQ_MUST_SUCCEED : 0),
		.tag = kernel_ok ? e->pfn : MODEL_PFN_NONE,
	};
	struct model_alloc_result res;

	if (model_alloc_pages(c->m, &req, &res)) {
		res.pfn = MODEL_PFN_NONE;
		res.fail = MODEL_FAIL_ORDER;
		res.nr_fallbacks = 0;
		res.flags = 0;
	}
	replay_attribute(c, e->pid, e->gfp, res.pfn != MODEL_PFN_NONE, res.pfn == MODEL_PFN_NONE,
		  res.nr_fallbacks);
	if ((res.flags & MODEL_ALLOC_R_KSWAPD_WAKE) && !c->whatif.first_kswapd_reported) {
		c->whatif.first_kswapd_reported = true;
		replay_notable(c, e->ts, "kswapd", "first kswapd wake-up (order %u request)", e->order);
	}
	if (res.flags & MODEL_ALLOC_R_NO_WATERMARKS) {
		if (!c->whatif.first_breach_reported)
			replay_notable(c, e->ts, "watermark",
				"first watermark breach: order %u served below the min mark",
				e->order);
		c->whatif.first_breach_reported = true;
		c->whatif.breaches++;
	}
	if (res.pfn == MODEL_PFN_NONE) {
		if (e->order < REPLAY_MAX_ORDERS)
			c->whatif.fail[e->order]++;
		if (res.fail < MODEL_NR_ALLOC_FAIL)
			c->whatif.fail_reason[res.fail]++;
	}
	if (res.pfn == MODEL_PFN_NONE && e->order < REPLAY_MAX_ORDERS &&
	    c->whatif.first_fail_reported[e->order]++ == 0)
		replay_notable(c, e->ts, "failure", "first failed allocation of order %u (reason %d)",
			e->order, (int)res.fail);
	if (res.pfn != MODEL_PFN_NONE)
		bits_set(c, c->whatif.owned, res.pfn, e->order, true);
	if (kernel_ok && res.pfn == e->pfn)
		c->whatif.same_pfn++;
	if (kernel_ok) {
		struct pfn_map_entry *me = replay_pfn_map_put(&c->whatif.map, e->pfn);

		bits_set(c, c->whatif.tied, e->pfn, e->order, true);

		if (me) {
			me->val = res.pfn;
			me->order = e->order;
			me->left = 1u << e->order;
		}
	} else if (res.pfn != MODEL_PFN_NONE) {
		c->whatif.unfreed++;
	}
}

/* The allocation whose range holds @pfn: the head is at one of the aligned candidates. */
static struct pfn_map_entry *whatif_find(struct replay_ctx *c, uint64_t pfn, unsigned int order)
{
	for (unsigned int o = order; o < c->count.nr_fail_orders; o++) {
		struct pfn_map_entry *me = replay_pfn_map_get(&c->whatif.map, pfn & ~((1ull << o) - 1));

		/* the candidate head is at or below pfn: the difference cannot wrap */
		if (me && me->order >= order && me->order < 64 &&
		    pfn - me->key < (1ull << me->order))
			return me;
	}
	return NULL;
}

void replay_whatif_free(struct replay_ctx *c, const struct reorder_event *e)
{
	struct pfn_map_entry *me = bits_any(c, c->whatif.tied, e->pfn, e->order)
				   ? whatif_find(c, e->pfn, e->order) : NULL;
	struct model_free_result fr;
	uint64_t target;

	if (c->mm.nr_kswapd_pids || c->mm.nr_direct)
		replay_mm_whatif_free_note(c, e);
	if (me) {
		if (me->val == MODEL_PFN_NONE) {
			c->whatif.frees_of_failed++;
		} else if (me->val == PFN_RECLAIMED) {
			c->whatif.frees_of_reclaimed++;
		} else {
			target = me->val + (e->pfn - me->key);
			bits_set(c, c->whatif.owned, target, e->order, false);
			model_free_pages(c->m, target, e->order, replay_model_cpu(c, e->cpu), 0, &fr);
			replay_count_model_contra(c, fr.contradiction, e->ts, target);
		}
		bits_set(c, c->whatif.tied, e->pfn, e->order, false);
		if (me->left <= (1u << e->order))
			replay_pfn_map_del(&c->whatif.map, me);
		else
			me->left -= 1u << e->order;
		return;
	}
	/* allocated before the capture (or never seen): freed at its own pfn */
	c->whatif.untied_frees++;
	if (bits_any(c, c->whatif.owned, e->pfn, e->order)) {
		replay_count_contra(c, RC_WHATIF_FREE_CONFLICT, e->ts, e->pfn);
		return;
	}
	model_free_pages(c->m, e->pfn, e->order, replay_model_cpu(c, e->cpu), 0, &fr);
	replay_count_model_contra(c, fr.contradiction, e->ts, e->pfn);
}

int replay_whatif_init(struct replay_ctx *c)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];

		if (zc->start_pfn < lo)
			lo = zc->start_pfn;
		if (zc->start_pfn + zc->spanned_pages > hi)
			hi = zc->start_pfn + zc->spanned_pages;
	}
	/* aligned past the largest block, so that aligned blocks sit on whole words of the bitmaps */
	c->whatif.owned_base = lo & ~((1ull << MODEL_MAX_ORDERS) - 1);
	c->whatif.owned_len = hi > c->whatif.owned_base ? hi - c->whatif.owned_base : 0;
	c->whatif.owned = calloc(c->whatif.owned_len / 64 + 1, sizeof(uint64_t));
	c->whatif.tied = calloc(c->whatif.owned_len / 64 + 1, sizeof(uint64_t));
	if (!c->whatif.owned || !c->whatif.tied)
		return -ENOMEM;
	if (c->cfg->reclaim || c->cfg->compaction) {
		static const struct model_observer obs = {
			.reclaimed = on_reclaimed,
			.migrated = on_migrated,
		};

		model_observer_set(c->m, &obs, c);
	}
	c->whatif.compact_at_migrated = -1;
	return replay_pfn_map_init(&c->whatif.map, 1u << 12); /* it grows */
}

void replay_whatif_release(struct replay_ctx *c)
{
	free(c->whatif.owned);
	free(c->whatif.tied);
	replay_pfn_map_release(&c->whatif.map);
}
