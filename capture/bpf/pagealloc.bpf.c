/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The six kmem page tracepoints, recorded into this cpu's slot ring as
 * struct pagealloc_event (see ../pagealloc_event.h for the ring), plus the
 * pid -> command name records that let reports name who allocates.
 *
 * Cost is what matters here: the allocator fires millions of times a second.
 * So each hit fills one 32-byte slot of a plain mmap-able array: a
 * fetch-and-add reserves it and an exchange of its timestamp commits it,
 * where the kernel's BPF ring buffer takes a spinlock with interrupts off
 * and writes a header per record (~30 ns more per hit here). Nothing wakes
 * the loader; it polls. The command name is sent only when the pid on this
 * cpu differs from the previous page event's pid, not per event; the loader
 * keeps the "already written" set. A full ring bumps this cpu's dropped
 * counter and notes the time; the next program that finds room sends a
 * LOST slot with the count and the window (first and last drop), so the
 * lost-event record lands among the cpu's events: loss is never silent.
 *
 * Two sets of programs record the same events; the loader attaches one.
 * Raw tracepoints (raw_tp/, the default) get the tracepoint's arguments
 * as they are, struct page * included, without the kernel assembling a
 * perf trace record first; the pfn is (page - vmemmap_base) / sizeof(struct
 * page), with the base measured by the loader (calib_page/calib_pfn see the
 * same allocations of the loader's thread through both kinds of
 * tracepoint). Classic tracepoints (tp/kmem/...) carry the pfn in their
 * record; they are the fallback when that measurement fails, and always
 * record mm_page_alloc_extfrag, whose change_ownership the kernel computes
 * while building the record. kprobes and fentry are not available on the
 * target hosts.
 *
 * The kernel does not run a program for a hit that nests in a running BPF
 * program it may not interrupt (classic: any BPF program on the cpu; raw:
 * the same program); it counts those per program (recursion_misses), and
 * the loader reports them as lost. Raw programs of other tracepoints do
 * nest (an interrupt freeing pages during an allocation's program): those
 * events are recorded, up to a few hundred ns out of order in their cpu's
 * ring.
 *
 * The licence is GPL-compatible because bpf_ktime_get_ns is a GPL-only
 * helper.
 */
#ifdef BUDDYSCOPE_BPF_FULL_VMLINUX
#include "vmlinux.h"
#else
#include "vmlinux_min.h"
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "pagealloc_event.h"
#include "vmemmap_calib.bpf.h" /* calib_page, calib_pfn: the vmemmap base */

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* log2 of the slots per cpu; set before load. */
const volatile __u32 slot_shift = 16;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the loader sets it to possible cpus << slot_shift */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct pagealloc_event);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the loader sets it to the number of possible cpus */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct pagealloc_cpu_state);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAGEALLOC_WMARK_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct pagealloc_wmark);
} wmarks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAGEALLOC_MM_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct pagealloc_mm);
} mmrecs SEC(".maps");

/* Reclaim and compaction hits seen, ever. */
__u64 mm_count;

/* Watermark recomputes seen, ever (each zone's counts one). */
__u64 wmark_count;

/*
 * Bumped at every task exit so that every cpu re-sends the name of its next
 * pid: a pid can be reused by an unrelated task. It starts at 1 so the
 * zeroed per-cpu state never matches and the first pid (even 0) is named.
 */
__u64 exit_gen = 1;

/*
 * struct page * -> pfn for the raw programs, written by the loader before
 * it attaches them: the struct page * of pfn 0, and log2(sizeof(struct
 * page)) when that is a power of two (else 0, and the pfn is divided).
 */
__u64 vmemmap_base;
__u32 page_shift;

/*
 * The thread id. Classic tracepoint programs may not read the record's
 * common header (common_pid), so it comes from the helper.
 */
static __always_inline __u32 current_pid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/*
 * Reserve the next slot of @cpu's ring, or NULL when it is full. Nested
 * programs may take slots between the look at the fill and the
 * reservation: the margin keeps them from reaching the loader's.
 */
