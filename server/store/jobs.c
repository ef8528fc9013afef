/*
 * jobs.c - console jobs: a row of `jobs` each, the work on libuv's thread
 * pool with blocking libpq connections of its own, the progress and the
 * report written for the page to poll (see jobs.h).
 *
 * The work gets one connection for itself (its transaction); the job's own
 * row is updated on a second one (status, progress, report), outside that
 * transaction, so that a poller sees the progress while the work is not yet
 * committed. Jobs of a process run one at a time (JOBS_RUNNING) in the
 * order they came; the loop only inserts rows and hands work to the pool.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "store/jobs.h"
#include "store/migrate.h"
#include "store/store.h"

struct job {
	uv_work_t work;
	arena *a;
	job_spec spec;
	int64_t id;
	char idtext[24];
	char *conninfo;
	PGconn *row;     /* the job row's connection (pool thread) */
	int64_t last_ms; /* the last progress written */
	cJSON *report;
	int rc;
	job_created_fn created;
	void *arg;
	struct job *next; /* waiting */
};

typedef struct jobs {
	job *head, **tail;
	int waiting, running;
} jobs;

int64_t job_id(const job *j) { return j->id; }
const char *job_conninfo(const job *j) { return j->conninfo; }

void job_report(job *j, cJSON *report)
{
	cJSON_Delete(j->report);
	j->report = report;
}

