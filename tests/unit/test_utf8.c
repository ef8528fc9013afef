/*
 * test_utf8.c - strict UTF-8 decoding, counting, cutting at a character
 * boundary and repairing (server/core/utf8.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("张三", strlen("张三")), 2);
	assert_int_equal(utf8_count("\xF0\x9F\x98\x80", 4), 1);  /* emoji */
	assert_int_equal(utf8_count("\xC0\xAF", 2), -1);         /* overlong '/' */
	assert_int_equal(utf8_count("\xE0\x80\xAF", 3), -1);     /* overlong, 3 bytes */
	assert_int_equal(utf8_count("\xED\xA0\x80", 3), -1);     /* surrogate */
	assert_int_equal(utf8_count("\xF4\x90\x80\x80", 4), -1); /* above U+10FFFF */
	assert_int_equal(utf8_count("\xE5\xBC", 2), -1);         /* truncated */
	assert_int_equal(utf8_count("\xFF", 1), -1);
	assert_int_equal(utf8_count("a\0b", 3), 3); /* NUL is a character here; fields refuse it */
	assert_true(utf8_valid("工人", 6));
	assert_false(utf8_valid("工人", 5));
}

/* A cut keeps whole characters only, whatever the byte length. */
static void test_cut(void **state)
{
	(void)state;
	const char *s = "a工\xF0\x9F\x98\x80z"; /* 1 + 3 + 4 + 1 bytes */
	size_t want[] = {0, 1, 1, 1, 4, 4, 4, 4, 8, 9};
	for (size_t len = 0; len <= 9; len++) {
		assert_int_equal(utf8_cut(s, len), want[len]);
		assert_true(utf8_valid(s, utf8_cut(s, len)));
	}
	/* 64 Chinese characters cut anywhere */
	char buf[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(buf, "焊");
	for (size_t len = 0; len <= strlen(buf); len++)
		assert_int_equal(utf8_cut(buf, len), len / 3 * 3);
}

static void test_repair(void **state)
{
	(void)state;
	char *r = utf8_repair("张三", strlen("张三"));
	assert_string_equal(r, "张三"); /* valid text is kept as it is */
	free(r);
	r = utf8_repair("\xE5\xBC\xA0\xE4\xB8", 5); /* 张 and a cut 三 */
	assert_string_equal(r, "张\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_true(utf8_valid(r, strlen(r)));
	free(r);
	r = utf8_repair("a\0b\xC0\xAF", 5);
	assert_string_equal(r, "a\xEF\xBF\xBD"
			       "b\xEF\xBF\xBD\xEF\xBF\xBD");
	free(r);
	r = utf8_repair("", 0);
	assert_string_equal(r, "");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_repair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
