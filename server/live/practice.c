/*
 * practice.c - the practice mode: unlimited questions from the contest's
 * pool (paper.c), by category or from the worker's wrong-answer notebook
 * (错题本), each answered with immediate feedback and the explanation.
 *
 * A session lives on its connection: practice_start reads who the worker is
 * (the employee number when the participant gave one, else the participant:
 * server/sql/006_practice.sql) and their notebook entries for this pool,
 * least recently seen first. practice_next serves one question, named by a
 * random `serve` id; the `answer` to it is scored by the engine and group
 * committed (store/commit.c) with the notebook's change, in one statement:
 *
 *   ins    the practice answer, once per (contest, worker, serve): a retry
 *          is a no-op, so an answer never counts twice
 *   wrong  a wrong or partial answer puts the question in the notebook, or
 *          sets its streak back to 0
 *   up     a right answer of a notebook question adds one to its streak ...
 *   gone   ... and takes it out at the contest's notebook.leave_after
 *
 * and only then is `feedback` sent. Answers of one worker never share a
 * statement (they may touch the same notebook row). Practice never touches
 * scores, ranks or leaderboards: it is training activity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/paper.h"
#include "live/practice.h"
#include "live/run.h"
#include "live/selfpaced.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/commit.h"
#include "store/pgarr.h"
#include "store/store.h"

#define PRACTICE_SERVED 8  /* servings an answer may still name */
#define PRACTICE_RECENT 10 /* questions not served again right away */
#define PRACTICE_BOOK_MAX 5000
#define PRACTICE_LIST_MAX 200

typedef struct practice_sess {
	int ready, loading;
	char worker[48];
	int cat; /* -1: every category */
	int review;
	int *book, *streak; /* notebook questions (pool indexes), least recently seen first */
	int nbook;
	struct {
		char serve[17];
		int q;
	} served[PRACTICE_SERVED];
	int nserved;
	int recent[PRACTICE_RECENT];
	uint64_t rng;
	/* what waits for the session's start */
	int then_next, then_reply;
	char rid[65];
} practice_sess;

#define WORKER_SQL "(SELECT coalesce('e:' || employee_no, 'p:' || id) AS w FROM participants WHERE id = $1)"

void practice_sess_free(practice_sess *s)
{
	if (!s)
		return;
	free(s->book);
	free(s->streak);
	free(s);
}

static void sess_free(void *s) { practice_sess_free(s); }

/* c's session, made on first use (its connection's state frees it). */
static practice_sess *sess_of(conn *c)
{
	sp_conn *sp = selfpaced_conn(c);
	practice_sess *s;
	if (sp && !sp->prac && (s = calloc(1, sizeof *s))) {
		s->cat = -1;
		s->rng = (uint64_t)now_us() ^ (c->id * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)c->pid;
		for (int i = 0; i < PRACTICE_RECENT; i++)
			s->recent[i] = -1;
		sp->prac = s;
		sp->prac_free = sess_free;
	}
	return sp ? sp->prac : NULL;
}

/* c's session when it has one. */
static practice_sess *sess_if(conn *c) { return c->wsi && c->sp ? c->sp->prac : NULL; }

