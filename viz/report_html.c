// SPDX-License-Identifier: MIT
/*
 * The report's answers in words (report_html.h): "is my memory fragmented"
 * (the unusable free space index at order 9 and the free memory
 * left in blocks that large), "why" (failures, fallbacks, pageblock
 * changes), "who did it" (commands whose allocations fell back to other
 * migratetypes' pageblocks, their pids merged), and "would X help" (a
 * comparison's deltas). Numbers carry data-k attributes naming the verdict
 * field, so tests read them back without parsing prose.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"
#include "tracefmt_gfp.h"

const char *viz_html_fragmentation_words(double u)
{
	if (u < 0.25)
		return "Not fragmented";
	if (u < 0.75)
		return "Partly fragmented";
	return "Fragmented";
}

/* Pages of 4 KiB as "N pages (X MiB)". */
static void fmt_pages(uint64_t pages, char *buf, size_t len)
{
	snprintf(buf, len, "%llu pages (%.1f MiB)", (unsigned long long)pages,
		 pages * 4096.0 / (1 << 20));
}

static void td_u64(struct membuf *h, const char *key, uint64_t v)
{
	viz_membuf_printf(h, "<td data-k=\"%s\">%llu</td>", key, (unsigned long long)v);
}

static void td_index(struct membuf *h, const char *key, double v)
{
	viz_membuf_printf(h, "<td data-k=\"%s\">%.3f</td>", key, v);
}

static void td_time(struct membuf *h, const char *key, int64_t t_ns)
{
	if (t_ns < 0)
		viz_membuf_printf(h, "<td data-k=\"%s\">&mdash;</td>", key);
	else
		viz_membuf_printf(h, "<td data-k=\"%s\">%.3f s</td>", key, t_ns / 1e9);
}

/* The zone the headline speaks of: the one with the most free memory at the end. */
static const struct viz_zone_verdict *main_zone(const struct viz_verdict *v)
{
	const struct viz_zone_verdict *best = NULL;

	for (size_t i = 0; i < v->nr_zones; i++) {
		const struct viz_zone_verdict *zv = &v->zones[i];

		if (zv->nr_samples && (!best || zv->free_pages_end > best->free_pages_end))
			best = zv;
	}
	return best;
}

static void verdict_headline(struct membuf *h, const struct viz_zone *zones,
			     const struct viz_verdict *v)
{
	const struct viz_zone_verdict *zv = main_zone(v);
	char pages[64];

	if (!zv) {
		viz_membuf_printf(h, "<p class=\"headline\">No samples in the window: nothing to "
				 "judge.</p>\n");
		return;
	}
	fmt_pages(zv->high_free_end, pages, sizeof(pages));
	viz_membuf_printf(h, "<p class=\"headline\"><strong>%s</strong> for order-%u requests "
			 "(%u KiB) in zone ", viz_html_fragmentation_words(zv->unusable_end),
		      zv->high_order, 4u << zv->high_order);
	viz_membuf_escape(h, zones[zv->zone_idx].name);
	viz_membuf_printf(h, ", the zone with the most free memory: at t = %.3f s, %.1f%% of its "
			 "free memory sits in blocks too small for such a request (unusable "
			 "free space index %.3f; %.3f at t = %.3f s, worst %.3f at t = %.3f s). "
			 "%s free in blocks of order &ge; %u. ",
		      zv->t_last_ns / 1e9, 100 * zv->unusable_end, zv->unusable_end,
		      zv->unusable_start, zv->t_first_ns / 1e9, zv->unusable_worst,
		      zv->unusable_worst_t_ns / 1e9, pages, zv->high_order);
	if (v->failures)
		viz_membuf_printf(h, "<strong>%llu allocation%s failed</strong> in all zones",
			      (unsigned long long)v->failures, v->failures == 1 ? "" : "s");
	else
		viz_membuf_printf(h, "No allocation failed");
	viz_membuf_printf(h, "; %llu fallback%s to another migratetype's free lists; %llu "
			 "pageblock%s changed migratetype.</p>\n",
		      (unsigned long long)v->fallbacks, v->fallbacks == 1 ? "" : "s",
		      (unsigned long long)v->pageblock_changes,
		      v->pageblock_changes == 1 ? "" : "s");
}

