/*
 * test_rtt.c - server/net/rtt.c: round-trip samples, their median (one stuck
 * sample does not move it, a link that got slower moves it within a few
 * pings), and the credit an answer gets: half the RTT, capped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "net/rtt.h"

static void test_median(void **state)
{
	rtt_window w = {0};
	(void)state;
	assert_int_equal(rtt_estimate(&w), -1);
	rtt_add(&w, 40);
	assert_int_equal(rtt_estimate(&w), 40);
	rtt_add(&w, 60);
	assert_int_equal(rtt_estimate(&w), 40); /* the lower middle of two */
	rtt_add(&w, 2500);                      /* one sample stuck behind a retransmission */
	assert_int_equal(rtt_estimate(&w), 60);
	rtt_add(&w, 50);
	rtt_add(&w, 45);
	assert_int_equal(rtt_estimate(&w), 50); /* 40 45 50 60 2500 */
	/* the link got slower: three of five samples are enough */
	rtt_add(&w, 400);
	rtt_add(&w, 410);
	assert_int_equal(rtt_estimate(&w), 400); /* 45 50 400 410 2500 */
	rtt_add(&w, 405);                        /* the stuck sample leaves the window */
	assert_int_equal(rtt_estimate(&w), 400); /* 45 50 400 405 410 */
	rtt_add(&w, 420);
	assert_int_equal(rtt_estimate(&w), 405); /* 45 400 405 410 420 */
	/* samples out of range are dropped */
	rtt_window x = {0};
	rtt_add(&x, -1);
	rtt_add(&x, RTT_MAX_MS + 1);
	assert_int_equal(rtt_estimate(&x), -1);
	rtt_add(&x, RTT_MAX_MS);
	assert_int_equal(rtt_estimate(&x), RTT_MAX_MS);
	/* the window keeps the last RTT_SAMPLES */
	rtt_window y = {0};
	for (int i = 0; i < 100; i++)
		rtt_add(&y, i);
	assert_int_equal(y.n, RTT_SAMPLES);
	assert_int_equal(rtt_estimate(&y), 97); /* 95..99 */
}

static void test_credit(void **state)
{
	(void)state;
	assert_int_equal(rtt_credit(-1, 300), 0); /* unknown: nothing */
	assert_int_equal(rtt_credit(0, 300), 0);
	assert_int_equal(rtt_credit(41, 300), 20); /* half, rounded down */
	assert_int_equal(rtt_credit(400, 300), 200);
	assert_int_equal(rtt_credit(600, 300), 300);
	assert_int_equal(rtt_credit(800, 300), 300); /* capped */
	assert_int_equal(rtt_credit(800, 0), 0);     /* no credit at all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_credit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
