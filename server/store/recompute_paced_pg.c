/*
 * recompute_paced_pg.c - the data of a self-paced contest's recomputation
 * (see recompute_paced_pg.h), read with blocking libpq and hiredis in the
 * caller's snapshot (the `recompute` command).
 *
 *   definition  the stored text (`source`), loaded by the contests library
 *               with the bank rules of its origin as live/load.c does: a
 *               contest file's banks relative to it, an upload's under the
 *               bank directory, a console contest's from the copies taken
 *               when it was published (contest_banks); then its pool and
 *               time zone
 *   exam, mass  attempts, answer_changes, attempt_answers; for mass the day
 *               boards in Redis (each day whose "okd" key names this
 *               contest's row and epoch: a day being rebuilt is not
 *               compared) and the units: the roster (units, workers), the
 *               unit each participant counts under, and the server's own
 *               per-unit query (live/rollup.c's) overall and per day
 *   practice    this contest's practice answers, the same workers' answers
 *               in other contests (with each contest's leave_after), their
 *               wrong_book entries
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/err.h"
#include "store/banks.h"
#include "store/lb.h"
#include "store/recompute_paced.h"
#include "store/recompute_paced_pg.h"
#include "store/store.h"
#include "store/units.h"

static int fail(char *err, size_t n, int code, const char *what, PGconn *pg)
{
	snprintf(err, n, "%s: %s", what, pg ? PQerrorMessage(pg) : "out of memory");
	return code;
}

static PGresult *query(PGconn *pg, const char *sql, int np, const char *const *p)
{
	PGresult *r = PQexecParams(pg, sql, np, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	PQclear(r);
	return NULL;
}

static bool has_table(PGconn *pg, const char *table)
{
	const char *p[1] = {table};
	PGresult *r = query(pg, "SELECT to_regclass($1) IS NOT NULL", 1, p);
	bool yes = r && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	return yes;
}

/* A nullable bigint: RC_NONE for NULL. */
static int opt_int(PGresult *r, int i, int col, int64_t *out)
{
	if (PQgetisnull(r, i, col)) {
		*out = RC_NONE;
		return 0;
	}
	return store_int(r, i, col, INT64_MIN / 4, INT64_MAX / 4, out);
}

/* ------------------------------------------------------------ the definition */

/* The banks of a console contest as published (contest_banks), read in this snapshot. */
static int console_banks(PGconn *pg, const char *id, bankset *bs)
{
	const char *p[1] = {id};
	PGresult *r =
		query(pg, "SELECT name, source FROM contest_banks WHERE contest_id = $1 ORDER BY name", 1, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	int n = PQntuples(r), rc = 0;
	if (!(bs->v = calloc((size_t)n + 1, sizeof *bs->v)))
		rc = SA_E_INTERNAL;
	for (int i = 0; !rc && i < n; i++) {
		bankset_item *b = &bs->v[bs->n];
		b->name = strdup(PQgetvalue(r, i, 0));
		b->json = strdup(PQgetvalue(r, i, 1));
		b->len = (size_t)PQgetlength(r, i, 1);
		bs->n++;
		if (!b->name || !b->json)
			rc = SA_E_INTERNAL;
	}
	PQclear(r);
	return rc;
}

static int load_def(PGconn *pg, const score_engine *eng, const recompute_paced_src *src, const rc_contest *c,
		    const char *id, rc_paced *s, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = query(pg,
			    "SELECT coalesce(source, definition::text), origin, bank_source = 'console' "
			    "FROM contests WHERE id = $1",
			    1, p);
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return fail(err, n, SA_E_UNAVAILABLE, "contest", pg);
	}
	const char *origin = store_text(r, 0, 1);
	bool console = !strcmp(PQgetvalue(r, 0, 2), "t");
	char name[1200];
	bankset bs = {0};
	contest_def *def = NULL;
	contest_pool *pool = NULL;
	results_tz *tz = NULL;
	contest_diag diag = {0};
	char *why = NULL;
	snprintf(name, sizeof name, "%s/%s.json", src->bank_dir && *src->bank_dir ? src->bank_dir : ".",
		 c->code);
	contest_load_opts o = {.lang = "en", .bank_root = origin ? NULL : src->bank_dir};
	int rc = console ? console_banks(pg, id, &bs) : 0;
	if (console) {
		o.bank_resolve = bankset_resolve;
		o.bank_ud = &bs;
	}
	if (!rc && contest_load_v2(origin ? origin : name, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
				   eng, &o, &def, &diag)) {
		const contest_problem *pb = diag.count ? &diag.items[0] : NULL;
		snprintf(err, n, "contest %s: its stored definition no longer loads: %s%s%s", c->code,
			 pb && pb->path ? pb->path : "", pb ? ": " : "", pb ? pb->message : "out of memory");
		rc = SA_E_INVALID_FIELD;
	}
	if (!rc && contest_pool_build(def, eng, &pool, &why)) {
		snprintf(err, n, "contest %s: its question pool cannot be built: %s", c->code,
			 why ? why : "?");
		rc = SA_E_INVALID_FIELD;
	}
	if (!rc && results_tz_load(def->time_zone, &tz)) {
		snprintf(err, n, "contest %s: unknown time zone '%s'", c->code, def->time_zone);
		rc = SA_E_INVALID_FIELD;
	}
	free(why);
	contest_diag_free(&diag);
	bankset_release(&bs);
	PQclear(r);
	if (rc) {
		contest_pool_free(pool);
		contest_free(def);
		results_tz_free(tz);
		return rc;
	}
	return rc_paced_open(s, def, pool, tz) ? fail(err, n, SA_E_INTERNAL, "pool", NULL) : 0;
}

