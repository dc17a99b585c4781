// SPDX-License-Identifier: MIT
/*
 * What-if compaction: the kernel's two scanners over one zone - a migrate
 * scanner from the zone start isolating the model's own movable
 * allocations (order 0; 6.9+ also folios below pageblock order), a free
 * scanner from the zone end isolating free buddy blocks of movable
 * pageblocks - the migration of each isolated allocation to isolated free
 * pages, and the triggers: direct compaction from the slow
 * path, kcompactd after kswapd, proactive compaction, and an explicit
 * whole-memory compaction. Facts and their sources: model/KERNEL-FACTS.md
 * "Compaction". The fast free-list searches the kernel uses for order > 0
 * requests (fast_isolate_freepages, fast_find_migrateblock) are not
 * modelled: the scanners are linear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmzone.h"

enum migrate_mode {
	MIGRATE_ASYNC,
	MIGRATE_SYNC_LIGHT,
	MIGRATE_SYNC,
};

/*
 * A list of isolated free blocks of one order, as a ring: compaction takes
 * from the head, isolation appends at the tail, a split puts its upper
 * half back at the head of the lower order's list.
 */
struct free_list {
	uint64_t *pfn;
	uint32_t head, len, mask;	/* mask = capacity - 1 (a power of two) */
};

/* struct compact_control - one compact_zone() run (kernel's name and fields). */
struct compact_control {
	struct model *m;
	struct zone *zone;
	struct zone_lru *zl;
	int order;			/* -1: whole zone (compact_memory, proactive) */
	int migratetype;
	unsigned int alloc_flags;
	int hz;
	enum migrate_mode mode;
	enum model_compact_trigger trigger;
	bool direct_compaction, whole_zone, ignore_skip_hint, proactive_compaction;
	bool finish_pageblock;
	uint64_t migrate_pfn, free_pfn;
	bool large_folios;		/* 6.9+: free lists by order, large folios migrate */
	uint64_t *migratepages;		/* isolated source heads, isolation order */
	unsigned int nr_migrate_heads;	/* entries of migratepages */
	unsigned int nr_migratepages;	/* pages they hold (the kernel counts pages) */
	struct free_list freepages[MODEL_MAX_ORDERS];	/* isolated free blocks by order */
	uint64_t nr_freepages;		/* isolated free pages not yet used */
	uint64_t migrated;		/* pages */
};

static inline uint64_t pageblock_start_pfn(const struct model *m, uint64_t pfn)
{
	return pfn & ~(m->pb_nr - 1);
}

static inline uint64_t pageblock_end_pfn(const struct model *m, uint64_t pfn)
{
	return pageblock_start_pfn(m, pfn) + m->pb_nr;
}

static inline uint64_t zone_end_pfn(const struct zone *z)
{
	return z->start_pfn + z->spanned;
}

static void free_list_push_tail(struct free_list *l, uint64_t pfn)
{
	l->pfn[(l->head + l->len++) & l->mask] = pfn;
}

static void free_list_push_head(struct free_list *l, uint64_t pfn)
{
	l->head = (l->head - 1) & l->mask;
	l->pfn[l->head] = pfn;
	l->len++;
}

static uint64_t free_list_pop_head(struct free_list *l)
{
	uint64_t pfn = l->pfn[l->head];

	l->head = (l->head + 1) & l->mask;
	l->len--;
	return pfn;
}

/*
 * Room for every block one run can hold at once: the isolated pages never
 * pass the pages to migrate (at most a pageblock) by more than the last
 * block taken, so no list holds more entries than a pageblock plus the
 * largest block has pages; a power of two, for the ring's mask.
 */
static uint32_t free_list_cap(const struct model *m)
{
	uint64_t need = m->pb_nr + ((uint64_t)1 << (m->nr_orders - 1)) + 1;
	uint32_t cap = 1;

	while (cap < need)
		cap <<= 1;
	return cap;
}

/* Sources: at most a pageblock's pages, or COMPACT_CLUSTER_MAX when a pageblock is smaller. */
static uint64_t migrate_cap(const struct model *m)
{
	return m->pb_nr > COMPACT_CLUSTER_MAX ? m->pb_nr : COMPACT_CLUSTER_MAX;
}

int model_compact_scratch_create(struct model *m)
{
	size_t len = migrate_cap(m) + (size_t)m->nr_orders * free_list_cap(m);

	m->press->compact_scratch = malloc(len * sizeof(uint64_t));
	if (!m->press->compact_scratch)
		return -ENOMEM;
	m->press->compact_scratch_len = len;
	return 0;
}

