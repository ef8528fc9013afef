/*
 * paper.c - the questions of a self-paced contest (exam, practice, mass).
 *
 * When such a contest is made (run_new), its question pool
 * (contest_pool_build: every question a paper may hold, unshuffled,
 * compiled once) is prepared here: each question's public message, key,
 * explanation, notebook key and category. A participant's paper is drawn
 * with contests/'s contest_paper_draw on libuv's thread pool (it compiles
 * what it draws) and kept as pool ids plus each question's option order:
 * the shown option i of a question is pool option perm[i], found by
 * comparing the drawn (shuffled) copy's options with the pool question's.
 * Serving maps options to the shown order, scoring maps the response back,
 * so every paper of the contest shares the pool's compiled questions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "contest.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/paper.h"
#include "live/run.h"
#include "results.h"

/* ------------------------------------------------------------ the pool */

cJSON *paper_langmap(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "zh-CN", v->valuestring);
		return m;
	}
	return v ? cJSON_Duplicate(v, 1) : NULL;
}

typedef struct id_idx {
	const char *id;
	int i;
} id_idx;

static int by_id_cmp(const void *a, const void *b)
{
	return strcmp(((const id_idx *)a)->id, ((const id_idx *)b)->id);
}

/* pp->by_id and by_key: the questions' indexes in id order, in notebook key order. */
static int sort_ids(paper_pool *pp)
{
	id_idx *t = calloc((size_t)pp->n + 1, sizeof *t);
	if (!t)
		return SA_E_INTERNAL;
	for (int by_key = 0; by_key < 2; by_key++) {
		for (int i = 0; i < pp->n; i++)
			t[i] = (id_idx){by_key ? pp->qs[i].qkey : pp->qs[i].it->q.id, i};
		qsort(t, (size_t)pp->n, sizeof *t, by_id_cmp);
		for (int i = 0; i < pp->n; i++)
			(by_key ? pp->by_key : pp->by_id)[i] = t[i].i;
	}
	free(t);
	return 0;
}

static int find_in(const paper_pool *pp, const int *index, int by_key, const char *s)
{
	int lo = 0, hi = pp->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2, k = index[mid];
		int c = strcmp(by_key ? pp->qs[k].qkey : pp->qs[k].it->q.id, s);
		if (!c)
			return k;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int paper_find(const paper_pool *pp, const char *id) { return find_in(pp, pp->by_id, 0, id); }

int paper_find_key(const paper_pool *pp, const char *qkey) { return find_in(pp, pp->by_key, 1, qkey); }

static int prepare_q(crun *r, paper_q *q, const contest_pool_item *it)
{
	const char *type = score_question_type(it->q.compiled);
	cJSON *m = cJSON_CreateObject();
	if (!m)
		return SA_E_INTERNAL;
	q->it = it;
	cJSON_AddStringToObject(m, "id", it->q.id);
	cJSON_AddStringToObject(m, "qtype", type);
	cJSON_AddItemToObject(m, "text", paper_langmap(cJSON_GetObjectItemCaseSensitive(it->q.def, "text")));
	score_public_fields(it->q.compiled, m);
	q->max_milli = score_question_max_milli(it->q.compiled);
	cJSON_AddNumberToObject(m, "points", (double)q->max_milli / 1000.0);
	q->public_msg = m;
	q->key = score_reveal_answer(it->q.compiled);
	q->explanation = paper_langmap(cJSON_GetObjectItemCaseSensitive(it->q.def, "explanation"));
	q->shuffles = !strcmp(type, "single_choice") || !strcmp(type, "multiple_choice");
	q->noptions = score_question_noptions(it->q.compiled);
	if (q->noptions > PAPER_MAX_OPTIONS)
		q->shuffles = 0;
	size_t kl = strlen(it->bank ? it->bank : r->code) + strlen(it->qid) + 2;
	if (!(q->qkey = malloc(kl)))
		return SA_E_INTERNAL;
	snprintf(q->qkey, kl, "%s/%s", it->bank ? it->bank : r->code, it->qid);
	return q->key ? 0 : SA_E_INTERNAL;
}

/* Categories in the order first met; their question lists. */
static int prepare_cats(paper_pool *pp)
{
	if (!(pp->cats = calloc((size_t)pp->n + 1, sizeof *pp->cats)))
		return SA_E_INTERNAL;
	for (int i = 0; i < pp->n; i++) {
		const contest_pool_item *it = pp->qs[i].it;
		int k = 0;
		while (k < pp->ncats && strcmp(pp->cats[k].id, it->category))
			k++;
		if (k == pp->ncats) {
			pp->cats[k].id = it->category;
			pp->cats[k].title = it->category_title;
			if (!(pp->cats[k].idx = calloc((size_t)pp->n, sizeof(int))))
				return SA_E_INTERNAL;
			pp->ncats++;
		}
		pp->cats[k].idx[pp->cats[k].n++] = i;
		pp->qs[i].cat = k;
	}
	return 0;
}

/* The mode's settings, for joined.contest (docs/protocol.md). */
static void add_info(crun *r, paper_pool *pp)
{
	const contest_def *d = r->def;
	cJSON *info = r->info;
	cJSON_ReplaceItemInObjectCaseSensitive(
		info, "question_count",
		cJSON_CreateNumber(r->mode == MODE_PRACTICE ? pp->n : pp->paper_count));
	if (pp->duration_ms) {
		cJSON *w = cJSON_AddObjectToObject(info, "window");
		cJSON_AddNumberToObject(w, "opens", (double)pp->opens_ms);
		cJSON_AddNumberToObject(w, "closes", (double)pp->closes_ms);
		cJSON_AddNumberToObject(w, "duration_ms", (double)pp->duration_ms);
	}
	if (r->mode == MODE_PRACTICE) {
		cJSON *cats = cJSON_AddArrayToObject(info, "categories");
		for (int k = 0; k < pp->ncats; k++) {
			cJSON *c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "id", pp->cats[k].id);
			if (pp->cats[k].title)
				cJSON_AddItemToObject(c, "title", paper_langmap(pp->cats[k].title));
			else
				cJSON_AddNullToObject(c, "title");
			cJSON_AddNumberToObject(c, "questions", pp->cats[k].n);
			cJSON_AddItemToArray(cats, c);
		}
		cJSON *nb = cJSON_AddObjectToObject(info, "notebook");
		cJSON_AddNumberToObject(nb, "leave_after", d->notebook_leave_after);
		return;
	}
	cJSON *at = cJSON_AddObjectToObject(info, "attempts");
	cJSON_AddNumberToObject(at, "max", d->attempts_max);
	cJSON_AddNumberToObject(at, "per_day", d->attempts_per_day);
	cJSON_AddStringToObject(at, "counts", d->attempts_last ? "last" : "best");
	cJSON_AddStringToObject(info, "show_results", d->show_results ? d->show_results : "submit");
	cJSON_AddBoolToObject(info, "show_key", d->show_key);
	cJSON_AddBoolToObject(info, "show_score", d->show_score);
	cJSON_AddStringToObject(info, "time_zone", d->time_zone ? d->time_zone : "Asia/Shanghai");
}

