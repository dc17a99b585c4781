// SPDX-License-Identifier: MIT
/*
 * The start of a replay: the trace header becomes a struct model_config
 * (zones, recorded watermarks / lowmem reserve / pcp sizes, sysctls, kernel
 * release -> behavior profile), what-if settings are laid over it, and the
 * model's free state is built from the trace's snapshot, or - without one -
 * laid out to match the first checkpoint's per order x migratetype counts
 * (spec 8.3), or as boot leaves it. Also the pfn map of what-if mode.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

static int zone_type_of(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static int64_t jint(json_t *o, const char *key, int64_t dflt)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint64_t wmark_less_boost(int64_t mark, uint64_t boost)
{
	return mark > 0 && (uint64_t)mark > boost ? (uint64_t)mark - boost : 0;
}

/* Each cpu's last-level cache, for 6.18's PCPF_FREE_HIGH_BATCH (spec 4.3; header host.llc). */
static void header_llc(struct model_config *cfg, json_t *llc)
{
	json_t *e;
	size_t i;

	json_array_foreach(llc, i, e) {
		int64_t cpu = jint(e, "cpu", -1), bytes = jint(e, "size_bytes", 0);
		int64_t shared = jint(e, "shared_cpus", 0);

		if (cpu < 0 || cpu >= MODEL_MAX_CPUS || bytes <= 0 || bytes > UINT32_MAX ||
		    shared <= 0 || shared > UINT16_MAX)
			continue;
		cfg->cpu_llc_bytes[cpu] = (uint32_t)bytes;
		cfg->cpu_llc_shared[cpu] = (uint16_t)shared;
	}
}

/* Every recorded pcp batch of every zone equals @batch. */
static bool host_pcp_batch_is(json_t *zones, int batch)
{
	json_t *z, *p;
	size_t i, k;
	bool any = false;

	json_array_foreach(zones, i, z) {
		json_array_foreach(json_object_get(z, "pcp"), k, p) {
			if (jint(p, "batch", -1) != batch)
				return false;
			any = true;
		}
	}
	return any;
}

/* Drops (-1) a setting @v that was given equal to the header's @key of @obj. */
static void drop_if_host(int *v, json_t *obj, const char *key)
{
	if (*v >= 0 && *v == jint(obj, key, -2))
		*v = -1;
}

/*
 * A what-if setting equal to the traced host's value is no change: drop it,
 * so that giving the host's own values gives exactly the result of giving
 * none, and the run's settings list only what differs.
 */
static void settings_drop_host_values(struct replay_settings *s, json_t *root)
{
	json_t *host = json_object_get(root, "host"), *sysctl = json_object_get(root, "sysctl");
	json_t *lr = json_object_get(sysctl, "lowmem_reserve_ratio");
	bool same = json_is_array(lr) && s->nr_lowmem_reserve_ratio > 0;

	drop_if_host(&s->nr_page_orders, host, "nr_page_orders");
	drop_if_host(&s->pageblock_order, host, "pageblock_order");
	if (s->min_free_kbytes >= 0 && s->min_free_kbytes == jint(sysctl, "min_free_kbytes", -2))
		s->min_free_kbytes = -1;
	drop_if_host(&s->watermark_scale_factor, sysctl, "watermark_scale_factor");
	drop_if_host(&s->watermark_boost_factor, sysctl, "watermark_boost_factor");
	drop_if_host(&s->pcp_high_fraction, sysctl, "percpu_pagelist_high_fraction");
	if (s->pcp_batch >= 0 && host_pcp_batch_is(json_object_get(root, "zones"), s->pcp_batch))
		s->pcp_batch = -1;
	drop_if_host(&s->nr_cpus, host, "cpus");
	drop_if_host(&s->compaction_proactiveness, sysctl, "compaction_proactiveness");
	if (s->reclaim == 1)	/* the kernel's own: modelled by default */
		s->reclaim = -1;
	if (s->compaction == 1)
		s->compaction = -1;
	for (int k = 0; same && k < s->nr_lowmem_reserve_ratio; k++)
		same = json_integer_value(json_array_get(lr, (size_t)k)) == s->lowmem_reserve_ratio[k] &&
		       json_is_integer(json_array_get(lr, (size_t)k));
	if (same)
		s->nr_lowmem_reserve_ratio = 0;
}

