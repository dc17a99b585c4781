/* SPDX-License-Identifier: MIT */
/*
 * One function per kind of figure (figures.c). Each draws one format (PNG
 * or SVG) to @path, fills @fig (size and panel rectangles) and returns the
 * file's SHA-256 in @sha. Private to viz/.
 */
#ifndef BUDDYSCOPE_VIZ_FIGURES_H
#define BUDDYSCOPE_VIZ_FIGURES_H

#include "viz_internal.h"

/* A zone of a run and its series, loaded once and shared by figures. */
struct fig_zone_data {
	int64_t run_id;
	const struct viz_zone *zone;
	const struct viz_series *series;
};

/* Bins a series needs so that each heatmap pixel column is one bin. */
uint32_t fig_heatmap_bins(void);

int fig_heatmap(const struct fig_zone_data *d, int svg, const char *path, struct viz_figure *fig,
		char sha[65]);
int fig_indices(const struct fig_zone_data *d, int svg, const char *path, struct viz_figure *fig,
		char sha[65]);
int fig_memmap(const struct viz_zone *z, int64_t run_id, const struct viz_pbmap *m, int svg,
	       const char *path, struct viz_figure *fig, char sha[65]);
int fig_fidelity(int64_t run_id, const struct viz_fidelity_row *rows, size_t n, int svg,
		 const char *path, struct viz_figure *fig, char sha[65]);
int fig_attribution(struct viz_store *s, int64_t run_id, int svg, const char *path,
		    struct viz_figure *fig, char sha[65]);
int fig_diff_heatmap(const struct fig_zone_data *base, const struct fig_zone_data *other,
		     int svg, const char *path, struct viz_figure *fig, char sha[65]);
int fig_compare_indices(const struct fig_zone_data *a, const struct fig_zone_data *b, int svg,
			const char *path, struct viz_figure *fig, char sha[65]);

#endif
