/* SPDX-License-Identifier: MIT */
/*
 * pcp_lists: what one cpu's per-cpu lists held when a capture's free-list
 * snapshot walked them, by zone, order and list migratetype, in pages. The
 * what-if lab prints it as the start state of each run, because /proc/zoneinfo
 * only gives each pcp's total and the workload's refills depend on its own
 * list (order 0, movable), its drains on the total.
 * usage: pcp_lists TRACE.bst CPU
 * Prints one line: "ZONE O/MT=PAGES ..." for every non-empty list, sorted by
 * zone, order and migratetype (MT: 0 unmovable, 1 movable, 2 reclaimable,
 * 3 highatomic; order 9 with MT 0 is the non-movable THP list), or "none".
 * Exit 1 when the trace cannot be read or holds no snapshot of pcp lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefmt.h"

#define MAX_ZONES 8

struct zone_pages {
	char name[TRACEFMT_ZONE_NAME_LEN];
	uint64_t pages[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];
};

static struct zone_pages *zone_slot(struct zone_pages *zones, int *nr, const char *name)
{
	for (int i = 0; i < *nr; i++)
		if (!strncmp(zones[i].name, name, sizeof(zones[i].name)))
			return &zones[i];
	if (*nr == MAX_ZONES)
		return NULL;
	snprintf(zones[*nr].name, sizeof(zones[*nr].name), "%s", name);
	return &zones[(*nr)++];
}

/* Sums the first snapshot's pcp pages of @cpu; returns 1 if a snapshot ended, 0 if none. */
static int sum_pcp_pages(struct tracefmt_reader *r, uint32_t cpu, struct zone_pages *zones,
			 int *nr)
{
	struct tracefmt_event ev;

	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type == TRACEFMT_SNAPSHOT_MARK && ev.u.snapshot_mark.phase == TRACEFMT_SNAP_END)
			return 1;
		if (ev.type != TRACEFMT_SNAPSHOT_BLOCK || ev.cpu != cpu ||
		    !(ev.u.snapshot_block.flags & TRACEFMT_SNAP_PCP) ||
		    ev.u.snapshot_block.order >= TRACEFMT_MAX_ORDERS ||
		    ev.u.snapshot_block.migratetype < 0 ||
		    ev.u.snapshot_block.migratetype >= TRACEFMT_MAX_MT)
			continue;
		struct zone_pages *z = zone_slot(zones, nr, ev.u.snapshot_block.zone);

		if (z)
			z->pages[ev.u.snapshot_block.order][ev.u.snapshot_block.migratetype] +=
				1ull << ev.u.snapshot_block.order;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct zone_pages zones[MAX_ZONES];
	struct bs_error err;
	struct tracefmt_reader *r;
	int nr = 0, printed = 0, ended;
	char *end;
	unsigned long cpu;

	if (argc != 3) {
		fprintf(stderr, "usage: pcp_lists TRACE.bst CPU\n");
		return 2;
	}
	cpu = strtoul(argv[2], &end, 10);
	if (end == argv[2] || *end || cpu > UINT32_MAX) {
		fprintf(stderr, "pcp_lists: error: CPU '%s' is not a cpu number\n", argv[2]);
		return 2;
	}
	memset(zones, 0, sizeof(zones));
	r = tracefmt_reader_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "pcp_lists: error: %s: %s\n", argv[1], err.text);
		return 1;
	}
	ended = sum_pcp_pages(r, (uint32_t)cpu, zones, &nr);
	tracefmt_reader_close(r);
	if (!ended) {
		fprintf(stderr, "pcp_lists: error: %s: no complete free-list snapshot\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < nr; i++)
		for (int o = 0; o < TRACEFMT_MAX_ORDERS; o++)
			for (int m = 0; m < TRACEFMT_MAX_MT; m++)
				if (zones[i].pages[o][m])
					printed += printf("%s%s %d/%d=%llu", printed ? " " : "",
							  zones[i].name, o, m,
							  (unsigned long long)zones[i].pages[o][m]) > 0;
	printf("%s\n", printed ? "" : "none");
	return 0;
}
