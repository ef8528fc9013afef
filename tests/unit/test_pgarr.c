/*
 * test_pgarr.c - PostgreSQL array literals (server/store/pgarr.c), the
 * parameters of every group commit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/pgarr.h"

static void test_empty(void **state)
{
	pgarr a;
	(void)state;
	pgarr_init(&a);
	assert_string_equal(pgarr_end(&a), "{}");
	pgarr_release(&a);
	assert_null(a.buf);
}

static void test_numbers(void **state)
{
	pgarr a;
	(void)state;
	pgarr_init(&a);
	pgarr_num(&a, 1);
	pgarr_num(&a, -42);
	pgarr_num(&a, 9223372036854775807LL);
	assert_string_equal(pgarr_end(&a), "{1,-42,9223372036854775807}");
	pgarr_release(&a);
}

static void test_text_is_quoted_and_escaped(void **state)
{
	pgarr a;
	(void)state;
	pgarr_init(&a);
	pgarr_text(&a, "plain");
	pgarr_text(&a, "a\"b\\c");
	pgarr_text(&a, "");
	pgarr_text(&a, NULL);
	pgarr_text(&a, "NULL"); /* quoted: the text NULL, not SQL NULL */
	pgarr_text(&a, "{1,2}");
	pgarr_text(&a, "张三　一车间");
	assert_string_equal(pgarr_end(&a),
			    "{\"plain\",\"a\\\"b\\\\c\",\"\",\"\",\"NULL\",\"{1,2}\",\"张三　一车间\"}");
	pgarr_release(&a);
}

static void test_grows(void **state)
{
	pgarr a;
	char big[5000];
	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	pgarr_init(&a);
	for (int i = 0; i < 300; i++)
		pgarr_num(&a, i);
	pgarr_text(&a, big);
	const char *s = pgarr_end(&a);
	assert_non_null(s);
	assert_true(!strncmp(s, "{0,1,2,", 7));
	assert_int_equal(s[strlen(s) - 1], '}');
	assert_non_null(strstr(s, ",299,\"xxx"));
	/* "{", 300 numbers (790 digits, 299 commas), ",", the quoted text, "}" */
	assert_int_equal(strlen(s), 1 + 790 + 299 + 1 + (1 + 4999 + 1) + 1);
	pgarr_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_text_is_quoted_and_escaped),
		cmocka_unit_test(test_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
