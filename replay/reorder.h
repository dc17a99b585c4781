/* SPDX-License-Identifier: MIT */
/*
 * The reorder window of replay: records are not strictly time-ordered across
 * cpus in a file, so replay holds back up to a window of them and releases
 * them in (timestamp, arrival) order - equal timestamps keep arrival order,
 * which is each cpu's program order.
 *
 * Records that arrive in order go to a FIFO ring (O(1) in and out); a record
 * older than the newest one in the FIFO goes to a binary min-heap keyed on
 * (ts, seq) (O(log window)). A pop takes the smaller of the two heads. Both
 * structures are sorted by the same key, so the output is exactly what an
 * insertion sort over the window would give.
 */
#ifndef BUDDYSCOPE_REPLAY_REORDER_H
#define BUDDYSCOPE_REPLAY_REORDER_H

#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

/*
 * A record as the window keeps it. Page events are kept compact; the rare
 * big records (checkpoint, comm, lost) sit in a side ring and the compact
 * event points at them.
 */
struct reorder_event {
	uint64_t ts;
	uint64_t pfn;
	uint64_t gfp;
	uint64_t seq;		/* arrival number, set by replay_reorder_push() */
	uint32_t cpu, pid;
	uint8_t type;
	uint8_t order, order2;	/* order2: extfrag fallback order */
	uint8_t flag;		/* percpu_refill / change_ownership / has_order */
	int8_t mt, mt2;
	uint16_t side;		/* index in the side ring for big records */
};

#define REORDER_SIDE_CAP 1024u

struct reorder {
	struct reorder_event *fifo;	/* ring of in-order arrivals, [fifo_mask + 1] */
	size_t fifo_mask, fifo_head, fifo_len;
	struct reorder_event *heap;	/* min-heap of late arrivals, [window + 1] */
	size_t heap_len, heap_cap;
	size_t window;
	uint64_t next_seq;
	struct tracefmt_event *side; /* [REORDER_SIDE_CAP] */
	uint16_t side_free[REORDER_SIDE_CAP]; /* stack of free side slots */
	unsigned int nr_side_free;
	uint64_t late;		/* records older than one already applied */
	uint64_t last_out_ts;
};

/* replay_reorder_init() - an empty window of @window records. 0 or -ENOMEM. */
int replay_reorder_init(struct reorder *r, size_t window);
/* replay_reorder_release() - free what replay_reorder_init() allocated; safe on a zeroed struct. */
void replay_reorder_release(struct reorder *r);

static inline size_t replay_reorder_len(const struct reorder *r)
{
	return r->fifo_len + r->heap_len;
}

/*
 * replay_reorder_push() - add @e (copied, seq set). The caller pops while the
 * length exceeds the window, so at most window + 1 records are ever held.
 */
void replay_reorder_push(struct reorder *r, const struct reorder_event *e);
/* replay_reorder_pop() - take the oldest record into @out; 0, or -ENOENT when empty. */
int replay_reorder_pop(struct reorder *r, struct reorder_event *out);

#endif
