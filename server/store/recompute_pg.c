/*
 * recompute_pg.c - the data of a recomputation (see recompute.h): read from
 * PostgreSQL and Redis with blocking calls (the `recompute` command, or
 * libuv's thread pool for an upheld appeal), and the corrected scores
 * written back.
 *
 *   load      the contest (its stored definition: mode, scoring rules and
 *             tie-breaks, awards, pass mark), its questions as stored, the
 *             upheld corrections of appeals, participants, answers (the
 *             fair-play branch's answers.reached_ds when the column exists,
 *             else the receive time from the contest's start)
 *   compare   answers and participants; the Redis board when Redis answers
 *             and its keys are this contest's (its "ok" key); contest_results
 *             when it names the contest's state; the latest release
 *   apply     the recomputed points, totals, times and streaks written in
 *             the caller's transaction; the stored ranking marked stale
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/err.h"
#include "store/lb.h"
#include "store/pgarr.h"
#include "store/pgsync.h"
#include "store/recompute.h"
#include "store/recompute_paced_pg.h"
#include "store/recompute_pg.h"
#include "store/store.h"

/* Whether table.column exists (columns of another branch's migration). */
static bool has_column(PGconn *pg, const char *table, const char *column)
{
	const char *p[2] = {table, column};
	PGresult *r =
		pgsync_query(pg,
			     "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
			     "AND table_name = $1 AND column_name = $2",
			     2, p);
	bool yes = r && PQntuples(r) == 1;
	PQclear(r);
	return yes;
}

static bool has_table(PGconn *pg, const char *table)
{
	const char *p[1] = {table};
	PGresult *r = pgsync_query(pg, "SELECT to_regclass($1) IS NOT NULL", 1, p);
	bool yes = r && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	return yes;
}

/* The contest row and its definition: rules in *rules (owned by *def). */
static int load_contest(PGconn *pg, const char *code, rc_contest *c, cJSON **def, int64_t *started, char *err,
			size_t n)
{
	const char *p[1] = {code};
	PGresult *r = pgsync_query(
		pg, "SELECT id, epoch, started_ms, code, source FROM contests WHERE code = upper($1)", 1, p);
	int rc = 0;
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest", pg);
	if (PQntuples(r) != 1) {
		snprintf(err, n, "no contest has the code %s", code);
		rc = SA_E_NOT_FOUND;
	} else if (store_int(r, 0, 0, 1, INT64_MAX, &c->id) || store_int(r, 0, 1, 0, INT64_MAX, &c->epoch) ||
		   store_int(r, 0, 2, 0, INT64_MAX, started) || !store_text(r, 0, 4) ||
		   !(c->code = strdup(PQgetvalue(r, 0, 3))) || !(*def = cJSON_Parse(PQgetvalue(r, 0, 4)))) {
		snprintf(err, n, "contest %s: its row cannot be read", code);
		rc = SA_E_INVALID_FIELD;
	}
	PQclear(r);
	if (rc)
		return rc;
	static const char *const modes[] = {"live", "exam", "practice", "mass"};
	const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*def, "mode"));
	c->mode = -1;
	for (int i = RC_LIVE; i <= RC_MASS; i++)
		if (!strcmp(mode ? mode : "live", modes[i]))
			c->mode = i;
	if (c->mode < 0) {
		snprintf(err, n, "contest %s: its stored mode '%s' is none the server knows", c->code, mode);
		return SA_E_INVALID_FIELD;
	}
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(*def, "scoring");
	const cJSON *pm = cJSON_GetObjectItemCaseSensitive(*def, "pass_mark");
	const cJSON *aw = cJSON_GetObjectItemCaseSensitive(*def, "awards");
	char *why = NULL;
	if (score_tiebreak_parse(rules, &c->tb, &why))
		c->tb = score_tiebreak_default; /* as store/ranking.c does */
	free(why);
	why = NULL;
	c->pass_mark = cJSON_IsNumber(pm) ? pm->valuedouble : -1;
	if (cJSON_IsObject(aw) && !results_awards_parse(aw, "en", &c->awards, &why))
		c->has_awards = true;
	free(why);
	return 0;
}

