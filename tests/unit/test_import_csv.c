/*
 * test_import_csv.c - spreadsheets as banks: the CSV importer.
 *
 * One bank saved five ways, as Excel and Notepad save it on Chinese Windows
 * (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16LE tab-separated "Unicode
 * text", and an XLSX workbook), must import to the very same questions; a
 * file with one problem per row reports each at its line, column and field.
 */
#include "test_contests_util.h"

static contest_bank *csv_import(score_engine *eng, const char *path)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	contest_import_opts o = {.id = "bank"};
	if (contest_bank_import(path, CONTEST_BANK_CSV, &o, eng, "en", &b, &d, NULL) != 0) {
		char *t = tc_diag_text(&d);
		fail_msg("import of %s failed:\n%s", path, t);
	}
	contest_diag_free(&d);
	return b;
}

static void test_layout(void **state)
{
	contest_bank *b = csv_import(*state, TD "csv/bank.csv");
	assert_int_equal(b->nquestions, 9);
	const cJSON *r = b->root;
	tc_json_eq(tc_question(r, "s1"),
		   "{\"id\":\"s1\",\"type\":\"single_choice\",\"category\":\"c1\",\"difficulty\":\"easy\","
		   "\"tags\":[\"消防\",\"报警\"],\"text\":\"全国统一的火灾报警电话是？\","
		   "\"options\":[\"110\",\"119\",\"120\",\"122\"],\"answer\":1,"
		   "\"explanation\":\"119 是火警电话。\",\"points\":1}");
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "s2"), "answer"), "[0,1,2]");
	const cJSON *q = tc_question(r, "s3");
	assert_string_equal(tc_field_str(q, "text"), "电气设备着火时,可以直接用水扑救。");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(q, "answer")));
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "s4"), "answer"), "[[\"预防为主\",\"预防 为主\"]]");
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "s5"), "answer"), "{\"value\":0.5,\"tolerance\":0.01}");
	assert_string_equal(tc_field_str(tc_question(r, "s5"), "difficulty"), "hard");
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "s6"), "answer"), "{\"min\":49,\"max\":51}");
	q = tc_question(r, "s7");
	assert_string_equal(tc_field_str(q, "type"), "ordering");
	tc_json_eq(cJSON_GetObjectItem(q, "items"), "[\"拨打 120\",\"使触电者脱离电源\",\"判断意识和呼吸\"]");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[1,2,0]");
	q = tc_question(r, "s8");
	tc_json_eq(cJSON_GetObjectItem(q, "left"), "[\"红色\",\"黄色\",\"蓝色\"]");
	tc_json_eq(cJSON_GetObjectItem(q, "right"), "[\"指令\",\"禁止\",\"警告\"]");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[1,2,0]");
	/* a quoted cell with a line break; a lower-case answer letter */
	q = tc_question(r, "s9");
	assert_string_equal(tc_field_str(q, "text"), "多行题目：\n第二行也属于题目");
	assert_int_equal(cJSON_GetObjectItem(q, "answer")->valueint, 0);
	tc_json_eq(cJSON_GetObjectItem(r, "categories"),
		   "[{\"id\":\"c1\",\"title\":\"消防\"},{\"id\":\"c2\",\"title\":\"法规\"},"
		   "{\"id\":\"c3\",\"title\":\"电工\"},{\"id\":\"c4\",\"title\":\"急救\"}]");
	contest_bank_free(b);
}

static void same_questions(score_engine *eng, const char *path, int drop_multiline)
{
	contest_bank *want = csv_import(eng, TD "csv/bank.csv");
	contest_bank *got = csv_import(eng, path);
	if (drop_multiline) /* the UTF-16 copy has no multi-line cell */
		cJSON_DeleteItemFromArray(cJSON_GetObjectItem(want->root, "questions"), 8);
	if (!cJSON_Compare(want->root, got->root, true)) {
		char *a = cJSON_Print(want->root), *b = cJSON_Print(got->root);
		fail_msg("%s differs:\n%s\n---\n%s", path, a, b);
	}
	contest_bank_free(want);
	contest_bank_free(got);
}

static void test_bom(void **state) { same_questions(*state, TD "csv/bank_bom.csv", 0); }
static void test_gbk(void **state) { same_questions(*state, TD "csv/bank_gbk.csv", 0); }
static void test_utf16_tabs(void **state) { same_questions(*state, TD "csv/bank_utf16.txt", 1); }

/* The same bank kept in Excel (openpyxl: xlsx/make_banks.py): numbers typed as numbers. */
static contest_bank *xlsx_import(score_engine *eng, const char *path)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	contest_import_opts o = {.id = "bank"};
	if (contest_bank_import(path, CONTEST_BANK_XLSX, &o, eng, "en", &b, &d, NULL) != 0) {
		char *t = tc_diag_text(&d);
		fail_msg("import of %s failed:\n%s", path, t);
	}
	contest_diag_free(&d);
	return b;
}

static void test_xlsx(void **state)
{
	contest_bank *want = csv_import(*state, TD "csv/bank.csv");
	contest_bank *got = xlsx_import(*state, TD "xlsx/bank.xlsx");
	if (!cJSON_Compare(want->root, got->root, true)) {
		char *a = cJSON_Print(want->root), *b = cJSON_Print(got->root);
		fail_msg("bank.xlsx differs:\n%s\n---\n%s", a, b);
	}
	contest_bank_free(want);
	contest_bank_free(got);
	/* problems name the row and the column number */
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "xlsx/bank_bad.xlsx", CONTEST_BANK_XLSX, NULL, *state, "en",
					     &b, &d, NULL),
			 -1);
	tc_has_line(
		&d,
		"tests/data/contests/xlsx/bank_bad.xlsx:3:8: 答案: invalid answer 'E': use the letters of "
		"filled option columns, each once");
	contest_diag_free(&d);
	/* a damaged workbook is refused with sheets/' reason */
	assert_int_equal(
		contest_bank_import(TD "csv/bank.csv", CONTEST_BANK_XLSX, NULL, *state, "en", &b, &d, NULL),
		-1);
	tc_has_line(
		&d,
		"tests/data/contests/csv/bank.csv: the XLSX file is damaged (bad zip): Not a zip archive");
	contest_diag_free(&d);
}

