// SPDX-License-Identifier: MIT
/*
 * What comes from a trace file is checked here before it reaches the model.
 * The header's numbers are checked against what a host can have and what
 * the model and the record format can hold; a refusal names the file and
 * the JSON field. A record that no host could produce (a cpu id at or
 * beyond x86-64's NR_CPUS maximum, an order beyond the host's orders, a pfn beyond the physical
 * address space, a snapshot block outside every zone) is counted by kind and
 * skipped, so no later arithmetic sees it. The counts reach the summary as
 * "records_rejected" (replay/SUMMARY.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

const char *const replay_reject_names[RJ_NR] = {
	[RJ_CPU] = "cpu",
	[RJ_ORDER] = "order",
	[RJ_PFN] = "pfn",
	[RJ_SNAPSHOT_BLOCK] = "snapshot_block",
};

/* ---- header ------------------------------------------------------------- */

/*
 * One integer field: absent or null is fine (the parser's default applies),
 * anything else must be an integer in [lo, hi]. @why says where the bound
 * comes from. On success *v holds the value (or @dflt).
 */
static int check_int(const char *path, const char *where, json_t *obj, const char *key,
		     int64_t lo, int64_t hi, int64_t dflt, const char *why, int64_t *v,
		     struct replay_error *err)
{
	json_t *j = obj ? json_object_get(obj, key) : NULL;

	*v = dflt;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j)) {
		replay_err_set(err, "%s: header field %s.%s is not an integer", path, where, key);
		return -EINVAL;
	}
	*v = (int64_t)json_integer_value(j);
	if (*v < lo || *v > hi) {
		replay_err_set(err, "%s: header field %s.%s is %" PRId64 "; it must be in %" PRId64
			       "..%" PRId64 " (%s)", path, where, key, *v, lo, hi, why);
		return -EINVAL;
	}
	return 0;
}

static int check_host(const char *path, json_t *host, struct replay_error *err)
{
	int64_t orders, pb, v;

	if (host && !json_is_object(host)) {
		replay_err_set(err, "%s: header field host is not an object", path);
		return -EINVAL;
	}
	if (check_int(path, "host", host, "nr_page_orders", 1, REPLAY_HEADER_MAX_ORDERS,
		      REPLAY_X86_NR_PAGE_ORDERS, "a checkpoint record holds 16 orders", &orders,
		      err) ||
	    check_int(path, "host", host, "pageblock_order", 0, orders - 1,
		      orders > MODEL_X86_PAGEBLOCK_ORDER ? MODEL_X86_PAGEBLOCK_ORDER : 0,
		      "a pageblock is smaller than the largest block, nr_page_orders - 1", &pb,
		      err) ||
	    check_int(path, "host", host, "cpus", 1, REPLAY_MAX_HOST_CPUS, 1,
		      "x86-64 NR_CPUS is at most 8192", &v, err))
		return -EINVAL;
	return 0;
}

