/*
 * bank.c - native question banks: check, load, index.
 *
 * A bank is {"format": "skillarena-bank/1", "id", "title", "description",
 * "source", "categories": [{"id", "title"}], "questions": [...]}. Loading
 * checks the whole file (every problem at once), compiles every question
 * with the scoring engine, and refuses the bank if anything is wrong. The
 * importers (import_*.c) build the same JSON and pass it through
 * cx_bank_check() too, so a bank from GIFT, Aiken or CSV obeys exactly the
 * rules of one written by hand.
 *
 * A contest names its banks ("banks": {"alias": "path"}); cx_banks_load()
 * loads them in alias order, each indexed by cx_bank_index() into a flat
 * table of (question, type, category, difficulty) that blueprint.c filters.
 * The paths of an uploaded contest stay inside the configured bank
 * directory (contest_load_opts.bank_root); a contest whose banks are not
 * files (the console's, in PostgreSQL) gets them from the caller's
 * resolver (contest_load_opts.bank_resolve), by name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contests_int.h"

#define CX_BANK_FORMAT "skillarena-bank/1"
#define CX_BANK_MAX_QUESTIONS 20000
#define CX_MAX_BANKS 32

static const char *const cx_category_fields[] = {"id", "title", "description", NULL};

typedef struct cx_format_row {
	contest_bank_format fmt;
	const char *name;
	const char *const *exts;
} cx_format_row;

static const char *const cx_ext_json[] = {".json", NULL};
static const char *const cx_ext_gift[] = {".gift", ".gift.txt", NULL};
static const char *const cx_ext_aiken[] = {".aiken", ".aiken.txt", ".txt", NULL};
static const char *const cx_ext_csv[] = {".csv", ".tsv", NULL};
static const char *const cx_ext_xlsx[] = {".xlsx", NULL};

static const cx_format_row cx_formats[] = {
	{CONTEST_BANK_JSON, "json", cx_ext_json},    {CONTEST_BANK_GIFT, "gift", cx_ext_gift},
	{CONTEST_BANK_AIKEN, "aiken", cx_ext_aiken}, {CONTEST_BANK_CSV, "csv", cx_ext_csv},
	{CONTEST_BANK_XLSX, "xlsx", cx_ext_xlsx},
};
#define CX_NFORMATS (sizeof cx_formats / sizeof cx_formats[0])

int contest_bank_format_parse(const char *name)
{
	for (size_t i = 0; name && i < CX_NFORMATS; i++)
		if (strcasecmp(name, cx_formats[i].name) == 0)
			return (int)cx_formats[i].fmt;
	return -1;
}

const char *contest_bank_format_name(contest_bank_format f)
{
	for (size_t i = 0; i < CX_NFORMATS; i++)
		if (cx_formats[i].fmt == f)
			return cx_formats[i].name;
	return "?";
}

static bool cx_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int contest_bank_format_guess(const char *path)
{
	/* the longest matching extension wins (".gift.txt" over ".txt") */
	int best = -1;
	size_t best_len = 0;
	for (size_t i = 0; i < CX_NFORMATS; i++)
		for (int k = 0; cx_formats[i].exts[k]; k++)
			if (cx_ends_with(path, cx_formats[i].exts[k]) &&
			    strlen(cx_formats[i].exts[k]) > best_len) {
				best = (int)cx_formats[i].fmt;
				best_len = strlen(cx_formats[i].exts[k]);
			}
	return best;
}

/* What the rows of a bank share. */
typedef struct cx_bank_ctx {
	const cJSON *cats; /* "categories" when it is an array */
	const int *lines;  /* the source line of each question (importers), or NULL */
	size_t before;     /* problems before the check */
} cx_bank_ctx;

static void cx_set_format(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	if (v && (!cJSON_IsString(v) || strcmp(v->valuestring, CX_BANK_FORMAT) != 0))
		cx_err(c, path, CXM_BANK_FORMAT, cJSON_IsString(v) ? v->valuestring : "?");
}

static void cx_set_bank_id(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	if (v)
		cx_id(c, v, path);
}

static void cx_set_language(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	if (v && (!cJSON_IsString(v) ||
		  (strcmp(v->valuestring, "zh-CN") != 0 && strcmp(v->valuestring, "en") != 0)))
		cx_err(c, path, CXM_LANG_TAG, cJSON_IsString(v) ? v->valuestring : "?");
}

