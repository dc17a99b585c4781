// SPDX-License-Identifier: MIT
/*
 * snapshot_take(): chooses the method (BPF walk, else /proc/kpageflags),
 * times the call, and turns what a method found into trace records. The
 * methods live in walk.c and kpageflags.c; both finish their reading before
 * they write a record, so a failed BPF walk leaves the trace untouched and
 * the fallback starts clean.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot_internal.h"

uint64_t snap_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int snap_fail(struct snap_ctx *c, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ret = bs_error_vformat(c->err, BS_NOWHERE, ret, fmt, ap);
	va_end(ap);
	return ret;
}

static int snap_append(struct snap_ctx *c, const struct tracefmt_event *ev)
{
	int ret;

	c->wrote = true;
	ret = tracefmt_writer_append(c->w, ev);
	if (ret)
		return snap_fail(c, -EIO, "writing the snapshot to the trace: %s", strerror(-ret));
	c->st->records++;
	return 0;
}

int snap_emit_mark(struct snap_ctx *c, uint32_t phase, uint32_t method, uint32_t flags,
		   uint64_t count, uint64_t ts_ns)
{
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_SNAPSHOT_MARK;
	ev.ts_ns = ts_ns;
	ev.u.snapshot_mark.phase = phase;
	ev.u.snapshot_mark.method = method;
	ev.u.snapshot_mark.flags = flags;
	ev.u.snapshot_mark.count = count;
	return snap_append(c, &ev);
}

int snap_emit_block(struct snap_ctx *c, const struct snapshot_zone_stats *z, uint64_t pfn,
		    uint64_t pos, uint32_t order, int32_t mt, uint32_t cpu, uint32_t flags,
		    uint64_t ts_ns)
{
	struct snapshot_zone_stats *zs = (struct snapshot_zone_stats *)z;
	struct tracefmt_event ev;
	int ret;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_SNAPSHOT_BLOCK;
	ev.cpu = cpu;
	ev.ts_ns = ts_ns;
	ev.u.snapshot_block.pfn = pfn;
	ev.u.snapshot_block.position = pos;
	ev.u.snapshot_block.order = order;
	ev.u.snapshot_block.migratetype = mt;
	ev.u.snapshot_block.node = z->node;
	ev.u.snapshot_block.flags = flags;
	memcpy(ev.u.snapshot_block.zone, z->name, sizeof(ev.u.snapshot_block.zone));
	ret = snap_append(c, &ev);
	if (ret)
		return ret;
	if (order >= TRACEFMT_MAX_ORDERS)
		return 0;
	if (flags & TRACEFMT_SNAP_PCP) {
		c->st->pcp_blocks++;
		zs->pcp_pages += 1ull << order;
		if (cpu < SNAPSHOT_MAX_CPUS)
			c->st->pcp_pages[cpu] += 1ull << order;
		return 0;
	}
	c->st->blocks++;
	if (mt < 0 || mt >= TRACEFMT_MAX_MT) {
		zs->blocks_mt_unknown[order]++;
	} else {
		zs->blocks[order][mt]++;
		zs->pages[order][mt] += 1ull << order;
	}
	return 0;
}

/* When one zone's buddy lists (@cpu TRACEFMT_WALK_BUDDY_CPU) or one cpu's pcp lists were read. */
int snap_emit_walk(struct snap_ctx *c, const struct snapshot_zone_stats *z, uint32_t cpu,
		   uint32_t flags, uint64_t begin_ns, uint64_t end_ns)
{
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_SNAPSHOT_WALK;
	ev.cpu = cpu;
	ev.ts_ns = begin_ns;
	ev.u.snapshot_walk.node = z->node;
	ev.u.snapshot_walk.flags = flags;
	ev.u.snapshot_walk.end_ns = end_ns < begin_ns ? begin_ns : end_ns;
	memcpy(ev.u.snapshot_walk.zone, z->name, sizeof(ev.u.snapshot_walk.zone));
	return snap_append(c, &ev);
}

