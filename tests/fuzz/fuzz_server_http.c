/*
 * fuzz_server_http.c - libFuzzer target for the server's HTTP input paths, the
 * pure functions net/http.c and net/gate.c feed with what a client sends:
 * route patterns and paths with {params} (net/route.c), query lookups,
 * Content-Length values, Origin values, public URLs, CSP source lists and
 * download names (net/header.c).
 * libwebsockets percent-decodes the path and query before they reach us, so
 * the decoded bytes are what we fuzz.
 *
 * Input: a selector byte, then text; where two strings are needed they are
 * split at the first newline. Checks beside "no crash": a path matched by
 * a pattern yields parameters that are non-empty slices of the path, in the
 * pattern's order; normalized origins parse again to themselves.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/header.h"
#include "net/route.h"

static int nop(struct http_req *r)
{
	(void)r;
	return 0;
}

static void match(const char *a, const char *b)
{
	route_match m;
	if (route_pattern_match(a, b, &m) >= 0)
		for (int i = 0; i < m.nparams; i++) {
			assert(m.params[i].value_len > 0);
			assert(m.params[i].value >= b &&
			       m.params[i].value + m.params[i].value_len <= b + strlen(b));
			assert(!memchr(m.params[i].value, '/', m.params[i].value_len));
			assert(i == 0 || m.params[i].value > m.params[i - 1].value);
		}
	route rows[3] = {{ROUTE_GET, a, nop, {AUTH_CONTEST, AUTH_JUDGE}, ROUTE_BODY_NONE, 0, 0},
			 {ROUTE_GET, "/api/x/{code}", nop, {AUTH_PUBLIC, 0}, ROUTE_BODY_NONE, 0, 0},
			 {0}};
	const route *tables[] = {rows, NULL};
	char err[256];
	if (route_check(tables, err, sizeof err) == 0) {
		cJSON_Delete(route_json(tables));
		route_find(tables, ROUTE_GET, b, &m);
	}
	route_find(tables, ROUTE_POST, b, &m);
}

static void lengths(char *s)
{
	const char *v[8];
	int n = 0;
	int64_t len;
	for (char *p = s; p && n < 8; n++) {
		v[n] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	if (header_content_length(v, n, &len) == 0)
		assert(len >= 0);
}

static void origins(const char *a, const char *b)
{
	char o[HEADER_ORIGIN_MAX], o2[HEADER_ORIGIN_MAX], base[1024], err[512];
	if (header_origin(a, o, sizeof o) == 0) {
		assert(header_origin(o, o2, sizeof o2) == 0 && !strcmp(o, o2));
		header_origin_allowed(b, o);
	}
	if (header_public_url(a, o, base, sizeof base, err, sizeof err) == 0) {
		assert(!strncmp(base, o, strlen(o)));
		assert(header_origin(o, o2, sizeof o2) == 0 && !strcmp(o, o2));
	}
	header_csp_sources_ok(a);
	free(header_disposition(a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	s[size] = '\0';
	char *nl = strchr(s, '\n'), *b = nl ? nl + 1 : s + strlen(s);
	switch (data[0] % 4) {
	case 0:
		if (nl)
			*nl = '\0';
		match(s, b);
		break;
	case 1: /* a query as lws hands it: NUL-separated entries (size - 1 bytes and a final NUL) */
		for (size_t i = 0; i + 1 < size; i++)
			if (s[i] == '&')
				s[i] = '\0';
		route_query(s, size, b);
		break;
	case 2:
		lengths(s);
		break;
	case 3:
		if (nl)
			*nl = '\0';
		origins(s, b);
		break;
	}
	free(s);
	return 0;
}
