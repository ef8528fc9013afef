/*
 * sync.c - every process follows PostgreSQL, the truth, by reading its
 * contests table: one query for every contest, compared with what this
 * process serves.
 *
 *   a row it does not serve (not archived, not a draft) -> loaded (live/load.c)
 *   a served contest archived, or gone          -> stops being served (load_retire)
 *   a served contest with another id            -> deleted and re-created: the old one stops
 *   a served contest whose epoch moved          -> reset: stops, and is loaded again
 *   a newer live state (seq)                    -> applied (live_follow)
 *
 * The Redis event channel is the fast path (a host's state, an upload, an
 * archive reach every subscribed process at once); this is the path that
 * cannot be lost: it runs every --sync-ms (2 s), every SYNC_FAST_MS while
 * this process' Redis subscriber is down (it hears no events then), at once
 * when an event says that something changed or that events were missed, and
 * when an answer names a question this process does not think open
 * (sync_wait: the answer is judged again after the read).
 *
 * One read at a time; a request made while one is on its way gets the next
 * one (the one on its way may have been sent before the change it waits
 * for), at most one every SYNC_MIN_MS. Every field is checked before use: a
 * row is written by other processes, the command line tools, or by hand.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/live.h"
#include "live/load.h"
#include "live/phase.h"
#include "live/run.h"
#include "live/sync.h"
#include "live/validate.h"
#include "store/lb.h"
#include "store/migrate.h"
#include "store/pgarr.h"
#include "store/store.h"

#define SYNC_TICK_MS 50    /* the timer's period */
#define SYNC_FAST_MS 250   /* period while the subscriber is down */
#define SYNC_MIN_MS 50     /* at most one read this often */
#define SYNC_WAIT_MAX 4096 /* waiters (answers being judged again) at once */

typedef struct sync_waiter {
	void (*cb)(arena *a, int rc, void *ud);
	void *ud;
	struct sync_waiter *next;
} sync_waiter;

/* One read on its way: the contests served when it was sent, and who waits for it. */
typedef struct sync_read {
	crun **runs; /* referenced */
	int nruns;
	sync_waiter *waiters;
} sync_read;

typedef struct sync {
	arena *a;
	uv_timer_t timer;
	int busy;        /* a read on its way */
	int again;       /* asked for since it was sent */
	int64_t last_ms; /* when the last read was sent */
	sync_waiter *waiting, **tail;
	int nwaiting;
	int bad_logged; /* a malformed row was logged (once per row and epoch would be noise) */
} sync_state;

static void sync_start(sync_state *s);

static void waiters_run(arena *a, sync_waiter *w, int rc)
{
	while (w) {
		sync_waiter *next = w->next;
		w->cb(a, rc, w->ud);
		free(w);
		w = next;
	}
}

static void read_free(sync_read *q)
{
	for (int i = 0; i < q->nruns; i++)
		run_unref(q->runs[i]);
	free(q->runs);
	free(q);
}

/* The state columns 4..11 of a row, checked against r. NULL, or the bad field. */
static const char *row_state(void *res, int i, const crun *r, live_state *st)
{
	int64_t qi;
	if (phase_parse(store_text(res, i, 4), &st->phase))
		return "phase";
	if (store_int(res, i, 5, -1, r->nq, &qi))
		return "qindex";
	st->qindex = (int)qi;
	if (store_int(res, i, 6, 0, INT64_MAX, &st->open_ms))
		return "open_ms";
	if (store_int(res, i, 7, 0, INT64_MAX, &st->deadline_ms))
		return "deadline_ms";
	if (store_int(res, i, 8, 0, INT64_MAX, &st->started_ms))
		return "started_ms";
	if (store_int(res, i, 9, 0, INT64_MAX, &st->seq))
		return "seq";
	if (store_int(res, i, 10, 0, INT64_MAX, &st->paused_ms))
		return "paused_ms";
	if (store_bool(res, i, 11, &st->board_hidden))
		return "board_hidden";
	return phase_check(st, r->nq);
}

/* Row i against what this process serves: 0, or SA_E_INVALID_FIELD (a row skipped). */
static int sync_row(sync_state *s, void *res, int i)
{
	arena *a = s->a;
	const char *code = store_text(res, i, 1), *archived = store_text(res, i, 2), *bad = NULL;
	char norm[17];
	int64_t id, epoch;
	live_state st;
	if (store_int(res, i, 0, 1, INT64_MAX, &id))
		bad = "id";
	else if (!code || validate_code(code, norm))
		bad = "code";
	else if (!archived || (strcmp(archived, "t") && strcmp(archived, "f")))
		bad = "archived";
	else if (store_int(res, i, 3, 0, INT64_MAX, &epoch))
		bad = "epoch";
	if (bad) {
		sa_log(s->bad_logged ? LL_DEBUG : LL_WARN, "contests row %d skipped: field '%s' invalid", i,
		       bad);
		s->bad_logged = 1;
		return SA_E_INVALID_FIELD;
	}
	crun *r = run_find(a, norm);
	if (r && r->contest_id != id) {
		load_retire(r, SA_E_CONTEST_REMOVED, "deleted");
		r = NULL;
	}
	if (!r) {
		if (*archived == 'f')
			load_stored(a, norm, id, epoch);
		return 0;
	}
	r->synced = 1;
	if (*archived == 't')
		load_retire(r, SA_E_CONTEST_REMOVED, "archived");
	else if (epoch != r->epoch) {
		load_retire(r, SA_E_CONTEST_RESET, "reset");
		load_stored(a, norm, id, epoch);
	} else if ((bad = row_state(res, i, r, &st))) {
		int64_t now = now_ms(); /* read every few seconds: said once a minute */
		sa_log(now - r->bad_row_ms < 60000 ? LL_DEBUG : LL_WARN,
		       "contest %s: state in postgresql skipped: field '%s' invalid", r->code, bad);
		if (now - r->bad_row_ms >= 60000)
			r->bad_row_ms = now;
	} else
		live_follow(r, &st);
	return 0;
}

