/*
 * stage.c - the stages of a contest, their questions, and the rounds.
 *
 * A contest plays its stages in order (theory, practical, final, ...); a
 * file without "stages" has one, "main", made of the top-level "questions"
 * or "paper". A quiz stage holds inline questions, each checked and
 * compiled here (question.c), or a paper drawn from the contest's banks by
 * a blueprint (blueprint.c); a judged stage holds tasks scored by judges.
 * The fields of a stage are the rows of cx_stage_fields[] (as the contest's
 * are in contest.c). Rounds group stages, and a qualifying round lets its
 * top N advance. contest_paper_draw() builds one participant's paper: the
 * drawn stages drawn with the participant's seed, the inline ones as they
 * are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

#define CX_MAX_QUESTIONS 1000
#define CX_MAX_STAGES 16
#define CX_MAX_ROUNDS 8

static const char *const cx_round_fields[] = {"id", "title", "stages", "advance", NULL};
static const char *const cx_advance_fields[] = {"top", NULL};

static bool cx_en(const cx *c) { return c->lang && strcmp(c->lang, "en") == 0; }

/* Question types a stage kind may hold: judged stages hold only "judged" tasks. */
static bool cx_kind_allows(const char *kind, const char *type)
{
	bool judged_type = type && strcmp(type, "judged") == 0;
	return strcmp(kind, "judged") == 0 ? judged_type : !judged_type;
}

/* ---- question lists ---- */

/* A new zeroed question at the end of l; NULL (c marked) when memory runs out. */
static contest_question *cx_qlist_push(cx *c, cx_qlist *l)
{
	if (!cx_grow(c, &l->v, &l->cap, l->n + 1, sizeof *l->v))
		return NULL;
	contest_question *q = &l->v[l->n++];
	memset(q, 0, sizeof *q);
	return q;
}

void cx_questions_free(contest_question *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		cJSON_Delete(v[i].def);
		score_question_free(v[i].compiled);
	}
	free(v);
}

static int64_t cx_limit_ms(const cJSON *q, int64_t stage_ms)
{
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(q, "time_limit_s");
	if (cJSON_IsNumber(tl) && tl->valuedouble >= 1)
		return (int64_t)tl->valuedouble * 1000;
	return stage_ms;
}

/* Appends q (taken: added or deleted) compiled as sq (taken) to l. */
static void cx_qlist_add(cx *c, cx_qlist *l, char *id, cJSON *q, score_question *sq, int stage, int64_t ms)
{
	contest_question *cq = id && q ? cx_qlist_push(c, l) : NULL;
	if (!cq) {
		if (!id || !q)
			cx_oom(c);
		free(id);
		cJSON_Delete(q);
		score_question_free(sq);
		return;
	}
	cq->id = id;
	cq->def = q;
	cq->compiled = sq;
	cq->time_limit_ms = cx_limit_ms(q, ms);
	cq->stage = stage;
}

/* Compiles a drawn question (taken; already checked in its bank) with the contest's rules. */
static void cx_add_drawn(cx *c, cx_qlist *l, cJSON *q, const char *alias, int stage, int64_t stage_ms,
			 const cJSON *rules, const char *path)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, "id");
	char *nid = cx_printf(c, "%s.%s", alias, cJSON_GetStringValue(id) ? id->valuestring : "?");
	if (!nid || !cx_jset(c, q, "id", cJSON_CreateString(nid))) {
		free(nid);
		cJSON_Delete(q);
		return;
	}
	score_question *sq = NULL;
	char *err = NULL;
	int rc = score_compile(c->eng, q, rules, &sq, &err);
	if (rc == SCORE_E_NOMEM)
		cx_oom(c);
	else if (rc != SCORE_OK)
		cx_err(c, path, CXM_COMPILE, err ? err : score_strerror(rc, c->lang));
	free(err);
	if (rc != SCORE_OK) {
		free(nid);
		cJSON_Delete(q);
		return;
	}
	cx_qlist_add(c, l, nid, q, sq, stage, stage_ms);
}

