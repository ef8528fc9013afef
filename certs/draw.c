/*
 * draw.c - what the certificate pages (render.c) and the posters (poster.c)
 * draw alike: a pango context set up for exact layout (72 dpi: sizes in
 * points are PDF units; no hinting, so a page lays out the same in a PDF
 * and in a PNG at any scale), text fitted into a box, and a QR code as
 * vector squares.
 */
#include <stdlib.h>

#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "certs_int.h"

int certs_pango_new(PangoFontMap **fontmap, PangoContext **ctx)
{
	*fontmap = pango_cairo_font_map_new();
	*ctx = *fontmap ? pango_font_map_create_context(*fontmap) : NULL;
	if (!*ctx)
		return CERTS_E_RENDER;
	pango_cairo_context_set_resolution(*ctx, 72.0); /* sizes in points = PDF units */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(*ctx, fo);
	cairo_font_options_destroy(fo);
	return CERTS_OK;
}

/* Lays text out in the box at the largest size that fits; draws it. */
void certs_draw_text(PangoContext *ctx, cairo_t *cr, const char *text, const char *family, const certs_box *b,
		     const double rgb[3], int bold)
{
	if (!text || !*text)
		return;
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(family);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_width(l, (int)(b->w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, b->align == CERTS_CENTER  ? PANGO_ALIGN_CENTER
				      : b->align == CERTS_RIGHT ? PANGO_ALIGN_RIGHT
								: PANGO_ALIGN_LEFT);
	/* Sizes in quarter points: binary search of the largest that fits. */
	int lo = (int)(b->min_pt * 4), hi = (int)(b->max_pt * 4), best = -1;
	int ph = 0, pw = 0;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		pango_font_description_set_absolute_size(fd, mid / 4.0 * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_layout_get_size(l, &pw, &ph);
		if (ph <= b->h * PANGO_SCALE && pw <= b->w * PANGO_SCALE)
			best = mid, lo = mid + 1;
		else
			hi = mid - 1;
	}
	for (int q = (int)(b->min_pt * 4) - 1; best < 0 && q >= 16;
	     q--) { /* below the range, never outside the box */
		pango_font_description_set_absolute_size(fd, q / 4.0 * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_layout_get_size(l, &pw, &ph);
		if (ph <= b->h * PANGO_SCALE && pw <= b->w * PANGO_SCALE)
			best = q;
	}
	if (best < 0)
		best = 16;
	pango_font_description_set_absolute_size(fd, best / 4.0 * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_layout_get_size(l, &pw, &ph);
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
	cairo_move_to(cr, b->x, b->y + (b->h - (double)ph / PANGO_SCALE) / 2);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
}

int certs_draw_qr(cairo_t *cr, const char *url, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return CERTS_E_RENDER;
	int w = q->width;
	double m = size / (w + 8); /* four modules of quiet zone on each side */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int row = 0; row < w; row++)
		for (int col = 0; col < w;) {
			if (!(q->data[row * w + col] & 1)) {
				col++;
				continue;
			}
			int start = col;
			while (col < w && (q->data[row * w + col] & 1))
				col++;
			cairo_rectangle(cr, x + (start + 4) * m, y + (row + 4) * m, (col - start) * m, m);
		}
	cairo_fill(cr); /* one path: the modules' union, no seams */
	QRcode_free(q);
	return CERTS_OK;
}
