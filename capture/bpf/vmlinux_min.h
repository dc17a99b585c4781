/* SPDX-License-Identifier: MIT */
/*
 * The few kernel types the BPF programs use (bpf/pagealloc.bpf.c,
 * snapshot/snapshot.bpf.c, the snapshot test's counter), written by hand so
 * the build does not depend on the build host's kernel (a full vmlinux.h is
 * 160k lines and no package ships one). The record layouts are the kernel's
 * trace_event_raw_<event> structs as /sys/kernel/tracing/events/kmem/<event>/
 * format describes them (spec §6.1). preserve_access_index makes every field
 * access a CO-RE relocation, so libbpf fixes offsets up against the running
 * kernel's BTF at load time; only the fields named here must exist.
 *
 * The memory-management structs (struct page, zone, free_area, ...) name
 * only the members the snapshot walker reads. Their array members have a
 * nominal length only: the walker never indexes them with C syntax (whose
 * stride would be this file's, not the kernel's) but computes addresses from
 * bpf_core_field_offset()/bpf_core_type_size(), which are relocated too.
 *
 * Configure with -DBUDDYSCOPE_BPF_FULL_VMLINUX=ON to use a vmlinux.h
 * generated from /sys/kernel/btf/vmlinux instead.
 */
#ifndef BUDDYSCOPE_VMLINUX_MIN_H
#define BUDDYSCOPE_VMLINUX_MIN_H

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
typedef int pid_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* UAPI constants (include/uapi/linux/bpf.h); stable ABI values. */
enum bpf_map_type {
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
	BPF_ANY = 0,
};

enum {
	BPF_F_MMAPABLE = 1024,
};

enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
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
 * struct page: its size (bpf_core_type_size) turns a struct page * into a
 * pfn. A free buddy block's head page links into its free list through
 * buddy_list and keeps its order in private; a page on a per-cpu list links
 * through pcp_list. All three alias the same words in the kernel (unions);
 * libbpf finds them inside the anonymous members.
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
	long unsigned int pfn;
	unsigned int order;
	long unsigned int gfp_flags;
	int migratetype;
	char __data[0];
};

struct trace_event_raw_mm_page_free {
	struct trace_entry ent;
	long unsigned int pfn;
	unsigned int order;
	char __data[0];
};

struct trace_event_raw_mm_page_free_batched {
	struct trace_entry ent;
	long unsigned int pfn;
	char __data[0];
};

/* mm_page_alloc_zone_locked uses the mm_page event class. */
struct trace_event_raw_mm_page {
	struct trace_entry ent;
	long unsigned int pfn;
	unsigned int order;
	int migratetype;
	int percpu_refill;
	char __data[0];
};

struct trace_event_raw_mm_page_pcpu_drain {
	struct trace_entry ent;
	long unsigned int pfn;
	unsigned int order;
	int migratetype;
	char __data[0];
};

struct trace_event_raw_mm_page_alloc_extfrag {
	struct trace_entry ent;
	long unsigned int pfn;
	int alloc_order;
	int fallback_order;
	int alloc_migratetype;
	int fallback_migratetype;
	int change_ownership;
	char __data[0];
};

/* kmem:mm_setup_per_zone_wmarks (6.15+); name is a __data_loc string. */
struct trace_event_raw_mm_setup_per_zone_wmarks {
	struct trace_entry ent;
	int node_id;
	__u32 __data_loc_name;
	long unsigned int watermark_min;
	long unsigned int watermark_low;
	long unsigned int watermark_high;
	long unsigned int watermark_promo;
	char __data[0];
};
#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

/*
 * The reclaim and compaction tracepoints (events/vmscan, events/compaction;
 * format 1.4). Only the fields read are named.
 */
enum zone_type { ZONE_DMA = 0 };

struct trace_event_raw_mm_vmscan_wakeup_kswapd {
	struct trace_entry ent;
	int nid;
	int zid;
	int order;
	unsigned long gfp_flags;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_vmscan_kswapd_wake {
	struct trace_entry ent;
	int nid;
	int zid;
	int order;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_vmscan_kswapd_sleep {
	struct trace_entry ent;
	int nid;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template {
	struct trace_entry ent;
	int order;
	unsigned long gfp_flags;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_vmscan_direct_reclaim_end_template {
	struct trace_entry ent;
	unsigned long nr_reclaimed;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_begin {
	struct trace_entry ent;
	unsigned long zone_start;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	unsigned long zone_end;
	bool sync;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_end {
	struct trace_entry ent;
	unsigned long zone_start;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	unsigned long zone_end;
	bool sync;
	int status;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_isolate_template {
	struct trace_entry ent;
	unsigned long start_pfn;
	unsigned long end_pfn;
	unsigned long nr_scanned;
	unsigned long nr_taken;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_migratepages {
	struct trace_entry ent;
	unsigned long nr_migrated;
	unsigned long nr_failed;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_suitable_template {
	struct trace_entry ent;
	int nid;
	enum zone_type idx;
	int order;
	int ret;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_defer_template {
	struct trace_entry ent;
	int nid;
	enum zone_type idx;
	int order;
	unsigned int considered;
	unsigned int defer_shift;
	int order_failed;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_kcompactd_sleep {
	struct trace_entry ent;
	int nid;
} __attribute__((preserve_access_index));

struct trace_event_raw_kcompactd_wake_template {
	struct trace_entry ent;
	int nid;
	int order;
	enum zone_type highest_zoneidx;
} __attribute__((preserve_access_index));

struct trace_event_raw_mm_compaction_try_to_compact_pages {
	struct trace_entry ent;
	int order;
	unsigned long gfp_mask;
	int prio;
} __attribute__((preserve_access_index));

#endif /* BUDDYSCOPE_VMLINUX_MIN_H */