static uint64_t rng_next(practice_sess *s)
{
	uint64_t x = s->rng ? s->rng : 0x2545f4914f6cdd1dULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

static void num(char *buf, size_t n, int64_t v) { snprintf(buf, n, "%lld", (long long)v); }

/* ------------------------------------------------------------ the notebook in memory */

static int book_find(const practice_sess *s, int q)
{
	for (int i = 0; i < s->nbook; i++)
		if (s->book[i] == q)
			return i;
	return -1;
}

static void book_remove(practice_sess *s, int i)
{
	memmove(&s->book[i], &s->book[i + 1], sizeof *s->book * (size_t)(s->nbook - i - 1));
	memmove(&s->streak[i], &s->streak[i + 1], sizeof *s->streak * (size_t)(s->nbook - i - 1));
	s->nbook--;
}

/* q was just seen: to the end of the notebook (in it, with streak), or out. */
static void book_seen(practice_sess *s, int q, int in, int streak)
{
	int i = book_find(s, q);
	if (i >= 0)
		book_remove(s, i);
	if (!in || s->nbook >= PRACTICE_BOOK_MAX)
		return;
	s->book[s->nbook] = q;
	s->streak[s->nbook++] = streak;
}

static int book_count(const practice_sess *s, const paper_pool *pp, int cat)
{
	int n = 0;
	for (int i = 0; i < s->nbook; i++)
		n += cat < 0 || pp->qs[s->book[i]].cat == cat;
	return n;
}

/* ------------------------------------------------------------ practice_start */

static void send_session(conn *c, practice_sess *s, const char *rid)
{
	const paper_pool *pp = c->run->pool;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "practice");
	if (rid && *rid)
		cJSON_AddStringToObject(o, "rid", rid);
	if (s->cat >= 0)
		cJSON_AddStringToObject(o, "category", pp->cats[s->cat].id);
	else
		cJSON_AddNullToObject(o, "category");
	cJSON_AddBoolToObject(o, "review", s->review);
	int inbook = book_count(s, pp, s->cat);
	cJSON_AddNumberToObject(o, "available",
				s->review     ? inbook
				: s->cat >= 0 ? pp->cats[s->cat].n
					      : pp->n);
	cJSON_AddNumberToObject(o, "notebook", inbook);
	conn_send_json(c, o);
}

static int serve_next(conn *c, practice_sess *s, const char *rid);

typedef struct start_req {
	conn *c;
} start_req;

static void book_rows(arena *a, void *res, const char *err, void *ud)
{
	start_req *q = ud;
	conn *c = q->c;
	practice_sess *s = sess_if(c);
	(void)a;
	if (!s)
		goto out;
	s->loading = 0;
	if (err || PQntuples(res) < 1) {
		conn_send_error(c, SA_E_UNAVAILABLE, s->rid[0] ? s->rid : NULL, NULL);
		goto out;
	}
	const paper_pool *pp = c->run->pool;
	int n = PQntuples(res);
	free(s->book);
	free(s->streak);
	s->book = calloc(PRACTICE_BOOK_MAX, sizeof *s->book);
	s->streak = calloc(PRACTICE_BOOK_MAX, sizeof *s->streak);
	s->nbook = 0;
	if (!s->book || !s->streak) {
		conn_send_error(c, SA_E_INTERNAL, s->rid[0] ? s->rid : NULL, NULL);
		goto out;
	}
	snprintf(s->worker, sizeof s->worker, "%s", PQgetvalue(res, 0, 0));
	for (int i = 0; i < n && s->nbook < PRACTICE_BOOK_MAX; i++) {
		int k = PQgetisnull(res, i, 1) ? -1 : paper_find_key(pp, PQgetvalue(res, i, 1));
		if (k >= 0) {
			s->book[s->nbook] = k;
			s->streak[s->nbook++] = atoi(PQgetvalue(res, i, 2));
		}
	}
	s->ready = 1;
	if (s->then_reply)
		send_session(c, s, s->rid);
	if (s->then_next) {
		int rc = serve_next(c, s, s->rid);
		if (rc)
			conn_send_error(c, rc, s->rid[0] ? s->rid : NULL, NULL);
	}
out:
	conn_unref(c);
	free(q);
}

/* Reads the worker and their notebook; then the session's reply and/or its first question. */
static int sess_load(conn *c, practice_sess *s, const char *rid, int reply, int next)
{
	char pid[24];
	int rc;
	start_req *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	q->c = c;
	s->loading = 1;
	s->then_reply = reply;
	s->then_next = next;
	snprintf(s->rid, sizeof s->rid, "%s", rid ? rid : "");
	num(pid, sizeof pid, c->pid);
	const char *p[1] = {pid};
	conn_ref(c);
	if ((rc = store_query(
		     c->a,
		     "WITH me AS " WORKER_SQL " SELECT me.w, b.question_key, b.right_streak FROM me "
		     "LEFT JOIN wrong_book b ON b.worker = me.w ORDER BY b.last_seen_ms, b.question_key "
		     "LIMIT 20000",
		     1, p, book_rows, q))) {
		s->loading = 0;
		conn_unref(c);
		free(q);
	}
	return rc;
}

