/*
 * auth.h - tokens: random resume and organizer tokens, SHA-256 of tokens,
 * constant-time comparison (auth.c, mbedTLS); who is asking (a principal)
 * and the one decision whether they may do something (auth_decide).
 */
#ifndef SKILLARENA_CORE_AUTH_H
#define SKILLARENA_CORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

int auth_open(void);
void auth_close(void);
int auth_random_hex(char *out, size_t nbytes); /* out holds 2*nbytes+1 */
void auth_sha256_hex(const char *in, char out[65]);
int auth_token_equal(const char *a, const char *b); /* constant time on equal lengths */
/* The organizer check: 0 when token is this server's organizer token (never
 * when none is set), else SA_E_FORBIDDEN. */
int auth_organizer(const arena *a, const char *token);

/*
 * Access. The console's roles (docs/api.md); an account has one, a contest
 * grant gives one of the last four on one contest.
 */
enum {
	AUTH_ADMIN = 1 << 0,
	AUTH_ORGANIZER = 1 << 1,
	AUTH_JUDGE = 1 << 2,
	AUTH_SCREEN = 1 << 3,
	AUTH_VIEWER = 1 << 4,
	AUTH_ROLES = 5 /* number of roles */
};
/* What a route (or a command) needs. */
typedef enum {
	AUTH_PUBLIC,        /* anyone, no credential looked at */
	AUTH_AUTHENTICATED, /* any valid credential */
	AUTH_ROLE,          /* an account whose role is in roles (admin always is) */
	AUTH_CONTEST,       /* the contest named by the request: admin, its owner, or a grant in roles */
} auth_kind;
typedef struct auth_access {
	auth_kind kind;
	unsigned roles; /* AUTH_* bits, for AUTH_ROLE and AUTH_CONTEST */
} auth_access;
/* Who is asking, once their credential was verified. */
typedef enum {
	AUTH_VIA_NONE,            /* no credential: anonymous */
	AUTH_VIA_ORGANIZER_TOKEN, /* the deprecated bootstrap token: admin everywhere */
	AUTH_VIA_SESSION,         /* a console session cookie */
	AUTH_VIA_API_TOKEN,       /* Authorization: Bearer sa_... */
} auth_via;
typedef struct auth_principal {
	auth_via via;
	int64_t account_id; /* 0 for the organizer token */
	unsigned role;      /* one AUTH_* bit; 0 when anonymous */
} auth_principal;
/* The principal's relation to one contest (contests.owner_id, contest_grants). */
typedef struct auth_grant {
	int owner;
	unsigned roles; /* AUTH_* bits granted on the contest */
} auth_grant;

/*
 * THE decision: 0 when p may do what need describes, else
 * SA_E_UNAUTHENTICATED (no credential, and need is not public) or
 * SA_E_FORBIDDEN. grant is p's relation to the contest for AUTH_CONTEST
 * (NULL: none known). Pure.
 */
int auth_decide(const auth_principal *p, auth_access need, const auth_grant *grant);
/*
 * Identifies the bearer of an "Authorization" header value ("Bearer TOKEN"):
 * 0 with *p filled, or SA_E_UNAUTHENTICATED for a malformed header or a token
 * nobody has. Today the organizer token is the one bearer credential.
 */
int auth_bearer(const arena *a, const char *authorization, auth_principal *p);
const char *auth_role_name(unsigned role_bit); /* "admin" ...; NULL for anything else */
const char *auth_kind_name(auth_kind kind);    /* "public", "authenticated", "role", "contest" */

#endif
