/* SPDX-License-Identifier: MIT */
/*
 * Speed and memory of the page-allocator model. Prints, for both behavior
 * profiles: alloc+free operations per second on one core with the order and
 * migratetype mix of a real trace, on a model of the development machine
 * (24 GiB, its /proc/zoneinfo layout) and of a 1 TiB host; and bytes of
 * model state per page frame of each. Targets (issue 5): >= 30 M ops/s and
 * <= 16 bytes per frame. Usage: bench_model_ops [ops (default 20000000) [24g|1t
 * [page_reporting_order]]] (reporting order 0 = off, the default).
 * Speed is reported per CPU second of this thread (the machine may be busy)
 * and per wall second.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model.h"

/*
 * Successful mm_page_alloc events of traces/samples/ftrace-churn-6.18.txt.zst
 * by (order, migratetype), counted with
 *   zstdcat ftrace-churn-6.18.txt.zst | grep ' mm_page_alloc:' |
 *   sed -E 's/.*order=([0-9]+).*migratetype=([0-9]+).* /\1 \2/' | sort | uniq -c
 * (failed allocations excluded).
 */
static const struct {
	unsigned int order, mt, count;
} trace_mix[] = {
	{ 0, 1, 15140 }, { 0, 0, 742 }, { 4, 1, 128 }, { 0, 2, 125 }, { 9, 1, 64 },
	{ 6, 0, 20 },	 { 8, 1, 8 },	{ 2, 2, 3 },   { 3, 0, 1 },
};

#define NR_MIX (sizeof(trace_mix) / sizeof(trace_mix[0]))
#define LIVE_SLOTS 16384
#define PICKS 65536

static const uint64_t mt_gfp[3] = {
	MODEL_GFP_KERNEL,
	MODEL_GFP_HIGHUSER_MOVABLE,
	MODEL_GFP_KERNEL | MODEL_GFP_RECLAIMABLE,
};

struct slot {
	uint64_t pfn;
	unsigned int order;
};

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this thread: the "one core" figure even on a busy machine. */
static double cpu_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static unsigned int reporting_order;	/* free page reporting of the models, 0 = off */

/* The development machine's zones (/proc/zoneinfo), 2 CPUs; or a 1 TiB host with 64. */
static void layout(struct model_config *c, enum model_profile p, bool tib)
{
	model_config_init(c, p);
	c->page_reporting_order = reporting_order;
	model_config_add_zone(c, 0, MODEL_ZONE_DMA, 1, 4095);
	c->zones[0].present_pages = 3998;
	c->zones[0].managed_pages = 3840;
	model_config_add_zone(c, 0, MODEL_ZONE_DMA32, 4096, 1044480);
	c->zones[1].present_pages = 782336;
	c->zones[1].managed_pages = 772915;
	if (!tib) {
		c->nr_cpus = 2;
		model_config_add_zone(c, 0, MODEL_ZONE_NORMAL, 1048576, 5505024);
		c->zones[2].managed_pages = 5394266;
	} else {
		c->nr_cpus = 64;
		model_config_add_zone(c, 0, MODEL_ZONE_NORMAL, 1048576, (1ull << 28) - 1048576);
	}
}

/*
 * Replace a random live allocation by a new one from the mix: a free (when
 * the slot is taken) and an allocation, alternating cpus. Return: operations.
 */
static uint64_t churn(struct model *m, struct slot *slots, const uint8_t *picks, uint64_t ops,
		      uint64_t *fails)
{
	static uint64_t k;
	uint64_t done = 0;

	for (; done < ops; k++) {
		size_t s = (size_t)(rnd() % LIVE_SLOTS);
		unsigned int mix = picks[k % PICKS], cpu = (unsigned int)(k & 1);
		struct model_alloc_req req = { 0 };
		struct model_alloc_result ar;
		struct model_free_result fr;

		if (slots[s].pfn != MODEL_PFN_NONE) {
			model_free_pages(m, slots[s].pfn, slots[s].order, cpu, 0, &fr);
			slots[s].pfn = MODEL_PFN_NONE;
			done++;
		}
		req.order = trace_mix[mix].order;
		req.gfp_flags = mt_gfp[trace_mix[mix].mt];
		req.cpu = cpu;
		req.preferred_node = -1;
		req.req_flags = MODEL_REQ_SLOWPATH;
		model_alloc_pages(m, &req, &ar);
		done++;
		if (ar.pfn == MODEL_PFN_NONE) {
			(*fails)++;
			continue;
		}
		slots[s].pfn = ar.pfn;
		slots[s].order = req.order;
	}
	return done;
}