int practice_start(msg_ctx *x)
{
	conn *c = x->c;
	const paper_pool *pp = c->run->pool;
	int rc = 0, cat = -1;
	const char *category = msg_string(x, "category", 0, &rc);
	const cJSON *review = cJSON_GetObjectItemCaseSensitive(x->m, "review");
	if (rc || (review && !cJSON_IsBool(review))) {
		conn_send_error(c, SA_E_BAD_MESSAGE, x->rid, "category, review");
		return 0;
	}
	if (category) {
		while (++cat < pp->ncats && strcmp(pp->cats[cat].id, category))
			;
		if (cat == pp->ncats) {
			conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "category");
			return 0;
		}
	}
	practice_sess *s = sess_of(c);
	if (!s)
		return SA_E_INTERNAL;
	if (s->loading)
		return SA_E_RATE_LIMITED;
	s->cat = cat;
	s->review = cJSON_IsTrue(review);
	return sess_load(c, s, x->rid, 1, 0);
}

/* ------------------------------------------------------------ practice_next */

static int pick_review(const practice_sess *s, const paper_pool *pp)
{
	int last = s->nserved ? s->served[(s->nserved - 1) % PRACTICE_SERVED].q : -1, alt = -1;
	for (int i = 0; i < s->nbook; i++) {
		if (s->cat >= 0 && pp->qs[s->book[i]].cat != s->cat)
			continue;
		if (s->book[i] != last)
			return s->book[i];
		alt = s->book[i];
	}
	return alt;
}

/* q was among the last `window` questions served. */
static int recently(const practice_sess *s, int q, int window)
{
	for (int i = 0; i < window && i < s->nserved; i++)
		if (s->recent[(s->nserved - i) % PRACTICE_RECENT] == q)
			return 1;
	return 0;
}

/* At random, but none of the last few served (fewer when the choice is small). */
static int pick_random(practice_sess *s, const paper_pool *pp)
{
	const int *list = s->cat >= 0 ? pp->cats[s->cat].idx : NULL;
	int n = s->cat >= 0 ? pp->cats[s->cat].n : pp->n, q = -1;
	int window = n - 1 < PRACTICE_RECENT ? n - 1 : PRACTICE_RECENT;
	if (n <= 0)
		return -1;
	for (int tries = 0; tries < 64; tries++) {
		int k = (int)(rng_next(s) % (uint64_t)n);
		q = list ? list[k] : k;
		if (!recently(s, q, window))
			break;
	}
	return q;
}

static int serve_next(conn *c, practice_sess *s, const char *rid)
{
	const paper_pool *pp = c->run->pool;
	int q = s->review ? pick_review(s, pp) : pick_random(s, pp);
	cJSON *o;
	if (q < 0) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "type", "practice_question");
		if (rid && *rid)
			cJSON_AddStringToObject(o, "rid", rid);
		cJSON_AddBoolToObject(o, "done", 1);
		cJSON_AddNumberToObject(o, "notebook", book_count(s, pp, s->cat));
		return conn_send_json(c, o);
	}
	int slot = s->nserved % PRACTICE_SERVED;
	if (auth_random_hex(s->served[slot].serve, 8))
		return SA_E_INTERNAL;
	s->served[slot].q = q;
	s->nserved++;
	s->recent[s->nserved % PRACTICE_RECENT] = q;
	if (!(o = cJSON_Duplicate(pp->qs[q].public_msg, 1)))
		return SA_E_INTERNAL;
	cJSON_AddStringToObject(o, "type", "practice_question");
	if (rid && *rid)
		cJSON_AddStringToObject(o, "rid", rid);
	cJSON_AddStringToObject(o, "serve", s->served[slot].serve);
	cJSON_AddStringToObject(o, "category", pp->cats[pp->qs[q].cat].id);
	cJSON_AddBoolToObject(o, "in_notebook", book_find(s, q) >= 0);
	cJSON_AddBoolToObject(o, "done", 0);
	return conn_send_json(c, o);
}