/* The traced host's value of every what-if setting, by option name (null if not recorded). */
json_t *replay_host_settings_json(const struct replay_header *h)
{
	json_t *host = json_object_get(h->root, "host"), *sysctl = json_object_get(h->root, "sysctl");
	/* option name, and where the header records it: "host" (else "sysctl") and the key */
	static const struct {
		const char *option;
		bool in_host;
		const char *key;
	} recorded[] = {
		{ "max-order", true, "nr_page_orders" },
		{ "pageblock-order", true, "pageblock_order" },
		{ "min-free-kbytes", false, "min_free_kbytes" },
		{ "watermark-scale-factor", false, "watermark_scale_factor" },
		{ "watermark-boost-factor", false, "watermark_boost_factor" },
		{ "lowmem-reserve-ratio", false, "lowmem_reserve_ratio" },
		{ "pcp-high-fraction", false, "percpu_pagelist_high_fraction" },
		{ "cpus", true, "cpus" },
		{ "compaction-proactiveness", false, "compaction_proactiveness" },
	};
	json_t *o = json_object();

	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
		json_t *v = json_object_get(recorded[i].in_host ? host : sysctl, recorded[i].key);

		json_object_set(o, recorded[i].option, v ? v : json_null());
	}
	/* the kernel reclaims and compacts; nothing records extfrag_threshold or a compaction time */
	json_object_set_new(o, "extfrag-threshold", json_null());
	json_object_set_new(o, "reclaim", json_integer(1));
	json_object_set_new(o, "compaction", json_integer(1));
	json_object_set_new(o, "compact-at", json_null());
	return o;
}

/* The parts of the header's host object the model's config and the replay take. */
static void header_host(struct replay_header *h, json_t *host, struct model_config *cfg)
{
	enum model_profile profile = MODEL_PROFILE_6_18;
	json_t *mts, *z;
	size_t i;
	int64_t cpus;
	const char *thp;

	h->kernel_release = jstr(host, "kernel_release");
	h->host = jstr(host, "hostname");
	if (h->kernel_release) {
		int r = model_profile_from_release(h->kernel_release, &profile);

		if (r < 0)
			profile = MODEL_PROFILE_6_18;
		h->profile_guessed = r != 0;
	} else {
		h->profile_guessed = true;
	}
	model_config_init(cfg, profile);

	mts = json_object_get(host, "migratetypes");
	if (json_is_array(mts)) {
		json_array_foreach(mts, i, z) {
			if (i < REPLAY_MAX_MT && json_is_string(z))
				h->mt_names[h->nr_mt_names++] = json_string_value(z);
		}
	}
	if (h->nr_mt_names == 6)
		cfg->nr_migratetypes = 6;
	cfg->nr_page_orders = (unsigned int)jint(host, "nr_page_orders", REPLAY_X86_NR_PAGE_ORDERS);
	cfg->pageblock_order = (unsigned int)jint(host, "pageblock_order",
						  MODEL_X86_PAGEBLOCK_ORDER);
	h->header_orders = cfg->nr_page_orders;
	h->header_pb_order = cfg->pageblock_order;
	/* validated 1..8192 or absent; the model folds cpus past its 1024 */
	cpus = jint(host, "cpus", 0);
	h->header_cpus = (unsigned int)cpus;
	cfg->nr_cpus = cpus <= 0 ? 1 : cpus > MODEL_MAX_CPUS ? MODEL_MAX_CPUS : (unsigned int)cpus;
	thp = jstr(host, "thp_enabled");
	cfg->thp_enabled = !thp || strcmp(thp, "never");
	header_llc(cfg, json_object_get(host, "llc"));
	if (jint(host, "page_reporting_order", 0) > 0 &&
	    jint(host, "page_reporting_order", 0) < (int64_t)cfg->nr_page_orders)
		cfg->page_reporting_order = (unsigned int)jint(host, "page_reporting_order", 0);
}

