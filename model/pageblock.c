/* SPDX-License-Identifier: MIT */
/*
 * Pageblock migratetypes: setting a block's type (6.1 stores ISOLATE as a
 * value, 6.18 as a separate bit that keeps the underlying type, spec 1.4),
 * changing a range of blocks, and the whole-block scans the fallback and
 * highatomic paths use: counting a block's free and movable pages and moving
 * all its free blocks to another list (spec 2.8, 2.9).
 */
#include <errno.h>

#include "mmzone.h"

/*
 * A block is counted in pagetypeinfo's "Number of blocks type" only when its
 * first pfn lies in the zone (spec 7.6).
 */
static bool pb_counted(const struct model *m, const struct zone *z, uint64_t idx)
{
	uint64_t first = (z->pb_base + idx) << m->pb_order;

	return first >= z->start_pfn && first < z->start_pfn + z->spanned;
}

/*
 * A HIGHATOMIC block (its underlying type in 6.18, where ISOLATE is a
 * separate bit) counts pageblock_nr_pages in nr_reserved_highatomic.
 */
static bool pb_highatomic(uint8_t b)
{
	return (b & 0x7) == MODEL_MT_HIGHATOMIC;
}

/*
 * nr_reserved_highatomic follows the blocks: the kernel adds a pageblock
 * (or 2^order for its blocks) exactly when it makes blocks HIGHATOMIC and
 * takes the same off when it converts them back, so keeping it equal to
 * pageblock_nr_pages x HIGHATOMIC blocks is the kernel's bookkeeping, and
 * stays consistent when replay seeds or learns a HIGHATOMIC block.
 *
 * Models: mm/page_alloc.c reserve_highatomic_pageblock() / unreserve_highatomic_pageblock() accounting, v6.1/v6.18 (spec §2.9)
 */
static void pageblock_write(struct model *m, struct zone *z, uint64_t idx, uint8_t byte,
			    bool notify)
{
	uint8_t old = z->pageblock[idx];
	int old_mt = pb_effective(m, old), new_mt = pb_effective(m, byte);

	jr_save(z, &z->pageblock[idx], 1);
	z->pageblock[idx] = byte;
	if (pb_highatomic(old) != pb_highatomic(byte)) {
		if (pb_highatomic(byte))
			zone_add(z, &z->nr_reserved_highatomic, (int64_t)m->pb_nr);
		else
			zone_add(z, &z->nr_reserved_highatomic, -(int64_t)m->pb_nr);
	}
	if (old_mt == new_mt)
		return;
	if (pb_counted(m, z, idx)) {
		zone_add(z, &z->pb_count[old_mt], -1);
		zone_add(z, &z->pb_count[new_mt], 1);
	}
	if (old_mt == m->mt_isolate)
		zone_add(z, &z->nr_isolate_pageblock, -1);
	if (new_mt == m->mt_isolate)
		zone_add(z, &z->nr_isolate_pageblock, 1);
	if (!notify)
		return;
	m->ctr.pageblock_changes++;
	m->res->pageblocks_changed++;
	if (m->obs.pageblock_change)
		m->obs.pageblock_change(m->obs_ctx, (z->pb_base + idx) << m->pb_order, old_mt,
					new_mt);
}

static uint8_t pageblock_byte(const struct model *m, uint8_t old, int mt)
{
	if (!m->is_618)
		return (uint8_t)mt;
	if (mt == m->mt_isolate)
		return old | PB_ISOLATE_BIT;
	return (uint8_t)mt;
}

/*
 * Models: mm/page_alloc.c set_pageblock_migratetype(), v6.1/v6.18 (spec §1.4).
 */
void model_set_pageblock_migratetype(struct model *m, struct zone *z, uint64_t pfn, int mt)
{
	uint64_t idx = pb_index(m, z, pfn);

	pageblock_write(m, z, idx, pageblock_byte(m, z->pageblock[idx], mt), true);
}

/*
 * Seeding: the same write without counting it as a behavior event.
 *
 * Models: mm/page_alloc.c set_pageblock_migratetype() for a snapshot, v6.1/v6.18 (spec §1.4)
 */
int model_pageblock_set_migratetype(struct model *m, uint64_t pfn, int mt)
{
	struct zone *z;
	uint64_t idx;

	if (!m || mt < 0 || mt >= (int)m->nr_mt)
		return -EINVAL;
	z = model_pfn_zone(m, pfn);
	if (!z)
		return -ENOENT;
	idx = pb_index(m, z, pfn);
	pageblock_write(m, z, idx, pageblock_byte(m, z->pageblock[idx], mt), false);
	return 0;
}

/*
 * Models: mm/page_alloc.c change_pageblock_range(), v6.1/v6.18 (spec §2.8).
 */
