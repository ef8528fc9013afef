/*
 * canon.c - canonical JSON (RFC 8785, the JSON Canonicalization Scheme), so a
 * certificate's signed bytes are reproducible: whoever holds the record can
 * rebuild exactly the payload the issuer signed.
 *
 *   objects   members sorted by their names' UTF-16 code units; duplicate
 *             names are refused (parsers disagree on which one wins)
 *   strings   UTF-8 as is; only '"', '\\' and control characters escaped
 *             (\b \t \n \f \r, others \u00xx)
 *   numbers   ECMAScript Number.prototype.toString: the shortest text that
 *             reads back as the same double; no NaN or infinity
 *   no whitespace anywhere
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs_int.h"

/* ---------- numbers ---------- */

/* Shortest decimal digits of x > 0 that read back as x: digits in d (no
 * dot), returns the decimal exponent n with x = 0.d * 10^n. */
static int shortest_digits(double x, char *d, size_t size)
{
	char tmp[40];
	for (int p = 0; p < 17; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	/* tmp: D[.DDD]e[+-]XX */
	size_t k = 0;
	const char *s = tmp;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && k + 1 < size)
			d[k++] = *s;
	while (k > 1 && d[k - 1] == '0')
		k--;
	d[k] = '\0';
	return atoi(s + 1) + 1;
}

static int put_number(certs_buf *b, double x)
{
	if (!isfinite(x))
		return CERTS_E_INVALID;
	if (x == 0) {
		certs_buf_putc(b, '0');
		return CERTS_OK;
	}
	if (x < 0) {
		certs_buf_putc(b, '-');
		x = -x;
	}
	char d[32];
	int n = shortest_digits(x, d, sizeof d);
	int k = (int)strlen(d);
	if (k <= n && n <= 21) {
		certs_buf_puts(b, d);
		for (int i = 0; i < n - k; i++)
			certs_buf_putc(b, '0');
	} else if (0 < n && n <= 21) {
		certs_buf_append(b, d, (size_t)n);
		certs_buf_putc(b, '.');
		certs_buf_puts(b, d + n);
	} else if (-6 < n && n <= 0) {
		certs_buf_puts(b, "0.");
		for (int i = 0; i < -n; i++)
			certs_buf_putc(b, '0');
		certs_buf_puts(b, d);
	} else {
		certs_buf_putc(b, d[0]);
		if (k > 1) {
			certs_buf_putc(b, '.');
			certs_buf_puts(b, d + 1);
		}
		certs_buf_printf(b, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	return CERTS_OK;
}

/* ---------- strings ---------- */

static int put_string(certs_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (certs_utf8_count(s, n) < 0)
		return CERTS_E_UTF8;
	certs_buf_putc(b, '"');
	size_t run = 0; /* start of the bytes not yet copied */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[8];
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\r':
			esc = "\\r";
			break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof u, "\\u%04x", c);
				esc = u;
			}
		}
		if (esc) {
			certs_buf_append(b, s + run, i - run);
			certs_buf_puts(b, esc);
			run = i + 1;
		}
	}
	certs_buf_append(b, s + run, n - run);
	certs_buf_putc(b, '"');
	return CERTS_OK;
}

/* ---------- member order ---------- */

/* The next UTF-16 code unit of s at *i (valid UTF-8); *pending holds a low
 * surrogate still to come. Returns -1 at the end. */
static long next_unit(const char *s, size_t *i, long *pending)
{
	if (*pending >= 0) {
		long u = *pending;
		*pending = -1;
		return u;
	}
	if (!s[*i])
		return -1;
	uint32_t cp = certs_utf8_next(s, i);
	if (cp < 0x10000)
		return (long)cp;
	cp -= 0x10000;
	*pending = (long)(0xdc00 + (cp & 0x3ff));
	return (long)(0xd800 + (cp >> 10));
}

static int cmp_utf16(const char *a, const char *b)
{
	size_t i = 0, j = 0;
	long pa = -1, pb = -1;
	for (;;) {
		long ua = next_unit(a, &i, &pa), ub = next_unit(b, &j, &pb);
		if (ua != ub)
			return ua < ub ? -1 : 1;
		if (ua < 0)
			return 0;
	}
}

static int cmp_members(const void *x, const void *y)
{
	const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
	return cmp_utf16(a->string, b->string);
}

/* ---------- values ---------- */

static int put_value(certs_buf *b, const cJSON *v, int depth);

static int put_object(certs_buf *b, const cJSON *v, int depth)
{
	size_t n = 0;
	for (const cJSON *m = v->child; m; m = m->next) {
		if (!m->string || certs_utf8_count(m->string, strlen(m->string)) < 0)
			return CERTS_E_UTF8;
		n++;
	}
	const cJSON **m = malloc((n ? n : 1) * sizeof *m);
	if (!m)
		return CERTS_E_NOMEM;
	size_t k = 0;
	for (const cJSON *c = v->child; c; c = c->next)
		m[k++] = c;
	qsort(m, n, sizeof *m, cmp_members);
	int rc = CERTS_OK;
	certs_buf_putc(b, '{');
	for (size_t i = 0; i < n && rc == CERTS_OK; i++) {
		if (i > 0 && strcmp(m[i - 1]->string, m[i]->string) == 0) {
			rc = CERTS_E_INVALID; /* duplicate member name */
			break;
		}
		if (i)
			certs_buf_putc(b, ',');
		rc = put_string(b, m[i]->string);
		certs_buf_putc(b, ':');
		if (rc == CERTS_OK)
			rc = put_value(b, m[i], depth + 1);
	}
	certs_buf_putc(b, '}');
	free(m);
	return rc;
}

static int put_value(certs_buf *b, const cJSON *v, int depth)
{
	if (depth > 64)
		return CERTS_E_INVALID;
	if (cJSON_IsNull(v)) {
		certs_buf_puts(b, "null");
	} else if (cJSON_IsTrue(v)) {
		certs_buf_puts(b, "true");
	} else if (cJSON_IsFalse(v)) {
		certs_buf_puts(b, "false");
	} else if (cJSON_IsNumber(v)) {
		return put_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		return put_string(b, v->valuestring ? v->valuestring : "");
	} else if (cJSON_IsArray(v)) {
		certs_buf_putc(b, '[');
		for (const cJSON *e = v->child; e; e = e->next) {
			if (e != v->child)
				certs_buf_putc(b, ',');
			int rc = put_value(b, e, depth + 1);
			if (rc)
				return rc;
		}
		certs_buf_putc(b, ']');
	} else if (cJSON_IsObject(v)) {
		return put_object(b, v, depth);
	} else {
		return CERTS_E_INVALID; /* raw or invalid items */
	}
	return CERTS_OK;
}

int certs_canonical_json(const void *cjson, char **out, size_t *len)
{
	if (!cjson || !out)
		return CERTS_E_INVALID;
	certs_buf b = {0};
	int rc = put_value(&b, cjson, 0);
	if (rc) {
		certs_buf_free(&b);
		return rc;
	}
	*out = certs_buf_take(&b, len);
	return *out ? CERTS_OK : CERTS_E_NOMEM;
}
