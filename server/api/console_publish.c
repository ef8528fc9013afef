/*
 * console_publish.c - a console contest's life after the draft (docs/api.md,
 * "Console: contests"): publish, archive, who else may work on it (grants),
 * and the screen key.
 *
 * Publishing and archiving run off the loop (live/publish.c): validation
 * with the banks as they are now, the store under the upload lock, the
 * event that makes every process serve or retire the contest. Grants are
 * replaced whole, in one statement, with the list before and after in the
 * audit log. The screen key is read by `watch` from PostgreSQL at every
 * watch (live/screen.c), so a new one counts at once on every process; it
 * is never written to the audit log.
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
#include "net/gate.h"
#include "store/admin.h"
#include "store/audit.h"
#include "store/store.h"

#define GRANTS_MAX 65536

typedef struct act {
	http_req *req;
	char code[17];
	cJSON *before;
} act;

static act *act_new(http_req *req, const char *code)
{
	act *x = calloc(1, sizeof *x);
	if (x) {
		x->req = req;
		snprintf(x->code, sizeof x->code, "%s", code);
		http_req_ref(req);
	}
	return x;
}

static void act_free(act *x)
{
	cJSON_Delete(x->before);
	http_req_unref(x->req);
	free(x);
}

/* ------------------------------------------------------------ publish, archive */

static void published(arena *a, int rc, cJSON *problems, int nq, void *ud)
{
	act *x = ud;
	if (rc == SA_E_INVALID_FIELD)
		console_problems(x->req, problems ? cJSON_Duplicate(problems, 1) : NULL);
	else if (rc == SA_E_BAD_STATE)
		api_error(x->req, rc, NULL, "只有草稿可以发布", "only a draft can be published");
	else if (rc == SA_E_CONFLICT)
		api_error(x->req, rc, NULL, "草稿在发布时被修改了，请再发布一次",
			  "the draft changed while it was being published: publish it again");
	else if (rc)
		http_reply_error(x->req, rc, NULL);
	else {
		cJSON *after = cJSON_CreateObject(), *extra = cJSON_CreateObject();
		cJSON_AddNumberToObject(after, "questions", nq);
		audit_write(a, http_principal(x->req), "contest.publish", x->code, x->code, NULL, after);
		cJSON_Delete(after);
		cJSON_AddNumberToObject(extra, "questions", nq);
		if ((rc = console_reply(x->req, x->code, 200, extra)))
			http_reply_error(x->req, rc, NULL);
	}
	act_free(x);
}

static int publish_post(http_req *req)
{
	char code[17];
	if (!console_code(req, code))
		return 0;
	act *x = act_new(req, code);
	if (!x)
		return SA_E_INTERNAL;
	int rc = publish_contest(http_arena(req), code, NULL, console_lang(req), published, x);
	if (rc)
		act_free(x);
	return rc;
}

static void archived(arena *a, int rc, int changed, const char *msg, void *ud)
{
	act *x = ud;
	if (rc == SA_E_BAD_STATE)
		api_error(x->req, rc, "force", "竞赛正在进行（题目已打开），结束后再归档，或加 force=1",
			  "the contest is live (a question is open): end it first, or add force=1");
	else if (rc)
		http_reply_error(x->req, rc, NULL);
	else {
		if (changed)
			audit_write(a, http_principal(x->req), "contest.archive", x->code, x->code, NULL,
				    NULL);
		if ((rc = console_reply(x->req, x->code, 200, NULL)))
			http_reply_error(x->req, rc, NULL);
	}
	act_free(x);
}

static int archive_post(http_req *req)
{
	char code[17];
	const char *force = http_query(req, "force");
	if (!console_code(req, code))
		return 0;
	act *x = act_new(req, code);
	if (!x)
		return SA_E_INTERNAL;
	int rc = publish_admin(http_arena(req), ADMIN_ARCHIVE, code,
			       force && strcmp(force, "0") ? ADMIN_FORCE : 0, archived, x);
	if (rc)
		act_free(x);
	return rc;
}

/* ------------------------------------------------------------ grants */

#define ACCOUNT_OF(A) \
	"json_build_object('id', " A ".id, 'username', " A ".username, 'display_name', " A ".display_name"
/* {"owner", "grants"} of the contest row c. */
#define GRANTS_JSON                                                                                                                            \
	"json_build_object('owner', (SELECT " ACCOUNT_OF(                                                                                      \
		"o") ") FROM accounts o WHERE o.id = c.owner_id), "                                                                            \
		     "'grants', coalesce((SELECT json_agg(json_build_object('account', " ACCOUNT_OF(                                           \
			     "a") ", 'role', a.role), "                                                                                        \
				  "'role', g.role, 'granted_by', b.username, 'granted_at', g.granted_at) ORDER BY lower(a.username), g.role) " \
				  "FROM contest_grants g JOIN accounts a ON a.id = g.account_id LEFT JOIN accounts b ON b.id = g.granted_by "  \
				  "WHERE g.contest_id = c.id), '[]'))"

