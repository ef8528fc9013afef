/*
 * test_num.c - server/core/num.c: numbers read back from PostgreSQL and
 * Redis are taken whole or not at all (atoll took "12abc" as 12, "x" as 0,
 * and overflowed silently).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/num.h"

static void test_whole_numbers(void **state)
{
	int64_t v = 0;
	(void)state;
	assert_int_equal(num_i64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_i64("-1", -1, 10, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(num_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(num_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(num_i64("1796505886291", 0, INT64_MAX, &v), 0);
	assert_true(v == 1796505886291LL);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {"",
					  "-",
					  "+1",
					  " 1",
					  "1 ",
					  "12abc",
					  "abc",
					  "0x10",
					  "1e3",
					  "1.0",
					  "--1",
					  "9223372036854775808",
					  "-9223372036854775809",
					  "99999999999999999999",
					  "１２"};
	int64_t v = 42;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(num_i64(bad[i], INT64_MIN, INT64_MAX, &v), SA_E_INVALID_FIELD);
		assert_int_equal(v, 42); /* untouched */
	}
	assert_int_equal(num_i64(NULL, 0, 1, &v), SA_E_INVALID_FIELD);
}

static void test_range(void **state)
{
	int64_t v = 7;
	(void)state;
	assert_int_equal(num_i64("-1", 0, 10, &v), SA_E_INVALID_FIELD);
	assert_int_equal(num_i64("11", 0, 10, &v), SA_E_INVALID_FIELD);
	assert_int_equal(num_i64("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
}

static void test_length_counts(void **state)
{
	int64_t v = 0;
	(void)state;
	/* a Redis string has a length and may hold a NUL: the length decides */
	assert_int_equal(num_i64n("12\0"
				  "3",
				  4, 0, 1000, &v),
			 SA_E_INVALID_FIELD);
	assert_int_equal(num_i64n("123:456", 3, 0, 1000, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(num_i64n("123", 0, 0, 1000, &v), SA_E_INVALID_FIELD);
}

static void test_doubles(void **state)
{
	double d = 0;
	(void)state;
	assert_int_equal(num_double("4194303", 7, &d), 0);
	assert_true(d == 4194303.0);
	assert_int_equal(num_double("1.5e3", 5, &d), 0);
	assert_true(d == 1500.0);
	assert_int_equal(num_double("-0.25", 5, &d), 0);
	static const char *const bad[] = {"", "inf", "-inf", "nan", "1e999", "1x", " 1", "abc"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(num_double(bad[i], strlen(bad[i]), &d), SA_E_INVALID_FIELD);
	assert_int_equal(num_double("1\0"
				    "2",
				    3, &d),
			 SA_E_INVALID_FIELD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_numbers), cmocka_unit_test(test_refused),
		cmocka_unit_test(test_range),         cmocka_unit_test(test_length_counts),
		cmocka_unit_test(test_doubles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
