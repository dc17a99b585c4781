/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of capture/sysinfo (unprivileged): the zoneinfo and
 * pagetypeinfo parsers, checkpoint records and the JSON header, run on
 * recorded copies of the development VM's files (data/root/, see
 * data/README.md) and on small hand-written texts for the awkward cases.
 * Expected numbers were read from the recorded files by eye; the page sums
 * cross-check two files against each other (pagetypeinfo free lists
 * against zoneinfo "pages free", against buddyinfo rows).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "sysinfo.h"

static const char *data_root;

static char *slurp(const char *rel, size_t *len)
{
	char *buf;
	struct tracefmt_error err = { 0 };
	int ret = sysinfo_file_read(data_root, rel, &buf, len, &err);

	if (ret)
		fprintf(stderr, "%s\n", err.text);
	REQUIRE(ret == 0);
	return buf;
}

static void test_zoneinfo_recorded(void)
{
	struct sysinfo_zoneinfo zi;
	struct tracefmt_error err = { 0 };
	const struct sysinfo_zone *z;
	size_t len;
	char *text = slurp("proc/zoneinfo", &len);

	REQUIRE(sysinfo_zoneinfo_parse(text, len, &zi, &err) == 0);
	CHECK_EQ_U64(zi.nr_zones, 5);
	CHECK(!strcmp(zi.zones[0].name, "DMA") && !strcmp(zi.zones[4].name, "Device"));

	z = sysinfo_zoneinfo_find(&zi, 0, "DMA");
	REQUIRE(z);
	CHECK_EQ_U64(z->nr_free_pages, 3840);
	CHECK_EQ_U64(z->min, 57);
	CHECK_EQ_U64(z->low, 71);
	CHECK_EQ_U64(z->high, 85);
	CHECK(z->has_promo && z->promo == 99);
	CHECK_EQ_U64(z->spanned, 4095);
	CHECK_EQ_U64(z->present, 3998);
	CHECK_EQ_U64(z->managed, 3840);
	CHECK(z->has_start_pfn && z->start_pfn == 1);
	CHECK_EQ_U64(z->nr_protection, 5);
	CHECK_EQ_U64(z->protection[1], 3019);
	CHECK_EQ_U64(z->protection[2], 4427);
	CHECK_EQ_U64(z->nr_pcp, 2);
	CHECK_EQ_U64(z->pcp[0].batch, 1);
	CHECK_EQ_U64(z->pcp[0].high_min, 35);
	CHECK_EQ_U64(z->pcp[0].high_max, 240);

	z = sysinfo_zoneinfo_find(&zi, 0, "DMA32");
	REQUIRE(z);
	CHECK_EQ_U64(z->nr_free_pages, 772915);
	CHECK_EQ_U64(z->start_pfn, 4096);
	CHECK_EQ_U64(z->protection[2], 1408);
	CHECK_EQ_U64(z->pcp[0].high, 7176);
	CHECK_EQ_U64(z->pcp[1].high, 0);
	CHECK_EQ_U64(z->pcp[1].high_max, 48307);

	z = sysinfo_zoneinfo_find(&zi, 0, "Normal");
	REQUIRE(z);
	CHECK_EQ_U64(z->nr_free_pages, 184039);
	CHECK_EQ_U64(z->min, 5355);
	CHECK_EQ_U64(z->high, 8031);
	CHECK_EQ_U64(z->spanned, 5505024);
	CHECK_EQ_U64(z->managed, 360448);
	CHECK_EQ_U64(z->start_pfn, 1048576);
	CHECK_EQ_U64(z->nr_pcp, 2);
	CHECK_EQ_U64(z->pcp[0].count, 14365);
	CHECK_EQ_U64(z->pcp[0].high, 15647);
	CHECK_EQ_U64(z->pcp[1].cpu, 1);
	CHECK_EQ_U64(z->pcp[1].count, 4547);
	CHECK_EQ_U64(z->pcp[1].high, 14434);
	CHECK_EQ_U64(z->pcp[1].batch, 63);
	CHECK_EQ_U64(z->pcp[1].high_min, 3346);
	CHECK_EQ_U64(z->pcp[1].high_max, 22528);

	/* Empty zones are listed too, without start_pfn or pagesets. */
	z = sysinfo_zoneinfo_find(&zi, 0, "Movable");
	REQUIRE(z);
	CHECK(!z->has_start_pfn);
	CHECK_EQ_U64(z->spanned, 0);
	CHECK_EQ_U64(z->min, 32);
	CHECK_EQ_U64(z->nr_pcp, 0);
	CHECK(sysinfo_zoneinfo_find(&zi, 1, "Normal") == NULL);
	sysinfo_zoneinfo_release(&zi);
	free(text);
}

