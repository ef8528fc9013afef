/*
 * import_csv.c - question banks as spreadsheets: one question per row.
 *
 * The layout a person fills in Excel (docs/contests.md has the full table):
 * a header row naming the columns, in English or Chinese, in any order:
 *
 *   id/题号, type/题型, question/题目, A..H (or 选项A..选项H), answer/答案,
 *   explanation/解析, category/分类, difficulty/难度, tags/标签,
 *   points/分值, time_limit_s/时限, tolerance/误差, unit/单位,
 *   question_en/英文题目, explanation_en/英文解析
 *
 * then one question per row. Answers are written as people write them:
 * "B", "ACD" or "A、C、D", 对/错/√/×/T/F, "9.8±0.1" or "2..3", blanks
 * separated by ";" with alternatives by "|", an ordering as letters "CAB";
 * matching rows hold "left=right" in the option columns. Rows that are empty
 * or whose first cell starts with "#" are skipped.
 *
 * The rows come from sheets/ (sheets.h): a CSV file (RFC 4180, the
 * delimiter the header row uses most, UTF-8 with or without BOM, GBK/GB18030,
 * UTF-16) or the first sheet of an XLSX workbook. Every problem names its
 * line, column and field: in a CSV the line and character column of the
 * cell, in a workbook its row and column number.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

#define CSV_MAX_OPTIONS 8

typedef struct csv_field {
	char *s;
	int line, col;
} csv_field;

typedef struct csv_row {
	csv_field *f;
	int n, cap;
	int line;
} csv_row;

/* The columns: a role, and the names a header may give it. */
typedef enum {
	COL_ID,
	COL_TYPE,
	COL_TEXT,
	COL_ANSWER,
	COL_EXPLANATION,
	COL_CATEGORY,
	COL_DIFFICULTY,
	COL_TAGS,
	COL_POINTS,
	COL_TIME,
	COL_TOLERANCE,
	COL_UNIT,
	COL_TEXT_EN,
	COL_EXPL_EN,
	COL_OPT0, /* COL_OPT0 + k for option k (A..H) */
	COL_MAX = COL_OPT0 + CSV_MAX_OPTIONS
} csv_col;

typedef struct csv_col_row {
	csv_col col;
	const char *names[6];
} csv_col_row;

static const csv_col_row csv_cols[] = {
	{COL_ID, {"id", "题号", "编号", "序号", NULL}},
	{COL_TYPE, {"type", "题型", "类型", NULL}},
	{COL_TEXT, {"question", "text", "题目", "题干", "试题", NULL}},
	{COL_ANSWER, {"answer", "答案", "正确答案", "标准答案", NULL}},
	{COL_EXPLANATION, {"explanation", "解析", "答案解析", "说明", NULL}},
	{COL_CATEGORY, {"category", "分类", "类别", "知识点", NULL}},
	{COL_DIFFICULTY, {"difficulty", "难度", NULL}},
	{COL_TAGS, {"tags", "标签", NULL}},
	{COL_POINTS, {"points", "分值", "分数", NULL}},
	{COL_TIME, {"time_limit_s", "时限", "限时", NULL}},
	{COL_TOLERANCE, {"tolerance", "误差", "允许误差", NULL}},
	{COL_UNIT, {"unit", "单位", NULL}},
	{COL_TEXT_EN, {"question_en", "text_en", "英文题目", NULL}},
	{COL_EXPL_EN, {"explanation_en", "英文解析", NULL}},
};

/* Question types as written in the type column. */
typedef struct csv_type_row {
	const char *type;
	const char *names[8];
} csv_type_row;

static const csv_type_row csv_types[] = {
	{"single_choice", {"single_choice", "single", "单选", "单选题", "单项选择", "单项选择题", NULL}},
	{"multiple_choice",
	 {"multiple_choice", "multiple", "多选", "多选题", "多项选择", "多项选择题", NULL}},
	{"true_false", {"true_false", "tf", "判断", "判断题", "是非题", NULL}},
	{"fill_in", {"fill_in", "fill", "填空", "填空题", NULL}},
	{"numeric", {"numeric", "number", "数值", "数值题", "计算", "计算题", NULL}},
	{"ordering", {"ordering", "order", "排序", "排序题", NULL}},
	{"matching", {"matching", "match", "匹配", "匹配题", "连线题", NULL}},
};