/* Draws a paper for participant and appends its questions to l. */
static size_t cx_draw_into(cx *c, cx_qlist *l, const contest_def *def, size_t si, const cJSON *rules,
			   const char *participant, const char *path)
{
	const contest_stage *st = &def->stages[si];
	size_t total = cx_blueprint_total(st->paper);
	cJSON **qs = cx_alloc(c, sizeof *qs * (total ? total : 1));
	const char **alias = cx_alloc(c, sizeof *alias * (total ? total : 1));
	size_t got = qs && alias ? cx_blueprint_draw(c, st->paper, def->banks, participant, qs, alias) : 0;
	for (size_t i = 0; i < got; i++)
		cx_add_drawn(c, l, qs[i], alias[i], (int)si, st->time_limit_ms, rules, path);
	free(qs);
	free(alias);
	return got;
}

/* ---- one stage ---- */

typedef struct cx_stage_ctx {
	cx_load *ld;
	size_t si, nstages;
	const cJSON *obj;
	const char *path; /* "$.stages[1]" */
	bool weight_ok;
} cx_stage_ctx;

static void cx_set_stage_id(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	const contest_def *def = s->ld->def;
	if (!v || !cx_id(c, v, path))
		return;
	def->stages[s->si].id = cx_dup(c, v->valuestring);
	for (size_t j = 0; j < s->si; j++)
		if (def->stages[j].id && strcmp(def->stages[j].id, v->valuestring) == 0) {
			char fp[CX_PATH_MAX];
			cx_err(c, path, CXM_DUP_ID, v->valuestring, cx_idx(fp, "$.stages", (int)j));
		}
}

static void cx_set_stage_title(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	s->ld->def->stages[s->si].title = v;
}

static void cx_set_stage_kind(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	if (!v)
		return;
	if (!cJSON_IsString(v))
		cx_err(c, path, CXM_WANT_STRING);
	else if (strcmp(v->valuestring, "quiz") != 0 && strcmp(v->valuestring, "judged") != 0)
		cx_err(c, path, CXM_STAGE_KIND, v->valuestring);
	else
		s->ld->def->stages[s->si].kind = strcmp(v->valuestring, "judged") == 0 ? "judged" : "quiz";
}

static void cx_set_stage_weight(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	contest_stage *st = &s->ld->def->stages[s->si];
	s->weight_ok = v || (!val->given && s->nstages == 1);
	if (!val->given && s->nstages > 1)
		cx_err(c, s->path, CXM_MISSING, "weight");
	st->weight = v ? val->d : s->nstages == 1 ? 100 : 0;
}

static void cx_set_stage_limit(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	if (v)
		s->ld->def->stages[s->si].time_limit_ms = val->i * 1000;
}

static void cx_set_stage_duration(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	if (v)
		s->ld->def->stages[s->si].duration_ms = val->i * 60000;
}

static void cx_stage_inline(cx *c, cx_load *ld, size_t si, const cJSON *qs, const char *qpath);
static void cx_stage_paper(cx *c, cx_load *ld, size_t si, const cJSON *paper, const char *ppath);

/* The items of a stage: its "questions" or its "paper", one of them. */
static void cx_set_stage_items(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_stage_ctx *s = ctx;
	char p[CX_PATH_MAX];
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(s->obj, "questions");
	const cJSON *paper = cJSON_GetObjectItemCaseSensitive(s->obj, "paper");
	if (qs && paper)
		cx_err(c, s->path, CXM_EXCLUSIVE, "questions", "paper");
	else if (!qs && !paper)
		cx_err(c, s->path, CXM_NEED_ONE_OF, "questions", "paper");
	else if (qs)
		cx_stage_inline(c, s->ld, s->si, qs, cx_key(p, s->path, "questions"));
	else
		cx_stage_paper(c, s->ld, s->si, paper, cx_key(p, s->path, "paper"));
}

static const cx_field cx_stage_fields[] = {
	{"id", true, CXK_ANY, 0, 0, false, cx_set_stage_id},
	{"title", true, CXK_LANGMAP, 0, 200, false, cx_set_stage_title},
	{"description", false, CXK_LANGMAP, 0, 4000, true, NULL},
	{"kind", false, CXK_ANY, 0, 0, false, cx_set_stage_kind},
	{"weight", false, CXK_NUMBER, 0, 100, false, cx_set_stage_weight},
	{"time_limit_s", false, CXK_INT, 1, 3600, false, cx_set_stage_limit},
	{"duration_min", false, CXK_INT, 1, 24 * 60, false, cx_set_stage_duration},
	{"questions", false, CXK_ANY, 0, 0, false, NULL},
	{"paper", false, CXK_ANY, 0, 0, false, cx_set_stage_items},
};

