/*
 * records.c - the training records' exports (see records.h).
 *
 *   count    the rows first (progress is rows written / rows counted)
 *   rows     the same query in single-row mode: one row at a time from
 *            libpq into sheets_writer_row; PostgreSQL keeps the function's
 *            result on its side (spilled to disk past work_mem)
 *   file     written beside path and renamed by sheets_writer_finish
 *
 * Memory: one row, whatever the number of rows (100,000 in test 38).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "sheets.h"
#include "store/records.h"

#define NCOLS_MAX 19

/* A column: its titles, width, number format, and how its cell is read. */
enum { C_TEXT, C_NUM, C_DATE, C_BOOL, C_KIND };
typedef struct col {
	const char *zh, *en;
	double width;
	const char *fmt;
	int type;
} col;

static const col ledger_cols[] = {
	{"日期", "Date", 18, NULL, C_DATE},
	{"工号", "Employee no.", 12, NULL, C_TEXT},
	{"姓名", "Name", 14, NULL, C_TEXT},
	{"单位", "Unit", 30, NULL, C_TEXT},
	{"类型", "Kind", 10, NULL, C_KIND},
	{"竞赛代码", "Code", 12, NULL, C_TEXT},
	{"名称", "Title", 30, NULL, C_TEXT},
	{"第几次", "Attempt", 8, NULL, C_NUM},
	{"得分", "Score", 8, "0.###", C_NUM},
	{"满分", "Max", 8, "0.###", C_NUM},
	{"答对", "Correct", 8, NULL, C_NUM},
	{"作答", "Answered", 8, NULL, C_NUM},
	{"用时（秒）", "Time (s)", 10, "0.0", C_NUM},
	{"通过", "Passed", 8, NULL, C_BOOL},
	{"名次", "Rank", 8, NULL, C_NUM},
	{"奖项", "Award", 12, NULL, C_TEXT},
	{"证书编号", "Certificate", 20, NULL, C_TEXT},
	{"学时", "Hours", 8, "0.##", C_NUM},
	{"学分", "Credits", 8, "0.##", C_NUM},
};

static const col part_cols[] = {
	{"单位", "Unit", 36, NULL, C_TEXT},         {"层级", "Level", 8, NULL, C_NUM},
	{"在册人数", "Headcount", 10, NULL, C_NUM}, {"参与人数", "Took part", 10, NULL, C_NUM},
	{"参与率", "Rate", 10, "0.0%", C_NUM},      {"活动次数", "Activities", 10, NULL, C_NUM},
};

static const struct {
	const char *key, *zh, *en;
} kinds[] = {
	{"live", "现场竞赛", "live contest"},
	{"exam", "考试", "exam"},
	{"practice", "练习", "practice"},
	{"mass", "知识竞赛", "mass contest"},
};

static const struct view {
	const col *cols;
	int ncols;
	const char *sheet_zh, *sheet_en;
	const char *sql; /* $1 unit, $2 from, $3 to */
} views[] = {
	[RECORDS_LEDGER] =
		{ledger_cols, sizeof ledger_cols / sizeof ledger_cols[0], "培训档案", "Training records",
		 "SELECT to_char(x.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS'), "
		 "x.employee_no, x.name, x.unit, x.kind, x.code, x.title, x.attempt_no, x.score, x.max, "
		 "x.correct, x.answered, x.duration_ms / 1000.0, x.passed, x.rank, x.award, "
		 "x.certificate_id, x.hours, x.credits FROM records_ledger(NULL, $1, " RECORDS_FROM(
			 2) ", " RECORDS_TO(3) ") x"},
	[RECORDS_PARTICIPATION] =
		{part_cols, sizeof part_cols / sizeof part_cols[0], "参与情况", "Participation",
		 "SELECT x.unit, x.depth, x.headcount, x.participated, CASE WHEN x.headcount > 0 "
		 "THEN x.participated::float8 / x.headcount END, x.activities "
		 "FROM records_participation($1, " RECORDS_FROM(2) ", " RECORDS_TO(3) ") x"},
};

static int fail(char *err, size_t n, int code, const char *what, PGconn *pg)
{
	snprintf(err, n, "%s: %s", what, pg ? PQerrorMessage(pg) : "");
	return code;
}

static const char *kind_name(const char *k, int en)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].key, k))
			return en ? kinds[i].en : kinds[i].zh;
	return k;
}

