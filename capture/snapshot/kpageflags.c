// SPDX-License-Identifier: MIT
/*
 * The fallback method: /proc/kpageflags (one u64 of flags per pfn, root
 * only). KPF_BUDDY is set on every page of a free buddy block, so the free
 * pfns of each zone form runs; each run is cut greedily into the largest
 * blocks aligned to their order (spec section 8.1). That is the kernel's
 * own layout wherever it merged buddies as far as it could; it is wrong
 * only next to HighAtomic, Isolate or CMA pageblocks, which never merge
 * across. List, position and pcp contents are not visible this way, and the
 * records say so (MT_UNKNOWN | POS_UNKNOWN). The file is read while the
 * allocator runs, so pages can change under the scan; the BEGIN/END
 * timestamps bound the window.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot_internal.h"

#define KPF_BUDDY 10	      /* include/uapi/linux/kernel-page-flags.h */
#define CHUNK_PFNS 65536      /* pfns per pread: 512 KiB of flags */

struct kpf_block {
	uint64_t pfn;
	uint32_t order;
	uint32_t zone; /* index in stats zones[] */
};

struct kpf_scan {
	struct kpf_block *v;
	size_t n;
	size_t cap;
	uint32_t max_order;
};

static int kpf_push(struct kpf_scan *s, uint64_t pfn, uint32_t order, uint32_t zone)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct kpf_block *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].pfn = pfn;
	s->v[s->n].order = order;
	s->v[s->n].zone = zone;
	s->n++;
	return 0;
}

/* Cut the free run [start, end) into the largest aligned blocks. */
static int kpf_cut(struct kpf_scan *s, uint64_t start, uint64_t end, uint32_t zone)
{
	uint64_t p = start;
	int ret = 0;

	while (!ret && p < end) {
		uint32_t o = s->max_order;

		while (o && ((p & ((1ull << o) - 1)) || p + (1ull << o) > end))
			o--;
		ret = kpf_push(s, p, o, zone);
		p += 1ull << o;
	}
	return ret;
}

static int kpf_zone_scan(struct snap_ctx *c, int fd, const char *path, struct kpf_scan *s,
			 const struct snapshot_zone_stats *z, uint32_t zone, uint64_t *buf)
{
	uint64_t pfn = z->start_pfn, end = z->start_pfn + z->spanned, run = UINT64_MAX;
	int ret = 0;

	while (!ret && pfn < end) {
		uint64_t want = end - pfn < CHUNK_PFNS ? end - pfn : CHUNK_PFNS, got, i;
		ssize_t n = pread(fd, buf, want * sizeof(uint64_t), (off_t)(pfn * sizeof(uint64_t)));

		if (n < 0)
			return snap_fail(c, -errno, "%s: reading pfn %llu: %s", path,
					 (unsigned long long)pfn, strerror(errno));
		got = (uint64_t)n / sizeof(uint64_t);
		if (!got)
			break; /* past the last pfn the kernel knows */
		for (i = 0; !ret && i < got; i++) {
			bool buddy = buf[i] >> KPF_BUDDY & 1;

			if (buddy && run == UINT64_MAX) {
				run = pfn + i;
			} else if (!buddy && run != UINT64_MAX) {
				ret = kpf_cut(s, run, pfn + i, zone);
				run = UINT64_MAX;
			}
		}
		pfn += got;
	}
	if (!ret && run != UINT64_MAX)
		ret = kpf_cut(s, run, pfn, zone); /* runs end at the zone's end */
	return ret;
}

/*
 * Per-list counts are not visible to a kpageflags scan: pagetypeinfo's,
 * read in the scan's window, go into the zone's checkpoint.
 */
static int pti_checkpoint_emit(struct snap_ctx *c, const struct snapshot_zone_stats *z,
			       const struct sysinfo_pagetypeinfo *pti, uint64_t ts_ns)
{
	const struct sysinfo_pagetype_zone *tz = sysinfo_pagetypeinfo_find(pti, z->node, z->name);
	uint64_t free_blocks[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];

	if (!tz)
		return 0;
	for (unsigned int o = 0; o < TRACEFMT_MAX_ORDERS; o++)
		for (unsigned int mt = 0; mt < TRACEFMT_MAX_MT; mt++)
			free_blocks[o][mt] = tz->free_blocks[o][mt];
	return snap_emit_checkpoint(c, z, (const uint64_t(*)[TRACEFMT_MAX_MT])free_blocks, pti->nr_mt,
				    (tz->has_pageblocks ? TRACEFMT_CKPT_HAS_PAGEBLOCKS : 0) |
					    (tz->capped ? TRACEFMT_CKPT_CAPPED : 0),
				    ts_ns);
}

