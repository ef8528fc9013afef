/*
 * types/judged.c - practical tasks marked by judges against a rubric.
 *
 *   "rubric": [
 *     {"id": "m1", "kind": "measurement", "text": "...", "max": 10},
 *              awarded or not: the mark is true/false
 *     {"id": "m2", "kind": "measurement", "max": 20, "scale": 5},
 *              on a scale: the mark is 0..5 (3 decimals), points = max*mark/5
 *     {"id": "j1", "kind": "judgement", "max": 15}
 *              each judge gives an integer 0-3; points = max * mean / 3
 *   ],
 *   "panel": {"min_judges": 3, "trim_from": 5, "max_spread": 1}
 *
 * The panel rule common in Chinese contests: with trim_from (default 5) or
 * more judges, the highest and the lowest mark are dropped before averaging
 * (trim_from 0 never drops). Judges whose marks are more than max_spread
 * (default 1) apart are flagged for reconciliation. The question's natural
 * points are the rubric's total; the time factor never applies.
 *
 * The "response" of a judged question is the marks object
 * {"m1": true, "m2": 3.5, "j1": [2, 3, 3]}; score_judged_combine() gives the
 * per-aspect breakdown and the flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct aspect {
	char id[32];
	int judgement;
	int64_t max_milli;
	int64_t scale_milli; /* measurement on a scale: 0..scale; 0 = awarded or not */
	cJSON *text;
} aspect;

typedef struct judged_state {
	aspect a[SCORE_JUDGED_MAX_ASPECTS];
	int n;
	int min_judges, trim_from, max_spread;
	int64_t total_milli;
	cJSON *public_rubric;
} judged_state;

static int valid_id(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
			return 0;
	return n >= 1 && n < 32;
}

static int panel_int(const cJSON *panel, const char *name, int lo, int hi, int def, int *out, char **err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(panel, name);
	int64_t x = def;
	if (v && (!score_json_is_int(v, &x) || x < lo || x > hi))
		return score_errf(err, SCORE_E_DEFINITION, "panel.%s: must be a whole number from %d to %d",
				  name, lo, hi);
	*out = (int)x;
	return SCORE_OK;
}

/* Appends what judges see of aspect a to rubric; 0 when memory runs out. */
static int public_aspect(cJSON *rubric, const aspect *a)
{
	cJSON *pub = cJSON_CreateObject();
	if (!pub || !cJSON_AddItemToArray(rubric, pub)) {
		cJSON_Delete(pub);
		return 0;
	}
	if (!cJSON_AddStringToObject(pub, "id", a->id) ||
	    !cJSON_AddStringToObject(pub, "kind", a->judgement ? "judgement" : "measurement") ||
	    !cJSON_AddNumberToObject(pub, "max", (double)a->max_milli / 1000) ||
	    (a->scale_milli && !cJSON_AddNumberToObject(pub, "scale", (double)a->scale_milli / 1000)))
		return 0;
	cJSON *text = a->text ? cJSON_Duplicate(a->text, 1) : NULL;
	if (a->text && (!text || !cJSON_AddItemToObject(pub, "text", text))) {
		cJSON_Delete(text);
		return 0;
	}
	return 1;
}

