/*
 * num.c - strict numbers from text written elsewhere (num.h). atoll() turns
 * "12abc" into 12 and "garbage" into 0, and overflows silently: a value
 * read back from PostgreSQL or Redis goes through here instead, and a
 * malformed one is refused so that the caller logs and skips it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/num.h"

int num_i64n(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, limit;
	if (!s || !len)
		return SA_E_INVALID_FIELD;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len || len - i > 19)
		return SA_E_INVALID_FIELD;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SA_E_INVALID_FIELD;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return SA_E_INVALID_FIELD;
		v = v * 10 + d;
	}
	int64_t n = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	if (n < lo || n > hi)
		return SA_E_INVALID_FIELD;
	*out = n;
	return 0;
}

int num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	return s ? num_i64n(s, strlen(s), lo, hi, out) : SA_E_INVALID_FIELD;
}

int num_double(const char *s, size_t len, double *out)
{
	char buf[64], *end;
	if (!s || !len || len >= sizeof buf || memchr(s, '\0', len))
		return SA_E_INVALID_FIELD;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n') /* strtod would skip it */
		return SA_E_INVALID_FIELD;
	errno = 0;
	double d = strtod(buf, &end);
	if (end == buf || *end || errno == ERANGE || !isfinite(d))
		return SA_E_INVALID_FIELD;
	*out = d;
	return 0;
}
