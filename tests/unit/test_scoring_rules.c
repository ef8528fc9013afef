/*
 * test_scoring_rules.c - the engine's pure helpers: text normalization and
 * number parsing (normalize.c), judged marks (types/judged.c), stage weights
 * and pass marks, tie-breaks (rank.c). Tables, one cmocka test per row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scoring_plugin.h"

/* ---------- normalize.c ---------- */

typedef struct ncase {
	const char *name, *in;
	int fold;
	const char *out; /* NULL: refused */
} ncase;

static const ncase norm_cases[] = {
	{"ascii unchanged", "A=ma", 0, "A=ma"},
	{"full-width letters", "Ａ＝ｍａ", 0, "A=ma"},
	{"full-width fold", "Ａ＝ＭＡ", 1, "a=ma"},
	{"ideographic space", "预防　为主", 0, "预防 为主"},
	{"trim and collapse", "  a \t\n b  ", 0, "a b"},
	{"nbsp",
	 "a\xc2\xa0"
	 "b",
	 0, "a b"},
	{"zero width dropped",
	 "a\xe2\x80\x8b"
	 "b",
	 0, "ab"},
	{"bom dropped",
	 "\xef\xbb\xbf"
	 "ab",
	 0, "ab"},
	{"cjk kept", "安全第一", 0, "安全第一"},
	{"fold only ascii", "ÄB", 1, "Äb"},
	{"full-width digits", "１２３", 0, "123"},
	{"empty", "", 0, ""},
	{"only spaces", " 　 ", 0, ""},
	{"bad lead byte", "\xff", 0, NULL},
	{"overlong slash", "\xc0\xaf", 0, NULL},
	{"surrogate", "\xed\xa0\x80", 0, NULL},
	{"truncated", "\xe5\xae", 0, NULL},
	{"above U+10FFFF", "\xf4\x90\x80\x80", 0, NULL},
	{"emoji kept", "\xf0\x9f\x94\xa5", 0, "\xf0\x9f\x94\xa5"},
};

static void run_norm(void **state)
{
	const ncase *c = *state;
	char buf[64];
	int n = score_normalize_text(c->in, strlen(c->in), buf, sizeof buf, c->fold);
	if (!c->out) {
		assert_int_equal(n, -1);
		assert_false(score_utf8_valid(c->in, strlen(c->in)));
		return;
	}
	assert_int_equal(n, (int)strlen(c->out));
	assert_string_equal(buf, c->out);
}

typedef struct numcase {
	const char *name, *in;
	int ok;
	double want;
} numcase;

static const numcase num_cases[] = {
	{"plain", "3.5", 1, 3.5},
	{"comma", "3,5", 1, 3.5},
	{"full-width", "３．５", 1, 3.5},
	{"full-width comma", "３，５", 1, 3.5},
	{"negative", "-2", 1, -2},
	{"plus", "+2", 1, 2},
	{"spaces", "  7 ", 1, 7},
	{"exponent", "1e3", 1, 1000},
	{"negative exponent", "25E-1", 1, 2.5},
	{"leading point", ".5", 1, 0.5},
	{"trailing point", "5.", 1, 5},
	{"minus zero", "-0", 1, 0},
	{"empty", "", 0, 0},
	{"sign only", "-", 0, 0},
	{"point only", ".", 0, 0},
	{"two separators", "1,000.5", 0, 0},
	{"letters", "abc", 0, 0},
	{"nan", "nan", 0, 0},
	{"infinity", "infinity", 0, 0},
	{"hex", "0x10", 0, 0},
	{"overflow", "1e400", 0, 0},
	{"bare exponent", "1e", 0, 0},
	{"inner space", "1 000", 0, 0},
	{"unit", "5kg", 0, 0},
	{"bad utf-8", "5\xff", 0, 0},
};

static void run_num(void **state)
{
	const numcase *c = *state;
	double d = -12345;
	int rc = score_parse_number(c->in, strlen(c->in), &d);
	assert_int_equal(rc, c->ok ? 0 : -1);
	if (c->ok) {
		assert_true(d == c->want);
		char buf[40];
		score_format_number(d, buf, sizeof buf);
		double back;
		assert_int_equal(score_parse_number(buf, strlen(buf), &back), 0);
		assert_true(back == d);
	}
}

