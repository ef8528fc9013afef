/*
 * save.c - answers of an attempt in progress: `save`, `flag`, `review`.
 *
 * A save names its attempt, the question's index on the paper, the
 * response in the order the participant sees the options, and the page's
 * change number for that question. It is checked against the attempt this
 * connection holds (attempt.c: its own, open, before its deadline by the
 * server clock, the index on its paper), mapped to the pool question's
 * option order, scored by the engine (no time factor: a self-paced paper has
 * no per-question clock) and queued for the group commit (store/commit.c).
 * One statement then stores a batch:
 *
 *   ok   the attempts still open, locked FOR SHARE: an attempt ends
 *        (attempt_finish's UPDATE) only after the saves holding it committed,
 *        and a save arriving after the end finds it closed
 *   chg  every change once (answer_changes' primary key: a retry is a no-op)
 *   cur  the change with the highest number becomes the question's answer
 *   rows per save: 'i' stored, 'e' that change number was stored before
 *        (same response: a duplicate; another: conflict), 'c' the attempt
 *        is not open, 'd' PostgreSQL judged it after the deadline, 'r' the
 *        same change is being stored by another statement (queued again)
 *
 * and only then is `saved` sent. Two saves of one question never share a
 * statement (ON CONFLICT DO UPDATE may touch a row once). The attempts are
 * locked by participant, then attempt, the order of every batch that locks
 * several (server/sql/085_attempt_batches.sql), so batches never deadlock.
 * Flags are group-committed too (attempt_flag_many).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/paper.h"
#include "live/result.h"
#include "live/run.h"
#include "live/save.h"
#include "live/selfpaced.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/commit.h"
#include "store/pgarr.h"
#include "store/store.h"

#define SAVE_CHANGE_MAX 1000000

static void num(char *buf, size_t n, int64_t v) { snprintf(buf, n, "%lld", (long long)v); }

/*
 * The attempt a request names, checked against the one this connection
 * holds; index too when idx is not NULL. 0 and *sp, or an error already
 * answered (1) or to answer (an SA_E_* code).
 */
static int check_attempt(msg_ctx *x, sp_conn **spp, int64_t *id, int *idx)
{
	conn *c = x->c;
	int64_t v = 0;
	int rc = selfpaced_int_field(x, "attempt_id", 1, INT64_MAX / 2, id);
	if (rc) {
		conn_send_error(c, rc, x->rid, "attempt_id");
		return 1;
	}
	if (idx && (rc = selfpaced_int_field(x, "index", 0, 100000, &v))) {
		conn_send_error(c, rc, x->rid, "index");
		return 1;
	}
	if (idx)
		*idx = (int)v;
	sp_conn *sp = c->sp;
	if (!sp || sp->attempt_id != *id || !sp->paper) {
		conn_send_error(c, SA_E_NOT_FOUND, x->rid, "attempt_id");
		return 1;
	}
	if (sp->closed)
		return SA_E_ATTEMPT_CLOSED;
	if (x->recv_ms > sp->deadline_ms)
		return SA_E_QUESTION_CLOSED;
	if (idx && *idx >= sp->paper->n) {
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "index");
		return 1;
	}
	*spp = sp;
	return 0;
}

/* ------------------------------------------------------------ the group commit */

typedef struct save_item {
	conn *c;
	int64_t aid, pid;
	int idx, change;
	char rid[65];
	char *canonical; /* NULL: the answer is cleared */
	char *given;     /* the response as sent (JSON); NULL when cleared */
	char options[PAPER_MAX_OPTIONS * 3 + 3];
	int64_t points;
	int correctness;
	int64_t recv_ms, deadline_ms;
	int retries;
} save_item;

static void item_free(save_item *s)
{
	s->c->a->answers_pending--;
	conn_unref(s->c);
	free(s->canonical);
	cJSON_free(s->given);
	free(s);
}

