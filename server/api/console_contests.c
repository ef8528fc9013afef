/*
 * console_contests.c - contests as the console builds them (docs/api.md,
 * "Console: contests"): the list, drafts made from a form's JSON or a
 * file, read, saved, copied, deleted, and the definition as a file.
 *
 * A draft is a contests row with status 'draft' (served by no process:
 * store/migrate.h's MIGRATE_SERVED), its definition kept as the text the
 * console sent (`source`, key order kept) and as jsonb. A save is never
 * refused for what the definition says: it is stored, then validated on
 * libuv's thread pool with its banks read from PostgreSQL (live/publish.c),
 * and the reply lists every problem with its JSON path in the request's
 * language. A published contest changes only while nobody has joined it
 * (publish_contest with a text: validated first, every process reloads it).
 * Every change is audited with the definition before and after.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/console.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "live/publish.h"
#include "live/validate.h"
#include "store/admin.h"
#include "store/audit.h"
#include "store/store.h"

#define DEF_MAX (2 * 1024 * 1024)
#define COPY_MAX 4096
#define CONTEST_ROLES (AUTH_ORGANIZER)

/* A save on its way: the request, the code, the text stored, what the audit entry needs. */
typedef struct draft {
	http_req *req;
	char code[17];
	char *text;
	cJSON *summary; /* CONTEST as the statement returned it */
	cJSON *before;  /* the definition before (a save) */
	cJSON *detail;  /* what else the audit entry says (an import, a copy) */
	int status;     /* of the reply */
	int with_def;   /* the reply carries the definition (GET ?validate=1) */
} draft;

static void draft_free(draft *d)
{
	free(d->text);
	cJSON_Delete(d->summary);
	cJSON_Delete(d->before);
	cJSON_Delete(d->detail);
	http_req_unref(d->req);
	free(d);
}

static draft *draft_new(http_req *req)
{
	draft *d = calloc(1, sizeof *d);
	if (d) {
		d->req = req;
		d->status = 200;
		http_req_ref(req);
	}
	return d;
}

/*
 * A draft of contest code for req, with text (taken; NULL: none), then sql
 * run for it (cb gets the draft): 0, or the code to answer (nothing queued).
 */
static int draft_ask(http_req *req, const char *code, char *text, const char *sql, int n,
		     const char *const *p, store_cb cb)
{
	draft *d = draft_new(req);
	if (!d) {
		free(text);
		return SA_E_INTERNAL;
	}
	snprintf(d->code, sizeof d->code, "%s", code);
	d->text = text;
	int rc = store_query(http_arena(req), sql, n, p, cb, d);
	if (rc)
		draft_free(d);
	return rc;
}

/* ------------------------------------------------------------ the list */

static const char LIST_WHERE[] =
	"($2::bool OR c.owner_id = $1::bigint OR EXISTS (SELECT 1 FROM contest_grants g WHERE g.contest_id = c.id "
	"AND g.account_id = $1::bigint)) "
	"AND ($3 = '' OR " CONSOLE_STATUS " = ANY (string_to_array($3, ','))) "
	"AND ($4 = '' OR c.code ILIKE $4 ESCAPE '\\' OR (c.definition->'title')::text ILIKE $4 ESCAPE '\\') "
	"AND ($5 = '' OR c.owner_id = nullif($5, '')::bigint) AND ($6 = '' OR c.definition->>'mode' = $6)";

/* Every status of a comma-separated list is one the console knows. */
static int statuses_ok(const char *s)
{
	static const char *const known[] = {"draft", "scheduled", "live", "finished", "archived", NULL};
	while (*s) {
		size_t n = strcspn(s, ","), k = 0;
		for (; known[k]; k++)
			if (strlen(known[k]) == n && !strncmp(known[k], s, n))
				break;
		if (!known[k])
			return 0;
		s += n + (s[n] == ',');
	}
	return 1;
}

