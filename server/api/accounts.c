/*
 * accounts.c - console accounts, for admins: GET/POST /api/accounts,
 * GET/PUT/DELETE /api/accounts/{id}, POST /api/accounts/{id}/password.
 *
 * Passwords are hashed on the thread pool (core/password.h) and never
 * returned, logged or audited. The last enabled admin cannot be demoted,
 * disabled or deleted: each such change is one statement that first locks
 * every enabled admin's row (SELECT ... FOR UPDATE), so that two admins
 * demoting each other at the same moment cannot both succeed. Disabling an
 * account or resetting its password ends its sessions. Every change is
 * written to the audit log with what it was and what it became.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/password.h"
#include "live/validate.h"
#include "store/audit.h"
#include "store/store.h"

#define ACCOUNT_BODY_MAX 4096

/* One account as JSON (the alias a). */
#define ACCOUNT_JSON                                                                                         \
	"json_build_object('id', a.id, 'username', a.username, 'display_name', a.display_name, 'role', "     \
	"a.role, 'disabled', a.disabled, 'failed_logins', a.failed_logins, 'locked_until', a.locked_until, " \
	"'created_at', a.created_at, 'updated_at', a.updated_at, 'last_seen_at', "                           \
	"(SELECT max(s.last_seen_at) FROM sessions s WHERE s.account_id = a.id))"
/* What an account change's audit entry shows of it. */
#define ACCOUNT_AUDIT                                                                                \
	"json_build_object('username', a.username, 'display_name', a.display_name, 'role', a.role, " \
	"'disabled', a.disabled, 'locked', coalesce(a.locked_until > now(), false))"
/* Enabled admins, their rows locked; an account may leave them only while another stays. */
#define ADMINS_LOCKED "admins AS (SELECT id FROM accounts WHERE role = 'admin' AND NOT disabled FOR UPDATE)"
#define ANOTHER_ADMIN_STAYS \
	"(NOT EXISTS (SELECT 1 FROM admins WHERE id = $1) OR EXISTS (SELECT 1 FROM admins WHERE id <> $1))"

static const char *const LAST_ADMIN_ZH = "至少要保留一个启用的管理员账号";
static const char *const LAST_ADMIN_EN =
	"the last enabled admin account cannot be demoted, disabled or deleted";
static const api_err NO_ACCOUNT = {SA_E_NOT_FOUND, "id", "没有这个账号", "no account has this id"};

/* The {id} of the path as text for a query, or a 404 answered (0). */
static int id_param(http_req *req, char id[24])
{
	int64_t v = api_id(req, "id");
	if (!v) {
		api_error_of(req, &NO_ACCOUNT);
		return 0;
	}
	snprintf(id, 24, "%lld", (long long)v);
	return 1;
}

static int list_get(http_req *req)
{
	return api_query_json(req,
			      "SELECT json_build_object('accounts', coalesce(json_agg(" ACCOUNT_JSON
			      " ORDER BY lower(a.username)), '[]')) FROM accounts a",
			      0, NULL, NULL);
}

static int one_get(http_req *req)
{
	char id[24];
	if (!id_param(req, id))
		return 0;
	const char *p[1] = {id};
	return api_query_json(req, "SELECT " ACCOUNT_JSON " FROM accounts a WHERE a.id = $1", 1, p,
			      &NO_ACCOUNT);
}

/* ------------------------------------------------------------ create */

typedef struct create {
	http_req *req;
	const char *username, *password, *role;
	char *display; /* validated, malloc'ed */
} create;

