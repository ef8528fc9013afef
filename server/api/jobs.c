/*
 * jobs.c - GET /api/jobs/{id} and GET /api/jobs/{id}/file: a console job
 * (store/jobs.h) as the page polls it, and its result file (bytes kept in
 * the row, or a file at the row's path, sent in chunks: a records export,
 * served by any process of the machine that wrote it). Any process
 * answers, from PostgreSQL. A job is the business of the account that
 * started it and of admins: anyone else gets 404, as for a job that does
 * not exist.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/request.h"
#include "core/err.h"
#include "store/store.h"

#define JOB_JSON                                                                                                        \
	"json_build_object('id', j.id, 'kind', j.kind, 'status', j.status, 'progress', round(j.progress::numeric, 3), " \
	"'bank', (SELECT code FROM banks WHERE id = j.bank_id), 'contest', (SELECT code FROM contests WHERE id = "      \
	"j.contest_id), 'created_at', j.created_at, 'started_at', j.started_at, 'finished_at', j.finished_at, "         \
	"'report', j.report, 'file', CASE WHEN j.file IS NOT NULL OR j.path IS NOT NULL THEN "                          \
	"json_build_object('name', j.file_name, 'type', j.file_type, 'size', octet_length(j.file)) END)"
#define JOB_MINE "j.id = $1 AND ($3::bool OR j.account_id = $2::bigint)"

static void no_job(http_req *req)
{
	api_error(req, SA_E_NOT_FOUND, "id", "没有这个任务", "no job has this id");
}

static void job_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		no_job(req);
	else
		http_reply_json(req, 200, api_json_cell(res, 0, 0));
	http_req_unref(req);
}

static int ask(http_req *req, const char *sql, store_cb cb)
{
	char id[24];
	console_who w;
	int64_t v = api_id(req, "id");
	if (!v) {
		no_job(req);
		return 0;
	}
	snprintf(id, sizeof id, "%lld", (long long)v);
	console_who_of(req, &w);
	const char *p[3] = {id, w.acc, w.admin};
	http_req_ref(req);
	int rc = store_query(http_arena(req), sql, 3, p, cb, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

static int job_get(http_req *req)
{
	return ask(req, "SELECT " JOB_JSON " FROM jobs j WHERE " JOB_MINE, job_read);
}

/* A result written at a path (a records export): sent from the file when this machine has it. */
static int file_at_path(http_req *req, void *res)
{
	const char *path = store_text(res, 0, 3), *type = store_text(res, 0, 2),
		   *name = store_text(res, 0, 1);
	if (store_text(res, 0, 0) || !path)
		return 0;
	if (access(path, R_OK))
		api_error(req, SA_E_NOT_FOUND, "id", "任务的文件在另一台服务器上，或已被清除",
			  "the job's file is on another machine, or was removed");
	else { /* http_reply_file keeps the type by pointer: a copy the request owns, not the result's */
		type = type ? type : "application/octet-stream";
		char *t = http_alloc(req, strlen(type) + 1);
		if (t) {
			memcpy(t, type, strlen(type) + 1);
			http_reply_file(req, 200, t, path, name ? name : "file");
		} else
			http_reply_error(req, SA_E_INTERNAL, NULL);
	}
	return 1;
}

static void file_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (!err && res && PQntuples(res) == 1 && file_at_path(req, res)) {
		http_req_unref(req);
		return;
	}
	const char *hex = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	size_t n = 0;
	unsigned char *bytes = hex ? PQunescapeBytea((const unsigned char *)hex, &n) : NULL;
	char *copy = bytes ? malloc(n ? n : 1) : NULL;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!hex)
		no_job(req);
	else if (!copy)
		http_reply_error(req, SA_E_INTERNAL, NULL);
	else {
		memcpy(copy, bytes, n);
		const char *type = store_text(res, 0, 2), *name = store_text(res, 0, 1);
		http_reply_bytes(req, 200, type ? type : "application/octet-stream", copy, n,
				 name ? name : "file");
	}
	PQfreemem(bytes);
	http_req_unref(req);
}

static int file_get(http_req *req)
{
	return ask(req,
		   "SELECT j.file, j.file_name, j.file_type, j.path FROM jobs j WHERE " JOB_MINE
		   " AND (j.file IS NOT NULL OR (j.path IS NOT NULL AND j.status = 'done'))",
		   file_read);
}

#define SIGNED_IN                     \
	{                             \
		AUTH_AUTHENTICATED, 0 \
	}

const route api_jobs_routes[] = {
	{ROUTE_GET, "/api/jobs/{id}", job_get, SIGNED_IN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/jobs/{id}/file", file_get, SIGNED_IN, ROUTE_BODY_NONE, 0, 0},
	{0, NULL, NULL, {0, 0}, 0, 0, 0},
};
