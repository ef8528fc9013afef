/*
 * live.c - each contest's live state on this process, and its pushes.
 *
 * The state (phase, open question, its open time and deadline, seq) lives
 * in PostgreSQL's contests row; host.c changes it there (optimistic lock on
 * seq) and publishes it on the Redis event channel; every process applies
 * it here (live_apply) and pushes `state`, `question` and `reveal` to its own
 * connections. A state is applied only when its seq is newer, so the
 * publisher's own copy and a reload from PostgreSQL are harmless repeats.
 *
 * Deadlines are absolute server-clock times (epoch ms) carried in the state,
 * so every process closes a question at the same moment whichever process
 * opened it; answers are judged by their own receive time, not by the timer.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/fanout.h"
#include "live/live.h"
#include "live/phase.h"
#include "live/run.h"
#include "net/frame.h"
#include "net/ws.h"
#include "store/store.h"

int live_question_open(crun *r, int qindex, int64_t at_ms)
{
	return r->st.phase == PHASE_QUESTION && r->st.qindex == qindex && at_ms <= r->st.deadline_ms &&
	       !r->st.paused_ms;
}

int64_t live_reveal_settle_ms(const crun *r)
{
	int credit = r->a->cfg.rtt_ping_ms > 0 ? r->a->cfg.rtt_credit_max_ms : 0;
	return LIVE_REVEAL_SETTLE_MS + (credit > 0 ? credit : 0);
}

/* The time left of the open question: frozen while paused, 0 once closed. */
static int64_t time_left(const crun *r, int64_t now)
{
	int64_t left = r->st.deadline_ms - (r->st.paused_ms ? r->st.paused_ms : now);
	return r->st.phase == PHASE_QUESTION && left > 0 ? left : 0;
}

cJSON *live_state_msg(crun *r)
{
	cJSON *o = cJSON_CreateObject();
	int64_t now = now_ms();
	cJSON_AddStringToObject(o, "type", "state");
	cJSON_AddStringToObject(o, "phase", phase_name(r->st.phase));
	cJSON_AddNumberToObject(o, "index", r->st.qindex);
	cJSON_AddNumberToObject(o, "count", r->nq);
	if (r->st.qindex >= 0 && r->st.qindex < r->nq)
		cJSON_AddStringToObject(o, "question_id", r->qs[r->st.qindex].cq->id);
	else
		cJSON_AddNullToObject(o, "question_id");
	cJSON_AddBoolToObject(o, "open", live_question_open(r, r->st.qindex, now));
	cJSON_AddNumberToObject(o, "deadline", (double)r->st.deadline_ms);
	cJSON_AddNumberToObject(o, "server_time", (double)now);
	cJSON_AddBoolToObject(o, "paused", r->st.paused_ms != 0);
	if (r->st.paused_ms)
		cJSON_AddNumberToObject(o, "remaining_ms", (double)time_left(r, now));
	cJSON_AddBoolToObject(o, "board_hidden", r->st.board_hidden);
	cJSON_AddNumberToObject(o, "seq", (double)r->st.seq);
	return o;
}

/* s as a JSON string with its quotes; s is at most 64 bytes (a rid), so out
 * (6 bytes per input byte + 3) always holds it. */
static void json_quote(char *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p < 0x20) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		} else
			*o++ = (char)*p;
	}
	*o++ = '"';
	*o = '\0';
}

/*
 * A contest that shows points at the reveal acknowledges an answer as
 * received, nothing more: neither its points nor whether it was right, nor
 * the new total or rank (a neighbour reading the phone would learn the key).
 */