void model_change_pageblock_range(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			    int mt)
{
	uint64_t nr = order >= m->pb_order ? (uint64_t)1 << (order - m->pb_order) : 1;

	for (uint64_t i = 0; i < nr; i++)
		model_set_pageblock_migratetype(m, z, pfn + (i << m->pb_order), mt);
}

/* True when the whole pageblock of @pfn lies inside the zone (6.18 claim refuses otherwise). */
bool model_pageblock_in_zone(const struct model *m, const struct zone *z, uint64_t pfn)
{
	uint64_t start = pfn & ~(m->pb_nr - 1);

	return start >= z->start_pfn && start + m->pb_nr <= z->start_pfn + z->spanned;
}

/*
 * Walk [start, end) by block heads: free buddy blocks are counted (and moved
 * to the tail of free_list[to_mt] in ascending pfn order when to_mt >= 0),
 * pcp blocks are skipped (neither free nor on an LRU), and allocated pages
 * made by MOVABLE requests stand in for the kernel's LRU/movable pages.
 *
 * Models: mm/page_alloc.c move_freepages() / prep_move_freepages_block(), v6.1/v6.18 (spec §2.8)
 */
static uint64_t scan_block(struct model *m, struct zone *z, uint64_t start, uint64_t end,
			   int to_mt, uint64_t *movable_pages)
{
	uint64_t free_pages = 0, movable = 0;

	for (uint64_t p = start; p < end;) {
		uint8_t s = *pfn_state(z, p);

		if (st_is_buddy(s)) {
			if (to_mt >= 0)
				model_move_to_free_list(m, z, p, to_mt);
			free_pages += (uint64_t)1 << st_order(s);
			p += (uint64_t)1 << st_order(s);
			continue;
		}
		if (st_is_pcp(s)) {
			p += (uint64_t)1 << st_order(s);
			continue;
		}
		if ((s & 0xf0) == ST_ALLOC_MOVABLE)
			movable++;
		p++;
	}
	if (movable_pages)
		*movable_pages = movable;
	return free_pages;
}

/*
 * Models: mm/page_alloc.c prep_move_freepages_block() (counting part), v6.18 (spec §2.8 C).
 */
void model_pageblock_count_pages(const struct model *m, const struct zone *z, uint64_t pfn,
			   uint64_t *free_pages, uint64_t *movable_pages)
{
	uint64_t start = pfn & ~(m->pb_nr - 1);

	/* scan_block only writes when to_mt >= 0 */
	*free_pages = scan_block((struct model *)m, (struct zone *)z, start, start + m->pb_nr, -1,
				 movable_pages);
}

/*
 * Move every free block of @pfn's pageblock to the tail of free_list[@to_mt],
 * ascending, and count the block's movable pages into @movable_pages (may be
 * NULL). 6.1 semantics at a zone edge: nothing moves when the block end is
 * outside the zone, and the walk starts at @pfn when its start is.
 *
 * Models: mm/page_alloc.c move_freepages_block(), v6.1/v6.18 (spec §1.3, §2.8 A).
 * Return: pages moved.
 */
uint64_t model_move_freepages_block(struct model *m, struct zone *z, uint64_t pfn, int to_mt,
			      uint64_t *movable_pages)
{
	uint64_t start = pfn & ~(m->pb_nr - 1), end = start + m->pb_nr;

	if (movable_pages)
		*movable_pages = 0;
	if (end > z->start_pfn + z->spanned)
		return 0;
	if (start < z->start_pfn)
		start = pfn;
	return scan_block(m, z, start, end, to_mt, movable_pages);
}

int model_pageblock_claim(struct model *m, uint64_t pfn, int mt)
{
	struct zone *z;
	uint64_t start, h;

	if (!m || mt < 0 || mt >= (int)m->nr_mt)
		return -EINVAL;
	z = model_pfn_zone(m, pfn);
	if (!z)
		return -ENOENT;
	m->res = &m->scratch_res;
	start = pfn & ~(m->pb_nr - 1);
	if (start < z->start_pfn)
		start = z->start_pfn;
	h = model_containing_free_head(m, z, start);
	if (h != MODEL_PFN_NONE && st_is_buddy(*pfn_state(z, h)) &&
	    st_order(*pfn_state(z, h)) > m->pb_order) {
		model_change_pageblock_range(m, z, h, st_order(*pfn_state(z, h)), mt);
		model_move_to_free_list(m, z, h, mt);
		return 0;
	}
	model_set_pageblock_migratetype(m, z, pfn, mt);
	start = pfn & ~(m->pb_nr - 1);
	scan_block(m, z, start < z->start_pfn ? z->start_pfn : start,
		   start + m->pb_nr < z->start_pfn + z->spanned ? start + m->pb_nr
								: z->start_pfn + z->spanned,
		   mt, NULL);
	return 0;
}
