/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator proper: free lists, splitting (expand), merging
 * (__free_one_page) with head/tail placement, the smallest-first search,
 * the per-version fallback (6.1 largest-first steal, 6.18 claim then steal),
 * watermark boosting, the watermark checks, the zonelist walk with the
 * ALLOC_NOFRAGMENT first pass, and the public alloc/free/force-alloc entry
 * points. Written from spec/page-allocator.md sections 1-3, 5 and 10; the
 * pcp side lives in pcp.c.
 */
#include <errno.h>
#include <string.h>

#include "mmzone.h"

enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };

/* Fallback order per request type (spec 2.8 table). */
static const int fallbacks[MODEL_MIGRATE_PCPTYPES][2] = {
	[MODEL_MT_UNMOVABLE] = { MODEL_MT_RECLAIMABLE, MODEL_MT_MOVABLE },
	[MODEL_MT_MOVABLE] = { MODEL_MT_RECLAIMABLE, MODEL_MT_UNMOVABLE },
	[MODEL_MT_RECLAIMABLE] = { MODEL_MT_UNMOVABLE, MODEL_MT_MOVABLE },
};

/* ---------------------------------------------------------------------- */
/* Free lists                                                             */
/* ---------------------------------------------------------------------- */

/*
 * Models: mm/page_alloc.c __add_to_free_list(), v6.1/v6.18 (spec §1.3, §3.7).
 */
void model_add_to_free_list(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		      bool tail)
{
	uint32_t n = pfn_node(z, pfn), l = buddy_list(order, mt);
	uint64_t pages = (uint64_t)1 << order;

	st_set(z, pfn, st_buddy(mt, order));
	if (tail)
		list_add_tail(z, l, n);
	else
		list_add_head(z, l, n);
	zone_add(z, &z->nr_free[order], 1);
	zone_add(z, &z->list_blocks[order][mt], 1);
	zone_add(z, &z->free_pages_mt[mt], (int64_t)pages);
	if (mt != m->mt_isolate)
		zone_add(z, &z->nr_free_pages, (int64_t)pages);
}

/*
 * Models: mm/page_alloc.c del_page_from_free_list(), v6.1/v6.18 (spec §1.3).
 */
void model_del_from_free_list(struct model *m, struct zone *z, uint64_t pfn)
{
	uint8_t s = *pfn_state(z, pfn);
	unsigned int order = st_order(s);
	int mt = st_mt(s);
	uint64_t pages = (uint64_t)1 << order;

	page_reported_clear(m, z, pfn, order);
	list_unlink(z, pfn_node(z, pfn));
	zone_add(z, &z->nr_free[order], -1);
	zone_add(z, &z->list_blocks[order][mt], -1);
	zone_add(z, &z->free_pages_mt[mt], -(int64_t)pages);
	if (mt != m->mt_isolate)
		zone_add(z, &z->nr_free_pages, -(int64_t)pages);
	st_set(z, pfn, ST_FREE_TAIL);	/* a merge makes it a tail; allocations overwrite it */
}

/*
 * Models: mm/page_alloc.c move_to_free_list(), v6.1/v6.18 (spec §1.3: bulk moves go to the tail).
 */
void model_move_to_free_list(struct model *m, struct zone *z, uint64_t pfn, int mt)
{
	unsigned int order = st_order(*pfn_state(z, pfn));
	bool reported = z->reported && order >= m->report_order && page_reported(m, z, pfn);

	model_del_from_free_list(m, z, pfn);
	model_add_to_free_list(m, z, pfn, order, mt, true);
	if (reported)	/* list_move_tail() keeps PageReported */
		page_reported_set(m, z, pfn, true);
}

/*
 * Record who holds an allocated range (the claim heuristic reads it, spec 10 item 5).
 *
 * Models: mm/page_alloc.c prep_new_page() (movable-page heuristic of spec §10 item 5), v6.1/v6.18
 */
void model_mark_allocated(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt)
{
	(void)m;
	st_fill(z, pfn, mt == MODEL_MT_MOVABLE ? ST_ALLOC_MOVABLE : ST_ALLOC, (size_t)1 << order);
}

/* ---------------------------------------------------------------------- */
/* Merging                                                                */
/* ---------------------------------------------------------------------- */

/* A free block of exactly @order at @pfn inside the zone? */
static bool is_free_buddy_at(struct zone *z, uint64_t pfn, unsigned int order)
{
	uint8_t s;

	if (!zone_has_pfn(z, pfn))
		return false;
	s = *pfn_state(z, pfn);
	return st_is_buddy(s) && st_order(s) == order;
}

/*
 * Tail placement when the parent's buddy is free one order up, so the
 * block is likely to merge soon. Never for the two largest orders.
 *
 * Models: mm/page_alloc.c buddy_merge_likely(), v6.1/v6.18 (spec §3.6).
 */
static bool buddy_merge_likely(const struct model *m, struct zone *z, uint64_t pfn,
			       unsigned int order)
{
	uint64_t parent;

	if (order + 2 >= m->nr_orders)
		return false;
	parent = pfn & ~((uint64_t)1 << order);
	return is_free_buddy_at(z, parent ^ ((uint64_t)1 << (order + 1)), order + 1);
}

/*
 * Merge with free buddies up to the top order and insert at head or tail.
 * At pageblock order and above, HIGHATOMIC/CMA/ISOLATE never merge with a
 * different type; 6.18 retypes a mergeable buddy of another type.
 *
 * Models: mm/page_alloc.c __free_one_page(), v6.1/v6.18 (spec §3.6).
 */
void model___free_one_page(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     bool to_tail, struct model_free_result *res)
{
	/* the whole block, head included: a merge with a lower buddy makes the head a tail */
	st_fill(z, pfn, ST_FREE_TAIL, (size_t)1 << order);
	while (order < m->max_order) {
		uint64_t buddy = pfn ^ ((uint64_t)1 << order);
		int bmt = mt;

		if (!is_free_buddy_at(z, buddy, order))
			break;
		if (order >= m->pb_order) {
			bmt = get_pageblock_migratetype(m, z, buddy);
			if (bmt != mt && (!is_migrate_mergeable(mt) || !is_migrate_mergeable(bmt)))
				break;
		}
		model_del_from_free_list(m, z, buddy);
		if (m->is_618 && bmt != mt)
			model_change_pageblock_range(m, z, buddy, order, mt);
		pfn &= ~((uint64_t)1 << order);
		order++;
	}
	if (!to_tail)
		to_tail = buddy_merge_likely(m, z, pfn, order);
	model_add_to_free_list(m, z, pfn, order, mt, to_tail);
	page_reporting_notify_free(m, order);
	if (res) {
		res->merged_pfn = pfn;
		res->merged_order = order;
	}
}

/*
 * Direct buddy free: 6.18 frees blocks larger than a pageblock piece by
 * piece, each under its own pageblock's type; 6.1 frees the whole block
 * under the first block's type (or @mt when given).
 *
 * Models: mm/page_alloc.c free_one_page() / split_large_buddy(), v6.1/v6.18 (spec §3.5).
 */
static void free_one_page(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			  int mt, bool to_tail, struct model_free_result *res)
{
	if (m->is_618) {
		unsigned int piece = order > m->pb_order ? m->pb_order : order;
		uint64_t end = pfn + ((uint64_t)1 << order);

		for (; pfn < end; pfn += (uint64_t)1 << piece)
			model___free_one_page(m, z, pfn, piece, get_pageblock_migratetype(m, z, pfn),
					to_tail, res);
		return;
	}
	if (mt < 0)
		mt = get_pageblock_migratetype(m, z, pfn);
	model___free_one_page(m, z, pfn, order, mt, to_tail, res);
}

/* ---------------------------------------------------------------------- */
/* Taking blocks                                                          */
/* ---------------------------------------------------------------------- */

/*
 * Split a block of order @high at @pfn down to @low: the upper halves go to
 * the heads of free_list[@mt], the caller keeps the lowest pages.
 *
 * Models: mm/page_alloc.c expand(), v6.1/v6.18 (spec §2.6).
 */
