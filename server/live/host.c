/*
 * host.c - the organizer's controls.
 *
 * `host` identifies who asks (core/auth.h's auth_check: a token in the
 * message, an API token or the deprecated organizer token, else the console
 * session cookie sent with the upgrade) and decides with the message table's
 * access (admin, the contest's owner, an organizer grant); every host login,
 * refused one and command goes to the audit log. `start`, `next`, `reveal`,
 * `end`, `pause`, `resume`, `extend` and `board` are rows of a table: the
 * phases a command is allowed in, how it reads its field, and the next live
 * state it computes from this process' view. The state is written
 * to PostgreSQL only if nobody changed it meanwhile (UPDATE ... WHERE seq =
 * the seq we saw), then published on the Redis event channel so every
 * process pushes it to its own players. A losing concurrent host gets
 * `conflict`. A process that is not connected to Redis refuses host
 * commands (`unavailable`): the others would not hear of the new state
 * until their next read of PostgreSQL (live/sync.c).
 *
 * Pause stops the open question's clock: its window in PostgreSQL closes at
 * the pause (answers received after it are refused `paused`, and the client
 * sends them again), and `resume` opens it again with its open time and
 * deadline moved by the paused time, in the same statement as the state, so
 * every process and the answer commit agree on the one window.
 *
 * In a contest that shows points at the reveal, opening a question copies
 * the live ranking into the one the boards read while it is played
 * (live/board.c), before the new state is published: the same Redis
 * connection carries both, so no process reads the question open and the
 * copy not made.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/host.h"
#include "live/live.h"
#include "live/members.h"
#include "live/pending.h"
#include "live/phase.h"
#include "live/run.h"
#include "live/screen.h"
#include "live/sync.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/audit.h"
#include "store/lb.h"
#include "store/store.h"

#define HOST_WAIT_STEP_MS 50 /* how often a command waiting for a reveal looks again */

/* A host command: waiting in its contest's queue, or on its way to PostgreSQL (the head). */
typedef struct host_req {
	struct host_req *next;
	conn *c;           /* referenced */
	crun *r;           /* referenced */
	int cmd;           /* HOST_* */
	int64_t arg;       /* the command's field: extend's ms, board's show */
	live_state before; /* the state it was computed from (also for the audit log) */
	int64_t now;
	live_state st; /* the state written */
	char rid[65];
} host_req;

static void host_run(crun *r);

/* A host login on its way (auth_check), for the connection c (referenced and busy). */
typedef struct host_login {
	conn *c;   /* referenced */
	crun *r;   /* referenced */
	int token; /* a token came in the message */
	char rid[65];
} host_login;

static void host_checked(arena *a, int rc, const auth_principal *p, void *ud)
{
	host_login *l = ud;
	conn *c = l->c;
	const char *rid = l->rid[0] ? l->rid : NULL;
	c->busy = 0;
	if (!rc && l->r->retired)
		rc = l->r->retired; /* archived, deleted or reset meanwhile */
	if (rc == SA_E_UNAUTHENTICATED && l->token)
		rc = SA_E_FORBIDDEN; /* a wrong token, as before accounts */
	if (rc == SA_E_UNAUTHENTICATED || rc == SA_E_FORBIDDEN) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "reason", err_name(rc));
		cJSON_AddStringToObject(d, "credential",
					l->token     ? "token"
					: c->session ? "session"
						     : "none");
		audit_note(a, p, "host.failed", l->r->code, NULL, d);
		cJSON_Delete(d);
		conn_login_failed(c, l->r->code, "host login");
	}
	if (c->wsi && !c->close_status && c->role == ROLE_NONE) {
		if (!rc && !(c->who = malloc(sizeof *c->who)))
			rc = SA_E_INTERNAL;
		if (rc)
			conn_send_error(c, rc, rid, NULL);
		else {
			*c->who = *p;
			c->role = ROLE_HOST;
			members_add(l->r, c);
			screen_welcome(c, l->r, "host_ok", rid);
			pending_send(c);
			conn_took_role(c);
			audit_note(a, p, "host.login", l->r->code, NULL, NULL);
		}
	}
	conn_unref(c);
	run_unref(l->r);
	free(l);
}