/* A 6.1-style zone: no promo, no high_min/high_max; and broken texts. */
static void test_zoneinfo_handwritten(void)
{
	static const char v61[] =
		"Node 1, zone   Normal\n"
		"  pages free     1000\n"
		"        boost    12\n"
		"        min      5\n"
		"        low      6\n"
		"        high     7\n"
		"        spanned  4096\n"
		"        present  4096\n"
		"        managed  4000\n"
		"        protection: (0, 0, 0, 0)\n"
		"      nr_free_pages 1000\n"
		"  pagesets\n"
		"    cpu: 3\n"
		"              count: 17\n"
		"              high:  186\n"
		"              batch: 31\n"
		"  vm stats threshold: 24\n"
		"  node_unreclaimable:  0\n"
		"  start_pfn:           1048576";
	static const char bad_number[] = "Node 0, zone DMA\n  pages free 12x\n";
	static const char no_pages_free[] = "Node 0, zone DMA\n        min 5\n";
	static const char bad_zone[] = "Node zero, zone DMA\n";
	struct sysinfo_zoneinfo zi;
	struct tracefmt_error err = { 0 };

	REQUIRE(sysinfo_zoneinfo_parse(v61, strlen(v61), &zi, &err) == 0);
	REQUIRE(zi.nr_zones == 1);
	CHECK_EQ_U64(zi.zones[0].node, 1);
	CHECK(!zi.zones[0].has_promo);
	CHECK_EQ_U64(zi.zones[0].boost, 12);
	CHECK_EQ_U64(zi.zones[0].nr_protection, 4);
	REQUIRE(zi.zones[0].nr_pcp == 1);
	CHECK_EQ_U64(zi.zones[0].pcp[0].cpu, 3);
	CHECK_EQ_U64(zi.zones[0].pcp[0].count, 17);
	CHECK_EQ_U64(zi.zones[0].pcp[0].high, 186);
	CHECK(zi.zones[0].pcp[0].high_min == -1 && zi.zones[0].pcp[0].high_max == -1);
	/* The last line has no newline: it must still count. */
	CHECK(zi.zones[0].has_start_pfn && zi.zones[0].start_pfn == 1048576);
	sysinfo_zoneinfo_release(&zi);

	CHECK(sysinfo_zoneinfo_parse(bad_number, strlen(bad_number), &zi, &err) == -EINVAL);
	CHECK_EQ_U64(err.offset, 2);
	CHECK_STR_CONTAINS(err.text, "line 2");
	sysinfo_zoneinfo_release(&zi);
	CHECK(sysinfo_zoneinfo_parse(no_pages_free, strlen(no_pages_free), &zi, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "pages free");
	sysinfo_zoneinfo_release(&zi);
	CHECK(sysinfo_zoneinfo_parse(bad_zone, strlen(bad_zone), &zi, &err) == -EINVAL);
	sysinfo_zoneinfo_release(&zi);
	CHECK(sysinfo_zoneinfo_parse("", 0, &zi, &err) == -EINVAL);
	CHECK_STR_CONTAINS(err.text, "no 'Node");
	sysinfo_zoneinfo_release(&zi);
}

static void test_pagetypeinfo_recorded(void)
{
	struct sysinfo_pagetypeinfo pti;
	struct tracefmt_error err = { 0 };
	size_t len;
	char *text = slurp("proc/pagetypeinfo", &len);
	const struct sysinfo_pagetype_zone *n;

	REQUIRE(sysinfo_pagetypeinfo_parse(text, len, &pti, &err) == 0);
	CHECK_EQ_U64(pti.pageblock_order, 9);
	CHECK_EQ_U64(pti.pages_per_block, 512);
	CHECK_EQ_U64(pti.nr_orders, 11);
	CHECK_EQ_U64(pti.nr_mt, 5);
	CHECK(!strcmp(pti.mt_names[0], "Unmovable"));
	CHECK(!strcmp(pti.mt_names[3], "HighAtomic"));
	CHECK(!strcmp(pti.mt_names[4], "Isolate"));
	REQUIRE(pti.nr_zones == 3);
	CHECK(!strcmp(pti.zones[1].name, "DMA32"));
	n = &pti.zones[2];
	CHECK(!strcmp(n->name, "Normal"));
	/* Normal, Movable row: 2542 319 16 42 23 16 6 4 13 70 126 */
	CHECK_EQ_U64(n->free_blocks[0][1], 2542);
	CHECK_EQ_U64(n->free_blocks[9][1], 70);
	CHECK_EQ_U64(n->free_blocks[10][1], 126);
	/* Normal, Unmovable order 2 = 297; Reclaimable order 3 = 75 */
	CHECK_EQ_U64(n->free_blocks[2][0], 297);
	CHECK_EQ_U64(n->free_blocks[3][2], 75);
	CHECK(n->has_pageblocks);
	CHECK_EQ_U64(n->pageblocks[0], 70);
	CHECK_EQ_U64(n->pageblocks[1], 597);
	CHECK_EQ_U64(n->pageblocks[2], 37);
	CHECK_EQ_U64(pti.zones[1].pageblocks[1], 1528);
	CHECK(!n->capped);
	sysinfo_pagetypeinfo_release(&pti);
	free(text);
}

static void test_pagetypeinfo_handwritten(void)
{
	/* A capped list, a CMA column and the page_owner "mixed blocks" table. */
	static const char capped[] =
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone   Normal, type    Unmovable      5 >100000      0 \n"
		"Node    0, zone   Normal, type          CMA      1      2      3 \n"
		"\n"
		"Number of blocks type     Unmovable          CMA \n"
		"Node 0, zone   Normal            4            2 \n"
		"Number of mixed blocks    Unmovable          CMA \n"
		"Node 0, zone   Normal            1            0 \n";
	static const char short_row[] =
		"Page block order: 9\n"
		"Free pages count per migrate type at order       0      1 \n"
		"Node    0, zone   Normal, type    Unmovable      5\n";
	struct sysinfo_pagetypeinfo pti;
	struct tracefmt_error err = { 0 };

	REQUIRE(sysinfo_pagetypeinfo_parse(capped, strlen(capped), &pti, &err) == 0);
	CHECK_EQ_U64(pti.nr_orders, 3);
	CHECK_EQ_U64(pti.nr_mt, 2);
	CHECK(!strcmp(pti.mt_names[1], "CMA"));
	REQUIRE(pti.nr_zones == 1);
	CHECK(pti.zones[0].capped);
	CHECK_EQ_U64(pti.zones[0].free_blocks[1][0], 100000);
	CHECK_EQ_U64(pti.zones[0].free_blocks[2][1], 3);
	/* The mixed-blocks row (1, 0) must not overwrite the blocks row (4, 2). */
	CHECK_EQ_U64(pti.zones[0].pageblocks[0], 4);
	CHECK_EQ_U64(pti.zones[0].pageblocks[1], 2);
	sysinfo_pagetypeinfo_release(&pti);

	CHECK(sysinfo_pagetypeinfo_parse(short_row, strlen(short_row), &pti, &err) == -EINVAL);
	CHECK_EQ_U64(err.offset, 3);
	sysinfo_pagetypeinfo_release(&pti);
	CHECK(sysinfo_pagetypeinfo_parse("hello\n", 6, &pti, &err) == -EINVAL);
	sysinfo_pagetypeinfo_release(&pti);
}

/* sum over migratetypes of zone @z's lists at @order */
static uint64_t blocks_at(const struct tracefmt_event *ev, unsigned int order)
{
	uint64_t s = 0;

	for (unsigned int mt = 0; mt < ev->u.checkpoint.nr_mt; mt++)
		s += ev->u.checkpoint.free_blocks[order][mt];
	return s;
}

static void test_checkpoint(void)
{
	struct tracefmt_event ev[8];
	struct tracefmt_error err = { 0 };
	size_t nr, blen;
	char *buddy = slurp("proc/buddyinfo", &blen), *line, *save = NULL;
	unsigned int node, rows = 0;

	REQUIRE(sysinfo_checkpoint_read(data_root, 7, 123456789, ev, 8, &nr, &err) == 0);
	REQUIRE(nr == 3);
	for (size_t i = 0; i < nr; i++) {
		CHECK_EQ_U64(ev[i].type, TRACEFMT_CHECKPOINT);
		CHECK_EQ_U64(ev[i].u.checkpoint.seq, 7);
		CHECK_EQ_U64(ev[i].ts_ns, 123456789);
		CHECK_EQ_U64(ev[i].u.checkpoint.nr_orders, 11);
		CHECK(ev[i].u.checkpoint.flags & TRACEFMT_CKPT_HAS_NR_FREE);
		CHECK(ev[i].u.checkpoint.flags & TRACEFMT_CKPT_HAS_PAGEBLOCKS);
	}
	/*
	 * DMA and DMA32 were idle while the files were copied, so their free
	 * lists add up to zoneinfo's "pages free" exactly.
	 */
	for (size_t i = 0; i < 2; i++) {
		uint64_t pages = 0;

		for (unsigned int o = 0; o < 11; o++)
			pages += blocks_at(&ev[i], o) << o;
		CHECK_EQ_U64(pages, ev[i].u.checkpoint.nr_free_pages);
	}
	CHECK_EQ_U64(ev[1].u.checkpoint.nr_free_pages, 772915);
	CHECK_EQ_U64(ev[2].u.checkpoint.nr_free_pages, 184039);
	/* Each pagetypeinfo zone, summed over lists, is its buddyinfo row. */
	for (line = strtok_r(buddy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16];
		unsigned long v[11];

		if (sscanf(line, "Node %u, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   &node, zone, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10]) != 13)
			continue;
		for (size_t i = 0; i < nr; i++) {
			if (strcmp(ev[i].u.checkpoint.zone, zone))
				continue;
			rows++;
			for (unsigned int o = 0; o < 11; o++)
				CHECK_EQ_U64(blocks_at(&ev[i], o), v[o]);
		}
	}
	CHECK_EQ_U64(rows, 3);
	CHECK(sysinfo_checkpoint_read(data_root, 0, 0, ev, 2, &nr, &err) == -ENOSPC);
	free(buddy);
}

/*
 * Zone states from the recorded zoneinfo: one per zone, empty ones too,
 * after the three checkpoints, with the values as printed (read by eye).
 */
static void test_zone_state(void)
{
	struct tracefmt_event ev[16];
	struct tracefmt_error err = { 0 };
	size_t nr, ns;
	const __typeof__(ev[0].u.zone_state) *dma, *movable;

	REQUIRE(sysinfo_checkpoint_read_full(data_root, 4, 99, ev, 16, &nr, &ns, &err) == 0);
	REQUIRE(nr == 8 && ns == 5);
	for (size_t i = 0; i < nr; i++) {
		CHECK_EQ_U64(ev[i].type, i < 3 ? TRACEFMT_CHECKPOINT : TRACEFMT_ZONE_STATE);
		CHECK_EQ_U64(ev[i].ts_ns, 99);
	}
	dma = &ev[3].u.zone_state;
	CHECK_EQ_U64(dma->seq, 4);
	CHECK(!strcmp(dma->zone, "DMA"));
	CHECK_EQ_U64(dma->flags, TRACEFMT_ZS_HAS_START_PFN | TRACEFMT_ZS_HAS_PROMO |
					 TRACEFMT_ZS_HAS_MIN_FREE_KBYTES | TRACEFMT_ZS_HAS_PCP);
	CHECK_EQ_U64(dma->pcp_batch, 1);
	CHECK_EQ_U64(dma->pcp_high_min, 35);
	CHECK_EQ_U64(dma->pcp_high_max, 240);
	CHECK_EQ_U64(dma->start_pfn, 1);
	CHECK_EQ_U64(dma->spanned, 4095);
	CHECK_EQ_U64(dma->present, 3998);
	CHECK_EQ_U64(dma->managed, 3840);
	CHECK_EQ_U64(dma->min, 57);
	CHECK_EQ_U64(dma->low, 71);
	CHECK_EQ_U64(dma->high, 85);
	CHECK_EQ_U64(dma->promo, 99);
	CHECK_EQ_U64(dma->boost, 0);
	CHECK_EQ_U64(dma->min_free_kbytes, 67584);
	CHECK_EQ_U64(dma->nr_protection, 5);
	CHECK_EQ_U64(dma->protection[1], 3019);
	CHECK_EQ_U64(dma->protection[4], 4427);
	CHECK_EQ_U64(ev[5].u.zone_state.start_pfn, 1048576);
	CHECK_EQ_U64(ev[5].u.zone_state.managed, 360448);
	CHECK_EQ_U64(ev[5].u.zone_state.nr_free_pages, 184039);
	CHECK_EQ_U64(ev[5].u.zone_state.pcp_batch, 63);
	CHECK_EQ_U64(ev[5].u.zone_state.pcp_high_min, 3346);
	CHECK_EQ_U64(ev[5].u.zone_state.pcp_high_max, 22528);
	movable = &ev[6].u.zone_state;
	CHECK(!strcmp(movable->zone, "Movable"));
	CHECK_EQ_U64(movable->flags, TRACEFMT_ZS_HAS_PROMO | TRACEFMT_ZS_HAS_MIN_FREE_KBYTES);
	CHECK_EQ_U64(movable->spanned, 0);
	CHECK_EQ_U64(movable->min, 32);
	CHECK(!strcmp(ev[7].u.zone_state.zone, "Device"));
	CHECK(sysinfo_checkpoint_read_full(data_root, 4, 99, ev, 7, &nr, &ns, &err) == -ENOSPC);
}

static void mkdir_p(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	REQUIRE(f);
	fputs(text, f);
	fclose(f);
}

/*
 * host.llc from made-up cacheinfo under @tmp: cpu 0 has L1d, L1i, L2 and an
 * L3 shared by cpus 0-3; cpu 1 has only an L2 (the highest level present
 * wins); cpu 2 has only an instruction cache and cpu 3 no cache directory
 * (as on the development VM): no LLC, data slice 0.
 */
static void test_llc(const char *tmp)
{
	static const char *const leaves[][5] = {
		/* cpu, index, level, type, size, shared_cpu_list */
		{ "0/cache/index0", "1", "Data", "32K", "0" },
		{ "0/cache/index1", "1", "Instruction", "32K", "0" },
		{ "0/cache/index2", "2", "Unified", "512K", "0" },
		{ "0/cache/index3", "3", "Unified", "32768K", "0-3" },
		{ "1/cache/index0", "2", "Unified", "1M", "1,3" },
		{ "2/cache/index0", "1", "Instruction", "64K", "2" },
	};
	struct sysinfo_header_opts o = { .root = tmp };
	struct tracefmt_error err = { 0 };
	char path[4096], from[4096];
	json_t *h, *llc, *e;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu", tmp);
	mkdir_p(path);
	snprintf(path, sizeof(path), "%s/proc", tmp);
	mkdir_p(path);
	snprintf(from, sizeof(from), "%s/proc/zoneinfo", data_root);
	snprintf(path, sizeof(path), "%s/proc/zoneinfo", tmp);
	unlink(path);
	REQUIRE(symlink(from, path) == 0);
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/online", tmp);
	write_file(path, "0-3\n");
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		static const char *const names[] = { "level", "type", "size", "shared_cpu_list" };
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/sys/devices/system/cpu/cpu%s", tmp, leaves[i][0]);
		mkdir_p(dir);
		for (int k = 0; k < 4; k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
			write_file(path, leaves[i][k + 1]);
		}
	}
	text = sysinfo_header_create(&o, &len, &err);
	REQUIRE(text);
	h = json_loads(text, 0, NULL);
	REQUIRE(h);
	llc = json_object_get(json_object_get(h, "host"), "llc");
	REQUIRE(json_array_size(llc) == 4);
	e = json_array_get(llc, 0);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "cpu")), 0);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "level")), 3);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "size_bytes")), 32u << 20);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "shared_cpus")), 4);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "data_slice_bytes")), 8u << 20);
	e = json_array_get(llc, 1);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "level")), 2);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "size_bytes")), 1u << 20);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "shared_cpus")), 2);
	CHECK_EQ_U64(json_integer_value(json_object_get(e, "data_slice_bytes")), 512u << 10);
	for (size_t i = 2; i < 4; i++) {
		e = json_array_get(llc, i);
		CHECK_EQ_U64(json_integer_value(json_object_get(e, "cpu")), i);
		CHECK(json_is_null(json_object_get(e, "level")));
		CHECK(json_is_null(json_object_get(e, "size_bytes")));
		CHECK(json_is_null(json_object_get(e, "shared_cpus")));
		CHECK_EQ_U64(json_integer_value(json_object_get(e, "data_slice_bytes")), 0);
	}
	json_decref(h);
	free(text);
}