/* The host's vm sysctls. */
static void header_sysctl(json_t *sysctl, struct model_config *cfg)
{
	json_t *lr = json_object_get(sysctl, "lowmem_reserve_ratio"), *z;
	size_t i;

	if (jint(sysctl, "min_free_kbytes", -1) > 0)
		cfg->min_free_kbytes = (uint64_t)jint(sysctl, "min_free_kbytes", 0);
	/*
	 * A capture's snapshot trigger writes vm.min_free_kbytes with its own
	 * value, which makes it the kernel's user value (kept over the computed
	 * default when memory appears, spec 5.1); a value read without a write
	 * is at least the computed default, so either way it is a floor.
	 */
	cfg->user_min_free_kbytes = cfg->min_free_kbytes;
	if (jint(sysctl, "watermark_scale_factor", -1) > 0)
		cfg->watermark_scale_factor = (unsigned int)jint(sysctl, "watermark_scale_factor", 10);
	if (jint(sysctl, "watermark_boost_factor", -1) >= 0)
		cfg->watermark_boost_factor = (unsigned int)jint(sysctl, "watermark_boost_factor",
								 15000);
	if (jint(sysctl, "compaction_proactiveness", -1) >= 0 &&
	    jint(sysctl, "compaction_proactiveness", -1) <= 100)
		cfg->compaction_proactiveness =
			(unsigned int)jint(sysctl, "compaction_proactiveness", 20);
	if (jint(sysctl, "percpu_pagelist_high_fraction", -1) >= 0)
		cfg->percpu_pagelist_high_fraction =
			(unsigned int)jint(sysctl, "percpu_pagelist_high_fraction", 0);
	if (json_is_array(lr))
		json_array_foreach(lr, i, z) {
			if (i < MODEL_NR_ZONE_TYPES && json_is_integer(z))
				cfg->lowmem_reserve_ratio[i] = (unsigned int)json_integer_value(z);
		}
}

/* Recorded outputs a what-if setting makes stale: the model derives them instead. */
struct header_derive {
	bool wmarks, lowmem, pcp;
};

/* What-if settings over the host's config. */
static void settings_apply(const struct replay_settings *set, enum replay_mode mode,
			   struct model_config *cfg, struct header_derive *d)
{
	d->wmarks = set->min_free_kbytes >= 0 || set->watermark_scale_factor >= 0 ||
		    set->nr_lowmem_reserve_ratio > 0;
	d->lowmem = set->nr_lowmem_reserve_ratio > 0;
	d->pcp = set->pcp_high_fraction >= 0 || set->pcp_batch >= 0 || set->nr_cpus >= 0 ||
		 d->wmarks;
	if (set->nr_page_orders >= 0) {
		cfg->nr_page_orders = (unsigned int)set->nr_page_orders;
		if (set->pageblock_order < 0 && cfg->pageblock_order >= cfg->nr_page_orders)
			cfg->pageblock_order = cfg->nr_page_orders - 1;
		if (cfg->thp_order >= cfg->nr_page_orders)
			cfg->thp_order = cfg->pageblock_order;
	}
	if (set->pageblock_order >= 0) {
		cfg->pageblock_order = (unsigned int)set->pageblock_order;
		if (cfg->thp_order)
			cfg->thp_order = cfg->pageblock_order;
	}
	/* THP pcp lists exist above the costly order, up to nr_page_orders - 1 only */
	if (cfg->thp_order && (cfg->thp_order <= MODEL_PAGE_ALLOC_COSTLY_ORDER ||
			       cfg->thp_order >= cfg->nr_page_orders))
		cfg->thp_order = 0;
	if (set->min_free_kbytes >= 0)
		cfg->min_free_kbytes = cfg->user_min_free_kbytes = (uint64_t)set->min_free_kbytes;
	if (set->watermark_scale_factor >= 0)
		cfg->watermark_scale_factor = (unsigned int)set->watermark_scale_factor;
	if (set->watermark_boost_factor >= 0)
		cfg->watermark_boost_factor = (unsigned int)set->watermark_boost_factor;
	for (int k = 0; k < set->nr_lowmem_reserve_ratio && k < MODEL_NR_ZONE_TYPES; k++)
		cfg->lowmem_reserve_ratio[k] = (unsigned int)set->lowmem_reserve_ratio[k];
	if (set->pcp_high_fraction >= 0)
		cfg->percpu_pagelist_high_fraction = (unsigned int)set->pcp_high_fraction;
	if (set->pcp_batch >= 0)
		cfg->pcp_batch = (unsigned int)set->pcp_batch;
	if (set->nr_cpus >= 0)
		cfg->nr_cpus = (unsigned int)set->nr_cpus;
	cfg->boost_clear = mode == REPLAY_WHATIF ? MODEL_BOOST_CLEAR_ON_WAKE
						 : MODEL_BOOST_CLEAR_MANUAL;
	/* what-if models reclaim and compaction itself; shadow takes them from the trace */
	cfg->reclaim = mode == REPLAY_WHATIF && set->reclaim != 0;
	cfg->compaction = mode == REPLAY_WHATIF && set->compaction != 0;
	if (set->compaction_proactiveness >= 0)
		cfg->compaction_proactiveness = (unsigned int)set->compaction_proactiveness;
	if (set->extfrag_threshold >= 0)
		cfg->extfrag_threshold = (unsigned int)set->extfrag_threshold;
}

