/*
 * utf8.c - strict UTF-8: every text the server sends (WebSocket frames, HTTP
 * bodies) must be valid UTF-8, or browsers drop the connection. Text arrives
 * from players (checked by live/validate.c), from PostgreSQL and from Redis
 * (written by other processes, or anyone who reached Redis); text that has to
 * be bounded is cut at a character boundary (utf8_cut), text of unknown
 * origin is repaired (utf8_repair) rather than trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

int utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
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

long utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;
	unsigned cp;
	for (size_t i = 0; i < len; count++) {
		if (p[i] < 0x80) { /* ASCII runs: the common case of JSON */
			i++;
			continue;
		}
		int n = utf8_decode(p + i, len - i, &cp);
		if (n < 0)
			return -1;
		i += (size_t)n;
	}
	return count;
}

int utf8_valid(const char *s, size_t len) { return utf8_count(s, len) >= 0; }

size_t utf8_cut(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = len, back = 0;
	/* Back over up to three continuation bytes to the last lead byte. */
	while (i > 0 && back < 3 && (p[i - 1] & 0xC0) == 0x80)
		i--, back++;
	if (i == 0 || p[i - 1] < 0xC0)
		return len; /* ASCII, or no lead byte within reach: nothing to cut */
	unsigned c = p[i - 1];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	return back + 1 < need ? i - 1 : len;
}

char *utf8_repair(const char *s, size_t len)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(len * 3 + 1), *o = out; /* each bad byte grows to 3 at most */
	unsigned cp;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		int n = p[i] ? utf8_decode(p + i, len - i, &cp) : -1;
		if (n < 0) {
			memcpy(o, fffd, 3);
			o += 3;
			i++;
		} else {
			memcpy(o, p + i, (size_t)n);
			o += n;
			i += (size_t)n;
		}
	}
	*o = '\0';
	return out;
}
