// SPDX-License-Identifier: MIT
/*
 * Shadow mode: each allocation is predicted (a model dry run) and then the
 * kernel's real pfn is forced; mm_page_alloc_zone_locked (and 6.18 steals'
 * mm_page_alloc_extfrag) take blocks out of the buddy, onto the cpu's pcp
 * when the request was a pcp refill; mm_page_free frees once
 * (mm_page_free_batched is only a hint that the page went to a pcp);
 * mm_page_pcpu_drain moves the named page to the buddy. Contradictions are
 * counted and resolved in the kernel's favour; stale pcp entries are set
 * aside until the trace says where they are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"
#include "replay_internal.h"

/*
 * The kernel took @pfn from the buddy (zone_locked, 6.18 steal) while the
 * model holds it on a pcp list or has set it aside: its free went straight
 * to the buddy (pcp trylock failure, spec 3.1 and 12), which no event
 * shows. Put it there before the pull is applied - after the allocation's
 * prediction, which must not learn from the pull.
 */
static void pull_prepare(struct replay_ctx *c, uint64_t pfn, unsigned int order, uint32_t cpu)
{
	struct model_pfn_state st;
	struct model_free_result fr;
	struct pfn_map_entry *me;

	if (c->shadow.stale.n && (me = replay_pfn_map_get(&c->shadow.stale, pfn))) {
		unsigned int o = me->order;

		replay_pfn_map_del(&c->shadow.stale, me);
		c->shadow.stale_found[STALE_IN_BUDDY]++;
		model_free_pages(c->m, pfn, o, replay_model_cpu(c, cpu), MODEL_FREE_BUDDY, &fr);
		return;
	}
	if (model_pfn_state_get(c->m, pfn, &st) || st.kind != MODEL_PFN_ON_PCP ||
	    st.head_pfn != pfn || st.order != order)
		return;
	model_pcp_unlink_to_buddy(c->m, pfn, order, &fr);
	c->shadow.inferred_direct_frees++;
}

bool replay_pending_holds(const struct replay_ctx *c, uint32_t cpu, uint64_t pfn)
{
	const struct cpu_state *s = cpu < c->nr_cpu_states ? &c->cpus[cpu] : NULL;

	for (unsigned int i = 0; s && i < s->n; i++)
		if (s->p[i].pfn == pfn && !s->p[i].applied)
			return true;
	return false;
}

#define STALE_MAX (1u << 20)	/* entries tracked; past it one is simply dropped */

/* Take a stale entry off its pcp list: not free in the model, location unknown. */
static void stale_set_aside(struct replay_ctx *c, uint64_t pfn, unsigned int order, int cpu)
{
	struct model_force_result fr;
	struct pfn_map_entry *me;

	model_force_alloc(c->m, pfn, order, cpu, -1, &fr);
	if (c->shadow.stale.n >= STALE_MAX || !(me = replay_pfn_map_put(&c->shadow.stale, pfn))) {
		c->shadow.stale_found[STALE_UNTRACKED]++;
		return;
	}
	me->val = 0;
	me->order = order;
	me->left = 0;
}

/*
 * The trace names a page that was set aside: its event says where it was.
 * Returns true when the event is fully handled here.
 */
