// SPDX-License-Identifier: MIT
/*
 * The reorder window in a run (reorder.h): records become compact events,
 * big records travel through the side ring, and each record leaving the
 * window is applied; records a few places behind the head are prefetched.
 */
#include "reorder.h"
#include "replay_internal.h"

/* Records that travel whole through the reorder window's side ring. */
static bool is_big_record(unsigned int type)
{
	return type == TRACEFMT_CHECKPOINT || type == TRACEFMT_COMM || type == TRACEFMT_LOST ||
	       type == TRACEFMT_ZONE_STATE || type == TRACEFMT_WMARK;
}

static void reorder_event_from(struct reorder_event *e, const struct tracefmt_event *ev)
{
	e->ts = ev->ts_ns;
	e->cpu = ev->cpu;
	e->pid = ev->pid;
	e->type = (uint8_t)ev->type;
	e->gfp = 0;
	e->flag = 0;
	e->mt = -1;
	e->mt2 = -1;
	e->order2 = 0;
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		e->pfn = ev->u.alloc.pfn;
		e->order = (uint8_t)ev->u.alloc.order;
		e->mt = (int8_t)ev->u.alloc.migratetype;
		e->gfp = ev->u.alloc.gfp_flags;
		break;
	case TRACEFMT_PAGE_FREE:
		e->pfn = ev->u.free.pfn;
		e->order = (uint8_t)ev->u.free.order;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		e->pfn = ev->u.free_batched.pfn;
		e->order = (uint8_t)ev->u.free_batched.order;
		e->flag = (uint8_t)ev->u.free_batched.has_order;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		e->pfn = ev->u.zone_locked.pfn;
		e->order = (uint8_t)ev->u.zone_locked.order;
		e->mt = (int8_t)ev->u.zone_locked.migratetype;
		e->flag = (uint8_t)ev->u.zone_locked.percpu_refill;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		e->pfn = ev->u.pcpu_drain.pfn;
		e->order = (uint8_t)ev->u.pcpu_drain.order;
		e->mt = (int8_t)ev->u.pcpu_drain.migratetype;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		e->pfn = ev->u.extfrag.pfn;
		e->order = (uint8_t)ev->u.extfrag.alloc_order;
		e->order2 = (uint8_t)ev->u.extfrag.fallback_order;
		e->mt = (int8_t)ev->u.extfrag.alloc_migratetype;
		e->mt2 = (int8_t)ev->u.extfrag.fallback_migratetype;
		e->flag = (uint8_t)ev->u.extfrag.change_ownership;
		break;
	default:
		e->pfn = 0;
		e->order = 0;
		break;
	}
}

/*
 * Shadow mode: records this far behind the head of the window have their
 * page state prefetched (model_prefetch()): the model's per-page arrays are
 * too large for the cache, and each event would otherwise wait for several
 * misses (shadow 476 -> 344 ns per event on a 7.3 M-event capture). What-if
 * mode touches the pfns the model chooses, not the trace's: a free's slot of
 * the kernel-pfn map and its word of the tied bitmap are prefetched instead.
 */
#define PREFETCH_AHEAD 12u

static void prefetch_record(const struct replay_ctx *c, const struct reorder_event *e)
{
	if (c->mode == REPLAY_SHADOW)
		model_prefetch(c->m, e->pfn);
	else
		replay_whatif_prefetch(c, e);
}

void replay_window_pop(struct replay_ctx *c)
{
	struct reorder *r = &c->ro;
	struct reorder_event e;

	if (r->fifo_len > PREFETCH_AHEAD)
		prefetch_record(c, &r->fifo[(r->fifo_head + PREFETCH_AHEAD) & r->fifo_mask]);
	if (reorder_pop(r, &e))
		return;
	if (e.ts > r->last_out_ts)
		r->last_out_ts = e.ts;
	if (is_big_record(e.type)) {
		replay_apply_record(c, &r->side[e.side]);
		r->side_free[r->nr_side_free++] = e.side;
	} else {
		replay_apply_event(c, &e);
	}
}

void replay_window_push(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	struct reorder *r = &c->ro;
	struct reorder_event e;

	reorder_event_from(&e, ev);
	if (is_big_record(ev->type)) {
		while (!r->nr_side_free)
			replay_window_pop(c);
		e.side = r->side_free[--r->nr_side_free];
		r->side[e.side] = *ev;
	}
	if (e.ts < r->last_out_ts)
		r->late++; /* older than a record already applied: applied late */
	reorder_push(r, &e);
	while (reorder_len(r) > r->window)
		replay_window_pop(c);
}
