/*
 * test_lb.c - the leaderboard encoding of server/store/lb.c: sorted-set
 * scores (more points first, then the earlier time reached) and members
 * (between equal scores, the earlier participant first), and members read
 * back from Redis checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/lb.h"

static void test_zscore_round_trips(void **state)
{
	(void)state;
	const int64_t points[] = {0, 1, 999, 1000, 1500, 123456789, 2147483647LL, -5000, -1};
	const int64_t times[] = {0, 1, 7, 36000, 4000000, 4194303};
	for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
		for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
			assert_int_equal(lb_score_from_z(lb_zscore(points[i], times[k])), points[i]);
}

static void test_zscore_orders_points_then_time(void **state)
{
	(void)state;
	assert_true(lb_zscore(2000, 500) > lb_zscore(1999, 0)); /* more points first, however late */
	assert_true(lb_zscore(2000, 10) > lb_zscore(2000, 11)); /* equal points: earlier first */
	assert_true(lb_zscore(1, 4194303) > lb_zscore(0, 0));
	assert_true(lb_zscore(0, 0) > lb_zscore(-1, 0));
	assert_true(lb_zscore(-1, 0) > lb_zscore(-1, 1));
	/* whole ladder: strictly decreasing as (points desc, time asc) */
	double prev = lb_zscore(10001, 0);
	for (int64_t p = 10000; p >= 9990; p--)
		for (int64_t t = 0; t < 50; t += 7) {
			double z = lb_zscore(p, t);
			assert_true(z < prev);
			prev = z;
		}
}

static void test_zscore_saturates(void **state)
{
	(void)state;
	/* times beyond the encodable range saturate instead of overflowing into points */
	assert_int_equal(lb_score_from_z(lb_zscore(1000, (int64_t)1 << 40)), 1000);
	assert_true(lb_zscore(1000, (int64_t)1 << 40) == lb_zscore(1000, 4194303));
	assert_true(lb_zscore(1000, -5) == lb_zscore(1000, 0));
}

static void test_members(void **state)
{
	char a[24], b[24];
	(void)state;
	lb_member(a, sizeof a, 1);
	lb_member(b, sizeof b, 2);
	assert_int_equal(strlen(a), 12);
	assert_true(strcmp(a, b) > 0); /* ZREVRANGE: equal scores, the lower id (earlier join) first */
	assert_int_equal(lb_member_pid(a, strlen(a)), 1);
	assert_int_equal(lb_member_pid(b, strlen(b)), 2);
	lb_member(a, sizeof a, 987654321);
	assert_int_equal(lb_member_pid(a, strlen(a)), 987654321);
}

/* Members read back from Redis, where anyone may have written anything: only
 * what lb_member makes is a participant; everything else is -1, never a crash. */
static void test_members_from_outside(void **state)
{
	static const char *const bad[] = {"",
					  "garbage",
					  "99999999999",
					  "9999999999999",
					  "-00000000001",
					  "00000000000x",
					  " 99999999998",
					  "999999999999",
					  "0000000000 1"};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lb_member_pid(bad[i], strlen(bad[i])), -1);
	assert_int_equal(lb_member_pid("999999999998", 12), 1);
	assert_int_equal(lb_member_pid("000000000000", 12), 999999999999LL);
	/* the length Redis gives counts: an embedded NUL is not a shorter member */
	assert_int_equal(lb_member_pid("99999999999\0", 12), -1);
	assert_int_equal(lb_member_pid("999999999998", 11), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zscore_round_trips),
		cmocka_unit_test(test_zscore_orders_points_then_time),
		cmocka_unit_test(test_zscore_saturates),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_members_from_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
