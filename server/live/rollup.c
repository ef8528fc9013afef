/*
 * rollup.c - participation and average score by unit, rolled up the unit
 * tree (公司/分厂/车间/班组), for a day and overall.
 *
 * PostgreSQL gives a few rows per unit, never a row per participant:
 *   roster   each roster unit's path and its active workers (the `units`
 *            and `workers` tables), once a roster was imported (an active
 *            worker exists; before that, units as participants typed them)
 *   members  per unit (the roster unit of the participant's employee
 *            number, else the unit they typed): participants with an ended
 *            attempt and the sum of their counted scores, overall and on
 *            the day (their best that day)
 * Then, on libuv's thread pool, the results library builds the tree
 * (results_units_build: normalized paths, every prefix a unit, headcounts
 * rolled up) and the members' counts and sums are added to each unit and
 * its ancestors; rate = participants / headcount, average = sum /
 * participants, each ranked among the units of the same depth.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <uv.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/rollup.h"
#include "live/run.h"
#include "results.h"
#include "store/store.h"
#include "store/units.h"

typedef struct roster_row {
	char *path;
	int64_t headcount;
} roster_row;

typedef struct member_row {
	char *path; /* normalized on the thread pool */
	int64_t n_all, s_all, n_day, s_day;
} member_row;

typedef struct rollup_job {
	uv_work_t work;
	crun *r;
	char day[11];
	rollup_cb done;
	void *ud;
	int roster;
	int64_t attempts;
	roster_row *ro;
	size_t nro;
	member_row *me;
	size_t nme;
	cJSON *out; /* built on the thread pool */
	int64_t players;
} rollup_job;

static void job_free(rollup_job *j)
{
	for (size_t i = 0; i < j->nro; i++)
		free(j->ro[i].path);
	for (size_t i = 0; i < j->nme; i++)
		free(j->me[i].path);
	free(j->ro);
	free(j->me);
	cJSON_Delete(j->out);
	run_unref(j->r);
	free(j);
}

static void job_fail(rollup_job *j, const char *err)
{
	if (err)
		sa_log(LL_WARN, "units of contest %s: %s", j->r->code, err);
	j->done(j->r, NULL, 0, 0, j->ud);
	job_free(j);
}

/* ------------------------------------------------------------ on the thread pool */

typedef struct unit_acc {
	int64_t n[2], s[2]; /* [0] the day, [1] overall */
} unit_acc;

typedef struct path_idx {
	const char *path;
	size_t i;
} path_idx;

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const path_idx *)a)->path, ((const path_idx *)b)->path);
}

/* Competition rank of v among the units of the same depth (higher first; NaN last, unranked). */
static cJSON *rank_of(const results_units *u, const double *v, size_t i)
{
	if (isnan(v[i]))
		return cJSON_CreateNull();
	int rank = 1;
	for (size_t k = 0; k < u->n; k++)
		if (u->u[k].depth == u->u[i].depth && !isnan(v[k]) && v[k] > v[i])
			rank++;
	return cJSON_CreateNumber(rank);
}

static cJSON *units_json(const results_units *u, const unit_acc *acc, int w, size_t n)
{
	double *rate = calloc(n + 1, sizeof *rate), *avg = calloc(n + 1, sizeof *avg);
	cJSON *arr = cJSON_CreateArray();
	if (!rate || !avg || !arr) {
		free(rate);
		free(avg);
		cJSON_Delete(arr);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		rate[i] = u->u[i].headcount > 0 ? (double)acc[i].n[w] / (double)u->u[i].headcount : NAN;
		avg[i] = acc[i].n[w] > 0 ? (double)acc[i].s[w] / (double)acc[i].n[w] / 1000.0 : NAN;
	}
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "path", u->u[i].path);
		cJSON_AddStringToObject(e, "name", u->u[i].name);
		cJSON_AddNumberToObject(e, "depth", u->u[i].depth);
		cJSON_AddNumberToObject(e, "headcount", (double)u->u[i].headcount);
		cJSON_AddNumberToObject(e, "participants", (double)acc[i].n[w]);
		if (isnan(rate[i]))
			cJSON_AddNullToObject(e, "rate");
		else
			cJSON_AddNumberToObject(e, "rate", round(rate[i] * 10000) / 10000);
		if (isnan(avg[i]))
			cJSON_AddNullToObject(e, "average");
		else
			cJSON_AddNumberToObject(e, "average", round(avg[i] * 1000) / 1000);
		cJSON_AddItemToObject(e, "rank_rate", rank_of(u, rate, i));
		cJSON_AddItemToObject(e, "rank_average", rank_of(u, avg, i));
		cJSON_AddItemToArray(arr, e);
	}
	free(rate);
	free(avg);
	return arr;
}