frame *live_ack_frame(const crun *r, const live_ack *k)
{
	char rq[6 * 64 + 16] = "", feedback[160] = "", pts[32], sc[32], rk[24] = "null";
	if (k->rid && strlen(k->rid) <= 64) {
		memcpy(rq, "\"rid\":", 6);
		json_quote(rq + 6, k->rid);
		strcat(rq, ",");
	}
	if (r->def->feedback_instant) {
		frame_points(pts, sizeof pts, k->points);
		frame_points(sc, sizeof sc, k->score);
		if (k->rank > 0)
			snprintf(rk, sizeof rk, "%lld", (long long)k->rank);
		snprintf(feedback, sizeof feedback, "\"points\":%s,\"score\":%s,\"rank\":%s,\"tied\":%s,",
			 pts, sc, rk, k->tied ? "true" : "false");
	}
	return frame_printf("{\"type\":\"ack\",%s\"question_id\":%s,\"accepted\":true,%s\"players\":%lld,"
			    "\"duplicate\":%s}",
			    rq, r->qs[k->qi].id_json, feedback, (long long)r->players,
			    k->duplicate ? "true" : "false");
}

cJSON *live_ack_msg(const crun *r, const live_ack *k)
{
	frame *f = live_ack_frame(r, k);
	cJSON *o = f ? cJSON_ParseWithLength(frame_text(f), f->len) : NULL;
	frame_unref(f);
	return o;
}

cJSON *live_question_msg(crun *r, const answer_memo *memo, int64_t score_milli)
{
	int qi = r->st.qindex;
	if (qi < 0 || qi >= r->nq || (r->st.phase != PHASE_QUESTION && r->st.phase != PHASE_REVEAL))
		return NULL;
	cJSON *o = cJSON_Duplicate(r->qs[qi].public_msg, 1);
	int64_t now = now_ms();
	cJSON_AddNumberToObject(o, "remaining_ms", (double)time_left(r, now));
	cJSON_AddNumberToObject(o, "deadline", (double)r->st.deadline_ms);
	cJSON_AddNumberToObject(o, "server_time", (double)now);
	if (memo && memo->qindex == qi && memo->canonical) {
		live_ack k = {.qi = qi, .points = memo->points_milli, .score = score_milli, .duplicate = 1};
		cJSON_AddItemToObject(o, "answered", live_ack_msg(r, &k));
	} else
		cJSON_AddNullToObject(o, "answered");
	return o;
}

void live_send_snapshot(conn *c)
{
	crun *r = c->run;
	cJSON *q;
	conn_send_json(c, live_state_msg(r));
	if ((q = live_question_msg(r, c->role == ROLE_PLAYER ? &c->memo : NULL, c->score_milli)))
		conn_send_json(c, q);
	if (r->st.phase == PHASE_REVEAL && r->reveal_frame)
		conn_send(c, r->reveal_frame);
}

static frame *frame_from_json_del(cJSON *obj)
{
	frame *f = obj ? frame_from_json(obj) : NULL;
	cJSON_Delete(obj);
	return f;
}

static void push_all(crun *r, cJSON *obj)
{
	frame *f = frame_from_json(obj);
	cJSON_Delete(obj);
	if (f) {
		fanout_push(r, f, -1);
		frame_unref(f);
	}
}

static void on_deadline(uv_timer_t *t)
{
	crun *r = t->data;
	int64_t left = r->st.deadline_ms - now_ms();
	if (left >= 0) { /* the loop's clock ran ahead of the wall clock: not yet */
		uv_timer_start(&r->deadline_timer, on_deadline, (uint64_t)left + 1, 0);
		return;
	}
	r->open = 0;
	push_all(r, live_state_msg(r));
}