static void verdict_table(struct membuf *h, const struct viz_zone *zones,
			  const struct viz_verdict *v)
{
	viz_membuf_printf(h, "<table class=\"verdict\" data-run=\"%lld\">\n<tr><th rowspan=\"2\">"
			 "zone</th><th rowspan=\"2\">order watched</th><th colspan=\"4\">pages "
			 "free in blocks of at least that order</th><th colspan=\"4\">unusable "
			 "free space index at that order</th><th colspan=\"2\">failed "
			 "allocations</th><th colspan=\"2\">fallbacks</th><th rowspan=\"2\">"
			 "pageblock changes</th></tr>\n<tr><th>start</th><th>end</th><th>lowest"
			 "</th><th>at</th><th>start</th><th>end</th><th>worst</th><th>at</th>"
			 "<th>count</th><th>first at</th><th>count</th><th>biggest burst (at)</th>"
			 "</tr>\n",
		      (long long)v->run_id);
	for (size_t i = 0; i < v->nr_zones; i++) {
		const struct viz_zone_verdict *zv = &v->zones[i];

		viz_membuf_printf(h, "<tr data-zone=\"%u\"><th>", zv->zone_idx);
		viz_membuf_escape(h, zones[i].name);
		if (!zv->nr_samples) {
			viz_membuf_printf(h, "</th><td colspan=\"14\">no samples in the window</td>"
					 "</tr>\n");
			continue;
		}
		viz_membuf_printf(h, "</th><td>%u</td>", zv->high_order);
		td_u64(h, "high_free_start", zv->high_free_start);
		td_u64(h, "high_free_end", zv->high_free_end);
		td_u64(h, "high_free_min", zv->high_free_min);
		td_time(h, "high_free_min_t", zv->high_free_min_t_ns);
		td_index(h, "unusable_start", zv->unusable_start);
		td_index(h, "unusable_end", zv->unusable_end);
		td_index(h, "unusable_worst", zv->unusable_worst);
		td_time(h, "unusable_worst_t", zv->unusable_worst_t_ns);
		td_u64(h, "failures", zv->failures);
		td_time(h, "first_failure_t", zv->first_failure_t_ns);
		td_u64(h, "fallbacks", zv->fallbacks);
		viz_membuf_printf(h, "<td data-k=\"fallback_burst\">%llu", (unsigned long long)zv->fallback_burst);
		if (zv->fallback_burst_t_ns >= 0)
			viz_membuf_printf(h, " (%.3f s)", zv->fallback_burst_t_ns / 1e9);
		viz_membuf_printf(h, "</td>");
		td_u64(h, "pageblock_changes", zv->pageblock_changes);
		viz_membuf_printf(h, "</tr>\n");
	}
	viz_membuf_printf(h, "</table>\n<p class=\"note\">The unusable free space index is the "
			 "kernel's (mm/vmstat.c, /sys/kernel/debug/extfrag/unusable_index): the "
			 "fraction of a zone's free memory in blocks smaller than the order asked "
			 "for, 0 when every free page could serve the request, 1 when none could. "
			 "Words: below 0.25 not fragmented, below 0.75 partly, else fragmented. "
			 "The order watched is 9 (2 MiB with 4 KiB pages: x86-64's pageblock and a "
			 "transparent huge page), for every run alike. Counts are over the window "
			 "shown.</p>\n");
}

