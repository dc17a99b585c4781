// SPDX-License-Identifier: MIT
/*
 * What-if reclaim: the model's own movable and reclaimable allocations on
 * a per-zone LRU (oldest first), a synchronous kswapd run after each
 * allocation call that woke it, and direct reclaim in the slow path, as
 * spec 5.7 option 3 describes and model/KERNEL-FACTS.md "Reclaim" ties to
 * mm/vmscan.c and mm/page_alloc.c. Reclaimed allocations are freed straight
 * to the buddy and named to the caller through the observer. Only built
 * into a model with cfg.reclaim or cfg.compaction (the LRU also feeds the
 * compaction's migrate scanner).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmzone.h"

static struct zone_lru *zone_lru(struct model *m, const struct zone *z)
{
	return &m->press->zl[z->idx];
}

/* Link id of the page at offset @i of its zone (0 is the sentinel). */
static inline uint32_t lru_id(uint64_t i)
{
	return (uint32_t)i + 1;
}

/* Room for @n entries, the new ones zero; a first allocation stays untouched (calloc). */
static void *grow(void *p, size_t n, size_t size, size_t old_n)
{
	unsigned char *q;

	if (!p)
		return calloc(n ? n : 1, size);
	q = realloc(p, (n ? n : 1) * size);
	if (q && n > old_n)
		memset(q + old_n * size, 0, (n - old_n) * size);
	return q;
}

/*
 * Give a zone's LRU arrays room for @spanned pages and @nr_pageblocks skip
 * hints; new entries are "not a head" and "no skip".
 */
int model_lru_resize(struct model *m, struct zone *z, uint64_t spanned, uint64_t nr_pageblocks)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t old = zl->info ? z->spanned : 0;
	uint64_t old_pb = zl->skip ? z->nr_pageblocks : 0;
	void *p;

	if (!(p = grow(zl->next, spanned + 1, sizeof(uint32_t), old ? old + 1 : 0)))
		return -ENOMEM;
	zl->next = p;
	if (!(p = grow(zl->prev, spanned + 1, sizeof(uint32_t), old ? old + 1 : 0)))
		return -ENOMEM;
	zl->prev = p;
	if (!(p = grow(zl->seq, spanned, sizeof(uint32_t), old)))
		return -ENOMEM;
	zl->seq = p;
	if (!(p = grow(zl->tag, spanned, sizeof(uint64_t), old)))
		return -ENOMEM;
	zl->tag = p;
	if (!(p = grow(zl->info, spanned, 1, old)))
		return -ENOMEM;
	zl->info = p;
	if (!(p = grow(zl->skip, nr_pageblocks, 1, old_pb)))
		return -ENOMEM;
	zl->skip = p;
	return 0;
}

/* Both compaction scanners back at the zone's ends. Models: mm/compaction.c reset_cached_positions(). */
void reset_cached_positions(struct model *m, struct zone *z)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t end = z->start_pfn + z->spanned;

	zl->cached_migrate_pfn[0] = zl->cached_migrate_pfn[1] = z->start_pfn;
	zl->cached_free_pfn = end ? (end - 1) & ~(m->pb_nr - 1) : 0;
}

int model_pressure_create(struct model *m)
{
	m->press = calloc(1, sizeof(*m->press));
	if (!m->press)
		return -ENOMEM;
	m->press->zl = calloc(m->nr_zones ? m->nr_zones : 1, sizeof(*m->press->zl));
	if (!m->press->zl)
		return -ENOMEM;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (model_lru_resize(m, z, z->spanned, z->nr_pageblocks))
			return -ENOMEM;
		reset_cached_positions(m, z);
	}
	return model_compact_scratch_create(m);
}

void model_pressure_destroy(struct model *m)
{
	if (!m->press)
		return;
	for (unsigned int i = 0; m->press->zl && i < m->nr_zones; i++) {
		struct zone_lru *zl = &m->press->zl[i];

		free(zl->next);
		free(zl->prev);
		free(zl->seq);
		free(zl->tag);
		free(zl->info);
		free(zl->skip);
	}
	free(m->press->zl);
	free(m->press->compact_scratch);
	free(m->press);
	m->press = NULL;
}

