// SPDX-License-Identifier: MIT
/*
 * The BPF method: load snapshot.bpf.c, measure the vmemmap base, trigger the
 * per-zone walk by rewriting vm.min_free_kbytes, and turn the walked entries
 * into trace records. The walk is repeated (up to max_attempts) while a
 * buddy list reads as changed under the walk, and the entry array is grown
 * and the walk redone if it ever fills up, so a snapshot is never cut short
 * silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hostinfo.h"
#include "snapshot_internal.h"
#include "snapshot_walk.h"
#include "vmemmap.h" /* before the skeleton: its bss holds a struct vmemmap_calib */
#include "snapshot_bpf.skel.h"

_Static_assert(sizeof(struct snap_entry) == 24, "snap_entry has no holes");
_Static_assert(sizeof(struct snap_zone) % 8 == 0, "snap_zone has no tail hole");

#define PCP_LOW_LISTS 12 /* MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1), spec 4.1 */
#define MIGRATE_MOVABLE 1

struct walk_run {
	struct snapshot_bpf *skel;
	struct snap_entry *entries; /* mmap of the "entries" map */
	size_t map_len;
	uint32_t cap;
	uint64_t t_begin;
	uint64_t t_end;
	struct sysinfo_pagetypeinfo pti;
	bool have_pti;
};

static void walk_run_release(struct walk_run *r)
{
	if (r->entries)
		munmap(r->entries, r->map_len);
	r->entries = NULL;
	snapshot_bpf__destroy(r->skel);
	r->skel = NULL;
}

/* Blocks in /proc/buddyinfo plus pcp pages in zoneinfo: what the walk will meet. */
static uint64_t expected_entries(struct snap_ctx *c)
{
	struct sysinfo_zoneinfo zi;
	uint64_t total = 0;
	char *buf;
	size_t len;

	if (!sysinfo_file_read(c->proc, "buddyinfo", &buf, &len, NULL)) {
		total += sysinfo_buddyinfo_blocks(buf, len, NULL);
		free(buf);
	}
	if (!sysinfo_zoneinfo_read(c->proc, "zoneinfo", &zi, NULL))
		for (uint32_t i = 0; i < zi.nr_zones; i++)
			for (uint32_t k = 0; k < zi.zones[i].nr_pcp; k++)
				if (zi.zones[i].pcp[k].count > 0)
					total += (uint64_t)zi.zones[i].pcp[k].count;
	sysinfo_zoneinfo_release(&zi);
	return total;
}

static int min_free_kbytes_rewrite(struct snap_ctx *c)
{
	char path[512], buf[64];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/sys/vm/min_free_kbytes", c->proc);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return snap_fail(c, -errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		ret = n < 0 ? -errno : -EIO;
		snap_fail(c, ret, "%s: cannot read the current value", path);
	} else if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, buf, (size_t)n) != n) {
		ret = -errno;
		snap_fail(c, ret, "%s: writing back %.*s: %s", path, (int)(n - 1), buf,
			  strerror(errno));
	}
	close(fd);
	return ret;
}

/* Make the kernel allocate pages for us and pair pointer with pfn (vmemmap.h). */
static int vmemmap_measure(struct snap_ctx *c, struct walk_run *r)
{
	struct snapshot_bpf__bss *bss = r->skel->bss;
	struct vmemmap_result res;
	int ret;

	ret = vmemmap_calibrate(&bss->calib, (size_t)sysconf(_SC_PAGESIZE), &res);
	c->st->page_struct_size = res.page_struct_size;
	if (!res.page_struct_size)
		return snap_fail(c, -ENOTSUP, "vmemmap calibration: no mm_page_alloc event seen");
	c->st->calib_pairs = res.pairs;
	c->st->calib_agree = res.agree;
	c->st->vmemmap_base = res.base;
	if (ret)
		return snap_fail(c, ret,
				 "vmemmap calibration: %u of %u page/pfn pairs agree (need %u and 3/4)",
				 res.agree, res.pairs, VMEMMAP_MIN_PAIRS);
	bss->vmemmap_base = res.base + c->test_base_skew;
	return 0;
}

