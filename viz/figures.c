// SPDX-License-Identifier: MIT
/*
 * The figures of a report, each drawn from grids (grid.c) onto a canvas
 * (draw.c): free-block heatmaps, pageblock memory maps, index curves,
 * fidelity, attribution, and the two comparison figures. Each function draws
 * one figure in one format and writes it to a file; report.c decides which
 * figures a run gets and indexes the files.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "figures.h"

/* Shared geometry: data areas start at PLOT_X and are PLOT_W wide. */
#define FIG_W 1040
#define PLOT_X 90
#define PLOT_W 740
#define TOP 44
#define PANEL_TITLE 22
#define PANEL_AXIS 50

uint32_t viz_fig_heatmap_bins(void)
{
	return PLOT_W;
}

static uint32_t heat_plot_h(uint32_t nr_orders)
{
	uint32_t h = 12 * nr_orders;

	return h < 120 ? 120 : h;
}

static void zone_title(const struct viz_zone *z, char *buf, size_t len)
{
	/* the name's bound, so a copy of the struct cannot read past it */
	snprintf(buf, len, "node %d zone %.*s", z->node, (int)sizeof(z->name), z->name);
}

/* Order axis: one tick per order, order 0 at the bottom. */
static void draw_order_axis(struct canvas *c, const struct viz_rect *r, uint32_t nr_orders)
{
	char buf[16];
	uint32_t every = nr_orders > 12 ? 2 : 1;

	for (uint32_t o = 0; o < nr_orders; o += every) {
		double y = r->y + r->h - (o + 0.5) * r->h / nr_orders;

		snprintf(buf, sizeof(buf), "%u", o);
		viz_canvas_text(c, r->x - 7, y + 4, 11, ALIGN_RIGHT, 0, "tick", buf);
	}
	viz_canvas_text(c, r->x - 40, r->y + r->h / 2, 12, ALIGN_CENTER, 1, "ylabel",
		    "order (2^order pages)");
}

static double grid_absmax(const struct viz_grid *g)
{
	double m = 0;

	for (size_t i = 0; i < (size_t)g->nx * g->ny; i++)
		if (!isnan(g->v[i]) && fabs(g->v[i]) > m)
			m = fabs(g->v[i]);
	return m;
}

/*
 * Paint a grid into r as an image: column x of the image shows grid column
 * x * nx / w, row y shows order ny - 1 - y * ny / h. diverging selects PuOr
 * on a symmetric log scale, else viridis on the log scale of the colour bar.
 */
static int paint_grid(struct canvas *c, const struct viz_rect *r, const struct viz_grid *g,
		      double vmax, int diverging)
{
	int w = (int)r->w, h = (int)r->h, stride;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	uint32_t *colors;
	unsigned char *data;
	double lmax = log10(1 + vmax);

	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return -ENOMEM;
	}
	colors = malloc((size_t)g->nx * g->ny * sizeof(*colors) + 1);
	if (!colors) {
		cairo_surface_destroy(img);
		return -ENOMEM;
	}
	for (size_t i = 0; i < (size_t)g->nx * g->ny; i++) {
		double v = g->v[i], rgb[3], pos;

		if (isnan(v)) {
			colors[i] = 0xd9d9d9;
			continue;
		}
		if (diverging)
			pos = 0.5 + (lmax > 0 ? 0.5 * copysign(log10(1 + fabs(v)) / lmax, v) : 0);
		else
			pos = viz_heat_position(v, vmax);
		viz_palette_rgb(diverging ? VIZ_PALETTE_PUOR : VIZ_PALETTE_VIRIDIS, pos, rgb);
		colors[i] = (uint32_t)lround(rgb[0] * 255) << 16 |
			    (uint32_t)lround(rgb[1] * 255) << 8 | (uint32_t)lround(rgb[2] * 255);
	}
	cairo_surface_flush(img);
	data = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	for (int y = 0; y < h; y++) {
		uint32_t row = g->ny - 1 - (uint32_t)((uint64_t)y * g->ny / (uint32_t)h);
		uint32_t *px = (uint32_t *)(void *)(data + (size_t)y * stride);

		for (int x = 0; x < w; x++)
			px[x] = colors[(size_t)row * g->nx + (uint64_t)x * g->nx / (uint32_t)w];
	}
	cairo_surface_mark_dirty(img);
	cairo_set_source_surface(c->cr, img, r->x, r->y);
	cairo_paint(c->cr);
	cairo_surface_destroy(img);
	free(colors);
	viz_draw_frame(c, r);
	return 0;
}

/*
 * One heatmap panel (the mt-th of its figure): data area, order and time
 * axes, and a log colour bar (viridis) or a diverging one (PuOr) for
 * differences.
 */
/* Columns of hover cells across a heatmap panel (each covers nx / HOVER_COLS bins). */
#define HOVER_COLS 8

/* Start and end time (ns) of bins [b0, b1) of a series. */
static void bin_span(const struct viz_series *x, uint32_t b0, uint32_t b1, double *t0, double *t1)
{
	double span = (double)x->t1_ns - (double)x->t0_ns + 1;

	*t0 = (double)x->t0_ns + span * b0 / x->nr_bins;
	*t1 = (double)x->t0_ns + span * b1 / x->nr_bins;
}

/*
 * Hover values of a heatmap panel: HOVER_COLS columns x one row per order,
 * each the mean of the grid cells it covers (NaN cells left out). Orders at
 * or above @only_from exist in the compared run only.
 */
