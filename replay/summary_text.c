// SPDX-License-Identifier: MIT
/*
 * The text form of a replay summary (what `buddyscope replay` prints without
 * --json): the figures a reader decides from, each beside the one it must
 * be read against - the overall pfn rate beside its buddy-served part and
 * the obvious baseline, the model's counters beside the kernel's, a what-if
 * setting beside the traced host's value - and the notes in words.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay_internal.h"

static const char *jtext(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "?";
}

static double jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

static long long jll(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* "0.9875 (79 of 80)" or "n/a (none)" for a {predicted, correct, rate} object. */
static void put_rate(FILE *f, json_t *p)
{
	long long n = jll(p, "predicted"), ok = jll(p, "correct");

	if (n > 0)
		fprintf(f, "%.4f (%lld of %lld)", (double)ok / (double)n, ok, n);
	else
		fprintf(f, "n/a (none)");
}

static void put_shadow(FILE *f, json_t *j)
{
	json_t *p = json_object_get(j, "pfn_prediction");
	long long events = jll(j, "events");

	if (!json_is_true(json_object_get(p, "available"))) {
		fprintf(f, "  pfn prediction: unavailable\n");
	} else {
		fprintf(f, "  pfn prediction: ");
		put_rate(f, p);
		fprintf(f, "\n    pcp-served ");
		put_rate(f, json_object_get(p, "pcp_served"));
		fprintf(f, ", buddy-served ");
		put_rate(f, json_object_get(p, "buddy_served"));
		fprintf(f, "\n    baseline (last page freed on the cpu at the order): ");
		put_rate(f, json_object_get(p, "baseline"));
		fprintf(f, "\n");
	}
	fprintf(f, "  checkpoints: %lld scored", jll(j, "checkpoints"));
	if (jll(j, "checkpoints_before_start") > 0 || jll(j, "checkpoints_of_start_state") > 0)
		fprintf(f, " (not scored: %lld before the start state, %lld of the start state)",
			jll(j, "checkpoints_before_start"), jll(j, "checkpoints_of_start_state"));
	if (jll(j, "checkpoints") > 0)
		fprintf(f, "; distance first %.4f, mean %.4f, max %.4f, last %.4f",
			jnum(j, "checkpoint_distance_first"), jnum(j, "checkpoint_distance_mean"),
			jnum(j, "checkpoint_distance_max"), jnum(j, "checkpoint_distance_last"));
	fprintf(f, "\n");
	if (events > 0)
		fprintf(f, "  contradictions: %lld (%.1f per 100k events)\n",
			jll(json_object_get(j, "contradictions"), "total"),
			1e5 * (double)jll(json_object_get(j, "contradictions"), "total") / (double)events);
	json_t *rc = json_object_get(j, "reclaim_compaction");
	if (rc && jll(rc, "records") > 0)
		fprintf(f, "  reclaim/compaction: %lld kswapd runs (%lld boost pages cleared), %lld "
			"compaction runs; free pages isolated %lld (model %lld, %lld unplaced, %lld "
			"records mismatched); %lld contradictions inside compaction windows (counted "
			"apart)\n",
			jll(rc, "kswapd_runs"), jll(rc, "boost_pages_cleared"), jll(rc, "compaction_runs"),
			jll(rc, "pages_isolated_kernel"), jll(rc, "pages_isolated_model"),
			jll(rc, "pages_isolated_unplaced"), jll(rc, "isolate_freepages_mismatch"),
			jll(json_object_get(rc, "contradictions_expected"), "total"));
}

/* One counter, the kernel's (from the trace) beside the model's. */
static void put_counter(FILE *f, const char *what, json_t *kernel, json_t *model,
			const char *key)
{
	long long k = jll(kernel, key), m = jll(model, key);
	char ms[32] = "n/a", ratio[32] = "";

	if (m >= 0)
		snprintf(ms, sizeof(ms), "%lld", m);
	if (m >= 0 && k > 0)
		snprintf(ratio, sizeof(ratio), "   x%.2f", (double)m / (double)k);
	fprintf(f, "    %-18s %12lld %12s%s\n", what, k, ms, ratio);
}

static void put_counters(FILE *f, json_t *j, bool shadow)
{
	json_t *t = json_object_get(j, "trace_counters"), *m = json_object_get(j, "model_counters");

	fprintf(f, "  %-20s %12s %12s\n", "", shadow ? "kernel" : "traced host",
		shadow ? "model said" : "model");
	put_counter(f, "pcp refills", t, m, "pcp_refills");
	put_counter(f, "pcp refill pages", t, m, "pcp_refill_pages");
	put_counter(f, "pcp drains", t, m, "pcp_drains");
	put_counter(f, "pcp drain pages", t, m, "pcp_drain_pages");
	put_counter(f, "fallbacks", t, m, "fallbacks");
}

