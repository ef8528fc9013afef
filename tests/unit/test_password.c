/*
 * test_password.c - console passwords (server/core/password.c): the rules
 * of a new password, Argon2id hashes with the documented parameters that
 * libargon2 itself verifies, wrong passwords and damaged hashes refused,
 * salts that differ, and the thread-pool queue on a real libuv loop
 * (results, the dummy hash of unknown usernames, the queue's bound, and the
 * close that answers what waits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <argon2.h>
#include <cmocka.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/password.h"

static void test_rules(void **state)
{
	const char *why = NULL;
	(void)state;
	assert_int_equal(password_rules("Secret-pass-1", "admin", 0, &why), 0);
	assert_int_equal(password_rules("安全生产第一名", "admin", 0, &why),
			 SA_E_INVALID_FIELD);                                      /* 7 characters */
	assert_int_equal(password_rules("安全生产人人有责", "admin", 0, &why), 0); /* 8 characters */
	assert_int_equal(password_rules("short", "admin", 0, &why), SA_E_INVALID_FIELD);
	assert_non_null(why);
	assert_int_equal(password_rules("with\ttab-inside", "admin", 1, &why), SA_E_INVALID_FIELD);
	assert_int_equal(password_rules("ZhangSan.01", "zhangsan.01", 0, &why), SA_E_INVALID_FIELD);
	assert_string_equal(why, "密码不能与用户名相同");
	assert_int_equal(password_rules("ZhangSan.01", "zhangsan.01", 1, &why), SA_E_INVALID_FIELD);
	assert_string_equal(why, "the password must not be the username");
	assert_int_equal(password_rules("\xff\xfe-not-utf8", "admin", 0, &why), SA_E_INVALID_FIELD);
	assert_int_equal(password_rules(NULL, "admin", 0, &why), SA_E_INVALID_FIELD);
	char longpw[200];
	memset(longpw, 'x', 129);
	longpw[129] = '\0';
	assert_int_equal(password_rules(longpw, "admin", 0, &why), SA_E_INVALID_FIELD);
	longpw[128] = '\0';
	assert_int_equal(password_rules(longpw, "admin", 0, &why), 0);
}

static void test_hash_verify(void **state)
{
	char h1[PASSWORD_ENCODED_MAX], h2[PASSWORD_ENCODED_MAX];
	(void)state;
	assert_int_equal(password_hash("安全生产人人有责", h1), 0);
	assert_int_equal(password_hash("安全生产人人有责", h2), 0);
	assert_true(strncmp(h1, "$argon2id$v=19$m=65536,t=3,p=1$", 31) == 0);
	assert_string_not_equal(h1, h2); /* random salts */
	/* libargon2's own verifier agrees (an independent path: not our wrapper) */
	assert_int_equal(argon2id_verify(h1, "安全生产人人有责", strlen("安全生产人人有责")), ARGON2_OK);
	assert_int_equal(password_verify(h1, "安全生产人人有责"), 0);
	assert_int_equal(password_verify(h1, "安全生产人人有贵"), SA_E_UNAUTHENTICATED);
	assert_int_equal(password_verify(h1, ""), SA_E_UNAUTHENTICATED);
	h1[strlen(h1) - 3] ^= 1; /* a damaged hash never matches */
	assert_int_equal(password_verify(h1, "安全生产人人有责"), SA_E_UNAUTHENTICATED);
	assert_int_equal(password_verify("$argon2i$v=19$m=65536,t=3,p=1$AAAA$AAAA", "x"),
			 SA_E_UNAUTHENTICATED);
	assert_int_equal(password_verify(NULL, "x"), SA_E_UNAUTHENTICATED);
	assert_int_equal(password_verify("plain text", "plain text"), SA_E_UNAUTHENTICATED);
}

/* ---- the queue on a real loop */

typedef struct result {
	int calls, rc;
	char encoded[PASSWORD_ENCODED_MAX];
} result;

static void got(arena *a, int rc, const char *encoded, void *ud)
{
	result *r = ud;
	(void)a;
	r->calls++;
	r->rc = rc;
	snprintf(r->encoded, sizeof r->encoded, "%s", encoded ? encoded : "");
}

static void test_async(void **state)
{
	arena a;
	uv_loop_t loop;
	result hashed = {0}, good = {0}, bad = {0}, unknown = {0};
	(void)state;
	memset(&a, 0, sizeof a);
	uv_loop_init(&loop);
	a.loop = &loop;
	assert_int_equal(password_verify_async(&a, NULL, "x", got, &unknown),
			 SA_E_UNAVAILABLE); /* not open */
	assert_int_equal(password_open(&a), 0);
	assert_int_equal(password_hash_async(&a, "Secret-pass-1", got, &hashed), 0);
	assert_int_equal(hashed.calls, 0); /* never before it returns */
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(hashed.calls, 1);
	assert_int_equal(hashed.rc, 0);
	assert_int_equal(argon2id_verify(hashed.encoded, "Secret-pass-1", 13), ARGON2_OK);
	assert_int_equal(password_verify_async(&a, hashed.encoded, "Secret-pass-1", got, &good), 0);
	assert_int_equal(password_verify_async(&a, hashed.encoded, "Secret-pass-2", got, &bad), 0);
	assert_int_equal(password_verify_async(&a, NULL, "Secret-pass-1", got, &unknown), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(good.rc, 0);
	assert_int_equal(bad.rc, SA_E_UNAUTHENTICATED);
	assert_int_equal(unknown.rc, SA_E_UNAUTHENTICATED); /* the dummy hash matches nothing */
	assert_int_equal(good.calls + bad.calls + unknown.calls, 3);

	/* PASSWORD_PARALLEL run, PASSWORD_QUEUE wait, the next is refused; closing answers those waiting */
	static result many[PASSWORD_PARALLEL + PASSWORD_QUEUE + 1];
	memset(many, 0, sizeof many);
	for (int i = 0; i < PASSWORD_PARALLEL + PASSWORD_QUEUE; i++)
		assert_int_equal(password_verify_async(&a, NULL, "x", got, &many[i]), 0);
	assert_int_equal(password_verify_async(&a, NULL, "x", got, &many[PASSWORD_PARALLEL + PASSWORD_QUEUE]),
			 SA_E_RATE_LIMITED);
	password_close(&a);
	for (int i = PASSWORD_PARALLEL; i < PASSWORD_PARALLEL + PASSWORD_QUEUE; i++) {
		assert_int_equal(many[i].calls, 1);
		assert_int_equal(many[i].rc, SA_E_UNAVAILABLE);
	}
	uv_run(&loop, UV_RUN_DEFAULT); /* the running ones finish, answered as unavailable */
	for (int i = 0; i < PASSWORD_PARALLEL; i++) {
		assert_int_equal(many[i].calls, 1);
		assert_int_equal(many[i].rc, SA_E_UNAVAILABLE);
	}
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_async),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	auth_close();
	return rc;
}