static const struct {
	const char *name;
	const char *difficulty;
} csv_difficulties[] = {
	{"easy", "easy"}, {"medium", "medium"}, {"hard", "hard"},   {"易", "easy"},     {"简单", "easy"},
	{"容易", "easy"}, {"中", "medium"},     {"中等", "medium"}, {"一般", "medium"}, {"难", "hard"},
	{"困难", "hard"}, {"较难", "hard"},     {"1", "easy"},      {"2", "medium"},    {"3", "hard"},
};

static const struct {
	const char *name;
	bool value;
} csv_bools[] = {
	{"对", true},  {"正确", true},   {"√", true},  {"✓", true},   {"是", true},
	{"T", true},   {"TRUE", true},   {"Y", true},  {"YES", true}, {"1", true},
	{"错", false}, {"错误", false},  {"×", false}, {"✗", false},  {"否", false},
	{"F", false},  {"FALSE", false}, {"N", false}, {"NO", false}, {"0", false},
};

static bool csv_en(const cx *c) { return c->lang && strcmp(c->lang, "en") == 0; }

/* ---- rows from sheets/ ---- */

static void csv_row_add(csv_row *r, char *s, int line, int col)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = cx_xrealloc(r->f, (size_t)r->cap * sizeof *r->f);
	}
	r->f[r->n++] = (csv_field){s, line, col};
}

static void csv_row_free(csv_row *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->f[i].s);
	free(r->f);
	memset(r, 0, sizeof *r);
}

/* The next row of the sheet as a csv_row (cells copied: the header outlives its row). */
static int csv_next(sheets_reader *sr, csv_row *r)
{
	const sheets_row *row;
	int rc = sheets_next(sr, &row);
	if (rc != SHEETS_ROW)
		return rc;
	r->line = (int)row->line;
	for (uint32_t i = 0; i < row->ncells; i++)
		csv_row_add(r, cx_strdup(row->cells[i].s), (int)row->cells[i].line,
			    (int)row->cells[i].line_col);
	return rc;
}

/* ---- cells to JSON ---- */

/* Trims blanks (and ideographic spaces) at both ends, returning a new string. */
static char *csv_trim(const char *s)
{
	while (*s == ' ' || *s == '\t' || strncmp(s, "\xE3\x80\x80", 3) == 0)
		s += *s == ' ' || *s == '\t' ? 1 : 3;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)))
		n -= s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ? 1 : 3;
	char *t = cx_xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* Full-width ASCII (U+FF01..U+FF5E) to ASCII, and upper case, for answer cells. */
static char *csv_fold(const char *s)
{
	char *t = cx_xmalloc(strlen(s) + 1);
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2]) {
			unsigned cp = 0xF000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				t[w++] = (char)toupper((int)(cp - 0xFF01 + 0x21));
				p += 3;
				continue;
			}
		}
		t[w++] = (char)toupper(*p++);
	}
	t[w] = '\0';
	return t;
}

/* Splits s at any of the separators (ASCII or UTF-8 strings); returns pieces trimmed. */
static int csv_split(const char *s, const char *const *seps, char **out, int max)
{
	int n = 0;
	const char *start = s;
	for (const char *p = s;; p++) {
		size_t sl = 0;
		for (int k = 0; seps[k] && !sl; k++)
			if (strncmp(p, seps[k], strlen(seps[k])) == 0)
				sl = strlen(seps[k]);
		if (*p && !sl)
			continue;
		if (n < max) {
			char *piece = cx_xmalloc((size_t)(p - start) + 1);
			memcpy(piece, start, (size_t)(p - start));
			piece[p - start] = '\0';
			out[n] = csv_trim(piece);
			free(piece);
			n++;
		} else {
			n++;
		}
		if (!*p)
			break;
		p += sl - 1;
		start = p + 1;
	}
	return n;
}

