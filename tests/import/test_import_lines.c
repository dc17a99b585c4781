// SPDX-License-Identifier: MIT
/*
 * The text importers, line by line: one hand-written line for every layout
 * the kernels 5.x-6.18 print (hex and decimal pfn, with and without page=,
 * symbolic and hex gfp, mm_page_free_batched with and without order, the
 * NULL-page failure, lost-event lines, trace-cmd report and perf script
 * columns), each record checked field by field against values worked out by
 * hand from the line and the gfp table of spec §1.6; then bad lines (counted
 * with their line numbers and reasons) and compressed buffers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "harness.h"
#include "import_internal.h"
#include "tracefmt.h"

#define MAX_EVENTS 64

struct collect {
	struct tracefmt_event ev[MAX_EVENTS];
	int n;
};

static int collect(void *ctx, const struct tracefmt_event *ev)
{
	struct collect *c = ctx;

	if (c->n == MAX_EVENTS)
		return -ENOSPC;
	c->ev[c->n++] = *ev;
	return 0;
}

/* Import @text; the records land in @c, the return value is the rc. */
static int run(enum tracefmt_import_format fmt, const char *text, struct collect *c,
	       struct tracefmt_import_stats *st)
{
	struct tracefmt_error err;

	memset(c, 0, sizeof(*c));
	return tracefmt_import_mem(fmt, text, strlen(text), collect, c, st, &err);
}

/*
 * One line that must give one record (after the COMM record of its task,
 * if the line names one, which must carry the event's pid, cpu and time):
 * returns it (zeroed if it did not).
 */
static struct tracefmt_event one(enum tracefmt_import_format fmt, const char *line)
{
	static struct collect c;
	struct tracefmt_import_stats st;
	int rc = run(fmt, line, &c, &st);
	int comm = c.n == 2 && c.ev[0].type == TRACEFMT_COMM;

	CHECK(rc == 0);
	CHECK_EQ_U64(c.n, 1 + comm);
	CHECK_EQ_U64(st.bad_lines, 0);
	CHECK_EQ_U64(st.events, 1);
	CHECK_EQ_U64(st.records, (uint64_t)c.n);
	if (st.bad_lines)
		fprintf(stderr, "  line: %s\n  reason: %s\n", line, st.bad_line_reasons[0]);
	if (c.n != 1 + comm) {
		struct tracefmt_event z;
		memset(&z, 0, sizeof(z));
		return z;
	}
	if (comm) {
		CHECK_EQ_U64(c.ev[0].pid, c.ev[1].pid);
		CHECK_EQ_U64(c.ev[0].cpu, c.ev[1].cpu);
		CHECK_EQ_U64(c.ev[0].ts_ns, c.ev[1].ts_ns);
	}
	return c.ev[comm];
}

/* The name of the COMM record one line gives, "" when it gives none. */
static const char *comm_of(enum tracefmt_import_format fmt, const char *line)
{
	static struct collect c;
	struct tracefmt_import_stats st;

	CHECK(run(fmt, line, &c, &st) == 0);
	CHECK_EQ_U64(st.events, 1);
	if (c.n == 2 && c.ev[0].type == TRACEFMT_COMM)
		return c.ev[0].u.comm.comm;
	CHECK_EQ_U64(c.n, 1);
	return "";
}

/* One line that must be counted bad, with @why in its reason. */
static void bad(enum tracefmt_import_format fmt, const char *line, const char *why)
{
	struct collect c;
	struct tracefmt_import_stats st;

	CHECK(run(fmt, line, &c, &st) == 0);
	CHECK_EQ_U64(c.n, 0);
	CHECK_EQ_U64(st.bad_lines, 1);
	CHECK_EQ_U64(st.bad_line_numbers[0], 1);
	CHECK_STR_CONTAINS(st.bad_line_reasons[0], why);
}

#define FT TRACEFMT_IMPORT_FTRACE
#define PS TRACEFMT_IMPORT_PERF_SCRIPT

static void test_ftrace_618(void)
{
	/* Copied from /sys/kernel/tracing/trace on the 6.18.44 host. */
	struct tracefmt_event e = one(FT,
		"            bash-6425    [001] .....   340.593498: mm_page_alloc: "
		"page=0000000021bbf573 pfn=0x12e4e8 order=0 migratetype=0 "
		"gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_ALLOC);
	CHECK_EQ_U64(e.cpu, 1);
	CHECK_EQ_U64(e.pid, 6425);
	CHECK_EQ_U64(e.ts_ns, 340593498000ull);
	CHECK_EQ_U64(e.u.alloc.pfn, 0x12e4e8);
	CHECK_EQ_U64(e.u.alloc.order, 0);
	CHECK_EQ_U64(e.u.alloc.migratetype, 0);
	/* GFP_KERNEL_ACCOUNT 0x400cc0 | __GFP_ZERO 0x100 | __GFP_COMP 0x40000 */
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x440dc0);

	e = one(FT, "          <idle>-0       [000] ..s1.   340.593592: mm_page_free: "
		    "page=000000004f8c9f4e pfn=0x12a09f order=0");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE);
	CHECK_EQ_U64(e.pid, 0);
	CHECK_EQ_U64(e.cpu, 0);
	CHECK_EQ_U64(e.u.free.pfn, 0x12a09f);
	CHECK_EQ_U64(e.u.free.order, 0);

	e = one(FT, "            bash-6425    [001] ...4.   340.594517: mm_page_free_batched: "
		    "page=000000003203dda3 pfn=0x14fc29 order=0");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE_BATCHED);
	CHECK_EQ_U64(e.u.free_batched.pfn, 0x14fc29);
	CHECK_EQ_U64(e.u.free_batched.order, 0);
	CHECK_EQ_U64(e.u.free_batched.has_order, 1);

	e = one(FT, "              dd-6458    [001] d..2.   343.402843: mm_page_alloc_zone_locked: "
		    "page=00000000c0ffee11 pfn=0x129100 order=8 migratetype=1 percpu_refill=0");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_ALLOC_ZONE_LOCKED);
	CHECK_EQ_U64(e.u.zone_locked.pfn, 0x129100);
	CHECK_EQ_U64(e.u.zone_locked.order, 8);
	CHECK_EQ_U64(e.u.zone_locked.migratetype, 1);
	CHECK_EQ_U64(e.u.zone_locked.percpu_refill, 0);

	e = one(FT, "     kworker/1:2-88      [001] d..3.  1000.000001: mm_page_pcpu_drain: "
		    "page=00000000deadbeef pfn=0x1000 order=3 migratetype=2");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_PCPU_DRAIN);
	CHECK_EQ_U64(e.pid, 88);
	CHECK_EQ_U64(e.ts_ns, 1000000001000ull);
	CHECK_EQ_U64(e.u.pcpu_drain.pfn, 0x1000);
	CHECK_EQ_U64(e.u.pcpu_drain.order, 3);
	CHECK_EQ_U64(e.u.pcpu_drain.migratetype, 2);

	e = one(FT, "          stress-4242    [000] d..2.    12.500000: mm_page_alloc_extfrag: "
		    "page=00000000abcdef01 pfn=0x13a00 alloc_order=0 fallback_order=9 "
		    "pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=0 "
		    "change_ownership=1");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_ALLOC_EXTFRAG);
	CHECK_EQ_U64(e.ts_ns, 12500000000ull);
	CHECK_EQ_U64(e.u.extfrag.pfn, 0x13a00);
	CHECK_EQ_U64(e.u.extfrag.alloc_order, 0);
	CHECK_EQ_U64(e.u.extfrag.fallback_order, 9);
	CHECK_EQ_U64(e.u.extfrag.alloc_migratetype, 0);
	CHECK_EQ_U64(e.u.extfrag.fallback_migratetype, 1);
	CHECK_EQ_U64(e.u.extfrag.change_ownership, 1);
}

