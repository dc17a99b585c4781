/* SPDX-License-Identifier: MIT */
/*
 * Watermarks, lowmem reserve, boost and per-CPU list sizing: the numbers the
 * kernel derives for each zone from a handful of sysctls and the zones'
 * managed page counts (spec/page-allocator.md 4.2 and 5.1-5.4). Pure integer
 * arithmetic with the kernel's floor divisions, so that the results equal
 * /proc/zoneinfo to the page; the API and its contracts are in
 * include/model/formulas.h.
 */
#include <errno.h>
#include <string.h>

#include "model/formulas.h"

/* Largest pageblock order we accept; keeps 1 << order well inside 64 bits. */
#define FORMULA_MAX_PAGEBLOCK_ORDER 20
/* vm.watermark_scale_factor bounds enforced by the sysctl. */
#define FORMULA_WSF_MIN 1
#define FORMULA_WSF_MAX 3000
/* calculate_min_free_kbytes() clamp, in kB. */
#define FORMULA_MIN_FREE_KB_LOW 128
#define FORMULA_MIN_FREE_KB_HIGH 262144
/* Migratetypes that have pcp lists and fall back to each other. */
#define FORMULA_MIGRATE_PCPTYPES 3
/* A fresh per-CPU pageset before real sizing: batch 1, high 0. */
#define FORMULA_BOOT_PAGESET_BATCH 1

void model_formula_settings_init(struct model_formula_settings *s, enum model_profile profile)
{
	static const unsigned int ratio[MODEL_FORMULA_NR_ZONE_TYPES] = { 256, 256, 32, 0, 0 };

	memset(s, 0, sizeof(*s));
	s->profile = profile;
	s->watermark_scale_factor = 10;
	s->watermark_boost_factor = 15000;
	memcpy(s->lowmem_reserve_ratio, ratio, sizeof(ratio));
	s->nr_cpus = 1;
	s->page_shift = 12;
	s->pageblock_order = 9;
	s->thp_enabled = true;
}

/* floor(x * num / den) without overflowing the product (the kernel's mult_frac()). */
static uint64_t mult_frac_u64(uint64_t x, uint64_t num, uint64_t den)
{
	uint64_t q = x / den, r = x % den;

	return q * num + r * num / den;
}

/* floor(sqrt(x)), by the digit-by-digit binary method. */
static uint64_t isqrt_u64(uint64_t x)
{
	uint64_t root = 0, bit = (uint64_t)1 << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= root + bit) {
			x -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

static int settings_check(const struct model_formula_settings *s)
{
	unsigned int f = s->percpu_pagelist_high_fraction;

	if (s->page_shift < 10 || s->page_shift > 30)
		return -EINVAL;
	if (s->pageblock_order > FORMULA_MAX_PAGEBLOCK_ORDER)
		return -EINVAL;
	if (s->nr_cpus == 0)
		return -EINVAL;
	if (f && f < MODEL_FORMULA_MIN_HIGH_FRACTION)
		return -EINVAL;
	if (s->watermark_scale_factor < FORMULA_WSF_MIN ||
	    s->watermark_scale_factor > FORMULA_WSF_MAX)
		return -EINVAL;
	if (s->profile != MODEL_PROFILE_6_1 && s->profile != MODEL_PROFILE_6_18)
		return -EINVAL;
	return 0;
}

/* Zone types valid, and no (node, zone type) listed twice. */
static int zones_check(const struct model_formula_zone *zones, size_t nr_zones)
{
	for (size_t i = 0; i < nr_zones; i++) {
		if (zones[i].zone_type >= MODEL_FORMULA_NR_ZONE_TYPES)
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (zones[j].node == zones[i].node &&
			    zones[j].zone_type == zones[i].zone_type)
				return -EINVAL;
	}
	return 0;
}

/*
 * nr_free_buffer_pages(): pages above the HIGH mark in zones a GFP_USER
 * request may use (DMA, DMA32, NORMAL), over every node's zones.
 */
static uint64_t free_buffer_pages(const struct model_formula_zone *zones, size_t nr_zones,
				  const struct model_formula_wmarks *wmarks)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < nr_zones; i++) {
		uint64_t high = wmarks ? wmarks[i].high : 0;

		if (zones[i].zone_type > MODEL_FORMULA_ZONE_NORMAL)
			continue;
		if (zones[i].managed_pages > high)
			sum += zones[i].managed_pages - high;
	}
	return sum;
}

