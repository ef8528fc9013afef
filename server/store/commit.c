/*
 * commit.c - the group commit (commit.h): a queue of items, a timer, and
 * statements of many rows.
 *
 * Items wait in a ring (no allocation per item once it has grown). The next
 * statement leaves now when `max` items wait (or the server is stopping),
 * else when the first has waited delay_ms, but not sooner than interval_ms
 * after the previous one, and only while fewer than `inflight` are on their
 * way; items that arrive meanwhile wait and leave together. So a batch grows
 * with the load (items per second x the interval): PostgreSQL sees a few
 * big statements rather than many small ones, and one statement's fixed cost
 * (planning, the commit's disk flush) is about that of a hundred rows
 * (docs/performance.md).
 */
#include <assert.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/commit.h"
#include "store/pgarr.h"
#include "store/store.h"

struct commit_queue {
	arena *a;
	const commit_ops *ops;
	commit_policy pol;
	void **ring; /* items waiting: ring[(head + i) % cap], i < n */
	size_t cap, head;
	int n;
	uv_timer_t timer;
	int inflight;        /* statements on their way */
	uint64_t last_flush; /* loop time (ms) the last statement started */
	int closed;          /* commit_close was called */
	int timer_closed;    /* ... and its timer handle is closed */
};

/* One statement on its way: its items, in queue order. */
typedef struct commit_batch {
	commit_queue *q;
	int n;
	void *items[];
} commit_batch;

static void flush(commit_queue *q);

static void queue_free(commit_queue *q)
{
	assert(q->closed && !q->n);
	free(q->ring);
	free(q);
}

static void timer_closed(uv_handle_t *h)
{
	commit_queue *q = h->data;
	q->timer_closed = 1;
	if (!q->inflight)
		queue_free(q);
}

static void on_timer(uv_timer_t *t) { flush(t->data); }

commit_queue *commit_open(arena *a, const commit_ops *ops, commit_policy pol)
{
	assert(ops->ncols + ops->nextra <= COMMIT_PARAMS_MAX && ops->row && ops->done);
	commit_queue *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->a = a;
	q->ops = ops;
	q->pol = pol;
	if (q->pol.max < 1)
		q->pol.max = 1;
	uv_timer_init(a->loop, &q->timer);
	q->timer.data = q;
	return q;
}

/* The in-flight limit holds (stopping lifts it: the drain waits for the store). */
static int at_limit(const commit_queue *q)
{
	return q->pol.inflight > 0 && !q->a->stopping && q->inflight >= q->pol.inflight;
}

/* The next statement: now, or when the timer says (see the top of this file). */
static void schedule(commit_queue *q)
{
	if (!q->n || at_limit(q))
		return;
	if (q->n >= q->pol.max || q->a->stopping) {
		flush(q);
		return;
	}
	if (uv_is_active((uv_handle_t *)&q->timer))
		return;
	uint64_t now = uv_now(q->a->loop), at = now + (uint64_t)q->pol.delay_ms;
	if (q->last_flush + (uint64_t)q->pol.interval_ms > at)
		at = q->last_flush + (uint64_t)q->pol.interval_ms;
	uv_timer_start(&q->timer, on_timer, at - now, 0);
}

int commit_add(commit_queue *q, void *item)
{
	if (q->closed)
		return SA_E_UNAVAILABLE;
	if ((size_t)q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		void **ring = malloc(cap * sizeof *ring);
		if (!ring)
			return SA_E_INTERNAL;
		for (int i = 0; i < q->n; i++)
			ring[i] = q->ring[(q->head + (size_t)i) % q->cap];
		free(q->ring);
		q->ring = ring;
		q->cap = cap;
		q->head = 0;
	}
	q->ring[(q->head + (size_t)q->n) % q->cap] = item;
	q->n++;
	schedule(q);
	return 0;
}

static int conflicts(const commit_queue *q, const commit_batch *b, const void *item)
{
	for (int k = 0; q->ops->conflicts && k < b->n; k++)
		if (q->ops->conflicts(b->items[k], item))
			return 1;
	return 0;
}

/*
 * Moves up to `take` items from the front of the ring into b, in order; an
 * item that conflicts with one already in b stays, and the items that stayed
 * end up at the front again, in their order. Returns how many stayed.
 */
