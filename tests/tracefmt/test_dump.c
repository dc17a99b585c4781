// SPDX-License-Identifier: MIT
/*
 * tracefmt_event_format(): every record type has a format (so a type added
 * to tracefmt.h without its table entry fails here), and the lines of
 * records built by hand are exactly the expected text and JSON.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "tracefmt.h"

static char line[8192];

static const char *fmt(const struct tracefmt_event *ev, enum tracefmt_dump_style style)
{
	int n = tracefmt_event_format(ev, style, line, sizeof(line));

	CHECK(n > 0 && (size_t)n < sizeof(line) && strlen(line) == (size_t)n);
	return line;
}

static void test_every_type_has_a_format(void)
{
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++) {
		struct tracefmt_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = t;
		if (tracefmt_event_format(&ev, TRACEFMT_DUMP_TEXT, line, sizeof(line)) <= 0 ||
		    tracefmt_event_format(&ev, TRACEFMT_DUMP_JSON, line, sizeof(line)) <= 0) {
			fprintf(stderr, "record type %u (%s) has no dump format\n", t,
				tracefmt_type_name(t));
			CHECK(0);
		}
		CHECK_STR_CONTAINS(line, tracefmt_type_name(t));
	}
	struct tracefmt_event bad = { .type = TRACEFMT_NR_TYPES + 100 };
	CHECK(tracefmt_event_format(&bad, TRACEFMT_DUMP_TEXT, line, sizeof(line)) == -EINVAL);
	CHECK(line[0] == '\0');
}

static void test_alloc_lines(void)
{
	struct tracefmt_event ev = { .type = TRACEFMT_PAGE_ALLOC, .cpu = 3, .pid = 1234,
				     .ts_ns = 1000000002 };

	ev.u.alloc.pfn = 0x10;
	ev.u.alloc.order = 2;
	ev.u.alloc.migratetype = 1;
	ev.u.alloc.gfp_flags = 0xcc0;
	CHECK(!strcmp(fmt(&ev, TRACEFMT_DUMP_TEXT), "     1.000000002 [003]    1234 mm_page_alloc: "
		      "pfn=0x10 order=2 migratetype=1 gfp_flags=0xcc0"));
	CHECK(!strcmp(fmt(&ev, TRACEFMT_DUMP_JSON),
		      "{\"type\":\"mm_page_alloc\",\"ts_ns\":1000000002,\"cpu\":3,\"pid\":1234,"
		      "\"pfn\":16,\"order\":2,\"migratetype\":1,\"gfp_flags\":3264}"));
	/* a failed allocation: the kernel's tracepoint says pfn -1 */
	ev.u.alloc.pfn = TRACEFMT_PFN_NONE;
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_TEXT), " pfn=-1 ");
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_JSON), "\"pfn\":-1,");
}

static void test_names_escaped(void)
{
	struct tracefmt_event ev = { .type = TRACEFMT_COMM, .pid = 7 };

	memcpy(ev.u.comm.comm, "a\"b \\\xff\n", 8);
	CHECK(!strcmp(fmt(&ev, TRACEFMT_DUMP_JSON), "{\"type\":\"comm\",\"ts_ns\":0,\"cpu\":0,"
		      "\"pid\":7,\"comm\":\"a\\\"b \\\\\\u00ff\\u000a\"}"));
	/* text: one record stays one whitespace-separated field */
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_TEXT), " comm=a\"b\\x20\\x5c\\xff\\x0a");
	/* a name that fills its array has no NUL: printed up to its size */
	memset(ev.u.comm.comm, 'x', sizeof(ev.u.comm.comm));
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_JSON), "\"comm\":\"xxxxxxxxxxxxxxxx\"}");
}

static void test_checkpoint_and_lost(void)
{
	struct tracefmt_event ev = { .type = TRACEFMT_CHECKPOINT };

	ev.u.checkpoint.nr_orders = 2;
	ev.u.checkpoint.nr_mt = 2;
	ev.u.checkpoint.free_blocks[0][0] = 1;
	ev.u.checkpoint.free_blocks[0][1] = 2;
	ev.u.checkpoint.free_blocks[1][0] = 3;
	ev.u.checkpoint.free_blocks[1][1] = 4;
	ev.u.checkpoint.free_blocks[2][0] = 99; /* beyond nr_orders: not printed */
	ev.u.checkpoint.pageblocks[0] = 5;
	ev.u.checkpoint.pageblocks[1] = 6;
	memcpy(ev.u.checkpoint.zone, "Normal", 7);
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_TEXT),
			   " zone=Normal flags=0x0 nr_orders=2 nr_mt=2 nr_free_pages=0 "
			   "free_blocks=[[1,2],[3,4]] pageblocks=[5,6]");
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_JSON),
			   "\"free_blocks\":[[1,2],[3,4]],\"pageblocks\":[5,6]}");

	struct tracefmt_event lost = { .type = TRACEFMT_LOST, .cpu = TRACEFMT_CPU_UNKNOWN };
	lost.u.lost.count = 42;
	/* a prefix: format 1.2 adds the loss window after the count */
	CHECK(!strncmp(fmt(&lost, TRACEFMT_DUMP_TEXT), "     0.000000000 [---]       0 lost: count=42",
		       45));
	CHECK_STR_CONTAINS(fmt(&lost, TRACEFMT_DUMP_JSON), "\"cpu\":null,");
}

static void test_named_values(void)
{
	struct tracefmt_event ev = { .type = TRACEFMT_SNAPSHOT_MARK };

	ev.u.snapshot_mark.phase = TRACEFMT_SNAP_END;
	ev.u.snapshot_mark.method = TRACEFMT_SNAP_METHOD_KPAGEFLAGS;
	ev.u.snapshot_mark.count = 3;
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_TEXT),
			   " snapshot_mark: phase=end method=kpageflags flags=0x0 count=3");
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_JSON), "\"phase\":\"end\",\"method\":\"kpageflags\",");
	ev.u.snapshot_mark.phase = 99;
	CHECK_STR_CONTAINS(fmt(&ev, TRACEFMT_DUMP_JSON), "\"phase\":\"unknown\",");
}

static void test_short_buffer(void)
{
	struct tracefmt_event ev = { .type = TRACEFMT_PAGE_FREE };
	char small[10];
	int whole = tracefmt_event_format(&ev, TRACEFMT_DUMP_TEXT, line, sizeof(line));
	int n = tracefmt_event_format(&ev, TRACEFMT_DUMP_TEXT, small, sizeof(small));

	CHECK(n == whole && n > 10);
	CHECK(strlen(small) == 9 && !strncmp(small, line, 9));
	CHECK(tracefmt_event_format(&ev, TRACEFMT_DUMP_TEXT, NULL, 0) == whole);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_every_type_has_a_format),
	HARNESS_CASE(test_alloc_lines),
	HARNESS_CASE(test_names_escaped),
	HARNESS_CASE(test_checkpoint_and_lost),
	HARNESS_CASE(test_named_values),
	HARNESS_CASE(test_short_buffer),
};

HARNESS_MAIN(cases)
