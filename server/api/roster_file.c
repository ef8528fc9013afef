/*
 * roster_file.c - a roster file into checked rows (see roster_file.h).
 *
 * The file is read by the sheets library (XLSX streamed with expat, CSV
 * decoded whole: UTF-8, UTF-16 with BOM, else GB18030). Each visible sheet
 * is looked at: its first non-empty row is a header when it names columns
 * of the table below; a sheet naming none is skipped (the template's
 * instructions), one naming some but not all three required columns is a
 * problem of the file. Then every data row is checked field by field and
 * against the employee numbers seen before (a hash set over the whole
 * file, every sheet). Nothing stops at the first refused row: the report
 * lists them all (up to ROSTER_PROBLEMS_MAX, every one counted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/roster_file.h"
#include "core/err.h"
#include "live/validate.h"
#include "sheets.h"

/* ------------------------------------------------------------ field rules */

static int why_set(roster_why *why, const char *code, const char *zh, const char *en)
{
	why->code = code;
	why->zh = zh;
	why->en = en;
	return -1;
}

int roster_check_employee_no(const char *s, char **out, roster_why *why)
{
	char *t = NULL;
	*out = NULL;
	int v = validate_text_why(s, 0, 64, &t);
	if (v == VALIDATE_NOMEM)
		return SA_E_INTERNAL;
	if (v == VALIDATE_OK && !*t)
		v = VALIDATE_EMPTY;
	if (v == VALIDATE_OK && strlen(t) > 32)
		v = VALIDATE_TOO_LONG;
	if (v == VALIDATE_OK && validate_employee_no(t, NULL))
		v = VALIDATE_REFUSED;
	if (v == VALIDATE_OK) {
		*out = t;
		return 0;
	}
	free(t);
	if (v == VALIDATE_EMPTY)
		return why_set(why, "empty", "工号为空", "the employee number is empty");
	if (v == VALIDATE_TOO_LONG)
		return why_set(why, "too_long", "工号超过 32 个字符",
			       "the employee number is longer than 32 characters");
	return why_set(why, "invalid", "工号只能由字母、数字、- 和 _ 组成",
		       "the employee number may hold only letters, digits, - and _");
}

/* The reason a text field (a name, a unit segment) breaks the name rules. */
static int text_why(int v, roster_why *why, int segment)
{
	if (v == VALIDATE_NOMEM)
		return SA_E_INTERNAL;
	if (segment) {
		if (v == VALIDATE_EMPTY)
			return why_set(
				why, "bad_path", "单位路径中有空的一级（如“a//b”，或开头、结尾多了“/”）",
				"the unit path has an empty level (\"a//b\", or a leading or trailing \"/\")");
		if (v == VALIDATE_TOO_LONG)
			return why_set(why, "bad_path", "单位路径的每一级最多 64 个字符",
				       "each level of the unit path is at most 64 characters");
		if (v == VALIDATE_INVISIBLE)
			return why_set(why, "bad_path", "单位路径中有一级只含不可见字符",
				       "a level of the unit path has only invisible characters");
		return why_set(why, "bad_path", "单位路径含控制字符、换行或双向文字控制符",
			       "the unit path has a control, line break or bidirectional control character");
	}
	if (v == VALIDATE_EMPTY)
		return why_set(why, "empty", "姓名为空", "the name is empty");
	if (v == VALIDATE_TOO_LONG)
		return why_set(why, "too_long", "姓名超过 64 个字符",
			       "the name is longer than 64 characters");
	if (v == VALIDATE_INVISIBLE)
		return why_set(why, "invisible", "姓名只含不可见字符",
			       "the name has only invisible characters");
	return why_set(why, "invalid", "姓名含控制字符、换行或双向文字控制符",
		       "the name has a control, line break or bidirectional control character");
}

int roster_check_name(const char *s, char **out, roster_why *why)
{
	*out = NULL;
	int v = validate_text_why(s, 1, 64, out);
	return v == VALIDATE_OK ? 0 : text_why(v, why, 0);
}

