/*
 * audit.c - reading the audit log: GET /api/audit (a page of entries, as
 * JSON) and GET /api/audit.csv (every matching entry, up to AUDIT_CSV_MAX,
 * as CSV for Excel: UTF-8 with a BOM, written by the sheets library), for
 * admins; api_audit_csv for other routes that export a trail (a contest's).
 *
 * Filters (query parameters): account (an account id), actor (a username as
 * it was), contest (a code), action (one, or a prefix ending with '.':
 * "account."), from and to (ISO 8601 dates or times, "2026-12-01" or
 * "2026-12-01T08:00:00+08:00"; UTC when no zone is given; from <= at < to),
 * page (from 1) and per_page (1-500, default 50).
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/request.h"
#include "core/err.h"
#include "sheets.h"
#include "store/audit.h"

#define AUDIT_PAGE_MAX 500
#define AUDIT_CSV_MAX 100000

/* ------------------------------------------------------------ filters */

/* Walks s along a pattern: 'd' a digit, anything else itself. 1 when all of it matched. */
static int shape(const char **s, const char *pat)
{
	const char *p = *s;
	for (; *pat; pat++, p++)
		if (*pat == 'd' ? (*p < '0' || *p > '9') : *p != *pat)
			return 0;
	*s = p;
	return 1;
}

/* YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fff]] and Z or +HH:MM / -HH:MM. */
static int timestamp_ok(const char *s)
{
	if (!shape(&s, "dddd-dd-dd"))
		return 0;
	if (!*s)
		return 1;
	if ((*s != 'T' && *s != ' ') || (s++, !shape(&s, "dd:dd")))
		return 0;
	if (*s == ':' && !shape(&s, ":dd"))
		return 0;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && (s++, !shape(&s, "dd:dd")))
		return 0;
	return !*s;
}

/* A whole positive number no greater than max, or 0. */
static long number(const char *s, long max)
{
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : 0;
	return s && *s && !*end && v >= 1 && v <= max ? v : 0;
}

/* The filter of the query: 0, or answered (400 with the parameter). */
static int take_filter(http_req *req, audit_filter *f, int paged)
{
	static const char *const times[2] = {"from", "to"};
	const char *acc = http_query(req, "account");
	memset(f, 0, sizeof *f);
	if (acc && !(f->account_id = number(acc, 1L << 53))) {
		api_error(req, SA_E_INVALID_FIELD, "account", "account 须为账号编号",
			  "account must be an account id");
		return -1;
	}
	f->actor = http_query(req, "actor");
	f->contest = http_query(req, "contest");
	f->action = http_query(req, "action");
	for (int i = 0; i < 2; i++) {
		const char *t = http_query(req, times[i]);
		if (t && !timestamp_ok(t)) {
			api_error(req, SA_E_INVALID_FIELD, times[i],
				  "时间格式须为 2026-12-01 或 2026-12-01T08:00:00+08:00",
				  "give a date or time such as 2026-12-01 or 2026-12-01T08:00:00+08:00");
			return -1;
		}
		*(i ? &f->to : &f->from) = t;
	}
	if (!paged) {
		f->limit = AUDIT_CSV_MAX;
		return 0;
	}
	const char *page = http_query(req, "page"), *per = http_query(req, "per_page");
	long pg = page ? number(page, 1000000) : 1, pp = per ? number(per, AUDIT_PAGE_MAX) : 50;
	if (!pg || !pp) {
		api_error(req, SA_E_INVALID_FIELD, !pg ? "page" : "per_page",
			  "page 须从 1 开始，per_page 为 1–500", "page counts from 1, per_page is 1-500");
		return -1;
	}
	f->limit = (int)pp;
	f->offset = (pg - 1) * pp;
	return 0;
}

/* A failed query: a date PostgreSQL refused (2026-02-30) is the request's fault. */
static void query_failed(http_req *req, const char *err)
{
	if (err && (strstr(err, "date/time") || strstr(err, "invalid input syntax")))
		api_error(req, SA_E_INVALID_FIELD, "from", "日期或时间不存在", "no such date or time");
	else
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
}

/* ------------------------------------------------------------ JSON */