static void item_error(save_item *s, int code)
{
	if (s->c->wsi)
		conn_send_error(s->c, code, s->rid[0] ? s->rid : NULL, NULL);
	item_free(s);
}

static void item_saved(save_item *s, int current, int duplicate)
{
	conn *c = s->c;
	if (c->wsi) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "saved");
		if (s->rid[0])
			cJSON_AddStringToObject(o, "rid", s->rid);
		cJSON_AddNumberToObject(o, "attempt_id", (double)s->aid);
		cJSON_AddNumberToObject(o, "index", s->idx);
		cJSON_AddNumberToObject(o, "change", s->change);
		cJSON_AddNumberToObject(o, "current", current > s->change ? current : s->change);
		cJSON_AddBoolToObject(o, "duplicate", duplicate);
		conn_send_json(c, o);
	}
	item_free(s);
}

enum { C_AID, C_PID, C_IDX, C_CHG, C_RESP, C_GIVEN, C_OPTS, C_PTS, C_CORR, C_RCV, C_CLR, NCOLS };

static const char save_sql[] =
	"WITH v AS ("
	"  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::text[], $6::text[],"
	"    $7::text[], $8::bigint[], $9::smallint[], $10::bigint[], $11::int[])"
	"  WITH ORDINALITY AS v(aid, pid, idx, chg, resp, given, opts, pts, corr, rcv, clr, ord)"
	"), ok AS ("
	"  SELECT t.id, t.deadline_ms, t.participant_id FROM attempts t"
	"  WHERE t.id IN (SELECT aid FROM v) AND t.status = 'open' ORDER BY t.participant_id, t.id FOR SHARE"
	"), w AS ("
	"  SELECT v.* FROM v JOIN ok ON ok.id = v.aid AND ok.participant_id = v.pid AND v.rcv <= ok.deadline_ms"
	"), chg AS ("
	"  INSERT INTO answer_changes (attempt_id, question_idx, change_no, response, given, received_ms, instance)"
	"  SELECT aid, idx, chg, CASE WHEN clr = 1 THEN NULL ELSE resp END,"
	"    CASE WHEN clr = 1 THEN NULL ELSE given::jsonb END, rcv, $12 FROM w"
	"  ON CONFLICT DO NOTHING RETURNING attempt_id, question_idx, change_no"
	"), cur AS ("
	"  INSERT INTO attempt_answers (attempt_id, question_idx, response, given, options, points_milli,"
	"    correctness, received_ms, change_no)"
	"  SELECT w.aid, w.idx, CASE WHEN w.clr = 1 THEN NULL ELSE w.resp END,"
	"    CASE WHEN w.clr = 1 THEN NULL ELSE w.given::jsonb END, w.opts::int[], w.pts, w.corr, w.rcv, w.chg"
	"  FROM w JOIN chg ON chg.attempt_id = w.aid AND chg.question_idx = w.idx AND chg.change_no = w.chg"
	"  ON CONFLICT (attempt_id, question_idx) DO UPDATE SET response = EXCLUDED.response,"
	"    given = EXCLUDED.given, options = EXCLUDED.options, points_milli = EXCLUDED.points_milli,"
	"    correctness = EXCLUDED.correctness, received_ms = EXCLUDED.received_ms,"
	"    change_no = EXCLUDED.change_no"
	"  WHERE attempt_answers.change_no < EXCLUDED.change_no"
	"  RETURNING attempt_id, question_idx, change_no"
	")"
	" SELECT v.ord,"
	"   CASE WHEN ok.id IS NULL OR ok.participant_id <> v.pid THEN 'c' WHEN v.rcv > ok.deadline_ms THEN 'd'"
	"     WHEN chg.change_no IS NOT NULL THEN 'i' WHEN x.change_no IS NULL THEN 'r' ELSE 'e' END,"
	"   coalesce(cur.change_no, old.change_no, 0), x.response, x.response IS NULL"
	" FROM v LEFT JOIN ok ON ok.id = v.aid"
	"   LEFT JOIN chg ON chg.attempt_id = v.aid AND chg.question_idx = v.idx AND chg.change_no = v.chg"
	"   LEFT JOIN cur ON cur.attempt_id = v.aid AND cur.question_idx = v.idx"
	"   LEFT JOIN attempt_answers old ON old.attempt_id = v.aid AND old.question_idx = v.idx"
	"   LEFT JOIN answer_changes x ON x.attempt_id = v.aid AND x.question_idx = v.idx AND x.change_no = v.chg";

