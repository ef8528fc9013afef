/*
 * pool.h - a request's heavy step on libuv's thread pool (pool.c): a
 * poster rendered, a workbook written, a file read. work(ud) runs on a pool
 * thread and must not touch the request or the loop; after(req, ud) runs
 * back on the loop and answers. The request is referenced in between (its
 * connection may close: the answer is then dropped).
 *
 * Longer work is a job (store/jobs.h) that the page polls: api_job_start
 * starts one for a request and answers 202 with the job as GET
 * /api/jobs/{id} shows it queued (bank and question imports, roster
 * imports, certificates).
 */
#ifndef SKILLARENA_API_POOL_H
#define SKILLARENA_API_POOL_H

#include "core/auth.h"
#include "net/http.h"
#include "store/jobs.h"

typedef void (*api_work_fn)(void *ud);
typedef void (*api_after_fn)(http_req *req, void *ud);

/* 0 (after will be called), or SA_E_INTERNAL (nothing was queued; ud is the caller's). */
int api_pool(http_req *req, api_work_fn work, api_after_fn after, void *ud);

/*
 * A job a request starts: embedded in the job's own state (spec->ud), which
 * lives until the job's done(), so it outlives the 202.
 */
typedef struct api_job {
	http_req *req;       /* the caller's reference, until the answer (then NULL) */
	const char *bank;    /* JOB's bank and contest codes (NULL: null): the */
	const char *contest; /* caller's memory, living as long as the job */
	const char *kind;    /* spec->kind (api_job_start sets it) */
	unsigned flags;      /* API_JOB_* */
} api_job;

enum {
	API_JOB_WRAP = 1, /* the answer is {"job": JOB} */
	API_JOB_KEEP = 2, /* the job's done() answers: req stays referenced there, not answered at 202 */
};

/*
 * jobs_start(spec) for j->req, which the caller has referenced
 * (http_req_ref): once the job's row is made, 202 with JOB (or, with
 * API_JOB_KEEP, nothing yet), or the error that kept it from being made;
 * the reference is then dropped and j->req is NULL (API_JOB_KEEP and made:
 * both are done()'s). 0, or the SA_E_* code to answer (nothing started: the
 * reference and spec->ud are still the caller's).
 */
int api_job_start(api_job *j, const auth_principal *who, const job_spec *spec);

/*
 * The request's file (its body) copied for a job, which outlives the
 * request: 0 with *data (malloc'ed: the caller's) and *len; -1 answered
 * (400, field "file": the file is empty); or SA_E_INTERNAL.
 */
int api_job_file(http_req *req, char **data, size_t *len);

/*
 * What a job's audit entry says of it (the caller's to delete): the
 * report's members named by keep (NULL-ended; keep NULL: every member),
 * the job's id, and the error's name when it failed without a report.
 */
cJSON *api_job_audit(const cJSON *report, const char *const *keep, int64_t id, int rc);

#endif