/* Length of the separator at s: '/' (1) or the full-width '／' U+FF0F (3), else 0. */
static size_t separator(const char *s)
{
	if (*s == '/')
		return 1;
	return !strncmp(s, "\xEF\xBC\x8F", 3) ? 3 : 0;
}

int roster_check_path(const char *s, char **out, roster_why *why)
{
	size_t len = strlen(s), k = 0;
	int depth = 0, rc = 0;
	char *path = malloc(len + 1);
	*out = NULL;
	if (!path)
		return SA_E_INTERNAL;
	char *trimmed = NULL;
	int v = validate_text_why(s, 1, (size_t)-1, &trimmed);
	if (v != VALIDATE_OK) {
		free(path);
		return v == VALIDATE_EMPTY ? why_set(why, "empty", "单位为空", "the unit is empty")
					   : text_why(v, why, 1);
	}
	for (const char *p = trimmed;; depth++) {
		size_t n = 0;
		while (p[n] && !separator(p + n))
			n++;
		char *seg = strndup(p, n), *t = NULL;
		if (!seg) {
			rc = SA_E_INTERNAL;
			break;
		}
		v = validate_text_why(seg, 1, ROSTER_SEGMENT_MAX, &t);
		free(seg);
		if (v != VALIDATE_OK) {
			rc = text_why(v, why, 1);
			break;
		}
		if (depth == ROSTER_DEPTH_MAX) {
			free(t);
			rc = why_set(why, "bad_path", "单位路径最多 8 级",
				     "a unit path has at most 8 levels");
			break;
		}
		if (k)
			path[k++] = '/';
		memcpy(path + k, t, strlen(t));
		k += strlen(t);
		free(t);
		if (!p[n])
			break;
		p += n + separator(p + n);
	}
	free(trimmed);
	if (rc) {
		free(path);
		return rc;
	}
	path[k] = '\0';
	*out = path;
	return 0;
}

int roster_check_phone_tail(const char *s, char **out, roster_why *why)
{
	char *t = NULL;
	*out = NULL;
	int v = validate_text_why(s, 0, 64, &t);
	if (v == VALIDATE_NOMEM)
		return SA_E_INTERNAL;
	if (v == VALIDATE_OK && !*t) {
		free(t);
		return 0;
	}
	int ok = v == VALIDATE_OK && strlen(t) == 4;
	for (int i = 0; ok && i < 4; i++)
		ok = t[i] >= '0' && t[i] <= '9';
	if (ok) {
		*out = t;
		return 0;
	}
	free(t);
	return why_set(why, "invalid", "手机尾号须为 4 位数字（以 0 开头时，请把这一列设为文本格式）",
		       "the phone tail must be 4 digits (when it begins with 0, make the column text)");
}

/* ------------------------------------------------------------ headers */

enum { COL_EMP, COL_NAME, COL_UNIT, COL_PHONE, NCOLS };
static const char *const col_field[NCOLS] = {"employee_no", "name", "unit", "phone_tail"};
static const char *const col_title_zh[NCOLS] = {"工号", "姓名", "单位", "手机尾号"};

/* Header names, normalized as header_key() leaves them. */
static const char *const col_names[NCOLS][12] = {
	{"工号", "员工编号", "职工号", "员工号", "人员编号", "employeeno", "employeenumber", "empno", "id",
	 NULL},
	{"姓名", "名字", "职工姓名", "员工姓名", "name", NULL},
	{"单位", "单位路径", "部门", "所属单位", "组织", "unit", "unitpath", "department", "dept", NULL},
	{"手机尾号", "手机后四位", "电话尾号", "phonetail", "phone", NULL},
};

/* A header cell as compared: ASCII lower case, without spaces (also U+3000), '_', '-' and '*',
 * and without anything from a '(' or '（' on ("手机尾号（选填）"). */
static void header_key(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '(' || !strncmp(s, "\xEF\xBC\x88", 3))
			break;
		if (!strncmp(s, "\xE3\x80\x80", 3)) {
			s += 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '_' || c == '-' || c == '*')
			continue;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[k] = '\0';
}

