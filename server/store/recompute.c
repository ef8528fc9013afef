/*
 * recompute.c - the core of `skillarena recompute` (see recompute.h): pure,
 * no I/O.
 *
 *   rescore   each participant's answers in question order: the canonical
 *             response read back into the response it came from (a JSON
 *             value, or the list "0,2" as [0,2], checked by giving the same
 *             canonical form again), scored by score_answer with the stored
 *             response time and the streak so far, a corrected mark put in
 *             its place; the total, the time it was reached (that of the
 *             last answer that earned or lost points) and the streak
 *   rank      results_rank (the contest's tie-break order), then
 *             results_awards_assign (the contest's "awards")
 *   compare   stored against recomputed: answers, participants, the Redis
 *             board, a stored ranking; one rc_diff per difference
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/lb.h"
#include "store/recompute.h"

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void rc_contest_release(rc_contest *c)
{
	for (int i = 0; i < c->nq; i++) {
		free(c->qs[i].qid);
		cJSON_Delete(c->qs[i].def);
		score_question_free(c->qs[i].q);
	}
	for (size_t i = 0; i < c->np; i++) {
		free(c->ps[i].name);
		free(c->ps[i].employee_no);
		free(c->ps[i].unit);
	}
	for (size_t i = 0; i < c->na; i++)
		free(c->as[i].response);
	if (c->has_awards)
		results_awards_release(&c->awards);
	free(c->qs);
	free(c->ps);
	free(c->as);
	free(c->code);
	free(c->entries);
	free(c->places);
	memset(c, 0, sizeof *c);
}

int rc_add_participant(rc_contest *c, int64_t id, const char *name, const char *emp, const char *unit,
		       int64_t score, int64_t reached_ds, int64_t streak, bool removed)
{
	if (c->np == c->pcap) {
		size_t cap = c->pcap ? c->pcap * 2 : 64;
		rc_participant *p = realloc(c->ps, cap * sizeof *p);
		if (!p)
			return -1;
		c->ps = p;
		c->pcap = cap;
	}
	rc_participant *p = &c->ps[c->np];
	memset(p, 0, sizeof *p);
	p->id = id;
	p->score_milli = score;
	p->reached_ds = reached_ds;
	p->streak = streak;
	p->removed = removed;
	p->first = c->na;
	p->name = strdup(name ? name : "");
	p->unit = strdup(unit ? unit : "");
	p->employee_no = dup_or_null(emp);
	if (!p->name || !p->unit || (emp && !p->employee_no)) {
		free(p->name);
		free(p->unit);
		free(p->employee_no);
		return -1;
	}
	c->np++;
	return 0;
}

int rc_add_answer(rc_contest *c, int64_t pid, int qidx, const char *response, int64_t points, int correctness,
		  int64_t response_ms, int64_t reached_ds)
{
	if (c->na == c->acap) {
		size_t cap = c->acap ? c->acap * 2 : 256;
		rc_answer *a = realloc(c->as, cap * sizeof *a);
		if (!a)
			return -1;
		c->as = a;
		c->acap = cap;
	}
	rc_answer *a = &c->as[c->na];
	memset(a, 0, sizeof *a);
	a->pid = pid;
	a->qidx = qidx;
	a->points_milli = points;
	a->correctness = correctness;
	a->response_ms = response_ms;
	a->reached_ds = reached_ds;
	a->override_milli = RC_NONE;
	if (!(a->response = strdup(response ? response : "")))
		return -1;
	c->na++;
	return 0;
}

static int by_answer(const void *x, const void *y)
{
	const rc_answer *a = x, *b = y;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return (a->qidx > b->qidx) - (a->qidx < b->qidx);
}

static int by_participant(const void *x, const void *y)
{
	const rc_participant *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

int rc_link(rc_contest *c)
{
	if (c->np) /* qsort wants an array, even of none */
		qsort(c->ps, c->np, sizeof *c->ps, by_participant);
	if (c->na)
		qsort(c->as, c->na, sizeof *c->as, by_answer);
	size_t k = 0, orphans = 0;
	for (size_t i = 0; i < c->np; i++) {
		rc_participant *p = &c->ps[i];
		while (k < c->na && c->as[k].pid < p->id)
			k++, orphans++;
		p->first = k;
		while (k < c->na && c->as[k].pid == p->id)
			k++;
		p->n = k - p->first;
	}
	return (int)(orphans + (c->na - k));
}