static void row_exec(job *j, const char *sql, const char *value)
{
	const char *p[2] = {j->idtext, value};
	if (!j->row)
		return;
	PGresult *r = PQexecParams(j->row, sql, value ? 2 : 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		sa_log(LL_WARN, "job %s: %s", j->idtext, PQresultErrorMessage(r));
	PQclear(r);
}

void job_progress(job *j, double p)
{
	int64_t now = now_us() / 1000;
	char v[32];
	if (p < 1 && now - j->last_ms < 100)
		return;
	j->last_ms = now;
	snprintf(v, sizeof v, "%.3f", p < 0 ? 0 : p > 1 ? 1 : p);
	row_exec(j, "UPDATE jobs SET progress = $2::real WHERE id = $1", v);
}

static void job_free(job *j)
{
	cJSON_Delete(j->report);
	free(j->conninfo);
	free(j);
}

/* ------------------------------------------------------------ the pool */

static void on_work(uv_work_t *w)
{
	job *j = w->data;
	j->row = migrate_connect(j->conninfo);
	PGconn *pg = j->row ? migrate_connect(j->conninfo) : NULL;
	if (!pg) {
		j->rc = SA_E_UNAVAILABLE;
		if (j->row)
			PQfinish(j->row);
		j->row = NULL;
		return;
	}
	row_exec(j, "UPDATE jobs SET status = 'running', started_at = now() WHERE id = $1", NULL);
	j->rc = j->spec.work(j, pg, j->spec.ud);
	PQfinish(pg);
	char *report = j->report ? cJSON_PrintUnformatted(j->report) : NULL;
	row_exec(
		j,
		j->rc ? "UPDATE jobs SET status = 'failed', report = $2::jsonb, finished_at = now() WHERE id = $1"
		      : "UPDATE jobs SET status = 'done', progress = 1, report = $2::jsonb, finished_at = now() "
			"WHERE id = $1",
		report ? report : "null");
	free(report);
	PQfinish(j->row);
	j->row = NULL;
}

static void start_next(arena *a);
static void jobs_fail(const char *conninfo, const char *instance, int running);

static void on_after(uv_work_t *w, int status)
{
	job *j = w->data;
	arena *a = j->a;
	if (status < 0 && !j->rc)
		j->rc = SA_E_INTERNAL;
	if (j->rc)
		sa_log(LL_WARN, "job %s (%s) failed: %s", j->idtext, j->spec.kind, err_name(j->rc));
	j->spec.done(a, j->id, j->rc, j->report, j->spec.ud);
	job_free(j);
	if (a->jobs) {
		a->jobs->running--;
		start_next(a);
	}
}

static void start_next(arena *a)
{
	jobs *q = a->jobs;
	while (q->head && q->running < JOBS_RUNNING) {
		job *j = q->head;
		if (!(q->head = j->next))
			q->tail = &q->head;
		q->waiting--;
		j->work.data = j;
		if (uv_queue_work(a->loop, &j->work, on_work, on_after)) {
			j->spec.done(a, j->id, SA_E_INTERNAL, NULL, j->spec.ud);
			job_free(j);
			continue;
		}
		q->running++;
	}
}

/* ------------------------------------------------------------ the loop */

static void inserted(arena *a, void *res, const char *err, void *ud)
{
	job *j = ud;
	int64_t id = 0;
	if (err || !res || store_int(res, 0, 0, 1, INT64_MAX, &id)) {
		sa_log(LL_WARN, "job %s: its row could not be made: %s", j->spec.kind, err ? err : "no row");
		j->created(a, 0, NULL, SA_E_UNAVAILABLE, j->arg);
		j->spec.done(a, 0, SA_E_UNAVAILABLE, NULL, j->spec.ud);
		a->jobs->waiting--;
		job_free(j);
		return;
	}
	j->id = id;
	snprintf(j->idtext, sizeof j->idtext, "%lld", (long long)id);
	j->created(a, id, store_text(res, 0, 1), 0, j->arg);
	jobs *q = a->jobs;
	*q->tail = j;
	q->tail = &j->next;
	start_next(a);
}

static void idtext(char *out, int64_t v)
{
	if (v)
		snprintf(out, 24, "%lld", (long long)v);
	else
		out[0] = '\0';
}

int jobs_start(arena *a, const auth_principal *who, const job_spec *spec, job_created_fn created, void *arg)
{
	jobs *q = a->jobs;
	if (!q || a->stopping || q->waiting >= JOBS_WAITING)
		return SA_E_UNAVAILABLE;
	job *j = calloc(1, sizeof *j);
	if (!j || !(j->conninfo = strdup(a->cfg.pg))) {
		free(j);
		return SA_E_INTERNAL;
	}
	j->a = a;
	j->spec = *spec;
	j->created = created;
	j->arg = arg;
	char acc[24], contest[24], bank[24];
	idtext(acc, who ? who->account_id : 0);
	idtext(contest, spec->contest_id);
	idtext(bank, spec->bank_id);
	const char *p[5] = {spec->kind, acc, contest, bank, a->cfg.instance};
	int rc = store_query(
		a,
		"INSERT INTO jobs (kind, account_id, contest_id, bank_id, instance) "
		"VALUES ($1, nullif($2, '')::bigint, nullif($3, '')::bigint, nullif($4, '')::bigint, $5) "
		"RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
		5, p, inserted, j);
	if (rc) {
		job_free(j);
		return rc;
	}
	q->waiting++;
	return 0;
}

int jobs_open(arena *a)
{
	jobs *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	q->tail = &q->head;
	a->jobs = q;
	return 0;
}

void jobs_close(arena *a)
{
	jobs *q = a->jobs;
	if (!q)
		return;
	a->jobs = NULL; /* a job still running finds no queue: it starts nothing after it */
	for (job *j = q->head, *next; j; j = next) {
		next = j->next;
		j->spec.done(a, j->id, SA_E_UNAVAILABLE, NULL, j->spec.ud);
		job_free(j);
	}
	free(q);
	jobs_fail(a->cfg.pg, a->cfg.instance, 0); /* the ones waiting (running ones still write theirs) */
}

void jobs_recover(const char *conninfo, const char *instance) { jobs_fail(conninfo, instance, 1); }

static void jobs_fail(const char *conninfo, const char *instance, int running)
{
	PGconn *pg = migrate_connect(conninfo);
	if (!pg)
		return;
	const char *p[2] = {instance, running ? "true" : "false"};
	PGresult *r = PQexecParams(
		pg,
		"UPDATE jobs SET status = 'failed', finished_at = now(), report = coalesce(report, "
		"'{\"error\":\"the server stopped before the job finished\",\"error_zh\":\"服务器在任务完成前停止\"}'::jsonb) "
		"WHERE instance = $1 AND (status = 'queued' OR (status = 'running' AND $2))",
		2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		sa_log(LL_WARN, "jobs: %s", PQresultErrorMessage(r));
	else if (atoi(PQcmdTuples(r)) > 0)
		sa_log(LL_WARN, "jobs: %s unfinished jobs of instance %s marked failed", PQcmdTuples(r),
		       instance);
	PQclear(r);
	PQfinish(pg);
}
