/*
 * writer.c - one writer over XLSX and CSV.
 *
 * sheets_writer_open() picks the sink (a row of sh_sinks[]) from the options
 * or the path's extension and creates the output beside its final path
 * (path.XXXXXX, mode 0600 since exports hold personal data); finish renames
 * it into place, free removes it when finish did not happen or failed, so a
 * reader of the path never sees half a file.
 *
 * Everything a sink would otherwise discover late is checked here first,
 * with the location of the problem: sheet names (Excel's rules, no two
 * alike), column and row counts, text that is not UTF-8, numbers that are
 * not finite, dates that are not ISO 8601 dates Excel can hold.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sheets_int.h"

static const sh_sink *const sh_sinks[] = {&sh_xlsx_sink, &sh_csv_sink};

int sh_wfail(sheets_writer *w, int code, uint32_t col, const char *fmt, ...)
{
	if (w->err.e.code)
		return w->err.e.code;
	sh_loc loc = {.sheet = w->sheet, .row = w->sheet ? w->row + 1 : 0, .col = col};
	char *detail = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&detail, fmt, ap) < 0)
			detail = NULL;
		va_end(ap);
	}
	sh_err_set(&w->err, code, &loc, detail ? "%s" : NULL, detail);
	free(detail);
	return code;
}

const sheets_error *sheets_writer_error(const sheets_writer *w) { return &w->err.e; }

int sheets_sheet_name_check(const char *name, const char *lang, const char **why)
{
	bool en = lang && strncmp(lang, "en", 2) == 0;
	const char *reason = NULL;
	size_t n = name ? strlen(name) : 0;
	if (n == 0)
		reason = en ? "empty" : "为空";
	else if (sh_utf8_invalid(name, n) >= 0)
		reason = en ? "not UTF-8" : "不是 UTF-8 文本";
	else if (sh_utf8_count(name, n) > 31)
		reason = en ? "longer than 31 characters" : "超过 31 个字符";
	else if (strpbrk(name, "[]:*?/\\"))
		reason = en ? "contains one of [ ] : * ? / \\" : "含有 [ ] : * ? / \\ 之一";
	else if (name[0] == '\'' || name[n - 1] == '\'')
		reason = en ? "begins or ends with an apostrophe" : "以单引号开头或结尾";
	else if (strcasecmp(name, "History") == 0)
		reason = en ? "History is reserved by Excel" : "History 是 Excel 的保留名称";
	if (why)
		*why = reason;
	return reason ? SHEETS_E_SHEET_NAME : 0;
}

/* ---- opening ---- */

static bool sh_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);
	return n > m && strcasecmp(path + n - m, ext) == 0;
}

static sheets_writer *sh_writer_new(const sheets_write_opts *o, const char *name)
{
	sheets_writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	if (o)
		w->o = *o;
	sh_err_init(&w->err, w->o.name ? w->o.name : name);
	if (!w->err.file) {
		free(w);
		return NULL;
	}
	w->fd = -1;
	return w;
}

static int sh_writer_start(sheets_writer *w, sheets_format f)
{
	for (size_t i = 0; i < sizeof sh_sinks / sizeof sh_sinks[0]; i++)
		if (sh_sinks[i]->fmt == f)
			w->sink = sh_sinks[i];
	if (!w->sink)
		return sh_wfail(w, SHEETS_E_FORMAT, 0, NULL);
	return w->sink->open(w);
}

int sheets_writer_open(sheets_writer **out, const char *path, const sheets_write_opts *o)
{
	sheets_writer *w = *out = sh_writer_new(o, path);
	if (!w)
		return SHEETS_E_NOMEM;
	sheets_format f = w->o.format;
	if (f == SHEETS_AUTO)
		f = sh_ext(path, ".xlsx")                                                  ? SHEETS_XLSX
		    : sh_ext(path, ".csv") || sh_ext(path, ".tsv") || sh_ext(path, ".txt") ? SHEETS_CSV
											   : SHEETS_AUTO;
	if (f == SHEETS_AUTO)
		return sh_wfail(w, SHEETS_E_FORMAT, 0, "%s", path);
	if (!w->o.delimiter && sh_ext(path, ".tsv"))
		w->o.delimiter = '\t';
	w->path = sh_strdup(path);
	if (!w->path || asprintf(&w->tmp, "%s.XXXXXX", path) < 0) {
		w->tmp = NULL;
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	}
	w->fd = mkstemp(w->tmp);
	if (w->fd < 0) {
		int e = errno;
		free(w->tmp);
		w->tmp = NULL;
		return sh_wfail(w, SHEETS_E_IO, 0, "%s", strerror(e));
	}
	return sh_writer_start(w, f);
}

int sheets_writer_open_fn(sheets_writer **out, sheets_write_fn fn, void *ud, const sheets_write_opts *o)
{
	sheets_writer *w = *out = sh_writer_new(o, "-");
	if (!w)
		return SHEETS_E_NOMEM;
	w->fn = fn;
	w->ud = ud;
	if (w->o.format == SHEETS_XLSX)
		return sh_wfail(w, SHEETS_E_UNSUPPORTED, 0, "XLSX");
	return sh_writer_start(w, SHEETS_CSV);
}

/* ---- sheets and rows ---- */