static int list_get(http_req *req)
{
	console_who w;
	long page, per;
	const char *status = http_query(req, "status"), *owner = http_query(req, "owner"),
		   *mode = http_query(req, "mode"), *q = console_like(req, http_query(req, "q"));
	if (console_num(req, "page", 1, 1000000, 1, &page) || console_num(req, "per_page", 1, 200, 50, &per))
		return 0;
	if (status && !statuses_ok(status)) {
		api_error(req, SA_E_INVALID_FIELD, "status",
			  "状态须为 draft、scheduled、live、finished 或 archived",
			  "the status must be draft, scheduled, live, finished or archived");
		return 0;
	}
	if (owner && *owner && strspn(owner, "0123456789") != strlen(owner)) {
		api_error(req, SA_E_INVALID_FIELD, "owner", "owner 须为账号编号",
			  "owner must be an account id");
		return 0;
	}
	if (!q)
		return SA_E_INTERNAL;
	console_who_of(req, &w);
	char limit[24], offset[24], pg[24];
	snprintf(limit, sizeof limit, "%ld", per);
	snprintf(offset, sizeof offset, "%ld", (page - 1) * per);
	snprintf(pg, sizeof pg, "%ld", page);
	const char *p[9] = {
		w.acc,  w.admin, status ? status : "", q, owner ? owner : "", mode ? mode : "", limit,
		offset, pg};
	char sql[4096];
	snprintf(
		sql, sizeof sql,
		"SELECT json_build_object('total', (SELECT count(*) FROM contests c WHERE %s), 'page', $9::int, "
		"'per_page', $7::int, 'contests', coalesce((SELECT json_agg(x.s ORDER BY x.n) FROM (SELECT " CONSOLE_SUMMARY(
			"$1",
			"$2") " AS s, row_number() OVER (ORDER BY c.updated_at DESC, c.id DESC) AS n "
			      "FROM contests c WHERE %s ORDER BY c.updated_at DESC, c.id DESC LIMIT $7::int OFFSET $8::int) x), '[]'))",
		LIST_WHERE, LIST_WHERE);
	return api_query_json(req, sql, 9, p, NULL);
}

/* ------------------------------------------------------------ new drafts */

static void checked(arena *a, int rc, cJSON *problems, void *ud)
{
	draft *d = ud;
	(void)a;
	if (rc && rc != SA_E_INVALID_FIELD) {
		http_reply_error(d->req, rc, NULL);
	} else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "contest", d->summary);
		d->summary = NULL;
		if (d->with_def)
			cJSON_AddItemToObject(o, "definition", cJSON_Parse(d->text));
		cJSON_AddBoolToObject(o, "valid", rc == 0);
		cJSON_AddItemToObject(o, "problems",
				      problems ? cJSON_Duplicate(problems, 1) : cJSON_CreateArray());
		http_reply_json(d->req, d->status, o);
	}
	draft_free(d);
}

/* The draft is stored (d->summary): validate it and answer. */
static void check_and_reply(arena *a, draft *d)
{
	int rc = publish_check(a, d->code, d->text, console_lang(d->req), checked, d);
	if (rc) {
		http_reply_error(d->req, rc, NULL);
		draft_free(d);
	}
}

