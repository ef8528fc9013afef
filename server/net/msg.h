/*
 * msg.h - from a complete text frame to a handler (msg.c): the message table,
 * and the field helpers handlers use.
 */
#ifndef SKILLARENA_NET_MSG_H
#define SKILLARENA_NET_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/auth.h"
#include "net/ws.h"

/* One message on its way to its handler; m and rid live until the handler returns. */
typedef struct msg_ctx {
	conn *c;
	cJSON *m;
	const char *rid;
	int64_t recv_ms;
	int arg;            /* the table row's argument (host.h: which command) */
	auth_access access; /* the table row's access, for messages that take a role (host, watch) */
} msg_ctx;

struct msg_row; /* a row of the message table */

/* One frame read (msg_read): the message and its row, or the error to answer. */
typedef struct msg_in {
	cJSON *m;                  /* the parsed frame, or NULL; cJSON_Delete it */
	const char *rid;           /* inside m, when present and valid */
	const struct msg_row *row; /* NULL when the type is missing or unknown */
	int code;                  /* 0, or the SA_E_* to answer */
	const char *detail;        /* the field at fault, or NULL */
} msg_in;

/* Receives a complete frame on c: read, then the handler or an `error`. */
void msg_dispatch(conn *c, char *buf, size_t len, int64_t recv_ms); /* may rewrite buf */
/* Parses buf (rewriting escaped NULs in place), checks rid and type, looks
 * the type up and checks that a connection of this role may send it. */
void msg_read(char *buf, size_t len, conn_role role, msg_in *in);
/* The error for a connection of this role sending row's message (0: allowed). */
int msg_role_error(const struct msg_row *row, conn_role role);
/* The message table as JSON, for `skillarena messages` and the authorization tests, a row a line
 * (a type may have a row per role or mode): [{"type","role","refused":{role: code},"access","roles","modes"}]. */
cJSON *msg_table_json(void);
/* "none", "player", "host", "screen", "any". */
const char *msg_role_name(conn_role role);
/* c's socket closed: it leaves its contest (live/members.c). */
void msg_closed(conn *c);
/* A string field: NULL when absent (sets *rc if required) or not a string (sets *rc). */
const char *msg_string(msg_ctx *x, const char *name, int required, int *rc);
/* Applies an optional "lang" field ("en" or "zh-CN") to the connection. */
void msg_lang(msg_ctx *x);

#endif
