/*
 * analysis_read.c - the analysis of one contest (analysis.h), on a pool
 * thread: its data read from PostgreSQL with one blocking connection,
 * computed by the results library, answered as JSON or as one SVG chart.
 *
 *   contest   mode, awards definition, attempts.counts, phase, question index
 *   roster    the units the contest's roster covers (contest_roster_covers;
 *             all of them when it names none) with their active workers;
 *             paths normalized as the library does, equal ones merged
 *   members   live: every participant, their total; self-paced: who
 *             finished an attempt (in the period), their counted attempt's
 *             score (attempts.counts: best, or last)
 *   items     live: the questions opened so far (all once finished); each
 *             participant who answered one is an attempt, a question without
 *             their answer left blank. Self-paced: every finished attempt (in
 *             the period) with its paper's questions (the served pool's),
 *             the answer that counted for each
 *   release   the latest revision of the contest's current run: its rows'
 *             units and award tiers
 *
 * A mark is capped at its question's maximum (a streak bonus is the
 * contest's, not the question's). What other processes wrote is checked
 * before use: a unit path the library refuses counts as unassigned, an
 * option index outside the question's options is dropped, a tier outside
 * 0..15 is no award.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/analysis.h"
#include "core/err.h"
#include "results.h"
#include "store/store.h"

#define HIST_BINS 10
#define PERIOD                                                                 \
	"t.day BETWEEN coalesce(nullif($2, '')::date, '-infinity'::date) AND " \
	"coalesce(nullif($3, '')::date, 'infinity'::date)"

typedef struct an_data {
	const an_query *q;
	PGconn *pg;
	PGresult *contest, *roster, *members, *questions, *relrows;
	char id[24];
	int live, finished, has_aw;
	int64_t qindex, max_milli;
	char *title;
	results_awards aw;
	results_roster_row *rr;
	size_t nrr;
	results_member *m;
	int64_t *score;
	size_t nm;
	results_item_def *items;
	const char **texts; /* per item: its text as JSON, or NULL */
	size_t nitems;
	results_response *resp;
	size_t nresp, nattempts;
	int revision;
	char rel_status[16], rel_at[64];
	results_member *won;
	size_t nwon;
	const char *tier[RESULTS_MAX_TIERS], *part;
	int ntiers;
	char *err;
	size_t errlen;
} an_data;

static PGresult *rows(an_data *d, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(d->pg, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	snprintf(d->err, d->errlen, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return NULL;
}

static int64_t cell_int(const PGresult *r, int row, int col, int64_t dflt)
{
	int64_t v;
	return store_int(r, row, col, -INT64_MAX, INT64_MAX, &v) ? dflt : v;
}

/* A unit path the library takes (its own copy normalizes), else NULL (unassigned). */
static const char *unit_ok(const char *path)
{
	char *norm = NULL;
	if (!path || !*path || results_unit_norm(path, &norm))
		return NULL;
	free(norm);
	return path;
}

/* Picked options ("{0,2}") as bits below noptions. */
static uint64_t option_bits(const char *arr, int noptions)
{
	uint64_t bits = 0;
	for (const char *s = arr; s && *s;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end != s && v >= 0 && v < noptions)
			bits |= 1ull << v;
		s = end != s ? end : s + 1;
	}
	return bits;
}

static int64_t cap(int64_t x, int64_t max) { return x > max ? max : x < -max ? -max : x; }

/* ------------------------------------------------------------ the contest */

static char *title_of(const char *json, int en)
{
	cJSON *t = cJSON_Parse(json ? json : "");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, en ? "en" : "zh-CN");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(t, "zh-CN");
	const char *s = cJSON_IsString(t)   ? t->valuestring
			: cJSON_IsString(v) ? v->valuestring
					    : (t && cJSON_IsString(t->child) ? t->child->valuestring : "");
	char *out = strdup(s);
	cJSON_Delete(t);
	return out;
}

