/* test_rtoken.c - records tokens (server/core/rtoken.c): made and checked,
 * an HMAC-SHA256 any implementation agrees with, and every alteration refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/rtoken.h"

#define SECRET "0123456789abcdef0123456789abcdef"

static void test_round_trip(void **state)
{
	(void)state;
	char t[RTOKEN_MAX + 1], emp[RTOKEN_EMP_MAX + 1];
	assert_int_equal(rtoken_make(SECRET, "E1024", t), 0);
	/* hex("E1024") "." HMAC-SHA256(SECRET, "skillarena-records-v1:E1024"), as Python's hmac computes it */
	assert_string_equal(t, "4531303234.15ec711f1d1246df5de3a362248a758191a4a499dc49730155e2db9cf8087d95");
	assert_int_equal(rtoken_check(SECRET, t, emp), 0);
	assert_string_equal(emp, "E1024");
}

static void test_refused(void **state)
{
	(void)state;
	char t[RTOKEN_MAX + 1], bad[RTOKEN_MAX + 8], emp[RTOKEN_EMP_MAX + 1];
	assert_int_equal(rtoken_make(SECRET, "E1024", t), 0);
	assert_int_equal(rtoken_check(SECRET "x", t, emp), -1); /* another secret */
	for (size_t i = 0; i < strlen(t); i++) {                /* every character altered */
		if (t[i] == '.')
			continue;
		strcpy(bad, t);
		bad[i] = bad[i] == 'a' ? 'b' : 'a';
		assert_int_equal(rtoken_check(SECRET, bad, emp), -1);
	}
	assert_int_equal(rtoken_make(SECRET, "E1025", bad), 0); /* another worker's mac on E1024 */
	memcpy(bad, t, strchr(t, '.') - t);
	assert_int_equal(rtoken_check(SECRET, bad, emp), -1);
	const char *shapes[] = {"",
				".",
				"45.",
				"4531303234",
				"453.00",
				"0000."
				"e3d0",
				NULL};
	for (int i = 0; shapes[i]; i++)
		assert_int_equal(rtoken_check(SECRET, shapes[i], emp), -1);
	assert_int_equal(rtoken_check("", t, emp), -1);
	assert_int_equal(rtoken_make(SECRET, "", t), -1);
	assert_int_equal(rtoken_make("", "E1", t), -1);
	char longemp[RTOKEN_EMP_MAX + 2];
	memset(longemp, 'A', sizeof longemp - 1);
	longemp[sizeof longemp - 1] = '\0';
	assert_int_equal(rtoken_make(SECRET, longemp, t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
