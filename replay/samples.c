// SPDX-License-Identifier: MIT
/*
 * What the sink receives while a run goes on: the zones it reports, and per
 * zone the periodic samples (free blocks, watermarks, fragmentation indices,
 * counters) and the pageblock maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"
#include "replay_internal.h"

static const char *const counter_names[] = {
	"model.pcp_hits", "model.pcp_refills", "model.pcp_refill_pages", "model.pcp_drains",
	"model.pcp_drain_pages", "model.buddy_allocs", "model.fallbacks", "model.claims",
	"model.steals", "model.boosts", "model.kswapd_wakes", "model.watermark_breaches",
	"trace.allocations", "trace.alloc_failures", "trace.frees", "trace.pcp_refills",
	"trace.pcp_refill_pages", "trace.pcp_drains", "trace.pcp_drain_pages", "trace.fallbacks",
	/* what-if only (shadow sends the names above) */
	"model.kswapd_runs", "model.pages_reclaimed", "model.direct_reclaim_stalls",
	"model.compaction_runs", "model.pages_migrated", "model.free_pageblock_blocks",
	/* model.compaction_runs by enum model_compact_trigger */
	"model.compaction_runs_direct", "model.compaction_runs_kcompactd",
	"model.compaction_runs_proactive", "model.compaction_runs_explicit",
};

#define NR_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))
#define NR_SHADOW_COUNTERS 20

/* The what-if reclaim and compaction counters, v[20..]. */
static void whatif_counters(struct replay_ctx *c, const struct model_counters *k, int64_t *v)
{
	uint64_t stalls = 0, runs = 0;

	for (unsigned int o = 0; o < MODEL_MAX_ORDERS; o++)
		stalls += k->direct_stalls[o];
	for (unsigned int t = 0; t < MODEL_NR_COMPACT_TRIGGERS; t++)
		runs += k->compact_runs[t];
	v[20] = (int64_t)k->kswapd_runs;
	v[21] = (int64_t)(k->kswapd_reclaimed + k->direct_reclaimed);
	v[22] = (int64_t)stalls;
	v[23] = (int64_t)runs;
	v[24] = (int64_t)k->compact_migrated;
	v[25] = (int64_t)c->whatif.hi_blocks_end;
	v[26] = (int64_t)k->compact_runs[MODEL_COMPACT_DIRECT];
	v[27] = (int64_t)k->compact_runs[MODEL_COMPACT_KCOMPACTD];
	v[28] = (int64_t)k->compact_runs[MODEL_COMPACT_PROACTIVE];
	v[29] = (int64_t)k->compact_runs[MODEL_COMPACT_EXPLICIT];
}

/* The summary's model_counters and trace_counters, as they stand at @ts, to the sink. */
static void emit_counters(struct replay_ctx *c, uint64_t ts)
{
	const struct model_counters *k = &c->shadow.pmc;
	const struct trace_counters *t = &c->count.tc;
	struct model_counters mc;
	bool shadow = c->mode == REPLAY_SHADOW;
	int64_t v[NR_COUNTERS];

	if (!c->sink || !c->sink->counters || c->sink_ret)
		return;
	if (!shadow) {
		model_counters_get(c->m, &mc);
		k = &mc;
	}
	v[0] = (int64_t)k->pcp_hits;
	v[1] = (int64_t)k->pcp_refills;
	v[2] = (int64_t)k->pcp_refill_pages;
	v[3] = shadow ? -1 : (int64_t)k->pcp_drains;
	v[4] = shadow ? -1 : (int64_t)k->pcp_drained_pages;
	v[5] = (int64_t)k->buddy_allocs;
	v[6] = (int64_t)k->fallbacks;
	v[7] = (int64_t)k->claims;
	v[8] = (int64_t)k->steals;
	v[9] = (int64_t)k->boosts;
	v[10] = (int64_t)k->kswapd_wakes;
	v[11] = (int64_t)c->whatif.breaches;
	v[12] = (int64_t)t->allocations;
	v[13] = (int64_t)t->alloc_failures;
	v[14] = (int64_t)t->frees;
	v[15] = (int64_t)t->pcp_refills;
	v[16] = (int64_t)t->pcp_refill_pages;
	v[17] = (int64_t)t->pcp_drains;
	v[18] = (int64_t)t->pcp_drain_pages;
	v[19] = (int64_t)t->fallbacks;
	if (!shadow)
		whatif_counters(c, k, v);
	replay_sink_ok(c, c->sink->counters(c->sink_ctx, replay_rel_ns(c, ts), counter_names, v,
					    shadow ? NR_SHADOW_COUNTERS : NR_COUNTERS));
}