static void test_ftrace_variants(void)
{
	/* Decimal pfn ("pfn=%lu", older 5.x) and a 4-column irq-info. */
	struct tracefmt_event e = one(FT,
		"          <idle>-0       [000] d..2   123.000001: mm_page_alloc: "
		"page=ffffea0000400000 pfn=65536 order=2 migratetype=1 "
		"gfp_flags=GFP_HIGHUSER_MOVABLE");
	CHECK_EQ_U64(e.u.alloc.pfn, 65536);
	CHECK_EQ_U64(e.u.alloc.order, 2);
	CHECK_EQ_U64(e.u.alloc.migratetype, 1);
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x100cca);
	CHECK_EQ_U64(e.ts_ns, 123000001000ull);

	/* No page= field, no irq-info column, a short fraction. */
	e = one(FT, "   kworker/u4:2-99    [002]   5.5: mm_page_free: pfn=0x1000 order=3");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE);
	CHECK_EQ_U64(e.cpu, 2);
	CHECK_EQ_U64(e.pid, 99);
	CHECK_EQ_U64(e.ts_ns, 5500000000ull);
	CHECK_EQ_U64(e.u.free.pfn, 0x1000);
	CHECK_EQ_U64(e.u.free.order, 3);

	/* A task name with a space and dashes, the record-tgid column, ns time. */
	e = one(FT, "  Web Content-a-1234 (   1200) [003] d..1.  77.123456789: "
		    "mm_page_free_batched: page=0000000012345678 pfn=0x2000 order=0");
	CHECK_EQ_U64(e.pid, 1234);
	CHECK_EQ_U64(e.cpu, 3);
	CHECK_EQ_U64(e.ts_ns, 77123456789ull);
	CHECK_EQ_U64(e.u.free_batched.pfn, 0x2000);

	/* mm_page_free_batched without order (raw fields: pfn only). */
	e = one(FT, "  bash-7 [000] ..... 1.000000: mm_page_free_batched: pfn=4096");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE_BATCHED);
	CHECK_EQ_U64(e.u.free_batched.pfn, 4096);
	CHECK_EQ_U64(e.u.free_batched.order, 0);
	CHECK_EQ_U64(e.u.free_batched.has_order, 0);

	/* 4.x kernels printed a cold= field with it. */
	e = one(FT, "  bash-7 [000] .... 1.000000: mm_page_free_batched: page=ffffea0000001000 "
		    "pfn=64 order=0 cold=1");
	CHECK_EQ_U64(e.u.free_batched.pfn, 64);

	/* gfp in hex, and leftover bits in hex after the names. */
	e = one(FT, "  bash-7 [000] ..... 2.000000: mm_page_alloc: page=00000000aaaa0000 "
		    "pfn=0x10 order=1 migratetype=0 gfp_flags=0xcc0");
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0xcc0);
	e = one(FT, "  bash-7 [000] ..... 2.000000: mm_page_alloc: page=00000000aaaa0000 "
		    "pfn=0x10 order=1 migratetype=0 gfp_flags=GFP_NOWAIT|__GFP_NOWARN|0x4000000");
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x2800 | 0x2000 | 0x4000000);
	e = one(FT, "  bash-7 [000] ..... 2.000000: mm_page_alloc: page=00000000aaaa0000 "
		    "pfn=0x10 order=0 migratetype=0 gfp_flags=none");
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0);
	/*
	 * GFP_ATOMIC: __GFP_HIGH|__GFP_KSWAPD_RECLAIM, plus 6.1's __GFP_ATOMIC
	 * (0x200, spec 1.6: unused from 6.4 on, so harmless there), and THP.
	 */
	e = one(FT, "  bash-7 [000] ..... 2.000000: mm_page_alloc: page=00000000aaaa0000 "
		    "pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_ATOMIC|__GFP_NOWARN");
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x20 | 0x200 | 0x800 | 0x2000);
	e = one(FT, "  bash-7 [000] ..... 2.000000: mm_page_alloc: page=00000000aaaa0000 "
		    "pfn=0x200 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE|__GFP_NORETRY");
	/* HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN|DIRECT_RECLAIM, then NORETRY */
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x100000 | 0x80 | 0x40 | 0x8 | 0x2 | 0x40000 |
					  0x80000 | 0x2000 | 0x400 | 0x10000);

	/* The failed allocation: a NULL page and pfn=0x0. */
	e = one(FT, "  stress-100 [001] ..... 10.000000: mm_page_alloc: page=0000000000000000 "
		    "pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE_LIGHT");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);
	CHECK_EQ_U64(e.u.alloc.order, 9);
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x1c20ca);
	e = one(FT, "  stress-100 [001] ..... 10.000000: mm_page_alloc: page=(null) "
		    "pfn=0 order=4 migratetype=0 gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);
	e = one(FT, "  stress-100 [001] ..... 10.000000: mm_page_alloc: "
		    "pfn=0x0 order=4 migratetype=0 gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);
	/* Raw fields when libtraceevent cannot format: -1 itself, gfp decimal. */
	e = one(FT, "  bash-1 [000] .... 2.000000: mm_page_alloc: [FAILED TO PARSE] "
		    "pfn=18446744073709551615 order=0 gfp_flags=3264 migratetype=0");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0xcc0);
	/* A real pfn 0 is kept when the page pointer is not NULL. */
	e = one(FT, "  bash-1 [000] ..... 2.000000: mm_page_alloc: page=00000000ffff0000 "
		    "pfn=0x0 order=0 migratetype=0 gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.u.alloc.pfn, 0);
	/* mm_page_free at pfn 0 is pfn 0 (no failure form there). */
	e = one(FT, "  bash-1 [000] ..... 2.000000: mm_page_free: pfn=0x0 order=0");
	CHECK_EQ_U64(e.u.free.pfn, 0);

	/* trace-cmd report: no irq-info, padded event name, kernel address. */
	e = one(FT, "          <idle>-0     [001]   340.593592: mm_page_free:         "
		    "page=0xffffea0004a827c0 pfn=0x12a09f order=0");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE);
	CHECK_EQ_U64(e.cpu, 1);
	CHECK_EQ_U64(e.u.free.pfn, 0x12a09f);
	/* trace-cmd report with irq-info (trace-cmd 3.x). */
	e = one(FT, "            bash-6425  [001] d..1.   340.593498: mm_page_alloc:        "
		    "page=0xffffea0004b93a00 pfn=0x12e4e8 order=0 migratetype=0 "
		    "gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.u.alloc.pfn, 0x12e4e8);
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0xcc0);
	CHECK_EQ_U64(e.pid, 6425);
}

