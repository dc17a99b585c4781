// SPDX-License-Identifier: MIT
/*
 * Test helper: read a .bst with the tracefmt reader and print, for the
 * import tests to compare with counts taken from the text by grep and awk,
 * one line per record type ("<name> <records> <sum of orders>"), events per
 * cpu ("cpu <n> <events>"), failed allocations ("failed <n>"), lost events
 * ("lost_events <n>") and the header blob ("header <json>").
 *
 * With --detail it prints instead, in file order, "commrec <pid> <name>"
 * for each COMM record and "ckpt <index> <seq> <ts_ns> <node> <zone>
 * <nr_free_pages> <sum of free blocks> <sum of pageblocks> <flags>" for each
 * checkpoint, then "events_without_comm <n>" (page events whose pid had no
 * COMM record before them) and "records <n>".
 *
 * With --records it prints each kmem event record as `trace-cmd report -t
 * -R` prints its raw fields ("<ts_ns> <cpu> <pid> <event> pfn=0x.. order=..":
 * pfn and gfp_flags in hex, the rest in decimal, in the tracepoint's field order)
 * and each lost record as "<ts_ns> <cpu> lost <count>", so a test can diff
 * the import of a trace.dat against trace-cmd's own reading of it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracefmt.h"
#include "tracefmt_internal.h"

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

/* Remembered pids for --detail: a plain list is enough for test inputs. */
#define MAX_PIDS 65536

static int detail(struct tracefmt_reader *r)
{
	static uint32_t pids[MAX_PIDS];
	size_t nr_pids = 0;
	uint64_t idx = 0, without = 0;
	struct tracefmt_event ev;
	int rc;

	while ((rc = tracefmt_reader_next(r, &ev)) == 1) {
		if (ev.type == TRACEFMT_COMM) {
			printf("commrec %" PRIu32 " %s\n", ev.pid, ev.u.comm.comm);
			size_t i = 0;
			while (i < nr_pids && pids[i] != ev.pid)
				i++;
			if (i == nr_pids && nr_pids < MAX_PIDS)
				pids[nr_pids++] = ev.pid;
		} else if (ev.type == TRACEFMT_CHECKPOINT) {
			const __typeof__(ev.u.checkpoint) *k = &ev.u.checkpoint;
			uint64_t blocks = 0, pageblocks = 0;
			for (uint32_t o = 0; o < k->nr_orders && o < TRACEFMT_MAX_ORDERS; o++)
				for (uint32_t m = 0; m < k->nr_mt && m < TRACEFMT_MAX_MT; m++)
					blocks += k->free_blocks[o][m];
			for (uint32_t m = 0; m < k->nr_mt && m < TRACEFMT_MAX_MT; m++)
				pageblocks += k->pageblocks[m];
			printf("ckpt %" PRIu64 " %" PRIu32 " %" PRIu64 " %" PRIu32 " %s %" PRIu64
			       " %" PRIu64 " %" PRIu64 " %" PRIu32 "\n", idx, k->seq, ev.ts_ns,
			       k->node, k->zone, k->nr_free_pages, blocks, pageblocks, k->flags);
		} else if (ev.type >= TRACEFMT_PAGE_ALLOC && ev.type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) {
			size_t i = 0;
			while (i < nr_pids && pids[i] != ev.pid)
				i++;
			if (i == nr_pids)
				without++;
		}
		idx++;
	}
	printf("events_without_comm %" PRIu64 "\n", without);
	printf("records %" PRIu64 "\n", idx);
	return rc;
}

