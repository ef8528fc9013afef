/*
 * import_gift.c - Moodle GIFT: question banks as plain text.
 *
 *   $CATEGORY: 安全生产/消防
 *   ::fire-01:: 全国统一的火灾报警电话是？ {
 *     ~110 =119#正确，119 是火警电话 ~120 ~122
 *     ####119 火警、120 急救、110 报警、122 交通事故。
 *   }
 *
 * Questions are separated by blank lines; lines starting with // are
 * comments; "$CATEGORY: path" sets the category of the questions after it.
 * A question is [::name::] [[format]] text {answers} [more text]; the
 * answers decide the type:
 *
 *   {T} {FALSE#wrong feedback#right feedback}     true_false
 *   {=right ~wrong ~wrong}                        single_choice
 *   {~%50%a ~%50%b ~%-50%c}                       multiple_choice, partial
 *                                                 credit (equal weights)
 *   {=answer =other answer}                       fill_in (short answer)
 *   {=left -> right =left -> right}               matching
 *   {#3.14:0.01} {#1..5} {# =10:1 =20:0}          numeric, tolerance, ranges
 *   {}                                            essay: skipped with a warning
 *
 * "#feedback" follows an answer, "####feedback" ends the block (general
 * feedback, kept as the explanation); text after the block makes a
 * missing-word question whose text shows "____" where the block was.
 * \~ \= \# \{ \} \: \\ escape the special characters, \n is a line break,
 * \-> is an arrow in text (not a matching pair).
 *
 * What GIFT cannot say (difficulty, tags, points, all-or-nothing multiple
 * choice) travels in a comment GIFT readers ignore, just before a question:
 *   // @skillarena {"difficulty": "hard", "tags": ["消防"]}
 * so a bank exported to GIFT and imported again is the same bank.
 *
 * Every problem is reported at its line and column; the file is read to the
 * end so all of them are found at once.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

#define GIFT_MAX_ANSWERS 64

/* Fields an @skillarena comment may set on the question that follows it. */
static const char *const gift_meta_fields[] = {
	"difficulty",  "tags", "points",  "time_limit_s",    "partial", "wrong_pick_penalty",
	"ignore_case", "unit", "scoring", "shuffle_options", "en",      "multiple",
	NULL};

static const char *const gift_formats[] = {"html", "moodle", "plain", "markdown", NULL};

typedef struct gift {
	cx *c;
	const char *orig; /* the text, for line:col */
	char *t;          /* a copy with comment lines blanked (same offsets) */
	size_t len;
	cx_imp *im;
	char *category; /* current category name (made a category when used), or NULL */
	cJSON *meta;    /* pending @skillarena object */
	int meta_line;
	int nq;         /* questions seen (for generated ids) */
	cJSON *need_id; /* questions without a usable name, to number at the end */
} gift;

static void gift_err(gift *g, size_t off, cx_msg m, ...)
{
	int line, col;
	cx_line_col(g->orig, off, &line, &col);
	va_list ap;
	va_start(ap, m);
	cx_verr_at(g->c, line, col, NULL, m, ap);
	va_end(ap);
}

static bool gift_en(const gift *g) { return g->c->lang && strcmp(g->c->lang, "en") == 0; }

/* Offset of the first unescaped ch in [a, b), or b. */
static size_t gift_find(const char *t, size_t a, size_t b, char ch)
{
	for (size_t i = a; i < b; i++) {
		if (t[i] == '\\' && i + 1 < b) {
			i++;
			continue;
		}
		if (t[i] == ch)
			return i;
	}
	return b;
}

/* Offset of the first unescaped string s in [a, b), or b. */
static size_t gift_find_str(const char *t, size_t a, size_t b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = a; i + n <= b; i++) {
		if (t[i] == '\\') {
			i++;
			continue;
		}
		if (strncmp(t + i, s, n) == 0)
			return i;
	}
	return b;
}

static void gift_trim(const char *t, size_t *a, size_t *b)
{
	while (*a < *b && isspace((unsigned char)t[*a]))
		(*a)++;
	/* a blank after a backslash is not an escape in GIFT: trim it too, so that
	 * "text\\ " reads as "text\\" and exports back the same */
	while (*b > *a && isspace((unsigned char)t[*b - 1]))
		(*b)--;
}

