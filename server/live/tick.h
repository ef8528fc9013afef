/*
 * tick.h - the coalescing tick: counts and top N, pushed when changed
 * (tick.c).
 */
#ifndef SKILLARENA_LIVE_TICK_H
#define SKILLARENA_LIVE_TICK_H

#include "core/arena.h"

int tick_open(arena *a);
void tick_now(arena *a);
void tick_close(arena *a);

#endif
