/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU page lists: list indexing, allocation with refill (rmqueue_bulk),
 * the free-side commit with its drain thresholds (6.1 static high with
 * free_factor; 6.18 high_min/high_max auto-tuning with free_count,
 * alloc_factor and the free_high rule), bulk drains to the buddy, full
 * drains and the 6.18 decay. Written from spec/page-allocator.md 2.5, 3.3,
 * 3.4 and 4.
 */
#include <errno.h>
#include <string.h>

#include "mmzone.h"

/*
 * Models: mm/page_alloc.c pcp_allowed_order(), v6.1/v6.18 (spec §2.4)
 */
bool model_pcp_allowed_order(const struct model *m, unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || (m->thp_order && order == m->thp_order);
}

/*
 * Models: mm/page_alloc.c order_to_pindex(), v6.1/v6.18 (spec §4.1).
 */
unsigned int model_order_to_pindex(const struct model *m, int mt, unsigned int order)
{
	(void)m;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MODEL_MT_MOVABLE);
	return MODEL_MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

/*
 * Models: mm/page_alloc.c pindex_to_order(), v6.1/v6.18 (spec §4.1).
 */
unsigned int model_pindex_to_order(const struct model *m, unsigned int pindex)
{
	return pindex < NR_LOWORDER_PCP_LISTS ? pindex / MODEL_MIGRATE_PCPTYPES : m->thp_order;
}

/* Which (cpu, pindex) list holds pcp entry @pfn: -ENOENT unless @pfn heads a pcp block. */
int model_pcp_find_owner(const struct model *m, const struct zone *z, uint64_t pfn, int *cpu,
		   int *pindex)
{
	uint16_t o;

	(void)m;
	if (!st_is_pcp(z->state[pfn - z->start_pfn]))
		return -ENOENT;
	o = z->link[pfn_node(z, pfn)].pcp_owner;
	*cpu = o / MODEL_NR_PCP_LISTS;
	*pindex = o % MODEL_NR_PCP_LISTS;
	return 0;
}

/*
 * Size of a refill: 6.1 a fixed batch; 6.18 batch scaled by alloc_factor,
 * growing pcp.high on the way.
 *
 * Models: mm/page_alloc.c nr_pcp_alloc(), v6.1/v6.18 (spec §2.5).
 */
