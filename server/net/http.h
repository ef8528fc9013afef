/*
 * http.h - the JSON HTTP API: /healthz, /api/... (http.c); static files come
 * from the lws file mount set up in main.c.
 */
#ifndef SKILLARENA_NET_HTTP_H
#define SKILLARENA_NET_HTTP_H

#include <libwebsockets.h>

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

#endif
