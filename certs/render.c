/*
 * render.c - certificates as A4 landscape PDF pages, with cairo's PDF surface
 * and pango (so Chinese is real, extractable text with a ToUnicode map).
 *
 * Text fitted into boxes and the QR code are drawn by draw.c (shared with
 * the posters of poster.c).
 *
 * Page (points, 841.89 x 595.28): a double border; the title; the name line
 * ("<name>同志："); the unit; the body paragraph; the award, large; the
 * closing line; at the bottom right the issuer (the record's: it is signed)
 * and the template's date line with the seal
 * image over them; at the bottom left the QR code to VERIFY_BASE/ID (vector
 * squares, one path per code), "扫码验证", the certificate number and the
 * verify URL in small print. Every text is fitted into its box: the largest
 * size in the box's range at which the wrapped text fits the box, smaller
 * (down to 4 pt) when even the range's minimum does not - a 64-character
 * name wraps onto two lines and never leaves its box.
 *
 * Fonts: the template's pango family lists; the defaults are TrueType CJK
 * faces (AR PL UKai/UMing) because cairo 1.16 subsets TrueType to a few KB
 * per PDF but keeps every subroutine slot of a CFF font (Noto CJK: ~28,000
 * local subrs, ~50 KB compressed per face per PDF, whatever the text).
 *
 * A renderer is one thread's: its own pango font map and context, its own
 * decoded seal surface. The signed JWS goes into the PDF's Info dictionary
 * (/Keywords) for the offline verifier; the creation date is the issue time,
 * so one certificate renders to the same bytes every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "certs_int.h"

#define PAGE_W 841.89
#define PAGE_H 595.28

struct certs_renderer {
	const certs_template *t;
	PangoFontMap *fontmap;
	PangoContext *ctx;
	cairo_surface_t *seal; /* NULL without a seal; A1 when seal_mono */
	int seal_mono;         /* one ink colour: drawn as that colour through a stencil */
	double seal_rgb[3];
	cairo_surface_t *doc; /* multi-page document under way */
	cairo_t *doc_cr;
};

/* ---------- setup ---------- */

/* Scales an image down so its longer side is at most max pixels. */
static cairo_surface_t *seal_scaled(cairo_surface_t *img, int max)
{
	int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
	if (w <= max && h <= max)
		return cairo_surface_reference(img);
	double k = (double)max / (w > h ? w : h);
	int nw = (int)(w * k + 0.5), nh = (int)(h * k + 0.5);
	cairo_surface_t *out =
		cairo_image_surface_create(CAIRO_FORMAT_ARGB32, nw > 0 ? nw : 1, nh > 0 ? nh : 1);
	cairo_t *cr = cairo_create(out);
	cairo_scale(cr, k, k);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_destroy(cr);
	return out;
}

/* A seal is usually one ink colour: then it becomes a 1-bit stencil of that
 * colour (a PDF /ImageMask), at 480 pixels about 290 dpi on the page and
 * 29 KB of raw data per PDF instead of 700 KB of RGB + alpha, the largest
 * cost of a certificate otherwise. A seal of several colours stays RGBA. */
static void seal_prepare(certs_renderer *r, cairo_surface_t *img)
{
	cairo_surface_t *s = seal_scaled(img, 480);
	cairo_surface_destroy(img);
	cairo_surface_flush(s);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *px = cairo_image_surface_get_data(s);
	double sum[3] = {0, 0, 0}, n = 0;
	int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t v = *(const uint32_t *)(px + y * stride + 4 * x);
			unsigned a = v >> 24;
			if (a < 128)
				continue;
			int c[3] = {(int)(((v >> 16) & 0xff) * 255 / a), (int)(((v >> 8) & 0xff) * 255 / a),
				    (int)((v & 0xff) * 255 / a)};
			for (int k = 0; k < 3; k++) {
				sum[k] += c[k];
				lo[k] = c[k] < lo[k] ? c[k] : lo[k];
				hi[k] = c[k] > hi[k] ? c[k] : hi[k];
			}
			n++;
		}
	int mono = n > 0;
	for (int k = 0; k < 3 && mono; k++)
		mono = hi[k] - lo[k] <= 64;
	if (!mono) {
		r->seal = s;
		return;
	}
	cairo_surface_t *m = cairo_image_surface_create(CAIRO_FORMAT_A1, w, h);
	cairo_surface_flush(m);
	unsigned char *mp = cairo_image_surface_get_data(m);
	int mstride = cairo_image_surface_get_stride(m);
	memset(mp, 0, (size_t)mstride * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if ((*(const uint32_t *)(px + y * stride + 4 * x) >> 24) >= 128) {
				uint32_t *word = (uint32_t *)(mp + y * mstride) + x / 32;
				*word |= 1u << (x % 32); /* A1: bit x%32 of a native word (little endian) */
			}
	cairo_surface_mark_dirty(m);
	cairo_surface_destroy(s);
	for (int k = 0; k < 3; k++)
		r->seal_rgb[k] = sum[k] / n / 255.0;
	r->seal = m;
	r->seal_mono = 1;
}

