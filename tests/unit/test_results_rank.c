/*
 * test_results_rank.c - the final ranking (ties by the contest's tie-break
 * order) and award tiers: every rule of docs/results.md on small rankings
 * computed by hand, and the "awards" definition's validation with its
 * located messages in both languages.
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

/* ---------- helpers ---------- */

/* Entries from totals in points (max 100 points each), ids 1..n. */
static void entries(results_entry *e, const double *pts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&e[i], 0, sizeof e[i]);
		e[i].st.total_milli = (int64_t)(pts[i] * 1000);
		e[i].st.id = (int64_t)i + 1;
		e[i].max_milli = 100000;
		e[i].passed = true;
	}
}

static score_tiebreak tb_of(const char *json)
{
	cJSON *rules = cJSON_Parse(json);
	score_tiebreak tb;
	char *err = NULL;
	assert_int_equal(score_tiebreak_parse(rules, &tb, &err), SCORE_OK);
	cJSON_Delete(rules);
	return tb;
}

static void parse_ok(const char *json, results_awards *a)
{
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	char *err = NULL;
	int rc = results_awards_parse(j, NULL, a, &err);
	if (rc != RESULTS_OK)
		fail_msg("%s: %s", json, err);
	cJSON_Delete(j);
}

/* Ranks and awards the totals; tiers[i] receives the tier of entry i (by id order). */
static void award(const char *awards_json, const char *tb_json, const double *pts, const bool *passed,
		  size_t n, int *tiers, results_why *why, int64_t *ranks)
{
	results_entry e[32];
	results_place pl[32];
	entries(e, pts, n);
	for (size_t i = 0; passed && i < n; i++)
		e[i].passed = passed[i];
	score_tiebreak tb = tb_of(tb_json ? tb_json : "{\"tiebreak\":[\"total\"]}");
	assert_int_equal(results_rank(e, n, &tb, pl, NULL), RESULTS_OK);
	results_awards a;
	parse_ok(awards_json, &a);
	assert_int_equal(results_awards_assign(&a, e, n, pl), RESULTS_OK);
	for (size_t i = 0; i < n; i++) {
		tiers[pl[i].entry] = pl[i].tier;
		if (why)
			why[pl[i].entry] = pl[i].why;
		if (ranks)
			ranks[pl[i].entry] = pl[i].rank;
	}
	results_awards_release(&a);
}

#define NONE RESULTS_TIER_NONE
#define PART RESULTS_TIER_PARTICIPATION

static void expect_tiers(const int *got, const int *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("entry %zu: tier %d, expected %d", i, got[i], want[i]);
}

/* ---------- ranking ---------- */

static void test_rank_competition(void **state)
{
	(void)state;
	const double pts[] = {80, 90, 70, 80, 90, 60};
	results_entry e[6];
	results_place pl[6];
	entries(e, pts, 6);
	score_tiebreak tb = tb_of("{\"tiebreak\":[\"total\"]}");
	assert_int_equal(results_rank(e, 6, &tb, pl, NULL), RESULTS_OK);
	/* 90 (id 2), 90 (id 5), 80 (1), 80 (4), 70, 60 -> 1, 1, 3, 3, 5, 6 */
	const size_t order[] = {1, 4, 0, 3, 2, 5};
	const int64_t rank[] = {1, 1, 3, 3, 5, 6};
	const bool tied[] = {true, true, true, true, false, false};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pl[i].entry, order[i]);
		assert_int_equal(pl[i].rank, rank[i]);
		assert_int_equal(pl[i].tied, tied[i]);
	}
}