/* 0, SA_E_NOT_FOUND, or SA_E_INVALID_FIELD (a period asked of a live contest: out says why). */
static int read_contest(an_data *d, an_out *out)
{
	const char *p[1] = {d->q->code};
	PGresult *r = d->contest = rows(
		d,
		"SELECT id, code, title::text, coalesce(definition->>'mode', 'live'), "
		"coalesce(definition->'awards', 'null')::text, coalesce(definition#>>'{attempts,counts}', 'best'), "
		"phase = 'finished' OR status IN ('finished', 'archived'), qindex FROM contests WHERE code = upper($1)",
		1, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	if (PQntuples(r) != 1)
		return SA_E_NOT_FOUND;
	snprintf(d->id, sizeof d->id, "%lld", (long long)cell_int(r, 0, 0, 0));
	d->live = !strcmp(PQgetvalue(r, 0, 3), "live");
	d->finished = !strcmp(PQgetvalue(r, 0, 6), "t");
	d->qindex = cell_int(r, 0, 7, -1);
	if (!(out->code = strdup(PQgetvalue(r, 0, 1))) ||
	    !(d->title = title_of(PQgetvalue(r, 0, 2), d->q->lang_en)))
		return SA_E_INTERNAL;
	cJSON *aw = cJSON_Parse(PQgetvalue(r, 0, 4));
	char *why = NULL;
	if (cJSON_IsObject(aw) && !results_awards_parse(aw, d->q->lang_en ? "en" : "zh-CN", &d->aw, &why))
		d->has_aw = 1;
	free(why);
	cJSON_Delete(aw);
	if (d->live && (*d->q->from || *d->q->to)) {
		out->field = *d->q->from ? "from" : "to";
		out->zh = "按日期段分析只适用于考试和大型知识竞赛";
		out->en = "a period is for self-paced (exam, mass) contests only";
		return SA_E_INVALID_FIELD;
	}
	return 0;
}

/* ------------------------------------------------------------ roster and participants */

static int by_unit(const void *a, const void *b)
{
	return strcmp(((const results_roster_row *)a)->unit, ((const results_roster_row *)b)->unit);
}

static int read_roster(an_data *d)
{
	const char *p[1] = {d->id};
	PGresult *r = d->roster =
		rows(d,
		     "SELECT u.path, count(w.id) FILTER (WHERE w.active) FROM units u "
		     "LEFT JOIN workers w ON w.unit_id = u.id WHERE contest_roster_covers($1, u.path) "
		     "GROUP BY u.path ORDER BY u.path",
		     1, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	int n = PQntuples(r);
	if (!(d->rr = calloc((size_t)n + 1, sizeof *d->rr)))
		return SA_E_INTERNAL;
	for (int i = 0; i < n; i++) {
		char *norm = NULL;
		if (results_unit_norm(PQgetvalue(r, i, 0), &norm))
			continue;
		d->rr[d->nrr++] =
			(results_roster_row){norm, cell_int(r, i, 1, 0) > 0 ? cell_int(r, i, 1, 0) : 0};
	}
	qsort(d->rr, d->nrr, sizeof *d->rr, by_unit);
	size_t k = 0;
	for (size_t i = 0; i < d->nrr; i++) { /* equal once normalized: one unit */
		if (k && !strcmp(d->rr[k - 1].unit, d->rr[i].unit)) {
			d->rr[k - 1].headcount += d->rr[i].headcount;
			free((char *)d->rr[i].unit);
		} else
			d->rr[k++] = d->rr[i];
	}
	d->nrr = k;
	return 0;
}

static int read_members(an_data *d)
{
	const char *counts = PQgetvalue(d->contest, 0, 5);
	const char *p[4] = {d->id, d->q->from, d->q->to, counts};
	PGresult *r = d->members =
		d->live ? rows(d,
			       "SELECT unit, score_milli FROM participants WHERE contest_id = $1 ORDER BY id",
			       1, p)
			: rows(d,
			       "SELECT DISTINCT ON (t.participant_id) p.unit, t.score_milli FROM attempts t "
			       "JOIN participants p ON p.id = t.participant_id "
			       "WHERE t.contest_id = $1 AND t.status <> 'open' AND " PERIOD " "
			       "ORDER BY t.participant_id, CASE WHEN $4 = 'last' THEN t.attempt_no END DESC NULLS LAST, "
			       "t.score_milli DESC, t.duration_ms, t.attempt_no",
			       4, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	size_t n = (size_t)PQntuples(r);
	d->m = calloc(n + 1, sizeof *d->m);
	d->score = calloc(n + 1, sizeof *d->score);
	if (!d->m || !d->score)
		return SA_E_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		d->m[i] = (results_member){unit_ok(PQgetvalue(r, (int)i, 0)), RESULTS_TIER_NONE};
		d->score[i] = cell_int(r, (int)i, 1, 0);
	}
	d->nm = n;
	PGresult *mx =
		rows(d,
		     d->live ? "SELECT coalesce(sum(max_milli), 0) FROM questions WHERE contest_id = $1"
			     : "SELECT coalesce(max(t.max_milli), 0) FROM attempts t WHERE t.contest_id = $1 "
			       "AND t.status <> 'open' AND " PERIOD,
		     d->live ? 1 : 3, p);
	if (!mx)
		return SA_E_UNAVAILABLE;
	d->max_milli = PQntuples(mx) == 1 ? cell_int(mx, 0, 0, 0) : 0;
	PQclear(mx);
	return 0;
}

/* ------------------------------------------------------------ items: live */

static int live_items(an_data *d)
{
	const char *p[1] = {d->id};
	PGresult *q = d->questions =
		rows(d,
		     "SELECT idx, qid, max_milli, CASE WHEN jsonb_typeof(definition->'options') = 'array' "
		     "THEN jsonb_array_length(definition->'options') ELSE 0 END, (definition->'text')::text "
		     "FROM questions WHERE contest_id = $1 ORDER BY idx",
		     1, p);
	if (!q)
		return SA_E_UNAVAILABLE;
	int nq = PQntuples(q);
	int64_t opened = d->finished ? nq : d->qindex + 1;
	long *map = calloc((size_t)nq + 1, sizeof *map); /* question idx -> item, -1 none */
	d->items = calloc((size_t)nq + 1, sizeof *d->items);
	d->texts = calloc((size_t)nq + 1, sizeof *d->texts);
	if (!map || !d->items || !d->texts) {
		free(map);
		return SA_E_INTERNAL;
	}
	for (int i = 0; i < nq; i++)
		map[i] = -1;
	for (int i = 0; i < nq; i++) {
		int64_t idx = cell_int(q, i, 0, -1), max = cell_int(q, i, 2, 0), nopt = cell_int(q, i, 3, 0);
		if (idx < 0 || idx >= nq || idx >= opened || max <= 0 || map[idx] >= 0)
			continue;
		map[idx] = (long)d->nitems;
		d->texts[d->nitems] = PQgetisnull(q, i, 4) ? NULL : PQgetvalue(q, i, 4);
		d->items[d->nitems++] = (results_item_def){
			PQgetvalue(q, i, 1), max, nopt > 0 && nopt <= RESULTS_MAX_OPTIONS ? (int)nopt : 0};
	}
	PGresult *a = rows(d,
			   "SELECT participant_id, question_idx, points_milli, options::text FROM answers "
			   "WHERE contest_id = $1 ORDER BY participant_id, question_idx",
			   1, p);
	int rc = a ? 0 : SA_E_UNAVAILABLE;
	int n = a ? PQntuples(a) : 0;
	size_t people = 0;
	for (int i = 0; i < n; i++)
		people += !i || strcmp(PQgetvalue(a, i, 0), PQgetvalue(a, i - 1, 0));
	if (!rc && d->nitems && !(d->resp = calloc(people * d->nitems + 1, sizeof *d->resp)))
		rc = SA_E_INTERNAL;
	for (int i = 0; !rc && d->nitems && i < n; i++) {
		if (!i || strcmp(PQgetvalue(a, i, 0), PQgetvalue(a, i - 1, 0))) { /* the next participant */
			for (size_t k = 0; k < d->nitems; k++)
				d->resp[d->nresp + k] = (results_response){d->nattempts, k, 0, 0, false};
			d->nresp += d->nitems;
			d->nattempts++;
		}
		int64_t idx = cell_int(a, i, 1, -1);
		if (idx < 0 || idx >= nq || map[idx] < 0)
			continue;
		const results_item_def *it = &d->items[map[idx]];
		results_response *x = &d->resp[d->nresp - d->nitems + (size_t)map[idx]];
		x->x_milli = cap(cell_int(a, i, 2, 0), it->max_milli);
		x->options = option_bits(PQgetvalue(a, i, 3), it->noptions);
		x->answered = true;
	}
	PQclear(a);
	free(map);
	return rc;
}

/* ------------------------------------------------------------ items: self-paced */

typedef struct pool_ix {
	const char *id;
	size_t k;
} pool_ix;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const pool_ix *)a)->id, ((const pool_ix *)b)->id);
}