/* Point one run's source array and free lists into the model's scratch buffer. */
static void compact_control_lists(struct compact_control *cc)
{
	uint64_t *p = cc->m->press->compact_scratch;
	uint32_t cap = free_list_cap(cc->m);

	cc->migratepages = p;
	p += migrate_cap(cc->m);
	for (unsigned int o = 0; o < cc->m->nr_orders; o++, p += cap)
		cc->freepages[o] = (struct free_list){ .pfn = p, .mask = cap - 1 };
}

static uint8_t *skip_hint(struct compact_control *cc, uint64_t pfn)
{
	return &cc->zl->skip[pb_index(cc->m, cc->zone, pfn)];
}

/* Models: mm/compaction.c isolation_suitable() (KERNEL-FACTS.md "Compaction"). */
static bool isolation_suitable(struct compact_control *cc, uint64_t pfn)
{
	return cc->ignore_skip_hint || !*skip_hint(cc, pfn);
}

/* Models: mm/compaction.c update_cached_migrate(). */
static void update_cached_migrate(struct compact_control *cc, uint64_t pfn)
{
	pfn = pageblock_end_pfn(cc->m, pfn);
	if (pfn > cc->zl->cached_migrate_pfn[0])
		cc->zl->cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > cc->zl->cached_migrate_pfn[1])
		cc->zl->cached_migrate_pfn[1] = pfn;
}

/* Models: mm/compaction.c compact_scanners_met(). */
static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> cc->m->pb_order) <= (cc->migrate_pfn >> cc->m->pb_order);
}

/* ---------------------------------------------------------------------- */
/* Deferral                                                               */
/* ---------------------------------------------------------------------- */

/* Models: mm/compaction.c defer_compaction(). */
static void defer_compaction(struct zone_lru *zl, unsigned int order)
{
	zl->compact_considered = 0;
	if (++zl->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		zl->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
	if (order < zl->compact_order_failed)
		zl->compact_order_failed = order;
}

/* Models: mm/compaction.c compaction_deferred(). */
static bool compaction_deferred(struct zone_lru *zl, unsigned int order)
{
	unsigned int limit = 1u << zl->compact_defer_shift;

	if (order < zl->compact_order_failed)
		return false;
	if (++zl->compact_considered >= limit) {
		zl->compact_considered = limit;
		return false;
	}
	return true;
}

/* Models: mm/compaction.c compaction_defer_reset(zone, order, false). */
static void compaction_defer_reset(struct zone_lru *zl, unsigned int order)
{
	if (order >= zl->compact_order_failed)
		zl->compact_order_failed = order + 1;
}

/* Models: mm/compaction.c compaction_restarting(). */
static bool compaction_restarting(const struct zone_lru *zl, unsigned int order)
{
	return order >= zl->compact_order_failed &&
	       zl->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       zl->compact_considered >= 1u << zl->compact_defer_shift;
}

/*
 * Clear every skip hint after a compaction that ran to the end. The kernel
 * clears a block's hint only if a sample of its pages shows a free or an
 * LRU page; the model clears them all (KERNEL-FACTS.md).
 *
 * Models: mm/compaction.c __reset_isolation_suitable().
 */
static void reset_isolation_suitable(struct model *m, struct zone *z)
{
	struct zone_lru *zl = &m->press->zl[z->idx];

	if (!zl->blockskip_flush)
		return;
	zl->blockskip_flush = false;
	memset(zl->skip, 0, z->nr_pageblocks);
}

/* ---------------------------------------------------------------------- */
/* Suitability                                                            */
/* ---------------------------------------------------------------------- */

static unsigned int fragmentation_score_zone(const struct model *m, const struct zone *z)
{
	return (unsigned int)model_extfrag_for_order(z->nr_free, m->nr_orders, m->pb_order);
}

static uint64_t node_present_pages(const struct model *m, unsigned int node)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < m->nr_zones; i++)
		if (m->zones[i].node == node)
			sum += m->zones[i].present;
	return sum;
}

/* Models: mm/compaction.c fragmentation_score_node() (spec 7.4). */
static unsigned int fragmentation_score_node(const struct model *m, unsigned int node)
{
	uint64_t present = node_present_pages(m, node);
	unsigned int score = 0;

	for (unsigned int i = 0; i < m->nr_zones; i++) {
		const struct zone *z = &m->zones[i];

		if (z->node == node && z->present)
			score += model_compaction_zone_score(fragmentation_score_zone(m, z),
							     z->present, present);
	}
	return score;
}

static unsigned int score_wmark(const struct model *m, bool low)
{
	return model_compaction_score_wmark(m->cfg.profile, m->cfg.compaction_proactiveness, low);
}

/*
 * Order-0 free pages above (LOW for costly orders, else MIN) + boost +
 * compact_gap(order), and for costly orders a fragmentation index outside
 * 0..extfrag_threshold (spec 7.2).
 *
 * Models: mm/compaction.c compaction_suitable() / __compaction_suitable().
 */