static void test_rank_tiebreak_keys(void **state)
{
	(void)state;
	const double pts[] = {80, 80, 80, 80};
	results_entry e[4];
	results_place pl[4];
	entries(e, pts, 4);
	e[0].st.reached_ms = 5000, e[1].st.reached_ms = 4000, e[2].st.reached_ms = 4000,
	e[3].st.reached_ms = 4000;
	e[1].st.wrong = 1;
	/* default: total, reached, wrong, time, id: 3 and 4 equal on all but id */
	assert_int_equal(results_rank(e, 4, NULL, pl, NULL), RESULTS_OK);
	assert_int_equal(pl[0].entry, 2);
	assert_int_equal(pl[1].entry, 3);
	assert_int_equal(pl[2].entry, 1);
	assert_int_equal(pl[3].entry, 0);
	assert_int_equal(pl[0].rank, 1);
	assert_int_equal(pl[1].rank, 1);
	assert_true(pl[0].tied && pl[1].tied);
	assert_int_equal(pl[2].rank, 3);
	assert_false(pl[2].tied);
	assert_int_equal(pl[3].rank, 4);
	/* "id" before "time": the keys after id never separate ranks */
	e[2].st.time_ms = 100;
	e[3].st.time_ms = 50;
	score_tiebreak tb = tb_of("{\"tiebreak\":[\"total\",\"reached\",\"id\",\"time\"]}");
	assert_int_equal(results_rank(e, 4, &tb, pl, NULL), RESULTS_OK);
	for (int i = 0; i < 3; i++) { /* wrong is no key here: ids 2, 3, 4 share first place */
		assert_int_equal(pl[i].entry, i + 1);
		assert_int_equal(pl[i].rank, 1);
	}
	assert_int_equal(pl[3].rank, 4);
	/* with time as a key, 4 (50 ms) is alone in first place */
	e[1].st.time_ms = 200;
	tb = tb_of("{\"tiebreak\":[\"total\",\"reached\",\"time\"]}");
	assert_int_equal(results_rank(e, 4, &tb, pl, NULL), RESULTS_OK);
	assert_int_equal(pl[0].entry, 3);
	assert_false(pl[0].tied);
	assert_int_equal(pl[1].rank, 2);
}

static void test_rank_bad_data(void **state)
{
	(void)state;
	const double pts[] = {10, 20, 30};
	results_entry e[3];
	results_place pl[3];
	entries(e, pts, 3);
	e[2].st.id = 1;
	char *err = NULL;
	assert_int_equal(results_rank(e, 3, NULL, pl, &err), RESULTS_E_DATA);
	assert_string_equal(err, "entries: id 1 is repeated");
	e[2].st.id = 3;
	e[1].max_milli = 0;
	assert_int_equal(results_rank(e, 3, NULL, pl, &err), RESULTS_E_DATA);
	assert_string_equal(err, "entries[1]: max_milli must be > 0");
	free(err);
	assert_int_equal(results_rank(NULL, 0, NULL, NULL, NULL), RESULTS_OK);
	score_tiebreak bad = {0, {0}};
	assert_int_equal(results_rank(e, 3, &bad, pl, NULL), RESULTS_E_INVALID);
}

/* ---------- awards by rank ---------- */

#define COUNTS                                                                                                   \
	"{\"by\":\"rank\",\"tiers\":[{\"name\":\"一等奖\",\"count\":1},{\"name\":\"二等奖\",\"count\":2}," \
	"{\"name\":\"三等奖\",\"count\":3}]"

static void test_awards_ties_higher_lower(void **state)
{
	(void)state;
	const double pts[] = {100, 90, 90, 90, 80, 70, 60, 0};
	int t[8];
	results_why why[8];
	int64_t rank[8];
	/* places 1 | 2-3 | 4-6; the three 90s take places 2-4 */
	award(COUNTS "}", NULL, pts, NULL, 8, t, why, rank);
	expect_tiers(t, (int[]){0, 1, 1, 1, 2, 2, NONE, NONE}, 8);
	assert_int_equal(rank[3], 2);
	assert_int_equal(rank[4], 5);
	assert_int_equal(why[6], RESULTS_WHY_OUTSIDE);
	assert_int_equal(why[7], RESULTS_WHY_ZERO);
	assert_int_equal(why[1], RESULTS_WHY_AWARDED);
	/* lower: their last place is 4, a 三等奖 place */
	award(COUNTS ",\"ties\":\"lower\"}", NULL, pts, NULL, 8, t, NULL, NULL);
	expect_tiers(t, (int[]){0, 2, 2, 2, 2, 2, NONE, NONE}, 8);
	/* a tie across the last boundary: higher gives all of them the prize, lower none */
	const double pts2[] = {100, 90, 80, 70, 60, 60, 60};
	award(COUNTS "}", NULL, pts2, NULL, 7, t, NULL, NULL);
	expect_tiers(t, (int[]){0, 1, 1, 2, 2, 2, 2}, 7);
	award(COUNTS ",\"ties\":\"lower\"}", NULL, pts2, NULL, 7, t, why, NULL);
	expect_tiers(t, (int[]){0, 1, 1, 2, NONE, NONE, NONE}, 7);
	assert_int_equal(why[5], RESULTS_WHY_OUTSIDE);
}