/* The text of [a, b), escapes resolved; trimmed unless raw. */
static char *gift_text_raw(const char *t, size_t a, size_t b, bool raw)
{
	if (!raw)
		gift_trim(t, &a, &b);
	cx_buf out = {0};
	for (size_t i = a; i < b; i++) {
		if (t[i] == '\\' && i + 1 < b) {
			char n = t[i + 1];
			if (strchr("~=#{}:\\", n)) {
				cx_buf_putc(&out, n);
				i++;
				continue;
			}
			if (n == 'n') {
				cx_buf_putc(&out, '\n');
				i++;
				continue;
			}
			if (n == '-' && i + 2 < b && t[i + 2] == '>') {
				/* "\->": an arrow that is text, not a matching pair */
				cx_buf_putc(&out, '-');
				i++;
				continue;
			}
		}
		cx_buf_putc(&out, t[i]);
	}
	return cx_buf_take(&out);
}

static char *gift_text(const char *t, size_t a, size_t b) { return gift_text_raw(t, a, b, false); }

/* Blanks comment lines (keeping offsets) and collects @skillarena comments. */
static void gift_blank_comments(gift *g)
{
	size_t i = 0;
	while (i < g->len) {
		size_t eol = i;
		while (eol < g->len && g->t[eol] != '\n')
			eol++;
		size_t p = i;
		while (p < eol && (g->t[p] == ' ' || g->t[p] == '\t'))
			p++;
		if (eol - p >= 2 && g->t[p] == '/' && g->t[p + 1] == '/') {
			/* keep @skillarena comments visible to the block parser as a marker */
			if (strncmp(g->t + p, "// @skillarena", 14) != 0)
				memset(g->t + i, ' ', eol - i);
		}
		i = eol + 1;
	}
}

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

typedef struct gift_answer {
	char prefix;   /* '=' or '~' */
	double weight; /* percent */
	bool weighted;
	size_t at, a, b; /* where it starts; its text [a, b) */
	size_t fa, fb;   /* its feedback [fa, fb) or fa == fb */
} gift_answer;

/* Splits [a, b) into answers starting at unescaped '=' or '~'. */
static int gift_answers(gift *g, size_t a, size_t b, gift_answer *v, bool *ok)
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
		*ok = false;
		return 0;
	}
	while (i < b) {
		if (n == GIFT_MAX_ANSWERS) {
			gift_err(g, i, CXM_TOO_MANY, GIFT_MAX_ANSWERS);
			*ok = false;
			return n;
		}
		gift_answer *an = &v[n];
		memset(an, 0, sizeof *an);
		an->prefix = g->t[i];
		an->at = i;
		i++;
		if (!gift_weight(g, &i, b, &an->weight, &an->weighted)) {
			*ok = false;
			return n;
		}
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

static cJSON *gift_feedback_array(gift *g, const gift_answer *v, int n, const int *order)
{
	bool any = false;
	for (int k = 0; k < n; k++) {
		char *f = gift_text(g->t, v[order ? order[k] : k].fa, v[order ? order[k] : k].fb);
		any |= *f != '\0';
		free(f);
	}
	if (!any)
		return NULL;
	cJSON *arr = cJSON_CreateArray();
	for (int k = 0; k < n; k++) {
		const gift_answer *an = &v[order ? order[k] : k];
		char *f = gift_text(g->t, an->fa, an->fb);
		cJSON_AddItemToArray(arr, cJSON_CreateString(f));
		free(f);
	}
	return arr;
}

static bool gift_number(gift *g, size_t a, size_t b, double *out)
{
	char *s = gift_text(g->t, a, b);
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

/* One numeric answer "v", "v:t" or "a..b" in [a, b) -> JSON. */
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
		if (t == 0)
			return cJSON_CreateNumber(v);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "value", v);
		cJSON_AddNumberToObject(o, "tolerance", t);
		return o;
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
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "min", v);
		cJSON_AddNumberToObject(o, "max", t);
		return o;
	}
	if (!gift_number(g, a, b, &v))
		return NULL;
	return cJSON_CreateNumber(v);
}