uint64_t model_formulas_min_free_kbytes_default(const struct model_formula_zone *zones,
						size_t nr_zones,
						const struct model_formula_wmarks *wmarks,
						const struct model_formula_settings *s)
{
	uint64_t lowmem_kb, kb;

	lowmem_kb = free_buffer_pages(zones, nr_zones, wmarks) << (s->page_shift - 10);
	kb = isqrt_u64(lowmem_kb * 16);
	if (kb < FORMULA_MIN_FREE_KB_LOW)
		kb = FORMULA_MIN_FREE_KB_LOW;
	if (kb > FORMULA_MIN_FREE_KB_HIGH)
		kb = FORMULA_MIN_FREE_KB_HIGH;
	return kb;
}

uint64_t model_formulas_min_free_kbytes_thp(const struct model_formula_zone *zones,
					    size_t nr_zones,
					    const struct model_formula_wmarks *wmarks,
					    const struct model_formula_settings *s)
{
	uint64_t block_pages = (uint64_t)1 << s->pageblock_order;
	uint64_t nr_populated = 0, pages, cap;

	if (!s->thp_enabled)
		return 0;
	for (size_t i = 0; i < nr_zones; i++)
		if (zones[i].zone_type <= MODEL_FORMULA_ZONE_NORMAL && zones[i].present_pages)
			nr_populated++;
	/*
	 * Two free pageblocks per zone, plus one per pair of pcp migratetypes
	 * so each type has a block to fall back into and another to spare.
	 */
	pages = block_pages * nr_populated * 2 +
		block_pages * nr_populated * FORMULA_MIGRATE_PCPTYPES * FORMULA_MIGRATE_PCPTYPES;
	cap = free_buffer_pages(zones, nr_zones, wmarks) / 20;
	if (pages > cap)
		pages = cap;
	return pages << (s->page_shift - 10);
}

uint64_t model_formulas_min_free_kbytes(const struct model_formula_zone *zones, size_t nr_zones,
					const struct model_formula_wmarks *wmarks,
					const struct model_formula_settings *s)
{
	uint64_t kb, thp;

	if (s->min_free_kbytes)
		return s->min_free_kbytes;
	kb = model_formulas_min_free_kbytes_default(zones, nr_zones, wmarks, s);
	thp = model_formulas_min_free_kbytes_thp(zones, nr_zones, wmarks, s);
	return thp > kb ? thp : kb;
}

/*
 * Zones whose MIN is a small fixed share instead of a proportional one, and
 * which do not count as lowmem: ZONE_MOVABLE from 6.8 on (6.18 profile).
 * x86-64 has no HIGHMEM, the other such zone.
 */
static bool zone_min_is_clamped(const struct model_formula_zone *z,
				const struct model_formula_settings *s)
{
	return s->profile == MODEL_PROFILE_6_18 && z->zone_type == MODEL_FORMULA_ZONE_MOVABLE;
}

int model_formulas_lowmem_reserve(const struct model_formula_zone *zones, size_t nr_zones,
				  const struct model_formula_settings *s,
				  struct model_formula_wmarks *out)
{
	int err = zones_check(zones, nr_zones);

