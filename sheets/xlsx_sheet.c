/*
 * xlsx_sheet.c - one worksheet streamed row by row.
 *
 * The sheet's XML is fed to expat 64 KiB at a time; when a <row> ends with
 * something in it the parser is suspended (XML_StopParser, resumable) and
 * sheets_next() returns the row; the next call resumes. Only the current
 * row and one chunk are in memory, whatever the sheet's size.
 *
 * Cells: <c r="C5" t="..." s="style"> holding <v> (a value or, with t="s",
 * an index into the shared strings) or <is> (an inline string, plain or rich
 * text runs; phonetic runs left out). t: s shared string, inlineStr, str (a
 * formula's text), b boolean, e error, d ISO date, n or none a number. A
 * formula's cached value is what reads (<f> is ignored; a formula never
 * calculated reads as empty). Numbers read through their cell style's
 * format kind (numtext.c): dates as ISO 8601, zeros-only formats padded (as
 * TEXT, since that is what the cell shows), the rest as the shortest exact
 * decimal. A cell without r is the one after the previous; rows without r
 * follow the previous row; row numbers must increase.
 *
 * Merged cells (<mergeCells>, after the data) are not applied: the value is
 * in the top-left cell only, the others read empty, exactly as stored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_int.h"

typedef enum xl_ctype { XL_N, XL_S, XL_B, XL_E, XL_STR, XL_INLINE, XL_D } xl_ctype;

typedef struct xl_sheet {
	xl_ctx c;
	bool in_data, in_row, in_c, in_v, in_is, in_t;
	int rph;
	uint32_t row, prev_row; /* the current and the previous row numbers */
	uint32_t col, next_col; /* the current cell's column (1-based), the next one without r */
	xl_ctype t;
	uint32_t style;
	sh_buf v; /* the current cell's <v> or <is> text */
} xl_sheet;

static const struct {
	const char *name;
	xl_ctype t;
} xl_ctypes[] = {
	{"n", XL_N}, {"s", XL_S}, {"b", XL_B}, {"e", XL_E}, {"str", XL_STR}, {"inlineStr", XL_INLINE},
	{"d", XL_D},
};

/* A problem at the current cell (col 0: the row): recorded, parser stopped. */
static void xl_sheet_fail(xl_sheet *s, int code, uint32_t col, const char *detail)
{
	sh_loc loc = {.row = s->row, .col = col};
	s->c.code = sh_fail(s->c.r, code, &loc, detail ? "%s" : NULL, detail);
	XML_StopParser(s->c.p, XML_FALSE);
}

