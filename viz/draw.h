/* SPDX-License-Identifier: MIT */
/*
 * The drawing layer under every figure: one Cairo surface (PNG or SVG) plus
 * a record of the text drawn. Cairo writes SVG text as glyph outlines, which
 * neither search nor screen readers can read, so every label is also written
 * into a transparent <text> layer of the SVG at the same place, grouped by
 * panel: that layer is what makes an SVG's titles, axes and legends findable
 * (and what the tests parse). Private to viz/.
 */
#ifndef BUDDYSCOPE_VIZ_DRAW_H
#define BUDDYSCOPE_VIZ_DRAW_H

#include <cairo.h>

#include "viz_internal.h"

struct membuf {
	unsigned char *data;
	size_t len;
	size_t cap;
	int failed;
};

void viz_membuf_add(struct membuf *b, const void *p, size_t n);
void viz_membuf_printf(struct membuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void viz_membuf_escape(struct membuf *b, const char *text);	/* XML/HTML escaping */
void viz_membuf_release(struct membuf *b);

enum canvas_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

struct canvas {
	cairo_surface_t *surf;
	cairo_t *cr;
	int svg;
	int width;
	int height;
	struct membuf out;	/* SVG bytes as Cairo writes them */
	struct membuf text;	/* the text layer */
	struct membuf areas;	/* <area> elements of the HTML image map (viz_canvas_hover) */
	int in_panel;
	struct viz_figure *fig;
};

/* Start a figure of w x h pixels; fig (kind, name set by caller) gets sizes. */
int viz_canvas_begin(struct canvas *c, int svg, int w, int h, struct viz_figure *fig,
		 const char *title);
/* Group what follows as a panel; plot is its data area (recorded in fig). */
void viz_canvas_panel_begin(struct canvas *c, const char *id, const struct viz_rect *plot);
void viz_canvas_panel_end(struct canvas *c);
/* Draw text; cls is its role ("title", "xlabel", "ylabel", "tick", "legend"). */
void viz_canvas_text(struct canvas *c, double x, double y, double size, enum canvas_align align,
		 int vertical, const char *cls, const char *text);
/*
 * A hover value for a rectangle of the figure: a transparent <rect> with a
 * <title> in the SVG's text layer, and an <area title> of the HTML image map
 * that links to the figure's own anchor @href (borrowed).
 */
void viz_canvas_hover(struct canvas *c, const struct viz_rect *cell, const char *href,
		  const char *text);
/* Finish and write the file; sha receives its SHA-256. */
int viz_canvas_finish(struct canvas *c, const char *path, char sha[65]);
void viz_canvas_abort(struct canvas *c);

/* Axes and guides. Times are nanoseconds, drawn in seconds. */
void viz_draw_frame(struct canvas *c, const struct viz_rect *r);
void viz_draw_time_axis(struct canvas *c, const struct viz_rect *r, int64_t t0_ns, int64_t t1_ns);
void viz_draw_value_axis(struct canvas *c, const struct viz_rect *r, double lo, double hi,
		     const char *label);
/* Vertical log colour bar for 0..vmax free blocks. */
void viz_draw_log_colorbar(struct canvas *c, const struct viz_rect *r, double vmax,
		       const char *label);
/* Diverging colour bar for -vmax..vmax on a symmetric log scale. */
void viz_draw_diff_colorbar(struct canvas *c, const struct viz_rect *r, double vmax,
			const char *label);
/* A legend entry: swatch (solid or dashed line) and text. */
void viz_draw_legend_item(struct canvas *c, double x, double y, const double rgb[3], int dashed,
		      int box, const char *text);
/*
 * A line over nr equally spaced points across r, value range lo..hi;
 * NaN points break the line.
 */
void viz_draw_series(struct canvas *c, const struct viz_rect *r, const double *v, size_t nr,
		 size_t stride, double lo, double hi, const double rgb[3], int dashed);
/* Pick 1, 2 or 5 x 10^k so that span / step is about n. */
double viz_nice_step(double span, int n);
void viz_fmt_number(double v, char *buf, size_t len);

#endif
