/*
 * import.c - bringing organizers' question files in: decoding and dispatch.
 *
 * An import reads the whole file and hands it to the format's importer (a
 * row of cx_importers[]): GIFT and Aiken get it decoded to UTF-8 with LF
 * line ends by sheets_decode() (a UTF-8 BOM dropped; UTF-16 with a BOM, and
 * text that is not valid UTF-8, through glibc's iconv - the latter as
 * GB18030, the superset of the GBK that Chinese Excel and Notepad save);
 * CSV and XLSX get the bytes, which sheets/ reads as rows. The
 * importer builds native bank JSON and records each question's source line;
 * the result then passes cx_bank_check() like any hand-written bank, with
 * problems reported at file:line. Nothing is half-imported: the bank is
 * returned whole, or not at all with every problem listed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

#define CX_IMPORT_MAX (16u << 20)

/* ---- decoding and reading: sheets/ ---- */

/* sheets/ problems that are messages of ours (the rest: CXM_SHEETS with its text). */
static const struct {
	int code;
	cx_msg msg;
} cx_sheets_msgs[] = {
	{SHEETS_E_QUOTE, CXM_CSV_QUOTE},
	{SHEETS_E_NOT_UTF8, CXM_NOT_UTF8},
	{SHEETS_E_NUL, CXM_CONTROL_CHAR},
};

void cx_sheets_err(cx *c, const sheets_error *e)
{
	bool en = c->lang && strcmp(c->lang, "en") == 0;
	/* CSV: the line and column in the text; XLSX: the row and column */
	int line = (int)(e->line ? e->line : e->row), col = (int)(e->line ? e->line_col : e->col);
	for (size_t i = 0; i < sizeof cx_sheets_msgs / sizeof cx_sheets_msgs[0]; i++)
		if (cx_sheets_msgs[i].code == e->code) {
			cx_err_at(c, line, col, NULL, cx_sheets_msgs[i].msg);
			return;
		}
	if (e->code == SHEETS_E_ENCODING) {
		cx_err(c, NULL, CXM_ENCODING, e->detail ? e->detail : "");
	} else if (e->code == SHEETS_E_DECODE || e->code == SHEETS_E_DECODE_END) {
		const char *why = e->code == SHEETS_E_DECODE_END
					  ? (en ? "incomplete character at the end" : "文件末尾的字符不完整")
					  : (en ? "invalid byte sequence" : "无效的字节序列");
		cx_err_at(c, line, col, NULL, CXM_ICONV, e->detail ? e->detail : "", why);
	} else {
		char *t = cx_asprintf("%s%s%s%s%s", e->part ? e->part : "", e->part ? ": " : "",
				      sheets_strerror(e->code, c->lang), e->detail ? (en ? ": " : "：") : "",
				      e->detail ? e->detail : "");
		cx_err_at(c, line, col, NULL, CXM_SHEETS, t);
		free(t);
	}
}

char *cx_decode(cx *c, const char *data, size_t len, const char *encoding, size_t *olen)
{
	char *text;
	sheets_error e;
	if (sheets_decode(data, len, encoding, true, &text, olen, &e) < 0) {
		cx_sheets_err(c, &e);
		return NULL;
	}
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
	bool decode; /* run gets decoded text (else the file's bytes: sheets/ reads them) */
} cx_importer;

static const cx_importer cx_importers[] = {
	{CONTEST_BANK_GIFT, cx_import_gift, true},
	{CONTEST_BANK_AIKEN, cx_import_aiken, true},
	{CONTEST_BANK_CSV, cx_import_csv, false},
	{CONTEST_BANK_XLSX, cx_import_xlsx, false},
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
	size_t tlen = len;
	char *text = imp->decode ? cx_decode(&c, data, len, opts->encoding, &tlen) : NULL;
	if (imp->decode && !text) {
		contest_diag_free(&local);
		return -1;
	}
	cx_imp im;
	cx_imp_init(&im);
	im.warn = warn;
	im.default_category = opts->category;
	imp->run(&c, text ? text : data, tlen, opts, &im);
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
