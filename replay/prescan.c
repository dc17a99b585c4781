// SPDX-License-Identifier: MIT
/*
 * The first pass over the head of the trace (the free-list snapshot, its
 * walk spans and the first checkpoint) and the start window it defines:
 * which page events between the walk's begin and end the start state
 * already holds.
 */
#include <errno.h>
#include <stdlib.h>

#include "reorder.h"
#include "replay_internal.h"

/* The walk span of (zone, cpu), NULL if the trace has none. */
static const struct walk_span *walk_find(const struct prescan *ps, int zone, uint32_t cpu)
{
	for (size_t i = 0; i < ps->nr_walks; i++)
		if (ps->walks[i].zone == zone && ps->walks[i].cpu == cpu)
			return &ps->walks[i];
	return NULL;
}

/*
 * The walk span of the lists @e touches: the cpu's pcp lists for an
 * allocation from the pcp or a free, the zone's buddy lists for what happens
 * under the zone lock (zone_locked, extfrag, drain, a buddy-served allocation).
 */
static const struct walk_span *walk_span_of(const struct replay_ctx *c, int zone, const struct reorder_event *e)
{
	bool pcp_side = (e->type == TRACEFMT_PAGE_ALLOC && !replay_pending_holds(c, e->cpu, e->pfn)) ||
			e->type == TRACEFMT_PAGE_FREE;

	if (pcp_side)
		return walk_find(&c->ps, zone, e->cpu);
	return walk_find(&c->ps, zone, TRACEFMT_WALK_BUDDY_CPU);
}

/*
 * A page event between the snapshot walk's begin and end marks: applied
 * only if the walk had not already seen its effect. With the walk's own
 * times (a SNAPSHOT_WALK record per zone and per cpu's pcp lists) that is
 * "after the walk read its lists"; without them the model's state decides:
 * an allocation of a block the walk saw free, a free of a page it saw
 * allocated, a drain of a page it saw on a pcp list happened after the walk.
 */
bool replay_start_window_event_is_new(struct replay_ctx *c, const struct reorder_event *e)
{
	struct model_pfn_state st;
	const struct walk_span *w;

	if (c->start.kind != START_SNAPSHOT || e->ts < c->ps.snap_begin_ts)
		return false;
	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind == MODEL_PFN_OUTSIDE)
		return false;
	w = walk_span_of(c, st.zone, e);
	if (w && e->ts < w->begin)
		return false;
	if (w && e->ts > w->end)
		return true;
	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		return e->pfn != TRACEFMT_PFN_NONE && st.kind != MODEL_PFN_ALLOCATED;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		return st.kind == MODEL_PFN_FREE_BUDDY;
	case TRACEFMT_PAGE_FREE:
		return st.kind == MODEL_PFN_ALLOCATED;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		return st.kind == MODEL_PFN_ON_PCP;
	default:
		return false;
	}
}

#define PRESCAN_EVENTS_NO_SNAPSHOT 200000u

