/* SPDX-License-Identifier: MIT */
/*
 * The page allocator's closed-form numbers, as pure functions: the default
 * min_free_kbytes, the per-zone MIN/LOW/HIGH/PROMO watermarks, lowmem_reserve
 * ("protection"), the watermark boost cap and step, per-CPU list batch and
 * high (6.1 static high; 6.18 high_min/high_max), and the fragmentation and
 * unusable-free-space indices with the kernel's integer scaling. Nothing here
 * holds state, allocates, or does I/O: the model core calls these when it
 * builds or re-tunes a zone, and tests call them directly against a recorded
 * /proc/zoneinfo.
 *
 * Source of every rule: spec/page-allocator.md sections 4.2, 5.1-5.4, 7.1-7.4
 * and 9. All divisions are floor divisions, done in 64-bit unsigned integers
 * exactly where the kernel does them, so results match /proc/zoneinfo to
 * the page.
 *
 * Units: every "pages" value counts base pages (1 << page_shift bytes);
 * "kbytes" are KiB.
 */
#ifndef BUDDYSCOPE_MODEL_FORMULAS_H
#define BUDDYSCOPE_MODEL_FORMULAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * enum model_profile - kernel behavior profile.
 * @MODEL_PROFILE_6_1: Debian 12's 6.1.y (spec column "D6.1").
 * @MODEL_PROFILE_6_18: 6.18.y (spec column "6.18").
 *
 * Shared with model.h: the model core selects version-dependent rules by it.
 */
enum model_profile {
	MODEL_PROFILE_6_1,
	MODEL_PROFILE_6_18,
};

/*
 * x86-64 zone type indices, as the kernel numbers them (spec 1.1). Every
 * per-zone-type array below (lowmem_reserve_ratio, lowmem_reserve) is indexed
 * by these.
 */
enum model_formula_zone_type {
	MODEL_FORMULA_ZONE_DMA = 0,
	MODEL_FORMULA_ZONE_DMA32 = 1,
	MODEL_FORMULA_ZONE_NORMAL = 2,
	MODEL_FORMULA_ZONE_MOVABLE = 3,
	MODEL_FORMULA_ZONE_DEVICE = 4,
	MODEL_FORMULA_NR_ZONE_TYPES = 5,
};

/* Smallest non-zero vm.percpu_pagelist_high_fraction the kernel accepts. */
#define MODEL_FORMULA_MIN_HIGH_FRACTION 8

/**
 * struct model_formula_zone - the sizes of one zone that the formulas read.
 *
 * A node's zones need not all be listed; a zone type that is absent counts as
 * empty (managed 0), exactly like the kernel's unpopulated zones. At most one
 * entry per (node, zone_type).
 */
struct model_formula_zone {
	unsigned int node;		/* NUMA node id */
	unsigned int zone_type;		/* enum model_formula_zone_type */
	uint64_t managed_pages;		/* pages the buddy allocator owns */
	uint64_t present_pages;		/* pages present (holes excluded); used by scores only */
};

/**
 * struct model_formula_settings - the sysctls and machine facts the formulas read.
 *
 * Fill with model_formula_settings_init() and then change what a what-if
 * changes. A zero in an "override" field means "derive as the kernel does".
 */
struct model_formula_settings {
	enum model_profile profile;
	uint64_t min_free_kbytes;		/* kB; 0 = derive (spec 5.1) */
	unsigned int watermark_scale_factor;	/* 1/10000 of managed; kernel range 1..3000 */
	unsigned int watermark_boost_factor;	/* 1/10000 of HIGH; 0 disables boosting */
	unsigned int lowmem_reserve_ratio[MODEL_FORMULA_NR_ZONE_TYPES]; /* 0 = no reserve */
	unsigned int percpu_pagelist_high_fraction; /* 0 or >= 8 */
	unsigned int pcp_batch;			/* pages; 0 = zone_batchsize() */
	unsigned int pcp_high;			/* pages; 0 = derive (6.18: sets high_min = high_max) */
	unsigned int nr_cpus;			/* online CPUs, >= 1 */
	const unsigned int *node_nr_cpus;	/* CPUs per node id, or NULL: every node has nr_cpus */
	size_t nr_nodes;			/* entries in node_nr_cpus */
	unsigned int page_shift;		/* log2 of the page size, >= 10 (x86-64: 12) */
	unsigned int pageblock_order;		/* x86-64: 9 */
	bool thp_enabled;			/* THP "always" or "madvise": khugepaged raises min_free_kbytes */
};

