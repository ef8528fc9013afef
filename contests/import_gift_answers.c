/*
 * import_gift_answers.c - the answer block of a GIFT question: {...}.
 *
 * What is inside the braces decides the type, as in Moodle's reader:
 *
 *   {}                                  essay (skipped by the caller)
 *   {#...}                              numeric: "v", "v:t", "a..b", or
 *                                       several "=v:t#feedback"
 *   {T} {FALSE#wrong fb#right fb}       true_false
 *   {=a -> b =c -> d}                   matching (every answer "=l -> r")
 *   {~... =...}                         single_choice, or multiple_choice
 *                                       with weights {~%50%a ~%-50%b}
 *   {=a =b}                             fill_in, one blank, alternatives
 *
 * "####text" before the closing brace is the explanation; "#text" after an
 * answer is its feedback. gift_block() reads the block; one function per
 * kind builds the question's fields.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_gift.h"

typedef struct gift_answer {
	char prefix;   /* '=' or '~' */
	double weight; /* percent */
	bool weighted;
	size_t at, a, b; /* where it starts; its text [a, b) */
	size_t fa, fb;   /* its feedback [fa, fb) or fa == fb */
} gift_answer;

/* Reads "%weight%" at *i; false after reporting a bad weight. */
static bool gift_weight(gift *g, size_t *i, size_t end, double *w, bool *given)
{
	*given = false;
	if (*i >= end || g->t[*i] != '%')
		return true;
	size_t close = gift_find(g->t, *i + 1, end, '%');
	char buf[32];
	size_t n = close - *i - 1;
	if (close == end || n == 0 || n >= sizeof buf) {
		snprintf(buf, sizeof buf, "%.20s", g->t + *i);
		gift_err(g, *i, CXM_GIFT_WEIGHT, buf);
		return false;
	}
	memcpy(buf, g->t + *i + 1, n);
	buf[n] = '\0';
	char *e;
	double d = strtod(buf, &e);
	if (*e || !isfinite(d) || d < -100 || d > 100) {
		gift_err(g, *i, CXM_GIFT_WEIGHT, buf);
		return false;
	}
	*w = d;
	*given = true;
	*i = close + 1;
	return true;
}

/* Splits [a, b) into answers starting at unescaped '=' or '~'; -1 after reporting a problem. */
static int gift_answers(gift *g, size_t a, size_t b, gift_answer *v)
{
	int n = 0;
	size_t i = a;
	while (i < b && isspace((unsigned char)g->t[i]))
		i++;
	if (i < b && g->t[i] != '=' && g->t[i] != '~') {
		size_t e = i;
		while (e < b && !isspace((unsigned char)g->t[e]) && e - i < 20)
			e++;
		char shown[32];
		snprintf(shown, sizeof shown, "%.*s", (int)(e - i), g->t + i);
		gift_err(g, i, CXM_GIFT_STRAY, shown);
		return -1;
	}
	while (i < b) {
		if (n == GIFT_MAX_ANSWERS) {
			gift_err(g, i, CXM_TOO_MANY, GIFT_MAX_ANSWERS);
			return -1;
		}
		gift_answer *an = &v[n];
		memset(an, 0, sizeof *an);
		an->prefix = g->t[i];
		an->at = i;
		i++;
		if (!gift_weight(g, &i, b, &an->weight, &an->weighted))
			return -1;
		if (!an->weighted)
			an->weight = an->prefix == '=' ? 100 : 0;
		/* the answer runs to the next unescaped = or ~ */
		size_t e = i;
		while (e < b) {
			if (g->t[e] == '\\' && e + 1 < b) {
				e += 2;
				continue;
			}
			if (g->t[e] == '=' || g->t[e] == '~')
				break;
			e++;
		}
		size_t h = gift_find(g->t, i, e, '#');
		an->a = i;
		an->b = h;
		if (h < e) {
			an->fa = h + 1;
			an->fb = e;
		}
		n++;
		i = e;
	}
	return n;
}

