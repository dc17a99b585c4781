/* SPDX-License-Identifier: MIT */
/*
 * One function per kind of figure (figures.c). Each draws one format (PNG
 * or SVG) onto the canvas @c it begins, and fills @fig (size and panel
 * rectangles); the caller finishes the canvas (viz_canvas_finish() writes the
 * file). On error the canvas is already released. Private to viz/.
 */
#ifndef BUDDYSCOPE_VIZ_FIGURES_H
#define BUDDYSCOPE_VIZ_FIGURES_H

#include "draw.h"

/* A zone of a run and its series, loaded once and shared by figures. */
struct fig_zone_data {
	int64_t run_id;
	const struct viz_zone *zone;
	const struct viz_series *series;
};

/* Bins a series needs so that each heatmap pixel column is one bin. */
uint32_t viz_fig_heatmap_bins(void);

int viz_fig_heatmap(const struct fig_zone_data *d, int svg, struct canvas *c,
		struct viz_figure *fig);
int viz_fig_indices(const struct fig_zone_data *d, int svg, struct canvas *c,
		struct viz_figure *fig);
int viz_fig_memmap(const struct viz_zone *z, int64_t run_id, const struct viz_pbmap *m, int svg,
	       struct canvas *c,
		struct viz_figure *fig);
int viz_fig_fidelity(int64_t run_id, const struct viz_fidelity_row *rows, size_t n, int svg,
		 struct canvas *c,
		struct viz_figure *fig);
int viz_fig_attribution(struct viz_store *s, int64_t run_id, int svg, struct canvas *c,
		struct viz_figure *fig);
int viz_fig_diff_heatmap(const struct fig_zone_data *base, const struct fig_zone_data *other,
		     int svg, struct canvas *c,
		struct viz_figure *fig);
int viz_fig_compare_indices(const struct fig_zone_data *a, const struct fig_zone_data *b, int svg,
			struct canvas *c,
		struct viz_figure *fig);

/* A run's reclaim and compaction (viz_activity_load() on its heatmaps' bins). */
struct fig_activity_data {
	int64_t run_id;
	int base;				/* the base of a comparison */
	const struct viz_activity *act;
};

/*
 * Reclaim and compaction over time, one panel per run (1, or 2 for a
 * comparison, on one value scale): kswapd awake shaded, pages reclaimed and
 * migrated as lines (the model's solid, the traced kernel's dashed),
 * compaction runs as ticks; x as the heatmaps' (PLOT_X, PLOT_W, same bins).
 */
int viz_fig_activity(const struct fig_activity_data *runs, size_t n, int svg, struct canvas *c,
		     struct viz_figure *fig);

/* A sweep: each outcome against the grid's points, one panel per outcome. */
int viz_fig_sweep(const struct viz_sweep *sw, int svg, struct canvas *c, struct viz_figure *fig);

#endif
