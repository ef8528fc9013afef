/*
 * reader.c - one reader over XLSX and CSV.
 *
 * sheets_open() picks the format (the bytes first: a zip is XLSX, an OLE
 * compound file is an old .xls or an encrypted workbook and is refused with
 * a message saying so; then the extension; anything else reads as CSV) and
 * hands over to the format's row of sh_sources[]: open (read what every
 * sheet needs), select (go to the start of a sheet), next (assemble the
 * next row), close.
 *
 * Sources assemble rows with the row builder below: a cell's text is
 * appended to one arena per row, then placed at its column; gaps are empty
 * cells, a row with nothing in it is skipped, and XLSX rows end at their
 * last cell that is not empty (a CSV record keeps all its fields: each has
 * a place in the file that a problem may need to name). The limits (rows, columns, cell length) are checked here, once
 * for both formats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sheets_int.h"

static const sh_source *const sh_sources[] = {&sh_xlsx_source, &sh_csv_source};

static const sh_source *sh_source_of(sheets_format f)
{
	for (size_t i = 0; i < sizeof sh_sources / sizeof sh_sources[0]; i++)
		if (sh_sources[i]->fmt == f)
			return sh_sources[i];
	return NULL;
}

/* ---- errors ---- */

int sh_fail(sheets_reader *r, int code, const sh_loc *loc, const char *fmt, ...)
{
	if (r->err.e.code) /* the first problem is the one to report */
		return r->err.e.code;
	sh_loc l = loc ? *loc : (sh_loc){0};
	if (loc && !l.sheet && r->selected && r->cur < r->nsheets) /* a place in the selected sheet */
		l.sheet = r->sheets[r->cur].name;
	char *detail = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&detail, fmt, ap) < 0)
			detail = NULL;
		va_end(ap);
	}
	sh_err_set(&r->err, code, &l, detail ? "%s" : NULL, detail);
	free(detail);
	return code;
}

const sheets_error *sheets_reader_error(const sheets_reader *r) { return &r->err.e; }

sheets_format sheets_reader_format(const sheets_reader *r) { return r->src ? r->src->fmt : SHEETS_AUTO; }

int sh_add_sheet(sheets_reader *r, const char *name, bool hidden)
{
	char *copy = sh_strdup(name);
	if (!copy || !sh_reserve(&r->sheets, &r->sheets_cap, r->nsheets, sizeof *r->sheets)) {
		free(copy);
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	}
	r->sheets[r->nsheets++] = (sheets_sheet){copy, hidden};
	return 0;
}

/* ---- the row builder ---- */

void sh_row_start(sheets_reader *r, uint32_t num, uint32_t line)
{
	sh_row *w = &r->row;
	w->n = 0;
	w->arena.len = 0;
	w->pub = (sheets_row){.num = num, .line = line};
}

static int sh_row_grow(sheets_reader *r, uint32_t need)
{
	sh_row *w = &r->row;
	if (need <= w->cap)
		return 0;
	uint32_t cap = w->cap ? w->cap : 16;
	while (cap < need)
		cap *= 2;
	sheets_cell *c = realloc(w->cells, cap * sizeof *c);
	if (c)
		w->cells = c;
	size_t *o = c ? realloc(w->off, cap * sizeof *o) : NULL;
	if (!o)
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	w->off = o;
	w->cap = cap;
	return 0;
}