/* q[key] = the feedback of every answer, when any has one. */
static void gift_feedback(gift *g, const gift_answer *v, int n, cJSON *q, const char *key)
{
	cx *c = g->c;
	bool any = false;
	for (int k = 0; k < n; k++) {
		size_t a = v[k].fa, b = v[k].fb;
		gift_trim(g->t, &a, &b);
		any |= a < b;
	}
	if (!any)
		return;
	cJSON *arr = cx_jadd(c, q, key, cJSON_CreateArray());
	for (int k = 0; k < n && arr; k++) {
		char *f = gift_text(g, v[k].fa, v[k].fb);
		if (!f || !cx_jpush(c, arr, cJSON_CreateString(f))) {
			free(f);
			return;
		}
		free(f);
	}
}

/* All the answers as strings, in order; NULL on no memory. */
static cJSON *gift_strings(gift *g, const gift_answer *v, int n)
{
	cJSON *arr = cx_jnew(g->c, cJSON_CreateArray());
	for (int k = 0; k < n && arr; k++) {
		char *s = gift_text(g, v[k].a, v[k].b);
		bool ok = s && cx_jpush(g->c, arr, cJSON_CreateString(s));
		free(s);
		if (!ok) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

static bool gift_number(gift *g, size_t a, size_t b, double *out)
{
	char *s = gift_text(g, a, b);
	if (!s)
		return false;
	char *e;
	double d = strtod(s, &e);
	bool ok = *s && !*e && isfinite(d);
	if (!ok) {
		char shown[40];
		snprintf(shown, sizeof shown, "%.32s", s);
		gift_err(g, a, CXM_GIFT_NUMBER, shown);
	}
	free(s);
	*out = d;
	return ok;
}

/* A pair {"k1": x, "k2": y}; NULL on no memory. */
static cJSON *gift_pair(cx *c, const char *k1, double x, const char *k2, double y)
{
	cJSON *o = cx_jnew(c, cJSON_CreateObject());
	cx_jnum(c, o, k1, x);
	cx_jnum(c, o, k2, y);
	if (c->nomem) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* One numeric answer "v", "v:t" or "a..b" in [a, b) -> JSON; NULL after reporting. */
static cJSON *gift_numeric_one(gift *g, size_t a, size_t b)
{
	gift_trim(g->t, &a, &b);
	size_t colon = gift_find(g->t, a, b, ':');
	size_t dots = gift_find_str(g->t, a, b, "..");
	double v, t;
	if (colon < b) {
		if (!gift_number(g, a, colon, &v) || !gift_number(g, colon + 1, b, &t))
			return NULL;
		if (t < 0) {
			gift_err(g, colon + 1, CXM_GIFT_NUMBER, "<0");
			return NULL;
		}
		return t == 0 ? cx_jnew(g->c, cJSON_CreateNumber(v))
			      : gift_pair(g->c, "value", v, "tolerance", t);
	}
	if (dots < b) {
		if (!gift_number(g, a, dots, &v) || !gift_number(g, dots + 2, b, &t))
			return NULL;
		if (t < v) {
			char shown[64];
			snprintf(shown, sizeof shown, "%g..%g", v, t);
			gift_err(g, a, CXM_GIFT_NUMBER, shown);
			return NULL;
		}
		return gift_pair(g->c, "min", v, "max", t);
	}
	if (!gift_number(g, a, b, &v))
		return NULL;
	return cx_jnew(g->c, cJSON_CreateNumber(v));
}

/* After '#': one answer, or several "=..." each at 100% with its #feedback. */
static bool gift_numeric(gift *g, size_t a, size_t b, cJSON *q)
{
	cx *c = g->c;
	size_t i = a;
	while (i < b && isspace((unsigned char)g->t[i]))
		i++;
	cx_jstr(c, q, "type", "numeric");
	if (i < b && g->t[i] != '=') {
		gift_answer one = {.prefix = '=', .at = i, .a = i, .b = gift_find(g->t, i, b, '#')};
		if (one.b < b) {
			one.fa = one.b + 1;
			one.fb = b;
		}
		cJSON *ans = gift_numeric_one(g, one.a, one.b);
		if (!ans || !cx_jadd(c, q, "answer", ans))
			return false;
		gift_feedback(g, &one, 1, q, "answer_feedback");
		return !c->nomem;
	}
	gift_answer v[GIFT_MAX_ANSWERS];
	int n = gift_answers(g, i, b, v);
	if (n < 0)
		return false;
	if (n == 0) {
		gift_err(g, a, CXM_GIFT_NO_ANSWERS);
		return false;
	}
	cJSON *arr = n == 1 ? NULL : cx_jnew(c, cJSON_CreateArray());
	for (int k = 0; k < n; k++) {
		if (v[k].prefix != '=' || (v[k].weighted && fabs(v[k].weight - 100) > 1e-9)) {
			gift_err(g, v[k].at, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "partial credit for a numeric answer (only =answers at 100%)"
					    : "数值题的部分得分（只能使用 100% 的 = 答案）");
			cJSON_Delete(arr);
			return false;
		}
		cJSON *one = gift_numeric_one(g, v[k].a, v[k].b);
		if (!one || !(n == 1 ? cx_jadd(c, q, "answer", one) : cx_jpush(c, arr, one))) {
			cJSON_Delete(arr);
			return false;
		}
	}
	if (arr && !cx_jadd(c, q, "answer", arr))
		return false;
	gift_feedback(g, v, n, q, "answer_feedback");
	return !c->nomem;
}

static bool gift_is_tf(gift *g, size_t a, size_t b)
{
	size_t h = gift_find(g->t, a, b, '#');
	gift_trim(g->t, &a, &h);
	size_t n = h - a;
	const char *s = g->t + a;
	return (n == 1 && (toupper((unsigned char)*s) == 'T' || toupper((unsigned char)*s) == 'F')) ||
	       (n == 4 && strncasecmp(s, "TRUE", 4) == 0) || (n == 5 && strncasecmp(s, "FALSE", 5) == 0);
}

/* {T#feedback for the wrong answer#feedback for the right answer} */
static bool gift_tf(gift *g, size_t a, size_t b, cJSON *q)
{
	cx *c = g->c;
	size_t h = gift_find(g->t, a, b, '#'), s = a, e = h;
	gift_trim(g->t, &s, &e);
	bool value = toupper((unsigned char)g->t[s]) == 'T';
	cx_jstr(c, q, "type", "true_false");
	cx_jadd(c, q, "answer", cJSON_CreateBool(value));
	if (h >= b)
		return !c->nomem;
	size_t h2 = gift_find(g->t, h + 1, b, '#');
	char *wrong = gift_text(g, h + 1, h2);
	char *right = h2 < b ? gift_text(g, h2 + 1, b) : cx_dup(c, "");
	if (wrong && right && (*wrong || *right)) {
		/* option_feedback[0] is shown for "true", [1] for "false" */
		cJSON *fb = cx_jadd(c, q, "option_feedback", cJSON_CreateArray());
		cx_jpush(c, fb, cJSON_CreateString(value ? right : wrong));
		cx_jpush(c, fb, cJSON_CreateString(value ? wrong : right));
	}
	free(wrong);
	free(right);
	return !c->nomem;
}

static int gift_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The halves of every "=left -> right" into left[], right[] (taken by the caller); false after reporting. */
static bool gift_pairs(gift *g, const gift_answer *v, int n, char **left, char **right, int *nl)
{
	for (int k = 0; k < n; k++) {
		size_t arrow = gift_find_str(g->t, v[k].a, v[k].b, "->");
		if (v[k].prefix != '=' || arrow == v[k].b || v[k].weighted) {
			/* "=a -> b" for every answer: no ~, no weights */
			gift_err(g, v[k].at, CXM_GIFT_MATCH);
			return false;
		}
		if (v[k].fa != v[k].fb) {
			gift_err(g, v[k].fa - 1, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "feedback on a matching pair" : "匹配题的单项反馈");
			return false;
		}
		left[k] = gift_text(g, v[k].a, arrow);
		right[k] = gift_text(g, arrow + 2, v[k].b);
		if (!left[k] || !right[k])
			return false;
		if (!*right[k]) {
			gift_err(g, arrow, CXM_GIFT_MATCH);
			return false;
		}
		/* "= -> distractor": a right item no left item matches */
		*nl += *left[k] != '\0';
	}
	if (*nl < 2) {
		gift_err(g, v[0].at, CXM_GIFT_MATCH_FEW);
		return false;
	}
	return true;
}

static bool gift_matching(gift *g, const gift_answer *v, int n, cJSON *q)
{
	cx *c = g->c;
	char *left[GIFT_MAX_ANSWERS] = {NULL}, *right[GIFT_MAX_ANSWERS] = {NULL},
	     *sorted[GIFT_MAX_ANSWERS] = {NULL};
	int nl = 0;
	bool ok = gift_pairs(g, v, n, left, right, &nl);
	if (ok) {
		/* right items sorted, so their order gives nothing away */
		memcpy(sorted, right, sizeof *right * (size_t)n);
		qsort(sorted, (size_t)n, sizeof sorted[0], gift_cmp_str);
		cx_jstr(c, q, "type", "matching");
		cJSON *lj = cx_jadd(c, q, "left", cJSON_CreateArray());
		cJSON *rj = cx_jadd(c, q, "right", cJSON_CreateArray());
		cJSON *aj = cx_jadd(c, q, "answer", cJSON_CreateArray());
		for (int k = 0; k < n; k++)
			cx_jpush(c, rj, cJSON_CreateString(sorted[k]));
		for (int k = 0; k < n; k++) {
			if (!*left[k])
				continue;
			cx_jpush(c, lj, cJSON_CreateString(left[k]));
			for (int j = 0; j < n; j++)
				if (sorted[j] == right[k]) {
					cx_jpush(c, aj, cJSON_CreateNumber(j));
					break;
				}
		}
		ok = !c->nomem;
	}
	for (int k = 0; k < n; k++) {
		free(left[k]);
		free(right[k]);
	}
	return ok;
}

static bool gift_short(gift *g, const gift_answer *v, int n, cJSON *q)
{
	cx *c = g->c;
	for (int k = 0; k < n; k++)
		if (v[k].weighted && fabs(v[k].weight - 100) > 1e-9) {
			gift_err(g, v[k].at, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "partial credit for a short answer (only =answers at 100%)"
					    : "简答题的部分得分（只能使用 100% 的 = 答案）");
			return false;
		}
	cJSON *alts = gift_strings(g, v, n);
	if (!alts)
		return false;
	cx_jstr(c, q, "type", "fill_in");
	cJSON *ans = cx_jadd(c, q, "answer", cJSON_CreateArray());
	/* one blank: its only answer, or the list of the accepted ones */
	cx_jpush(c, ans, n == 1 ? cJSON_DetachItemFromArray(alts, 0) : alts);
	if (n == 1)
		cJSON_Delete(alts);
	gift_feedback(g, v, n, q, "answer_feedback");
	return !c->nomem;
}

/* The weights of a choice block: how many right, how many penalized, and whether they are uniform. */
typedef struct gift_weights {
	int npos, nneg;
	double sum, wrong_w;
	bool equal_pos, equal_wrong, have_wrong;
} gift_weights;

static gift_weights gift_weigh(const gift_answer *v, int n)
{
	gift_weights s = {.equal_pos = true, .equal_wrong = true};
	double first_pos = 0; /* the weight every right answer must have */
	for (int k = 0; k < n; k++) {
		double w = v[k].weight;
		if (w > 0) {
			if (s.npos && fabs(w - first_pos) > 0.01)
				s.equal_pos = false;
			if (!s.npos)
				first_pos = w;
			s.npos++;
			s.sum += w;
		} else {
			if (s.have_wrong && fabs(w - s.wrong_w) > 0.01)
				s.equal_wrong = false;
			s.wrong_w = w;
			s.have_wrong = true;
			s.nneg += w < 0;
		}
	}
	return s;
}

static bool gift_choice(gift *g, const gift_answer *v, int n, cJSON *q, size_t block)
{
	cx *c = g->c;
	gift_weights s = gift_weigh(v, n);
	/* @skillarena {"multiple": true}: a multiple-choice question with one right answer */
	bool force_multi = g->meta && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g->meta, "multiple"));
	if (s.npos == 0) {
		gift_err(g, block, CXM_GIFT_NO_CORRECT);
		return false;
	}
	if (fabs(s.sum - 100) > 0.05) {
		gift_err(g, block, CXM_GIFT_WEIGHT_SUM, s.sum);
		return false;
	}
	bool single = s.npos == 1 && s.nneg == 0 && !force_multi;
	if (!single && ((s.npos == 1 && !force_multi) || !s.equal_pos || !s.equal_wrong)) {
		gift_err(
			g, block, CXM_GIFT_UNSUPPORTED,
			gift_en(g)
				? "these weights (multiple choice takes equal weights for the right answers and "
				  "one weight, 0 or negative, for the wrong ones)"
				: "这种权重（多选题要求各正确答案权重相同，各错误答案权重相同且为 0 或负数）");
		return false;
	}
	cx_jstr(c, q, "type", single ? "single_choice" : "multiple_choice");
	cx_jadd(c, q, "options", gift_strings(g, v, n));
	cJSON *multi = single ? NULL : cx_jadd(c, q, "answer", cJSON_CreateArray());
	for (int k = 0; k < n; k++)
		if (v[k].weight > 0 && single)
			cx_jnum(c, q, "answer", k);
		else if (v[k].weight > 0)
			cx_jpush(c, multi, cJSON_CreateNumber(k));
	if (!single) {
		/* a wrong pick loses |w| percent, i.e. |w| * k / 100 of one right pick
		 * (k right answers of 100/k percent each); at most all k of them */
		double pen = s.have_wrong ? -s.wrong_w * s.npos / 100 : 0;
		pen = round(pen * 1000) / 1000;
		cx_jadd(c, q, "partial", cJSON_CreateTrue());
		cx_jnum(c, q, "wrong_pick_penalty", pen > s.npos ? s.npos : pen);
	}
	gift_feedback(g, v, n, q, "option_feedback");
	return !c->nomem;
}

int gift_block(gift *g, size_t a, size_t b, cJSON *q)
{
	size_t gf = gift_find_str(g->t, a, b, "####");
	if (gf < b) {
		char *e = gift_text(g, gf + 4, b);
		if (!e || (*e && !cx_jstr(g->c, q, "explanation", e))) {
			free(e);
			return -1;
		}
		free(e);
	}
	size_t s = a, t = gf;
	gift_trim(g->t, &s, &t);
	if (s == t)
		return 1; /* essay */
	if (g->t[s] == '#')
		return gift_numeric(g, s + 1, t, q) ? 0 : -1;
	if (gift_is_tf(g, s, t))
		return gift_tf(g, s, t, q) ? 0 : -1;
	gift_answer v[GIFT_MAX_ANSWERS];
	int n = gift_answers(g, s, t, v);
	if (n < 0)
		return -1;
	if (n == 0) {
		gift_err(g, a, CXM_GIFT_NO_ANSWERS);
		return -1;
	}
	bool tilde = false, arrow = false;
	for (int k = 0; k < n; k++) {
		tilde |= v[k].prefix == '~';
		arrow |= gift_find_str(g->t, v[k].a, v[k].b, "->") < v[k].b;
	}
	bool ok = arrow && !tilde ? gift_matching(g, v, n, q)
		  : tilde         ? gift_choice(g, v, n, q, a - 1)
				  : gift_short(g, v, n, q);
	return ok ? 0 : -1;
}