static int verdict_fragmenters(struct membuf *h, struct viz_store *s, int64_t run_id)
{
	struct viz_comm_row *rows = NULL;
	size_t n = 0;
	int ret = viz_attribution_by_comm(s, run_id, VIZ_ATTR_BY_EXTFRAG, 5, &rows, &n);

	if (ret)
		return ret;
	viz_membuf_printf(h, "<p class=\"who\">");
	if (!n) {
		viz_membuf_printf(h, "Who: no command's allocation fell back to another migratetype's "
				 "pageblocks (no mm_page_alloc_extfrag events are attributed).");
	} else {
		viz_membuf_printf(h, "Who fragmented (allocations that fell back to, or took, "
				 "another migratetype's pageblocks): ");
		for (size_t i = 0; i < n; i++) {
			viz_membuf_printf(h, "%s<strong>", i ? ", " : "");
			viz_membuf_escape(h, rows[i].comm);
			viz_membuf_printf(h, "</strong> %llu (%u pid%s)", (unsigned long long)rows[i].extfrag,
				      rows[i].nr_pids, rows[i].nr_pids == 1 ? "" : "s");
		}
		viz_membuf_printf(h, ". Whole run: attribution is not kept by time.");
	}
	viz_membuf_printf(h, "</p>\n");
	free(rows);
	return 0;
}

int viz_html_verdict_run(struct membuf *h, struct viz_store *s, const struct viz_run *r,
		     const struct viz_zone *zones, const struct viz_verdict *v)
{
	viz_membuf_printf(h, "<div class=\"verdict\" id=\"run-%lld-verdict\">\n<h3>Verdict</h3>\n",
		      (long long)r->id);
	verdict_headline(h, zones, v);
	verdict_table(h, zones, v);
	{
		int ret = verdict_fragmenters(h, s, r->id);

		viz_membuf_printf(h, "</div>\n");
		return ret;
	}
}

/* Outcomes of a comparison by judgement: better, worse, unchanged. */
struct delta_tally {
	unsigned better, worse, same;
};

/* One delta row: which way is better decides the words. */
static void delta_row(struct membuf *h, struct delta_tally *t, const char *key, const char *what,
		      double a, double b, int higher_is_better, int is_index)
{
	double d = b - a;
	const char *dir = d > 0 ? (is_index ? "higher" : "more") :
			  d < 0 ? (is_index ? "lower" : "fewer") : "no change";
	const char *judge = d == 0 ? "" : (d > 0) == (higher_is_better > 0) ? " (better)" :
										      " (worse)";

	viz_membuf_printf(h, "<tr data-k=\"%s\"><th>", key);
	viz_membuf_escape(h, what);
	if (is_index)
		viz_membuf_printf(h, "</th><td>%.3f</td><td>%.3f</td><td>%+.3f</td>", a, b, d);
	else
		viz_membuf_printf(h, "</th><td>%.0f</td><td>%.0f</td><td>%+.0f</td>", a, b, d);
	if (a != 0)
		viz_membuf_printf(h, "<td>%+.1f%%</td>", 100 * d / fabs(a));
	else
		viz_membuf_printf(h, "<td>%s</td>", d == 0 ? "0%" : "(from 0)");
	viz_membuf_printf(h, "<td class=\"%s\">%s%s</td></tr>\n",
		      !*judge ? "same" : strstr(judge, "better") ? "better" : "worse", dir, judge);
	if (!*judge)
		t->same++;
	else if (strstr(judge, "better"))
		t->better++;
	else
		t->worse++;
}