/* Inline questions of one stage: check, compile, append. */
static void cx_stage_inline(cx *c, cx_load *ld, size_t si, const cJSON *qs, const char *qpath)
{
	contest_stage *st = &ld->def->stages[si];
	bool judged = strcmp(st->kind, "judged") == 0;
	cx_qlist *l = judged ? &ld->tl : &ld->ql;
	st->first = l->n;
	if (!cJSON_IsArray(qs)) {
		cx_err(c, qpath, CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(qs);
	if (n == 0)
		cx_err(c, qpath, CXM_NO_QUESTIONS);
	if (n > CX_MAX_QUESTIONS) {
		cx_err(c, qpath, CXM_TOO_MANY, CX_MAX_QUESTIONS);
		return;
	}
	cx_question_ids(c, qs, qpath);
	cx_qopts o = {.bank = false, .rules = ld->rules};
	int i = 0;
	const cJSON *q;
	cJSON_ArrayForEach(q, qs)
	{
		char p[CX_PATH_MAX], tp[CX_PATH_MAX];
		cx_idx(p, qpath, i++);
		score_question *sq = cx_question(c, q, p, &o);
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "type"));
		if (type && !cx_kind_allows(st->kind, type))
			cx_err(c, cx_key(tp, p, "type"), CXM_KIND_TYPE, st->kind, type);
		if (sq)
			cx_qlist_add(
				c, l,
				cx_dup(c, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "id"))),
				cJSON_Duplicate(q, true), sq, (int)si, st->time_limit_ms);
	}
	st->count = l->n - st->first;
}

/* Every candidate of a paper must compile with the contest's rules. */
static void cx_paper_candidates(cx *c, const cx_load *ld, const contest_stage *st)
{
	const struct contest_banks *bs = ld->def->banks;
	for (size_t b = 0; ld->rules && b < bs->n; b++) {
		const cx_bank *bk = &bs->v[b];
		for (size_t k = 0; k < bk->n; k++) {
			/* judged tasks in a bank are simply never drawn by quiz rules */
			if (!cx_kind_allows(st->kind, bk->items[k].type))
				continue;
			score_question *sq = NULL;
			char *err = NULL;
			int rc = score_compile(c->eng, bk->items[k].q, ld->rules, &sq, &err);
			if (rc == SCORE_E_NOMEM) {
				cx_oom(c);
			} else if (rc != SCORE_OK) {
				char p[CX_PATH_MAX];
				snprintf(p, sizeof p, "$.banks.%s -> questions[%zu]", bk->alias, k);
				cx_err(c, p, CXM_COMPILE, err ? err : score_strerror(rc, c->lang));
			}
			free(err);
			score_question_free(sq);
		}
	}
}

static void cx_stage_paper(cx *c, cx_load *ld, size_t si, const cJSON *paper, const char *ppath)
{
	contest_def *def = ld->def;
	contest_stage *st = &def->stages[si];
	st->first = ld->ql.n;
	if (strcmp(st->kind, "judged") == 0) {
		cx_err(c, ppath, CXM_KIND_TYPE, "judged", "paper");
		return;
	}
	if (!def->banks || def->banks->n == 0) {
		/* banks given but broken have been reported already */
		if (!cJSON_GetObjectItemCaseSensitive(def->root, "banks"))
			cx_err(c, "$", CXM_MISSING, "banks");
		return;
	}
	char *seed = cx_printf(c, "%s/%s", def->seed ? def->seed : "", st->id ? st->id : "");
	if (!seed)
		return;
	st->paper = cx_blueprint_build(c, paper, ppath, def->banks, ld->live, seed);
	free(seed);
	if (!st->paper)
		return;
	cx_paper_candidates(c, ld, st);
	cx_draw_into(c, &ld->ql, def, si, ld->rules, "", ppath);
	st->count = ld->ql.n - st->first;
}

