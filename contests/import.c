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
	if (e->code == SHEETS_E_NOMEM) {
		cx_oom(c);
		return;
	}
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
		char *t = cx_printf(c, "%s%s%s%s%s", e->part ? e->part : "", e->part ? ": " : "",
				    sheets_strerror(e->code, c->lang), e->detail ? (en ? ": " : "：") : "",
				    e->detail ? e->detail : "");
		if (t)
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

bool cx_imp_init(cx *c, cx_imp *im)
{
	memset(im, 0, sizeof *im);
	im->questions = cx_jnew(c, cJSON_CreateArray());
	im->categories = cx_jnew(c, cJSON_CreateArray());
	return !c->nomem;
}

void cx_imp_release(cx_imp *im)
{
	cJSON_Delete(im->questions);
	cJSON_Delete(im->categories);
	free(im->lines);
	free(im->sheet);
	memset(im, 0, sizeof *im);
}

void contest_import_rows_free(contest_import_rows *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].type);
	}
	free(r->v);
	free(r->sheet);
	memset(r, 0, sizeof *r);
}

/* Each question the importer built, with its line, into rows (c marked when memory runs out). */
static void cx_imp_rows(cx *c, const cx_imp *im, contest_import_rows *rows)
{
	size_t n = (size_t)cJSON_GetArraySize(im->questions), i = 0;
	if (im->sheet && !rows->sheet)
		rows->sheet = cx_dup(c, im->sheet);
	if (n == 0 || !(rows->v = cx_alloc(c, sizeof *rows->v * n)))
		return;
	const cJSON *q;
	cJSON_ArrayForEach(q, im->questions)
	{
		if (i == im->nlines || c->nomem)
			break;
		contest_import_row *r = &rows->v[i];
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "id"));
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		r->line = im->lines[i++];
		r->id = id ? cx_dup(c, id) : NULL;
		r->type = type ? cx_dup(c, type) : NULL;
		rows->n = i;
	}
}

void cx_imp_add(cx *c, cx_imp *im, cJSON *q, int line)
{
	if (!q || !cx_grow(c, &im->lines, &im->cap, im->nlines + 1, sizeof *im->lines)) {
		cJSON_Delete(q);
		cx_oom(c);
		return;
	}
	if (cx_jpush(c, im->questions, q))
		im->lines[im->nlines++] = line;
}

const char *cx_imp_category(cx *c, cx_imp *im, const char *name)
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
	cJSON *o = cx_jnew(c, cJSON_CreateObject());
	const cJSON *idj = cx_jstr(c, o, "id", id);
	cx_jstr(c, o, "title", name);
	if (c->nomem) {
		cJSON_Delete(o);
		return NULL;
	}
	return cx_jpush(c, im->categories, o) ? idj->valuestring : NULL;
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
static char *cx_default_id(cx *c, const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	char *id = cx_dup(c, base);
	if (!id)
		return NULL;
	char *dot = strchr(id, '.');
	if (dot && dot != id)
		*dot = '\0';
	for (char *p = id; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			*p = '-';
	if (!*id || strlen(id) > 64) {
		free(id);
		id = cx_dup(c, "bank");
	}
	return id;
}

/* The bank around the imported questions and categories (taken from im). */
static cJSON *cx_imp_bank(cx *c, cx_imp *im, const char *name, const contest_import_opts *opts)
{
	cJSON *root = cx_jnew(c, cJSON_CreateObject());
	char *id = opts->id ? cx_dup(c, opts->id) : cx_default_id(c, name);
	cx_jstr(c, root, "format", "skillarena-bank/1");
	if (id) {
		cx_jstr(c, root, "id", id);
		cx_jstr(c, root, "title", opts->title ? opts->title : id);
	}
	free(id);
	if (cJSON_GetArraySize(im->categories) > 0)
		cx_jadd(c, root, "categories", im->categories);
	else
		cJSON_Delete(im->categories);
	cx_jadd(c, root, "questions", im->questions);
	im->categories = im->questions = NULL;
	if (c->nomem) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Runs the importer of fmt over the decoded text, then checks the result as a bank. */
static int cx_import_text(cx *c, const cx_importer *imp, const char *text, size_t tlen, const char *name,
			  const contest_import_opts *opts, contest_diag *warn, contest_bank **out)
{
	size_t before = cx_nerr(c);
	cx_imp im;
	if (!cx_imp_init(c, &im)) {
		cx_imp_release(&im);
		return CONTEST_E_NOMEM;
	}
	im.warn = warn;
	im.default_category = opts->category;
	imp->run(c, text, tlen, opts, &im);
	if (opts->rows)
		cx_imp_rows(c, &im, opts->rows);
	if (cx_nerr(c) == before && cJSON_GetArraySize(im.questions) == 0)
		cx_err(c, NULL, CXM_CSV_EMPTY);
	cJSON *root = cx_nerr(c) == before ? cx_imp_bank(c, &im, name, opts) : NULL;
	contest_bank *b = NULL;
	if (root && cx_bank_check(c, root, im.lines) && cx_nerr(c) == before)
		b = cx_alloc(c, sizeof *b);
	size_t nwarn = im.nwarn;
	cx_imp_release(&im);
	int rc = cx_result(c, before);
	if (rc != CONTEST_OK) {
		free(b);
		cJSON_Delete(root);
		return rc;
	}
	b->root = root;
	b->nquestions = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "questions"));
	b->nwarnings = nwarn;
	*out = b;
	return CONTEST_OK;
}

