/*
 * pgarr.c - PostgreSQL array literals ('{1,2,"a\"b"}') built in one buffer,
 * so that a whole group commit travels as a few text parameters of ONE
 * statement (unnest(...)) instead of one statement per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgarr.h"

void pgarr_init(pgarr *a)
{
	a->cap = 64;
	a->buf = malloc(a->cap);
	a->buf[0] = '{';
	a->len = 1;
}

static void add(pgarr *a, const char *s, int quote)
{
	size_t need = a->len + 2 * strlen(s) + 5;
	if (need > a->cap) {
		a->cap = need * 2;
		a->buf = realloc(a->buf, a->cap);
	}
	char *o = a->buf + a->len;
	if (a->len > 1)
		*o++ = ',';
	if (quote)
		*o++ = '"';
	for (; *s; s++) {
		if (quote && (*s == '"' || *s == '\\'))
			*o++ = '\\';
		*o++ = *s;
	}
	if (quote)
		*o++ = '"';
	a->len = (size_t)(o - a->buf);
}

void pgarr_text(pgarr *a, const char *s) { add(a, s ? s : "", 1); }

void pgarr_num(pgarr *a, long long v)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", v);
	add(a, num, 0);
}

const char *pgarr_end(pgarr *a)
{
	if (a->len + 2 > a->cap)
		a->buf = realloc(a->buf, a->cap = a->len + 2);
	a->buf[a->len++] = '}';
	a->buf[a->len] = '\0';
	return a->buf;
}

void pgarr_release(pgarr *a)
{
	free(a->buf);
	a->buf = NULL;
}
