/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/include/model/formulas.h.
 *
 *   test_model_formulas host DATA_DIR   derive every watermark, protection and
 *	pcp number of a recorded host (DATA_DIR, written by record.sh) from its
 *	sysctls and managed pages, and compare with the recorded /proc/zoneinfo;
 *	compute the fragmentation and unusable indices from the recorded
 *	buddyinfo and compare with the kernel's debugfs values.
 *   test_model_formulas examples        hand-worked pcp (6.1 vs 6.18), boost,
 *	min_free_kbytes and index examples, with edge cases.
 *   test_model_formulas whatif          changed min_free_kbytes,
 *	watermark_scale_factor and lowmem_reserve_ratio against hand results.
 *
 * The recorded text is parsed here by a small parser of its own, so the
 * expected values never pass through the code under test. Every expected
 * number in "examples" and "whatif" is worked out in the comment beside it
 * from the formulas of spec/page-allocator.md 4.2, 5.1-5.4 and 7.1-7.4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/formulas.h"

#define MAX_ZONES 32
#define MAX_CPUS 256
#define NR_ORDERS 11

/* One per-CPU pageset of a recorded zone. */
struct rec_pcp {
	long long count, high, batch, high_min, high_max;
};

/* One "Node N, zone NAME" block of a recorded /proc/zoneinfo. */
struct rec_zone {
	unsigned int node;
	char name[16];
	int type;
	long long boost, min, low, high, promo, spanned, present, managed;
	long long prot[8];
	int nr_prot;
	struct rec_pcp pcp[MAX_CPUS];
	int nr_pcp;
};

/* A recorded host: zoneinfo plus the vm sysctls and CPU facts. */
struct rec_host {
	struct rec_zone zones[MAX_ZONES];
	int nr_zones;
	unsigned long long min_free_kbytes, wsf, wbf, high_fraction;
	unsigned int ratio[MODEL_FORMULA_NR_ZONE_TYPES];
	unsigned int nproc, nr_online;
	bool thp;
	unsigned int pageblock_order;
};

static const char *data_dir;

static void die_file(const char *name, const char *what)
{
	fprintf(stderr, "test_model_formulas: %s/%s: %s\n", data_dir, name, what);
	exit(1);
}

static FILE *data_open(const char *name)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	f = fopen(path, "r");
	if (!f)
		die_file(name, strerror(errno));
	return f;
}

static void read_line(const char *name, char *buf, size_t len)
{
	FILE *f = data_open(name);

	if (!fgets(buf, (int)len, f))
		die_file(name, "empty");
	fclose(f);
}

static unsigned long long read_u64(const char *name)
{
	char buf[256], *end;
	unsigned long long v;

	read_line(name, buf, sizeof(buf));
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		die_file(name, "not a number");
	return v;
}

static int zone_type_of(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* "0-1" or "0,2-5": the number of CPUs in a cpulist. */
static unsigned int cpulist_count(const char *s)
{
	unsigned int n = 0;

	while (*s && *s != '\n') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			die_file("cpu_online", "bad cpu list");
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			s = end;
		}
		n += (unsigned int)(b - a + 1);
		if (*s == ',')
			s++;
	}
	return n;
}

static void parse_protection(struct rec_zone *z, const char *p)
{
	p = strchr(p, '(');
	if (!p)
		die_file("zoneinfo", "protection line without '('");
	p++;
	while (z->nr_prot < 8) {
		char *end;
		long long v = strtoll(p, &end, 10);

		if (end == p)
			break;
		z->prot[z->nr_prot++] = v;
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
}

/* Fill one field of the current zone or pcp from a "key value" or "key: value" line. */
static void zoneinfo_field(struct rec_zone *z, const char *key, long long v)
{
	struct rec_pcp *pcp = z->nr_pcp ? &z->pcp[z->nr_pcp - 1] : NULL;
	static const struct {
		const char *key;
		size_t off;
	} zf[] = {
		{ "boost", offsetof(struct rec_zone, boost) },
		{ "min", offsetof(struct rec_zone, min) },
		{ "low", offsetof(struct rec_zone, low) },
		{ "high", offsetof(struct rec_zone, high) },
		{ "promo", offsetof(struct rec_zone, promo) },
		{ "spanned", offsetof(struct rec_zone, spanned) },
		{ "present", offsetof(struct rec_zone, present) },
		{ "managed", offsetof(struct rec_zone, managed) },
	}, pf[] = {
		{ "count:", offsetof(struct rec_pcp, count) },
		{ "high:", offsetof(struct rec_pcp, high) },
		{ "batch:", offsetof(struct rec_pcp, batch) },
		{ "high_min:", offsetof(struct rec_pcp, high_min) },
		{ "high_max:", offsetof(struct rec_pcp, high_max) },
	};

	for (size_t i = 0; i < sizeof(zf) / sizeof(zf[0]); i++)
		if (!strcmp(key, zf[i].key))
			*(long long *)((char *)z + zf[i].off) = v;
	for (size_t i = 0; pcp && i < sizeof(pf) / sizeof(pf[0]); i++)
		if (!strcmp(key, pf[i].key))
			*(long long *)((char *)pcp + pf[i].off) = v;
}

static void parse_zoneinfo(struct rec_host *h)
{
	FILE *f = data_open("zoneinfo");
	struct rec_zone *z = NULL;
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		unsigned int node;
		char name[16], key[64];
		long long v;

		if (sscanf(line, "Node %u, zone %15s", &node, name) == 2) {
			if (h->nr_zones == MAX_ZONES)
				die_file("zoneinfo", "too many zones");
			z = &h->zones[h->nr_zones++];
			memset(z, 0, sizeof(*z));
			z->node = node;
			snprintf(z->name, sizeof(z->name), "%s", name);
			z->type = zone_type_of(name);
			if (z->type < 0)
				die_file("zoneinfo", "unknown zone name");
			continue;
		}
		if (!z)
			continue;
		if (strstr(line, "protection:")) {
			parse_protection(z, line);
			continue;
		}
		if (sscanf(line, " cpu: %lld", &v) == 1) {
			if (z->nr_pcp == MAX_CPUS)
				die_file("zoneinfo", "too many cpus");
			memset(&z->pcp[z->nr_pcp++], 0, sizeof(z->pcp[0]));
			continue;
		}
		if (sscanf(line, " %63s %lld", key, &v) == 2)
			zoneinfo_field(z, key, v);
	}
	fclose(f);
	if (!h->nr_zones)
		die_file("zoneinfo", "no zones");
}

