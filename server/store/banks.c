/*
 * banks.c - the console's question banks with blocking libpq, on libuv's
 * thread pool: a bank as native JSON for the contests library, the copies a
 * published contest keeps, and imports.
 *
 * A bank is a row of `banks` and one row of `bank_questions` per question
 * (its definition as the native format writes it, with type, category,
 * difficulty and a search text copied out). For the contests library it is
 * put back together as a native bank file, questions in bank order
 * (position, then id): bankset_fetch for a draft being checked, and at
 * publish its text is kept in `contest_banks`, which every process loads
 * the contest with afterwards (bankset_snapshot): a bank edited later
 * changes no published contest.
 *
 * An import arrives checked (every question compiled by the scoring
 * engine); banks_import_apply writes it in one transaction, 500 questions a
 * statement, so that a bank is never seen half-imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "store/banks.h"
#include "store/store.h"

#define BATCH 500

void bankset_release(bankset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].json);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

int bankset_resolve(void *ud, const char *name, const char **json, size_t *len)
{
	const bankset *s = ud;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name)) {
			*json = s->v[i].json;
			*len = s->v[i].len;
			return 0;
		}
	return -1;
}

static int set_add(bankset *s, const char *name, const char *json)
{
	bankset_item *v = realloc(s->v, sizeof *v * (s->n + 1));
	if (!v)
		return SA_E_INTERNAL;
	s->v = v;
	v = &s->v[s->n];
	v->name = strdup(name);
	v->json = strdup(json);
	v->len = strlen(json);
	if (!v->name || !v->json) {
		free(v->name);
		free(v->json);
		return SA_E_INTERNAL;
	}
	s->n++;
	return 0;
}

/* A bank as a native bank file (JSON text), questions in bank order. */
static const char BANK_JSON_SQL[] =
	"SELECT jsonb_strip_nulls(jsonb_build_object('format', 'skillarena-bank/1', 'id', b.code, "
	"'title', b.title, 'description', b.description, 'source', b.source, "
	"'categories', CASE WHEN jsonb_array_length(b.categories) > 0 THEN b.categories END, "
	"'questions', coalesce((SELECT jsonb_agg(q.definition ORDER BY q.position, q.qid) "
	"FROM bank_questions q WHERE q.bank_id = b.id), '[]'::jsonb)))::text "
	"FROM banks b WHERE b.code = $1";

int bankset_fetch(PGconn *pg, const cJSON *def, bankset *out)
{
	const cJSON *banks = cJSON_GetObjectItemCaseSensitive(def, "banks"), *it;
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(banks))
		return 0;
	cJSON_ArrayForEach(it, banks)
	{
		const char *seen;
		size_t seen_len;
		if (!cJSON_IsString(it) || !bankset_resolve(out, it->valuestring, &seen, &seen_len))
			continue; /* not a name (the load says so), or fetched already */
		const char *p[1] = {it->valuestring};
		PGresult *r = PQexecParams(pg, BANK_JSON_SQL, 1, NULL, p, NULL, NULL, 0);
		int rc = PQresultStatus(r) != PGRES_TUPLES_OK ? SA_E_UNAVAILABLE
			 : PQntuples(r) == 1 && store_text(r, 0, 0)
				 ? set_add(out, it->valuestring, store_text(r, 0, 0))
				 : 0;
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			sa_log(LL_ERROR, "bank %s: %s", it->valuestring, PQresultErrorMessage(r));
		PQclear(r);
		if (rc) {
			bankset_release(out);
			return rc;
		}
	}
	return 0;
}

int bankset_snapshot(const char *conninfo, int64_t contest_id, bankset *out)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	memset(out, 0, sizeof *out);
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		sa_log(LL_ERROR, "cannot connect to postgresql: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return SA_E_UNAVAILABLE;
	}
	const char *p[1] = {id};
	PGresult *r =
		PQexecParams(pg, "SELECT name, source FROM contest_banks WHERE contest_id = $1 ORDER BY name",
			     1, NULL, p, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : SA_E_UNAVAILABLE;
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		const char *name = store_text(r, i, 0), *src = store_text(r, i, 1);
		if (name && src)
			rc = set_add(out, name, src);
	}
	PQclear(r);
	PQfinish(pg);
	if (rc)
		bankset_release(out);
	return rc;
}

int bankset_store(PGconn *pg, int64_t contest_id, const bankset *s)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	const char *p[3] = {id, NULL, NULL};
	PGresult *r = PQexecParams(pg, "DELETE FROM contest_banks WHERE contest_id = $1", 1, NULL, p, NULL,
				   NULL, 0);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
	PQclear(r);
	for (size_t i = 0; !rc && i < s->n; i++) {
		p[1] = s->v[i].name;
		p[2] = s->v[i].json;
		r = PQexecParams(pg,
				 "INSERT INTO contest_banks (contest_id, name, source) VALUES ($1, $2, $3)",
				 3, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			sa_log(LL_ERROR, "contest %s: storing bank %s: %s", id, s->v[i].name,
			       PQresultErrorMessage(r));
			rc = SA_E_UNAVAILABLE;
		}
		PQclear(r);
	}
	return rc;
}

