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
 * cell, in a workbook its row and column number. The answer columns are
 * built by import_csv_answer.c, one builder per type.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_csv.h"

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

/* ---- rows from sheets/ ---- */

/* Appends field s (taken); false (c marked) when memory runs out. */
static bool csv_row_add(cx *c, csv_row *r, char *s, int line, int col)
{
	size_t cap = (size_t)r->cap;
	if (!s || !cx_grow(c, &r->f, &cap, (size_t)r->n + 1, sizeof *r->f)) {
		free(s);
		return cx_oom(c);
	}
	r->cap = (int)cap;
	r->f[r->n++] = (csv_field){s, line, col};
	return true;
}

static void csv_row_free(csv_row *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->f[i].s);
	free(r->f);
	memset(r, 0, sizeof *r);
}

/* The next row of the sheet as a csv_row (cells copied: the header outlives its row); SHEETS_E_NOMEM marks c. */
static int csv_next(cx *c, sheets_reader *sr, csv_row *r)
{
	const sheets_row *row;
	int rc = sheets_next(sr, &row);
	if (rc != SHEETS_ROW)
		return rc;
	r->line = (int)row->line;
	for (uint32_t i = 0; i < row->ncells; i++)
		if (!csv_row_add(c, r, cx_strdup(row->cells[i].s), (int)row->cells[i].line,
				 (int)row->cells[i].line_col))
			return SHEETS_E_NOMEM;
	return rc;
}

/* ---- cells to JSON ---- */

static bool csv_space_at(const char *s)
{
	return *s == ' ' || *s == '\t' || strncmp(s, "\xE3\x80\x80", 3) == 0;
}

/* Trims blanks (and ideographic spaces) at both ends, returning a new string; NULL (c marked) on no memory. */
char *csv_trim(cx *c, const char *s)
{
	while (csv_space_at(s))
		s += *s == ' ' || *s == '\t' ? 1 : 3;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)))
		n -= s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ? 1 : 3;
	return cx_printf(c, "%.*s", (int)n, s);
}

/* Is s only blanks (what csv_trim() leaves nothing of)? */
bool csv_empty(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			return false;
	}
	return true;
}

/* Full-width ASCII (U+FF01..U+FF5E) to ASCII, and upper case, for answer cells. */
char *csv_fold(cx *c, const char *s)
{
	char *t = cx_alloc(c, strlen(s) + 1);
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; t && *p;) {
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
	return t;
}

/*
 * Splits s at any of the separators (ASCII or UTF-8 strings) into out[max],
 * each piece trimmed; returns the number of pieces (more than max when they
 * did not fit), or -1 (c marked) when memory runs out.
 */
int csv_split(cx *c, const char *s, const char *const *seps, char **out, int max)
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
			char *piece = cx_printf(c, "%.*s", (int)(p - start), start);
			out[n] = piece ? csv_trim(c, piece) : NULL;
			free(piece);
			if (!out[n]) {
				while (n > 0)
					free(out[--n]);
				return -1;
			}
		}
		n++;
		if (!*p)
			break;
		p += sl - 1;
		start = p + 1;
	}
	return n;
}

void csv_free_pieces(char **v, int n, int max)
{
	for (int i = 0; i < n && i < max; i++)
		free(v[i]);
}

bool csv_parse_num(const char *s, double *out)
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

const char *csv_cell(const csv_ctx *x, csv_col col)
{
	int i = x->idx[col];
	return i >= 0 && i < x->r->n ? x->r->f[i].s : "";
}

