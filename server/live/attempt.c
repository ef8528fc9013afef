/*
 * attempt.c - attempts of the exam and mass modes: starting one, and the
 * participant's summary of them.
 *
 * attempt_start asks PostgreSQL (attempt_begin, server/sql/005_attempts.sql)
 * under the participant's row lock: the attempt in progress if there is one
 * (the same paper: a reload, a reconnect, another tab or process never start
 * a second), else, within the limits (in all, and today in the contest's
 * time zone), a new one numbered after the last, whose deadline is the
 * start plus the duration or the window's close. A new attempt's paper is
 * drawn on the thread pool (paper.c) and stored before it is served, so every
 * process serves and scores that paper; an attempt in progress whose
 * deadline passed is ended first (result.c) and the start tried again.
 *
 * Starts, papers and summaries go to PostgreSQL in batches through the group
 * commit (store/commit.h; attempt_begin_many and attempt_paper_many,
 * server/sql/085_attempt_batches.sql): an exam's opening minutes bring
 * thousands of them a second, which one transaction each left queued behind
 * each other on a process's few connections (docs/performance.md). A start
 * is still answered only after its batch committed.
 *
 * The connection keeps the attempt it served (sp_conn): save.c checks
 * requests against it without asking PostgreSQL. `attempts` (also sent
 * after joined and resume) lists the participant's attempts and loads the
 * one in progress, so that saves work at once after a reconnect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/attempt.h"
#include "live/board.h"
#include "live/paper.h"
#include "live/result.h"
#include "live/run.h"
#include "live/selfpaced.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/commit.h"
#include "store/pgarr.h"
#include "store/store.h"

#define ATTEMPT_LIST_MAX 50

/* ------------------------------------------------------------ helpers */

static void num(char *buf, size_t n, int64_t v) { snprintf(buf, n, "%lld", (long long)v); }

static cJSON *json_ms(int is_null, const char *v)
{
	return is_null ? cJSON_CreateNull() : cJSON_CreateNumber((double)atoll(v));
}

/* ------------------------------------------------------------ attempts (the summary) */

typedef struct list_req {
	conn *c;
	char rid[65];
	char day[11];
	int last; /* the contest counts the last attempt, not the best */
} list_req;

/*
 * The summaries go out in batches too (store/commit.h): every join of an
 * exam or mass contest asks for one, and 1,700 single reads a second held a
 * process's PostgreSQL connections while starts and saves waited behind them.
 * One statement reads many participants' attempts: a row per attempt (the
 * newest ATTEMPT_LIST_MAX), or one row without an attempt, each with its
 * request's position (ord), the counts in all and today, the paper of the
 * one in progress and the counted attempt ([attempt_no, score_milli,
 * duration_ms]: the best, ties by the shorter time, or the last).
 */
enum {
	L_ORD,
	L_ID,
	L_NO,
	L_STATUS,
	L_DAY,
	L_START,
	L_DEADLINE,
	L_END,
	L_DUR,
	L_SCORE,
	L_USED,
	L_TODAY,
	L_PAPER,
	L_COUNTED
};

static const char list_sql[] =
	"SELECT v.ord, t.id, t.attempt_no, t.status, t.day::text, t.started_ms, t.deadline_ms, t.submitted_ms,"
	" t.duration_ms, t.score_milli, t.used, t.today, t.paper, t.counted"
	" FROM unnest($1::bigint[], $2::date[], $3::boolean[]) WITH ORDINALITY AS v(pid, day, last, ord)"
	" LEFT JOIN LATERAL ("
	"  SELECT a.id, a.attempt_no, a.status, a.day, a.started_ms, a.deadline_ms, a.submitted_ms, a.duration_ms,"
	"   a.score_milli, count(*) OVER () AS used, count(*) FILTER (WHERE a.day = v.day) OVER () AS today,"
	"   CASE WHEN a.status = 'open' THEN a.paper END AS paper,"
	"   (SELECT json_build_array(b.attempt_no, b.score_milli, b.duration_ms) FROM attempts b"
	"    WHERE b.participant_id = v.pid AND b.status <> 'open'"
	"    ORDER BY CASE WHEN v.last THEN -b.attempt_no ELSE 0 END, b.score_milli DESC, b.duration_ms,"
	"     b.attempt_no LIMIT 1) AS counted"
	"  FROM attempts a WHERE a.participant_id = v.pid ORDER BY a.attempt_no DESC LIMIT 50) t ON true"
	" ORDER BY v.ord, t.attempt_no DESC";