static bool compaction_suitable(struct model *m, struct zone *z, unsigned int order, int hz)
{
	uint64_t mark = z->wmark[order > PAGE_ALLOC_COSTLY_ORDER ? 1 : 0] + z->watermark_boost +
			((uint64_t)2 << order);

	if (!model_zone_watermark_ok(m, z, 0, mark, hz, MODEL_ALLOC_CMA))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fi = model_fragmentation_index(z->nr_free, m->nr_orders, order);

		if (fi >= 0 && fi <= (int)m->cfg.extfrag_threshold)
			return false;
	}
	return true;
}

/* Models: mm/compaction.c suitable_migration_source(). */
static bool suitable_migration_source(struct compact_control *cc, uint64_t block_pfn)
{
	uint64_t i = block_pfn - cc->zone->start_pfn;
	int mt;

	if (cc->zl->info[i] && (cc->zl->info[i] & 0xf) >= cc->m->pb_order)
		return false;	/* pageblock_skip_persistent() */
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	mt = get_pageblock_migratetype(cc->m, cc->zone, block_pfn);
	if (cc->migratetype == MODEL_MT_MOVABLE)
		return mt == MODEL_MT_MOVABLE || mt == cc->m->mt_cma;
	return mt == cc->migratetype;
}

/* Models: mm/compaction.c suitable_migration_target(). */
static bool suitable_migration_target(struct compact_control *cc, uint64_t block_pfn)
{
	uint8_t s = *pfn_state(cc->zone, block_pfn);
	int mt;

	if (st_is_buddy(s) && st_order(s) >= cc->m->pb_order)
		return false;
	mt = get_pageblock_migratetype(cc->m, cc->zone, block_pfn);
	return mt == MODEL_MT_MOVABLE || mt == cc->m->mt_cma;
}

/* ---------------------------------------------------------------------- */
/* Free scanner                                                           */
/* ---------------------------------------------------------------------- */

/*
 * 6.9+: the block joins its order's list at the tail. Before: split_map_pages()
 * splits every isolated block into order-0 pages pushed one by one at the
 * head of one list, so the highest isolated pfn is handed out first.
 *
 * Models: mm/compaction.c isolate_freepages_block() (list_add_tail(...,
 * &freelist[order])), split_map_pages().
 */
static void add_isolated_block(struct compact_control *cc, uint64_t pfn, unsigned int order)
{
	if (cc->large_folios) {
		free_list_push_tail(&cc->freepages[order], pfn);
		return;
	}
	for (uint64_t p = pfn; p < pfn + ((uint64_t)1 << order); p++)
		free_list_push_head(&cc->freepages[0], p);
}

/*
 * Isolate free buddy blocks of [*start_pfn, end_pfn), every @stride pfns,
 * until there are as many free pages as pages to migrate; *start_pfn
 * says how far it got.
 *
 * Models: mm/compaction.c isolate_freepages_block() (non-strict).
 */
static uint64_t isolate_freepages_block(struct compact_control *cc, uint64_t *start_pfn,
					uint64_t end_pfn, unsigned int stride)
{
	struct zone *z = cc->zone;
	uint64_t pfn = *start_pfn, scanned = 0, isolated_total = 0;

	for (; pfn < end_pfn; pfn += stride) {
		uint8_t s = *pfn_state(z, pfn);
		uint8_t info = cc->zl->info[pfn - z->start_pfn];
		uint64_t n;

		scanned++;
		if (info && (info & 0xf)) {	/* a compound allocation: skip it */
			n = ((uint64_t)1 << (info & 0xf)) - 1;
			pfn += n;
			scanned += n;
			continue;
		}
		if (!st_is_buddy(s))
			continue;
		n = (uint64_t)1 << st_order(s);
		if (!__isolate_free_page(cc->m, z, pfn, st_order(s)))
			break;
		model_mark_allocated(cc->m, z, pfn, st_order(s), MODEL_MT_MOVABLE);
		add_isolated_block(cc, pfn, st_order(s));
		cc->nr_freepages += n;
		isolated_total += n;
		scanned += n - 1;
		if (cc->nr_migratepages <= cc->nr_freepages) {
			pfn += n;
			break;
		}
		pfn += n - 1;
	}
	if (pfn > end_pfn)
		pfn = end_pfn;
	*start_pfn = pfn;
	cc->m->ctr.compact_free_scanned += scanned;
	cc->m->ctr.compact_isolated += isolated_total;
	return isolated_total;
}

/*
 * Pageblocks from the free scanner's position down to the one after the
 * migrate scanner's: suitable targets (MOVABLE/CMA, not one free block of
 * pageblock order or more), skip hints honoured; a fully scanned block
 * gets its hint set.
 *
 * Models: mm/compaction.c isolate_freepages().
 */
