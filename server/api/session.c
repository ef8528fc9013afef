/*
 * session.c - console sessions: POST /api/login, POST /api/logout,
 * POST /api/logout-all, GET /api/me, POST /api/me/password.
 *
 * A login: the address may not have failed too often (--host-login-failures
 * a minute, core/limit.c, shared with WebSocket host logins and screen keys:
 * 429), the account is read (a locked one, --login-failures failures in a
 * row, is refused for --login-lock-s without trying the password: 429), the
 * password is verified on the thread pool (core/password.h; an unknown
 * username is verified against a dummy hash, so it takes as long), and then:
 * a session (a random 32-byte token, stored as its SHA-256, with a CSRF
 * token; it ends after --session-idle-minutes unused or --session-max-days),
 * sent as an HttpOnly, SameSite=Strict cookie (Secure over https), or a
 * failure counted for the address and the account and written to the audit
 * log. Wrong username and wrong password get the same answer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limit.h"
#include "core/log.h"
#include "core/password.h"
#include "core/utf8.h"
#include "store/audit.h"
#include "store/store.h"

#define LOGIN_BODY_MAX 4096
#define PASSWORD_BYTES_MAX 1024

enum { FAIL_UNKNOWN, FAIL_PASSWORD, FAIL_DISABLED, FAIL_LOCKED };

typedef struct login {
	http_req *req;
	const char *password; /* in the request's body */
	auth_principal who;   /* the attempt: its username and address (account_id once known) */
	int known, disabled, lock_s;
	char role[16];
	cJSON *account; /* {id, username, display_name, role} */
} login;

/* ------------------------------------------------------------ failures */

static void reply_locked(http_req *req, int seconds)
{
	char zh[160], en[160];
	int minutes = (seconds + 59) / 60;
	snprintf(zh, sizeof zh, "登录失败次数过多，账号已暂时锁定，请 %d 分钟后再试", minutes);
	snprintf(en, sizeof en, "too many failed logins: the account is locked, try again in %d minute%s",
		 minutes, minutes == 1 ? "" : "s");
	http_set_retry_after(req, seconds > 0 ? seconds : 1);
	api_error(req, SA_E_RATE_LIMITED, NULL, zh, en);
}

static void fail_reply(login *l, int reason, int lock_s)
{
	http_req *req = l->req;
	if (lock_s > 0 && reason != FAIL_DISABLED)
		reply_locked(req, lock_s);
	else if (reason == FAIL_DISABLED)
		api_error(req, SA_E_FORBIDDEN, NULL, "该账号已停用，请联系管理员",
			  "this account is disabled: ask an administrator");
	else
		api_error(req, SA_E_UNAUTHENTICATED, NULL, "用户名或密码错误", "wrong username or password");
}

static void counted(arena *a, void *res, const char *err, void *ud)
{
	login *l = ud;
	(void)a;
	int lock_s = !err && res && PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	fail_reply(l, FAIL_PASSWORD, lock_s);
	http_req_unref(l->req);
}

/* A failed login: counted for the address (and the account), audited, answered. */
static void fail(login *l, int reason)
{
	static const char *const reasons[] = {"unknown_user", "wrong_password", "disabled", "locked"};
	arena *a = http_arena(l->req);
	limit_addr_take(a->limits, l->who.addr, LIMIT_HOST_FAIL, now_ms());
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "reason", reasons[reason]);
	audit_note(a, &l->who, "login.failed", NULL, l->who.username, d);
	cJSON_Delete(d);
	sa_log(LL_INFO, "console login of '%s' from %s failed: %s", l->who.username, l->who.addr,
	       reasons[reason]);
	if (reason != FAIL_PASSWORD || !l->known) {
		fail_reply(l, reason, reason == FAIL_LOCKED ? l->lock_s : 0);
		return;
	}
	char id[24], max[16], secs[16];
	snprintf(id, sizeof id, "%lld", (long long)l->who.account_id);
	snprintf(max, sizeof max, "%d", a->cfg.login_failures);
	snprintf(secs, sizeof secs, "%d", a->cfg.login_lock_s);
	const char *p[3] = {id, max, secs};
	http_req_ref(l->req);
	if (store_query(
		    a,
		    "UPDATE accounts SET failed_logins = failed_logins + 1, locked_until = CASE WHEN $2::int > 0 "
		    "AND failed_logins + 1 >= $2::int THEN now() + make_interval(secs => $3::int) ELSE "
		    "locked_until END WHERE id = $1 "
		    "RETURNING greatest(0, ceil(extract(epoch FROM locked_until - now())))::int",
		    3, p, counted, l)) {
		http_req_unref(l->req);
		fail_reply(l, reason, 0);
	}
}