static void test_lost_and_ignored(void)
{
	struct collect c;
	struct tracefmt_import_stats st;
	const char *text =
		"# tracer: nop\n"
		"#\n"
		"# entries-in-buffer/entries-written: 3/1237   #P:2\n"
		"cpus=2\n"
		"\n"
		"  bash-7 [000] ..... 9.000000: mm_page_free: pfn=0x10 order=0\n"
		"CPU:1 [LOST 1234 EVENTS]\n"
		"  bash-7 [001] ..... 9.500000: sched_switch: prev_comm=bash prev_pid=7\n"
		"##### CPU 1 buffer started ####\n"
		"CPU 0 [LOST 2 EVENTS]\n"
		"  bash-7 [000] ..... 9.600000: mm_page_free: pfn=0x11 order=0\n";

	CHECK(run(FT, text, &c, &st) == 0);
	CHECK_EQ_U64(st.lines, 11);
	/* COMM bash-7, free, lost, lost, free (bash-7 already named) */
	CHECK_EQ_U64(c.n, 5);
	CHECK_EQ_U64(st.events, 4);
	CHECK_EQ_U64(st.records, 5);
	CHECK_EQ_U64(st.by_type[TRACEFMT_PAGE_FREE], 2);
	CHECK_EQ_U64(st.by_type[TRACEFMT_LOST], 2);
	CHECK_EQ_U64(st.by_type[TRACEFMT_COMM], 1);
	CHECK_EQ_U64(st.lost_events, 1236);
	CHECK_EQ_U64(st.ignored_lines, 7);
	CHECK_EQ_U64(st.bad_lines, 0);
	CHECK_EQ_U64(c.ev[0].type, TRACEFMT_COMM);
	CHECK_EQ_U64(c.ev[2].type, TRACEFMT_LOST);
	CHECK_EQ_U64(c.ev[2].cpu, 1);
	CHECK_EQ_U64(c.ev[2].u.lost.count, 1234);
	CHECK_EQ_U64(c.ev[2].ts_ns, 9000000000ull); /* the event before */
	CHECK_EQ_U64(c.ev[3].cpu, 0);
	CHECK_EQ_U64(c.ev[3].u.lost.count, 2);
	CHECK_EQ_U64(c.ev[4].u.free.pfn, 0x11);
}

static void test_perf(void)
{
	/* Copied from `perf script` (perf 6.1) over a 6.18.44 recording. */
	struct tracefmt_event e = one(PS,
		"            perf  6454 [001]   343.398585:             kmem:mm_page_alloc: "
		"page=0x10325c pfn=0x10325c order=0 migratetype=0 "
		"gfp_flags=GFP_HIGHUSER|__GFP_ACCOUNT");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_ALLOC);
	CHECK_EQ_U64(e.pid, 6454);
	CHECK_EQ_U64(e.cpu, 1);
	CHECK_EQ_U64(e.ts_ns, 343398585000ull);
	CHECK_EQ_U64(e.u.alloc.pfn, 0x10325c);
	CHECK_EQ_U64(e.u.alloc.gfp_flags, 0x100cc2 | 0x400000);

	e = one(PS, "       perf-exec  6456 [001]   343.399275:      kmem:mm_page_free_batched: "
		    "page=0x10ead1 pfn=0x10ead1 order=0");
	CHECK_EQ_U64(e.type, TRACEFMT_PAGE_FREE_BATCHED);
	CHECK_EQ_U64(e.pid, 6456);
	CHECK_EQ_U64(e.u.free_batched.pfn, 0x10ead1);
	CHECK_EQ_U64(e.u.free_batched.has_order, 1);

	/* comm with a space, pid/tid (-F +pid), ns time (--ns). */
	e = one(PS, "  Web Content  1234/1240 [000] 1.000000005: kmem:mm_page_free: "
		    "page=0x1 pfn=0x1 order=2");
	CHECK_EQ_U64(e.pid, 1240);
	CHECK_EQ_U64(e.ts_ns, 1000000005ull);
	CHECK_EQ_U64(e.u.free.order, 2);

	/* No cpu column (a per-task recording without sample cpu). */
	e = one(PS, "              dd  6458   343.402843: kmem:mm_page_alloc_zone_locked: "
		    "page=0x129100 pfn=0x129100 order=8 migratetype=1 percpu_refill=1");
	CHECK_EQ_U64(e.cpu, 0);
	CHECK_EQ_U64(e.pid, 6458);
	CHECK_EQ_U64(e.u.zone_locked.percpu_refill, 1);

	/* libtraceevent's NULL page. */
	e = one(PS, "          stress   100 [001]    10.000000: kmem:mm_page_alloc: "
		    "page=(nil) pfn=0x0 order=10 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);

	e = one(PS, "              rm  8883 [001]   591.290939: PERF_RECORD_LOST lost 67");
	CHECK_EQ_U64(e.type, TRACEFMT_LOST);
	CHECK_EQ_U64(e.cpu, 1);
	CHECK_EQ_U64(e.u.lost.count, 67);
	CHECK_EQ_U64(e.ts_ns, 591290939000ull);
}

