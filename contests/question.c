/*
 * question.c - the checks every question gets, wherever it comes from.
 *
 * A question lives inline in a contest, in a bank, or comes out of an
 * importer; all of them pass here. This file checks the fields common to
 * every type (id, type, text, explanation, time limit, bank metadata,
 * language maps) and then hands the question to the scoring engine, whose
 * score_compile() owns the type-specific fields (options, answer, tolerance,
 * pairs, ...). The engine's message is reported with the JSON path of the
 * field it names, so "answer: index 4 is out of range" becomes
 * "$.questions[3].answer: question cannot be scored: index 4 is out of range".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

#define CX_TEXT_MAX 2000  /* characters in a question text */
#define CX_OPTION_MAX 500 /* characters in one option */
#define CX_NAME_MAX 255   /* characters in a question name */

/* Fields that hold a language map (or a list of them) in every type. */
static const char *const cx_langmap_fields[] = {"text", "explanation", NULL};

/* If msg starts with "field:" or "field[...]" naming a member of q, the path of that member. */
static const char *cx_engine_path(char *out, const char *qpath, const cJSON *q, const char *msg,
				  const char **rest)
{
	size_t n = 0;
	while (msg[n] && (isalnum((unsigned char)msg[n]) || msg[n] == '_'))
		n++;
	*rest = msg;
	if (n == 0 || n >= 64 || (msg[n] != ':' && msg[n] != '['))
		return qpath;
	char key[64];
	memcpy(key, msg, n);
	key[n] = '\0';
	if (!cJSON_GetObjectItemCaseSensitive(q, key))
		return qpath;
	/* keep an index the engine names ("options[2]: ...") in the path */
	size_t end = n;
	while (msg[end] == '[') {
		const char *close = strchr(msg + end, ']');
		if (!close)
			break;
		end = (size_t)(close - msg) + 1;
	}
	if (msg[end] != ':')
		return qpath;
	snprintf(out, CX_PATH_MAX, "%s.%.*s", qpath, (int)end, msg);
	*rest = msg + end + 1;
	while (**rest == ' ')
		(*rest)++;
	return out;
}

/* category, difficulty and tags: checked in a bank, refused elsewhere. */
static void cx_question_bank_fields(cx *c, const cJSON *q, const char *path, bool bank)
{
	char p[CX_PATH_MAX];
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(q, "category");
	const cJSON *dif = cJSON_GetObjectItemCaseSensitive(q, "difficulty");
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(q, "tags");
	if (bank) {
		if (cat)
			cx_id(c, cat, cx_key(p, path, "category"));
		if (dif) {
			if (!cJSON_IsString(dif))
				cx_err(c, cx_key(p, path, "difficulty"), CXM_WANT_STRING);
			else if (!cx_difficulty(dif->valuestring))
				cx_err(c, cx_key(p, path, "difficulty"), CXM_DIFFICULTY, dif->valuestring);
		}
		if (tags) {
			if (!cJSON_IsArray(tags)) {
				cx_err(c, cx_key(p, path, "tags"), CXM_WANT_ARRAY);
			} else {
				char tp[CX_PATH_MAX], ti[CX_PATH_MAX];
				cx_key(tp, path, "tags");
				int i = 0;
				const cJSON *it;
				cJSON_ArrayForEach(it, tags)
				{
					cx_string(c, it, cx_idx(ti, tp, i), 64, false);
					i++;
				}
			}
		}
	} else {
		/* categories and difficulty belong to bank questions */
		if (cat)
			cx_err(c, cx_key(p, path, "category"), CXM_UNKNOWN_FIELD, "category");
		if (dif)
			cx_err(c, cx_key(p, path, "difficulty"), CXM_UNKNOWN_FIELD, "difficulty");
		if (tags)
			cx_err(c, cx_key(p, path, "tags"), CXM_UNKNOWN_FIELD, "tags");
	}
}