static bool gift_numeric(gift *g, size_t a, size_t b, cJSON *q)
{
	/* after '#': one answer, or several "=..." each with %weight% and #feedback */
	size_t i = a;
	while (i < b && isspace((unsigned char)g->t[i]))
		i++;
	cJSON_AddStringToObject(q, "type", "numeric");
	if (i < b && g->t[i] != '=') {
		size_t h = gift_find(g->t, i, b, '#');
		cJSON *one = gift_numeric_one(g, i, h);
		if (!one)
			return false;
		cJSON_AddItemToObject(q, "answer", one);
		if (h < b) {
			char *f = gift_text(g->t, h + 1, b);
			cJSON *fa = cJSON_CreateArray();
			cJSON_AddItemToArray(fa, cJSON_CreateString(f));
			if (*f)
				cJSON_AddItemToObject(q, "answer_feedback", fa);
			else
				cJSON_Delete(fa);
			free(f);
		}
		return true;
	}
	gift_answer v[GIFT_MAX_ANSWERS];
	bool ok = true;
	int n = gift_answers(g, i, b, v, &ok);
	if (!ok)
		return false;
	if (n == 0) {
		gift_err(g, a, CXM_GIFT_NO_ANSWERS);
		return false;
	}
	cJSON *arr = cJSON_CreateArray();
	for (int k = 0; k < n; k++) {
		if (v[k].prefix != '=' || (v[k].weighted && fabs(v[k].weight - 100) > 1e-9)) {
			gift_err(g, v[k].at, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "partial credit for a numeric answer (only =answers at 100%)"
					    : "数值题的部分得分（只能使用 100% 的 = 答案）");
			cJSON_Delete(arr);
			return false;
		}
		cJSON *one = gift_numeric_one(g, v[k].a, v[k].b);
		if (!one) {
			cJSON_Delete(arr);
			return false;
		}
		cJSON_AddItemToArray(arr, one);
	}
	cJSON_AddItemToObject(q, "answer", n == 1 ? cJSON_DetachItemFromArray(arr, 0) : arr);
	if (n == 1)
		cJSON_Delete(arr);
	cJSON *fb = gift_feedback_array(g, v, n, NULL);
	if (fb)
		cJSON_AddItemToObject(q, "answer_feedback", fb);
	return true;
}