static void heat_hover(struct canvas *c, const struct viz_rect *r, const struct viz_grid *g,
		       const struct viz_series *x, const char *what, int diverging,
		       uint32_t only_from)
{
	uint32_t cols = g->nx < HOVER_COLS ? g->nx : HOVER_COLS;
	char text[256];

	for (uint32_t o = 0; o < g->ny; o++) {
		for (uint32_t k = 0; k < cols; k++) {
			uint32_t b0 = (uint32_t)((uint64_t)k * g->nx / cols);
			uint32_t b1 = (uint32_t)((uint64_t)(k + 1) * g->nx / cols);
			double sum = 0, t0, t1;
			uint32_t n = 0;
			struct viz_rect cell = { r->x + r->w * k / cols,
						 r->y + r->h - r->h * (o + 1) / g->ny,
						 r->w / cols, r->h / g->ny };

			for (uint32_t b = b0; b < b1; b++) {
				double v = g->v[(size_t)o * g->nx + b];

				if (!isnan(v)) {
					sum += v;
					n++;
				}
			}
			bin_span(x, b0, b1, &t0, &t1);
			if (!n)
				snprintf(text, sizeof(text), "%s, order %u, t %.3f-%.3f s: no data",
					 what, o, t0 / 1e9, t1 / 1e9);
			else
				snprintf(text, sizeof(text), "%s, order %u, t %.3f-%.3f s: %s%.1f "
					 "free blocks%s%s", what, o, t0 / 1e9, t1 / 1e9,
					 diverging && sum > 0 ? "+" : "", sum / n,
					 diverging ? " more than base" : "",
					 o >= only_from ? " (order absent in base: 0 there)" : "");
			viz_canvas_hover(c, &cell, c->fig->name, text);
		}
	}
}

static int heat_panel(struct canvas *c, uint32_t mt, const struct viz_zone *z,
		      const struct viz_grid *g, int diverging, const char *title,
		      const struct viz_series *x, uint32_t only_from)
{
	uint32_t ph = heat_plot_h(z->nr_orders), block = PANEL_TITLE + ph + PANEL_AXIS;
	struct viz_rect r = { PLOT_X, TOP + mt * block + PANEL_TITLE, PLOT_W, ph };
	struct viz_rect bar = { PLOT_X + PLOT_W + 20, r.y, 16, ph };
	double vmax = grid_absmax(g);
	char id[64];
	int ret;

	snprintf(id, sizeof(id), "%s-%s", diverging ? "diff" : "heatmap", z->mt_names[mt]);
	viz_canvas_panel_begin(c, id, &r);
	viz_canvas_text(c, r.x, r.y - 7, 13, ALIGN_LEFT, 0, "panel-title", title);
	ret = paint_grid(c, &r, g, vmax, diverging);
	if (vmax == 0) {
		/* All-zero panels are the darkest viridis colour: light text. */
		viz_canvas_text(c, r.x + r.w / 2, r.y + r.h / 2, 12, ALIGN_CENTER, 0,
			    diverging ? "note" : "note-on-dark",
			    diverging ? "no difference" : "no free blocks of this migratetype");
	}
	draw_order_axis(c, &r, z->nr_orders);
	viz_draw_time_axis(c, &r, x->t0_ns, x->t1_ns);
	heat_hover(c, &r, g, x, z->mt_names[mt], diverging, only_from);
	if (diverging)
		viz_draw_diff_colorbar(c, &bar, vmax, "change in free blocks");
	else
		viz_draw_log_colorbar(c, &bar, vmax, "free blocks (log scale)");
	return ret;
}

static int heat_fig_height(const struct viz_zone *z, uint32_t panels)
{
	return (int)(TOP + panels * (PANEL_TITLE + heat_plot_h(z->nr_orders) + PANEL_AXIS) + 8);
}

int viz_fig_heatmap(const struct fig_zone_data *d, int svg, struct canvas *c,
		struct viz_figure *fig)
{
	const struct viz_zone *z = d->zone;
	char title[160], zt[64];
	int ret;

	zone_title(z, zt, sizeof(zt));
	snprintf(title, sizeof(title), "Free blocks by order over time: run %lld, %s",
		 (long long)d->run_id, zt);
	ret = viz_canvas_begin(c, svg, FIG_W, heat_fig_height(z, z->nr_migratetypes), fig, title);
	if (ret)
		return ret;
	for (uint32_t mt = 0; mt < z->nr_migratetypes && !ret; mt++) {
		struct viz_grid g;
		char pt[96];

		ret = viz_grid_heatmap(d->series, mt, &g);
		if (ret)
			break;
		snprintf(pt, sizeof(pt), "%.48s: %.24s free blocks", zt, z->mt_names[mt]);
		ret = heat_panel(c, mt, z, &g, 0, pt, d->series, z->nr_orders);
		viz_grid_release(&g);
	}
	if (ret) {
		viz_canvas_abort(c);
		return ret;
	}
	return 0;
}

/*
 * Grid @g padded to @ny orders: the added rows hold 0, the free blocks a run
 * without those orders has there (it cannot hold a block of an order it
 * does not have). Rows are orders from 0 up, so the existing rows stay put.
 */
static int grid_pad_orders(struct viz_grid *g, uint32_t ny)
{
	double *v;

	if (g->ny >= ny)
		return 0;
	v = realloc(g->v, (size_t)g->nx * ny * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = (size_t)g->nx * g->ny; i < (size_t)g->nx * ny; i++)
		v[i] = isnan(v[i % g->nx]) ? NAN : 0;
	g->v = v;
	g->ny = ny;
	return 0;
}

int viz_fig_diff_heatmap(const struct fig_zone_data *base, const struct fig_zone_data *other,
		     int svg, struct canvas *c, struct viz_figure *fig)
{
	/*
	 * A what-if may change the number of orders: compare over the union,
	 * so blocks that merged into orders the base lacks show where they went.
	 */
	struct viz_zone both = *base->zone;
	const struct viz_zone *z = &both;
	uint32_t nm = z->nr_migratetypes < other->zone->nr_migratetypes ?
			      z->nr_migratetypes :
			      other->zone->nr_migratetypes;
	uint32_t common = base->zone->nr_orders < other->zone->nr_orders ?
				  base->zone->nr_orders : other->zone->nr_orders;
	char title[200], zt[64];
	int ret;

	if (other->zone->nr_orders > both.nr_orders)
		both.nr_orders = other->zone->nr_orders;
	zone_title(z, zt, sizeof(zt));
	snprintf(title, sizeof(title), "Free-block difference, run %lld minus run %lld: %s",
		 (long long)other->run_id, (long long)base->run_id, zt);
	ret = viz_canvas_begin(c, svg, FIG_W, heat_fig_height(z, nm), fig, title);
	if (ret)
		return ret;
	for (uint32_t mt = 0; mt < nm && !ret; mt++) {
		struct viz_grid ga = { 0 }, gb = { 0 }, gd;
		char pt[128];

		ret = viz_grid_heatmap(base->series, mt, &ga);
		if (!ret)
			ret = viz_grid_heatmap(other->series, mt, &gb);
		if (!ret)
			ret = grid_pad_orders(&ga, both.nr_orders);
		if (!ret)
			ret = grid_pad_orders(&gb, both.nr_orders);
		if (!ret)
			ret = viz_grid_diff(&ga, &gb, &gd);
		viz_grid_release(&ga);
		viz_grid_release(&gb);
		if (ret)
			break;
		snprintf(pt, sizeof(pt), "%s: %s, run %lld - run %lld", zt, z->mt_names[mt],
			 (long long)other->run_id, (long long)base->run_id);
		ret = heat_panel(c, mt, z, &gd, 1, pt, base->series,
				 base->zone->nr_orders > common ? both.nr_orders : common);
		viz_grid_release(&gd);
	}
	if (ret) {
		viz_canvas_abort(c);
		return ret;
	}
	return 0;
}

