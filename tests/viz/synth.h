/* SPDX-License-Identifier: MIT */
/*
 * Synthetic runs for the viz tests: every value is a closed-form function of
 * (time index, zone, order, migratetype), so a test can compute the grid an
 * image must show without reading the store back.
 */
#ifndef BUDDYSCOPE_TESTS_VIZ_SYNTH_H
#define BUDDYSCOPE_TESTS_VIZ_SYNTH_H

#include <stdint.h>
#include <stdio.h>

#include "viz.h"

struct synth {
	uint32_t nr_times;
	uint32_t nr_zones;
	uint32_t nr_orders;
	uint32_t nr_mt;
	uint32_t variant;	/* 0 = baseline, 1.. = what-if flavours */
	uint32_t nr_pageblocks;	/* of zone 0's pageblock maps */
};

static const char *const synth_mt_names[] = { "Unmovable", "Movable", "Reclaimable",
					      "HighAtomic", "CMA", "Isolate" };
static const char *const synth_zone_names[] = { "DMA32", "Normal", "Movable" };

/* Irregular sample times: a third of a second apart, jittered. */
static inline int64_t synth_t(uint32_t i)
{
	return (int64_t)i * 333333333 + (int64_t)(i % 5) * 1000000;
}

static inline uint32_t synth_fb(const struct synth *p, uint32_t i, uint32_t z, uint32_t o,
				uint32_t mt)
{
	uint32_t h = (i * 7 + z * 13 + o * 31 + mt * 17) * 2654435761u;

	if ((o + mt + i) % 7 == 0)
		return 0;
	return (h >> 16) % (1 + (4000 >> o)) + p->variant * ((o * mt) % 5);
}

static inline int32_t synth_frag(uint32_t i, uint32_t o)
{
	return o < 2 ? -1000 : (int32_t)((i * 13 + o * 37) % 1000);
}

static inline int32_t synth_unusable(uint32_t i, uint32_t o)
{
	return (int32_t)((o * 90 + i) % 1001);
}

static inline uint64_t synth_fail(const struct synth *p, uint32_t i, uint32_t o)
{
	return (uint64_t)i * o / 3 + p->variant * i;
}

/* Pageblock i of zone 0 in map k: migratetype and free pages (of 512). */
static inline uint8_t synth_pb_mt(const struct synth *p, uint32_t k, uint32_t i)
{
	return (uint8_t)(i % 10 == 0 ? 1 : (i + k) % p->nr_mt);
}

static inline uint16_t synth_pb_free(uint32_t k, uint32_t i)
{
	if (i % 10 == 0)
		return 0;
	if (i % 10 == 5)
		return 512;
	return (uint16_t)((i * 37 + k * 11) % 513);
}

/*
 * Write a run. finish: 1 complete, 2 interrupted, 0 leave incomplete.
 * Runs of different shapes stand for different traces (their trace_sha256
 * differs) and each variant has its own settings, so merging synthetic
 * stores de-duplicates only what is really the same run.
 * Return: 0 or a negative errno from the store.
 */