int sh_row_cell(sheets_reader *r, uint32_t col, uint8_t type, size_t off, uint32_t line, uint32_t line_col)
{
	sh_row *w = &r->row;
	sh_loc loc = {.row = w->pub.num, .col = col + 1, .line = line, .line_col = line_col};
	if (r->src && r->src->fmt == SHEETS_XLSX)
		loc.line = loc.line_col = 0;
	if (col >= r->o.max_cols)
		return sh_fail(r, SHEETS_E_COLS, &loc, "%u > %u", col + 1, r->o.max_cols);
	sh_buf_putc(&w->arena, '\0'); /* every cell's text ends with a NUL */
	if (w->arena.oom)
		return sh_fail(r, SHEETS_E_NOMEM, &loc, NULL);
	size_t len = w->arena.len - 1 - off;
	if (len > r->o.max_cell_bytes)
		return sh_fail(r, SHEETS_E_CELL_TOO_LONG, &loc, "%zu > %u", len, r->o.max_cell_bytes);
	if (col < w->n && w->cells[col].type != SHEETS_EMPTY)
		return sh_fail(r, SHEETS_E_REF, &loc, NULL);
	/* a sparse sheet (one cell at XFD per row) must not make millions of empty cells */
	if (col >= w->n && w->total + col + 1 > r->o.max_cells)
		return sh_fail(r, SHEETS_E_CELLS, &loc, "> %llu", (unsigned long long)r->o.max_cells);
	if (sh_row_grow(r, col + 1) < 0)
		return r->err.e.code;
	for (; w->n <= col; w->n++) {
		w->cells[w->n] = (sheets_cell){.s = "", .type = SHEETS_EMPTY};
		w->off[w->n] = SIZE_MAX;
	}
	if (len == 0 && type == SHEETS_TEXT)
		type = SHEETS_EMPTY;
	w->cells[col] = (sheets_cell){.len = (uint32_t)len, .type = type, .line = line, .line_col = line_col};
	w->off[col] = type == SHEETS_EMPTY ? SIZE_MAX : off;
	return 0;
}

uint32_t sh_row_end(sheets_reader *r, bool trim)
{
	sh_row *w = &r->row;
	w->total += w->n;
	uint32_t last = w->n; /* one past the last cell that is not empty */
	while (last > 0 && w->cells[last - 1].type == SHEETS_EMPTY)
		last--;
	if (last == 0 || trim)
		w->n = last;
	for (uint32_t i = 0; i < w->n; i++) {
		sheets_cell *c = &w->cells[i];
		c->s = w->off[i] == SIZE_MAX ? "" : w->arena.s + w->off[i];
		if (w->off[i] == SIZE_MAX)
			c->len = 0;
	}
	w->pub.cells = w->cells;
	w->pub.ncells = w->n;
	w->pub.sheet = r->cur < r->nsheets ? r->sheets[r->cur].name : "";
	return w->n;
}

/* ---- opening ---- */

static void sh_defaults(sheets_read_opts *o)
{
	if (!o->max_bytes)
		o->max_bytes = SH_DEFAULT_MAX_BYTES;
	if (!o->max_part_bytes)
		o->max_part_bytes = SH_DEFAULT_MAX_PART;
	if (!o->max_rows)
		o->max_rows = SH_DEFAULT_MAX_ROWS;
	if (!o->max_cols)
		o->max_cols = SH_DEFAULT_MAX_COLS;
	if (!o->max_cell_bytes)
		o->max_cell_bytes = SH_DEFAULT_MAX_CELL;
	if (!o->max_cells)
		o->max_cells = SH_DEFAULT_MAX_CELLS;
}

static bool sh_has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), m = strlen(ext);
	return n > m && strcasecmp(name + n - m, ext) == 0;
}

/* The format of head (the first bytes) named name, or a refusal. */
static int sh_sniff(sheets_reader *r, const unsigned char *head, size_t n, const char *name, sheets_format *f)
{
	static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	if (n >= 8 && memcmp(head, ole, 8) == 0)
		return sh_fail(r, SHEETS_E_XLS, NULL, NULL);
	if (*f != SHEETS_AUTO)
		return 0;
	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		*f = SHEETS_XLSX;
	else if (n >= 4 && memcmp(head, "PK\x05\x06", 4) == 0) /* an empty zip: XLSX that lacks everything */
		*f = SHEETS_XLSX;
	else if (sh_has_ext(name, ".xlsx") || sh_has_ext(name, ".xlsm"))
		*f = SHEETS_XLSX;
	else if (sh_has_ext(name, ".xls") || sh_has_ext(name, ".et"))
		return sh_fail(r, SHEETS_E_XLS, NULL, NULL);
	else
		*f = SHEETS_CSV;
	return 0;
}

static sheets_reader *sh_reader_new(const sheets_read_opts *o, const char *name)
{
	sheets_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (o)
		r->o = *o;
	sh_defaults(&r->o);
	r->name = sh_strdup(r->o.name ? r->o.name : name);
	sh_err_init(&r->err, r->name);
	if (!r->name || !r->err.file) {
		sheets_close(r);
		return NULL;
	}
	r->o.name = r->name;
	return r;
}

