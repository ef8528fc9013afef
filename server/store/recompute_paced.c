/*
 * recompute_paced.c - the attempts of exam and mass contests derived again
 * from what is stored (see recompute_paced.h): pure, no I/O.
 *
 *   paper     contest_paper_draw under the participant's key ("<pid>", then
 *             "<pid>/<n>"), each drawn question found in the pool and its
 *             shown option order read by comparing the drawn options with
 *             the pool's (as live/paper.c stores it): the stored paper and
 *             seed must be that
 *   answers   per question of the stored paper: the change with the highest
 *             number received no later than the attempt's end (its
 *             submission, the deadline for one in progress), scored by the
 *             engine on the pool question as a save is (no time factor, no
 *             streak); compared with attempt_answers
 *   attempt   day (time zone), deadline (start + duration, at most the
 *             window's close), duration, score, correct, answered, count
 *   counted   per participant the best ended attempt (score, then the
 *             shorter duration, then the lower number) or the last: the
 *             total and the time (duration in deciseconds)
 *   days      mass: per participant and day the best attempt's board score
 *             (time at least 1 ds, as live/mass.c writes it), against the day
 *             board in Redis and its count of ended attempts
 *
 * Units and practice: recompute_units.c, recompute_notebook.c.
 */
#include <stdlib.h>
#include <string.h>

#include "store/lb.h"
#include "store/recompute_paced.h"

#define RC_MAX_OPTIONS 64 /* as live/paper.h: a question with more is served in the pool's order */

/* ------------------------------------------------------------ rows */

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(v, c * size);
	if (p)
		*cap = c;
	return p;
}

#define GROW(arr, n, cap)                                           \
	do {                                                        \
		void *g_ = grow((arr), &(cap), (n), sizeof *(arr)); \
		if (!g_)                                            \
			return -1;                                  \
		(arr) = g_;                                         \
	} while (0)

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* A pool question's id and index, for rc_paced_find. */
typedef struct rc_pool_id {
	const char *id;
	int i;
} rc_pool_id;

static int by_pool_id(const void *x, const void *y)
{
	return strcmp(((const rc_pool_id *)x)->id, ((const rc_pool_id *)y)->id);
}

int rc_paced_open(rc_paced *s, contest_def *def, contest_pool *pool, results_tz *tz)
{
	memset(s, 0, sizeof *s);
	s->def = def;
	s->pool = pool;
	s->tz = tz;
	if (!(s->by_id = calloc(pool->n + 1, sizeof *s->by_id)))
		return -1;
	for (size_t i = 0; i < pool->n; i++)
		s->by_id[i] = (rc_pool_id){pool->items[i].q.id, (int)i};
	qsort(s->by_id, pool->n, sizeof *s->by_id, by_pool_id);
	return 0;
}

void rc_paced_release(rc_paced *s)
{
	for (size_t i = 0; i < s->nat; i++) {
		free(s->at[i].paper);
		free(s->at[i].seed);
	}
	for (size_t i = 0; i < s->nch; i++)
		free(s->ch[i].response);
	for (size_t i = 0; i < s->ncur; i++)
		free(s->cur[i].response);
	for (size_t i = 0; i < s->npr; i++) {
		rc_practice *p = &s->pr[i];
		free(p->worker), free(p->serve), free(p->qkey), free(p->qid), free(p->category);
		free(p->response);
	}
	for (size_t i = 0; i < s->nev; i++) {
		rc_event *e = &s->ev[i];
		free(e->worker), free(e->qkey), free(e->qid), free(e->category), free(e->serve);
	}
	for (size_t i = 0; i < s->nbk; i++)
		free(s->bk[i].worker), free(s->bk[i].qkey), free(s->bk[i].qid), free(s->bk[i].category);
	free(s->at), free(s->ch), free(s->cur), free(s->pr), free(s->ev), free(s->bk);
	free(s->by_id);
	contest_pool_free(s->pool);
	contest_free(s->def);
	results_tz_free(s->tz);
	memset(s, 0, sizeof *s);
}