/* ------------------------------------------------------------ attempts */

static int attempt_row(PGresult *r, int i, rc_attempt *a)
{
	int64_t no, v[5];
	const char *st = PQgetvalue(r, i, 3), *day = PQgetvalue(r, i, 4);
	memset(a, 0, sizeof *a);
	if (store_int(r, i, 0, 1, INT64_MAX, &a->id) || store_int(r, i, 1, 1, INT64_MAX, &a->pid) ||
	    store_int(r, i, 2, 1, INT32_MAX, &no) || strlen(day) != 10 || !st[0] || !strchr("ose", st[0]) ||
	    store_int(r, i, 5, 0, INT64_MAX / 4, &a->started_ms) ||
	    store_int(r, i, 6, 0, INT64_MAX / 4, &a->deadline_ms) || opt_int(r, i, 7, &a->submitted_ms) ||
	    opt_int(r, i, 8, &a->duration_ms))
		return -1;
	for (int k = 0; k < 5; k++)
		if (store_int(r, i, 11 + k, INT64_MIN / 4, INT64_MAX / 4, &v[k]))
			return -1;
	a->no = (int)no;
	a->status = st[0];
	memcpy(a->day, day, 11);
	a->paper = (char *)store_text(r, i, 9); /* copied by rc_paced_add_attempt */
	a->seed = (char *)store_text(r, i, 10);
	a->count = v[0], a->max_milli = v[1], a->score_milli = v[2], a->correct = v[3], a->answered = v[4];
	return 0;
}

static int load_attempts(PGconn *pg, const char *id, rc_paced *s, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r =
		query(pg,
		      "SELECT id, participant_id, attempt_no, left(status, 1), day::text, started_ms, "
		      "deadline_ms, submitted_ms, duration_ms, paper::text, seed::text, count, max_milli, "
		      "score_milli, correct, answered FROM attempts WHERE contest_id = $1",
		      1, p);
	if (!r)
		return fail(err, n, SA_E_UNAVAILABLE, "attempts", pg);
	int rc = 0;
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		rc_attempt a;
		if (attempt_row(r, i, &a)) {
			snprintf(err, n, "attempts: row %d cannot be read", i);
			rc = SA_E_INVALID_FIELD;
		} else if (rc_paced_add_attempt(s, &a))
			rc = fail(err, n, SA_E_INTERNAL, "attempts", NULL);
	}
	PQclear(r);
	if (rc)
		return rc;
	/* Every change, and the current answers. */
	for (int which = 0; !rc && which < 2; which++) {
		r = query(
			pg,
			which ? "SELECT x.attempt_id, x.question_idx, x.change_no, x.response, x.points_milli, "
				"x.correctness FROM attempt_answers x JOIN attempts t ON t.id = x.attempt_id "
				"WHERE t.contest_id = $1"
			      : "SELECT x.attempt_id, x.question_idx, x.change_no, x.response, x.received_ms, 0 "
				"FROM answer_changes x JOIN attempts t ON t.id = x.attempt_id WHERE t.contest_id = $1",
			1, p);
		if (!r)
			return fail(err, n, SA_E_UNAVAILABLE, which ? "attempt_answers" : "answer_changes",
				    pg);
		for (int i = 0; !rc && i < PQntuples(r); i++) {
			int64_t aid, idx, chg, v, corr;
			const char *resp = store_text(r, i, 3);
			if (store_int(r, i, 0, 1, INT64_MAX, &aid) ||
			    store_int(r, i, 1, 0, INT32_MAX, &idx) ||
			    store_int(r, i, 2, INT32_MIN, INT32_MAX, &chg) ||
			    store_int(r, i, 4, INT64_MIN / 4, INT64_MAX / 4, &v) ||
			    store_int(r, i, 5, 0, 2, &corr)) {
				snprintf(err, n, "%s: row %d cannot be read",
					 which ? "attempt_answers" : "answer_changes", i);
				rc = SA_E_INVALID_FIELD;
			} else if (which ? rc_paced_add_current(s, aid, (int)idx, (int)chg, resp, v,
								(int)corr)
					 : rc_paced_add_change(s, aid, (int)idx, (int)chg, resp, v))
				rc = fail(err, n, SA_E_INTERNAL, "answers", NULL);
		}
		PQclear(r);
	}
	return rc;
}

