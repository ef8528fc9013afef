/*
 * result.c - the end of an attempt and what follows it.
 *
 * An attempt ends once, in PostgreSQL (attempt_finish): by the participant's
 * `submit`, or at its deadline by a sweeper (sweep.c), or when a start finds
 * it overdue (attempt.c). The saved answers were scored by the engine when
 * they were saved; the end adds them up, counts the participant's best (or
 * last) attempt into participants.score_milli and its duration into
 * reached_ds, and returns that row. Then Redis follows (result_ended): the
 * contest's sorted set gets the counted result (absolute, from PostgreSQL:
 * replaying it is harmless), and a mass contest's day board the attempt's
 * result if it beats the participant's best of that day (ZADD GT).
 *
 * `result` shows what the contest allows (attempts.show_results, show_key,
 * show_score): everything at once, after the window closes, or never.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/mass.h"
#include "live/members.h"
#include "live/paper.h"
#include "live/result.h"
#include "live/run.h"
#include "live/selfpaced.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/store.h"

static void num(char *buf, size_t n, int64_t v) { snprintf(buf, n, "%lld", (long long)v); }

int result_visible(const crun *r, int64_t now)
{
	const char *when = r->def->show_results ? r->def->show_results : "submit";
	if (!strcmp(when, "submit"))
		return 1;
	return !strcmp(when, "window") && r->pool && now >= r->pool->closes_ms;
}

int result_score_visible(const crun *r, int64_t now) { return r->def->show_score || result_visible(r, now); }

crun *result_run_of(arena *a, int64_t contest_id)
{
	for (int i = 0; i < a->nruns; i++)
		if (a->runs[i]->contest_id == contest_id)
			return a->runs[i];
	return NULL;
}

/* ------------------------------------------------------------ the end */

/* Columns of attempt_end (server/sql/005_attempts.sql). */
enum {
	E_ID,
	E_CID,
	E_PID,
	E_NO,
	E_DAY,
	E_STATUS,
	E_START,
	E_DEADLINE,
	E_END,
	E_SCORE,
	E_MAX,
	E_CORRECT,
	E_ANSWERED,
	E_COUNT,
	E_DUR,
	E_CSCORE,
	E_CDS
};

void result_ended(arena *a, void *res, int i, int push)
{
	crun *r = result_run_of(a, atoll(PQgetvalue(res, i, E_CID)));
	int64_t id = atoll(PQgetvalue(res, i, E_ID)), pid = atoll(PQgetvalue(res, i, E_PID));
	if (!r)
		return; /* a contest this process does not serve: the next rebuild brings Redis up to date */
	char key[256], member[24], z[32];
	lb_member(member, sizeof member, pid);
	snprintf(z, sizeof z, "%.17g",
		 lb_zscore(atoll(PQgetvalue(res, i, E_CSCORE)), atoll(PQgetvalue(res, i, E_CDS))));
	lb_key(a, key, sizeof key, r, "lb");
	lb_command(a, NULL, NULL, "ZADD %s %s %s", key, z, member);
	if (r->mode == MODE_MASS)
		mass_attempt_ended(r, pid, PQgetvalue(res, i, E_DAY), atoll(PQgetvalue(res, i, E_SCORE)),
				   atoll(PQgetvalue(res, i, E_DUR)));
	conn *c = members_find_player(r, pid);
	if (!c || !c->sp || c->sp->attempt_id != id)
		return;
	c->sp->closed = 1;
	if (push && !c->sp->notified && !result_send(c, id, NULL))
		c->sp->notified = 1;
	else if (!push)
		c->sp->notified = 1;
}

typedef struct end_req {
	conn *c;
	result_end_cb done;
	void *ud;
} end_req;

static void end_rows(arena *a, void *res, const char *err, void *ud)
{
	end_req *e = ud;
	if (err)
		sa_log(LL_WARN, "an attempt could not be ended: %s", err);
	else
		for (int i = 0; i < PQntuples(res); i++)
			result_ended(a, res, i, 0);
	e->done(e->c, err ? SA_E_UNAVAILABLE : 0, e->ud);
	conn_unref(e->c);
	free(e);
}