int rc_paced_add_attempt(rc_paced *s, const rc_attempt *a)
{
	GROW(s->at, s->nat, s->capat);
	rc_attempt *t = &s->at[s->nat];
	*t = *a;
	t->paper = dup_or_null(a->paper);
	t->seed = dup_or_null(a->seed);
	if ((a->paper && !t->paper) || (a->seed && !t->seed)) {
		free(t->paper);
		free(t->seed);
		return -1;
	}
	s->nat++;
	return 0;
}

int rc_paced_add_change(rc_paced *s, int64_t aid, int idx, int change, const char *response, int64_t rcv_ms)
{
	GROW(s->ch, s->nch, s->capch);
	rc_change *x = &s->ch[s->nch];
	*x = (rc_change){aid, idx, change, dup_or_null(response), rcv_ms};
	if (response && !x->response)
		return -1;
	s->nch++;
	return 0;
}

int rc_paced_add_current(rc_paced *s, int64_t aid, int idx, int change, const char *response, int64_t points,
			 int correctness)
{
	GROW(s->cur, s->ncur, s->capcur);
	rc_current *x = &s->cur[s->ncur];
	*x = (rc_current){aid, idx, change, dup_or_null(response), points, correctness};
	if (response && !x->response)
		return -1;
	s->ncur++;
	return 0;
}

int rc_paced_add_practice(rc_paced *s, const rc_practice *p)
{
	GROW(s->pr, s->npr, s->cappr);
	rc_practice *x = &s->pr[s->npr];
	*x = *p;
	x->worker = strdup(p->worker), x->serve = strdup(p->serve), x->qkey = strdup(p->qkey);
	x->qid = strdup(p->qid), x->category = strdup(p->category), x->response = strdup(p->response);
	s->npr++; /* released with the rest, whole or not */
	return x->worker && x->serve && x->qkey && x->qid && x->category && x->response ? 0 : -1;
}

int rc_paced_add_event(rc_paced *s, const rc_event *e)
{
	GROW(s->ev, s->nev, s->capev);
	rc_event *x = &s->ev[s->nev];
	*x = *e;
	x->worker = strdup(e->worker), x->qkey = strdup(e->qkey), x->qid = strdup(e->qid);
	x->category = strdup(e->category), x->serve = strdup(e->serve);
	s->nev++;
	return x->worker && x->qkey && x->qid && x->category && x->serve ? 0 : -1;
}

int rc_paced_add_book(rc_paced *s, const rc_book *b)
{
	GROW(s->bk, s->nbk, s->capbk);
	rc_book *x = &s->bk[s->nbk];
	*x = *b;
	x->worker = strdup(b->worker), x->qkey = strdup(b->qkey), x->qid = strdup(b->qid);
	x->category = strdup(b->category);
	s->nbk++;
	return x->worker && x->qkey && x->qid && x->category ? 0 : -1;
}

void rc_paced_day(const rc_paced *s, int64_t ms, char day[11])
{
	int64_t d = 0;
	int y, m, dd;
	if (!s->tz || results_tz_day(s->tz, ms, &d))
		d = (ms + 8 * 3600000LL) / 86400000LL; /* as live/paper.c: China time past the zone's rules */
	results_civil_from_days(d, &y, &m, &dd);
	snprintf(day, 11, "%04d-%02d-%02d", y, m, dd);
}

/* ------------------------------------------------------------ the paper */

int rc_paced_find(const rc_paced *s, const char *id)
{
	rc_pool_id key = {id ? id : "", 0};
	const rc_pool_id *hit = bsearch(&key, s->by_id, s->pool->n, sizeof *s->by_id, by_pool_id);
	return hit ? hit->i : -1;
}

static bool shuffles(const score_question *q)
{
	const char *t = score_question_type(q);
	return (!strcmp(t, "single_choice") || !strcmp(t, "multiple_choice")) &&
	       score_question_noptions(q) <= RC_MAX_OPTIONS;
}