/* The one stage of a contest without "stages". */
static void cx_implicit_stage(cx *c, cx_load *ld, const cJSON *qs, const cJSON *paper)
{
	contest_stage *st = &ld->def->stages[0];
	st->id = cx_dup(c, "main");
	st->title = cJSON_GetObjectItemCaseSensitive(ld->root, "title");
	st->weight = 100;
	if (qs)
		cx_stage_inline(c, ld, 0, qs, "$.questions");
	else
		cx_stage_paper(c, ld, 0, paper, "$.paper");
}

void cx_set_stages(cx *c, const cJSON *stages, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(ld->root, "questions");
	const cJSON *paper = cJSON_GetObjectItemCaseSensitive(ld->root, "paper");
	int given = !!stages + !!qs + !!paper;
	if (given != 1) {
		if (given == 0)
			cx_err(c, "$", CXM_NEED_ONE_OF, "questions", "paper/stages");
		else
			cx_err(c, "$", CXM_EXCLUSIVE, stages ? "stages" : "questions",
			       paper ? "paper" : "questions");
		return;
	}
	size_t n = stages ? (size_t)cJSON_GetArraySize(stages) : 1;
	if (stages && (!cJSON_IsArray(stages) || n == 0)) {
		cx_err(c, path, CXM_WANT_ARRAY);
		return;
	}
	if (n > CX_MAX_STAGES) {
		cx_err(c, path, CXM_TOO_MANY, CX_MAX_STAGES);
		return;
	}
	if (!(def->stages = cx_alloc(c, n * sizeof *def->stages)))
		return;
	def->nstages = n;
	for (size_t i = 0; i < n; i++) {
		def->stages[i].round = -1;
		def->stages[i].time_limit_ms = ld->limit_ms;
		def->stages[i].kind = "quiz";
	}
	if (!stages) {
		cx_implicit_stage(c, ld, qs, paper);
		return;
	}
	double wsum = 0;
	bool wok = true;
	size_t i = 0;
	const cJSON *so;
	cJSON_ArrayForEach(so, stages)
	{
		char sp[CX_PATH_MAX];
		cx_stage_ctx s = {
			.ld = ld, .si = i, .nstages = n, .obj = so, .path = cx_idx(sp, "$.stages", (int)i)};
		if (!cJSON_IsObject(so)) {
			cx_err(c, sp, CXM_NOT_OBJECT);
			wok = false;
		} else {
			cx_check_fields(c, so, sp, cx_stage_fields,
					sizeof cx_stage_fields / sizeof cx_stage_fields[0], &s);
			wok &= s.weight_ok;
		}
		wsum += def->stages[i++].weight;
	}
	if (wok && (wsum < 99.999 || wsum > 100.001))
		cx_err(c, path, CXM_WEIGHTS_SUM, wsum);
}

/* ---- rounds ---- */

/* The stages of round i: each a known stage of no other round. */
static void cx_round_stages(cx *c, contest_def *def, int i, const cJSON *sts, const char *sp)
{
	int k = 0;
	const cJSON *s;
	cJSON_ArrayForEach(s, sts)
	{
		char p[CX_PATH_MAX];
		cx_idx(p, sp, k++);
		if (!cJSON_IsString(s)) {
			cx_err(c, p, CXM_WANT_STRING);
			continue;
		}
		bool found = false;
		for (size_t j = 0; j < def->nstages && !found; j++)
			if (def->stages[j].id && strcmp(def->stages[j].id, s->valuestring) == 0) {
				found = true;
				if (def->stages[j].round >= 0)
					cx_err(c, p, CXM_STAGE_REUSED, s->valuestring);
				else
					def->stages[j].round = i;
			}
		if (!found)
			cx_err(c, p, CXM_UNKNOWN_REF, cx_en(c) ? "stage" : "阶段", s->valuestring);
	}
}

