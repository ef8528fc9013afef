/*
 * buf.c - growable strings and UTF-8 helpers for sheets/.
 *
 * A sh_buf never aborts: when an allocation fails it sets `oom` and ignores
 * later puts, so a parser appends freely and checks once per cell or row.
 */
#include <stdlib.h>
#include <string.h>

#include "sheets_int.h"

bool sh_buf_reserve(sh_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sh_buf_putn(sh_buf *b, const char *s, size_t n)
{
	if (!sh_buf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sh_buf_puts(sh_buf *b, const char *s) { sh_buf_putn(b, s, strlen(s)); }

void sh_buf_putc(sh_buf *b, char c)
{
	if (!sh_buf_reserve(b, 1))
		return;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sh_buf_free(sh_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

void sh_buf_put_cp(sh_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sh_buf_putn(b, u, n);
}

ptrdiff_t sh_utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t c = p[i];
		size_t n;
		uint32_t min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else {
			return (ptrdiff_t)i;
		}
		if (len - i <= n)
			return (ptrdiff_t)i;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return (ptrdiff_t)i;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return (ptrdiff_t)i;
		i += n + 1;
	}
	return -1;
}

size_t sh_utf8_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* East Asian wide and fullwidth ranges (the ones Chinese text uses). */
static bool sh_wide(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{0x1100, 0x115F}, {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
		{0xA000, 0xA4CF}, {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
		{0xFFE0, 0xFFE6}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

double sh_text_width(const char *s)
{
	double w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp = *p;
		size_t n = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
		if (n > 1) {
			cp &= 0x3Fu >> (n - 1);
			for (size_t k = 1; k < n && p[k]; k++)
				cp = (cp << 6) | (p[k] & 0x3F);
		}
		w += sh_wide(cp) ? 2 : 1;
		for (size_t k = 0; k < n && *p; k++)
			p++;
	}
	return w;
}

bool sh_reserve(void *array, size_t *cap, size_t n, size_t size)
{
	void **v = array;
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 8;
	if (c > SIZE_MAX / size)
		return false;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = c;
	return true;
}

char *sh_strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}