static void isolate_freepages(struct compact_control *cc)
{
	const struct model *m = cc->m;
	struct zone *z = cc->zone;
	uint64_t isolate_start_pfn = cc->free_pfn;
	uint64_t block_start_pfn = pageblock_start_pfn(m, isolate_start_pfn);
	uint64_t block_end_pfn = block_start_pfn + m->pb_nr;
	uint64_t low_pfn = pageblock_end_pfn(m, cc->migrate_pfn);
	unsigned int stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	if (block_end_pfn > zone_end_pfn(z))
		block_end_pfn = zone_end_pfn(z);
	for (; block_start_pfn >= low_pfn; block_end_pfn = block_start_pfn,
	     block_start_pfn -= m->pb_nr, isolate_start_pfn = block_start_pfn) {
		uint64_t nr_isolated;

		if (block_start_pfn < z->start_pfn)
			break;
		if (!suitable_migration_target(cc, block_start_pfn) ||
		    !isolation_suitable(cc, block_start_pfn))
			continue;
		nr_isolated = isolate_freepages_block(cc, &isolate_start_pfn, block_end_pfn, stride);
		if (isolate_start_pfn == block_end_pfn) {
			*skip_hint(cc, block_start_pfn) = 1;
			if (block_start_pfn - m->pb_nr < cc->zl->cached_free_pfn)
				cc->zl->cached_free_pfn = block_start_pfn - m->pb_nr;
		}
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start_pfn >= block_end_pfn)
				isolate_start_pfn = block_start_pfn - m->pb_nr;
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			break;
		}
		if (nr_isolated) {
			stride = 1;
			continue;
		}
		stride = stride << 1 < COMPACT_CLUSTER_MAX ? stride << 1 : COMPACT_CLUSTER_MAX;
	}
	cc->free_pfn = isolate_start_pfn;
}

/* The lowest order from @order up whose list holds a block, or nr_orders. */
static unsigned int first_free_order(const struct compact_control *cc, unsigned int order)
{
	while (order < cc->m->nr_orders && !cc->freepages[order].len)
		order++;
	return order;
}

/*
 * A target of 2^@order pages: the head of the lowest non-empty list of
 * that order or above, split down with each upper half put back at the
 * head of its order's list; when no list has one, the free scanner runs
 * once more. Before 6.9 every source is one page and the single list is
 * refilled only when empty.
 *
 * Models: mm/compaction.c compaction_alloc().
 * Return: the target's pfn, or MODEL_PFN_NONE (migrate_pages() then fails
 * with -ENOMEM).
 */
static uint64_t compaction_alloc(struct compact_control *cc, unsigned int order)
{
	unsigned int start = first_free_order(cc, order);
	uint64_t pfn;

	if (start == cc->m->nr_orders) {
		isolate_freepages(cc);
		start = first_free_order(cc, order);
		if (start == cc->m->nr_orders)
			return MODEL_PFN_NONE;
	}
	pfn = free_list_pop_head(&cc->freepages[start]);
	while (start > order) {
		start--;
		free_list_push_head(&cc->freepages[start], pfn + ((uint64_t)1 << start));
	}
	cc->nr_freepages -= (uint64_t)1 << order;
	return pfn;
}

/* Free an isolated or migrated-from block back to the buddy. */
static void compaction_free_block(struct compact_control *cc, uint64_t pfn, unsigned int order)
{
	struct model_free_result fr = { .zone = (int)cc->zone->idx, .merged_pfn = MODEL_PFN_NONE };

	model_free_checked(cc->m, cc->zone, pfn, order, 0, MODEL_FREE_BUDDY, &fr);
}

/*
 * Give back the isolated free blocks not used, order by order in list
 * order; the cached free scanner position moves back to the highest one's
 * pageblock.
 *
 * Models: mm/compaction.c release_free_list() and compact_zone()'s out: label.
 */
static void release_freepages(struct compact_control *cc)
{
	uint64_t high_pfn = 0, free_pfn;

	if (!cc->nr_freepages)
		return;
	for (unsigned int o = 0; o < cc->m->nr_orders; o++) {
		while (cc->freepages[o].len) {
			uint64_t pfn = free_list_pop_head(&cc->freepages[o]);

			if (pfn > high_pfn)
				high_pfn = pfn;
			compaction_free_block(cc, pfn, o);
		}
	}
	cc->nr_freepages = 0;
	free_pfn = pageblock_start_pfn(cc->m, high_pfn);
	if (free_pfn > cc->zl->cached_free_pfn)
		cc->zl->cached_free_pfn = free_pfn;
}

/* ---------------------------------------------------------------------- */
/* Migrate scanner and migration                                          */
/* ---------------------------------------------------------------------- */