/*
 * Lines of one per-order quantity of a series, each order in its one colour
 * (viz_order_rgb), with a legend of @legend_orders orders (0: none). With
 * @gap_below, values under it are not drawn: the fragmentation index is -1
 * where a request of that order would succeed, which is no point on its
 * 0..1 scale.
 */
static int per_order_panel(struct canvas *c, const struct viz_rect *r,
			   const struct viz_series *x, const double *v, double lo, double hi,
			   const char *id, const char *title, const char *ylabel,
			   uint32_t legend_orders, double gap_below)
{
	double *line = malloc(x->nr_bins * sizeof(*line) + 1);
	size_t drawn = 0;
	char buf[32];

	if (!line)
		return -ENOMEM;
	viz_canvas_panel_begin(c, id, r);
	viz_canvas_text(c, r->x, r->y - 7, 13, ALIGN_LEFT, 0, "panel-title", title);
	viz_draw_value_axis(c, r, lo, hi, ylabel);
	for (uint32_t o = 0; o < x->nr_orders; o++) {
		double rgb[3];

		for (uint32_t b = 0; b < x->nr_bins; b++) {
			double y = v[(size_t)b * x->nr_orders + o];

			line[b] = y < gap_below ? NAN : y;
			drawn += !isnan(line[b]);
		}
		viz_order_rgb(o, rgb);
		viz_draw_series(c, r, line, x->nr_bins, 1, lo, hi, rgb, 0);
	}
	for (uint32_t o = 0; o < legend_orders; o++) {
		double rgb[3];

		viz_order_rgb(o, rgb);
		snprintf(buf, sizeof(buf), "order %u", o);
		viz_draw_legend_item(c, r->x + r->w + 14, r->y + 10 + o * (r->h - 10) / legend_orders,
				 rgb, 0, 0, buf);
	}
	if (!drawn)
		viz_canvas_text(c, r->x + r->w / 2, r->y + r->h / 2, 12, ALIGN_CENTER, 0, "note",
			    gap_below > -INFINITY ? "-1 at every order: every request would succeed"
						  : "no data");
	viz_draw_frame(c, r);
	viz_draw_time_axis(c, r, x->t0_ns, x->t1_ns);
	free(line);
	return 0;
}

/* The note under a fragmentation index panel: what a missing line means. */
static void frag_gap_note(struct canvas *c, const struct viz_rect *r)
{
	viz_canvas_text(c, r->x, r->y + r->h + 46, 11, ALIGN_LEFT, 0, "note",
		    "no line where the index is -1: a request of that order would succeed");
}

static double series_max(const double *v, size_t n, size_t stride)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i * stride]) && v[i * stride] > m)
			m = v[i * stride];
	return m;
}

/* A value axis' top over @nr series of @n bins: their largest value plus 5%, 1 when all are 0. */
static double series_top(const double *const *v, int nr, size_t n)
{
	double hi = 0;

	for (int i = 0; i < nr; i++) {
		double m = series_max(v[i], n, 1);

		hi = m > hi ? m : hi;
	}
	return hi > 0 ? hi * 1.05 : 1;
}

int viz_fig_indices(const struct fig_zone_data *d, int svg, struct canvas *c,
		struct viz_figure *fig)
{
	const struct viz_series *x = d->series;
	const uint32_t ph = 170, block = PANEL_TITLE + ph + PANEL_AXIS;
	static const char *const wm_names[VIZ_NR_WMARK] = {
		[VIZ_WMARK_MIN] = "min watermark", [VIZ_WMARK_LOW] = "low watermark",
		[VIZ_WMARK_HIGH] = "high watermark", [VIZ_WMARK_BOOST] = "watermark boost",
	};
	static const char *const ctr_names[] = { "failures (all orders)", "fallbacks",
						 "pageblock changes", "kswapd wakes" };
	struct viz_rect r[4];
	double *failsum = NULL, hi, rgb[3];
	char title[160], zt[64], pt[128];
	int ret;