static void lru_link_after(struct zone_lru *zl, uint32_t pos, uint32_t n)
{
	uint32_t nx = zl->next[pos];

	zl->next[n] = nx;
	zl->prev[n] = pos;
	zl->prev[nx] = n;
	zl->next[pos] = n;
}

static void lru_unlink(struct zone_lru *zl, uint32_t n)
{
	zl->next[zl->prev[n]] = zl->next[n];
	zl->prev[zl->next[n]] = zl->prev[n];
}

static unsigned int info_order(uint8_t info)
{
	return info & 0xf;
}

/*
 * A new allocation joins the LRU tail (newest). Only MOVABLE and
 * RECLAIMABLE requests: the kernel's LRU and slab shrinkers own those.
 *
 * Models: mm/swap.c folio_add_lru() (spec 5.7 option 3).
 */
void model_lru_track_alloc(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     uint64_t tag)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t i = pfn - z->start_pfn;

	if (mt != MODEL_MT_MOVABLE && mt != MODEL_MT_RECLAIMABLE)
		return;
	if (zl->info[i])	/* never expected: the range was free */
		model_lru_untrack_range(m, z, pfn, order);
	zl->info[i] = (uint8_t)(LRU_HEAD | (unsigned int)mt << 4 | order);
	zl->seq[i] = m->press->seq++;
	zl->tag[i] = tag;
	lru_link_after(zl, zl->prev[0], lru_id(i));
	zl->nr_pages += (uint64_t)1 << order;
}

static void lru_del(struct zone_lru *zl, uint64_t i)
{
	lru_unlink(zl, lru_id(i));
	zl->nr_pages -= (uint64_t)1 << info_order(zl->info[i]);
	zl->info[i] = 0;
}

/*
 * A free touching a tracked allocation ends its tracking: a partly freed
 * allocation is no longer a whole unit to reclaim or move.
 */
void model_lru_untrack_range(struct model *m, struct zone *z, uint64_t pfn, unsigned int order)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t end = pfn + ((uint64_t)1 << order);

	if (!zl->nr_pages)
		return;
	for (unsigned int o = 0; o < m->nr_orders; o++) {
		uint64_t h = pfn & ~(((uint64_t)1 << o) - 1);

		if (h < z->start_pfn)
			break;
		if (zl->info[h - z->start_pfn] &&
		    h + ((uint64_t)1 << info_order(zl->info[h - z->start_pfn])) > pfn)
			lru_del(zl, h - z->start_pfn);
	}
	if (end > z->start_pfn + z->spanned)
		end = z->start_pfn + z->spanned;
	for (uint64_t p = pfn + 1; p < end; p++)
		if (zl->info[p - z->start_pfn])
			lru_del(zl, p - z->start_pfn);
}

/* A migrated allocation keeps its age: @to takes @from's place on the LRU. */
void model_lru_move(struct model *m, struct zone *z, uint64_t from, uint64_t to)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t f = from - z->start_pfn, t = to - z->start_pfn;

	zl->info[t] = zl->info[f];
	zl->seq[t] = zl->seq[f];
	zl->tag[t] = zl->tag[f];
	lru_link_after(zl, lru_id(f), lru_id(t));
	lru_unlink(zl, lru_id(f));
	zl->info[f] = 0;
}

/* Zones kswapd of @node balances for highest zone type @hz. */
static bool zone_eligible(const struct zone *z, unsigned int node, int hz)
{
	return z->node == node && z->managed && (int)z->type <= hz;
}

/* The eligible zone whose LRU head is oldest, or NULL when none has one. */
static struct zone *oldest_lru_zone(struct model *m, unsigned int node, int hz)
{
	struct zone *best = NULL;
	uint32_t best_seq = 0;

	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];
		struct zone_lru *zl = zone_lru(m, z);
		uint32_t s;

		if (!zone_eligible(z, node, hz) || zl->next[0] == 0)
			continue;
		s = zl->seq[zl->next[0] - 1];
		if (!best || (int32_t)(s - best_seq) < 0) {
			best = z;
			best_seq = s;
		}
	}
	return best;
}