static int load_questions(PGconn *pg, const char *id, rc_contest *c, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = pgsync_query(pg,
				   "SELECT qid, definition::text, time_limit_ms, max_milli FROM questions "
				   "WHERE contest_id = $1 ORDER BY idx",
				   1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "questions", pg);
	int nq = PQntuples(r), rc = 0;
	if (!(c->qs = calloc((size_t)nq + 1, sizeof *c->qs)))
		rc = pgsync_fail(err, n, SA_E_INTERNAL, "questions", NULL);
	for (int i = 0; !rc && i < nq; i++) {
		rc_question *q = &c->qs[i];
		if (!store_text(r, i, 0) || store_int(r, i, 2, 0, INT32_MAX, &q->limit_ms) ||
		    store_int(r, i, 3, 0, INT32_MAX, &q->max_milli) ||
		    !(q->qid = strdup(PQgetvalue(r, i, 0))) || !(q->def = cJSON_Parse(PQgetvalue(r, i, 1)))) {
			free(q->qid);
			q->qid = NULL;
			snprintf(err, n, "questions: row %d cannot be read", i);
			rc = SA_E_INVALID_FIELD;
		} else
			c->nq++;
	}
	PQclear(r);
	return rc;
}

/* The upheld corrections, oldest first: keys applied now, marks once the answers are in (*marks). */
static int load_corrections(PGconn *pg, const char *id, rc_contest *c, cJSON **marks, char *err, size_t n)
{
	*marks = cJSON_CreateArray();
	if (!*marks)
		return pgsync_fail(err, n, SA_E_INTERNAL, "corrections", NULL);
	if (!has_table(pg, "appeals"))
		return 0;
	const char *p[1] = {id};
	PGresult *r = pgsync_query(
		pg,
		"SELECT id, correction::text FROM appeals WHERE contest_id = $1 AND status = 'upheld' "
		"AND correction IS NOT NULL ORDER BY decided_at, id",
		1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "appeals", pg);
	int rc = 0;
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		cJSON *corr = cJSON_Parse(PQgetvalue(r, i, 1));
		char why[200];
		if (!corr || rc_correct_key(c, corr, why, sizeof why)) {
			snprintf(err, n, "appeal %s: its correction cannot be applied: %s",
				 PQgetvalue(r, i, 0), corr ? why : "not JSON");
			rc = SA_E_INVALID_FIELD;
		}
		if (corr)
			cJSON_AddItemToArray(*marks, corr);
	}
	PQclear(r);
	return rc;
}

