/*
 * test_import_gift.c - the Moodle GIFT importer and exporter.
 *
 * Real-shaped files under tests/data/contests/gift/: a Moodle-style export
 * with every type (moodle.gift), the canonical export of it (roundtrip.gift)
 * and a file whose every block has one problem (malformed.gift), each
 * message checked. Round trips: GIFT -> JSON -> GIFT gives the same text,
 * and the JSON survives GIFT unchanged.
 */
#include "test_contests_util.h"

static contest_bank *gift_import(score_engine *eng, const char *path, contest_diag *d, contest_diag *w)
{
	contest_import_opts o = {.id = "moodle", .title = "moodle"};
	contest_bank *b = NULL;
	int rc = contest_bank_import(path, CONTEST_BANK_GIFT, &o, eng, "en", &b, d, w);
	if (rc != 0) {
		char *t = tc_diag_text(d);
		fail_msg("import of %s failed:\n%s", path, t);
	}
	return b;
}

static void test_types(void **state)
{
	contest_diag d = {0}, w = {0};
	contest_bank *b = gift_import(*state, TD "gift/moodle.gift", &d, &w);
	assert_int_equal(b->nquestions, 15);
	const cJSON *r = b->root;
	tc_json_eq(tc_question(r, "fire-01"),
		   "{\"id\":\"fire-01\",\"type\":\"single_choice\",\"category\":\"c1\","
		   "\"text_format\":\"html\",\"text\":\"全国统一的火灾报警电话是？\","
		   "\"options\":[\"110\",\"119\",\"120\",\"122\"],\"answer\":1,"
		   "\"option_feedback\":[\"这是匪警电话\",\"正确\",\"这是急救电话\",\"\"],"
		   "\"explanation\":\"119 火警、120 急救、110 匪警、122 交通事故报警。\"}");
	/* {FALSE#wrong#right}: [0] is shown for "true" (wrong), [1] for "false" */
	tc_json_eq(tc_question(r, "fire-02"),
		   "{\"id\":\"fire-02\",\"type\":\"true_false\",\"category\":\"c1\","
		   "\"text\":\"电气设备着火时，可以直接用水扑救。\",\"answer\":false,"
		   "\"option_feedback\":[\"错误：水能导电\",\"正确：应先切断电源\"]}");
	/* equal weights: multiple choice with partial credit; -100% wrong = 3 right picks */
	const cJSON *q = tc_question(r, "fire-03");
	assert_string_equal(tc_field_str(q, "type"), "multiple_choice");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[0,1,2]");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(q, "partial")));
	assert_int_equal(cJSON_GetObjectItem(q, "wrong_pick_penalty")->valueint, 3);
	/* missing word: the block in mid-sentence becomes a blank; unnamed -> q<position> */
	q = tc_question(r, "q4");
	assert_string_equal(tc_field_str(q, "type"), "fill_in");
	assert_string_equal(tc_field_str(q, "text"), "安全生产工作坚持安全第一、____、综合治理的方针。");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[[\"预防为主\",\"预防 为主\"]]");
	assert_string_equal(tc_field_str(q, "category"), "c2");
	/* matching with a distractor: rights sorted, answer maps each left */
	q = tc_question(r, "law-02");
	tc_json_eq(cJSON_GetObjectItem(q, "left"), "[\"红色\",\"黄色\",\"蓝色\"]");
	tc_json_eq(cJSON_GetObjectItem(q, "right"), "[\"危险\",\"指令\",\"禁止\",\"警告\"]");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[2,3,1]");
	/* numeric: exact, tolerance, range, several answers with feedback */
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "elec-01"), "answer"), "42");
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "elec-02"), "answer"),
		   "{\"value\":0.5,\"tolerance\":0.01}");
	tc_json_eq(cJSON_GetObjectItem(tc_question(r, "elec-03"), "answer"), "{\"min\":49,\"max\":51}");
	q = tc_question(r, "elec-04");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[220,230]");
	tc_json_eq(cJSON_GetObjectItem(q, "answer_feedback"), "[\"正确\",\"也接受标称值 230 V\"]");
	/* categories: Moodle's $course$/top/ prefix dropped, titles kept */
	tc_json_eq(cJSON_GetObjectItem(r, "categories"),
		   "[{\"id\":\"c1\",\"title\":\"Default for 安全培训/消防\"},"
		   "{\"id\":\"c2\",\"title\":\"Default for 安全培训/法规\"},"
		   "{\"id\":\"c3\",\"title\":\"进阶\"}]");
	/* the description and the essay are skipped with a warning each */
	assert_int_equal(b->nwarnings, 2);
	tc_has_line(&w,
		    "tests/data/contests/gift/moodle.gift:46:1: description item (no answer block) skipped");
	tc_has_line(&w, "tests/data/contests/gift/moodle.gift:48:1: essay question (empty answer block) "
			"cannot be scored automatically: skipped");
	contest_bank_free(b);
	contest_diag_free(&d);
	contest_diag_free(&w);
}