int result_end(conn *c, crun *r, int64_t id, const char *status, result_end_cb done, void *ud)
{
	char aid[24], pid[24], at[24];
	end_req *e = calloc(1, sizeof *e);
	int rc;
	(void)r;
	if (!e)
		return SA_E_INTERNAL;
	e->c = c;
	e->done = done;
	e->ud = ud;
	num(aid, sizeof aid, id);
	num(pid, sizeof pid, c->pid);
	num(at, sizeof at, now_ms());
	const char *p[4] = {aid, pid, status, at};
	conn_ref(c);
	/* The function runs only for the participant's own attempt (the lateral row). */
	if ((rc = store_query(c->a,
			      "SELECT f.* FROM attempts t, attempt_finish(t.id, $3, $4) f "
			      "WHERE t.id = $1 AND t.participant_id = $2 AND t.status = 'open'",
			      4, p, end_rows, e))) {
		conn_unref(c);
		free(e);
	}
	return rc;
}

/* ------------------------------------------------------------ the result message */

typedef struct res_req {
	conn *c;
	int64_t id;
	char rid[65];
	cJSON *msg; /* built, waiting for the rank */
	int push;   /* not asked for (the sweeper's end): failures are not answered */
} res_req;

enum {
	R_NO,
	R_STATUS,
	R_START,
	R_DEADLINE,
	R_END,
	R_DUR,
	R_SCORE,
	R_MAX,
	R_CORRECT,
	R_ANSWERED,
	R_COUNT,
	R_PAPER,
	R_ANSWERS,
	R_COUNTED
};

#define RESULT_SQL(order)                                                                                     \
	"SELECT t.attempt_no, t.status, t.started_ms, t.deadline_ms, t.submitted_ms, t.duration_ms, "         \
	"t.score_milli, t.max_milli, t.correct, t.answered, t.count, t.paper, "                               \
	"(SELECT coalesce(json_agg(json_build_array(x.question_idx, x.given, x.points_milli, x.correctness, " \
	" x.response IS NOT NULL)), '[]') FROM attempt_answers x WHERE x.attempt_id = t.id), "                \
	"(SELECT json_build_array(b.attempt_no, b.score_milli, b.duration_ms) FROM attempts b "               \
	" WHERE b.participant_id = t.participant_id AND b.status <> 'open' ORDER BY " order " LIMIT 1) "      \
	"FROM attempts t WHERE t.id = $1 AND t.participant_id = $2"
static const char result_best_sql[] = RESULT_SQL("b.score_milli DESC, b.duration_ms, b.attempt_no");
static const char result_last_sql[] = RESULT_SQL("b.attempt_no DESC");

static void res_free(res_req *q)
{
	conn_unref(q->c);
	cJSON_Delete(q->msg);
	free(q);
}

static const char *const correctness_names[] = {"wrong", "partial", "correct"};

/* items: per question of the paper, what was answered and the key. */
static cJSON *result_items(const crun *r, const paper *p, const char *answers_json)
{
	const paper_pool *pp = r->pool;
	cJSON *rows = cJSON_Parse(answers_json ? answers_json : "[]"), *row;
	cJSON *items = cJSON_CreateArray();
	for (int i = 0; i < p->n; i++) {
		const paper_q *q = &pp->qs[p->s[i].q];
		cJSON *e = cJSON_CreateObject(), *given = NULL;
		int64_t pts = 0;
		int corr = -1;
		cJSON_ArrayForEach(row, rows)
		{
			if (cJSON_GetArraySize(row) == 5 && cJSON_GetArrayItem(row, 0)->valueint == i &&
			    cJSON_IsTrue(cJSON_GetArrayItem(row, 4))) {
				given = cJSON_GetArrayItem(row, 1);
				pts = (int64_t)cJSON_GetArrayItem(row, 2)->valuedouble;
				corr = cJSON_GetArrayItem(row, 3)->valueint;
			}
		}
		cJSON_AddNumberToObject(e, "index", i);
		cJSON_AddStringToObject(e, "id", q->it->q.id);
		cJSON_AddItemToObject(e, "response", given ? cJSON_Duplicate(given, 1) : cJSON_CreateNull());
		cJSON_AddItemToObject(e, "answer", paper_key_shown(pp, p, i));
		cJSON_AddNumberToObject(e, "points", (double)pts / 1000.0);
		cJSON_AddNumberToObject(e, "max", (double)q->max_milli / 1000.0);
		cJSON_AddStringToObject(e, "correctness",
					corr >= 0 && corr <= 2 ? correctness_names[corr] : "unanswered");
		cJSON_AddItemToObject(e, "explanation",
				      q->explanation ? cJSON_Duplicate(q->explanation, 1)
						     : cJSON_CreateNull());
		cJSON_AddItemToArray(items, e);
	}
	cJSON_Delete(rows);
	return items;
}