/* The stored form of a drawn question: {"q": id, "p": [pool option shown at i, ...]} ("p" absent: the
 * pool's order); NULL when its options are not the pool question's. */
static cJSON *drawn_entry(const rc_paced *s, const contest_question *dq)
{
	int k = rc_paced_find(s, dq->id);
	if (k < 0)
		return NULL;
	const contest_pool_item *it = &s->pool->items[k];
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "q", dq->id);
	if (!shuffles(it->q.compiled))
		return e;
	const cJSON *pool_opts = cJSON_GetObjectItemCaseSensitive(it->q.def, "options");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(dq->def, "options");
	int n = cJSON_GetArraySize(opts), used[RC_MAX_OPTIONS] = {0}, identity = 1;
	cJSON *p = cJSON_CreateArray();
	if (n != score_question_noptions(it->q.compiled) || n != cJSON_GetArraySize(pool_opts)) {
		cJSON_Delete(p);
		cJSON_Delete(e);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		const cJSON *o = cJSON_GetArrayItem(opts, i);
		int j = 0;
		while (j < n && (used[j] || !cJSON_Compare(o, cJSON_GetArrayItem(pool_opts, j), 1)))
			j++;
		if (j == n) {
			cJSON_Delete(p);
			cJSON_Delete(e);
			return NULL;
		}
		used[j] = 1;
		identity &= j == i;
		cJSON_AddItemToArray(p, cJSON_CreateNumber(j));
	}
	if (identity)
		cJSON_Delete(p);
	else
		cJSON_AddItemToObject(e, "p", p);
	return e;
}

/* One paper entry as text: "safety.q3 (options 2,0,1,3)". */
static void entry_text(const cJSON *e, char *buf, size_t n)
{
	const char *q = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "q"));
	char *p = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "p"));
	snprintf(buf, n, "%s%s%s", q ? q : "?", p ? " options " : "", p ? p : "");
	cJSON_free(p);
}

/* The paper drawn again against the stored one: the seed, then the first question that differs. */
static void check_paper(const rc_contest *c, const rc_paced *s, const score_engine *eng, const rc_attempt *a,
			const rc_participant *p, const cJSON *stored, rc_report *r)
{
	char key[48], seed[24], sb[160], cb[160];
	contest_paper *cp = NULL;
	char *why = NULL;
	if (a->no <= 1)
		snprintf(key, sizeof key, "%lld", (long long)a->pid);
	else
		snprintf(key, sizeof key, "%lld/%d", (long long)a->pid, a->no);
	if (contest_paper_draw(s->def, eng, key, &cp, &why)) {
		rc_report_add(r, "attempt.paper", p, a->no, NULL, NULL, "a paper",
			      why ? why : "cannot be drawn");
		free(why);
		return;
	}
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)cp->seed);
	if (!a->seed || strcmp(a->seed, seed))
		rc_report_add(r, "attempt.seed", p, a->no, NULL, NULL, a->seed ? a->seed : "none", seed);
	int ns = cJSON_GetArraySize(stored);
	for (size_t i = 0; i < cp->nquestions || i < (size_t)ns; i++) {
		cJSON *d = i < cp->nquestions ? drawn_entry(s, &cp->questions[i]) : NULL;
		const cJSON *e = cJSON_GetArrayItem(stored, (int)i);
		if (d && e && cJSON_Compare(d, e, 1)) {
			cJSON_Delete(d);
			continue;
		}
		if (e)
			entry_text(e, sb, sizeof sb);
		if (d)
			entry_text(d, cb, sizeof cb);
		else if (i < cp->nquestions)
			snprintf(cb, sizeof cb, "%s (not in the pool)", cp->questions[i].id);
		snprintf(key, sizeof key, "question %zu", i + 1);
		rc_report_add(r, "attempt.paper", p, a->no, NULL, key, e ? sb : "none",
			      i < cp->nquestions ? cb : "none");
		cJSON_Delete(d);
		break; /* the first difference: the rest follows from it */
	}
	(void)c;
	contest_paper_free(cp);
}

