/*
 * jobs.h - heavy console work (imports, exports) as rows of `jobs` run on
 * libuv's thread pool (jobs.c): the page gets the job's id at once and polls
 * GET /api/jobs/{id}, which any process answers from PostgreSQL.
 *
 *   jobs_start      (loop) the row is inserted, `queued`; created() gets its id
 *   the work        (pool) a blocking PostgreSQL connection of its own; the row
 *                   goes `running`, its progress is written as it goes (another
 *                   connection, outside the work's transaction), then `done`
 *                   or `failed` with the report
 *   done()          (loop) the outcome, for the audit log
 *
 * At most JOBS_RUNNING jobs of a process run at once (the thread pool is
 * shared with contest loads and password hashes), JOBS_WAITING more wait in
 * order; past that jobs_start refuses (SA_E_UNAVAILABLE). A job whose
 * process stopped before it finished is marked failed when a process of the
 * same --instance starts (jobs_recover), and when the process stops.
 *
 * Ownership: spec->ud belongs to the job from a successful jobs_start on;
 * done() is called exactly once and releases it.
 */
#ifndef SKILLARENA_STORE_JOBS_H
#define SKILLARENA_STORE_JOBS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "core/auth.h"

#define JOBS_RUNNING 1
#define JOBS_WAITING 16

struct pg_conn;
typedef struct job job;

/* On the thread pool: 0 (done) or an SA_E_* code (failed); the report is set with job_report. */
typedef int (*job_work_fn)(job *j, struct pg_conn *pg, void *ud);
/* On the loop, once: id 0 when the job never ran (its row could not be made); report borrowed. */
typedef void (*job_done_fn)(arena *a, int64_t id, int rc, const cJSON *report, void *ud);
/* On the loop, once: the row exists (id), or rc says why not (done follows either way). */
typedef void (*job_created_fn)(arena *a, int64_t id, const char *created_at, int rc, void *arg);

typedef struct job_spec {
	const char *kind;   /* "bank_import", ... */
	int64_t contest_id; /* 0: none */
	int64_t bank_id;    /* 0: none */
	job_work_fn work;
	job_done_fn done;
	void *ud;
} job_spec;

/* 0 (created and done will be called), SA_E_UNAVAILABLE (too many jobs waiting), SA_E_INTERNAL. */
int jobs_start(arena *a, const auth_principal *who, const job_spec *spec, job_created_fn created, void *arg);

/* From the work: progress 0..1 (written at most every 100 ms); the report (taken). */
void job_progress(job *j, double p);
void job_report(job *j, cJSON *report);
int64_t job_id(const job *j);
const char *job_conninfo(const job *j);

int jobs_open(arena *a);
void jobs_close(arena *a); /* jobs still waiting are marked failed (blocking, after the loop) */
/* Before the loop: jobs of this instance left queued or running are marked failed. */
void jobs_recover(const char *conninfo, const char *instance);

#endif
