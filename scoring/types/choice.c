/*
 * types/choice.c - single_choice, multiple_choice and true_false.
 *
 *   single_choice    "options": [..2..64], "answer": 0-based index;
 *                    response: an index                    -> canonical "1"
 *   multiple_choice  "options", "answer": [indexes] (>= 1, distinct),
 *                    "partial": false (all-or-nothing, default) or true,
 *                    "wrong_pick_penalty": share of one correct pick lost
 *                    per wrong pick (default 1);
 *                    response: array of distinct indexes  -> canonical "0,2"
 *                    partial credit = (right picks - penalty * wrong picks)
 *                                     / correct options
 *   true_false       "answer": true|false; response: a boolean -> "true"
 *
 * A response is a bitmask of picks, so validating and scoring are a few
 * integer operations (no allocation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

#define MAX_OPTIONS 64

typedef struct choice_state {
	cJSON *options; /* array of language maps (not for true_false) */
	int n;
	uint64_t answer; /* bitmask of correct options */
	int ncorrect;
	int partial;
	int64_t penalty_ppm; /* per wrong pick, in millionths of one correct pick */
} choice_state;

static int compile_options(choice_state *s, const cJSON *q, char **err)
{
	int rc = score_langmap_array(cJSON_GetObjectItemCaseSensitive(q, "options"), "options", 2,
				     MAX_OPTIONS, &s->options, err);
	if (rc)
		return rc;
	s->n = cJSON_GetArraySize(s->options);
	return SCORE_OK;
}

static void choice_release(void *state)
{
	choice_state *s = state;
	cJSON_Delete(s->options);
}

static int choice_public(const void *state, cJSON *obj)
{
	const choice_state *s = state;
	cJSON *o = cJSON_Duplicate(s->options, 1);
	if (!o || !cJSON_AddItemToObject(obj, "options", o)) {
		cJSON_Delete(o);
		return SCORE_E_NOMEM;
	}
	return SCORE_OK;
}

static int choice_noptions(const void *state) { return ((const choice_state *)state)->n; }

static int popcount64(uint64_t x) { return __builtin_popcountll(x); }

/* ---------- single_choice ---------- */

static int single_compile(void *state, const cJSON *q, char **err)
{
	choice_state *s = state;
	int rc = compile_options(s, q, err);
	if (rc)
		return rc;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	int idx;
	if (!score_json_is_int(a, NULL))
		return score_errf(err, SCORE_E_DEFINITION, "answer: must be an option index (0-based)");
	if (!score_json_index(a, s->n, &idx))
		return score_errf(err, SCORE_E_DEFINITION,
				  "answer: index %.0f is out of range for %d options", a->valuedouble, s->n);
	s->answer = 1ull << idx;
	s->ncorrect = 1;
	return SCORE_OK;
}

static int read_index(const cJSON *v, int n, int *idx) { return score_json_index_rc(v, n, idx); }

static int single_validate(const void *state, const cJSON *r)
{
	const choice_state *s = state;
	int idx;
	return read_index(r, s->n, &idx);
}

static int single_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const choice_state *s = state;
	int idx;
	if (read_index(r, s->n, &idx))
		return SCORE_E_RESPONSE;
	int ok = (s->answer >> idx) & 1;
	out->num = ok;
	out->den = 1;
	out->correctness = ok ? SCORE_CORRECT : SCORE_WRONG;
	return SCORE_OK;
}

static cJSON *single_reveal(const void *state)
{
	const choice_state *s = state;
	return cJSON_CreateNumber(__builtin_ctzll(s->answer));
}

static char *single_canonical(const void *state, const cJSON *r)
{
	char *out = malloc(8);
	if (out)
		snprintf(out, 8, "%d", (int)r->valuedouble);
	return out;
}

static int single_options(const void *state, const cJSON *r, int *idx, int max)
{
	idx[0] = (int)r->valuedouble;
	return 1;
}