/* ------------------------------------------------------------ corrections */

static int find_question(const rc_contest *c, const cJSON *corr)
{
	const char *qid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(corr, "question_id"));
	for (int i = 0; qid && i < c->nq; i++)
		if (!strcmp(c->qs[i].qid, qid))
			return i;
	return -1;
}

static rc_answer *find_answer(const rc_contest *c, int64_t pid, int qi)
{
	for (size_t i = 0; i < c->np; i++)
		if (c->ps[i].id == pid)
			for (size_t k = 0; k < c->ps[i].n; k++)
				if (c->as[c->ps[i].first + k].qidx == qi)
					return &c->as[c->ps[i].first + k];
	return NULL;
}

static bool has_participant(const rc_contest *c, int64_t pid)
{
	for (size_t i = 0; i < c->np; i++)
		if (c->ps[i].id == pid)
			return true;
	return false;
}

int rc_correction_check(const rc_contest *c, const cJSON *corr, char *err, size_t n)
{
	int qi = find_question(c, corr);
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(corr, "participant_id");
	const cJSON *pts = cJSON_GetObjectItemCaseSensitive(corr, "points");
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(corr, "answer");
	if (!cJSON_IsObject(corr) || qi < 0) {
		snprintf(err, n, "correction.question_id: no question of the contest has this id");
		return -1;
	}
	if (key && (pid || pts)) {
		snprintf(err, n, "correction: either answer (the key) or participant_id and points");
		return -1;
	}
	if (key)
		return 0;
	if (!cJSON_IsNumber(pid) || !has_participant(c, (int64_t)pid->valuedouble)) {
		snprintf(err, n, "correction.participant_id: no participant of the contest has this id");
		return -1;
	}
	if (!cJSON_IsNumber(pts) || !isfinite(pts->valuedouble) || fabs(pts->valuedouble) > 1e9) {
		snprintf(err, n, "correction.points: a number of points is needed");
		return -1;
	}
	if (!find_answer(c, (int64_t)pid->valuedouble, qi)) {
		snprintf(err, n, "correction: the participant did not answer this question");
		return -1;
	}
	return 0;
}

int rc_correct_key(rc_contest *c, const cJSON *corr, char *err, size_t n)
{
	const cJSON *key = cJSON_GetObjectItemCaseSensitive(corr, "answer");
	int qi = find_question(c, corr);
	if (!key)
		return 0;
	if (qi < 0) {
		snprintf(err, n, "correction names an unknown question");
		return -1;
	}
	cJSON *copy = cJSON_Duplicate(key, 1);
	if (!copy || !cJSON_ReplaceItemInObjectCaseSensitive(c->qs[qi].def, "answer", copy)) {
		if (copy && cJSON_AddItemToObject(c->qs[qi].def, "answer", copy))
			return 0;
		cJSON_Delete(copy);
		snprintf(err, n, "out of memory");
		return -1;
	}
	return 0;
}

int rc_correct_mark(rc_contest *c, const cJSON *corr, char *err, size_t n)
{
	if (cJSON_GetObjectItemCaseSensitive(corr, "answer"))
		return 0;
	if (rc_correction_check(c, corr, err, n))
		return -1;
	int qi = find_question(c, corr);
	int64_t pid = (int64_t)cJSON_GetObjectItemCaseSensitive(corr, "participant_id")->valuedouble;
	rc_answer *a = find_answer(c, pid, qi);
	a->override_milli =
		(int64_t)llround(cJSON_GetObjectItemCaseSensitive(corr, "points")->valuedouble * 1000);
	c->qs[qi].override_n++;
	return 0;
}

