// SPDX-License-Identifier: MIT
/*
 * The main pass's hot path, one file so that the compiler sees it whole:
 * each record is checked (validate.c), enters the reorder window
 * (reorder.h; big records travel through its side ring), and each record
 * leaving the window is dispatched to its mode and concern, with the
 * clock, the samples and the counters both modes keep. Records a few
 * places behind the window's head are prefetched.
 */
#include "reorder.h"
#include "replay_internal.h"

/* Records that travel whole through the reorder window's side ring. */
static bool is_big_record(unsigned int type)
{
	return type == TRACEFMT_CHECKPOINT || type == TRACEFMT_COMM || type == TRACEFMT_LOST ||
	       type == TRACEFMT_ZONE_STATE || type == TRACEFMT_WMARK || type == TRACEFMT_VMSTAT;
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
		e->side = 0;
		if (tracefmt_type_is_mm(ev->type))
			replay_mm_event_from(e, ev);
		break;
	}
}

/* The first page event or checkpoint is the run's time 0; samples start from it. */
static void run_clock_start(struct replay_ctx *c, uint64_t ts)
{
	if (c->clock.have_t0)
		return;
	c->clock.have_t0 = true;
	c->clock.t0 = ts;
	c->out.next_sample = replay_add_sat(ts, c->out.sample_ns);
}

static void paranoid_check(struct replay_ctx *c, const struct reorder_event *e)
{
	char buf[200];

	c->count.paranoid_checks++;
	if (!model_check(c->m, buf, sizeof(buf)))
		return;
	if (!c->count.paranoid_fail++) {
		snprintf(c->count.paranoid_first, sizeof(c->count.paranoid_first), "after %s at t=%lld ns: %s",
			 tracefmt_type_name(e->type), (long long)replay_rel_ns(c, e->ts), buf);
		replay_notable(c, e->ts, "model_check", "model_check failed %s", c->count.paranoid_first);
	}
}

/*
 * The kernel's own figures, read from the trace the same way in both modes:
 * a refill is a burst of zone_locked blocks with percpu_refill set (6.18
 * steal-mode pulls show only extfrag, spec 6.3) closed by the cpu's next
 * mm_page_alloc; drains are mm_page_pcpu_drain events.
 */
static void trace_count(struct replay_ctx *c, const struct reorder_event *e)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);
	struct trace_counters *t = &c->count.tc;
	bool pulled = false;

	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		if (e->pfn == TRACEFMT_PFN_NONE)
			t->alloc_failures++;
		else
			t->allocations++;
		if (s)
			s->refill_open = false;
		break;
	case TRACEFMT_PAGE_FREE:
		t->frees++;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		pulled = e->flag && replay_pcpable(c, e->order);
		if (s)
			s->last_zone_locked_pfn = e->pfn;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		t->fallbacks++;
		pulled = c->prof_618 && replay_pcpable(c, e->order) && s && s->last_zone_locked_pfn != e->pfn;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		t->pcp_drains++;
		t->pcp_drain_pages += 1ull << (e->order & 63);
		break;
	default:
		break;
	}
	if (!pulled)
		return;
	t->pcp_refill_pages += 1ull << (e->order & 63);
	if (s && !s->refill_open) {
		s->refill_open = true;
		t->pcp_refills++;
	}
}

/* Time moves on: time 0, the last timestamp, an open checkpoint closes, samples fall due. */
static void run_clock_advance(struct replay_ctx *c, const struct reorder_event *e, bool page)
{
	if (page)
		run_clock_start(c, e->ts);
	if (e->ts > c->clock.last_ts)
		c->clock.last_ts = e->ts;
	if (page && c->ck.open)
		replay_checkpoint_close(c);
	if (c->clock.have_t0 && e->ts >= c->out.next_sample && c->out.next_sample != UINT64_MAX) {
		uint64_t steps = 1 + (e->ts - c->out.next_sample) / c->out.sample_ns;

		replay_emit_samples(c, c->out.next_sample);
		c->out.next_sample = steps > (UINT64_MAX - c->out.next_sample) / c->out.sample_ns
				 ? UINT64_MAX : c->out.next_sample + steps * c->out.sample_ns;
	}
}

/* What every page event counts, in both modes, before the mode handles it. */
static void page_event_count(struct replay_ctx *c, const struct reorder_event *e)
{
	if (c->mode == REPLAY_WHATIF && c->prof_618)
		replay_pcp_decay_due(c, e);
	if (c->mode == REPLAY_WHATIF)
		replay_whatif_time(c, e->ts);
	c->count.events++;
	trace_count(c, e);
	if (c->count.uncertain && e->ts >= c->count.uncertain_until)
		c->count.uncertain = false;
	if (c->count.uncertain)
		c->count.uncertain_events++;
}

/* A page event to the mode that handles it. */
static void page_event_dispatch(struct replay_ctx *c, const struct reorder_event *e)
{
	bool shadow = c->mode == REPLAY_SHADOW;

	switch (e->type) {
	case TRACEFMT_PAGE_ALLOC:
		if (shadow) {
			replay_shadow_alloc(c, e);
		} else {
			if (e->pfn == TRACEFMT_PFN_NONE && e->order < REPLAY_MAX_ORDERS)
				c->count.kfail[e->order]++;
			replay_whatif_alloc(c, e);
		}
		break;
	case TRACEFMT_PAGE_FREE:
		if (replay_hotplug_free(c, e))
			break;
		if (shadow)
			replay_shadow_free(c, e);
		else
			replay_whatif_free(c, e);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		if (shadow)
			replay_shadow_free_batched(c, e);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		if (shadow)
			replay_shadow_zone_locked(c, e);
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		if (shadow)
			replay_shadow_drain(c, e);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		if (shadow)
			replay_shadow_extfrag(c, e);
		break;
	default:
		break;
	}
}