const score_type score_type_single_choice = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "single_choice",
	.version = "1.0.0",
	.state_size = sizeof(choice_state),
	.compile = single_compile,
	.validate = single_validate,
	.score = single_score,
	.public_fields = choice_public,
	.reveal = single_reveal,
	.canonical = single_canonical,
	.release = choice_release,
	.options = single_options,
	.noptions = choice_noptions,
};

/* ---------- multiple_choice ---------- */

/* Reads an array of distinct indexes into a bitmask. */
static int read_mask(const cJSON *v, int n, uint64_t *mask)
{
	if (!cJSON_IsArray(v))
		return SCORE_E_RESPONSE;
	uint64_t m = 0;
	int count = 0, range = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v)
	{
		int idx;
		int rc = read_index(e, n, &idx);
		if (rc == SCORE_E_RESPONSE)
			return rc;
		if (++count > n) /* more picks than options: there is a duplicate */
			return SCORE_E_RESPONSE;
		if (rc == SCORE_E_RANGE) {
			range = 1;
			continue;
		}
		if ((m >> idx) & 1)
			return SCORE_E_RESPONSE;
		m |= 1ull << idx;
	}
	if (range)
		return SCORE_E_RANGE;
	*mask = m;
	return SCORE_OK;
}

static int multi_compile(void *state, const cJSON *q, char **err)
{
	choice_state *s = state;
	int rc = compile_options(s, q, err);
	if (rc)
		return rc;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!cJSON_IsArray(a))
		return score_errf(err, SCORE_E_DEFINITION, "answer: must be an array of option indexes");
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
	{
		int idx;
		if (!score_json_is_int(e, NULL))
			return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: must be an option index", i);
		if (!score_json_index(e, s->n, &idx))
			return score_errf(err, SCORE_E_DEFINITION,
					  "answer[%d]: index %.0f is out of range for %d options", i,
					  e->valuedouble, s->n);
		if ((s->answer >> idx) & 1)
			return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: index %d is repeated", i,
					  idx);
		s->answer |= 1ull << idx;
		i++;
	}
	if (!s->answer)
		return score_errf(err, SCORE_E_DEFINITION, "answer: needs at least one option");
	s->ncorrect = popcount64(s->answer);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(q, "partial");
	if (p && !cJSON_IsBool(p))
		return score_errf(err, SCORE_E_DEFINITION, "partial: must be true or false");
	s->partial = cJSON_IsTrue(p);
	s->penalty_ppm = 1000000;
	const cJSON *pen = cJSON_GetObjectItemCaseSensitive(q, "wrong_pick_penalty");
	if (pen && !score_json_ppm(pen, 0, 100000000, &s->penalty_ppm))
		return score_errf(err, SCORE_E_DEFINITION,
				  "wrong_pick_penalty: must be a number from 0 to 100");
	return SCORE_OK;
}

static int multi_validate(const void *state, const cJSON *r)
{
	const choice_state *s = state;
	uint64_t m;
	return read_mask(r, s->n, &m);
}

static int multi_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const choice_state *s = state;
	uint64_t m;
	if (read_mask(r, s->n, &m))
		return SCORE_E_RESPONSE;
	int right = popcount64(m & s->answer), wrong = popcount64(m & ~s->answer);
	out->blank = m == 0;
	if (m == s->answer) {
		out->num = out->den = 1;
		out->correctness = SCORE_CORRECT;
		return SCORE_OK;
	}
	if (!s->partial) {
		out->num = 0;
		out->den = 1;
		out->correctness = SCORE_WRONG;
	} else {
		int64_t den = (int64_t)s->ncorrect * 1000000;
		int64_t num = (int64_t)right * 1000000 - s->penalty_ppm * wrong;
		if (num < -den)
			num = -den;
		if (num >= den) /* every right pick and penalty-free wrong picks */
			num = den - 1;
		out->num = num;
		out->den = den;
		out->correctness = num > 0 ? SCORE_PARTIAL : SCORE_WRONG;
	}
	if (!out->blank)
		snprintf(out->feedback, sizeof out->feedback,
			 score_lang_en(lang) ? "%d of %d correct options chosen, %d wrong"
					     : "选对 %d/%d 项，错选 %d 项",
			 right, s->ncorrect, wrong);
	return SCORE_OK;
}

