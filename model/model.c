/* SPDX-License-Identifier: MIT */
/*
 * The model's lifecycle and bookkeeping: config defaults and validation,
 * model_create() (zone arrays sized from the spans, zonelists, watermarks
 * and pcp sizes from formulas.h or recorded values), seeding a start state,
 * boot-like population and hotplug, and the read-only queries and
 * statistics of model.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmzone.h"

static const char *const zone_names[MODEL_NR_ZONE_TYPES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

/*
 * Models: mm/page_alloc.c and mm/vmscan.c sysctl defaults, v6.1/v6.18 (spec §5.1-§5.4, §4.2)
 */
void model_config_init(struct model_config *cfg, enum model_profile profile)
{
	static const unsigned int ratio[MODEL_NR_ZONE_TYPES] = { 256, 256, 32, 0, 0 };

	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = profile;
	cfg->nr_page_orders = 11;
	cfg->pageblock_order = 9;
	cfg->thp_order = 9;
	cfg->nr_migratetypes = 5;
	cfg->nr_cpus = 1;
	cfg->nr_nodes = 1;
	cfg->watermark_scale_factor = 10;
	cfg->watermark_boost_factor = 15000;
	memcpy(cfg->lowmem_reserve_ratio, ratio, sizeof(ratio));
	cfg->thp_enabled = true;
	cfg->boost_clear = MODEL_BOOST_CLEAR_MANUAL;
	cfg->compaction_proactiveness = 20;
	cfg->extfrag_threshold = 500;
}

int model_config_add_zone(struct model_config *cfg, unsigned int node, enum model_zone_type type,
			  uint64_t start_pfn, uint64_t spanned_pages)
{
	struct model_zone_config *zc;

	if (cfg->nr_zones >= MODEL_MAX_ZONES)
		return -ENOSPC;
	zc = &cfg->zones[cfg->nr_zones];
	memset(zc, 0, sizeof(*zc));
	zc->node = node;
	zc->type = type;
	if ((unsigned int)type < MODEL_NR_ZONE_TYPES)
		strcpy(zc->name, zone_names[type]);
	zc->start_pfn = start_pfn;
	zc->spanned_pages = spanned_pages;
	zc->present_pages = spanned_pages;
	zc->managed_pages = spanned_pages;
	return (int)cfg->nr_zones++;
}

static int parse_uint(const char **p)
{
	int v = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 6) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits ? v : -1;
}

int model_profile_from_release(const char *release, enum model_profile *out)
{
	const char *p = release;
	int major, minor;

	if (!release || !out)
		return -EINVAL;
	major = parse_uint(&p);
	if (major < 0 || *p != '.')
		return -EINVAL;
	p++;
	minor = parse_uint(&p);
	if (minor < 0 || major < 6)
		return -EINVAL;
	if (major == 6 && minor < 15) {
		*out = MODEL_PROFILE_6_1;
		return minor == 1 ? 0 : 1;
	}
	*out = MODEL_PROFILE_6_18;
	return major == 6 && minor == 18 ? 0 : 1;
}

/* ---------------------------------------------------------------------- */
/* Creation                                                               */
/* ---------------------------------------------------------------------- */

/* Name the field model_config_check() refuses; -EINVAL. */
static int refuse(struct model_config_fault *f, const char *field, int zone)
{
	if (f) {
		f->field = field;
		f->zone = zone;
	}
	return -EINVAL;
}

/* The fields of one zone, against the config and the zones before it. */
static int zone_config_check(const struct model_config *c, unsigned int i,
			     struct model_config_fault *f)
{
	const struct model_zone_config *a = &c->zones[i];

	if (a->node >= c->nr_nodes)
		return refuse(f, "node", (int)i);
	if ((unsigned int)a->type >= MODEL_NR_ZONE_TYPES)
		return refuse(f, "type", (int)i);
	if (a->present_pages > a->spanned_pages)
		return refuse(f, "present_pages", (int)i);
	if (a->managed_pages > a->present_pages)
		return refuse(f, "managed_pages", (int)i);
	if (a->spanned_pages >= ((uint64_t)1 << 31))
		return refuse(f, "spanned_pages", (int)i);
	if (a->start_pfn + a->spanned_pages < a->start_pfn ||
	    a->start_pfn + a->spanned_pages > ((uint64_t)1 << 52))
		return refuse(f, "start_pfn", (int)i);
	for (unsigned int j = 0; j < i; j++) {
		const struct model_zone_config *b = &c->zones[j];

		if (a->node == b->node && a->type == b->type)
			return refuse(f, "type (twice in one node)", (int)i);
		if (a->spanned_pages && b->spanned_pages &&
		    a->start_pfn < b->start_pfn + b->spanned_pages &&
		    b->start_pfn < a->start_pfn + a->spanned_pages)
			return refuse(f, "start_pfn (overlaps another zone)", (int)i);
	}
	return 0;
}