/*
 * Whether a folio of @order is passed over: above the order asked for
 * (not for whole-zone runs), or of pageblock order or more.
 *
 * Models: mm/compaction.c skip_isolation_on_order() (6.9+).
 */
static bool skip_isolation_on_order(const struct compact_control *cc, unsigned int order)
{
	if (cc->order >= 0 && order >= (unsigned int)cc->order)
		return true;
	return order >= cc->m->pb_order;
}

/*
 * An allocation the migrate scanner can take: a tracked MOVABLE one, of
 * order 0 or (6.9+) a folio skip_isolation_on_order() lets through.
 */
static bool page_migratable(const struct compact_control *cc, uint64_t pfn)
{
	uint8_t info = cc->zl->info[pfn - cc->zone->start_pfn];
	unsigned int order = info & 0xf;

	if (!info || ((info >> 4) & 7) != MODEL_MT_MOVABLE)
		return false;
	return !order || (cc->large_folios && !skip_isolation_on_order(cc, order));
}

static unsigned int head_order(const struct compact_control *cc, uint64_t pfn)
{
	return cc->zl->info[pfn - cc->zone->start_pfn] & 0xf;
}

/*
 * Isolate the movable pages of [low_pfn, end_pfn) (one pageblock), at most
 * COMPACT_CLUSTER_MAX unless the block is being finished; free blocks and
 * compound allocations are stepped over. Async direct compaction gives up
 * an order-aligned block at its first page that cannot be isolated. The
 * block's skip hint is set at its first isolation (unless hints are
 * ignored), or at its end when nothing was isolated.
 *
 * Models: mm/compaction.c isolate_migratepages_block().
 */
static void isolate_migratepages_block(struct compact_control *cc, uint64_t low_pfn,
				       uint64_t end_pfn)
{
	struct zone *z = cc->zone;
	const struct model *m = cc->m;
	bool skip_on_failure = cc->direct_compaction && cc->mode == MIGRATE_ASYNC;
	bool valid = false, skip_updated = false;
	uint64_t order_nr = cc->order > 0 ? (uint64_t)1 << cc->order : 1;
	uint64_t next_skip_pfn = (low_pfn + order_nr) & ~(order_nr - 1);
	uint64_t scanned = 0, nr_isolated = 0;

	for (; low_pfn < end_pfn; low_pfn++) {
		uint8_t s, info;

		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			if (nr_isolated)
				break;
			next_skip_pfn = (low_pfn + order_nr) & ~(order_nr - 1);
		}
		scanned++;
		if (!valid && (!(low_pfn & (m->pb_nr - 1)) || low_pfn == z->start_pfn)) {
			if (!isolation_suitable(cc, low_pfn)) {
				low_pfn = end_pfn;
				goto isolate_abort;
			}
			valid = true;
		}
		s = *pfn_state(z, low_pfn);
		info = cc->zl->info[low_pfn - z->start_pfn];
		if (st_is_buddy(s)) {
			uint64_t n = ((uint64_t)1 << st_order(s)) - 1;

			low_pfn += n;
			scanned += n;
			continue;
		}
		if (!page_migratable(cc, low_pfn)) {
			if (info && (info & 0xf)) {
				uint64_t n = ((uint64_t)1 << (info & 0xf)) - 1;

				low_pfn += n;
				scanned += n;
			}
			goto isolate_fail;
		}
		if (!skip_updated && valid) {
			uint8_t *hint = skip_hint(cc, low_pfn);

			skip_updated = true;
			if (!cc->ignore_skip_hint) {
				bool was = *hint;

				*hint = 1;
				if (was && !cc->finish_pageblock) {
					low_pfn = end_pfn;
					goto isolate_abort;
				}
			}
		}
		cc->migratepages[cc->nr_migrate_heads++] = low_pfn;
		{
			uint64_t n = (uint64_t)1 << head_order(cc, low_pfn);

			cc->nr_migratepages += (unsigned int)n;
			nr_isolated += n;
			low_pfn += n - 1;
			scanned += n - 1;
		}
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			low_pfn++;
			break;
		}
		continue;
isolate_fail:
		if (!skip_on_failure)
			continue;
		if (nr_isolated) {
			cc->nr_migratepages = cc->nr_migrate_heads = 0;	/* putback_movable_pages() */
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += order_nr;
		}
	}
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;
isolate_abort:
	if (low_pfn == end_pfn && (!nr_isolated || cc->finish_pageblock)) {
		if (valid && !skip_updated)
			*skip_hint(cc, end_pfn - 1) = 1;
		update_cached_migrate(cc, low_pfn);
	}
	cc->m->ctr.compact_migrate_scanned += scanned;
	cc->migrate_pfn = low_pfn;
}