/* Values on the limits are taken. */
static void e_ok_limits(void)
{
	struct tracefmt_event e;

	e = one(FT, "  bash-1 [8191] ..... 1.0: mm_page_alloc: pfn=0xfffffffffffff order=15 "
		    "migratetype=7 gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.cpu, 8191);
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_MAX_PFN);
	CHECK_EQ_U64(e.u.alloc.order, 15);
	CHECK_EQ_U64(e.u.alloc.migratetype, 7);
	e = one(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=-1 order=0 migratetype=0 "
		    "gfp_flags=GFP_KERNEL");
	CHECK_EQ_U64(e.u.alloc.pfn, TRACEFMT_PFN_NONE);
}

static void test_bad(void)
{
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x10 order=0 migratetype=0 "
		"gfp_flags=__GFP_BOGUS", "unknown gfp flag name '__GFP_BOGUS'");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=0x10", "missing field order");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=0x1g order=0", "bad value pfn=0x1g");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: garbage", "unexpected text 'garbage'");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=1 order=0 flavour=3",
	    "unexpected field flavour");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=1 pfn=2 order=0", "given twice");
	bad(FT, "  bash-1 ..... 1.0: mm_page_free: pfn=1 order=0", "no [cpu] column");
	bad(FT, "  bash [000] ..... 1.0: mm_page_free: pfn=1 order=0", "no TASK-PID column");
	bad(FT, "mm_page_free: pfn=1 order=0", "no 'timestamp: event:' columns");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_pcpu_drain: pfn=1 order=99999999999 "
		"migratetype=0", "bad value order");
	bad(FT, "CPU:1 [LOST many EVENTS]", "lost-events line without a count");
	bad(PS, "  perf 12 [000] 1.0: kmem:mm_page_alloc_extfrag: pfn=1 alloc_order=0",
	    "missing field fallback_order");
	bad(PS, "  perf [000] 1.0: kmem:mm_page_free: pfn=1 order=0", "no pid column");
	bad(PS, "  perf x1 [000] 1.0: kmem:mm_page_free: pfn=1 order=0", "no pid column");

	/* Values no kernel prints: bad, with the field named (IMPORT.md, Limits). */
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x10 order=-1 migratetype=0 "
		"gfp_flags=GFP_KERNEL", "mm_page_alloc: order=-1 out of range 0..15");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x10 order=99 migratetype=0 "
		"gfp_flags=GFP_KERNEL", "order=99 out of range 0..15");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x10 order=16 migratetype=0 "
		"gfp_flags=GFP_KERNEL", "order=16 out of range 0..15");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc: pfn=0x10 order=0 migratetype=99 "
		"gfp_flags=GFP_KERNEL", "migratetype=99 out of range 0..7");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_pcpu_drain: pfn=0x10 order=0 migratetype=-7",
	    "mm_page_pcpu_drain: migratetype=-7 out of range 0..7");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc_extfrag: pfn=1 alloc_order=0 "
		"fallback_order=-3 alloc_migratetype=0 fallback_migratetype=1 change_ownership=0",
	    "fallback_order=-3 out of range 0..15");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free_batched: pfn=1 order=4294967295",
	    "order=4294967295 out of range 0..15");
	bad(FT, "  mkdir-24078 [4294967295] ..... 1048.963500: mm_page_alloc: "
		"page=000000003638c8b5 pfn=0x14c409 order=0 migratetype=0 gfp_flags=GFP_KERNEL",
	    "mm_page_alloc: cpu 4294967295 is out of range 0..8191");
	bad(FT, "  bash-1 [8192] ..... 1.0: mm_page_free: pfn=1 order=0", "cpu 8192 is out of range");
	bad(PS, "  perf 12 [4294967295] 1.0: kmem:mm_page_free: pfn=1 order=0",
	    "cpu 4294967295 is out of range 0..8191");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: page=0000000012345678 pfn=-1 order=0",
	    "mm_page_free: pfn -1 is only valid for a failed allocation");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=0x10000000000000 order=0",
	    "mm_page_free: pfn 0x10000000000000 is above the largest pfn 0xfffffffffffff");
	bad(FT, "  bash-1 [000] ..... 9300000000.0: mm_page_free: pfn=1 order=0",
	    "ts_ns 9300000000000000000 is above");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_alloc:: pfn=0x10 order=0 migratetype=0 "
		"gfp_flags=GFP_KERNEL", "event name 'mm_page_alloc:' is not a kmem page event");
	bad(FT, "  bash-1 [000] ..... 1.0: mm_page_free: pfn=1 order=0 [LOST 3 EVENTS]",
	    "lost-events marker inside a kmem page line");
	bad(FT, "CPU:99999 [LOST 5 EVENTS]", "lost-events line: cpu 99999 out of range 0..8191");
	e_ok_limits();

	/* A NUL byte before the event name: bad, with its column, not ignored. */
	struct collect c;
	struct tracefmt_import_stats st;
	struct tracefmt_error err;
	static const char nul_line[] = "  bash-1 [000] ..... 1.0: \0mm_page_alloc: pfn=0x10 "
				       "order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
				       "random\0words\n";
	memset(&c, 0, sizeof(c));
	CHECK(tracefmt_import_mem(FT, nul_line, sizeof(nul_line) - 1, collect, &c, &st, &err) == 0);
	CHECK_EQ_U64(c.n, 0);
	CHECK_EQ_U64(st.bad_lines, 1);
	CHECK_EQ_U64(st.bad_line_numbers[0], 1);
	CHECK_STR_CONTAINS(st.bad_line_reasons[0], "NUL byte at column 27");
	CHECK_EQ_U64(st.ignored_lines, 1);

	/* Line numbers of bad lines among good and ignored ones. */
	const char *text = "# comment\n"
			   "  a-1 [000] ..... 1.0: mm_page_free: pfn=1 order=0\n"
			   "  a-1 [000] ..... 1.0: mm_page_free: pfn=1\n"
			   "random words\n"
			   "  a-1 [000] ..... 1.0: mm_page_alloc: pfn=1 order=0\n";
	CHECK(run(FT, text, &c, &st) == 0);
	CHECK_EQ_U64(c.n, 2); /* COMM a-1 and the good line */
	CHECK_EQ_U64(st.bad_lines, 2);
	CHECK_EQ_U64(st.bad_line_numbers[0], 3);
	CHECK_EQ_U64(st.bad_line_numbers[1], 5);
	CHECK_STR_CONTAINS(st.bad_line_reasons[1], "mm_page_alloc: missing field");
	CHECK_EQ_U64(st.ignored_lines, 2);

	/* Only the first 8 are kept, all are counted. */
	char many[4096] = "";
	for (int i = 0; i < 20; i++)
		strcat(many, "  a-1 [000] ..... 1.0: mm_page_free: pfn=z order=0\n");
	CHECK(run(FT, many, &c, &st) == 0);
	CHECK_EQ_U64(st.bad_lines, 20);
	CHECK_EQ_U64(st.bad_line_numbers[7], 8);

	/* A kmem line longer than the line limit is bad, not silently cut. */
	static char longline[TEXTIN_LINE_MAX + 200];
	memset(longline, 'x', sizeof(longline) - 1);
	memcpy(longline, "  a-1 [000] ..... 1.0: mm_page_free: pfn=1 order=0 ", 51);
	CHECK(run(FT, longline, &c, &st) == 0);
	CHECK_EQ_U64(st.bad_lines, 1);
	CHECK_STR_CONTAINS(st.bad_line_reasons[0], "longer than");
}