/*
 * Every block must start on a pfn aligned to its order. A vmemmap base that
 * is off by some struct pages passes the walk's zone check but not this.
 */
static int walk_check_aligned(struct snap_ctx *c, const struct walk_run *r)
{
	const struct snapshot_bpf__bss *bss = r->skel->bss;
	uint32_t i;

	for (i = 0; i < bss->n_entries; i++) {
		const struct snap_entry *e = &r->entries[i];
		uint64_t pfn;

		if (e->kind != SNAP_E_BUDDY)
			continue;
		pfn = (e->page - bss->vmemmap_base) / bss->page_struct_size;
		if (e->order < 64 && (pfn & ((1ull << e->order) - 1)))
			return snap_fail(c, -EPROTO,
					 "vmemmap base 0x%llx inconsistent: free block at pfn %llu "
					 "misaligned for order %u",
					 (unsigned long long)bss->vmemmap_base,
					 (unsigned long long)pfn, e->order);
	}
	return 0;
}

static int walk_open(struct snap_ctx *c, struct walk_run *r, uint32_t cap)
{
	int ret;

	r->skel = snapshot_bpf__open();
	if (!r->skel)
		return snap_fail(c, -errno, "opening the snapshot BPF object: %s", strerror(errno));
	r->cap = cap;
	ret = bpf_map__set_max_entries(r->skel->maps.entries, cap);
	if (ret)
		return snap_fail(c, ret, "sizing the snapshot entry map: %s", strerror(-ret));
	ret = snapshot_bpf__load(r->skel);
	if (ret)
		return snap_fail(c, ret, "loading the snapshot BPF programs: %s", strerror(-ret));
	ret = snapshot_bpf__attach(r->skel);
	if (ret)
		return snap_fail(c, ret, "attaching the snapshot BPF programs: %s", strerror(-ret));
	r->map_len = (size_t)cap * sizeof(struct snap_entry);
	r->entries = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED,
			  bpf_map__fd(r->skel->maps.entries), 0);
	if (r->entries == MAP_FAILED) {
		r->entries = NULL;
		return snap_fail(c, -errno, "mapping the snapshot entries: %s", strerror(errno));
	}
	return 0;
}

/* Buddy lists whose last walk did not read clean. */
static uint32_t uncertain_buddy_lists(const struct walk_run *r, uint32_t n)
{
	uint32_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (r->entries[i].kind == SNAP_E_LIST_END && r->entries[i].status &&
		    r->entries[i].order != SNAP_ORDER_PCP)
			bad++;
	return bad;
}

/* One trigger: every zone walked once. */
static int walk_once(struct snap_ctx *c, struct walk_run *r)
{
	struct snapshot_bpf__bss *bss = r->skel->bss;
	int ret;

	bss->n_entries = 0;
	bss->nr_zones = 0;
	bss->output_full = 0;
	bss->layout_unsupported = 0;
	bss->cap_entries = r->cap;
	bss->nr_cpus = (uint32_t)libbpf_num_possible_cpus();
	memset(bss->zones, 0, sizeof(bss->zones));
	bss->target_tid = (uint32_t)syscall(SYS_gettid);
	__atomic_store_n(&bss->walk_armed, 1, __ATOMIC_SEQ_CST);
	r->t_begin = snap_now_ns();
	ret = min_free_kbytes_rewrite(c);
	r->t_end = snap_now_ns();
	__atomic_store_n(&bss->walk_armed, 0, __ATOMIC_SEQ_CST);
	if (ret)
		return ret;
	if (bss->layout_unsupported)
		return snap_fail(c, -ENOTSUP,
				 "struct page keeps its list node or private beyond its first %d "
				 "bytes on this kernel", SNAP_PAGE_WORDS * 8);
	if (!bss->nr_zones)
		return snap_fail(c, -ENOTSUP,
				 "kmem:mm_setup_per_zone_wmarks did not fire on a write of "
				 "vm.min_free_kbytes (kernel older than 6.15?)");
	if (bss->output_full)
		return -ENOSPC;
	return 0;
}

