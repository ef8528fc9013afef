/*
 * pool.c - a contest's question pool: every question any paper of it may
 * hold, each once, unshuffled and compiled (contest_pool_build).
 *
 * Papers drawn per participant (contest_paper_draw) name their questions
 * "<bank alias>.<question id>" and carry shuffled copies; self-paced play
 * keeps one compiled copy of each pool question for the whole contest and
 * serves a participant's paper as pool questions plus each one's option
 * order, and practice draws its questions from the pool by category.
 */
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

typedef struct cx_pool_list {
	contest_pool_item *v;
	size_t n, cap;
} cx_pool_list;

/* A new zeroed item at the end; NULL when memory ran out. */
static contest_pool_item *cx_pool_push(cx_pool_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		contest_pool_item *v = cx_realloc(l->v, cap * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	contest_pool_item *it = &l->v[l->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static bool cx_pool_has(const cx_pool_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].q.id, id) == 0)
			return true;
	return false;
}

static int64_t cx_pool_limit(const cJSON *q, int64_t stage_ms)
{
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(q, "time_limit_s");
	if (cJSON_IsNumber(tl) && tl->valuedouble >= 1)
		return (int64_t)tl->valuedouble * 1000;
	return stage_ms;
}

/* The title of category id in a bank's "categories", NULL when none. */
static const cJSON *cx_category_title(const cJSON *root, const char *id)
{
	const cJSON *cat;
	if (!id || !*id)
		return NULL;
	cJSON_ArrayForEach(cat, cJSON_GetObjectItemCaseSensitive(root, "categories"))
	{
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(cat, "id");
		if (cJSON_IsString(cid) && strcmp(cid->valuestring, id) == 0)
			return cJSON_GetObjectItemCaseSensitive(cat, "title");
	}
	return NULL;
}

/* Compiles def (taken, with id) into a new item: 0, or a SCORE_E_* code (a message in *err). */
static int cx_pool_add(cx_pool_list *l, const score_engine *eng, const cJSON *rules, char *id, cJSON *def,
		       int stage, int64_t stage_ms, char **err)
{
	score_question *sq = NULL;
	char *e = NULL;
	contest_pool_item *it = NULL;
	int rc = id && def ? score_compile(eng, def, rules, &sq, &e) : SCORE_E_NOMEM;
	if (rc == SCORE_OK && !(it = cx_pool_push(l)))
		rc = SCORE_E_NOMEM;
	if (rc != SCORE_OK) {
		if (err && rc != SCORE_E_NOMEM)
			*err = cx_asprintf("%s: %s", id, e ? e : score_strerror(rc, "en"));
		free(e);
		free(id);
		cJSON_Delete(def);
		score_question_free(sq);
		return rc;
	}
	free(e);
	it->q.id = id;
	it->q.def = def;
	it->q.compiled = sq;
	it->q.time_limit_ms = cx_pool_limit(def, stage_ms);
	it->q.stage = stage;
	it->qid = id;
	it->category = "";
	return 0;
}

/* The candidates of a stage's blueprint, each once. */
static int cx_pool_paper(cx_pool_list *l, const contest_def *c, const score_engine *eng, const cJSON *rules,
			 size_t si, char **err)
{
	const contest_stage *st = &c->stages[si];
	size_t cap = cx_blueprint_npool(st->paper) + 1;
	int *banks = cx_malloc(cap * sizeof *banks), *qs = cx_malloc(cap * sizeof *qs), rc = 0;
	long n = banks && qs ? cx_blueprint_candidates(st->paper, banks, qs) : -1;
	if (n < 0)
		rc = SCORE_E_NOMEM;
	for (long i = 0; i < n && !rc; i++) {
		const cx_bank *b = &c->banks->v[banks[i]];
		const cx_bank_item *bit = &b->items[qs[i]];
		char *id = cx_asprintf("%s.%s", b->alias, bit->id);
		if (id && cx_pool_has(l, id)) {
			free(id);
			continue;
		}
		cx cc = {0}; /* only to tell that memory ran out */
		cJSON *def = cJSON_Duplicate(bit->q, true);
		if (def && !cx_jset(&cc, def, "id", cJSON_CreateString(id ? id : ""))) {
			cJSON_Delete(def);
			def = NULL;
		}
		if ((rc = cx_pool_add(l, eng, rules, id, def, (int)si, st->time_limit_ms, err)))
			break;
		contest_pool_item *it = &l->v[l->n - 1];
		const cJSON *bid = cJSON_GetObjectItemCaseSensitive(b->b->root, "id");
		it->bank = cJSON_IsString(bid) ? bid->valuestring : b->alias;
		it->qid = bit->id;
		it->category = bit->category ? bit->category : "";
		it->category_title = cx_category_title(b->b->root, it->category);
	}
	free(banks);
	free(qs);
	return rc;
}

int contest_pool_build(const contest_def *c, const score_engine *eng, contest_pool **out, char **err)
{
	cx_pool_list l = {0};
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(c->root, "scoring");
	int rc = 0;
	*out = NULL;
	for (size_t si = 0; si < c->nstages && !rc; si++) {
		const contest_stage *st = &c->stages[si];
		if (strcmp(st->kind, "quiz") != 0)
			continue;
		if (st->paper) {
			rc = cx_pool_paper(&l, c, eng, rules, si, err);
			continue;
		}
		for (size_t i = st->first; i < st->first + st->count && !rc; i++) {
			const contest_question *src = &c->questions[i];
			if (cx_pool_has(&l, src->id))
				continue;
			rc = cx_pool_add(&l, eng, rules, cx_strdup(src->id), cJSON_Duplicate(src->def, true),
					 (int)si, st->time_limit_ms, err);
		}
	}
	contest_pool *p = rc ? NULL : cx_malloc(sizeof *p);
	if (!rc && !p)
		rc = SCORE_E_NOMEM;
	if (rc) {
		contest_pool tmp = {l.v, l.n};
		for (size_t i = 0; i < tmp.n; i++) {
			free(tmp.items[i].q.id);
			cJSON_Delete(tmp.items[i].q.def);
			score_question_free(tmp.items[i].q.compiled);
		}
		free(tmp.items);
		return rc;
	}
	p->items = l.v;
	p->n = l.n;
	*out = p;
	return 0;
}

void contest_pool_free(contest_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].q.id);
		cJSON_Delete(p->items[i].q.def);
		score_question_free(p->items[i].q.compiled);
	}
	free(p->items);
	free(p);
}