static void save_row(const void *item, pgarr *col)
{
	const save_item *s = item;
	pgarr_num(&col[C_AID], s->aid);
	pgarr_num(&col[C_PID], s->pid);
	pgarr_num(&col[C_IDX], s->idx);
	pgarr_num(&col[C_CHG], s->change);
	pgarr_text(&col[C_RESP], s->canonical ? s->canonical : "");
	pgarr_text(&col[C_GIVEN], s->given ? s->given : "");
	pgarr_text(&col[C_OPTS], s->options);
	pgarr_num(&col[C_PTS], s->points);
	pgarr_num(&col[C_CORR], s->correctness);
	pgarr_num(&col[C_RCV], s->recv_ms);
	pgarr_num(&col[C_CLR], s->canonical ? 0 : 1);
}

static const char *save_instance(arena *a, int k)
{
	(void)k;
	return a->cfg.instance; /* $12 */
}

static int same_question(const void *earlier, const void *item)
{
	const save_item *x = earlier, *y = item;
	return x->aid == y->aid && x->idx == y->idx;
}

static void enqueue(arena *a, save_item *s)
{
	if (!a->saves || commit_add(a->saves, s))
		item_error(s, SA_E_UNAVAILABLE);
}

/* One save's row of the statement. */
static void save_outcome(arena *a, save_item *s, void *res, int i)
{
	char kind = PQgetvalue(res, i, 1)[0];
	int current = atoi(PQgetvalue(res, i, 2));
	if (kind == 'i')
		return item_saved(s, current, 0);
	if (kind == 'e') {
		int stored_null = PQgetvalue(res, i, 4)[0] == 't';
		int same = stored_null ? !s->canonical
				       : s->canonical && !strcmp(PQgetvalue(res, i, 3), s->canonical);
		if (same)
			return item_saved(s, current, 1);
		return item_error(s, SA_E_CONFLICT);
	}
	if (kind == 'r' && s->retries++ < 3)
		return enqueue(a, s);
	if (kind == 'c' || kind == 'd') {
		int late = kind == 'd' || s->recv_ms > s->deadline_ms;
		if (s->c->wsi && s->c->sp && s->c->sp->attempt_id == s->aid && !late)
			s->c->sp->closed = 1;
		return item_error(s, late ? SA_E_QUESTION_CLOSED : SA_E_ATTEMPT_CLOSED);
	}
	item_error(s, SA_E_UNAVAILABLE);
}