/* One category: {"id", "title", "description"}, its id unique among the ones before it. */
static void cx_category(cx *c, const cJSON *cats, const cJSON *cat, int i)
{
	char p[CX_PATH_MAX], cp[CX_PATH_MAX];
	cx_idx(cp, "$.categories", i);
	if (!cJSON_IsObject(cat)) {
		cx_err(c, cp, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, cat, cp, cx_category_fields);
	const cJSON *cid = cJSON_GetObjectItemCaseSensitive(cat, "id");
	if (!cid) {
		cx_err(c, cp, CXM_MISSING, "id");
	} else if (cx_id(c, cid, cx_key(p, cp, "id"))) {
		int j = 0;
		for (const cJSON *o = cats->child; o != cat; o = o->next, j++) {
			const cJSON *oid = cJSON_GetObjectItemCaseSensitive(o, "id");
			if (cJSON_IsString(oid) && strcmp(oid->valuestring, cid->valuestring) == 0) {
				char fp[CX_PATH_MAX];
				cx_err(c, p, CXM_DUP_ID, cid->valuestring, cx_idx(fp, "$.categories", j));
				break;
			}
		}
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cat, "title");
	if (!v)
		cx_err(c, cp, CXM_MISSING, "title");
	else
		cx_langmap(c, v, cx_key(p, cp, "title"), 200, false);
	if ((v = cJSON_GetObjectItemCaseSensitive(cat, "description")))
		cx_langmap(c, v, cx_key(p, cp, "description"), 2000, true);
}

static void cx_set_categories(cx *c, const cJSON *cats, const cx_value *val, const char *path, void *ctx)
{
	if (!cats)
		return;
	if (!cJSON_IsArray(cats)) {
		cx_err(c, path, CXM_WANT_ARRAY);
		return;
	}
	((cx_bank_ctx *)ctx)->cats = cats;
	int i = 0;
	const cJSON *cat;
	cJSON_ArrayForEach(cat, cats) cx_category(c, cats, cat, i++);
}

/* A question's category must be one of the bank's, when the bank declares them. */
static void cx_question_category(cx *c, const cJSON *cats, const cJSON *q, const char *qp)
{
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(q, "category"), *k;
	if (!cats || !cJSON_IsString(cat))
		return;
	cJSON_ArrayForEach(k, cats)
	{
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(k, "id");
		if (cJSON_IsString(cid) && strcmp(cid->valuestring, cat->valuestring) == 0)
			return;
	}
	char p[CX_PATH_MAX];
	bool en = c->lang && strcmp(c->lang, "en") == 0;
	cx_err(c, cx_key(p, qp, "category"), CXM_UNKNOWN_REF, en ? "category" : "分类", cat->valuestring);
}

static void cx_set_questions(cx *c, const cJSON *qs, const cx_value *val, const char *path, void *ctx)
{
	const cx_bank_ctx *bc = ctx;
	if (!qs)
		return;
	if (!cJSON_IsArray(qs)) {
		cx_err(c, path, CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(qs), i = 0;
	if (n == 0)
		cx_err(c, path, CXM_NO_QUESTIONS);
	if (n > CX_BANK_MAX_QUESTIONS)
		cx_err(c, path, CXM_TOO_MANY, CX_BANK_MAX_QUESTIONS);
	cx_qopts o = {.bank = true, .rules = NULL};
	const cJSON *q;
	cJSON_ArrayForEach(q, qs)
	{
		char qp[CX_PATH_MAX];
		if (i == CX_BANK_MAX_QUESTIONS || c->nomem)
			break;
		cx_idx(qp, path, i++);
		score_question_free(cx_question(c, q, qp, &o));
		cx_question_category(c, bc->cats, q, qp);
	}
	cx_question_ids(c, qs, path);
	/* importers: a problem of question i carries its source line */
	for (size_t k = bc->before; bc->lines && c->diag && k < c->diag->count; k++) {
		contest_problem *pr = &c->diag->items[k];
		int qi;
		if (pr->line == 0 && pr->path && sscanf(pr->path, "$.questions[%d]", &qi) == 1 && qi >= 0 &&
		    qi < n)
			pr->line = bc->lines[qi];
	}
}

static const cx_field cx_bank_fields[] = {
	{"format", true, CXK_ANY, 0, 0, false, cx_set_format},
	{"id", true, CXK_ANY, 0, 0, false, cx_set_bank_id},
	{"title", true, CXK_LANGMAP, 0, 200, false, NULL},
	{"description", false, CXK_LANGMAP, 0, 4000, true, NULL},
	{"source", false, CXK_LANGMAP, 0, 1000, true, NULL},
	{"language", false, CXK_ANY, 0, 0, false, cx_set_language},
	{"categories", false, CXK_ANY, 0, 0, false, cx_set_categories},
	{"questions", true, CXK_ANY, 0, 0, false, cx_set_questions},
};

bool cx_bank_check(cx *c, const cJSON *root, const int *lines)
{
	size_t before = cx_nerr(c);
	if (!cJSON_IsObject(root)) {
		cx_err(c, "$", CXM_NOT_OBJECT);
		return false;
	}
	cx_bank_ctx bc = {.lines = lines, .before = before};
	cx_check_fields(c, root, "$", cx_bank_fields, sizeof cx_bank_fields / sizeof cx_bank_fields[0], &bc);
	return cx_nerr(c) == before;
}

void cx_bank_index(cx *c, cx_bank *b)
{
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(b->b->root, "questions");
	int n = cJSON_GetArraySize(qs);
	b->n = 0;
	if (!(b->items = cx_alloc(c, sizeof *b->items * (size_t)(n > 0 ? n : 1))))
		return;
	const cJSON *q;
	cJSON_ArrayForEach(q, qs)
	{
		cx_bank_item *it = &b->items[b->n++];
		const cJSON *v;
		it->q = q;
		it->id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "id"));
		it->type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		v = cJSON_GetObjectItemCaseSensitive(q, "category");
		it->category = cJSON_IsString(v) ? v->valuestring : "";
		v = cJSON_GetObjectItemCaseSensitive(q, "difficulty");
		it->difficulty = cJSON_IsString(v) ? cx_difficulty(v->valuestring) : 2;
		if (!it->difficulty)
			it->difficulty = 2;
	}
}

void cx_banks_free(struct contest_banks *bs)
{
	if (!bs)
		return;
	for (size_t i = 0; i < bs->n; i++) {
		free(bs->v[i].alias);
		free(bs->v[i].path);
		free(bs->v[i].items);
		contest_bank_free(bs->v[i].b);
	}
	free(bs->v);
	free(bs);
}

/* ---- the banks of a contest ---- */

/* The directory of file + rel. */
static char *cx_resolve(cx *c, const char *file, const char *rel)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return cx_dup(c, rel);
	return cx_printf(c, "%.*s/%s", (int)(slash - file), file, rel);
}

