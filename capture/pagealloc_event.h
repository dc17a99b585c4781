/* SPDX-License-Identifier: MIT */
/*
 * The records the BPF program (bpf/pagealloc.bpf.c) puts in its ring buffer
 * and the loader (capture.c) reads back. Both sides include this header, so
 * it uses only fixed-width __u64/__u32 fields, no pointers and no long, with
 * explicit padding and a size check: the layout is the same under clang
 * -target bpf and the host compiler.
 *
 * Every record starts with the same 24 bytes (type, cpu, pid, pad, ts_ns),
 * so the reader switches on @type before it looks at the rest. This is a
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
 * One page-allocator tracepoint hit. The meaning of order, migratetype and
 * arg0..arg2 depends on @type:
 *   ALLOC:       order, migratetype (of the request), arg0 = gfp_flags
 *                (gfp_t is 32 bits wide in the kernel); pfn ~0 on failure
 *   FREE:        order
 *   FREE_BATCHED: nothing (the tracepoint has no order field)
 *   ZONE_LOCKED: order, migratetype, arg0 = percpu_refill
 *   PCPU_DRAIN:  order, migratetype
 *   EXTFRAG:     order = alloc_order, migratetype = alloc_migratetype,
 *                arg0 = fallback_order, arg1 = fallback_migratetype,
 *                arg2 = change_ownership
 * Signed kernel fields (migratetype, the extfrag ints) travel as their
 * two's-complement bits.
 */
struct pagealloc_event {
	__u32 type;	   /* enum pagealloc_event_type */
	__u32 cpu;	   /* cpu the tracepoint fired on */
	__u32 pid;	   /* current task's pid (thread id) */
	__u32 order;	   /* see above */
	__u64 ts_ns;	   /* bpf_ktime_get_ns(): CLOCK_MONOTONIC, ns */
	__u64 pfn;	   /* page frame number */
	__u32 migratetype; /* see above */
	__u32 arg0;
	__u32 arg1;
	__u32 arg2;
};
_Static_assert(sizeof(struct pagealloc_event) == 48, "pagealloc_event has a hole");

#define PAGEALLOC_COMM_LEN 16 /* TASK_COMM_LEN */

/* A pid's command name (COMM) or a pid that exited (EXIT). */
struct pagealloc_comm_event {
	__u32 type;	/* PAGEALLOC_EV_COMM or PAGEALLOC_EV_EXIT */
	__u32 cpu;
	__u32 pid;
	__u32 pad;
	__u64 ts_ns;
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
	__u32 pad;
	__u64 pad2[5];
};
_Static_assert(sizeof(struct pagealloc_cpu_state) == 64, "pagealloc_cpu_state is one cache line");

#endif /* BUDDYSCOPE_PAGEALLOC_EVENT_H */
