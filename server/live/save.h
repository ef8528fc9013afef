/*
 * save.h - answers of an attempt in progress (save.c): `save` (every
 * change stored once, group-committed, acknowledged after the commit),
 * `flag` and `review` (player; exam, mass).
 */
#ifndef SKILLARENA_LIVE_SAVE_H
#define SKILLARENA_LIVE_SAVE_H

#include "core/arena.h"
#include "net/msg.h"

int save_answer(msg_ctx *x);
int save_flag(msg_ctx *x);
int save_review(msg_ctx *x);
int save_open(arena *a); /* the save group commit (a->saves) */
void save_close(arena *a);

#endif
