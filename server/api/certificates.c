/*
 * certificates.c - issuing and revoking certificates (证书), for a contest's
 * organizers (docs/api.md, "Certificates"):
 *
 *   POST /api/console/contests/{code}/certificates {kind}     every participant of
 *        the final ranking, as a job (202, polled at GET /api/jobs/{id})
 *   POST /api/console/contests/{code}/certificates/{participant_id} {kind?}
 *        one participant, answered when signed (201, or 200 when it existed)
 *   GET  /api/console/contests/{code}/certificates            the list, revoked ones too
 *   POST /api/certificates/{id}/revoke {reason}               the contest's owner,
 *        organizers and admins; audited (certificate.revoke)
 *
 * Issuing is store/certissue.c on the thread pool (a job: store/jobs.h);
 * the downloads and the public verification are api/certverify.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/pool.h"
#include "api/request.h"
#include "core/err.h"
#include "core/log.h"
#include "net/gate.h"
#include "store/audit.h"
#include "store/certissue.h"
#include "store/certkey.h"
#include "store/jobs.h"
#include "store/store.h"

#define CERTS_PAGE_MAX 1000

typedef struct issue {
	api_job job; /* its request, until the job is created (a bulk job) or done() (one participant) */
	arena *a;
	auth_principal who;
	certissue_spec spec;
	char *code, *public_url;
	char kind[16];
	job *j;
} issue;

static void issue_free(issue *m)
{
	free(m->code);
	free(m->public_url);
	free(m);
}

static const struct {
	const char *name;
	unsigned kinds;
} kinds[] = {
	{"award", CERTISSUE_AWARD},
	{"participation", CERTISSUE_PARTICIPATION},
	{"all", CERTISSUE_AWARD | CERTISSUE_PARTICIPATION},
};

/* ------------------------------------------------------------ the work (pool) */

static void progress(double p, void *ud) { job_progress(ud, p); }

static int work(job *j, struct pg_conn *pg, void *ud)
{
	issue *m = ud;
	certissue_result r;
	char err[512] = "";
	m->spec.progress = progress;
	m->spec.ud = j;
	int rc = certissue_run((PGconn *)pg, &m->spec, &r, err, sizeof err);
	cJSON *rep = cJSON_CreateObject();
	cJSON_AddStringToObject(rep, "kind", m->kind);
	if (rc) {
		cJSON_AddStringToObject(rep, "error", err_name(rc));
		cJSON_AddStringToObject(rep, "message", *err ? err : err_message(rc, 1));
		sa_log(rc == SA_E_BAD_STATE ? LL_INFO : LL_ERROR, "certificates of %s: %s", m->code, err);
	} else {
		cJSON_AddNumberToObject(rep, "revision", r.revision);
		cJSON_AddNumberToObject(rep, "issued", (double)r.issued);
		cJSON_AddNumberToObject(rep, "existing", (double)r.existing);
		cJSON_AddNumberToObject(rep, "not_eligible", (double)r.not_eligible);
		cJSON_AddNumberToObject(rep, "failed", (double)r.failed);
		cJSON_AddItemToObject(rep, "failures", r.failures ? r.failures : cJSON_CreateArray());
		r.failures = NULL;
		if (m->spec.participant_id) {
			char pid[24];
			snprintf(pid, sizeof pid, "%lld", (long long)m->spec.participant_id);
			const char *p[2] = {pid, m->code};
			PGresult *q = PQexecParams(
				(PGconn *)pg,
				"SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'award', award, "
				"'revoked', revoked_at IS NOT NULL) ORDER BY kind), '[]') FROM certificates "
				"WHERE participant_id = $1 AND contest_code = $2",
				2, NULL, p, NULL, NULL, 0);
			cJSON *list = PQresultStatus(q) == PGRES_TUPLES_OK ? cJSON_Parse(PQgetvalue(q, 0, 0))
									   : NULL;
			cJSON_AddItemToObject(rep, "certificates", list ? list : cJSON_CreateArray());
			cJSON_AddBoolToObject(rep, "found", r.found);
			PQclear(q);
		}
	}
	certissue_release(&r);
	job_report(j, rep);
	return rc;
}

/* ------------------------------------------------------------ the loop */

static void audit_issue(issue *m, int64_t id, int rc, const cJSON *report)
{
	cJSON *after = api_job_audit(report, NULL, id, rc);
	cJSON_DeleteItemFromObjectCaseSensitive(after, "failures");
	cJSON_DeleteItemFromObjectCaseSensitive(after, "certificates");
	if (m->spec.participant_id)
		cJSON_AddNumberToObject(after, "participant_id", (double)m->spec.participant_id);
	audit_write(m->a, &m->who, "certificate.issue", m->code, NULL, NULL, after);
	cJSON_Delete(after);
}

