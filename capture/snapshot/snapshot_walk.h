/* SPDX-License-Identifier: MIT */
/*
 * Types shared by the snapshot walker (snapshot.bpf.c) and its loader
 * (snapshot.c): the entries the walker hands to user space through an
 * mmap-able array map, and the per-zone facts it leaves in .bss. Only
 * fixed-width __u types, no pointers, explicit padding, sizes asserted on
 * the user side. Private to capture/snapshot/.
 *
 * The entry stream is, per zone, every buddy list (order-major, then
 * migratetype) followed by every CPU's pcp lists (cpu-major, then pindex);
 * each list is its blocks head to tail followed by one SNAP_E_LIST_END entry
 * that says how the walk of that list ended. A list that had to be retried
 * is rewound, so only its last attempt is in the stream.
 */
#ifndef BUDDYSCOPE_SNAPSHOT_WALK_H
#define BUDDYSCOPE_SNAPSHOT_WALK_H

#define SNAP_MAX_ZONES 32	/* zones walked per trigger (nodes x zone types) */
#define SNAP_MAX_ORDERS 16	/* >= NR_PAGE_ORDERS */
#define SNAP_MAX_MT 8		/* >= MIGRATE_TYPES */
#define SNAP_MAX_PCP_LISTS 32	/* >= NR_PCP_LISTS */
#define SNAP_MAX_CPUS 4096	/* cpus walked for pcp lists */
#define SNAP_LIST_TRIES 3	/* attempts at a list that changes under the walk */
#define SNAP_LOOP_MAX (1u << 23) /* bpf_loop's own iteration limit */
#define SNAP_PAGE_WORDS 8	/* u64s read from each struct page: list node and private */
#define SNAP_ORDER_PCP 0xff	/* order of PCP entries: the loader decodes the pindex */

enum snap_entry_kind {
	SNAP_E_BUDDY = 1,    /* a free block on zone->free_area[order].free_list[list] */
	SNAP_E_PCP = 2,	     /* a block on cpu's pcp lists[list] (list = pindex) */
	SNAP_E_LIST_END = 3, /* end of one list: pos = entries, status = how it ended */
};

/* Why a list walk ended early or cannot be trusted (LIST_END status bits). */
enum snap_list_status {
	SNAP_LS_BAD_LINK = 1 << 0,	 /* node->prev is not the node walked before */
	SNAP_LS_OUT_OF_ZONE = 1 << 1,	 /* a page outside the zone (or not a struct page) */
	SNAP_LS_ORDER_MISMATCH = 1 << 2, /* a buddy head whose private is not the order */
	SNAP_LS_TOO_LONG = 1 << 3,	 /* longer than the list can be: never reached head */
	SNAP_LS_OUTPUT_FULL = 1 << 4,	 /* the entry array filled up */
	SNAP_LS_READ_FAULT = 1 << 5,	 /* bpf_probe_read_kernel failed */
};

struct snap_entry {
	__u64 page;  /* struct page * of the block; LIST_END: walk start, ns */
	__u32 pos;   /* index from the list head; LIST_END: entries in the list */
	__u16 cpu;   /* PCP and its LIST_END: the cpu whose pcp this is */
	__u8 zone;   /* slot in snap_zones */
	__u8 order;  /* block order */
	__u8 list;   /* migratetype (BUDDY) or pindex (PCP) */
	__u8 kind;   /* enum snap_entry_kind */
	__u8 status; /* LIST_END: enum snap_list_status */
	__u8 tries;  /* LIST_END: attempts used, 1..SNAP_LIST_TRIES */
	__u32 dur_ns; /* LIST_END: ns its last attempt took (saturated); else 0 */
};

struct snap_zone {
	__u64 zone;	     /* kernel address of struct zone (identity only) */
	__u64 start_pfn;
	__u64 spanned;	     /* pages */
	__u64 present;	     /* pages */
	__u64 nr_free_pages; /* NR_FREE_PAGES when the walk began */
	__u64 nr_free[SNAP_MAX_ORDERS]; /* free_area[o].nr_free: blocks */
	__u64 ts_begin_ns;   /* bpf_ktime_get_ns at the zone's walk start */
	__u64 ts_end_ns;
	__u32 node;
	__u32 zone_idx;	     /* index in node_zones[] */
	__u32 nr_orders;     /* NR_PAGE_ORDERS of the running kernel */
	__u32 nr_mt;	     /* MIGRATE_TYPES */
	__u32 nr_pcp_lists;  /* NR_PCP_LISTS */
	__u32 pcp_cpus;	     /* cpus whose pcp lists were walked */
	char name[16];
};

#endif /* BUDDYSCOPE_SNAPSHOT_WALK_H */
