/*
 * banks.c - the console's question banks (docs/api.md, "Question banks"):
 * list, create, read, change, delete, the bank as a native file, and
 * imports (GIFT, Aiken, CSV, XLSX, JSON) run as jobs.
 *
 * Every organizer reads every bank (the deployment's shared question
 * library); the bank's owner and admins change it. A bank's title,
 * description, source and categories are checked by the contests library
 * itself (a native bank of them with one question), so the console and
 * `skillarena validate` keep one set of rules.
 *
 * An import: the file's bytes (up to 20 MiB) are copied into a job
 * (store/jobs.h); on libuv's thread pool the contests library parses it and
 * checks every question (contest_bank_import_mem, with every row recorded);
 * when a row is refused nothing changes and the report lists every row;
 * else store/banks.c writes the bank in one transaction, the job's progress
 * written as it goes.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/request.h"
#include "bank.h"
#include "core/auth.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/banks.h"
#include "store/jobs.h"
#include "store/store.h"

#define META_MAX 65536
#define IMPORT_MAX (20 * 1024 * 1024)

/* A statement's state, in the request's memory (api_query references the request until the callback). */
typedef struct bank_req {
	http_req *req;
	char code[65];
} bank_req;

static bank_req *breq_new(http_req *req, const char *code)
{
	bank_req *b = http_alloc(req, sizeof *b);
	if (b) {
		b->req = req;
		snprintf(b->code, sizeof b->code, "%s", code);
	}
	return b;
}

static const api_err NO_BANK = {SA_E_NOT_FOUND, "code", "没有这个题库", "no bank has this code"};
static const api_err NOT_OWNER = {SA_E_FORBIDDEN, NULL, "只有题库的创建者和管理员可以修改它",
				  "only the bank's owner and admins may change it"};

static int list_get(http_req *req)
{
	long page, per;
	const char *q = console_like(req, http_query(req, "q"));
	if (console_num(req, "page", 1, 1000000, 1, &page) || console_num(req, "per_page", 1, 200, 50, &per))
		return 0;
	if (!q)
		return SA_E_INTERNAL;
	char limit[24], offset[24], pg[24];
	snprintf(limit, sizeof limit, "%ld", per);
	snprintf(offset, sizeof offset, "%ld", (page - 1) * per);
	snprintf(pg, sizeof pg, "%ld", page);
	const char *p[4] = {q, limit, offset, pg};
	return api_query_json(
		req,
		"SELECT json_build_object('total', (SELECT count(*) FROM banks b WHERE $1 = '' OR b.code ILIKE $1 "
		"ESCAPE '\\' OR b.title::text ILIKE $1 ESCAPE '\\'), 'page', $4::int, 'per_page', $2::int, "
		"'banks', coalesce((SELECT json_agg(x.j ORDER BY x.code) FROM (SELECT b.code, " CONSOLE_BANK
		" AS j "
		"FROM banks b WHERE $1 = '' OR b.code ILIKE $1 ESCAPE '\\' OR b.title::text ILIKE $1 ESCAPE '\\' "
		"ORDER BY b.code LIMIT $2::int OFFSET $3::int) x), '[]'))",
		4, p, NULL);
}

static int one_get(http_req *req)
{
	char code[65];
	if (!console_bank_code(req, code))
		return 0;
	const char *p[1] = {code};
	return api_query_json(req, "SELECT " CONSOLE_BANK " FROM banks b WHERE b.code = $1", 1, p, &NO_BANK);
}

/* ------------------------------------------------------------ the fields of a bank */

static const char *const META_FIELDS[] = {"title", "description", "source", "categories", NULL};

/*
 * The bank's fields checked by the contests library (a native bank of them
 * and one question): 0, or -1 with 400 answered, its field the first
 * problem's ("categories[1].title").
 */
