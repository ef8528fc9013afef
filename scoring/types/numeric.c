/*
 * types/numeric.c - numeric answers: exact, tolerance, ranges, several
 * accepted values.
 *
 *   "answer": 9.8                                exact (to 1e-9 relative)
 *   "answer": {"value": 9.8, "tolerance": 0.1}   |x - 9.8| <= 0.1
 *   "answer": {"value": 220, "relative": 0.05}   |x - 220| <= 5% of 220
 *   "answer": {"min": 2, "max": 3}               closed range
 *   "answer": [9.8, {"min": 9.7, "max": 9.9}]    any of them
 *   "tolerance" / "relative_tolerance" at question level apply to plain numbers
 *   "unit": "m/s²" or a language map (public)
 *
 * A response is a JSON number or a typed string: "3.5", "3,5", "３．５",
 * " -2 ", "1e3" (normalize.c). NaN, infinities, thousands separators and
 * strings above 64 bytes are refused as invalid_response.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

#define MAX_ACCEPT 16

typedef struct accept {
	double lo, hi; /* closed interval after tolerances */
} accept;

typedef struct numeric_state {
	accept acc[MAX_ACCEPT];
	int n;
	cJSON *answer; /* the definition's "answer", for the reveal */
	cJSON *unit;   /* language map or NULL */
} numeric_state;

static int finite_num(const cJSON *v, double *d)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return 0;
	*d = v->valuedouble;
	return 1;
}

/* Widens [lo, hi] by rounding slack so that 3.6 is within 3.5 +- 0.1. */
static void add_interval(numeric_state *s, double lo, double hi)
{
	double mag = fmax(1.0, fmax(fabs(lo), fabs(hi)));
	s->acc[s->n].lo = lo - mag * 1e-9;
	s->acc[s->n].hi = hi + mag * 1e-9;
	s->n++;
}

static int compile_one(numeric_state *s, const cJSON *a, int i, double dtol, double drel, char **err)
{
	double v, t, lo, hi;
	if (s->n == MAX_ACCEPT)
		return score_errf(err, SCORE_E_DEFINITION, "answer: at most %d accepted values", MAX_ACCEPT);
	if (finite_num(a, &v)) {
		t = fmax(dtol, fabs(v) * drel);
		add_interval(s, v - t, v + t);
		return SCORE_OK;
	}
	if (!cJSON_IsObject(a))
		return score_errf(
			err, SCORE_E_DEFINITION,
			"answer[%d]: must be a number or an object with \"value\" or \"min\"/\"max\"", i);
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(a, "value");
	const cJSON *jt = cJSON_GetObjectItemCaseSensitive(a, "tolerance");
	const cJSON *jr = cJSON_GetObjectItemCaseSensitive(a, "relative");
	const cJSON *jmin = cJSON_GetObjectItemCaseSensitive(a, "min");
	const cJSON *jmax = cJSON_GetObjectItemCaseSensitive(a, "max");
	const cJSON *e;
	cJSON_ArrayForEach(e, a)
	{
		if (strcmp(e->string, "value") && strcmp(e->string, "tolerance") &&
		    strcmp(e->string, "relative") && strcmp(e->string, "min") && strcmp(e->string, "max"))
			return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: unknown field '%s'", i,
					  e->string);
	}
	if (jv) {
		if (jmin || jmax)
			return score_errf(err, SCORE_E_DEFINITION,
					  "answer[%d]: \"value\" and \"min\"/\"max\" exclude each other", i);
		if (!finite_num(jv, &v))
			return score_errf(err, SCORE_E_DEFINITION,
					  "answer[%d].value: must be a finite number", i);
		t = dtol;
		double r = drel;
		if (jt && (!finite_num(jt, &t) || t < 0))
			return score_errf(err, SCORE_E_DEFINITION,
					  "answer[%d].tolerance: must be a number >= 0", i);
		if (jr && (!finite_num(jr, &r) || r < 0 || r > 1))
			return score_errf(err, SCORE_E_DEFINITION, "answer[%d].relative: must be from 0 to 1",
					  i);
		if (jt || jr)
			t = fmax(jt ? t : 0, jr ? fabs(v) * r : 0);
		else
			t = fmax(t, fabs(v) * r);
		add_interval(s, v - t, v + t);
		return SCORE_OK;
	}
	if (jt || jr)
		return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: a tolerance needs \"value\"", i);
	if (!jmin || !jmax || !finite_num(jmin, &lo) || !finite_num(jmax, &hi))
		return score_errf(err, SCORE_E_DEFINITION,
				  "answer[%d]: a range needs finite \"min\" and \"max\"", i);
	if (lo > hi)
		return score_errf(err, SCORE_E_DEFINITION, "answer[%d]: min %g is above max %g", i, lo, hi);
	add_interval(s, lo, hi);
	return SCORE_OK;
}