	zone_title(d->zone, zt, sizeof(zt));
	snprintf(title, sizeof(title), "Fragmentation indices and zone state: run %lld, %s",
		 (long long)d->run_id, zt);
	for (int i = 0; i < 4; i++)
		r[i] = (struct viz_rect){ PLOT_X, TOP + i * block + PANEL_TITLE, PLOT_W, ph };
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + 4 * block + 8), fig, title);
	if (ret)
		return ret;
	snprintf(pt, sizeof(pt), "%s: fragmentation index per order", zt);
	ret = per_order_panel(c, &r[0], x, x->frag_index, 0, 1, "frag-index", pt,
			      "fragmentation index", x->nr_orders, 0);
	frag_gap_note(c, &r[0]);
	snprintf(pt, sizeof(pt), "%s: unusable free space index per order", zt);
	if (!ret)
		ret = per_order_panel(c, &r[1], x, x->unusable_index, 0, 1, "unusable-index", pt,
				      "unusable free space index", x->nr_orders, -INFINITY);
	if (ret) {
		viz_canvas_abort(c);
		return ret;
	}

	/* Free pages against the watermarks. */
	{
		const double *fw[1 + VIZ_NR_WMARK] = { x->nr_free_pages };

		for (int i = 0; i < VIZ_NR_WMARK; i++)
			fw[1 + i] = x->wmark[i];
		hi = series_top(fw, 1 + VIZ_NR_WMARK, x->nr_bins);
	}
	viz_canvas_panel_begin(c, "watermarks", &r[2]);
	snprintf(pt, sizeof(pt), "%s: free pages and watermarks", zt);
	viz_canvas_text(c, r[2].x, r[2].y - 7, 13, ALIGN_LEFT, 0, "panel-title", pt);
	viz_draw_value_axis(c, &r[2], 0, hi, "pages");
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0.0, rgb);
	viz_draw_series(c, &r[2], x->nr_free_pages, x->nr_bins, 1, 0, hi, rgb, 0);
	viz_draw_legend_item(c, r[2].x + r[2].w + 14, r[2].y + 12, rgb, 0, 0, "free pages");
	for (int i = 0; i < VIZ_NR_WMARK; i++) {
		viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0.3 + 0.2 * i, rgb);
		viz_draw_series(c, &r[2], x->wmark[i], x->nr_bins, 1, 0, hi, rgb, 1);
		viz_draw_legend_item(c, r[2].x + r[2].w + 14, r[2].y + 30 + 18 * i, rgb, 1, 0,
				 wm_names[i]);
	}
	viz_draw_frame(c, &r[2]);
	viz_draw_time_axis(c, &r[2], x->t0_ns, x->t1_ns);

	/* Cumulative counters. */
	failsum = malloc(x->nr_bins * sizeof(*failsum) + 1);
	if (!failsum) {
		viz_canvas_abort(c);
		return -ENOMEM;
	}
	for (uint32_t b = 0; b < x->nr_bins; b++) {
		failsum[b] = 0;
		for (uint32_t o = 0; o < x->nr_orders; o++)
			failsum[b] += x->failures[(size_t)b * x->nr_orders + o];
	}
	{
		const double *ctr[] = { failsum, x->fallbacks, x->pageblock_changes,
					x->kswapd_wakes };

		hi = series_top(ctr, 4, x->nr_bins);
		viz_canvas_panel_begin(c, "counters", &r[3]);
		snprintf(pt, sizeof(pt), "%s: cumulative events", zt);
		viz_canvas_text(c, r[3].x, r[3].y - 7, 13, ALIGN_LEFT, 0, "panel-title", pt);
		viz_draw_value_axis(c, &r[3], 0, hi, "events (count)");
		for (int i = 0; i < 4; i++) {
			viz_migratetype_rgb((uint32_t)i, rgb);
			viz_draw_series(c, &r[3], ctr[i], x->nr_bins, 1, 0, hi, rgb, i & 1);
			viz_draw_legend_item(c, r[3].x + r[3].w + 14, r[3].y + 12 + 18 * i, rgb,
					 i & 1, 0, ctr_names[i]);
		}
		viz_draw_frame(c, &r[3]);
		viz_draw_time_axis(c, &r[3], x->t0_ns, x->t1_ns);
	}
	free(failsum);
	return 0;
}

int viz_fig_compare_indices(const struct fig_zone_data *a, const struct fig_zone_data *b, int svg,
			struct canvas *c, struct viz_figure *fig)
{
	const uint32_t ph = 170, block = PANEL_TITLE + ph + PANEL_AXIS, pw = 340;
	const struct fig_zone_data *runs[2] = { a, b };
	uint32_t legend = a->series->nr_orders > b->series->nr_orders ? a->series->nr_orders :
									 b->series->nr_orders;
	char title[200], zt[64], pt[128], id[32];
	int ret;

	zone_title(a->zone, zt, sizeof(zt));
	snprintf(title, sizeof(title), "Indices side by side: run %lld (base) and run %lld, %s",
		 (long long)a->run_id, (long long)b->run_id, zt);
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + 2 * block + 8), fig, title);
	if (ret)
		return ret;
	for (int row = 0; row < 2 && !ret; row++) {
		for (int col = 0; col < 2 && !ret; col++) {
			const struct fig_zone_data *d = runs[col];
			struct viz_rect r = { PLOT_X + col * (pw + 90), TOP + row * block + PANEL_TITLE,
					      pw, ph };

			snprintf(id, sizeof(id), "%s-run%lld", row ? "unusable" : "frag",
				 (long long)d->run_id);
			snprintf(pt, sizeof(pt), "run %lld%s: %s", (long long)d->run_id,
				 col ? "" : " (base)",
				 row ? "unusable free space index" : "fragmentation index");
			/* one legend, of the union of both runs' orders */
			ret = per_order_panel(c, &r, d->series,
					      row ? d->series->unusable_index :
						    d->series->frag_index,
					      0, 1, id, pt,
					      row ? "unusable free space index" :
						    "fragmentation index",
					      col == 1 ? legend : 0, row ? -INFINITY : 0);
			if (!row && col == 0)
				frag_gap_note(c, &r);
		}
	}
	if (ret) {
		viz_canvas_abort(c);
		return ret;
	}
	return 0;
}

/* Hover cells of a memory map: at most about this many per map. */
#define MEMMAP_HOVER_CELLS 256

/*
 * Hover values of a memory map: each row split into segments of k
 * consecutive pageblocks (k = 1 for a small map), each saying its pfn range,
 * migratetypes and free pages.
 */