static void test_header(void)
{
	static const char *const missing[] = { "mm_page_alloc_extfrag" };
	struct sysinfo_header_opts o = {
		.root = data_root,
		.source = "import-ftrace",
		.start_time_unix_ns = 1764064500000000000ull,
		.tracepoints_missing = missing,
		.nr_tracepoints_missing = 1,
	};
	struct tracefmt_error err = { 0 };
	json_t *h, *host, *sysctl, *zones, *z, *pcp, *v;
	size_t len, zlen;
	char *text, *ztext = slurp("proc/zoneinfo", &zlen);
	json_error_t jerr;

	text = sysinfo_header_create(&o, &len, &err);
	REQUIRE(text);
	CHECK_EQ_U64(strlen(text), len);
	h = json_loads(text, 0, &jerr);
	REQUIRE(h);
	CHECK(!strcmp(json_string_value(json_object_get(h, "format")), "buddyscope-trace"));
	CHECK(!strcmp(json_string_value(json_object_get(h, "source")), "import-ftrace"));
	CHECK(!strcmp(json_string_value(json_object_get(h, "clock")), "CLOCK_MONOTONIC"));
	CHECK_STR_CONTAINS(json_string_value(json_object_get(h, "tool")), "buddyscope ");
	CHECK_EQ_U64(json_integer_value(json_object_get(h, "start_time_unix_ns")),
		     1764064500000000000ull);

	host = json_object_get(h, "host");
	REQUIRE(json_is_object(host));
	CHECK(!strcmp(json_string_value(json_object_get(host, "kernel_release")),
		      "6.18.44-fc-v669"));
	CHECK(!strcmp(json_string_value(json_object_get(host, "hostname")), "vm"));
	CHECK_STR_CONTAINS(json_string_value(json_object_get(host, "kernel_version")), "SMP");
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "page_size")), 4096);
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "cpus")), 2);
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "pageblock_order")), 9);
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "nr_page_orders")), 11);
	v = json_object_get(host, "migratetypes");
	CHECK(json_array_size(v) == 5);
	CHECK(!strcmp(json_string_value(json_array_get(v, 1)), "Movable"));
	CHECK(!strcmp(json_string_value(json_object_get(host, "thp_enabled")), "madvise"));
	CHECK(!strcmp(json_string_value(json_object_get(host, "thp_defrag")), "madvise"));
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "page_reporting_order")), 9);
	CHECK(json_is_false(json_object_get(host, "page_alloc_shuffle")));
	/* The development VM has no cpuN/cache directories: no LLC known, slice 0. */
	v = json_object_get(host, "llc");
	CHECK(json_array_size(v) == 2);
	CHECK(json_is_null(json_object_get(json_array_get(v, 1), "size_bytes")));
	CHECK_EQ_U64(json_integer_value(json_object_get(json_array_get(v, 1), "data_slice_bytes")), 0);

	sysctl = json_object_get(h, "sysctl");
	REQUIRE(json_is_object(sysctl));
	CHECK_EQ_U64(json_integer_value(json_object_get(sysctl, "min_free_kbytes")), 67584);
	CHECK_EQ_U64(json_integer_value(json_object_get(sysctl, "watermark_scale_factor")), 10);
	CHECK_EQ_U64(json_integer_value(json_object_get(sysctl, "watermark_boost_factor")), 15000);
	CHECK_EQ_U64(json_integer_value(json_object_get(sysctl, "compaction_proactiveness")), 20);
	CHECK(json_is_integer(json_object_get(sysctl, "percpu_pagelist_high_fraction")));
	CHECK(json_is_integer(json_object_get(sysctl, "defrag_mode")));
	v = json_object_get(sysctl, "lowmem_reserve_ratio");
	CHECK(json_array_size(v) == 5);
	CHECK_EQ_U64(json_integer_value(json_array_get(v, 0)), 256);
	CHECK_EQ_U64(json_integer_value(json_array_get(v, 2)), 32);

	zones = json_object_get(h, "zones");
	CHECK(json_array_size(zones) == 5);
	z = json_array_get(zones, 2);
	CHECK(!strcmp(json_string_value(json_object_get(z, "name")), "Normal"));
	CHECK_EQ_U64(json_integer_value(json_object_get(z, "start_pfn")), 1048576);
	CHECK_EQ_U64(json_integer_value(json_object_get(z, "managed")), 360448);
	CHECK_EQ_U64(json_integer_value(json_object_get(z, "promo")), 9369);
	CHECK(json_array_size(json_object_get(z, "protection")) == 5);
	pcp = json_object_get(z, "pcp");
	CHECK(json_array_size(pcp) == 2);
	CHECK_EQ_U64(json_integer_value(json_object_get(json_array_get(pcp, 1), "high")), 14434);
	z = json_array_get(zones, 3);
	CHECK(!strcmp(json_string_value(json_object_get(z, "name")), "Movable"));
	CHECK_EQ_U64(json_integer_value(json_object_get(z, "spanned")), 0);

	v = json_object_get(h, "tracepoints_missing");
	CHECK(json_array_size(v) == 1);
	CHECK(!strcmp(json_string_value(json_array_get(v, 0)), "mm_page_alloc_extfrag"));
	v = json_object_get(h, "raw");
	CHECK(!strcmp(json_string_value(json_object_get(v, "zoneinfo")), ztext));
	CHECK_STR_CONTAINS(json_string_value(json_object_get(v, "pagetypeinfo")),
			   "Page block order: 9");
	CHECK_STR_CONTAINS(json_string_value(json_object_get(v, "buddyinfo")), "DMA32");
	json_decref(h);
	free(text);
	free(ztext);

	/* A directory without zoneinfo cannot make a header, and says why. */
	o.root = "/nonexistent-buddyscope-root";
	CHECK(sysinfo_header_create(&o, &len, &err) == NULL);
	CHECK_STR_CONTAINS(err.text, "/nonexistent-buddyscope-root/proc/zoneinfo");
}

