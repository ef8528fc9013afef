/*
 * poster.c - a contest's join poster for notice boards and WeChat groups:
 * an A4 portrait page with the contest's title, a unit's name under it (a
 * unit's own poster), the QR code of the join URL, the contest code in
 * large type, how to join, and the URL in small print. The same page as a
 * PDF (cairo's PDF surface: the Chinese text is real text, pango with
 * embedded font subsets) or as a PNG (cairo's image surface at 150 dpi).
 *
 * Each call makes its own pango font map and context (draw.c), so posters
 * are rendered on any thread, several at once.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "certs_int.h"

#define POSTER_W 595.28 /* A4 portrait, points */
#define POSTER_H 841.89
#define POSTER_PNG_W 1240 /* 150 dpi */
#define POSTER_PNG_H 1754
#define POSTER_CODE_FONT "DejaVu Sans Mono, Noto Sans Mono CJK SC, monospace"

static const double red[3] = {0.73, 0.07, 0.10};
static const double ink[3] = {0.13, 0.13, 0.13};
static const double grey[3] = {0.40, 0.40, 0.40};

static void band(cairo_t *cr, double y, double h)
{
	cairo_set_source_rgb(cr, red[0], red[1], red[2]);
	cairo_rectangle(cr, 0, y, POSTER_W, h);
	cairo_fill(cr);
}

static int draw_poster(PangoContext *ctx, cairo_t *cr, const certs_poster *p)
{
	static const double white[3] = {1, 1, 1};
	static const certs_box title = {40, 36, POSTER_W - 80, 120, 40, 14, CERTS_CENTER};
	static const certs_box unit = {50, 168, POSTER_W - 100, 44, 22, 9, CERTS_CENTER};
	static const certs_box scan = {50, 546, POSTER_W - 100, 28, 20, 10, CERTS_CENTER};
	static const certs_box code_label = {50, 580, POSTER_W - 100, 22, 15, 9, CERTS_CENTER};
	static const certs_box code = {50, 602, POSTER_W - 100, 86, 66, 20, CERTS_CENTER};
	static const certs_box hint = {60, 698, POSTER_W - 120, 58, 14, 7, CERTS_CENTER};
	static const certs_box url = {50, 768, POSTER_W - 100, 24, 10, 5, CERTS_CENTER};
	static const certs_box foot = {50, 806, POSTER_W - 100, 22, 10, 6, CERTS_CENTER};
	const double qr = 300;

	pango_cairo_update_context(cr, ctx);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	band(cr, 0, 160);
	certs_draw_text(ctx, cr, p->title, CERTS_DEFAULT_FONT_TITLE, &title, white, 1);
	if (p->subtitle && *p->subtitle)
		certs_draw_text(ctx, cr, p->subtitle, CERTS_DEFAULT_FONT_BODY, &unit, ink, 1);
	cairo_set_source_rgb(cr, red[0], red[1], red[2]);
	cairo_set_line_width(cr, 3);
	cairo_rectangle(cr, (POSTER_W - qr) / 2 - 8, 222, qr + 16, qr + 16);
	cairo_stroke(cr);
	int rc = certs_draw_qr(cr, p->url, (POSTER_W - qr) / 2, 230, qr);
	certs_draw_text(ctx, cr, "扫码参加竞赛", CERTS_DEFAULT_FONT_BODY, &scan, ink, 1);
	certs_draw_text(ctx, cr, "竞赛代码", CERTS_DEFAULT_FONT_BODY, &code_label, grey, 0);
	certs_draw_text(ctx, cr, p->code, POSTER_CODE_FONT, &code, red, 1);
	if (p->hint && *p->hint)
		certs_draw_text(ctx, cr, p->hint, CERTS_DEFAULT_FONT_BODY, &hint, ink, 0);
	certs_draw_text(ctx, cr, p->url, POSTER_CODE_FONT, &url, grey, 0);
	band(cr, POSTER_H - 40, 40);
	certs_draw_text(ctx, cr, "SkillArena 劳动竞赛", CERTS_DEFAULT_FONT_BODY, &foot, white, 0);
	if (rc == CERTS_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = CERTS_E_RENDER;
	return rc;
}

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	certs_buf *b = closure;
	certs_buf_append(b, data, len);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* 0 when every text is valid UTF-8 of a sensible length and the URL and code are there. */
static int poster_check(const certs_poster *p)
{
	const char *texts[5] = {p->title, p->subtitle, p->code, p->url, p->hint};
	if (!p->title || !p->code || !*p->code || !p->url || !*p->url)
		return CERTS_E_INVALID;
	for (int i = 0; i < 5; i++)
		if (texts[i] && certs_utf8_count(texts[i], strlen(texts[i])) < 0)
			return CERTS_E_UTF8;
	for (int i = 0; i < 5; i++)
		if (texts[i] && strlen(texts[i]) > 4096)
			return CERTS_E_INVALID;
	return CERTS_OK;
}

int certs_render_poster(const certs_poster *p, int format, unsigned char **out, size_t *len)
{
	if (!p || !out || !len || (format != CERTS_POSTER_PDF && format != CERTS_POSTER_PNG))
		return CERTS_E_INVALID;
	*out = NULL;
	*len = 0;
	int rc = poster_check(p);
	if (rc)
		return rc;
	PangoFontMap *fm = NULL;
	PangoContext *ctx = NULL;
	certs_buf b = {0};
	cairo_surface_t *s;
	if ((rc = certs_pango_new(&fm, &ctx))) {
		if (fm)
			g_object_unref(fm);
		return rc;
	}
	if (format == CERTS_POSTER_PDF) {
		s = cairo_pdf_surface_create_for_stream(buf_write, &b, POSTER_W, POSTER_H);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p->title);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, p->url);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "SkillArena");
	} else
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, POSTER_PNG_W, POSTER_PNG_H);
	cairo_t *cr = cairo_create(s);
	if (format == CERTS_POSTER_PNG)
		cairo_scale(cr, POSTER_PNG_W / POSTER_W, POSTER_PNG_H / POSTER_H);
	rc = draw_poster(ctx, cr, p);
	cairo_destroy(cr);
	if (format == CERTS_POSTER_PNG && rc == CERTS_OK &&
	    cairo_surface_write_to_png_stream(s, buf_write, &b) != CAIRO_STATUS_SUCCESS)
		rc = b.oom ? CERTS_E_NOMEM : CERTS_E_RENDER;
	cairo_surface_finish(s);
	if (rc == CERTS_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = b.oom ? CERTS_E_NOMEM : CERTS_E_RENDER;
	cairo_surface_destroy(s);
	g_object_unref(ctx);
	g_object_unref(fm);
	if (rc) {
		certs_buf_free(&b);
		return rc;
	}
	*out = (unsigned char *)certs_buf_take(&b, len);
	return *out ? CERTS_OK : CERTS_E_NOMEM;
}
