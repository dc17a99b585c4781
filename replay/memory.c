// SPDX-License-Identifier: MIT
/*
 * The zones' memory as it changes under the allocator: zone_state and
 * watermark records (shadow), memory that appears at runtime (hotplug), free
 * page reporting's worker and 6.18's pcp high decay, which the model cannot
 * time itself (it has no clock).
 */
#include <errno.h>
#include <string.h>

#include "reorder.h"
#include "replay_internal.h"

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* The model's zone as it stands, as a model_zone_state to adjust. */
static int zone_state_now(struct replay_ctx *c, unsigned int zone, struct model_zone_state *st)
{
	struct model_zone_info zi;

	if (model_zone_info_get(c->m, zone, &zi))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->spanned_pages = zi.spanned_pages;
	st->present_pages = zi.present_pages;
	st->managed_pages = zi.managed_pages;
	st->wmark_min = zi.wmark_min;
	st->wmark_low = zi.wmark_low;
	st->wmark_high = zi.wmark_high;
	st->wmark_promo = zi.wmark_promo;
	st->watermark_boost = zi.watermark_boost;
	return 0;
}

/*
 * Shadow: a zone_state record (with every checkpoint reading) re-anchors the
 * zone's sizes, watermarks and boost to what the kernel reported; zoneinfo's
 * watermarks include the boost, the model's do not.
 */
void replay_zone_state_apply(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(c->m, ev->u.zone_state.node, ev->u.zone_state.zone);
	uint64_t boost = ev->u.zone_state.boost;
	struct model_zone_state st, now;

	if (zone < 0 || zone_state_now(c, (unsigned int)zone, &now) || !ev->u.zone_state.spanned)
		return;
	st = now;
	if (ev->u.zone_state.spanned > now.spanned_pages)
		st.spanned_pages = ev->u.zone_state.spanned;
	if (ev->u.zone_state.present <= st.spanned_pages)
		st.present_pages = ev->u.zone_state.present;
	if (ev->u.zone_state.managed <= st.present_pages)
		st.managed_pages = ev->u.zone_state.managed;
	st.wmark_min = sat_sub(ev->u.zone_state.min, boost);
	st.wmark_low = sat_sub(ev->u.zone_state.low, boost);
	st.wmark_high = sat_sub(ev->u.zone_state.high, boost);
	if (ev->u.zone_state.flags & TRACEFMT_ZS_HAS_PROMO)
		st.wmark_promo = sat_sub(ev->u.zone_state.promo, boost);
	st.watermark_boost = boost;
	if (!memcmp(&st, &now, sizeof(st)))
		return;
	if (st.managed_pages > now.managed_pages && !c->mem.hotplug_seen)
		c->mem.pages_added += st.managed_pages - now.managed_pages;
	c->mem.zone_states_applied++;
	model_zone_state_set(c->m, (unsigned int)zone, &st);
}

/* Shadow: the kernel just recomputed a zone's watermarks (boost is reset to 0 then). */
void replay_wmark_apply(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	int zone = replay_zone_by_name(c->m, ev->u.wmark.node, ev->u.wmark.zone);
	struct model_zone_state st;

	if (zone < 0 || zone_state_now(c, (unsigned int)zone, &st))
		return;
	st.wmark_min = ev->u.wmark.min;
	st.wmark_low = ev->u.wmark.low;
	st.wmark_high = ev->u.wmark.high;
	st.wmark_promo = ev->u.wmark.promo;
	st.watermark_boost = 0;
	c->mem.wmark_recomputes++;
	model_zone_state_set(c->m, (unsigned int)zone, &st);
}

/*
 * Memory that appears at runtime (capture/HOTPLUG.md): on this kind of host
 * (deferred struct-page init) a zone's managed pages are the prefix
 * [start_pfn, start_pfn + managed) and grow by frees of never-allocated
 * blocks of pageblock order or more, ascending from its end, which enter the
 * buddy at the list tail (FPI_TO_TAIL, spec 6.6 item 5). Shadow: freed as
 * such, managed grows (the watermarks follow the recorded recompute).
 * What-if: the model adds the pages and recomputes as the kernel does.
 */