static void memmap_hover(struct canvas *c, const struct viz_zone *z, const struct viz_pbmap *m,
			 const struct viz_pbgrid *g, const struct viz_rect *r, double cs)
{
	uint32_t per_row = MEMMAP_HOVER_CELLS / (g->rows ? g->rows : 1);
	uint32_t k = per_row ? (g->cols + per_row - 1) / per_row : g->cols;

	for (uint32_t row = 0; row < g->rows; row++) {
		for (uint32_t col = 0; col < g->cols; col += k) {
			uint32_t first = row * g->cols + col, n = 0, sep = 0;
			uint32_t counts[VIZ_MAX_MIGRATETYPES] = { 0 };
			uint64_t free_pages = 0, pfn = z->start_pfn + (uint64_t)first * m->pageblock_pages;
			struct viz_rect cell = { r->x + col * cs, r->y + row * cs, 0, cs };
			struct membuf t = { 0 };

			while (n < k && col + n < g->cols && first + n < m->nr_pageblocks) {
				counts[m->migratetype[first + n] % VIZ_MAX_MIGRATETYPES]++;
				free_pages += m->free_pages[first + n++];
			}
			if (!n)
				break;
			cell.w = n * cs;
			viz_membuf_printf(&t, "pfn %#llx-%#llx: ", (unsigned long long)pfn,
				      (unsigned long long)(pfn + (uint64_t)n * m->pageblock_pages - 1));
			if (n > 1)
				viz_membuf_printf(&t, "%u pageblocks (", n);
			for (uint32_t mt = 0; mt < VIZ_MAX_MIGRATETYPES; mt++) {
				if (!counts[mt])
					continue;
				if (n > 1)
					viz_membuf_printf(&t, "%s%u ", sep++ ? ", " : "", counts[mt]);
				viz_membuf_printf(&t, "%s", mt < z->nr_migratetypes ? z->mt_names[mt] : "?");
			}
			viz_membuf_printf(&t, "%s, %llu of %llu pages free", n > 1 ? ")" : "",
				      (unsigned long long)free_pages,
				      (unsigned long long)n * m->pageblock_pages);
			if (!t.failed)
				viz_canvas_hover(c, &cell, c->fig->name, (const char *)t.data);
			viz_membuf_release(&t);
		}
	}
}

int viz_fig_memmap(const struct viz_zone *z, int64_t run_id, const struct viz_pbmap *m, int svg,
	       struct canvas *c,
		struct viz_figure *fig)
{
	struct viz_pbgrid g;
	struct viz_rect r;
	char title[200], zt[64], tbuf[32], buf[64];
	double cs, legend_y;
	uint32_t col_step;
	int ret, h, label_every;

	ret = viz_pbgrid_layout(m, 0, &g);
	if (ret)
		return ret;
	cs = floor(PLOT_W / (double)g.cols);
	cs = cs < 1 ? 1 : cs > 16 ? 16 : cs;
	if (g.cols * cs > PLOT_W)
		cs = (double)PLOT_W / g.cols;
	r = (struct viz_rect){ PLOT_X + 10, TOP + 48, g.cols * cs, g.rows * cs };
	legend_y = TOP + 16;
	h = (int)(r.y + r.h + PANEL_AXIS + 8);
	zone_title(z, zt, sizeof(zt));
	viz_fmt_seconds(m->t_ns, tbuf, sizeof(tbuf));
	snprintf(title, sizeof(title), "Pageblocks by migratetype and free space: run %lld, %s, t = %s s",
		 (long long)run_id, zt, tbuf);
	ret = viz_canvas_begin(c, svg, FIG_W, h, fig, title);
	if (ret) {
		viz_pbgrid_release(&g);
		return ret;
	}
	viz_canvas_panel_begin(c, "memmap", &r);
	/* Legend: migratetype colours, then how free space shades a cell. */
	for (uint32_t mt = 0; mt < z->nr_migratetypes; mt++) {
		double rgb[3];

		viz_migratetype_rgb(mt, rgb);
		viz_draw_legend_item(c, PLOT_X + 10 + mt * 118, legend_y, rgb, 0, 1, z->mt_names[mt]);
	}
	for (int k = 0; k <= 2; k++) {
		double rgb[3], f = k / 2.0;

		viz_migratetype_rgb(1, rgb);
		for (int i = 0; i < 3; i++)
			rgb[i] += (1 - rgb[i]) * 0.85 * f;
		snprintf(buf, sizeof(buf), "%d%% free", k * 50);
		viz_draw_legend_item(c, PLOT_X + 10 + k * 100, legend_y + 20, rgb, 0, 1, buf);
	}
	for (uint32_t i = 0; i < g.rows * g.cols; i++) {
		double rgb[3], f = g.free_frac[i], gap = cs >= 4 ? 1 : 0;

		if (g.mt[i] == 255)
			continue;
		viz_migratetype_rgb(g.mt[i], rgb);
		for (int k = 0; k < 3; k++)
			rgb[k] += (1 - rgb[k]) * 0.85 * f;
		cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
		cairo_rectangle(c->cr, r.x + (i % g.cols) * cs, r.y + (double)(i / g.cols) * cs,
				cs - gap, cs - gap);
		cairo_fill(c->cr);
	}
	viz_draw_frame(c, &r);
	memmap_hover(c, z, m, &g, &r, cs);
	label_every = (int)ceil(14.0 / cs);
	for (uint32_t row = 0; row < g.rows; row += (uint32_t)label_every) {
		uint64_t pfn = z->start_pfn + (uint64_t)row * g.cols * m->pageblock_pages;

		snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)pfn);
		viz_canvas_text(c, r.x - 5, r.y + row * cs + cs / 2 + 4, 10, ALIGN_RIGHT, 0, "tick",
			    buf);
	}
	viz_canvas_text(c, PLOT_X - 70, r.y + r.h / 2, 12, ALIGN_CENTER, 1, "ylabel",
		    "pfn at row start");
	col_step = (uint32_t)viz_nice_step(g.cols, 6);
	for (uint32_t col = 0; col <= g.cols; col += col_step ? col_step : 1) {
		snprintf(buf, sizeof(buf), "%u", col);
		viz_canvas_text(c, r.x + col * cs, r.y + r.h + 14, 10, ALIGN_CENTER, 0, "tick", buf);
	}
	snprintf(buf, sizeof(buf), "pageblock in row (%u pages = %u KiB each at 4 KiB pages)",
		 m->pageblock_pages, m->pageblock_pages * 4);
	viz_canvas_text(c, r.x + r.w / 2, r.y + r.h + 32, 12, ALIGN_CENTER, 0, "xlabel", buf);
	viz_pbgrid_release(&g);
	return 0;
}

int viz_fig_fidelity(int64_t run_id, const struct viz_fidelity_row *rows, size_t n, int svg,
		 struct canvas *c,
		struct viz_figure *fig)
{
	const uint32_t ph = 170, block = PANEL_TITLE + ph + PANEL_AXIS;
	int64_t t0 = rows[0].t_ns, t1 = rows[n - 1].t_ns;
	double dmax = 0, rgb[3];
	char title[128];
	int ret;

