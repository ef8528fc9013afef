/*
 * plugins/keywords/keywords.c - an example third-party scorer: short written
 * answers about a procedure, scored by the key points they mention.
 *
 * Built as $(OUT)/plugins/keywords.so and loaded by the engine from the
 * plugins directory (skillarena serve --plugins DIR); docs/scoring.md walks
 * through it. It uses only the plugin ABI (scoring_plugin.h) and compiles
 * the engine's normalize.c and util.c into itself.
 *
 *   {"type": "keywords", "text": "有限空间作业前应做哪些准备？",
 *    "keywords": [                       1..32 key points
 *      {"any": ["通风"], "weight": 1},   accepted phrasings, weight (default 1)
 *      {"any": ["检测", "测氧"]},
 *      {"any": ["监护"], "weight": 2}],
 *    "ordered": true,                    credit only for the longest run of key
 *                                        points mentioned in the listed order
 *    "forbidden": ["直接进入"],          a dangerous step: no credit at all
 *    "ignore_case": true,                (default true)
 *    "max_chars": 200}                   public; longer answers are refused
 *
 * Response: a string. Matching ignores case (ASCII), full-width/half-width
 * and every space, so "通 风" and "ＣＯ" count as "通风" and "co".
 * Credit = weight of the key points found / total weight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring_plugin.h"

#define MAX_POINTS 32
#define MAX_ALTS 8
#define MAX_FORBIDDEN 16

typedef struct kw_point {
	char *alts[MAX_ALTS]; /* normalized, spaces removed */
	int nalts;
	int64_t weight_milli;
} kw_point;

typedef struct kw_state {
	kw_point p[MAX_POINTS];
	int n;
	char *forbidden[MAX_FORBIDDEN];
	int nforbidden;
	int ordered, fold, max_chars;
	int64_t total_milli;
	cJSON *reveal;
} kw_state;

/* Normalizes and drops every space; -1 on bad UTF-8 or overflow. */
static int squeeze(const char *in, size_t len, char *out, size_t cap, int fold)
{
	int n = score_normalize_text(in, len, out, cap, fold);
	if (n < 0)
		return -1;
	int o = 0;
	for (int i = 0; i < n; i++)
		if (out[i] != ' ')
			out[o++] = out[i];
	out[o] = '\0';
	return o;
}

static int utf8_chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int phrase(const cJSON *v, int fold, char **out, const char *where, char **err)
{
	char buf[SCORE_MAX_TEXT + 1];
	if (!cJSON_IsString(v) || strlen(v->valuestring) > SCORE_MAX_TEXT)
		return score_errf(err, SCORE_E_DEFINITION, "%s: must be a string of at most %d bytes", where,
				  SCORE_MAX_TEXT);
	int n = squeeze(v->valuestring, strlen(v->valuestring), buf, sizeof buf, fold);
	if (n <= 0)
		return score_errf(err, SCORE_E_DEFINITION, "%s: %s", where,
				  n < 0 ? "is not valid UTF-8" : "is empty");
	if (!(*out = strdup(buf)))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	return SCORE_OK;
}