static long pool_find(const pool_ix *ix, size_t n, const char *id)
{
	pool_ix key = {id, 0};
	const pool_ix *f = id ? bsearch(&key, ix, n, sizeof *ix, by_id) : NULL;
	return f ? (long)f->k : -1;
}

static int resp_push(an_data *d, size_t *rcap, results_response x)
{
	if (d->nresp == *rcap) {
		size_t c = *rcap ? *rcap * 2 : 1024;
		results_response *p = realloc(d->resp, c * sizeof *p);
		if (!p)
			return SA_E_INTERNAL;
		d->resp = p;
		*rcap = c;
	}
	d->resp[d->nresp++] = x;
	return 0;
}

/* The paper of attempt row i: a response per question (blank), their positions in slot[]. */
static int paper_slots(an_data *d, const char *json, const pool_ix *ix, size_t *stamp, long **slot,
		       int *nslot, size_t *rcap)
{
	cJSON *paper = cJSON_Parse(json), *e;
	int n = cJSON_GetArraySize(paper), rc = 0, s = 0;
	long *p = realloc(*slot, ((size_t)n + 1) * sizeof *p);
	if (!p) {
		cJSON_Delete(paper);
		return SA_E_INTERNAL;
	}
	*slot = p;
	cJSON_ArrayForEach(e, paper)
	{
		long k = pool_find(ix, d->q->npool,
				   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "q")));
		p[s] = -1;
		if (k >= 0 && d->q->pool[k].max_milli > 0 && stamp[k] != d->nattempts + 1) {
			stamp[k] = d->nattempts + 1;
			p[s] = (long)d->nresp;
			rc = rc ? rc
				: resp_push(d, rcap,
					    (results_response){d->nattempts, (size_t)k, 0, 0, false});
		}
		s++;
	}
	*nslot = s;
	cJSON_Delete(paper);
	return rc;
}