static void csv_free_pieces(char **v, int n, int max)
{
	for (int i = 0; i < n && i < max; i++)
		free(v[i]);
}

static bool csv_parse_num(const char *s, double *out)
{
	char *end;
	if (!*s)
		return false;
	double d = strtod(s, &end);
	if (*end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

typedef struct csv_ctx {
	cx *c;
	const csv_row *r;
	int idx[COL_MAX]; /* field index of each column, -1 when absent */
	const char *colname[COL_MAX];
} csv_ctx;

static const char *csv_cell(const csv_ctx *x, csv_col col)
{
	int i = x->idx[col];
	return i >= 0 && i < x->r->n ? x->r->f[i].s : "";
}

/* Reports a problem at the cell of a column (or the row when the column is absent). */
static void csv_err(const csv_ctx *x, csv_col col, cx_msg m, ...)
{
	int i = x->idx[col];
	int line = x->r->line, colno = 0;
	if (i >= 0 && i < x->r->n) {
		line = x->r->f[i].line;
		colno = x->r->f[i].col;
	}
	va_list ap;
	va_start(ap, m);
	cx_verr_at(x->c, line, colno, x->colname[col], m, ap);
	va_end(ap);
}

/* A cell as a language map: {"zh-CN": zh, "en": en} or a plain string. */
static cJSON *csv_langmap(const char *zh, const char *en)
{
	if (!en || !*en)
		return cJSON_CreateString(zh);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "zh-CN", zh);
	cJSON_AddStringToObject(o, "en", en);
	return o;
}

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

/* Builds the type-specific fields of q from the row; false after reporting a problem. */
static bool csv_answer(csv_ctx *x, const char *type, cJSON *q)
{
	bool en = csv_en(x->c);
	const char *raw = csv_cell(x, COL_ANSWER);
	char *ans = csv_trim(raw);
	char *fold = csv_fold(ans);
	bool ok = false;
	char *opts[CSV_MAX_OPTIONS];
	int nopt = 0;
	for (int k = 0; k < CSV_MAX_OPTIONS; k++) {
		char *o = csv_trim(csv_cell(x, (csv_col)(COL_OPT0 + k)));
		if (!*o) {
			free(o);
			/* options must be contiguous: a gap ends them, a later one is a problem */
			for (int j = k + 1; j < CSV_MAX_OPTIONS; j++)
				if (*csv_cell(x, (csv_col)(COL_OPT0 + j))) {
					char letter[2] = {(char)('A' + k), 0};
					csv_err(x, (csv_col)(COL_OPT0 + k), CXM_MISSING, letter);
					goto out;
				}
			break;
		}
		opts[nopt++] = o;
	}
	bool choice = strcmp(type, "single_choice") == 0 || strcmp(type, "multiple_choice") == 0;
	if ((choice || strcmp(type, "ordering") == 0 || strcmp(type, "matching") == 0) && nopt < 2) {
		csv_err(x, COL_OPT0 + (nopt < 1 ? 0 : 1), CXM_MISSING, nopt < 1 ? "A" : "B");
		goto out;
	}
	if (!*ans && strcmp(type, "matching") != 0) {
		csv_err(x, COL_ANSWER, CXM_MISSING, x->colname[COL_ANSWER]);
		goto out;
	}
	if (choice || strcmp(type, "ordering") == 0) {
		cJSON *arr = cJSON_CreateArray();
		for (int k = 0; k < nopt; k++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(opts[k]));
		cJSON_AddItemToObject(q, strcmp(type, "ordering") == 0 ? "items" : "options", arr);
		int v[CSV_MAX_OPTIONS], n;
		if (!csv_letters(fold, nopt, v, &n)) {
			csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
				en ? "use the letters of filled option columns, each once"
				   : "应为已填写选项的字母，每个字母只出现一次");
			goto out;
		}
		if (strcmp(type, "single_choice") == 0) {
			if (n != 1) {
				csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
					en ? "a single-choice question has one answer"
					   : "单选题只能有一个答案");
				goto out;
			}
			cJSON_AddNumberToObject(q, "answer", v[0]);
		} else if (strcmp(type, "multiple_choice") == 0) {
			qsort(v, (size_t)n, sizeof v[0], csv_cmp_int);
			cJSON *a = cJSON_CreateArray();
			for (int k = 0; k < n; k++)
				cJSON_AddItemToArray(a, cJSON_CreateNumber(v[k]));
			cJSON_AddItemToObject(q, "answer", a);
		} else {
			if (n != nopt) {
				csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
					en ? "an ordering names every item once"
					   : "排序题的答案应包含每个选项各一次");
				goto out;
			}
			cJSON *a = cJSON_CreateArray();
			for (int k = 0; k < n; k++)
				cJSON_AddItemToArray(a, cJSON_CreateNumber(v[k]));
			cJSON_AddItemToObject(q, "answer", a);
		}
		ok = true;
	} else if (strcmp(type, "true_false") == 0) {
		for (size_t k = 0; k < sizeof csv_bools / sizeof csv_bools[0]; k++)
			if (strcmp(fold, csv_bools[k].name) == 0 || strcmp(ans, csv_bools[k].name) == 0) {
				cJSON_AddBoolToObject(q, "answer", csv_bools[k].value);
				ok = true;
				break;
			}
		if (!ok)
			csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
				en ? "use 对/错, √/×, T/F or TRUE/FALSE"
				   : "应为 对/错、√/×、T/F 或 TRUE/FALSE");
	} else if (strcmp(type, "fill_in") == 0) {
		static const char *const blank_seps[] = {";", "；", NULL};
		static const char *const alt_seps[] = {"|", "｜", NULL};
		char *blanks[32];
		int nb = csv_split(ans, blank_seps, blanks, 32);
		if (nb > 32) {
			csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
				en ? "at most 32 blanks" : "最多 32 个空");
			csv_free_pieces(blanks, nb, 32);
			goto out;
		}
		cJSON *a = cJSON_CreateArray();
		for (int k = 0; k < nb; k++) {
			char *alts[16];
			int na = csv_split(blanks[k], alt_seps, alts, 16);
			if (na == 1) {
				cJSON_AddItemToArray(a, cJSON_CreateString(alts[0]));
			} else {
				cJSON *al = cJSON_CreateArray();
				for (int j = 0; j < na && j < 16; j++)
					cJSON_AddItemToArray(al, cJSON_CreateString(alts[j]));
				cJSON_AddItemToArray(a, al);
			}
			csv_free_pieces(alts, na, 16);
		}
		csv_free_pieces(blanks, nb, 32);
		cJSON_AddItemToObject(q, "answer", a);
		ok = true;
	} else if (strcmp(type, "numeric") == 0) {
		/* 9.8 | 9.8±0.1 | 9.8+-0.1 | 2..3 */
		double v, t = 0, lo, hi;
		char *pm = strstr(fold, "±");
		size_t pml = strlen("±");
		if (!pm && (pm = strstr(fold, "+-")))
			pml = 2;
		char *range = strstr(fold, "..");
		cJSON *a = NULL;
		if (pm) {
			*pm = '\0';
			char *lhs = csv_trim(fold), *rhs = csv_trim(pm + pml);
			if (csv_parse_num(lhs, &v) && csv_parse_num(rhs, &t) && t >= 0) {
				a = cJSON_CreateObject();
				cJSON_AddNumberToObject(a, "value", v);
				cJSON_AddNumberToObject(a, "tolerance", t);
			}
			free(lhs);
			free(rhs);
		} else if (range) {
			*range = '\0';
			char *lhs = csv_trim(fold), *rhs = csv_trim(range + 2);
			if (csv_parse_num(lhs, &lo) && csv_parse_num(rhs, &hi) && lo <= hi) {
				a = cJSON_CreateObject();
				cJSON_AddNumberToObject(a, "min", lo);
				cJSON_AddNumberToObject(a, "max", hi);
			}
			free(lhs);
			free(rhs);
		} else if (csv_parse_num(fold, &v)) {
			const char *tol = csv_cell(x, COL_TOLERANCE);
			char *tt = csv_trim(tol);
			if (*tt) {
				if (!csv_parse_num(tt, &t) || t < 0) {
					csv_err(x, COL_TOLERANCE, CXM_GIFT_NUMBER, tt);
					free(tt);
					goto out;
				}
				a = cJSON_CreateObject();
				cJSON_AddNumberToObject(a, "value", v);
				cJSON_AddNumberToObject(a, "tolerance", t);
			} else {
				a = cJSON_CreateNumber(v);
			}
			free(tt);
		}
		if (!a) {
			csv_err(x, COL_ANSWER, CXM_CSV_ANSWER, ans,
				en ? "use a number, 9.8±0.1 or 2..3" : "应为数字、9.8±0.1 或 2..3 的形式");
			goto out;
		}
		cJSON_AddItemToObject(q, "answer", a);
		const char *unit = csv_cell(x, COL_UNIT);
		if (*unit) {
			char *u = csv_trim(unit);
			cJSON_AddStringToObject(q, "unit", u);
			free(u);
		}
		ok = true;
	} else if (strcmp(type, "matching") == 0) {
		/* option cells "left=right"; right items stored sorted so the order gives nothing away */
		char *left[CSV_MAX_OPTIONS], *right[CSV_MAX_OPTIONS], *sorted[CSV_MAX_OPTIONS] = {NULL};
		int n = 0;
		for (int k = 0; k < nopt; k++) {
			char *eq = strchr(opts[k], '=');
			if (!eq)
				eq = strstr(opts[k], "＝");
			if (!eq) {
				csv_err(x, (csv_col)(COL_OPT0 + k), CXM_CSV_MATCH);
				csv_free_pieces(left, n, CSV_MAX_OPTIONS);
				csv_free_pieces(right, n, CSV_MAX_OPTIONS);
				goto out;
			}
			size_t el = *eq == '=' ? 1 : strlen("＝");
			*eq = '\0';
			left[n] = csv_trim(opts[k]);
			right[n] = csv_trim(eq + el);
			sorted[n] = right[n];
			n++;
		}
		qsort(sorted, (size_t)n, sizeof sorted[0], csv_cmp_str);
		cJSON *l = cJSON_CreateArray(), *r = cJSON_CreateArray(), *a = cJSON_CreateArray();
		for (int k = 0; k < n; k++) {
			cJSON_AddItemToArray(l, cJSON_CreateString(left[k]));
			cJSON_AddItemToArray(r, cJSON_CreateString(sorted[k]));
		}
		for (int k = 0; k < n; k++)
			for (int j = 0; j < n; j++)
				if (sorted[j] == right[k]) {
					cJSON_AddItemToArray(a, cJSON_CreateNumber(j));
					break;
				}
		cJSON_AddItemToObject(q, "left", l);
		cJSON_AddItemToObject(q, "right", r);
		cJSON_AddItemToObject(q, "answer", a);
		csv_free_pieces(left, n, CSV_MAX_OPTIONS);
		csv_free_pieces(right, n, CSV_MAX_OPTIONS);
		ok = true;
	}
