/*
 * test_results_items.c - item analysis (results/items.c):
 *
 *   - a 5 x 3 right/wrong paper whose every statistic was computed by hand
 *     (the working is in the comments);
 *   - two generated papers (partial credit, negative marks, blanks, papers
 *     drawn per attempt; and a right/wrong one for KR-20) written to CSV and
 *     analysed a second time by tests/unit/results_items_ref.py, an
 *     independent Python implementation (statistics module): every figure of
 *     results_analysis_json() must agree to 1e-9;
 *   - flags with their thresholds, and refused data.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"

#define EPS 1e-6

/* ---------- by hand ---------- */

/*
 * Attempt  q0 q1 q2  total      (1 point each, 1000 milli)
 *   0       1  1  1    3
 *   1       1  1  0    2
 *   2       1  0  1    2
 *   3       1  0  0    1
 *   4       0  0  0    0
 * q0: F = 0.8; SD = sqrt(0.8/4) = 0.447214; rest y = 2,1,1,0,0:
 *     Sxy = 0.8, Sxx = 0.8, Syy = 2.8 -> r = 0.8/sqrt(2.24) = 0.534522;
 *     sorted pairs give Cov_max = Cov -> DE = 100;
 *     groups of round(0.27 x 5) = 1: upper {0}, lower {4} -> d27 = 1 - 0 = 1.
 * q1: x = 1,1,0,0,0, y = 2,1,2,1,0: Sxy = 0.6, Sxx = 1.2, Syy = 2.8 -> r = 0.327327, d27 = 1.
 * q2: x = 1,0,1,0,0, y = 2,2,1,1,0: the same r.
 * alpha = 3/2 (1 - (0.2 + 0.3 + 0.3) / 1.3) = 0.576923 (Var(total) = 5.2/4 = 1.3);
 * KR-20 = 3/2 (1 - (0.16 + 0.24 + 0.24) / 1.04) = 0.576923 (population variance 1.04);
 * SEM = sqrt(1.3) sqrt(1 - 0.576923) = 0.741620 points.
 */
static void test_by_hand(void **state)
{
	(void)state;
	static const int m[5][3] = {{1, 1, 1}, {1, 1, 0}, {1, 0, 1}, {1, 0, 0}, {0, 0, 0}};
	results_item_def items[3] = {{"q0", 1000, 2}, {"q1", 1000, 2}, {"q2", 1000, 0}};
	results_response r[15];
	size_t n = 0;
	for (size_t a = 0; a < 5; a++)
		for (size_t i = 0; i < 3; i++)
			r[n++] = (results_response){a, i, m[a][i] * 1000, i < 2 ? (m[a][i] ? 1u : 2u) : 0,
						    true};
	results_analysis *an = NULL;
	assert_int_equal(results_items_analyse(items, 3, r, n, 5, NULL, &an, NULL), RESULTS_OK);
	const results_item_stats *q = an->items;
	assert_int_equal(q[0].n, 5);
	assert_float_equal(q[0].facility, 0.8, EPS);
	assert_float_equal(q[0].sd, 0.447214, EPS);
	assert_float_equal(q[0].r_pbis, 0.534522, EPS);
	assert_float_equal(q[0].de, 100, EPS);
	assert_float_equal(q[0].d27, 1, EPS);
	assert_float_equal(q[0].option_share[0], 0.8, EPS);
	assert_float_equal(q[0].option_share[1], 0.2, EPS);
	assert_float_equal(q[1].facility, 0.4, EPS);
	assert_float_equal(q[1].r_pbis, 0.327327, EPS);
	assert_float_equal(q[2].r_pbis, 0.327327, EPS);
	assert_float_equal(q[1].d27, 1, EPS);
	assert_int_equal(q[0].flags, 0);
	assert_float_equal(an->paper.mean_milli, 1600, EPS);
	assert_float_equal(an->paper.sd_milli, 1140.175425, EPS);
	assert_float_equal(an->paper.alpha, 0.576923, EPS);
	assert_float_equal(an->paper.kr20, 0.576923, EPS);
	assert_float_equal(an->paper.sem_milli, 741.620, 1e-3);
	assert_true(an->paper.dichotomous);
	assert_int_equal(an->paper.complete, 5);
	results_analysis_free(an);
}

