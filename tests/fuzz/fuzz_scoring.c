/*
 * fuzz_scoring.c - libFuzzer target over response validation and scoring,
 * for every built-in type (make fuzz-scoring; a bounded run in make test).
 *
 * The example keywords plugin is compiled in and registered like a plugin.
 *
 * Input: byte 0 picks a compiled question (or, past the table, the text
 * helpers), bytes 1..4 the response time, limit and streak, the rest is the
 * response: JSON text, or when that does not parse, the raw bytes as a
 * string (invalid UTF-8, overlong text, control characters).
 *
 * Besides the sanitizers, it aborts on a broken invariant: points above the
 * maximum, negative points without negative marking, a correctness outside
 * the enum, a canonical form for a refused response (or none for an accepted
 * one), different results for the same input, a non-UTF-8 feedback.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

static const struct {
	const char *q, *rules;
	int negative;
} defs[] = {
	{"{\"type\":\"single_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\"],\"answer\":1}",
	 "{\"time_factor\":true}", 0},
	{"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"answer\":[0,2,4]}",
	 NULL, 0},
	{"{\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"answer\":[0,2],\"partial\":true,"
	 "\"wrong_pick_penalty\":0.5}",
	 "{\"negative_marking\":true,\"wrong_penalty\":100,\"streak_bonus\":50}", 1},
	{"{\"type\":\"true_false\",\"answer\":false}", "{\"time_factor\":true,\"streak_bonus\":100}", 0},
	{"{\"type\":\"numeric\",\"answer\":[9.8,{\"value\":3.5,\"tolerance\":0.1},{\"min\":-2,\"max\":2},"
	 "{\"value\":220,\"relative\":0.05}],\"unit\":\"m\"}",
	 NULL, 0},
	{"{\"type\":\"fill_in\",\"answer\":[[\"A=ma\",\"F=ma\"],\"预防为主\",\"x y\"],\"ignore_case\":true,\"partial\":true}",
	 "{\"time_factor\":true}", 0},
	{"{\"type\":\"fill_in\",\"answer\":[\"Ohm\"]}", "{\"negative_marking\":true,\"wrong_penalty\":250}",
	 1},
	{"{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"answer\":[4,2,0,1,3],\"partial\":\"pairwise\"}",
	 NULL, 0},
	{"{\"type\":\"ordering\",\"items\":[\"a\",\"b\",\"c\"],\"answer\":[2,0,1],\"partial\":\"position\"}",
	 NULL, 0},
	{"{\"type\":\"matching\",\"left\":[\"a\",\"b\",\"c\"],\"right\":[\"x\",\"y\",\"z\",\"w\"],\"answer\":[1,0,2]}",
	 NULL, 0},
	{"{\"type\":\"keywords\",\"keywords\":[{\"any\":[\"通风\"]},{\"any\":[\"检测\",\"CO\"],\"weight\":2},"
	 "{\"any\":[\"监护\"]}],\"forbidden\":[\"直接进入\"],\"ordered\":true,\"max_chars\":60}",
	 "{\"negative_marking\":true,\"wrong_penalty\":100}", 1},
	{"{\"type\":\"judged\",\"panel\":{\"min_judges\":2},\"rubric\":[{\"id\":\"m1\",\"kind\":\"measurement\",\"max\":10},"
	 "{\"id\":\"m2\",\"kind\":\"measurement\",\"max\":20,\"scale\":5},{\"id\":\"j1\",\"kind\":\"judgement\",\"max\":30}]}",
	 NULL, 0},
};
#define NDEFS (sizeof defs / sizeof defs[0])

static score_engine *eng;
static score_question *qs[NDEFS];
extern const score_type skillarena_scorer; /* scoring/plugins/keywords, compiled in */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (score_engine_new(&eng, NULL, NULL) ||
	    score_engine_register(eng, &skillarena_scorer, "keywords.c", NULL))
		abort();
	for (size_t i = 0; i < NDEFS; i++) {
		cJSON *q = cJSON_Parse(defs[i].q), *r = defs[i].rules ? cJSON_Parse(defs[i].rules) : NULL;
		char *err = NULL;
		if (score_compile(eng, q, r, &qs[i], &err)) {
			fprintf(stderr, "fuzz_scoring: definition %zu: %s\n", i, err);
			abort();
		}
		cJSON_Delete(q);
		cJSON_Delete(r);
	}
	return 0;
}

