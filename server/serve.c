/*
 * serve.c - `skillarena serve`'s loop: one libuv loop carrying
 * libwebsockets (on our own listening socket, net/listen.c), hiredis and
 * libpq; the subsystems opened in order from a table and stopped in order,
 * only those that were tried (a failed start exits cleanly); SIGINT and
 * SIGTERM drain received answers before the stop.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/coalesce.h"
#include "core/log.h"
#include "core/password.h"
#include "live/answer.h"
#include "live/attempt.h"
#include "live/events.h"
#include "live/fanout.h"
#include "live/live.h"
#include "live/player.h"
#include "live/practice.h"
#include "live/run.h"
#include "live/save.h"
#include "live/sweep.h"
#include "live/sync.h"
#include "live/tick.h"
#include "net/gate.h"
#include "net/http.h"
#include "net/listen.h"
#include "net/msg.h"
#include "net/ws.h"
#include "serve.h"
#include "store/audit.h"
#include "store/jobs.h"
#include "store/lb.h"
#include "store/principal.h"
#include "store/store.h"
#include "store/xapi.h"

static struct lws_protocols protocols[] = {
	{"http", http_callback, sizeof(void *), 0, 0, NULL, 0},
	{"skillarena.v1", ws_callback, sizeof(conn *), MSG_MAX, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}, /* 4.1.6 has no LWS_PROTOCOL_LIST_TERM */
};

/* The web pages (--web); the route table's mounts (/api, /healthz) come before it (net/gate.c). */
static struct lws_http_mount mount_web = {
	.mountpoint = "/",
	.mountpoint_len = 1,
	.def = "index.html",
	.origin_protocol = LWSMPRO_FILE,
	.protocol = "http", /* its callback adds the per-page headers (LWS_CALLBACK_ADD_HEADERS) */
	/* Browsers revalidate (ETag, 304) instead of refetching on factory Wi-Fi. */
	.cache_max_age = 0,
	.cache_reusable = 1,
	.cache_revalidate = 1,
};

/* Stopping: answers already received are committed and acknowledged before
 * the connections close (at most 3 s), new ones are refused with `unavailable`. */
static void on_drain(uv_timer_t *t)
{
	arena *a = t->data;
	if ((!answer_pending(a) && !store_busy(a)) || now_ms() - a->stop_ms > 3000)
		uv_stop(a->loop);
}

static void on_signal(uv_signal_t *s, int signum)
{
	arena *a = s->data;
	if (a->stopping) {
		uv_stop(a->loop); /* a second signal: stop now */
		return;
	}
	sa_log(LL_INFO, "signal %d: stopping (committing and acknowledging received answers first)", signum);
	a->stopping = 1;
	a->stop_ms = now_ms();
	listen_close(a);
	answer_flush_now(a);
	uv_timer_init(a->loop, &a->drain);
	a->drain.data = a;
	uv_timer_start(&a->drain, on_drain, 0, 10);
}

/* ------------------------------------------------------------ subsystems */

/*
 * What `serve` opens, in this order, and how it stops. A step of the stop
 * runs only if the subsystem it needs was tried (opened, or failed while
 * opening: its close frees what it left); those after a failure were never
 * opened, and closing them would hand libuv handles it never saw (an
 * abort). UP_ALWAYS: not a subsystem's.
 */
enum {
	UP_ALWAYS = -1,
	UP_LISTEN,
	UP_STORE,
	UP_LB,
	UP_ANSWER,
	UP_PLAYER,
	UP_SAVE,
	UP_ATTEMPT,
	UP_PRACTICE,
	UP_FANOUT,
	UP_TICK,
	UP_SYNC,
	UP_SWEEP,
	UP_PASSWORD,
	UP_AUDIT,
	UP_JOBS,
	UP_XAPI,
	UP_COUNT
};

static int lb_open_events(arena *a) { return lb_open(a, &events_channel); }

static int (*const up_open[UP_COUNT])(arena *a) = {
	[UP_LISTEN] = listen_open,     [UP_STORE] = store_open,       [UP_LB] = lb_open_events,
	[UP_ANSWER] = answer_open,     [UP_PLAYER] = player_open,     [UP_SAVE] = save_open,
	[UP_ATTEMPT] = attempt_open,   [UP_PRACTICE] = practice_open, [UP_FANOUT] = fanout_open,
	[UP_TICK] = tick_open,         [UP_SYNC] = sync_open,         [UP_SWEEP] = sweep_open,
	[UP_PASSWORD] = password_open, [UP_AUDIT] = audit_open,       [UP_JOBS] = jobs_open,
	[UP_XAPI] = xapi_open,
};

static void conns_close(arena *a) { lws_context_destroy(a->lws); } /* every connection's CLOSED runs */
static void store_drain_5s(arena *a) { store_drain(a, 5000); }
static void runs_detach(arena *a)
{
	for (int i = 0; i < a->nruns; i++)
		run_detach(a->runs[i]);
}