/* ------------------------------------------------------------ answers */

static int by_change(const void *x, const void *y)
{
	const rc_change *a = x, *b = y;
	if (a->aid != b->aid)
		return a->aid < b->aid ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx - b->idx;
	return (a->change > b->change) - (a->change < b->change);
}

static int by_current(const void *x, const void *y)
{
	const rc_current *a = x, *b = y;
	if (a->aid != b->aid)
		return a->aid < b->aid ? -1 : 1;
	return a->idx - b->idx;
}

static int by_attempt(const void *x, const void *y)
{
	const rc_attempt *a = x, *b = y;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->no - b->no;
}

static const char *const corr_names[] = {"wrong", "partial", "correct"};

static const char *corr_name(int c) { return c >= 0 && c <= 2 ? corr_names[c] : "?"; }

/* A response as text: "none" for a cleared answer. */
static const char *resp_text(const char *r) { return r ? r : "none (cleared)"; }

/* The answers of question idx: the final change (NULL: none counts) and the stored current answer. */
typedef struct slot_rows {
	const rc_change *final;
	const rc_current *cur;
	int late; /* changes received after the end */
} slot_rows;

static void num_text(int64_t v, char *buf, size_t n) { snprintf(buf, n, "%lld", (long long)v); }

static void add_num(rc_report *r, const char *what, const rc_participant *p, int no, const char *qid,
		    int64_t s, int64_t v, bool points)
{
	char a[32], b[32];
	if (points) {
		rc_points_text(s, a, sizeof a);
		rc_points_text(v, b, sizeof b);
	} else {
		num_text(s, a, sizeof a);
		num_text(v, b, sizeof b);
	}
	rc_report_add(r, what, p, no, qid, NULL, a, b);
}

/* The final answer of one question scored again and compared with the stored current one. */
static void check_slot(const rc_paced *s, rc_attempt *a, const rc_participant *p, int pool_idx,
		       const slot_rows *sr, rc_report *r)
{
	const contest_pool_item *it = &s->pool->items[pool_idx];
	const char *qid = it->q.id, *fin = sr->final ? sr->final->response : NULL;
	int64_t pts = 0;
	int corr = 0;
	r->answers++;
	if (fin) {
		cJSON *resp = rc_reread(it->q.compiled, fin);
		score_ctx ctx = {.response_ms = 0,
				 .limit_ms = it->q.time_limit_ms > 0 ? it->q.time_limit_ms : 1};
		score_result res;
		if (!resp || score_answer(it->q.compiled, resp, &ctx, &res))
			rc_report_add(r, "answer.response", p, a->no, qid, NULL, fin,
				      resp ? "the scoring engine refuses it" : "it cannot be read back");
		else {
			pts = res.points_milli;
			corr = res.correctness;
			a->new_answered++;
			a->new_correct += corr == SCORE_CORRECT;
		}
		cJSON_Delete(resp);
	}
	a->new_score += pts;
	if (!sr->final && !sr->cur)
		return;
	char sb[48], cb[48];
	if (!sr->cur) {
		snprintf(cb, sizeof cb, "change %d", sr->final->change);
		rc_report_add(r, "answer.missing", p, a->no, qid, NULL, "no answer", cb);
		return;
	}
	if (!sr->final) {
		snprintf(sb, sizeof sb, "change %d", sr->cur->change);
		rc_report_add(r, "answer.extra", p, a->no, qid, NULL, sb,
			      sr->late ? "no change before the attempt ended" : "no change stored");
		return;
	}
	if (sr->cur->change != sr->final->change)
		add_num(r, sr->late ? "answer.late" : "answer.change", p, a->no, qid, sr->cur->change,
			sr->final->change, false);
	if ((sr->cur->response == NULL) != (fin == NULL) || (fin && strcmp(fin, sr->cur->response)))
		rc_report_add(r, "answer.response", p, a->no, qid, NULL, resp_text(sr->cur->response),
			      resp_text(fin));
	if (sr->cur->points != pts)
		add_num(r, "answer.points", p, a->no, qid, sr->cur->points, pts, true);
	if (sr->cur->correctness != corr)
		rc_report_add(r, "answer.correctness", p, a->no, qid, NULL, corr_name(sr->cur->correctness),
			      corr_name(corr));
}

