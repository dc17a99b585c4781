/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input bytes choose a model configuration (profile,
 * nodes, cpus, number of orders, pcp batch) and then a stream of operations
 * - allocations, frees of held and of arbitrary (contradicting) pfns,
 * forced allocations and pcp refills, drains, decay, single-page drains,
 * kswapd and reclaim state changes, highatomic unreserve, hotplug growth,
 * predictions (which must
 * equal the allocation that follows), and with what-if reclaim and/or
 * compaction on (the first byte's high nibble / 5) their triggers: explicit
 * and proactive compaction - with model_check() after every one. Held
 * allocations follow the model's reclaim and migration through the observer.
 * A broken invariant aborts, which libFuzzer and the corpus driver report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define MAX_HELD 512

struct held {
	uint64_t pfn;
	unsigned int order;
};

static const uint64_t fuzz_gfps[] = {
	MODEL_GFP_KERNEL,
	MODEL_GFP_HIGHUSER_MOVABLE,
	MODEL_GFP_KERNEL | MODEL_GFP_RECLAIMABLE,
	MODEL_GFP_KERNEL | MODEL_GFP_DMA32,
	MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM,
	MODEL_GFP_HIGH | MODEL_GFP_KSWAPD_RECLAIM | MODEL_GFP_ATOMIC_6_1,
	MODEL_GFP_KSWAPD_RECLAIM,
	MODEL_GFP_KERNEL | MODEL_GFP_DMA,
	MODEL_GFP_HIGHUSER_MOVABLE | MODEL_GFP_THISNODE,
	MODEL_GFP_MOVABLE | MODEL_GFP_RECLAIMABLE,	/* invalid: both mobility bits */
	MODEL_GFP_DMA | MODEL_GFP_DMA32,		/* invalid zone combination */
};

static const uint64_t zone_starts[] = { 4096, 1048576, 2097152 };

static struct held held[MAX_HELD];
static int nr_held;

/* The held allocation at @pfn, or -1. */
static int held_find(uint64_t pfn)
{
	for (int k = 0; k < nr_held; k++)
		if (held[k].pfn == pfn)
			return k;
	return -1;
}

static void on_reclaimed(void *ctx, uint64_t tag, uint64_t pfn, unsigned int order)
{
	int k = held_find(pfn);

	(void)ctx, (void)tag, (void)order;
	if (k >= 0)
		held[k] = held[--nr_held];
}

static void on_migrated(void *ctx, uint64_t tag, uint64_t old_pfn, uint64_t new_pfn,
			unsigned int order)
{
	int k = held_find(old_pfn);

	(void)ctx, (void)tag, (void)order;
	if (k >= 0)
		held[k].pfn = new_pfn;
}

static void check_or_die(const struct model *m, size_t at)
{
	char msg[256];

	if (model_check(m, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_model_ops: invariant broken after byte %zu: %s\n", at, msg);
		abort();
	}
}

/* An arbitrary pfn near one of the zones (inside, at an edge or just outside). */
static uint64_t any_pfn(const uint8_t *b)
{
	uint64_t base = zone_starts[b[0] % 3];
	int64_t off = (int64_t)(((unsigned int)b[1] << 8) | b[2]) - 512;

	return (uint64_t)((int64_t)base + off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct model_observer follow = {
		.reclaimed = on_reclaimed,
		.migrated = on_migrated,
	};
	struct model_config c;
	struct model *m;
	bool pressure;
	size_t i;

	if (size < 2)
		return 0;
	model_config_init(&c, (data[0] & 1) ? MODEL_PROFILE_6_18 : MODEL_PROFILE_6_1);
	c.nr_nodes = (data[0] & 2) ? 2 : 1;
	c.nr_cpus = 1 + ((data[0] >> 2) & 3);
	c.nr_page_orders = 10 + (unsigned int)((data[0] >> 4) % 5);
	c.reclaim = (data[0] >> 4) / 5 & 1;
	c.compaction = (data[0] >> 4) / 5 >= 2;
	c.compaction_proactiveness = (data[1] & 7) * 100u / 7;
	pressure = c.reclaim || c.compaction;
	nr_held = 0;
	c.pageblock_order = c.nr_page_orders > 10 ? 9 : 8;
	c.thp_order = c.pageblock_order;
	c.pcp_batch = data[1] % 32;
	c.min_free_kbytes = 64 + (data[1] >> 5) * 64;
	c.boost_clear = (data[1] & 0x80) ? MODEL_BOOST_CLEAR_ON_WAKE : MODEL_BOOST_CLEAR_MANUAL;
	for (unsigned int cpu = 0; cpu < c.nr_cpus; cpu++)
		c.cpu_node[cpu] = (uint16_t)(cpu % c.nr_nodes);
	model_config_add_zone(&c, 0, MODEL_ZONE_DMA32, 4096, 2048);
	model_config_add_zone(&c, 0, MODEL_ZONE_NORMAL, 1048576, 4096);
	if (c.nr_nodes == 2)
		model_config_add_zone(&c, 1, MODEL_ZONE_NORMAL, 2097152, 4096);
	m = model_create(&c);
	if (!m)
		abort();
	if (model_populate(m))
		abort();
	model_observer_set(m, &follow, NULL);
	check_or_die(m, 0);

	for (i = 2; i + 4 <= size; i += 4) {
		const uint8_t *b = data + i;
		struct model_alloc_result ar;
		struct model_free_result fr;
		struct model_force_result fo;

		switch (b[0] % 14) {
		case 0:
		case 1:
		case 2: {
			struct model_alloc_req req = { 0 };

			req.order = b[1] % (c.nr_page_orders + 1);	/* one past the top */
			req.gfp_flags = fuzz_gfps[b[2] % (sizeof(fuzz_gfps) / sizeof(fuzz_gfps[0]))];
			req.cpu = b[3] % c.nr_cpus;
			req.preferred_node = (b[3] >> 4) % 3 == 2 ? -1 : (int)((b[3] >> 4) % c.nr_nodes);
			req.req_flags = (b[2] >> 4) & 7;
			req.tag = b[3];
			if ((b[1] & 0x80) && !pressure) {
				/* a prediction must equal the allocation that follows it */
				struct model_alloc_result pr;

				if (model_alloc_predict(m, &req, &pr))
					abort();
				check_or_die(m, i);
				if (model_alloc_pages(m, &req, &ar))
					abort();
				if (pr.pfn != ar.pfn || pr.flags != ar.flags || pr.fail != ar.fail) {
					fprintf(stderr, "fuzz_model_ops: prediction differs at byte %zu\n", i);
					abort();
				}
			} else if (model_alloc_pages(m, &req, &ar)) {
				abort();
			}
			if (ar.pfn != MODEL_PFN_NONE && nr_held < MAX_HELD) {
				held[nr_held].pfn = ar.pfn;
				held[nr_held].order = req.order;
				nr_held++;
			}
			break;
		}
		case 3:
		case 4:
			if (nr_held) {
				int k = b[1] % nr_held;

				model_free_pages(m, held[k].pfn, held[k].order, b[2] % c.nr_cpus,
						 b[3] & 7, &fr);
				held[k] = held[--nr_held];
			}
			break;
		case 5:	/* a free the model may disagree with */
			model_free_pages(m, any_pfn(b + 1), b[3] % c.nr_page_orders, 0, b[3] >> 5,
					 &fr);
			break;
		case 6: {
			unsigned int order = b[3] % 4;
			uint64_t pfn = any_pfn(b + 1) & ~(((uint64_t)1 << order) - 1);

			model_force_alloc(m, pfn, order, -1, b[3] >> 6, &fo);
			break;
		}
		case 7:
			model_drain_pcp(m, b[1] % 2 ? -1 : (int)(b[2] % c.nr_cpus));
			break;
		case 8:
			model_pcp_decay(m, -1);
			break;
		case 9:
			model_pcpu_drain_page(m, any_pfn(b + 1), b[3] % 4, &fr);
			break;
		case 10:
			if (pressure && (b[1] & 2)) {
				if ((b[2] & 1) && c.compaction)
					model_compact_memory(m);
				else if (c.compaction)
					model_compact_proactive(m);
			} else if (b[1] & 1)
				model_kswapd_sleep(m, -1);
			else
				model_reclaim_active_set(m, 0, MODEL_ZONE_NORMAL, b[2] & 1);
			break;
		case 12: {
			unsigned int order = b[3] % 4;
			uint64_t pfn = any_pfn(b + 1) & ~(((uint64_t)1 << order) - 1);

			model_force_pcp_refill(m, b[3] >> 6 < c.nr_cpus ? b[3] >> 6 : 0, pfn, order,
					       b[1] % 3, &fo);
			break;
		}
		case 13: {
			struct model_alloc_req req = { 0 };

			req.gfp_flags = fuzz_gfps[b[2] % (sizeof(fuzz_gfps) / sizeof(fuzz_gfps[0]))];
			req.cpu = b[3] % c.nr_cpus;
			req.preferred_node = -1;
			model_unreserve_highatomic(m, &req, b[1] & 1);
			break;
		}
		case 11: {
			/* memory appearing at the end of the NORMAL zone of node 0 */
			struct model_zone_info zi;

			model_zone_info_get(m, 1, &zi);
			if (zi.spanned_pages < 16384)
				model_zone_add_pages(m, 1, zi.start_pfn + zi.spanned_pages,
						     1 + b[1] * 4u);
			break;
		}
		}
		check_or_die(m, i);
	}
	model_destroy(m);
	return 0;
}