static const char sample[] =
	"  a-1 [000] ..... 1.000000: mm_page_free: pfn=0x1 order=0\n"
	"  a-1 [001] ..... 1.000001: mm_page_alloc: page=0000000012345678 pfn=0x2 order=1 "
	"migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n"
	"CPU:0 [LOST 5 EVENTS]\n";

static void check_sample(int rc, const struct collect *c, const struct tracefmt_import_stats *st)
{
	CHECK(rc == 0);
	CHECK_EQ_U64(c->n, 4); /* COMM a-1, free, alloc, lost */
	CHECK_EQ_U64(st->lines, 3);
	CHECK_EQ_U64(c->ev[2].u.alloc.pfn, 2);
	CHECK_EQ_U64(c->ev[3].u.lost.count, 5);
}

static void test_compressed(void)
{
	struct collect c;
	struct tracefmt_import_stats st;
	struct tracefmt_error err;
	uint8_t gz[1024], zs[1024];

	/* gzip through zlib's deflate with a gzip wrapper (windowBits 31). */
	z_stream z;
	memset(&z, 0, sizeof(z));
	REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (Bytef *)sample;
	z.avail_in = sizeof(sample) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
	size_t gz_len = sizeof(gz) - z.avail_out;
	deflateEnd(&z);

	size_t zs_len = ZSTD_compress(zs, sizeof(zs), sample, sizeof(sample) - 1, 3);
	REQUIRE(!ZSTD_isError(zs_len));

	memset(&c, 0, sizeof(c));
	check_sample(tracefmt_import_mem(FT, gz, gz_len, collect, &c, &st, &err), &c, &st);
	memset(&c, 0, sizeof(c));
	check_sample(tracefmt_import_mem(FT, zs, zs_len, collect, &c, &st, &err), &c, &st);

	/* Two gzip members one after the other read as one text. */
	uint8_t two[2048];
	memcpy(two, gz, gz_len);
	memcpy(two + gz_len, gz, gz_len);
	memset(&c, 0, sizeof(c));
	CHECK(tracefmt_import_mem(FT, two, 2 * gz_len, collect, &c, &st, &err) == 0);
	CHECK_EQ_U64(c.n, 7); /* a-1 is named once */

	/* Cut streams are errors, never a quiet end. */
	memset(&c, 0, sizeof(c));
	CHECK(tracefmt_import_mem(FT, gz, gz_len - 10, collect, &c, &st, &err) == -EBADMSG);
	CHECK_STR_CONTAINS(err.text, "gzip stream is truncated");
	memset(&c, 0, sizeof(c));
	CHECK(tracefmt_import_mem(FT, zs, zs_len - 3, collect, &c, &st, &err) == -EBADMSG);
	CHECK_STR_CONTAINS(err.text, "zstd stream is truncated");
	/* Flipped bits in the deflate data. */
	gz[gz_len / 2] ^= 0xff;
	gz[gz_len / 2 + 1] ^= 0x55;
	memset(&c, 0, sizeof(c));
	CHECK(tracefmt_import_mem(FT, gz, gz_len, collect, &c, &st, &err) == -EBADMSG);
	CHECK_STR_CONTAINS(err.text, "gzip stream");
}

static void test_long_path(void)
{
	/* The reason survives a path longer than the message. */
	char path[400] = "/no-such-dir";
	struct tracefmt_error err;

	for (int i = 0; i < 15; i++)
		strcat(path, "/aaaaaaaaaaaaaaaaaaaa");
	strcat(path, "/trace.txt");
	CHECK(textin_open_path(path, &err) == NULL);
	CHECK_EQ_U64(err.code, -ENOENT);
	CHECK(!strncmp(err.text, "...", 3));
	CHECK_STR_CONTAINS(err.text, "/trace.txt: cannot open: No such file or directory");
}

#define CHECK_COMM(fmt, line, want) CHECK(!strcmp(comm_of(fmt, line), want))

