/*
 * write_xlsx.c - the XLSX sink: libxlsxwriter in constant-memory mode.
 *
 * In constant-memory mode libxlsxwriter writes each row to a temporary file
 * as soon as the next one starts, with strings inline, so an export of
 * 100,000 rows holds one row in memory; workbook_close() then assembles the
 * zip. Each sheet gets its column widths (given, or fitted to the title,
 * wide characters counting two), a bold header row frozen at the top, and
 * per-column number formats. Text is written as text (never a formula: no
 * injection guard needed), numbers as numbers, dates as serial numbers with
 * a date format (yyyy-mm-dd, yyyy-mm-dd hh:mm:ss or hh:mm:ss, by what the
 * ISO text holds), booleans as booleans.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "sheets_int.h"

typedef struct sh_xlsxw {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *datetime, *time;
	lxw_format **colfmt; /* the current sheet's number format per column (or NULL) */
	size_t ncol;
	sh_buf scratch; /* text with _xHHHH_ look-alikes escaped */
} sh_xlsxw;

/* Is s at an OOXML escape "_xHHHH_"? */
static bool sh_xlsxw_is_escape(const char *s)
{
	if (s[0] != '_' || s[1] != 'x')
		return false;
	for (int i = 2; i < 6; i++)
		if (!s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return s[6] == '_';
}

/*
 * Text as Excel must read it: libxlsxwriter escapes control characters as
 * _xHHHH_ but leaves text that already looks like an escape, which Excel
 * would then decode ("_x0041_" would show as "A"); its "_" becomes _x005F_.
 */
static const char *sh_xlsxw_text(sh_xlsxw *x, const char *s)
{
	const char *p = strstr(s, "_x");
	while (p && !sh_xlsxw_is_escape(p))
		p = strstr(p + 1, "_x");
	if (!p)
		return s;
	x->scratch.len = 0;
	for (const char *q = s; *q; q++) {
		if (sh_xlsxw_is_escape(q))
			sh_buf_puts(&x->scratch, "_x005F_");
		else
			sh_buf_putc(&x->scratch, *q);
	}
	return x->scratch.oom ? NULL : x->scratch.s;
}

/* Our code for a libxlsxwriter error. */
static int sh_xlsxw_fail(sheets_writer *w, lxw_error e, uint32_t col)
{
	switch (e) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return sh_wfail(w, SHEETS_E_NOMEM, col, NULL);
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
		return sh_wfail(w, SHEETS_E_CELL_TOO_LONG, col, "%s", lxw_strerror(e));
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		return sh_wfail(w, col > SH_EXCEL_MAX_COLS ? SHEETS_E_COLS : SHEETS_E_ROWS, col, "%s",
				lxw_strerror(e));
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
		return sh_wfail(w, SHEETS_E_IO, col, "%s", lxw_strerror(e));
	default:
		return sh_wfail(w, SHEETS_E_WRITER, col, "%s", lxw_strerror(e));
	}
}

static lxw_format *sh_xlsxw_numfmt(lxw_workbook *wb, const char *code)
{
	lxw_format *f = workbook_add_format(wb);
	if (f)
		format_set_num_format(f, code);
	return f;
}

static int sh_xlsxw_open(sheets_writer *w)
{
	sh_xlsxw *x = calloc(1, sizeof *x);
	if (!x)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	w->state = x;
	close(w->fd); /* libxlsxwriter opens the file by name */
	w->fd = -1;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)w->o.tmpdir};
	x->wb = workbook_new_opt(w->tmp, &opt);
	if (!x->wb)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	x->bold = workbook_add_format(x->wb);
	if (x->bold)
		format_set_bold(x->bold);
	x->date = sh_xlsxw_numfmt(x->wb, "yyyy-mm-dd");
	x->datetime = sh_xlsxw_numfmt(x->wb, "yyyy-mm-dd hh:mm:ss");
	x->time = sh_xlsxw_numfmt(x->wb, "hh:mm:ss");
	if (!x->bold || !x->date || !x->datetime || !x->time)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	return 0;
}

/* A column's width: as given, or the title's in characters plus room, 8 to 60. */
static double sh_xlsxw_width(const sheets_column *c)
{
	if (c->width > 0)
		return c->width > 255 ? 255 : c->width;
	double wd = (c->title ? sh_text_width(c->title) : 0) + 2;
	return wd < 8 ? 8 : wd > 60 ? 60 : wd;
}

