/*
 * csv_read.c - CSV as a sheet: RFC 4180 records cut from decoded text.
 *
 * The file is read whole (up to max_bytes) and decoded to UTF-8 with LF line
 * ends by sheets_decode() (decode.c): UTF-8 with or without BOM, UTF-16 with
 * BOM, GB18030/GBK detected when the bytes are not UTF-8. Records are then
 * cut one per sheets_next(): fields separated by the delimiter (the one of
 * ',' ';' tab the first line uses most, outside quotes, unless one is
 * given), quoted fields with "" for a quote and line breaks inside, text
 * after a closing quote kept up to the delimiter (as Excel does). Line
 * breaks inside cells come out as LF.
 *
 * The sheet is named after the file without its directory and extension, as
 * Excel names it. Row numbers count records (a quoted line break does not
 * start a row), as Excel shows them; each cell also carries the line and
 * character column where it starts in the file, for a text editor. Every
 * cell is SHEETS_TEXT (or SHEETS_EMPTY): CSV has no types.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets_int.h"

typedef struct sh_csv {
	char *text;
	size_t len, pos;
	uint32_t line, rec;
	char delim;
	/* the character column of position colpos, to count columns incrementally */
	size_t colpos;
	uint32_t col;
} sh_csv;

/* The delimiter the first line uses most, outside quotes (',' when none). */
static char sh_csv_sniff(const char *s)
{
	int n[3] = {0, 0, 0};
	const char d[3] = {',', ';', '\t'};
	bool q = false;
	for (; *s && (q || *s != '\n'); s++) {
		if (*s == '"')
			q = !q;
		for (int i = 0; i < 3 && !q; i++)
			n[i] += *s == d[i];
	}
	int best = 0;
	for (int i = 1; i < 3; i++)
		if (n[i] > n[best])
			best = i;
	return d[best];
}

/* The sheet's name: the file name without directories and extension. */
static int sh_csv_sheet_name(sheets_reader *r)
{
	const char *base = strrchr(r->name, '/');
	base = base ? base + 1 : r->name;
	size_t n = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		n = (size_t)(dot - base);
	char *name = strndup(base, n ? n : strlen(base));
	if (!name)
		return SHEETS_E_NOMEM;
	int rc = sh_add_sheet(r, *name ? name : "Sheet1", false);
	free(name);
	return rc;
}

static int sh_csv_open(sheets_reader *r, const char *path, const void *data, size_t len)
{
	char *file = NULL;
	if (path) {
		FILE *fp = fopen(path, "rb");
		if (!fp)
			return sh_fail(r, SHEETS_E_IO, NULL, "%s", strerror(errno));
		sh_buf b = {0};
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
			if (b.len + n > r->o.max_bytes) {
				fclose(fp);
				sh_buf_free(&b);
				return sh_fail(r, SHEETS_E_TOO_BIG, NULL, "> %zu", r->o.max_bytes);
			}
			sh_buf_putn(&b, chunk, n);
		}
		bool bad = ferror(fp);
		fclose(fp);
		if (b.oom || bad) {
			sh_buf_free(&b);
			return sh_fail(r, bad ? SHEETS_E_IO : SHEETS_E_NOMEM, NULL, NULL);
		}
		file = b.s;
		data = b.s ? b.s : "";
		len = b.len;
	}
	sh_csv *c = calloc(1, sizeof *c);
	if (!c) {
		free(file);
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	}
	r->state = c;
	sheets_error de;
	int rc = sheets_decode(data, len, r->o.encoding, true, &c->text, &c->len, &de);
	free(file);
	if (rc < 0) {
		sh_loc loc = {.line = de.line, .line_col = de.line_col};
		return sh_fail(r, rc, &loc, de.detail ? "%s" : NULL, de.detail);
	}
	c->delim = r->o.delimiter ? r->o.delimiter : sh_csv_sniff(c->text);
	return sh_csv_sheet_name(r);
}