/* ------------------------------------------------------------ rescore */

int rc_compile(rc_contest *c, const score_engine *eng, const cJSON *rules, char *err, size_t n)
{
	c->max_milli = 0;
	for (int i = 0; i < c->nq; i++) {
		char *why = NULL;
		score_question_free(c->qs[i].q);
		c->qs[i].q = NULL;
		int rc = score_compile(eng, c->qs[i].def, rules, &c->qs[i].q, &why);
		if (rc == SCORE_E_NOMEM) {
			snprintf(err, n, "out of memory");
			free(why);
			return -1;
		}
		free(why); /* a question that does not compile: its answers are reported */
		c->max_milli += c->qs[i].max_milli;
	}
	return 0;
}

cJSON *rc_reread(const score_question *q, const char *text)
{
	char *wrapped = malloc(strlen(text) + 3);
	if (!wrapped)
		return NULL;
	sprintf(wrapped, "[%s]", text);
	cJSON *cand[3] = {cJSON_Parse(text), cJSON_Parse(wrapped), cJSON_CreateString(text)};
	free(wrapped);
	cJSON *found = NULL;
	for (int i = 0; i < 3; i++) {
		char *canon = !found && cand[i] ? score_canonical_response(q, cand[i]) : NULL;
		if (canon && !strcmp(canon, text)) {
			found = cand[i];
			cand[i] = NULL;
		}
		free(canon);
		cJSON_Delete(cand[i]);
	}
	return found;
}

static void rescore_answer(const rc_contest *c, rc_answer *a, int *streak)
{
	const rc_question *q = a->qidx >= 0 && a->qidx < c->nq ? &c->qs[a->qidx] : NULL;
	a->bad = NULL;
	a->new_points = 0;
	a->new_correctness = 0;
	a->new_streak = *streak;
	cJSON *resp = q && q->q ? rc_reread(q->q, a->response) : NULL;
	score_ctx ctx = {.response_ms = a->response_ms < 0 ? 0 : a->response_ms,
			 .limit_ms = q ? q->limit_ms : 0,
			 .streak = *streak};
	score_result res;
	if (!q)
		a->bad = "no such question";
	else if (!q->q)
		a->bad = "the question does not compile";
	else if (!resp)
		a->bad = "the stored response cannot be read back";
	else if (score_answer(q->q, resp, &ctx, &res))
		a->bad = "the scoring engine refuses the stored response";
	cJSON_Delete(resp);
	if (a->bad)
		return;
	a->new_points = a->override_milli != RC_NONE ? a->override_milli : res.points_milli;
	a->new_correctness = res.correctness;
	a->new_streak = *streak = res.streak;
}

static void rescore_participant(rc_contest *c, rc_participant *p)
{
	int streak = 0;
	p->new_score = 0;
	p->new_reached_ds = 0;
	p->time_ms = 0;
	p->correct = p->wrong = 0;
	for (size_t k = 0; k < p->n; k++) {
		rc_answer *a = &c->as[p->first + k];
		rescore_answer(c, a, &streak);
		p->new_score += a->new_points;
		p->time_ms += a->response_ms;
		if (a->new_points != 0)
			p->new_reached_ds = a->reached_ds;
		p->correct += a->new_correctness == SCORE_CORRECT;
		p->wrong += a->new_correctness == SCORE_WRONG;
	}
	if (!p->n) /* never answered: nothing moved its stored time */
		p->new_reached_ds = p->reached_ds;
	p->new_streak = streak;
}

int rc_rescore(rc_contest *c, char *err, size_t n)
{
	for (size_t i = 0; i < c->np; i++)
		rescore_participant(c, &c->ps[i]);
	return rc_rank(c, err, n);
}

