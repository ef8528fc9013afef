/*
 * write_csv.c - the CSV sink: what Excel on Chinese Windows opens right.
 *
 * UTF-8 with a BOM (without it Excel reads GBK and garbles Chinese), or
 * GB18030 on request (no BOM); CRLF after every row; RFC 4180 quoting (a
 * field holding the delimiter, a quote, CR or LF is quoted, quotes doubled).
 *
 * Two guards for Excel, both documented in sheets.h:
 *   - formula injection: a TEXT cell beginning with = + - @ tab or CR is
 *     prefixed with an apostrophe, so "=HYPERLINK(...)" typed by a player
 *     shows as text instead of running; a plain decimal ("-3.5") is left
 *     alone (Excel reads it as a number, not a formula);
 *   - digits Excel would damage: a TEXT cell of digits with a leading zero
 *     ("00012") or more than 15 digits (an 18-digit ID number) is prefixed
 *     with a tab, which Excel keeps as text (csv_plain_digits turns it off).
 *
 * Rows are assembled in one buffer, converted when the output is GB18030,
 * and written out in 64 KiB blocks, to the file or to the caller's fn.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sheets_int.h"

#define SH_CSV_BLOCK 65536

typedef struct sh_csvw {
	FILE *fp;
	sh_buf out; /* encoded bytes waiting to be written */
	sh_buf row; /* the row being assembled (UTF-8) */
	iconv_t cd; /* UTF-8 -> GB18030, or (iconv_t)-1 */
	char delim;
} sh_csvw;

static int sh_csvw_flush(sheets_writer *w, sh_csvw *c)
{
	if (c->out.len == 0)
		return 0;
	int bad = 0;
	if (w->fn)
		bad = w->fn(w->ud, c->out.s, c->out.len) != 0;
	else
		bad = fwrite(c->out.s, 1, c->out.len, c->fp) != c->out.len;
	c->out.len = 0;
	if (bad)
		return sh_wfail(w, SHEETS_E_IO, 0, "%s", strerror(errno ? errno : EIO));
	return 0;
}

static int sh_csvw_open(sheets_writer *w)
{
	sh_csvw *c = calloc(1, sizeof *c);
	if (!c)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	w->state = c;
	c->cd = (iconv_t)-1;
	c->delim = w->o.delimiter ? w->o.delimiter : ',';
	const char *enc = w->o.encoding;
	if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0) {
		static const char *const gb[] = {"gb18030", "gbk", "gb2312", "cp936"};
		bool known = false;
		for (size_t i = 0; i < sizeof gb / sizeof gb[0]; i++)
			known |= strcasecmp(enc, gb[i]) == 0;
		if (!known)
			return sh_wfail(w, SHEETS_E_ENCODING, 0, "%s", enc);
		c->cd = iconv_open("GB18030", "UTF-8");
		if (c->cd == (iconv_t)-1)
			return sh_wfail(w, SHEETS_E_ENCODING, 0, "GB18030: %s", strerror(errno));
	}
	if (w->fd >= 0) {
		c->fp = fdopen(w->fd, "wb");
		if (!c->fp)
			return sh_wfail(w, SHEETS_E_IO, 0, "%s", strerror(errno));
		w->fd = -1;
	}
	if (c->cd == (iconv_t)-1 && !w->o.csv_no_bom)
		sh_buf_putn(&c->out, "\xEF\xBB\xBF", 3);
	return c->out.oom ? sh_wfail(w, SHEETS_E_NOMEM, 0, NULL) : 0;
}

/* Does a TEXT cell need the apostrophe (formula guard) or the tab (digits guard)? */
static char sh_csvw_prefix(const sheets_writer *w, const char *s)
{
	if (s[0] && strchr("=+-@\t\r", s[0]) && !sh_is_decimal(s))
		return '\'';
	size_t n = strlen(s);
	if (!w->o.csv_plain_digits && n > 1 && strspn(s, "0123456789") == n && (s[0] == '0' || n > 15))
		return '\t';
	return 0;
}

