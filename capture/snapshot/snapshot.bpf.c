// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The free-list snapshot walker. A write of vm.min_free_kbytes makes the
 * kernel recompute every zone's watermarks and fire
 * kmem:mm_setup_per_zone_wmarks once per zone, with that zone's lock held
 * and interrupts off; walk_zone() runs there and copies, for that zone,
 * every buddy free list (free_area[order].free_list[mt], head to tail) and
 * every CPU's pcp lists into the mmap-able array "entries" (layout in
 * snapshot_walk.h). Holding the zone lock makes each zone's buddy lists a
 * consistent instant; pcp lists belong to their CPUs and may change while
 * they are read, which the link checks below detect.
 *
 * Every loop is bounded: lists are walked with bpf_loop() up to the longest
 * the list can legally be (nr_free of the order, or the pcp's high plus
 * slack), never more than bpf_loop's own limit; a list that does not end
 * where it began within that bound is reported, never silently cut.
 *
 * calib_page()/calib_pfn() (../bpf/vmemmap_calib.bpf.h, shared with the
 * capture's program) see the same mm_page_alloc events of the loader's
 * thread as a struct page pointer (raw tracepoint) and as a pfn (classic
 * tracepoint); the loader derives the vmemmap base from the pairs.
 */
#include "vmlinux_min.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "snapshot_walk.h"
#include "vmemmap_calib.bpf.h" /* calib_page, calib_pfn: the vmemmap base */

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct snap_entry);
	__uint(max_entries, 1); /* resized by the loader before load */
} entries SEC(".maps");

/*
 * A one-element per-CPU array used only as a ruler: the address of its
 * element on a cpu minus the element's per-CPU pointer (bpf_array->pptrs[0])
 * is that cpu's per-CPU offset (__per_cpu_offset[cpu]). This kernel has no
 * per-CPU symbols in kallsyms, so a typed __ksym (this_cpu_off) cannot be
 * resolved at load time; the map needs no symbol at all.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} cpu_ruler SEC(".maps");

/* Set by the loader. */
__u32 target_tid;	/* only this thread's events and triggers count */
__u32 walk_armed;
__u32 nr_cpus;		/* possible cpus to walk pcp lists for */
__u32 cap_entries;	/* max_entries of "entries" */
__u64 vmemmap_base;	/* struct page * of pfn 0 */

/* Results. */
__u32 n_entries;
__u32 nr_zones;
__u32 output_full;
__u32 layout_unsupported; /* list node or private beyond SNAP_PAGE_WORDS */
__u32 nr_cpu_off;	/* cpus whose per-CPU offset is known */
__u64 cpu_off[SNAP_MAX_CPUS]; /* per-CPU offset of each cpu */
__u64 ruler_map;	/* address of cpu_ruler's struct bpf_array */
__u64 ruler_value;	/* a value address, as a number */
__u64 page_struct_size;
struct snap_zone zones[SNAP_MAX_ZONES];

struct walk {
	__u64 head;	   /* address of the list_head */
	__u64 cur;	   /* node being visited */
	__u64 prev;	   /* node visited before (head at first) */
	__u64 link_off;	   /* offset of the list node in struct page */
	__u64 private_off; /* offset of page->private */
	__u64 page_lo;	   /* struct page of the zone's first pfn */
	__u64 page_hi;	   /* ... and of its end */
	__u64 ts;	   /* start of the last attempt, ns */
	__u32 cap;	   /* most blocks the list can hold */
	__u32 pos;
	__u32 done;
	__u32 start;	   /* n_entries before the first attempt */
	__u32 tries;
	__u16 cpu;
	__u8 zone;
	__u8 order;
	__u8 list;
	__u8 kind;
	__u8 status;
	__u8 pad;
};

static __always_inline int self(void)
{
	return walk_armed && (__u32)bpf_get_current_pid_tgid() == target_tid;
}