/* ---------- generated papers, checked against the Python reference ---------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

typedef struct gen {
	results_item_def items[16];
	size_t nitems, nattempts, n;
	results_response *r;
} gen;

/* One response of attempt a (ability th) to question i of the generated paper. */
static results_response respond(const gen *g, size_t a, size_t i, double th, bool dichotomous)
{
	const results_item_def *d = &g->items[i];
	double p = i == 13 ? 0.995 : i == 14 ? 0.9 - 0.7 * th : 0.15 + 0.8 * th * (0.6 + 0.05 * (double)i);
	results_response x = {a, i, 0, 0, true};
	if (rnd() < (i == 13 ? 0.002 : 0.05)) { /* left blank */
		x.answered = false;
		return x;
	}
	bool right = rnd() < p;
	if (dichotomous || d->noptions == 4) {
		x.x_milli =
			right ? d->max_milli : (i == 12 && !dichotomous ? -250 : 0); /* negative marking */
		x.options = right ? 1u : 1u << (1 + (int)(rnd() * 3));
	} else if (d->noptions == 5) { /* multiple choice, partial credit in quarters */
		int k = right ? 4 : (int)(rnd() * 4);
		x.x_milli = d->max_milli * k / 4;
		for (int j = 0; j < 5; j++)
			x.options |= (uint64_t)(rnd() < (j < k ? 0.9 : 0.2)) << j;
	} else { /* fill-in: half marks */
		x.x_milli = right ? d->max_milli : rnd() < 0.5 ? d->max_milli / 2 : 0;
	}
	return x;
}

static void generate(gen *g, size_t nattempts, size_t complete, bool dichotomous)
{
	g->nitems = 15;
	g->nattempts = nattempts;
	g->n = 0;
	g->r = calloc(nattempts * g->nitems, sizeof *g->r);
	static const char *const ids[16] = {"q0", "q1", "q2",  "q3",  "q4",  "q5",  "q6",  "q7",
					    "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15"};
	for (size_t i = 0; i < g->nitems; i++) {
		int nopt = dichotomous ? 4 : i < 6 || i >= 12 ? 4 : i < 9 ? 5 : 0;
		g->items[i] = (results_item_def){ids[i], nopt == 5 ? 2000 : 1000, nopt};
	}
	for (size_t a = 0; a < nattempts; a++) {
		double th = rnd();
		for (size_t i = 0; i < g->nitems; i++)
			if (a < complete || rnd() < 0.66) /* the others: a paper drawn from the bank */
				g->r[g->n++] = respond(g, a, i, th, dichotomous);
	}
}

static char *write_csv(const gen *g)
{
	char *path = strdup("/tmp/sa-items-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "attempt,item,max,noptions,x,answered,options\n");
	for (size_t k = 0; k < g->n; k++) {
		const results_response *x = &g->r[k];
		fprintf(f, "%zu,%zu,%lld,%d,%lld,%d,", x->attempt, x->item,
			(long long)g->items[x->item].max_milli, g->items[x->item].noptions,
			(long long)x->x_milli, x->answered);
		for (int j = 0, first = 1; j < 64; j++)
			if ((x->options >> j) & 1) {
				fprintf(f, "%s%d", first ? "" : ";", j);
				first = 0;
			}
		fputc('\n', f);
	}
	fclose(f);
	return path;
}

static cJSON *run_reference(const char *csv, size_t nattempts)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "python3 tests/unit/results_items_ref.py %s %zu", csv, nattempts);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *buf = malloc(1 << 20);
	size_t len = fread(buf, 1, (1 << 20) - 1, p);
	buf[len] = '\0';
	int st = pclose(p);
	if (st != 0)
		fail_msg("%s exited with %d", cmd, st);
	cJSON *j = cJSON_Parse(buf);
	free(buf);
	assert_non_null(j);
	return j;
}

/* Numbers equal to 1e-9 (relative above 1), or both null. */
static void same(const cJSON *c, const cJSON *py, const char *what, size_t i)
{
	if (cJSON_IsNull(py) || cJSON_IsNull(c)) {
		if (!(cJSON_IsNull(py) && cJSON_IsNull(c)))
			fail_msg("%s of %zu: C %s, Python %s", what, i, cJSON_IsNull(c) ? "null" : "a number",
				 cJSON_IsNull(py) ? "null" : "a number");
		return;
	}
	assert_true(cJSON_IsNumber(c) && cJSON_IsNumber(py));
	double a = c->valuedouble, b = py->valuedouble;
	if (fabs(a - b) > 1e-9 * fmax(1, fabs(b)))
		fail_msg("%s of %zu: C %.15g, Python %.15g", what, i, a, b);
}