static int meta_check(http_req *req, const char *code, const cJSON *meta)
{
	cJSON *bank = cJSON_CreateObject(), *q = cJSON_CreateObject(), *arr;
	cJSON_AddStringToObject(bank, "format", "skillarena-bank/1");
	cJSON_AddStringToObject(bank, "id", code);
	for (int i = 0; META_FIELDS[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, META_FIELDS[i]);
		if (v && !cJSON_IsNull(v))
			cJSON_AddItemToObject(bank, META_FIELDS[i], cJSON_Duplicate(v, 1));
	}
	cJSON_AddStringToObject(q, "id", "x");
	cJSON_AddStringToObject(q, "type", "true_false");
	cJSON_AddStringToObject(q, "text", "x");
	cJSON_AddTrueToObject(q, "answer");
	arr = cJSON_AddArrayToObject(bank, "questions");
	cJSON_AddItemToArray(arr, q);
	char *text = cJSON_PrintUnformatted(bank);
	cJSON_Delete(bank);
	contest_diag d = {0};
	contest_bank *out = NULL;
	int rc = text ? contest_bank_import_mem(code, text, strlen(text), CONTEST_BANK_JSON, NULL,
						http_arena(req)->eng, console_lang(req), &out, &d, NULL)
		      : CONTEST_E_NOMEM;
	free(text);
	contest_bank_free(out);
	if (rc == CONTEST_OK)
		return 0;
	if (rc == CONTEST_E_NOMEM || !d.count) {
		contest_diag_free(&d);
		http_reply_error(req, SA_E_INTERNAL, NULL);
		return -1;
	}
	const char *path = d.items[0].path ? d.items[0].path : "$";
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", err_name(SA_E_INVALID_FIELD));
	cJSON_AddStringToObject(e, "message", d.items[0].message ? d.items[0].message : "");
	cJSON_AddStringToObject(e, "field", path[0] == '$' && path[1] == '.' ? path + 2 : path);
	contest_diag_free(&d);
	http_reply_json(req, err_http_status(SA_E_INVALID_FIELD), o);
	return -1;
}

/* The body's bank fields as JSON texts for PostgreSQL ("" when absent; "null" to clear). */
static void meta_texts(const cJSON *meta, char *out[4])
{
	for (int i = 0; META_FIELDS[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, META_FIELDS[i]);
		out[i] = v ? cJSON_PrintUnformatted(v) : NULL;
	}
}

static void texts_free(char *t[4])
{
	for (int i = 0; i < 4; i++)
		free(t[i]);
}

static void created(arena *a, void *res, const char *err, void *ud)
{
	bank_req *b = ud;
	if (err || !res)
		http_reply_error(b->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error(b->req, SA_E_CONFLICT, "code", "已有使用此代码的题库",
			  "a bank with this code exists");
	else {
		cJSON *after = api_json_cell(res, 0, 0);
		audit_write(a, http_principal(b->req), "bank.create", NULL, b->code, NULL, after);
		http_reply_json(b->req, 201, after);
	}
	http_req_unref(b->req);
}

static int create_post(http_req *req)
{
	cJSON *body = http_json_body(req);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "code");
	char code[65], *t[4], acc[24];
	if (!cJSON_IsObject(body) || !cJSON_IsString(c) || !console_bank_code_ok(c->valuestring, code)) {
		api_error(req, SA_E_INVALID_FIELD, "code", "题库代码应为 1–64 个小写字母、数字、- 或 _",
			  "the bank code must be 1-64 of a-z, 0-9, - and _");
		return 0;
	}
	if (!cJSON_GetObjectItemCaseSensitive(body, "title")) {
		api_error(req, SA_E_INVALID_FIELD, "title", "缺少题库名称", "the bank needs a title");
		return 0;
	}
	if (meta_check(req, code, body))
		return 0;
	bank_req *b = breq_new(req, code);
	if (!b)
		return SA_E_INTERNAL;
	meta_texts(body, t);
	snprintf(acc, sizeof acc, "%lld", (long long)http_principal(req)->account_id);
	const char *p[6] = {code, t[0], t[1], t[2], t[3] ? t[3] : "[]", acc};
	int rc = api_query(
		req,
		"WITH b AS (INSERT INTO banks (code, title, description, source, categories, owner_id, created_by) "
		"VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, nullif($6::bigint, 0), "
		"nullif($6::bigint, 0)) ON CONFLICT (code) DO NOTHING RETURNING *) SELECT " CONSOLE_BANK
		" FROM b",
		6, p, created, b);
	texts_free(t);
	return rc;
}

/* ------------------------------------------------------------ change, delete */