void live_apply(crun *r, const live_state *st, const cJSON *reveal)
{
	if (r->retired || (st->seq <= r->st.seq && !(st->seq == r->st.seq && reveal && !r->reveal_frame)))
		return;
	assert(st->seq >= r->st.seq); /* states apply in seq order, never back */
	live_state old = r->st;
	int same = st->seq == old.seq;
	int question_changed = st->qindex != old.qindex;
	/* the question (again) with the state: a new one, or its clock moved (pause, resume, extend) */
	int with_question = st->phase == PHASE_QUESTION &&
			    (old.phase != PHASE_QUESTION || question_changed || st->open_ms != old.open_ms ||
			     st->deadline_ms != old.deadline_ms || st->paused_ms != old.paused_ms);
	r->st = *st;
	if (question_changed) {
		r->answered = 0;
		r->stats_dirty = 1;
		frame_unref(r->reveal_frame);
		r->reveal_frame = NULL;
		frame_unref(r->pending_frame); /* the hosts' list of another question (pending.c) */
		r->pending_frame = NULL;
	}
	if (reveal) {
		frame_unref(r->reveal_frame);
		r->reveal_frame = frame_from_json(reveal);
	}
	uv_timer_stop(&r->deadline_timer);
	r->open = 0;
	if (r->st.phase == PHASE_QUESTION && !r->st.paused_ms) {
		int64_t left = r->st.deadline_ms - now_ms();
		r->open = left >= 0;
		if (left >= 0)
			uv_timer_start(&r->deadline_timer, on_deadline, (uint64_t)left + 1, 0);
	}
	if (!same && with_question) {
		/* state and question travel together: one shared buffer, one send per client */
		frame *parts[2] = {frame_from_json_del(live_state_msg(r)),
				   frame_from_json_del(live_question_msg(r, NULL, 0))};
		frame *f = parts[0] && parts[1] ? frame_pack(parts, 2) : NULL;
		if (f)
			fanout_push(r, f, -1);
		frame_unref(f);
		frame_unref(parts[0]);
		frame_unref(parts[1]);
	} else if (!same)
		push_all(r, live_state_msg(r));
	if (!same && old.board_hidden && !st->board_hidden)
		board_to_screens(r); /* the board they did not get while it was hidden */
	switch (r->st.phase) {
	case PHASE_QUESTION:
		break;
	case PHASE_REVEAL:
		/* The answer (and everyone's rank) once its counts are known: see host.c. */
		if (reveal && r->reveal_frame) {
			/* players get it with their rank, in one write each */
			fanout_push(r, r->reveal_frame, ~(1 << ROLE_PLAYER));
			board_reveal_ranks(r, r->reveal_frame);
		}
		break;
	case PHASE_FINISHED:
		if (!same)
			board_reveal_ranks(r, NULL);
		break;
	default:
		break;
	}
}

char *live_event_json(crun *r, const live_state *st, const cJSON *reveal)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "ev", "state");
	cJSON_AddStringToObject(e, "code", r->code);
	cJSON_AddStringToObject(e, "phase", phase_name(st->phase));
	cJSON_AddNumberToObject(e, "qindex", st->qindex);
	cJSON_AddNumberToObject(e, "open_ms", (double)st->open_ms);
	cJSON_AddNumberToObject(e, "deadline_ms", (double)st->deadline_ms);
	cJSON_AddNumberToObject(e, "started_ms", (double)st->started_ms);
	cJSON_AddNumberToObject(e, "paused_ms", (double)st->paused_ms);
	cJSON_AddBoolToObject(e, "board_hidden", st->board_hidden);
	cJSON_AddNumberToObject(e, "seq", (double)st->seq);
	if (reveal)
		cJSON_AddItemReferenceToObject(e, "reveal", (cJSON *)reveal);
	char *s = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	return s;
}

/* ------------------------------------------------------------ reveal data */

typedef struct reveal_req {
	crun *r; /* referenced */
	live_state st;
	void (*done)(crun *r, const live_state *st, cJSON *reveal, void *ud);
	void *ud;
} reveal_req;