static void created(arena *a, void *res, const char *err, void *ud)
{
	create *c = ud;
	if (err || !res)
		http_reply_error(c->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error(c->req, SA_E_CONFLICT, "username", "用户名已被使用", "this username is taken");
	else {
		cJSON *after = api_json_cell(res, 0, 1);
		audit_write(a, http_principal(c->req), "account.create", NULL, c->username, NULL, after);
		cJSON_Delete(after);
		http_reply_json(c->req, 201, api_json_cell(res, 0, 0));
	}
	free(c->display);
	http_req_unref(c->req);
}

static void create_hashed(arena *a, int rc, const char *encoded, void *ud)
{
	create *c = ud;
	(void)a;
	const char *p[4] = {c->username, c->display, c->role, encoded};
	if (rc || (rc = store_query(
			   a,
			   "WITH a AS (INSERT INTO accounts (username, display_name, role, password_hash) "
			   "VALUES ($1, $2, $3, $4) ON CONFLICT ((lower(username))) DO NOTHING RETURNING *) "
			   "SELECT " ACCOUNT_JSON ", " ACCOUNT_AUDIT " FROM a",
			   4, p, created, c))) {
		http_reply_error(c->req, rc, NULL);
		free(c->display);
		http_req_unref(c->req);
	}
}

/* The fields of a new account: 0 when they are good, else answered (with the field). */
static int create_fields(http_req *req, create *c)
{
	int bad = 0;
	const char *why, *display;
	c->username = api_string(req, "username", &bad);
	if (bad || !c->username || !auth_username_ok(c->username)) {
		api_error(req, SA_E_INVALID_FIELD, "username", "用户名须为 1–64 个字母、数字或 . _ - @",
			  "the username must be 1-64 letters, digits or . _ - @");
		return -1;
	}
	display = api_string(req, "display_name", &bad);
	if (bad || validate_text(display ? display : "", 0, 64, &c->display)) {
		api_error(req, SA_E_INVALID_FIELD, "display_name", "显示名称最多 64 个字符，不含控制字符",
			  "the display name must be at most 64 characters without control characters");
		return -1;
	}
	c->role = api_string(req, "role", &bad);
	if (bad || !auth_role_parse(c->role)) {
		api_error(req, SA_E_INVALID_FIELD, "role",
			  "角色须为 admin、organizer、judge、screen 或 viewer",
			  "the role must be admin, organizer, judge, screen or viewer");
		return -1;
	}
	c->password = api_string(req, "password", &bad);
	if (bad || password_rules(c->password, c->username, http_lang_en(req), &why)) {
		api_error(req, SA_E_INVALID_FIELD, "password", why, why);
		return -1;
	}
	return 0;
}

static int create_post(http_req *req)
{
	create *c = http_alloc(req, sizeof *c);
	if (!c)
		return SA_E_INTERNAL;
	c->req = req;
	if (create_fields(req, c)) {
		free(c->display);
		return 0;
	}
	http_req_ref(req);
	int rc = password_hash_async(http_arena(req), c->password, create_hashed, c);
	if (rc) {
		free(c->display);
		http_req_unref(req);
	}
	return rc;
}

/* ------------------------------------------------------------ change, delete */

typedef struct change {
	http_req *req;
	char id[24];
	char *display; /* NULL: unchanged */
} change;

/* The state of a change of account {id}, in the request's memory: NULL with *rc 0 (404 answered) or SA_E_INTERNAL. */
static change *change_new(http_req *req, int *rc)
{
	change *c = http_alloc(req, sizeof *c);
	*rc = c ? 0 : SA_E_INTERNAL;
	if (!c || !id_param(req, c->id))
		return NULL;
	c->req = req;
	return c;
}

/* before and after (or NULL): 404, 409 (the last admin), or 200 with the account. */
static void changed(arena *a, void *res, const char *err, void *ud)
{
	change *c = ud;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(c->req, SA_E_UNAVAILABLE, NULL);
	else if (PQgetisnull(res, 0, 0))
		api_error_of(c->req, &NO_ACCOUNT);
	else if (PQgetisnull(res, 0, 1))
		api_error(c->req, SA_E_CONFLICT, strcmp(PQfname(res, 1), "deleted") ? "role" : "id",
			  LAST_ADMIN_ZH, LAST_ADMIN_EN);
	else {
		cJSON *before = api_json_cell(res, 0, 0), *after = api_json_cell(res, 0, 1);
		const char *user = cJSON_GetStringValue(cJSON_GetObjectItem(before, "username"));
		int del = !strcmp(PQfname(res, 1), "deleted");
		audit_write(a, http_principal(c->req), del ? "account.delete" : "account.update", NULL, user,
			    before, del ? NULL : after);
		cJSON_Delete(before);
		if (del) {
			cJSON_Delete(after);
			after = cJSON_CreateObject();
			cJSON_AddBoolToObject(after, "ok", 1);
		} else {
			cJSON_Delete(after);
			after = api_json_cell(res, 0, 2);
		}
		http_reply_json(c->req, 200, after);
	}
	free(c->display);
	http_req_unref(c->req);
}

/* The optional booleans of a change: -1 absent, 0/1, or -2 (not a boolean). */
static int boolean(http_req *req, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(http_json_body(req), name);
	return !v ? -1 : cJSON_IsBool(v) ? cJSON_IsTrue(v) : -2;
}

static int update_put(http_req *req)
{
	int bad = 0, disabled, unlock, rc;
	change *c = change_new(req, &rc);
	if (!c)
		return rc;
	const char *display = api_string(req, "display_name", &bad);
	if (bad || (display && validate_text(display, 0, 64, &c->display))) {
		api_error(req, SA_E_INVALID_FIELD, "display_name", "显示名称最多 64 个字符，不含控制字符",
			  "the display name must be at most 64 characters without control characters");
		return 0;
	}
	const char *role = api_string(req, "role", &bad);
	if (bad || (role && !auth_role_parse(role))) {
		free(c->display);
		api_error(req, SA_E_INVALID_FIELD, "role",
			  "角色须为 admin、organizer、judge、screen 或 viewer",
			  "the role must be admin, organizer, judge, screen or viewer");
		return 0;
	}
	if ((disabled = boolean(req, "disabled")) == -2 || (unlock = boolean(req, "unlock")) == -2 ||
	    (!display && !role && disabled < 0 && unlock < 0)) {
		free(c->display);
		api_error(req, SA_E_INVALID_FIELD, disabled == -2 ? "disabled" : "unlock",
			  "请给出要修改的 display_name、role、disabled（true/false）或 unlock（true）",
			  "give what changes: display_name, role, disabled (true/false) or unlock (true)");
		return 0;
	}
	const char *p[5] = {c->id, c->display, role,
			    disabled < 0 ? NULL
			    : disabled   ? "true"
					 : "false",
			    unlock == 1 ? "true" : "false"};
	return api_query(
		req,
		"WITH " ADMINS_LOCKED ", old AS (SELECT * FROM accounts WHERE id = $1), "
		"new AS (UPDATE accounts a SET display_name = coalesce($2, a.display_name), "
		"role = coalesce($3, a.role), disabled = coalesce($4::boolean, a.disabled), "
		"failed_logins = CASE WHEN $5::boolean THEN 0 ELSE a.failed_logins END, "
		"locked_until = CASE WHEN $5::boolean THEN NULL ELSE a.locked_until END, updated_at = now() "
		"WHERE a.id = $1 AND ((coalesce($3, a.role) = 'admin' AND NOT coalesce($4::boolean, a.disabled)) "
		"OR " ANOTHER_ADMIN_STAYS ") RETURNING a.*), "
		"s AS (DELETE FROM sessions WHERE account_id = $1 AND (SELECT disabled FROM new)) "
		"SELECT (SELECT " ACCOUNT_AUDIT " FROM old a), (SELECT " ACCOUNT_AUDIT
		" FROM new a) AS updated, "
		"(SELECT " ACCOUNT_JSON " FROM new a)",
		5, p, changed, c);
}

static int delete_one(http_req *req)
{
	int rc;
	change *c = change_new(req, &rc);
	if (!c)
		return rc;
	const char *p[1] = {c->id};
	return api_query(req,
			 "WITH " ADMINS_LOCKED ", old AS (SELECT * FROM accounts WHERE id = $1), "
			 "del AS (DELETE FROM accounts a WHERE a.id = $1 AND " ANOTHER_ADMIN_STAYS
			 " RETURNING a.*) "
			 "SELECT (SELECT " ACCOUNT_AUDIT " FROM old a), (SELECT " ACCOUNT_AUDIT
			 " FROM del a) AS deleted, "
			 "NULL",
			 1, p, changed, c);
}

/* ------------------------------------------------------------ password reset */

typedef struct reset {
	http_req *req;
	char id[24];
	char username[AUTH_USERNAME_MAX + 1];
	const char *password;
} reset;

static void reset_read(arena *a, void *res, const char *err, void *ud)
{
	reset *r = ud;
	const char *why;
	int rc;
	if (err || !res)
		http_reply_error(r->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error_of(r->req, &NO_ACCOUNT);
	else if (snprintf(r->username, sizeof r->username, "%s", PQgetvalue(res, 0, 0)),
		 password_rules(r->password, r->username, http_lang_en(r->req), &why))
		api_error(r->req, SA_E_INVALID_FIELD, "password", why, why);
	else if ((rc = api_password_set(r->req, r->id, r->username, r->password, "admin", "")))
		http_reply_error(r->req, rc, NULL);
	else
		return; /* the password's setting has the reference */
	http_req_unref(r->req);
}

static int password_post(http_req *req)
{
	int bad = 0;
	reset *r = http_alloc(req, sizeof *r);
	if (!r)
		return SA_E_INTERNAL;
	r->req = req;
	if (!id_param(req, r->id))
		return 0;
	r->password = api_string(req, "password", &bad);
	if (bad || !r->password) {
		api_error(req, SA_E_INVALID_FIELD, "password", "请输入新密码", "enter the new password");
		return 0;
	}
	const char *p[1] = {r->id};
	return api_query(req, "SELECT username FROM accounts WHERE id = $1", 1, p, reset_read, r);
}

#define ADMIN                         \
	{                             \
		AUTH_ROLE, AUTH_ADMIN \
	}

const route api_accounts_routes[] = {
	{ROUTE_GET, "/api/accounts", list_get, ADMIN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/accounts", create_post, ADMIN, ROUTE_BODY_JSON, ACCOUNT_BODY_MAX, 0},
	{ROUTE_GET, "/api/accounts/{id}", one_get, ADMIN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_PUT, "/api/accounts/{id}", update_put, ADMIN, ROUTE_BODY_JSON, ACCOUNT_BODY_MAX, 0},
	{ROUTE_DELETE, "/api/accounts/{id}", delete_one, ADMIN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/accounts/{id}/password", password_post, ADMIN, ROUTE_BODY_JSON, ACCOUNT_BODY_MAX,
	 0},
	{0},
};
