/*
 * bank_questions.c - the questions of a console bank, one by one
 * (docs/api.md, "Question banks"): search and pages, read, write, delete.
 *
 * Search is a case-insensitive substring (ILIKE) of the text extracted
 * when a question is stored (store/banks.c's banks_search_text: id, texts,
 * options, explanation, tags, every language): Chinese works as any text
 * does, and a bank of at most 20,000 questions is scanned in milliseconds.
 *
 * A question written is checked as a question of its bank (its category
 * one of the bank's) by the contests library and compiled by the scoring
 * engine, on the loop: one question is microseconds of work.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/request.h"
#include "bank.h"
#include "core/err.h"
#include "live/publish.h"
#include "store/audit.h"
#include "store/banks.h"
#include "store/store.h"

#define QUESTION_MAX (256 * 1024)

#define QUESTION_JSON                                                                                           \
	"json_build_object('qid', q.qid, 'type', q.qtype, 'category', q.category, 'difficulty', q.difficulty, " \
	"'position', q.position, 'question', q.definition, 'updated_at', q.updated_at)"

typedef struct qreq {
	http_req *req;
	char code[65];
	char qid[80];
	char *text;   /* the question written */
	char *search; /* its search text */
	cJSON *before;
} qreq;

/* A statement's state, in the request's memory (api_query references the request until the callback). */
static qreq *qreq_new(http_req *req, const char *code)
{
	qreq *q = http_alloc(req, sizeof *q);
	const char *qid = http_param(req, "qid");
	if (q) {
		q->req = req;
		snprintf(q->code, sizeof q->code, "%s", code);
		snprintf(q->qid, sizeof q->qid, "%s", qid ? qid : "");
	}
	return q;
}

/* What q owns: the question's texts, the question before. */
static void qreq_release(qreq *q)
{
	free(q->text);
	free(q->search);
	cJSON_Delete(q->before);
}

/* The end of a callback: q released, the request's reference dropped. */
static void qreq_end(qreq *q)
{
	qreq_release(q);
	http_req_unref(q->req);
}

static const api_err NO_BANK = {SA_E_NOT_FOUND, "code", "没有这个题库", "no bank has this code"};
static const api_err NO_QUESTION = {SA_E_NOT_FOUND, "qid", "题库中没有这道题",
				    "the bank has no question with this id"};
static const api_err NOT_OWNER = {SA_E_FORBIDDEN, NULL, "只有题库的创建者和管理员可以修改它",
				  "only the bank's owner and admins may change it"};