/**
 * struct model_formula_wmarks - what the setup derives for one zone.
 *
 * Watermarks are the stored values, i.e. **without** watermark_boost; the
 * kernel's checks and /proc/zoneinfo use stored value + boost.
 */
struct model_formula_wmarks {
	uint64_t min;			/* pages: WMARK_MIN */
	uint64_t low;			/* pages: WMARK_LOW */
	uint64_t high;			/* pages: WMARK_HIGH */
	uint64_t promo;			/* pages: WMARK_PROMO */
	uint64_t boost_max;		/* pages: cap of watermark_boost; 0 = this zone never boosts */
	uint64_t lowmem_reserve[MODEL_FORMULA_NR_ZONE_TYPES]; /* pages, by request's highest zone type */
	uint32_t pcp_batch;		/* pages */
	uint32_t pcp_high;		/* pages: 6.1 the static high; 6.18 a fresh pcp's start value (0) */
	uint32_t pcp_high_min;		/* pages: 6.18 auto-tuning floor; 6.1 = pcp_high */
	uint32_t pcp_high_max;		/* pages: 6.18 auto-tuning ceiling; 6.1 = pcp_high */
};

/**
 * model_formula_settings_init() - fill @s with the kernel's defaults.
 * @s: settings to fill.
 * @profile: behavior profile.
 *
 * min_free_kbytes 0 (derive), watermark_scale_factor 10, watermark_boost_factor
 * 15000, lowmem_reserve_ratio {256, 256, 32, 0, 0}, high fraction 0, no pcp
 * overrides, 1 CPU, 4 KiB pages, pageblock order 9, THP enabled.
 */
void model_formula_settings_init(struct model_formula_settings *s, enum model_profile profile);

/**
 * model_formulas_min_free_kbytes_default() - calculate_min_free_kbytes().
 * @zones: zones of every node.
 * @nr_zones: entries in @zones.
 * @wmarks: the zones' current watermarks (parallel to @zones), or NULL before
 *	    any are set (boot).
 * @s: settings (page_shift is read).
 *
 * int_sqrt(16 * lowmem_kbytes) clamped to [128, 262144], where lowmem_kbytes
 * is the sum of max(0, managed - HIGH) over zones up to NORMAL of all nodes.
 *
 * Models: mm/page_alloc.c calculate_min_free_kbytes(), v6.1 and v6.18 (spec 5.1).
 * Return: kB.
 */
uint64_t model_formulas_min_free_kbytes_default(const struct model_formula_zone *zones,
						size_t nr_zones,
						const struct model_formula_wmarks *wmarks,
						const struct model_formula_settings *s);

/**
 * model_formulas_min_free_kbytes_thp() - khugepaged's recommended minimum.
 * @zones: zones of every node.
 * @nr_zones: entries in @zones.
 * @wmarks: current watermarks (parallel to @zones) or NULL.
 * @s: settings (pageblock_order, page_shift).
 *
 * pageblock pages x populated zones up to NORMAL x (2 + 3 x 3), capped at 5 %
 * of the lowmem free-buffer pages, in kB. 0 if s->thp_enabled is false.
 *
 * Models: mm/khugepaged.c set_recommended_min_free_kbytes(), v6.1 and v6.18.
 * Return: kB.
 */
uint64_t model_formulas_min_free_kbytes_thp(const struct model_formula_zone *zones,
					    size_t nr_zones,
					    const struct model_formula_wmarks *wmarks,
					    const struct model_formula_settings *s);

/**
 * model_formulas_min_free_kbytes() - the value a freshly booted kernel ends with.
 * @zones: zones of every node.
 * @nr_zones: entries in @zones.
 * @wmarks: current watermarks or NULL (boot).
 * @s: settings.
 *
 * s->min_free_kbytes if non-zero (a user setting), otherwise the larger of
 * the default and, with THP, the khugepaged recommendation.
 *
 * Return: kB.
 */
uint64_t model_formulas_min_free_kbytes(const struct model_formula_zone *zones, size_t nr_zones,
					const struct model_formula_wmarks *wmarks,
					const struct model_formula_settings *s);

/**
 * model_formulas_setup_wmarks() - derive every per-zone number of spec 4.2 and 5.
 * @zones: zones of every node.
 * @nr_zones: entries in @zones.
 * @s: settings; min_free_kbytes 0 means model_formulas_min_free_kbytes(NULL).
 * @out: @nr_zones results, parallel to @zones (caller-owned).
 *
 * Watermarks (boost reset to 0, so pcp high_min uses the plain LOW), lowmem
 * reserve, boost cap, and pcp batch/high per the profile.
 *
 * Models: mm/page_alloc.c __setup_per_zone_wmarks(),
 * setup_per_zone_lowmem_reserve(), zone_set_pageset_high_and_batch(), v6.1 and v6.18.
 * Return: 0, or -EINVAL for a bad zone type, a duplicate (node, zone type),
 * a high fraction in 1..7, a watermark_scale_factor outside 1..3000, nr_cpus
 * 0, page_shift outside 10..30, pageblock_order above 20 or an unknown profile.
 * @out is then partly written.
 */