score_question *cx_question(cx *c, const cJSON *q, const char *path, const cx_qopts *o)
{
	char p[CX_PATH_MAX];
	if (!cJSON_IsObject(q)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return NULL;
	}
	size_t before = cx_nerr(c);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
	if (!id)
		cx_err(c, path, CXM_MISSING, "id");
	else
		cx_id(c, id, cx_key(p, path, "id"));

	const cJSON *type = cJSON_GetObjectItemCaseSensitive(q, "type");
	bool type_ok = false;
	if (!type)
		cx_err(c, path, CXM_MISSING, "type");
	else if (!cJSON_IsString(type))
		cx_err(c, cx_key(p, path, "type"), CXM_WANT_STRING);
	else
		type_ok = true;

	const cJSON *text = cJSON_GetObjectItemCaseSensitive(q, "text");
	if (!text)
		cx_err(c, path, CXM_MISSING, "text");
	for (int i = 0; cx_langmap_fields[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, cx_langmap_fields[i]);
		if (v)
			cx_langmap(c, v, cx_key(p, path, cx_langmap_fields[i]), CX_TEXT_MAX, true);
	}
	/* options of choice-like types are language maps too */
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options");
	if (cJSON_IsArray(opts)) {
		char op[CX_PATH_MAX], oi[CX_PATH_MAX];
		cx_key(op, path, "options");
		int i = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, opts)
		{
			cx_langmap(c, it, cx_idx(oi, op, i), CX_OPTION_MAX, true);
			i++;
		}
	}
	/* a GIFT name that is no id: one line, as Moodle's question names */
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(q, "name");
	if (name)
		cx_langmap(c, name, cx_key(p, path, "name"), CX_NAME_MAX, false);
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(q, "time_limit_s");
	if (tl)
		cx_int(c, tl, cx_key(p, path, "time_limit_s"), 1, 3600, NULL);
	const cJSON *so = cJSON_GetObjectItemCaseSensitive(q, "shuffle_options");
	if (so)
		cx_bool(c, so, cx_key(p, path, "shuffle_options"), NULL);

	cx_question_bank_fields(c, q, path, o && o->bank);

	if (!type_ok || !c->eng)
		return NULL;
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(c->eng, q, o ? o->rules : NULL, &sq, &err);
	if (rc == SCORE_E_NOMEM) {
		cx_oom(c);
	} else if (rc == SCORE_E_UNKNOWN_TYPE) {
		char shown[80];
		snprintf(shown, sizeof shown, "%.64s", type->valuestring);
		cx_err(c, cx_key(p, path, "type"), CXM_UNKNOWN_TYPE, shown);
	} else if (rc != SCORE_OK) {
		const char *msg = err ? err : score_strerror(rc, c->lang);
		const char *rest;
		const char *where = cx_engine_path(p, path, q, msg, &rest);
		cx_err(c, where, CXM_COMPILE, rest);
	}
	free(err);
	if (rc != SCORE_OK) {
		score_question_free(sq);
		return NULL;
	}
	if (cx_nerr(c) != before) {
		score_question_free(sq);
		return NULL;
	}
	return sq;
}

typedef struct cx_id_at {
	const char *id;
	int at;
} cx_id_at;

static int cx_cmp_id_at(const void *a, const void *b)
{
	const cx_id_at *x = a, *y = b;
	int d = strcmp(x->id, y->id);
	return d ? d : (x->at > y->at) - (x->at < y->at);
}

void cx_question_ids(cx *c, const cJSON *arr, const char *path)
{
	/* sorted by (id, position): every repeat follows its first, in n log n (banks hold 20,000) */
	cx_id_at *v = cx_alloc(c, sizeof *v * (size_t)(cJSON_GetArraySize(arr) + 1));
	if (!v)
		return;
	int n = 0, i = 0;
	const cJSON *q;
	cJSON_ArrayForEach(q, arr)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
		if (cJSON_IsString(id))
			v[n++] = (cx_id_at){id->valuestring, i};
		i++;
	}
	qsort(v, (size_t)n, sizeof *v, cx_cmp_id_at);
	for (int k = 1, first = 0; k < n; k++) {
		if (strcmp(v[k].id, v[first].id) != 0) {
			first = k;
			continue;
		}
		char p[CX_PATH_MAX], qp[CX_PATH_MAX], fp[CX_PATH_MAX];
		cx_err(c, cx_key(p, cx_idx(qp, path, v[k].at), "id"), CXM_DUP_ID, v[k].id,
		       cx_idx(fp, path, v[first].at));
	}
	free(v);
}
