/*
 * xapi.h - the xAPI sender (xapi.c): the statements of xapi_outbox
 * (sql/080_records.sql) posted to the LRS of --lrs-url, in batches.
 *
 * A libuv timer (--xapi-interval-ms) hands one batch at a time to libuv's
 * thread pool, where a blocking libpq connection of the sender's own claims
 * up to XAPI_BATCH due rows (FOR UPDATE SKIP LOCKED: processes share the
 * outbox without sending a row twice at once), builds the statements of
 * the rows that have none yet (the results library's results_xapi_*, from
 * the stored attempt or certificate) and keeps them in the row, POSTs them
 * as one JSON array over HTTP/1.1 (plain socket, timeouts: the loop never
 * waits for the LRS), and in the same transaction marks the rows sent, or
 * counts the failure and sets the row's next try 1 s, 2 s, 4 s ... up to
 * XAPI_BACKOFF_MAX_S later. An LRS that is down loses nothing: the rows
 * wait in PostgreSQL, whichever process sends them later; a statement sent
 * again after a lost reply has the same id and content (the LRS keeps one).
 * A batch the LRS refuses as a whole (400, 409) is retried row by row, so
 * one bad statement does not hold back the others.
 */
#ifndef SKILLARENA_STORE_XAPI_H
#define SKILLARENA_STORE_XAPI_H

#include "core/arena.h"

#define XAPI_BATCH 50
#define XAPI_BACKOFF_MAX_S 300
#define XAPI_TIMEOUT_MS 10000

/* Starts the sender when --lrs-url is set (0), or SA_E_INVALID_FIELD for a URL it cannot use. */
int xapi_open(arena *a);
/* Stops the timer; a batch on the pool finishes (its transaction commits or rolls back). */
void xapi_close(arena *a);

#endif