static void sh_csvw_field(sh_csvw *c, char prefix, const char *s)
{
	bool quote = strchr(s, c->delim) || strpbrk(s, "\"\r\n") || prefix == c->delim;
	if (quote)
		sh_buf_putc(&c->row, '"');
	if (prefix)
		sh_buf_putc(&c->row, prefix);
	for (const char *p = s; *p;) {
		const char *q = quote ? strchr(p, '"') : NULL;
		size_t n = q ? (size_t)(q - p) : strlen(p);
		sh_buf_putn(&c->row, p, n);
		p += n;
		if (q) {
			sh_buf_putn(&c->row, "\"\"", 2);
			p++;
		}
	}
	if (quote)
		sh_buf_putc(&c->row, '"');
}

/* Ends the assembled row: CRLF, conversion, into the output. */
static int sh_csvw_end_row(sheets_writer *w, sh_csvw *c)
{
	sh_buf_putn(&c->row, "\r\n", 2);
	if (c->row.oom)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	if (c->cd == (iconv_t)-1) {
		sh_buf_putn(&c->out, c->row.s, c->row.len);
	} else {
		char *in = c->row.s;
		size_t il = c->row.len;
		while (il > 0) {
			if (!sh_buf_reserve(&c->out, il * 2 + 16))
				break;
			char *op = c->out.s + c->out.len;
			size_t ol = c->out.cap - c->out.len - 1, before = ol;
			size_t r = iconv(c->cd, &in, &il, &op, &ol);
			c->out.len += before - ol;
			if (r == (size_t)-1 && errno != E2BIG)
				return sh_wfail(w, SHEETS_E_DECODE, 0, "GB18030");
		}
	}
	c->row.len = 0;
	if (c->out.oom)
		return sh_wfail(w, SHEETS_E_NOMEM, 0, NULL);
	return c->out.len >= SH_CSV_BLOCK ? sh_csvw_flush(w, c) : 0;
}

static int sh_csvw_sheet(sheets_writer *w, const char *name, const sheets_column *cols, size_t n)
{
	sh_csvw *c = w->state;
	bool header = false;
	for (size_t i = 0; i < n; i++)
		header |= cols[i].title != NULL;
	if (!header)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = cols[i].title ? cols[i].title : "";
		if (i)
			sh_buf_putc(&c->row, c->delim);
		sh_csvw_field(c, sh_csvw_prefix(w, t), t);
	}
	return sh_csvw_end_row(w, c);
}

static int sh_csvw_row(sheets_writer *w, const sheets_value *v, size_t n)
{
	sh_csvw *c = w->state;
	char num[SH_NUM_MAX];
	for (size_t i = 0; i < n; i++) {
		if (i)
			sh_buf_putc(&c->row, c->delim);
		switch (v[i].type) {
		case SHEETS_TEXT:
			sh_csvw_field(c, sh_csvw_prefix(w, v[i].s), v[i].s);
			break;
		case SHEETS_NUMBER:
			sh_num_text(v[i].num, num);
			sh_csvw_field(c, 0, num);
			break;
		case SHEETS_DATE:
			sh_csvw_field(c, 0, v[i].s);
			break;
		case SHEETS_BOOL:
			sh_buf_puts(&c->row, v[i].num != 0 ? "TRUE" : "FALSE");
			break;
		default:
			break;
		}
	}
	return sh_csvw_end_row(w, c);
}

static int sh_csvw_finish(sheets_writer *w)
{
	sh_csvw *c = w->state;
	int rc = sh_csvw_flush(w, c);
	if (rc < 0)
		return rc;
	if (c->fp) {
		bool bad = fflush(c->fp) != 0 || fsync(fileno(c->fp)) != 0;
		bad |= fclose(c->fp) != 0;
		c->fp = NULL;
		if (bad)
			return sh_wfail(w, SHEETS_E_IO, 0, "%s", strerror(errno));
	}
	return 0;
}

static void sh_csvw_free(sheets_writer *w)
{
	sh_csvw *c = w->state;
	if (!c)
		return;
	if (c->fp)
		fclose(c->fp);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	sh_buf_free(&c->out);
	sh_buf_free(&c->row);
	free(c);
	w->state = NULL;
}

const sh_sink sh_csv_sink = {
	.fmt = SHEETS_CSV,
	.open = sh_csvw_open,
	.sheet = sh_csvw_sheet,
	.row = sh_csvw_row,
	.finish = sh_csvw_finish,
	.free = sh_csvw_free,
};
