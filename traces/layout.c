// SPDX-License-Identifier: MIT
/*
 * A zone layout for a trace whose header has no zones (a text trace imported
 * without --sysinfo): the pfns the events touch, cut at the architecture's
 * zone limits. x86-64 (arch/x86/mm/init.c, zone_sizes_init()): ZONE_DMA
 * below MAX_DMA_PFN (16 MiB, pfn 0x1000), ZONE_DMA32 below MAX_DMA32_PFN
 * (4 GiB, pfn 0x100000), ZONE_NORMAL above; the kernel starts ZONE_DMA at
 * pfn 1 (pfn 0 is reserved). What it cannot know: holes and reserved
 * memory (managed = present = spanned), memory above the highest pfn seen,
 * and zones no event touched.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tracefmt.h"

#define X86_64_MAX_DMA_PFN 0x1000ull	/* 16 MiB of 4 KiB pages */
#define X86_64_MAX_DMA32_PFN 0x100000ull /* 4 GiB */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

int tracefmt_layout_from_pfns(uint64_t min_pfn, uint64_t end_pfn, unsigned int nr_page_orders,
			      struct tracefmt_layout *out)
{
	static const struct {
		const char *name;
		uint64_t start, limit;
	} x86_64[] = {
		{ "DMA", 1, X86_64_MAX_DMA_PFN },
		{ "DMA32", X86_64_MAX_DMA_PFN, X86_64_MAX_DMA32_PFN },
		{ "Normal", X86_64_MAX_DMA32_PFN, TRACEFMT_MAX_PFN + 1 },
	};

	memset(out, 0, sizeof(*out));
	if (end_pfn <= min_pfn || end_pfn > TRACEFMT_MAX_PFN + 1 || nr_page_orders == 0 ||
	    nr_page_orders > TRACEFMT_MAX_ORDERS)
		return -EINVAL;
	out->min_pfn = min_pfn;
	out->end_pfn = end_pfn;
	uint64_t top = align_up(end_pfn, 1ull << (nr_page_orders - 1));
	for (size_t i = 0; i < sizeof(x86_64) / sizeof(x86_64[0]); i++) {
		uint64_t start = x86_64[i].start, limit = x86_64[i].limit;
		if (min_pfn >= limit || end_pfn <= (i ? start : 0))
			continue;
		if (i == 0 && min_pfn == 0)
			start = 0;
		struct tracefmt_layout_zone *z = &out->zones[out->nr_zones++];
		snprintf(z->name, sizeof(z->name), "%s", x86_64[i].name);
		z->start_pfn = start;
		z->spanned = (top < limit ? top : limit) - start;
	}
	return out->nr_zones ? 0 : -EINVAL;
}

/* The last pfn a page event covers, +1; 0 for records without pages. */
static uint64_t event_end_pfn(const struct tracefmt_event *ev, uint64_t *first)
{
	uint64_t pfn;
	uint32_t order;

	if (!tracefmt_event_page(ev, &pfn, &order) || pfn == TRACEFMT_PFN_NONE ||
	    pfn > TRACEFMT_MAX_PFN || order >= TRACEFMT_MAX_ORDERS)
		return 0;
	*first = pfn;
	return pfn + (1ull << order);
}

int tracefmt_layout_infer(const char *path, unsigned int nr_page_orders,
			  struct tracefmt_layout *out, struct bs_error *err)
{
	struct tracefmt_reader *r = tracefmt_reader_open(path, err);
	struct tracefmt_event ev;
	uint64_t lo = UINT64_MAX, hi = 0, first = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!r)
		return -errno;
	while ((rc = tracefmt_reader_next(r, &ev)) == 1) {
		uint64_t end = event_end_pfn(&ev, &first);
		if (!end)
			continue;
		if (first < lo)
			lo = first;
		if (end > hi)
			hi = end;
	}
	tracefmt_reader_close(r);
	if (rc < 0)
		return rc;
	if (!hi) {
		tracefmt_error_set(err, BS_NOWHERE, -ENODATA,
				   "%s: no page event with a pfn to infer "
				    "zones from", path);
		return -ENODATA;
	}
	return tracefmt_layout_from_pfns(lo, hi, nr_page_orders, out);
}
