/*
 * sweep.c - the self-paced modes' timer, every --sweep-ms (1 s).
 *
 * The sweeper: every process asks PostgreSQL to end the open attempts whose
 * deadline passed SWEEP_GRACE_MS ago (attempt_expire: claimed with FOR
 * UPDATE SKIP LOCKED, so processes sweeping at once share the work and each
 * attempt ends exactly once). Deadlines are stored, so an attempt whose
 * server stopped is ended by the next sweep of any process, also one started
 * long after. Each ended attempt updates Redis and, when its participant is
 * connected here, is pushed as `result` (result.c).
 *
 * Participants connected here whose attempt another process ended get
 * their `result` too: after the deadline and the grace, the connection asks
 * for it (every 5 s until it has it).
 *
 * Tests only: with --test-clock-file, the file's number (milliseconds) is
 * added to the server clock, re-read every 50 ms.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>
#include <uv.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/mass.h"
#include "live/result.h"
#include "live/run.h"
#include "live/selfpaced.h"
#include "live/sweep.h"
#include "store/store.h"

#define SWEEP_BATCH 200
#define SWEEP_CHECK_MS 5000

typedef struct sweeper {
	arena *a;
	uv_timer_t timer;
	int busy;         /* an attempt_expire on its way */
	int again;        /* the last one was full: more are due */
	uv_timer_t clock; /* --test-clock-file */
	int clock_on;
	int closing, handles; /* freed once closing, its handles closed and no query on its way */
} sweeper;

static void sweeper_maybe_free(sweeper *s)
{
	if (s->closing && !s->busy && !s->handles)
		free(s);
}

static void expired_rows(arena *a, void *res, const char *err, void *ud)
{
	sweeper *s = ud;
	s->busy = 0;
	if (s->closing)
		return sweeper_maybe_free(s);
	if (err) {
		sa_log(LL_WARN, "sweeper: %s", err);
		return;
	}
	int n = PQntuples(res);
	for (int i = 0; i < n; i++)
		result_ended(a, res, i, 1);
	if (n)
		sa_log(LL_INFO, "sweeper: %d attempts ended at their deadline", n);
	s->again = n == SWEEP_BATCH;
}

static void sweep_db(sweeper *s)
{
	char before[24], lim[16];
	if (s->busy || !store_ready(s->a))
		return;
	snprintf(before, sizeof before, "%lld", (long long)(now_ms() - SWEEP_GRACE_MS));
	snprintf(lim, sizeof lim, "%d", SWEEP_BATCH);
	const char *p[2] = {before, lim};
	s->busy = 1;
	if (store_query(s->a, "SELECT * FROM attempt_expire($1, $2)", 2, p, expired_rows, s))
		s->busy = 0;
}

/* Connections here whose attempt is over and who have not had its result. */
static void sweep_local(crun *r, int64_t now)
{
	for (conn *c = r->members; c; c = c->next) {
		sp_conn *sp = c->role == ROLE_PLAYER ? c->sp : NULL;
		if (!sp || !sp->attempt_id || sp->notified || now < sp->deadline_ms + SWEEP_GRACE_MS + 1000 ||
		    now < sp->check_ms)
			continue;
		sp->check_ms = now + SWEEP_CHECK_MS;
		result_send(c, sp->attempt_id, NULL);
	}
}

static void on_sweep(uv_timer_t *t)
{
	sweeper *s = t->data;
	arena *a = s->a;
	int64_t now = now_ms();
	if (a->stopping)
		return;
	sweep_db(s);
	for (int i = 0; i < a->nruns; i++) {
		crun *r = a->runs[i];
		if (r->mode == MODE_EXAM || r->mode == MODE_MASS) {
			sweep_local(r, now);
			mass_tick(r, now);
		}
	}
	if (s->again) {
		s->again = 0;
		uv_timer_start(&s->timer, on_sweep, 10,
			       (uint64_t)(a->cfg.sweep_ms > 0 ? a->cfg.sweep_ms : 1000));
	}
}

/* Tests only: the clock's offset from the file (a number of milliseconds). */
static void on_clock(uv_timer_t *t)
{
	sweeper *s = t->data;
	FILE *fp = fopen(s->a->cfg.test_clock_file, "r");
	long long off = 0;
	if (!fp)
		return;
	if (fscanf(fp, "%lld", &off) == 1)
		clock_set_offset(off);
	fclose(fp);
}

int sweep_open(arena *a)
{
	sweeper *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->a = a;
	a->sweeper = s;
	uv_timer_init(a->loop, &s->timer);
	s->timer.data = s;
	uint64_t ms = (uint64_t)(a->cfg.sweep_ms > 0 ? a->cfg.sweep_ms : 1000);
	uv_timer_start(&s->timer, on_sweep, ms, ms);
	if (a->cfg.test_clock_file && *a->cfg.test_clock_file) {
		sa_log(LL_WARN, "test clock: the server clock follows %s (tests only)",
		       a->cfg.test_clock_file);
		uv_timer_init(a->loop, &s->clock);
		s->clock.data = s;
		s->clock_on = 1;
		on_clock(&s->clock);
		uv_timer_start(&s->clock, on_clock, 50, 50);
	}
	return 0;
}

static void handle_closed(uv_handle_t *h)
{
	sweeper *s = h->data;
	s->handles--;
	sweeper_maybe_free(s);
}

void sweep_close(arena *a)
{
	sweeper *s = a->sweeper;
	if (!s)
		return;
	a->sweeper = NULL;
	s->closing = 1;
	uv_timer_stop(&s->timer);
	s->handles++;
	uv_close((uv_handle_t *)&s->timer, handle_closed);
	if (s->clock_on) {
		uv_timer_stop(&s->clock);
		s->handles++;
		uv_close((uv_handle_t *)&s->clock, handle_closed);
	}
}