int snap_emit_checkpoint(struct snap_ctx *c, const struct snapshot_zone_stats *z,
			 const uint64_t (*free_blocks)[TRACEFMT_MAX_MT], uint32_t nr_mt,
			 uint32_t flags, uint64_t ts_ns)
{
	struct tracefmt_event ev;
	unsigned int o, mt;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_CHECKPOINT;
	ev.ts_ns = ts_ns;
	ev.u.checkpoint.seq = SNAPSHOT_CHECKPOINT_SEQ;
	ev.u.checkpoint.node = z->node;
	memcpy(ev.u.checkpoint.zone, z->name, sizeof(ev.u.checkpoint.zone));
	ev.u.checkpoint.flags = flags | TRACEFMT_CKPT_SNAPSHOT;
	ev.u.checkpoint.nr_orders = z->nr_orders;
	ev.u.checkpoint.nr_mt = nr_mt;
	ev.u.checkpoint.nr_free_pages = z->nr_free_pages;
	for (o = 0; o < z->nr_orders && o < TRACEFMT_MAX_ORDERS; o++)
		for (mt = 0; mt < nr_mt && mt < TRACEFMT_MAX_MT; mt++)
			ev.u.checkpoint.free_blocks[o][mt] =
				free_blocks[o][mt] > UINT32_MAX ? UINT32_MAX
								: (uint32_t)free_blocks[o][mt];
	for (mt = 0; mt < TRACEFMT_MAX_MT; mt++)
		ev.u.checkpoint.pageblocks[mt] =
			z->pageblocks[mt] > UINT32_MAX ? UINT32_MAX : (uint32_t)z->pageblocks[mt];
	return snap_append(c, &ev);
}

void snap_pageblocks_copy(struct snapshot_zone_stats *z, const struct sysinfo_pagetype_zone *pz)
{
	if (!pz || !pz->has_pageblocks)
		return;
	for (unsigned int mt = 0; mt < TRACEFMT_MAX_MT; mt++)
		z->pageblocks[mt] = pz->pageblocks[mt];
}

int snapshot_take(struct tracefmt_writer *w, const struct snapshot_opts *opts,
		  struct snapshot_stats *st, struct bs_error *err)
{
	struct bs_error local; /* the fallback's reason when the caller wants none */
	enum snapshot_method method = opts ? opts->method : SNAPSHOT_METHOD_AUTO;
	struct snapshot_stats *scratch = NULL;
	uint64_t t0 = snap_now_ns(), cpu0 = thread_cpu_ns();
	struct snap_ctx c;
	int ret;

	if (!err)
		err = &local;
	err->text[0] = '\0';
	if (!w)
		return tracefmt_error_set(err, BS_NOWHERE, -EINVAL, "snapshot: no trace writer");
	if (method != SNAPSHOT_METHOD_AUTO && method != SNAPSHOT_METHOD_BPF &&
	    method != SNAPSHOT_METHOD_KPAGEFLAGS) {
		return tracefmt_error_set(err, BS_NOWHERE, -EINVAL, "snapshot: unknown method %d",
					  (int)method);
	}
	if (!st) {
		scratch = malloc(sizeof(*scratch));
		if (!scratch)
			return -ENOMEM;
		st = scratch;
	}
	memset(st, 0, sizeof(*st));
	memset(&c, 0, sizeof(c));
	c.w = w;
	c.st = st;
	c.proc = opts && opts->proc_dir ? opts->proc_dir : "/proc";
	c.max_attempts = opts && opts->max_attempts ? opts->max_attempts : 3;
	c.err = err;

	if (method == SNAPSHOT_METHOD_KPAGEFLAGS) {
		ret = snap_kpageflags_take(&c);
	} else {
		ret = snap_bpf_take(&c);
		if (ret && method == SNAPSHOT_METHOD_AUTO && !c.wrote) {
			char reason[sizeof(st->fallback_reason)];

			snprintf(reason, sizeof(reason), "%s",
				 err->text[0] ? err->text : "BPF walk failed");
			memset(st, 0, sizeof(*st));
			memcpy(st->fallback_reason, reason, sizeof(reason));
			err->text[0] = '\0';
			ret = snap_kpageflags_take(&c);
		}
	}
	st->total_ns = snap_now_ns() - t0;
	st->cpu_ns = thread_cpu_ns() - cpu0;
	free(scratch);
	return ret;
}