static int load_people(PGconn *pg, const char *id, rc_contest *c, int64_t started, char *err, size_t n)
{
	const char *p[1] = {id};
	bool removed = has_column(pg, "participants", "removed"),
	     rds = has_column(pg, "answers", "reached_ds");
	PGresult *r = pgsync_query(
		pg,
		removed ? "SELECT id, name, employee_no, unit, score_milli, reached_ds, streak, removed "
			  "FROM participants WHERE contest_id = $1 ORDER BY id"
			: "SELECT id, name, employee_no, unit, score_milli, reached_ds, streak, false "
			  "FROM participants WHERE contest_id = $1 ORDER BY id",
		1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "participants", pg);
	int rc = 0;
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		int64_t pid, score, ds, streak;
		if (store_int(r, i, 0, 1, INT64_MAX, &pid) || !store_text(r, i, 1) ||
		    store_int(r, i, 4, INT64_MIN / 4, INT64_MAX / 4, &score) ||
		    store_int(r, i, 5, INT64_MIN / 4, INT64_MAX / 4, &ds) ||
		    store_int(r, i, 6, INT32_MIN, INT32_MAX, &streak)) {
			snprintf(err, n, "participants: row %d cannot be read", i);
			rc = SA_E_INVALID_FIELD;
		} else if (rc_add_participant(c, pid, PQgetvalue(r, i, 1), store_text(r, i, 2),
					      PQgetvalue(r, i, 3), score, ds, streak,
					      !strcmp(PQgetvalue(r, i, 7), "t")))
			rc = pgsync_fail(err, n, SA_E_INTERNAL, "participants", NULL);
	}
	PQclear(r);
	if (rc)
		return rc;
	/* The time each answer's total was reached: stored with it (fair play), else from its receive time. */
	char st[24];
	snprintf(st, sizeof st, "%lld", (long long)started);
	const char *pa[2] = {id, st};
	r = pgsync_query(
		pg,
		rds ? "SELECT participant_id, question_idx, response, points_milli, correctness, response_ms, "
		      "coalesce(reached_ds, (received_ms - $2::bigint) / 100) FROM answers WHERE contest_id = $1"
		    : "SELECT participant_id, question_idx, response, points_milli, correctness, response_ms, "
		      "(received_ms - $2::bigint) / 100 FROM answers WHERE contest_id = $1",
		2, pa);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "answers", pg);
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		int64_t pid, qidx, pts, corr, rms, ads;
		if (store_int(r, i, 0, 1, INT64_MAX, &pid) || store_int(r, i, 1, 0, INT32_MAX, &qidx) ||
		    !store_text(r, i, 2) || store_int(r, i, 3, INT64_MIN / 4, INT64_MAX / 4, &pts) ||
		    store_int(r, i, 4, 0, 2, &corr) || store_int(r, i, 5, INT32_MIN, INT32_MAX, &rms) ||
		    store_int(r, i, 6, INT64_MIN / 4, INT64_MAX / 4, &ads)) {
			snprintf(err, n, "answers: row %d cannot be read", i);
			rc = SA_E_INVALID_FIELD;
		} else if (rc_add_answer(c, pid, (int)qidx, PQgetvalue(r, i, 2), pts, (int)corr, rms, ads))
			rc = pgsync_fail(err, n, SA_E_INTERNAL, "answers", NULL);
	}
	PQclear(r);
	if (!rc && rc_link(c))
		rc = pgsync_fail(err, n, SA_E_INVALID_FIELD, "answers of no participant of the contest",
				 NULL);
	return rc;
}

/* A live contest's questions, corrections, participants and answers, rescored. */
static int load_live(PGconn *pg, const score_engine *eng, rc_contest *c, const cJSON *def, int64_t started,
		     char *err, size_t n)
{
	cJSON *marks = NULL;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	int rc = load_questions(pg, id, c, err, n);
	rc = rc ? rc : load_corrections(pg, id, c, &marks, err, n);
	if (!rc && rc_compile(c, eng, cJSON_GetObjectItemCaseSensitive(def, "scoring"), err, n))
		rc = SA_E_INTERNAL;
	rc = rc ? rc : load_people(pg, id, c, started, err, n);
	const cJSON *m;
	cJSON_ArrayForEach(m, marks)
	{
		char why[200];
		if (!rc && rc_correct_mark(c, m, why, sizeof why)) {
			snprintf(err, n, "a correction cannot be applied: %s", why);
			rc = SA_E_INVALID_FIELD;
		}
	}
	if (!rc && rc_rescore(c, err, n))
		rc = SA_E_INTERNAL;
	cJSON_Delete(marks);
	return rc;
}

int recompute_load(PGconn *pg, const score_engine *eng, const char *code, rc_contest *c, char *err, size_t n)
{
	cJSON *def = NULL;
	int64_t started = 0;
	err[0] = '\0';
	int rc = load_contest(pg, code, c, &def, &started, err, n);
	if (!rc && c->mode != RC_LIVE) {
		snprintf(err, n, "contest %s is self-paced: corrections apply to live contests' answers",
			 c->code);
		rc = SA_E_BAD_STATE;
	}
	rc = rc ? rc : load_live(pg, eng, c, def, started, err, n);
	cJSON_Delete(def);
	return rc;
}

/*
 * A self-paced contest: its stored questions (the maximum the ranking's pass
 * mark reads, as store/ranking.c), participants, then everything else
 * (recompute_paced_pg.c); the ranking of the counted attempts.
 */