static int sh_open_with(sheets_reader *r, sheets_format f, const char *path, const void *data, size_t len)
{
	r->src = sh_source_of(f);
	if (!r->src)
		return sh_fail(r, SHEETS_E_FORMAT, NULL, NULL);
	int rc = r->src->open(r, path, data, len);
	if (rc < 0)
		return sh_fail(r, rc, NULL, NULL);
	if (r->nsheets == 0)
		return sh_fail(r, SHEETS_E_PART, NULL, "<sheets/>");
	r->opened = true;
	return 0;
}

int sheets_open_mem(sheets_reader **out, const void *data, size_t len, const sheets_read_opts *o)
{
	sheets_reader *r = *out = sh_reader_new(o, "sheet.csv");
	if (!r)
		return SHEETS_E_NOMEM;
	if (len > r->o.max_bytes)
		return sh_fail(r, SHEETS_E_TOO_BIG, NULL, "%zu > %zu", len, r->o.max_bytes);
	sheets_format f = r->o.format;
	int rc = sh_sniff(r, data, len, r->name, &f);
	if (rc < 0)
		return rc;
	return sh_open_with(r, f, NULL, data, len);
}

int sheets_open(sheets_reader **out, const char *path, const sheets_read_opts *o)
{
	sheets_reader *r = *out = sh_reader_new(o, path);
	if (!r)
		return SHEETS_E_NOMEM;
	FILE *fp = fopen(path, "rb");
	struct stat st;
	if (!fp || fstat(fileno(fp), &st) != 0) {
		int e = errno;
		if (fp)
			fclose(fp);
		return sh_fail(r, SHEETS_E_IO, NULL, "%s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(fp);
		return sh_fail(r, SHEETS_E_IO, NULL, "%s", strerror(EISDIR));
	}
	if ((uint64_t)st.st_size > r->o.max_bytes) {
		fclose(fp);
		return sh_fail(r, SHEETS_E_TOO_BIG, NULL, "%lld > %zu", (long long)st.st_size,
			       r->o.max_bytes);
	}
	unsigned char head[8];
	size_t n = fread(head, 1, sizeof head, fp);
	fclose(fp);
	sheets_format f = r->o.format;
	int rc = sh_sniff(r, head, n, path, &f);
	if (rc < 0)
		return rc;
	return sh_open_with(r, f, path, NULL, 0);
}

void sheets_close(sheets_reader *r)
{
	if (!r)
		return;
	if (r->src && r->state)
		r->src->close(r);
	for (size_t i = 0; i < r->nsheets; i++)
		free((char *)r->sheets[i].name);
	free(r->sheets);
	free(r->row.cells);
	free(r->row.off);
	sh_buf_free(&r->row.arena);
	sh_err_release(&r->err);
	free(r->name);
	free(r);
}

/* ---- sheets and rows ---- */

const sheets_sheet *sheets_list(const sheets_reader *r, size_t *n)
{
	*n = r->opened ? r->nsheets : 0;
	return r->sheets;
}

int sheets_select(sheets_reader *r, size_t index)
{
	if (r->err.e.code)
		return r->err.e.code;
	if (!r->opened)
		return sh_fail(r, SHEETS_E_USAGE, NULL, NULL);
	if (index >= r->nsheets)
		return sh_fail(r, SHEETS_E_NO_SHEET, NULL, "%zu", index + 1);
	r->cur = index;
	r->selected = true;
	r->row.pub = (sheets_row){0};
	r->row.total = 0;
	return r->src->select(r, index);
}

int sheets_select_name(sheets_reader *r, const char *name)
{
	if (r->err.e.code)
		return r->err.e.code;
	for (size_t i = 0; i < r->nsheets; i++)
		if (strcmp(r->sheets[i].name, name) == 0)
			return sheets_select(r, i);
	return sh_fail(r, SHEETS_E_NO_SHEET, NULL, "%s", name);
}

int sheets_next(sheets_reader *r, const sheets_row **row)
{
	*row = NULL;
	if (r->err.e.code)
		return r->err.e.code;
	if (!r->selected) {
		int rc = sheets_select(r, 0);
		if (rc < 0)
			return rc;
	}
	int rc = r->src->next(r);
	if (rc == SHEETS_ROW)
		*row = &r->row.pub;
	else if (rc < 0)
		rc = sh_fail(r, rc, NULL, NULL); /* a source that returned without recording */
	return rc;
}