void certs_renderer_free(certs_renderer *r)
{
	if (!r)
		return;
	if (r->doc_cr)
		cairo_destroy(r->doc_cr);
	if (r->doc)
		cairo_surface_destroy(r->doc);
	if (r->seal)
		cairo_surface_destroy(r->seal);
	if (r->ctx)
		g_object_unref(r->ctx);
	if (r->fontmap)
		g_object_unref(r->fontmap);
	free(r);
}

int certs_renderer_new(certs_renderer **out, const certs_template *t)
{
	if (!out || !t)
		return CERTS_E_INVALID;
	*out = NULL;
	certs_renderer *r = calloc(1, sizeof *r);
	if (!r)
		return CERTS_E_NOMEM;
	r->t = t;
	if (certs_pango_new(&r->fontmap, &r->ctx)) {
		certs_renderer_free(r);
		return CERTS_E_RENDER;
	}
	if (t->seal_png) {
		cairo_surface_t *img = certs_png_decode(t->seal_png, t->seal_len);
		if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(img);
			certs_renderer_free(r);
			return CERTS_E_TEMPLATE;
		}
		seal_prepare(r, img);
	}
	*out = r;
	return CERTS_OK;
}

/* ---------- text ---------- */

typedef struct var {
	const char *key, *value;
} var;

/* pattern with each {key} of vars replaced by its value (malloc'ed; NULL: no memory). */
static char *substitute(const char *pattern, const var *vars, size_t n)
{
	certs_buf b = {0};
	for (const char *p = pattern; *p;) {
		size_t i = 0;
		for (; i < n; i++)
			if (strncmp(p, vars[i].key, strlen(vars[i].key)) == 0)
				break;
		if (i < n) {
			certs_buf_puts(&b, vars[i].value);
			p += strlen(vars[i].key);
		} else {
			certs_buf_putc(&b, *p++);
		}
	}
	return certs_buf_take(&b, NULL);
}

/* Replaces {contest} {code} {award} {unit} {result} in pattern. */
static char *expand(const char *pattern, const certs_record *rec)
{
	char score[48], result[160];
	certs_milli_text(rec->score_milli, score, sizeof score);
	if (rec->has_score && rec->rank > 0)
		snprintf(result, sizeof result, "以 %s 分的成绩名列第 %d 名", score, rec->rank);
	else if (rec->has_score)
		snprintf(result, sizeof result, "取得 %s 分的成绩", score);
	else if (rec->rank > 0)
		snprintf(result, sizeof result, "名列第 %d 名", rec->rank);
	else
		snprintf(result, sizeof result, "表现优异");
	const var vars[] = {{"{contest}", rec->contest_title},
			    {"{code}", rec->contest_code},
			    {"{award}", rec->award},
			    {"{unit}", rec->unit ? rec->unit : ""},
			    {"{result}", result}};
	return substitute(pattern, vars, sizeof vars / sizeof vars[0]);
}

/* The template's date line with the issue date in China Standard Time (no DST). */
static char *date_line(const char *pattern, int64_t t)
{
	time_t tt = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&tt, &tm);
	char y[16], m[16], d[16];
	snprintf(y, sizeof y, "%d", tm.tm_year + 1900);
	snprintf(m, sizeof m, "%d", tm.tm_mon + 1);
	snprintf(d, sizeof d, "%d", tm.tm_mday);
	const var vars[] = {{"{year}", y}, {"{month}", m}, {"{day}", d}};
	return substitute(pattern, vars, sizeof vars / sizeof vars[0]);
}

