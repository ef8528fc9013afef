/*
 * pgarr.c - PostgreSQL array literals ('{1,2,"a\"b"}') built in one buffer,
 * so that a whole group commit travels as a few text parameters of ONE
 * statement (unnest(...)) instead of one statement per row. Out of memory,
 * the array remembers it and pgarr_end returns NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgarr.h"

void pgarr_init(pgarr *a)
{
	a->cap = 64;
	a->buf = malloc(a->cap);
	a->len = 1;
	if (a->buf)
		a->buf[0] = '{';
}

/* Room for need bytes in all; 0, or -1 (buf freed, NULL: the array is lost). */
static int reserve(pgarr *a, size_t need)
{
	if (!a->buf)
		return -1;
	if (need <= a->cap)
		return 0;
	char *grown = realloc(a->buf, need * 2);
	if (!grown) {
		free(a->buf);
		a->buf = NULL;
		return -1;
	}
	a->buf = grown;
	a->cap = need * 2;
	return 0;
}

static void add(pgarr *a, const char *s, int quote)
{
	if (reserve(a, a->len + 2 * strlen(s) + 5))
		return;
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
	if (reserve(a, a->len + 2))
		return NULL;
	a->buf[a->len++] = '}';
	a->buf[a->len] = '\0';
	return a->buf;
}

void pgarr_release(pgarr *a)
{
	free(a->buf);
	a->buf = NULL;
}