static bool gift_tf(gift *g, size_t a, size_t b, cJSON *q)
{
	size_t h = gift_find(g->t, a, b, '#');
	char *word = gift_text(g->t, a, h);
	for (char *p = word; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	bool value = strcmp(word, "T") == 0 || strcmp(word, "TRUE") == 0;
	free(word);
	cJSON_AddStringToObject(q, "type", "true_false");
	cJSON_AddBoolToObject(q, "answer", value);
	if (h < b) {
		/* {T#feedback for the wrong answer#feedback for the right answer} */
		size_t h2 = gift_find(g->t, h + 1, b, '#');
		char *wrong = gift_text(g->t, h + 1, h2);
		char *right = h2 < b ? gift_text(g->t, h2 + 1, b) : cx_strdup("");
		if (*wrong || *right) {
			cJSON *fb = cJSON_CreateArray();
			/* option_feedback[0] is shown for "true", [1] for "false" */
			cJSON_AddItemToArray(fb, cJSON_CreateString(value ? right : wrong));
			cJSON_AddItemToArray(fb, cJSON_CreateString(value ? wrong : right));
			cJSON_AddItemToObject(q, "option_feedback", fb);
		}
		free(wrong);
		free(right);
	}
	return true;
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

static int gift_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool gift_matching(gift *g, gift_answer *v, int n, cJSON *q)
{
	char *left[GIFT_MAX_ANSWERS], *right[GIFT_MAX_ANSWERS], *sorted[GIFT_MAX_ANSWERS];
	int nl = 0, nr = 0;
	bool ok = true;
	for (int k = 0; k < n && ok; k++) {
		size_t arrow = gift_find_str(g->t, v[k].a, v[k].b, "->");
		if (v[k].prefix != '=' || arrow == v[k].b || v[k].weighted) {
			/* "=a -> b" for every answer: no ~, no weights */
			gift_err(g, v[k].at, CXM_GIFT_MATCH);
			ok = false;
			break;
		}
		if (v[k].fa != v[k].fb) {
			gift_err(g, v[k].fa - 1, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "feedback on a matching pair" : "匹配题的单项反馈");
			ok = false;
			break;
		}
		char *l = gift_text(g->t, v[k].a, arrow);
		char *r = gift_text(g->t, arrow + 2, v[k].b);
		if (!*r) {
			gift_err(g, arrow, CXM_GIFT_MATCH);
			free(l);
			free(r);
			ok = false;
			break;
		}
		right[nr] = r;
		sorted[nr++] = r;
		if (*l)
			left[nl++] = l;
		else
			free(l); /* "= -> distractor": a right item no left item matches */
	}
	if (ok && nl < 2) {
		gift_err(g, v[0].at, CXM_GIFT_MATCH_FEW);
		ok = false;
	}
	if (ok) {
		qsort(sorted, (size_t)nr, sizeof sorted[0], gift_cmp_str);
		cJSON *lj = cJSON_CreateArray(), *rj = cJSON_CreateArray(), *aj = cJSON_CreateArray();
		for (int k = 0; k < nl; k++)
			cJSON_AddItemToArray(lj, cJSON_CreateString(left[k]));
		for (int k = 0; k < nr; k++)
			cJSON_AddItemToArray(rj, cJSON_CreateString(sorted[k]));
		/* the right item of the k-th non-empty left */
		int li = 0;
		for (int k = 0; k < n && li < nl; k++) {
			size_t arrow = gift_find_str(g->t, v[k].a, v[k].b, "->");
			char *l = gift_text(g->t, v[k].a, arrow);
			bool has_left = *l != '\0';
			free(l);
			if (!has_left)
				continue;
			/* every answer has a right item, so right[k] is answer k's */
			for (int j = 0; j < nr; j++)
				if (sorted[j] == right[k]) {
					cJSON_AddItemToArray(aj, cJSON_CreateNumber(j));
					break;
				}
			li++;
		}
		cJSON_AddStringToObject(q, "type", "matching");
		cJSON_AddItemToObject(q, "left", lj);
		cJSON_AddItemToObject(q, "right", rj);
		cJSON_AddItemToObject(q, "answer", aj);
	}
	for (int k = 0; k < nl; k++)
		free(left[k]);
	for (int k = 0; k < nr; k++)
		free(right[k]);
	return ok;
}

static bool gift_short(gift *g, gift_answer *v, int n, cJSON *q)
{
	cJSON *alts = cJSON_CreateArray();
	for (int k = 0; k < n; k++) {
		if (v[k].weighted && fabs(v[k].weight - 100) > 1e-9) {
			gift_err(g, v[k].at, CXM_GIFT_UNSUPPORTED,
				 gift_en(g) ? "partial credit for a short answer (only =answers at 100%)"
					    : "简答题的部分得分（只能使用 100% 的 = 答案）");
			cJSON_Delete(alts);
			return false;
		}
		char *s = gift_text(g->t, v[k].a, v[k].b);
		cJSON_AddItemToArray(alts, cJSON_CreateString(s));
		free(s);
	}
	cJSON_AddStringToObject(q, "type", "fill_in");
	cJSON *ans = cJSON_CreateArray();
	if (n == 1) {
		cJSON_AddItemToArray(ans, cJSON_DetachItemFromArray(alts, 0));
		cJSON_Delete(alts);
	} else {
		cJSON_AddItemToArray(ans, alts);
	}
	cJSON_AddItemToObject(q, "answer", ans);
	cJSON *fb = gift_feedback_array(g, v, n, NULL);
	if (fb)
		cJSON_AddItemToObject(q, "answer_feedback", fb);
	return true;
}

static bool gift_choice(gift *g, gift_answer *v, int n, cJSON *q, size_t block)
{
	int npos = 0, nneg = 0;
	double sum = 0, first_pos = 0; /* first_pos: the weight every right answer must have */
	bool equal_pos = true, equal_wrong = true;
	double wrong_w = 0;
	bool have_wrong = false;
	for (int k = 0; k < n; k++) {
		double w = v[k].weight;
		if (w > 0) {
			if (npos && fabs(w - first_pos) > 0.01)
				equal_pos = false;
			if (!npos)
				first_pos = w;
			npos++;
			sum += w;
		} else {
			if (have_wrong && fabs(w - wrong_w) > 0.01)
				equal_wrong = false;
			wrong_w = w;
			have_wrong = true;
			if (w < 0)
				nneg++;
		}
	}
	/* @skillarena {"multiple": true}: a multiple-choice question with one right answer */
	bool force_multi = g->meta && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g->meta, "multiple"));
	if (npos == 0) {
		gift_err(g, block, CXM_GIFT_NO_CORRECT);
		return false;
	}
	if (fabs(sum - 100) > 0.05) {
		gift_err(g, block, CXM_GIFT_WEIGHT_SUM, sum);
		return false;
	}
	cJSON *opts = cJSON_CreateArray();
	for (int k = 0; k < n; k++) {
		char *s = gift_text(g->t, v[k].a, v[k].b);
		cJSON_AddItemToArray(opts, cJSON_CreateString(s));
		free(s);
	}
	if (npos == 1 && nneg == 0 && !force_multi) {
		cJSON_AddStringToObject(q, "type", "single_choice");
		cJSON_AddItemToObject(q, "options", opts);
		for (int k = 0; k < n; k++)
			if (v[k].weight > 0)
				cJSON_AddNumberToObject(q, "answer", k);
	} else {
		if ((npos == 1 && !force_multi) || !equal_pos || !equal_wrong) {
			gift_err(
				g, block, CXM_GIFT_UNSUPPORTED,
				gift_en(g)
					? "these weights (multiple choice takes equal weights for the "
					  "right answers and one weight, 0 or negative, for the wrong ones)"
					: "这种权重（多选题要求各正确答案权重相同，各错误答案权重相同且为 0 或负数）");
			cJSON_Delete(opts);
			return false;
		}
		cJSON_AddStringToObject(q, "type", "multiple_choice");
		cJSON_AddItemToObject(q, "options", opts);
		cJSON *a = cJSON_CreateArray();
		for (int k = 0; k < n; k++)
			if (v[k].weight > 0)
				cJSON_AddItemToArray(a, cJSON_CreateNumber(k));
		cJSON_AddItemToObject(q, "answer", a);
		cJSON_AddBoolToObject(q, "partial", true);
		/* a wrong pick loses |w| percent, i.e. |w| * k / 100 of one right pick
		 * (k right answers of 100/k percent each); at most all k of them */
		double pen = have_wrong ? -wrong_w * npos / 100 : 0;
		pen = round(pen * 1000) / 1000;
		if (pen > npos)
			pen = npos;
		cJSON_AddNumberToObject(q, "wrong_pick_penalty", pen);
	}
	cJSON *fb = gift_feedback_array(g, v, n, NULL);
	if (fb)
		cJSON_AddItemToObject(q, "option_feedback", fb);
	return true;
}