/* Reports a problem at the cell of a column (or the row when the column is absent). */
void csv_err(const csv_ctx *x, csv_col col, cx_msg m, ...)
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
static cJSON *csv_langmap(cx *c, const char *zh, const char *en)
{
	if (!en || !*en)
		return cJSON_CreateString(zh);
	cJSON *o = cx_jnew(c, cJSON_CreateObject());
	cx_jstr(c, o, "zh-CN", zh);
	cx_jstr(c, o, "en", en);
	if (c->nomem) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The column a header cell names, or -1. */
static int csv_column_of(const char *name, const char *fold)
{
	for (size_t r = 0; r < sizeof csv_cols / sizeof csv_cols[0]; r++)
		for (int k = 0; csv_cols[r].names[k]; k++)
			if (strcasecmp(name, csv_cols[r].names[k]) == 0)
				return (int)csv_cols[r].col;
	/* options: "A", "option_a", "选项A" (full-width letters too) */
	const char *letter = fold;
	if (strncmp(letter, "OPTION_", 7) == 0)
		letter += 7;
	else if (strncmp(letter, "选项", strlen("选项")) == 0)
		letter += strlen("选项");
	if (strlen(letter) == 1 && letter[0] >= 'A' && letter[0] < 'A' + CSV_MAX_OPTIONS)
		return COL_OPT0 + (letter[0] - 'A');
	return -1;
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
		char *name = csv_trim(c, h->f[i].s);
		char *fold = name ? csv_fold(c, name) : NULL;
		int col = fold && *name ? csv_column_of(name, fold) : -2;
		/* unknown and repeated columns are reported; the rows are still checked */
		if (col == -1) {
			cx_err_at(c, h->f[i].line, h->f[i].col, NULL, CXM_CSV_HEADER, name);
		} else if (col >= 0 && x->idx[col] >= 0) {
			cx_err_at(c, h->f[i].line, h->f[i].col, NULL, CXM_CSV_DUP_COLUMN, name);
		} else if (col >= 0) {
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
	return ok && !c->nomem;
}

static bool csv_blank(const csv_row *r)
{
	for (int i = 0; i < r->n; i++)
		if (!csv_empty(r->f[i].s))
			return false;
	return true;
}

static const struct {
	const char *name;
	const char *difficulty;
} csv_difficulties[] = {
	{"easy", "easy"}, {"medium", "medium"}, {"hard", "hard"},   {"易", "easy"},     {"简单", "easy"},
	{"容易", "easy"}, {"中", "medium"},     {"中等", "medium"}, {"一般", "medium"}, {"难", "hard"},
	{"困难", "hard"}, {"较难", "hard"},     {"1", "easy"},      {"2", "medium"},    {"3", "hard"},
};

/* A trimmed cell (c marked and NULL on no memory). */
static char *csv_trimmed(csv_ctx *x, csv_col col) { return csv_trim(x->c, csv_cell(x, col)); }

/* id, type, category, difficulty, tags and text of q; false after reporting a problem. */
static bool csv_head(csv_ctx *x, cx_imp *im, int seq, const char *type, cJSON *q)
{
	cx *c = x->c;
	char *id = csv_trimmed(x, COL_ID);
	if (id && !*id) {
		free(id);
		id = cx_printf(c, "q%d", seq);
	}
	if (id)
		cx_jstr(c, q, "id", id);
	free(id);
	cx_jstr(c, q, "type", type);
	char *v = csv_trimmed(x, COL_CATEGORY);
	const char *cat = v && *v ? v : im->default_category;
	const char *cid = v && cat ? cx_imp_category(c, im, cat) : NULL;
	if (cid)
		cx_jstr(c, q, "category", cid);
	free(v);
	if ((v = csv_trimmed(x, COL_DIFFICULTY)) && *v) {
		const char *d = NULL;
		for (size_t k = 0; k < sizeof csv_difficulties / sizeof csv_difficulties[0]; k++)
			if (strcasecmp(v, csv_difficulties[k].name) == 0)
				d = csv_difficulties[k].difficulty;
		if (!d) {
			csv_err(x, COL_DIFFICULTY, CXM_CSV_DIFFICULTY, v);
			free(v);
			return false;
		}
		cx_jstr(c, q, "difficulty", d);
	}
	free(v);
	if ((v = csv_trimmed(x, COL_TAGS)) && *v) {
		static const char *const tag_seps[] = {";", ",", "；", "，", "、", NULL};
		char *tags[32];
		int n = csv_split(c, v, tag_seps, tags, 32);
		cJSON *t = n >= 0 ? cx_jadd(c, q, "tags", cJSON_CreateArray()) : NULL;
		for (int k = 0; k < n && k < 32 && t; k++)
			if (*tags[k])
				cx_jpush(c, t, cJSON_CreateString(tags[k]));
		csv_free_pieces(tags, n, 32);
	}
	free(v);
	char *text = csv_trimmed(x, COL_TEXT), *text_en = csv_trimmed(x, COL_TEXT_EN);
	if (text && text_en)
		cx_jadd(c, q, "text", csv_langmap(c, text, text_en));
	free(text);
	free(text_en);
	return !c->nomem;
}

/* explanation, points and time limit of q; false after reporting a problem. */
static bool csv_tail(csv_ctx *x, cJSON *q)
{
	cx *c = x->c;
	char *ex = csv_trimmed(x, COL_EXPLANATION), *ex_en = csv_trimmed(x, COL_EXPL_EN);
	if (ex && ex_en && *ex)
		cx_jadd(c, q, "explanation", csv_langmap(c, ex, ex_en));
	free(ex);
	free(ex_en);
	double d;
	char *v = csv_trimmed(x, COL_POINTS);
	bool ok = v != NULL;
	if (v && *v && (!csv_parse_num(v, &d) || d < 0)) {
		csv_err(x, COL_POINTS, CXM_GIFT_NUMBER, v);
		ok = false;
	} else if (v && *v) {
		cx_jnum(c, q, "points", d);
	}
	free(v);
	v = ok ? csv_trimmed(x, COL_TIME) : NULL;
	if (v && *v && (!csv_parse_num(v, &d) || d != floor(d) || d < 1 || d > 3600)) {
		csv_err(x, COL_TIME, CXM_RANGE_INT, 1LL, 3600LL);
		ok = false;
	} else if (v && *v) {
		cx_jnum(c, q, "time_limit_s", d);
	}
	free(v);
	return ok && !c->nomem;
}

static void csv_question(cx *c, csv_ctx *x, cx_imp *im, int seq, int hdr_fields)
{
	const csv_row *r = x->r;
	/* extra cells are a problem only when they hold something */
	for (int i = hdr_fields; i < r->n; i++)
		if (!csv_empty(r->f[i].s)) {
			cx_err_at(c, r->f[i].line, r->f[i].col, NULL, CXM_CSV_FIELDS, r->n, hdr_fields);
			return;
		}
	char *type_cell = csv_trimmed(x, COL_TYPE);
	const csv_type_row *row = type_cell ? csv_type_of(type_cell) : NULL;
	if (type_cell && !row)
		csv_err(x, COL_TYPE, CXM_CSV_TYPE, type_cell);
	free(type_cell);
	if (!row)
		return;
	cJSON *q = cx_jnew(c, cJSON_CreateObject());
	if (q && csv_head(x, im, seq, csv_type_name(row), q) && csv_answer(x, row, q) && csv_tail(x, q)) {
		cx_imp_add(c, im, q, r->line);
		return;
	}
	cJSON_Delete(q);
}

/* Reports the reader's problem (or marks c out of memory). */
static void csv_read_error(cx *c, sheets_reader *sr, int rc)
{
	if (rc == SHEETS_E_NOMEM || !sr)
		cx_oom(c);
	else
		cx_sheets_err(c, sheets_reader_error(sr));
}

/* Imports the rows of a CSV or XLSX file (its first sheet). */
static int csv_import(cx *c, const char *data, size_t len, sheets_format fmt, const contest_import_opts *o,
		      cx_imp *im)
{
	sheets_read_opts so = {.format = fmt, .name = c->file, .encoding = o ? o->encoding : NULL};
	sheets_reader *sr = NULL;
	int rc = sheets_open_mem(&sr, data, len, &so);
	size_t nsheets = 0;
	const sheets_sheet *sheets = rc >= 0 && fmt == SHEETS_XLSX ? sheets_list(sr, &nsheets) : NULL;
	if (nsheets > 0 && !im->sheet)
		im->sheet = cx_dup(c, sheets[0].name);
	csv_row h = {0};
	/* the header: the first row that is not blank or a comment */
	while (rc >= 0 && (rc = csv_next(c, sr, &h)) == SHEETS_ROW && (csv_blank(&h) || h.f[0].s[0] == '#'))
		csv_row_free(&h);
	csv_ctx x = {.c = c};
	if (rc != SHEETS_ROW) {
		if (rc == SHEETS_DONE)
			cx_err(c, NULL, CXM_CSV_EMPTY);
		else
			csv_read_error(c, sr, rc);
	} else if (csv_header(c, &h, &x)) {
		int seq = 0;
		csv_row r = {0};
		while (!c->nomem && (rc = csv_next(c, sr, &r)) == SHEETS_ROW) {
			if (!csv_blank(&r) && r.f[0].s[0] != '#') {
				x.r = &r;
				csv_question(c, &x, im, ++seq, h.n);
			}
			csv_row_free(&r);
		}
		if (rc < 0) /* the rows before were checked: their problems are reported too */
			csv_read_error(c, sr, rc);
		csv_row_free(&r);
	}
	csv_row_free(&h);
	sheets_close(sr);
	return rc < 0 || c->nomem ? -1 : 0;
}

int cx_import_csv(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im)
{
	return csv_import(c, data, len, SHEETS_CSV, o, im);
}

int cx_import_xlsx(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im)
{
	return csv_import(c, data, len, SHEETS_XLSX, o, im);
}
