/*
 * ws.h - WebSocket connections (ws.c): a conn per socket, its bounded output
 * ring and newest-only slots, the lws callback of protocol "skillarena.v1".
 *
 * Ownership: a conn is created when its socket is established and freed when
 * the socket has closed and no asynchronous request holds a reference to it
 * (conn_ref/conn_unref); callbacks check conn->wsi before writing.
 */
#ifndef SKILLARENA_NET_WS_H
#define SKILLARENA_NET_WS_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "core/limit.h"
#include "net/frame.h"
#include "net/rtt.h"

struct arena;
struct auth_principal;
struct crun;
struct pending;

typedef enum { ROLE_NONE = 0, ROLE_PLAYER, ROLE_HOST, ROLE_SCREEN, ROLE_ANY } conn_role;

#define CONN_QUEUE 64       /* frames waiting per connection before it is a slow consumer */
#define MSG_MAX (16 * 1024) /* largest accepted incoming message */

/* Close codes the server sends (docs/protocol.md, "Closing"). */
enum {
	WS_CLOSE_SLOW = 1008,     /* slow consumer: its output queue was full */
	WS_CLOSE_REPLACED = 4001, /* the participant connected again elsewhere */
	WS_CLOSE_REMOVED = 4002,  /* its contest was archived or deleted (live/load.c) */
	WS_CLOSE_RESET = 4003,    /* its contest was reset (live/load.c) */
	WS_CLOSE_KICKED = 4004,   /* the host removed the participant (live/moderate.c) */
	WS_CLOSE_IDLE = 4008,     /* no join, resume, host or watch in --ws-idle-s */
	WS_CLOSE_TOO_MANY = 4029, /* too many connections from this address */
};

/*
 * A push on its way to a group of connections, a chunk of them per loop
 * iteration (live/fanout.c paces it): a member it has not reached yet gets it
 * before anything else sent to it, so every connection sees pushes in order.
 */
typedef struct conn_fan {
	frame *frame; /* NULL when no push is on its way */
	int mask;     /* the roles (1 << ROLE_*) it goes to */
	uint32_t gen; /* one more per push */
} conn_fan;

/* What a player's last answer to the open question produced (idempotent retries). */
typedef struct answer_memo {
	int qindex;      /* -1: none */
	char *canonical; /* canonical response, malloc'ed */
	int64_t points_milli;
	int correctness;
} answer_memo;

typedef struct conn {
	struct arena *a;
	struct lws *wsi; /* NULL once the socket closed */
	uint64_t id;
	int refs; /* 1 for the socket + 1 per request in flight */
	conn_role role;
	int lang_en;
	struct crun *run;
	struct conn *prev, *next; /* in run->members, while listed */
	int listed;               /* in run->members (live/members.c) */
	conn_fan *fan;            /* its contest's fan-out (set by live/members.c) */
	uint32_t fan_seen;        /* the last fan->gen it has had */
	uint32_t ranks_gen;       /* the last reveal ranking that reached it (live/board.c) */

	/* player */
	int64_t pid;
	int64_t seated_ms; /* when it became pid's connection (live/session.c) */
	char *name, *unit;
	int64_t score_milli;
	int64_t reached_ds; /* when score_milli was reached (deciseconds from the start) */
	int streak;
	answer_memo memo;
	struct pending *answer_inflight; /* this conn's answer on its way to PostgreSQL (live/answer.c) */
	int busy;                        /* join/resume in flight */
	struct sp_conn *sp; /* self-paced state (live/selfpaced.h), freed when the socket closes */

	/* input assembly */
	char *rx;
	size_t rxlen;
	int rx_discard;

	/* round-trip time: WebSocket pings the server sends (conn_ping), their pongs */
	int64_t ping_us;       /* when the last ping was written (monotonic µs), 0: none yet */
	uint32_t ping_seq;     /* pings sent */
	unsigned char ping[8]; /* the payload its pong must echo (hex digits) */
	int ping_out;          /* that pong has not come yet */
	rtt_window rtt;        /* the samples (net/rtt.h) */

	char addr[48]; /* the client's address, as lws_get_peer_simple gives it */
	char *session; /* the console session cookie sent with the upgrade (64 hex digits), or NULL */
	struct auth_principal *who; /* a host's or screen's principal once identified (NULL: anonymous) */
	limit_bucket msgs;          /* its message rate (--ws-msg-rate) */

	/* output: a bounded ring of shared frames, plus newest-only slots */
	frame *q[CONN_QUEUE];
	unsigned qhead, qlen;
	frame *slot_lb, *slot_stats;
	int rx_paused;            /* input paused while the output queue is nearly full */
	int close_status;         /* set by conn_close: the close frame goes out next */
	const char *close_reason; /* static ASCII text, sent with it */
	int close_waits;          /* timer rounds spent waiting for lws to flush first */
} conn;

conn *conn_new(struct arena *a, struct lws *wsi);
void conn_ref(conn *c);
void conn_unref(conn *c);
/* Sends or queues a frame (takes a new reference). 0, or SA_E_UNAVAILABLE
 * (closed, or a slow consumer: closed now) or SA_E_INTERNAL (f is NULL: a
 * frame that could not be made). */
int conn_send(conn *c, frame *f);
int conn_send_json(conn *c, cJSON *obj);              /* frees obj */
int conn_send_frame(conn *c, frame *f);               /* takes f's reference */
void conn_send_slot(conn *c, frame **slot, frame *f); /* newest-only */
void conn_send_error(conn *c, int code, const char *rid, const char *detail);
/* Closes c with a close frame (status, and reason: static ASCII text, it is
 * kept by pointer); nothing more is sent to it. Safe to call again. */
void conn_close(conn *c, int status, const char *reason);

/* Writes a WebSocket ping now, when nothing waits to go out to c (a ping
 * stuck behind queued output would measure the queue, not the network):
 * 0, or SA_E_UNAVAILABLE (not now: closed, output waiting). Its pong adds a
 * round-trip sample to c->rtt. */
int conn_ping(conn *c);
/* c's round-trip time in ms (net/rtt.h's estimate), -1 while unknown. */
int conn_rtt(const conn *c);

/* c has just taken a role (player, host, screen): it is no longer idle. */
void conn_took_role(conn *c);

/* Rate limits (core/limit.h). A message received on c: 0, or SA_E_RATE_LIMITED
 * when c sends faster than --ws-msg-rate allows. */
int conn_limit_message(conn *c, int64_t now);
/* One join or resume from c's address: 0, or SA_E_RATE_LIMITED. */
int conn_limit_join(conn *c);
/* Host logins and screen keys: refused (SA_E_RATE_LIMITED, logged) while c's
 * address has failed too often; a failure ("host login", "screen key") is
 * counted and logged. */
int conn_login_allowed(conn *c);
void conn_login_failed(conn *c, const char *code, const char *what);

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

#endif
