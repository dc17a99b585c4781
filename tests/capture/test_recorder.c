// SPDX-License-Identifier: MIT
/*
 * The flight recorder's pieces without BPF (capture/recorder.h): sizes and
 * switch points, trigger parsing and evaluation (a failed mm_page_alloc as
 * the 6.18 kernel records one: pfn -1, here order 3 with the gfp bits of
 * the memcg-charge failure tests/capture/failalloc.c makes; checkpoints
 * built by hand), file names, the trimmed file list, and joining traces.
 * Expected values come from the definitions in capture/RECORDER.md.
 * usage: test_recorder WORKDIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "recorder.h"

static const char *work;

static void test_sizes(void)
{
	uint64_t b, ns;

	CHECK(!recorder_parse_size("64M", &b) && b == 64ull << 20);
	CHECK(!recorder_parse_size("2G", &b) && b == 2ull << 30);
	CHECK(!recorder_parse_size("3KiB", &b) && b == 3072);
	CHECK(!recorder_parse_size("4096", &b) && b == 4096);
	CHECK(recorder_parse_size("0", &b) == -EINVAL);
	CHECK(recorder_parse_size("-1M", &b) == -EINVAL);
	CHECK(recorder_parse_size("1.5M", &b) == -EINVAL);
	CHECK(recorder_parse_size("M", &b) == -EINVAL);
	CHECK(recorder_parse_size("99999999999999999999", &b) == -EINVAL);
	CHECK(recorder_parse_size("20000000000G", &b) == -EINVAL);
	CHECK(!recorder_parse_switch("100M", &b, &ns) && b == 100ull << 20 && ns == 0);
	CHECK(!recorder_parse_switch("30s", &b, &ns) && ns == 30000000000ull && b == 0);
	CHECK(!recorder_parse_switch("10m", &b, &ns) && ns == 600000000000ull);
	CHECK(!recorder_parse_switch("1h", &b, &ns) && ns == 3600000000000ull);
	CHECK(recorder_parse_switch("100", &b, &ns) == -EINVAL); /* size or time? */
	CHECK(recorder_parse_switch("0s", &b, &ns) == -EINVAL);
	CHECK(recorder_parse_switch("9000h", &b, &ns) == -EINVAL); /* over a year */
}

static struct tracefmt_event failed_alloc(uint64_t pfn)
{
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_PAGE_ALLOC;
	ev.ts_ns = 123456789;
	ev.cpu = 1;
	ev.pid = 4242;
	ev.u.alloc.pfn = pfn;
	ev.u.alloc.order = 3;
	ev.u.alloc.migratetype = 0;
	/* GFP_USER|__GFP_ZERO|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_ACCOUNT */
	ev.u.alloc.gfp_flags = 0x552cc0;
	return ev;
}

static void test_alloc_fail(void)
{
	struct recorder_trigger t;
	struct tracefmt_event ev = failed_alloc(TRACEFMT_PFN_NONE), out;

	REQUIRE(!recorder_trigger_parse("alloc-fail", 9, &t));
	CHECK(t.kind == TRACEFMT_TRIGGER_ALLOC_FAIL);
	REQUIRE(recorder_trigger_event(&t, &ev, &out));
	CHECK(out.type == TRACEFMT_TRIGGER && out.u.trigger.kind == TRACEFMT_TRIGGER_ALLOC_FAIL);
	CHECK_EQ_U64(out.u.trigger.order, 3);
	CHECK_EQ_U64(out.u.trigger.value, 0x552cc0);
	CHECK(out.ts_ns == 123456789 && out.cpu == 1 && out.pid == 4242);
	CHECK(tracefmt_event_check(&out, NULL, 0) == 0);
	ev = failed_alloc(0x12345); /* a page was given: no failure */
	CHECK(!recorder_trigger_event(&t, &ev, &out));
	ev = failed_alloc(TRACEFMT_PFN_NONE);
	ev.type = TRACEFMT_PAGE_ALLOC_ZONE_LOCKED; /* not mm_page_alloc */
	CHECK(!recorder_trigger_event(&t, &ev, &out));
}

