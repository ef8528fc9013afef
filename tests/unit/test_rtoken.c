/* test_rtoken.c - records tokens (server/core/rtoken.c): made and checked
 * with the moment they were issued, an HMAC-SHA256 any implementation agrees
 * with, and every alteration refused (the moment included: a revoked token
 * cannot be made to look newer). */
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
	int64_t at = 0;
	assert_int_equal(rtoken_make(SECRET, "E1024", 1796526487967, t), 0);
	/* hex("E1024") "." issued "." HMAC-SHA256(SECRET, "skillarena-records-v2:E1024\n1796526487967"),
	 * as Python's hmac computes it */
	assert_string_equal(
		t,
		"4531303234.1796526487967.22976621a7c8c5dee631e407d1ccdcf36a4f9e78f77721b244babbf7ade43931");
	assert_int_equal(rtoken_check(SECRET, t, emp, &at), 0);
	assert_string_equal(emp, "E1024");
	assert_int_equal(at, 1796526487967);
	/* the longest employee number fits RTOKEN_MAX */
	char longemp[RTOKEN_EMP_MAX + 1];
	memset(longemp, 'Z', RTOKEN_EMP_MAX);
	longemp[RTOKEN_EMP_MAX] = '\0';
	assert_int_equal(rtoken_make(SECRET, longemp, INT64_MAX, t), 0);
	assert_true(strlen(t) <= RTOKEN_MAX);
	assert_int_equal(rtoken_check(SECRET, t, emp, &at), 0);
	assert_int_equal(at, INT64_MAX);
}

static void test_refused(void **state)
{
	(void)state;
	char t[RTOKEN_MAX + 1], bad[RTOKEN_MAX + 8], emp[RTOKEN_EMP_MAX + 1];
	int64_t at;
	assert_int_equal(rtoken_make(SECRET, "E1024", 1796526487967, t), 0);
	assert_int_equal(rtoken_check(SECRET "x", t, emp, &at), -1); /* another secret */
	for (size_t i = 0; i < strlen(t); i++) {                     /* every character altered */
		if (t[i] == '.')
			continue;
		strcpy(bad, t);
		bad[i] = bad[i] == '9'                    ? '8'
			 : bad[i] == 'a'                  ? 'b'
			 : bad[i] >= '0' && bad[i] <= '8' ? bad[i] + 1
							  : 'a';
		assert_int_equal(rtoken_check(SECRET, bad, emp, &at), -1);
	}
	assert_int_equal(rtoken_make(SECRET, "E1025", 1796526487967, bad),
			 0); /* another worker's mac on E1024 */
	memcpy(bad, t, strchr(t, '.') - t);
	assert_int_equal(rtoken_check(SECRET, bad, emp, &at), -1);
	/* a newer moment with the old MAC */
	assert_int_equal(rtoken_make(SECRET, "E1024", 1796526487968, bad), 0);
	memcpy(strrchr(bad, '.'), strrchr(t, '.'), 65);
	assert_int_equal(rtoken_check(SECRET, bad, emp, &at), -1);
	/* a version-1 token (no moment) is refused */
	assert_int_equal(
		rtoken_check(SECRET,
			     "4531303234.15ec711f1d1246df5de3a362248a758191a4a499dc49730155e2db9cf8087d95",
			     emp, &at),
		-1);
	const char *shapes[] = {"",
				".",
				"45.",
				"4531303234",
				"453.00",
				"4531303234..00",
				"4531303234.01.00",
				"0000."
				"e3d0",
				NULL};
	for (int i = 0; shapes[i]; i++)
		assert_int_equal(rtoken_check(SECRET, shapes[i], emp, &at), -1);
	assert_int_equal(rtoken_check("", t, emp, &at), -1);
	assert_int_equal(rtoken_make(SECRET, "", 1, t), -1);
	assert_int_equal(rtoken_make("", "E1", 1, t), -1);
	assert_int_equal(rtoken_make(SECRET, "E1", -1, t), -1);
	char longemp[RTOKEN_EMP_MAX + 2];
	memset(longemp, 'A', sizeof longemp - 1);
	longemp[sizeof longemp - 1] = '\0';
	assert_int_equal(rtoken_make(SECRET, longemp, 1, t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