static void page_read(arena *a, void *res, const char *err, void *ud)
{
	http_req *req = ud;
	(void)a;
	if (err || !res)
		query_failed(req, err);
	else {
		const char *page = http_query(req, "page"), *per = http_query(req, "per_page");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "total", PQntuples(res) ? atof(PQgetvalue(res, 0, 11)) : 0);
		cJSON_AddNumberToObject(o, "page", page ? (double)number(page, 1000000) : 1);
		cJSON_AddNumberToObject(o, "per_page", per ? (double)number(per, AUDIT_PAGE_MAX) : 50);
		cJSON_AddItemToObject(o, "entries", audit_rows_json(res));
		http_reply_json(req, 200, o);
	}
	http_req_unref(req);
}

static int audit_get(http_req *req)
{
	audit_filter f;
	if (take_filter(req, &f, 1))
		return 0;
	http_req_ref(req);
	int rc = audit_query(http_arena(req), &f, page_read, req);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* ------------------------------------------------------------ CSV */

typedef struct csv_out {
	char *buf;
	size_t len, cap;
} csv_out;

static int csv_write(void *ud, const void *data, size_t len)
{
	csv_out *o = ud;
	if (o->len + len > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 65536;
		while (cap < o->len + len)
			cap *= 2;
		char *nb = realloc(o->buf, cap);
		if (!nb)
			return -1;
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

/* The rows of an audit_query result as a CSV file (malloc'ed, *len bytes), or NULL. */
static char *audit_csv(void *res, int lang_en, size_t *len)
{
	static const char *const titles[2][11] = {
		{"编号", "时间(UTC)", "账号编号", "账号", "地址", "操作", "竞赛", "对象", "修改前", "修改后",
		 "详情"},
		{"id", "at (UTC)", "account id", "actor", "address", "action", "contest", "target", "before",
		 "after", "detail"},
	};
	sheets_column cols[11];
	sheets_value v[11];
	sheets_writer *w = NULL;
	sheets_write_opts opts = {.format = SHEETS_CSV, .name = "audit.csv"};
	csv_out out = {0};
	for (int c = 0; c < 11; c++)
		cols[c] = (sheets_column){titles[lang_en][c], 0, NULL};
	int rc = sheets_writer_open_fn(&w, csv_write, &out, &opts);
	rc = rc ? rc : sheets_writer_sheet(w, "audit", cols, 11);
	for (int r = 0; !rc && r < PQntuples(res); r++) {
		for (int c = 0; c < 11; c++)
			v[c] = c == 0 || c == 2
				       ? (PQgetisnull(res, r, c) ? sheets_empty()
								 : sheets_number(atof(PQgetvalue(res, r, c))))
				       : sheets_text(PQgetvalue(res, r, c));
		rc = sheets_writer_row(w, v, 11);
	}
	rc = rc ? rc : sheets_writer_finish(w);
	sheets_writer_free(w);
	if (rc) {
		free(out.buf);
		return NULL;
	}
	*len = out.len;
	return out.buf;
}

typedef struct csv_req {
	http_req *req;
	char *filename;
} csv_req;

static void csv_read(arena *a, void *res, const char *err, void *ud)
{
	csv_req *c = ud;
	size_t len = 0;
	(void)a;
	if (err || !res)
		query_failed(c->req, err);
	else {
		char *csv = audit_csv(res, http_lang_en(c->req), &len);
		http_reply_bytes(c->req, 200, "text/csv; charset=utf-8", csv, len, c->filename);
	}
	free(c->filename);
	http_req_unref(c->req);
}

int api_audit_csv(http_req *req, const audit_filter *f, const char *filename)
{
	csv_req *c = http_alloc(req, sizeof *c);
	if (!c || !(c->filename = strdup(filename)))
		return SA_E_INTERNAL;
	c->req = req;
	http_req_ref(req);
	int rc = audit_query(http_arena(req), f, csv_read, c);
	if (rc) {
		free(c->filename);
		http_req_unref(req);
	}
	return rc;
}

static int audit_csv_get(http_req *req)
{
	audit_filter f;
	if (take_filter(req, &f, 0))
		return 0;
	return api_audit_csv(req, &f, "audit.csv");
}

#define ADMIN                         \
	{                             \
		AUTH_ROLE, AUTH_ADMIN \
	}

const route api_audit_routes[] = {
	{ROUTE_GET, "/api/audit", audit_get, ADMIN, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/audit.csv", audit_csv_get, ADMIN, ROUTE_BODY_NONE, 0, 0},
	{0},
};