static __always_inline void *slot_try_reserve(struct pagealloc_cpu_state *st, __u32 cpu,
					      __u64 margin)
{
	__u64 size = 1ull << slot_shift, idx;
	__u32 key;

	if (st->head - *(volatile __u64 *)&st->tail > size - margin)
		return NULL;
	idx = __sync_fetch_and_add(&st->head, 1);
	key = cpu << slot_shift | (__u32)(idx & (size - 1));
	/* Never NULL: the loader sized the map for every possible cpu. */
	return bpf_map_lookup_elem(&slots, &key);
}

/* Commit a filled slot: its timestamp goes in last, with a full barrier. */
static __always_inline void slot_commit(__u64 *ts_slot, __u64 ts)
{
	__sync_lock_test_and_set(ts_slot, ts);
}

/* Count an event the ring had no room for, with its time for the window. */
static __always_inline void drop_count(struct pagealloc_cpu_state *st, __u64 ts)
{
	if (!st->drop_first_ns)
		st->drop_first_ns = ts;
	st->drop_last_ns = ts;
	st->dropped++;
}

/*
 * Report this cpu's drops since its last LOST slot, now that the ring has
 * room again (one slot more than an event needs, so the event behind it
 * still fits). The first drop's time is taken before the count, so a drop
 * by a program nested in this one lands in this window or the next: a
 * window always covers its events, and is at worst wider than they are.
 */
static __always_inline void send_lost(struct pagealloc_cpu_state *st, __u32 cpu)
{
	struct pagealloc_lost_event *l;
	__u64 n;

	l = slot_try_reserve(st, cpu, PAGEALLOC_NEST_MARGIN + 1);
	if (!l)
		return;
	l->first_ns = __sync_lock_test_and_set(&st->drop_first_ns, 0);
	n = st->dropped;
	l->count = n - st->dropped_sent;
	st->dropped_sent = n;
	l->pad0 = 0;
	l->info = PAGEALLOC_EV_LOST;
	if (!l->first_ns)
		l->first_ns = st->drop_last_ns;
	slot_commit(&l->ts_ns, st->drop_last_ns);
}

static __always_inline void *slot_reserve(struct pagealloc_cpu_state *st, __u32 cpu, __u64 ts)
{
	void *slot;

	if (st->dropped != st->dropped_sent)
		send_lost(st, cpu);
	slot = slot_try_reserve(st, cpu, PAGEALLOC_NEST_MARGIN);
	if (!slot)
		drop_count(st, ts);
	return slot;
}

static __always_inline void send_comm(struct pagealloc_cpu_state *st, __u32 cpu, __u32 type,
				      __u32 pid, __u64 ts)
{
	struct pagealloc_comm_event *c = slot_reserve(st, cpu, ts);

	if (!c)
		return;
	c->info = type;
	c->pid = pid;
	if (type == PAGEALLOC_EV_COMM)
		bpf_get_current_comm(c->comm, sizeof(c->comm));
	else
		__builtin_memset(c->comm, 0, sizeof(c->comm));
	slot_commit(&c->ts_ns, ts);
}

/*
 * Record one page event on this cpu's ring, sending the current task's
 * command name first when this cpu last saw another pid (or a task has
 * exited since). The timestamp is taken first, so an event recorded by a
 * program that interrupts this one is stamped after it.
 */
static __always_inline int emit(__u64 pfn, __u32 info, __u32 arg)
{
	struct pagealloc_cpu_state *st;
	struct pagealloc_event *e;
	__u64 ts = bpf_ktime_get_ns();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 pid = current_pid();
	__u64 gen = exit_gen;

	st = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (!st)
		return 0;
	if (st->last_pid != pid || st->exit_gen != gen) {
		send_comm(st, cpu, PAGEALLOC_EV_COMM, pid, ts);
		st->last_pid = pid;
		st->exit_gen = gen;
	}
	e = slot_reserve(st, cpu, ts);
	if (!e)
		return 0;
	e->pid = pid;
	e->info = info;
	e->pfn = pfn;
	e->arg = arg;
	e->pad = 0;
	slot_commit(&e->ts_ns, ts);
	return 0;
}

