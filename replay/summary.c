// SPDX-License-Identifier: MIT
/*
 * The summary of a run: a pure builder of the summary JSON from the run
 * context, and a separate fill of the public struct replay_result.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "reorder.h"
#include "replay_internal.h"

static json_t *jrate(uint64_t ok, uint64_t n)
{
	return n ? json_real((double)ok / (double)n) : json_null();
}

static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *pred_json(const struct pred_count *p)
{
	return json_pack("{sI sI so}", "predicted", (json_int_t)p->n, "correct", (json_int_t)p->ok,
			 "rate", jrate(p->ok, p->n));
}

static const char *const fail_reason_names[MODEL_NR_ALLOC_FAIL] = {
	[MODEL_ALLOC_OK] = "ok",
	[MODEL_FAIL_ORDER] = "order_too_large",
	[MODEL_FAIL_GFP] = "invalid_gfp",
	[MODEL_FAIL_NO_ZONE] = "no_zone",
	[MODEL_FAIL_WATERMARK] = "watermark",
	[MODEL_FAIL_NO_BLOCK] = "no_free_block",
};

static json_t *model_counters_json(const struct replay_ctx *c, const struct model_counters *mc)
{
	bool shadow = c->mode == REPLAY_SHADOW;

	if (shadow)
		mc = &c->shadow.pmc;
	return json_pack("{sI sI sI so so sI sI sI sI sI sI sI}",
		"pcp_hits", (json_int_t)mc->pcp_hits, "pcp_refills", (json_int_t)mc->pcp_refills,
		"pcp_refill_pages", (json_int_t)mc->pcp_refill_pages,
		"pcp_drains", shadow ? json_null() : json_integer((json_int_t)mc->pcp_drains),
		"pcp_drain_pages", shadow ? json_null()
					  : json_integer((json_int_t)mc->pcp_drained_pages),
		"buddy_allocs", (json_int_t)mc->buddy_allocs, "fallbacks", (json_int_t)mc->fallbacks,
		"claims", (json_int_t)mc->claims, "steals", (json_int_t)mc->steals,
		"boosts", (json_int_t)mc->boosts, "kswapd_wakes", (json_int_t)mc->kswapd_wakes,
		"watermark_breaches", (json_int_t)c->whatif.breaches);
}

static json_t *trace_counters_json(const struct trace_counters *t)
{
	return json_pack("{sI sI sI sI sI sI sI sI}",
		"allocations", (json_int_t)t->allocations,
		"alloc_failures", (json_int_t)t->alloc_failures, "frees", (json_int_t)t->frees,
		"pcp_refills", (json_int_t)t->pcp_refills,
		"pcp_refill_pages", (json_int_t)t->pcp_refill_pages,
		"pcp_drains", (json_int_t)t->pcp_drains,
		"pcp_drain_pages", (json_int_t)t->pcp_drain_pages,
		"fallbacks", (json_int_t)t->fallbacks);
}

/* The model's zones at the end of the run: sizes and watermarks. */
static json_t *zones_json(const struct replay_ctx *c)
{
	json_t *a = json_array();

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++) {
		const struct model_zone_config *zc = &c->cfg->zones[z];
		struct model_zone_info zi;

		if (model_zone_info_get(c->m, z, &zi))
			continue;
		json_array_append_new(a, json_pack("{sI ss sI sI sI sI sI sI}",
			"node", (json_int_t)zc->node, "zone", zc->name,
			"managed", (json_int_t)zi.managed_pages, "min", (json_int_t)zi.wmark_min,
			"low", (json_int_t)zi.wmark_low, "high", (json_int_t)zi.wmark_high,
			"boost", (json_int_t)zi.watermark_boost,
			"nr_free_pages", (json_int_t)zi.nr_free_pages));
	}
	return a;
}

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(json_t *notes, const char *fmt, ...)
{
	char text[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(notes, json_string(text));
}

/* Limits under which a shadow figure is called poor, and said so in words. */
#define POOR_PFN_RATE 0.95
#define POOR_CHECKPOINT_DISTANCE 0.01

/*
 * Say in words when fidelity is poor and the likely cause, so nobody
 * changes a setting on the strength of a figure the replay cannot vouch for.
 */
static void fidelity_notes(const struct replay_ctx *c, json_t *notes)
{
	uint64_t contra = 0;
	double rate = c->shadow.pred.n ? (double)c->shadow.pred.ok / (double)c->shadow.pred.n : NAN;

	for (int i = 0; i < RC_NR; i++)
		contra += c->count.contra[i];
	if (c->shadow.pred.n && rate < POOR_PFN_RATE)
		note(notes, "poor fidelity: the model predicted %.1f %% of the kernel's pfns (below %.0f %%; "
		     "the last-freed-page baseline got %.1f %%); likely cause: %s", 100 * rate,
		     100 * POOR_PFN_RATE, c->shadow.pred_baseline.n ? 100.0 * (double)c->shadow.pred_baseline.ok /
		     (double)c->shadow.pred_baseline.n : 0.0,
		     c->count.lost_events ? "events were lost, so the model's lists drifted from the kernel's"
		     : c->start.kind != START_SNAPSHOT ? "the start state is not a free-list snapshot"
		     : contra * 100 > c->count.events ? "the model's state contradicted the trace often "
		       "(see contradictions): operations without kmem events (compaction, isolation, "
		       "free page reporting, hotplug) changed the free lists"
		     : "list order the trace does not show (free page reporting, events the kernel "
		       "does not trace)");
	if (c->ck.count && c->ck.max > POOR_CHECKPOINT_DISTANCE && c->ck.last <= POOR_CHECKPOINT_DISTANCE / 2)
		note(notes, "a checkpoint's free counts differ from the model's by %.2f %% (above %.0f %%) "
		     "but a later one matches again (last %.2f %%): the difference did not persist in the "
		     "model, so the likely cause is the reading itself - /proc/pagetypeinfo counts each "
		     "order and migratetype list under its own hold of the zone lock and may reschedule "
		     "in between while allocations go on, so a reading on a busy host is not one instant", 100 * c->ck.max,
		     100 * POOR_CHECKPOINT_DISTANCE, 100 * c->ck.last);
	else if (c->ck.count && c->ck.max > POOR_CHECKPOINT_DISTANCE)
		note(notes, "poor fidelity: a checkpoint's free counts differ from the model's by %.2f %% "
		     "(above %.0f %%); likely cause: %s", 100 * c->ck.max, 100 * POOR_CHECKPOINT_DISTANCE,
		     c->count.lost_events ? "lost events" : c->mem.pages_added ? "memory that appeared at runtime"
		     : "buddy changes with no kmem event (compaction, isolation, hotplug)");
	if (!c->ck.count && c->ck.before_start)
		note(notes, "no checkpoint was read after the start state: the checkpoint distance "
		     "measures nothing here (%llu read before it)", (unsigned long long)c->ck.before_start);
	if (c->count.lost_events)
		note(notes, "%llu events were lost: allocations inside the %llu uncertain stretches "
		     "were not scored", (unsigned long long)c->count.lost_events,
		     (unsigned long long)c->count.lost_records);
	if (c->mem.pages_added)
		note(notes, "%llu pages appeared at runtime (memory hotplug): the model added them; "
		     "figures around that moment are less certain", (unsigned long long)c->mem.pages_added);
}

static const char *const start_names[] = {
	[START_SNAPSHOT] = "snapshot", [START_CHECKPOINT] = "checkpoint", [START_BOOT] = "boot",
};

static uint64_t contradictions_total(const struct replay_ctx *c)
{
	uint64_t total = 0;

	for (int i = 0; i < RC_NR; i++)
		total += c->count.contra[i];
	return total;
}

/* Failures by order as the mode counts them: the kernel's (shadow) or the model's (what-if). */
static uint64_t failures_of_order(const struct replay_ctx *c, unsigned int order)
{
	return c->mode == REPLAY_SHADOW ? c->count.kfail[order] : c->whatif.fail[order];
}

void replay_result_fill(const struct replay_ctx *c, struct replay_result *res)
{
	snprintf(res->start_state, sizeof(res->start_state), "%s", start_names[c->start.kind]);
	/* a kpageflags snapshot knows neither list positions nor list types */
	res->pfn_prediction_meaningful = c->start.kind == START_SNAPSHOT &&
					 c->ps.snapshot_method != TRACEFMT_SNAP_METHOD_KPAGEFLAGS;
	res->contradictions = contradictions_total(c);
	res->contradictions_uncertain = c->count.contra_uncertain;
	for (unsigned int i = 0; i < c->count.nr_fail_orders; i++)
		res->failures_by_order[i] = failures_of_order(c, i);
	res->nr_orders = c->count.nr_fail_orders;
	/* the kernel's x1000 integers back to the 0..1 fraction debugfs prints */
	res->unusable_order9_mean =
		c->out.unusable9_n ? c->out.unusable9_sum / (double)c->out.unusable9_n / 1000.0 : NAN;
	if (c->mode == REPLAY_SHADOW) {
		res->predicted = c->shadow.pred.n;
		res->predicted_ok = c->shadow.pred.ok;
		res->pfn_prediction_rate = c->shadow.pred.n ? (double)c->shadow.pred.ok / (double)c->shadow.pred.n : NAN;
		res->checkpoints = c->ck.count;
		res->checkpoint_distance_max = c->ck.count ? c->ck.max : NAN;
		res->checkpoint_distance_mean = c->ck.count ? c->ck.sum / (double)c->ck.count : NAN;
	}
	res->model_check_failures = c->count.paranoid_fail;
}

/* What the run was: trace, settings, model, start state. */
static void summary_add_run(json_t *o, const struct replay_ctx *c,
			    const struct replay_result *res)
{
	char *settings = replay_settings_json(&c->hdr.settings);

	json_object_set_new(o, "format", json_string("buddyscope-replay-summary"));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "mode", json_string(c->mode == REPLAY_SHADOW ? "shadow" : "whatif"));
	json_object_set_new(o, "trace", json_string(c->path));
	json_object_set_new(o, "label", c->opts->label ? json_string(c->opts->label) : json_null());
	json_object_set_new(o, "kernel_release", c->hdr.kernel_release
				 ? json_string(c->hdr.kernel_release) : json_null());
	json_object_set_new(o, "profile", json_string(c->cfg->profile == MODEL_PROFILE_6_1
						      ? "6.1" : "6.18"));
	json_object_set_new(o, "profile_guessed", json_boolean(c->hdr.profile_guessed));
	json_object_set_new(o, "settings", settings ? json_loads(settings, 0, NULL) : json_object());
	json_object_set_new(o, "host_settings", replay_host_settings_json(&c->hdr));
	free(settings);
	json_object_set_new(o, "model", json_pack("{sI sI sI sI sI sI}",
		"nr_page_orders", (json_int_t)c->cfg->nr_page_orders, "pageblock_order",
		(json_int_t)c->cfg->pageblock_order, "nr_cpus", (json_int_t)c->cfg->nr_cpus,
		"nr_migratetypes", (json_int_t)c->cfg->nr_migratetypes, "zones",
		(json_int_t)c->cfg->nr_zones, "memory_bytes",
		(json_int_t)model_memory_bytes(c->m)));
	json_object_set_new(o, "start_state", json_string(start_names[c->start.kind]));
	json_object_set_new(o, "start", json_pack("{sI sI sI sI sb sI sI}",
		"blocks_seeded", (json_int_t)c->start.blocks_seeded, "blocks_rejected",
		(json_int_t)c->start.blocks_rejected, "pcp_seeded", (json_int_t)c->start.pcp_seeded,
		"blocks_unplaced", (json_int_t)c->start.layout_unplaced, "exact",
		c->start.exact, "snapshot_uncertain_blocks", (json_int_t)c->ps.snap_uncertain,
		"snapshot_type_conflicts", (json_int_t)c->start.type_conflicts));
	json_object_set_new(o, "pfn_prediction_meaningful",
			    json_boolean(res->pfn_prediction_meaningful));
}