/* ------------------------------------------------------------ day boards and units (mass) */

static void compare_days(const rc_contest *c, const rc_paced *s, const recompute_paced_src *src,
			 rc_report *rep)
{
	char(*days)[11] = NULL, ident[48];
	size_t nd = 0;
	const char *pre = src->redis_prefix ? src->redis_prefix : "sa:";
	if (!src->rds) {
		rc_report_skip(rep, "the day boards (redis unreachable)");
		return;
	}
	if (rc_paced_days(s, &days, &nd)) {
		rep->oom = 1;
		return;
	}
	snprintf(ident, sizeof ident, "%lld:%lld", (long long)c->id, (long long)c->epoch);
	bool skipped = false;
	for (size_t d = 0; d < nd; d++) {
		redisReply *ok = redisCommand(src->rds, "GET %s%s:okd:%s", pre, c->code, days[d]);
		bool current = ok && ok->type == REDIS_REPLY_STRING && !strcmp(ok->str, ident);
		freeReplyObject(ok);
		redisReply *z = current ? redisCommand(src->rds, "ZRANGE %s%s:lbd:%s 0 -1 WITHSCORES", pre,
						       c->code, days[d])
					: NULL;
		redisReply *att =
			z ? redisCommand(src->rds, "GET %s%s:attd:%s", pre, c->code, days[d]) : NULL;
		rc_member *m =
			z && z->type == REDIS_REPLY_ARRAY ? calloc(z->elements / 2 + 1, sizeof *m) : NULL;
		if (!m)
			skipped = true;
		for (size_t i = 0; m && i + 1 < z->elements; i += 2) {
			m[i / 2].pid = lb_member_pid(z->element[i]->str, z->element[i]->len);
			m[i / 2].z = strtod(z->element[i + 1]->str, NULL);
		}
		if (m)
			rc_paced_compare_day(
				c, s, days[d], m, z->elements / 2,
				att && att->type == REDIS_REPLY_STRING ? strtoll(att->str, NULL, 10) : -1,
				rep);
		free(m);
		freeReplyObject(z);
		freeReplyObject(att);
	}
	if (skipped)
		rc_report_skip(rep,
			       "some day boards (their keys are not complete: the servers rebuild them)");
	free(days);
}

/* One window's stored unit sums (day NULL: overall) compared. */
static int units_window(PGconn *pg, const rc_contest *c, const rc_paced *s, bool roster, const char *id,
			const char *day, const results_roster_row *ro, size_t nro, const char *const *unit_of,
			rc_report *rep)
{
	const char *p[2] = {id, day ? day : "1970-01-01"};
	PGresult *r = query(pg, roster ? units_members_roster_sql : units_members_sql, 2, p);
	rc_unit_sum *u = r ? calloc((size_t)PQntuples(r) + 1, sizeof *u) : NULL;
	size_t nu = 0;
	if (!u) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t nn, sum;
		if (PQgetisnull(r, i, 0) || store_int(r, i, day ? 3 : 1, 0, INT64_MAX, &nn) ||
		    store_int(r, i, day ? 4 : 2, INT64_MIN / 4, INT64_MAX / 4, &sum))
			continue; /* no unit: counted nowhere, as rollup.c */
		u[nu++] = (rc_unit_sum){PQgetvalue(r, i, 0), nn, sum};
	}
	rc_paced_compare_units(c, s, ro, nro, unit_of, day, u, nu, rep);
	free(u);
	PQclear(r);
	return 0;
}

