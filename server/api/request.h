/*
 * request.h - what the API's handlers share (request.c): errors that name
 * their field in the request's language, the body's fields, ids, JSON cells
 * of query results; and api_audit_csv (audit.c), the CSV export of an audit
 * trail that a contest's results route can answer with.
 */
#ifndef SKILLARENA_API_REQUEST_H
#define SKILLARENA_API_REQUEST_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "net/http.h"
#include "store/audit.h"

/* {"error":{"code","message","field"}} with the code's status, the message in the request's
 * language (zh NULL: the code's own text); field names what is wrong (NULL: nothing). */
void api_error(http_req *req, int code, const char *field, const char *zh, const char *en);
/* A string member of the JSON body: NULL when absent; *bad = 1 when present and not a string,
 * or when the body is not an object. */
const char *api_string(http_req *req, const char *name, int *bad);
/* A {param} of the row as an id: a decimal number 1..2^53, else 0. */
int64_t api_id(http_req *req, const char *name);
/* A query parameter as a whole number 1..max: dflt when absent (s NULL), 0 when it is not one. */
long api_number(const char *s, long dflt, long max);
/* The JSON text of a query result's cell (row, col), parsed; NULL when SQL NULL. */
cJSON *api_json_cell(void *res, int row, int col);
/* Whether the request came over TLS or the public URL is https (cookies get Secure). */
int api_secure(http_req *req);

/* Answers with the audit entries matching f as a CSV file named filename (UTF-8 with a BOM,
 * newest first, at most 100,000): a contest's trail beside its results (audit.c). */
int api_audit_csv(http_req *req, const audit_filter *f, const char *filename);

#endif
