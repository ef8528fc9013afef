/*
 * store.h - PostgreSQL, the source of truth, reached without blocking the
 * loop (store.c).
 */
#ifndef SKILLARENA_STORE_STORE_H
#define SKILLARENA_STORE_STORE_H

#include <stdint.h>

#include "core/arena.h"

/* Called once per query with the result (NULL and err set when the query could
 * not run: connection lost, queue full). The store frees res after the call. */
typedef void (*store_cb)(struct arena *a, void *res /* PGresult* */, const char *err, void *ud);

int store_open(arena *a); /* connects the pool (asynchronously); 0 or SA_E_INTERNAL */
void store_close(arena *a);
/* Queues a query; params are copied. Returns 0, or SA_E_UNAVAILABLE (no
 * connection, stopping, queue full) or SA_E_INTERNAL (out of memory): cb is
 * then not called. cb may run before store_query returns (a connection lost
 * while sending): take what the callback releases first. */
int store_query(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb, void *ud);
/* The same for a statement run often: sql must be a string that lives as long as
 * the process (its address names it); each connection parses it once. */
int store_query_prepared(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb,
			 void *ud);
int store_ready(arena *a); /* at least one connection is up */
int store_busy(arena *a);  /* queries queued or in flight */
/* Waits (running the loop) until nothing is queued or in flight; for shutdown. */
void store_drain(arena *a, int64_t timeout_ms);

/*
 * Fields of a result, checked: rows and columns are written by other
 * processes (or by hand), so a value is read only if it is there, not NULL,
 * and (store_int) a whole number in [lo, hi]. store_int: 0 and *out, or
 * SA_E_INVALID_FIELD; store_text: the value, or NULL.
 */
int store_int(const void *res, int row, int col, int64_t lo, int64_t hi, int64_t *out);
const char *store_text(const void *res, int row, int col);
/* A boolean ("t" or "f"): 0 and *out (1 or 0), or SA_E_INVALID_FIELD. */
int store_bool(const void *res, int row, int col, int *out);

#endif