int model_formulas_setup_wmarks(const struct model_formula_zone *zones, size_t nr_zones,
				const struct model_formula_settings *s,
				struct model_formula_wmarks *out);

/**
 * model_formulas_lowmem_reserve() - fill lowmem_reserve[] of every zone.
 * @zones: zones of every node.
 * @nr_zones: entries in @zones.
 * @s: settings (lowmem_reserve_ratio).
 * @out: results parallel to @zones; only lowmem_reserve[] is written.
 *
 * For zone type i and each j > i on the same node: sum of managed of types
 * i+1..j divided by ratio[i]; 0 when ratio[i] is 0 or zone i has no managed pages.
 *
 * Models: mm/page_alloc.c setup_per_zone_lowmem_reserve(), v6.1 and v6.18 (spec 5.3).
 * Return: 0 or -EINVAL (bad zone type, duplicate zone).
 */
int model_formulas_lowmem_reserve(const struct model_formula_zone *zones, size_t nr_zones,
				  const struct model_formula_settings *s,
				  struct model_formula_wmarks *out);

/**
 * model_formulas_pcp_batch() - zone_batchsize(), never below 1.
 * @managed_pages: the zone's managed pages.
 * @page_shift: log2 of the page size (12 on x86-64).
 *
 * Models: mm/page_alloc.c zone_batchsize(), v6.1 and v6.18 (spec 4.2).
 * Return: batch in pages (63 for zones of 1 GiB or more with 4 KiB pages).
 */
uint32_t model_formulas_pcp_batch(uint64_t managed_pages, unsigned int page_shift);

/**
 * model_formulas_pcp_highsize() - zone_highsize().
 * @managed_pages: the zone's managed pages.
 * @low_pages: the zone's LOW watermark including its current boost.
 * @batch: the zone's pcp batch.
 * @high_fraction: 0 (use LOW) or the fraction of managed pages.
 * @nr_cpus: CPUs of the zone's node (the caller falls back to online CPUs).
 *
 * Return: max(base / nr_cpus, 4 * batch) in pages; base is LOW or
 * managed / fraction. nr_cpus 0 counts as 1.
 */
uint32_t model_formulas_pcp_highsize(uint64_t managed_pages, uint64_t low_pages, uint32_t batch,
				     unsigned int high_fraction, unsigned int nr_cpus);

/**
 * model_formulas_pcp_setup() - pcp batch, high, high_min, high_max of one zone.
 * @zone: the zone.
 * @low_pages: its LOW watermark including the current boost.
 * @s: settings (profile, fraction, overrides, CPUs).
 * @out: pcp_* fields are written.
 *
 * 6.1: high = zone_highsize(fraction) and high_min = high_max = high.
 * 6.18: with a fraction (or a pcp_high override) high_min = high_max = that
 * value, which turns auto-tuning off; otherwise high_min from LOW and
 * high_max = managed / 8 per CPU; pcp_high = 0, the value of a fresh pcp.
 *
 * Models: mm/page_alloc.c zone_set_pageset_high_and_batch(), v6.1 and v6.18 (spec 4.2).
 * Return: 0 or -EINVAL (fraction 1..7, nr_cpus 0).
 */
int model_formulas_pcp_setup(const struct model_formula_zone *zone, uint64_t low_pages,
			     const struct model_formula_settings *s,
			     struct model_formula_wmarks *out);

/**
 * model_formulas_boost_max() - cap of watermark_boost for a zone.
 * @managed_pages: the zone's managed pages.
 * @high_pages: its stored HIGH watermark (without boost).
 * @s: settings (watermark_boost_factor, pageblock_order).
 *
 * Models: mm/page_alloc.c boost_watermark(), v6.1 and v6.18 (spec 5.4).
 * Return: max(pageblock pages, HIGH x factor / 10000), or 0 when this zone
 * never boosts (factor 0, managed < 4 pageblocks, or HIGH x factor / 10000 = 0).
 */
uint64_t model_formulas_boost_max(uint64_t managed_pages, uint64_t high_pages,
				  const struct model_formula_settings *s);

