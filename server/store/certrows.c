/*
 * certrows.c - the final ranking certificates are issued from (see
 * certrows.h): the one place that knows where final results live.
 *
 *   result_release_rows exists (060)  the latest `final` revision of the
 *                                     contest's current run (its epoch: a reset
 *                                     starts a new one), its rows as they were
 *                                     frozen, awards included (award_tier -2:
 *                                     the participation tier, NULL none); no
 *                                     final revision yet: SA_E_BAD_STATE
 *   otherwise                         contest_results (030) in place order,
 *                                     tiers by results_awards_assign with the
 *                                     contest's `awards` and `pass_mark`
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "results.h"
#include "store/certrows.h"
#include "store/store.h"

static int fail(char *err, size_t n, int code, const char *what, PGresult *r)
{
	snprintf(err, n, "%s: %s", what, r ? PQresultErrorMessage(r) : "out of memory");
	PQclear(r);
	return code;
}

static PGresult *query(PGconn *pg, const char *sql, const char *id, const char *rev)
{
	const char *p[2] = {id, rev};
	return PQexecParams(pg, sql, rev ? 2 : 1, NULL, p, NULL, NULL, 0);
}

static char *dup_or_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

/* Columns 0..5: participant_id, name, employee_no, unit, score_milli, rank. */
static int take_rows(PGresult *r, certrows *out, char *err, size_t n)
{
	out->n = (size_t)PQntuples(r);
	out->rows = calloc(out->n ? out->n : 1, sizeof *out->rows);
	if (!out->rows)
		return fail(err, n, SA_E_INTERNAL, "ranking", NULL);
	for (size_t i = 0; i < out->n; i++) {
		certrow *w = &out->rows[i];
		int64_t rank;
		w->award_tier = -1;
		if (store_int(r, (int)i, 0, 1, INT64_MAX, &w->participant_id) ||
		    store_int(r, (int)i, 4, INT64_MIN, INT64_MAX, &w->score_milli) ||
		    store_int(r, (int)i, 5, 1, INT32_MAX, &rank)) {
			snprintf(err, n, "ranking: row %zu holds a bad number", i + 1);
			return SA_E_INTERNAL;
		}
		w->rank = (int)rank;
		w->name = strdup(PQgetvalue(r, (int)i, 1));
		w->employee_no = dup_or_null(r, (int)i, 2);
		w->unit = strdup(PQgetvalue(r, (int)i, 3));
		if (!w->name || !w->unit || (!PQgetisnull(r, (int)i, 2) && !w->employee_no))
			return fail(err, n, SA_E_INTERNAL, "ranking", NULL);
	}
	return 0;
}

