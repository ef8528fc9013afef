/*
 * health.c - GET /healthz: this process's PostgreSQL (SELECT 1) and Redis
 * (PING), answered within 2 s, and its counters.
 */
#include <string.h>

#include <hiredis/hiredis.h>

#include "api/api.h"
#include "core/err.h"
#include "net/http.h"
#include "store/lb.h"
#include "store/store.h"

#define HEALTH_TIMEOUT_MS 2000

/* One check; in the request's memory. The timer holds a reference until it is closed. */
typedef struct health {
	http_req *req;
	int pending, done;
	char pg[8], redis[8]; /* "ok", "error", "down" */
	uv_timer_t timer;
} health;

static void timer_closed(uv_handle_t *t)
{
	health *s = t->data;
	http_req_unref(s->req);
}

static void finish(health *s)
{
	arena *a = http_arena(s->req);
	if (s->done)
		return;
	s->done = 1;
	int ok = !strcmp(s->pg, "ok") && !strcmp(s->redis, "ok");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "postgres", s->pg);
	cJSON_AddStringToObject(o, "redis", s->redis);
	cJSON_AddStringToObject(o, "instance", a->cfg.instance);
	cJSON_AddNumberToObject(o, "connections", (double)a->nconns);
	cJSON_AddNumberToObject(o, "answers", (double)a->stat_answers);
	cJSON_AddNumberToObject(o, "acks", (double)a->stat_acks);
	cJSON_AddNumberToObject(o, "commits", (double)a->stat_commits);
	http_reply_json(s->req, ok ? 200 : 503, o);
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, timer_closed);
}

static void pg_done(arena *a, void *res, const char *err, void *ud)
{
	health *s = ud;
	(void)a;
	(void)res;
	snprintf(s->pg, sizeof s->pg, "%s", err ? "error" : "ok");
	if (--s->pending == 0)
		finish(s);
	http_req_unref(s->req);
}

static void redis_done(arena *a, void *reply, void *ud)
{
	health *s = ud;
	redisReply *r = reply;
	(void)a;
	snprintf(s->redis, sizeof s->redis, "%s", r && r->type == REDIS_REPLY_STATUS ? "ok" : "error");
	if (--s->pending == 0)
		finish(s);
	http_req_unref(s->req);
}

static void timed_out(uv_timer_t *t) { finish(t->data); }

static int health_get(http_req *req)
{
	arena *a = http_arena(req);
	health *s = http_alloc(req, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->req = req;
	snprintf(s->pg, sizeof s->pg, "down");
	snprintf(s->redis, sizeof s->redis, "down");
	uv_timer_init(a->loop, &s->timer);
	s->timer.data = s;
	http_req_ref(req); /* the timer's, dropped in timer_closed */
	uv_timer_start(&s->timer, timed_out, HEALTH_TIMEOUT_MS, 0);
	s->pending = 2;
	http_req_ref(req);
	if (!store_ready(a) || store_query(a, "SELECT 1", 0, NULL, pg_done, s)) {
		s->pending--;
		http_req_unref(req);
	}
	http_req_ref(req);
	if (lb_command(a, redis_done, s, "PING")) {
		s->pending--;
		http_req_unref(req);
	}
	if (!s->pending)
		finish(s);
	return 0;
}

const route api_health_routes[] = {
	{ROUTE_GET, "/healthz", health_get, {AUTH_PUBLIC, 0}, ROUTE_BODY_NONE, 0, ROUTE_NO_RATE_LIMIT},
	{0},
};