/*
 * The real path of rel under root, or NULL when it is absolute, leaves root
 * (through "..", or a symbolic link pointing out) or names no file there.
 * All of these get one message, so an upload learns nothing about the
 * files outside the bank directory, not even whether they exist.
 */
static char *cx_confine(cx *c, const char *p, const char *root, const char *rel)
{
	errno = 0;
	char *joined = rel[0] == '/' ? NULL : cx_printf(c, "%s/%s", root, rel);
	char *real_root = joined ? realpath(root, NULL) : NULL;
	char *real = real_root ? realpath(joined, NULL) : NULL;
	bool nomem = !real && errno == ENOMEM;
	size_t n = real_root ? strlen(real_root) : 0;
	bool inside =
		real && n && strncmp(real, real_root, n) == 0 && (real_root[n - 1] == '/' || real[n] == '/');
	free(joined);
	free(real_root);
	if (inside)
		return real;
	free(real);
	if (nomem)
		cx_oom(c);
	else if (!c->nomem)
		cx_err(c, p, CXM_BANK_OUTSIDE, rel);
	return NULL;
}

/* Keeps bank b (taken) as alias it->string, found at path (taken), in bs. */
static void cx_bank_keep(cx *c, struct contest_banks *bs, const cJSON *it, char *path, contest_bank *b)
{
	char *alias = cx_dup(c, it->string);
	if (!alias) {
		free(path);
		contest_bank_free(b);
		return;
	}
	cx_bank *cb = &bs->v[bs->n++];
	cb->alias = alias;
	cb->path = path;
	cb->b = b;
	cx_bank_index(c, cb);
}