int model_config_check(const struct model_config *c, struct model_config_fault *f)
{
	if (f) {
		f->field = NULL;
		f->zone = -1;
	}
	if (c->profile != MODEL_PROFILE_6_1 && c->profile != MODEL_PROFILE_6_18)
		return refuse(f, "profile", -1);
	if (c->nr_page_orders < MODEL_MIN_ORDERS || c->nr_page_orders > MODEL_MAX_ORDERS)
		return refuse(f, "nr_page_orders", -1);
	if (c->pageblock_order < 2 || c->pageblock_order >= c->nr_page_orders)
		return refuse(f, "pageblock_order", -1);
	if (c->thp_order && (c->thp_order <= PAGE_ALLOC_COSTLY_ORDER ||
			     c->thp_order >= c->nr_page_orders))
		return refuse(f, "thp_order", -1);
	if (c->nr_migratetypes != 5 && c->nr_migratetypes != 6)
		return refuse(f, "nr_migratetypes", -1);
	if (!c->nr_cpus || c->nr_cpus > MODEL_MAX_CPUS)
		return refuse(f, "nr_cpus", -1);
	if (!c->nr_nodes || c->nr_nodes > MODEL_MAX_NODES)
		return refuse(f, "nr_nodes", -1);
	if (!c->nr_zones || c->nr_zones > MODEL_MAX_ZONES)
		return refuse(f, "nr_zones", -1);
	if (c->percpu_pagelist_high_fraction && c->percpu_pagelist_high_fraction < 8)
		return refuse(f, "percpu_pagelist_high_fraction", -1);
	if (c->boost_clear != MODEL_BOOST_CLEAR_MANUAL &&
	    c->boost_clear != MODEL_BOOST_CLEAR_ON_WAKE)
		return refuse(f, "boost_clear", -1);
	if (c->compaction_proactiveness > 100)
		return refuse(f, "compaction_proactiveness", -1);
	if (c->extfrag_threshold > 1000)
		return refuse(f, "extfrag_threshold", -1);
	if (c->page_reporting_order >= c->nr_page_orders)
		return refuse(f, "page_reporting_order", -1);
	for (unsigned int i = 0; i < c->nr_cpus; i++)
		if (c->cpu_node[i] >= c->nr_nodes)
			return refuse(f, "cpu_node", -1);
	for (unsigned int i = 0; i < c->nr_zones; i++) {
		int ret = zone_config_check(c, i, f);

		if (ret)
			return ret;
	}
	return 0;
}

static unsigned int node_distance(const struct model_config *c, unsigned int a, unsigned int b)
{
	if (c->node_distance[a][b])
		return c->node_distance[a][b];
	return a == b ? 10 : 20;
}

/*
 * Local node first, then by distance (node id breaks ties); within a node
 * the populated zones from highest type to lowest.
 *
 * Models: mm/page_alloc.c build_zonelists() / find_next_best_node(), v6.1/v6.18 (spec §1.6).
 */
static void build_zonelists(struct model *m)
{
	const struct model_config *c = &m->cfg;

	for (unsigned int n = 0; n < c->nr_nodes; n++) {
		struct pglist_data *pg = &m->nodes[n];
		unsigned int order[MODEL_MAX_NODES], nr = 0;

		for (unsigned int k = 0; k < c->nr_nodes; k++) {
			unsigned int pos = nr++;

			/* insertion sort by (local first, distance, id) */
			while (pos > 0) {
				unsigned int prev = order[pos - 1];
				unsigned int dp = prev == n ? 0 : node_distance(c, n, prev);
				unsigned int dk = k == n ? 0 : node_distance(c, n, k);

				if (dp < dk || (dp == dk && prev < k))
					break;
				order[pos] = prev;
				pos--;
			}
			order[pos] = k;
		}
		pg->nr_zonelist = 0;
		for (unsigned int k = 0; k < nr; k++) {
			for (int t = MODEL_ZONE_MOVABLE; t >= MODEL_ZONE_DMA; t--) {
				int zi = m->nodes[order[k]].zone_of_type[t];

				if (zi < 0 || !m->zones[zi].present || !m->zones[zi].managed)
					continue;
				pg->zonelist[pg->nr_zonelist++] = zi;
			}
			if (k == 0)
				pg->nr_thisnode = pg->nr_zonelist;
		}
	}
}

