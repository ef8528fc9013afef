/*
 * auth.c - tokens: random resume, session, CSRF and API tokens (mbedTLS
 * CTR-DRBG), SHA-256 so that PostgreSQL stores only hashes of tokens, a
 * constant-time comparison, the organizer token (deprecated, still admin
 * everywhere); credentials as they arrive (cookie, bearer); the one access
 * decision (auth_decide) the HTTP route table and the WebSocket messages use,
 * and the check that runs it after the principal is known (auth_check:
 * store/principal.c through the arena's auth_ops, or the organizer token
 * alone).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/log.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/sha256.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static int auth_ready;

int auth_open(void)
{
	static const char pers[] = "skillarena-tokens";
	if (auth_ready)
		return 0;
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)pers,
				  sizeof pers - 1))
		return SA_E_INTERNAL;
	auth_ready = 1;
	return 0;
}

void auth_close(void)
{
	if (!auth_ready)
		return;
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	auth_ready = 0;
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int auth_random_bytes(unsigned char *out, size_t n)
{
	if (!auth_ready && auth_open())
		return SA_E_INTERNAL;
	return mbedtls_ctr_drbg_random(&drbg, out, n) ? SA_E_INTERNAL : 0;
}

int auth_random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	if (nbytes > sizeof buf || auth_random_bytes(buf, nbytes))
		return SA_E_INTERNAL;
	hex(buf, nbytes, out);
	return 0;
}

void auth_sha256_hex(const char *in, char out[65])
{
	unsigned char sum[32];
	mbedtls_sha256_ret((const unsigned char *)in, strlen(in), sum, 0);
	hex(sum, 32, out);
}

int auth_organizer(const arena *a, const char *token)
{
	const char *want = a->cfg.organizer_token;
	return want && *want && token && auth_token_equal(want, token) ? 0 : SA_E_FORBIDDEN;
}

int auth_token_equal(const char *a, const char *b)
{
	char ha[65], hb[65];
	unsigned char diff = 0;
	/* Compare hashes so the time does not depend on the lengths either. */
	auth_sha256_hex(a, ha);
	auth_sha256_hex(b, hb);
	for (int i = 0; i < 64; i++)
		diff |= (unsigned char)(ha[i] ^ hb[i]);
	return diff == 0;
}

int auth_decide(const auth_principal *p, auth_access need, const auth_grant *grant)
{
	if (need.kind == AUTH_PUBLIC)
		return 0;
	if (!p || p->via == AUTH_VIA_NONE)
		return SA_E_UNAUTHENTICATED;
	if (p->role & AUTH_ADMIN)
		return 0;
	switch (need.kind) {
	case AUTH_AUTHENTICATED:
		return 0;
	case AUTH_ROLE:
		return p->role & need.roles ? 0 : SA_E_FORBIDDEN;
	case AUTH_CONTEST:
		return grant && (grant->owner || (grant->roles & need.roles)) ? 0 : SA_E_FORBIDDEN;
	case AUTH_PUBLIC:
		break;
	}
	return SA_E_FORBIDDEN;
}

int auth_bearer(const arena *a, const char *authorization, auth_principal *p)
{
	const char *tok = auth_bearer_token(authorization);
	memset(p, 0, sizeof *p);
	if (!tok || auth_organizer(a, tok))
		return SA_E_UNAUTHENTICATED;
	p->via = AUTH_VIA_ORGANIZER_TOKEN;
	p->role = AUTH_ADMIN;
	snprintf(p->username, sizeof p->username, "%s", AUTH_ORGANIZER_ACTOR);
	return 0;
}

const char *auth_role_name(unsigned role_bit)
{
	static const char *const names[AUTH_ROLES] = {"admin", "organizer", "judge", "screen", "viewer"};
	for (int i = 0; i < AUTH_ROLES; i++)
		if (role_bit == 1u << i)
			return names[i];
	return NULL;
}

unsigned auth_role_parse(const char *name)
{
	for (int i = 0; name && i < AUTH_ROLES; i++)
		if (!strcmp(name, auth_role_name(1u << i)))
			return 1u << i;
	return 0;
}

const char *auth_actor(const auth_principal *p) { return p ? p->username : ""; }

const char *auth_kind_name(auth_kind kind)
{
	static const char *const names[] = {
		[AUTH_PUBLIC] = "public",
		[AUTH_AUTHENTICATED] = "authenticated",
		[AUTH_ROLE] = "role",
		[AUTH_CONTEST] = "contest",
	};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* ------------------------------------------------------------ credentials */

const char *auth_bearer_token(const char *authorization)
{
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return NULL;
	const char *tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	return *tok ? tok : NULL;
}

int auth_cookie(const char *header, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			size_t vl = len - nl - 1;
			while (vl && p[nl + vl] == ' ') /* trailing spaces before the next ';' */
				vl--;
			if (vl >= n)
				return -1;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		p += len;
	}
	return -1;
}

int auth_hex_ok(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int auth_username_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 1 || n > AUTH_USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
		      (u[i] >= '0' && u[i] <= '9') || strchr("._-@", u[i])))
			return 0;
	return 1;
}

void auth_session_cookie(char *out, size_t n, const char *token, int secure)
{
	/* No Max-Age: the cookie ends with the browser session; the server ends
	 * the session itself after the idle time or the absolute cap. */
	snprintf(out, n, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", AUTH_SESSION_COOKIE,
		 token ? token : "", token ? "" : "; Max-Age=0", secure ? "; Secure" : "");
}

void auth_organizer_used(const char *addr, const char *what)
{
	static int64_t last_ms;
	int64_t now = now_ms();
	if (last_ms && now - last_ms < 10 * 60 * 1000)
		return;
	last_ms = now;
	sa_log(LL_WARN,
	       "the organizer token was used (%s from %s): it is deprecated, use console accounts and API "
	       "tokens (docs/operations.md); logged at most every ten minutes",
	       what, addr && *addr ? addr : "?");
}

/* ------------------------------------------------------------ the check */

void auth_check_local(arena *a, const auth_cred *cred, auth_access need, const char *code, auth_done_cb done,
		      void *ud)
{
	auth_principal p;
	(void)code;
	memset(&p, 0, sizeof p);
	if (cred->addr)
		snprintf(p.addr, sizeof p.addr, "%s", cred->addr);
	if (need.kind == AUTH_PUBLIC) {
		done(a, 0, &p, ud);
		return;
	}
	if (cred->token) {
		if (auth_organizer(a, cred->token)) {
			done(a, SA_E_UNAUTHENTICATED, &p, ud);
			return;
		}
		p.via = AUTH_VIA_ORGANIZER_TOKEN;
		p.role = AUTH_ADMIN;
		snprintf(p.username, sizeof p.username, "%s", AUTH_ORGANIZER_ACTOR);
		auth_organizer_used(cred->addr, "a request");
	}
	done(a, auth_decide(&p, need, NULL), &p, ud);
}

void auth_check(arena *a, const auth_cred *cred, auth_access need, const char *code, auth_done_cb done,
		void *ud)
{
	if (a->auth && a->auth->check)
		a->auth->check(a, cred, need, code, done, ud);
	else
		auth_check_local(a, cred, need, code, done, ud);
}