out:
	for (int k = 0; k < nopt; k++)
		free(opts[k]);
	free(ans);
	free(fold);
	return ok;
}

/* Maps header cells to columns; false after reporting a problem. */
static bool csv_header(cx *c, const csv_row *h, csv_ctx *x)
{
	bool ok = true;
	for (int k = 0; k < COL_MAX; k++) {
		x->idx[k] = -1;
		x->colname[k] = NULL;
	}
	for (int i = 0; i < h->n; i++) {
		char *name = csv_trim(h->f[i].s);
		char *fold = csv_fold(name);
		int col = -1;
		if (!*name) {
			free(name);
			free(fold);
			continue;
		}
		for (size_t r = 0; r < sizeof csv_cols / sizeof csv_cols[0] && col < 0; r++)
			for (int k = 0; csv_cols[r].names[k]; k++)
				if (strcasecmp(name, csv_cols[r].names[k]) == 0)
					col = (int)csv_cols[r].col;
		/* options: "A", "option_a", "选项A" (full-width letters too) */
		const char *letter = fold;
		if (strncmp(letter, "OPTION_", 7) == 0)
			letter += 7;
		else if (strncmp(letter, "选项", strlen("选项")) == 0)
			letter += strlen("选项");
		if (col < 0 && strlen(letter) == 1 && letter[0] >= 'A' && letter[0] < 'A' + CSV_MAX_OPTIONS)
			col = COL_OPT0 + (letter[0] - 'A');
		/* unknown and repeated columns are reported; the rows are still checked */
		if (col < 0) {
			cx_err_at(c, h->f[i].line, h->f[i].col, NULL, CXM_CSV_HEADER, name);
		} else if (x->idx[col] >= 0) {
			cx_err_at(c, h->f[i].line, h->f[i].col, NULL, CXM_CSV_DUP_COLUMN, name);
		} else {
			x->idx[col] = i;
			x->colname[col] = h->f[i].s;
		}
		free(name);
		free(fold);
	}
	static const csv_col required[] = {COL_TYPE, COL_TEXT, COL_ANSWER};
	static const char *const required_names[] = {"type/题型", "question/题目", "answer/答案"};
	for (size_t k = 0; k < 3; k++)
		if (x->idx[required[k]] < 0) {
			cx_err_at(c, h->line, 0, NULL, CXM_CSV_NO_HEADER, required_names[k]);
			ok = false;
		}
	return ok;
}

