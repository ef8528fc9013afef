/*
 * test_rate.c - request rates per key (server/core/rate.c): a burst, then
 * the sustained rate, the wait until the next token, keys apart, a table
 * full of keys that stays bounded and lets new keys through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/rate.h"

static void test_burst_then_rate(void **state)
{
	(void)state;
	rate_table *t = rate_new(10, 5, 64); /* 10 a second, 5 at once */
	assert_non_null(t);
	for (int i = 0; i < 5; i++)
		assert_int_equal(rate_take(t, "10.0.0.1", 1000), 0);
	assert_int_equal(rate_take(t, "10.0.0.1", 1000), 100); /* one token every 100 ms */
	assert_int_equal(rate_take(t, "10.0.0.1", 1050), 50);
	assert_int_equal(rate_take(t, "10.0.0.1", 1100), 0);
	assert_true(rate_take(t, "10.0.0.1", 1100) > 0);
	/* another key has its own bucket */
	assert_int_equal(rate_take(t, "10.0.0.2", 1100), 0);
	/* after a long pause the bucket is full again, never more */
	for (int i = 0; i < 5; i++)
		assert_int_equal(rate_take(t, "10.0.0.1", 100000), 0);
	assert_true(rate_take(t, "10.0.0.1", 100000) > 0);
	/* a clock going back does not refill */
	assert_true(rate_take(t, "10.0.0.1", 50) > 0);
	rate_free(t);
}

static void test_sustained_rate(void **state)
{
	(void)state;
	rate_table *t = rate_new(1000, 1, 16);
	int ok = 0;
	for (int ms = 0; ms < 1000; ms++)
		for (int k = 0; k < 3; k++) /* 3 a millisecond against 1 */
			ok += rate_take(t, "::ffff:192.168.1.1", ms) == 0;
	assert_int_equal(ok, 1000);
	rate_free(t);
}

static void test_bounded_table(void **state)
{
	char key[32];
	(void)state;
	rate_table *t = rate_new(1, 2, 32);
	/* far more keys than the table holds, each at its limit: every new key still gets its burst */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "10.1.%d.%d", i / 256, i % 256);
		assert_int_equal(rate_take(t, key, 10), 0);
		assert_int_equal(rate_take(t, key, 10), 0);
		assert_true(rate_take(t, key, 10) > 0);
	}
	/* a long key is cut, not refused */
	char lng[200];
	memset(lng, 'a', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_int_equal(rate_take(t, lng, 20), 0);
	assert_int_equal(rate_take(t, "", 20), 0);
	assert_int_equal(rate_take(t, NULL, 20), 0);
	rate_free(t);
}

static void test_bad_parameters(void **state)
{
	(void)state;
	assert_null(rate_new(0, 10, 10));
	assert_null(rate_new(10, 0, 10));
	assert_null(rate_new(10, 10, 0));
	assert_null(rate_new(-1, 10, 10));
	rate_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_sustained_rate),
		cmocka_unit_test(test_bounded_table),
		cmocka_unit_test(test_bad_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