/* Parses the answer block [a, b) (inside the braces) into q; false on a problem. */
static int gift_block(gift *g, size_t a, size_t b, cJSON *q)
{
	size_t gf = gift_find_str(g->t, a, b, "####");
	size_t end = gf;
	if (gf < b) {
		char *e = gift_text(g->t, gf + 4, b);
		if (*e)
			cJSON_AddStringToObject(q, "explanation", e);
		free(e);
	}
	size_t s = a, t = end;
	gift_trim(g->t, &s, &t);
	if (s == t)
		return 1; /* essay */
	if (g->t[s] == '#')
		return gift_numeric(g, s + 1, t, q) ? 0 : -1;
	if (gift_is_tf(g, s, t))
		return gift_tf(g, s, t, q) ? 0 : -1;
	gift_answer v[GIFT_MAX_ANSWERS];
	bool ok = true;
	int n = gift_answers(g, s, t, v, &ok);
	if (!ok)
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
	if (arrow && !tilde)
		return gift_matching(g, v, n, q) ? 0 : -1;
	if (tilde)
		return gift_choice(g, v, n, q, a - 1) ? 0 : -1;
	return gift_short(g, v, n, q) ? 0 : -1;
}

/* Merges the pending @skillarena object into q. */
static void gift_apply_meta(gift *g, cJSON *q)
{
	if (!g->meta)
		return;
	cJSON *it = g->meta->child;
	while (it) {
		cJSON *next = it->next;
		cJSON *d = cJSON_DetachItemViaPointer(g->meta, it);
		if (strcmp(d->string, "multiple") == 0) {
			cJSON_Delete(d); /* used by gift_choice */
		} else if (strcmp(d->string, "en") == 0) {
			/* English texts: {"text", "options", "explanation"} become language maps */
			cJSON *tx;
			cJSON_ArrayForEach(tx, d)
			{
				cJSON *zh = cJSON_GetObjectItemCaseSensitive(q, tx->string);
				if (cJSON_IsString(zh) && cJSON_IsString(tx)) {
					cJSON *m = cJSON_CreateObject();
					cJSON_AddStringToObject(m, "zh-CN", zh->valuestring);
					cJSON_AddStringToObject(m, "en", tx->valuestring);
					cJSON_ReplaceItemInObjectCaseSensitive(q, tx->string, m);
				} else if (cJSON_IsArray(zh) && cJSON_IsArray(tx) &&
					   cJSON_GetArraySize(zh) == cJSON_GetArraySize(tx)) {
					cJSON *na = cJSON_CreateArray();
					for (int k = 0; k < cJSON_GetArraySize(zh); k++) {
						cJSON *z = cJSON_GetArrayItem(zh, k),
						      *e = cJSON_GetArrayItem(tx, k);
						if (cJSON_IsString(z) && cJSON_IsString(e) &&
						    *e->valuestring) {
							cJSON *m = cJSON_CreateObject();
							cJSON_AddStringToObject(m, "zh-CN", z->valuestring);
							cJSON_AddStringToObject(m, "en", e->valuestring);
							cJSON_AddItemToArray(na, m);
						} else {
							cJSON_AddItemToArray(na, cJSON_Duplicate(z, true));
						}
					}
					cJSON_ReplaceItemInObjectCaseSensitive(q, tx->string, na);
				}
			}
			cJSON_Delete(d);
		} else if (cJSON_GetObjectItemCaseSensitive(q, d->string)) {
			/* cJSON frees the replacement's key before copying it: pass a copy */
			char *key = cx_strdup(d->string);
			cJSON_ReplaceItemInObjectCaseSensitive(q, key, d);
			free(key);
		} else {
			cJSON_AddItemToObject(q, d->string, d);
		}
		it = next;
	}
	cJSON_Delete(g->meta);
	g->meta = NULL;
	/* all-or-nothing multiple choice is the default shape: no partial fields */
	cJSON *p = cJSON_GetObjectItemCaseSensitive(q, "partial");
	if (cJSON_IsFalse(p)) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		cJSON_DeleteItemFromObjectCaseSensitive(q, "partial");
		if (type && strcmp(type, "multiple_choice") == 0)
			cJSON_DeleteItemFromObjectCaseSensitive(q, "wrong_pick_penalty");
	}
}