/*
 * From the migrate scanner's position, the first pageblock before the
 * free scanner's that is suitable; isolate from it.
 *
 * Models: mm/compaction.c isolate_migratepages() (without fast_find_migrateblock()).
 * Return: whether pages were isolated (ISOLATE_SUCCESS).
 */
static bool isolate_migratepages(struct compact_control *cc)
{
	const struct model *m = cc->m;
	struct zone *z = cc->zone;
	uint64_t low_pfn = cc->migrate_pfn;
	uint64_t block_start_pfn = pageblock_start_pfn(m, low_pfn);
	uint64_t block_end_pfn = pageblock_end_pfn(m, low_pfn);

	if (block_start_pfn < z->start_pfn)
		block_start_pfn = z->start_pfn;
	for (; block_end_pfn <= cc->free_pfn; cc->migrate_pfn = low_pfn = block_end_pfn,
	     block_start_pfn = block_end_pfn, block_end_pfn += m->pb_nr) {
		if ((!(low_pfn & (m->pb_nr - 1)) || low_pfn == z->start_pfn) &&
		    !isolation_suitable(cc, low_pfn))
			continue;
		if (!suitable_migration_source(cc, block_start_pfn)) {
			update_cached_migrate(cc, block_end_pfn);
			continue;
		}
		isolate_migratepages_block(cc, low_pfn, block_end_pfn);
		break;
	}
	return cc->nr_migratepages != 0;
}

/*
 * Move every isolated allocation, the last isolated first, to a target of
 * its order; the old block is freed. The first one without a target ends
 * the call and the rest stay where they are.
 *
 * Models: mm/migrate.c migrate_pages() with compaction_alloc() (list order).
 * Return: 0, or -ENOMEM when an allocation found no target.
 */
static int migrate_pages(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	int err = 0;

	for (unsigned int i = cc->nr_migrate_heads; i-- > 0;) {
		uint64_t src = cc->migratepages[i], dst;
		uint64_t tag = cc->zl->tag[src - z->start_pfn];
		unsigned int order;

		if (!page_migratable(cc, src))
			continue;
		order = head_order(cc, src);
		dst = compaction_alloc(cc, order);
		if (dst == MODEL_PFN_NONE) {
			err = -ENOMEM;
			break;
		}
		model_lru_move(cc->m, z, src, dst);
		compaction_free_block(cc, src, order);
		cc->migrated += (uint64_t)1 << order;
		cc->m->ctr.compact_migrated += (uint64_t)1 << order;
		if (cc->m->obs.migrated)
			cc->m->obs.migrated(cc->m->obs_ctx, tag, src, dst, order);
	}
	cc->nr_migratepages = cc->nr_migrate_heads = 0;
	return err;
}

/*
 * Done when the scanners meet; a proactive run when the zone's score is at
 * or below the low mark; a run for an order when, at a pageblock boundary,
 * a free block of the order (or more) is on the request type's list, CMA
 * for movable requests, or a fallback list it may steal from.
 *
 * Models: mm/compaction.c __compact_finished() / compact_finished().
 */
static enum compact_result compact_finished(struct compact_control *cc)
{
	struct model *m = cc->m;
	struct zone *z = cc->zone;

	if (compact_scanners_met(cc)) {
		reset_cached_positions(m, z);
		if (cc->direct_compaction)
			cc->zl->blockskip_flush = true;
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction)
		return fragmentation_score_zone(m, z) > score_wmark(m, true) ? COMPACT_CONTINUE
									      : COMPACT_SUCCESS;
	if (cc->order < 0 || (cc->migrate_pfn & (m->pb_nr - 1)))
		return COMPACT_CONTINUE;
	for (unsigned int o = (unsigned int)cc->order; o < m->nr_orders; o++) {
		if (!list_empty(z, buddy_list(o, cc->migratetype)))
			return COMPACT_SUCCESS;
		if (cc->migratetype == MODEL_MT_MOVABLE && m->mt_cma >= 0 &&
		    !list_empty(z, buddy_list(o, m->mt_cma)))
			return COMPACT_SUCCESS;
		if (find_suitable_fallback(m, z, o, cc->migratetype, true) >= 0)
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;	/* COMPACT_NO_SUITABLE_PAGE */
}

static void compact_count(struct compact_control *cc, enum compact_result ret)
{
	struct model_counters *c = &cc->m->ctr;

	c->compact_runs[cc->trigger]++;
	if (cc->order <= 0)
		return;
	if (ret == COMPACT_SUCCESS)
		c->compact_success[cc->order]++;
	else
		c->compact_fail[cc->order]++;
}

/*
 * One zone: nothing when an order's allocation would already pass or the
 * zone is not suitable; otherwise the scanners start at the zone's ends
 * (whole zone) or their cached positions and alternate isolation and
 * migration until compact_finished() says stop.
 *
 * Models: mm/compaction.c compact_zone().
 */
static enum compact_result compact_zone(struct compact_control *cc)
{
	struct model *m = cc->m;
	struct zone *z = cc->zone;
	uint64_t start_pfn = z->start_pfn, end_pfn = zone_end_pfn(z), last_migrated_pfn = 0;
	bool sync = cc->mode != MIGRATE_ASYNC, update_cached;
	enum compact_result ret;

