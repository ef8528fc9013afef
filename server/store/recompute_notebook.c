/*
 * recompute_notebook.c - practice contests derived again (see
 * recompute_paced.h): pure, no I/O.
 *
 *   answers   each stored practice answer's canonical response read back
 *             and scored by the engine on the pool question it names, as
 *             live/practice.c scores it (no time factor); its notebook key
 *             and category must be that question's
 *   notebook  for every worker who practised in this contest, their whole
 *             practice history (this contest's answers as recomputed, the
 *             other contests' as stored), in time order, replayed as
 *             live/practice.c's statement changes wrong_book: a wrong or
 *             partial answer puts the question in (or counts one more wrong
 *             and sets its right streak to 0), a right one while it is in
 *             adds to the streak, and the contest's leave_after-th in a row
 *             takes it out; the result is compared with wrong_book, entry by
 *             entry
 */
#include <stdlib.h>
#include <string.h>

#include "store/recompute_paced.h"

/* ------------------------------------------------------------ answers */

static const char *const corr_names[] = {"wrong", "partial", "correct"};

static const char *corr_name(int c) { return c >= 0 && c <= 2 ? corr_names[c] : "?"; }

/* The notebook key of a pool question: "<bank id>/<question id>", "<code>/<id>" inline (live/paper.c). */
static void qkey_of(const rc_paced *s, const contest_pool_item *it, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", it->bank ? it->bank : s->def->code, it->qid);
}

static void rescore(const rc_contest *c, const rc_paced *s, rc_practice *p, rc_report *r)
{
	const rc_participant *who = rc_participant_of(c, p->pid);
	int k = rc_paced_find(s, p->qid);
	char key[512];
	r->practice++;
	p->bad = NULL;
	p->new_points = p->points;
	p->new_correctness = p->correctness;
	if (k < 0) {
		p->bad = "no such question in the contest's pool";
		rc_report_add(r, "practice.question", who, 0, p->qid, NULL, p->qkey, p->bad);
		return;
	}
	const contest_pool_item *it = &s->pool->items[k];
	qkey_of(s, it, key, sizeof key);
	if (strcmp(key, p->qkey))
		rc_report_add(r, "practice.key", who, 0, p->qid, NULL, p->qkey, key);
	if (strcmp(it->category, p->category))
		rc_report_add(r, "practice.category", who, 0, p->qid, NULL, p->category, it->category);
	cJSON *resp = rc_reread(it->q.compiled, p->response);
	score_ctx ctx = {.response_ms = 0, .limit_ms = it->q.time_limit_ms > 0 ? it->q.time_limit_ms : 1};
	score_result res;
	if (!resp || score_answer(it->q.compiled, resp, &ctx, &res)) {
		p->bad = resp ? "the scoring engine refuses it" : "it cannot be read back";
		rc_report_add(r, "practice.response", who, 0, p->qid, NULL, p->response, p->bad);
		cJSON_Delete(resp);
		return;
	}
	cJSON_Delete(resp);
	p->new_points = res.points_milli;
	p->new_correctness = res.correctness;
	if (p->points != p->new_points) {
		char a[32], b[32];
		rc_points_text(p->points, a, sizeof a);
		rc_points_text(p->new_points, b, sizeof b);
		rc_report_add(r, "practice.points", who, 0, p->qid, NULL, a, b);
	}
	if (p->correctness != p->new_correctness)
		rc_report_add(r, "practice.correctness", who, 0, p->qid, NULL, corr_name(p->correctness),
			      corr_name(p->new_correctness));
}

/* ------------------------------------------------------------ the notebook */

/* One answer of the history, wherever it was given. */
typedef struct step {
	const char *worker, *qkey, *qid, *category, *serve;
	int64_t cid, at;
	int correctness, leave;
} step;

static int by_step(const void *x, const void *y)
{
	const step *a = x, *b = y;
	int k = strcmp(a->worker, b->worker);
	if (k)
		return k;
	if ((k = strcmp(a->qkey, b->qkey)))
		return k;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	if (a->cid != b->cid)
		return a->cid < b->cid ? -1 : 1;
	return strcmp(a->serve, b->serve);
}

/* An entry derived from the history (in: false when it left or never came in; seen: it had answers). */
typedef struct entry {
	const char *worker, *qkey, *qid, *category;
	bool in, seen;
	int64_t cid, wrong, streak, added, last_wrong, last_seen;
} entry;

/* One answer applied to the entry, as live/practice.c's statement does. */
static void apply(entry *e, const step *st)
{
	if (st->correctness < SCORE_CORRECT) {
		if (!e->in) {
			e->in = true;
			e->wrong = 0;
			e->added = st->at;
		}
		e->wrong++;
		e->streak = 0;
		e->cid = st->cid;
		e->qid = st->qid;
		e->category = st->category;
		e->last_wrong = e->last_seen = st->at;
	} else if (e->in) {
		if (e->streak + 1 >= st->leave)
			e->in = false;
		else {
			e->streak++;
			e->last_seen = st->at;
		}
	}
}

static int by_book(const void *x, const void *y)
{
	const rc_book *a = x, *b = y;
	int k = strcmp(a->worker, b->worker);
	return k ? k : strcmp(a->qkey, b->qkey);
}

static int by_entry(const entry *e, const rc_book *b)
{
	int k = strcmp(e->worker, b->worker);
	return k ? k : strcmp(e->qkey, b->qkey);
}

