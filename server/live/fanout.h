/*
 * fanout.h - one push to every member of a contest, a chunk per loop
 * iteration (fanout.c).
 */
#ifndef SKILLARENA_LIVE_FANOUT_H
#define SKILLARENA_LIVE_FANOUT_H

#include "live/run.h"

/* f to every member whose role is in roles_mask (1<<ROLE_*): a chunk now, the
 * rest in the next loop iterations, each member in order with its other output. */
void fanout_push(crun *r, frame *f, int roles_mask);
void fanout_finish(crun *r); /* the push on its way, to every member it has not reached, now */
int fanout_open(arena *a);
void fanout_close(arena *a); /* finishes every fan-out in progress */

#endif