/* The task column of each layout, read by hand from the lines. */
static void test_comm_names(void)
{
	CHECK_COMM(FT, "            bash-6425    [001] .....   340.593498: mm_page_free: "
		       "pfn=0x1 order=0", "bash");
	CHECK_COMM(FT, "  Web Content-a-1234 (   1200) [003] d..1.  77.123456789: "
		       "mm_page_free: pfn=0x2000 order=0", "Web Content-a");
	CHECK_COMM(FT, "     kworker/1:2-88      [001] d..3.  1000.000001: mm_page_free: "
		       "pfn=0x1000 order=3", "kworker/1:2");
	CHECK_COMM(FT, "          <idle>-0       [000] ..s1.   340.593592: mm_page_free: "
		       "pfn=0x12a09f order=0", "<idle>");
	/* trace-cmd report of an instance: "INSTANCE:" is not part of the task. */
	CHECK_COMM(FT, "bs-tc-30802:            churn-31450 [001]  1999.303520: mm_page_free: "
		       "  page=0x38000f pfn=0x38000f order=0", "churn");
	CHECK_COMM(FT, "bash-7 [000] ..... 1.000000: mm_page_free: pfn=1 order=0", "bash");
	/* ftrace's "not in the comm cache" names nothing. */
	CHECK_COMM(FT, "           <...>-4242    [000] ..... 1.000000: mm_page_free: "
		       "pfn=1 order=0", "");
	/* Cut to TASK_COMM_LEN - 1 = 15 bytes. */
	CHECK_COMM(FT, "  averyveryverylongname-5 [000] ..... 1.0: mm_page_free: pfn=1 order=0",
		   "averyveryverylo");
	CHECK_COMM(PS, "            perf  6454 [001]   343.398585:             kmem:mm_page_free: "
		       "page=0x1 pfn=0x1 order=0", "perf");
	CHECK_COMM(PS, "  Web Content  1234/1240 [000] 1.000000005: kmem:mm_page_free: "
		       "page=0x1 pfn=0x1 order=2", "Web Content");
	CHECK_COMM(PS, "              dd  6458   343.402843: kmem:mm_page_free: pfn=1 order=0",
		   "dd");
	CHECK_COMM(PS, " kworker/u8:2-kv    35 [000] 1.0: kmem:mm_page_free: pfn=1 order=0",
		   "kworker/u8:2-kv");
	/* perf's name for a thread it saw no COMM event of. */
	CHECK_COMM(PS, "           :1240  1240 [000] 1.0: kmem:mm_page_free: pfn=1 order=0", "");
	/* A bad line names nobody: no COMM without its event. */
	struct collect c;
	struct tracefmt_import_stats st;
	CHECK(run(FT, "  bash-9 [000] ..... 1.0: mm_page_free: pfn=1", &c, &st) == 0);
	CHECK_EQ_U64(c.n, 0);
	CHECK_EQ_U64(st.by_type[TRACEFMT_COMM], 0);
}

/* First sight of a pid and every change of its name (exec), nothing else. */
static void test_comm_changes(void)
{
	struct collect c;
	struct tracefmt_import_stats st;
	const char *text =
		"  sh-5 [000] ..... 1.0: mm_page_free: pfn=1 order=0\n"
		"  sh-5 [001] ..... 1.1: mm_page_free: pfn=2 order=0\n"
		"  dd-5 [001] ..... 1.2: mm_page_free: pfn=3 order=0\n"
		"  sh-6 [000] ..... 1.3: mm_page_free: pfn=4 order=0\n"
		"  dd-5 [000] ..... 1.4: mm_page_free: pfn=5 order=0\n"
		"  <...>-7 [000] ..... 1.5: mm_page_free: pfn=6 order=0\n"
		"  bash-7 [000] ..... 1.6: mm_page_free: pfn=7 order=0\n"
		"  <...>-7 [000] ..... 1.7: mm_page_free: pfn=8 order=0\n"
		"  sh-5 [000] ..... 1.8: mm_page_free: pfn=9 order=0\n";
	/* C = COMM: C5 1 2 C5 3 C6 4 5 6 C7 7 8 C5 9 */
	static const struct {
		uint32_t type, pid;
		uint64_t ts_ns;
		const char *comm;
	} want[] = {
		{ TRACEFMT_COMM, 5, 1000000000, "sh" }, { TRACEFMT_PAGE_FREE, 5, 1000000000, 0 },
		{ TRACEFMT_PAGE_FREE, 5, 1100000000, 0 }, { TRACEFMT_COMM, 5, 1200000000, "dd" },
		{ TRACEFMT_PAGE_FREE, 5, 1200000000, 0 }, { TRACEFMT_COMM, 6, 1300000000, "sh" },
		{ TRACEFMT_PAGE_FREE, 6, 1300000000, 0 }, { TRACEFMT_PAGE_FREE, 5, 1400000000, 0 },
		{ TRACEFMT_PAGE_FREE, 7, 1500000000, 0 }, { TRACEFMT_COMM, 7, 1600000000, "bash" },
		{ TRACEFMT_PAGE_FREE, 7, 1600000000, 0 }, { TRACEFMT_PAGE_FREE, 7, 1700000000, 0 },
		{ TRACEFMT_COMM, 5, 1800000000, "sh" }, { TRACEFMT_PAGE_FREE, 5, 1800000000, 0 },
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	CHECK(run(FT, text, &c, &st) == 0);
	CHECK_EQ_U64(c.n, n);
	CHECK_EQ_U64(st.events, 9);
	CHECK_EQ_U64(st.by_type[TRACEFMT_COMM], 5);
	CHECK_EQ_U64(st.records, 14);
	CHECK_EQ_U64(st.comm_evictions, 0);
	for (size_t i = 0; i < n && i < (size_t)c.n; i++) {
		CHECK_EQ_U64(c.ev[i].type, want[i].type);
		CHECK_EQ_U64(c.ev[i].pid, want[i].pid);
		CHECK_EQ_U64(c.ev[i].ts_ns, want[i].ts_ns);
		if (want[i].comm)
			CHECK(!strcmp(c.ev[i].u.comm.comm, want[i].comm));
	}
}

/* Counts COMM records per pass over the pids, and checks each COMM/event pair. */
struct comm_count {
	uint64_t comm[2], events;
	uint32_t npids;
	uint32_t pending_pid;
	bool pending, broken;
};

static int count_comm(void *ctx, const struct tracefmt_event *ev)
{
	struct comm_count *k = ctx;
	int pass = k->events >= k->npids;

	if (ev->type == TRACEFMT_COMM) {
		char want[TRACEFMT_COMM_LEN];
		snprintf(want, sizeof(want), "t%u", ev->pid);
		if (strcmp(ev->u.comm.comm, want))
			k->broken = true;
		k->comm[pass]++;
		k->pending = true;
		k->pending_pid = ev->pid;
		return 0;
	}
	if (k->pending && k->pending_pid != ev->pid)
		k->broken = true;
	k->pending = false;
	k->events++;
	return 0;
}

/*
 * More pids than the table has slots (65536), twice over: the first pass
 * names each pid once; in the second, at most 65536 pids can still be
 * remembered, so at least npids - 65536 get a COMM record again. A table
 * that grew would give none.
 */
static void test_comm_bounded(void)
{
	const uint32_t npids = 100000;
	size_t cap = (size_t)npids * 2 * 64, len = 0;
	char *text = malloc(cap);
	struct comm_count k = { .npids = npids };
	struct tracefmt_import_stats st;
	struct tracefmt_error err;

	REQUIRE(text);
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t p = 0; p < npids; p++)
			len += (size_t)snprintf(text + len, cap - len,
						"  t%u-%u [000] ..... 1.0: mm_page_free: pfn=1 order=0\n",
						p, p);
	CHECK(tracefmt_import_mem(FT, text, len, count_comm, &k, &st, &err) == 0);
	free(text);
	CHECK_EQ_U64(k.events, 2 * npids);
	CHECK_EQ_U64(k.comm[0], npids);
	CHECK(k.comm[1] >= npids - 65536);
	CHECK(k.comm[1] <= npids);
	CHECK(st.comm_evictions >= npids - 65536);
	CHECK_EQ_U64(st.by_type[TRACEFMT_COMM], k.comm[0] + k.comm[1]);
	CHECK(!k.broken);
}