	for (size_t i = 0; i < n; i++)
		if (rows[i].distance > dmax)	/* false for NaN */
			dmax = rows[i].distance;
	dmax = dmax > 0 ? dmax * 1.1 : 0.01;
	snprintf(title, sizeof(title), "Shadow-mode fidelity: run %lld", (long long)run_id);
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + 2 * block + 8), fig, title);
	if (ret)
		return ret;
	for (int p = 0; p < 2; p++) {
		struct viz_rect r = { PLOT_X, TOP + p * block + PANEL_TITLE, PLOT_W, ph };
		double lo = 0, hi = p ? 1 : dmax;

		viz_canvas_panel_begin(c, p ? "pfn-rate" : "distance", &r);
		viz_canvas_text(c, r.x, r.y - 7, 13, ALIGN_LEFT, 0, "panel-title",
			    p ? "pfn prediction rate (cumulative)" :
				"checkpoint distance: sum |model - kernel| / sum kernel");
		viz_draw_value_axis(c, &r, lo, hi, p ? "fraction predicted" : "relative distance");
		viz_palette_rgb(VIZ_PALETTE_VIRIDIS, p ? 0.55 : 0.0, rgb);
		cairo_save(c->cr);
		cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
		cairo_set_line_width(c->cr, 1.5);
		/* Unknown (NaN) or negative values are gaps in the line. */
		for (int dots = 0; dots < 2; dots++) {
			int pen = 0;

			for (size_t i = 0; i < n; i++) {
				double v = p ? rows[i].pfn_rate : rows[i].distance;
				/* in double: t1 - t0 overflows int64 for extreme stored times */
				double x = r.x + (t1 > t0 ? ((double)rows[i].t_ns - (double)t0) /
								    ((double)t1 - (double)t0) :
							    0.5) * r.w;
				double y = r.y + r.h - (v - lo) / (hi - lo) * r.h;

				if (!(v >= 0)) {
					pen = 0;
					continue;
				}
				if (dots && n <= 200) {
					cairo_arc(c->cr, x, y, 2.5, 0, 2 * M_PI);
					cairo_fill(c->cr);
				} else if (!dots) {
					if (pen)
						cairo_line_to(c->cr, x, y);
					else
						cairo_move_to(c->cr, x, y);
					pen = 1;
				}
			}
			if (!dots)
				cairo_stroke(c->cr);
		}
		cairo_restore(c->cr);
		viz_draw_legend_item(c, r.x + r.w + 14, r.y + 12, rgb, 0, 0,
				 p ? "prediction rate" : "distance");
		viz_draw_frame(c, &r);
		viz_draw_time_axis(c, &r, t0, t1 > t0 ? t1 : t0); /* it widens an empty span */
	}
	return 0;
}

int viz_fig_attribution(struct viz_store *s, int64_t run_id, int svg, struct canvas *c,
		    struct viz_figure *fig)
{
	static const char *const what[] = { "allocations", "failed allocations",
					    "fallback/steal events (extfrag)" };
	const size_t top = 10;
	const uint32_t ph = 10 * 20, block = PANEL_TITLE + ph + PANEL_AXIS;
	const double px = 330, pw = 560;
	char title[128], buf[96];
	int ret;

	snprintf(title, sizeof(title), "Who allocates and who fragments: run %lld",
		 (long long)run_id);
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + 3 * block + 8), fig, title);
	if (ret)
		return ret;
	for (int p = 0; p < 3 && !ret; p++) {
		struct viz_rect r = { px, TOP + p * block + PANEL_TITLE, pw, ph };
		struct viz_comm_row *rows = NULL;
		size_t n = 0;
		double hi = 0, rgb[3];

		ret = viz_attribution_by_comm(s, run_id, (enum viz_attr_order)p, top, &rows, &n);
		if (ret)
			break;
		for (size_t i = 0; i < n; i++) {
			uint64_t v = p == 0 ? rows[i].allocations :
				     p == 1 ? rows[i].failures : rows[i].extfrag;

			hi = (double)v > hi ? (double)v : hi;
		}
		hi = hi > 0 ? hi * 1.1 : 1;
		snprintf(buf, sizeof(buf), "top %zu commands by %s", top, what[p]);
		viz_canvas_panel_begin(c, p == 0 ? "allocations" : p == 1 ? "failures" : "extfrag",
				   &r);
		viz_canvas_text(c, r.x - px + PLOT_X - 60, r.y - 7, 13, ALIGN_LEFT, 0, "panel-title",
			    buf);
		viz_migratetype_rgb((uint32_t)(p == 0 ? 1 : p == 1 ? 0 : 4), rgb);
		for (size_t i = 0; i < n; i++) {
			uint64_t v = p == 0 ? rows[i].allocations :
				     p == 1 ? rows[i].failures : rows[i].extfrag;
			double y = r.y + i * 20 + 3;
			struct viz_rect bar = { r.x, y, (double)v / hi * r.w, 14 };

			cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
			cairo_rectangle(c->cr, bar.x, bar.y, bar.w, bar.h);
			cairo_fill(c->cr);
			snprintf(buf, sizeof(buf), "%s (%u pid%s)", rows[i].comm, rows[i].nr_pids,
				 rows[i].nr_pids == 1 ? "" : "s");
			viz_canvas_text(c, r.x - 6, y + 11, 11, ALIGN_RIGHT, 0, "tick", buf);
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
			viz_canvas_text(c, r.x + (double)v / hi * r.w + 4, y + 11, 10, ALIGN_LEFT, 0,
				    "value", buf);
		}
		if (!n)
			viz_canvas_text(c, r.x + r.w / 2, r.y + r.h / 2, 12, ALIGN_CENTER, 0, "note",
				    "none recorded");
		viz_draw_frame(c, &r);
		{
			double step = viz_nice_step(hi, 5);

			for (double v = 0; v <= hi; v += step) {
				viz_fmt_number(v, buf, sizeof(buf));
				viz_canvas_text(c, r.x + v / hi * r.w, r.y + r.h + 14, 10,
					    ALIGN_CENTER, 0, "tick", buf);
			}
		}
		snprintf(buf, sizeof(buf), "%s (count) by command, its pids merged", what[p]);
		viz_canvas_text(c, r.x + r.w / 2, r.y + r.h + 32, 12, ALIGN_CENTER, 0, "xlabel", buf);
		free(rows);
	}
	if (ret) {
		viz_canvas_abort(c);
		return ret;
	}
	return 0;
}