/* ------------------------------------------------------------ search text */

typedef struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
} sbuf;

static void sbuf_put(sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->failed || !n)
		return;
	if (b->len + n + 2 > b->cap) {
		size_t cap = (b->len + n + 2) * 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	if (b->len)
		b->s[b->len++] = '\n';
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Every string in v (a string, a language map, an array of those), depth-limited. */
static void put_texts(sbuf *b, const cJSON *v, int depth)
{
	const cJSON *it;
	if (cJSON_IsString(v))
		sbuf_put(b, v->valuestring);
	else if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && depth < 3)
		cJSON_ArrayForEach(it, v) put_texts(b, it, depth + 1);
}

char *banks_search_text(const cJSON *q)
{
	static const char *const fields[] = {"id",   "name",  "text",        "options", "items",
					     "left", "right", "explanation", "tags",    NULL};
	sbuf b = {0};
	for (int i = 0; fields[i]; i++)
		put_texts(&b, cJSON_GetObjectItemCaseSensitive(q, fields[i]), 0);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

/* ------------------------------------------------------------ import */

static int exec_params(PGconn *pg, const char *sql, int n, const char *const *p, PGresult **out)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		sa_log(LL_ERROR, "bank import: %s", PQresultErrorMessage(r));
	if (ok && out)
		*out = r;
	else
		PQclear(r);
	return ok ? 0 : SA_E_UNAVAILABLE;
}

static const char *cat_title(const cJSON *cat)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(cat, "title");
	if (cJSON_IsObject(t))
		t = cJSON_GetObjectItemCaseSensitive(t, "zh-CN");
	return cJSON_GetStringValue(t);
}

static const cJSON *cat_find(const cJSON *cats, const char *key, int by_title)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cats)
	{
		const char *v = by_title ? cat_title(c)
					 : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "id"));
		if (v && key && !strcmp(v, key))
			return c;
	}
	return NULL;
}

/*
 * Merge: the file's categories into the bank's (have, taken), matched by
 * title; a new one keeps its id unless the bank uses it (then c<k>). The
 * questions' category ids are rewritten. Returns the merged list or NULL.
 */
static cJSON *merge_categories(cJSON *have, const cJSON *mine, cJSON *questions)
{
	const cJSON *c;
	int k = cJSON_GetArraySize(have);
	cJSON_ArrayForEach(c, mine)
	{
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "id"));
		const cJSON *same = cat_find(have, cat_title(c), 1);
		char newid[32];
		const char *to = NULL;
		if (!id)
			continue;
		if (same)
			to = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(same, "id"));
		else {
			to = id;
			while (cat_find(have, to, 0)) {
				snprintf(newid, sizeof newid, "c%d", ++k);
				to = newid;
			}
			cJSON *add = cJSON_Duplicate(c, 1);
			if (!add ||
			    !cJSON_ReplaceItemInObjectCaseSensitive(add, "id", cJSON_CreateString(to))) {
				cJSON_Delete(add);
				cJSON_Delete(have);
				return NULL;
			}
			cJSON_AddItemToArray(have, add);
		}
		if (!to || !strcmp(to, id))
			continue;
		cJSON *q;
		cJSON_ArrayForEach(q, questions)
		{
			const char *qc =
				cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "category"));
			if (qc && !strcmp(qc, id))
				cJSON_ReplaceItemInObjectCaseSensitive(q, "category", cJSON_CreateString(to));
		}
	}
	return have;
}

/* The bank's categories after the import, as JSON text (malloc'ed), or NULL. */
static char *categories_after(PGconn *pg, banks_import *im, const char *id)
{
	const char *p[1] = {id};
	PGresult *r = NULL;
	if (!im->merge)
		return im->categories ? cJSON_PrintUnformatted(im->categories) : strdup("[]");
	if (exec_params(pg, "SELECT categories::text FROM banks WHERE id = $1", 1, p, &r))
		return NULL;
	cJSON *have = store_text(r, 0, 0) ? cJSON_Parse(store_text(r, 0, 0)) : NULL;
	PQclear(r);
	if (!cJSON_IsArray(have)) {
		cJSON_Delete(have);
		have = cJSON_CreateArray();
	}
	if (im->categories && !(have = merge_categories(have, im->categories, im->questions)))
		return NULL;
	char *s = cJSON_PrintUnformatted(have);
	cJSON_Delete(have);
	return s;
}