/* A bank the resolver gives (contest_load_opts.bank_resolve): no files. */
static void cx_bank_resolved(cx *c, struct contest_banks *bs, const cJSON *it, const char *p,
			     const contest_load_opts *o)
{
	const char *name = it->valuestring, *json = NULL;
	size_t len = 0;
	contest_bank *b = NULL;
	if (o->bank_resolve(o->bank_ud, name, &json, &len) != 0 || !json) {
		cx_err(c, p, CXM_BANK_UNKNOWN, name);
		return;
	}
	int rc = contest_bank_import_mem(name, json, len, CONTEST_BANK_JSON, NULL, c->eng, c->lang, &b,
					 c->diag, NULL);
	if (rc == CONTEST_E_NOMEM)
		cx_oom(c);
	else if (rc != CONTEST_OK)
		cx_err(c, p, CXM_BANK_LOAD, name);
	if (rc != CONTEST_OK)
		return;
	char *path = cx_dup(c, name);
	if (!path) {
		contest_bank_free(b);
		return;
	}
	cx_bank_keep(c, bs, it, path, b);
}

/* Loads one entry of "banks" into bs. */
static void cx_bank_open(cx *c, struct contest_banks *bs, const cJSON *it, const contest_load_opts *o)
{
	char p[CX_PATH_MAX];
	const char *root = o->bank_root;
	cx_key(p, "$.banks", it->string);
	cJSON key = {.type = cJSON_String, .valuestring = it->string};
	if (!cx_id(c, &key, p) || !cx_string(c, it, p, 1000, false))
		return;
	if (o->bank_resolve) {
		cx_bank_resolved(c, bs, it, p, o);
		return;
	}
	const char *rel = it->valuestring;
	if (!root && rel[0] == '/') {
		cx_err(c, p, CXM_BANK_ABSOLUTE);
		return;
	}
	char *path = root ? cx_confine(c, p, root, rel) : cx_resolve(c, c->file, rel);
	if (!path)
		return;
	/* problems inside the bank name it as the contest does (the root's own path stays private) */
	int fmt = contest_bank_format_guess(path);
	contest_bank *b = NULL;
	int rc = cx_bank_file(path, root ? rel : path, fmt < 0 ? CONTEST_BANK_JSON : (contest_bank_format)fmt,
			      NULL, c->eng, c->lang, &b, c->diag, NULL);
	if (rc == CONTEST_E_NOMEM)
		cx_oom(c);
	else if (rc != CONTEST_OK)
		cx_err(c, p, CXM_BANK_LOAD, rel);
	if (rc != CONTEST_OK) {
		free(path);
		return;
	}
	cx_bank_keep(c, bs, it, path, b);
}

static int cx_cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

struct contest_banks *cx_banks_load(cx *c, const cJSON *bj, const contest_load_opts *o)
{
	if (!cJSON_IsObject(bj)) {
		cx_err(c, "$.banks", CXM_NOT_OBJECT);
		return NULL;
	}
	int all = cJSON_GetArraySize(bj), n = all, k = 0;
	if (n > CX_MAX_BANKS) {
		cx_err(c, "$.banks", CXM_TOO_MANY, CX_MAX_BANKS);
		n = CX_MAX_BANKS;
	}
	struct contest_banks *bs = cx_alloc(c, sizeof *bs);
	const cJSON **order = cx_alloc(c, sizeof *order * (size_t)(all ? all : 1));
	if (!bs || !order || !(bs->v = cx_alloc(c, sizeof *bs->v * (size_t)(n ? n : 1)))) {
		free(order);
		cx_banks_free(bs);
		return NULL;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, bj) order[k++] = it;
	qsort(order, (size_t)all, sizeof *order, cx_cmp_key);
	for (int i = 0; i < n && !c->nomem; i++)
		cx_bank_open(c, bs, order[i], o);
	free(order);
	return bs;
}

/* ---- loading one bank ---- */

int cx_bank_json(cx *c, const char *data, size_t len, contest_bank **out)
{
	size_t before = cx_nerr(c);
	cJSON *root = cx_parse_json_mem(c, data, len);
	if (!root)
		return cx_result(c, before);
	contest_bank *b = NULL;
	if (cx_bank_check(c, root, NULL) && cx_nerr(c) == before)
		b = cx_alloc(c, sizeof *b);
	int rc = cx_result(c, before);
	if (rc != CONTEST_OK) {
		free(b);
		cJSON_Delete(root);
		return rc;
	}
	b->root = root;
	b->nquestions = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "questions"));
	*out = b;
	return CONTEST_OK;
}

int contest_bank_load(const char *path, const score_engine *eng, const char *lang, contest_bank **out,
		      contest_diag *diag)
{
	return contest_bank_import(path, CONTEST_BANK_JSON, NULL, eng, lang, out, diag, NULL);
}

void contest_bank_free(contest_bank *b)
{
	if (!b)
		return;
	cJSON_Delete(b->root);
	free(b);
}