static void expand(struct model *m, struct zone *z, uint64_t pfn, unsigned int low,
		   unsigned int high, int mt)
{
	while (high > low) {
		high--;
		model_add_to_free_list(m, z, pfn + ((uint64_t)1 << high), high, mt, false);
	}
}

/*
 * Models: mm/page_alloc.c __rmqueue_smallest(), v6.1/v6.18 (spec §2.6).
 */
static uint64_t __rmqueue_smallest(struct model *m, struct zone *z, unsigned int order, int mt)
{
	for (unsigned int o = order; o < m->nr_orders; o++) {
		uint32_t l = buddy_list(o, mt);
		uint64_t pfn;

		if (list_empty(z, l))
			continue;
		pfn = node_pfn(z, list_first(z, l));
		model_del_from_free_list(m, z, pfn);
		expand(m, z, pfn, order, o, mt);
		m->last_list_mt = mt;
		if (m->obs.zone_locked)
			m->obs.zone_locked(m->obs_ctx, pfn, order, mt,
					   model_pcp_allowed_order(m, order) &&
						   mt < MODEL_MIGRATE_PCPTYPES);
		return pfn;
	}
	return MODEL_PFN_NONE;
}

/*
 * One boost step of @z; false when the zone never boosts.
 *
 * Models: mm/page_alloc.c boost_watermark(), v6.1/v6.18 (spec §5.4).
 */
bool model_zone_boost_step(struct model *m, struct zone *z)
{
	if (!model_formulas_boost_max(z->managed, z->wmark[WMARK_HIGH], &m->fs))
		return false;
	zone_set(z, &z->watermark_boost,
		 model_formulas_boost_step(z->managed, z->wmark[WMARK_HIGH], z->watermark_boost,
					   &m->fs));
	m->ctr.boosts++;
	return true;
}

/*
 * Models: mm/page_alloc.c boost_watermark(), v6.1/v6.18 (spec §5.4).
 */
static bool boost_watermark(struct model *m, struct zone *z)
{
	if (!model_zone_boost_step(m, z))
		return false;
	m->res->boosts++;
	m->res->flags |= MODEL_ALLOC_R_BOOST;
	return true;
}

/*
 * Models: mm/page_alloc.c should_try_claim_block() / can_steal_fallback(), v6.1/v6.18 (spec §2.8).
 */
static bool should_try_claim_block(const struct model *m, unsigned int order, int start_mt)
{
	return order >= m->pb_order || order >= m->pb_order / 2 ||
	       start_mt == MODEL_MT_RECLAIMABLE || start_mt == MODEL_MT_UNMOVABLE ||
	       m->mobility_disabled;
}

/*
 * First fallback type with a non-empty list at @order; -1 none, -2 (6.18
 * claim search only) "stop: not claim-worthy below here".
 *
 * Models: mm/page_alloc.c find_suitable_fallback(), v6.1/v6.18 (spec §2.8).
 */
int find_suitable_fallback(const struct model *m, const struct zone *z, unsigned int order, int mt,
			   bool claimable)
{
	if (!z->nr_free[order])
		return -1;
	if (claimable && !should_try_claim_block(m, order, mt))
		return -2;
	for (int i = 0; i < 2; i++) {
		int fb = fallbacks[mt][i];

		if (!list_empty(z, buddy_list(order, fb)))
			return fb;
	}
	return -1;
}

/*
 * Models: include/trace/events/kmem.h mm_page_alloc_extfrag, v6.1/v6.18 (spec §6.2)
 */
static void note_fallback(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			  unsigned int fb_order, int start_mt, int fb_mt, bool claimed)
{
	bool owned = get_pageblock_migratetype(m, z, pfn) == start_mt;

	m->ctr.fallbacks++;
	m->res->nr_fallbacks++;
	m->res->fallback_order = fb_order;
	m->res->fallback_mt = fb_mt;
	m->res->flags |= MODEL_ALLOC_R_FALLBACK |
			 (claimed ? MODEL_ALLOC_R_CLAIM : MODEL_ALLOC_R_STEAL);
	if (claimed)
		m->ctr.claims++;
	else
		m->ctr.steals++;
	if (m->obs.extfrag)
		m->obs.extfrag(m->obs_ctx, pfn, order, fb_order, start_mt, fb_mt, owned);
}

/*
 * 6.1: take the fallback block, move it (or, claim-worthy, the whole
 * pageblock's free pages) to the start type's list tails; convert the block
 * when free + alike pages reach half a pageblock.
 *
 * Models: mm/page_alloc.c steal_suitable_fallback(), v6.1 (spec §2.8 A).
 * Return: true when the pageblock was converted.
 */
static bool steal_suitable_fallback(struct model *m, struct zone *z, uint64_t pfn,
				    unsigned int cur_order, unsigned int alloc_flags, int start_mt,
				    bool whole_block)
{
	int old = get_pageblock_migratetype(m, z, pfn);
	uint64_t free_pages, movable, alike;

	if (old == MODEL_MT_HIGHATOMIC)
		goto single_page;
	if (cur_order >= m->pb_order) {
		model_change_pageblock_range(m, z, pfn, cur_order, start_mt);
		model_move_to_free_list(m, z, pfn, start_mt);
		return true;
	}
	if (boost_watermark(m, z) && (alloc_flags & MODEL_ALLOC_KSWAPD))
		zone_flags_set(z, MODEL_ZONE_BOOSTED_WATERMARK);
	if (!whole_block)
		goto single_page;
	free_pages = model_move_freepages_block(m, z, pfn, start_mt, &movable);
	if (!free_pages)
		goto single_page;
	if (start_mt == MODEL_MT_MOVABLE)
		alike = movable;
	else if (old == MODEL_MT_MOVABLE)
		alike = m->pb_nr - (free_pages + movable);
	else
		alike = 0;
	if (free_pages + alike >= m->pb_nr / 2 || m->mobility_disabled) {
		model_set_pageblock_migratetype(m, z, pfn, start_mt);
		return true;
	}
	return false;

single_page:
	model_move_to_free_list(m, z, pfn, start_mt);
	return false;
}

/*
 * Models: mm/page_alloc.c __rmqueue_fallback(), v6.1 (spec §2.8 A).
 * Return: true when something was moved to the start type's lists.
 */
