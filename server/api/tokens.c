/*
 * tokens.c - API tokens for automation: GET/POST /api/tokens,
 * DELETE /api/tokens/{id}.
 *
 * A token is "sa_" and 32 random bytes as hex, sent as `Authorization:
 * Bearer sa_...`; it acts with its account's role (and grants) and needs no
 * CSRF token. It is shown once, in the answer that creates it: PostgreSQL
 * keeps its SHA-256 only. Tokens are made from a console session (a token
 * cannot make more tokens) and revoked by their account or an admin;
 * disabling or deleting the account ends them too.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "live/validate.h"
#include "store/audit.h"
#include "store/store.h"

#define TOKEN_BODY_MAX 1024

#define TOKEN_JSON                                                                                   \
	"json_build_object('id', t.id, 'name', t.name, 'created_at', t.created_at, 'last_used_at', " \
	"t.last_used_at, 'revoked_at', t.revoked_at)"

static void listed(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else
		http_reply_json(req, 200, api_json_cell(res, 0, 0));
	http_req_unref(req);
}

/* The principal's own tokens, newest first (revoked ones too, with revoked_at). */
static int list_get(http_req *req)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)http_principal(req)->account_id);
	const char *p[1] = {id};
	http_req_ref(req);
	int rc = store_query(http_arena(req),
			     "SELECT json_build_object('tokens', coalesce(json_agg(" TOKEN_JSON
			     " ORDER BY t.id DESC), '[]')) FROM api_tokens t WHERE t.account_id = $1",
			     1, p, listed, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

typedef struct made {
	http_req *req;
	char token[3 + 64 + 1];
	char *name;
} made;

static void token_made(arena *a, void *res, const char *err, void *ud)
{
	made *m = ud;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(m->req, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = api_json_cell(res, 0, 0), *after = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "token", m->token); /* the one time it is shown */
		cJSON_AddStringToObject(after, "name", m->name);
		cJSON_AddNumberToObject(after, "id", cJSON_GetNumberValue(cJSON_GetObjectItem(o, "id")));
		audit_write(a, http_principal(m->req), "token.create", NULL, m->name, NULL, after);
		cJSON_Delete(after);
		http_reply_json(m->req, 201, o);
	}
	explicit_bzero(m->token, sizeof m->token);
	free(m->name);
	http_req_unref(m->req);
}

static int create_post(http_req *req)
{
	const auth_principal *p = http_principal(req);
	int bad = 0;
	if (p->via == AUTH_VIA_ORGANIZER_TOKEN) {
		api_error(req, SA_E_BAD_STATE, NULL, "组织者令牌没有账号，不能拥有 API 令牌",
			  "the organizer token has no account to own API tokens");
		return 0;
	}
	if (p->via != AUTH_VIA_SESSION) {
		api_error(req, SA_E_FORBIDDEN, NULL, "令牌只能在登录后的控制台中创建（令牌不能再创建令牌）",
			  "tokens are made from a console session (a token cannot make tokens)");
		return 0;
	}
	made *m = http_alloc(req, sizeof *m);
	if (!m)
		return SA_E_INTERNAL;
	m->req = req;
	const char *name = api_string(req, "name", &bad);
	if (bad || !name || validate_text(name, 1, 64, &m->name)) {
		api_error(req, SA_E_INVALID_FIELD, "name",
			  "请给令牌起一个 1–64 个字符的名称（如“成绩导出脚本”）",
			  "name the token with 1-64 characters (e.g. \"results export script\")");
		return 0;
	}
	char hash[65], id[24];
	memcpy(m->token, AUTH_API_PREFIX, 3);
	if (auth_random_hex(m->token + 3, 32)) {
		free(m->name);
		return SA_E_INTERNAL;
	}
	auth_sha256_hex(m->token, hash);
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	const char *params[3] = {id, m->name, hash};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"WITH t AS (INSERT INTO api_tokens (account_id, name, token_hash) VALUES ($1, $2, $3) "
		"RETURNING *) SELECT " TOKEN_JSON " FROM t",
		3, params, token_made, m);
	if (rc) {
		free(m->name);
		http_req_unref(req);
	}
	return rc;
}

static void revoked(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个令牌（或已撤销）",
			  "no such token (or it is revoked already)");
	else {
		cJSON *before = api_json_cell(res, 0, 0);
		audit_write(a, http_principal(req), "token.revoke", NULL,
			    cJSON_GetStringValue(cJSON_GetObjectItem(before, "name")), before, NULL);
		cJSON_Delete(before);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

/* Revokes one of the principal's tokens (an admin: anyone's). */
static int revoke_delete(http_req *req)
{
	const auth_principal *p = http_principal(req);
	int64_t tid = api_id(req, "id");
	char id[24], acc[24];
	if (!tid) {
		api_error(req, SA_E_NOT_FOUND, "id", "没有这个令牌", "no such token");
		return 0;
	}
	snprintf(id, sizeof id, "%lld", (long long)tid);
	snprintf(acc, sizeof acc, "%lld", (long long)p->account_id);
	const char *params[3] = {id, acc, p->role & AUTH_ADMIN ? "true" : "false"};
	http_req_ref(req);
	int rc = store_query(
		http_arena(req),
		"WITH t AS (UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL "
		"AND (account_id = $2 OR $3::boolean) RETURNING *) "
		"SELECT json_build_object('id', t.id, 'name', t.name, 'account_id', t.account_id) FROM t",
		3, params, revoked, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

#define ANYONE                        \
	{                             \
		AUTH_AUTHENTICATED, 0 \
	}

const route api_tokens_routes[] = {
	{ROUTE_GET, "/api/tokens", list_get, ANYONE, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/tokens", create_post, ANYONE, ROUTE_BODY_JSON, TOKEN_BODY_MAX, 0},
	{ROUTE_DELETE, "/api/tokens/{id}", revoke_delete, ANYONE, ROUTE_BODY_NONE, 0, 0},
	{0},
};