bool replay_stale_found(struct replay_ctx *c, const struct reorder_event *e)
{
	struct pfn_map_entry *me;
	struct model_free_result fr;
	unsigned int order;

	if (!c->shadow.stale.n || !(me = replay_pfn_map_get(&c->shadow.stale, e->pfn)))
		return false;
	/* a pull of it (zone_locked, extfrag, or the allocation a pull is pending for) is
	 * placed when the pull is applied, after the prediction: pull_prepare() */
	if (e->type == TRACEFMT_PAGE_ALLOC_ZONE_LOCKED || e->type == TRACEFMT_PAGE_ALLOC_EXTFRAG ||
	    (e->type == TRACEFMT_PAGE_ALLOC && replay_pending_holds(c, e->cpu, e->pfn)))
		return false;
	order = me->order;
	replay_pfn_map_del(&c->shadow.stale, me);
	switch (e->type) {
	case TRACEFMT_PAGE_PCPU_DRAIN:
		/* it was on a pcp list the model did not have it on */
		c->shadow.stale_found[STALE_ON_PCP]++;
		model_free_pages(c->m, e->pfn, order, replay_model_cpu(c, e->cpu), MODEL_FREE_BUDDY, &fr);
		return true;
	case TRACEFMT_PAGE_ALLOC:
		/* a pcp hit from another list (shadow_alloc learns its type); it stays allocated */
		c->shadow.stale_found[STALE_ON_PCP]++;
		c->shadow.alloc_of_set_aside = true;
		return false;
	case TRACEFMT_PAGE_FREE:
		/* it had been handed out unseen (bulk allocator): this free is ordinary */
		c->shadow.stale_found[STALE_ALLOCATED]++;
		return false;
	default:
		return false;
	}
}

/* Take a block the kernel pulled from the buddy; a pcp-able one lands on the cpu's pcp. */
static void pending_apply(struct replay_ctx *c, uint32_t cpu, struct pending *p, int list_mt,
			  uint64_t ts, bool to_pcp)
{
	struct model_force_result fr;

	if (p->applied)
		return;
	p->applied = true;
	pull_prepare(c, p->pfn, p->order, cpu);
	if (to_pcp && replay_pcpable(c, p->order)) {
		/* rmqueue_bulk: the list is the request's migratetype */
		int mt = list_mt >= 0 && list_mt < MODEL_MIGRATE_PCPTYPES ? list_mt
			 : p->mt >= 0 && p->mt < MODEL_MIGRATE_PCPTYPES ? p->mt
									: MODEL_MT_MOVABLE;

		model_force_pcp_refill(c->m, replay_model_cpu(c, cpu), p->pfn, p->order, mt, &fr);
	} else {
		model_force_alloc(c->m, p->pfn, p->order, (int)replay_model_cpu(c, cpu), p->mt, &fr);
	}
	if (fr.contradiction != MODEL_CONTRA_NONE)
		replay_count_model_contra(c, fr.contradiction, ts, p->pfn);
}

/* Blocks pulled without an allocation that took them (a bulk refill): onto the pcp. */
void replay_pending_flush(struct replay_ctx *c, uint32_t cpu, uint64_t ts)
{
	struct cpu_state *s = cpu < c->nr_cpu_states ? &c->cpus[cpu] : NULL;

	if (!s || !s->n)
		return;
	for (unsigned int i = 0; i < s->n; i++)
		pending_apply(c, cpu, &s->p[i], -1, ts, true);
	s->n = 0;
}

/* A drain names a block still pending on some cpu: it reached that pcp first. */
static void pending_apply_pfn(struct replay_ctx *c, uint64_t pfn, uint64_t ts)
{
	for (unsigned int cpu = 0; cpu < c->nr_cpu_states; cpu++) {
		struct cpu_state *s = &c->cpus[cpu];

		for (unsigned int i = 0; i < s->n; i++)
			if (s->p[i].pfn == pfn && !s->p[i].applied)
				pending_apply(c, cpu, &s->p[i], -1, ts, true);
	}
}

static int pending_grow(struct cpu_state *s)
{
	unsigned int n = s->cap ? 2 * s->cap : 64;
	struct pending *p;

	if (n > PENDING_CAP)
		n = PENDING_CAP;
	p = realloc(s->p, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->p = p;
	s->cap = n;
	return 0;
}

static void pending_add(struct replay_ctx *c, const struct reorder_event *e, unsigned int order, bool via_extfrag,
			bool refill)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);
	struct pending *p;

	if (!s)
		return;
	if (s->n == s->cap && (s->cap == PENDING_CAP || pending_grow(s))) {
		/* no room: the oldest reaches the pcp now, so the next prediction could see it */
		pending_apply(c, e->cpu, &s->p[0], -1, e->ts, true);
		memmove(s->p, s->p + 1, (s->n - 1) * sizeof(*s->p));
		s->n--;
		s->pending_leaked = true;
	}
	p = &s->p[s->n++];
	p->pfn = e->pfn;
	p->order = (uint8_t)order;
	p->mt = e->mt;
	p->applied = false;
	p->via_extfrag = via_extfrag;
	p->refill = refill;
}