static void parse_host(struct rec_host *h)
{
	char buf[256], *p;

	memset(h, 0, sizeof(*h));
	parse_zoneinfo(h);
	h->min_free_kbytes = read_u64("proc_sys_vm/min_free_kbytes");
	h->wsf = read_u64("proc_sys_vm/watermark_scale_factor");
	h->wbf = read_u64("proc_sys_vm/watermark_boost_factor");
	h->high_fraction = read_u64("proc_sys_vm/percpu_pagelist_high_fraction");
	h->nproc = (unsigned int)read_u64("nproc");
	read_line("proc_sys_vm/lowmem_reserve_ratio", buf, sizeof(buf));
	p = buf;
	for (int i = 0; i < MODEL_FORMULA_NR_ZONE_TYPES; i++) {
		char *end;

		h->ratio[i] = (unsigned int)strtoul(p, &end, 10);
		if (end == p)
			die_file("proc_sys_vm/lowmem_reserve_ratio", "fewer than 5 values");
		p = end;
	}
	read_line("cpu_online", buf, sizeof(buf));
	h->nr_online = cpulist_count(buf);
	read_line("thp_enabled", buf, sizeof(buf));
	if (!strchr(buf, '['))
		die_file("thp_enabled", "no [selected] mode");
	h->thp = !strstr(buf, "[never]");
	read_line("pagetypeinfo", buf, sizeof(buf));
	if (sscanf(buf, "Page block order: %u", &h->pageblock_order) != 1)
		die_file("pagetypeinfo", "no 'Page block order:' line");
}

/*
 * Kernel release decides the profile; the recording note says which. The
 * recorded host runs 6.18.
 */
static enum model_profile host_profile(void)
{
	char buf[256];

	read_line("RECORDED", buf, sizeof(buf));
	return strstr(buf, "kernel: 6.1.") ? MODEL_PROFILE_6_1 : MODEL_PROFILE_6_18;
}

static void host_settings(const struct rec_host *h, struct model_formula_settings *s)
{
	model_formula_settings_init(s, host_profile());
	s->min_free_kbytes = h->min_free_kbytes;
	s->watermark_scale_factor = (unsigned int)h->wsf;
	s->watermark_boost_factor = (unsigned int)h->wbf;
	memcpy(s->lowmem_reserve_ratio, h->ratio, sizeof(h->ratio));
	s->percpu_pagelist_high_fraction = (unsigned int)h->high_fraction;
	s->nr_cpus = h->nr_online;
	s->thp_enabled = h->thp;
}

static void host_zones(const struct rec_host *h, struct model_formula_zone *zones)
{
	for (int i = 0; i < h->nr_zones; i++) {
		zones[i].node = h->zones[i].node;
		zones[i].zone_type = (unsigned int)h->zones[i].type;
		zones[i].managed_pages = (uint64_t)h->zones[i].managed;
		zones[i].present_pages = (uint64_t)h->zones[i].present;
	}
}

/* Compare derived watermarks, protection and pcp sizes with zoneinfo. */
static void check_host_wmarks(const struct rec_host *h, const struct model_formula_settings *s)
{
	struct model_formula_zone zones[MAX_ZONES];
	struct model_formula_wmarks w[MAX_ZONES];

	host_zones(h, zones);
	REQUIRE(model_formulas_setup_wmarks(zones, (size_t)h->nr_zones, s, w) == 0);
	for (int i = 0; i < h->nr_zones; i++) {
		const struct rec_zone *z = &h->zones[i];

		printf("  %-8s min %lld low %lld high %lld promo %lld | derived %llu %llu %llu %llu"
		       " batch %u high_min %u high_max %u\n", z->name, z->min, z->low, z->high,
		       z->promo, (unsigned long long)w[i].min, (unsigned long long)w[i].low,
		       (unsigned long long)w[i].high, (unsigned long long)w[i].promo,
		       w[i].pcp_batch, w[i].pcp_high_min, w[i].pcp_high_max);
		/* zoneinfo shows stored watermark + boost (spec 7.7). */
		CHECK_EQ_U64(w[i].min + (uint64_t)z->boost, z->min);
		CHECK_EQ_U64(w[i].low + (uint64_t)z->boost, z->low);
		CHECK_EQ_U64(w[i].high + (uint64_t)z->boost, z->high);
		CHECK_EQ_U64(w[i].promo + (uint64_t)z->boost, z->promo);
		CHECK(z->nr_prot == MODEL_FORMULA_NR_ZONE_TYPES);
		for (int j = 0; j < z->nr_prot && j < MODEL_FORMULA_NR_ZONE_TYPES; j++)
			CHECK_EQ_U64(w[i].lowmem_reserve[j], z->prot[j]);
		/* Populated zones list one pageset per online CPU; empty ones none. */
		CHECK_EQ_U64(z->nr_pcp, z->managed ? h->nr_online : 0);
		for (int c = 0; c < z->nr_pcp; c++) {
			const struct rec_pcp *p = &z->pcp[c];

			CHECK_EQ_U64(w[i].pcp_batch, p->batch);
			CHECK_EQ_U64(w[i].pcp_high_min, p->high_min);
			CHECK_EQ_U64(w[i].pcp_high_max, p->high_max);
			/* 6.18's live high is auto-tuned: 0 until first use, then in range. */
			CHECK(p->high == 0 || (p->high >= p->high_min && p->high <= p->high_max));
		}
	}
}