static int kw_compile(void *state, const cJSON *q, char **err)
{
	kw_state *s = state;
	const cJSON *ic = cJSON_GetObjectItemCaseSensitive(q, "ignore_case");
	const cJSON *ord = cJSON_GetObjectItemCaseSensitive(q, "ordered");
	const cJSON *mc = cJSON_GetObjectItemCaseSensitive(q, "max_chars");
	if ((ic && !cJSON_IsBool(ic)) || (ord && !cJSON_IsBool(ord)))
		return score_errf(err, SCORE_E_DEFINITION, "%s: must be true or false",
				  ic && !cJSON_IsBool(ic) ? "ignore_case" : "ordered");
	s->fold = !cJSON_IsFalse(ic);
	s->ordered = cJSON_IsTrue(ord);
	int64_t m = 200;
	if (mc && (!score_json_is_int(mc, &m) || m < 1 || m > SCORE_MAX_TEXT / 3))
		return score_errf(err, SCORE_E_DEFINITION, "max_chars: must be a whole number from 1 to %d",
				  SCORE_MAX_TEXT / 3);
	s->max_chars = (int)m;

	const cJSON *kws = cJSON_GetObjectItemCaseSensitive(q, "keywords");
	if (!cJSON_IsArray(kws) || cJSON_GetArraySize(kws) < 1 || cJSON_GetArraySize(kws) > MAX_POINTS)
		return score_errf(err, SCORE_E_DEFINITION, "keywords: must be an array of 1 to %d key points",
				  MAX_POINTS);
	if (!(s->reveal = cJSON_CreateArray()))
		return score_errf(err, SCORE_E_NOMEM, "out of memory");
	const cJSON *k;
	cJSON_ArrayForEach(k, kws)
	{
		kw_point *p = &s->p[s->n];
		char where[64];
		const cJSON *any = cJSON_GetObjectItemCaseSensitive(k, "any");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(k, "weight");
		if (!cJSON_IsArray(any) || cJSON_GetArraySize(any) < 1 || cJSON_GetArraySize(any) > MAX_ALTS)
			return score_errf(err, SCORE_E_DEFINITION,
					  "keywords[%d].any: must be an array of 1 to %d phrases", s->n,
					  MAX_ALTS);
		p->weight_milli = 1000;
		if (w && !score_json_milli(w, 1, 1000000, &p->weight_milli))
			return score_errf(err, SCORE_E_DEFINITION,
					  "keywords[%d].weight: must be a number above 0, at most 1000",
					  s->n);
		const cJSON *a;
		cJSON_ArrayForEach(a, any)
		{
			snprintf(where, sizeof where, "keywords[%d].any[%d]", s->n, p->nalts);
			int rc = phrase(a, s->fold, &p->alts[p->nalts], where, err);
			if (rc)
				return rc;
			p->nalts++;
		}
		cJSON_AddItemToArray(s->reveal, cJSON_CreateString(cJSON_GetArrayItem(any, 0)->valuestring));
		s->total_milli += p->weight_milli;
		s->n++;
	}
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(q, "forbidden");
	if (fb && (!cJSON_IsArray(fb) || cJSON_GetArraySize(fb) > MAX_FORBIDDEN))
		return score_errf(err, SCORE_E_DEFINITION,
				  "forbidden: must be an array of at most %d phrases", MAX_FORBIDDEN);
	const cJSON *f;
	cJSON_ArrayForEach(f, fb)
	{
		char where[32];
		snprintf(where, sizeof where, "forbidden[%d]", s->nforbidden);
		int rc = phrase(f, s->fold, &s->forbidden[s->nforbidden], where, err);
		if (rc)
			return rc;
		s->nforbidden++;
	}
	return SCORE_OK;
}

static void kw_release(void *state)
{
	kw_state *s = state;
	for (int i = 0; i < MAX_POINTS; i++) /* a failed compile leaves a partial point */
		for (int j = 0; j < s->p[i].nalts; j++)
			free(s->p[i].alts[j]);
	for (int i = 0; i < s->nforbidden; i++)
		free(s->forbidden[i]);
	cJSON_Delete(s->reveal);
}

/* The squeezed response in buf; SCORE_E_RESPONSE when it is not acceptable. */
static int kw_read(const kw_state *s, const cJSON *r, char *buf, size_t cap)
{
	if (!cJSON_IsString(r) || !r->valuestring)
		return SCORE_E_RESPONSE;
	size_t len = strlen(r->valuestring);
	if (len > SCORE_MAX_TEXT)
		return SCORE_E_RESPONSE;
	if (squeeze(r->valuestring, len, buf, cap, s->fold) < 0)
		return SCORE_E_RESPONSE;
	char tmp[SCORE_MAX_TEXT + 1];
	if (score_normalize_text(r->valuestring, len, tmp, sizeof tmp, 0) < 0 ||
	    utf8_chars(tmp) > s->max_chars)
		return SCORE_E_RESPONSE;
	return SCORE_OK;
}