/* The notes: what limits the run's figures, in words. */
static json_t *summary_notes(const struct replay_ctx *c, const struct replay_result *res)
{
	json_t *a = json_array();

	if (c->start.kind == START_SNAPSHOT && !res->pfn_prediction_meaningful)
		json_array_append_new(a, json_string(
			"the snapshot comes from /proc/kpageflags: free blocks are known, their lists' "
			"order and type are not, so pfn prediction is not meaningful"));
	if (c->start.kind != START_SNAPSHOT)
		json_array_append_new(a, json_string(
			"the trace has no free-list snapshot: the start state only matches the "
			"first checkpoint's counts, so pfn prediction is not meaningful"));
	if (c->ps.snapshot_begun && !c->ps.snapshot)
		json_array_append_new(a, json_string("the snapshot walk never ended: not used"));
	if (c->hdr.profile_guessed)
		json_array_append_new(a, json_string(
			"the kernel release is neither 6.1.y nor 6.18.y: nearest profile used"));
	if (res->trace_truncated)
		json_array_append_new(a, json_string(res->trace_problem));
	if (c->mode == REPLAY_SHADOW)
		fidelity_notes(c, a);
	return a;
}

/* How much was read and applied, and how the trace itself fared. */
static void summary_add_reading(json_t *o, const struct replay_ctx *c,
				const struct replay_result *res, bool complete)
{
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(c->rd);
	json_t *k = json_object();

	json_object_set_new(o, "events", json_integer((json_int_t)c->count.events));
	json_object_set_new(o, "records", json_integer((json_int_t)c->count.records));
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		json_object_set_new(k, tracefmt_type_name(t), json_integer((json_int_t)c->count.by_type[t]));
	json_object_set_new(o, "events_by_kind", k);
	json_object_set_new(o, "skipped_before_start",
			    json_integer((json_int_t)c->count.skipped_before_start));
	json_object_set_new(o, "wall_seconds", json_real(res->wall_seconds));
	json_object_set_new(o, "events_per_second", json_real(res->events_per_second));
	json_object_set_new(o, "trace_seconds", json_real(c->clock.have_t0 && c->clock.last_ts > c->clock.t0
						 ? (double)(c->clock.last_ts - c->clock.t0) * 1e-9 : 0.0));
	json_object_set_new(o, "complete", json_boolean(complete));
	json_object_set_new(o, "trace_complete", json_boolean(st->complete));
	json_object_set_new(o, "trace_truncated", json_boolean(res->trace_truncated));
	json_object_set_new(o, "blocks_corrupt", json_integer((json_int_t)st->blocks_corrupt));
	json_object_set_new(o, "trace_problem", json_string(res->trace_problem));
	json_object_set_new(o, "reorder", json_pack("{sI sI}", "window",
		(json_int_t)REPLAY_REORDER_WINDOW, "late_records", (json_int_t)c->ro.late));
	json_object_set_new(o, "lost_events", json_integer((json_int_t)c->count.lost_events));
	json_object_set_new(o, "lost_records", json_integer((json_int_t)c->count.lost_records));
	json_object_set_new(o, "uncertain_events", json_integer((json_int_t)c->count.uncertain_events));
}

