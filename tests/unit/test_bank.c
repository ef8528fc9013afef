/*
 * test_bank.c - the native bank format: a good bank loads, a bad one
 * reports every problem with its JSON path; the message table is complete.
 */
#include "contests_int.h"
#include "test_contests_util.h"

static void test_good(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_load(TD "bank/draw.json", *state, "en", &b, &d), 0);
	assert_int_equal(b->nquestions, 36);
	/* JSON export reads back to the same bank */
	char *s = tc_export(b, CONTEST_BANK_JSON, &d);
	cJSON *again = cJSON_Parse(s);
	assert_true(cJSON_Compare(again, b->root, true));
	cJSON_Delete(again);
	free(s);
	contest_bank_free(b);
}

static void test_bad(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_load(TD "bank/bad.json", *state, "en", &b, &d), -1);
	assert_null(b);
#define F "tests/data/contests/bank/bad.json: "
	tc_has_line(&d, F "$.format: invalid bank format 'skillarena-bank/2' (expected skillarena-bank/1)");
	tc_has_line(&d, F "$.id: invalid id 'bad bank' (1-64 letters, digits, '-', '_' or '.')");
	tc_has_line(&d, F "$: missing required field 'title'");
	tc_has_line(&d, F "$.categories[1].id: duplicate id 'fire' (first at $.categories[0])");
	tc_has_line(&d, F "$.categories[2]: missing required field 'title'");
	tc_has_line(&d, F "$.questions[0].category: unknown category 'water'");
	tc_has_line(&d,
		    F "$.questions[1].difficulty: invalid difficulty 'extreme' (use easy, medium or hard)");
	tc_has_line(&d, F "$.questions[2].tags: expected an array");
	tc_has_prefix(&d, F "$.questions[3].options: question cannot be scored: ");
	tc_has_prefix(&d, F "$.questions[4].answer");
	tc_has_line(&d, F "$.questions[3].id: duplicate id 'q1' (first at $.questions[0])");
#undef F
	assert_int_equal(d.count, 11);
	contest_diag_free(&d);
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(contest_bank_format_guess("x/bank.gift"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_guess("bank.gift.txt"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_guess("bank.aiken.txt"), CONTEST_BANK_AIKEN);
	assert_int_equal(contest_bank_format_guess("BANK.CSV"), CONTEST_BANK_CSV);
	assert_int_equal(contest_bank_format_guess("bank.json"), CONTEST_BANK_JSON);
	assert_int_equal(contest_bank_format_guess("bank.xlsx"), CONTEST_BANK_XLSX);
	assert_int_equal(contest_bank_format_guess("bank.ods"), -1);
	assert_int_equal(contest_bank_format_parse("GIFT"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_parse("xml"), -1);
}

/* Every message code has its row, in order, in both languages. */
static void test_message_table(void **state)
{
	(void)state;
	for (int m = 0; m < CXM_MAX; m++) {
		const char *zh = cx_fmt((cx_msg)m, "zh-CN"), *en = cx_fmt((cx_msg)m, "en");
		assert_non_null(zh);
		assert_non_null(en);
		assert_true(*zh && *en);
		/* the same conversions in the same order */
		const char *a = zh, *b = en;
		for (;;) {
			a = strchr(a, '%');
			b = strchr(b, '%');
			if (!a || !b)
				break;
			assert_int_equal(a[1], b[1]);
			a += 2;
			b += 2;
		}
		assert_true(!a && !b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_message_table),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
