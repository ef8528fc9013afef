/*
 * test_auth.c - the access decision (server/core/auth.c, auth_decide) for
 * every kind of access and every role, with and without a contest grant;
 * identifying a bearer (the organizer token); tokens and their comparison;
 * credentials as they arrive (cookies, bearer values, session and API token
 * shapes, usernames), the session cookie's attributes, and the local check
 * (the organizer token without PostgreSQL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/auth.h"
#include "core/err.h"

static const auth_principal nobody = {.via = AUTH_VIA_NONE};

static auth_principal as(unsigned role)
{
	return (auth_principal){.via = AUTH_VIA_SESSION, .account_id = 7, .role = role};
}

static void test_public_and_anonymous(void **state)
{
	(void)state;
	assert_int_equal(auth_decide(&nobody, (auth_access){AUTH_PUBLIC, 0}, NULL), 0);
	assert_int_equal(auth_decide(NULL, (auth_access){AUTH_PUBLIC, 0}, NULL), 0);
	assert_int_equal(auth_decide(&nobody, (auth_access){AUTH_AUTHENTICATED, 0}, NULL),
			 SA_E_UNAUTHENTICATED);
	assert_int_equal(auth_decide(NULL, (auth_access){AUTH_ROLE, AUTH_ORGANIZER}, NULL),
			 SA_E_UNAUTHENTICATED);
	auth_grant owner = {1, 0};
	assert_int_equal(auth_decide(&nobody, (auth_access){AUTH_CONTEST, AUTH_VIEWER}, &owner),
			 SA_E_UNAUTHENTICATED);
}

static void test_roles(void **state)
{
	(void)state;
	auth_access organizers = {AUTH_ROLE, AUTH_ORGANIZER};
	for (int i = 0; i < AUTH_ROLES; i++) {
		auth_principal p = as(1u << i);
		assert_int_equal(auth_decide(&p, (auth_access){AUTH_AUTHENTICATED, 0}, NULL), 0);
		int want = (1u << i) == AUTH_ORGANIZER || (1u << i) == AUTH_ADMIN ? 0 : SA_E_FORBIDDEN;
		assert_int_equal(auth_decide(&p, organizers, NULL), want);
	}
	auth_principal judge = as(AUTH_JUDGE);
	assert_int_equal(auth_decide(&judge, (auth_access){AUTH_ROLE, AUTH_JUDGE | AUTH_VIEWER}, NULL), 0);
}

static void test_contest_scoped(void **state)
{
	(void)state;
	auth_access judging = {AUTH_CONTEST, AUTH_JUDGE};
	auth_principal org = as(AUTH_ORGANIZER), admin = as(AUTH_ADMIN);
	auth_grant none = {0, 0}, owner = {1, 0}, judge = {0, AUTH_JUDGE}, viewer = {0, AUTH_VIEWER};
	assert_int_equal(auth_decide(&org, judging, NULL), SA_E_FORBIDDEN); /* no relation known */
	assert_int_equal(auth_decide(&org, judging, &none), SA_E_FORBIDDEN);
	assert_int_equal(auth_decide(&org, judging, &owner), 0); /* the owner may everything on it */
	assert_int_equal(auth_decide(&org, judging, &judge), 0);
	assert_int_equal(auth_decide(&org, judging, &viewer), SA_E_FORBIDDEN);
	assert_int_equal(auth_decide(&admin, judging, NULL), 0); /* admin: every contest */
}

static void test_bearer(void **state)
{
	arena a;
	auth_principal p;
	(void)state;
	memset(&a, 0, sizeof a);
	a.cfg.organizer_token = "0123456789abcdef0123456789abcdef";
	assert_int_equal(auth_bearer(&a, "Bearer 0123456789abcdef0123456789abcdef", &p), 0);
	assert_int_equal(p.via, AUTH_VIA_ORGANIZER_TOKEN);
	assert_int_equal(p.role, AUTH_ADMIN);
	assert_int_equal(auth_bearer(&a, "bearer  0123456789abcdef0123456789abcdef", &p), 0);
	const char *bad[] = {NULL,
			     "",
			     "Bearer",
			     "Bearer ",
			     "Bearer x",
			     "Basic 0123456789abcdef0123456789abcdef",
			     "Bearer 0123456789abcdef0123456789abcdeF",
			     "Bearer 0123456789abcdef0123456789abcdef0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(auth_bearer(&a, bad[i], &p), SA_E_UNAUTHENTICATED);
		assert_int_equal(p.via, AUTH_VIA_NONE);
		assert_int_equal(p.role, 0);
	}
	a.cfg.organizer_token = ""; /* no token configured: nobody is the organizer */
	assert_int_equal(auth_bearer(&a, "Bearer ", &p), SA_E_UNAUTHENTICATED);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(auth_role_name(AUTH_ADMIN), "admin");
	assert_string_equal(auth_role_name(AUTH_VIEWER), "viewer");
	assert_null(auth_role_name(AUTH_ADMIN | AUTH_JUDGE));
	assert_null(auth_role_name(0));
	assert_string_equal(auth_kind_name(AUTH_CONTEST), "contest");
	assert_string_equal(auth_kind_name(AUTH_PUBLIC), "public");
}