static cJSON *list_entry(void *res, int i, int score_visible)
{
	cJSON *e = cJSON_CreateObject();
	int open = !strcmp(PQgetvalue(res, i, L_STATUS), "open");
	cJSON_AddNumberToObject(e, "attempt_id", (double)atoll(PQgetvalue(res, i, L_ID)));
	cJSON_AddNumberToObject(e, "attempt_no", atoi(PQgetvalue(res, i, L_NO)));
	cJSON_AddStringToObject(e, "status", PQgetvalue(res, i, L_STATUS));
	cJSON_AddStringToObject(e, "day", PQgetvalue(res, i, L_DAY));
	cJSON_AddItemToObject(e, "started", json_ms(0, PQgetvalue(res, i, L_START)));
	cJSON_AddItemToObject(e, "deadline", json_ms(0, PQgetvalue(res, i, L_DEADLINE)));
	cJSON_AddItemToObject(e, "submitted", json_ms(PQgetisnull(res, i, L_END), PQgetvalue(res, i, L_END)));
	cJSON_AddItemToObject(e, "duration_ms",
			      json_ms(PQgetisnull(res, i, L_DUR), PQgetvalue(res, i, L_DUR)));
	if (open || !score_visible)
		cJSON_AddNullToObject(e, "score");
	else
		cJSON_AddNumberToObject(e, "score", (double)atoll(PQgetvalue(res, i, L_SCORE)) / 1000.0);
	return e;
}

/* The counted attempt, from the [attempt_no, score_milli, duration_ms] array. */
static cJSON *counted_json(const char *text, int score_visible)
{
	cJSON *a = text && *text ? cJSON_Parse(text) : NULL;
	if (cJSON_GetArraySize(a) != 3) {
		cJSON_Delete(a);
		return cJSON_CreateNull();
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "attempt_no", cJSON_GetArrayItem(a, 0)->valuedouble);
	if (score_visible)
		cJSON_AddNumberToObject(o, "score", cJSON_GetArrayItem(a, 1)->valuedouble / 1000.0);
	else
		cJSON_AddNullToObject(o, "score");
	cJSON_AddNumberToObject(o, "duration_ms", cJSON_GetArrayItem(a, 2)->valuedouble);
	cJSON_Delete(a);
	return o;
}

/* The attempt in progress (row i) becomes the connection's (saves work at once after a resume). */
static cJSON *open_entry(conn *c, crun *r, void *res, int i, int64_t now)
{
	int64_t id = atoll(PQgetvalue(res, i, L_ID)), deadline = atoll(PQgetvalue(res, i, L_DEADLINE));
	sp_conn *sp = selfpaced_conn(c);
	if (sp && sp->attempt_id != id && !PQgetisnull(res, i, L_PAPER)) {
		paper *p = paper_parse(r->pool, PQgetvalue(res, i, L_PAPER));
		if (p)
			selfpaced_conn_set(sp, id, atoi(PQgetvalue(res, i, L_NO)),
					   atoll(PQgetvalue(res, i, L_START)), deadline, p);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "attempt_id", (double)id);
	cJSON_AddNumberToObject(o, "attempt_no", atoi(PQgetvalue(res, i, L_NO)));
	cJSON_AddNumberToObject(o, "started", (double)atoll(PQgetvalue(res, i, L_START)));
	cJSON_AddNumberToObject(o, "deadline", (double)deadline);
	cJSON_AddNumberToObject(o, "remaining_ms", (double)(deadline > now ? deadline - now : 0));
	return o;
}