/* The participant of this contest a worker practised as (the first met), for the report. */
static const rc_participant *worker_of(const rc_contest *c, const rc_paced *s, const char *worker)
{
	for (size_t i = 0; i < s->npr; i++)
		if (!strcmp(s->pr[i].worker, worker))
			return rc_participant_of(c, s->pr[i].pid);
	return NULL;
}

static void entry_text(const char *what, int64_t wrong, int64_t streak, char *buf, size_t n)
{
	snprintf(buf, n, "%s (wrong %lld, right streak %lld)", what, (long long)wrong, (long long)streak);
}

/* e as derived against b as stored (NULL: not in the notebook). */
static void compare_entry(const rc_contest *c, const rc_paced *s, const entry *e, const rc_book *b,
			  rc_report *r)
{
	const rc_participant *p = worker_of(c, s, e->worker);
	const char *qid = !e->in && b ? b->qid : e->qid;
	char sb[160], cb[160];
	r->notebook++;
	if (!b) {
		entry_text("in the notebook", e->wrong, e->streak, cb, sizeof cb);
		rc_report_add(r, "notebook.missing", p, 0, qid, NULL, "not in the notebook", cb);
		return;
	}
	if (!e->in) {
		entry_text("in the notebook", b->wrong, b->streak, sb, sizeof sb);
		rc_report_add(r, "notebook.extra", p, 0, qid, NULL, sb,
			      e->seen ? "left it" : "never answered wrongly");
		return;
	}
	if (b->wrong != e->wrong || b->streak != e->streak) {
		entry_text("in", b->wrong, b->streak, sb, sizeof sb);
		entry_text("in", e->wrong, e->streak, cb, sizeof cb);
		rc_report_add(r, b->wrong != e->wrong ? "notebook.wrong" : "notebook.streak", p, 0, qid, NULL,
			      sb, cb);
	}
	if (b->added != e->added || b->last_wrong != e->last_wrong || b->last_seen != e->last_seen) {
		snprintf(sb, sizeof sb, "added %lld, last wrong %lld, last seen %lld", (long long)b->added,
			 (long long)b->last_wrong, (long long)b->last_seen);
		snprintf(cb, sizeof cb, "added %lld, last wrong %lld, last seen %lld", (long long)e->added,
			 (long long)e->last_wrong, (long long)e->last_seen);
		rc_report_add(r, "notebook.times", p, 0, qid, NULL, sb, cb);
	}
	if (b->cid != e->cid || strcmp(b->qid, e->qid) || strcmp(b->category, e->category)) {
		snprintf(sb, sizeof sb, "contest %lld question %s category %s", (long long)b->cid, b->qid,
			 b->category);
		snprintf(cb, sizeof cb, "contest %lld question %s category %s", (long long)e->cid, e->qid,
			 e->category);
		rc_report_add(r, "notebook.question", p, 0, qid, NULL, sb, cb);
	}
}

/* A stored entry of a question the worker never answered (in any contest still stored). */
static void unseen(const rc_contest *c, const rc_paced *s, const rc_book *b, rc_report *r)
{
	entry none = {.worker = b->worker, .qkey = b->qkey, .qid = b->qid, .category = b->category};
	compare_entry(c, s, &none, b, r);
}

/* Every step of the history, sorted by worker, question, time. */
static step *history(const rc_contest *c, const rc_paced *s, size_t *n)
{
	step *st = calloc(s->npr + s->nev + 1, sizeof *st);
	*n = 0;
	if (!st)
		return NULL;
	for (size_t i = 0; i < s->npr; i++) {
		const rc_practice *p = &s->pr[i];
		st[(*n)++] = (step){p->worker,
				    p->qkey,
				    p->qid,
				    p->category,
				    p->serve,
				    c->id,
				    p->at,
				    p->new_correctness,
				    s->def->notebook_leave_after};
	}
	for (size_t i = 0; i < s->nev; i++) {
		const rc_event *e = &s->ev[i];
		st[(*n)++] = (step){e->worker, e->qkey, e->qid,         e->category, e->serve,
				    e->cid,    e->at,   e->correctness, e->leave};
	}
	qsort(st, *n, sizeof *st, by_step);
	return st;
}

int rc_paced_practice(const rc_contest *c, rc_paced *s, rc_report *r)
{
	for (size_t i = 0; i < s->npr; i++)
		rescore(c, s, &s->pr[i], r);
	size_t n, k = 0;
	step *st = history(c, s, &n);
	if (!st)
		return -1;
	if (s->nbk) /* qsort wants an array, even of none */
		qsort(s->bk, s->nbk, sizeof *s->bk, by_book);
	for (size_t i = 0; i < n;) {
		entry e = {.worker = st[i].worker,
			   .qkey = st[i].qkey,
			   .qid = st[i].qid,
			   .category = st[i].category,
			   .seen = true};
		for (; i < n && !strcmp(st[i].worker, e.worker) && !strcmp(st[i].qkey, e.qkey); i++)
			apply(&e, &st[i]);
		while (k < s->nbk && by_entry(&e, &s->bk[k]) > 0)
			unseen(c, s, &s->bk[k++], r);
		const rc_book *b = k < s->nbk && !by_entry(&e, &s->bk[k]) ? &s->bk[k++] : NULL;
		if (e.in || b)
			compare_entry(c, s, &e, b, r);
	}
	for (; k < s->nbk; k++)
		unseen(c, s, &s->bk[k], r);
	free(st);
	return r->oom ? -1 : 0;
}