/* The pfn of a raw tracepoint's struct page * argument (~0 for NULL, as the kernel's). */
static __always_inline __u64 page_pfn(__u64 page)
{
	__u64 off = page - vmemmap_base;

	if (!page)
		return ~0ull;
	if (page_shift)
		return off >> page_shift;
	return off / bpf_core_type_size(struct page);
}

/* Raw tracepoints: ctx[] are the arguments of the kernel's trace_mm_*() call. */

SEC("raw_tp/mm_page_alloc") /* page, order, gfp_flags, migratetype */
int raw_alloc(__u64 *ctx)
{
	return emit(page_pfn(ctx[0]),
		    PAGEALLOC_INFO(PAGEALLOC_EV_ALLOC, ctx[1], (int)ctx[3], 0), (__u32)ctx[2]);
}

SEC("raw_tp/mm_page_free") /* page, order */
int raw_free(__u64 *ctx)
{
	return emit(page_pfn(ctx[0]), PAGEALLOC_INFO(PAGEALLOC_EV_FREE, ctx[1], 0, 0), 0);
}

SEC("raw_tp/mm_page_free_batched") /* page */
int raw_free_batched(__u64 *ctx)
{
	return emit(page_pfn(ctx[0]), PAGEALLOC_INFO(PAGEALLOC_EV_FREE_BATCHED, 0, 0, 0), 0);
}

SEC("raw_tp/mm_page_alloc_zone_locked") /* page, order, migratetype, percpu_refill */
int raw_zone_locked(__u64 *ctx)
{
	return emit(page_pfn(ctx[0]),
		    PAGEALLOC_INFO(PAGEALLOC_EV_ZONE_LOCKED, ctx[1], (int)ctx[2], ctx[3]), 0);
}

SEC("raw_tp/mm_page_pcpu_drain") /* page, order, migratetype */
int raw_pcpu_drain(__u64 *ctx)
{
	return emit(page_pfn(ctx[0]),
		    PAGEALLOC_INFO(PAGEALLOC_EV_PCPU_DRAIN, ctx[1], (int)ctx[2], 0), 0);
}

/* Classic tracepoints: the kernel's trace record, pfn included. */

SEC("tp/kmem/mm_page_alloc")
int handle_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	return emit(ctx->pfn, PAGEALLOC_INFO(PAGEALLOC_EV_ALLOC, ctx->order, ctx->migratetype, 0),
		    (__u32)ctx->gfp_flags);
}

SEC("tp/kmem/mm_page_free")
int handle_free(struct trace_event_raw_mm_page_free *ctx)
{
	return emit(ctx->pfn, PAGEALLOC_INFO(PAGEALLOC_EV_FREE, ctx->order, 0, 0), 0);
}

SEC("tp/kmem/mm_page_free_batched")
int handle_free_batched(struct trace_event_raw_mm_page_free_batched *ctx)
{
	return emit(ctx->pfn, PAGEALLOC_INFO(PAGEALLOC_EV_FREE_BATCHED, 0, 0, 0), 0);
}

SEC("tp/kmem/mm_page_alloc_zone_locked")
int handle_zone_locked(struct trace_event_raw_mm_page *ctx)
{
	return emit(ctx->pfn, PAGEALLOC_INFO(PAGEALLOC_EV_ZONE_LOCKED, ctx->order,
					     ctx->migratetype, ctx->percpu_refill), 0);
}

SEC("tp/kmem/mm_page_pcpu_drain")
int handle_pcpu_drain(struct trace_event_raw_mm_page_pcpu_drain *ctx)
{
	return emit(ctx->pfn,
		    PAGEALLOC_INFO(PAGEALLOC_EV_PCPU_DRAIN, ctx->order, ctx->migratetype, 0), 0);
}

SEC("tp/kmem/mm_page_alloc_extfrag")
int handle_extfrag(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	return emit(ctx->pfn,
		    PAGEALLOC_INFO(PAGEALLOC_EV_EXTFRAG, ctx->alloc_order, ctx->alloc_migratetype,
				   ctx->change_ownership),
		    ((__u32)ctx->fallback_order & 0xff) |
			    ((__u32)ctx->fallback_migratetype & 0xff) << 8);
}