/* The recorded watermarks, lowmem reserves and pcp sizes of zone @z, unless derived. */
static void zone_recorded_outputs(json_t *z, struct model_zone_config *zc,
				  const struct header_derive *d)
{
	json_t *prot = json_object_get(z, "protection");
	json_t *pcp = json_object_get(z, "pcp");

	if (!d->wmarks && json_is_integer(json_object_get(z, "min"))) {
		/* zoneinfo's watermarks include the boost (capture/HEADER.md); the model's do not */
		uint64_t boost = (uint64_t)jint(z, "boost", 0);

		zc->has_wmarks = true;
		zc->wmark_min = wmark_less_boost(jint(z, "min", 0), boost);
		zc->wmark_low = wmark_less_boost(jint(z, "low", 0), boost);
		zc->wmark_high = wmark_less_boost(jint(z, "high", 0), boost);
		zc->wmark_promo = wmark_less_boost(jint(z, "promo", jint(z, "high", 0)), boost);
		zc->watermark_boost = boost;
	}
	if (!d->lowmem && !d->wmarks && json_is_array(prot)) {
		size_t k;
		json_t *v;

		zc->has_lowmem_reserve = true;
		json_array_foreach(prot, k, v) {
			if (k < MODEL_NR_ZONE_TYPES && json_is_integer(v))
				zc->lowmem_reserve[k] = (uint64_t)json_integer_value(v);
		}
	}
	if (!d->pcp && json_is_array(pcp) && json_array_size(pcp)) {
		json_t *p0 = json_array_get(pcp, 0);

		if (jint(p0, "batch", 0) > 0) {
			zc->has_pcp = true;
			zc->pcp_batch = (uint32_t)jint(p0, "batch", 1);
			zc->pcp_high = (uint32_t)jint(p0, "high", 0);
			zc->pcp_high_min = (uint32_t)jint(p0, "high_min", zc->pcp_high);
			zc->pcp_high_max = (uint32_t)jint(p0, "high_max", zc->pcp_high);
		}
	}
}

/* The header's zones into the config; 0 or -EINVAL with @err naming the zone. */
static int header_zones(const char *path, json_t *zones, struct model_config *cfg,
			const struct header_derive *d, struct bs_error *err)
{
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z) {
		struct model_zone_config *zc;
		const char *name = jstr(z, "name");
		int type = name ? zone_type_of(name) : -1;
		int64_t spanned = jint(z, "spanned", 0);

		if (type < 0) {
			replay_err_set(err, "%s: header zone %zu has an unknown name '%s'", path, i,
				name ? name : "(none)");
			return -EINVAL;
		}
		if (spanned <= 0)
			continue;
		if (cfg->nr_zones == MODEL_MAX_ZONES) {
			replay_err_set(err, "%s: more than %d zones in the header", path, MODEL_MAX_ZONES);
			return -EINVAL;
		}
		zc = &cfg->zones[cfg->nr_zones++];
		memset(zc, 0, sizeof(*zc));
		zc->node = (unsigned int)jint(z, "node", 0);
		zc->type = (enum model_zone_type)type;
		snprintf(zc->name, sizeof(zc->name), "%s", name);
		zc->start_pfn = (uint64_t)jint(z, "start_pfn", 0);
		zc->spanned_pages = (uint64_t)spanned;
		zc->present_pages = (uint64_t)jint(z, "present", spanned);
		zc->managed_pages = (uint64_t)jint(z, "managed", (int64_t)zc->present_pages);
		if (zc->node + 1 > cfg->nr_nodes)
			cfg->nr_nodes = zc->node + 1;
		zone_recorded_outputs(z, zc, d);
	}
	if (!cfg->nr_zones) {
		replay_err_set(err, "%s: the trace header's zones are all empty", path);
		return -EINVAL;
	}
	return 0;
}