/* The label of a sweep point on the x axis: its values, joined by "/". */
static void sweep_point_label(const struct viz_sweep *sw, size_t i, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (uint32_t k = 0; k < sw->nr_keys && pos < len; k++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", k ? "/" : "",
					sw->points[i].values[k]);
}

static double sweep_value(const struct viz_sweep_point *p, int outcome)
{
	switch (outcome) {
	case 0:
		return (double)p->high_free_end;
	case 1:
		return (double)p->failures;
	case 2:
		return (double)p->fallbacks;
	default:
		return p->unusable_worst;
	}
}

int viz_fig_sweep(const struct viz_sweep *sw, int svg, struct canvas *c, struct viz_figure *fig)
{
	static const char *const what[] = {
		"pages free in blocks of order >= 9, end", "failed allocations",
		"fallbacks", "worst unusable free space index (order 9)" };
	static const char *const ids[] = { "high-free", "failures", "fallbacks", "unusable" };
	const uint32_t ph = 150, block = PANEL_TITLE + ph + PANEL_AXIS + 14;
	char title[360], keys[200], buf[160]; /* title: 8 + 120 + 13 + keys */
	size_t pos = 0;
	int ret;

	keys[0] = '\0';
	for (uint32_t k = 0; k < sw->nr_keys && pos < sizeof(keys); k++)
		pos += (size_t)snprintf(keys + pos, sizeof(keys) - pos, "%s%s", k ? " / " : "",
					sw->keys[k]);
	snprintf(title, sizeof(title), "Sweep of %.120s: outcome by %s", sw->trace_path, keys);
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + 4 * block + 8), fig, title);
	if (ret)
		return ret;
	for (int o = 0; o < 4; o++) {
		struct viz_rect r = { PLOT_X, TOP + o * block + PANEL_TITLE, PLOT_W, ph };
		double hi = 0, rgb[3];
		size_t n = sw->nr_points;

		for (size_t i = 0; i < n; i++)
			if (sweep_value(&sw->points[i], o) > hi)
				hi = sweep_value(&sw->points[i], o);
		hi = o == 3 ? 1 : hi > 0 ? hi * 1.1 : 1;
		viz_canvas_panel_begin(c, ids[o], &r);
		viz_canvas_text(c, r.x, r.y - 7, 13, ALIGN_LEFT, 0, "panel-title", what[o]);
		viz_draw_value_axis(c, &r, 0, hi, o == 3 ? "index" : "count");
		viz_migratetype_rgb((uint32_t)o + 1, rgb);
		cairo_save(c->cr);
		cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
		cairo_set_line_width(c->cr, 1.5);
		for (size_t i = 0; i < n; i++) {
			double v = sweep_value(&sw->points[i], o);
			double x = r.x + (i + 0.5) * r.w / n, y = r.y + r.h - v / hi * r.h;

			if (i)
				cairo_line_to(c->cr, x, y);
			else
				cairo_move_to(c->cr, x, y);
		}
		cairo_stroke(c->cr);
		for (size_t i = 0; i < n; i++) {
			double v = sweep_value(&sw->points[i], o), x = r.x + (i + 0.5) * r.w / n;
			struct viz_rect cell = { r.x + i * r.w / n, r.y, r.w / n, r.h };
			char label[120];

			cairo_arc(c->cr, x, r.y + r.h - v / hi * r.h, 3.5, 0, 2 * M_PI);
			cairo_fill(c->cr);
			sweep_point_label(sw, i, label, sizeof(label));
			if (o == 3)
				snprintf(buf, sizeof(buf), "run %lld (%s): %.3f",
					 (long long)sw->points[i].run_id, label, v);
			else
				snprintf(buf, sizeof(buf), "run %lld (%s): %.0f",
					 (long long)sw->points[i].run_id, label, v);
			viz_canvas_hover(c, &cell, c->fig->name, buf);
			viz_canvas_text(c, x, r.y + r.h + 14, 10, ALIGN_CENTER, 0, "tick", label);
			cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
		}
		cairo_restore(c->cr);
		viz_draw_frame(c, &r);
		viz_canvas_text(c, r.x + r.w / 2, r.y + r.h + 32, 12, ALIGN_CENTER, 0, "xlabel", keys);
	}
	return 0;
}

/* ---- reclaim and compaction over time ----------------------------------- */

/* Colours (Okabe-Ito): reclaimed vermillion, migrated blue, kswapd orange / sky blue. */
static const double act_reclaim_rgb[3] = { 0.835, 0.369, 0.0 };
static const double act_migrate_rgb[3] = { 0.0, 0.447, 0.698 };
static const double act_awake_rgb[VIZ_NR_ACTIVITY_SOURCES][3] = { { 0.902, 0.624, 0.0 },
								  { 0.337, 0.706, 0.914 } };
static const char *const act_src_words[VIZ_NR_ACTIVITY_SOURCES] = { "model", "kernel" };

/* The largest page count any run's lines reach, for one scale across panels. */
static double activity_top(const struct fig_activity_data *runs, size_t n)
{
	double hi = 1;	/* series_top()'s value when every series is 0 */

	for (size_t i = 0; i < n; i++) {
		const double *v[2 * VIZ_NR_ACTIVITY_SOURCES];
		int nr = 0;

		for (int k = 0; k < VIZ_NR_ACTIVITY_SOURCES; k++) {
			const struct viz_activity_series *x = &runs[i].act->src[k];

			if (x->present) {
				v[nr++] = x->reclaimed;
				v[nr++] = x->migrated;
			}
		}
		if (nr) {
			double top = series_top(v, nr, runs[i].act->nr_bins);

			hi = top > hi ? top : hi;
		}
	}
	return hi;
}