static void compare(const cJSON *c, const cJSON *py, size_t *nflags)
{
	static const char *const paper_keys[] = {"attempts", "complete", "mean", "sd",
						 "alpha",    "kr20",     "sem"};
	static const char *const item_keys[] = {"n", "facility", "sd", "d27", "r_pbis", "de", "blank"};
	const cJSON *cp = cJSON_GetObjectItem(c, "paper"), *pp = cJSON_GetObjectItem(py, "paper");
	for (size_t k = 0; k < sizeof paper_keys / sizeof *paper_keys; k++)
		same(cJSON_GetObjectItem(cp, paper_keys[k]), cJSON_GetObjectItem(pp, paper_keys[k]),
		     paper_keys[k], 0);
	assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(cp, "dichotomous")),
			 cJSON_IsTrue(cJSON_GetObjectItem(pp, "dichotomous")));
	const cJSON *ci = cJSON_GetObjectItem(c, "items"), *pi = cJSON_GetObjectItem(py, "items");
	assert_int_equal(cJSON_GetArraySize(ci), cJSON_GetArraySize(pi));
	for (int i = 0; i < cJSON_GetArraySize(ci); i++) {
		const cJSON *a = cJSON_GetArrayItem(ci, i), *b = cJSON_GetArrayItem(pi, i);
		for (size_t k = 0; k < sizeof item_keys / sizeof *item_keys; k++)
			same(cJSON_GetObjectItem(a, item_keys[k]), cJSON_GetObjectItem(b, item_keys[k]),
			     item_keys[k], (size_t)i);
		const cJSON *ao = cJSON_GetObjectItem(a, "options"), *bo = cJSON_GetObjectItem(b, "options");
		assert_int_equal(cJSON_GetArraySize(ao), cJSON_GetArraySize(bo));
		for (int j = 0; j < cJSON_GetArraySize(ao); j++)
			same(cJSON_GetArrayItem(ao, j), cJSON_GetArrayItem(bo, j), "options", (size_t)i);
		char *af = cJSON_PrintUnformatted(cJSON_GetObjectItem(a, "flags"));
		char *bf = cJSON_PrintUnformatted(cJSON_GetObjectItem(b, "flags"));
		if (strcmp(af, bf) != 0)
			fail_msg("flags of %d: C %s, Python %s", i, af, bf);
		*nflags += strcmp(af, "[]") != 0;
		free(af);
		free(bf);
	}
}

static void check_against_reference(size_t nattempts, size_t complete, bool dichotomous)
{
	gen g;
	generate(&g, nattempts, complete, dichotomous);
	results_analysis *an = NULL;
	char *err = NULL;
	assert_int_equal(results_items_analyse(g.items, g.nitems, g.r, g.n, nattempts, NULL, &an, &err),
			 RESULTS_OK);
	cJSON *c = results_analysis_json(an, g.items);
	char *csv = write_csv(&g);
	cJSON *py = run_reference(csv, nattempts);
	size_t nflags = 0;
	compare(c, py, &nflags);
	/* the generated paper has a too-easy and a negatively discriminating question */
	assert_true(an->items[13].flags & RESULTS_FLAG_EASY);
	assert_true(an->items[14].flags & RESULTS_FLAG_NEGATIVE);
	assert_true(nflags >= 2);
	assert_true(isfinite(an->paper.alpha));
	assert_int_equal(an->paper.complete, complete);
	assert_int_equal(!!isfinite(an->paper.kr20), dichotomous);
	assert_int_equal(an->paper.dichotomous, dichotomous);
	unlink(csv);
	free(csv);
	cJSON_Delete(c);
	cJSON_Delete(py);
	results_analysis_free(an);
	free(g.r);
}

static void test_reference_partial(void **state)
{
	(void)state;
	check_against_reference(400, 150, false);
}

static void test_reference_dichotomous(void **state)
{
	(void)state;
	check_against_reference(257, 257, true);
}

/* ---------- flags, drawn papers, bad data ---------- */

static void test_flags_thresholds(void **state)
{
	(void)state;
	/* ability a = 0..9; q0 right but for a = 0 (F 0.9, not above 0.9), q1 only for a = 9
	 * (F 0.1: hard), q2 only for a = 0, 1 (negative); q3-q5 right from a = 3, 5, 7 */
	results_item_def items[6] = {{"q0", 1000, 0}, {"q1", 1000, 0}, {"q2", 1000, 0},
				     {"q3", 1000, 0}, {"q4", 1000, 0}, {"q5", 1000, 0}};
	results_response r[60];
	size_t n = 0;
	for (int a = 0; a < 10; a++) {
		const bool right[6] = {a >= 1, a == 9, a <= 1, a >= 3, a >= 5, a >= 7};
		for (size_t i = 0; i < 6; i++)
			r[n++] = (results_response){(size_t)a, i, right[i] ? 1000 : 0, 0, true};
	}
	results_analysis *an = NULL;
	assert_int_equal(results_items_analyse(items, 6, r, n, 10, NULL, &an, NULL), RESULTS_OK);
	assert_int_equal(an->items[0].flags, 0);
	assert_int_equal(an->items[1].flags, RESULTS_FLAG_HARD);
	assert_int_equal(an->items[2].flags, RESULTS_FLAG_NEGATIVE);
	assert_float_equal(an->items[2].r_pbis, -4.0 / 6.0, EPS); /* Sxy = -4, Sxx = 1.6, Syy = 22.5 */
	assert_true(an->items[2].d27 < 0);
	for (int i = 3; i < 6; i++)
		assert_int_equal(an->items[i].flags, 0);
	results_analysis_free(an);
	results_items_opts o = {0.85, 0.05, -0.9, 0.27};
	assert_int_equal(results_items_analyse(items, 6, r, n, 10, &o, &an, NULL), RESULTS_OK);
	assert_int_equal(an->items[0].flags, RESULTS_FLAG_EASY);
	assert_int_equal(an->items[1].flags, 0);
	assert_int_equal(an->items[2].flags, 0);
	results_analysis_free(an);
}