static int prescan_add_snap(struct prescan *ps, struct model *m, const struct tracefmt_event *ev)
{
	struct snap_rec *r;

	if (ps->nr_snap == ps->cap_snap) {
		size_t n = ps->cap_snap ? 2 * ps->cap_snap : 4096;
		struct snap_rec *p = realloc(ps->snap, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ps->snap = p;
		ps->cap_snap = n;
	}
	r = &ps->snap[ps->nr_snap++];
	r->pfn = ev->u.snapshot_block.pfn;
	r->position = ev->u.snapshot_block.position;
	r->order = ev->u.snapshot_block.order;
	r->mt = (ev->u.snapshot_block.flags & TRACEFMT_SNAP_MT_UNKNOWN)
			? -1 : ev->u.snapshot_block.migratetype;
	r->cpu = ev->cpu;
	r->flags = ev->u.snapshot_block.flags;
	r->zone = replay_zone_by_name(m, ev->u.snapshot_block.node, ev->u.snapshot_block.zone);
	if (r->flags & TRACEFMT_SNAP_UNCERTAIN)
		ps->snap_uncertain++;
	return 0;
}

static int prescan_add_walk(struct prescan *ps, struct model *m, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(m, ev->u.snapshot_walk.node, ev->u.snapshot_walk.zone);
	struct walk_span *w;

	if (zone < 0 || ev->u.snapshot_walk.end_ns < ev->ts_ns)
		return 0;
	if (ps->nr_walks == ps->cap_walks) {
		size_t n = ps->cap_walks ? 2 * ps->cap_walks : 16;

		w = realloc(ps->walks, n * sizeof(*w));
		if (!w)
			return -ENOMEM;
		ps->walks = w;
		ps->cap_walks = n;
	}
	w = &ps->walks[ps->nr_walks++];
	w->zone = zone;
	w->cpu = ev->cpu;
	w->begin = ev->ts_ns;
	w->end = ev->u.snapshot_walk.end_ns;
	return 0;
}

int replay_prescan_run(struct replay_ctx *c)
{
	struct prescan *ps = &c->ps;
	struct tracefmt_event ev;
	uint64_t page_events = 0;
	bool ckpt_closed = false;
	int r;

	ps->first_ts = UINT64_MAX;
	while ((r = tracefmt_reader_next(c->rd, &ev)) > 0) {
		if (replay_stop_requested(c))
			return -EINTR;
		if (replay_record_check(&c->lim, &ev) >= 0)
			continue; /* counted by the main pass */
		if (ev.type >= TRACEFMT_PAGE_ALLOC && ev.type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) {
			page_events++;
			if (ev.ts_ns < ps->first_ts)
				ps->first_ts = ev.ts_ns;
			if (ps->have_ckpt)
				ckpt_closed = true;
		}
		switch (ev.type) {
		case TRACEFMT_SNAPSHOT_MARK:
			if (ev.u.snapshot_mark.phase == TRACEFMT_SNAP_BEGIN) {
				ps->snapshot_begun = true;
				ps->snap_begin_ts = ev.ts_ns;
				ps->snapshot_method = ev.u.snapshot_mark.method;
				ps->nr_snap = 0;
			} else if (ev.u.snapshot_mark.phase == TRACEFMT_SNAP_END &&
				   ps->snapshot_begun) {
				ps->snapshot = true;
				ps->snap_end_ts = ev.ts_ns;
			}
			break;
		case TRACEFMT_SNAPSHOT_BLOCK:
			if (!ps->snapshot_begun || ps->snapshot)
				break;
			if (!replay_snapshot_block_fits(c->cfg, c->hdr.header_orders, &ev))
				c->count.rejected[RJ_SNAPSHOT_BLOCK]++;
			else if (prescan_add_snap(ps, c->m, &ev))
				return -ENOMEM;
			break;
		case TRACEFMT_SNAPSHOT_WALK:
			if (ps->snapshot_begun && !ps->snapshot && prescan_add_walk(ps, c->m, &ev))
				return -ENOMEM;
			break;
		case TRACEFMT_CHECKPOINT:
			if (!ps->have_ckpt) {
				ps->have_ckpt = true;
				ps->ckpt_seq = ev.u.checkpoint.seq;
				ps->ckpt_ts = ev.ts_ns;
			} else if (ev.u.checkpoint.seq != ps->ckpt_seq) {
				ckpt_closed = true;
			}
			if (!ckpt_closed && ev.u.checkpoint.seq == ps->ckpt_seq) {
				struct tracefmt_event *p =
					realloc(ps->ckpt, (ps->nr_ckpt + 1) * sizeof(*p));

				if (!p)
					return -ENOMEM;
				ps->ckpt = p;
				ps->ckpt[ps->nr_ckpt++] = ev;
			}
			break;
		default:
			break;
		}
		if (ps->snapshot)
			break;
		if (!ps->snapshot_begun && page_events > PRESCAN_EVENTS_NO_SNAPSHOT)
			break;
	}
	if (r < 0)
		return r;
	return tracefmt_reader_rewind(c->rd);
}

void replay_prescan_release(struct prescan *ps)
{
	free(ps->snap);
	free(ps->ckpt);
	free(ps->walks);
}