static int numeric_compile(void *state, const cJSON *q, char **err)
{
	numeric_state *s = state;
	double dtol = 0, drel = 0;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(q, "tolerance");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(q, "relative_tolerance");
	if (t && (!finite_num(t, &dtol) || dtol < 0))
		return score_errf(err, SCORE_E_DEFINITION, "tolerance: must be a number >= 0");
	if (r && (!finite_num(r, &drel) || drel < 0 || drel > 1))
		return score_errf(err, SCORE_E_DEFINITION, "relative_tolerance: must be from 0 to 1");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (!a)
		return score_errf(err, SCORE_E_DEFINITION, "answer: is missing");
	int rc;
	if (cJSON_IsArray(a)) {
		if (cJSON_GetArraySize(a) == 0)
			return score_errf(err, SCORE_E_DEFINITION, "answer: needs at least one value");
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, a)
		{
			if ((rc = compile_one(s, e, i++, dtol, drel, err)))
				return rc;
		}
	} else if ((rc = compile_one(s, a, 0, dtol, drel, err))) {
		return rc;
	}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(q, "unit");
	if (u && !(s->unit = score_langmap(u)))
		return score_langmap_valid(u) ? score_errf(err, SCORE_E_NOMEM, "out of memory")
					      : score_errf(err, SCORE_E_DEFINITION,
							   "unit: must be a string or a language map");
	if (!(s->answer = cJSON_Duplicate(a, 1)))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	return SCORE_OK;
}

static void numeric_release(void *state)
{
	numeric_state *s = state;
	cJSON_Delete(s->answer);
	cJSON_Delete(s->unit);
}

static int read_number(const cJSON *r, double *d)
{
	if (cJSON_IsNumber(r))
		return isfinite(r->valuedouble) ? (*d = r->valuedouble == 0 ? 0.0 : r->valuedouble, 0) : -1;
	if (cJSON_IsString(r) && r->valuestring) {
		size_t len = strlen(r->valuestring);
		if (len > 64)
			return -1;
		return score_parse_number(r->valuestring, len, d);
	}
	return -1;
}

static int numeric_validate(const void *state, const cJSON *r)
{
	double d;
	return read_number(r, &d) ? SCORE_E_RESPONSE : SCORE_OK;
}

static int numeric_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const numeric_state *s = state;
	double d;
	if (read_number(r, &d))
		return SCORE_E_RESPONSE;
	int ok = 0;
	for (int i = 0; i < s->n && !ok; i++)
		ok = d >= s->acc[i].lo && d <= s->acc[i].hi;
	out->num = ok;
	out->den = 1;
	out->correctness = ok ? SCORE_CORRECT : SCORE_WRONG;
	return SCORE_OK;
}

static int numeric_public(const void *state, cJSON *obj)
{
	const numeric_state *s = state;
	if (!s->unit)
		return SCORE_OK;
	cJSON *u = cJSON_Duplicate(s->unit, 1);
	if (!u || !cJSON_AddItemToObject(obj, "unit", u)) {
		cJSON_Delete(u);
		return SCORE_E_NOMEM;
	}
	return SCORE_OK;
}

static cJSON *numeric_reveal(const void *state)
{
	return cJSON_Duplicate(((const numeric_state *)state)->answer, 1);
}

static char *numeric_canonical(const void *state, const cJSON *r)
{
	double d;
	if (read_number(r, &d))
		return NULL;
	char buf[40];
	score_format_number(d, buf, sizeof buf);
	return strdup(buf);
}

const score_type score_type_numeric = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "numeric",
	.version = "1.0.0",
	.state_size = sizeof(numeric_state),
	.compile = numeric_compile,
	.validate = numeric_validate,
	.score = numeric_score,
	.public_fields = numeric_public,
	.reveal = numeric_reveal,
	.canonical = numeric_canonical,
	.release = numeric_release,
};