/* Free the oldest tracked allocation of @z's LRU; its pages. */
static uint64_t reclaim_one(struct model *m, struct zone *z)
{
	struct zone_lru *zl = zone_lru(m, z);
	uint64_t i = zl->next[0] - 1, pfn = z->start_pfn + i, tag = zl->tag[i];
	unsigned int order = info_order(zl->info[i]);
	struct model_free_result fr = { .zone = (int)z->idx, .merged_pfn = MODEL_PFN_NONE };

	lru_del(zl, i);
	model_free_checked(m, z, pfn, order, 0, MODEL_FREE_BUDDY, &fr);
	if (m->obs.reclaimed)
		m->obs.reclaimed(m->obs_ctx, tag, pfn, order);
	return (uint64_t)1 << order;
}

/*
 * Reclaim at least @nr_pages (whole allocations, oldest first) from the
 * eligible zones of @node; returns the pages freed (fewer when the LRUs
 * run dry).
 *
 * Models: mm/vmscan.c shrink_node() over the node's LRU (spec 5.7 option 3).
 */
static uint64_t shrink_node(struct model *m, unsigned int node, int hz, uint64_t nr_pages)
{
	uint64_t done = 0;
	struct zone *z;

	while (done < nr_pages && (z = oldest_lru_zone(m, node, hz)))
		done += reclaim_one(m, z);
	return done;
}

void model_kswapd_wake_record(struct model *m, unsigned int node, unsigned int order, int hz)
{
	struct node_reclaim *nr = &m->press->node[node];

	if (!nr->kswapd_pending || order > nr->kswapd_order)
		nr->kswapd_order = order;
	if (!nr->kswapd_pending || hz > nr->kswapd_hz)
		nr->kswapd_hz = hz;
	nr->kswapd_pending = true;
}

static uint64_t node_boost(struct model *m, unsigned int node, int hz)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < m->nr_zones; i++)
		if (zone_eligible(&m->zones[i], node, hz))
			sum += m->zones[i].watermark_boost;
	return sum;
}

/* Pages the eligible zone closest to HIGH + boost (order 0) still lacks. */
static uint64_t shortfall(struct model *m, unsigned int node, int hz)
{
	uint64_t best = UINT64_MAX;

	for (unsigned int i = 0; i < m->nr_zones; i++) {
		const struct zone *z = &m->zones[i];
		uint64_t mark;

		if (!zone_eligible(z, node, hz))
			continue;
		mark = z->wmark[2] + z->watermark_boost + z->lowmem_reserve[hz] + 1;
		if (mark <= z->nr_free_pages)
			return 0;
		if (mark - z->nr_free_pages < best)
			best = mark - z->nr_free_pages;
	}
	return best == UINT64_MAX ? 0 : best;
}

/* End of a run: boosts of the eligible zones are gone, their flag too. */
static void clear_boosts(struct model *m, unsigned int node, int hz)
{
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (!zone_eligible(z, node, hz))
			continue;
		z->watermark_boost = 0;
		z->flags &= ~(unsigned int)MODEL_ZONE_BOOSTED_WATERMARK;
	}
}

/*
 * One kswapd run for @node: boost reclaim (Σ boost pages while balanced),
 * then normal reclaim until balanced, 32 pages at a time; the order drops
 * to 0 after compact_gap(order) pages; boosts cleared; kcompactd woken.
 * @credit pages count as reclaimed before the first step (the trace's
 * own reclaim of a held run, model_kswapd_release()).
 *
 * Models: mm/vmscan.c balance_pgdat(), kswapd_shrink_node(), kswapd_try_to_sleep(), v6.1/v6.18
 * (spec 5.4, 5.5; KERNEL-FACTS.md "Reclaim").
 */