/* Progress calls: the line counts they saw. */
struct progress_log {
	uint64_t lines[8];
	int n;
};

static void progress_log(void *ctx, const struct tracefmt_import_stats *st)
{
	struct progress_log *l = ctx;

	if (l->n < 8)
		l->lines[l->n] = st->lines;
	l->n++;
}

static struct collect big; /* records of test_opts */

static int collect_big(void *ctx, const struct tracefmt_event *ev)
{
	(void)ctx;
	if (big.n < MAX_EVENTS)
		big.ev[big.n] = *ev;
	big.n++;
	return 0;
}

/* opts: records first and last, stamped with the first and last times; progress. */
static void test_opts(void)
{
	struct tracefmt_event first[2], last[1];
	struct progress_log log = { .n = 0 };
	struct tracefmt_import_opts o = {
		.first = first, .nr_first = 2, .last = last, .nr_last = 1,
		.progress = progress_log, .progress_ctx = &log,
	};
	struct tracefmt_import_stats st;
	struct tracefmt_error err;

	memset(first, 0, sizeof(first));
	memset(last, 0, sizeof(last));
	first[0].type = first[1].type = last[0].type = TRACEFMT_CHECKPOINT;
	first[0].ts_ns = first[1].ts_ns = last[0].ts_ns = 12345; /* replaced */
	first[1].u.checkpoint.seq = 0;
	first[1].u.checkpoint.nr_free_pages = 777;
	last[0].u.checkpoint.seq = 1;
	strcpy(first[1].u.checkpoint.zone, "Normal");

	/* 2 x 65536 + 5 lines: comments, then two events and a lost line. */
	size_t nlines = 2 * 65536 + 5, cap = nlines * 4 + 256, len = 0;
	char *text = malloc(cap);
	REQUIRE(text);
	for (size_t i = 0; i < nlines - 3; i++)
		len += (size_t)snprintf(text + len, cap - len, "#\n");
	len += (size_t)snprintf(text + len, cap - len,
				"  a-1 [000] ..... 5.0: mm_page_free: pfn=1 order=0\n"
				"  a-1 [000] ..... 7.5: mm_page_free: pfn=2 order=0\n"
				"CPU:1 [LOST 3 EVENTS]\n");
	struct textin *in = textin_open_mem(text, len, "<test>");
	REQUIRE(in);
	memset(&big, 0, sizeof(big));
	CHECK(tracefmt_import_stream(FT, in, &o, collect_big, NULL, &st, &err) == 0);
	textin_close(in);
	/* ckpt ckpt COMM free free lost ckpt */
	CHECK_EQ_U64(big.n, 7);
	CHECK_EQ_U64(st.records, 7);
	CHECK_EQ_U64(st.events, 3);
	CHECK_EQ_U64(st.by_type[TRACEFMT_CHECKPOINT], 3);
	CHECK_EQ_U64(big.ev[0].type, TRACEFMT_CHECKPOINT);
	CHECK_EQ_U64(big.ev[0].ts_ns, 5000000000ull);
	CHECK_EQ_U64(big.ev[1].ts_ns, 5000000000ull);
	CHECK_EQ_U64(big.ev[1].u.checkpoint.nr_free_pages, 777);
	CHECK(!strcmp(big.ev[1].u.checkpoint.zone, "Normal"));
	CHECK_EQ_U64(big.ev[2].type, TRACEFMT_COMM);
	CHECK_EQ_U64(big.ev[5].type, TRACEFMT_LOST);
	CHECK_EQ_U64(big.ev[6].type, TRACEFMT_CHECKPOINT);
	CHECK_EQ_U64(big.ev[6].u.checkpoint.seq, 1);
	CHECK_EQ_U64(big.ev[6].ts_ns, 7500000000ull); /* the lost line's: the event before */
	CHECK_EQ_U64(first[0].ts_ns, 12345);	       /* the caller's array is left alone */
	/* floor(131077 / 65536) = 2 calls, at lines 65536 and 131072. */
	CHECK_EQ_U64(log.n, 2);
	CHECK_EQ_U64(log.lines[0], 65536);
	CHECK_EQ_U64(log.lines[1], 131072);

	/* No record from the input: no start or end records either. */
	in = textin_open_mem(text, 2 * 100, "<test>");
	REQUIRE(in);
	memset(&big, 0, sizeof(big));
	CHECK(tracefmt_import_stream(FT, in, &o, collect_big, NULL, &st, &err) == 0);
	textin_close(in);
	CHECK_EQ_U64(big.n, 0);
	CHECK_EQ_U64(st.records, 0);
	free(text);
}

/*
 * Every kind of kmem event a capture records reads from both text formats:
 * the six page events and mm_setup_per_zone_wmarks, whose 6.18 print format
 * is "node_id=%d zone name=%s watermark min=%lu low=%lu high=%lu promo=%lu"
 * (include/trace/events/kmem.h) and whose raw fields are watermark_min..
 */
