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
 * Contests draw from loaded banks through cx_bank_index(): a flat table of
 * (question, type, category, difficulty) that blueprint.c filters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contests_int.h"

#define CX_BANK_FORMAT "skillarena-bank/1"
#define CX_BANK_MAX_QUESTIONS 20000

static const char *const cx_bank_fields[] = {"format",   "id",         "title",     "description", "source",
					     "language", "categories", "questions", NULL};
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

bool cx_bank_check(cx *c, const cJSON *root, const int *lines)
{
	char p[CX_PATH_MAX];
	size_t before = cx_nerr(c);
	if (!cJSON_IsObject(root)) {
		cx_err(c, "$", CXM_NOT_OBJECT);
		return false;
	}
	cx_fields(c, root, "$", cx_bank_fields);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!fmt)
		cx_err(c, "$", CXM_MISSING, "format");
	else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, CX_BANK_FORMAT) != 0)
		cx_err(c, "$.format", CXM_BANK_FORMAT, cJSON_IsString(fmt) ? fmt->valuestring : "?");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (!id)
		cx_err(c, "$", CXM_MISSING, "id");
	else
		cx_id(c, id, "$.id");
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(root, "title");
	if (!title)
		cx_err(c, "$", CXM_MISSING, "title");
	else
		cx_langmap(c, title, "$.title", 200, false);
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "description")))
		cx_langmap(c, v, "$.description", 4000, true);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "source")))
		cx_langmap(c, v, "$.source", 1000, true);
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "language")) &&
	    (!cJSON_IsString(v) ||
	     (strcmp(v->valuestring, "zh-CN") != 0 && strcmp(v->valuestring, "en") != 0)))
		cx_err(c, "$.language", CXM_LANG_TAG, cJSON_IsString(v) ? v->valuestring : "?");

	const cJSON *cats = cJSON_GetObjectItemCaseSensitive(root, "categories");
	if (cats && !cJSON_IsArray(cats)) {
		cx_err(c, "$.categories", CXM_WANT_ARRAY);
		cats = NULL;
	}
	int ncat = cats ? cJSON_GetArraySize(cats) : 0;
	for (int i = 0; i < ncat; i++) {
		char cp[CX_PATH_MAX];
		const cJSON *cat = cJSON_GetArrayItem(cats, i);
		cx_idx(cp, "$.categories", i);
		if (!cJSON_IsObject(cat)) {
			cx_err(c, cp, CXM_NOT_OBJECT);
			continue;
		}
		cx_fields(c, cat, cp, cx_category_fields);
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(cat, "id");
		if (!cid)
			cx_err(c, cp, CXM_MISSING, "id");
		else if (cx_id(c, cid, cx_key(p, cp, "id")))
			for (int j = 0; j < i; j++) {
				const cJSON *o =
					cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cats, j), "id");
				char fp[CX_PATH_MAX];
				if (cJSON_IsString(o) && strcmp(o->valuestring, cid->valuestring) == 0) {
					cx_err(c, p, CXM_DUP_ID, cid->valuestring,
					       cx_idx(fp, "$.categories", j));
					break;
				}
			}
		const cJSON *ct = cJSON_GetObjectItemCaseSensitive(cat, "title");
		if (!ct)
			cx_err(c, cp, CXM_MISSING, "title");
		else
			cx_langmap(c, ct, cx_key(p, cp, "title"), 200, false);
		if ((v = cJSON_GetObjectItemCaseSensitive(cat, "description")))
			cx_langmap(c, v, cx_key(p, cp, "description"), 2000, true);
	}

	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(root, "questions");
	if (!qs) {
		cx_err(c, "$", CXM_MISSING, "questions");
	} else if (!cJSON_IsArray(qs)) {
		cx_err(c, "$.questions", CXM_WANT_ARRAY);
	} else {
		int n = cJSON_GetArraySize(qs);
		if (n == 0)
			cx_err(c, "$.questions", CXM_NO_QUESTIONS);
		if (n > CX_BANK_MAX_QUESTIONS)
			cx_err(c, "$.questions", CXM_TOO_MANY, CX_BANK_MAX_QUESTIONS);
		cx_qopts o = {.bank = true, .rules = NULL};
		for (int i = 0; i < n && i < CX_BANK_MAX_QUESTIONS; i++) {
			const cJSON *q = cJSON_GetArrayItem(qs, i);
			char qp[CX_PATH_MAX];
			cx_idx(qp, "$.questions", i);
			score_question *sq = cx_question(c, q, qp, &o);
			score_question_free(sq);
			const cJSON *cat = cJSON_GetObjectItemCaseSensitive(q, "category");
			if (cats && cJSON_IsString(cat)) {
				bool found = false;
				for (int k = 0; k < ncat && !found; k++) {
					const cJSON *cid = cJSON_GetObjectItemCaseSensitive(
						cJSON_GetArrayItem(cats, k), "id");
					found = cJSON_IsString(cid) &&
						strcmp(cid->valuestring, cat->valuestring) == 0;
				}
				if (!found)
					cx_err(c, cx_key(p, qp, "category"), CXM_UNKNOWN_REF,
					       strcmp(c->lang ? c->lang : "", "en") == 0 ? "category"
											 : "分类",
					       cat->valuestring);
			}
		}
		cx_question_ids(c, qs, "$.questions");
		/* importers: a problem of question i carries its source line */
		for (size_t k = before; lines && c->diag && k < c->diag->count; k++) {
			contest_problem *pr = &c->diag->items[k];
			int qi;
			if (pr->line == 0 && pr->path && sscanf(pr->path, "$.questions[%d]", &qi) == 1 &&
			    qi >= 0 && qi < n)
				pr->line = lines[qi];
		}
	}
	return cx_nerr(c) == before;
}

void cx_bank_index(cx_bank *b)
{
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(b->b->root, "questions");
	int n = cJSON_GetArraySize(qs);
	b->items = cx_xmalloc(sizeof *b->items * (size_t)(n > 0 ? n : 1));
	b->n = 0;
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

int contest_bank_load(const char *path, const score_engine *eng, const char *lang, contest_bank **out,
		      contest_diag *diag)
{
	cx c = {.file = path, .lang = lang, .diag = diag, .eng = eng};
	*out = NULL;
	size_t before = cx_nerr(&c);
	cJSON *root = cx_parse_json_file(&c, path);
	if (!root)
		return -1;
	if (!cx_bank_check(&c, root, NULL) || cx_nerr(&c) != before) {
		cJSON_Delete(root);
		return -1;
	}
	contest_bank *b = cx_xmalloc(sizeof *b);
	b->root = root;
	b->nquestions = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "questions"));
	b->nwarnings = 0;
	*out = b;
	return 0;
}

void contest_bank_free(contest_bank *b)
{
	if (!b)
		return;
	cJSON_Delete(b->root);
	free(b);
}