/* The score fields, or nulls while the contest hides them. */
static void add_score(cJSON *o, const crun *r, void *res, int score_visible)
{
	if (!score_visible) {
		const char *names[] = {"score", "max", "correct", "percent", "passed", "counted"};
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			cJSON_AddNullToObject(o, names[k]);
		return;
	}
	int64_t score = atoll(PQgetvalue(res, 0, R_SCORE)), max = atoll(PQgetvalue(res, 0, R_MAX));
	double percent = max > 0 ? 100.0 * (double)score / (double)max : 0;
	cJSON_AddNumberToObject(o, "score", (double)score / 1000.0);
	cJSON_AddNumberToObject(o, "max", (double)max / 1000.0);
	cJSON_AddNumberToObject(o, "correct", atoi(PQgetvalue(res, 0, R_CORRECT)));
	cJSON_AddNumberToObject(o, "percent", (double)(int64_t)(percent * 100 + 0.5) / 100.0);
	if (r->def->pass_mark >= 0)
		cJSON_AddBoolToObject(o, "passed", contest_passed(r->def, percent));
	else
		cJSON_AddNullToObject(o, "passed");
	cJSON *cnt = PQgetisnull(res, 0, R_COUNTED) ? NULL : cJSON_Parse(PQgetvalue(res, 0, R_COUNTED));
	if (cJSON_GetArraySize(cnt) == 3) {
		cJSON *c = cJSON_AddObjectToObject(o, "counted");
		cJSON_AddNumberToObject(c, "attempt_no", cJSON_GetArrayItem(cnt, 0)->valuedouble);
		cJSON_AddNumberToObject(c, "score", cJSON_GetArrayItem(cnt, 1)->valuedouble / 1000.0);
		cJSON_AddNumberToObject(c, "duration_ms", cJSON_GetArrayItem(cnt, 2)->valuedouble);
	} else
		cJSON_AddNullToObject(o, "counted");
	cJSON_Delete(cnt);
}

static cJSON *result_msg(res_req *q, const crun *r, void *res, int64_t now)
{
	int visible = result_visible(r, now), score_visible = result_score_visible(r, now);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "result");
	if (q->rid[0])
		cJSON_AddStringToObject(o, "rid", q->rid);
	cJSON_AddNumberToObject(o, "attempt_id", (double)q->id);
	cJSON_AddNumberToObject(o, "attempt_no", atoi(PQgetvalue(res, 0, R_NO)));
	cJSON_AddStringToObject(o, "status", PQgetvalue(res, 0, R_STATUS));
	cJSON_AddNumberToObject(o, "started", (double)atoll(PQgetvalue(res, 0, R_START)));
	cJSON_AddNumberToObject(o, "submitted", (double)atoll(PQgetvalue(res, 0, R_END)));
	cJSON_AddNumberToObject(o, "duration_ms", (double)atoll(PQgetvalue(res, 0, R_DUR)));
	cJSON_AddNumberToObject(o, "server_time", (double)now);
	cJSON_AddNumberToObject(o, "count", atoi(PQgetvalue(res, 0, R_COUNT)));
	cJSON_AddNumberToObject(o, "answered", atoi(PQgetvalue(res, 0, R_ANSWERED)));
	cJSON_AddBoolToObject(o, "visible", visible);
	if (!visible) {
		const char *when = r->def->show_results ? r->def->show_results : "submit";
		if (!strcmp(when, "window"))
			cJSON_AddNumberToObject(o, "results_at", (double)r->pool->closes_ms);
		else
			cJSON_AddNullToObject(o, "results_at");
	}
	add_score(o, r, res, score_visible);
	cJSON_AddStringToObject(o, "counts", r->def->attempts_last ? "last" : "best");
	paper *p = visible && r->def->show_key ? paper_parse(r->pool, PQgetvalue(res, 0, R_PAPER)) : NULL;
	if (p)
		cJSON_AddItemToObject(o, "items", result_items(r, p, PQgetvalue(res, 0, R_ANSWERS)));
	else
		cJSON_AddNullToObject(o, "items");
	paper_free(p);
	return o;
}