static bool csv_blank(const csv_row *r)
{
	for (int i = 0; i < r->n; i++) {
		char *t = csv_trim(r->f[i].s);
		bool empty = !*t;
		free(t);
		if (!empty)
			return false;
	}
	return true;
}

static void csv_question(cx *c, csv_ctx *x, cx_imp *im, int seq, int hdr_fields)
{
	const csv_row *r = x->r;
	if (r->n > hdr_fields) {
		/* extra cells are a problem only when they hold something */
		for (int i = hdr_fields; i < r->n; i++) {
			char *t = csv_trim(r->f[i].s);
			bool empty = !*t;
			free(t);
			if (!empty) {
				cx_err_at(c, r->f[i].line, r->f[i].col, NULL, CXM_CSV_FIELDS, r->n,
					  hdr_fields);
				return;
			}
		}
	}
	char *type_cell = csv_trim(csv_cell(x, COL_TYPE));
	const char *type = NULL;
	for (size_t k = 0; k < sizeof csv_types / sizeof csv_types[0] && !type; k++)
		for (int j = 0; csv_types[k].names[j]; j++)
			if (strcasecmp(type_cell, csv_types[k].names[j]) == 0)
				type = csv_types[k].type;
	if (!type) {
		csv_err(x, COL_TYPE, CXM_CSV_TYPE, type_cell);
		free(type_cell);
		return;
	}
	free(type_cell);
	cJSON *q = cJSON_CreateObject();
	char *id = csv_trim(csv_cell(x, COL_ID));
	if (!*id) {
		free(id);
		id = cx_asprintf("q%d", seq);
	}
	cJSON_AddStringToObject(q, "id", id);
	free(id);
	cJSON_AddStringToObject(q, "type", type);
	char *v = csv_trim(csv_cell(x, COL_CATEGORY));
	if (*v)
		cJSON_AddStringToObject(q, "category", cx_imp_category(im, v));
	else if (im->default_category)
		cJSON_AddStringToObject(q, "category", cx_imp_category(im, im->default_category));
	free(v);
	v = csv_trim(csv_cell(x, COL_DIFFICULTY));
	if (*v) {
		const char *d = NULL;
		for (size_t k = 0; k < sizeof csv_difficulties / sizeof csv_difficulties[0]; k++)
			if (strcasecmp(v, csv_difficulties[k].name) == 0)
				d = csv_difficulties[k].difficulty;
		if (!d) {
			csv_err(x, COL_DIFFICULTY, CXM_CSV_DIFFICULTY, v);
			free(v);
			cJSON_Delete(q);
			return;
		}
		cJSON_AddStringToObject(q, "difficulty", d);
	}
	free(v);
	v = csv_trim(csv_cell(x, COL_TAGS));
	if (*v) {
		static const char *const tag_seps[] = {";", ",", "；", "，", "、", NULL};
		char *tags[32];
		int n = csv_split(v, tag_seps, tags, 32);
		cJSON *t = cJSON_CreateArray();
		for (int k = 0; k < n && k < 32; k++)
			if (*tags[k])
				cJSON_AddItemToArray(t, cJSON_CreateString(tags[k]));
		csv_free_pieces(tags, n, 32);
		cJSON_AddItemToObject(q, "tags", t);
	}
	free(v);
	char *text = csv_trim(csv_cell(x, COL_TEXT));
	char *text_en = csv_trim(csv_cell(x, COL_TEXT_EN));
	cJSON_AddItemToObject(q, "text", csv_langmap(text, text_en));
	free(text);
	free(text_en);
	if (!csv_answer(x, type, q)) {
		cJSON_Delete(q);
		return;
	}
	char *ex = csv_trim(csv_cell(x, COL_EXPLANATION));
	char *ex_en = csv_trim(csv_cell(x, COL_EXPL_EN));
	if (*ex)
		cJSON_AddItemToObject(q, "explanation", csv_langmap(ex, ex_en));
	free(ex);
	free(ex_en);
	v = csv_trim(csv_cell(x, COL_POINTS));
	double d;
	if (*v) {
		if (!csv_parse_num(v, &d) || d < 0) {
			csv_err(x, COL_POINTS, CXM_GIFT_NUMBER, v);
			free(v);
			cJSON_Delete(q);
			return;
		}
		cJSON_AddNumberToObject(q, "points", d);
	}
	free(v);
	v = csv_trim(csv_cell(x, COL_TIME));
	if (*v) {
		if (!csv_parse_num(v, &d) || d != floor(d) || d < 1 || d > 3600) {
			csv_err(x, COL_TIME, CXM_RANGE_INT, 1LL, 3600LL);
			free(v);
			cJSON_Delete(q);
			return;
		}
		cJSON_AddNumberToObject(q, "time_limit_s", d);
	}
	free(v);
	cx_imp_add(im, q, r->line);
}