static json_t *contradictions_json(const struct replay_ctx *c)
{
	json_t *k = json_object();

	for (int i = 0; i < RC_NR; i++)
		json_object_set_new(k, replay_contra_names[i], json_integer((json_int_t)c->count.contra[i]));
	json_object_set_new(k, "total", json_integer((json_int_t)contradictions_total(c)));
	json_object_set_new(k, "in_uncertain_stretches",
			    json_integer((json_int_t)c->count.contra_uncertain));
	return k;
}

/* Failures by order and by reason. */
static void summary_add_failures(json_t *o, const struct replay_ctx *c)
{
	json_t *a = json_array(), *k = json_object();

	for (unsigned int i = 0; i < c->count.nr_fail_orders; i++)
		json_array_append_new(a, json_integer((json_int_t)failures_of_order(c, i)));
	json_object_set_new(o, "failures_by_order", a);
	a = json_array();
	for (unsigned int i = 0; i < c->count.nr_fail_orders; i++)
		json_array_append_new(a, json_integer((json_int_t)c->count.kfail[i]));
	json_object_set_new(o, "kernel_failures_by_order", a);
	for (int i = 1; i < MODEL_NR_ALLOC_FAIL; i++)
		json_object_set_new(k, fail_reason_names[i],
				    json_integer((json_int_t)c->whatif.fail_reason[i]));
	json_object_set_new(o, "failures_by_reason", k);
}

