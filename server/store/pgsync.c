/*
 * pgsync.c - blocking libpq for the command line and libuv's pool threads
 * (see pgsync.h): recompute_pg.c (the `recompute` command, an upheld
 * appeal's correction) and release.c (results published, finalized and
 * corrected, from api/release.c's pool work) run their statements through
 * it. Never on the loop: PQexecParams waits for the server, and the loop's
 * queries are store.c's.
 */
#include <stdio.h>

#include "store/pgsync.h"

PGresult *pgsync_query(PGconn *pg, const char *sql, int np, const char *const *p)
{
	PGresult *r = PQexecParams(pg, sql, np, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
		return r;
	PQclear(r);
	return NULL;
}

int pgsync_fail(char *err, size_t n, int code, const char *what, PGconn *pg)
{
	snprintf(err, n, "%s: %s", what, pg ? PQerrorMessage(pg) : "out of memory");
	return code;
}