/*
 * 6.18 reports the pageblock's current type in mm_page_pcpu_drain and
 * mm_page_alloc_zone_locked (spec 8.3): correct the model's type, which the
 * snapshot only knows for pageblocks holding a free block.
 */
static bool learnable_type(int mt)
{
	return (mt >= 0 && mt < MODEL_MIGRATE_PCPTYPES) || mt == MODEL_MT_HIGHATOMIC;
}

/*
 * A HIGHATOMIC type learned this way is a reserve the kernel made with no
 * event (spec 2.9); model_pageblock_claim() keeps nr_reserved_highatomic
 * one pageblock per HIGHATOMIC block, and undoes it when the block is seen
 * as another type again (an unreserve).
 */
static void pageblock_learn(struct replay_ctx *c, uint64_t pfn, int mt)
{
	struct model_pfn_state st;

	if (!c->prof_618 || !learnable_type(mt))
		return;
	if (model_pfn_state_get(c->m, pfn, &st) || st.pageblock_mt < 0 || st.pageblock_mt == mt ||
	    !learnable_type(st.pageblock_mt))
		return;
	c->shadow.pageblock_learned++;
	if (mt == MODEL_MT_HIGHATOMIC || st.pageblock_mt == MODEL_MT_HIGHATOMIC)
		c->shadow.highatomic_learned++;
	model_pageblock_claim(c->m, pfn, mt);
}

/*
 * The watermark boost a fallback below pageblock order implies (spec 5.4):
 * 6.1 boosts at every such steal; 6.18 at every claim attempt, which
 * extfrag shows as the final claim, or as a steal after a failed attempt
 * (none for a MOVABLE request below half a pageblock, which never tries).
 */
static void fallback_boost(struct replay_ctx *c, const struct reorder_event *e)
{
	unsigned int pbo = c->cfg->pageblock_order;
	int zone;

	if (e->order2 >= pbo)
		return;
	if (c->prof_618 && !e->flag && e->mt == MODEL_MT_MOVABLE && e->order2 < pbo / 2)
		return;
	zone = model_zone_of_pfn(c->m, e->pfn);
	if (zone >= 0 && model_zone_boost_watermark(c->m, (unsigned int)zone) == 1)
		c->shadow.boosts_implied++;
}

/*
 * The obvious guess: the page most recently freed on this cpu at this order
 * (what a LIFO per-cpu cache would hand out). Shown beside the model's rate
 * so the value the model adds is visible.
 */
static void baseline_note_free(struct cpu_state *s, uint64_t pfn, unsigned int order)
{
	if (s && order < REPLAY_MAX_ORDERS)
		s->last_freed_plus1[order] = pfn + 1;
}

static bool baseline_hit(const struct cpu_state *s, uint64_t pfn, unsigned int order)
{
	return s && order < REPLAY_MAX_ORDERS && s->last_freed_plus1[order] == pfn + 1;
}

static void pred_count(struct pred_count *k, bool ok)
{
	k->n++;
	k->ok += ok;
}

/*
 * Shadow mode's model_counters: what the model decided at each allocation
 * it predicted (the state it then follows is the kernel's). Drains are
 * never the model's decision in shadow mode, so they are not counted.
 */
static void predicted_counts(struct model_counters *k, const struct model_alloc_result *r)
{
	k->pcp_hits += !!(r->flags & MODEL_ALLOC_R_PCP_HIT);
	if (r->flags & MODEL_ALLOC_R_PCP_REFILL) {
		k->pcp_refills++;
		k->pcp_refill_pages += r->refill_pages;
	}
	k->buddy_allocs += !!(r->flags & MODEL_ALLOC_R_BUDDY);
	k->fallbacks += r->nr_fallbacks;
	k->claims += !!(r->flags & MODEL_ALLOC_R_CLAIM);
	k->steals += !!(r->flags & MODEL_ALLOC_R_STEAL);
	k->boosts += r->boosts;
	k->kswapd_wakes += !!(r->flags & MODEL_ALLOC_R_KSWAPD_WAKE);
}