	if (err)
		return err;
	for (size_t i = 0; i < nr_zones; i++) {
		const struct model_formula_zone *z = &zones[i];
		unsigned int ratio = s->lowmem_reserve_ratio[z->zone_type];
		uint64_t upper = 0;

		memset(out[i].lowmem_reserve, 0, sizeof(out[i].lowmem_reserve));
		for (unsigned int j = z->zone_type + 1; j < MODEL_FORMULA_NR_ZONE_TYPES; j++) {
			/* Protection grows with every higher zone of the same node. */
			for (size_t k = 0; k < nr_zones; k++)
				if (zones[k].node == z->node && zones[k].zone_type == j)
					upper += zones[k].managed_pages;
			if (ratio && z->managed_pages)
				out[i].lowmem_reserve[j] = upper / ratio;
		}
	}
	return 0;
}

uint32_t model_formulas_pcp_batch(uint64_t managed_pages, unsigned int page_shift)
{
	uint64_t cap = ((uint64_t)1 << 20) >> page_shift; /* 1 MiB worth of pages */
	uint64_t b = managed_pages >> 10, p2;

	if (b > cap)
		b = cap;
	b /= 4;
	if (b < 1)
		b = 1;
	/* An odd batch (2^n - 1) keeps two CPUs' refills from sharing cache colours. */
	b += b / 2;
	for (p2 = 1; p2 * 2 <= b; p2 *= 2)
		;
	return p2 - 1 ? (uint32_t)(p2 - 1) : 1;
}

uint32_t model_formulas_pcp_highsize(uint64_t managed_pages, uint64_t low_pages, uint32_t batch,
				     unsigned int high_fraction, unsigned int nr_cpus)
{
	uint64_t base = high_fraction ? managed_pages / high_fraction : low_pages;
	uint64_t high = base / (nr_cpus ? nr_cpus : 1);
	uint64_t floor_pages = (uint64_t)batch * 4;

	if (high < floor_pages)
		high = floor_pages;
	return high > UINT32_MAX ? UINT32_MAX : (uint32_t)high;
}

/* CPUs the pcp high of a zone on @node is split across. */
static unsigned int node_cpus(const struct model_formula_settings *s, unsigned int node)
{
	/* A node without CPUs shares its high among all online CPUs. */
	if (s->node_nr_cpus && node < s->nr_nodes && s->node_nr_cpus[node])
		return s->node_nr_cpus[node];
	return s->nr_cpus;
}

int model_formulas_pcp_setup(const struct model_formula_zone *zone, uint64_t low_pages,
			     const struct model_formula_settings *s,
			     struct model_formula_wmarks *out)
{
	unsigned int cpus, fraction = s->percpu_pagelist_high_fraction;
	uint32_t batch, high_min, high_max;

	if (s->nr_cpus == 0 || (fraction && fraction < MODEL_FORMULA_MIN_HIGH_FRACTION))
		return -EINVAL;
	if (!zone->managed_pages) {
		/* An empty zone keeps the boot pageset and is never used. */
		out->pcp_batch = FORMULA_BOOT_PAGESET_BATCH;
		out->pcp_high = out->pcp_high_min = out->pcp_high_max = 0;
		return 0;
	}
	cpus = node_cpus(s, zone->node);
	batch = s->pcp_batch ? s->pcp_batch : model_formulas_pcp_batch(zone->managed_pages,
								       s->page_shift);
	if (s->pcp_high) {
		high_min = high_max = s->pcp_high;
	} else if (s->profile == MODEL_PROFILE_6_1 || fraction) {
		/* 6.1 always, 6.18 with the sysctl set: one fixed high, no auto-tuning. */
		high_min = model_formulas_pcp_highsize(zone->managed_pages, low_pages, batch,
						       fraction, cpus);
		high_max = high_min;
	} else {
		high_min = model_formulas_pcp_highsize(zone->managed_pages, low_pages, batch, 0,
						       cpus);
		high_max = model_formulas_pcp_highsize(zone->managed_pages, low_pages, batch,
						       MODEL_FORMULA_MIN_HIGH_FRACTION, cpus);
	}
	out->pcp_batch = batch;
	out->pcp_high_min = high_min;
	out->pcp_high_max = high_max;
	/* 6.18 never writes pcp->high on a resize; a fresh pcp starts at 0. */
	out->pcp_high = s->profile == MODEL_PROFILE_6_1 ? high_min : 0;
	return 0;
}