static double num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A record the library refused: 400 naming the field and why ("name: 129 characters, at most 128"). */
static void refused(http_req *req, const cJSON *report)
{
	const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(report, "failures"), 0);
	const cJSON *why = cJSON_GetObjectItemCaseSensitive(f, "reason");
	const char *w = cJSON_IsString(why) ? why->valuestring : "?";
	char field[32], zh[600], en[600];
	snprintf(field, sizeof field, "%.*s", (int)strcspn(w, ":"), w);
	snprintf(zh, sizeof zh, "证书信息不符合要求：%s", w);
	snprintf(en, sizeof en, "the certificate's data is refused: %s", w);
	api_error(req, SA_E_INVALID_FIELD, field, zh, en);
}

/* One participant: the answer waits for the job. */
static void one_done(issue *m, int rc, const cJSON *report)
{
	http_req *req = m->job.req;
	const cJSON *found = cJSON_GetObjectItemCaseSensitive(report, "found");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(report, "certificates");
	m->job.req = NULL;
	if (rc == SA_E_BAD_STATE)
		api_error(req, rc, NULL, "竞赛尚无最终成绩，不能发证",
			  "the contest has no final results yet");
	else if (rc || !report)
		http_reply_error(req, rc ? rc : SA_E_INTERNAL, NULL);
	else if (!cJSON_IsTrue(found))
		api_error(req, SA_E_NOT_FOUND, "participant_id", "该参赛者不在最终成绩中",
			  "this participant is not in the final results");
	else if (num(report, "failed") > 0)
		refused(req, report);
	else if (!cJSON_GetArraySize(list) || num(report, "issued") + num(report, "existing") == 0)
		api_error(req, SA_E_INVALID_FIELD, "kind", "该参赛者没有可颁发的证书（未获奖或信息不完整）",
			  "nothing to issue to this participant (no award, or incomplete data)");
	else
		http_reply_json(req, num(report, "issued") > 0 ? 201 : 200, cJSON_Duplicate(report, 1));
	http_req_unref(req);
}

static void done(arena *a, int64_t id, int rc, const cJSON *report, void *ud)
{
	issue *m = ud;
	(void)a;
	if (id)
		audit_issue(m, id, rc, report);
	if (m->job.req)
		one_done(m, rc, report);
	issue_free(m);
}

static void contest_read(arena *a, void *res, const char *err, void *ud)
{
	issue *m = ud;
	http_req *req = m->job.req;
	int rc = 0;
	(void)a;
	if (err || !res)
		rc = SA_E_UNAVAILABLE;
	else if (PQntuples(res) != 1 || store_int(res, 0, 0, 1, INT64_MAX, &m->spec.contest_id))
		rc = SA_E_UNKNOWN_CONTEST;
	else if (strcmp(store_text(res, 0, 2), "t")) {
		api_error(req, SA_E_BAD_STATE, NULL, "竞赛尚未结束：结束并有最终成绩后才能发证",
			  "the contest has not finished: certificates come with its final results");
		goto out;
	} else if (!(m->code = strdup(store_text(res, 0, 1))))
		rc = SA_E_INTERNAL;
	else {
		job_spec spec = {.kind = "certificates",
				 .contest_id = m->spec.contest_id,
				 .work = work,
				 .done = done,
				 .ud = m};
		m->job.contest = m->code;
		if (!(rc = api_job_start(&m->job, &m->who, &spec)))
			return; /* the job or done() answers and drops req; done() frees m */
	}
	http_reply_error(req, rc, NULL);
out:
	http_req_unref(req);
	issue_free(m);
}