int host_auth(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = screen_contest(x, &rc);
	const char *token = msg_string(x, "token", 0, &rc);
	if (rc)
		return rc;
	if (c->busy)
		return SA_E_BAD_STATE;    /* a host, join or resume on its way */
	if ((rc = conn_login_allowed(c))) /* failed logins are rate-limited per address */
		return rc;
	host_login *l = calloc(1, sizeof *l);
	if (!l)
		return SA_E_INTERNAL;
	l->c = c;
	l->r = r;
	run_ref(r);
	l->token = token != NULL;
	if (x->rid)
		snprintf(l->rid, sizeof l->rid, "%s", x->rid);
	auth_cred cred = {.token = token, .session = token ? NULL : c->session, .addr = c->addr};
	conn_ref(c);
	c->busy = 1;
	auth_check(c->a, &cred, x->access, r->code, host_checked, l);
	return 0;
}

/* The command's before and after for the audit log. */
static cJSON *state_json(const live_state *st, int clock)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "phase", phase_name(st->phase));
	cJSON_AddNumberToObject(o, "index", st->qindex);
	if (clock) /* pause, resume, extend: the question's clock */
		cJSON_AddNumberToObject(o, "deadline_ms", (double)st->deadline_ms);
	if (st->paused_ms)
		cJSON_AddBoolToObject(o, "paused", 1);
	if (st->board_hidden)
		cJSON_AddBoolToObject(o, "board_hidden", 1);
	return o;
}

static void host_audit(const host_req *h)
{
	static const char *const actions[HOST_NCMDS] = {
		[HOST_START] = "host.start",   [HOST_NEXT] = "host.next",   [HOST_REVEAL] = "host.reveal",
		[HOST_END] = "host.end",       [HOST_PAUSE] = "host.pause", [HOST_RESUME] = "host.resume",
		[HOST_EXTEND] = "host.extend", [HOST_BOARD] = "host.board",
	};
	int clock = h->cmd == HOST_PAUSE || h->cmd == HOST_RESUME || h->cmd == HOST_EXTEND;
	cJSON *before = state_json(&h->before, clock), *after = state_json(&h->st, clock);
	audit_write(h->r->a, h->c->who, actions[h->cmd], h->r->code, NULL, before, after);
	cJSON_Delete(before);
	cJSON_Delete(after);
}

/* Answers the host (0: ok) and frees h. */
static void host_reply(host_req *h, int code)
{
	conn *c = h->c;
	if (c->wsi) {
		if (code)
			conn_send_error(c, code, h->rid[0] ? h->rid : NULL, NULL);
		else {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "ok");
			if (h->rid[0])
				cJSON_AddStringToObject(o, "rid", h->rid);
			conn_send_json(c, o);
		}
	}
	conn_unref(c);
	run_unref(h->r);
	free(h);
}

/* The head of r's queue is done (answered with code): the next one runs. */
static void host_next(crun *r, int code)
{
	host_req *h = r->host_head;
	assert(h);
	r->host_head = h->next;
	if (!r->host_head)
		r->host_tail = NULL;
	run_ref(r); /* host_reply may drop the last reference but ours */
	host_reply(h, code);
	host_run(r);
	run_unref(r);
}

static void publish_state(crun *r, const live_state *st, cJSON *reveal, void *ud)
{
	char *ev = live_event_json(r, st, reveal);
	/* Published first, so the other processes start their fan-out while this one
	 * does its own; applied here whatever Redis says, so this process never
	 * depends on Redis to follow its own host. */
	if (ev && lb_publish(r->a, ev))
		sa_log(LL_WARN,
		       "contest %s: redis down, state %lld not published: the other processes follow at their next read",
		       r->code, (long long)st->seq);
	live_apply(r, st, reveal);
	cJSON_free(ev);
	(void)ud;
}

/* The reveal's second step, LIVE_REVEAL_SETTLE_MS after the first (live.h). */
static void reveal_fire(uv_timer_t *t)
{
	crun *r = t->data;
	if (live_fetch_reveal(r, &r->reveal_st, publish_state, NULL))
		sa_log(LL_WARN, "contest %s: reveal counts unavailable", r->code);
}

static void reveal_later(crun *r, const live_state *st)
{
	r->reveal_st = *st;
	uv_timer_start(&r->reveal_timer, reveal_fire, (uint64_t)live_reveal_settle_ms(r), 0);
}

