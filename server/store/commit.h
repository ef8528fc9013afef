/*
 * commit.h - group commit: many rows, ONE statement, one transaction
 * (commit.c). Answers and joins use it; so will every batched write to come
 * (marks, certificates, ledger rows).
 *
 * A commit queue collects items and sends them to PostgreSQL together as one
 * prepared statement whose parameters are PostgreSQL arrays, one per column
 * (store/pgarr.h): the statement turns them back into rows with unnest().
 * When the statement has run, done() gets the items, in queue order, with
 * the result.
 *
 * The policy of a queue:
 *   max          most items in one statement; that many waiting go at once
 *   delay_ms     how long the first waiting item may wait for others
 *   interval_ms  under load, statements start at most this often (0: no limit)
 *   inflight     most statements on their way at once (0: no limit)
 * While the server stops (arena.stopping) everything waiting goes at once,
 * whatever the limits, so the drain never leaves items queued behind it.
 *
 * Ownership: commit_add lends the item to the queue; it is the caller's
 * again when done() is called with it (exactly once per item added).
 */
#ifndef SKILLARENA_STORE_COMMIT_H
#define SKILLARENA_STORE_COMMIT_H

#include "core/arena.h"
#include "store/pgarr.h"

#define COMMIT_PARAMS_MAX 24 /* columns + extra parameters of one statement */

typedef struct commit_queue commit_queue;

typedef struct commit_policy {
	int max;
	int delay_ms;
	int interval_ms;
	int inflight;
} commit_policy;

typedef struct commit_ops {
	const char *sql; /* static text (prepared once per connection) */
	int ncols;       /* $1..$ncols: one array per column, filled by row() */
	int nextra;      /* $ncols+1..: plain parameters given by extra() */
	void (*row)(const void *item, pgarr *cols);
	const char *(*extra)(arena *a, int k); /* k from 0 to nextra-1; may be NULL if nextra is 0 */
	/* May item share a statement with earlier, already in it? NULL: always.
	 * A conflicting item waits for the next statement, its order kept. */
	int (*conflicts)(const void *earlier, const void *item);
	/*
	 * The statement ran (res is its PGresult*, err NULL), failed (err set),
	 * or could not be sent (res and err NULL: PostgreSQL unreachable, out of
	 * memory, the queue closed). items[0..n-1] in queue order; the array is
	 * the queue's (done may overwrite entries), the items the caller's.
	 */
	void (*done)(arena *a, void **items, int n, void *res, const char *err);
} commit_ops;

/* NULL when out of memory. ops must live as long as the queue. */
commit_queue *commit_open(arena *a, const commit_ops *ops, commit_policy pol);
/* Queues item: 0, or SA_E_INTERNAL (out of memory) / SA_E_UNAVAILABLE
 * (closed); done() is then not called for it. */
int commit_add(commit_queue *q, void *item);
/* Sends what waits now (within the in-flight limit, which stopping lifts). */
void commit_flush(commit_queue *q);
int commit_waiting(const commit_queue *q);
/* Items still waiting get done(NULL, NULL) now; statements on their way
 * complete as usual; the queue is freed after the last of them. */
void commit_close(commit_queue *q);

#endif