/*
 * Ask the model where the allocation @e would land, from the state before
 * anything the kernel pulled for it (its pending blocks) is applied: the
 * answer must never be visible to the prediction. Returns the predicted
 * pfn, MODEL_PFN_NONE when the allocation is not scored.
 */
static uint64_t shadow_predict(struct replay_ctx *c, const struct reorder_event *e, struct cpu_state *s,
			       bool buddy_served, unsigned int *res_flags)
{
	struct model_alloc_req req = {
		.order = e->order,
		.gfp_flags = e->gfp,
		.cpu = replay_model_cpu(c, e->cpu),
		.preferred_node = -1,
		.req_flags = MODEL_REQ_DRY_RUN | MODEL_REQ_SLOWPATH | MODEL_REQ_MUST_SUCCEED,
	};
	struct model_alloc_result res;
	bool ok;

	*res_flags = 0;
	if (c->count.uncertain) {
		c->shadow.pred_uncertain++;
		return MODEL_PFN_NONE;
	}
	if (e->ts < c->clock.start_ts) {
		c->shadow.pred_in_start_window++;
		return MODEL_PFN_NONE;
	}
	if (s && s->pending_leaked) {
		s->pending_leaked = false;
		c->shadow.pred_pending_overflow++;
		return MODEL_PFN_NONE;
	}
	if (model_alloc_pages(c->m, &req, &res))
		return MODEL_PFN_NONE;
	ok = res.pfn == e->pfn;
	*res_flags = res.flags;
	predicted_counts(&c->shadow.pmc, &res);
	pred_count(&c->shadow.pred, ok);
	pred_count(buddy_served ? &c->shadow.pred_buddy : &c->shadow.pred_pcp, ok);
	pred_count(&c->shadow.pred_baseline, baseline_hit(s, e->pfn, e->order));
	if (e->order < REPLAY_MAX_ORDERS)
		pred_count(&c->shadow.pred_order[e->order], ok);
	return res.pfn;
}

static bool freed_since_last_alloc(const struct cpu_state *s, uint64_t pfn)
{
	for (unsigned int i = 0; i < s->nr_recent && i < RECENT_FREES; i++)
		if (s->recent_free[i] == pfn)
			return true;
	return false;
}

/*
 * A pcp hit took the kernel's page from deeper in a list than the model's
 * head (spec 2.5: a hit takes the head). An entry in front of it that this
 * cpu freed after its previous mm_page_alloc may be an interrupt's free
 * traced before this allocation (mm_page_alloc fires after the page is
 * prepared, spec 12): it stays. Any other entry in front was not on the
 * kernel's list there: it was on another list (a pageblock type the model
 * got wrong), in the buddy (a free whose pcp trylock failed, spec 3.1) or
 * handed out by the bulk allocator (no mm_page_alloc, spec 6.5). The trace
 * cannot tell which until the page shows up again, so it is set aside
 * (stale_set_aside) and placed where its next event says (stale_found).
 */
static void pcp_resync(struct replay_ctx *c, const struct reorder_event *e, const struct cpu_state *s)
{
	struct model_pfn_state sk;
	uint64_t front[64];
	long n;

	if (model_pfn_state_get(c->m, e->pfn, &sk) || sk.kind != MODEL_PFN_ON_PCP ||
	    sk.head_pfn != e->pfn || sk.zone < 0 || sk.list_mt != e->mt ||
	    (unsigned int)sk.pcp_cpu != replay_model_cpu(c, e->cpu))
		return;
	n = model_pcp_list_get(c->m, (unsigned int)sk.zone, (unsigned int)sk.pcp_cpu,
			       (unsigned int)sk.pcp_pindex, front, 64);
	for (long i = 0; i < n && i < 64 && front[i] != e->pfn; i++) {
		if (s && freed_since_last_alloc(s, front[i]))
			continue;
		stale_set_aside(c, front[i], sk.order, sk.pcp_cpu);
		c->count.contra[RC_STALE_PCP]++;
	}
}