static void put_changes(FILE *f, json_t *j)
{
	json_t *set = json_object_get(j, "settings"), *host = json_object_get(j, "host_settings");
	const char *key;
	json_t *v;

	if (!json_object_size(set)) {
		fprintf(f, "  settings: the traced host's own (nothing changed)\n");
		return;
	}
	fprintf(f, "  changed against the traced host:\n");
	json_object_foreach(set, key, v) {
		char *was = json_dumps(json_object_get(host, key), JSON_ENCODE_ANY | JSON_COMPACT);
		char *now = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		fprintf(f, "    %-24s %s -> %s\n", key, was ? was : "?", now ? now : "?");
		free(was);
		free(now);
	}
}

static void put_orders(FILE *f, const char *what, json_t *a)
{
	size_t i, last = 0;
	json_t *v;

	json_array_foreach(a, i, v)
		if (json_integer_value(v))
			last = i + 1;
	if (!last)
		return;
	fprintf(f, "    %s by order:", what);
	json_array_foreach(a, i, v)
		if (i < last)
			fprintf(f, " %lld", (long long)json_integer_value(v));
	fprintf(f, "\n");
}

/* The trace's own reclaim, applied as frees, and what the model added (replay/reclaim.c "What-if"). */
static void put_trace_reclaim(FILE *f, json_t *r)
{
	json_t *t = json_object_get(r, "trace_reclaim");

	if (!t || (!jll(t, "kswapd_windows") && !jll(t, "kswapd_freed_pages") &&
		   !jll(t, "direct_reclaim_freed_pages")))
		return;
	fprintf(f, "    reclaim in the trace (applied as its frees): kswapd %lld pages in %lld "
		"windows, direct reclaim %lld pages; of it %lld credited to the model's held kswapd "
		"runs; reclaimed in all (trace + model) %lld pages\n", jll(t, "kswapd_freed_pages"),
		jll(t, "kswapd_windows"), jll(t, "direct_reclaim_freed_pages"),
		jll(t, "kswapd_credited_pages"), jll(t, "reclaimed_pages_total"));
}

/* The modelled reclaim and compaction (SUMMARY.md "reclaim_compaction"). */
static void put_reclaim_compaction(FILE *f, json_t *r)
{
	json_t *runs = json_object_get(r, "compaction_runs"), *hb, *at;
	long long stalls = 0;
	size_t i;
	json_t *v;

	if (!r)
		return;
	json_array_foreach(json_object_get(r, "direct_reclaim_stalls_by_order"), i, v)
		stalls += (long long)json_integer_value(v);
	if (json_is_true(json_object_get(r, "reclaim"))) {
		fprintf(f, "  reclaim: kswapd runs %lld (pages reclaimed %lld), direct reclaim "
			"stalls %lld (pages %lld), boost cycles %lld\n", jll(r, "kswapd_runs"),
			jll(r, "kswapd_reclaimed_pages"), stalls, jll(r, "direct_reclaimed_pages"),
			jll(r, "boost_cycles"));
		put_trace_reclaim(f, r);
		if (jll(r, "kswapd_shortfall_pages"))
			fprintf(f, "    kswapd could not reclaim %lld pages it needed to reach HIGH "
				"(summed over its runs): the model reclaims only allocations made in "
				"the trace (pages allocated before the capture, such as page cache, are "
				"not on its LRU; %lld pages were left on it at the end)\n",
				jll(r, "kswapd_shortfall_pages"), jll(r, "reclaimable_pages_end"));
		put_orders(f, "direct reclaim stalls", json_object_get(r,
				"direct_reclaim_stalls_by_order"));
		fprintf(f, "    allocations that would have failed: %lld; trace frees of reclaimed "
			"pages skipped: %lld\n", jll(r, "allocations_would_fail"),
			jll(r, "frees_of_reclaimed_pages"));
	} else {
		fprintf(f, "  reclaim: not modelled (--no-reclaim)\n");
	}
	if (!json_is_true(json_object_get(r, "compaction"))) {
		fprintf(f, "  compaction: not modelled (--no-compaction)\n");
		return;
	}
	fprintf(f, "  compaction (proactiveness %lld, extfrag threshold %lld): runs direct %lld, "
		"kcompactd %lld, proactive %lld, explicit %lld; pages scanned %lld migrate / "
		"%lld free, migrated %lld\n", jll(r, "compaction_proactiveness"),
		jll(r, "extfrag_threshold"), jll(runs, "direct"), jll(runs, "kcompactd"),
		jll(runs, "proactive"), jll(runs, "explicit"), jll(r, "compaction_migrate_scanned"),
		jll(r, "compaction_free_scanned"), jll(r, "pages_migrated"));
	put_orders(f, "compaction successes", json_object_get(r, "compaction_success_by_order"));
	put_orders(f, "compaction failures", json_object_get(r, "compaction_fail_by_order"));
	hb = json_object_get(r, "free_pageblock_blocks");
	fprintf(f, "  free blocks of order >= %lld (in pageblocks): start %lld, lowest %lld, "
		"end %lld\n", jll(hb, "order"), jll(hb, "start"), jll(hb, "min"), jll(hb, "end"));
	at = json_object_get(r, "compact_at");
	if (json_is_object(at) && json_is_true(json_object_get(at, "done")))
		fprintf(f, "  compact_memory at %.3f s: %lld pages migrated\n", jnum(at, "seconds"),
			jll(at, "pages_migrated"));
	else if (json_is_object(at))
		fprintf(f, "  compact_memory at %.3f s: not reached (the trace ends earlier)\n",
			jnum(at, "seconds"));
}