static void test_escaping(void **state)
{
	contest_diag d = {0}, w = {0};
	contest_bank *b = gift_import(*state, TD "gift/moodle.gift", &d, &w);
	const cJSON *q = tc_question(b->root, "esc-01");
	assert_string_equal(tc_field_str(q, "text"), "特殊字符 ~ = # { } : 和 \\ 要转义\n这是第二行");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(q, "answer")));
	q = tc_question(b->root, "esc-02");
	assert_string_equal(tc_field_str(q, "text"), "URL http://example.org 中的冒号不需要转义吗？");
	tc_json_eq(cJSON_GetObjectItem(q, "options"), "[\"需要 : 转义\",\"不需要\"]");
	/* and back out: every special character escaped again */
	char *g = tc_export(b, CONTEST_BANK_GIFT, &d);
	assert_non_null(g);
	assert_non_null(
		strstr(g, "::esc-01:: 特殊字符 \\~ \\= \\# \\{ \\} \\: 和 \\\\ 要转义\\n这是第二行 {"));
	assert_non_null(strstr(g, "URL http\\://example.org"));
	assert_non_null(strstr(g, "=需要 \\: 转义#见 GIFT 说明"));
	free(g);
	contest_bank_free(b);
	contest_diag_free(&d);
	contest_diag_free(&w);
}

static void test_meta(void **state)
{
	contest_diag d = {0}, w = {0};
	contest_bank *b = gift_import(*state, TD "gift/moodle.gift", &d, &w);
	const cJSON *q = tc_question(b->root, "adv-01");
	assert_string_equal(tc_field_str(q, "difficulty"), "hard");
	tc_json_eq(cJSON_GetObjectItem(q, "tags"), "[\"电工\",\"计算\"]");
	assert_int_equal(cJSON_GetObjectItem(q, "points")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(q, "time_limit_s")->valueint, 45);
	/* partial: false -> all-or-nothing, the default shape (no partial fields) */
	q = tc_question(b->root, "adv-02");
	assert_string_equal(tc_field_str(q, "type"), "multiple_choice");
	assert_null(cJSON_GetObjectItem(q, "partial"));
	assert_null(cJSON_GetObjectItem(q, "wrong_pick_penalty"));
	/* multiple: true keeps a one-answer multiple choice */
	q = tc_question(b->root, "adv-03");
	assert_string_equal(tc_field_str(q, "type"), "multiple_choice");
	tc_json_eq(cJSON_GetObjectItem(q, "answer"), "[0]");
	/* en: language maps */
	q = tc_question(b->root, "adv-04");
	tc_json_eq(cJSON_GetObjectItem(q, "text"),
		   "{\"zh-CN\":\"欧姆定律的表达式是？\",\"en\":\"Which is Ohm's law?\"}");
	tc_json_eq(cJSON_GetObjectItem(q, "options"),
		   "[{\"zh-CN\":\"U = IR\",\"en\":\"U = IR\"},{\"zh-CN\":\"P = UI\",\"en\":\"P = UI\"}]");
	contest_bank_free(b);
	contest_diag_free(&d);
	contest_diag_free(&w);
}

/* GIFT -> JSON -> GIFT: the canonical file comes back byte for byte. */
static void test_roundtrip_text(void **state)
{
	contest_diag d = {0}, w = {0};
	contest_bank *b = gift_import(*state, TD "gift/roundtrip.gift", &d, &w);
	char *json = tc_export(b, CONTEST_BANK_JSON, &d);
	contest_bank *b2 = NULL;
	assert_int_equal(contest_bank_import_mem("roundtrip.json", json, strlen(json), CONTEST_BANK_JSON,
						 NULL, *state, "en", &b2, &d, NULL),
			 0);
	char *gift = tc_export(b2, CONTEST_BANK_GIFT, &d);
	assert_non_null(gift);
	char *want = tc_read(TD "gift/roundtrip.gift", NULL);
	assert_string_equal(gift, want);
	free(want);
	free(gift);
	free(json);
	contest_bank_free(b);
	contest_bank_free(b2);
	contest_diag_free(&d);
	contest_diag_free(&w);
}