/* Signing threads of a bulk job: the machine's cores, at most 4 (the job is one of the pool's threads). */
static int sign_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* Both issuing routes: the kind, the key, then the contest. */
static int issue_start(http_req *req, int64_t participant_id)
{
	arena *a = http_arena(req);
	int bad = 0;
	const char *kind = api_string(req, "kind", &bad);
	unsigned k = 0;
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kind, kinds[i].name))
			k = kinds[i].kinds;
	if (bad || (kind && !k) || (!kind && !participant_id)) {
		api_error(req, SA_E_INVALID_FIELD, "kind", "kind 须为 award、participation 或 all",
			  "kind must be award, participation or all");
		return 0;
	}
	if (!certkey_key(a)) {
		api_error(req, SA_E_UNAVAILABLE, NULL, "本服务器未配置证书签名密钥（--cert-key-file）",
			  "this server has no certificate signing key (--cert-key-file)");
		return 0;
	}
	issue *m = calloc(1, sizeof *m);
	if (!m || !(m->public_url = strdup(gate_public_url(a)))) {
		free(m);
		return SA_E_INTERNAL;
	}
	m->job = (api_job){.req = req, .flags = participant_id ? API_JOB_KEEP : 0};
	m->a = a;
	m->who = *http_principal(req);
	snprintf(m->kind, sizeof m->kind, "%s", kind ? kind : "all");
	m->spec = (certissue_spec){.conninfo = a->cfg.pg,
				   .kinds = k ? k : CERTISSUE_AWARD | CERTISSUE_PARTICIPATION,
				   .participant_id = participant_id,
				   .key = certkey_key(a),
				   .tpl = certkey_template(a),
				   .public_url = m->public_url,
				   .issued_by = m->who.account_id,
				   .threads = sign_threads()};
	const char *p[1] = {http_param(req, "code")};
	http_req_ref(req);
	int rc = store_query(a,
			     "SELECT c.id, c.code, " CONSOLE_STATUS " IN ('finished', 'archived') "
			     "FROM contests c WHERE c.code = upper($1)",
			     1, p, contest_read, m);
	if (rc) {
		http_req_unref(req);
		issue_free(m);
	}
	return rc;
}

static int issue_all(http_req *req) { return issue_start(req, 0); }

static int issue_one(http_req *req)
{
	int64_t pid = api_id(req, "participant_id");
	if (!pid) {
		api_error(req, SA_E_NOT_FOUND, "participant_id", "没有这个参赛者",
			  "no participant has this id");
		return 0;
	}
	return issue_start(req, pid);
}

/* ------------------------------------------------------------ the list */

static void list_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1 || !store_text(res, 0, 0))
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else
		http_reply_json(req, 200, api_json_cell(res, 0, 0));
	http_req_unref(req);
}

static int list(http_req *req)
{
	long page, per;
	const char *kind = http_query(req, "kind");
	if (console_num(req, "page", 1, 1000000, 1, &page) ||
	    console_num(req, "per_page", 1, CERTS_PAGE_MAX, 100, &per))
		return 0;
	if (kind && strcmp(kind, "award") && strcmp(kind, "participation")) {
		api_error(req, SA_E_INVALID_FIELD, "kind", "kind 须为 award 或 participation",
			  "kind must be award or participation");
		return 0;
	}
	char off[24], lim[24];
	snprintf(off, sizeof off, "%ld", (page - 1) * per);
	snprintf(lim, sizeof lim, "%ld", per);
	const char *p[4] = {http_param(req, "code"), kind ? kind : "", off, lim};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"SELECT CASE WHEN c.id IS NOT NULL THEN json_build_object('code', c.code, "
		"'total', (SELECT count(*) FROM certificates x WHERE x.contest_id = c.id AND ($2 = '' OR x.kind = $2)), "
		"'revoked', (SELECT count(*) FROM certificates x WHERE x.contest_id = c.id AND ($2 = '' OR x.kind = $2) "
		"AND x.revoked_at IS NOT NULL), 'page', $3::bigint / $4::bigint + 1, 'per_page', $4::bigint, "
		"'certificates', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'participant_id', "
		"x.participant_id, 'name', x.name, 'employee_no', x.employee_no, 'unit', x.unit, 'kind', x.kind, "
		"'award', x.award, 'revision', x.revision, 'issued_at', x.issued_at, 'revoked', x.revoked_at IS NOT NULL, "
		"'revoked_at', x.revoked_at, 'revoke_reason', x.revoke_reason) ORDER BY x.issued_at, x.participant_id, "
		"x.kind), '[]') FROM (SELECT * FROM certificates y WHERE y.contest_id = c.id AND ($2 = '' OR y.kind = $2) "
		"ORDER BY y.issued_at, y.participant_id, y.kind OFFSET $3::bigint LIMIT $4::bigint) x)) END "
		"FROM (SELECT 1) one LEFT JOIN contests c ON c.code = upper($1)",
		4, p, list_read, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* ------------------------------------------------------------ revoke */

typedef struct revoke_req {
	http_req *req;
	auth_principal who;
	char *reason;
} revoke_req;

/* Columns: found, may, revoked now, revoked before, contest code, name, kind, reason before. */
static void revoked(arena *a, void *res, const char *err, void *ud)
{
	revoke_req *v = ud;
	http_req *req = v->req;
	const char *id = http_param(req, "id");
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1 || strcmp(store_text(res, 0, 0), "t"))
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个证书", "no certificate has this id");
	else if (strcmp(store_text(res, 0, 1), "t"))
		api_error(req, SA_E_FORBIDDEN, NULL, "只有竞赛的创建者、组织者和管理员可以撤销证书",
			  "only the contest's owner, its organizers and admins may revoke its certificates");
	else if (!store_text(res, 0, 2))
		api_error(req, SA_E_CONFLICT, "id", "该证书已被撤销，不能重复撤销",
			  "this certificate was revoked already");
	else {
		cJSON *before = cJSON_CreateObject(), *after = cJSON_CreateObject(),
		      *o = cJSON_CreateObject();
		char target[64];
		snprintf(target, sizeof target, "certificate %s", id);
		cJSON_AddBoolToObject(before, "revoked", 0);
		cJSON_AddBoolToObject(after, "revoked", 1);
		cJSON_AddStringToObject(after, "reason", v->reason);
		cJSON_AddStringToObject(after, "name", store_text(res, 0, 5));
		cJSON_AddStringToObject(after, "kind", store_text(res, 0, 6));
		audit_write(a, &v->who, "certificate.revoke", store_text(res, 0, 4), target, before, after);
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "verdict", "revoked");
		cJSON_AddStringToObject(o, "revoked_at", store_text(res, 0, 2));
		cJSON_AddStringToObject(o, "revoke_reason", v->reason);
		http_reply_json(req, 200, o);
		cJSON_Delete(before);
		cJSON_Delete(after);
	}
	http_req_unref(req);
}