static int column_of(const char *cell)
{
	char key[128];
	header_key(cell, key, sizeof key);
	for (int c = 0; c < NCOLS; c++)
		for (int i = 0; col_names[c][i]; i++)
			if (!strcmp(key, col_names[c][i]))
				return c;
	return -1;
}

/* ------------------------------------------------------------ reading */

typedef struct seen {
	char *key;
	uint32_t row;
	int sheet;
} seen;

typedef struct ctx {
	roster_file *f;
	const char *filename;
	const char *sheet; /* the sheet being read */
	int sheet_ix;
	const char **names; /* sheet names by index */
	seen *set;
	size_t set_cap, set_n;
} ctx;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int set_grow(ctx *c)
{
	size_t cap = c->set_cap ? c->set_cap * 2 : 4096;
	seen *ns = calloc(cap, sizeof *ns);
	if (!ns)
		return SA_E_INTERNAL;
	for (size_t i = 0; i < c->set_cap; i++)
		if (c->set[i].key) {
			size_t j = hash(c->set[i].key) & (cap - 1);
			while (ns[j].key)
				j = (j + 1) & (cap - 1);
			ns[j] = c->set[i];
		}
	free(c->set);
	c->set = ns;
	c->set_cap = cap;
	return 0;
}

/* The earlier row of emp, or NULL after adding this one. */
static const seen *set_add(ctx *c, const char *emp, uint32_t row, int *rc)
{
	if ((c->set_n + 1) * 2 > c->set_cap && (*rc = set_grow(c)))
		return NULL;
	size_t j = hash(emp) & (c->set_cap - 1);
	for (; c->set[j].key; j = (j + 1) & (c->set_cap - 1))
		if (!strcmp(c->set[j].key, emp))
			return &c->set[j];
	if (!(c->set[j].key = strdup(emp))) {
		*rc = SA_E_INTERNAL;
		return NULL;
	}
	c->set[j].row = row;
	c->set[j].sheet = c->sheet_ix;
	c->set_n++;
	return NULL;
}

/* Adds a problem: col 0 when it concerns no column, field NULL for the file. */
static void problem(ctx *c, uint32_t row, uint32_t col, const char *field, const char *code, const char *zh,
		    const char *en)
{
	roster_file *f = c->f;
	if (cJSON_GetArraySize(f->problems) >= ROSTER_PROBLEMS_MAX)
		return;
	cJSON *o = cJSON_CreateObject();
	char letters[4] = "";
	if (c->sheet)
		cJSON_AddStringToObject(o, "sheet", c->sheet);
	if (row)
		cJSON_AddNumberToObject(o, "row", row);
	if (col) {
		sheets_col_name(col, letters);
		cJSON_AddStringToObject(o, "column", letters);
	}
	if (field)
		cJSON_AddStringToObject(o, "field", field);
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", zh);
	cJSON_AddStringToObject(o, "message_en", en);
	cJSON_AddItemToArray(f->problems, o);
}

/* A problem of the file itself, from a sheets error. */
static void file_problem(ctx *c, const sheets_error *e)
{
	char *zh = sheets_error_text(e, "zh-CN"), *en = sheets_error_text(e, "en");
	const char *sheet = c->sheet;
	c->sheet = e->sheet ? e->sheet : sheet;
	problem(c, e->row, e->col, NULL, "bad_file", zh ? zh : "文件无法读取",
		en ? en : "the file cannot be read");
	c->sheet = sheet;
	free(zh);
	free(en);
}

static const char *cell(const sheets_row *row, int col)
{
	return col >= 0 && (uint32_t)col < row->ncells ? row->cells[col].s : "";
}

typedef int (*check_fn)(const char *s, char **out, roster_why *why);