static void test_format_number(void **state)
{
	char buf[40];
	score_format_number(0.1, buf, sizeof buf);
	assert_string_equal(buf, "0.1");
	score_format_number(-0.0, buf, sizeof buf);
	assert_string_equal(buf, "0");
	score_format_number(1.0 / 3, buf, sizeof buf);
	assert_string_equal(buf, "0.3333333333333333");
	score_format_number(1e21, buf, sizeof buf);
	assert_string_equal(buf, "1e+21");
}

/* ---------- judged marks ---------- */

#define JQ                                                                                      \
	"{\"type\":\"judged\",\"rubric\":[{\"id\":\"m1\",\"kind\":\"measurement\",\"max\":10}," \
	"{\"id\":\"m2\",\"kind\":\"measurement\",\"max\":20,\"scale\":5},{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":30}]}"
#define JP                                                                                    \
	"{\"type\":\"judged\",\"panel\":{\"min_judges\":3,\"trim_from\":0,\"max_spread\":0}," \
	"\"rubric\":[{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":9}]}"

typedef struct jcase {
	const char *name, *q, *marks;
	int rc;
	int64_t total; /* rubric milli-points */
	int nflagged;
	int64_t j1_points; /* the judgement aspect's points */
	int j1_counted, j1_spread;
} jcase;

static const jcase judged_cases[] = {
	{"all full", JQ, "{\"m1\":true,\"m2\":5,\"j1\":[3,3,3]}", 0, 60000, 0, 30000, 3, 0},
	{"mean of three", JQ, "{\"m1\":false,\"m2\":0,\"j1\":[2,3,3]}", 0, 26667, 0, 26667, 3, 1},
	{"spread 2 flagged", JQ, "{\"m1\":false,\"m2\":0,\"j1\":[1,3,2]}", 0, 20000, 1, 20000, 3, 2},
	{"five judges trimmed", JQ, "{\"m1\":false,\"m2\":0,\"j1\":[3,2,2,2,0]}", 0, 20000, 1, 20000, 3, 3},
	{"four judges not trimmed", JQ, "{\"m1\":false,\"m2\":0,\"j1\":[3,2,2,0]}", 0, 17500, 1, 17500, 4, 3},
	{"seven judges trimmed", JQ, "{\"m1\":false,\"m2\":0,\"j1\":[3,3,3,2,2,2,1]}", 0, 24000, 1, 24000, 5,
	 2},
	{"scale decimals", JQ, "{\"m1\":true,\"m2\":2.125,\"j1\":[0]}", 0, 18500, 0, 0, 1, 0},
	{"docs/scoring.md example", JQ, "{\"m1\":true,\"m2\":3.5,\"j1\":[3,2,2,3,1]}", 0, 47333, 1, 23333, 3,
	 2},
	{"measurement as 1", JQ, "{\"m1\":1,\"m2\":0,\"j1\":[0]}", 0, 10000, 0, 0, 1, 0},
	{"scale four decimals", JQ, "{\"m1\":1,\"m2\":2.1255,\"j1\":[0]}", SCORE_E_RANGE, 0, 0, 0, 0, 0},
	{"negative scale", JQ, "{\"m1\":1,\"m2\":-1,\"j1\":[0]}", SCORE_E_RANGE, 0, 0, 0, 0, 0},
	{"scale as bool", JQ, "{\"m1\":1,\"m2\":true,\"j1\":[0]}", SCORE_E_RESPONSE, 0, 0, 0, 0, 0},
	{"judge mark string", JQ, "{\"m1\":1,\"m2\":1,\"j1\":[\"3\"]}", SCORE_E_RESPONSE, 0, 0, 0, 0, 0},
	{"seventeen judges", JQ, "{\"m1\":1,\"m2\":1,\"j1\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}",
	 SCORE_E_RESPONSE, 0, 0, 0, 0, 0},
	{"panel min judges", JP, "{\"j1\":[3,3]}", SCORE_E_RESPONSE, 0, 0, 0, 0, 0},
	{"panel no trim", JP, "{\"j1\":[3,3,3,3,0]}", 0, 7200, 1, 7200, 5, 3},
	{"panel strict spread", JP, "{\"j1\":[2,3,3]}", 0, 8000, 1, 8000, 3, 1},
	{"panel agreed", JP, "{\"j1\":[2,2,2]}", 0, 6000, 0, 6000, 3, 0},
};