static void test_awards_shares(void **state)
{
	(void)state;
	double pts[20];
	int t[20];
	for (int i = 0; i < 20; i++)
		pts[i] = 100 - i;
	/* N = 20: 10/20/30% -> places 2, 4, 6 (bounds floor(2), floor(6), floor(12)) */
	const char *def =
		"{\"by\":\"rank\",\"tiers\":[{\"name\":\"一等奖\",\"share\":10},{\"name\":\"二等奖\",\"share\":20},"
		"{\"name\":\"三等奖\",\"share\":30}]}";
	award(def, NULL, pts, NULL, 20, t, NULL, NULL);
	for (int i = 0; i < 20; i++)
		assert_int_equal(t[i], i < 2 ? 0 : i < 6 ? 1 : i < 12 ? 2 : NONE);
	/* N = 15: bounds floor(1.5)=1, floor(4.5)=4, floor(9)=9: cumulative, never above the shares */
	award(def, NULL, pts, NULL, 15, t, NULL, NULL);
	for (int i = 0; i < 15; i++)
		assert_int_equal(t[i], i < 1 ? 0 : i < 4 ? 1 : i < 9 ? 2 : NONE);
	/* a count then a share: 1, then 12.5% of 16 = 2 more */
	award("{\"by\":\"rank\",\"tiers\":[{\"name\":\"特等奖\",\"count\":1},{\"name\":\"一等奖\",\"share\":12.5}]}",
	      NULL, pts, NULL, 16, t, NULL, NULL);
	for (int i = 0; i < 16; i++)
		assert_int_equal(t[i], i < 1 ? 0 : i < 3 ? 1 : NONE);
}

static void test_awards_eligibility(void **state)
{
	(void)state;
	/* 95 failed (require_pass), 59 below min_percent 60, 0 never: places pass on */
	const double pts[] = {95, 90, 85, 80, 59, 0};
	const bool passed[] = {false, true, true, true, true, true};
	int t[6];
	results_why why[6];
	award(COUNTS ",\"require_pass\":true,\"min_percent\":60}", NULL, pts, passed, 6, t, why, NULL);
	expect_tiers(t, (int[]){NONE, 0, 1, 1, NONE, NONE}, 6);
	assert_int_equal(why[0], RESULTS_WHY_FAILED);
	assert_int_equal(why[4], RESULTS_WHY_BELOW_MIN);
	assert_int_equal(why[5], RESULTS_WHY_ZERO);
	/* min_points */
	award(COUNTS ",\"min_points\":85.5}", NULL, pts, NULL, 6, t, why, NULL);
	expect_tiers(t, (int[]){0, 1, NONE, NONE, NONE, NONE}, 6);
	assert_int_equal(why[2], RESULTS_WHY_BELOW_MIN);
	/* negative totals (negative marking) are never awarded */
	const double neg[] = {-5, 10};
	award(COUNTS "}", NULL, neg, NULL, 2, t, why, NULL);
	expect_tiers(t, (int[]){NONE, 0}, 2);
	assert_int_equal(why[0], RESULTS_WHY_ZERO);
}

static void test_awards_participation(void **state)
{
	(void)state;
	const double pts[] = {100, 90, 80, 70, 30, 20, 0};
	int t[7];
	results_why why[7];
	award("{\"by\":\"rank\",\"tiers\":[{\"name\":\"一等奖\",\"count\":1},{\"name\":\"优秀奖\",\"count\":2}],"
	      "\"participation\":{\"name\":{\"zh-CN\":\"参与奖\",\"en\":\"Participation\"},\"min_percent\":25}}",
	      NULL, pts, NULL, 7, t, why, NULL);
	expect_tiers(t, (int[]){0, 1, 1, PART, PART, NONE, NONE}, 7);
	assert_int_equal(why[3], RESULTS_WHY_AWARDED);
	assert_int_equal(why[5], RESULTS_WHY_OUTSIDE);
	assert_int_equal(why[6], RESULTS_WHY_ZERO);
	/* a participation tier given as a bare name, no minimum */
	award("{\"by\":\"rank\",\"tiers\":[{\"name\":\"一等奖\",\"count\":1}],\"participation\":\"纪念奖\"}",
	      NULL, pts, NULL, 7, t, NULL, NULL);
	expect_tiers(t, (int[]){0, PART, PART, PART, PART, PART, NONE}, 7);
}

/* ---------- awards by score ---------- */

