// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Counts the kmem page events that can change a buddy free-list count, for
 * the snapshot test's tolerance: while the test reads /proc/pagetypeinfo,
 * takes the snapshot and reads pagetypeinfo again, every change to a list
 * count comes from one of these (or from the operations of spec section
 * 6.6 that have no event, which this test host does not run: no compaction
 * under its load, page reporting off, no hotplug). Independent of the code
 * under test: classic tracepoints and plain counters. Pages the compaction
 * free scanner takes off the lists (no kmem event, spec 6.6 item 1) are
 * counted from its own tracepoints' nr_taken.
 *
 * While log_armed is set, every event also goes into the ring buffer "log"
 * (type, pfn, order, migratetype, time), for the test that replays the
 * first buddy takes after the snapshot against the snapshot's list order.
 */
#include "vmlinux_min.h"

#include <bpf/bpf_helpers.h>

#include "activity.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define ACT_MAX_ZONES 32

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20);
} events_log SEC(".maps");

__u32 log_armed;
__u64 log_dropped;

/* kmem:mm_page_alloc_zone_locked and mm_page_pcpu_drain (spec 6.1). */
struct order_mt_rec {
	__u64 common;
	__u64 pfn;
	__u32 order;
	__s32 mt;
};

/* kmem:mm_page_alloc (spec 6.1). */
struct alloc_rec {
	__u64 common;
	__u64 pfn;
	__u32 order;
	__u32 pad;
	__u64 gfp;
	__s32 mt;
};

static __always_inline void log_event(__u32 type, __u64 pfn, __u32 order, __s32 mt)
{
	struct act_log *e;

	if (!log_armed)
		return;
	e = bpf_ringbuf_reserve(&events_log, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&log_dropped, 1);
		return;
	}
	e->ts = bpf_ktime_get_ns();
	e->pfn = pfn;
	e->type = type;
	e->order = order;
	e->mt = mt;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

__u64 n_alloc;
__u64 n_free;
__u64 n_free_batched;
__u64 n_zone_locked;
__u64 n_pcpu_drain;
__u64 n_extfrag;
__u64 n_compaction_taken;

/*
 * The same weight per zone (the zone whose pfn range holds the event's
 * pfn): a list count of one zone only moves with events of that zone.
 * Zone ranges are set by the test before attaching.
 */
__u64 zone_lo[ACT_MAX_ZONES];
__u64 zone_hi[ACT_MAX_ZONES];
__u32 nr_zones;
__u64 zone_weight[ACT_MAX_ZONES];

/* Every kmem page event has its pfn at offset 8 (spec section 6.1). */
struct page_rec {
	__u64 common;
	__u64 pfn;
};

static __always_inline void weigh(__u64 pfn, __u64 w)
{
	__u32 i;

	for (i = 0; i < ACT_MAX_ZONES; i++) {
		if (i >= nr_zones)
			break;
		if (pfn >= zone_lo[i] && pfn < zone_hi[i]) {
			__sync_fetch_and_add(&zone_weight[i], w);
			return;
		}
	}
}

/* compaction:mm_compaction_isolate_template, per its format file. */
struct isolate_rec {
	__u64 common;
	__u64 start_pfn;
	__u64 end_pfn;
	__u64 nr_scanned;
	__u64 nr_taken;
};

SEC("tp/kmem/mm_page_alloc")
int count_alloc(struct alloc_rec *ctx)
{
	__sync_fetch_and_add(&n_alloc, 1);
	log_event(1, ctx->pfn, ctx->order, ctx->mt);
	return 0;
}

SEC("tp/kmem/mm_page_free")
int count_free(struct order_mt_rec *ctx)
{
	__sync_fetch_and_add(&n_free, 1);
	weigh(ctx->pfn, 1);
	log_event(2, ctx->pfn, ctx->order, -1); /* mm_page_free has no migratetype */
	return 0;
}

SEC("tp/kmem/mm_page_free_batched")
int count_free_batched(struct page_rec *ctx)
{
	__sync_fetch_and_add(&n_free_batched, 1);
	log_event(3, ctx->pfn, 0, -1);
	return 0;
}

SEC("tp/kmem/mm_page_alloc_zone_locked")
int count_zone_locked(struct order_mt_rec *ctx)
{
	__sync_fetch_and_add(&n_zone_locked, 1);
	weigh(ctx->pfn, 1);
	log_event(4, ctx->pfn, ctx->order, ctx->mt);
	return 0;
}

SEC("tp/kmem/mm_page_pcpu_drain")
int count_pcpu_drain(struct order_mt_rec *ctx)
{
	__sync_fetch_and_add(&n_pcpu_drain, 1);
	weigh(ctx->pfn, 1);
	log_event(5, ctx->pfn, ctx->order, ctx->mt);
	return 0;
}

SEC("tp/kmem/mm_page_alloc_extfrag")
int count_extfrag(struct page_rec *ctx)
{
	__sync_fetch_and_add(&n_extfrag, 1);
	weigh(ctx->pfn, 512);
	log_event(6, ctx->pfn, 0, -1);
	return 0;
}

SEC("tp/compaction/mm_compaction_isolate_freepages")
int count_isolate_free(struct isolate_rec *ctx)
{
	__sync_fetch_and_add(&n_compaction_taken, ctx->nr_taken);
	weigh(ctx->start_pfn, ctx->nr_taken);
	return 0;
}

SEC("tp/compaction/mm_compaction_fast_isolate_freepages")
int count_fast_isolate_free(struct isolate_rec *ctx)
{
	__sync_fetch_and_add(&n_compaction_taken, ctx->nr_taken);
	weigh(ctx->start_pfn, ctx->nr_taken);
	return 0;
}