/* ---------- QR code, seal, border ---------- */

static void draw_seal(const certs_renderer *r, cairo_t *cr, double cx, double cy, double size)
{
	int w = cairo_image_surface_get_width(r->seal), h = cairo_image_surface_get_height(r->seal);
	if (w <= 0 || h <= 0)
		return;
	double s = size / (w > h ? w : h);
	cairo_save(cr);
	cairo_translate(cr, cx - w * s / 2, cy - h * s / 2);
	cairo_scale(cr, s, s);
	if (r->seal_mono) {
		cairo_set_source_rgb(cr, r->seal_rgb[0], r->seal_rgb[1], r->seal_rgb[2]);
		cairo_mask_surface(cr, r->seal, 0, 0);
	} else {
		cairo_set_source_surface(cr, r->seal, 0, 0);
		cairo_paint_with_alpha(cr, 0.92);
	}
	cairo_restore(cr);
}

static void draw_border(cairo_t *cr, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
	cairo_set_line_width(cr, 4);
	cairo_rectangle(cr, 22, 22, PAGE_W - 44, PAGE_H - 44);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, 31, 31, PAGE_W - 62, PAGE_H - 62);
	cairo_stroke(cr);
}

/* ---------- the page ---------- */

static int draw_page(certs_renderer *r, cairo_t *cr, const certs_record *rec)
{
	const certs_template *t = r->t;
	int part = rec->kind == CERTS_KIND_PARTICIPATION;
	pango_cairo_update_context(cr, r->ctx);
	draw_border(cr, t->border_color);

	static const certs_box title_box = {120, 48, PAGE_W - 240, 72, 46, 20, CERTS_CENTER};
	static const certs_box name_box = {100, 132, PAGE_W - 200, 62, 30, 14, CERTS_LEFT};
	static const certs_box unit_box = {130, 196, PAGE_W - 260, 36, 16, 9, CERTS_LEFT};
	static const certs_box body_box = {130, 236, PAGE_W - 260, 84, 19, 10, CERTS_LEFT};
	static const certs_box award_box = {150, 322, PAGE_W - 300, 56, 38, 14, CERTS_CENTER};
	static const certs_box closing_box = {130, 382, PAGE_W - 260, 28, 16, 9, CERTS_LEFT};
	static const certs_box issuer_box = {500, 432, 270, 30, 17, 8, CERTS_CENTER};
	static const certs_box date_box = {500, 464, 270, 24, 15, 8, CERTS_CENTER};
	static const certs_box qrlabel_box = {60, 512, 100, 14, 9, 6, CERTS_CENTER};
	static const certs_box number_box = {170, 494, 320, 14, 8, 5, CERTS_LEFT};
	static const certs_box url_box = {170, 510, 320, 22, 7, 4, CERTS_LEFT};

	certs_draw_text(r->ctx, cr, part ? t->title_participation : t->title, t->font_title, &title_box,
			t->color, 0);
	char *name_line = NULL, *unit_line = NULL;
	if (asprintf(&name_line, "%s%s", rec->name, t->name_suffix) < 0)
		name_line = NULL;
	if (rec->unit && *rec->unit && asprintf(&unit_line, "单位：%s", rec->unit) < 0)
		unit_line = NULL;
	char *body = expand(part ? t->body_participation : t->body, rec);
	char *url = certs_record_verify_url(rec);
	char *number = NULL, *date = date_line(t->date, rec->issued_at);
	if (asprintf(&number, "证书编号：%s", rec->id) < 0)
		number = NULL;
	int rc = (name_line && body && url && number && date && (unit_line || !rec->unit || !*rec->unit))
			 ? CERTS_OK
			 : CERTS_E_NOMEM;
	if (rc == CERTS_OK) {
		certs_draw_text(r->ctx, cr, name_line, t->font_title, &name_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, unit_line, t->font_body, &unit_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, body, t->font_body, &body_box, t->text_color, 0);
		if (!part)
			certs_draw_text(r->ctx, cr, rec->award, t->font_title, &award_box, t->color, 0);
		certs_draw_text(r->ctx, cr, part ? t->closing_participation : t->closing, t->font_body,
				&closing_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, rec->issuer, t->font_body, &issuer_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, date, t->font_body, &date_box, t->text_color, 0);
		if (r->seal)
			draw_seal(r, cr, issuer_box.x + issuer_box.w / 2, 458, 118);
		rc = certs_draw_qr(cr, url, 62, 418, 96);
		certs_draw_text(r->ctx, cr, t->qr_label, t->font_body, &qrlabel_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, number, t->font_body, &number_box, t->text_color, 0);
		certs_draw_text(r->ctx, cr, url, t->font_body, &url_box, t->text_color, 0);
	}
	free(name_line);
	free(unit_line);
	free(body);
	free(url);
	free(number);
	free(date);
	if (rc == CERTS_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = CERTS_E_RENDER;
	return rc;
}

/* ---------- one certificate per PDF ---------- */

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	certs_buf *b = closure;
	certs_buf_append(b, data, len);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *s, const certs_record *rec, const char *jws,
			 const certs_template *t)
{
	char *title = NULL, *subject = NULL, date[32];
	if (asprintf(&title, "%s - %s",
		     rec->kind == CERTS_KIND_PARTICIPATION ? t->title_participation : t->title,
		     rec->name) < 0)
		title = NULL;
	if (asprintf(&subject, "%s %s", rec->contest_title, rec->award) < 0)
		subject = NULL;
	certs_time_rfc3339(rec->issued_at, date, sizeof date);
	if (title)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	if (subject)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subject);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, rec->issuer);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "SkillArena certificates");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	if (jws)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, jws);
	free(title);
	free(subject);
}

