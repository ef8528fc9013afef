/*
 * route.h - the HTTP route table (route.c): a route is a row {method, path
 * pattern, handler, access, body kind and limit, flags}; a request's method
 * and path find their row, with the pattern's {params}. Pure (no
 * libwebsockets): net/http.c runs the rows, server/api/ writes them.
 *
 * Patterns are absolute paths whose segments are literals or a whole-segment
 * parameter, "/api/contests/{code}/leaderboard". A parameter matches one
 * non-empty segment of valid UTF-8 without control characters; it cannot
 * hold '/' (libwebsockets decodes %2F before we see the path). When several
 * patterns match, the one whose first differing segment is a literal wins
 * ("/api/banks/template.xlsx" over "/api/banks/{code}"), so the order of the
 * rows never matters; route_check refuses two rows that would tie.
 *
 * Tables are arrays of rows ended by a row whose pattern is NULL; a list of
 * tables is an array of table pointers ended by NULL.
 */
#ifndef SKILLARENA_NET_ROUTE_H
#define SKILLARENA_NET_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/auth.h"

struct http_req;
/* Answers the request now or later through net/http.h (0), or returns an
 * SA_E_* code, which the machinery answers as a JSON error. */
typedef int (*route_handler)(struct http_req *req);

/* Methods, as bits (a set of them is the Allow header of a 405). */
enum {
	ROUTE_GET = 1 << 0,
	ROUTE_HEAD = 1 << 1,
	ROUTE_POST = 1 << 2,
	ROUTE_PUT = 1 << 3,
	ROUTE_PATCH = 1 << 4,
	ROUTE_DELETE = 1 << 5,
	ROUTE_OPTIONS = 1 << 6,
	ROUTE_METHODS = 7
};

typedef enum {
	ROUTE_BODY_NONE,  /* a body sent anyway is discarded unread */
	ROUTE_BODY_JSON,  /* parsed (cJSON) before the handler runs; 400 bad_json otherwise */
	ROUTE_BODY_BYTES, /* the bytes as sent (file uploads) */
} route_body;

/* Row flags. */
enum {
	ROUTE_NO_RATE_LIMIT = 1 << 0, /* not counted by --addr-http-rate */
};

typedef struct route {
	unsigned method;       /* one ROUTE_* bit */
	const char *pattern;   /* NULL ends a table */
	route_handler handler; /* never NULL */
	auth_access access;    /* decided (core/auth.c) before any body is read */
	route_body body;
	size_t body_max; /* bytes, > 0 iff body is not NONE: longer gets 413 before it is read */
	unsigned flags;
} route;

#define ROUTE_PARAMS_MAX 8
#define ROUTE_SEGMENTS_MAX 32

typedef struct route_param {
	const char *name, *value; /* into the pattern and the path: not NUL-terminated */
	size_t name_len, value_len;
} route_param;

typedef struct route_match {
	const route *row;
	int nparams;
	route_param params[ROUTE_PARAMS_MAX];
	unsigned allow; /* methods some row has for this path (for a 405's Allow) */
} route_match;

/* "GET" -> ROUTE_GET; 0 for any other text. */
unsigned route_method_parse(const char *name);
/* ROUTE_GET -> "GET"; NULL unless one known bit. */
const char *route_method_name(unsigned method);
/* "GET, HEAD" for a set of methods, into out. */
void route_methods_text(unsigned methods, char *out, size_t n);
/*
 * Matches path (decoded, without the query) against pattern: -1 when it
 * does not match, else its specificity (higher wins), with m's params set.
 */
int64_t route_pattern_match(const char *pattern, const char *path, route_match *m);
/*
 * Finds method + path: 0 with m->row and its params; SA_E_METHOD when the
 * path has rows for other methods only (m->allow lists them); SA_E_NOT_FOUND.
 */
int route_find(const route *const *tables, unsigned method, const char *path, route_match *m);
/* 0 when every row is well-formed and no two tie; else SA_E_INVALID_FIELD with why in err. */
int route_check(const route *const *tables, char *err, size_t errlen);
/* The table as JSON, for `skillarena routes`: [{"method","pattern","access","roles","body",...}]. */
cJSON *route_json(const route *const *tables);
/*
 * The value of name in a query held as NUL-separated "name=value" entries
 * (already split and decoded by libwebsockets), list of len bytes ending
 * with a NUL: the first entry of that name ("" when it has no '='), or NULL.
 */
const char *route_query(const char *list, size_t len, const char *name);

#endif
