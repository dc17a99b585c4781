/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the model tests: building small layouts, recording the
 * tracepoint-equivalent observer callbacks, and requiring model_check() to
 * hold.
 */
#ifndef BUDDYSCOPE_TESTS_MODEL_UTIL_H
#define BUDDYSCOPE_TESTS_MODEL_UTIL_H

#include "harness.h"
#include "model/model.h"

static const char *const prof_name[] = { "6.1", "6.18" };

/* A case that runs under every kernel profile: PROFILE_CASE(test_x) in the table. */
#define PROFILE_CASE(fn)                                                               \
	{ #fn, fn##_profiles }
#define DEFINE_PROFILE_CASE(fn)                                                        \
	static void fn##_profiles(void)                                                 \
	{                                                                               \
		for (int p = MODEL_PROFILE_6_1; p <= MODEL_PROFILE_6_18; p++) {         \
			fprintf(stderr, "profile %s\n", prof_name[p]);                  \
			fn((enum model_profile)p);                                      \
		}                                                                       \
	}

#define NORMAL_START 1048576u		/* first pfn above 4 GiB */
#define MAX_EVENTS 4096

/* What the observer saw, in order. */
struct recorder {
	int nr_locked, nr_drain, nr_extfrag;
	uint64_t locked[MAX_EVENTS];
	uint64_t drain[MAX_EVENTS];
	uint64_t extfrag[MAX_EVENTS];
};

static void rec_locked(void *ctx, uint64_t pfn, unsigned int order, int mt, bool refill)
{
	struct recorder *r = ctx;

	(void)order, (void)mt, (void)refill;
	if (r->nr_locked < MAX_EVENTS)
		r->locked[r->nr_locked++] = pfn;
}

static void rec_drain(void *ctx, uint64_t pfn, unsigned int order, int mt)
{
	struct recorder *r = ctx;

	(void)order, (void)mt;
	if (r->nr_drain < MAX_EVENTS)
		r->drain[r->nr_drain++] = pfn;
}

static void rec_extfrag(void *ctx, uint64_t pfn, unsigned int ao, unsigned int fo, int amt, int fmt,
			bool owned)
{
	struct recorder *r = ctx;

	(void)ao, (void)fo, (void)amt, (void)fmt, (void)owned;
	if (r->nr_extfrag < MAX_EVENTS)
		r->extfrag[r->nr_extfrag++] = pfn;
}

static inline void recorder_attach(struct model *m, struct recorder *r)
{
	static const struct model_observer obs = {
		.zone_locked = rec_locked,
		.pcpu_drain = rec_drain,
		.extfrag = rec_extfrag,
	};

	memset(r, 0, sizeof(*r));
	model_observer_set(m, &obs, r);
}

/* Defaults of the scenario tests: tiny min_free_kbytes, pcp batch 8. */
static inline void base_config(struct model_config *c, enum model_profile p)
{
	model_config_init(c, p);
	c->min_free_kbytes = 128;	/* pages_min 32 */
	c->pcp_batch = 8;
}

/* Give zone @zi recorded watermarks (and zero lowmem reserve). */
static inline void zone_wmarks(struct model_config *c, int zi, uint64_t min, uint64_t low,
			       uint64_t high)
{
	c->zones[zi].has_wmarks = true;
	c->zones[zi].wmark_min = min;
	c->zones[zi].wmark_low = low;
	c->zones[zi].wmark_high = high;
	c->zones[zi].wmark_promo = high;
	c->zones[zi].has_lowmem_reserve = true;
}

#define CHECK_MODEL(m)                                                                  \
	do {                                                                            \
		char _msg[256];                                                         \
		int _r = model_check((m), _msg, sizeof(_msg));                          \
		if (_r)                                                                 \
			fprintf(stderr, "%s:%d: model_check: %s\n", __FILE__, __LINE__, _msg); \
		CHECK(_r == 0);                                                         \
	} while (0)

static inline struct model_alloc_result alloc_one(struct model *m, unsigned int order,
						  uint64_t gfp, unsigned int cpu,
						  unsigned int req_flags)
{
	struct model_alloc_req req = { 0 };
	struct model_alloc_result res;

	req.order = order;
	req.gfp_flags = gfp;
	req.cpu = cpu;
	req.preferred_node = -1;
	req.req_flags = req_flags;
	REQUIRE(model_alloc_pages(m, &req, &res) == 0);
	return res;
}

static inline uint64_t buddyinfo_at(const struct model *m, unsigned int zone, unsigned int order)
{
	uint64_t bi[MODEL_MAX_ORDERS];

	REQUIRE(model_zone_buddyinfo(m, zone, bi) == 0);
	return bi[order];
}

static inline uint64_t list_head(const struct model *m, unsigned int zone, unsigned int order,
				 int mt)
{
	uint64_t pfn = MODEL_PFN_NONE;

	return model_free_list_get(m, zone, order, mt, &pfn, 1) > 0 ? pfn : MODEL_PFN_NONE;
}

#endif
