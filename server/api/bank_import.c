/*
 * bank_import.c - POST /api/banks/{code}/import: a question file into a
 * console bank, as a job (store/jobs.h; docs/api.md, "Question banks").
 *
 *   the loop   format, mode and encoding checked; the bank's owner checked;
 *              the file's bytes copied into the job; 202 with the job
 *   the pool   the contests library parses the file and checks every
 *              question (compiled by the scoring engine), recording the row
 *              of each; the report lists every row, accepted or refused
 *              with each reason; refused: nothing changes; accepted: the
 *              bank is written in one transaction (store/banks.c)
 *   the loop   the audit entry (bank.import)
 *
 * There is no "import the valid rows": a file is imported as written, or
 * not at all, so a bank never holds part of a file.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "api/console.h"
#include "api/pool.h"
#include "api/request.h"
#include "bank.h"
#include "core/err.h"
#include "sheets.h"
#include "store/audit.h"
#include "store/banks.h"
#include "store/jobs.h"
#include "store/store.h"

typedef struct imp {
	arena *a;
	api_job job; /* its request, until the job is created */
	char code[65];
	int64_t bank_id;
	char *data;
	size_t len;
	char filename[256];
	int fmt, merge;
	char encoding[16];
	char lang[8];
	auth_principal who;
	job *j;
} imp;

static void imp_free(imp *m)
{
	free(m->data);
	free(m);
}

/* ------------------------------------------------------------ the report */

typedef struct row_ent {
	int line;
	const contest_import_row *q; /* the question built from it, or NULL */
	cJSON *problems;             /* of this row, or NULL */
} row_ent;

static int by_line(const void *a, const void *b)
{
	const row_ent *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

static row_ent *row_of(row_ent *v, size_t *n, int line)
{
	for (size_t i = 0; i < *n; i++) /* few problems per file: a linear look is enough */
		if (v[i].line == line)
			return &v[i];
	v[*n] = (row_ent){line, NULL, NULL};
	return &v[(*n)++];
}

static cJSON *problem_json(const contest_problem *p, int xlsx)
{
	cJSON *e = cJSON_CreateObject();
	if (p->column) {
		cJSON_AddNumberToObject(e, "column", p->column);
		if (xlsx) {
			char col[4];
			sheets_col_name((uint32_t)p->column, col);
			cJSON_AddStringToObject(e, "column_name", col);
		}
	}
	if (p->path)
		cJSON_AddStringToObject(e, "path", p->path);
	cJSON_AddStringToObject(e, "message", p->message ? p->message : "");
	return e;
}

/* Every row (questions built, problems at a line) in file order, and the problems of no row. */
static cJSON *report_of(const imp *m, const contest_import_rows *rows, const contest_diag *d,
			const contest_diag *warn)
{
	size_t n = 0, cap = rows->n + d->count + 1, accepted = 0, refused = 0;
	row_ent *v = calloc(cap, sizeof *v);
	cJSON *r = cJSON_CreateObject(), *list, *loose;
	int xlsx = m->fmt == CONTEST_BANK_XLSX;
	if (!v || !r) {
		free(v);
		cJSON_Delete(r);
		return NULL;
	}
	for (size_t i = 0; i < rows->n; i++)
		row_of(v, &n, rows->v[i].line)->q = &rows->v[i];
	cJSON_AddStringToObject(r, "format", contest_bank_format_name((contest_bank_format)m->fmt));
	cJSON_AddStringToObject(r, "filename", m->filename);
	cJSON_AddItemToObject(r, "sheet", rows->sheet ? cJSON_CreateString(rows->sheet) : cJSON_CreateNull());
	cJSON_AddStringToObject(r, "mode", m->merge ? "merge" : "replace");
	loose = cJSON_CreateArray();
	for (size_t i = 0; i < d->count; i++) {
		const contest_problem *p = &d->items[i];
		if (p->line <= 0) {
			cJSON_AddItemToArray(loose, problem_json(p, xlsx));
			continue;
		}
		row_ent *e = row_of(v, &n, p->line);
		if (!e->problems)
			e->problems = cJSON_CreateArray();
		cJSON_AddItemToArray(e->problems, problem_json(p, xlsx));
	}
	qsort(v, n, sizeof *v, by_line);
	list = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "row", v[i].line);
		cJSON_AddStringToObject(e, "status", v[i].problems ? "refused" : "accepted");
		if (v[i].q && v[i].q->id)
			cJSON_AddStringToObject(e, "id", v[i].q->id);
		if (v[i].q && v[i].q->type)
			cJSON_AddStringToObject(e, "type", v[i].q->type);
		if (v[i].problems)
			cJSON_AddItemToObject(e, "problems", v[i].problems);
		cJSON_AddItemToArray(list, e);
		if (v[i].problems)
			refused++;
		else
			accepted++;
	}
	free(v);
	cJSON_AddNumberToObject(r, "rows_total", (double)n);
	cJSON_AddNumberToObject(r, "accepted", (double)accepted);
	cJSON_AddNumberToObject(r, "refused", (double)refused);
	cJSON_AddItemToObject(r, "rows", list);
	cJSON_AddItemToObject(r, "problems", loose);
	cJSON *w = cJSON_AddArrayToObject(r, "warnings");
	for (size_t i = 0; warn && i < warn->count; i++)
		cJSON_AddItemToArray(w, problem_json(&warn->items[i], xlsx));
	return r;
}

