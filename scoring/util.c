/*
 * util.c - small helpers every scorer uses while compiling a definition:
 * error messages, language maps, JSON integers, indexes and milli-points.
 *
 * Only compile-time code lives here (it may allocate); the scoring hot path
 * uses none of it except score_json_index, which does not allocate.
 * Third-party plugins may compile this file into themselves.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

int score_errf(char **err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(*err);
	*err = s;
	return code;
}

int score_lang_en(const char *lang)
{
	return lang && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
	       (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

static int valid_text(const cJSON *v)
{
	if (!cJSON_IsString(v) || !v->valuestring)
		return 0;
	size_t len = strlen(v->valuestring);
	return len > 0 && score_utf8_valid(v->valuestring, len);
}

int score_langmap_valid(const cJSON *v)
{
	if (cJSON_IsString(v))
		return valid_text(v);
	if (!cJSON_IsObject(v) || !valid_text(cJSON_GetObjectItemCaseSensitive(v, "zh-CN")))
		return 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v)
	{
		if (!e->string || !*e->string || strlen(e->string) > 35 || !valid_text(e))
			return 0;
	}
	return 1;
}

cJSON *score_langmap(const cJSON *v)
{
	if (!score_langmap_valid(v))
		return NULL;
	if (!cJSON_IsString(v))
		return cJSON_Duplicate(v, 1);
	cJSON *m = cJSON_CreateObject();
	if (m && !cJSON_AddStringToObject(m, "zh-CN", v->valuestring)) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

int score_langmap_array(const cJSON *v, const char *field, int min, int max, cJSON **out, char **err)
{
	*out = NULL;
	if (!cJSON_IsArray(v))
		return score_errf(err, SCORE_E_DEFINITION, "%s: must be an array", field);
	int n = cJSON_GetArraySize(v);
	if (n < min || n > max)
		return score_errf(err, SCORE_E_DEFINITION, "%s: needs %d to %d entries, has %d", field, min,
				  max, n);
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v)
	{
		cJSON *m = score_langmap(e);
		if (!m) {
			cJSON_Delete(arr);
			if (score_langmap_valid(e))
				return score_errf(err, SCORE_E_NOMEM, "out of memory");
			return score_errf(err, SCORE_E_DEFINITION,
					  "%s[%d]: must be a non-empty string or a language map "
					  "with \"zh-CN\"",
					  field, i);
		}
		cJSON_AddItemToArray(arr, m);
		i++;
	}
	*out = arr;
	return SCORE_OK;
}

int score_json_is_int(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v))
		return 0;
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0)
		return 0;
	if (out)
		*out = (int64_t)d;
	return 1;
}

int score_json_index(const cJSON *v, int n, int *out)
{
	if (!cJSON_IsNumber(v))
		return 0;
	double d = v->valuedouble;
	if (!(d >= 0) || d >= n || d != (double)(int)d)
		return 0;
	if (out)
		*out = (int)d;
	return 1;
}

int score_json_index_rc(const cJSON *v, int n, int *out)
{
	if (score_json_index(v, n, out))
		return SCORE_OK;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble))
		return SCORE_E_RESPONSE;
	return SCORE_E_RANGE;
}

/* Value times `scale`, rounded, when it has at most `decimals` decimals. */
static int json_scaled(const cJSON *v, double scale, int64_t lo, int64_t hi, int64_t *out)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return 0;
	double d = v->valuedouble * scale;
	if (d < (double)lo - 0.5 || d > (double)hi + 0.5)
		return 0;
	double r = nearbyint(d);
	if (fabs(d - r) > 1e-6 * (1 + fabs(d) * 1e-6)) /* more decimals than allowed */
		return 0;
	int64_t x = (int64_t)r;
	if (x < lo || x > hi)
		return 0;
	*out = x;
	return 1;
}

int score_json_milli(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
	return json_scaled(v, 1000.0, lo, hi, out);
}

int score_json_ppm(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
	return json_scaled(v, 1000000.0, lo, hi, out);
}