/* pcp list index -> order and migratetype (spec section 4.1). */
static void pcp_decode(uint32_t pindex, uint32_t nr_lists, uint32_t thp_order, uint32_t *order,
		       int32_t *mt, uint32_t *flags)
{
	if (pindex < PCP_LOW_LISTS) {
		*order = pindex / 3;
		*mt = (int32_t)(pindex % 3);
	} else if (nr_lists == PCP_LOW_LISTS + 2) {
		*order = thp_order;
		*mt = pindex == PCP_LOW_LISTS + 1 ? MIGRATE_MOVABLE : 0;
	} else {
		*order = thp_order;
		*mt = -1;
		*flags |= TRACEFMT_SNAP_MT_UNKNOWN;
	}
}

/*
 * When a group of lists was read: a zone's buddy lists (cpu
 * TRACEFMT_WALK_BUDDY_CPU) or one cpu's pcp lists of a zone. The entry
 * stream holds each group's lists together, so a group ends where the
 * zone, the kind or the cpu of the next list end changes.
 */
struct walk_group {
	int zone;		/* slot; -1 = none open */
	uint32_t cpu;
	uint32_t flags;
	uint64_t begin_ns, end_ns;
};

static int walk_group_flush(struct snap_ctx *c, const struct walk_run *r, struct walk_group *g,
			    const int *slot_to_stat)
{
	const struct snapshot_bpf__bss *bss = r->skel->bss;
	int ret = 0;

	if (g->zone < 0)
		return 0;
	if (g->cpu == TRACEFMT_WALK_BUDDY_CPU) {
		/* The zone lock is held for the whole of the zone's walk. */
		g->begin_ns = bss->zones[g->zone].ts_begin_ns;
		g->end_ns = bss->zones[g->zone].ts_end_ns;
		g->flags |= TRACEFMT_WALK_LOCKED;
	}
	ret = snap_emit_walk(c, &c->st->zones[slot_to_stat[g->zone]], g->cpu, g->flags,
			     g->begin_ns, g->end_ns);
	g->zone = -1;
	return ret;
}

/* Add the list that ends at @end to the open group, or flush it and open another. */
static int walk_group_add(struct snap_ctx *c, const struct walk_run *r, struct walk_group *g,
			  const struct snap_entry *end, const int *slot_to_stat)
{
	uint32_t cpu = end->order == SNAP_ORDER_PCP ? end->cpu : TRACEFMT_WALK_BUDDY_CPU;
	uint64_t list_end = end->page + end->dur_ns;
	int ret = 0;

	if (g->zone != end->zone || g->cpu != cpu) {
		ret = walk_group_flush(c, r, g, slot_to_stat);
		g->zone = end->zone;
		g->cpu = cpu;
		g->flags = 0;
		g->begin_ns = end->page;
		g->end_ns = list_end;
	}
	if (end->page < g->begin_ns)
		g->begin_ns = end->page;
	if (list_end > g->end_ns)
		g->end_ns = list_end;
	if (end->status)
		g->flags |= TRACEFMT_WALK_UNCERTAIN;
	if (end->tries > 1)
		g->flags |= TRACEFMT_WALK_RETRIED;
	return ret;
}

/*
 * The zones the walk met, into the stats (slot_to_stat: walker slot -> stats
 * index, -1 for a zone not kept). Returns the snapshot mark flags they set.
 */
