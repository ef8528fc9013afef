/*
 * http.h - the HTTP machinery (http.c): every request runs the route table
 * (net/route.h, rows written in server/api/); static files come from the
 * libwebsockets file mount set up in main.c, with the same security headers.
 * What a request passes before the table, and the HTTP options, are in
 * net/gate.h (gate_open before the lws context is made).
 *
 * A request's way: headers complete -> framing checked (Content-Length,
 * Transfer-Encoding, URL length) -> row found (404, 405) -> rate limit per
 * address (429) -> credential identified (a bearer token or the session
 * cookie, through core/auth.h's auth_check: PostgreSQL for sessions and API
 * tokens), the CSRF token of a session's POST/PUT/PATCH/DELETE checked (403
 * csrf_failed), the grant read for a contest-scoped row, and access decided
 * (401, 403), all BEFORE the body is read (a body sent meanwhile without
 * waiting for 100 Continue is kept, up to the row's limit) -> body read up
 * to the row's limit (413) and parsed (JSON) -> handler -> one reply (JSON,
 * bytes, or an error).
 *
 * Handlers get their request, read its params, query and body, and answer
 * with one of the http_reply_* calls, at once or later (after PostgreSQL or
 * Redis answered). A handler that answers later takes a reference
 * (http_req_ref) and drops it when done: the connection may close meanwhile,
 * and a reply to a closed one is dropped. The request's memory (params,
 * query, body, http_alloc) lives until the last reference goes.
 */
#ifndef SKILLARENA_NET_HTTP_H
#define SKILLARENA_NET_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <libwebsockets.h>

#include "core/arena.h"
#include "core/auth.h"
#include "net/route.h"

typedef struct http_req http_req;

/* The lws callback of the "http" protocol (protocols[0]). */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

/* ---- for handlers */
arena *http_arena(const http_req *req);
/* The value of a {param} of the row's pattern (NUL-terminated), or NULL. */
const char *http_param(const http_req *req, const char *name);
/* The first value of a query parameter (decoded), "" when given without '=', or NULL. */
const char *http_query(const http_req *req, const char *name);
/* A ROUTE_BODY_JSON row's body (owned by the request). */
cJSON *http_json_body(const http_req *req);
/* A ROUTE_BODY_BYTES row's body, NUL-terminated (owned by the request); *len its length. */
const char *http_body(const http_req *req, size_t *len);
const auth_principal *http_principal(const http_req *req);
const char *http_peer(const http_req *req); /* the client's address */
/* The User-Agent header ("" when none), in the request's memory; call it before answering later. */
const char *http_user_agent(http_req *req);
/* A Set-Cookie header for the reply (copied; NULL: none). */
void http_set_cookie(http_req *req, const char *value);
/* 1 when messages should be English (the request's Accept-Language does not begin with "zh"). */
int http_lang_en(const http_req *req);
/* 1 when the request came over TLS (to this process; a proxy's TLS is --public-url's https). */
int http_tls(const http_req *req);
/* A Retry-After header for the reply, in seconds (0: none). */
void http_set_retry_after(http_req *req, int seconds);
/* A 200 reply that anyone may cache for this many seconds (Cache-Control: public, max-age);
 * every other reply is no-store. */
void http_set_max_age(http_req *req, int seconds);
/* Memory that lives as long as the request (zeroed); NULL when out of memory. */
void *http_alloc(http_req *req, size_t size);
void http_req_ref(http_req *req);
void http_req_unref(http_req *req);

/*
 * Replies. The first one of a request counts; the others are ignored. Each
 * takes what it is given (obj, bytes), also when the connection is gone.
 */
void http_reply_json(http_req *req, int status, cJSON *obj);
/* {"error":{"code":..,"message":..}} with the code's HTTP status; message NULL: the code's text
 * (in the request's language). */
void http_reply_error(http_req *req, int code, const char *message);
/* bytes (malloc'd, len long) of content type ctype; filename: a download (Content-Disposition). */
void http_reply_bytes(http_req *req, int status, const char *ctype, char *bytes, size_t len,
		      const char *filename);
/* The file at path (opened now; what it holds when each chunk is written, so it must not change
 * meanwhile: write a new file beside it and rename), sent in chunks as the socket takes them:
 * a large export never sits in memory. 500 when it cannot be opened. */
void http_reply_file(http_req *req, int status, const char *ctype, const char *path, const char *filename);

#endif