static void test_extfrag(void)
{
	struct recorder_trigger t;
	struct tracefmt_event ev, out;

	REQUIRE(!recorder_trigger_parse("extfrag", 9, &t));
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_PAGE_ALLOC_EXTFRAG;
	ev.u.extfrag.alloc_order = 0;
	ev.u.extfrag.fallback_order = 8; /* below pageblock_order 9: fragmenting */
	REQUIRE(recorder_trigger_event(&t, &ev, &out));
	CHECK(out.u.trigger.kind == TRACEFMT_TRIGGER_EXTFRAG && out.u.trigger.value == 8 &&
	      out.u.trigger.limit == 9);
	ev.u.extfrag.fallback_order = 9; /* a whole pageblock: not fragmenting */
	CHECK(!recorder_trigger_event(&t, &ev, &out));
	ev = failed_alloc(TRACEFMT_PFN_NONE); /* extfrag ignores failures */
	CHECK(!recorder_trigger_event(&t, &ev, &out));
}

static struct tracefmt_event checkpoint(const char *zone, uint32_t o9, uint32_t o10)
{
	struct tracefmt_event k;

	memset(&k, 0, sizeof(k));
	k.type = TRACEFMT_CHECKPOINT;
	k.ts_ns = 5000;
	k.u.checkpoint.node = 0;
	snprintf(k.u.checkpoint.zone, sizeof(k.u.checkpoint.zone), "%s", zone);
	k.u.checkpoint.nr_orders = 11;
	k.u.checkpoint.nr_mt = 6;
	k.u.checkpoint.free_blocks[8][1] = 1000; /* below the order counted */
	k.u.checkpoint.free_blocks[9][0] = o9;
	k.u.checkpoint.free_blocks[9][1] = o9;
	k.u.checkpoint.free_blocks[10][1] = o10;
	return k;
}

static void test_free_order(void)
{
	struct recorder_trigger t;
	struct tracefmt_event recs[3], out;

	recs[0] = checkpoint("DMA", 1, 2);	/* 4 blocks of order >= 9 */
	recs[1] = checkpoint("Normal", 10, 5); /* 25 */
	memset(&recs[2], 0, sizeof(recs[2]));
	recs[2].type = TRACEFMT_ZONE_STATE;
	REQUIRE(!recorder_trigger_parse("free-order9<4", 9, &t));
	CHECK(t.kind == TRACEFMT_TRIGGER_FREE_ORDER && t.min_order == 9 && t.limit == 4);
	CHECK(!recorder_trigger_reading(&t, recs, 3, &out)); /* 4 is not fewer than 4 */
	REQUIRE(!recorder_trigger_parse("free-order9<5", 9, &t));
	REQUIRE(recorder_trigger_reading(&t, recs, 3, &out));
	CHECK(!strcmp(out.u.trigger.zone, "DMA") && out.u.trigger.value == 4 &&
	      out.u.trigger.limit == 5 && out.u.trigger.order == 9 && out.ts_ns == 5000);
	REQUIRE(!recorder_trigger_parse("free-order9<26@Normal", 9, &t));
	REQUIRE(recorder_trigger_reading(&t, recs, 3, &out));
	CHECK(!strcmp(out.u.trigger.zone, "Normal") && out.u.trigger.value == 25);
	REQUIRE(!recorder_trigger_parse("free-order10<6@Normal", 9, &t));
	CHECK(recorder_trigger_reading(&t, recs, 3, &out) && out.u.trigger.value == 5);
	recs[1].u.checkpoint.flags = TRACEFMT_CKPT_SNAPSHOT; /* the snapshot's counts: not a reading */
	CHECK(!recorder_trigger_reading(&t, recs, 3, &out));
	CHECK(!recorder_trigger_event(&t, &recs[0], &out));
	CHECK(recorder_trigger_parse("free-order9", 9, &t) == -EINVAL);
	CHECK(recorder_trigger_parse("free-order9<0", 9, &t) == -EINVAL);
	CHECK(recorder_trigger_parse("free-order16<4", 9, &t) == -EINVAL);
	CHECK(recorder_trigger_parse("free-order9<4@", 9, &t) == -EINVAL);
	CHECK(recorder_trigger_parse("free-order9<4x", 9, &t) == -EINVAL);
	CHECK(recorder_trigger_parse("oom", 9, &t) == -EINVAL);
}

