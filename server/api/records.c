/*
 * records.c - the training records (培训档案) over HTTP:
 *
 *   GET  /api/records/me?token=T      public: the ledger of the worker whose
 *                                     records token T is (core/rtoken.h; the
 *                                     phone got it in `joined`), newest first
 *   GET  /api/records?unit=&from=&to=&page=&per_page=
 *                                     organizers and viewers: the ledger of
 *                                     a unit's subtree over a period, a page
 *                                     at a time
 *   POST /api/records/revocations     organizers: {"employee_no","reason"}:
 *                                     every records token of that worker
 *                                     issued until now is refused (a lost
 *                                     phone); audited (records.revoke)
 *   POST /api/records/exports         organizers and viewers: a console job
 *                                     (store/jobs.h) writing the ledger or
 *                                     participation by unit as XLSX or CSV
 *                                     on the thread pool (store/records.c);
 *                                     the file is GET /api/jobs/{id}/file,
 *                                     kept a day
 *
 * Every read is records_ledger() / records_participation() of
 * sql/080_records.sql, which also holds the seam with the results
 * lifecycle and the certificates. Exports are audited (records.export).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rtoken.h"
#include "core/utf8.h"
#include "store/audit.h"
#include "store/jobs.h"
#include "store/records.h"
#include "store/store.h"

#define RECORDS_PAGE_MAX 500
#define RECORDS_ME_MAX 1000
#define EXPORT_BODY_MAX 4096
#define UNIT_MAX 1024
#define RECORDS_KEEP_S 86400 /* an export file is kept a day */

/* A ledger row as JSON, from records_ledger()'s columns of x. */
#define LEDGER_JSON                                                                                            \
	"json_build_object('kind', x.kind, 'code', x.code, 'title', x.title, 'at', x.at, 'employee_no', "      \
	"x.employee_no, 'name', x.name, 'unit', x.unit, 'attempt_no', x.attempt_no, 'score', x.score, "        \
	"'max', x.max, 'correct', x.correct, 'answered', x.answered, 'duration_ms', x.duration_ms, 'passed', " \
	"x.passed, 'rank', x.rank, 'award', x.award, 'certificate_id', x.certificate_id, 'hours', x.hours, "   \
	"'credits', x.credits)"

/* ------------------------------------------------------------ parameters */

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* A day YYYY-MM-DD that exists (or absent/empty): 1, else 0. */
static int day_ok(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, n = 0;
	if (!s || !*s)
		return 1;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[4] != '-' ||
	    s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12)
		return 0;
	return d >= 1 && d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* unit, from and to of the query or the body into f: 0, or -1 answered (400). */
static int filter_of(http_req *req, const char *unit, const char *from, const char *to, records_filter *f)
{
	if (unit && strlen(unit) > UNIT_MAX) {
		api_error(req, SA_E_INVALID_FIELD, "unit", "单位路径过长", "the unit path is too long");
		return -1;
	}
	if (!day_ok(from) || !day_ok(to)) {
		api_error(req, SA_E_INVALID_FIELD, day_ok(from) ? "to" : "from", "日期须为 YYYY-MM-DD",
			  "dates are YYYY-MM-DD");
		return -1;
	}
	if (from && to && *from && *to && strcmp(from, to) > 0) {
		api_error(req, SA_E_INVALID_FIELD, "to", "结束日期早于开始日期", "to is before from");
		return -1;
	}
	f->unit = unit ? unit : "";
	f->from = from ? from : "";
	f->to = to ? to : "";
	return 0;
}

/* The unit as the queries take it: a roster unit's id becomes its path. */
#define UNIT_PATH(n) "coalesce((SELECT u.path FROM units u WHERE u.id::text = $" #n "), $" #n ")"

/* ------------------------------------------------------------ my records */

/* NULL (the token was revoked) or the ledger object. */
static void me_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQgetisnull(res, 0, 0))
		api_error(req, SA_E_BAD_TOKEN, "token", "档案链接已被收回，请重新进入比赛获取新的链接",
			  "this records link was revoked: join the contest again for a new one");
	else
		http_reply_json(req, 200, api_json_cell(res, 0, 0));
	http_req_unref(req);
}