static void compare_units(PGconn *pg, const rc_contest *c, const rc_paced *s, const char *id, rc_report *rep)
{
	const char *p[1] = {id};
	bool roster = has_table(pg, "workers") && has_table(pg, "units");
	PGresult *rr = NULL, *ru = NULL,
		 *ex = roster ? query(pg, "SELECT EXISTS (SELECT 1 FROM workers WHERE active)", 0, NULL)
			      : NULL;
	roster = ex && PQntuples(ex) == 1 && !strcmp(PQgetvalue(ex, 0, 0), "t");
	PQclear(ex);
	if (roster) {
		rr = query(pg,
			   "SELECT u.path, count(w.employee_no) FILTER (WHERE w.active) FROM units u "
			   "LEFT JOIN workers w ON w.unit_id = u.id GROUP BY u.path",
			   0, NULL);
		ru = query(
			pg,
			"SELECT p.id, coalesce(u.path, p.unit) FROM participants p LEFT JOIN workers w "
			"ON w.employee_no = p.employee_no AND w.active LEFT JOIN units u ON u.id = w.unit_id "
			"WHERE p.contest_id = $1",
			1, p);
	}
	size_t nro = rr ? (size_t)PQntuples(rr) : 0, nd = 0;
	results_roster_row *ro = calloc(nro + 1, sizeof *ro);
	const char **unit_of = calloc(c->np + 1, sizeof *unit_of);
	char(*days)[11] = NULL;
	if (roster && (!rr || !ru))
		rc_report_skip(rep, "the units (the roster could not be read)");
	else if (!ro || !unit_of || rc_paced_days(s, &days, &nd))
		rep->oom = 1;
	else {
		for (size_t i = 0; i < nro; i++)
			ro[i] = (results_roster_row){PQgetvalue(rr, (int)i, 0),
						     atoll(PQgetvalue(rr, (int)i, 1))};
		for (size_t i = 0; i < c->np; i++)
			unit_of[i] = c->ps[i].unit;
		for (int i = 0; ru && i < PQntuples(ru); i++) {
			const rc_participant *x = rc_participant_of(c, atoll(PQgetvalue(ru, i, 0)));
			if (x)
				unit_of[x - c->ps] = PQgetvalue(ru, i, 1);
		}
		bool bad = units_window(pg, c, s, roster, id, NULL, ro, nro, unit_of, rep);
		for (size_t d = 0; !bad && d < nd; d++)
			bad = units_window(pg, c, s, roster, id, days[d], ro, nro, unit_of, rep);
		if (bad)
			rc_report_skip(rep, "the units (the server's query failed)");
	}
	free(days);
	free(ro);
	free(unit_of);
	PQclear(rr);
	PQclear(ru);
}

/* ------------------------------------------------------------ practice */

static int practice_row(PGresult *r, int i, rc_practice *x)
{
	int64_t corr;
	memset(x, 0, sizeof *x);
	for (int k = 1; k <= 6; k++)
		if (!store_text(r, i, k))
			return -1;
	if (store_int(r, i, 0, 1, INT64_MAX, &x->pid) ||
	    store_int(r, i, 7, INT64_MIN / 4, INT64_MAX / 4, &x->points) || store_int(r, i, 8, 0, 2, &corr) ||
	    store_int(r, i, 9, INT64_MIN / 4, INT64_MAX / 4, &x->at))
		return -1;
	x->worker = PQgetvalue(r, i, 1), x->serve = PQgetvalue(r, i, 2), x->qkey = PQgetvalue(r, i, 3);
	x->qid = PQgetvalue(r, i, 4), x->category = PQgetvalue(r, i, 5), x->response = PQgetvalue(r, i, 6);
	x->correctness = (int)corr;
	return 0;
}

static int event_row(PGresult *r, int i, rc_event *e)
{
	int64_t corr, leave;
	memset(e, 0, sizeof *e);
	for (int k = 0; k <= 4; k++)
		if (!store_text(r, i, k))
			return -1;
	if (store_int(r, i, 5, 1, INT64_MAX, &e->cid) ||
	    store_int(r, i, 6, INT64_MIN / 4, INT64_MAX / 4, &e->at) || store_int(r, i, 7, 0, 2, &corr) ||
	    store_int(r, i, 8, 1, 1000, &leave))
		return -1;
	e->worker = PQgetvalue(r, i, 0), e->qkey = PQgetvalue(r, i, 1), e->qid = PQgetvalue(r, i, 2);
	e->category = PQgetvalue(r, i, 3), e->serve = PQgetvalue(r, i, 4);
	e->correctness = (int)corr, e->leave = (int)leave;
	return 0;
}

