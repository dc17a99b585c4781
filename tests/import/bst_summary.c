// SPDX-License-Identifier: MIT
/*
 * Test helper: read a .bst with the tracefmt reader and print, for the
 * import tests to compare with counts taken from the text by grep and awk,
 * one line per record type ("<name> <records> <sum of orders>"), events per
 * cpu ("cpu <n> <events>"), failed allocations ("failed <n>"), lost events
 * ("lost_events <n>") and the header blob ("header <json>").
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracefmt.h"

#define MAX_CPUS 64

static uint32_t order_of(const struct tracefmt_event *ev)
{
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		return ev->u.alloc.order;
	case TRACEFMT_PAGE_FREE:
		return ev->u.free.order;
	case TRACEFMT_PAGE_FREE_BATCHED:
		return ev->u.free_batched.order;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		return ev->u.zone_locked.order;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		return ev->u.pcpu_drain.order;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		return ev->u.extfrag.alloc_order;
	default:
		return 0;
	}
}

int main(int argc, char **argv)
{
	uint64_t count[TRACEFMT_NR_TYPES] = { 0 }, orders[TRACEFMT_NR_TYPES] = { 0 };
	uint64_t per_cpu[MAX_CPUS] = { 0 }, failed = 0, lost = 0;
	struct tracefmt_error err = { 0 };
	struct tracefmt_event ev;
	size_t hlen;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: bst_summary TRACE.bst\n");
		return 2;
	}
	struct tracefmt_reader *r = tracefmt_reader_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "bst_summary: %s\n", err.text);
		return 1;
	}
	while ((rc = tracefmt_reader_next(r, &ev)) == 1) {
		if (ev.type >= TRACEFMT_NR_TYPES)
			continue;
		count[ev.type]++;
		orders[ev.type] += order_of(&ev);
		if (ev.type <= TRACEFMT_PAGE_ALLOC_EXTFRAG && ev.cpu < MAX_CPUS)
			per_cpu[ev.cpu]++;
		if (ev.type == TRACEFMT_PAGE_ALLOC && ev.u.alloc.pfn == TRACEFMT_PFN_NONE)
			failed++;
		if (ev.type == TRACEFMT_LOST)
			lost += ev.u.lost.count;
	}
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(r);
	if (rc < 0 || !st->complete || st->blocks_corrupt) {
		fprintf(stderr, "bst_summary: %s: read stopped: %s\n", argv[1], st->stop_reason);
		tracefmt_reader_close(r);
		return 1;
	}
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++)
		printf("%s %" PRIu64 " %" PRIu64 "\n", tracefmt_type_name(t), count[t], orders[t]);
	for (int c = 0; c < MAX_CPUS; c++)
		if (per_cpu[c])
			printf("cpu %d %" PRIu64 "\n", c, per_cpu[c]);
	printf("failed %" PRIu64 "\n", failed);
	printf("lost_events %" PRIu64 "\n", lost);
	printf("header %s\n", tracefmt_reader_header(r, &hlen));
	tracefmt_reader_close(r);
	return 0;
}