static void run_judged(void **state)
{
	const jcase *c = *state;
	score_engine *eng;
	assert_int_equal(score_engine_new(&eng, NULL, NULL), 0);
	cJSON *q = cJSON_Parse(c->q), *m = cJSON_Parse(c->marks);
	assert_non_null(m);
	score_question *sq = NULL;
	char *err = NULL;
	assert_int_equal(score_compile(eng, q, NULL, &sq, &err), 0);
	score_judged j;
	assert_int_equal(score_judged_combine(sq, m, &j), c->rc);
	score_result res;
	assert_int_equal(score_answer(sq, m, NULL, &res), c->rc);
	if (c->rc == 0) {
		assert_int_equal(j.points_milli, c->total);
		assert_int_equal(j.nflagged, c->nflagged);
		const score_aspect_mark *a = &j.aspects[j.naspects - 1];
		assert_string_equal(a->id, "j1");
		assert_int_equal(a->judgement, 1);
		assert_int_equal(a->points_milli, c->j1_points);
		assert_int_equal(a->counted, c->j1_counted);
		assert_int_equal(a->spread, c->j1_spread);
		/* the question's natural points are the rubric's total */
		assert_int_equal(res.max_milli, j.max_milli);
		assert_int_equal(res.points_milli, j.points_milli);
	}
	score_question_free(sq);
	score_engine_free(eng);
	cJSON_Delete(q);
	cJSON_Delete(m);
}

static void test_judged_scaled_and_refused(void **state)
{
	score_engine *eng;
	assert_int_equal(score_engine_new(&eng, NULL, NULL), 0);
	/* a 60-point rubric played as a 100-point question */
	cJSON *q = cJSON_Parse(JQ);
	cJSON_AddNumberToObject(q, "points", 100);
	score_question *sq = NULL;
	assert_int_equal(score_compile(eng, q, NULL, &sq, NULL), 0);
	cJSON *m = cJSON_Parse("{\"m1\":false,\"m2\":2.5,\"j1\":[2,2,2]}");
	score_result res;
	assert_int_equal(score_answer(sq, m, NULL, &res), 0);
	assert_int_equal(res.points_milli, 50000);
	assert_int_equal(res.max_milli, 100000);
	assert_int_equal(res.correctness, SCORE_PARTIAL);
	score_question_free(sq);
	cJSON_Delete(q);
	/* not a judged question */
	q = cJSON_Parse("{\"type\":\"true_false\",\"answer\":true}");
	assert_int_equal(score_compile(eng, q, NULL, &sq, NULL), 0);
	score_judged j;
	assert_int_equal(score_judged_combine(sq, m, &j), SCORE_E_DEFINITION);
	score_question_free(sq);
	cJSON_Delete(q);
	cJSON_Delete(m);
	score_engine_free(eng);
}

/* ---------- stages ---------- */

typedef struct scase {
	const char *name;
	score_stage st[3];
	int n;
	int64_t scale, pass;
	int rc;
	int64_t total;
	int passed, failed;
} scase;

static const scase stage_cases[] = {
	{"30/70", {{80000, 100000, 30, 0}, {60000, 100000, 70, 0}}, 2, 100000, 0, 0, 66000, 1, -1},
	{"3/7 same as 30/70", {{80000, 100000, 3, 0}, {60000, 100000, 7, 0}}, 2, 100000, 0, 0, 66000, 1, -1},
	{"different maxima", {{45000, 50000, 30, 0}, {150000, 200000, 70, 0}}, 2, 100000, 0, 0, 79500, 1, -1},
	{"thirds rounded", {{1000, 3000, 1, 0}}, 1, 100000, 0, 0, 33333, 1, -1},
	{"two thirds rounded", {{2000, 3000, 1, 0}}, 1, 100000, 0, 0, 66667, 1, -1},
	{"stage pass met",
	 {{60000, 100000, 30, 600000}, {60000, 100000, 70, 600000}},
	 2,
	 100000,
	 0,
	 0,
	 60000,
	 1,
	 -1},
	{"stage pass missed",
	 {{59999, 100000, 30, 600000}, {90000, 100000, 70, 600000}},
	 2,
	 100000,
	 0,
	 0,
	 81000,
	 0,
	 0},
	{"second stage missed",
	 {{90000, 100000, 30, 600000}, {50000, 100000, 70, 600000}},
	 2,
	 100000,
	 0,
	 0,
	 62000,
	 0,
	 1},
	{"overall pass missed",
	 {{60000, 100000, 50, 0}, {60000, 100000, 50, 0}},
	 2,
	 100000,
	 700000,
	 0,
	 60000,
	 0,
	 -1},
	{"overall pass met",
	 {{70000, 100000, 50, 0}, {70000, 100000, 50, 0}},
	 2,
	 100000,
	 700000,
	 0,
	 70000,
	 1,
	 -1},
	{"zero weight stage", {{0, 100000, 0, 0}, {100000, 100000, 1, 0}}, 2, 100000, 0, 0, 100000, 1, -1},
	{"three stages",
	 {{50000, 100000, 20, 0}, {80000, 100000, 30, 0}, {90000, 100000, 50, 0}},
	 3,
	 100000,
	 0,
	 0,
	 79000,
	 1,
	 -1},
	{"all weights zero", {{1, 100000, 0, 0}}, 1, 100000, 0, SCORE_E_RULES, 0, 0, 0},
	{"max zero", {{0, 0, 1, 0}}, 1, 100000, 0, SCORE_E_RULES, 0, 0, 0},
	{"points above max", {{2, 1, 1, 0}}, 1, 100000, 0, SCORE_E_RULES, 0, 0, 0},
	{"no stages", {{0}}, 0, 100000, 0, SCORE_E_RULES, 0, 0, 0},
	{"pass above 100%", {{1, 1, 1, 1000001}}, 1, 100000, 0, SCORE_E_RULES, 0, 0, 0},
};