static int sh_csv_select(sheets_reader *r, size_t index)
{
	sh_csv *c = r->state;
	c->pos = c->colpos = 0;
	c->line = c->col = 1;
	c->rec = 0;
	return 0;
}

/* The character column of position i on the current line (line starts at ls). */
static uint32_t sh_csv_col(sh_csv *c, size_t ls, size_t i)
{
	if (c->colpos < ls) {
		c->colpos = ls;
		c->col = 1;
	}
	c->col += (uint32_t)sh_utf8_count(c->text + c->colpos, i - c->colpos);
	c->colpos = i;
	return c->col;
}

/* Appends a quoted field's text starting after its opening quote; false at an unclosed quote. */
static bool sh_csv_quoted(sh_csv *c, sh_buf *b, size_t *pi, size_t *ls)
{
	const char *s = c->text;
	size_t i = *pi;
	for (;;) {
		size_t j = i;
		while (j < c->len && s[j] != '"' && s[j] != '\n')
			j++;
		sh_buf_putn(b, s + i, j - i);
		if (j >= c->len) {
			*pi = j;
			return false;
		}
		if (s[j] == '\n') {
			sh_buf_putc(b, '\n');
			c->line++;
			*ls = i = j + 1;
			continue;
		}
		if (j + 1 < c->len && s[j + 1] == '"') {
			sh_buf_putc(b, '"');
			i = j + 2;
			continue;
		}
		i = j + 1;
		break;
	}
	/* text after the closing quote up to the delimiter is kept (Excel does) */
	size_t j = i;
	while (j < c->len && s[j] != c->delim && s[j] != '\n')
		j++;
	sh_buf_putn(b, s + i, j - i);
	*pi = j;
	return true;
}

static int sh_csv_next(sheets_reader *r)
{
	sh_csv *c = r->state;
	const char *s = c->text;
	for (;;) {
		if (c->pos >= c->len)
			return SHEETS_DONE;
		size_t i = c->pos, ls = i; /* records start at the start of a line */
		if (++c->rec > r->o.max_rows) {
			sh_loc loc = {.row = c->rec, .line = c->line};
			return sh_fail(r, SHEETS_E_ROWS, &loc, "> %u", r->o.max_rows);
		}
		sh_row_start(r, c->rec, c->line);
		for (uint32_t col = 0;; col++) {
			uint32_t fline = c->line, fcol = sh_csv_col(c, ls, i);
			size_t off = r->row.arena.len;
			if (i < c->len && s[i] == '"') {
				i++;
				if (!sh_csv_quoted(c, &r->row.arena, &i, &ls)) {
					sh_loc loc = {.line = fline,
						      .line_col = fcol,
						      .row = c->rec,
						      .col = col + 1};
					c->pos = c->len;
					return sh_fail(r, SHEETS_E_QUOTE, &loc, NULL);
				}
			} else {
				size_t j = i;
				while (j < c->len && s[j] != c->delim && s[j] != '\n')
					j++;
				sh_buf_putn(&r->row.arena, s + i, j - i);
				i = j;
			}
			int rc = sh_row_cell(r, col, SHEETS_TEXT, off, fline, fcol);
			if (rc < 0)
				return rc;
			if (i < c->len && s[i] == c->delim) {
				i++;
				continue;
			}
			if (i < c->len && s[i] == '\n') {
				i++;
				c->line++;
			}
			break;
		}
		c->pos = i;
		if (sh_row_end(r, false) > 0)
			return SHEETS_ROW;
	}
}

static void sh_csv_close(sheets_reader *r)
{
	sh_csv *c = r->state;
	free(c->text);
	free(c);
	r->state = NULL;
}

const sh_source sh_csv_source = {
	.fmt = SHEETS_CSV,
	.open = sh_csv_open,
	.select = sh_csv_select,
	.next = sh_csv_next,
	.close = sh_csv_close,
};
