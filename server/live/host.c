/*
 * host.c - the organizer's controls and the read-only screens.
 *
 * `host` checks the organizer token; `start`, `next`, `reveal` and `end`
 * compute the next live state from this process' view, write it to
 * PostgreSQL only if nobody changed it meanwhile (UPDATE ... WHERE seq = the
 * seq we saw), then publish it on the Redis event channel so every process
 * pushes it to its own players. A losing concurrent host gets `conflict`.
 * `watch` makes a connection a screen: it only receives pushes.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/host.h"
#include "live/live.h"
#include "live/members.h"
#include "live/phase.h"
#include "live/run.h"
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

static void viewer_welcome(conn *c, crun *r, const char *type, const char *rid)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	if (rid)
		cJSON_AddStringToObject(o, "rid", rid);
	cJSON_AddItemReferenceToObject(o, "contest", r->info);
	conn_send_json(c, o);
	live_send_snapshot(c);
	board_send_stats(c);
	if (r->lb_frame)
		conn_send_slot(c, &c->slot_lb, r->lb_frame);
	if (r->units_frame)
		conn_send(c, r->units_frame);
}

static crun *find_run_field(msg_ctx *x, int *rc)
{
	const char *jcode = msg_string(x, "code", 1, rc);
	if (*rc)
		return NULL;
	crun *r = run_find(x->c->a, jcode);
	if (!r)
		*rc = SA_E_UNKNOWN_CONTEST;
	return r;
}

int host_auth(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = find_run_field(x, &rc);
	const char *token = msg_string(x, "token", 1, &rc);
	if (rc)
		return rc;
	if (!c->a->cfg.organizer_token || !*c->a->cfg.organizer_token ||
	    !auth_token_equal(c->a->cfg.organizer_token, token))
		return SA_E_FORBIDDEN;
	c->role = ROLE_HOST;
	members_add(r, c);
	viewer_welcome(c, r, "host_ok", x->rid);
	return 0;
}

int screen_watch(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = find_run_field(x, &rc);
	if (rc)
		return rc;
	c->role = ROLE_SCREEN;
	members_add(r, c);
	viewer_welcome(c, r, "watching", x->rid);
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

static void open_question(crun *r, live_state *st, int qi, int64_t now)
{
	st->phase = PHASE_QUESTION;
	st->qindex = qi;
	st->open_ms = now;
	st->deadline_ms = now + r->qs[qi].cq->time_limit_ms;
}

int host_command(msg_ctx *x)
{
	conn *c = x->c;
	crun *r = c->run;
	const char *cmd = cJSON_GetObjectItemCaseSensitive(x->m, "type")->valuestring;
	live_state st = r->st;
	int64_t now = now_ms();

	if (!strcmp(cmd, "start")) {
		if (st.phase != PHASE_LOBBY || r->nq == 0)
			return SA_E_BAD_STATE;
		st.started_ms = now;
		open_question(r, &st, 0, now);
	} else if (!strcmp(cmd, "next")) {
		if (st.phase != PHASE_QUESTION && st.phase != PHASE_REVEAL)
			return SA_E_BAD_STATE;
		if (st.qindex + 1 < r->nq)
			open_question(r, &st, st.qindex + 1, now);
		else
			st.phase = PHASE_FINISHED;
	} else if (!strcmp(cmd, "reveal")) {
		if (st.phase != PHASE_QUESTION)
			return SA_E_BAD_STATE;
		st.phase = PHASE_REVEAL;
		if (st.deadline_ms > now)
			st.deadline_ms = now; /* closes the question for every process */
	} else if (!strcmp(cmd, "end")) {
		if (st.phase == PHASE_FINISHED)
			return SA_E_BAD_STATE;
		st.phase = PHASE_FINISHED;
	} else
		return SA_E_UNKNOWN_TYPE;

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
	if (store_query(c->a,
			"UPDATE contests SET phase = $2, qindex = $3, open_ms = $4, deadline_ms = $5, "
			"started_ms = $6, seq = seq + 1, updated_at = now() WHERE id = $1 AND seq = $7 "
			"RETURNING seq",
			7, p, state_written, h)) {
		free(h);
		return SA_E_UNAVAILABLE;
	}
	conn_ref(c);
	return 0;
}
