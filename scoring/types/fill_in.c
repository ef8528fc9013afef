/*
 * types/fill_in.c - fill in the blanks.
 *
 *   "answer": ["预防为主", ["综合治理", "综合 治理"]]   one entry per blank:
 *             an accepted string, or an array of accepted strings (1..16)
 *   "ignore_case": false   (true: ASCII letters compare case-insensitively)
 *   "partial": false       (true: credit per correct blank)
 *
 * Both the accepted answers and the response are normalized (normalize.c):
 * full-width ASCII to half-width, every Unicode space to ' ', runs collapsed,
 * ends trimmed, so "Ａ＝ｍａ" equals "A=ma" and "预防　为主" equals "预防 为主".
 * Response: an array of strings, one per blank (each at most SCORE_MAX_TEXT
 * bytes of valid UTF-8); "" leaves a blank empty. Public field: "blanks"
 * (their number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

#define MAX_BLANKS 32
#define MAX_ALTS 16

typedef struct blank {
	char *alts[MAX_ALTS]; /* normalized accepted answers */
	int nalts;
} blank;

typedef struct fill_state {
	blank *blanks;
	int n;
	int fold, partial;
	cJSON *answer;
} fill_state;

static int add_alt(blank *b, const cJSON *v, int fold, const char *where, char **err)
{
	char buf[SCORE_MAX_TEXT + 1];
	if (!cJSON_IsString(v) || !v->valuestring)
		return score_errf(err, SCORE_E_DEFINITION, "%s: must be a string", where);
	size_t len = strlen(v->valuestring);
	if (len > SCORE_MAX_TEXT)
		return score_errf(err, SCORE_E_DEFINITION, "%s: longer than %d bytes", where, SCORE_MAX_TEXT);
	int n = score_normalize_text(v->valuestring, len, buf, sizeof buf, fold);
	if (n < 0)
		return score_errf(err, SCORE_E_DEFINITION, "%s: is not valid UTF-8", where);
	if (n == 0)
		return score_errf(err, SCORE_E_DEFINITION, "%s: is empty after normalization", where);
	if (b->nalts == MAX_ALTS)
		return score_errf(err, SCORE_E_DEFINITION, "%s: at most %d accepted answers", where,
				  MAX_ALTS);
	if (!(b->alts[b->nalts] = strdup(buf)))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	b->nalts++;
	return SCORE_OK;
}

static int fill_compile(void *state, const cJSON *q, char **err)
{
	fill_state *s = state;
	const cJSON *ic = cJSON_GetObjectItemCaseSensitive(q, "ignore_case");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(q, "partial");
	if (ic && !cJSON_IsBool(ic))
		return score_errf(err, SCORE_E_DEFINITION, "ignore_case: must be true or false");
	if (p && !cJSON_IsBool(p))
		return score_errf(err, SCORE_E_DEFINITION, "partial: must be true or false");
	s->fold = cJSON_IsTrue(ic);
	s->partial = cJSON_IsTrue(p);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!cJSON_IsArray(a))
		return score_errf(err, SCORE_E_DEFINITION,
				  "answer: must be an array with one entry per blank");
	int n = cJSON_GetArraySize(a);
	if (n < 1 || n > MAX_BLANKS)
		return score_errf(err, SCORE_E_DEFINITION, "answer: needs 1 to %d blanks, has %d", MAX_BLANKS,
				  n);
	if (!(s->blanks = calloc((size_t)n, sizeof *s->blanks)))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	s->n = n;
	int i = 0, rc;
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
	{
		char where[48];
		if (cJSON_IsArray(e)) {
			if (cJSON_GetArraySize(e) == 0)
				return score_errf(err, SCORE_E_DEFINITION,
						  "answer[%d]: needs at least one accepted answer", i);
			int j = 0;
			const cJSON *alt;
			cJSON_ArrayForEach(alt, e)
			{
				snprintf(where, sizeof where, "answer[%d][%d]", i, j++);
				if ((rc = add_alt(&s->blanks[i], alt, s->fold, where, err)))
					return rc;
			}
		} else {
			snprintf(where, sizeof where, "answer[%d]", i);
			if ((rc = add_alt(&s->blanks[i], e, s->fold, where, err)))
				return rc;
		}
		i++;
	}
	if (!(s->answer = cJSON_Duplicate(a, 1)))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	return SCORE_OK;
}

static void fill_release(void *state)
{
	fill_state *s = state;
	for (int i = 0; s->blanks && i < s->n; i++)
		for (int j = 0; j < s->blanks[i].nalts; j++)
			free(s->blanks[i].alts[j]);
	free(s->blanks);
	cJSON_Delete(s->answer);
}

static int fill_validate(const void *state, const cJSON *r)
{
	const fill_state *s = state;
	if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != s->n)
		return SCORE_E_RESPONSE;
	const cJSON *e;
	cJSON_ArrayForEach(e, r)
	{
		if (!cJSON_IsString(e) || !e->valuestring)
			return SCORE_E_RESPONSE;
		size_t len = strlen(e->valuestring);
		if (len > SCORE_MAX_TEXT || !score_utf8_valid(e->valuestring, len))
			return SCORE_E_RESPONSE;
	}
	return SCORE_OK;
}

static int fill_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const fill_state *s = state;
	char buf[SCORE_MAX_TEXT + 1];
	int right = 0, empty = 0, i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, r)
	{
		if (i >= s->n)
			return SCORE_E_RESPONSE;
		int n = score_normalize_text(e->valuestring, strlen(e->valuestring), buf, sizeof buf,
					     s->fold);
		if (n < 0)
			return SCORE_E_RESPONSE;
		empty += n == 0;
		for (int j = 0; n > 0 && j < s->blanks[i].nalts; j++) {
			if (strcmp(buf, s->blanks[i].alts[j]) == 0) {
				right++;
				break;
			}
		}
		i++;
	}
	out->blank = empty == s->n;
	if (right == s->n) {
		out->num = out->den = 1;
		out->correctness = SCORE_CORRECT;
	} else if (s->partial && right > 0) {
		out->num = right;
		out->den = s->n;
		out->correctness = SCORE_PARTIAL;
	} else {
		out->num = 0;
		out->den = 1;
		out->correctness = SCORE_WRONG;
	}
	if (s->n > 1)
		snprintf(out->feedback, sizeof out->feedback,
			 score_lang_en(lang) ? "%d of %d blanks correct" : "填对 %d/%d 空", right, s->n);
	return SCORE_OK;
}

static int fill_public(const void *state, cJSON *obj)
{
	const fill_state *s = state;
	return cJSON_AddNumberToObject(obj, "blanks", s->n) ? SCORE_OK : SCORE_E_NOMEM;
}

static cJSON *fill_reveal(const void *state)
{
	return cJSON_Duplicate(((const fill_state *)state)->answer, 1);
}

static char *fill_canonical(const void *state, const cJSON *r)
{
	const fill_state *s = state;
	char buf[SCORE_MAX_TEXT + 1];
	cJSON *arr = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, r)
	{
		if (!arr)
			break;
		if (score_normalize_text(e->valuestring, strlen(e->valuestring), buf, sizeof buf, s->fold) <
		    0) {
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON *x = cJSON_CreateString(buf);
		if (!x) {
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, x);
	}
	char *out = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	return out;
}

const score_type score_type_fill_in = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "fill_in",
	.version = "1.0.0",
	.state_size = sizeof(fill_state),
	.compile = fill_compile,
	.validate = fill_validate,
	.score = fill_score,
	.public_fields = fill_public,
	.reveal = fill_reveal,
	.canonical = fill_canonical,
	.release = fill_release,
};