static long list_step(__u32 i, struct walk *w)
{
	__u64 pg[SNAP_PAGE_WORDS]; /* the start of the struct page */
	__u64 page, next, prev;
	struct snap_entry *e;
	__u32 idx;

	if (w->cur == w->head) {
		w->done = 1;
		return 1;
	}
	if (w->pos >= w->cap) {
		w->status |= SNAP_LS_TOO_LONG;
		return 1;
	}
	/* Inside the zone's part of the memmap, on a struct page boundary. */
	page = w->cur - w->link_off;
	if (page < w->page_lo || page >= w->page_hi || (page - w->page_lo) % page_struct_size) {
		w->status |= SNAP_LS_OUT_OF_ZONE;
		return 1;
	}
	/* One read for the list node and private: a helper call per block. */
	if (bpf_probe_read_kernel(pg, sizeof(pg), (void *)page)) {
		w->status |= SNAP_LS_READ_FAULT;
		return 1;
	}
	next = pg[(w->link_off / 8) & (SNAP_PAGE_WORDS - 1)];
	prev = pg[(w->link_off / 8 + 1) & (SNAP_PAGE_WORDS - 1)];
	/* A node unlinked or moved since we stepped onto it breaks this. */
	if (prev != w->prev) {
		w->status |= SNAP_LS_BAD_LINK;
		return 1;
	}
	if (w->kind == SNAP_E_BUDDY &&
	    pg[(w->private_off / 8) & (SNAP_PAGE_WORDS - 1)] != w->order) {
		w->status |= SNAP_LS_ORDER_MISMATCH;
		return 1;
	}
	idx = n_entries;
	if (idx >= cap_entries) {
		w->status |= SNAP_LS_OUTPUT_FULL;
		return 1;
	}
	e = bpf_map_lookup_elem(&entries, &idx);
	if (!e) {
		w->status |= SNAP_LS_OUTPUT_FULL;
		return 1;
	}
	e->page = page;
	e->pos = w->pos;
	e->cpu = w->cpu;
	e->zone = w->zone;
	e->order = w->order;
	e->list = w->list;
	e->kind = w->kind;
	e->status = 0;
	e->tries = 0;
	e->dur_ns = 0;
	n_entries = idx + 1;
	w->prev = w->cur;
	w->cur = next;
	w->pos++;
	return 0;
}

/* One attempt at a list; stop retrying once it reads clean. */
static long list_try(__u32 t, struct walk *w)
{
	__u64 first;

	n_entries = w->start; /* rewind what an earlier attempt wrote */
	w->tries = t + 1;
	w->ts = bpf_ktime_get_ns();
	w->pos = 0;
	w->done = 0;
	w->status = 0;
	w->prev = w->head;
	if (bpf_probe_read_kernel(&first, sizeof(first), (void *)w->head)) {
		w->status |= SNAP_LS_READ_FAULT;
		return 1;
	}
	w->cur = first;
	bpf_loop(w->cap + 1, list_step, w, 0);
	if (!w->done && !w->status)
		w->status |= SNAP_LS_TOO_LONG;
	if (!w->status || (w->status & (SNAP_LS_OUTPUT_FULL | SNAP_LS_READ_FAULT)))
		return 1;
	return 0;
}

/*
 * Walk one list, retrying (rewound) while it changes under the walk. A
 * global function, so the verifier checks it once rather than at each of
 * its two call sites (that halves verification work); bpf_loop() wants its
 * context on this frame's stack, hence the copy.
 */
__noinline int list_walk(struct walk *arg)
{
	struct walk lw, *w = &lw;
	struct snap_entry *e;
	__u64 dur;
	__u32 idx;

	if (!arg)
		return 0;
	lw = *arg;
	w->start = n_entries;
	bpf_loop(SNAP_LIST_TRIES, list_try, w, 0);
	dur = bpf_ktime_get_ns() - w->ts;
	idx = n_entries;
	if (idx >= cap_entries) {
		output_full = 1;
		return 0;
	}
	e = bpf_map_lookup_elem(&entries, &idx);
	if (!e) {
		output_full = 1;
		return 0;
	}
	e->page = w->ts;
	e->pos = w->pos;
	e->cpu = w->cpu;
	e->zone = w->zone;
	e->order = w->order;
	e->list = w->list;
	e->kind = SNAP_E_LIST_END;
	e->status = w->status;
	e->tries = w->tries;
	e->dur_ns = dur > 0xffffffffull ? 0xffffffffu : (__u32)dur;
	n_entries = idx + 1;
	if (w->status & SNAP_LS_OUTPUT_FULL)
		output_full = 1;
	return 0;
}

struct zone_walk {
	__u64 zone;	   /* struct zone * */
	__u64 pcp;	   /* zone->per_cpu_pageset (per-CPU pointer) */
	__u32 slot;
	__u32 nr_mt;
	__u32 nr_lists;
	__u32 pcp_cpus;
};

static __always_inline __u32 loop_cap(__u64 n)
{
	return n >= SNAP_LOOP_MAX - 1 ? SNAP_LOOP_MAX - 1 : (__u32)n;
}