static int load_paced(PGconn *pg, const score_engine *eng, const recompute_paced_src *src, rc_contest *c,
		      int64_t started, rc_report *rep, char *err, size_t n)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	int rc = load_questions(pg, id, c, err, n);
	c->max_milli = 0;
	for (int i = 0; !rc && i < c->nq; i++)
		c->max_milli += c->qs[i].max_milli;
	rc = rc ? rc : load_people(pg, id, c, started, err, n);
	if (!rc && c->na)
		rc_report_skip(rep, "live answers stored for a self-paced contest");
	const char *p[1] = {id};
	PGresult *r =
		!rc && has_table(pg, "appeals")
			? pgsync_query(pg,
				       "SELECT 1 FROM appeals WHERE contest_id = $1 AND status = 'upheld' "
				       "AND correction IS NOT NULL LIMIT 1",
				       1, p)
			: NULL;
	if (r && PQntuples(r))
		rc_report_skip(rep, "upheld corrections (they apply to live contests' answers only)");
	PQclear(r);
	rc = rc ? rc : recompute_paced_check(pg, eng, src, c, rep, err, n);
	if (!rc && c->mode != RC_PRACTICE && rc_rank(c, err, n))
		rc = SA_E_INTERNAL;
	return rc;
}

/* ------------------------------------------------------------ comparisons */

static void compare_ranking(PGconn *pg, const rc_contest *c, rc_report *rep, bool release)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	const char *p[1] = {id};
	PGresult *r;
	if (release && !has_table(pg, "result_release_rows"))
		return;
	r = pgsync_query(
		pg,
		release ? "SELECT x.place, x.rank, x.tied, x.participant_id, x.score_milli, "
			  "coalesce(x.award_tier, -1), x.revision FROM result_release_rows x "
			  "WHERE x.contest_id = $1 AND x.revision = (SELECT max(r.revision) FROM result_releases r "
			  "JOIN contests c ON c.id = r.contest_id AND c.epoch = r.epoch WHERE r.contest_id = $1) "
			  "ORDER BY x.place"
			: "SELECT x.place, x.rank, x.tied, x.participant_id, x.score_milli, -100, 0 "
			  "FROM contest_results x JOIN contest_results_meta m ON m.contest_id = x.contest_id "
			  "JOIN contests c ON c.id = x.contest_id WHERE x.contest_id = $1 "
			  "AND m.epoch = c.epoch AND m.seq = c.seq ORDER BY x.place",
		1, p);
	int nr = r ? PQntuples(r) : 0;
	rc_row *rows = calloc((size_t)nr + 1, sizeof *rows);
	if (!r || !rows) {
		rc_report_skip(rep, release ? "the release could not be read"
					    : "contest_results could not be read");
		free(rows);
		PQclear(r);
		return;
	}
	for (int i = 0; i < nr; i++) {
		int64_t tier;
		store_int(r, i, 0, 0, INT64_MAX, &rows[i].place);
		store_int(r, i, 1, 0, INT64_MAX, &rows[i].rank);
		rows[i].tied = !strcmp(PQgetvalue(r, i, 2), "t");
		store_int(r, i, 3, 0, INT64_MAX, &rows[i].pid);
		store_int(r, i, 4, INT64_MIN / 4, INT64_MAX / 4, &rows[i].score_milli);
		if (store_int(r, i, 5, -100, RESULTS_MAX_TIERS, &tier))
			tier = RC_TIER_ANY;
		rows[i].tier = (int)tier;
		if (release)
			store_int(r, i, 6, 0, INT64_MAX, &rep->revision);
	}
	if (nr)
		rc_compare_rows(c, release ? "release" : "results", rows, (size_t)nr, rep);
	free(rows);
	PQclear(r);
}

static redisContext *redis_open(const recompute_opts *o)
{
	char host[256] = "127.0.0.1";
	int port = 6379, db = 0;
	const char *colon = strrchr(o->redis, ':');
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - o->redis), o->redis);
		port = atoi(colon + 1);
		const char *slash = strchr(colon, '/');
		db = slash ? atoi(slash + 1) : 0;
	}
	struct timeval tv = {2, 0};
	redisContext *rc = redisConnectWithTimeout(host, port, tv);
	if (!rc || rc->err) {
		redisFree(rc);
		return NULL;
	}
	redisSetTimeout(rc, tv);
	redisReply *rr = o->redis_password && *o->redis_password
				 ? redisCommand(rc, "AUTH %s", o->redis_password)
				 : redisCommand(rc, "PING");
	bool ok = rr && rr->type != REDIS_REPLY_ERROR;
	freeReplyObject(rr);
	if (ok && db)
		freeReplyObject(redisCommand(rc, "SELECT %d", db));
	if (!ok) {
		redisFree(rc);
		return NULL;
	}
	return rc;
}