/* "advance": {"top": N}, on every round but the last. */
static void cx_round_advance(cx *c, contest_round *cr, const cJSON *r, const char *rp, bool last)
{
	char p[CX_PATH_MAX], tp[CX_PATH_MAX];
	const cJSON *adv = cJSON_GetObjectItemCaseSensitive(r, "advance");
	long long top;
	cx_key(p, rp, "advance");
	if (adv && last) {
		cx_err(c, p, CXM_LAST_ROUND_ADVANCE);
	} else if (!adv && !last) {
		cx_err(c, rp, CXM_ROUND_ADVANCE);
	} else if (adv && !cJSON_IsObject(adv)) {
		cx_err(c, p, CXM_NOT_OBJECT);
	} else if (adv) {
		cx_fields(c, adv, p, cx_advance_fields);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(adv, "top");
		if (!t)
			cx_err(c, p, CXM_MISSING, "top");
		else if (cx_int(c, t, cx_key(tp, p, "top"), 1, 100000, &top))
			cr->advance_top = (int)top;
	}
}

static void cx_round(cx *c, contest_def *def, int i, int n, const cJSON *r)
{
	char p[CX_PATH_MAX], rp[CX_PATH_MAX], sp[CX_PATH_MAX];
	contest_round *cr = &def->rounds[i];
	cx_idx(rp, "$.rounds", i);
	if (!cJSON_IsObject(r)) {
		cx_err(c, rp, CXM_NOT_OBJECT);
		return;
	}
	cx_fields(c, r, rp, cx_round_fields);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "id");
	if (!v)
		cx_err(c, rp, CXM_MISSING, "id");
	else if (cx_id(c, v, cx_key(p, rp, "id"))) {
		cr->id = cx_dup(c, v->valuestring);
		for (int j = 0; j < i; j++)
			if (def->rounds[j].id && strcmp(def->rounds[j].id, v->valuestring) == 0) {
				char fp[CX_PATH_MAX];
				cx_err(c, p, CXM_DUP_ID, v->valuestring, cx_idx(fp, "$.rounds", j));
			}
	}
	v = cJSON_GetObjectItemCaseSensitive(r, "title");
	if (!v)
		cx_err(c, rp, CXM_MISSING, "title");
	else if (cx_langmap(c, v, cx_key(p, rp, "title"), 200, false))
		cr->title = v;
	cx_round_advance(c, cr, r, rp, i == n - 1);
	const cJSON *sts = cJSON_GetObjectItemCaseSensitive(r, "stages");
	cx_key(sp, rp, "stages");
	if (!sts)
		cx_err(c, rp, CXM_MISSING, "stages");
	else if (!cJSON_IsArray(sts) || cJSON_GetArraySize(sts) == 0)
		cx_err(c, sp, CXM_WANT_ARRAY);
	else
		cx_round_stages(c, def, i, sts, sp);
}

void cx_set_rounds(cx *c, const cJSON *rj, const cx_value *val, const char *path, void *ctx)
{
	cx_load *ld = ctx;
	contest_def *def = ld->def;
	if (!rj)
		return;
	if (!cJSON_IsArray(rj)) {
		cx_err(c, path, CXM_WANT_ARRAY);
		return;
	}
	int n = cJSON_GetArraySize(rj);
	if (n == 0 || n > CX_MAX_ROUNDS) {
		cx_err(c, path, CXM_RANGE_INT, 1LL, (long long)CX_MAX_ROUNDS);
		return;
	}
	if (!(def->rounds = cx_alloc(c, (size_t)n * sizeof *def->rounds)))
		return;
	def->nrounds = (size_t)n;
	int i = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, rj)
	{
		cx_round(c, def, i, n, r);
		i++;
	}
	/* every stage must belong to a round once rounds are given */
	for (size_t j = 0; j < def->nstages; j++)
		if (def->stages[j].round < 0 && def->stages[j].id) {
			char sp[CX_PATH_MAX];
			cx_err(c, cx_idx(sp, "$.stages", (int)j), CXM_STAGE_NO_ROUND, def->stages[j].id);
		}
}

/* ---- ids across stages ---- */

/* The JSON path of item i of a list (questions or tasks). */
static void cx_item_path(char *out, const contest_def *def, const contest_question *q, size_t i,
			 bool implicit)
{
	const contest_stage *st = &def->stages[q->stage];
	if (implicit)
		snprintf(out, CX_PATH_MAX, "$.%s[%zu].id", st->paper ? "paper" : "questions", i - st->first);
	else
		snprintf(out, CX_PATH_MAX, "$.stages[%d].%s[%zu].id", q->stage,
			 st->paper ? "paper" : "questions", i - st->first);
}

