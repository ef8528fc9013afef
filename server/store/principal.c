/*
 * principal.c - auth_ops.check (core/auth.h) with PostgreSQL: identify the
 * credential, check a session's CSRF token, read the grant on a contest, and
 * decide.
 *
 * A bearer token wins over the session cookie. The organizer token is
 * compared in constant time (no query). An API token (sa_ + 64 hex digits)
 * and a session token (64 hex digits) are looked up by their SHA-256: a
 * revoked token, an expired session (idle longer than
 * --session-idle-minutes, or older than --session-max-days) or a disabled
 * account identifies nobody. Using a session or an API token refreshes its
 * last_seen_at / last_used_at, at most once a minute (one statement: the
 * read and the refresh). A contest-scoped need reads the principal's grant
 * on the contest (admins need none); a contest that does not exist is no
 * grant at all, so non-admins cannot tell it from one they may not see.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "store/principal.h"
#include "store/store.h"

typedef struct check {
	arena *a;
	auth_access need;
	char code[64];
	int csrf_needed;
	char csrf[65]; /* what the request sent */
	auth_principal p;
	auth_done_cb done;
	void *ud;
} check;

static void finish(check *k, int rc)
{
	k->done(k->a, rc, &k->p, k->ud);
	free(k);
}

static const char SESSION_SQL[] =
	"WITH s AS (SELECT s.account_id, a.username, a.role, s.csrf_token, "
	"s.last_seen_at < now() - interval '1 minute' AS stale "
	"FROM sessions s JOIN accounts a ON a.id = s.account_id "
	"WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled "
	"AND s.last_seen_at > now() - make_interval(mins => $2::int)), "
	"t AS (UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1 AND (SELECT stale FROM s)) "
	"SELECT account_id, username, role, csrf_token FROM s";

static const char TOKEN_SQL[] =
	"WITH k AS (SELECT t.id, t.account_id, a.username, a.role, "
	"t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute' AS stale "
	"FROM api_tokens t JOIN accounts a ON a.id = t.account_id "
	"WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT a.disabled), "
	"u AS (UPDATE api_tokens SET last_used_at = now() WHERE id = (SELECT id FROM k) AND (SELECT stale FROM k)) "
	"SELECT account_id, username, role, id FROM k";

static const char GRANT_SQL[] =
	"SELECT coalesce(c.owner_id = $2, false), coalesce(string_agg(g.role, ','), '') "
	"FROM contests c LEFT JOIN contest_grants g ON g.contest_id = c.id AND g.account_id = $2 "
	"WHERE c.code = upper($1) GROUP BY c.id, c.owner_id";

static void decide(check *k, const auth_grant *g) { finish(k, auth_decide(&k->p, k->need, g)); }

static void grant_done(arena *a, void *res, const char *err, void *ud)
{
	check *k = ud;
	auth_grant g = {0, 0};
	(void)a;
	if (err || !res) {
		finish(k, SA_E_UNAVAILABLE);
		return;
	}
	if (PQntuples(res) == 1) {
		g.owner = !strcmp(PQgetvalue(res, 0, 0), "t");
		char *roles = PQgetvalue(res, 0, 1), *save = NULL;
		for (char *r = strtok_r(roles, ",", &save); r; r = strtok_r(NULL, ",", &save))
			g.roles |= auth_role_parse(r);
	}
	decide(k, &g);
}

/* The principal is known: its grant when the need is about a contest, then the decision. */
static void identified(check *k)
{
	if (k->csrf_needed && k->p.via == AUTH_VIA_SESSION && !auth_token_equal(k->csrf, k->p.csrf)) {
		finish(k, SA_E_CSRF);
		return;
	}
	if (k->need.kind != AUTH_CONTEST || (k->p.role & AUTH_ADMIN) || !*k->code ||
	    k->p.via == AUTH_VIA_NONE) {
		decide(k, NULL);
		return;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)k->p.account_id);
	const char *params[2] = {k->code, id};
	if (store_query(k->a, GRANT_SQL, 2, params, grant_done, k))
		finish(k, SA_E_UNAVAILABLE);
}

