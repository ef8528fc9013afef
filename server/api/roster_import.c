/*
 * roster_import.c - POST /api/roster/import: the enterprise's roster file
 * into units and workers, as a job (store/jobs.h; docs/api.md, "POST
 * /api/roster/import").
 *
 *   the loop   format, mode and encoding checked; the file's bytes copied
 *              into the job; 202 {"job":JOB}
 *   the pool   the file read and every row checked (api/roster_file.c); a
 *              refused row fails the job with every refused row located,
 *              and nothing changes; otherwise ONE transaction, under an
 *              advisory lock (one import at a time, every process): the rows
 *              copied into a temporary table (store/pgcopy.c), the units of
 *              every path made (units_ensure()), workers added or updated (a
 *              row equal to the stored worker is left alone), with
 *              mode=replace the active workers missing from the file made
 *              inactive, and the audit entry roster.import with the counts
 *   the loop   a refused or failed import is audited too (imported: false)
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "api/pool.h"
#include "api/request.h"
#include "api/roster_file.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "store/audit.h"
#include "store/jobs.h"
#include "store/pgcopy.h"

/* The advisory lock every roster import takes (pg_advisory_xact_lock's two keys). */
#define ROSTER_LOCK "hashtext('skillarena.roster'), 1"

typedef struct imp {
	api_job job; /* its request, until the job is created */
	char *data;
	size_t len;
	char filename[256];
	char format[8];    /* "", "xlsx", "csv" */
	char encoding[16]; /* "" auto */
	int replace;
	auth_principal who;
	job *j;
} imp;

static void imp_free(imp *m)
{
	free(m->data);
	free(m);
}

/* ------------------------------------------------------------ the work (pool) */

/* One statement of the import: 0, or SA_E_UNAVAILABLE with PostgreSQL's reason in the report. */
static int exec(PGconn *pg, const char *sql, int n, const char *const *p, cJSON *report, PGresult **out)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		if (out)
			*out = r;
		else
			PQclear(r);
		return 0;
	}
	sa_log(LL_WARN, "roster import: %s", PQresultErrorMessage(r));
	if (!cJSON_GetObjectItemCaseSensitive(report, "error"))
		cJSON_AddStringToObject(report, "error", PQresultErrorMessage(r));
	PQclear(r);
	return SA_E_UNAVAILABLE;
}

/* The first column of the first row of sql, a count. */
static int count(PGconn *pg, const char *sql, cJSON *report, const char *name)
{
	PGresult *r = NULL;
	int rc = exec(pg, sql, 0, NULL, report, &r);
	if (!rc) {
		cJSON_AddNumberToObject(report, name, PQntuples(r) ? atof(PQgetvalue(r, 0, 0)) : 0);
		PQclear(r);
	}
	return rc;
}

/* The file's rows into the temporary table roster_in. */
static int copy_rows(imp *m, PGconn *pg, const roster_file *f, cJSON *report)
{
	pgcopy c;
	char err[512];
	pgcopy_begin(&c, pg, "COPY roster_in (employee_no, name, path, phone_tail) FROM STDIN");
	for (size_t i = 0; i < f->n && !c.failed; i++) {
		const roster_entry *e = &f->rows[i];
		pgcopy_text(&c, e->employee_no);
		pgcopy_text(&c, e->name);
		pgcopy_text(&c, e->path);
		pgcopy_text(&c, e->phone_tail);
		pgcopy_row(&c);
		if (!(i & 4095))
			job_progress(m->j, 0.3 + 0.3 * (double)i / (double)f->n);
	}
	int rc = pgcopy_end(&c, err, sizeof err);
	if (rc) {
		sa_log(LL_WARN, "roster import: COPY: %s", err);
		cJSON_AddStringToObject(report, "error", err);
	}
	return rc;
}

static const char WORKERS_UPSERT[] =
	"WITH up AS (INSERT INTO workers AS w (employee_no, name, unit_id, phone_tail, active) "
	"  SELECT r.employee_no, r.name, p.unit_id, r.phone_tail, true "
	"  FROM roster_in r JOIN roster_paths p ON p.path = r.path "
	"  ON CONFLICT (employee_no) DO UPDATE SET name = EXCLUDED.name, unit_id = EXCLUDED.unit_id, "
	"    phone_tail = EXCLUDED.phone_tail, active = true, updated_at = now() "
	"  WHERE (w.name, w.unit_id, w.phone_tail, w.active) IS DISTINCT FROM "
	"    (EXCLUDED.name, EXCLUDED.unit_id, EXCLUDED.phone_tail, true) "
	"  RETURNING xmax = 0 AS added) "
	"SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM up";

