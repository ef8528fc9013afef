/*
 * lb.c - Redis: live leaderboards, counters and the event channel between
 * server processes. Everything in Redis is derived from PostgreSQL and is
 * rebuilt from it (live/rebuild.c) when missing.
 *
 * Keys (prefix from --redis-prefix, default "sa:"), per contest code C:
 *   sa:C:lb       sorted set, member = lb_member(participant id),
 *                 score = lb_zscore(points, time reached): ZREVRANGE is the ranking
 *   sa:C:who      hash, member -> "name\tunit" (to render the top N)
 *   sa:C:ans:I    answers acknowledged for question index I
 *   sa:C:online   hash, instance -> "connected players:epoch ms" (stale entries ignored)
 *   sa:C:ok       "id:epoch" of the contest while the above is complete and its;
 *                 absent after a FLUSHALL, another's after a reset or a reused code -> rebuild
 *   sa:events     pub/sub channel: host actions reach every process (live/events.c)
 *
 * Two hiredis async connections on the server's libuv loop (redis_uv.c): one
 * for commands (pipelined: what a loop iteration queued goes out in one
 * write at the start of the next), one subscribed to the event channel. Each
 * connection's first command is AUTH (with --redis-password-file) or PING;
 * it counts as up only once Redis accepted it, so a wrong or missing password
 * is logged as such and /healthz reports redis down. hiredis 0.14 does not
 * reconnect by itself: both reconnect here with backoff; when the command
 * connection is up the channel's `connected` rebuilds every contest's keys,
 * and when the subscriber is (again) its `subscribed` re-reads PostgreSQL,
 * since events may have been missed meanwhile.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/num.h"
#include "live/run.h"
#include "store/lb.h"
#include "store/redis_uv.h"

/* Time slots per point-thousandth in the sorted-set score: 2^22 deciseconds (4.8 days). */
#define LB_TIME_SLOTS 4194304.0
#define LB_MEMBER_MAX 999999999999LL

typedef struct lb {
	arena *a;
	redisAsyncContext *cmd, *sub;
	int cmd_up, sub_up;
	uv_timer_t retry;
	uv_timer_t watch; /* a connect that never completes (see lb_connect) */
	int64_t backoff_ms;
	char host[256];
	int port, db;
	char channel[160];
	int closing;
	int refused_logged;   /* a refused handshake was logged (until one succeeds) */
	const lb_channel *ch; /* what to do with the channel's events */
} lb;

typedef struct lb_call {
	lb_cb cb;
	void *ud;
} lb_call;

static void lb_connect(lb *l);

double lb_zscore(int64_t score_milli, int64_t reached_ds)
{
	if (reached_ds < 0)
		reached_ds = 0;
	if (reached_ds > (int64_t)LB_TIME_SLOTS - 1)
		reached_ds = (int64_t)LB_TIME_SLOTS - 1;
	return (double)score_milli * LB_TIME_SLOTS + (LB_TIME_SLOTS - 1 - (double)reached_ds);
}

int64_t lb_score_from_z(double z) { return (int64_t)floor(z / LB_TIME_SLOTS); }

int64_t lb_ds_from_z(double z)
{
	return (int64_t)(LB_TIME_SLOTS - 1 - (z - floor(z / LB_TIME_SLOTS) * LB_TIME_SLOTS));
}

void lb_key(arena *a, char *buf, size_t n, const crun *r, const char *what)
{
	snprintf(buf, n, "%s%s:%s", a->cfg.redis_prefix, r->code, what);
}

/* Members sort so that, between equal scores, the participant who joined first
 * comes first in ZREVRANGE (reverse lexicographic order): 999999999999 - id. */
void lb_member(char *buf, size_t n, int64_t pid)
{
	snprintf(buf, n, "%012lld", (long long)(LB_MEMBER_MAX - pid));
}

int64_t lb_member_pid(const char *member, size_t len)
{
	int64_t v;
	if (len != 12 || num_i64n(member, len, 0, LB_MEMBER_MAX - 1, &v))
		return -1;
	return LB_MEMBER_MAX - v;
}

int lb_ready(arena *a) { return a->lb && ((lb *)a->lb)->cmd_up; }

int lb_subscribed(arena *a)
{
	lb *l = (lb *)a->lb;
	return l && l->cmd_up && l->sub_up;
}

static void call_done(redisAsyncContext *ac, void *reply, void *priv)
{
	lb_call *c = priv;
	lb *l = ac->data;
	if (c->cb)
		c->cb(l->a, reply, c->ud);
	free(c);
}