/* Only the questions some paper held, in the pool's order. */
static int compact_items(an_data *d)
{
	size_t n = d->q->npool;
	long *to = calloc(n + 1, sizeof *to);
	d->items = calloc(n + 1, sizeof *d->items);
	d->texts = calloc(n + 1, sizeof *d->texts);
	if (!to || !d->items || !d->texts) {
		free(to);
		return SA_E_INTERNAL;
	}
	for (size_t i = 0; i < d->nresp; i++)
		to[d->resp[i].item] = 1;
	for (size_t k = 0; k < n; k++) {
		const an_pool_q *pq = &d->q->pool[k];
		if (!to[k]) {
			to[k] = -1;
			continue;
		}
		to[k] = (long)d->nitems;
		d->texts[d->nitems] = pq->text;
		d->items[d->nitems++] = (results_item_def){
			pq->id, pq->max_milli,
			pq->noptions > 0 && pq->noptions <= RESULTS_MAX_OPTIONS ? pq->noptions : 0};
	}
	for (size_t i = 0; i < d->nresp; i++)
		d->resp[i].item = (size_t)to[d->resp[i].item];
	free(to);
	return 0;
}

static int selfpaced_items(an_data *d)
{
	const char *p[3] = {d->id, d->q->from, d->q->to};
	size_t n = d->q->npool, rcap = 0;
	if (!d->q->served)
		return 0;
	PGresult *t = rows(d,
			   "SELECT t.id, t.paper::text FROM attempts t WHERE t.contest_id = $1 "
			   "AND t.status <> 'open' AND " PERIOD " ORDER BY t.id",
			   3, p);
	PGresult *a =
		t ? rows(d,
			 "SELECT x.attempt_id, x.question_idx, x.points_milli, x.options::text, "
			 "x.response IS NOT NULL FROM attempt_answers x JOIN attempts t ON t.id = x.attempt_id "
			 "WHERE t.contest_id = $1 AND t.status <> 'open' AND " PERIOD
			 " ORDER BY x.attempt_id, x.question_idx",
			 3, p)
		  : NULL;
	pool_ix *ix = calloc(n + 1, sizeof *ix);
	size_t *stamp = calloc(n + 1, sizeof *stamp);
	long *slot = NULL;
	int rc = !t || !a ? SA_E_UNAVAILABLE : !ix || !stamp ? SA_E_INTERNAL : 0, nslot = 0;
	for (size_t k = 0; ix && k < n; k++)
		ix[k] = (pool_ix){d->q->pool[k].id, k};
	if (ix)
		qsort(ix, n, sizeof *ix, by_id);
	for (int i = 0, j = 0, na = a ? PQntuples(a) : 0; !rc && i < PQntuples(t); i++, d->nattempts++) {
		int64_t id = cell_int(t, i, 0, 0);
		rc = paper_slots(d, PQgetvalue(t, i, 1), ix, stamp, &slot, &nslot, &rcap);
		for (; !rc && j < na && cell_int(a, j, 0, 0) <= id; j++) {
			int64_t s = cell_int(a, j, 1, -1);
			if (cell_int(a, j, 0, 0) < id || s < 0 || s >= nslot || slot[s] < 0)
				continue;
			results_response *x = &d->resp[slot[s]];
			const an_pool_q *pq = &d->q->pool[x->item];
			x->x_milli = cap(cell_int(a, j, 2, 0), pq->max_milli);
			x->options = option_bits(PQgetvalue(a, j, 3), pq->noptions);
			x->answered = !strcmp(PQgetvalue(a, j, 4), "t");
		}
	}
	if (!rc)
		rc = compact_items(d);
	PQclear(t);
	PQclear(a);
	free(ix);
	free(stamp);
	free(slot);
	return rc;
}