/**
 * snap_kpageflags_take() - the fallback method (see snapshot.h): scan
 * kpageflags zone by zone, then write the records.
 */
int snap_kpageflags_take(struct snap_ctx *c)
{
	struct sysinfo_zoneinfo zi = { 0 };
	struct sysinfo_pagetypeinfo pti = { 0 };
	struct snapshot_stats *st = c->st;
	struct kpf_scan s = { 0 };
	struct bs_error terr;
	uint64_t *buf = NULL, t_begin, t_end, zone_ts[SNAPSHOT_MAX_ZONES];
	unsigned int i, nr_orders = 11;
	bool have_pti = false;
	char path[512];
	size_t k;
	int fd = -1, ret;

	st->method = SNAPSHOT_METHOD_KPAGEFLAGS;
	ret = sysinfo_zoneinfo_read(c->proc, "zoneinfo", &zi, &terr);
	if (ret) {
		snap_fail(c, ret, "%s", terr.text);
		goto cleanup;
	}
	buf = malloc(CHUNK_PFNS * sizeof(uint64_t));
	if (!buf) {
		ret = snap_fail(c, -ENOMEM, "snapshot: out of memory");
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/kpageflags", c->proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = snap_fail(c, -errno, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	t_begin = snap_now_ns();
	have_pti = !sysinfo_pagetypeinfo_read(c->proc, "pagetypeinfo", &pti, NULL);
	if (have_pti && pti.nr_orders)
		nr_orders = pti.nr_orders;
	s.max_order = nr_orders - 1;
	for (i = 0; i < zi.nr_zones; i++) {
		const struct sysinfo_zone *pz = &zi.zones[i];
		struct snapshot_zone_stats *z;

		if (!pz->spanned || !pz->present || st->nr_zones >= SNAPSHOT_MAX_ZONES)
			continue;
		z = &st->zones[st->nr_zones];
		z->node = pz->node;
		memcpy(z->name, pz->name, sizeof(z->name));
		z->start_pfn = pz->start_pfn;
		z->spanned = pz->spanned;
		z->nr_orders = nr_orders;
		if (have_pti)
			snap_pageblocks_copy(z, sysinfo_pagetypeinfo_find(&pti, z->node, z->name));
		zone_ts[st->nr_zones] = snap_now_ns();
		ret = kpf_zone_scan(c, fd, path, &s, z, st->nr_zones, buf);
		z->walk_ns = snap_now_ns() - zone_ts[st->nr_zones];
		st->nr_zones++;
		if (ret == -ENOMEM)
			snap_fail(c, ret, "snapshot: out of memory");
		if (ret)
			goto cleanup;
	}
	t_end = snap_now_ns();
	st->walk_ns = t_end - t_begin;
	st->attempts = 1;

	ret = snap_emit_mark(c, TRACEFMT_SNAP_BEGIN, TRACEFMT_SNAP_METHOD_KPAGEFLAGS, 0, 0,
			     t_begin);
	for (k = 0; !ret && k < s.n; k++)
		ret = snap_emit_block(c, &st->zones[s.v[k].zone], s.v[k].pfn, 0, s.v[k].order, -1,
				      0, TRACEFMT_SNAP_MT_UNKNOWN | TRACEFMT_SNAP_POS_UNKNOWN,
				      zone_ts[s.v[k].zone]);
	/* Each zone was scanned without its lock over [start, start + walk_ns]. */
	for (i = 0; !ret && i < st->nr_zones; i++)
		ret = snap_emit_walk(c, &st->zones[i], TRACEFMT_WALK_BUDDY_CPU,
				     TRACEFMT_WALK_UNLOCKED, zone_ts[i],
				     zone_ts[i] + st->zones[i].walk_ns);
	for (i = 0; !ret && have_pti && i < st->nr_zones; i++)
		ret = pti_checkpoint_emit(c, &st->zones[i], &pti, zone_ts[i]);
	if (!ret)
		ret = snap_emit_mark(c, TRACEFMT_SNAP_END, TRACEFMT_SNAP_METHOD_KPAGEFLAGS,
				     SNAPSHOT_MARK_PCP_UNKNOWN | SNAPSHOT_MARK_LIST_UNKNOWN,
				     st->blocks, t_end);
cleanup:
	if (fd >= 0)
		close(fd);
	free(s.v);
	free(buf);
	sysinfo_pagetypeinfo_release(&pti);
	sysinfo_zoneinfo_release(&zi);
	return ret;
}