int practice_next(msg_ctx *x)
{
	conn *c = x->c;
	practice_sess *s = sess_of(c);
	if (!s)
		return SA_E_INTERNAL;
	if (s->loading)
		return SA_E_RATE_LIMITED;
	if (!s->ready)
		return sess_load(c, s, x->rid, 0, 1); /* no session yet: every category */
	return serve_next(c, s, x->rid);
}

/* ------------------------------------------------------------ answer: the group commit */

typedef struct pa_item {
	conn *c;
	crun *r; /* referenced: the statement's rows read its pool */
	int64_t cid, pid;
	char worker[48], serve[17], rid[65];
	int q;
	char *canonical, *given;
	int64_t points, at;
	int correctness, leave, retries;
} pa_item;

static void pa_free(pa_item *p)
{
	p->c->a->answers_pending--;
	conn_unref(p->c);
	run_unref(p->r);
	free(p->canonical);
	cJSON_free(p->given);
	free(p);
}

static void pa_error(pa_item *p, int code)
{
	if (p->c->wsi)
		conn_send_error(p->c, code, p->rid[0] ? p->rid : NULL, NULL);
	pa_free(p);
}

static const char *const corr_names[] = {"wrong", "partial", "correct"};

/* The `feedback` of p; count: the notebook's size when this connection has no session. */
static void feedback(pa_item *p, int64_t points, int corr, int dup, int in, int streak, int left,
		     int64_t count)
{
	conn *c = p->c;
	practice_sess *s = sess_if(c);
	if (!c->wsi || !c->run)
		return pa_free(p);
	const paper_pool *pp = c->run->pool;
	const paper_q *q = &pp->qs[p->q];
	if (s && !dup)
		book_seen(s, p->q, in, streak);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "feedback");
	if (p->rid[0])
		cJSON_AddStringToObject(o, "rid", p->rid);
	cJSON_AddStringToObject(o, "serve", p->serve);
	cJSON_AddStringToObject(o, "question_id", q->it->q.id);
	cJSON_AddBoolToObject(o, "correct", corr == SCORE_CORRECT);
	cJSON_AddStringToObject(o, "correctness", corr >= 0 && corr <= 2 ? corr_names[corr] : "wrong");
	cJSON_AddNumberToObject(o, "points", (double)points / 1000.0);
	cJSON_AddNumberToObject(o, "max", (double)q->max_milli / 1000.0);
	cJSON_AddItemToObject(o, "answer", cJSON_Duplicate(q->key, 1));
	cJSON_AddItemToObject(o, "explanation",
			      q->explanation ? cJSON_Duplicate(q->explanation, 1) : cJSON_CreateNull());
	cJSON_AddBoolToObject(o, "duplicate", dup);
	cJSON *nb = cJSON_AddObjectToObject(o, "notebook");
	cJSON_AddBoolToObject(nb, "in", in);
	cJSON_AddNumberToObject(nb, "streak", streak);
	cJSON_AddNumberToObject(nb, "leave_after", c->run->def->notebook_leave_after);
	cJSON_AddBoolToObject(nb, "left", left);
	cJSON_AddNumberToObject(nb, "count", (double)(s && s->ready ? s->nbook : count));
	conn_send_json(c, o);
	pa_free(p);
}

enum {
	P_CID,
	P_WORKER,
	P_SERVE,
	P_PID,
	P_QKEY,
	P_QID,
	P_CAT,
	P_RESP,
	P_GIVEN,
	P_PTS,
	P_CORR,
	P_AT,
	P_LEAVE,
	NPCOLS
};

