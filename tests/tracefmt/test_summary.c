/* SPDX-License-Identifier: MIT */
/*
 * tracefmt_summary_add(): a handful of hand-made records and the figures
 * `info` prints for them (FORMAT.md section 6), counted here by hand.
 */
#include <string.h>

#include "harness.h"
#include "tracefmt_summary.h"

static struct tracefmt_event alloc(uint64_t ts, uint64_t pfn, uint32_t order, int32_t mt)
{
	struct tracefmt_event ev = { .type = TRACEFMT_PAGE_ALLOC, .ts_ns = ts };

	ev.u.alloc.pfn = pfn;
	ev.u.alloc.order = order;
	ev.u.alloc.migratetype = mt;
	return ev;
}

static struct tracefmt_event lost(uint32_t cpu, uint64_t count, uint64_t last_ns)
{
	struct tracefmt_event ev = { .type = TRACEFMT_LOST, .cpu = cpu, .ts_ns = 50 };

	ev.u.lost.count = count;
	ev.u.lost.first_ns = last_ns ? 40 : 0;
	ev.u.lost.last_ns = last_ns;
	return ev;
}

static void test_page_events_and_losses(void)
{
	static struct tracefmt_summary s;
	const struct tracefmt_event evs[] = {
		alloc(300, 0x1000, 0, 1),
		alloc(100, 0x2000, 3, 2),
		alloc(200, TRACEFMT_PFN_NONE, 2, 0), /* a failure */
		alloc(250, 0x3000, 1, TRACEFMT_MAX_MT), /* migratetype out of the table */
		lost(1, 7, 45),
		lost(TRACEFMT_CPU_UNKNOWN, 2, 0),
	};

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		tracefmt_summary_add(&s, &evs[i]);
	CHECK_EQ_U64(s.by_type[TRACEFMT_PAGE_ALLOC], 4);
	CHECK_EQ_U64(s.page_events, 4);
	CHECK_EQ_U64(s.first_ns, 100); /* out of order: the smallest, not the first */
	CHECK_EQ_U64(s.last_ns, 300);
	CHECK_EQ_U64(s.allocs[0][1], 1);
	CHECK_EQ_U64(s.allocs[3][2], 1);
	CHECK_EQ_U64(s.allocs_other, 1);
	CHECK_EQ_U64(s.failed, 1);
	CHECK_EQ_U64(s.failed_by_order[2], 1);
	CHECK_EQ_U64(s.lost, 9);
	CHECK_EQ_U64(s.lost_records, 2);
	CHECK_EQ_U64(s.lost_records_unwindowed, 1);
	CHECK_EQ_U64(s.lost_by_cpu[1], 7);
	CHECK_EQ_U64(s.lost_unknown_cpu, 2);
}

/* Format 1.3's reclaim records, counted apart from the page events. */
static void test_reclaim(void)
{
	static struct tracefmt_summary s;
	struct tracefmt_event ev = { .type = TRACEFMT_VMSCAN_DIRECT_END, .ts_ns = 10 };

	memset(&s, 0, sizeof(s));
	ev.u.direct.nr_reclaimed = 32;
	tracefmt_summary_add(&s, &ev);
	ev.u.direct.nr_reclaimed = 5;
	tracefmt_summary_add(&s, &ev);
	CHECK_EQ_U64(s.mm.by_type[TRACEFMT_VMSCAN_DIRECT_END - TRACEFMT_MM_FIRST], 2);
	CHECK_EQ_U64(s.mm.direct_reclaimed, 37);
	CHECK_EQ_U64(s.page_events, 0);
}

int main(void)
{
	test_page_events_and_losses();
	test_reclaim();
	return TEST_REPORT();
}