static void res_rank(arena *a, void *reply, void *ud)
{
	res_req *q = ud;
	redisReply *rr = reply;
	(void)a;
	if (q->c->wsi && q->push && q->c->sp && q->c->sp->attempt_id == q->id) {
		q->c->sp->closed = 1;
		q->c->sp->notified = 1;
	}
	if (q->c->wsi && q->push && q->c->sp) {
		if (q->c->sp->result_pushed == q->id) /* another fetch pushed it already */
			return res_free(q);
		q->c->sp->result_pushed = q->id;
	}
	if (q->c->wsi) {
		if (rr && rr->type == REDIS_REPLY_INTEGER)
			cJSON_ReplaceItemInObjectCaseSensitive(q->msg, "rank",
							       cJSON_CreateNumber((double)(rr->integer + 1)));
		conn_send_json(q->c, q->msg);
		q->msg = NULL;
	}
	res_free(q);
}

static void res_row(arena *a, void *res, const char *err, void *ud)
{
	res_req *q = ud;
	conn *c = q->c;
	const char *rid = q->rid[0] ? q->rid : NULL;
	if (!c->wsi || !c->run)
		return res_free(q);
	if (err || PQntuples(res) != 1 || !strcmp(PQgetvalue(res, 0, R_STATUS), "open")) {
		if (!q->push)
			conn_send_error(c,
					err                   ? SA_E_UNAVAILABLE
					: PQntuples(res) != 1 ? SA_E_NOT_FOUND
							      : SA_E_BAD_STATE,
					rid, err ? NULL : "attempt_id");
		return res_free(q);
	}
	crun *r = c->run;
	int64_t now = now_ms();
	q->msg = result_msg(q, r, res, now);
	cJSON_AddNullToObject(q->msg, "rank");
	if (!result_score_visible(r, now))
		return res_rank(a, NULL, q);
	char key[256], member[24];
	lb_key(a, key, sizeof key, r, "lb");
	lb_member(member, sizeof member, c->pid);
	if (lb_command(a, res_rank, q, "ZREVRANK %s %s", key, member))
		res_rank(a, NULL, q);
}

static int result_fetch(conn *c, int64_t id, const char *rid, int push)
{
	char aid[24], pid[24];
	res_req *q = calloc(1, sizeof *q);
	int rc;
	if (!q)
		return SA_E_INTERNAL;
	q->c = c;
	q->id = id;
	q->push = push;
	if (rid)
		snprintf(q->rid, sizeof q->rid, "%s", rid);
	num(aid, sizeof aid, id);
	num(pid, sizeof pid, c->pid);
	const char *p[2] = {aid, pid};
	conn_ref(c);
	if ((rc = store_query(c->a, c->run->def->attempts_last ? result_last_sql : result_best_sql, 2, p,
			      res_row, q))) {
		conn_unref(c);
		free(q);
	}
	return rc;
}

int result_send(conn *c, int64_t id, const char *rid) { return result_fetch(c, id, rid, 1); }

/* ------------------------------------------------------------ submit, attempt_result */

typedef struct submit_req {
	int64_t id;
	char rid[65];
} submit_req;

static void submitted(conn *c, int rc, void *ud)
{
	submit_req *s = ud;
	const char *rid = s->rid[0] ? s->rid : NULL;
	if (c->wsi) {
		if (c->sp && c->sp->attempt_id == s->id) {
			c->sp->closed = 1;
			c->sp->notified = 1;
		}
		if (rc || (rc = result_fetch(c, s->id, rid, 0)))
			conn_send_error(c, rc, rid, NULL);
	}
	free(s);
}

int result_submit(msg_ctx *x)
{
	conn *c = x->c;
	int64_t id;
	int rc = selfpaced_int_field(x, "attempt_id", 1, INT64_MAX / 2, &id);
	if (rc) {
		conn_send_error(c, rc, x->rid, "attempt_id");
		return 0;
	}
	if (c->a->stopping)
		return SA_E_UNAVAILABLE;
	submit_req *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->id = id;
	if (x->rid)
		snprintf(s->rid, sizeof s->rid, "%s", x->rid);
	/* Ended already, or not this participant's: the result query tells which. */
	if ((rc = result_end(c, c->run, id, "submitted", submitted, s)))
		free(s);
	return rc;
}

int result_get(msg_ctx *x)
{
	int64_t id;
	int rc = selfpaced_int_field(x, "attempt_id", 1, INT64_MAX / 2, &id);
	if (rc) {
		conn_send_error(x->c, rc, x->rid, "attempt_id");
		return 0;
	}
	return result_fetch(x->c, id, x->rid, 0);
}
