/*
 * test_certs_template.c - certificate templates as an organizer sends them:
 * the strict form (fonts from the fixed list, known placeholders only, no
 * file path for the seal, every bad member named), the members back as JSON,
 * the issuer and the date line, and seal images checked before they are
 * kept (PNG signature, size from IHDR before decoding, decoded by cairo);
 * a seal shows in the PDF as an image, a template without one draws none.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certs_int.h"
#include "test_certs_util.h"

typedef struct png_out {
	unsigned char *data;
	size_t len;
} png_out;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	png_out *o = closure;
	unsigned char *p = realloc(o->data, o->len + len);
	if (!p)
		return CAIRO_STATUS_NO_MEMORY;
	memcpy(p + o->len, data, len);
	o->data = p;
	o->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A red ring on a transparent background, w x h pixels, as PNG bytes. */
static png_out seal_png(int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgba(cr, 0.85, 0.1, 0.1, 1);
	cairo_set_line_width(cr, w / 12.0);
	cairo_arc(cr, w / 2.0, h / 2.0, (w < h ? w : h) * 0.4, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_destroy(cr);
	png_out o = {0};
	assert_int_equal(cairo_surface_write_to_png_stream(s, png_write, &o), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return o;
}

static void test_strict_members(void **state)
{
	(void)state;
	certs_template *t = NULL;
	char *err = NULL;
	const char *good =
		"{\"title\":\"劳动竞赛荣誉证书\",\"issuer\":\"示范市总工会\",\"date\":\"{year}年{month}月\","
		"\"font_title\":\"WenQuanYi Zen Hei\",\"body\":\"在「{contest}」中{result}，荣获\",\"color\":\"#102030\"}";
	assert_int_equal(
		certs_template_parse_flags(&t, good, strlen(good), NULL, CERTS_TEMPLATE_STRICT, &err),
		CERTS_OK);
	assert_string_equal(certs_template_issuer(t), "示范市总工会");
	char *json = NULL;
	assert_int_equal(certs_template_json(t, &json), CERTS_OK);
	cJSON *o = cJSON_Parse(json);
	assert_string_equal(cJSON_GetObjectItem(o, "title")->valuestring, "劳动竞赛荣誉证书");
	assert_string_equal(cJSON_GetObjectItem(o, "date")->valuestring, "{year}年{month}月");
	assert_string_equal(cJSON_GetObjectItem(o, "color")->valuestring, "#102030");
	assert_string_equal(cJSON_GetObjectItem(o, "font_title")->valuestring, "WenQuanYi Zen Hei");
	assert_string_equal(cJSON_GetObjectItem(o, "closing")->valuestring,
			    "特发此证，以资鼓励。"); /* a default */
	assert_null(cJSON_GetObjectItem(o, "seal"));
	cJSON_Delete(o);
	free(json);
	certs_template_free(t);

	/* the defaults: no issuer (the contest's organizer), the full date */
	assert_int_equal(certs_template_default(&t), CERTS_OK);
	assert_string_equal(certs_template_issuer(t), "");
	certs_template_free(t);

	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"{\"seal\":\"/etc/passwd\"}", "seal: not allowed here"},
		{"{\"id\":\"x\"}", "id: not allowed here"},
		{"{\"font_body\":\"Comic Sans MS\"}",
		 "font_body: must be one of AR PL UKai CN, AR PL UMing CN, WenQuanYi Zen Hei"},
		{"{\"body\":\"在{contst}中\"}", "body: unknown placeholder \"{contst}\""},
		{"{\"date\":\"{year}年{unit}\"}", "date: unknown placeholder \"{unit}\""},
		{"{\"body_participation\":\"参加{contest\"}",
		 "body_participation: unknown placeholder \"{contest\""},
		{"{\"title\":\"一二三四五六七八九十一二三四五六七\"}",
		 "title: 17 characters, 1 to 16 allowed"},
		{"{\"title\":\"\"}", NULL}, /* an empty title is allowed (no title line) */
		{"{\"issuer\":5}", "issuer: must be a string"},
		{"{\"text_color\":\"#12345\"}", "text_color: must be #rrggbb"},
		{"{\"title\":\"a\",\"title\":\"b\"}", "title: given twice"},
		{"{\"closing\":\"a\\u0007\"}", "closing: control character"},
		{"{\"colour\":\"#aa0000\"}", "unknown member \"colour\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = NULL;
		free(err);
		err = NULL;
		int rc = certs_template_parse_flags(&t, bad[i].json, strlen(bad[i].json), NULL,
						    CERTS_TEMPLATE_STRICT, &err);
		if (!bad[i].msg) {
			assert_int_equal(rc, CERTS_OK);
			certs_template_free(t);
			continue;
		}
		assert_int_equal(rc, CERTS_E_TEMPLATE);
		assert_null(t);
		assert_string_equal(err, bad[i].msg);
	}
	/* the loose form (files of sa-certs) still takes any font list and braces */
	const char *loose = "{\"font_body\":\"Comic Sans MS, serif\",\"body\":\"{x}\"}";
	assert_int_equal(certs_template_parse(&t, loose, strlen(loose), NULL, &err), CERTS_OK);
	certs_template_free(t);
	size_t n = 0;
	const certs_font *f = certs_template_fonts(&n);
	assert_int_equal(n, 3);
	assert_string_equal(f[0].family, "AR PL UKai CN");
	free(err);
}

static void test_seal_check(void **state)
{
	(void)state;
	char *err = NULL;
	int w = 0, h = 0;
	png_out p = seal_png(200, 160);
	assert_int_equal(certs_seal_check(p.data, p.len, &w, &h, &err), CERTS_OK);
	assert_int_equal(w, 200);
	assert_int_equal(h, 160);
	/* not a PNG */
	assert_int_equal(certs_seal_check((const unsigned char *)"GIF89a...........................", 34,
					  NULL, NULL, &err),
			 CERTS_E_TEMPLATE);
	assert_string_equal(err, "seal: not a PNG image");
	free(err);
	err = NULL;
	/* cut short: the header holds, the image does not decode */
	assert_int_equal(certs_seal_check(p.data, p.len / 2, NULL, NULL, &err), CERTS_E_TEMPLATE);
	assert_non_null(strstr(err, "seal: the PNG image cannot be decoded"));
	free(err);
	err = NULL;
	/* a header that declares 5000 x 5000: refused before decoding */
	unsigned char *big = malloc(p.len);
	memcpy(big, p.data, p.len);
	big[16] = 0, big[17] = 0, big[18] = 0x13, big[19] = 0x88; /* 5000 */
	big[20] = 0, big[21] = 0, big[22] = 0x13, big[23] = 0x88;
	assert_int_equal(certs_seal_check(big, p.len, NULL, NULL, &err), CERTS_E_TEMPLATE);
	assert_string_equal(err, "seal: 5000 x 5000 pixels, at most 4096 x 4096");
	free(err);
	err = NULL;
	free(big);
	/* kept by a template only when it holds; a bad one keeps the old */
	certs_template *t = NULL;
	assert_int_equal(certs_template_default(&t), CERTS_OK);
	assert_false(certs_template_has_seal(t));
	assert_int_equal(certs_template_set_seal(t, p.data, p.len, &err), CERTS_OK);
	assert_true(certs_template_has_seal(t));
	assert_int_equal(certs_template_set_seal(t, p.data, 20, &err), CERTS_E_TEMPLATE);
	assert_true(certs_template_has_seal(t));
	assert_int_equal(t->seal_len, p.len);
	free(err);
	err = NULL;
	assert_int_equal(certs_template_set_seal(t, NULL, 0, &err), CERTS_OK);
	assert_false(certs_template_has_seal(t));
	certs_template_free(t);
	free(p.data);
}

/* How many image XObjects a PDF holds (cairo writes "/Subtype /Image"). */
static int pdf_images(const unsigned char *pdf, size_t len)
{
	int n = 0;
	for (const unsigned char *p = pdf; (p = memmem(p, len - (size_t)(p - pdf), "/Subtype /Image", 15));
	     p++)
		n++;
	return n;
}

static void test_render_with_template(void **state)
{
	certs_fixture *f = *state;
	certs_record r = f->rec;
	r.name = NAME64;
	const char *json =
		"{\"title\":\"劳动竞赛证书\",\"date\":\"二〇二六年冬\",\"font_body\":\"WenQuanYi Zen Hei\"}";
	certs_template *t = NULL;
	char *err = NULL;
	assert_int_equal(
		certs_template_parse_flags(&t, json, strlen(json), NULL, CERTS_TEMPLATE_STRICT, &err),
		CERTS_OK);
	unsigned char *pdf = NULL;
	size_t len = 0;
	certs_renderer *rd = NULL;
	assert_int_equal(certs_renderer_new(&rd, t), CERTS_OK);
	assert_int_equal(certs_render_pdf(rd, &r, NULL, &pdf, &len), CERTS_OK);
	assert_int_equal(pdf_images(pdf, len), 0); /* no seal: the QR code is vector squares */
	assert_non_null(memmem(pdf, len, "WenQuanYi", 9));
	free(pdf);
	certs_renderer_free(rd);
	png_out p = seal_png(300, 300);
	assert_int_equal(certs_template_set_seal(t, p.data, p.len, &err), CERTS_OK);
	assert_int_equal(certs_renderer_new(&rd, t), CERTS_OK);
	assert_int_equal(certs_render_pdf(rd, &r, NULL, &pdf, &len), CERTS_OK);
	assert_int_equal(pdf_images(pdf, len), 1);
	free(pdf);
	certs_renderer_free(rd);
	certs_template_free(t);
	free(p.data);
	free(err);
}

/* fontconfig keeps its caches for the life of the process (as in test_certs_pdf.c) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_members),
		cmocka_unit_test(test_seal_check),
		cmocka_unit_test_setup_teardown(test_render_with_template, certs_fixture_setup,
						certs_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