int contest_bank_import_mem(const char *name, const char *data, size_t len, contest_bank_format fmt,
			    const contest_import_opts *opts, const score_engine *eng, const char *lang,
			    contest_bank **out, contest_diag *diag, contest_diag *warn)
{
	contest_diag local = {0};
	cx c = {.file = name, .lang = lang, .diag = diag ? diag : &local, .eng = eng};
	static const contest_import_opts none = {0};
	if (!opts)
		opts = &none;
	*out = NULL;
	size_t before = cx_nerr(&c);
	const cx_importer *imp = NULL;
	for (size_t i = 0; i < sizeof cx_importers / sizeof cx_importers[0]; i++)
		if (cx_importers[i].fmt == fmt)
			imp = &cx_importers[i];
	int rc;
	if (fmt == CONTEST_BANK_JSON) {
		rc = cx_bank_json(&c, data, len, out);
	} else if (!imp) {
		cx_err(&c, NULL, CXM_BANK_FORMAT, contest_bank_format_name(fmt));
		rc = cx_result(&c, before);
	} else {
		size_t tlen = len;
		char *text = imp->decode ? cx_decode(&c, data, len, opts->encoding, &tlen) : NULL;
		if (imp->decode && !text)
			rc = cx_result(&c, before);
		else
			rc = cx_import_text(&c, imp, text ? text : data, tlen, name, opts, warn, out);
		free(text);
	}
	contest_diag_free(&local);
	return rc;
}

int cx_bank_file(const char *path, const char *shown, contest_bank_format fmt,
		 const contest_import_opts *opts, const score_engine *eng, const char *lang,
		 contest_bank **out, contest_diag *diag, contest_diag *warn)
{
	cx c = {.file = shown, .lang = lang, .diag = diag, .eng = eng};
	char *buf;
	size_t len;
	*out = NULL;
	int rc = cx_read_file(path, CX_IMPORT_MAX, &buf, &len);
	if (rc == -ENOMEM)
		return CONTEST_E_NOMEM;
	if (rc == -EFBIG)
		cx_err(&c, NULL, CXM_TOO_BIG, (size_t)CX_IMPORT_MAX);
	else if (rc < 0)
		cx_err(&c, NULL, CXM_READ, cx_strerror(-rc, c.lang));
	if (rc < 0)
		return c.nomem ? CONTEST_E_NOMEM : CONTEST_E_INVALID;
	rc = contest_bank_import_mem(shown, buf, len, fmt, opts, eng, lang, out, diag, warn);
	free(buf);
	return rc;
}

int contest_bank_import(const char *path, contest_bank_format fmt, const contest_import_opts *opts,
			const score_engine *eng, const char *lang, contest_bank **out, contest_diag *diag,
			contest_diag *warn)
{
	return cx_bank_file(path, path, fmt, opts, eng, lang, out, diag, warn);
}