static void test_every_kind(void)
{
	static const char *const ft[] = {
		"  a-1 [000] .....  1.000000001: mm_page_alloc: page=0x10 pfn=0x10 order=1 migratetype=2 gfp_flags=GFP_KERNEL",
		"  a-1 [000] .....  1.000000002: mm_page_free: page=0x10 pfn=0x10 order=1",
		"  a-1 [000] .....  1.000000003: mm_page_free_batched: page=0x11 pfn=0x11",
		"  a-1 [000] .....  1.000000004: mm_page_alloc_zone_locked: page=0x12 pfn=0x12 order=0 migratetype=1 percpu_refill=1",
		"  a-1 [000] .....  1.000000005: mm_page_pcpu_drain: page=0x13 pfn=0x13 order=0 migratetype=1",
		"  a-1 [000] .....  1.000000006: mm_page_alloc_extfrag: page=0x14 pfn=0x14 alloc_order=0 fallback_order=9 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=1",
		"  a-1 [000] .....  1.000000007: mm_setup_per_zone_wmarks: node_id=0 zone name=DMA32 watermark min=3321 low=4151 high=4981 promo=5811",
	};
	static const char *const ps[] = {
		"  a 1 [000] 1.000000007: kmem:mm_setup_per_zone_wmarks: node_id=1 zone name=Normal watermark min=1 low=2 high=3 promo=4",
		"  a 1 [000] 1.000000008: kmem:mm_setup_per_zone_wmarks: [FAILED TO PARSE] node_id=0 name=DMA watermark_min=5 watermark_low=6 watermark_high=7 watermark_promo=8",
	};

	for (unsigned int i = 0; i < sizeof(ft) / sizeof(ft[0]); i++) {
		struct tracefmt_event e = one(FT, ft[i]);
		CHECK_EQ_U64(e.type, i < 6 ? TRACEFMT_PAGE_ALLOC + i : TRACEFMT_WMARK);
		CHECK_EQ_U64(e.ts_ns, 1000000001ull + i);
	}
	struct tracefmt_event e = one(FT, ft[6]);
	CHECK_EQ_U64(e.u.wmark.node, 0);
	CHECK(!strcmp(e.u.wmark.zone, "DMA32"));
	CHECK_EQ_U64(e.u.wmark.min, 3321);
	CHECK_EQ_U64(e.u.wmark.low, 4151);
	CHECK_EQ_U64(e.u.wmark.high, 4981);
	CHECK_EQ_U64(e.u.wmark.promo, 5811);
	e = one(PS, ps[0]);
	CHECK_EQ_U64(e.type, TRACEFMT_WMARK);
	CHECK_EQ_U64(e.u.wmark.node, 1);
	CHECK(!strcmp(e.u.wmark.zone, "Normal"));
	CHECK_EQ_U64(e.u.wmark.promo, 4);
	e = one(PS, ps[1]);
	CHECK(!strcmp(e.u.wmark.zone, "DMA"));
	CHECK_EQ_U64(e.u.wmark.min + e.u.wmark.low + e.u.wmark.high + e.u.wmark.promo, 26);
	bad(FT, "  a-1 [000] .....  1.0: mm_setup_per_zone_wmarks: node_id=0 zone name=DMA "
		"watermark min=1 low=2 high=3", "missing field");
	bad(FT, "  a-1 [000] .....  1.0: mm_setup_per_zone_wmarks: node_id=0 zone name=DMA "
		"watermark min=1 low=2 high=3 promo=x", "bad value promo=x");
	bad(FT, "  a-1 [000] .....  1.0: mm_setup_per_zone_wmarks: node_id=0 zone name=AVeryLongZoneName "
		"watermark min=1 low=2 high=3 promo=4", "bad value name=");
	bad(FT, "  a-1 [000] .....  1.0: mm_setup_per_zone_wmarks: node_id=0 area name=DMA "
		"watermark min=1 low=2 high=3 promo=4", "unexpected text 'area'");
}

/*
 * The inferred layout, against x86-64's limits worked out by hand:
 * MAX_DMA_PFN 0x1000 (16 MiB), MAX_DMA32_PFN 0x100000 (4 GiB), ZONE_DMA
 * from pfn 1, the top zone rounded up to 1024 pages (order 10, 11 orders).
 */
static void test_layout(void)
{
	struct tracefmt_layout l;

	CHECK(tracefmt_layout_from_pfns(0x102aa8, 0x61b929, 11, &l) == 0);
	CHECK_EQ_U64(l.nr_zones, 1);
	CHECK(!strcmp(l.zones[0].name, "Normal"));
	CHECK_EQ_U64(l.zones[0].start_pfn, 0x100000);
	CHECK_EQ_U64(l.zones[0].spanned, 0x51bc00);

	CHECK(tracefmt_layout_from_pfns(0x10, 0x200001, 11, &l) == 0);
	CHECK_EQ_U64(l.nr_zones, 3);
	CHECK(!strcmp(l.zones[0].name, "DMA") && !strcmp(l.zones[1].name, "DMA32"));
	CHECK_EQ_U64(l.zones[0].start_pfn, 1);
	CHECK_EQ_U64(l.zones[0].spanned, 0xfff);
	CHECK_EQ_U64(l.zones[1].start_pfn, 0x1000);
	CHECK_EQ_U64(l.zones[1].spanned, 0xff000);
	CHECK_EQ_U64(l.zones[2].start_pfn, 0x100000);
	CHECK_EQ_U64(l.zones[2].spanned, 0x100400);

	CHECK(tracefmt_layout_from_pfns(0x2000, 0x3001, 11, &l) == 0);
	CHECK_EQ_U64(l.nr_zones, 1);
	CHECK(!strcmp(l.zones[0].name, "DMA32"));
	CHECK_EQ_U64(l.zones[0].spanned, 0x2400);
	/* 13 orders: blocks of 4096 pages */
	CHECK(tracefmt_layout_from_pfns(0x2000, 0x3001, 13, &l) == 0);
	CHECK_EQ_U64(l.zones[0].spanned, 0x3000);

	CHECK(tracefmt_layout_from_pfns(5, 5, 11, &l) == -EINVAL);
	CHECK(tracefmt_layout_from_pfns(0, 1, 0, &l) == -EINVAL);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_long_path),
	HARNESS_CASE(test_ftrace_618),
	HARNESS_CASE(test_ftrace_variants),
	HARNESS_CASE(test_lost_and_ignored),
	HARNESS_CASE(test_perf),
	HARNESS_CASE(test_bad),
	HARNESS_CASE(test_compressed),
	HARNESS_CASE(test_comm_names),
	HARNESS_CASE(test_comm_changes),
	HARNESS_CASE(test_comm_bounded),
	HARNESS_CASE(test_opts),
	HARNESS_CASE(test_every_kind),
	HARNESS_CASE(test_layout),
};

HARNESS_MAIN(cases)