int paper_pool_open(crun *r)
{
	paper_pool *pp = calloc(1, sizeof *pp);
	char *err = NULL;
	if (!pp)
		return SA_E_INTERNAL;
	r->pool = pp;
	if (contest_pool_build(r->def, r->a->eng, &pp->pool, &err)) {
		sa_log(LL_ERROR, "contest %s: its question pool cannot be built: %s", r->code,
		       err ? err : "?");
		free(err);
		return SA_E_INTERNAL;
	}
	pp->n = (int)pp->pool->n;
	pp->qs = calloc((size_t)pp->n + 1, sizeof *pp->qs);
	pp->by_id = calloc((size_t)pp->n + 1, sizeof *pp->by_id);
	pp->by_key = calloc((size_t)pp->n + 1, sizeof *pp->by_key);
	if (!pp->qs || !pp->by_id || !pp->by_key)
		return SA_E_INTERNAL;
	for (int i = 0; i < pp->n; i++)
		if (prepare_q(r, &pp->qs[i], &pp->pool->items[i]))
			return SA_E_INTERNAL;
	if (sort_ids(pp) || prepare_cats(pp))
		return SA_E_INTERNAL;
	pp->paper_count = (int)r->def->nquestions;
	pp->opens_ms = r->def->opens_at * 1000;
	pp->closes_ms = r->def->closes_at * 1000;
	pp->duration_ms = r->def->duration_ms;
	/* A small file read once per contest (docs/contests.md: a zone the machine has). */
	if (results_tz_load(r->def->time_zone, &pp->tz)) {
		sa_log(LL_ERROR, "contest %s: unknown time zone '%s'", r->code,
		       r->def->time_zone ? r->def->time_zone : "");
		return SA_E_INTERNAL;
	}
	add_info(r, pp);
	return 0;
}

void paper_day(const crun *r, int64_t ms, char day[11])
{
	int64_t d = 0;
	int y, m, dd;
	if (!r->pool || results_tz_day(r->pool->tz, ms, &d))
		d = (ms + 8 * 3600000LL) / 86400000LL; /* China time, should the zone have no rule that far */
	results_civil_from_days(d, &y, &m, &dd);
	snprintf(day, 11, "%04d-%02d-%02d", y, m, dd);
}