/*
 * A compact record leaving the reorder window (checkpoints and the other
 * big records go to apply_record()). Page events before the start
 * state that it already holds are skipped.
 */
static void apply_event(struct replay_ctx *c, const struct reorder_event *e)
{
	bool page = e->type >= TRACEFMT_PAGE_ALLOC && e->type <= TRACEFMT_PAGE_ALLOC_EXTFRAG;

	if (page && e->ts < c->clock.start_ts && !replay_start_window_event_is_new(c, e)) {
		c->count.skipped_before_start++;
		return;
	}
	run_clock_advance(c, e, page);
	if (page)
		page_event_count(c, e);
	c->count.by_type[e->type]++;
	if (!page) {
		if (tracefmt_type_is_mm(e->type))
			replay_activity_note(c, e);
		if (c->mode == REPLAY_SHADOW && tracefmt_type_is_mm(e->type))
			replay_mm_apply(c, e);
		else if (tracefmt_type_is_mm(e->type))
			replay_mm_whatif_apply(c, e);
		return;
	}
	/* the two tests in front are the callees' own first ones, kept inline: one per event */
	if (!(c->mode == REPLAY_SHADOW && c->shadow.stale.n && replay_stale_found(c, e)))
		page_event_dispatch(c, e);
	if (c->cfg->page_reporting_order)
		replay_page_reporting_due(c, e->ts);
	if (c->opts->paranoid &&
	    (c->opts->paranoid_every <= 1 || !(c->count.events % c->opts->paranoid_every)))
		paranoid_check(c, e);
}

static void apply_record(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	if (ev->ts_ns > c->clock.last_ts)
		c->clock.last_ts = ev->ts_ns;
	switch (ev->type) {
	case TRACEFMT_CHECKPOINT:
		run_clock_start(c, ev->ts_ns);
		/* the what-if model follows other settings: its free counts are its own */
		replay_checkpoint_add(c, ev);
		break;
	case TRACEFMT_COMM:
		replay_comm_set(c, ev->pid, ev->u.comm.comm);
		break;
	case TRACEFMT_ZONE_STATE:
		if (c->mode == REPLAY_SHADOW)
			replay_zone_state_apply(c, ev);
		break;
	case TRACEFMT_WMARK:
		if (c->mode == REPLAY_SHADOW)
			replay_wmark_apply(c, ev);
		break;
	case TRACEFMT_VMSTAT:
		replay_activity_vmstat(c, ev);
		break;
	case TRACEFMT_LOST:
		c->count.lost_records++;
		c->count.lost_events += ev->u.lost.count;
		if (ev->ts_ns >= c->clock.start_ts) {
			c->count.uncertain = true;
			c->count.uncertain_until = replay_add_sat(ev->ts_ns, REPLAY_UNCERTAIN_NS);
			replay_notable(c, ev->ts_ns, "lost", "%llu events lost on cpu %u: uncertain until the "
				"next checkpoint or for 1 s", (unsigned long long)ev->u.lost.count, ev->cpu);
		}
		break;
	default:
		break;
	}
	c->count.by_type[ev->type]++;
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
	if (replay_reorder_pop(r, &e))
		return;
	if (e.ts > r->last_out_ts)
		r->last_out_ts = e.ts;
	if (is_big_record(e.type)) {
		apply_record(c, &r->side[e.side]);
		r->side_free[r->nr_side_free++] = e.side;
	} else {
		apply_event(c, &e);
	}
}

static void window_push(struct replay_ctx *c, const struct tracefmt_event *ev)
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
	replay_reorder_push(r, &e);
	while (replay_reorder_len(r) > r->window)
		replay_window_pop(c);
}

/* A record no host could produce is counted and never reaches the engine. */
static bool record_rejected(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int k = replay_record_check(&c->lim, ev);

	if (k < 0)
		return false;
	if (!c->count.rejected[k]++)
		replay_notable(c, ev->ts_ns, "rejected", "first record with an impossible %s skipped "
			"(%s on cpu %u)", replay_reject_names[k], tracefmt_type_name(ev->type),
			ev->cpu);
	return true;
}

/*
 * One record of the main pass. @frac: the fraction of the file read when the
 * record was, needed on every 4096th record only; NAN asks the context's own
 * reader. Returns false once the run stops (a stop request, a sink's error).
 */
bool replay_ctx_feed(struct replay_ctx *c, const struct tracefmt_event *ev, double frac)
{
	if (!c->complete || c->sink_ret)
		return false;
	if (replay_stop_requested(c)) {
		c->complete = false;
		return false;
	}
	c->count.records++;
	if (ev->type == TRACEFMT_SNAPSHOT_BLOCK || ev->type == TRACEFMT_SNAPSHOT_MARK ||
	    ev->type >= TRACEFMT_NR_TYPES || ev->type == 0)
		return true;
	if (record_rejected(c, ev))
		return true;
	window_push(c, ev);
	if (!(c->count.records & 0xfff))
		replay_progress_every_4096(c, frac);
	return !c->sink_ret;
}