static void changed(arena *a, void *res, const char *err, void *ud)
{
	bank_req *b = ud;
	const char *state = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	if (err || !res)
		http_reply_error(b->req, SA_E_UNAVAILABLE, NULL);
	else if (!state)
		api_error_of(b->req, &NO_BANK);
	else if (!strcmp(state, "forbidden"))
		api_error_of(b->req, &NOT_OWNER);
	else if (!strcmp(state, "in_use"))
		api_error(b->req, SA_E_CONFLICT, "categories", "还有题目属于要删除的分类，请先修改这些题目",
			  "questions still belong to a category that would go: change them first");
	else {
		cJSON *before = api_json_cell(res, 0, 1), *after = api_json_cell(res, 0, 2);
		audit_write(a, http_principal(b->req), "bank.update", NULL, b->code, before, after);
		cJSON_Delete(before);
		http_reply_json(b->req, 200, after);
	}
	http_req_unref(b->req);
}

/* The bank as it is (owner, fields), then the merged fields checked and written. */
static void change_read(arena *a, void *res, const char *err, void *ud)
{
	bank_req *b = ud;
	char *t[4];
	console_who w;
	if (!api_row_true(b->req, res, err, 0, &NO_BANK, &NOT_OWNER)) {
		http_req_unref(b->req);
		return;
	}
	cJSON *merged = api_json_cell(res, 0, 1), *v;
	cJSON_ArrayForEach(v, http_json_body(b->req)) /* checked by one_put */
	{
		cJSON_DeleteItemFromObjectCaseSensitive(merged, v->string);
		cJSON_AddItemToObject(merged, v->string, cJSON_Duplicate(v, 1));
	}
	int bad = meta_check(b->req, b->code, merged);
	cJSON_Delete(merged);
	if (bad) {
		http_req_unref(b->req);
		return;
	}
	meta_texts(http_json_body(b->req), t);
	console_who_of(b->req, &w);
	const char *p[7] = {b->code, t[0] ? t[0] : "", t[1] ? t[1] : "", t[2] ? t[2] : "", t[3] ? t[3] : "",
			    w.acc,   w.admin};
	int rc = store_query(
		a,
		"WITH b0 AS (SELECT * FROM banks b WHERE b.code = $1 FOR UPDATE), "
		"cats AS (SELECT coalesce(nullif($5, '')::jsonb, (SELECT categories FROM b0)) AS c), "
		"state AS (SELECT CASE WHEN NOT (SELECT " CONSOLE_BANK_MINE(
			"$6",
			"$7") " FROM b0 b) THEN 'forbidden' "
			      "WHEN EXISTS (SELECT 1 FROM bank_questions q, b0 WHERE q.bank_id = b0.id AND q.category <> '' AND "
			      "NOT EXISTS (SELECT 1 FROM jsonb_array_elements((SELECT c FROM cats)) e WHERE e->>'id' = q.category)) "
			      "THEN 'in_use' ELSE 'ok' END AS s), "
			      "before AS (SELECT " CONSOLE_BANK " AS j FROM b0 b), "
			      "upd AS (UPDATE banks SET title = coalesce(nullif($2, '')::jsonb, title), "
			      "description = CASE WHEN $3 = '' THEN description ELSE nullif($3::jsonb, 'null') END, "
			      "source = CASE WHEN $4 = '' THEN source ELSE nullif($4::jsonb, 'null') END, "
			      "categories = (SELECT c FROM cats), updated_at = now() "
			      "WHERE code = $1 AND (SELECT s FROM state) = 'ok' RETURNING *) "
			      "SELECT (SELECT s FROM state), (SELECT j FROM before), (SELECT " CONSOLE_BANK
			      " FROM upd b) FROM b0",
		7, p, changed, b);
	texts_free(t);
	if (rc) {
		http_reply_error(b->req, rc, NULL);
		http_req_unref(b->req);
	}
}

static int one_put(http_req *req)
{
	char code[65];
	cJSON *body = http_json_body(req), *v;
	if (!console_bank_code(req, code))
		return 0;
	if (!cJSON_IsObject(body)) {
		api_error(req, SA_E_INVALID_FIELD, NULL, "请求体应为 JSON 对象",
			  "the body must be a JSON object");
		return 0;
	}
	cJSON_ArrayForEach(v, body)
	{
		int known = 0;
		for (int i = 0; META_FIELDS[i]; i++)
			known |= !strcmp(v->string, META_FIELDS[i]);
		if (!known ||
		    (cJSON_IsNull(v) && (!strcmp(v->string, "title") || !strcmp(v->string, "categories")))) {
			api_error(req, SA_E_INVALID_FIELD, v->string, "不能修改这个字段",
				  "this field cannot be changed");
			return 0;
		}
	}
	bank_req *b = breq_new(req, code);
	if (!b)
		return SA_E_INTERNAL;
	console_who w;
	console_who_of(req, &w);
	const char *p[3] = {code, w.acc, w.admin};
	return api_query(
		req,
		"SELECT " CONSOLE_BANK_MINE(
			"$2",
			"$3") ", jsonb_strip_nulls(jsonb_build_object('title', b.title, "
			      "'description', b.description, 'source', b.source, 'categories', b.categories)) "
			      "FROM banks b WHERE b.code = $1",
		3, p, change_read, b);
}