int replay_header_parse(const char *path, const char *blob, struct replay_header *h,
			struct model_config *cfg, const struct replay_settings *given,
			enum replay_mode mode, struct bs_error *err)
{
	struct header_derive derive;
	json_error_t jerr;
	json_t *zones;

	memset(h, 0, sizeof(*h));
	h->root = json_loads(blob, 0, &jerr);
	if (!h->root || !json_is_object(h->root)) {
		replay_err_set(err, "%s: the trace header is not a JSON object (%s)", path,
			h->root ? "wrong type" : jerr.text);
		return -EINVAL;
	}
	if (replay_header_validate(path, h->root, err))
		return -EINVAL;
	h->settings = *given;
	settings_drop_host_values(&h->settings, h->root);
	header_host(h, json_object_get(h->root, "host"), cfg);
	header_sysctl(json_object_get(h->root, "sysctl"), cfg);
	settings_apply(&h->settings, mode, cfg, &derive);
	zones = json_object_get(h->root, "zones");
	if (!json_is_array(zones) || !json_array_size(zones)) {
		if (replay_zones_infer(path, h, cfg->nr_page_orders, err) < 0)
			return -EINVAL;
		zones = json_object_get(h->root, "zones");
	}
	return header_zones(path, zones, cfg, &derive, err);
}

/*
 * Each cpu's pcp starts at the high it had when the capture began: the
 * kernel keeps pcp->high across watermark and sysctl changes (spec 12) and
 * clamps it into [high_min, high_max] on next use, so a what-if setting
 * changes the bounds, not the current value. Every cpu has its own.
 */
void replay_pcp_high_seed(struct model *m, const struct replay_header *h)
{
	const struct model_config *c = model_config_get(m);
	json_t *zones = json_object_get(h->root, "zones"), *z;
	size_t i;

	json_array_foreach(zones, i, z) {
		const char *name = jstr(z, "name");
		int zone = name ? replay_zone_by_name(m, (unsigned int)jint(z, "node", 0), name) : -1;
		json_t *pcp = json_object_get(z, "pcp"), *p;
		size_t k;

		if (zone < 0 || !json_is_array(pcp))
			continue;
		json_array_foreach(pcp, k, p) {
			int64_t cpu = jint(p, "cpu", -1), high = jint(p, "high", -1);
			struct model_pcp_tuning t = { 0 };

			if (cpu < 0 || cpu >= (int64_t)c->nr_cpus || high < 0 || high > UINT32_MAX)
				continue;
			t.high = (uint32_t)high;
			model_pcp_tuning_set(m, (unsigned int)zone, (unsigned int)cpu, &t);
		}
	}
}

void replay_header_release(struct replay_header *h)
{
	json_decref(h->root);
	h->root = NULL;
}

int replay_zone_by_name(const struct model *m, unsigned int node, const char *name)
{
	const struct model_config *c = model_config_get(m);

	for (unsigned int i = 0; i < c->nr_zones; i++)
		if (c->zones[i].node == node && !strcmp(c->zones[i].name, name))
			return (int)i;
	return -1;
}

/* ---- start state ------------------------------------------------------ */

