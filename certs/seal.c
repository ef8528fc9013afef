/*
 * seal.c - the seal image (公章) of a certificate template: a PNG checked
 * before it is kept, so that a template never holds an image its renderers
 * cannot draw.
 *
 * The check reads the PNG signature and the IHDR chunk first (the size is
 * refused before anything is decoded: a small file may declare an image of
 * gigabytes), then decodes the whole image with cairo (libpng), as every
 * renderer will. A seal with a transparent background is what a seal looks
 * like on paper; an opaque one is drawn as it is (a white square over the
 * issuer's name), which is the uploader's choice.
 */
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "certs_int.h"

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

cairo_surface_t *certs_png_decode(const unsigned char *png, size_t len)
{
	png_cursor c = {png, len};
	return cairo_image_surface_create_from_png_stream(png_read, &c);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int certs_seal_check(const unsigned char *png, size_t len, int *width, int *height, char **err)
{
	if (!png && len)
		return CERTS_E_INVALID;
	if (len < 33 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0 || be32(png + 8) != 13 ||
	    memcmp(png + 12, "IHDR", 4) != 0)
		return certs_errf(err, CERTS_E_TEMPLATE, "seal: not a PNG image");
	uint32_t w = be32(png + 16), h = be32(png + 20);
	if (w == 0 || h == 0 || w > CERTS_SEAL_MAX_PX || h > CERTS_SEAL_MAX_PX)
		return certs_errf(err, CERTS_E_TEMPLATE, "seal: %lu x %lu pixels, at most %d x %d",
				  (unsigned long)w, (unsigned long)h, CERTS_SEAL_MAX_PX, CERTS_SEAL_MAX_PX);
	cairo_surface_t *img = certs_png_decode(png, len);
	cairo_status_t st = cairo_surface_status(img);
	int ok = st == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(img) == (int)w &&
		 cairo_image_surface_get_height(img) == (int)h;
	cairo_surface_destroy(img);
	if (st == CAIRO_STATUS_NO_MEMORY)
		return CERTS_E_NOMEM;
	if (!ok)
		return certs_errf(err, CERTS_E_TEMPLATE, "seal: the PNG image cannot be decoded (%s)",
				  st == CAIRO_STATUS_SUCCESS ? "size" : cairo_status_to_string(st));
	if (width)
		*width = (int)w;
	if (height)
		*height = (int)h;
	return CERTS_OK;
}

int certs_template_set_seal(certs_template *t, const unsigned char *png, size_t len, char **err)
{
	if (!t)
		return CERTS_E_INVALID;
	unsigned char *copy = NULL;
	if (png && len) {
		int rc = certs_seal_check(png, len, NULL, NULL, err);
		if (rc)
			return rc;
		if (!(copy = malloc(len)))
			return CERTS_E_NOMEM;
		memcpy(copy, png, len);
	}
	free(t->seal_png);
	t->seal_png = copy;
	t->seal_len = copy ? len : 0;
	return CERTS_OK;
}

int certs_template_has_seal(const certs_template *t) { return t && t->seal_png != NULL; }