static void saves_done(arena *a, void **items, int n, void *res, const char *err)
{
	if (!res) {
		if (err)
			sa_log(LL_WARN, "save commit of %d failed: %s", n, err);
		for (int i = 0; i < n; i++)
			item_error(items[i], SA_E_UNAVAILABLE);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		long ord = atol(PQgetvalue(res, i, 0)) - 1;
		if (ord < 0 || ord >= n || !items[ord])
			continue;
		save_item *s = items[ord];
		items[ord] = NULL;
		save_outcome(a, s, res, i);
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			item_error(items[i], SA_E_INTERNAL);
}

static const commit_ops save_commit = {
	.sql = save_sql,
	.ncols = NCOLS,
	.nextra = 1,
	.row = save_row,
	.extra = save_instance,
	.conflicts = same_question,
	.done = saves_done,
};

/* ------------------------------------------------------------ save */

/* Scores a response (shown order) of question idx into s; 0 or an SA_E_* code. */
static int save_score(const crun *r, const sp_conn *sp, int idx, const cJSON *response, save_item *s)
{
	const paper_q *q = &r->pool->qs[sp->paper->s[idx].q];
	cJSON *pool_resp = paper_to_pool(r->pool, sp->paper, idx, response);
	score_result res;
	score_ctx sctx = {.response_ms = 0,
			  .limit_ms = q->it->q.time_limit_ms > 0 ? q->it->q.time_limit_ms : 1};
	int rc = pool_resp ? score_answer(q->it->q.compiled, pool_resp, &sctx, &res) : SCORE_E_NOMEM;
	if (rc) {
		cJSON_Delete(pool_resp);
		return err_from_score(rc);
	}
	s->canonical = score_canonical_response(q->it->q.compiled, pool_resp);
	s->given = cJSON_PrintUnformatted(response);
	int idxs[PAPER_MAX_OPTIONS],
		no = score_response_options(q->it->q.compiled, pool_resp, idxs, PAPER_MAX_OPTIONS);
	size_t ol = (size_t)snprintf(s->options, sizeof s->options, "{");
	for (int i = 0; i < no; i++)
		ol += (size_t)snprintf(s->options + ol, sizeof s->options - ol, "%s%d", i ? "," : "",
				       idxs[i]);
	snprintf(s->options + ol, sizeof s->options - ol, "}");
	cJSON_Delete(pool_resp);
	s->points = res.points_milli;
	s->correctness = res.correctness;
	return s->canonical && s->given ? 0 : SA_E_INTERNAL;
}

int save_answer(msg_ctx *x)
{
	conn *c = x->c;
	sp_conn *sp = NULL;
	int64_t aid, change;
	int idx = 0, rc;
	if (c->a->stopping)
		return SA_E_UNAVAILABLE;
	if ((rc = check_attempt(x, &sp, &aid, &idx)))
		return rc > 0 ? 0 : rc;
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(x->m, "response");
	if (!response) {
		conn_send_error(c, SA_E_BAD_MESSAGE, x->rid, "response");
		return 0;
	}
	if ((rc = selfpaced_int_field(x, "change", 1, SAVE_CHANGE_MAX, &change))) {
		conn_send_error(c, rc, x->rid, "change");
		return 0;
	}
	save_item *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->aid = aid;
	s->pid = c->pid;
	s->idx = idx;
	s->change = (int)change;
	s->recv_ms = x->recv_ms;
	s->deadline_ms = sp->deadline_ms;
	snprintf(s->options, sizeof s->options, "{}");
	if (x->rid)
		snprintf(s->rid, sizeof s->rid, "%s", x->rid);
	if (!cJSON_IsNull(response) && (rc = save_score(c->run, sp, idx, response, s))) {
		free(s->canonical);
		cJSON_free(s->given);
		free(s);
		return rc;
	}
	s->c = c;
	conn_ref(c);
	c->a->answers_pending++;
	enqueue(c->a, s);
	return 0;
}

/* ------------------------------------------------------------ flag */

typedef struct flag_req {
	conn *c;
	int64_t aid, pid, recv_ms, deadline_ms;
	int idx, flagged;
	char rid[65];
} flag_req;

static void flag_reply(flag_req *f, void *res, int i, const char *err)
{
	conn *c = f->c;
	const char *rid = f->rid[0] ? f->rid : NULL;
	if (!c->wsi)
		goto out;
	if (err)
		conn_send_error(c, SA_E_UNAVAILABLE, rid, NULL);
	else if (!res)
		conn_send_error(c, f->recv_ms > f->deadline_ms ? SA_E_QUESTION_CLOSED : SA_E_ATTEMPT_CLOSED,
				rid, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "flagged");
		if (rid)
			cJSON_AddStringToObject(o, "rid", rid);
		cJSON_AddNumberToObject(o, "attempt_id", (double)f->aid);
		cJSON_AddNumberToObject(o, "index", f->idx);
		cJSON_AddBoolToObject(o, "flagged", f->flagged);
		selfpaced_pg_ints(cJSON_AddArrayToObject(o, "flags"), PQgetvalue(res, i, 1));
		conn_send_json(c, o);
	}
out:
	conn_unref(c);
	free(f);
}

