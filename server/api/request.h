/*
 * request.h - what the API's handlers share (request.c): errors that name
 * their field in the request's language, the body's fields, ids, JSON cells
 * of query results, a query run for a request (referenced until its
 * callback) and one whose JSON cell is the answer; and api_audit_csv
 * (audit.c), the CSV export of an audit trail that a contest's results
 * route can answer with.
 */
#ifndef SKILLARENA_API_REQUEST_H
#define SKILLARENA_API_REQUEST_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "net/http.h"
#include "store/audit.h"
#include "store/store.h"

/* {"error":{"code","message","field"}} with the code's status, the message in the request's
 * language (zh NULL: the code's own text); field names what is wrong (NULL: nothing). */
void api_error(http_req *req, int code, const char *field, const char *zh, const char *en);

/* An error answer as a value (api_error's arguments): a route's "no such row", kept in a table. */
typedef struct api_err {
	int code;          /* SA_E_* */
	const char *field; /* NULL: none */
	const char *zh;    /* NULL: the code's own text */
	const char *en;
} api_err;
void api_error_of(http_req *req, const api_err *e);
/* 404 unknown_contest, the code's own text: the answer of a {code} no contest has. */
extern const api_err API_NO_CONTEST;
/* A string member of the JSON body: NULL when absent; *bad = 1 when present and not a string,
 * or when the body is not an object. */
const char *api_string(http_req *req, const char *name, int *bad);
/* A {param} of the row as an id: a decimal number 1..2^53, else 0. */
int64_t api_id(http_req *req, const char *name);
/* A query parameter as a whole number 1..max: dflt when absent (s NULL), 0 when it is not one. */
long api_number(const char *s, long dflt, long max);
/* The JSON text of a query result's cell (row, col), parsed; NULL when SQL NULL. */
cJSON *api_json_cell(void *res, int row, int col);
/*
 * Queues sql (n text parameters p) for the request: req is referenced
 * (http_req_ref) until cb, which gets ud (NULL: req itself) and drops the
 * reference. 0, or the SA_E_* code to answer (nothing queued, the reference
 * already dropped: ud is still the caller's).
 */
int api_query(http_req *req, const char *sql, int n, const char *const *p, store_cb cb, void *ud);
/*
 * api_query of a statement whose one row is one JSON cell, answered: 200
 * with the cell; no row: missing (NULL: a statement that always returns a
 * row, such as an aggregate, so none is a failure: 503); PostgreSQL
 * unavailable: 503. 0 or the code to answer.
 */
int api_query_json(http_req *req, const char *sql, int n, const char *const *p, const api_err *missing);

/*
 * The one row of a statement that reads whether a thing exists and whether
 * the caller may change it, as 't'/'f' in column col: 1 when 't'; else 0
 * with the answer sent: 503 when the statement failed (err, or no res),
 * missing when there is no row or the cell is NULL (missing NULL: a
 * statement that always returns its row, so that is 503 too), refused when
 * it is 'f'.
 */
int api_row_true(http_req *req, void *res, const char *err, int col, const api_err *missing,
		 const api_err *refused);

/*
 * Sets account id's password (checked by the caller against
 * password_rules): hashed on the thread pool, stored, the account's
 * sessions ended but the one whose token hash is keep ("": every one), the
 * audit entry account.password {by, sessions_ended} of username, and 200
 * {ok, sessions_ended} (or the error). The caller's reference of req goes
 * on and is dropped with the answer. 0, or the SA_E_* code to answer
 * (nothing started: the reference is still the caller's).
 */
int api_password_set(http_req *req, const char *id, const char *username, const char *password,
		     const char *by, const char *keep);

/* Whether the request came over TLS or the public URL is https (cookies get Secure). */
int api_secure(http_req *req);

/* Answers with the audit entries matching f as a CSV file named filename (UTF-8 with a BOM,
 * newest first, at most 100,000): a contest's trail beside its results (audit.c). */
int api_audit_csv(http_req *req, const audit_filter *f, const char *filename);

#endif
