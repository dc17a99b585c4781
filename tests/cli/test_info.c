// SPDX-License-Identifier: MIT
/*
 * `buddyscope info --json` against a trace whose content the test chose:
 * every count in the JSON must equal what the test wrote, and a cut copy
 * must report truncated with the exact intact offset the writer gave.
 */
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "tracefmt.h"

static const char *bin;
static char dir[1024];

static json_t *run_info(const char *trace, int *status)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "'%s' info --json '%s' 2>/dev/null", bin, trace);
	FILE *p = popen(cmd, "r");
	REQUIRE(p);
	json_error_t e;
	json_t *j = json_loadf(p, 0, &e);
	int st = pclose(p);
	*status = WEXITSTATUS(st);
	return j;
}

/* `info --json` on @trace, which must succeed (exit 0): its JSON. */
static json_t *info_ok(const char *trace)
{
	int status;
	json_t *j = run_info(trace, &status);

	REQUIRE(j);
	CHECK(status == 0);
	return j;
}

static json_int_t geti(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_integer_value(v);
}

int main(int argc, char **argv)
{
	REQUIRE(argc == 3);
	bin = argv[1];
	snprintf(dir, sizeof(dir), "%s/info-tmp", argv[2]);
	mkdir(dir, 0755);
	char path[1200], cut[1200];
	snprintf(path, sizeof(path), "%s/known.bst", dir);
	snprintf(cut, sizeof(cut), "%s/known-cut.bst", dir);

	const char *hdr = "{\"format\":\"buddyscope-trace\",\"source\":\"test\","
			  "\"host\":{\"hostname\":\"h1\",\"kernel_release\":\"6.18.44\",\"cpus\":2,"
			  "\"nr_page_orders\":11,\"migratetypes\":[\"Unmovable\",\"Movable\","
			  "\"Reclaimable\",\"HighAtomic\",\"Isolate\"]},"
			  "\"zones\":[{\"node\":0,\"name\":\"DMA32\",\"start_pfn\":4096,\"spanned\":1044480}]}";
	struct bs_error err;
	struct tracefmt_writer *w = tracefmt_writer_create(path, hdr, strlen(hdr), NULL, &err);
	REQUIRE(w);
	/* 1000 allocs: order i%3, migratetype 1 (i%5 != 0) or 0; every 100th fails. */
	uint64_t allocs[3][2] = { { 0 } }, failed = 0, frees = 0, drains = 0, lost = 0;
	uint64_t t0 = 5000000000ull;
	uint64_t block1_end = 0;
	for (int i = 0; i < 1000; i++) {
		struct tracefmt_event ev = { .type = TRACEFMT_PAGE_ALLOC, .cpu = (uint32_t)(i % 2),
					     .pid = 100, .ts_ns = t0 + (uint64_t)i * 1000 };
		ev.u.alloc.order = (uint32_t)(i % 3);
		ev.u.alloc.migratetype = i % 5 ? 1 : 0;
		ev.u.alloc.gfp_flags = 0x140cca;
		ev.u.alloc.pfn = i % 100 == 99 ? TRACEFMT_PFN_NONE : 0x100000 + (uint64_t)i * 8;
		if (ev.u.alloc.pfn == TRACEFMT_PFN_NONE)
			failed++;
		else
			allocs[ev.u.alloc.order][ev.u.alloc.migratetype]++;
		REQUIRE(tracefmt_writer_append(w, &ev) == 0);
		if (i % 4 == 0) {
			struct tracefmt_event f = { .type = TRACEFMT_PAGE_FREE, .cpu = 1, .pid = 100,
						    .ts_ns = ev.ts_ns + 500 };
			f.u.free.pfn = 0x200000 + (uint64_t)i;
			REQUIRE(tracefmt_writer_append(w, &f) == 0);
			frees++;
		}
		if (i % 50 == 0) {
			struct tracefmt_event d = { .type = TRACEFMT_PAGE_PCPU_DRAIN, .cpu = 0,
						    .ts_ns = ev.ts_ns + 700 };
			d.u.pcpu_drain.pfn = 0x300000 + (uint64_t)i;
			REQUIRE(tracefmt_writer_append(w, &d) == 0);
			drains++;
		}
		if (i == 600) {
			struct tracefmt_event l = { .type = TRACEFMT_LOST, .cpu = 1, .ts_ns = ev.ts_ns };
			l.u.lost.count = 17;
			REQUIRE(tracefmt_writer_append(w, &l) == 0);
			lost += 17;
		}
		if (i == 499) {
			REQUIRE(tracefmt_writer_flush(w) == 0);
			block1_end = tracefmt_writer_bytes(w);
		}
	}
	for (uint32_t seq = 0; seq < 3; seq++) {
		struct tracefmt_event c = { .type = TRACEFMT_CHECKPOINT, .ts_ns = t0 + seq };
		c.u.checkpoint.seq = seq;
		snprintf(c.u.checkpoint.zone, sizeof(c.u.checkpoint.zone), "DMA32");
		c.u.checkpoint.nr_orders = 11;
		c.u.checkpoint.nr_mt = 5;
		REQUIRE(tracefmt_writer_append(w, &c) == 0);
		snprintf(c.u.checkpoint.zone, sizeof(c.u.checkpoint.zone), "Normal");
		REQUIRE(tracefmt_writer_append(w, &c) == 0);
		/* Normal's managed pages grow once, between readings 1 and 2. */
		struct tracefmt_event z = { .type = TRACEFMT_ZONE_STATE, .ts_ns = t0 + seq };
		z.u.zone_state.seq = seq;
		snprintf(z.u.zone_state.zone, sizeof(z.u.zone_state.zone), "Normal");
		z.u.zone_state.present = z.u.zone_state.spanned = 4096;
		z.u.zone_state.managed = seq < 2 ? 1000 : 1500;
		z.u.zone_state.min = seq < 2 ? 10 : 12;
		REQUIRE(tracefmt_writer_append(w, &z) == 0);
	}
	for (int i = 0; i < 2; i++) {
		struct tracefmt_event m = { .type = TRACEFMT_WMARK, .ts_ns = t0 + 10 + (uint64_t)i };
		snprintf(m.u.wmark.zone, sizeof(m.u.wmark.zone), "Normal");
		REQUIRE(tracefmt_writer_append(w, &m) == 0);
		struct tracefmt_event k = { .type = TRACEFMT_SNAPSHOT_WALK, .ts_ns = t0 + 20 };
		snprintf(k.u.snapshot_walk.zone, sizeof(k.u.snapshot_walk.zone), "DMA32");
		REQUIRE(tracefmt_writer_append(w, &k) == 0);
	}
	REQUIRE(tracefmt_writer_close(w, &err) == 0);

	json_t *j = info_ok(path);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_alloc"), 1000);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_free"), frees);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_pcpu_drain"), drains);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_alloc_extfrag"), 0);
	CHECK_EQ_U64(geti(j, "events", NULL), 1000 + frees + drains);
	CHECK_EQ_U64(geti(j, "lost_events", NULL), lost);
	CHECK_EQ_U64(geti(j, "lost_by_cpu", "1"), lost);
	CHECK_EQ_U64(geti(j, "failed_allocations", NULL), failed);
	CHECK_EQ_U64(geti(j, "checkpoints", NULL), 3);
	CHECK_EQ_U64(geti(j, "zone_states", "readings"), 3);
	json_t *zsz = json_array_get(json_object_get(json_object_get(j, "zone_states"), "zones"), 0);
	CHECK(!strcmp(json_string_value(json_object_get(zsz, "name")) ?: "", "Normal"));
	CHECK_EQ_U64(geti(zsz, "first", "managed"), 1000);
	CHECK_EQ_U64(geti(zsz, "last", "managed"), 1500);
	CHECK_EQ_U64(geti(zsz, "last", "min"), 12);
	CHECK_EQ_U64(geti(zsz, "last", "seq"), 2);
	CHECK_EQ_U64(geti(zsz, "changes", NULL), 1);
	CHECK_EQ_U64(geti(j, "watermark_recomputes", "records"), 2);
	CHECK_EQ_U64(geti(json_object_get(j, "watermark_recomputes"), "by_zone", "0/Normal"), 2);
	CHECK_EQ_U64(geti(j, "snapshot_walks", NULL), 2);
	CHECK_EQ_U64(geti(j, "records_by_type", "zone_state"), 3);
	CHECK_EQ_U64(geti(j, "first_ns", NULL), t0);
	/* the last page event: the alloc of i=999 (t0+999000) or its free (+500): 999 % 4 != 0 */
	CHECK_EQ_U64(geti(j, "last_ns", NULL), t0 + 999000);
	CHECK_EQ_U64(geti(j, "blocks_corrupt", NULL), 0);
	CHECK_EQ_U64(geti(j, "blocks_ok", NULL), 3); /* two record blocks + end block */
	CHECK(json_is_false(json_object_get(j, "truncated")));
	CHECK(json_is_true(json_object_get(j, "complete")));
	json_t *abo = json_object_get(j, "allocations_by_order_migratetype");
	CHECK_EQ_U64(json_array_size(abo), 11);
	for (int o = 0; o < 3; o++)
		for (int m = 0; m < 2; m++)
			CHECK_EQ_U64(json_integer_value(json_array_get(json_array_get(abo, (size_t)o),
								       (size_t)m)),
				     allocs[o][m]);
	json_t *zones = json_object_get(j, "zones");
	CHECK_EQ_U64(json_array_size(zones), 1);
	CHECK_EQ_U64(geti(json_array_get(zones, 0), "start_pfn", NULL), 4096);
	CHECK(!strcmp(json_string_value(json_object_get(json_object_get(j, "host"), "hostname")),
		      "h1"));
	double eps = json_real_value(json_object_get(j, "events_per_second"));
	double want = (double)(1000 + frees + drains) / (999000 / 1e9);
	CHECK(eps > want * 0.999 && eps < want * 1.001);
	json_decref(j);

	/* Cut inside the second block: only the first block's 500 allocs remain. */
	FILE *in = fopen(path, "rb"), *out = fopen(cut, "wb");
	REQUIRE(in && out);
	char buf[1 << 16];
	size_t n, total = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		size_t keep = total + n > block1_end + 30 ? block1_end + 30 - total : n;
		fwrite(buf, 1, keep, out);
		total += keep;
		if (keep < n)
			break;
	}
	fclose(in);
	fclose(out);
	j = info_ok(cut);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_alloc"), 500);
	CHECK(json_is_true(json_object_get(j, "truncated")));
	CHECK_EQ_U64(geti(j, "intact_end", NULL), block1_end);
	CHECK_STR_CONTAINS(json_string_value(json_object_get(j, "stop_reason")), "inside");
	json_decref(j);

	/* Two copies concatenated: the first is read, the second reported as trailing data. */
	char twice[1200], size_s[40];
	struct stat sb;
	REQUIRE(stat(path, &sb) == 0);
	snprintf(twice, sizeof(twice), "%s/known-twice.bst", dir);
	in = fopen(path, "rb");
	out = fopen(twice, "wb");
	REQUIRE(in && out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	rewind(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	j = info_ok(twice);
	CHECK_EQ_U64(geti(j, "events_by_kind", "mm_page_alloc"), 1000);
	CHECK(json_is_false(json_object_get(j, "complete")));
	CHECK(json_is_false(json_object_get(j, "truncated")));
	CHECK(json_is_true(json_object_get(j, "end_block")));
	CHECK_EQ_U64(geti(j, "trailing_offset", NULL), sb.st_size);
	CHECK_EQ_U64(geti(j, "trailing_bytes", NULL), sb.st_size);
	snprintf(size_s, sizeof(size_s), "from offset %lld", (long long)sb.st_size);
	CHECK_STR_CONTAINS(json_string_value(json_object_get(j, "stop_reason")), size_s);
	json_decref(j);
	return TEST_REPORT();
}