/* A question id in the path: 1-64 of letters, digits, - _ . (as the format's ids). */
static int qid_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/* Result: bank found ("t"/"f" in column 0 when a bank), then a JSON cell. */
static void listed(arena *a, void *res, const char *err, void *ud)
{
	qreq *q = ud;
	(void)a;
	if (err || !res)
		http_reply_error(q->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error_of(q->req, &NO_BANK);
	else if (PQgetisnull(res, 0, 1))
		api_error_of(q->req, &NO_QUESTION);
	else
		http_reply_json(q->req, 200, api_json_cell(res, 0, 1));
	qreq_end(q);
}

static int list_get(http_req *req)
{
	char code[65], limit[24], offset[24], pg[24];
	long page, per;
	const char *like = console_like(req, http_query(req, "q")), *type = http_query(req, "type"),
		   *cat = http_query(req, "category"), *diff = http_query(req, "difficulty");
	if (!console_bank_code(req, code))
		return 0;
	if (console_num(req, "page", 1, 1000000, 1, &page) || console_num(req, "per_page", 1, 200, 50, &per))
		return 0;
	if (diff && *diff && strcmp(diff, "easy") && strcmp(diff, "medium") && strcmp(diff, "hard")) {
		api_error(req, SA_E_INVALID_FIELD, "difficulty", "难度须为 easy、medium 或 hard",
			  "the difficulty must be easy, medium or hard");
		return 0;
	}
	qreq *q = like ? qreq_new(req, code) : NULL;
	if (!q)
		return SA_E_INTERNAL;
	snprintf(limit, sizeof limit, "%ld", per);
	snprintf(offset, sizeof offset, "%ld", (page - 1) * per);
	snprintf(pg, sizeof pg, "%ld", page);
	const char *p[8] = {code,   like, type ? type : "", cat ? cat : "", diff ? diff : "", limit,
			    offset, pg};
#define QWHERE                                                                                           \
	"q.bank_id = b.id AND ($2 = '' OR q.search ILIKE $2 ESCAPE '\\') AND ($3 = '' OR q.qtype = $3) " \
	"AND ($4 = '' OR q.category = $4) AND ($5 = '' OR q.difficulty = $5)"
	return api_query(
		req,
		"SELECT true, json_build_object('total', (SELECT count(*) FROM bank_questions q WHERE " QWHERE
		"), "
		"'page', $8::int, 'per_page', $6::int, 'questions', coalesce((SELECT json_agg(x.j ORDER BY x.n) FROM "
		"(SELECT " QUESTION_JSON " AS j, row_number() OVER (ORDER BY q.position, q.qid) AS n "
		"FROM bank_questions q WHERE " QWHERE
		" ORDER BY q.position, q.qid LIMIT $6::int OFFSET $7::int) x), "
		"'[]')) FROM banks b WHERE b.code = $1",
		8, p, listed, q);
#undef QWHERE
}

static int one_get(http_req *req)
{
	char code[65];
	if (!console_bank_code(req, code))
		return 0;
	qreq *q = qreq_new(req, code);
	if (!q)
		return SA_E_INTERNAL;
	const char *p[2] = {code, q->qid};
	return api_query(req,
			 "SELECT true, (SELECT " QUESTION_JSON
			 " FROM bank_questions q WHERE q.bank_id = b.id AND q.qid = $2) "
			 "FROM banks b WHERE b.code = $1",
			 2, p, listed, q);
}

/* ------------------------------------------------------------ write */

static void written(arena *a, void *res, const char *err, void *ud)
{
	qreq *q = ud;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(q->req, err || !res ? SA_E_UNAVAILABLE : SA_E_CONFLICT, NULL);
	else {
		cJSON *after = api_json_cell(res, 0, 0);
		int is_new = !strcmp(store_text(res, 0, 1) ? store_text(res, 0, 1) : "", "t");
		audit_write(a, http_principal(q->req), "bank.question.update", NULL, q->code, q->before,
			    cJSON_GetObjectItemCaseSensitive(after, "question"));
		http_reply_json(q->req, is_new ? 201 : 200, after);
	}
	qreq_end(q);
}

/*
 * The question checked as one of a bank of these categories: 0, or -1 with
 * 400 and its problems answered (paths in the question: "$.answer").
 */
static int question_check(http_req *req, const char *code, const cJSON *cats, const cJSON *question)
{
	cJSON *bank = cJSON_CreateObject(), *arr;
	cJSON_AddStringToObject(bank, "format", "skillarena-bank/1");
	cJSON_AddStringToObject(bank, "id", code);
	cJSON_AddStringToObject(bank, "title", code);
	if (cJSON_GetArraySize(cats) > 0)
		cJSON_AddItemToObject(bank, "categories", cJSON_Duplicate(cats, 1));
	arr = cJSON_AddArrayToObject(bank, "questions");
	cJSON_AddItemToArray(arr, cJSON_Duplicate(question, 1));
	char *text = cJSON_PrintUnformatted(bank);
	cJSON_Delete(bank);
	contest_diag d = {0};
	contest_bank *out = NULL;
	int rc = text ? contest_bank_import_mem(code, text, strlen(text), CONTEST_BANK_JSON, NULL,
						http_arena(req)->eng, console_lang(req), &out, &d, NULL)
		      : CONTEST_E_NOMEM;
	free(text);
	contest_bank_free(out);
	if (rc != CONTEST_OK) {
		static const char prefix[] = "$.questions[0]";
		for (size_t i = 0; i < d.count; i++) /* paths in the question itself */
			if (d.items[i].path && !strncmp(d.items[i].path, prefix, sizeof prefix - 1))
				memmove(d.items[i].path + 1, d.items[i].path + sizeof prefix - 1,
					strlen(d.items[i].path + sizeof prefix - 1) + 1);
		if (rc == CONTEST_E_NOMEM)
			http_reply_error(req, SA_E_INTERNAL, NULL);
		else {
			cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
			cJSON_AddStringToObject(e, "code", err_name(SA_E_INVALID_FIELD));
			cJSON_AddStringToObject(
				e, "message", http_lang_en(req) ? "the question has problems" : "题目有错误");
			cJSON_AddItemToObject(e, "problems", publish_problems(&d, code));
			http_reply_json(req, err_http_status(SA_E_INVALID_FIELD), o);
		}
		contest_diag_free(&d);
		return -1;
	}
	return 0;
}

/* The bank (mine, its categories) and the question as it was: check, then write. */
static void put_read(arena *a, void *res, const char *err, void *ud)
{
	qreq *q = ud;
	if (!api_row_true(q->req, res, err, 0, &NO_BANK, &NOT_OWNER)) {
		qreq_end(q);
		return;
	}
	cJSON *cats = api_json_cell(res, 0, 1), *question = cJSON_Parse(q->text);
	q->before = api_json_cell(res, 0, 2);
	int bad = question_check(q->req, q->code, cats, question);
	cJSON_Delete(cats);
	cJSON_Delete(question);
	if (bad) {
		qreq_end(q);
		return;
	}
	const char *p[4] = {q->code, q->qid, q->text, q->search};
	int rc = store_query(
		a,
		"WITH b AS (SELECT id FROM banks WHERE code = $1), "
		"old AS (SELECT q.qid FROM bank_questions q, b WHERE q.bank_id = b.id AND q.qid = $2), "
		"w AS (INSERT INTO bank_questions (bank_id, qid, qtype, category, difficulty, position, definition, search) "
		"SELECT b.id, $2, $3::jsonb->>'type', coalesce($3::jsonb->>'category', ''), "
		"coalesce($3::jsonb->>'difficulty', 'medium'), coalesce((SELECT max(position) + 1 FROM bank_questions "
		"WHERE bank_id = b.id), 0), $3::jsonb, $4 FROM b "
		"ON CONFLICT (bank_id, qid) DO UPDATE SET qtype = EXCLUDED.qtype, category = EXCLUDED.category, "
		"difficulty = EXCLUDED.difficulty, definition = EXCLUDED.definition, search = EXCLUDED.search, "
		"updated_at = now() RETURNING *), "
		"t AS (UPDATE banks SET updated_at = now() WHERE id = (SELECT id FROM b)) "
		"SELECT " QUESTION_JSON ", NOT EXISTS (SELECT 1 FROM old) FROM w q",
		4, p, written, q);
	if (rc) {
		http_reply_error(q->req, rc, NULL);
		qreq_end(q);
	}
}

static int one_put(http_req *req)
{
	char code[65];
	cJSON *body = http_json_body(req);
	if (!console_bank_code(req, code))
		return 0;
	qreq *q = qreq_new(req, code);
	if (!q)
		return SA_E_INTERNAL;
	if (!qid_ok(q->qid)) {
		api_error(req, SA_E_INVALID_FIELD, "qid", "题号应为 1–64 个字母、数字、-、_ 或 .",
			  "the question id must be 1-64 letters, digits, -, _ or .");
		return 0;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "id");
	if (!cJSON_IsObject(body) || (id && (!cJSON_IsString(id) || strcmp(id->valuestring, q->qid)))) {
		api_error(req, SA_E_INVALID_FIELD, "id", "题目应为 JSON 对象，其 id 与路径中的题号相同",
			  "the question must be a JSON object whose id is the path's");
		return 0;
	}
	cJSON *copy = cJSON_Duplicate(body, 1);
	if (copy && !id)
		cJSON_AddStringToObject(copy, "id", q->qid);
	q->text = copy ? cJSON_PrintUnformatted(copy) : NULL;
	q->search = copy ? banks_search_text(copy) : NULL;
	cJSON_Delete(copy);
	if (!q->text || !q->search) {
		qreq_release(q);
		return SA_E_INTERNAL;
	}
	console_who w;
	console_who_of(req, &w);
	const char *p[4] = {code, w.acc, w.admin, q->qid};
	int rc = api_query(
		req,
		"SELECT " CONSOLE_BANK_MINE(
			"$2", "$3") ", b.categories, (SELECT q.definition FROM bank_questions q "
				    "WHERE q.bank_id = b.id AND q.qid = $4) FROM banks b WHERE b.code = $1",
		4, p, put_read, q);
	if (rc)
		qreq_release(q);
	return rc;
}

static void deleted(arena *a, void *res, const char *err, void *ud)
{
	qreq *q = ud;
	if (!api_row_true(q->req, res, err, 0, &NO_BANK, &NOT_OWNER))
		; /* answered */
	else if (PQgetisnull(res, 0, 1))
		api_error_of(q->req, &NO_QUESTION);
	else {
		cJSON *before = api_json_cell(res, 0, 1);
		audit_write(a, http_principal(q->req), "bank.question.delete", NULL, q->code, before, NULL);
		cJSON_Delete(before);
		http_reply_json(q->req, 200, cJSON_Parse("{\"ok\":true}"));
	}
	qreq_end(q);
}

static int one_delete(http_req *req)
{
	char code[65];
	console_who w;
	if (!console_bank_code(req, code))
		return 0;
	qreq *q = qreq_new(req, code);
	if (!q)
		return SA_E_INTERNAL;
	console_who_of(req, &w);
	const char *p[4] = {code, w.acc, w.admin, q->qid};
	return api_query(
		req,
		"WITH b AS (SELECT * FROM banks WHERE code = $1), "
		"d AS (DELETE FROM bank_questions q USING b WHERE q.bank_id = b.id AND q.qid = $4 AND "
		"(SELECT " CONSOLE_BANK_MINE(
			"$2",
			"$3") " FROM b) RETURNING q.definition), "
			      "t AS (UPDATE banks SET updated_at = now() WHERE id = (SELECT id FROM b) AND EXISTS (SELECT 1 FROM d)) "
			      "SELECT " CONSOLE_BANK_MINE("$2", "$3") ", (SELECT definition FROM d) FROM b",
		4, p, deleted, q);
}

#define ORGANIZERS                        \
	{                                 \
		AUTH_ROLE, AUTH_ORGANIZER \
	}

const route api_bank_questions_routes[] = {
	{ROUTE_GET, "/api/banks/{code}/questions", list_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/banks/{code}/questions/{qid}", one_get, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/banks/{code}/questions/{qid}", one_put, ORGANIZERS, ROUTE_BODY_JSON, QUESTION_MAX,
	 0},
	{ROUTE_DELETE, "/api/banks/{code}/questions/{qid}", one_delete, ORGANIZERS, ROUTE_BODY_NONE, 0, 0},
	{0, NULL, NULL, {0, 0}, 0, 0, 0},
};
