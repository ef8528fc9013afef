/*
 * types/order.c - ordering and matching.
 *
 * ordering   "items": [2..32 strings or language maps], "answer": the correct
 *            order as item indexes ([2, 0, 1]: item 2 first);
 *            "partial": "none" (all-or-nothing, default), "position" (share
 *            of items in their correct place) or "pairwise" (share of item
 *            pairs in the correct relative order, Kendall-style).
 *            Response: a permutation of the item indexes -> canonical "2,0,1"
 * matching   "left": [1..32], "right": [1..64] (distractors allowed),
 *            "answer": for each left item the index of its right item;
 *            "partial": true (default: credit per correct pair) or false.
 *            Response: for each left item a right index -> canonical "1,0,2"
 *
 * Validation and scoring work on fixed arrays on the stack (no allocation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

#define MAX_ITEMS 32
#define MAX_RIGHT 64

enum { PARTIAL_NONE, PARTIAL_POSITION, PARTIAL_PAIRWISE };

typedef struct order_state {
	cJSON *items, *right; /* language-map arrays (right: matching only) */
	int n, nright;
	int answer[MAX_ITEMS];
	int pos[MAX_ITEMS]; /* ordering: correct position of each item */
	int partial;
} order_state;

static void order_release(void *state)
{
	order_state *s = state;
	cJSON_Delete(s->items);
	cJSON_Delete(s->right);
}

/* Reads an array of n indexes in [0, range); SCORE_E_RANGE for an integer outside. */
static int read_indexes(const cJSON *r, int n, int range, int *out)
{
	if (!cJSON_IsArray(r))
		return SCORE_E_RESPONSE;
	int i = 0, bad_range = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, r)
	{
		if (i >= n)
			return SCORE_E_RESPONSE;
		int rc = score_json_index_rc(e, range, &out[i]);
		if (rc == SCORE_E_RESPONSE)
			return rc;
		bad_range |= rc == SCORE_E_RANGE;
		i++;
	}
	if (i != n)
		return SCORE_E_RESPONSE;
	return bad_range ? SCORE_E_RANGE : SCORE_OK;
}

static char *indexes_text(const int *v, int n)
{
	char *out = malloc((size_t)n * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, (size_t)n * 4 + 1 - o, i ? ",%d" : "%d", v[i]);
	return out;
}

static cJSON *indexes_json(const int *v, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; a && i < n; i++) {
		cJSON *x = cJSON_CreateNumber(v[i]);
		if (!x) {
			cJSON_Delete(a);
			return NULL;
		}
		cJSON_AddItemToArray(a, x);
	}
	return a;
}

static int add_copy(cJSON *obj, const char *name, const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1);
	if (!c || !cJSON_AddItemToObject(obj, name, c)) {
		cJSON_Delete(c);
		return SCORE_E_NOMEM;
	}
	return SCORE_OK;
}

/* Reads the definition's "answer" (n indexes in [0, range)); distinct if asked. */
static int compile_answer(order_state *s, const cJSON *q, int n, int range, int distinct, char **err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
		return score_errf(err, SCORE_E_DEFINITION, "answer: must be an array of %d indexes", n);
	uint64_t seen = 0;
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
	{
		if (!score_json_index(e, range, &s->answer[i]))
			return score_errf(err, SCORE_E_DEFINITION,
					  "answer[%d]: must be an index from 0 to %d", i, range - 1);
		if (distinct && ((seen >> s->answer[i]) & 1))
			return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: index %d is repeated", i,
					  s->answer[i]);
		seen |= 1ull << s->answer[i];
		i++;
	}
	return SCORE_OK;
}

/* ---------- ordering ---------- */

static int ordering_compile(void *state, const cJSON *q, char **err)
{
	order_state *s = state;
	int rc = score_langmap_array(cJSON_GetObjectItemCaseSensitive(q, "items"), "items", 2, MAX_ITEMS,
				     &s->items, err);
	if (rc)
		return rc;
	s->n = cJSON_GetArraySize(s->items);
	if ((rc = compile_answer(s, q, s->n, s->n, 1, err)))
		return rc;
	for (int i = 0; i < s->n; i++)
		s->pos[s->answer[i]] = i;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(q, "partial");
	static const char *const modes[] = {"none", "position", "pairwise"};
	s->partial = -1;
	if (!p || cJSON_IsFalse(p))
		s->partial = PARTIAL_NONE;
	for (int i = 0; cJSON_IsString(p) && p->valuestring && i < 3; i++)
		if (strcmp(p->valuestring, modes[i]) == 0)
			s->partial = i;
	if (s->partial < 0)
		return score_errf(err, SCORE_E_DEFINITION,
				  "partial: must be \"none\", \"position\" or \"pairwise\"");
	return SCORE_OK;
}

static int ordering_read(const order_state *s, const cJSON *r, int *v)
{
	int rc = read_indexes(r, s->n, s->n, v);
	if (rc)
		return rc;
	uint64_t seen = 0;
	for (int i = 0; i < s->n; i++) {
		if ((seen >> v[i]) & 1)
			return SCORE_E_RESPONSE;
		seen |= 1ull << v[i];
	}
	return SCORE_OK;
}