static void test_tokens(void **state)
{
	char a[33], b[33], h[65];
	(void)state;
	assert_int_equal(auth_random_hex(a, 16), 0);
	assert_int_equal(auth_random_hex(b, 16), 0);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	assert_true(auth_token_equal(a, a));
	assert_false(auth_token_equal(a, b));
	assert_false(auth_token_equal(a, ""));
	auth_sha256_hex("abc", h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_cookies(void **state)
{
	char v[80];
	const char *tok = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char header[200];
	(void)state;
	snprintf(header, sizeof header, "lang=en; sa_session=%s; theme=dark", tok);
	assert_int_equal(auth_cookie(header, AUTH_SESSION_COOKIE, v, sizeof v), 0);
	assert_string_equal(v, tok);
	assert_int_equal(auth_cookie("sa_session=abc", AUTH_SESSION_COOKIE, v, sizeof v), 0);
	assert_string_equal(v, "abc");
	assert_int_equal(auth_cookie("sa_session=abc ;x=1", AUTH_SESSION_COOKIE, v, sizeof v), 0);
	assert_string_equal(v, "abc");
	assert_int_equal(auth_cookie("sa_session=", AUTH_SESSION_COOKIE, v, sizeof v), 0);
	assert_string_equal(v, "");
	/* another cookie whose name ends the same, or only starts the same, is not it */
	assert_int_equal(auth_cookie("xsa_session=abc; sa_sessionx=def", AUTH_SESSION_COOKIE, v, sizeof v),
			 -1);
	assert_int_equal(auth_cookie("", AUTH_SESSION_COOKIE, v, sizeof v), -1);
	assert_int_equal(auth_cookie(NULL, AUTH_SESSION_COOKIE, v, sizeof v), -1);
	assert_int_equal(auth_cookie("sa_session=0123456789", AUTH_SESSION_COOKIE, v, 8), -1); /* too long */

	assert_true(auth_hex_ok(tok, 64));
	assert_false(auth_hex_ok(tok, 63));
	assert_false(auth_hex_ok("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 64));
	assert_false(auth_hex_ok(NULL, 64));

	char c[200];
	auth_session_cookie(c, sizeof c, "abc", 0);
	assert_string_equal(c, "sa_session=abc; Path=/; HttpOnly; SameSite=Strict");
	auth_session_cookie(c, sizeof c, "abc", 1);
	assert_string_equal(c, "sa_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
	auth_session_cookie(c, sizeof c, NULL, 1);
	assert_string_equal(c, "sa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");

	assert_string_equal(auth_bearer_token("Bearer  sa_x"), "sa_x");
	assert_string_equal(auth_bearer_token("bearer sa_x"), "sa_x");
	assert_null(auth_bearer_token("Bearer "));
	assert_null(auth_bearer_token("Basic abc"));
	assert_null(auth_bearer_token(NULL));
}

static void test_usernames_and_roles(void **state)
{
	(void)state;
	const char *good[] = {"a", "admin", "Zhang.San", "li_si-02", "ops@factory", "0123456789"};
	const char *bad[] = {
		"",    "张三", "a b", "a/b",
		"a:b", "a\tb", NULL,  "0123456789012345678901234567890123456789012345678901234567890123x"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(auth_username_ok(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(auth_username_ok(bad[i]));
	for (int i = 0; i < AUTH_ROLES; i++)
		assert_int_equal(auth_role_parse(auth_role_name(1u << i)), 1u << i);
	assert_int_equal(auth_role_parse("Admin"), 0);
	assert_int_equal(auth_role_parse(""), 0);
	assert_int_equal(auth_role_parse(NULL), 0);
}

/* The local check: done exactly once, with the organizer token as admin and nothing else. */
static int calls, last_rc;
static auth_principal last;
static void done(arena *a, int rc, const auth_principal *p, void *ud)
{
	(void)a;
	(void)ud;
	calls++;
	last_rc = rc;
	last = *p;
}

static void test_check_local(void **state)
{
	arena a;
	(void)state;
	memset(&a, 0, sizeof a);
	a.cfg.organizer_token = "0123456789abcdef0123456789abcdef";
	auth_access organizers = {AUTH_ROLE, AUTH_ORGANIZER}, pub = {AUTH_PUBLIC, 0};
	auth_cred cred = {.token = "0123456789abcdef0123456789abcdef", .addr = "10.0.0.7"};
	auth_check(&a, &cred, organizers, NULL, done, NULL); /* no auth_ops: the local check */
	assert_int_equal(calls, 1);
	assert_int_equal(last_rc, 0);
	assert_int_equal(last.via, AUTH_VIA_ORGANIZER_TOKEN);
	assert_string_equal(last.username, AUTH_ORGANIZER_ACTOR);
	assert_string_equal(last.addr, "10.0.0.7");
	cred.token = "sa_0123";
	auth_check(&a, &cred, organizers, NULL, done, NULL);
	assert_int_equal(last_rc, SA_E_UNAUTHENTICATED);
	cred.token = NULL;
	cred.session = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	auth_check(&a, &cred, organizers, NULL, done, NULL); /* sessions need PostgreSQL */
	assert_int_equal(last_rc, SA_E_UNAUTHENTICATED);
	auth_check(&a, &cred, pub, NULL, done, NULL);
	assert_int_equal(last_rc, 0);
	assert_int_equal(last.via, AUTH_VIA_NONE);
	assert_int_equal(calls, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_and_anonymous),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_contest_scoped),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_usernames_and_roles),
		cmocka_unit_test(test_check_local),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	auth_close();
	return rc;
}