static int grants_get(http_req *req)
{
	char code[17];
	if (!console_code(req, code))
		return 0;
	const char *p[1] = {code};
	return api_query_json(req, "SELECT " GRANTS_JSON " FROM contests c WHERE c.code = $1", 1, p,
			      &API_NO_CONTEST);
}

static void grants_done(arena *a, void *res, const char *err, void *ud)
{
	act *x = ud;
	const char *bad = !err && res && PQntuples(res) == 1 ? store_text(res, 0, 0) : NULL;
	if (err || !res)
		http_reply_error(x->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		http_reply_error(x->req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (bad && *bad) {
		char field[64];
		snprintf(field, sizeof field, "grants[%s].account", bad);
		api_error(x->req, SA_E_INVALID_FIELD, field, "没有这个账号",
			  "no account has this id or username");
	} else {
		cJSON *after = api_json_cell(res, 0, 2);
		x->before = api_json_cell(res, 0, 1);
		audit_write(a, http_principal(x->req), "contest.grants", x->code, x->code, x->before, after);
		http_reply_json(x->req, 200, after);
	}
	act_free(x);
}

/*
 * One statement: the accounts named (by id or username) looked up; when one
 * is missing, its index comes back and nothing changes; else the grants
 * are replaced. Columns: the index of a missing account or '', the list
 * before, the list after.
 */
static const char GRANTS_SQL[] =
	"WITH want AS (SELECT (e->>'i')::int AS i, e->>'account' AS acc, e->>'username' AS un, e->>'role' AS role "
	"FROM jsonb_array_elements($2::jsonb) e), "
	"found AS (SELECT w.i, w.role, a.id FROM want w LEFT JOIN accounts a ON a.id::text = w.acc "
	"OR lower(a.username) = lower(w.un)), "
	"missing AS (SELECT min(i) AS i FROM found WHERE id IS NULL), "
	"c AS (SELECT * FROM contests WHERE code = $1 FOR UPDATE), "
	"before AS (SELECT " GRANTS_JSON " AS j FROM c), "
	"del AS (DELETE FROM contest_grants g USING c WHERE g.contest_id = c.id AND (SELECT i FROM missing) IS NULL), "
	"ins AS (INSERT INTO contest_grants (contest_id, account_id, role, granted_by) "
	"SELECT DISTINCT c.id, f.id, f.role, nullif($3::bigint, 0) FROM c, found f WHERE (SELECT i FROM missing) IS NULL "
	"ON CONFLICT (contest_id, account_id, role) DO UPDATE SET granted_by = EXCLUDED.granted_by, "
	"granted_at = now() RETURNING account_id, role) "
	"SELECT coalesce((SELECT i::text FROM missing), ''), (SELECT j FROM before), "
	"json_build_object('owner', (SELECT " ACCOUNT_OF(
		"o") ") FROM accounts o, c WHERE o.id = c.owner_id), "
		     "'grants', coalesce((SELECT json_agg(json_build_object('account', " ACCOUNT_OF(
			     "a") ", 'role', a.role), "
				  "'role', i.role, 'granted_by', (SELECT username FROM accounts WHERE id = nullif($3::bigint, 0)), "
				  "'granted_at', now()) ORDER BY lower(a.username), i.role) FROM ins i JOIN accounts a ON a.id = i.account_id), "
				  "'[]')) FROM c";

/* The body's grants as [{"i","account"|"username","role"}]: the array, or NULL answered (400). */
static cJSON *grants_body(http_req *req)
{
	cJSON *g = cJSON_GetObjectItemCaseSensitive(http_json_body(req), "grants"), *e,
	      *out = cJSON_CreateArray();
	char field[64];
	int i = 0;
	if (!cJSON_IsArray(g) || cJSON_GetArraySize(g) > 1000) {
		cJSON_Delete(out);
		api_error(req, SA_E_INVALID_FIELD, "grants", "grants 应为数组（最多 1000 项）",
			  "grants must be an array (at most 1000)");
		return NULL;
	}
	cJSON_ArrayForEach(e, g)
	{
		const cJSON *acc = cJSON_GetObjectItemCaseSensitive(e, "account"),
			    *un = cJSON_GetObjectItemCaseSensitive(e, "username"),
			    *role = cJSON_GetObjectItemCaseSensitive(e, "role");
		unsigned r = cJSON_IsString(role) ? auth_role_parse(role->valuestring) : 0;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(out, o);
		cJSON_AddNumberToObject(o, "i", i);
		if (!r || r == AUTH_ADMIN) {
			snprintf(field, sizeof field, "grants[%d].role", i);
			api_error(req, SA_E_INVALID_FIELD, field,
				  "角色须为 organizer、judge、screen 或 viewer",
				  "the role must be organizer, judge, screen or viewer");
			cJSON_Delete(out);
			return NULL;
		}
		cJSON_AddStringToObject(o, "role", role->valuestring);
		if (cJSON_IsNumber(acc) && acc->valuedouble >= 1 && acc->valuedouble <= 9007199254740992.0) {
			char id[24];
			snprintf(id, sizeof id, "%.0f", acc->valuedouble);
			cJSON_AddStringToObject(o, "account", id);
		} else if (!acc && cJSON_IsString(un) && auth_username_ok(un->valuestring))
			cJSON_AddStringToObject(o, "username", un->valuestring);
		else {
			snprintf(field, sizeof field, "grants[%d].account", i);
			api_error(req, SA_E_INVALID_FIELD, field, "每项须有 account（账号编号）或 username",
				  "each grant needs an account (id) or a username");
			cJSON_Delete(out);
			return NULL;
		}
		i++;
	}
	return out;
}

static int grants_put(http_req *req)
{
	char code[17], by[24];
	if (!console_code(req, code))
		return 0;
	cJSON *want = grants_body(req);
	if (!want)
		return 0;
	char *text = cJSON_PrintUnformatted(want);
	cJSON_Delete(want);
	act *x = text ? act_new(req, code) : NULL;
	if (!x) {
		free(text);
		return SA_E_INTERNAL;
	}
	snprintf(by, sizeof by, "%lld", (long long)http_principal(req)->account_id);
	const char *p[3] = {code, text, by};
	int rc = store_query(http_arena(req), GRANTS_SQL, 3, p, grants_done, x);
	free(text);
	if (rc)
		act_free(x);
	return rc;
}

/* ------------------------------------------------------------ the screen key */

static void key_reply(arena *a, void *res, const char *err, void *ud)
{
	act *x = ud;
	if (err || !res)
		http_reply_error(x->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		http_reply_error(x->req, SA_E_UNKNOWN_CONTEST, NULL);
	else {
		const char *key = store_text(res, 0, 0), *base = gate_public_url(a);
		size_t n = strlen(base) + strlen(x->code) + (key ? strlen(key) : 0) + 48;
		char *url = malloc(n);
		cJSON *o = cJSON_CreateObject();
		if (url) {
			snprintf(url, n, "%s/screen.html?code=%s%s%s", base, x->code, key ? "&key=" : "",
				 key ? key : "");
			cJSON_AddItemToObject(o, "screen_key",
					      key ? cJSON_CreateString(key) : cJSON_CreateNull());
			cJSON_AddStringToObject(o, "screen_url", url);
		}
		if (PQnfields(res) > 1) /* rotated */
			audit_write(a, http_principal(x->req), "contest.screen_key", x->code, x->code, NULL,
				    NULL);
		http_reply_json(x->req, url ? 200 : 500, o);
		free(url);
	}
	act_free(x);
}

static int key_query(http_req *req, int rotate)
{
	char code[17], key[40];
	if (!console_code(req, code))
		return 0;
	if (rotate && auth_random_hex(key, 16))
		return SA_E_INTERNAL;
	act *x = act_new(req, code);
	if (!x)
		return SA_E_INTERNAL;
	const char *p[2] = {code, key};
	int rc = rotate ? store_query(
				  http_arena(req),
				  "UPDATE contests SET screen_key = $2, updated_at = now() WHERE code = $1 "
				  "RETURNING screen_key, true",
				  2, p, key_reply, x)
			: store_query(http_arena(req), "SELECT screen_key FROM contests WHERE code = $1", 1,
				      p, key_reply, x);
	if (rc)
		act_free(x);
	return rc;
}

static int key_get(http_req *req) { return key_query(req, 0); }
static int key_post(http_req *req) { return key_query(req, 1); }

#define ON_CONTEST(ROLES)           \
	{                           \
		AUTH_CONTEST, ROLES \
	}

const route api_console_publish_routes[] = {
	{ROUTE_POST, "/api/console/contests/{code}/publish", publish_post, ON_CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests/{code}/archive", archive_post, ON_CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/console/contests/{code}/grants", grants_get, ON_CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_NONE, 0, 0},
	/* the owner and admins only (no grant gives the admin role): a granted organizer does not
	 * choose who else works on it */
	{ROUTE_PUT, "/api/console/contests/{code}/grants", grants_put, ON_CONTEST(AUTH_ADMIN),
	 ROUTE_BODY_JSON, GRANTS_MAX, 0},
	{ROUTE_GET, "/api/console/contests/{code}/screen-key", key_get,
	 ON_CONTEST(AUTH_ORGANIZER | AUTH_SCREEN), ROUTE_BODY_NONE, 0, 0},
	{ROUTE_POST, "/api/console/contests/{code}/screen-key", key_post, ON_CONTEST(AUTH_ORGANIZER),
	 ROUTE_BODY_NONE, 0, 0},
	{0, NULL, NULL, {0, 0}, 0, 0, 0},
};