/*
 * Watermarks of one zone, just recomputed (with the zone lock held): the
 * values into the side table, then a slot naming the entry (see
 * pagealloc_event.h). The free-list snapshot's walker attaches to the same
 * tracepoint as a raw program; both run, one after the other.
 */
SEC("tp/kmem/mm_setup_per_zone_wmarks")
int handle_wmarks(struct trace_event_raw_mm_setup_per_zone_wmarks *ctx)
{
	__u64 n = __sync_fetch_and_add(&wmark_count, 1);
	__u32 key = (__u32)(n % PAGEALLOC_WMARK_SLOTS);
	struct pagealloc_wmark *w = bpf_map_lookup_elem(&wmarks, &key);
	__u32 loc;

	if (!w)
		return 0;
	w->seq = 0;
	w->node = (__u32)ctx->node_id;
	w->pad = 0;
	w->min = ctx->watermark_min;
	w->low = ctx->watermark_low;
	w->high = ctx->watermark_high;
	w->promo = ctx->watermark_promo;
	loc = ctx->__data_loc_name;
	bpf_probe_read_kernel_str(w->zone, sizeof(w->zone), (void *)ctx + (loc & 0xffff));
	__sync_lock_test_and_set(&w->seq, n + 1);
	return emit(n, PAGEALLOC_INFO(PAGEALLOC_EV_WMARK, 0, 0, 0), 0);
}

/*
 * Reclaim and compaction (format 1.4): rare, so they take the side table
 * (pagealloc_event.h) and leave the page events' path as it was. @type is
 * the tracefmt type; the arguments are the tracepoint's fields in
 * FORMAT.md's order, ints sign-extended.
 */
static __always_inline int emit_mm(__u32 type, __s64 a0, __s64 a1, __s64 a2, __s64 a3, __s64 a4,
				   __s64 a5)
{
	__u64 n = __sync_fetch_and_add(&mm_count, 1);
	__u32 key = (__u32)(n % PAGEALLOC_MM_SLOTS);
	struct pagealloc_mm *m = bpf_map_lookup_elem(&mmrecs, &key);

	if (!m)
		return 0;
	m->seq = 0;
	m->type = type;
	m->pad = 0;
	m->args[0] = a0;
	m->args[1] = a1;
	m->args[2] = a2;
	m->args[3] = a3;
	m->args[4] = a4;
	m->args[5] = a5;
	__sync_lock_test_and_set(&m->seq, n + 1);
	return emit(n, PAGEALLOC_INFO(PAGEALLOC_EV_MM, 0, 0, 0), type);
}

/* tracefmt types (traces/tracefmt.h enum tracefmt_type); the loader checks them by name. */
SEC("tp/vmscan/mm_vmscan_wakeup_kswapd")
int vmscan_wakeup_kswapd(struct trace_event_raw_mm_vmscan_wakeup_kswapd *ctx)
{
	return emit_mm(16, ctx->nid, ctx->zid, ctx->order, ctx->gfp_flags, 0, 0);
}

SEC("tp/vmscan/mm_vmscan_kswapd_wake")
int vmscan_kswapd_wake(struct trace_event_raw_mm_vmscan_kswapd_wake *ctx)
{
	return emit_mm(17, ctx->nid, ctx->zid, ctx->order, 0, 0, 0);
}

SEC("tp/vmscan/mm_vmscan_kswapd_sleep")
int vmscan_kswapd_sleep(struct trace_event_raw_mm_vmscan_kswapd_sleep *ctx)
{
	return emit_mm(18, ctx->nid, 0, 0, 0, 0, 0);
}

SEC("tp/vmscan/mm_vmscan_direct_reclaim_begin")
int vmscan_direct_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	return emit_mm(19, ctx->order, ctx->gfp_flags, 0, 0, 0, 0);
}

SEC("tp/vmscan/mm_vmscan_direct_reclaim_end")
int vmscan_direct_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return emit_mm(20, ctx->nr_reclaimed, 0, 0, 0, 0, 0);
}

SEC("tp/compaction/mm_compaction_begin")
int compaction_begin(struct trace_event_raw_mm_compaction_begin *ctx)
{
	return emit_mm(21, ctx->zone_start, ctx->migrate_pfn, ctx->free_pfn, ctx->zone_end,
		       ctx->sync, 0);
}