static int run_host(void)
{
	struct rec_host *h = calloc(1, sizeof(*h));
	struct model_formula_zone zones[MAX_ZONES];
	struct model_formula_wmarks w[MAX_ZONES];
	struct model_formula_settings s;

	REQUIRE(h);
	parse_host(h);
	host_settings(h, &s);
	printf("host: %d zones, %u CPUs online (nproc %u), min_free_kbytes %llu, wsf %llu, THP %s\n",
	       h->nr_zones, h->nr_online, h->nproc, h->min_free_kbytes, h->wsf,
	       h->thp ? "on" : "off");
	CHECK_EQ_U64(h->nproc, h->nr_online);
	CHECK_EQ_U64(h->pageblock_order, s.pageblock_order);

	/* With the host's min_free_kbytes as a user setting. */
	check_host_wmarks(h, &s);

	/*
	 * And derived from scratch: the kernel's default min_free_kbytes raised
	 * by khugepaged (spec 5.1) must land on the recorded sysctl, both from
	 * boot (no watermarks yet) and re-derived with the recorded watermarks,
	 * as memory hotplug (virtio-mem here) does.
	 */
	host_zones(h, zones);
	for (int i = 0; i < h->nr_zones; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].high = (uint64_t)(h->zones[i].high - h->zones[i].boost);
	}
	s.min_free_kbytes = 0;
	CHECK_EQ_U64(model_formulas_min_free_kbytes(zones, (size_t)h->nr_zones, NULL, &s),
		     h->min_free_kbytes);
	CHECK_EQ_U64(model_formulas_min_free_kbytes(zones, (size_t)h->nr_zones, w, &s),
		     h->min_free_kbytes);
	check_host_wmarks(h, &s);
	free(h);
	return TEST_REPORT();
}

/* "Node 0, zone   Normal  v0 v1 ... v10" rows of buddyinfo or extfrag files. */
struct index_row {
	unsigned int node;
	char zone[16];
	long long v[NR_ORDERS];
};

/* Kernel prints index/1000 and index%1000 as "%d.%03d"; -1000 prints "-1.000". */
static long long parse_scaled(const char *tok, const char *file)
{
	long long sign = 1, ip, fp;
	char *end;

	if (*tok == '-') {
		sign = -1;
		tok++;
	}
	ip = strtoll(tok, &end, 10);
	if (end == tok || *end != '.')
		die_file(file, "value is not N.NNN");
	fp = strtoll(end + 1, &end, 10);
	return sign * (ip * 1000 + fp);
}

static int parse_index_rows(const char *file, bool scaled, struct index_row *rows, int max)
{
	FILE *f = data_open(file);
	char line[512];
	int n = 0;

	while (n < max && fgets(line, sizeof(line), f)) {
		struct index_row *r = &rows[n];
		char *p, *tok, *save = NULL;
		int k = 0;

		if (sscanf(line, "Node %u, zone %15s", &r->node, r->zone) != 2)
			continue;
		p = strstr(line, r->zone) + strlen(r->zone);
		for (tok = strtok_r(p, " \t\n", &save); tok && k < NR_ORDERS;
		     tok = strtok_r(NULL, " \t\n", &save))
			r->v[k++] = scaled ? parse_scaled(tok, file) : strtoll(tok, NULL, 10);
		if (k != NR_ORDERS)
			die_file(file, "a zone row without 11 values");
		n++;
	}
	fclose(f);
	return n;
}

/* The kernel's own indices for the recorded buddyinfo (spec 7.2, 7.3). */
static int run_host_indices(void)
{
	struct index_row buddy[MAX_ZONES], ext[MAX_ZONES], unus[MAX_ZONES];
	int nb, ne, nu;

	nb = parse_index_rows("buddyinfo", false, buddy, MAX_ZONES);
	ne = parse_index_rows("extfrag_index", true, ext, MAX_ZONES);
	nu = parse_index_rows("unusable_index", true, unus, MAX_ZONES);
	REQUIRE(nb > 0 && nb == ne && nb == nu);
	for (int i = 0; i < nb; i++) {
		uint64_t nr_free[NR_ORDERS];

		CHECK(!strcmp(buddy[i].zone, ext[i].zone) && !strcmp(buddy[i].zone, unus[i].zone));
		for (int o = 0; o < NR_ORDERS; o++)
			nr_free[o] = (uint64_t)buddy[i].v[o];
		for (unsigned int k = 0; k < NR_ORDERS; k++) {
			int fi = model_fragmentation_index(nr_free, NR_ORDERS, k);
			int ui = model_unusable_index(nr_free, NR_ORDERS, k);

			if (fi != ext[i].v[k] || ui != unus[i].v[k])
				fprintf(stderr, "%s order %u: extfrag %d vs %lld, unusable %d vs %lld\n",
					buddy[i].zone, k, fi, ext[i].v[k], ui, unus[i].v[k]);
			CHECK(fi == ext[i].v[k]);
			CHECK(ui == unus[i].v[k]);
		}
	}
	return TEST_REPORT();
}

/*
 * pcp batch and high, 6.1 vs 6.18 (spec 4.2).
 * Models: mm/page_alloc.c zone_batchsize(), zone_highsize(),
 * zone_set_pageset_high_and_batch(), v6.1 and v6.18.
 */
