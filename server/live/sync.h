/*
 * sync.h - every process follows PostgreSQL's contests table (sync.c):
 * contests to load, to stop serving, reset, and live states it missed.
 */
#ifndef SKILLARENA_LIVE_SYNC_H
#define SKILLARENA_LIVE_SYNC_H

#include "core/arena.h"

/* Re-reads every --sync-ms, every SYNC_FAST_MS while the Redis subscriber is
 * down. 0, or SA_E_INTERNAL. */
int sync_open(arena *a);
void sync_close(arena *a); /* after store_close: waiters get SA_E_UNAVAILABLE */
/* Re-read soon (an event said something changed, events may have been missed). */
void sync_now(arena *a);
/*
 * cb(a, rc, ud) once a read that started after this call has been applied
 * (rc 0), or could not be made (SA_E_UNAVAILABLE). Returns 0, or
 * SA_E_UNAVAILABLE when too many wait already (cb is then not called).
 */
int sync_wait(arena *a, void (*cb)(arena *a, int rc, void *ud), void *ud);

#endif
