/*
 * import.c - bringing organizers' question files in: decoding and dispatch.
 *
 * An import reads the whole file, decodes it to UTF-8 (a UTF-8 BOM is
 * dropped; UTF-16 with a BOM, and text that is not valid UTF-8, go through
 * glibc's iconv - the latter as GB18030, the superset of the GBK that
 * Chinese Excel and Notepad save), turns CR LF and lone CR into LF, and
 * hands the text to the format's importer (a row of cx_importers[]). The
 * importer builds native bank JSON and records each question's source line;
 * the result then passes cx_bank_check() like any hand-written bank, with
 * problems reported at file:line. Nothing is half-imported: the bank is
 * returned whole, or not at all with every problem listed.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

#define CX_IMPORT_MAX (16u << 20)

/* ---- decoding ---- */

typedef struct cx_encoding_row {
	const char *name;  /* as given on the command line */
	const char *iconv; /* iconv name, NULL for UTF-8 */
} cx_encoding_row;

static const cx_encoding_row cx_encodings[] = {
	{"utf-8", NULL},          {"utf8", NULL},       {"gbk", "GB18030"},   {"gb2312", "GB18030"},
	{"gb18030", "GB18030"},   {"cp936", "GB18030"}, {"utf-16", "UTF-16"}, {"utf-16le", "UTF-16LE"},
	{"utf-16be", "UTF-16BE"}, {"big5", "BIG5"},
};

/* Converts with iconv; on failure reports the byte offset of the problem. */
static char *cx_iconv(cx *c, const char *from, const char *in, size_t len, size_t *olen, const char *orig,
		      size_t skip)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		cx_err(c, NULL, CXM_ICONV, from, strerror(errno));
		return NULL;
	}
	size_t cap = len * 2 + 16;
	char *out = cx_xmalloc(cap);
	char *ip = (char *)in, *op = out;
	size_t il = len, ol = cap - 1;
	while (il > 0) {
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - out);
			cap *= 2;
			out = cx_xrealloc(out, cap);
			op = out + used;
			ol = cap - used - 1;
			continue;
		}
		/* EILSEQ / EINVAL: locate the bad byte in the original text */
		int e = errno;
		size_t off = (size_t)(ip - in) + skip;
		int line = 1, col = 1;
		for (size_t i = 0; i < off; i++) {
			if (orig[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		cx_err_at(c, line, col, NULL, CXM_ICONV, from,
			  e == EINVAL ? (strcmp(c->lang ? c->lang : "", "en") == 0
						 ? "incomplete character at the end"
						 : "文件末尾的字符不完整")
				      : (strcmp(c->lang ? c->lang : "", "en") == 0 ? "invalid byte sequence"
										   : "无效的字节序列"));
		free(out);
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*olen = (size_t)(op - out);
	out[*olen] = '\0';
	return out;
}

char *cx_decode(cx *c, const char *data, size_t len, const char *encoding, size_t *olen)
{
	const char *from = NULL; /* NULL: UTF-8 */
	size_t skip = 0;
	bool chosen = encoding && *encoding && strcasecmp(encoding, "auto") != 0;
	if (chosen) {
		bool found = false;
		for (size_t i = 0; i < sizeof cx_encodings / sizeof cx_encodings[0]; i++)
			if (strcasecmp(encoding, cx_encodings[i].name) == 0) {
				from = cx_encodings[i].iconv;
				found = true;
			}
		if (!found) {
			cx_err(c, NULL, CXM_ENCODING, encoding);
			return NULL;
		}
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
	} else if (!chosen && cx_utf8_invalid(data, len) >= 0) {
		from = "GB18030";
	}
	char *text;
	size_t tlen;
	if (!from) {
		ptrdiff_t bad = cx_utf8_invalid(data + skip, len - skip);
		if (bad >= 0) {
			int l, col;
			cx_line_col(data + skip, (size_t)bad, &l, &col);
			cx_err_at(c, l, col, NULL, CXM_NOT_UTF8);
			return NULL;
		}
		tlen = len - skip;
		text = cx_xmalloc(tlen + 1);
		memcpy(text, data + skip, tlen);
		text[tlen] = '\0';
	} else {
		text = cx_iconv(c, from, data + skip, len - skip, &tlen, data, skip);
		if (!text)
			return NULL;
	}
	if (memchr(text, '\0', tlen)) {
		int l, col;
		cx_line_col(text, (size_t)((char *)memchr(text, '\0', tlen) - text), &l, &col);
		cx_err_at(c, l, col, NULL, CXM_CONTROL_CHAR);
		free(text);
		return NULL;
	}
	/* CR LF and lone CR become LF */
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
	*olen = w;
	return text;
}

/* ---- the bank being built ---- */

void cx_imp_init(cx_imp *im)
{
	memset(im, 0, sizeof *im);
	im->questions = cJSON_CreateArray();
	im->categories = cJSON_CreateArray();
	if (!im->questions || !im->categories)
		abort();
}

void cx_imp_release(cx_imp *im)
{
	cJSON_Delete(im->questions);
	cJSON_Delete(im->categories);
	free(im->lines);
	memset(im, 0, sizeof *im);
}

void cx_imp_add(cx_imp *im, cJSON *q, int line)
{
	if (im->nlines == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 64;
		im->lines = cx_xrealloc(im->lines, im->cap * sizeof *im->lines);
	}
	im->lines[im->nlines++] = line;
	cJSON_AddItemToArray(im->questions, q);
}

/* Is s a valid id (as cx_id accepts)? */
static bool cx_is_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

const char *cx_imp_category(cx_imp *im, const char *name)
{
	const cJSON *cat;
	cJSON_ArrayForEach(cat, im->categories)
	{
		const char *t = cx_text(cJSON_GetObjectItemCaseSensitive(cat, "title"), "zh-CN");
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cat, "id"));
		if ((t && strcmp(t, name) == 0) || (id && strcmp(id, name) == 0))
			return id;
	}
	char gen[32];
	const char *id = name;
	if (!cx_is_id(name)) {
		snprintf(gen, sizeof gen, "c%d", cJSON_GetArraySize(im->categories) + 1);
		id = gen;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "title", name);
	cJSON_AddItemToArray(im->categories, o);
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "id"));
}