/* Checks one data row; accepted rows go to f->rows. 0 or SA_E_INTERNAL. */
static int check_row(ctx *c, const sheets_row *row, const int *cols)
{
	static const check_fn checks[NCOLS] = {roster_check_employee_no, roster_check_name, roster_check_path,
					       roster_check_phone_tail};
	roster_file *f = c->f;
	char *v[NCOLS] = {NULL};
	int bad = 0, rc = 0;
	f->seen++;
	for (int k = 0; k < NCOLS && !rc; k++) {
		roster_why why;
		if (cols[k] < 0)
			continue;
		int r = checks[k](cell(row, cols[k]), &v[k], &why);
		if (r == SA_E_INTERNAL)
			rc = r;
		else if (r) {
			problem(c, row->num, (uint32_t)cols[k] + 1, col_field[k], why.code, why.zh, why.en);
			bad = 1;
		}
	}
	if (!rc && v[COL_EMP]) {
		const seen *s = set_add(c, v[COL_EMP], row->num, &rc);
		if (s) {
			char zh[256], en[256];
			int other = s->sheet != c->sheet_ix;
			snprintf(zh, sizeof zh, "工号 %s 与%s%s%s第 %u 行重复", v[COL_EMP], other ? "“" : "",
				 other ? c->names[s->sheet] : "", other ? "”表" : "", s->row);
			snprintf(en, sizeof en, "employee number %s repeats row %u%s%s", v[COL_EMP], s->row,
				 other ? " of sheet " : "", other ? c->names[s->sheet] : "");
			problem(c, row->num, (uint32_t)cols[COL_EMP] + 1, "employee_no", "duplicate", zh, en);
			bad = 1;
		}
	}
	if (!rc && !bad) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 1024;
			roster_entry *nr = realloc(f->rows, cap * sizeof *nr);
			if (!nr)
				rc = SA_E_INTERNAL;
			else {
				f->rows = nr;
				f->cap = cap;
			}
		}
		if (!rc) {
			f->rows[f->n++] = (roster_entry){v[COL_EMP], v[COL_NAME], v[COL_UNIT], v[COL_PHONE]};
			return 0;
		}
	}
	f->refused += bad;
	for (int k = 0; k < NCOLS; k++)
		free(v[k]);
	return rc;
}

/*
 * The header of the selected sheet: 1 (cols set), 0 (no column named: not a
 * roster sheet), -1 (a problem of the file reported).
 */
static int header(ctx *c, const sheets_row *row, int *cols)
{
	for (int k = 0; k < NCOLS; k++)
		cols[k] = -1;
	int found = 0;
	for (uint32_t i = 0; i < row->ncells; i++) {
		int k = column_of(row->cells[i].s);
		if (k < 0)
			continue;
		if (cols[k] >= 0) {
			char zh[160], en[160];
			snprintf(zh, sizeof zh, "“%s”列出现了两次", col_title_zh[k]);
			snprintf(en, sizeof en, "the column %s appears twice", col_field[k]);
			problem(c, row->num, i + 1, col_field[k], "bad_file", zh, en);
			return -1;
		}
		cols[k] = (int)i;
		found++;
	}
	if (!found)
		return 0;
	for (int k = 0; k < COL_PHONE; k++)
		if (cols[k] < 0) {
			char zh[200], en[200];
			snprintf(zh, sizeof zh, "缺少“%s”列（表头须有 工号、姓名、单位）", col_title_zh[k]);
			snprintf(en, sizeof en,
				 "the column %s is missing (the header needs employee_no, name, unit)",
				 col_field[k]);
			problem(c, row->num, 0, col_field[k], "bad_file", zh, en);
			return -1;
		}
	return 1;
}

/* The columns found, by letter, for the report. */
static cJSON *columns_json(const int *cols)
{
	cJSON *o = cJSON_CreateObject();
	for (int k = 0; k < NCOLS; k++)
		if (cols[k] >= 0) {
			char letters[4];
			sheets_col_name((uint32_t)cols[k] + 1, letters);
			cJSON_AddStringToObject(o, col_field[k], letters);
		}
	return o;
}