static void balance_pgdat(struct model *m, unsigned int node, unsigned int order, int hz,
			  uint64_t credit)
{
	struct node_reclaim *nr = &m->press->node[node];
	uint64_t boost = node_boost(m, node, hz), reclaimed = credit;
	uint64_t boost_left = boost > credit ? boost - credit : 0;
	unsigned int alloc_order = order, kc_order = 0;

	m->ctr.kswapd_runs++;
	if (order && reclaimed >= ((uint64_t)2 << order))
		order = 0;
	for (;;) {
		bool balanced = pgdat_balanced(m, node, order, hz);
		uint64_t n;

		if (!balanced && boost_left)
			boost_left = 0;
		if (!boost_left && balanced)
			break;
		n = shrink_node(m, node, hz, SWAP_CLUSTER_MAX);
		if (!n) {
			m->ctr.kswapd_shortfall += shortfall(m, node, hz);
			break;
		}
		reclaimed += n;
		boost_left -= boost_left < n ? boost_left : n;
		if (order && reclaimed >= ((uint64_t)2 << order))
			order = 0;
	}
	m->ctr.kswapd_reclaimed += reclaimed - credit;
	nr->kswapd_failures = reclaimed ? 0 : nr->kswapd_failures + 1;
	if (boost) {
		clear_boosts(m, node, hz);
		m->ctr.boost_cycles++;
		kc_order = m->pb_order;
	}
	if (pgdat_balanced(m, node, order, hz) && alloc_order > kc_order)
		kc_order = alloc_order;
	if (m->cfg.compaction && kc_order)
		wakeup_kcompactd(m, node, kc_order, hz);
}

/* The woken kswapd of @node runs now, with @credit pages reclaimed already. */
static void kswapd_run(struct model *m, unsigned int node, uint64_t credit)
{
	struct node_reclaim *nr = &m->press->node[node];
	struct model_alloc_result *saved = m->res;

	nr->kswapd_pending = false;
	m->press->in_kswapd = true;
	m->res = &m->scratch_res;
	balance_pgdat(m, node, nr->kswapd_order, nr->kswapd_hz, credit);
	m->res = saved;
	m->press->in_kswapd = false;
}

/* Run every kswapd woken during the allocation call that ends now, unless held. */
void model_kswapd_run_pending(struct model *m)
{
	if (m->press->in_kswapd)
		return;
	for (unsigned int n = 0; n < m->cfg.nr_nodes; n++) {
		struct node_reclaim *nr = &m->press->node[n];

		if (nr->kswapd_pending && !nr->kswapd_held)
			kswapd_run(m, n, 0);
	}
}

int model_kswapd_hold(struct model *m, unsigned int node)
{
	if (!m || node >= m->cfg.nr_nodes)
		return -EINVAL;
	if (!m->press || !m->cfg.reclaim)
		return -EOPNOTSUPP;
	m->press->node[node].kswapd_held = true;
	return 0;
}

int model_kswapd_release(struct model *m, unsigned int node, uint64_t credit_pages)
{
	struct node_reclaim *nr;

	if (!m || node >= m->cfg.nr_nodes)
		return -EINVAL;
	if (!m->press || !m->cfg.reclaim)
		return -EOPNOTSUPP;
	nr = &m->press->node[node];
	if (!nr->kswapd_held)
		return 0;
	nr->kswapd_held = false;
	if (!nr->kswapd_pending || m->press->in_kswapd)
		return 0;
	kswapd_run(m, node, credit_pages);
	return 1;
}

/*
 * One direct reclaim attempt: SWAP_CLUSTER_MAX pages from the zonelist's
 * nodes in zonelist order.
 *
 * Models: mm/vmscan.c try_to_free_pages() / shrink_zones(), v6.1/v6.18 (spec 2.10, 5.7).
 */