void cx_check_unique_ids(cx *c, const cx_load *ld)
{
	const cx_qlist *lists[2] = {&ld->ql, &ld->tl};
	bool implicit = !cJSON_GetObjectItemCaseSensitive(ld->root, "stages");
	for (int a = 0; a < 2; a++)
		for (size_t i = 0; i < lists[a]->n; i++) {
			bool dup = false;
			for (int b = 0; b <= a && !dup; b++)
				for (size_t j = 0; j < (b == a ? i : lists[b]->n) && !dup; j++)
					if (lists[a]->v[i].stage != lists[b]->v[j].stage &&
					    strcmp(lists[a]->v[i].id, lists[b]->v[j].id) == 0) {
						char p[CX_PATH_MAX], fp[CX_PATH_MAX];
						cx_item_path(p, ld->def, &lists[a]->v[i], i, implicit);
						cx_item_path(fp, ld->def, &lists[b]->v[j], j, implicit);
						cx_err(c, p, CXM_DUP_ID, lists[a]->v[i].id, fp);
						dup = true;
					}
		}
}

/* ---- a participant's paper ---- */

/* The inline questions of stage si, compiled again (each paper owns its questions). */
static void cx_copy_inline(cx *c, cx_qlist *l, const contest_def *def, size_t si, const cJSON *rules)
{
	const contest_stage *st = &def->stages[si];
	for (size_t i = st->first; i < st->first + st->count; i++) {
		const contest_question *src = &def->questions[i];
		score_question *sq = NULL;
		char *e = NULL;
		int rc = score_compile(c->eng, src->def, rules, &sq, &e);
		if (rc == SCORE_E_NOMEM)
			cx_oom(c);
		else if (rc != SCORE_OK)
			cx_err(c, src->id, CXM_COMPILE, e ? e : "?");
		free(e);
		if (rc != SCORE_OK)
			continue;
		cx_qlist_add(c, l, cx_dup(c, src->id), cJSON_Duplicate(src->def, true), sq, (int)si,
			     src->time_limit_ms);
	}
}

int contest_paper_draw(const contest_def *c, const score_engine *eng, const char *participant,
		       contest_paper **out, char **err)
{
	*out = NULL;
	if (err)
		*err = NULL;
	cx_qlist ql = {0};
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(c->root, "scoring");
	contest_diag d = {0};
	cx cc = {.file = "", .lang = "en", .diag = &d, .eng = eng};
	uint64_t seed = 0;
	bool seeded = false;
	for (size_t si = 0; si < c->nstages && !cc.nomem; si++) {
		const contest_stage *st = &c->stages[si];
		if (strcmp(st->kind, "quiz") != 0)
			continue;
		if (!st->paper) {
			cx_copy_inline(&cc, &ql, c, si, rules);
			continue;
		}
		if (!seeded) {
			seed = cx_blueprint_seed(st->paper, participant);
			seeded = true;
		}
		size_t got = cx_draw_into(&cc, &ql, c, si, rules, participant, st->id);
		if (got < cx_blueprint_total(st->paper) && !cc.nomem)
			cx_err(&cc, st->id, CXM_PAPER_SHORT, (int)cx_blueprint_total(st->paper), (int)got);
	}
	contest_paper *p = cc.nomem || d.count ? NULL : cx_alloc(&cc, sizeof *p);
	if (!p) {
		if (err && !cc.nomem)
			*err = cx_asprintf("%s: %s", d.items[0].path ? d.items[0].path : "",
					   d.items[0].message);
		contest_diag_free(&d);
		cx_questions_free(ql.v, ql.n);
		return cc.nomem ? SCORE_E_NOMEM : SCORE_E_DEFINITION;
	}
	p->seed = seed;
	p->questions = ql.v;
	p->nquestions = ql.n;
	*out = p;
	return 0;
}

void contest_paper_free(contest_paper *p)
{
	if (!p)
		return;
	cx_questions_free(p->questions, p->nquestions);
	free(p);
}
