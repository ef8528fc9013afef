/*
 * test_certs_poster.c - join posters (certs/poster.c): a PDF and a PNG of
 * the page, a 64-character Chinese title kept in its box, the QR code drawn
 * where the page puts it, bad input refused, two threads at once. (The QR
 * code decoded by zbarimg and the PDF's text read by pdftotext:
 * tests/integration/33-posters.test.js.)
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cmocka.h>

#include "certs.h"

static const char TITLE64[] =
	"二零二六年度全国电力行业职业技能竞赛暨第十届国家电网公司青年员工安全生产知识竞赛"
	"总决赛现场答题环节正式比赛一二三四五六七八九十百";

static certs_poster poster(void)
{
	certs_poster p = {
		.title = TITLE64,
		.subtitle = "华电集团/一分厂/机修车间/电工班",
		.code = "SAFE2026",
		.url = "http://192.168.1.20:8080/player.html?code=SAFE2026",
		.hint = "用手机扫描二维码，输入工号和姓名参加",
	};
	return p;
}

typedef struct png_cursor {
	const unsigned char *p;
	size_t left;
} png_cursor;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int len)
{
	png_cursor *c = closure;
	if (len > c->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, c->p, len);
	c->p += len;
	c->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

static void test_pdf(void **state)
{
	(void)state;
	certs_poster p = poster();
	unsigned char *pdf = NULL;
	size_t len = 0;
	assert_int_equal(certs_render_poster(&p, CERTS_POSTER_PDF, &pdf, &len), CERTS_OK);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_non_null(memmem(pdf, len, "/Type /Page", 11));
	free(pdf);
}

/* Dark pixels in a square of the image (x, y, w, h in pixels). */
static int dark(cairo_surface_t *img, int x0, int y0, int w, int h)
{
	int stride = cairo_image_surface_get_stride(img), n = 0;
	const unsigned char *d = cairo_image_surface_get_data(img);
	for (int y = y0; y < y0 + h; y++)
		for (int x = x0; x < x0 + w; x++) {
			uint32_t v = *(const uint32_t *)(d + y * stride + 4 * x);
			n += ((v >> 16) & 0xff) < 64 && ((v >> 8) & 0xff) < 64 && (v & 0xff) < 64;
		}
	return n;
}

static void test_png(void **state)
{
	(void)state;
	certs_poster p = poster();
	unsigned char *png = NULL;
	size_t len = 0;
	assert_int_equal(certs_render_poster(&p, CERTS_POSTER_PNG, &png, &len), CERTS_OK);
	png_cursor c = {png, len};
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &c);
	assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(img), 1240);
	assert_int_equal(cairo_image_surface_get_height(img), 1754);
	cairo_surface_flush(img);
	/* the QR code's square (300 pt from y 230 at 150 dpi): about half its modules are dark */
	int qr = dark(img, 310, 480, 620, 620);
	assert_true(qr > 620 * 620 / 5 && qr < 620 * 620 * 4 / 5);
	/* the corners of the page outside the bands are white */
	assert_int_equal(dark(img, 0, 400, 60, 60), 0);
	cairo_surface_destroy(img);
	free(png);
}

static void test_refused(void **state)
{
	(void)state;
	unsigned char *out = NULL;
	size_t len = 0;
	certs_poster p = poster();
	p.url = NULL;
	assert_int_equal(certs_render_poster(&p, CERTS_POSTER_PDF, &out, &len), CERTS_E_INVALID);
	p = poster();
	p.title = "\xE4\xB8"; /* cut inside a character */
	assert_int_equal(certs_render_poster(&p, CERTS_POSTER_PNG, &out, &len), CERTS_E_UTF8);
	p = poster();
	assert_int_equal(certs_render_poster(&p, 3, &out, &len), CERTS_E_INVALID);
	assert_null(out);
}

static void *render_one(void *arg)
{
	certs_poster p = poster();
	unsigned char *out = NULL;
	size_t len = 0;
	*(int *)arg = certs_render_poster(&p, CERTS_POSTER_PDF, &out, &len);
	free(out);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[2];
	int rc[2] = {-1, -1};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, render_one, &rc[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(rc[i], CERTS_OK);
	}
}

/* fontconfig keeps its caches for the life of the process (see test_certs_pdf.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
