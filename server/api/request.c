/*
 * request.c - what the API's handlers share (request.h): errors that name
 * their field, in the request's language; body fields; ids; JSON cells of
 * query results; queries run for a request; a password set (by an admin or
 * oneself); whether cookies get Secure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/request.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/password.h"
#include "net/gate.h"
#include "store/audit.h"

void api_error(http_req *req, int code, const char *field, const char *zh, const char *en)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	const char *msg = http_lang_en(req) ? en : zh;
	cJSON_AddStringToObject(e, "code", err_name(code));
	cJSON_AddStringToObject(e, "message", msg ? msg : err_message(code, http_lang_en(req)));
	if (field)
		cJSON_AddStringToObject(e, "field", field);
	http_reply_json(req, err_http_status(code), o);
}

const api_err API_NO_CONTEST = {SA_E_UNKNOWN_CONTEST, NULL, NULL, NULL};

void api_error_of(http_req *req, const api_err *e) { api_error(req, e->code, e->field, e->zh, e->en); }

int api_query(http_req *req, const char *sql, int n, const char *const *p, store_cb cb, void *ud)
{
	http_req_ref(req);
	int rc = store_query(http_arena(req), sql, n, p, cb, ud ? ud : req);
	if (rc)
		http_req_unref(req);
	return rc;
}

typedef struct json_query {
	http_req *req;
	const api_err *missing;
} json_query;

static void json_read(arena *a, void *res, const char *err, void *ud)
{
	json_query *q = ud;
	(void)a;
	if (err || !res || (PQntuples(res) != 1 && !q->missing))
		http_reply_error(q->req, SA_E_UNAVAILABLE, NULL);
	else if (PQntuples(res) != 1)
		api_error_of(q->req, q->missing);
	else
		http_reply_json(q->req, 200, api_json_cell(res, 0, 0));
	http_req_unref(q->req);
}

int api_query_json(http_req *req, const char *sql, int n, const char *const *p, const api_err *missing)
{
	json_query *q = http_alloc(req, sizeof *q); /* the request's memory: lives while it is referenced */
	if (!q)
		return SA_E_INTERNAL;
	*q = (json_query){req, missing};
	return api_query(req, sql, n, p, json_read, q);
}

int api_row_true(http_req *req, void *res, const char *err, int col, const api_err *missing,
		 const api_err *refused)
{
	const char *v = !err && res && PQntuples(res) == 1 ? store_text(res, 0, col) : NULL;
	if (err || !res || (!v && !missing))
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!v)
		api_error_of(req, missing);
	else if (strcmp(v, "t"))
		api_error_of(req, refused);
	return v && !strcmp(v, "t");
}

const char *api_string(http_req *req, const char *name, int *bad)
{
	cJSON *body = http_json_body(req);
	if (!cJSON_IsObject(body)) {
		*bad = 1;
		return NULL;
	}
	cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	if (!v)
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

int64_t api_id(http_req *req, const char *name)
{
	const char *s = http_param(req, name);
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 16)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v <= (int64_t)1 << 53 ? v : 0;
}

long api_number(const char *s, long dflt, long max)
{
	char *end;
	if (!s)
		return dflt;
	long v = *s ? strtol(s, &end, 10) : 0;
	return *s && !*end && v >= 1 && v <= max ? v : 0;
}

cJSON *api_json_cell(void *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return cJSON_Parse(PQgetvalue(res, row, col));
}

/* ------------------------------------------------------------ a password set */

typedef struct pw_set {
	http_req *req;
	const char *by, *keep; /* static, or the request's memory */
	char id[24];
	char username[AUTH_USERNAME_MAX + 1];
} pw_set;

static void pw_stored(arena *a, void *res, const char *err, void *ud)
{
	pw_set *s = ud;
	if (err || !res)
		http_reply_error(s->req, SA_E_UNAVAILABLE, NULL);
	else {
		long n = atol(PQcmdTuples(res));
		cJSON *d = cJSON_CreateObject(), *o = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "by", s->by);
		cJSON_AddNumberToObject(d, "sessions_ended", (double)n);
		audit_note(a, http_principal(s->req), "account.password", NULL, s->username, d);
		cJSON_Delete(d);
		cJSON_AddBoolToObject(o, "ok", 1);
		cJSON_AddNumberToObject(o, "sessions_ended", (double)n);
		http_reply_json(s->req, 200, o);
	}
	http_req_unref(s->req);
}

static void pw_hashed(arena *a, int rc, const char *encoded, void *ud)
{
	pw_set *s = ud;
	const char *p[3] = {s->id, encoded, s->keep};
	if (rc || (rc = store_query(
			   a,
			   "WITH u AS (UPDATE accounts SET password_hash = $2, failed_logins = 0, "
			   "locked_until = NULL, updated_at = now() WHERE id = $1 RETURNING id) "
			   "DELETE FROM sessions WHERE account_id = (SELECT id FROM u) AND token_hash <> $3",
			   3, p, pw_stored, s))) {
		http_reply_error(s->req, rc, NULL);
		http_req_unref(s->req);
	}
}

int api_password_set(http_req *req, const char *id, const char *username, const char *password,
		     const char *by, const char *keep)
{
	pw_set *s = http_alloc(req, sizeof *s);
	if (!s)
		return SA_E_INTERNAL;
	*s = (pw_set){.req = req, .by = by, .keep = keep};
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->username, sizeof s->username, "%s", username);
	return password_hash_async(http_arena(req), password, pw_hashed, s);
}

int api_secure(http_req *req)
{
	return !strncmp(gate_public_url(http_arena(req)), "https:", 6) || http_tls(req);
}
