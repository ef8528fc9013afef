/*
 * arena.h - the server's one context and the types every module shares.
 *
 * The data path, one file per step:
 *
 *   ws.c      WebSocket connections: assemble frames, queue output, write when writeable
 *   msg.c     frame -> validated message -> handler (the message table)
 *   player.c  join, resume                    host.c   host/screen roles, start/next/reveal/end
 *   answer.c  dedupe -> deadline -> score -> group commit -> ack
 *   store.c   PostgreSQL, non-blocking, a small pool   (migrate.c: schema + contest loading at start)
 *   lb.c      Redis: leaderboard sorted sets, counters, pub/sub between processes, rebuild
 *   live.c    each contest's live state, server-clock deadlines, pushes (question, state, reveal)
 *   bcast.c   shared frames, fan-out, the coalescing tick (leaderboard and stats pushes)
 *   http.c    static files and the JSON HTTP API
 *
 * Ownership: the arena owns every crun (contest runtime) and conn. A conn is
 * freed when its socket has closed and no asynchronous request holds a
 * reference to it (conn_ref/conn_unref); callbacks check conn->wsi before
 * writing. Frames are reference counted and shared by all recipients.
 */
#ifndef SKILLARENA_ARENA_H
#define SKILLARENA_ARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>
#include <uv.h>

#include "contest.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "net/frame.h"
#include "scoring.h"

struct arena;
struct crun;
struct conn;
struct redisAsyncContext;

/* ------------------------------------------------------------ connections */

typedef enum { ROLE_NONE = 0, ROLE_PLAYER, ROLE_HOST, ROLE_SCREEN, ROLE_ANY } conn_role;

#define CONN_QUEUE 64       /* frames waiting per connection before it is a slow consumer */
#define MSG_MAX (16 * 1024) /* largest accepted incoming message */

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
	struct conn *prev, *next; /* in run->members */
	uint32_t fan_seen;        /* the run's fan-out generation this conn has had (fanout.c) */
	uint32_t ranks_gen;       /* the last reveal ranking that reached it (board.c) */

	/* player */
	int64_t pid;
	char *name, *unit;
	int64_t score_milli;
	int64_t reached_ds; /* when score_milli was reached (deciseconds from the start) */
	int streak;
	answer_memo memo;
	struct pending *answer_inflight; /* this conn's answer on its way to PostgreSQL (answer.c) */
	int busy;                        /* join/resume in flight */

	/* input assembly */
	char *rx;
	size_t rxlen;
	int rx_discard;

	/* output: a bounded ring of shared frames, plus newest-only slots */
	frame *q[CONN_QUEUE];
	unsigned qhead, qlen;
	frame *slot_lb, *slot_stats;
	int rx_paused;    /* input paused while the output queue is nearly full */
	int close_status; /* set by conn_close: close at the next writeable */
	char close_reason[64];
} conn;

conn *conn_new(struct arena *a, struct lws *wsi);
void conn_ref(conn *c);
void conn_unref(conn *c);
/* Queues a frame (takes a new reference); returns -1 and closes a slow consumer. */
int conn_send(conn *c, frame *f);
int conn_send_json(conn *c, cJSON *obj);              /* frees obj */
int conn_send_frame(conn *c, frame *f);               /* takes f's reference */
void conn_send_slot(conn *c, frame **slot, frame *f); /* newest-only */
void conn_send_error(conn *c, int code, const char *rid, const char *detail);
void conn_close(conn *c, int status, const char *reason);

/* -------------------------------------------------------- contest runtime */

typedef enum { PHASE_LOBBY = 0, PHASE_QUESTION, PHASE_REVEAL, PHASE_FINISHED } live_phase;
const char *phase_name(live_phase p);
int phase_parse(const char *s, live_phase *out);

typedef struct live_state {
	live_phase phase;
	int qindex; /* -1 in lobby */
	int64_t open_ms, deadline_ms, started_ms;
	int64_t seq;
} live_state;

