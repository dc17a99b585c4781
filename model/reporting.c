/* SPDX-License-Identifier: MIT */
/*
 * Free page reporting (virtio-balloon's free page hinting): a pass over a
 * zone's free lists of order >= page_reporting_order that isolates
 * unreported blocks in scatterlists of 32, "reports" them, and puts them
 * back at the tail of their list marked as reported, rotating each list so
 * that the next pass starts after what was processed. The model has no
 * clock: frees set the "reporting requested" state as the kernel's notify
 * does, and the caller runs a pass when the kernel's 2-second delayed work
 * would. Facts and sources: model/KERNEL-FACTS.md, section "Free page
 * reporting".
 */
#include <errno.h>
#include <string.h>

#include "mmzone.h"

#define PAGE_REPORTING_CAPACITY 32	/* scatterlist entries per report() call */
#define PAGE_REPORTING_BUDGET_SHIFT 4	/* budget: nr_free / (capacity x 16), rounded up */

/* The scatterlist of one zone pass: filled from the top index down, as the kernel does. */
struct report_sg {
	uint64_t pfn[PAGE_REPORTING_CAPACITY];
	uint8_t order[PAGE_REPORTING_CAPACITY];
	unsigned int offset;		/* free entries left; the used ones are [offset, 32) */
};

/* Make @n the first entry of list @l, keeping the cyclic order (list_rotate_to_front()). */
static void list_rotate_to_front(struct zone *z, uint32_t l, uint32_t n)
{
	uint32_t p = z->link[n].prev;

	list_unlink(z, l);
	list_insert_after(z, p, l);
}

/*
 * Take a free block off its list if the zone stays above MIN + the block;
 * a block of at least half a pageblock turns its mergeable pageblocks
 * MOVABLE (6.18 also moves their other free pages; a block straddling the
 * zone is left alone).
 *
 * Models: mm/page_alloc.c __isolate_free_page(), v6.1/v6.18
 */
bool __isolate_free_page(struct model *m, struct zone *z, uint64_t pfn, unsigned int order)
{
	uint64_t end = pfn + ((uint64_t)1 << order) - 1;

	if (get_pageblock_migratetype(m, z, pfn) != m->mt_isolate &&
	    !model_zone_watermark_ok(m, z, 0, z->wmark[WMARK_MIN] + ((uint64_t)1 << order), 0,
			       MODEL_ALLOC_CMA))
		return false;
	model_del_from_free_list(m, z, pfn);
	if (order + 1 < m->pb_order)
		return true;
	for (uint64_t p = pfn; p < end; p += m->pb_nr) {
		if (!is_migrate_mergeable(get_pageblock_migratetype(m, z, p)))
			continue;
		if (m->is_618) {
			if (!model_pageblock_in_zone(m, z, p))
				continue;
			model_move_freepages_block(m, z, p, MODEL_MT_MOVABLE, NULL);
		}
		model_set_pageblock_migratetype(m, z, p, MODEL_MT_MOVABLE);
	}
	return true;
}

/*
 * Return an isolated block to the tail of the list of its pageblock's type
 * (merging as any free does, without a new reporting request) and mark it
 * reported unless it merged.
 *
 * Models: mm/page_alloc.c __putback_isolated_page(), mm/page_reporting.c page_reporting_drain(), v6.1/v6.18
 */
static void putback_reported(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			     struct model_report_result *res)
{
	uint8_t s;

	m->pr_skip_notify = true;
	model___free_one_page(m, z, pfn, order, get_pageblock_migratetype(m, z, pfn), true, NULL);
	m->pr_skip_notify = false;
	s = *pfn_state(z, pfn);
	if (st_is_buddy(s) && st_order(s) == order) {
		page_reported_set(m, z, pfn, true);
		res->blocks_reported++;
		res->pages_reported += (uint64_t)1 << order;
	} else {
		res->blocks_merged++;
	}
}

/* One report() call on entries [from, 32), then their putback in index order. */
static void report_and_drain(struct model *m, struct zone *z, struct report_sg *sg,
			     unsigned int from, struct model_report_result *res)
{
	res->nr_reports++;
	for (unsigned int i = from; i < PAGE_REPORTING_CAPACITY; i++)
		putback_reported(m, z, sg->pfn[i], sg->order[i], res);
}

/*
 * One free list: skip reported blocks, isolate unreported ones into the
 * scatterlist, report a full one (after rotating the next unreported
 * block to the list head) and restart from the head, until the list ends,
 * the budget runs out (reporting is requested again) or isolation fails;
 * then rotate the list so that it starts at the first unprocessed block.
 *
 * Models: mm/page_reporting.c page_reporting_cycle(), v6.1/v6.18
 */
static void page_reporting_cycle(struct model *m, struct zone *z, unsigned int order, int mt,
				 struct report_sg *sg, struct model_report_result *res)
{
	const uint64_t per_budget = (uint64_t)PAGE_REPORTING_CAPACITY << PAGE_REPORTING_BUDGET_SHIFT;
	uint32_t l = buddy_list(order, mt), n, next;
	int64_t budget;