static int snap_cmp(const void *a, const void *b)
{
	const struct snap_rec *x = a, *y = b;
	bool px = x->flags & TRACEFMT_SNAP_PCP, py = y->flags & TRACEFMT_SNAP_PCP;

	if (px != py)
		return px - py;
	if (px && x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->zone != y->zone)
		return x->zone - y->zone;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->mt != y->mt)
		return x->mt - y->mt;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/*
 * Set the type of every pageblock a block covers (6.18 wants list == block
 * type). Counted in pageblocks, so a block near the top of the pfn space
 * cannot wrap; a zone starting inside its first pageblock (DMA at pfn 1) is
 * addressed through a pfn of the zone, not the aligned one below it.
 */
static void set_block_types(struct model *m, uint64_t pfn, unsigned int order, int mt)
{
	unsigned int pbo = model_config_get(m)->pageblock_order;
	uint64_t first = pfn & ~((1ull << pbo) - 1);
	uint64_t nr = order > pbo ? 1ull << (order - pbo) : 1;

	if (order >= 63 || pfn > UINT64_MAX - (1ull << order))
		return;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t p = first + (i << pbo);

		model_pageblock_set_migratetype(m, p < pfn ? pfn : p, mt);
	}
}

/* A snapshot record the model can place: in a zone, an order that fits. */
static bool snap_rec_usable(const struct snap_rec *r)
{
	return r->zone >= 0 && r->order < MODEL_MAX_ORDERS + 2 &&
	       r->pfn <= UINT64_MAX - (1ull << r->order);
}

/*
 * Pageblock types from the snapshot. A pcp list's migratetype is its
 * pageblock's type when the page was freed (spec 3.3): it types the blocks
 * that hold only pcp pages. Buddy lists are typed as the block is now
 * (6.18 keeps them equal), so they are applied last and win.
 */
static void seed_block_types(struct model *m, const struct prescan *ps)
{
	const struct model_config *c = model_config_get(m);
	int isolate = model_mt_isolate(c->nr_migratetypes);

	for (int pass = 0; pass < 2; pass++) {
		bool want_pcp = pass == 0;

		for (size_t i = 0; i < ps->nr_snap; i++) {
			const struct snap_rec *r = &ps->snap[i];

			if (!snap_rec_usable(r) || !!(r->flags & TRACEFMT_SNAP_PCP) != want_pcp)
				continue;
			if (r->mt >= 0 && r->mt < (int)c->nr_migratetypes && r->mt != isolate &&
			    r->order < c->nr_page_orders)
				set_block_types(m, r->pfn, r->order, r->mt);
		}
	}
}

static int seed_snapshot(struct model *m, const struct prescan *ps, bool exact,
			 struct start_report *rep)
{
	const struct model_config *c = model_config_get(m);
	int isolate = model_mt_isolate(c->nr_migratetypes);