int rc_rank(rc_contest *c, char *err, size_t n)
{
	free(c->entries);
	free(c->places);
	c->entries = calloc(c->np + 1, sizeof *c->entries);
	c->places = calloc(c->np + 1, sizeof *c->places);
	if (!c->entries || !c->places) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < c->np; i++) {
		const rc_participant *p = &c->ps[i];
		results_entry *e = &c->entries[i];
		e->st.id = p->id;
		e->st.total_milli = p->new_score;
		e->st.reached_ms = p->new_reached_ds * 100;
		e->st.time_ms = p->time_ms;
		e->st.correct = p->correct;
		e->st.wrong = p->wrong;
		e->max_milli = c->max_milli > 0 ? c->max_milli : 1;
		e->passed = c->pass_mark < 0 ||
			    (double)p->new_score * 100.0 >= c->pass_mark * (double)c->max_milli - 1e-6;
	}
	char *why = NULL;
	if (results_rank(c->entries, c->np, &c->tb, c->places, &why) ||
	    (c->has_awards && results_awards_assign(&c->awards, c->entries, c->np, c->places))) {
		snprintf(err, n, "ranking: %s", why ? why : "the awards could not be given");
		free(why);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ the report */

void rc_report_release(rc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->d[i].what);
		free(r->d[i].name);
		free(r->d[i].qid);
		free(r->d[i].where);
		free(r->d[i].stored);
		free(r->d[i].computed);
	}
	free(r->d);
	memset(r, 0, sizeof *r);
}

void rc_report_skip(rc_report *r, const char *why)
{
	if (r->nskipped < (int)(sizeof r->skipped / sizeof r->skipped[0]))
		r->skipped[r->nskipped++] = why;
}

void rc_report_add(rc_report *r, const char *what, const rc_participant *p, int attempt_no, const char *qid,
		   const char *where, const char *stored, const char *computed)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		rc_diff *d = realloc(r->d, cap * sizeof *d);
		if (!d) {
			r->oom = 1;
			return;
		}
		r->d = d;
		r->cap = cap;
	}
	rc_diff *d = &r->d[r->n];
	d->what = strdup(what);
	d->pid = p ? p->id : -1;
	d->name = p ? strdup(p->name) : NULL;
	d->attempt_no = attempt_no;
	d->qid = dup_or_null(qid);
	d->where = dup_or_null(where);
	d->stored = strdup(stored);
	d->computed = strdup(computed);
	if (!d->what || (p && !d->name) || (qid && !d->qid) || (where && !d->where) || !d->stored ||
	    !d->computed) {
		free(d->what);
		free(d->name);
		free(d->qid);
		free(d->where);
		free(d->stored);
		free(d->computed);
		r->oom = 1;
		return;
	}
	r->n++;
}

static void add(rc_report *r, const char *what, const rc_participant *p, const char *qid, const char *stored,
		const char *computed)
{
	rc_report_add(r, what, p, 0, qid, NULL, stored, computed);
}

void rc_points_text(int64_t m, char *buf, size_t n)
{
	int64_t a = m < 0 ? -m : m;
	if (a % 1000 == 0)
		snprintf(buf, n, "%s%lld", m < 0 ? "-" : "", (long long)(a / 1000));
	else {
		int k = snprintf(buf, n, "%s%lld.%03lld", m < 0 ? "-" : "", (long long)(a / 1000),
				 (long long)(a % 1000));
		while (k > 0 && buf[k - 1] == '0')
			buf[--k] = '\0';
	}
}

static void add_num(rc_report *r, const char *what, const rc_participant *p, const char *qid, int64_t s,
		    int64_t c, bool points)
{
	char a[32], b[32];
	if (points) {
		rc_points_text(s, a, sizeof a);
		rc_points_text(c, b, sizeof b);
	} else {
		snprintf(a, sizeof a, "%lld", (long long)s);
		snprintf(b, sizeof b, "%lld", (long long)c);
	}
	add(r, what, p, qid, a, b);
}