/* Every question of the stored paper: its final answer (changes [*k..) and current answer (cur [*m..)). */
static void check_answers(const rc_paced *s, rc_attempt *a, const rc_participant *p, const cJSON *paper,
			  rc_report *r)
{
	int64_t end = a->status == 'o' ? a->deadline_ms : a->submitted_ms;
	size_t k = 0, m = 0;
	/* the attempt's rows (both arrays sorted by attempt, question) */
	size_t lo = 0, hi = s->nch;
	while (lo < hi) { /* first change of a */
		size_t mid = (lo + hi) / 2;
		if (s->ch[mid].aid < a->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	k = lo;
	for (lo = 0, hi = s->ncur; lo < hi;) {
		size_t mid = (lo + hi) / 2;
		if (s->cur[mid].aid < a->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	m = lo;
	int n = cJSON_GetArraySize(paper);
	for (int i = 0; i < n; i++) {
		const char *q = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(paper, i), "q"));
		int pi = rc_paced_find(s, q);
		slot_rows sr = {0};
		while (k < s->nch && s->ch[k].aid == a->id && s->ch[k].idx < i)
			k++; /* a change of no question of the paper: below */
		for (; k < s->nch && s->ch[k].aid == a->id && s->ch[k].idx == i; k++) {
			if (end != RC_NONE && s->ch[k].rcv_ms <= end)
				sr.final = &s->ch[k];
			else
				sr.late++;
		}
		while (m < s->ncur && s->cur[m].aid == a->id && s->cur[m].idx < i)
			m++;
		if (m < s->ncur && s->cur[m].aid == a->id && s->cur[m].idx == i)
			sr.cur = &s->cur[m++];
		if (pi < 0) {
			char w[32];
			snprintf(w, sizeof w, "question %d", i + 1);
			rc_report_add(r, "attempt.paper", p, a->no, q, w, q ? q : "an unreadable entry",
				      "no such question in the contest's pool");
			continue;
		}
		check_slot(s, a, p, pi, &sr, r);
	}
	for (; k < s->nch && s->ch[k].aid == a->id; k++) {
		char w[32];
		snprintf(w, sizeof w, "question %d", s->ch[k].idx + 1);
		rc_report_add(r, "answer.outside", p, a->no, NULL, w, "a change stored", "not on the paper");
	}
}

/* ------------------------------------------------------------ an attempt */

static void check_times(const rc_contest *c, const rc_paced *s, rc_attempt *a, const rc_participant *p,
			rc_report *r)
{
	int64_t opens = s->def->opens_at * 1000, closes = s->def->closes_at * 1000, dl = RC_NONE;
	rc_paced_day(s, a->started_ms, a->new_day);
	if (strcmp(a->day, a->new_day))
		rc_report_add(r, "attempt.day", p, a->no, NULL, NULL, a->day, a->new_day);
	if (s->def->duration_ms > 0) {
		dl = a->started_ms + s->def->duration_ms;
		if (closes > 0 && closes < dl)
			dl = closes;
		if (a->deadline_ms != dl)
			add_num(r, "attempt.deadline", p, a->no, NULL, a->deadline_ms, dl, false);
	}
	if (opens > 0 && (a->started_ms < opens || (closes > 0 && a->started_ms >= closes)))
		rc_report_add(r, "attempt.started", p, a->no, NULL, NULL, "outside the window", "within it");
	a->new_duration = RC_NONE;
	if (a->status == 'o')
		return;
	if (a->submitted_ms == RC_NONE) {
		rc_report_add(r, "attempt.submitted", p, a->no, NULL, NULL, "none", "the end's time");
		return;
	}
	if (a->submitted_ms > a->deadline_ms)
		add_num(r, "attempt.submitted", p, a->no, NULL, a->submitted_ms, a->deadline_ms, false);
	a->new_duration = a->submitted_ms - a->started_ms;
	if (a->duration_ms != a->new_duration)
		add_num(r, "attempt.duration_ms", p, a->no, NULL, a->duration_ms, a->new_duration, false);
	(void)c;
}

static void check_attempt(const rc_contest *c, const rc_paced *s, const score_engine *eng, rc_attempt *a,
			  rc_report *r)
{
	const rc_participant *p = rc_participant_of(c, a->pid);
	cJSON *paper = a->paper ? cJSON_Parse(a->paper) : NULL;
	r->attempts++;
	a->new_score = 0;
	a->new_correct = a->new_answered = 0;
	check_times(c, s, a, p, r);
	if (!cJSON_IsArray(paper)) {
		rc_report_add(r, "attempt.paper", p, a->no, NULL, NULL, a->paper ? a->paper : "none",
			      "a paper (a list of questions)");
		cJSON_Delete(paper);
		return;
	}
	check_paper(c, s, eng, a, p, paper, r);
	int64_t max = 0;
	cJSON *e;
	cJSON_ArrayForEach(e, paper)
	{
		int k = rc_paced_find(s, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "q")));
		max += k >= 0 ? score_question_max_milli(s->pool->items[k].q.compiled) : 0;
	}
	if (a->count != cJSON_GetArraySize(paper))
		add_num(r, "attempt.count", p, a->no, NULL, a->count, cJSON_GetArraySize(paper), false);
	if (a->max_milli != max)
		add_num(r, "attempt.max", p, a->no, NULL, a->max_milli, max, true);
	check_answers(s, a, p, paper, r);
	cJSON_Delete(paper);
	a->scored = true;
	if (a->status == 'o')
		return; /* scored at its end */
	if (a->score_milli != a->new_score)
		add_num(r, "attempt.score", p, a->no, NULL, a->score_milli, a->new_score, true);
	if (a->correct != a->new_correct)
		add_num(r, "attempt.correct", p, a->no, NULL, a->correct, a->new_correct, false);
	if (a->answered != a->new_answered)
		add_num(r, "attempt.answered", p, a->no, NULL, a->answered, a->new_answered, false);
}