/**
 * model_formulas_boost_step() - watermark_boost after one boosting fallback.
 * @managed_pages: the zone's managed pages.
 * @high_pages: its stored HIGH watermark.
 * @boost_pages: its current watermark_boost.
 * @s: settings.
 *
 * Models: mm/page_alloc.c boost_watermark(), v6.1 and v6.18 (spec 5.4).
 * Return: min(boost + pageblock pages, boost_max), or @boost_pages unchanged
 * when the zone never boosts.
 */
uint64_t model_formulas_boost_step(uint64_t managed_pages, uint64_t high_pages,
				   uint64_t boost_pages, const struct model_formula_settings *s);

/**
 * model_formulas_totalreserve_pages() - calculate_totalreserve_pages().
 * @wmarks: results of model_formulas_setup_wmarks().
 * @zones: the same zones.
 * @nr_zones: entries.
 *
 * Sum over zones of min(managed, HIGH + largest lowmem_reserve).
 * Return: pages.
 */
uint64_t model_formulas_totalreserve_pages(const struct model_formula_zone *zones,
					   size_t nr_zones,
					   const struct model_formula_wmarks *wmarks);

/**
 * model_fragmentation_index() - the kernel's extfrag index, scaled by 1000.
 * @nr_free: free blocks per order (buddy free_area[o].nr_free, pcp excluded).
 * @nr_orders: entries in @nr_free (11 on x86-64; at most the first 32 are read).
 * @order: target order.
 *
 * Models: mm/vmstat.c __fragmentation_index(), v6.1 and v6.18 (spec 7.2).
 * Return: 0 with no free blocks (or @order >= @nr_orders, as the kernel's
 * WARN path does), -1000 when a block of @order is free, otherwise
 * 1000 - (1000 + free_pages * 1000 / 2^order) / free_blocks. The last form
 * can be negative (e.g. -500 for one free order-0 page at order 1).
 */
int model_fragmentation_index(const uint64_t *nr_free, unsigned int nr_orders,
			      unsigned int order);

/**
 * model_unusable_index() - the kernel's unusable free space index, scaled by 1000.
 * @nr_free: free blocks per order.
 * @nr_orders: entries in @nr_free.
 * @order: target order.
 *
 * Models: mm/vmstat.c unusable_free_index(), v6.1 and v6.18 (spec 7.3).
 * Return: 1000 with no free pages, otherwise
 * (free_pages - suitable_blocks * 2^order) * 1000 / free_pages, in 0..1000.
 */
int model_unusable_index(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order);

/**
 * model_extfrag_for_order() - the percentage compaction's proactive score uses.
 * @nr_free: free blocks per order.
 * @nr_orders: entries in @nr_free.
 * @order: target order.
 *
 * Models: mm/vmstat.c extfrag_for_order(), v6.1 and v6.18 (spec 7.4).
 * Return: 0 with no free pages, otherwise
 * (free_pages - suitable_blocks * 2^order) * 100 / free_pages.
 */
int model_extfrag_for_order(const uint64_t *nr_free, unsigned int nr_orders, unsigned int order);

/**
 * model_compaction_zone_score() - a zone's weighted part of its node's
 * proactive-compaction score.
 * @extfrag_pct: model_extfrag_for_order() of the zone at pageblock order (9).
 * @zone_present_pages: the zone's present pages.
 * @node_present_pages: present pages of the zone's node.
 *
 * The node's score is the sum over its populated zones; kcompactd compacts
 * proactively while it exceeds model_compaction_score_wmark(..., false).
 *
 * Models: mm/compaction.c fragmentation_score_zone_weighted(), v6.1 and v6.18 (spec 7.4).
 * Return: extfrag_pct x zone_present / (node_present + 1).
 */
unsigned int model_compaction_zone_score(unsigned int extfrag_pct, uint64_t zone_present_pages,
					 uint64_t node_present_pages);

/**
 * model_compaction_score_wmark() - proactive compaction's start/stop score.
 * @profile: behavior profile.
 * @proactiveness: vm.compaction_proactiveness, 0..100 (default 20; larger
 *		   values count as 100).
 * @low: true for the stop (low) mark, false for the start (high) mark.
 *
 * 6.1: low = max(100 - p, 5), high = min(low + 10, 100).
 * 6.18: low = 100 - p, high = min(low + min(10, low / 2), 100).
 *
 * Models: mm/compaction.c fragmentation_score_wmark(), v6.1 and v6.18 (spec 7.4).
 * Return: the mark, 0..100.
 */
unsigned int model_compaction_score_wmark(enum model_profile profile, unsigned int proactiveness,
					  bool low);

#endif
