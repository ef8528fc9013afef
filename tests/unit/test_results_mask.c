/*
 * test_results_mask.c - names and employee numbers masked for the public
 * notice (公示): one table row per case, every option, 64-character names,
 * bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"

typedef struct mrow {
	const char *in, *want;
	results_mask_opts o;
} mrow;

#define DEF                     \
	{                       \
		"*", true, 0, 4 \
	}

static const mrow names[] = {
	{"张三", "张*", DEF},
	{"张三丰", "张*丰", DEF},
	{"欧阳修", "欧阳*", DEF},
	{"欧阳娜娜", "欧阳**", DEF},
	{"诸葛孔明", "诸葛**", DEF},
	{"欧阳", "欧*", DEF}, /* two characters: a one-character surname */
	{"阿不都拉", "阿**拉", DEF},
	{"买买提·艾力", "买**·*力", DEF},
	{"张", "*", DEF},
	{"John Smith", "J*** ****h", DEF},
	{"张三丰", "张**", {"*", false, 0, 4}},
	{"张三丰", "张**丰", {"*", true, 2, 4}},
	{"欧阳娜娜", "欧阳**", {"*", true, 2, 4}},
	{"李四", "李○", {"○", true, 0, 4}},
	{"王小二", "王*二", {NULL, true, 0, 4}}, /* a NULL mask means "*" */
};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *out = NULL;
		const char *want = names[i].want;
		assert_int_equal(results_mask_name(names[i].in, &names[i].o, &out), RESULTS_OK);
		if (strcmp(out, want) != 0)
			fail_msg("row %zu: '%s' -> '%s', expected '%s'", i, names[i].in, out, want);
		free(out);
	}
	char *out = NULL;
	assert_int_equal(results_mask_name("张三丰", NULL, &out), RESULTS_OK); /* NULL: the defaults */
	assert_string_equal(out, "张*丰");
	free(out);
}

static void test_long_name(void **state)
{
	(void)state;
	char name[64 * 3 + 1] = "", want[3 + 62 + 3 + 1] = "国";
	for (int i = 0; i < 64; i++)
		strcat(name, "国");
	for (int i = 0; i < 62; i++)
		strcat(want, "*");
	strcat(want, "国");
	char *out = NULL;
	assert_int_equal(results_mask_name(name, NULL, &out), RESULTS_OK);
	assert_string_equal(out, want);
	free(out);
	results_mask_opts fixed = results_mask_default;
	fixed.fixed = 3;
	assert_int_equal(results_mask_name(name, &fixed, &out), RESULTS_OK);
	assert_string_equal(out, "国***国"); /* the length is hidden */
	free(out);
}

static const mrow ids[] = {
	{"1024005678", "******5678", DEF},
	{"u1024", "*1024", DEF},
	{"1024", "**24", DEF}, /* never shown whole */
	{"7", "*", DEF},
	{"1024005678", "********78", {"*", true, 0, 2}},
	{"1024005678", "***5678", {"*", true, 3, 4}},
	{"工号甲乙丙丁戊", "***乙丙丁戊", DEF},
};

static void test_ids(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char *out = NULL;
		assert_int_equal(results_mask_id(ids[i].in, &ids[i].o, &out), RESULTS_OK);
		if (strcmp(out, ids[i].want) != 0)
			fail_msg("row %zu: '%s' -> '%s', expected '%s'", i, ids[i].in, out, ids[i].want);
		free(out);
	}
}

static void test_bad_input(void **state)
{
	(void)state;
	char *out = (char *)"untouched";
	assert_int_equal(results_mask_name("\xE5\xBC", NULL, &out), RESULTS_E_UTF8);
	assert_null(out);
	assert_int_equal(results_mask_name("", NULL, &out), RESULTS_E_INVALID);
	assert_int_equal(results_mask_name(" · ", NULL, &out), RESULTS_E_INVALID);
	assert_int_equal(results_mask_name(NULL, NULL, &out), RESULTS_E_INVALID);
	assert_int_equal(results_mask_id("", NULL, &out), RESULTS_E_INVALID);
	assert_int_equal(results_mask_id("12\xFF", NULL, &out), RESULTS_E_UTF8);
	results_mask_opts bad = results_mask_default;
	bad.fixed = -1;
	assert_int_equal(results_mask_name("张三", &bad, &out), RESULTS_E_INVALID);
	bad = results_mask_default;
	bad.mask = "\xC0";
	assert_int_equal(results_mask_id("1234", &bad, &out), RESULTS_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
