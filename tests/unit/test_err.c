/*
 * test_err.c - the error table (server/core/err.c): every code has a
 * protocol name, zh-CN and English text and an HTTP status; names are
 * unique; unknown codes read as internal; scoring codes map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "scoring.h"

static void test_every_code_has_a_row(void **state)
{
	(void)state;
	for (int c = 0; c > -SA_E__COUNT; c--) {
		const char *name = err_name(c);
		assert_non_null(name);
		assert_true(strlen(name) > 1);
		for (const char *p = name; *p; p++) /* protocol names are snake_case ASCII */
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		assert_true(strlen(err_message(c, 0)) > 0);
		assert_true(strlen(err_message(c, 1)) > 0);
		assert_string_not_equal(err_message(c, 0), err_message(c, 1)); /* both languages written */
		int http = err_http_status(c);
		assert_true(http >= 200 && http <= 599);
		if (c)
			assert_true(http >= 400);
		/* an unknown code never masquerades as this one */
		if (c != SA_E_INTERNAL)
			assert_string_not_equal(name, "internal");
	}
}

static void test_names_are_unique(void **state)
{
	(void)state;
	for (int a = 0; a > -SA_E__COUNT; a--)
		for (int b = a - 1; b > -SA_E__COUNT; b--)
			assert_string_not_equal(err_name(a), err_name(b));
}

static void test_stable_names(void **state)
{
	(void)state;
	/* part of the protocol (docs/protocol.md): never renamed */
	assert_string_equal(err_name(SA_OK), "ok");
	assert_string_equal(err_name(SA_E_BAD_JSON), "bad_json");
	assert_string_equal(err_name(SA_E_QUESTION_CLOSED), "question_closed");
	assert_string_equal(err_name(SA_E_ALREADY_ANSWERED), "already_answered");
	assert_string_equal(err_name(SA_E_TOO_LARGE), "too_large");
	assert_string_equal(err_name(SA_E_UNAVAILABLE), "unavailable");
	assert_string_equal(err_name(SA_E_METHOD), "method_not_allowed");
	assert_string_equal(err_message(SA_E_QUESTION_CLOSED, 1), "time is up for this question");
	assert_string_equal(err_message(SA_E_QUESTION_CLOSED, 0), "答题时间已过");
	assert_int_equal(err_http_status(SA_E_NOT_FOUND), 404);
	assert_int_equal(err_http_status(SA_E_UNAVAILABLE), 503);
	assert_int_equal(err_http_status(SA_E_TOO_LARGE), 413);
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(err_name(-999), "internal");
	assert_string_equal(err_name(-SA_E__COUNT), "internal");
	assert_string_equal(err_name(1), "internal");
	assert_int_equal(err_http_status(-999), 500);
}

static void test_scoring_codes(void **state)
{
	(void)state;
	assert_int_equal(err_from_score(SCORE_E_RANGE), SA_E_OPTION_RANGE);
	assert_int_equal(err_from_score(SCORE_E_RESPONSE), SA_E_INVALID_RESPONSE);
	assert_int_equal(err_from_score(-12345), SA_E_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_a_row), cmocka_unit_test(test_names_are_unique),
		cmocka_unit_test(test_stable_names),         cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_scoring_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