/* ------------------------------------------------------------ the work (pool) */

static void progress(void *ud, double p) { job_progress(ud, 0.4 + 0.6 * p); }

/* The parsed bank written to PostgreSQL; the report says so. */
static int apply(imp *m, struct pg_conn *pg, contest_bank *bank, cJSON *report)
{
	banks_import im = {.bank_id = m->bank_id,
			   .merge = m->merge,
			   .progress = progress,
			   .ud = m->j,
			   .why_zh = strcmp(m->lang, "en") != 0};
	im.categories = cJSON_DetachItemFromObjectCaseSensitive(bank->root, "categories");
	im.questions = cJSON_GetObjectItemCaseSensitive(bank->root, "questions");
	int rc = banks_import_apply(pg, &im);
	cJSON_Delete(im.categories);
	cJSON_AddBoolToObject(report, "imported", rc == 0);
	if (!rc)
		cJSON_AddNumberToObject(report, "questions", (double)im.count);
	else if (rc == SA_E_INVALID_FIELD) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "message", im.why);
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(report, "problems"), e);
	} else if (rc == SA_E_NOT_FOUND)
		cJSON_AddStringToObject(report, "error",
					strcmp(m->lang, "en") ? "题库已被删除" : "the bank was deleted");
	return rc;
}

static int work(job *j, struct pg_conn *pg, void *ud)
{
	imp *m = ud;
	contest_import_rows rows = {0};
	contest_import_opts o = {.id = m->code,
				 .title = m->code,
				 .rows = &rows,
				 .encoding = *m->encoding ? m->encoding : NULL};
	contest_diag d = {0}, warn = {0};
	contest_bank *bank = NULL;
	m->j = j;
	job_progress(j, 0.05);
	int rc = contest_bank_import_mem(m->filename, m->data, m->len, (contest_bank_format)m->fmt, &o,
					 m->a->eng, m->lang, &bank, &d, &warn);
	free(m->data);
	m->data = NULL;
	job_progress(j, 0.4);
	cJSON *report = rc == CONTEST_E_NOMEM ? NULL : report_of(m, &rows, &d, &warn);
	contest_import_rows_free(&rows);
	contest_diag_free(&d);
	contest_diag_free(&warn);
	if (!report) {
		contest_bank_free(bank);
		return SA_E_INTERNAL;
	}
	if (rc == CONTEST_OK)
		rc = apply(m, pg, bank, report);
	else {
		cJSON_AddBoolToObject(report, "imported", 0);
		rc = SA_E_INVALID_FIELD;
	}
	contest_bank_free(bank);
	job_report(j, report);
	return rc;
}

/* ------------------------------------------------------------ the loop */

static void done(arena *a, int64_t id, int rc, const cJSON *report, void *ud)
{
	imp *m = ud;
	if (id) {
		static const char *const keep[] = {"filename", "format",     "mode",
						   "imported", "rows_total", "accepted",
						   "refused",  "questions",  NULL};
		cJSON *after = api_job_audit(report, keep, id, rc);
		audit_write(a, &m->who, "bank.import", NULL, m->code, NULL, after);
		cJSON_Delete(after);
	}
	imp_free(m);
}