static void add_limits(cJSON *o, const contest_def *d, int used, int today, const char *day)
{
	int64_t left = -1;
	if (d->attempts_max > 0)
		left = d->attempts_max - used;
	if (d->attempts_per_day > 0 && (left < 0 || d->attempts_per_day - today < left))
		left = d->attempts_per_day - today;
	cJSON_AddNumberToObject(o, "used", used);
	cJSON_AddNumberToObject(o, "max", d->attempts_max);
	if (left < 0 && !d->attempts_max && !d->attempts_per_day)
		cJSON_AddNullToObject(o, "left");
	else
		cJSON_AddNumberToObject(o, "left", (double)(left > 0 ? left : 0));
	cJSON *t = cJSON_AddObjectToObject(o, "today");
	cJSON_AddStringToObject(t, "day", day);
	cJSON_AddNumberToObject(t, "used", today);
	cJSON_AddNumberToObject(t, "per_day", d->attempts_per_day);
}

/* The `attempts` message from rows first .. first+n-1 (n 0: no attempt yet). */
static void list_send(list_req *l, void *res, int first, int n)
{
	conn *c = l->c;
	crun *r = c->run;
	const paper_pool *pp = r->pool;
	int64_t now = now_ms();
	int score_visible = result_score_visible(r, now);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "attempts");
	if (l->rid[0])
		cJSON_AddStringToObject(o, "rid", l->rid);
	cJSON_AddNumberToObject(o, "server_time", (double)now);
	add_limits(o, r->def, n ? atoi(PQgetvalue(res, first, L_USED)) : 0,
		   n ? atoi(PQgetvalue(res, first, L_TODAY)) : 0, l->day);
	cJSON *w = cJSON_AddObjectToObject(o, "window");
	cJSON_AddNumberToObject(w, "opens", (double)pp->opens_ms);
	cJSON_AddNumberToObject(w, "closes", (double)pp->closes_ms);
	cJSON_AddNumberToObject(w, "duration_ms", (double)pp->duration_ms);
	cJSON_AddBoolToObject(w, "open", now >= pp->opens_ms && now < pp->closes_ms);
	if (n && !strcmp(PQgetvalue(res, first, L_STATUS), "open"))
		cJSON_AddItemToObject(o, "open", open_entry(c, r, res, first, now));
	else
		cJSON_AddNullToObject(o, "open");
	const char *counted =
		n && !PQgetisnull(res, first, L_COUNTED) ? PQgetvalue(res, first, L_COUNTED) : NULL;
	cJSON_AddItemToObject(o, "counted", counted_json(counted, score_visible));
	cJSON *list = cJSON_AddArrayToObject(o, "list");
	for (int i = first; i < first + n; i++)
		cJSON_AddItemToArray(list, list_entry(res, i, score_visible));
	conn_send_json(c, o);
}

static void list_done(list_req *l, void *res, int first, int n, int code)
{
	conn *c = l->c;
	if (c->wsi && c->run) {
		if (code)
			conn_send_error(c, code, l->rid[0] ? l->rid : NULL, NULL);
		else
			list_send(l, res, first, n);
	}
	conn_unref(c);
	free(l);
}

static void list_cols(const void *item, pgarr *col)
{
	const list_req *l = item;
	pgarr_num(&col[0], l->c->pid);
	pgarr_text(&col[1], l->day);
	pgarr_text(&col[2], l->last ? "t" : "f");
}