/* The members' counts and sums into their units and every ancestor. */
static int add_members(rollup_job *j, const results_units *u, unit_acc *acc)
{
	path_idx *ix = calloc(u->n + 1, sizeof *ix);
	if (!ix)
		return -1;
	for (size_t i = 0; i < u->n; i++)
		ix[i] = (path_idx){u->u[i].path, i};
	qsort(ix, u->n, sizeof *ix, path_cmp);
	for (size_t m = 0; m < j->nme; m++) {
		path_idx key = {j->me[m].path, 0}, *hit;
		if (!key.path || !(hit = bsearch(&key, ix, u->n, sizeof *ix, path_cmp)))
			continue;
		j->players += j->me[m].n_all;
		for (long k = (long)hit->i; k >= 0; k = u->u[k].parent) {
			acc[k].n[0] += j->me[m].n_day;
			acc[k].s[0] += j->me[m].s_day;
			acc[k].n[1] += j->me[m].n_all;
			acc[k].s[1] += j->me[m].s_all;
		}
	}
	free(ix);
	return 0;
}

static void rollup_work(uv_work_t *w)
{
	rollup_job *j = w->data;
	results_roster_row *rr = calloc(j->nro + 1, sizeof *rr);
	results_member *mm = calloc(j->nme + 1, sizeof *mm);
	results_units u = {0};
	unit_acc *acc = NULL;
	char *err = NULL;
	size_t nm = 0;
	if (!rr || !mm)
		goto out;
	for (size_t i = 0; i < j->nro; i++)
		rr[i] = (results_roster_row){j->ro[i].path, j->ro[i].headcount};
	for (size_t i = 0; i < j->nme; i++) {
		char *norm = NULL;
		if (!j->me[i].path || !*j->me[i].path || results_unit_norm(j->me[i].path, &norm)) {
			free(j->me[i].path);
			j->me[i].path = NULL; /* no unit, or one that is not a path: counted nowhere */
			continue;
		}
		free(j->me[i].path);
		j->me[i].path = norm;
		mm[nm++] = (results_member){norm, RESULTS_TIER_NONE};
	}
	if (results_units_build(rr, j->nro, mm, nm, &u, &err))
		goto out;
	size_t n = u.n < ROLLUP_UNITS_MAX ? u.n : ROLLUP_UNITS_MAX;
	if (!(acc = calloc(u.n + 1, sizeof *acc)) || add_members(j, &u, acc))
		goto out;
	j->out = cJSON_CreateObject();
	cJSON_AddBoolToObject(j->out, "roster", j->roster);
	cJSON_AddItemToObject(j->out, "today", units_json(&u, acc, 0, n));
	cJSON_AddItemToObject(j->out, "overall", units_json(&u, acc, 1, n));
	cJSON_AddBoolToObject(j->out, "truncated", u.n > n);
out:
	free(err);
	free(acc);
	results_units_release(&u);
	free(rr);
	free(mm);
}

static void rollup_after(uv_work_t *w, int status)
{
	rollup_job *j = w->data;
	cJSON *out = status ? NULL : j->out;
	j->out = NULL;
	if (!out)
		sa_log(LL_WARN,
		       "units of contest %s could not be rolled up (a roster path with an empty segment?)",
		       j->r->code);
	j->done(j->r, out, j->players, j->attempts, j->ud);
	job_free(j);
}

/* ------------------------------------------------------------ the queries */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void members_rows(arena *a, void *res, const char *err, void *ud)
{
	rollup_job *j = ud;
	if (err)
		return job_fail(j, err);
	int n = PQntuples(res);
	if (!(j->me = calloc((size_t)n + 1, sizeof *j->me)))
		return job_fail(j, "out of memory");
	for (int i = 0; i < n; i++, j->nme++) {
		member_row *m = &j->me[j->nme];
		m->path = dup_or_null(PQgetisnull(res, i, 0) ? NULL : PQgetvalue(res, i, 0));
		m->n_all = atoll(PQgetvalue(res, i, 1));
		m->s_all = atoll(PQgetvalue(res, i, 2));
		m->n_day = atoll(PQgetvalue(res, i, 3));
		m->s_day = atoll(PQgetvalue(res, i, 4));
	}
	j->work.data = j;
	if (uv_queue_work(a->loop, &j->work, rollup_work, rollup_after))
		job_fail(j, "cannot queue work");
}

static int query_members(rollup_job *j)
{
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)j->r->contest_id);
	const char *p[2] = {cid, j->day};
	return store_query(j->r->a, j->roster ? units_members_roster_sql : units_members_sql, 2, p,
			   members_rows, j);
}

static void roster_rows(arena *a, void *res, const char *err, void *ud)
{
	rollup_job *j = ud;
	(void)a;
	if (err)
		return job_fail(j, err);
	int n = PQntuples(res);
	if (!(j->ro = calloc((size_t)n + 1, sizeof *j->ro)))
		return job_fail(j, "out of memory");
	for (int i = 0; i < n; i++, j->nro++) {
		j->ro[i].path = strdup(PQgetvalue(res, i, 0));
		j->ro[i].headcount = atoll(PQgetvalue(res, i, 1));
		if (!j->ro[i].path)
			return job_fail(j, "out of memory");
	}
	if (query_members(j))
		job_fail(j, "postgresql unavailable");
}

