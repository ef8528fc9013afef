/*
 * import_csv_answer.c - the answer columns of a CSV row, one builder per
 * question type.
 *
 * The type column names a row of csv_types[] (in English or Chinese:
 * 单选, 多选题, 判断, ...); the row says how many option columns the type
 * needs and which builder turns the answer cell, as people write it, into
 * the question's fields:
 *
 *   single_choice, multiple_choice   "B", "ACD", "A、C、D" (letters of the filled options)
 *   ordering                         "CAB" (every item once, in order)
 *   true_false                       对/错, √/×, T/F, TRUE/FALSE, 是/否, 1/0
 *   fill_in                          blanks separated by ";", alternatives by "|"
 *   numeric                          9.8, 9.8±0.1, 9.8+-0.1, 2..3 (and the tolerance/unit columns)
 *   matching                         option cells "left=right" (no answer cell)
 *
 * A new type the CSV layout can express is a new row and its builder.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_csv.h"

/* Letters "ACD", "A,C,D", "A、C、D" -> indexes; false on anything else. */
static bool csv_letters(const char *ans, int nopt, int *v, int *n)
{
	*n = 0;
	for (const char *p = ans; *p;) {
		if (*p >= 'A' && *p <= 'Z') {
			if (*p - 'A' >= nopt || *n >= CSV_MAX_OPTIONS)
				return false;
			for (int k = 0; k < *n; k++)
				if (v[k] == *p - 'A')
					return false;
			v[(*n)++] = *p - 'A';
			p++;
		} else if (*p == ',' || *p == ' ' || *p == ';' || *p == '/') {
			p++;
		} else if (strncmp(p, "、", strlen("、")) == 0) {
			p += strlen("、");
		} else if (strncmp(p, "，", strlen("，")) == 0) {
			p += strlen("，");
		} else {
			return false;
		}
	}
	return *n > 0;
}

static int csv_cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int csv_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ---- one builder per question type ---- */

/* What a builder gets: the row, its answer cell (trimmed, and folded: full-width to ASCII, upper case), its filled options. */
typedef struct csv_cells {
	csv_ctx *x;
	char *ans, *fold;
	char *opts[CSV_MAX_OPTIONS];
	int nopt;
} csv_cells;

/* Reports an answer the type cannot take, with why in the message language. */
static bool csv_bad_answer(const csv_cells *a, const char *en, const char *zh)
{
	csv_err(a->x, COL_ANSWER, CXM_CSV_ANSWER, a->ans,
		a->x->c->lang && strcmp(a->x->c->lang, "en") == 0 ? en : zh);
	return false;
}

/* q[key] = the options; the answer's letters into v[*n]; false after reporting. */
static bool csv_options(csv_cells *a, cJSON *q, const char *key, int *v, int *n)
{
	cx *c = a->x->c;
	cJSON *arr = cx_jadd(c, q, key, cJSON_CreateArray());
	for (int k = 0; k < a->nopt && arr; k++)
		cx_jpush(c, arr, cJSON_CreateString(a->opts[k]));
	if (!csv_letters(a->fold, a->nopt, v, n))
		return csv_bad_answer(a, "use the letters of filled option columns, each once",
				      "应为已填写选项的字母，每个字母只出现一次");
	return !c->nomem;
}

/* q[key] = [v[0], ..., v[n-1]] */
static bool csv_indexes(cx *c, cJSON *q, const char *key, const int *v, int n)
{
	cJSON *arr = cx_jadd(c, q, key, cJSON_CreateArray());
	for (int k = 0; k < n && arr; k++)
		cx_jpush(c, arr, cJSON_CreateNumber(v[k]));
	return !c->nomem;
}

static bool csv_single(csv_cells *a, cJSON *q)
{
	int v[CSV_MAX_OPTIONS], n;
	if (!csv_options(a, q, "options", v, &n))
		return false;
	if (n != 1)
		return csv_bad_answer(a, "a single-choice question has one answer", "单选题只能有一个答案");
	return cx_jnum(a->x->c, q, "answer", v[0]) != NULL;
}