	qsort(ps->snap, ps->nr_snap, sizeof(*ps->snap), snap_cmp);
	seed_block_types(m, ps);
	for (size_t i = 0; i < ps->nr_snap; i++) {
		const struct snap_rec *r = &ps->snap[i];
		int mt = r->mt >= 0 && r->mt < (int)c->nr_migratetypes ? r->mt : MODEL_MT_MOVABLE;
		int ret;

		if (!snap_rec_usable(r)) {
			rep->blocks_rejected++;
			continue;
		}

		if (!exact || r->order >= c->nr_page_orders) {
			ret = model_free_range(m, r->pfn, 1ull << r->order);
			if (ret)
				rep->blocks_rejected++;
			else
				rep->blocks_seeded++;
			continue;
		}
		if (r->flags & TRACEFMT_SNAP_PCP) {
			unsigned int cpu = r->cpu % c->nr_cpus;

			ret = model_seed_pcp(m, cpu, r->pfn, r->order,
					     mt < MODEL_MIGRATE_PCPTYPES ? mt : MODEL_MT_MOVABLE,
					     true);
			if (ret)
				rep->blocks_rejected++;
			else
				rep->pcp_seeded++;
			continue;
		}
		/*
		 * 6.18 keeps every free list equal to its pageblock's type; a
		 * racy walk can disagree within one pageblock. The type set
		 * last (by the largest block) wins and the block follows it.
		 */
		if (c->profile == MODEL_PROFILE_6_18 && r->order < c->pageblock_order) {
			struct model_pfn_state st;

			if (!model_pfn_state_get(m, r->pfn, &st) && st.pageblock_mt >= 0 &&
			    st.pageblock_mt != mt && st.pageblock_mt != isolate) {
				mt = st.pageblock_mt;
				rep->type_conflicts++;
			}
		}
		ret = model_seed_buddy(m, r->pfn, r->order, mt, true);
		if (ret)
			rep->blocks_rejected++;
		else
			rep->blocks_seeded++;
		/*
		 * The walk does not read PG_reported. A block that sat free long
		 * enough to be walked is taken as reported (the worker runs 2 s
		 * after a free of its order): only blocks freed during the trace
		 * are reported, and reordered, by the model.
		 */
		if (!ret && c->page_reporting_order && r->order >= c->page_reporting_order)
			model_page_reported_set(m, r->pfn, true);
	}
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Place one free block: exact seeding, or a merging free when orders changed. */
static int place_block(struct model *m, uint64_t pfn, unsigned int order, int mt, bool exact)
{
	set_block_types(m, pfn, order, mt);
	if (exact)
		return model_seed_buddy(m, pfn, order, mt, true);
	return model_free_range(m, pfn, 1ull << order);
}

/*
 * A layout matching one zone's counts n[order][mt]. Max-order blocks stand
 * alone. The rest form chains: chain k holds one block of every order o
 * with n[o][mt] > k, in descending order from the start of an aligned
 * region of twice the chain's top order, and ends with at least one
 * allocated page, so every block's buddy (the rest of the region above it)
 * holds that page and nothing merges. Each migratetype starts on a fresh
 * max-order boundary so pageblocks keep one type.
 */
/* Blocks of orders 0..top with a count above k for some k in [k, k_end): none get placed. */
static uint64_t chains_unplaced(const uint32_t *counts, unsigned int stride, int top, uint64_t k,
				uint64_t k_end)
{
	uint64_t n = 0;

	for (int o = top; o >= 0; o--) {
		uint64_t c = counts[(size_t)o * stride];

		if (c > k)
			n += (c < k_end ? c : k_end) - k;
	}
	return n;
}

static void layout_zone(struct model *m, unsigned int zone, const struct tracefmt_event *ck,
			unsigned int header_orders, bool exact, const volatile int *stop,
			struct start_report *rep)
{
	const struct model_config *c = model_config_get(m);
	const struct model_zone_config *zc = &c->zones[zone];
	unsigned int nr_o = ck->u.checkpoint.nr_orders, nr_mt = ck->u.checkpoint.nr_mt;
	unsigned int maxo = header_orders - 1;
	uint64_t end = zc->start_pfn + zc->spanned_pages;
	uint64_t cursor = align_up(zc->start_pfn, 1ull << maxo);
	uint64_t assigned[MODEL_MAX_MIGRATETYPES] = { 0 };
	uint64_t pb = 1ull << c->pageblock_order;
	int isolate = model_mt_isolate(c->nr_migratetypes);