void viz_html_verdict_compare(struct membuf *h, const struct viz_zone *za, const struct viz_verdict *a,
			  const struct viz_zone *zb, const struct viz_verdict *b)
{
	struct membuf rows = { 0 };
	struct delta_tally t = { 0, 0, 0 };
	char what[160], key[64];

	for (size_t i = 0; i < a->nr_zones; i++) {
		const struct viz_zone_verdict *x = &a->zones[i], *y = NULL;

		for (size_t j = 0; j < b->nr_zones; j++)
			if (zb[j].node == za[i].node && !strcmp(zb[j].name, za[i].name))
				y = &b->zones[j];
		if (!y || !x->nr_samples || !y->nr_samples)
			continue;
		snprintf(what, sizeof(what), "%s: pages free in blocks of order >= %u, end",
			 za[i].name, x->high_order);
		snprintf(key, sizeof(key), "z%u.high_free_end", x->zone_idx);
		delta_row(&rows, &t, key, what, (double)x->high_free_end, (double)y->high_free_end, 1, 0);
		snprintf(what, sizeof(what), "%s: pages free in blocks of order >= %u, lowest",
			 za[i].name, x->high_order);
		snprintf(key, sizeof(key), "z%u.high_free_min", x->zone_idx);
		delta_row(&rows, &t, key, what, (double)x->high_free_min, (double)y->high_free_min, 1, 0);
		snprintf(what, sizeof(what), "%s: unusable free space index (order %u), end",
			 za[i].name, x->high_order);
		snprintf(key, sizeof(key), "z%u.unusable_end", x->zone_idx);
		delta_row(&rows, &t, key, what, x->unusable_end, y->unusable_end, -1, 1);
		snprintf(what, sizeof(what), "%s: unusable free space index (order %u), worst",
			 za[i].name, x->high_order);
		snprintf(key, sizeof(key), "z%u.unusable_worst", x->zone_idx);
		delta_row(&rows, &t, key, what, x->unusable_worst, y->unusable_worst, -1, 1);
	}
	delta_row(&rows, &t, "failures", "failed allocations (all zones)", (double)a->failures,
		  (double)b->failures, -1, 0);
	delta_row(&rows, &t, "fallbacks", "fallbacks (all zones)", (double)a->fallbacks,
		  (double)b->fallbacks, -1, 0);
	delta_row(&rows, &t, "pageblock_changes", "pageblock migratetype changes (all zones)",
		  (double)a->pageblock_changes, (double)b->pageblock_changes, -1, 0);
	viz_membuf_printf(h, "<div class=\"verdict\" id=\"compare-verdict\">\n<h3>Would it help? "
			 "Run %lld against run %lld (base)</h3>\n<p class=\"headline\"><strong>%s"
			 "</strong>: run %lld is better on %u outcome%s, worse on %u and unchanged on "
			 "%u.</p>\n<table class=\"deltas\">\n<tr><th>outcome</th><th>run %lld "
			 "(base)</th><th>run %lld</th><th>change</th><th>relative</th><th>in words"
			 "</th></tr>\n",
		      (long long)b->run_id, (long long)a->run_id,
		      t.better && !t.worse ? "It helps" : t.worse && !t.better ? "It does not help" :
		      t.better ? "Mixed" : "No difference",
		      (long long)b->run_id, t.better, t.better == 1 ? "" : "s", t.worse, t.same,
		      (long long)a->run_id, (long long)b->run_id);
	viz_membuf_add(h, rows.data ? rows.data : (unsigned char *)"", rows.len);
	viz_membuf_release(&rows);
	viz_membuf_printf(h, "</table>\n<p class=\"note\">Better means more free memory in large "
			 "blocks, a lower unusable index, fewer failures, fallbacks and pageblock "
			 "changes. Relative change is against the base; from 0 it has none.</p>\n"
			 "</div>\n");
}