static void compare_board(const rc_contest *c, const recompute_opts *o, redisContext *rc, rc_report *rep)
{
	if (!rc) {
		rc_report_skip(rep, "the Redis board (redis unreachable)");
		return;
	}
	char ident[48];
	snprintf(ident, sizeof ident, "%lld:%lld", (long long)c->id, (long long)c->epoch);
	redisReply *ok = redisCommand(rc, "GET %s%s:ok", o->redis_prefix ? o->redis_prefix : "sa:", c->code);
	if (!ok || ok->type != REDIS_REPLY_STRING || strcmp(ok->str, ident)) {
		rc_report_skip(rep, "the Redis board (its keys are not complete: the servers rebuild them)");
		freeReplyObject(ok);
		return;
	}
	freeReplyObject(ok);
	redisReply *z = redisCommand(rc, "ZRANGE %s%s:lb 0 -1 WITHSCORES",
				     o->redis_prefix ? o->redis_prefix : "sa:", c->code);
	rc_member *m = z && z->type == REDIS_REPLY_ARRAY ? calloc(z->elements / 2 + 1, sizeof *m) : NULL;
	if (!m)
		rc_report_skip(rep, "the Redis board (it could not be read)");
	for (size_t i = 0; m && i + 1 < z->elements; i += 2) {
		char *end;
		m[i / 2].pid = lb_member_pid(z->element[i]->str, z->element[i]->len);
		m[i / 2].z = strtod(z->element[i + 1]->str, &end);
	}
	if (m)
		rc_compare_board(c, m, z->elements / 2, rep);
	free(m);
	freeReplyObject(z);
}

int recompute_check(PGconn *pg, const score_engine *eng, const char *code, const recompute_opts *o,
		    rc_contest *c, rc_report *rep, char *err, size_t n)
{
	cJSON *def = NULL;
	int64_t started = 0;
	err[0] = '\0';
	int rc = load_contest(pg, code, c, &def, &started, err, n);
	redisContext *rds = !rc && o && o->redis && *o->redis ? redis_open(o) : NULL;
	recompute_paced_src src = {o ? o->bank_dir : NULL, rds, o ? o->redis_prefix : NULL};
	if (!rc && c->mode == RC_LIVE)
		rc = load_live(pg, eng, c, def, started, err, n);
	else if (!rc)
		rc = load_paced(pg, eng, &src, c, started, rep, err, n);
	cJSON_Delete(def);
	if (!rc && c->mode == RC_LIVE)
		rc_compare_answers(c, rep);
	if (!rc && c->mode != RC_PRACTICE) { /* practice is never ranked */
		rc_compare_participants(c, rep);
		if (o)
			compare_board(c, o, rds, rep);
		compare_ranking(pg, c, rep, false);
		compare_ranking(pg, c, rep, true);
	}
	if (rds)
		redisFree(rds);
	return rc;
}

/* ------------------------------------------------------------ apply */

/* One statement of many rows: the columns as arrays, turned back into rows by unnest(). */
static int apply_rows(PGconn *pg, const char *sql, pgarr *col, int ncol, const char *what, char *err,
		      size_t n)
{
	const char *p[4];
	for (int i = 0; i < ncol; i++)
		if (!(p[i] = pgarr_end(&col[i])))
			return pgsync_fail(err, n, SA_E_INTERNAL, what, NULL);
	PGresult *r = pgsync_query(pg, sql, ncol, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, what, pg);
	PQclear(r);
	return 0;
}

