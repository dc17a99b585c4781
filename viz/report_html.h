/* SPDX-License-Identifier: MIT */
/*
 * The HTML parts of a report that answer its questions in words and tables
 * (report_html.c): a run's verdict, a comparison's deltas, who allocated and
 * fragmented (commands with their pids), and a sweep's table. report.c places
 * them; every number they print comes from struct viz_verdict or the store.
 * Private to viz/.
 */
#ifndef BUDDYSCOPE_VIZ_REPORT_HTML_H
#define BUDDYSCOPE_VIZ_REPORT_HTML_H

#include "draw.h"

/* The words for an unusable free space index (0..1) at the watched order. */
const char *viz_html_fragmentation_words(double unusable);

/* A run's verdict: headline sentence, per-zone table, top fragmenters. */
int viz_html_verdict_run(struct membuf *h, struct viz_store *s, const struct viz_run *r,
		     const struct viz_zone *zones, const struct viz_verdict *v);

/* A comparison's verdict: the deltas of every outcome, base against other. */
void viz_html_verdict_compare(struct membuf *h, const struct viz_zone *za, const struct viz_verdict *a,
			  const struct viz_zone *zb, const struct viz_verdict *b);

/* Every command with its counts, and its pids and gfp flags in a <details>. */
int viz_html_attribution(struct membuf *h, struct viz_store *s, int64_t run_id);

/* A sweep's table: each point's settings and outcomes. */
void viz_html_sweep_table(struct membuf *h, const struct viz_sweep *sw);

/* A zone did nothing worth a figure in the window: folded in the page. */
int viz_html_zone_quiet(const struct viz_zone *z, const struct viz_zone_verdict *zv);

#endif
