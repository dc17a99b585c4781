/* SPDX-License-Identifier: MIT */
/*
 * The kernel types the free-list snapshot walker (snapshot.bpf.c) touches,
 * written by hand: only the members it reads, each record marked
 * preserve_access_index so that libbpf relocates every member offset against
 * the running kernel's BTF at load time. Array members are declared with a
 * nominal length only; the walker never indexes them with C syntax (whose
 * stride would be this file's, not the kernel's) but computes addresses from
 * bpf_core_field_offset()/bpf_core_type_size(), which are relocated too. The
 * classic tracepoint record of kmem:mm_page_alloc follows spec section 6.1.
 */
#ifndef BUDDYSCOPE_VMLINUX_SNAP_H
#define BUDDYSCOPE_VMLINUX_SNAP_H

typedef unsigned char __u8;
typedef short unsigned int __u16;
typedef unsigned int __u32;
typedef long long unsigned int __u64;
typedef signed char __s8;
typedef short int __s16;
typedef int __s32;
typedef long long int __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* UAPI constants (include/uapi/linux/bpf.h); stable ABI values. */
enum bpf_map_type {
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
};

enum {
	BPF_ANY = 0,
};

enum {
	BPF_F_MMAPABLE = (1U << 10),
};

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
#endif

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

typedef struct {
	__s64 counter;
} atomic64_t;
typedef atomic64_t atomic_long_t;

/*
 * struct page: a free buddy block's head page links into its free list
 * through buddy_list and keeps its order in private; a page on a per-cpu
 * list links through pcp_list. All three alias the same words in the
 * kernel (unions); libbpf finds them inside the anonymous members.
 */
struct page {
	struct list_head buddy_list;
	struct list_head pcp_list;
	unsigned long private;
};

struct free_area {
	struct list_head free_list[1]; /* really [MIGRATE_TYPES] */
	unsigned long nr_free;	       /* blocks of this order, all lists */
};

struct per_cpu_pages {
	int count; /* pages, order-weighted */
	int high;
	int batch;
	struct list_head lists[1]; /* really [NR_PCP_LISTS] */
};

enum zone_stat_item {
	NR_FREE_PAGES = 0,
};

struct pglist_data;

struct zone {
	int node;
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset; /* __percpu */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	struct free_area free_area[1]; /* really [NR_PAGE_ORDERS] */
	atomic_long_t vm_stat[1];      /* really [NR_VM_ZONE_STAT_ITEMS] */
};

struct pglist_data {
	struct zone node_zones[1]; /* really [MAX_NR_ZONES] */
	int node_id;
};

/*
 * A BPF per-CPU array map (kernel/bpf/arraymap.c): pptrs[i] is the per-CPU
 * pointer of element i, whose copy for a cpu lives at that pointer plus the
 * cpu's per-CPU offset.
 */
struct bpf_array {
	void *pptrs[1];
};

struct trace_entry {
	short unsigned int type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct trace_event_raw_mm_page_alloc {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
	unsigned long gfp_flags;
	int migratetype;
};

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* BUDDYSCOPE_VMLINUX_SNAP_H */