static uint32_t walk_zones_stat(struct snap_ctx *c, const struct walk_run *r, int *slot_to_stat)
{
	const struct snapshot_bpf__bss *bss = r->skel->bss;
	struct snapshot_stats *st = c->st;
	uint32_t i, mark_flags = 0;

	st->nr_cpus = bss->nr_cpu_off;
	for (i = 0; i < SNAP_MAX_ZONES; i++)
		slot_to_stat[i] = -1;
	for (i = 0; i < bss->nr_zones && i < SNAP_MAX_ZONES; i++) {
		const struct snap_zone *bz = &bss->zones[i];
		struct snapshot_zone_stats *z;

		if (!bz->present || st->nr_zones >= SNAPSHOT_MAX_ZONES)
			continue;
		slot_to_stat[i] = (int)st->nr_zones;
		z = &st->zones[st->nr_zones++];
		z->node = bz->node;
		memcpy(z->name, bz->name, sizeof(z->name));
		z->name[sizeof(z->name) - 1] = '\0';
		z->start_pfn = bz->start_pfn;
		z->spanned = bz->spanned;
		z->nr_orders = bz->nr_orders;
		z->nr_mt = bz->nr_mt;
		z->nr_free_pages = bz->nr_free_pages;
		z->walk_ns = bz->ts_end_ns - bz->ts_begin_ns;
		if (z->walk_ns > st->lock_ns_max)
			st->lock_ns_max = z->walk_ns;
		if (r->have_pti)
			snap_pageblocks_copy(z, sysinfo_pagetypeinfo_find(&r->pti, z->node, z->name));
		if (bz->pcp_cpus < bss->nr_cpu_off)
			mark_flags |= SNAPSHOT_MARK_PCP_PARTIAL;
	}
	return mark_flags;
}

/*
 * Each zone's checkpoint from the blocks walked. Under the zone lock the
 * lists of an order add up to its nr_free; a mismatch sets a mark flag.
 */
static int walk_checkpoints_emit(struct snap_ctx *c, const struct walk_run *r,
				 const int *slot_to_stat, uint32_t *mark_flags)
{
	const struct snapshot_bpf__bss *bss = r->skel->bss;
	struct snapshot_stats *st = c->st;
	int ret = 0;

	for (uint32_t i = 0; !ret && i < bss->nr_zones && i < SNAP_MAX_ZONES; i++) {
		const struct snapshot_zone_stats *z;
		uint32_t o, m;

		if (slot_to_stat[i] < 0)
			continue;
		z = &st->zones[slot_to_stat[i]];
		for (o = 0; o < z->nr_orders && o < TRACEFMT_MAX_ORDERS; o++) {
			uint64_t sum = 0;

			for (m = 0; m < z->nr_mt && m < TRACEFMT_MAX_MT; m++)
				sum += z->blocks[o][m];
			if (sum != bss->zones[i].nr_free[o]) {
				st->nr_free_mismatches++;
				*mark_flags |= SNAPSHOT_MARK_NR_FREE_MISMATCH;
			}
		}
		ret = snap_emit_checkpoint(c, z, (const uint64_t(*)[TRACEFMT_MAX_MT])z->blocks,
					   z->nr_mt,
					   TRACEFMT_CKPT_HAS_NR_FREE |
						   (r->have_pti ? TRACEFMT_CKPT_HAS_PAGEBLOCKS : 0),
					   bss->zones[i].ts_begin_ns);
	}
	return ret;
}