/* Reads sheet i. 0, SA_E_INVALID_FIELD (a problem of the file: stop), SA_E_INTERNAL. */
static int read_sheet(ctx *c, sheets_reader *rd, size_t i, int *rosters)
{
	const sheets_row *row;
	int cols[NCOLS];
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "name", c->sheet);
	cJSON_AddItemToArray(c->f->sheets, s);
	int rc = sheets_select(rd, i);
	rc = rc < 0 ? rc : sheets_next(rd, &row);
	if (rc < 0) {
		file_problem(c, sheets_reader_error(rd));
		return SA_E_INVALID_FIELD;
	}
	int h = rc == SHEETS_ROW ? header(c, row, cols) : 0;
	if (h < 0)
		return SA_E_INVALID_FIELD;
	if (!h) {
		cJSON_AddBoolToObject(s, "skipped", 1);
		return 0;
	}
	(*rosters)++;
	size_t before = c->f->seen;
	cJSON_AddNumberToObject(s, "header_row", row->num);
	cJSON_AddItemToObject(s, "columns", columns_json(cols));
	while ((rc = sheets_next(rd, &row)) == SHEETS_ROW)
		if ((rc = check_row(c, row, cols)))
			return rc;
	if (rc < 0) {
		file_problem(c, sheets_reader_error(rd));
		return rc == SHEETS_E_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
	}
	cJSON_AddNumberToObject(s, "rows", (double)(c->f->seen - before));
	return 0;
}

static int read_all(ctx *c, sheets_reader *rd)
{
	size_t n;
	const sheets_sheet *list = sheets_list(rd, &n);
	int rosters = 0, rc = 0;
	if (!(c->names = calloc(n ? n : 1, sizeof *c->names)))
		return SA_E_INTERNAL;
	for (size_t i = 0; i < n; i++)
		c->names[i] = list[i].name;
	for (size_t i = 0; i < n && !rc; i++) {
		c->sheet = list[i].name;
		c->sheet_ix = (int)i;
		if (list[i].hidden) {
			cJSON *s = cJSON_CreateObject();
			cJSON_AddStringToObject(s, "name", list[i].name);
			cJSON_AddBoolToObject(s, "skipped", 1);
			cJSON_AddBoolToObject(s, "hidden", 1);
			cJSON_AddItemToArray(c->f->sheets, s);
			continue;
		}
		rc = read_sheet(c, rd, i, &rosters);
	}
	c->sheet = NULL;
	if (!rc && !rosters) {
		problem(c, 0, 0, NULL, "bad_file",
			"没有找到名册：须有一张表的第一行是表头 工号、姓名、单位（手机尾号可选）",
			"no roster found: a sheet's first row must be the header employee_no, name, unit "
			"(phone_tail optional)");
		rc = SA_E_INVALID_FIELD;
	}
	return rc;
}

int roster_file_read(const void *data, size_t len, const roster_read_opts *o, roster_file *f)
{
	memset(f, 0, sizeof *f);
	f->sheets = cJSON_CreateArray();
	f->problems = cJSON_CreateArray();
	if (!f->sheets || !f->problems)
		return SA_E_INTERNAL;
	sheets_read_opts ro = {
		.format = o->format && !strcmp(o->format, "xlsx")  ? SHEETS_XLSX
			  : o->format && !strcmp(o->format, "csv") ? SHEETS_CSV
								   : SHEETS_AUTO,
		.name = o->filename && *o->filename ? o->filename : NULL,
		.encoding = o->encoding,
	};
	ctx c = {.f = f, .filename = ro.name};
	sheets_reader *rd = NULL;
	int rc = sheets_open_mem(&rd, data, len, &ro);
	if (!rd)
		return SA_E_INTERNAL;
	if (rc) {
		file_problem(&c, sheets_reader_error(rd));
		rc = rc == SHEETS_E_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
	} else {
		f->format = sheets_reader_format(rd) == SHEETS_XLSX ? "xlsx" : "csv";
		rc = read_all(&c, rd);
	}
	for (size_t i = 0; i < c.set_cap; i++)
		free(c.set[i].key);
	free(c.set);
	free(c.names);
	/* sheet names in the JSON were copied; the reader goes now */
	sheets_close(rd);
	if (!rc && f->refused)
		rc = SA_E_INVALID_FIELD;
	return rc;
}

void roster_file_release(roster_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->rows[i].employee_no);
		free(f->rows[i].name);
		free(f->rows[i].path);
		free(f->rows[i].phone_tail);
	}
	free(f->rows);
	cJSON_Delete(f->sheets);
	cJSON_Delete(f->problems);
	memset(f, 0, sizeof *f);
}