/* The counted attempt among p's ended ones as[0..n) (attempt order): best or last. */
static const rc_attempt *counted(const rc_paced *s, const rc_attempt *as, size_t n)
{
	const rc_attempt *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const rc_attempt *a = &as[i];
		if (a->status == 'o' || a->new_duration == RC_NONE)
			continue;
		if (!best || s->def->attempts_last || a->new_score > best->new_score ||
		    (a->new_score == best->new_score && a->new_duration < best->new_duration))
			best = a; /* in attempt order: a tie of both keeps the lower number */
	}
	return best;
}

int rc_paced_attempts(rc_contest *c, rc_paced *s, const score_engine *eng, rc_report *r)
{
	if (s->nat) /* qsort and bsearch want an array, even of none */
		qsort(s->at, s->nat, sizeof *s->at, by_attempt);
	if (s->nch)
		qsort(s->ch, s->nch, sizeof *s->ch, by_change);
	if (s->ncur)
		qsort(s->cur, s->ncur, sizeof *s->cur, by_current);
	for (size_t i = 0; i < s->nat; i++)
		check_attempt(c, s, eng, &s->at[i], r);
	size_t k = 0;
	for (size_t i = 0; i < c->np; i++) {
		rc_participant *p = &c->ps[i];
		while (k < s->nat && s->at[k].pid < p->id)
			k++; /* attempts of no participant: their contest_id and participant disagree */
		size_t first = k;
		while (k < s->nat && s->at[k].pid == p->id)
			k++;
		const rc_attempt *b = counted(s, &s->at[first], k - first);
		p->new_score = b ? b->new_score : 0;
		p->new_reached_ds = b ? b->new_duration / 100 : p->reached_ds;
		p->new_streak = (int)p->streak; /* no streaks in self-paced play */
		p->time_ms = 0;                 /* the ranking's keys as store/ranking.c has them: */
		p->correct = p->wrong = 0;      /* total and time reached (the counted duration) */
	}
	return r->oom ? -1 : 0;
}