static const char practice_sql[] =
	"WITH v AS ("
	"  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],"
	"    $7::text[], $8::text[], $9::text[], $10::bigint[], $11::smallint[], $12::bigint[], $13::int[])"
	"  WITH ORDINALITY AS v(cid, worker, serve, pid, qkey, qid, cat, resp, given, pts, corr, at, leave, ord)"
	"), ins AS ("
	"  INSERT INTO practice_answers (contest_id, worker, serve, participant_id, question_key, question_id,"
	"    category, response, given, points_milli, correctness, answered_ms)"
	"  SELECT cid, worker, serve, pid, qkey, qid, cat, resp, given::jsonb, pts, corr, at FROM v"
	"  ON CONFLICT DO NOTHING RETURNING contest_id, worker, serve"
	"), n AS ("
	"  SELECT v.* FROM v JOIN ins ON ins.contest_id = v.cid AND ins.worker = v.worker AND ins.serve = v.serve"
	"), wrong AS ("
	"  INSERT INTO wrong_book (worker, question_key, contest_id, question_id, category, wrong, right_streak,"
	"    added_ms, last_wrong_ms, last_seen_ms)"
	"  SELECT worker, qkey, cid, qid, cat, 1, 0, at, at, at FROM n WHERE corr < 2"
	"  ON CONFLICT (worker, question_key) DO UPDATE SET wrong = wrong_book.wrong + 1, right_streak = 0,"
	"    contest_id = EXCLUDED.contest_id, question_id = EXCLUDED.question_id, category = EXCLUDED.category,"
	"    last_wrong_ms = EXCLUDED.last_wrong_ms, last_seen_ms = EXCLUDED.last_seen_ms"
	"  RETURNING worker, question_key"
	"), up AS ("
	"  UPDATE wrong_book w SET right_streak = w.right_streak + 1, last_seen_ms = n.at FROM n"
	"  WHERE n.corr = 2 AND w.worker = n.worker AND w.question_key = n.qkey AND w.right_streak + 1 < n.leave"
	"  RETURNING w.worker, w.question_key, w.right_streak"
	"), gone AS ("
	"  DELETE FROM wrong_book w USING n WHERE n.corr = 2 AND w.worker = n.worker AND w.question_key = n.qkey"
	"    AND w.right_streak + 1 >= n.leave RETURNING w.worker, w.question_key"
	")"
	" SELECT v.ord, CASE WHEN n.serve IS NOT NULL THEN 'i' WHEN s.serve IS NULL THEN 'r' ELSE 'e' END,"
	"   s.response, s.points_milli, s.correctness,"
	"   CASE WHEN n.serve IS NULL THEN b.question_key IS NOT NULL"
	"     ELSE wrong.question_key IS NOT NULL OR up.question_key IS NOT NULL END,"
	"   CASE WHEN n.serve IS NULL THEN coalesce(b.right_streak, 0) ELSE coalesce(up.right_streak, 0) END,"
	"   gone.question_key IS NOT NULL"
	" FROM v LEFT JOIN n ON n.ord = v.ord"
	"   LEFT JOIN practice_answers s ON s.contest_id = v.cid AND s.worker = v.worker AND s.serve = v.serve"
	"   LEFT JOIN wrong ON n.serve IS NOT NULL AND wrong.worker = v.worker AND wrong.question_key = v.qkey"
	"   LEFT JOIN up ON n.serve IS NOT NULL AND up.worker = v.worker AND up.question_key = v.qkey"
	"   LEFT JOIN gone ON n.serve IS NOT NULL AND gone.worker = v.worker AND gone.question_key = v.qkey"
	"   LEFT JOIN wrong_book b ON b.worker = v.worker AND b.question_key = v.qkey";