static void state_written(arena *a, void *res, const char *err, void *ud)
{
	host_req *h = ud;
	crun *r = h->r;
	int64_t seq;
	(void)a;
	if (r->retired)
		return host_next(r, r->retired);
	if (err) {
		sa_log(LL_WARN, "host command on %s failed: %s", r->code, err);
		return host_next(r, SA_E_UNAVAILABLE);
	}
	if (PQntuples(res) != 1) {
		sync_now(r->a); /* someone else won: follow them */
		return host_next(r, SA_E_CONFLICT);
	}
	if (store_int(res, 0, 0, 1, INT64_MAX, &seq)) {
		sync_now(r->a);
		return host_next(r, SA_E_INTERNAL);
	}
	h->st.seq = seq;
	host_audit(h);
	live_state st = h->st;
	sa_log(LL_INFO, "contest %s: %s %d%s%s (seq %lld)", r->code, phase_name(st.phase), st.qindex + 1,
	       st.paused_ms ? ", paused" : "", st.board_hidden ? ", board hidden" : "", (long long)st.seq);
	if (!r->def->feedback_instant && st.phase == PHASE_QUESTION &&
	    (h->before.phase != PHASE_QUESTION || h->before.qindex != st.qindex)) {
		/* what the boards show while it is played: the ranking as it opens */
		char shown[256], lb[256];
		lb_key(r->a, shown, sizeof shown, r, "shown");
		lb_key(r->a, lb, sizeof lb, r, "lb");
		lb_command(r->a, NULL, NULL, "ZUNIONSTORE %s 1 %s", shown, lb);
	}
	publish_state(r, &st, NULL, NULL);
	if (st.phase == PHASE_REVEAL)
		reveal_later(r, &st);
	host_next(r, 0);
}

static void open_question(const crun *r, live_state *st, int qi, int64_t now)
{
	st->phase = PHASE_QUESTION;
	st->qindex = qi;
	st->open_ms = now;
	st->deadline_ms = now + r->qs[qi].cq->time_limit_ms;
	st->paused_ms = 0;
}

static int step_start(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)arg;
	if (r->nq == 0)
		return SA_E_BAD_STATE;
	st->started_ms = now;
	open_question(r, st, 0, now);
	return 0;
}

/* The open question closes now (a pause already closed it). */
static void close_question(live_state *st, int64_t now)
{
	if (st->paused_ms && st->paused_ms < st->deadline_ms)
		st->deadline_ms = st->paused_ms;
	else if (st->deadline_ms > now)
		st->deadline_ms = now; /* closes the question for every process */
	st->paused_ms = 0;
}

static int step_next(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)arg;
	if (st->qindex + 1 < r->nq)
		open_question(r, st, st->qindex + 1, now);
	else {
		close_question(st, now);
		st->phase = PHASE_FINISHED;
	}
	return 0;
}

static int step_reveal(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	(void)arg;
	close_question(st, now);
	st->phase = PHASE_REVEAL;
	return 0;
}

static int step_end(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	(void)arg;
	if (st->phase == PHASE_QUESTION)
		close_question(st, now);
	st->phase = PHASE_FINISHED;
	return 0;
}

/* The open question's clock stops; only while it runs. */
static int step_pause(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	(void)arg;
	if (st->paused_ms || now > st->deadline_ms)
		return SA_E_BAD_STATE;
	st->paused_ms = now;
	return 0;
}

/* ... and runs again: the question opened that much later, and closes that much later. */
static int step_resume(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	(void)arg;
	if (!st->paused_ms)
		return SA_E_BAD_STATE;
	int64_t paused = now > st->paused_ms ? now - st->paused_ms : 0;
	st->open_ms += paused;
	st->deadline_ms += paused;
	st->paused_ms = 0;
	return 0;
}

/* More time for the question being played (running or paused), not for one that closed. */
static int step_extend(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	if (!st->paused_ms && now > st->deadline_ms)
		return SA_E_BAD_STATE;
	st->deadline_ms += arg;
	return 0;
}

static int step_board(const crun *r, live_state *st, int64_t now, int64_t arg)
{
	(void)r;
	(void)now;
	st->board_hidden = !arg;
	return 0;
}

/* extend's "ms": whole milliseconds, 1 s to 10 min. */
#define HOST_EXTEND_MAX_MS 600000

static int read_extend(msg_ctx *x, int64_t *arg)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x->m, "ms");
	if (!v)
		return SA_E_BAD_MESSAGE;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)v->valuedouble ||
	    v->valuedouble < 1000 || v->valuedouble > HOST_EXTEND_MAX_MS)
		return SA_E_INVALID_FIELD;
	*arg = (int64_t)v->valuedouble;
	return 0;
}

static int read_show(msg_ctx *x, int64_t *arg)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x->m, "show");
	if (!cJSON_IsBool(v))
		return SA_E_BAD_MESSAGE;
	*arg = cJSON_IsTrue(v);
	return 0;
}

#define IN(p) (1u << (p))

