/*
 * header.c - header field values (see header.h): parsing what a request
 * brings (Content-Length, Origin), checking what configuration gives
 * (--public-url, CSP sources) and writing what a download needs
 * (Content-Disposition).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "net/header.h"

#define LENGTH_LIMIT ((int64_t)1 << 50)

/* One element of a Content-Length list, s[0..n) with optional spaces around: its value or -1. */
static int64_t length_element(const char *s, size_t n)
{
	int64_t v = 0;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < LENGTH_LIMIT ? v : -1;
}

int header_content_length(const char *const *values, int n, int64_t *len)
{
	int64_t first = -1;
	if (n <= 0)
		return SA_E_BAD_REQUEST;
	for (int i = 0; i < n; i++) {
		const char *s = values[i];
		if (!s)
			return SA_E_BAD_REQUEST;
		for (;;) {
			const char *comma = strchr(s, ',');
			size_t el = comma ? (size_t)(comma - s) : strlen(s);
			int64_t v = length_element(s, el);
			if (v < 0 || (first >= 0 && v != first))
				return SA_E_BAD_REQUEST;
			first = v;
			if (!comma)
				break;
			s = comma + 1;
		}
	}
	*len = first;
	return 0;
}

/* ------------------------------------------------------------ origins and URLs */

/*
 * scheme://host[:port] at the start of s: its normalized origin in out
 * (HEADER_ORIGIN_MAX), *rest after it; 0, or -1 with why.
 */
static int parse_origin(const char *s, const char **rest, char *out, const char **why)
{
	char host[256] = "";
	size_t hl = 0;
	long port = 0;
	int https;
	if (!strncasecmp(s, "http://", 7))
		https = 0, s += 7;
	else if (!strncasecmp(s, "https://", 8))
		https = 1, s += 8;
	else
		return *why = "it must begin with http:// or https://", -1;
	if (*s == '[') { /* an IPv6 literal */
		host[hl++] = *s++;
		while (*s && *s != ']' && hl < 64) {
			if (!isxdigit((unsigned char)*s) && *s != ':' && *s != '.')
				return *why = "the IPv6 address holds other characters", -1;
			host[hl++] = (char)tolower((unsigned char)*s++);
		}
		if (*s != ']' || hl < 3)
			return *why = "the IPv6 address has no closing ]", -1;
		host[hl++] = *s++;
	} else {
		while (isalnum((unsigned char)*s) || *s == '.' || *s == '-') {
			if (hl >= 253)
				return *why = "the host name is longer than 253 characters", -1;
			host[hl++] = (char)tolower((unsigned char)*s++);
		}
		if (!hl || host[0] == '.' || host[0] == '-')
			return *why = "the host is missing or not a host name", -1;
	}
	host[hl] = '\0';
	if (*s == ':') {
		int digits = 0;
		for (s++; *s >= '0' && *s <= '9' && digits < 6; s++, digits++)
			port = port * 10 + (*s - '0');
		if (!digits || port < 1 || port > 65535)
			return *why = "the port is not a number from 1 to 65535", -1;
	}
	if (port == (https ? 443 : 80))
		port = 0;
	if (port)
		snprintf(out, HEADER_ORIGIN_MAX, "%s://%s:%ld", https ? "https" : "http", host, port);
	else
		snprintf(out, HEADER_ORIGIN_MAX, "%s://%s", https ? "https" : "http", host);
	*rest = s;
	return 0;
}

int header_origin(const char *value, char *out, size_t n)
{
	char o[HEADER_ORIGIN_MAX];
	const char *rest, *why;
	if (!value || n < sizeof o)
		return SA_E_BAD_REQUEST;
	if (!strcmp(value, "null")) {
		snprintf(out, n, "null");
		return 0;
	}
	if (parse_origin(value, &rest, o, &why) || *rest)
		return SA_E_BAD_REQUEST;
	snprintf(out, n, "%s", o);
	return 0;
}

/* RFC 3986 pchar or '/': unreserved, sub-delims, ':' '@', and %XX. */
static int path_ok(const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '%') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return 0;
			p += 2;
		} else if (!isalnum(c) && !strchr("-._~!$&'()*+,;=:@/", c))
			return 0;
	}
	return 1;
}

int header_public_url(const char *url, char *origin, char *base, size_t basen, char *err, size_t errn)
{
	const char *rest, *why = NULL;
	if (!url || parse_origin(url, &rest, origin, &why)) {
		snprintf(err, errn, "public URL '%s': %s", url ? url : "", why ? why : "missing");
		return SA_E_INVALID_FIELD;
	}
	size_t pl = strlen(rest);
	while (pl && rest[pl - 1] == '/')
		pl--;
	if (*rest && *rest != '/')
		why = "the host ends with a character a host cannot hold";
	else if (!path_ok(rest))
		why = "the path holds a character a URL path cannot (no query, fragment, quotes, spaces or <>)";
	else if (strlen(origin) + pl + 1 > basen)
		why = "it is too long";
	if (why) {
		snprintf(err, errn, "public URL '%s': %s", url, why);
		return SA_E_INVALID_FIELD;
	}
	snprintf(base, basen, "%s%.*s", origin, (int)pl, rest);
	return 0;
}

int header_origin_allowed(const char *list, const char *origin)
{
	size_t ol = strlen(origin);
	for (const char *s = list; s && *s;) {
		while (*s == ' ' || *s == ',')
			s++;
		const char *e = s;
		while (*e && *e != ',' && *e != ' ')
			e++;
		if ((e - s == 1 && *s == '*') || ((size_t)(e - s) == ol && !memcmp(s, origin, ol)))
			return 1;
		s = e;
	}
	return 0;
}

int header_csp_sources_ok(const char *sources)
{
	int n = 0, none = 0;
	if (!sources || strlen(sources) > 1024)
		return 0;
	for (const char *s = sources; *s;) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - s);
		n++;
		if ((len == 6 && !memcmp(s, "'self'", 6)) || (len == 6 && !memcmp(s, "'none'", 6) && ++none))
			;
		else
			for (const char *p = s; p < e; p++)
				if (!isalnum((unsigned char)*p) && !strchr(".:/*_-", *p))
					return 0;
		s = e;
	}
	return n > 0 && (!none || n == 1);
}

/* ------------------------------------------------------------ downloads */

char *header_disposition(const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *f = (const unsigned char *)(filename && *filename ? filename : "download");
	size_t n = strlen((const char *)f);
	char *out = malloc(64 + 4 * n), *p = out;
	if (!out)
		return NULL;
	p += sprintf(p, "attachment; filename=\"");
	for (size_t i = 0; i < n; i++) { /* ASCII fallback: one '_' per other character */
		if (f[i] >= 0x20 && f[i] < 0x7f && f[i] != '"' && f[i] != '\\')
			*p++ = (char)f[i];
		else if (f[i] < 0x80 || (f[i] & 0xc0) == 0xc0)
			*p++ = '_';
	}
	p += sprintf(p, "\"; filename*=UTF-8''");
	for (size_t i = 0; i < n; i++) { /* RFC 5987 attr-char, the rest %XX */
		if (isalnum(f[i]) || strchr("!#$&+-.^_`|~", f[i]))
			*p++ = (char)f[i];
		else {
			*p++ = '%';
			*p++ = hex[f[i] >> 4];
			*p++ = hex[f[i] & 15];
		}
	}
	*p = '\0';
	return out;
}