static int check_sysctl(const char *path, json_t *sysctl, struct replay_error *err)
{
	json_t *lr = sysctl ? json_object_get(sysctl, "lowmem_reserve_ratio") : NULL, *e;
	int64_t v;
	size_t i;

	if (sysctl && !json_is_object(sysctl)) {
		replay_err_set(err, "%s: header field sysctl is not an object", path);
		return -EINVAL;
	}
	if (check_int(path, "sysctl", sysctl, "min_free_kbytes", 0, INT32_MAX, 0,
		      "an int sysctl", &v, err) ||
	    check_int(path, "sysctl", sysctl, "watermark_scale_factor", 0, 3000, 0,
		      "the kernel's sysctl range is 1..3000", &v, err) ||
	    check_int(path, "sysctl", sysctl, "watermark_boost_factor", 0, INT32_MAX, 0,
		      "an int sysctl", &v, err) ||
	    check_int(path, "sysctl", sysctl, "percpu_pagelist_high_fraction", 0, INT32_MAX, 0,
		      "an int sysctl", &v, err))
		return -EINVAL;
	if (v > 0 && v < 8) {
		replay_err_set(err, "%s: header field sysctl.percpu_pagelist_high_fraction is %" PRId64
			       "; it must be 0 or at least 8 (the kernel's minimum)", path, v);
		return -EINVAL;
	}
	if (!json_is_array(lr))
		return 0;
	json_array_foreach(lr, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > INT32_MAX) {
			replay_err_set(err, "%s: header field sysctl.lowmem_reserve_ratio[%zu] is not "
				       "an integer in 0..%d", path, i, INT32_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

/* The page counts of one zone (pages, all bounded by the pfn limit). */
static int check_zone_pages(const char *path, const char *where, json_t *z, int64_t *start,
			    int64_t *spanned, struct replay_error *err)
{
	static const char *const marks[] = { "min", "low", "high", "promo", "boost" };
	const int64_t lim = (int64_t)REPLAY_PFN_LIMIT;
	json_t *prot = json_object_get(z, "protection"), *e;
	int64_t present, managed, v;
	size_t i;

	if (check_int(path, where, z, "start_pfn", 0, lim - 1, 0,
		      "pfns stay below 2^52, the model's limit", start, err) ||
	    check_int(path, where, z, "spanned", 0, REPLAY_MAX_ZONE_PAGES, 0,
		      "the model holds zones of fewer than 2^31 pages (8 TiB)", spanned, err) ||
	    check_int(path, where, z, "present", 0, *spanned, *spanned,
		      "present pages are at most the spanned pages", &present, err) ||
	    check_int(path, where, z, "managed", 0, present, present,
		      "managed pages are at most the present pages", &managed, err))
		return -EINVAL;
	if (*start + *spanned > lim) {
		replay_err_set(err, "%s: header field %s.spanned runs the zone past pfn 2^52 "
			       "(start_pfn %" PRId64 " + %" PRId64 " pages)", path, where, *start,
			       *spanned);
		return -EINVAL;
	}
	/*
	 * A watermark counts pages of one zone (< 2^31), a protection entry
	 * pages of the zones above it (64 zones at most): the bounds keep
	 * mark + boost + lowmem_reserve and the boost's high * factor / 10000
	 * far from 64-bit overflow in the model.
	 */
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (check_int(path, where, z, marks[i], 0, REPLAY_MAX_WMARK_PAGES, 0,
			      "pages of one zone, which holds fewer than 2^31", &v, err))
			return -EINVAL;
	if (json_is_array(prot))
		json_array_foreach(prot, i, e) {
			if (!json_is_integer(e) || json_integer_value(e) < 0 ||
			    json_integer_value(e) > REPLAY_MAX_PROTECTION_PAGES) {
				replay_err_set(err, "%s: header field %s.protection[%zu] is not an "
					       "integer in 0..2^37 (pages of at most 64 zones)", path,
					       where, i);
				return -EINVAL;
			}
		}
	return 0;
}

static int check_zone_pcp(const char *path, const char *where, json_t *z,
			  struct replay_error *err)
{
	static const char *const keys[] = { "batch", "high", "high_min", "high_max" };
	json_t *pcp = json_object_get(z, "pcp"), *p0;
	char w[64];
	int64_t v;

	if (!json_is_array(pcp) || !json_array_size(pcp))
		return 0;
	p0 = json_array_get(pcp, 0);
	snprintf(w, sizeof(w), "%s.pcp[0]", where);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (check_int(path, w, p0, keys[k], 0, INT32_MAX, 0, "pcp sizes are ints", &v, err))
			return -EINVAL;
	return 0;
}

static int check_zones(const char *path, json_t *zones, struct replay_error *err)
{
	int64_t start[MODEL_MAX_ZONES], end[MODEL_MAX_ZONES];
	unsigned int n = 0;
	json_t *z;
	size_t i;

	if (!zones)
		return 0;
	if (!json_is_array(zones)) {
		replay_err_set(err, "%s: header field zones is not an array", path);
		return -EINVAL;
	}
	json_array_foreach(zones, i, z) {
		char where[32];
		int64_t s, sp, node;

		snprintf(where, sizeof(where), "zones[%zu]", i);
		if (!json_is_object(z)) {
			replay_err_set(err, "%s: header field %s is not an object", path, where);
			return -EINVAL;
		}
		if (check_int(path, where, z, "node", 0, MODEL_MAX_NODES - 1, 0,
			      "the model holds 16 nodes", &node, err) ||
		    check_zone_pages(path, where, z, &s, &sp, err) ||
		    check_zone_pcp(path, where, z, err))
			return -EINVAL;
		if (!sp)
			continue;
		for (unsigned int k = 0; k < n; k++)
			if (s < end[k] && start[k] < s + sp) {
				replay_err_set(err, "%s: header field %s.start_pfn: the zone "
					       "[%" PRId64 ", %" PRId64 ") overlaps another zone's "
					       "span [%" PRId64 ", %" PRId64 ")", path, where, s,
					       s + sp, start[k], end[k]);
				return -EINVAL;
			}
		if (n < MODEL_MAX_ZONES) {
			start[n] = s;
			end[n++] = s + sp;
		}
	}
	return 0;
}

int replay_header_validate(const char *path, json_t *root, struct replay_error *err)
{
	if (check_host(path, json_object_get(root, "host"), err) ||
	    check_sysctl(path, json_object_get(root, "sysctl"), err) ||
	    check_zones(path, json_object_get(root, "zones"), err))
		return -EINVAL;
	return 0;
}

/* ---- records -------------------------------------------------------------- */

static bool page_event(uint32_t type)
{
	return type >= TRACEFMT_PAGE_ALLOC && type <= TRACEFMT_PAGE_ALLOC_EXTFRAG;
}

int replay_record_check(const struct replay_limits *l, const struct tracefmt_event *ev)
{
	uint64_t pfn;
	uint32_t order, order2;

	if (!page_event(ev->type))
		return -1;
	if (ev->cpu >= l->nr_cpus)
		return RJ_CPU;
	tracefmt_event_page(ev, &pfn, &order);
	order2 = ev->type == TRACEFMT_PAGE_ALLOC_EXTFRAG ? ev->u.extfrag.fallback_order : 0;
	if (order >= l->nr_orders || order2 >= l->nr_orders)
		return RJ_ORDER;
	/* only an allocation may say "no page" */
	if (pfn == TRACEFMT_PFN_NONE && ev->type == TRACEFMT_PAGE_ALLOC)
		return -1;
	if (pfn >= REPLAY_PFN_LIMIT || (1ull << order) > REPLAY_PFN_LIMIT - pfn)
		return RJ_PFN;
	return -1;
}

bool replay_snapshot_block_fits(const struct model_config *cfg, unsigned int header_orders,
				const struct tracefmt_event *ev)
{
	uint64_t pfn = ev->u.snapshot_block.pfn;
	uint32_t order = ev->u.snapshot_block.order;

	if (order >= header_orders || pfn >= REPLAY_PFN_LIMIT)
		return false;
	for (unsigned int z = 0; z < cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &cfg->zones[z];

		/* both sides below 2^53: no wrap */
		if (pfn >= zc->start_pfn && pfn - zc->start_pfn < zc->spanned_pages)
			return (1ull << order) <= zc->spanned_pages - (pfn - zc->start_pfn);
	}
	return false;
}

void replay_limits_init(struct replay_limits *l, const struct replay_header *h,
			const struct model_config *cfg)
{
	/*
	 * Not the header's cpus: that counts the online cpus, whose ids may be
	 * sparse ("0-3,5" is 5 cpus, one of them cpu 5) or grow by hotplug.
	 * No kernel has a cpu id at or beyond NR_CPUS.
	 */
	(void)h;
	l->nr_cpus = REPLAY_MAX_HOST_CPUS;
	l->nr_orders = h->header_orders > cfg->nr_page_orders ? h->header_orders
							      : cfg->nr_page_orders;
	if (l->nr_orders > REPLAY_MAX_ORDERS)
		l->nr_orders = REPLAY_MAX_ORDERS;
}

/* ---- summary ---------------------------------------------------------------- */

/*
 * Notes the header brings: an inferred layout (and what it cannot know),
 * and the importer's notes (import_notes: a perf text whose loss is unknown).
 */
static void summary_header_notes(json_t *notes, const struct replay_header *h,
				 const struct model_config *cfg)
{
	json_t *n;
	size_t i;

	if (!json_is_array(notes))
		return;
	if (h->layout_inferred) {
		char note[640];
		bool known = json_is_integer(
			json_object_get(json_object_get(h->root, "host"), "nr_page_orders"));

		snprintf(note, sizeof(note), "the trace header has no zones: the layout is inferred "
			 "from the trace's pfns 0x%llx..0x%llx and x86-64's zone limits (DMA < 16 "
			 "MiB, DMA32 < 4 GiB, Normal above), with pageblock order %u and %u orders%s; "
			 "it cannot know holes, reserved pages or memory no event touched, so "
			 "managed = spanned and the watermarks come from those inferred managed "
			 "pages, and pageblock migratetypes are not known. Import with --sysinfo DIR "
			 "(`buddyscope sysinfo save DIR` on the traced host) for the real zones",
			 (unsigned long long)h->inferred_min_pfn,
			 (unsigned long long)(h->inferred_end_pfn - 1), cfg->pageblock_order,
			 cfg->nr_page_orders, known ? "" : " (6.x defaults: not in the header)");
		json_array_append_new(notes, json_string(note));
	}
	json_array_foreach(json_object_get(h->root, "import_notes"), i, n)
		if (json_is_string(n))
			json_array_append_new(notes, json_pack("s+", "import: ", json_string_value(n)));
}

int replay_summary_add_validation(char **summary, const uint64_t rejected[RJ_NR],
				  const struct replay_header *h, const struct model_config *cfg)
{
	json_t *o, *k, *notes;
	char *text;

	if (!*summary)
		return 0;
	o = json_loads(*summary, JSON_DECODE_ANY, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return -EINVAL;
	}
	k = json_object();
	for (int i = 0; i < RJ_NR; i++)
		json_object_set_new(k, replay_reject_names[i], json_integer((json_int_t)rejected[i]));
	json_object_set_new(o, "records_rejected", k);
	notes = json_object_get(o, "notes");
	summary_header_notes(notes, h, cfg);
	if (json_is_array(notes) && h->header_cpus > cfg->nr_cpus) {
		char note[200];

		snprintf(note, sizeof(note), "the host had %u cpus, the model holds %u: cpu n uses "
			 "the pcp lists of cpu n mod %u", h->header_cpus, cfg->nr_cpus, cfg->nr_cpus);
		json_array_append_new(notes, json_string(note));
	}
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	free(*summary);
	*summary = text;
	return 0;
}
