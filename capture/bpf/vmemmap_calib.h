/* SPDX-License-Identifier: MIT */
/*
 * The vmemmap calibration's state, shared by the BPF side
 * (vmemmap_calib.bpf.h, included by every program that turns a struct page *
 * into a pfn: bpf/pagealloc.bpf.c and snapshot/snapshot.bpf.c) and the
 * loader's helper (vmemmap.h). Fixed-width __u fields only, no holes, the
 * same layout under clang -target bpf and the host compiler.
 *
 * While @armed, calib_page (raw tracepoint: the struct page *) and calib_pfn
 * (classic tracepoint: the pfn) store what they see of each mm_page_alloc
 * of thread @tid, the loader faulting pages in on purpose; the loader pairs
 * page_ptr[i] with pfn[i]. The base is the struct page * of pfn 0.
 */
#ifndef BUDDYSCOPE_VMEMMAP_CALIB_H
#define BUDDYSCOPE_VMEMMAP_CALIB_H

#ifndef __BPF__
#include <linux/types.h>
#endif

#define VMEMMAP_CALIB_SLOTS 64 /* page/pfn pairs kept; a power of two */

struct vmemmap_calib {
	__u32 armed;		/* set by the loader around its page faults */
	__u32 tid;		/* the loader's thread: only its allocations count */
	__u32 n_page;		/* page pointers seen (may pass VMEMMAP_CALIB_SLOTS) */
	__u32 n_pfn;		/* pfns seen */
	__u32 page_struct_size; /* sizeof(struct page) of the running kernel (CO-RE) */
	__u32 pad;
	__u64 page_ptr[VMEMMAP_CALIB_SLOTS];
	__u64 pfn[VMEMMAP_CALIB_SLOTS];
};

#endif /* BUDDYSCOPE_VMEMMAP_CALIB_H */