static void lists_done(arena *a, void **items, int n, void *res, const char *err)
{
	(void)a;
	if (!res && err)
		sa_log(LL_WARN, "attempt summaries of %d failed: %s", n, err);
	for (int i = 0, rows = res ? PQntuples(res) : 0; i < rows;) {
		int64_t ord;
		int j = i + 1;
		if (store_int(res, i, L_ORD, 1, n, &ord) || !items[ord - 1]) {
			i++;
			continue;
		}
		while (j < rows && !strcmp(PQgetvalue(res, j, L_ORD), PQgetvalue(res, i, L_ORD)))
			j++;
		list_done(items[ord - 1], res, i, PQgetisnull(res, i, L_ID) ? 0 : j - i, 0);
		items[ord - 1] = NULL;
		i = j;
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			list_done(items[i], NULL, 0, 0, res ? SA_E_INTERNAL : SA_E_UNAVAILABLE);
}

static const commit_ops list_commit = {
	.sql = list_sql,
	.ncols = 3,
	.row = list_cols,
	.done = lists_done,
};

int attempt_send_list(conn *c, const char *rid)
{
	crun *r = c->run;
	if (!c->a->lists)
		return SA_E_UNAVAILABLE;
	list_req *l = calloc(1, sizeof *l);
	int rc;
	if (!l)
		return SA_E_INTERNAL;
	l->c = c;
	l->last = r->def->attempts_last;
	if (rid)
		snprintf(l->rid, sizeof l->rid, "%s", rid);
	paper_day(r, now_ms(), l->day);
	conn_ref(c);
	if ((rc = commit_add(c->a->lists, l))) {
		conn_unref(c);
		free(l);
	}
	return rc;
}

int attempt_list(msg_ctx *x) { return attempt_send_list(x->c, x->rid); }

/* ------------------------------------------------------------ attempt_start */

typedef struct start_req {
	conn *c;
	crun *r;
	char rid[65];
	int64_t now;
	char day[11];
	int tries;
	/* the attempt, once known */
	int64_t id;
	int no, resumed;
	int64_t started, deadline;
	char *flags; /* "{2,5}" */
	paper *paper;
	/* a new attempt's paper as drawn, until it is stored */
	char *drawn;
	uint64_t seed;
	int count;
	int64_t max_milli;
} start_req;

static int start_begin(start_req *s);

static void start_end(start_req *s, int code, const char *detail)
{
	conn *c = s->c;
	if (c->sp)
		c->sp->starting = 0;
	if (code && c->wsi)
		conn_send_error(c, code, s->rid[0] ? s->rid : NULL, detail);
	conn_unref(c);
	run_unref(s->r);
	paper_free(s->paper);
	free(s->flags);
	free(s->drawn);
	free(s);
}

/* The `attempt` message: the paper as this participant sees it, the saved answers and flags. */
static void start_reply(start_req *s, void *answers)
{
	conn *c = s->c;
	sp_conn *sp = selfpaced_conn(c);
	if (!sp)
		return start_end(s, 0, NULL);
	const paper_pool *pp = s->r->pool;
	int64_t now = now_ms();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "attempt");
	if (s->rid[0])
		cJSON_AddStringToObject(o, "rid", s->rid);
	cJSON_AddNumberToObject(o, "attempt_id", (double)s->id);
	cJSON_AddNumberToObject(o, "attempt_no", s->no);
	cJSON_AddStringToObject(o, "status", "open");
	cJSON_AddBoolToObject(o, "resumed", s->resumed);
	cJSON_AddNumberToObject(o, "started", (double)s->started);
	cJSON_AddNumberToObject(o, "deadline", (double)s->deadline);
	cJSON_AddNumberToObject(o, "server_time", (double)now);
	cJSON_AddNumberToObject(o, "remaining_ms", (double)(s->deadline > now ? s->deadline - now : 0));
	cJSON_AddNumberToObject(o, "count", s->paper->n);
	cJSON *qs = cJSON_AddArrayToObject(o, "questions");
	for (int i = 0; i < s->paper->n; i++)
		cJSON_AddItemToArray(qs, paper_question(pp, s->paper, i));
	cJSON *ans = cJSON_AddArrayToObject(o, "answers");
	for (int i = 0; answers && i < PQntuples(answers); i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "index", atoi(PQgetvalue(answers, i, 0)));
		cJSON *given = PQgetisnull(answers, i, 1) ? NULL : cJSON_Parse(PQgetvalue(answers, i, 1));
		cJSON_AddItemToObject(e, "response", given ? given : cJSON_CreateNull());
		cJSON_AddNumberToObject(e, "change", atoi(PQgetvalue(answers, i, 2)));
		cJSON_AddItemToArray(ans, e);
	}
	cJSON *flags = cJSON_AddArrayToObject(o, "flags");
	selfpaced_pg_ints(flags, s->flags);
	selfpaced_conn_set(sp, s->id, s->no, s->started, s->deadline, s->paper);
	s->paper = NULL;
	conn_send_json(c, o);
	start_end(s, 0, NULL);
}

