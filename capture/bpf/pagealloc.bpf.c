/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The six kmem page tracepoints, recorded into this cpu's BPF ring buffer
 * as struct pagealloc_event (see ../pagealloc_event.h), plus the pid ->
 * command name records that let reports name who allocates.
 *
 * Cost is what matters here: the allocator fires millions of times a second.
 * So each hit is one reserve + submit of a 32-byte record, with no wakeup
 * unless the buffer is filling (the loader polls on a timer instead of being
 * woken per record), and the command name is sent only when the pid on this
 * cpu differs from the previous page event's pid, not per event. The loader
 * keeps the "already written" set. A failed reserve bumps this cpu's
 * dropped counter, which the loader turns into lost-event records: loss is
 * never silent.
 *
 * The licence is GPL-compatible because bpf_ktime_get_ns and the ring buffer
 * helpers are GPL-only helpers. Classic tracepoints (tp/) are used because
 * their records carry the pfn; kprobes and fentry are not available on the
 * target hosts. The kernel does not run these programs for a hit that nests
 * in a running BPF program on the same cpu; it counts those per program
 * (recursion_misses), and the loader reports them as lost.
 */
#ifdef BUDDYSCOPE_BPF_FULL_VMLINUX
#include "vmlinux.h"
#else
#include "vmlinux_min.h"
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "pagealloc_event.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Ask for a wakeup only when this many bytes wait; set before load. */
const volatile __u64 targ_wakeup_bytes = 1 << 20;

/*
 * One ring buffer per cpu, so producers on different cpus never share a
 * lock or a cache line; the loader creates them (its --buffer-mib size
 * each) and merges their records by timestamp.
 */
struct ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16); /* template only */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* the loader sets it to the number of possible cpus */
	__type(key, __u32);
	__array(values, struct ringbuf_map);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the loader sets it to the number of possible cpus */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct pagealloc_cpu_state);
} cpu_state SEC(".maps");

/*
 * Bumped at every task exit so that every cpu re-sends the name of its next
 * pid: a pid can be reused by an unrelated task. It starts at 1 so the
 * zeroed per-cpu state never matches and the first pid (even 0) is named.
 */
__u64 exit_gen = 1;

/*
 * The thread id. Classic tracepoint programs may not read the record's
 * common header (common_pid), so it comes from the helper.
 */
static __always_inline __u32 current_pid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline __u64 submit_flags(void *rb)
{
	return bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= targ_wakeup_bytes ?
		       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void send_comm(void *rb, __u32 type, __u32 pid)
{
	struct pagealloc_comm_event *c;

	c = bpf_ringbuf_reserve(rb, sizeof(*c), 0);
	if (!c)
		return;
	c->info = type;
	c->pid = pid;
	c->pad = 0;
	c->ts_ns = bpf_ktime_get_ns();
	if (type == PAGEALLOC_EV_COMM)
		bpf_get_current_comm(c->comm, sizeof(c->comm));
	else
		__builtin_memset(c->comm, 0, sizeof(c->comm));
	bpf_ringbuf_submit(c, BPF_RB_NO_WAKEUP);
}

/*
 * Reserve a page event for the current task, sending its command name
 * first when this cpu last saw another pid (or a task has exited since).
 */
static __always_inline struct pagealloc_event *event_start(__u32 pid, void **rbp)
{
	struct pagealloc_cpu_state *st;
	struct pagealloc_event *e;
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 gen = exit_gen;
	void *rb;

	st = bpf_map_lookup_elem(&cpu_state, &cpu);
	if (!st)
		return NULL;
	rb = bpf_map_lookup_elem(&rings, &cpu);
	if (!rb) {
		st->dropped++;
		return NULL;
	}
	if (st->last_pid != pid || st->exit_gen != gen) {
		send_comm(rb, PAGEALLOC_EV_COMM, pid);
		st->last_pid = pid;
		st->exit_gen = gen;
	}
	e = bpf_ringbuf_reserve(rb, sizeof(*e), 0);
	if (!e) {
		st->dropped++;
		return NULL;
	}
	*rbp = rb;
	e->pid = pid;
	e->ts_ns = bpf_ktime_get_ns();
	e->arg = 0;
	e->pad = 0;
	return e;
}

SEC("tp/kmem/mm_page_alloc")
int handle_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_ALLOC, ctx->order, ctx->migratetype, 0);
	e->arg = (__u32)ctx->gfp_flags;
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

SEC("tp/kmem/mm_page_free")
int handle_free(struct trace_event_raw_mm_page_free *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_FREE, ctx->order, 0, 0);
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

SEC("tp/kmem/mm_page_free_batched")
int handle_free_batched(struct trace_event_raw_mm_page_free_batched *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_FREE_BATCHED, 0, 0, 0);
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

SEC("tp/kmem/mm_page_alloc_zone_locked")
int handle_zone_locked(struct trace_event_raw_mm_page *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_ZONE_LOCKED, ctx->order, ctx->migratetype,
				 ctx->percpu_refill);
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

SEC("tp/kmem/mm_page_pcpu_drain")
int handle_pcpu_drain(struct trace_event_raw_mm_page_pcpu_drain *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_PCPU_DRAIN, ctx->order, ctx->migratetype, 0);
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

SEC("tp/kmem/mm_page_alloc_extfrag")
int handle_extfrag(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	void *rb;
	struct pagealloc_event *e = event_start(current_pid(), &rb);

	if (!e)
		return 0;
	e->pfn = ctx->pfn;
	e->info = PAGEALLOC_INFO(PAGEALLOC_EV_EXTFRAG, ctx->alloc_order, ctx->alloc_migratetype,
				 ctx->change_ownership);
	e->arg = ((__u32)ctx->fallback_order & 0xff) |
		 ((__u32)ctx->fallback_migratetype & 0xff) << 8;
	bpf_ringbuf_submit(e, submit_flags(rb));
	return 0;
}

/* exec changes the command name under the same pid: send the new one. */
SEC("tp/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&rings, &cpu);

	if (rb)
		send_comm(rb, PAGEALLOC_EV_COMM, current_pid());
	return 0;
}

/* An exited pid may come back as another task: let the loader forget it. */
SEC("tp/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&rings, &cpu);

	__sync_fetch_and_add(&exit_gen, 1);
	if (rb)
		send_comm(rb, PAGEALLOC_EV_EXIT, current_pid());
	return 0;
}
