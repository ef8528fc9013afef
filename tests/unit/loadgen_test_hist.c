/*
 * loadgen_test_hist.c - unit tests of tools/loadgen/hist.c, the load
 * generator's HDR-style histogram. Built by tools/loadgen/loadgen.mk (not
 * by the generic test_<module> rule, so it links no server library).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hist.h"

static void test_buckets_contiguous(void **state)
{
	/* every value lands in a bucket whose bounds hold it; buckets never go backwards */
	size_t prev = 0;
	for (uint64_t v = 0; v < 2000000; v += (v < 5000 ? 1 : 997)) {
		size_t i = hist_index(v);
		assert_true(i < HIST_BUCKETS);
		assert_true(i >= prev);
		assert_true(hist_bucket_low(i) <= v);
		assert_true(hist_bucket_high(i) >= v);
		prev = i;
	}
	for (size_t i = 1; i < HIST_BUCKETS; i++)
		assert_int_equal(hist_bucket_low(i), hist_bucket_high(i - 1) + 1);
}

static void test_precision(void **state)
{
	/* a bucket is at most 1/64 of its lowest value wide above 128 */
	for (uint64_t v = 128; v < (1ull << 40); v = v * 3 / 2 + 7) {
		size_t i = hist_index(v);
		uint64_t w = hist_bucket_high(i) - hist_bucket_low(i) + 1;
		assert_true(w * 64 <= hist_bucket_low(i));
	}
	assert_int_equal(hist_index(127), 127);
	assert_int_equal(hist_bucket_high(hist_index(127)), 127);
}

static void test_percentiles(void **state)
{
	hist *h = malloc(sizeof(*h));
	assert_non_null(h);
	hist_init(h);
	assert_int_equal(hist_percentile(h, 99), 0);
	for (uint64_t v = 1; v <= 10000; v++)
		hist_record(h, v);
	assert_int_equal(h->count, 10000);
	assert_int_equal(h->min, 1);
	assert_int_equal(h->max, 10000);
	uint64_t p50 = hist_percentile(h, 50), p99 = hist_percentile(h, 99), p100 = hist_percentile(h, 100);
	assert_true(p50 >= 5000 && p50 <= 5000 + 5000 / 64 + 1);
	assert_true(p99 >= 9900 && p99 <= 9900 + 9900 / 64 + 1);
	assert_int_equal(p100, 10000);
	assert_true(hist_mean(h) > 5000.4 && hist_mean(h) < 5000.6);
	free(h);
}

static void test_merge_and_outliers(void **state)
{
	hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	hist_init(a);
	hist_init(b);
	for (int i = 0; i < 990; i++)
		hist_record(a, 100);
	for (int i = 0; i < 10; i++)
		hist_record(b, 1000000);
	hist_record(b, UINT64_MAX / 2); /* clamped into the top bucket, max stays true */
	hist_merge(a, b);
	assert_int_equal(a->count, 1001);
	assert_int_equal(a->max, UINT64_MAX / 2);
	assert_int_equal(hist_percentile(a, 50), 100);
	/* 990 of 1001 samples are 100: rank ceil(0.98 * 1001) = 981 is one of them, rank 991 is not */
	assert_int_equal(hist_percentile(a, 98), 100);
	uint64_t p99 = hist_percentile(a, 99);
	assert_true(p99 >= 1000000 && p99 <= 1000000 + 1000000 / 64);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_contiguous),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_merge_and_outliers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
