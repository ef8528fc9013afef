/*
 * store.c - PostgreSQL, the source of truth, reached without blocking the loop.
 *
 * A small pool of libpq connections in non-blocking mode; each runs one
 * query at a time, its socket watched by a uv_poll_t on the server's loop.
 * Queries wait in one FIFO and go to whichever connection is idle. Connecting
 * (PQconnectdb blocks on DNS and the handshake) runs on libuv's thread pool,
 * so a PostgreSQL restart never stalls the loop; a lost connection fails its
 * query (the caller reports `unavailable`, nothing acknowledged is lost) and
 * reconnects with backoff.
 *
 * Batched writes (answers, joins) use it through store/commit.c's group
 * commit: many rows, one statement, one transaction.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/num.h"
#include "store/store.h"

#define STORE_QUEUE_MAX 200000
#define STORE_PREPARED_MAX 8 /* statements prepared per connection */

typedef struct store_req {
	struct store_req *next;
	char *sql;
	const char *key; /* store_query_prepared: the caller's (static) SQL text */
	int nparams;
	char **params;
	store_cb cb;
	void *ud;
} store_req;

typedef enum { PGC_DOWN, PGC_CONNECTING, PGC_IDLE, PGC_BUSY } pgc_state;

typedef struct pgc {
	struct store *s;
	int idx;
	pgc_state state;
	PGconn *pg;
	uv_poll_t *poll;
	int poll_events;
	store_req *cur;
	PGresult *last;
	const char *prepared[STORE_PREPARED_MAX]; /* keys prepared on this connection, as "s<i>" */
	int nprepared;
	int preparing; /* cur's statement is being prepared; it runs next */
	uv_work_t work;
	PGconn *fresh;
	uv_timer_t retry;
	int64_t backoff_ms;
	int retry_inited;
} pgc;

typedef struct store {
	arena *a;
	pgc *c;
	int n;
	store_req *head, *tail;
	int queued;
	int inflight;
	int closing;
	int ever_up; /* a connection was up once: from then on, no connection = fail fast */
} store;

static void pgc_connect(pgc *c);
static int pgc_run(pgc *c, struct store_req *r);
static void store_dispatch(store *s);
static void store_retry_cb(uv_timer_t *t);
int store_ready(arena *a);

static void req_free(store_req *r)
{
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	free(r->params);
	free(r->sql);
	free(r);
}

static void req_finish(store *s, store_req *r, PGresult *res, const char *err)
{
	r->cb(s->a, res, err, r->ud);
	req_free(r);
}

static void poll_closed(uv_handle_t *h) { free(h); }

static void store_fail_queued(store *s, const char *why)
{
	while (s->head) {
		store_req *r = s->head;
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		s->queued--;
		assert(s->queued >= 0);
		req_finish(s, r, NULL, why);
	}
}

static void pgc_poll_set(pgc *c, int events);

static void pgc_down(pgc *c, const char *reason)
{
	store *s = c->s;
	char why[256]; /* reason may be PQerrorMessage(c->pg), freed by PQfinish below */
	snprintf(why, sizeof why, "%s", reason ? reason : "unknown");
	for (char *nl = strchr(why, '\n'); nl; nl = strchr(nl, '\n'))
		*nl = ' ';
	if (c->poll) {
		uv_poll_stop(c->poll);
		uv_close((uv_handle_t *)c->poll, poll_closed);
		c->poll = NULL;
	}
	if (c->pg) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	c->nprepared = 0; /* a new connection prepares again */
	c->preparing = 0;
	if (c->last) {
		PQclear(c->last);
		c->last = NULL;
	}
	if (c->state != PGC_DOWN)
		sa_log(s->closing ? LL_DEBUG : LL_WARN, "postgresql connection %d %s: %s", c->idx,
		       s->closing ? "closed" : "lost", why);
	c->state = PGC_DOWN;
	if (c->cur) {
		store_req *r = c->cur;
		c->cur = NULL;
		s->inflight--;
		assert(s->inflight >= 0);
		req_finish(s, r, NULL, why);
	}
	if (s->closing)
		return;
	/* No connection left: queued queries fail now rather than wait for the
	 * database (their callers answer `unavailable`, clients retry). */
	if (!store_ready(s->a))
		store_fail_queued(s, why);
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 100;
	if (c->backoff_ms > 2000)
		c->backoff_ms = 2000;
	uv_timer_start(&c->retry, store_retry_cb, (uint64_t)c->backoff_ms, 0);
}

static void store_retry_cb(uv_timer_t *t)
{
	pgc *c = t->data;
	if (!c->s->closing && c->state == PGC_DOWN)
		pgc_connect(c);
}

