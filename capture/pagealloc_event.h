/* SPDX-License-Identifier: MIT */
/*
 * The records the BPF program (bpf/pagealloc.bpf.c) puts in its ring buffer
 * and the loader (capture.c) reads back. Both sides include this header, so
 * it uses only fixed-width __u64/__u32 fields, no pointers and no long, with
 * explicit padding and a size check: the layout is the same under clang
 * -target bpf and the host compiler.
 *
 * Both records start with the same 24 bytes (ts_ns, 8 bytes, pid, info),
 * so the reader switches on the type byte of @info before the rest. This is a
 * transport format only; the file format is traces/FORMAT.md.
 */
#ifndef BUDDYSCOPE_PAGEALLOC_EVENT_H
#define BUDDYSCOPE_PAGEALLOC_EVENT_H

#ifndef __BPF__
#include <linux/types.h>
#endif

/* Values of pagealloc_event.type; page events use enum tracefmt_type's numbers. */
enum pagealloc_event_type {
	PAGEALLOC_EV_ALLOC = 1,		/* kmem:mm_page_alloc */
	PAGEALLOC_EV_FREE = 2,		/* kmem:mm_page_free */
	PAGEALLOC_EV_FREE_BATCHED = 3,	/* kmem:mm_page_free_batched */
	PAGEALLOC_EV_ZONE_LOCKED = 4,	/* kmem:mm_page_alloc_zone_locked */
	PAGEALLOC_EV_PCPU_DRAIN = 5,	/* kmem:mm_page_pcpu_drain */
	PAGEALLOC_EV_EXTFRAG = 6,	/* kmem:mm_page_alloc_extfrag */
	PAGEALLOC_EV_COMM = 32,		/* struct pagealloc_comm_event: pid's command name */
	PAGEALLOC_EV_EXIT = 33,		/* struct pagealloc_comm_event: pid exited (comm unused) */
};

/*
 * One page-allocator tracepoint hit: 32 bytes, 40 in the ring with its
 * header, because every byte is written by one cpu and read by another. The
 * cpu is not stored: each cpu has its own ring. @info packs four bytes,
 * built with PAGEALLOC_INFO() and read with the PAGEALLOC_INFO_*() macros:
 *   type | order << 8 | (u8)migratetype << 16 | flag << 24
 * and the fields mean, by type:
 *   ALLOC:        order, migratetype (of the request), arg = gfp_flags (gfp_t
 *                 is 32 bits wide in the kernel); pfn ~0 on failure
 *   FREE:         order
 *   FREE_BATCHED: nothing (the tracepoint has no order field)
 *   ZONE_LOCKED:  order, migratetype, flag = percpu_refill
 *   PCPU_DRAIN:   order, migratetype
 *   EXTFRAG:      order = alloc_order, migratetype = alloc_migratetype,
 *                 flag = change_ownership, arg = fallback_order |
 *                 (u8)fallback_migratetype << 8
 * Migratetypes (-1..7) travel as their low byte, sign-extended on reading.
 */
struct pagealloc_event {
	__u64 ts_ns;	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC, ns */
	__u64 pfn;	/* page frame number */
	__u32 pid;	/* current task's pid (thread id) */
	__u32 info;	/* see above */
	__u32 arg;	/* see above */
	__u32 pad;
};
_Static_assert(sizeof(struct pagealloc_event) == 32, "pagealloc_event has a hole");

#define PAGEALLOC_INFO(type, order, mt, flag)                                          \
	((__u32)(type) | ((__u32)(order) & 0xff) << 8 | ((__u32)(mt) & 0xff) << 16 |      \
	 ((__u32)(flag) & 0xff) << 24)
#define PAGEALLOC_INFO_TYPE(info) ((info) & 0xff)
#define PAGEALLOC_INFO_ORDER(info) (((info) >> 8) & 0xff)
#define PAGEALLOC_INFO_MT(info) ((int)(signed char)(((info) >> 16) & 0xff))
#define PAGEALLOC_INFO_FLAG(info) ((info) >> 24)

#define PAGEALLOC_COMM_LEN 16 /* TASK_COMM_LEN */

/* A pid's command name (COMM) or a pid that exited (EXIT); same head as above. */
struct pagealloc_comm_event {
	__u64 ts_ns;
	__u64 pad;
	__u32 pid;
	__u32 info;	/* PAGEALLOC_EV_COMM or PAGEALLOC_EV_EXIT in the type byte */
	char comm[PAGEALLOC_COMM_LEN]; /* NUL-terminated unless 16 chars long */
};
_Static_assert(sizeof(struct pagealloc_comm_event) == 40, "pagealloc_comm_event has a hole");

/*
 * Per-cpu state of the BPF program: entry <cpu> of the mmap-able array
 * "cpu_state". The loader reads the drop counters through the mapping, not
 * with a map lookup syscall, because the kernel skips BPF programs on a
 * cpu while such a syscall runs there (and would drop events it caused).
 * One cache line per cpu so cpus never write to a shared line.
 */
struct pagealloc_cpu_state {
	__u64 dropped;	    /* page events the ring buffer had no room for */
	__u64 exit_gen;	    /* exits seen when last_pid was recorded */
	__u32 last_pid;	    /* pid of this cpu's previous page event */
	__u32 hits;	    /* page events recorded, wrapping: when to look at the fill */
	__u64 pad2[5];
};
_Static_assert(sizeof(struct pagealloc_cpu_state) == 64, "pagealloc_cpu_state is one cache line");

#endif /* BUDDYSCOPE_PAGEALLOC_EVENT_H */