int recompute_apply(PGconn *pg, const rc_contest *c, int *changed, char *err, size_t n)
{
	pgarr col[8];
	for (int i = 0; i < 8; i++)
		pgarr_init(&col[i]);
	*changed = 0;
	for (size_t i = 0; i < c->na; i++) {
		const rc_answer *x = &c->as[i];
		if (x->bad || (x->points_milli == x->new_points && x->correctness == x->new_correctness))
			continue;
		pgarr_num(&col[0], x->pid);
		pgarr_num(&col[1], x->qidx);
		pgarr_num(&col[2], x->new_points);
		pgarr_num(&col[3], x->new_correctness);
		(*changed)++;
	}
	for (size_t i = 0; i < c->np; i++) {
		const rc_participant *x = &c->ps[i];
		if (x->score_milli == x->new_score && x->reached_ds == x->new_reached_ds &&
		    x->streak == x->new_streak)
			continue;
		pgarr_num(&col[4], x->id);
		pgarr_num(&col[5], x->new_score);
		pgarr_num(&col[6], x->new_reached_ds);
		pgarr_num(&col[7], x->new_streak);
	}
	int rc = apply_rows(
		pg,
		"UPDATE answers a SET points_milli = v.pts, correctness = v.corr FROM unnest($1::bigint[], "
		"$2::int[], $3::bigint[], $4::smallint[]) AS v(pid, qidx, pts, corr) "
		"WHERE a.participant_id = v.pid AND a.question_idx = v.qidx",
		col, 4, "answers", err, n);
	rc = rc ? rc
		: apply_rows(
			  pg,
			  "UPDATE participants p SET score_milli = v.pts, reached_ds = v.ds, streak = v.streak "
			  "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[]) AS v(id, pts, ds, streak) "
			  "WHERE p.id = v.id",
			  col + 4, 4, "participants", err, n);
	for (int i = 0; i < 8; i++)
		pgarr_release(&col[i]);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	const char *p[1] = {id};
	PGresult *r =
		rc ? NULL : pgsync_query(pg, "DELETE FROM contest_results_meta WHERE contest_id = $1", 1, p);
	if (!rc && !r)
		rc = pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest_results_meta", pg);
	PQclear(r);
	return rc;
}

/* ------------------------------------------------------------ the command */

/* Where an uploaded contest's banks are, as live/load.c has it: --bank-dir, else the first --contests
 * directory (of a file: its directory). */
static const char *upload_bank_dir(const sa_config *cfg, char *dir, size_t n)
{
	if (cfg->bank_dir && *cfg->bank_dir)
		return cfg->bank_dir;
	const char *list = cfg->contests && *cfg->contests ? cfg->contests : "contests";
	snprintf(dir, n, "%.*s", (int)strcspn(list, ","), list);
	size_t l = strlen(dir);
	if (l > 5 && !strcmp(dir + l - 5, ".json")) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, n, ".");
	}
	return dir;
}

int recompute_command(const sa_config *cfg, const score_engine *eng, int argc, char **argv)
{
	const char *code = NULL;
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || code) {
			fprintf(stderr,
				"skillarena recompute: unexpected argument '%s' (see skillarena recompute --help)\n",
				argv[i]);
			return 2;
		} else
			code = argv[i];
	}
	if (!code) {
		fprintf(stderr,
			"skillarena recompute: a contest code is needed (see skillarena recompute --help)\n");
		return 2;
	}
	char err[512];
	rc_contest c = {0};
	rc_report rep = {0};
	char bank_dir[1024];
	recompute_opts o = {cfg->redis, cfg->redis_password, cfg->redis_prefix,
			    upload_bank_dir(cfg, bank_dir, sizeof bank_dir)};
	PGconn *pg = PQconnectdb(cfg->pg);
	/* One snapshot for every table read: an answer committed meanwhile is in all of them or none. */
	PGresult *tx = PQstatus(pg) == CONNECTION_OK
			       ? pgsync_query(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL)
			       : NULL;
	int rc = tx ? recompute_check(pg, eng, code, &o, &c, &rep, err, sizeof err)
		    : pgsync_fail(err, sizeof err, SA_E_UNAVAILABLE, "postgresql", pg);
	PQclear(tx);
	PQfinish(pg);
	if (rc)
		fprintf(stderr, "skillarena recompute: %s\n", err);
	else if (json) {
		cJSON *j = rc_report_json(&c, &rep);
		char *text = j ? cJSON_PrintUnformatted(j) : NULL;
		if (text)
			printf("%s\n", text);
		cJSON_free(text);
		cJSON_Delete(j);
	} else
		rc_report_print(&c, &rep, stdout);
	int exit = rc ? 2 : rep.n || rep.oom ? 1 : 0;
	rc_contest_release(&c);
	rc_report_release(&rep);
	return exit;
}