/* Parses an unsigned decimal; false when s is not one (or is over max). */
static bool xl_uint(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static void xl_row_start(xl_sheet *s, const char **atts)
{
	sheets_reader *r = s->c.r;
	const char *ref = xl_attr(atts, "r");
	uint32_t num = s->prev_row + 1;
	if (ref && !xl_uint(ref, UINT32_MAX - 1, &num)) {
		xl_sheet_fail(s, SHEETS_E_REF, 0, ref);
		return;
	}
	s->row = num;
	if (num <= s->prev_row || num == 0) {
		xl_sheet_fail(s, SHEETS_E_REF, 0, ref);
		return;
	}
	if (num > r->o.max_rows) {
		char lim[16];
		snprintf(lim, sizeof lim, "> %u", r->o.max_rows);
		xl_sheet_fail(s, SHEETS_E_ROWS, 0, lim);
		return;
	}
	s->prev_row = num;
	s->next_col = 1;
	s->in_row = true;
	sh_row_start(r, num, num);
}

static void xl_cell_start(xl_sheet *s, const char **atts)
{
	sheets_reader *r = s->c.r;
	const char *ref = xl_attr(atts, "r"), *t = xl_attr(atts, "t"), *st = xl_attr(atts, "s");
	uint32_t col = s->next_col;
	if (ref) {
		/* letters, then optional digits (the row, as the row element says) */
		size_t n = 0;
		uint64_t v = 0;
		while ((ref[n] >= 'A' && ref[n] <= 'Z') || (ref[n] >= 'a' && ref[n] <= 'z')) {
			if (v <= UINT32_MAX)
				v = v * 26 + (uint64_t)((ref[n] | 0x20) - 'a' + 1);
			n++;
		}
		if (n == 0 || strspn(ref + n, "0123456789") != strlen(ref + n)) {
			xl_sheet_fail(s, SHEETS_E_REF, 0, ref);
			return;
		}
		col = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	s->col = col;
	if (col > r->o.max_cols) {
		char lim[32];
		snprintf(lim, sizeof lim, "> %u", r->o.max_cols);
		xl_sheet_fail(s, SHEETS_E_COLS, col, lim);
		return;
	}
	s->next_col = col + 1;
	s->t = XL_N;
	for (size_t i = 0; t && i < sizeof xl_ctypes / sizeof xl_ctypes[0]; i++)
		if (strcmp(t, xl_ctypes[i].name) == 0)
			s->t = xl_ctypes[i].t;
	s->style = 0;
	if (st && !xl_uint(st, UINT32_MAX, &s->style)) { /* a style that is not there: general */
		xl_sheet_fail(s, SHEETS_E_VALUE, col, st);
		return;
	}
	s->v.len = 0;
	s->in_c = true;
}

static void XMLCALL xl_sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xl_sheet *s = ud;
	const char *local = xl_local(name);
	if (strcmp(local, "sheetData") == 0)
		s->in_data = true;
	else if (!s->in_data)
		return;
	else if (strcmp(local, "row") == 0)
		xl_row_start(s, atts);
	else if (strcmp(local, "c") == 0 && s->in_row)
		xl_cell_start(s, atts);
	else if (!s->in_c)
		return;
	else if (strcmp(local, "v") == 0)
		s->in_v = true;
	else if (strcmp(local, "is") == 0)
		s->in_is = true;
	else if (strcmp(local, "rPh") == 0)
		s->rph++;
	else if (strcmp(local, "t") == 0 && s->in_is && !s->rph)
		s->in_t = true;
}

/* A number cell's text: a date, padded digits, or the shortest decimal. */
static void xl_number(xl_sheet *s, const char *v, size_t n, sh_buf *a, uint8_t *type)
{
	xl *x = s->c.r->state;
	sh_fmt fmt = s->style < x->nxf ? x->xf[s->style] : (sh_fmt){SH_GENERAL, 0};
	if (fmt.kind == SH_GENERAL && sh_num_is_shortest(v, n)) { /* as stored: most numbers */
		sh_buf_putn(a, v, n);
		*type = SHEETS_NUMBER;
		return;
	}
	char *end;
	double d = strtod(v, &end);
	if (end != v + n || !isfinite(d)) {
		char bad[48];
		snprintf(bad, sizeof bad, "%.40s", v);
		xl_sheet_fail(s, SHEETS_E_VALUE, s->col, bad);
		return;
	}
	char out[SH_NUM_MAX];
	size_t len = sh_serial_text(d, fmt, x->date1904, out);
	if (len) {
		*type = fmt.kind == SH_ZEROPAD ? SHEETS_TEXT : SHEETS_DATE;
	} else {
		len = sh_num_text(d, out);
		*type = SHEETS_NUMBER;
	}
	sh_buf_putn(a, out, len);
}

static void xl_cell_end(xl_sheet *s)
{
	sheets_reader *r = s->c.r;
	xl *x = r->state;
	sh_buf *a = &r->row.arena;
	size_t off = a->len;
	uint8_t type = SHEETS_EMPTY;
	const char *v = s->v.s ? s->v.s : "";
	size_t n = s->v.len;
	s->in_c = false;
	if (n > 0) {
		uint32_t idx;
		switch (s->t) {
		case XL_S:
			if (!xl_uint(v, UINT32_MAX, &idx) || idx >= x->nsst) {
				xl_sheet_fail(s, SHEETS_E_VALUE, s->col, v);
				return;
			}
			sh_buf_puts(a, x->sst.s + x->sst_off[idx]);
			type = SHEETS_TEXT;
			break;
		case XL_INLINE:
		case XL_STR:
			xl_unescape(a, v, n);
			type = SHEETS_TEXT;
			break;
		case XL_B:
			if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0 && strcmp(v, "true") != 0 &&
			    strcmp(v, "false") != 0) {
				xl_sheet_fail(s, SHEETS_E_VALUE, s->col, v);
				return;
			}
			sh_buf_puts(a, v[0] == '1' || v[0] == 't' ? "TRUE" : "FALSE");
			type = SHEETS_BOOL;
			break;
		case XL_E:
		case XL_D:
			sh_buf_putn(a, v, n);
			type = s->t == XL_E ? SHEETS_ERROR : SHEETS_DATE;
			break;
		case XL_N:
			xl_number(s, v, n, a, &type);
			if (s->c.code)
				return;
			break;
		}
	}
	if (a->oom) {
		xl_sheet_fail(s, SHEETS_E_NOMEM, s->col, NULL);
		return;
	}
	int rc = sh_row_cell(r, s->col - 1, type, off, s->row, s->col);
	if (rc < 0) {
		s->c.code = rc;
		XML_StopParser(s->c.p, XML_FALSE);
	}
}