static void roster_check(arena *a, void *res, const char *err, void *ud)
{
	rollup_job *j = ud;
	if (err || PQntuples(res) != 1)
		return job_fail(j, err);
	j->roster = PQgetvalue(res, 0, 0)[0] == 't';
	j->attempts = atoll(PQgetvalue(res, 0, 1));
	int rc = j->roster
			 ? store_query(
				   a,
				   "SELECT u.path, count(w.employee_no) FILTER (WHERE w.active) FROM units u "
				   "LEFT JOIN workers w ON w.unit_id = u.id GROUP BY u.path",
				   0, NULL, roster_rows, j)
			 : query_members(j);
	if (rc)
		job_fail(j, "postgresql unavailable");
}

int rollup_units(crun *r, const char *day, rollup_cb done, void *ud)
{
	rollup_job *j = calloc(1, sizeof *j);
	char cid[24];
	int rc;
	if (!j)
		return SA_E_INTERNAL;
	j->r = r;
	run_ref(r); /* held until the job ends (job_free) */
	j->done = done;
	j->ud = ud;
	snprintf(j->day, sizeof j->day, "%s", day);
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *p[1] = {cid};
	if ((rc = store_query(r->a,
			      "SELECT EXISTS (SELECT 1 FROM workers WHERE active), "
			      "(SELECT count(*) FROM attempts WHERE contest_id = $1 AND status <> 'open')",
			      1, p, roster_check, j)))
		job_free(j);
	return rc;
}

/* ------------------------------------------------------------ who has not taken part */

#define ABSENT_MAX 5000

typedef struct absent_req {
	crun *r;
	char unit[256], day[11];
	rollup_absent_cb done;
	void *ud;
} absent_req;

/* Answers q (absent NULL: with rc) and frees it. */
static void absent_end(absent_req *q, cJSON *absent, int rc)
{
	q->done(q->r, absent, rc, q->ud);
	run_unref(q->r);
	free(q);
}

static void absent_rows(arena *a, void *res, const char *err, void *ud)
{
	absent_req *q = ud;
	(void)a;
	if (err) {
		sa_log(LL_WARN, "absent list of contest %s: %s", q->r->code, err);
		absent_end(q, NULL, SA_E_UNAVAILABLE);
		return;
	}
	int n = PQntuples(res), took = 0, listed = 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "contest", q->r->code);
	cJSON_AddStringToObject(o, "unit", q->unit);
	if (q->day[0])
		cJSON_AddStringToObject(o, "day", q->day);
	else
		cJSON_AddNullToObject(o, "day");
	cJSON *list = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		if (PQgetvalue(res, i, 3)[0] == 't') {
			took++;
			continue;
		}
		if (listed++ >= ABSENT_MAX)
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "employee_no", PQgetvalue(res, i, 0));
		cJSON_AddStringToObject(e, "name", PQgetvalue(res, i, 1));
		cJSON_AddStringToObject(e, "unit", PQgetvalue(res, i, 2));
		cJSON_AddItemToArray(list, e);
	}
	cJSON_AddNumberToObject(o, "headcount", n);
	cJSON_AddNumberToObject(o, "participants", took);
	cJSON_AddItemToObject(o, "absent", list);
	cJSON_AddBoolToObject(o, "truncated", listed > ABSENT_MAX);
	absent_end(q, o, 0);
	cJSON_Delete(o);
}

static void absent_check(arena *a, void *res, const char *err, void *ud)
{
	absent_req *q = ud;
	char cid[24];
	if (err || PQntuples(res) != 1 || PQgetvalue(res, 0, 0)[0] != 't') {
		absent_end(q, NULL, err ? SA_E_UNAVAILABLE : SA_E_NOT_FOUND);
		return;
	}
	snprintf(cid, sizeof cid, "%lld", (long long)q->r->contest_id);
	const char *p[3] = {cid, q->unit, q->day};
	if (store_query(a,
			"SELECT w.employee_no, w.name, u.path, EXISTS (SELECT 1 FROM participants p "
			"  JOIN attempts t ON t.participant_id = p.id WHERE p.contest_id = $1 "
			"  AND p.employee_no = w.employee_no AND t.status <> 'open' "
			"  AND ($3 = '' OR t.day = nullif($3, '')::date)) "
			"FROM workers w JOIN units u ON u.id = w.unit_id "
			"WHERE w.active AND (u.path = $2 OR left(u.path, length($2) + 1) = $2 || '/') "
			"ORDER BY u.path, w.employee_no",
			3, p, absent_rows, q)) {
		absent_end(q, NULL, SA_E_UNAVAILABLE);
	}
}

int rollup_absent(crun *r, const char *unit, const char *day, rollup_absent_cb done, void *ud)
{
	absent_req *q = calloc(1, sizeof *q);
	int rc;
	if (!q)
		return SA_E_INTERNAL;
	q->r = r;
	run_ref(r); /* until absent_end */
	q->done = done;
	q->ud = ud;
	snprintf(q->unit, sizeof q->unit, "%s", unit);
	snprintf(q->day, sizeof q->day, "%s", day ? day : "");
	if ((rc = store_query(
		     r->a, "SELECT to_regclass('units') IS NOT NULL AND to_regclass('workers') IS NOT NULL",
		     0, NULL, absent_check, q))) {
		run_unref(r);
		free(q);
	}
	return rc;
}