static void formula_zones(const struct model *m, struct model_formula_zone *fz)
{
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		fz[i].node = m->zones[i].node;
		fz[i].zone_type = (unsigned int)m->zones[i].type;
		fz[i].managed_pages = m->zones[i].managed;
		fz[i].present_pages = m->zones[i].present;
	}
}

/*
 * min_free_kbytes at create: the config's value, else what boot derives
 * (calculate_min_free_kbytes() raised by khugepaged, spec 5.1).
 */
static uint64_t boot_min_free_kbytes(struct model *m)
{
	struct model_formula_zone fz[MODEL_MAX_ZONES];

	if (m->cfg.min_free_kbytes)
		return m->cfg.min_free_kbytes;
	formula_zones(m, fz);
	return model_formulas_min_free_kbytes(fz, m->nr_zones, NULL, &m->fs);
}

/*
 * Watermarks, lowmem reserve and pcp sizes of every zone from the settings
 * (m->fs, whose min_free_kbytes is the current value) and the zones' sizes;
 * @use_recorded takes the config's recorded values where it has them.
 */
static int derive_zone_numbers(struct model *m, bool use_recorded)
{
	struct model_formula_zone fz[MODEL_MAX_ZONES];
	struct model_formula_wmarks w[MODEL_MAX_ZONES];
	int ret;

	formula_zones(m, fz);
	ret = model_formulas_setup_wmarks(fz, m->nr_zones, &m->fs, w);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];
		const struct model_zone_config *zc = &m->cfg.zones[i];
		bool rec = use_recorded && !m->cfg.derive_all;

		if (rec && zc->has_wmarks) {
			z->wmark[WMARK_MIN] = zc->wmark_min;
			z->wmark[WMARK_LOW] = zc->wmark_low;
			z->wmark[WMARK_HIGH] = zc->wmark_high;
			z->wmark[WMARK_PROMO] = zc->wmark_promo;
		} else {
			z->wmark[WMARK_MIN] = w[i].min;
			z->wmark[WMARK_LOW] = w[i].low;
			z->wmark[WMARK_HIGH] = w[i].high;
			z->wmark[WMARK_PROMO] = w[i].promo;
		}
		if (rec && zc->has_lowmem_reserve)
			memcpy(z->lowmem_reserve, zc->lowmem_reserve, sizeof(z->lowmem_reserve));
		else
			memcpy(z->lowmem_reserve, w[i].lowmem_reserve, sizeof(z->lowmem_reserve));
		if (rec && zc->has_pcp) {
			z->pcp_batch = zc->pcp_batch;
			z->pcp_high_start = zc->pcp_high;
			z->pcp_high_min = m->is_618 ? zc->pcp_high_min : zc->pcp_high;
			z->pcp_high_max = m->is_618 ? zc->pcp_high_max : zc->pcp_high;
		} else {
			z->pcp_batch = w[i].pcp_batch;
			z->pcp_high_start = w[i].pcp_high;
			z->pcp_high_min = w[i].pcp_high_min;
			z->pcp_high_max = w[i].pcp_high_max;
		}
	}
	return 0;
}

/* Bytes of the reported bitmap for a span of @spanned pages (at least 1). */
static size_t reported_bytes(const struct model *m, const struct zone *z, uint64_t spanned)
{
	uint64_t bits = spanned ? ((z->start_pfn + spanned - 1) >> m->report_order) - z->rep_base + 1
				: 1;

	return (size_t)((bits + 7) / 8);
}

/* Allocate (or grow at the end) a zone's per-pfn arrays for @spanned pages. */
static int zone_arrays_resize(struct model *m, struct zone *z, uint64_t spanned)
{
	uint64_t old = z->state ? z->spanned : 0;
	uint64_t pb_last = spanned ? (z->start_pfn + spanned - 1) >> m->pb_order : z->pb_base;
	uint64_t nr_pb = spanned ? pb_last - z->pb_base + 1 : 0;
	uint8_t *state, *pb;
	struct page_link *link;

	state = realloc(z->state, spanned ? spanned : 1);
	if (!state)
		return -ENOMEM;
	z->state = state;
	link = realloc(z->link, (z->nr_lists + spanned) * sizeof(*link));
	if (!link)
		return -ENOMEM;
	z->link = link;
	pb = realloc(z->pageblock, nr_pb ? nr_pb : 1);
	if (!pb)
		return -ENOMEM;
	z->pageblock = pb;
	if (m->report_order) {
		size_t old_b = z->reported ? reported_bytes(m, z, z->spanned) : 0;
		size_t new_b = reported_bytes(m, z, spanned);
		uint8_t *rep = realloc(z->reported, new_b);

		if (!rep)
			return -ENOMEM;
		z->reported = rep;
		if (new_b > old_b)
			memset(rep + old_b, 0, new_b - old_b);
	}
	memset(z->state + old, ST_ALLOC, spanned - old);
	for (uint64_t i = z->nr_pageblocks; i < nr_pb; i++) {
		uint64_t first = (z->pb_base + i) << m->pb_order;

		z->pageblock[i] = MODEL_MT_MOVABLE;
		if (first >= z->start_pfn)
			z->pb_count[MODEL_MT_MOVABLE]++;
	}
	if (m->press && model_lru_resize(m, z, spanned, nr_pb))
		return -ENOMEM;
	z->nr_pageblocks = nr_pb;
	z->spanned = spanned;
	z->alloc_bytes = spanned + (z->nr_lists + spanned) * sizeof(*link) + nr_pb +
			 m->cfg.nr_cpus * sizeof(struct per_cpu_pages) +
			 (z->reported ? reported_bytes(m, z, spanned) : 0);
	return 0;
}

