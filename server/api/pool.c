/*
 * pool.c - a request's heavy step on libuv's thread pool, and a job
 * started for a request (see pool.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "api/pool.h"
#include "api/request.h"
#include "core/err.h"
#include "store/jobs.h"

typedef struct pool_job {
	uv_work_t w;
	http_req *req;
	api_work_fn work;
	api_after_fn after;
	void *ud;
} pool_job;

static void pool_work(uv_work_t *w)
{
	pool_job *j = w->data;
	j->work(j->ud);
}

static void pool_after(uv_work_t *w, int status)
{
	pool_job *j = w->data;
	(void)status; /* never cancelled */
	j->after(j->req, j->ud);
	http_req_unref(j->req);
	free(j);
}

int api_pool(http_req *req, api_work_fn work, api_after_fn after, void *ud)
{
	pool_job *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	*j = (pool_job){.req = req, .work = work, .after = after, .ud = ud};
	j->w.data = j;
	http_req_ref(req);
	if (uv_queue_work(http_arena(req)->loop, &j->w, pool_work, pool_after)) {
		http_req_unref(req);
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

/* ------------------------------------------------------------ jobs */

static void job_created(arena *a, int64_t id, const char *at, int rc, void *arg)
{
	api_job *j = arg;
	http_req *req = j->req;
	(void)a;
	if (!rc && (j->flags & API_JOB_KEEP))
		return; /* done() answers and drops req */
	j->req = NULL;
	if (rc) {
		http_reply_error(req, rc, NULL);
		http_req_unref(req);
		return;
	}
	cJSON *o = cJSON_CreateObject(), *wrap;
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "kind", j->kind);
	cJSON_AddStringToObject(o, "status", "queued");
	cJSON_AddNumberToObject(o, "progress", 0);
	cJSON_AddItemToObject(o, "bank", j->bank ? cJSON_CreateString(j->bank) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "contest", j->contest ? cJSON_CreateString(j->contest) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "created_at", at ? cJSON_CreateString(at) : cJSON_CreateNull());
	cJSON_AddNullToObject(o, "started_at");
	cJSON_AddNullToObject(o, "finished_at");
	cJSON_AddNullToObject(o, "report");
	cJSON_AddNullToObject(o, "file");
	if ((j->flags & API_JOB_WRAP) && (wrap = cJSON_CreateObject())) {
		cJSON_AddItemToObject(wrap, "job", o);
		o = wrap;
	}
	http_reply_json(req, 202, o);
	http_req_unref(req);
}

int api_job_start(api_job *j, const auth_principal *who, const job_spec *spec)
{
	assert(j->req && spec->kind);
	j->kind = spec->kind;
	return jobs_start(http_arena(j->req), who, spec, job_created, j);
}

int api_job_file(http_req *req, char **data, size_t *len)
{
	const char *body = http_body(req, len);
	if (!*len) {
		api_error(req, SA_E_INVALID_FIELD, "file", "文件是空的", "the file is empty");
		return -1;
	}
	if (!(*data = malloc(*len)))
		return SA_E_INTERNAL;
	memcpy(*data, body, *len);
	return 0;
}

cJSON *api_job_audit(const cJSON *report, const char *const *keep, int64_t id, int rc)
{
	cJSON *after = keep || !report ? cJSON_CreateObject() : cJSON_Duplicate(report, 1);
	for (int i = 0; keep && keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(report, keep[i]);
		if (v)
			cJSON_AddItemToObject(after, keep[i], cJSON_Duplicate(v, 1));
	}
	cJSON_AddNumberToObject(after, "job", (double)id);
	if (rc && !report)
		cJSON_AddStringToObject(after, "error", err_name(rc));
	return after;
}