static bool __rmqueue_fallback_61(struct model *m, struct zone *z, unsigned int order,
				  int start_mt, unsigned int alloc_flags)
{
	unsigned int min_order = order;
	int o, fb = -1;
	bool can;
	uint64_t pfn;

	if (order < m->pb_order && (alloc_flags & MODEL_ALLOC_NOFRAGMENT))
		min_order = m->pb_order;
	for (o = (int)m->max_order; o >= (int)min_order; o--) {
		fb = find_suitable_fallback(m, z, (unsigned int)o, start_mt, false);
		if (fb < 0)
			continue;
		can = should_try_claim_block(m, (unsigned int)o, start_mt);
		if (!can && start_mt == MODEL_MT_MOVABLE && (unsigned int)o > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (o = (int)order; o < (int)m->nr_orders; o++) {
		fb = find_suitable_fallback(m, z, (unsigned int)o, start_mt, false);
		if (fb >= 0)
			break;
	}
	if (fb < 0)	/* cannot happen: a larger fallback block was seen above */
		return false;
	can = should_try_claim_block(m, (unsigned int)o, start_mt);

do_steal:
	pfn = node_pfn(z, list_first(z, buddy_list((unsigned int)o, fb)));
	can = steal_suitable_fallback(m, z, pfn, (unsigned int)o, alloc_flags, start_mt, can);
	note_fallback(m, z, pfn, order, (unsigned int)o, start_mt, fb, can);
	return true;
}

/*
 * Models: mm/page_alloc.c try_to_claim_block(), v6.18 (spec §2.8 C).
 */
static uint64_t try_to_claim_block(struct model *m, struct zone *z, uint64_t pfn,
				   unsigned int cur_order, unsigned int order, int start_mt,
				   int block_mt, unsigned int alloc_flags)
{
	uint64_t free_pages, movable, alike;

	if (cur_order >= m->pb_order) {
		model_del_from_free_list(m, z, pfn);
		model_change_pageblock_range(m, z, pfn, cur_order, start_mt);
		expand(m, z, pfn, order, cur_order, start_mt);
		return pfn;
	}
	if (boost_watermark(m, z) && (alloc_flags & MODEL_ALLOC_KSWAPD))
		zone_flags_set(z, MODEL_ZONE_BOOSTED_WATERMARK);
	if (!model_pageblock_in_zone(m, z, pfn))
		return MODEL_PFN_NONE;
	model_pageblock_count_pages(m, z, pfn, &free_pages, &movable);
	if (start_mt == MODEL_MT_MOVABLE)
		alike = movable;
	else if (block_mt == MODEL_MT_MOVABLE)
		alike = m->pb_nr - (free_pages + movable);
	else
		alike = 0;
	if (free_pages + alike >= m->pb_nr / 2 || m->mobility_disabled) {
		model_move_freepages_block(m, z, pfn, start_mt, NULL);
		model_set_pageblock_migratetype(m, z, pfn, start_mt);
		return __rmqueue_smallest(m, z, order, start_mt);
	}
	return MODEL_PFN_NONE;
}

/*
 * Models: mm/page_alloc.c __rmqueue_claim(), v6.18 (spec §2.8 C).
 */
static uint64_t __rmqueue_claim(struct model *m, struct zone *z, unsigned int order, int start_mt,
				unsigned int alloc_flags)
{
	unsigned int min_order = order;

	if (order < m->pb_order && (alloc_flags & MODEL_ALLOC_NOFRAGMENT))
		min_order = m->pb_order;
	for (int o = (int)m->max_order; o >= (int)min_order; o--) {
		int fb = find_suitable_fallback(m, z, (unsigned int)o, start_mt, true);
		uint64_t pfn;

		if (fb == -1)
			continue;
		if (fb == -2)
			break;
		pfn = node_pfn(z, list_first(z, buddy_list((unsigned int)o, fb)));
		pfn = try_to_claim_block(m, z, pfn, (unsigned int)o, order, start_mt, fb,
					 alloc_flags);
		if (pfn != MODEL_PFN_NONE) {
			m->last_list_mt = start_mt;
			note_fallback(m, z, pfn, order, (unsigned int)o, start_mt, fb, true);
			return pfn;
		}
	}
	return MODEL_PFN_NONE;
}

/*
 * Models: mm/page_alloc.c __rmqueue_steal(), v6.18 (spec §2.8 C).
 */
static uint64_t __rmqueue_steal(struct model *m, struct zone *z, unsigned int order, int start_mt)
{
	for (unsigned int o = order; o < m->nr_orders; o++) {
		int fb = find_suitable_fallback(m, z, o, start_mt, false);
		uint64_t pfn;

		if (fb < 0)
			continue;
		pfn = node_pfn(z, list_first(z, buddy_list(o, fb)));
		model_del_from_free_list(m, z, pfn);
		expand(m, z, pfn, order, o, fb);
		m->last_list_mt = fb;
		note_fallback(m, z, pfn, order, o, start_mt, fb, false);
		return pfn;
	}
	return MODEL_PFN_NONE;
}

/*
 * The per-zone search under the zone lock: exact type, CMA, then fallback.
 * @mode carries 6.18's remembered mode across one rmqueue_bulk.
 *
 * Models: mm/page_alloc.c __rmqueue(), v6.1/v6.18 (spec §2.7).
 */
uint64_t model___rmqueue(struct model *m, struct zone *z, unsigned int order, int mt,
		   unsigned int alloc_flags, int *mode)
{
	uint64_t pfn;

	if (m->mt_cma >= 0 && (alloc_flags & MODEL_ALLOC_CMA) &&
	    z->free_pages_mt[m->mt_cma] > z->nr_free_pages / 2) {
		pfn = __rmqueue_smallest(m, z, order, m->mt_cma);
		if (pfn != MODEL_PFN_NONE)
			return pfn;
	}
	if (!m->is_618) {
		for (;;) {
			pfn = __rmqueue_smallest(m, z, order, mt);
			if (pfn != MODEL_PFN_NONE)
				return pfn;
			if (m->mt_cma >= 0 && (alloc_flags & MODEL_ALLOC_CMA)) {
				pfn = __rmqueue_smallest(m, z, order, m->mt_cma);
				if (pfn != MODEL_PFN_NONE)
					return pfn;
			}
			if (!__rmqueue_fallback_61(m, z, order, mt, alloc_flags))
				return MODEL_PFN_NONE;
		}
	}
	switch (*mode) {
	case RMQUEUE_NORMAL:
		pfn = __rmqueue_smallest(m, z, order, mt);
		if (pfn != MODEL_PFN_NONE)
			return pfn;
		/* fallthrough */
	case RMQUEUE_CMA:
		if (m->mt_cma >= 0 && (alloc_flags & MODEL_ALLOC_CMA)) {
			pfn = __rmqueue_smallest(m, z, order, m->mt_cma);
			if (pfn != MODEL_PFN_NONE) {
				*mode = RMQUEUE_CMA;
				return pfn;
			}
		}
		/* fallthrough */
	case RMQUEUE_CLAIM:
		pfn = __rmqueue_claim(m, z, order, mt, alloc_flags);
		if (pfn != MODEL_PFN_NONE) {
			*mode = RMQUEUE_NORMAL;
			return pfn;
		}
		/* fallthrough */
	case RMQUEUE_STEAL:
		if (!(alloc_flags & MODEL_ALLOC_NOFRAGMENT)) {
			pfn = __rmqueue_steal(m, z, order, mt);
			if (pfn != MODEL_PFN_NONE) {
				*mode = RMQUEUE_STEAL;
				return pfn;
			}
		}
	}
	return MODEL_PFN_NONE;
}

/*
 * Models: mm/page_alloc.c rmqueue_buddy(), v6.1/v6.18 (spec §2.4).
 */
static uint64_t rmqueue_buddy(struct model *m, struct zone *z, unsigned int order, int mt,
			      unsigned int alloc_flags)
{
	uint64_t pfn;
	int mode = RMQUEUE_NORMAL;

	if (alloc_flags & MODEL_ALLOC_HIGHATOMIC) {
		pfn = __rmqueue_smallest(m, z, order, MODEL_MT_HIGHATOMIC);
		if (pfn != MODEL_PFN_NONE)
			goto highatomic;
	}
	pfn = model___rmqueue(m, z, order, mt, alloc_flags, &mode);
	if (pfn != MODEL_PFN_NONE || !(alloc_flags & (MODEL_ALLOC_OOM | MODEL_ALLOC_NON_BLOCK)))
		return pfn;
	pfn = __rmqueue_smallest(m, z, order, MODEL_MT_HIGHATOMIC);
	if (pfn == MODEL_PFN_NONE)
		return pfn;
highatomic:
	m->res->flags |= MODEL_ALLOC_R_HIGHATOMIC;
	return pfn;
}

/* ---------------------------------------------------------------------- */
/* Watermarks and kswapd                                                  */
/* ---------------------------------------------------------------------- */

/*
 * Models: mm/page_alloc.c __zone_watermark_unusable_free(), v6.1/v6.18 (spec §2.3).
 */
static int64_t unusable_free(const struct model *m, const struct zone *z, unsigned int order,
			     unsigned int alloc_flags)
{
	int64_t u = ((int64_t)1 << order) - 1;

	if (!(alloc_flags & MODEL_ALLOC_RESERVES))
		u += m->is_618 ? (int64_t)z->free_pages_mt[MODEL_MT_HIGHATOMIC]
			       : (int64_t)z->nr_reserved_highatomic;
	if (m->mt_cma >= 0 && !(alloc_flags & MODEL_ALLOC_CMA))
		u += (int64_t)z->free_pages_mt[m->mt_cma];
	return u;
}

/*
 * Models: mm/page_alloc.c __zone_watermark_ok(), v6.1/v6.18 (spec §2.3).
 */
static bool __zone_watermark_ok(const struct model *m, const struct zone *z, unsigned int order,
				int64_t mark, int hz, unsigned int alloc_flags, int64_t free)
{
	int64_t min = mark;

	free -= unusable_free(m, z, order, alloc_flags);
	if (alloc_flags & MODEL_ALLOC_RESERVES) {
		if (alloc_flags & MODEL_ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & MODEL_ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & MODEL_ALLOC_OOM)
			min -= min / 2;
	}
	if (free <= min + (int64_t)z->lowmem_reserve[hz])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < m->nr_orders; o++) {
		if (!z->nr_free[o])
			continue;
		for (int mt = 0; mt < MODEL_MIGRATE_PCPTYPES; mt++)
			if (!list_empty(z, buddy_list(o, mt)))
				return true;
		if (m->mt_cma >= 0 && (alloc_flags & MODEL_ALLOC_CMA) &&
		    !list_empty(z, buddy_list(o, m->mt_cma)))
			return true;
		if ((alloc_flags & (MODEL_ALLOC_HIGHATOMIC | MODEL_ALLOC_OOM)) &&
		    !list_empty(z, buddy_list(o, MODEL_MT_HIGHATOMIC)))
			return true;
	}
	return false;
}

/*
 * Models: mm/page_alloc.c model_zone_watermark_ok(), v6.1/v6.18 (spec §2.3).
 */
bool model_zone_watermark_ok(struct model *m, struct zone *z, unsigned int order, uint64_t mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(m, z, order, (int64_t)mark, highest_zoneidx, alloc_flags,
				   (int64_t)z->nr_free_pages);
}

/*
 * Models: mm/page_alloc.c zone_watermark_fast(), v6.1/v6.18 (spec §2.3).
 */
static bool zone_watermark_fast(const struct model *m, const struct zone *z, unsigned int order,
				uint64_t mark, int hz, unsigned int alloc_flags, uint64_t gfp)
{
	int64_t free = (int64_t)z->nr_free_pages;
	bool boost_bypass;

	if (!order) {
		int64_t reserved = unusable_free(m, z, 0, alloc_flags);
		int64_t usable = free - (reserved < free ? reserved : free);

		if (usable > (int64_t)(mark + z->lowmem_reserve[hz]))
			return true;
	}
	if (__zone_watermark_ok(m, z, order, (int64_t)mark, hz, alloc_flags, free))
		return true;
	boost_bypass = m->is_618 ? (alloc_flags & MODEL_ALLOC_MIN_RESERVE) != 0
				 : (gfp & MODEL_GFP_ATOMIC_6_1) != 0;
	if (!order && boost_bypass && z->watermark_boost &&
	    (alloc_flags & MODEL_ALLOC_WMARK_MASK) == MODEL_ALLOC_WMARK_MIN)
		return __zone_watermark_ok(m, z, order, (int64_t)z->wmark[WMARK_MIN], hz, alloc_flags,
					   free);
	return false;
}

/*
 * Any eligible zone of the node meets HIGH + boost (spec 5.5 "balanced").
 *
 * Models: mm/vmscan.c pgdat_balanced(), v6.1/v6.18 (spec §5.5).
 */
bool pgdat_balanced(struct model *m, unsigned int node, unsigned int order, int hz)
{
	bool any = false;

	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (z->node != node || !z->managed || (int)z->type > hz)
			continue;
		any = true;
		if (model_zone_watermark_ok(m, z, order, z->wmark[WMARK_HIGH] + z->watermark_boost, hz, 0))
			return true;
	}
	return !any;	/* no managed zone to balance */
}