static int nr_pcp_alloc(const struct model *m, struct zone *z, struct per_cpu_pages *pcp,
			unsigned int order)
{
	int64_t batch = pcp->batch, high, b;

	if (!m->is_618) {
		b = batch;
		if (b > 1)
			b = (b >> order) > 2 ? b >> order : 2;
		return (int)b;
	}
	high = pcp->high;
	if (high < pcp->high_min)
		high = pcp->high_min;
	if (high > pcp->high_max)
		high = pcp->high_max;
	pcp->high = (uint32_t)high;
	if (high < batch)
		return 1;
	b = order == 0 ? batch << pcp->alloc_factor : batch;
	if (pcp->high_min != pcp->high_max && !(z->flags & MODEL_ZONE_BELOW_HIGH)) {
		high = high + b < pcp->high_max ? high + b : pcp->high_max;
		pcp->high = (uint32_t)high;
	}
	if (order == 0) {
		int64_t max_nr_alloc = high - pcp->count - batch;

		if (max_nr_alloc < batch)
			max_nr_alloc = batch;
		if (b <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		if (b > max_nr_alloc)
			b = max_nr_alloc;
	}
	if (b > 1)
		b = (b >> order) > 2 ? b >> order : 2;
	return (int)b;
}

/*
 * Pull up to @count blocks with __rmqueue, appending each at the tail in
 * the order obtained; 6.18 keeps the mode that last succeeded.
 *
 * Models: mm/page_alloc.c rmqueue_bulk(), v6.1/v6.18 (spec §2.5).
 */
static int rmqueue_bulk(struct model *m, struct zone *z, unsigned int order, int count, int mt,
			unsigned int alloc_flags, unsigned int cpu, unsigned int pindex)
{
	int mode = 0, i;

	for (i = 0; i < count; i++) {
		uint64_t pfn = model___rmqueue(m, z, order, mt, alloc_flags, &mode);

		if (pfn == MODEL_PFN_NONE)
			break;
		st_set(z, pfn, st_pcp(m->last_list_mt, order));
		pcp_list_add(m, z, cpu, pindex, pfn, true);
		z->pcp[cpu].list_len[pindex]++;
	}
	return i;
}

/*
 * Models: mm/page_alloc.c rmqueue_pcplist() / __rmqueue_pcplist(), v6.1/v6.18 (spec §2.5).
 */
uint64_t model_rmqueue_pcplist(struct model *m, struct zone *z, unsigned int order, int mt,
			 unsigned int alloc_flags, unsigned int cpu)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	unsigned int pindex = model_order_to_pindex(m, mt, order);
	uint32_t l = pcp_list(m, cpu, pindex), n;
	uint64_t pfn;

	if (m->is_618)
		pcp->free_count >>= 1;
	else
		pcp->free_factor >>= 1;
	if (list_empty(z, l)) {
		int got = rmqueue_bulk(m, z, order, nr_pcp_alloc(m, z, pcp, order), mt,
				       alloc_flags, cpu, pindex);

		pcp->count += (int64_t)got << order;
		m->res->flags |= MODEL_ALLOC_R_PCP_REFILL;
		m->res->refill_blocks += (unsigned int)got;
		m->res->refill_pages += (unsigned int)got << order;
		m->ctr.pcp_refills++;
		m->ctr.pcp_refill_pages += (uint64_t)got << order;
		if (list_empty(z, l))
			return MODEL_PFN_NONE;
	} else {
		m->res->flags |= MODEL_ALLOC_R_PCP_HIT;
		m->ctr.pcp_hits++;
	}
	n = list_first(z, l);
	pfn = node_pfn(z, n);
	list_unlink(z, n);
	pcp->list_len[pindex]--;
	pcp->count -= (int64_t)1 << order;
	/* the next hit on this list marks the new head allocated: start loading its state byte */
	if (!list_empty(z, l))
		__builtin_prefetch(pfn_state(z, node_pfn(z, list_first(z, l))));
	return pfn;
}

/*
 * Move @count pages from the tails of the pcp lists to the buddy, starting
 * at @pindex and going round-robin.
 *
 * Models: mm/page_alloc.c free_pcppages_bulk(), v6.1/v6.18 (spec §3.4).
 */
void model_free_pcppages_bulk(struct model *m, struct zone *z, unsigned int cpu, int64_t count,
			unsigned int pindex, struct model_free_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int p = (int)pindex - 1;

	if (count > pcp->count)
		count = pcp->count;
	while (count > 0) {
		uint32_t l;
		unsigned int order;

		do {
			if (++p > MODEL_NR_PCP_LISTS - 1)
				p = 0;
			l = pcp_list(m, cpu, (unsigned int)p);
		} while (list_empty(z, l));
		order = model_pindex_to_order(m, (unsigned int)p);
		do {
			uint32_t n = list_last(z, l);
			uint64_t pfn = node_pfn(z, n);
			int mt = (!m->is_618 && !z->nr_isolate_pageblock)
					 ? st_mt(*pfn_state(z, pfn))
					 : get_pageblock_migratetype(m, z, pfn);

			list_unlink(z, n);
			pcp->list_len[p]--;
			st_set(z, pfn, ST_ALLOC);
			count -= (int64_t)1 << order;
			pcp->count -= (int64_t)1 << order;
			model___free_one_page(m, z, pfn, order, mt, false, NULL);
			m->ctr.pcp_drains++;
			m->ctr.pcp_drained_pages += (uint64_t)1 << order;
			if (res) {
				res->drained_blocks++;
				res->drained_pages += 1u << order;
			}
			if (m->obs.pcpu_drain)
				m->obs.pcpu_drain(m->obs_ctx, pfn, order, mt);
		} while (count > 0 && !list_empty(z, l));
	}
}