static void run(enum model_profile p, bool tib, uint64_t ops)
{
	static struct slot slots[LIVE_SLOTS];
	static uint8_t picks[PICKS];
	struct model_config c;
	struct model *m;
	uint64_t frames = 0, total = 0, done = 0, fails = 0;
	double t0, dt, c0, dc;
	size_t bytes;

	layout(&c, p, tib);
	for (unsigned int i = 0; i < c.nr_zones; i++)
		frames += c.zones[i].spanned_pages;
	t0 = now_s();
	m = model_create(&c);
	if (!m || model_populate(m)) {
		fprintf(stderr, "bench_model_ops: cannot build the model\n");
		exit(1);
	}
	bytes = model_memory_bytes(m);
	printf("%-5s %-7s frames %10" PRIu64 "  state %8.1f MiB  %5.2f bytes/frame  (create+populate %.2f s)\n",
	       p == MODEL_PROFILE_6_1 ? "6.1" : "6.18", tib ? "1 TiB" : "24 GiB", frames,
	       (double)bytes / 1048576.0, (double)bytes / (double)frames, now_s() - t0);

	/* weighted picks of the trace mix, precomputed so the timed loop is the model's */
	for (size_t i = 0; i < NR_MIX; i++)
		total += trace_mix[i].count;
	for (size_t k = 0; k < PICKS; k++) {
		uint64_t r = rnd() % total;
		size_t i = 0;

		while (r >= trace_mix[i].count)
			r -= trace_mix[i++].count;
		picks[k] = (uint8_t)i;
	}
	for (size_t s = 0; s < LIVE_SLOTS; s++)
		slots[s].pfn = MODEL_PFN_NONE;

	/* warm-up (untimed): fill every slot, then as many operations again */
	churn(m, slots, picks, LIVE_SLOTS * 2 + ops / 4, &fails);
	fails = 0;
	t0 = now_s();
	c0 = cpu_s();
	done = churn(m, slots, picks, ops, &fails);
	dc = cpu_s() - c0;
	dt = now_s() - t0;
	printf("      %-7s %" PRIu64 " alloc+free ops: %.1f M ops/s per CPU second (%.1f ns/op CPU; "
	       "wall %.3f s = %.1f M ops/s), %" PRIu64 " failed allocations\n",
	       tib ? "1 TiB" : "24 GiB", done, (double)done / dc / 1e6, dc * 1e9 / (double)done, dt,
	       (double)done / dt / 1e6, fails);
	model_destroy(m);
}

int main(int argc, char **argv)
{
	uint64_t ops = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000000;
	const char *only = argc > 2 ? argv[2] : "";

	if (argc > 3)
		reporting_order = (unsigned int)strtoul(argv[3], NULL, 10);
	if (!ops || argc > 4 || reporting_order > 10) {
		fprintf(stderr, "usage: bench_model_ops [ops [24g|1t|all [page_reporting_order]]]\n");
		return 2;
	}
	printf("model_ops: %" PRIu64 " ops per run, mix of traces/samples/ftrace-churn-6.18, %d live slots\n",
	       ops, LIVE_SLOTS);
	for (int p = MODEL_PROFILE_6_1; p <= MODEL_PROFILE_6_18; p++) {
		if (strcmp(only, "1t"))
			run((enum model_profile)p, false, ops);
		if (strcmp(only, "24g"))
			run((enum model_profile)p, true, ops);
	}
	return 0;
}