static bool csv_multiple(csv_cells *a, cJSON *q)
{
	int v[CSV_MAX_OPTIONS], n;
	if (!csv_options(a, q, "options", v, &n))
		return false;
	qsort(v, (size_t)n, sizeof v[0], csv_cmp_int);
	return csv_indexes(a->x->c, q, "answer", v, n);
}

static bool csv_ordering(csv_cells *a, cJSON *q)
{
	int v[CSV_MAX_OPTIONS], n;
	if (!csv_options(a, q, "items", v, &n))
		return false;
	if (n != a->nopt)
		return csv_bad_answer(a, "an ordering names every item once",
				      "排序题的答案应包含每个选项各一次");
	return csv_indexes(a->x->c, q, "answer", v, n);
}

static const struct {
	const char *name;
	bool value;
} csv_bools[] = {
	{"对", true},  {"正确", true},   {"√", true},  {"✓", true},   {"是", true},
	{"T", true},   {"TRUE", true},   {"Y", true},  {"YES", true}, {"1", true},
	{"错", false}, {"错误", false},  {"×", false}, {"✗", false},  {"否", false},
	{"F", false},  {"FALSE", false}, {"N", false}, {"NO", false}, {"0", false},
};

static bool csv_true_false(csv_cells *a, cJSON *q)
{
	for (size_t k = 0; k < sizeof csv_bools / sizeof csv_bools[0]; k++)
		if (strcmp(a->fold, csv_bools[k].name) == 0 || strcmp(a->ans, csv_bools[k].name) == 0)
			return cx_jadd(a->x->c, q, "answer", cJSON_CreateBool(csv_bools[k].value)) != NULL;
	return csv_bad_answer(a, "use 对/错, √/×, T/F or TRUE/FALSE", "应为 对/错、√/×、T/F 或 TRUE/FALSE");
}

/* "a;b|c": blanks separated by ";", alternatives by "|". */
static bool csv_fill_in(csv_cells *a, cJSON *q)
{
	static const char *const blank_seps[] = {";", "；", NULL};
	static const char *const alt_seps[] = {"|", "｜", NULL};
	cx *c = a->x->c;
	char *blanks[32];
	int nb = csv_split(c, a->ans, blank_seps, blanks, 32);
	if (nb > 32) {
		csv_free_pieces(blanks, nb, 32);
		return csv_bad_answer(a, "at most 32 blanks", "最多 32 个空");
	}
	cJSON *arr = nb >= 0 ? cx_jadd(c, q, "answer", cJSON_CreateArray()) : NULL;
	for (int k = 0; k < nb && arr; k++) {
		char *alts[16];
		int na = csv_split(c, blanks[k], alt_seps, alts, 16);
		if (na == 1) {
			cx_jpush(c, arr, cJSON_CreateString(alts[0]));
		} else if (na > 1) {
			cJSON *al = cx_jpush(c, arr, cJSON_CreateArray());
			for (int j = 0; j < na && j < 16 && al; j++)
				cx_jpush(c, al, cJSON_CreateString(alts[j]));
		}
		csv_free_pieces(alts, na, 16);
	}
	csv_free_pieces(blanks, nb, 32);
	return !c->nomem;
}

/* "lhs<sep>rhs" of the folded answer as two numbers into {k1, k2}; NULL when they are not. */
static cJSON *csv_number_pair(cx *c, char *sep, size_t seplen, const char *fold, const char *k1,
			      const char *k2, bool ordered)
{
	*sep = '\0';
	char *lhs = csv_trim(c, fold), *rhs = csv_trim(c, sep + seplen);
	double x, y;
	cJSON *o = NULL;
	if (lhs && rhs && csv_parse_num(lhs, &x) && csv_parse_num(rhs, &y) && (ordered ? x <= y : y >= 0)) {
		o = cx_jnew(c, cJSON_CreateObject());
		cx_jnum(c, o, k1, x);
		cx_jnum(c, o, k2, y);
	}
	free(lhs);
	free(rhs);
	return o;
}

