/* SPDX-License-Identifier: MIT */
/*
 * The kernel's fragmentation metrics for one zone (spec/page-allocator.md
 * 7.1-7.4): the external fragmentation index that compaction consults, the
 * unusable free space index of debugfs, and the percentage behind the
 * proactive compaction score, with that score's weighting and thresholds.
 * The indices come from the per-order free block counts alone and use the
 * kernel's integer scaling, so a model's values can be compared with
 * /sys/kernel/debug/extfrag/ digit for digit.
 */
#include "model/formulas.h"

/* Orders read from a caller's array; more would overflow 1 << order. */
#define FORMULA_MAX_ORDERS 32

/* The contiguity summary of 7.1 for a target order. */
struct contig_info {
	uint64_t free_blocks_total;	/* blocks of any order */
	uint64_t free_pages;		/* pages in those blocks */
	uint64_t free_blocks_suitable;	/* order-sized chunks they hold */
};

/* Models: mm/vmstat.c fill_contig_page_info(), v6.1 and v6.18. */
static void contig_info_fill(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order,
			     struct contig_info *info)
{
	info->free_blocks_total = 0;
	info->free_pages = 0;
	info->free_blocks_suitable = 0;
	if (!nr_free)
		return;
	if (nr_orders > FORMULA_MAX_ORDERS)
		nr_orders = FORMULA_MAX_ORDERS;
	for (unsigned int o = 0; o < nr_orders; o++) {
		info->free_blocks_total += nr_free[o];
		info->free_pages += nr_free[o] << o;
		if (o >= order)
			info->free_blocks_suitable += nr_free[o] << (o - order);
	}
}

int model_fragmentation_index(const uint64_t *nr_free, unsigned int nr_orders,
			      unsigned int order)
{
	struct contig_info info;
	uint64_t scaled;

	/* The kernel WARNs and reports 0 for an order beyond the largest block. */
	if (order >= nr_orders || order >= FORMULA_MAX_ORDERS)
		return 0;
	contig_info_fill(nr_free, nr_orders, order, &info);
	if (!info.free_blocks_total)
		return 0;
	/* A request of this order would succeed: the index does not apply. */
	if (info.free_blocks_suitable)
		return -1000;
	scaled = (1000 + info.free_pages * 1000 / ((uint64_t)1 << order)) /
		 info.free_blocks_total;
	return (int)(1000 - (int64_t)scaled);
}

/* (free_pages - suitable pages) * scale / free_pages; caller checks free_pages. */
static int unusable_scaled(const struct contig_info *info, unsigned int order, uint64_t scale)
{
	/* Suitable blocks exist only for orders below FORMULA_MAX_ORDERS. */
	uint64_t usable = info->free_blocks_suitable ? info->free_blocks_suitable << order : 0;

	return (int)((info->free_pages - usable) * scale / info->free_pages);
}

int model_unusable_index(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order)
{
	struct contig_info info;

	contig_info_fill(nr_free, nr_orders, order, &info);
	if (!info.free_pages)
		return 1000;
	return unusable_scaled(&info, order, 1000);
}

int model_extfrag_for_order(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order)
{
	struct contig_info info;

	contig_info_fill(nr_free, nr_orders, order, &info);
	if (!info.free_pages)
		return 0;
	return unusable_scaled(&info, order, 100);
}

unsigned int model_compaction_zone_score(unsigned int extfrag_pct, uint64_t zone_present_pages,
					 uint64_t node_present_pages)
{
	/* Weight by the zone's share of the node; the +1 keeps an empty node defined. */
	return (unsigned int)((uint64_t)extfrag_pct * zone_present_pages /
			      (node_present_pages + 1));
}

unsigned int model_compaction_score_wmark(enum model_profile profile, unsigned int proactiveness,
					  bool low)
{
	unsigned int wmark_low, leeway;

	if (proactiveness > 100)
		proactiveness = 100;
	wmark_low = 100 - proactiveness;
	if (profile == MODEL_PROFILE_6_1) {
		/* 6.1 keeps a floor of 5 so proactiveness 100 is not "always compact". */
		if (wmark_low < 5)
			wmark_low = 5;
		leeway = 10;
	} else {
		leeway = wmark_low / 2 < 10 ? wmark_low / 2 : 10;
	}
	if (low)
		return wmark_low;
	return wmark_low + leeway < 100 ? wmark_low + leeway : 100;
}