static void test_incomplete_papers(void **state)
{
	(void)state;
	/* every attempt misses one question: no reliability, the questions still analysed; q3 given to nobody */
	results_item_def items[4] = {{"a", 1000, 0}, {"b", 1000, 0}, {"c", 1000, 0}, {"d", 1000, 3}};
	results_response r[9];
	size_t n = 0;
	for (size_t a = 0; a < 3; a++)
		for (size_t i = 0; i < 3; i++)
			if (i != a)
				r[n++] = (results_response){a, i, (int64_t)((a + i) % 2) * 1000, 0, true};
	results_analysis *an = NULL;
	assert_int_equal(results_items_analyse(items, 4, r, n, 3, NULL, &an, NULL), RESULTS_OK);
	assert_int_equal(an->paper.complete, 0);
	assert_true(isnan(an->paper.alpha));
	assert_true(isnan(an->paper.kr20));
	assert_int_equal(an->items[0].n, 2);
	assert_true(isfinite(an->items[0].facility));
	assert_int_equal(an->items[3].n, 0);
	assert_true(isnan(an->items[3].facility));
	cJSON *j = results_analysis_json(an, items);
	char *s = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(s, "\"alpha\":null"));
	assert_non_null(strstr(s, "\"id\":\"d\",\"n\":0,"));
	assert_non_null(strstr(s, "\"options\":[null,null,null]"));
	free(s);
	cJSON_Delete(j);
	results_analysis_free(an);
}

static void test_bad_data(void **state)
{
	(void)state;
	results_item_def items[2] = {{"a", 1000, 2}, {"b", 2000, 0}};
	results_analysis *an = (results_analysis *)1;
	char *err = NULL;
	struct {
		results_response r[2];
		const char *msg;
	} rows[] = {
		{{{0, 0, 1000, 1, true}, {5, 1, 0, 0, true}}, "responses[1]: attempt 5 is not below 3"},
		{{{0, 2, 1000, 1, true}, {1, 1, 0, 0, true}}, "responses[0]: question 2 is not below 2"},
		{{{0, 0, 1000, 1, true}, {0, 0, 0, 0, true}}, "responses[1]: attempt 0 has question 0 twice"},
		{{{0, 0, 1001, 1, true}, {1, 1, 0, 0, true}}, "responses[0]: mark 1001 outside -1000..1000"},
		{{{0, 0, 1000, 4, true}, {1, 1, 0, 0, true}},
		 "responses[0]: an option index is not below 2 options"},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		assert_int_equal(results_items_analyse(items, 2, rows[k].r, 2, 3, NULL, &an, &err),
				 RESULTS_E_DATA);
		assert_string_equal(err, rows[k].msg);
	}
	free(err);
	results_item_def wide[1] = {{"w", 1000, 65}};
	assert_int_equal(results_items_analyse(wide, 1, NULL, 0, 0, NULL, &an, NULL), RESULTS_E_RANGE);
	results_items_opts o = results_items_default;
	o.group = 0.6;
	assert_int_equal(results_items_analyse(items, 2, NULL, 0, 0, &o, &an, NULL), RESULTS_E_INVALID);
	/* nothing at all is not an error */
	assert_int_equal(results_items_analyse(items, 2, NULL, 0, 0, NULL, &an, NULL), RESULTS_OK);
	assert_int_equal(an->paper.attempts, 0);
	assert_true(isnan(an->paper.mean_milli));
	results_analysis_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_reference_partial),
		cmocka_unit_test(test_reference_dichotomous),
		cmocka_unit_test(test_flags_thresholds),
		cmocka_unit_test(test_incomplete_papers),
		cmocka_unit_test(test_bad_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