/* Workers added or updated: the counts into the report. */
static int upsert(PGconn *pg, const roster_file *f, cJSON *report)
{
	PGresult *r = NULL;
	int rc = exec(pg, WORKERS_UPSERT, 0, NULL, report, &r);
	if (rc)
		return rc;
	double added = atof(PQgetvalue(r, 0, 0)), updated = atof(PQgetvalue(r, 0, 1));
	PQclear(r);
	cJSON_AddNumberToObject(report, "added", added);
	cJSON_AddNumberToObject(report, "updated", updated);
	cJSON_AddNumberToObject(report, "unchanged", (double)f->n - added - updated);
	return 0;
}

/* The audit entry, in the import's transaction: the counts. */
static int audit_in(imp *m, PGconn *pg, cJSON *report)
{
	static const char *const keep[] = {"file",    "format",    "mode",        "rows",        "added",
					   "updated", "unchanged", "deactivated", "units_added", NULL};
	cJSON *after = cJSON_CreateObject();
	for (int i = 0; keep[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(report, keep[i]);
		if (v)
			cJSON_AddItemToObject(after, keep[i], cJSON_Duplicate(v, 1));
	}
	cJSON_AddBoolToObject(after, "imported", 1);
	cJSON_AddNumberToObject(after, "job", (double)job_id(m->j));
	char *text = cJSON_PrintUnformatted(after), acc[24];
	cJSON_Delete(after);
	if (!text)
		return SA_E_INTERNAL;
	snprintf(acc, sizeof acc, "%lld", (long long)m->who.account_id);
	const char *p[5] = {m->who.account_id ? acc : NULL, m->who.username, m->who.addr, m->filename, text};
	int rc = exec(pg,
		      "INSERT INTO audit.audit_log (account_id, actor, ip, action, target, after) "
		      "VALUES ($1::bigint, $2, $3, 'roster.import', nullif($4, ''), $5::jsonb)",
		      5, p, report, NULL);
	cJSON_free(text);
	return rc;
}

/* The checked rows applied in one transaction; the counts into the report. */
static int apply(imp *m, PGconn *pg, const roster_file *f, cJSON *report)
{
	int rc = exec(pg, "BEGIN", 0, NULL, report, NULL);
	rc = rc ? rc : exec(pg, "SELECT pg_advisory_xact_lock(" ROSTER_LOCK ")", 0, NULL, report, NULL);
	rc = rc ? rc
		: exec(pg,
		       "CREATE TEMP TABLE roster_in (employee_no text, name text, path text, phone_tail text) "
		       "ON COMMIT DROP",
		       0, NULL, report, NULL);
	rc = rc ? rc : copy_rows(m, pg, f, report);
	rc = rc ? rc : exec(pg, "ANALYZE roster_in", 0, NULL, report, NULL);
	job_progress(m->j, 0.6);
	/* the units the paths name that do not exist yet (each level), then made */
	rc = rc ? rc
		: count(pg,
			"SELECT count(DISTINCT array_to_string(s[1:n], '/')) FROM "
			"(SELECT string_to_array(path, '/') AS s FROM (SELECT DISTINCT path FROM roster_in) d) x, "
			"generate_series(1, cardinality(x.s)) n "
			"WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.path = array_to_string(x.s[1:n], '/'))",
			report, "units_added");
	rc = rc ? rc
		: exec(pg,
		       "CREATE TEMP TABLE roster_paths ON COMMIT DROP AS "
		       "SELECT path, units_ensure(path) AS unit_id FROM (SELECT DISTINCT path FROM roster_in "
		       "ORDER BY path) d",
		       0, NULL, report, NULL);
	job_progress(m->j, 0.7);
	rc = rc ? rc : upsert(pg, f, report);
	job_progress(m->j, 0.9);
	if (!rc && m->replace)
		rc = count(pg,
			   "WITH gone AS (UPDATE workers w SET active = false, updated_at = now() "
			   "WHERE w.active AND NOT EXISTS (SELECT 1 FROM roster_in r WHERE r.employee_no = "
			   "w.employee_no) RETURNING 1) SELECT count(*) FROM gone",
			   report, "deactivated");
	else if (!rc)
		cJSON_AddNumberToObject(report, "deactivated", 0);
	rc = rc ? rc : audit_in(m, pg, report);
	rc = rc ? rc : exec(pg, "COMMIT", 0, NULL, report, NULL);
	if (rc) {
		PGresult *r = PQexec(pg, "ROLLBACK");
		PQclear(r);
	}
	return rc;
}

/* The report's first members: what the file is and what was found in it. */
static cJSON *report_of(const imp *m, roster_file *f)
{
	cJSON *r = cJSON_CreateObject();
	if (!r)
		return NULL;
	cJSON_AddItemToObject(r, "file", *m->filename ? cJSON_CreateString(m->filename) : cJSON_CreateNull());
	cJSON_AddItemToObject(r, "format", f->format ? cJSON_CreateString(f->format) : cJSON_CreateNull());
	cJSON_AddStringToObject(r, "mode", m->replace ? "replace" : "merge");
	cJSON_AddItemToObject(r, "sheets", f->sheets);
	f->sheets = NULL;
	cJSON_AddNumberToObject(r, "rows", (double)f->seen);
	cJSON_AddNumberToObject(r, "accepted", (double)f->n);
	cJSON_AddNumberToObject(r, "refused", (double)f->refused);
	return r;
}

static int work(job *j, struct pg_conn *pg, void *ud)
{
	imp *m = ud;
	int64_t t0 = now_us();
	roster_file f;
	roster_read_opts o = {.filename = *m->filename ? m->filename : NULL,
			      .format = *m->format ? m->format : NULL,
			      .encoding = *m->encoding ? m->encoding : NULL};
	m->j = j;
	job_progress(j, 0.02);
	int rc = roster_file_read(m->data, m->len, &o, &f);
	free(m->data);
	m->data = NULL;
	job_progress(j, 0.3);
	cJSON *report = rc == SA_E_INTERNAL ? NULL : report_of(m, &f);
	if (!report)
		rc = SA_E_INTERNAL;
	else if (rc) {
		cJSON_AddItemToObject(report, "problems", f.problems);
		f.problems = NULL;
		cJSON_AddBoolToObject(report, "imported", 0);
	} else {
		rc = apply(m, (PGconn *)pg, &f, report);
		cJSON_AddBoolToObject(report, "imported", rc == 0);
		cJSON_AddNumberToObject(report, "seconds", (double)((now_us() - t0) / 1000) / 1000.0);
	}
	roster_file_release(&f);
	if (report)
		job_report(j, report);
	return rc;
}

/* ------------------------------------------------------------ the loop */

static void done(arena *a, int64_t id, int rc, const cJSON *report, void *ud)
{
	imp *m = ud;
	if (id && rc) { /* a done import wrote its entry in its transaction */
		static const char *const keep[] = {"file",    "format", "mode", "rows",
						   "refused", "error",  NULL};
		cJSON *after = api_job_audit(report, keep, id, rc);
		cJSON_AddBoolToObject(after, "imported", 0);
		audit_write(a, &m->who, "roster.import", NULL, m->filename, NULL, after);
		cJSON_Delete(after);
	}
	imp_free(m);
}

/* One query parameter among its allowed values (NULL ends them): 0, or -1 answered (400). */
static int one_of(http_req *req, const char *name, const char *const *ok, const char *zh, const char *en)
{
	const char *v = http_query(req, name);
	for (int i = 0; v && ok[i]; i++)
		if (!strcasecmp(v, ok[i]))
			return 0;
	if (!v)
		return 0;
	api_error(req, SA_E_INVALID_FIELD, name, zh, en);
	return -1;
}

/* The query into m: 0, or -1 answered (400). */
static int import_params(http_req *req, imp *m)
{
	static const char *const formats[] = {"xlsx", "csv", NULL},
				 *const modes[] = {"merge", "replace", NULL}, *const encodings[] = {"auto",
												    "utf-8",
												    "utf8",
												    "gbk",
												    "gb18030",
												    "utf-16",
												    NULL};
	const char *name = http_query(req, "filename"), *fmt = http_query(req, "format"),
		   *mode = http_query(req, "mode"), *enc = http_query(req, "encoding");
	if (one_of(req, "format", formats, "格式须为 xlsx 或 csv", "the format must be xlsx or csv") ||
	    one_of(req, "mode", modes, "mode 须为 merge 或 replace", "mode must be merge or replace") ||
	    one_of(req, "encoding", encodings, "编码须为 auto、utf-8、gbk、gb18030 或 utf-16",
		   "the encoding must be auto, utf-8, gbk, gb18030 or utf-16"))
		return -1;
	if (name && strlen(name) >= sizeof m->filename) {
		api_error(req, SA_E_INVALID_FIELD, "filename", "文件名过长", "the file name is too long");
		return -1;
	}
	snprintf(m->filename, sizeof m->filename, "%s", name ? name : "");
	snprintf(m->format, sizeof m->format, "%s", fmt ? fmt : "");
	for (char *p = m->format; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(m->encoding, sizeof m->encoding, "%s", enc && strcasecmp(enc, "auto") ? enc : "");
	m->replace = mode && !strcasecmp(mode, "replace");
	return 0;
}

int roster_import_post(http_req *req)
{
	imp *m = calloc(1, sizeof *m);
	if (!m)
		return SA_E_INTERNAL;
	int rc = import_params(req, m) ? -1 : api_job_file(req, &m->data, &m->len);
	if (rc) {
		free(m);
		return rc < 0 ? 0 : rc;
	}
	m->job = (api_job){.req = req, .flags = API_JOB_WRAP};
	m->who = *http_principal(req);
	job_spec spec = {.kind = "roster_import", .work = work, .done = done, .ud = m};
	http_req_ref(req);
	rc = api_job_start(&m->job, &m->who, &spec);
	if (rc) {
		http_req_unref(req);
		imp_free(m);
	}
	return rc;
}
