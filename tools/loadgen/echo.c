/*
 * echo.c - the ceiling: a raw libwebsockets server on the libuv loop that
 * speaks just enough of docs/protocol.md for the load generator
 * (miniproto.c: no database, no Redis, no scoring).
 *
 *   loadgen-echo --port N [--questions K] [--time-limit-ms MS]
 *                [--write queue|direct|raw] [--listen-share]
 *
 * A push (start/next) is the same state + question frames SkillArena sends,
 * one shared pre-framed buffer written to every player and screen with
 * LWS_WRITE_RAW, as the server does. Run one process per port, and give the
 * load generator --host-all so its host commands reach every process.
 *
 * Write paths (--write), the subject of the fan-out investigation in
 * docs/performance.md:
 *   queue   the lws-examples way: per-connection ring of shared messages,
 *           lws_callback_on_writable(), one lws_write per WRITEABLE callback
 *   direct  write at once when the connection has nothing queued and its
 *           pipe is not choked (no epoll_ctl round trip), else queue
 *   raw     like queue, but every WRITEABLE packs all queued messages as
 *           ready-made WebSocket frames into one LWS_WRITE_RAW write
 *
 * Ownership: a shared message (msg) is refcounted; each queue slot holds a
 * reference, dropped when written or when the connection closes.
 */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "lg.h"
#include "miniproto.h"

#define ECHO_RING 16

typedef struct msg {
	int refs;
	bool raw;     /* buf holds ready WebSocket frames (a push), written with LWS_WRITE_RAW */
	unsigned gen; /* broadcast generation, 0 for a direct reply */
	size_t len;
	unsigned char buf[]; /* LWS_PRE + 10 bytes of frame header room, then payload */
} msg;

#define MSG_HDR (LWS_PRE + 10)

enum { W_QUEUE, W_DIRECT, W_RAW };

typedef struct pss {
	mp_conn mp; /* first: miniproto's callbacks hand it back */
	struct lws *wsi;
	struct pss *next, *prev; /* list of players and screens (broadcast targets) */
	msg *ring[ECHO_RING];
	unsigned head, count;
	bool linked;
} pss;

static struct {
	int port, questions, time_limit_ms, write_mode;
	bool listen_share, validity;
	struct lws_context *ctx;
	uv_loop_t *loop;
	pss *targets;
	unsigned long delivered, writes;
	/* server-side fan-out timing of the latest broadcast */
	unsigned gen;
	uint64_t bc_t0;
	int bc_left, bc_total;
} E;

/* Counts one delivery of m; logs when the latest broadcast reached everybody. */
static void delivered(msg *m)
{
	E.delivered++;
	if (!m->gen || m->gen != E.gen || E.bc_left <= 0)
		return;
	if (--E.bc_left == 0)
		fprintf(stderr, "loadgen-echo: port %d: broadcast %u written to %d connections in %.2f ms\n",
			E.port, m->gen, E.bc_total, (double)(uv_hrtime() - E.bc_t0) / 1e6);
}

static msg *msg_new(const void *data, size_t len, bool raw)
{
	msg *m = malloc(sizeof(*m) + MSG_HDR + len);
	if (!m)
		return NULL;
	m->refs = 0;
	m->raw = raw;
	m->gen = 0;
	m->len = len;
	memcpy(m->buf + MSG_HDR, data, len);
	return m;
}

static void msg_unref(msg *m)
{
	if (m && --m->refs <= 0)
		free(m);
}

static int write_one(pss *p, msg *m)
{
	/* lws writes the frame header into the LWS_PRE bytes before the payload */
	int n = lws_write(p->wsi, m->buf + MSG_HDR, m->len, m->raw ? LWS_WRITE_RAW : LWS_WRITE_TEXT);
	E.writes++;
	delivered(m);
	return n < (int)m->len ? -1 : 0;
}

