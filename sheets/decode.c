/*
 * decode.c - text files to UTF-8, as Chinese Windows saves them.
 *
 * Excel on Simplified-Chinese Windows saves "CSV" as GBK and "CSV UTF-8"
 * with a BOM; Notepad saves UTF-8 with or without a BOM; "Unicode text" is
 * UTF-16LE with a BOM. So: a UTF-8 BOM is dropped, UTF-16 with a BOM goes
 * through iconv, text that is valid UTF-8 is UTF-8, and anything else is
 * GB18030 (the superset of GBK and GB2312) through glibc's iconv. A named
 * encoding overrides the detection (a BOM still wins). A problem is located
 * at its line and column in the original bytes.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sheets_int.h"

typedef struct sh_encoding {
	const char *name;  /* as a person writes it */
	const char *iconv; /* iconv's name; NULL for UTF-8 */
} sh_encoding;

static const sh_encoding sh_encodings[] = {
	{"utf-8", NULL},          {"utf8", NULL},       {"gbk", "GB18030"},   {"gb2312", "GB18030"},
	{"gb18030", "GB18030"},   {"cp936", "GB18030"}, {"utf-16", "UTF-16"}, {"utf-16le", "UTF-16LE"},
	{"utf-16be", "UTF-16BE"}, {"big5", "BIG5"},
};

/* Line and column (counting bytes, or characters when chars) of offset off in s. */
static void sh_where(const char *s, size_t off, bool chars, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (!chars || ((unsigned char)s[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int sh_dec_fail(sheets_error *err, int code, const char *detail)
{
	memset(err, 0, sizeof *err);
	err->code = code;
	err->detail = detail;
	return code;
}

/* Converts (in, len) from `from` with iconv into *out; locates a bad byte in orig. */
static int sh_iconv(const char *from, const char *in, size_t len, const char *orig, size_t skip, char **out,
		    size_t *olen, sheets_error *err)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return sh_dec_fail(err, SHEETS_E_ENCODING, from);
	size_t cap = len * 2 + 16;
	char *o = malloc(cap);
	if (!o) {
		iconv_close(cd);
		return sh_dec_fail(err, SHEETS_E_NOMEM, NULL);
	}
	char *ip = (char *)in, *op = o;
	size_t il = len, ol = cap - 1;
	while (il > 0) {
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - o);
			char *bigger = cap < SIZE_MAX / 2 ? realloc(o, cap * 2) : NULL;
			if (!bigger) {
				free(o);
				iconv_close(cd);
				return sh_dec_fail(err, SHEETS_E_NOMEM, NULL);
			}
			o = bigger;
			cap *= 2;
			op = o + used;
			ol = cap - used - 1;
			continue;
		}
		int code = errno == EINVAL ? SHEETS_E_DECODE_END : SHEETS_E_DECODE;
		free(o);
		iconv_close(cd);
		sh_dec_fail(err, code, from);
		sh_where(orig, (size_t)(ip - in) + skip, false, &err->line, &err->line_col);
		return code;
	}
	iconv_close(cd);
	*olen = (size_t)(op - o);
	o[*olen] = '\0';
	*out = o;
	return 0;
}

int sheets_decode(const char *data, size_t len, const char *encoding, bool lf, char **out, size_t *olen,
		  sheets_error *err)
{
	const char *from = NULL; /* NULL: UTF-8 */
	size_t skip = 0;
	*out = NULL;
	*olen = 0;
	memset(err, 0, sizeof *err);
	bool chosen = encoding && *encoding && strcasecmp(encoding, "auto") != 0;
	if (chosen) {
		size_t i = 0, n = sizeof sh_encodings / sizeof sh_encodings[0];
		while (i < n && strcasecmp(encoding, sh_encodings[i].name) != 0)
			i++;
		if (i == n)
			return sh_dec_fail(err, SHEETS_E_ENCODING, encoding);
		from = sh_encodings[i].iconv;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		skip = 3;
		from = NULL;
	} else if (len >= 2 && memcmp(data, "\xFF\xFE", 2) == 0) {
		skip = 2;
		from = "UTF-16LE";
	} else if (len >= 2 && memcmp(data, "\xFE\xFF", 2) == 0) {
		skip = 2;
		from = "UTF-16BE";
	} else if (!chosen && sh_utf8_invalid(data, len) >= 0) {
		from = "GB18030";
	}
	char *text;
	size_t tlen;
	if (!from) {
		ptrdiff_t bad = sh_utf8_invalid(data + skip, len - skip);
		if (bad >= 0) {
			sh_dec_fail(err, SHEETS_E_NOT_UTF8, NULL);
			sh_where(data + skip, (size_t)bad, true, &err->line, &err->line_col);
			return SHEETS_E_NOT_UTF8;
		}
		tlen = len - skip;
		text = malloc(tlen + 1);
		if (!text)
			return sh_dec_fail(err, SHEETS_E_NOMEM, NULL);
		memcpy(text, data + skip, tlen);
		text[tlen] = '\0';
	} else {
		int rc = sh_iconv(from, data + skip, len - skip, data, skip, &text, &tlen, err);
		if (rc < 0)
			return rc;
	}
	const char *nul = memchr(text, '\0', tlen);
	if (nul) {
		sh_dec_fail(err, SHEETS_E_NUL, NULL);
		sh_where(text, (size_t)(nul - text), true, &err->line, &err->line_col);
		free(text);
		return SHEETS_E_NUL;
	}
	if (lf) { /* CR LF and lone CR become LF */
		size_t w = 0;
		for (size_t i = 0; i < tlen; i++) {
			if (text[i] == '\r') {
				text[w++] = '\n';
				if (i + 1 < tlen && text[i + 1] == '\n')
					i++;
			} else {
				text[w++] = text[i];
			}
		}
		text[w] = '\0';
		tlen = w;
	}
	*out = text;
	*olen = tlen;
	return 0;
}