/* The rows of the latest final release (the table exists). */
static int from_release(PGconn *pg, const char *id, certrows *out, char *err, size_t n)
{
	PGresult *r =
		query(pg,
		      "SELECT max(r.revision) FROM result_releases r JOIN contests c ON c.id = r.contest_id "
		      "WHERE r.contest_id = $1 AND r.status = 'final' AND r.epoch = c.epoch",
		      id, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return fail(err, n, SA_E_UNAVAILABLE, "result_releases", r);
	if (PQgetisnull(r, 0, 0)) {
		PQclear(r);
		snprintf(err, n, "the results are not final");
		return SA_E_BAD_STATE;
	}
	char rev[24];
	snprintf(rev, sizeof rev, "%s", PQgetvalue(r, 0, 0));
	out->revision = atoi(rev);
	PQclear(r);
	r = query(pg,
		  "SELECT participant_id, name, employee_no, unit, score_milli, rank, award_tier, award "
		  "FROM result_release_rows WHERE contest_id = $1 AND revision = $2 ORDER BY place",
		  id, rev);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return fail(err, n, SA_E_UNAVAILABLE, "result_release_rows", r);
	int rc = take_rows(r, out, err, n);
	for (size_t i = 0; !rc && i < out->n; i++) {
		int64_t tier;
		certrow *w = &out->rows[i];
		if (!PQgetisnull(r, (int)i, 7) && !(w->award = strdup(PQgetvalue(r, (int)i, 7))))
			rc = fail(err, n, SA_E_INTERNAL, "ranking", NULL);
		else if (w->award)
			w->award_tier =
				store_int(r, (int)i, 6, -2, RESULTS_MAX_TIERS, &tier) ? -1 : (int)tier;
	}
	PQclear(r);
	return rc;
}

/* Tiers of contest_results' rows by the contest's awards (def: its source). */
static int assign(const cJSON *def, certrows *out, int64_t max_milli, PGresult *r, char *err, size_t n)
{
	const cJSON *awards = cJSON_GetObjectItemCaseSensitive(def, "awards");
	const cJSON *pass = cJSON_GetObjectItemCaseSensitive(def, "pass_mark");
	if (!awards || !out->n)
		return 0;
	results_awards aw;
	char *why = NULL;
	if (results_awards_parse(awards, "en", &aw, &why)) {
		snprintf(err, n, "the contest's awards: %s", why ? why : "invalid");
		free(why);
		return SA_E_INVALID_FIELD;
	}
	results_entry *e = calloc(out->n, sizeof *e);
	results_place *p = calloc(out->n, sizeof *p);
	int rc = e && p ? 0 : fail(err, n, SA_E_INTERNAL, "awards", NULL);
	for (size_t i = 0; !rc && i < out->n; i++) {
		e[i].st.total_milli = out->rows[i].score_milli;
		e[i].st.id = out->rows[i].participant_id;
		e[i].max_milli = max_milli > 0 ? max_milli : 1;
		e[i].passed = !cJSON_IsNumber(pass) || (double)out->rows[i].score_milli * 100.0 >=
							       pass->valuedouble * (double)max_milli;
		p[i] = (results_place){.entry = i,
				       .rank = out->rows[i].rank,
				       .tied = !strcmp(PQgetvalue(r, (int)i, 6), "t"),
				       .tier = RESULTS_TIER_NONE,
				       .why = RESULTS_WHY_OUTSIDE};
	}
	if (!rc && results_awards_assign(&aw, e, out->n, p))
		rc = fail(err, n, SA_E_INTERNAL, "awards", NULL);
	for (size_t i = 0; !rc && i < out->n; i++) {
		certrow *w = &out->rows[p[i].entry];
		w->award_tier = p[i].tier;
		if (p[i].tier != RESULTS_TIER_NONE &&
		    !(w->award = strdup(results_tier_name(&aw, p[i].tier, "zh-CN"))))
			rc = fail(err, n, SA_E_INTERNAL, "awards", NULL);
	}
	free(e);
	free(p);
	results_awards_release(&aw);
	return rc;
}

/* contest_results with tiers from the contest's awards. */
static int from_cache(PGconn *pg, const char *id, certrows *out, char *err, size_t n)
{
	PGresult *r = query(pg,
			    "SELECT COALESCE(c.source, c.definition::text), m.max_milli FROM contests c "
			    "LEFT JOIN contest_results_meta m ON m.contest_id = c.id WHERE c.id = $1",
			    id, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return fail(err, n, SA_E_UNAVAILABLE, "contest", r);
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 1)) {
		PQclear(r);
		snprintf(err, n, "the contest has no final ranking");
		return SA_E_BAD_STATE;
	}
	cJSON *def = cJSON_Parse(PQgetvalue(r, 0, 0));
	int64_t max_milli = 0;
	store_int(r, 0, 1, 0, INT64_MAX, &max_milli);
	PQclear(r);
	r = query(pg,
		  "SELECT participant_id, name, employee_no, unit, score_milli, rank, tied "
		  "FROM contest_results WHERE contest_id = $1 ORDER BY place",
		  id, NULL);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? take_rows(r, out, err, n)
						      : fail(err, n, SA_E_UNAVAILABLE, "contest_results", r);
	if (!rc)
		rc = assign(def, out, max_milli, r, err, n);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		PQclear(r);
	cJSON_Delete(def);
	return rc;
}

int certrows_fetch(PGconn *pg, int64_t contest_id, certrows *out, char *err, size_t errlen)
{
	char id[24];
	memset(out, 0, sizeof *out);
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	PGresult *r = PQexec(pg, "SELECT to_regclass('result_release_rows') IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return fail(err, errlen, SA_E_UNAVAILABLE, "to_regclass", r);
	int releases = !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	int rc = releases ? from_release(pg, id, out, err, errlen) : from_cache(pg, id, out, err, errlen);
	if (rc)
		certrows_release(out);
	return rc;
}

void certrows_release(certrows *r)
{
	for (size_t i = 0; r->rows && i < r->n; i++) {
		free(r->rows[i].name);
		free(r->rows[i].employee_no);
		free(r->rows[i].unit);
		free(r->rows[i].award);
	}
	free(r->rows);
	memset(r, 0, sizeof *r);
}