bool replay_hotplug_free(struct replay_ctx *c, const struct reorder_event *e)
{
	const struct model_config *cfg = c->cfg;
	uint64_t n;
	int zone;

	if (e->order < cfg->pageblock_order || e->order >= 63)
		return false;
	zone = model_zone_of_pfn(c->m, e->pfn);
	if (zone < 0 || zone >= MODEL_MAX_ZONES || !c->mem.managed_end[zone] ||
	    e->pfn != c->mem.managed_end[zone])
		return false;
	n = 1ull << e->order;
	c->mem.managed_end[zone] += n;
	c->mem.pages_added += n;
	c->mem.hotplug_seen = true;
	if (c->mode == REPLAY_WHATIF) {
		struct model_zone_state before, after;

		zone_state_now(c, (unsigned int)zone, &before);
		model_zone_add_pages(c->m, (unsigned int)zone, e->pfn, n);
		/* the pages were present already: only managed grows */
		if (!zone_state_now(c, (unsigned int)zone, &after)) {
			after.present_pages = before.present_pages;
			after.spanned_pages = before.spanned_pages;
			model_zone_state_set(c->m, (unsigned int)zone, &after);
		}
	} else {
		struct model_zone_state st;

		model_free_range(c->m, e->pfn, n);
		if (!zone_state_now(c, (unsigned int)zone, &st)) {
			st.managed_pages += n;
			if (st.managed_pages <= st.present_pages)
				model_zone_state_set(c->m, (unsigned int)zone, &st);
		}
	}
	return true;
}

/* Zones whose managed pages are a prefix that can grow (present == spanned). */
void replay_hotplug_init(struct replay_ctx *c)
{
	for (unsigned int z = 0; z < c->cfg->nr_zones && z < MODEL_MAX_ZONES; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];

		if (zc->present_pages == zc->spanned_pages && zc->managed_pages < zc->present_pages)
			c->mem.managed_end[z] = zc->start_pfn + zc->managed_pages;
	}
}

/*
 * Free page reporting (model/KERNEL-FACTS.md): a free whose merged block
 * reaches the reporting order requests a pass, which the kernel's worker
 * runs 2 s later and again 2 s after a pass that left work; the pass puts
 * reported blocks back at their lists' tails. The model has no clock, so
 * the replay keeps the worker's.
 */
#define PAGE_REPORTING_DELAY_NS 2000000000ull

void replay_page_reporting_due(struct replay_ctx *c, uint64_t ts)
{
	struct model_report_result r;

	if (!c->cfg->page_reporting_order)
		return;
	if (!c->mem.report_at) {
		if (model_page_reporting_state_get(c->m) == MODEL_PR_REQUESTED)
			c->mem.report_at = ts + PAGE_REPORTING_DELAY_NS;
		return;
	}
	if (ts < c->mem.report_at)
		return;
	c->mem.report_at = 0;
	if (model_page_reporting_run(c->m, -1, &r))
		return;
	c->mem.reporting_passes++;
	c->mem.pages_reported += r.pages_reported;
	if (r.requested || model_page_reporting_state_get(c->m) == MODEL_PR_REQUESTED)
		c->mem.report_at = ts + PAGE_REPORTING_DELAY_NS;
}

/*
 * 6.18 decays each cpu's pcp high from that cpu's vmstat worker, about once
 * a second and deferrable, so an idle cpu skips it (spec 4.3): a cpu's
 * decay runs at its first event a second or more after its last one, the
 * first a second after the start state.
 */
#define PCP_DECAY_NS 1000000000ull

void replay_pcp_decay_due(struct replay_ctx *c, const struct reorder_event *e)
{
	struct cpu_state *s = replay_cpu_state(c, e->cpu);

	if (!s)
		return;
	if (!s->next_decay)
		s->next_decay = replay_add_sat(e->ts > c->clock.start_ts ? e->ts : c->clock.start_ts, PCP_DECAY_NS);
	if (e->ts < s->next_decay)
		return;
	model_pcp_decay(c->m, (int)replay_model_cpu(c, e->cpu));
	s->next_decay = replay_add_sat(e->ts, PCP_DECAY_NS);
}