static void inserted(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	if (err || !res) {
		http_reply_error(d->req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1) {
		api_error(d->req, SA_E_CONFLICT, "code", "已有使用此代码的竞赛",
			  "a contest with this code exists");
	} else {
		d->summary = api_json_cell(res, 0, 0);
		cJSON *after = d->detail ? d->detail : cJSON_CreateObject();
		d->detail = NULL;
		cJSON_AddStringToObject(after, "code", d->code);
		cJSON_AddItemToObject(after, "definition", cJSON_Parse(d->text));
		audit_write(a, http_principal(d->req), "contest.create", d->code, d->code, NULL, after);
		cJSON_Delete(after);
		check_and_reply(a, d);
		return;
	}
	draft_free(d);
}

/* A new code of 8 letters and digits (no 0/O, 1/I), or -1. */
static int new_code(char out[17])
{
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char b[8];
	if (auth_random_bytes(b, sizeof b))
		return -1;
	for (int i = 0; i < 8; i++)
		out[i] = set[b[i] % 32];
	out[8] = '\0';
	return 0;
}

/* def's "code" becomes code, its first member. 0, or -1 (no memory). */
static int set_code(cJSON *def, const char *code)
{
	cJSON_DeleteItemFromObjectCaseSensitive(def, "code");
	cJSON *item = cJSON_CreateString(code);
	if (!item || !(item->string = strdup("code"))) {
		cJSON_Delete(item);
		return -1;
	}
	cJSON_InsertItemInArray(def, 0, item);
	return 0;
}

/* def's "code" normalized (or a new one first in it): 0, or -1 answered (400). */
static int def_code(http_req *req, cJSON *def, char norm[17])
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(def, "code");
	if (!c) {
		if (new_code(norm) || set_code(def, norm)) {
			http_reply_error(req, SA_E_INTERNAL, NULL);
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsString(c) || validate_code(c->valuestring, norm)) {
		api_error(req, SA_E_INVALID_FIELD, "code", "竞赛代码应为 4–16 位字母或数字",
			  "the contest code must be 4-16 letters or digits");
		return -1;
	}
	cJSON_SetValuestring(c, norm);
	return 0;
}

/*
 * Stores def (borrowed) as a new draft of the caller's (201 with its
 * problems), detail saying where it came from (taken). 0, or answered.
 */
static int draft_create(http_req *req, cJSON *def, cJSON *detail)
{
	char key[40];
	draft *d = cJSON_IsObject(def) ? draft_new(req) : NULL;
	if (!cJSON_IsObject(def)) {
		cJSON_Delete(detail);
		api_error(req, SA_E_INVALID_FIELD, NULL, "竞赛定义应为 JSON 对象",
			  "the definition must be a JSON object");
		return 0;
	}
	if (!d) {
		cJSON_Delete(detail);
		return SA_E_INTERNAL;
	}
	d->detail = detail;
	d->status = 201;
	if (def_code(req, def, d->code)) {
		draft_free(d);
		return 0;
	}
	if (!(d->text = cJSON_PrintUnformatted(def)) || auth_random_hex(key, 16)) {
		draft_free(d);
		return SA_E_INTERNAL;
	}
	console_who w;
	console_who_of(req, &w);
	const char *p[5] = {w.acc, w.admin, d->code, d->text, key};
	int rc = store_query(
		http_arena(req),
		"WITH c AS (INSERT INTO contests (code, title, definition, question_count, source, status, owner_id, "
		"created_by, bank_source, screen_key) VALUES ($3, coalesce($4::jsonb->'title', '\"\"'), $4::jsonb, 0, "
		"$4, 'draft', nullif($1::bigint, 0), nullif($1::bigint, 0), 'console', $5) "
		"ON CONFLICT (code) DO NOTHING RETURNING *) SELECT " CONSOLE_SUMMARY("$1", "$2") " FROM c",
		5, p, inserted, d);
	if (rc)
		draft_free(d);
	return rc;
}

static int create_post(http_req *req) { return draft_create(req, http_json_body(req), NULL); }

static int import_post(http_req *req)
{
	size_t len;
	const char *body = http_body(req, &len), *code = http_query(req, "code");
	const char *end = NULL;
	cJSON *def = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!def || (end && end != body + len && end[strspn(end, " \t\r\n")])) {
		cJSON_Delete(def);
		api_error(req, SA_E_BAD_JSON, "file", "文件不是有效的 JSON", "the file is not valid JSON");
		return 0;
	}
	if (code && cJSON_IsObject(def) && set_code(def, code)) {
		cJSON_Delete(def);
		return SA_E_INTERNAL;
	}
	cJSON *detail = cJSON_CreateObject();
	const char *name = http_query(req, "filename");
	cJSON_AddStringToObject(detail, "import", name && cJSON_IsObject(def) ? name : "");
	int rc = draft_create(req, def, detail);
	cJSON_Delete(def);
	return rc;
}

/* ------------------------------------------------------------ one contest */