uint64_t model_formulas_boost_max(uint64_t managed_pages, uint64_t high_pages,
				  const struct model_formula_settings *s)
{
	uint64_t block_pages = (uint64_t)1 << s->pageblock_order;
	uint64_t max_boost;

	if (!s->watermark_boost_factor || managed_pages < 4 * block_pages)
		return 0;
	max_boost = mult_frac_u64(high_pages, s->watermark_boost_factor, 10000);
	/* HIGH not yet set (early boot): no boost at all, not even one pageblock. */
	if (!max_boost)
		return 0;
	return max_boost > block_pages ? max_boost : block_pages;
}

uint64_t model_formulas_boost_step(uint64_t managed_pages, uint64_t high_pages,
				   uint64_t boost_pages, const struct model_formula_settings *s)
{
	uint64_t max_boost = model_formulas_boost_max(managed_pages, high_pages, s);
	uint64_t boost;

	if (!max_boost)
		return boost_pages;
	boost = boost_pages + ((uint64_t)1 << s->pageblock_order);
	return boost < max_boost ? boost : max_boost;
}

int model_formulas_setup_wmarks(const struct model_formula_zone *zones, size_t nr_zones,
				const struct model_formula_settings *s,
				struct model_formula_wmarks *out)
{
	uint64_t pages_min, lowmem = 0;
	int err;

	err = settings_check(s);
	if (!err)
		err = zones_check(zones, nr_zones);
	if (err)
		return err;

	pages_min = model_formulas_min_free_kbytes(zones, nr_zones, NULL, s) >>
		    (s->page_shift - 10);
	for (size_t i = 0; i < nr_zones; i++)
		if (!zone_min_is_clamped(&zones[i], s))
			lowmem += zones[i].managed_pages;

	for (size_t i = 0; i < nr_zones; i++) {
		const struct model_formula_zone *z = &zones[i];
		struct model_formula_wmarks *w = &out[i];
		uint64_t share, gap;

		memset(w, 0, sizeof(*w));
		/* Each zone gets MIN in proportion to its share of lowmem. */
		share = lowmem ? pages_min * z->managed_pages / lowmem : 0;
		if (zone_min_is_clamped(z, s)) {
			w->min = z->managed_pages / 1024;
			if (w->min < 32)
				w->min = 32;
			if (w->min > 128)
				w->min = 128;
		} else {
			w->min = share;
		}
		gap = mult_frac_u64(z->managed_pages, s->watermark_scale_factor, 10000);
		if (share / 4 > gap)
			gap = share / 4;
		w->low = w->min + gap;
		w->high = w->low + gap;
		w->promo = w->high + gap;
		w->boost_max = model_formulas_boost_max(z->managed_pages, w->high, s);
		/* Boost was just reset to 0, so pcp sizing sees the plain LOW. */
		err = model_formulas_pcp_setup(z, w->low, s, w);
		if (err)
			return err;
	}
	return model_formulas_lowmem_reserve(zones, nr_zones, s, out);
}

uint64_t model_formulas_totalreserve_pages(const struct model_formula_zone *zones,
					   size_t nr_zones,
					   const struct model_formula_wmarks *wmarks)
{
	uint64_t total = 0;

	for (size_t i = 0; i < nr_zones; i++) {
		uint64_t max_reserve = 0, r;

		for (unsigned int j = 0; j < MODEL_FORMULA_NR_ZONE_TYPES; j++)
			if (wmarks[i].lowmem_reserve[j] > max_reserve)
				max_reserve = wmarks[i].lowmem_reserve[j];
		r = wmarks[i].high + max_reserve;
		total += r < zones[i].managed_pages ? r : zones[i].managed_pages;
	}
	return total;
}