/* Stop: take no more input, commit what was received, then close. */
static const struct up_stop {
	void (*stop)(arena *a);
	int needs; /* UP_*: runs when that subsystem was tried */
} up_stops[] = {
	{listen_close, UP_LISTEN},
	{conns_close, UP_ALWAYS},
	{answer_flush_now, UP_ANSWER},
	{password_close, UP_PASSWORD},
	{audit_flush, UP_AUDIT},
	{store_drain_5s, UP_STORE},
	{sweep_close, UP_SWEEP},
	{xapi_close, UP_XAPI},
	{jobs_close, UP_JOBS},
	{audit_close, UP_AUDIT},
	{tick_close, UP_TICK},
	{fanout_close, UP_FANOUT},
	{answer_close, UP_ANSWER},
	{player_close, UP_PLAYER},
	{save_close, UP_SAVE},
	{attempt_close, UP_ATTEMPT},
	{practice_close, UP_PRACTICE},
	{runs_detach, UP_ALWAYS},
	{lb_close, UP_LB},
	{store_close, UP_STORE},
	{sync_close, UP_SYNC}, /* after the store: a read failed by its closing still finds it */
};

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int serve_run(arena *a)
{
	struct lws_context_creation_info info;
	uv_loop_t loop;
	void *foreign[1];
	int rc = 0;

	uv_loop_init(&loop);
	a->loop = &loop;
	foreign[0] = &loop;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN; /* listen.c accepts and hands connections over */
	info.protocols = protocols;
	mount_web.origin = a->cfg.web;
	gate_lws_info(a, &info, &mount_web); /* mounts, security headers, header buffer, URL limit */
	info.user = a;
	info.foreign_loops = foreign;
	info.pcontext = &a->lws; /* lws sets it NULL once its asynchronous destroy finished */
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN |
		       LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.timeout_secs = 30;
	info.ka_time = 60; /* TCP keepalive: notice phones that vanished */
	info.ka_probes = 4;
	info.ka_interval = 10;
	info.pt_serv_buf_size = 32 * 1024;
	info.fd_limit_per_thread = 0;
	/*
	 * No lws idle/validity policy: lws 4.1 re-arms a per-connection
	 * validity timer on every received frame with a sorted insert into a
	 * list of every connection (O(connections) per frame). TCP keepalive
	 * (ka_*) notices dead peers instead.
	 */
	static const lws_retry_bo_t no_validity = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};
	info.retry_and_idle_policy = &no_validity;

	a->lws = lws_create_context(&info);
	if (!a->lws) {
		fprintf(stderr,
			"skillarena: cannot start libwebsockets (is libwebsockets-evlib-uv installed?)\n");
		sa_log(LL_ERROR, "cannot start libwebsockets (is libwebsockets-evlib-uv installed?)");
		uv_loop_close(&loop);
		return 1;
	}
	uv_signal_init(&loop, &a->sigint);
	uv_signal_init(&loop, &a->sigterm);
	a->sigint.data = a->sigterm.data = a;
	uv_signal_start(&a->sigint, on_signal, SIGINT);
	uv_signal_start(&a->sigterm, on_signal, SIGTERM);

	a->auth = &principal_ops; /* who is asking: sessions, API tokens, grants (PostgreSQL) */
	int tried = 0, failed = 0;
	while (!failed && tried < UP_COUNT)
		failed = up_open[tried++](a);
	if (failed) {
		sa_log(LL_ERROR, "cannot start");
		rc = 1;
	} else {
		for (int i = 0; i < a->nruns; i++)
			live_attach(a->runs[i]); /* fetches the reveal of a contest stopped in phase reveal */
		sa_log(LL_INFO, "listening on port %d (%d contests, web %s)", a->cfg.port, a->nruns,
		       a->cfg.web);
		uv_run(&loop, UV_RUN_DEFAULT);
	}

	if (a->stopping) {
		uv_timer_stop(&a->drain);
		uv_close((uv_handle_t *)&a->drain, NULL);
	}
	a->stopping = 1; /* loads finishing from here on are dropped */
	for (size_t i = 0; i < sizeof up_stops / sizeof up_stops[0]; i++)
		if (up_stops[i].needs < tried)
			up_stops[i].stop(a);
	uv_signal_stop(&a->sigint);
	uv_signal_stop(&a->sigterm);
	uv_close((uv_handle_t *)&a->sigint, NULL);
	uv_close((uv_handle_t *)&a->sigterm, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (a->lws) /* on a foreign loop the destroy completes in a second call */
		lws_context_destroy(a->lws);
	uv_run(&loop, UV_RUN_DEFAULT);
	coalesce_close(a); /* the console's shared reads: nothing is on its way any more */
	uv_walk(&loop, close_walk, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop))
		sa_log(LL_WARN, "event loop closed with handles still open");
	a->loop = NULL;
	sa_log(LL_INFO, "stopped");
	return rc;
}