static void XMLCALL xl_sheet_end(void *ud, const XML_Char *name)
{
	xl_sheet *s = ud;
	const char *local = xl_local(name);
	if (!s->in_data)
		return;
	if (strcmp(local, "v") == 0) {
		s->in_v = false;
	} else if (strcmp(local, "t") == 0) {
		s->in_t = false;
	} else if (strcmp(local, "is") == 0) {
		s->in_is = false;
	} else if (strcmp(local, "rPh") == 0) {
		s->rph--;
	} else if (strcmp(local, "c") == 0 && s->in_c) {
		xl_cell_end(s);
	} else if (strcmp(local, "row") == 0 && s->in_row) {
		s->in_row = false;
		if (sh_row_end(s->c.r, true) > 0)
			XML_StopParser(s->c.p, XML_TRUE); /* hand the row over; resumed by the next call */
	} else if (strcmp(local, "sheetData") == 0) {
		s->in_data = false;
	}
}

static void XMLCALL xl_sheet_chars(void *ud, const XML_Char *text, int len)
{
	xl_sheet *s = ud;
	if (!s->in_v && !s->in_t)
		return;
	if (s->v.len + (size_t)len > s->c.r->o.max_cell_bytes) {
		char lim[32];
		snprintf(lim, sizeof lim, "> %u", s->c.r->o.max_cell_bytes);
		xl_sheet_fail(s, SHEETS_E_CELL_TOO_LONG, s->col, lim);
		return;
	}
	sh_buf_putn(&s->v, text, (size_t)len);
	if (s->v.oom)
		xl_sheet_fail(s, SHEETS_E_NOMEM, s->col, NULL);
}

void xl_sheet_free(xl_sheet *s)
{
	if (!s)
		return;
	xl_ctx_close(&s->c);
	sh_buf_free(&s->v);
	free(s);
}

int xl_sheet_select(sheets_reader *r, size_t index)
{
	xl *x = r->state;
	xl_sheet_free(x->sheet);
	x->sheet = calloc(1, sizeof *x->sheet);
	if (!x->sheet)
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	xl_sheet *s = x->sheet;
	int rc = xl_ctx_open(&s->c, r, x->paths[index], true, s);
	if (rc < 0)
		return rc;
	XML_SetElementHandler(s->c.p, xl_sheet_start, xl_sheet_end);
	XML_SetCharacterDataHandler(s->c.p, xl_sheet_chars);
	return 0;
}

int xl_sheet_next(sheets_reader *r)
{
	xl *x = r->state;
	xl_sheet *s = x->sheet;
	if (!s)
		return SHEETS_DONE;
	for (;;) {
		int rc = xl_ctx_step(&s->c);
		if (rc == XL_PAUSED)
			return SHEETS_ROW;
		if (rc == XL_DONE) {
			xl_ctx_close(&s->c); /* the zip entry and the parser go; eof stays */
			return SHEETS_DONE;
		}
		if (rc < 0)
			return rc;
	}
}