static void examples_pcp(void)
{
	struct model_formula_settings s61, s618;
	struct model_formula_zone z = { .node = 0, .zone_type = MODEL_FORMULA_ZONE_NORMAL,
					.managed_pages = 262144, .present_pages = 262144 };
	struct model_formula_wmarks w;
	unsigned int node_cpus[2] = { 4, 0 };

	/* batch = pow2floor(b + b/2) - 1, b = min(managed >> 10, 256) / 4, at least 1. */
	CHECK_EQ_U64(model_formulas_pcp_batch(262144, 12), 63);   /* 256/4=64; 96 -> 64 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(1u << 30, 12), 63); /* capped at 1 MiB = 256 */
	CHECK_EQ_U64(model_formulas_pcp_batch(102400, 12), 31);   /* 100/4=25; 37 -> 32 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(45056, 12), 15);    /* 44/4=11; 16 -> 16 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(40960, 12), 7);     /* 40/4=10; 15 -> 8 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(16384, 12), 3);     /* 16/4=4; 6 -> 4 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(8192, 12), 1);      /* 8/4=2; 3 -> 2 - 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(3840, 12), 1);      /* 3/4=0 -> 1; 1 -> 0 -> max 1 */
	CHECK_EQ_U64(model_formulas_pcp_batch(0, 12), 1);
	/* 64 KiB pages: the 1 MiB cap is 16 pages: 16/4=4; 6 -> 4 - 1 = 3. */
	CHECK_EQ_U64(model_formulas_pcp_batch(1u << 20, 16), 3);

	/* high = max(base / cpus, 4 * batch). */
	CHECK_EQ_U64(model_formulas_pcp_highsize(262144, 1000, 63, 0, 4), 252);  /* 250 < 252 */
	CHECK_EQ_U64(model_formulas_pcp_highsize(262144, 4000, 63, 0, 4), 1000); /* 4000/4 */
	CHECK_EQ_U64(model_formulas_pcp_highsize(262144, 0, 63, 8, 4), 8192);    /* 32768/4 */
	CHECK_EQ_U64(model_formulas_pcp_highsize(3840, 52, 1, 0, 2), 26);       /* spec LIVE DMA */

	model_formula_settings_init(&s61, MODEL_PROFILE_6_1);
	model_formula_settings_init(&s618, MODEL_PROFILE_6_18);
	s61.nr_cpus = s618.nr_cpus = 4;

	/* 6.1: one static high from LOW: max(4000/4, 252) = 1000. */
	CHECK(model_formulas_pcp_setup(&z, 4000, &s61, &w) == 0);
	CHECK_EQ_U64(w.pcp_batch, 63);
	CHECK_EQ_U64(w.pcp_high, 1000);
	CHECK_EQ_U64(w.pcp_high_min, 1000);
	CHECK_EQ_U64(w.pcp_high_max, 1000);
	/* 6.18: high_min from LOW = 1000, high_max = 262144/8/4 = 8192, pcp starts at 0. */
	CHECK(model_formulas_pcp_setup(&z, 4000, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_batch, 63);
	CHECK_EQ_U64(w.pcp_high, 0);
	CHECK_EQ_U64(w.pcp_high_min, 1000);
	CHECK_EQ_U64(w.pcp_high_max, 8192);

	/* Fraction 16: 262144/16 = 16384, /4 CPUs = 4096 in both; 6.18 stops tuning. */
	s61.percpu_pagelist_high_fraction = s618.percpu_pagelist_high_fraction = 16;
	CHECK(model_formulas_pcp_setup(&z, 4000, &s61, &w) == 0);
	CHECK_EQ_U64(w.pcp_high, 4096);
	CHECK(model_formulas_pcp_setup(&z, 4000, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_high_min, 4096);
	CHECK_EQ_U64(w.pcp_high_max, 4096);
	CHECK_EQ_U64(w.pcp_high, 0);
	/* Fractions 1..7 are refused by the sysctl. */
	s618.percpu_pagelist_high_fraction = 7;
	CHECK(model_formulas_pcp_setup(&z, 4000, &s618, &w) == -EINVAL);
	s618.percpu_pagelist_high_fraction = 0;

	/* Overrides: batch 15 -> floor 60; high override 500 fixes both bounds. */
	s618.pcp_batch = 15;
	CHECK(model_formulas_pcp_setup(&z, 100, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_batch, 15);
	CHECK_EQ_U64(w.pcp_high_min, 60);   /* 100/4 = 25 < 60 */
	CHECK_EQ_U64(w.pcp_high_max, 8192);
	s618.pcp_high = 500;
	CHECK(model_formulas_pcp_setup(&z, 100, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_high_min, 500);
	CHECK_EQ_U64(w.pcp_high_max, 500);
	s618.pcp_batch = s618.pcp_high = 0;

	/* Per-node CPUs: node 0 has 4; node 1 has none, so all 6 online share it. */
	s618.nr_cpus = 6;
	s618.node_nr_cpus = node_cpus;
	s618.nr_nodes = 2;
	CHECK(model_formulas_pcp_setup(&z, 4000, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_high_min, 1000); /* 4000/4 */
	z.node = 1;
	CHECK(model_formulas_pcp_setup(&z, 4000, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_high_min, 666);  /* 4000/6 */
	CHECK_EQ_U64(w.pcp_high_max, 5461); /* 32768/6 */

	/* An empty zone keeps the boot pageset. */
	z.managed_pages = 0;
	CHECK(model_formulas_pcp_setup(&z, 0, &s618, &w) == 0);
	CHECK_EQ_U64(w.pcp_batch, 1);
	CHECK_EQ_U64(w.pcp_high_max, 0);
}

/*
 * Protection per node (spec 5.3).
 * Models: mm/page_alloc.c setup_per_zone_lowmem_reserve(), v6.1 and v6.18.
 */
static void examples_lowmem_reserve(void)
{
	/*
	 * Node 0: DMA 4000, DMA32 1023, NORMAL 1 (listed out of order);
	 * node 1: NORMAL 5000, MOVABLE 640; ratios 256 256 32 0 0.
	 */
	const struct model_formula_zone z[] = {
		{ 0, MODEL_FORMULA_ZONE_NORMAL, 1, 1 },
		{ 0, MODEL_FORMULA_ZONE_DMA, 4000, 4000 },
		{ 0, MODEL_FORMULA_ZONE_DMA32, 1023, 1023 },
		{ 1, MODEL_FORMULA_ZONE_NORMAL, 5000, 5000 },
		{ 1, MODEL_FORMULA_ZONE_MOVABLE, 640, 640 },
		{ 1, MODEL_FORMULA_ZONE_DMA32, 0, 0 },
	};
	struct model_formula_wmarks w[6];
	struct model_formula_settings s;

	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	CHECK(model_formulas_lowmem_reserve(z, 6, &s, w) == 0);
	/* Node 0 NORMAL: nothing above it. */
	CHECK_EQ_U64(w[0].lowmem_reserve[3], 0);
	/* Node 0 DMA: 1023/256 = 3 (3.996); (1023 + 1)/256 = 4 for NORMAL and above. */
	CHECK_EQ_U64(w[1].lowmem_reserve[0], 0);
	CHECK_EQ_U64(w[1].lowmem_reserve[1], 3);
	CHECK_EQ_U64(w[1].lowmem_reserve[2], 4);
	CHECK_EQ_U64(w[1].lowmem_reserve[3], 4);
	CHECK_EQ_U64(w[1].lowmem_reserve[4], 4);
	/* Node 0 DMA32: 1/256 = 0. */
	CHECK_EQ_U64(w[2].lowmem_reserve[2], 0);
	/* Node 1 NORMAL: 640/32 = 20, not counting node 0's zones. */
	CHECK_EQ_U64(w[3].lowmem_reserve[3], 20);
	CHECK_EQ_U64(w[3].lowmem_reserve[4], 20);
	/* Node 1 MOVABLE: ratio 0. */
	CHECK_EQ_U64(w[4].lowmem_reserve[4], 0);
	/* Node 1 DMA32 has no managed pages: no protection although 5640 sit above it. */
	CHECK_EQ_U64(w[5].lowmem_reserve[2], 0);
	CHECK_EQ_U64(w[5].lowmem_reserve[3], 0);
}

/* Models: mm/page_alloc.c boost_watermark(), v6.1 and v6.18 (spec 5.4). */
static void examples_boost(void)
{
	struct model_formula_settings s;

	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	/* HIGH 8031 x 15000 / 10000 = 12046 (12046.5 floored). */
	CHECK_EQ_U64(model_formulas_boost_max(360448, 8031, &s), 12046);
	CHECK_EQ_U64(model_formulas_boost_step(360448, 8031, 0, &s), 512);
	CHECK_EQ_U64(model_formulas_boost_step(360448, 8031, 512, &s), 1024);
	CHECK_EQ_U64(model_formulas_boost_step(360448, 8031, 11776, &s), 12046); /* capped */
	/* HIGH 85: 127 < one pageblock, so the cap is 512. */
	CHECK_EQ_U64(model_formulas_boost_max(3840, 85, &s), 512);
	/* Managed below 4 pageblocks (2048): never boosts. */
	CHECK_EQ_U64(model_formulas_boost_max(2047, 85, &s), 0);
	CHECK_EQ_U64(model_formulas_boost_step(2047, 85, 0, &s), 0);
	CHECK_EQ_U64(model_formulas_boost_max(2048, 85, &s), 512);
	/* HIGH 0 (early boot): 0 x 1.5 = 0 means no boost, not one pageblock. */
	CHECK_EQ_U64(model_formulas_boost_max(360448, 0, &s), 0);
	/* Factor 0 disables it. */
	s.watermark_boost_factor = 0;
	CHECK_EQ_U64(model_formulas_boost_max(360448, 8031, &s), 0);
	CHECK_EQ_U64(model_formulas_boost_step(360448, 8031, 100, &s), 100);
}

/* Models: calculate_min_free_kbytes(), set_recommended_min_free_kbytes() (spec 5.1). */
static void examples_min_free(void)
{
	struct model_formula_settings s;
	struct model_formula_zone small = { 0, MODEL_FORMULA_ZONE_NORMAL, 10000, 10000 };
	struct model_formula_zone tiny = { 0, MODEL_FORMULA_ZONE_NORMAL, 100, 100 };
	struct model_formula_zone huge = { 0, MODEL_FORMULA_ZONE_NORMAL, 1ull << 38, 1ull << 38 };
	struct model_formula_zone movable = { 0, MODEL_FORMULA_ZONE_MOVABLE, 1u << 20, 1u << 20 };
	struct model_formula_zone two[2];

	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	/* 10000 pages = 40000 kB; sqrt(16 x 40000) = 800 kB. */
	CHECK_EQ_U64(model_formulas_min_free_kbytes_default(&small, 1, NULL, &s), 800);
	/* THP: 512 x 1 x 2 + 512 x 1 x 9 = 5632 pages, capped at 10000/20 = 500 -> 2000 kB. */
	CHECK_EQ_U64(model_formulas_min_free_kbytes_thp(&small, 1, NULL, &s), 2000);
	CHECK_EQ_U64(model_formulas_min_free_kbytes(&small, 1, NULL, &s), 2000);
	s.thp_enabled = false;
	CHECK_EQ_U64(model_formulas_min_free_kbytes_thp(&small, 1, NULL, &s), 0);
	CHECK_EQ_U64(model_formulas_min_free_kbytes(&small, 1, NULL, &s), 800);
	/* A user value wins. */
	s.min_free_kbytes = 1234;
	CHECK_EQ_U64(model_formulas_min_free_kbytes(&small, 1, NULL, &s), 1234);
	s.min_free_kbytes = 0;
	/* Clamps: sqrt(16 x 400) = 80 -> 128; sqrt(16 x 2^40) = 2^22 -> 262144. */
	CHECK_EQ_U64(model_formulas_min_free_kbytes_default(&tiny, 1, NULL, &s), 128);
	CHECK_EQ_U64(model_formulas_min_free_kbytes_default(&huge, 1, NULL, &s), 262144);
	/* MOVABLE is not lowmem and does not count for THP either. */
	two[0] = small;
	two[1] = movable;
	CHECK_EQ_U64(model_formulas_min_free_kbytes_default(two, 2, NULL, &s), 800);
	s.thp_enabled = true;
	CHECK_EQ_U64(model_formulas_min_free_kbytes_thp(two, 2, NULL, &s), 2000);
}

/* Models: mm/vmstat.c __fragmentation_index(), unusable_free_index(), extfrag_for_order(). */
static void examples_indices(void)
{
	/*
	 * Zone A: 8 free order-0, 4 order-1, 2 order-2 blocks.
	 * total blocks 14; free pages 8 + 8 + 8 = 24.
	 */
	const uint64_t a[NR_ORDERS] = { 8, 4, 2 };
	const uint64_t none[NR_ORDERS] = { 0 };
	const uint64_t one[NR_ORDERS] = { 1 };
	/* spec LIVE-style zone: 1 order-8, 1 order-9, 3 order-10 = 3840 pages. */
	const uint64_t dma[NR_ORDERS] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3 };

	/* k=0: suitable = 24 chunks > 0: -1000; unusable (24 - 24) x 1000 / 24 = 0. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, 0) == -1000);
	CHECK(model_unusable_index(a, NR_ORDERS, 0) == 0);
	/* k=2: suitable = 2: -1000; unusable (24 - 8) x 1000 / 24 = 666. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, 2) == -1000);
	CHECK(model_unusable_index(a, NR_ORDERS, 2) == 666);
	CHECK(model_extfrag_for_order(a, NR_ORDERS, 2) == 66); /* 1600 / 24 */
	/* k=3, larger than any free block: 1000 - (1000 + 24000/8) / 14 = 1000 - 285. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, 3) == 715);
	CHECK(model_unusable_index(a, NR_ORDERS, 3) == 1000);
	CHECK(model_extfrag_for_order(a, NR_ORDERS, 3) == 100);
	/* k=4: 1000 - (1000 + 1500) / 14 = 1000 - 178 = 822. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, 4) == 822);
	/* k=10: 24000/1024 = 23; 1000 - 1023/14 = 1000 - 73 = 927. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, 10) == 927);

	/* No free pages at all. */
	for (unsigned int k = 0; k < NR_ORDERS; k++) {
		CHECK(model_fragmentation_index(none, NR_ORDERS, k) == 0);
		CHECK(model_unusable_index(none, NR_ORDERS, k) == 1000);
		CHECK(model_extfrag_for_order(none, NR_ORDERS, k) == 0);
	}
	CHECK(model_unusable_index(NULL, 0, 3) == 1000);

	/* One free page, k=1: 1000 - (1000 + 1000/2) / 1 = -500 (the formula can go negative). */
	CHECK(model_fragmentation_index(one, NR_ORDERS, 1) == -500);
	CHECK(model_unusable_index(one, NR_ORDERS, 1) == 1000);
	/* An order beyond the largest: the kernel WARNs and reports 0. */
	CHECK(model_fragmentation_index(a, NR_ORDERS, NR_ORDERS) == 0);
	CHECK(model_unusable_index(a, NR_ORDERS, NR_ORDERS) == 1000);

	/* k=9: suitable 1 + 3x2 = 7 -> 3584 pages; (3840-3584) x 1000 / 3840 = 66. */
	CHECK(model_unusable_index(dma, NR_ORDERS, 9) == 66);
	/* k=10: 3 -> 3072; 768000 / 3840 = 200. */
	CHECK(model_unusable_index(dma, NR_ORDERS, 10) == 200);
	CHECK(model_extfrag_for_order(dma, NR_ORDERS, 9) == 6);
	CHECK(model_fragmentation_index(dma, NR_ORDERS, 10) == -1000);
}

/* Models: mm/compaction.c fragmentation_score_zone_weighted(), fragmentation_score_wmark(). */
static void examples_compaction_score(void)
{
	/*
	 * The recorded host's node has 3998 + 782336 + 5505024 = 6291358 present
	 * pages. Normal at 50 %: 50 x 5505024 / 6291359 = 43.7 -> 43;
	 * DMA at 6 %: 6 x 3998 / 6291359 = 0.004 -> 0.
	 */
	CHECK_EQ_U64(model_compaction_zone_score(50, 5505024, 6291358), 43);
	CHECK_EQ_U64(model_compaction_zone_score(6, 3998, 6291358), 0);
	CHECK_EQ_U64(model_compaction_zone_score(100, 0, 0), 0);
	/* Default proactiveness 20: low 80; high 80 + 10 = 90 in both versions. */
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_1, 20, true), 80);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_1, 20, false), 90);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 20, true), 80);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 20, false), 90);
	/* 90: 6.1 low 10, high 20; 6.18 low 10, leeway min(10, 5) = 5, high 15. */
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_1, 90, false), 20);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 90, false), 15);
	/* 100: 6.1 floors low at 5 (high 15); 6.18 goes to 0 and 0. */
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_1, 100, true), 5);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_1, 100, false), 15);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 100, true), 0);
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 100, false), 0);
	/* 0: low 100, high capped at 100. */
	CHECK_EQ_U64(model_compaction_score_wmark(MODEL_PROFILE_6_18, 0, false), 100);
}