/* "// @skillarena {...}" at [a, eol): parse into g->meta. */
static void gift_meta(gift *g, size_t a, size_t eol)
{
	size_t j = a + 14;
	cJSON_Delete(g->meta);
	g->meta = NULL;
	const char *end = NULL;
	cJSON *m = cJSON_ParseWithLengthOpts(g->t + j, eol - j, &end, false);
	const char *why = NULL;
	if (!m)
		why = gift_en(g) ? "not a JSON object" : "不是 JSON 对象";
	else if (!cJSON_IsObject(m))
		why = gift_en(g) ? "not a JSON object" : "不是 JSON 对象";
	else {
		for (const cJSON *it = m->child; it && !why; it = it->next) {
			bool known = false;
			for (int k = 0; gift_meta_fields[k]; k++)
				known |= strcmp(gift_meta_fields[k], it->string) == 0;
			if (!known) {
				gift_err(g, a, CXM_GIFT_META, gift_en(g) ? "unknown field" : "未知字段");
				cJSON_Delete(m);
				return;
			}
		}
	}
	if (why) {
		gift_err(g, a, CXM_GIFT_META, why);
		cJSON_Delete(m);
		return;
	}
	g->meta = m;
	int col;
	cx_line_col(g->orig, a, &g->meta_line, &col);
}