static int zone_init(struct model *m, unsigned int i)
{
	const struct model_zone_config *zc = &m->cfg.zones[i];
	struct zone *z = &m->zones[i];

	z->idx = i;
	z->node = zc->node;
	z->type = zc->type;
	memcpy(z->name, zc->name, sizeof(z->name));
	z->name[MODEL_ZONE_NAME_LEN - 1] = '\0';
	if (!z->name[0])
		strcpy(z->name, zone_names[zc->type]);
	z->start_pfn = zc->start_pfn;
	z->present = zc->present_pages;
	z->managed = zc->managed_pages;
	z->watermark_boost = zc->watermark_boost;
	z->nr_lists = m->nr_orders * MT_STRIDE + m->cfg.nr_cpus * MODEL_NR_PCP_LISTS;
	z->pb_base = zc->start_pfn >> m->pb_order;
	z->rep_base = zc->start_pfn >> m->report_order;
	z->pcp = calloc(m->cfg.nr_cpus, sizeof(*z->pcp));
	if (!z->pcp)
		return -ENOMEM;
	if (zone_arrays_resize(m, z, zc->spanned_pages))
		return -ENOMEM;
	for (uint32_t l = 0; l < z->nr_lists; l++)
		z->link[l].next = z->link[l].prev = l;
	return 0;
}

/* zone_order[] = zone indices by ascending start_pfn (insertion sort: few zones). */
static void sort_zones(struct model *m)
{
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		unsigned int v = i, pos = i;

		while (pos > 0 &&
		       m->zones[m->zone_order[pos - 1]].start_pfn > m->zones[v].start_pfn) {
			m->zone_order[pos] = m->zone_order[pos - 1];
			pos--;
		}
		m->zone_order[pos] = v;
	}
}

static void settings_fill(struct model *m)
{
	const struct model_config *c = &m->cfg;
	unsigned int *node_cpus = m->node_cpus;

	model_formula_settings_init(&m->fs, c->profile);
	m->fs.min_free_kbytes = c->min_free_kbytes;
	m->fs.watermark_scale_factor = c->watermark_scale_factor;
	m->fs.watermark_boost_factor = c->watermark_boost_factor;
	memcpy(m->fs.lowmem_reserve_ratio, c->lowmem_reserve_ratio,
	       sizeof(m->fs.lowmem_reserve_ratio));
	m->fs.percpu_pagelist_high_fraction = c->percpu_pagelist_high_fraction;
	m->fs.pcp_batch = c->pcp_batch;
	m->fs.nr_cpus = c->nr_cpus;
	memset(node_cpus, 0, sizeof(m->node_cpus));
	for (unsigned int i = 0; i < c->nr_cpus; i++)
		node_cpus[c->cpu_node[i]]++;
	m->fs.node_nr_cpus = node_cpus;
	m->fs.nr_nodes = c->nr_nodes;
	m->fs.pageblock_order = c->pageblock_order;
	m->fs.thp_enabled = c->thp_enabled;
}

/*
 * Models: mm/page_alloc.c build_all_zonelists(), setup_per_zone_wmarks(), v6.1/v6.18 (spec §1, §5)
 */
struct model *model_create(const struct model_config *cfg)
{
	struct model *m;
	uint64_t total_managed = 0;
	int ret;