	cc->zl = &m->press->zl[z->idx];
	if (cc->order >= 0) {
		unsigned int wm = cc->alloc_flags & MODEL_ALLOC_WMARK_MASK;

		if (model_zone_watermark_ok(m, z, (unsigned int)cc->order,
				      z->wmark[wm < 3 ? wm : 0] + z->watermark_boost, cc->hz,
				      cc->alloc_flags))
			return COMPACT_SUCCESS;
		if (!compaction_suitable(m, z, (unsigned int)cc->order, cc->hz))
			return COMPACT_SKIPPED;
	}
	if (compaction_restarting(cc->zl, cc->order < 0 ? 0 : (unsigned int)cc->order))
		reset_isolation_suitable(m, z);
	cc->large_folios = m->is_618;
	compact_control_lists(cc);
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start_pfn(m, end_pfn - 1);
	} else {
		cc->migrate_pfn = cc->zl->cached_migrate_pfn[sync];
		cc->free_pfn = cc->zl->cached_free_pfn;
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn)
			cc->free_pfn = cc->zl->cached_free_pfn = pageblock_start_pfn(m, end_pfn - 1);
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn)
			cc->migrate_pfn = cc->zl->cached_migrate_pfn[0] =
				cc->zl->cached_migrate_pfn[1] = start_pfn;
		if (cc->migrate_pfn <= start_pfn)
			cc->whole_zone = true;
	}
	update_cached = !sync && cc->zl->cached_migrate_pfn[0] == cc->zl->cached_migrate_pfn[1];
	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		uint64_t iteration_start_pfn = cc->migrate_pfn;

		cc->finish_pageblock = pageblock_start_pfn(m, last_migrated_pfn) ==
				       pageblock_start_pfn(m, iteration_start_pfn);
rescan:
		if (!isolate_migratepages(cc)) {
			if (update_cached)
				cc->zl->cached_migrate_pfn[1] = cc->zl->cached_migrate_pfn[0];
			continue;
		}
		update_cached = false;
		last_migrated_pfn = pageblock_start_pfn(m, cc->migrate_pfn - 1);
		if (last_migrated_pfn < start_pfn)
			last_migrated_pfn = start_pfn;
		if (migrate_pages(cc)) {
			if (!compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				break;
			}
			if ((cc->migrate_pfn & (m->pb_nr - 1)) && !cc->ignore_skip_hint &&
			    !cc->finish_pageblock && cc->mode < MIGRATE_SYNC) {
				cc->finish_pageblock = true;
				if (cc->order == (int)m->pb_order)
					last_migrated_pfn = 0;
				goto rescan;
			}
		}
	}
	release_freepages(cc);
	compact_count(cc, ret);
	return ret;
}

/* Run compact_zone() with the model's result pointer parked (frees write to it). */
static enum compact_result compact_zone_safe(struct compact_control *cc)
{
	struct model_alloc_result *saved = cc->m->res;
	enum compact_result ret;

	cc->m->res = &cc->m->scratch_res;
	ret = compact_zone(cc);
	cc->m->res = saved;
	return ret;
}

/*
 * Direct compaction of the request's zonelist: deferred zones skipped,
 * stop at the first zone that succeeds; a sync run that completes defers
 * the zone.
 *
 * Models: mm/compaction.c try_to_compact_pages() / compact_zone_order().
 */