static void test_awards_by_score(void **state)
{
	(void)state;
	const double pts[] = {100, 90, 89.999, 75, 60, 59.999, 0};
	int t[7];
	award("{\"by\":\"score\",\"tiers\":[{\"name\":\"优秀\",\"min_percent\":90},{\"name\":\"良好\",\"min_percent\":75},"
	      "{\"name\":\"合格\",\"min_percent\":60}]}",
	      NULL, pts, NULL, 7, t, NULL, NULL);
	expect_tiers(t, (int[]){0, 0, 1, 1, 2, NONE, NONE}, 7);
	/* percent of each participant's own maximum (exact integers) */
	results_entry e[2];
	results_place pl[2];
	const double p2[] = {2, 1};
	entries(e, p2, 2);
	e[0].max_milli = 3000; /* 66.67% */
	e[1].max_milli = 1000; /* 100% */
	results_awards a;
	parse_ok(
		"{\"by\":\"score\",\"tiers\":[{\"name\":\"A\",\"min_percent\":66.667},{\"name\":\"B\",\"min_percent\":"
		"66.666}]}",
		&a);
	assert_int_equal(results_rank(e, 2, NULL, pl, NULL), RESULTS_OK);
	assert_int_equal(results_awards_assign(&a, e, 2, pl), RESULTS_OK);
	assert_int_equal(pl[0].tier, 1); /* 2/3 = 66.6666...% < 66.667 */
	assert_int_equal(pl[1].tier, 0);
	assert_string_equal(results_tier_name(&a, 0, "en"), "A");
	results_awards_release(&a);
}

static void test_awards_names(void **state)
{
	(void)state;
	results_awards a;
	parse_ok(
		"{\"by\":\"rank\",\"tiers\":[{\"name\":{\"zh-CN\":\"一等奖\",\"en\":\"First prize\"},\"count\":1},"
		"{\"name\":\"二等奖\",\"count\":1}],\"participation\":{\"name\":\"参与奖\"}}",
		&a);
	assert_string_equal(results_tier_name(&a, 0, "zh-CN"), "一等奖");
	assert_string_equal(results_tier_name(&a, 0, "en"), "First prize");
	assert_string_equal(results_tier_name(&a, 1, "en"), "二等奖"); /* no English: the Chinese */
	assert_string_equal(results_tier_name(&a, PART, NULL), "参与奖");
	assert_string_equal(results_tier_name(&a, NONE, NULL), "");
	assert_string_equal(results_tier_name(&a, 7, NULL), "");
	assert_int_equal(a.ties, RESULTS_TIES_HIGHER);
	results_awards_release(&a);
	/* a name of 64 Chinese characters is accepted, 65 are not */
	char name[65 * 3 + 1] = "", json[512];
	for (int i = 0; i < 64; i++)
		strcat(name, "奖");
	snprintf(json, sizeof json, "{\"by\":\"rank\",\"tiers\":[{\"name\":\"%s\",\"count\":1}]}", name);
	parse_ok(json, &a);
	assert_string_equal(results_tier_name(&a, 0, NULL), name);
	results_awards_release(&a);
	strcat(name, "奖");
	snprintf(json, sizeof json, "{\"by\":\"rank\",\"tiers\":[{\"name\":\"%s\",\"count\":1}]}", name);
	cJSON *j = cJSON_Parse(json);
	char *err = NULL;
	assert_int_equal(results_awards_parse(j, "en", &a, &err), RESULTS_E_DEFINITION);
	assert_non_null(
		strstr(err, "$.awards.tiers[0].name: must be a non-empty text (at most 64 characters)"));
	free(err);
	cJSON_Delete(j);
}

/* ---------- validation ---------- */

static char *parse_err(const char *json, const char *lang)
{
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	results_awards a;
	char *err = NULL;
	assert_int_equal(results_awards_parse(j, lang, &a, &err), RESULTS_E_DEFINITION);
	cJSON_Delete(j);
	assert_non_null(err);
	return err;
}