int lb_commandv(arena *a, lb_cb cb, void *ud, int argc, const char **argv, const size_t *argvlen)
{
	lb *l = a->lb;
	if (!l || !l->cmd_up)
		return SA_E_UNAVAILABLE;
	if (!cb)
		return redisAsyncCommandArgv(l->cmd, NULL, NULL, argc, argv, argvlen) == REDIS_OK
			       ? 0
			       : SA_E_UNAVAILABLE;
	lb_call *c = malloc(sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->cb = cb;
	c->ud = ud;
	if (redisAsyncCommandArgv(l->cmd, call_done, c, argc, argv, argvlen) != REDIS_OK) {
		free(c);
		return SA_E_UNAVAILABLE;
	}
	return 0;
}

int lb_command(arena *a, lb_cb cb, void *ud, const char *fmt, ...)
{
	lb *l = a->lb;
	va_list ap;
	int rc;
	if (!l || !l->cmd_up)
		return SA_E_UNAVAILABLE;
	lb_call *c = NULL;
	if (cb) {
		if (!(c = malloc(sizeof *c)))
			return SA_E_INTERNAL;
		c->cb = cb;
		c->ud = ud;
	}
	va_start(ap, fmt);
	rc = redisvAsyncCommand(l->cmd, cb ? call_done : NULL, c, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK) {
		free(c);
		return SA_E_UNAVAILABLE;
	}
	return 0;
}

int lb_publish(arena *a, const char *json)
{
	lb *l = a->lb;
	if (!l)
		return SA_E_UNAVAILABLE;
	int rc = lb_command(a, NULL, NULL, "PUBLISH %s %s", l->channel, json);
	if (!rc)
		redis_uv_flush(l->cmd); /* the other processes start their fan-out while this one does */
	return rc;
}

/* ------------------------------------------------------------ connections */

static void retry_cb(uv_timer_t *t) { lb_connect(t->data); }

static void schedule_retry(lb *l)
{
	if (l->closing || uv_is_active((uv_handle_t *)&l->retry))
		return;
	l->backoff_ms = l->backoff_ms ? l->backoff_ms * 2 : 100;
	if (l->backoff_ms > 2000)
		l->backoff_ms = 2000;
	uv_timer_start(&l->retry, retry_cb, (uint64_t)l->backoff_ms, 0);
}

static void on_event(redisAsyncContext *ac, void *reply, void *priv)
{
	lb *l = ac->data;
	redisReply *r = reply;
	(void)priv;
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING)
		return;
	if (!strcmp(r->element[0]->str, "message") && r->element[2]->type == REDIS_REPLY_STRING)
		l->ch->message(l->a, r->element[2]->str, r->element[2]->len);
	else if (!strcmp(r->element[0]->str, "subscribe")) {
		/* Subscribed again: anything published meanwhile was missed. */
		l->ch->subscribed(l->a);
	}
}

/* The reply to a connection's first command (AUTH or PING): up, or refused. */
static void on_hello(redisAsyncContext *ac, void *reply, void *priv)
{
	lb *l = ac->data;
	redisReply *r = reply;
	int is_sub = ac == l->sub;
	const char *pw = l->a->cfg.redis_password;
	(void)priv;
	if (!r || (ac != l->sub && ac != l->cmd))
		return; /* gone meanwhile */
	if (r->type == REDIS_REPLY_ERROR && pw && *pw && strstr(r->str, "without any password configured")) {
		sa_log(LL_WARN,
		       "redis %s:%d has no password although redis-password-file is given: "
		       "anyone who reaches it can read and change the event channel",
		       l->host, l->port);
	} else if (r->type == REDIS_REPLY_ERROR) {
		sa_log(l->refused_logged ? LL_DEBUG : LL_ERROR,
		       "redis %s:%d refused the %s connection: %s (%s)", l->host, l->port,
		       is_sub ? "subscriber" : "command", r->str,
		       pw && *pw ? "wrong password? check redis-password-file"
				 : "Redis wants a password: set redis-password-file");
		l->refused_logged = 1;
		redisAsyncDisconnect(ac); /* on_disconnect retries with backoff */
		return;
	}
	l->refused_logged = 0;
	sa_log(LL_INFO, "redis %s connection up (%s:%d)", is_sub ? "subscriber" : "command", l->host,
	       l->port);
	if (is_sub) {
		l->sub_up = 1;
		redisAsyncCommand(l->sub, on_event, NULL, "SUBSCRIBE %s", l->channel);
	} else {
		l->cmd_up = 1;
		if (l->db)
			redisAsyncCommand(l->cmd, NULL, NULL, "SELECT %d", l->db);
		/* Whatever happened while we were away (a FLUSHALL, a process killed between
		 * its commit and its ZADD), PostgreSQL has it: bring Redis up to date. */
		l->ch->connected(l->a);
	}
	if (l->cmd_up && l->sub_up)
		l->backoff_ms = 0;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	lb *l = ac->data;
	int is_sub = ac == l->sub;
	const char *pw = l->a->cfg.redis_password;
	if (status != REDIS_OK) {
		sa_log(LL_WARN, "redis %s connection failed: %s", is_sub ? "subscriber" : "command",
		       ac->errstr);
		if (is_sub)
			l->sub = NULL;
		else
			l->cmd = NULL;
		schedule_retry(l);
		return;
	}
	/* hiredis' callback takes a const context, its command functions do not. */
	redisAsyncContext *c = is_sub ? l->sub : l->cmd;
	if (pw && *pw)
		redisAsyncCommand(c, on_hello, NULL, "AUTH %s", pw);
	else
		redisAsyncCommand(c, on_hello, NULL, "PING");
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	lb *l = ac->data;
	int is_sub = ac == l->sub;
	int was_up = is_sub ? l->sub_up : l->cmd_up;
	if (is_sub) {
		l->sub = NULL;
		l->sub_up = 0;
	} else {
		l->cmd = NULL;
		l->cmd_up = 0;
	}
	if (!l->closing) {
		/* Not up yet: a refused handshake (logged by on_hello) or a drop during it. */
		sa_log(was_up ? LL_WARN : LL_DEBUG, "redis %s connection lost%s%s",
		       is_sub ? "subscriber" : "command", status == REDIS_OK ? "" : ": ",
		       status == REDIS_OK ? "" : ac->errstr);
		schedule_retry(l);
	}
}

