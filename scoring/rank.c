/*
 * rank.c - what happens after the questions are scored: stages combined by
 * weight with pass marks, and the tie-break order of the leaderboard.
 *
 * Both are pure functions over integers (milli-points, milliseconds), so the
 * leaderboard, the exports and the certificates all rank alike.
 *
 * Tie-break keys, in the contest's "scoring": {"tiebreak": [...]}:
 *   total    higher total first (always the first key)
 *   reached  earlier time at which the total was reached first
 *   wrong    fewer wrong answers first
 *   correct  more fully correct answers first
 *   time     less total response time first
 *   id       lower participant id first (always last, so no two differ
 *            only by luck)
 * Default: total, reached, wrong, time, id.
 */
#include <string.h>

#include "internal.h"

static const char *const tb_names[] = {
	[SCORE_TB_TOTAL] = "total",     [SCORE_TB_REACHED] = "reached", [SCORE_TB_WRONG] = "wrong",
	[SCORE_TB_CORRECT] = "correct", [SCORE_TB_TIME] = "time",       [SCORE_TB_ID] = "id",
};
#define NKEYS ((int)(sizeof tb_names / sizeof tb_names[0]))

const score_tiebreak score_tiebreak_default = {
	5, {SCORE_TB_TOTAL, SCORE_TB_REACHED, SCORE_TB_WRONG, SCORE_TB_TIME, SCORE_TB_ID}};

const char *score_tiebreak_name(score_tb_key k) { return (int)k >= 0 && (int)k < NKEYS ? tb_names[k] : "?"; }

int score_tiebreak_parse(const cJSON *rules, score_tiebreak *out, char **err)
{
	*out = score_tiebreak_default;
	const cJSON *tb = rules ? cJSON_GetObjectItemCaseSensitive(rules, "tiebreak") : NULL;
	if (!tb)
		return SCORE_OK;
	if (!cJSON_IsArray(tb) || cJSON_GetArraySize(tb) < 1)
		return score_errf(err, SCORE_E_RULES, "scoring.tiebreak: must be a non-empty array of keys");
	score_tiebreak t = {0, {0}};
	unsigned seen = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, tb)
	{
		int k;
		for (k = 0; k < NKEYS; k++)
			if (cJSON_IsString(e) && strcmp(e->valuestring, tb_names[k]) == 0)
				break;
		if (k == NKEYS)
			return score_errf(err, SCORE_E_RULES,
					  "scoring.tiebreak[%d]: must be one of total, reached, wrong, "
					  "correct, time, id",
					  t.n);
		if ((seen >> k) & 1)
			return score_errf(err, SCORE_E_RULES, "scoring.tiebreak[%d]: '%s' is repeated", t.n,
					  tb_names[k]);
		if (t.n == 0 && k != SCORE_TB_TOTAL)
			return score_errf(err, SCORE_E_RULES, "scoring.tiebreak[0]: must be \"total\"");
		seen |= 1u << k;
		t.keys[t.n++] = (score_tb_key)k;
	}
	if (!((seen >> SCORE_TB_ID) & 1))
		t.keys[t.n++] = SCORE_TB_ID;
	*out = t;
	return SCORE_OK;
}

static int cmp64(int64_t a, int64_t b) { return (a > b) - (a < b); }

int score_tiebreak_compare(const score_tiebreak *tb, const score_standing *a, const score_standing *b)
{
	for (int i = 0; i < tb->n; i++) {
		int c = 0;
		switch (tb->keys[i]) {
		case SCORE_TB_TOTAL:
			c = cmp64(b->total_milli, a->total_milli);
			break;
		case SCORE_TB_REACHED:
			c = cmp64(a->reached_ms, b->reached_ms);
			break;
		case SCORE_TB_WRONG:
			c = cmp64(a->wrong, b->wrong);
			break;
		case SCORE_TB_CORRECT:
			c = cmp64(b->correct, a->correct);
			break;
		case SCORE_TB_TIME:
			c = cmp64(a->time_ms, b->time_ms);
			break;
		case SCORE_TB_ID:
			c = cmp64(a->id, b->id);
			break;
		}
		if (c)
			return c;
	}
	return cmp64(a->id, b->id);
}

int score_combine_stages(const score_stage *st, int n, int64_t scale_milli, int64_t pass_ppm,
			 score_stage_total *out)
{
	if (n < 1 || n > 64 || scale_milli <= 0 || scale_milli > 1000000000 || pass_ppm < 0 ||
	    pass_ppm > 1000000)
		return SCORE_E_RULES;
	__int128 wsum = 0;
	for (int i = 0; i < n; i++) {
		if (st[i].max_milli <= 0 || st[i].max_milli > 1000000000000LL || st[i].weight < 0 ||
		    st[i].weight > 1000000000 || st[i].pass_ppm < 0 || st[i].pass_ppm > 1000000 ||
		    st[i].points_milli < -st[i].max_milli || st[i].points_milli > st[i].max_milli)
			return SCORE_E_RULES;
		wsum += st[i].weight;
	}
	if (wsum == 0)
		return SCORE_E_RULES;
	/* Sum the exact terms in millionths of a milli-point, round once. */
	__int128 acc = 0;
	int failed = -1;
	for (int i = 0; i < n; i++) {
		__int128 num = (__int128)st[i].weight * st[i].points_milli * scale_milli * 1000000;
		acc += num / ((__int128)st[i].max_milli * wsum);
		/* points/max >= pass, exactly: points * 1e6 >= pass * max */
		if (failed < 0 && st[i].pass_ppm > 0 &&
		    (__int128)st[i].points_milli * 1000000 < (__int128)st[i].pass_ppm * st[i].max_milli)
			failed = i;
	}
	out->total_milli = score__div_round(acc, 1000000);
	out->failed_stage = failed;
	out->passed = failed < 0 && (__int128)out->total_milli * 1000000 >= (__int128)pass_ppm * scale_milli;
	return SCORE_OK;
}