static void test_awards_validation(void **state)
{
	(void)state;
	char *err =
		parse_err("{\"by\":\"rank\",\"ties\":\"both\",\"min_percent\":120,\"colour\":1,"
			  "\"tiers\":[{\"name\":\"一等奖\"},{\"name\":\"\",\"count\":0},"
			  "{\"name\":\"三等奖\",\"count\":2,\"share\":5},{\"name\":\"优秀奖\",\"share\":70.5,"
			  "\"min_percent\":3},{\"name\":\"x\",\"share\":40}]}",
			  "en");
	const char *want =
		"$.awards: unknown field 'colour'\n"
		"$.awards.ties: must be higher or lower\n"
		"$.awards.min_percent: must be a percentage from 0 to 100 (at most three decimals)\n"
		"$.awards.tiers[0]: by rank, each tier needs exactly one of count or share\n"
		"$.awards.tiers[1].name: must be a non-empty text (at most 64 characters) or {\"zh-CN\": ..., "
		"\"en\": ...}\n"
		"$.awards.tiers[1].count: must be an integer from 1 to 1000000\n"
		"$.awards.tiers[2]: by rank, each tier needs exactly one of count or share\n"
		"$.awards.tiers[3].min_percent: 'min_percent' is only for awards by score\n"
		"$.awards.tiers: the shares add up to more than 100%";
	assert_string_equal(err, want);
	free(err);
	err = parse_err(
		"{\"by\":\"score\",\"require_pass\":\"yes\",\"tiers\":[{\"name\":\"优秀\",\"min_percent\":80},"
		"{\"name\":\"良好\",\"min_percent\":85,\"count\":3},{\"name\":\"合格\"},{\"name\":\"及格\","
		"\"min_percent\":60.0001}],\"participation\":{\"title\":\"参与奖\"}}",
		"zh-CN");
	want = "$.awards.require_pass: 应为 true 或 false\n"
	       "$.awards.tiers[1].count: “count”只用于按名次评奖（by: rank）\n"
	       "$.awards.tiers[1].min_percent: min_percent 应逐级递减（高奖项在前）\n"
	       "$.awards.tiers[2]: 按分数评奖时每个奖项须有 min_percent\n"
	       "$.awards.tiers[3].min_percent: 应为 0 到 100 的百分比（至多三位小数）\n"
	       "$.awards.participation: 未知字段“title”\n"
	       "$.awards.participation: 缺少必填字段“name”";
	assert_string_equal(err, want);
	free(err);
	err = parse_err("{\"tiers\":[]}", "en");
	assert_string_equal(
		err,
		"$.awards: missing required field 'by'\n$.awards.tiers: must be an array of 1 to 16 tiers");
	free(err);
	err = parse_err("[1]", "en");
	assert_string_equal(err, "$.awards: expected an object");
	free(err);
	err = parse_err(
		"{\"by\":\"votes\",\"tiers\":[{\"name\":{\"zh-CN\":\"一等奖\",\"fr\":\"premier\"},\"count\":1}]}",
		"en");
	assert_string_equal(
		err, "$.awards.by: must be rank or score\n$.awards.tiers[0].name: must be a non-empty text "
		     "(at most 64 characters) or {\"zh-CN\": ..., \"en\": ...}");
	free(err);
	/* 17 tiers */
	char json[2048] = "{\"by\":\"rank\",\"tiers\":[";
	for (int i = 0; i < 17; i++)
		strcat(json, i ? ",{\"name\":\"t\",\"count\":1}" : "{\"name\":\"t\",\"count\":1}");
	strcat(json, "]}");
	err = parse_err(json, "en");
	assert_string_equal(err, "$.awards.tiers: must be an array of 1 to 16 tiers");
	free(err);
}

/* The schema fragment is JSON and its examples are valid definitions. */
static void test_schema_examples(void **state)
{
	(void)state;
	FILE *f = fopen("results/awards.schema.json", "rb");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	cJSON *schema = cJSON_Parse(buf);
	assert_non_null(schema);
	const cJSON *ex = cJSON_GetObjectItem(schema, "examples"), *e;
	assert_int_equal(cJSON_GetArraySize(ex), 3);
	cJSON_ArrayForEach(e, ex)
	{
		results_awards a;
		char *err = NULL;
		if (results_awards_parse(e, "en", &a, &err) != RESULTS_OK)
			fail_msg("schema example refused: %s", err);
		results_awards_release(&a);
	}
	cJSON_Delete(schema);
}

static void test_errors(void **state)
{
	(void)state;
	assert_string_equal(results_errname(RESULTS_E_DEFINITION), "invalid_awards");
	assert_string_equal(results_strerror(RESULTS_E_DATA, "en"), "inconsistent results data");
	assert_string_equal(results_strerror(RESULTS_E_DATA, NULL), "成绩数据不一致");
	assert_string_equal(results_strerror(-99, "en"), "unknown error");
	assert_string_equal(results_errname(-99), "internal");
	for (int c = 0; c >= RESULTS_E_RANGE; c--) {
		assert_string_not_equal(results_strerror(c, "en"), "unknown error");
		assert_string_not_equal(results_strerror(c, "zh-CN"), "未知错误");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_competition),     cmocka_unit_test(test_rank_tiebreak_keys),
		cmocka_unit_test(test_rank_bad_data),        cmocka_unit_test(test_awards_ties_higher_lower),
		cmocka_unit_test(test_awards_shares),        cmocka_unit_test(test_awards_eligibility),
		cmocka_unit_test(test_awards_participation), cmocka_unit_test(test_awards_by_score),
		cmocka_unit_test(test_awards_names),         cmocka_unit_test(test_awards_validation),
		cmocka_unit_test(test_schema_examples),      cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
