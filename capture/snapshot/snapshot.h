/* SPDX-License-Identifier: MIT */
/*
 * snapshot: a pfn-exact picture of the page allocator's free lists, taken
 * once at the start of a capture and written into the trace, so a replay
 * knows which pfns were free (and in which order the kernel will hand them
 * out) before the first event.
 *
 * Method BPF (the default) walks the kernel's own lists from a BPF program
 * on raw_tp/mm_setup_per_zone_wmarks. That tracepoint fires once per zone,
 * with the zone's lock held, whenever the watermarks are recomputed; the
 * walk triggers it by writing vm.min_free_kbytes back with its current
 * value. That write recomputes exactly the same watermarks, lowmem reserves
 * and totalreserve_pages; its side effects are that any watermark boost
 * in force is reset (the kernel does that on every recompute) and that the
 * value counts as set by the administrator from then on: when memory is
 * hot-added or removed, the kernel may still raise it but no longer lowers
 * it below this value. Each zone's buddy lists are read under that zone's
 * lock, so they are an exact instant of that zone; pcp lists are read
 * without their owners' locks and are checked link by link. Needs root (CAP_BPF + CAP_PERFMON + writing the
 * sysctl) and a kernel whose BTF has the types used (6.18 is checked).
 *
 * struct page * becomes pfn through the vmemmap base, measured by pairing
 * the page pointer (raw tracepoint) and the pfn (classic tracepoint) of
 * allocations this thread makes on purpose; the base is then checked
 * against every block walked (inside its zone, aligned to a struct page).
 * Per-CPU offsets (for each CPU's zone->per_cpu_pageset) come from a BPF
 * per-CPU array: its element's address on a cpu minus its per-CPU pointer.
 *
 * Method KPAGEFLAGS (the fallback) reads /proc/kpageflags: the pfns with
 * KPF_BUDDY, split at zone ends and cut greedily into the largest aligned
 * blocks (spec section 8.1). List, position and pcp contents are then
 * unknown and flagged so.
 *
 * Records written (traces/tracefmt.h), in this order:
 *   TRACEFMT_SNAPSHOT_MARK phase BEGIN, method; ts = just before the walk
 *   TRACEFMT_SNAPSHOT_BLOCK per free block: pfn, order, migratetype of the
 *     list (-1 if unknown), position from the head, node, zone; flags
 *     TRACEFMT_SNAP_PCP (cpu in the record's cpu field, migratetype and order
 *     from the pcp list index: order 9 migratetype 0 is the non-movable THP
 *     list), TRACEFMT_SNAP_UNCERTAIN when its list changed under the walk,
 *     MT_UNKNOWN|POS_UNKNOWN for kpageflags; ts = when its list was read
 *   TRACEFMT_SNAPSHOT_WALK after the blocks of each group of lists: one
 *     per zone for its buddy lists (cpu TRACEFMT_WALK_BUDDY_CPU, flag
 *     LOCKED: ts and end_ns are when the walk took and left the zone, with
 *     the zone lock held throughout) and one per (zone, cpu) for that cpu's
 *     pcp lists (ts = start of its first list's last attempt, end_ns = end
 *     of its last list; no lock); flags UNCERTAIN / RETRIED as its lists
 *     were; KPAGEFLAGS: one per zone, flag UNLOCKED, over that zone's scan
 *   TRACEFMT_CHECKPOINT per populated zone, flags TRACEFMT_CKPT_SNAPSHOT:
 *     free_blocks[order][mt] counted by the walk (KPAGEFLAGS: as
 *     /proc/pagetypeinfo reported them during the walk), pageblocks[mt]
 *     from /proc/pagetypeinfo (HAS_PAGEBLOCKS), nr_free_pages (BPF only,
 *     HAS_NR_FREE); seq is SNAPSHOT_CHECKPOINT_SEQ
 *   TRACEFMT_SNAPSHOT_MARK phase END, count = block records, flags
 *     enum snapshot_mark_flags; ts = just after the walk
 *
 * The capture's own event programs keep running during the walk; events
 * with timestamps between BEGIN and END are the ones a replay reconciles.
 */
#ifndef BUDDYSCOPE_SNAPSHOT_H
#define BUDDYSCOPE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

#define SNAPSHOT_MAX_ZONES 32
#define SNAPSHOT_MAX_CPUS 4096
#define SNAPSHOT_CHECKPOINT_SEQ TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ

enum snapshot_method {
	SNAPSHOT_METHOD_AUTO = 0,	/* BPF, else KPAGEFLAGS */
	SNAPSHOT_METHOD_BPF = TRACEFMT_SNAP_METHOD_BPF,
	SNAPSHOT_METHOD_KPAGEFLAGS = TRACEFMT_SNAP_METHOD_KPAGEFLAGS,
};