static const char *gift_category_name(const char *s)
{
	static const char *const prefixes[] = {"$course$/", "$system$/", "$module$/", "$cat1$/", NULL};
	for (int k = 0; prefixes[k]; k++)
		if (strncmp(s, prefixes[k], strlen(prefixes[k])) == 0) {
			s += strlen(prefixes[k]);
			break;
		}
	if (strncmp(s, "top/", 4) == 0)
		s += 4;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Parses one block [a, b) of the text. */
static void gift_question(gift *g, size_t a, size_t b)
{
	const char *t = g->t;
	/* @skillarena lines and $CATEGORY lines at the top of the block */
	for (;;) {
		while (a < b && isspace((unsigned char)t[a]))
			a++;
		if (a >= b)
			return;
		size_t eol = a;
		while (eol < b && t[eol] != '\n')
			eol++;
		if (strncmp(t + a, "// @skillarena", 14) == 0) {
			gift_meta(g, a, eol);
			a = eol;
			continue;
		}
		if (strncmp(t + a, "$CATEGORY:", 10) == 0) {
			char *name = gift_text(t, a + 10, eol);
			const char *n = gift_category_name(name);
			free(g->category);
			g->category = *n ? cx_strdup(n) : NULL;
			free(name);
			a = eol;
			continue;
		}
		break;
	}
	int line, col;
	cx_line_col(g->orig, a, &line, &col);
	cJSON *q = cJSON_CreateObject();
	char *name = NULL;
	size_t i = a;
	if (b - i >= 2 && t[i] == ':' && t[i + 1] == ':') {
		size_t close = gift_find_str(t, i + 2, b, "::");
		if (close == b) {
			gift_err(g, i, CXM_GIFT_NAME);
			cJSON_Delete(q);
			return;
		}
		name = gift_text(t, i + 2, close);
		i = close + 2;
	}
	while (i < b && isspace((unsigned char)t[i]))
		i++;
	const char *format = NULL;
	if (i < b && t[i] == '[')
		for (int k = 0; gift_formats[k]; k++) {
			size_t n = strlen(gift_formats[k]);
			if (i + n + 2 <= b && strncmp(t + i + 1, gift_formats[k], n) == 0 &&
			    t[i + n + 1] == ']') {
				format = gift_formats[k];
				i += n + 2;
				break;
			}
		}
	size_t open = gift_find(t, i, b, '{');
	size_t stray = gift_find(t, i, open, '}');
	if (stray < open) {
		gift_err(g, stray, CXM_GIFT_STRAY, "}");
		free(name);
		cJSON_Delete(q);
		return;
	}
	if (open == b) {
		if (g->im->warn) {
			cx w = *g->c;
			w.diag = g->im->warn;
			cx_err_at(&w, line, col, NULL, CXM_GIFT_DESCRIPTION);
		}
		g->im->nwarn++;
		free(name);
		cJSON_Delete(q);
		cJSON_Delete(g->meta);
		g->meta = NULL;
		return;
	}
	size_t close = gift_find(t, open + 1, b, '}');
	if (close == b) {
		gift_err(g, open, CXM_GIFT_UNCLOSED);
		free(name);
		cJSON_Delete(q);
		return;
	}
	size_t after_a = close + 1, after_b = b;
	gift_trim(t, &after_a, &after_b);
	size_t again = gift_find(t, after_a, after_b, '{');
	if (again < after_b) {
		gift_err(g, again, CXM_GIFT_SECOND_BLOCK);
		free(name);
		cJSON_Delete(q);
		return;
	}
	stray = gift_find(t, after_a, after_b, '}');
	if (stray < after_b) {
		gift_err(g, stray, CXM_GIFT_STRAY, "}");
		free(name);
		cJSON_Delete(q);
		return;
	}
	/* the id: the name when it is a valid id, else numbered at the end */
	g->nq++;
	bool named = false;
	if (name) {
		cJSON tmp = {.type = cJSON_String, .valuestring = name};
		contest_diag none = {0};
		cx quiet = *g->c;
		quiet.diag = &none;
		named = cx_id(&quiet, &tmp, "");
		contest_diag_free(&none);
	}
	cJSON_AddStringToObject(q, "id", named ? name : "");
	if (name && !named)
		cJSON_AddStringToObject(q, "name", name);
	free(name);
	int rc = gift_block(g, open + 1, close, q);
	if (rc == 1) {
		if (g->im->warn) {
			cx w = *g->c;
			w.diag = g->im->warn;
			cx_err_at(&w, line, col, NULL, CXM_GIFT_ESSAY);
		}
		g->im->nwarn++;
		cJSON_Delete(q);
		cJSON_Delete(g->meta);
		g->meta = NULL;
		return;
	}
	if (rc < 0) {
		cJSON_Delete(q);
		cJSON_Delete(g->meta);
		g->meta = NULL;
		return;
	}
	/* the text: before the block, plus "____" and the rest for a missing word */
	char *txt;
	if (after_a < after_b) {
		/* keep the spacing around the block: "is {=Paris} of" -> "is ____ of" */
		char *before = gift_text_raw(t, i, open, true);
		char *after = gift_text_raw(t, close + 1, after_b, true);
		char *joined = cx_asprintf("%s____%s", before, after);
		size_t ja = 0, jb = strlen(joined);
		gift_trim(joined, &ja, &jb);
		txt = cx_asprintf("%.*s", (int)(jb - ja), joined + ja);
		free(before);
		free(after);
		free(joined);
	} else {
		txt = gift_text(t, i, open);
	}
	/* type first after id, then the text: reorder for a readable bank */
	cJSON *type = cJSON_DetachItemFromObjectCaseSensitive(q, "type");
	cJSON *out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "id", cJSON_DetachItemFromObjectCaseSensitive(q, "id"));
	cJSON *nm = cJSON_DetachItemFromObjectCaseSensitive(q, "name");
	if (nm)
		cJSON_AddItemToObject(out, "name", nm);
	cJSON_AddItemToObject(out, "type", type);
	if (g->category)
		cJSON_AddStringToObject(out, "category", cx_imp_category(g->im, g->category));
	else if (g->im->default_category)
		cJSON_AddStringToObject(out, "category", cx_imp_category(g->im, g->im->default_category));
	if (format)
		cJSON_AddStringToObject(out, "text_format", format);
	cJSON_AddStringToObject(out, "text", txt);
	free(txt);
	cJSON *expl = cJSON_DetachItemFromObjectCaseSensitive(q, "explanation");
	while (q->child) {
		cJSON *d = cJSON_DetachItemViaPointer(q, q->child);
		cJSON_AddItemToObject(out, d->string, d);
	}
	if (expl)
		cJSON_AddItemToObject(out, "explanation", expl);
	cJSON_Delete(q);
	gift_apply_meta(g, out);
	cx_imp_add(g->im, out, line);
}