static int ordering_validate(const void *state, const cJSON *r)
{
	int v[MAX_ITEMS];
	return ordering_read(state, r, v);
}

static int ordering_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const order_state *s = state;
	int v[MAX_ITEMS];
	if (ordering_read(s, r, v))
		return SCORE_E_RESPONSE;
	int placed = 0;
	for (int i = 0; i < s->n; i++)
		placed += v[i] == s->answer[i];
	if (placed == s->n) {
		out->num = out->den = 1;
		out->correctness = SCORE_CORRECT;
		return SCORE_OK;
	}
	out->num = 0;
	out->den = 1;
	if (s->partial == PARTIAL_POSITION) {
		out->num = placed;
		out->den = s->n;
		snprintf(out->feedback, sizeof out->feedback,
			 score_lang_en(lang) ? "%d of %d items in place" : "%d/%d 项位置正确", placed, s->n);
	} else if (s->partial == PARTIAL_PAIRWISE) {
		int good = 0, pairs = s->n * (s->n - 1) / 2;
		for (int i = 0; i < s->n; i++)
			for (int j = i + 1; j < s->n; j++)
				good += s->pos[v[i]] < s->pos[v[j]];
		out->num = good;
		out->den = pairs;
		snprintf(out->feedback, sizeof out->feedback,
			 score_lang_en(lang) ? "%d of %d pairs in the right order" : "%d/%d 对先后顺序正确",
			 good, pairs);
	}
	out->correctness = out->num > 0 ? SCORE_PARTIAL : SCORE_WRONG;
	return SCORE_OK;
}

static int ordering_public(const void *state, cJSON *obj)
{
	return add_copy(obj, "items", ((const order_state *)state)->items);
}

static cJSON *order_reveal(const void *state)
{
	const order_state *s = state;
	return indexes_json(s->answer, s->n);
}

static char *order_canonical(const void *state, const cJSON *r)
{
	const order_state *s = state;
	int v[MAX_ITEMS];
	if (read_indexes(r, s->n, s->nright ? s->nright : s->n, v))
		return NULL;
	return indexes_text(v, s->n);
}

const score_type score_type_ordering = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "ordering",
	.version = "1.0.0",
	.state_size = sizeof(order_state),
	.compile = ordering_compile,
	.validate = ordering_validate,
	.score = ordering_score,
	.public_fields = ordering_public,
	.reveal = order_reveal,
	.canonical = order_canonical,
	.release = order_release,
};

/* ---------- matching ---------- */

static int matching_compile(void *state, const cJSON *q, char **err)
{
	order_state *s = state;
	int rc = score_langmap_array(cJSON_GetObjectItemCaseSensitive(q, "left"), "left", 1, MAX_ITEMS,
				     &s->items, err);
	if (!rc)
		rc = score_langmap_array(cJSON_GetObjectItemCaseSensitive(q, "right"), "right", 1, MAX_RIGHT,
					 &s->right, err);
	if (rc)
		return rc;
	s->n = cJSON_GetArraySize(s->items);
	s->nright = cJSON_GetArraySize(s->right);
	if ((rc = compile_answer(s, q, s->n, s->nright, 0, err)))
		return rc;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(q, "partial");
	if (p && !cJSON_IsBool(p))
		return score_errf(err, SCORE_E_DEFINITION, "partial: must be true or false");
	s->partial = !cJSON_IsFalse(p);
	return SCORE_OK;
}

static int matching_validate(const void *state, const cJSON *r)
{
	const order_state *s = state;
	int v[MAX_ITEMS];
	return read_indexes(r, s->n, s->nright, v);
}

static int matching_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const order_state *s = state;
	int v[MAX_ITEMS];
	if (read_indexes(r, s->n, s->nright, v))
		return SCORE_E_RESPONSE;
	int right = 0;
	for (int i = 0; i < s->n; i++)
		right += v[i] == s->answer[i];
	if (right == s->n) {
		out->num = out->den = 1;
		out->correctness = SCORE_CORRECT;
		return SCORE_OK;
	}
	out->num = s->partial ? right : 0;
	out->den = s->partial ? s->n : 1;
	out->correctness = out->num > 0 ? SCORE_PARTIAL : SCORE_WRONG;
	snprintf(out->feedback, sizeof out->feedback,
		 score_lang_en(lang) ? "%d of %d pairs matched" : "%d/%d 组配对正确", right, s->n);
	return SCORE_OK;
}

static int matching_public(const void *state, cJSON *obj)
{
	const order_state *s = state;
	int rc = add_copy(obj, "left", s->items);
	return rc ? rc : add_copy(obj, "right", s->right);
}

const score_type score_type_matching = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "matching",
	.version = "1.0.0",
	.state_size = sizeof(order_state),
	.compile = matching_compile,
	.validate = matching_validate,
	.score = matching_score,
	.public_fields = matching_public,
	.reveal = order_reveal,
	.canonical = order_canonical,
	.release = order_release,
};