static int kw_validate(const void *state, const cJSON *r)
{
	char buf[SCORE_MAX_TEXT + 1];
	return kw_read(state, r, buf, sizeof buf);
}

static int kw_score(const void *state, const cJSON *r, const char *lang, score_outcome *out)
{
	const kw_state *s = state;
	char buf[SCORE_MAX_TEXT + 1];
	if (kw_read(s, r, buf, sizeof buf))
		return SCORE_E_RESPONSE;
	int en = score_lang_en(lang);
	out->den = s->total_milli;
	out->num = 0;
	out->correctness = SCORE_WRONG;
	out->blank = buf[0] == '\0';
	if (out->blank)
		return SCORE_OK;
	for (int i = 0; i < s->nforbidden; i++) {
		if (strstr(buf, s->forbidden[i])) {
			snprintf(out->feedback, sizeof out->feedback,
				 en ? "mentions a dangerous step: %s" : "包含错误做法：%s", s->forbidden[i]);
			return SCORE_OK;
		}
	}
	/* earliest position of each key point, -1 when absent */
	int pos[MAX_POINTS], found = 0;
	for (int i = 0; i < s->n; i++) {
		pos[i] = -1;
		for (int j = 0; j < s->p[i].nalts; j++) {
			const char *hit = strstr(buf, s->p[i].alts[j]);
			if (hit && (pos[i] < 0 || hit - buf < pos[i]))
				pos[i] = (int)(hit - buf);
		}
		found += pos[i] >= 0;
	}
	int64_t got = 0;
	if (!s->ordered) {
		for (int i = 0; i < s->n; i++)
			if (pos[i] >= 0)
				got += s->p[i].weight_milli;
	} else {
		/* heaviest chain of found points whose positions increase in list order */
		int64_t best[MAX_POINTS];
		for (int i = 0; i < s->n; i++) {
			best[i] = 0;
			if (pos[i] < 0)
				continue;
			best[i] = s->p[i].weight_milli;
			for (int j = 0; j < i; j++)
				if (pos[j] >= 0 && pos[j] < pos[i] &&
				    best[j] + s->p[i].weight_milli > best[i])
					best[i] = best[j] + s->p[i].weight_milli;
			got = best[i] > got ? best[i] : got;
		}
	}
	out->num = got;
	out->correctness = got == s->total_milli ? SCORE_CORRECT : got > 0 ? SCORE_PARTIAL : SCORE_WRONG;
	snprintf(out->feedback, sizeof out->feedback,
		 en ? "%d of %d key points mentioned%s" : "提到 %d/%d 个要点%s", found, s->n,
		 s->ordered && got < s->total_milli && found == s->n ? (en ? ", not in order" : "，顺序有误")
								     : "");
	return SCORE_OK;
}

static int kw_public(const void *state, cJSON *obj)
{
	const kw_state *s = state;
	return cJSON_AddNumberToObject(obj, "max_chars", s->max_chars) ? SCORE_OK : SCORE_E_NOMEM;
}

static cJSON *kw_reveal(const void *state) { return cJSON_Duplicate(((const kw_state *)state)->reveal, 1); }

static char *kw_canonical(const void *state, const cJSON *r)
{
	char buf[SCORE_MAX_TEXT + 1];
	if (kw_read(state, r, buf, sizeof buf))
		return NULL;
	return strdup(buf);
}

__attribute__((visibility("default"))) const score_type skillarena_scorer = {
	.abi_version = SCORE_ABI_VERSION,
	.type = "keywords",
	.version = "1.0.0",
	.state_size = sizeof(kw_state),
	.compile = kw_compile,
	.validate = kw_validate,
	.score = kw_score,
	.public_fields = kw_public,
	.reveal = kw_reveal,
	.canonical = kw_canonical,
	.release = kw_release,
};