static json_t *jcount(uint64_t n)
{
	return json_integer((json_int_t)n);
}

/* The model's decisions, and what the replay learned or inferred from the trace. */
static void summary_add_model(json_t *o, const struct replay_ctx *c,
			      const struct replay_result *res, const struct model_counters *mc)
{
	json_object_set_new(o, "fallbacks", jcount(mc->fallbacks));
	json_object_set_new(o, "steals", jcount(mc->steals));
	json_object_set_new(o, "claims", jcount(mc->claims));
	json_object_set_new(o, "pageblock_changes", jcount(mc->pageblock_changes));
	json_object_set_new(o, "watermark_breaches", jcount(c->whatif.breaches));
	json_object_set_new(o, "kswapd_wakes", jcount(mc->kswapd_wakes));
	json_object_set_new(o, "boosts", jcount(mc->boosts));
	json_object_set_new(o, "pcp_hint_mismatch", jcount(c->shadow.pcp_hint_mismatch));
	json_object_set_new(o, "pageblock_hints", jcount(c->shadow.pageblock_hints));
	json_object_set_new(o, "pageblock_types_learned", jcount(c->shadow.pageblock_learned));
	json_object_set_new(o, "highatomic_types_learned", jcount(c->shadow.highatomic_learned));
	json_object_set_new(o, "boosts_implied", jcount(c->shadow.boosts_implied));
	json_object_set_new(o, "pageblock_types_learned_from_pcp_hits",
			    jcount(c->shadow.pageblock_learned_pcp));
	json_object_set_new(o, "inferred_direct_buddy_frees", jcount(c->shadow.inferred_direct_frees));
	json_object_set_new(o, "memory", json_pack("{sI sI sI}", "pages_added",
		(json_int_t)c->mem.pages_added, "zone_states_applied", (json_int_t)c->mem.zone_states_applied,
		"watermark_recomputes_applied", (json_int_t)c->mem.wmark_recomputes));
	json_object_set_new(o, "page_reporting", json_pack("{sI sI sI}", "order",
		(json_int_t)c->cfg->page_reporting_order, "passes", (json_int_t)c->mem.reporting_passes,
		"pages_reported", (json_int_t)c->mem.pages_reported));
	json_object_set_new(o, "inferred_bulk_allocations", jcount(c->shadow.inferred_bulk_allocs));
	json_object_set_new(o, "stale_pcp_entries_found", json_pack("{sI sI sI sI sI}",
		"in_buddy", (json_int_t)c->shadow.stale_found[STALE_IN_BUDDY],
		"on_another_pcp_list", (json_int_t)c->shadow.stale_found[STALE_ON_PCP],
		"allocated_unseen", (json_int_t)c->shadow.stale_found[STALE_ALLOCATED],
		"not_seen_again", (json_int_t)c->shadow.stale.n,
		"untracked", (json_int_t)c->shadow.stale_found[STALE_UNTRACKED]));
	json_object_set_new(o, "model_counters", model_counters_json(c, mc));
	json_object_set_new(o, "trace_counters", trace_counters_json(&c->count.tc));
	json_object_set_new(o, "zones", zones_json(c));
	json_object_set_new(o, "samples", jcount(c->out.samples));
	json_object_set_new(o, "pageblock_maps", jcount(c->out.pbmaps));
	json_object_set_new(o, "unusable_index_order9_mean", jreal(res->unusable_order9_mean));
	json_object_set_new(o, "attribution_keys", jcount(c->attr.n));
}