/* ------------------------------------------------------------ the latest release */

static int read_release(an_data *d)
{
	const char *p[2] = {d->id, NULL};
	PGresult *r =
		rows(d,
		     "SELECT r.revision, r.status, to_json(r.published_at)#>>'{}' FROM result_releases r "
		     "JOIN contests c ON c.id = r.contest_id AND r.epoch = c.epoch WHERE c.id = $1 "
		     "ORDER BY r.revision DESC LIMIT 1",
		     1, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	if (PQntuples(r) == 1) {
		d->revision = (int)cell_int(r, 0, 0, 0);
		snprintf(d->rel_status, sizeof d->rel_status, "%s", PQgetvalue(r, 0, 1));
		snprintf(d->rel_at, sizeof d->rel_at, "%s", PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	if (d->has_aw) {
		d->ntiers = d->aw.ntiers;
		for (int k = 0; k < d->ntiers; k++)
			d->tier[k] = results_tier_name(&d->aw, k, d->q->lang_en ? "en" : "zh-CN");
		if (d->aw.has_participation)
			d->part = results_tier_name(&d->aw, RESULTS_TIER_PARTICIPATION,
						    d->q->lang_en ? "en" : "zh-CN");
	}
	if (!d->revision)
		return 0;
	char rev[16];
	snprintf(rev, sizeof rev, "%d", d->revision);
	p[1] = rev;
	r = d->relrows = rows(
		d,
		"SELECT unit, award_tier, award, award_en FROM result_release_rows WHERE contest_id = $1 AND revision = $2",
		2, p);
	if (!r)
		return SA_E_UNAVAILABLE;
	size_t n = (size_t)PQntuples(r);
	if (!(d->won = calloc(n + 1, sizeof *d->won)))
		return SA_E_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		int64_t tier = cell_int(r, (int)i, 1, RESULTS_TIER_NONE);
		const char *name = PQgetvalue(r, (int)i, d->q->lang_en && !PQgetisnull(r, (int)i, 3) ? 3 : 2);
		if (tier < RESULTS_TIER_PARTICIPATION || tier >= RESULTS_MAX_TIERS ||
		    tier == RESULTS_TIER_NONE)
			tier = RESULTS_TIER_NONE;
		else if (tier == RESULTS_TIER_PARTICIPATION && !d->part)
			d->part = name;
		for (; tier >= d->ntiers;
		     d->ntiers++) /* a tier the definition no longer has: its stored name */
			d->tier[d->ntiers] = tier == d->ntiers ? name : "?";
		d->won[d->nwon++] = (results_member){unit_ok(PQgetvalue(r, (int)i, 0)), (int)tier};
	}
	return 0;
}

/* ------------------------------------------------------------ JSON */

static cJSON *units_json(const results_units *u, int awards, int ntiers)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < u->n; i++) {
		const results_unit *x = &u->u[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "path", x->path);
		cJSON_AddStringToObject(o, "name", x->name);
		cJSON_AddNumberToObject(o, "depth", x->depth);
		cJSON_AddNumberToObject(o, "headcount", (double)x->headcount);
		if (!awards) {
			cJSON_AddNumberToObject(o, "participants", (double)x->participants);
			cJSON_AddItemToObject(
				o, "rate", x->headcount ? cJSON_CreateNumber(x->rate) : cJSON_CreateNull());
			cJSON_AddBoolToObject(o, "unlisted", x->unlisted);
			continue;
		}
		cJSON *c = cJSON_AddArrayToObject(o, "counts");
		for (int k = 0; k < ntiers; k++)
			cJSON_AddItemToArray(c, cJSON_CreateNumber((double)x->awards[k]));
		cJSON_AddNumberToObject(o, "participation", (double)x->participation);
	}
	return arr;
}