static redisAsyncContext *open_one(lb *l)
{
	redisAsyncContext *ac = redisAsyncConnect(l->host, l->port);
	if (!ac)
		return NULL;
	if (ac->err) {
		sa_log(LL_WARN, "redis: %s", ac->errstr);
		redisAsyncFree(ac);
		return NULL;
	}
	ac->data = l;
	if (redis_uv_attach(ac, l->a->loop) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	return ac;
}

/*
 * A connect still pending after 1.5 s (a SYN nobody answers) is abandoned
 * here and tried again; a refused one is reported by redis_uv.c at once.
 */
static void watch_cb(uv_timer_t *t)
{
	lb *l = t->data;
	if (l->cmd && !l->cmd_up) {
		redisAsyncContext *ac = l->cmd;
		l->cmd = NULL;
		redisAsyncFree(ac);
	}
	if (l->sub && !l->sub_up) {
		redisAsyncContext *ac = l->sub;
		l->sub = NULL;
		redisAsyncFree(ac);
	}
	if (!l->cmd || !l->sub) {
		sa_log(l->backoff_ms >= 2000 ? LL_WARN : LL_DEBUG, "redis %s:%d: no connection yet, retrying",
		       l->host, l->port);
		schedule_retry(l);
	}
}

static void lb_connect(lb *l)
{
	if (l->closing)
		return;
	if (!l->cmd && !(l->cmd = open_one(l)))
		schedule_retry(l);
	if (!l->sub && !(l->sub = open_one(l)))
		schedule_retry(l);
	if ((l->cmd && !l->cmd_up) || (l->sub && !l->sub_up))
		uv_timer_start(&l->watch, watch_cb, 1500, 0);
}

int lb_open(arena *a, const lb_channel *ch)
{
	lb *l = calloc(1, sizeof *l);
	if (!l)
		return SA_E_INTERNAL;
	l->a = a;
	l->ch = ch;
	l->port = 6379;
	const char *spec = a->cfg.redis;
	const char *colon = strrchr(spec, ':');
	size_t hl = colon ? (size_t)(colon - spec) : strlen(spec);
	if (hl >= sizeof l->host)
		hl = sizeof l->host - 1;
	memcpy(l->host, spec, hl);
	if (colon) {
		l->port = atoi(colon + 1);
		const char *slash = strchr(colon, '/');
		if (slash)
			l->db = atoi(slash + 1);
	}
	snprintf(l->channel, sizeof l->channel, "%sevents", a->cfg.redis_prefix);
	uv_timer_init(a->loop, &l->retry);
	uv_timer_init(a->loop, &l->watch);
	l->retry.data = l->watch.data = l;
	a->lb = (struct lb *)l;
	lb_connect(l);
	return 0;
}

static void retry_closed(uv_handle_t *h) { free(((uv_timer_t *)h)->data); }

void lb_close(arena *a)
{
	lb *l = a->lb;
	if (!l)
		return;
	l->closing = 1;
	uv_timer_stop(&l->retry);
	uv_timer_stop(&l->watch);
	uv_close((uv_handle_t *)&l->watch, NULL);
	if (l->cmd)
		redisAsyncDisconnect(l->cmd);
	if (l->sub)
		redisAsyncDisconnect(l->sub);
	/* Pending replies are delivered (NULL) by hiredis as the contexts go. */
	for (int i = 0; i < 100 && (l->cmd || l->sub); i++)
		uv_run(a->loop, UV_RUN_ONCE);
	a->lb = NULL;
	uv_close((uv_handle_t *)&l->retry, retry_closed);
}
