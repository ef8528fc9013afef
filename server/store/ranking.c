/*
 * ranking.c - the ranking of a finished contest (see ranking.h).
 *
 *   build    participants with their answers (one aggregate query, read
 *            row by row in libpq's single-row mode) -> results_rank with
 *            the contest's tie-break order (scoring.tiebreak of its
 *            definition) -> contest_results by COPY, its meta naming the
 *            contest's epoch and seq; one transaction under a per-contest
 *            advisory lock, the state re-read once the lock is held
 *   export   contest_results in place order, row by row, into the sheets
 *            writer (XLSX in constant-memory mode, or CSV): the file is
 *            written beside its path and renamed, so a reader never sees
 *            half of it
 *
 * Memory: the build holds the ranking being computed (about 200 bytes and
 * 8 bytes per question per participant: 100,000 participants of 20
 * questions, some 40 MB on a pool thread); the export holds one row.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "results.h"
#include "scoring.h"
#include "sheets.h"
#include "store/pgcopy.h"
#include "store/ranking.h"
#include "store/store.h"

#define NO_POINTS INT64_MIN

typedef struct person {
	char *name, *emp, *unit;
} person;

typedef struct board {
	int nq;
	char **qid;
	int64_t *qmax, max; /* per question, and the contest's total */
	results_entry *e;
	person *who;
	int64_t *points; /* n * nq */
	size_t n, cap;
	score_tiebreak tb;
	int64_t epoch, seq;
} board;

static void board_release(board *b)
{
	for (int i = 0; i < b->nq; i++)
		free(b->qid[i]);
	for (size_t i = 0; i < b->n; i++) {
		free(b->who[i].name);
		free(b->who[i].emp);
		free(b->who[i].unit);
	}
	free(b->qid);
	free(b->qmax);
	free(b->e);
	free(b->who);
	free(b->points);
}

static int fail(char *err, size_t n, int code, const char *what, PGconn *pg)
{
	snprintf(err, n, "%s: %s", what, pg ? PQerrorMessage(pg) : "out of memory");
	return code;
}