static const char INSERT_SQL[] =
	"INSERT INTO bank_questions (bank_id, qid, qtype, category, difficulty, position, definition, search) "
	"SELECT $1, e->'q'->>'id', e->'q'->>'type', coalesce(e->'q'->>'category', ''), "
	"coalesce(e->'q'->>'difficulty', 'medium'), $3::int + (e->>'p')::int, e->'q', e->>'s' "
	"FROM jsonb_array_elements($2::jsonb) e "
	"ON CONFLICT (bank_id, qid) DO UPDATE SET qtype = EXCLUDED.qtype, category = EXCLUDED.category, "
	"difficulty = EXCLUDED.difficulty, definition = EXCLUDED.definition, search = EXCLUDED.search, "
	"updated_at = now()";

/* One batch: questions [from, from + n) as {"q", "s", "p"}. */
static int write_batch(PGconn *pg, banks_import *im, const char *id, const char *base, cJSON **q, int n,
		       int from)
{
	cJSON *arr = cJSON_CreateArray();
	int rc = arr ? 0 : SA_E_INTERNAL;
	for (int i = 0; !rc && i < n; i++) {
		char *search = banks_search_text(q[i]);
		cJSON *e = cJSON_CreateObject();
		if (!search || !e || !cJSON_AddItemReferenceToObject(e, "q", q[i]) ||
		    !cJSON_AddStringToObject(e, "s", search) || !cJSON_AddNumberToObject(e, "p", from + i))
			rc = SA_E_INTERNAL;
		free(search);
		if (e)
			cJSON_AddItemToArray(arr, e);
	}
	char *text = rc ? NULL : cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	if (!rc && !text)
		rc = SA_E_INTERNAL;
	const char *p[3] = {id, text, base};
	if (!rc)
		rc = exec_params(pg, INSERT_SQL, 3, p, NULL);
	free(text);
	return rc;
}

/* Inside the transaction, the bank locked. */
static int apply_locked(PGconn *pg, banks_import *im, const char *id)
{
	const char *p[2] = {id, NULL};
	PGresult *r = NULL;
	int rc;
	if (!im->merge && (rc = exec_params(pg, "DELETE FROM bank_questions WHERE bank_id = $1", 1, p, NULL)))
		return rc;
	char *cats = categories_after(pg, im, id);
	if (!cats)
		return SA_E_UNAVAILABLE;
	p[1] = cats;
	rc = exec_params(pg, "UPDATE banks SET categories = $2::jsonb, updated_at = now() WHERE id = $1", 2,
			 p, NULL);
	free(cats);
	if (rc || (rc = exec_params(
			   pg, "SELECT coalesce(max(position) + 1, 0) FROM bank_questions WHERE bank_id = $1",
			   1, p, &r)))
		return rc;
	char base[24];
	snprintf(base, sizeof base, "%s", store_text(r, 0, 0) ? store_text(r, 0, 0) : "0");
	PQclear(r);
	int n = cJSON_GetArraySize(im->questions), done = 0;
	cJSON *batch[BATCH], *q = im->questions ? im->questions->child : NULL;
	while (!rc && done < n) {
		int k = 0;
		for (; q && k < BATCH; q = q->next)
			batch[k++] = q;
		rc = write_batch(pg, im, id, base, batch, k, done);
		done += k;
		if (im->progress)
			im->progress(im->ud, (double)done / n);
	}
	if (rc || (rc = exec_params(pg, "SELECT count(*) FROM bank_questions WHERE bank_id = $1", 1, p, &r)))
		return rc;
	rc = store_int(r, 0, 0, 0, INT64_MAX, &im->count) ? SA_E_UNAVAILABLE : 0;
	PQclear(r);
	if (!rc && im->count > BANKS_MAX_QUESTIONS) {
		snprintf(im->why, sizeof im->why,
			 im->why_zh ? "题库将有 %lld 道题，超过上限 %d 道"
				    : "the bank would hold %lld questions (at most %d)",
			 (long long)im->count, BANKS_MAX_QUESTIONS);
		rc = SA_E_INVALID_FIELD;
	}
	return rc;
}

int banks_import_apply(PGconn *pg, banks_import *im)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)im->bank_id);
	const char *p[1] = {id};
	PGresult *r = NULL;
	int rc = exec_params(pg, "BEGIN", 0, NULL, NULL);
	if (rc)
		return rc;
	if (!(rc = exec_params(pg, "SELECT id FROM banks WHERE id = $1 FOR UPDATE", 1, p, &r))) {
		if (PQntuples(r) != 1)
			rc = SA_E_NOT_FOUND;
		PQclear(r);
	}
	if (!rc)
		rc = apply_locked(pg, im, id);
	if (!rc)
		rc = exec_params(pg, "COMMIT", 0, NULL, NULL);
	if (rc)
		exec_params(pg, "ROLLBACK", 0, NULL, NULL);
	return rc;
}