SEC("tp/compaction/mm_compaction_end")
int compaction_end(struct trace_event_raw_mm_compaction_end *ctx)
{
	return emit_mm(22, ctx->zone_start, ctx->migrate_pfn, ctx->free_pfn, ctx->zone_end,
		       ctx->sync, ctx->status);
}

#define COMPACTION_ISOLATE(type, name)                                                     \
	SEC("tp/compaction/mm_compaction_" #name)                                           \
	int compaction_##name(struct trace_event_raw_mm_compaction_isolate_template *ctx)  \
	{                                                                                   \
		return emit_mm(type, ctx->start_pfn, ctx->end_pfn, ctx->nr_scanned,         \
			       ctx->nr_taken, 0, 0);                                        \
	}
COMPACTION_ISOLATE(23, isolate_migratepages)
COMPACTION_ISOLATE(24, isolate_freepages)
COMPACTION_ISOLATE(25, fast_isolate_freepages)

SEC("tp/compaction/mm_compaction_migratepages")
int compaction_migratepages(struct trace_event_raw_mm_compaction_migratepages *ctx)
{
	return emit_mm(26, ctx->nr_migrated, ctx->nr_failed, 0, 0, 0, 0);
}

#define COMPACTION_RESULT(type, name)                                                      \
	SEC("tp/compaction/mm_compaction_" #name)                                           \
	int compaction_##name(struct trace_event_raw_mm_compaction_suitable_template *ctx) \
	{                                                                                   \
		return emit_mm(type, ctx->nid, ctx->idx, ctx->order, ctx->ret, 0, 0);       \
	}
COMPACTION_RESULT(27, finished)
COMPACTION_RESULT(28, suitable)

#define COMPACTION_DEFER(type, name)                                                       \
	SEC("tp/compaction/mm_compaction_" #name)                                           \
	int compaction_##name(struct trace_event_raw_mm_compaction_defer_template *ctx)    \
	{                                                                                   \
		return emit_mm(type, ctx->nid, ctx->idx, ctx->order, ctx->considered,       \
			       ctx->defer_shift, ctx->order_failed);                        \
	}
COMPACTION_DEFER(29, deferred)
COMPACTION_DEFER(30, defer_compaction)
COMPACTION_DEFER(31, defer_reset)

#define KCOMPACTD_WAKE(type, name)                                                         \
	SEC("tp/compaction/mm_compaction_" #name)                                           \
	int compaction_##name(struct trace_event_raw_kcompactd_wake_template *ctx)         \
	{                                                                                   \
		return emit_mm(type, ctx->nid, ctx->order, ctx->highest_zoneidx, 0, 0, 0);  \
	}
KCOMPACTD_WAKE(32, kcompactd_wake)
KCOMPACTD_WAKE(33, wakeup_kcompactd)

SEC("tp/compaction/mm_compaction_kcompactd_sleep")
int compaction_kcompactd_sleep(struct trace_event_raw_mm_compaction_kcompactd_sleep *ctx)
{
	return emit_mm(34, ctx->nid, 0, 0, 0, 0, 0);
}

SEC("tp/compaction/mm_compaction_try_to_compact_pages")
int compaction_try_to_compact_pages(struct trace_event_raw_mm_compaction_try_to_compact_pages *ctx)
{
	return emit_mm(35, ctx->order, ctx->gfp_mask, ctx->prio, 0, 0, 0);
}

/* exec changes the command name under the same pid: send the new one. */
SEC("tp/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct pagealloc_cpu_state *st = bpf_map_lookup_elem(&cpu_state, &cpu);

	if (st)
		send_comm(st, cpu, PAGEALLOC_EV_COMM, current_pid(), bpf_ktime_get_ns());
	return 0;
}

/* An exited pid may come back as another task: let the loader forget it. */
SEC("tp/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct pagealloc_cpu_state *st = bpf_map_lookup_elem(&cpu_state, &cpu);

	__sync_fetch_and_add(&exit_gen, 1);
	if (st)
		send_comm(st, cpu, PAGEALLOC_EV_EXIT, current_pid(), bpf_ktime_get_ns());
	return 0;
}