/* Flags are group-committed too (attempt_flag_many, server/sql/085_attempt_batches.sql). */
enum { F_AID, F_IDX, F_SET, F_PID, F_AT, F_NCOLS };

static const char flag_sql[] = "SELECT * FROM attempt_flag_many($1::bigint[], $2::int[], $3::boolean[], "
			       "$4::bigint[], $5::bigint[])";

static void flag_cols(const void *item, pgarr *col)
{
	const flag_req *f = item;
	pgarr_num(&col[F_AID], f->aid);
	pgarr_num(&col[F_IDX], f->idx);
	pgarr_text(&col[F_SET], f->flagged ? "t" : "f");
	pgarr_num(&col[F_PID], f->pid);
	pgarr_num(&col[F_AT], f->recv_ms);
}

/* A row per flag that changed its attempt (ord, flags); none: the attempt was closed. */
static void flags_done(arena *a, void **items, int n, void *res, const char *err)
{
	(void)a;
	if (!res) {
		if (err)
			sa_log(LL_WARN, "flag commit of %d failed: %s", n, err);
		for (int i = 0; i < n; i++)
			flag_reply(items[i], NULL, 0, "unavailable");
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t ord;
		if (store_int(res, i, 0, 1, n, &ord) || !items[ord - 1])
			continue;
		flag_reply(items[ord - 1], res, i, NULL);
		items[ord - 1] = NULL;
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			flag_reply(items[i], NULL, 0, NULL);
}

static const commit_ops flag_commit = {
	.sql = flag_sql,
	.ncols = F_NCOLS,
	.row = flag_cols,
	.done = flags_done,
};

int save_flag(msg_ctx *x)
{
	conn *c = x->c;
	sp_conn *sp = NULL;
	int64_t aid;
	int idx = 0, rc;
	if ((rc = check_attempt(x, &sp, &aid, &idx)))
		return rc > 0 ? 0 : rc;
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(x->m, "flagged");
	if (!cJSON_IsBool(fl)) {
		conn_send_error(c, SA_E_BAD_MESSAGE, x->rid, "flagged");
		return 0;
	}
	if (!c->a->flags)
		return SA_E_UNAVAILABLE;
	flag_req *f = calloc(1, sizeof *f);
	if (!f)
		return SA_E_INTERNAL;
	f->c = c;
	f->aid = aid;
	f->pid = c->pid;
	f->idx = idx;
	f->flagged = cJSON_IsTrue(fl);
	f->recv_ms = x->recv_ms;
	f->deadline_ms = sp->deadline_ms;
	if (x->rid)
		snprintf(f->rid, sizeof f->rid, "%s", x->rid);
	conn_ref(c);
	if ((rc = commit_add(c->a->flags, f))) {
		conn_unref(c);
		free(f);
	}
	return rc;
}

/* ------------------------------------------------------------ the queues */

int save_open(arena *a)
{
	commit_policy pol = {
		.max = a->cfg.commit_max,
		.delay_ms = a->cfg.commit_delay_ms,
		.interval_ms = a->cfg.commit_interval_ms,
		.inflight = a->cfg.commit_inflight > 0 ? a->cfg.commit_inflight : 1,
	};
	a->saves = commit_open(a, &save_commit, pol);
	pol.interval_ms = 0; /* flags are few: their batches need not grow */
	a->flags = commit_open(a, &flag_commit, pol);
	return a->saves && a->flags ? 0 : SA_E_INTERNAL;
}

void save_close(arena *a)
{
	if (a->saves) {
		commit_close(a->saves);
		a->saves = NULL;
	}
	if (a->flags) {
		commit_close(a->flags);
		a->flags = NULL;
	}
}

/* ------------------------------------------------------------ review */

typedef struct review_req {
	conn *c;
	int64_t aid;
	char rid[65];
} review_req;

static void review_row(arena *a, void *res, const char *err, void *ud)
{
	review_req *v = ud;
	conn *c = v->c;
	const char *rid = v->rid[0] ? v->rid : NULL;
	(void)a;
	if (!c->wsi)
		goto out;
	if (err || PQntuples(res) != 1)
		conn_send_error(c, err ? SA_E_UNAVAILABLE : SA_E_NOT_FOUND, rid, err ? NULL : "attempt_id");
	else if (strcmp(PQgetvalue(res, 0, 0), "open"))
		conn_send_error(c, SA_E_ATTEMPT_CLOSED, rid, NULL);
	else {
		int64_t now = now_ms(), deadline = atoll(PQgetvalue(res, 0, 1));
		int count = atoi(PQgetvalue(res, 0, 2));
		cJSON *o = cJSON_CreateObject(), *answered = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "type", "review");
		if (rid)
			cJSON_AddStringToObject(o, "rid", rid);
		cJSON_AddNumberToObject(o, "attempt_id", (double)v->aid);
		cJSON_AddNumberToObject(o, "count", count);
		selfpaced_pg_ints(answered, PQgetvalue(res, 0, 4));
		cJSON_AddNumberToObject(o, "answered", cJSON_GetArraySize(answered));
		cJSON *un = cJSON_AddArrayToObject(o, "unanswered");
		for (int i = 0, k = 0; i < count; i++) {
			cJSON *e = cJSON_GetArrayItem(answered, k);
			if (e && e->valueint == i)
				k++;
			else
				cJSON_AddItemToArray(un, cJSON_CreateNumber(i));
		}
		selfpaced_pg_ints(cJSON_AddArrayToObject(o, "flags"), PQgetvalue(res, 0, 3));
		cJSON_AddNumberToObject(o, "deadline", (double)deadline);
		cJSON_AddNumberToObject(o, "server_time", (double)now);
		cJSON_AddNumberToObject(o, "remaining_ms", (double)(deadline > now ? deadline - now : 0));
		cJSON_Delete(answered);
		conn_send_json(c, o);
	}
out:
	conn_unref(c);
	free(v);
}