static int sh_xlsxw_sheet(sheets_writer *w, const char *name, const sheets_column *cols, size_t n)
{
	sh_xlsxw *x = w->state;
	lxw_error e = workbook_validate_sheet_name(x->wb, name);
	if (e != LXW_NO_ERROR)
		return sh_wfail(w, SHEETS_E_SHEET_NAME, 0, "“%s”: %s", name, lxw_strerror(e));
	x->ws = workbook_add_worksheet(x->wb, name);
	if (!x->ws)
		return sh_wfail(w, SHEETS_E_WRITER, 0, "“%s”", name);
	free(x->colfmt);
	x->colfmt = calloc(n ? n : 1, sizeof *x->colfmt);
	x->ncol = n;
	if (!x->colfmt)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	bool header = false;
	for (size_t i = 0; i < n; i++) {
		header |= cols[i].title != NULL;
		if (cols[i].num_format && !(x->colfmt[i] = sh_xlsxw_numfmt(x->wb, cols[i].num_format)))
			return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
		e = worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, sh_xlsxw_width(&cols[i]), NULL);
		if (e != LXW_NO_ERROR)
			return sh_xlsxw_fail(w, e, (uint32_t)i + 1);
	}
	if (!header)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!cols[i].title || !*cols[i].title)
			continue;
		const char *t = sh_xlsxw_text(x, cols[i].title);
		e = t ? worksheet_write_string(x->ws, 0, (lxw_col_t)i, t, x->bold)
		      : LXW_ERROR_MEMORY_MALLOC_FAILED;
		if (e != LXW_NO_ERROR)
			return sh_xlsxw_fail(w, e, (uint32_t)i + 1);
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	return 0;
}

static int sh_xlsxw_row(sheets_writer *w, const sheets_value *v, size_t n)
{
	sh_xlsxw *x = w->state;
	lxw_row_t row = (lxw_row_t)w->row;
	for (size_t i = 0; i < n; i++) {
		lxw_col_t col = (lxw_col_t)i;
		lxw_error e = LXW_NO_ERROR;
		sh_dt dt;
		switch (v[i].type) {
		case SHEETS_TEXT:
			if (!v[i].s || !*v[i].s)
				break;
			const char *t = sh_xlsxw_text(x, v[i].s);
			e = t ? worksheet_write_string(x->ws, row, col, t, NULL)
			      : LXW_ERROR_MEMORY_MALLOC_FAILED;
			break;
		case SHEETS_NUMBER:
			e = worksheet_write_number(x->ws, row, col, v[i].num,
						   i < x->ncol ? x->colfmt[i] : NULL);
			break;
		case SHEETS_DATE:
			sh_dt_parse(v[i].s, &dt); /* checked by writer.c */
			e = worksheet_write_number(x->ws, row, col, sh_dt_serial(&dt),
						   !dt.has_date  ? x->time
						   : dt.has_time ? x->datetime
								 : x->date);
			break;
		case SHEETS_BOOL:
			e = worksheet_write_boolean(x->ws, row, col, v[i].num != 0, NULL);
			break;
		default:
			break;
		}
		if (e != LXW_NO_ERROR)
			return sh_xlsxw_fail(w, e, (uint32_t)i + 1);
	}
	return 0;
}

static int sh_xlsxw_finish(sheets_writer *w)
{
	sh_xlsxw *x = w->state;
	lxw_error e = workbook_close(x->wb); /* frees the workbook, also on failure */
	x->wb = NULL;
	return e == LXW_NO_ERROR ? 0 : sh_xlsxw_fail(w, e, 0);
}

static void sh_xlsxw_free(sheets_writer *w)
{
	sh_xlsxw *x = w->state;
	if (!x)
		return;
	if (x->wb) /* abandoned: nothing assembled, temporary files released */
		lxw_workbook_free(x->wb);
	free(x->colfmt);
	sh_buf_free(&x->scratch);
	free(x);
	w->state = NULL;
}

const sh_sink sh_xlsx_sink = {
	.fmt = SHEETS_XLSX,
	.open = sh_xlsxw_open,
	.sheet = sh_xlsxw_sheet,
	.row = sh_xlsxw_row,
	.finish = sh_xlsxw_finish,
	.free = sh_xlsxw_free,
};