static cJSON *scores_json(const an_data *d, const results_hist *h)
{
	cJSON *o = cJSON_CreateObject(), *bins = cJSON_AddArrayToObject(o, "bins");
	double sum = 0;
	for (size_t i = 0; i < d->nm; i++)
		sum += (double)d->score[i];
	cJSON_AddNumberToObject(o, "participants", (double)d->nm);
	cJSON_AddNumberToObject(o, "max", (double)h->hi / 1000.0);
	cJSON_AddItemToObject(o, "mean",
			      d->nm ? cJSON_CreateNumber(sum / (double)d->nm / 1000.0) : cJSON_CreateNull());
	for (int i = 0; i < h->nbins; i++) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddItemToArray(bins, b);
		cJSON_AddNumberToObject(b, "from", results_hist_edge(h, i) / 1000.0);
		cJSON_AddNumberToObject(b, "to", results_hist_edge(h, i + 1) / 1000.0);
		cJSON_AddNumberToObject(b, "count", (double)h->counts[i]);
	}
	cJSON_AddNumberToObject(o, "below", (double)h->below);
	cJSON_AddNumberToObject(o, "above", (double)h->above);
	return o;
}

static cJSON *items_json(const an_data *d, const results_analysis *an)
{
	cJSON *o = results_analysis_json(an, d->items), *it;
	int i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "items"))
	{
		cJSON *text = d->texts[i] ? cJSON_Parse(d->texts[i]) : NULL;
		cJSON_AddNumberToObject(it, "index", i);
		cJSON_AddItemToObject(it, "text", text ? text : cJSON_CreateNull());
		i++;
	}
	cJSON_AddBoolToObject(o, "available", d->live || d->q->served);
	return o;
}