static void run_stage(void **state)
{
	const scase *c = *state;
	score_stage_total t = {-1, -1, -2};
	assert_int_equal(score_combine_stages(c->st, c->n, c->scale, c->pass, &t), c->rc);
	if (c->rc == 0) {
		assert_int_equal(t.total_milli, c->total);
		assert_int_equal(t.passed, c->passed);
		assert_int_equal(t.failed_stage, c->failed);
	}
}

/* ---------- tie-breaks ---------- */

typedef struct tcase {
	const char *name, *rules;
	score_standing a, b;
	int want; /* sign of compare(a, b) */
} tcase;

/* total, reached, time, correct, wrong, id */
#define S(t, r, tm, c, w, id)      \
	{                          \
		t, r, tm, c, w, id \
	}
static const tcase tb_cases[] = {
	{"higher total first", NULL, S(2000, 9, 9, 0, 9, 9), S(1000, 1, 1, 9, 0, 1), -1},
	{"earlier reach first", NULL, S(1000, 5, 9, 0, 9, 9), S(1000, 6, 1, 9, 0, 1), -1},
	{"fewer wrong first", NULL, S(1000, 5, 9, 0, 1, 9), S(1000, 5, 1, 9, 2, 1), -1},
	{"less time first", NULL, S(1000, 5, 8, 0, 1, 9), S(1000, 5, 9, 9, 1, 1), -1},
	{"lower id last", NULL, S(1000, 5, 8, 0, 1, 1), S(1000, 5, 8, 9, 1, 2), -1},
	{"same standing", NULL, S(1000, 5, 8, 0, 1, 1), S(1000, 5, 8, 0, 1, 1), 0},
	{"correct when asked", "{\"tiebreak\":[\"total\",\"correct\"]}", S(1000, 9, 9, 5, 9, 9),
	 S(1000, 1, 1, 4, 0, 1), -1},
	{"id appended", "{\"tiebreak\":[\"total\",\"correct\"]}", S(1000, 9, 9, 5, 9, 2),
	 S(1000, 1, 1, 5, 0, 1), 1},
	{"time before wrong", "{\"tiebreak\":[\"total\",\"time\",\"wrong\"]}", S(1000, 9, 1, 0, 9, 9),
	 S(1000, 1, 2, 9, 0, 1), -1},
	{"negative totals", NULL, S(-500, 1, 1, 0, 0, 1), S(0, 9, 9, 0, 9, 9), 1},
};

static void run_tb(void **state)
{
	const tcase *c = *state;
	cJSON *r = c->rules ? cJSON_Parse(c->rules) : NULL;
	score_tiebreak tb;
	char *err = NULL;
	assert_int_equal(score_tiebreak_parse(r, &tb, &err), 0);
	int got = score_tiebreak_compare(&tb, &c->a, &c->b);
	assert_int_equal((got > 0) - (got < 0), c->want);
	got = score_tiebreak_compare(&tb, &c->b, &c->a); /* antisymmetric */
	assert_int_equal((got > 0) - (got < 0), -c->want);
	cJSON_Delete(r);
}