/* Checks a text cell or title: UTF-8 (and, for XLSX, Excel's 32,767 characters). */
static int sh_check_text(sheets_writer *w, const char *s, uint32_t col)
{
	size_t n = strlen(s);
	if (sh_utf8_invalid(s, n) >= 0) /* the cell is located; its bytes would not print */
		return sh_wfail(w, SHEETS_E_NOT_UTF8, col, NULL);
	if (w->sink->fmt == SHEETS_XLSX && n > SH_EXCEL_MAX_CHARS && sh_utf8_count(s, n) > SH_EXCEL_MAX_CHARS)
		return sh_wfail(w, SHEETS_E_CELL_TOO_LONG, col, "> %u", SH_EXCEL_MAX_CHARS);
	return 0;
}

int sheets_writer_sheet(sheets_writer *w, const char *name, const sheets_column *cols, size_t ncols)
{
	if (w->err.e.code)
		return w->err.e.code;
	if (w->finished)
		return sh_wfail(w, SHEETS_E_USAGE, 0, NULL);
	free(w->sheet); /* problems from here on are the new sheet's, or the file's */
	w->sheet = NULL;
	w->row = 0;
	if (w->sink->fmt == SHEETS_CSV && w->nsheets > 0)
		return sh_wfail(w, SHEETS_E_UNSUPPORTED, 0, "CSV");
	if (sheets_sheet_name_check(name, NULL, NULL) < 0)
		return sh_wfail(w, SHEETS_E_SHEET_NAME, 0, "“%s”", name ? name : "");
	for (size_t i = 0; i < w->nsheets; i++)
		if (strcasecmp(w->names[i], name) == 0)
			return sh_wfail(w, SHEETS_E_DUP_SHEET, 0, "“%s”", name);
	char **v = realloc(w->names, (w->nsheets + 1) * sizeof *v);
	if (v)
		w->names = v;
	if (!v || !(v[w->nsheets] = sh_strdup(name)) || !(w->sheet = sh_strdup(name)))
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	w->nsheets++;
	if (ncols > SH_EXCEL_MAX_COLS)
		return sh_wfail(w, SHEETS_E_COLS, 0, "%zu > %u", ncols, SH_EXCEL_MAX_COLS);
	bool header = false;
	for (size_t i = 0; i < ncols; i++) {
		if (cols[i].title && sh_check_text(w, cols[i].title, (uint32_t)i + 1) < 0)
			return w->err.e.code;
		header |= cols[i].title != NULL;
	}
	int rc = w->sink->sheet(w, name, cols, ncols);
	if (rc < 0)
		return rc;
	w->row = header ? 1 : 0;
	return 0;
}

static int sh_check_value(sheets_writer *w, const sheets_value *v, uint32_t col)
{
	sh_dt dt;
	switch (v->type) {
	case SHEETS_EMPTY:
	case SHEETS_BOOL:
		return 0;
	case SHEETS_TEXT:
		return sh_check_text(w, v->s ? v->s : "", col);
	case SHEETS_NUMBER:
		if (!isfinite(v->num))
			return sh_wfail(w, SHEETS_E_VALUE, col, "%g", v->num);
		return 0;
	case SHEETS_DATE:
		if (!sh_dt_parse(v->s, &dt) || sh_dt_serial(&dt) < 0)
			return sh_wfail(w, SHEETS_E_VALUE, col, "“%.40s”", v->s ? v->s : "");
		return 0;
	default:
		return sh_wfail(w, SHEETS_E_VALUE, col, "type %d", v->type);
	}
}

int sheets_writer_row(sheets_writer *w, const sheets_value *v, size_t n)
{
	if (w->err.e.code)
		return w->err.e.code;
	if (!w->sheet || w->finished)
		return sh_wfail(w, SHEETS_E_USAGE, 0, NULL);
	if (n > SH_EXCEL_MAX_COLS)
		return sh_wfail(w, SHEETS_E_COLS, 0, "%zu > %u", n, SH_EXCEL_MAX_COLS);
	if (w->sink->fmt == SHEETS_XLSX && w->row >= SH_EXCEL_MAX_ROWS)
		return sh_wfail(w, SHEETS_E_ROWS, 0, "> %u", SH_EXCEL_MAX_ROWS);
	for (size_t i = 0; i < n; i++)
		if (sh_check_value(w, &v[i], (uint32_t)i + 1) < 0)
			return w->err.e.code;
	int rc = w->sink->row(w, v, n);
	if (rc < 0)
		return rc;
	w->row++;
	return 0;
}

int sheets_writer_finish(sheets_writer *w)
{
	if (w->err.e.code)
		return w->err.e.code;
	if (w->finished)
		return sh_wfail(w, SHEETS_E_USAGE, 0, NULL);
	free(w->sheet); /* problems from here on are the file's, not a row's */
	w->sheet = NULL;
	int rc = w->sink->finish(w);
	if (rc < 0)
		return rc;
	if (w->tmp && rename(w->tmp, w->path) != 0)
		return sh_wfail(w, SHEETS_E_IO, 0, "%s", strerror(errno));
	w->finished = true;
	return 0;
}

void sheets_writer_free(sheets_writer *w)
{
	if (!w)
		return;
	if (w->sink)
		w->sink->free(w);
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp && !w->finished)
		unlink(w->tmp);
	for (size_t i = 0; i < w->nsheets; i++)
		free(w->names[i]);
	free(w->names);
	free(w->sheet);
	free(w->path);
	free(w->tmp);
	sh_err_release(&w->err);
	free(w);
}
