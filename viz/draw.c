// SPDX-License-Identifier: MIT
/*
 * The drawing layer: surfaces that render into memory (so the file's
 * checksum is computed from the bytes written), text drawn by Cairo and
 * mirrored into the SVG text layer, axes with ticks in round numbers, colour
 * bars and legends. Fonts come from fontconfig's "DejaVu Sans" (Debian's
 * fonts-dejavu-core, pulled in by cairo) so labels look the same everywhere.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>

#include "draw.h"

#define FONT "DejaVu Sans"

void viz_membuf_add(struct membuf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			b->failed = 1;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void viz_membuf_printf(struct membuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		viz_membuf_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (!big) {
			b->failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		viz_membuf_add(b, big, (size_t)n);
		free(big);
	}
}

/* The entity that stands for @ch in XML/HTML text and attributes, or NULL. */
static const char *xml_entity(char ch)
{
	static const char *const entity[] = { ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;",
					      ['"'] = "&quot;" };

	return (unsigned char)ch < sizeof(entity) / sizeof(entity[0]) ? entity[(unsigned char)ch]
								       : NULL;
}

void viz_membuf_escape(struct membuf *b, const char *t)
{
	for (; t && *t; t++) {
		const char *e = xml_entity(*t);

		if (e)
			viz_membuf_add(b, e, strlen(e));
		else if ((unsigned char)*t < 0x20 && *t != '\n' && *t != '\t')
			viz_membuf_add(b, "?", 1);
		else
			viz_membuf_add(b, t, 1);
	}
}

