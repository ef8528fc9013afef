/*
 * host.c - the organizer's controls.
 *
 * `host` checks the organizer token (core/auth.c); `start`, `next`, `reveal`
 * and `end` are rows of a table: the phases a command is allowed in and the
 * next live state it computes from this process' view. The state is written
 * to PostgreSQL only if nobody changed it meanwhile (UPDATE ... WHERE seq =
 * the seq we saw), then published on the Redis event channel so every
 * process pushes it to its own players. A losing concurrent host gets
 * `conflict`.
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
#include "live/phase.h"
#include "live/run.h"
#include "live/screen.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/store.h"

typedef struct host_req {
	conn *c;
	crun *r;
	live_state st;
	char rid[65];
} host_req;

int host_auth(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = screen_contest(x, &rc);
	const char *token = msg_string(x, "token", 1, &rc);
	if (rc)
		return rc;
	if ((rc = conn_login_allowed(c))) /* failed logins are rate-limited per address */
		return rc;
	if ((rc = auth_organizer(c->a, token))) {
		conn_login_failed(c, r->code);
		return rc;
	}
	c->role = ROLE_HOST;
	members_add(r, c);
	screen_welcome(c, r, "host_ok", x->rid);
	return 0;
}

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
	free(h);
}

static void publish_state(crun *r, const live_state *st, cJSON *reveal, void *ud)
{
	char *ev = live_event_json(r, st, reveal);
	/* Published first, so the other processes start their fan-out while this one
	 * does its own; applied here whatever Redis says, so this process never
	 * depends on Redis to follow its own host. */
	if (ev && lb_publish(r->a, ev))
		sa_log(LL_WARN, "contest %s: redis down, state %lld not published to other processes",
		       r->code, (long long)st->seq);
	live_apply(r, st, reveal);
	cJSON_free(ev);
	if (ud)
		host_reply(ud, 0);
}

/*
 * The reveal goes out in two steps: the closed question at once (every
 * process stops taking answers), then, REVEAL_SETTLE_MS later, the answer and
 * the distribution counted in PostgreSQL, so that answers received just
 * before the close and still being committed are counted too.
 */
#define REVEAL_SETTLE_MS 150

static void reveal_fire(uv_timer_t *t)
{
	crun *r = t->data;
	if (live_fetch_reveal(r, &r->reveal_st, publish_state, NULL))
		sa_log(LL_WARN, "contest %s: reveal counts unavailable", r->code);
}

static void reveal_later(crun *r, const live_state *st)
{
	r->reveal_st = *st;
	uv_timer_start(&r->reveal_timer, reveal_fire, REVEAL_SETTLE_MS, 0);
}

static void state_written(arena *a, void *res, const char *err, void *ud)
{
	host_req *h = ud;
	crun *r = h->r;
	(void)a;
	if (err) {
		sa_log(LL_WARN, "host command on %s failed: %s", r->code, err);
		host_reply(h, SA_E_UNAVAILABLE);
		return;
	}
	if (PQntuples(res) != 1) {
		live_reload(r); /* someone else won: follow them */
		host_reply(h, SA_E_CONFLICT);
		return;
	}
	h->st.seq = atoll(PQgetvalue(res, 0, 0));
	live_state st = h->st; /* h is freed by publish_state's reply */
	sa_log(LL_INFO, "contest %s: %s %d (seq %lld)", r->code, phase_name(h->st.phase), h->st.qindex + 1,
	       (long long)h->st.seq);
	publish_state(r, &h->st, NULL, h);
	if (st.phase == PHASE_REVEAL)
		reveal_later(r, &st);
}

static void open_question(const crun *r, live_state *st, int qi, int64_t now)
{
	st->phase = PHASE_QUESTION;
	st->qindex = qi;
	st->open_ms = now;
	st->deadline_ms = now + r->qs[qi].cq->time_limit_ms;
}

static int step_start(const crun *r, live_state *st, int64_t now)
{
	if (r->nq == 0)
		return SA_E_BAD_STATE;
	st->started_ms = now;
	open_question(r, st, 0, now);
	return 0;
}

static int step_next(const crun *r, live_state *st, int64_t now)
{
	if (st->qindex + 1 < r->nq)
		open_question(r, st, st->qindex + 1, now);
	else
		st->phase = PHASE_FINISHED;
	return 0;
}

static int step_reveal(const crun *r, live_state *st, int64_t now)
{
	(void)r;
	st->phase = PHASE_REVEAL;
	if (st->deadline_ms > now)
		st->deadline_ms = now; /* closes the question for every process */
	return 0;
}

static int step_end(const crun *r, live_state *st, int64_t now)
{
	(void)r;
	(void)now;
	st->phase = PHASE_FINISHED;
	return 0;
}

#define IN(p) (1u << (p))

/* The commands, by their HOST_* index (the message table's argument). */
static const struct host_cmd {
	unsigned phases; /* the phases it is allowed in */
	/* The next state from st, the current one: 0, or SA_E_BAD_STATE. */
	int (*step)(const crun *r, live_state *st, int64_t now);
} host_cmds[HOST_NCMDS] = {
	[HOST_START] = {IN(PHASE_LOBBY), step_start},
	[HOST_NEXT] = {IN(PHASE_QUESTION) | IN(PHASE_REVEAL), step_next},
	[HOST_REVEAL] = {IN(PHASE_QUESTION), step_reveal},
	[HOST_END] = {IN(PHASE_LOBBY) | IN(PHASE_QUESTION) | IN(PHASE_REVEAL), step_end},
};

int host_command(msg_ctx *x)
{
	conn *c = x->c;
	crun *r = c->run;
	live_state st = r->st;
	assert(x->arg >= 0 && x->arg < HOST_NCMDS);
	const struct host_cmd *cmd = &host_cmds[x->arg];
	int rc;

	if (!(cmd->phases & IN(st.phase)))
		return SA_E_BAD_STATE;
	if ((rc = cmd->step(r, &st, now_ms())))
		return rc;
	host_req *h = calloc(1, sizeof *h);
	if (!h)
		return SA_E_INTERNAL;
	h->c = c;
	h->r = r;
	h->st = st;
	if (x->rid)
		snprintf(h->rid, sizeof h->rid, "%s", x->rid);
	char cid[24], qi[16], om[24], dm[24], sm[24], seq[24];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(qi, sizeof qi, "%d", st.qindex);
	snprintf(om, sizeof om, "%lld", (long long)st.open_ms);
	snprintf(dm, sizeof dm, "%lld", (long long)st.deadline_ms);
	snprintf(sm, sizeof sm, "%lld", (long long)st.started_ms);
	snprintf(seq, sizeof seq, "%lld", (long long)r->st.seq);
	const char *p[8] = {cid, phase_name(st.phase), qi, om, dm, sm, seq};
	conn_ref(c); /* first: a query that fails at once is answered at once */
	if ((rc = store_query(c->a,
			      "UPDATE contests SET phase = $2, qindex = $3, open_ms = $4, deadline_ms = $5, "
			      "started_ms = $6, seq = seq + 1, updated_at = now() WHERE id = $1 AND seq = $7 "
			      "RETURNING seq",
			      7, p, state_written, h))) {
		conn_unref(c);
		free(h);
		return rc;
	}
	return 0;
}