enum compact_result try_to_compact_pages(struct model *m, unsigned int order, unsigned int alloc_flags,
					 struct alloc_context *ac, bool async)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (!(ac->gfp & MODEL_GFP_IO))
		return rc;
	for (unsigned int i = 0; i < ac->nr_zonerefs; i++) {
		struct zone *z = &m->zones[ac->pgdat->zonelist[i]];
		struct zone_lru *zl = &m->press->zl[z->idx];
		struct compact_control cc = {
			.m = m, .zone = z, .order = (int)order, .migratetype = ac->mt,
			.alloc_flags = alloc_flags, .hz = ac->hz,
			.mode = async ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
			.trigger = MODEL_COMPACT_DIRECT, .direct_compaction = true,
		};
		enum compact_result status;

		if ((int)z->type > ac->hz || !z->present)
			continue;
		if (compaction_deferred(zl, order)) {
			m->ctr.compact_deferred++;
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		status = compact_zone_safe(&cc);
		if (status > rc)
			rc = status;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(zl, order);
			break;
		}
		if (!async && (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(zl, order);
	}
	return rc;
}

/*
 * kcompactd woken at @order for zones up to @hz of @node: only when some
 * zone fails the order at MIN and is suitable; then each such zone is
 * compacted (sync-light, skip hints honoured).
 *
 * Models: mm/compaction.c wakeup_kcompactd(), kcompactd_node_suitable(), kcompactd_do_work().
 */
void wakeup_kcompactd(struct model *m, unsigned int node, unsigned int order, int hz)
{
	bool suitable = false;

	for (unsigned int i = 0; i < m->nr_zones && !suitable; i++) {
		struct zone *z = &m->zones[i];

		if (z->node != node || (int)z->type > hz || !z->present)
			continue;
		if (model_zone_watermark_ok(m, z, order, z->wmark[0] + z->watermark_boost, hz, 0))
			continue;
		suitable = compaction_suitable(m, z, order, hz);
	}
	if (!suitable)
		return;
	for (unsigned int t = 0; t <= (unsigned int)hz && t < MODEL_NR_ZONE_TYPES; t++) {
		int zi = m->nodes[node].zone_of_type[t];
		struct zone *z = zi >= 0 ? &m->zones[zi] : NULL;
		struct compact_control cc = {
			.m = m, .zone = z, .order = (int)order, .migratetype = MODEL_MT_MOVABLE,
			.hz = hz, .mode = MIGRATE_SYNC_LIGHT, .trigger = MODEL_COMPACT_KCOMPACTD,
		};
		struct zone_lru *zl;
		enum compact_result status;

		if (!z || !z->present)
			continue;
		zl = &m->press->zl[z->idx];
		if (compaction_deferred(zl, order)) {
			m->ctr.compact_deferred++;
			continue;
		}
		if (model_zone_watermark_ok(m, z, order, z->wmark[0] + z->watermark_boost, (int)t, 0) ||
		    !compaction_suitable(m, z, order, (int)t))
			continue;
		status = compact_zone_safe(&cc);
		if (status == COMPACT_SUCCESS)
			compaction_defer_reset(zl, order);
		else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE)
			defer_compaction(zl, order);
	}
}

/* Whole-zone compaction of every populated zone of @node, lowest zone type first. */
static uint64_t compact_node(struct model *m, unsigned int node, bool proactive)
{
	uint64_t migrated = 0;

	for (unsigned int t = 0; t < MODEL_NR_ZONE_TYPES; t++) {
		int zi = m->nodes[node].zone_of_type[t];
		struct compact_control cc = {
			.m = m, .order = -1, .migratetype = MODEL_MT_MOVABLE,
			.hz = MODEL_NR_ZONE_TYPES - 1,
			.mode = proactive ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC,
			.trigger = proactive ? MODEL_COMPACT_PROACTIVE : MODEL_COMPACT_EXPLICIT,
			.whole_zone = true, .ignore_skip_hint = true,
			.proactive_compaction = proactive,
		};

		if (zi < 0 || !m->zones[zi].present || !m->zones[zi].spanned)
			continue;
		cc.zone = &m->zones[zi];
		compact_zone_safe(&cc);
		migrated += cc.migrated;
	}
	return migrated;
}

/* Models: mm/compaction.c compact_nodes() / compact_node(). */
long model_compact_memory(struct model *m)
{
	uint64_t migrated = 0;

	if (!m)
		return -EINVAL;
	if (!m->press || !m->cfg.compaction)
		return -EOPNOTSUPP;
	for (unsigned int n = 0; n < m->cfg.nr_nodes; n++)
		migrated += compact_node(m, n, false);
	return (long)migrated;
}

/* Models: mm/compaction.c kcompactd() proactive branch, should_proactive_compact_node(). */
int model_compact_proactive(struct model *m)
{
	int nodes = 0;

	if (!m)
		return -EINVAL;
	if (!m->press || !m->cfg.compaction)
		return -EOPNOTSUPP;
	if (!m->cfg.compaction_proactiveness)
		return 0;
	for (unsigned int n = 0; n < m->cfg.nr_nodes; n++) {
		struct node_reclaim *nr = &m->press->node[n];
		unsigned int prev;

		if (nr->proactive_defer) {
			nr->proactive_defer--;
			continue;
		}
		prev = fragmentation_score_node(m, n);
		if (prev <= score_wmark(m, false))
			continue;
		compact_node(m, n, true);
		nodes++;
		if (fragmentation_score_node(m, n) >= prev)
			nr->proactive_defer = (1u << COMPACT_MAX_DEFER_SHIFT) - 1;
	}
	return nodes;
}

int model_fragmentation_score(const struct model *m, unsigned int node)
{
	if (!m || node >= m->cfg.nr_nodes)
		return -EINVAL;
	return (int)fragmentation_score_node(m, node);
}
