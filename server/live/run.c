/*
 * run.c - a contest's runtime (crun): made from a loaded contest definition,
 * added to the arena, attached to the serving loop (its timers), found by
 * its code, removed when it is archived, deleted or reset, and freed by its
 * last reference (run.h says who holds one).
 *
 * Contest codes arrive from players, hosts, URLs, PostgreSQL and other
 * processes; run_find is the one place they are normalized (validate_code:
 * 4-16 letters and digits, upper-cased) and looked up.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "live/paper.h"
#include "live/phase.h"
#include "live/run.h"
#include "live/validate.h"
#include "net/frame.h"

/* A language map from a string or a map: {"zh-CN": "..."}. */
static cJSON *langmap(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "zh-CN", v->valuestring);
		return m;
	}
	return v ? cJSON_Duplicate(v, 1) : NULL;
}

/* The contest's compiled view: every question's `question` message, ids, reveals. */
static int run_prepare(crun *r)
{
	contest_def *d = r->def;
	snprintf(r->code, sizeof r->code, "%s", d->code);
	r->st.qindex = -1;
	r->qs = calloc(d->nquestions ? d->nquestions : 1, sizeof *r->qs);
	if (!r->qs)
		return SA_E_INTERNAL;
	r->nq = (int)d->nquestions;
	for (int i = 0; i < r->nq; i++) {
		const contest_question *cq = &d->questions[i];
		run_question *q = &r->qs[i];
		cJSON *m = cJSON_CreateObject();
		if (!m)
			return SA_E_INTERNAL;
		q->cq = cq;
		cJSON_AddStringToObject(m, "type", "question");
		cJSON_AddStringToObject(m, "id", cq->id);
		cJSON_AddNumberToObject(m, "index", i);
		cJSON_AddNumberToObject(m, "count", r->nq);
		cJSON_AddStringToObject(m, "qtype", score_question_type(cq->compiled));
		cJSON_AddItemToObject(m, "text", langmap(cJSON_GetObjectItemCaseSensitive(cq->def, "text")));
		score_public_fields(cq->compiled, m);
		cJSON_AddNumberToObject(m, "points", (double)score_question_max_milli(cq->compiled) / 1000.0);
		cJSON_AddNumberToObject(m, "time_limit_ms", (double)cq->time_limit_ms);
		q->public_msg = m;
		cJSON *id = cJSON_CreateString(cq->id);
		q->id_json = id ? cJSON_PrintUnformatted(id) : NULL;
		cJSON_Delete(id);
		if (!q->id_json)
			return SA_E_INTERNAL;
		q->reveal_answer = score_reveal_answer(cq->compiled);
		q->explanation = langmap(cJSON_GetObjectItemCaseSensitive(cq->def, "explanation"));
		q->noptions = score_question_noptions(cq->compiled);
	}
	if (!(r->info = cJSON_CreateObject()))
		return SA_E_INTERNAL;
	cJSON_AddStringToObject(r->info, "code", r->code);
	cJSON_AddItemToObject(r->info, "title", langmap(d->title));
	cJSON_AddStringToObject(r->info, "mode", d->mode ? d->mode : "live");
	cJSON_AddStringToObject(r->info, "feedback", d->feedback_instant ? "instant" : "reveal");
	cJSON_AddNumberToObject(r->info, "question_count", r->nq);
	return 0;
}

static const char *const run_modes[MODE_COUNT] = {
	[MODE_LIVE] = "live", [MODE_EXAM] = "exam", [MODE_PRACTICE] = "practice", [MODE_MASS] = "mass"};

static run_mode run_mode_of(const char *name)
{
	for (int m = 0; name && m < MODE_COUNT; m++)
		if (!strcmp(run_modes[m], name))
			return (run_mode)m;
	return MODE_LIVE;
}