/* A row (account_id, username, role, csrf or token id) into k->p; 0 or -1 (malformed). */
static int take_row(check *k, PGresult *res)
{
	auth_principal *p = &k->p;
	const char *user = PQgetvalue(res, 0, 1);
	p->account_id = atoll(PQgetvalue(res, 0, 0));
	p->role = auth_role_parse(PQgetvalue(res, 0, 2));
	if (p->account_id <= 0 || !p->role || !auth_username_ok(user)) {
		sa_log(LL_ERROR, "accounts: a malformed row for account %s", PQgetvalue(res, 0, 0));
		return -1;
	}
	snprintf(p->username, sizeof p->username, "%s", user);
	if (p->via == AUTH_VIA_SESSION)
		snprintf(p->csrf, sizeof p->csrf, "%s", PQgetvalue(res, 0, 3));
	else
		p->token_id = atoll(PQgetvalue(res, 0, 3));
	return 0;
}

static void lookup_done(arena *a, void *res, const char *err, void *ud)
{
	check *k = ud;
	(void)a;
	if (err || !res) {
		finish(k, SA_E_UNAVAILABLE);
		return;
	}
	if (PQntuples(res) != 1 || take_row(k, res)) {
		k->p.via = AUTH_VIA_NONE; /* nobody: expired, revoked, unknown or disabled */
		k->p.session[0] = '\0';
		finish(k, SA_E_UNAUTHENTICATED);
		return;
	}
	identified(k);
}

static void principal_check(arena *a, const auth_cred *cred, auth_access need, const char *code,
			    auth_done_cb done, void *ud)
{
	check *k = calloc(1, sizeof *k);
	auth_principal anon;
	if (!k) {
		memset(&anon, 0, sizeof anon);
		done(a, SA_E_INTERNAL, &anon, ud);
		return;
	}
	k->a = a;
	k->need = need;
	k->done = done;
	k->ud = ud;
	k->csrf_needed = cred->csrf_needed;
	snprintf(k->csrf, sizeof k->csrf, "%s", cred->csrf ? cred->csrf : "");
	snprintf(k->code, sizeof k->code, "%s", code ? code : "");
	snprintf(k->p.addr, sizeof k->p.addr, "%s", cred->addr ? cred->addr : "");
	if (need.kind == AUTH_PUBLIC) {
		finish(k, 0);
		return;
	}
	const char *sql, *secret;
	char hash[65], mins[16];
	if (cred->token) {
		if (!auth_organizer(a, cred->token)) {
			k->p.via = AUTH_VIA_ORGANIZER_TOKEN;
			k->p.role = AUTH_ADMIN;
			snprintf(k->p.username, sizeof k->p.username, "%s", AUTH_ORGANIZER_ACTOR);
			auth_organizer_used(cred->addr, "the organizer token");
			identified(k);
			return;
		}
		if (strncmp(cred->token, AUTH_API_PREFIX, 3) || !auth_hex_ok(cred->token + 3, 64)) {
			finish(k, SA_E_UNAUTHENTICATED);
			return;
		}
		k->p.via = AUTH_VIA_API_TOKEN;
		sql = TOKEN_SQL;
		secret = cred->token;
	} else if (cred->session && auth_hex_ok(cred->session, 64)) {
		k->p.via = AUTH_VIA_SESSION;
		sql = SESSION_SQL;
		secret = cred->session;
	} else {
		decide(k, NULL); /* anonymous */
		return;
	}
	auth_sha256_hex(secret, hash);
	if (k->p.via == AUTH_VIA_SESSION)
		memcpy(k->p.session, hash, sizeof hash);
	snprintf(mins, sizeof mins, "%d", a->cfg.session_idle_minutes);
	const char *params[2] = {hash, mins};
	if (store_query(a, sql, sql == SESSION_SQL ? 2 : 1, params, lookup_done, k))
		finish(k, SA_E_UNAVAILABLE);
}

const auth_ops principal_ops = {principal_check};