static int run_examples(void)
{
	examples_pcp();
	examples_lowmem_reserve();
	examples_boost();
	examples_min_free();
	examples_indices();
	examples_compaction_score();
	return TEST_REPORT();
}

/*
 * The zones of the recorded host (6.18, 2 CPUs): DMA 3840, DMA32 772915,
 * Normal 360448 managed pages, empty Movable and Device. lowmem (6.18,
 * MOVABLE excluded) = 1137203 pages.
 */
static const struct model_formula_zone host5[] = {
	{ 0, MODEL_FORMULA_ZONE_DMA, 3840, 3998 },
	{ 0, MODEL_FORMULA_ZONE_DMA32, 772915, 782336 },
	{ 0, MODEL_FORMULA_ZONE_NORMAL, 360448, 5505024 },
	{ 0, MODEL_FORMULA_ZONE_MOVABLE, 0, 0 },
	{ 0, MODEL_FORMULA_ZONE_DEVICE, 0, 0 },
};

#define NR_HOST5 (sizeof(host5) / sizeof(host5[0]))

static void check_wm(const struct model_formula_wmarks *w, uint64_t min, uint64_t low,
		     uint64_t high, uint64_t promo)
{
	CHECK_EQ_U64(w->min, min);
	CHECK_EQ_U64(w->low, low);
	CHECK_EQ_U64(w->high, high);
	CHECK_EQ_U64(w->promo, promo);
}