	if (!cfg || model_config_check(cfg, NULL)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->cfg = *cfg;
	m->nr_orders = cfg->nr_page_orders;
	m->max_order = cfg->nr_page_orders - 1;
	m->pb_order = cfg->pageblock_order;
	m->pb_nr = (uint64_t)1 << cfg->pageblock_order;
	m->thp_order = cfg->thp_order;
	m->nr_mt = cfg->nr_migratetypes;
	m->mt_isolate = model_mt_isolate(cfg->nr_migratetypes);
	m->mt_cma = model_mt_cma(cfg->nr_migratetypes);
	m->is_618 = cfg->profile == MODEL_PROFILE_6_18;
	m->report_order = cfg->page_reporting_order;
	m->pr_state = MODEL_PR_IDLE;
	m->nr_online_nodes = cfg->nr_nodes;
	m->nr_zones = cfg->nr_zones;
	m->res = &m->scratch_res;
	settings_fill(m);
	m->zones = calloc(m->nr_zones, sizeof(*m->zones));
	m->zone_order = calloc(m->nr_zones, sizeof(*m->zone_order));
	if (!m->zones || !m->zone_order)
		goto nomem;
	for (unsigned int n = 0; n < MODEL_MAX_NODES; n++)
		for (unsigned int t = 0; t < MODEL_NR_ZONE_TYPES; t++)
			m->nodes[n].zone_of_type[t] = -1;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		if (zone_init(m, i))
			goto nomem;
		m->nodes[m->zones[i].node].zone_of_type[m->zones[i].type] = (int)i;
		total_managed += m->zones[i].managed;
	}
	sort_zones(m);
	m->mobility_disabled = total_managed < m->pb_nr * m->nr_mt;
	build_zonelists(m);
	m->min_free_kb = boot_min_free_kbytes(m);
	m->fs.min_free_kbytes = m->min_free_kb;
	ret = derive_zone_numbers(m, true);
	if (ret) {
		model_destroy(m);
		errno = -ret;
		return NULL;
	}
	for (unsigned int i = 0; i < m->nr_zones; i++)
		model_pcp_setup(m, &m->zones[i]);
	if ((cfg->reclaim || cfg->compaction) && model_pressure_create(m))
		goto nomem;
	return m;
nomem:
	model_destroy(m);
	errno = ENOMEM;
	return NULL;
}

void model_destroy(struct model *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; m->zones && i < m->nr_zones; i++) {
		free(m->zones[i].state);
		free(m->zones[i].link);
		free(m->zones[i].pageblock);
		free(m->zones[i].pcp);
		free(m->zones[i].reported);
	}
	model_pressure_destroy(m);
	free(m->zones);
	free(m->zone_order);
	model_journal_release(m);
	free(m);
}

const struct model_config *model_config_get(const struct model *m)
{
	return m ? &m->cfg : NULL;
}

void model_observer_set(struct model *m, const struct model_observer *obs, void *ctx)
{
	if (!m)
		return;
	if (obs)
		m->obs = *obs;
	else
		memset(&m->obs, 0, sizeof(m->obs));
	m->obs_ctx = ctx;
}

/* ---------------------------------------------------------------------- */
/* pfn -> zone                                                            */
/* ---------------------------------------------------------------------- */

const struct zone *model_pfn_zone_const(const struct model *m, uint64_t pfn)
{
	unsigned int lo = 0, hi = m->nr_zones;

	/* zones never overlap, so the zone of the last lookup is the answer when it holds @pfn */
	if (m->last_zone && zone_has_pfn(m->last_zone, pfn))
		return m->last_zone;
	/* last zone starting at or below pfn */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (m->zones[m->zone_order[mid]].start_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct zone *z = &m->zones[m->zone_order[lo - 1]];

		if (zone_has_pfn(z, pfn))
			return z;
		if (z->spanned)
			return NULL;
		lo--;	/* skip empty zones sharing the start */
	}
	return NULL;
}

void model_prefetch(const struct model *m, uint64_t pfn)
{
	const struct zone *z = model_pfn_zone_const(m, pfn);
	uint64_t off;

	if (!z)
		return;
	off = pfn - z->start_pfn;
	__builtin_prefetch(&z->state[off]);
	__builtin_prefetch(&z->link[pfn_node(z, pfn)]);
}

struct zone *model_pfn_zone(struct model *m, uint64_t pfn)
{
	struct zone *z = (struct zone *)model_pfn_zone_const(m, pfn);

	if (z)
		m->last_zone = z;
	return z;
}

int model_zone_of_pfn(const struct model *m, uint64_t pfn)
{
	const struct zone *z;

	if (!m)
		return -EINVAL;
	z = model_pfn_zone_const(m, pfn);
	return z ? (int)z->idx : -ENOENT;
}

uint64_t model_min_free_kbytes_get(const struct model *m)
{
	return m ? m->min_free_kb : 0;
}

unsigned int model_zone_count(const struct model *m)
{
	return m ? m->nr_zones : 0;
}