static int walk_emit(struct snap_ctx *c, struct walk_run *r)
{
	struct snapshot_bpf__bss *bss = r->skel->bss;
	struct snapshot_stats *st = c->st;
	int slot_to_stat[SNAP_MAX_ZONES];
	uint32_t n = bss->n_entries, i, k, start = 0, mark_flags;
	uint32_t thp_order = r->have_pti && r->pti.pageblock_order ? r->pti.pageblock_order : 9;
	uint64_t base = bss->vmemmap_base, psz = bss->page_struct_size;
	struct walk_group group = { .zone = -1 };
	int ret;

	mark_flags = walk_zones_stat(c, r, slot_to_stat);
	ret = snap_emit_mark(c, TRACEFMT_SNAP_BEGIN, TRACEFMT_SNAP_METHOD_BPF, 0, 0, r->t_begin);
	for (i = 0; !ret && i < n; i++) {
		const struct snap_entry *end = &r->entries[i];
		struct snapshot_zone_stats *z;
		uint32_t flags;

		if (end->kind != SNAP_E_LIST_END)
			continue;
		if (end->zone >= SNAP_MAX_ZONES || slot_to_stat[end->zone] < 0) {
			start = i + 1;
			continue;
		}
		z = &st->zones[slot_to_stat[end->zone]];
		flags = end->status ? TRACEFMT_SNAP_UNCERTAIN : 0;
		if (end->status) {
			st->uncertain_lists++;
			z->uncertain_lists++;
			mark_flags |= SNAPSHOT_MARK_UNCERTAIN;
		}
		if (end->tries > 1)
			st->retried_lists++;
		for (k = start; !ret && k < i; k++) {
			const struct snap_entry *e = &r->entries[k];
			uint64_t pfn = (e->page - base) / psz;
			uint32_t order = e->order, f = flags;
			int32_t mt = e->list;

			if (e->kind == SNAP_E_PCP) {
				f |= TRACEFMT_SNAP_PCP;
				pcp_decode(e->list, bss->zones[end->zone].nr_pcp_lists, thp_order,
					   &order, &mt, &f);
			}
			ret = snap_emit_block(c, z, pfn, e->pos, order, mt, e->cpu, f, end->page);
		}
		if (!ret)
			ret = walk_group_add(c, r, &group, end, slot_to_stat);
		start = i + 1;
	}
	if (!ret)
		ret = walk_group_flush(c, r, &group, slot_to_stat);
	if (!ret)
		ret = walk_checkpoints_emit(c, r, slot_to_stat, &mark_flags);
	if (!ret)
		ret = snap_emit_mark(c, TRACEFMT_SNAP_END, TRACEFMT_SNAP_METHOD_BPF, mark_flags,
				     st->blocks + st->pcp_blocks, r->t_end);
	return ret;
}

/**
 * snap_bpf_take() - the BPF method (see snapshot.h). Writes nothing to the
 * trace unless the walk itself succeeded.
 */
int snap_bpf_take(struct snap_ctx *c)
{
	struct walk_run *r;
	uint64_t want = expected_entries(c);
	uint32_t cap, attempt, grow;
	int ret = 0;

	r = calloc(1, sizeof(*r));
	if (!r)
		return snap_fail(c, -ENOMEM, "snapshot: out of memory");
	c->st->method = SNAPSHOT_METHOD_BPF;
	/* Room for what buddyinfo and zoneinfo show, twice over, plus list ends. */
	want = want * 2 + (uint64_t)SNAPSHOT_MAX_ZONES * SNAP_MAX_ORDERS * SNAP_MAX_MT +
	       (uint64_t)libbpf_num_possible_cpus() * SNAP_MAX_PCP_LISTS * 8 + 65536;
	for (grow = 0; grow < 3; grow++) {
		uint64_t t0 = snap_now_ns();

		cap = want > (1u << 28) ? (1u << 28) : (uint32_t)want;
		ret = walk_open(c, r, cap);
		c->st->load_ns = snap_now_ns() - t0;
		t0 = snap_now_ns();
		if (!ret)
			ret = vmemmap_measure(c, r);
		c->st->calib_ns = snap_now_ns() - t0;
		for (attempt = 1; !ret && attempt <= c->max_attempts; attempt++) {
			c->st->attempts = attempt;
			ret = walk_once(c, r);
			if (!ret && !uncertain_buddy_lists(r, r->skel->bss->n_entries))
				break;
		}
		if (ret != -ENOSPC)
			break;
		walk_run_release(r);
		want *= 4;
	}
	if (ret == -ENOSPC)
		snap_fail(c, ret, "snapshot: more than %u list entries", cap);
	c->st->walk_ns = r->t_end - r->t_begin;
	if (!ret)
		ret = walk_check_aligned(c, r);
	if (!ret) {
		r->have_pti = !sysinfo_pagetypeinfo_read(c->proc, "pagetypeinfo", &r->pti, NULL);
		ret = walk_emit(c, r);
	}
	sysinfo_pagetypeinfo_release(&r->pti);
	walk_run_release(r);
	free(r);
	return ret;
}