typedef struct run_question {
	const contest_question *cq;
	cJSON *public_msg; /* "question" message without the time fields */
	char *id_json;     /* the question id as a JSON string, quotes included */
	cJSON *reveal_answer;
	cJSON *explanation; /* borrowed from the definition, may be NULL */
	int noptions;
} run_question;

typedef struct crun {
	struct arena *a;
	int64_t contest_id;
	char code[24];
	contest_def *def;
	run_question *qs;
	int nq;
	cJSON *info; /* {"code","title","question_count"} */

	live_state st;
	int open; /* the open question still takes answers (by this process' timer) */
	uv_timer_t deadline_timer;
	uv_timer_t reveal_timer; /* the reveal's counts, a moment after the close (host.c) */
	live_state reveal_st;
	int attached; /* timers initialized on the serving loop */

	conn *members; /* every conn of this contest, any role */
	/* the push being fanned out, a chunk per loop iteration (fanout.c) */
	frame *fan_frame;
	int fan_mask;
	conn *fan_cursor; /* next member to get it */
	uint32_t fan_gen;
	uint32_t ranks_gen;
	int fan_sent; /* members written so far, and since when (for the log) */
	int64_t fan_start_us;
	int nplayers_local, nviewers_local;
	int64_t acks_since_tick;

	/* last values pushed, to push only changes */
	frame *reveal_frame; /* the current question's `reveal`, for late joiners */
	conn **ptab;         /* open-addressing table participant id -> player conn */
	size_t pcap, pcount;
	int tick_busy;

	frame *lb_frame;    /* shared top-N leaderboard (screens, hosts) */
	frame *units_frame; /* the units board, when the contest has one */
	int units_tick, units_busy;
	char *lb_top_json; /* the "top" array as JSON text, spliced into player frames */
	int64_t players, online, answered;
	int stats_dirty;
	int rebuilding;
} crun;

/* ------------------------------------------------------------ the arena */

typedef struct arena {
	sa_config cfg;
	uv_loop_t *loop;
	struct lws_context *lws;
	score_engine *eng;
	crun **runs;
	int nruns;
	uint64_t next_conn_id;
	int stopping;

	struct store *store;
	struct lb *lb;
	struct answer_queue *aq;
	struct join_queue *jq;
	struct listener *listener;

	uv_timer_t tick;
	uv_idle_t fanout; /* continues fan-outs between rounds of input (fanout.c) */
	uv_signal_t sigint, sigterm;
	uv_timer_t drain;
	int64_t stop_ms;
	int64_t answers_pending; /* answers received and not yet acknowledged or refused */

	int64_t nconns;
	int64_t stat_answers, stat_acks; /* answers received; new answers acknowledged */
	int64_t stat_commits;            /* answer group commits (stat_acks / stat_commits = batch size) */
} arena;

/* ------------------------------------------------------------ run.c */

crun *run_new(arena *a, contest_def *def); /* takes def */
void run_free(crun *r);
int run_add(arena *a, crun *r); /* one more contest of this process */
void run_attach(crun *r);       /* on the serving loop: its timers and its state */
void run_detach(crun *r);
/* The contest with this code (any case), NULL when none or not a code. */
crun *run_find(arena *a, const char *code);
void run_free_all(arena *a);

/* ------------------------------------------------------------ store.c */

/* Called once per query with the result (NULL and err set when the query could
 * not run: connection lost, queue full). The store frees res after the call. */
typedef void (*store_cb)(struct arena *a, void *res /* PGresult* */, const char *err, void *ud);

int store_open(arena *a); /* connects the pool (asynchronously) */
void store_close(arena *a);
/* Queues a query; params are copied. Returns 0, or -1 (cb is then not called). */
int store_query(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb, void *ud);
/* The same for a statement run often: sql must be a string that lives as long as
 * the process (its address names it); each connection parses it once. */
