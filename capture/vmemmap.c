/* SPDX-License-Identifier: MIT */
/*
 * The vmemmap calibration's user side (vmemmap.h): fault pages in on
 * purpose while the calibration programs watch this thread, then pair what
 * they saw.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmemmap.h"

#define FAULT_ROUNDS 64	     /* mappings faulted in at most */
#define PAGES_PER_ROUND 16

uint64_t vmemmap_vote(const uint64_t *page_ptr, const uint64_t *pfn, uint32_t n,
		      uint64_t struct_size, uint32_t *agree)
{
	uint64_t base = 0;
	uint32_t best = 0;

	/* n is at most a few dozen pairs: the quadratic count is cheap. */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t cand = page_ptr[i] - pfn[i] * struct_size;
		uint32_t votes = 0;

		for (uint32_t j = 0; j < n; j++)
			votes += page_ptr[j] - pfn[j] * struct_size == cand;
		if (votes > best) {
			best = votes;
			base = cand;
		}
	}
	*agree = best;
	return base;
}

/* One order-0 mm_page_alloc per page: map, touch each page, unmap. */
static void pages_fault_in(size_t page_size)
{
	size_t len = PAGES_PER_ROUND * page_size;
	volatile char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += page_size)
		p[off] = 1;
	munmap((void *)p, len);
}

int vmemmap_calibrate(struct vmemmap_calib *calib, size_t page_size, struct vmemmap_result *res)
{
	uint32_t n;

	calib->n_page = 0;
	calib->n_pfn = 0;
	calib->tid = (uint32_t)gettid();
	__atomic_store_n(&calib->armed, 1, __ATOMIC_SEQ_CST);
	for (int round = 0; round < FAULT_ROUNDS; round++) {
		if (__atomic_load_n(&calib->n_pfn, __ATOMIC_SEQ_CST) >= VMEMMAP_CALIB_SLOTS / 2)
			break;
		pages_fault_in(page_size);
	}
	__atomic_store_n(&calib->armed, 0, __ATOMIC_SEQ_CST);

	n = calib->n_page < calib->n_pfn ? calib->n_page : calib->n_pfn;
	n = n < VMEMMAP_CALIB_SLOTS ? n : VMEMMAP_CALIB_SLOTS;
	res->pairs = n;
	res->page_struct_size = calib->page_struct_size;
	res->base = vmemmap_vote((const uint64_t *)calib->page_ptr, (const uint64_t *)calib->pfn, n,
				 calib->page_struct_size, &res->agree);
	if (!res->page_struct_size || n < VMEMMAP_MIN_PAIRS || res->agree * 4 < n * 3)
		return -ENOTSUP;
	return 0;
}