void paper_pool_close(crun *r)
{
	paper_pool *pp = r->pool;
	if (!pp)
		return;
	if (pp->mass && pp->mass_free)
		pp->mass_free(pp->mass);
	for (int i = 0; pp->qs && i < pp->n; i++) {
		cJSON_Delete(pp->qs[i].public_msg);
		cJSON_Delete(pp->qs[i].key);
		cJSON_Delete(pp->qs[i].explanation);
		free(pp->qs[i].qkey);
	}
	for (int k = 0; pp->cats && k < pp->ncats; k++)
		free(pp->cats[k].idx);
	free(pp->cats);
	free(pp->qs);
	free(pp->by_id);
	free(pp->by_key);
	contest_pool_free(pp->pool);
	results_tz_free(pp->tz);
	free(pp);
	r->pool = NULL;
}

/* ------------------------------------------------------------ drawing */

typedef struct draw_job {
	uv_work_t work;
	crun *r;
	char key[48];
	paper_drawn_cb done;
	void *ud;
	/* out */
	char *json;
	uint64_t seed;
	int count;
	int64_t max_milli;
} draw_job;

/* The pool order of a drawn copy's options: perm[i] = the pool option shown at i. */
static int drawn_perm(const paper_q *q, const cJSON *drawn, unsigned char *perm)
{
	const cJSON *pool_opts = cJSON_GetObjectItemCaseSensitive(q->it->q.def, "options");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(drawn, "options");
	int n = cJSON_GetArraySize(opts), used[PAPER_MAX_OPTIONS] = {0}, identity = 1;
	if (n != q->noptions || n != cJSON_GetArraySize(pool_opts))
		return -1;
	for (int i = 0; i < n; i++) {
		const cJSON *o = cJSON_GetArrayItem(opts, i);
		int k = 0;
		while (k < n && (used[k] || !cJSON_Compare(o, cJSON_GetArrayItem(pool_opts, k), 1)))
			k++;
		if (k == n)
			return -1;
		used[k] = 1;
		perm[i] = (unsigned char)k;
		identity &= k == i;
	}
	return identity ? 0 : n;
}

/* On the thread pool: the draw, and its stored form. */
static void draw_work(uv_work_t *w)
{
	draw_job *j = w->data;
	crun *r = j->r;
	const paper_pool *pp = r->pool;
	contest_paper *cp = NULL;
	char *err = NULL;
	if (contest_paper_draw(r->def, r->a->eng, j->key, &cp, &err)) {
		free(err);
		return;
	}
	cJSON *arr = cJSON_CreateArray();
	int ok = arr != NULL;
	for (size_t i = 0; ok && i < cp->nquestions; i++) {
		const contest_question *dq = &cp->questions[i];
		int k = paper_find(pp, dq->id);
		unsigned char perm[PAPER_MAX_OPTIONS];
		int np = k >= 0 && pp->qs[k].shuffles ? drawn_perm(&pp->qs[k], dq->def, perm) : 0;
		cJSON *e = cJSON_CreateObject();
		if (k < 0 || np < 0 || !e) {
			cJSON_Delete(e);
			ok = 0;
			break;
		}
		cJSON_AddStringToObject(e, "q", dq->id);
		if (np) {
			cJSON *p = cJSON_AddArrayToObject(e, "p");
			for (int o = 0; o < np; o++)
				cJSON_AddItemToArray(p, cJSON_CreateNumber(perm[o]));
		}
		cJSON_AddItemToArray(arr, e);
		j->max_milli += pp->qs[k].max_milli;
		j->count++;
	}
	j->seed = cp->seed;
	if (ok)
		j->json = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	contest_paper_free(cp);
}

static void draw_done(uv_work_t *w, int status)
{
	draw_job *j = w->data;
	if (status || !j->json)
		sa_log(LL_WARN, "contest %s: paper %s could not be drawn", j->r->code, j->key);
	j->done(j->r, status ? NULL : j->json, j->seed, j->count, j->max_milli, j->ud);
	if (status)
		cJSON_free(j->json);
	free(j);
}

int paper_draw(crun *r, int64_t pid, int attempt_no, paper_drawn_cb done, void *ud)
{
	draw_job *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	j->r = r;
	j->done = done;
	j->ud = ud;
	if (attempt_no <= 1)
		snprintf(j->key, sizeof j->key, "%lld", (long long)pid);
	else
		snprintf(j->key, sizeof j->key, "%lld/%d", (long long)pid, attempt_no);
	j->work.data = j;
	if (uv_queue_work(r->a->loop, &j->work, draw_work, draw_done)) {
		free(j);
		return SA_E_INTERNAL;
	}
	return 0;
}

/* ------------------------------------------------------------ a paper */

