/* SPDX-License-Identifier: MIT */
/*
 * Read-only views of the model: where a pfn is, per-zone scalars (what
 * /proc/zoneinfo shows), free blocks by order and list type
 * (/proc/pagetypeinfo, pcp excluded), buddyinfo, pageblock types and
 * fullness, pcp state and list contents, the fragmentation indices of spec
 * section 7, the counters and the memory the model holds.
 */
#include <errno.h>
#include <string.h>

#include "mmzone.h"

static const struct zone *zone_get(const struct model *m, unsigned int zone)
{
	return m && zone < m->nr_zones ? &m->zones[zone] : NULL;
}

int model_pfn_state_get(const struct model *m, uint64_t pfn, struct model_pfn_state *st)
{
	const struct zone *z;
	uint64_t h;
	uint8_t s;

	if (!m || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->zone = -1;
	st->pcp_cpu = -1;
	st->pcp_pindex = -1;
	st->list_mt = -1;
	st->pageblock_mt = -1;
	st->head_pfn = MODEL_PFN_NONE;
	z = model_pfn_zone_const(m, pfn);
	if (!z)
		return 0;
	st->zone = (int)z->idx;
	st->kind = MODEL_PFN_ALLOCATED;
	st->pageblock_mt = get_pageblock_migratetype(m, z, pfn);
	h = model_containing_free_head(m, z, pfn);
	if (h == MODEL_PFN_NONE)
		return 0;
	s = z->state[h - z->start_pfn];
	st->head_pfn = h;
	st->order = st_order(s);
	if (st_is_buddy(s)) {
		st->kind = MODEL_PFN_FREE_BUDDY;
		st->list_mt = st_mt(s);
		st->reported = z->reported && st->order >= m->report_order &&
			       page_reported(m, z, h);
		return 0;
	}
	st->kind = MODEL_PFN_ON_PCP;
	model_pcp_find_owner(m, z, h, &st->pcp_cpu, &st->pcp_pindex);
	if (st->pcp_pindex < NR_LOWORDER_PCP_LISTS)
		st->list_mt = st->pcp_pindex % MODEL_MIGRATE_PCPTYPES;
	else
		st->list_mt = st->pcp_pindex == NR_LOWORDER_PCP_LISTS + 1 ? MODEL_MT_MOVABLE
									 : MODEL_MT_UNMOVABLE;
	return 0;
}

/*
 * Models: mm/vmstat.c zoneinfo_show_print(), v6.1/v6.18 (spec §7.7)
 */
int model_zone_info_get(const struct model *m, unsigned int zone, struct model_zone_info *out)
{
	const struct zone *z = zone_get(m, zone);

	if (!z || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, z->name, sizeof(out->name));
	out->node = z->node;
	out->type = z->type;
	out->start_pfn = z->start_pfn;
	out->spanned_pages = z->spanned;
	out->present_pages = z->present;
	out->managed_pages = z->managed;
	out->wmark_min = z->wmark[WMARK_MIN];
	out->wmark_low = z->wmark[WMARK_LOW];
	out->wmark_high = z->wmark[WMARK_HIGH];
	out->wmark_promo = z->wmark[WMARK_PROMO];
	out->watermark_boost = z->watermark_boost;
	memcpy(out->lowmem_reserve, z->lowmem_reserve, sizeof(out->lowmem_reserve));
	out->nr_free_pages = z->nr_free_pages;
	out->nr_reserved_highatomic = z->nr_reserved_highatomic;
	out->nr_free_highatomic = z->free_pages_mt[MODEL_MT_HIGHATOMIC];
	for (unsigned int c = 0; c < m->cfg.nr_cpus; c++)
		out->nr_pcp_pages += (uint64_t)z->pcp[c].count;
	out->pcp_batch = z->pcp_batch;
	out->pcp_high_min = z->pcp_high_min;
	out->pcp_high_max = z->pcp_high_max;
	out->flags = z->flags;
	return 0;
}

/*
 * Models: mm/vmstat.c pagetypeinfo_showfree_print(), v6.1/v6.18 (spec §7.6)
 */
int model_zone_free_blocks(const struct model *m, unsigned int zone,
			   uint64_t out[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES])
{
	const struct zone *z = zone_get(m, zone);

	if (!z || !out)
		return -EINVAL;
	memset(out, 0, sizeof(uint64_t) * MODEL_MAX_ORDERS * MODEL_MAX_MIGRATETYPES);
	for (unsigned int o = 0; o < m->nr_orders; o++)
		for (unsigned int mt = 0; mt < m->nr_mt; mt++)
			out[o][mt] = z->list_blocks[o][mt];
	return 0;
}

/*
 * Models: mm/vmstat.c frag_show_print(), v6.1/v6.18 (spec §7.5)
 */
int model_zone_buddyinfo(const struct model *m, unsigned int zone, uint64_t out[MODEL_MAX_ORDERS])
{
	const struct zone *z = zone_get(m, zone);

	if (!z || !out)
		return -EINVAL;
	memset(out, 0, sizeof(uint64_t) * MODEL_MAX_ORDERS);
	memcpy(out, z->nr_free, sizeof(uint64_t) * m->nr_orders);
	return 0;
}

/*
 * Models: mm/vmstat.c pagetypeinfo_showblockcount_print(), v6.1/v6.18 (spec §7.6)
 */
int model_zone_pageblock_counts(const struct model *m, unsigned int zone,
				uint64_t out[MODEL_MAX_MIGRATETYPES])
{
	const struct zone *z = zone_get(m, zone);

	if (!z || !out)
		return -EINVAL;
	memcpy(out, z->pb_count, sizeof(uint64_t) * MODEL_MAX_MIGRATETYPES);
	return 0;
}

long model_zone_pageblocks(const struct model *m, unsigned int zone,
			   struct model_pageblock_info *buf, size_t len)
{
	const struct zone *z = zone_get(m, zone);
	uint64_t zend;

	if (!z)
		return -EINVAL;
	zend = z->start_pfn + z->spanned;
	for (uint64_t i = 0; buf && i < z->nr_pageblocks && i < len; i++) {
		uint64_t first = (z->pb_base + i) << m->pb_order;
		uint64_t start = first < z->start_pfn ? z->start_pfn : first;
		uint64_t end = first + m->pb_nr < zend ? first + m->pb_nr : zend;
		struct model_pageblock_info *pi = &buf[i];

		pi->start_pfn = first;
		pi->mt = (int8_t)pb_effective(m, z->pageblock[i]);
		pi->nr_free_buddy = 0;
		pi->nr_free_pcp = 0;
		/* a block's pages may belong to a larger free block that starts before it */
		for (uint64_t p = start; p < end;) {
			uint64_t h = model_containing_free_head(m, z, p);
			uint8_t s;

			if (h == MODEL_PFN_NONE) {
				p++;
				continue;
			}
			s = z->state[h - z->start_pfn];
			{
				uint64_t bend = h + ((uint64_t)1 << st_order(s));
				uint64_t n = (bend < end ? bend : end) - p;

				if (st_is_buddy(s))
					pi->nr_free_buddy += (uint16_t)n;
				else
					pi->nr_free_pcp += (uint16_t)n;
				p += n;
			}
		}
	}
	return (long)z->nr_pageblocks;
}

/*
 * Models: mm/vmstat.c zoneinfo_show_print() pagesets, v6.1/v6.18 (spec §7.7)
 */
int model_pcp_info_get(const struct model *m, unsigned int zone, unsigned int cpu,
		       struct model_pcp_info *out)
{
	const struct zone *z = zone_get(m, zone);
	const struct per_cpu_pages *pcp;

	if (!z || !out || cpu >= m->cfg.nr_cpus)
		return -EINVAL;
	pcp = &z->pcp[cpu];
	memset(out, 0, sizeof(*out));
	out->count = (uint32_t)pcp->count;
	out->high = pcp->high;
	out->batch = pcp->batch;
	out->high_min = pcp->high_min;
	out->high_max = pcp->high_max;
	out->free_count = pcp->free_count;
	out->alloc_factor = pcp->alloc_factor;
	out->free_factor = pcp->free_factor;
	out->prev_free_high_order = pcp->flags & PCPF_PREV_FREE_HIGH_ORDER;
	out->free_high_batch = pcp->flags & PCPF_FREE_HIGH_BATCH;
	memcpy(out->list_len, pcp->list_len, sizeof(out->list_len));
	return 0;
}

/*
 * Copy the first @len pfns of list @l, which holds @nr entries (the zone's
 * counter, equal to the list's length: model_check() verifies it). Only the
 * copied entries are walked: replay reads the front of pcp lists thousands
 * of entries long, where walking to the end missed the cache at every entry.
 */
static long list_get(const struct zone *z, uint32_t l, uint64_t nr, uint64_t *buf, size_t len)
{
	size_t n = 0;

	if (!buf)
		return (long)nr;
	for (uint32_t x = list_first(z, l); x != l && n < len; x = z->link[x].next)
		buf[n++] = node_pfn(z, x);
	return (long)nr;
}

long model_pcp_list_get(const struct model *m, unsigned int zone, unsigned int cpu,
			unsigned int pindex, uint64_t *buf, size_t len)
{
	const struct zone *z = zone_get(m, zone);

	if (!z || cpu >= m->cfg.nr_cpus || pindex >= MODEL_NR_PCP_LISTS)
		return -EINVAL;
	return list_get(z, pcp_list(m, cpu, pindex), z->pcp[cpu].list_len[pindex], buf, len);
}

long model_free_list_get(const struct model *m, unsigned int zone, unsigned int order, int mt,
			 uint64_t *buf, size_t len)
{
	const struct zone *z = zone_get(m, zone);

	if (!z || order >= m->nr_orders || mt < 0 || mt >= (int)m->nr_mt)
		return -EINVAL;
	return list_get(z, buddy_list(order, mt), z->list_blocks[order][mt], buf, len);
}

/*
 * Models: mm/vmstat.c extfrag_show_print() / unusable_show_print(), v6.1/v6.18 (spec §7.2, §7.3)
 */
int model_zone_frag_indices(const struct model *m, unsigned int zone, int frag[MODEL_MAX_ORDERS],
			    int unusable[MODEL_MAX_ORDERS])
{
	const struct zone *z = zone_get(m, zone);

	if (!z)
		return -EINVAL;
	for (unsigned int o = 0; o < MODEL_MAX_ORDERS; o++) {
		bool valid = o < m->nr_orders;

		if (frag)
			frag[o] = valid ? model_fragmentation_index(z->nr_free, m->nr_orders, o)
					: 0;
		if (unusable)
			unusable[o] = valid ? model_unusable_index(z->nr_free, m->nr_orders, o) : 0;
	}
	return 0;
}

void model_counters_get(const struct model *m, struct model_counters *out)
{
	if (!out)
		return;
	if (!m) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = m->ctr;
}

size_t model_memory_bytes(const struct model *m)
{
	size_t n;

	if (!m)
		return 0;
	n = sizeof(*m) + m->nr_zones * (sizeof(struct zone) + sizeof(unsigned int));
	for (unsigned int i = 0; i < m->nr_zones; i++)
		n += m->zones[i].alloc_bytes;
	if (m->press) {
		n += sizeof(*m->press) + m->nr_zones * sizeof(*m->press->zl) +
		     m->press->compact_scratch_len * sizeof(uint64_t);
		for (unsigned int i = 0; i < m->nr_zones; i++)
			n += (m->zones[i].spanned + 1) * 2 * sizeof(uint32_t) +
			     m->zones[i].spanned * (MODEL_PRESSURE_BYTES_PER_FRAME - 8) +
			     m->zones[i].nr_pageblocks;
	}
	return n;
}