/* 9.8 | 9.8±0.1 | 9.8+-0.1 | 2..3, and a tolerance column */
static bool csv_numeric(csv_cells *a, cJSON *q)
{
	cx *c = a->x->c;
	char *pm = strstr(a->fold, "±"), *range = strstr(a->fold, "..");
	size_t pml = strlen("±");
	if (!pm && (pm = strstr(a->fold, "+-")))
		pml = 2;
	double v, t;
	cJSON *ans = NULL;
	if (pm) {
		ans = csv_number_pair(c, pm, pml, a->fold, "value", "tolerance", false);
	} else if (range) {
		ans = csv_number_pair(c, range, 2, a->fold, "min", "max", true);
	} else if (csv_parse_num(a->fold, &v)) {
		char *tt = csv_trim(c, csv_cell(a->x, COL_TOLERANCE));
		if (tt && *tt && (!csv_parse_num(tt, &t) || t < 0)) {
			csv_err(a->x, COL_TOLERANCE, CXM_GIFT_NUMBER, tt);
			free(tt);
			return false;
		}
		ans = cx_jnew(c, tt && *tt ? cJSON_CreateObject() : cJSON_CreateNumber(v));
		if (tt && *tt) {
			cx_jnum(c, ans, "value", v);
			cx_jnum(c, ans, "tolerance", t);
		}
		free(tt);
	}
	if (c->nomem) {
		cJSON_Delete(ans);
		return false;
	}
	if (!ans)
		return csv_bad_answer(a, "use a number, 9.8±0.1 or 2..3", "应为数字、9.8±0.1 或 2..3 的形式");
	cx_jadd(c, q, "answer", ans);
	if (*csv_cell(a->x, COL_UNIT)) {
		char *u = csv_trim(c, csv_cell(a->x, COL_UNIT));
		if (u)
			cx_jstr(c, q, "unit", u);
		free(u);
	}
	return !c->nomem;
}

/* Option cells "left=right"; the right items stored sorted, so their order gives nothing away. */
static bool csv_matching(csv_cells *a, cJSON *q)
{
	cx *c = a->x->c;
	char *left[CSV_MAX_OPTIONS] = {NULL}, *right[CSV_MAX_OPTIONS] = {NULL},
	     *sorted[CSV_MAX_OPTIONS] = {NULL};
	int n = a->nopt;
	bool ok = true;
	for (int k = 0; k < n && ok; k++) {
		char *eq = strchr(a->opts[k], '=');
		size_t el = 1;
		if (!eq && (eq = strstr(a->opts[k], "＝")))
			el = strlen("＝");
		if (!eq) {
			csv_err(a->x, (csv_col)(COL_OPT0 + k), CXM_CSV_MATCH);
			ok = false;
			break;
		}
		*eq = '\0';
		left[k] = csv_trim(c, a->opts[k]);
		right[k] = sorted[k] = csv_trim(c, eq + el);
		ok = left[k] && right[k];
	}
	if (ok) {
		qsort(sorted, (size_t)n, sizeof sorted[0], csv_cmp_str);
		cJSON *l = cx_jadd(c, q, "left", cJSON_CreateArray());
		cJSON *r = cx_jadd(c, q, "right", cJSON_CreateArray());
		cJSON *an = cx_jadd(c, q, "answer", cJSON_CreateArray());
		for (int k = 0; k < n; k++) {
			cx_jpush(c, l, cJSON_CreateString(left[k]));
			cx_jpush(c, r, cJSON_CreateString(sorted[k]));
		}
		for (int k = 0; k < n; k++)
			for (int j = 0; j < n; j++)
				if (sorted[j] == right[k]) {
					cx_jpush(c, an, cJSON_CreateNumber(j));
					break;
				}
		ok = !c->nomem;
	}
	csv_free_pieces(left, n, CSV_MAX_OPTIONS);
	csv_free_pieces(right, n, CSV_MAX_OPTIONS);
	return ok;
}