/* Imports the rows of a CSV or XLSX file (its first sheet). */
static int csv_import(cx *c, const char *data, size_t len, sheets_format fmt, const contest_import_opts *o,
		      cx_imp *im)
{
	sheets_read_opts so = {.format = fmt, .name = c->file, .encoding = o ? o->encoding : NULL};
	sheets_reader *sr;
	int rc = sheets_open_mem(&sr, data, len, &so);
	csv_row h = {0};
	/* the header: the first row that is not a comment */
	while (rc >= 0 && (rc = csv_next(sr, &h)) == SHEETS_ROW && (csv_blank(&h) || h.f[0].s[0] == '#'))
		csv_row_free(&h);
	if (rc != SHEETS_ROW) {
		sheets_error nomem = {.code = SHEETS_E_NOMEM};
		if (rc == SHEETS_DONE)
			cx_err(c, NULL, CXM_CSV_EMPTY);
		else
			cx_sheets_err(c, sr ? sheets_reader_error(sr) : &nomem);
		csv_row_free(&h);
		sheets_close(sr);
		return -1;
	}
	csv_ctx x = {.c = c};
	if (!csv_header(c, &h, &x)) {
		csv_row_free(&h);
		sheets_close(sr);
		return -1;
	}
	int seq = 0;
	csv_row r = {0};
	while ((rc = csv_next(sr, &r)) == SHEETS_ROW) {
		if (!csv_blank(&r) && r.f[0].s[0] != '#') {
			x.r = &r;
			csv_question(c, &x, im, ++seq, h.n);
		}
		csv_row_free(&r);
	}
	if (rc < 0) /* the rows before were checked: their problems are reported too */
		cx_sheets_err(c, sheets_reader_error(sr));
	csv_row_free(&r);
	csv_row_free(&h);
	sheets_close(sr);
	return rc < 0 ? -1 : 0;
}

int cx_import_csv(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im)
{
	return csv_import(c, data, len, SHEETS_CSV, o, im);
}

int cx_import_xlsx(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im)
{
	return csv_import(c, data, len, SHEETS_XLSX, o, im);
}