/* ---------------------------------------------------------------------- */
/* Seeding and population                                                 */
/* ---------------------------------------------------------------------- */

static int seed_check(struct model *m, uint64_t pfn, unsigned int order, struct zone **zp)
{
	struct zone *z;
	uint64_t n = (uint64_t)1 << order;

	if (order >= m->nr_orders || (pfn & (n - 1)))
		return -EINVAL;
	z = model_pfn_zone(m, pfn);
	if (!z)
		return -ENOENT;
	if (pfn + n > z->start_pfn + z->spanned)
		return -EINVAL;
	if (model_range_has_free(m, z, pfn, order))
		return -EEXIST;
	*zp = z;
	return 0;
}

/*
 * Models: mm/page_alloc.c __add_to_free_list() for a snapshot, v6.1/v6.18 (spec §8.2)
 */
int model_seed_buddy(struct model *m, uint64_t pfn, unsigned int order, int mt, bool tail)
{
	struct zone *z;
	int ret;

	if (!m || mt < 0 || mt >= (int)m->nr_mt)
		return -EINVAL;
	ret = seed_check(m, pfn, order, &z);
	if (ret)
		return ret;
	mark_free_tails(z, pfn, order);
	model_add_to_free_list(m, z, pfn, order, mt, tail);
	return 0;
}

/*
 * Models: mm/page_alloc.c per_cpu_pages lists for a snapshot, v6.1/v6.18 (spec §4.1, §8.2)
 */
int model_seed_pcp(struct model *m, unsigned int cpu, uint64_t pfn, unsigned int order, int mt,
		   bool tail)
{
	struct zone *z;
	unsigned int pindex;
	int ret;

	if (!m || cpu >= m->cfg.nr_cpus || mt < 0 || mt >= MODEL_MIGRATE_PCPTYPES ||
	    !model_pcp_allowed_order(m, order))
		return -EINVAL;
	ret = seed_check(m, pfn, order, &z);
	if (ret)
		return ret;
	pindex = model_order_to_pindex(m, mt, order);
	mark_free_tails(z, pfn, order);
	st_set(z, pfn, st_pcp(get_pageblock_migratetype(m, z, pfn), order));
	pcp_list_add(m, z, cpu, pindex, pfn, tail);
	z->pcp[cpu].list_len[pindex]++;
	z->pcp[cpu].count += (int64_t)1 << order;
	return 0;
}

int model_pcp_tuning_set(struct model *m, unsigned int zone, unsigned int cpu,
			 const struct model_pcp_tuning *t)
{
	struct per_cpu_pages *pcp;

	if (!m || !t || zone >= m->nr_zones || cpu >= m->cfg.nr_cpus ||
	    t->alloc_factor > PCP_BATCH_SCALE_MAX || t->free_factor > PCP_BATCH_SCALE_MAX)
		return -EINVAL;
	pcp = &m->zones[zone].pcp[cpu];
	pcp->high = t->high;
	pcp->free_count = t->free_count;
	pcp->alloc_factor = t->alloc_factor;
	pcp->free_factor = t->free_factor;
	if (t->prev_free_high_order)
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	else
		pcp->flags &= (uint8_t)~PCPF_PREV_FREE_HIGH_ORDER;
	return 0;
}

/*
 * Models: mm/page_alloc.c __free_pages_core() / memblock_free_pages(), v6.1/v6.18 (spec §3.6, §6.6 item 5).
 */
int model_free_range(struct model *m, uint64_t start_pfn, uint64_t nr_pages)
{
	struct zone *z;
	uint64_t end = start_pfn + nr_pages;
	struct model_free_result fr;
	int ret = 0;

	if (!m)
		return -EINVAL;
	if (!nr_pages)
		return 0;
	z = model_pfn_zone(m, start_pfn);
	if (!z || end < start_pfn || end > z->start_pfn + z->spanned)
		return -ERANGE;
	m->res = &m->scratch_res;
	for (uint64_t pfn = start_pfn; pfn < end;) {
		unsigned int o = 0;

		while (o < m->max_order && !(pfn & ((uint64_t)1 << o)) &&
		       pfn + ((uint64_t)2 << o) <= end)
			o++;
		memset(&fr, 0, sizeof(fr));
		if (model_free_checked(m, z, pfn, o, 0, MODEL_FREE_TO_TAIL, &fr))
			ret = -EEXIST;
		pfn += (uint64_t)1 << o;
	}
	return ret;
}

/*
 * Models: mm/memblock.c memblock_free_all() -> __free_pages_core(), v6.1/v6.18 (spec §6.6 item 6)
 */