/*
 * 6.18: a pcp hit names the list its page was on, the request's
 * migratetype, which was the pageblock's type when the page was freed
 * (spec 3.3). Teach the model a type it got wrong.
 */
static void pcp_hit_learn(struct replay_ctx *c, const struct reorder_event *e)
{
	struct model_pfn_state st;

	if (!c->prof_618 || e->mt < 0 || e->mt >= MODEL_MIGRATE_PCPTYPES)
		return;
	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind == MODEL_PFN_OUTSIDE ||
	    st.pageblock_mt < 0 || st.pageblock_mt >= MODEL_MIGRATE_PCPTYPES ||
	    st.pageblock_mt == e->mt)
		return;
	model_pageblock_claim(c->m, e->pfn, e->mt);
	c->shadow.pageblock_learned_pcp++;
}

/* The allocation took its pending blocks: the one handed out, the rest to the pcp. */
static bool pending_consume(struct replay_ctx *c, const struct reorder_event *e, struct cpu_state *s)
{
	struct model_force_result fr;
	bool matched = false;

	for (unsigned int i = 0; i < s->n; i++) {
		struct pending *p = &s->p[i];

		if (!matched && p->pfn == e->pfn && p->order == e->order) {
			/* the block handed out: straight from the buddy to the caller */
			matched = true;
			if (!p->applied) {
				p->applied = true;
				pull_prepare(c, p->pfn, p->order, e->cpu);
				model_force_alloc(c->m, p->pfn, p->order, (int)replay_model_cpu(c, e->cpu), e->mt,
						  &fr);
				replay_count_model_contra(c, fr.contradiction, e->ts, p->pfn);
			} else if (replay_pcpable(c, p->order)) {
				matched = false; /* it went to the pcp: take it from there */
			}
			continue;
		}
		pending_apply(c, e->cpu, p, e->mt, e->ts, true);
	}
	s->n = 0;
	return matched;
}

void replay_shadow_alloc(struct replay_ctx *c, const struct reorder_event *e)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);
	bool buddy_served = s && s->n > 0, matched = false;
	struct model_force_result fr;
	unsigned int flags = 0;
	uint64_t predicted;

	if (e->pfn == TRACEFMT_PFN_NONE) {
		if (e->order < REPLAY_MAX_ORDERS && c->count.kfail[e->order]++ == 0)
			replay_notable(c, e->ts, "failure", "first failed allocation of order %u (gfp %#llx)",
				e->order, (unsigned long long)e->gfp);
		replay_attribute(c, e->pid, e->gfp, 0, 1, s ? s->extfrag : 0);
		if (s)
			s->extfrag = 0;
		replay_pending_flush(c, e->cpu, e->ts);
		return;
	}
	/* the fallbacks just before it on this cpu were this request's */
	replay_attribute(c, e->pid, e->gfp, 1, 0, s ? s->extfrag : 0);
	if (s)
		s->extfrag = 0;
	predicted = shadow_predict(c, e, s, buddy_served, &flags);
	if (s)
		matched = pending_consume(c, e, s);
	if (!matched) {
		if (predicted != e->pfn && (flags & MODEL_ALLOC_R_PCP_HIT))
			pcp_resync(c, e, s);
		pcp_hit_learn(c, e);
		if (!c->shadow.alloc_of_set_aside) {
			model_force_alloc(c->m, e->pfn, e->order, (int)replay_model_cpu(c, e->cpu), e->mt, &fr);
			replay_count_model_contra(c, fr.contradiction, e->ts, e->pfn);
		}
	}
	c->shadow.alloc_of_set_aside = false;
	if (s)
		s->nr_recent = 0;
}

static void note_recent_free(struct cpu_state *s, uint64_t pfn)
{
	s->recent_free[s->nr_recent % RECENT_FREES] = pfn;
	s->nr_recent++;
}

