/*
 * attempt.h - attempts of the exam and mass modes (attempt.c): `attempts`
 * (the summary, also sent after joined), `attempt_start` (a new attempt, or
 * the one in progress). Saving, flagging and reviewing are save.c's, ending
 * and results result.c's, the deadline sweeper sweep.c's; the player's
 * state on its connection is selfpaced.h's.
 */
#ifndef SKILLARENA_LIVE_ATTEMPT_H
#define SKILLARENA_LIVE_ATTEMPT_H

#include <stdint.h>

#include "core/arena.h"
#include "net/msg.h"

/* `attempts` and `attempt_start` (player; exam, mass). */
int attempt_list(msg_ctx *x);
int attempt_start(msg_ctx *x);
/* The `attempts` summary for c (rid may be NULL); 0 or an SA_E_* code. */
int attempt_send_list(conn *c, const char *rid);
/* The group commits of starts and papers (a->starts, a->papers): main.c. */
int attempt_open(arena *a);
void attempt_close(arena *a);

#endif
