/*
 * auth.h - tokens: random resume, session, CSRF and API tokens, SHA-256 of
 * tokens, constant-time comparison (auth.c, mbedTLS); credentials as they
 * arrive (the session cookie, a bearer token); who is asking (a principal)
 * and the one decision whether they may do something (auth_decide).
 *
 * Identifying a principal needs PostgreSQL (sessions, API tokens, grants):
 * that is store/principal.c, which the arena's auth_ops point to (main.c
 * sets them), so that net/ asks through this header and never calls store/.
 * Without them (unit tests, fuzzing) auth_check_local knows the organizer
 * token only.
 */
#ifndef SKILLARENA_CORE_AUTH_H
#define SKILLARENA_CORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

int auth_open(void);
void auth_close(void);
int auth_random_hex(char *out, size_t nbytes);       /* out holds 2*nbytes+1 */
int auth_random_bytes(unsigned char *out, size_t n); /* 0 or SA_E_INTERNAL; loop thread only */
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

#define AUTH_USERNAME_MAX 64             /* ASCII: letters, digits, . _ - @ */
#define AUTH_SESSION_COOKIE "sa_session" /* its value: 64 hex digits */
#define AUTH_API_PREFIX "sa_"            /* an API token: sa_ and 64 hex digits */
#define AUTH_ORGANIZER_ACTOR "organizer-token"

typedef struct auth_principal {
	auth_via via;
	int64_t account_id;                   /* 0 for the organizer token and anonymous */
	unsigned role;                        /* one AUTH_* bit; 0 when anonymous */
	int64_t token_id;                     /* via an API token: its id */
	char username[AUTH_USERNAME_MAX + 1]; /* "" anonymous; AUTH_ORGANIZER_ACTOR */
	char session[65];                     /* via a session: SHA-256 (hex) of its token */
	char csrf[65];                        /* via a session: its CSRF token */
	char addr[64];                        /* the client's address */
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
unsigned auth_role_parse(const char *name);    /* "admin" -> AUTH_ADMIN; 0 for anything else */
const char *auth_kind_name(auth_kind kind);    /* "public", "authenticated", "role", "contest" */
/* The principal's name for the audit log: its username, AUTH_ORGANIZER_ACTOR, or "". */
const char *auth_actor(const auth_principal *p);

/*
 * Credentials as they arrive (pure functions).
 */
/* The token of an "Authorization: Bearer TOKEN" value (into it), or NULL. */
const char *auth_bearer_token(const char *authorization);
/* The value of cookie name in a Cookie header ("a=1; sa_session=..."), copied into
 * out (n bytes): 0, or -1 when absent or longer than n - 1. */
int auth_cookie(const char *header, const char *name, char *out, size_t n);
/* 1 if s is n lowercase hex digits (a session or API token's random part), else 0. */
int auth_hex_ok(const char *s, size_t n);
/* 1 if username follows the account rules (1-64 of A-Z a-z 0-9 . _ - @), else 0. */
int auth_username_ok(const char *username);
/* The Set-Cookie value of a new session token (NULL: one that clears the cookie). */
void auth_session_cookie(char *out, size_t n, const char *token, int secure);
/* The organizer token was used (deprecated): logged, at most every ten minutes. */
void auth_organizer_used(const char *addr, const char *what);

/*
 * The asynchronous check: who holds these credentials, their grant on a
 * contest when the need is contest-scoped, and auth_decide. done is called
 * exactly once, maybe before the check returns, with rc 0 and the principal,
 * or rc SA_E_UNAUTHENTICATED (no valid credential; p says what was known),
 * SA_E_CSRF (a session without its CSRF token on a state-changing request),
 * SA_E_FORBIDDEN, SA_E_UNAVAILABLE (PostgreSQL). p lives during the call.
 */
typedef struct auth_cred {
	const char *token;   /* a bearer token (the organizer token, or sa_...); NULL: none */
	const char *session; /* the session cookie's value; NULL: none */
	const char *csrf;    /* the X-CSRF-Token sent; checked when csrf_needed and a session is used */
	int csrf_needed;     /* a state-changing request */
	const char *addr;    /* the client's address */
} auth_cred;
typedef void (*auth_done_cb)(arena *a, int rc, const auth_principal *p, void *ud);
typedef struct auth_ops {
	/* code: the contest of a contest-scoped need (the {code} parameter, a host's code). */
	void (*check)(arena *a, const auth_cred *cred, auth_access need, const char *code, auth_done_cb done,
		      void *ud);
} auth_ops;
/* The check through a->auth when set, else auth_check_local. */
void auth_check(arena *a, const auth_cred *cred, auth_access need, const char *code, auth_done_cb done,
		void *ud);
/* The organizer token only (no PostgreSQL): synchronous. */
void auth_check_local(arena *a, const auth_cred *cred, auth_access need, const char *code, auth_done_cb done,
		      void *ud);

#endif