static void got(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	if (err || !res) {
		http_reply_error(d->req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1) {
		http_reply_error(d->req, SA_E_UNKNOWN_CONTEST, NULL);
	} else {
		d->summary = api_json_cell(res, 0, 0);
		const char *src = store_text(res, 0, 1), *q = http_query(d->req, "validate");
		if (src && q && strcmp(q, "0") && (d->text = strdup(src))) {
			d->with_def = 1;
			check_and_reply(a, d);
			return;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "contest", d->summary);
		d->summary = NULL;
		cJSON_AddItemToObject(o, "definition", src ? cJSON_Parse(src) : cJSON_CreateNull());
		http_reply_json(d->req, 200, o);
	}
	draft_free(d);
}

static int one_get(http_req *req)
{
	char code[17];
	console_who w;
	if (!console_code(req, code))
		return 0;
	console_who_of(req, &w);
	const char *p[3] = {w.acc, w.admin, code};
	return draft_ask(req, code, NULL,
			 "SELECT " CONSOLE_SUMMARY("$1", "$2") ", coalesce(c.source, c.definition::text) "
							       "FROM contests c WHERE c.code = $3",
			 3, p, got);
}

static void definition_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	const char *src = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	char name[40];
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!src)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else {
		snprintf(name, sizeof name, "%s.json", store_text(res, 0, 1));
		char *copy = strdup(src);
		if (copy)
			http_reply_bytes(req, 200, "application/json; charset=utf-8", copy, strlen(copy),
					 name);
		else
			http_reply_error(req, SA_E_INTERNAL, NULL);
	}
	http_req_unref(req);
}

static int definition_get(http_req *req)
{
	char code[17];
	if (!console_code(req, code))
		return 0;
	const char *p[1] = {code};
	return api_query(req, "SELECT coalesce(source, definition::text), code FROM contests WHERE code = $1",
			 1, p, definition_read, NULL);
}

/* ------------------------------------------------------------ save */

static void saved(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	if (err || !res) {
		http_reply_error(d->req, SA_E_UNAVAILABLE, NULL);
	} else if (PQntuples(res) != 1) { /* published meanwhile */
		api_error(d->req, SA_E_CONFLICT, NULL, "竞赛刚刚被发布，请刷新后再改",
			  "the contest was just published: reload it");
	} else {
		d->summary = api_json_cell(res, 0, 0);
		cJSON *after = cJSON_Parse(d->text);
		audit_write(a, http_principal(d->req), "contest.update", d->code, d->code, d->before, after);
		cJSON_Delete(after);
		check_and_reply(a, d);
		return;
	}
	draft_free(d);
}

static void republished(arena *a, int rc, cJSON *problems, int nq, void *ud)
{
	draft *d = ud;
	(void)nq;
	if (rc == SA_E_INVALID_FIELD) {
		console_problems(d->req, problems ? cJSON_Duplicate(problems, 1) : NULL);
	} else if (rc == SA_E_BAD_STATE) {
		api_error(d->req, rc, NULL, "已有人加入，竞赛内容不能再修改；可以复制后修改",
			  "someone has joined: the contest can no longer change (copy it instead)");
	} else if (rc) {
		http_reply_error(d->req, rc, NULL);
	} else {
		cJSON *after = cJSON_Parse(d->text), *extra = cJSON_CreateObject();
		audit_write(a, http_principal(d->req), "contest.update", d->code, d->code, d->before, after);
		cJSON_Delete(after);
		cJSON_AddBoolToObject(extra, "valid", 1);
		cJSON_AddItemToObject(extra, "problems", cJSON_CreateArray());
		if (!console_reply(d->req, d->code, 200, extra)) {
			draft_free(d);
			return;
		}
		http_reply_error(d->req, SA_E_UNAVAILABLE, NULL);
	}
	draft_free(d);
}

