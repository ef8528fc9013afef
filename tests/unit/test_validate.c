/*
 * test_validate.c - field checks of incoming messages (server/live/validate.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "live/validate.h"

static void test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(validate_utf8_count("abc", 3), 3);
	assert_int_equal(validate_utf8_count("张三", strlen("张三")), 2);
	assert_int_equal(validate_utf8_count("\xF0\x9F\x98\x80", 4), 1); /* emoji */
	assert_int_equal(validate_utf8_count("\xC0\xAF", 2), -1);        /* overlong '/' */
	assert_int_equal(validate_utf8_count("\xED\xA0\x80", 3), -1);    /* surrogate */
	assert_int_equal(validate_utf8_count("\xE5\xBC", 2), -1);        /* truncated */
	assert_int_equal(validate_utf8_count("\xFF", 1), -1);
}

static void test_name_ok_and_trimmed(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(validate_name("  张三 ", &out), SA_OK);
	assert_string_equal(out, "张三");
	free(out);
	/* The ideographic space of Chinese input methods is trimmed too. */
	assert_int_equal(validate_name("\xE3\x80\x80李四\xE3\x80\x80", &out), SA_OK);
	assert_string_equal(out, "李四");
	free(out);
}

static void test_name_length_counts_characters(void **state)
{
	char buf[64 * 3 + 4], *out = NULL;
	(void)state;
	buf[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(buf, "工");
	assert_int_equal(validate_name(buf, &out), SA_OK); /* 64 characters, 192 bytes */
	free(out);
	strcat(buf, "人");
	assert_int_equal(validate_name(buf, NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("   ", NULL), SA_E_INVALID_NAME);
}

static void test_name_control_characters(void **state)
{
	(void)state;
	assert_int_equal(validate_name("a\tb", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\nb", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\x7f"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\xC2\x85"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME); /* NEL, C1 */
	assert_int_equal(validate_name("a\xE2\x80\xA8"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME);                                  /* U+2028 */
	assert_int_equal(validate_name("\xC3\x28", NULL), SA_E_INVALID_NAME); /* bad UTF-8 */
}

static void test_unit_and_employee_no(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(validate_unit("", &out), SA_OK);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(validate_unit("一车间\x01", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("A1024-x_9", &out), SA_OK);
	free(out);
	assert_int_equal(validate_employee_no("A 1", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("工号1", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("123456789012345678901234567890123", NULL), SA_E_INVALID_FIELD);
}

static void test_rid_and_code(void **state)
{
	char code[17];
	(void)state;
	assert_int_equal(validate_rid("a-7-1"), SA_OK);
	assert_int_equal(validate_rid(""), SA_E_INVALID_FIELD);
	assert_int_equal(validate_rid("a\nb"), SA_E_INVALID_FIELD);
	assert_int_equal(validate_code("safe2026", code), SA_OK);
	assert_string_equal(code, "SAFE2026");
	assert_int_equal(validate_code("abc", code), SA_E_UNKNOWN_CONTEST);
	assert_int_equal(validate_code("SAFE-2026", code), SA_E_UNKNOWN_CONTEST);
	assert_int_equal(validate_code("ABCDEFGHIJKLMNOPQ", code), SA_E_UNKNOWN_CONTEST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_name_ok_and_trimmed),
		cmocka_unit_test(test_name_length_counts_characters),
		cmocka_unit_test(test_name_control_characters),
		cmocka_unit_test(test_unit_and_employee_no),
		cmocka_unit_test(test_rid_and_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