/* Question types as written in the type column, each with the builder of its answer fields. */
struct csv_type_row {
	const char *type;
	const char *names[8];
	int min_options;      /* option columns it needs filled */
	bool answer_optional; /* matching: the pairs are in the option cells */
	bool (*build)(csv_cells *a, cJSON *q);
};

static const csv_type_row csv_types[] = {
	{"single_choice",
	 {"single_choice", "single", "单选", "单选题", "单项选择", "单项选择题", NULL},
	 2,
	 false,
	 csv_single},
	{"multiple_choice",
	 {"multiple_choice", "multiple", "多选", "多选题", "多项选择", "多项选择题", NULL},
	 2,
	 false,
	 csv_multiple},
	{"true_false", {"true_false", "tf", "判断", "判断题", "是非题", NULL}, 0, false, csv_true_false},
	{"fill_in", {"fill_in", "fill", "填空", "填空题", NULL}, 0, false, csv_fill_in},
	{"numeric", {"numeric", "number", "数值", "数值题", "计算", "计算题", NULL}, 0, false, csv_numeric},
	{"ordering", {"ordering", "order", "排序", "排序题", NULL}, 2, false, csv_ordering},
	{"matching", {"matching", "match", "匹配", "匹配题", "连线题", NULL}, 2, true, csv_matching},
};

const csv_type_row *csv_type_of(const char *cell)
{
	for (size_t k = 0; k < sizeof csv_types / sizeof csv_types[0]; k++)
		for (int j = 0; csv_types[k].names[j]; j++)
			if (strcasecmp(cell, csv_types[k].names[j]) == 0)
				return &csv_types[k];
	return NULL;
}

const char *csv_type_name(const csv_type_row *row) { return row->type; }

/* The option cells A.. in order; a gap ends them, and an option after a gap is a problem. */
static bool csv_option_cells(csv_cells *a)
{
	for (int k = 0; k < CSV_MAX_OPTIONS; k++) {
		char *o = csv_trim(a->x->c, csv_cell(a->x, (csv_col)(COL_OPT0 + k)));
		if (!o)
			return false;
		if (*o) {
			a->opts[a->nopt++] = o;
			continue;
		}
		free(o);
		for (int j = k + 1; j < CSV_MAX_OPTIONS; j++)
			if (*csv_cell(a->x, (csv_col)(COL_OPT0 + j))) {
				char letter[2] = {(char)('A' + k), 0};
				csv_err(a->x, (csv_col)(COL_OPT0 + k), CXM_MISSING, letter);
				return false;
			}
		return true;
	}
	return true;
}

bool csv_answer(csv_ctx *x, const csv_type_row *row, cJSON *q)
{
	csv_cells a = {.x = x};
	bool ok = (a.ans = csv_trim(x->c, csv_cell(x, COL_ANSWER))) && (a.fold = csv_fold(x->c, a.ans)) &&
		  csv_option_cells(&a);
	if (ok && a.nopt < row->min_options) {
		csv_err(x, COL_OPT0 + (a.nopt < 1 ? 0 : 1), CXM_MISSING, a.nopt < 1 ? "A" : "B");
		ok = false;
	} else if (ok && !*a.ans && !row->answer_optional) {
		csv_err(x, COL_ANSWER, CXM_MISSING, x->colname[COL_ANSWER]);
		ok = false;
	}
	ok = ok && row->build(&a, q);
	for (int k = 0; k < a.nopt; k++)
		free(a.opts[k]);
	free(a.ans);
	free(a.fold);
	return ok;
}
