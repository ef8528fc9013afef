/*
 * pgcopy.c - COPY ... FROM STDIN in text format (see pgcopy.h). Fields are
 * separated by a tab, rows end with a newline; a backslash, tab, newline or
 * carriage return in a value is escaped, NULL is \N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/pgcopy.h"

#define PGCOPY_FLUSH (256 * 1024)

static void flush(pgcopy *c)
{
	if (!c->failed && c->len && PQputCopyData(c->pg, c->buf, (int)c->len) != 1)
		c->failed = SA_E_UNAVAILABLE;
	c->len = 0;
}

static void put(pgcopy *c, const char *s, size_t n)
{
	if (c->failed)
		return;
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : PGCOPY_FLUSH + 4096;
		while (cap < c->len + n)
			cap *= 2;
		char *nb = realloc(c->buf, cap);
		if (!nb) {
			c->failed = SA_E_INTERNAL;
			return;
		}
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

int pgcopy_begin(pgcopy *c, PGconn *pg, const char *sql)
{
	memset(c, 0, sizeof *c);
	c->pg = pg;
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		c->failed = SA_E_UNAVAILABLE;
	PQclear(r);
	return c->failed ? -1 : 0;
}

static void sep(pgcopy *c)
{
	if (c->fields++)
		put(c, "\t", 1);
}

void pgcopy_text(pgcopy *c, const char *s)
{
	sep(c);
	if (!s) {
		put(c, "\\N", 2);
		return;
	}
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\\\t\n\r");
		put(c, p, n);
		p += n;
		if (!*p)
			break;
		static const char esc[4][3] = {"\\\\", "\\t", "\\n", "\\r"};
		put(c, esc[*p == '\\' ? 0 : *p == '\t' ? 1 : *p == '\n' ? 2 : 3], 2);
		p++;
	}
}

void pgcopy_num(pgcopy *c, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", v);
	sep(c);
	put(c, num, (size_t)n);
}

void pgcopy_raw(pgcopy *c, const char *s)
{
	sep(c);
	put(c, s, strlen(s));
}

void pgcopy_row(pgcopy *c)
{
	put(c, "\n", 1);
	c->fields = 0;
	c->rows++;
	if (c->len >= PGCOPY_FLUSH)
		flush(c);
}

int pgcopy_end(pgcopy *c, char *err, size_t errlen)
{
	int began = c->failed != SA_E_UNAVAILABLE || c->rows; /* the COPY started */
	if (errlen)
		err[0] = '\0';
	flush(c);
	if (began && PQputCopyEnd(c->pg, c->failed ? "skillarena: the rows could not be sent" : NULL) != 1)
		c->failed = c->failed ? c->failed : SA_E_UNAVAILABLE;
	PGresult *r;
	while ((r = PQgetResult(c->pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_COPY_IN) {
			snprintf(err, errlen, "%s", PQresultErrorMessage(r));
			if (!c->failed)
				c->failed = SA_E_UNAVAILABLE;
		}
		PQclear(r);
	}
	if (c->failed && !*err)
		snprintf(err, errlen, "%s",
			 c->failed == SA_E_INTERNAL ? "out of memory" : PQerrorMessage(c->pg));
	free(c->buf);
	c->buf = NULL;
	return c->failed;
}