/* Shadow: pfn prediction and checkpoint distances. */
static void summary_add_shadow(json_t *o, const struct replay_ctx *c,
			       const struct replay_result *res)
{
	json_t *a = json_array();

	json_object_set_new(o, "pfn_prediction_rate", jrate(c->shadow.pred.ok, c->shadow.pred.n));
	for (unsigned int i = 0; i < c->cfg->nr_page_orders && i < REPLAY_MAX_ORDERS; i++) {
		json_t *p = pred_json(&c->shadow.pred_order[i]);

		json_object_set_new(p, "order", json_integer(i));
		json_array_append_new(a, p);
	}
	/* model_alloc_pages() always offers a side-effect-free prediction (MODEL_REQ_DRY_RUN) */
	json_object_set_new(o, "pfn_prediction", json_pack("{sb sI sI so sI sI sI so so so so}",
		"available", true, "predicted", (json_int_t)c->shadow.pred.n, "correct",
		(json_int_t)c->shadow.pred.ok, "rate", jrate(c->shadow.pred.ok, c->shadow.pred.n),
		"excluded_uncertain", (json_int_t)c->shadow.pred_uncertain,
		"excluded_start_window", (json_int_t)c->shadow.pred_in_start_window,
		"excluded_pending_overflow", (json_int_t)c->shadow.pred_pending_overflow,
		"by_order", a, "pcp_served", pred_json(&c->shadow.pred_pcp), "buddy_served",
		pred_json(&c->shadow.pred_buddy), "baseline", pred_json(&c->shadow.pred_baseline)));
	json_object_set_new(o, "checkpoints", jcount(c->ck.count));
	json_object_set_new(o, "checkpoints_before_start", jcount(c->ck.before_start));
	json_object_set_new(o, "checkpoints_of_start_state", jcount(c->ck.of_start_state));
	json_object_set_new(o, "checkpoint_distance_max", jreal(res->checkpoint_distance_max));
	json_object_set_new(o, "checkpoint_distance_mean", jreal(res->checkpoint_distance_mean));
	json_object_set_new(o, "checkpoint_distance_first",
			    c->ck.count ? jreal(c->ck.first) : json_null());
	json_object_set_new(o, "checkpoint_distance_last",
			    c->ck.count ? jreal(c->ck.last) : json_null());
	json_object_set_new(o, "checkpoint_zones_unmatched", jcount(c->ck.unmatched_zones));
}