static int take_batch(commit_queue *q, commit_batch *b, int take)
{
	size_t scanned = 0, kept = 0;
	while (scanned < (size_t)q->n && b->n < take) {
		void *item = q->ring[(q->head + scanned) % q->cap];
		scanned++;
		if (conflicts(q, b, item))
			q->ring[(q->head + kept++) % q->cap] = item; /* a slot already read */
		else
			b->items[b->n++] = item;
	}
	/* the kept ones move up to just before the first item not scanned */
	for (size_t i = kept; i-- > 0;)
		q->ring[(q->head + scanned - kept + i) % q->cap] = q->ring[(q->head + i) % q->cap];
	q->head = (q->head + scanned - kept) % q->cap;
	q->n -= (int)(scanned - kept);
	assert(q->n >= 0 && b->n + (int)kept == (int)scanned);
	return (int)kept;
}

static void batch_done(arena *a, void *res, const char *err, void *ud)
{
	commit_batch *b = ud;
	commit_queue *q = b->q;
	assert(q->inflight > 0);
	q->inflight--;
	q->ops->done(a, b->items, b->n, res, err);
	free(b);
	if (q->closed) {
		if (!q->inflight && q->timer_closed)
			queue_free(q);
		return;
	}
	schedule(q); /* the items that waited for this statement */
}

/* Builds the statement's parameters from b's items and sends it. */
static void send_batch(commit_queue *q, commit_batch *b)
{
	const commit_ops *ops = q->ops;
	pgarr cols[COMMIT_PARAMS_MAX];
	const char *params[COMMIT_PARAMS_MAX];
	int ok = 1;
	for (int k = 0; k < ops->ncols; k++)
		pgarr_init(&cols[k]);
	for (int i = 0; i < b->n; i++)
		ops->row(b->items[i], cols);
	for (int k = 0; k < ops->ncols; k++)
		ok &= (params[k] = pgarr_end(&cols[k])) != NULL;
	for (int k = 0; k < ops->nextra; k++)
		params[ops->ncols + k] = ops->extra(q->a, k);
	/* Counted first: a connection lost while sending answers at once. */
	q->inflight++;
	if (!ok || store_query_prepared(q->a, ops->sql, ops->ncols + ops->nextra, params, batch_done, b)) {
		q->inflight--;
		ops->done(q->a, b->items, b->n, NULL, NULL);
		free(b);
	}
	for (int k = 0; k < ops->ncols; k++)
		pgarr_release(&cols[k]);
}

static void flush(commit_queue *q)
{
	uv_timer_stop(&q->timer);
	q->last_flush = uv_now(q->a->loop);
	while (q->n && !at_limit(q)) {
		int take = q->n < q->pol.max ? q->n : q->pol.max;
		commit_batch *b = malloc(sizeof *b + (size_t)take * sizeof b->items[0]);
		if (!b) { /* out of memory: they wait and try again */
			uv_timer_start(&q->timer, on_timer, (uint64_t)q->pol.delay_ms + 1, 0);
			return;
		}
		b->q = q;
		b->n = 0;
		int kept = take_batch(q, b, take);
		send_batch(q, b);
		if (kept) { /* they go in the next statement, after a delay */
			if (q->n && !q->closed)
				uv_timer_start(&q->timer, on_timer, (uint64_t)q->pol.delay_ms, 0);
			return;
		}
	}
}

void commit_flush(commit_queue *q)
{
	if (q->n)
		flush(q);
}

int commit_waiting(const commit_queue *q) { return q->n; }

void commit_close(commit_queue *q)
{
	assert(!q->closed);
	q->closed = 1;
	uv_timer_stop(&q->timer);
	while (q->n) {
		commit_batch *b = malloc(sizeof *b + (size_t)q->n * sizeof b->items[0]);
		if (!b) { /* nothing better to do with them than what done() would */
			q->ops->done(q->a, q->ring + q->head, 1, NULL, NULL);
			q->head = (q->head + 1) % q->cap;
			q->n--;
			continue;
		}
		b->q = q;
		b->n = 0;
		take_batch(q, b, q->n);
		q->ops->done(q->a, b->items, b->n, NULL, NULL);
		free(b);
	}
	uv_close((uv_handle_t *)&q->timer, timer_closed);
}
