/* SPDX-License-Identifier: MIT */
/*
 * vmemmap: the struct page * of pfn 0 (the vmemmap base) of the running
 * kernel, measured through the calibration programs of
 * bpf/vmemmap_calib.bpf.h, for the BPF programs that see struct page
 * pointers (capture's raw tracepoints, the free-list snapshot's walk). The
 * one implementation both loaders call; libc only, nothing printed.
 */
#ifndef BUDDYSCOPE_VMEMMAP_H
#define BUDDYSCOPE_VMEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "vmemmap_calib.h"

#define VMEMMAP_MIN_PAIRS 8 /* pairs a base needs, of which 3/4 must agree */

/* What one calibration saw and concluded. */
struct vmemmap_result {
	uint64_t base;		   /* the base most pairs give (0 without pairs) */
	uint32_t pairs;		   /* page/pfn pairs compared */
	uint32_t agree;		   /* pairs that give @base */
	uint32_t page_struct_size; /* sizeof(struct page); 0: no mm_page_alloc was seen */
};

/**
 * vmemmap_calibrate() - with calib_page and calib_pfn attached and @calib
 * the programs' state (the skeleton's bss), arm them for this thread, fault
 * pages in until enough pairs are seen (or 64 rounds of 16 pages), disarm
 * and vote. Fills @res in every case. Returns 0 when at least
 * VMEMMAP_MIN_PAIRS pairs were seen and 3/4 of them agree, else -ENOTSUP.
 */
int vmemmap_calibrate(struct vmemmap_calib *calib, size_t page_size, struct vmemmap_result *res);

/**
 * vmemmap_vote() - the vmemmap base from @n pairs of a page pointer and its
 * pfn seen by two programs on the same allocations. An interrupt that
 * allocates between the two programs of one event shifts a pair, so the
 * base is the value most pairs give; *@agree says how many. Pure
 * arithmetic. Returns the base (0 if @n is 0).
 */
uint64_t vmemmap_vote(const uint64_t *page_ptr, const uint64_t *pfn, uint32_t n,
		      uint64_t struct_size, uint32_t *agree);

#endif /* BUDDYSCOPE_VMEMMAP_H */