static void record_print(const struct tracefmt_event *e)
{
	unsigned long long pfn;

	if (e->type == TRACEFMT_LOST) {
		printf("%" PRIu64 " %" PRIu32 " lost %" PRIu64 "\n", e->ts_ns, e->cpu, e->u.lost.count);
		return;
	}
	if (!(e->type >= TRACEFMT_PAGE_ALLOC && e->type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) &&
	    e->type != TRACEFMT_WMARK && !tracefmt_type_is_mm(e->type))
		return;
	printf("%" PRIu64 " %" PRIu32 " %" PRIu32 " %s:", e->ts_ns, e->cpu, e->pid,
	       tracefmt_type_name(e->type));
	if (tracefmt_type_is_mm(e->type)) {
		/* as trace-cmd report -R: the print format's %lx fields in hex */
		const struct tf_mm_desc *d = tf_mm_desc(e->type);

		for (unsigned int i = 0; i < d->nr; i++) {
			unsigned long long v = tf_mm_get(e, &d->f[i]);
			const char *fmt = d->f[i].kind == TF_MM_PFN || d->f[i].kind == TF_MM_GFP
						  ? " %s=0x%llx"
					  : tf_mm_signed(&d->f[i]) ? " %s=%lld" : " %s=%llu";

			printf(fmt, d->f[i].name, v);
		}
		printf("\n");
		return;
	}
	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		pfn = e->u.alloc.pfn;
		printf(" pfn=0x%llx order=%u gfp_flags=0x%llx migratetype=%d\n", pfn, e->u.alloc.order,
		       (unsigned long long)e->u.alloc.gfp_flags, e->u.alloc.migratetype);
		break;
	case TRACEFMT_PAGE_FREE:
		printf(" pfn=0x%llx order=%u\n", (unsigned long long)e->u.free.pfn, e->u.free.order);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		printf(" pfn=0x%llx\n", (unsigned long long)e->u.free_batched.pfn);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		printf(" pfn=0x%llx order=%u migratetype=%d percpu_refill=%u\n",
		       (unsigned long long)e->u.zone_locked.pfn, e->u.zone_locked.order,
		       e->u.zone_locked.migratetype, e->u.zone_locked.percpu_refill);
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		printf(" pfn=0x%llx order=%u migratetype=%d\n", (unsigned long long)e->u.pcpu_drain.pfn,
		       e->u.pcpu_drain.order, e->u.pcpu_drain.migratetype);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		printf(" pfn=0x%llx alloc_order=%u fallback_order=%u alloc_migratetype=%d "
		       "fallback_migratetype=%d change_ownership=%u\n",
		       (unsigned long long)e->u.extfrag.pfn, e->u.extfrag.alloc_order,
		       e->u.extfrag.fallback_order, e->u.extfrag.alloc_migratetype,
		       e->u.extfrag.fallback_migratetype, e->u.extfrag.change_ownership);
		break;
	case TRACEFMT_WMARK:
		printf(" node_id=%u name=%s watermark_min=%llu watermark_low=%llu "
		       "watermark_high=%llu watermark_promo=%llu\n", e->u.wmark.node,
		       e->u.wmark.zone, (unsigned long long)e->u.wmark.min,
		       (unsigned long long)e->u.wmark.low, (unsigned long long)e->u.wmark.high,
		       (unsigned long long)e->u.wmark.promo);
		break;
	}
}

int main(int argc, char **argv)
{
	uint64_t count[TRACEFMT_NR_TYPES] = { 0 }, orders[TRACEFMT_NR_TYPES] = { 0 };
	uint64_t per_cpu[MAX_CPUS] = { 0 }, failed = 0, lost = 0;
	struct bs_error err = { 0 };
	struct tracefmt_event ev;
	size_t hlen;
	int rc;

	bool want_detail = argc == 3 && !strcmp(argv[1], "--detail");
	bool want_records = argc == 3 && !strcmp(argv[1], "--records");

	if (argc != 2 && !want_detail && !want_records) {
		fprintf(stderr, "usage: bst_summary [--detail|--records] TRACE.bst\n");
		return 2;
	}
	struct tracefmt_reader *r = tracefmt_reader_open(argv[argc - 1], &err);
	if (!r) {
		fprintf(stderr, "bst_summary: %s\n", err.text);
		return 1;
	}
	if (want_records) {
		while ((rc = tracefmt_reader_next(r, &ev)) == 1)
			record_print(&ev);
		tracefmt_reader_close(r);
		return rc < 0 ? 1 : 0;
	}
	if (want_detail) {
		rc = detail(r);
		tracefmt_reader_close(r);
		return rc < 0 ? 1 : 0;
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
