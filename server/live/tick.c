/*
 * tick.c - the coalescing tick. Leaderboard and stats are not pushed per
 * answer: every --tick-ms each contest reads its numbers and its top N from
 * Redis and pushes them only if they changed, into newest-only slots, so a
 * burst of 10,000 answers costs a few pushes per second, not 10,000. The
 * units board is refreshed at most once a second, while someone watches.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "live/board.h"
#include "live/run.h"
#include "live/tick.h"
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

static void tick_online(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	int64_t total = 0, now = now_ms();
	(void)a;
	if (!rr || rr->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < rr->elements; i += 2) {
		const char *v = rr->element[i + 1]->str, *colon = strchr(v, ':');
		if (colon && now - atoll(colon + 1) < 5000)
			total += atoll(v);
	}
	if (total != r->online) {
		r->online = total;
		r->stats_dirty = 1;
	}
}

static void tick_answered(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	(void)a;
	int64_t n = rr && rr->type == REDIS_REPLY_STRING ? atoll(rr->str) : 0;
	if (rr && n != r->answered) {
		r->answered = n;
		r->stats_dirty = 1;
	}
}

static void tick_run(arena *a, crun *r)
{
	char key[256], ans[256], val[64];
	if (r->tick_busy || !lb_ready(a))
		return;
	lb_key(a, key, sizeof key, r, "online");
	snprintf(val, sizeof val, "%d:%lld", r->nplayers_local, (long long)now_ms());
	lb_command(a, NULL, NULL, "HSET %s %s %s", key, a->cfg.instance, val);
	lb_command(a, tick_online, r, "HGETALL %s", key);
	lb_key(a, ans, sizeof ans, r, "ans:");
	size_t al = strlen(ans);
	snprintf(ans + al, sizeof ans - al, "%d", r->st.qindex);
	lb_command(a, tick_answered, r, "GET %s", ans);
	r->tick_busy++;
	if (board_fetch_top(r, a->cfg.lb_top > 0 ? a->cfg.lb_top : 10, tick_top, NULL))
		r->tick_busy--;
}

void tick_now(arena *a)
{
	for (int i = 0; i < a->nruns; i++) {
		tick_run(a, a->runs[i]);
		tick_units(a->runs[i]);
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