/* A messy Moodle file: its JSON survives a trip through GIFT unchanged. */
static void test_roundtrip_json(void **state)
{
	contest_diag d = {0}, w = {0};
	contest_bank *b = gift_import(*state, TD "gift/moodle.gift", &d, &w);
	char *gift = tc_export(b, CONTEST_BANK_GIFT, &d);
	assert_non_null(gift);
	contest_import_opts o = {.id = "moodle", .title = "moodle"};
	contest_bank *b2 = NULL;
	assert_int_equal(contest_bank_import_mem("again.gift", gift, strlen(gift), CONTEST_BANK_GIFT, &o,
						 *state, "en", &b2, &d, NULL),
			 0);
	if (!cJSON_Compare(b->root, b2->root, true)) {
		char *x = cJSON_Print(b->root), *y = cJSON_Print(b2->root);
		fail_msg("JSON changed through GIFT:\n%s\n---\n%s", x, y);
	}
	free(gift);
	contest_bank_free(b);
	contest_bank_free(b2);
	contest_diag_free(&d);
	contest_diag_free(&w);
}

/* Imports text in a format (ids and titles "names"); fails on problems. */
static contest_bank *import_text(score_engine *eng, const char *text, contest_bank_format fmt)
{
	contest_import_opts o = {.id = "names", .title = "names"};
	contest_diag d = {0};
	contest_bank *b = NULL;
	if (contest_bank_import_mem("names", text, strlen(text), fmt, &o, eng, "en", &b, &d, NULL) != 0)
		fail_msg("import failed:\n%s\n%s", text, tc_diag_text(&d));
	return b;
}

/* GIFT and back again: the same bank. */
static void assert_survives_gift(score_engine *eng, const contest_bank *b)
{
	contest_diag d = {0};
	char *gift = tc_export(b, CONTEST_BANK_GIFT, &d);
	assert_non_null(gift);
	contest_bank *again = import_text(eng, gift, CONTEST_BANK_GIFT);
	if (!cJSON_Compare(b->root, again->root, true))
		fail_msg("changed through GIFT:\n%s\n---\n%s", cJSON_Print(b->root),
			 cJSON_Print(again->root));
	free(gift);
	contest_bank_free(again);
}

/*
 * Issue 9 item 8 (found by fuzz_import_gift): a question name given as a
 * language map was lost by a GIFT export and import; so was an id beside a
 * name. The name is written as ::name::, its English and the id go to the
 * @skillarena comment.
 */
static void test_names(void **state)
{
	char *seed = tc_read(TD "fuzz/fuzz_import_gift/regress-name-langmap", NULL);
	contest_bank *b = import_text(*state, seed, CONTEST_BANK_GIFT);
	free(seed);
	tc_json_eq(cJSON_GetObjectItem(tc_question(b->root, "q1"), "name"),
		   "{\"zh-CN\": \"火灾 报警\", \"en\": \"Fire alarm\"}");
	tc_json_eq(cJSON_GetObjectItem(tc_question(b->root, "law-01"), "name"),
		   "{\"zh-CN\": \"安全法\", \"en\": \"Law\"}");
	assert_survives_gift(*state, b);
	contest_bank_free(b);
	b = import_text(
		*state,
		"{\"format\": \"skillarena-bank/1\", \"id\": \"names\", \"title\": \"names\", \"questions\": ["
		"{\"id\": \"fire-01\", \"name\": {\"zh-CN\": \"火警\", \"en\": \"Fire\"}, \"type\": \"true_false\","
		" \"text\": \"火警电话是 119。\", \"answer\": true},"
		"{\"id\": \"a1\", \"name\": \"b2\", \"type\": \"true_false\", \"text\": \"y\", \"answer\": false},"
		"{\"id\": \"q3\", \"name\": \"名 字\", \"type\": \"true_false\", \"text\": \"z\", \"answer\": false},"
		"{\"id\": \"same\", \"name\": \"same\", \"type\": \"true_false\", \"text\": \"w\", \"answer\": true}]}",
		CONTEST_BANK_JSON);
	assert_survives_gift(*state, b);
	contest_bank_free(b);
	/* "en" gives English to the texts GIFT writes, nothing else */
	const char *bad = "// @skillarena {\"en\": {\"option_feedback\": [\"x\"]}}\n::a:: t {T}\n";
	contest_diag d = {0};
	assert_int_equal(contest_bank_import_mem("bad.gift", bad, strlen(bad), CONTEST_BANK_GIFT, NULL,
						 *state, "en", &b, &d, NULL),
			 CONTEST_E_INVALID);
	tc_has_line(&d, "bad.gift:1:1: invalid @skillarena comment: unknown field");
	contest_diag_free(&d);
}