/* Reads whatever arrived; completes the query when libpq has all of it. */
static void pgc_read(pgc *c)
{
	store *s = c->s;
	if (!PQconsumeInput(c->pg)) {
		pgc_down(c, PQerrorMessage(c->pg));
		return;
	}
	while (c->cur && !PQisBusy(c->pg)) {
		PGresult *r = PQgetResult(c->pg);
		if (r) {
			if (c->last)
				PQclear(c->last);
			c->last = r;
			continue;
		}
		store_req *req = c->cur;
		PGresult *res = c->last;
		c->last = NULL;
		if (c->preparing) {
			c->preparing = 0;
			int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
			if (ok) {
				c->prepared[c->nprepared++] = req->key;
				PQclear(res);
				if (pgc_run(c, req))
					return;
				continue;
			}
			sa_log(LL_WARN, "postgresql: cannot prepare a statement: %s",
			       res ? PQresultErrorMessage(res) : "no result");
		}
		c->cur = NULL;
		c->state = PGC_IDLE;
		s->inflight--;
		assert(s->inflight >= 0);
		const char *err = NULL;
		if (!res)
			err = "no result";
		else if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
			err = PQresultErrorMessage(res);
		req_finish(s, req, res, err);
		if (res)
			PQclear(res);
	}
	if (!c->cur && PQstatus(c->pg) == CONNECTION_BAD) {
		pgc_down(c, "connection closed by the server");
		return;
	}
	store_dispatch(s);
}

static void pgc_on_poll(uv_poll_t *h, int status, int events)
{
	pgc *c = h->data;
	if (status < 0) {
		pgc_down(c, uv_strerror(status));
		return;
	}
	if (events & UV_WRITABLE) {
		int r = PQflush(c->pg);
		if (r < 0) {
			pgc_down(c, PQerrorMessage(c->pg));
			return;
		}
		if (r == 0)
			pgc_poll_set(c, UV_READABLE);
	}
	if (events & UV_READABLE)
		pgc_read(c);
}

static void pgc_poll_set(pgc *c, int events)
{
	if (c->poll && c->poll_events != events) {
		c->poll_events = events;
		uv_poll_start(c->poll, events, pgc_on_poll);
	}
}

/*
 * Sends r on c: a statement of store_query_prepared runs prepared (parsed
 * once per connection, prepared first if this connection has not seen it),
 * anything else as a one-off. Returns -1 if c went down
 * (r has been answered).
 */
static int pgc_run(pgc *c, store_req *r)
{
	char name[16];
	int i = 0, ok;
	if (r->key) {
		while (i < c->nprepared && c->prepared[i] != r->key)
			i++;
		snprintf(name, sizeof name, "s%d", i);
	}
	if (!r->key || i == STORE_PREPARED_MAX)
		ok = PQsendQueryParams(c->pg, r->sql, r->nparams, NULL, (const char *const *)r->params, NULL,
				       NULL, 0);
	else if (i == c->nprepared) {
		c->preparing = 1;
		ok = PQsendPrepare(c->pg, name, r->sql, r->nparams, NULL);
	} else
		ok = PQsendQueryPrepared(c->pg, name, r->nparams, (const char *const *)r->params, NULL, NULL,
					 0);
	if (!ok) {
		pgc_down(c, PQerrorMessage(c->pg));
		return -1;
	}
	int f = PQflush(c->pg);
	if (f < 0) {
		pgc_down(c, PQerrorMessage(c->pg));
		return -1;
	}
	pgc_poll_set(c, f ? (UV_READABLE | UV_WRITABLE) : UV_READABLE);
	return 0;
}

static void pgc_send(pgc *c, store_req *r)
{
	c->cur = r;
	c->state = PGC_BUSY;
	c->s->inflight++;
	pgc_run(c, r);
}

static void store_dispatch(store *s)
{
	for (int i = 0; i < s->n && s->head; i++) {
		pgc *c = &s->c[i];
		if (c->state != PGC_IDLE)
			continue;
		store_req *r = s->head;
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		s->queued--;
		assert(s->queued >= 0);
		pgc_send(c, r);
	}
}

/* On the thread pool: the blocking part of connecting. */
static void pgc_connect_work(uv_work_t *w)
{
	pgc *c = w->data;
	c->fresh = PQconnectdb(c->s->a->cfg.pg);
	/*
	 * Prepared statements (store_query_prepared) save parsing, but are
	 * planned for every run still: a generic plan made while a table was
	 * empty (a fresh contest) would stay a sequential scan as it grows.
	 */
	if (c->fresh && PQstatus(c->fresh) == CONNECTION_OK)
		PQclear(PQexec(c->fresh, "SET plan_cache_mode = force_custom_plan"));
}

static void pgc_connect_done(uv_work_t *w, int status)
{
	pgc *c = w->data;
	store *s = c->s;
	PGconn *pg = c->fresh;
	c->fresh = NULL;
	if (s->closing || status < 0 || !pg || PQstatus(pg) != CONNECTION_OK) {
		const char *why = pg ? PQerrorMessage(pg) : "out of memory";
		if (!s->closing)
			sa_log(c->backoff_ms >= 2000 ? LL_WARN : LL_DEBUG,
			       "postgresql connection %d failed: %s", c->idx, why);
		if (pg)
			PQfinish(pg);
		c->state = PGC_DOWN;
		if (!s->closing) {
			c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 100;
			if (c->backoff_ms > 2000)
				c->backoff_ms = 2000;
			uv_timer_start(&c->retry, store_retry_cb, (uint64_t)c->backoff_ms, 0);
		}
		return;
	}
	PQsetnonblocking(pg, 1);
	c->pg = pg;
	c->poll = malloc(sizeof *c->poll);
	if (!c->poll || uv_poll_init(s->a->loop, c->poll, PQsocket(pg))) {
		free(c->poll);
		c->poll = NULL;
		pgc_down(c, "cannot watch the socket");
		return;
	}
	c->poll->data = c;
	c->poll_events = 0;
	pgc_poll_set(c, UV_READABLE);
	c->state = PGC_IDLE;
	c->backoff_ms = 0;
	s->ever_up = 1;
	sa_log(LL_DEBUG, "postgresql connection %d up", c->idx);
	store_dispatch(s);
}