static void pa_row(const void *item, pgarr *col)
{
	const pa_item *p = item;
	const paper_pool *pp = p->r->pool;
	const paper_q *q = &pp->qs[p->q];
	pgarr_num(&col[P_CID], p->cid);
	pgarr_text(&col[P_WORKER], p->worker);
	pgarr_text(&col[P_SERVE], p->serve);
	pgarr_num(&col[P_PID], p->pid);
	pgarr_text(&col[P_QKEY], q->qkey);
	pgarr_text(&col[P_QID], q->it->q.id);
	pgarr_text(&col[P_CAT], q->it->category);
	pgarr_text(&col[P_RESP], p->canonical);
	pgarr_text(&col[P_GIVEN], p->given);
	pgarr_num(&col[P_PTS], p->points);
	pgarr_num(&col[P_CORR], p->correctness);
	pgarr_num(&col[P_AT], p->at);
	pgarr_num(&col[P_LEAVE], p->leave);
}

static int same_worker(const void *earlier, const void *item)
{
	return !strcmp(((const pa_item *)earlier)->worker, ((const pa_item *)item)->worker);
}

static void pa_enqueue(arena *a, pa_item *p)
{
	if (!a->practice || commit_add(a->practice, p))
		pa_error(p, SA_E_UNAVAILABLE);
}

static void pa_outcome(arena *a, pa_item *p, void *res, int i)
{
	char kind = PQgetvalue(res, i, 1)[0];
	int in = PQgetvalue(res, i, 5)[0] == 't', streak = atoi(PQgetvalue(res, i, 6));
	int left = PQgetvalue(res, i, 7)[0] == 't';
	if (kind == 'i')
		return feedback(p, p->points, p->correctness, 0, in, streak, left, 0);
	if (kind == 'e') {
		if (strcmp(PQgetvalue(res, i, 2), p->canonical))
			return pa_error(p, SA_E_ALREADY_ANSWERED);
		return feedback(p, atoll(PQgetvalue(res, i, 3)), atoi(PQgetvalue(res, i, 4)), 1, in, streak,
				0, 0);
	}
	if (p->retries++ < 3)
		return pa_enqueue(a, p);
	pa_error(p, SA_E_UNAVAILABLE);
}

static void practice_done(arena *a, void **items, int n, void *res, const char *err)
{
	if (!res) {
		if (err)
			sa_log(LL_WARN, "practice commit of %d failed: %s", n, err);
		for (int i = 0; i < n; i++)
			pa_error(items[i], SA_E_UNAVAILABLE);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		long ord = atol(PQgetvalue(res, i, 0)) - 1;
		if (ord < 0 || ord >= n || !items[ord])
			continue;
		pa_item *p = items[ord];
		items[ord] = NULL;
		pa_outcome(a, p, res, i);
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			pa_error(items[i], SA_E_INTERNAL);
}

static const commit_ops practice_commit = {
	.sql = practice_sql,
	.ncols = NPCOLS,
	.row = pa_row,
	.conflicts = same_worker,
	.done = practice_done,
};

int practice_open(arena *a)
{
	commit_policy pol = {.max = a->cfg.commit_max, .delay_ms = a->cfg.commit_delay_ms};
	a->practice = commit_open(a, &practice_commit, pol);
	return a->practice ? 0 : SA_E_INTERNAL;
}

void practice_close(arena *a)
{
	if (a->practice) {
		commit_close(a->practice);
		a->practice = NULL;
	}
}

/* ------------------------------------------------------------ answer */

/* The serving this answer names, on this connection; -1 when none. */
static int served_q(const practice_sess *s, const char *serve, const char *qid, const paper_pool *pp)
{
	int n = s->nserved < PRACTICE_SERVED ? s->nserved : PRACTICE_SERVED;
	for (int i = 0; i < n; i++)
		if (!strcmp(s->served[i].serve, serve))
			return strcmp(pp->qs[s->served[i].q].it->q.id, qid) ? -1 : s->served[i].q;
	return -1;
}

/* A serving this connection does not know (another connection's, before a
 * reconnect): the stored answer of this participant, if any, answers it again. */
static void past_row(arena *a, void *res, const char *err, void *ud)
{
	pa_item *p = ud;
	(void)a;
	if (!p->c->wsi || !p->c->run)
		return pa_free(p);
	if (err)
		return pa_error(p, SA_E_UNAVAILABLE);
	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), p->r->pool->qs[p->q].it->q.id))
		return pa_error(p, SA_E_NOT_OPEN);
	if (strcmp(PQgetvalue(res, 0, 1), p->canonical))
		return pa_error(p, SA_E_ALREADY_ANSWERED);
	feedback(p, atoll(PQgetvalue(res, 0, 2)), atoi(PQgetvalue(res, 0, 3)), 1,
		 PQgetvalue(res, 0, 4)[0] == 't', atoi(PQgetvalue(res, 0, 5)), 0,
		 atoll(PQgetvalue(res, 0, 6)));
}