static json_t *whatif_json(const struct replay_ctx *c)
{
	return json_pack("{sI sI sI sI sI}",
		"untied_frees", (json_int_t)c->whatif.untied_frees, "frees_of_failed",
		(json_int_t)c->whatif.frees_of_failed, "unfreed_model_allocations",
		(json_int_t)c->whatif.unfreed, "live_tied_allocations",
		(json_int_t)c->whatif.map.n, "same_pfn_as_kernel", (json_int_t)c->whatif.same_pfn);
}

/* Shadow mode's reclaim and compaction (reclaim.c; SUMMARY.md "reclaim_compaction"). */
static json_t *shadow_reclaim_compaction_json(const struct replay_ctx *c)
{
	const struct replay_mm *mm = &c->mm;
	json_t *o = json_object(), *k = json_object();
	uint64_t total = 0;

	for (int i = 0; i < RC_NR; i++) {
		json_object_set_new(k, replay_contra_names[i], json_integer((json_int_t)mm->contra_expected[i]));
		total += mm->contra_expected[i];
	}
	json_object_set_new(k, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "records", json_integer((json_int_t)mm->records));
	json_object_set_new(o, "kswapd_runs", json_integer((json_int_t)mm->kswapd_runs));
	json_object_set_new(o, "boost_pages_cleared", json_integer((json_int_t)mm->boost_pages_cleared));
	json_object_set_new(o, "compaction_runs", json_integer((json_int_t)mm->compaction_runs));
	json_object_set_new(o, "compaction_runs_untracked", json_integer((json_int_t)mm->runs_untracked));
	json_object_set_new(o, "isolate_freepages_records", json_integer((json_int_t)mm->isolate_records));
	json_object_set_new(o, "isolate_freepages_mismatch", json_integer((json_int_t)mm->isolate_mismatch));
	json_object_set_new(o, "pages_isolated_kernel", json_integer((json_int_t)mm->pages_isolated_kernel));
	json_object_set_new(o, "pages_isolated_model", json_integer((json_int_t)mm->pages_isolated_model));
	json_object_set_new(o, "pages_isolated_unplaced", json_integer((json_int_t)mm->pages_unplaced));
	json_object_set_new(o, "pages_migrated", json_integer((json_int_t)mm->pages_migrated));
	json_object_set_new(o, "contradictions_expected", k);
	return o;
}