static cJSON *awards_json(const an_data *d, const results_units *w)
{
	if (!d->revision)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject(), *tiers = cJSON_AddArrayToObject(o, "tiers");
	cJSON_AddNumberToObject(o, "revision", d->revision);
	cJSON_AddStringToObject(o, "status", d->rel_status);
	cJSON_AddStringToObject(o, "published_at", d->rel_at);
	for (int k = 0; k < d->ntiers; k++)
		cJSON_AddItemToArray(tiers, cJSON_CreateString(d->tier[k]));
	cJSON_AddItemToObject(o, "participation", d->part ? cJSON_CreateString(d->part) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "units", units_json(w, 1, d->ntiers));
	return o;
}

/* ------------------------------------------------------------ the computation */

typedef struct an_calc {
	results_units u, w;
	results_hist h;
	results_analysis *an;
} an_calc;

static int calc(an_data *d, an_calc *c, int chart)
{
	char *why = NULL;
	int rc = 0;
	if (chart == AN_JSON || chart == AN_PARTICIPATION)
		rc = results_units_build(d->rr, d->nrr, d->m, d->nm, &c->u, &why);
	if (!rc && (chart == AN_JSON || chart == AN_AWARDS))
		rc = results_units_build(d->rr, d->nrr, d->won, d->nwon, &c->w, &why);
	if (!rc && (chart == AN_JSON || chart == AN_SCORES)) {
		int64_t hi = d->max_milli, top = 0;
		for (size_t i = 0; i < d->nm; i++)
			top = d->score[i] > top ? d->score[i] : top;
		hi = hi > 0 ? hi : top > 0 ? top : 100000;
		int bins = hi / 1000 < HIST_BINS ? (int)(hi / 1000) : HIST_BINS;
		rc = results_histogram(d->score, d->nm, 0, hi, bins > 0 ? bins : 1, &c->h);
	}
	if (!rc && (chart == AN_JSON || chart == AN_ITEMS))
		rc = results_items_analyse(d->items, d->nitems, d->resp, d->nresp, d->nattempts, NULL, &c->an,
					   &why);
	if (rc)
		snprintf(d->err, d->errlen, "%s: %s", results_strerror(rc, "en"), why ? why : "");
	free(why);
	return rc ? SA_E_INTERNAL : 0;
}

static int chart_svg(const an_data *d, const an_calc *c, an_out *out)
{
	char title[256];
	const an_query *q = d->q;
	const char *lang = q->lang_en ? "en" : "zh-CN";
	snprintf(title, sizeof title, "%s · %s%s%s%s%s", q->chart_title, out->code,
		 *q->from || *q->to ? " · " : "", q->from, *q->from || *q->to ? "–" : "", q->to);
	results_chart_text t = {title, NULL, lang, q->font};
	int rc = q->chart == AN_PARTICIPATION ? results_svg_participation(&c->u, q->depth, &t, &out->svg)
		 : q->chart == AN_SCORES      ? results_svg_histogram(&c->h, &t, &out->svg)
		 : q->chart == AN_ITEMS
			 ? results_svg_items(c->an, d->items, NULL, &t, &out->svg)
			 : results_svg_awards(&c->w, q->depth, d->tier, d->ntiers, d->part, &t, &out->svg);
	if (rc)
		snprintf(d->err, d->errlen, "chart: %s", results_strerror(rc, "en"));
	return rc ? SA_E_INTERNAL : 0;
}