static int past_lookup(pa_item *p)
{
	char cid[24], pid[24];
	num(cid, sizeof cid, p->cid);
	num(pid, sizeof pid, p->pid);
	const char *v[3] = {cid, pid, p->serve};
	return store_query(p->c->a,
			   "SELECT a.question_id, a.response, a.points_milli, a.correctness, "
			   "b.question_key IS NOT NULL, coalesce(b.right_streak, 0), "
			   "(SELECT count(*) FROM wrong_book w WHERE w.worker = a.worker) "
			   "FROM practice_answers a LEFT JOIN wrong_book b ON b.worker = a.worker "
			   "AND b.question_key = a.question_key "
			   "WHERE a.contest_id = $1 AND a.participant_id = $2 AND a.serve = $3",
			   3, v, past_row, p);
}

int practice_answer(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	const char *serve = msg_string(x, "serve", 1, &rc);
	const char *qid = msg_string(x, "question_id", 1, &rc);
	const cJSON *response = cJSON_GetObjectItemCaseSensitive(x->m, "response");
	if (rc || !response) {
		conn_send_error(c, SA_E_BAD_MESSAGE, x->rid, "serve, question_id, response");
		return 0;
	}
	if (c->a->stopping)
		return SA_E_UNAVAILABLE;
	practice_sess *s = sess_if(c);
	const paper_pool *pp = c->run->pool;
	int q = s && s->ready ? served_q(s, serve, qid, pp) : -1, known = q >= 0;
	if (!known && (strlen(serve) != 16 || (q = paper_find(pp, qid)) < 0))
		return SA_E_NOT_OPEN;
	const contest_pool_item *it = pp->qs[q].it;
	score_result res;
	score_ctx sctx = {.response_ms = 0,
			  .limit_ms = it->q.time_limit_ms > 0 ? it->q.time_limit_ms : 1,
			  .lang = c->lang_en ? "en" : "zh-CN"};
	if ((rc = score_answer(it->q.compiled, response, &sctx, &res)))
		return err_from_score(rc);
	pa_item *p = calloc(1, sizeof *p);
	if (!p)
		return SA_E_INTERNAL;
	p->canonical = score_canonical_response(it->q.compiled, response);
	p->given = cJSON_PrintUnformatted(response);
	if (!p->canonical || !p->given) {
		free(p->canonical);
		cJSON_free(p->given);
		free(p);
		return SA_E_INTERNAL;
	}
	p->c = c;
	p->r = c->run;
	run_ref(p->r);
	p->cid = c->run->contest_id;
	p->pid = c->pid;
	snprintf(p->worker, sizeof p->worker, "%s", s ? s->worker : "");
	snprintf(p->serve, sizeof p->serve, "%s", serve);
	if (x->rid)
		snprintf(p->rid, sizeof p->rid, "%s", x->rid);
	p->q = q;
	p->points = res.points_milli;
	p->correctness = res.correctness;
	p->at = x->recv_ms;
	p->leave = c->run->def->notebook_leave_after;
	conn_ref(c);
	c->a->answers_pending++;
	if (!known) {
		if ((rc = past_lookup(p)))
			pa_error(p, rc);
		return 0;
	}
	pa_enqueue(c->a, p);
	return 0;
}