static void answers_rows(arena *a, void *res, const char *err, void *ud)
{
	start_req *s = ud;
	(void)a;
	if (!s->c->wsi)
		return start_end(s, 0, NULL);
	if (err)
		return start_end(s, SA_E_UNAVAILABLE, NULL);
	start_reply(s, res);
}

/* The paper is known: the answers saved so far (an attempt resumed), then the reply. */
static void start_paper(start_req *s, const char *json)
{
	char id[24];
	if (!(s->paper = paper_parse(s->r->pool, json)))
		return start_end(s, SA_E_INTERNAL, NULL);
	if (!s->resumed)
		return start_reply(s, NULL);
	num(id, sizeof id, s->id);
	const char *p[1] = {id};
	int rc = store_query(s->c->a,
			     "SELECT question_idx, given, change_no FROM attempt_answers "
			     "WHERE attempt_id = $1 ORDER BY question_idx",
			     1, p, answers_rows, s);
	if (rc)
		start_end(s, rc, NULL);
}

/* ------------------------------------------------------------ the batches (store/commit.h) */

/* Columns of attempt_begin_many (server/sql/085_attempt_batches.sql). */
enum { B_PID, B_CID, B_NOW, B_DAY, B_MAX, B_PER_DAY, B_DUR, B_CLOSES, B_NCOLS };

static const char begin_sql[] = "SELECT * FROM attempt_begin_many($1::bigint[], $2::bigint[], $3::bigint[], "
				"$4::date[], $5::int[], $6::int[], $7::bigint[], $8::bigint[], $9)";

static void begin_cols(const void *item, pgarr *col)
{
	const start_req *s = item;
	const contest_def *d = s->r->def;
	const paper_pool *pp = s->r->pool;
	pgarr_num(&col[B_PID], s->c->pid);
	pgarr_num(&col[B_CID], s->r->contest_id);
	pgarr_num(&col[B_NOW], s->now);
	pgarr_text(&col[B_DAY], s->day);
	pgarr_num(&col[B_MAX], d->attempts_max);
	pgarr_num(&col[B_PER_DAY], d->attempts_per_day);
	pgarr_num(&col[B_DUR], pp->duration_ms);
	pgarr_num(&col[B_CLOSES], pp->closes_ms);
}

static const char *begin_instance(arena *a, int k)
{
	(void)k;
	return a->cfg.instance; /* $9 */
}

/* Columns of attempt_paper_many. */
enum { P_ID, P_PAPER, P_SEED, P_COUNT, P_MAX, P_NCOLS };

static const char paper_sql[] = "SELECT * FROM attempt_paper_many($1::bigint[], $2::jsonb[], $3::numeric[], "
				"$4::int[], $5::bigint[])";

static void paper_cols(const void *item, pgarr *col)
{
	const start_req *s = item;
	char seed[24];
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
	pgarr_num(&col[P_ID], s->id);
	pgarr_text(&col[P_PAPER], s->drawn);
	pgarr_text(&col[P_SEED], seed);
	pgarr_num(&col[P_COUNT], s->count);
	pgarr_num(&col[P_MAX], s->max_milli);
}