static void sync_rows(arena *a, void *res, const char *err, void *ud)
{
	sync_read *q = ud;
	sync_state *s = a->sync;
	int rc = 0;
	if (err || !res) {
		sa_log(LL_DEBUG, "contests not re-read: %s", err ? err : "no result");
		rc = SA_E_UNAVAILABLE;
	} else {
		int skipped = 0;
		for (int i = 0; i < q->nruns; i++)
			q->runs[i]->synced = 0;
		for (int i = 0; i < PQntuples(res); i++)
			skipped |= sync_row(s, res, i) != 0;
		/* Asked about and not returned: the row is gone (unless a row could not be read:
		 * it may be that one). */
		for (int i = 0; !skipped && i < q->nruns; i++)
			if (!q->runs[i]->retired && !q->runs[i]->synced)
				load_retire(q->runs[i], SA_E_CONTEST_REMOVED, "deleted");
	}
	s->busy = 0;
	waiters_run(a, q->waiters, rc);
	read_free(q);
	if (s->again && !s->a->stopping && now_ms() - s->last_ms >= SYNC_MIN_MS)
		sync_start(s);
}

static void sync_start(sync_state *s)
{
	arena *a = s->a;
	sync_read *q = calloc(1, sizeof *q);
	pgarr ids;
	if (!q)
		return;
	q->runs = calloc((size_t)a->nruns + 1, sizeof *q->runs);
	if (!q->runs) {
		free(q);
		return;
	}
	pgarr_init(&ids);
	for (int i = 0; i < a->nruns; i++) {
		q->runs[q->nruns++] = a->runs[i];
		run_ref(a->runs[i]);
		pgarr_num(&ids, a->runs[i]->contest_id);
	}
	const char *p[1] = {pgarr_end(&ids)};
	q->waiters = s->waiting;
	s->waiting = NULL;
	s->tail = &s->waiting;
	s->nwaiting = 0;
	s->busy = 1;
	s->again = 0;
	s->last_ms = now_ms();
	int rc = p[0] ? store_query(a,
				    "SELECT id, code, NOT (" MIGRATE_SERVED
				    "), epoch, phase, qindex, open_ms, "
				    "deadline_ms, started_ms, seq, paused_ms, board_hidden FROM contests "
				    "WHERE " MIGRATE_SERVED " OR id = ANY($1::bigint[]) ORDER BY id",
				    1, p, sync_rows, q)
		      : SA_E_INTERNAL;
	pgarr_release(&ids);
	if (rc) {
		s->busy = 0;
		waiters_run(a, q->waiters, SA_E_UNAVAILABLE);
		read_free(q);
	}
}

static void on_timer(uv_timer_t *t)
{
	sync_state *s = t->data;
	arena *a = s->a;
	int64_t now = now_ms(), every = lb_subscribed(a) ? a->cfg.sync_ms : SYNC_FAST_MS;
	if (s->busy || a->stopping)
		return;
	if ((s->again && now - s->last_ms >= SYNC_MIN_MS) || now - s->last_ms >= every)
		sync_start(s);
}

int sync_open(arena *a)
{
	sync_state *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->a = a;
	s->tail = &s->waiting;
	s->last_ms = now_ms();
	uv_timer_init(a->loop, &s->timer);
	s->timer.data = s;
	a->sync = s;
	return uv_timer_start(&s->timer, on_timer, SYNC_TICK_MS, SYNC_TICK_MS) ? SA_E_INTERNAL : 0;
}

static void timer_closed(uv_handle_t *h) { free(h->data); }

void sync_close(arena *a)
{
	sync_state *s = a->sync;
	if (!s)
		return;
	sync_waiter *w = s->waiting;
	s->waiting = NULL;
	waiters_run(a, w, SA_E_UNAVAILABLE);
	a->sync = NULL;
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, timer_closed);
}

void sync_now(arena *a)
{
	sync_state *s = a->sync;
	if (!s)
		return;
	s->again = 1;
	if (!s->busy && !a->stopping && now_ms() - s->last_ms >= SYNC_MIN_MS)
		sync_start(s);
}

int sync_wait(arena *a, void (*cb)(arena *a, int rc, void *ud), void *ud)
{
	sync_state *s = a->sync;
	sync_waiter *w;
	if (!s || a->stopping || s->nwaiting >= SYNC_WAIT_MAX || !(w = calloc(1, sizeof *w)))
		return SA_E_UNAVAILABLE;
	w->cb = cb;
	w->ud = ud;
	*s->tail = w;
	s->tail = &w->next;
	s->nwaiting++;
	sync_now(a);
	return 0;
}
