/*
 * auth.c - tokens: random resume and organizer tokens (mbedTLS CTR-DRBG),
 * SHA-256 so that PostgreSQL stores only hashes of tokens, and a
 * constant-time comparison for the organizer token, and the one organizer
 * check (the host role over WebSocket, uploads over HTTP); the one access
 * decision (auth_decide) the HTTP route table and the host commands use.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

int auth_random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	if (nbytes > sizeof buf || (!auth_ready && auth_open()))
		return SA_E_INTERNAL;
	if (mbedtls_ctr_drbg_random(&drbg, buf, nbytes))
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
	memset(p, 0, sizeof *p);
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return SA_E_UNAUTHENTICATED;
	const char *tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	if (!*tok || auth_organizer(a, tok))
		return SA_E_UNAUTHENTICATED;
	p->via = AUTH_VIA_ORGANIZER_TOKEN;
	p->role = AUTH_ADMIN;
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