int model_populate(struct model *m)
{
	int ret = 0;

	if (!m)
		return -EINVAL;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		const struct zone *z = &m->zones[m->zone_order[i]];
		int r = model_free_range(m, z->start_pfn, z->spanned);

		if (r && !ret)
			ret = r;
	}
	return ret;
}

/* The HIGH marks with boost that nr_free_buffer_pages() reads, as a formula input. */
static void current_high_marks(const struct model *m, struct model_formula_wmarks *w)
{
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].high = m->zones[i].wmark[WMARK_HIGH] + m->zones[i].watermark_boost;
	}
}

/*
 * What memory online does once the pages are in: calculate_min_free_kbytes()
 * (the default from the current marks replaces min_free_kbytes unless a
 * user value is at least as large), setup_per_zone_wmarks() (boosts reset,
 * pcp sizes updated), setup_per_zone_lowmem_reserve(), then khugepaged
 * raises min_free_kbytes to its recommendation computed with those new
 * marks and sets the watermarks again. Recorded config values are stale
 * for the new layout and are dropped.
 *
 * Models: mm/page_alloc.c init_per_zone_wmark_min() / calculate_min_free_kbytes(),
 * mm/khugepaged.c khugepaged_min_free_kbytes_update(), v6.1/v6.18 (spec §5.1, §5.2, §12)
 */
static int hotplug_recompute(struct model *m)
{
	struct model_formula_zone fz[MODEL_MAX_ZONES];
	struct model_formula_wmarks w[MODEL_MAX_ZONES];
	uint64_t dflt, user = m->cfg.user_min_free_kbytes, thp;
	int ret;

	formula_zones(m, fz);
	current_high_marks(m, w);
	dflt = model_formulas_min_free_kbytes_default(fz, m->nr_zones, w, &m->fs);
	if (!user || dflt > user)
		m->min_free_kb = dflt;
	m->fs.min_free_kbytes = m->min_free_kb;
	ret = model_formulas_setup_wmarks(fz, m->nr_zones, &m->fs, w);
	if (ret)
		return ret;
	thp = model_formulas_min_free_kbytes_thp(fz, m->nr_zones, w, &m->fs);
	if (thp > m->min_free_kb)
		m->min_free_kb = thp;
	m->fs.min_free_kbytes = m->min_free_kb;
	ret = derive_zone_numbers(m, false);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct model_zone_config *zc = &m->cfg.zones[i];

		zc->has_wmarks = zc->has_lowmem_reserve = zc->has_pcp = false;
		m->zones[i].watermark_boost = 0;
		m->zones[i].flags &= ~(unsigned int)MODEL_ZONE_BOOSTED_WATERMARK;
		model_zone_pcp_sizes_apply(m, &m->zones[i]);
	}
	return 0;
}

/* Grow @z's span to end at @end (exclusive); the range may not meet another zone. */
static int zone_span_grow(struct model *m, struct zone *z, uint64_t start_pfn, uint64_t end)
{
	int ret;

	if (start_pfn < z->start_pfn || end < start_pfn ||
	    end - z->start_pfn >= ((uint64_t)1 << 31))
		return -ERANGE;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		const struct zone *o = &m->zones[i];

		if (o != z && o->spanned && start_pfn < o->start_pfn + o->spanned &&
		    o->start_pfn < end)
			return -ERANGE;
	}
	if (end <= z->start_pfn + z->spanned)
		return 0;
	ret = zone_arrays_resize(m, z, end - z->start_pfn);
	if (ret)
		return ret;
	m->cfg.zones[z->idx].spanned_pages = z->spanned;
	m->last_zone = NULL;
	return 0;
}

/*
 * Models: mm/memory_hotplug.c online_pages() -> init_per_zone_wmark_min(), v6.1/v6.18 (spec §6.6 item 5)
 */
int model_zone_add_pages(struct model *m, unsigned int zone, uint64_t start_pfn,
			 uint64_t nr_pages)
{
	struct zone *z;
	int ret;

	if (!m || zone >= m->nr_zones)
		return -EINVAL;
	z = &m->zones[zone];
	ret = zone_span_grow(m, z, start_pfn, start_pfn + nr_pages);
	if (ret)
		return ret;
	z->present += nr_pages;
	z->managed += nr_pages;
	if (z->present > z->spanned)
		z->present = z->spanned;
	if (z->managed > z->present)
		z->managed = z->present;
	m->cfg.zones[zone].present_pages = z->present;
	m->cfg.zones[zone].managed_pages = z->managed;
	m->last_zone = NULL;
	build_zonelists(m);
	ret = model_free_range(m, start_pfn, nr_pages);
	if (ret && ret != -EEXIST)
		return ret;
	if (hotplug_recompute(m))
		return -EINVAL;
	return ret;
}

