/*
 * results.c - the results of a finished contest, for organizers and
 * viewers: GET /api/console/contests/{code}/results (the ranking, a page at
 * a time, as JSON), results.xlsx and results.csv (all of it, as files).
 *
 *   the contest's row      finished? is its stored ranking current (its
 *                          epoch and seq)?
 *   the ranking            when not: built on the thread pool
 *                          (store/ranking.c: the results library's ranks,
 *                          ties included, stored in contest_results), once
 *                          per contest however many ask (core/coalesce.c)
 *   a page                 one indexed query of contest_results
 *   a download             written on the thread pool from
 *                          contest_results into a file of this process's
 *                          export directory ($TMPDIR/skillarena-exports),
 *                          row by row, once per contest state and language;
 *                          then sent from the file in chunks
 *                          (http_reply_file): 100,000 participants never
 *                          sit in memory, on the loop or anywhere
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <uv.h>

#include "api/api.h"
#include "api/request.h"
#include "core/coalesce.h"
#include "core/err.h"
#include "core/log.h"
#include "store/ranking.h"
#include "store/store.h"

#define RESULTS_PAGE_MAX 1000

enum { AS_JSON, AS_XLSX, AS_CSV };

typedef struct results_req {
	http_req *req;
	int kind;
	long page, per;
	int64_t id, epoch, seq;
	char *code, *title;
	char path[PATH_MAX];
} results_req;

static void results_free(results_req *r)
{
	free(r->code);
	free(r->title);
}

static void finish(results_req *r, int rc)
{
	static const char NOT_FINISHED_ZH[] = "竞赛尚未结束：成绩在竞赛结束后才有";
	static const char NOT_FINISHED_EN[] = "the contest has not finished: results come when it ends";
	if (rc == SA_E_BAD_STATE)
		api_error(r->req, rc, NULL, NOT_FINISHED_ZH, NOT_FINISHED_EN);
	else if (rc == SA_E_NOT_FOUND)
		http_reply_error(r->req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (rc)
		http_reply_error(r->req, rc, NULL);
	results_free(r);
	http_req_unref(r->req);
}

/* ------------------------------------------------------------ pool jobs (shared per key) */

typedef struct pool_task {
	uv_work_t w;
	arena *a;
	char *key;
	int64_t id;
	int format, lang_en; /* an export */
	char path[PATH_MAX];
	int rc;
	char err[512];
} pool_task;

/*
 * The export directory ($TMPDIR, else /tmp, + /skillarena-exports-PID), made
 * when missing: this process's own, because another server on the machine
 * (another database, as in tests) has contests with the same id, epoch and seq.
 */
static const char *export_dir(char *out, size_t n)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, n, "%s/skillarena-exports-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	return out;
}

/* Files of an older state of the contest go (a file being sent stays readable until closed). */
static void forget_older(const char *path, int64_t id)
{
	char dir[PATH_MAX], prefix[64];
	const char *base = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", (int)(base - path), path);
	int n = snprintf(prefix, sizeof prefix, "results-%lld-", (long long)id);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, (size_t)n) && strcmp(e->d_name, base + 1) &&
		    !strchr(e->d_name + n, '/')) {
			char old[PATH_MAX + 256];
			snprintf(old, sizeof old, "%s/%s", dir, e->d_name);
			unlink(old);
		}
	if (d)
		closedir(d);
}

static void task_work(uv_work_t *w)
{
	pool_task *t = w->data;
	if (!t->path[0]) {
		t->rc = ranking_build(t->a->cfg.pg, t->id, t->err, sizeof t->err);
		return;
	}
	char dir[PATH_MAX];
	mkdir(export_dir(dir, sizeof dir), 0700);
	if (access(t->path, F_OK))
		forget_older(t->path, t->id);
	t->rc = ranking_export(t->a->cfg.pg, t->id, t->format == AS_XLSX ? RANKING_XLSX : RANKING_CSV,
			       t->lang_en, t->path, t->err, sizeof t->err);
}

static void task_done(uv_work_t *w, int status)
{
	pool_task *t = w->data;
	(void)status;
	if (t->rc && t->rc != SA_E_BAD_STATE && t->rc != SA_E_NOT_FOUND)
		sa_log(LL_ERROR, "results of contest %lld: %s", (long long)t->id, t->err);
	coalesce_done(t->a, t->key, t->rc, t->rc ? NULL : cJSON_CreateTrue());
	free(t->key);
	free(t);
}