static int json_of(const an_data *d, const an_calc *c, an_out *out)
{
	cJSON *o = out->json = cJSON_CreateObject(), *part = cJSON_CreateObject();
	int64_t head = 0;
	for (size_t i = 0; i < c->u.n; i++)
		head += c->u.u[i].depth ? 0 : c->u.u[i].headcount;
	cJSON_AddStringToObject(o, "code", out->code);
	cJSON_AddStringToObject(o, "title", d->title);
	cJSON_AddStringToObject(o, "mode", PQgetvalue(d->contest, 0, 3));
	if (*d->q->from || *d->q->to) {
		cJSON *p = cJSON_AddObjectToObject(o, "period");
		cJSON_AddItemToObject(p, "from",
				      *d->q->from ? cJSON_CreateString(d->q->from) : cJSON_CreateNull());
		cJSON_AddItemToObject(p, "to", *d->q->to ? cJSON_CreateString(d->q->to) : cJSON_CreateNull());
	} else
		cJSON_AddNullToObject(o, "period");
	cJSON_AddItemToObject(o, "participation", part);
	cJSON_AddNumberToObject(part, "headcount", (double)head);
	cJSON_AddNumberToObject(part, "participants", (double)d->nm);
	cJSON_AddNumberToObject(part, "unassigned", (double)c->u.unassigned);
	cJSON_AddItemToObject(part, "units", units_json(&c->u, 0, 0));
	cJSON_AddItemToObject(o, "scores", scores_json(d, &c->h));
	cJSON_AddItemToObject(o, "items", items_json(d, c->an));
	cJSON_AddItemToObject(o, "awards", awards_json(d, &c->w));
	return cJSON_GetObjectItemCaseSensitive(o, "awards") && cJSON_GetObjectItemCaseSensitive(o, "items")
		       ? 0
		       : SA_E_INTERNAL;
}

static void data_release(an_data *d)
{
	PQclear(d->contest);
	PQclear(d->roster);
	PQclear(d->members);
	PQclear(d->questions);
	PQclear(d->relrows);
	if (d->has_aw)
		results_awards_release(&d->aw);
	for (size_t i = 0; i < d->nrr; i++)
		free((char *)d->rr[i].unit);
	free(d->rr);
	free(d->title);
	free(d->m);
	free(d->score);
	free(d->items);
	free(d->texts);
	free(d->resp);
	free(d->won);
}

int an_compute(const an_query *q, an_out *out, char *err, size_t errlen)
{
	an_data d = {.q = q, .err = err, .errlen = errlen};
	an_calc c = {0};
	int rc, ch = q->chart;
	d.pg = PQconnectdb(q->conninfo);
	if (PQstatus(d.pg) != CONNECTION_OK) {
		snprintf(err, errlen, "connect: %s", PQerrorMessage(d.pg));
		rc = SA_E_UNAVAILABLE;
	} else if (!(rc = read_contest(&d, out)) && !(rc = read_roster(&d)) && !(rc = read_members(&d)) &&
		   (ch == AN_JSON || ch == AN_ITEMS))
		rc = d.live ? live_items(&d) : selfpaced_items(&d);
	if (!rc && (ch == AN_JSON || ch == AN_AWARDS))
		rc = read_release(&d);
	PQfinish(d.pg);
	d.pg = NULL;
	if (!rc && !(rc = calc(&d, &c, ch)))
		rc = ch == AN_JSON ? json_of(&d, &c, out) : chart_svg(&d, &c, out);
	results_units_release(&c.u);
	results_units_release(&c.w);
	results_analysis_free(c.an);
	data_release(&d);
	return rc;
}

void an_query_release(an_query *q)
{
	for (size_t i = 0; i < q->npool; i++) {
		free(q->pool[i].id);
		free(q->pool[i].text);
	}
	free(q->pool);
	q->pool = NULL;
	q->npool = 0;
}

void an_out_release(an_out *o)
{
	free(o->code);
	cJSON_Delete(o->json);
	free(o->svg);
	o->code = NULL;
	o->json = NULL;
	o->svg = NULL;
}