static int exec_ok(PGconn *pg, const char *sql, int np, const char *const *p, char *err, size_t n)
{
	PGresult *r = PQexecParams(pg, sql, np, NULL, p, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, n, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : SA_E_UNAVAILABLE;
}

/* ------------------------------------------------------------ build */

/* The contest's state under the lock: 1 when its stored ranking is current, 0 to compute,
 * or an SA_E_* code. Reads the tie-break order and the epoch and seq it computes for. */
static int state(PGconn *pg, const char *id, board *b, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r = PQexecParams(
		pg,
		"SELECT c.epoch, c.seq, c.phase = 'finished' OR c.status IN ('finished', 'archived'), "
		"c.source, m.epoch = c.epoch AND m.seq = c.seq FROM contests c "
		"LEFT JOIN contest_results_meta m ON m.contest_id = c.id WHERE c.id = $1",
		1, NULL, p, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail(err, n, SA_E_UNAVAILABLE, "contest", pg);
	else if (PQntuples(r) != 1)
		rc = SA_E_NOT_FOUND;
	else if (store_int(r, 0, 0, 0, INT64_MAX, &b->epoch) || store_int(r, 0, 1, 0, INT64_MAX, &b->seq))
		rc = fail(err, n, SA_E_INVALID_FIELD, "contest", NULL);
	else if (strcmp(PQgetvalue(r, 0, 2), "t"))
		rc = SA_E_BAD_STATE;
	else if (!strcmp(PQgetvalue(r, 0, 4), "t"))
		rc = 1;
	else {
		cJSON *def = cJSON_Parse(PQgetvalue(r, 0, 3));
		char *why = NULL;
		if (score_tiebreak_parse(cJSON_GetObjectItemCaseSensitive(def, "scoring"), &b->tb, &why)) {
			sa_log(LL_WARN, "contest %s: its tie-break order cannot be read (%s): the default",
			       id, why ? why : "?");
			b->tb = score_tiebreak_default;
		}
		free(why);
		cJSON_Delete(def);
	}
	PQclear(r);
	return rc;
}

static int questions(PGconn *pg, const char *id, board *b, char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r =
		PQexecParams(pg, "SELECT qid, max_milli FROM questions WHERE contest_id = $1 ORDER BY idx", 1,
			     NULL, p, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : fail(err, n, SA_E_UNAVAILABLE, "questions", pg);
	int nq = rc ? 0 : PQntuples(r);
	b->qid = calloc((size_t)nq + 1, sizeof *b->qid);
	b->qmax = calloc((size_t)nq + 1, sizeof *b->qmax);
	if (!rc && (!b->qid || !b->qmax))
		rc = fail(err, n, SA_E_INTERNAL, "questions", NULL);
	for (int i = 0; !rc && i < nq; i++) {
		if (!store_text(r, i, 0) || store_int(r, i, 1, 0, INT32_MAX, &b->qmax[i]) ||
		    !(b->qid[i] = strdup(PQgetvalue(r, i, 0))))
			rc = fail(err, n, SA_E_INVALID_FIELD, "questions", NULL);
		else
			b->max += b->qmax[b->nq++];
	}
	PQclear(r);
	return rc;
}

/* One participant row: id, name, employee_no, unit, score, reached_ds, correct, wrong, time, "i:p,...". */
static int take(board *b, PGresult *r)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		results_entry *e = realloc(b->e, cap * sizeof *e);
		person *w = e ? realloc(b->who, cap * sizeof *w) : NULL;
		int64_t *pts = w ? realloc(b->points, cap * (size_t)(b->nq ? b->nq : 1) * sizeof *pts) : NULL;
		if (e)
			b->e = e;
		if (w)
			b->who = w;
		if (!pts)
			return SA_E_INTERNAL;
		b->points = pts;
		b->cap = cap;
	}
	results_entry *e = &b->e[b->n];
	person *w = &b->who[b->n];
	int64_t reached, correct, wrong;
	memset(e, 0, sizeof *e);
	memset(w, 0, sizeof *w);
	if (store_int(r, 0, 0, 1, INT64_MAX, &e->st.id) || !store_text(r, 0, 1) || !store_text(r, 0, 3) ||
	    store_int(r, 0, 4, INT64_MIN / 4, INT64_MAX / 4, &e->st.total_milli) ||
	    store_int(r, 0, 5, 0, INT64_MAX / 1000, &reached) || store_int(r, 0, 6, 0, INT32_MAX, &correct) ||
	    store_int(r, 0, 7, 0, INT32_MAX, &wrong) || store_int(r, 0, 8, 0, INT64_MAX, &e->st.time_ms))
		return SA_E_INVALID_FIELD;
	e->st.reached_ms = reached * 100;
	e->st.correct = (int32_t)correct;
	e->st.wrong = (int32_t)wrong;
	e->max_milli = b->max > 0 ? b->max : 1;
	int64_t *pts = b->points + b->n * (size_t)b->nq;
	for (int q = 0; q < b->nq; q++)
		pts[q] = NO_POINTS;
	for (const char *s = store_text(r, 0, 9); s && *s;) {
		char *end;
		long long q = strtoll(s, &end, 10), v = *end == ':' ? strtoll(end + 1, &end, 10) : 0;
		if (q >= 0 && q < b->nq)
			pts[q] = v;
		s = *end == ',' ? end + 1 : "";
	}
	const char *emp = store_text(r, 0, 2);
	if (!(w->name = strdup(PQgetvalue(r, 0, 1))) || !(w->unit = strdup(PQgetvalue(r, 0, 3))) ||
	    (emp && !(w->emp = strdup(emp)))) {
		free(w->name);
		free(w->unit);
		return SA_E_INTERNAL;
	}
	b->n++;
	return 0;
}

/* Every participant, row by row (single-row mode: the aggregate's result never sits whole in memory). */
static int participants(PGconn *pg, const char *id, board *b, char *err, size_t n)
{
	const char *p[1] = {id};
	int rc = 0;
	if (!PQsendQueryParams(pg,
			       "SELECT p.id, p.name, p.employee_no, p.unit, p.score_milli, p.reached_ds, "
			       "count(a.points_milli) FILTER (WHERE a.correctness = 2), "
			       "count(a.points_milli) FILTER (WHERE a.correctness = 0), "
			       "coalesce(sum(a.response_ms), 0), "
			       "string_agg(a.question_idx || ':' || a.points_milli, ',') "
			       "FROM participants p LEFT JOIN answers a ON a.participant_id = p.id "
			       "WHERE p.contest_id = $1 GROUP BY p.id",
			       1, NULL, p, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(pg))
		return fail(err, n, SA_E_UNAVAILABLE, "participants", pg);
	PGresult *r;
	while ((r = PQgetResult(pg))) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE && !rc)
			rc = take(b, r);
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !rc)
			rc = fail(err, n, SA_E_UNAVAILABLE, "participants", pg);
		PQclear(r);
	}
	if (rc && !*err)
		snprintf(err, n, "participants: %s",
			 rc == SA_E_INTERNAL ? "out of memory" : "a malformed row");
	return rc;
}