/* Starts the job of key ("ranking:ID:..." builds; "export:PATH" writes the file); ud: the request. */
static int task_start(arena *a, const char *key, void *ud)
{
	results_req *r = ud;
	pool_task *t = calloc(1, sizeof *t);
	if (!t || !(t->key = strdup(key))) {
		free(t);
		return SA_E_INTERNAL;
	}
	t->a = a;
	t->id = r->id;
	t->w.data = t;
	if (!strncmp(key, "export:", 7)) {
		snprintf(t->path, sizeof t->path, "%s", r->path);
		t->format = r->kind;
		t->lang_en = http_lang_en(r->req);
	}
	if (uv_queue_work(a->loop, &t->w, task_work, task_done)) {
		free(t->key);
		free(t);
		return SA_E_INTERNAL;
	}
	return 0;
}

/* ------------------------------------------------------------ answers */

static void page_read(arena *a, void *res, const char *err, void *ud)
{
	results_req *r = ud;
	(void)a;
	if (err || !res || PQntuples(res) != 1)
		finish(r, SA_E_UNAVAILABLE);
	else {
		http_reply_json(r->req, 200, api_json_cell(res, 0, 0));
		finish(r, 0);
	}
}

static int page_query(arena *a, results_req *r)
{
	char id[24], per[24], off[24];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	snprintf(per, sizeof per, "%ld", r->per);
	snprintf(off, sizeof off, "%ld", (r->page - 1) * r->per);
	const char *p[3] = {id, per, off};
	return store_query(
		a,
		"SELECT json_build_object('code', c.code, 'title', c.title, 'participants', m.participants, "
		"'max', m.max_milli / 1000.0::float8, 'questions', m.questions, "
		"'page', $3::bigint / $2::int + 1, 'per_page', $2::int, "
		"'ranking', coalesce((SELECT json_agg(json_build_object('rank', x.rank, 'tied', x.tied, "
		"  'participant_id', x.participant_id, 'name', x.name, 'employee_no', x.employee_no, 'unit', x.unit, "
		"  'score', x.score_milli / 1000.0::float8, 'correct', x.correct, 'wrong', x.wrong, "
		"  'time_ms', x.time_ms, 'points', (SELECT json_agg(v / 1000.0::float8 ORDER BY o) "
		"  FROM unnest(x.points) WITH ORDINALITY AS t(v, o))) ORDER BY x.place) "
		"  FROM contest_results x WHERE x.contest_id = c.id AND x.place > $3::bigint "
		"  AND x.place <= $3::bigint + $2::int), '[]'), "
		"'computed_at', m.computed_at) "
		"FROM contests c JOIN contest_results_meta m ON m.contest_id = c.id WHERE c.id = $1",
		3, p, page_read, r);
}

static void file_ready(arena *a, int rc, const cJSON *value, void *ud)
{
	results_req *r = ud;
	(void)a;
	(void)value;
	if (!rc) {
		char *name = NULL;
		const char *ext = r->kind == AS_XLSX ? "xlsx" : "csv";
		if (asprintf(&name, "%s%s%s %s.%s", r->title, *r->title ? " " : "", r->code,
			     http_lang_en(r->req) ? "results" : "成绩", ext) < 0)
			name = NULL;
		if (name)
			http_reply_file(
				r->req, 200,
				r->kind == AS_XLSX
					? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
					: "text/csv; charset=utf-8",
				r->path, name);
		else
			rc = SA_E_INTERNAL;
		free(name);
	}
	finish(r, rc);
}

/* The ranking is current: answer with a page, or the file (written first when this process has none). */
static void answer(arena *a, results_req *r)
{
	int rc;
	if (r->kind == AS_JSON) {
		if ((rc = page_query(a, r)))
			finish(r, rc);
		return;
	}
	char dir[PATH_MAX / 2], key[PATH_MAX + 16];
	snprintf(r->path, sizeof r->path, "%s/results-%lld-%lld-%lld-%s.%s", export_dir(dir, sizeof dir),
		 (long long)r->id, (long long)r->epoch, (long long)r->seq, http_lang_en(r->req) ? "en" : "zh",
		 r->kind == AS_XLSX ? "xlsx" : "csv");
	snprintf(key, sizeof key, "export:%s", r->path);
	if ((rc = coalesce_get(a, key, 0, task_start, r, file_ready, r)))
		finish(r, rc);
}