/*
 * Models: mm/page_alloc.c nr_pcp_free(), v6.1 (spec §3.3).
 */
static int64_t nr_pcp_free_61(struct per_cpu_pages *pcp, int64_t high, bool free_high)
{
	int64_t batch = pcp->batch, min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	if (batch < min_nr_free)
		batch = min_nr_free;
	if (batch > max_nr_free)
		batch = max_nr_free;
	return batch;
}

/*
 * Models: mm/page_alloc.c free_unref_page_commit(), v6.1 (spec §3.3).
 */
static void free_commit_61(struct model *m, struct zone *z, unsigned int cpu, unsigned int order,
			   unsigned int pindex, unsigned int flags, struct model_free_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	bool free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
	int64_t high = pcp->high;

	if (!high || free_high)
		high = 0;
	else if (z->flags & MODEL_ZONE_RECLAIM_ACTIVE)
		high = (int64_t)pcp->batch * 4 < high ? (int64_t)pcp->batch * 4 : high;
	if (flags & MODEL_FREE_NO_DRAIN || pcp->count < high)
		return;
	model_free_pcppages_bulk(m, z, cpu, nr_pcp_free_61(pcp, high, free_high), pindex, res);
	res->flags |= MODEL_FREE_R_DRAIN;
}

/*
 * The drain threshold after a free; may lower or raise pcp.high.
 *
 * Models: mm/page_alloc.c nr_pcp_high(), v6.18 (spec §4.3).
 */
static int64_t nr_pcp_high_618(struct zone *z, struct per_cpu_pages *pcp, bool free_high)
{
	int64_t batch = pcp->batch, high_min = pcp->high_min, high_max = pcp->high_max;
	int64_t high = pcp->high, nh;

	if (high < high_min)
		high = high_min;
	if (high > high_max)
		high = high_max;
	pcp->high = (uint32_t)high;
	if (!high)
		return 0;
	if (free_high) {
		nh = high - (batch << PCP_BATCH_SCALE_MAX);
		pcp->high = (uint32_t)(nh > high_min ? nh : high_min);
		return 0;
	}
	if (z->flags & (MODEL_ZONE_RECLAIM_ACTIVE | MODEL_ZONE_BELOW_HIGH) &&
	    (z->flags & MODEL_ZONE_RECLAIM_ACTIVE || high_min != high_max)) {
		int64_t dec = (int64_t)pcp->free_count > batch ? (int64_t)pcp->free_count : batch;

		nh = high - dec;
		pcp->high = (uint32_t)(nh > high_min ? nh : high_min);
		if (z->flags & MODEL_ZONE_RECLAIM_ACTIVE)
			return batch * 4 < pcp->high ? batch * 4 : pcp->high;
		return pcp->count > high_min ? pcp->count : high_min;
	}
	if (high_min == high_max)
		return high;
	if (pcp->count >= high) {
		int64_t need = (int64_t)pcp->free_count + batch;

		if (pcp->high < need) {
			if (need > high_max)
				need = high_max;
			if (need < high_min)
				need = high_min;
			pcp->high = (uint32_t)need;
		}
	}
	return high;
}

/*
 * Models: mm/page_alloc.c nr_pcp_free(), v6.18 (spec §3.3).
 */
static int64_t nr_pcp_free_618(const struct per_cpu_pages *pcp, int64_t high, bool free_high)
{
	int64_t batch = pcp->batch, lim = batch << PCP_BATCH_SCALE_MAX, n;

	if (free_high)
		return pcp->count < lim ? pcp->count : lim;
	if (high < batch)
		return 1;
	n = pcp->free_count;
	if (n < batch)
		n = batch;
	if (n > high - batch)
		n = high - batch;
	return n;
}