static void pgc_connect(pgc *c)
{
	c->state = PGC_CONNECTING;
	c->work.data = c;
	if (uv_queue_work(c->s->a->loop, &c->work, pgc_connect_work, pgc_connect_done))
		c->state = PGC_DOWN;
}

int store_open(arena *a)
{
	store *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->a = a;
	s->n = a->cfg.pg_pool > 0 ? a->cfg.pg_pool : 1;
	s->c = calloc((size_t)s->n, sizeof *s->c);
	if (!s->c) {
		free(s);
		return SA_E_INTERNAL;
	}
	a->store = s;
	for (int i = 0; i < s->n; i++) {
		pgc *c = &s->c[i];
		c->s = s;
		c->idx = i;
		uv_timer_init(a->loop, &c->retry);
		c->retry.data = c;
		c->retry_inited = 1;
		pgc_connect(c);
	}
	return 0;
}

int store_busy(arena *a)
{
	store *s = a->store;
	return s && (s->queued || s->inflight);
}

int store_ready(arena *a)
{
	store *s = a->store;
	for (int i = 0; s && i < s->n; i++)
		if (s->c[i].state == PGC_IDLE || s->c[i].state == PGC_BUSY)
			return 1;
	return 0;
}

static int enqueue(arena *a, const char *sql, const char *key, int nparams, const char *const *params,
		   store_cb cb, void *ud)
{
	store *s = a->store;
	if (!s || s->closing || s->queued >= STORE_QUEUE_MAX || (s->ever_up && !store_ready(a)))
		return SA_E_UNAVAILABLE;
	store_req *r = calloc(1, sizeof *r);
	if (!r)
		return SA_E_INTERNAL;
	r->sql = strdup(sql);
	r->key = key;
	r->params = calloc((size_t)(nparams ? nparams : 1), sizeof(char *));
	int ok = r->sql && r->params;
	for (int i = 0; ok && i < nparams; i++, r->nparams++)
		ok = !params[i] || (r->params[i] = strdup(params[i]));
	if (!ok) {
		req_free(r);
		return SA_E_INTERNAL;
	}
	r->cb = cb;
	r->ud = ud;
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	s->queued++;
	store_dispatch(s);
	return 0;
}

int store_query(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb, void *ud)
{
	return enqueue(a, sql, NULL, nparams, params, cb, ud);
}

int store_query_prepared(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb,
			 void *ud)
{
	return enqueue(a, sql, sql, nparams, params, cb, ud);
}

void store_drain(arena *a, int64_t timeout_ms)
{
	store *s = a->store;
	int64_t until = now_ms() + timeout_ms;
	while (s && (s->queued || s->inflight) && store_ready(a) && now_ms() < until)
		uv_run(a->loop, UV_RUN_ONCE);
}

static void retry_closed(uv_handle_t *h) { (void)h; }

void store_close(arena *a)
{
	store *s = a->store;
	if (!s)
		return;
	s->closing = 1;
	/* Queries still queued are failed: their callers answer `unavailable`. */
	store_fail_queued(s, "server shutting down");
	for (int i = 0; i < s->n; i++) {
		pgc *c = &s->c[i];
		uv_timer_stop(&c->retry);
		uv_close((uv_handle_t *)&c->retry, retry_closed);
		if (c->state != PGC_DOWN && c->state != PGC_CONNECTING)
			pgc_down(c, "server shutting down");
	}
	/* Let pending connects on the thread pool come back before freeing. */
	for (int spins = 0; spins < 1000; spins++) {
		int busy = 0;
		for (int i = 0; i < s->n; i++)
			busy |= s->c[i].state == PGC_CONNECTING;
		if (!busy)
			break;
		uv_run(a->loop, UV_RUN_ONCE);
	}
	uv_run(a->loop, UV_RUN_NOWAIT);
	free(s->c);
	free(s);
	a->store = NULL;
}

const char *store_text(const void *res, int row, int col)
{
	const PGresult *r = res;
	if (!r || row < 0 || col < 0 || row >= PQntuples(r) || col >= PQnfields(r) ||
	    PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

int store_int(const void *res, int row, int col, int64_t lo, int64_t hi, int64_t *out)
{
	return num_i64(store_text(res, row, col), lo, hi, out);
}

int store_bool(const void *res, int row, int col, int *out)
{
	const char *v = store_text(res, row, col);
	if (!v || (strcmp(v, "t") && strcmp(v, "f")))
		return SA_E_INVALID_FIELD;
	*out = v[0] == 't';
	return 0;
}