static void test_tiebreak_parse(void **state)
{
	static const struct {
		const char *rules, *msg;
	} bad[] = {
		{"{\"tiebreak\":[]}", "non-empty"},
		{"{\"tiebreak\":\"total\"}", "non-empty"},
		{"{\"tiebreak\":[\"reached\",\"total\"]}", "tiebreak[0]: must be \"total\""},
		{"{\"tiebreak\":[\"total\",\"luck\"]}", "tiebreak[1]: must be one of"},
		{"{\"tiebreak\":[\"total\",\"wrong\",\"wrong\"]}", "'wrong' is repeated"},
		{"{\"tiebreak\":[\"total\",3]}", "tiebreak[1]"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *r = cJSON_Parse(bad[i].rules);
		score_tiebreak tb;
		char *err = NULL;
		assert_int_equal(score_tiebreak_parse(r, &tb, &err), SCORE_E_RULES);
		assert_non_null(err);
		if (!strstr(err, bad[i].msg))
			print_error("'%s' lacks '%s'\n", err, bad[i].msg);
		assert_non_null(strstr(err, bad[i].msg));
		free(err);
		cJSON_Delete(r);
	}
	score_tiebreak tb;
	assert_int_equal(score_tiebreak_parse(NULL, &tb, NULL), 0);
	assert_int_equal(tb.n, 5);
	assert_string_equal(score_tiebreak_name(tb.keys[1]), "reached");
	assert_string_equal(score_tiebreak_name(tb.keys[4]), "id");
	/* the contest "scoring" object carries it alongside question rules */
	score_engine *eng;
	assert_int_equal(score_engine_new(&eng, NULL, NULL), 0);
	cJSON *rules = cJSON_Parse("{\"points\":100,\"tiebreak\":[\"total\",\"wrong\"]}");
	cJSON *q = cJSON_Parse("{\"type\":\"true_false\",\"answer\":true}");
	score_question *sq = NULL;
	assert_int_equal(score_compile(eng, q, rules, &sq, NULL), 0);
	score_question_free(sq);
	cJSON_Delete(q);
	cJSON_Delete(rules);
	score_engine_free(eng);
}

/* A leaderboard sorted with the compare function is a total order. */
static int cmp_default(const void *a, const void *b)
{
	return score_tiebreak_compare(&score_tiebreak_default, a, b);
}

static void test_tiebreak_sort(void **state)
{
	score_standing s[200];
	unsigned x = 12345;
	for (int i = 0; i < 200; i++) {
		x = x * 1103515245 + 12345;
		s[i] = (score_standing){(x >> 8) % 5 * 1000,  (x >> 4) % 7,         (x >> 12) % 3,
					(int)((x >> 16) % 4), (int)((x >> 20) % 3), 200 - i};
	}
	qsort(s, 200, sizeof s[0], cmp_default);
	for (int i = 1; i < 200; i++) {
		assert_true(cmp_default(&s[i - 1], &s[i]) < 0);
		assert_true(s[i - 1].total_milli >= s[i].total_milli);
	}
}

#define TABLE(arr, fn)                                                                                \
	do {                                                                                          \
		size_t n_ = sizeof arr / sizeof arr[0];                                               \
		struct CMUnitTest *t_ = calloc(n_, sizeof *t_);                                       \
		for (size_t i_ = 0; i_ < n_; i_++)                                                    \
			t_[i_] = (struct CMUnitTest){arr[i_].name, fn, NULL, NULL, (void *)&arr[i_]}; \
		fails += _cmocka_run_group_tests(#arr, t_, n_, NULL, NULL);                           \
		free(t_);                                                                             \
	} while (0)

int main(void)
{
	int fails = 0;
	TABLE(norm_cases, run_norm);
	TABLE(num_cases, run_num);
	TABLE(judged_cases, run_judged);
	TABLE(stage_cases, run_stage);
	TABLE(tb_cases, run_tb);
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_format_number),
		cmocka_unit_test(test_judged_scaled_and_refused),
		cmocka_unit_test(test_tiebreak_parse),
		cmocka_unit_test(test_tiebreak_sort),
	};
	fails += cmocka_run_group_tests_name("scoring_rules", other, NULL, NULL);
	return fails ? 1 : 0;
}