/*
 * Without pagetypeinfo (it is root-only): pageblock_order comes from the
 * THP PMD size (2 MiB / 4 KiB = 2^9), the orders from buddyinfo's 11
 * columns, the default migratetype names, and checkpoints carry zoneinfo's
 * free counts only, one per zone with managed pages (DMA, DMA32, Normal).
 */
static void test_without_pagetypeinfo(const char *tmp)
{
	static const char *const files[] = {
		"proc/zoneinfo", "proc/buddyinfo", "proc/sys/kernel/osrelease",
		"sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
	};
	static const char *const dirs[] = {
		"", "/proc", "/proc/sys", "/proc/sys/kernel", "/sys", "/sys/kernel", "/sys/kernel/mm",
		"/sys/kernel/mm/transparent_hugepage",
	};
	struct sysinfo_header_opts o = { .root = tmp };
	struct tracefmt_event ev[8];
	struct tracefmt_error err = { 0 };
	char from[4096], to[4096];
	json_t *h, *host;
	size_t len, nr;
	char *text;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(to, sizeof(to), "%s%s", tmp, dirs[i]);
		mkdir(to, 0755);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s", data_root, files[i]);
		snprintf(to, sizeof(to), "%s/%s", tmp, files[i]);
		unlink(to);
		REQUIRE(symlink(from, to) == 0);
	}
	text = sysinfo_header_create(&o, &len, &err);
	REQUIRE(text);
	h = json_loads(text, 0, NULL);
	REQUIRE(h);
	host = json_object_get(h, "host");
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "pageblock_order")), 9);
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "nr_page_orders")), 11);
	CHECK(json_array_size(json_object_get(host, "migratetypes")) == 5);
	CHECK(json_is_null(json_object_get(host, "thp_enabled")));
	CHECK(json_is_null(json_object_get(host, "hostname")));
	/* cpus from the pagesets zoneinfo lists (no cpu/online file here) */
	CHECK_EQ_U64(json_integer_value(json_object_get(host, "cpus")), 2);
	CHECK(json_is_null(json_object_get(json_object_get(h, "raw"), "pagetypeinfo")));
	CHECK(json_is_null(json_object_get(json_object_get(h, "sysctl"), "min_free_kbytes")));
	json_decref(h);
	free(text);

	REQUIRE(sysinfo_checkpoint_read(tmp, 1, 5, ev, 8, &nr, &err) == 0);
	CHECK_EQ_U64(nr, 3);
	CHECK_EQ_U64(ev[0].u.checkpoint.nr_mt, 0);
	CHECK_EQ_U64(ev[0].u.checkpoint.flags, TRACEFMT_CKPT_HAS_NR_FREE);
	CHECK_EQ_U64(ev[1].u.checkpoint.nr_free_pages, 772915);
	CHECK(!strcmp(ev[2].u.checkpoint.zone, "Normal"));
}

/* A scratch directory of the case's own (argv[2]). */
static const char *scratch;

static void test_without_pagetypeinfo_here(void)
{
	test_without_pagetypeinfo(scratch);
}

static void test_llc_here(void)
{
	char llc_root[4096];

	snprintf(llc_root, sizeof(llc_root), "%s-llc", scratch);
	test_llc(llc_root);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_zoneinfo_recorded),
	HARNESS_CASE(test_zoneinfo_handwritten),
	HARNESS_CASE(test_pagetypeinfo_recorded),
	HARNESS_CASE(test_pagetypeinfo_handwritten),
	HARNESS_CASE(test_checkpoint),
	HARNESS_CASE(test_header),
	{ "without_pagetypeinfo", test_without_pagetypeinfo_here },
	HARNESS_CASE(test_zone_state),
	{ "llc", test_llc_here },
};

int main(int argc, char **argv)
{
	harness_start(&argc, &argv, cases, HARNESS_NR(cases));
	REQUIRE(argc == 3);
	data_root = argv[1];
	scratch = argv[2];
	harness_run(cases, HARNESS_NR(cases));
	return TEST_REPORT();
}