static void built(arena *a, int rc, const cJSON *value, void *ud)
{
	(void)value;
	if (rc)
		finish(ud, rc);
	else
		answer(a, ud);
}

/* id, code, title, finished, epoch, seq, current */
static void state_read(arena *a, void *res, const char *err, void *ud)
{
	results_req *r = ud;
	const char *code = store_text(res, 0, 1), *title = store_text(res, 0, 2),
		   *fin = store_text(res, 0, 3);
	const char *current = store_text(res, 0, 6);
	if (err || !res)
		return finish(r, SA_E_UNAVAILABLE);
	if (!PQntuples(res))
		return finish(r, SA_E_NOT_FOUND);
	if (!code || !title || !fin || !current || store_int(res, 0, 0, 1, INT64_MAX, &r->id) ||
	    store_int(res, 0, 4, 0, INT64_MAX, &r->epoch) || store_int(res, 0, 5, 0, INT64_MAX, &r->seq))
		return finish(r, SA_E_INTERNAL);
	if (strcmp(fin, "t"))
		return finish(r, SA_E_BAD_STATE);
	cJSON *t = cJSON_Parse(title);
	const cJSON *zh = cJSON_GetObjectItemCaseSensitive(t, "zh-CN");
	const char *s = cJSON_IsString(t)               ? t->valuestring
			: cJSON_IsString(zh)            ? zh->valuestring
			: t && cJSON_IsString(t->child) ? t->child->valuestring
							: "";
	r->code = strdup(code);
	r->title = strdup(s);
	cJSON_Delete(t);
	if (!r->code || !r->title)
		return finish(r, SA_E_INTERNAL);
	if (!strcmp(current, "t"))
		return answer(a, r);
	char key[96];
	snprintf(key, sizeof key, "ranking:%lld:%lld:%lld", (long long)r->id, (long long)r->epoch,
		 (long long)r->seq);
	int rc = coalesce_get(a, key, 0, task_start, r, built, r);
	if (rc)
		finish(r, rc);
}

static int results_get_as(http_req *req, int kind)
{
	results_req *r = http_alloc(req, sizeof *r);
	if (!r)
		return SA_E_INTERNAL;
	r->req = req;
	r->kind = kind;
	r->page = api_number(http_query(req, "page"), 1, 1000000);
	r->per = api_number(http_query(req, "per_page"), 100, RESULTS_PAGE_MAX);
	if (kind == AS_JSON && (!r->page || !r->per)) {
		api_error(req, SA_E_INVALID_FIELD, !r->page ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–1000", "page counts from 1, per_page is 1-1000");
		return 0;
	}
	const char *p[1] = {http_param(req, "code")};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"SELECT c.id, c.code, c.title::text, c.phase = 'finished' OR c.status IN ('finished', "
		"'archived'), c.epoch, c.seq, coalesce(m.epoch = c.epoch AND m.seq = c.seq, false) "
		"FROM contests c LEFT JOIN contest_results_meta m ON m.contest_id = c.id "
		"WHERE c.code = upper($1)",
		1, p, state_read, r);
	if (rc)
		http_req_unref(req);
	return rc;
}

static int results_get(http_req *req) { return results_get_as(req, AS_JSON); }
static int results_xlsx(http_req *req) { return results_get_as(req, AS_XLSX); }
static int results_csv(http_req *req) { return results_get_as(req, AS_CSV); }

#define READERS                                            \
	{                                                  \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER \
	}

const route api_results_routes[] = {
	{ROUTE_GET, "/api/console/contests/{code}/results", results_get, READERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/console/contests/{code}/results.xlsx", results_xlsx, READERS, ROUTE_BODY_NONE, 0,
	 0},
	{ROUTE_GET, "/api/console/contests/{code}/results.csv", results_csv, READERS, ROUTE_BODY_NONE, 0, 0},
	{0},
};