static int row_out(sheets_writer *w, const struct view *v, PGresult *r, int en)
{
	sheets_value vals[NCOLS_MAX];
	for (int c = 0; c < v->ncols; c++) {
		const char *s = PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
		switch (s ? v->cols[c].type : -1) {
		case C_NUM:
			vals[c] = sheets_number(strtod(s, NULL));
			break;
		case C_DATE:
			vals[c] = sheets_date(s);
			break;
		case C_BOOL:
			vals[c] = sheets_text(*s == 't' ? (en ? "yes" : "是") : (en ? "no" : "否"));
			break;
		case C_KIND:
			vals[c] = sheets_text(kind_name(s, en));
			break;
		case C_TEXT:
			vals[c] = sheets_text(s);
			break;
		default:
			vals[c] = sheets_empty();
		}
	}
	return sheets_writer_row(w, vals, (size_t)v->ncols);
}

static int count_rows(PGconn *pg, const struct view *v, const char *const *p, int64_t *total, char *err,
		      size_t n)
{
	char *sql = NULL;
	if (asprintf(&sql, "SELECT count(*) FROM (%s) q", v->sql) < 0)
		return fail(err, n, SA_E_INTERNAL, "count", NULL);
	PGresult *r = PQexecParams(pg, sql, 3, NULL, p, NULL, NULL, 0);
	free(sql);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	*total = ok ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return ok ? 0 : fail(err, n, SA_E_UNAVAILABLE, "count", pg);
}

static int rows_out(PGconn *pg, sheets_writer *w, const struct view *v, const char *const *p, int en,
		    int64_t total, records_progress_fn progress, void *ud, int64_t *rows, char *err, size_t n)
{
	int rc = 0;
	if (!PQsendQueryParams(pg, v->sql, 3, NULL, p, NULL, NULL, 0) || !PQsetSingleRowMode(pg))
		return fail(err, n, SA_E_UNAVAILABLE, "records", pg);
	PGresult *r;
	while ((r = PQgetResult(pg))) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE && !rc) {
			int wrc = row_out(w, v, r, en);
			if (wrc) {
				char *t = sheets_error_text(sheets_writer_error(w), "en");
				snprintf(err, n, "%s", t ? t : sheets_strerror(wrc, "en"));
				free(t);
				rc = SA_E_INTERNAL;
			} else if (++*rows % 1000 == 0 && progress && total > 0)
				progress(ud, 0.99 * (double)*rows / (double)total);
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !rc)
			rc = fail(err, n, SA_E_UNAVAILABLE, "records", pg);
		PQclear(r);
	}
	return rc;
}

int records_export(PGconn *pg, records_what what, int xlsx, int lang_en, const records_filter *f,
		   const char *path, records_progress_fn progress, void *ud, int64_t *rows, char *err,
		   size_t errlen)
{
	const struct view *v = &views[what];
	const char *p[3] = {f->unit ? f->unit : "", f->from ? f->from : "", f->to ? f->to : ""};
	sheets_column cols[NCOLS_MAX];
	int64_t total = 0;
	*rows = 0;
	err[0] = '\0';
	int rc = count_rows(pg, v, p, &total, err, errlen);
	if (rc)
		return rc;
	for (int c = 0; c < v->ncols; c++)
		cols[c] = (sheets_column){lang_en ? v->cols[c].en : v->cols[c].zh, v->cols[c].width,
					  v->cols[c].fmt};
	sheets_write_opts wo = {.format = xlsx ? SHEETS_XLSX : SHEETS_CSV};
	sheets_writer *w = NULL;
	int src = sheets_writer_open(&w, path, &wo);
	src = src ? src : sheets_writer_sheet(w, lang_en ? v->sheet_en : v->sheet_zh, cols, (size_t)v->ncols);
	if (src) {
		char *t = w ? sheets_error_text(sheets_writer_error(w), "en") : NULL;
		snprintf(err, errlen, "%s", t ? t : sheets_strerror(src, "en"));
		free(t);
		rc = SA_E_INTERNAL;
	}
	rc = rc ? rc : rows_out(pg, w, v, p, lang_en, total, progress, ud, rows, err, errlen);
	if (!rc && sheets_writer_finish(w)) {
		char *t = sheets_error_text(sheets_writer_error(w), "en");
		snprintf(err, errlen, "%s", t ? t : "the file could not be written");
		free(t);
		rc = SA_E_INTERNAL;
	}
	sheets_writer_free(w); /* an unfinished file is removed */
	return rc;
}