static inline int synth_fill(struct viz_store *s, const struct synth *p, int finish,
			     int64_t *run_id)
{
	static const char *const settings[] = {
		"{\"nr_orders\": 11}",
		"{\"min_free_kbytes\": 65536, \"nr_orders\": 11}",
		"{\"min_free_kbytes\": 65536, \"nr_orders\": 11, \"watermark_scale_factor\": 20}",
	};
	char sha[65];
	struct viz_run_info info = {
		.trace_path = "traces/samples/synthetic.bst",
		.trace_sha256 = sha,
		.mode = p->variant ? "whatif" : "shadow",
		.label = p->variant ? "pageblock_order=9 min_free_kbytes=65536" : NULL,
		.settings_json = settings[p->variant < 2 ? p->variant : 2],
		.kernel_release = "6.1.0-synthetic",
		.host = "testhost",
		.started_unix_ms = 1764000000000LL,
	};
	uint32_t fb[VIZ_MAX_ORDERS * VIZ_MAX_MIGRATETYPES];
	int32_t fi[VIZ_MAX_ORDERS], ui[VIZ_MAX_ORDERS];
	uint64_t fl[VIZ_MAX_ORDERS];
	int ret;

	snprintf(sha, sizeof(sha), "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080%08x%08x",
		 p->nr_times, p->nr_zones);
	ret = viz_run_begin(s, &info, run_id, NULL);

	for (uint32_t z = 0; z < p->nr_zones && !ret; z++) {
		struct viz_zone_info zi = {
			.node = 0, .name = synth_zone_names[z], .start_pfn = z ? 0x100000 : 0x1000,
			.spanned_pages = 1u << 20, .managed_pages = 1000000,
			.pageblock_order = 9, .nr_orders = p->nr_orders, .nr_migratetypes = p->nr_mt,
			.migratetype_names = synth_mt_names,
		};
		uint32_t idx;

		ret = viz_zone_add(s, *run_id, &zi, &idx, NULL);
	}
	for (uint32_t i = 0; i < p->nr_times && !ret; i++) {
		for (uint32_t z = 0; z < p->nr_zones && !ret; z++) {
			struct viz_sample x = {
				.t_ns = synth_t(i), .zone_idx = z, .free_blocks = fb,
				.nr_free_pages = 200000 + i * 10 + z, .wmark_min = 1000,
				.wmark_low = 1250, .wmark_high = 1500, .wmark_boost = (i % 3) * 100,
				.frag_index = fi, .unusable_index = ui, .failures = fl,
				.fallbacks = i * 2 + p->variant, .pageblock_changes = i / 2,
				.kswapd_wakes = i / 5,
			};

			for (uint32_t o = 0; o < p->nr_orders; o++) {
				for (uint32_t mt = 0; mt < p->nr_mt; mt++)
					fb[o * p->nr_mt + mt] = synth_fb(p, i, z, o, mt);
				fi[o] = synth_frag(i, o);
				ui[o] = synth_unusable(i, o);
				fl[o] = synth_fail(p, i, o);
			}
			ret = viz_sample_add(s, *run_id, &x);
		}
		if (!ret && i % 10 == 0)
			ret = viz_fidelity_add(s, *run_id, synth_t(i), 0.01 * (i % 7),
					       i ? 0.5 + 0.4 * i / p->nr_times : 0);
	}
	for (uint32_t k = 0; k < 2 && p->nr_pageblocks && !ret; k++) {
		uint8_t mt[4096];
		uint16_t fp[4096];
		struct viz_pbmap m = { .t_ns = k ? synth_t(p->nr_times - 1) : 0, .zone_idx = 0,
				       .nr_pageblocks = p->nr_pageblocks, .pageblock_pages = 512,
				       .migratetype = mt, .free_pages = fp };

		for (uint32_t i = 0; i < p->nr_pageblocks && i < 4096; i++) {
			mt[i] = synth_pb_mt(p, k, i);
			fp[i] = synth_pb_free(k, i);
		}
		ret = viz_pbmap_add(s, *run_id, &m);
	}
	if (!ret) {
		struct viz_attribution a[] = {
			{ "kworker/0:1", 12, 0xcc0, 500, 0, 3 },
			{ "stress-ng", 4242, 0x140dca, 9000, 17, 120 },
			{ "cc1", 777, 0x100cca, 3000, 2, 40 },
			{ "stress-ng", 4242, 0x140dca, 1000, 3, 0 },	/* adds to the second */
		};

		for (size_t i = 0; i < sizeof(a) / sizeof(a[0]) && !ret; i++)
			ret = viz_attribution_add(s, *run_id, &a[i]);
	}
	if (!ret)
		ret = viz_event_add(s, *run_id, synth_t(1), "watermark", "zone Normal below low");
	if (!ret)
		ret = viz_event_add(s, *run_id, synth_t(2), "lost", "cpu 1 lost 12 events");
	if (!ret && finish)
		ret = viz_run_finish(s, *run_id, finish == 1 ? VIZ_RUN_COMPLETE : VIZ_RUN_INTERRUPTED,
				     "{\"events\": {\"alloc\": 1234, \"free\": 1200},"
				     " \"lost_events\": 12, \"failures\": 3}",
				     1764000060000LL);
	return ret;
}

#endif
