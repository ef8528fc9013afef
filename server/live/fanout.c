/*
 * fanout.c - one push to every member of a contest, at a pace the loop can
 * bear.
 *
 * A push is serialized once per process and queued by reference on every
 * recipient (net/ws.c). A push to thousands of members is not written in one
 * go: that would hold the loop for tens of milliseconds (one send per
 * member), and every answer arriving meanwhile would wait. fanout_push
 * writes FANOUT_CHUNK members now and the rest FANOUT_CHUNK per loop
 * iteration (an idle handle), so input is read and acknowledged in between.
 * Order per member still holds: a member not reached yet gets the push first
 * when anything else is sent to it (net/ws.c's conn_send, through conn_fan), and a
 * new push to the players first finishes the previous one (a push to screens
 * and hosts only goes to those few at once). Members who arrive during a
 * fan-out got a snapshot of the state that includes it, and are skipped.
 */
#include "live/fanout.h"
#include <assert.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/run.h"
#include "net/frame.h"
#include "net/ws.h"

#define FANOUT_CHUNK 250

/* The current fan-out to up to budget more members; returns whether it is done. */
static int fanout_step(crun *r, int budget)
{
	assert(r->fan.frame);
	while (r->fan_cursor && budget > 0) {
		conn *c = r->fan_cursor;
		r->fan_cursor = c->next; /* conn_send may close a slow consumer */
		if (c->fan_seen == r->fan.gen)
			continue;
		c->fan_seen = r->fan.gen;
		if (r->fan.mask & (1 << c->role)) {
			conn_send(c, r->fan.frame);
			r->fan_sent++;
			budget--;
		}
	}
	if (r->fan_cursor)
		return 0;
	if (r->fan_sent >= 2000)
		sa_log(LL_INFO, "contest %s: push to %d members in %.1f ms", r->code, r->fan_sent,
		       (double)(now_us() - r->fan_start_us) / 1000.0);
	frame_unref(r->fan.frame);
	r->fan.frame = NULL;
	return 1;
}

void fanout_finish(crun *r)
{
	if (r->fan.frame)
		fanout_step(r, 1 << 30);
}

static void on_fanout(uv_idle_t *h)
{
	arena *a = h->data;
	int busy = 0;
	for (int i = 0; i < a->nruns; i++)
		if (a->runs[i]->fan.frame && !fanout_step(a->runs[i], FANOUT_CHUNK))
			busy = 1;
	if (!busy)
		uv_idle_stop(h);
}

void fanout_push(crun *r, frame *f, int roles_mask)
{
	if (!(roles_mask & (1 << ROLE_PLAYER))) {
		/* screens and hosts only: a few, at once; each gets any pending push first
		 * (conn_send), and a pending push to the players keeps its pace */
		for (conn *c = r->members, *next; c; c = next) {
			next = c->next;
			if (roles_mask & (1 << c->role))
				conn_send(c, f);
		}
		return;
	}
	fanout_finish(r);
	assert(!r->fan.frame && !r->fan_cursor); /* one push at a time, in order */
	r->fan.gen++;
	r->fan.frame = frame_ref(f);
	r->fan.mask = roles_mask;
	r->fan_cursor = r->members;
	r->fan_sent = 0;
	r->fan_start_us = now_us();
	if (!fanout_step(r, FANOUT_CHUNK))
		uv_idle_start(&r->a->fanout, on_fanout);
}

int fanout_open(arena *a)
{
	a->fanout.data = a;
	return uv_idle_init(a->loop, &a->fanout) ? SA_E_INTERNAL : 0;
}

void fanout_close(arena *a)
{
	for (int i = 0; i < a->nruns; i++)
		fanout_finish(a->runs[i]);
	uv_idle_stop(&a->fanout);
	uv_close((uv_handle_t *)&a->fanout, NULL);
}
