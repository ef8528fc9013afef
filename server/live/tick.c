/*
 * tick.c - the coalescing tick. Leaderboard and stats are not pushed per
 * answer: every --tick-ms each contest reads its numbers and its top N from
 * Redis and pushes them only if they changed, into newest-only slots, so a
 * burst of 10,000 answers costs a few pushes per second, not 10,000. The
 * units board is refreshed at most once a second, while someone watches.
 * The tick also pings the players' connections every --rtt-ping-ms (their
 * round-trip times: net/rtt.h) and gives pending.c its turn (the hosts'
 * list of who has not answered, who is online).
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/num.h"
#include "live/board.h"
#include "live/pending.h"
#include "live/rebuild.h"
#include "live/run.h"
#include "live/tick.h"
#include "net/ws.h"
#include "store/lb.h"

static void tick_units(crun *r)
{
	if (!r->def->leaderboard_unit || !r->nviewers_local || r->units_busy ||
	    ++r->units_tick * r->a->cfg.tick_ms < 1000)
		return;
	r->units_tick = 0;
	board_units_refresh(r);
}

static void tick_top(crun *r, cJSON *top, int64_t players, void *ud)
{
	(void)ud;
	if (r->tick_busy > 0)
		r->tick_busy--;
	board_apply_top(r, top, players);
	board_push_stats(r);
}

/* Most players one process may count (a bound on a value read from Redis). */
#define TICK_PLAYERS_MAX 10000000

/* One "players:epoch ms" of the online hash (any process wrote it, or anyone
 * who reaches Redis): 0 and the players when well-formed and fresh. */
static int online_entry(const redisReply *v, int64_t now, int64_t *players)
{
	const char *colon = v->type == REDIS_REPLY_STRING ? memchr(v->str, ':', v->len) : NULL;
	int64_t at;
	if (!colon || num_i64n(v->str, (size_t)(colon - v->str), 0, TICK_PLAYERS_MAX, players) ||
	    num_i64n(colon + 1, v->len - (size_t)(colon + 1 - v->str), 0, INT64_MAX, &at))
		return SA_E_INVALID_FIELD;
	return now - at < 5000 && at - now < 5000 ? 0 : SA_E_NOT_FOUND; /* stale, or from the future */
}

static void tick_online(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	int64_t total = 0, now = now_ms(), n;
	if (rr && rr->type == REDIS_REPLY_ARRAY && !r->retired) {
		for (size_t i = 0; i + 1 < rr->elements; i += 2) {
			int rc = online_entry(rr->element[i + 1], now, &n);
			if (!rc)
				total += n;
			else if (rc == SA_E_INVALID_FIELD && rr->element[i]->type == REDIS_REPLY_STRING) {
				/* not what a process writes: dropped from the hash */
				char key[256];
				lb_key(a, key, sizeof key, r, "online");
				const char *argv[3] = {"HDEL", key, rr->element[i]->str};
				size_t len[3] = {4, strlen(key), rr->element[i]->len};
				board_bad_redis(r, "an entry of the online hash");
				lb_commandv(a, NULL, NULL, 3, argv, len);
			}
		}
		if (total != r->online) {
			r->online = total;
			r->stats_dirty = 1;
		}
	}
	run_unref(r);
}

static void tick_answered(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	int64_t n = 0;
	(void)a;
	if (!rr || r->retired)
		;
	else if (rr->type != REDIS_REPLY_NIL &&
		 (rr->type != REDIS_REPLY_STRING || num_i64n(rr->str, rr->len, 0, INT64_MAX, &n))) {
		board_bad_redis(r, "the answer counter");
		rebuild_contest(r); /* counted again in PostgreSQL */
	} else if (n != r->answered) {
		r->answered = n;
		r->stats_dirty = 1;
	}
	run_unref(r);
}

static void tick_run(arena *a, crun *r)
{
	char key[256], ans[256], val[64];
	if (r->tick_busy || !lb_ready(a))
		return;
	lb_key(a, key, sizeof key, r, "online");
	snprintf(val, sizeof val, "%d:%lld", r->nplayers_local, (long long)now_ms());
	lb_command(a, NULL, NULL, "HSET %s %s %s", key, a->cfg.instance, val);
	run_ref(r);
	if (lb_command(a, tick_online, r, "HGETALL %s", key))
		run_unref(r);
	lb_key(a, ans, sizeof ans, r, "ans:");
	size_t al = strlen(ans);
	snprintf(ans + al, sizeof ans - al, "%d", r->st.qindex);
	run_ref(r);
	if (lb_command(a, tick_answered, r, "GET %s", ans))
		run_unref(r);
	r->tick_busy++;
	if (board_fetch_top(r, a->cfg.lb_top > 0 ? a->cfg.lb_top : 10, tick_top, NULL))
		r->tick_busy--;
}

/* A ping whose pong has not come in this long is taken for lost. */
#define TICK_PONG_LOST_US (10 * 1000000LL)

/* Players whose last ping is --rtt-ping-ms old and answered get another (one at
 * a time: on a link slower than the period each pong still counts; conn_ping
 * skips a connection with output waiting: it gets its turn at a later tick). */
static void tick_pings(arena *a, crun *r)
{
	int64_t every = (int64_t)a->cfg.rtt_ping_ms * 1000, now = now_us();
	if (every <= 0)
		return;
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_PLAYER && now - c->ping_us >= (c->ping_out ? TICK_PONG_LOST_US : every))
			conn_ping(c);
}

void tick_now(arena *a)
{
	for (int i = 0; i < a->nruns; i++) {
		tick_run(a, a->runs[i]);
		tick_units(a->runs[i]);
		tick_pings(a, a->runs[i]);
		pending_tick(a->runs[i]);
	}
}

static void on_tick(uv_timer_t *t) { tick_now(t->data); }

int tick_open(arena *a)
{
	uv_timer_init(a->loop, &a->tick);
	a->tick.data = a;
	int ms = a->cfg.tick_ms > 0 ? a->cfg.tick_ms : 200;
	return uv_timer_start(&a->tick, on_tick, (uint64_t)ms, (uint64_t)ms) ? SA_E_INTERNAL : 0;
}

void tick_close(arena *a)
{
	uv_timer_stop(&a->tick);
	uv_close((uv_handle_t *)&a->tick, NULL);
}