static json_t *by_order_json(const struct replay_ctx *c, const uint64_t *v)
{
	json_t *a = json_array();

	for (unsigned int o = 0; o < c->cfg->nr_page_orders && o < MODEL_MAX_ORDERS; o++)
		json_array_append_new(a, jcount(v[o]));
	return a;
}

/* Pages on the model's LRUs: what its reclaim could still take. */
static uint64_t lru_pages(const struct replay_ctx *c)
{
	uint64_t n = 0;

	for (unsigned int z = 0; z < model_zone_count(c->m); z++) {
		long p = model_reclaimable_pages(c->m, z);

		n += p > 0 ? (uint64_t)p : 0;
	}
	return n;
}

/* What-if reclaim and compaction outcomes (SUMMARY.md "reclaim_compaction"). */
static json_t *whatif_reclaim_compaction_json(const struct replay_ctx *c,
						    const struct model_counters *mc)
{
	int64_t at = c->opts->settings.compact_at_ns;
	json_t *o = json_object();

	json_object_set_new(o, "reclaim", json_boolean(c->cfg->reclaim));
	json_object_set_new(o, "compaction", json_boolean(c->cfg->compaction));
	json_object_set_new(o, "compaction_proactiveness",
			    jcount(c->cfg->compaction_proactiveness));
	json_object_set_new(o, "extfrag_threshold", jcount(c->cfg->extfrag_threshold));
	json_object_set_new(o, "kswapd_runs", jcount(mc->kswapd_runs));
	json_object_set_new(o, "kswapd_reclaimed_pages", jcount(mc->kswapd_reclaimed));
	json_object_set_new(o, "kswapd_shortfall_pages", jcount(mc->kswapd_shortfall));
	json_object_set_new(o, "reclaimable_pages_end", jcount(lru_pages(c)));
	json_object_set_new(o, "direct_reclaimed_pages", jcount(mc->direct_reclaimed));
	json_object_set_new(o, "trace_reclaim", json_pack("{sI sI sI sI sI sI sI}",
		"kswapd_windows", (json_int_t)c->mm.kswapd_windows,
		"kswapd_freed_pages", (json_int_t)c->mm.kswapd_freed,
		"direct_reclaim_freed_pages", (json_int_t)c->mm.direct_freed,
		"direct_reclaim_reported_pages", (json_int_t)c->mm.direct_reported,
		"kswapd_credited_pages", (json_int_t)c->mm.kswapd_credited,
		"kswapd_held_runs", (json_int_t)c->mm.kswapd_held_runs,
		"reclaimed_pages_total", (json_int_t)(c->mm.kswapd_freed + c->mm.direct_freed +
						       mc->kswapd_reclaimed + mc->direct_reclaimed)));
	json_object_set_new(o, "direct_reclaim_stalls_by_order", by_order_json(c, mc->direct_stalls));
	json_object_set_new(o, "allocations_would_fail", jcount(mc->alloc_would_fail));
	json_object_set_new(o, "boost_cycles", jcount(mc->boost_cycles));
	json_object_set_new(o, "compaction_runs", json_pack("{sI sI sI sI}",
		"direct", (json_int_t)mc->compact_runs[MODEL_COMPACT_DIRECT],
		"kcompactd", (json_int_t)mc->compact_runs[MODEL_COMPACT_KCOMPACTD],
		"proactive", (json_int_t)mc->compact_runs[MODEL_COMPACT_PROACTIVE],
		"explicit", (json_int_t)mc->compact_runs[MODEL_COMPACT_EXPLICIT]));
	json_object_set_new(o, "compaction_deferred", jcount(mc->compact_deferred));
	json_object_set_new(o, "compaction_migrate_scanned", jcount(mc->compact_migrate_scanned));
	json_object_set_new(o, "compaction_free_scanned", jcount(mc->compact_free_scanned));
	json_object_set_new(o, "compaction_isolated", jcount(mc->compact_isolated));
	json_object_set_new(o, "pages_migrated", jcount(mc->compact_migrated));
	json_object_set_new(o, "compaction_success_by_order", by_order_json(c, mc->compact_success));
	json_object_set_new(o, "compaction_fail_by_order", by_order_json(c, mc->compact_fail));
	json_object_set_new(o, "frees_of_reclaimed_pages", jcount(c->whatif.frees_of_reclaimed));
	json_object_set_new(o, "reclaimed_untied", jcount(c->whatif.reclaimed_untied));
	json_object_set_new(o, "migrations_remapped", jcount(c->whatif.migrations_remapped));
	json_object_set_new(o, "free_pageblock_blocks", json_pack("{sI sI sI sI}",
		"order", (json_int_t)c->cfg->pageblock_order, "start", (json_int_t)c->whatif.hi_blocks_start,
		"min", (json_int_t)c->whatif.hi_blocks_min, "end", (json_int_t)c->whatif.hi_blocks_end));
	json_object_set_new(o, "compact_at", at < 0 ? json_null() : json_pack("{sf sb so}",
		"seconds", (double)at / 1e9, "done", c->whatif.compact_at_done, "pages_migrated",
		c->whatif.compact_at_migrated < 0 ? json_null() : jcount((uint64_t)c->whatif.compact_at_migrated)));
	return o;
}

