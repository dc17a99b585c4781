// SPDX-License-Identifier: MIT
/*
 * The reorder window (reorder.h): a FIFO for records that arrive in time
 * order and a binary min-heap for the late ones, so a late record costs
 * O(log window) instead of an insertion-sort shift over the whole window,
 * and in-order input stays O(1) per record.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"

/* (ts, seq) order: time first, then arrival. */
static inline bool reorder_event_before(const struct reorder_event *a, const struct reorder_event *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

int replay_reorder_init(struct reorder *r, size_t window)
{
	size_t cap = 1;

	memset(r, 0, sizeof(*r));
	while (cap < window + 2)
		cap <<= 1;
	r->window = window;
	r->fifo_mask = cap - 1;
	r->fifo = malloc(cap * sizeof(*r->fifo));
	r->heap_cap = window + 2;
	r->heap = malloc(r->heap_cap * sizeof(*r->heap));
	r->side = malloc(REORDER_SIDE_CAP * sizeof(*r->side));
	for (unsigned int i = 0; i < REORDER_SIDE_CAP; i++)
		r->side_free[i] = (uint16_t)(REORDER_SIDE_CAP - 1 - i);
	r->nr_side_free = REORDER_SIDE_CAP;
	return r->fifo && r->heap && r->side ? 0 : -ENOMEM;
}

void replay_reorder_release(struct reorder *r)
{
	free(r->fifo);
	free(r->heap);
	free(r->side);
	r->fifo = r->heap = NULL;
	r->side = NULL;
}

static void heap_push(struct reorder *r, const struct reorder_event *e)
{
	size_t i = r->heap_len++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!reorder_event_before(e, &r->heap[parent]))
			break;
		r->heap[i] = r->heap[parent];
		i = parent;
	}
	r->heap[i] = *e;
}

static void heap_pop(struct reorder *r, struct reorder_event *out)
{
	struct reorder_event last;
	size_t i = 0, n;

	*out = r->heap[0];
	n = --r->heap_len;
	if (!n)
		return;
	last = r->heap[n];
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n && reorder_event_before(&r->heap[child + 1], &r->heap[child]))
			child++;
		if (!reorder_event_before(&r->heap[child], &last))
			break;
		r->heap[i] = r->heap[child];
		i = child;
	}
	r->heap[i] = last;
}

void replay_reorder_push(struct reorder *r, const struct reorder_event *e)
{
	struct reorder_event x = *e;

	x.seq = r->next_seq++;
	/* late: older than the newest in-order record still held */
	if (r->fifo_len && x.ts < r->fifo[(r->fifo_head + r->fifo_len - 1) & r->fifo_mask].ts) {
		heap_push(r, &x);
		return;
	}
	r->fifo[(r->fifo_head + r->fifo_len) & r->fifo_mask] = x;
	r->fifo_len++;
}

int replay_reorder_pop(struct reorder *r, struct reorder_event *out)
{
	bool from_fifo;

	if (!r->fifo_len && !r->heap_len)
		return -ENOENT;
	from_fifo = r->fifo_len &&
		    (!r->heap_len || reorder_event_before(&r->fifo[r->fifo_head], &r->heap[0]));
	if (!from_fifo) {
		heap_pop(r, out);
		return 0;
	}
	*out = r->fifo[r->fifo_head];
	r->fifo_head = (r->fifo_head + 1) & r->fifo_mask;
	r->fifo_len--;
	return 0;
}