static int judged_compile(void *state, const cJSON *q, char **err)
{
	judged_state *s = state;
	const cJSON *panel = cJSON_GetObjectItemCaseSensitive(q, "panel");
	if (panel && !cJSON_IsObject(panel))
		return score_errf(err, SCORE_E_DEFINITION, "panel: must be an object");
	int rc;
	if ((rc = panel_int(panel, "min_judges", 1, SCORE_JUDGED_MAX_JUDGES, 1, &s->min_judges, err)) ||
	    (rc = panel_int(panel, "trim_from", 0, SCORE_JUDGED_MAX_JUDGES, 5, &s->trim_from, err)) ||
	    (rc = panel_int(panel, "max_spread", 0, 3, 1, &s->max_spread, err)))
		return rc;
	if (s->trim_from > 0 && s->trim_from < 3)
		return score_errf(
			err, SCORE_E_DEFINITION,
			"panel.trim_from: dropping two marks needs at least 3 judges (or 0: never)");
	const cJSON *rub = cJSON_GetObjectItemCaseSensitive(q, "rubric");
	if (!cJSON_IsArray(rub) || cJSON_GetArraySize(rub) < 1 ||
	    cJSON_GetArraySize(rub) > SCORE_JUDGED_MAX_ASPECTS)
		return score_errf(err, SCORE_E_DEFINITION, "rubric: must be an array of 1 to %d aspects",
				  SCORE_JUDGED_MAX_ASPECTS);
	if (!(s->public_rubric = cJSON_CreateArray()))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	const cJSON *e;
	cJSON_ArrayForEach(e, rub)
	{
		aspect *a = &s->a[s->n];
		int i = s->n;
		if (!cJSON_IsObject(e))
			return score_errf(err, SCORE_E_DEFINITION, "rubric[%d]: must be an object", i);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(e, "kind");
		const cJSON *max = cJSON_GetObjectItemCaseSensitive(e, "max");
		const cJSON *scale = cJSON_GetObjectItemCaseSensitive(e, "scale");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(e, "text");
		if (!cJSON_IsString(id) || !valid_id(id->valuestring))
			return score_errf(err, SCORE_E_DEFINITION,
					  "rubric[%d].id: must be 1-31 characters of A-Z a-z 0-9 _ -", i);
		for (int j = 0; j < i; j++)
			if (strcmp(s->a[j].id, id->valuestring) == 0)
				return score_errf(err, SCORE_E_DEFINITION, "rubric[%d].id: '%s' is repeated",
						  i, id->valuestring);
		snprintf(a->id, sizeof a->id, "%s", id->valuestring);
		if (cJSON_IsString(kind) && strcmp(kind->valuestring, "judgement") == 0)
			a->judgement = 1;
		else if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "measurement") != 0)
			return score_errf(err, SCORE_E_DEFINITION,
					  "rubric[%d].kind: must be \"measurement\" or \"judgement\"", i);
		if (!score_json_milli(max, 1, 100000000, &a->max_milli))
			return score_errf(err, SCORE_E_DEFINITION,
					  "rubric[%d].max: must be a number above 0, at most 100000", i);
		if (scale && (a->judgement || !score_json_milli(scale, 1, 1000000000, &a->scale_milli)))
			return score_errf(err, SCORE_E_DEFINITION, "rubric[%d].scale: %s", i,
					  a->judgement ? "judgement aspects are always marked 0-3"
						       : "must be a number above 0");
		if (text && !(a->text = score_langmap(text)) && score_langmap_valid(text))
			return score_errf(err, SCORE_E_NOMEM, "out of memory");
		if (text && !a->text)
			return score_errf(err, SCORE_E_DEFINITION,
					  "rubric[%d].text: must be a string or a language map", i);
		s->n++;
		s->total_milli += a->max_milli;
		if (!public_aspect(s->public_rubric, a))
			return score_errf(err, SCORE_E_NOMEM, "out of memory");
	}
	return SCORE_OK;
}

static void judged_release(void *state)
{
	judged_state *s = state;
	for (int i = 0; i < s->n; i++)
		cJSON_Delete(s->a[i].text);
	cJSON_Delete(s->public_rubric);
}

/* Combines the marks; no allocation. */
static int combine(const judged_state *s, const cJSON *marks, score_judged *out)
{
	if (!cJSON_IsObject(marks))
		return SCORE_E_RESPONSE;
	int seen = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, marks)
	{
		int i;
		for (i = 0; i < s->n; i++)
			if (strcmp(s->a[i].id, e->string) == 0)
				break;
		if (i == s->n)
			return SCORE_E_RESPONSE; /* an aspect the rubric does not have */
		seen++;
	}
	if (seen != s->n)
		return SCORE_E_RESPONSE; /* missing (or repeated) aspects */
	memset(out, 0, sizeof *out);
	out->naspects = s->n;
	for (int i = 0; i < s->n; i++) {
		const aspect *a = &s->a[i];
		score_aspect_mark *m = &out->aspects[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(marks, a->id);
		memcpy(m->id, a->id, sizeof m->id);
		m->judgement = a->judgement;
		m->max_milli = a->max_milli;
		if (!a->judgement) {
			int64_t x;
			m->judges = m->counted = 1;
			if (!a->scale_milli) {
				if (cJSON_IsBool(v))
					x = cJSON_IsTrue(v);
				else if (!score_json_is_int(v, &x) || x < 0 || x > 1)
					return score_json_is_int(v, NULL) ? SCORE_E_RANGE : SCORE_E_RESPONSE;
				m->points_milli = x ? a->max_milli : 0;
			} else {
				if (!cJSON_IsNumber(v))
					return SCORE_E_RESPONSE;
				if (!score_json_milli(v, 0, a->scale_milli, &x))
					return SCORE_E_RANGE;
				m->points_milli =
					score__div_round((__int128)a->max_milli * x, a->scale_milli);
			}
		} else {
			int marks_v[SCORE_JUDGED_MAX_JUDGES];
			int k = 0;
			if (!cJSON_IsArray(v))
				return SCORE_E_RESPONSE;
			const cJSON *j;
			cJSON_ArrayForEach(j, v)
			{
				if (k == SCORE_JUDGED_MAX_JUDGES)
					return SCORE_E_RESPONSE;
				int rc = score_json_index_rc(j, 4, &marks_v[k]);
				if (rc)
					return rc;
				k++;
			}
			if (k < s->min_judges)
				return SCORE_E_RESPONSE;
			int lo = 3, hi = 0, sum = 0;
			for (int t = 0; t < k; t++) {
				sum += marks_v[t];
				lo = marks_v[t] < lo ? marks_v[t] : lo;
				hi = marks_v[t] > hi ? marks_v[t] : hi;
			}
			m->judges = m->counted = k;
			if (s->trim_from && k >= s->trim_from) {
				sum -= lo + hi;
				m->counted = k - 2;
			}
			m->spread = hi - lo;
			m->flagged = m->spread > s->max_spread;
			out->nflagged += m->flagged;
			m->points_milli = score__div_round((__int128)a->max_milli * sum, 3 * m->counted);
		}
		out->points_milli += m->points_milli;
		out->max_milli += m->max_milli;
	}
	return SCORE_OK;
}