/* The traced kernel's reclaim and compaction (SUMMARY.md "trace_reclaim_compaction"), when the trace has any. */
static void put_trace_reclaim_compaction(FILE *f, json_t *t)
{
	if (!json_is_object(t))
		return;
	fprintf(f, "  kernel (trace): kswapd runs %lld (awake %.3f s), pages reclaimed ",
		jll(t, "kswapd_runs"), jnum(t, "kswapd_awake_seconds"));
	if (json_is_integer(json_object_get(t, "pages_reclaimed")))
		fprintf(f, "%lld", jll(t, "pages_reclaimed"));
	else
		fprintf(f, "unknown (no vmstat readings)");
	fprintf(f, ", by direct reclaim %lld; compaction runs %lld, pages migrated %lld\n",
		jll(t, "direct_reclaimed_pages"), jll(t, "compaction_runs"), jll(t, "pages_migrated"));
}

static void put_whatif(FILE *f, json_t *j)
{
	json_t *m = json_object_get(j, "model_counters");

	put_changes(f, j);
	fprintf(f, "  watermark breaches: %lld, kswapd wakes: %lld, boosts: %lld\n",
		jll(m, "watermark_breaches"), jll(m, "kswapd_wakes"), jll(m, "boosts"));
	put_reclaim_compaction(f, json_object_get(j, "reclaim_compaction"));
}

static void put_failures(FILE *f, json_t *j)
{
	json_t *a = json_object_get(j, "failures_by_order"), *k = json_object_get(j,
									  "kernel_failures_by_order");
	size_t i;
	json_t *v;

	fprintf(f, "  failed allocations by order:");
	json_array_foreach(a, i, v)
		fprintf(f, " %lld", (long long)json_integer_value(v));
	if (!strcmp(jtext(j, "mode"), "whatif")) {
		fprintf(f, "  (kernel:");
		json_array_foreach(k, i, v)
			fprintf(f, " %lld", (long long)json_integer_value(v));
		fprintf(f, ")");
	}
	fprintf(f, "\n");
}

char *replay_summary_text(const char *summary_json)
{
	json_t *j = json_loads(summary_json, 0, NULL), *notes, *n;
	bool shadow;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	if (!j)
		return NULL;
	f = open_memstream(&buf, &len);
	if (!f) {
		json_decref(j);
		return NULL;
	}
	shadow = !strcmp(jtext(j, "mode"), "shadow");
	fprintf(f, "%s replay of %s: %lld events in %.2f s (%.2f M events/s)%s\n",
		shadow ? "shadow" : "what-if", jtext(j, "trace"),
		jll(j, "events"), jnum(j, "wall_seconds"), jnum(j, "events_per_second") / 1e6,
		json_is_true(json_object_get(j, "complete")) ? "" : " - stopped early");
	fprintf(f, "  start state: %s\n", jtext(j, "start_state"));
	if (shadow)
		put_shadow(f, j);
	else
		put_whatif(f, j);
	put_trace_reclaim_compaction(f, json_object_get(j, "trace_reclaim_compaction"));
	put_counters(f, j, shadow);
	put_failures(f, j);
	notes = json_object_get(j, "notes");
	json_array_foreach(notes, i, n)
		fprintf(f, "  note: %s\n", json_string_value(n));
	fclose(f);
	json_decref(j);
	return buf;
}