/* Gives unnamed questions the ids q1, q2, ... (by position), avoiding the names in use. */
static void gift_number_ids(cx_imp *im)
{
	int k = 0;
	cJSON *q;
	cJSON_ArrayForEach(q, im->questions)
	{
		k++;
		cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
		if (!cJSON_IsString(id) || *id->valuestring)
			continue;
		char buf[40];
		for (int suffix = 0;; suffix++) {
			if (suffix)
				snprintf(buf, sizeof buf, "q%d-%d", k, suffix);
			else
				snprintf(buf, sizeof buf, "q%d", k);
			bool used = false;
			const cJSON *o;
			cJSON_ArrayForEach(o, im->questions)
			{
				const char *s =
					cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
				used |= s && strcmp(s, buf) == 0;
			}
			if (!used)
				break;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(q, "id", cJSON_CreateString(buf));
	}
}

int cx_import_gift(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im)
{
	(void)o;
	gift g = {.c = c, .orig = text, .len = len, .im = im};
	g.t = cx_xmalloc(len + 1);
	memcpy(g.t, text, len);
	g.t[len] = '\0';
	gift_blank_comments(&g);
	/* blocks are separated by blank lines */
	size_t i = 0, start = 0;
	bool in_block = false;
	while (i <= len) {
		size_t eol = i;
		while (eol < len && g.t[eol] != '\n')
			eol++;
		bool blank = true;
		for (size_t k = i; k < eol; k++)
			if (!isspace((unsigned char)g.t[k]))
				blank = false;
		if (blank) {
			if (in_block)
				gift_question(&g, start, i);
			in_block = false;
		} else if (!in_block) {
			start = i;
			in_block = true;
		}
		if (eol >= len) {
			if (in_block)
				gift_question(&g, start, len);
			break;
		}
		i = eol + 1;
	}
	if (g.meta) {
		gift_err(&g, 0, CXM_GIFT_META, gift_en(&g) ? "no question follows it" : "其后没有题目");
		cJSON_Delete(g.meta);
	}
	gift_number_ids(im);
	free(g.category);
	free(g.t);
	return 0;
}