static void bank_read(arena *a, void *res, const char *err, void *ud)
{
	static const api_err no_bank = {SA_E_NOT_FOUND, "code", "没有这个题库", "no bank has this code"},
			     not_owner = {SA_E_FORBIDDEN, NULL, "只有题库的创建者和管理员可以导入",
					  "only the bank's owner and admins may import into it"};
	imp *m = ud;
	http_req *req = m->job.req;
	int rc = 0;
	(void)a;
	if (api_row_true(req, res, err, 1, &no_bank, &not_owner) &&
	    !(rc = store_int(res, 0, 0, 1, INT64_MAX, &m->bank_id) ? SA_E_INTERNAL : 0)) {
		job_spec spec = {
			.kind = "bank_import", .bank_id = m->bank_id, .work = work, .done = done, .ud = m};
		if (!(rc = api_job_start(&m->job, &m->who, &spec)))
			return; /* the job answers and drops req; done() frees m */
	}
	if (rc)
		http_reply_error(req, rc, NULL);
	http_req_unref(req);
	imp_free(m);
}

/* The query's format, mode and encoding into m: 0, or -1 answered (400). */
static int import_params(http_req *req, imp *m)
{
	const char *fmt = http_query(req, "format"), *mode = http_query(req, "mode"),
		   *enc = http_query(req, "encoding"), *name = http_query(req, "filename");
	static const char *const encodings[] = {"auto", "utf-8", "utf8", "gbk", "gb18030", "utf-16", NULL};
	snprintf(m->filename, sizeof m->filename, "%s", name && *name ? name : "upload");
	m->fmt = fmt ? contest_bank_format_parse(fmt) : contest_bank_format_guess(m->filename);
	if (m->fmt < 0) {
		api_error(req, SA_E_INVALID_FIELD, "format", "格式须为 gift、aiken、csv、xlsx 或 json",
			  "the format must be gift, aiken, csv, xlsx or json");
		return -1;
	}
	if (mode && strcmp(mode, "replace") && strcmp(mode, "merge")) {
		api_error(req, SA_E_INVALID_FIELD, "mode", "mode 须为 replace 或 merge",
			  "mode must be replace or merge");
		return -1;
	}
	m->merge = mode && !strcmp(mode, "merge");
	int known = !enc;
	for (int i = 0; enc && encodings[i]; i++)
		known |= !strcasecmp(enc, encodings[i]);
	if (!known) {
		api_error(req, SA_E_INVALID_FIELD, "encoding", "编码须为 auto、utf-8、gbk、gb18030 或 utf-16",
			  "the encoding must be auto, utf-8, gbk, gb18030 or utf-16");
		return -1;
	}
	snprintf(m->encoding, sizeof m->encoding, "%s", enc && strcasecmp(enc, "auto") ? enc : "");
	return 0;
}

int bank_import_post(http_req *req)
{
	char code[65];
	if (!console_bank_code(req, code))
		return 0;
	imp *m = calloc(1, sizeof *m);
	if (!m)
		return SA_E_INTERNAL;
	int rc = import_params(req, m) ? -1 : api_job_file(req, &m->data, &m->len);
	if (rc) {
		free(m);
		return rc < 0 ? 0 : rc;
	}
	m->a = http_arena(req);
	m->job = (api_job){.req = req, .bank = m->code};
	m->who = *http_principal(req);
	snprintf(m->code, sizeof m->code, "%s", code);
	snprintf(m->lang, sizeof m->lang, "%s", console_lang(req));
	console_who w;
	console_who_of(req, &w);
	const char *p[3] = {code, w.acc, w.admin};
	http_req_ref(req);
	rc = store_query(m->a,
			 "SELECT b.id, " CONSOLE_BANK_MINE("$2", "$3") " FROM banks b WHERE b.code = $1", 3,
			 p, bank_read, m);
	if (rc) {
		http_req_unref(req);
		imp_free(m);
	}
	return rc;
}
