/*
 * fuzz_scoring_compile.c - libFuzzer target over question definitions and
 * scoring rules: score_compile must refuse every definition it cannot score
 * with a code and a message, and whatever it accepts must then answer every
 * API call without crashing (public fields, reveal, scoring the revealed
 * answer, canonical form), tie-break rules included.
 *
 * Input: JSON text. An object with "type" is a question; its "rules" member,
 * if any, is passed as the contest's scoring rules. The example keywords
 * plugin is compiled in and registered like a plugin.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

static score_engine *eng;
extern const score_type skillarena_scorer; /* scoring/plugins/keywords, compiled in */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *w = NULL;
	if (score_engine_new(&eng, NULL, &w) ||
	    score_engine_register(eng, &skillarena_scorer, "keywords.c", NULL))
		abort();
	free(w);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *q = cJSON_ParseWithLength((const char *)data, size);
	if (!q)
		return 0;
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(q, "rules");
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(eng, q, rules, &sq, &err);
	if (rc) {
		if (!err || !*err || sq) {
			fprintf(stderr, "refused without a message\n");
			abort();
		}
		free(err);
	} else {
		if (err)
			abort();
		cJSON *pub = cJSON_CreateObject();
		if (score_public_fields(sq, pub))
			abort();
		cJSON_Delete(pub);
		cJSON *ans = score_reveal_answer(sq);
		if (!ans)
			abort();
		score_ctx ctx = {.response_ms = 1234, .limit_ms = 20000, .streak = 3};
		score_result res;
		if (score_answer(sq, ans, &ctx, &res) == SCORE_OK) {
			char *c = score_canonical_response(sq, ans);
			if (!c || res.points_milli - res.bonus_milli > res.max_milli)
				abort();
			free(c);
		}
		score_judged j;
		score_judged_combine(sq, ans, &j);
		cJSON_Delete(ans);
		score_question_free(sq);
	}
	score_tiebreak tb;
	err = NULL;
	if (score_tiebreak_parse(rules, &tb, &err) == SCORE_OK) {
		if (tb.n < 1 || tb.n > SCORE_TB_MAX || tb.keys[0] != SCORE_TB_TOTAL)
			abort();
	} else if (!err) {
		abort();
	}
	free(err);
	cJSON_Delete(q);
	return 0;
}