static __always_inline void zone_pages(struct walk *w, const struct snap_zone *z)
{
	w->page_lo = vmemmap_base + z->start_pfn * page_struct_size;
	w->page_hi = vmemmap_base + (z->start_pfn + z->spanned) * page_struct_size;
}

static long buddy_list_cb(__u32 i, struct zone_walk *zw)
{
	__u32 slot = zw->slot & (SNAP_MAX_ZONES - 1);
	struct snap_zone *z = &zones[slot];
	__u32 order = i / zw->nr_mt, mt = i % zw->nr_mt;
	struct walk w = {};
	__u64 fa;

	if (order >= SNAP_MAX_ORDERS)
		return 1;
	fa = zw->zone + bpf_core_field_offset(struct zone, free_area) +
	     order * bpf_core_type_size(struct free_area);
	w.head = fa + bpf_core_field_offset(struct free_area, free_list) +
		 mt * bpf_core_type_size(struct list_head);
	w.link_off = bpf_core_field_offset(struct page, buddy_list);
	w.private_off = bpf_core_field_offset(struct page, private);
	zone_pages(&w, z);
	/* Under the zone lock a list cannot hold more than its order's nr_free. */
	w.cap = loop_cap(z->nr_free[order] + 64);
	w.zone = slot;
	w.order = order;
	w.list = mt;
	w.kind = SNAP_E_BUDDY;
	list_walk(&w);
	return 0;
}

static long pcp_list_cb(__u32 i, struct zone_walk *zw)
{
	__u32 slot = zw->slot & (SNAP_MAX_ZONES - 1);
	struct snap_zone *z = &zones[slot];
	__u32 cpu = i / zw->nr_lists, li = i % zw->nr_lists;
	struct walk w = {};
	__u64 pcp;
	int count = 0, high = 0, batch = 0;

	if (cpu >= nr_cpu_off || cpu >= SNAP_MAX_CPUS)
		return 1;
	pcp = zw->pcp + cpu_off[cpu & (SNAP_MAX_CPUS - 1)];
	if (li == 0)
		zw->pcp_cpus = cpu + 1;
	bpf_probe_read_kernel(&count, sizeof(count),
			      (void *)(pcp + bpf_core_field_offset(struct per_cpu_pages, count)));
	bpf_probe_read_kernel(&high, sizeof(high),
			      (void *)(pcp + bpf_core_field_offset(struct per_cpu_pages, high)));
	bpf_probe_read_kernel(&batch, sizeof(batch),
			      (void *)(pcp + bpf_core_field_offset(struct per_cpu_pages, batch)));
	if (count < 0)
		count = 0;
	if (high < 0)
		high = 0;
	if (batch < 0)
		batch = 0;
	w.head = pcp + bpf_core_field_offset(struct per_cpu_pages, lists) +
		 li * bpf_core_type_size(struct list_head);
	w.link_off = bpf_core_field_offset(struct page, pcp_list);
	zone_pages(&w, z);
	/* The list may grow while read: allow up to high plus two batches. */
	w.cap = loop_cap((__u64)(count > high ? count : high) + 2 * (__u64)batch + 64);
	w.cpu = cpu;
	w.zone = slot;
	w.order = SNAP_ORDER_PCP;
	w.list = li;
	w.kind = SNAP_E_PCP;
	list_walk(&w);
	return 0;
}

static __always_inline __u64 read_u64(__u64 addr)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)addr);
	return v;
}

static long cpu_off_cb(__u32 cpu, __u64 *pptr)
{
	__u32 key = 0, i = cpu;
	void *v;

	if (cpu >= SNAP_MAX_CPUS)
		return 1;
	v = bpf_map_lookup_percpu_elem(&cpu_ruler, &key, cpu);
	if (!v)
		return 1; /* cpu >= nr_cpu_ids */
	/* Through a global, the pointer becomes a plain number. */
	ruler_value = (__u64)v;
	barrier_var(i);
	cpu_off[i & (SNAP_MAX_CPUS - 1)] = *(volatile __u64 *)&ruler_value - *pptr;
	nr_cpu_off = cpu + 1;
	return 0;
}

/* Fill cpu_off[] for cpus 0..nr_cpus-1 (once per trigger). */
static __always_inline void cpu_off_fill(void)
{
	__u64 pptr = 0;

	nr_cpu_off = 0;
	ruler_map = (__u64)&cpu_ruler;
	if (bpf_probe_read_kernel(&pptr, sizeof(pptr),
				 (void *)(*(volatile __u64 *)&ruler_map +
					  bpf_core_field_offset(struct bpf_array, pptrs))))
		return;
	bpf_loop(nr_cpus > SNAP_MAX_CPUS ? SNAP_MAX_CPUS : nr_cpus, cpu_off_cb, &pptr, 0);
}