/* The commands, by their HOST_* index (the message table's argument). */
static const struct host_cmd {
	unsigned phases; /* the phases it is allowed in */
	/* Its field into *arg: 0, or SA_E_BAD_MESSAGE / SA_E_INVALID_FIELD (NULL: none). */
	int (*read)(msg_ctx *x, int64_t *arg);
	const char *field; /* named in the error */
	/* The next state from st, the current one: 0, or SA_E_BAD_STATE. */
	int (*step)(const crun *r, live_state *st, int64_t now, int64_t arg);
} host_cmds[HOST_NCMDS] = {
	[HOST_START] = {IN(PHASE_LOBBY), NULL, NULL, step_start},
	[HOST_NEXT] = {IN(PHASE_QUESTION) | IN(PHASE_REVEAL), NULL, NULL, step_next},
	[HOST_REVEAL] = {IN(PHASE_QUESTION), NULL, NULL, step_reveal},
	[HOST_END] = {IN(PHASE_LOBBY) | IN(PHASE_QUESTION) | IN(PHASE_REVEAL), NULL, NULL, step_end},
	[HOST_PAUSE] = {IN(PHASE_QUESTION), NULL, NULL, step_pause},
	[HOST_RESUME] = {IN(PHASE_QUESTION), NULL, NULL, step_resume},
	[HOST_EXTEND] = {IN(PHASE_QUESTION), read_extend, "ms", step_extend},
	[HOST_BOARD] = {IN(PHASE_LOBBY) | IN(PHASE_QUESTION) | IN(PHASE_REVEAL) | IN(PHASE_FINISHED),
			read_show, "show", step_board},
};

/*
 * The state is written only if nobody changed it since this process saw it
 * ($7, its seq), and with it the answer windows PostgreSQL judges answers
 * by: the question whose window is set ($11: a question opened, resumed or
 * extended) gets its open time and deadline ($12, $13); the one that closes
 * ($9: the one before, or the current one at a reveal, a pause or the end)
 * closes now ($8) at the latest.
 */
static const char host_sql[] =
	"WITH c AS (UPDATE contests SET phase = $2, qindex = $3, open_ms = $4, deadline_ms = $5, started_ms = $6, "
	"  paused_ms = $10, board_hidden = $14, seq = seq + 1, updated_at = now() "
	"  WHERE id = $1 AND seq = $7 AND archived_at IS NULL RETURNING seq), "
	"w AS (UPDATE questions SET "
	"  open_ms = CASE WHEN idx = $11 THEN $12::bigint ELSE open_ms END, "
	"  deadline_ms = CASE WHEN idx = $11 THEN $13::bigint ELSE LEAST(deadline_ms, $8::bigint) END "
	"  WHERE contest_id = $1 AND idx IN ($11, $9) AND EXISTS (SELECT 1 FROM c)) "
	"SELECT seq FROM c";

/* Which question's window a move from b to st sets (*set) and which closes (*close); -1: none. */
static void windows(const live_state *b, const live_state *st, int *set, int *close)
{
	int was_played = (b->phase == PHASE_QUESTION || b->phase == PHASE_REVEAL) && b->qindex >= 0;
	*set = *close = -1;
	if (st->phase == PHASE_QUESTION && (b->phase != PHASE_QUESTION || b->qindex != st->qindex)) {
		*set = st->qindex; /* opened */
		if (was_played)
			*close = b->qindex;
	} else if (st->phase == PHASE_QUESTION && st->paused_ms)
		*close = st->qindex; /* paused: closed at the pause, until the resume */
	else if (st->phase == PHASE_QUESTION)
		*set = st->qindex; /* resumed, extended: moved; the same again for a board toggle */
	else if (was_played)
		*close = b->qindex;
}