/* The row as it is: a draft is saved, a published contest nobody joined re-published, else refused. */
static void save_row(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	const char *status = res && !err && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	int rc = err || !res ? SA_E_UNAVAILABLE : !status ? SA_E_UNKNOWN_CONTEST : 0;
	if (!rc) {
		d->before = api_json_cell(res, 0, 2);
		if (!strcmp(store_text(res, 0, 1), "t")) {
			api_error(d->req, SA_E_BAD_STATE, NULL, "竞赛已归档，不能修改",
				  "the contest is archived");
			draft_free(d);
			return;
		}
		console_who w;
		console_who_of(d->req, &w);
		const char *p[4] = {w.acc, w.admin, d->code, d->text};
		if (!strcmp(status, "draft"))
			rc = store_query(
				a,
				"WITH c AS (UPDATE contests SET definition = $4::jsonb, source = $4, "
				"title = coalesce($4::jsonb->'title', '\"\"'), updated_at = now() "
				"WHERE code = $3 AND status = 'draft' RETURNING *) "
				"SELECT " CONSOLE_SUMMARY("$1", "$2") " FROM c",
				4, p, saved, d);
		else if (!strcmp(store_text(res, 0, 3), "t"))
			rc = publish_contest(a, d->code, d->text, console_lang(d->req), republished, d);
		else {
			api_error(
				d->req, SA_E_BAD_STATE, NULL,
				"已有人加入或竞赛已开始（或不是在控制台建立的），内容不能再修改；可以复制后修改",
				"the contest has started, someone has joined, or it was not made in the console: "
				"its definition can no longer change (copy it instead)");
			draft_free(d);
			return;
		}
	}
	if (rc) {
		http_reply_error(d->req, rc, NULL);
		draft_free(d);
	}
}

static int one_put(http_req *req)
{
	char code[17], norm[17], *text;
	cJSON *def = http_json_body(req);
	if (!console_code(req, code))
		return 0;
	if (!cJSON_IsObject(def)) {
		api_error(req, SA_E_INVALID_FIELD, NULL, "竞赛定义应为 JSON 对象",
			  "the definition must be a JSON object");
		return 0;
	}
	cJSON *c = cJSON_GetObjectItemCaseSensitive(def, "code");
	if (c && (!cJSON_IsString(c) || validate_code(c->valuestring, norm) || strcmp(norm, code))) {
		api_error(req, SA_E_INVALID_FIELD, "code", "竞赛代码不能修改；请复制为新代码",
			  "the code of a contest cannot change: copy it under a new code");
		return 0;
	}
	if ((c ? !cJSON_SetValuestring(c, code) : set_code(def, code)) ||
	    !(text = cJSON_PrintUnformatted(def)))
		return SA_E_INTERNAL;
	const char *p[1] = {code};
	return draft_ask(
		req, code, text,
		"SELECT c.status, c.archived_at IS NOT NULL, coalesce(c.source, c.definition::text), "
		"c.bank_source = 'console' AND c.phase = 'lobby' AND NOT " CONSOLE_JOINED
		" FROM contests c WHERE c.code = $1",
		1, p, save_row);
}

/* ------------------------------------------------------------ delete, copy */

static void deleted_draft(arena *a, void *res, const char *err, void *ud);

static void deleted(arena *a, int rc, int changed, const char *msg, void *ud)
{
	draft *d = ud;
	(void)changed;
	if (rc == SA_E_BAD_STATE)
		api_error(d->req, rc, "force", "竞赛正在进行（题目已打开），结束后再删除，或加 force=1",
			  "the contest is live (a question is open): end it first, or add force=1");
	else if (rc)
		http_reply_error(d->req, rc, NULL);
	else {
		audit_write(a, http_principal(d->req), "contest.delete", d->code, d->code, d->before, NULL);
		http_reply_json(d->req, 200, cJSON_Parse("{\"ok\":true}"));
	}
	draft_free(d);
}

static void delete_row(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	const char *status = res && !err && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	int rc = err || !res ? SA_E_UNAVAILABLE : !status ? SA_E_UNKNOWN_CONTEST : 0;
	if (!rc) {
		d->before = api_json_cell(res, 0, 1);
		const char *p[1] = {d->code}, *force = http_query(d->req, "force");
		if (!strcmp(status, "draft"))
			rc = store_query(
				a, "DELETE FROM contests WHERE code = $1 AND status = 'draft' RETURNING id",
				1, p, deleted_draft, d);
		else
			rc = publish_admin(a, ADMIN_DELETE, d->code,
					   force && strcmp(force, "0") ? ADMIN_FORCE : 0, deleted, d);
	}
	if (rc) {
		http_reply_error(d->req, rc, NULL);
		draft_free(d);
	}
}

