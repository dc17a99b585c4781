/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The two calibration programs and their state (vmemmap_calib.h), for a BPF
 * program that needs the vmemmap base: include it once, after vmlinux_min.h
 * and the libbpf helpers. calib_page (raw_tp) and calib_pfn (tp) see the
 * same mm_page_alloc events of the loader's thread, one as a struct page *,
 * the other as a pfn; vmemmap_calibrate() (vmemmap.h) pairs them.
 */
#ifndef BUDDYSCOPE_VMEMMAP_CALIB_BPF_H
#define BUDDYSCOPE_VMEMMAP_CALIB_BPF_H

#include "vmemmap_calib.h"

struct vmemmap_calib calib;

static __always_inline int calib_self(void)
{
	return calib.armed && (__u32)bpf_get_current_pid_tgid() == calib.tid;
}

SEC("raw_tp/mm_page_alloc")
int calib_page(__u64 *ctx)
{
	__u32 n = calib.n_page;

	if (!calib_self() || !ctx[0] || n >= VMEMMAP_CALIB_SLOTS)
		return 0;
	calib.page_ptr[n & (VMEMMAP_CALIB_SLOTS - 1)] = ctx[0];
	calib.n_page = n + 1;
	calib.page_struct_size = bpf_core_type_size(struct page);
	return 0;
}

SEC("tp/kmem/mm_page_alloc")
int calib_pfn(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u32 n = calib.n_pfn;
	__u64 pfn = ctx->pfn;

	if (!calib_self() || pfn == ~0ull || n >= VMEMMAP_CALIB_SLOTS)
		return 0;
	calib.pfn[n & (VMEMMAP_CALIB_SLOTS - 1)] = pfn;
	calib.n_pfn = n + 1;
	return 0;
}

#endif /* BUDDYSCOPE_VMEMMAP_CALIB_BPF_H */