	if (list_empty(z, l))
		return;
	budget = (int64_t)((z->nr_free[order] + per_budget - 1) / per_budget);
	for (n = list_first(z, l); n != l; n = next) {
		uint64_t pfn = node_pfn(z, n);

		next = z->link[n].next;
		if (page_reported(m, z, pfn))
			continue;
		if (budget < 0) {
			m->pr_state = MODEL_PR_REQUESTED;
			res->budget_exhausted = true;
			next = n;
			break;
		}
		if (sg->offset) {
			if (!__isolate_free_page(m, z, pfn, order)) {
				res->isolate_failed++;
				next = n;
				break;
			}
			sg->offset--;
			sg->pfn[sg->offset] = pfn;
			sg->order[sg->offset] = (uint8_t)order;
			continue;
		}
		if (z->link[n].prev != l)
			list_rotate_to_front(z, l, n);
		report_and_drain(m, z, sg, 0, res);
		sg->offset = PAGE_REPORTING_CAPACITY;
		budget--;
		next = list_first(z, l);
	}
	if (next != l && z->link[next].prev != l)
		list_rotate_to_front(z, l, next);
}

/*
 * A zone above LOW (+ boost) + 32 blocks of the reporting order: every list
 * from the reporting order up, all types but ISOLATE, one scatterlist
 * shared by the whole zone, the partial last one reported at the end.
 *
 * Models: mm/page_reporting.c page_reporting_process_zone(), v6.1/v6.18
 */
static void page_reporting_process_zone(struct model *m, struct zone *z,
					struct model_report_result *res)
{
	struct report_sg sg;
	uint64_t mark = z->wmark[WMARK_LOW] + z->watermark_boost +
			((uint64_t)PAGE_REPORTING_CAPACITY << m->report_order);

	if (!model_zone_watermark_ok(m, z, 0, mark, 0, MODEL_ALLOC_CMA)) {
		res->zones_skipped++;
		return;
	}
	res->zones_processed++;
	sg.offset = PAGE_REPORTING_CAPACITY;
	for (unsigned int o = m->report_order; o < m->nr_orders; o++)
		for (int mt = 0; mt < (int)m->nr_mt; mt++)
			if (mt != m->mt_isolate)
				page_reporting_cycle(m, z, o, mt, &sg, res);
	if (sg.offset < PAGE_REPORTING_CAPACITY)
		report_and_drain(m, z, &sg, sg.offset, res);
}

/*
 * Models: mm/page_reporting.c page_reporting_process(), v6.1/v6.18
 */
int model_page_reporting_run(struct model *m, int zone, struct model_report_result *res)
{
	uint64_t blocks;

	if (!m || !res || zone < -1 || zone >= (int)m->nr_zones)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (!m->report_order)
		return -EOPNOTSUPP;
	m->res = &m->scratch_res;
	if (zone >= 0) {
		page_reporting_process_zone(m, &m->zones[zone], res);
	} else {
		/* for_each_zone(): node by node, zone types upward */
		m->pr_state = MODEL_PR_ACTIVE;
		for (unsigned int n = 0; n < m->cfg.nr_nodes; n++)
			for (unsigned int t = 0; t < MODEL_NR_ZONE_TYPES; t++)
				if (m->nodes[n].zone_of_type[t] >= 0)
					page_reporting_process_zone(
						m, &m->zones[m->nodes[n].zone_of_type[t]], res);
		if (m->pr_state == MODEL_PR_ACTIVE)
			m->pr_state = MODEL_PR_IDLE;
	}
	res->requested = m->pr_state == MODEL_PR_REQUESTED;
	blocks = res->blocks_reported;
	m->ctr.reporting_passes++;
	m->ctr.reported_blocks += blocks;
	m->ctr.reported_pages += res->pages_reported;
	return 0;
}

enum model_page_reporting_state model_page_reporting_state_get(const struct model *m)
{
	return m ? m->pr_state : MODEL_PR_IDLE;
}

int model_page_reporting_state_set(struct model *m, enum model_page_reporting_state st)
{
	if (!m || (st != MODEL_PR_IDLE && st != MODEL_PR_REQUESTED))
		return -EINVAL;
	m->pr_state = st;
	return 0;
}

/*
 * Models: include/linux/page-flags.h PageReported (PG_reported = PG_uptodate of a buddy head), v6.1/v6.18
 */
int model_page_reported_set(struct model *m, uint64_t pfn, bool on)
{
	struct zone *z;
	uint8_t s;

	if (!m)
		return -EINVAL;
	if (!m->report_order)
		return -EOPNOTSUPP;
	z = model_pfn_zone(m, pfn);
	if (!z)
		return -ENOENT;
	s = *pfn_state(z, pfn);
	if (!st_is_buddy(s) || st_order(s) < m->report_order)
		return -EINVAL;
	page_reported_set(m, z, pfn, on);
	return 0;
}