static int records_me(http_req *req)
{
	const char *secret = http_arena(req)->cfg.records_secret;
	char emp[RTOKEN_EMP_MAX + 1], max[16], issued[24];
	int64_t issued_ms;
	if (!secret || !*secret) {
		api_error(req, SA_E_UNAVAILABLE, NULL, "本服务器未启用培训档案",
			  "training records are not enabled");
		return 0;
	}
	if (rtoken_check(secret, http_query(req, "token"), emp, &issued_ms)) {
		api_error(req, SA_E_BAD_TOKEN, "token", "档案令牌无效", "unknown records token");
		return 0;
	}
	snprintf(max, sizeof max, "%d", RECORDS_ME_MAX);
	snprintf(issued, sizeof issued, "%lld", (long long)issued_ms);
	const char *p[3] = {emp, max, issued};
	return api_query(
		req,
		"WITH l AS (SELECT * FROM records_ledger($1, NULL, NULL, NULL)) "
		"SELECT CASE WHEN EXISTS (SELECT 1 FROM records_revocations r WHERE r.employee_no = $1 "
		"  AND r.revoked_before_ms >= $3::bigint) THEN NULL ELSE json_build_object('employee_no', $1::text, "
		"'name', (SELECT x.name FROM l x ORDER BY x.at DESC LIMIT 1), "
		"'totals', (SELECT json_build_object('activities', count(*), 'hours', coalesce(sum(x.hours), 0), "
		"  'credits', coalesce(sum(x.credits), 0)) FROM l x), "
		"'truncated', (SELECT count(*) > $2::int FROM l), "
		"'records', coalesce((SELECT json_agg(" LEDGER_JSON " ORDER BY x.at DESC) "
		"  FROM (SELECT * FROM l LIMIT $2::int) x), '[]')) END",
		3, p, me_read, NULL);
}

/* ------------------------------------------------------------ revoking a worker's tokens */

typedef struct revocation {
	http_req *req;
	auth_principal who;
	char emp[RTOKEN_EMP_MAX + 1];
	char *reason;
} revocation;

static void revoked(arena *a, void *res, const char *err, void *ud)
{
	revocation *v = ud;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(v->req, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = api_json_cell(res, 0, 0), *d = cJSON_CreateObject();
		if (d) {
			cJSON_AddStringToObject(d, "reason", v->reason ? v->reason : "");
			audit_note(a, &v->who, "records.revoke", NULL, v->emp, d);
			cJSON_Delete(d);
		}
		http_reply_json(v->req, 200, o);
	}
	http_req_unref(v->req);
	free(v->reason);
	free(v);
}

static int revocations_post(http_req *req)
{
	int bad_emp = 0, bad_reason = 0;
	const char *emp = api_string(req, "employee_no", &bad_emp),
		   *reason = api_string(req, "reason", &bad_reason);
	size_t n = emp ? strlen(emp) : 0;
	if (!n || bad_emp || n > RTOKEN_EMP_MAX || !utf8_valid(emp, n)) {
		api_error(req, SA_E_INVALID_FIELD, "employee_no", "须填写工号（最多 64 字节）",
			  "an employee number is needed (at most 64 bytes)");
		return 0;
	}
	if (bad_reason ||
	    (reason && (!utf8_valid(reason, strlen(reason)) || utf8_count(reason, strlen(reason)) > 200))) {
		api_error(req, SA_E_INVALID_FIELD, "reason", "原因须为不超过 200 字的文字",
			  "the reason is text of at most 200 characters");
		return 0;
	}
	revocation *v = calloc(1, sizeof *v);
	if (!v || (reason && !(v->reason = strdup(reason)))) {
		free(v);
		return SA_E_INTERNAL;
	}
	v->req = req;
	v->who = *http_principal(req);
	memcpy(v->emp, emp, n + 1);
	char by[24];
	snprintf(by, sizeof by, "%lld", (long long)v->who.account_id);
	const char *p[3] = {emp, reason ? reason : "", by};
	/* Every token issued up to this statement's time: its own clock, the one the tokens were made on. */
	int rc = api_query(
		req,
		"INSERT INTO records_revocations AS r (employee_no, revoked_before_ms, reason, revoked_by) "
		"VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint, nullif($2, ''), "
		"  nullif($3, '0')::bigint) "
		"ON CONFLICT (employee_no) DO UPDATE SET revoked_before_ms = greatest(r.revoked_before_ms, "
		"  excluded.revoked_before_ms), reason = excluded.reason, revoked_by = excluded.revoked_by, "
		"  revoked_at = now() "
		"RETURNING json_build_object('employee_no', employee_no, 'revoked_before', revoked_before_ms, "
		"  'reason', reason)",
		3, p, revoked, v);
	if (rc) {
		free(v->reason);
		free(v);
	}
	return rc;
}

/* ------------------------------------------------------------ a unit's records */