/* Category names the importer would strip ("$system$/", "top/") come back whole (found by fuzz_import_gift). */
static void test_category_prefixes(void **state)
{
	contest_bank *b = import_text(
		*state,
		"{\"format\": \"skillarena-bank/1\", \"id\": \"names\", \"title\": \"names\","
		" \"categories\": [{\"id\": \"c1\", \"title\": \"$system$/消防\"}, {\"id\": \"c2\", \"title\": \"top/用电\"}],"
		" \"questions\": [{\"id\": \"a\", \"type\": \"true_false\", \"category\": \"c1\", \"text\": \"x\", \"answer\": true},"
		" {\"id\": \"b\", \"type\": \"true_false\", \"category\": \"c2\", \"text\": \"y\", \"answer\": false}]}",
		CONTEST_BANK_JSON);
	assert_survives_gift(*state, b);
	contest_bank_free(b);
}

static void test_malformed(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "gift/malformed.gift", CONTEST_BANK_GIFT, NULL, *state, "en",
					     &b, &d, NULL),
			 -1);
	assert_null(b); /* nothing half-imported */
#define F "tests/data/contests/gift/malformed.gift:"
	tc_has_line(&d, F "3:30: answer block '{' is never closed");
	tc_has_line(&d, F "7:1: question name '::' is never closed");
	tc_has_line(&d, F "9:26: no correct answer ('=' or a positive weight)");
	tc_has_line(&d, F "11:35: weights of the correct answers add up to 80%, not 100%");
	tc_has_line(&d, F "13:23: invalid weight '150' (a percentage from -100 to 100, such as %50%)");
	tc_has_line(&d, F "15:23: invalid number 'abc'");
	tc_has_line(&d, F "17:39: unexpected 'xyz' (escape special characters with \\)");
	tc_has_line(&d, F "19:31: a question can have only one answer block");
	tc_has_line(&d, F "21:23: a matching question needs at least two pairs");
	tc_has_line(&d, F "23:23: unexpected '}' (escape special characters with \\)");
	tc_has_line(&d, F "25:1: invalid @skillarena comment: unknown field");
	tc_has_line(&d,
		    F "28:41: partial credit for a short answer (only =answers at 100%) is not supported");
#undef F
	assert_int_equal(d.count, 12);
	contest_diag_free(&d);
}

static void test_malformed_zh(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import(TD "gift/malformed.gift", CONTEST_BANK_GIFT, NULL, *state,
					     "zh-CN", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "tests/data/contests/gift/malformed.gift:3:30: 答案块“{”没有对应的“}”");
	tc_has_line(&d, "tests/data/contests/gift/malformed.gift:9:26: 没有正确答案（需要“=”或正权重）");
	contest_diag_free(&d);
}

/* Problems the engine finds are reported at the question's line. */
static void test_engine_problem_has_line(void **state)
{
	const char *text = "::a:: ok {T}\n\n::b:: 两个答案都对 {=x =x2 ~y}\n";
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import_mem("two.gift", text, strlen(text), CONTEST_BANK_GIFT, NULL,
						 *state, "en", &b, &d, NULL),
			 -1);
	/* two '=' in a choice block weigh 200% */
	tc_has_line(&d, "two.gift:3:14: weights of the correct answers add up to 200%, not 100%");
	contest_diag_free(&d);
	const char *dup = "::a:: one {T}\n\n::a:: two {F}\n";
	assert_int_equal(contest_bank_import_mem("dup.gift", dup, strlen(dup), CONTEST_BANK_GIFT, NULL,
						 *state, "en", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "dup.gift:3: $.questions[1].id: duplicate id 'a' (first at $.questions[0])");
	contest_diag_free(&d);
}

static void test_empty_and_categories(void **state)
{
	const char *text = "// only comments\n\n$CATEGORY: x\n";
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_import_mem("empty.gift", text, strlen(text), CONTEST_BANK_GIFT, NULL,
						 *state, "en", &b, &d, NULL),
			 -1);
	tc_has_line(&d, "empty.gift: the file holds no questions");
	contest_diag_free(&d);
	/* --category applies to questions before any $CATEGORY; CRLF line ends */
	const char *t2 = "::a:: one {T}\r\n\r\n$CATEGORY: fire\r\n\r\n::b:: two {F}\r\n";
	contest_import_opts o = {.category = "general"};
	assert_int_equal(contest_bank_import_mem("cat.gift", t2, strlen(t2), CONTEST_BANK_GIFT, &o, *state,
						 "en", &b, &d, NULL),
			 0);
	assert_string_equal(tc_field_str(tc_question(b->root, "a"), "category"), "general");
	assert_string_equal(tc_field_str(tc_question(b->root, "b"), "category"), "fire");
	contest_bank_free(b);
	contest_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_roundtrip_text),
		cmocka_unit_test(test_roundtrip_json),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_category_prefixes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_zh),
		cmocka_unit_test(test_engine_problem_has_line),
		cmocka_unit_test(test_empty_and_categories),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