static int book_row(PGresult *r, int i, rc_book *b)
{
	memset(b, 0, sizeof *b);
	for (int k = 0; k <= 4; k++)
		if (k != 2 && !store_text(r, i, k))
			return -1;
	if (store_int(r, i, 2, 1, INT64_MAX, &b->cid) || store_int(r, i, 5, 0, INT32_MAX, &b->wrong) ||
	    store_int(r, i, 6, 0, INT32_MAX, &b->streak) || store_int(r, i, 7, 0, INT64_MAX / 4, &b->added) ||
	    store_int(r, i, 8, 0, INT64_MAX / 4, &b->last_wrong) ||
	    store_int(r, i, 9, 0, INT64_MAX / 4, &b->last_seen))
		return -1;
	b->worker = PQgetvalue(r, i, 0), b->qkey = PQgetvalue(r, i, 1), b->qid = PQgetvalue(r, i, 3);
	b->category = PQgetvalue(r, i, 4);
	return 0;
}

#define WORKERS "(SELECT DISTINCT worker FROM practice_answers WHERE contest_id = $1)"

static const char *const practice_sql[] = {
	"SELECT participant_id, worker, serve, question_key, question_id, category, response, points_milli, "
	"correctness, answered_ms FROM practice_answers WHERE contest_id = $1",
	"SELECT a.worker, a.question_key, a.question_id, a.category, a.serve, a.contest_id, a.answered_ms, "
	"a.correctness, coalesce((c.definition #>> '{notebook,leave_after}')::int, 2) FROM practice_answers a "
	"JOIN contests c ON c.id = a.contest_id WHERE a.contest_id <> $1 AND a.worker IN " WORKERS,
	"SELECT worker, question_key, contest_id, question_id, category, wrong, right_streak, added_ms, "
	"last_wrong_ms, last_seen_ms FROM wrong_book WHERE worker IN " WORKERS,
};
static const char *const practice_what[] = {"practice_answers", "practice_answers (other contests)",
					    "wrong_book"};

static int load_practice(PGconn *pg, const char *id, rc_paced *s, char *err, size_t n)
{
	const char *p[1] = {id};
	int rc = 0;
	for (int t = 0; !rc && t < 3; t++) {
		PGresult *r = query(pg, practice_sql[t], 1, p);
		if (!r)
			return fail(err, n, SA_E_UNAVAILABLE, practice_what[t], pg);
		for (int i = 0; !rc && i < PQntuples(r); i++) {
			rc_practice x;
			rc_event e;
			rc_book b;
			int bad = t == 0   ? practice_row(r, i, &x)
				  : t == 1 ? event_row(r, i, &e)
					   : book_row(r, i, &b);
			if (bad) {
				snprintf(err, n, "%s: row %d cannot be read", practice_what[t], i);
				rc = SA_E_INVALID_FIELD;
			} else if (t == 0   ? rc_paced_add_practice(s, &x)
				   : t == 1 ? rc_paced_add_event(s, &e)
					    : rc_paced_add_book(s, &b))
				rc = fail(err, n, SA_E_INTERNAL, practice_what[t], NULL);
		}
		PQclear(r);
	}
	return rc;
}

/* ------------------------------------------------------------ the check */

int recompute_paced_check(PGconn *pg, const score_engine *eng, const recompute_paced_src *src, rc_contest *c,
			  rc_report *rep, char *err, size_t n)
{
	char id[24];
	rc_paced s = {0};
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	int rc = load_def(pg, eng, src, c, id, &s, err, n);
	if (rc)
		return rc;
	if (c->mode == RC_PRACTICE) {
		rc = load_practice(pg, id, &s, err, n);
		if (!rc && rc_paced_practice(c, &s, rep))
			rc = fail(err, n, SA_E_INTERNAL, "practice", NULL);
	} else {
		rc = load_attempts(pg, id, &s, err, n);
		if (!rc && rc_paced_attempts(c, &s, eng, rep))
			rc = fail(err, n, SA_E_INTERNAL, "attempts", NULL);
		if (!rc && c->mode == RC_MASS) {
			compare_days(c, &s, src, rep);
			compare_units(pg, c, &s, id, rep);
		}
	}
	rc_paced_release(&s);
	return rc;
}