/* "{1000,NULL,500}" */
static void points_literal(const int64_t *pts, int nq, char *out, size_t cap)
{
	size_t k = 0;
	out[k++] = '{';
	for (int q = 0; q < nq && k + 24 < cap; q++)
		k += (size_t)(pts[q] == NO_POINTS ? snprintf(out + k, cap - k, "%sNULL", q ? "," : "")
						  : snprintf(out + k, cap - k, "%s%lld", q ? "," : "",
							     (long long)pts[q]));
	out[k++] = '}';
	out[k] = '\0';
}

static int store_board(PGconn *pg, const char *id, board *b, const results_place *pl, char *err, size_t n)
{
	const char *p[1] = {id};
	pgcopy c;
	size_t cap = (size_t)b->nq * 24 + 8;
	char *lit = malloc(cap);
	if (!lit)
		return fail(err, n, SA_E_INTERNAL, "ranking", NULL);
	int rc = exec_ok(pg, "DELETE FROM contest_results WHERE contest_id = $1", 1, p, err, n);
	if (!rc) {
		pgcopy_begin(
			&c, pg,
			"COPY contest_results (contest_id, place, rank, tied, participant_id, name, employee_no, "
			"unit, score_milli, correct, wrong, time_ms, points) FROM STDIN");
		for (size_t i = 0; i < b->n; i++) {
			const results_entry *e = &b->e[pl[i].entry];
			const person *w = &b->who[pl[i].entry];
			points_literal(b->points + pl[i].entry * (size_t)b->nq, b->nq, lit, cap);
			pgcopy_raw(&c, id);
			pgcopy_num(&c, (long long)i + 1);
			pgcopy_num(&c, pl[i].rank);
			pgcopy_raw(&c, pl[i].tied ? "t" : "f");
			pgcopy_num(&c, e->st.id);
			pgcopy_text(&c, w->name);
			pgcopy_text(&c, w->emp);
			pgcopy_text(&c, w->unit);
			pgcopy_num(&c, e->st.total_milli);
			pgcopy_num(&c, e->st.correct);
			pgcopy_num(&c, e->st.wrong);
			pgcopy_num(&c, e->st.time_ms);
			pgcopy_raw(&c, lit);
			pgcopy_row(&c);
		}
		rc = pgcopy_end(&c, err, n);
	}
	free(lit);
	if (rc)
		return rc;
	cJSON *qs = cJSON_CreateArray();
	for (int q = 0; q < b->nq; q++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "index", q);
		cJSON_AddStringToObject(o, "qid", b->qid[q]);
		cJSON_AddNumberToObject(o, "max", (double)b->qmax[q] / 1000.0);
		cJSON_AddItemToArray(qs, o);
	}
	char *qtext = cJSON_PrintUnformatted(qs), num[4][24];
	cJSON_Delete(qs);
	snprintf(num[0], 24, "%lld", (long long)b->epoch);
	snprintf(num[1], 24, "%lld", (long long)b->seq);
	snprintf(num[2], 24, "%zu", b->n);
	snprintf(num[3], 24, "%lld", (long long)b->max);
	const char *mp[6] = {id, num[0], num[1], num[2], qtext, num[3]};
	rc = qtext ? exec_ok(pg,
			     "INSERT INTO contest_results_meta (contest_id, epoch, seq, participants, questions, "
			     "max_milli) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (contest_id) DO UPDATE "
			     "SET epoch = EXCLUDED.epoch, seq = EXCLUDED.seq, participants = EXCLUDED.participants, "
			     "questions = EXCLUDED.questions, max_milli = EXCLUDED.max_milli, computed_at = now()",
			     6, mp, err, n)
		   : fail(err, n, SA_E_INTERNAL, "ranking", NULL);
	cJSON_free(qtext);
	return rc;
}

