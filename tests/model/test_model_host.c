/* SPDX-License-Identifier: MIT */
/*
 * End to end through model_create(): build a model of a recorded host from
 * its layout (spanned/present/managed per zone), CPU count and vm sysctls
 * only, and require the watermarks, protection and pcp sizes the model
 * derives to equal what the host's /proc/zoneinfo showed (spec 4.2, 5.2,
 * 5.3). Usage: test_model_host DATA_DIR, where DATA_DIR holds zoneinfo,
 * nproc and proc_sys_vm/ (tests/model_formulas/record.sh writes it). The
 * recorded text is parsed here, independently of the model.
 */
#include <errno.h>

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

/* "key value" on a line of its own (leading blanks allowed); keeps the last pageset's. */
static bool field(const char *line, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, key, n) || (line[n] != ' ' && line[n] != ':'))
		return false;
	line += n;
	while (*line == ' ' || *line == ':')
		line++;
	*out = strtoull(line, NULL, 10);
	return true;
}

static int parse_zoneinfo(char *text, struct host_zone *zones, int max)
{
	int nr = -1;
	bool in_pagesets = false;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct host_zone *z = nr >= 0 ? &zones[nr] : NULL;
		unsigned int node;
		char name[16];
		uint64_t v;

		if (sscanf(line, "Node %u, zone %15s", &node, name) == 2) {
			REQUIRE(++nr < max);
			memset(&zones[nr], 0, sizeof(zones[nr]));
			zones[nr].node = node;
			strcpy(zones[nr].name, name);
			in_pagesets = false;
			continue;
		}
		if (!z)
			continue;
		if (strstr(line, "pagesets"))
			in_pagesets = true;
		if (field(line, "start_pfn", &z->start_pfn))
			continue;
		if (in_pagesets) {
			/* per-cpu values: batch/high_min/high_max are the same for every cpu */
			if (field(line, "batch", &v)) {
				z->batch = v;
				z->have_pcp = true;
			} else if (field(line, "high_min", &v)) {
				z->high_min = v;
			} else if (field(line, "high_max", &v)) {
				z->high_max = v;
			}
			continue;
		}
		if (strstr(line, "protection: (")) {
			const char *p = strchr(line, '(') + 1;

			for (int t = 0; t < MODEL_NR_ZONE_TYPES; t++) {
				z->protection[t] = strtoull(p, (char **)&p, 10);
				while (*p == ',' || *p == ' ')
					p++;
			}
			continue;
		}
		if (field(line, "spanned", &z->spanned) || field(line, "present", &z->present) ||
		    field(line, "managed", &z->managed) || field(line, "boost", &z->boost) ||
		    field(line, "min", &z->min) || field(line, "low", &z->low) ||
		    field(line, "high", &z->high) || field(line, "promo", &z->promo))
			continue;
	}
	return nr + 1;
}

int main(int argc, char **argv)
{
	struct host_zone hz[16];
	struct model_config c;
	struct model *m;
	char *text, *ratio;
	const char *dir;
	int nr;

	if (argc != 2) {
		fprintf(stderr, "usage: test_model_host DATA_DIR\n");
		return 2;
	}
	dir = argv[1];
	text = slurp(dir, "zoneinfo");
	nr = parse_zoneinfo(text, hz, 16);
	free(text);
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