static void deleted_draft(arena *a, void *res, const char *err, void *ud)
{
	deleted(a, err || !res ? SA_E_UNAVAILABLE : PQntuples(res) != 1 ? SA_E_CONFLICT : 0, 1, "", ud);
}

static int one_delete(http_req *req)
{
	char code[17];
	if (!console_code(req, code))
		return 0;
	const char *p[1] = {code};
	return draft_ask(
		req, code, NULL,
		"SELECT status, json_build_object('code', code, 'status', status, 'definition', definition, "
		"'players', (SELECT count(*) FROM participants WHERE contest_id = contests.id)) "
		"FROM contests WHERE code = $1",
		1, p, delete_row);
}

static void copy_read(arena *a, void *res, const char *err, void *ud)
{
	draft *d = ud;
	http_req *req = d->req;
	const char *src = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	cJSON *def = src ? cJSON_Parse(src) : NULL, *body = http_json_body(req);
	cJSON *code = cJSON_GetObjectItemCaseSensitive(body, "code"),
	      *title = cJSON_GetObjectItemCaseSensitive(body, "title");
	(void)a;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!src)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (!cJSON_IsObject(def))
		http_reply_error(req, SA_E_INTERNAL, NULL);
	else {
		cJSON_DeleteItemFromObjectCaseSensitive(def, "code");
		if (code)
			cJSON_AddItemToObject(def, "code", cJSON_Duplicate(code, 1));
		if (title) {
			cJSON_DeleteItemFromObjectCaseSensitive(def, "title");
			cJSON_AddItemToObject(def, "title", cJSON_Duplicate(title, 1));
		}
		cJSON *detail = cJSON_CreateObject();
		cJSON_AddStringToObject(detail, "copied_from", d->code);
		int rc = draft_create(req, def, detail);
		if (rc)
			http_reply_error(req, rc, NULL);
	}
	cJSON_Delete(def);
	draft_free(d);
}

static int copy_post(http_req *req)
{
	char code[17];
	const auth_principal *who = http_principal(req);
	cJSON *body = http_json_body(req);
	if (!console_code(req, code))
		return 0;
	if (!who || !(who->role & (AUTH_ADMIN | AUTH_ORGANIZER))) {
		api_error(req, SA_E_FORBIDDEN, NULL, "只有组织者可以建立竞赛",
			  "only organizers create contests");
		return 0;
	}
	if (!cJSON_IsObject(body)) {
		api_error(req, SA_E_INVALID_FIELD, NULL, "请求体应为 JSON 对象",
			  "the body must be a JSON object");
		return 0;
	}
	const char *p[1] = {code};
	return draft_ask(req, code, NULL,
			 "SELECT coalesce(source, definition::text) FROM contests WHERE code = $1", 1, p,
			 copy_read);
}

#define ORGANIZERS                        \
	{                                 \
		AUTH_ROLE, AUTH_ORGANIZER \
	}
#define SIGNED_IN                     \
	{                             \
		AUTH_AUTHENTICATED, 0 \
	}
#define ON_CONTEST                          \
	{                                   \
		AUTH_CONTEST, CONTEST_ROLES \
	}

const route api_console_contests_routes[] = {
	{ROUTE_GET, "/api/console/contests", list_get, SIGNED_IN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests", create_post, ORGANIZERS, ROUTE_BODY_JSON, DEF_MAX, 0},
	{ROUTE_POST, "/api/console/contests/import", import_post, ORGANIZERS, ROUTE_BODY_BYTES, DEF_MAX, 0},
	{ROUTE_GET, "/api/console/contests/{code}", one_get, ON_CONTEST, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/console/contests/{code}", one_put, ON_CONTEST, ROUTE_BODY_JSON, DEF_MAX, 0},
	{ROUTE_DELETE, "/api/console/contests/{code}", one_delete, ON_CONTEST, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/console/contests/{code}/definition.json", definition_get, ON_CONTEST,
	 ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests/{code}/copy", copy_post, ON_CONTEST, ROUTE_BODY_JSON, COPY_MAX,
	 0},
	{0, NULL, NULL, {0, 0}, 0, 0, 0},
};