char *replay_summary_build(const struct replay_ctx *c, const struct replay_result *res,
			   bool complete)
{
	struct model_counters mc;
	json_t *o = json_object();
	char *text;

	model_counters_get(c->m, &mc);
	summary_add_run(o, c, res);
	json_object_set_new(o, "notes", summary_notes(c, res));
	summary_add_reading(o, c, res, complete);
	json_object_set_new(o, "contradictions", contradictions_json(c));
	summary_add_failures(o, c);
	summary_add_model(o, c, res, &mc);
	if (c->mode == REPLAY_SHADOW) {
		summary_add_shadow(o, c, res);
		json_object_set_new(o, "reclaim_compaction", shadow_reclaim_compaction_json(c));
	} else {
		json_object_set_new(o, "whatif", whatif_json(c));
		json_object_set_new(o, "reclaim_compaction", whatif_reclaim_compaction_json(c, &mc));
	}
	json_object_set_new(o, "trace_reclaim_compaction", replay_activity_json(c));
	json_object_set_new(o, "model_check", json_pack("{sb sI sI ss}",
		"enabled", c->opts->paranoid, "checks", (json_int_t)c->count.paranoid_checks,
		"failures", (json_int_t)c->count.paranoid_fail, "first_failure", c->count.paranoid_first));
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}