static uint64_t try_to_free_pages(struct model *m, unsigned int order, struct alloc_context *ac)
{
	bool seen[MODEL_MAX_NODES] = { false };
	uint64_t done = 0;

	m->ctr.direct_stalls[order < MODEL_MAX_ORDERS ? order : MODEL_MAX_ORDERS - 1]++;
	for (unsigned int i = 0; i < ac->nr_zonerefs && done < SWAP_CLUSTER_MAX; i++) {
		const struct zone *z = &m->zones[ac->pgdat->zonelist[i]];
		uint64_t n;

		if ((int)z->type > ac->hz || seen[z->node])
			continue;
		seen[z->node] = true;
		n = shrink_node(m, z->node, ac->hz, SWAP_CLUSTER_MAX - done);
		if (n)
			m->press->node[z->node].kswapd_failures = 0;
		done += n;
	}
	m->ctr.direct_reclaimed += done;
	return done;
}

/* A page from compaction: reset the zone's deferral as the kernel does on success. */
static uint64_t retry_after_compaction(struct model *m, unsigned int order,
				       unsigned int alloc_flags, struct alloc_context *ac)
{
	uint64_t pfn = get_page_from_freelist(m, order, alloc_flags, ac);
	struct zone *z;

	if (pfn != MODEL_PFN_NONE && (z = model_pfn_zone(m, pfn))) {
		struct zone_lru *zl = zone_lru(m, z);

		zl->compact_considered = 0;
		zl->compact_defer_shift = 0;
		if (order >= zl->compact_order_failed)
			zl->compact_order_failed = order + 1;
	}
	return pfn;
}

/*
 * The slow path after the MIN-mark retry failed: direct compaction first
 * for costly or non-movable high orders, then rounds of direct reclaim
 * (drain the pcp lists once after a reclaim that made progress), direct
 * compaction and retries, at most MAX_RECLAIM_RETRIES rounds and none
 * after one that reclaimed nothing. Costly orders without RETRY_MAYFAIL
 * and NORETRY requests stop after one round.
 *
 * Models: mm/page_alloc.c __alloc_pages_slowpath(), __alloc_pages_direct_reclaim(),
 * __alloc_pages_direct_compact(), should_reclaim_retry(), v6.1/v6.18 (spec 2.10).
 */
uint64_t model_alloc_pages_direct_pressure(struct model *m, unsigned int order, unsigned int alloc_flags,
				     struct alloc_context *ac)
{
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER, drained = false;
	bool compact = m->cfg.compaction && order > 0;
	uint64_t pfn = MODEL_PFN_NONE;
	struct model_alloc_result *res = m->res;	/* public calls below park it */

	if (!(ac->gfp & MODEL_GFP_DIRECT_RECLAIM))
		return pfn;
	if (compact && (costly || ac->mt != MODEL_MT_MOVABLE)) {
		try_to_compact_pages(m, order, alloc_flags, ac, true);
		if ((pfn = retry_after_compaction(m, order, alloc_flags, ac)) != MODEL_PFN_NONE)
			return pfn;
	}
	for (unsigned int round = 0; round < MAX_RECLAIM_RETRIES; round++) {
		uint64_t got = m->cfg.reclaim ? try_to_free_pages(m, order, ac) : 0;

		if (got) {
			pfn = get_page_from_freelist(m, order, alloc_flags, ac);
			if (pfn == MODEL_PFN_NONE && !drained) {
				drained = true;
				model_drain_pcp(m, -1);
				m->res = res;
				pfn = get_page_from_freelist(m, order, alloc_flags, ac);
			}
			if (pfn != MODEL_PFN_NONE)
				return pfn;
		}
		if (compact) {
			try_to_compact_pages(m, order, alloc_flags, ac, false);
			pfn = retry_after_compaction(m, order, alloc_flags, ac);
			if (pfn != MODEL_PFN_NONE)
				return pfn;
		}
		if (!got || (ac->gfp & MODEL_GFP_NORETRY) ||
		    (costly && !(ac->gfp & MODEL_GFP_RETRY_MAYFAIL)))
			break;
	}
	return MODEL_PFN_NONE;
}

long model_reclaimable_pages(const struct model *m, unsigned int zone)
{
	if (!m || zone >= m->nr_zones)
		return -EINVAL;
	return m->press ? (long)m->press->zl[zone].nr_pages : 0;
}
