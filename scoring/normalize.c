/*
 * normalize.c - what a typed answer means: UTF-8 checks, text normalization
 * and number parsing, so that the way a Chinese input method types an answer
 * never costs points.
 *
 *   "Ａ＝Ｂ"  -> "A=B"     full-width ASCII (U+FF01..U+FF5E) -> ASCII
 *   "a　 b"   -> "a b"     U+3000, NBSP and other Unicode spaces -> ' ', runs
 *                          collapsed, ends trimmed; zero-width spaces dropped
 *   "３，５"  -> 3.5       numbers accept a decimal comma and full-width digits
 *
 * Everything here writes into caller-supplied buffers and never allocates, so
 * scorers can use it on the scoring path. Third-party plugins may compile
 * this file into themselves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

/* Decodes one code point at s (len bytes left); returns its length or 0. */
static int utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int n;
	unsigned min;
	if ((c & 0xE0) == 0xC0) {
		n = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if ((size_t)n > len)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int score_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned cp;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int n = utf8_decode(p + i, len - i, &cp);
		if (!n)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

static int encode(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int is_space(unsigned cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

int score_normalize_text(const char *in, size_t len, char *out, size_t cap, int fold)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0;
	int pending_space = 0;
	if (cap == 0)
		return -1;
	while (i < len) {
		unsigned cp;
		int n = utf8_decode(p + i, len - i, &cp);
		if (!n)
			return -1;
		i += (size_t)n;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (is_space(cp) || cp < 0x20 || cp == 0x7F) {
			pending_space = o > 0;
			continue;
		}
		if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || cp == 0x2060)
			continue;
		if (fold && cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		char buf[4];
		int m = encode(cp, buf);
		if (o + (size_t)pending_space + (size_t)m + 1 > cap)
			return -1;
		if (pending_space)
			out[o++] = ' ';
		pending_space = 0;
		memcpy(out + o, buf, (size_t)m);
		o += (size_t)m;
	}
	out[o] = '\0';
	return (int)o;
}

int score_parse_number(const char *s, size_t len, double *out)
{
	char buf[80];
	if (len > 256)
		return -1;
	int n = score_normalize_text(s, len, buf, sizeof buf, 0);
	if (n <= 0)
		return -1;
	/* sign? digits [sep digits] [e sign? digits], one separator '.' or ',' */
	char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	int digits = 0, seps = 0;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
		} else if (*p == '.' || *p == ',') {
			if (++seps > 1)
				return -1;
			*p = '.';
		} else {
			break;
		}
	}
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return -1;
	char *end;
	double d = strtod(buf, &end);
	if (*end || !isfinite(d))
		return -1;
	*out = d == 0 ? 0.0 : d;
	return 0;
}

void score_format_number(double d, char *buf, size_t cap)
{
	if (d == 0)
		d = 0; /* no "-0" */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}