/* Queues m (a reference is taken); drops the oldest when the ring is full. */
static void enqueue(pss *p, msg *m)
{
	if (E.write_mode == W_DIRECT && p->count == 0 && !lws_send_pipe_choked(p->wsi)) {
		m->refs++;
		write_one(p, m);
		msg_unref(m);
		return;
	}
	if (p->count == ECHO_RING) {
		msg_unref(p->ring[p->head]);
		p->head = (p->head + 1) % ECHO_RING;
		p->count--;
	}
	m->refs++;
	p->ring[(p->head + p->count) % ECHO_RING] = m;
	p->count++;
	lws_callback_on_writable(p->wsi);
}

/* miniproto: one text message to c. */
static void mp_reply(mp_conn *c, const char *text, size_t len)
{
	msg *m = msg_new(text, len, false);
	if (!m)
		return;
	m->refs = 1; /* ours, while we enqueue */
	enqueue((pss *)c, m);
	msg_unref(m);
}

/* miniproto: c receives pushes from now on. */
static void mp_target(mp_conn *c)
{
	pss *p = (pss *)c;
	if (p->linked)
		return;
	p->next = E.targets;
	p->prev = NULL;
	if (E.targets)
		E.targets->prev = p;
	E.targets = p;
	p->linked = true;
}

/* miniproto: the same pre-framed state + question to every target. */
static void mp_push(const unsigned char *wire, size_t len)
{
	msg *m = msg_new(wire, len, true);
	if (!m)
		return;
	m->refs = 1; /* ours, while we enqueue */
	m->gen = ++E.gen;
	E.bc_t0 = uv_hrtime();
	E.bc_left = E.bc_total = 0;
	for (pss *p = E.targets; p; p = p->next)
		E.bc_left++, E.bc_total++;
	for (pss *p = E.targets; p; p = p->next)
		enqueue(p, m);
	msg_unref(m);
}

static const mp_ops echo_ops = {mp_reply, mp_target, mp_push};

static void unlink_target(pss *p)
{
	if (!p->linked)
		return;
	if (p->prev)
		p->prev->next = p->next;
	else
		E.targets = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->linked = false;
}

/* Packs every queued message as a ready frame into one raw write. */
static int write_packed(pss *p)
{
	size_t total = 0;
	for (unsigned i = 0; i < p->count; i++)
		total += p->ring[(p->head + i) % ECHO_RING]->len + 10;
	/* raw messages are frames already; the others get a header here */
	unsigned char *b = malloc(LWS_PRE + total);
	if (!b)
		return -1;
	unsigned char *o = b + LWS_PRE;
	for (unsigned i = 0; i < p->count; i++) {
		msg *m = p->ring[(p->head + i) % ECHO_RING];
		if (m->raw) {
			memcpy(o, m->buf + MSG_HDR, m->len);
			o += m->len;
			delivered(m);
			msg_unref(m);
			continue;
		}
		*o++ = 0x81;
		if (m->len < 126) {
			*o++ = (unsigned char)m->len;
		} else if (m->len < 65536) {
			*o++ = 126;
			*o++ = (unsigned char)(m->len >> 8);
			*o++ = (unsigned char)m->len;
		} else {
			*o++ = 127;
			for (int k = 7; k >= 0; k--)
				*o++ = (unsigned char)((uint64_t)m->len >> (8 * k));
		}
		memcpy(o, m->buf + MSG_HDR, m->len);
		o += m->len;
		delivered(m);
		msg_unref(m);
	}
	p->count = 0;
	p->head = 0;
	size_t len = (size_t)(o - (b + LWS_PRE));
	int n = lws_write(p->wsi, b + LWS_PRE, len, LWS_WRITE_RAW);
	E.writes++;
	free(b);
	return n < (int)len ? -1 : 0;
}