const rc_participant *rc_participant_of(const rc_contest *c, int64_t pid)
{
	size_t lo = 0, hi = c->np; /* ps is in id order */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->ps[mid].id < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->np && c->ps[lo].id == pid)
		return &c->ps[lo];
	for (size_t i = 0; i < c->np; i++) /* not in order after all */
		if (c->ps[i].id == pid)
			return &c->ps[i];
	return NULL;
}

void rc_compare_answers(const rc_contest *c, rc_report *r)
{
	static const char *const corr[] = {"wrong", "partial", "correct"};
	for (size_t i = 0; i < c->np; i++) {
		const rc_participant *p = &c->ps[i];
		for (size_t k = 0; k < p->n; k++) {
			const rc_answer *a = &c->as[p->first + k];
			const char *qid = a->qidx >= 0 && a->qidx < c->nq ? c->qs[a->qidx].qid : "?";
			r->answers++;
			if (a->bad) {
				add(r, "answer.response", p, qid, a->response, a->bad);
				continue;
			}
			if (a->points_milli != a->new_points)
				add_num(r, "answer.points", p, qid, a->points_milli, a->new_points, true);
			if (a->correctness != a->new_correctness)
				add(r, "answer.correctness", p, qid,
				    a->correctness >= 0 && a->correctness <= 2 ? corr[a->correctness] : "?",
				    corr[a->new_correctness]);
		}
	}
}

void rc_compare_participants(const rc_contest *c, rc_report *r)
{
	for (size_t i = 0; i < c->np; i++) {
		const rc_participant *p = &c->ps[i];
		r->participants++;
		if (p->score_milli != p->new_score)
			add_num(r, "participant.total", p, NULL, p->score_milli, p->new_score, true);
		if (p->reached_ds != p->new_reached_ds)
			add_num(r, "participant.reached_ds", p, NULL, p->reached_ds, p->new_reached_ds,
				false);
		if (p->streak != p->new_streak)
			add_num(r, "participant.streak", p, NULL, p->streak, p->new_streak, false);
	}
}

