/* SPDX-License-Identifier: MIT */
/*
 * End to end through model_create(): build a model of a recorded host from
 * its layout (spanned/present/managed per zone), CPU count and vm sysctls
 * only, and require the watermarks, protection and pcp sizes the model
 * derives to equal what the host's /proc/zoneinfo showed (spec 4.2, 5.2,
 * 5.3). Usage: test_model_host DATA_DIR, where DATA_DIR holds zoneinfo,
 * nproc and proc_sys_vm/ (tests/model_formulas/record.sh writes it). The
 * recorded text is parsed by hostinfo's zoneinfo parser, independently of
 * the model.
 */
#include <errno.h>

#include "hostinfo.h"
#include "model_test_util.h"

struct host_zone {
	char name[16];
	unsigned int node;
	uint64_t start_pfn, spanned, present, managed;
	uint64_t min, low, high, promo, boost;
	uint64_t protection[MODEL_NR_ZONE_TYPES];
	uint64_t batch, high_min, high_max;
	bool have_pcp;
};

static const char *const type_names[MODEL_NR_ZONE_TYPES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "test_model_host: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	REQUIRE(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	return buf;
}

static uint64_t read_u64(const char *dir, const char *name)
{
	char *s = slurp(dir, name);
	uint64_t v = strtoull(s, NULL, 10);

	free(s);
	return v;
}

/* The zones of DIR/zoneinfo, read with hostinfo's parser (tested on its own in test_sysinfo). */
static int zoneinfo_zones(const char *dir, struct host_zone *zones, int max)
{
	struct sysinfo_zoneinfo zi;
	struct tracefmt_error err = { 0 };
	int nr;

	if (sysinfo_zoneinfo_read(dir, "zoneinfo", &zi, &err)) {
		fprintf(stderr, "test_model_host: %s\n", err.text);
		exit(1);
	}
	REQUIRE(zi.nr_zones <= (uint32_t)max);
	for (nr = 0; nr < (int)zi.nr_zones; nr++) {
		const struct sysinfo_zone *from = &zi.zones[nr];
		struct host_zone *z = &zones[nr];

		memset(z, 0, sizeof(*z));
		snprintf(z->name, sizeof(z->name), "%s", from->name);
		z->node = from->node;
		z->start_pfn = from->has_start_pfn ? from->start_pfn : 0;
		z->spanned = from->spanned;
		z->present = from->present;
		z->managed = from->managed;
		z->min = from->min;
		z->low = from->low;
		z->high = from->high;
		z->promo = from->has_promo ? from->promo : 0;
		z->boost = from->boost;
		for (uint32_t t = 0; t < from->nr_protection && t < MODEL_NR_ZONE_TYPES; t++)
			z->protection[t] = from->protection[t];
		if (from->nr_pcp) {
			/* per-cpu values: batch/high_min/high_max are the same for every cpu */
			const struct sysinfo_pcp *pcp = &from->pcp[from->nr_pcp - 1];

			z->batch = pcp->batch > 0 ? (uint64_t)pcp->batch : 0;
			z->high_min = pcp->high_min > 0 ? (uint64_t)pcp->high_min : 0;
			z->high_max = pcp->high_max > 0 ? (uint64_t)pcp->high_max : 0;
			z->have_pcp = true;
		}
	}
	sysinfo_zoneinfo_release(&zi);
	return nr;
}

int main(int argc, char **argv)
{
	struct host_zone hz[16];
	struct model_config c;
	struct model *m;
	char *ratio;
	const char *dir;
	int nr;

	if (argc != 2) {
		fprintf(stderr, "usage: test_model_host DATA_DIR\n");
		return 2;
	}
	dir = argv[1];
	nr = zoneinfo_zones(dir, hz, 16);
	REQUIRE(nr >= 3);

	model_config_init(&c, MODEL_PROFILE_6_18);	/* the recording host runs 6.18 */
	c.nr_cpus = (unsigned int)read_u64(dir, "nproc");
	c.min_free_kbytes = read_u64(dir, "proc_sys_vm/min_free_kbytes");
	c.watermark_scale_factor = (unsigned int)read_u64(dir, "proc_sys_vm/watermark_scale_factor");
	c.watermark_boost_factor = (unsigned int)read_u64(dir, "proc_sys_vm/watermark_boost_factor");
	c.percpu_pagelist_high_fraction =
		(unsigned int)read_u64(dir, "proc_sys_vm/percpu_pagelist_high_fraction");
	ratio = slurp(dir, "proc_sys_vm/lowmem_reserve_ratio");
	{
		char *p = ratio;

		for (int t = 0; t < MODEL_NR_ZONE_TYPES && *p; t++)
			c.lowmem_reserve_ratio[t] = (unsigned int)strtoul(p, &p, 10);
	}
	free(ratio);
	for (int i = 0; i < nr; i++) {
		int type = -1;

		for (int t = 0; t < MODEL_NR_ZONE_TYPES; t++)
			if (!strcmp(hz[i].name, type_names[t]))
				type = t;
		REQUIRE(type >= 0);
		REQUIRE(model_config_add_zone(&c, hz[i].node, (enum model_zone_type)type,
					      hz[i].spanned ? hz[i].start_pfn : 0, hz[i].spanned) == i);
		c.zones[i].present_pages = hz[i].present;
		c.zones[i].managed_pages = hz[i].managed;
	}
	m = model_create(&c);
	REQUIRE(m);
	for (int i = 0; i < nr; i++) {
		struct model_zone_info zi;

		REQUIRE(model_zone_info_get(m, (unsigned int)i, &zi) == 0);
		fprintf(stderr, "%s: min %" PRIu64 " low %" PRIu64 " high %" PRIu64 "\n", zi.name,
			zi.wmark_min, zi.wmark_low, zi.wmark_high);
		/* zoneinfo prints stored value + boost */
		CHECK_EQ_U64(zi.wmark_min + zi.watermark_boost, hz[i].min);
		CHECK_EQ_U64(zi.wmark_low + zi.watermark_boost, hz[i].low);
		CHECK_EQ_U64(zi.wmark_high + zi.watermark_boost, hz[i].high);
		CHECK_EQ_U64(zi.wmark_promo + zi.watermark_boost, hz[i].promo);
		for (int t = 0; t < MODEL_NR_ZONE_TYPES; t++)
			CHECK_EQ_U64(zi.lowmem_reserve[t], hz[i].protection[t]);
		if (!hz[i].have_pcp)
			continue;
		CHECK_EQ_U64(zi.pcp_batch, hz[i].batch);
		CHECK_EQ_U64(zi.pcp_high_min, hz[i].high_min);
		CHECK_EQ_U64(zi.pcp_high_max, hz[i].high_max);
	}
	model_destroy(m);
	return TEST_REPORT();
}
