/*
 * practice.h - the practice mode (practice.c): sessions by category or of
 * the wrong-answer notebook, one question at a time, immediate feedback
 * after the group commit, the notebook and the progress per category.
 */
#ifndef SKILLARENA_LIVE_PRACTICE_H
#define SKILLARENA_LIVE_PRACTICE_H

#include "core/arena.h"
#include "net/msg.h"

struct practice_sess;

int practice_start(msg_ctx *x);
int practice_next(msg_ctx *x);
int practice_answer(msg_ctx *x); /* `answer` in practice contests */
int practice_notebook(msg_ctx *x);
int practice_progress(msg_ctx *x);
int practice_send_progress(conn *c, const char *rid);
void practice_sess_free(struct practice_sess *s);
int practice_open(arena *a); /* the practice answers' group commit (a->practice) */
void practice_close(arena *a);

#endif
