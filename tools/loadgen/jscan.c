/*
 * jscan.c - tolerant scanners for the server's flat JSON messages.
 *
 * The load generator reads tens of thousands of messages a second on a
 * machine it shares with the server, so it does not build a tree for
 * them: it finds "key" followed by ':' (not escaped, so a key inside a
 * string value never matches) and reads the value after it. The first
 * occurrence wins, which is the top-level one for every message the
 * protocol defines (nested objects come after the fields we read, or use
 * other names). Leaderboards, whose nested entries matter, are parsed
 * with cJSON by the caller.
 */
#include "lg.h"

#include <stdlib.h>
#include <string.h>

/* Position just after the ':' following "key", or NULL. */
static const char *js_find(const char *m, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *p = m, *end = m + n;
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q || (size_t)(end - q) < kl + 2)
			return NULL;
		if (memcmp(q + 1, key, kl) == 0 && q[kl + 1] == '"' && (q == m || q[-1] != '\\')) {
			const char *v = q + kl + 2;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (v < end && *v == ':') {
				v++;
				while (v < end && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
					v++;
				return v;
			}
		}
		p = q + 1;
	}
	return NULL;
}

const char *js_at(const char *m, size_t n, const char *key) { return js_find(m, n, key); }

bool js_str(const char *m, size_t n, const char *key, char *out, size_t cap)
{
	const char *v = js_find(m, n, key), *end = m + n;
	if (!v || v >= end || *v != '"' || cap == 0)
		return false;
	v++;
	size_t o = 0;
	while (v < end && *v != '"') {
		if (*v == '\\' && v + 1 < end)
			v++;
		if (o + 1 < cap)
			out[o++] = *v;
		v++;
	}
	out[o] = 0;
	return v < end;
}

bool js_num(const char *m, size_t n, const char *key, double *out)
{
	const char *v = js_find(m, n, key);
	if (!v || v >= m + n || !(*v == '-' || (*v >= '0' && *v <= '9')))
		return false;
	char buf[64];
	size_t l = 0;
	while (v + l < m + n && l < sizeof(buf) - 1 && strchr("0123456789+-.eE", v[l]))
		l++;
	memcpy(buf, v, l);
	buf[l] = 0;
	char *e;
	*out = strtod(buf, &e);
	return e != buf;
}

bool js_bool(const char *m, size_t n, const char *key, bool *out)
{
	const char *v = js_find(m, n, key);
	if (!v)
		return false;
	size_t left = (size_t)(m + n - v);
	if (left >= 4 && memcmp(v, "true", 4) == 0) {
		*out = true;
		return true;
	}
	if (left >= 5 && memcmp(v, "false", 5) == 0) {
		*out = false;
		return true;
	}
	return false;
}

bool js_is_null(const char *m, size_t n, const char *key)
{
	const char *v = js_find(m, n, key);
	return v && (size_t)(m + n - v) >= 4 && memcmp(v, "null", 4) == 0;
}

bool js_type_is(const char *m, size_t n, const char *type)
{
	char t[32];
	return js_str(m, n, "type", t, sizeof(t)) && strcmp(t, type) == 0;
}

int js_array_len(const char *m, size_t n, const char *key)
{
	const char *v = js_find(m, n, key), *end = m + n;
	if (!v || v >= end || *v != '[')
		return -1;
	int depth = 0, count = 0;
	bool instr = false, any = false;
	for (const char *p = v; p < end; p++) {
		char ch = *p;
		if (instr) {
			if (ch == '\\')
				p++;
			else if (ch == '"')
				instr = false;
			continue;
		}
		if (ch == '"') {
			instr = true;
			if (depth == 1)
				any = true;
		} else if (ch == '[' || ch == '{') {
			if (depth == 1)
				any = true;
			depth++;
		} else if (ch == ']' || ch == '}') {
			depth--;
			if (depth == 0)
				return any ? count + 1 : 0;
		} else if (ch == ',' && depth == 1) {
			count++;
		} else if (depth == 1 && ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') {
			any = true;
		}
	}
	return -1;
}
