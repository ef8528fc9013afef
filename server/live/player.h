/*
 * player.h - `join` and `resume` (player.c).
 */
#ifndef SKILLARENA_LIVE_PLAYER_H
#define SKILLARENA_LIVE_PLAYER_H

#include "core/arena.h"
#include "net/msg.h"

int player_join(msg_ctx *x);
int player_resume(msg_ctx *x);
int player_open(arena *a); /* the join group commit */
void player_close(arena *a);

#endif