int store_query_prepared(arena *a, const char *sql, int nparams, const char *const *params, store_cb cb,
			 void *ud);
int store_ready(arena *a); /* at least one connection is up */
/* Waits (running the loop) until nothing is queued or in flight; for shutdown. */
void store_drain(arena *a, int64_t timeout_ms);

/* ------------------------------------------------------------ migrate.c */

/* Synchronous, before the event loop runs: apply server/sql migrations. */
int migrate_apply(const char *conninfo, const char *sql_dir);
/* Synchronous, at start: upsert loaded contests into PostgreSQL, fill contest ids and live state. */
int migrate_load_contests(const char *conninfo, crun **runs, int nruns);
/* Synchronous: 1 when a contest with this code is in PostgreSQL, 0 when not, -1 on error. */
int migrate_contest_exists(const char *conninfo, const char *code);
/* Synchronous: deletes a contest's participants/answers and Redis keys, back to the lobby
 * (code: normalized). redis_password: sent with AUTH first (NULL or empty: none). */
int migrate_reset_contest(const char *conninfo, const char *redis, const char *redis_password,
			  const char *prefix, const char *code, int only_if_finished);

/* ------------------------------------------------------------ lb.c */

/* What the subscriber does with the event channel (live/events.c). */
typedef struct lb_channel {
	void (*message)(struct arena *a, const char *json, size_t len); /* one event */
	void (*subscribed)(struct arena *a); /* (re)subscribed: events may have been missed */
} lb_channel;
int lb_open(arena *a, const lb_channel *ch);
void lb_close(arena *a);
int lb_ready(arena *a);
/* Sorted-set score for (points, time reached): higher points first, then earlier time. */
double lb_zscore(int64_t score_milli, int64_t reached_ds);
int64_t lb_score_from_z(double z);
/* Raw command with a reply callback (reply is a redisReply*, NULL when down). */
typedef void (*lb_cb)(arena *a, void *reply, void *ud);
int lb_command(arena *a, lb_cb cb, void *ud, const char *fmt, ...);
int lb_commandv(arena *a, lb_cb cb, void *ud, int argc, const char **argv, const size_t *argvlen);
void lb_key(arena *a, char *buf, size_t n, const crun *r, const char *what);
void lb_member(char *buf, size_t n, int64_t pid);
int64_t lb_member_pid(const char *member);
/* Publishes an event to every process (including this one). */
int lb_publish(arena *a, const char *json);
/* Rebuilds a contest's Redis state from PostgreSQL. */
void lb_rebuild(crun *r);

/* ------------------------------------------------------------ live.c */

/* Applies a state read from PostgreSQL or received from another process. */
void live_apply(crun *r, const live_state *st, const cJSON *reveal);
/* Frames for the current moment (NULL when not applicable). */
cJSON *live_state_msg(crun *r);
cJSON *live_question_msg(crun *r, const answer_memo *memo, int64_t score_milli);
void live_send_snapshot(conn *c);                           /* state + question (+ leaderboard) */
int live_question_open(crun *r, int qindex, int64_t at_ms); /* 1 when answers are taken */
void live_reload_all(arena *a); /* re-reads every contest's state from PostgreSQL */
void live_reload(crun *r);
/* The `ack` of question qi (printed directly: one per answer). */
frame *live_ack_frame(const crun *r, int qi, const char *rid, int64_t points, int64_t score, int64_t rank,
		      int64_t players, int duplicate);
cJSON *live_ack_msg(const crun *r, int qi, const char *rid, int64_t points, int64_t score, int64_t rank,
		    int64_t players, int duplicate);
char *live_event_json(crun *r, const live_state *st, const cJSON *reveal); /* malloc'ed (cJSON_free) */
int live_fetch_reveal(crun *r, const live_state *st,
		      void (*done)(crun *r, const live_state *st, cJSON *reveal, void *ud), void *ud);

/* ------------------------------------------------------------ members.c */

