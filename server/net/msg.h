/*
 * msg.h - from a complete text frame to a handler (msg.c): the message table,
 * and the field helpers handlers use.
 */
#ifndef SKILLARENA_NET_MSG_H
#define SKILLARENA_NET_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "net/ws.h"

/* One message on its way to its handler; m and rid live until the handler returns. */
typedef struct msg_ctx {
	conn *c;
	cJSON *m;
	const char *rid;
	int64_t recv_ms;
} msg_ctx;

void msg_dispatch(conn *c, char *buf, size_t len, int64_t recv_ms); /* may rewrite buf */
/* c's socket closed: it leaves its contest (live/members.c). */
void msg_closed(conn *c);
/* A string field: NULL when absent (sets *rc if required) or not a string (sets *rc). */
const char *msg_string(msg_ctx *x, const char *name, int required, int *rc);
/* Applies an optional "lang" field ("en" or "zh-CN") to the connection. */
void msg_lang(msg_ctx *x);

#endif
