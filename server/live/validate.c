/*
 * validate.c - field checks for incoming messages. Chinese names are the
 * common case: lengths count code points, not bytes, and the ideographic
 * space (U+3000) that Chinese input methods produce is trimmed like a space.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "live/validate.h"

/* Decodes one code point; returns its length or -1. */
static int utf8_next(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (!n || c > 0xF4 || (size_t)n > len)
		return -1;
	unsigned v = c & (0xFF >> (n + 1));
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return n;
}

long validate_utf8_count(const char *s, size_t len)
{
	long count = 0;
	unsigned cp;
	for (size_t i = 0; i < len;) {
		int n = utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (n < 0)
			return -1;
		i += (size_t)n;
		count++;
	}
	return count;
}

static int is_space_at(const char *s, size_t len, size_t *w)
{
	if (len >= 1 && s[0] == ' ') {
		*w = 1;
		return 1;
	}
	if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80) {
		*w = 3;
		return 1;
	}
	return 0;
}

int validate_text(const char *s, size_t min, size_t max, char **out)
{
	size_t len = strlen(s), w;
	const char *b = s, *e = s + len;
	unsigned cp;
	size_t count = 0;

	/* Control characters and encoding first, over the whole string. */
	for (size_t i = 0; i < len;) {
		int n = utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (n < 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
		    cp == 0x2029)
			return SA_E_INVALID_FIELD;
		i += (size_t)n;
	}
	while (b < e && is_space_at(b, (size_t)(e - b), &w))
		b += w;
	for (;;) {
		if (e > b && e[-1] == ' ')
			e--;
		else if (e - b >= 3 && (unsigned char)e[-3] == 0xE3 && (unsigned char)e[-2] == 0x80 &&
			 (unsigned char)e[-1] == 0x80)
			e -= 3;
		else
			break;
	}
	count = (size_t)validate_utf8_count(b, (size_t)(e - b));
	if (count < min || count > max)
		return SA_E_INVALID_FIELD;
	if (out) {
		*out = malloc((size_t)(e - b) + 1);
		if (!*out)
			return SA_E_INTERNAL;
		memcpy(*out, b, (size_t)(e - b));
		(*out)[e - b] = '\0';
	}
	return SA_OK;
}

int validate_name(const char *s, char **out)
{
	return validate_text(s, 1, 64, out) ? SA_E_INVALID_NAME : SA_OK;
}

int validate_unit(const char *s, char **out) { return validate_text(s, 0, 64, out); }

int validate_employee_no(const char *s, char **out)
{
	size_t n = strlen(s);
	if (n > 32)
		return SA_E_INVALID_FIELD;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return SA_E_INVALID_FIELD;
	if (out && !(*out = strdup(s)))
		return SA_E_INTERNAL;
	return SA_OK;
}

int validate_rid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return SA_E_INVALID_FIELD;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return SA_E_INVALID_FIELD;
	return SA_OK;
}

int validate_code(const char *s, char out[17])
{
	size_t n = strlen(s);
	if (n < 4 || n > 16)
		return SA_E_UNKNOWN_CONTEST;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]))
			return SA_E_UNKNOWN_CONTEST;
		out[i] = (char)toupper((unsigned char)s[i]);
	}
	out[n] = '\0';
	return SA_OK;
}