static cJSON *multi_reveal(const void *state)
{
	const choice_state *s = state;
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; a && i < s->n; i++) {
		cJSON *x = (s->answer >> i) & 1 ? cJSON_CreateNumber(i) : NULL;
		if ((s->answer >> i) & 1 && !x) {
			cJSON_Delete(a);
			return NULL;
		}
		cJSON_AddItemToArray(a, x);
	}
	return a;
}

static char *multi_canonical(const void *state, const cJSON *r)
{
	const choice_state *s = state;
	uint64_t m = 0;
	if (read_mask(r, s->n, &m))
		return NULL;
	char *out = malloc(4 * MAX_OPTIONS);
	if (!out)
		return NULL;
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < s->n; i++)
		if ((m >> i) & 1)
			o += (size_t)snprintf(out + o, 4 * MAX_OPTIONS - o, o ? ",%d" : "%d", i);
	return out;
}

static int multi_options(const void *state, const cJSON *r, int *idx, int max)
{
	const choice_state *s = state;
	uint64_t m = 0;
	int k = 0;
	if (read_mask(r, s->n, &m))
		return 0;
	for (int i = 0; i < s->n && k < max; i++)
		if ((m >> i) & 1)
			idx[k++] = i;
	return k;
}

const score_type score_type_multiple_choice = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "multiple_choice",
	.version = "1.0.0",
	.state_size = sizeof(choice_state),
	.compile = multi_compile,
	.validate = multi_validate,
	.score = multi_score,
	.public_fields = choice_public,
	.reveal = multi_reveal,
	.canonical = multi_canonical,
	.release = choice_release,
	.options = multi_options,
	.noptions = choice_noptions,
};

/* ---------- true_false ---------- */

static int tf_compile(void *state, const cJSON *q, char **err)
{
	choice_state *s = state;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!cJSON_IsBool(a))
		return score_errf(err, SCORE_E_DEFINITION, "answer: must be true or false");
	s->n = 2;
	s->answer = cJSON_IsTrue(a) ? 1 : 2; /* option 0 is true, 1 is false */
	s->ncorrect = 1;
	return SCORE_OK;
}

static int tf_validate(const void *state, const cJSON *r)
{
	return cJSON_IsBool(r) ? SCORE_OK : SCORE_E_RESPONSE;
}

static int tf_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const choice_state *s = state;
	if (!cJSON_IsBool(r))
		return SCORE_E_RESPONSE;
	int ok = (s->answer == 1) == (cJSON_IsTrue(r) != 0);
	out->num = ok;
	out->den = 1;
	out->correctness = ok ? SCORE_CORRECT : SCORE_WRONG;
	return SCORE_OK;
}

static int tf_public(const void *state, cJSON *obj) { return SCORE_OK; }

static cJSON *tf_reveal(const void *state)
{
	return cJSON_CreateBool(((const choice_state *)state)->answer == 1);
}

static char *tf_canonical(const void *state, const cJSON *r)
{
	return strdup(cJSON_IsTrue(r) ? "true" : "false");
}

static int tf_options(const void *state, const cJSON *r, int *idx, int max)
{
	idx[0] = cJSON_IsTrue(r) ? 0 : 1;
	return 1;
}

const score_type score_type_true_false = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "true_false",
	.version = "1.0.0",
	.state_size = sizeof(choice_state),
	.compile = tf_compile,
	.validate = tf_validate,
	.score = tf_score,
	.public_fields = tf_public,
	.reveal = tf_reveal,
	.canonical = tf_canonical,
	.release = choice_release,
	.options = tf_options,
	.noptions = choice_noptions,
};