static int by_pid(const void *x, const void *y)
{
	const rc_member *a = x, *b = y;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void rc_z_text(double z, char *buf, size_t n)
{
	char pts[32];
	rc_points_text(lb_score_from_z(z), pts, sizeof pts);
	snprintf(buf, n, "%s at %lld ds", pts, (long long)lb_ds_from_z(z));
}

void rc_compare_board(const rc_contest *c, const rc_member *m, size_t n, rc_report *r)
{
	rc_member *s = malloc((n + 1) * sizeof *s);
	if (!s) {
		r->oom = 1;
		return;
	}
	memcpy(s, m, n * sizeof *s);
	qsort(s, n, sizeof *s, by_pid);
	char a[64], b[64];
	for (size_t i = 0; i < c->np; i++) {
		const rc_participant *p = &c->ps[i];
		rc_member key = {.pid = p->id}, *hit = bsearch(&key, s, n, sizeof *s, by_pid);
		double want = lb_zscore(p->new_score, p->new_reached_ds);
		r->board++;
		if (p->removed) {
			if (hit)
				add(r, "board.removed", p, NULL, "on the board", "off the board");
			continue;
		}
		rc_z_text(want, b, sizeof b);
		if (!hit)
			add(r, "board.missing", p, NULL, "not on the board", b);
		else if (hit->z != want) {
			rc_z_text(hit->z, a, sizeof a);
			add(r, "board.score", p, NULL, a, b);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (s[i].pid < 0 || !rc_participant_of(c, s[i].pid)) {
			char id[32];
			snprintf(id, sizeof id, "member of participant %lld", (long long)s[i].pid);
			add(r, "board.extra", NULL, NULL, id, "no such participant");
		}
	free(s);
}

int rc_rows(const rc_contest *c, rc_row **out)
{
	rc_row *rows = calloc(c->np + 1, sizeof *rows);
	if (!rows)
		return -1;
	for (size_t i = 0; i < c->np; i++) {
		const results_place *pl = &c->places[i];
		const rc_participant *p = &c->ps[pl->entry];
		rows[i] = (rc_row){.place = (int64_t)i + 1,
				   .rank = pl->rank,
				   .pid = p->id,
				   .score_milli = p->new_score,
				   .tied = pl->tied,
				   .tier = c->has_awards ? pl->tier : RESULTS_TIER_NONE};
	}
	*out = rows;
	return 0;
}

static const char *tier_text(const rc_contest *c, int tier)
{
	const char *s = c->has_awards ? results_tier_name(&c->awards, tier, "zh-CN") : "";
	return tier == RESULTS_TIER_NONE || !*s ? "none" : s;
}

void rc_compare_rows(const rc_contest *c, const char *what, const rc_row *rows, size_t n, rc_report *r)
{
	char key[48];
	rc_row *mine;
	if (rc_rows(c, &mine)) {
		r->oom = 1;
		return;
	}
	size_t m = n > c->np ? n : c->np;
	for (size_t i = 0; i < m; i++) {
		const rc_row *s = i < n ? &rows[i] : NULL, *w = i < c->np ? &mine[i] : NULL;
		const rc_participant *p = rc_participant_of(c, w ? w->pid : rows[i].pid);
		char place[32];
		snprintf(place, sizeof place, "place %zu", i + 1);
		if (!strcmp(what, "release"))
			r->release++;
		else
			r->results++;
		if (!s || !w) {
			snprintf(key, sizeof key, "%s.%s", what, s ? "extra" : "missing");
			add(r, key, p, NULL, s ? place : "none", w ? place : "none");
			continue;
		}
		if (s->pid != w->pid) {
			snprintf(key, sizeof key, "%s.participant", what);
			add_num(r, key, p, NULL, s->pid, w->pid, false);
			continue;
		}
		if (s->rank != w->rank) {
			snprintf(key, sizeof key, "%s.rank", what);
			add_num(r, key, p, NULL, s->rank, w->rank, false);
		}
		if (s->tied != w->tied) {
			snprintf(key, sizeof key, "%s.tied", what);
			add(r, key, p, NULL, s->tied ? "tied" : "alone", w->tied ? "tied" : "alone");
		}
		if (s->score_milli != w->score_milli) {
			snprintf(key, sizeof key, "%s.score", what);
			add_num(r, key, p, NULL, s->score_milli, w->score_milli, true);
		}
		if (s->tier != RC_TIER_ANY && s->tier != w->tier) {
			snprintf(key, sizeof key, "%s.award", what);
			add(r, key, p, NULL, tier_text(c, s->tier), tier_text(c, w->tier));
		}
	}
	free(mine);
}

/* ------------------------------------------------------------ output */

static const char *const mode_names[] = {"live", "exam", "practice", "mass"};

void rc_report_print(const rc_contest *c, const rc_report *r, FILE *fp)
{
	for (size_t i = 0; i < r->n; i++) {
		const rc_diff *d = &r->d[i];
		const char *sep = "";
		fprintf(fp, "%s: ", d->what);
		if (d->pid >= 0) {
			fprintf(fp, "participant %lld %s", (long long)d->pid, d->name ? d->name : "");
			sep = " ";
		}
		if (d->attempt_no > 0) {
			fprintf(fp, "%sattempt %d", sep, d->attempt_no);
			sep = " ";
		}
		if (d->qid) {
			fprintf(fp, "%squestion %s", sep, d->qid);
			sep = " ";
		}
		if (d->where) {
			fprintf(fp, "%s%s", sep, d->where);
			sep = " ";
		}
		fprintf(fp, "%sstored %s, recomputed %s\n", *sep ? ": " : "", d->stored, d->computed);
	}
	for (int i = 0; i < r->nskipped; i++)
		fprintf(fp, "not compared: %s\n", r->skipped[i]);
	fprintf(fp, "contest %s: ", c->code ? c->code : "?");
	if (c->mode == RC_PRACTICE)
		fprintf(fp, "%zu practice answers, %zu notebook entries", r->practice, r->notebook);
	else if (c->mode != RC_LIVE)
		fprintf(fp,
			"%zu attempts, %zu answers, %zu participants, %zu board entries, %zu day board entries, "
			"%zu unit rows, %zu result rows, %zu release rows",
			r->attempts, r->answers, r->participants, r->board, r->days, r->units, r->results,
			r->release);
	else
		fprintf(fp,
			"%zu answers, %zu participants, %zu board entries, %zu result rows, %zu release rows",
			r->answers, r->participants, r->board, r->results, r->release);
	fprintf(fp, " compared: %zu difference%s%s\n", r->n, r->n == 1 ? "" : "s",
		r->oom ? " (out of memory: the report is incomplete)" : "");
}

cJSON *rc_report_json(const rc_contest *c, const rc_report *r)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "differences");
	cJSON *cmp = cJSON_AddObjectToObject(o, "compared"), *sk = cJSON_AddArrayToObject(o, "not_compared");
	cJSON_AddStringToObject(o, "code", c->code ? c->code : "");
	cJSON_AddNumberToObject(o, "contest_id", (double)c->id);
	cJSON_AddStringToObject(o, "mode",
				c->mode >= RC_LIVE && c->mode <= RC_MASS ? mode_names[c->mode] : "?");
	cJSON_AddNumberToObject(cmp, "answers", (double)r->answers);
	cJSON_AddNumberToObject(cmp, "attempts", (double)r->attempts);
	cJSON_AddNumberToObject(cmp, "days", (double)r->days);
	cJSON_AddNumberToObject(cmp, "units", (double)r->units);
	cJSON_AddNumberToObject(cmp, "practice", (double)r->practice);
	cJSON_AddNumberToObject(cmp, "notebook", (double)r->notebook);
	cJSON_AddNumberToObject(cmp, "participants", (double)r->participants);
	cJSON_AddNumberToObject(cmp, "board", (double)r->board);
	cJSON_AddNumberToObject(cmp, "results", (double)r->results);
	cJSON_AddNumberToObject(cmp, "release", (double)r->release);
	cJSON_AddNumberToObject(cmp, "revision", (double)r->revision);
	for (int i = 0; i < r->nskipped; i++)
		cJSON_AddItemToArray(sk, cJSON_CreateString(r->skipped[i]));
	for (size_t i = 0; i < r->n; i++) {
		const rc_diff *d = &r->d[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "what", d->what);
		if (d->pid >= 0)
			cJSON_AddNumberToObject(e, "participant_id", (double)d->pid);
		else
			cJSON_AddNullToObject(e, "participant_id");
		cJSON_AddItemToObject(e, "name", d->name ? cJSON_CreateString(d->name) : cJSON_CreateNull());
		if (d->attempt_no > 0) /* self-paced only: a live contest's differences keep their shape */
			cJSON_AddNumberToObject(e, "attempt_no", d->attempt_no);
		cJSON_AddItemToObject(e, "question_id",
				      d->qid ? cJSON_CreateString(d->qid) : cJSON_CreateNull());
		if (d->where)
			cJSON_AddStringToObject(e, "where", d->where);
		cJSON_AddStringToObject(e, "stored", d->stored);
		cJSON_AddStringToObject(e, "recomputed", d->computed);
		cJSON_AddItemToArray(arr, e);
	}
	cJSON_AddBoolToObject(o, "complete", !r->oom);
	return o;
}
