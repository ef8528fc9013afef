/*
 * route.c - matching a request's method and path against the route table,
 * checking the table, and printing it (see route.h). Every function here is
 * pure: the fuzz target tests/fuzz/fuzz_http.c runs them on any input.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "net/route.h"

static const char *const method_names[ROUTE_METHODS] = {"GET",   "HEAD",   "POST",   "PUT",
							"PATCH", "DELETE", "OPTIONS"};

unsigned route_method_parse(const char *name)
{
	for (int i = 0; name && i < ROUTE_METHODS; i++)
		if (!strcmp(name, method_names[i]))
			return 1u << i;
	return 0;
}

const char *route_method_name(unsigned method)
{
	for (int i = 0; i < ROUTE_METHODS; i++)
		if (method == 1u << i)
			return method_names[i];
	return NULL;
}

void route_methods_text(unsigned methods, char *out, size_t n)
{
	size_t k = 0;
	if (n)
		*out = '\0';
	for (int i = 0; i < ROUTE_METHODS && k < n; i++)
		if (methods & (1u << i))
			k += (size_t)snprintf(out + k, n - k, "%s%s", k ? ", " : "", method_names[i]);
}

/* Whether s[0..n) is valid UTF-8 (core/utf8.c) without control characters (C0, DEL, C1). */
static int segment_text_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		int len = utf8_decode(s + i, n - i, &cp);
		if (len < 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
		i += (size_t)len;
	}
	return 1;
}

/* The segment starting at *p (after its '/'): its start and length; *p moves past it. */
static const char *next_segment(const char **p, size_t *len)
{
	if (**p != '/')
		return NULL;
	const char *s = ++*p;
	while (**p && **p != '/')
		(*p)++;
	*len = (size_t)(*p - s);
	return s;
}

static int is_param(const char *seg, size_t len) { return len >= 3 && seg[0] == '{' && seg[len - 1] == '}'; }

int64_t route_pattern_match(const char *pattern, const char *path, route_match *m)
{
	const char *pp = pattern, *sp = path;
	int64_t score = 0;
	int i = 0;
	m->nparams = 0;
	if (!pattern || !path || *pattern != '/' || *path != '/')
		return -1;
	while (*pp || *sp) {
		size_t pl = 0, sl = 0;
		const char *pseg = next_segment(&pp, &pl), *sseg = next_segment(&sp, &sl);
		if (!pseg || !sseg || !sl || i >= ROUTE_SEGMENTS_MAX)
			return -1;
		if (is_param(pseg, pl)) {
			if (m->nparams >= ROUTE_PARAMS_MAX ||
			    !segment_text_ok((const unsigned char *)sseg, sl))
				return -1;
			m->params[m->nparams++] = (route_param){pseg + 1, sseg, pl - 2, sl};
		} else {
			if (pl != sl || memcmp(pseg, sseg, pl))
				return -1;
			score |= (int64_t)1 << (ROUTE_SEGMENTS_MAX - 1 - i);
		}
		i++;
	}
	return score;
}

int route_find(const route *const *tables, unsigned method, const char *path, route_match *m)
{
	route_match cur;
	int64_t best = -1;
	memset(m, 0, sizeof *m);
	for (const route *const *t = tables; *t; t++)
		for (const route *r = *t; r->pattern; r++) {
			int64_t s = route_pattern_match(r->pattern, path, &cur);
			if (s < 0)
				continue;
			m->allow |= r->method;
			if (r->method == method && s > best) {
				best = s;
				cur.row = r;
				cur.allow = m->allow;
				*m = cur;
			}
		}
	if (m->row)
		return 0;
	return m->allow ? SA_E_METHOD : SA_E_NOT_FOUND;
}

/* ------------------------------------------------------------ checking the table */

static int bad(char *err, size_t n, const route *r, const char *why)
{
	snprintf(err, n, "route %s %s: %s", route_method_name(r->method) ? route_method_name(r->method) : "?",
		 r->pattern, why);
	return SA_E_INVALID_FIELD;
}