/* The head of r's queue, computed from the state as it is now, goes to PostgreSQL. */
static int host_send(crun *r, host_req *h)
{
	live_state st = r->st;
	const struct host_cmd *cmd = &host_cmds[h->cmd];
	int rc, set, close;
	/* Without Redis the other processes would not hear of it now: the host tries again. */
	if (!lb_subscribed(r->a))
		return SA_E_UNAVAILABLE;
	if (!(cmd->phases & IN(st.phase)))
		return SA_E_BAD_STATE;
	h->now = now_ms();
	h->before = st;
	if ((rc = cmd->step(r, &st, h->now, h->arg)))
		return rc;
	h->st = st;
	windows(&h->before, &st, &set, &close);
	char cid[24], qi[16], om[24], dm[24], sm[24], seq[24], now[24], cl[16], pm[24], si[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(qi, sizeof qi, "%d", st.qindex);
	snprintf(om, sizeof om, "%lld", (long long)st.open_ms);
	snprintf(dm, sizeof dm, "%lld", (long long)st.deadline_ms);
	snprintf(sm, sizeof sm, "%lld", (long long)st.started_ms);
	snprintf(seq, sizeof seq, "%lld", (long long)r->st.seq);
	snprintf(now, sizeof now, "%lld", (long long)h->now);
	snprintf(cl, sizeof cl, "%d", close);
	snprintf(pm, sizeof pm, "%lld", (long long)st.paused_ms);
	snprintf(si, sizeof si, "%d", set);
	const char *p[14] = {cid, phase_name(st.phase),       qi, om, dm, sm, seq, now, cl, pm, si, om,
			     dm,  st.board_hidden ? "t" : "f"};
	return store_query(r->a, host_sql, 14, p, state_written, h);
}

/* Runs the head of r's queue; one that cannot start is answered at once. */
/*
 * A reveal's answer, counts and points go out live_reveal_settle_ms after it
 * (answers still on their way are counted first). A command computed
 * meanwhile would apply a newer state before them and they would be dropped
 * as stale on every process: the host sees no reveal when `next` follows
 * `reveal` within the settle (a clicker pressed twice). So the command waits
 * for them, on whichever process its host is, at most a second past the
 * settle (should their fetch fail, the contest goes on without them).
 */
typedef struct host_wait {
	uv_timer_t timer;
	crun *r; /* referenced */
} host_wait;

static int reveal_settling(const crun *r, int64_t now)
{
	return r->st.phase == PHASE_REVEAL && !r->reveal_frame &&
	       now < r->st.deadline_ms + live_reveal_settle_ms(r) + 1000;
}

static void wait_closed(uv_handle_t *t)
{
	host_wait *w = t->data;
	run_unref(w->r);
	free(w);
}

static void wait_over(uv_timer_t *t)
{
	host_wait *w = t->data;
	crun *r = w->r;
	r->host_waiting = 0;
	host_run(r);
	uv_close((uv_handle_t *)&w->timer, wait_closed);
}

/* 0: the head waits (a timer looks again shortly); -1: it may run now. */
static int host_wait_reveal(crun *r)
{
	if (r->retired || !reveal_settling(r, now_ms()))
		return -1;
	if (r->host_waiting)
		return 0;
	host_wait *w = calloc(1, sizeof *w);
	if (!w)
		return -1; /* out of memory: run it now rather than never */
	w->r = r;
	run_ref(r);
	uv_timer_init(r->a->loop, &w->timer);
	w->timer.data = w;
	uv_timer_start(&w->timer, wait_over, HOST_WAIT_STEP_MS, 0);
	r->host_waiting = 1;
	return 0;
}

static void host_run(crun *r)
{
	host_req *h = r->host_head;
	if (!h || r->host_waiting || !host_wait_reveal(r))
		return;
	int rc = r->retired ? r->retired : host_send(r, h);
	if (rc)
		host_next(r, rc);
}

/*
 * Host commands of a contest run one at a time on this process, each
 * computed from the state the one before left: a host may send `reveal`
 * and `next` without waiting for the first `ok`, and the second is not
 * refused because the first was not applied yet. A command from another
 * host connection while one is on its way saw a state that is about to
 * change: it gets `conflict`, as it would from another process.
 */
int host_command(msg_ctx *x)
{
	assert(x->arg >= 0 && x->arg < HOST_NCMDS);
	conn *c = x->c;
	crun *r = c->run;
	const struct host_cmd *cmd = &host_cmds[x->arg];
	int64_t arg = 0;
	int rc;
	if (cmd->read && (rc = cmd->read(x, &arg))) {
		conn_send_error(c, rc, x->rid, cmd->field);
		return 0;
	}
	for (host_req *q = r->host_head; q; q = q->next)
		if (q->c != c)
			return SA_E_CONFLICT;
	host_req *h = calloc(1, sizeof *h);
	if (!h)
		return SA_E_INTERNAL;
	h->c = c;
	h->r = r;
	h->cmd = x->arg;
	h->arg = arg;
	conn_ref(c);
	run_ref(r);
	if (x->rid)
		snprintf(h->rid, sizeof h->rid, "%s", x->rid);
	if (r->host_tail)
		r->host_tail->next = h;
	else
		r->host_head = h;
	r->host_tail = h;
	if (r->host_head == h)
		host_run(r);
	return 0;
}
