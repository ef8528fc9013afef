/*
 * test_import_aiken.c - Moodle's Aiken format (with the Chinese "A、" and
 * "答案：" variants), and its problems at their lines.
 */
#include "test_contests_util.h"

static void test_good(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	contest_import_opts o = {.category = "安全生产"};
	assert_int_equal(contest_bank_import(TD "aiken/bank.aiken.txt", CONTEST_BANK_AIKEN, &o, *state, "en",
					     &b, &d, NULL),
			 0);
	assert_int_equal(b->nquestions, 3);
	tc_json_eq(
		tc_question(b->root, "q1"),
		"{\"id\":\"q1\",\"type\":\"single_choice\",\"category\":\"c1\","
		"\"text\":\"我国安全生产工作的方针是什么？\",\"options\":[\"安全第一、预防为主、综合治理\","
		"\"生产第一、安全第二\",\"谁主管、谁负责\",\"以人为本、效益优先\"],\"answer\":0}");
	tc_json_eq(cJSON_GetObjectItem(tc_question(b->root, "q2"), "options"),
		   "[\"Red\",\"Yellow\",\"Blue\",\"Green\"]");
	assert_int_equal(cJSON_GetObjectItem(tc_question(b->root, "q3"), "answer")->valueint, 2);
	assert_string_equal(tc_field_str(b->root, "id"), "bank");
	contest_bank_free(b);
}

static void test_malformed(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "aiken/malformed.aiken.txt", CONTEST_BANK_AIKEN, NULL, *state,
					     "en", &b, &d, NULL),
			 -1);
	assert_null(b);
#define F "tests/data/contests/aiken/malformed.aiken.txt:"
	tc_has_line(&d, F "3:1: option letter should be 'B', not 'C'");
	tc_has_line(&d, F "9:9: answer 'E' is not one of the option letters");
	tc_has_line(&d, F "13:1: needs at least two options");
	tc_has_line(&d, F "17: missing the 'ANSWER: letter' line");
	tc_has_line(&d, F "23:1: text after the ANSWER line before a blank line");
#undef F
	assert_int_equal(d.count, 5);
	contest_diag_free(&d);
	/* the same in Chinese */
	assert_int_equal(contest_bank_import(TD "aiken/malformed.aiken.txt", CONTEST_BANK_AIKEN, NULL, *state,
					     "zh-CN", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "tests/data/contests/aiken/malformed.aiken.txt:17: 缺少“ANSWER: 字母”行");
	contest_diag_free(&d);
}

static void test_export_to_gift(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "aiken/bank.aiken.txt", CONTEST_BANK_AIKEN, NULL, *state,
					     "en", &b, &d, NULL),
			 0);
	char *g = tc_export(b, CONTEST_BANK_GIFT, &d);
	assert_non_null(g);
	assert_non_null(strstr(g, "::q2:: Which safety colour means prohibition? {\n\t=Red\n\t~Yellow\n"));
	free(g);
	contest_bank_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_export_to_gift),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