/*
 * Models: mm/page_alloc.c free_frozen_page_commit(), v6.18 (spec §3.3).
 */
static void free_commit_618(struct model *m, struct zone *z, unsigned int cpu, unsigned int order,
			    unsigned int pindex, unsigned int flags, struct model_free_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	bool free_high = false;
	int64_t high;

	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= pcp->batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= pcp->batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= (uint8_t)~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < ((uint32_t)pcp->batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1u << order;
	if (flags & MODEL_FREE_NO_DRAIN)
		return;
	high = nr_pcp_high_618(z, pcp, free_high);
	if (pcp->count < high)
		return;
	model_free_pcppages_bulk(m, z, cpu, nr_pcp_free_618(pcp, high, free_high), pindex, res);
	res->flags |= MODEL_FREE_R_DRAIN;
	if ((z->flags & MODEL_ZONE_BELOW_HIGH) &&
	    model_zone_watermark_ok(m, z, 0, z->wmark[WMARK_HIGH] + z->watermark_boost, MODEL_ZONE_MOVABLE, 0))
		zone_flags_clear(z, MODEL_ZONE_BELOW_HIGH);
}

/*
 * Put a freed block at the head of its pcp list and drain past the threshold.
 *
 * Models: mm/page_alloc.c free_unref_page_commit() / free_frozen_page_commit(), v6.1/v6.18 (spec §3.3).
 */
void model_free_pcp_commit(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     int remembered_mt, unsigned int cpu, unsigned int flags,
		     struct model_free_result *res)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	unsigned int pindex = model_order_to_pindex(m, mt, order);

	if (m->is_618)
		pcp->alloc_factor >>= 1;
	mark_free_tails(z, pfn, order);
	st_set(z, pfn, st_pcp(remembered_mt, order));
	pcp_list_add(m, z, cpu, pindex, pfn, false);
	pcp->list_len[pindex]++;
	pcp->count += (int64_t)1 << order;
	if (m->is_618)
		free_commit_618(m, z, cpu, order, pindex, flags, res);
	else
		free_commit_61(m, z, cpu, order, pindex, flags, res);
}

/*
 * PCPF_FREE_HIGH_BATCH of @cpu's pcp in a zone with @batch: the cpu's slice
 * of its last-level cache (size / cpus sharing it), in pages, exceeds three
 * batches. Without a recorded LLC the config's global flag decides.
 *
 * Models: mm/page_alloc.c zone_pcp_update_cacheinfo(), drivers/base/cacheinfo.c
 * update_per_cpu_data_slice_size_cpu(), v6.18 (spec §4.3, §12)
 */
static bool pcp_free_high_batch(const struct model *m, unsigned int cpu, uint32_t batch)
{
	uint32_t bytes = m->cfg.cpu_llc_bytes[cpu], shared = m->cfg.cpu_llc_shared[cpu];

	if (!bytes || !shared)
		return m->cfg.pcp_free_high_batch;
	return ((bytes / shared) >> m->fs.page_shift) > 3 * (uint64_t)batch;
}

/*
 * Copy the derived per-zone pcp sizes into every cpu's pcp. pcp->high is
 * kept in 6.18 (only batch, high_min and high_max are written; the next
 * use clamps high into the new range, spec 4.3); 6.1 sets its static high.
 *
 * Models: mm/page_alloc.c zone_set_pageset_high_and_batch() / pageset_update(), v6.1/v6.18 (spec §4.2, §12)
 */
void model_zone_pcp_sizes_apply(struct model *m, struct zone *z)
{
	for (unsigned int c = 0; c < m->cfg.nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		pcp->batch = z->pcp_batch;
		pcp->high_min = z->pcp_high_min;
		pcp->high_max = z->pcp_high_max;
		if (!m->is_618)
			pcp->high = z->pcp_high_min;
	}
}

