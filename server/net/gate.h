/*
 * gate.h - what every HTTP request passes before the route table, and the
 * HTTP options that configure it (gate.c): the public URL, the WebSocket
 * origins, the security headers of every response, the URL and header size
 * limits, the rate limit per address, the mounts of the route table.
 *
 * Checked for every request, static files included (libwebsockets'
 * FILTER_HTTP_CONNECTION), and answered at once with a JSON error and a
 * close: two different Content-Lengths, Content-Length with
 * Transfer-Encoding, a GET or HEAD with a body -> 400 (a body lws does not
 * read would be taken for the next request); a URL
 * over --http-max-url -> 414; a method other than GET or HEAD for a static
 * file -> 405. Request line and headers over --http-max-headers -> 431
 * (beyond lws' own buffer lws closes unanswered; see gate.c). A WebSocket upgrade is served on
 * /ws only (404 elsewhere), from an allowed Origin only (403), and an
 * upgrade to HTTP/2 over cleartext (h2c) is refused (400): every request
 * is HTTP/1.1.
 */
#ifndef SKILLARENA_NET_GATE_H
#define SKILLARENA_NET_GATE_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "core/arena.h"
#include "net/route.h"

/* Limits of the options (docs/configuration.md). */
#define GATE_URL_MIN 256
#define GATE_URL_MAX 16384
#define GATE_HEADERS_MIN 2048
#define GATE_HEADERS_MAX 262144

/*
 * Opens the gate for the route tables (a NULL-ended list; it must outlive
 * the gate): checks the table and the HTTP options. 0, or an SA_E_* code
 * with why in err. Before the lws context is made: gate_lws_info fills what
 * lws needs (header buffer size, URL limit, security headers, mounts).
 */
int gate_open(arena *a, const route *const *tables, char *err, size_t errlen);
/* Sets info's headers, token limits, header buffer and mounts: the route
 * table's mounts, then files (the mount list main.c made). */
void gate_lws_info(arena *a, struct lws_context_creation_info *info, const struct lws_http_mount *files);
void gate_close(arena *a);
/* The base URL players open: --public-url, else http://localhost:PORT. */
const char *gate_public_url(const arena *a);

/* ---- for net/http.c */
const route *const *gate_routes(const arena *a);
/* 0: the request from peer may go (--addr-http-rate); else the seconds to wait (429, Retry-After). */
int gate_rate(arena *a, const char *peer);
/*
 * The request's method (a ROUTE_* bit), path (decoded by lws, valid during
 * the callback) and Content-Length (-1: none, maybe a Transfer-Encoding).
 * 0, or the SA_E_* code to refuse it with and *why.
 */
int gate_request(arena *a, struct lws *wsi, unsigned *method, const char **path, int64_t *length,
		 const char **why);
/* LWS_CALLBACK_FILTER_HTTP_CONNECTION: 0 lets the request on, 1 refused it (close). */
int gate_filter(arena *a, struct lws *wsi);
/* LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 0 lets the upgrade on, -1 refused it (close). */
int gate_upgrade(arena *a, struct lws *wsi, const char *upgrade);
/* LWS_CALLBACK_ADD_HEADERS (a file from the web mount): the per-page headers. */
int gate_file_headers(arena *a, struct lws *wsi, void *args);
/* Adds the per-response header of frame-ancestors, when the vhost's CSP does not carry it. */
int gate_frame_header(arena *a, struct lws *wsi, unsigned char **p, unsigned char *end);
/* Whether the client waits for "100 Continue" before it sends the body. */
int gate_expects_continue(struct lws *wsi);
/* Sends "100 Continue" when the client waits for it (the body is wanted). */
void gate_continue(struct lws *wsi);
/* {"error":{"code":..,"message":..}}, malloc'd (NULL when out of memory); message NULL: the code's text. */
char *gate_error_json(int code, const char *message);

#endif