/* Flags of the END mark (TRACEFMT_SNAPSHOT_MARK .flags). */
enum snapshot_mark_flags {
	SNAPSHOT_MARK_UNCERTAIN = TRACEFMT_SNAP_MARK_UNCERTAIN,
	SNAPSHOT_MARK_PCP_UNKNOWN = TRACEFMT_SNAP_MARK_PCP_UNKNOWN,
	SNAPSHOT_MARK_LIST_UNKNOWN = TRACEFMT_SNAP_MARK_LIST_UNKNOWN,
	SNAPSHOT_MARK_PCP_PARTIAL = TRACEFMT_SNAP_MARK_PCP_PARTIAL,
	SNAPSHOT_MARK_NR_FREE_MISMATCH = TRACEFMT_SNAP_MARK_NR_FREE_MISMATCH,
};

struct snapshot_opts {
	enum snapshot_method method;
	unsigned int max_attempts; /* whole walks while buddy lists read uncertain; 0 = 3 */
	const char *proc_dir;	   /* where kpageflags, zoneinfo, ... are; NULL = "/proc" */
};

struct snapshot_zone_stats {
	uint32_t node;
	char name[TRACEFMT_ZONE_NAME_LEN];
	uint64_t start_pfn;
	uint64_t spanned;	/* pages */
	uint32_t nr_orders;	/* NR_PAGE_ORDERS */
	uint32_t nr_mt;		/* MIGRATE_TYPES (0 with kpageflags: lists unknown) */
	/* buddy free blocks and pages by order and list migratetype */
	uint64_t blocks[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];
	uint64_t pages[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];
	uint64_t blocks_mt_unknown[TRACEFMT_MAX_ORDERS]; /* kpageflags: list unknown */
	uint64_t pcp_pages;	/* on all cpus' pcp lists of this zone */
	uint64_t nr_free_pages; /* the kernel's NR_FREE_PAGES at the walk (BPF) */
	uint64_t pageblocks[TRACEFMT_MAX_MT]; /* from /proc/pagetypeinfo */
	uint32_t uncertain_lists;
	uint32_t pad;
	uint64_t walk_ns;	/* time the walk spent in this zone */
};

struct snapshot_stats {
	enum snapshot_method method; /* the method used */
	char fallback_reason[BS_ERROR_TEXT_LEN];   /* why BPF was not used; "" if it was */
	uint64_t blocks;	     /* buddy block records */
	uint64_t pcp_blocks;	     /* pcp block records */
	uint64_t records;	     /* all records written, marks included */
	uint64_t walk_ns;	     /* BEGIN to END (the trigger write or the file scan) */
	uint64_t total_ns;	     /* the whole call: load, calibration, walk, write */
	uint64_t load_ns;	     /* BPF: open, verify, load and attach */
	uint64_t calib_ns;	     /* BPF: measuring the vmemmap base */
	uint64_t lock_ns_max;	     /* BPF: longest walk of one zone (its lock held, irqs off) */
	uint64_t cpu_ns;	     /* CPU time of the calling thread over the call */
	uint64_t vmemmap_base;	     /* BPF: struct page * of pfn 0 */
	uint32_t page_struct_size;   /* BPF: sizeof(struct page) */
	uint32_t calib_pairs;	     /* page/pfn pairs measured */
	uint32_t calib_agree;	     /* pairs giving the chosen base */
	uint32_t attempts;	     /* whole walks made */
	uint32_t uncertain_lists;    /* lists that still changed under the last walk */
	uint32_t retried_lists;	     /* lists read more than once in the last walk */
	uint32_t nr_free_mismatches; /* BPF: zone x order whose lists, summed over
					migratetypes, differ from free_area.nr_free
					read in the same locked instant (should be 0) */
	uint32_t nr_zones;	     /* zones[] filled */
	uint32_t nr_cpus;	     /* pcp_pages[] filled */
	struct snapshot_zone_stats zones[SNAPSHOT_MAX_ZONES];
	uint64_t pcp_pages[SNAPSHOT_MAX_CPUS]; /* pages on each cpu's pcp lists */
};

/**
 * snapshot_take() - record the free lists into @w: the BEGIN mark, every
 * free block of every zone, every cpu's pcp lists, per-zone checkpoints and
 * the END mark (see above). @opts may be NULL (AUTO, 3 attempts, /proc).
 * With AUTO, a BPF walk that cannot run (no permission, missing BTF
 * types, the tracepoint does not fire) falls back to /proc/kpageflags and
 * says why in @st->fallback_reason. @st (may be NULL) receives the figures.
 *
 * Nothing is written to @w unless a method succeeded. Returns 0, or -errno
 * with @err (may be NULL) naming what failed: -EPERM/-EACCES
 * without privileges, -ENOENT when a /proc file is missing, -EIO on a
 * writer error, -ENOTSUP when the tracepoint never fired or the vmemmap
 * base could not be measured, -EPROTO when the measured base does not fit
 * the blocks walked (a block misaligned for its order).
 */
int snapshot_take(struct tracefmt_writer *w, const struct snapshot_opts *opts,
		  struct snapshot_stats *st, struct bs_error *err);

#endif /* BUDDYSCOPE_SNAPSHOT_H */