/*
 * A wake is recorded unless kswapd already runs (RECLAIM_ACTIVE) or the node
 * is balanced with no boosted zone; with MODEL_BOOST_CLEAR_ON_WAKE the
 * (unsimulated) kswapd run clears the node's boosts at once.
 *
 * Models: mm/vmscan.c wakeup_kswapd(), v6.1/v6.18 (spec §5.5).
 */
static void wakeup_kswapd(struct model *m, unsigned int node, unsigned int order, int hz)
{
	bool boosted = false;

	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (z->node != node || (int)z->type > hz)
			continue;
		if (z->flags & MODEL_ZONE_RECLAIM_ACTIVE)
			return;
		if (z->watermark_boost)
			boosted = true;
	}
	if (m->press && m->cfg.reclaim &&
	    m->press->node[node].kswapd_failures >= MAX_RECLAIM_RETRIES)
		return;	/* hopeless node */
	if (!boosted && pgdat_balanced(m, node, order, hz))
		return;
	m->ctr.kswapd_wakes++;
	m->res->flags |= MODEL_ALLOC_R_KSWAPD_WAKE;
	if (m->press && m->cfg.reclaim)
		model_kswapd_wake_record(m, node, order, hz);
	else if (m->cfg.boost_clear == MODEL_BOOST_CLEAR_ON_WAKE)
		model_kswapd_sleep(m, (int)node);
}

/*
 * Models: mm/page_alloc.c rmqueue(), v6.1/v6.18 (spec §2.4).
 */
static uint64_t rmqueue(struct model *m, struct zone *z, unsigned int order, int mt,
			unsigned int alloc_flags, unsigned int cpu, unsigned int req_flags)
{
	uint64_t pfn = MODEL_PFN_NONE;

	if (model_pcp_allowed_order(m, order) && !(req_flags & MODEL_REQ_NO_PCP))
		pfn = model_rmqueue_pcplist(m, z, order, mt, alloc_flags, cpu);
	if (pfn == MODEL_PFN_NONE) {
		pfn = rmqueue_buddy(m, z, order, mt, alloc_flags);
		if (pfn != MODEL_PFN_NONE) {
			m->res->flags |= MODEL_ALLOC_R_BUDDY;
			m->ctr.buddy_allocs++;
		}
	}
	if (pfn != MODEL_PFN_NONE)
		model_mark_allocated(m, z, pfn, order, mt);
	if ((z->flags & MODEL_ZONE_BOOSTED_WATERMARK) &&
	    (!m->is_618 || (alloc_flags & MODEL_ALLOC_KSWAPD))) {
		zone_flags_clear(z, MODEL_ZONE_BOOSTED_WATERMARK);
		wakeup_kswapd(m, z->node, 0, (int)z->type);
	}
	return pfn;
}

/*
 * Models: mm/page_alloc.c reserve_highatomic_pageblock(), v6.1/v6.18 (spec §2.9).
 */
static void reserve_highatomic_pageblock(struct model *m, struct zone *z, uint64_t pfn,
					 unsigned int order)
{
	uint64_t limit;
	int mt;

	if (m->is_618) {
		if (z->managed / 100 < m->pb_nr)
			return;
		limit = (z->managed / 100 + m->pb_nr - 1) / m->pb_nr * m->pb_nr;
	} else {
		limit = z->managed / 100 + m->pb_nr;
	}
	if (z->nr_reserved_highatomic >= limit)
		return;
	mt = get_pageblock_migratetype(m, z, pfn);
	if (!is_migrate_mergeable(mt))
		return;
	/* nr_reserved_highatomic grows with the blocks' type (pageblock_write) */
	if (m->is_618 && order >= m->pb_order) {
		model_change_pageblock_range(m, z, pfn, order, MODEL_MT_HIGHATOMIC);
	} else {
		if (m->is_618 && !model_pageblock_in_zone(m, z, pfn))
			return;
		model_move_freepages_block(m, z, pfn, MODEL_MT_HIGHATOMIC, NULL);
		model_set_pageblock_migratetype(m, z, pfn, MODEL_MT_HIGHATOMIC);
	}
	m->ctr.highatomic_reserves++;
	m->res->flags |= MODEL_ALLOC_R_HIGHATOMIC_RESERVE;
}