static int compute(PGconn *pg, const char *id, char *err, size_t n)
{
	board b = {0};
	results_place *pl = NULL;
	char *why = NULL;
	int rc = exec_ok(pg, "BEGIN", 0, NULL, err, n);
	const char *p[1] = {id};
	rc = rc ? rc
		: exec_ok(pg,
			  "SELECT pg_advisory_xact_lock(hashtext('skillarena.ranking'), ($1::bigint % 2147483647)::int)",
			  1, p, err, n);
	rc = rc ? rc : state(pg, id, &b, err, n);
	if (rc == 1) { /* another process stored it meanwhile */
		exec_ok(pg, "COMMIT", 0, NULL, err, n);
		board_release(&b);
		return 0;
	}
	rc = rc ? rc : questions(pg, id, &b, err, n);
	rc = rc ? rc : participants(pg, id, &b, err, n);
	if (!rc && !(pl = calloc(b.n + 1, sizeof *pl)))
		rc = fail(err, n, SA_E_INTERNAL, "ranking", NULL);
	if (!rc && results_rank(b.e, b.n, &b.tb, pl, &why)) {
		snprintf(err, n, "ranking: %s", why ? why : "failed");
		rc = SA_E_INTERNAL;
	}
	rc = rc ? rc : store_board(pg, id, &b, pl, err, n);
	rc = rc ? rc : exec_ok(pg, "COMMIT", 0, NULL, err, n);
	if (rc)
		exec_ok(pg, "ROLLBACK", 0, NULL, err + strlen(err), n - strlen(err));
	free(why);
	free(pl);
	board_release(&b);
	return rc;
}

int ranking_build(const char *conninfo, int64_t contest_id, char *err, size_t errlen)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	err[0] = '\0';
	PGconn *pg = PQconnectdb(conninfo);
	int rc = PQstatus(pg) == CONNECTION_OK ? compute(pg, id, err, errlen)
					       : fail(err, errlen, SA_E_UNAVAILABLE, "connect", pg);
	PQfinish(pg);
	return rc;
}

/* ------------------------------------------------------------ export */

typedef struct sheet_out {
	sheets_writer *w;
	int nq, lang_en;
	sheets_value *v;
	double *pts;
} sheet_out;