void paper_free(paper *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		free(p->s[i].perm);
	free(p->s);
	free(p);
}

/* One stored entry: its pool question and option order. */
static int parse_slot(const paper_pool *pp, const cJSON *e, paper_slot *s)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(e, "q");
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(e, "p");
	if (!cJSON_IsString(q) || (s->q = paper_find(pp, q->valuestring)) < 0)
		return -1;
	if (!pa)
		return 0;
	const paper_q *pq = &pp->qs[s->q];
	int n = cJSON_GetArraySize(pa), seen[PAPER_MAX_OPTIONS] = {0};
	if (!cJSON_IsArray(pa) || !pq->shuffles || n != pq->noptions || !(s->perm = malloc((size_t)n)))
		return -1;
	for (int i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetArrayItem(pa, i);
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble >= n || seen[v->valueint])
			return -1;
		seen[v->valueint] = 1;
		s->perm[i] = (unsigned char)v->valueint;
	}
	s->nperm = n;
	return 0;
}

paper *paper_parse(const paper_pool *pp, const char *json)
{
	cJSON *arr = json ? cJSON_Parse(json) : NULL;
	paper *p = calloc(1, sizeof *p);
	int n = cJSON_GetArraySize(arr), ok = p && cJSON_IsArray(arr) && n > 0;
	if (ok && !(p->s = calloc((size_t)n, sizeof *p->s)))
		ok = 0;
	if (ok)
		p->n = n; /* slots start empty: paper_free frees what parse_slot made */
	for (int i = 0; ok && i < n; i++) {
		ok = !parse_slot(pp, cJSON_GetArrayItem(arr, i), &p->s[i]);
		if (ok)
			p->max_milli += pp->qs[p->s[i].q].max_milli;
	}
	cJSON_Delete(arr);
	if (!ok) {
		sa_log(LL_WARN, "a stored paper is malformed or names a question the contest no longer has");
		paper_free(p);
		return NULL;
	}
	return p;
}

cJSON *paper_question(const paper_pool *pp, const paper *p, int i)
{
	const paper_slot *s = &p->s[i];
	cJSON *m = cJSON_Duplicate(pp->qs[s->q].public_msg, 1);
	if (!m)
		return NULL;
	cJSON_AddNumberToObject(m, "index", i);
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(m, "options");
	if (s->nperm && cJSON_GetArraySize(opts) == s->nperm) {
		cJSON *shown = cJSON_CreateArray();
		for (int k = 0; k < s->nperm; k++)
			cJSON_AddItemToArray(shown, cJSON_Duplicate(cJSON_GetArrayItem(opts, s->perm[k]), 1));
		cJSON_ReplaceItemInObjectCaseSensitive(m, "options", shown);
	}
	return m;
}

/* An option index as the pool reads it: shown k is pool perm[k]. */
static cJSON *map_index(const paper_slot *s, const cJSON *v, int to_pool)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)v->valueint || v->valueint < 0 ||
	    v->valueint >= s->nperm)
		return cJSON_Duplicate(v, 1);
	if (to_pool)
		return cJSON_CreateNumber(s->perm[v->valueint]);
	for (int k = 0; k < s->nperm; k++)
		if (s->perm[k] == v->valueint)
			return cJSON_CreateNumber(k);
	return cJSON_Duplicate(v, 1);
}

/* A choice response or key mapped one way or the other (an index, or an array of them). */
static cJSON *map_choice(const paper_slot *s, const cJSON *v, int to_pool)
{
	if (!s->nperm || !v)
		return v ? cJSON_Duplicate(v, 1) : NULL;
	if (!cJSON_IsArray(v))
		return map_index(s, v, to_pool);
	cJSON *out = cJSON_CreateArray(), *e;
	cJSON_ArrayForEach(e, v) cJSON_AddItemToArray(out, map_index(s, e, to_pool));
	return out;
}

cJSON *paper_to_pool(const paper_pool *pp, const paper *p, int i, const cJSON *shown)
{
	(void)pp;
	return map_choice(&p->s[i], shown, 1);
}

/* Sorted, as keys of multiple choice questions are shown. */
static void sort_numbers(cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0; k--) {
			cJSON *a = cJSON_GetArrayItem(arr, k - 1), *b = cJSON_GetArrayItem(arr, k);
			if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) || a->valuedouble <= b->valuedouble)
				break;
			double t = a->valuedouble;
			cJSON_SetNumberValue(a, b->valuedouble);
			cJSON_SetNumberValue(b, t);
		}
}

cJSON *paper_key_shown(const paper_pool *pp, const paper *p, int i)
{
	cJSON *k = map_choice(&p->s[i], pp->qs[p->s[i].q].key, 0);
	if (cJSON_IsArray(k))
		sort_numbers(k);
	return k;
}