/*
 * The rows of a batch back to its requests: rows(s, res, i) for each row
 * (column 0 its request's position, from 1), fail(s, code) for a request
 * without one or when the statement did not run.
 */
static void batch_rows(void **items, int n, void *res, const char *err, const char *what,
		       void (*rows)(start_req *s, void *res, int i))
{
	if (!res) {
		if (err)
			sa_log(LL_WARN, "%s of %d failed: %s", what, n, err);
		for (int i = 0; i < n; i++)
			start_end(items[i], SA_E_UNAVAILABLE, NULL);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t ord;
		if (store_int(res, i, 0, 1, n, &ord) || !items[ord - 1])
			continue;
		start_req *s = items[ord - 1];
		items[ord - 1] = NULL;
		rows(s, res, i);
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			start_end(items[i], SA_E_INTERNAL, NULL);
}

static void paper_row(start_req *s, void *res, int i)
{
	free(s->drawn);
	s->drawn = NULL;
	if (PQgetisnull(res, i, 1))
		return start_end(s, SA_E_UNAVAILABLE, NULL);
	/* Another process may have stored it first: what PostgreSQL holds is served. */
	start_paper(s, PQgetvalue(res, i, 1));
}

static void papers_done(arena *a, void **items, int n, void *res, const char *err)
{
	(void)a;
	batch_rows(items, n, res, err, "paper commit", paper_row);
}

static const commit_ops paper_commit = {
	.sql = paper_sql,
	.ncols = P_NCOLS,
	.row = paper_cols,
	.done = papers_done,
};

static void paper_drawn(crun *r, char *json, uint64_t seed, int count, int64_t max_milli, void *ud)
{
	start_req *s = ud;
	(void)r;
	if (!json)
		return start_end(s, SA_E_INTERNAL, NULL);
	s->drawn = strdup(json);
	cJSON_free(json);
	s->seed = seed;
	s->count = count;
	s->max_milli = max_milli;
	if (!s->drawn)
		return start_end(s, SA_E_INTERNAL, NULL);
	if (!s->c->a->papers || commit_add(s->c->a->papers, s))
		start_end(s, SA_E_UNAVAILABLE, NULL);
}

/* An attempt in progress whose deadline passed was ended (result.c): start again. */
static void due_ended(conn *c, int rc, void *ud)
{
	start_req *s = ud;
	(void)c;
	if (rc || ++s->tries > 2 || !s->c->wsi)
		return start_end(s, rc ? rc : SA_E_UNAVAILABLE, NULL);
	if ((rc = start_begin(s)))
		start_end(s, rc, NULL);
}

/* Columns of attempt_begin_many's rows. */
enum { R_ORD, R_KIND, R_ID, R_NO, R_START, R_DEADLINE, R_PAPER, R_FLAGS };

static void begin_row(start_req *s, void *res, int i)
{
	if (!s->c->wsi)
		return start_end(s, 0, NULL);
	if (s->r->retired) /* archived, deleted or reset meanwhile */
		return start_end(s, s->r->retired, NULL);
	const char *kind = PQgetvalue(res, i, R_KIND);
	if (!strcmp(kind, "max") || !strcmp(kind, "day"))
		return start_end(s, SA_E_NO_ATTEMPTS, !strcmp(kind, "max") ? "max" : "per_day");
	if (!strcmp(kind, "gone"))
		return start_end(s, SA_E_NOT_JOINED, NULL);
	s->id = atoll(PQgetvalue(res, i, R_ID));
	s->no = atoi(PQgetvalue(res, i, R_NO));
	s->started = atoll(PQgetvalue(res, i, R_START));
	s->deadline = atoll(PQgetvalue(res, i, R_DEADLINE));
	free(s->flags);
	s->flags = strdup(PQgetisnull(res, i, R_FLAGS) ? "{}" : PQgetvalue(res, i, R_FLAGS));
	if (!strcmp(kind, "due")) {
		int rc = result_end(s->c, s->r, s->id, "expired", due_ended, s);
		if (rc)
			start_end(s, rc, NULL);
		return;
	}
	s->resumed = !strcmp(kind, "open");
	if (!PQgetisnull(res, i, R_PAPER))
		return start_paper(s, PQgetvalue(res, i, R_PAPER));
	if (paper_draw(s->r, s->c->pid, s->no, paper_drawn, s))
		start_end(s, SA_E_INTERNAL, NULL);
}

static void begins_done(arena *a, void **items, int n, void *res, const char *err)
{
	(void)a;
	batch_rows(items, n, res, err, "attempt start commit", begin_row);
}

static const commit_ops begin_commit = {
	.sql = begin_sql,
	.ncols = B_NCOLS,
	.nextra = 1,
	.row = begin_cols,
	.extra = begin_instance,
	.done = begins_done,
};

/* attempt_begin under the participant's row lock, many starts in one statement. */
static int start_begin(start_req *s)
{
	arena *a = s->c->a;
	return a->starts ? commit_add(a->starts, s) : SA_E_UNAVAILABLE;
}

/*
 * Starts and papers wait at most --commit-delay-ms for others; while
 * --commit-inflight statements of a kind are on their way, the next ones
 * grow (store/commit.h).
 */
int attempt_open(arena *a)
{
	commit_policy pol = {
		.max = a->cfg.commit_max,
		.delay_ms = a->cfg.commit_delay_ms,
		.inflight = a->cfg.commit_inflight > 0 ? a->cfg.commit_inflight : 1,
	};
	a->starts = commit_open(a, &begin_commit, pol);
	a->papers = commit_open(a, &paper_commit, pol);
	a->lists = commit_open(a, &list_commit, pol);
	return a->starts && a->papers && a->lists ? 0 : SA_E_INTERNAL;
}

/* Starts and papers still waiting are answered `unavailable`. */
void attempt_close(arena *a)
{
	if (a->starts)
		commit_close(a->starts);
	if (a->papers)
		commit_close(a->papers);
	if (a->lists)
		commit_close(a->lists);
	a->starts = a->papers = a->lists = NULL;
}

int attempt_start(msg_ctx *x)
{
	conn *c = x->c;
	crun *r = c->run;
	const paper_pool *pp = r->pool;
	int rc = 0;
	const char *code = msg_string(x, "code", 0, &rc);
	if (rc)
		return rc;
	if (code && run_find(c->a, code) != r)
		return SA_E_UNKNOWN_CONTEST;
	sp_conn *sp = selfpaced_conn(c);
	if (!sp)
		return SA_E_INTERNAL;
	if (c->a->stopping)
		return SA_E_UNAVAILABLE;
	if (r->st.phase == PHASE_FINISHED)
		return SA_E_CONTEST_FINISHED;
	if (x->recv_ms < pp->opens_ms || x->recv_ms >= pp->closes_ms)
		return SA_E_OUTSIDE_WINDOW;
	limit_rate lr = {c->a->cfg.attempt_start_rate / 60.0, 3};
	if (sp->starting || (c->a->cfg.attempt_start_rate && limit_take(&sp->starts, &lr, x->recv_ms)))
		return SA_E_RATE_LIMITED;
	start_req *s = calloc(1, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	s->c = c;
	s->r = r;
	run_ref(r); /* until start_end */
	s->now = x->recv_ms;
	if (x->rid)
		snprintf(s->rid, sizeof s->rid, "%s", x->rid);
	paper_day(r, s->now, s->day);
	sp->starting = 1;
	conn_ref(c);
	if ((rc = start_begin(s))) {
		s->rid[0] = '\0'; /* the handler's return answers it */
		start_end(s, 0, NULL);
		return rc;
	}
	return 0;
}