static void run_release(crun *r)
{
	paper_pool_close(r);
	for (int i = 0; i < r->nq; i++) {
		cJSON_Delete(r->qs[i].public_msg);
		cJSON_free(r->qs[i].id_json);
		cJSON_Delete(r->qs[i].reveal_answer);
		cJSON_Delete(r->qs[i].explanation);
	}
	free(r->qs);
	cJSON_Delete(r->info);
	frame_unref(r->lb_frame);
	frame_unref(r->units_frame);
	frame_unref(r->reveal_frame);
	frame_unref(r->pending_frame);
	free(r->lb_top_json);
	free(r->ptab);
	free(r->origin);
}

/* Until the reveal's answer is out (its second step, live/live.h), not only
 * while the question is open: an answer on its way when it closed may still
 * be taken for a moment (its credit for the network's delay). */
int run_scores_hidden(const crun *r)
{
	return !r->def->feedback_instant &&
	       (r->st.phase == PHASE_QUESTION || (r->st.phase == PHASE_REVEAL && !r->reveal_frame));
}

void run_attach(crun *r)
{
	assert(!r->attached);
	uv_timer_init(r->a->loop, &r->deadline_timer);
	uv_timer_init(r->a->loop, &r->reveal_timer);
	r->deadline_timer.data = r->reveal_timer.data = r;
	r->attached = 1;
}

static void timer_closed(uv_handle_t *h) { run_unref(h->data); }

void run_detach(crun *r)
{
	if (!r->attached)
		return;
	r->attached = 0;
	uv_timer_stop(&r->deadline_timer);
	uv_timer_stop(&r->reveal_timer);
	r->refs += 2; /* freed only once libuv let go of both */
	uv_close((uv_handle_t *)&r->deadline_timer, timer_closed);
	uv_close((uv_handle_t *)&r->reveal_timer, timer_closed);
}

crun *run_new(arena *a, contest_def *def)
{
	crun *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->a = a;
	r->def = def;
	r->refs = 1;
	r->mode = run_mode_of(def->mode);
	if (run_prepare(r) || (r->mode != MODE_LIVE && paper_pool_open(r))) {
		run_release(r); /* what was made; the caller keeps def */
		free(r);
		return NULL;
	}
	return r;
}

static void run_free(crun *r)
{
	/* detached, emptied, fan-out done, no host command waiting */
	assert(!r->attached && !r->members && !r->fan.frame && !r->host_head);
	run_release(r);
	contest_free(r->def);
	free(r);
}

void run_ref(crun *r)
{
	assert(r->refs > 0);
	r->refs++;
}

void run_unref(crun *r)
{
	assert(r->refs > 0);
	if (--r->refs == 0)
		run_free(r);
}

int run_add(arena *a, crun *r)
{
	crun **runs = realloc(a->runs, sizeof *runs * (size_t)(a->nruns + 1));
	if (!runs)
		return SA_E_INTERNAL;
	a->runs = runs;
	a->runs[a->nruns++] = r;
	return 0;
}

void run_remove(crun *r, int code)
{
	arena *a = r->a;
	int i = 0;
	assert(code < 0 && !r->retired);
	while (i < a->nruns && a->runs[i] != r)
		i++;
	assert(i < a->nruns); /* only a served contest is removed */
	memmove(&a->runs[i], &a->runs[i + 1], sizeof *a->runs * (size_t)(a->nruns - i - 1));
	a->nruns--;
	r->retired = code;
	run_unref(r);
}

crun *run_find(arena *a, const char *code)
{
	char norm[17];
	if (!code || validate_code(code, norm))
		return NULL;
	for (int i = 0; i < a->nruns; i++)
		if (!strcmp(a->runs[i]->code, norm))
			return a->runs[i];
	return NULL;
}

void run_free_all(arena *a)
{
	for (int i = 0; i < a->nruns; i++)
		run_unref(a->runs[i]);
	free(a->runs);
	a->runs = NULL;
	a->nruns = 0;
}