/*
 * The spec's own LIVE host (spec 4.2, 5.2, 5.3: another 6.18.44 VM, 2 CPUs):
 * DMA 3840, DMA32 772808, Normal 753664 managed pages; pages_min 16896,
 * lowmem 1530312. Every expected value is the spec's recorded zoneinfo.
 */
static void whatif_spec_live(void)
{
	const struct model_formula_zone z[] = {
		{ 0, MODEL_FORMULA_ZONE_DMA, 3840, 3998 },
		{ 0, MODEL_FORMULA_ZONE_DMA32, 772808, 782336 },
		{ 0, MODEL_FORMULA_ZONE_NORMAL, 753664, 786432 },
		{ 0, MODEL_FORMULA_ZONE_MOVABLE, 0, 0 },
		{ 0, MODEL_FORMULA_ZONE_DEVICE, 0, 0 },
	};
	struct model_formula_wmarks w[5];
	struct model_formula_settings s;

	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	s.nr_cpus = 2;
	s.min_free_kbytes = 67584;
	REQUIRE(model_formulas_setup_wmarks(z, 5, &s, w) == 0);
	CHECK_EQ_U64(w[0].min, 42);
	CHECK_EQ_U64(w[0].low, 52);
	CHECK_EQ_U64(w[0].high, 62);
	CHECK_EQ_U64(w[1].min, 8532);
	CHECK_EQ_U64(w[1].low, 10665);
	CHECK_EQ_U64(w[1].high, 12798);
	CHECK_EQ_U64(w[2].min, 8321);
	CHECK_EQ_U64(w[2].low, 10401);
	CHECK_EQ_U64(w[2].high, 12481);
	CHECK_EQ_U64(w[3].min, 32);
	CHECK_EQ_U64(w[3].high, 32);
	/* Protection: DMA (0, 3018, 5962, 5962, 5962); DMA32 (0, 0, 2944, 2944, 2944). */
	CHECK_EQ_U64(w[0].lowmem_reserve[1], 3018);
	CHECK_EQ_U64(w[0].lowmem_reserve[2], 5962);
	CHECK_EQ_U64(w[0].lowmem_reserve[4], 5962);
	CHECK_EQ_U64(w[1].lowmem_reserve[2], 2944);
	CHECK_EQ_U64(w[2].lowmem_reserve[4], 0);
	/* pcp: Normal 5200 / 47104, DMA32 5332 / 48300, DMA 26 / 240 with batch 1. */
	CHECK_EQ_U64(w[2].pcp_batch, 63);
	CHECK_EQ_U64(w[2].pcp_high_min, 5200);
	CHECK_EQ_U64(w[2].pcp_high_max, 47104);
	CHECK_EQ_U64(w[1].pcp_high_min, 5332);
	CHECK_EQ_U64(w[1].pcp_high_max, 48300);
	CHECK_EQ_U64(w[0].pcp_batch, 1);
	CHECK_EQ_U64(w[0].pcp_high_min, 26);
	CHECK_EQ_U64(w[0].pcp_high_max, 240);
	/* And its min_free_kbytes: THP's 512 x 3 x 11 = 16896 pages = 67584 kB. */
	s.min_free_kbytes = 0;
	CHECK_EQ_U64(model_formulas_min_free_kbytes(z, 5, w, &s), 67584);
}