static int cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	pss *p = user;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(p, 0, sizeof(*p));
		p->wsi = wsi;
		break;
	case LWS_CALLBACK_RECEIVE:
		if (!lws_is_first_fragment(wsi) || !lws_is_final_fragment(wsi))
			break; /* the load generator never fragments */
		mp_message(&p->mp, in, len);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!p->count)
			break;
		if (E.write_mode == W_RAW)
			return write_packed(p);
		{
			msg *m = p->ring[p->head];
			p->head = (p->head + 1) % ECHO_RING;
			p->count--;
			int r = write_one(p, m);
			msg_unref(m);
			if (r < 0)
				return -1;
		}
		if (p->count)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLOSED:
		unlink_target(p);
		while (p->count) {
			msg_unref(p->ring[p->head]);
			p->head = (p->head + 1) % ECHO_RING;
			p->count--;
		}
		break;
	default:
		break;
	}
	return 0;
}

static struct lws_protocols protocols[] = {
	{"http-only", lws_callback_http_dummy, 0, 0, 0, NULL, 0},
	{"skillarena.v1", cb, sizeof(pss), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

/* SIGINT/SIGTERM: print the counters and leave (info.signal_cb and our own uv watchers). */
static void on_signal(void *handle, int sig)
{
	fprintf(stderr, "loadgen-echo: port %d: %lu messages in %lu writes\n", E.port, E.delivered, E.writes);
	fflush(stderr);
	_exit(0); /* nothing to flush; exit() could run lws/evlib destructors from inside the loop */
}

static void on_uv_signal(uv_signal_t *s, int sig) { on_signal(s, sig); }

static void usage(void)
{
	fprintf(stderr, "usage: loadgen-echo --port N [--questions K] [--time-limit-ms MS] "
			"[--write queue|direct|raw] [--listen-share] [--lws-validity]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	E.questions = 20;
	E.time_limit_ms = 20000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--listen-share") == 0) {
			E.listen_share = true;
			continue;
		}
		if (strcmp(a, "--lws-validity") == 0) {
			E.validity = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--port") == 0)
			E.port = atoi(v);
		else if (strcmp(a, "--questions") == 0)
			E.questions = atoi(v);
		else if (strcmp(a, "--time-limit-ms") == 0)
			E.time_limit_ms = atoi(v);
		else if (strcmp(a, "--write") == 0)
			E.write_mode = strcmp(v, "queue") == 0    ? W_QUEUE
				       : strcmp(v, "direct") == 0 ? W_DIRECT
				       : strcmp(v, "raw") == 0    ? W_RAW
								  : (usage(), 0);
		else
			usage();
	}
	if (E.port <= 0 || E.port > 65535 || mp_init(&echo_ops, E.questions, E.time_limit_ms) < 0)
		usage();
	lws_set_log_level(LLL_ERR, NULL);
	static uv_loop_t loop;
	uv_loop_init(&loop);
	E.loop = &loop;
	void *foreign[1] = {&loop};
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = E.port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DISABLE_IPV6 |
		       LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN;
	if (E.listen_share)
		info.options |= LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE;
	info.foreign_loops = foreign;
	/*
	 * lws 4.1's default idle policy re-arms a per-connection validity
	 * timer on every received frame: a sorted insert into one list of
	 * every connection's timers, O(connections) per frame (the top symbol,
	 * lws_dll2_add_sorted, in a profile at 6,000 connections). A policy
	 * without ping/hangup times skips it; --lws-validity keeps the default.
	 */
	static const lws_retry_bo_t no_validity = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};
	if (!E.validity)
		info.retry_and_idle_policy = &no_validity;
	info.signal_cb = on_signal;
	E.ctx = lws_create_context(&info);
	if (!E.ctx || !lws_get_vhost_by_name(E.ctx, "default")) {
		fprintf(stderr,
			"loadgen-echo: lws_create_context failed (port %d in use? evlib_uv installed?)\n",
			E.port);
		return 1;
	}
	uv_signal_t s1, s2;
	uv_signal_init(&loop, &s1);
	uv_signal_start(&s1, on_uv_signal, SIGTERM);
	uv_signal_init(&loop, &s2);
	uv_signal_start(&s2, on_uv_signal, SIGINT);
	fprintf(stderr, "loadgen-echo: listening on port %d (write=%s)\n", E.port,
		(const char *[]){"queue", "direct", "raw"}[E.write_mode]);
	uv_run(&loop, UV_RUN_DEFAULT);
	return 0;
}