static int check_pattern(const route *r, char *err, size_t n, int *has_code)
{
	const char *p = r->pattern;
	int nseg = 0, nparams = 0;
	const char *names[ROUTE_PARAMS_MAX];
	size_t lens[ROUTE_PARAMS_MAX];
	if (*p != '/')
		return bad(err, n, r, "the pattern must begin with /");
	while (*p) {
		size_t len = 0;
		const char *seg = next_segment(&p, &len);
		if (!seg || !len || ++nseg > ROUTE_SEGMENTS_MAX)
			return bad(err, n, r, "empty segment, or too many segments");
		if (!is_param(seg, len)) {
			for (size_t k = 0; k < len; k++)
				if (seg[k] == '{' || seg[k] == '}' || seg[k] == '?' || seg[k] == '%' ||
				    (unsigned char)seg[k] <= ' ')
					return bad(err, n, r, "a literal segment holds { } ? % or a space");
			continue;
		}
		for (size_t k = 1; k + 1 < len; k++)
			if (!((seg[k] >= 'a' && seg[k] <= 'z') || (seg[k] >= '0' && seg[k] <= '9') ||
			      seg[k] == '_'))
				return bad(err, n, r, "a parameter name is not [a-z0-9_]");
		if (nparams >= ROUTE_PARAMS_MAX)
			return bad(err, n, r, "too many parameters");
		for (int k = 0; k < nparams; k++)
			if (lens[k] == len - 2 && !memcmp(names[k], seg + 1, len - 2))
				return bad(err, n, r, "a parameter name is used twice");
		names[nparams] = seg + 1;
		lens[nparams++] = len - 2;
		if (len == 6 && !memcmp(seg, "{code}", 6))
			*has_code = 1;
	}
	return 0;
}

/* Whether two patterns have the same literals and parameters at the same places. */
static int same_shape(const char *a, const char *b)
{
	while (*a && *b) {
		size_t la = 0, lb = 0;
		const char *sa = next_segment(&a, &la), *sb = next_segment(&b, &lb);
		if (!sa || !sb)
			return 0;
		int pa = is_param(sa, la), pb = is_param(sb, lb);
		if (pa != pb || (!pa && (la != lb || memcmp(sa, sb, la))))
			return 0;
	}
	return !*a && !*b;
}

static int check_row(const route *r, char *err, size_t n)
{
	int has_code = 0;
	if (!route_method_name(r->method))
		return bad(err, n, r, "the method is not one of GET HEAD POST PUT PATCH DELETE OPTIONS");
	if (!r->handler)
		return bad(err, n, r, "no handler");
	if ((r->body == ROUTE_BODY_NONE) != (r->body_max == 0) || r->body > ROUTE_BODY_BYTES)
		return bad(err, n, r, "a body kind needs a limit, and no body no limit");
	if (r->access.kind > AUTH_CONTEST || (r->access.roles & ~((1u << AUTH_ROLES) - 1)))
		return bad(err, n, r, "unknown access kind or role");
	if ((r->access.kind == AUTH_ROLE || r->access.kind == AUTH_CONTEST) != (r->access.roles != 0))
		return bad(err, n, r, "role and contest access need roles, the others none");
	int rc = check_pattern(r, err, n, &has_code);
	if (rc)
		return rc;
	if (r->access.kind == AUTH_CONTEST && !has_code)
		return bad(err, n, r, "contest access needs a {code} parameter");
	return 0;
}

int route_check(const route *const *tables, char *err, size_t errlen)
{
	for (const route *const *t = tables; *t; t++)
		for (const route *r = *t; r->pattern; r++) {
			int rc = check_row(r, err, errlen);
			if (rc)
				return rc;
			for (const route *const *u = tables; u <= t; u++)
				for (const route *q = *u; q->pattern && q != r; q++)
					if (q->method == r->method && same_shape(q->pattern, r->pattern))
						return bad(err, errlen, r,
							   "ties with another row (same method and shape)");
		}
	return 0;
}

/* ------------------------------------------------------------ listing */

cJSON *route_json(const route *const *tables)
{
	static const char *const bodies[] = {"none", "json", "bytes"};
	cJSON *arr = cJSON_CreateArray();
	for (const route *const *t = tables; arr && *t; t++)
		for (const route *r = *t; r->pattern; r++) {
			cJSON *o = cJSON_CreateObject(), *roles;
			if (!o || !cJSON_AddItemToArray(arr, o)) {
				cJSON_Delete(o);
				cJSON_Delete(arr);
				return NULL;
			}
			cJSON_AddStringToObject(o, "method", route_method_name(r->method));
			cJSON_AddStringToObject(o, "pattern", r->pattern);
			cJSON_AddStringToObject(o, "access", auth_kind_name(r->access.kind));
			roles = cJSON_AddArrayToObject(o, "roles");
			for (int i = 0; i < AUTH_ROLES; i++)
				if (r->access.roles & (1u << i))
					cJSON_AddItemToArray(roles,
							     cJSON_CreateString(auth_role_name(1u << i)));
			cJSON_AddStringToObject(o, "body", bodies[r->body <= ROUTE_BODY_BYTES ? r->body : 0]);
			cJSON_AddNumberToObject(o, "body_max", (double)r->body_max);
			cJSON_AddBoolToObject(o, "rate_limited", !(r->flags & ROUTE_NO_RATE_LIMIT));
		}
	return arr;
}

const char *route_query(const char *list, size_t len, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < len;) {
		const char *e = list + i;
		size_t el = strnlen(e, len - i);
		if (el >= nl && !memcmp(e, name, nl) && (el == nl || e[nl] == '='))
			return el == nl ? "" : e + nl + 1;
		i += el + 1;
	}
	return NULL;
}