/*
 * Models: mm/page_alloc.c reserve_highatomic_pageblock(), v6.1/v6.18 (spec §2.9)
 */
int model_pageblock_reserve_highatomic(struct model *m, uint64_t pfn, unsigned int order)
{
	struct zone *z;
	uint64_t before;

	if (!m || order >= m->nr_orders)
		return -EINVAL;
	z = model_pfn_zone(m, pfn);
	if (!z)
		return -ENOENT;
	m->res = &m->scratch_res;
	before = m->ctr.highatomic_reserves;
	reserve_highatomic_pageblock(m, z, pfn, order);
	return m->ctr.highatomic_reserves != before;
}

/* ---------------------------------------------------------------------- */
/* Zonelist walk and the public allocation entry                          */
/* ---------------------------------------------------------------------- */

/*
 * Models: mm/page_alloc.c get_page_from_freelist(), v6.1/v6.18 (spec §2.2).
 */
uint64_t get_page_from_freelist(struct model *m, unsigned int order, unsigned int alloc_flags,
				struct alloc_context *ac)
{
	bool retried = false;

retry:
	for (unsigned int i = 0; i < ac->nr_zonerefs; i++) {
		struct zone *z = &m->zones[ac->pgdat->zonelist[i]];
		bool no_fallback = alloc_flags & MODEL_ALLOC_NOFRAGMENT;
		uint64_t mark, pfn;

		if ((int)z->type > ac->hz)
			continue;
		if (no_fallback && m->nr_online_nodes > 1 && z != ac->preferred &&
		    z->node != ac->preferred->node) {
			alloc_flags &= ~MODEL_ALLOC_NOFRAGMENT;
			retried = true;
			goto retry;
		}
		if (m->is_618 && !(z->flags & MODEL_ZONE_BELOW_HIGH)) {
			mark = z->wmark[WMARK_HIGH] + z->watermark_boost;
			if (zone_watermark_fast(m, z, order, mark, ac->hz, alloc_flags, ac->gfp))
				goto try_this_zone;
			zone_flags_set(z, MODEL_ZONE_BELOW_HIGH);
			m->res->flags |= MODEL_ALLOC_R_BELOW_HIGH;
		}
		mark = z->wmark[alloc_flags & MODEL_ALLOC_WMARK_MASK] + z->watermark_boost;
		if (!zone_watermark_fast(m, z, order, mark, ac->hz, alloc_flags, ac->gfp) &&
		    !(alloc_flags & MODEL_ALLOC_NO_WATERMARKS))
			continue;
try_this_zone:
		ac->any_zone_passed = true;
		pfn = rmqueue(m, z, order, ac->mt, alloc_flags, ac->cpu, ac->req_flags);
		if (pfn == MODEL_PFN_NONE)
			continue;
		if (alloc_flags & MODEL_ALLOC_HIGHATOMIC)
			reserve_highatomic_pageblock(m, z, pfn, order);
		m->res->zone = (int)z->idx;
		m->res->alloc_flags = alloc_flags;
		if (z != ac->preferred)
			m->res->flags |= MODEL_ALLOC_R_OTHER_ZONE;
		if (z->node != ac->preferred->node)
			m->res->flags |= MODEL_ALLOC_R_OTHER_NODE;
		if (retried)
			m->res->flags |= MODEL_ALLOC_R_NOFRAGMENT_RETRY;
		return pfn;
	}
	if (alloc_flags & MODEL_ALLOC_NOFRAGMENT) {
		alloc_flags &= ~MODEL_ALLOC_NOFRAGMENT;
		retried = true;
		goto retry;
	}
	return MODEL_PFN_NONE;
}

/*
 * Models: include/linux/gfp.h gfp_zone(), v6.1/v6.18 (spec §1.6).
 */
int model_gfp_zone(uint64_t gfp_flags)
{
	unsigned int bits = (unsigned int)(gfp_flags & (MODEL_GFP_DMA | MODEL_GFP_HIGHMEM |
							 MODEL_GFP_DMA32 | MODEL_GFP_MOVABLE));

	switch (bits) {
	case 0:
	case MODEL_GFP_HIGHMEM:
	case MODEL_GFP_MOVABLE:
		return MODEL_ZONE_NORMAL;
	case MODEL_GFP_DMA:
	case MODEL_GFP_MOVABLE | MODEL_GFP_DMA:
		return MODEL_ZONE_DMA;
	case MODEL_GFP_DMA32:
	case MODEL_GFP_MOVABLE | MODEL_GFP_DMA32:
		return MODEL_ZONE_DMA32;
	case MODEL_GFP_MOVABLE | MODEL_GFP_HIGHMEM:
		return MODEL_ZONE_MOVABLE;
	default:
		return -EINVAL;
	}
}

/*
 * Models: include/linux/gfp.h gfp_migratetype(), v6.1/v6.18 (spec §1.6).
 */
int model_gfp_migratetype(const struct model *m, uint64_t gfp_flags)
{
	if (m && m->mobility_disabled)
		return MODEL_MT_UNMOVABLE;
	return (int)((gfp_flags & (MODEL_GFP_MOVABLE | MODEL_GFP_RECLAIMABLE)) >> 3);
}

/*
 * Models: mm/page_alloc.c alloc_flags_nofragment(), v6.1/v6.18 (spec §2.1 step 3).
 */
static unsigned int alloc_flags_nofragment(const struct model *m, const struct zone *pref)
{
	int dma32;

	if (pref->type != MODEL_ZONE_NORMAL)
		return 0;
	dma32 = m->nodes[pref->node].zone_of_type[MODEL_ZONE_DMA32];
	if (m->nr_online_nodes > 1 && (dma32 < 0 || !m->zones[dma32].present))
		return 0;
	return MODEL_ALLOC_NOFRAGMENT;
}

/*
 * Models: mm/page_alloc.c gfp_to_alloc_flags(), v6.1/v6.18 (spec §2.10 step 1).
 */
static unsigned int gfp_to_alloc_flags(const struct model *m, uint64_t gfp, unsigned int order,
				       int mt)
{
	unsigned int af = MODEL_ALLOC_WMARK_MIN | MODEL_ALLOC_CPUSET;

	af |= (unsigned int)(gfp & (MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM));
	if (!(gfp & MODEL_GFP_DIRECT_RECLAIM)) {
		if (!(gfp & MODEL_GFP_NOMEMALLOC)) {
			af |= MODEL_ALLOC_NON_BLOCK;
			if (order > 0 && (af & MODEL_ALLOC_MIN_RESERVE))
				af |= MODEL_ALLOC_HIGHATOMIC;
		}
		if (af & MODEL_ALLOC_MIN_RESERVE)
			af &= ~MODEL_ALLOC_CPUSET;
	}
	if (m->mt_cma >= 0 && mt == MODEL_MT_MOVABLE)
		af |= MODEL_ALLOC_CMA;
	return af;
}

/*
 * Models: mm/page_alloc.c wake_all_kswapds(), v6.1/v6.18 (spec §2.10 step 2).
 */
static void wake_all_kswapds(struct model *m, unsigned int order, struct alloc_context *ac)
{
	bool seen[MODEL_MAX_NODES] = { false };

	for (unsigned int i = 0; i < ac->nr_zonerefs; i++) {
		struct zone *z = &m->zones[ac->pgdat->zonelist[i]];

		if ((int)z->type > ac->hz || seen[z->node])
			continue;
		seen[z->node] = true;
		wakeup_kswapd(m, z->node, order, ac->hz);
	}
}

static void alloc_result_init(struct model_alloc_result *res)
{
	memset(res, 0, sizeof(*res));
	res->pfn = MODEL_PFN_NONE;
	res->zone = -1;
	res->fallback_mt = -1;
	res->migratetype = -1;
}

