/* SPDX-License-Identifier: MIT */
/*
 * The records the BPF program (bpf/pagealloc.bpf.c) puts in its per-cpu
 * slot rings and the loader (capture.c) reads back. Both sides include this
 * header, so it uses only fixed-width __u64/__u32 fields, no pointers and no
 * long, with explicit padding and a size check: the layout is the same
 * under clang -target bpf and the host compiler.
 *
 * Every record is one 32-byte slot starting with the same 16 bytes (ts_ns,
 * pid, info), so the reader switches on the type byte of @info before the
 * rest. A slot whose ts_ns is 0 is empty or still being written: the
 * producer stores ts_ns last (an atomic exchange, which orders the stores
 * before it), the loader clears it once it has read the slot. This is a
 * transport format only; the file format is traces/FORMAT.md.
 *
 * The rings: the array map "slots" holds 2^slot_shift slots per cpu, cpu
 * c's at [c << slot_shift, (c + 1) << slot_shift). Its producers (this
 * cpu's programs, nested ones included) reserve slot head++ with an atomic
 * fetch-and-add, and only while head - tail leaves PAGEALLOC_NEST_MARGIN
 * slots free; the loader consumes from tail, clears each slot and
 * publishes tail. No lock, no header, no wakeup: the loader polls.
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
	PAGEALLOC_EV_WMARK = 34,	/* kmem:mm_setup_per_zone_wmarks: pfn = its number,
					   the values are in the "wmarks" map */
	PAGEALLOC_EV_LOST = 35,		/* struct pagealloc_lost_event: events this cpu's
					   ring had no room for, and when */
	PAGEALLOC_EV_MM = 36,		/* a reclaim or compaction tracepoint: pfn = its
					   number, arg = its tracefmt type (16-35), the
					   fields are in the "mmrecs" map */
};

/*
 * One page-allocator tracepoint hit: 32 bytes, because every byte is
 * written by one cpu and read by another. The cpu is not stored: each cpu
 * has its own ring. @info packs four bytes,
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
	__u64 ts_ns;	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC, ns; 0 = empty slot */
	__u32 pid;	/* current task's pid (thread id) */
	__u32 info;	/* see above */
	__u64 pfn;	/* page frame number */
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
	__u32 pid;
	__u32 info;	/* PAGEALLOC_EV_COMM or PAGEALLOC_EV_EXIT in the type byte */
	char comm[PAGEALLOC_COMM_LEN]; /* NUL-terminated unless 16 chars long */
};
_Static_assert(sizeof(struct pagealloc_comm_event) == 32, "pagealloc_comm_event is one slot");

/*
 * Events dropped on this cpu since its previous LOST slot, sent by the
 * next program that finds room in the ring, so the loss reaches the file
 * in its place among the cpu's events. ts_ns is the last drop's time.
 */
struct pagealloc_lost_event {
	__u64 ts_ns;	/* last_ns: the last dropped event's bpf_ktime_get_ns() */
	__u32 pad0;
	__u32 info;	/* PAGEALLOC_EV_LOST in the type byte */
	__u64 first_ns;	/* the first dropped event's time */
	__u64 count;	/* events dropped */
};
_Static_assert(sizeof(struct pagealloc_lost_event) == 32, "pagealloc_lost_event is one slot");

/*
 * A watermark recompute does not fit a slot, and is rare (a sysctl write,
 * memory appearing): its values go to entry (number % PAGEALLOC_WMARK_SLOTS)
 * of the mmap-able array "wmarks", and a slot of type PAGEALLOC_EV_WMARK
 * with pfn = number goes into the ring, committed after the entry was
 * filled. The loader reads the entry when it meets the slot; an entry whose
 * seq is not number + 1 was overwritten by a later recompute before the
 * loader came to it (more than PAGEALLOC_WMARK_SLOTS between two drains).
 */
#define PAGEALLOC_WMARK_SLOTS 64

struct pagealloc_wmark {
	__u64 seq;		/* number + 1 of the recompute written here; 0 = none */
	__u64 min, low, high, promo; /* zone->_watermark[], pages */
	__u32 node;
	__u32 pad;
	char zone[16];		/* zone name, NUL-terminated */
};
_Static_assert(sizeof(struct pagealloc_wmark) == 64, "pagealloc_wmark has a hole");

/*
 * The reclaim and compaction tracepoints (tracefmt types 16-35) are rare
 * but carry up to six fields, more than a slot holds: as for watermarks,
 * the fields go to entry (number % PAGEALLOC_MM_SLOTS) of the mmap-able
 * array "mmrecs" and a PAGEALLOC_EV_MM slot with pfn = number and arg =
 * the type goes into the ring, committed after the entry. An entry whose
 * seq is not number + 1 was overwritten before the loader read it: the
 * loader counts it as a lost event of the slot's cpu. A compaction of a
 * whole 24 GiB host fires ~3,300 of them within 3 ms, hence 16384 entries
 * (1 MiB).
 */
#define PAGEALLOC_MM_SLOTS 16384
#define PAGEALLOC_MM_ARGS 6

struct pagealloc_mm {
	__u64 seq;		/* number + 1 of the hit written here; 0 = being written */
	__u32 type;		/* tracefmt type, 16-35 */
	__u32 pad;
	__u64 args[PAGEALLOC_MM_ARGS]; /* the tracepoint's fields in FORMAT.md's order;
					  ints sign-extended */
};
_Static_assert(sizeof(struct pagealloc_mm) == 64, "pagealloc_mm has a hole");

/* Slots a producer leaves free for programs that interrupt it on its cpu. */
#define PAGEALLOC_NEST_MARGIN 8

/*
 * Per-cpu state: entry <cpu> of the mmap-able array "cpu_state". The first
 * cache line is written by that cpu's programs only, the second by the
 * loader only. The loader reads the drop counters and writes tail through
 * the mapping, not with map syscalls, because the kernel skips BPF programs
 * on a cpu while such a syscall runs there (and would drop events it
 * caused).
 */
struct pagealloc_cpu_state {
	__u64 head;	    /* slots reserved on this cpu, ever */
	__u64 dropped;	    /* page events the ring had no room for, ever */
	__u64 exit_gen;	    /* exits seen when last_pid was recorded */
	__u32 last_pid;	    /* pid of this cpu's previous page event */
	__u32 pad;
	__u64 dropped_sent; /* of dropped: reported in LOST slots */
	__u64 drop_first_ns; /* time of the first drop not yet reported; 0 = none */
	__u64 drop_last_ns; /* time of the latest drop */
	__u64 pad2;
	__u64 tail;	    /* slots the loader has read and cleared, ever */
	__u64 pad3[7];
};
_Static_assert(sizeof(struct pagealloc_cpu_state) == 128, "pagealloc_cpu_state is two cache lines");

#endif /* BUDDYSCOPE_PAGEALLOC_EVENT_H */