/*
 * A free of a page the model holds on a pcp list: the bulk allocator
 * (alloc_pages_bulk) hands pages out from the pcp with no mm_page_alloc
 * (spec 6.5), so this page was allocated unseen. Take it off the list first;
 * not a contradiction.
 */
static void bulk_alloc_infer(struct replay_ctx *c, const struct reorder_event *e)
{
	struct model_pfn_state st;
	struct model_force_result fr;

	if (model_pfn_state_get(c->m, e->pfn, &st) || st.kind != MODEL_PFN_ON_PCP ||
	    st.head_pfn != e->pfn || st.order != e->order)
		return;
	model_force_alloc(c->m, e->pfn, e->order, st.pcp_cpu, -1, &fr);
	c->shadow.inferred_bulk_allocs++;
}

void replay_shadow_free(struct replay_ctx *c, const struct reorder_event *e)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);
	struct model_free_result fr;

	bulk_alloc_infer(c, e);
	model_free_pages(c->m, e->pfn, e->order, replay_model_cpu(c, e->cpu), MODEL_FREE_NO_DRAIN, &fr);
	replay_count_model_contra(c, fr.contradiction, e->ts, e->pfn);
	if (s) {
		baseline_note_free(s, e->pfn, e->order);
		note_recent_free(s, e->pfn);
	}
}

void replay_shadow_drain(struct replay_ctx *c, const struct reorder_event *e)
{
	struct model_free_result fr;

	pending_apply_pfn(c, e->pfn, e->ts);
	pageblock_learn(c, e->pfn, e->mt);
	model_pcpu_drain_page(c->m, e->pfn, e->order, &fr);
	if (fr.contradiction == MODEL_CONTRA_NOT_ON_PCP) {
		struct model_pfn_state st;

		replay_count_contra(c, RC_DRAIN_NOT_ON_PCP, e->ts, e->pfn);
		/* the kernel says the page is in the buddy now */
		if (!model_pfn_state_get(c->m, e->pfn, &st) && st.kind == MODEL_PFN_ALLOCATED)
			model_free_pages(c->m, e->pfn, e->order, replay_model_cpu(c, e->cpu),
					 MODEL_FREE_BUDDY, &fr);
	} else {
		replay_count_model_contra(c, fr.contradiction, e->ts, e->pfn);
	}
}

void replay_shadow_extfrag(struct replay_ctx *c, const struct reorder_event *e)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);

	if (s)
		s->extfrag++;
	else
		replay_attribute(c, e->pid, 0, 0, 0, 1);
	fallback_boost(c, e);
	/* change_ownership: the block was claimed for the request's type (spec 6.2) */
	if (e->flag && e->mt >= 0 && e->mt < (int)c->cfg->nr_migratetypes) {
		c->shadow.pageblock_hints++;
		model_pageblock_claim(c->m, e->pfn, e->mt);
	}
	if (!c->prof_618 || !s)
		return; /* 6.1: the zone_locked that follows takes the page */
	for (unsigned int i = 0; i < s->n; i++)
		if (s->p[i].pfn == e->pfn)
			return; /* a claim's zone_locked already named it */
	pending_add(c, e, e->order, true, replay_pcpable(c, e->order));
}

void replay_shadow_free_batched(struct replay_ctx *c, const struct reorder_event *e)
{
	struct model_pfn_state st;

	if (!model_pfn_state_get(c->m, e->pfn, &st) && st.kind != MODEL_PFN_ON_PCP)
		c->shadow.pcp_hint_mismatch++;
}

/* The kernel pulled a block from the buddy under the zone lock: it waits for the cpu's next allocation. */
void replay_shadow_zone_locked(struct replay_ctx *c, const struct reorder_event *e)
{
	pageblock_learn(c, e->pfn, e->mt);
	pending_add(c, e, e->order, false, e->flag && replay_pcpable(c, e->order));
}

void replay_shadow_release(struct replay_ctx *c)
{
	for (unsigned int i = 0; i < c->nr_cpu_states; i++)
		free(c->cpus[i].p);
	free(c->cpus);
	replay_pfn_map_release(&c->shadow.stale);
}