/* ------------------------------------------------------------ success */

static void session_made(arena *a, void *res, const char *err, void *ud)
{
	login *l = ud;
	http_req *req = l->req;
	const char *token = l->who.session; /* the token itself, until the reply */
	if (err || !res || PQntuples(res) != 1) {
		sa_log(LL_WARN, "login of '%s': the session could not be stored: %s", l->who.username,
		       err ? err : "no row");
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	} else {
		char cookie[256];
		auth_session_cookie(cookie, sizeof cookie, token, api_secure(req));
		http_set_cookie(req, cookie);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "account", l->account);
		l->account = NULL;
		cJSON_AddStringToObject(o, "csrf", l->who.csrf);
		cJSON_AddStringToObject(o, "expires_at", PQgetvalue(res, 0, 0));
		audit_note(a, &l->who, "login", NULL, l->who.username, NULL);
		http_reply_json(req, 200, o);
	}
	explicit_bzero(l->who.session, sizeof l->who.session);
	cJSON_Delete(l->account);
	http_req_unref(req);
}

static void succeed(login *l)
{
	arena *a = http_arena(l->req);
	char hash[65], id[24], days[16], mins[16], ua[512];
	const char *agent = http_user_agent(l->req);
	if (auth_random_hex(l->who.session, 32) || auth_random_hex(l->who.csrf, 32)) {
		cJSON_Delete(l->account);
		l->account = NULL;
		http_reply_error(l->req, SA_E_INTERNAL, NULL);
		return;
	}
	auth_sha256_hex(l->who.session, hash);
	snprintf(id, sizeof id, "%lld", (long long)l->who.account_id);
	snprintf(days, sizeof days, "%d", a->cfg.session_max_days);
	snprintf(mins, sizeof mins, "%d", a->cfg.session_idle_minutes);
	size_t n = utf8_cut(agent, strlen(agent) < sizeof ua - 1 ? strlen(agent) : sizeof ua - 1);
	memcpy(ua, agent, n);
	ua[n] = '\0';
	const char *p[7] = {id, hash, l->who.csrf, l->who.addr, ua, days, mins};
	http_req_ref(l->req);
	if (store_query(
		    a,
		    "WITH r AS (UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1), "
		    "d AS (DELETE FROM sessions WHERE expires_at < now() "
		    "OR last_seen_at < now() - make_interval(mins => $7::int)) "
		    "INSERT INTO sessions (token_hash, account_id, csrf_token, ip, user_agent, expires_at) "
		    "VALUES ($2, $1, $3, $4, $5, now() + make_interval(days => $6::int)) "
		    "RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		    7, p, session_made, l)) {
		cJSON_Delete(l->account);
		l->account = NULL;
		http_reply_error(l->req, SA_E_UNAVAILABLE, NULL);
		http_req_unref(l->req);
	}
}

/* ------------------------------------------------------------ the login */

static void verified(arena *a, int rc, const char *encoded, void *ud)
{
	login *l = ud;
	(void)a;
	(void)encoded;
	if (rc || l->disabled) { /* the account's JSON goes out only with a session */
		cJSON_Delete(l->account);
		l->account = NULL;
	}
	if (rc == SA_E_UNAUTHENTICATED)
		fail(l, l->known ? FAIL_PASSWORD : FAIL_UNKNOWN);
	else if (rc) {
		if (rc == SA_E_RATE_LIMITED)
			http_set_retry_after(l->req, 1);
		http_reply_error(l->req, rc, NULL);
	} else if (l->disabled)
		fail(l, FAIL_DISABLED);
	else
		succeed(l);
	http_req_unref(l->req);
}

static void account_read(arena *a, void *res, const char *err, void *ud)
{
	login *l = ud;
	const char *hash = NULL;
	if (err || !res) {
		http_reply_error(l->req, SA_E_UNAVAILABLE, NULL);
		http_req_unref(l->req);
		return;
	}
	if (PQntuples(res) == 1) {
		l->known = 1;
		l->who.account_id = atoll(PQgetvalue(res, 0, 0));
		snprintf(l->who.username, sizeof l->who.username, "%s", PQgetvalue(res, 0, 1));
		l->disabled = !strcmp(PQgetvalue(res, 0, 2), "t");
		l->lock_s = atoi(PQgetvalue(res, 0, 3));
		hash = PQgetvalue(res, 0, 4);
		l->account = api_json_cell(res, 0, 5);
		l->who.role = auth_role_parse(cJSON_GetStringValue(cJSON_GetObjectItem(l->account, "role")));
	}
	if (l->known && l->lock_s > 0) {
		fail(l, FAIL_LOCKED);
		cJSON_Delete(l->account);
		l->account = NULL;
		http_req_unref(l->req);
		return;
	}
	int rc = password_verify_async(a, hash, l->password, verified, l); /* keeps our reference */
	if (rc) {
		if (rc == SA_E_RATE_LIMITED)
			http_set_retry_after(l->req, 1);
		http_reply_error(l->req, rc, NULL);
		cJSON_Delete(l->account);
		l->account = NULL;
		http_req_unref(l->req);
	}
}

/* Refused without a try while the address has failed too often. */
static int address_blocked(http_req *req)
{
	arena *a = http_arena(req);
	if (!limit_addr_peek(a->limits, http_peer(req), LIMIT_HOST_FAIL, now_ms()))
		return 0;
	int per_min = a->cfg.host_fail_per_min > 0 ? a->cfg.host_fail_per_min : 1;
	int wait = (int)ceil(60.0 / per_min);
	char zh[160], en[160];
	snprintf(zh, sizeof zh, "此地址登录失败次数过多，请 %d 秒后再试", wait);
	snprintf(en, sizeof en, "too many failed logins from this address: try again in %d seconds", wait);
	http_set_retry_after(req, wait);
	api_error(req, SA_E_RATE_LIMITED, NULL, zh, en);
	sa_log(LL_INFO, "console login from %s refused: too many failed logins", http_peer(req));
	return 1;
}

static int login_post(http_req *req)
{
	int bad = 0, badpass = 0;
	const char *user = api_string(req, "username", &bad);
	const char *pass = api_string(req, "password", &badpass);
	if (bad || !user || !auth_username_ok(user)) {
		api_error(req, SA_E_INVALID_FIELD, "username",
			  "请输入用户名（字母、数字及 . _ - @，最多 64 个）",
			  "enter the username (letters, digits, . _ - @; at most 64)");
		return 0;
	}
	if (badpass || !pass || !*pass || strlen(pass) > PASSWORD_BYTES_MAX) {
		api_error(req, SA_E_INVALID_FIELD, "password", "请输入密码", "enter the password");
		return 0;
	}
	if (address_blocked(req))
		return 0;
	login *l = http_alloc(req, sizeof *l);
	if (!l)
		return SA_E_INTERNAL;
	l->req = req;
	l->password = pass;
	snprintf(l->who.username, sizeof l->who.username, "%s", user);
	snprintf(l->who.addr, sizeof l->who.addr, "%s", http_peer(req));
	const char *p[1] = {user};
	return api_query(req,
			 "SELECT id, username, disabled, "
			 "greatest(0, ceil(extract(epoch FROM locked_until - now())))::int, password_hash, "
			 "json_build_object('id', id, 'username', username, 'display_name', display_name, "
			 "'role', role) FROM accounts WHERE lower(username) = lower($1)",
			 1, p, account_read, l);
}

/* ------------------------------------------------------------ the session's own routes */

static const char ME_SQL[] =
	"SELECT json_build_object('id', a.id, 'username', a.username, 'display_name', a.display_name, "
	"'role', a.role), "
	"coalesce((SELECT json_agg(json_build_object('contest', c.code, 'role', g.role) ORDER BY c.code, g.role) "
	"FROM contest_grants g JOIN contests c ON c.id = g.contest_id WHERE g.account_id = a.id), '[]'), "
	"coalesce((SELECT json_agg(c.code ORDER BY c.code) FROM contests c WHERE c.owner_id = a.id), '[]') "
	"FROM accounts a WHERE a.id = $1";

static const char *via_name(auth_via via)
{
	static const char *const names[] = {"none", "organizer_token", "session", "api_token"};
	return names[via];
}

static void me_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	const auth_principal *p = http_principal(req);
	(void)a;
	if (err || !res || PQntuples(res) != 1)
		http_reply_error(req, err ? SA_E_UNAVAILABLE : SA_E_UNAUTHENTICATED, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "account", api_json_cell(res, 0, 0));
		cJSON_AddStringToObject(o, "via", via_name(p->via));
		if (p->via == AUTH_VIA_SESSION)
			cJSON_AddStringToObject(o, "csrf", p->csrf);
		cJSON_AddItemToObject(o, "grants", api_json_cell(res, 0, 1));
		cJSON_AddItemToObject(o, "owned", api_json_cell(res, 0, 2));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int me_get(http_req *req)
{
	const auth_principal *p = http_principal(req);
	if (p->via == AUTH_VIA_ORGANIZER_TOKEN) { /* no account: admin everywhere */
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNullToObject(o, "account");
		cJSON_AddStringToObject(o, "role", "admin");
		cJSON_AddStringToObject(o, "via", via_name(p->via));
		cJSON_AddItemToObject(o, "grants", cJSON_CreateArray());
		cJSON_AddItemToObject(o, "owned", cJSON_CreateArray());
		http_reply_json(req, 200, o);
		return 0;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	const char *params[1] = {id};
	return api_query(req, ME_SQL, 1, params, me_read, NULL);
}

static void logged_out(arena *a, http_req *req, void *res, const char *err, int all)
{
	const auth_principal *p = http_principal(req);
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else {
		char cookie[160];
		long n = atol(PQcmdTuples(res));
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "sessions", (double)n);
		audit_note(a, p, all ? "logout.all" : "logout", NULL, p->username, d);
		cJSON_Delete(d);
		auth_session_cookie(cookie, sizeof cookie, NULL, api_secure(req));
		http_set_cookie(req, cookie);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ok", 1);
		cJSON_AddNumberToObject(o, "sessions", (double)n);
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static void logged_out_one(arena *a, void *res, const char *err, void *ud) { logged_out(a, ud, res, err, 0); }
static void logged_out_all(arena *a, void *res, const char *err, void *ud) { logged_out(a, ud, res, err, 1); }

/* POST /api/logout ends this session; POST /api/logout-all every session of the account. */
static int logout(http_req *req, int all)
{
	const auth_principal *p = http_principal(req);
	char id[24];
	if (p->via != AUTH_VIA_SESSION && !(all && p->via == AUTH_VIA_API_TOKEN)) {
		api_error(req, SA_E_BAD_STATE, NULL, "退出登录只适用于浏览器会话（令牌请在“我的账号”中撤销）",
			  "logging out ends a browser session (revoke a token on the account page instead)");
		return 0;
	}
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	const char *params[1] = {all ? id : p->session};
	return api_query(req,
			 all ? "DELETE FROM sessions WHERE account_id = $1"
			     : "DELETE FROM sessions WHERE token_hash = $1",
			 1, params, all ? logged_out_all : logged_out_one, NULL);
}

static int logout_post(http_req *req) { return logout(req, 0); }
static int logout_all_post(http_req *req) { return logout(req, 1); }

/* ------------------------------------------------------------ changing one's own password */

typedef struct pwchange {
	http_req *req;
	const char *current, *next; /* in the request's body */
	char username[AUTH_USERNAME_MAX + 1];
} pwchange;

static void pw_checked(arena *a, int rc, const char *encoded, void *ud)
{
	pwchange *w = ud;
	const auth_principal *p = http_principal(w->req);
	char id[24];
	(void)encoded;
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	if (rc == SA_E_UNAUTHENTICATED) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "reason", "wrong_password");
		audit_note(a, p, "account.password.failed", NULL, w->username, d);
		cJSON_Delete(d);
		limit_addr_take(a->limits, p->addr, LIMIT_HOST_FAIL, now_ms());
		api_error(w->req, SA_E_FORBIDDEN, "current", "当前密码不正确",
			  "the current password is wrong");
	} else if (!rc && !(rc = api_password_set(w->req, id, w->username, w->next, "self",
						  p->via == AUTH_VIA_SESSION ? p->session : "")))
		return; /* the password's setting has the reference */
	else
		http_reply_error(w->req, rc, NULL);
	http_req_unref(w->req);
}

static void pw_read(arena *a, void *res, const char *err, void *ud)
{
	pwchange *w = ud;
	const char *why;
	int rc;
	if (err || !res || PQntuples(res) != 1) {
		http_reply_error(w->req, err ? SA_E_UNAVAILABLE : SA_E_UNAUTHENTICATED, NULL);
	} else if (snprintf(w->username, sizeof w->username, "%s", PQgetvalue(res, 0, 0)),
		   password_rules(w->next, w->username, http_lang_en(w->req), &why)) {
		api_error(w->req, SA_E_INVALID_FIELD, "password", why, why);
	} else if ((rc = password_verify_async(a, PQgetvalue(res, 0, 1), w->current, pw_checked, w)))
		http_reply_error(w->req, rc, NULL);
	else
		return; /* pw_checked has the reference */
	http_req_unref(w->req);
}

/* POST /api/me/password {current, password}: the other sessions of the account end. */
static int me_password_post(http_req *req)
{
	const auth_principal *p = http_principal(req);
	int bad = 0;
	pwchange *w = http_alloc(req, sizeof *w);
	if (!w)
		return SA_E_INTERNAL;
	if (!p->account_id) {
		api_error(req, SA_E_BAD_STATE, NULL, "组织者令牌没有账号和密码",
			  "the organizer token has no account");
		return 0;
	}
	w->req = req;
	w->current = api_string(req, "current", &bad);
	if (bad || !w->current || strlen(w->current) > PASSWORD_BYTES_MAX) {
		api_error(req, SA_E_INVALID_FIELD, "current", "请输入当前密码", "enter the current password");
		return 0;
	}
	w->next = api_string(req, "password", &bad);
	if (bad || !w->next) {
		api_error(req, SA_E_INVALID_FIELD, "password", "请输入新密码", "enter the new password");
		return 0;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)p->account_id);
	const char *params[1] = {id};
	return api_query(req, "SELECT username, password_hash FROM accounts WHERE id = $1", 1, params,
			 pw_read, w);
}

#define SESSION_ROW(m, path, fn, kind, body, max)    \
	{                                            \
		m, path, fn, {kind, 0}, body, max, 0 \
	}

const route api_session_routes[] = {
	SESSION_ROW(ROUTE_POST, "/api/login", login_post, AUTH_PUBLIC, ROUTE_BODY_JSON, LOGIN_BODY_MAX),
	SESSION_ROW(ROUTE_POST, "/api/logout", logout_post, AUTH_AUTHENTICATED, ROUTE_BODY_NONE, 0),
	SESSION_ROW(ROUTE_POST, "/api/logout-all", logout_all_post, AUTH_AUTHENTICATED, ROUTE_BODY_NONE, 0),
	SESSION_ROW(ROUTE_GET, "/api/me", me_get, AUTH_AUTHENTICATED, ROUTE_BODY_NONE, 0),
	SESSION_ROW(ROUTE_POST, "/api/me/password", me_password_post, AUTH_AUTHENTICATED, ROUTE_BODY_JSON,
		    LOGIN_BODY_MAX),
	{0},
};
