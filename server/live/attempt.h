/*
 * attempt.h - attempts of the exam and mass modes (attempt.c): a player's
 * self-paced state on its connection, `attempts` (the summary, also sent
 * after joined), `attempt_start` (a new attempt, or the one in progress).
 * Saving, flagging and reviewing are save.c's, ending and results
 * result.c's, the deadline sweeper sweep.c's.
 *
 * Ownership: conn->sp is created by the first self-paced message of a
 * player and freed when its socket closes (attempt_conn_closed, from
 * net/msg.c's msg_closed); requests in flight never keep a pointer to it
 * (they check conn->wsi, then read conn->sp again).
 */
#ifndef SKILLARENA_LIVE_ATTEMPT_H
#define SKILLARENA_LIVE_ATTEMPT_H

#include <stdint.h>

#include "core/limit.h"
#include "live/paper.h"
#include "net/msg.h"

struct practice_sess;

/* A player's self-paced state on one connection. */
typedef struct sp_conn {
	/* exam, mass: its attempt, once this connection served or listed it */
	int64_t attempt_id; /* 0: none */
	int attempt_no;
	int closed; /* it ended: saves get attempt_closed */
	int64_t started_ms, deadline_ms;
	paper *paper;     /* owned */
	int notified;     /* its end was pushed to this connection */
	int64_t check_ms; /* when sweep.c looks at it again after its deadline */
	int starting;     /* an attempt_start on its way */
	limit_bucket starts;
	/* practice (practice.c) */
	struct practice_sess *prac;
} sp_conn;

/* c's state, made on first use; NULL when c is closed or memory ran out. */
sp_conn *attempt_conn(conn *c);
/* c's socket closed: its state goes. */
void attempt_conn_closed(conn *c);
/* Makes p c's current attempt (takes p). */
void attempt_conn_set(sp_conn *sp, int64_t id, int no, int64_t started, int64_t deadline, paper *p);

/* `attempts` and `attempt_start` (player; exam, mass). */
int attempt_list(msg_ctx *x);
int attempt_start(msg_ctx *x);
/* After joined in a self-paced contest: `attempts` (exam, mass) or
 * `progress` (practice); rid NULL. */
void attempt_welcome(conn *c);
/* The `attempts` summary for c (rid may be NULL); 0 or an SA_E_* code. */
int attempt_send_list(conn *c, const char *rid);

/* The day of ms in r's time zone, "YYYY-MM-DD" (11 bytes). */
void attempt_day(const crun *r, int64_t ms, char day[11]);

/* Field helpers shared by save.c, result.c and practice.c: an integer field
 * (lo <= v <= hi), 0 or SA_E_BAD_MESSAGE (absent, not a number) or
 * SA_E_INVALID_FIELD (not an integer in range; *bad names the field). */
int attempt_int_field(msg_ctx *x, const char *name, int64_t lo, int64_t hi, int64_t *out);

#endif
