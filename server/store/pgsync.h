/*
 * pgsync.h - blocking libpq for the command line and libuv's pool threads
 * only, never the loop (pgsync.c): one statement run to its result, and a
 * failure written as "what: PostgreSQL's reason". The loop's PostgreSQL is
 * store.h (non-blocking, queued); a caller here owns its PGconn (made with
 * PQconnectdb by the command or the job) and is already off the loop.
 */
#ifndef SKILLARENA_STORE_PGSYNC_H
#define SKILLARENA_STORE_PGSYNC_H

#include <stddef.h>

#include <libpq-fe.h>

/*
 * Runs sql with np text parameters p and waits for it: the result (the
 * caller PQclears it) when it returned rows or completed, NULL when it
 * failed (PQerrorMessage(pg) says why). Blocks: never call it on the loop.
 */
PGresult *pgsync_query(PGconn *pg, const char *sql, int np, const char *const *p);

/* "what: PostgreSQL's last message" into err (n bytes; "out of memory" when pg is NULL): code. */
int pgsync_fail(char *err, size_t n, int code, const char *what, PGconn *pg);

#endif
