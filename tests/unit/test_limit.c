/*
 * test_limit.c - token buckets and the per-address table (server/core/limit.c),
 * on a clock the test drives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/limit.h"

#define T0 1764215000000LL /* a server epoch time, ms */

/* 10 a second with bursts of 20: the default per connection. */
static void test_bucket(void **state)
{
	limit_rate r = {10, 20};
	limit_bucket b = {0};
	(void)state;
	for (int i = 0; i < 20; i++)
		assert_int_equal(limit_take(&b, &r, T0), 0);
	assert_int_equal(limit_take(&b, &r, T0), SA_E_RATE_LIMITED);
	assert_int_equal(limit_peek(&b, &r, T0 + 50), SA_E_RATE_LIMITED); /* half a token */
	assert_int_equal(limit_take(&b, &r, T0 + 100), 0);                /* one more after 100 ms */
	assert_int_equal(limit_take(&b, &r, T0 + 100), SA_E_RATE_LIMITED);
	/* a steady 10 a second goes through forever */
	for (int i = 1; i <= 100; i++)
		assert_int_equal(limit_take(&b, &r, T0 + 100 + i * 100), 0);
	/* a long pause refills up to the burst, no more */
	int n = 0;
	while (!limit_take(&b, &r, T0 + 3600000))
		n++;
	assert_int_equal(n, 20);
	/* the clock going back changes nothing */
	assert_int_equal(limit_take(&b, &r, T0), SA_E_RATE_LIMITED);
}

static void test_unlimited(void **state)
{
	limit_rate r = {0, 0};
	limit_bucket b = {0};
	(void)state;
	for (int i = 0; i < 100000; i++)
		assert_int_equal(limit_take(&b, &r, T0), 0);
}

static limit_table *table(size_t cap)
{
	limit_rate rates[LIMIT_NKINDS] = {
		[LIMIT_CONN] = {500, 20000},
		[LIMIT_JOIN] = {500, 20000},
		[LIMIT_HOST_FAIL] = {10 / 60.0, 10},
		[LIMIT_HOST_LOG] = {0.1, 1},
	};
	limit_table *t = limit_table_new(cap, rates);
	assert_non_null(t);
	return t;
}

/* 20,000 phones behind one NAT address join in well under a minute. */
static void test_one_address_many_phones(void **state)
{
	limit_table *t = table(16);
	(void)state;
	int refused = 0;
	for (int i = 0; i < 20000; i++) /* all at once */
		refused += limit_addr_take(t, "10.1.2.3", LIMIT_CONN, T0) != 0;
	assert_int_equal(refused, 0);
	assert_int_equal(limit_addr_take(t, "10.1.2.3", LIMIT_CONN, T0), SA_E_RATE_LIMITED);
	/* another kind and another address have buckets of their own */
	assert_int_equal(limit_addr_take(t, "10.1.2.3", LIMIT_JOIN, T0), 0);
	assert_int_equal(limit_addr_take(t, "10.9.9.9", LIMIT_CONN, T0), 0);
	/* a sustained flood gets 500 a second */
	int ok = 0;
	for (int ms = 1; ms <= 1000; ms++)
		for (int k = 0; k < 10; k++)
			ok += !limit_addr_take(t, "10.1.2.3", LIMIT_CONN, T0 + ms);
	assert_int_equal(ok, 500);
	limit_table_free(t);
}

static void test_host_failures(void **state)
{
	limit_table *t = table(16);
	(void)state;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(limit_addr_peek(t, "192.168.0.7", LIMIT_HOST_FAIL, T0), 0);
		limit_addr_take(t, "192.168.0.7", LIMIT_HOST_FAIL, T0);
	}
	assert_int_equal(limit_addr_peek(t, "192.168.0.7", LIMIT_HOST_FAIL, T0), SA_E_RATE_LIMITED);
	assert_int_equal(limit_addr_peek(t, "192.168.0.7", LIMIT_HOST_FAIL, T0 + 5000), SA_E_RATE_LIMITED);
	assert_int_equal(limit_addr_peek(t, "192.168.0.7", LIMIT_HOST_FAIL, T0 + 6000), 0); /* one a 6 s */
	limit_table_free(t);
}

/* The table holds at most cap addresses; the least recently used gives way and starts full again. */
static void test_table_bounded(void **state)
{
	limit_table *t = table(4);
	char addr[32];
	(void)state;
	for (int i = 0; i < 20000; i++)
		limit_addr_take(t, "10.0.0.1", LIMIT_CONN, T0);
	assert_int_equal(limit_addr_take(t, "10.0.0.1", LIMIT_CONN, T0), SA_E_RATE_LIMITED);
	for (int i = 0; i < 1000; i++) {
		snprintf(addr, sizeof addr, "10.0.1.%d", i);
		assert_int_equal(limit_addr_take(t, addr, LIMIT_CONN, T0), 0);
		assert_true(limit_table_count(t) <= 4);
	}
	assert_int_equal(limit_table_count(t), 4);
	assert_int_equal(limit_addr_take(t, "10.0.0.1", LIMIT_CONN, T0), 0); /* evicted: full again */
	/* recently used addresses stay */
	limit_table *u = table(2);
	for (int i = 0; i < 20000; i++)
		limit_addr_take(u, "a", LIMIT_CONN, T0);
	limit_addr_take(u, "b", LIMIT_CONN, T0);
	limit_addr_take(u, "a", LIMIT_CONN, T0); /* "a" is the newest now */
	limit_addr_take(u, "c", LIMIT_CONN, T0); /* "b" gives way */
	assert_int_equal(limit_addr_take(u, "a", LIMIT_CONN, T0), SA_E_RATE_LIMITED);
	/* an address too long to hold is not limited */
	char longaddr[200];
	memset(longaddr, 'x', sizeof longaddr - 1);
	longaddr[sizeof longaddr - 1] = '\0';
	assert_int_equal(limit_addr_take(u, longaddr, LIMIT_CONN, T0), 0);
	limit_table_free(u);
	limit_table_free(t);
	limit_table_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_one_address_many_phones),
		cmocka_unit_test(test_host_failures),
		cmocka_unit_test(test_table_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