/*
 * Set a pcp's sizes from its zone at create; the LLC flag is set once, as
 * the kernel does when the cpu comes online (later batch changes keep it).
 *
 * Models: mm/page_alloc.c zone_set_pageset_high_and_batch(), setup_pcp_cacheinfo(), v6.1/v6.18 (spec §4.2)
 */
void model_pcp_setup(struct model *m, struct zone *z)
{
	model_zone_pcp_sizes_apply(m, z);
	for (unsigned int c = 0; c < m->cfg.nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		pcp->high = z->pcp_high_start;
		if (pcp_free_high_batch(m, c, pcp->batch))
			pcp->flags |= PCPF_FREE_HIGH_BATCH;
		else
			pcp->flags &= (uint8_t)~PCPF_FREE_HIGH_BATCH;
	}
}

/*
 * Models: mm/page_alloc.c drain_pages_zone(), v6.1/v6.18 (spec §4.4).
 */
static int64_t drain_pages_zone(struct model *m, struct zone *z, unsigned int cpu)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int64_t before = pcp->count;

	while (pcp->count > 0) {
		int64_t chunk = (int64_t)pcp->batch << PCP_BATCH_SCALE_MAX;

		model_free_pcppages_bulk(m, z, cpu, pcp->count < chunk ? pcp->count : chunk, 0, NULL);
	}
	return before;
}

/*
 * @fn on the pcp of @cpu (-1: every cpu) in every zone, zone by zone as
 * drain_all_pages() and refresh_cpu_vm_stats() go; the sum of the pages it
 * reports. Its frees land in the scratch result: no caller asked for them.
 */
static long for_each_pcp_of(struct model *m, int cpu,
			    int64_t (*fn)(struct model *m, struct zone *z, unsigned int cpu))
{
	long total = 0;

	m->res = &m->scratch_res;
	for (unsigned int zi = 0; zi < m->nr_zones; zi++)
		for (unsigned int c = 0; c < m->cfg.nr_cpus; c++)
			if (cpu < 0 || (unsigned int)cpu == c)
				total += (long)fn(m, &m->zones[zi], c);
	return total;
}

/*
 * Models: mm/page_alloc.c drain_pages() / drain_all_pages(), v6.1/v6.18 (spec §4.4)
 */
long model_drain_pcp(struct model *m, int cpu)
{
	if (!m || cpu >= (int)m->cfg.nr_cpus || cpu < -1)
		return -EINVAL;
	return for_each_pcp_of(m, cpu, drain_pages_zone);
}

/*
 * Models: mm/page_alloc.c decay_pcp_high(), v6.18 (spec §4.3).
 */
static int64_t decay_pcp_high(struct model *m, struct zone *z, unsigned int cpu)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	int64_t batch = pcp->batch, before = pcp->count, to_drain;

	if (pcp->high > pcp->high_min) {
		int64_t a = pcp->count - (batch << PCP_BATCH_SCALE_MAX);
		int64_t b = (int64_t)pcp->high - (pcp->high >> 3);
		int64_t h = a > b ? a : b;

		if (h < pcp->high_min)
			h = pcp->high_min;
		pcp->high = (uint32_t)h;
	}
	to_drain = pcp->count - pcp->high;
	while (to_drain > 0) {
		int64_t chunk = to_drain < batch ? to_drain : batch;

		model_free_pcppages_bulk(m, z, cpu, chunk, 0, NULL);
		to_drain -= chunk;
	}
	return before - pcp->count;
}

/*
 * Models: mm/vmstat.c refresh_cpu_vm_stats() -> decay_pcp_high(), v6.18 (spec §4.3)
 */
long model_pcp_decay(struct model *m, int cpu)
{
	if (!m || cpu >= (int)m->cfg.nr_cpus || cpu < -1)
		return -EINVAL;
	if (!m->is_618)
		return 0;
	return for_each_pcp_of(m, cpu, decay_pcp_high);
}