void replay_emit_samples(struct replay_ctx *c, uint64_t ts)
{
	struct model_counters mc;
	uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];
	uint32_t flat[REPLAY_MAX_ORDERS * REPLAY_MAX_MT];
	int frag[MODEL_MAX_ORDERS], unus[MODEL_MAX_ORDERS];
	int32_t frag32[REPLAY_MAX_ORDERS], unus32[REPLAY_MAX_ORDERS];
	uint64_t fails[REPLAY_MAX_ORDERS] = { 0 };
	unsigned int no = c->cfg->nr_page_orders, nmt = c->cfg->nr_migratetypes;

	if (c->sink_ret)
		return;
	if (c->mode != REPLAY_SHADOW)
		replay_whatif_hi_blocks_note(c);
	emit_counters(c, ts);
	replay_activity_emit(c, ts);
	model_counters_get(c->m, &mc);
	for (unsigned int o = 0; o < no; o++)
		fails[o] = c->mode == REPLAY_SHADOW ? c->count.kfail[o] : c->whatif.fail[o];
	for (unsigned int z = 0; z < c->out.nr_zones; z++) {
		struct model_zone_info zi;
		struct replay_sample s;
		unsigned int mz = c->out.zone_model[z];

		model_zone_free_blocks(c->m, mz, fb);
		model_zone_frag_indices(c->m, mz, frag, unus);
		model_zone_info_get(c->m, mz, &zi);
		for (unsigned int o = 0; o < no; o++) {
			for (unsigned int t = 0; t < nmt; t++)
				flat[o * nmt + t] = (uint32_t)fb[o][t];
			frag32[o] = frag[o];
			unus32[o] = unus[o];
		}
		/* the summary's unusable_index_order9_mean: x86-64's pageblock order */
		if (z == c->out.largest_zone && no > MODEL_X86_PAGEBLOCK_ORDER) {
			c->out.unusable9_sum += unus[MODEL_X86_PAGEBLOCK_ORDER];
			c->out.unusable9_n++;
		}
		memset(&s, 0, sizeof(s));
		s.t_ns = replay_rel_ns(c, ts);
		s.zone = z;
		s.free_blocks = flat;
		s.nr_free_pages = zi.nr_free_pages;
		s.wmark_min = zi.wmark_min;
		s.wmark_low = zi.wmark_low;
		s.wmark_high = zi.wmark_high;
		s.wmark_boost = zi.watermark_boost;
		s.frag_index = frag32;
		s.unusable_index = unus32;
		s.failures = fails;
		s.fallbacks = mc.fallbacks;
		s.pageblock_changes = mc.pageblock_changes;
		s.kswapd_wakes = mc.kswapd_wakes;
		c->out.samples++;
		if (c->sink && c->sink->sample)
			replay_sink_ok(c, c->sink->sample(c->sink_ctx, &s));
	}
}

void replay_emit_pbmaps(struct replay_ctx *c, uint64_t ts)
{
	if (!c->sink || !c->sink->pbmap || c->sink_ret)
		return;
	for (unsigned int z = 0; z < c->out.nr_zones; z++) {
		struct replay_pbmap map;
		long n = model_zone_pageblocks(c->m, c->out.zone_model[z], c->out.pbbuf, c->out.pbbuf_len);

		if (n < 0)
			continue;
		if ((size_t)n > c->out.pbbuf_len)
			n = (long)c->out.pbbuf_len;
		for (long i = 0; i < n; i++) {
			c->out.pb_mt[i] = (uint8_t)(c->out.pbbuf[i].mt < 0 ? 255 : c->out.pbbuf[i].mt);
			c->out.pb_free[i] = (uint16_t)(c->out.pbbuf[i].nr_free_buddy + c->out.pbbuf[i].nr_free_pcp);
		}
		map.t_ns = replay_rel_ns(c, ts);
		map.zone = z;
		map.nr_pageblocks = (uint32_t)n;
		map.pageblock_pages = 1u << c->cfg->pageblock_order;
		map.migratetype = c->out.pb_mt;
		map.free_pages = c->out.pb_free;
		c->out.pbmaps++;
		replay_sink_ok(c, c->sink->pbmap(c->sink_ctx, &map));
	}
}

int replay_sink_zones(struct replay_ctx *c)
{
	uint64_t best = 0;
	size_t maxpb = 0;

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];
		struct replay_zone rz;
		long npb;

		if (!zc->managed_pages || !zc->present_pages)
			continue;
		c->out.zone_model[c->out.nr_zones] = z;
		if (zc->managed_pages > best) {
			best = zc->managed_pages;
			c->out.largest_zone = c->out.nr_zones;
		}
		npb = model_zone_pageblocks(c->m, z, NULL, 0);
		if (npb > 0 && (size_t)npb > maxpb)
			maxpb = (size_t)npb;
		rz.node = (int32_t)zc->node;
		rz.name = zc->name;
		rz.start_pfn = zc->start_pfn;
		rz.spanned_pages = zc->spanned_pages;
		rz.managed_pages = zc->managed_pages;
		rz.pageblock_order = c->cfg->pageblock_order;
		rz.nr_orders = c->cfg->nr_page_orders;
		rz.nr_migratetypes = c->cfg->nr_migratetypes;
		rz.migratetype_names = c->hdr.nr_mt_names >= c->cfg->nr_migratetypes
				       ? c->hdr.mt_names : NULL;
		c->out.nr_zones++;
		if (c->sink && c->sink->zone)
			replay_sink_ok(c, c->sink->zone(c->sink_ctx, &rz));
	}
	c->out.pbbuf_len = maxpb;
	c->out.pbbuf = calloc(maxpb ? maxpb : 1, sizeof(*c->out.pbbuf));
	c->out.pb_mt = calloc(maxpb ? maxpb : 1, 1);
	c->out.pb_free = calloc(maxpb ? maxpb : 1, sizeof(*c->out.pb_free));
	return c->out.pbbuf && c->out.pb_mt && c->out.pb_free ? 0 : -ENOMEM;
}

void replay_samples_release(struct replay_ctx *c)
{
	free(c->out.pbbuf);
	free(c->out.pb_mt);
	free(c->out.pb_free);
}
