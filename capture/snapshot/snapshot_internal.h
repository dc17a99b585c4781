/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the files of capture/snapshot/ and nothing else:
 * the record emitter and the two walk methods (the /proc files are read
 * with hostinfo/hostinfo.h).
 */
#ifndef BUDDYSCOPE_SNAPSHOT_INTERNAL_H
#define BUDDYSCOPE_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "hostinfo.h"
#include "snapshot.h"

/*
 * @pz's pageblock counts (/proc/pagetypeinfo, read with hostinfo's
 * sysinfo_pagetypeinfo_read()) into @z, when @pz has them.
 */
void snap_pageblocks_copy(struct snapshot_zone_stats *z, const struct sysinfo_pagetype_zone *pz);

/* Everything one snapshot_take() call carries around. */
struct snap_ctx {
	struct tracefmt_writer *w;
	struct snapshot_stats *st; /* never NULL inside (a scratch copy if need be) */
	const char *proc;
	unsigned int max_attempts;
	struct bs_error *err;	/* never NULL inside */
	bool wrote;		/* something went to w: no fallback any more */
	uint64_t test_base_skew; /* tests only: added to the measured vmemmap base */
};

/* The snapshot's error setter: ctx->err gets @ret and the sentence; returns @ret. */
int snap_fail(struct snap_ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record writers; each updates the stats and returns 0 or -EIO. */
int snap_emit_mark(struct snap_ctx *c, uint32_t phase, uint32_t method, uint32_t flags,
		   uint64_t count, uint64_t ts_ns);
int snap_emit_block(struct snap_ctx *c, const struct snapshot_zone_stats *z, uint64_t pfn,
		    uint64_t pos, uint32_t order, int32_t mt, uint32_t cpu, uint32_t flags,
		    uint64_t ts_ns);
int snap_emit_walk(struct snap_ctx *c, const struct snapshot_zone_stats *z, uint32_t cpu,
		   uint32_t flags, uint64_t begin_ns, uint64_t end_ns);
int snap_emit_checkpoint(struct snap_ctx *c, const struct snapshot_zone_stats *z,
			 const uint64_t (*free_blocks)[TRACEFMT_MAX_MT], uint32_t nr_mt,
			 uint32_t flags, uint64_t ts_ns);

uint64_t snap_now_ns(void); /* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns */

int snap_bpf_take(struct snap_ctx *c);
int snap_kpageflags_take(struct snap_ctx *c);

#endif /* BUDDYSCOPE_SNAPSHOT_INTERNAL_H */