static int run_whatif(void)
{
	struct model_formula_settings s;
	struct model_formula_wmarks w[NR_HOST5];

	whatif_spec_live();
	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	s.nr_cpus = 2;

	/*
	 * min_free_kbytes 16384 -> pages_min 4096.
	 * DMA:    4096 x 3840 / 1137203 = 13.8 -> 13; gap max(13/4=3, 3840 x 10/10000 = 3) = 3.
	 * DMA32:  4096 x 772915 / 1137203 = 2783.9 -> 2783; gap max(695, 772) = 772 (scale
	 *         factor wins).
	 * Normal: 4096 x 360448 / 1137203 = 1298.3 -> 1298; gap max(324, 360) = 360.
	 * Movable: clamp(0/1024, 32, 128) = 32, gap 0. Device: share 0, gap 0.
	 */
	s.min_free_kbytes = 16384;
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	check_wm(&w[0], 13, 16, 19, 22);
	check_wm(&w[1], 2783, 3555, 4327, 5099);
	check_wm(&w[2], 1298, 1658, 2018, 2378);
	check_wm(&w[3], 32, 32, 32, 32);
	check_wm(&w[4], 0, 0, 0, 0);
	/* pcp high_min = max(LOW / 2 CPUs, 4 x batch): DMA 8 vs 4; DMA32 1777; Normal 829. */
	CHECK_EQ_U64(w[0].pcp_high_min, 8);
	CHECK_EQ_U64(w[1].pcp_high_min, 1777);
	CHECK_EQ_U64(w[2].pcp_high_min, 829);
	/* high_max does not depend on watermarks: 360448 / 8 / 2 = 22528. */
	CHECK_EQ_U64(w[2].pcp_high_max, 22528);

	/*
	 * The host's min_free_kbytes 67584 (pages_min 16896) with
	 * watermark_scale_factor 200 (2 %):
	 * DMA:    min 57 (16896 x 3840 / 1137203 = 57.05); gap max(14, 76.8 -> 76) = 76.
	 * DMA32:  min 11483; gap max(2870, 15458.3 -> 15458) = 15458.
	 * Normal: min 5355;  gap max(1338, 7208.96 -> 7208) = 7208.
	 */
	s.min_free_kbytes = 67584;
	s.watermark_scale_factor = 200;
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	check_wm(&w[0], 57, 133, 209, 285);
	check_wm(&w[1], 11483, 26941, 42399, 57857);
	check_wm(&w[2], 5355, 12563, 19771, 26979);
	CHECK_EQ_U64(w[1].pcp_high_min, 13470); /* 26941 / 2 */
	CHECK_EQ_U64(w[2].pcp_high_min, 6281);  /* 12563 / 2 */
	/* boost cap: HIGH 19771 x 1.5 = 29656.5 -> 29656. */
	CHECK_EQ_U64(w[2].boost_max, 29656);

	/* Out-of-range scale factors are refused as the sysctl does. */
	s.watermark_scale_factor = 0;
	CHECK(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == -EINVAL);
	s.watermark_scale_factor = 3001;
	CHECK(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == -EINVAL);
	s.watermark_scale_factor = 10;

	/*
	 * Default settings: the host's own values (spec 5.2/5.3 LIVE numbers
	 * recomputed for this host), and totalreserve:
	 * DMA min(3840, 85 + 4427) = 3840; DMA32 17223 + 1408 = 18631;
	 * Normal 8031 + 0; Movable min(0, 32 + 0) = 0; Device 0 -> 30502.
	 */
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	check_wm(&w[0], 57, 71, 85, 99);
	check_wm(&w[2], 5355, 6693, 8031, 9369);
	CHECK_EQ_U64(model_formulas_totalreserve_pages(host5, NR_HOST5, w), 30502);

	/*
	 * lowmem_reserve_ratio DMA 256 -> 512, DMA32 256 -> 128, NORMAL 32:
	 * DMA:   772915 / 512 = 1509; (772915 + 360448) / 512 = 2213.6 -> 2213.
	 * DMA32: 360448 / 128 = 2816.   Normal: nothing above it is populated -> 0.
	 */
	s.lowmem_reserve_ratio[0] = 512;
	s.lowmem_reserve_ratio[1] = 128;
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	CHECK_EQ_U64(w[0].lowmem_reserve[0], 0);
	CHECK_EQ_U64(w[0].lowmem_reserve[1], 1509);
	CHECK_EQ_U64(w[0].lowmem_reserve[2], 2213);
	CHECK_EQ_U64(w[0].lowmem_reserve[4], 2213);
	CHECK_EQ_U64(w[1].lowmem_reserve[1], 0);
	CHECK_EQ_U64(w[1].lowmem_reserve[2], 2816);
	CHECK_EQ_U64(w[2].lowmem_reserve[3], 0);
	/* Ratio 0 clears a zone's protection. */
	s.lowmem_reserve_ratio[0] = 0;
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	CHECK_EQ_U64(w[0].lowmem_reserve[2], 0);
	model_formula_settings_init(&s, MODEL_PROFILE_6_18);
	s.nr_cpus = 2;

	/*
	 * 6.1 profile: MOVABLE counts as lowmem and gets a proportional MIN
	 * (here 16896 x 0 / 1137203 = 0), not the 32..128 clamp.
	 */
	s.profile = MODEL_PROFILE_6_1;
	s.min_free_kbytes = 67584;
	REQUIRE(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == 0);
	check_wm(&w[3], 0, 0, 0, 0);
	check_wm(&w[1], 11483, 14353, 17223, 20093);
	/* 6.1 pcp: static high = LOW / 2 = 7176 for DMA32. */
	CHECK_EQ_U64(w[1].pcp_high, 7176);
	CHECK_EQ_U64(w[1].pcp_high_max, 7176);

	/*
	 * A populated MOVABLE zone of 1 GiB (262144 pages) next to the host's:
	 * 6.18: MOVABLE MIN = clamp(262144/1024 = 256, 32, 128) = 128 and lowmem
	 *       stays 1137203, so Normal keeps min 5355; the gap still uses the
	 *       proportional share 16896 x 262144 / 1137203 = 3894:
	 *       gap = max(3894 / 4 = 973, 262) = 973.
	 * 6.1:  lowmem = 1399347; Normal min = 16896 x 360448 / 1399347 = 4352.1 -> 4352;
	 *       MOVABLE min = 16896 x 262144 / 1399347 = 3165.2 -> 3165, gap max(791, 262).
	 */
	{
		struct model_formula_zone z6[NR_HOST5];

		memcpy(z6, host5, sizeof(host5));
		z6[3].managed_pages = z6[3].present_pages = 262144;
		s.profile = MODEL_PROFILE_6_18;
		REQUIRE(model_formulas_setup_wmarks(z6, NR_HOST5, &s, w) == 0);
		check_wm(&w[3], 128, 1101, 2074, 3047);
		CHECK_EQ_U64(w[2].min, 5355);
		s.profile = MODEL_PROFILE_6_1;
		REQUIRE(model_formulas_setup_wmarks(z6, NR_HOST5, &s, w) == 0);
		CHECK_EQ_U64(w[2].min, 4352);
		check_wm(&w[3], 3165, 3956, 4747, 5538);
		/* lowmem_reserve of Normal toward MOVABLE: 262144 / 32 = 8192. */
		CHECK_EQ_U64(w[2].lowmem_reserve[3], 8192);
	}

	/* Bad layouts are refused. */
	{
		struct model_formula_zone bad[2] = { host5[0], host5[0] };

		CHECK(model_formulas_setup_wmarks(bad, 2, &s, w) == -EINVAL); /* duplicate */
		bad[1].node = 1;
		CHECK(model_formulas_setup_wmarks(bad, 2, &s, w) == 0);
		bad[1].zone_type = MODEL_FORMULA_NR_ZONE_TYPES;
		CHECK(model_formulas_setup_wmarks(bad, 2, &s, w) == -EINVAL);
		s.nr_cpus = 0;
		CHECK(model_formulas_setup_wmarks(host5, NR_HOST5, &s, w) == -EINVAL);
	}
	return TEST_REPORT();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "host")) {
		data_dir = argv[2];
		return run_host();
	}
	if (argc == 3 && !strcmp(argv[1], "indices")) {
		data_dir = argv[2];
		return run_host_indices();
	}
	if (argc == 2 && !strcmp(argv[1], "examples"))
		return run_examples();
	if (argc == 2 && !strcmp(argv[1], "whatif"))
		return run_whatif();
	fprintf(stderr, "usage: test_model_formulas host|indices DATA_DIR | examples | whatif\n");
	return 2;
}