void members_add(crun *r, conn *c);
void members_remove(crun *r, conn *c);
conn *members_find_player(crun *r, int64_t pid);

/* ------------------------------------------------------------ fanout.c */

/* f to every member whose role is in roles_mask (1<<ROLE_*): a chunk now, the
 * rest in the next loop iterations, each member in order with its other output. */
void fanout_push(crun *r, frame *f, int roles_mask);
void fanout_catch_up(conn *c); /* before other output to c: the fan-out it has not had yet */
int fanout_open(arena *a);
void fanout_close(arena *a); /* finishes every fan-out in progress */

/* ------------------------------------------------------------ board.c */

int board_fetch_top(crun *r, int limit, void (*done)(crun *r, cJSON *top, int64_t players, void *ud),
		    void *ud);
void board_apply_top(crun *r, cJSON *top, int64_t players);
void board_send_player(conn *c, int64_t rank);
/* Every player's rank, after reveal (a frame, or NULL) in the same write. */
void board_reveal_ranks(crun *r, frame *reveal);
void board_send_stats(conn *c);
void board_push_stats(crun *r); /* to screens and hosts, when the counts changed */
int board_units_query(crun *r, store_cb cb, void *ud);
cJSON *board_units_json(void *res /* PGresult* of board_units_query */);
void board_units_refresh(crun *r);

/* ------------------------------------------------------------ tick.c */

int tick_open(arena *a);
void tick_now(arena *a); /* e.g. when Redis (re)connects: check and rebuild at once */
void tick_close(arena *a);

/* ------------------------------------------------------------ handlers */

typedef struct msg_ctx {
	conn *c;
	cJSON *m;
	const char *rid;
	int64_t recv_ms;
} msg_ctx;

void msg_dispatch(conn *c, char *buf, size_t len, int64_t recv_ms); /* may rewrite buf */
/* A string field: NULL when absent (sets *rc if required) or not a string (sets *rc). */
const char *msg_string(msg_ctx *x, const char *name, int required, int *rc);
/* Applies an optional "lang" field ("en" or "zh-CN") to the connection. */
void msg_lang(msg_ctx *x);

int player_join(msg_ctx *x);
int player_init(arena *a); /* the join group commit */
void player_release(arena *a);
int player_resume(msg_ctx *x);
int answer_submit(msg_ctx *x);
int host_auth(msg_ctx *x);
int host_command(msg_ctx *x);
int screen_watch(msg_ctx *x);

int answer_init(arena *a);
void answer_release(arena *a);
void answer_flush_now(arena *a);
int answer_pending(arena *a);
int store_busy(arena *a); /* queries queued or in flight */

/* ------------------------------------------------------------ events.c */

void events_dispatch(arena *a, const char *json, size_t len);
void events_missed(arena *a);
extern const lb_channel events_channel;

/* ------------------------------------------------------------ load.c */

/* rc 0: r is served; SA_E_INVALID_FIELD: problems lists why (a JSON array, borrowed). */
typedef void (*load_done_cb)(arena *a, crun *r, int rc, cJSON *problems, void *ud);
/* Validates a contest (JSON text), stores it, serves it, off the loop; done gets the outcome. */
int load_contest(arena *a, const char *name, const char *json, size_t len, int announce, load_done_cb done,
		 void *ud);
void load_announced(arena *a, const char *code); /* code: normalized */
const char *load_dir(arena *a);

/* ------------------------------------------------------------ auth.c */

int auth_init(void);
void auth_release(void);
int auth_random_hex(char *out, size_t nbytes); /* out holds 2*nbytes+1 */
void auth_sha256_hex(const char *in, char out[65]);
int auth_token_equal(const char *a, const char *b); /* constant time on equal lengths */

/* ------------------------------------------------------------ http.c / ws.c */

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
int server_run(arena *a);  /* serve: the event loop until a signal */
int listen_open(arena *a); /* listen.c: our own (shareable) listening socket */
void listen_close(arena *a);

#endif
