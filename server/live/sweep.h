/*
 * sweep.h - the self-paced modes' timer (sweep.c): attempts past their
 * deadline are ended (whatever process started them, also after every
 * server was stopped), their ends reach the participants connected here,
 * mass boards are pushed; and, in tests only, the clock is moved.
 */
#ifndef SKILLARENA_LIVE_SWEEP_H
#define SKILLARENA_LIVE_SWEEP_H

#include "core/arena.h"

/* Attempts are ended this long after their deadline, so that saves received
 * before it (still on their way to PostgreSQL) are in. */
#define SWEEP_GRACE_MS 2000

int sweep_open(arena *a);
void sweep_close(arena *a);

#endif