#define CHECK(c)                                                                                         \
	do {                                                                                             \
		if (!(c)) {                                                                              \
			fprintf(stderr, "fuzz_scoring: invariant failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                                         \
		}                                                                                        \
	} while (0)

static void text_helpers(const uint8_t *data, size_t size)
{
	char out[256];
	int n = score_normalize_text((const char *)data, size, out, sizeof out, size & 1);
	CHECK(n < (int)sizeof out);
	if (n >= 0) {
		CHECK(score_utf8_valid((const char *)data, size));
		CHECK(score_utf8_valid(out, (size_t)n));
		CHECK(strlen(out) == (size_t)n);
		char again[256];
		CHECK(score_normalize_text(out, (size_t)n, again, sizeof again, size & 1) == n);
		CHECK(memcmp(out, again, (size_t)n) == 0); /* idempotent */
	}
	double d;
	if (score_parse_number((const char *)data, size, &d) == 0) {
		char buf[40];
		score_format_number(d, buf, sizeof buf);
		double back;
		CHECK(score_parse_number(buf, strlen(buf), &back) == 0 && back == d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	size_t pick = data[0] % (NDEFS + 1);
	if (pick == NDEFS) {
		text_helpers(data + 1, size - 1);
		return 0;
	}
	const score_question *q = qs[pick];
	score_ctx ctx = {.response_ms = (int64_t)data[1] * 200 - 1000,
			 .limit_ms = (int64_t)data[2] * 100,
			 .streak = data[3] % 16,
			 .lang = data[4] & 1 ? "en" : "zh-CN"};
	const char *text = (const char *)data + 5;
	size_t len = size - 5;
	cJSON *resp = cJSON_ParseWithLength(text, len);
	if (!resp) {
		char *s = malloc(len + 1);
		memcpy(s, text, len);
		s[len] = '\0';
		resp = cJSON_CreateString(s);
		free(s);
	}
	score_result r1, r2;
	int rc = score_answer(q, resp, &ctx, &r1);
	CHECK(rc == SCORE_OK || rc == SCORE_E_RESPONSE || rc == SCORE_E_RANGE);
	char *canon = score_canonical_response(q, resp);
	int idx[64];
	int nopt = score_response_options(q, resp, idx, 64);
	CHECK(nopt >= 0 && nopt <= score_question_noptions(q));
	if (rc == SCORE_OK) {
		CHECK(canon != NULL);
		CHECK(r1.correctness == SCORE_WRONG || r1.correctness == SCORE_PARTIAL ||
		      r1.correctness == SCORE_CORRECT);
		CHECK(r1.max_milli == score_question_max_milli(q));
		CHECK(r1.points_milli - r1.bonus_milli <= r1.max_milli);
		CHECK(r1.bonus_milli >= 0);
		CHECK(defs[pick].negative || r1.points_milli >= 0);
		CHECK(r1.correctness != SCORE_CORRECT || r1.streak == ctx.streak + 1);
		CHECK(r1.correctness == SCORE_CORRECT || r1.streak == 0);
		CHECK(strlen(r1.feedback) < sizeof r1.feedback);
		CHECK(score_utf8_valid(r1.feedback, strlen(r1.feedback)));
		CHECK(score_answer(q, resp, &ctx, &r2) == SCORE_OK);
		CHECK(r1.points_milli == r2.points_milli && r1.max_milli == r2.max_milli &&
		      r1.bonus_milli == r2.bonus_milli && r1.correctness == r2.correctness &&
		      r1.streak == r2.streak && strcmp(r1.feedback, r2.feedback) == 0); /* deterministic */
		for (int i = 0; i < nopt; i++)
			CHECK(idx[i] >= 0 && idx[i] < score_question_noptions(q));
	} else {
		CHECK(canon == NULL);
		CHECK(nopt == 0);
	}
	if (pick == NDEFS - 1 && rc == SCORE_OK) {
		score_judged j;
		CHECK(score_judged_combine(q, resp, &j) == SCORE_OK);
		CHECK(j.points_milli >= 0 && j.points_milli <= j.max_milli);
	}
	free(canon);
	cJSON_Delete(resp);
	return 0;
}