int save_review(msg_ctx *x)
{
	conn *c = x->c;
	sp_conn *sp = NULL;
	int64_t aid;
	int rc = check_attempt(x, &sp, &aid, NULL);
	if (rc == SA_E_QUESTION_CLOSED)
		rc = 0; /* the deadline passed: what was stored may still be reviewed until the end */
	if (rc)
		return rc > 0 ? 0 : rc;
	review_req *v = calloc(1, sizeof *v);
	if (!v)
		return SA_E_INTERNAL;
	char id[24], pid[24];
	v->c = c;
	v->aid = aid;
	if (x->rid)
		snprintf(v->rid, sizeof v->rid, "%s", x->rid);
	num(id, sizeof id, aid);
	num(pid, sizeof pid, c->pid);
	const char *p[2] = {id, pid};
	conn_ref(c);
	if ((rc = store_query(c->a,
			      "SELECT t.status, t.deadline_ms, t.count, t.flags, (SELECT coalesce(array_agg("
			      "x.question_idx ORDER BY x.question_idx), '{}') FROM attempt_answers x "
			      "WHERE x.attempt_id = t.id AND x.response IS NOT NULL) "
			      "FROM attempts t WHERE t.id = $1 AND t.participant_id = $2",
			      2, p, review_row, v))) {
		conn_unref(c);
		free(v);
	}
	return rc;
}