int score_judged_combine(const score_question *q, const cJSON *marks, score_judged *out)
{
	const judged_state *s = score__question_state(q, &score_type_judged);
	if (!s)
		return SCORE_E_DEFINITION;
	return combine(s, marks, out);
}

static int judged_validate(const void *state, const cJSON *r)
{
	score_judged tmp;
	return combine(state, r, &tmp);
}

static int judged_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	score_judged j;
	int rc = combine(state, r, &j);
	if (rc)
		return rc;
	out->num = j.points_milli;
	out->den = j.max_milli;
	out->correctness = j.points_milli == j.max_milli ? SCORE_CORRECT
			   : j.points_milli > 0          ? SCORE_PARTIAL
							 : SCORE_WRONG;
	int en = score_lang_en(lang);
	int o = snprintf(out->feedback, sizeof out->feedback, en ? "%.3f of %.3f points" : "得分 %.3f/%.3f",
			 (double)j.points_milli / 1000, (double)j.max_milli / 1000);
	if (j.nflagged && o > 0 && (size_t)o < sizeof out->feedback)
		snprintf(out->feedback + o, sizeof out->feedback - (size_t)o,
			 en ? "; %d aspect(s) to reconcile" : "；%d 项评分需复核", j.nflagged);
	return SCORE_OK;
}

static int judged_public(const void *state, cJSON *obj)
{
	cJSON *r = cJSON_Duplicate(((const judged_state *)state)->public_rubric, 1);
	if (!r || !cJSON_AddItemToObject(obj, "rubric", r)) {
		cJSON_Delete(r);
		return SCORE_E_NOMEM;
	}
	return SCORE_OK;
}

static cJSON *judged_reveal(const void *state) { return cJSON_CreateNull(); }

/* The marks in rubric order, measurements as numbers: {"m1":1,"j1":[2,3,3]}. */
static char *judged_canonical(const void *state, const cJSON *r)
{
	const judged_state *s = state;
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; o && i < s->n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, s->a[i].id);
		cJSON *c = cJSON_IsBool(v) ? cJSON_CreateNumber(cJSON_IsTrue(v)) : cJSON_Duplicate(v, 1);
		if (!c || !cJSON_AddItemToObject(o, s->a[i].id, c)) {
			cJSON_Delete(c);
			cJSON_Delete(o);
			return NULL;
		}
	}
	char *out = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return out;
}

static int64_t judged_points(const void *state) { return ((const judged_state *)state)->total_milli; }

const score_type score_type_judged = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "judged",
	.version = "1.0.0",
	.state_size = sizeof(judged_state),
	.compile = judged_compile,
	.validate = judged_validate,
	.score = judged_score,
	.public_fields = judged_public,
	.reveal = judged_reveal,
	.canonical = judged_canonical,
	.release = judged_release,
	.natural_points_milli = judged_points,
	.flags = SCORE_TYPE_UNTIMED,
};