static int records_list(http_req *req)
{
	records_filter f;
	long page = api_number(http_query(req, "page"), 1, 1000000),
	     per = api_number(http_query(req, "per_page"), 100, RECORDS_PAGE_MAX);
	if (!page || !per) {
		api_error(req, SA_E_INVALID_FIELD, !page ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–500", "page counts from 1, per_page is 1-500");
		return 0;
	}
	if (filter_of(req, http_query(req, "unit"), http_query(req, "from"), http_query(req, "to"), &f))
		return 0;
	char sper[24], soff[24];
	snprintf(sper, sizeof sper, "%ld", per);
	snprintf(soff, sizeof soff, "%ld", (page - 1) * per);
	const char *p[5] = {f.unit, f.from, f.to, sper, soff};
	return api_query_json(
		req,
		"WITH l AS (SELECT * FROM records_ledger(NULL, " UNIT_PATH(1) ", " RECORDS_FROM(2) ", " RECORDS_TO(
			3) ")) "
			   "SELECT json_build_object('unit', " UNIT_PATH(
				   1) ", 'from', nullif($2, ''), 'to', nullif($3, ''), "
				      "'page', $5::bigint / $4::int + 1, 'per_page', $4::int, "
				      "'total', (SELECT count(*) FROM l), "
				      "'records', coalesce((SELECT json_agg(" LEDGER_JSON
				      " ORDER BY x.n) FROM (SELECT l.*, row_number() OVER () AS n "
				      "FROM l OFFSET $5::bigint LIMIT $4::int) x), '[]'))",
		5, p, NULL);
}

/* ------------------------------------------------------------ exports (jobs) */

typedef struct rexport {
	http_req *req; /* until the job is created */
	auth_principal who;
	records_what what;
	int xlsx, lang_en;
	char unit[UNIT_MAX + 1], from[11], to[11];
	job *j;
	int64_t rows;
	char name[256];
	char nonce[17]; /* the file's name is not guessed, nor shared by two databases' job 1 */
} rexport;

static void progress(void *ud, double p) { job_progress(((rexport *)ud)->j, p); }

/* The unit's path (an id is looked up), into e->unit: on the pool. */
static void unit_path(PGconn *pg, rexport *e)
{
	const char *p[1] = {e->unit};
	PGresult *r = PQexecParams(pg, "SELECT " UNIT_PATH(1), 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(e->unit, sizeof e->unit, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
}

/* Exports older than a day go (a download is made within minutes of its job). */
static void forget_old(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	while (d && (e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;
		if (strncmp(e->d_name, "records-", 8) ||
		    snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
			continue;
		if (!stat(p, &st) && S_ISREG(st.st_mode) && now - st.st_mtime > RECORDS_KEEP_S)
			unlink(p);
	}
	if (d)
		closedir(d);
}

static int work(job *j, struct pg_conn *pg, void *ud)
{
	rexport *e = ud;
	char dir[PATH_MAX / 2], path[PATH_MAX], err[512], idtext[24];
	const char *tmp = getenv("TMPDIR");
	e->j = j;
	snprintf(dir, sizeof dir, "%s/skillarena-exports", tmp && *tmp ? tmp : "/tmp");
	mkdir(dir, 0700);
	forget_old(dir);
	snprintf(path, sizeof path, "%s/records-%lld-%s.%s", dir, (long long)job_id(j), e->nonce,
		 e->xlsx ? "xlsx" : "csv");
	unit_path(pg, e);
	records_filter f = {e->unit, e->from, e->to};
	int rc = records_export(pg, e->what, e->xlsx, e->lang_en, &f, path, progress, e, &e->rows, err,
				sizeof err);
	cJSON *report = cJSON_CreateObject();
	cJSON_AddNumberToObject(report, "rows", (double)e->rows);
	if (rc) {
		sa_log(LL_WARN, "records export %lld: %s", (long long)job_id(j), err);
		cJSON_AddStringToObject(report, "error", err);
		job_report(j, report);
		return rc;
	}
	job_report(j, report);
	snprintf(idtext, sizeof idtext, "%lld", (long long)job_id(j));
	const char *p[4] = {idtext, path, e->name,
			    e->xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				    : "text/csv; charset=utf-8"};
	PGresult *r =
		PQexecParams(pg, "UPDATE jobs SET path = $2, file_name = $3, file_type = $4 WHERE id = $1", 4,
			     NULL, p, NULL, NULL, 0);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
	PQclear(r);
	if (rc)
		unlink(path);
	return rc;
}

static void done(arena *a, int64_t id, int rc, const cJSON *report, void *ud)
{
	rexport *e = ud;
	if (id) {
		cJSON *after = cJSON_CreateObject();
		cJSON_AddNumberToObject(after, "job", (double)id);
		cJSON_AddStringToObject(after, "what",
					e->what == RECORDS_LEDGER ? "ledger" : "participation");
		cJSON_AddStringToObject(after, "format", e->xlsx ? "xlsx" : "csv");
		cJSON_AddStringToObject(after, "unit", e->unit);
		cJSON_AddStringToObject(after, "from", e->from);
		cJSON_AddStringToObject(after, "to", e->to);
		cJSON_AddNumberToObject(after, "rows", (double)e->rows);
		if (rc)
			cJSON_AddStringToObject(after, "error", err_name(rc));
		audit_write(a, &e->who, "records.export", NULL, NULL, NULL, after);
		cJSON_Delete(after);
	}
	(void)report;
	free(e);
}

static void created(arena *a, int64_t id, const char *at, int rc, void *arg)
{
	rexport *e = arg;
	http_req *req = e->req;
	(void)a;
	e->req = NULL;
	if (rc)
		http_reply_error(req, rc, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_AddStringToObject(o, "kind", "records_export");
		cJSON_AddStringToObject(o, "status", "queued");
		cJSON_AddNumberToObject(o, "progress", 0);
		cJSON_AddItemToObject(o, "created_at", at ? cJSON_CreateString(at) : cJSON_CreateNull());
		http_reply_json(req, 202, o);
	}
	http_req_unref(req);
}

/* A member of the body from a list of allowed values: its index, or -1 answered (400). */
static int choice(http_req *req, const char *name, const char *const *allowed, const char *zh, const char *en)
{
	int bad = 0;
	const char *v = api_string(req, name, &bad);
	for (int i = 0; v && allowed[i]; i++)
		if (!strcmp(v, allowed[i]))
			return i;
	if (!v && !bad)
		return 0;
	api_error(req, SA_E_INVALID_FIELD, name, zh, en);
	return -1;
}

static int exports_post(http_req *req)
{
	static const char *const whats[] = {"ledger", "participation", NULL};
	static const char *const formats[] = {"xlsx", "csv", NULL};
	static const char *const texts[] = {"unit", "from", "to"};
	const char *v[3];
	int what, format;
	if ((what = choice(req, "what", whats, "what 须为 ledger 或 participation",
			   "what is ledger or participation")) < 0 ||
	    (format = choice(req, "format", formats, "format 须为 xlsx 或 csv", "format is xlsx or csv")) < 0)
		return 0;
	for (int i = 0; i < 3; i++) {
		int bad = 0;
		v[i] = api_string(req, texts[i], &bad);
		if (bad) {
			api_error(req, SA_E_INVALID_FIELD, texts[i], "须为字符串", "must be a string");
			return 0;
		}
	}
	const char *unit = v[0], *from = v[1], *to = v[2];
	records_filter f;
	if (filter_of(req, unit, from, to, &f))
		return 0;
	rexport *e = calloc(1, sizeof *e);
	if (!e)
		return SA_E_INTERNAL;
	if (auth_random_hex(e->nonce, 8)) {
		free(e);
		return SA_E_INTERNAL;
	}
	e->req = req;
	e->who = *http_principal(req);
	e->what = what ? RECORDS_PARTICIPATION : RECORDS_LEDGER;
	e->xlsx = format == 0;
	e->lang_en = http_lang_en(req);
	snprintf(e->unit, sizeof e->unit, "%s", f.unit);
	snprintf(e->from, sizeof e->from, "%s", f.from);
	snprintf(e->to, sizeof e->to, "%s", f.to);
	snprintf(e->name, sizeof e->name, "%s%s%s%s%s.%s",
		 e->lang_en ? (what ? "participation" : "training-records")
			    : (what ? "参与情况" : "培训档案"),
		 *e->from ? " " : "", e->from, *e->to ? " " : "", e->to, e->xlsx ? "xlsx" : "csv");
	job_spec spec = {.kind = "records_export", .work = work, .done = done, .ud = e};
	http_req_ref(req);
	int rc = jobs_start(http_arena(req), &e->who, &spec, created, e);
	if (rc) {
		http_req_unref(req);
		free(e);
	}
	return rc;
}

#define READERS                                         \
	{                                               \
		AUTH_ROLE, AUTH_ORGANIZER | AUTH_VIEWER \
	}
#define ANYONE                 \
	{                      \
		AUTH_PUBLIC, 0 \
	}
#define ORGANIZERS                        \
	{                                 \
		AUTH_ROLE, AUTH_ORGANIZER \
	}

const route api_records_routes[] = {
	{ROUTE_GET, "/api/records/me", records_me, ANYONE, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/records", records_list, READERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/records/exports", exports_post, READERS, ROUTE_BODY_JSON, EXPORT_BODY_MAX, 0},
	{ROUTE_POST, "/api/records/revocations", revocations_post, ORGANIZERS, ROUTE_BODY_JSON, 2048, 0},
	{0},
};
