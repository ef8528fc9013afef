/*
 * answer.h - the answer path: dedupe, deadline, score, group commit, ack
 * (answer.c).
 */
#ifndef SKILLARENA_LIVE_ANSWER_H
#define SKILLARENA_LIVE_ANSWER_H

#include "core/arena.h"
#include "net/msg.h"

int answer_submit(msg_ctx *x);
int answer_open(arena *a);
void answer_close(arena *a);
void answer_flush_now(arena *a);
int answer_pending(arena *a); /* answers received, not yet acknowledged or refused */

#endif