static void reveal_rows(arena *a, void *res, const char *err, void *ud)
{
	reveal_req *q = ud;
	crun *r = q->r;
	int qi = q->st.qindex;
	(void)a;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "reveal");
	cJSON_AddStringToObject(o, "question_id", r->qs[qi].cq->id);
	cJSON_AddNumberToObject(o, "index", qi);
	cJSON_AddItemToObject(o, "answer", cJSON_Duplicate(r->qs[qi].reveal_answer, 1));
	if (r->qs[qi].explanation)
		cJSON_AddItemToObject(o, "explanation", cJSON_Duplicate(r->qs[qi].explanation, 1));
	else
		cJSON_AddNullToObject(o, "explanation");
	int nopt = r->qs[qi].noptions;
	int64_t counts[3] = {0, 0, 0}, answered = 0;
	int64_t *dist = calloc((size_t)(nopt > 0 ? nopt : 1), sizeof *dist);
	if (!dist)
		nopt = 0; /* out of memory: the reveal goes without its distribution */
	for (int i = 0; !err && res && i < PQntuples(res); i++) {
		const char *k = store_text(res, i, 0);
		int64_t v, n;
		if (!k || store_int(res, i, 1, 0, INT32_MAX, &v) || store_int(res, i, 2, 0, INT64_MAX, &n))
			continue; /* a NULL option in a stored array, or worse: not counted */
		if (k[0] == 'o' && v < nopt)
			dist[v] = n;
		else if (k[0] == 'c' && v <= 2) {
			counts[v] = n;
			answered += n;
		}
	}
	if (nopt > 0) {
		cJSON *d = cJSON_AddArrayToObject(o, "distribution");
		for (int i = 0; i < nopt; i++)
			cJSON_AddItemToArray(d, cJSON_CreateNumber((double)dist[i]));
	} else
		cJSON_AddNullToObject(o, "distribution");
	free(dist);
	cJSON *res_o = cJSON_AddObjectToObject(o, "results");
	cJSON_AddNumberToObject(res_o, "correct", (double)counts[SCORE_CORRECT]);
	cJSON_AddNumberToObject(res_o, "partial", (double)counts[SCORE_PARTIAL]);
	cJSON_AddNumberToObject(res_o, "wrong", (double)counts[SCORE_WRONG]);
	cJSON_AddNumberToObject(o, "answered", (double)answered);
	cJSON_AddNumberToObject(o, "players", (double)r->players);
	if (err)
		sa_log(LL_WARN, "reveal counts of %s failed: %s", r->code, err);
	if (!r->retired)
		q->done(r, &q->st, o, q->ud);
	cJSON_Delete(o);
	run_unref(r);
	free(q);
}

/* Builds the `reveal` message for st's question from PostgreSQL's answers. */
int live_fetch_reveal(crun *r, const live_state *st,
		      void (*done)(crun *r, const live_state *st, cJSON *reveal, void *ud), void *ud)
{
	char cid[24], qi[16];
	if (st->qindex < 0 || st->qindex >= r->nq)
		return SA_E_INVALID_FIELD;
	reveal_req *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	int rc;
	q->r = r;
	run_ref(r);
	q->st = *st;
	q->done = done;
	q->ud = ud;
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(qi, sizeof qi, "%d", st->qindex);
	const char *p[2] = {cid, qi};
	if ((rc = store_query(
		     r->a,
		     /* the answers of participants the host removed are not counted */
		     "SELECT 'o', o, count(*) FROM answers a "
		     "JOIN participants p ON p.id = a.participant_id AND NOT p.removed, unnest(a.options) o "
		     "WHERE a.contest_id = $1 AND a.question_idx = $2 GROUP BY o "
		     "UNION ALL SELECT 'c', a.correctness, count(*) FROM answers a "
		     "JOIN participants p ON p.id = a.participant_id AND NOT p.removed "
		     "WHERE a.contest_id = $1 AND a.question_idx = $2 GROUP BY a.correctness",
		     2, p, reveal_rows, q))) {
		run_unref(r);
		free(q);
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ states read from PostgreSQL */

static void follow_applied(crun *r, const live_state *st, cJSON *reveal, void *ud)
{
	(void)ud;
	live_apply(r, st, reveal);
}

void live_follow(crun *r, const live_state *st)
{
	/* A reveal this process has not shown yet: its counts first, as the host's process
	 * does, once the answers received before the close are committed; until then (the
	 * host's process publishes them then, or a later read fetches them) the question closes. */
	if (st->phase == PHASE_REVEAL && (st->seq > r->st.seq || !r->reveal_frame) &&
	    now_ms() >= st->deadline_ms + live_reveal_settle_ms(r) &&
	    !live_fetch_reveal(r, st, follow_applied, NULL))
		return;
	live_apply(r, st, NULL);
}

void live_attach(crun *r)
{
	live_state st = r->st;
	run_attach(r);
	r->st.seq = -1; /* apply what PostgreSQL said, whatever its seq */
	live_follow(r, &st);
}