/* ------------------------------------------------------------ day boards (mass) */

static int by_day(const void *x, const void *y) { return strcmp(x, y); }

int rc_paced_days(const rc_paced *s, char (**days)[11], size_t *n)
{
	*n = 0;
	if (!(*days = calloc(s->nat + 1, sizeof **days)))
		return -1;
	for (size_t i = 0; i < s->nat; i++)
		if (s->at[i].status != 'o' && s->at[i].new_day[0])
			memcpy((*days)[(*n)++], s->at[i].new_day, 11);
	qsort(*days, *n, sizeof **days, by_day);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!k || strcmp((*days)[k - 1], (*days)[i]))
			memcpy((*days)[k++], (*days)[i], 11);
	*n = k;
	return 0;
}

/* A day board's time: at least 1 ds (live/mass.c: 0 would read as "no attempt ended"). */
static int64_t ended_ds(int64_t duration_ms) { return duration_ms / 100 < 1 ? 1 : duration_ms / 100; }

static int by_member(const void *x, const void *y)
{
	const rc_member *a = x, *b = y;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

void rc_paced_compare_day(const rc_contest *c, const rc_paced *s, const char *day, const rc_member *m,
			  size_t n, int64_t attd, rc_report *r)
{
	char where[32], sb[64], cb[64];
	rc_member *sorted = malloc((n + 1) * sizeof *sorted);
	bool *met = calloc(n + 1, sizeof *met);
	if (!sorted || !met) {
		free(sorted);
		free(met);
		r->oom = 1;
		return;
	}
	memcpy(sorted, m, n * sizeof *m);
	qsort(sorted, n, sizeof *sorted, by_member);
	snprintf(where, sizeof where, "day %s", day);
	int64_t ended = 0;
	for (size_t i = 0; i < s->nat;) { /* attempts in participant order */
		int64_t pid = s->at[i].pid;
		double best = 0;
		bool any = false;
		for (; i < s->nat && s->at[i].pid == pid; i++) {
			const rc_attempt *a = &s->at[i];
			if (a->status == 'o' || a->new_duration == RC_NONE || strcmp(a->new_day, day))
				continue;
			double z = lb_zscore(a->new_score, ended_ds(a->new_duration));
			ended++;
			if (!any || z > best)
				best = z;
			any = true;
		}
		if (!any)
			continue;
		const rc_participant *p = rc_participant_of(c, pid);
		rc_member key = {.pid = pid}, *hit = bsearch(&key, sorted, n, sizeof *sorted, by_member);
		r->days++;
		rc_z_text(best, cb, sizeof cb);
		if (!hit) {
			rc_report_add(r, "day.missing", p, 0, NULL, where, "not on the day board", cb);
			continue;
		}
		met[hit - sorted] = true;
		if (hit->z != best) {
			rc_z_text(hit->z, sb, sizeof sb);
			rc_report_add(r, "day.score", p, 0, NULL, where, sb, cb);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!met[i]) {
			const rc_participant *p = rc_participant_of(c, sorted[i].pid);
			char who[96];
			rc_z_text(sorted[i].z, sb, sizeof sb);
			snprintf(who, sizeof who, "%s (member of participant %lld)", where,
				 (long long)sorted[i].pid);
			rc_report_add(r, "day.extra", p, 0, NULL, p ? where : who, sb,
				      "no attempt ended that day");
		}
	if (attd >= 0 && attd != ended) {
		num_text(attd, sb, sizeof sb);
		num_text(ended, cb, sizeof cb);
		rc_report_add(r, "day.attempts", NULL, 0, NULL, where, sb, cb);
	}
	free(sorted);
	free(met);
}