int certs_render_pdf(certs_renderer *r, const certs_record *rec, const char *jws, unsigned char **pdf,
		     size_t *len)
{
	if (!r || !rec || !pdf || !len)
		return CERTS_E_INVALID;
	*pdf = NULL;
	int rc = certs_record_check(rec, NULL);
	if (rc)
		return rc;
	certs_buf b = {0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, &b, PAGE_W, PAGE_H);
	set_metadata(s, rec, jws, r->t);
	cairo_t *cr = cairo_create(s);
	rc = draw_page(r, cr, rec);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (rc == CERTS_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = b.oom ? CERTS_E_NOMEM : CERTS_E_RENDER;
	cairo_surface_destroy(s);
	if (rc) {
		certs_buf_free(&b);
		return rc;
	}
	*pdf = (unsigned char *)certs_buf_take(&b, len);
	return *pdf ? CERTS_OK : CERTS_E_NOMEM;
}

int certs_render_pdf_file(certs_renderer *r, const certs_record *rec, const char *jws, const char *path)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rc = certs_render_pdf(r, rec, jws, &pdf, &len);
	if (rc)
		return rc;
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(pdf, 1, len, f) != len)
		rc = CERTS_E_IO;
	if (f && fclose(f) != 0)
		rc = CERTS_E_IO;
	free(pdf);
	return rc;
}

/* ---------- many certificates in one PDF (printing) ---------- */

int certs_render_doc_begin(certs_renderer *r, const char *path)
{
	if (!r || !path || r->doc)
		return CERTS_E_INVALID;
	r->doc = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(r->doc) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(r->doc);
		r->doc = NULL;
		return CERTS_E_IO;
	}
	cairo_pdf_surface_set_metadata(r->doc, CAIRO_PDF_METADATA_CREATOR, "SkillArena certificates");
	r->doc_cr = cairo_create(r->doc);
	return CERTS_OK;
}

int certs_render_doc_page(certs_renderer *r, const certs_record *rec)
{
	if (!r || !r->doc || !rec)
		return CERTS_E_INVALID;
	int rc = certs_record_check(rec, NULL);
	if (rc)
		return rc;
	cairo_save(r->doc_cr);
	rc = draw_page(r, r->doc_cr, rec);
	cairo_restore(r->doc_cr);
	cairo_show_page(r->doc_cr);
	return rc;
}

int certs_render_doc_end(certs_renderer *r)
{
	if (!r || !r->doc)
		return CERTS_E_INVALID;
	cairo_destroy(r->doc_cr);
	r->doc_cr = NULL;
	cairo_surface_finish(r->doc);
	int rc = cairo_surface_status(r->doc) == CAIRO_STATUS_SUCCESS ? CERTS_OK : CERTS_E_IO;
	cairo_surface_destroy(r->doc);
	r->doc = NULL;
	return rc;
}
