/*
 * selfpaced.h - what the self-paced modules share (selfpaced.c): a
 * player's self-paced state on its connection (conn->sp), and the field
 * helpers of their messages and rows.
 *
 * Ownership: conn->sp is made by the first self-paced message of a player
 * and freed when its socket closes (selfpaced_conn_closed, from net/msg.c's
 * msg_closed), with its paper and its practice session (through the
 * session's own destructor). Requests in flight never keep a pointer to it:
 * they check conn->wsi, then read conn->sp again.
 */
#ifndef SKILLARENA_LIVE_SELFPACED_H
#define SKILLARENA_LIVE_SELFPACED_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/limit.h"
#include "live/paper.h"
#include "net/msg.h"
#include "net/ws.h"

/* A player's self-paced state on one connection. */
typedef struct sp_conn {
	/* exam, mass: its attempt, once this connection served or listed it (attempt.c) */
	int64_t attempt_id; /* 0: none */
	int attempt_no;
	int closed; /* it ended: saves get attempt_closed */
	int64_t started_ms, deadline_ms;
	paper *paper;          /* owned */
	int notified;          /* its end was pushed to this connection */
	int64_t result_pushed; /* the attempt whose result a push delivered: the sweeper's retry and
				* the expiry of another process may both fetch it; one goes out */
	int64_t check_ms;      /* when sweep.c looks at it again after its deadline */
	int starting;          /* an attempt_start on its way */
	limit_bucket starts;
	/* practice (practice.c): its session and how it is freed */
	void *prac;
	void (*prac_free)(void *prac);
} sp_conn;

/* c's state, made on first use; NULL when c is closed or memory ran out. */
sp_conn *selfpaced_conn(conn *c);
/* c's socket closed: its state goes. */
void selfpaced_conn_closed(conn *c);
/* Makes p sp's current attempt (takes p). */
void selfpaced_conn_set(sp_conn *sp, int64_t id, int no, int64_t started, int64_t deadline, paper *p);

/* An integer field with lo <= v <= hi: 0, or SA_E_BAD_MESSAGE (absent, not a
 * number) or SA_E_INVALID_FIELD (not an integer, or out of range). */
int selfpaced_int_field(msg_ctx *x, const char *name, int64_t lo, int64_t hi, int64_t *out);
/* Appends the integers of a PostgreSQL array literal ("{2,5}") to arr. */
void selfpaced_pg_ints(cJSON *arr, const char *pg);

#endif