static void test_names(void)
{
	char buf[256];

	/* 2026-12-06 05:30:00 UTC */
	REQUIRE(!recorder_file_name(buf, sizeof(buf), "dir/out.bst", 7, 1796535000));
	CHECK(!strcmp(buf, "dir/out.0007.20261206T053000.bst"));
	REQUIRE(!recorder_file_name(buf, sizeof(buf), "trace", 12345, 0));
	CHECK(!strcmp(buf, "trace.12345.19700101T000000.bst"));
	CHECK(recorder_file_name(buf, 10, "trace", 1, 0) == -ENAMETOOLONG);
}

static void touch(const char *path, size_t bytes)
{
	FILE *f = fopen(path, "w");

	REQUIRE(f);
	for (size_t i = 0; i < bytes; i++)
		fputc('x', f);
	fclose(f);
}

static void test_files(void)
{
	struct recorder_files f = { 0 };
	char p[512];

	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/f%d", work, i);
		touch(p, 100);
		REQUIRE(!recorder_files_add(&f, p, 100));
	}
	CHECK_EQ_U64(f.total_bytes, 500);
	/* 300 bytes of ring with 50 being written: 250 may stay, so 2 files. */
	CHECK_EQ_U64(recorder_files_trim(&f, 0, 300, 50), 3);
	CHECK(f.nr == 2 && strstr(f.paths[0], "/f3"));
	snprintf(p, sizeof(p), "%s/f0", work);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof(p), "%s/f4", work);
	CHECK(access(p, F_OK) == 0);
	CHECK_EQ_U64(recorder_files_trim(&f, 1, 0, 0), 1);
	CHECK(f.nr == 1 && strstr(f.paths[0], "/f4"));
	recorder_files_release(&f);
}

static void write_trace(const char *path, uint64_t t0, int n, bool close_it)
{
	struct tracefmt_writer_opts wo = { .block_records = 4 };
	struct tracefmt_writer *w = tracefmt_writer_create(path, "{\"x\":1}", 7, &wo, NULL);

	REQUIRE(w);
	for (int i = 0; i < n; i++) {
		struct tracefmt_event ev = failed_alloc(1000 + (uint64_t)i);

		ev.ts_ns = t0 + (uint64_t)i;
		REQUIRE(!tracefmt_writer_append(w, &ev));
	}
	REQUIRE(close_it);
	REQUIRE(!tracefmt_writer_close(w, NULL));
}

static void test_join(void)
{
	char a[512], b[512], out[512];
	const char *paths[2] = { a, b };
	struct tracefmt_reader *r;
	struct tracefmt_event ev;
	uint64_t records = 0, n = 0, last = 0;
	bool ordered = true;

	snprintf(a, sizeof(a), "%s/seg1.bst", work);
	snprintf(b, sizeof(b), "%s/seg2.bst", work);
	snprintf(out, sizeof(out), "%s/joined.bst", work);
	unlink(out); /* left by an earlier run */
	write_trace(a, 1000, 10, true);
	write_trace(b, 2000, 7, true);
	REQUIRE(!recorder_join(out, paths, 2, &records, NULL));
	CHECK_EQ_U64(records, 17);
	r = tracefmt_reader_open(out, NULL);
	REQUIRE(r);
	while (tracefmt_reader_next(r, &ev) > 0) {
		ordered &= ev.ts_ns > last;
		last = ev.ts_ns;
		n++;
	}
	CHECK_EQ_U64(n, 17);
	CHECK(ordered);
	CHECK(tracefmt_reader_stats(r)->complete);
	tracefmt_reader_close(r);
	/* An existing output is refused. */
	CHECK(recorder_join(out, paths, 2, &records, NULL) == -EEXIST);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_sizes),
	HARNESS_CASE(test_alloc_fail),
	HARNESS_CASE(test_extfrag),
	HARNESS_CASE(test_free_order),
	HARNESS_CASE(test_names),
	HARNESS_CASE(test_files),
	HARNESS_CASE(test_join),
};

int main(int argc, char **argv)
{
	harness_start(&argc, &argv, cases, HARNESS_NR(cases));
	REQUIRE(argc == 2);
	work = argv[1];
	mkdir(work, 0755);
	harness_run(cases, HARNESS_NR(cases));
	return TEST_REPORT();
}