static void deleted(arena *a, void *res, const char *err, void *ud)
{
	bank_req *b = ud;
	if (api_row_true(b->req, res, err, 0, &NO_BANK, &NOT_OWNER)) {
		cJSON *before = api_json_cell(res, 0, 1);
		audit_write(a, http_principal(b->req), "bank.delete", NULL, b->code, before, NULL);
		cJSON_Delete(before);
		http_reply_json(b->req, 200, cJSON_Parse("{\"ok\":true}"));
	}
	http_req_unref(b->req);
}

static int one_delete(http_req *req)
{
	char code[65];
	console_who w;
	if (!console_bank_code(req, code))
		return 0;
	bank_req *b = breq_new(req, code);
	if (!b)
		return SA_E_INTERNAL;
	console_who_of(req, &w);
	const char *p[3] = {code, w.acc, w.admin};
	return api_query(
		req,
		"WITH b AS (SELECT * FROM banks WHERE code = $1 FOR UPDATE), "
		"d AS (DELETE FROM banks WHERE id = (SELECT id FROM b) AND (SELECT " CONSOLE_BANK_MINE(
			"$2", "$3") " FROM b) RETURNING id) SELECT " CONSOLE_BANK_MINE("$2",
										       "$3") ", " CONSOLE_BANK
											     " FROM b",
		3, p, deleted, b);
}

static void file_read(arena *a, void *res, const char *err, void *ud)
{
	bank_req *b = ud;
	const char *text = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	char name[80], *copy = text ? strdup(text) : NULL;
	(void)a;
	if (err || !res)
		http_reply_error(b->req, SA_E_UNAVAILABLE, NULL);
	else if (!text)
		api_error_of(b->req, &NO_BANK);
	else if (!copy)
		http_reply_error(b->req, SA_E_INTERNAL, NULL);
	else {
		snprintf(name, sizeof name, "%s.json", b->code);
		http_reply_bytes(b->req, 200, "application/json; charset=utf-8", copy, strlen(copy), name);
	}
	http_req_unref(b->req);
}

static int file_get(http_req *req)
{
	char code[65];
	if (!console_bank_code(req, code))
		return 0;
	bank_req *b = breq_new(req, code);
	if (!b)
		return SA_E_INTERNAL;
	const char *p[1] = {code};
	return api_query(
		req,
		"SELECT jsonb_pretty(jsonb_strip_nulls(jsonb_build_object('format', 'skillarena-bank/1', 'id', b.code, "
		"'title', b.title, 'description', b.description, 'source', b.source, "
		"'categories', CASE WHEN jsonb_array_length(b.categories) > 0 THEN b.categories END, "
		"'questions', coalesce((SELECT jsonb_agg(q.definition ORDER BY q.position, q.qid) "
		"FROM bank_questions q WHERE q.bank_id = b.id), '[]'::jsonb)))) FROM banks b WHERE b.code = $1",
		1, p, file_read, b);
}

int bank_import_post(http_req *req);  /* bank_import.c */
int bank_template_get(http_req *req); /* bank_template.c */

#define ORGANIZERS                        \
	{                                 \
		AUTH_ROLE, AUTH_ORGANIZER \
	}

const route api_banks_routes[] = {
	{ROUTE_GET, "/api/banks", list_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/banks", create_post, ORGANIZERS, ROUTE_BODY_JSON, META_MAX, 0},
	{ROUTE_GET, "/api/banks/template.xlsx", bank_template_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/banks/{code}", one_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/banks/{code}", one_put, ORGANIZERS, ROUTE_BODY_JSON, META_MAX, 0},
	{ROUTE_DELETE, "/api/banks/{code}", one_delete, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/banks/{code}/bank.json", file_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/banks/{code}/import", bank_import_post, ORGANIZERS, ROUTE_BODY_BYTES, IMPORT_MAX,
	 0},
	{0, NULL, NULL, {0, 0}, 0, 0, 0},
};