int viz_html_attribution(struct membuf *h, struct viz_store *s, int64_t run_id)
{
	struct viz_comm_row *rows = NULL;
	size_t n = 0;
	int ret = viz_attribution_by_comm(s, run_id, VIZ_ATTR_BY_ALLOCATIONS, 200, &rows, &n);

	if (ret || !n) {
		free(rows);
		return ret;
	}
	viz_membuf_printf(h, "<p>Each command with its pids merged; open one for its pids and gfp "
			 "flags (the kernel's names).</p>\n<div class=\"comms\">\n");
	for (size_t i = 0; i < n && !ret; i++) {
		struct viz_attr_row *pr = NULL;
		size_t np = 0;

		viz_membuf_printf(h, "<details class=\"comm\"><summary><strong>");
		viz_membuf_escape(h, rows[i].comm);
		viz_membuf_printf(h, "</strong>: %llu allocations, %llu failed, %llu fallback/steal "
				 "events; %u pid%s</summary>\n",
			      (unsigned long long)rows[i].allocations,
			      (unsigned long long)rows[i].failures,
			      (unsigned long long)rows[i].extfrag, rows[i].nr_pids,
			      rows[i].nr_pids == 1 ? "" : "s");
		ret = viz_attribution_of_comm(s, run_id, rows[i].comm, 100, &pr, &np);
		viz_membuf_printf(h, "<table class=\"pids\"><tr><th>pid</th><th>gfp flags</th>"
				 "<th>allocations</th><th>failed</th><th>fallback/steal</th></tr>\n");
		for (size_t k = 0; k < np; k++) {
			char gfp[256];

			tracefmt_gfp_format(pr[k].gfp_flags, gfp, sizeof(gfp));
			viz_membuf_printf(h, "<tr><td>%d</td><td title=\"%#x\">", pr[k].pid,
				      pr[k].gfp_flags);
			viz_membuf_escape(h, gfp);
			viz_membuf_printf(h, "</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n",
				      (unsigned long long)pr[k].allocations,
				      (unsigned long long)pr[k].failures,
				      (unsigned long long)pr[k].extfrag);
		}
		if (np == 100 && rows[i].nr_keys > 100)
			viz_membuf_printf(h, "<tr><td colspan=\"5\">(%u more rows: export --format json "
					 "has them all)</td></tr>\n", rows[i].nr_keys - 100);
		viz_membuf_printf(h, "</table></details>\n");
		free(pr);
	}
	viz_membuf_printf(h, "</div>\n");
	free(rows);
	return ret;
}

int viz_html_zone_quiet(const struct viz_zone *z, const struct viz_zone_verdict *zv)
{
	uint64_t still = z->managed_pages / 1000;

	return !zv->failures && !zv->fallbacks && !zv->pageblock_changes &&
	       zv->free_pages_max - zv->free_pages_min <= (still > 1 ? still : 1);
}

void viz_html_sweep_table(struct membuf *h, const struct viz_sweep *sw)
{
	viz_membuf_printf(h, "<table class=\"sweep\" data-trace=\"%s\"><tr><th>run</th>",
		      sw->trace_sha256);
	for (uint32_t k = 0; k < sw->nr_keys; k++) {
		viz_membuf_printf(h, "<th>");
		viz_membuf_escape(h, sw->keys[k]);
		viz_membuf_printf(h, "</th>");
	}
	viz_membuf_printf(h, "<th>pages free in blocks of order &ge; 9, end</th><th>failed "
			 "allocations</th><th>fallbacks</th><th>worst unusable index</th></tr>\n");
	for (size_t i = 0; i < sw->nr_points; i++) {
		const struct viz_sweep_point *p = &sw->points[i];

		viz_membuf_printf(h, "<tr data-run=\"%lld\"><td><a href=\"#run-%lld\">%lld</a></td>",
			      (long long)p->run_id, (long long)p->run_id, (long long)p->run_id);
		for (uint32_t k = 0; k < sw->nr_keys; k++) {
			viz_membuf_printf(h, "<td>");
			viz_membuf_escape(h, p->values[k]);
			viz_membuf_printf(h, "</td>");
		}
		td_u64(h, "high_free_end", p->high_free_end);
		td_u64(h, "failures", p->failures);
		td_u64(h, "fallbacks", p->fallbacks);
		td_index(h, "unusable_worst", p->unusable_worst);
		viz_membuf_printf(h, "</tr>\n");
	}
	viz_membuf_printf(h, "</table>\n<p class=\"note\">The grid is read from the runs' stored "
			 "settings; a setting a run left at the traced host's value shows that "
			 "value (from its summary's host_settings), or \"host\" when unknown.</p>\n");
}