/*
 * Models: mm/page_alloc.c __setup_per_zone_wmarks() result as /proc/zoneinfo
 * records it, then zone_pcp_update(), v6.1/v6.18 (spec §4.2, §12)
 */
int model_zone_state_set(struct model *m, unsigned int zone, const struct model_zone_state *st)
{
	struct model_formula_zone fz;
	struct model_formula_wmarks w;
	struct zone *z;
	bool populated;
	int ret;

	if (!m || !st || zone >= m->nr_zones)
		return -EINVAL;
	z = &m->zones[zone];
	if (st->present_pages > st->spanned_pages || st->managed_pages > st->present_pages ||
	    st->spanned_pages < z->spanned)
		return -EINVAL;
	ret = zone_span_grow(m, z, z->start_pfn, z->start_pfn + st->spanned_pages);
	if (ret)
		return ret;
	populated = z->present && z->managed;
	z->present = st->present_pages;
	z->managed = st->managed_pages;
	z->wmark[WMARK_MIN] = st->wmark_min;
	z->wmark[WMARK_LOW] = st->wmark_low;
	z->wmark[WMARK_HIGH] = st->wmark_high;
	z->wmark[WMARK_PROMO] = st->wmark_promo;
	z->watermark_boost = st->watermark_boost;
	if (st->has_lowmem_reserve)
		memcpy(z->lowmem_reserve, st->lowmem_reserve, sizeof(z->lowmem_reserve));
	m->cfg.zones[zone].present_pages = z->present;
	m->cfg.zones[zone].managed_pages = z->managed;
	if (populated != (z->present && z->managed))
		build_zonelists(m);
	/* zone_set_pageset_high_and_batch(): from the new LOW, as after a recompute (boost 0) */
	fz.node = z->node;
	fz.zone_type = (unsigned int)z->type;
	fz.managed_pages = z->managed;
	fz.present_pages = z->present;
	memset(&w, 0, sizeof(w));
	ret = model_formulas_pcp_setup(&fz, z->wmark[WMARK_LOW], &m->fs, &w);
	if (ret)
		return ret;
	z->pcp_batch = w.pcp_batch;
	z->pcp_high_min = w.pcp_high_min;
	z->pcp_high_max = w.pcp_high_max;
	model_zone_pcp_sizes_apply(m, z);
	return 0;
}

/*
 * Models: mm/page_alloc.c boost_watermark(), v6.1/v6.18 (spec §5.4)
 */
int model_zone_boost_watermark(struct model *m, unsigned int zone)
{
	if (!m || zone >= m->nr_zones)
		return -EINVAL;
	return model_zone_boost_step(m, &m->zones[zone]);
}

int model_zone_boost_set(struct model *m, unsigned int zone, uint64_t pages)
{
	if (!m || zone >= m->nr_zones)
		return -EINVAL;
	m->zones[zone].watermark_boost = pages;
	if (!pages)
		m->zones[zone].flags &= ~(unsigned int)MODEL_ZONE_BOOSTED_WATERMARK;
	return 0;
}

/*
 * Models: mm/vmscan.c balance_pgdat() end: boost cleared, v6.1/v6.18 (spec §5.4, §5.5)
 */
int model_kswapd_sleep(struct model *m, int node)
{
	if (!m || node >= (int)m->cfg.nr_nodes || node < -1)
		return -EINVAL;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (node >= 0 && z->node != (unsigned int)node)
			continue;
		/* journaled: an allocation's kswapd wake clears the boost (predict undoes it) */
		zone_set(z, &z->watermark_boost, 0);
		zone_flags_clear(z, MODEL_ZONE_RECLAIM_ACTIVE | MODEL_ZONE_BOOSTED_WATERMARK);
	}
	return 0;
}

/*
 * Models: mm/vmscan.c set_reclaim_active() / clear_reclaim_active(), v6.1/v6.18 (spec §4.3)
 */
int model_reclaim_active_set(struct model *m, unsigned int node, enum model_zone_type highest_zone,
			     bool active)
{
	if (!m || node >= m->cfg.nr_nodes || (unsigned int)highest_zone >= MODEL_NR_ZONE_TYPES)
		return -EINVAL;
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		struct zone *z = &m->zones[i];

		if (z->node != node || z->type > highest_zone)
			continue;
		if (active)
			zone_flags_set(z, MODEL_ZONE_RECLAIM_ACTIVE);
		else
			zone_flags_clear(z, MODEL_ZONE_RECLAIM_ACTIVE);
	}
	return 0;
}