static int header(sheet_out *o, const cJSON *qs)
{
	static const char *const titles[2][9] = {
		{"名次", "并列", "姓名", "工号", "单位", "总分", "答对", "答错", "用时(秒)"},
		{"Rank", "Tied", "Name", "Employee no.", "Unit", "Score", "Correct", "Wrong", "Time (s)"},
	};
	static const double widths[9] = {6, 6, 14, 14, 36, 8, 6, 6, 9};
	int ncols = 9 + o->nq, rc;
	sheets_column *cols = calloc((size_t)ncols, sizeof *cols);
	char **names = calloc((size_t)o->nq + 1, sizeof *names);
	if (!cols || !names) {
		free(cols);
		free(names);
		return SHEETS_E_NOMEM;
	}
	for (int c = 0; c < 9; c++)
		cols[c] = (sheets_column){titles[o->lang_en][c], widths[c], NULL};
	for (int q = 0; q < o->nq; q++) {
		const char *qid = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(qs, q), "qid"));
		if (asprintf(&names[q], o->lang_en ? "Q%d %s" : "第%d题 %s", q + 1, qid ? qid : "") < 0)
			names[q] = NULL;
		cols[9 + q] = (sheets_column){names[q] ? names[q] : "?", 0, NULL};
	}
	rc = sheets_writer_sheet(o->w, o->lang_en ? "Ranking" : "成绩排名", cols, (size_t)ncols);
	for (int q = 0; q < o->nq; q++)
		free(names[q]);
	free(names);
	free(cols);
	return rc;
}

/* One row of contest_results: place, rank, tied, name, employee_no, unit, score, correct, wrong, time, points. */
static int row_out(sheet_out *o, PGresult *r)
{
	static const char *const tied[2] = {"并列", "tied"};
	int64_t rank, score, correct, wrong, time_ms;
	if (store_int(r, 0, 1, 1, INT32_MAX, &rank) ||
	    store_int(r, 0, 6, INT64_MIN / 4, INT64_MAX / 4, &score) ||
	    store_int(r, 0, 7, 0, INT32_MAX, &correct) || store_int(r, 0, 8, 0, INT32_MAX, &wrong) ||
	    store_int(r, 0, 9, 0, INT64_MAX, &time_ms) || !store_text(r, 0, 3) || !store_text(r, 0, 5))
		return SHEETS_E_VALUE;
	sheets_value *v = o->v;
	v[0] = sheets_number((double)rank);
	v[1] = sheets_text(!strcmp(PQgetvalue(r, 0, 2), "t") ? tied[o->lang_en] : "");
	v[2] = sheets_text(PQgetvalue(r, 0, 3));
	v[3] = store_text(r, 0, 4) ? sheets_text(PQgetvalue(r, 0, 4)) : sheets_empty();
	v[4] = sheets_text(PQgetvalue(r, 0, 5));
	v[5] = sheets_number((double)score / 1000.0);
	v[6] = sheets_number((double)correct);
	v[7] = sheets_number((double)wrong);
	v[8] = sheets_number((double)time_ms / 1000.0);
	const char *s = store_text(r, 0, 10);
	for (int q = 0; q < o->nq; q++) {
		while (s && (*s == '{' || *s == ','))
			s++;
		if (!s || !*s || *s == '}' || !strncmp(s, "NULL", 4)) {
			v[9 + q] = sheets_empty();
			if (s && !strncmp(s, "NULL", 4))
				s += 4;
			continue;
		}
		char *end;
		long long p = strtoll(s, &end, 10);
		v[9 + q] = sheets_number((double)p / 1000.0);
		s = end;
	}
	return sheets_writer_row(o->w, v, 9 + (size_t)o->nq);
}

static int questions_sheet(sheet_out *o, const cJSON *qs)
{
	static const char *const titles[2][3] = {{"序号", "题目编号", "满分"},
						 {"No.", "Question", "Max points"}};
	sheets_column cols[3];
	for (int c = 0; c < 3; c++)
		cols[c] = (sheets_column){titles[o->lang_en][c], c == 1 ? 20 : 8, NULL};
	int rc = sheets_writer_sheet(o->w, o->lang_en ? "Questions" : "题目", cols, 3);
	const cJSON *q;
	int i = 0;
	cJSON_ArrayForEach(q, qs)
	{
		const cJSON *max = cJSON_GetObjectItem(q, "max");
		sheets_value v[3] = {sheets_number(++i),
				     sheets_text(cJSON_GetStringValue(cJSON_GetObjectItem(q, "qid"))),
				     sheets_number(cJSON_IsNumber(max) ? max->valuedouble : 0)};
		rc = rc ? rc : sheets_writer_row(o->w, v, 3);
	}
	return rc;
}