/* kswapd awake: a band over the bins, in the panel's upper half (model) or lower half (kernel) when both show. */
static void activity_awake(struct canvas *c, const struct viz_rect *r, const struct viz_activity *a,
			   int k, int both)
{
	const struct viz_activity_series *x = &a->src[k];
	double y = r->y + (both && k == VIZ_ACTIVITY_TRACE ? r->h / 2 : 0), h = both ? r->h / 2 : r->h;

	cairo_save(c->cr);
	for (uint32_t b = 0; b < a->nr_bins; b++) {
		if (!(x->kswapd_awake[b] > 0))
			continue;
		cairo_set_source_rgba(c->cr, act_awake_rgb[k][0], act_awake_rgb[k][1],
				      act_awake_rgb[k][2], 0.15 + 0.35 * x->kswapd_awake[b]);
		cairo_rectangle(c->cr, r->x + r->w * b / a->nr_bins, y, r->w / a->nr_bins + 0.01, h);
		cairo_fill(c->cr);
	}
	cairo_restore(c->cr);
}

/* Compaction runs: a tick where the count grew, at the bottom (model) or the top (kernel), with a hover. */
static void activity_ticks(struct canvas *c, const struct viz_rect *r, const struct viz_activity *a,
			   int k, const char *href)
{
	const struct viz_activity_series *x = &a->src[k];
	double prev = (double)x->compaction_runs_before;
	double y0 = k == VIZ_ACTIVITY_TRACE ? r->y : r->y + r->h - 12;
	double span = (double)a->t1_ns - (double)a->t0_ns + 1;
	char text[160];

	cairo_save(c->cr);
	cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	cairo_set_line_width(c->cr, 1.5);
	for (uint32_t b = 0; b < a->nr_bins; b++) {
		double v = x->compaction_runs[b], px = r->x + (b + 0.5) * r->w / a->nr_bins;
		struct viz_rect cell = { px - 3, y0, 6, 12 };

		if (isnan(v) || !(v > prev)) {
			prev = isnan(v) ? prev : v;
			continue;
		}
		cairo_move_to(c->cr, px, y0);
		cairo_line_to(c->cr, px, y0 + 12);
		cairo_stroke(c->cr);
		snprintf(text, sizeof(text), "%s: %.0f compaction run%s by t = %.3f s", act_src_words[k],
			 v - prev, v - prev == 1 ? "" : "s",
			 ((double)a->t0_ns + span * (b + 1) / a->nr_bins) / 1e9);
		viz_canvas_hover(c, &cell, href, text);
		prev = v;
	}
	cairo_restore(c->cr);
}

static void activity_legend(struct canvas *c, const struct viz_rect *r, const struct viz_activity *a)
{
	double x = r->x + r->w + 14, y = r->y + 12;
	char buf[64];

	for (int k = 0; k < VIZ_NR_ACTIVITY_SOURCES; k++) {
		const struct viz_activity_series *s = &a->src[k];

		if (!s->present)
			continue;
		snprintf(buf, sizeof(buf), "reclaimed (%s%s)", act_src_words[k],
			 s->reclaim_direct_only ? ", direct" : "");
		viz_draw_legend_item(c, x, y, act_reclaim_rgb, k, 0, buf);
		snprintf(buf, sizeof(buf), "migrated (%s)", act_src_words[k]);
		viz_draw_legend_item(c, x, y + 18, act_migrate_rgb, k, 0, buf);
		snprintf(buf, sizeof(buf), "kswapd awake (%s)", act_src_words[k]);
		viz_draw_legend_item(c, x, y + 36, act_awake_rgb[k], 0, 1, buf);
		y += 60;
	}
	viz_canvas_text(c, x, y, 11, ALIGN_LEFT, 0, "legend", "| compaction run");
}

int viz_fig_activity(const struct fig_activity_data *runs, size_t n, int svg, struct canvas *c,
		     struct viz_figure *fig)
{
	const uint32_t ph = 170, block = PANEL_TITLE + ph + PANEL_AXIS;
	double hi = activity_top(runs, n);
	char title[160], pt[128], id[48];
	int ret;

	if (!n || n > 2)
		return -EINVAL;
	if (n == 1)
		snprintf(title, sizeof(title), "Reclaim and compaction over time: run %lld",
			 (long long)runs[0].run_id);
	else
		snprintf(title, sizeof(title), "Reclaim and compaction over time: run %lld (base) "
			 "and run %lld", (long long)runs[0].run_id, (long long)runs[1].run_id);
	ret = viz_canvas_begin(c, svg, FIG_W, (int)(TOP + n * block + 8), fig, title);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		const struct viz_activity *a = runs[i].act;
		struct viz_rect r = { PLOT_X, TOP + i * block + PANEL_TITLE, PLOT_W, ph };
		int both = a->src[0].present && a->src[1].present;

		snprintf(id, sizeof(id), "activity-run%lld", (long long)runs[i].run_id);
		viz_canvas_panel_begin(c, id, &r);
		snprintf(pt, sizeof(pt), "run %lld%s: pages reclaimed and migrated (cumulative)",
			 (long long)runs[i].run_id, runs[i].base ? " (base)" : "");
		viz_canvas_text(c, r.x, r.y - 7, 13, ALIGN_LEFT, 0, "panel-title", pt);
		for (int k = 0; k < VIZ_NR_ACTIVITY_SOURCES; k++)
			if (a->src[k].present)
				activity_awake(c, &r, a, k, both);
		viz_draw_value_axis(c, &r, 0, hi, "pages");
		for (int k = 0; k < VIZ_NR_ACTIVITY_SOURCES; k++) {
			const struct viz_activity_series *x = &a->src[k];

			if (!x->present)
				continue;
			viz_draw_series(c, &r, x->reclaimed, a->nr_bins, 1, 0, hi, act_reclaim_rgb, k);
			viz_draw_series(c, &r, x->migrated, a->nr_bins, 1, 0, hi, act_migrate_rgb, k);
			activity_ticks(c, &r, a, k, fig->name);
		}
		if (!a->src[0].present && !a->src[1].present)
			viz_canvas_text(c, r.x + r.w / 2, r.y + r.h / 2, 12, ALIGN_CENTER, 0, "note",
					"no reclaim or compaction recorded in this run");
		viz_draw_frame(c, &r);
		viz_draw_time_axis(c, &r, a->t0_ns, a->t1_ns);
		activity_legend(c, &r, a);
	}
	return 0;
}