	if (nr_o > header_orders)
		nr_o = header_orders;
	if (nr_mt > c->nr_migratetypes)
		nr_mt = c->nr_migratetypes;
	for (unsigned int mt = 0; mt < nr_mt; mt++) {
		uint64_t k_max = 0, start = cursor;

		if ((int)mt == isolate)
			continue;
		/* counts come from the file: loop over what fits, count the rest at once */
		uint64_t want = nr_o == header_orders ? ck->u.checkpoint.free_blocks[maxo][mt] : 0;
		uint64_t fit = cursor < end ? (end - cursor) >> maxo : 0;

		if (want > fit) {
			rep->layout_unplaced += want - fit;
			want = fit;
		}
		for (uint64_t i = 0; i < want; i++) {
			if (!(i & 4095) && stop && *stop)
				return;
			if (place_block(m, cursor, maxo, (int)mt, exact))
				rep->layout_unplaced++;
			else
				rep->blocks_seeded++;
			cursor += 1ull << maxo;
		}
		for (unsigned int o = 0; o < nr_o && o < maxo; o++)
			if (ck->u.checkpoint.free_blocks[o][mt] > k_max)
				k_max = ck->u.checkpoint.free_blocks[o][mt];
		for (uint64_t k = 0; k < k_max; k++) {
			int top = -1;
			uint64_t p;

			for (int o = (int)(nr_o < maxo ? nr_o : maxo) - 1; o >= 0; o--)
				if (ck->u.checkpoint.free_blocks[o][mt] > k) {
					top = o;
					break;
				}
			if (!(k & 4095) && stop && *stop)
				return;
			cursor = align_up(cursor, 2ull << top);
			if (cursor >= end || (2ull << top) > end - cursor) {
				/* no chain with this top fits: skip to the first with a lower top */
				uint64_t k_end = ck->u.checkpoint.free_blocks[top][mt];

				rep->layout_unplaced += chains_unplaced(&ck->u.checkpoint.free_blocks[0][mt],
									TRACEFMT_MAX_MT, top, k, k_end);
				k = k_end - 1;
				continue;
			}
			p = cursor;
			for (int o = top; o >= 0; o--) {
				if (ck->u.checkpoint.free_blocks[o][mt] <= k)
					continue;
				if (place_block(m, p, (unsigned int)o, (int)mt, exact))
					rep->layout_unplaced++;
				else
					rep->blocks_seeded++;
				p += 1ull << o;
			}
			cursor += 2ull << top;
		}
		cursor = align_up(cursor, 1ull << maxo);
		assigned[mt] += (cursor - start) / pb;
	}
	/* Untouched pageblocks hold no free page: give them the missing types. */
	if (ck->u.checkpoint.flags & TRACEFMT_CKPT_HAS_PAGEBLOCKS) {
		for (unsigned int mt = 0; mt < nr_mt; mt++) {
			if (mt == MODEL_MT_MOVABLE || (int)mt == isolate)
				continue;
			while (assigned[mt] < ck->u.checkpoint.pageblocks[mt] && cursor + pb <= end) {
				model_pageblock_set_migratetype(m, cursor, (int)mt);
				assigned[mt]++;
				cursor += pb;
			}
		}
	}
}

/*
 * model_populate() in slices of 2^20 pages, reading the stop flag between
 * them: a header's zone may span 2^31 pages. Slices start on multiples of
 * 2^20, which the top order (< 2^16) divides, so model_free_range() cuts
 * the same blocks as over the whole span; zones never merge with each
 * other, so their order does not matter.
 */
static int populate_stoppable(struct model *m, const volatile int *stop)
{
	const struct model_config *c = model_config_get(m);
	const uint64_t slice = 1ull << 20;
	int ret = 0;

	for (unsigned int i = 0; i < c->nr_zones; i++) {
		uint64_t p = c->zones[i].start_pfn, end = p + c->zones[i].spanned_pages;

		while (p < end) {
			uint64_t cut = (p | (slice - 1)) + 1;
			int r;

			if (stop && *stop)
				return -EINTR;
			r = model_free_range(m, p, (cut < end ? cut : end) - p);
			if (r && !ret)
				ret = r;
			p = cut;
		}
	}
	return ret;
}

int replay_start_build(struct model *m, const struct prescan *ps, bool exact,
		       unsigned int header_orders, struct start_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->exact = exact;
	if (ps->snapshot) {
		rep->kind = START_SNAPSHOT;
		/* a walk whose every block was refused leaves nothing free */
		return ps->nr_snap ? seed_snapshot(m, ps, exact, rep) : 0;
	}
	if (ps->have_ckpt) {
		rep->kind = START_CHECKPOINT;
		for (size_t i = 0; i < ps->nr_ckpt; i++) {
			const struct tracefmt_event *ck = &ps->ckpt[i];
			int zone = replay_zone_by_name(m, ck->u.checkpoint.node, ck->u.checkpoint.zone);

			if (ps->stop && *ps->stop)
				return -EINTR;
			if (zone >= 0)
				layout_zone(m, (unsigned int)zone, ck, header_orders, exact, ps->stop,
					    rep);
		}
		return 0;
	}
	rep->kind = START_BOOT;
	return populate_stoppable(m, ps->stop);
}