static void test_gbk_forced_utf8(void **state)
{
	/* told it is UTF-8, GBK bytes are refused at their line and column */
	contest_diag d = {0};
	contest_bank *b = NULL;
	contest_import_opts o = {.encoding = "utf-8"};
	assert_int_equal(
		contest_bank_import(TD "csv/bank_gbk.csv", CONTEST_BANK_CSV, &o, *state, "en", &b, &d, NULL),
		-1);
	tc_has_line(&d, "tests/data/contests/csv/bank_gbk.csv:1:1: not valid UTF-8 text (save it as UTF-8 if "
			"it is GBK)");
	contest_diag_free(&d);
	/* an unknown encoding name */
	o.encoding = "ebcdic";
	assert_int_equal(
		contest_bank_import(TD "csv/bank.csv", CONTEST_BANK_CSV, &o, *state, "en", &b, &d, NULL), -1);
	tc_has_line(&d, "tests/data/contests/csv/bank.csv: unknown encoding 'ebcdic'");
	contest_diag_free(&d);
	/* bytes that are not even GB18030 */
	const char bad[] = "type,question,answer\ntrue_false,\x81\x20,T\n";
	assert_int_equal(contest_bank_import_mem("bad.csv", bad, sizeof bad - 1, CONTEST_BANK_CSV, NULL,
						 *state, "en", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "bad.csv:2:12: cannot convert from GB18030 to UTF-8: invalid byte sequence");
	contest_diag_free(&d);
}

static void test_malformed(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "csv/malformed.csv", CONTEST_BANK_CSV, NULL, *state, "en", &b,
					     &d, NULL),
			 -1);
	assert_null(b);
#define F "tests/data/contests/csv/malformed.csv:"
	tc_has_line(&d, F "1:39: unknown column 'colour'");
	tc_has_line(&d, F "2:23: answer: invalid answer 'AB': a single-choice question has one answer");
	tc_has_line(&d, F
		    "3:22: answer: invalid answer 'AC': use the letters of filled option columns, each once");
	tc_has_line(&d,
		    F "4:1: type: invalid type 'judge' (use single, multiple, true_false, fill_in, numeric, "
		      "ordering, matching)");
	tc_has_line(&d, F "5:23: answer: invalid answer '也许': use 对/错, √/×, T/F or TRUE/FALSE");
	tc_has_line(&d, F "6:17: answer: invalid answer 'abc': use a number, 9.8±0.1 or 2..3");
	tc_has_line(&d, F
		    "7:20: difficulty: invalid difficulty '很难' (use easy, medium or hard, or 易, 中, 难)");
	tc_has_line(&d, F "8:22: time_limit_s: must be between 1 and 3600");
	tc_has_line(&d, F "9:16: B: missing required field 'B'");
	tc_has_line(&d, F "10:20: B: every option of a matching question must be 'left=right'");
	tc_has_line(&d, F "11:17: answer: missing required field 'answer'");
	tc_has_line(&d, F "12:8: unterminated quoted field");
#undef F
	assert_int_equal(d.count, 12);
	contest_diag_free(&d);
}

static void test_header_and_rows(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	const char *no_answer = "type,question\nsingle,x\n";
	assert_int_equal(contest_bank_import_mem("h.csv", no_answer, strlen(no_answer), CONTEST_BANK_CSV,
						 NULL, *state, "zh-CN", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "h.csv:1: 缺少必需的列“answer/答案”");
	contest_diag_free(&d);
	/* semicolons as delimiter (European Excel); extra empty cells are fine */
	const char *semi = "type;question;A;B;answer\nsingle;q;x;y;B;;\n";
	assert_int_equal(contest_bank_import_mem("s.csv", semi, strlen(semi), CONTEST_BANK_CSV, NULL, *state,
						 "en", &b, &d, NULL),
			 0);
	assert_int_equal(cJSON_GetObjectItem(tc_question(b->root, "q1"), "answer")->valueint, 1);
	contest_bank_free(b);
	/* extra cells holding something are a problem */
	const char *extra = "type,question,answer\ntrue_false,q,T,oops\n";
	assert_int_equal(contest_bank_import_mem("e.csv", extra, strlen(extra), CONTEST_BANK_CSV, NULL,
						 *state, "en", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "e.csv:2:16: this row has 4 fields but the header has 3");
	contest_diag_free(&d);
	/* the engine's problems carry the row's line */
	const char *dup = "id,type,question,answer\na,tf,x,T\na,tf,y,F\n";
	assert_int_equal(contest_bank_import_mem("d.csv", dup, strlen(dup), CONTEST_BANK_CSV, NULL, *state,
						 "en", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "d.csv:3: $.questions[1].id: duplicate id 'a' (first at $.questions[0])");
	contest_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),    cmocka_unit_test(test_bom),
		cmocka_unit_test(test_gbk),       cmocka_unit_test(test_utf16_tabs),
		cmocka_unit_test(test_xlsx),      cmocka_unit_test(test_gbk_forced_utf8),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_header_and_rows),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