static void alloc_fail(struct model *m, struct model_alloc_result *res, unsigned int order,
		       enum model_alloc_fail why)
{
	res->fail = why;
	m->ctr.alloc_fail[why]++;
	if (order < MODEL_MAX_ORDERS)
		m->ctr.alloc_fail_order[order]++;
}

/*
 * Models: mm/page_alloc.c __alloc_pages() / __alloc_frozen_pages_noprof(), v6.1/v6.18 (spec §2.1, §2.10).
 */
int model_alloc_pages(struct model *m, const struct model_alloc_req *req,
		      struct model_alloc_result *res)
{
	struct alloc_context ac = { 0 };
	unsigned int order, alloc_flags;
	int node;
	uint64_t pfn;

	if (!m || !req || !res)
		return -EINVAL;
	if (req->req_flags & MODEL_REQ_DRY_RUN) {
		struct model_alloc_req r = *req;

		r.req_flags &= ~(unsigned int)MODEL_REQ_DRY_RUN;
		return model_alloc_predict(m, &r, res);
	}
	alloc_result_init(res);
	node = req->preferred_node < 0 ? m->cfg.cpu_node[req->cpu % MODEL_MAX_CPUS]
				       : req->preferred_node;
	if (req->cpu >= m->cfg.nr_cpus || node >= (int)m->cfg.nr_nodes)
		return -EINVAL;
	m->res = res;
	m->ctr.allocs++;
	order = req->order;
	if (order >= m->nr_orders) {
		alloc_fail(m, res, order, MODEL_FAIL_ORDER);
		return 0;
	}
	ac.hz = model_gfp_zone(req->gfp_flags);
	ac.mt = model_gfp_migratetype(m, req->gfp_flags);
	res->migratetype = ac.mt;
	if (ac.hz < 0 || ac.mt >= MODEL_MIGRATE_PCPTYPES) {
		alloc_fail(m, res, order, MODEL_FAIL_GFP);
		return 0;
	}
	ac.pgdat = &m->nodes[node];
	ac.nr_zonerefs = (req->gfp_flags & MODEL_GFP_THISNODE) ? ac.pgdat->nr_thisnode
								: ac.pgdat->nr_zonelist;
	for (unsigned int i = 0; i < ac.nr_zonerefs && !ac.preferred; i++)
		if ((int)m->zones[ac.pgdat->zonelist[i]].type <= ac.hz)
			ac.preferred = &m->zones[ac.pgdat->zonelist[i]];
	if (!ac.preferred) {
		alloc_fail(m, res, order, MODEL_FAIL_NO_ZONE);
		return 0;
	}
	ac.gfp = req->gfp_flags;
	ac.cpu = req->cpu;
	ac.req_flags = req->req_flags;

	if (req->req_flags & MODEL_REQ_ALLOC_FLAGS) {
		alloc_flags = req->alloc_flags;
	} else {
		alloc_flags = MODEL_ALLOC_WMARK_LOW |
			      (unsigned int)(req->gfp_flags & MODEL_GFP_KSWAPD_RECLAIM) |
			      alloc_flags_nofragment(m, ac.preferred);
		if (m->mt_cma >= 0 && ac.mt == MODEL_MT_MOVABLE)
			alloc_flags |= MODEL_ALLOC_CMA;
	}
	pfn = get_page_from_freelist(m, order, alloc_flags, &ac);
	if (pfn == MODEL_PFN_NONE &&
	    (req->req_flags & (MODEL_REQ_SLOWPATH | MODEL_REQ_MUST_SUCCEED))) {
		alloc_flags = gfp_to_alloc_flags(m, req->gfp_flags, order, ac.mt);
		if (alloc_flags & MODEL_ALLOC_KSWAPD)
			wake_all_kswapds(m, order, &ac);
		pfn = get_page_from_freelist(m, order, alloc_flags, &ac);
		res->flags |= MODEL_ALLOC_R_SLOWPATH;
		if (pfn == MODEL_PFN_NONE && m->press) {
			pfn = model_alloc_pages_direct_pressure(m, order, alloc_flags, &ac);
			m->ctr.alloc_would_fail += pfn == MODEL_PFN_NONE;
		}
		if (pfn == MODEL_PFN_NONE && (req->req_flags & MODEL_REQ_MUST_SUCCEED)) {
			pfn = get_page_from_freelist(m, order,
						     alloc_flags | MODEL_ALLOC_NO_WATERMARKS, &ac);
			res->flags |= MODEL_ALLOC_R_NO_WATERMARKS;
		}
	}
	if (pfn == MODEL_PFN_NONE) {
		res->flags &= ~(unsigned int)(MODEL_ALLOC_R_SLOWPATH | MODEL_ALLOC_R_NO_WATERMARKS);
		alloc_fail(m, res, order,
			   ac.any_zone_passed ? MODEL_FAIL_NO_BLOCK : MODEL_FAIL_WATERMARK);
	} else {
		res->pfn = pfn;
		m->ctr.alloc_success++;
	}
	if (m->press) {
		/* kswapd runs before the new page reaches the LRU (the caller adds it later) */
		model_kswapd_run_pending(m);
		if (pfn != MODEL_PFN_NONE)
			model_lru_track_alloc(m, &m->zones[res->zone], pfn, order, ac.mt, req->tag);
	}
	return 0;
}

/*
 * Give back one HIGHATOMIC pageblock to the request's migratetype: the
 * first zone of the zonelist (skipping zones with at most one reserved
 * block unless @force) with a free HIGHATOMIC block, lowest order first.
 *
 * Models: mm/page_alloc.c unreserve_highatomic_pageblock(), v6.1/v6.18 (spec §2.9).
 */