void viz_membuf_release(struct membuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int len)
{
	struct membuf *b = closure;

	viz_membuf_add(b, data, len);
	return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

int viz_canvas_begin(struct canvas *c, int svg, int w, int h, struct viz_figure *fig,
		 const char *title)
{
	memset(c, 0, sizeof(*c));
	c->svg = svg;
	c->width = w;
	c->height = h;
	c->fig = fig;
	fig->width = w;
	fig->height = h;
	fig->nr_panels = 0;
	if (svg)
		c->surf = cairo_svg_surface_create_for_stream(write_mem, &c->out, w, h);
	else
		c->surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(c->surf);
		c->surf = NULL;
		return -ENOMEM;
	}
	c->cr = cairo_create(c->surf);
	cairo_set_source_rgb(c->cr, 1, 1, 1);
	cairo_paint(c->cr);
	cairo_select_font_face(c->cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	viz_membuf_printf(&c->text, "<title>");
	viz_membuf_escape(&c->text, title);
	viz_membuf_printf(&c->text, "</title>\n<g id=\"buddyscope-text\" class=\"%s\" "
				"fill-opacity=\"0\" font-family=\"DejaVu Sans\">\n",
		      fig->kind);
	viz_canvas_text(c, w / 2.0, 24, 16, ALIGN_CENTER, 0, "title", title);
	return 0;
}

void viz_canvas_panel_begin(struct canvas *c, const char *id, const struct viz_rect *plot)
{
	viz_canvas_panel_end(c);
	viz_membuf_printf(&c->text, "<g class=\"panel\" id=\"");
	viz_membuf_escape(&c->text, id);
	viz_membuf_printf(&c->text, "\" data-x=\"%.1f\" data-y=\"%.1f\" data-w=\"%.1f\" data-h=\"%.1f\">\n",
		      plot->x, plot->y, plot->w, plot->h);
	c->in_panel = 1;
	if (c->fig->nr_panels < VIZ_MAX_PANELS)
		c->fig->plot[c->fig->nr_panels++] = *plot;
}

void viz_canvas_panel_end(struct canvas *c)
{
	if (!c->in_panel)
		return;
	viz_membuf_printf(&c->text, "</g>\n");
	c->in_panel = 0;
}

void viz_canvas_text(struct canvas *c, double x, double y, double size, enum canvas_align align,
		 int vertical, const char *cls, const char *text)
{
	cairo_text_extents_t ext;
	double dx;

	cairo_save(c->cr);
	cairo_set_font_size(c->cr, size);
	cairo_select_font_face(c->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       !strcmp(cls, "title") || !strcmp(cls, "panel-title") ?
				       CAIRO_FONT_WEIGHT_BOLD :
				       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_text_extents(c->cr, text, &ext);
	dx = align == ALIGN_LEFT ? 0 : align == ALIGN_CENTER ? -ext.x_advance / 2 : -ext.x_advance;
	if (strcmp(cls, "note-on-dark"))
		cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
	else
		cairo_set_source_rgb(c->cr, 1, 1, 1);
	cairo_translate(c->cr, x, y);
	if (vertical)
		cairo_rotate(c->cr, -M_PI / 2);
	cairo_move_to(c->cr, dx, 0);
	cairo_show_text(c->cr, text);
	cairo_restore(c->cr);

	viz_membuf_printf(&c->text, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\"", cls,
		      x, y, size);
	if (align != ALIGN_LEFT)
		viz_membuf_printf(&c->text, " text-anchor=\"%s\"",
			      align == ALIGN_CENTER ? "middle" : "end");
	if (vertical)
		viz_membuf_printf(&c->text, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
	viz_membuf_printf(&c->text, ">");
	viz_membuf_escape(&c->text, text);
	viz_membuf_printf(&c->text, "</text>\n");
}

void viz_canvas_hover(struct canvas *c, const struct viz_rect *r, const char *href, const char *text)
{
	viz_membuf_printf(&c->text, "<rect class=\"hover\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\"><title>", r->x, r->y, r->w, r->h);
	viz_membuf_escape(&c->text, text);
	viz_membuf_printf(&c->text, "</title></rect>\n");
	viz_membuf_printf(&c->areas, "<area shape=\"rect\" coords=\"%d,%d,%d,%d\" href=\"#",
		      (int)floor(r->x), (int)floor(r->y), (int)ceil(r->x + r->w),
		      (int)ceil(r->y + r->h));
	viz_membuf_escape(&c->areas, href);
	viz_membuf_printf(&c->areas, "\" title=\"");
	viz_membuf_escape(&c->areas, text);
	viz_membuf_printf(&c->areas, "\" alt=\"");
	viz_membuf_escape(&c->areas, text);
	viz_membuf_printf(&c->areas, "\">\n");
}

void viz_canvas_abort(struct canvas *c)
{
	if (c->cr)
		cairo_destroy(c->cr);
	if (c->surf)
		cairo_surface_destroy(c->surf);
	viz_membuf_release(&c->out);
	viz_membuf_release(&c->text);
	viz_membuf_release(&c->areas);
	memset(c, 0, sizeof(*c));
}

int viz_canvas_finish(struct canvas *c, const char *path, char sha[65])
{
	struct membuf file = { 0 };
	int ret = 0;

	viz_canvas_panel_end(c);
	viz_membuf_printf(&c->text, "</g>\n");
	cairo_destroy(c->cr);
	c->cr = NULL;
	if (c->svg) {
		const char *end;

		cairo_surface_finish(c->surf);
		if (cairo_surface_status(c->surf) != CAIRO_STATUS_SUCCESS || c->out.failed ||
		    !c->out.data) {
			ret = -ENOMEM;
			goto out;
		}
		/* The text layer goes last, above the drawing, inside <svg>. */
		end = strstr((const char *)c->out.data, "</svg>");
		if (!end) {
			ret = -EINVAL;
			goto out;
		}
		viz_membuf_add(&file, c->out.data, (size_t)(end - (const char *)c->out.data));
		viz_membuf_add(&file, c->text.data, c->text.len);
		viz_membuf_add(&file, end, c->out.len - (size_t)(end - (const char *)c->out.data));
	} else {
		cairo_surface_flush(c->surf);
		if (cairo_surface_write_to_png_stream(c->surf, write_mem, &file) !=
		    CAIRO_STATUS_SUCCESS) {
			ret = -EIO;
			goto out;
		}
	}
	if (file.failed) {
		ret = -ENOMEM;
		goto out;
	}
	viz_sha256_hex(file.data, file.len, sha);
	ret = viz_file_write(path, file.data, file.len);
out:
	viz_membuf_release(&file);
	cairo_surface_destroy(c->surf);
	c->surf = NULL;
	viz_membuf_release(&c->out);
	viz_membuf_release(&c->text);
	viz_membuf_release(&c->areas);
	return ret;
}

double viz_nice_step(double span, int n)
{
	double raw, mag, f;

	if (!(span > 0) || n < 1)
		return 1;
	raw = span / n;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

void viz_fmt_number(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (a >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (a >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%g", fabs(v) < 1e-12 ? 0.0 : v);
}

void viz_draw_frame(struct canvas *c, const struct viz_rect *r)
{
	cairo_set_source_rgb(c->cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(c->cr, 1);
	cairo_rectangle(c->cr, floor(r->x) - 0.5, floor(r->y) - 0.5, ceil(r->w) + 1, ceil(r->h) + 1);
	cairo_stroke(c->cr);
}

static void tick_line(struct canvas *c, double x0, double y0, double x1, double y1)
{
	cairo_set_source_rgb(c->cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(c->cr, 1);
	cairo_move_to(c->cr, x0, y0);
	cairo_line_to(c->cr, x1, y1);
	cairo_stroke(c->cr);
}

void viz_draw_time_axis(struct canvas *c, const struct viz_rect *r, int64_t t0, int64_t t1)
{
	/* t1 + 1 ns without the int64 overflow at INT64_MAX */
	double s0 = (double)t0 / 1e9, s1 = (double)t1 / 1e9 + 1e-9, step;
	char buf[32];
	int ticks = 0;

	if (!(s1 > s0))
		s1 = nextafter(s0, INFINITY);
	step = viz_nice_step(s1 - s0, 6);
	/* the axis' range in the text layer: figures meant to share a time axis can be checked for it */
	viz_membuf_printf(&c->text, "<g class=\"time-axis\" data-t0-ns=\"%lld\" data-t1-ns=\"%lld\" "
			  "data-x=\"%.1f\" data-w=\"%.1f\"/>\n", (long long)t0, (long long)t1, r->x, r->w);

	/* far from 0 a tiny step no longer moves v in a double: stop after a few ticks */
	for (double v = ceil(s0 / step) * step; v <= s1 + step * 1e-9 && ticks < 32;
	     v += step, ticks++) {
		double x = r->x + (v - s0) / (s1 - s0) * r->w;

		if (x > r->x + r->w + 0.5)
			break;
		tick_line(c, x, r->y + r->h, x, r->y + r->h + 4);
		snprintf(buf, sizeof(buf), "%g", fabs(v) < step * 1e-6 ? 0.0 : v);
		viz_canvas_text(c, x, r->y + r->h + 16, 11, ALIGN_CENTER, 0, "tick", buf);
	}
	viz_canvas_text(c, r->x + r->w / 2, r->y + r->h + 32, 12, ALIGN_CENTER, 0, "xlabel",
		    "time since trace start (s)");
}

void viz_draw_value_axis(struct canvas *c, const struct viz_rect *r, double lo, double hi,
		     const char *label)
{
	double step = viz_nice_step(hi - lo, 4);
	char buf[32];

	for (double v = ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
		double y = r->y + r->h - (v - lo) / (hi - lo) * r->h;

		tick_line(c, r->x - 4, y, r->x, y);
		cairo_save(c->cr);
		cairo_set_source_rgba(c->cr, 0.5, 0.5, 0.5, 0.35);
		cairo_move_to(c->cr, r->x, y);
		cairo_line_to(c->cr, r->x + r->w, y);
		cairo_stroke(c->cr);
		cairo_restore(c->cr);
		viz_fmt_number(v, buf, sizeof(buf));
		viz_canvas_text(c, r->x - 7, y + 4, 11, ALIGN_RIGHT, 0, "tick", buf);
	}
	viz_canvas_text(c, r->x - 50, r->y + r->h / 2, 12, ALIGN_CENTER, 1, "ylabel", label);
}

/* A colour bar's ramp in @palette, its top the palette's end, one pixel row at a time, framed. */
static void colorbar_ramp(struct canvas *c, const struct viz_rect *r, enum viz_palette palette)
{
	for (int i = 0; i < (int)r->h; i++) {
		double rgb[3];

		viz_palette_rgb(palette, 1 - (i + 0.5) / r->h, rgb);
		cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
		cairo_rectangle(c->cr, r->x, r->y + i, r->w, 1);
		cairo_fill(c->cr);
	}
	viz_draw_frame(c, r);
}

void viz_draw_log_colorbar(struct canvas *c, const struct viz_rect *r, double vmax,
		       const char *label)
{
	char buf[32];

	colorbar_ramp(c, r, VIZ_PALETTE_VIRIDIS);
	for (double v = 0; v <= vmax * 1.0001 && vmax > 0; v = v ? v * 10 : 1) {
		double y = r->y + r->h - viz_heat_position(v, vmax) * r->h;

		/* Labels closer than a line of text to the one below are dropped. */
		if (v > 0 && viz_heat_position(v, vmax) * r->h < 13)
			continue;
		if (v > 0 && (1 - viz_heat_position(v, vmax)) * r->h < 13)
			continue;
		tick_line(c, r->x + r->w, y, r->x + r->w + 4, y);
		viz_fmt_number(v, buf, sizeof(buf));
		viz_canvas_text(c, r->x + r->w + 7, y + 4, 10, ALIGN_LEFT, 0, "tick", buf);
	}
	viz_fmt_number(vmax, buf, sizeof(buf));
	viz_canvas_text(c, r->x + r->w + 7, r->y - 4, 10, ALIGN_LEFT, 0, "tick", buf);
	viz_canvas_text(c, r->x + r->w + 52, r->y + r->h / 2, 11, ALIGN_CENTER, 1, "legend", label);
}

void viz_draw_diff_colorbar(struct canvas *c, const struct viz_rect *r, double vmax,
			const char *label)
{
	double lmax = log10(1 + vmax);
	char buf[32];

	colorbar_ramp(c, r, VIZ_PALETTE_PUOR);
	for (double v = 0; v <= vmax * 1.0001 && vmax > 0; v = v ? v * 10 : 1) {
		for (int sign = -1; sign <= 1; sign += 2) {
			double pos = lmax > 0 ? sign * log10(1 + v) / lmax : 0;
			double y = r->y + r->h / 2 - pos * r->h / 2;

			/* 0 once; nothing crowding the end labels drawn below */
			if ((!v && sign < 0) || (v > 0 && fabs(pos) * r->h / 2 > r->h / 2 - 13))
				continue;
			tick_line(c, r->x + r->w, y, r->x + r->w + 4, y);
			viz_fmt_number(sign * v, buf, sizeof(buf));
			viz_canvas_text(c, r->x + r->w + 7, y + 4, 10, ALIGN_LEFT, 0, "tick", buf);
		}
	}
	if (vmax > 0) {
		viz_fmt_number(vmax, buf, sizeof(buf));
		viz_canvas_text(c, r->x + r->w + 7, r->y - 4, 10, ALIGN_LEFT, 0, "tick", buf);
		viz_fmt_number(-vmax, buf, sizeof(buf));
		viz_canvas_text(c, r->x + r->w + 7, r->y + r->h + 10, 10, ALIGN_LEFT, 0, "tick", buf);
	}
	viz_canvas_text(c, r->x + r->w + 52, r->y + r->h / 2, 11, ALIGN_CENTER, 1, "legend", label);
}

void viz_draw_legend_item(struct canvas *c, double x, double y, const double rgb[3], int dashed,
		      int box, const char *text)
{
	cairo_save(c->cr);
	cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
	if (box) {
		cairo_rectangle(c->cr, x, y - 9, 14, 10);
		cairo_fill_preserve(c->cr);
		cairo_set_source_rgb(c->cr, 0.3, 0.3, 0.3);
		cairo_set_line_width(c->cr, 0.5);
		cairo_stroke(c->cr);
	} else {
		static const double dash[] = { 4, 3 };

		cairo_set_line_width(c->cr, 2);
		if (dashed)
			cairo_set_dash(c->cr, dash, 2, 0);
		cairo_move_to(c->cr, x, y - 4);
		cairo_line_to(c->cr, x + 18, y - 4);
		cairo_stroke(c->cr);
	}
	cairo_restore(c->cr);
	viz_canvas_text(c, x + 22, y, 11, ALIGN_LEFT, 0, "legend", text);
}

void viz_draw_series(struct canvas *c, const struct viz_rect *r, const double *v, size_t nr,
		 size_t stride, double lo, double hi, const double rgb[3], int dashed)
{
	static const double dash[] = { 5, 3 };
	int pen = 0;

	if (!nr || !(hi > lo))
		return;
	cairo_save(c->cr);
	cairo_rectangle(c->cr, r->x, r->y - 1, r->w, r->h + 2);
	cairo_clip(c->cr);
	cairo_set_source_rgb(c->cr, rgb[0], rgb[1], rgb[2]);
	cairo_set_line_width(c->cr, 1.5);
	if (dashed)
		cairo_set_dash(c->cr, dash, 2, 0);
	for (size_t i = 0; i < nr; i++) {
		double y = v[i * stride];
		double px = r->x + ((double)i + 0.5) / (double)nr * r->w;
		double py;

		if (isnan(y)) {
			pen = 0;
			continue;
		}
		py = r->y + r->h - (y - lo) / (hi - lo) * r->h;
		if (pen)
			cairo_line_to(c->cr, px, py);
		else
			cairo_move_to(c->cr, px, py);
		pen = 1;
	}
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}