static int revoke_post(http_req *req)
{
	int bad = 0;
	const char *reason = api_string(req, "reason", &bad);
	size_t n = reason ? strlen(reason) : 0;
	while (reason && n && (reason[n - 1] == ' ' || reason[n - 1] == '\n'))
		n--;
	if (bad || !reason || !n || strlen(reason) > 600) {
		api_error(req, SA_E_INVALID_FIELD, "reason", "须写明撤销原因（1–200 字）",
			  "give the reason for revoking (1-200 characters)");
		return 0;
	}
	revoke_req *v = http_alloc(req, sizeof *v);
	if (!v || !(v->reason = http_alloc(req, n + 1)))
		return SA_E_INTERNAL;
	memcpy(v->reason, reason, n);
	v->req = req;
	v->who = *http_principal(req);
	console_who w;
	console_who_of(req, &w);
	const char *p[4] = {http_param(req, "id"), w.acc, w.admin, v->reason};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"WITH x AS (SELECT x.id, x.revoked_at, x.contest_code, x.name, x.kind, ($3::bool OR c.owner_id = $2::bigint "
		"OR EXISTS (SELECT 1 FROM contest_grants g WHERE g.contest_id = c.id AND g.account_id = $2::bigint "
		"AND g.role = 'organizer')) AS may FROM certificates x LEFT JOIN contests c ON c.id = x.contest_id "
		"WHERE x.id = $1), "
		"u AS (UPDATE certificates SET revoked_at = now(), revoked_by = NULLIF($2::bigint, 0), revoke_reason = $4 "
		"WHERE id = $1 AND revoked_at IS NULL AND (SELECT may FROM x) RETURNING revoked_at) "
		"SELECT x.id IS NOT NULL, coalesce(x.may, false), (SELECT revoked_at FROM u), x.revoked_at, "
		"x.contest_code, x.name, x.kind FROM (SELECT 1) one LEFT JOIN x ON true",
		4, p, revoked, v);
	if (rc)
		http_req_unref(req);
	return rc;
}

#define ISSUE_ACCESS                         \
	{                                    \
		AUTH_CONTEST, AUTH_ORGANIZER \
	}
#define LIST_ACCESS                                        \
	{                                                  \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_VIEWER \
	}

const route api_certificates_routes[] = {
	{ROUTE_POST, "/api/console/contests/{code}/certificates", issue_all, ISSUE_ACCESS, ROUTE_BODY_JSON,
	 4096, 0},
	{ROUTE_POST, "/api/console/contests/{code}/certificates/{participant_id}", issue_one, ISSUE_ACCESS,
	 ROUTE_BODY_JSON, 4096, 0},
	{ROUTE_GET, "/api/console/contests/{code}/certificates", list, LIST_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST,
	 "/api/certificates/{id}/revoke",
	 revoke_post,
	 {AUTH_ROLE, AUTH_ORGANIZER},
	 ROUTE_BODY_JSON,
	 4096,
	 0},
	{0},
};