static int rows_out(PGconn *pg, const char *id, sheet_out *o, char *err, size_t n)
{
	const char *p[1] = {id};
	int rc = 0;
	if (!PQsendQueryParams(
		    pg,
		    "SELECT place, rank, tied, name, employee_no, unit, score_milli, correct, wrong, time_ms, "
		    "points::text FROM contest_results WHERE contest_id = $1 ORDER BY place",
		    1, NULL, p, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(pg))
		return fail(err, n, SA_E_UNAVAILABLE, "ranking", pg);
	PGresult *r;
	while ((r = PQgetResult(pg))) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE && !rc && (rc = row_out(o, r)))
			snprintf(err, n, "%s", sheets_strerror(rc, "en"));
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !rc)
			rc = fail(err, n, SA_E_UNAVAILABLE, "ranking", pg);
		PQclear(r);
	}
	return rc;
}

static int write_file(PGconn *pg, const char *id, ranking_format format, int lang_en, const char *path,
		      char *err, size_t n)
{
	const char *p[1] = {id};
	PGresult *r =
		PQexecParams(pg, "SELECT questions::text FROM contest_results_meta WHERE contest_id = $1", 1,
			     NULL, p, NULL, NULL, 0);
	cJSON *qs = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
			    ? cJSON_Parse(PQgetvalue(r, 0, 0))
			    : NULL;
	PQclear(r);
	if (!cJSON_IsArray(qs)) {
		cJSON_Delete(qs);
		return fail(err, n, SA_E_UNAVAILABLE, "ranking meta", pg);
	}
	sheet_out o = {.nq = cJSON_GetArraySize(qs), .lang_en = lang_en};
	sheets_write_opts wo = {.format = format == RANKING_XLSX ? SHEETS_XLSX : SHEETS_CSV};
	int rc = (o.v = calloc((size_t)o.nq + 9, sizeof *o.v)) ? sheets_writer_open(&o.w, path, &wo)
							       : SHEETS_E_NOMEM;
	rc = rc ? rc : header(&o, qs);
	if (rc && o.w)
		snprintf(err, n, "%s", sheets_strerror(rc, "en"));
	rc = rc ? SA_E_INTERNAL : rows_out(pg, id, &o, err, n);
	if (!rc && format == RANKING_XLSX && questions_sheet(&o, qs))
		rc = SA_E_INTERNAL;
	if (!rc && sheets_writer_finish(o.w)) {
		char *t = sheets_error_text(sheets_writer_error(o.w), "en");
		snprintf(err, n, "%s", t ? t : "the file could not be written");
		free(t);
		rc = SA_E_INTERNAL;
	}
	sheets_writer_free(o.w); /* an unfinished file is removed */
	free(o.v);
	cJSON_Delete(qs);
	return rc ? (rc == SA_E_UNAVAILABLE ? rc : SA_E_INTERNAL) : 0;
}

int ranking_export(const char *conninfo, int64_t contest_id, ranking_format format, int lang_en,
		   const char *path, char *err, size_t errlen)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	err[0] = '\0';
	if (!access(path, F_OK))
		return 0;
	/* written beside, then renamed: a reader never sees a file half written */
	char part[PATH_MAX + 32];
	snprintf(part, sizeof part, "%s.part-%lx", path, (unsigned long)pthread_self());
	PGconn *pg = PQconnectdb(conninfo);
	int rc = PQstatus(pg) == CONNECTION_OK ? write_file(pg, id, format, lang_en, part, err, errlen)
					       : fail(err, errlen, SA_E_UNAVAILABLE, "connect", pg);
	PQfinish(pg);
	if (!rc && rename(part, path)) {
		snprintf(err, errlen, "rename %s: %s", part, strerror(errno));
		rc = SA_E_INTERNAL;
	}
	if (rc)
		unlink(part);
	return rc;
}
