/*
 * release.c - publishing, finalizing and correcting a contest's results
 * (see release.h).
 *
 *   publish   ranking_build (contest_results current), then in one
 *             transaction under the contest's release lock: the latest
 *             revision, contest_results read in place order, award tiers by
 *             results_awards_assign (the contest's "awards", its pass mark),
 *             names and employee numbers masked (results_mask_*), the
 *             revision's row and its rows by COPY
 *   finalize  the latest revision, provisional, its notice over (or
 *             forced), no appeal open: final (the table's trigger keeps it
 *             so for ever)
 *   decide    the appeal locked; upheld with a correction: stored with it,
 *             then recompute_load (which reads every upheld correction)
 *             and recompute_apply write the new points and totals in the
 *             same transaction; after the commit, the ranking and the next
 *             provisional revision (publish)
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "results.h"
#include "store/pgcopy.h"
#include "store/pgsync.h"
#include "store/ranking.h"
#include "store/recompute_pg.h"
#include "store/release.h"
#include "store/store.h"

static int exec_ok(PGconn *pg, const char *sql, int np, const char *const *p, char *err, size_t n)
{
	PGresult *r = pgsync_query(pg, sql, np, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "release", pg);
	PQclear(r);
	return 0;
}

static PGconn *connect_locked(const char *conninfo, const char *id, char *err, size_t n, int *rc)
{
	PGconn *pg = PQconnectdb(conninfo);
	const char *p[1] = {id};
	*rc = PQstatus(pg) == CONNECTION_OK ? 0 : pgsync_fail(err, n, SA_E_UNAVAILABLE, "connect", pg);
	*rc = *rc ? *rc : exec_ok(pg, "BEGIN", 0, NULL, err, n);
	*rc = *rc ? *rc
		  : exec_ok(pg,
			    "SELECT pg_advisory_xact_lock(hashtext('skillarena.release'), "
			    "($1::bigint % 2147483647)::int)",
			    1, p, err, n);
	return pg;
}

/* The id of contest code: 0, SA_E_NOT_FOUND or SA_E_UNAVAILABLE. */
static int contest_id_of(const char *conninfo, const char *code, char id[24], char *err, size_t n)
{
	PGconn *pg = PQconnectdb(conninfo);
	const char *p[1] = {code};
	PGresult *r = PQstatus(pg) == CONNECTION_OK
			      ? pgsync_query(pg, "SELECT id FROM contests WHERE code = upper($1)", 1, p)
			      : NULL;
	int rc = !r                  ? pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest", pg)
		 : PQntuples(r) == 1 ? 0
				     : SA_E_NOT_FOUND;
	if (!rc)
		snprintf(id, 24, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(pg);
	return rc;
}

static void finish(PGconn *pg, int rc)
{
	PGresult *r = PQexec(pg, rc ? "ROLLBACK" : "COMMIT");
	PQclear(r);
	PQfinish(pg);
}

/* ------------------------------------------------------------ publish */

typedef struct snapshot {
	int64_t max_milli, participants;
	results_awards awards;
	bool has_awards;
	double pass_mark;
	results_mask_opts mask;
	bool show_id;
	char mask_json[160];
} snapshot;

static void read_mask(snapshot *s, const cJSON *m)
{
	const cJSON *kl = cJSON_GetObjectItemCaseSensitive(m, "keep_last");
	const cJSON *fx = cJSON_GetObjectItemCaseSensitive(m, "fixed");
	const cJSON *ik = cJSON_GetObjectItemCaseSensitive(m, "id_keep");
	const cJSON *se = cJSON_GetObjectItemCaseSensitive(m, "show_employee_no");
	s->mask = results_mask_default;
	if (cJSON_IsBool(kl))
		s->mask.keep_last = cJSON_IsTrue(kl);
	if (cJSON_IsNumber(fx) && fx->valuedouble >= 0 && fx->valuedouble <= 8)
		s->mask.fixed = (int)fx->valuedouble;
	if (cJSON_IsNumber(ik) && ik->valuedouble >= 0 && ik->valuedouble <= 8)
		s->mask.id_keep = (int)ik->valuedouble;
	s->show_id = !cJSON_IsFalse(se);
	snprintf(s->mask_json, sizeof s->mask_json,
		 "{\"keep_last\":%s,\"fixed\":%d,\"id_keep\":%d,\"show_employee_no\":%s}",
		 s->mask.keep_last ? "true" : "false", s->mask.fixed, s->mask.id_keep,
		 s->show_id ? "true" : "false");
}

/* The contest's awards and pass mark, and its stored ranking's size. */
static int read_contest(PGconn *pg, const char *id, snapshot *s, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = pgsync_query(
		pg,
		"SELECT c.source, m.max_milli, m.participants FROM contests c JOIN contest_results_meta m "
		"ON m.contest_id = c.id AND m.epoch = c.epoch AND m.seq = c.seq WHERE c.id = $1",
		1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest", pg);
	int rc = 0;
	if (PQntuples(r) != 1) {
		snprintf(err, n, "the contest's ranking changed while it was published: try again");
		rc = SA_E_CONFLICT;
	} else if (store_int(r, 0, 1, 0, INT64_MAX, &s->max_milli) ||
		   store_int(r, 0, 2, 0, INT32_MAX, &s->participants)) {
		snprintf(err, n, "the contest's ranking cannot be read");
		rc = SA_E_INVALID_FIELD;
	} else {
		cJSON *def = cJSON_Parse(PQgetvalue(r, 0, 0));
		const cJSON *aw = cJSON_GetObjectItemCaseSensitive(def, "awards");
		const cJSON *pm = cJSON_GetObjectItemCaseSensitive(def, "pass_mark");
		char *why = NULL;
		s->pass_mark = cJSON_IsNumber(pm) ? pm->valuedouble : -1;
		s->has_awards = cJSON_IsObject(aw) && !results_awards_parse(aw, "en", &s->awards, &why);
		free(why);
		cJSON_Delete(def);
	}
	PQclear(r);
	return rc;
}

/* Tiers of the rows of r (place order: place, rank, tied, pid, name, emp, unit, score). */
static int tiers(const snapshot *s, PGresult *r, results_place *pl)
{
	int nr = PQntuples(r);
	results_entry *e = calloc((size_t)nr + 1, sizeof *e);
	if (!e)
		return -1;
	for (int i = 0; i < nr; i++) {
		int64_t rank;
		store_int(r, i, 7, INT64_MIN / 4, INT64_MAX / 4, &e[i].st.total_milli);
		store_int(r, i, 3, 1, INT64_MAX, &e[i].st.id);
		store_int(r, i, 1, 1, INT64_MAX, &rank);
		e[i].max_milli = s->max_milli > 0 ? s->max_milli : 1;
		e[i].passed = s->pass_mark < 0 || (double)e[i].st.total_milli * 100.0 >=
							  s->pass_mark * (double)s->max_milli - 1e-6;
		pl[i] = (results_place){.entry = (size_t)i,
					.rank = rank,
					.tied = !strcmp(PQgetvalue(r, i, 2), "t"),
					.tier = RESULTS_TIER_NONE,
					.why = RESULTS_WHY_OUTSIDE};
	}
	int rc = s->has_awards ? results_awards_assign(&s->awards, e, (size_t)nr, pl) : 0;
	free(e);
	return rc ? -1 : 0;
}

static void copy_row(pgcopy *c, const snapshot *s, PGresult *r, int i, const results_place *pl,
		     const char *id, int64_t rev)
{
	char *name = NULL, *emp = NULL;
	const char *e = store_text(r, i, 5);
	if (results_mask_name(PQgetvalue(r, i, 4), &s->mask, &name))
		name = strdup("*");
	if (e && s->show_id && results_mask_id(e, &s->mask, &emp))
		emp = NULL;
	pgcopy_raw(c, id);
	pgcopy_num(c, rev);
	pgcopy_raw(c, PQgetvalue(r, i, 0));
	pgcopy_raw(c, PQgetvalue(r, i, 1));
	pgcopy_raw(c, PQgetvalue(r, i, 2));
	pgcopy_raw(c, PQgetvalue(r, i, 3));
	pgcopy_text(c, PQgetvalue(r, i, 4));
	pgcopy_text(c, e);
	pgcopy_text(c, PQgetvalue(r, i, 6));
	pgcopy_raw(c, PQgetvalue(r, i, 7));
	if (pl->tier == RESULTS_TIER_NONE) {
		pgcopy_text(c, NULL);
		pgcopy_text(c, NULL);
		pgcopy_text(c, NULL);
	} else {
		pgcopy_num(c, pl->tier);
		pgcopy_text(c, results_tier_name(&s->awards, pl->tier, "zh-CN"));
		pgcopy_text(c, results_tier_name(&s->awards, pl->tier, "en"));
	}
	pgcopy_text(c, name ? name : "*");
	pgcopy_text(c, emp);
	pgcopy_row(c);
	free(name);
	free(emp);
}

static int snapshot_rows(PGconn *pg, const char *id, const snapshot *s, int64_t rev, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r =
		pgsync_query(pg,
			     "SELECT place, rank, tied, participant_id, name, employee_no, unit, score_milli "
			     "FROM contest_results WHERE contest_id = $1 ORDER BY place",
			     1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest_results", pg);
	int nr = PQntuples(r);
	results_place *pl = calloc((size_t)nr + 1, sizeof *pl);
	int rc = pl && !tiers(s, r, pl) ? 0 : pgsync_fail(err, n, SA_E_INTERNAL, "awards", NULL);
	pgcopy c;
	if (!rc) {
		pgcopy_begin(
			&c, pg,
			"COPY result_release_rows (contest_id, revision, place, rank, tied, participant_id, "
			"name, employee_no, unit, score_milli, award_tier, award, award_en, name_masked, "
			"employee_no_masked) FROM STDIN");
		for (int i = 0; i < nr; i++)
			copy_row(&c, s, r, i, &pl[i], id, rev);
		rc = pgcopy_end(&c, err, n);
	}
	free(pl);
	PQclear(r);
	return rc;
}

/* The latest revision: *rev (0: none), *final, *days; the mask it used into mask (160 bytes). */
static int latest(PGconn *pg, const char *id, int64_t *rev, bool *final, int64_t *days, char *mask, char *err,
		  size_t n)
{
	const char *p[1] = {id};
	PGresult *r = pgsync_query(
		pg,
		"SELECT r.revision, r.status = 'final', r.notice_days, r.mask::text FROM result_releases r "
		"JOIN contests c ON c.id = r.contest_id AND c.epoch = r.epoch "
		"WHERE r.contest_id = $1 ORDER BY r.revision DESC LIMIT 1",
		1, p);
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "result_releases", pg);
	*rev = 0;
	*final = false;
	if (PQntuples(r) == 1) {
		store_int(r, 0, 0, 0, INT32_MAX, rev);
		store_int(r, 0, 2, 0, 90, days);
		*final = !strcmp(PQgetvalue(r, 0, 1), "t");
		if (mask)
			snprintf(mask, 160, "%s", PQgetvalue(r, 0, 3));
	}
	PQclear(r);
	return 0;
}

static int publish_in(PGconn *pg, const char *id, int notice_days, const cJSON *mask, int64_t account,
		      release_out *out, char *err, size_t n)
{
	snapshot s = {0};
	int64_t rev = 0;
	const char *pid[1] = {id};
	PGresult *mr = pgsync_query(
		pg, "SELECT coalesce(max(revision), 0) FROM result_releases WHERE contest_id = $1", 1, pid);
	int rc = mr && !store_int(mr, 0, 0, 0, INT32_MAX - 1, &rev)
			 ? 0
			 : pgsync_fail(err, n, SA_E_UNAVAILABLE, "result_releases", pg);
	PQclear(mr);
	read_mask(&s, mask);
	rc = rc ? rc : read_contest(pg, id, &s, err, n);
	char nrev[24], nd[24], acc[24];
	snprintf(nrev, sizeof nrev, "%lld", (long long)rev + 1);
	snprintf(nd, sizeof nd, "%d", notice_days);
	snprintf(acc, sizeof acc, "%lld", (long long)account);
	char np[24], mx[24];
	snprintf(np, sizeof np, "%lld", (long long)s.participants);
	snprintf(mx, sizeof mx, "%lld", (long long)s.max_milli);
	const char *p[7] = {id, nrev, nd, s.mask_json, np, mx, acc};
	PGresult *r =
		rc ? NULL
		   : pgsync_query(
			     pg,
			     "INSERT INTO result_releases (contest_id, revision, epoch, status, notice_days, notice_until, "
			     "mask, participants, max_milli, published_by) VALUES ($1, $2, (SELECT epoch FROM contests "
			     "WHERE id = $1), 'provisional', $3, now() + make_interval(days => $3::int), $4::jsonb, $5, $6, "
			     "nullif($7::bigint, 0)) "
			     "RETURNING to_char(notice_until AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
			     7, p);
	if (!rc && !r)
		rc = pgsync_fail(err, n, SA_E_UNAVAILABLE, "result_releases", pg);
	if (r) {
		snprintf(out->notice_until, sizeof out->notice_until, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	rc = rc ? rc : snapshot_rows(pg, id, &s, rev + 1, err, n);
	out->revision = rev + 1;
	out->participants = s.participants;
	if (s.has_awards)
		results_awards_release(&s.awards);
	return rc;
}

int release_publish(const char *conninfo, const char *code, int notice_days, const cJSON *mask,
		    int64_t account, release_out *out, char *err, size_t n)
{
	char id[24];
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	int rc = contest_id_of(conninfo, code, id, err, n);
	rc = rc ? rc : ranking_build(conninfo, atoll(id), err, n);
	if (rc == SA_E_BAD_STATE)
		out->why = RELEASE_NOT_FINISHED;
	if (rc)
		return rc;
	PGconn *pg = connect_locked(conninfo, id, err, n, &rc);
	rc = rc ? rc : publish_in(pg, id, notice_days, mask, account, out, err, n);
	finish(pg, rc);
	return rc;
}

/* ------------------------------------------------------------ finalize */

int release_finalize(const char *conninfo, const char *code, bool force, int64_t account, release_out *out,
		     char *err, size_t n)
{
	char id[24], acc[24];
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	int rc = contest_id_of(conninfo, code, id, err, n);
	if (rc)
		return rc;
	snprintf(acc, sizeof acc, "%lld", (long long)account);
	PGconn *pg = connect_locked(conninfo, id, err, n, &rc);
	const char *p[1] = {id};
	PGresult *r =
		rc ? NULL
		   : pgsync_query(
			     pg,
			     "SELECT r.revision, r.status, r.notice_until <= now(), (SELECT count(*) FROM appeals a "
			     "WHERE a.contest_id = r.contest_id AND a.status = 'open') FROM result_releases r "
			     "JOIN contests c ON c.id = r.contest_id AND c.epoch = r.epoch "
			     "WHERE r.contest_id = $1 ORDER BY r.revision DESC LIMIT 1",
			     1, p);
	int64_t open = 0;
	if (!rc && !r)
		rc = pgsync_fail(err, n, SA_E_UNAVAILABLE, "result_releases", pg);
	else if (!rc && PQntuples(r) != 1)
		out->why = RELEASE_NONE;
	else if (!rc) {
		store_int(r, 0, 0, 0, INT32_MAX, &out->revision);
		store_int(r, 0, 3, 0, INT32_MAX, &open);
		out->open_appeals = (int)open;
		if (!strcmp(PQgetvalue(r, 0, 1), "final"))
			out->why = RELEASE_FINAL;
		else if (open)
			out->why = RELEASE_OPEN_APPEALS;
		else if (strcmp(PQgetvalue(r, 0, 2), "t") && !force)
			out->why = RELEASE_NOTICE;
	}
	PQclear(r);
	if (!rc && out->why)
		rc = SA_E_BAD_STATE;
	char rv[24];
	snprintf(rv, sizeof rv, "%lld", (long long)out->revision);
	const char *pu[3] = {id, rv, acc};
	rc = rc ? rc
		: exec_ok(pg,
			  "UPDATE result_releases SET status = 'final', finalized_at = now(), "
			  "finalized_by = nullif($3::bigint, 0) WHERE contest_id = $1 AND revision = $2",
			  3, pu, err, n);
	finish(pg, rc);
	return rc;
}

/* ------------------------------------------------------------ decide */

/* The appeal, locked: SA_E_NOT_FOUND, or out->why DECIDED. */
static int lock_appeal(PGconn *pg, const char *id, const char *aid, release_out *out, char *err, size_t n)
{
	const char *p[2] = {id, aid};
	PGresult *r = pgsync_query(
		pg, "SELECT status FROM appeals WHERE contest_id = $1 AND id = $2 FOR UPDATE", 2, p);
	int rc = 0;
	if (!r)
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "appeals", pg);
	if (PQntuples(r) != 1) {
		snprintf(err, n, "the contest has no appeal %s", aid);
		rc = SA_E_NOT_FOUND;
	} else if (strcmp(PQgetvalue(r, 0, 0), "open")) {
		out->why = RELEASE_DECIDED;
		rc = SA_E_CONFLICT;
	}
	PQclear(r);
	return rc;
}

/* The correction through recompute: the new points and totals written, the board entries that move. */
static int correct(PGconn *pg, const score_engine *eng, const char *id, release_out *out, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = pgsync_query(pg, "SELECT code FROM contests WHERE id = $1", 1, p);
	if (!r || PQntuples(r) != 1) {
		PQclear(r);
		return pgsync_fail(err, n, SA_E_UNAVAILABLE, "contest", pg);
	}
	rc_contest c = {0};
	int rc = recompute_load(pg, eng, PQgetvalue(r, 0, 0), &c, err, n);
	PQclear(r);
	for (int i = 0; !rc && i < c.nq; i++)
		if (!c.qs[i].q) {
			snprintf(err, n, "correction.answer: question %s cannot be scored with this key",
				 c.qs[i].qid);
			rc = SA_E_INVALID_FIELD;
		}
	if (rc == SA_E_INVALID_FIELD)
		out->why = RELEASE_CORRECTION;
	rc = rc ? rc : recompute_apply(pg, &c, &out->changed_answers, err, n);
	if (!rc && !(out->moved = calloc(c.np + 1, sizeof *out->moved)))
		rc = pgsync_fail(err, n, SA_E_INTERNAL, "correction", NULL);
	for (size_t i = 0; !rc && i < c.np; i++)
		if (c.ps[i].score_milli != c.ps[i].new_score || c.ps[i].reached_ds != c.ps[i].new_reached_ds)
			out->moved[out->nmoved++] =
				(struct release_moved){c.ps[i].id, c.ps[i].new_score, c.ps[i].new_reached_ds};
	rc_contest_release(&c);
	return rc;
}

int release_decide(const char *conninfo, const score_engine *eng, const char *code, int64_t appeal_id,
		   const char *decision, const char *reply, const cJSON *correction, int64_t account,
		   release_out *out, char *err, size_t n)
{
	char id[24], aid[24], acc[24], mask[160] = "{}";
	int64_t rev = 0, days = 0;
	bool final = false, upheld = !strcmp(decision, "upheld");
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	int rc = contest_id_of(conninfo, code, id, err, n);
	if (rc)
		return rc;
	snprintf(aid, sizeof aid, "%lld", (long long)appeal_id);
	snprintf(acc, sizeof acc, "%lld", (long long)account);
	PGconn *pg = connect_locked(conninfo, id, err, n, &rc);
	rc = rc ? rc : lock_appeal(pg, id, aid, out, err, n);
	rc = rc ? rc : latest(pg, id, &rev, &final, &days, mask, err, n);
	if (!rc && (!rev || final)) {
		out->why = rev ? RELEASE_FINAL : RELEASE_NONE;
		rc = SA_E_BAD_STATE;
	}
	char *corr = upheld && correction ? cJSON_PrintUnformatted(correction) : NULL;
	const char *p[6] = {id, aid, decision, reply, corr, acc};
	rc = rc ? rc
		: exec_ok(pg,
			  "UPDATE appeals SET status = $3, reply = $4, correction = $5::jsonb, decided_at = now(), "
			  "decided_by = nullif($6::bigint, 0) WHERE contest_id = $1 AND id = $2",
			  6, p, err, n);
	if (!rc && corr)
		rc = correct(pg, eng, id, out, err, n);
	finish(pg, rc);
	cJSON_free(corr);
	if (rc || !out->changed_answers)
		return rc;
	/* The corrected ranking, published as the next provisional revision. */
	cJSON *m = cJSON_Parse(mask);
	release_out pub;
	rc = release_publish(conninfo, code, (int)days, m, account, &pub, err, n);
	cJSON_Delete(m);
	if (!rc) {
		out->revision = pub.revision;
		snprintf(out->notice_until, sizeof out->notice_until, "%s", pub.notice_until);
		const char *pr[3] = {id, aid, NULL};
		char rv[24];
		snprintf(rv, sizeof rv, "%lld", (long long)pub.revision);
		pr[2] = rv;
		pg = PQconnectdb(conninfo);
		rc = exec_ok(pg, "UPDATE appeals SET revision = $3 WHERE contest_id = $1 AND id = $2", 3, pr,
			     err, n);
		PQfinish(pg);
	}
	/* The decision and the corrected scores are committed whatever happens here: say it,
	 * and let the organizer publish again, rather than fail a decision that was made. */
	if (rc) {
		sa_log(LL_ERROR,
		       "contest %s: appeal %s upheld and its correction applied, but the corrected "
		       "results were not published: %s",
		       code, aid, err);
		out->unpublished = true;
	}
	return 0;
}