int model_unreserve_highatomic(struct model *m, const struct model_alloc_req *req, bool force)
{
	const struct pglist_data *pg;
	int node, hz, mt;

	if (!m || !req || req->cpu >= m->cfg.nr_cpus)
		return -EINVAL;
	node = req->preferred_node < 0 ? m->cfg.cpu_node[req->cpu] : req->preferred_node;
	hz = model_gfp_zone(req->gfp_flags);
	mt = model_gfp_migratetype(m, req->gfp_flags);
	if (node >= (int)m->cfg.nr_nodes || hz < 0 || mt >= MODEL_MIGRATE_PCPTYPES)
		return -EINVAL;
	m->res = &m->scratch_res;
	pg = &m->nodes[node];
	for (unsigned int i = 0; i < pg->nr_zonelist; i++) {
		struct zone *z = &m->zones[pg->zonelist[i]];

		if ((int)z->type > hz || (!force && z->nr_reserved_highatomic <= m->pb_nr))
			continue;
		for (unsigned int o = 0; o < m->nr_orders; o++) {
			uint32_t l = buddy_list(o, MODEL_MT_HIGHATOMIC);
			uint64_t pfn;

			if (list_empty(z, l))
				continue;
			pfn = node_pfn(z, list_first(z, l));
			/*
			 * The kernel lowers nr_reserved_highatomic by the pages
			 * of the HIGHATOMIC blocks converted below (6.1 only when
			 * the block is still HIGHATOMIC): pageblock_write does.
			 */
			if (o >= m->pb_order) {
				model_move_to_free_list(m, z, pfn, mt);
				model_change_pageblock_range(m, z, pfn, o, mt);
			} else {
				model_set_pageblock_migratetype(m, z, pfn, mt);
				model_move_freepages_block(m, z, pfn, mt, NULL);
			}
			return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Free, force-alloc, pcpu drain of one page                              */
/* ---------------------------------------------------------------------- */

static void free_result_init(struct model_free_result *res)
{
	memset(res, 0, sizeof(*res));
	res->zone = -1;
	res->merged_pfn = MODEL_PFN_NONE;
}

/* Head of the free or pcp block that contains @pfn, or MODEL_PFN_NONE. */
uint64_t model_containing_free_head(const struct model *m, const struct zone *z, uint64_t pfn)
{
	if (!st_in_free_block(z->state[pfn - z->start_pfn]))
		return MODEL_PFN_NONE;
	for (unsigned int o = 0; o < m->nr_orders; o++) {
		uint64_t h = pfn & ~(((uint64_t)1 << o) - 1);
		uint8_t s;

		if (!zone_has_pfn(z, h))
			break;
		s = z->state[h - z->start_pfn];
		if (st_is_free(s) && st_order(s) >= o)
			return h;
	}
	return MODEL_PFN_NONE;
}

/* True when some page of [pfn, pfn + 2^order) is free (buddy or pcp). */
bool model_range_has_free(const struct model *m, const struct zone *z, uint64_t pfn,
			   unsigned int order)
{
	const uint8_t *s = &z->state[pfn - z->start_pfn];
	size_t n = (size_t)1 << order, i = 0;

	(void)m;
	/* free heads, pcp heads and free tails are all >= 0x20: 8 bytes at once */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & 0xe0e0e0e0e0e0e0e0ull)
			return true;
	}
	for (; i < n; i++)
		if (s[i] & 0xe0)
			return true;
	return false;
}

/* Remove the pcp entry at @pfn from whichever list holds it. */
void model_pcp_unlink(struct model *m, struct zone *z, uint64_t pfn, int *cpu_out, int *pindex_out)
{
	int cpu, pindex;
	unsigned int order = st_order(*pfn_state(z, pfn));

	model_pcp_find_owner(m, z, pfn, &cpu, &pindex);
	list_unlink(z, pfn_node(z, pfn));
	z->pcp[cpu].count -= (int64_t)1 << order;
	z->pcp[cpu].list_len[pindex]--;
	st_set(z, pfn, ST_ALLOC);
	if (cpu_out)
		*cpu_out = cpu;
	if (pindex_out)
		*pindex_out = pindex;
}

/*
 * Take [pfn, pfn + 2^order) out of the free state. A larger buddy block
 * containing it is broken down with the other halves at the head of the
 * same list; a larger pcp block is unlinked and its other parts freed to
 * the buddy. Returns the pages of the range that were not free.
 *
 * Models: mm/page_alloc.c expand() / break_down_buddy_pages(), v6.1/v6.18 (spec §2.6, §10 item 8).
 */
static uint64_t take_out_range(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			       struct model_force_result *fr)
{
	uint64_t end = pfn + ((uint64_t)1 << order), h, not_free = 0;
	bool from_pcp = false, from_buddy = false;

	h = model_containing_free_head(m, z, pfn);
	if (h != MODEL_PFN_NONE && st_order(*pfn_state(z, h)) > order) {
		uint8_t s = *pfn_state(z, h);
		unsigned int co = st_order(s);
		bool buddy = st_is_buddy(s);
		int mt = st_mt(s);
		uint64_t cur = h;

		fr->list_mt = mt;
		if (buddy) {
			model_del_from_free_list(m, z, h);
			fr->split_from_order = co;
			fr->split_from_pfn = h;
			fr->source = MODEL_FORCE_FROM_BUDDY;
		} else {
			model_pcp_unlink(m, z, h, &fr->pcp_cpu, NULL);
			fr->source = MODEL_FORCE_FROM_PCP;
		}
		/* halve towards the target; the other half stays free */
		while (co > order) {
			uint64_t half, other;

			co--;
			half = (uint64_t)1 << co;
			other = pfn >= cur + half ? cur : cur + half;
			if (pfn >= cur + half)
				cur += half;
			if (buddy)
				model_add_to_free_list(m, z, other, co, mt, false);
			else
				model___free_one_page(m, z, other, co,
						get_pageblock_migratetype(m, z, other), false,
						NULL);
		}
		return 0;
	}
	for (uint64_t p = pfn; p < end;) {
		uint8_t s = *pfn_state(z, p);

		if (st_is_buddy(s)) {
			if (fr->list_mt < 0)
				fr->list_mt = st_mt(s);
			if (p == pfn) {
				fr->split_from_order = st_order(s);
				fr->split_from_pfn = p;
			}
			model_del_from_free_list(m, z, p);
			from_buddy = true;
			p += (uint64_t)1 << st_order(s);
		} else if (st_is_pcp(s)) {
			if (fr->list_mt < 0)
				fr->list_mt = st_mt(s);
			model_pcp_unlink(m, z, p, &fr->pcp_cpu, NULL);
			from_pcp = true;
			p += (uint64_t)1 << st_order(s);
		} else {
			not_free++;
			p++;
		}
	}
	if (from_pcp && from_buddy)
		fr->source = MODEL_FORCE_FROM_MIXED;
	else if (from_pcp)
		fr->source = MODEL_FORCE_FROM_PCP;
	else if (from_buddy)
		fr->source = MODEL_FORCE_FROM_BUDDY;
	return not_free;
}

static void force_result_init(struct model_force_result *res)
{
	memset(res, 0, sizeof(*res));
	res->zone = -1;
	res->pcp_cpu = -1;
	res->list_mt = -1;
	res->split_from_pfn = MODEL_PFN_NONE;
}

/* Zone of a block, or a contradiction code. */
static struct zone *block_zone(struct model *m, uint64_t pfn, unsigned int order,
			       enum model_contradiction *why)
{
	struct zone *z = model_pfn_zone(m, pfn);

	*why = MODEL_CONTRA_NONE;
	if (!z)
		*why = MODEL_CONTRA_OUTSIDE;
	else if (pfn + ((uint64_t)1 << order) > z->start_pfn + z->spanned)
		*why = MODEL_CONTRA_CROSSES_ZONE;
	else
		return z;
	m->ctr.contradictions[*why]++;
	return NULL;
}

/* Shared start of the forced operations: the block's zone, out of the free state. */
static struct zone *force_take(struct model *m, uint64_t pfn, unsigned int order,
			       struct model_force_result *res)
{
	struct zone *z;
	uint64_t not_free;

	force_result_init(res);
	m->res = &m->scratch_res;
	m->ctr.force_allocs++;
	z = block_zone(m, pfn, order, &res->contradiction);
	if (!z)
		return NULL;
	res->zone = (int)z->idx;
	not_free = take_out_range(m, z, pfn, order, res);
	if (not_free) {
		res->nr_not_free = (unsigned int)not_free;
		res->contradiction = MODEL_CONTRA_NOT_FREE;
		m->ctr.contradictions[MODEL_CONTRA_NOT_FREE]++;
	}
	return z;
}

/*
 * Models: mm/page_alloc.c rmqueue_pcplist() / expand() as seen from a trace, v6.1/v6.18 (spec §10 item 8).
 */
int model_force_alloc(struct model *m, uint64_t pfn, unsigned int order, int cpu, int mt,
		      struct model_force_result *res)
{
	struct zone *z;

	if (!m || !res || order >= m->nr_orders || (pfn & (((uint64_t)1 << order) - 1)) ||
	    cpu >= (int)m->cfg.nr_cpus)
		return -EINVAL;
	z = force_take(m, pfn, order, res);
	if (!z)
		return 0;
	model_mark_allocated(m, z, pfn, order, mt);
	return 0;
}

/*
 * Models: mm/page_alloc.c rmqueue_bulk() as seen from a trace, v6.1/v6.18 (spec §2.5, §6.3).
 */
int model_force_pcp_refill(struct model *m, unsigned int cpu, uint64_t pfn, unsigned int order,
			   int mt, struct model_force_result *res)
{
	struct zone *z;
	unsigned int pindex;

	if (!m || !res || cpu >= m->cfg.nr_cpus || order >= m->nr_orders ||
	    (pfn & (((uint64_t)1 << order) - 1)) || !model_pcp_allowed_order(m, order) || mt < 0 ||
	    mt >= MODEL_MIGRATE_PCPTYPES)
		return -EINVAL;
	z = force_take(m, pfn, order, res);
	if (!z)
		return 0;
	pindex = model_order_to_pindex(m, mt, order);
	mark_free_tails(z, pfn, order);
	st_set(z, pfn, st_pcp(mt, order));
	pcp_list_add(m, z, cpu, pindex, pfn, true);
	z->pcp[cpu].list_len[pindex]++;
	z->pcp[cpu].count += (int64_t)1 << order;
	m->ctr.pcp_refill_pages += (uint64_t)1 << order;
	return 0;
}

/* Free an allocated block through the kernel's route (pcp or buddy). */
static void free_block(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
		       unsigned int cpu, unsigned int flags, struct model_free_result *res)
{
	bool to_tail = flags & MODEL_FREE_TO_TAIL;
	int mt;

	if (!model_pcp_allowed_order(m, order) || to_tail) {
		free_one_page(m, z, pfn, order, -1, to_tail, res);
		goto buddy;
	}
	mt = get_pageblock_migratetype(m, z, pfn);
	if (mt >= MODEL_MIGRATE_PCPTYPES) {
		if (mt == m->mt_isolate) {
			free_one_page(m, z, pfn, order, mt, false, res);
			goto buddy;
		}
		mt = MODEL_MT_MOVABLE;
	}
	if (flags & MODEL_FREE_BUDDY) {
		free_one_page(m, z, pfn, order, mt, false, res);
		goto buddy;
	}
	model_free_pcp_commit(m, z, pfn, order, mt, get_pageblock_migratetype(m, z, pfn), cpu, flags,
			res);
	res->flags |= MODEL_FREE_R_PCP;
	m->ctr.frees_pcp++;
	return;
buddy:
	res->flags |= MODEL_FREE_R_BUDDY;
	m->ctr.frees_buddy++;
}

/*
 * Free an aligned block inside @z; pages of it that are already free are
 * taken out first (the kernel's word wins). Return: true on that contradiction.
 */
bool model_free_checked(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
		  unsigned int cpu, unsigned int flags, struct model_free_result *res)
{
	bool contra = model_range_has_free(m, z, pfn, order);

	if (contra) {
		struct model_force_result fr;

		force_result_init(&fr);
		take_out_range(m, z, pfn, order, &fr);
		res->contradiction = MODEL_CONTRA_ALREADY_FREE;
		m->ctr.contradictions[MODEL_CONTRA_ALREADY_FREE]++;
	}
	free_block(m, z, pfn, order, cpu, flags, res);
	return contra;
}

/*
 * Models: mm/page_alloc.c free_unref_page() / __free_frozen_pages() / __free_pages_ok(), v6.1/v6.18 (spec §3.1).
 */
int model_free_pages(struct model *m, uint64_t pfn, unsigned int order, unsigned int cpu,
		     unsigned int flags, struct model_free_result *res)
{
	struct zone *z;

	if (!m || !res || order >= m->nr_orders || cpu >= m->cfg.nr_cpus)
		return -EINVAL;
	free_result_init(res);
	m->res = &m->scratch_res;
	m->ctr.frees++;
	z = block_zone(m, pfn, order, &res->contradiction);
	if (!z)
		return 0;
	res->zone = (int)z->idx;
	if (m->press)
		model_lru_untrack_range(m, z, pfn, order);
	if (pfn & (((uint64_t)1 << order) - 1)) {
		/* never done by the kernel: free the range as its aligned pieces */
		uint64_t end = pfn + ((uint64_t)1 << order);

		res->contradiction = MODEL_CONTRA_MISALIGNED;
		m->ctr.contradictions[MODEL_CONTRA_MISALIGNED]++;
		while (pfn < end) {
			unsigned int o = 0;

			while (!(pfn & ((uint64_t)1 << o)) && pfn + ((uint64_t)2 << o) <= end)
				o++;
			if (model_range_has_free(m, z, pfn, o)) {
				struct model_force_result fr;

				force_result_init(&fr);
				take_out_range(m, z, pfn, o, &fr);
			}
			free_block(m, z, pfn, o, cpu, flags, res);
			pfn += (uint64_t)1 << o;
		}
		return 0;
	}
	model_free_checked(m, z, pfn, order, cpu, flags, res);
	return 0;
}

/*
 * Shared start of the one-pcp-entry operations: the block's zone, and
 * whether @pfn heads a pcp entry of @order there (else the contradiction
 * is recorded). Return: the zone, or NULL when the block is in no zone.
 */
static struct zone *pcp_entry_zone(struct model *m, uint64_t pfn, unsigned int order,
				   struct model_free_result *res, bool *on_pcp)
{
	struct zone *z;
	uint8_t s;

	free_result_init(res);
	m->res = &m->scratch_res;
	*on_pcp = false;
	z = block_zone(m, pfn, order, &res->contradiction);
	if (!z)
		return NULL;
	res->zone = (int)z->idx;
	s = *pfn_state(z, pfn);
	*on_pcp = st_is_pcp(s) && st_order(s) == order && !(pfn & (((uint64_t)1 << order) - 1));
	if (!*on_pcp) {
		res->contradiction = MODEL_CONTRA_NOT_ON_PCP;
		m->ctr.contradictions[MODEL_CONTRA_NOT_ON_PCP]++;
	}
	return z;
}

/*
 * A free the model put on a pcp list but the kernel sent to the buddy (pcp
 * trylock failure, spec 3.1 / 12): unlink it from whatever list holds it
 * and free it as the direct path does (free_one_page(), FPI_NONE). No
 * pcpu_drain event and no drain counters; the pcp's dynamic fields that
 * the earlier insert changed (free_count, high, flags) stay as they are.
 *
 * Models: mm/page_alloc.c free_frozen_pages() / free_unref_page() trylock-failure branch, v6.1/v6.18 (spec §3.1, §3.5)
 */
int model_pcp_unlink_to_buddy(struct model *m, uint64_t pfn, unsigned int order,
			      struct model_free_result *res)
{
	struct zone *z;
	bool on_pcp;
	int cpu;

	if (!m || !res || order >= m->nr_orders)
		return -EINVAL;
	z = pcp_entry_zone(m, pfn, order, res, &on_pcp);
	if (!z || !on_pcp)
		return 0;
	model_pcp_unlink(m, z, pfn, &cpu, NULL);
	free_block(m, z, pfn, order, (unsigned int)cpu, MODEL_FREE_BUDDY, res);
	if (m->ctr.frees_pcp)
		m->ctr.frees_pcp--;	/* the same free, now counted as direct */
	return 0;
}

/*
 * Models: mm/page_alloc.c free_pcppages_bulk() for one page, v6.1/v6.18 (spec §3.4).
 */
int model_pcpu_drain_page(struct model *m, uint64_t pfn, unsigned int order,
			  struct model_free_result *res)
{
	struct zone *z;
	bool on_pcp;
	int mt;

	if (!m || !res || order >= m->nr_orders)
		return -EINVAL;
	z = pcp_entry_zone(m, pfn, order, res, &on_pcp);
	if (!z)
		return 0;
	if (!on_pcp) {
		/* the kernel says this block is in the buddy now: make it so */
		if (pfn & (((uint64_t)1 << order) - 1))
			return 0;
		if (model_range_has_free(m, z, pfn, order)) {
			struct model_force_result fr;

			force_result_init(&fr);
			take_out_range(m, z, pfn, order, &fr);
		}
		model___free_one_page(m, z, pfn, order, get_pageblock_migratetype(m, z, pfn), false,
				res);
		return 0;
	}
	mt = (!m->is_618 && !z->nr_isolate_pageblock) ? st_mt(*pfn_state(z, pfn))
						      : get_pageblock_migratetype(m, z, pfn);
	model_pcp_unlink(m, z, pfn, NULL, NULL);
	model___free_one_page(m, z, pfn, order, mt, false, res);
	res->flags |= MODEL_FREE_R_DRAIN;
	res->drained_blocks = 1;
	res->drained_pages = 1u << order;
	m->ctr.pcp_drains++;
	m->ctr.pcp_drained_pages += (uint64_t)1 << order;
	if (m->obs.pcpu_drain)
		m->obs.pcpu_drain(m->obs_ctx, pfn, order, mt);
	return 0;
}