/* ---- dispatch ---- */

typedef struct cx_importer {
	contest_bank_format fmt;
	int (*run)(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im);
} cx_importer;

static const cx_importer cx_importers[] = {
	{CONTEST_BANK_GIFT, cx_import_gift},
	{CONTEST_BANK_AIKEN, cx_import_aiken},
	{CONTEST_BANK_CSV, cx_import_csv},
};

/* The file name without directories and extensions, as an id. */
static char *cx_default_id(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	char *id = cx_strdup(base);
	char *dot = strchr(id, '.');
	if (dot && dot != id)
		*dot = '\0';
	for (char *p = id; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			*p = '-';
	if (!*id || strlen(id) > 64) {
		free(id);
		id = cx_strdup("bank");
	}
	return id;
}

int contest_bank_import_mem(const char *name, const char *data, size_t len, contest_bank_format fmt,
			    const contest_import_opts *opts, const score_engine *eng, const char *lang,
			    contest_bank **out, contest_diag *diag, contest_diag *warn)
{
	cx c = {.file = name, .lang = lang, .diag = diag, .eng = eng};
	contest_diag local = {0};
	if (!diag)
		c.diag = &local;
	contest_import_opts none = {0};
	if (!opts)
		opts = &none;
	*out = NULL;
	size_t before = cx_nerr(&c);
	if (fmt == CONTEST_BANK_JSON) {
		if (memchr(data, '\0', len) || cx_utf8_invalid(data, len) >= 0) {
			ptrdiff_t bad = cx_utf8_invalid(data, len);
			int l = 1, col = 1;
			cx_line_col(data, bad >= 0 ? (size_t)bad : 0, &l, &col);
			cx_err_at(&c, l, col, NULL, CXM_NOT_UTF8);
			contest_diag_free(&local);
			return -1;
		}
		const char *text = data;
		size_t tlen = len;
		if (tlen >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
			text += 3, tlen -= 3;
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithLengthOpts(text, tlen, &end, false);
		if (!root) {
			int l, col;
			cx_line_col(text, end && end >= text ? (size_t)(end - text) : 0, &l, &col);
			cx_err_at(&c, l, col, NULL, CXM_JSON_SYNTAX);
			contest_diag_free(&local);
			return -1;
		}
		if (!cx_bank_check(&c, root, NULL) || cx_nerr(&c) != before) {
			cJSON_Delete(root);
			contest_diag_free(&local);
			return -1;
		}
		contest_bank *b = cx_xmalloc(sizeof *b);
		b->root = root;
		b->nquestions =
			(size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "questions"));
		b->nwarnings = 0;
		*out = b;
		contest_diag_free(&local);
		return 0;
	}
	const cx_importer *imp = NULL;
	for (size_t i = 0; i < sizeof cx_importers / sizeof cx_importers[0]; i++)
		if (cx_importers[i].fmt == fmt)
			imp = &cx_importers[i];
	if (!imp) {
		cx_err(&c, NULL, CXM_BANK_FORMAT, contest_bank_format_name(fmt));
		contest_diag_free(&local);
		return -1;
	}
	size_t tlen;
	char *text = cx_decode(&c, data, len, opts->encoding, &tlen);
	if (!text) {
		contest_diag_free(&local);
		return -1;
	}
	cx_imp im;
	cx_imp_init(&im);
	im.warn = warn;
	im.default_category = opts->category;
	imp->run(&c, text, tlen, opts, &im);
	free(text);
	if (cx_nerr(&c) != before) {
		cx_imp_release(&im);
		contest_diag_free(&local);
		return -1;
	}
	if (cJSON_GetArraySize(im.questions) == 0) {
		cx_err(&c, NULL, CXM_CSV_EMPTY);
		cx_imp_release(&im);
		contest_diag_free(&local);
		return -1;
	}
	cJSON *root = cJSON_CreateObject();
	char *id = opts->id ? cx_strdup(opts->id) : cx_default_id(name);
	cJSON_AddStringToObject(root, "format", "skillarena-bank/1");
	cJSON_AddStringToObject(root, "id", id);
	cJSON_AddStringToObject(root, "title", opts->title ? opts->title : id);
	free(id);
	if (cJSON_GetArraySize(im.categories) > 0) {
		cJSON_AddItemToObject(root, "categories", im.categories);
		im.categories = NULL;
	}
	cJSON_AddItemToObject(root, "questions", im.questions);
	im.questions = NULL;
	bool ok = cx_bank_check(&c, root, im.lines) && cx_nerr(&c) == before;
	size_t nwarn = im.nwarn;
	cx_imp_release(&im);
	if (!ok) {
		cJSON_Delete(root);
		contest_diag_free(&local);
		return -1;
	}
	contest_bank *b = cx_xmalloc(sizeof *b);
	b->root = root;
	b->nquestions = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "questions"));
	b->nwarnings = nwarn;
	*out = b;
	contest_diag_free(&local);
	return 0;
}

int contest_bank_import(const char *path, contest_bank_format fmt, const contest_import_opts *opts,
			const score_engine *eng, const char *lang, contest_bank **out, contest_diag *diag,
			contest_diag *warn)
{
	cx c = {.file = path, .lang = lang, .diag = diag, .eng = eng};
	char *buf;
	size_t len;
	*out = NULL;
	int rc = cx_read_file(path, CX_IMPORT_MAX, &buf, &len);
	if (rc == -EFBIG) {
		cx_err(&c, NULL, CXM_TOO_BIG, (size_t)CX_IMPORT_MAX);
		return -1;
	}
	if (rc < 0) {
		cx_err(&c, NULL, CXM_READ, cx_strerror(-rc, c.lang));
		return -1;
	}
	rc = contest_bank_import_mem(path, buf, len, fmt, opts, eng, lang, out, diag, warn);
	free(buf);
	return rc;
}