SEC("raw_tp/mm_setup_per_zone_wmarks")
int walk_zone(__u64 *ctx)
{
	struct zone *zone = (struct zone *)ctx[0];
	struct zone_walk zw = {};
	struct snap_zone *z;
	__u64 pgdat, zones0, fa_size, nr_orders;
	__u32 slot, i, nr_pcp_lists;

	if (!self())
		return 0;
	page_struct_size = bpf_core_type_size(struct page);
	if (bpf_core_field_offset(struct page, buddy_list) + 16 > SNAP_PAGE_WORDS * 8 ||
	    bpf_core_field_offset(struct page, pcp_list) + 16 > SNAP_PAGE_WORDS * 8 ||
	    bpf_core_field_offset(struct page, private) + 8 > SNAP_PAGE_WORDS * 8) {
		layout_unsupported = 1;
		return 0;
	}
	slot = nr_zones;
	for (i = 0; i < SNAP_MAX_ZONES; i++) {
		if (i >= slot)
			break;
		if (zones[i].zone == (__u64)zone)
			return 0; /* fired twice for one zone in one trigger */
	}
	if (slot >= SNAP_MAX_ZONES)
		return 0;
	if (slot == 0)
		cpu_off_fill();
	nr_zones = slot + 1;
	z = &zones[slot];
	z->zone = (__u64)zone;
	z->ts_begin_ns = bpf_ktime_get_ns();
	z->node = BPF_CORE_READ(zone, node);
	z->start_pfn = BPF_CORE_READ(zone, zone_start_pfn);
	z->spanned = BPF_CORE_READ(zone, spanned_pages);
	z->present = BPF_CORE_READ(zone, present_pages);
	bpf_probe_read_kernel_str(z->name, sizeof(z->name), BPF_CORE_READ(zone, name));
	pgdat = (__u64)BPF_CORE_READ(zone, zone_pgdat);
	zones0 = pgdat + bpf_core_field_offset(struct pglist_data, node_zones);
	z->zone_idx = ((__u64)zone - zones0) / bpf_core_type_size(struct zone);
	z->nr_free_pages = read_u64((__u64)zone + bpf_core_field_offset(struct zone, vm_stat) +
				    bpf_core_enum_value(enum zone_stat_item, NR_FREE_PAGES) *
					    bpf_core_type_size(atomic_long_t));

	fa_size = bpf_core_type_size(struct free_area);
	nr_orders = bpf_core_field_size(struct zone, free_area) / fa_size;
	if (nr_orders > SNAP_MAX_ORDERS)
		nr_orders = SNAP_MAX_ORDERS;
	z->nr_orders = nr_orders;
	z->nr_mt = bpf_core_field_size(struct free_area, free_list) /
		   bpf_core_type_size(struct list_head);
	if (z->nr_mt > SNAP_MAX_MT)
		z->nr_mt = SNAP_MAX_MT;
	nr_pcp_lists = bpf_core_field_size(struct per_cpu_pages, lists) /
		       bpf_core_type_size(struct list_head);
	if (nr_pcp_lists > SNAP_MAX_PCP_LISTS)
		nr_pcp_lists = SNAP_MAX_PCP_LISTS;
	z->nr_pcp_lists = nr_pcp_lists;
	for (i = 0; i < SNAP_MAX_ORDERS; i++) {
		if (i >= nr_orders)
			break;
		z->nr_free[i] = read_u64((__u64)zone + bpf_core_field_offset(struct zone, free_area) +
					 i * fa_size +
					 bpf_core_field_offset(struct free_area, nr_free));
	}

	zw.zone = (__u64)zone;
	zw.slot = slot;
	zw.nr_mt = z->nr_mt;
	zw.nr_lists = nr_pcp_lists;
	zw.pcp = (__u64)BPF_CORE_READ(zone, per_cpu_pageset);
	if (z->spanned && zw.nr_mt) {
		bpf_loop(nr_orders * zw.nr_mt, buddy_list_cb, &zw, 0);
		if (zw.nr_lists && nr_cpus)
			bpf_loop((nr_cpus > SNAP_MAX_CPUS ? SNAP_MAX_CPUS : nr_cpus) * zw.nr_lists,
				 pcp_list_cb, &zw, 0);
	}
	z->pcp_cpus = zw.pcp_cpus;
	z->ts_end_ns = bpf_ktime_get_ns();
	return 0;
}
